#!/bin/sh
# A newcomer's first five minutes, as the README tells them: its first
# command, in a fresh clone, opens the wizard on a practice session of a
# fresh lab; the first procedure's check fails, the procedure is done
# (lab do), its check passes and completes the step; `lab break` makes a
# check fail with the procedure that fixes it named, and `lab fix` puts it
# back. Quitting takes the lab down and removes its private folder; so
# does SIGTERM; after a kill -9 the next `fedwiz --lab` takes the lab left
# behind down first. Nothing is left running.
#
# Building the clone again would take minutes under make check, so the
# clone's wizard/fedwiz is a link to the binary under test (fedwiz finds
# the lab's programs and the runbooks from the binary's real path); the
# build steps of the same command are what CI runs on its fresh clone.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"
cleanup() { tui_cleanup; lab_cleanup; rm -rf "$T"; }

# The README's first command: build, then the wizard on a lab.
first=$(awk '/^```sh$/ { on = 1; next } on { print; exit }' "$FEDWIZ_SRCDIR/README.md")
cmd=$(printf '%s\n' "$first" | sed 's/ *#.*//')
case $cmd in
"./bootstrap && ./configure && make && "*) ;;
*) fail "the README's first command does not build first: $first" ;;
esac
run=${cmd##*&& }
[ "$run" = "wizard/fedwiz --lab" ] || fail "the README's first command ends with '$run'"

# A fresh clone, as CI makes one (a release tarball is no git checkout:
# then the source tree itself; so is one unpacked inside a checkout, as
# make distcheck does, whose enclosing repository is not this tree).
src=$FEDWIZ_SRCDIR
top=$(git -C "$FEDWIZ_SRCDIR" rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$FEDWIZ_SRCDIR" && pwd -P)" ]; then
	git clone -q "$FEDWIZ_SRCDIR" "$T/clone" || fail "git clone"
	src=$T/clone
	mkdir -p "$src/wizard"
	ln -s "$(readlink -f "$FEDWIZ")" "$src/wizard/fedwiz"
fi
cd "$src"

# Labs go in $T (XDG_RUNTIME_DIR): the lab library's watchdog takes down
# whatever this test leaves there.
export XDG_RUNTIME_DIR="$T"
launch() {
	_keep=$FEDWIZ
	FEDWIZ=${run% --lab}
	[ -x "$FEDWIZ" ] || FEDWIZ=$_keep
	tui_start XDG_RUNTIME_DIR="$T" FEDWIZ_LAB_VOS_DELAY=0.2 "${1:---lab}"
	FEDWIZ=$_keep
}

# Without a terminal: said, and nothing started or made.
expect_exit 2 "$FEDWIZ" --state "$DB" --lab "$T/mine" </dev/null
grep -q 'needs a terminal' "$T/err" || fail "--lab without a terminal: $(cat "$T/err")"
[ ! -e "$T/mine" ] || fail "--lab without a terminal made $T/mine"
# The lab's folder, once the wizard is on it.
lab_of() {
	tui_wait "PRACTICE  session $1 " 90
	D=$(ls -td "$T"/fedwiz-lab-* | head -1)
	[ -d "$D" ] || fail "no lab folder in $T"
	LAB_DIRS="$LAB_DIRS $D"
	[ "$(stat -c %a "$D")" = 700 ] || fail "$D is $(stat -c %a "$D"), not 0700"
}
# Nothing of lab folder $1 runs (every process of a lab names its folder
# on its command line: sshd's configuration, dnsmasq's, the TLS daemon's
# --dir). Its address block is not looked at: on a shared machine another
# lab may claim it the moment this one lets it go.
gone() {
	_left=
	for _p in /proc/[0-9]*; do
		_c=$({ tr '\0' ' ' <"$_p/cmdline"; } 2>/dev/null) || continue
		case $_c in *"$1"*) _left="$_left ${_p#/proc/}($_c)" ;; esac
	done
	[ -z "$_left" ] || fail "left running: $_left"
}

launch
lab_of 1
tui_wait_wrapped "what to try is in $D/HOWTO"
grep -q "fedwiz lab do download-ca-chain@fe1 --dir $D" "$D/HOWTO" ||
    fail "HOWTO: $(cat "$D/HOWTO")"
expect_exit 0 F status --session 1
grep -q '^PRACTICE session 1' "$T/out" || fail "status: $(cat "$T/out")"

