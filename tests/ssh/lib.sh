# lib.sh: sourced by the SSH tests, after tests/cli/lib.sh (which gives $T,
# fail, expect_exit, write). Real OpenSSH sshd on 127.0.0.1 with throwaway
# keys and a private config, the way OpenSSH's own regress/ does it; the
# "device" behind each sshd is a fixture shell run by ForceCommand
# (fx-windows, fx-vos, fx-asa in this folder).
#
#   ssh_keys                       host keys, user keys, authorized_keys in $T
#   ssh_start NAME PORT|auto|auto*N FIXTURE [sshd_config lines...]
#                                  sshd on 127.0.0.1; sets SSH_PORT (and
#                                  SSH_PORTS: auto*N listens on N ports)
#   ssh_port, ssh_port_of NAME     a free port; the port of sshd NAME
#   ssh_known_hosts FILE PORT...   plain known_hosts (ed25519 host key)
#   ssh_known_hosts_hashed FILE PORT...   the same, hashed (ssh-keygen -H)
#   ssh_known_hosts_wrong FILE PORT...    another ed25519 key: a mismatch
#   ssh_fingerprint [TYPE]         SHA256 fingerprint of a host key
#   ssh_user_with_password         (root) a throwaway user with a password;
#   ssh_password, ssh_askpass F S  its password; an SSH_ASKPASS script
#   ssh_pty_ok                     whether sshd can give sessions a PTY here
#   ssh_run_client [OPTS] PORT [CMD...]   the OpenSSH client, bounded
#   ssh_session_open/send/wait/close      drive -tt sessions (a tiny expect)
#   ssh_tcp_stub MODE [PORT]       a TCP listener that is not SSH; STUB_PORT
#   ssh_bounded SECONDS CMD...     CMD's exit in $rc, output in $T/out and
#                                  $T/err; a failure, not a hang, if it is
#                                  still running after SECONDS
#   ssh_answers IN OUT HOST=PORT...       an answers file with test ports
#   ssh_checks, ssh_vars, ssh_expand      a runbook's ssh checks, answers
#
# Cleanup ends exactly what the test started, by pid (reap.sh): the sshd
# and stub pids recorded in $T/pids with their descendants, and every
# process carrying FEDWIZ_SSH_HARNESS=$T in its environment (exported here;
# the fixture wrappers set it again, as sshd gives sessions a clean
# environment). A watchdog does the same if the test shell dies without
# cleaning up (kill -9), or after SSH_TEST_MAX_LIFETIME seconds (900).
#
# Functions keep their variables local (dash and bash have "local").
# Environment: SSH_TEST_PORT_BASE moves the ports (default 20000 + 100 x
# ($$ % 400), so that parallel `make -j2 check` runs do not collide); SSHD is the
# daemon (default /usr/sbin/sshd); TCP_STUB a built tcp_stub.

: "${T:?source tests/cli/lib.sh first}"
SSH_DIR="$FEDWIZ_SRCDIR/tests/ssh"
SSHD=${SSHD:-/usr/sbin/sshd}
[ -x "$SSHD" ] || { echo "SKIP: no sshd at $SSHD (Debian openssh-server)"; exit 77; }
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null ||
	{ echo "SKIP: the OpenSSH client is needed"; exit 77; }

# Each test a block of 100 ports from its pid, so that tests started one
# after the other (neighbouring pids) under make -j2 do not walk the same
# ports; ssh_port skips ports in use all the same.
PORT_NEXT=${SSH_TEST_PORT_BASE:-$PORT_NEXT}
command -v ss >/dev/null ||
	{ echo "SKIP: ss (Debian iproute2) is needed to find free ports"; exit 77; }
SSH_WATCHDOG=
FEDWIZ_SSH_HARNESS=$T
export FEDWIZ_SSH_HARNESS

