#!/bin/sh
# The terminal resized while the wizard asks why a step is skipped: the
# question stays on the screen, on the line above the new status bar, and
# what is typed next shows there; the answer is then recorded.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

tui_first_procedure
tui_wait "Step 1 of 6"
tui_keys s
tui_wait "Why skip it?"
tui_type "done by"
tui_wait "Why skip it? done by"
tui_resize 60 12
tui_wait_line 12 "session $sid  $FEDWIZ_OPERATOR  lync-imp-tls  0/102 steps"
tui_wait_line 11 "Why skip it? done by"
tui_type " hand"
tui_wait_line 11 "Why skip it? done by hand"
tui_keys Enter
tui_wait "Step 1 skipped."
expect_exit 0 F status --session "$sid" --json
jq -e '.procedures[0].steps[0] | .status == "skipped" and .note == "done by hand"' \
    "$T/out" >/dev/null || fail "the skip was not recorded with its note"
exit 0
