#!/bin/sh
# Variables answered per host of a role, and procedures done once for the
# deployment: plan --steps shows each front end's own -DomainName and
# file, the once-only procedures appear once, plan --json carries each
# instance's own values and what it still needs; a session starts with
# them, and a check on fe2 uses fe2's values.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v openssl >/dev/null || { echo "openssl is needed"; exit 99; }

F() { "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/good" --state "$T/db" "$@"; }

write "$T/site.yaml" <<EOF2
runbook: per-host-and-once
vars: { sip_domain: example.com, imp_publisher: imp1.example.com }
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, vars: { lync_fqdn: fe1.example.com, csr_path: $T/fe1.csr } }
    - { name: fe2, address: 192.0.2.11, vars: { lync_fqdn: fe2.example.com, csr_path: $T/fe2.csr } }
  imp:
    - { name: imp1, address: 192.0.2.20, vars: { imp_fqdn: imp1.example.com } }
    - { name: imp2, address: 192.0.2.21 }
EOF2

expect_exit 0 F plan per-host-and-once --answers "$T/site.yaml" --steps
grep -q -- "-DomainName fe1.example.com -Output $T/fe1.csr" "$T/out" || fail "fe1's own values"
grep -q -- "-DomainName fe2.example.com -Output $T/fe2.csr" "$T/out" || fail "fe2's own values"
grep -q "fe2's own values: lync_fqdn = fe2.example.com, csr_path = $T/fe2.csr" "$T/out" ||
	fail "fe2's values not listed"
[ "$(grep -c '^ *[0-9]*  set-up-static-route ' "$T/out")" -eq 1 ] || fail "route not once"
[ "$(grep -c '^ *[0-9]*  commit-topology ' "$T/out")" -eq 1 ] || fail "topology not once"
grep -q "its lync_fe checks run on every host listed" "$T/out" || fail "verify every_host not said"
grep -q "its lync_fe checks run on fe1$" "$T/out" || fail "one-host verify not said"
grep -q "needs an answer for imp_fqdn on imp2" "$T/out" || fail "imp2's missing value"
grep -q "^no answer yet for: ca_server, imp_fqdn on imp2$" "$T/out" || fail "missing list"

expect_exit 0 F plan per-host-and-once --answers "$T/site.yaml" --json
jq -e '[.procedures[] | select(.id == "request-certificate") |
    {host, v: .host_vars.lync_fqdn}] ==
    [{host: "fe1", v: "fe1.example.com"}, {host: "fe2", v: "fe2.example.com"}]' \
    "$T/out" >/dev/null || fail "json host_vars: $(jq -c '.procedures[0]' "$T/out")"
jq -e '[.procedures[] | select(.id == "set-up-static-route")] | length == 1 and
    .[0].host == null and .[0].once and .[0].verify == "every_host"' "$T/out" \
    >/dev/null || fail "json once"
jq -e '.vars[] | select(.name == "lync_fqdn") | .per_host == "lync_fe" and
    .values == {fe1: "fe1.example.com", fe2: "fe2.example.com"}' "$T/out" \
    >/dev/null || fail "json per-host var"
jq -e '.missing == [{var: "ca_server", host: null}, {var: "imp_fqdn", host: "imp2"}]' \
    "$T/out" >/dev/null || fail "json missing: $(jq -c .missing "$T/out")"
jq -e '.procedures[] | select(.id == "check-imp-nodes" and .host == "imp2") |
    .steps[0].needs == [{var: "imp_fqdn", host: "imp2"}]' "$T/out" >/dev/null ||
	fail "json step needs"

# --set VAR@HOST=VALUE gives one host its own value.
expect_exit 0 F plan per-host-and-once --answers "$T/site.yaml" \
    --set imp_fqdn@imp2=imp2.example.com --set ca_server=ca1.example.com --json
jq -e '.missing == []' "$T/out" >/dev/null || fail "--set per host"
expect_exit 2 F plan per-host-and-once --answers "$T/site.yaml" --set lync_fqdn=x.example.com
grep -q "lync_fqdn is answered per host of lync_fe (hosts: fe1, fe2): give lync_fqdn@HOST=VALUE" \
    "$T/err" || fail "per-host --set without host: $(cat "$T/err")"

# A session starts with them (missing values said, with the command).
expect_exit 0 F start per-host-and-once --answers "$T/site.yaml" --operator alice
grep -q "warning: no answer yet for ca_server, imp_fqdn on imp2.*'fedwiz set ca_server=VALUE --session 1'" \
    "$T/err" || fail "start does not say what is missing: $(cat "$T/err")"
expect_exit 0 F status --json
jq -e '[.hosts[] | {name, vars}] == [
    {name: "fe1", vars: {lync_fqdn: "fe1.example.com", csr_path: "'"$T"'/fe1.csr"}},
    {name: "fe2", vars: {lync_fqdn: "fe2.example.com", csr_path: "'"$T"'/fe2.csr"}},
    {name: "imp1", vars: {imp_fqdn: "imp1.example.com"}},
    {name: "imp2", vars: {}}]' "$T/out" >/dev/null || fail "status hosts: $(jq -c .hosts "$T/out")"
expect_exit 0 F status
grep -q "^no answer yet for: ca_server, imp_fqdn on imp2$" "$T/out" || fail "status: missing"
grep -q "(the steps that use them need them; e.g. 'fedwiz set ca_server=VALUE')" "$T/out" ||
	fail "status advice"
expect_exit 0 F set imp_fqdn=imp2.example.com --host imp2
expect_exit 0 F set ca_server=ca1.example.com
expect_exit 0 F status --json
jq -e '.missing == []' "$T/out" >/dev/null || fail "missing after set"

# A check on fe2 uses fe2's values: each front end's request is its own
# file for its own name. fe2's request carrying fe1's name fails on fe2
# only.
csr() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -subj "/CN=$2" -addext "subjectAltName=DNS:$2" -keyout "$T/key" \
	    -out "$1" 2>/dev/null || fail "openssl req"
}
csr "$T/fe1.csr" fe1.example.com
csr "$T/fe2.csr" fe2.example.com
expect_exit 0 F check per-host-and-once --session 1 --procedure request-certificate --kind x509
[ "$(grep -c '^PASS ' "$T/out")" -eq 2 ] || fail "both requests pass: $(cat "$T/out")"
grep -q "^PASS  request-certificate@fe2 step 1 on fe2: x509 .*$T/fe2.csr" "$T/out" ||
	fail "fe2's check does not read fe2's file: $(cat "$T/out")"
csr "$T/fe2.csr" fe1.example.com
expect_exit 1 F check per-host-and-once --session 1 --procedure request-certificate --kind x509
grep -q "^PASS  request-certificate@fe1 " "$T/out" || fail "fe1 no longer passes"
grep -q "^FAIL  request-certificate@fe2 " "$T/out" || fail "fe2 not judged by fe2's name"
grep -A2 "^FAIL  request-certificate@fe2 " "$T/out" | grep -q "fe2.example.com" ||
	fail "fe2's failure does not name fe2.example.com: $(cat "$T/out")"
echo "ok: per-host values and once-per-deployment procedures"
