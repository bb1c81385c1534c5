#!/bin/sh
# Evidence from where fedwiz cannot reach, pasted in the wizard (80x24):
# c on a step whose host is unreachable says p pastes; the paste screen
# shows the command as fedwiz would send it; a large paste (bracketed: its
# Enters, q and y are text, not keys) is taken whole and nothing is
# recorded until Enter; Esc cancels with nothing recorded; a resize keeps
# the screen; the paste is judged by the check's own expectations,
# recorded as pasted by the operator, and the step is done by its checks;
# a wrong paste keeps the step open. The record (md, html, json) and
# status tell pasted evidence and steps done by their checks apart.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

RB="$FEDWIZ_SRCDIR/tests/data/paste"
export FEDWIZ_RUNBOOKS="$RB"
# Every host at 127.0.0.1 port 1: nothing listens there.
cat >"$T/answers.yaml" <<'EOF'
runbook: paste-checks
vars: { pool_fqdn: pool1.example.com }
hosts:
  fe:
    - { name: fe1, address: 127.0.0.1, port: 1 }
    - { name: fe2, address: 127.0.0.1, port: 1 }
  imp:
    - { name: imp1, address: 127.0.0.1, port: 1, profile: cisco-vos }
    - { name: imp2, address: 127.0.0.1, port: 1, profile: cisco-vos }
EOF
F start paste-checks --answers "$T/answers.yaml" >"$T/sid" 2>/dev/null || fail "start"
sid=$(cat "$T/sid")

# What Get-CsCertificate -Type Default | Format-List * printed on fe1,
# behind 3000 lines of other output (~150 KB), with lines that would be
# keys if they were typed: q (quit), y (copy), e, Esc-less.
{
	i=0
	while [ $i -lt 3000 ]; do
		echo "Line $i of what the shell printed before : nothing to see here"
		i=$((i + 1))
	done
	echo q
	echo y
	echo "Issuer             : CN=example-CA1, DC=example, DC=com"
	echo "Subject            : CN=pool1.example.com"
	echo "Use                : Default"
	echo "Last line of the paste"
} >"$T/good.txt"
printf 'Subject            : CN=fe1.example.com\nUse                : Default\n' >"$T/bad.txt"

pasted() { sqlite3 -cmd ".timeout 5000" "$DB" "SELECT count(*) FROM checks WHERE origin = 'pasted'"; }

tui_start
tui_wait "paste-checks"
tui_keys Enter
tui_wait "plan (Enter open"
tui_keys Enter
tui_wait "Read the Default certificate"
tui_keys c
tui_wait "ERROR ssh fe1"
tui_wait_wrapped "p pastes the output of a host fedwiz could not reach"
tui_keys p
tui_wait "Paste output: step 1 of read-default@fe1"
tui_wait_wrapped "which fedwiz could not reach"
tui_wait "Get-CsCertificate -Type Default | Format-List * | Out-String -Width 4096"
tui_wait "Judged by: a line matches (regex): Use"
# Enter before anything came records nothing and says so.
tui_keys Enter
tui_wait_wrapped "Paste the output first"
[ "$(pasted)" = 0 ] || fail "something was recorded before a paste"

# The large paste: taken whole, its q and y as text; nothing recorded.
tx load-buffer -b out "$T/good.txt"
tx paste-buffer -p -b out -t fw
tui_wait "3006 lines, " 60
tui_wait "Last line of the paste"
tui_wait_wrapped "Enter judges and records it (pasted by tui-tester)"
[ "$(pasted)" = 0 ] || fail "the paste was recorded before Enter"
# A resize keeps it (and draws again at the new size).
tui_resize 60 20
tui_wait "Last line of the paste"
tui_resize 80 24
tui_wait "3006 lines, "
# Esc cancels: nothing recorded, back where c was run.
tui_keys Escape
tui_wait "Paste cancelled: nothing recorded."
[ "$(pasted)" = 0 ] || fail "a cancelled paste was recorded"

