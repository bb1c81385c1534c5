#!/bin/sh
# fedwiz probe sip against a real SIP server: Kamailio on 127.0.0.1 with
# the test PKI (tests/sip/lib.sh). Both ways each time: a 200 OK; a 403
# with ms-diagnostics; 404 and 504; provisional responses, one with a
# body, before the final one; a peer demanding a client certificate,
# without one, with one, and with one it refuses (TLS 1.3 and 1.2); a peer
# that never answers, that sends only 1xx, or 1xx without end; TLS
# failures (wrong name, untrusted CA, a peer certificate without
# clientAuth); nothing listening; a peer whose answer carries terminal
# escapes; a peer that floods headers (openssl s_server); bad input.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tls/lib.sh"
. "$FEDWIZ_SRCDIR/tests/sip/lib.sh"

sip_kamailio
CA="$PKI/chain.p7b"
CLIENT="--client-cert $PKI/client.chain.pem --client-key $PKI/client.key"

# probe CODE ARGS...: fedwiz probe sip ARGS --json; the JSON in $T/out.
probe() {
	local code
	code=$1
	shift
	expect_exit "$code" "$FEDWIZ" probe sip "$@" --json
}
j() { jq -r "$@" "$T/out"; }

# 200 OK: the request as RFC 3261 wants it (Kamailio's sanity_check passed
# it), the answer read, exit 0.
probe 0 127.0.0.1:$SIP_OK --name pool1.example.com --ca "$CA" --to sip:ok@example.com \
    --from sip:probe@partner.example.org
[ "$(j .verdict)" = pass ] && [ "$(j .final.code)" = 200 ] || fail "200: $(j -c .)"
[ "$(j .status)" = ok ] && [ "$(j .class)" = null ] || fail "200: $(j -c .)"
[ "$(j .tls.version)" != null ] && [ "$(j '.tls.defects | length')" = 0 ] || fail "200, tls: $(j -c .tls)"
R=$(j .request)
for want in "OPTIONS sip:ok@example.com SIP/2.0" "Via: SIP/2.0/TLS 127.0.0.1:" ";branch=z9hG4bK" \
    "Max-Forwards: 70" "From: <sip:probe@partner.example.org>;tag=" "To: <sip:ok@example.com>" \
    "Call-ID: " "CSeq: 1 OPTIONS" "Contact: <sip:fedwiz@127.0.0.1:" "Content-Length: 0"; do
	printf '%s' "$R" | grep -qF -- "$want" || fail "request lacks '$want': $R"
done
j '.responses[0].headers[] | select(.name == "Server") | .value' | grep -q kamailio ||
    fail "200: no Server header read: $(j -c .responses)"
# Kamailio saw what was sent (its log, written as it came).
sip_log | grep -q "request: OPTIONS sip:ok@example.com|via=SIP/2.0/TLS 127.0.0.1:[0-9]*;branch=z9hG4bK" ||
    fail "kamailio log: $(sip_log | grep request:)"
sip_log | grep -q "failed sanity_check" && fail "kamailio found the request malformed: $(sip_log)"
# The text an operator reads: what was sent, what came, the verdict.
expect_exit 0 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --name pool1.example.com --ca "$CA"
grep -q "^> OPTIONS sip:pool1.example.com SIP/2.0" "$T/out" &&
    grep -q "^< SIP/2.0 200 OK" "$T/out" && grep -q "^OK    200 OK" "$T/out" &&
    grep -q "^chain: trusted by" "$T/out" || fail "200, text: $(cat "$T/out")"
# The defaults: To from --name, From from this host's name.
grep -q "^> From: <sip:fedwiz@[A-Za-z0-9.-]*>;tag=" "$T/out" || fail "default From: $(grep From "$T/out")"
# By name: the name connected to is the name judged (and the SNI).
if getent ahosts localhost >/dev/null 2>&1; then
	probe 1 localhost:$SIP_OK --ca "$CA"
	[ "$(j .class)" = tls ] && j '.tls.defects[0].kind' | grep -qx name || fail "localhost: $(j -c .)"
	[ "$(j .request)" = null ] || fail "localhost: sent despite a name defect"
fi

# 403 with ms-diagnostics: exit 1, the reason from the header.
probe 1 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:forbid@example.com
[ "$(j .verdict)" = fail ] && [ "$(j .class)" = status_403 ] && [ "$(j .final.code)" = 403 ] ||
    fail "403: $(j -c .)"
j .ms_diagnostics | grep -q '^1034;reason="Previous hop federated peer' || fail "403: ms-diagnostics $(j .ms_diagnostics)"
j .ms_diagnostics_public | grep -q '^1034;' || fail "403: ms-diagnostics-public $(j .ms_diagnostics_public)"
j .message | grep -qF '403 Forbidden; ms-diagnostics: 1034;reason="Previous hop federated peer did not report diagnostic information"' ||
    fail "403: message $(j .message)"
