#!/bin/sh
# n on the picker lists every runbook fedwiz list knows; Enter on one
# without --answers opens the variables form and creates nothing. With
# --answers, Enter starts the session (as `fedwiz start` would) and opens
# its plan; answers for another runbook are refused, saying so.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

answers=$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml
expect_exit 0 "$FEDWIZ" list --json
jq -r '.runbooks[].id' "$T/out" >"$T/ids"
[ -s "$T/ids" ] || fail "fedwiz list --json gave no ids: $(cat "$T/out")"
nsessions() { F sessions --json 2>/dev/null | jq '.sessions | length' 2>/dev/null || echo 0; }

tui_start
tui_wait "No session yet"
tui_keys n
tui_wait "New session: choose the runbook"
# Waited for one by one: a capture can catch the title drawn before the
# list under it.
for id in $(cat "$T/ids"); do
	tui_wait "  $id  "
	grep -q "^  $id  " "$T/screen" || { tui_show; fail "runbook $id not listed"; }
done
tui_keys Enter
# Without --answers, the answers are asked: the variables form opens, and
# nothing is created until the inventory starts the session.
tui_wait "variables"
[ "$(nsessions)" -eq 0 ] || fail "a session was created before the forms were done"
tui_keys Escape
tui_wait "New session: choose the runbook"
tui_keys Escape
tui_wait "No session yet"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0

tui_start --answers "$answers"
tui_wait "No session yet"
tui_keys n
tui_wait "New session: choose the runbook"
# The first runbook is not the one of the answers: refused, nothing made.
tui_wait_selected "$(head -n 1 "$T/ids") "
[ "$(head -n 1 "$T/ids")" != lync-imp-tls ] || fail "the list starts with lync-imp-tls: pick another first"
tui_keys Enter
# (Long messages wrap over lines above the status bar.)
tui_wait "this answers file is for runbook lync-imp-tls, not"
tr -d '\n' <"$T/screen" | tr -s ' ' | grep -qF "lync-imp-tls, not $(head -n 1 "$T/ids")" ||
	{ tui_show; fail "the message does not name the runbook chosen"; }
[ "$(nsessions)" -eq 0 ] || fail "a session was created with the wrong answers"
# Down to lync-imp-tls: the list is in fedwiz list's order.
for id in $(cat "$T/ids"); do
	[ "$id" != lync-imp-tls ] || break
	tui_keys j
done
tui_wait_selected "lync-imp-tls "
tui_keys Enter
tui_wait "Session 1 started."
tui_wait ": plan (E"
tui_wait "session 1  $FEDWIZ_OPERATOR  lync-imp-tls  0/102 steps"
expect_exit 0 F sessions --json
jq -e --arg op "$FEDWIZ_OPERATOR" '.sessions | length == 1 and
    .[0].runbook == "lync-imp-tls" and .[0].operator == $op and .[0].open' \
    "$T/out" >/dev/null || { cat "$T/out"; fail "the session is not as started"; }
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
