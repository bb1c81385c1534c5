#!/bin/bash
# faults.sh: every fault of `fedwiz lab faults` on one configured lab.
# For each: `lab break FAULT` -> `fedwiz check RUNBOOK --answers
# DIR/answers/RUNBOOK.yaml` has exactly the failing checks below (none
# else fails or errs), each failure naming the procedure that puts it
# right -> `lab faults` says it is in -> the fault is put right (the
# procedure redone where the lab can redo it: its commands typed at the
# device over SSH, or `lab do` for a page; else the trainer's `lab fix`)
# -> every check of the runbook passes again and `lab faults` says fixed.
# Faults no check of the runbook catches (empty-fragments,
# reversed-pattern) are asserted as such: nothing fails, and the state
# still says the fault is in (doc/lab.md "Faults" says why).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"

L="$T/lab"
expect_exit 0 lab_up "$L" --state configured >/dev/null
block=$("$FEDWIZ" lab status --dir "$L" --json | jq -r .block)

# What a check run leaves that is not a pass: "verdict proc@host sSTEP
# kind", one a line, sorted; manual confirmations and checks whose `when`
# is false are not run by design.
not_passing() {
	jq -r '.checks[] | select(.verdict != "pass" and .kind != "manual" and
	    ((.message // "") | test("does not apply") | not)) |
	    "\(.verdict) \(.procedure)@\(.host // "") s\(.step) \(.kind)"' \
	    "$1" | sort
}

state_of() {
	"$FEDWIZ" lab faults --dir "$L" --json | jq -r --arg f "$1" \
	    --arg h "$2" '.[] | select(.id == $f) | .broken[] |
	    select(.host == $h) | .state'
}

# Type lines at a lab device, as a person at its console would.
typed() {
	local h=$1
	shift
	printf '%s\n' "$@" | lab_ssh "$L" "$h" >"$T/typed.out" 2>&1 ||
	    fail "$h: the session ended badly: $(tail -5 "$T/typed.out")"
}

# The remedies, as each runbook's checks have them: FAULT HOST RUNBOOK,
# then the expected lines "verdict proc@host sN kind > procedure named"
# ("-" : an error whose message need not name one), then how it is put
# right: "fix" (lab fix), "do PROC@HOST", or a function name below.
cases() {
	cat <<'EOF'
no-client-eku fe1 lync-imp-tls
  fail approve-import-certificate@fe1 s11 ssh > submit-certificate-request
  fail verify-certificate-eku@fe1 s8 ssh > submit-certificate-request
  fail verify-certificate-eku@fe1 s8 tls > submit-certificate-request
  fail restart-front-end-service@fe1 s1 sip > submit-certificate-request
  fail add-tls-peer-to-subjects-list@ s9 sip > submit-certificate-request
  redo redo_fe1_certificate
cn-mismatch fe1 lync-imp-tls
  fail assign-imported-certificate@fe1 s10 ssh > assign-imported-certificate
  fail verify-certificate-eku@fe1 s11 ssh > assign-imported-certificate
  fail create-tls-peer-subject@ s3 tls > assign-imported-certificate
  fail add-tls-peer-to-subjects-list@ s9 sip > create-tls-peer-subject
  redo redo_fe1_certificate
no-client-eku ocs1 ocs-imp-tls
  fail configure-tlsv1@ocs1 s8 tls > submit-certificate-request
  fail configure-tlsv1@ocs1 s8 sip > submit-certificate-request
  fail add-tls-peer-to-selected-subjects@ s9 sip > submit-certificate-request
  redo fix
no-client-eku ocsr2 ocs-partitioned
  fail configure-certificates-on-imp@imp3 s4 sip > request-signed-certificate
  fail restart-services@ocsr2 s3 tls > request-signed-certificate
  fail restart-services@ocsr2 s3 sip > request-signed-certificate
  redo fix
no-client-eku imp3 ocs-partitioned
  fail configure-certificates-on-imp@imp3 s4 sip > verify-peer-auth-listener
  fail restart-services@ocsr2 s3 sip > configure-certificates-on-imp
  redo fix
no-client-eku cup1 lync-cup-federation
  fail restart-services@cup1 s2 tls > configure-certificates
  fail restart-services@cup1 s3 sip > configure-certificates
  fail restart-services@cup1 s3 sip > configure-certificates
  redo fix
cn-mismatch edge1 interdomain-asa
  fail upload-certificate@edge1 s1 tls > request-site-server-signing-certificate
  redo fix
imp-cert-no-fqdn imp4 interdomain-asa
  fail generate-imp-certificate@imp4 s7 tls > generate-imp-certificate
  fail import-imp-certificate@asa1 s7 tls > generate-imp-certificate
  redo fix
domain-change-cert imp3 ocs-partitioned
  fail configure-certificates-on-imp@imp3 s3 ssh > configure-certificates-on-imp
  fail configure-certificates-on-imp@imp3 s3 tls > configure-certificates-on-imp
  fail configure-certificates-on-imp@imp3 s4 sip > configure-certificates-on-imp
  fail configure-static-routes-on-ocs@ocsr2pool s7 tls > install-ca-root-certificates
  fail restart-services@ocsr2 s3 sip > install-ca-root-certificates
  redo do configure-certificates-on-imp@imp3
ntp-unsync asa1 interdomain-asa
  fail import-imp-certificate@asa1 s1 ssh > import-imp-certificate
  redo redo_asa_ntp
ntp-unsync imp4 interdomain-asa
  fail import-self-signed-certificate@imp4 s5 ssh > import-self-signed-certificate
  redo fix
no-3des-tlsv1 fe1 lync-imp-tls
  fail set-up-lync-tlsv1@fe1 s6 ssh > set-up-lync-tlsv1
  fail set-up-lync-tlsv1@fe1 s7 tls > set-up-lync-tlsv1
  redo redo_schannel
empty-fragments imp1 lync-imp-tls
  redo do add-tls-peer-to-subjects-list@imp1
wrong-port fe1 lync-imp-tls
  fail set-up-static-route@ s5 ssh > set-up-static-route
  fail set-up-static-route@ s5 ssh > set-up-static-route
  redo fix
dns-missing imp1 lync-imp-tls
  fail set-up-static-route@ s3 dns > set-up-static-route
  error set-up-static-route@ s5 tls > -
  error add-tls-peer-to-subjects-list@ s9 tls > -
  error add-tls-peer-to-subjects-list@ s9 tls > -
  error add-tls-peer-to-subjects-list@ s9 sip > -
  redo fix
reversed-pattern cup1 lync-cup-federation
  redo do set-up-static-route@cup1
edge-allow-clash edge1 interdomain-asa
  fail verify-federation@ s3 sip > upload-certificate
  redo fix
chain-untrusted fe1 lync-imp-tls
  fail approve-import-certificate@fe1 s11 ssh > install-ca-chain
  fail restart-front-end-service@fe1 s1 sip > install-ca-chain
  redo do install-ca-chain@fe1
chain-untrusted ocs1 ocs-imp-tls
  fail configure-tlsv1@ocs1 s8 sip > install-ca-chain
  redo do install-ca-chain@ocs1
chain-untrusted ocsr2 ocs-partitioned
  fail validate-existing-certificate@ocsr2 s12 ssh > install-ca-root-certificates
  fail restart-services@ocsr2 s3 sip > install-ca-root-certificates
  redo do install-ca-root-certificates@ocsr2
chain-untrusted cup1 lync-cup-federation
  fail configure-certificates@cup1 s2 ssh > configure-certificates
  fail restart-services@cup1 s3 sip > configure-certificates
  redo do configure-certificates@cup1
chain-untrusted edge1 interdomain-asa
  fail request-site-server-signing-certificate@edge1 s2 ssh > install-ca-chain
  fail verify-federation@ s3 sip > install-ca-chain
  redo do install-ca-chain@edge1
federation-off cup1 lync-cup-federation
  fail restart-services@cup1 s3 ssh > restart-services
  redo redo_cup_service
edge-as-authorized-host ocs1 ocs-imp-tls
  fail configure-authenticated-host@ocspool1 s9 ssh > configure-authenticated-host
  fail configure-tlsv1@ocs1 s8 sip > configure-authenticated-host
  redo do configure-authenticated-host@ocs1
EOF
}

# A new certificate for the front end, as lync-imp-tls has it: the
# request typed in the Lync Management Shell (its command, from the plan),
# then the CA page, the approval and the Deployment Wizard's assignment.
# A second first: the lab dates what a CA issues now by the second, and
# the checks take the newest certificate by NotBefore.
redo_fe1_certificate() {
	local cmd
	cmd=$(jq -r '.procedures[] | select(.id == "submit-certificate-request"
	    and .host == "fe1") | .steps[] | select(.applies and .command) |
	    .command' "$T/steps.lync-imp-tls.json")
	case $cmd in
	"Request-CsCertificate "*"-ClientEku \$true"*) ;;
	*) fail "submit-certificate-request@fe1: unexpected command: $cmd" ;;
	esac
	sleep 1
	typed fe1 "$cmd" exit
	for p in submit-certificate-request approve-import-certificate \
	    assign-imported-certificate; do
		expect_exit 0 "$FEDWIZ" lab do "$p@fe1" --dir "$L"
	done
}