# The same paste again, confirmed: judged, recorded, step done.
tui_keys p
tui_wait "Paste output: step 1 of read-default@fe1"
tx paste-buffer -p -b out -t fw
tui_wait "3006 lines, " 60
tui_keys Enter
tui_wait_wrapped "Pasted output from fe1: 2 of 2 checks passed (recorded as pasted by tui-tester). Step 1 is done, by its checks"
[ "$(pasted)" = 2 ] || fail "pasted evidence: $(pasted) rows"
[ "$(sqlite3 -cmd ".timeout 5000" "$DB" "SELECT group_concat(DISTINCT origin_detail) FROM checks WHERE origin = 'pasted'")" = tui-tester ] ||
	fail "who pasted it"
[ "$(sqlite3 -cmd ".timeout 5000" "$DB" "SELECT via FROM steps WHERE proc = 'read-default' AND host = 'fe1' AND step = 1")" = checks ] ||
	fail "step 1 is not done by its checks"
tui_wait "PASS  ssh fe1: Get-CsCertificate -Type Default (pasted by tui-tester)"

# A paste that does not show what the check wants keeps the step open.
tui_keys Escape
tui_wait "Read the Default certificate"
tui_keys Down Down
tui_keys p
tui_wait "Paste output: step 3 of read-default@fe1"
tx load-buffer -b bad "$T/bad.txt"
tx paste-buffer -p -b bad -t fw
tui_wait "2 lines, "
tui_keys Enter
tui_wait_wrapped "other checks have not run with it"
tui_keys p
tui_wait "Paste output: step 3 of read-default@fe1"
tx paste-buffer -p -b bad -t fw
tui_wait "2 lines, "
tui_keys e
tui_wait_wrapped "Paste it again: what came before is gone."
tui_type "Use : Default"
tui_keys C-d
tui_wait "1 line, 13 bytes taken"
tui_keys Escape
tui_wait "Paste cancelled: nothing recorded."
[ "$(sqlite3 -cmd ".timeout 5000" "$DB" "SELECT status FROM steps WHERE proc = 'read-default' AND host = 'fe1' AND step = 3")" != done ] ||
	fail "step 3 done without its tls check"

# The record and status tell them apart.
F report --session "$sid" --format md >"$T/md" 2>/dev/null || fail "report md"
grep -q '| 1 | In the Lync Server Management Shell, read the Default certificate.<br>`Get-CsCertificate -Type Default` | done, by its checks | tui-tester |' "$T/md" ||
	fail "md: step 1 not said done by its checks: $(grep -n '^| 1 |' "$T/md")"
grep -q 'pasted by tui-tester' "$T/md" || fail "md: no pasted evidence"
F report --session "$sid" --format html >"$T/html" 2>/dev/null || fail "report html"
grep -q 'done</span>, by its checks' "$T/html" || fail "html: done by its checks"
grep -q 'pasted by tui-tester' "$T/html" || fail "html: pasted evidence"
F report --session "$sid" --format json >"$T/json" 2>/dev/null || fail "report json"
jq -e '[.. | objects | select(.origin? == "pasted" and .origin_detail == "tui-tester")] | length == 3' "$T/json" >/dev/null ||
	fail "json: pasted evidence"
jq -e '[.. | objects | select(.via? == "checks")] | length == 1' "$T/json" >/dev/null ||
	fail "json: via checks"
F status --session "$sid" >"$T/status" 2>/dev/null || fail "status"
grep -q '^done by their checks (all passed; every other done step was marked by the operator): read-default@fe1 step 1$' "$T/status" ||
	fail "status: $(cat "$T/status")"
grep -q 'evidence given by hand (pasted): read-default@fe1 step 1 (pass, pasted by tui-tester)' "$T/status" ||
	fail "status pasted"
F audit verify >/dev/null 2>&1 || fail "audit verify"

tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
tui_tty_restored
echo "pasted in the wizard: judged, recorded as pasted, the step done by its checks"
