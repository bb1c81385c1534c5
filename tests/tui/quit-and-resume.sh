#!/bin/sh
# Quit in the middle of a procedure (q, y), start again: the wizard is
# back on the same procedure and step, says it resumed, and Esc still
# goes back through the plan to the sessions. Left on the plan, it comes
# back to the plan.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

tui_first_procedure
for i in 1 2 3; do
	tui_keys d
	tui_wait "Step $i done."
done
# Then one step further than the next one to do: the cursor, not the
# progress, is what comes back.
tui_wait "Step 4 of 6"
tui_keys j
tui_wait "Step 5 of 6"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
tui_tty_restored

tui_start
tui_wait "Resumed session $sid where you left it."
tui_wait "Download CA Certification Chain on fe1 (in-progress)"
tui_wait "Step 5 of 6"
tui_screen >/dev/null
for i in 1 2 3; do
	tui_line $((i + 1)) | grep -q "^ \[✓\]  $i " ||
		{ tui_show; fail "step $i lost its mark"; }
done
tui_line 5 | grep -q "^ \[ \]  4 " || { tui_show; fail "step 4 marked"; }
tui_highlighted | grep -q "^ *\[ \]  5 Select Save in the File Download" ||
	{ tui_show; fail "step 5 is not the highlighted one"; }
# The way back is there too.
tui_keys Escape
tui_wait ": plan (E"
tui_highlighted | grep -q "Download CA Certification Chain" ||
	{ tui_show; fail "the plan's cursor is not on the procedure left"; }
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0

# Left on the plan, back on the plan.
tui_start
tui_wait "Resumed session $sid where you left it."
tui_wait ": plan (E"
tui_keys Escape
tui_wait "fedwiz: sessions"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
