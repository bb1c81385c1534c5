#!/bin/sh
# Every ssh check of every shipped runbook, run by `fedwiz check` against the
# fixture devices (fx-windows, fx-vos, fx-asa behind real sshds): on the
# fixture data with the answers files of tests/ssh/data, every ssh check
# that applies passes (as many as `fedwiz plan` says apply), and nothing
# else fails or errs; with every data file emptied, every one of them fails
# (no check is satisfied by nothing); and faults put in the fixtures' state
# folders make chosen checks fail (at least one per device profile and per
# runbook, the absent-only ones included), each saying what it expected.
#
# One sshd per device kind serves every runbook: the state folders are
# emptied between runs. The answers files list one host per role, so each
# check runs once.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"
if ! ssh_pty_ok; then
	echo "SKIP: fx-vos and fx-asa need PTY sessions, and an unprivileged sshd cannot chown new ptys here"
	exit 77
fi

D="$FEDWIZ_SRCDIR/tests/ssh/data"
t0=$(date +%s)
ssh_keys
WS="$T/ws" VS="$T/vs" AS="$T/as"
mkdir "$WS" "$VS" "$AS"
FX_WINDOWS_STATE="$WS" ssh_start win auto fx-windows
WIN=$SSH_PORT
FX_VOS_DELAY=1 FX_VOS_STATE="$VS" ssh_start vos auto fx-vos
VOS=$SSH_PORT
FX_ASA_STATE="$AS" ssh_start asa auto fx-asa
ASA=$SSH_PORT
# The CUCM publisher (interdomain-asa's NTP note): an admin CLI whose clock
# follows the NTP source the ASA follows, where IM and Presence's follows
# the publisher.
CS="$T/cs"
mkdir "$CS"
sed 's/^\*10\.1\.1\.2        10\.1\.1\.10        2 u/*10.1.1.10       .GPS.            1 u/; s/^synchronised to NTP server (10\.1\.1\.2) at stratum 3/synchronised to NTP server (10.1.1.10) at stratum 2/' \
    "$FEDWIZ_SRCDIR/tests/ssh/data/vos/ntp-status.txt" >"$CS/ntp-status.txt"
grep -q '^synchronised to NTP server (10\.1\.1\.10)' "$CS/ntp-status.txt" || fail "cucm fixture state"
FX_VOS_DELAY=1 FX_VOS_STATE="$CS" ssh_start cucm auto fx-vos
CUCM=$SSH_PORT
ssh_known_hosts "$T/kh" $WIN $VOS $ASA $CUCM
# Each host name of the answers files, to the sshd of its device kind.
HOSTS="fe1=$WIN ocs1=$WIN ocspool1=$WIN edge1=$WIN lyncedge1=$WIN imp1=$VOS cup1=$VOS asa1=$ASA cucm1=$CUCM"

clear_state() { find "$WS" "$VS" "$AS" -mindepth 1 -delete; }

# fw_check CODE RUNBOOK [--set VAR=VALUE]...: `fedwiz check --json` with the
# runbook's answers file (hosts pointed at the sshds); the JSON in $T/out.
fw_check() {
	local code rb
	code=$1 rb=$2
	shift 2
	ssh_answers "$rb.answers.yaml" "$T/a.yaml" $HOSTS
	# --kind ssh: the runbooks' tls and dns checks name hosts that exist
	# nowhere, and no test sends traffic beyond 127.0.0.1.
	expect_exit "$code" "$FEDWIZ" --known-hosts "$T/kh" check "$rb" \
	    --answers "$T/a.yaml" --identity "$T/id_ed25519" --kind ssh --json "$@" </dev/null
	jq -e '.checks | type == "array"' "$T/out" >/dev/null || fail "$rb: no JSON"
}

