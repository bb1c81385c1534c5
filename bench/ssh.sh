#!/bin/sh
# ssh.sh: one exec check on N loopback hosts, fedwiz against the tools an
# operator would otherwise reach for, in one run on this machine.
#
#   bench/ssh.sh [RUNS [N...]]      (after make; RUNS default 5, N 1 10 50)
#
# Each "host" is a real OpenSSH sshd on 127.0.0.1 at its own port
# (tests/ssh/lib.sh; the command runs through the fx-linux fixture, so the
# server side is the same for every tool). Every tool runs `echo ok` once
# per host, logs in with the same ed25519 key, checks host keys against the
# same known_hosts file, and starts cold (no connection kept from a
# previous run):
#   fedwiz      fedwiz check bench --answers (one ssh check, role of N hosts)
#   ansible     ansible all -m raw -a 'echo ok' -f N   (ControlPersist is
#               Ansible's default; each run gets a fresh ControlPath folder,
#               so it starts cold, as the first run of a window does)
#   pssh        parallel-ssh -p N -i (Debian's pssh)
#   ssh loop    for each host: ssh ... 'echo ok'   (sequential)
# The OpenSSH-based tools are given curve25519 key exchange, which is what
# libssh2 uses: their default (sntrup761x25519) costs more CPU per login,
# and the comparison is of the tools, not the key exchange.
# Reported per tool and N: wall time (median and min of RUNS), per host
# (median / N), the client's CPU time (user + system of the tool and its
# children, median), and the largest resident set of any one process (GNU
# time). On one machine the sshds share the cores with the client, so at
# large N the servers' own CPU is the floor under every tool's wall time;
# the client CPU column is what each tool costs on its own.
# Aims (issue 4): fedwiz at least 5x faster than Ansible at N = 50, no
# slower than pssh, per-host cost flat as N grows.
# Needs: openssh-server, ansible-core (or ansible), pssh, GNU time.
#   apt-get install -y ansible-core pssh time
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-5}
[ $# -gt 0 ] && shift
NS=${*:-1 10 50}
FEDWIZ=$PWD/wizard/fedwiz
[ -x "$FEDWIZ" ] || { echo "build first: ./configure && make" >&2; exit 2; }
for t in ansible parallel-ssh /usr/bin/time; do
	command -v $t >/dev/null || { echo "bench/ssh.sh needs $t: apt-get install -y ansible-core pssh time" >&2; exit 2; }
done
FEDWIZ_SRCDIR=$PWD
export FEDWIZ FEDWIZ_SRCDIR
. tests/cli/lib.sh
. tests/ssh/lib.sh
set +e

MAX=0
for n in $NS; do [ "$n" -gt $MAX ] && MAX=$n; done
ssh_keys
ports=
i=1
while [ $i -le $MAX ]; do
	ssh_start "b$i" auto fx-linux "MaxStartups 200" >/dev/null
	ports="$ports $SSH_PORT"
	i=$((i + 1))
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

# The runners, as a script GNU time can run: runner.sh TOOL N.
export KH KEY KEX T FEDWIZ
cat >"$T/runner.sh" <<'EOF'
run_fedwiz() {
	"$FEDWIZ" --known-hosts "$KH" --identity "$KEY" --runbooks "$T" check bench \
	    --answers "$T/a$1.yaml" </dev/null
}
run_ansible() {
	rm -rf "$T/cp"
	mkdir -p "$T/cp"
	ANSIBLE_SSH_CONTROL_PATH_DIR="$T/cp" ANSIBLE_HOST_KEY_CHECKING=True \
	ANSIBLE_SSH_ARGS="-C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=$KH -o $KEX" \
	ANSIBLE_PRIVATE_KEY_FILE="$KEY" ANSIBLE_REMOTE_USER="$(id -un)" \
	ANSIBLE_LOCAL_TEMP="$T/ansible-tmp" ANSIBLE_NOCOLOR=1 \
	    ansible all -i "$T/ansible$1.ini" -m raw -a 'echo ok' -f "$1" </dev/null
	rc=$?
	# The persisted masters go, so that the next run is cold too.
	for s in "$T"/cp/*; do
		[ -S "$s" ] && ssh -o ControlPath="$s" -O exit x >/dev/null 2>&1
	done
	return $rc
}
run_pssh() {
	parallel-ssh -h "$T/pssh$1.txt" -p "$1" -l "$(id -un)" -t 60 -i \
	    -x "-i $KEY -o IdentitiesOnly=yes -o UserKnownHostsFile=$KH -o StrictHostKeyChecking=yes -o $KEX -F /dev/null" \
	    'echo ok' </dev/null
}
run_loop() {
	rc=0
	for p in $(cat "$T/ports$1"); do
		ssh -F /dev/null -i "$KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$KH" \
		    -o StrictHostKeyChecking=yes -o BatchMode=yes -o "$KEX" \
		    -p "$p" "$(id -un)@127.0.0.1" 'echo ok' </dev/null || rc=1
	done
	return $rc
}
run_$1 "$2"
EOF

# One timed run: wall ms, the largest RSS (KiB) of any process of it, and
# the CPU ms (user + system) of the tool and its children: what the client
# side costs, apart from the sshds' share of the two cores.
once() {
	s=$(date +%s%N)
	/usr/bin/time -f '%M %U %S' -o "$T/time" sh "$T/runner.sh" "$@" >"$T/run.out" 2>"$T/run.err"
	rc=$?
	e=$(date +%s%N)
	echo "$(( (e - s) / 1000000 )) $(tail -n 1 "$T/time" | awk '{printf "%d %d", $1, ($2 + $3) * 1000}')"
	return $rc
}

echo "fedwiz ssh benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $RUNS runs each"
echo "$(ssh -V 2>&1); $(ansible --version | head -n 1); $(parallel-ssh --version 2>&1 | head -n 1 | sed 's/^/pssh /')"
printf '%-9s %4s %10s %10s %12s %12s %10s\n' tool N "median ms" "min ms" "ms per host" "client CPU ms" "max RSS"
for n in $NS; do
	inventories "$n"
	for tool in fedwiz ansible pssh loop; do
		: >"$T/times"
		: >"$T/cpus"
		rss=0
		r=0
		while [ $r -lt "$RUNS" ]; do
			out=$(once $tool "$n") || {
				echo "$tool at N=$n failed:" >&2
				tail -n 5 "$T/run.out" "$T/run.err" >&2
				exit 1
			}
			set -- $out
			echo "$1" >>"$T/times"
			echo "$3" >>"$T/cpus"
			[ "$2" -gt "$rss" ] && rss=$2
			r=$((r + 1))
		done
		# Every host answered: the tool's own tally.
		case $tool in
		fedwiz) grep -q "bench: $n pass, 0 fail" "$T/run.out" ;;
		ansible) [ "$(grep -c 'CHANGED' "$T/run.out")" -eq "$n" ] ;;
		pssh) [ "$(grep -c 'SUCCESS' "$T/run.out")" -eq "$n" ] ;;
		loop) [ "$(grep -c '^ok' "$T/run.out")" -eq "$n" ] ;;
		esac || { echo "$tool at N=$n: not every host answered" >&2; cat "$T/run.out" >&2; exit 1; }
		sort -n "$T/times" >"$T/sorted"
		med=$(sed -n "$(( (RUNS + 1) / 2 ))p" "$T/sorted")
		cpu=$(sort -n "$T/cpus" | sed -n "$(( (RUNS + 1) / 2 ))p")
		printf '%-9s %4d %10d %10d %12.1f %12d %7d KiB\n' $tool "$n" "$med" \
		    "$(head -n 1 "$T/sorted")" "$(echo "$med $n" | awk '{print $1 / $2}')" "$cpu" "$rss"
	done
done
