#!/bin/sh
# The audit chain is unkeyed: an event rewritten with every hash after it
# recomputed, or the last event deleted with its step record reverted,
# still verifies on its own; the head printed earlier (audit verify --head
# N:HASH) catches both. A forged step record is caught by audit verify
# itself (exit 1, the record named), and status says it, goes by the log,
# and exits 1; nothing more is recorded on that session.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
: "${FEDWIZ_BUILDDIR:?run through make check, or set FEDWIZ_BUILDDIR}"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }
rewriter=$FEDWIZ_BUILDDIR/tests/unit/chain_rewriter
TZ=UTC; export TZ

db=$T/fedwiz.db
F() { FEDWIZ_NOW=${NOW:-1795298400} "$FEDWIZ" --state "$db" "$@"; }
write "$T/answers.yaml" <<'YAML'
runbook: lync-imp-tls
vars: { lync_pool_fqdn: pool1.example.com, imp_fqdn: imp1.example.com }
hosts:
  lync_fe: [ { name: fe1, address: 192.0.2.10, user: admin } ]
  imp: [ { name: imp1, address: 192.0.2.20, user: admin, profile: cisco-vos } ]
YAML
expect_exit 0 F start lync-imp-tls --answers "$T/answers.yaml" --operator alice
expect_exit 0 F step download-ca-chain 1 done --operator alice
expect_exit 0 F step download-ca-chain 2 skip --note "saved already" --operator alice
NOW=1795298460 expect_exit 0 F step download-ca-chain 3 fail --note "CA unreachable" --operator alice

# The head, as the operator pastes it into the change ticket.
expect_exit 0 F audit verify
head=$(sed -n 's/^head //p' "$T/out")
case $head in [0-9]*:????????????????????????????????????????????????????????????????) ;;
*) fail "no head printed: $(cat "$T/out")" ;; esac
n=${head%%:*}
[ "$n" = "$(sqlite3 -readonly "$db" 'SELECT count(*) FROM events')" ] || fail "head count"
grep -q "every step record is the replay of the event log" "$T/out" || fail "no replay said"
grep -q "paste the head into the change ticket" "$T/err" || fail "no advice"
expect_exit 0 F audit verify --head "$head"
grep -q "head $head holds: nothing up to event $n was rewritten or removed" "$T/out" ||
	fail "--head ok: $(cat "$T/out")"
expect_exit 2 F audit verify --head 12:abc
grep -q 'is not a head' "$T/err" || fail "bad --head"
# The write-ahead log is part of the database: fold it in, then copy.
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
restore() { rm -f "$db-wal" "$db-shm"; cp "$T/clean.db" "$db"; }
cp "$db" "$T/clean.db"

# 1. The failure's note rewritten ("resolved"), every hash after it
# recomputed: the chain verifies, the head does not.
last=$(sqlite3 -readonly "$db" "SELECT max(id) FROM events WHERE kind = 'step'")
"$rewriter" "$db" "$last" "resolved by the PKI team" || fail "rewriter"
[ "$(sqlite3 -readonly "$db" "SELECT note FROM steps WHERE step = 3")" = "resolved by the PKI team" ] ||
	fail "the rewrite did not reach the record"
expect_exit 0 F audit verify
grep -q "audit chain verified: $n events" "$T/out" || fail "rewritten chain does not verify on its own"
expect_exit 1 F audit verify --head "$head"
grep -q "event $n is not the one of the head you gave: its hash is [0-9a-f]*, not ${head#*:}; the log up to it was REWRITTEN" \
    "$T/err" || fail "rewrite not caught by --head: $(cat "$T/err")"

# 2. The last event deleted and its step record reverted to what the log
# before it says: the chain verifies, the record replays, the head does not.
restore
sqlite3 "$db" "DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = $n;
    DELETE FROM steps WHERE step = 3"
expect_exit 0 F audit verify
grep -q "audit chain verified: $((n - 1)) events" "$T/out" || fail "shortened chain"
grep -q "every step record is the replay of the event log" "$T/out" || fail "reverted record"
expect_exit 1 F audit verify --head "$head"
grep -q "the head you gave is event $n, and the log now has $((n - 1)) events: events up to it were REMOVED" \
    "$T/err" || fail "removal not caught by --head: $(cat "$T/err")"

# 3. A forged step record (step 4 done by mallory, no event): audit verify
# names it; status says it, goes by the log, exits 1; step refuses.
restore
sqlite3 "$db" "INSERT INTO steps (session_id, proc, host, step, status, note, operator, at)
    VALUES (1, 'download-ca-chain', 'fe1', 4, 'done', NULL, 'mallory', 1795299000);
    UPDATE steps SET status = 'done', note = NULL, operator = 'mallory' WHERE step = 3"
expect_exit 1 F audit verify
grep -q "audit chain verified: $n events" "$T/out" || fail "chain after forging"
grep -q "session 1: the record of download-ca-chain@fe1 step 4 says done by mallory at 2026-11-21 22:10:00 UTC, and the event log has no event of that step: the record was forged" \
    "$T/err" || fail "forged row not named: $(cat "$T/err")"
grep -q "session 1: the record of download-ca-chain@fe1 step 3 says done by mallory at 2026-11-21 22:01:00 UTC, and its last event says failed by alice at 2026-11-21 22:01:00 UTC" \
    "$T/err" || fail "edited row not named: $(cat "$T/err")"
grep -q "2 step records are NOT the replay of the event log" "$T/err" || fail "count"
expect_exit 1 F status --json
jq -e '.tampered == 2 and (.procedures[] | select(.id == "download-ca-chain") |
    [.steps[2].status, .steps[3].status]) == ["failed", "pending"]' "$T/out" >/dev/null ||
	fail "status acted on the forged records: $(jq -c '.tampered, (.procedures[0].steps | map(.status))' "$T/out")"
jq -e '.warnings | map(select(startswith("warning: the record of download-ca-chain@fe1 step 4 says done by mallory, and the event log says it never happened"))) | length == 1' \
    "$T/out" >/dev/null || fail "status --json does not say it: $(jq -c .warnings "$T/out")"
expect_exit 1 F status
grep -q "warning: the record of download-ca-chain@fe1 step 3 says done by mallory, and the event log says failed" \
    "$T/err" || fail "status does not say it: $(cat "$T/err")"
grep -q "^RECORD DOES NOT MATCH ITS EVENT LOG: 2 step records were changed" "$T/out" ||
	fail "status text does not say it"
expect_exit 1 F step download-ca-chain 5 done --operator bob
grep -q "2 step records do not match the event log.*fedwiz records nothing more on it" "$T/err" ||
	fail "step on a tampered session: $(cat "$T/err")"
expect_exit 1 F set ca_server=ca1.example.com --operator bob
[ "$(sqlite3 -readonly "$db" 'SELECT count(*) FROM events')" = "$n" ] ||
	fail "something was recorded on a tampered session"
# The change record still shows the claim, flagged.
expect_exit 0 F report --format json
jq -e '.audit.steps_not_in_log | length == 2' "$T/out" >/dev/null ||
	fail "report: $(jq -c .audit "$T/out")"
echo "ok: the audit chain anchored by its head"
