#!/bin/sh
# Keys as PuTTY and slow SSH links deliver them, with TERM=xterm-256color:
# PuTTY's F2 (ESC[12~) goes on in a form instead of reading as Esc (back)
# and "[12~" typed; its Home (ESC[1~) goes to the first line instead of
# back; an F-key sequence split over 100 ms still reads as one key; a
# sequence nobody knows is dropped whole; every F-key action has a plain
# key, and the form's help names the keys it really has (Left and h are
# not "back" in a form); lines are box drawing, not "qqqq".
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
TUI_TERM=xterm-256color
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

esc=$(printf '\033')
tui_start --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
tui_wait "No session yet"
tui_keys n
tui_wait "New session: choose the runbook"
# The runbook by a search (a loop of j would race the screen).
tui_wait "lync-imp-tls"
tui_keys /
tui_type "lync-imp-tls"
tui_keys Enter
tui_wait_selected "lync-imp-tls "
tui_keys f
tui_wait "New session: lync-imp-tls: variables (F2 next, Esc back)"
# The form's help: no Left, no h as back; F2's plain keys named.
tui_keys '?'
tui_wait "F2/^S/>"
grep -q "Esc *back to the screen before" "$T/screen" || { tui_show; fail "Esc is not back in the help"; }
grep -q "Left/h\|Esc/Left\|/h *back" "$T/screen" && { tui_show; fail "the form's help says Left or h go back"; }
tui_keys x
tui_wait_gone "back to the screen before"
# PuTTY's F2.
tui_type "${esc}[12~"
tui_wait "New session: lync-imp-tls: hosts (a add, e edit, x delete, F2 start)"
grep -q "\[12~" "$T/screen" && { tui_show; fail "the sequence was typed"; }
# Its Home: the first line, still here.
tui_keys j j j
tui_type "${esc}[1~"
tui_wait_selected "lync_fe: "
grep -q "hosts (a add" "$T/screen" || { tui_show; fail "Home went back"; }
# An F2 split over 100 ms (a slow link), from the hosts list back to the
# variables and on again: one key still.
tui_keys Escape
tui_wait "variables (F2 next, Esc back)"
tui_type "$esc"
sleep 0.1
tui_type "[12~"
tui_wait "hosts (a add, e edit, x delete, F2 start)"
# A sequence nobody knows: dropped, said.
tui_type "${esc}[99~"
tui_wait "A key this console does not know was ignored."
grep -q "hosts (a add" "$T/screen" || { tui_show; fail "an unknown key went back"; }
# The help of the hosts: F2's plain key.
tui_keys '?'
tui_wait "Ctrl-S"
tui_keys x
# Box drawing, not the alternate character set's letters.
tui_wait "────"
grep -q "qqqq" "$T/screen" && { tui_show; fail "the line is drawn as qqqq"; }
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
