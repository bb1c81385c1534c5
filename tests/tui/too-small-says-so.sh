#!/bin/sh
# A window too small to draw in (under 30x6) gets one line saying so, and
# that line says it whole where the window is too narrow: the size needed
# (30x6) is readable at 29 and at 20 columns, not cut off with "...".
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

# Started at that size, so that this test needs no resize (resize.sh).
for size in 29x10 20x4; do
	TUI_COLS=${size%x*} TUI_ROWS=${size#*x}
	tui_start
	tui_wait_line 1 "30x6"
done
exit 0
