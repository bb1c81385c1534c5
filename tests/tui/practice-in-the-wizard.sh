#!/bin/sh
# Practice sessions in the wizard: the picker marks them (P after the id)
# and its cursor starts on the session for real work even when a practice
# session was touched last; a practice session's status bar begins with
# PRACTICE; a new session started in the wizard on a lab's answers is a
# practice session that keeps the lab's known_hosts and DNS server.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

quit() {
	tui_keys q
	tui_wait "Quit fedwiz?"
	tui_keys y
	tui_expect_exit 0
}

real=$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml
{
	echo "lab: '$T/lab'"
	echo "known_hosts: '$T/lab/known_hosts'"
	echo "dns_server: '127.0.0.1:5353'"
	cat "$real"
} | write "$T/lab.yaml"
expect_exit 0 F start lync-imp-tls --answers "$T/lab.yaml"
[ "$(cat "$T/out")" = 1 ] || fail "practice session: $(cat "$T/out")"
expect_exit 0 F start lync-imp-tls --answers "$real"
[ "$(cat "$T/out")" = 2 ] || fail "real session: $(cat "$T/out")"
# The practice session is the one touched last.
expect_exit 0 F step download-ca-chain@fe1 1 done --session 1

tui_start
tui_wait "fedwiz: sessions"
tui_wait "   1P lync-imp-tls"
tui_highlighted | grep -q "^ *2  lync-imp-tls" ||
	{ tui_show; fail "the picker's cursor is not on the real session 2"; }
grep -q "Resumed session 1" "$T/screen" && { tui_show; fail "resumed the practice session"; }
# Open the practice session: its status bar says so first.
tui_keys Up
tui_wait_selected "   1P lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
tui_wait_line 24 " PRACTICE  session 1 "
tui_line 24 | grep -q "^ PRACTICE  session 1  " || { tui_show; fail "PRACTICE is not first on the bar"; }
quit

# The real one opened: no PRACTICE on the bar.
tui_start
tui_wait "fedwiz: sessions"
tui_keys Enter
tui_wait ": plan (E"
tui_wait_line 24 " session 2 "
! tui_line 24 | grep -q PRACTICE || { tui_show; fail "a real session's bar says PRACTICE"; }
quit

# A new session started in the wizard on the lab's answers (the real
# session, left on its plan, is where the wizard resumes; back to the
# picker from there).
tui_start --answers "$T/lab.yaml"
tui_wait "Resumed session 2 where you left it."
tui_keys Escape
tui_wait "fedwiz: sessions"
tui_keys n
tui_wait "New session: choose the runbook"
expect_exit 0 "$FEDWIZ" list --json
for id in $(jq -r '.runbooks[].id' "$T/out"); do
	[ "$id" != lync-imp-tls ] || break
	tui_keys j
done
tui_wait_selected "lync-imp-tls "
tui_keys Enter
tui_wait "Session 3 started."
tui_wait_line 24 " PRACTICE  session 3 "
tui_line 24 | grep -q "^ PRACTICE  session 3  " || { tui_show; fail "PRACTICE is not first on the bar"; }
quit
expect_exit 0 F status --session 3 --json
jq -e --arg t "$T" '.session.practice == true and .session.lab == ($t + "/lab") and
    .session.known_hosts == ($t + "/lab/known_hosts") and
    .session.dns_server == "127.0.0.1:5353"' "$T/out" >/dev/null ||
	fail "the wizard's new session: $(jq -c .session "$T/out")"
exit 0
