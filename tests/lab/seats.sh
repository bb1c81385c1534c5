#!/bin/sh
# seats.sh: a class of three labs (fedwiz lab up --seats 3): each seat is
# a lab of its own (block, keys, CA, answers) that works as one; a change
# in seat 2 is not in seat 1; --seat K narrows a command to one seat and
# the mistakes are refused with the seat to name; break --random with a
# seed replays the same choice and gives each seat another; the class's
# status shows each seat's faults in and, once the trainee redid the
# procedure, fixed; down leaves no process and no socket; a seat that
# cannot start (a port of its block in use) is named, and the seats
# started with it are stopped again.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"

C="$T/class"
expect_exit 0 lab_up "$C" --seats 3
grep -q "^lab up: class $C, 3 seats, ready in" "$T/out" || fail "up: $(cat "$T/out")"
for k in 01 02 03; do
	S="$C/seat-$k"
	[ -f "$S/lab.db" ] && [ -f "$S/answers/lync-imp-tls.yaml" ] &&
	    [ -f "$S/known_hosts" ] || fail "seat-$k is not a whole lab"
	[ "$(stat -c %a "$S/id_ed25519")" = 600 ] || fail "seat-$k's key is not 0600"
	grep -q "seat-$k  up " "$T/out" || fail "seat-$k not said up: $(cat "$T/out")"
done
"$FEDWIZ" lab status --dir "$C" --json >"$T/st.json"
[ "$(jq '.seats' "$T/st.json")" = 3 ] || fail "class status: $(cat "$T/st.json")"
[ "$(jq -r '.seat[].running' "$T/st.json" | sort -u)" = up ] || fail "not every seat up"
[ "$(jq -r '.seat[].block' "$T/st.json" | sort -u | wc -l)" = 3 ] ||
    fail "seats share an address block: $(jq -c '[.seat[].block]' "$T/st.json")"
cmp -s "$C/seat-01/id_ed25519" "$C/seat-02/id_ed25519" && fail "two seats share a user key"
# Each seat's CA has a key of its own (the certificates' key pool is the
# class's): no seat trusts what another seat's CA signed.
cakey() { sqlite3 "$1/lab.db" "SELECT pem FROM keys WHERE label = 'ca'"; }
[ -n "$(cakey "$C/seat-01")" ] || fail "seat-01 has no CA key of its own"
[ "$(cakey "$C/seat-01")" != "$(cakey "$C/seat-02")" ] || fail "two seats share a CA key"

# A seat is used as one lab: its devices over SSH, its answers for checks.
lab_ssh "$C/seat-03" fe1 'powershell -NoProfile -Command "hostname"' >"$T/o" 2>&1 ||
    fail "fe1 of seat-03: $(cat "$T/o")"
grep -q FE1 "$T/o" || fail "fe1 of seat-03 answered: $(cat "$T/o")"
grep -q "^lab: '$(realpath "$C/seat-03")'" "$C/seat-03/answers/lync-imp-tls.yaml" ||
    fail "seat-03's answers do not name its lab"

# Independent state, and --seat K narrowing: a fault in seat 2 changes
# seat 2's fe1 and not seat 1's.
digest() { "$FEDWIZ" lab status --dir "$C" --seat "$1" --json |
    jq -r '.hosts[] | select(.name == "fe1") | .digest'; }
d1=$(digest 1) d2=$(digest 2)
expect_exit 0 "$FEDWIZ" lab break cn-mismatch --dir "$C" --seat 2
[ "$(digest 2)" != "$d2" ] || fail "break --seat 2 did not change seat 2"
[ "$(digest 1)" = "$d1" ] || fail "break --seat 2 changed seat 1"
[ "$("$FEDWIZ" lab status --dir "$C" --seat 2 --json | jq -r .dir)" = "$(realpath "$C/seat-02")" ] ||
    fail "status --seat 2 is not seat-02's"

# Mistakes: refused, with what to give instead.
expect_exit 2 "$FEDWIZ" lab do install-ca-chain@fe1 --dir "$C"
grep -q "class of 3 seats.*add --seat K (1 to 3).*$C/seat-01" "$T/err" ||
    fail "do on the class: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab break cn-mismatch --dir "$C"
