#!/bin/bash
# shells.sh: the device shells behind the lab's sshd, driven as fedwiz and
# a person drive them, judged on what the real devices print: the Lync
# Management Shell by exec (powershell -EncodedCommand, errors as CLIXML
# on stderr and exit 1) and interactively (a PS prompt), the IM and
# Presence CLI (admin:, pagination, errors, its clock's time zone), the
# ASA CLI (enable, the caret under a bad word). A change made in one
# session is what the next one reads: the shells interpret commands
# against lab state, they do not replay outputs.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"

L="$T/lab"
expect_exit 0 lab_up "$L" >/dev/null

# ps HOST SCRIPT: the exec form fedwiz sends; stdout in $T/ps.out (less
# its CRs: $T/ps.txt), stderr in $T/ps.err, the exit status in $PS_RC.
ps() {
	local h=$1 enc
	enc=$(printf '%s' "$2" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)
	set +e
	lab_ssh "$L" "$h" "powershell -NoProfile -NonInteractive -EncodedCommand $enc" \
	    >"$T/ps.out" 2>"$T/ps.err"
	PS_RC=$?
	set -e
	tr -d '\r' <"$T/ps.out" >"$T/ps.txt"
}
# The CLIXML error stream as text.
ps_err() {
	sed -e 's/_x000D__x000A_//g' -e 's/<S S="Error">/\n/g' -e 's/<\/S>//g' \
	    -e 's/<\/Objs>//' "$T/ps.err"
}

# --- the Lync Management Shell ---------------------------------------------
# Windows Server 2008 R2's PowerShell 2.0 has no EnhancedKeyUsageList
# (PowerShell 3.0 added it): Format-List leaves out a property the object
# lacks, as PowerShell does; Format-Table keeps it as a blank column.
ps fe1 'Get-ChildItem Cert:\LocalMachine\My | Format-List Subject,EnhancedKeyUsageList'
[ "$PS_RC" = 0 ] || fail "Format-List: exit $PS_RC: $(ps_err)"
grep -q '^Subject : CN=pool1.example.com$' "$T/ps.txt" ||
    fail "Format-List Subject: $(cat "$T/ps.txt")"
! grep -q EnhancedKeyUsageList "$T/ps.txt" ||
    fail "PowerShell 2.0 lists a property its certificates lack: $(cat "$T/ps.txt")"
ps fe1 'Get-ChildItem Cert:\LocalMachine\My | Format-Table Thumbprint,EnhancedKeyUsageList'
grep -q '^Thumbprint  *EnhancedKeyUsageList$' "$T/ps.txt" ||
    fail "Format-Table keeps the column: $(cat "$T/ps.txt")"

# Parameters by unambiguous prefix; an ambiguous one says which it could be.
ps fe1 'Get-ChildItem -F x'
[ "$PS_RC" = 1 ] || fail "an ambiguous parameter: exit $PS_RC"
ps_err | grep -q "^Get-ChildItem : Parameter cannot be processed because the parameter name 'F' is ambiguous. Possible matches include: -Filter -Force.$" ||
    fail "ambiguous parameter: $(ps_err)"
ps_err | grep -q 'FullyQualifiedErrorId : AmbiguousParameter,Get-ChildItem' ||
    fail "ambiguous parameter's error id: $(ps_err)"

# PowerShell 2.0 loads no module by itself: a Lync cmdlet needs
# Import-Module Lync in a plain powershell.exe, as on the real server.
ps fe1 'Get-CsCertificate'
[ "$PS_RC" = 1 ] && ps_err | grep -q "The term 'Get-CsCertificate' is not recognized" ||
    fail "Get-CsCertificate without the module: exit $PS_RC, $(ps_err)"
ps fe1 'Import-Module Lync; Get-CsCertificate -Ty Default | Select-Object -ExpandProperty Thumbprint'
want=$(openssl x509 -in "$L/tls/fe1-5061.pem" -noout -fingerprint -sha1 |
    sed -e 's/.*=//' -e 's/://g')
[ "$(cat "$T/ps.txt")" = "$want" ] ||
    fail "the Default certificate's thumbprint is not the one fe1 presents on 5061: $(cat "$T/ps.txt") vs $want"

# Where-Object with a script block, and Out-String -Width: a long value
# wraps at the width given, not at 80.
ps fe1 'Get-Service | Where-Object { $_.Name -eq "RtcSrv" } | Select-Object -ExpandProperty Status'
[ "$(cat "$T/ps.txt")" = Running ] || fail "RtcSrv: $(cat "$T/ps.txt")"
ps fe1 'Import-Module Lync; Get-CsCertificate | Format-List AlternativeNames | Out-String -Width 40'
[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$T/ps.txt")" -le 40 ] ||
    fail "Out-String -Width 40: $(cat "$T/ps.txt")"
ps fe1 'Import-Module Lync; Get-CsCertificate | Format-List AlternativeNames | Out-String -Width 4096'
grep -q '^AlternativeNames : {pool1.example.com, sip.example.com, fe1.example.com, fe2.example.com}' \
    "$T/ps.txt" || fail "Out-String -Width 4096: $(cat "$T/ps.txt")"