# The ssh command the HOWTO gives reaches the front end's shell.
sshcmd=$(sed -n '/^  ssh -i /{N;s/\\\n */ /;s/^  //;p}' "$D/HOWTO")
[ -n "$sshcmd" ] || fail "no ssh command in HOWTO"
# shellcheck disable=SC2086
timeout 60 $sshcmd -o BatchMode=yes 'powershell -NoProfile -Command "Import-Module Lync; Get-CsCertificate -Type Default"' \
    >"$T/ssh.out" 2>&1 || fail "the HOWTO's ssh: $(cat "$T/ssh.out")"
grep -q Thumbprint "$T/ssh.out" || fail "fe1's shell: $(cat "$T/ssh.out")"

# 1. The first procedure: its check fails before it is done.
tui_keys Enter
tui_wait "Download CA Certification Chain on fe1"
tui_keys G
tui_wait "Step 6 of 6"
tui_keys c
tui_wait "FAIL  x509"
tui_wait_wrapped "procedure 'Download CA Certification Chain' (download-ca-chain)"
# 2. Done in the lab (a web page: lab do clicks it); the check passes.
expect_exit 0 F lab do download-ca-chain@fe1 --dir "$D"
tui_keys Escape
tui_wait "Step 6 of 6"
tui_keys c
tui_wait "All 1 checks passed: step 6 is done, by its checks"
expect_exit 0 F status --session 1 --json
[ "$(jq -r '[.procedures[] | select(.id == "download-ca-chain" and .host == "fe1") | .steps[5].status][0]' "$T/out")" = done ] ||
    fail "step 6 not done: $(jq -c '.procedures[0]' "$T/out")"
# 3. Broken as the field breaks it: the check fails, naming the fix.
expect_exit 0 F lab break no-3des-tlsv1 --host fe1 --dir "$D"
tui_keys Escape
tui_wait "Download CA Certification Chain on fe1"
tui_keys Escape
tui_wait ": plan (E"
tui_keys :
tui_type set-up-lync-tlsv1@fe1
tui_keys Enter
tui_wait_selected "Set Up Microsoft Lync for TLSv1"
tui_keys Enter
tui_wait "Set Up Microsoft Lync for TLSv1 on fe1"
tui_keys G
tui_wait "Step 7 of 7"
tui_keys c
tui_wait "FAIL  tls"
tui_wait_wrapped "(set-up-lync-tlsv1)"
# Fixed: it passes again (and, the procedure being blocked, the wizard
# asks before recording the step: Esc leaves it).
expect_exit 0 F lab fix no-3des-tlsv1 --host fe1 --dir "$D"
tui_keys Escape
tui_wait "Step 7 of 7"
tui_keys c
tui_wait "is blocked"
tui_keys Escape

# Quit: the lab goes down, its folder goes, the session stays.
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_wait "EXIT=0"
tui_wait "Practice session 1 stays"
[ ! -e "$D" ] || fail "$D is still there"
gone "$D"
expect_exit 0 F report --session 1 --format md
grep -q 'Practice record' "$T/out" || fail "report: $(head -3 "$T/out")"

# SIGTERM (and SIGHUP: the same handler) while the wizard runs, on a
# folder of the operator's own: the lab goes down, the folder stays.
launch --lab="$T/mine"
tui_wait "PRACTICE  session 2 " 90
LAB_DIRS="$LAB_DIRS $T/mine"
kill -TERM "$(tui_pid)"
tui_wait "EXIT=0"
[ -f "$T/mine/lab.db" ] || fail "SIGTERM: --lab=DIR did not keep $T/mine"
gone "$T/mine"

# The terminal goes away (its tmux server killed: SIGHUP): the same.
launch
lab_of 3
pid=$(tui_pid)
tx kill-server >/dev/null 2>&1 || true
n=0
while kill -0 "$pid" 2>/dev/null; do
	[ $n -lt 600 ] || fail "fedwiz --lab still runs 60 s after its terminal went"
	sleep 0.1
	n=$((n + 1))
done
[ ! -e "$D" ] || fail "SIGHUP: $D is still there"
gone "$D"

# kill -9 cannot be caught: the lab stays up, and the next --lab takes it
# down before it starts its own.
launch
lab_of 4
old=$D
kill -9 "$(tui_pid)"
tui_wait "EXIT=137"
[ -d "$old" ] || fail "kill -9: $old is gone already?"
launch
tui_wait "PRACTICE  session 5 " 90
[ ! -e "$old" ] || fail "the next --lab left $old"
gone "$old"
lab_of 5
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_wait "EXIT=0"
gone "$D"
echo "ok: the first five minutes"
