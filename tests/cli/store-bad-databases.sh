#!/bin/sh
# A database fedwiz cannot use is refused with a message that names the
# file and says what to do, with the exit code of fedwiz(1) (2 bad input,
# 3 environment), and is never changed: not SQLite, someone else's SQLite,
# a newer fedwiz's, a damaged one. A read-only file or folder, a full disk
# and a busy database refuse to record (exit 3) and lose nothing. A step,
# procedure, host or session that does not exist is bad input.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }

sqlite_pid=
cleanup() {
	exec 9>&- 2>/dev/null || true
	[ -z "$sqlite_pid" ] || kill -9 "$sqlite_pid" 2>/dev/null || true
	chmod -R u+rwx "$T" 2>/dev/null || true
	rm -rf "$T"
}

# untouched FILE: its bytes and mode, to compare before and after.
untouched() { sha256sum <"$1"; stat -c %a "$1"; }
# progress DB: what status --json says was done, to compare.
progress() {
	"$FEDWIZ" --state "$1" status --json | jq -c '.progress,
	    [.procedures[] | .steps[] | [.status, .note]]'
}
# says PATTERN: stderr has it (fixed string).
says() { grep -qF -- "$1" "$T/err" || fail "stderr lacks \"$1\": $(cat "$T/err")"; }
# refused CODE FILE CMD...: CMD on FILE exits CODE and leaves FILE as it was.
refused() {
	code=$1 file=$2
	shift 2
	before=$(untouched "$file")
	expect_exit "$code" "$FEDWIZ" --state "$file" "$@"
	[ "$before" = "$(untouched "$file")" ] || fail "$file changed by: $*"
}

# A real database with some progress, to copy and spoil.
db=$T/fedwiz.db
write "$T/answers.yaml" <<'YAML'
runbook: lync-imp-tls
vars: { lync_pool_fqdn: pool1.example.com, imp_fqdn: imp1.example.com }
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, user: admin }
    - { name: fe2, address: 192.0.2.11, user: admin }
  imp: [ { name: imp1, address: 192.0.2.20, user: admin, profile: cisco-vos } ]
YAML
expect_exit 0 "$FEDWIZ" --state "$db" start lync-imp-tls \
    --answers "$T/answers.yaml" --operator alice
expect_exit 0 "$FEDWIZ" --state "$db" step download-ca-chain@fe1 1 done
expect_exit 0 "$FEDWIZ" --state "$db" step download-ca-chain@fe1 2 skip \
    --note "browser already open"
base=$(progress "$db")
# Each transition commits to the WAL only (one fdatasync): the -wal is part
# of the database until a checkpoint folds it in. A copy of both has it
# all; the cases below spoil the database file itself, so fold it first,
# as fedwiz close does, and then the file alone has it all.
cp "$db" "$T/copy.db"
cp "$db-wal" "$T/copy.db-wal"
[ "$(progress "$T/copy.db")" = "$base" ] || fail "a copy of the database and its -wal lost progress"
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
[ ! -s "$db-wal" ] || fail "the checkpoint left transactions in the -wal"

# Not SQLite at all, readable by others: refused, bytes and mode kept.
f=$T/random.db
head -c 8192 /dev/urandom >"$f"
chmod 0644 "$f"
for cmd in "step download-ca-chain@fe1 3 done" status; do
	# shellcheck disable=SC2086
	refused 2 "$f" $cmd
	says "$f: not a fedwiz database"
	says "Give another --state"
done

# Someone else's SQLite database.
f=$T/foreign.db
sqlite3 "$f" "CREATE TABLE notes (x); INSERT INTO notes VALUES ('mine');"
chmod 0644 "$f"
for cmd in "step download-ca-chain@fe1 3 done" status; do
	# shellcheck disable=SC2086
	refused 2 "$f" $cmd
	says "$f: a SQLite database, but not fedwiz's"
	says "Give another --state"
done

# Written by a newer fedwiz: refused; the same file with our schema
# version back is the progress it had.
f=$T/newer.db
cp "$db" "$f"
ours=$(sqlite3 -readonly "$f" "PRAGMA user_version")
sqlite3 "$f" "PRAGMA user_version = 99"
for cmd in "step download-ca-chain@fe1 3 done" status; do
	# shellcheck disable=SC2086
	refused 2 "$f" $cmd
	says "$f: written by a newer fedwiz (schema 99"
	says "upgrade fedwiz"
done
sqlite3 "$f" "PRAGMA user_version = $ours"
[ "$(progress "$f")" = "$base" ] || fail "newer: progress lost"