# The language the rewritten checks (issue 13) use: -split and -join,
# DateTime values (sorted as dates, ToString('s')), Get-Item of a registry
# key, .NET's OpenSubKey and GetValue with a default, a script block with
# param() run by &, -ErrorAction SilentlyContinue (nothing shown, $?
# false), method arguments separated by commas.
ps fe1 "('CN=pool1.example.com, O=x' -split ', ')[0]; ('a','b') -join '+'"
[ "$(cat "$T/ps.txt")" = "$(printf 'CN=pool1.example.com\na+b')" ] || fail "-split/-join: $(cat "$T/ps.txt")"
ps fe1 "Get-ChildItem Cert:\LocalMachine\My | Sort-Object NotBefore -Descending | Select-Object -First 1 | ForEach-Object { \$_.NotBefore.ToString('s') + ' ' + \$_.Issuer }"
grep -q "^$(date -u +%Y-%m-%d)T[0-9:]* CN=example-OLDCA" "$T/ps.txt" && fail "the running Default certificate is not older than today: $(cat "$T/ps.txt")"
grep -q "^20[0-9-]*T[0-9:]* CN=example-OLDCA, DC=example, DC=com$" "$T/ps.txt" || fail "NotBefore.ToString('s'): $(cat "$T/ps.txt")"
ps ocs1 "Get-Item -Path HKLM:\System\CurrentControlSet\Control\SecurityProviders\SCHANNEL | Select-Object -ExpandProperty Name; \$on = {param(\$k) \$r = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey('SYSTEM\CurrentControlSet\Control\' + \$k); if (\$r -eq \$null) { 'none' } else { \$r.GetValue('NoLmHash', 9); \$r.GetValue('Absent', 7) }}; & \$on 'Lsa'; & \$on 'Nowhere'"
[ "$(cat "$T/ps.txt")" = "$(printf 'HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\n1\n7\nnone')" ] ||
    fail "Get-Item, OpenSubKey, GetValue, & \$sb: $(cat "$T/ps.txt") $(ps_err)"
ps fe1 "Get-ItemProperty -Path HKLM:\Nowhere -ErrorAction SilentlyContinue; 'after=' + \$?"
[ "$PS_RC" = 0 ] && [ "$(cat "$T/ps.txt")" = "after=False" ] && [ ! -s "$T/ps.err" ] ||
    fail "-ErrorAction SilentlyContinue: exit $PS_RC, $(cat "$T/ps.txt") $(ps_err)"

# A change is state: the next session (another ssh connection) reads it.
# (A long value wraps at the host width, 120 here: -Width keeps it whole.)
ps fe1 'Import-Module Lync; $r = New-CsStaticRoute -TLSRoute -Destination imp1.example.com -Port 5062 -MatchUri "*.example.com" -UseDefaultCertificate $true; Set-CsStaticRoutingConfiguration -Identity Global -Route @{Add=$r}'
[ "$PS_RC" = 0 ] || fail "adding a static route: $(ps_err)"
ps fe2 'Import-Module Lync; Get-CsStaticRoutingConfiguration -Identity Global | Select-Object -ExpandProperty Route | Format-List Transport,MatchUri,Port | Out-String -Width 4096'
grep -q '^MatchUri  *: \*\.example\.com$' "$T/ps.txt" &&
    grep -q '^Transport *: TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert;Fqdn=imp1.example.com;Port=5062$' "$T/ps.txt" ||
    fail "fe2 (same pool) does not see fe1's route: $(cat "$T/ps.txt")"
# The port is the transport's: a route has no Port of its own.
! grep -q '^Port' "$T/ps.txt" || fail "a route has no Port property: $(cat "$T/ps.txt")"

# The person's form: an interactive prompt.
printf 'Get-Service RtcSrv | Format-List Name,Status\nexit\n' |
    lab_ssh "$L" fe1 -tt >"$T/pty.out" 2>&1 || true
grep -q 'PS C:\\Users\\Administrator> ' "$T/pty.out" ||
    fail "no PS prompt: $(cat "$T/pty.out")"
tr -d '\r' <"$T/pty.out" | grep -q '^Status : Running$' || fail "interactive: $(cat "$T/pty.out")"

# --- IM and Presence ----------------------------------------------------------
vos() { # HOST COMMANDS: typed at admin:, then exit
	{ printf '%s\n' "$2"; echo exit; } | lab_ssh "$L" "$1" >"$T/vos.out" 2>&1 || true
	tr -d '\r' <"$T/vos.out" >"$T/vos.txt"
}
vos imp1 'show cert list own
show cert liszt own
set cli pagination off
utils ntp status'
grep -q '^cup/cup.pem: ' "$T/vos.txt" || fail "show cert list own: $(cat "$T/vos.txt")"
grep -q '^admin:Executed command unsuccessfully$' "$T/vos.txt" &&
    grep -q '^No valid command entered$' "$T/vos.txt" || fail "a bad command: $(cat "$T/vos.txt")"
