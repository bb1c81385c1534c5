#!/bin/sh
# More hosts than the engine keeps connections at once (64): one check on
# 100, then on 200 loopback hosts, completes with every host passing.
# Before the fix the first 64 finished and went idle, nothing woke the
# ones queued for a slot, and fedwiz sat there for ever.
#
# The hosts are 13 sshds of 16 ports each (OpenSSH listens on at most 16
# sockets per sshd). Each fedwiz run is bounded here, so a hang fails with
# its own message rather than at the harness's limit.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

R="$FEDWIZ_SRCDIR/tests/data/ssh"
LIMIT=${FANOUT_LIMIT:-300}
ssh_keys
all=
s=1
while [ $s -le 13 ]; do
	ssh_start "m$s" 'auto*16' fx-linux "MaxStartups 200"
	all="$all $SSH_PORTS"
	s=$((s + 1))
done
ssh_known_hosts "$T/kh" $all

# answers N: the first N ports as hosts h001... of role node.
answers() {
	{
		echo "runbook: many"
		echo "hosts:"
		echo "  node:"
		k=0
		for p in $all; do
			[ $k -lt "$1" ] || break
			k=$((k + 1))
			printf '    - { name: h%03d, address: 127.0.0.1, port: %s }\n' $k "$p"
		done
	} | write "$T/a$1.yaml"
}

for n in 100 200; do
	answers $n
	ssh_bounded $LIMIT "$FEDWIZ" --runbooks "$R" --known-hosts "$T/kh" \
	    --identity "$T/id_ed25519" --timeout 60 check many \
	    --answers "$T/a$n.yaml" --json
	[ $rc -eq 0 ] || {
		cat "$T/err" >&2
		fail "check on $n hosts: exit $rc, $(jq -c '.summary, [.checks[] | select(.verdict != "pass") | .message][:3]' "$T/out")"
	}
	[ "$(jq -r '.summary | "\(.pass) \(.fail) \(.error)"' "$T/out")" = "$n 0 0" ] ||
		fail "check on $n hosts: $(jq -c .summary "$T/out")"
	# Each host answered for itself, not another's output.
	[ "$(jq '[.checks[] | select(.on as $h | .excerpt | test("ok from " + $h))] | length' "$T/out")" -eq $n ] ||
		fail "check on $n hosts: some excerpt is not its own host's"
	echo "ok: $n hosts"
done
echo "ok: fan-out past the connection cap"
