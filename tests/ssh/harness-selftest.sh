#!/bin/sh
# The SSH test harness itself, proved with the OpenSSH client before fedwiz's
# tests rely on it: keys and known_hosts verify strictly, each fixture
# answers like its device (every ssh check of the runbooks passes on the
# fixture data, and fails when the state says so), the pagers and prompts
# have their real bytes, tcp_stub misbehaves as asked, and nothing is left
# running afterwards, even when a test is killed. Unprivileged, the password
# login is skipped, and so are the PTY fixtures where sshd cannot own ptys.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"
TAB=$(printf '\t')
if ssh_pty_ok; then PTY=yes; else
	PTY=
	echo "SKIP the PTY fixtures (fx-vos, fx-asa sessions): new ptys here are not in group tty and an unprivileged sshd cannot chown them"
fi
ESC=$(printf '\033')
CR=$(printf '\r')

t0=$(date +%s)
ssh_keys
FX_LOG="$T/win.log" ssh_start win auto fx-windows
WIN=$SSH_PORT
mkdir "$T/winstate"
echo 5061 >"$T/winstate/route-port"
echo Stopped >"$T/winstate/rtcsrv-status"
FX_WINDOWS_STATE="$T/winstate" ssh_start winbad auto fx-windows
WINBAD=$SSH_PORT
FX_VOS_DELAY=2 FX_LOG="$T/vos.log" ssh_start vos auto fx-vos
VOS=$SSH_PORT
FX_VOS_DELAY=0 ssh_start vosfast auto fx-vos
VOSFAST=$SSH_PORT
FX_ASA_ENABLE=en-secret FX_LOG="$T/asa.log" ssh_start asa auto fx-asa
ASA=$SSH_PORT
FX_ASA_FAILOVER=1 FX_ASA_MAX_SESSIONS=2 ssh_start asafo auto fx-asa
ASAFO=$SSH_PORT
ssh_known_hosts "$T/known_hosts" $WIN $WINBAD $VOS $VOSFAST $ASA $ASAFO
echo "keys and six sshd: $(($(date +%s) - t0)) s"

# --- keys, known hosts -------------------------------------------------------

expect_exit 0 ssh_run_client $WIN fx-exit 0
grep -q '^exit 0' "$T/out" || fail "fx-exit output"
expect_exit 7 ssh_run_client $WIN fx-exit 7
expect_exit 0 ssh_run_client -i "$T/id_rsa" $WIN fx-exit 0
# The passphrase key: refused without it, taken through SSH_ASKPASS.
expect_exit 255 ssh_run_client -i "$T/id_ed25519_pass" $WIN fx-exit 0
ssh_askpass "$T/askpass-key" 'correct horse'
SSH_ASKPASS="$T/askpass-key" SSH_ASKPASS_REQUIRE=force
export SSH_ASKPASS SSH_ASKPASS_REQUIRE
expect_exit 0 ssh_run_client -o BatchMode=no -i "$T/id_ed25519_pass" $WIN fx-exit 0
unset SSH_ASKPASS SSH_ASKPASS_REQUIRE
grep -q "Accepted publickey for .* ED25519 SHA256:" "$T/sshd-win.log" || fail "sshd log"

ssh_known_hosts_hashed "$T/kh_hashed" $WIN
grep -q '^|1|' "$T/kh_hashed" || fail "hashed known_hosts"
expect_exit 0 ssh_run_client -o UserKnownHostsFile="$T/kh_hashed" $WIN fx-exit 0
KH_TYPES="ecdsa rsa" ssh_known_hosts "$T/kh_types" $WIN
expect_exit 0 ssh_run_client -o UserKnownHostsFile="$T/kh_types" \
    -o HostKeyAlgorithms=rsa-sha2-512 $WIN fx-exit 0
[ "$(ssh-keyscan -t ed25519 -p $WIN 127.0.0.1 2>/dev/null | ssh-keygen -E sha256 -lf - |
    cut -d' ' -f2)" = "$(ssh_fingerprint)" ] || fail "ssh_fingerprint"

