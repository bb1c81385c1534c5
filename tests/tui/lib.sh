# lib.sh: sourced by the console wizard's tests, after tests/cli/lib.sh
# (which gives $T, fail, expect_exit, write). The real binary runs in a
# tmux pane of a private tmux server (socket in $T, no configuration
# file; a new server for each start), in a terminal of exactly TUI_COLS x
# TUI_ROWS (80x24), and the test reads the screen as tmux sees it.
#
#   tui_start [VAR=VALUE...] [ARGS...]   fedwiz ARGS in a new pane, with
#                        --state $T/db first; the environment is only PATH,
#                        HOME, TERM, LANG, FEDWIZ_RUNBOOKS, FEDWIZ_OPERATOR
#                        and the VAR=VALUEs given (LANG=C, NO_COLOR=1, ...)
#   tui_launch [...]     tui_start without waiting for fedwiz's pid file
#                        (bench/tui.sh polls the screen at once)
#   tui_keys KEY...      tmux send-keys: key names (Enter, Escape, C-c, Up,
#                        BSpace) or text
#   tui_type TEXT        TEXT as typed, never read as a key name
#   tui_screen [-e]      the screen into $T/screen (with -e: with its
#                        attributes as SGR escapes) and on standard output
#   tui_wait TEXT [S]    until TEXT is on the screen, at most S seconds
#                        (TUI_WAIT, default 30: a deadline for hangs,
#                        not a speed test); else print it and fail
#   tui_wait_gone TEXT [S]  until TEXT is no longer on the screen
#   tui_wait_line N TEXT [S]  until line N (1-based) has TEXT
#   tui_wait_wrapped TEXT [S]  until TEXT is on the screen, perhaps wrapped
#                        over lines (a message wraps where the window
#                        says: the lines are read joined by one space)
#   tui_wait_selected TEXT [S]  until a highlighted line has TEXT
#   tui_line N           line N (1-based) of the last tui_screen
#   tui_highlighted      the lines shown in reverse video (the selection),
#                        the status bar (last line) left out
#   tui_resize COLS ROWS the terminal's new size (the wizard gets SIGWINCH)
#   tui_pid              the fedwiz process's pid
#   tui_exit_code [S]    wait for fedwiz to end; print its exit status
#   tui_expect_exit N    wait for fedwiz to end; fail unless with N and
#                        with nothing on standard error
#   tui_tty_restored     fedwiz left the terminal as it found it: out of
#                        the alternate screen, cursor shown, keypad off, and
#                        the same stty settings
#   tui_stop             end the pane (and fedwiz with it, by its pid)
#   tui_first_procedure [ARGS...]  a lync-imp-tls session ($sid), the
#                        wizard open on its first procedure
#
# The pane runs a wrapper ($T/tui.run) that writes fedwiz's pid to
# $T/tui.pid (and the time it starts it, in ns, to $T/tui.pid.t0), runs
# it with standard error into $T/tui.err (behind $TUI_WRAP, a command and
# its arguments, when set: bench/tui.sh's GNU time), then prints
# "EXIT=N" on the restored screen and writes N to $T/tui.exit. Cleanup
# kills the tmux server and whatever fedwiz it still has, by pid; a
# watchdog does the same if the test shell dies without cleaning up, or
# after TUI_TEST_MAX_LIFETIME seconds (300).
#
# Nothing here sleeps for a set time to let the wizard catch up: every
# wait polls the screen for what the test expects, with a deadline.

: "${T:?source tests/cli/lib.sh first}"
command -v tmux >/dev/null ||
	{ echo "SKIP: tmux is needed (./bootstrap installs it)"; exit 77; }