# Damaged: the root page of the steps table, which status must read,
# overwritten in place.
f=$T/damaged.db
cp "$db" "$f"
page=$(sqlite3 -readonly "$f" "SELECT rootpage FROM sqlite_schema WHERE name = 'steps'")
size=$(sqlite3 -readonly "$f" "PRAGMA page_size")
[ "$page" -gt 1 ] || fail "steps has no page of its own"
head -c "$size" /dev/zero | tr '\0' X |
    dd of="$f" bs="$size" seek=$((page - 1)) conv=notrunc status=none
for cmd in status "step download-ca-chain@fe1 3 done"; do
	# shellcheck disable=SC2086
	refused 2 "$f" $cmd
	says "$f: the database is damaged"
	says "restore a backup or start with another --state"
done

# Read-only. root writes whatever the mode says: as root, run fedwiz
# without that override.
ro_cases=1
if [ "$(id -u)" -ne 0 ]; then
	unpriv() { "$@"; }
elif setpriv --bounding-set=-dac_override,-dac_read_search --inh-caps=-all \
    true 2>/dev/null; then
	unpriv() {
		setpriv --bounding-set=-dac_override,-dac_read_search \
		    --inh-caps=-all "$@"
	}
else
	ro_cases=0
	echo "skip: read-only cases (root, and setpriv cannot drop its override)"
fi
if [ "$ro_cases" -eq 1 ]; then
	# A read-only file: no step; status still reads it.
	f=$T/readonly.db
	cp "$db" "$f"
	chmod 0400 "$f"
	before=$(untouched "$f")
	expect_exit 3 unpriv "$FEDWIZ" --state "$f" step download-ca-chain@fe1 3 done
	says "$f: the database is read-only"
	says "Fix the permissions or give another --state"
	expect_exit 0 unpriv "$FEDWIZ" --state "$f" status --json
	[ "$(jq -c '.progress' "$T/out")" = "$(echo "$base" | head -n 1)" ] ||
		fail "read-only: status shows other progress"
	[ "$before" = "$(untouched "$f")" ] || fail "read-only file changed"
	# Made writable again, as told: a -shm the read-only status left with
	# the file's mode is named if it is what still stops the step.
	chmod 0600 "$f"
	set +e
	unpriv "$FEDWIZ" --state "$f" step download-ca-chain@fe1 3 done \
	    >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	if [ "$rc" -eq 3 ]; then
		says "$f-shm is not writable: fix its permissions"
		chmod 0600 "$f-shm"
		expect_exit 0 unpriv "$FEDWIZ" --state "$f" step \
		    download-ca-chain@fe1 3 done
	elif [ "$rc" -ne 0 ]; then
		fail "read-only made writable: exit $rc: $(cat "$T/err")"
	fi

	# A read-only folder: no step, no room for the -wal. Nor status: SQLite
	# reads a WAL database only with a -shm beside it, and cannot make one.
	mkdir "$T/ro"
	f=$T/ro/fedwiz.db
	cp "$db" "$f"
	chmod 0500 "$T/ro"
	before=$(untouched "$f")
	for cmd in "step download-ca-chain@fe1 3 done" status; do
		# shellcheck disable=SC2086
		expect_exit 3 unpriv "$FEDWIZ" --state "$f" $cmd
		says "$T/ro is not writable: fix its permissions"
	done
	[ "$before" = "$(untouched "$f")" ] || fail "file in a read-only folder changed"
	chmod 0700 "$T/ro"
	[ "$(progress "$f")" = "$base" ] || fail "read-only folder: progress changed"
fi

# A full disk, without root or a mount: a file size limit (RLIMIT_FSIZE,
# with SIGXFSZ ignored) makes writes past it fail with EFBIG, which SQLite
# reports as SQLITE_IOERR (SQLITE_FULL is ENOSPC only). 64 KiB lets the
# 32 KiB -shm be written; checkpoints into the larger database file fail,
# so the -wal grows until, within a few steps with notes of 4000
# characters, a commit no longer fits.
f=$T/full.db
cp "$db" "$f"
[ "$(stat -c %s "$f")" -gt 65536 ] || fail "the database is too small to fill"
pad=$(head -c 4000 /dev/zero | tr '\0' x)
# limited BYTES CMD...: CMD may write files up to BYTES. (prlimit, not
# ulimit -f: dash counts that in blocks of 512 bytes, bash of 1024.)
limited() { (fsize=$1; shift; trap '' XFSZ; exec prlimit --fsize="$fsize" -- "$@"); }
n=3 ok=
while [ "$n" -le 6 ]; do
	before=$(progress "$f")
	set +e
	limited 65536 "$FEDWIZ" --state "$f" step download-ca-chain@fe1 "$n" skip \
	    --note "n$n $pad" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	if [ "$rc" -eq 3 ]; then
		ok=1
		break
	fi
	[ "$rc" -eq 0 ] || fail "full disk: step $n exited $rc: $(cat "$T/err")"
	n=$((n + 1))