expect_exit 1 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:forbid@example.com
grep -q "^< ms-diagnostics: 1034;" "$T/out" && grep -q "^FAIL  127.0.0.1:$SIP_OK answered the OPTIONS with 403 Forbidden" "$T/out" ||
    fail "403, text: $(cat "$T/out")"
# The peer judges the From: a domain it does not federate with.
probe 1 127.0.0.1:$SIP_OK --name pool1.example.com --from sip:someone@denied.example.com
[ "$(j .class)" = status_403 ] && j .ms_diagnostics | grep -q 'Domain="denied.example.com"' || fail "From domain: $(j -c .)"
# 404, 504: exit 1, each its class.
probe 1 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:nobody@example.com
[ "$(j .class)" = status_404 ] || fail "404: $(j -c .)"
probe 1 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:down@example.com
[ "$(j .class)" = status_504 ] && j .message | grep -q "1008;reason" || fail "504: $(j -c .)"

# 100 Trying, 183 with a body, then 200: all read, in order.
probe 0 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:slow@example.com
[ "$(j -c '[.responses[].code]')" = '[100,183,200]' ] || fail "1xx then 200: $(j -c '[.responses[].code]')"
[ "$(j '.responses[1].body_bytes')" -gt 0 ] || fail "183 body: $(j -c '.responses[1]')"

# Never answers: the deadline, exit 3.
probe 3 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:silent@example.com --timeout 2
[ "$(j .verdict)" = error ] && [ "$(j .class)" = timeout ] || fail "silent: $(j -c .)"
j .message | grep -q "sent no answer to the OPTIONS within 2 s" || fail "silent: $(j .message)"
# Only a 100 Trying, then nothing.
probe 3 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:trying@example.com --timeout 2
j .message | grep -q 'no final response .* only 1 provisional (the last: "SIP/2.0 100 Trying")' ||
    fail "trying: $(j .message)"
# Provisional responses without end: stopped at the bound, not held.
probe 3 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:ringing@example.com --timeout 60
j .message | grep -q "provisional responses and no final one" || fail "ringing: $(j .message)"
[ "$(j '.responses | length')" -le 16 ] || fail "ringing: kept $(j '.responses | length')"

# Mutual TLS enforced, TLS 1.3 and 1.2 only: without a certificate the
# peer ends it; with ours it answers; one without clientAuth it refuses.
for P in $SIP_MTLS $SIP_TLS12; do
	probe 1 127.0.0.1:$P --name pool1.example.com --ca "$CA"
	[ "$(j .class)" = client_cert ] && [ "$(j .tls.client_certificate.required)" = true ] ||
	    fail "mtls $P without: $(j -c .)"
	j .message | grep -q "requires a client certificate" || fail "mtls $P without: $(j .message)"
	[ "$(j .request)" = null ] || fail "mtls $P without: sent anyway"
	# shellcheck disable=SC2086
	probe 0 127.0.0.1:$P --name pool1.example.com --ca "$CA" $CLIENT
	[ "$(j .tls.client_certificate.sent)" = true ] && [ "$(j .final.code)" = 200 ] ||
	    fail "mtls $P with: $(j -c .)"
	[ "$P" = "$SIP_MTLS" ] || [ "$(j .tls.version)" = TLSv1.2 ] || fail "TLS 1.2 port spoke $(j .tls.version)"
	probe 1 127.0.0.1:$P --name pool1.example.com --ca "$CA" \
	    --client-cert "$PKI/noclient.chain.pem" --client-key "$PKI/leaf.key"
	# The alert picks the finer class (OpenSSL: X509_V_ERR_INVALID_PURPOSE
	# -> unsupported_certificate, an unknown issuer -> unknown_ca).
	[ "$(j .class)" = client_eku ] || fail "mtls $P, ours without clientAuth: $(j -c .)"
	j .message | grep -q "alert unsupported certificate" || fail "mtls $P, refused: $(j .message)"
	probe 1 127.0.0.1:$P --name pool1.example.com --ca "$CA" \
	    --client-cert "$PKI/untrusted.chain.pem" --client-key "$PKI/leaf.key"
	[ "$(j .class)" = client_ca ] && j .message | grep -q "unknown CA" || fail "mtls $P, untrusted ours: $(j -c .)"
done
expect_exit 1 "$FEDWIZ" probe sip 127.0.0.1:$SIP_MTLS --name pool1.example.com
grep -q "^client certificate: requested, required" "$T/out" && grep -q "^FAIL  .*requires a client certificate" "$T/out" ||
    fail "mtls, text: $(cat "$T/out")"

# TLS failures: nothing is sent, exit 1, the defect named.
probe 1 127.0.0.1:$SIP_OK --name imp1.example.com --ca "$CA"
[ "$(j .class)" = tls ] && [ "$(j -c '[.tls.defects[].kind]')" = '["name"]' ] && [ "$(j .request)" = null ] ||
    fail "wrong name: $(j -c .)"
