#!/bin/sh
# reap.sh T [PID]: end every process an SSH test with temporary folder T
# started, by pid: the sshd listeners and stubs it recorded (T/pids,
# T/sshd-*.pid) with all their descendants, and every process whose
# environment carries FEDWIZ_SSH_HARNESS=T (clients, fixtures, helpers),
# except PID (the test shell itself). TERM, then KILL after 3 s. Then the
# throwaway users of T/ssh-users are removed. Run by lib.sh's cleanup and by
# its watchdog, without the mark in its own environment.
#
# Why both: sshd rewrites its argv and environment area for its process
# title (OpenSSH's setproctitle), so an sshd's mark cannot be read back;
# its pid and its children can.
t=$1
self=${2:-}

# pid ppid of every process, once.
table=$(ps -e -o pid= -o ppid= 2>/dev/null)

descendants() {
	for p in "$@"; do
		echo "$p"
		kids=$(printf '%s\n' "$table" | awk -v p="$p" '$2 == p { print $1 }')
		[ -z "$kids" ] || descendants $kids
	done
}

roots=$(cat "$t/pids" "$t"/sshd-*.pid 2>/dev/null | sort -u)
tree=
[ -z "$roots" ] || tree=$(descendants $roots)
marked=$(grep -l -s -a -z -x "FEDWIZ_SSH_HARNESS=$t" /proc/[0-9]*/environ 2>/dev/null |
    sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p')
all=$(printf '%s\n%s\n' "$tree" "$marked" | grep -v -x -e '' -e "$self" -e "$$" | sort -u)

alive() {
	for p in "$@"; do
		[ -r "/proc/$p/status" ] || continue
		grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null || echo "$p"
	done
}

if [ -n "$all" ]; then
	kill $all 2>/dev/null
	n=0
	while [ $n -lt 30 ] && [ -n "$(alive $all)" ]; do
		sleep 0.1
		n=$((n + 1))
	done
	left=$(alive $all)
	[ -z "$left" ] || kill -9 $left 2>/dev/null
fi

if [ -f "$t/ssh-users" ]; then
	while read -r u; do
		[ -n "$u" ] || continue
		userdel "$u" 2>/dev/null || userdel -f "$u" 2>/dev/null
	done <"$t/ssh-users"
	rm -f "$t/ssh-users"
fi
exit 0
