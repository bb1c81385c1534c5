#!/bin/sh
# Host keys, checked against known_hosts with the real port and key type:
# unknown under strict (refused, fingerprint printed) and accept-new
# (recorded, hashed), asked on a terminal under ask; hashed and typed
# entries; a changed or revoked key refused whatever the policy, with
# nothing sent to the server.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

KEY="$T/id_ed25519"
probe() { "$FEDWIZ" --identity "$KEY" "$@" probe ssh 127.0.0.1:$P --profile linux -- echo reached </dev/null; }
sent() { [ -s "$T/cmds" ]; }

ssh_keys
FX_LOG="$T/cmds" ssh_start h1 auto fx-linux; P=$SSH_PORT
FP=$(ssh-keygen -lf "$T/ssh_host_ed25519_key.pub" | cut -d' ' -f2)

# Unknown, strict (the default): refused, the fingerprint as OpenSSH
# prints it, nothing sent, nothing recorded.
expect_exit 3 probe --known-hosts "$T/kh"
grep -q "not known: ED25519 key fingerprint is $FP\." "$T/err" || fail "fingerprint: $(cat "$T/err")"
! sent || fail "sent to an unknown host: $(cat "$T/cmds")"
[ ! -e "$T/kh" ] || fail "strict wrote known_hosts"
expect_exit 3 probe --known-hosts "$T/kh" --host-keys strict

# accept-new: recorded as a hashed line OpenSSH finds, file 0600, said.
expect_exit 0 probe --known-hosts "$T/ssh/kh" --host-keys accept-new
[ "$(cat "$T/out")" = reached ] || fail "accept-new output: $(cat "$T/out")"
grep -q "permanently added '\[127.0.0.1\]:$P' (ED25519 $FP)" "$T/err" || fail "accept-new said: $(cat "$T/err")"
[ "$(stat -c %a "$T/ssh/kh")" = 600 ] || fail "known_hosts mode $(stat -c %a "$T/ssh/kh")"
[ "$(stat -c %a "$T/ssh")" = 700 ] || fail "known_hosts folder mode $(stat -c %a "$T/ssh")"
! grep -q 127.0.0.1 "$T/ssh/kh" || fail "the host name is in clear: $(cat "$T/ssh/kh")"
ssh-keygen -F "[127.0.0.1]:$P" -f "$T/ssh/kh" | grep -q ssh-ed25519 || fail "ssh-keygen -F does not find it"
# ... and OpenSSH itself accepts the file fedwiz wrote.
SSH_KNOWN_HOSTS="$T/ssh/kh" ssh_run_client $P echo via-openssh | grep -q via-openssh ||
    fail "OpenSSH refused fedwiz's known_hosts line"
# Now known: strict passes; once, not twice.
: >"$T/cmds"
expect_exit 0 probe --known-hosts "$T/ssh/kh"
[ "$(grep -c . "$T/ssh/kh")" -eq 1 ] || fail "a known key was added again"

# Plain, hashed (ssh-keygen -H) and non-default-port entries.
ssh_known_hosts "$T/plain" $P
expect_exit 0 probe --known-hosts "$T/plain"
ssh_known_hosts_hashed "$T/hashed" $P
expect_exit 0 probe --known-hosts "$T/hashed"
# The same key listed for port 22 only is not this host.
sed "s/\[127.0.0.1\]:$P/127.0.0.1/" "$T/plain" >"$T/port22"
expect_exit 3 probe --known-hosts "$T/port22"
grep -q "not known" "$T/err" || fail "port 22 entry used for port $P: $(cat "$T/err")"

# The key type on file is the one asked for: a file with only the ECDSA
# key passes (the server has ed25519, ecdsa and rsa keys).
KH_TYPES=ecdsa ssh_known_hosts "$T/ecdsa" $P
expect_exit 0 probe --known-hosts "$T/ecdsa"

