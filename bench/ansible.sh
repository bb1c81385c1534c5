#!/bin/sh
# ansible.sh: the hand-off to Ansible against one fedwiz checking every host
# itself, on simulated estates of S sites of H hosts, in one run.
#
#   bench/ansible.sh [RUNS [S...]]     (after make; RUNS 3, S 1 4 16; H=50)
#   BENCH_HOSTS=H                      hosts per site (50)
#   BENCH_DIRECT=1                     only the direct runs: how far one
#                                      console goes (S x H hosts)
#
# The estate: H device sshds on 127.0.0.1 (the fx-linux fixture; host i of
# every site is served by sshd i, so S x H hosts are S x H SSH logins) and S
# jump hosts (sshds that run what they are asked, tests/ansible/lib.sh). The
# runbook is tests/ansible/data/handoff-estate.yaml: three checks per host
# (two pass, one fails), one SSH session per host for all of them.
#   direct    one fedwiz: fedwiz check --answers, every host at once, as a
#             console that reached every host would
#   hand-off  fedwiz export ansible, ansible-playbook (forks = S, one jump
#             host per site, each site's fedwiz checks its H hosts), fedwiz
#             import; each part timed, and the three together
# Reported per S: hosts, wall time (median and min of RUNS), the client's
# CPU (user + system, children included), the largest resident set of any
# one process, and for direct the most file descriptors fedwiz held open at
# once (sampled every 20 ms from /proc). Everything shares this machine's
# cores: the sshds' own CPU is the floor under both; the client CPU column
# is what each side costs on its own. The jump hosts' fedwiz run on this
# machine too: in an estate they run on S machines at once.
# Every run is checked: both sides must report 2 x S x H passes and S x H
# failures, and import must record them.
# Needs: openssh-server, ansible-core, GNU time (apt-get install -y
# ansible-core time).
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-3}
[ $# -gt 0 ] && shift
SITES=${*:-1 4 16}
H=${BENCH_HOSTS:-50}
FEDWIZ=$PWD/wizard/fedwiz
[ -x "$FEDWIZ" ] || { echo "build first: ./configure && make" >&2; exit 2; }
for t in ansible-playbook /usr/bin/time; do
	command -v $t >/dev/null || { echo "bench/ansible.sh needs $t: apt-get install -y ansible-core time" >&2; exit 2; }
done
FEDWIZ_SRCDIR=$PWD
export FEDWIZ FEDWIZ_SRCDIR
. tests/cli/lib.sh
. tests/ssh/lib.sh
. tests/ansible/lib.sh
set +e

MAXS=0
for s in $SITES; do [ "$s" -gt $MAXS ] && MAXS=$s; done
ansible_keys
devs=
i=1
while [ $i -le "$H" ]; do
	ssh_start "d$i" auto fx-linux "MaxStartups 200" "MaxSessions 50" >/dev/null
	devs="$devs $SSH_PORT"
	i=$((i + 1))
done
jumps=
i=1
[ "${BENCH_DIRECT:-0}" = 1 ] && MAXS=0
while [ $i -le "$MAXS" ]; do
	ansible_jump "j$i" >/dev/null
	jumps="$jumps $SSH_PORT"
	i=$((i + 1))
done
ssh_known_hosts "$T/kh" $devs
[ -z "$jumps" ] || ansible_known_hosts $jumps
U=$(id -un)

# answers S: the estate with sites ($T/a-S.yaml) and the same hosts reached
# directly ($T/d-S.yaml).
answers() {
	local s k i j p
	s=$1
	{
		echo "runbook: handoff-estate"
		echo "vars: { sip_domain: example.com, missing_word: absent }"
		echo "sites:"
		k=1
		for j in $jumps; do
			[ $k -le "$s" ] || break
			mkdir -p -m 700 "$T/w$k"
			echo "  s$k: { address: 127.0.0.1, port: $j, user: $U, fedwiz: $FEDWIZ, workdir: $T/w$k, known_hosts: $T/kh, identity: $T/id_ed25519 }"
			k=$((k + 1))
		done
		echo "hosts:"
		echo "  node:"
		k=1
		while [ $k -le "$s" ]; do
			i=1
			for p in $devs; do
				echo "    - { name: s$k-n$i, address: 127.0.0.1, port: $p, user: $U, site: s$k, vars: { node_label: s$k-n$i } }"
				i=$((i + 1))
			done
			k=$((k + 1))
		done
	} >"$T/a-$s.yaml"
	grep -v '^sites:\|^  s[0-9]*: { address' "$T/a-$s.yaml" |
	    sed 's/, site: s[0-9]*//' >"$T/d-$s.yaml"
	chmod 600 "$T/a-$s.yaml" "$T/d-$s.yaml"
}

# timed OUT CMD...: wall ms, max RSS KiB and CPU ms (user + system, with
# children) of CMD into $T/timed; its stdout in OUT. The most fds the
# first fedwiz under it held, when FDS=1, into $T/fds.
timed() {
	local out s0 s1 tp max c nfd rc
	out=$1
	shift
	: >"$T/fds"
	s0=$(date +%s%N)
	/usr/bin/time -f '%M %U %S' -o "$T/time" "$@" >"$out" 2>"$out.err" &
	tp=$!
	if [ "${FDS:-0}" = 1 ]; then
		max=0
		while kill -0 $tp 2>/dev/null; do
			for c in $(ps -o pid= --ppid $tp 2>/dev/null); do
				nfd=$(ls /proc/$c/fd 2>/dev/null | wc -l)
				[ "$nfd" -gt "$max" ] && max=$nfd
			done
			sleep 0.02
		done
		echo "$max" >"$T/fds"
	fi
	wait $tp
	rc=$?
	s1=$(date +%s%N)
	echo "$(( (s1 - s0) / 1000000 )) $(tail -n 1 "$T/time" | awk '{printf "%d %d", $1, ($2 + $3) * 1000}')" >"$T/timed"
	return $rc
}

med() { sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
minv() { sort -n | head -n 1; }
maxv() { sort -n | tail -n 1; }

echo "fedwiz hand-off benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $RUNS runs each, $H hosts per site"
echo "$(ssh -V 2>&1); $(ansible-playbook --version 2>/dev/null | sed -n 1p); load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %5s %5s %9s %9s %11s %10s %5s\n' what sites hosts "median ms" "min ms" "client CPU" "max RSS" fds
for s in $SITES; do
	n=$((s * H))
	answers "$s"
	for f in direct export playbook import handoff; do
		: >"$T/$f.ms"; : >"$T/$f.cpu"; : >"$T/$f.rss"; : >"$T/$f.fds"
	done
	r=0
	while [ $r -lt "$RUNS" ]; do
		# One console, every host.
		FDS=1 timed "$T/direct.out" "$FEDWIZ" --known-hosts "$T/kh" --identity "$T/id_ed25519" \
		    check handoff-estate --answers "$T/d-$s.yaml" --json
		rc=$?
		[ $rc -eq 1 ] && [ "$(jq -c '[.summary.pass, .summary.fail, .summary.error]' "$T/direct.out")" = "[$((2 * n)),$n,0]" ] ||
		    { echo "direct at $n hosts (exit $rc):" >&2; jq -c .summary "$T/direct.out" >&2; tail -5 "$T/direct.out.err" >&2; exit 1; }
		set -- $(cat "$T/timed")
		echo "$1" >>"$T/direct.ms"; echo "$2" >>"$T/direct.rss"; echo "$3" >>"$T/direct.cpu"
		cat "$T/fds" >>"$T/direct.fds"
		if [ "${BENCH_DIRECT:-0}" = 1 ]; then
			r=$((r + 1))
			continue
		fi

		# The hand-off: a session, its export, the play, the import.
		db="$T/db-$s-$r"
		"$FEDWIZ" --state "$db" start handoff-estate --answers "$T/a-$s.yaml" >"$T/sid" 2>/dev/null ||
		    { echo "start failed" >&2; exit 1; }
		rm -rf "$T/p"
		timed "$T/export.out" "$FEDWIZ" --state "$db" export ansible handoff-estate \
		    --session "$(cat "$T/sid")" -o "$T/p" || { cat "$T/export.out.err" >&2; exit 1; }
		set -- $(cat "$T/timed")
		e_ms=$1
		echo "$1" >>"$T/export.ms"; echo "$2" >>"$T/export.rss"; echo "$3" >>"$T/export.cpu"
		rm -rf "$T/ansible-tmp"/* "$T"/cm-* 2>/dev/null
		timed "$T/play.out" sh -c 'cd "$1" && HOME="$2" ansible-playbook -f "$3" playbook.yml' sh \
		    "$T/p" "$ANSIBLE_HOME_DIR" "$s" || { tail -30 "$T/play.out" >&2; exit 1; }
		set -- $(cat "$T/timed")
		p_ms=$1
		echo "$1" >>"$T/playbook.ms"; echo "$2" >>"$T/playbook.rss"; echo "$3" >>"$T/playbook.cpu"
		# The masters the play left, so the next run starts cold too.
		for c in "$T"/cm-*; do
			[ -S "$c" ] && ssh -o ControlPath="$c" -O exit x >/dev/null 2>&1
		done
		timed "$T/import.out" "$FEDWIZ" --state "$db" import "$T"/p/results/*.json \
		    --session "$(cat "$T/sid")" || { cat "$T/import.out.err" >&2; exit 1; }
		set -- $(cat "$T/timed")
		echo "$1" >>"$T/import.ms"; echo "$2" >>"$T/import.rss"; echo "$3" >>"$T/import.cpu"
		echo $((e_ms + p_ms + $1)) >>"$T/handoff.ms"
		got=$("$FEDWIZ" --state "$db" status --session "$(cat "$T/sid")" --json |
		    jq -c '[([.sites[].imports[].pass] | add), ([.sites[].imports[].fail] | add), ([.sites[].imports[].error] | add)]')
		[ "$got" = "[$((2 * n)),$n,0]" ] || { echo "hand-off at $n hosts imported $got" >&2; exit 1; }
		rm -rf "$db" "$db-wal" "$db-shm"
		r=$((r + 1))
	done
	for f in direct export playbook import; do
		[ -s "$T/$f.ms" ] || continue
		printf '%-22s %5d %5d %9d %9d %8d ms %6d KiB %5s\n' "$f" "$s" "$n" \
		    "$(med <"$T/$f.ms")" "$(minv <"$T/$f.ms")" "$(med <"$T/$f.cpu")" \
		    "$(maxv <"$T/$f.rss")" "$( [ $f = direct ] && maxv <"$T/$f.fds" || echo -)"
	done
	[ -s "$T/handoff.ms" ] || continue
	hm=$(med <"$T/handoff.ms")
	dm=$(med <"$T/direct.ms")
	printf '%-22s %5d %5d %9d %9d %11s %10s %5s   x%.1f of direct\n' "hand-off (all three)" "$s" "$n" \
	    "$hm" "$(minv <"$T/handoff.ms")" - - - "$(echo "$hm $dm" | awk '{print $1 / $2}')"
done