TUI_COLS=${TUI_COLS:-80}
TUI_ROWS=${TUI_ROWS:-24}
TUI_WAIT=${TUI_WAIT:-30}
TUI_TERM=${TUI_TERM:-screen-256color}
: "${FEDWIZ_OPERATOR:=tui-tester}"
export FEDWIZ_OPERATOR
DB=$T/db
# A new server for each tui_start, on a socket never used before: a new
# server on the socket of one just killed can meet it still exiting
# ("server exited unexpectedly"). The socket is in $T when its path fits
# a sockaddr_un, else named. $T/tui.socks lists them for the watchdog.
TUI_N=0
TMUX_SOCK=
# A test run from inside tmux must not talk to the user's server.
unset TMUX TMUX_PANE
TUI_WATCHDOG=
ESC=$(printf '\033')

tx() { [ -n "$TMUX_SOCK" ] || return 1; tmux $TMUX_SOCK "$@"; }

# The harness itself failed, not fedwiz: a hard error (99), which make
# check reports as ERROR even for a test listed in XFAIL_TESTS.
hard_error() { echo "ERROR: $*" >&2; exit 99; }

# F ARGS...: the command line against the same database, outside the pane.
F() { "$FEDWIZ" --state "$DB" "$@"; }

# End fedwiz by the pid it wrote, politely (the server's SIGHUP), then
# for good after 5 s.
tui_stop() {
	_ts_pid=$(cat "$T/tui.pid" 2>/dev/null || true)
	tx kill-server >/dev/null 2>&1 || true
	if [ -n "$_ts_pid" ]; then
		_ts_n=0
		while kill -0 "$_ts_pid" 2>/dev/null && [ $_ts_n -lt 100 ]; do
			sleep 0.05
			_ts_n=$((_ts_n + 1))
		done
		! kill -0 "$_ts_pid" 2>/dev/null || kill -9 "$_ts_pid" 2>/dev/null || true
	fi
	rm -f "$T/tui.pid" "$T/tui.pid.t0" "$T/tui.exit"
}

tui_cleanup() {
	tui_stop
	[ -z "$TUI_WATCHDOG" ] || kill "$TUI_WATCHDOG" 2>/dev/null || true
	[ -z "$TUI_WATCHDOG" ] || wait "$TUI_WATCHDOG" 2>/dev/null || true
	TUI_WATCHDOG=
}
cleanup() { tui_cleanup; rm -rf "$T"; }
trap cleanup 0
trap 'exit 130' INT
trap 'exit 143' TERM

# The watchdog: when the test shell is gone (kill -9) or the lifetime is
# over, the server and fedwiz go, and $T with them.
sh -c '
	parent=$1 t=$2 end=$(( $(date +%s) + $3 ))
	while kill -0 "$parent" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
		sleep 1
	done
	while read -r how name; do
		tmux "$how" "$name" kill-server
	done <"$t/tui.socks" >/dev/null 2>&1
	pid=$(cat "$t/tui.pid" 2>/dev/null) && kill -9 "$pid" 2>/dev/null
	kill -0 "$parent" 2>/dev/null || rm -rf "$t"
' fedwiz-tui-watchdog $$ "$T" "${TUI_TEST_MAX_LIFETIME:-300}" \
    >/dev/null 2>&1 &
TUI_WATCHDOG=$!

# 'text' quoted for sh.
shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

tui_start() {
	tui_launch "$@"
	_n=0
	until [ -s "$T/tui.pid" ]; do
		[ $_n -lt 200 ] || hard_error "the pane did not start fedwiz"
		sleep 0.05
		_n=$((_n + 1))
	done
}

