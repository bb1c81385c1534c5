#!/bin/sh
# fedwiz check with dns checks (tests/data/dns/checks.yaml) against dnsmasq
# on 127.0.0.1 (--server): A with an expected address, AAAA, SRV with an
# expected target:port all pass on the right records; a wrong address, a
# missing record, a name that does not exist, and an SRV to the wrong edge
# each fail, saying what came back and naming the procedure that publishes
# the record; a resolver that does not answer stops the check (exit 3).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/dns/lib.sh"

dnsmasq_start \
    --host-record=imp1.example.com,192.0.2.20,2001:db8::20 \
    --host-record=imp2.example.com,192.0.2.21 \
    --host-record=sip.example.com,192.0.2.30 \
    --srv-host=_sipfederationtls._tcp.example.com,sip.example.com,5061,0,100 \
    --srv-host=_sipfederationtls._tcp.other.example.com,old.example.com,5061,0,100
S=127.0.0.1:$DNS_PORT

# check CODE [VAR=VALUE]...: the JSON in $T/out.
check() {
	local code a v
	code=$1
	shift
	a=
	for v in "$@"; do a="$a --set $v"; done
	# shellcheck disable=SC2086
	expect_exit "$code" "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/dns" check dns-checks \
	    --server "$S" $a --json
}
step() { jq -r --argjson s "$1" "[.checks[] | select(.step == \$s)][0].$2" "$T/out"; }

check 0
[ "$(jq '.summary.pass' "$T/out")" -eq 3 ] || fail "all good: $(jq -c .summary "$T/out")"

# The address is not the one the route needs.
check 1 imp_address=192.0.2.99
[ "$(step 1 verdict)" = fail ] || fail "wrong address: $(step 1 verdict)"
step 1 message | grep -qF "expected 192.0.2.99 among the answers, which are 192.0.2.20" ||
    fail "wrong address: $(step 1 message)"
step 1 message | grep -qF ": publish A imp1.example.com 192.0.2.99 — procedure 'Publish DNS Records' (publish-dns-records)" ||
    fail "wrong address, fix: $(step 1 message)"
# A name with no AAAA record, and a name that does not exist.
check 1 imp_fqdn=imp2.example.com imp_address=192.0.2.21
[ "$(step 1 verdict)" = pass ] && [ "$(step 2 verdict)" = fail ] || fail "no AAAA: $(cat "$T/out")"
step 2 message | grep -q "NODATA" || fail "no AAAA: $(step 2 message)"
check 1 imp_fqdn=nowhere.example.com
step 1 message | grep -q "NXDOMAIN" || fail "no such name: $(step 1 message)"
# The SRV record points elsewhere: what it points to is said.
check 1 sip_domain=other.example.com
step 3 message | grep -qF "old.example.com:5061" || fail "srv elsewhere: $(step 3 message)"
step 3 message | grep -qF "procedure 'Publish DNS Records'" || fail "srv fix: $(step 3 message)"
# The text an operator reads.
expect_exit 1 "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/dns" check dns-checks --server "$S" \
    --set sip_domain=other.example.com
grep -q "FAIL  check step 3 on here: dns SRV _sipfederationtls._tcp.other.example.com" "$T/out" ||
    fail "text: $(cat "$T/out")"
# A resolver that never answers: the checks could not run, exit 3.
dns_stop
udp_silent_start
P=$SILENT_PORT
expect_exit 3 "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/dns" check dns-checks \
    --server "127.0.0.1:$P" --timeout 1 --json
[ "$(jq '.summary.error' "$T/out")" -eq 3 ] || fail "silent: $(jq -c .summary "$T/out")"
# A bad server is refused before anything is sent.
expect_exit 2 "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/dns" check dns-checks --server 'not a server'
echo "ok: dns checks"
