#!/bin/sh
# A practice session (started on a training lab's answers) is never where
# the wizard resumes: opened from the picker and left on its plan, the
# next start lands on the sessions picker, not in the practice session;
# a real session left the same way is resumed.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

# quit: q, y, and fedwiz ends cleanly.
quit() {
	tui_keys q
	tui_wait "Quit fedwiz?"
	tui_keys y
	tui_expect_exit 0
}

{ echo "lab: '$T/lab'"; cat "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"; } |
	write "$T/lab.yaml"
expect_exit 0 F start lync-imp-tls --answers "$T/lab.yaml"
p=$(cat "$T/out")

tui_start
tui_wait "fedwiz: sessions"
tui_keys Enter
tui_wait ": plan (E"
quit
# It was left on the plan; a real session would be resumed there.
tui_start
tui_wait "fedwiz: sessions"
tui_screen >/dev/null
! grep -q "Resumed session" "$T/screen" || { tui_show; fail "the practice session $p was resumed"; }
! grep -q ": plan (E" "$T/screen" || { tui_show; fail "opened on the practice session's plan"; }
quit

# A real session left on its plan is resumed (so the picker above was the
# practice rule, not a wizard that never resumes). Started from the command
# line it is the open one, under the picker's cursor.
expect_exit 0 F start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
r=$(cat "$T/out")
tui_start
tui_wait "fedwiz: sessions"
tui_keys Enter
tui_wait ": plan (E"
quit
tui_start
tui_wait "Resumed session $r where you left it."
tui_wait ": plan (E"
quit
exit 0
