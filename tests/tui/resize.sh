#!/bin/sh
# The terminal resized under the wizard, with no key pressed: at 40x12 it
# is drawn again for 40 columns (title, steps, status bar on the last
# line, cut with "…"); below 30x6 it says to make the window bigger, in
# what fits; back at 80x24 everything is back, and it still answers keys
# and quits with 0. Nothing here presses a key to make it redraw.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

expect_exit 0 F start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
sid=$(cat "$T/out")
status="session $sid  $FEDWIZ_OPERATOR  lync-imp-tls  0/102 steps"

tui_start
tui_wait "lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
tui_keys Enter
tui_wait "Download CA Certification Chain on fe1 (ready)"
tui_wait "Step 1 of 6"

tui_resize 40 12
# Only a redraw at 40 columns cuts the status bar with "…".
tui_wait "lync-imp-tls  0…"
tui_screen >/dev/null
[ "$(wc -l <"$T/screen")" -eq 12 ] || fail "the pane is not 12 lines"
tui_line 12 | grep -q "^ session $sid  $FEDWIZ_OPERATOR  lync-imp-tls  0…$" ||
	{ tui_show; fail "no status bar on the last line at 40x12"; }
tui_line 1 | grep -q "^ Download CA Certification Chain.*…$" ||
	{ tui_show; fail "title not drawn again for 40 columns"; }
grep -q "Step 1 of 6" "$T/screen" || { tui_show; fail "the step is gone at 40x12"; }
tui_highlighted | grep -q "^ *\[ \]  1 Select Start > Run\.$" ||
	{ tui_show; fail "no step highlighted at 40x12"; }

# Too few rows: the line saying so, whole where it fits.
tui_resize 80 5
tui_wait "fedwiz: make the window bigger (30x6 at least)"
tui_wait_gone "Step 1 of 6"
# Too narrow: what fits (too-small-says-so.sh says what that must be).
# Until the wizard draws again, tmux shows the line above cut at 20.
tui_resize 20 4
tui_wait_gone "fedwiz: make the win"
tui_screen >/dev/null
[ -n "$(tui_line 1)" ] || { tui_show; fail "nothing drawn at 20x4"; }

tui_resize 80 24
tui_wait "$status"
tui_wait "Download CA Certification Chain on fe1 (ready)"
tui_wait "Step 1 of 6"
tui_wait_gone "make the window bigger"
tui_highlighted | grep -q "^ *\[ \]  1 Select Start > Run\.$" ||
	{ tui_show; fail "no step highlighted back at 80x24"; }
tui_keys d
tui_wait "Step 1 done."
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
tui_tty_restored
exit 0
