#!/bin/sh
# A database written by the fedwiz before schema 3 (tests/data/db: made by
# main at ffb8792, dumped): read-only commands read it as it is, without
# touching the file; the first command that records progress upgrades it
# to schema 3 (keeping a backup), and everything it held is still there:
# progress, per-host answers, stale evidence, the audit chain; its sessions
# are real ones (none becomes practice, the default stays), and a practice
# session can then be started beside them.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }

export TZ=UTC
db=$T/fedwiz.db
sqlite3 "$db" <"$FEDWIZ_SRCDIR/tests/data/db/schema-2-made-by-main.sql"
[ "$(sqlite3 -readonly "$db" 'PRAGMA user_version')" = 2 ] || fail "fixture is not schema 2"
F() { "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/good" --state "$db" "$@"; }
shape() {
	jq -S '{progress, reverify, procedures: [.procedures[] |
	    {id, host, status, steps: [.steps[] | {status, note} +
	    if .status == "pending" then {} else {by, at} end]}],
	    answers, hosts: [.hosts[] | {role, name, address, port, vars}]}' "$1"
}

# Read-only: status, audit, report and sessions read it; the file stays.
before=$(sha256sum <"$db")
expect_exit 0 F status --json
jq -e '.session.id == 1 and .session.practice == false and .session.lab == null and
    .session.known_hosts == null and .session.dns_server == null' "$T/out" >/dev/null ||
	fail "the old session as read: $(jq -c .session "$T/out")"
shape "$T/out" >"$T/was"
# What main itself said of this file (its progress, the evidence an edit
# made stale, the host added, the dead console gone).
jq -e '.progress == {steps: 12, finished: 3, failed: 0, procedures: 8,
    procedures_finished: 1} and .reverify == [{id: "request-certificate",
    host: "fe1", step: 1, why: "csr_path on fe1 changed", event: 19}] and
    .consoles == [] and ([.hosts[].name] == ["fe1", "fe2", "imp1", "imp2"]) and
    .hosts[0].vars.csr_path == "/nonexistent/fedwiz-v2/fe1-new.csr"' \
    "$T/out" >/dev/null || fail "read: $(jq -c '.progress, .reverify, [.hosts[].name]' "$T/out")"
expect_exit 0 F audit verify
grep -q "audit chain verified: 32 events" "$T/out" || fail "old chain: $(cat "$T/out")"
grep -q "every step record is the replay of the event log" "$T/out" || fail "old replay"
expect_exit 0 F report --session 1 --format json
jq -e '.record == "change" and .session.practice == false and .audit.verified' \
    "$T/out" >/dev/null || fail "old report"
expect_exit 0 F sessions --json
jq -e '[.sessions[] | {id, practice, default, open}] == [
    {id: 1, practice: false, default: true, open: true},
    {id: 2, practice: false, default: false, open: false}]' "$T/out" >/dev/null ||
	fail "old sessions: $(jq -c .sessions "$T/out")"
[ "$(sha256sum <"$db")" = "$before" ] || fail "a read-only command changed the old file"
[ "$(sqlite3 -readonly "$db" 'PRAGMA user_version')" = 2 ] || fail "upgraded by a reader"
[ ! -e "$db.v2.bak" ] || fail "a reader made a backup"

# The first write upgrades, with a backup of what was there.
expect_exit 0 F step request-certificate@fe2 2 done --operator erin
[ "$(sqlite3 -readonly "$db" 'PRAGMA user_version')" = 3 ] || fail "not upgraded"
[ -f "$db.v2.bak" ] || fail "no backup"
[ "$(sqlite3 -readonly "$db.v2.bak" 'PRAGMA user_version')" = 2 ] || fail "backup is not the old file"
[ "$(sqlite3 -readonly "$db" "SELECT group_concat(id || ':' || practice || ':' ||
    coalesce(lab, '-') || ':' || coalesce(known_hosts, '-') || ':' ||
    coalesce(dns_server, '-'), ' ') FROM sessions")" = "1:0:-:-:- 2:0:-:-:-" ] ||
	fail "old sessions' new columns: $(sqlite3 -readonly "$db" 'SELECT * FROM sessions')"
expect_exit 0 F step request-certificate@fe2 2 reopen --operator erin
expect_exit 0 F status --json
shape "$T/out" >"$T/now"
diff "$T/was" "$T/now" >&2 || fail "progress, answers, hosts or stale evidence changed in the upgrade"
expect_exit 0 F audit verify
grep -q "audit chain verified: 34 events" "$T/out" || fail "chain after upgrade: $(cat "$T/out")"

# The new parts on it: a practice session beside the old ones is not the
# default, and says what it is.
write "$T/lab.yaml" <<EOF
runbook: per-host-and-once
lab: '$T/lab'
vars: { sip_domain: example.com, imp_publisher: imp1.example.com, ca_server: ca1 }
EOF
expect_exit 0 F start per-host-and-once --answers "$T/lab.yaml" --operator erin
[ "$(cat "$T/out")" = 3 ] || fail "new session id: $(cat "$T/out")"
expect_exit 0 F status --json
jq -e '.session.id == 1' "$T/out" >/dev/null || fail "the practice session became the default"
expect_exit 0 F status --session 3 --json
jq -e '.session.practice == true' "$T/out" >/dev/null || fail "practice on the upgraded file"
expect_exit 0 F audit verify
echo "ok: a schema 2 database read as it is, then upgraded to 3 with nothing lost"
