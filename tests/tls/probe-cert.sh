#!/bin/sh
# fedwiz probe cert on every file of the test PKI (tests/tls/mkpki.sh), in
# every format: roles told apart, each bad leaf's defect and reason, exit
# codes 0 / 1 / 2, CSRs, and files that are not certificates at all.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v openssl >/dev/null || {
	echo "openssl is needed (./bootstrap installs it)"
	exit 77
}

P=$T/pki
sh "$FEDWIZ_SRCDIR/tests/tls/mkpki.sh" "$P"

# probe WANT ARGS...: text output in $T/out, messages in $T/err.
probe() {
	want=$1
	shift
	expect_exit "$want" "$FEDWIZ" probe cert "$@"
}

# jprobe WANT ARGS...: the same with --json, which must be one document.
jprobe() {
	want=$1
	shift
	expect_exit "$want" "$FEDWIZ" probe cert --json "$@"
	jq -e . "$T/out" >/dev/null || fail "not one JSON document: $*"
}

# is JQ-EXPR WHAT: the last --json output satisfies the expression.
is() {
	jq -e "$1" "$T/out" >/dev/null || {
		jq . "$T/out"
		fail "$2"
	}
}

has() {
	grep -qF -- "$1" "$T/out" || {
		cat "$T/out"
		fail "$2"
	}
}

# --- A good leaf: every field, against openssl's own view of it.
probe 0 "$P/good.chain.pem" --name pool1.example.com --ca "$P/root.pem"
has "certificate 1 of 2: leaf" "good: leaf role"
has "certificate 2 of 2: subordinate CA" "good: intermediate role"
has "ok    name: pool1.example.com matched by SAN DNS:pool1.example.com" \
    "good: name matched by SAN"
has "ok    chain: reaches a root in $P/root.pem" "good: chain"
has "Server Authentication (1.3.6.1.5.5.7.3.1), Client Authentication (1.3.6.1.5.5.7.3.2)" \
    "good: EKUs with names"
has "no defects" "good: verdict"
fp=$(openssl x509 -in "$P/good.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
has "SHA-256      $fp" "good: fingerprint as openssl prints it"

jprobe 0 "$P/good.chain.pem" --name pool1.example.com --ca "$P/cas.pem"
is '.format == "PEM" and .leaf == 0 and .csr == null and .defects == []' \
    "good json: top level"
is '[.certificates[].role] == ["leaf", "subordinate CA"]' "good json: roles"
is '.certificates[0] | .subject == "CN=pool1.example.com"
    and .issuer == "CN=fedwiz Test Issuing CA" and .cn == "pool1.example.com"
    and .sans == ["DNS:pool1.example.com", "DNS:fe1.example.com"]
    and .eku_extension and ([.ekus[].oid] == ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"])
    and .ekus[1].name == "Client Authentication"
    and .key == "RSA 2048" and .signature_algorithm == "sha256WithRSAEncryption"
    and (.ca | not) and (.self_signed | not) and (.expired | not)
    and .days_left > 300
    and (.not_before | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))' \
    "good json: leaf fields"
is ".certificates[0].sha256 == \"$fp\"" "good json: fingerprint"
serial=$(openssl x509 -in "$P/good.pem" -noout -serial | sed 's/.*=//')
is ".certificates[0].serial == \"$serial\"" "good json: serial"
is '.certificates[1] | .ca and (.self_signed | not) and .eku_extension == false' \
    "good json: intermediate"
is '.name_match == {"name": "pool1.example.com", "matched": true, "by": "SAN",
    "how": "matched by SAN DNS:pool1.example.com"}' "good json: name_match"
is '.checked.ekus == ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]' \
    "good json: what was asked"

# The CA file in each form a CA hands out.
for ca in root.pem cas.pem chain.p7b chain-der.p7b root.cer; do
	probe 0 "$P/good.chain.pem" --name fe1.example.com --ca "$P/$ca"
done
# The leaf alone: fine when the CA file has the intermediate, not else.
probe 0 "$P/good.pem" --ca "$P/cas.pem"
jprobe 1 "$P/good.pem" --ca "$P/root.pem"
is '[.defects[].kind] == ["untrusted"]' "leaf alone: kind"
is '.defects[0].message | contains("CN=fedwiz Test Issuing CA")
    and contains("must send it")' "leaf alone: says the intermediate"

# --- Each bad leaf: its one defect, its reason, exit 1.
jprobe 1 "$P/noclient.chain.pem" --name pool1.example.com --ca "$P/cas.pem"
is '[.defects[].kind] == ["eku"] and .defects[0].certificate == 0' \
    "noclient: kind"
is '.defects[0].message | startswith("certificate lacks Client Authentication (1.3.6.1.5.5.7.3.2)")
    and contains("lists only Server Authentication (1.3.6.1.5.5.7.3.1)")' \
    "noclient: reason"
