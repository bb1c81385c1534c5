#!/bin/sh
# The session's answers and hosts, from the plan (A): a value nobody gave
# is "(no answer yet)" there, and the steps that use it say so (the plan's
# line, the step's text); changed from the screen, it is logged, the steps
# show the new value at once, and the evidence that used the old one is
# said to be stale. The hosts are listed.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

grep -v "^  ca_server:" "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml" |
    write "$T/a.yaml"
expect_exit 0 F start lync-imp-tls --answers "$T/a.yaml"
sid=$(cat "$T/out")
tui_start
tui_wait "lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
tui_wait_wrapped "ready: needs an answer for ca_server"
tui_keys Enter
tui_wait "Step 1 of 6"
tui_keys j
tui_wait "Enter http://<ca_server>/certsrv and select OK."
tui_wait "Needs an answer for ca_server (shown as <ca_server>): A on the plan"
tui_keys Escape
tui_wait ": plan (E"
tui_keys A
tui_wait "Answers and hosts of the session"
tui_wait "ca_server"
tui_wait "(no answer yet)"
tui_wait "lync_fe      fe1"
tui_keys /
tui_type "ca_server"
tui_keys Enter
tui_wait_selected "ca_server"
tui_keys Enter
tui_wait "New value of ca_server:"
tui_type "ca2.example.com"
tui_keys Enter
tui_wait_wrapped "Changed ca_server"
tui_wait "ca2.example.com"
n=$(sqlite3 "$DB" "SELECT count(*) FROM answers WHERE session_id = $sid AND name = 'ca_server' AND value = 'ca2.example.com'")
[ "$n" -eq 1 ] || fail "the answer is not in the store"
# A bad value is refused, with why.
tui_keys Enter
tui_wait "New value of ca_server: [ca2.example.com]"
tui_keys C-u
tui_type "not a host!"
tui_keys Enter
tui_wait "ca_server"
tui_screen >/dev/null
grep -q "not a host!" "$T/screen" && grep -q "^ ca_server *not a host!" "$T/screen" &&
	{ tui_show; fail "a bad value was taken"; }
# The steps show it at once (the first Esc ends the search).
tui_keys Escape
tui_wait "Search ended."
tui_keys Escape
tui_wait ": plan (E"
tui_keys Enter
tui_keys j
tui_wait "Enter http://ca2.example.com/certsrv and select OK."
expect_exit 0 F audit verify
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
