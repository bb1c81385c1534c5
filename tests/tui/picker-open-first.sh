#!/bin/sh
# The session picker lists open sessions before closed ones (as its
# header says: "Every session on disk, open ones first"), so that the ones
# that can be resumed are at the top however many old ones there are.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

answers=$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml
for i in 1 2 3; do
	expect_exit 0 F start lync-imp-tls --answers "$answers"
done
expect_exit 0 F close --session 1 --note "old"
expect_exit 0 F close --session 3 --note "old"

tui_start
tui_wait "fedwiz: sessions"
tui_wait "lync-imp-tls"
tui_line 4 | grep -q "^ *2  lync-imp-tls " ||
	{ tui_show; fail "the open session is not the first row"; }
{ tui_line 5 | grep -q "(closed)" && tui_line 6 | grep -q "(closed)"; } ||
	{ tui_show; fail "the closed sessions are not after the open one"; }
exit 0
