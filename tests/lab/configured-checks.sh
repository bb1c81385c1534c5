#!/bin/bash
# configured-checks.sh: on a configured lab, fedwiz check RUNBOOK --answers
# DIR/answers/RUNBOOK.yaml (nothing else: the answers carry the lab's
# known_hosts and DNS server) passes every applicable check of every
# runbook the lab writes answers for: none fails, none errors, none is
# left unrun but for a false `when` or a manual confirmation. The checks
# the lab shows to be wrong (known-defects, "configured") must fail, so
# that a fixed runbook is noticed. Driven by what the runbooks hold today:
# as checks are added or reworded, this keeps judging them.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"

L="$T/lab"
expect_exit 0 lab_up "$L" --state configured
defects="$FEDWIZ_SRCDIR/tests/lab/known-defects"
status=0
n=0
for a in "$L"/answers/*.yaml; do
	rb=$(basename "$a" .yaml)
	n=$((n + 1))
	set +e
	"$FEDWIZ" check "$rb" --answers "$a" --json >"$T/$rb.json" 2>"$T/$rb.err"
	set -e
	jq -e '.checks | length > 0' "$T/$rb.json" >/dev/null ||
	    fail "$rb: no checks ran: $(cat "$T/$rb.err")"
	# Fields joined by US (0x1f): empty ones stay fields, as tabs would
	# not under read's whitespace rules.
	jq -r '.checks[] | [.verdict, .procedure, (.host // ""),
	    (.step | tostring), .kind, (.target // ""), (.message // "")] |
	    join("\u001f")' "$T/$rb.json" |
	while IFS=$(printf '\037') read -r verdict proc host step kind target msg; do
		known=$(awk -F '\t' -v r="$rb" -v p="$proc" -v k="$kind" \
		    -v t="$target" '$1 == r && $2 == p && $3 == k &&
		    $5 == "configured" && index(t, $4) { print $6; exit }' \
		    "$defects")
		case $verdict in
		pass)
			[ -z "$known" ] || echo "NOW PASSES (remove it from known-defects): $rb $proc@$host step $step $kind $target"
			;;
		fail)
			if [ -n "$known" ]; then
				echo "known defect: $rb $proc@$host step $step: $known"
			else
				echo "FAIL: $rb $proc@$host step $step $kind $target: $msg"
			fi
			;;
		"not run")
			case $kind:$msg in
			manual:*|*:"does not apply"*) ;;
			*) echo "NOT RUN: $rb $proc@$host step $step $kind: $msg" ;;
			esac
			;;
		*)
			echo "ERROR: $rb $proc@$host step $step $kind $target: $msg"
			;;
		esac
	done >"$T/$rb.verdicts"
	cat "$T/$rb.verdicts"
	if grep -q '^\(FAIL\|NOT RUN\|ERROR\|NOW PASSES\)' "$T/$rb.verdicts"; then
		status=1
	fi
	echo "$rb: $(jq '[.checks[] | select(.verdict == "pass")] | length' \
	    "$T/$rb.json") checks pass"
done
[ $n -ge 5 ] || fail "answers for $n runbooks, expected 5"
[ $status -eq 0 ] || fail "a configured lab does not pass every check"
echo "ok: every applicable check of $n runbooks passes on a configured lab"

# The checks that pass before their procedure is done (known-defects,
# "before") cannot be the whole verdict: each such step also asks the
# operator to confirm the setting, so neither the wizard nor check --mark
# completes it on those checks alone, even on a lab where they all pass.
grep -v '^#' "$defects" | awk -F '\t' '$5 == "before"' |
while IFS=$(printf '\t') read -r rb proc kind text when why; do
	"$FEDWIZ" plan "$rb" --answers "$L/answers/$rb.yaml" --json --steps \
	    >"$T/plan-$rb.json" 2>"$T/plan.err" || fail "plan $rb: $(cat "$T/plan.err")"
	# The step whose check of that kind names the text; a summary that
	# shows an address instead (tls) leaves every step with that kind.
	jq -e --arg p "$proc" --arg k "$kind" --arg t "$text" '
	    [.procedures[] | select(.id == $p) | .steps[]] as $s |
	    [$s[] | select(any(.checks[]?; .kind == $k and
	     (.summary | contains($t))))] as $named |
	    (if ($named | length) > 0 then $named else
	     [$s[] | select(any(.checks[]?; .kind == $k))] end) |
	    length > 0 and all(any(.checks[]; .kind == "manual"))' \
	    "$T/plan-$rb.json" >/dev/null ||
		fail "$rb $proc: a step whose $kind check ($text) passes before the procedure has no manual confirmation"
done
F() { "$FEDWIZ" --state "$T/fedwiz.db" "$@"; }
expect_exit 0 F start lync-cup-federation --answers "$L/answers/lync-cup-federation.yaml"
s=$(cat "$T/out")
expect_exit 0 F check lync-cup-federation --session "$s" --procedure set-federation-routing-fqdn --mark
grep -q "^PASS  set-federation-routing-fqdn step 1 on lyncse1: ssh" "$T/out" || fail "check --mark: $(cat "$T/out")"
grep -q "none marked" "$T/out" "$T/err" || fail "check --mark completed a step its checks cannot judge: $(cat "$T/out" "$T/err")"
expect_exit 0 F status --session "$s" --json
jq -e '[.procedures[] | select(.id == "set-federation-routing-fqdn") | .steps[].status] == ["pending"]' \
    "$T/out" >/dev/null || fail "set-federation-routing-fqdn completed by checks that pass before it is done"
echo "ok: steps whose checks pass before they are done wait for the operator"
