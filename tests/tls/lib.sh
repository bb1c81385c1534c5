# lib.sh: sourced by the TLS tests after tests/cli/lib.sh (which gives $T,
# fail, expect_exit, write). Real TLS servers on 127.0.0.1 at high ports:
# OpenSSL's s_server and GnuTLS's gnutls-serv, with the test PKI that
# tests/tls/mkpki.sh makes at test time.
#
#   tls_pki                     the PKI in $PKI (made once per test)
#   tls_port                    a free port
#   tls_s_server NAME ARGS...   openssl s_server -accept 127.0.0.1:PORT ARGS;
#                               sets TLS_PORT
#   tls_gnutls NAME ARGS...     gnutls-serv -p PORT ARGS; sets TLS_PORT
#   tls_stub MODE               tests/ssh/tcp_stub (silent, close, hangup);
#                               sets TLS_PORT
#   tls_extra NAME              $PKI/NAME.chain.pem without its leaf: the
#                               chain a server sends after its certificate
#
# Every server runs under timeout(1) (TLS_TEST_MAX_LIFETIME, 300 s; SIGKILL
# 5 s after a SIGTERM it ignores) or, for tcp_stub, its own 120 s lifetime,
# and is killed by the exit trap; nothing listens on any address but 127.0.0.1.
# TLS_TEST_PORT_BASE moves the ports (default: a block of 100 from $$).

: "${T:?source tests/cli/lib.sh first}"
TLS_DIR="$FEDWIZ_SRCDIR/tests/tls"
PKI="$T/pki"
PORT_NEXT=${TLS_TEST_PORT_BASE:-$PORT_NEXT}
command -v openssl >/dev/null || { echo "SKIP: openssl (Debian openssl) is needed"; exit 77; }
command -v ss >/dev/null || { echo "SKIP: ss (Debian iproute2) is needed to find free ports"; exit 77; }

# tls_stop_all: end every server this library started.
tls_stop_all() {
	local p
	for p in $(cat "$T/pids" 2>/dev/null); do
		kill "$p" 2>/dev/null || true
	done
	for p in $(cat "$T/pids" 2>/dev/null); do
		wait "$p" 2>/dev/null || true
	done
	: >"$T/pids"
}
cleanup() { tls_stop_all; rm -rf "$T"; }
trap cleanup 0
trap 'exit 1' INT TERM

tls_pki() {
	[ -f "$PKI/good.pem" ] && return 0
	sh "$TLS_DIR/mkpki.sh" "$PKI" >"$T/mkpki.log" 2>&1 ||
		{ cat "$T/mkpki.log" >&2; fail "mkpki.sh failed"; }
}

tls_port() { free_port; }

# tls_wait NAME PORT PID: until PORT listens (10 s), or the server died.
tls_wait() {
	local _n
	_n=0
	while [ $_n -lt 200 ]; do
		ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		kill -0 "$3" 2>/dev/null || break
		sleep 0.05
		_n=$((_n + 1))
	done
	cat "$T/$1.log" >&2
	return 1
}

# tls_start NAME LAUNCHER ARGS...: LAUNCHER PORT ARGS... runs a server on
# PORT; retried on another port when that one was taken meanwhile.
tls_start() {
	local name launcher port pid tries
	name=$1 launcher=$2
	shift 2
	tries=0
	while :; do
		port=$(tls_port)
		"$launcher" "$port" "$@" >"$T/$name.log" 2>&1 </dev/null &
		pid=$!
		echo "$pid" >>"$T/pids"
		if tls_wait "$name" "$port" "$pid"; then
			TLS_PORT=$port
			return 0
		fi
		kill "$pid" 2>/dev/null || true
		tries=$((tries + 1))
		[ $tries -lt 3 ] && grep -qi 'in use' "$T/$name.log" && continue
		fail "server $name did not listen on 127.0.0.1:$port"
	done
}

_s_server() {
	local port
	port=$1
	shift
	exec timeout -k 5 "${TLS_TEST_MAX_LIFETIME:-300}" openssl s_server \
	    -accept "127.0.0.1:$port" -quiet "$@"
}

tls_s_server() {
	local name
	name=$1
	shift
	tls_start "$name" _s_server "$@"
}

tls_gnutls() {
	local name
	name=$1
	shift
	command -v gnutls-serv >/dev/null || fail "gnutls-serv (Debian gnutls-bin) is missing: ./bootstrap installs it"
	tls_start "$name" _gnutls "$@"
}

# gnutls-serv (3.7) cannot be told an address: it listens on the port on
# every address. The tests only ever connect to it on 127.0.0.1.
_gnutls() {
	local port
	port=$1
	shift
	exec timeout -k 5 "${TLS_TEST_MAX_LIFETIME:-300}" gnutls-serv -q -p "$port" "$@"
}

tls_stub() {
	local stub
	stub="$FEDWIZ_BUILDDIR/tests/ssh/tcp_stub"
	[ -x "$stub" ] || fail "no $stub (make check builds it)"
	rm -f "$T/stub.port"
	# Not under timeout(1): the stub ends itself after 120 s, and on
	# SIGTERM at once.
	"$stub" 0 "$1" 120 >"$T/stub.port" 2>"$T/stub.err" &
	echo $! >>"$T/pids"
	_n=0
	while [ ! -s "$T/stub.port" ] && [ $_n -lt 100 ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
	TLS_PORT=$(cat "$T/stub.port")
	[ -n "$TLS_PORT" ] || { cat "$T/stub.err" >&2; fail "tcp_stub $1 did not start"; }
}

tls_extra() {
	awk 'n > 0 { print } /-----END CERTIFICATE-----/ { n++ }' "$PKI/$1.chain.pem" >"$PKI/$1.extra.pem"
	echo "$PKI/$1.extra.pem"
}