# A changed or unknown key: refused, and the fixture never got a command.
: >"$T/win.log"
ssh_known_hosts_wrong "$T/kh_wrong" $WIN
expect_exit 255 ssh_run_client -o UserKnownHostsFile="$T/kh_wrong" $WIN fx-exit 0
grep -q 'REMOTE HOST IDENTIFICATION HAS CHANGED' "$T/err" || fail "mismatch warning"
: >"$T/kh_empty"
expect_exit 255 ssh_run_client -o UserKnownHostsFile="$T/kh_empty" $WIN fx-exit 0
grep -q 'Host key verification failed' "$T/err" || fail "unknown key"
[ ! -s "$T/win.log" ] || fail "a command reached the fixture: $(cat "$T/win.log")"

# --- fx-windows -------------------------------------------------------------

ps_exec() {	# PORT SCRIPT: the engine's exec line
	ssh_run_client "$1" powershell -NoProfile -NonInteractive -EncodedCommand \
	    "$(printf '%s' "$2" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)"
}
expect_exit 0 ps_exec $WIN "Import-Module Lync; Get-Service RtcSrv | Format-List *"
# Format-List: CRLF, a blank line first and last, names padded.
[ "$(head -c 2 "$T/out" | od -An -c | tr -d ' ')" = '\r\n' ] || fail "no blank line first"
[ "$(tail -c 4 "$T/out" | od -An -c | tr -d ' ')" = '\r\n\r\n' ] || fail "no blank line last"
grep -q "^Status              : Running$CR\$" "$T/out" || fail "Format-List layout"
! grep -v "$CR\$" "$T/out" | grep -q . || fail "a line without CR"
grep -q '^#< CLIXML' "$T/err" && grep -q 'Preparing modules for first use' "$T/err" ||
    fail "no CLIXML progress record on stderr"
grep -qx "Import-Module Lync; Get-Service RtcSrv | Format-List \*" "$T/win.log" ||
    fail "FX_LOG has not the decoded script"
# Redirected, PowerShell lays Format-List out 120 columns wide and wraps a
# longer value onto the next line, indented to the value's column; the
# engine's "| Out-String -Width 4096" keeps each value on its line. The
# CertCheck line of the long-named certificate (133 characters) is the case
# a regex missed before the engine asked for the width (issue 13).
cc="Get-ChildItem Cert:\\LocalMachine\\My | Select-Object @{Name='CertCheck'; Expression={\$e = @(\$_.Extensions | Where-Object {\$_.Oid.Value -eq '2.5.29.37'} | ForEach-Object {\$_.EnhancedKeyUsages} | ForEach-Object {\$_.Value}); \$c = New-Object System.Security.Cryptography.X509Certificates.X509Chain; \$c.ChainPolicy.RevocationMode = 'NoCheck'; 'serverAuth=' + (\$e -contains '1.3.6.1.5.5.7.3.1') + ' clientAuth=' + (\$e -contains '1.3.6.1.5.5.7.3.2') + ' trusted=' + \$c.Build(\$_) + ' ' + \$_.Subject}}"
long='CertCheck : serverAuth=True clientAuth=True trusted=True CN=lyncpool01-frontend-enterprise\.emea-datacentre-west\.corp\.example\.com'
expect_exit 0 ps_exec $WIN "Import-Module Lync; $cc | Format-List *"
! grep -q "^$long" "$T/out" || fail "a 133-character Format-List line was not wrapped at 120"
grep -q '^           ' "$T/out" || fail "no continuation line indented to the value"
expect_exit 0 ps_exec $WIN "Import-Module Lync; $cc | Format-List * | Out-String -Width 4096"
grep -q "^$long$CR\$" "$T/out" || fail "Out-String -Width 4096 did not keep the line whole"
expect_exit 1 ps_exec $WIN "Import-Module Lync; Get-CsFoo | Format-List *"
grep -q "<S S=\"Error\">Get-CsFoo : The term 'Get-CsFoo' is not recognized as the name" "$T/err" ||
    fail "unknown cmdlet (CLIXML)"
