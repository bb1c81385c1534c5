#!/bin/bash
# sip.sh: the lab's SIP servers answer fedwiz probe sip and the sip check
# kind as the devices would, from lab state. Each federation pair of the
# estate is tried both ways, the client playing the other server with the
# certificate and key that server presents (DIR/tls/HOST-PORT.pem, .key):
# on a fresh lab each fails as the real pair does before the runbook
# (an untrusted CA: alert unknown_ca; a self-signed certificate; nothing
# listening yet), on a configured lab each gets 200 OK. A peer no server
# trusts gets 403 with ms-diagnostics (Lync) or a bare 403 (IM and
# Presence); no client certificate, 401 with Lync's challenges; a client
# certificate without Client Authentication, the alert
# unsupported_certificate; the sip check names the fix for each.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"

L="$T/lab"
expect_exit 0 lab_up "$L" --state fresh
B=$("$FEDWIZ" lab status --dir "$L" --json | jq -r .block)
# The lab CA's certificate, from lab state (a fresh lab has not
# downloaded it anywhere yet).
CA="$T/example-CA1.pem"
sqlite3 "$L/lab.db" "SELECT pem FROM certs WHERE cn = 'example-CA1'" >"$CA"

# probe CLIENT-PORT SERVER PORT NAME [ADDRESS]: fedwiz probe sip as CLIENT
# to SERVER; "verdict class code" in $R, the JSON in $T/probe.json.
probe() {
	local c=$1 s=$2 port=$3 name=$4 a=${5:-}
	[ -n "$a" ] || a=$(lab_host_addr "$L" "$s")
	set +e
	"$FEDWIZ" probe sip "$a:$port" --name "$name" --ca "$CA" \
	    --client-cert "$L/tls/$c.pem" --client-key "$L/tls/$c.key" \
	    --timeout 10 --json >"$T/probe.json" 2>"$T/probe.err"
	set -e
	[ -s "$T/probe.json" ] || fail "probe $c -> $s: $(cat "$T/probe.err")"
	R=$(jq -r '"\(.verdict) \(.class) \(.responses[-1].code // "-")"' \
	    "$T/probe.json")
}
# want CLIENT-PORT SERVER PORT NAME ADDRESS|'' EXPECTED
want() {
	probe "$1" "$2" "$3" "$4" "$5"
	[ "$R" = "$6" ] || fail "$1 -> $2:$3: got '$R', wanted '$6': $(jq -r .message "$T/probe.json")"
}

# The pairs: Lync pool <-> IM and Presence, OCS <-> IM and Presence (two
# runbooks), CUP <-> Lync 2013 (whose side is the partner's and ready),
# the Access Edge <-> the ASA's TLS proxy (outside .40, edge external .41).
want fe1-5061 imp1 5062 imp1.example.com '' "fail client_ca -"
want imp1-5062 fe1 5061 fe1.example.com "" "fail client_ca -"
want imp2-5062 ocs1 5061 ocs1.example.com "" "fail client_ca -"
want ocs1-5061 imp2 5062 imp2.example.com '' "fail client_ca -"
want imp3-5061 ocsr2 5061 ocsr2.example.com '' "error connect -"
# (ocsr2 listens on no TLS port yet: it has no certificate to present.)
want cup1-5062 lyncse1 5061 lyncse1.lync.example.net '' "fail client_ca -"
want lyncse1-5061 edge1 5061 sip.example.org "$B.41" "error connect -"
jq -r .message "$T/probe.json" | grep -q 'Connection refused' ||
    fail "nothing listens on the edge's external side yet: $(cat "$T/probe.json")"
probe cup1-5062 lyncse1 5061 lyncse1.lync.example.net
jq -r .message "$T/probe.json" | grep -q 'unknown CA' ||
    fail "lyncse1 should refuse cup1's self-signed certificate: $(jq -r .message "$T/probe.json")"

# No client certificate: a Lync server takes it for a user's client.
set +e
"$FEDWIZ" probe sip "$(lab_host_addr "$L" lyncse1):5061" --name \
    lyncse1.lync.example.net --ca "$CA" --json >"$T/noclient.json"
set -e
[ "$(jq '.responses[-1].code' "$T/noclient.json")" = 401 ] ||
    fail "no client certificate: $(jq -c .responses "$T/noclient.json")"
