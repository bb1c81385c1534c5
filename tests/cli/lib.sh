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

# A 0600 file is what fedwiz is handed; tests write answers files like this.
write() { umask 077; cat >"$1"; }