[ ! -s "$T/out" ] || fail "stdout from an unknown cmdlet"
expect_exit 1 ssh_run_client $WIN 'powershell -NoProfile -Command "Import-Module Lync; Get-Foo | Format-List *"'
grep -q "^Get-Foo : The term 'Get-Foo' is not recognized" "$T/err" &&
grep -q '^At line:1 char:21' "$T/err" && grep -q '^+                     ~~~~~~~' "$T/err" ||
    fail "unknown cmdlet (text)"
expect_exit 1 ps_exec $WIN "Import-Module SkypeForBusiness; Get-CsCertificate -Type Default | Format-List *"
grep -q "The specified module 'SkypeForBusiness' was not loaded" "$T/err" || fail "module"
expect_exit 1 ssh_run_client $WIN ipconfig /all
grep -q "^'ipconfig' is not recognized as an internal or external command," "$T/err" || fail "cmd.exe"

expect_exit 0 ssh_run_client $WIN fx-big 1048576
[ "$(wc -c <"$T/out")" -eq 1048576 ] || fail "fx-big size"
expect_exit 0 ssh_run_client $WIN fx-ansi
grep -q "${ESC}]0;evil title" "$T/out" && grep -q 'ansi-end' "$T/out" || fail "fx-ansi"
expect_exit 0 ssh_run_client $WIN fx-stderr
[ "$(cat "$T/out")" = "to stdout$CR" ] && [ "$(cat "$T/err")" = "to stderr$CR" ] || fail "fx-stderr"
expect_exit 0 ssh_run_client $WIN fx-sleep 0.5
grep -q 'slept 0.5' "$T/out" || fail "fx-sleep"
# The connection drops mid-command: no exit status, the bytes so far.
expect_exit 255 ssh_run_client $WIN fx-die-after 5000
[ "$(wc -c <"$T/out")" -eq 5000 ] || fail "fx-die-after: $(wc -c <"$T/out") bytes"
grep -q 'closed by remote host' "$T/err" || fail "fx-die-after: not a drop"
pgrep -f "sshd-win.conf" >/dev/null || fail "fx-die-after killed the listener"

# --- the runbooks' ssh checks on the fixture data -------------------------------

holds() {	# FILE KIND PATTERN
	case $2 in
	contains) grep -q -F -- "$3" "$1" ;;
	regex) grep -q -E -- "$3" "$1" ;;
	absent) ! grep -q -F -- "$3" "$1" ;;
	*) fail "unknown expectation $2" ;;
	esac
}

# cli S PROMPT COMMAND: one command in session S; its output in $T/cli.out.
cli() {
	before=$(grep -a -o -F -- "$2" "$T/sess-$1.out" | wc -l)
	size=$(wc -c <"$T/sess-$1.out")
	ssh_session_send "$1" "$3\r"
	ssh_session_wait "$1" "$2" $((before + 1)) 20
	tail -c +$((size + 1)) "$T/sess-$1.out" | tr -d '\r' >"$T/cli.out"
}

if [ -n "$PTY" ]; then
	ssh_session_open cv $VOSFAST
	ssh_session_wait cv "admin:" 1 15
	cli cv "admin:" "set cli pagination off"
	ssh_session_open ca $ASA
	ssh_session_wait ca "asa> " 1
	ssh_session_send ca 'enable\r'
	ssh_session_wait ca "Password: "
	ssh_session_send ca 'en-secret\r'
	ssh_session_wait ca "asa# "
	cli ca "asa# " "terminal pager 0"
fi

check_one() {
	holds "$T/cli.out" "$kind" "$pat" || {
		cat "$T/cli.out" >&2
		fail "$rb $proc ($role): '$cmd' does not satisfy $kind '$pat'"
	}
	n=$((n + 1))
}