# The ASA's NTP, as interdomain-asa's check hint has it: ntp server.
redo_asa_ntp() {
	typed asa1 enable "" "configure terminal" "ntp server $block.3" end \
	    "write memory" exit
}

# Schannel 3DES back on (the set-up-lync-tlsv1 check's hint: Enabled
# 0xffffffff), in the front end's PowerShell.
redo_schannel() {
	typed fe1 "Set-ItemProperty -Path 'HKLM:\\System\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Ciphers\\Triple DES 168' -Name Enabled -Value 0xffffffff" exit
}

# restart-services of lync-cup-federation: the federation service.
redo_cup_service() {
	typed cup1 "utils service start Cisco XCP SIP Federation Connection Manager" exit
	grep -q "Federation Connection Manager\[STARTED\]" "$T/typed.out" ||
	    fail "cup1 did not start the service: $(cat "$T/typed.out")"
}

# Every fault of the lab has a case here.
"$FEDWIZ" lab faults --dir "$L" --json | jq -r '.[].id' | sort >"$T/ids"
[ "$(wc -l <"$T/ids")" -eq 14 ] || fail "lab faults lists $(wc -l <"$T/ids") faults, not 14"
cases | awk '/^[a-z]/ { print $1 }' | sort -u >"$T/tested"
diff "$T/ids" "$T/tested" >/dev/null ||
    fail "faults without a case here: $(comm -23 "$T/ids" "$T/tested" | tr '\n' ' ')"

