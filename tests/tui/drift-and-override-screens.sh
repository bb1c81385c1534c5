#!/bin/sh
# What the session layer refuses is answered on a screen, not with a flag
# no screen can give: a runbook changed since the session began is shown
# by procedure id (added, removed, changed) as the session opens; Esc
# leaves it (and nothing can be recorded), y accepts it (logged) and the
# step that asked is recorded. A step of a blocked procedure asks for the
# override; y records it, logged as forced.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

mkdir "$T/rb"
cp "$FEDWIZ_SRCDIR/steps/lync-imp-tls.yaml" "$T/rb/"
expect_exit 0 F --runbooks "$T/rb" start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
sid=$(cat "$T/out")
cat >>"$T/rb/lync-imp-tls.yaml" <<'YAML'
  - id: check-federation-afterwards
    title: Check the federation afterwards
    steps:
      - do: Send an IM to the other side.
YAML
expect_exit 0 F --runbooks "$T/rb" validate "$T/rb/lync-imp-tls.yaml"
events() { sqlite3 "$DB" 'SELECT count(*) FROM events'; }

tui_start --runbooks "$T/rb"
tui_wait "fedwiz: sessions"
tui_keys Enter
tui_wait "Runbook lync-imp-tls changed since session $sid began"
tui_wait "+ check-federation-afterwards"
tui_wait "y accepts the change and goes on with the runbook as it is now (logged)"
n0=$(events)
tui_keys Escape
tui_wait "Runbook change not accepted: nothing can be recorded"
tui_wait ": plan (E"
tui_keys Enter
tui_wait "Step 1 of 6"
# A step: the change comes up again, and once accepted the step goes in.
tui_keys d
tui_wait "+ check-federation-afterwards"
[ "$(events)" -eq "$n0" ] || fail "recorded before the change was accepted"
tui_keys y
tui_wait "Step 1 done. r reopens it."
tui_wait "Step 2 of 6"
expect_exit 0 F --runbooks "$T/rb" status --session "$sid" --json
jq -e '.procedures[0].steps[0].status == "done"' "$T/out" >/dev/null || fail "step 1 not done"
sqlite3 "$DB" "SELECT detail FROM events WHERE kind LIKE '%drift%' OR detail LIKE '%added: check-federation-afterwards%'" |
    grep -q "check-federation-afterwards" || fail "the acceptance is not in the log"

# Blocked: the override is asked; Esc leaves it, y records it.
tui_keys Escape
tui_wait ": plan (E"
tui_keys :
tui_type "install-ca-chain"
tui_keys Enter Enter
tui_wait "Install CA Certification Chain on fe1 (blocked)"
tui_keys d
tui_wait "install-ca-chain@fe1 is blocked"
tui_wait "download-ca-chain@fe1  Download CA Certification Chain"
tui_keys Escape
tui_wait "Step 1 not recorded: its procedure is still blocked."
tui_keys d
tui_wait "y records step 1 done anyway"
tui_keys y
tui_wait "Step 1 done. Recorded over the block (logged). r reopens it."
expect_exit 0 F --runbooks "$T/rb" report --session "$sid" --format json
grep -q "forced while blocked by download-ca-chain@fe1" "$T/out" || fail "the override is not in the record"
expect_exit 0 F audit verify
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
