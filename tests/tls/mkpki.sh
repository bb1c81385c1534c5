#!/bin/sh
# mkpki.sh DIR: a throwaway test PKI, made with the openssl command each
# time the tests run (nothing secret or expiring is kept in the tree).
# RSA 2048 throughout: the TLS tests need RSA for TLS 1.0 with
# TLS_RSA_WITH_3DES_EDE_CBC_SHA (RSA key exchange). All files are PEM
# unless said. Run again, it makes everything afresh.
#
# CAs
#   root.pem root.key             CN=fedwiz Test Root CA (self-signed)
#   inter.pem inter.key           CN=fedwiz Test Issuing CA, issued by root
#   inter2.pem inter2.key         CN=fedwiz Other Issuing CA, issued by root
#   other-root.pem other-root.key CN=fedwiz Untrusted Root CA (self-signed)
#   chain.p7b                     PKCS #7 PEM of root + inter
#                                 (openssl crl2pkcs7 -nocrl)
#   chain-der.p7b                 the same in DER
#   root.cer                      root in DER
#   cas.pem                       root.pem and inter.pem concatenated
# Leaves, all with the one key leaf.key; NAME.pem is the certificate,
# NAME.chain.pem the certificate followed by what it presents. Unless
# said: CN=pool1.example.com, SAN DNS:pool1.example.com,DNS:fe1.example.com,
# EKU serverAuth+clientAuth, issued by inter, valid from now for a year,
# chain presents inter.
#   good        as above
#   noclient    EKU serverAuth only
#   noeku       no EKU extension at all
#   cnmismatch  CN=other.example.com, SAN DNS:other.example.com
#   sanonly     CN=fe1.example.com, SAN DNS:pool1.example.com only
#   expired     valid 2020-01-01 to 2021-01-01
#   notyet      valid from 2 days from now
#   untrusted   issued by other-root; its chain file is the leaf alone
#   wronginter  issued by inter2, but its chain file presents inter
#   client      CN=imp1.example.com, SAN DNS:imp1.example.com, EKU
#               clientAuth only, its own key client.key
# Requests
#   csr.pem csr.der  CN=pool1.example.com, requesting the SANs and EKUs
#                    of good, key leaf.key; PEM and DER
# Workings (not for tests): pki.cnf, ca-db/, *.csr, mkpki.log.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: mkpki.sh DIR" >&2
	exit 2
fi
command -v openssl >/dev/null || {
	echo "mkpki.sh: openssl is needed (./bootstrap installs it)" >&2
	exit 2
}
mkdir -p "$1"
D=$(cd "$1" && pwd)
LOG=$D/mkpki.log
: >"$LOG"

# Quiet when it works; the command and everything it said when not.
run() {
	if ! "$@" >>"$LOG" 2>&1; then
		echo "mkpki.sh: failed: $*" >&2
		cat "$LOG" >&2
		exit 1
	fi
}

rm -rf "$D/ca-db"
mkdir -p "$D/ca-db/new"
: >"$D/ca-db/index.txt"
echo 1000 >"$D/ca-db/serial"

cat >"$D/pki.cnf" <<EOF
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused

[ ca ]
default_ca = fw_ca
[ fw_ca ]
dir = $D/ca-db
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
default_days = 365
policy = fw_policy
unique_subject = no
copy_extensions = none
email_in_dn = no
[ fw_policy ]
commonName = supplied

[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ good ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:pool1.example.com, DNS:fe1.example.com
extendedKeyUsage = serverAuth, clientAuth
[ noclient ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:pool1.example.com, DNS:fe1.example.com
extendedKeyUsage = serverAuth
[ noeku ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:pool1.example.com, DNS:fe1.example.com
[ cnmismatch ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:other.example.com
extendedKeyUsage = serverAuth, clientAuth
[ sanonly ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:pool1.example.com
extendedKeyUsage = serverAuth, clientAuth
[ client ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:imp1.example.com
extendedKeyUsage = clientAuth
EOF
CNF=$D/pki.cnf

key() {
	run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$D/$1.key"
	chmod 600 "$D/$1.key"
}

# selfsigned NAME CN
selfsigned() {
	key "$1"
	run openssl req -config "$CNF" -new -x509 -key "$D/$1.key" \
	    -subj "/CN=$2" -days 3650 -sha256 -extensions v3_root \
	    -out "$D/$1.pem"
}

# issue OUT CN ISSUER KEY EXTENSIONS [openssl ca options...]
issue() {
	out=$1 cn=$2 issuer=$3 k=$4 ext=$5
	shift 5
	run openssl req -config "$CNF" -new -key "$D/$k.key" -subj "/CN=$cn" \
	    -out "$D/$out.csr"
	run openssl ca -config "$CNF" -batch -notext -in "$D/$out.csr" \
	    -cert "$D/$issuer.pem" -keyfile "$D/$issuer.key" \
	    -extfile "$CNF" -extensions "$ext" -out "$D/$out.pem" "$@"
}

selfsigned root "fedwiz Test Root CA"
selfsigned other-root "fedwiz Untrusted Root CA"
key inter
key inter2
issue inter "fedwiz Test Issuing CA" root inter v3_inter -days 1825
issue inter2 "fedwiz Other Issuing CA" root inter2 v3_inter -days 1825

run openssl crl2pkcs7 -nocrl -certfile "$D/root.pem" \
    -certfile "$D/inter.pem" -out "$D/chain.p7b"
run openssl crl2pkcs7 -nocrl -certfile "$D/root.pem" \
    -certfile "$D/inter.pem" -outform DER -out "$D/chain-der.p7b"
run openssl x509 -in "$D/root.pem" -outform DER -out "$D/root.cer"
cat "$D/root.pem" "$D/inter.pem" >"$D/cas.pem"

key leaf
key client
# openssl ca, not x509 -req: OpenSSL 3.0's x509 cannot set a start date.
later=$(date -u -d '+2 days' +%Y%m%d%H%M%SZ)
issue good pool1.example.com inter leaf good
issue noclient pool1.example.com inter leaf noclient
issue noeku pool1.example.com inter leaf noeku
issue cnmismatch other.example.com inter leaf cnmismatch
issue sanonly fe1.example.com inter leaf sanonly
issue expired pool1.example.com inter leaf good \
    -startdate 20200101000000Z -enddate 20210101000000Z
issue notyet pool1.example.com inter leaf good -startdate "$later" -days 365
issue untrusted pool1.example.com other-root leaf good
issue wronginter pool1.example.com inter2 leaf good
issue client imp1.example.com inter client client

for n in good noclient noeku cnmismatch sanonly expired notyet client; do
	cat "$D/$n.pem" "$D/inter.pem" >"$D/$n.chain.pem"
done
cp "$D/untrusted.pem" "$D/untrusted.chain.pem"
cat "$D/wronginter.pem" "$D/inter.pem" >"$D/wronginter.chain.pem"

run openssl req -config "$CNF" -new -key "$D/leaf.key" \
    -subj "/CN=pool1.example.com" \
    -addext "subjectAltName=DNS:pool1.example.com,DNS:fe1.example.com" \
    -addext "extendedKeyUsage=serverAuth,clientAuth" -out "$D/csr.pem"
run openssl req -in "$D/csr.pem" -outform DER -out "$D/csr.der"
