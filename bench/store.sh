#!/bin/sh
# store.sh: the cost of durability and of reading progress back, on this
# machine, in one run.
#
#   bench/store.sh [RUNS]        (after make; RUNS default 31)
#
# Measured:
#   - one durable step transition in-process (store_step_set: one IMMEDIATE
#     transaction, WAL, synchronous=FULL), next to appending a line to a
#     file and fsync'ing it: the floor under any durable record (what a
#     careful operator's notes file would cost);
#   - `fedwiz step` as a whole command (process start, open, check, commit),
#     and how many fsync/fdatasync it makes (strace -c, when installed);
#   - `fedwiz status` and `status --json` on a session of lync-imp-tls with
#     110 front-end servers: about 10,000 step rows;
#   - for reference, the sqlite3 CLI reading those rows.
# Aims (issue 3): transition under 5 ms, status on 10,000 rows under 20 ms.
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-31}
FEDWIZ=${FEDWIZ:-wizard/fedwiz}
[ -x "$FEDWIZ" ] && [ -f libfedwiz.a ] || { echo "build first: ./configure && make" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/fedwiz-bench.XXXXXX")
trap 'rm -rf "$T"' 0 INT TERM

# shellcheck disable=SC2046
cc -O2 -I. -Iinclude -o "$T/store-latency" bench/store-latency.c libfedwiz.a \
    $(pkg-config --cflags --libs sqlite3 yaml-0.1 openssl) -lpthread

echo "fedwiz store benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(df -h "$T" | awk 'NR==2 {print $1}')"
"$T/store-latency" latency "$T/lat.db" 2000

ms() {
	name=$1; shift
	: >"$T/times"
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s%N)
		echo $(( (e - s) / 1000 )) >>"$T/times"
		i=$((i + 1))
	done
	sort -n "$T/times" >"$T/sorted"
	printf '%-46s median %7.2f ms  min %7.2f\n' "$name" \
	    "$(sed -n "$(( (RUNS + 1) / 2 ))p" "$T/sorted" | awk '{print $1/1000}')" \
	    "$(head -n 1 "$T/sorted" | awk '{print $1/1000}')"
}

# A whole `fedwiz step` command: alternate done and reopen.
F="$FEDWIZ --runbooks steps --state $T/cmd.db"
$F start lync-cup-federation --operator bench >/dev/null 2>&1
flip() {
	$F step configure-certificates 1 done >/dev/null 2>&1
	$F step configure-certificates 1 reopen >/dev/null 2>&1
}
ms "fedwiz step, whole command (x2: done, reopen)" flip
# What the durability costs in syncs: strace -c over one step (the floor
# is one: the commit's fdatasync of the WAL).
if command -v strace >/dev/null; then
	$F step configure-certificates 1 done >/dev/null 2>&1
	$F step configure-certificates 1 reopen >/dev/null 2>&1
	# shellcheck disable=SC2086
	strace -f -qq -c -e trace=fsync,fdatasync,sync_file_range -o "$T/strace" \
	    $F step configure-certificates 1 done >/dev/null 2>&1
	printf '%-46s %s\n' "fedwiz step: fsync+fdatasync (strace -c)" \
	    "$(awk '$NF ~ /sync/ { n += $4 } END { print n + 0 }' "$T/strace")"
fi

# Status on ~10,000 step rows.
{
	echo "runbook: lync-imp-tls"
	echo "vars: { lync_fqdn: fe.example.com, lync_pool_fqdn: pool.example.com, imp_fqdn: imp1.example.com, imp_address: 192.0.2.20, sip_domain: example.com, ca_server: ca.example.com, tcp_configured: yes }"
	echo "hosts:"
	echo "  lync_fe:"
	i=1
	while [ $i -le 110 ]; do echo "    - { name: fe$i }"; i=$((i + 1)); done
	echo "  imp: [ { name: imp1 } ]"
} >"$T/big.yaml"
S="$FEDWIZ --runbooks steps --state $T/big.db"
sid=$($S start lync-imp-tls --answers "$T/big.yaml" --operator bench 2>/dev/null)
"$T/store-latency" fill "$T/big.db" steps "$sid"
ms "fedwiz status (10k step rows)" $S status
ms "fedwiz status --json (10k step rows)" $S status --json
if command -v sqlite3 >/dev/null; then
	ms "sqlite3 CLI: read the step rows (reference)" sqlite3 "$T/big.db" \
	    "SELECT proc, host, step, status, note FROM steps"
fi