tui_launch() {
	tui_stop
	TUI_N=$((TUI_N + 1))
	if [ ${#T} -lt 90 ]; then
		TMUX_SOCK="-S $T/tmux$TUI_N.sock"
	else
		TMUX_SOCK="-L fedwiz-$$-$TUI_N"
	fi
	echo "$TMUX_SOCK" >>"$T/tui.socks"
	_env="PATH=$(shquote "$PATH") HOME=$(shquote "$T") TERM=$TUI_TERM"
	_env="$_env LANG=C.UTF-8 FEDWIZ_RUNBOOKS=$(shquote "$FEDWIZ_RUNBOOKS")"
	_env="$_env FEDWIZ_OPERATOR=$(shquote "$FEDWIZ_OPERATOR")"
	_env="$_env XDG_STATE_HOME=$(shquote "$T/xdg")"
	while [ $# -gt 0 ]; do
		case $1 in
		[A-Z_]*=*) _env="$_env $(shquote "$1")"; shift ;;
		*) break ;;
		esac
	done
	_args=
	for _a in "$@"; do
		_args="$_args $(shquote "$_a")"
	done
	# The pid file is written by the shell that then becomes fedwiz.
	# Ctrl-C reaches the whole foreground group, this shell too: a trap
	# (not an ignore, which exec would hand on to fedwiz) keeps it alive
	# to report how fedwiz ended.
	cat >"$T/tui.run" <<EOF
trap : INT
before=\$(stty -g)
sh -c 'date +%s%N >"\$0.t0"; echo \$\$ >"\$0"; exec "\$@"' $(shquote "$T/tui.pid") \\
    env -i $_env ${TUI_WRAP:-} $(shquote "$FEDWIZ") --state $(shquote "$DB")$_args \\
    2>$(shquote "$T/tui.err")
rc=\$?
after=\$(stty -g)
echo "EXIT=\$rc"
[ "\$before" = "\$after" ] && echo "TTY=same" || echo "TTY=changed"
echo \$rc >$(shquote "$T/tui.exit.tmp")
mv $(shquote "$T/tui.exit.tmp") $(shquote "$T/tui.exit")
# Keep the pane (and what is on it) until the test ends it.
while read -r line; do :; done
EOF
	tx -f /dev/null new-session -d -s fw -x "$TUI_COLS" -y "$TUI_ROWS" \
	    "sh $(shquote "$T/tui.run")" ||
		hard_error "tmux could not start a session"
}

tui_keys() { tx send-keys -t fw "$@"; }
tui_type() { tx send-keys -t fw -l "$1"; }

tui_screen() {
	if [ "${1:-}" = -e ]; then
		tx capture-pane -p -e -t fw >"$T/screen"
	else
		tx capture-pane -p -t fw >"$T/screen"
	fi
	cat "$T/screen"
}

tui_line() { sed -n "${1}p" "$T/screen"; }

# Why a wait failed: the screen, and what fedwiz said on standard error.
tui_show() {
	echo "--- screen (${TUI_COLS}x$TUI_ROWS)" >&2
	tx capture-pane -p -t fw >&2 2>/dev/null || echo "(no pane)" >&2
	echo "--- fedwiz stderr" >&2
	cat "$T/tui.err" >&2 2>/dev/null || true
	echo "---" >&2
}

# _tui_until present|gone TEXT SECONDS [LINE|selected|wrapped]
_tui_until() {
	_end=$(( $(date +%s) + $3 ))
	while :; do
		_seen=0
		if [ "${4:-}" = selected ]; then
			tui_highlighted | grep -qF -e "$2" && _seen=1
		elif [ "${4:-}" = wrapped ]; then
			tx capture-pane -p -t fw >"$T/screen" 2>/dev/null &&
			    sed 's/^ *//; s/ *$//' "$T/screen" | tr '\n' ' ' |
			    grep -qF -e "$2" && _seen=1
		elif tx capture-pane -p -t fw >"$T/screen" 2>/dev/null; then
			if [ -n "${4:-}" ]; then
				sed -n "${4}p" "$T/screen" | grep -qF -e "$2" && _seen=1
			else
				grep -qF -e "$2" "$T/screen" && _seen=1
			fi
		fi
		if [ "$1" = present ] && [ $_seen -eq 1 ]; then
			return 0
		fi
		if [ "$1" = gone ] && [ $_seen -eq 0 ]; then
			return 0
		fi
		# fedwiz is gone: what is on the screen stays there.
		if [ -e "$T/tui.exit" ] && [ "${_tui_final:-0}" -eq 1 ]; then
			tui_show
			fail "fedwiz ended (exit $(cat "$T/tui.exit")) while waiting for '$2' ($1)"
		fi
		[ -e "$T/tui.exit" ] && _tui_final=1
		if [ "$(date +%s)" -ge "$_end" ]; then
			tui_show
			[ "${4:-}" != selected ] || { echo "--- highlighted"; tui_highlighted; } >&2
			fail "after ${3}s, '$2' is still $( [ "$1" = present ] && echo "not " )on ${4:+line $4 of }the screen"
		fi
		sleep 0.05
	done
}

tui_wait() { _tui_final=0; _tui_until present "$1" "${2:-$TUI_WAIT}"; }
tui_wait_gone() { _tui_final=0; _tui_until gone "$1" "${2:-$TUI_WAIT}"; }
tui_wait_selected() { _tui_final=0; _tui_until present "$1" "${2:-$TUI_WAIT}" selected; }
tui_wait_line() { _tui_final=0; _tui_until present "$2" "${3:-$TUI_WAIT}" "$1"; }
tui_wait_wrapped() { _tui_final=0; _tui_until present "$1" "${2:-$TUI_WAIT}" wrapped; }

# The selection: lines with reverse video on, but the status bar.
tui_highlighted() {
	tx capture-pane -p -e -t fw >"$T/screen.e"
	sed '$d' "$T/screen.e" | grep -F "${ESC}[7m" |
	    sed "s/${ESC}\[[0-9;]*m//g" || true
}

tui_resize() {
	TUI_COLS=$1
	TUI_ROWS=$2
	tx resize-window -t fw -x "$1" -y "$2" ||
		hard_error "tmux could not resize the window to $1x$2"
}

tui_pid() {
	[ -s "$T/tui.pid" ] || hard_error "no fedwiz pid in $T/tui.pid"
	cat "$T/tui.pid"
}

tui_exit_code() {
	_end=$(( $(date +%s) + ${1:-$TUI_WAIT} ))
	until [ -e "$T/tui.exit" ]; do
		if [ "$(date +%s)" -ge "$_end" ]; then
			tui_show
			fail "fedwiz has not ended after ${1:-$TUI_WAIT}s"
		fi
		sleep 0.05
	done
	cat "$T/tui.exit"
}

# tui_expect_exit CODE: fedwiz ended with CODE, and wrote nothing to
# standard error (which would have landed on its screen; the sanitizers'
# reports land there too). Killed (CODE 128 + N), the shell said so there.
tui_expect_exit() {
	_code=$(tui_exit_code) || exit 1
	[ "$_code" -eq "$1" ] || { tui_show; fail "fedwiz ended with $_code, wanted $1"; }
	[ "$1" -ge 128 ] || [ ! -s "$T/tui.err" ] ||
		{ tui_show; fail "fedwiz wrote to standard error"; }
}

tui_tty_restored() {
	tui_wait "TTY="
	grep -q "^TTY=same" "$T/screen" ||
		{ tui_show; fail "fedwiz left the terminal's settings changed (stty)"; }
	_f=$(tx display-message -p -t fw \
	    '#{alternate_on} #{cursor_flag} #{keypad_cursor_flag} #{keypad_flag}')
	[ "$_f" = "0 1 0 0" ] || { tui_show;
	    fail "terminal not restored: alternate screen, cursor, keypad modes are '$_f', wanted '0 1 0 0'"; }
}

# tui_first_procedure [ARGS...]: a lync-imp-tls session started from the
# command line (its id in $sid), and the wizard (ARGS to tui_start) open
# on its first procedure, Download CA Certification Chain on fe1.
tui_first_procedure() {
	expect_exit 0 F start lync-imp-tls \
	    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
	sid=$(cat "$T/out")
	tui_start "$@"
	tui_wait "lync-imp-tls"
	tui_keys Enter
	tui_wait ": plan (E"
	tui_keys Enter
	tui_wait "Download CA Certification Chain on fe1 (ready)"
}