probe 1 "$P/noclient.pem"
has "FAIL  usages: certificate lacks Client Authentication (1.3.6.1.5.5.7.3.2)" \
    "noclient text"

jprobe 1 "$P/noeku.chain.pem" --name pool1.example.com --ca "$P/cas.pem"
is '[.defects[].kind] == ["no_eku_ext"]' "noeku: kind"
is '.certificates[0].eku_extension == false and .certificates[0].ekus == []' \
    "noeku: described"
is '.defects[0].message | contains("no Enhanced Key Usage extension at all")' \
    "noeku: reason"

jprobe 1 "$P/cnmismatch.chain.pem" --name pool1.example.com --ca "$P/cas.pem"
is '[.defects[].kind] == ["name"]' "cnmismatch: kind"
is '.name_match.matched == false and .name_match.by == null' \
    "cnmismatch: name_match"
is '.defects[0].message | contains("not valid for pool1.example.com")
    and contains("DNS:other.example.com") and contains("its CN is other.example.com")' \
    "cnmismatch: reason lists SANs and CN"

jprobe 1 "$P/sanonly.chain.pem" --name fe1.example.com --ca "$P/cas.pem"
is '[.defects[].kind] == ["name"]' "sanonly: kind"
is '.defects[0].message | contains("its CN fe1.example.com does not count")' \
    "sanonly: CN ignored beside DNS SANs"
jprobe 0 "$P/sanonly.chain.pem" --name pool1.example.com
is '.name_match.by == "SAN"' "sanonly: the SAN matches"

jprobe 1 "$P/expired.chain.pem" --name pool1.example.com --ca "$P/cas.pem"
is '[.defects[].kind] == ["expired"]' "expired: kind"
is '.certificates[0] | .expired and .days_left < -300
    and .not_after == "2021-01-01T00:00:00Z"' "expired: described"
is '.defects[0].message | contains("expired on 2021-01-01 00:00:00 UTC")
    and test("[0-9]+ days ago")' "expired: reason"
# expired is a defect with no option at all
probe 1 "$P/expired.pem"
has "EXPIRED" "expired: text listing"

jprobe 1 "$P/notyet.chain.pem" --ca "$P/cas.pem"
is '[.defects[].kind] == ["not_yet_valid"] and .certificates[0].not_yet_valid' \
    "notyet: kind"
is '.defects[0].message | contains("in 2 days") and contains("UTC")' \
    "notyet: reason"

jprobe 1 "$P/untrusted.chain.pem" --name pool1.example.com --ca "$P/cas.pem"
is '[.defects[].kind] == ["untrusted"]' "untrusted: kind"
is '.defects[0].message | contains("CN=fedwiz Untrusted Root CA")
    and contains("not in the CA file")' "untrusted: reason"
# sent with its root, the root is named as the end of the chain
cat "$P/untrusted.pem" "$P/other-root.pem" >"$T/untrusted-root.pem"
jprobe 1 "$T/untrusted-root.pem" --ca "$P/chain.p7b"
is '[.defects[].kind] == ["untrusted"] and .leaf == 0' "untrusted+root: kind"
is '.defects[0].message | contains("chain ends in the root CA CN=fedwiz Untrusted Root CA")' \
    "untrusted+root: reason"

jprobe 1 "$P/wronginter.chain.pem" --name pool1.example.com --ca "$P/cas.pem"
is '[.defects[].kind] == ["chain"] and .leaf == 0' "wronginter: kind"
is '.defects[0].message | contains("issued by CN=fedwiz Other Issuing CA")
    and contains("CN=fedwiz Test Issuing CA") and contains("wrong or missing intermediate")' \
    "wronginter: reason"
# seen without a CA file too: what came with it issued nothing
jprobe 1 "$P/wronginter.chain.pem"
is '[.defects[].kind] == ["chain"]' "wronginter without --ca"

# several at once: all said
jprobe 1 "$P/client.chain.pem" --name pool1.example.com --ca "$P/cas.pem"
is '[.defects[].kind] | sort == ["eku", "name"]' "client as pool1: kinds"
is '.defects[] | select(.kind == "eku") | .message
    | startswith("certificate lacks Server Authentication (1.3.6.1.5.5.7.3.1)")' \
    "client: lacks serverAuth"

# --- CA files: roles, no leaf.
jprobe 0 "$P/chain.p7b"
is '.format == "PKCS#7 PEM" and .leaf == null' "p7b pem"
is '[.certificates[].role] == ["root CA", "subordinate CA"]' "p7b pem roles"
is '.certificates[0].self_signed and .certificates[0].ca' "p7b root"
jprobe 0 "$P/chain-der.p7b"
is '.format == "PKCS#7 DER" and [.certificates[].role] == ["root CA", "subordinate CA"]' \
    "p7b der"
