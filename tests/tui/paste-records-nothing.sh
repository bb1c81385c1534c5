#!/bin/sh
# A paste is text, never keys (80x24). Device output pasted onto the
# procedure screen by mistake once recorded step 2 skipped with the note
# "e : Default" and step 3 done (its s, Enter and d were taken as keys):
# now the wizard turns bracketed paste on, a screen that takes keys drops a
# paste whole and says so (status --json byte-identical), and a line being
# asked, or a form, types it as text, its newlines as spaces (the last one
# dropped), never submitting it.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

tui_first_procedure
F status --session "$sid" --json >"$T/before" 2>/dev/null || fail "status"
printf 'Subject : CN=pool1\nUse : Default\ndone\nfail\nq\ny\n' >"$T/paste.txt"
tx load-buffer -b out "$T/paste.txt"
tx paste-buffer -p -b out -t fw
tui_wait_wrapped "A paste (47 bytes) was ignored: this screen takes keys, not text."
tui_wait "Download CA Certification Chain on fe1 (ready)"
F status --session "$sid" --json >"$T/after" 2>/dev/null || fail "status"
cmp -s "$T/before" "$T/after" || fail "a paste changed the record: $(diff "$T/before" "$T/after")"

# Into a line being asked (the reason of a skip): text, not submitted.
tui_keys s
tui_wait "Why skip it?"
printf 'CA web enrolment\nis down\n' >"$T/why.txt"
tx load-buffer -b why "$T/why.txt"
tx paste-buffer -p -b why -t fw
tui_wait "CA web enrolment is down"
F status --session "$sid" --json >"$T/after" 2>/dev/null || fail "status"
cmp -s "$T/before" "$T/after" || fail "the pasted reason was submitted"
# Enter submits what was pasted: its last line break is not a space.
tui_keys Enter
tui_wait_gone "Why skip it?"
F status --session "$sid" --json >"$T/after" 2>/dev/null || fail "status"
[ "$(jq -r '.procedures[0].steps[0].note' "$T/after")" = "CA web enrolment is down" ] ||
	fail "the pasted reason: '$(jq -r '.procedures[0].steps[0].note' "$T/after")'"

# Into a form (a new session's variables): typed into the row, the value
# replaced as typing does, and nothing started.
tui_keys Escape
tui_wait ": plan (E"
tui_keys Escape
tui_wait "sessions (Enter resume"
tui_keys n
tui_wait "runbook"
tui_keys Enter
tui_wait "variables (F2 next"
printf 'cup_key9\n' >"$T/value.txt"
tx load-buffer -b value "$T/value.txt"
tx paste-buffer -p -b value -t fw
tui_wait "cup_key9"
[ "$(sqlite3 -cmd ".timeout 5000" "$DB" "SELECT count(*) FROM sessions")" = 1 ] || fail "a paste in a form started a session"
tui_keys Escape

tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
tui_tty_restored
echo "a paste is text: dropped where keys are expected, typed into a line"
