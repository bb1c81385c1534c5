#!/bin/sh
# Secrets outlive nothing and are refused when they would do harm:
#
# - --password-file and --enable-secret-file on a FIFO: refused at once
#   (open(2) used to wait for a writer for ever);
# - FEDWIZ_PASSWORD: scrubbed from /proc/PID/environ as soon as fedwiz
#   starts, and the process is then not dumpable, with no core;
# - FEDWIZ_ENABLE_SECRET with a line break (it typed the rest as a
#   command in privileged mode) or of 512 characters (silently replaced by
#   an empty secret): refused with a message, nothing typed;
# - no freed memory holds the password (keyboard-interactive, whose
#   answers libssh2 freed as they were) or what is left of the enable
#   secret (it stayed in the write buffer): every block freed is searched
#   (freecheck.c, LD_PRELOAD; root, not under ASan).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

ssh_keys
# A server that takes passwords (it cannot check them unless root, but
# asks all the same).
FX_LOG="$T/lin.log" ssh_start lin auto fx-linux "PasswordAuthentication yes"
PL=$SSH_PORT
ssh_known_hosts "$T/kh" $PL

# FIFOs: the key does not exist, so the password is asked for.
mkfifo "$T/fifo"
ssh_bounded 30 "$FEDWIZ" --known-hosts "$T/kh" --identity "$T/no-such-key" \
    --password-file "$T/fifo" --timeout 10 probe ssh "127.0.0.1:$PL" --profile linux -- echo x
[ $rc -eq 3 ] || fail "password FIFO: exit $rc: $(cat "$T/err")"
grep -q "fifo: is not a regular file (a FIFO)" "$T/err" || fail "password FIFO: $(cat "$T/err")"
[ ! -s "$T/lin.log" ] || fail "password FIFO: a command ran"

# FEDWIZ_PASSWORD: gone from the environment the kernel shows, and the
# process not dumpable. As root, fedwiz runs as nobody: a process that is
# not dumpable has its /proc files owned by root whoever runs it.
ssh_tcp_stub silent
SECRET=env-Pa55word-$$
mkdir -p "$T/pub"
cp "$FEDWIZ" "$T/pub/fedwiz"
cp "$T/kh" "$T/pub/kh"
chmod 711 "$T"
chmod -R a+rX "$T/pub"
as=
[ "$(id -u)" -ne 0 ] || as="setpriv --reuid=65534 --regid=65534 --clear-groups"
FEDWIZ_PASSWORD=$SECRET $as "$T/pub/fedwiz" --known-hosts "$T/pub/kh" \
    --timeout 8 probe ssh "127.0.0.1:$STUB_PORT" --profile linux -- echo x \
    >"$T/out" 2>"$T/err" </dev/null &
pid=$!
ssh_track $pid
_sn=0
while [ $_sn -lt 100 ] && ! grep -q "^Name:.*fedwiz" "/proc/$pid/status" 2>/dev/null; do
	sleep 0.05
	_sn=$((_sn + 1))
done
sleep 0.5
[ -r "/proc/$pid/environ" ] || fail "fedwiz is not running ($(cat "$T/err"))"
if tr '\0' '\n' <"/proc/$pid/environ" | grep -q "$SECRET"; then
	fail "FEDWIZ_PASSWORD is still in /proc/$pid/environ"
fi
tr '\0' '\n' <"/proc/$pid/environ" | grep -q '^FEDWIZ_PASSWORD=' &&
    fail "FEDWIZ_PASSWORD is still named in /proc/$pid/environ"
grep -Eq '^Max core file size +0 +0 ' "/proc/$pid/limits" ||
    fail "a core could be written: $(grep core "/proc/$pid/limits")"
[ "$(stat -c %u "/proc/$pid/environ")" -eq 0 ] ||
    fail "dumpable: /proc/$pid is owned by uid $(stat -c %u "/proc/$pid/environ")"
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true

