#!/bin/sh
# fedwiz check --from FILE: output the operator collected on a server fedwiz
# cannot reach is judged by the same expectations as the engine's, recorded
# with origin "pasted" and who pasted it, and told apart in status and in
# the report (md, html, json). Bad uses say what is missing (exit 2).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

D="$FEDWIZ_SRCDIR/tests/ssh/data"
export FEDWIZ_STATE="$T/state.db" FEDWIZ_OPERATOR=ops-anna
A="$D/lync-imp-tls.answers.yaml"

# What Get-CsCertificate -Type Default printed on fe1 (Format-List), as the
# operator saved it from the Lync Server Management Shell.
sed 's/{{cert-subject}}/CN=pool1.example.com/' "$D/windows/cs-certificate-default.txt" >"$T/good.txt"
sed 's/{{cert-subject}}/CN=fe1.example.com/' "$D/windows/cs-certificate-default.txt" >"$T/bad.txt"

# Without a session: judged and printed, nothing recorded.
expect_exit 0 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure verify-certificate-eku \
    --host fe1 --step 11 --from "$T/good.txt"
grep -q '^PASS  verify-certificate-eku@fe1 step 11 on fe1: ssh Get-CsCertificate -Type Default (pasted by ops-anna)' "$T/out" ||
    fail "pasted pass: $(cat "$T/out")"
expect_exit 1 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure verify-certificate-eku \
    --host fe1 --step 11 --from "$T/bad.txt" --json
jq -e '.checks | length == 1 and .[0].verdict == "fail" and .[0].origin == "pasted" and
    .[0].origin_detail == "ops-anna" and
    (.[0].message | contains("Subject\\s*:\\s*CN=pool1\\.example\\.com") and
    contains("Assign Imported Certificate"))' "$T/out" >/dev/null ||
    fail "pasted fail in JSON: $(cat "$T/out")"
# Standard input, too.
expect_exit 0 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure verify-certificate-eku \
    --host fe1 --step 11 --from - <"$T/good.txt"

# A Cisco CLI's error line fails it, whatever else the paste holds.
printf 'admin:show cert list trust\nExecuted command unsuccessfully\nNo valid command entered\ncup-trust/10.1.1.1.pem: Trust Certificate\nadmin:\n' >"$T/vos.txt"
expect_exit 1 "$FEDWIZ" check interdomain-asa --answers "$D/interdomain-asa.answers.yaml" \
    --procedure import-self-signed-certificate --host imp1 --step 5 --index 1 --from "$T/vos.txt"
grep -q 'the device refused the command: Executed command unsuccessfully' "$T/out" ||
    fail "Cisco error line in a paste: $(cat "$T/out")"

# Bad uses: each says what is missing or wrong, exit 2.
expect_exit 2 "$FEDWIZ" check lync-imp-tls --answers "$A" --from "$T/good.txt"
grep -q -- '--from needs --procedure ID, --host NAME (where you ran the command) and --step N' "$T/err" || fail "needs"
expect_exit 2 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure verify-certificate-eku --host fe1 --step 11
expect_exit 2 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure verify-certificate-eku --step 11
grep -q 'only with --from FILE' "$T/err" || fail "--step without --from"
expect_exit 2 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure verify-certificate-eku \
    --host fe1 --step 1 --from "$T/good.txt"
grep -q 'step 1 of verify-certificate-eku has no ssh check that runs on fe1' "$T/err" || fail "no ssh check"
expect_exit 2 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure verify-certificate-eku \
    --host fe1 --step 99 --from "$T/good.txt"
grep -q 'verify-certificate-eku has 11 steps, not 99' "$T/err" || fail "step range"
expect_exit 2 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure set-up-static-route \
    --host fe1 --step 5 --from "$T/good.txt"
grep -q 'runs 2 different commands on fe1: say which one you ran with --index N' "$T/err" || fail "index"
expect_exit 2 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure verify-certificate-eku \
    --host fe1 --step 11 --from "$T/nonexistent.txt"