# run_checks RUNBOOK ANSWERS WINPORT [--set VAR=VALUE]: every expectation
# of every ssh check of the procedures that apply must hold.
run_checks() {
	rb=$1 ans=$2 wport=$3
	shift 3
	"$FEDWIZ" plan "$rb" --answers "$ans" "$@" --json |
	    jq -r '.procedures[] | select(.applies) | .id' | sort -u >"$T/applies"
	[ -s "$T/applies" ] || fail "$rb: no procedure applies"
	ssh_checks "$FEDWIZ_SRCDIR/steps/$rb.yaml" >"$T/checks"
	[ -s "$T/checks" ] || fail "$rb: no ssh checks found"
	n=0
	last=
	while IFS="$TAB" read -r proc role cmd kind pat; do
		grep -qx "$proc" "$T/applies" || continue
		case $role in imp|cup|asa) [ -n "$PTY" ] || continue ;; esac
		# The CUCM publisher's clock is a state of runbook-checks.sh's own
		# fx-vos; here the one fx-vos plays IM and Presence.
		[ "$role" != cucm ] || continue
		mode=
		[ "$kind" != regex ] || mode=regex
		pat=$(ssh_expand "$pat" "$ans" "$mode")
		# Several expectations on one command: run it once.
		[ "$role $cmd" != "$last" ] || { check_one; continue; }
		last="$role $cmd"
		case $role in
		lync_fe|access_edge|ca|lync_edge)
			c=$(ssh_expand "$cmd" "$ans" ps)
			ps_exec "$wport" "Import-Module Lync; $c | Format-List * | Out-String -Width 4096" \
			    </dev/null 2>/dev/null | tr -d '\r' >"$T/cli.out" || true
			;;
		imp|cup) cli cv "admin:" "$(ssh_expand "$cmd" "$ans")" ;;
		asa) cli ca "asa# " "$(ssh_expand "$cmd" "$ans")" ;;
		*) fail "$rb: role $role has no fixture" ;;
		esac
		check_one
	done <"$T/checks"
	echo "$rb: $n ssh expectations hold"
	[ $n -gt 0 ] || [ -z "$PTY" ] || fail "$rb: nothing checked"
}
D="$FEDWIZ_SRCDIR/tests/ssh/data"
run_checks lync-imp-tls "$D/lync-imp-tls.answers.yaml" $WIN
run_checks lync-cup-federation "$D/lync-cup-federation.answers.yaml" $WIN
run_checks interdomain-asa "$D/interdomain-asa.answers.yaml" $WIN
if [ -n "$PTY" ]; then
	# The manual-enrollment branch, with its trustpoint state.
	ssh_session_send ca 'exit\r'
	ssh_session_close ca || fail "asa session did not end on exit"
	mkdir "$T/asastate"
	cp "$D/asa/trustpoint-msca.cfg.terminal" "$T/asastate/trustpoint-msca.cfg"
	FX_ASA_STATE="$T/asastate" ssh_start asaterm auto fx-asa
	ssh_known_hosts "$T/known_hosts" $WIN $WINBAD $VOS $VOSFAST $ASA $ASAFO $SSH_PORT
	ssh_session_open ca $SSH_PORT
	ssh_session_wait ca "asa> " 1
	ssh_session_send ca 'enable\r'
	ssh_session_wait ca "Password: "
	ssh_session_send ca '\r'
	ssh_session_wait ca "asa# "
	cli ca "asa# " "terminal pager 0"
	run_checks interdomain-asa "$D/interdomain-asa.answers.yaml" $WIN --set enrollment=terminal
	for s in ca cv; do
		ssh_session_send $s 'exit\r'
		ssh_session_close $s || fail "session $s did not end on exit"
	done
fi

# The state makes a check fail: the route's port, the front-end service.
expect_exit 0 ps_exec $WINBAD "Import-Module Lync; Get-CsStaticRoutingConfiguration | Select-Object -ExpandProperty Route | Select-Object @{Name='TlsRoute'; Expression={\$_.MatchUri + ' ' + \$_.Transport.TransportChoice.Fqdn + ':' + \$_.Transport.Port}} | Format-List *"
grep -q 'TlsRoute : \*\.example\.com imp1\.example\.com:5061' "$T/out" || fail "route-port state"
expect_exit 0 ps_exec $WINBAD "Import-Module Lync; Get-Service RtcSrv | Format-List *"
! grep -q 'Status *: Running' "$T/out" || fail "rtcsrv-status state"