# The ASA's enable secret: a PTY fixture.
if ssh_pty_ok; then
	FX_ASA_ENABLE=abc FX_LOG="$T/asa.log" ssh_start asa auto fx-asa
	PA=$SSH_PORT
	ssh_known_hosts "$T/kh" $PL $PA
	# fwa SECRET: probe the ASA with FEDWIZ_ENABLE_SECRET=SECRET.
	fwa() {
		ssh_bounded 60 env FEDWIZ_ENABLE_SECRET="$1" "$FEDWIZ" --known-hosts "$T/kh" \
		    --identity "$T/id_ed25519" --timeout 20 probe ssh "127.0.0.1:$PA" \
		    --profile cisco-asa -- show pager
	}
	: >"$T/asa.log"
	fwa "$(printf 'abc\nconfigure terminal')"
	[ $rc -eq 3 ] || fail "enable with a line break: exit $rc, $(cat "$T/err")"
	grep -q "FEDWIZ_ENABLE_SECRET: the value holds a line break" "$T/err" ||
	    fail "enable with a line break: $(cat "$T/err")"
	! grep -q "configure" "$T/asa.log" || fail "the ASA got: $(cat "$T/asa.log")"
	grep -q "show pager" "$T/asa.log" && fail "the command ran after a refused secret"

	: >"$T/asa.log"
	fwa "$(printf '%0512d' 0 | tr 0 a)"
	[ $rc -eq 3 ] || fail "enable of 512: exit $rc, $(cat "$T/err")"
	grep -q "FEDWIZ_ENABLE_SECRET: the value is longer than 511 characters" "$T/err" ||
	    fail "enable of 512: $(cat "$T/err")"
	grep -q "show pager" "$T/asa.log" && fail "enable of 512: the command ran"

	# The same through a file: its first line is the secret; a FIFO is refused.
	ssh_bounded 30 "$FEDWIZ" --known-hosts "$T/kh" --identity "$T/id_ed25519" \
	    --enable-secret-file "$T/fifo" --timeout 10 probe ssh "127.0.0.1:$PA" \
	    --profile cisco-asa -- show pager
	[ $rc -eq 3 ] && grep -q "fifo: is not a regular file (a FIFO)" "$T/err" ||
	    fail "enable FIFO: exit $rc, $(cat "$T/err")"
else
	echo "no PTY sessions here: the enable secret cases are skipped"
fi

# Freed memory. freecheck.so searches each block freed for the secret.
if [ "$(id -u)" -ne 0 ]; then
	echo "not root: no password login (sshd reads /etc/shadow), no freed-memory cases"
	echo "ok: secrets (part)"
	exit 0
fi
if nm -D "$FEDWIZ" 2>/dev/null | grep -q __asan_init || ldd "$FEDWIZ" | grep -q asan; then
	echo "built with AddressSanitizer (its allocator cannot be interposed): no freed-memory cases"
	echo "ok: secrets (part)"
	exit 0
fi
${CC:-cc} -shared -fPIC -o "$T/freecheck.so" "$SSH_DIR/freecheck.c" ||
    fail "cannot build freecheck.so"
u=$(ssh_user_with_password)
pw=$(ssh_password)
printf '%s\n' "$pw" | write "$T/pw"
# Keyboard-interactive only (PAM): libssh2 frees the answers it sent.
ssh_start kbd auto fx-linux "UsePAM yes" "KbdInteractiveAuthentication yes"
PK=$SSH_PORT
ssh_known_hosts "$T/kh" $PL $PK ${PA:-}
: >"$T/fc-pw"
ssh_bounded 60 env FREECHECK_NEEDLE="$pw" FREECHECK_LOG="$T/fc-pw" \
    LD_PRELOAD="$T/freecheck.so" "$FEDWIZ" --known-hosts "$T/kh" --password-file "$T/pw" \
    probe ssh "$u@127.0.0.1:$PK" --profile linux -- echo logged in
[ $rc -eq 0 ] && grep -q "logged in" "$T/out" || fail "kbd-interactive login: exit $rc, $(cat "$T/err")"
[ ! -s "$T/fc-pw" ] || fail "the password was in freed memory: $(head -20 "$T/fc-pw")"

if [ -n "${PA:-}" ]; then
	# 40 characters: the commands typed after it (terminal pager 0, the
	# probe's) overwrite its start in the write buffer, not its tail.
	ES=En4ble-Zecret-with-a-Tail-0f-its-0wn-77
	FX_ASA_ENABLE=$ES FX_LOG="$T/asa2.log" ssh_start asa2 auto fx-asa
	PA2=$SSH_PORT
	ssh_known_hosts "$T/kh" $PA2
	printf '%s\n' "$ES" | write "$T/en"
	: >"$T/fc-en"
	ssh_bounded 60 env FREECHECK_NEEDLE=Tail-0f-its-0wn-77 FREECHECK_LOG="$T/fc-en" \
	    LD_PRELOAD="$T/freecheck.so" "$FEDWIZ" --known-hosts "$T/kh" --identity "$T/id_ed25519" \
	    --enable-secret-file "$T/en" probe ssh "127.0.0.1:$PA2" --profile cisco-asa -- show pager
	[ $rc -eq 0 ] || fail "enable from a file: exit $rc, $(cat "$T/err")"
	[ ! -s "$T/fc-en" ] || fail "the enable secret was in freed memory: $(head -20 "$T/fc-en")"
fi
echo "ok: secrets"
