#!/bin/sh
# Ctrl-C asks, as q does: n keeps the wizard, where it was and answering
# keys; Ctrl-C again then y leaves with 0 and the terminal restored.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

tui_first_procedure
tui_wait "Step 1 of 6"
tui_keys d
tui_wait "Step 1 done."

tui_keys C-c
tui_wait "Quit fedwiz? Your progress is saved. (y/n)"
tui_keys n
tui_wait_gone "Quit fedwiz?"
tui_wait "Step 2 of 6"
[ ! -e "$T/tui.exit" ] || fail "n did not keep the wizard"
# Still answering: the next step.
tui_keys d
tui_wait "Step 2 done."
tui_wait "lync-imp-tls  2/102 steps"

# Anything but y is a no, Enter included.
tui_keys C-c
tui_wait "Quit fedwiz?"
tui_keys Enter
tui_wait_gone "Quit fedwiz?"
tui_wait "Step 3 of 6"

tui_keys C-c
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
tui_wait "EXIT=0"
tui_tty_restored
expect_exit 0 F status --session "$sid" --json
[ "$(jq .progress.finished "$T/out")" -eq 2 ] || fail "progress lost on Ctrl-C"
exit 0
