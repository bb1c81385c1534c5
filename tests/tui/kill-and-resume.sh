#!/bin/sh
# kill -9 in the middle of a procedure, after a few d's and with a skip's
# note half typed: started again, the wizard is on the same procedure and
# step, every step marked before the kill is still marked, the half-typed
# skip is not, and the audit chain verifies.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

tui_first_procedure
for i in 1 2 3; do
	tui_keys d
	# Shown only after the store has it (the session is read again).
	tui_wait "Step $i done."
done
tui_wait "Step 4 of 6"
tui_keys s
tui_wait "Why skip it?"
tui_type "not finished typi"
tui_wait "Why skip it? not finished typi"
pid=$(tui_pid)
kill -9 "$pid"
tui_expect_exit 137

tui_start
tui_wait "Resumed session $sid where you left it."
tui_wait "Download CA Certification Chain on fe1 (in-progress)"
tui_wait "Step 4 of 6"
tui_wait "session $sid  $FEDWIZ_OPERATOR  lync-imp-tls  3/102 steps"
tui_screen >/dev/null
for i in 1 2 3; do
	tui_line $((i + 1)) | grep -q "^ \[✓\]  $i " ||
		{ tui_show; fail "step $i lost its mark"; }
done
tui_line 5 | grep -q "^ \[ \]  4 " || { tui_show; fail "the half-typed skip was recorded"; }
tui_highlighted | grep -q "^ *\[ \]  4 Select Download CA certificate chain" ||
	{ tui_show; fail "step 4 is not the highlighted one"; }
# And it goes on from there.
tui_keys d
tui_wait "Step 4 done."
tui_wait "Step 5 of 6"

expect_exit 0 F status --session "$sid" --json
jq -e '[.procedures[] | select(.id == "download-ca-chain" and .host == "fe1") |
    .steps[] | .status] == ["done", "done", "done", "done", "pending", "pending"]' \
    "$T/out" >/dev/null || { jq '.procedures[0].steps' "$T/out"; fail "status --json disagrees"; }
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] || fail "database damaged"
expect_exit 0 F audit verify

tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
