#!/bin/sh
# Ctrl-C while the wizard asks why a step is skipped: the quit question
# comes at once (not after the note is finished), n goes back to the
# procedure, and the skip half typed is not recorded.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

tui_first_procedure
tui_wait "Step 1 of 6"
tui_keys s
tui_wait "Why skip it?"
tui_type "half"
tui_wait "Why skip it? half"
tui_keys C-c
tui_wait "Quit fedwiz? Your progress is saved. (y/n)"
tui_keys n
tui_wait_gone "Quit fedwiz?"
tui_wait "Step 1 of 6"
tui_wait "lync-imp-tls  0/102 steps"
expect_exit 0 F status --session "$sid" --json
jq -e '.procedures[0].steps[0].status == "pending"' "$T/out" >/dev/null ||
	fail "the skip was recorded after Ctrl-C"
tui_keys C-c
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