probe 1 127.0.0.1:$SIP_OK --name pool1.example.com --ca "$PKI/other-root.pem"
[ "$(j .class)" = tls ] && [ "$(j -c '[.tls.defects[].kind]')" = '["untrusted"]' ] || fail "untrusted: $(j -c .)"
# The peer's certificate lacks clientAuth: the 2026 renewal failure.
probe 1 127.0.0.1:$SIP_NOCLIENT --name pool1.example.com --ca "$CA"
[ "$(j .class)" = tls ] && [ "$(j -c '[.tls.defects[].kind]')" = '["eku"]' ] || fail "noclient: $(j -c .)"
j .message | grep -qF "lacks Client Authentication (1.3.6.1.5.5.7.3.2)" || fail "noclient: $(j .message)"
j '.tls.defects[0].message' | grep -q "Public CAs stopped issuing Client Authentication" || fail "noclient: $(j -c .tls.defects)"
expect_exit 1 "$FEDWIZ" probe sip 127.0.0.1:$SIP_NOCLIENT --name pool1.example.com --ca "$CA"
grep -q "^DEFECT certificate lacks Client Authentication" "$T/out" && ! grep -q "^> OPTIONS" "$T/out" ||
    fail "noclient, text: $(cat "$T/out")"
probe 0 127.0.0.1:$SIP_NOCLIENT --name pool1.example.com --ca "$CA" --eku server
# Only TLS 1.3 offered to a TLS 1.2 server: refused in the handshake.
probe 1 127.0.0.1:$SIP_TLS12 --name pool1.example.com --tls1.3
[ "$(j .class)" = refused ] && [ "$(j .status)" = tls ] || fail "1.3 to 1.2: $(j -c .)"

# Nothing listening: exit 3, said.
probe 3 127.0.0.1:$(tls_port) --name pool1.example.com
[ "$(j .class)" = connect ] && j .message | grep -q "refused" || fail "closed port: $(j -c .)"

# The peer's terminal escapes never reach the terminal or the JSON.
probe 1 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:evil@example.com
expect_exit 1 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --name pool1.example.com --to sip:evil@example.com
grep -q "$(printf '\033')" "$T/out" "$T/err" && fail "an escape reached the terminal: $(od -c "$T/out" | head)"
grep -q "$(printf '\007')" "$T/out" && fail "a BEL reached the terminal"
# (the sequences are removed whole: CSI and OSC alike)
grep -q "^< SIP/2.0 403 Forbidden red$" "$T/out" && grep -q '^< ms-diagnostics: 1;reason="x"$' "$T/out" ||
    fail "evil, text: $(cat "$T/out")"

# A hostile peer: it floods header lines (megabytes) the moment TLS is up
# (s_server sends what it reads from its standard input).
{ printf 'SIP/2.0 200 OK\r\n'; yes 'X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' |
    head -c 4000000; } >"$T/flood.txt"
_flood() {
	local port
	port=$1
	shift
	exec timeout -k 5 "${TLS_TEST_MAX_LIFETIME:-300}" openssl s_server \
	    -accept "127.0.0.1:$port" -quiet -cert "$PKI/good.pem" -key "$PKI/leaf.key" \
	    -cert_chain "$(tls_extra good)" <"$T/flood.txt"
}
tls_start flood _flood
probe 1 127.0.0.1:$TLS_PORT --name pool1.example.com --timeout 20
[ "$(j .class)" = closed ] && j .message | grep -q "more than 64 KiB of headers" || fail "flood: $(j -c '{status,class,message,bytes}')"
[ "$(j .bytes)" -lt 300000 ] || fail "flood: read $(j .bytes) bytes"

# Bad input: named, exit 2, nothing sent.
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1
grep -q "give the port" "$T/err" || fail "no port: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --to imp1.example.com
grep -q "^--to: is not a SIP URI" "$T/err" || fail "bad --to: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --from "sip:a$(printf '\r')Via: x"
grep -q "control character" "$T/err" || fail "CR in --from: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --cipher 3des
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --eku serverAuth
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --client-key "$PKI/client.key"
printf 'not a certificate\n' >"$T/garbage.pem"
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --ca "$T/garbage.pem"
grep -q "garbage.pem" "$T/err" || fail "bad CA file: $(cat "$T/out" "$T/err")"
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1:$SIP_OK --timeout soon
# A client certificate or key that is not there is named, with why (it
# said "system lib" before).
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1:$SIP_MTLS --client-cert "$T/none.pem"
grep -q "client certificate $T/none.pem: cannot read: No such file or directory" "$T/err" ||
    fail "missing client cert: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" probe sip 127.0.0.1:$SIP_MTLS --client-cert "$PKI/client.chain.pem" \
    --client-key "$T/none.key"
grep -q "client key $T/none.key: cannot read" "$T/err" || fail "missing client key: $(cat "$T/err")"
echo "ok: probe sip"
