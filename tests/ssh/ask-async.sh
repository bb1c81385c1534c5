#!/bin/sh
# The engine's asynchronous questions (cb.ask), as the wizard's controller
# uses them: a host key or a secret parks only the host that asks, every
# other host goes on, no deadline runs while a person reads, and the
# answer resumes it. tests/ssh/ask_driver.c holds the engine's side of
# each scenario; here the servers, and what they saw.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

DRIVER=${FEDWIZ_BUILDDIR:-$(dirname "$FEDWIZ")/..}/tests/ssh/ask_driver
[ -x "$DRIVER" ] || fail "no $DRIVER: make check builds it"
ssh_keys
FX_LOG="$T/a.log" ssh_start a auto fx-linux
PA=$SSH_PORT
ssh_start b auto fx-linux
PB=$SSH_PORT

drive() {
	sc=$1
	shift
	ssh_known_hosts "$T/kh" $PB
	: >"$T/a.log"
	set +e
	"$DRIVER" "$sc" "$T/kh" "$@" >"$T/drv.out" 2>&1
	rc=$?
	set -e
	cat "$T/drv.out"
	[ $rc -eq 0 ] || fail "scenario $sc: exit $rc"
}

# Refused after B streamed and completed meanwhile: nothing reached A, not
# even a login attempt (sshd logs every one it sees).
drive refuse $PA "$T/id_ed25519" $PB "$T/id_ed25519"
[ ! -s "$T/a.log" ] || fail "refuse: a command reached A: $(cat "$T/a.log")"
! grep -E 'Accepted|Failed|Postponed|userauth' "$T/sshd-a.log" ||
    fail "refuse: A saw a login attempt"
grep -q "done: A host key" "$T/drv.out" || fail "refuse: $(cat "$T/drv.out")"

# Answered late, each after the 6 s login deadline would have passed: the
# key (once: not recorded) and the key file's passphrase.
drive late $PA "$T/id_ed25519_pass" $PB "$T/id_ed25519"
[ "$(cat "$T/a.log")" = "echo A-ran" ] || fail "late: A ran $(cat "$T/a.log")"
[ "$(wc -l <"$T/kh")" -eq 1 ] || fail "late: 'once' recorded the key"

# Answered from inside the question: 'always' records the key.
drive immediate $PA "$T/id_ed25519_pass" $PB "$T/id_ed25519"
[ "$(wc -l <"$T/kh")" -eq 2 ] ||
    fail "immediate: the key was not recorded: $(cat "$T/kh")"

# No passphrase given: no login, nothing run.
drive none $PA "$T/id_ed25519_pass" $PB "$T/id_ed25519"
[ ! -s "$T/a.log" ] || fail "none: A ran $(cat "$T/a.log")"

# Without cb.ask the synchronous callbacks answer, as before.
drive sync $PA "$T/id_ed25519_pass" $PB "$T/id_ed25519"
[ "$(cat "$T/a.log")" = "echo A-ran" ] || fail "sync: A ran $(cat "$T/a.log")"

# An ASA's enable secret, answered late, in the middle of its CLI.
if ssh_pty_ok; then
	FX_ASA_ENABLE='en-$ecret' FX_LOG="$T/asa.log" ssh_start asa auto fx-asa
	PASA=$SSH_PORT
	ssh_known_hosts "$T/kh" $PB $PASA
	: >"$T/asa.log"
	set +e
	"$DRIVER" enable "$T/kh" $PASA "$T/id_ed25519" $PB "$T/id_ed25519" \
	    'en-$ecret' >"$T/drv.out" 2>&1
	rc=$?
	set -e
	cat "$T/drv.out"
	[ $rc -eq 0 ] || fail "scenario enable: exit $rc"
	grep -qx 'show pager' "$T/asa.log" || fail "enable: $(cat "$T/asa.log")"
else
	echo "no PTY sessions here: the ASA scenario is skipped"
fi
echo "ok: asynchronous questions"
