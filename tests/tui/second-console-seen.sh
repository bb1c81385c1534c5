#!/bin/sh
# Two consoles on one session: a wizard open on a procedure while
# `fedwiz step` from another terminal records its step (it is not refused:
# sessions are not locked). The wizard shows the step as the other
# console recorded it, and says so, without a key pressed (it asks SQLite
# once a second whether another connection committed); status lists the
# wizard as an open console, and the audit chain verifies. The time it
# took is printed, not asserted (the deadline only catches a hang).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

expect_exit 0 F start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
sid=$(cat "$T/out")

tui_start
tui_wait "lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
tui_keys Enter
tui_wait "Download CA Certification Chain on fe1 (ready)"
tui_wait "Step 1 of 6"
tui_line 2 | grep -q "^ \[ \]  1 " || { tui_show; fail "step 1 is not pending"; }

# The wizard is listed as an open console.
expect_exit 0 F status --session "$sid" --json
jq -e --arg op "$FEDWIZ_OPERATOR" --argjson pid "$(tui_pid)" \
    '[.consoles[] | {what, operator, pid}] == [{what: "wizard", operator: $op, pid: $pid}]' \
    "$T/out" >/dev/null || fail "consoles: $(jq -c .consoles "$T/out")"

# A second wizard opens it too: both are on the first one's status bar.
console_holder=${FEDWIZ_BUILDDIR:-$(dirname "$FEDWIZ")/..}/tests/unit/console_holder
if [ -x "$console_holder" ]; then
	"$console_holder" "$DB" "$sid" carol >"$T/holder.out" 2>&1 &
	holder=$!
	tui_wait "with carol@"
	kill "$holder" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
fi

# Another console records a step, beside the wizard.
start=$(date +%s%N)
expect_exit 0 F step download-ca-chain@fe1 1 done --operator bob --session "$sid"
tui_wait "Another console recorded on this session"
tui_wait_line 2 "[✓]  1 "
took=$(( ($(date +%s%N) - start) / 1000000 ))
echo "the wizard showed the other console's step after $took ms"

# And the wizard records beside the other console, on the same rules.
tui_keys d
tui_wait "step 1 of download-ca-chain@fe1 was already done (by bob at "
expect_exit 0 F status --session "$sid" --json
jq -e '.procedures[] | select(.id == "download-ca-chain" and .host == "fe1") |
    .steps[0].by == "bob"' "$T/out" >/dev/null || fail "step 1 is not bob's"
expect_exit 0 F audit verify
echo "ok: a second console's step is seen by the wizard"
