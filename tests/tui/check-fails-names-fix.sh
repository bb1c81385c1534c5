#!/bin/sh
# A step's checks run from the wizard (c): on the check console a failing
# TLS check says why in the operator's words and names the procedure that
# fixes it; a passing one marks the step done, by its checks (a recorded fact,
# not a note), with the evidence in the record; on resume the checks of such steps run
# again and the wizard says what changed since.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tls/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"
cleanup() { tui_cleanup; tls_stop_all; rm -rf "$T"; }

tls_pki
tls_s_server noclient -tls1_2 -cert "$PKI/noclient.pem" -key "$PKI/leaf.key" \
    -cert_chain "$(tls_extra noclient)"
SIP=$TLS_PORT
tls_s_server open -tls1_2 -cert "$PKI/good.pem" -key "$PKI/leaf.key"
OPEN=$TLS_PORT
RB="$FEDWIZ_SRCDIR/tests/data/tls"
F --runbooks "$RB" start tls-checks --set sip_port=$SIP --set mtls_port=$SIP \
    --set legacy_port=$SIP --set open_port=$OPEN --set ca_file="$PKI/chain.p7b" \
    --set cert_file="$PKI/good.pem" --set csr_file="$PKI/csr.pem" >/dev/null 2>&1 ||
    fail "start"
# The procedures before Verify Certificate Setup, done from the command line.
F --runbooks "$RB" step submit-certificate-request-on-ca-server 1 done >/dev/null 2>&1 &&
    F --runbooks "$RB" step install-ca-certification-chain 1 done >/dev/null 2>&1 ||
    fail "the first procedures"

tui_start --runbooks "$RB"
tui_wait "tls-checks"
tui_keys Enter
tui_wait "plan (Enter open"
tui_keys j j Enter
tui_wait "Verify Certificate Setup"
# Step 2: the SIP port presents a certificate without clientAuth.
tui_keys j
tui_wait "Step 2 of 5"
tui_keys c
tui_wait "FAIL"
tui_wait "lacks Client Authentication"
tui_wait "Submit Certificate"
tui_wait "of 1 checks did not pass"
tui_keys Escape
tui_wait "Step 2 of 5"
# The evidence stays on the step, and it is not marked.
tui_wait "FAIL tls"
tui_screen >/dev/null
grep -q '\[ \]  2 ' "$T/screen" || fail "step 2 marked: $(cat "$T/screen")"
# Step 5: the port is open, so the step is done by its check.
tui_keys j j j
tui_wait "Step 5 of 5"
tui_keys c
tui_wait "PASS"
tui_wait "step 5 is done"
tui_keys Escape
tui_wait "Step 5 of 5"
tui_screen >/dev/null
grep -q '\[✓\]  5 ' "$T/screen" || fail "step 5 not marked: $(cat "$T/screen")"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
# What the store says agrees: done, verified, with the evidence.
F --runbooks "$RB" report --format json >"$T/report" 2>/dev/null || fail "report"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM steps WHERE via = 'checks' AND status = 'done'")" -ge 1 ] ||
	fail "no step recorded as done by its checks"
grep -q "lacks Client Authentication" "$T/report" || fail "the failing check's evidence is not in the record"
F --runbooks "$RB" audit verify >/dev/null 2>&1 || fail "audit chain"

# On resume the step a check completed is checked again: the port is
# closed now, and the wizard says so.
tls_stop_all
tui_start --runbooks "$RB"
tui_wait "Changed since: 1 of 1 checks no longer pass"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
echo "ok: checks from the wizard"
