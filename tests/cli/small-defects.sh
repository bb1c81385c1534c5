#!/bin/sh
# Small things an operator trips on: output that cannot be written says
# why (not a stale errno); a database readable by others is tightened with
# its -wal and -shm by any command that opens it, and says so; an input
# file that is a FIFO with no writer does not hang.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }

F() { "$FEDWIZ" --state "$T/f.db" "$@"; }
expect_exit 0 F start lync-imp-tls --set sip_domain=example.com

# /dev/full: every command that writes to standard output says ENOSPC.
for c in "report --format md" "report --format json" "sessions --json" \
    "sessions" "status --json" "status" "plan lync-imp-tls --json"; do
	set +e
	# shellcheck disable=SC2086
	F $c >/dev/full 2>"$T/err"
	rc=$?
	set -e
	[ "$rc" -eq 3 ] || fail "$c to /dev/full: exit $rc"
	grep -q 'writing output: No space left on device' "$T/err" ||
	    fail "$c to /dev/full: $(cat "$T/err")"
done

# A 0644 database: status (read-only) tightens it and the -wal/-shm it
# opens, with the warning start gives.
sqlite3 "$T/f.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
rm -f "$T/f.db-wal" "$T/f.db-shm"
chmod 0644 "$T/f.db"
expect_exit 0 F status
grep -q 'warning: was readable by other users; now mode 0600' "$T/err" ||
    fail "status gave no warning: $(cat "$T/err")"
for f in "$T/f.db" "$T/f.db-wal" "$T/f.db-shm"; do
	[ ! -e "$f" ] || [ "$(stat -c %a "$f")" = 600 ] || fail "$f is $(stat -c %a "$f")"
done
[ -e "$T/f.db-shm" ] || echo "note: this SQLite left no -shm after a read"
# And once tightened, nothing more is said.
expect_exit 0 F status
! grep -q 'readable by other users' "$T/err" || fail "warned twice"

# A FIFO nobody writes to, as an answers file or a runbook: no hang.
mkfifo "$T/fifo"
set +e
timeout 20 "$FEDWIZ" plan lync-imp-tls --answers "$T/fifo" >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" -ne 124 ] || fail "--answers FIFO hung"
[ "$rc" -eq 2 ] || fail "--answers FIFO: exit $rc $(cat "$T/err")"
set +e
timeout 20 "$FEDWIZ" validate "$T/fifo" >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" -ne 124 ] || fail "validate FIFO hung"
exit 0