grep -q "add --seat K" "$T/err" || fail "break on the class: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab status --dir "$C" --seat 4
grep -q -- "^fedwiz: lab: --seat 4: the class in .* has seats 1 to 3" "$T/err" || fail "--seat 4: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab status --dir "$C/seat-01" --seat 1
grep -q "one lab, not a class" "$T/err" || fail "--seat on a lab: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab up --dir "$T/other" --seats 0
grep -q -- "^fedwiz: lab: --seats 0: a class has 1 to 99 seats" "$T/err" || fail "--seats 0: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab up --dir "$T/other" --seats 1000
grep -q -- "^fedwiz: lab: --seats 1000: a class has 1 to 99 seats" "$T/err" || fail "--seats 1000: $(cat "$T/err")"
[ ! -e "$T/other" ] || fail "a refused --seats made a folder"
expect_exit 2 "$FEDWIZ" lab up --dir "$C" --seats 2
grep -q "has 3 seats, more than 2: a class does not shrink" "$T/err" ||
    fail "--seats 2 on a class of 3: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab up --dir "$C"
grep -q "this class is already up (3 seats)" "$T/err" || fail "up twice: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab up --dir "$C/seat-01" --seats 2
grep -q "holds one lab, not a class" "$T/err" || fail "--seats on a lab: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab break cn-mismatch --random 2 --dir "$C"
grep -q "^fedwiz: lab: lab break: give FAULT or --random M, not both" "$T/err" ||
    fail "FAULT and --random: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab status --dir "$C" --seed 3
grep -q -- "^fedwiz: lab: --seed: goes with lab break --random M" "$T/err" || fail "--seed alone: $(cat "$T/err")"

# The class at a glance: seat 2's fault is in. Seat 3's federation is
# stopped, then the trainee types the procedure's command on cup1: the
# status reads it fixed from the state.
expect_exit 0 "$FEDWIZ" lab break federation-off --dir "$C" --seat 3
"$FEDWIZ" lab status --dir "$C" --json >"$T/st.json"
[ "$(jq '.seat[1].faults_in' "$T/st.json")" = 1 ] || fail "seat 2's fault not in: $(jq -c '.seat[1]' "$T/st.json")"
[ "$(jq '.seat[0].faults_in' "$T/st.json")" = 0 ] || fail "seat 1 has a fault: $(jq -c '.seat[0]' "$T/st.json")"
printf 'utils service start Cisco XCP SIP Federation Connection Manager\nexit\n' |
    lab_ssh "$C/seat-03" cup1 >"$T/o" 2>&1
grep -q "Connection Manager\[STARTED\]" "$T/o" || fail "cup1 of seat-03: $(cat "$T/o")"
"$FEDWIZ" lab status --dir "$C" --json >"$T/st.json"
[ "$(jq -r '.seat[2].faults[] | select(.fault == "federation-off") | .state' "$T/st.json")" = fixed ] ||
    fail "seat 3's fault not read as fixed: $(jq -c '.seat[2]' "$T/st.json")"
[ "$(jq '.seat[2].faults_fixed' "$T/st.json")" = 1 ] || fail "seat 3: no fault fixed"
expect_exit 0 "$FEDWIZ" lab status --dir "$C"
grep -q "^  seat-02  up .* 1 *0$" "$T/out" || fail "seat-02's row: $(cat "$T/out")"
grep -q "^ *in: cn-mismatch@fe1$" "$T/out" || fail "seat-02's fault not named: $(cat "$T/out")"
grep -q "^ *fixed: federation-off@cup1$" "$T/out" || fail "seat-03's fixed fault not named: $(cat "$T/out")"
awk 'length > 80 { exit 1 }' "$T/out" || fail "class status wider than 80 columns: $(cat "$T/out")"

