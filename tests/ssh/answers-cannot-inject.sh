#!/bin/sh
# An answer can never change what a command does. A hostile value reaches
# sh (fx-linux logs what sshd hands it, then runs it) and PowerShell
# (fx-windows logs the -EncodedCommand script it decoded) only as one
# quoted word; a runbook that puts a reference inside quotes, where the
# shell would run the value's $(...), is refused by validate and by check,
# and nothing is sent.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

ssh_keys
FX_LOG="$T/lin.log" ssh_start lin1 auto fx-linux; LIN=$SSH_PORT
FX_LOG="$T/fe.log" ssh_start fe1 auto fx-windows; FE=$SSH_PORT
ssh_known_hosts "$T/kh" $LIN $FE
mkdir "$T/rb"
fw() {
	"$FEDWIZ" --runbooks "$T/rb" --known-hosts "$T/kh" \
	    --identity "$T/id_ed25519" "$@" </dev/null
}
validate() { "$FEDWIZ" validate "$@"; }

# runbook ID SH_COMMAND PS_COMMAND: a box (linux) and a front end
# (windows), one check each.
runbook() {
	cat >"$T/rb/$1.yaml" <<EOF
id: $1
title: Injection
source: none
summary: answers into commands
vars:
  - { name: v, prompt: V, type: string }
roles:
  - { id: box, title: Box, profile: linux }
  - { id: fe, title: Front end, profile: windows }
procedures:
  - id: on-box
    title: On the box
    on: box
    steps:
      - do: Look.
        check: { ssh: { command: '$2', contains: 'v=' } }
  - id: on-fe
    title: On the front end
    on: fe
    steps:
      - do: Look.
        check: { ssh: { command: '$3', contains: 'v=' } }
EOF
	write "$T/$1.answers.yaml" <<EOF
runbook: $1
vars:
  v: "\$(touch $T/pwned-sh)\`touch $T/pwned-bq\`'; touch $T/pwned-q; '\$(New-Item pwned)"
hosts:
  box: [ { name: box1, address: 127.0.0.1, port: $LIN, user: $(id -un) } ]
  fe: [ { name: fe1, address: 127.0.0.1, port: $FE, user: $(id -un) } ]
EOF
}
V="\$(touch $T/pwned-sh)\`touch $T/pwned-bq\`'; touch $T/pwned-q; '\$(New-Item pwned)"

# Written right: the value is one word, whatever it holds.
runbook safe 'echo v=${v}' 'Write-Output v= ${v}'
expect_exit 0 validate "$T/rb/safe.yaml"
set +e
fw check safe --answers "$T/safe.answers.yaml" >"$T/out" 2>"$T/err"
set -e
for f in pwned-sh pwned-bq pwned-q; do
	[ ! -e "$T/$f" ] || fail "the answer ran on the box ($f): $(cat "$T/lin.log")"
done
[ "$(cat "$T/lin.log")" = "echo v='\$(touch $T/pwned-sh)\`touch $T/pwned-bq\`'\\''; touch $T/pwned-q; '\\''\$(New-Item pwned)'" ] ||
    fail "sh got: $(cat "$T/lin.log")"
grep -qF "PASS  on-box@box1" "$T/out" || fail "the box's check: $(cat "$T/out" "$T/err")"
# What PowerShell would run: the value in one single-quoted string, its
# quotes doubled.
grep -qxF "Write-Output v= '\$(touch $T/pwned-sh)\`touch $T/pwned-bq\`''; touch $T/pwned-q; ''\$(New-Item pwned)' | Format-List * | Out-String -Width 4096" "$T/fe.log" ||
    fail "PowerShell got: $(cat "$T/fe.log")"

# Written wrong: a reference inside double quotes (the shell runs $(...)
# there), inside single quotes (the value's quote ends them), after an
# escape. validate says where; check refuses before connecting anywhere.
: >"$T/lin.log"
: >"$T/fe.log"
runbook dq 'echo "v=${v}"' 'Write-Output v= ${v}'
expect_exit 2 validate "$T/rb/dq.yaml"
grep -q "dq.yaml:[0-9]*:[0-9]*: .*double-quoted string" "$T/err" || fail "validate: $(cat "$T/err")"
expect_exit 2 fw check dq --answers "$T/dq.answers.yaml"
runbook psdq 'echo v=${v}' 'Write-Output "v= ${v}"'
expect_exit 2 validate "$T/rb/psdq.yaml"
grep -q "double-quoted string, where PowerShell" "$T/err" || fail "validate ps: $(cat "$T/err")"
expect_exit 2 fw check psdq --answers "$T/psdq.answers.yaml"
runbook sq "echo 'v=\${v}'" 'Write-Output v= ${v}'
expect_exit 2 fw check sq --answers "$T/sq.answers.yaml"
runbook bs 'echo v=\${v}' 'Write-Output v= `${v}'
expect_exit 2 fw check bs --answers "$T/bs.answers.yaml"
for f in pwned-sh pwned-bq pwned-q; do
	[ ! -e "$T/$f" ] || fail "the answer ran on the box ($f): $(cat "$T/lin.log")"
done
[ ! -s "$T/lin.log" ] && [ ! -s "$T/fe.log" ] ||
    fail "a refused runbook sent: $(cat "$T/lin.log" "$T/fe.log")"

# The second wall: a host whose profile the answers file changes to linux
# gets a template written for PowerShell, where "(${v})" is a string; sh
# would take it as a command's name. check judges it again for sh and
# refuses; nothing is sent.
runbook other 'echo v=${v}' 'Write-Output v= (${v})'
sed -i "s/fe: \[ { name: fe1, /fe: [ { name: fe1, profile: linux, /; s/port: $FE,/port: $LIN,/" \
    "$T/other.answers.yaml"
grep -q 'profile: linux' "$T/other.answers.yaml" || fail "answers not edited"
expect_exit 0 validate "$T/rb/other.yaml"
expect_exit 2 fw check other --answers "$T/other.answers.yaml" --procedure on-fe
grep -q "command.s name" "$T/err" "$T/out" || fail "second wall: $(cat "$T/err" "$T/out")"
[ ! -s "$T/lin.log" ] || fail "sent: $(cat "$T/lin.log")"
exit 0
