#!/bin/sh
# Checks with their verdict at once (x509: a file on this machine) complete
# the step and record the evidence, as slow ones do (the wizard once showed
# PASS and recorded nothing); c on a step with no check says so instead of
# showing an empty console.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tls/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"
cleanup() { tui_cleanup; tls_stop_all; rm -rf "$T"; }

tls_pki
RB="$FEDWIZ_SRCDIR/tests/data/tls"
F --runbooks "$RB" start tls-checks --set sip_port=1 --set mtls_port=1 \
    --set legacy_port=1 --set open_port=1 --set ca_file="$PKI/chain.p7b" \
    --set cert_file="$PKI/good.pem" --set csr_file="$PKI/csr.pem" >"$T/sid" 2>/dev/null ||
    fail "start"
sid=$(cat "$T/sid")
tui_start --runbooks "$RB"
tui_wait "tls-checks"
tui_keys Enter
tui_wait "plan (Enter open"
tui_keys Enter
tui_wait "Submit Certificate Request on CA Server (ready)"
tui_keys c
tui_wait "All 1 checks passed: step 1 is done, by its checks (r reopens it)."
tui_wait "PASS  x509"
tui_keys Escape
tui_wait "Recorded: done by its checks"
tui_wait "PASS x509"
F --runbooks "$RB" report --session "$sid" --format json >"$T/report" 2>/dev/null || fail "report"
jq -e '[.. | objects | select(.kind? == "x509" and .result? == "pass")] | length >= 1' \
    "$T/report" >/dev/null || fail "no x509 evidence in the record"
[ "$(sqlite3 "$DB" "SELECT via FROM steps WHERE step = 1 AND status = 'done'")" = checks ] ||
	fail "the step is not recorded as done by its checks"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0

# A step with no check (a database of its own).
DB=$T/db2
F start lync-imp-tls --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml" \
    >/dev/null 2>&1 || fail "start"
tui_start
tui_wait "fedwiz: sessions"
tui_keys Enter
tui_wait ": plan (E"
tui_keys Enter
tui_wait "Step 1 of 6"
tui_keys c
tui_wait "Step 1 has no check: confirm it yourself (d marks it done)."
grep -q "Checks" "$T/screen" && { tui_show; fail "went to the check console"; }
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
