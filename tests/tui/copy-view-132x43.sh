#!/bin/sh
# The copy view, in a 132x43 window: the step's command whole on one line
# (the step pane wraps it, and a terminal copy of wrapped lines pastes as
# two broken commands), put on the clipboard with OSC 52 (tmux with
# set-clipboard on takes it into a paste buffer) and, inside tmux, into
# tmux's own buffer; the same for a check's remote command and the
# pattern it expects.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
TUI_COLS=132
TUI_ROWS=43
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

cmd='Request-CsCertificate -New -Type Default -DomainName fe1.example.com -Output c:\cert.csr -ClientEku $true'
expect_exit 0 F start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
tui_start
tx set -g set-clipboard on
tui_wait "lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
tui_keys :
tui_type "submit-certificate-request"
tui_keys Enter Enter
tui_wait "Step 1 of 7"
tui_keys j
tui_wait "Step 2 of 7"
tui_wait "(y: the command whole, to copy)"
tui_keys y
tui_wait "Copy: Step 2 of submit-certificate-request@fe1"
tui_wait "the step's command, 105 characters, one line:"
tui_screen >/dev/null
grep -qxF "$cmd" "$T/screen" || { tui_show; fail "the command is not whole on one line"; }
tui_keys y
tui_wait "Copied 105 characters: sent to the terminal's clipboard (OSC 52)."
[ "$(tx show-buffer)" = "$cmd" ] || fail "OSC 52 did not carry the command: $(tx show-buffer)"
# A check's remote command, and what it expects.
tui_keys j
tui_wait_selected "check 1 (ssh): command: Select-String"
tui_keys Enter
tui_wait "Copied 62 characters"
[ "$(tx show-buffer)" = "Select-String -Path c:\\cert.csr -Pattern 'CERTIFICATE REQUEST'" ] ||
	fail "the check's command: $(tx show-buffer)"
tui_keys j
tui_wait_selected "check 1 (ssh): a line matches (regex):"
tui_keys y
tui_wait "Copied"
tx show-buffer | grep -q "BEGIN (NEW )?CERTIFICATE REQUEST" || fail "the pattern: $(tx show-buffer)"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0

# Inside tmux (TMUX set): tmux's own buffer too, without OSC 52's help.
if [ ${#T} -lt 90 ]; then
	tui_start "TMUX=$T/tmux$((TUI_N + 1)).sock,1,0"
	tx set -g set-clipboard off
	tx delete-buffer 2>/dev/null || true
	# Resumed where it was left: the procedure, step 2.
	tui_wait "Resumed session"
	tui_wait "Step 2 of 7"
	tui_keys y
	tui_wait "the step's command, 105 characters"
	tui_keys y
	tui_wait "and to tmux's paste buffer (prefix ] pastes it)."
	[ "$(tx show-buffer)" = "$cmd" ] || fail "tmux's buffer: $(tx show-buffer)"
	tui_keys q
	tui_wait "Quit fedwiz?"
	tui_keys y
	tui_expect_exit 0
fi
exit 0