# --- fx-vos ------------------------------------------------------------------

if [ -n "$PTY" ]; then
	# Slow start, then the banner as the device prints it.
	t1=$(date +%s)
	ssh_session_open v $VOS
	ssh_session_wait v "Command Line Interface is starting up, please wait ..." 1 10
	ssh_session_wait v "admin:" 1 15
	t2=$(date +%s)
	[ $((t2 - t1)) -ge 2 ] || fail "VOS prompt after $((t2 - t1)) s, FX_VOS_DELAY=2"
	echo "VOS first prompt (FX_VOS_DELAY=2): $((t2 - t1)) s"
	grep -q '^   Welcome to the Platform Command Line Interface' "$T/sess-v.out" &&
	grep -q "^VMware Installation:$CR\$" "$T/sess-v.out" || fail "VOS banner"
	# Echo once (the PTY's), pagination on, its exact prompt and erase.
	PAGER="${ESC}[1mPress <enter> for 1 line, <space> for one page, or <q> to quit${ESC}[0m"
	ssh_session_send v 'show cert list trust\r'
	ssh_session_wait v "$PAGER" 1
	[ "$(grep -a -c -F 'admin:show cert list trust' "$T/sess-v.out")" -eq 1 ] ||
	    fail "echo doubled or missing"
	! grep -a -q 'show cert list trustshow cert list trust' "$T/sess-v.out" || fail "echo doubled"
	ssh_session_send v ' '
	ssh_session_wait v "admin:" 2
	grep -a -q -F "$PAGER$CR${ESC}[Kcup-xmpp-trust/GlobalSign_Root_CA.pem" "$T/sess-v.out" ||
	    fail "pager erase"
	ssh_session_send v 'utils service list\r'
	ssh_session_wait v "$PAGER" 2
	ssh_session_send v '\r'
	ssh_session_wait v "$PAGER" 3
	ssh_session_send v 'q'
	ssh_session_wait v "admin:" 3
	! grep -a -q 'Primary Node =true' "$T/sess-v.out" || fail "q did not end the output"
	ssh_session_send v 'set cli pagination off\r'
	ssh_session_wait v "Automatic Pagination is Off"
	ssh_session_wait v "admin:" 4
	ssh_session_send v 'utils service list\r'
	ssh_session_wait v "Primary Node =true"
	ssh_session_wait v "admin:" 5
	[ "$(grep -a -c -F "$PAGER" "$T/sess-v.out")" -eq 3 ] || fail "paged with pagination off"
	ssh_session_send v 'file view activelog syslog/messages\r'
	ssh_session_wait v "options: q=quit, n=next, p=prev, b=begin, e=end (lines 1 - 20 of 45) : ${ESC}[0m"
	ssh_session_send v 'n'
	ssh_session_wait v "(lines 21 - 40 of 45) : "
	ssh_session_send v 'q'
	ssh_session_wait v "admin:" 6
	ssh_session_send v 'show foo\r'
	ssh_session_wait v "Executed command unsuccessfully"
	ssh_session_wait v "admin:" 7
	ssh_session_send v 'exit\r'
	ssh_session_close v || fail "VOS session did not end on exit"
	grep -qx 'set cli pagination off' "$T/vos.log" || fail "VOS FX_LOG"
fi

# An exec request gets the CLI too: no echo, CRLF.
printf 'show cert list own\nexit\n' >"$T/in"
expect_exit 0 ssh_run_client $VOSFAST <"$T/in"
grep -q "^cup/cup.pem: Certificate Signed by example-CA1$CR\$" "$T/out" || fail "VOS exec"
! grep -q 'admin:show' "$T/out" || fail "VOS exec echoes"

# --- fx-asa ------------------------------------------------------------------

