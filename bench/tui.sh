#!/bin/sh
# tui.sh: what the console wizard costs on this machine, in one run: how
# soon its first screen is up, how much memory it takes, and how much CPU
# it burns while it waits for the operator.
#
#   bench/tui.sh [RUNS]        (after make; RUNS default 11)
#
# The wizard runs in an 80x24 tmux pane (tests/tui/lib.sh), TERM
# screen-256color, LANG C.UTF-8, on a session of the largest shipped
# runbook (most steps in `fedwiz list`) left on its plan, as an operator
# who quit would have left it.
# Measured:
#   - first screen: from the moment the pane's shell execs fedwiz to the
#     moment capture-pane shows the status bar on the last line (drawn in
#     the same refresh as the rest of the screen), median, min and max of
#     RUNS. The screen is polled as fast as tmux answers; one poll's cost
#     (printed) is the resolution. Two cases: resuming that session onto
#     its plan, and the session picker of an empty state;
#   - peak memory: GNU time's maximum resident set of fedwiz (time -f %M
#     wrapping fedwiz inside the pane, read after quitting);
#   - idle CPU: user + system ticks of fedwiz (/proc/PID/stat) over 10 s
#     with the plan on screen and no key pressed, as a percent of one core.
# Aims (issue 6): first screen under 50 ms, under 10 MB, idle under 1 %.
# Needs: tmux, GNU time (apt-get install -y tmux time).
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-11}
IDLE=${IDLE:-10}
FEDWIZ=$PWD/wizard/fedwiz
[ -x "$FEDWIZ" ] || { echo "build first: ./configure && make" >&2; exit 2; }
for t in tmux /usr/bin/time; do
	command -v $t >/dev/null || { echo "bench/tui.sh needs $t: apt-get install -y tmux time" >&2; exit 2; }
done
FEDWIZ_SRCDIR=$PWD
FEDWIZ_RUNBOOKS=$PWD/steps
export FEDWIZ FEDWIZ_SRCDIR FEDWIZ_RUNBOOKS
. tests/cli/lib.sh
. tests/tui/lib.sh

rb=$("$FEDWIZ" list --json | jq -r '.runbooks | max_by(.steps) | .id')
"$FEDWIZ" list --json | jq -r --arg rb "$rb" \
    '.runbooks[] | select(.id == $rb) | "\(.procedures) \(.steps)"' >"$T/size"
read -r nprocs nsteps <"$T/size"
answers=tests/ssh/data/$rb.answers.yaml
[ -f "$answers" ] || { echo "no answers file for $rb at $answers" >&2; exit 2; }
expect_exit 0 F start "$rb" --answers "$answers"
sid=$(cat "$T/out")
ninst=$(F plan "$rb" --answers "$answers" --json | jq '.procedures | length')
title=$("$FEDWIZ" list --json | jq -r --arg rb "$rb" '.runbooks[] | select(.id == $rb) | .title' | cut -c 1-40)

# Leave the wizard on the plan, as an operator who quit there would.
tui_start
tui_wait "$rb"
tui_keys Enter
tui_wait_gone "fedwiz: sessions"
tui_wait_line 1 "$title"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0

# first_screen PATTERN [ARGS...]: ms from exec to PATTERN on the last line.
# (The fork of date in the loop would cost more than the poll: the loop
# counts polls instead of watching a clock.)
first_screen() {
	pat=$1
	shift
	tui_launch "$@"
	n=0
	while :; do
		l=$(tx capture-pane -p -t fw -S $((TUI_ROWS - 1)) -E $((TUI_ROWS - 1)))
		case $l in *"$pat"*) break ;; esac
		n=$((n + 1))
		[ $n -lt 5000 ] || { tui_show; fail "no '$pat' after 5000 polls"; }
	done
	t1=$(date +%s%N)
	t0=$(cat "$T/tui.pid.t0")
	echo $(( (t1 - t0) / 1000000 ))
}

# quit: q, y, and fedwiz ended with 0.
quit() {
	tui_keys q
	tui_wait "Quit fedwiz?"
	tui_keys y
	tui_expect_exit 0
}

# stats FILE: median min max of the numbers in FILE.
stats() {
	sort -n "$1" >"$1.sorted"
	c=$(wc -l <"$1.sorted")
	echo "$(sed -n "$(( (c + 1) / 2 ))p" "$1.sorted") $(head -n 1 "$1.sorted") $(tail -n 1 "$1.sorted")"
}

: >"$T/plan.ms"
r=0
while [ $r -lt "$RUNS" ]; do
	first_screen " session $sid " >>"$T/plan.ms"
	tui_wait_line 1 "$title"
	quit
	r=$((r + 1))
done

# The cost of one poll: the resolution of the times above.
s=$(date +%s%N)
i=0
while [ $i -lt 50 ]; do
	l=$(tx capture-pane -p -t fw -S $((TUI_ROWS - 1)) -E $((TUI_ROWS - 1)))
	i=$((i + 1))
done
poll=$(( ($(date +%s%N) - s) / 50000 ))	# us

# An empty state: the picker.
DB_KEEP=$DB
DB=$T/empty.db
: >"$T/empty.ms"
r=0
while [ $r -lt "$RUNS" ]; do
	first_screen "no session open" >>"$T/empty.ms"
	quit
	r=$((r + 1))
done
DB=$DB_KEEP

# Memory and idle CPU: fedwiz under GNU time, on the plan.
TUI_WRAP="/usr/bin/time -f %M -o $T/rss"
first_screen " session $sid " >/dev/null
tp=$(tui_pid)
fp=$(awk '{ print $1 }' "/proc/$tp/task/$tp/children")
[ -n "$fp" ] || fail "no fedwiz under GNU time (pid $tp)"
grep -q "fedwiz" "/proc/$fp/cmdline" || fail "pid $fp is not fedwiz"
ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
a=$(ticks "$fp")
sleep "$IDLE"
b=$(ticks "$fp")
hz=$(getconf CLK_TCK)
quit
TUI_WRAP=
rss=$(tail -n 1 "$T/rss")

set -- $(stats "$T/plan.ms")
pm=$1 pmin=$2 pmax=$3
set -- $(stats "$T/empty.ms")
em=$1 emin=$2 emax=$3

echo "fedwiz console benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $RUNS runs each"
echo "$(tmux -V), ${TUI_COLS}x$TUI_ROWS, TERM=$TUI_TERM, LANG=C.UTF-8; one poll of the screen: $(echo "$poll" | awk '{ printf "%.1f", $1 / 1000 }') ms"
echo "runbook $rb: $nprocs procedures, $nsteps steps, $ninst instances planned"
printf '%-36s %10s %8s %8s %12s\n' measure median min max aim
printf '%-36s %7d ms %5d ms %5d ms %12s\n' "first screen: resume onto the plan" "$pm" "$pmin" "$pmax" "< 50 ms"
printf '%-36s %7d ms %5d ms %5d ms %12s\n' "first screen: picker, empty state" "$em" "$emin" "$emax" "< 50 ms"
printf '%-36s %6d KiB %8s %8s %12s\n' "peak memory (max RSS)" "$rss" "" "" "< 10 MB"
printf '%-36s %8s %8s %8s %12s\n' "idle CPU over ${IDLE} s" \
    "$(echo "$a $b $hz $IDLE" | awk '{ printf "%.2f %%", ($2 - $1) * 100 / ($3 * $4) }')" \
    "" "" "< 1 %"
echo "(idle: $((b - a)) ticks of 1/$hz s in ${IDLE} s)"
