#!/bin/sh
# A second fedwiz on a session another live fedwiz holds is refused (exit 3)
# with who holds it, where, which pid and since when, and records nothing;
# a holder that was killed is taken over (warned and logged); 'fedwiz
# unlock' breaks a lock (logged); status works while the lock is held.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
: "${FEDWIZ_BUILDDIR:?run through make check, or set FEDWIZ_BUILDDIR}"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }

lock_holder=$FEDWIZ_BUILDDIR/tests/unit/lock_holder
holder=
cleanup() {
	[ -z "$holder" ] || kill -9 "$holder" 2>/dev/null || true
	rm -rf "$T"
}
# Messages say "since" in local time: make it one we can predict.
TZ=UTC; export TZ
here=$(uname -n)
db=$T/fedwiz.db

# hold OPERATOR: a real fedwiz process takes the lock and keeps it.
hold() {
	# Emptied here, before the holder starts: its own ">" happens in the
	# child, and until then the loop below would read the last holder's
	# "locked" and go on before this one holds anything.
	: >"$T/holder.out"
	FEDWIZ_NOW=1700000000 "$lock_holder" "$db" "$sid" "$1" \
	    >"$T/holder.out" 2>"$T/holder.err" &
	holder=$!
	i=0
	until grep -q '^locked$' "$T/holder.out"; do
		i=$((i + 1))
		[ "$i" -le 100 ] || fail "lock holder not locked after 10 s: $(cat "$T/holder.err")"
		kill -0 "$holder" 2>/dev/null || fail "lock holder died: $(cat "$T/holder.err")"
		sleep 0.1
	done
}
# die: SIGKILL, and reap it, so that its pid is really gone.
die() {
	kill -9 "$holder"
	wait "$holder" 2>/dev/null || true
	holder=
}
events() { sqlite3 -readonly "$db" "SELECT count(*) FROM events WHERE kind = '$1'"; }
snapshot() {
	"$FEDWIZ" --state "$db" status --json | jq -S '.procedures, .progress'
	sqlite3 -readonly "$db" 'SELECT count(*) FROM events'
}

write "$T/answers.yaml" <<'YAML'
runbook: lync-imp-tls
vars: { lync_fqdn: pool1.example.com, imp_fqdn: imp1.example.com }
hosts:
  lync_fe: [ { name: fe1, address: 192.0.2.10, user: admin } ]
  imp: [ { name: imp1, address: 192.0.2.20, user: admin, profile: cisco-vos } ]
YAML
expect_exit 0 "$FEDWIZ" --state "$db" start lync-imp-tls \
    --answers "$T/answers.yaml" --operator alice
sid=$(cat "$T/out")

# Held by a live fedwiz: refused, named, nothing recorded.
hold alice
snapshot >"$T/before"
expect_exit 3 "$FEDWIZ" --state "$db" step download-ca-chain 1 done \
    --operator bob
grep -q "session $sid is held by alice on $here (pid $holder) since 2023-11-14 22:13:20" \
    "$T/err" || fail "refusal does not name holder, host, pid, since: $(cat "$T/err")"
grep -q "fedwiz unlock --session $sid" "$T/err" || fail "refusal does not say what to do"
snapshot >"$T/after"
cmp -s "$T/before" "$T/after" || fail "a refused step changed the database"

# Status reads while it is held, and says who holds it.
expect_exit 0 "$FEDWIZ" --state "$db" status
grep -q "held by alice on $here (pid $holder) since 2023-11-14 22:13" "$T/out" ||
	fail "status does not show the holder"
expect_exit 0 "$FEDWIZ" --state "$db" status --json
jq -e --arg h "$here" --argjson p "$holder" \
    '.lock == {operator: "alice", host: $h, pid: $p, since: 1700000000}' \
    "$T/out" >/dev/null || fail "status --json lock: $(jq -c .lock "$T/out")"

# The holder is killed: the next step takes its lock over, warns, logs it.
die
expect_exit 0 "$FEDWIZ" --state "$db" step download-ca-chain 1 done \
    --operator bob
grep -q "warning: lock of alice (pid [0-9]*, since 2023-11-14 22:13:20) taken over" \
    "$T/err" || fail "no takeover warning: $(cat "$T/err")"
[ "$(events lock-taken-over)" -eq 1 ] || fail "takeover not in the event log"
[ "$(sqlite3 -readonly "$db" 'SELECT count(*) FROM locks')" -eq 0 ] ||
	fail "the dead holder's lock is still there"
expect_exit 0 "$FEDWIZ" --state "$db" status --json
jq -e '.lock == null and .progress.finished == 1' "$T/out" >/dev/null ||
	fail "after takeover: $(jq -c '.lock, .progress' "$T/out")"

# unlock breaks a live holder's lock (the operator knows better), logged.
hold carol
expect_exit 0 "$FEDWIZ" --state "$db" unlock --session "$sid" --operator bob
grep -q "lock of carol on $here (pid $holder, since 2023-11-14 22:13:20) broken" \
    "$T/err" || fail "unlock does not say what it broke: $(cat "$T/err")"
[ "$(events lock-broken)" -eq 1 ] || fail "unlock not in the event log"
expect_exit 0 "$FEDWIZ" --state "$db" step download-ca-chain 2 done \
    --operator bob
die

# A holder on another machine is never presumed dead, whatever its pid.
hold dave
sqlite3 "$db" "UPDATE locks SET host = 'elsewhere.example'"
die
expect_exit 3 "$FEDWIZ" --state "$db" step download-ca-chain 3 done \
    --operator bob
grep -q "held by dave on elsewhere.example (pid [0-9]*) since" "$T/err" ||
	fail "other machine's lock: $(cat "$T/err")"
expect_exit 0 "$FEDWIZ" --state "$db" unlock --session "$sid" --operator bob
expect_exit 0 "$FEDWIZ" --state "$db" step download-ca-chain 3 done \
    --operator bob
expect_exit 0 "$FEDWIZ" --state "$db" audit verify
echo "ok: lock between two processes"
