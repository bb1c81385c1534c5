#!/bin/sh
# Logging in: a key file, a key with a passphrase, ssh-agent, a password
# (file, environment), keyboard-interactive; a wrong password and an RSA
# key OpenSSH refuses say exactly what happened. No secret reaches the
# output, the progress database or a report.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

# No key or agent of the person running the tests is tried: an empty home.
mkdir -p "$T/home"
HOME="$T/home"
unset SSH_AUTH_SOCK FEDWIZ_PASSWORD FEDWIZ_PASSPHRASE FEDWIZ_ENABLE_SECRET || true
export HOME
probe() { "$FEDWIZ" --known-hosts "$T/kh" "$@" -- echo reached </dev/null; }
ok() { [ "$(cat "$T/out")" = reached ] || fail "not reached: $(cat "$T/out") $(cat "$T/err")"; }

ssh_keys
ssh_start keys auto fx-linux; P=$SSH_PORT
ssh_known_hosts "$T/kh" $P
ME=$(id -un)

# A key file.
expect_exit 0 probe --identity "$T/id_ed25519" probe ssh 127.0.0.1:$P --profile linux
ok
grep -q "Accepted publickey for $ME" "$T/sshd-keys.log" || fail "not a publickey login"

# Nothing to log in with: said, with what the server accepts.
expect_exit 3 probe probe ssh 127.0.0.1:$P --profile linux
grep -q "authentication failed for $ME@127.0.0.1: tried nothing; the server accepts publickey" "$T/err" ||
    fail "no method: $(cat "$T/err")"

# A key with a passphrase: from FEDWIZ_PASSPHRASE; a wrong one is said.
FEDWIZ_PASSPHRASE='correct horse' expect_exit 0 probe --identity "$T/id_ed25519_pass" probe ssh 127.0.0.1:$P --profile linux
ok
FEDWIZ_PASSPHRASE='wrong' expect_exit 3 probe --identity "$T/id_ed25519_pass" probe ssh 127.0.0.1:$P --profile linux
grep -q "id_ed25519_pass (wrong passphrase or unreadable key)" "$T/err" || fail "wrong passphrase: $(cat "$T/err")"
expect_exit 3 probe --identity "$T/id_ed25519_pass" probe ssh 127.0.0.1:$P --profile linux
grep -q "needs a passphrase; none given" "$T/err" || fail "no passphrase: $(cat "$T/err")"

# ssh-agent: its keys, no key file given; the default keys of an empty
# home are not there.
eval "$(ssh-agent -s)" >/dev/null
ssh_track "$SSH_AGENT_PID"
ssh-add -q "$T/id_ed25519" 2>/dev/null || fail "ssh-add"
expect_exit 0 probe probe ssh 127.0.0.1:$P --profile linux
ok
kill "$SSH_AGENT_PID" 2>/dev/null || true
unset SSH_AUTH_SOCK SSH_AGENT_PID

# The default key files, as OpenSSH tries them: ~/.ssh/id_ed25519.
mkdir -p "$HOME/.ssh"
cp "$T/id_ed25519" "$HOME/.ssh/id_ed25519"
expect_exit 0 probe probe ssh 127.0.0.1:$P --profile linux
ok
rm -r "$HOME/.ssh"

# An RSA key: libssh2 1.10 signs only with ssh-rsa (SHA-1), which
# OpenSSH 8.8 and later refuse; the message says so.
expect_exit 3 probe --identity "$T/id_rsa" probe ssh 127.0.0.1:$P --profile linux
grep -q "The key is RSA: libssh2 1.10 signs with ssh-rsa (SHA-1), which OpenSSH 8.8 and later refuse" "$T/err" ||
    fail "RSA not explained: $(cat "$T/err")"

