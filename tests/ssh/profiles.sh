#!/bin/sh
# Each device profile through a real sshd and its fixture shell: exec with
# exit status (linux, windows/PowerShell), the IM and Presence CLI (slow
# first prompt, bold prompt, both pagers, errors) and the ASA CLI (enable
# secret, pager, failover prompt, errors). One session per host carries all
# of its commands; a command's output is what lies between its echo and
# the next prompt.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

D="$FEDWIZ_SRCDIR/tests/ssh/data"
KEY="$T/id_ed25519"
fw() { "$FEDWIZ" --known-hosts "$T/kh" --identity "$KEY" "$@" </dev/null; }
# The data file as a CLI prints it: no CRs, no trailing blank lines.
lines() { tr -d '\r' <"$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }

ssh_keys
ssh_start lin1 auto fx-linux; LIN=$SSH_PORT
FX_LOG="$T/fe.log" ssh_start fe1 auto fx-windows; FE=$SSH_PORT
printf 'Sec ret\n' >"$T/enable"; chmod 600 "$T/enable"
FX_ASA_ENABLE='Sec ret' FX_ASA_FAILOVER=pri/act FX_LOG="$T/asa.log" \
    ssh_start asa1 auto fx-asa; ASA=$SSH_PORT
ssh_known_hosts "$T/kh" $LIN $FE $ASA
pty=1
ssh_pty_ok || { pty=; echo "no PTYs for an unprivileged sshd here: VOS/ASA parts skipped"; }

# linux: output, stderr apart, exit status; 1 when the command failed.
expect_exit 0 fw probe ssh 127.0.0.1:$LIN --profile linux -- 'echo out; echo err >&2'
[ "$(cat "$T/out")" = out ] || fail "linux stdout: $(cat "$T/out")"
grep -qx err "$T/err" || fail "linux stderr: $(cat "$T/err")"
expect_exit 1 fw probe ssh 127.0.0.1:$LIN --profile linux -- 'exit 7'
grep -q "exited with status 7" "$T/err" || fail "exit 7 not said: $(cat "$T/err")"
expect_exit 1 fw probe ssh 127.0.0.1:$LIN --profile linux --json -- 'exit 7'
[ "$(jq -r '.exit_status, .status' "$T/out" | tr '\n' ' ')" = "7 ok " ] ||
    fail "json exit status: $(cat "$T/out")"

# windows: PowerShell through -EncodedCommand, Format-List output; the
# operator's own command in a probe runs as it is (no module, no
# Format-List); an error comes as CLIXML and is shown as text.
expect_exit 0 fw probe ssh 127.0.0.1:$FE --profile windows -- Get-Service RtcSrv
grep -q '^Status *: Running' "$T/out" || fail "windows output: $(cat "$T/out")"
grep -qx 'Get-Service RtcSrv' "$T/fe.log" || fail "probe sent: $(cat "$T/fe.log")"
expect_exit 1 fw probe ssh 127.0.0.1:$FE --profile windows -- Get-Nothing
grep -q "The term 'Get-Nothing' is not recognized" "$T/err" ||
    fail "PowerShell error not decoded: $(cat "$T/err")"
! grep -q 'CLIXML\|_x000D_' "$T/err" || fail "CLIXML shown raw: $(cat "$T/err")"

if [ -n "$pty" ]; then
	# VOS: the real 8 s before "admin:", in bold; paging turned off, so
	# a long list comes whole, and exactly as the data says.
	FX_VOS_BOLD=1 FX_LOG="$T/vos.log" ssh_start imp1 auto fx-vos; SLOW=$SSH_PORT
	# The rest on one that starts in 1 s.
	FX_VOS_DELAY=1 FX_VOS_BOLD=1 FX_LOG="$T/vos.log" ssh_start imp2 auto fx-vos; IMP=$SSH_PORT
	ssh_known_hosts "$T/kh" $LIN $FE $ASA $SLOW $IMP
	expect_exit 0 fw probe ssh 127.0.0.1:$SLOW --profile cisco-vos --json -- show cert list trust
	jq -r .output "$T/out" | tr -d '\r' | sed -e '/^$/d' >"$T/got"
	lines "$D/vos/cert-list-trust.txt" | sed -e '/^$/d' >"$T/want"
	cmp -s "$T/got" "$T/want" || { diff "$T/want" "$T/got" || true; fail "VOS output is not the command's"; }
	[ "$(sed -n 1p "$T/vos.log")" = "set cli pagination off" ] ||
	    fail "paging was not turned off first: $(cat "$T/vos.log")"
	# An unknown command: the CLI says it failed; probe exits 1.
	expect_exit 1 fw probe ssh 127.0.0.1:$IMP --profile cisco-vos -- show nonsense
	grep -q "refused the command: Executed command unsuccessfully" "$T/err" ||
	    fail "VOS error: $(cat "$T/err")"

	# ASA: enable with the secret from a 0600 file, the failover prompt
	# (asa/pri/act#), paging off, output whole.
	expect_exit 0 fw --enable-secret-file "$T/enable" probe ssh 127.0.0.1:$ASA --profile cisco-asa --json -- show version
	jq -r .output "$T/out" | tr -d '\r' >"$T/got"
	lines "$D/asa/version.txt" >"$T/want"
	grep -qF "$(tail -n 1 "$T/want")" "$T/got" || fail "ASA output cut: $(tail -n 3 "$T/got")"
	! grep -q 'asa/pri/act\|show version' "$T/got" || fail "prompt or echo in the output: $(head -n 3 "$T/got")"
	grep -qx "terminal pager 0" "$T/asa.log" || fail "pager not turned off: $(cat "$T/asa.log")"
	! grep -q "Sec ret" "$T/asa.log" || fail "the enable secret was logged by the fixture as a command"
	# A wrong secret: said, exit 3 (not a hang until the deadline).
	printf 'wrong\n' >"$T/enable2"; chmod 600 "$T/enable2"
	expect_exit 3 fw --enable-secret-file "$T/enable2" probe ssh 127.0.0.1:$ASA --profile cisco-asa -- show version
	grep -q "refused the enable secret" "$T/err" || fail "wrong enable: $(cat "$T/err")"
	# A secret file others can read is refused, and says why.
	chmod 644 "$T/enable"
	expect_exit 3 fw --enable-secret-file "$T/enable" probe ssh 127.0.0.1:$ASA --profile cisco-asa -- show version
	grep -q "$T/enable" "$T/err" || fail "readable secret file: $(cat "$T/err")"
	chmod 600 "$T/enable"
fi

# Whole sessions through `fedwiz check`: several commands on one session
# per host, pagers turned back on and answered, errors judged, values
# quoted for the shell.
{
	echo "runbook: devices"
	echo "hosts:"
	echo "  lin: [ { name: lin1, address: 127.0.0.1, port: $LIN } ]"
	echo "  fe: [ { name: fe1, address: 127.0.0.1, port: $FE } ]"
	if [ -n "$pty" ]; then
		echo "  imp: [ { name: imp1, address: 127.0.0.1, port: $IMP } ]"
		echo "  asa: [ { name: asa1, address: 127.0.0.1, port: $ASA } ]"
	fi
} | write "$T/a.yaml"
: >"$T/vos.log"
expect_exit 1 fw --enable-secret-file "$T/enable" --runbooks "$FEDWIZ_SRCDIR/tests/data/ssh" check devices --answers "$T/a.yaml" --json
v() { jq -r --arg p "$1" --argjson s "$2" '[.checks[] | select(.procedure == $p and .step == $s) | .verdict] | join(",")' "$T/out"; }
m() { jq -r --arg p "$1" --argjson s "$2" '[.checks[] | select(.procedure == $p and .step == $s) | .message // ""] | join(",")' "$T/out"; }
[ "$(v linux 1)" = pass ] || fail "quoted value: $(m linux 1)"
[ "$(v linux 2)" = pass ] || fail "expected exit 3: $(m linux 2)"
[ "$(v linux 3)" = fail ] && m linux 3 | grep -q "exited with status 4, not 0" ||
    fail "exit 4: $(v linux 3) $(m linux 3)"
[ "$(v windows 1)" = pass ] || fail "Get-Service: $(m windows 1)"
[ "$(v windows 2)" = fail ] && m windows 2 | grep -q "status 1, not 0: Get-CsNothing : The term" ||
    fail "unknown cmdlet: $(v windows 2) $(m windows 2)"
m windows 2 | grep -q "procedure 'Windows PowerShell' (windows) sets this up" ||
    fail "a failure names the procedure: $(m windows 2)"
if [ -n "$pty" ]; then
	[ "$(v vos 1)" = pass,pass ] || fail "VOS pager: $(m vos 1)"
	[ "$(v vos 2)" = pass ] || fail "VOS options pager: $(m vos 2)"
	[ "$(v vos 3)" = pass ] || fail "VOS regex: $(m vos 3)"
	[ "$(v vos 4)" = fail ] && m vos 4 | grep -q "refused the command" ||
	    fail "VOS error: $(m vos 4)"
	[ "$(v asa 1)" = pass,pass ] || fail "ASA pager: $(m asa 1)"
	[ "$(v asa 2)" = pass ] || fail "ASA certificate: $(m asa 2)"
	[ "$(v asa 3)" = fail ] && m asa 3 | grep -q "ERROR: % Invalid input" ||
	    fail "ASA error: $(m asa 3)"
	# One login per device: every command went over the one session.
	[ "$(grep -c 'Accepted publickey' "$T/sshd-imp2.log")" -eq 2 ] ||
	    fail "VOS logins: $(grep -c 'Accepted publickey' "$T/sshd-imp2.log") (a probe before, then 1)"
	[ "$(grep -c 'set cli pagination off' "$T/vos.log")" -eq 1 ] || fail "VOS set-up repeated"
fi
[ "$(grep -c 'Accepted publickey' "$T/sshd-lin1.log")" -eq 4 ] ||
    fail "linux logins: $(grep -c 'Accepted publickey' "$T/sshd-lin1.log") (3 probes, then 1)"
echo "ok: profiles"
