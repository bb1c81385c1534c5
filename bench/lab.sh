#!/bin/sh
# lab.sh: how long a training lab takes to be ready, and to go.
#
#   bench/lab.sh [RUNS]        (after make; RUNS default 5)
#   bench/lab.sh --seats N [RUNS]   a class (RUNS default 3; see below)
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
#
# With --seats N, each run, interleaved:
#   class        fedwiz lab up --seats N --dir D (N seats in parallel, one
#                key pool), then lab down --dir D
#   one by one   N times fedwiz lab up --dir Dk, one after the other (what
#                a trainer would do without --seats), then each lab down
#   genrsa x2    the floor of one new lab, as above
# plus, for the class: the client's CPU (user + system of fedwiz and the
# seats' children it waited for, from /usr/bin/time), and the memory of
# every process of the class once it is up (sshd, dnsmasq, the TLS
# daemons), summed from /proc: RSS, and PSS (shared pages counted once).
set -eu
cd "$(dirname "$0")/.."
SEATS=
if [ "${1:-}" = --seats ]; then
	SEATS=${2:?--seats N}
	shift 2
	RUNS=${1:-3}
else
	RUNS=${1:-5}
fi
FEDWIZ=$PWD/wizard/fedwiz
[ -x "$FEDWIZ" ] || { echo "build first: ./configure && make" >&2; exit 2; }
FEDWIZ_BUILDDIR=$PWD
export FEDWIZ_BUILDDIR
W=$(mktemp -d /tmp/fedwiz-bench-lab.XXXXXX)
cleanup() {
	for d in "$W"/*/; do
		{ [ -f "$d/lab.db" ] || [ -f "$d/class" ]; } &&
		    "$FEDWIZ" lab down --dir "$d" >/dev/null 2>&1
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

# mem_kb DIR FIELD: the sum of FIELD (Rss or Pss, kB) over every process
# whose command line names DIR (the lab's servers all do), and how many.
mem_kb() {
	local dir=$1 field=$2 p sum=0 n=0 v
	for p in /proc/[0-9]*; do
		case $({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) in
		*"$dir"*) ;;
		*) continue ;;
		esac
		v=$(awk -v f="$field:" '$1 == f { print $2 }' "$p/smaps_rollup" 2>/dev/null)
		sum=$((sum + ${v:-0}))
		n=$((n + 1))
	done
	echo "$sum $n"
}

if [ -n "$SEATS" ]; then
	echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $RUNS runs, $SEATS seats"
	i=1
	while [ "$i" -le "$RUNS" ]; do
		D="$W/class$i"
		time_ms genrsa sh -c 'openssl genrsa 2048 >/dev/null 2>&1;
		    openssl genrsa 2048 >/dev/null 2>&1'
		if [ -x /usr/bin/time ]; then
			time_ms class /usr/bin/time -o "$W/cpu" -f "%U %S" \
			    "$FEDWIZ" lab up --seats "$SEATS" --dir "$D"
			awk '{ printf "%.2f\n", $1 + $2 }' "$W/cpu" >>"$W/classcpu"
		else
			time_ms class "$FEDWIZ" lab up --seats "$SEATS" --dir "$D"
		fi
		mem_kb "$D/" Rss | awk '{ print int($1 / 1024); print $2 >"'"$W/nproc.1"'" }' >>"$W/rss"
		cat "$W/nproc.1" >>"$W/nproc"
		mem_kb "$D/" Pss | awk '{ print int($1 / 1024) }' >>"$W/pss"
		time_ms classdown "$FEDWIZ" lab down --dir "$D"
		rm -rf "$D"
		t0=$(now)
		k=1
		while [ "$k" -le "$SEATS" ]; do
			"$FEDWIZ" lab up --dir "$W/one$i-$k" >/dev/null 2>"$W/err" ||
			    { cat "$W/err" >&2; exit 1; }
			k=$((k + 1))
		done
		echo $(( ($(now) - t0) / 1000000 )) >>"$W/serial"
		for d in "$W"/one"$i"-*/; do
			"$FEDWIZ" lab down --dir "$d" >/dev/null
			rm -rf "$d"
		done
		i=$((i + 1))
	done
	printf '%-22s %8s %8s\n' "" median min
	printf '%-22s %s\n' "class up ($SEATS seats)" "$(stats class)"
	printf '%-22s %s\n' "one by one ($SEATS labs)" "$(stats serial)"
	printf '%-22s %s\n' "class down" "$(stats classdown)"
	printf '%-22s %s\n' "genrsa x2" "$(stats genrsa)"
	paste "$W/serial" "$W/class" | awk '{ printf "%.2f\n", $1 / $2 }' |
	    sort -n | awk '{ v[NR] = $1 } END {
	    printf "one by one / class: %.1fx (median of %d runs)\n",
	    v[int((NR + 1) / 2)], NR }'
	[ -f "$W/classcpu" ] && sort -n "$W/classcpu" | awk '{ v[NR] = $1 } END {
	    printf "class up, client CPU (user+sys): median %.2f s\n", v[int((NR + 1) / 2)] }'
	sort -n "$W/rss" | awk '{ v[NR] = $1 } END {
	    printf "class memory: RSS %d MB", v[int((NR + 1) / 2)] }'
	sort -n "$W/pss" | awk '{ v[NR] = $1 } END {
	    printf ", PSS %d MB", v[int((NR + 1) / 2)] }'
	sort -n "$W/nproc" | awk '{ v[NR] = $1 } END {
	    printf " (%d processes)\n", v[int((NR + 1) / 2)] }'
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	exit 0
fi

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
