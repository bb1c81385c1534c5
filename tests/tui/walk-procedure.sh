#!/bin/sh
# A procedure walked on the console: the session from `fedwiz start`,
# resumed from the picker, its first procedure opened from the plan and
# every step marked done with d. The screen shows each step as the store
# has it, the plan then shows the procedure done and the next one ready,
# and the command line (status --json, audit verify) agrees. s and f ask
# for a note and record nothing without one (empty, or Esc); with one
# they record it, and r reopens.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

expect_exit 0 F start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
sid=$(cat "$T/out")
# step_field PROC HOST N FIELD: a field of the step (status, note, by) as
# the command line says it.
step_field() {
	expect_exit 0 F status --session "$sid" --json
	jq -r --arg p "$1" --arg h "$2" --argjson n "$3" --arg f "$4" \
	    '.procedures[] | select(.id == $p and .host == $h) | .steps[] |
	    select(.n == $n) | .[$f] // "null"' "$T/out"
}
events() { sqlite3 "$DB" 'SELECT count(*) FROM events'; }

tui_start
tui_wait "lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
tui_highlighted | grep -q "Download CA Certification Chain" ||
	{ tui_show; fail "the plan's cursor is not on what is next"; }
tui_keys Enter
tui_wait "Download CA Certification Chain on fe1 (ready)"
tui_wait "Step 1 of 6"
# The values are filled in: step 2 names the CA server of the answers.
grep -q "Enter http://ca1.example.com/certsrv and select OK." "$T/screen" ||
	{ tui_show; fail "step 2 without its value"; }
grep -qF '${' "$T/screen" && { tui_show; fail "a variable left unfilled"; }

# s and f without a note record nothing: an empty answer keeps the
# question open (what is typed next is its answer, not keys), Esc
# leaves it.
n0=$(events)
tui_keys s
tui_wait "Why skip it?"
tui_keys Enter
tui_wait "Why skip it? (an answer is needed; Esc gives up)"
tui_type "dr"
tui_wait "Why skip it? dr"
tui_keys Escape
tui_wait "Not recorded: step 1 stays as it was."
tui_keys f
tui_wait "What failed?"
tui_type "half a reason"
tui_wait "What failed? half a reason"
tui_keys Escape
tui_wait "Not recorded: step 1 stays as it was."
# Esc went to the question only: still on the procedure, on step 1.
tui_wait "Step 1 of 6"
[ "$(step_field download-ca-chain fe1 1 status)" = pending ] ||
	fail "a step was recorded without a note"
[ "$(events)" -eq "$n0" ] || fail "events were written without a note"

# d on every step; each time the mark, the message, the next step.
i=1
while [ $i -le 6 ]; do
	tui_wait "Step $i of 6"
	tui_keys d
	tui_wait "Step $i done."
	tui_screen >/dev/null
	tui_line $((i + 1)) | grep -q "^ \[✓\]  $i " ||
		{ tui_show; fail "step $i is not marked done"; }
	if [ $i -lt 6 ]; then
		tui_wait "Step $((i + 1)) of 6"
		tui_highlighted | grep -q "^ *\[ \]  $((i + 1)) " ||
			{ tui_show; fail "step $((i + 1)) is not the highlighted one"; }
	fi
	i=$((i + 1))
done
tui_wait "Download CA Certification Chain on fe1 (done)"
tui_wait "session $sid  $FEDWIZ_OPERATOR  lync-imp-tls  6/102 steps"

# Back on the plan: done, and the next one ready (no longer "after").
tui_keys Escape
tui_wait ": plan (E"
tui_screen >/dev/null
grep -q "^ ✓  Download CA Certification Chain  *fe1  *6/6 *$" "$T/screen" ||
	{ tui_show; fail "the plan does not show the procedure done"; }
grep -q "^ \.\. Install CA Certification Chain  *fe1  *0/17 *$" "$T/screen" ||
	{ tui_show; fail "the plan does not show the next procedure ready"; }
# The cursor is on the procedure just done; n goes to what is next.
tui_highlighted | grep -q "Download CA Certification Chain" ||
	{ tui_show; fail "the plan's cursor is not on the procedure left"; }
tui_keys n
tui_wait_selected "Install CA Certification Chain"

# The command line agrees, step by step.
expect_exit 0 F status --session "$sid" --json
jq -e --arg op "$FEDWIZ_OPERATOR" '
    (.procedures[] | select(.id == "download-ca-chain" and .host == "fe1") |
	.status == "done" and ([.steps[] | select(.status == "done" and
	.by == $op)] | length) == 6) and
    .progress.finished == 6 and .progress.procedures_finished == 1 and
    .next.id == "install-ca-chain" and .next.host == "fe1" and .next.step == 1' \
    "$T/out" >/dev/null || { jq . "$T/out"; fail "status --json disagrees"; }

# A skip and a failure with their notes, then a reopen.
tui_keys Enter
tui_wait "Install CA Certification Chain on fe1 (ready)"
tui_keys s
tui_wait "Why skip it?"
tui_type "chain installed by GPO"
tui_keys Enter
tui_wait "Step 1 skipped."
tui_wait "Step 2 of 17"
tui_keys f
tui_wait "What failed?"
tui_type "mmc does not start"
tui_keys Enter
tui_wait "Step 2 failed."
tui_screen >/dev/null
tui_line 2 | grep -q '^ \[s\]  1 ' || { tui_show; fail "skip not marked"; }
tui_line 3 | grep -q '\[!\]  2 ' || { tui_show; fail "failure not marked"; }
tui_wait "FAILED STEPS"
[ "$(step_field install-ca-chain fe1 1 status)" = skipped ] || fail "skip not recorded"
[ "$(step_field install-ca-chain fe1 1 note)" = "chain installed by GPO" ] ||
	fail "skip note not recorded"
[ "$(step_field install-ca-chain fe1 2 status)" = failed ] || fail "failure not recorded"
[ "$(step_field install-ca-chain fe1 2 note)" = "mmc does not start" ] ||
	fail "failure note not recorded"
tui_keys r
tui_wait "Step 2 reopened."
tui_wait_gone "FAILED STEPS"
[ "$(step_field install-ca-chain fe1 2 status)" = pending ] || fail "reopen not recorded"

expect_exit 0 F audit verify
grep -q "audit chain verified" "$T/out" || fail "audit verify: $(cat "$T/out")"

tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
