#!/bin/sh
# fedwiz check with tls, tcp and x509 checks (tests/data/tls/checks.yaml)
# against real servers on 127.0.0.1 and the test PKI: all pass on good
# servers and files; each defect fails its check with the reason in an
# operator's words and the procedure that fixes it (the check's fix for
# that kind of failure); the evidence is stored with --session.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tls/lib.sh"

tls_pki
KEY="$PKI/leaf.key"
tls_s_server good -tls1_2 -cert "$PKI/good.pem" -key "$KEY" -cert_chain "$(tls_extra good)"
GOOD=$TLS_PORT
tls_s_server noclient -tls1_3 -cert "$PKI/noclient.pem" -key "$KEY" -cert_chain "$(tls_extra noclient)"
NOCLIENT=$TLS_PORT
tls_s_server need -tls1_2 -cert "$PKI/good.pem" -key "$KEY" -cert_chain "$(tls_extra good)" \
    -Verify 1 -CAfile "$PKI/cas.pem"
NEED=$TLS_PORT
tls_s_server ask -tls1_3 -cert "$PKI/good.pem" -key "$KEY" -cert_chain "$(tls_extra good)" \
    -verify 1 -CAfile "$PKI/cas.pem"
ASK=$TLS_PORT
tls_gnutls 3des --priority "NORMAL:-VERS-ALL:+VERS-TLS1.0:+3DES-CBC:-KX-ALL:+RSA" \
    --x509certfile "$PKI/good.chain.pem" --x509keyfile "$KEY" --disable-client-cert
DES=$TLS_PORT
tls_gnutls no3des --priority "NORMAL:-VERS-ALL:+VERS-TLS1.0:+VERS-TLS1.2:-3DES-CBC" \
    --x509certfile "$PKI/good.chain.pem" --x509keyfile "$KEY" --disable-client-cert
NODES=$TLS_PORT
CLOSED=$(tls_port)

# check CODE [VAR=VALUE]...: fedwiz check with the good values, VAR=VALUE
# winning; the JSON in $T/out.
check() {
	local code a
	code=$1
	shift
	set -- sip_port=$GOOD mtls_port=$NEED legacy_port=$DES open_port=$GOOD \
	    ca_file="$PKI/chain.p7b" cert_file="$PKI/good.pem" csr_file="$PKI/csr.pem" "$@"
	a=
	for v in "$@"; do a="$a --set $v"; done
	# shellcheck disable=SC2086
	expect_exit "$code" "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/tls" check tls-checks $a --json
}
# outcome STEP: the outcome of the verify procedure's step STEP.
outcome() { jq -c --argjson s "$1" '[.checks[] | select(.procedure == "verify" and .step == $s)][0]' "$T/out"; }
message() { jq -r --argjson s "$1" '[.checks[] | select(.procedure == "verify" and .step == $s)][0].message' "$T/out"; }
verdict() { jq -r --argjson s "$1" '[.checks[] | select(.procedure == "verify" and .step == $s)][0].verdict' "$T/out"; }

# Everything right: seven checks pass, none fails.
check 0
[ "$(jq '.summary.pass' "$T/out")" -eq 7 ] && [ "$(jq '.summary.fail' "$T/out")" -eq 0 ] ||
    fail "all good: $(jq -c .summary "$T/out")"

# --kind narrows the run: only the tcp check, then tls and x509 alone.
expect_exit 0 "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/tls" check tls-checks --kind tcp \
    --set sip_port=$GOOD --set mtls_port=$NEED --set legacy_port=$DES --set open_port=$GOOD \
    --set ca_file="$PKI/chain.p7b" --set cert_file="$PKI/good.pem" --set csr_file="$PKI/csr.pem" --json
[ "$(jq '[.checks[] | select(.verdict != "not run")] | map(.kind) | unique' -c "$T/out")" = '["tcp"]' ] ||
    fail "--kind tcp: $(jq -c '[.checks[].kind]' "$T/out")"
expect_exit 2 "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/tls" check tls-checks --kind tls,smtp
grep -q '"smtp" is not a kind of check' "$T/err" || fail "--kind smtp: $(cat "$T/err")"