# Passwords need a real user with one: root only (sshd reads the shadow
# file itself).
if U=$(ssh_user_with_password); then
	PW=$(ssh_password)
	ssh_start pw auto fx-linux "PasswordAuthentication yes" "PubkeyAuthentication no"; PP=$SSH_PORT
	ssh_start kbd auto fx-linux "UsePAM yes" "KbdInteractiveAuthentication yes" \
	    "PubkeyAuthentication no"; PK=$SSH_PORT
	ssh_known_hosts "$T/kh" $P $PP $PK
	printf '%s\n' "$PW" >"$T/pw"; chmod 600 "$T/pw"
	expect_exit 0 probe --password-file "$T/pw" probe ssh $U@127.0.0.1:$PP --profile linux
	ok
	grep -q "Accepted password for $U" "$T/sshd-pw.log" || fail "not a password login"
	FEDWIZ_PASSWORD=$PW expect_exit 0 probe probe ssh $U@127.0.0.1:$PP --profile linux
	ok
	# keyboard-interactive, when the server offers only that.
	expect_exit 0 probe --password-file "$T/pw" probe ssh $U@127.0.0.1:$PK --profile linux
	ok
	grep -q "Accepted keyboard-interactive/pam for $U" "$T/sshd-kbd.log" || fail "not keyboard-interactive"
	# A wrong password: exit 3, said, and the password is not in it.
	printf 'not-it\n' >"$T/bad"; chmod 600 "$T/bad"
	expect_exit 3 probe --password-file "$T/bad" probe ssh $U@127.0.0.1:$PP --profile linux
	grep -q "authentication failed for $U@127.0.0.1: tried a password (refused)" "$T/err" ||
	    fail "wrong password: $(cat "$T/err")"
	! grep -q not-it "$T/err" "$T/out" || fail "the password was printed"
	# A password file others can read is refused, naming it.
	chmod 640 "$T/pw"
	expect_exit 3 probe --password-file "$T/pw" probe ssh $U@127.0.0.1:$PP --profile linux
	grep -q "$T/pw" "$T/err" || fail "readable password file not named: $(cat "$T/err")"
	chmod 600 "$T/pw"
	# No password anywhere, no terminal: how to give one.
	expect_exit 3 probe probe ssh $U@127.0.0.1:$PP --profile linux
	grep -q "give --password-file FILE (mode 0600) or set FEDWIZ_PASSWORD" "$T/err" ||
	    fail "no password: $(cat "$T/err")"

	# A session's check run records evidence: never the password.
	printf 'runbook: devices\nhosts:\n  lin: [ { name: l1, address: 127.0.0.1, port: %s, user: %s } ]\n' \
	    $PP "$U" | write "$T/a.yaml"
	R="$FEDWIZ_SRCDIR/tests/data/ssh"
	"$FEDWIZ" --state "$T/f.db" --runbooks "$R" start devices --answers "$T/a.yaml" >/dev/null </dev/null
	expect_exit 1 "$FEDWIZ" --state "$T/f.db" --runbooks "$R" --known-hosts "$T/kh" \
	    --password-file "$T/pw" check devices --session 1 --procedure linux </dev/null
	"$FEDWIZ" --state "$T/f.db" --runbooks "$R" report --format json -o "$T/report.json" </dev/null
	# Evidence per step: linux step 1 passed, step 3 failed, with the
	# output's hash and excerpt.
	[ "$(jq -r '[.procedures[] | select(.id == "linux") | .steps[] | .checks[] | .result] | join(",")' \
	    "$T/report.json")" = "pass,pass,fail" ] || fail "report evidence: $(jq -c '.procedures[] | select(.id == "linux")' "$T/report.json")"
	jq -e '[.procedures[] | select(.id == "linux") | .steps[0].checks[0] | .output_sha256 | test("^[0-9a-f]{64}$")] | all' \
	    "$T/report.json" >/dev/null || fail "no output hash in the report"
	"$FEDWIZ" --state "$T/f.db" audit verify >/dev/null </dev/null || fail "audit chain after check runs"
	for f in "$T/f.db" "$T/f.db-wal" "$T/report.json"; do
		[ ! -e "$f" ] || ! grep -qa "$PW" "$f" || fail "the password is in $f"
	done
fi
echo "ok: auth"
