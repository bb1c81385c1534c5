#!/bin/sh
# report -o writes a regular file by replacing it atomically, and writes
# through anything else: a character device gets the bytes and stays the
# device it was, /dev/stdout and /proc/self/fd/1 reach standard output, a
# symbolic link stays a link. Block devices, folders and links to nothing
# are refused with a message. The state database is never reached through
# a symbolic link, and a folder or target is never chmodded through one.
# Device nodes are made with mknod in the test's own folder (never /dev).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

F() { "$FEDWIZ" --state "$T/f.db" "$@"; }
expect_exit 0 F start lync-imp-tls --set sip_domain=example.com

# A regular file, and a missing one: replaced / created, 0600.
expect_exit 0 F report --format md -o "$T/r.md"
[ "$(stat -c %a "$T/r.md")" = 600 ] || fail "report is not 0600"
grep -q 'lync-imp-tls' "$T/r.md" || fail "report content"

# /dev/stdout and /proc/self/fd/1: the report on standard output, and
# nothing replaced. $T/stdout is made the way /dev/stdout is, so that a
# fedwiz that replaces it (as one once did) cannot harm the real one.
ln -s /proc/self/fd/1 "$T/stdout"
expect_exit 0 F report --format json -o "$T/stdout"
jq -e '.session.id == 1' "$T/out" >/dev/null || fail "-o /dev/stdout did not reach stdout"
[ -L "$T/stdout" ] || fail "the /dev/stdout link was replaced"
expect_exit 0 F report --format json -o /proc/self/fd/1
jq -e '.session.id == 1' "$T/out" >/dev/null || fail "-o /proc/self/fd/1 did not reach stdout"
# /dev/stdout redirected to a file: the file gets the report.
F report --format md -o "$T/stdout" >"$T/redir.md" 2>"$T/err" || fail "-o /dev/stdout > file"
grep -q 'lync-imp-tls' "$T/redir.md" || fail "-o /dev/stdout into a file"

# A link to a regular file: the target gets the report, the link stays.
: >"$T/target.md"
ln -s target.md "$T/link.md"
expect_exit 0 F report --format md -o "$T/link.md"
[ -L "$T/link.md" ] || fail "the link was replaced by a file"
grep -q 'lync-imp-tls' "$T/target.md" || fail "the link's target was not written"
# A link to nothing: refused, nothing created.
ln -s nowhere.md "$T/dangling.md"
expect_exit 3 F report --format md -o "$T/dangling.md"
grep -q 'symbolic link' "$T/err" || fail "dangling link: no message"
[ -L "$T/dangling.md" ] && [ ! -e "$T/nowhere.md" ] || fail "dangling link followed"
# A folder: refused.
mkdir "$T/dir"
expect_exit 3 F report --format md -o "$T/dir"
[ -d "$T/dir" ] || fail "folder replaced"

if [ "$(id -u)" = 0 ]; then
	# A character device: the bytes go to it; it stays a device.
	mknod "$T/null" c 1 3
	chmod 0666 "$T/null"
	expect_exit 0 F report --format md -o "$T/null"
	[ -c "$T/null" ] || fail "-o on a character device replaced it"
	[ "$(stat -c '%t,%T %a' "$T/null")" = "1,3 666" ] || fail "device node changed"
	# A link to one, as /dev/stdout is.
	ln -s null "$T/null-link"
	expect_exit 0 F report --format md -o "$T/null-link"
	[ -L "$T/null-link" ] && [ -c "$T/null" ] || fail "link to a device replaced"
	# A block device: refused (a report on a disk would destroy it).
	mknod "$T/blk" b 7 200
	expect_exit 3 F report --format md -o "$T/blk"
	grep -q 'block device' "$T/err" || fail "block device not refused"
	[ -b "$T/blk" ] || fail "block device replaced"
	# /dev/full: the write fails and says why (not a stale errno).
	mknod "$T/full" c 1 7
	expect_exit 3 F report --format md -o "$T/full"
	grep -q 'No space left on device' "$T/err" || fail "/dev/full: $(cat "$T/err")"
	[ -c "$T/full" ] || fail "/dev/full replaced"
	ls -A "$T" | grep -q '^\.full\.' && fail "a temporary file was left"
fi
ls -A "$T" | grep -q '^\..*\.md\.' && fail "a temporary file was left"

# The state database: a symbolic link is refused, its target untouched.
: >"$T/elsewhere.db"
chmod 0644 "$T/elsewhere.db"
ln -s elsewhere.db "$T/link.db"
expect_exit 2 "$FEDWIZ" --state "$T/link.db" start lync-imp-tls
grep -q 'symbolic link' "$T/err" || fail "state link: $(cat "$T/err")"
[ ! -s "$T/elsewhere.db" ] || fail "the link's target was initialised"
[ "$(stat -c %a "$T/elsewhere.db")" = 644 ] || fail "the link's target was chmodded"
expect_exit 2 "$FEDWIZ" --state "$T/link.db" status
ln -s nowhere.db "$T/dangling.db"
expect_exit 2 "$FEDWIZ" --state "$T/dangling.db" start lync-imp-tls
[ ! -e "$T/nowhere.db" ] || fail "a dangling state link was followed"

# The default folder: a symbolic link there is not chmodded through.
mkdir -m 0755 "$T/target"
mkdir -p "$T/xdg"
ln -s ../target "$T/xdg/fedwiz"
XDG_STATE_HOME="$T/xdg" "$FEDWIZ" start lync-imp-tls >"$T/out" 2>"$T/err" || true
[ "$(stat -c %a "$T/target")" = 755 ] || fail "the state folder's link target was chmodded"
exit 0
