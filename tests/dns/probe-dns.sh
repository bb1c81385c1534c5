#!/bin/sh
# probe-dns.sh: fedwiz probe dns against a real resolver, dnsmasq on
# 127.0.0.1 at a high port with the project's own records (A, AAAA, SRV,
# a CNAME, a name that does not exist, a name with A only, a name too big
# for UDP); a server that never answers (udp_silent) and a port where
# nothing listens. Text, --json, every exit code, and that a bad name or
# server is refused before anything is sent.
#
# Environment: DNS_TEST_PORT moves the ports (default 20000 + the pid's
# remainder, so that parallel runs do not collide); DNSMASQ the daemon.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

. "$FEDWIZ_SRCDIR/tests/dns/lib.sh"

# The records, the project's own names.
set -- \
    --host-record=pool1.example.com,192.0.2.10,2001:db8::10 \
    --host-record=imp1.example.com,192.0.2.20,2001:db8::20 \
    --host-record=sip.example.com,192.0.2.30 \
    --host-record=v4only.example.com,192.0.2.40 \
    --srv-host=_sipfederationtls._tcp.example.com,sip.example.com,5061,0,100 \
    --srv-host=_sip._tls.example.com,sip2.example.com,5061,20,10 \
    --srv-host=_sip._tls.example.com,sip1.example.com,5061,10,50 \
    --cname=lyncpool.example.com,pool1.example.com
# 40 addresses: more than a 512-byte UDP answer holds, so TCP.
i=1
while [ $i -le 40 ]; do
	set -- "$@" --host-record=big.example.com,198.51.100.$i
	i=$((i + 1))
done
dnsmasq_start "$@"
S=127.0.0.1:$DNS_PORT

probe() { expect_exit "$1" "$FEDWIZ" probe dns "$2" --server "$S" --timeout 5 ${3:+"$3"} ${4:+"$4"}; }
has() { grep -qxF -- "$1" "$T/$2" || { cat "$T/out" "$T/err"; fail "$2 lacks: $1"; }; }
jqt() { jq -e "$1" "$T/out" >/dev/null || { cat "$T/out"; fail "--json: $1"; }; }

# A and AAAA at once.
probe 0 pool1.example.com
has "pool1.example.com. 300 IN A 192.0.2.10" out
has "pool1.example.com. 300 IN AAAA 2001:db8::10" out
has ";; answered by $S" out
[ ! -s "$T/err" ] || fail "stderr on a clean answer: $(cat "$T/err")"
probe 0 IMP1.example.com.
has "IMP1.example.com. 300 IN A 192.0.2.20" out
probe 0 pool1.example.com --json
jqt '.name == "pool1.example.com" and .types == ["A", "AAAA"]'
jqt ".server == \"$S\" and .status == \"ok\" and .message == null and .cname == null"
jqt '.answers == [{"type": "A", "ttl": 300, "address": "192.0.2.10"},
    {"type": "AAAA", "ttl": 300, "address": "2001:db8::10"}]'
jqt '[.results[].status] == ["ok", "ok"]'

# SRV: the federation record, and two sorted by priority.
probe 0 _sipfederationtls._tcp.example.com --srv
has "_sipfederationtls._tcp.example.com. 300 IN SRV 0 100 5061 sip.example.com." out
probe 0 _sipfederationtls._tcp.example.com --srv --json
jqt '.types == ["SRV"] and .status == "ok"'
jqt '.answers == [{"type": "SRV", "ttl": 300, "target": "sip.example.com",
    "port": 5061, "priority": 0, "weight": 100}]'
probe 0 _sip._tls.example.com --srv
[ "$(sed -n 1p "$T/out")" = "_sip._tls.example.com. 300 IN SRV 10 50 5061 sip1.example.com." ] ||
    fail "priority 10 first: $(cat "$T/out")"
has "_sip._tls.example.com. 300 IN SRV 20 10 5061 sip2.example.com." out
probe 0 _sip._tls.example.com --srv --json
jqt '[.answers[] | [.priority, .target]] == [[10, "sip1.example.com"], [20, "sip2.example.com"]]'

# A CNAME, followed.
probe 0 lyncpool.example.com
has "; lyncpool.example.com is an alias of pool1.example.com" out
has "pool1.example.com. 300 IN A 192.0.2.10" out
probe 0 lyncpool.example.com --json
jqt '.cname == "pool1.example.com" and (.answers | length) == 2'

# NXDOMAIN: the check fails (1), and says who said so.
probe 1 nope.example.com
has "fedwiz: no such name: nope.example.com does not exist at $S (NXDOMAIN)" err
probe 1 _sipfederationtls._tcp.nope.example.com --srv --json
jqt '.status == "nxdomain" and .answers == [] and .results[0].status == "nxdomain"'
jqt ".message == \"no such name: _sipfederationtls._tcp.nope.example.com does not exist at $S (NXDOMAIN)\""

