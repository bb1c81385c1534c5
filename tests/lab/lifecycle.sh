#!/bin/sh
# lifecycle.sh: fedwiz lab up starts the whole estate and says it is
# ready; status reads it; up twice is refused and says why; down stops
# every process it started and leaves nothing listening; a port in use is
# named with its holder and nothing is left half-started; a lab killed
# with -9 is taken for stale and started again; a second lab runs beside
# the first on addresses of its own.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"

L="$T/lab"
expect_exit 0 lab_up "$L"
grep -q "^lab up: $L (fresh), ready in" "$T/out" || fail "up did not say it is ready: $(cat "$T/out")"
grep -q "fe1 *lync-fe *127\.84\." "$T/out" || fail "up did not list the hosts"
for rb in lync-imp-tls ocs-imp-tls ocs-partitioned interdomain-asa lync-cup-federation; do
	[ -f "$L/answers/$rb.yaml" ] || fail "no answers file for $rb"
done
[ -f "$L/known_hosts" ] && [ -f "$L/id_ed25519" ] || fail "no known_hosts or id_ed25519"
[ "$(stat -c %a "$L/id_ed25519")" = 600 ] || fail "id_ed25519 is not 0600"

"$FEDWIZ" lab status --dir "$L" --json >"$T/st.json"
[ "$(jq -r .running "$T/st.json")" = up ] || fail "status does not say up"
[ "$(jq -r .state "$T/st.json")" = fresh ] || fail "status does not say fresh"
[ "$(jq '.processes | length' "$T/st.json")" -ge 3 ] || fail "fewer than 3 processes"
block=$(jq -r .block "$T/st.json")

# Every host answers over SSH with its device: a Windows server's
# PowerShell, an IM and Presence CLI, an ASA.
lab_ssh "$L" fe1 'powershell -NoProfile -NonInteractive -Command "hostname"' >"$T/o" 2>&1 ||
    fail "fe1 over SSH: $(cat "$T/o")"
grep -q FE1 "$T/o" || fail "fe1's hostname: $(cat "$T/o")"
printf 'show version active\nexit\n' | lab_ssh "$L" imp1 >"$T/o" 2>&1
grep -q "Active Master Version: 10.5" "$T/o" || fail "imp1's CLI: $(cat "$T/o")"
printf 'show version\nexit\n' | lab_ssh "$L" asa1 >"$T/o" 2>&1
grep -q "Cisco Adaptive Security Appliance Software Version 8.4(2)" "$T/o" ||
    fail "asa1's CLI: $(cat "$T/o")"

# Up twice: refused, the lab untouched.
expect_exit 2 "$FEDWIZ" lab up --dir "$L"
grep -q "already up" "$T/err" || fail "up twice: $(cat "$T/err")"
[ "$("$FEDWIZ" lab status --dir "$L" --json | jq -r .running)" = up ] ||
    fail "the lab is not up after the refused second up"

# A second lab beside it (a seat): its own block, keys and processes;
# each answers on its own addresses; taking one down leaves the other.
L2="$T/lab2"
expect_exit 0 lab_up "$L2"
block2=$("$FEDWIZ" lab status --dir "$L2" --json | jq -r .block)
[ "$block2" != "$block" ] || fail "two labs share $block"
cmp -s "$L/id_ed25519" "$L2/id_ed25519" && fail "two labs share a key"
lab_ssh "$L2" fe1 'powershell -NoProfile -Command "hostname"' >"$T/o" 2>&1 ||
    fail "fe1 of the second lab: $(cat "$T/o")"
expect_exit 0 lab_down "$L2"
lab_no_trace "$L2"
[ "$("$FEDWIZ" lab status --dir "$L" --json | jq -r .running)" = up ] ||
    fail "the first lab is not up after the second went down"
lab_ssh "$L" fe1 'powershell -NoProfile -Command "hostname"' >"$T/o" 2>&1 ||
    fail "fe1 of the first lab after the second went down: $(cat "$T/o")"

# Down: nothing left.
expect_exit 0 lab_down "$L"
grep -q "processes stopped" "$T/out" || fail "down: $(cat "$T/out")"
lab_no_trace "$L"
[ "$("$FEDWIZ" lab status --dir "$L" --json | jq -r .running)" = down ] ||
    fail "status after down"

# A port in use: up names it and its holder, and starts nothing.
addr=$(sqlite3 "$L/lab.db" "SELECT address FROM hosts WHERE name = 'imp1'")
# The holder: an sshd of the test's own on that address and port.
lab_hold_port "$L" "$addr" 5062
stub=$LAB_STUB
expect_exit 3 "$FEDWIZ" lab up --dir "$L"
kill $stub; wait $stub 2>/dev/null || true
grep -q "$addr:5062/tcp is in use by pid $stub (sshd)" "$T/err" ||
    fail "the port in use is not named with its holder: $(cat "$T/err")"
lab_no_trace "$L"
[ "$(jq -n --argjson p "$("$FEDWIZ" lab status --dir "$L" --json)" '$p.processes | length')" = 0 ] ||
    fail "processes recorded after a refused up"

# A lab killed with -9: up says it is stale and starts it again.
expect_exit 0 lab_up "$L"
for p in $("$FEDWIZ" lab status --dir "$L" --json | jq -r '.processes[].pid'); do
	kill -9 "$p"
done
sleep 0.2
[ "$("$FEDWIZ" lab status --dir "$L" --json | jq -r .running)" != up ] ||
    fail "status still says up after kill -9"
expect_exit 0 lab_up "$L"
grep -q "was not stopped cleanly" "$T/err" || fail "stale lab not said: $(cat "$T/err")"
grep -q "ready in" "$T/out" || fail "stale lab did not start again"
lab_ssh "$L" fe2 'powershell -Command "hostname"' >"$T/o" 2>&1 || fail "fe2 after restart: $(cat "$T/o")"
expect_exit 0 lab_down "$L"
lab_no_trace "$L"

# Bad input: unknown subcommand, bad state, --dir with no lab.
expect_exit 2 "$FEDWIZ" lab frobnicate --dir "$L"
grep -q "unknown subcommand 'frobnicate'" "$T/err" || fail "unknown subcommand: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab up --dir "$L" --state broken
grep -q "'broken' is not a lab state: fresh or configured" "$T/err" || fail "bad state: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab status --dir "$T/none"
grep -q "no lab here" "$T/err" || fail "status of no lab: $(cat "$T/err")"
echo "ok: lab up, status, up twice, two labs, down, port in use, kill -9"
