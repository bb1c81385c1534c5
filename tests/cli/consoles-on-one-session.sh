#!/bin/sh
# Several consoles on one session: an open console (as the wizard is) holds
# nobody back; commands record beside it, the step rules settle conflicts
# and name who did what when; status lists the consoles (operator, host,
# pid, since), a killed one disappears, one of another machine disappears
# when its heartbeat is older than the expiry, and 'fedwiz unlock' forgets
# it sooner. All of it leaves the audit chain whole.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
: "${FEDWIZ_BUILDDIR:?run through make check, or set FEDWIZ_BUILDDIR}"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }

console_holder=$FEDWIZ_BUILDDIR/tests/unit/console_holder
holder=
cleanup() {
	[ -z "$holder" ] || kill -9 "$holder" 2>/dev/null || true
	rm -rf "$T"
}
TZ=UTC; export TZ
here=$(uname -n)
db=$T/fedwiz.db
F() { "$FEDWIZ" --state "$db" "$@"; }

# join OPERATOR: a real fedwiz process opens the session and stays.
join() {
	FEDWIZ_NOW=${JOIN_NOW:-1700000000} "$console_holder" "$db" "$sid" "$1" \
	    >"$T/holder.out" 2>"$T/holder.err" &
	holder=$!
	i=0
	until grep -q '^joined$' "$T/holder.out"; do
		i=$((i + 1))
		[ "$i" -le 100 ] || fail "console not there after 10 s: $(cat "$T/holder.err")"
		kill -0 "$holder" 2>/dev/null || fail "console died: $(cat "$T/holder.err")"
		sleep 0.1
	done
}
die() {
	kill -9 "$holder"
	wait "$holder" 2>/dev/null || true
	holder=
}

write "$T/answers.yaml" <<'YAML'
runbook: lync-imp-tls
vars: { lync_pool_fqdn: pool1.example.com, imp_fqdn: imp1.example.com }
hosts:
  lync_fe: [ { name: fe1, address: 192.0.2.10, user: admin } ]
  imp: [ { name: imp1, address: 192.0.2.20, user: admin, profile: cisco-vos } ]
YAML
expect_exit 0 F start lync-imp-tls --answers "$T/answers.yaml" --operator alice
sid=$(cat "$T/out")

# A console is open: commands record beside it.
join alice
expect_exit 0 F step download-ca-chain 1 done --operator bob
expect_exit 0 F status
grep -q "^open consoles: wizard alice on $here (pid $holder) since 2023-11-14 22:13$" "$T/out" ||
	fail "status does not list the console: $(cat "$T/out")"
expect_exit 0 F status --json
jq -e --arg h "$here" --argjson p "$holder" '.consoles == [{what: "wizard",
    operator: "alice", host: $h, pid: $p, since: 1700000000, seen: 1700000000}]' \
    "$T/out" >/dev/null || fail "status --json consoles: $(jq -c .consoles "$T/out")"
expect_exit 0 F sessions
grep -q "open, 1 console (alice)" "$T/out" || fail "sessions: $(cat "$T/out")"

# Conflicts: the same outcome twice changes nothing and says who and
# when; another outcome on a finished step needs a reopen first.
FEDWIZ_NOW=1700000100 expect_exit 0 F step download-ca-chain 2 done --operator bob
expect_exit 0 F step download-ca-chain 2 done --operator carol
grep -q "step 2 of download-ca-chain@fe1 was already done (by bob at 2023-11-14 22:15:00); nothing changed" \
    "$T/err" || fail "same outcome twice: $(cat "$T/err")"
expect_exit 2 F step download-ca-chain 2 fail --note x --operator carol
grep -q "already done (by bob at 2023-11-14 22:15:00); reopen it first" "$T/err" ||
	fail "finished step: $(cat "$T/err")"

# Killed: it disappears (its pid is gone on this machine).
die
expect_exit 0 F status --json
jq -e '.consoles == []' "$T/out" >/dev/null || fail "a dead console is listed"

# Another machine's console is alive while it beats, gone after the
# expiry (120 s); unlock forgets it sooner.
join dave
sqlite3 -cmd ".timeout 10000" "$db" "UPDATE consoles SET host = 'elsewhere.example'"
die
FEDWIZ_NOW=1700000100 expect_exit 0 F status --json
jq -e '[.consoles[].host] == ["elsewhere.example"]' "$T/out" >/dev/null ||
	fail "a beating console of another machine is not listed"
FEDWIZ_NOW=1700000121 expect_exit 0 F status --json
jq -e '.consoles == []' "$T/out" >/dev/null || fail "an expired console is listed"
JOIN_NOW=1700000200 join erin
# The dead ones (dave, expired by then) went when it came in.
[ "$(sqlite3 -cmd ".timeout 10000" -readonly "$db" 'SELECT count(*) FROM consoles')" -eq 1 ] ||
	fail "dead consoles are still registered"
sqlite3 -cmd ".timeout 10000" "$db" "UPDATE consoles SET host = 'away.example'"
die
FEDWIZ_NOW=1700000010 expect_exit 0 F unlock --operator bob
grep -q "session $sid: 1 console of other machines forgotten" "$T/err" ||
	fail "unlock: $(cat "$T/err")"
FEDWIZ_NOW=1700000010 expect_exit 0 F status --json
jq -e '.consoles == []' "$T/out" >/dev/null || fail "unlock did not forget it"
expect_exit 0 F audit verify
echo "ok: consoles on one session"
