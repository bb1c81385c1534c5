#!/bin/sh
# One `fedwiz step` costs one fdatasync, the durable floor: its commit to
# the WAL (synchronous=FULL). No checkpoint when the command ends, no WAL
# made again by the next one, no folder sync for a WAL that exists. The
# WAL is part of the database until a checkpoint; fedwiz close folds it
# in, so that fedwiz.db alone holds the whole record. That nothing
# acknowledged is lost to kill -9 is tests/crash/kill-during-transitions.sh.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v strace >/dev/null || { echo "SKIP: strace is needed to count syncs"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }
strace -f -o /dev/null true 2>/dev/null || { echo "SKIP: strace cannot trace here"; exit 77; }

F() { "$FEDWIZ" --state "$T/f.db" "$@"; }
# syncs CMD...: how many fsync/fdatasync/sync_file_range CMD made. (The
# sanitizer build's leak checker cannot run under ptrace: off for these.)
syncs() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -e trace=fsync,fdatasync,sync_file_range,syncfs \
	    -o "$T/trace" "$@" >"$T/out" 2>"$T/err" || {
		cat "$T/err" >&2
		fail "$*"
	}
	grep -c 'sync' "$T/trace" || true
}

expect_exit 0 F start lync-imp-tls --set sip_domain=example.com
for i in 1 2 3; do
	n=$(syncs "$FEDWIZ" --state "$T/f.db" step download-ca-chain $i done)
	[ "$n" -eq 1 ] || { cat "$T/trace"; fail "step $i done: $n syncs"; }
	n=$(syncs "$FEDWIZ" --state "$T/f.db" step download-ca-chain $i reopen)
	[ "$n" -eq 1 ] || { cat "$T/trace"; fail "step $i reopen: $n syncs"; }
	expect_exit 0 F step download-ca-chain $i done
done
# Reading costs none.
n=$(syncs "$FEDWIZ" --state "$T/f.db" status)
[ "$n" -eq 0 ] || { cat "$T/trace"; fail "status: $n syncs"; }

# The transitions are in the database (with its WAL), whoever reads it.
[ "$(sqlite3 -readonly "$T/f.db" "SELECT count(*) FROM steps WHERE status = 'done'")" -eq 3 ] ||
    fail "steps not in the database"
# close folds the WAL in: the file alone, copied, has everything.
expect_exit 0 F close --note "window over"
[ ! -s "$T/f.db-wal" ] || fail "close left the WAL: $(stat -c %s "$T/f.db-wal") bytes"
cp "$T/f.db" "$T/copy.db"
[ "$(sqlite3 -readonly "$T/copy.db" "SELECT count(*) FROM steps WHERE status = 'done'")" -eq 3 ] ||
    fail "a copy of the file alone lost steps"
exit 0
