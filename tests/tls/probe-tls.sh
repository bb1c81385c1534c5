#!/bin/sh
# fedwiz probe tls against real servers on 127.0.0.1: openssl s_server for
# TLS 1.2 and 1.3 with and without -verify/-Verify, with a leaf of each
# defect; gnutls-serv accepting TLSv1.0 with 3DES and one refusing it (the
# legacy ClientHello probe must agree with it both ways); a port that
# accepts and never speaks; a server that hangs up mid-handshake; bad
# input. Each case is checked on --json (jq) and, for the main ones, on
# the text an operator reads.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tls/lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is needed"; exit 77; }

tls_pki
KEY="$PKI/leaf.key"

# probe CODE ARGS...: fedwiz probe tls ARGS --json; the JSON in $T/out.
probe() {
	local code
	code=$1
	shift
	expect_exit "$code" "$FEDWIZ" probe tls "$@" --timeout 5 --json
}
j() { jq -r "$@" "$T/out"; }

# A good leaf over TLS 1.2: chain, name, protocol; no client certificate.
tls_s_server good -tls1_2 -cert "$PKI/good.pem" -key "$KEY" \
    -cert_chain "$(tls_extra good)"
P=$TLS_PORT
probe 0 127.0.0.1:$P --name pool1.example.com --ca "$PKI/chain.p7b"
[ "$(j .status)" = ok ] || fail "good: status $(j .status): $(j .message)"
[ "$(j .version)" = TLSv1.2 ] || fail "good: version $(j .version)"
[ "$(j '.certificates | length')" -eq 2 ] || fail "good: chain of $(j '.certificates | length')"
[ "$(j '.certificates[0].role')" = leaf ] || fail "good: first is $(j '.certificates[0].role')"
[ "$(j '.certificates[1].role')" = "subordinate CA" ] || fail "good: second is $(j '.certificates[1].role')"
j '.certificates[0].ekus[].oid' | grep -qx 1.3.6.1.5.5.7.3.2 || fail "good: no clientAuth listed"
[ "$(j '.defects | length')" -eq 0 ] || fail "good: defects $(j -c .defects)"
[ "$(j .client_certificate.requested)" = false ] || fail "good: client cert requested?"
j .name_match | grep -q SAN || fail "good: name matched by $(j .name_match)"
# The same over the CA file in DER, and in PEM bundle form.
probe 0 127.0.0.1:$P --name pool1.example.com --ca "$PKI/chain-der.p7b"
probe 0 127.0.0.1:$P --name pool1.example.com --ca "$PKI/cas.pem"
# The text an operator reads.
expect_exit 0 "$FEDWIZ" probe tls 127.0.0.1:$P --name pool1.example.com --ca "$PKI/chain.p7b"
grep -q "TLSv1.2" "$T/out" && grep -q "Client Authentication (1.3.6.1.5.5.7.3.2)" "$T/out" &&
    grep -q "chain: trusted" "$T/out" || fail "good, text: $(cat "$T/out")"
# A host name, resolved off the loop through /etc/hosts: localhost is
# loopback only, so this reaches the same server (on 127.0.0.1, even where
# ::1 comes first and is refused).
# Only where localhost resolves: a minimal chroot has no /etc/hosts.
if getent ahosts localhost >/dev/null 2>&1; then
	probe 0 localhost:$P --name pool1.example.com --ca "$PKI/chain.p7b"
	[ "$(j .status)" = ok ] || fail "localhost: status $(j .status): $(j .message)"
	[ "$(j .peer)" = "127.0.0.1:$P" ] || fail "localhost: peer $(j .peer)"
else
	echo "localhost does not resolve on this machine (no /etc/hosts entry): by-name case not run"
fi
# A name it does not carry: exit 1, the name defect.
probe 1 127.0.0.1:$P --name imp1.example.com --ca "$PKI/chain.p7b"
[ "$(j '.defects[0].kind')" = name ] || fail "wrong name: $(j -c .defects)"
# A CA file that does not have its root: untrusted.
probe 1 127.0.0.1:$P --ca "$PKI/other-root.pem"
[ "$(j '.defects[0].kind')" = untrusted ] || fail "other CA: $(j -c .defects)"
# TLS 1.3 only is refused by a TLS 1.2 server, with the alert said.
probe 1 127.0.0.1:$P --tls1.3
[ "$(j .status)" = refused ] || fail "1.3 to a 1.2 server: $(j .status): $(j .message)"
j .message | grep -qi "protocol version" || fail "1.3 to a 1.2 server: $(j .message)"

