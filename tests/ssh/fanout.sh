#!/bin/sh
# Fan-out: one check on 20 hosts (20 sshds on 20 ports) at once, one of
# them down. The check itself proves the hosts ran at the same time (each
# waits for all the others: see tests/data/ssh/fanout.yaml); the host that
# is down is one error among passes, and exit 3 says so. In a session, the
# evidence of all 20 is recorded together and the audit chain holds.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

N=20
DOWN=n07
R="$FEDWIZ_SRCDIR/tests/data/ssh"
ssh_keys
mkdir -p "$T/meet"
ports=
{
	echo "runbook: fanout"
	echo "vars: { meet: $T/meet, count: $((N - 1)) }"
	echo "hosts:"
	echo "  node:"
} >"$T/a.yaml"
i=1
while [ $i -le $N ]; do
	name=$(printf 'n%02d' $i)
	ssh_start $name auto fx-linux
	ports="$ports $SSH_PORT"
	echo "    - { name: $name, address: 127.0.0.1, port: $SSH_PORT }" >>"$T/a.yaml"
	i=$((i + 1))
done
chmod 600 "$T/a.yaml"
ssh_known_hosts "$T/kh" $ports
# One host goes down: its sshd stops listening.
# By its pid: other tests on this machine run sshds of the same name.
down_pid=$(cat "$T/sshd-$DOWN.pid" 2>/dev/null) || fail "no pid file for $DOWN's sshd"
kill "$down_pid" || fail "cannot stop $DOWN's sshd"
_sn=0
while kill -0 "$down_pid" 2>/dev/null && [ $_sn -lt 100 ]; do
	sleep 0.05
	_sn=$((_sn + 1))
done

fw() { "$FEDWIZ" --state "$T/f.db" --runbooks "$R" --known-hosts "$T/kh" --identity "$T/id_ed25519" "$@" </dev/null; }
expect_exit 3 fw --timeout 30 check fanout --answers "$T/a.yaml" --json
[ "$(jq -r '.summary | "\(.pass) \(.fail) \(.error)"' "$T/out")" = "$((N - 1)) 0 1" ] ||
    fail "summary: $(jq -c '.summary, [.checks[] | select(.verdict != "pass") | .message]' "$T/out")"
[ "$(jq -r '.checks[] | select(.verdict == "error") | .on' "$T/out")" = $DOWN ] ||
    fail "the error is not on $DOWN"
jq -r '.checks[] | select(.verdict == "error") | .message' "$T/out" | grep -q "cannot connect to 127.0.0.1 port" ||
    fail "down host: $(jq -c '.checks[] | select(.verdict == "error")' "$T/out")"
# Every host that is up met all the others: they ran at once.
[ "$(jq '[.checks[] | select(.verdict == "pass") | select(.excerpt | test("met '$((N - 1))'"))] | length' "$T/out")" -eq $((N - 1)) ] ||
    fail "not all at once: $(jq -c '[.checks[] | .excerpt]' "$T/out")"

# In a session: 20 rows of evidence, one event each, the chain verifies.
rm -f "$T/meet"/*
"$FEDWIZ" --state "$T/f.db" --runbooks "$R" start fanout --answers "$T/a.yaml" >/dev/null 2>&1 || fail "start"
expect_exit 3 fw --timeout 30 check fanout --session 1
grep -q "^ERROR meet@$DOWN step 1 on $DOWN: ssh" "$T/out" || fail "text: $(cat "$T/out")"
grep -q "fanout: $((N - 1)) pass, 0 fail, 1 could not run" "$T/out" || fail "text summary: $(tail -n 2 "$T/out")"
[ "$(sqlite3 "$T/f.db" 'SELECT count(*) FROM checks WHERE session_id = 1')" -eq $N ] ||
    fail "checks recorded: $(sqlite3 "$T/f.db" 'SELECT count(*) FROM checks')"
[ "$(sqlite3 "$T/f.db" "SELECT count(*) FROM events WHERE kind = 'check'")" -eq $N ] ||
    fail "check events"
expect_exit 0 "$FEDWIZ" --state "$T/f.db" audit verify
echo "ok: fan-out"