grep -q '^synchronised to NTP server' "$T/vos.txt" || fail "utils ntp status: $(cat "$T/vos.txt")"
# Its clock is America/New_York's: EST or EDT as the date says.
if [ -f /usr/share/zoneinfo/America/New_York ]; then
	z=$(TZ=America/New_York date +%Z)
	grep -q "^Current time in America/New_York is : .* $z [0-9]*$" "$T/vos.txt" ||
	    fail "the time zone is not $z today: $(grep 'Current time' "$T/vos.txt")"
fi
# Pagination: a listing longer than the screen stops at the bold prompt
# until a key; after "set cli pagination off" it does not.
{ sleep 1; printf 'utils service list\r'; sleep 2; printf q; sleep 1; printf 'exit\r'; sleep 1; } |
    lab_ssh "$L" imp1 -tt >"$T/vos.out" 2>&1 || true
tr -d '\r' <"$T/vos.out" >"$T/vos.txt"
grep -q 'Press <enter> for 1 line, <space> for one page, or <q> to quit' "$T/vos.txt" ||
    fail "no pager on utils service list: $(cat "$T/vos.txt")"
! grep -q 'SNMP Master Agent' "$T/vos.txt" || fail "q at the pager did not stop the listing"
vos imp1 'set cli pagination off
utils service list'
! grep -q 'Press <enter>' "$T/vos.txt" || fail "pagination off still pages"
grep -q 'Cisco SIP Proxy\[STARTED\]' "$T/vos.txt" || fail "utils service list: $(cat "$T/vos.txt")"

# --- the ASA ------------------------------------------------------------------
{
	sleep 1
	# (An End key's escape sequence inside a command is no part of it.)
	for l in enable '' 'show foo' 'show ntp status\033[4~' 'conf t' \
	    'crypto ca trustpoint lab_tp' 'enrollment self' end \
	    'show running-config crypto ca trustpoint' exit; do
		printf '%b\r' "$l"
		sleep 0.3
	done
} | lab_ssh "$L" asa1 -tt >"$T/asa.out" 2>&1 || true
tr -d '\r' <"$T/asa.out" >"$T/asa.txt"
grep -q '^asa1# ' "$T/asa.txt" || fail "enable with the blank secret: $(cat "$T/asa.txt")"
# The caret under "foo": 6 ("asa1# ") + 5 ("show ") columns in.
grep -q "^           ^$" "$T/asa.txt" &&
    grep -q "^ERROR: % Invalid input detected at '^' marker.$" "$T/asa.txt" ||
    fail "show foo: $(cat "$T/asa.txt")"
grep -q '^Clock is synchronized, stratum 3, reference is ' "$T/asa.txt" ||
    fail "show ntp status with an End key in it: $(cat "$T/asa.txt")"
grep -q '^crypto ca trustpoint lab_tp$' "$T/asa.txt" &&
    grep -q '^ enrollment self$' "$T/asa.txt" ||
    fail "the trustpoint made in config mode is not in the running config: $(cat "$T/asa.txt")"
# --- lab do: the clicks change state that the shells then read ---------------
# A procedure on one host of the lab needs no @HOST; one on several does.
ps ocsr2 'Get-ItemProperty HKLM:\System\CurrentControlSet\Control\Lsa\FIPSAlgorithmPolicy | Select-Object -ExpandProperty Enabled'
[ "$(cat "$T/ps.txt")" = 0 ] || fail "FIPS before: $(cat "$T/ps.txt") $(ps_err)"
expect_exit 0 "$FEDWIZ" lab do enable-fips --dir "$L"
grep -q '^lab do enable-fips@ocsr2: Local Security Policy' "$T/out" || fail "lab do enable-fips: $(cat "$T/out")"
ps ocsr2 'Get-ItemProperty HKLM:\System\CurrentControlSet\Control\Lsa\FIPSAlgorithmPolicy | Select-Object -ExpandProperty Enabled'
[ "$(cat "$T/ps.txt")" = 1 ] || fail "FIPS after lab do: $(cat "$T/ps.txt") $(ps_err)"
expect_exit 0 "$FEDWIZ" lab do enable-fips@ocsr2 --dir "$L"
grep -q 'nothing to change' "$T/out" || fail "lab do twice: $(cat "$T/out")"
expect_exit 2 "$FEDWIZ" lab do restart-services --dir "$L"
grep -q 'say which: restart-services@ocsr2, restart-services@cup1' "$T/err" || fail "ambiguous: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab do enable-fips@fe9 --dir "$L"
grep -q 'no host fe9 in this lab' "$T/err" || fail "unknown host: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab do enable-fips@fe1 --dir "$L"
grep -q 'nothing to click for enable-fips on fe1' "$T/err" || fail "wrong host: $(cat "$T/err")"
echo "ok: the Lync, IM and Presence and ASA shells answer from lab state"
