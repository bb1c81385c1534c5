# lib.sh: sourced by the lab tests, after tests/cli/lib.sh ($T, fail,
# expect_exit). Each test starts its own labs in $T (fedwiz lab up --dir)
# and stops them with fedwiz lab down, which ends exactly the processes
# the lab recorded, by pid; a trap does it on exit, and a watchdog when the
# test itself is killed. Every lab lives on its own /24 of 127.84.0.0/16
# (fedwiz claims a free one), so tests under make -j2 never meet, and
# nothing is sent anywhere but 127.0.0.0/8.
#
#   lab_up DIR [ARGS...]     fedwiz lab up --dir DIR, recorded for cleanup
#   lab_down DIR             fedwiz lab down --dir DIR
#   lab_ssh DIR HOST [CMD]   the OpenSSH client to a lab host, bounded
#   lab_host_addr DIR HOST   a host's address
#   lab_no_trace DIR         fail if a process of the lab or a socket of
#                            its /24 is left
#   lab_hold_port DIR ADDR PORT  an sshd of the test's own listening on
#                            ADDR:PORT (with DIR's host key), its pid in
#                            $LAB_STUB: a port a lab needs, taken

: "${T:?source tests/cli/lib.sh first}"
SSHD=${SSHD:-/usr/sbin/sshd}
[ -x "$SSHD" ] || { echo "SKIP: no sshd at $SSHD (Debian openssh-server)"; exit 77; }
[ -x /usr/sbin/dnsmasq ] || { echo "SKIP: no dnsmasq (Debian dnsmasq-base)"; exit 77; }
command -v ssh >/dev/null || { echo "SKIP: the OpenSSH client is needed"; exit 77; }
# IM and Presence's CLI takes seconds to its first prompt; tests wait less.
FEDWIZ_LAB_VOS_DELAY=${FEDWIZ_LAB_VOS_DELAY:-0.2}
export FEDWIZ_LAB_VOS_DELAY

LAB_DIRS=
lab_cleanup() {
	local d
	for d in $LAB_DIRS; do
		# A lab, or a class of them (lab up --seats N).
		{ [ -f "$d/lab.db" ] || [ -f "$d/class" ]; } &&
		    "$FEDWIZ" lab down --dir "$d" >/dev/null 2>&1
	done
	[ -z "${LAB_STUB:-}" ] || kill "$LAB_STUB" 2>/dev/null || true
	[ -z "${LAB_WATCHDOG:-}" ] || kill "$LAB_WATCHDOG" 2>/dev/null || true
	LAB_WATCHDOG=
}
cleanup() { lab_cleanup; rm -rf "$T"; }
trap cleanup 0
trap 'exit 130' INT
trap 'exit 143' TERM

# The watchdog: when the test shell is gone (kill -9) or after
# LAB_TEST_MAX_LIFETIME seconds, it takes every lab of $T down.
sh -c '
	t=$1 parent=$2 end=$(( $(date +%s) + $3 )) fw=$4
	while kill -0 "$parent" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
		sleep 1
	done
	for d in "$t"/*/; do
		{ [ -f "$d/lab.db" ] || [ -f "$d/class" ]; } &&
		    "$fw" lab down --dir "$d" >/dev/null 2>&1
	done
	rm -rf "$t"
' fedwiz-lab-watchdog "$T" $$ "${LAB_TEST_MAX_LIFETIME:-900}" "$FEDWIZ" \
    >/dev/null 2>&1 &
LAB_WATCHDOG=$!

lab_up() {
	local d=$1
	shift
	LAB_DIRS="$LAB_DIRS $d"
	"$FEDWIZ" lab up --dir "$d" "$@"
}

lab_down() { "$FEDWIZ" lab down --dir "$1"; }

lab_host_addr() {
	"$FEDWIZ" lab status --dir "$1" --json |
	    jq -r --arg h "$2" '.hosts[] | select(.name == $h) | .address'
}

lab_ssh() {
	local d=$1 h=$2 a port user
	shift 2
	a=$(lab_host_addr "$d" "$h")
	port=$("$FEDWIZ" lab status --dir "$d" --json | jq -r .ssh_port)
	user=$("$FEDWIZ" lab status --dir "$d" --json | jq -r .user)
	timeout 60 ssh -i "$d/id_ed25519" -o UserKnownHostsFile="$d/known_hosts" \
	    -o StrictHostKeyChecking=yes -o BatchMode=yes \
	    -o ConnectTimeout=10 -p "$port" "$user@$a" "$@"
}

# lab_no_trace DIR: nothing of the lab runs, nothing listens in its /24.
lab_no_trace() {
	local d=$1 block left p c
	block=$(sqlite3 "$d/lab.db" "SELECT value FROM meta WHERE key = 'block'")
	left=
	for p in /proc/[0-9]*; do
		c=$(cat "$p/cmdline" 2>/dev/null | tr '\0' ' ') || continue
		case $c in
		*"$d"*)
			case $(cat "$p/stat" 2>/dev/null | awk '{print $3}') in
			Z|'') ;;
			*) left="$left ${p#/proc/}($c)" ;;
			esac
			;;
		esac
	done
	[ -z "$left" ] || fail "processes of the lab left: $left"
	if ss -Htuln | awk '{print $5}' | grep -q "^$block\.[0-9]*:"; then
		ss -Htulnp | grep "$block\." >&2
		fail "sockets still listen in $block.0/24"
	fi
}

# lab_hold_port DIR ADDR PORT: something else listens where the lab would.
lab_hold_port() {
	local d=$1 addr=$2 port=$3 n=0
	"$SSHD" -D -e -f /dev/null -o "ListenAddress=$addr:$port" \
	    -o "HostKey=$d/ssh/ssh_host_ed25519_key" -o PidFile=none \
	    >"$T/stub.out" 2>&1 &
	LAB_STUB=$!
	while ! ss -Htln | awk '{print $4}' | grep -qx "$addr:$port"; do
		n=$((n + 1))
		[ $n -lt 100 ] || { kill "$LAB_STUB"; fail "the stub did not listen on $addr:$port"; }
		sleep 0.05
	done
}
