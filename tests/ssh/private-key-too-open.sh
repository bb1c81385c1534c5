#!/bin/sh
# A private key others can read is not used, as OpenSSH does not use it
# ("UNPROTECTED PRIVATE KEY FILE"): the login fails, saying which key and
# why, and nothing runs; the same key at 0600 logs in.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

ssh_keys
FX_LOG="$T/lin.log" ssh_start lin1 auto fx-linux; LIN=$SSH_PORT
ssh_known_hosts "$T/kh" $LIN
cp "$T/id_ed25519" "$T/key"
chmod 0644 "$T/key"
fw() { env -u SSH_AUTH_SOCK "$FEDWIZ" --known-hosts "$T/kh" "$@" </dev/null; }

expect_exit 3 fw probe ssh "127.0.0.1:$LIN" --profile linux --identity "$T/key" -- echo ran
grep -q "$T/key (permissions 0644 for it are too open" "$T/err" ||
    fail "no word of the key's permissions: $(cat "$T/err")"
[ ! -s "$T/lin.log" ] || fail "a command ran with a key others can read"
chmod 0640 "$T/key"
expect_exit 3 fw probe ssh "127.0.0.1:$LIN" --profile linux --identity "$T/key" -- echo ran
grep -q "permissions 0640 for it are too open" "$T/err" || fail "0640: $(cat "$T/err")"
chmod 0600 "$T/key"
expect_exit 0 fw probe ssh "127.0.0.1:$LIN" --profile linux --identity "$T/key" -- echo ran
[ "$(cat "$T/out")" = ran ] || fail "0600 key: $(cat "$T/out" "$T/err")"
exit 0
