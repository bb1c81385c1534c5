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