# Each defect a leaf can have, presented by a TLS 1.3 server.
defect() {
	local leaf kind name
	leaf=$1 kind=$2 name=${3:-pool1.example.com}
	tls_s_server "$leaf" -tls1_3 -cert "$PKI/$leaf.pem" -key "$KEY" \
	    ${4:+-cert_chain "$(tls_extra "$leaf")"}
	probe 1 127.0.0.1:$TLS_PORT --name "$name" --ca "$PKI/chain.p7b"
	j '.defects[].kind' | grep -qx "$kind" ||
	    fail "$leaf: wanted a $kind defect, got $(j -c .defects)"
	[ "$(j .version)" = TLSv1.3 ] || fail "$leaf: version $(j .version)"
}
defect expired expired pool1.example.com chain
defect notyet not_yet_valid pool1.example.com chain
defect cnmismatch name pool1.example.com chain
defect untrusted untrusted pool1.example.com
defect wronginter chain pool1.example.com chain
# A leaf whose CN differs but whose SAN names the host passes on the SAN.
tls_s_server sanonly -tls1_3 -cert "$PKI/sanonly.pem" -key "$KEY" \
    -cert_chain "$(tls_extra sanonly)"
probe 0 127.0.0.1:$TLS_PORT --name pool1.example.com --ca "$PKI/chain.p7b"
j .name_match | grep -q "SAN" || fail "sanonly: $(j .name_match)"
# EKUs: federation is mutual TLS, so by default the leaf must list both
# Server and Client Authentication. No extension at all is told apart.
tls_s_server noeku -tls1_2 -cert "$PKI/noeku.pem" -key "$KEY" \
    -cert_chain "$(tls_extra noeku)"
probe 1 127.0.0.1:$TLS_PORT --ca "$PKI/chain.p7b"
[ "$(j '.certificates[0].eku_extension')" = false ] || fail "noeku: $(j -c '.certificates[0]')"
[ "$(j -c '[.defects[].kind]')" = '["no_eku_ext"]' ] || fail "noeku: $(j -c .defects)"
[ "$(j .eku_wanted)" = both ] || fail "noeku: eku_wanted $(j .eku_wanted)"
# --eku any judges no usage.
probe 0 127.0.0.1:$TLS_PORT --ca "$PKI/chain.p7b" --eku any
# A server certificate without clientAuth: what a public CA issues since
# 2026. Exit 1, the usage named by name and OID, the reason said plainly.
tls_s_server noclient -tls1_3 -cert "$PKI/noclient.pem" -key "$KEY" \
    -cert_chain "$(tls_extra noclient)"
NOCLIENT=$TLS_PORT
probe 1 127.0.0.1:$NOCLIENT --name pool1.example.com --ca "$PKI/chain.p7b"
[ "$(j -c '[.defects[].kind]')" = '["eku"]' ] || fail "noclient: $(j -c .defects)"
j '.defects[0].message' | grep -qF "lacks Client Authentication (1.3.6.1.5.5.7.3.2)" ||
    fail "noclient: $(j '.defects[0].message')"
j '.defects[0].message' | grep -qF "Public CAs stopped issuing Client Authentication in server certificates" ||
    fail "noclient, why: $(j '.defects[0].message')"
expect_exit 1 "$FEDWIZ" probe tls 127.0.0.1:$NOCLIENT --name pool1.example.com --ca "$PKI/chain.p7b"
grep -q "^DEFECT certificate lacks Client Authentication (1.3.6.1.5.5.7.3.2)" "$T/out" &&
    grep -qF "template that still issues Client Authentication" "$T/out" ||
    fail "noclient, text: $(cat "$T/out")"
# A peer whose certificate serves only as a server's: --eku server.
probe 0 127.0.0.1:$NOCLIENT --name pool1.example.com --ca "$PKI/chain.p7b" --eku server
[ "$(j .eku_wanted)" = server ] || fail "--eku server: $(j .eku_wanted)"
expect_exit 0 "$FEDWIZ" probe tls 127.0.0.1:$NOCLIENT --eku server
grep -q "^usages: lists Server Authentication (--eku server)" "$T/out" || fail "--eku server, text: $(cat "$T/out")"
probe 1 127.0.0.1:$NOCLIENT --eku client
# A leaf with clientAuth only fails the default on the missing serverAuth.
tls_s_server clientonly -tls1_2 -cert "$PKI/client.pem" -key "$PKI/client.key" \
    -cert_chain "$(tls_extra client)"
probe 1 127.0.0.1:$TLS_PORT --ca "$PKI/chain.p7b"
j '.defects[0].message' | grep -qF "lacks Server Authentication (1.3.6.1.5.5.7.3.1)" ||
    fail "client-only leaf: $(j -c .defects)"
probe 0 127.0.0.1:$TLS_PORT --ca "$PKI/chain.p7b" --eku client