# cleanup: tests/cli/lib.sh's, after ending what we started (reap.sh);
# INT and TERM exit, so that it runs.
ssh_cleanup() {
	env -u FEDWIZ_SSH_HARNESS sh "$SSH_DIR/reap.sh" "$T" $$
	[ -z "$SSH_WATCHDOG" ] || kill "$SSH_WATCHDOG" 2>/dev/null || true
	# Reap our dead children, so no zombie outlives the test.
	for p in $SSH_WATCHDOG $(cat "$T/pids" 2>/dev/null); do
		wait "$p" 2>/dev/null || true
	done
	SSH_WATCHDOG=
}
cleanup() { ssh_cleanup; rm -rf "$T"; }
trap cleanup 0
trap 'exit 130' INT
trap 'exit 143' TERM

# The watchdog, without the mark: when the test shell is gone (kill -9) or
# after SSH_TEST_MAX_LIFETIME seconds (default 900; a hung test included),
# it reaps everything and removes $T.
env -u FEDWIZ_SSH_HARNESS sh -c '
	t=$1 parent=$2 end=$(( $(date +%s) + $3 ))
	while kill -0 "$parent" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
		sleep 1
	done
	sh "$4" "$t"
	rm -rf "$t"
' fedwiz-ssh-watchdog "$T" $$ "${SSH_TEST_MAX_LIFETIME:-900}" "$SSH_DIR/reap.sh" \
    >/dev/null 2>&1 &
SSH_WATCHDOG=$!

# A process to reap with its descendants (sshd, stubs, session helpers).
ssh_track() { echo "$1" >>"$T/pids"; }

# ssh_port: the next port from the base that nothing listens on.
ssh_port() { free_port; }

# ssh_ports_pick N: N free ports in $ports. Not in a $(...) subshell: the
# next port to try must move on here, as none of them listens yet.
ssh_ports_pick() {
	local i
	ports=
	i=0
	while [ $i -lt "$1" ]; do
		free_port >"$T/.port"
		ports="$ports $(cat "$T/.port")"
		i=$((i + 1))
	done
}

# ssh_keys: throwaway host keys and user keys, authorized_keys for us.
#   $T/ssh_host_{ed25519,rsa,ecdsa}_key   host keys
#   $T/id_ed25519          no passphrase
#   $T/id_ed25519_pass     passphrase "correct horse"
#   $T/id_rsa              RSA 3072 (libssh2 1.10 cannot sign rsa-sha2 with it)
# SSH_TEST_KEYS=DIR copies them from DIR instead (RSA takes seconds to make).
ssh_keys() {
	local f t
	mkdir -p "$T/fx"
	SSH_KEYS_DONE=1
	if [ -n "${SSH_TEST_KEYS:-}" ] && [ -f "$SSH_TEST_KEYS/id_rsa" ]; then
		for f in ssh_host_ed25519_key ssh_host_rsa_key ssh_host_ecdsa_key \
		    id_ed25519 id_ed25519_pass id_rsa authorized_keys; do
			cp "$SSH_TEST_KEYS/$f" "$T/$f" || fail "no $SSH_TEST_KEYS/$f"
			[ "$f" = authorized_keys ] || cp "$SSH_TEST_KEYS/$f.pub" "$T/$f.pub" 2>/dev/null || true
			chmod 600 "$T/$f"
		done
		return 0
	fi
	for t in ed25519 rsa ecdsa; do
		ssh-keygen -q -t $t -N '' -C "fedwiz test host $t" \
		    -f "$T/ssh_host_${t}_key" || fail "ssh-keygen host $t"
	done
	ssh-keygen -q -t ed25519 -N '' -C fedwiz-test -f "$T/id_ed25519" &&
	ssh-keygen -q -t ed25519 -N 'correct horse' -C fedwiz-test-pass \
	    -f "$T/id_ed25519_pass" &&
	ssh-keygen -q -t rsa -b 3072 -N '' -C fedwiz-test-rsa -f "$T/id_rsa" ||
	    fail "ssh-keygen user keys"
	cat "$T/id_ed25519.pub" "$T/id_ed25519_pass.pub" "$T/id_rsa.pub" \
	    >"$T/authorized_keys"
	chmod 600 "$T/authorized_keys"
}

