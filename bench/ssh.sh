#!/bin/sh
# ssh.sh: one exec check on N loopback hosts, fedwiz against the tools an
# operator would otherwise reach for, interleaved in one run on this
# machine.
#
#   bench/ssh.sh [RUNS [N...]]      (after make; RUNS default 3,
#                                   N 1 10 50 100 200)
#   FEDWIZ_BEFORE=/path/to/fedwiz   also time another fedwiz build (say,
#                                   the commit before a change), as
#                                   "fedwiz-before"
#   BENCH_TOOLS="fedwiz fedwiz-before"   only these tools (fedwiz first)
#   RUN_LIMIT=S                     a run still going after S seconds
#                                   (default 300) is ended and counted as
#                                   a failure: a hang cannot stall the run
#
# Each "host" is a port of a real OpenSSH sshd on 127.0.0.1 (16 ports per
# sshd, OpenSSH's most: 13 sshds for 200 hosts; tests/ssh/lib.sh); the
# command runs through the fx-linux fixture, so the server side is the
# same for every tool. Every tool runs `echo ok` once per host, logs in
# with the same ed25519 key, checks host keys against the same
# known_hosts file, and starts cold (no connection kept from a previous
# run):
#   fedwiz      fedwiz check bench --answers (one ssh check, role of N hosts)
#   ansible     ansible all -m raw -a 'echo ok' -f N   (ControlPersist is
#               Ansible's default; each run gets a fresh ControlPath
#               folder, so it starts cold, as the first run of a window
#               does; the persisted masters are ended after the timed
#               region, as their cost is not the check's)
#   pssh        parallel-ssh -p N -i (Debian's pssh)
#   ssh-loop    for each host: ssh ... 'echo ok'   (sequential; up to 50)
# The OpenSSH-based tools are given curve25519 key exchange, which is what
# libssh2 uses: their default (sntrup761x25519) costs more CPU per login,
# and the comparison is of the tools, not the key exchange.
#
# The tools take turns: run r of every tool, then run r + 1 (the first tool
# of each round rotates), so a slow minute of a shared machine falls on
# all of them. Reported per tool and N: wall time (median and min of
# RUNS), per host, the client's CPU time (user + system of the tool and
# its children, median) and the largest resident set of any one of its
# processes (GNU time), and the median wall time against fedwiz's. On one
# machine the sshds share the cores with the client, so at large N the
# servers' own CPU is the floor under every tool's wall time; the client
# CPU column is what each tool costs on its own.
# Needs: openssh-server, ansible-core (or ansible), pssh, GNU time.
#   apt-get install -y ansible-core pssh time
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-3}
[ $# -gt 0 ] && shift
NS=${*:-1 10 50 100 200}
RUN_LIMIT=${RUN_LIMIT:-300}
FEDWIZ=$PWD/wizard/fedwiz
[ -x "$FEDWIZ" ] || { echo "build first: ./configure && make" >&2; exit 2; }
for t in ansible parallel-ssh /usr/bin/time; do
	command -v $t >/dev/null || { echo "bench/ssh.sh needs $t: apt-get install -y ansible-core pssh time" >&2; exit 2; }
done
FEDWIZ_BEFORE=${FEDWIZ_BEFORE:-}
[ -z "$FEDWIZ_BEFORE" ] || [ -x "$FEDWIZ_BEFORE" ] ||
	{ echo "FEDWIZ_BEFORE=$FEDWIZ_BEFORE is not a program" >&2; exit 2; }
FEDWIZ_SRCDIR=$PWD
export FEDWIZ FEDWIZ_SRCDIR FEDWIZ_BEFORE
. tests/cli/lib.sh
. tests/ssh/lib.sh
set +e

MAX=0
for n in $NS; do [ "$n" -gt $MAX ] && MAX=$n; done
ssh_keys
ports=
k=0
while [ $k -lt "$MAX" ]; do
	ssh_start "b$k" 'auto*16' fx-linux "MaxStartups 300" >/dev/null
	ports="$ports $SSH_PORTS"
	k=$((k + 16))
done
KH="$T/known_hosts"
ssh_known_hosts "$KH" $ports
KEY="$T/id_ed25519"
KEX="KexAlgorithms=curve25519-sha256"

cat >"$T/bench.yaml" <<'EOF'
id: bench
title: One exec check
source: bench/ssh.sh
summary: One ssh check on every host of a role.
roles:
  - { id: node, title: Node, profile: linux, many: true }
procedures:
  - id: check
    title: Check
    on: node
    steps:
      - do: echo ok
        check:
          ssh: { command: echo ok, contains: ok }
EOF

# Inventories for N hosts, in each tool's format.
inventories() {
	n=$1
	{ echo "runbook: bench"; echo "hosts:"; echo "  node:"; } >"$T/a$n.yaml"
	: >"$T/ansible$n.ini"
	: >"$T/pssh$n.txt"
	: >"$T/ports$n"
	k=0
	for p in $ports; do
		[ $k -lt "$n" ] || break
		k=$((k + 1))
		echo "    - { name: h$k, address: 127.0.0.1, port: $p }" >>"$T/a$n.yaml"
		echo "h$k ansible_host=127.0.0.1 ansible_port=$p" >>"$T/ansible$n.ini"
		echo "127.0.0.1:$p" >>"$T/pssh$n.txt"
		echo "$p" >>"$T/ports$n"
	done
	chmod 600 "$T/a$n.yaml"
}

# The runners, as a script GNU time can run: runner.sh TOOL N. Only what
# is timed: Ansible's clean-up is ansible_cleanup, run after.
export KH KEY KEX T FEDWIZ
cat >"$T/runner.sh" <<'EOF'
run_fedwiz() {
	"$FEDWIZ" --known-hosts "$KH" --identity "$KEY" --runbooks "$T" check bench \
	    --answers "$T/a$1.yaml" </dev/null
}
run_fedwiz_before() {
	"$FEDWIZ_BEFORE" --known-hosts "$KH" --identity "$KEY" --runbooks "$T" check bench \
	    --answers "$T/a$1.yaml" </dev/null
}
run_ansible() {
	ANSIBLE_SSH_CONTROL_PATH_DIR="$T/cp" ANSIBLE_HOST_KEY_CHECKING=True \
	ANSIBLE_SSH_ARGS="-C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=$KH -o $KEX" \
	ANSIBLE_PRIVATE_KEY_FILE="$KEY" ANSIBLE_REMOTE_USER="$(id -un)" \
	ANSIBLE_LOCAL_TEMP="$T/ansible-tmp" ANSIBLE_NOCOLOR=1 \
	    ansible all -i "$T/ansible$1.ini" -m raw -a 'echo ok' -f "$1" </dev/null
}
run_pssh() {
	parallel-ssh -h "$T/pssh$1.txt" -p "$1" -l "$(id -un)" -t 60 -i \
	    -x "-i $KEY -o IdentitiesOnly=yes -o UserKnownHostsFile=$KH -o StrictHostKeyChecking=yes -o $KEX -F /dev/null" \
	    'echo ok' </dev/null
}
run_ssh_loop() {
	rc=0
	for p in $(cat "$T/ports$1"); do
		ssh -F /dev/null -i "$KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$KH" \
		    -o StrictHostKeyChecking=yes -o BatchMode=yes -o "$KEX" \
		    -p "$p" "$(id -un)@127.0.0.1" 'echo ok' </dev/null || rc=1
	done
	return $rc
}
run_$(echo "$1" | tr - _) "$2"
EOF

# Before Ansible's run: a fresh ControlPath folder. After it, untimed:
# the persisted masters go, so that the next run is cold too.
ansible_prepare() { rm -rf "$T/cp"; mkdir -p "$T/cp"; }
ansible_cleanup() {
	local sock
	for sock in "$T"/cp/*; do
		[ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit x >/dev/null 2>&1
	done
	rm -rf "$T/cp"
}

# once TOOL N: one timed run. Prints wall ms, the largest RSS (KiB) of
# any process of it, and the CPU ms (user + system) of the tool and its
# children; fails when the tool did or the run passed RUN_LIMIT.
once() {
	local s e rc
	[ "$1" != ansible ] || ansible_prepare
	s=$(date +%s%N)
	timeout -k 5 "$RUN_LIMIT" /usr/bin/time -f '%M %U %S' -o "$T/time" \
	    sh "$T/runner.sh" "$@" >"$T/run.out" 2>"$T/run.err"
	rc=$?
	e=$(date +%s%N)
	[ "$1" != ansible ] || ansible_cleanup
	[ $rc -ne 124 ] && [ $rc -ne 137 ] || { echo "timeout"; return 1; }
	echo "$(( (e - s) / 1000000 )) $(tail -n 1 "$T/time" | awk '{printf "%d %d", $1, ($2 + $3) * 1000}')"
	return $rc
}

# answered TOOL N: every host answered, by the tool's own tally.
answered() {
	case $1 in
	fedwiz*) grep -q "bench: $2 pass, 0 fail" "$T/run.out" ;;
	ansible) [ "$(grep -c 'CHANGED' "$T/run.out")" -eq "$2" ] ;;
	pssh) [ "$(grep -c 'SUCCESS' "$T/run.out")" -eq "$2" ] ;;
	ssh-loop) [ "$(grep -c '^ok' "$T/run.out")" -eq "$2" ] ;;
	esac
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

TOOLS=${BENCH_TOOLS:-fedwiz${FEDWIZ_BEFORE:+ fedwiz-before} ansible pssh ssh-loop}
echo "fedwiz ssh benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $RUNS runs each, tools interleaved"
echo "$(ssh -V 2>&1); $(ansible --version 2>/dev/null | sed -n 1p); $(parallel-ssh --version 2>&1 | sed -n '1s/^/pssh /p')"
[ -z "$FEDWIZ_BEFORE" ] || echo "fedwiz-before: $FEDWIZ_BEFORE"
printf '%-13s %4s %10s %10s %12s %14s %12s %9s\n' tool N "median ms" "min ms" "ms per host" "client CPU ms" "max RSS" "vs fedwiz"
failed=0
for n in $NS; do
	inventories "$n"
	tools=
	for tool in $TOOLS; do
		# One login after another: past 50 hosts it only says N times
		# what 50 said.
		[ "$tool" != ssh-loop ] || [ "$n" -le 50 ] || continue
		tools="$tools $tool"
		: >"$T/times-$tool"
		: >"$T/cpus-$tool"
		echo 0 >"$T/rss-$tool"
	done
	r=0
	while [ $r -lt "$RUNS" ]; do
		# This round's order: the list rotated by r.
		set -- $tools
		i=0
		while [ $i -lt $((r % $#)) ]; do
			first=$1
			shift
			set -- "$@" "$first"
			i=$((i + 1))
		done
		for tool in "$@"; do
			if ! out=$(once "$tool" "$n") || ! answered "$tool" "$n"; then
				echo "$tool at N=$n, run $((r + 1)): ${out:-failed}" >&2
				tail -n 5 "$T/run.out" "$T/run.err" >&2
				echo "x" >>"$T/times-$tool"
				failed=1
				continue
			fi
			set -- $out
			echo "$1" >>"$T/times-$tool"
			echo "$3" >>"$T/cpus-$tool"
			[ "$2" -gt "$(cat "$T/rss-$tool")" ] && echo "$2" >"$T/rss-$tool"
			set -- $tools
		done
		r=$((r + 1))
	done
	fmed=$(grep -v x "$T/times-fedwiz" | median)
	for tool in $tools; do
		if grep -q x "$T/times-$tool"; then
			printf '%-13s %4d %10s\n' "$tool" "$n" "failed ($(grep -c x "$T/times-$tool") of $RUNS runs)"
			continue
		fi
		med=$(median <"$T/times-$tool")
		printf '%-13s %4d %10d %10d %12.1f %14d %8d KiB %8.2fx\n' "$tool" "$n" "$med" \
		    "$(sort -n "$T/times-$tool" | head -n 1)" \
		    "$(echo "$med $n" | awk '{print $1 / $2}')" \
		    "$(median <"$T/cpus-$tool")" "$(cat "$T/rss-$tool")" \
		    "$(echo "$med ${fmed:-0}" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }')"
	done
done
exit $failed
