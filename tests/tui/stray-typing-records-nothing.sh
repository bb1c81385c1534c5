#!/bin/sh
# Typing that was meant for another window records nothing: "/select" and
# Enter is a search (it once skipped step 1 with the note "elect"), keys
# the screen does not bind say so and do nothing, an empty reason keeps
# the question open (what is typed next answers it, it does not run as
# keys) and Esc gives up. status --json and the event log are as before.
# Then each transition says what it recorded and how to undo it there: d
# then r; r on a step still to do says it changed nothing.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

events() { sqlite3 "$DB" 'SELECT count(*) FROM events'; }
tui_first_procedure
tui_wait "Step 1 of 6"
expect_exit 0 F status --session "$sid" --json
cp "$T/out" "$T/before.json"
n0=$(events)

tui_type "/select"
tui_wait "Search: select"
tui_keys Enter
tui_wait "/select: line 1 of 6"
tui_keys n
tui_wait "/select: line 2 of 6"
tui_keys n
tui_wait "/select: line 3 of 6"
tui_wait "Step 3 of 6"
tui_keys Escape
tui_wait "Search ended."
tui_type "xzw"
tui_wait "'w' does nothing here (? lists the keys)."
tui_keys s
tui_wait "Why skip it?"
tui_keys Enter
tui_wait "Why skip it? (an answer is needed; Esc gives up)"
tui_keys Enter
tui_wait "Why skip it? (an answer is needed; Esc gives up)"
tui_type "dfrs"
tui_wait "Why skip it? dfrs"
tui_keys Escape
tui_wait "Not recorded: step 3 stays as it was."
tui_keys q
tui_wait "Quit fedwiz?"
tui_type "n"
tui_wait "Not quitting."
expect_exit 0 F status --session "$sid" --json
diff "$T/before.json" "$T/out" >/dev/null || { diff "$T/before.json" "$T/out"; fail "stray typing changed the session"; }
[ "$(events)" -eq "$n0" ] || fail "stray typing wrote events"

# What was recorded, and its undo, from the same screen.
tui_keys d
tui_wait "Step 3 done. r reopens it."
tui_wait "Step 4 of 6"
tui_keys k
tui_wait "Step 3 of 6"
tui_wait "Recorded: done, by $FEDWIZ_OPERATOR"
tui_keys r
tui_wait "Step 3 reopened. It was done. d, s or f records it again."
tui_keys r
tui_wait "Step 3 is still to do; nothing changed."
n1=$(events)
[ "$n1" -eq $((n0 + 2)) ] || fail "d and r are two events; there are $n1 - $n0"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