probe 0 "$P/chain-der.p7b"
has "certificate 1 of 2: root CA" "p7b text root"
has "certificate 2 of 2: subordinate CA" "p7b text subordinate"
jprobe 0 "$P/root.cer"
is '.format == "DER" and .leaf == 0 and .certificates[0].role == "root CA"
    and .certificates[0].subject == "CN=fedwiz Test Root CA"' "root.cer"
probe 0 "$P/cas.pem"
has "certificate 1 of 2: root CA" "cas.pem"
# a CA file has no leaf to check a name against
probe 2 "$P/chain.p7b" --name pool1.example.com
grep -q "chain.p7b holds no single leaf certificate" "$T/err" || fail "p7b --name"

# --- A CSR.
probe 0 "$P/csr.pem" --name pool1.example.com
has "a certificate request (CSR PEM)" "csr text"
has "DNS:pool1.example.com, DNS:fe1.example.com" "csr text SANs"
has "verifies with its own key" "csr text signature"
jprobe 0 "$P/csr.der"
is '.format == "CSR DER" and .certificates == [] and .leaf == null' "csr der"
is '.csr | .subject == "CN=pool1.example.com" and .signature_valid
    and .sans == ["DNS:pool1.example.com", "DNS:fe1.example.com"]
    and [.ekus[].oid] == ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]
    and .key == "RSA 2048"' "csr der fields"
jprobe 1 "$P/csr.pem" --name other.example.com
is '[.defects[].kind] == ["name"] and .defects[0].certificate == null' \
    "csr: name not requested"
probe 2 "$P/csr.pem" --ca "$P/root.pem"
grep -q "csr.pem is a certificate request: --ca" "$T/err" || fail "csr --ca"

# --- What is not a certificate: exit 2, the file named, what to do.
printf 'this is not a certificate\n' >"$T/notes.cer"
probe 2 "$T/notes.cer"
grep -q "$T/notes.cer: not a certificate, PKCS #7 chain or certificate request" \
    "$T/err" || fail "text garbage"
grep -q 'it starts "this is not a certificate"' "$T/err" || fail "text shown"
printf '\060\202\001\012\377\376\375' >"$T/binary.cer"
probe 2 "$T/binary.cer"
grep -q "$T/binary.cer: not a certificate" "$T/err" || fail "binary garbage"
grep -q "30 82 01 0a ff fe fd" "$T/err" || fail "binary bytes shown"
: >"$T/empty.pem"
probe 2 "$T/empty.pem"
grep -q "$T/empty.pem: the file is empty" "$T/err" || fail "empty"
truncate -s 17M "$T/huge.p7b"
probe 2 "$T/huge.p7b"
grep -q "$T/huge.p7b: larger than 16 MiB" "$T/err" || fail "huge"
probe 2 "$T/missing.cer"
grep -q "$T/missing.cer: cannot read: No such file" "$T/err" || fail "missing"
probe 2 "$P/leaf.key"
grep -q "leaf.key: its PEM blocks hold no certificate.*only PRIVATE KEY" \
    "$T/err" || fail "key file"
head -c 300 "$P/good.pem" >"$T/cut.pem"
probe 2 "$T/cut.pem"
grep -q 'cut.pem:1: the CERTIFICATE block that starts here has no "-----END CERTIFICATE-----" line' \
    "$T/err" || fail "cut short"
probe 2 "$P/good.pem" --ca "$T/notes.cer"
grep -q -- "--ca: $T/notes.cer: not a certificate" "$T/err" || fail "bad --ca"
probe 2 "$P/good.pem" --ca "$P/csr.pem"
grep -q -- "--ca: $P/csr.pem: a certificate request, not CA certificates" \
    "$T/err" || fail "csr as --ca"
probe 2
grep -q "usage: fedwiz probe cert FILE" "$T/err" || fail "usage"
probe 2 "$P/good.pem" "$P/root.pem"
grep -q "usage: fedwiz probe cert FILE" "$T/err" || fail "two files"
[ ! -s "$T/out" ] || fail "output on a usage error"

# --- A subject made to move the cursor prints inert.
esc=$(printf '\033')
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/evil.key" -subj "/CN=evil${esc}[2Jred" -days 2 \
    -out "$T/evil.pem" 2>/dev/null
probe 0 "$T/evil.pem"
if grep -q "$esc" "$T/out"; then
	fail "an escape from a certificate reached the terminal"
fi
has 'CN=evil\1B[2Jred' "escape shown escaped"
jprobe 0 "$T/evil.pem"
is '.certificates[0].cn == "evil\\x1b[2Jred"' "escape in json"

echo "ok: probe cert"
