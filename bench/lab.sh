#!/bin/sh
# lab.sh: how long a training lab takes to be ready, and to go.
#
#   bench/lab.sh [RUNS]        (after make; RUNS default 5)
#
# Each run, in a new folder under a temporary directory:
#   up fresh     fedwiz lab up --dir D (new: keys, CA, estate, sshd,
#                dnsmasq, the TLS daemon; returns when every listener
#                answers)
#   down         fedwiz lab down --dir D
#   up again     fedwiz lab up --dir D (the state is kept: processes only)
#   up conf.     fedwiz lab up --dir D2 --state configured (new, with
#                every runbook's changes applied)
#   check        fedwiz check lync-imp-tls --answers D2/answers/... (every
#                check of the largest runbook against the configured lab:
#                ssh, tls, dns, x509; exit 0 or 1: two known defects of
#                the runbook fail, tests/lab/known-defects)
# and, as the floor under a new lab, the reference
#   genrsa x2    two `openssl genrsa 2048` one after the other (a new lab
#                makes four RSA-2048 keys on two threads)
# Reported: wall time, median and min of RUNS (from date +%s%N), and the
# load average before the runs: on a shared machine the times follow it.
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-5}
FEDWIZ=$PWD/wizard/fedwiz
[ -x "$FEDWIZ" ] || { echo "build first: ./configure && make" >&2; exit 2; }
FEDWIZ_BUILDDIR=$PWD
export FEDWIZ_BUILDDIR
W=$(mktemp -d /tmp/fedwiz-bench-lab.XXXXXX)
cleanup() {
	for d in "$W"/*/; do
		[ -f "$d/lab.db" ] && "$FEDWIZ" lab down --dir "$d" >/dev/null 2>&1
	done
	rm -rf "$W"
}
trap cleanup 0
trap 'exit 130' INT TERM

now() { date +%s%N; }
# time_ms NAME CMD...: the command's wall time in ms, appended to $W/NAME.
time_ms() {
	local name=$1 t0 t1
	shift
	t0=$(now)
	"$@" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
	t1=$(now)
	echo $(( (t1 - t0) / 1000000 )) >>"$W/$name"
}
stats() { # NAME: "median min" in seconds
	sort -n "$W/$1" | awk '{ v[NR] = $1 } END {
	    printf "%6.2f s %6.2f s", v[int((NR + 1) / 2)] / 1000, v[1] / 1000 }'
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $RUNS runs"
i=1
while [ "$i" -le "$RUNS" ]; do
	D="$W/l$i"
	D2="$W/c$i"
	time_ms genrsa sh -c 'openssl genrsa 2048 >/dev/null 2>&1;
	    openssl genrsa 2048 >/dev/null 2>&1'
	time_ms upfresh "$FEDWIZ" lab up --dir "$D"
	time_ms down "$FEDWIZ" lab down --dir "$D"
	time_ms upagain "$FEDWIZ" lab up --dir "$D"
	"$FEDWIZ" lab down --dir "$D" >/dev/null
	time_ms upconf "$FEDWIZ" lab up --dir "$D2" --state configured
	time_ms check sh -c '"$0" "$@"; [ $? -le 1 ]' "$FEDWIZ" check \
	    lync-imp-tls --answers "$D2/answers/lync-imp-tls.yaml"
	"$FEDWIZ" lab down --dir "$D2" >/dev/null
	rm -rf "$D" "$D2"
	i=$((i + 1))
done
printf '%-12s %8s %8s\n' "" median min
printf '%-12s %s\n' "up fresh" "$(stats upfresh)"
printf '%-12s %s\n' "down" "$(stats down)"
printf '%-12s %s\n' "up again" "$(stats upagain)"
printf '%-12s %s\n' "up conf." "$(stats upconf)"
printf '%-12s %s\n' "check" "$(stats check)"
printf '%-12s %s\n' "genrsa x2" "$(stats genrsa)"