run_case() {
	local f=$1 h=$2 rb=$3 redo=$4 exp=$5 got st line proc msg
	expect_exit 0 "$FEDWIZ" lab break "$f" --host "$h" --dir "$L"
	[ "$(state_of "$f" "$h")" = in ] || fail "$f@$h: lab faults does not say it is in"
	"$FEDWIZ" lab status --dir "$L" | grep -q "^    $f  *$h  *in$" ||
	    fail "$f@$h: lab status does not list it as in"
	set +e
	"$FEDWIZ" check "$rb" --answers "$L/answers/$rb.yaml" --json >"$T/c.json" 2>"$T/c.err"
	set -e
	not_passing "$T/c.json" >"$T/got"
	sed 's/ > .*//' "$exp" | sort >"$T/want"
	diff "$T/want" "$T/got" >"$T/diff" ||
	    fail "$f@$h: $rb: not the checks that should catch it (- expected, + got):
$(cat "$T/diff")"
	# Each failure names, in the procedure's words, the procedure that
	# puts it right.
	while IFS= read -r line; do
		proc=${line##* > }
		[ "$proc" = - ] && continue
		set -- ${line% > *}
		msg=$(jq -r --arg p "${2%@*}" --arg h "${2#*@}" --arg s "${3#s}" \
		    --arg k "$4" '[.checks[] | select(.procedure == $p and
		    (.host // "") == $h and (.step | tostring) == $s and
		    .kind == $k and .verdict != "pass") | .message] | join(" | ")' \
		    "$T/c.json")
		case $msg in
		*"($proc)"*) ;;
		*) fail "$f@$h: ${line% > *} does not name $proc: $msg" ;;
		esac
		title=$(jq -r --arg p "$proc" '.procedures[] | select(.id == $p) |
		    .title' "$T/plan.$rb.json" | head -1)
		case $msg in
		*"'$title'"*) ;;
		*) fail "$f@$h: ${line% > *} does not name '$title' in the procedure's words: $msg" ;;
		esac
	done <"$exp"
	case $redo in
	fix)
		expect_exit 0 "$FEDWIZ" lab fix "$f" --host "$h" --dir "$L" >/dev/null
		st=$(state_of "$f" "$h")
		[ -z "$st" ] || fail "$f@$h: still recorded after lab fix ($st)"
		;;
	do\ *)
		expect_exit 0 "$FEDWIZ" lab do "${redo#do }" --dir "$L" >/dev/null
		;;
	*)
		"$redo"
		;;
	esac
	if [ "$redo" != fix ]; then
		st=$(state_of "$f" "$h")
		[ "$st" = fixed ] ||
		    fail "$f@$h: the procedure redone ($redo), lab faults says '$st', not fixed"
		# The record goes with the trainer's fix.
		expect_exit 0 "$FEDWIZ" lab fix "$f" --host "$h" --dir "$L"
		grep -q "it was not in" "$T/out" ||
		    fail "$f@$h: lab fix changed something after the redo: $(cat "$T/out")"
	fi
	set +e
	"$FEDWIZ" check "$rb" --answers "$L/answers/$rb.yaml" --json >"$T/c.json" 2>"$T/c.err"
	set -e
	not_passing "$T/c.json" >"$T/got"
	[ ! -s "$T/got" ] || fail "$f@$h: after $redo, still not passing: $(cat "$T/got")"
	echo "ok: $f@$h ($rb): $(grep -c . "$exp" || true) checks catch it; $redo puts it right"
}