jq -r '.responses[-1].headers[] | select(.name == "WWW-Authenticate") |
    .value' "$T/noclient.json" | grep -q '^NTLM realm="SIP Communications Service"' ||
    fail "401 without Lync's challenges: $(jq -c .responses "$T/noclient.json")"

# Configured: every pair answers 200.
expect_exit 0 "$FEDWIZ" lab reset --dir "$L" --state configured
want fe1-5061 imp1 5062 imp1.example.com '' "pass null 200"
want imp1-5062 fe1 5061 fe1.example.com '' "pass null 200"
want imp2-5062 ocs1 5061 ocs1.example.com '' "pass null 200"
want ocs1-5061 imp2 5062 imp2.example.com '' "pass null 200"
want imp3-5061 ocsr2 5061 ocsr2.example.com '' "pass null 200"
want ocsr2-5061 imp3 5061 imp3.example.com '' "pass null 200"
want cup1-5062 lyncse1 5061 lyncse1.lync.example.net '' "pass null 200"
want lyncse1-5061 cup1 5062 cup1.example.com '' "pass null 200"
want asa1-5061 edge1 5061 sip.example.org "$B.41" "pass null 200"
want edge1-5061 asa1 5061 imp.example.com "$B.40" "pass null 200"
jq -r '.responses[-1].headers[] | select(.name == "Server") | .value' \
    "$T/probe.json" | grep -q 'Cisco-ASA' || fail "the ASA's Server header"

# Certificates the lab's CA issues to strangers (its key, from lab state).
sqlite3 "$L/lab.db" "SELECT k.pem FROM certs c JOIN keys k ON k.id = c.key
    WHERE c.cn = 'example-CA1'" >"$T/ca.key"
mkcert() { # NAME CN EKU
	openssl req -new -newkey rsa:2048 -nodes -keyout "$T/$1.key" \
	    -subj "/CN=$2" -out "$T/$1.csr" 2>/dev/null
	printf 'extendedKeyUsage=%s\nsubjectAltName=DNS:%s\n' "$3" "$2" \
	    >"$T/$1.ext"
	openssl x509 -req -in "$T/$1.csr" -CA "$CA" -CAkey "$T/ca.key" \
	    -CAcreateserial -days 30 -extfile "$T/$1.ext" -out "$T/$1.pem" \
	    2>/dev/null
}
mkcert stranger stranger.example.com serverAuth,clientAuth
mkcert serveronly pool1.example.com serverAuth

# The sip check kind (tests/lab/data/lab-sip.yaml): a fix for each class.
check() { # CODE ADDRESS PORT NAME CERT KEY
	set +e
	"$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/lab/data" check lab-sip \
	    --set peer="$2" --set port="$3" --set peer_name="$4" \
	    --set ca_file="$CA" --set client_cert="$5" --set client_key="$6" \
	    --json >"$T/check.json" 2>"$T/check.err"
	rc=$?
	set -e
	[ "$rc" = "$1" ] || fail "check $2:$3 exited $rc, not $1: $(cat "$T/check.err" "$T/check.json")"
	C=$(jq -r '.checks[0] | "\(.verdict) \(.message)"' "$T/check.json")
}
IMP1=$(lab_host_addr "$L" imp1)
FE1=$(lab_host_addr "$L" fe1)
check 0 "$IMP1" 5062 imp1.example.com "$L/tls/fe1-5061.pem" "$L/tls/fe1-5061.key"
case $C in pass*) ;; *) fail "fe1 to imp1: $C" ;; esac
check 1 "$IMP1" 5062 imp1.example.com "$T/serveronly.pem" "$T/serveronly.key"
case $C in
*"unsupported certificate"*issue-certificate*) ;;
*) fail "a client certificate without clientAuth: $C" ;;
esac
check 1 "$IMP1" 5062 imp1.example.com "$T/stranger.pem" "$T/stranger.key"
case $C in
*"403 Forbidden"*trust-peer*) ;;
*) fail "IM and Presence and a peer it does not know: $C" ;;
esac
check 1 "$FE1" 5061 fe1.example.com "$T/stranger.pem" "$T/stranger.key"
case $C in
*"403 Forbidden"*"ms-diagnostics: 1010"*'source="fe1.example.com"'*trust-peer*) ;;
*) fail "Lync and a peer it does not trust: $C" ;;
esac
echo "ok: the lab's SIP servers answer as the devices, from lab state"