# --random with a seed: the same choice after a reset, another per seat,
# and one seat alone gets what the class run gave it.
expect_exit 0 "$FEDWIZ" lab reset --dir "$C"
expect_exit 0 "$FEDWIZ" lab break --random 2 --seed 7 --dir "$C"
grep -q "^lab break --random 2 --seed 7: every seat" "$T/out" || fail "random: $(cat "$T/out")"
grep "seat-0[123]: " "$T/out" | sed 's/.*seat-0\(.\): //' >"$T/r1"
[ "$(wc -l <"$T/r1")" = 3 ] || fail "random: not three seats: $(cat "$T/out")"
[ "$(sort -u "$T/r1" | wc -l)" = 3 ] || fail "two seats got the same faults: $(cat "$T/r1")"
[ "$("$FEDWIZ" lab status --dir "$C" --json | jq '[.seat[].faults_in] | add')" = 6 ] ||
    fail "random: not two faults in each seat"
expect_exit 0 "$FEDWIZ" lab reset --dir "$C"
expect_exit 0 "$FEDWIZ" lab break --random 2 --seed 7 --dir "$C"
grep "seat-0[123]: " "$T/out" | sed 's/.*seat-0\(.\): //' >"$T/r2"
cmp -s "$T/r1" "$T/r2" || fail "the seed did not replay: $(cat "$T/r1") / $(cat "$T/r2")"
expect_exit 0 "$FEDWIZ" lab reset --dir "$C" --seat 2
expect_exit 0 "$FEDWIZ" lab break --random 2 --seed 7 --dir "$C" --seat 2
[ "$(grep "seat-02: " "$T/out" | sed 's/.*seat-02: //')" = "$(sed -n 2p "$T/r1")" ] ||
    fail "seat 2 alone chose otherwise: $(cat "$T/out")"
expect_exit 0 "$FEDWIZ" lab break --random 1 --dir "$C" --seat 1
grep -q "^lab break --random 1 --seed [0-9][0-9]*: one seat" "$T/out" ||
    fail "no seed printed: $(cat "$T/out")"
expect_exit 2 "$FEDWIZ" lab break --random 15 --dir "$C"
grep -q -- "^fedwiz: lab: --random 15: give 1 to 14 faults" "$T/err" || fail "--random 15: $(cat "$T/err")"

# Down: every seat, nothing left.
expect_exit 0 "$FEDWIZ" lab down --dir "$C"
grep -q "^lab down: class $C, 3 seats" "$T/out" || fail "down: $(cat "$T/out")"
for k in 01 02 03; do lab_no_trace "$C/seat-$k"; done
[ "$("$FEDWIZ" lab status --dir "$C" --json | jq -r '.seat[].running' | sort -u)" = down ] ||
    fail "status after down"

# A seat that cannot start: a port of seat 2's block is taken. Up names
# the seat and the port, and stops the seats it had started.
addr=$(sqlite3 "$C/seat-02/lab.db" "SELECT address FROM hosts WHERE name = 'imp1'")
lab_hold_port "$C/seat-02" "$addr" 5062
stub=$LAB_STUB
expect_exit 3 "$FEDWIZ" lab up --dir "$C"
kill $stub; wait $stub 2>/dev/null || true
grep -q "seat 02: .*$addr:5062/tcp is in use by pid $stub" "$T/err" ||
    fail "the seat and port not named: $(cat "$T/err")"
grep -q "the class did not start: 2 seats this command had started were stopped again" "$T/err" ||
    fail "the started seats not said stopped: $(cat "$T/err")"
for k in 01 02 03; do lab_no_trace "$C/seat-$k"; done

# A trainee comes late: the class grows by a seat, on a block of its own,
# with the others started again as they were.
expect_exit 0 "$FEDWIZ" lab up --dir "$C" --seats 4
grep -q "^lab up: class $C, 4 seats" "$T/out" || fail "grow: $(cat "$T/out")"
"$FEDWIZ" lab status --dir "$C" --json >"$T/st.json"
[ "$(jq -r '.seat[].running' "$T/st.json" | sort -u)" = up ] || fail "grown class not all up"
[ "$(jq -r '.seat[].block' "$T/st.json" | sort -u | wc -l)" = 4 ] || fail "the new seat shares a block"
expect_exit 0 "$FEDWIZ" lab down --dir "$C"
for k in 01 02 03 04; do lab_no_trace "$C/seat-$k"; done
echo "ok: a class of 3 seats: own labs, --seat, refusals, faults in and fixed, --random replays, down, a seat that cannot start, a class that grows"