for rb in lync-imp-tls ocs-imp-tls ocs-partitioned interdomain-asa lync-cup-federation; do
	"$FEDWIZ" plan "$rb" --answers "$L/answers/$rb.yaml" --json >"$T/plan.$rb.json"
	"$FEDWIZ" plan "$rb" --answers "$L/answers/$rb.yaml" --steps --json \
	    >"$T/steps.$rb.json"
done
cur=
: >"$T/exp"
while IFS= read -r line; do
	case $line in
	"  redo "*)
		run_case $cur "${line#  redo }" "$T/exp"
		: >"$T/exp"
		;;
	"  "*)
		echo "${line#  }" >>"$T/exp"
		;;
	*)
		cur=$line
		;;
	esac
done < <(cases)

# Bad input: an unknown fault, a host it does not apply to, no lab.
expect_exit 2 "$FEDWIZ" lab break no-such-fault --dir "$L" 
grep -q "no such fault" "$T/err" || fail "unknown fault: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab break ntp-unsync --host fe1 --dir "$L" 
grep -q "asa1 cucm1 imp4" "$T/err" || fail "wrong host: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" lab break wrong-port --dir "$T/nolab"
grep -q "no lab here" "$T/err" || fail "no lab: $(cat "$T/err")"
# reset forgets every injection
expect_exit 0 "$FEDWIZ" lab break federation-off --dir "$L" >/dev/null
expect_exit 0 "$FEDWIZ" lab reset --dir "$L" >/dev/null
[ "$("$FEDWIZ" lab faults --dir "$L" --json | jq '[.[].broken[]] | length')" = 0 ] ||
    fail "lab reset left injections recorded"
echo "ok: every fault breaks, is caught where a check can, and is put right"
