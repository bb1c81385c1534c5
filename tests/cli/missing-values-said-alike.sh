#!/bin/sh
# A value nobody gave: a session starts anyway and says what is missing
# with the command that gives it; status says it at the top; the steps that
# use it say "needs an answer"; every check kind (ssh, tls, tcp, dns, x509, sip)
# reports it in the same words and runs nothing; marking such a step done
# is recorded as done without it.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

F() { "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/good" --state "$T/db" "$@"; }
write "$T/site.yaml" <<'EOF2'
runbook: needs-answers
hosts:
  edge: [ { name: edge1, address: 127.0.0.1, port: 1 } ]
EOF2

# Checks: one line per kind, the same words, exit 2 (the input), and
# nothing run (the ssh check would have said its port 1 refused).
expect_exit 2 F check needs-answers --answers "$T/site.yaml" --timeout 2
for k in ssh tls tcp dns x509 sip; do
	grep -q "^ERROR reach-partner@edge1 step 1 on edge1: $k " "$T/out" ||
		fail "no $k line: $(cat "$T/out")"
done
[ "$(grep -c '^      \(edge1: \)\{0,1\}needs an answer for peer$' "$T/out")" -eq 6 ] ||
	fail "not said alike: $(cat "$T/out")"
grep -q "^      needs an answer for own_name on edge1$" "$T/out" || fail "per-host value"
! grep -q "refused\|cannot connect\|cannot resolve\|cannot read" "$T/out" ||
	fail "something ran: $(cat "$T/out")"

# A session starts anyway, and says what to do.
expect_exit 0 F start needs-answers --answers "$T/site.yaml" --operator alice
grep -q "warning: no answer yet for peer, own_name on edge1; the steps that use them say \"needs an answer\" until you give them, e.g. 'fedwiz set peer=VALUE --session 1'" \
    "$T/err" || fail "start: $(cat "$T/err")"
expect_exit 0 F status
grep -q "^no answer yet for: peer, own_name on edge1$" "$T/out" || fail "status missing: $(cat "$T/out")"
grep -q "^      (it needs an answer for peer: 'fedwiz set peer=VALUE')$" "$T/out" || fail "status next"
grep -q "needs an answer for: peer (step 1), own_name on edge1 (step 2)" "$T/out" || fail "status per instance"
expect_exit 0 F status --json
jq -e '.missing == [{var: "peer", host: null}, {var: "own_name", host: "edge1"}] and
    (.procedures[0].steps | map(.needs)) == [[{var: "peer", host: null}],
    [{var: "own_name", host: "edge1"}]]' "$T/out" >/dev/null || fail "status --json: $(cat "$T/out")"
expect_exit 2 F check needs-answers --session 1
[ "$(grep -c 'needs an answer for peer$' "$T/out")" -eq 6 ] || fail "session check: $(cat "$T/out")"

# Done without it: recorded as such, and said.
expect_exit 0 F step reach-partner 1 done --operator alice
grep -q "warning: step 1 of reach-partner@edge1 needs an answer for peer (it shows <peer>): recorded as done without it; 'fedwiz set peer=VALUE' gives it" \
    "$T/err" || fail "done without: $(cat "$T/err")"
command -v sqlite3 >/dev/null && {
	[ "$(sqlite3 -readonly "$T/db" "SELECT extra FROM events ORDER BY id DESC LIMIT 1")" = \
	    "done without an answer for peer" ] || fail "not in the record"
}
# Given: nothing is missing any more.
expect_exit 0 F set peer=partner.example.com
expect_exit 0 F set own_name=edge1.example.com --host edge1
expect_exit 0 F status --json
jq -e '.missing == []' "$T/out" >/dev/null || fail "still missing"
echo "ok: a missing value is said alike everywhere"