# Changed: refused under every policy, the OpenSSH warning with the
# offending line, nothing sent.
ssh_known_hosts_wrong "$T/wrong" $P
: >"$T/cmds"
for policy in strict accept-new; do
	expect_exit 3 probe --known-hosts "$T/wrong" --host-keys $policy
	grep -q "REMOTE HOST IDENTIFICATION HAS CHANGED" "$T/err" || fail "no warning: $(cat "$T/err")"
	grep -q "Offending ED25519 key in $T/wrong:1" "$T/err" || fail "no offending line: $(cat "$T/err")"
	grep -q "$FP" "$T/err" || fail "new fingerprint not shown"
	! sent || fail "sent to a host whose key changed ($policy): $(cat "$T/cmds")"
done
[ "$(grep -c . "$T/wrong")" -eq 1 ] || fail "accept-new replaced a changed key"
# In a check run too: exit 3, nothing sent, the warning per host.
printf 'runbook: devices\nhosts:\n  lin: [ { name: l1, address: 127.0.0.1, port: %s } ]\n' $P | write "$T/a.yaml"
expect_exit 3 "$FEDWIZ" --known-hosts "$T/wrong" --identity "$KEY" --runbooks "$FEDWIZ_SRCDIR/tests/data/ssh" \
    check devices --procedure linux --answers "$T/a.yaml" </dev/null
grep -q "REMOTE HOST IDENTIFICATION HAS CHANGED" "$T/out" || fail "check: no warning: $(cat "$T/out")"
! sent || fail "check sent to a changed host: $(cat "$T/cmds")"

# Revoked: refused even though a line lists the key.
{ cat "$T/plain"; printf '@revoked * %s\n' "$(cut -d' ' -f1,2 "$T/ssh_host_ed25519_key.pub")"; } >"$T/revoked"
expect_exit 3 probe --known-hosts "$T/revoked"
grep -q "marked @revoked in $T/revoked:2" "$T/err" || fail "revoked: $(cat "$T/err")"
! sent || fail "sent to a revoked key"

# ask: only with a terminal; on one, yes records, once does not, no refuses.
expect_exit 2 probe --known-hosts "$T/ask" --host-keys ask
grep -q "needs a terminal" "$T/err" || fail "ask without a terminal: $(cat "$T/err")"
expect_exit 2 probe --known-hosts "$T/ask" --host-keys maybe
grep -q "strict, accept-new or ask" "$T/err" || fail "bad policy: $(cat "$T/err")"
if ! script -qc true /dev/null </dev/null >/dev/null 2>&1; then
	echo "no pseudo-terminal here (script fails): the 'ask' answers on a terminal are not tested"
else
	tty_probe() {
		# script gives fedwiz a terminal; the answer is typed on it.
		(sleep 2; printf '%s\n' "$1") | SSH_PORT=$P KH="$T/ask" KEY="$KEY" \
		    script -qec '"$FEDWIZ" --identity "$KEY" --known-hosts "$KH" --host-keys ask probe ssh 127.0.0.1:$SSH_PORT --profile linux -- echo reached' \
		    /dev/null >"$T/tty.out" 2>&1 || true
	}
	tty_probe no
	grep -q "ED25519 key fingerprint is $FP" "$T/tty.out" || fail "ask: fingerprint not shown: $(cat "$T/tty.out")"
	! grep -q reached "$T/tty.out" || fail "ask: 'no' went on"
	tty_probe once
	grep -q reached "$T/tty.out" || fail "ask: 'once' did not go on: $(cat "$T/tty.out")"
	[ ! -s "$T/ask" ] || fail "ask: 'once' recorded the key"
	tty_probe yes
	grep -q reached "$T/tty.out" || fail "ask: 'yes' did not go on: $(cat "$T/tty.out")"
	ssh-keygen -F "[127.0.0.1]:$P" -f "$T/ask" >/dev/null || fail "ask: 'yes' did not record the key"
fi
echo "ok: host keys"