done
[ -n "$ok" ] || fail "the file size limit never stopped a step"
says "$f: "
says "nothing of it was recorded"
[ "$(progress "$f")" = "$before" ] || fail "full disk: a failed step changed progress"
[ "$(sqlite3 -readonly "$f" "SELECT count(*) FROM events WHERE detail LIKE '%: n$n %'")" -eq 0 ] ||
	fail "full disk: the failed step's event is in the log"
# With room again, the same step records.
expect_exit 0 "$FEDWIZ" --state "$f" step download-ca-chain@fe1 "$n" skip \
    --note "n$n $pad"
expect_exit 0 "$FEDWIZ" --state "$f" audit verify

# A new session with a hundred hosts does not fit: the runbook text does,
# but not with them. Nothing of it is there: session, runbook, answers and
# inventory go in together or not at all.
{
	sed -n '1,4p' "$T/answers.yaml"
	i=1
	while [ "$i" -le 100 ]; do
		echo "    - { name: fe$i, address: 192.0.2.$i, user: admin }"
		i=$((i + 1))
	done
	echo "  imp: [ { name: imp1, address: 192.0.2.200, user: admin } ]"
} | write "$T/hundred.yaml"
f=$T/full-start.db
expect_exit 0 "$FEDWIZ" --state "$f" start lync-cup-federation
set +e
limited 81920 "$FEDWIZ" --state "$f" start lync-imp-tls \
    --answers "$T/hundred.yaml" >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "full disk: start exited $rc: $(cat "$T/err")"
says "$f: "
says "nothing of it was recorded"
counts="SELECT (SELECT count(*) FROM sessions) || ' ' ||
    (SELECT count(*) FROM answers) || ' ' || (SELECT count(*) FROM hosts)"
[ "$(sqlite3 -readonly "$f" "$counts")" = "1 0 0" ] ||
	fail "full disk: a failed start left part of a session: $(sqlite3 -readonly "$f" "$counts")"
expect_exit 0 "$FEDWIZ" --state "$f" start lync-imp-tls --answers "$T/hundred.yaml"
[ "$(sqlite3 -readonly "$f" "$counts")" = "2 2 101" ] ||
	fail "start with room: $(sqlite3 -readonly "$f" "$counts")"
expect_exit 0 "$FEDWIZ" --state "$f" audit verify

# Busy: another process holds the write lock past the 5 s busy timeout.
f=$T/busy.db
cp "$db" "$f"
mkfifo "$T/sql"
sqlite3 "$f" <"$T/sql" >"$T/sqlite.out" 2>&1 &
sqlite_pid=$!
exec 9>"$T/sql"
echo "BEGIN IMMEDIATE; SELECT 'held';" >&9
i=0
until grep -q held "$T/sqlite.out"; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "sqlite3 did not take the write lock in 10 s"
	sleep 0.1
done
start=$(date +%s)
expect_exit 3 timeout 30 "$FEDWIZ" --state "$f" step download-ca-chain@fe1 3 done
took=$(($(date +%s) - start))
says "$f: busy"
says "nothing was recorded, try again"
[ "$took" -ge 4 ] || fail "busy: gave up after ${took}s, before the busy timeout"
# Readers are not held up by a writer.
expect_exit 0 timeout 30 "$FEDWIZ" --state "$f" status
echo "ROLLBACK;" >&9
exec 9>&-
wait "$sqlite_pid" || true
sqlite_pid=
[ "$(progress "$f")" = "$base" ] || fail "busy: progress changed"

# Steps, procedures, hosts and sessions that do not exist.
f=$db
expect_exit 2 "$FEDWIZ" --state "$f" step no-such-procedure 1 done
says "runbook lync-imp-tls has no procedure \"no-such-procedure\""
expect_exit 2 "$FEDWIZ" --state "$f" step download-ca-chain@fe9 1 done
says "fe9 is not a host of role lync_fe in session 1; hosts: fe1, fe2"
expect_exit 2 "$FEDWIZ" --state "$f" step download-ca-chain 1 done
says "say which: download-ca-chain@HOST, HOST one of fe1, fe2"
expect_exit 2 "$FEDWIZ" --state "$f" step download-ca-chain@fe1 99 done
says "download-ca-chain has steps 1 to 6, not 99"
expect_exit 2 "$FEDWIZ" --state "$f" step download-ca-chain@fe1 1 done \
    --session 42
says "no session 42 here; 'fedwiz sessions' lists them"
[ "$(progress "$f")" = "$base" ] || fail "bad input changed progress"
expect_exit 0 "$FEDWIZ" --state "$f" audit verify
echo "ok: bad databases refused, nothing lost"