if [ -n "$PTY" ]; then
	ssh_session_open a $ASA
	ssh_session_wait a "Type help or '?' for a list of available commands."
	ssh_session_wait a "asa> "
	ssh_session_send a 'show crypto ca certificates\r'
	ssh_session_wait a "ERROR: % Invalid input detected at '^' marker."
	# The caret under "crypto": after the prompt "asa> " and "show ".
	grep -a -q "^          \^$CR\$" "$T/sess-a.out" || fail "caret column"
	ssh_session_send a 'enable\r'
	ssh_session_wait a "Password: "
	ssh_session_send a 'nope\r'
	ssh_session_wait a "Invalid password"
	ssh_session_wait a "Password: " 2
	ssh_session_send a 'nope\r'
	ssh_session_wait a "Password: " 3
	ssh_session_send a 'nope\r'
	ssh_session_wait a "% Bad secrets"
	ssh_session_wait a "asa> " 3
	ssh_session_send a 'en\r'
	ssh_session_wait a "Password: " 4
	ssh_session_send a 'en-secret\r'
	ssh_session_wait a "asa# "
	grep -a -q "^Password: \*\*\*\*\*\*\*\*\*$CR\$" "$T/sess-a.out" || fail "enable echo"
	! grep -a -q 'en-secret' "$T/sess-a.out" "$T/asa.log" || fail "secret echoed or logged"
	ssh_session_send a 'show crypto ca certificates\r'
	ssh_session_wait a "<--- More --->"
	ssh_session_send a ' '
	ssh_session_wait a "<--- More --->" 2
	grep -a -q -F "<--- More --->$CR              $CR" "$T/sess-a.out" || fail "More erase"
	ssh_session_send a 'q'
	ssh_session_wait a "asa# " 2
	ssh_session_send a 'terminal pager 0\r'
	ssh_session_wait a "asa# " 3
	ssh_session_send a 'show crypto ca certificates\r'
	ssh_session_wait a "asa# " 4
	[ "$(grep -a -c -F '<--- More --->' "$T/sess-a.out")" -eq 2 ] || fail "pager 0 still pages"
	ssh_session_send a 'exit\r'
	ssh_session_wait a "Logoff"
	ssh_session_close a || fail "ASA session did not end on exit"

	# Failover prompt; two sessions at most on this one.
	ssh_session_open f1 $ASAFO
	ssh_session_wait f1 "asa/pri/act> "
	ssh_session_open f2 $ASAFO
	ssh_session_wait f2 "asa/pri/act> "
	expect_exit 255 ssh_run_client -tt $ASAFO </dev/null
	for s in f1 f2; do
		ssh_session_send $s 'exit\r'
		ssh_session_close $s || fail "failover session $s"
	done
fi

# --- tcp_stub ------------------------------------------------------------------