# Client certificates, TLS 1.2 and 1.3: -verify asks, -Verify insists.
for v in tls1_2 tls1_3; do
	tls_s_server "ask-$v" -$v -cert "$PKI/good.pem" -key "$KEY" \
	    -cert_chain "$(tls_extra good)" -verify 1 -CAfile "$PKI/cas.pem"
	probe 0 127.0.0.1:$TLS_PORT
	[ "$(j .client_certificate.requested)" = true ] || fail "$v -verify: not requested"
	[ "$(j .client_certificate.required)" = false ] || fail "$v -verify: required $(j .client_certificate.required)"
	j '.client_certificate.ca_names[]' | grep -q "fedwiz Test" || fail "$v -verify: CA names $(j -c .client_certificate.ca_names)"
	tls_s_server "need-$v" -$v -cert "$PKI/good.pem" -key "$KEY" \
	    -cert_chain "$(tls_extra good)" -Verify 1 -CAfile "$PKI/cas.pem"
	probe 0 127.0.0.1:$TLS_PORT
	[ "$(j .client_certificate.requested)" = true ] || fail "$v -Verify: not requested"
	[ "$(j .client_certificate.required)" = true ] || fail "$v -Verify: required $(j .client_certificate.required)"
	# With our own certificate the mutual handshake completes.
	probe 0 127.0.0.1:$TLS_PORT --client-cert "$PKI/client.chain.pem" --client-key "$PKI/client.key"
	[ "$(j .client_certificate.sent)" = true ] && [ "$(j .status)" = ok ] ||
	    fail "$v -Verify with a client certificate: $(j .status): $(j .message)"
done

# The legacy probe: TLSv1.0 with TLS_RSA_WITH_3DES_EDE_CBC_SHA, against a
# GnuTLS server that accepts it and one that does not. Both ways.
tls_gnutls 3des --priority "NORMAL:-VERS-ALL:+VERS-TLS1.0:+3DES-CBC:-KX-ALL:+RSA" \
    --x509certfile "$PKI/good.chain.pem" --x509keyfile "$KEY" --disable-client-cert
probe 0 127.0.0.1:$TLS_PORT --tls1.0 --cipher 3des --name pool1.example.com
[ "$(j .status)" = accepted ] && [ "$(j .version)" = TLSv1.0 ] || fail "3des accepted: $(j -c .)"
# The same server does not do TLS 1.2, and says so with an alert.
probe 1 127.0.0.1:$TLS_PORT --tls1.2 --cipher 0x002F
[ "$(j .status)" = refused ] || fail "1.2 to a 1.0 server: $(j -c .)"
tls_gnutls no3des --priority "NORMAL:-VERS-ALL:+VERS-TLS1.0:+VERS-TLS1.2:-3DES-CBC" \
    --x509certfile "$PKI/good.chain.pem" --x509keyfile "$KEY" --disable-client-cert
probe 1 127.0.0.1:$TLS_PORT --tls1.0 --cipher 3des
[ "$(j .status)" = refused ] && [ "$(j .alert)" != null ] || fail "3des refused: $(j -c .)"
expect_exit 1 "$FEDWIZ" probe tls 127.0.0.1:$TLS_PORT --tls1.0 --cipher 3des
grep -q "TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A)" "$T/out" || fail "3des refused, text: $(cat "$T/out")"
# ... while a suite it has is accepted: the refusal was about 3DES.
probe 0 127.0.0.1:$TLS_PORT --tls1.0 --cipher 0x002F

# A port that accepts and never speaks: the deadline ends it, exit 3.
tls_stub silent
expect_exit 3 "$FEDWIZ" probe tls 127.0.0.1:$TLS_PORT --timeout 1 --json
[ "$(j .status)" = timeout ] || fail "silent: $(j -c .)"
expect_exit 3 "$FEDWIZ" probe tls 127.0.0.1:$TLS_PORT --timeout 1 --cipher 3des --json
[ "$(j .status)" = error ] || fail "silent, legacy: $(j -c .)"
# A server that reads the ClientHello and hangs up.
tls_stub hangup
probe 1 127.0.0.1:$TLS_PORT
[ "$(j .status)" = closed ] || fail "hangup: $(j -c .)"
probe 1 127.0.0.1:$TLS_PORT --cipher 3des
[ "$(j .status)" = refused ] || fail "hangup, legacy: $(j -c .)"
# Nothing listening: exit 3, said.
P=$(tls_port)
probe 3 127.0.0.1:$P
j .message | grep -q "refused" || fail "closed port: $(j .message)"

# Bad input: named, exit 2, before anything is sent.
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1
grep -q "give the port" "$T/err" || fail "no port: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" probe tls 'bad host!:443'
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:70000
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:443 --cipher rc5
grep -q "not a cipher suite" "$T/err" || fail "bad cipher: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:443 --tls1.3 --cipher 3des
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:443 --tls1.0 --tls1.2
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:443 --eku serverAuth
grep -q '"serverAuth" is not a usage' "$T/err" || fail "bad --eku: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:443 --cipher 3des --eku any
expect_exit 2 "$FEDWIZ" probe cert "$PKI/good.pem" --eku server
printf 'not a certificate\n' >"$T/garbage.pem"
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:$P --ca "$T/garbage.pem"
grep -q "garbage.pem" "$T/out" "$T/err" || fail "bad CA file not named: $(cat "$T/out" "$T/err")"
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:$P --client-cert "$T/garbage.pem"
# An encrypted client key is refused with a message, never asked for.
openssl pkey -in "$PKI/client.key" -aes256 -passout pass:secret -out "$T/enc.key"
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:$P --client-cert "$PKI/client.chain.pem" \
    --client-key "$T/enc.key"
grep -q "enc.key is encrypted" "$T/out" "$T/err" || fail "encrypted key: $(cat "$T/out" "$T/err")"
echo "ok: probe tls"
