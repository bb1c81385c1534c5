#!/bin/sh
# In a locale without UTF-8 (LANG=C) the runbook's own text, which has
# typographic quotes, apostrophes and bullets (lync-cup-federation), is
# shown as one readable ASCII character each, not as the terminal's escape
# of each byte ("~@~\" for a left double quote).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

expect_exit 0 F start lync-cup-federation \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-cup-federation.answers.yaml"
grep -q 'the “OS Administration” website' \
    "$FEDWIZ_SRCDIR/steps/lync-cup-federation.yaml" ||
	fail "the runbook no longer has the quotes this test looks at"

tui_start LANG=C
tui_wait "lync-cup-federation"
tui_keys Enter
tui_wait ": plan (E"
tui_keys Enter
tui_wait "Step 1 of 2"
tui_screen >/dev/null
[ "$(LC_ALL=C tr -d '\000-\177' <"$T/screen" | wc -c)" -eq 0 ] ||
	{ tui_show; fail "bytes above 0x7f on the screen"; }
grep -q "the .OS Administration. website" "$T/screen" ||
	{ tui_show; fail "the quotes around OS Administration are not one character each"; }
grep -q "~@\|M-" "$T/screen" && { tui_show; fail "byte escapes on the screen"; }
exit 0
