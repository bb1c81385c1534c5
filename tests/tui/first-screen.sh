#!/bin/sh
# A fresh state: the wizard opens on the session picker saying there is
# none yet, ? lists the screen's keys and the global ones, any key closes
# the list, and q then y leaves with 0 and the terminal as it was.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

tui_start
tui_wait "No session yet"
tui_screen >/dev/null
tui_line 1 | grep -q "fedwiz: sessions" || fail "title: $(tui_line 1)"
tui_line "$TUI_ROWS" | grep -q "no session open" ||
	fail "status bar: $(tui_line "$TUI_ROWS")"

# The help overlay: built from the key tables, the screen's keys first.
tui_keys '?'
tui_wait "start a new session from a runbook"
for k in "Up/Down/k/j  move" "Home/End/g/G" "Enter        resume the session" \
    "?            this help" "Esc/Backspace/Left/h back" "q            quit" \
    "/            search"; do
	# Each waited for: a capture can catch the pane halfway through
	# tmux taking in one refresh.
	tui_wait "$k" 10
done
grep -q "No session yet" "$T/screen" && fail "help drawn over the screen, not instead of it"
# Any key closes it, and does only that: x is no key of this screen.
tui_keys x
tui_wait "No session yet"
grep -q "this help" "$T/screen" && fail "help still up"
# n inside help only closes it too.
tui_keys '?'
tui_wait "this help"
tui_keys n
tui_wait "No session yet"
grep -q "choose the runbook" "$T/screen" && fail "the key that closed help also acted"

# q asks; y leaves, 0, on the normal screen.
tui_keys q
tui_wait "Quit fedwiz? Your progress is saved. (y/n)"
tui_keys y
tui_expect_exit 0
tui_wait "EXIT=0"
grep -q "No session yet" "$T/screen" && fail "the wizard's screen is still shown"
tui_tty_restored
exit 0