ssh_tcp_stub silent
expect_exit 255 ssh_run_client -o ConnectTimeout=2 $STUB_PORT true
grep -q 'timed out' "$T/err" || fail "silent: $(cat "$T/err")"
# What a raw socket reads: FIN is an empty read, RST an error.
raw_read() { bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && sleep 0.3 && timeout 2 cat <&3' raw "$1"; }
ssh_tcp_stub close
expect_exit 0 raw_read $STUB_PORT
[ ! -s "$T/out" ] || fail "close: read $(cat "$T/out")"
expect_exit 255 ssh_run_client $STUB_PORT true
ssh_tcp_stub reset
expect_exit 1 raw_read $STUB_PORT
grep -q 'reset by peer' "$T/err" || fail "reset: $(cat "$T/err")"
ssh_tcp_stub garbage
expect_exit 124 raw_read $STUB_PORT
grep -q -a 'this is not an SSH server' "$T/out" || fail "garbage: no text"
expect_exit 255 ssh_run_client $STUB_PORT true
grep -q 'invalid format\|invalid characters' "$T/err" || fail "garbage: $(cat "$T/err")"
ssh_tcp_stub banner
SSH_CLIENT_TIMEOUT=2
expect_exit 124 ssh_run_client $STUB_PORT true
SSH_CLIENT_TIMEOUT=30

# --- a password login (root only) ----------------------------------------------

if u=$(ssh_user_with_password); then
	ssh_start pw auto fx-windows "PasswordAuthentication yes"
	PW=$SSH_PORT
	ssh_known_hosts "$T/kh_pw" $PW
	ssh_askpass "$T/askpass-pw" "$(ssh_password)"
	SSH_ASKPASS="$T/askpass-pw" SSH_ASKPASS_REQUIRE=force
	export SSH_ASKPASS SSH_ASKPASS_REQUIRE
	expect_exit 0 ssh_run_client -o BatchMode=no -o PubkeyAuthentication=no \
	    -o PreferredAuthentications=password -o NumberOfPasswordPrompts=1 \
	    -o UserKnownHostsFile="$T/kh_pw" -l "$u" $PW fx-exit 0
	grep -q "Accepted password for $u" "$T/sshd-pw.log" || fail "password not used"
	ssh_askpass "$T/askpass-pw" wrong
	expect_exit 255 ssh_run_client -o BatchMode=no -o PubkeyAuthentication=no \
	    -o PreferredAuthentications=password -o NumberOfPasswordPrompts=1 \
	    -o UserKnownHostsFile="$T/kh_pw" -l "$u" $PW fx-exit 0
	# keyboard-interactive, through PAM.
	ssh_start kbd auto fx-windows "UsePAM yes" "KbdInteractiveAuthentication yes"
	ssh_known_hosts "$T/kh_pw" $PW $SSH_PORT
	ssh_askpass "$T/askpass-pw" "$(ssh_password)"
	expect_exit 0 ssh_run_client -o BatchMode=no -o PubkeyAuthentication=no \
	    -o PreferredAuthentications=keyboard-interactive \
	    -o UserKnownHostsFile="$T/kh_pw" -l "$u" $SSH_PORT fx-exit 0
	grep -q "Accepted keyboard-interactive/pam for $u" "$T/sshd-kbd.log" ||
	    fail "keyboard-interactive not used"
	unset SSH_ASKPASS SSH_ASKPASS_REQUIRE
	echo "password and keyboard-interactive login: $u"
else
	echo "SKIP password login: only a root sshd can check /etc/shadow (UsePAM no)"
fi

# --- cleanup, also after kill -9 ------------------------------------------------

cat >"$T/inner.sh" <<'EOF'
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"
echo "$T" >"$1.t"
ssh_keys
ssh_start inner auto fx-windows
ssh_known_hosts "$T/known_hosts" $SSH_PORT
ssh_run_client $SSH_PORT fx-sleep 60 >/dev/null 2>&1 &
ssh_tcp_stub silent
[ -z "$3" ] || ssh_session_open s $SSH_PORT
n=0
until pgrep -f '^sleep 60$' >/dev/null || [ $n -gt 100 ]; do sleep 0.1; n=$((n + 1)); done
: >"$1.ready"
[ "$2" = exit ] || sleep 60
EOF
left() {	# T: what of that test still runs
	pgrep -f "$1/sshd-" || true
	grep -l -s -a -z -x "FEDWIZ_SSH_HARNESS=$1" /proc/[0-9]*/environ || true
}
SSH_TEST_KEYS=$T sh "$T/inner.sh" "$T/i1" exit "$PTY" || fail "inner test failed"
it=$(cat "$T/i1.t")
[ -z "$(left "$it")" ] || fail "left running: $(left "$it")"
[ ! -e "$it" ] || fail "$it not removed"
SSH_TEST_KEYS=$T sh "$T/inner.sh" "$T/i2" kill "$PTY" &
inner=$!
n=0
until [ -f "$T/i2.ready" ] || [ $n -gt 200 ]; do sleep 0.05; n=$((n + 1)); done
[ -f "$T/i2.ready" ] || fail "inner test did not start"
it=$(cat "$T/i2.t")
[ -n "$(left "$it")" ] || fail "inner test runs nothing"
kill -9 $inner
n=0
until [ -z "$(left "$it")" ] && [ ! -e "$it" ] || [ $n -gt 100 ]; do sleep 0.1; n=$((n + 1)); done
[ -z "$(left "$it")" ] || fail "after kill -9, left running: $(left "$it")"
[ ! -e "$it" ] || fail "after kill -9, $it not removed"
echo "harness self-test: $(($(date +%s) - t0)) s"