# NODATA: A only, asked for both: it resolved (0), the missing AAAA said.
probe 0 v4only.example.com
has "v4only.example.com. 300 IN A 192.0.2.40" out
has "fedwiz: no AAAA record: v4only.example.com exists at $S but has no AAAA record (NODATA)" err
probe 0 v4only.example.com --json
jqt '.status == "ok" and [.results[].status] == ["ok", "nodata"]'
# ... and nothing of the asked types at all: the check fails.
probe 1 pool1.example.com --srv
has "fedwiz: no SRV record: pool1.example.com exists at $S but has no SRV record (NODATA)" err
probe 1 _sipfederationtls._tcp.example.com --json
jqt '.status == "nodata" and .answers == []'

# REFUSED: a zone this server does not serve: it could not be asked (3).
probe 3 sip.example.org
grep -q "$S did not answer for sip.example.org (A): REFUSED" "$T/err" ||
    fail "REFUSED not said: $(cat "$T/err")"
probe 3 sip.example.org --json
jqt '.status == "servfail" and (.message | test("REFUSED"))'

# Too big for UDP: truncated, asked again over TCP.
probe 0 big.example.com
[ "$(grep -c '^big.example.com. 300 IN A 198.51.100.' "$T/out")" -eq 40 ] ||
    fail "40 addresses over TCP: $(cat "$T/out")"
# Asked twice: over UDP, then over TCP.
[ "$(grep -c 'query\[A\] big.example.com from 127.0.0.1' "$T/dnsmasq.log")" -eq 2 ] ||
    fail "big.example.com not asked twice: $(grep big "$T/dnsmasq.log")"

# A server that never answers: the deadline ends it (3), and it was asked.
udp_silent_start
SP=$SILENT_PORT
: >"$T/silent.log"
expect_exit 3 "$FEDWIZ" probe dns pool1.example.com --server "127.0.0.1:$SP" --timeout 1
grep -q "fedwiz: no answer from 127.0.0.1:$SP for pool1.example.com (A) within" "$T/err" ||
    fail "timeout not said: $(cat "$T/err")"
[ "$(wc -l <"$T/silent.log")" -ge 2 ] || fail "the silent server got no queries"
expect_exit 3 "$FEDWIZ" probe dns _sip._tls.example.com --srv --server "127.0.0.1:$SP" --timeout 0.5 --json
jqt '.status == "timeout" and .answers == [] and (.message | test("no answer from"))'

# A bad name or server is refused (2) before anything is sent.
: >"$T/silent.log"
for name in 'a..example.com' 'sip example.com' 'sip.example.com/' '192.0.2.1' \
    "$(printf '%064d' 0).example.com" '.' '-x.example.com' '_sip._tls.example.com*'; do
	expect_exit 2 "$FEDWIZ" probe dns --server "127.0.0.1:$SP" -- "$name"
	grep -q '^fedwiz: probe dns: name ' "$T/err" || fail "no name message for '$name': $(cat "$T/err")"
done
expect_exit 2 "$FEDWIZ" probe dns a..example.com --server "127.0.0.1:$SP"
has 'fedwiz: probe dns: name "a..example.com" has an empty label (two dots in a row at character 2)' err
for server in "127.0.0.1:${SP}x" "127.0.0.1:0" "127.0.0.1:70000" "[::1" "[::1]$SP" \
    "dns.example.com" "127.1:$SP" ""; do
	expect_exit 2 "$FEDWIZ" probe dns pool1.example.com --server "$server"
	grep -q '^fedwiz: probe dns: server ' "$T/err" || fail "no server message for '$server': $(cat "$T/err")"
done
expect_exit 2 "$FEDWIZ" probe dns pool1.example.com --server dns.example.com
grep -q 'is not an IP address' "$T/err" || fail "$(cat "$T/err")"
[ ! -s "$T/silent.log" ] || fail "a refused probe sent: $(cat "$T/silent.log")"

# Usage and --timeout.
for t in abc 0 -1 1e9; do
	expect_exit 2 "$FEDWIZ" probe dns pool1.example.com --server "$S" --timeout "$t"
	grep -q -- '--timeout' "$T/err" || fail "no --timeout message: $(cat "$T/err")"
done
expect_exit 2 "$FEDWIZ" probe dns
expect_exit 2 "$FEDWIZ" probe dns a.example.com b.example.com --server "$S"
grep -q 'usage: fedwiz probe dns NAME' "$T/err" || fail "no usage: $(cat "$T/err")"

# A port where nothing listens: the kernel says so at once (3).
dns_stop
NP=$(free_port)
expect_exit 3 "$FEDWIZ" probe dns pool1.example.com --server "127.0.0.1:$NP" --timeout 5
has "fedwiz: nothing answers DNS at 127.0.0.1:$NP (port unreachable)" err
expect_exit 3 "$FEDWIZ" probe dns pool1.example.com --server "127.0.0.1:$NP" --json
jqt '.status == "error" and .server == "127.0.0.1:'"$NP"'"'
exit 0
