#!/bin/sh
# A database written by the fedwiz before schema 2 (tests/data/db: made by
# main at 83fc982, dumped): read-only commands read it as it is, without
# touching the file; the first command that records progress upgrades it
# (keeping a backup), and everything it held is still there: progress,
# answers, hosts, evidence (now "collected"), the audit chain; its stale
# lock is gone, and the new parts work on it.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }

db=$T/fedwiz.db
sqlite3 "$db" <"$FEDWIZ_SRCDIR/tests/data/db/schema-1-made-by-main.sql"
[ "$(sqlite3 -readonly "$db" 'PRAGMA user_version')" = 1 ] || fail "fixture is not schema 1"
F() { "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/good" --state "$db" "$@"; }
shape() {
	jq -S '{progress, procedures: [.procedures[] |
	    {id, host, status, steps: [.steps[] | {status, note} +
	    if .status == "pending" then {} else {by, at} end]}],
	    answers, hosts: [.hosts[] | {role, name, address, port}]}' "$1"
}

# Read-only: status, audit, report and sessions read it; the file stays.
before=$(sha256sum <"$db")
expect_exit 0 F status --session 1 --json
shape "$T/out" >"$T/was"
jq -e '.progress == {steps: 10, finished: 3, failed: 0, procedures: 4,
    procedures_finished: 1}' "$T/out" >/dev/null || fail "progress read: $(jq -c .progress "$T/out")"
jq -e '.consoles == [] and .answers.edition == "enterprise"' "$T/out" >/dev/null ||
	fail "old lock or answers: $(jq -c '.consoles, .answers' "$T/out")"
expect_exit 0 F audit verify
grep -q "audit chain verified: 20 events" "$T/out" || fail "old chain"
grep -q "every step record is the replay of the event log" "$T/out" || fail "old replay"
expect_exit 0 F report --session 1 --format json
jq -e '.audit.verified' "$T/out" >/dev/null || fail "old report"
expect_exit 0 F sessions
[ "$(sha256sum <"$db")" = "$before" ] || fail "a read-only command changed the old file"
[ "$(sqlite3 -readonly "$db" 'PRAGMA user_version')" = 1 ] || fail "upgraded by a reader"
[ ! -e "$db.v1.bak" ] || fail "a reader made a backup"

# The first write upgrades, with a backup of what was there.
expect_exit 0 F step set-up-static-route@fe1 2 done --session 1 --operator erin
# (to the newest schema: schema 1 goes through 2 to 3 in one upgrade)
[ "$(sqlite3 -readonly "$db" 'PRAGMA user_version')" = 3 ] || fail "not upgraded"
[ "$(sqlite3 -readonly "$db" 'SELECT group_concat(practice) FROM sessions')" = 0,0 ] ||
	fail "old sessions are not real ones"
[ -f "$db.v1.bak" ] || fail "no backup"
[ "$(sqlite3 -readonly "$db.v1.bak" 'PRAGMA user_version')" = 1 ] || fail "backup is not the old file"
expect_exit 0 F step set-up-static-route@fe1 2 reopen --session 1 --operator erin
expect_exit 0 F status --session 1 --json
# (a step done and reopened: pending again, by erin)
shape "$T/out" >"$T/now"
diff "$T/was" "$T/now" >&2 || fail "progress, answers or hosts changed in the upgrade"
[ "$(sqlite3 -readonly "$db" "SELECT count(*) FROM sqlite_schema WHERE name = 'locks'")" = 0 ] ||
	fail "the locks table is still there"
[ "$(sqlite3 -readonly "$db" "SELECT group_concat(DISTINCT origin) FROM checks")" = collected ] ||
	fail "old evidence has no origin"
[ "$(sqlite3 -readonly "$db" "SELECT count(*) FROM answers WHERE host = ''")" -eq 4 ] ||
	fail "old answers are not the deployment's"
expect_exit 0 F audit verify
grep -q "audit chain verified: 22 events" "$T/out" || fail "chain after upgrade"

# The new parts on it: an edit names the evidence it made stale.
expect_exit 0 F set csr_file=/nonexistent/fedwiz-v1/other.csr --session 1 --operator erin
grep -q "re-verify 2 steps that used what changed (2 pieces of evidence now stale): issue-certificate@ca1 step 1 (done), issue-certificate@ca1 step 2 (done)" \
    "$T/err" || fail "stale evidence not named: $(cat "$T/err")"
expect_exit 0 F status --session 1 --json
jq -e '.reverify == [{id: "issue-certificate", host: "ca1", step: 1,
    why: "csr_file changed", event: 23}, {id: "issue-certificate", host: "ca1",
    step: 2, why: "csr_file changed", event: 23}]' "$T/out" >/dev/null ||
	fail "status reverify: $(jq -c .reverify "$T/out")"
expect_exit 0 F audit verify
echo "ok: a schema 1 database read as it is, then upgraded with nothing lost"
