#!/bin/sh
# SIGTERM, or a hangup (the terminal closed under it), ends the wizard at
# once and restores the terminal, on any screen and also while it asks why
# a step is skipped; what was half typed is not recorded. (A wizard that
# went on waiting for the answer, or spun reading a closed terminal, would
# hold the session's files and a core.)
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

expect_exit 0 F start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
sid=$(cat "$T/out")
to_proc() {
	tui_start
	tui_wait "lync-imp-tls"
	if grep -q "fedwiz: sessions" "$T/screen"; then
		tui_keys Enter
		tui_wait ": plan (E"
		tui_keys Enter
	fi
	tui_wait "Step 1 of 6"
}
pending() {
	expect_exit 0 F status --session "$sid" --json
	jq -e '.procedures[0].steps[0].status == "pending"' "$T/out" >/dev/null ||
		fail "$1: the half-typed skip was recorded"
}

# SIGTERM on the procedure screen.
to_proc
kill -TERM "$(tui_pid)"
tui_exit_code 5 >/dev/null
tui_tty_restored

# SIGTERM while asking.
to_proc
tui_keys s
tui_wait "Why skip it?"
tui_type "half"
tui_wait "Why skip it? half"
kill -TERM "$(tui_pid)"
tui_exit_code 5 >/dev/null
tui_tty_restored
pending "SIGTERM"

# The terminal gone while asking: the process ends (SIGHUP, then reads
# that fail), within 5 s.
to_proc
tui_keys s
tui_wait "Why skip it?"
tui_type "half"
tui_wait "Why skip it? half"
pid=$(tui_pid)
tx kill-server
n=0
while kill -0 "$pid" 2>/dev/null; do
	[ $n -lt 100 ] || fail "fedwiz (pid $pid) still runs 5 s after its terminal closed: $(ps -o stat=,pcpu=,time= -p "$pid")"
	sleep 0.05
	n=$((n + 1))
done
pending "hangup"
exit 0
