#!/bin/sh
# The flow between procedures and out of the wizard: after the last step
# of a procedure the wizard names the next one, and n opens it from the
# procedure screen; the picker shows each session's steps done of the
# total, the share, who has it open and when its window ends; the change
# record is exported to the state folder unless told otherwise, ~ is the
# home folder, and a folder that is not there is said as such.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

expect_exit 0 F start lync-imp-tls --window-end 23:59 \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
sid=$(cat "$T/out")
tui_start
tui_wait "fedwiz: sessions"
# id, runbook, operator, steps of the total, share, on it now, window.
tui_screen >/dev/null
tui_line 4 | grep -q "^ *$sid  lync-imp-tls  *tui-tester  *0/102   0% tui-tester@[^ ]* *23:59 " ||
	{ tui_show; fail "the picker's row: $(tui_line 4)"; }
tui_keys Enter
tui_wait ": plan (E"
tui_keys Enter
tui_wait "Step 1 of 6"
i=1
while [ $i -le 5 ]; do
	tui_keys d
	tui_wait "Step $i done."
	i=$((i + 1))
done
tui_keys d
tui_wait_wrapped "Procedure done; n opens the next: Install CA Certification Chain on fe1."
tui_keys n
tui_wait "Install CA Certification Chain on fe1 (ready)"
tui_wait "Step 1 of 17"
# The picker says who is on it now (this wizard) and how far it is.
tui_keys Escape Escape
tui_wait "fedwiz: sessions"
tui_wait "6/102   5%"
tui_screen >/dev/null
tui_line 4 | grep -q "5% tui-tester@" || { tui_show; fail "the picker does not say who is on it"; }
tui_keys Enter
tui_wait ": plan (E"
# Export: the state folder by default.
tui_keys R
tui_wait "Change record"
tui_keys e
tui_wait "Export the record to"
tui_wait_wrapped "[$T/fedwiz-session-$sid.md]"
tui_keys Enter
tui_wait_wrapped "Written to $T/fedwiz-session-$sid.md (mode 0600)."
grep -q "^# Change record" "$T/fedwiz-session-$sid.md" || fail "not the record"
# ~ is the home folder ($T in the pane).
tui_keys e
tui_keys C-u
tui_type "~/record.html"
tui_keys Enter
tui_wait_wrapped "Written to $T/record.html (mode 0600)."
grep -q "<html" "$T/record.html" || fail "not html"
# A folder that is not there.
tui_keys e
tui_type "$T/no/such/folder/r.md"
tui_keys Enter
tui_wait_wrapped "the folder $T/no/such/folder does not exist"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