# Single quotes for a value going into a generated sh script.
ssh_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# ssh_start NAME PORT FIXTURE [LINE...]: sshd -D on 127.0.0.1:PORT whose
# every session runs FIXTURE (a name in tests/ssh, or a path). PORT "auto"
# (or 0) takes ssh_port and retries another if the bind races; "auto*N"
# takes N ports for the one sshd (OpenSSH listens on at most 16), for
# tests of many hosts without one sshd each. LINEs are
# sshd_config lines; they come first, and sshd takes the first value of a
# keyword, so they override the defaults below ("PasswordAuthentication
# yes", "UsePAM yes", ...); "Match" blocks go last. The FX_* variables in
# the environment now (exported, or given on ssh_start's command line:
# FX_VOS_DELAY=1 ssh_start ...) reach the fixture: sshd gives sessions a
# clean environment, so they are written into the fixture's wrapper. Sets
# SSH_PORT; $T/sshd-NAME.log has sshd's log at VERBOSE, $T/sshd-NAME.port
# the port. "UsePAM yes" + "KbdInteractiveAuthentication yes" give
# keyboard-interactive (root only, like passwords).
# sshd runs ForceCommand with the user's login shell, "-c"; bash started by
# sshd reads ~/.bashrc when SHLVL says it is a top-level shell, and a
# developer's .bashrc (pyenv, nvm...) then costs each session a second or
# hangs it: "SetEnv SHLVL=1" keeps it from doing so.
ssh_start() {
	local name port fx auto w kv cfg log line pid tries _sn nports p ports
	name=$1 port=$2 fx=$3
	shift 3
	[ -n "${SSH_KEYS_DONE:-}" ] || ssh_keys
	case $fx in
	/*) ;;
	*) fx="$SSH_DIR/$fx" ;;
	esac
	[ -f "$fx" ] || fail "ssh_start $name: no fixture $fx"
	# The sessions run a copy in $T/fx, with the fixtures' data beside
	# it: a throwaway user's session cannot reach a source tree under a
	# home such as /root (mode 700).
	if [ "$(dirname "$fx")" = "$SSH_DIR" ]; then
		[ -d "$T/fx/data" ] || cp -R "$SSH_DIR/data" "$T/fx/data"
		cp "$fx" "$T/fx/" && chmod -R a+rX "$T/fx" ||
			fail "ssh_start $name: cannot copy $fx to $T/fx"
		fx="$T/fx/$(basename "$fx")"
	fi
	nports=1
	case $port in
	auto|0) auto=1 ;;
	auto\*[0-9]*) auto=1 nports=${port#auto\*} ;;
	*) auto= ports=$port ;;
	esac
	[ "$nports" -ge 1 ] && [ "$nports" -le 16 ] ||
		fail "ssh_start $name: $nports ports (sshd listens on 1 to 16)"
	if [ -n "$auto" ]; then
		ssh_ports_pick "$nports"
	fi

	# The wrapper sshd's ForceCommand runs: the FX_* settings, the mark.
	w="$T/fx/fx-$name.sh"
	{
		echo '#!/bin/sh'
		echo "FEDWIZ_SSH_HARNESS=$(ssh_quote "$T"); export FEDWIZ_SSH_HARNESS"
		echo "FX_SSHD_PIDFILE=$(ssh_quote "$T/sshd-$name.pid"); export FX_SSHD_PIDFILE"
		echo "FX_NAME=$(ssh_quote "$name"); export FX_NAME"
		env | grep '^FX_[A-Z0-9_]*=' | grep -v '^FX_\(SSHD_PIDFILE\|NAME\)=' |
		while IFS= read -r kv; do
			echo "${kv%%=*}=$(ssh_quote "${kv#*=}"); export ${kv%%=*}"
		done
		if [ -x "$fx" ]; then
			echo "exec $(ssh_quote "$fx")"
		else
			echo "exec /bin/bash $(ssh_quote "$fx")"
		fi
	} >"$w"
	chmod 755 "$w"
	if [ -n "${FX_LOG:-}" ]; then
		: >>"$FX_LOG"
		# A throwaway user's session writes it too.
		[ ! -f "$T/ssh-users" ] || chmod 666 "$FX_LOG"
	fi

	tries=0
	while :; do
		cfg="$T/sshd-$name.conf"
		log="$T/sshd-$name.log"
		{
			for line in "$@"; do
				case $line in
				[Mm]atch*) ;;
				*) printf '%s\n' "$line" ;;
				esac
			done
			for p in $ports; do
				echo "ListenAddress 127.0.0.1:$p"
			done
			cat <<EOF
AddressFamily inet
HostKey $T/ssh_host_ed25519_key
HostKey $T/ssh_host_ecdsa_key
HostKey $T/ssh_host_rsa_key
PidFile $T/sshd-$name.pid
AuthorizedKeysFile $T/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
LogLevel VERBOSE
MaxStartups 100
MaxSessions 10
MaxAuthTries 10
LoginGraceTime 30
ClientAliveInterval 0
SetEnv SHLVL=1
UseDNS no
PrintMotd no
PrintLastLog no
Banner none
AllowTcpForwarding no
X11Forwarding no
PermitTunnel no
Subsystem sftp internal-sftp
ForceCommand '$w'
EOF
			for line in "$@"; do
				case $line in
				[Mm]atch*) printf '%s\n' "$line" ;;
				esac
			done
		} >"$cfg"
		# As root, sshd wants its privilege separation directory; Debian's
		# service makes it at boot, a container may not have it.
		[ "$(id -u)" -ne 0 ] || [ -d /run/sshd ] || mkdir -m 0755 /run/sshd
		"$SSHD" -t -f "$cfg" >"$log" 2>&1 || { cat "$log" >&2; fail "sshd $name: bad config"; }
		"$SSHD" -D -e -f "$cfg" >>"$log" 2>&1 &
		pid=$!
		ssh_track $pid
		# Ready when it says so, on every port; bounded: 10 s.
		_sn=0
		while [ $_sn -lt 200 ]; do
			[ "$(grep -c "Server listening on 127.0.0.1 port" "$log")" -ge "$nports" ] && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.05
			_sn=$((_sn + 1))
		done
		[ "$(grep -c "Server listening on 127.0.0.1 port" "$log")" -ge "$nports" ] && break
		kill $pid 2>/dev/null || true
		if [ -n "$auto" ] && [ $tries -lt 5 ] &&
		    grep -q 'Address already in use' "$log"; then
			tries=$((tries + 1))
			ssh_ports_pick "$nports"
			continue
		fi
		echo "--- $log" >&2
		cat "$log" >&2
		fail "sshd $name did not listen on 127.0.0.1:$(echo $ports | tr ' ' ,) within 10 s"
	done
	set -- $ports
	echo "$1" >"$T/sshd-$name.port"
	echo $ports >"$T/sshd-$name.ports"
	SSH_PORT=$1
	SSH_PORTS=$(echo $ports)
}

# ssh_pty_ok: whether sshd can give a session a PTY here. A root sshd can;
# an unprivileged one cannot chown the new pty to group tty, and fails the
# session ("chown(/dev/pts/N, UID, 5) failed") unless new ptys are already
# in group tty (devpts mounted gid=5, as Debian does; some containers do
# not). Tests of the PTY fixtures skip then, saying so.
ssh_pty_ok() {
	local ttygid g
	# No pty at all (a chroot without /dev/pts): nobody can have one.
	script -qc true /dev/null </dev/null >/dev/null 2>&1 || return 1
	[ "$(id -u)" -ne 0 ] || return 0
	ttygid=$(getent group tty | cut -d: -f3)
	[ -n "$ttygid" ] || return 0
	g=$(script -qc 'stat -c %g "$(tty)"' /dev/null 2>/dev/null | tr -d '\r\n')
	[ "$g" = "$ttygid" ]
}

# ssh_port_of NAME: the port sshd NAME listens on.
ssh_port_of() { cat "$T/sshd-$1.port"; }

# ssh_known_hosts FILE PORT...: "[127.0.0.1]:PORT ssh-ed25519 ..." lines.
# KH_TYPES (default ed25519) may list more: "ed25519 ecdsa rsa".
ssh_known_hosts() {
	local f p t
	f=$1
	shift
	: >"$f"
	for p in "$@"; do
		for t in ${KH_TYPES:-ed25519}; do
			printf '[127.0.0.1]:%s %s\n' "$p" \
			    "$(cut -d' ' -f1,2 "$T/ssh_host_${t}_key.pub")" >>"$f"
		done
	done
	chmod 600 "$f"
}

# The same entries hashed, as HashKnownHosts yes leaves them.
ssh_known_hosts_hashed() {
	ssh_known_hosts "$@"
	ssh-keygen -q -H -f "$1" >/dev/null 2>&1 || fail "ssh-keygen -H $1"
	rm -f "$1.old"
	! grep -q '127\.0\.0\.1' "$1" || fail "known_hosts $1 not hashed"
}

# A known_hosts naming another ed25519 key for these ports: a mismatch.
ssh_known_hosts_wrong() {
	local f p
	f=$1
	shift
	[ -f "$T/other_host_ed25519_key" ] ||
	    ssh-keygen -q -t ed25519 -N '' -f "$T/other_host_ed25519_key"
	: >"$f"
	for p in "$@"; do
		printf '[127.0.0.1]:%s %s\n' "$p" \
		    "$(cut -d' ' -f1,2 "$T/other_host_ed25519_key.pub")" >>"$f"
	done
	chmod 600 "$f"
}

# ssh_fingerprint [TYPE]: "SHA256:..." of the host key (ed25519 default).
ssh_fingerprint() {
	ssh-keygen -E sha256 -l -f "$T/ssh_host_${1:-ed25519}_key.pub" | cut -d' ' -f2
}

# ssh_user_with_password: as root, a throwaway local user (fwt$$, password
# "s3cret-$$", home /, shell /bin/sh), removed by cleanup; prints the name.
# sshd with UsePAM no checks the password against /etc/shadow itself, which
# only a root sshd can read: unprivileged, print nothing and return 1.
ssh_user_with_password() {
	local u
	[ "$(id -u)" -eq 0 ] || return 1
	command -v useradd >/dev/null && command -v chpasswd >/dev/null || return 1
	u=fwt$$
	useradd -M -d / -s /bin/sh "$u" || fail "useradd $u"
	echo "$u" >>"$T/ssh-users"
	echo "$u:s3cret-$$" | chpasswd || fail "chpasswd $u"
	# That user's session must reach the fixture wrappers (not the keys).
	chmod 711 "$T"
	mkdir -p "$T/fx"
	chmod 755 "$T/fx"
	echo "$u"
}
ssh_password() { echo "s3cret-$$"; }

# ssh_askpass FILE SECRET: a script for SSH_ASKPASS that answers SECRET.
ssh_askpass() {
	printf '#!/bin/sh\nprintf "%%s\\n" %s\n' "$(ssh_quote "$2")" >"$1"
	chmod 700 "$1"
}

# ssh_run_client [OPTIONS...] PORT [CMD...]: the OpenSSH client against
# 127.0.0.1:PORT with nothing from ~/.ssh: key $SSH_KEY (default
# $T/id_ed25519), known hosts $SSH_KNOWN_HOSTS (default $T/known_hosts,
# checked strictly), user $SSH_USER (default us). OPTIONS before PORT go to
# ssh first, so they win ("-tt", "-o BatchMode=no", "-i KEY"...). Bounded by
# SSH_CLIENT_TIMEOUT (default 30 s). The key exchange is curve25519: the
# default sntrup761 hybrid doubles a connection's cost on a slow machine, and
# neither the devices nor libssh2 1.10 speak it anyway.
ssh_run_client() {
	local pre key user port
	pre="" key="-i $(ssh_quote "${SSH_KEY:-$T/id_ed25519}")"
	user="-l $(ssh_quote "${SSH_USER:-$(id -un)}")"
	while [ $# -gt 0 ]; do
		case $1 in
		-[oilEFJ])
			case $1 in
			-i) key= ;;
			-l) user= ;;
			esac
			pre="$pre $(ssh_quote "$1") $(ssh_quote "$2")"
			shift 2
			;;
		-*)
			pre="$pre $(ssh_quote "$1")"
			shift
			;;
		*)
			break
			;;
		esac
	done
	port=${1:?ssh_run_client: no port}
	shift
	eval "set -- $pre $key $user"' -F /dev/null \
	    -o UserKnownHostsFile="${SSH_KNOWN_HOSTS:-$T/known_hosts}" \
	    -o GlobalKnownHostsFile=/dev/null \
	    -o StrictHostKeyChecking=yes \
	    -o IdentitiesOnly=yes -o IdentityAgent=none \
	    -o BatchMode=yes -o ConnectTimeout=10 \
	    -o ServerAliveInterval=0 -o LogLevel=ERROR \
	    -o KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256 \
	    -p "$port" 127.0.0.1 "$@"'
	timeout -k 2 "${SSH_CLIENT_TIMEOUT:-30}" ssh "$@"
}

# Interactive sessions for fixtures that want a PTY, driven like expect:
#   ssh_session_open NAME [OPTIONS...] PORT   ssh -tt, output in $T/sess-NAME.out
#   ssh_session_send NAME TEXT                 bytes as printf %b reads them
#   ssh_session_wait NAME STRING [COUNT [SECONDS]]   until STRING was seen
#                                              COUNT times (default 1; 10 s)
#   ssh_session_close NAME [SECONDS]           end of input; wait (5 s) for
#                                              ssh to exit, else end it (124).
#                                              A PTY session ends when the
#                                              device does: send it "exit".
ssh_session_open() {
	local s
	s=$1
	shift
	rm -f "$T/sess-$s.in"
	mkfifo "$T/sess-$s.in"
	# A writer that holds the fifo open between sends; bounded.
	sleep "${SSH_TEST_MAX_LIFETIME:-900}" >"$T/sess-$s.in" &
	echo $! >"$T/sess-$s.holder"
	ssh_track $!
	ssh_run_client -tt "$@" <"$T/sess-$s.in" >"$T/sess-$s.out" 2>&1 &
	echo $! >"$T/sess-$s.pid"
	ssh_track $!
}
ssh_session_send() { printf '%b' "$2" >"$T/sess-$1.in"; }
ssh_session_wait() {
	local s want count secs _sn got
	s=$1 want=$2 count=${3:-1} secs=${4:-10}
	_sn=0
	while [ $_sn -lt $((secs * 20)) ]; do
		got=$(grep -a -o -F -- "$want" "$T/sess-$s.out" 2>/dev/null | wc -l)
		[ "$got" -ge "$count" ] && return 0
		kill -0 "$(cat "$T/sess-$s.pid")" 2>/dev/null || break
		sleep 0.05
		_sn=$((_sn + 1))
	done
	got=$(grep -a -o -F -- "$want" "$T/sess-$s.out" 2>/dev/null | wc -l)
	[ "$got" -ge "$count" ] && return 0
	echo "--- session $s output (cat -A)" >&2
	cat -A "$T/sess-$s.out" | tail -40 >&2
	fail "session $s: '$want' seen $got times, wanted $count within $secs s"
}
ssh_session_close() {
	local s secs pid _sn rc
	s=$1 secs=${2:-5}
	kill "$(cat "$T/sess-$s.holder")" 2>/dev/null || true
	pid=$(cat "$T/sess-$s.pid")
	_sn=0
	while kill -0 "$pid" 2>/dev/null && [ $_sn -lt $((secs * 20)) ]; do
		sleep 0.05
		_sn=$((_sn + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		# The subshell runs timeout, which passes TERM on to ssh.
		pkill -TERM -P "$pid" 2>/dev/null
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	set +e
	wait "$pid"
	rc=$?
	set -e
	return $rc
}

# ssh_tcp_stub MODE [PORT [LIFETIME]]: tcp_stub (silent, close, reset,
# garbage, banner) on 127.0.0.1; sets STUB_PORT. Uses $TCP_STUB, else the
# build tree's, else compiles it into $T.
ssh_tcp_stub() {
	local mode port life stub c _sn
	mode=$1 port=${2:-0} life=${3:-120}
	stub=${TCP_STUB:-}
	if [ -z "$stub" ]; then
		for c in "$(dirname "$FEDWIZ")/../tests/ssh/tcp_stub" "$SSH_DIR/tcp_stub"; do
			[ -x "$c" ] && { stub=$c; break; }
		done
	fi
	if [ -z "$stub" ]; then
		stub="$T/tcp_stub"
		[ -x "$stub" ] || ${CC:-cc} -std=c11 -O2 -o "$stub" "$SSH_DIR/tcp_stub.c" ||
		    fail "cannot build tcp_stub"
	fi
	rm -f "$T/stub.port"
	"$stub" "$port" "$mode" "$life" >"$T/stub.port" 2>"$T/stub.err" &
	ssh_track $!
	_sn=0
	while [ ! -s "$T/stub.port" ] && [ $_sn -lt 100 ]; do
		sleep 0.05
		_sn=$((_sn + 1))
	done
	STUB_PORT=$(cat "$T/stub.port")
	[ -n "$STUB_PORT" ] || { cat "$T/stub.err" >&2; fail "tcp_stub $mode did not start"; }
}

# ssh_bounded SECONDS CMD...: run CMD (a program, not a function: timeout
# runs it) with no input; its exit status in $rc, its output in $T/out
# and $T/err. Still running after SECONDS, the test fails saying so: the
# hangs these tests look for must not become the harness's time limit.
ssh_bounded() {
	local secs
	secs=$1
	shift
	set +e
	timeout -k 5 "$secs" "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ $rc -ne 124 ] && [ $rc -ne 137 ] || fail "still running after $secs s: $*"
}

# ssh_answers IN OUT NAME=PORT...: copy an answers file from tests/ssh/data,
# giving host NAME the port (and address 127.0.0.1, user us).
ssh_answers() {
	local in out hp h p
	in=$1 out=$2
	shift 2
	case $in in
	/*) ;;
	*) in="$SSH_DIR/data/$in" ;;
	esac
	cp "$in" "$out.tmp"
	for hp in "$@"; do
		h=${hp%%=*} p=${hp#*=}
		# Address and port only: what follows (vars: { ... }) stays.
		sed -i "s/{ name: $h, address: [^,]*, port: [0-9]*/{ name: $h, address: 127.0.0.1, port: $p, user: $(id -un)/" \
		    "$out.tmp"
	done
	chmod 600 "$out.tmp"
	mv "$out.tmp" "$out"
}

# ssh_checks RUNBOOK.yaml: the runbook's ssh checks, one expectation a line:
# PROCEDURE<TAB>ROLE<TAB>COMMAND<TAB>KIND<TAB>PATTERN (ROLE: the check's role:, else the procedure's on:; KIND contains, regex
# or absent),
# ${vars} left in. Reads the YAML the runbooks are written in (block
# mappings, 'single' / "double" / plain scalars, block and [flow] lists),
# not YAML in general: enough to hold fixtures and runbooks together.
ssh_checks() {
	awk '
	function unq(v,   c, e) {
		sub(/^[ \t]+/, "", v)
		sub(/[ \t]+$/, "", v)
		c = substr(v, 1, 1)
		e = substr(v, length(v), 1)
		if (length(v) >= 2 && c == "\047" && e == "\047") {
			v = substr(v, 2, length(v) - 2)
			gsub(/\047\047/, "\047", v)
		} else if (length(v) >= 2 && c == "\"" && e == "\"") {
			v = substr(v, 2, length(v) - 2)
			gsub(/\\"/, "\"", v)
			gsub(/\\\\/, "\\", v)
		}
		return v
	}
	function add(kind, v) { n++; kinds[n] = kind; pats[n] = unq(v) }
	function flow(kind, v,   i, ch, q, item) {
		v = substr(v, 2, length(v) - 2)
		q = ""
		item = ""
		for (i = 1; i <= length(v); i++) {
			ch = substr(v, i, 1)
			if (q == "" && ch == ",") { add(kind, item); item = ""; continue }
			if (q == "" && (ch == "\"" || ch == "\047")) q = ch
			else if (q != "" && ch == q) q = ""
			item = item ch
		}
		if (item ~ /[^ ]/) add(kind, item)
	}
	function flush(   i) {
		for (i = 1; i <= n; i++)
			printf "%s\t%s\t%s\t%s\t%s\n", proc, crole != "" ? crole : role, cmd, kinds[i], pats[i]
		in_ssh = 0; n = 0; cmd = ""; listkey = ""; crole = ""
	}
	/^  - id:/ { if (in_ssh) flush(); role = ""; proc = $3 }
	/^    on: / { role = $2 }
	{
		if ($0 !~ /[^ ]/) next
		ind = match($0, /[^ ]/) - 1
		t = substr($0, ind + 1)
		if (in_ssh && ind <= sind) flush()
		if (t ~ /^(- )?ssh:[ ]*$/) {
			in_ssh = 1
			sind = ind + (t ~ /^- / ? 2 : 0)
			next
		}
		if (!in_ssh) next
		if (t ~ /^- / && listkey != "") { add(listkey, substr(t, 3)); next }
		if (match(t, /^[a-z_]+:/)) {
			key = substr(t, 1, RLENGTH - 1)
			val = substr(t, RLENGTH + 1)
			sub(/^[ \t]+/, "", val)
			listkey = ""
			if (key == "command") cmd = unq(val)
			else if (key == "role") crole = val
			else if (key == "contains" || key == "regex" || key == "absent") {
				if (val == "") listkey = key
				else if (val ~ /^\[/) flow(key, val)
				else add(key, val)
			}
		}
	}
	END { if (in_ssh) flush() }
	' "$1"
}

# ssh_vars ANSWERS: the vars of an answers file as NAME<TAB>VALUE lines
# (block mapping under "vars:", as the files in data/ are written).
ssh_vars() {
	awk '
	/^[a-z]/ { invars = ($0 ~ /^vars:/); next }
	invars && /^  [a-z_0-9]+:/ {
		k = $0; sub(/^  /, "", k); v = k
		sub(/:.*/, "", k); sub(/^[^:]*:[ ]*/, "", v)
		if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
		printf "%s\t%s\n", k, v
	}
	# A host'"'"'s own values (variables per host): "vars: { k: v, k: v }" on
	# its flow entry. The fixtures'"'"' answers list one host per role.
	/ vars: \{/ {
		h = $0; sub(/.* vars: \{ */, "", h); sub(/ *\} *\} *$/, "", h)
		m = split(h, kv, /, /)
		for (i = 1; i <= m; i++) {
			k = kv[i]; v = k
			sub(/:.*/, "", k); sub(/^[^:]*:[ ]*/, "", v)
			if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
			printf "%s\t%s\n", k, v
		}
	}' "$1"
}

# ssh_expand TEXT ANSWERS [regex|ps]: ${var} replaced by the answer; with
# "regex", the value's ERE metacharacters are escaped (as the engine's
# quote_regex does); with "ps", it is a PowerShell 'single-quoted' string
# (as quote_value does for windows).
ssh_expand() {
	printf '%s\n' "$1" | SSH_VARS=$(ssh_vars "$2") awk -v mode="${3:-}" '
	BEGIN {
		n = split(ENVIRON["SSH_VARS"], lines, "\n")
		for (i = 1; i <= n; i++) {
			t = index(lines[i], "\t")
			if (t == 0) continue
			v = substr(lines[i], t + 1)
			if (mode == "regex") gsub(/[][.\\*^$()+?{}|]/, "\\\\&", v)
			if (mode == "ps") { gsub(/\047/, "\047\047", v); v = "\047" v "\047" }
			val["${" substr(lines[i], 1, t - 1) "}"] = v
		}
	}
	{
		out = ""
		while (match($0, /\$\{[a-z_0-9]+\}/)) {
			k = substr($0, RSTART, RLENGTH)
			out = out substr($0, 1, RSTART - 1) ((k in val) ? val[k] : k)
			$0 = substr($0, RSTART + RLENGTH)
		}
		printf "%s%s", (NR > 1 ? "\n" : ""), out $0
	}'
}
