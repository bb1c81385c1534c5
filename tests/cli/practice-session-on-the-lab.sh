#!/bin/sh
# A practice session on a real training lab (fedwiz lab up): started on the
# answers the lab wrote, it is practice, remembers the lab's known_hosts
# and DNS server, and its checks use them with nothing but --session (no
# --known-hosts, no --server, an empty ~/.ssh): the lab's hosts are known
# and its names resolve; an option on the command line still wins. No
# command picks it without --session; its record says practice.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"

L=$T/lab
expect_exit 0 lab_up "$L" --state configured
a=$L/answers/lync-imp-tls.yaml
grep -q "^lab: '$L'$" "$a" || fail "the lab's answers do not name the lab: $(head -5 "$a")"
dns=$(sed -n "s/^dns_server: '\(.*\)'$/\1/p" "$a")
[ -n "$dns" ] || fail "the lab's answers have no dns_server"

# Nothing of this user's own: the session's settings are all there is.
mkdir "$T/home"
F() { HOME=$T/home "$FEDWIZ" --state "$T/f.db" "$@"; }
expect_exit 0 F start lync-imp-tls --answers "$a" --operator trainee
s=$(cat "$T/out")
grep -q "PRACTICE session $s started for lync-imp-tls by trainee on the training lab in $L" "$T/err" ||
	fail "start: $(cat "$T/err")"
expect_exit 0 F status --session "$s" --json
jq -e --arg l "$L" --arg dns "$dns" '.session.practice == true and
    .session.lab == $l and .session.known_hosts == ($l + "/known_hosts") and
    .session.dns_server == $dns' "$T/out" >/dev/null ||
	fail "status: $(jq -c .session "$T/out")"

# Its checks: ssh against the lab's hosts (their keys in the lab's
# known_hosts, not in ~/.ssh), tls and dns by names only the lab's DNS
# server holds. Recorded as the session's evidence.
expect_exit 0 F check lync-imp-tls --session "$s" --procedure set-up-static-route --operator trainee
grep -q "^PASS  set-up-static-route[^ ]* step [0-9]* on fe1: ssh " "$T/out" ||
	fail "no ssh check passed on fe1: $(cat "$T/out")"
for k in tls dns; do
	grep -q "^PASS  set-up-static-route[^ ]* step [0-9]* on [^:]*: $k " "$T/out" ||
		fail "no $k check passed: $(cat "$T/out")"
done
! grep -q "^FAIL\|^ERROR" "$T/out" || fail "a check failed: $(cat "$T/out")"
expect_exit 0 F report --session "$s" --format json
jq -e '.record == "practice" and ([.procedures[].steps[].checks[] | select(.result == "pass")] | length) > 0' "$T/out" >/dev/null ||
	fail "the practice record has no evidence"

# The command line wins over the session's settings.
: >"$T/empty_known_hosts"
expect_exit 3 F check lync-imp-tls --session "$s" --procedure set-up-static-route \
    --kind ssh --known-hosts "$T/empty_known_hosts" --operator trainee
grep -q "not known" "$T/out" "$T/err" || fail "--known-hosts did not win: $(cat "$T/out" "$T/err")"

# Never the default.
expect_exit 2 F status
grep -q "practice session $s (on the training lab in $L) is open, and a practice session is never the default; give --session $s" "$T/err" ||
	fail "status without --session: $(cat "$T/err")"
expect_exit 0 lab_down "$L"
echo "ok: a practice session on the lab uses the lab's known_hosts and DNS, and is never the default"