# A certificate without clientAuth, on the wire and in the file: the
# operator's words, the fix, the procedure.
WANT="certificate lacks Client Authentication (1.3.6.1.5.5.7.3.2)"
FIX="re-issue it with -ClientEku \$true — procedure 'Submit Certificate Request on CA Server' (submit-certificate-request-on-ca-server)"
check 1 sip_port=$NOCLIENT cert_file="$PKI/noclient.pem"
for s in 1 2; do
	[ "$(verdict $s)" = fail ] || fail "noclient step $s: $(outcome $s)"
	message $s | grep -qF "$WANT" || fail "noclient step $s: $(message $s)"
	message $s | grep -qF "$FIX" || fail "noclient step $s, fix: $(message $s)"
	# The hint replaces the generic remedy, not the reason.
	message $s | grep -qF "Public CAs stopped issuing Client Authentication" ||
	    fail "noclient step $s, why: $(message $s)"
done
# The same in the text output, for the operator at 2 a.m.
expect_exit 1 "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/tls" check tls-checks \
    --set sip_port=$NOCLIENT --set mtls_port=$NEED --set legacy_port=$DES --set open_port=$GOOD \
    --set ca_file="$PKI/chain.p7b" --set cert_file="$PKI/good.pem" --set csr_file="$PKI/csr.pem"
grep -qF "$WANT" "$T/out" && grep -qF "$FIX" "$T/out" || fail "noclient, text: $(cat "$T/out")"

# No EKU extension at all is its own reason.
check 1 cert_file="$PKI/noeku.pem"
message 1 | grep -qi "no Enhanced Key Usage\|no EKU\|extension" || fail "noeku: $(message 1)"
# A CA file without the issuer's root: the chain's fix.
check 1 ca_file="$PKI/other-root.pem"
message 2 | grep -qF "procedure 'Install CA Certification Chain'" || fail "untrusted: $(message 2)"
# The wrong name: no fix given for names, so the check's own procedure.
check 1 cert_file="$PKI/cnmismatch.pem"
message 1 | grep -qF "procedure 'Verify Certificate Setup' (verify) sets this up" || fail "name: $(message 1)"
# Mutual TLS asked for but not enforced.
check 1 mtls_port=$ASK
message 3 | grep -qF "does not require" || fail "mtls optional: $(message 3)"
# No TLSv1.0 with 3DES.
check 1 legacy_port=$NODES
message 4 | grep -qF "does not accept TLSv1.0 with TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A)" ||
    fail "no 3des: $(message 4)"
# Nothing listens: a finding for tcp and tls alike.
check 1 open_port=$CLOSED sip_port=$CLOSED
[ "$(verdict 5)" = fail ] && [ "$(verdict 2)" = fail ] || fail "closed: $(outcome 5) $(outcome 2)"
message 5 | grep -q "refused" || fail "closed: $(message 5)"
# A file that is not what the step needs.
check 1 csr_file="$PKI/good.pem"
jq -r '.checks[] | select(.procedure == "submit-certificate-request-on-ca-server") | .message' "$T/out" |
    grep -qi "request" || fail "not a csr: $(cat "$T/out")"
check 1 cert_file="$T/none.pem"
message 1 | grep -qF "$T/none.pem" || fail "missing file: $(message 1)"
# A value of the wrong type never reaches a probe: exit 2, said.
check 2 sip_port=99999
grep -q "sip_port" "$T/err" || fail "bad port: $(cat "$T/err")"

# With --session the evidence is kept: the report shows the TLS outcome.
S=$("$FEDWIZ" --state "$T/db" --runbooks "$FEDWIZ_SRCDIR/tests/data/tls" start tls-checks \
    --set sip_port=$NOCLIENT --set mtls_port=$NEED --set legacy_port=$DES --set open_port=$GOOD \
    --set ca_file="$PKI/chain.p7b" --set cert_file="$PKI/good.pem" --set csr_file="$PKI/csr.pem")
expect_exit 1 "$FEDWIZ" --state "$T/db" --runbooks "$FEDWIZ_SRCDIR/tests/data/tls" check tls-checks \
    --session "$S" --procedure verify
expect_exit 0 "$FEDWIZ" --state "$T/db" --runbooks "$FEDWIZ_SRCDIR/tests/data/tls" report \
    --session "$S" --format json
grep -qF "Client Authentication (1.3.6.1.5.5.7.3.2)" "$T/out" || fail "report has no tls evidence"
echo "ok: tls, tcp and x509 checks"
