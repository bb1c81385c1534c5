# lib.sh: sourced by the DNS tests after tests/cli/lib.sh: dnsmasq on
# 127.0.0.1 at a high port, answering only from the records a test gives.
#
#   dnsmasq_start RECORD-OPTIONS...   sets DNS_PORT and DNS_PID
#   free_port (tests/cli/lib.sh)       a port free for TCP and UDP
#   udp_silent_start                   a resolver that never answers;
#                                      sets SILENT_PORT
#   dns_stop                           ends what was started (the exit trap
#                                      does it too)
#
# Environment: DNS_TEST_PORT moves the ports (default a block of 100 from
# the pid, so that parallel runs do not collide); DNSMASQ the daemon.

: "${T:?source tests/cli/lib.sh first}"
DNSMASQ=${DNSMASQ:-$(command -v dnsmasq || echo /usr/sbin/dnsmasq)}
[ -x "$DNSMASQ" ] || { echo "SKIP: no dnsmasq (Debian dnsmasq-base; ./bootstrap installs it)"; exit 77; }
UDP_SILENT=$FEDWIZ_BUILDDIR/tests/dns/udp_silent
[ -x "$UDP_SILENT" ] || fail "no $UDP_SILENT: run through make check"

PORT_NEXT=${DNS_TEST_PORT:-$PORT_NEXT}
DNS_PID=
SILENT_PID=

dns_stop() {
	for p in $DNS_PID $SILENT_PID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	DNS_PID=
	SILENT_PID=
}
cleanup() { dns_stop; rm -rf "$T"; }
trap 'exit 130' INT
trap 'exit 143' TERM

# dnsmasq_start RECORD-OPTIONS...: dnsmasq in the foreground on
# 127.0.0.1:DNS_PORT, answering only from the records given (no upstream,
# no /etc/hosts, no resolv.conf), at most 300 s; example.com is local, so
# a name it does not hold there is NXDOMAIN. Another port if the bind
# races.
dnsmasq_start() {
	attempt=0
	while [ $attempt -lt 5 ]; do
		DNS_PORT=$(free_port)
		: >"$T/dnsmasq.log"
		timeout -k 5 300 "$DNSMASQ" --keep-in-foreground --port="$DNS_PORT" \
		    --listen-address=127.0.0.1 --bind-interfaces --no-resolv \
		    --no-hosts --conf-file=/dev/null --pid-file="$T/dnsmasq.pid" \
		    --user="$(id -un)" --group="$(id -gn)" \
		    --log-facility="$T/dnsmasq.log" --log-queries \
		    --local=/example.com/ --local-ttl=300 "$@" \
		    >"$T/dnsmasq.out" 2>&1 &
		DNS_PID=$!
		# "started" is logged once its sockets are bound.
		n=0
		while [ $n -lt 100 ]; do
			grep -q 'started, version' "$T/dnsmasq.log" 2>/dev/null &&
			    return 0
			kill -0 "$DNS_PID" 2>/dev/null || break
			sleep 0.1
			n=$((n + 1))
		done
		kill "$DNS_PID" 2>/dev/null || true
		wait "$DNS_PID" 2>/dev/null || true
		DNS_PID=
		attempt=$((attempt + 1))
	done
	cat "$T/dnsmasq.out" "$T/dnsmasq.log" >&2
	fail "dnsmasq did not start"
}

# udp_silent_start: a UDP server on 127.0.0.1 that reads every query and
# never answers (it logs them to $T/silent.log); sets SILENT_PORT.
udp_silent_start() {
	"$UDP_SILENT" 0 120 "$T/silent.log" >"$T/silent.port" &
	SILENT_PID=$!
	_us_n=0
	while [ ! -s "$T/silent.port" ] && [ $_us_n -lt 50 ]; do
		sleep 0.1
		_us_n=$((_us_n + 1))
	done
	SILENT_PORT=$(cat "$T/silent.port")
	[ -n "$SILENT_PORT" ] || fail "udp_silent did not start"
}
