#!/bin/sh
# A prompt counts only after the current command's echo. A CLI that
# prints its prompt before the rest of a command's output (FX_VOS_LATE,
# FX_ASA_LATE: the first line, the prompt, the rest a second later, then
# the next command read and echoed) used to hand that late output to the
# next command: its check passed on text only the previous command
# printed, and the wizard would mark the step done. Now what comes before
# a command's echo is not its output. (The first command itself is judged
# on what came before its early prompt: a device's fault, said in
# its evidence; the second one must not inherit it.)
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

ssh_pty_ok || { echo "SKIP: sshd cannot give sessions a PTY here"; exit 77; }
R="$FEDWIZ_SRCDIR/tests/data/ssh"
ssh_keys
FX_VOS_LATE="show cert list own" FX_VOS_DELAY=0.5 FX_LOG="$T/vos.log" ssh_start vos auto fx-vos
PV=$SSH_PORT
FX_ASA_LATE="show version" FX_LOG="$T/asa.log" ssh_start asa auto fx-asa
PA=$SSH_PORT
ssh_known_hosts "$T/kh" $PV $PA
{
	echo "runbook: late"
	echo "hosts:"
	echo "  imp: [ { name: imp1, address: 127.0.0.1, port: $PV } ]"
	echo "  asa: [ { name: fw01, address: 127.0.0.1, port: $PA } ]"
} | write "$T/a.yaml"

expect_exit 1 timeout -k 5 120 "$FEDWIZ" --runbooks "$R" --known-hosts "$T/kh" \
    --identity "$T/id_ed25519" --timeout 30 check late --answers "$T/a.yaml" --json
# Both second commands ran, after the first ones, on one session each.
grep -qx "show status" "$T/vos.log" || fail "vos: $(cat "$T/vos.log")"
grep -qx "show ntp status" "$T/asa.log" || fail "asa: $(cat "$T/asa.log")"

# second PROC TEXT_OF_ITS_OWN TEXT_OF_THE_FIRST: step 2 of PROC fails, its
# excerpt holds its own output and none of the first command's.
second() {
	v=$(jq -r --arg p "$1" '.checks[] | select(.procedure == $p and .step == 2) | .verdict' "$T/out")
	x=$(jq -r --arg p "$1" '.checks[] | select(.procedure == $p and .step == 2) | .excerpt' "$T/out")
	[ "$v" = fail ] || fail "$1 step 2: $v, wanted fail (excerpt: $x)"
	printf '%s\n' "$x" | grep -q "$2" || fail "$1 step 2: its own output is missing: $x"
	! printf '%s\n' "$x" | grep -q "$3" || fail "$1 step 2: judged on the first command's output: $x"
}
second vos "Host Name" "cup/cup.pem"
second asa "Clock is" "Adaptive Security"
echo "ok: a prompt counts only after the command's echo"