grep -q "cannot read $T/nonexistent.txt" "$T/err" || fail "unreadable file"
expect_exit 2 "$FEDWIZ" check lync-imp-tls --answers "$A" --procedure verify-certificate-eku \
    --host nosuch --step 11 --from "$T/good.txt"

# In a session: recorded as pasted, with who pasted it; status and every
# report format tell it from collected evidence.
expect_exit 0 "$FEDWIZ" start lync-imp-tls --answers "$A"
expect_exit 1 "$FEDWIZ" check lync-imp-tls --session 1 --procedure verify-certificate-eku \
    --host fe1 --step 11 --from "$T/bad.txt"
expect_exit 0 "$FEDWIZ" check lync-imp-tls --session 1 --procedure verify-certificate-eku \
    --host fe1 --step 11 --from "$T/good.txt"
[ "$(sqlite3 -readonly "$T/state.db" "SELECT group_concat(origin || '|' || origin_detail || '|' || result, ',') FROM checks")" = \
    "pasted|ops-anna|fail,pasted|ops-anna|pass" ] ||
    fail "store: $(sqlite3 -readonly "$T/state.db" 'SELECT origin, origin_detail, result FROM checks')"
expect_exit 0 "$FEDWIZ" audit verify
expect_exit 0 "$FEDWIZ" status
grep -q '^evidence given by hand (pasted): verify-certificate-eku@fe1 step 11 (pass, pasted by ops-anna)' "$T/out" ||
    fail "status text: $(cat "$T/out")"
expect_exit 0 "$FEDWIZ" status --json
jq -e '.pasted == [{"id": "verify-certificate-eku", "host": "fe1", "step": 11, "result": "pass", "by": "ops-anna"}]' "$T/out" >/dev/null ||
    fail "status json: $(jq -c .pasted "$T/out")"
expect_exit 0 "$FEDWIZ" report --format json
jq -e '[.. | objects | select(has("origin") and .origin == "pasted")] | length == 2' "$T/out" >/dev/null ||
    fail "report json: no pasted evidence"
expect_exit 0 "$FEDWIZ" report --format md
grep -q "pasted by ops-anna" "$T/out" || fail "report md: $(grep -n pasted "$T/out")"
expect_exit 0 "$FEDWIZ" report --format html
grep -q 'pasted by ops-anna' "$T/out" || fail "report html"
# P@HOST names the instance whose step it is when the check runs on a
# host of another role (read-default@fe2 step 2 runs on every imp node):
# --procedure P@HOST was refused as "no procedure" before.
write "$T/paste.yaml" <<'EOF'
runbook: paste-checks
vars: { pool_fqdn: pool1.example.com }
hosts:
  fe: [ { name: fe1, address: 127.0.0.1, port: 1 }, { name: fe2, address: 127.0.0.1, port: 1 } ]
  imp: [ { name: imp1, address: 127.0.0.1, port: 1, profile: cisco-vos } ]
EOF
printf 'cup/cup.pem: Self-signed certificate generated by system\n' >"$T/own.txt"
expect_exit 0 "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/paste" check paste-checks \
    --answers "$T/paste.yaml" --procedure read-default@fe2 --host imp1 --step 2 --from "$T/own.txt"
grep -q '^PASS  read-default@fe2 step 2 on imp1: ssh show cert list own (pasted by ops-anna)' "$T/out" ||
    fail "P@HOST: $(cat "$T/out" "$T/err")"
expect_exit 2 "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/paste" check paste-checks \
    --answers "$T/paste.yaml" --procedure read-default --host imp1 --step 2 --from "$T/own.txt"
grep -q 'give the instance whose step it is as --procedure read-default@HOST' "$T/err" ||
    fail "P without @HOST: $(cat "$T/err")"
echo "check --from: judged, recorded as pasted, told apart in status and reports"