# all_pass RUNBOOK [--set VAR=VALUE]...: exit 0; no fail, no error; every
# ssh check of the runbook was considered (as many ssh outcomes as the
# YAML has ssh checks); those that did not pass do not apply (their
# `when`, or their step's or procedure's); and the number that passed is
# the number of ssh checks that apply, as `fedwiz plan` says for the same
# answers (procedure, step, sub-steps and check all applying).
all_pass() {
	local rb yaml total odd want got
	rb=$1
	shift
	fw_check 0 "$rb" "$@"
	[ "$(jq '.summary.fail' "$T/out")" -eq 0 ] && [ "$(jq '.summary.error' "$T/out")" -eq 0 ] &&
	    [ "$(jq '[.checks[] | select(.verdict == "fail" or .verdict == "error")] | length' "$T/out")" -eq 0 ] ||
	    { jq -c '.checks[] | select(.verdict == "fail" or .verdict == "error")' "$T/out"; fail "$rb${*:+ $*}: a check failed or erred"; }
	yaml=$(grep -cE '^[[:space:]]*(- )?ssh:[[:space:]]*$' "$FEDWIZ_SRCDIR/steps/$rb.yaml")
	total=$(jq '[.checks[] | select(.kind == "ssh")] | length' "$T/out")
	[ "$total" -eq "$yaml" ] || fail "$rb${*:+ $*}: $total ssh outcomes, the runbook has $yaml ssh checks"
	odd=$(jq -r '.checks[] | select(.kind == "ssh" and .verdict != "pass" and
	    (.verdict != "not run" or ((.message // "") | startswith("does not apply") | not))) |
	    "\(.procedure) step \(.step): \(.verdict): \(.message)"' "$T/out")
	[ -z "$odd" ] || fail "$rb${*:+ $*}: ssh checks neither passed nor out of scope: $odd"
	"$FEDWIZ" plan "$rb" --answers "$T/a.yaml" "$@" --json >"$T/plan" ||
	    fail "$rb: fedwiz plan failed"
	want=$(jq 'def applying: .[] | select(.applies) |
	    ((.checks[] | select(.kind == "ssh" and .applies)), ((.steps // []) | applying));
	    [.procedures[] | select(.applies) | .steps | applying] | length' "$T/plan")
	got=$(jq '[.checks[] | select(.kind == "ssh" and .verdict == "pass")] | length' "$T/out")
	[ "$got" -gt 0 ] || fail "$rb${*:+ $*}: no ssh check ran"
	[ "$got" -eq "$want" ] || {
		jq -r '.checks[] | select(.kind == "ssh") | "\(.procedure) \(.step) \(.verdict)"' "$T/out"
		fail "$rb${*:+ $*}: $got ssh checks passed, $want apply"
	}
	echo "$rb${*:+ $*}: $got of $yaml ssh checks pass, $((yaml - got)) do not apply"
}

# expect_fail PROCEDURE STEP TEXT: in $T/out, an ssh check of that step
# failed and its message contains TEXT (what it expected).
expect_fail() {
	local n
	n=$(jq --arg p "$1" --argjson s "$2" --arg t "$3" '[.checks[] |
	    select(.kind == "ssh" and .procedure == $p and .step == $s and
	    .verdict == "fail" and ((.message // "") | contains($t)))] | length' "$T/out")
	[ "$n" -ge 1 ] || {
		jq -c --arg p "$1" '.checks[] | select(.procedure == $p and .kind == "ssh")' "$T/out"
		fail "$1 step $2: no failed ssh check whose message says '$3'"
	}
}

# fails N RUNBOOK [--set ...]: exit 1, exactly N ssh checks failed (the
# faults put in the state folders), no error; then expect_fail each.
fails() {
	local n rb got
	n=$1 rb=$2
	shift 2
	fw_check 1 "$rb" "$@"
	[ "$(jq '.summary.error' "$T/out")" -eq 0 ] ||
	    { jq -c '.checks[] | select(.verdict == "error")' "$T/out"; fail "$rb: an error"; }
	got=$(jq '[.checks[] | select(.verdict == "fail")] | length' "$T/out")
	[ "$got" -eq "$n" ] || {
		jq -c '.checks[] | select(.verdict == "fail") | [.procedure, .step, .message]' "$T/out"
		fail "$rb${*:+ $*}: $got checks failed, the faults make $n fail"
	}
}

# no_data: every data file of the three fixtures replaced by an empty one
# (the command succeeds and prints nothing).
no_data() {
	local f
	awk -F '\t' '!/^#/ && NF >= 2 { print $2 }' "$D/windows/index.tsv" |
	while IFS= read -r f; do : >"$WS/$f"; done
	for f in "$D"/vos/*.txt; do : >"$VS/${f##*/}"; done
	for f in "$D"/asa/*.txt "$D"/asa/*.cfg; do : >"$AS/${f##*/}"; done
	cp "$CS/ntp-status.txt" "$T/cs-ntp" && : >"$CS/ntp-status.txt"
}

# all_fail RUNBOOK [--set ...]: with no data, every ssh check that applies
# fails (none is satisfied by an empty answer), and nothing errs. Only for
# answers under which no absent-only check applies (an empty output holds
# nothing, so such a check passes; they are made to fail below).
all_fail() {
	local rb want got
	rb=$1
	shift
	fw_check 1 "$rb" "$@"
	"$FEDWIZ" plan "$rb" --answers "$T/a.yaml" "$@" --json >"$T/plan" ||
	    fail "$rb: fedwiz plan failed"
	want=$(jq 'def applying: .[] | select(.applies) |
	    ((.checks[] | select(.kind == "ssh" and .applies)), ((.steps // []) | applying));
	    [.procedures[] | select(.applies) | .steps | applying] | length' "$T/plan")
	got=$(jq '[.checks[] | select(.kind == "ssh" and .verdict == "fail")] | length' "$T/out")
	[ "$(jq '.summary.error' "$T/out")" -eq 0 ] && [ "$got" -eq "$want" ] || {
		jq -c '.checks[] | select(.kind == "ssh" and .verdict != "fail" and .verdict != "not run")' "$T/out"
		fail "$rb${*:+ $*}: with no data $got ssh checks failed, $want apply"
	}
	echo "$rb${*:+ $*}: with no data, all $got ssh checks that apply fail"
}

t1=$(date +%s)
echo "keys and three sshd: $((t1 - t0)) s"

# --- every ssh check passes on the fixture data ---------------------------------

all_pass lync-imp-tls
all_pass lync-imp-tls --set tcp_configured=yes
all_pass lync-cup-federation
all_pass interdomain-asa
all_pass interdomain-asa --set edge_server=lync_edge
cp "$D/asa/trustpoint-msca.cfg.terminal" "$AS/trustpoint-msca.cfg"
all_pass interdomain-asa --set enrollment=terminal --set ca_kind=standalone
clear_state
all_pass ocs-imp-tls
all_pass ocs-partitioned
all_pass ocs-partitioned --set new_ocs_cert=yes
cp "$D/windows/wmi-static-routes.txt.tcp" "$WS/wmi-static-routes.txt"
all_pass ocs-partitioned --set transport=tcp
clear_state
t2=$(date +%s)
echo "all pass: $((t2 - t1)) s"

# --- every check can fail --------------------------------------------------------

no_data
all_fail lync-imp-tls
all_fail lync-cup-federation
all_fail interdomain-asa
all_fail interdomain-asa --set edge_server=lync_edge
all_fail interdomain-asa --set enrollment=terminal --set ca_kind=standalone
all_fail ocs-imp-tls
all_fail ocs-partitioned
all_fail ocs-partitioned --set new_ocs_cert=yes
all_fail ocs-partitioned --set transport=tcp
clear_state
cp "$T/cs-ntp" "$CS/ntp-status.txt"
t3=$(date +%s)
echo "all fail: $((t3 - t2)) s"

# --- faults make checks fail, and say what was expected -------------------------

# lync-imp-tls: windows (the route's port, the Default certificate without
# clientAuth, a TCP route and a TCP pool left behind) and cisco-vos (the SIP
# Proxy stopped).
echo 5061 >"$WS/route-port"
echo False >"$WS/default-cert-client-auth"
{
	cat "$D/windows/trusted-application-pool.txt"
	printf '\nIdentity             : TrustedApplicationPool:10.1.1.20\n'
	printf 'Registrar            : Registrar:pool1.example.com\n'
	printf 'PoolFqdn             : 10.1.1.20\n'
} >"$WS/trusted-application-pool.txt"
printf '%s\n\n%s\n' 'TcpRoute : *.example.com :5061' 'TcpRoute : *.example.net 10.1.1.20:5060' \
    >"$WS/static-route-tcp.txt"
echo "Cisco SIP Proxy" >"$VS/services-stopped"
fails 5 lync-imp-tls --set tcp_configured=yes
expect_fail set-up-static-route 2 '" 10.1.1.20:" must not be in the output'
expect_fail set-up-static-route 5 'imp1\.example\.com:5062'
expect_fail verify-certificate-eku 8 'serverAuth=True clientAuth=True'
expect_fail set-up-application-pool 2 '"TrustedApplicationPool:10.1.1.20" must not be in the output'
expect_fail add-tls-peer-to-subjects-list 9 'Cisco SIP Proxy'
clear_state

# The checks issue 13 found misjudging, each with the state that fooled
# the old one: old_passes runs the old check's command on fx-windows as the
# engine sent it then, and its regex still matches (the wrong pass, or on
# real-format data the wrong fail for old_fails); the new check fails (or
# passes) on the same state.
ps_old() {	# SCRIPT: the output of the old engine's exec line, CRs off
	SSH_KNOWN_HOSTS="$T/kh" ssh_run_client "$WIN" powershell -NoProfile -NonInteractive -EncodedCommand \
	    "$(printf 'Import-Module Lync; %s | Format-List *' "$1" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)" \
	    </dev/null 2>/dev/null | tr -d '\r'
}
old_passes() { ps_old "$1" | grep -Eq "$2" || fail "the old check '$1' =~ /$2/ does not pass here: the fault shows nothing"; }
old_fails() { ! ps_old "$1" | grep -Eq "$2" || fail "the old check '$1' =~ /$2/ passes on real-format data"; }

# 1. The front end still holds its old Default certificate for the pool
# (server authentication only) beside the newest, and Lync still uses the
# old one: the old checks (any certificate CN=pool1 in the store) pass.
echo False >"$WS/newest-cert-client-auth"
echo False >"$WS/default-is-newest"
# 2. The route is in a site's collection, the global one has none: the old
# check (every collection) passes.
printf 'Identity : Global\nRoute    : {}\n' >"$WS/static-routing-configuration.txt"
: >"$WS/static-route-tls.txt"
# 3. The pool is homed on another site than lync_site_id.
echo 2 >"$WS/pool-site-id"
# 4. FIPS on, but Schannel has Triple DES 168 off: the old check (the FIPS
# value alone) passes, and the 3DES probe would have blamed FIPS.
echo False >"$WS/schannel-3des"
old_passes 'Get-ChildItem Cert:\LocalMachine\My' 'Subject *: *CN=pool1\.example\.com'
old_passes Get-CsStaticRoutingConfiguration 'MatchUri=\*\.example\.com;'
old_passes 'Get-ItemProperty -Path HKLM:\System\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy -Name Enabled' 'Enabled *: *1'
fails 6 lync-imp-tls
expect_fail approve-import-certificate 11 'NewestCert'
expect_fail assign-imported-certificate 10 'newest=True'
expect_fail set-up-static-route 5 'MatchUri='
expect_fail set-up-static-route 5 'TlsRoute'
expect_fail set-up-application-pool 5 'siteid=1'
expect_fail set-up-lync-tlsv1 6 '3des=True'
[ "$(jq '[.checks[] | select(.procedure == "set-up-static-route" and .verdict == "fail")] | length' "$T/out")" -eq 2 ] ||
    fail "set-up-static-route: expected its two step-5 checks to fail"
# The site as the pool stores it (Site:Springfield): the old check
# (SiteId : Site:1) fails on the real format whatever the site.
clear_state
old_fails "Get-CsTrustedApplicationPool -Identity 'imp1.example.com'" 'SiteId *: *Site:1$'
clear_state

# lync-cup-federation: cisco-vos (cup self-signed, the XCP Router stopped).
sed 's#^cup/cup\.pem: .*#cup/cup.pem: Self-signed certificate generated by system#' \
    "$D/vos/cert-list-own.txt" >"$VS/cert-list-own.txt"
echo "Cisco XCP Router" >"$VS/services-stopped"
fails 2 lync-cup-federation
expect_fail configure-certificates 2 'Certificate Signed by example-CA1'
expect_fail restart-services 3 'Cisco XCP Router'
clear_state

# lync-cup-federation, issue 13: the XCP SIP Federation Connection Manager
# stopped (nothing looked at it); Lync without the trusted application pool
# of the Federation Routing FQDN (nothing looked at Lync).
printf '%s\n' "Cisco XCP SIP Federation Connection Manager" >"$VS/services-stopped"
: >"$WS/trusted-application-pool.txt"
fails 2 lync-cup-federation
expect_fail restart-services 3 'Cisco XCP SIP Federation Connection Manager'
expect_fail set-federation-routing-fqdn 1 'PoolFqdn'
clear_state
# A two-tier PKI: cup-trust holds the root (example-CA1), the cup
# certificate is signed by the issuing CA. The old check read ca_name for
# both and failed; issuer_name names the issuing CA.
sed 's#^cup/cup\.pem: .*#cup/cup.pem: Certificate Signed by example-Issuing-CA#' \
    "$D/vos/cert-list-own.txt" >"$VS/cert-list-own.txt"
! grep -Eq '^cup/cup\.pem: *Certificate Signed by example-CA1$' "$VS/cert-list-own.txt" ||
    fail "two-tier fault: the old check (issuer = ca_name) would still pass"
all_pass lync-cup-federation --set issuer_name=example-Issuing-CA
clear_state

# interdomain-asa: cisco-asa (clock unsynchronized, the imported IM and
# Presence certificate gone, client-types missing), cisco-vos (clock
# unsynchronised), windows (the Access Edge certificate without clientAuth).
cp "$D/asa/ntp-status-unsynchronised.txt" "$AS/ntp-status.txt"
: >"$AS/certs-cert_from_cup.txt"
grep -v 'validation-usage' "$D/asa/trustpoint-msca.cfg" >"$AS/trustpoint-msca.cfg"
cp "$D/vos/ntp-status-unsynchronised.txt" "$VS/ntp-status.txt"
sed '/CN=edge\.example\.com/s/clientAuth=True/clientAuth=False/' \
    "$D/windows/cert-check.txt" >"$WS/cert-check.txt"
fails 5 interdomain-asa
expect_fail import-imp-certificate 1 'Clock is synchronized'
expect_fail import-imp-certificate 11 'CA Certificate'
expect_fail configure-scep-enrollment 3 'client-types ssl'
expect_fail import-self-signed-certificate 5 'synchronised to NTP server'
expect_fail request-site-server-signing-certificate 2 'CN=edge\.example\.com'
clear_state

# interdomain-asa, issue 13. On real-format data the old checks fail: the CLI
# lists one .pem line per trust certificate (no .der line), and ASA 9.x
# stores client-types ssl as validation-usage ssl-client.
! grep -Eq '^cup-trust/10\.1\.1\.1\.der: *Trust Certificate' "$D/vos/cert-list-trust.txt" ||
    fail "fixture: a .der line in show cert list trust"
! grep -Eq '^ client-types ssl[[:space:]]*$' "$D/asa/trustpoint-msca.cfg" ||
    fail "fixture: client-types ssl where 9.x prints validation-usage ssl-client"
# The ASA synchronised, but to another source than CUCM's (the old check,
# "Clock is synchronized" alone, passes); the CUCM publisher not
# synchronised (nothing looked at it).
sed 's/reference is 10\.1\.1\.10/reference is 10.1.1.99/' "$D/asa/ntp-status.txt" >"$AS/ntp-status.txt"
grep -Eq '^Clock is synchronized' "$AS/ntp-status.txt" || fail "the old ASA NTP check would not pass"
cp "$CS/ntp-status.txt" "$T/cs-ntp"
cp "$D/vos/ntp-status-unsynchronised.txt" "$CS/ntp-status.txt"
fails 2 interdomain-asa
expect_fail import-imp-certificate 1 'reference is 10\.1\.1\.10'
expect_fail import-imp-certificate 1 'synchronised to NTP server \(10\.1\.1\.10\)'
[ "$(jq -r '[.checks[] | select(.verdict == "fail") | .on] | sort | join(",")' "$T/out")" = "asa1,cucm1" ] ||
    fail "the NTP faults should fail on asa1 and cucm1"
cp "$T/cs-ntp" "$CS/ntp-status.txt"
clear_state

# ocs-imp-tls: windows (the OCS certificate without clientAuth, the route
# without Replace host, seen twice, the host not treated as authenticated,
# the front-end service stopped) and cisco-vos (the SIP Proxy stopped).
echo False >"$WS/ocs-cert-client-auth"
sed '1s/replacehost=True/replacehost=False/' "$D/windows/wmi-static-routes.txt" \
    >"$WS/wmi-static-routes.txt"
echo False >"$WS/host-auth-authenticated"
echo Stopped >"$WS/rtcsrv-status"
echo "Cisco SIP Proxy" >"$VS/services-stopped"
fails 6 ocs-imp-tls
expect_fail approve-and-install-certificate 20 'CN=ocs1\.example\.com'
expect_fail configure-tls-route 6 'replacehost=True'
expect_fail configure-authenticated-host 9 'authenticated=True'
expect_fail configure-authenticated-host 10 'Running'
expect_fail configure-authenticated-host 10 'replacehost=True'
expect_fail add-tls-peer-to-selected-subjects 9 'Cisco SIP Proxy'
clear_state

# ocs-imp-tls, issue 13: the route's next hop is the node's address, not
# the FQDN its certificate carries (OCS checks the certificate against the
# next hop: the old check, any next hop, passes); Schannel has 3DES off
# beside FIPS on (the old check, FIPS alone, passes).
printf 'OcsRoute : TLS 10.1.1.20:5062 replacehost=True sip:*@imp1.example.com\n' \
    >"$WS/wmi-static-routes.txt"
echo False >"$WS/schannel-3des"
old_passes "Get-WmiObject -Namespace root\\cimv2 -Class MSFT_SIPRoutingTableData | Select-Object @{Name='OcsRoute'; Expression={\$_.NextHopTransport + ' ' + \$_.NextHop + ':' + \$_.NextHopPort + ' replacehost=' + \$_.ReplaceHostInRequestURI + ' ' + \$_.MatchURI}}" \
    'OcsRoute *: *[Tt][Ll][Ss] [^ ]+:5062 replacehost=True [^ ]*imp1\.example\.com$'
fails 3 ocs-imp-tls
expect_fail configure-tls-route 6 'imp1\.example\.com:5062'
expect_fail configure-authenticated-host 10 'imp1\.example\.com:5062'
expect_fail configure-tlsv1 7 '3des=True'
clear_state

# ocs-partitioned: windows (port 5061 left TLS, FIPS off, the SIP domain
# not served by OCS: a check of an IM and Presence procedure that runs on
# the OCS servers, role ocs_fe) and cisco-vos (cup self-signed); then TCP
# without a TCP route.
echo TLS >"$WS/listener-5061-transport"
echo 0 >"$WS/fips-enabled"
echo other.example.net >"$WS/sip-domain"
sed 's#^cup/cup\.pem: .*#cup/cup.pem: Self-signed certificate generated by system#' \
    "$D/vos/cert-list-own.txt" >"$VS/cert-list-own.txt"
fails 4 ocs-partitioned
expect_fail configure-mutual-tls 8 '[Mm][Tt][Ll][Ss] [^ ]*:5061'
expect_fail enable-fips 6 'FipsAlgorithmPolicy'
expect_fail domain-verification 1 'Address\s*:\s*example\.com$'
[ "$(jq -r '[.checks[] | select(.procedure == "domain-verification" and .kind == "ssh") |
    .host + " " + .on] | join(",")' "$T/out")" = "imp1 ocs1" ] ||
    fail "domain-verification's ssh check (procedure on imp) did not run on the OCS server (role ocs_fe)"
expect_fail configure-certificates-on-imp 3 'Certificate Signed by'
clear_state
fails 1 ocs-partitioned --set transport=tcp
expect_fail configure-static-routes-on-ocs 10 '10\.1\.1\.20:5060'

clear_state

# ocs-partitioned, issue 13: the OCS server's own certificate lacks Client
# Authentication while others in its store have both (the old CertCheck,
# with no subject, passes); IM and Presence does not trust the OCS root (no
# check looked at cup-trust).
echo False >"$WS/ocs-cert-client-auth"
grep -v '^cup-trust/example-CA1\.pem' "$D/vos/cert-list-trust.txt" >"$VS/cert-list-trust.txt"
old_passes "Get-ChildItem Cert:\\LocalMachine\\My | Select-Object @{Name='CertCheck'; Expression={\$e = @(\$_.Extensions | Where-Object {\$_.Oid.Value -eq '2.5.29.37'} | ForEach-Object {\$_.EnhancedKeyUsages} | ForEach-Object {\$_.Value}); \$c = New-Object System.Security.Cryptography.X509Certificates.X509Chain; \$c.ChainPolicy.RevocationMode = 'NoCheck'; 'serverAuth=' + (\$e -contains '1.3.6.1.5.5.7.3.1') + ' clientAuth=' + (\$e -contains '1.3.6.1.5.5.7.3.2') + ' trusted=' + \$c.Build(\$_) + ' ' + \$_.Subject}}" \
    'CertCheck *: *serverAuth=True clientAuth=True trusted=True '
fails 2 ocs-partitioned
expect_fail validate-existing-certificate 12 'CN=ocs1\.example\.com'
expect_fail configure-certificates-on-imp 1 'cup-trust/example-CA1'
clear_state

# Per node: a second IM and Presence node (imp2, 10.1.1.21) with no Host
# Authorization entry on the OCS pool. Its instance of Add Host
# Authorization fails (both entries), imp1's passes: each node's own
# values, checked on the OCS pool (the document's step 11 repeats it per
# node).
ssh_answers ocs-partitioned.answers.yaml "$T/a2.yaml" $HOSTS
sed -i "/^  imp:/a\\    - { name: imp2, address: 127.0.0.1, port: $VOS, user: $(id -un), vars: { imp_fqdn: imp2.example.com, imp_address: 10.1.1.21 } }" "$T/a2.yaml"
expect_exit 1 "$FEDWIZ" --known-hosts "$T/kh" check ocs-partitioned --answers "$T/a2.yaml" \
    --identity "$T/id_ed25519" --kind ssh --json </dev/null
[ "$(jq -r '[.checks[] | select(.verdict == "fail") | "\(.procedure)@\(.host // "") \(.step) \(.on)"] | sort | join(",")' "$T/out")" = \
    "add-host-authorization@imp2 12 ocspool1,add-host-authorization@imp2 12 ocspool1" ] || {
	jq -c '.checks[] | select(.verdict == "fail") | [.procedure, .host, .step, .on, .message]' "$T/out"
	fail "per node: only imp2's two Host Authorization checks (on ocspool1) should fail"
}
jq -e '[.checks[] | select(.procedure == "add-host-authorization" and .verdict == "fail")] | all(.message | contains("imp2") or contains("1\\.21"))' "$T/out" >/dev/null ||
    fail "imp2's checks did not use imp2's own values"
clear_state

echo "faults: $(($(date +%s) - t3)) s; runbook checks: $(($(date +%s) - t0)) s"
