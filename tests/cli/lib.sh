# lib.sh: sourced by the CLI tests. Each test runs the real binary ($FEDWIZ,
# exported by make check) in a private temporary folder removed on exit.
set -eu

: "${FEDWIZ:?run through make check, or set FEDWIZ to the binary}"
: "${FEDWIZ_SRCDIR:?run through make check, or set FEDWIZ_SRCDIR}"
command -v jq >/dev/null || { echo "jq is needed (./bootstrap installs it)"; exit 99; }

T=$(mktemp -d "${TMPDIR:-/tmp}/fedwiz-test.XXXXXX")
cleanup() { rm -rf "$T"; }
trap cleanup 0 INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE CMD...: run, keep stdout/stderr in $T/out, $T/err.
expect_exit() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"
		fail "exit $got, wanted $want: $*"
	fi
}

# free_port: the next port from PORT_NEXT with nothing on it, TCP or UDP.
# Each test starts at its own block of 100 from its pid, so tests started
# one after the other (neighbouring pids) under make -j2 do not walk the
# same ports; the SSH, TLS and DNS test libraries let their own variable
# (SSH_TEST_PORT_BASE, TLS_TEST_PORT_BASE, DNS_TEST_PORT) move it.
PORT_NEXT=$((20000 + $$ % 400 * 100))
free_port() {
	_fp_n=0
	command -v ss >/dev/null || fail "ss (Debian iproute2) is needed to find free ports"
	while [ $_fp_n -lt 200 ]; do
		_fp_p=$PORT_NEXT
		PORT_NEXT=$((PORT_NEXT + 1))
		[ "$PORT_NEXT" -le 65000 ] || PORT_NEXT=20000
		if ! ss -Htuan "sport = :$_fp_p" 2>/dev/null | grep -q .; then
			echo "$_fp_p"
			return 0
		fi
		_fp_n=$((_fp_n + 1))
	done
	fail "no free port found from $PORT_NEXT on"
}

# A 0600 file is what fedwiz is handed; tests write answers files like this.
write() { umask 077; cat >"$1"; }
