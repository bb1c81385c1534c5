#!/bin/sh
# A session closed from the command line while the wizard had it open on
# a procedure: started again, the wizard does not resume it; the picker
# lists it as closed (read-only), with its steps done of those that
# apply and the share; Enter opens it read-only: its plan and steps are
# shown, d records nothing and says why, no event is written, and it
# stays closed; the open session beside it resumes.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

answers=$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml
expect_exit 0 F start lync-imp-tls --answers "$answers"
closed=$(cat "$T/out")
tui_start
tui_wait "lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
tui_keys Enter
tui_wait "Step 1 of 6"
tui_keys d
tui_wait "Step 1 done."
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0

expect_exit 0 F close --session "$closed" --note "change window over"
expect_exit 0 F start lync-cup-federation \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-cup-federation.answers.yaml"
open=$(cat "$T/out")
events() { sqlite3 "$DB" 'SELECT count(*) FROM events'; }
n0=$(events)

tui_start
tui_wait "fedwiz: sessions"
grep -q "Resumed" "$T/screen" && { tui_show; fail "a closed session was resumed"; }
tui_wait "lync-imp-tls"
grep -q "^ *$closed  lync-imp-tls  *tui-tester  *1/102   0% (closed) " "$T/screen" ||
	{ tui_show; fail "the closed session is not listed as closed, read-only"; }
# The cursor starts on the open one; pick ID moves it onto session ID of
# the two (which comes first is picker-open-first.sh's business).
tui_wait_selected "$open  lync-cup-federation"
pick() {
	tui_screen >/dev/null
	top=$(tui_line 4 | awk '{ print $1 }')
	tui_keys k
	tui_wait_selected "$top  "
	[ "$top" = "$1" ] || tui_keys j
	tui_wait_selected "$1  "
}
pick "$closed"
tui_keys Enter
tui_wait "Session $closed is closed: shown as it was, read-only."
tui_wait "plan (Enter open, ? help) READ-ONLY"
tui_wait "READ-ONLY"
tui_keys Enter
tui_wait "Step 2 of 6"
tui_keys d
tui_wait "Session $closed is closed: it is shown as it was, and nothing is recorded."
tui_keys c
tui_wait "Session $closed is closed: checks are not run on it."
[ "$(events)" -eq "$n0" ] || fail "a closed session got events"
expect_exit 0 F sessions --json
jq -e --argjson id "$closed" '.sessions[] | select(.id == $id) | .open == false' \
    "$T/out" >/dev/null || { cat "$T/out"; fail "the closed session is open again"; }
tui_keys Escape
tui_wait ": plan (E"
tui_keys Escape
tui_wait "fedwiz: sessions"

# The open one resumes, into its plan.
pick "$open"
tui_keys Enter
tui_wait "Lync: SIP inter-domain federation with Cisco"
tui_wait ": plan (Enter open"
tui_wait "session $open  $FEDWIZ_OPERATOR  lync-cup-federation"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
