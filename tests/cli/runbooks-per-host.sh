#!/bin/sh
# The shipped runbooks with two hosts per role: values per host land in
# each host's own instance and checks; what the documents do once for the
# deployment appears once (issue 12).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v openssl >/dev/null || { echo "SKIP: openssl"; exit 77; }

# lync-imp-tls: fe1 and fe2 with their own FQDN and files.
cat >"$T/lit.yaml" <<YAML
runbook: lync-imp-tls
vars:
  ca_server: ca1.example.com
  lync_pool_fqdn: pool1.example.com
  imp_fqdn: imp1.example.com
  imp_address: 10.1.1.20
  sip_domain: example.com
  tcp_configured: no
  ca_chain_path: $T/chain.p7b
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, vars: { lync_fqdn: fe1.example.com, csr_local_path: $T/fe1.csr, cert_local_path: $T/fe1.cer } }
    - { name: fe2, address: 192.0.2.11, vars: { lync_fqdn: fe2.example.com, csr_local_path: $T/fe2.csr, cert_local_path: $T/fe2.cer } }
  imp:
    - { name: imp1, address: 192.0.2.20 }
YAML
expect_exit 0 "$FEDWIZ" plan lync-imp-tls --answers "$T/lit.yaml" --steps
grep -q -- '-DomainName fe1\.example\.com ' "$T/out" && grep -q -- '-DomainName fe2\.example\.com ' "$T/out" ||
    fail "each front end's own -DomainName"
[ "$(grep -c -- '-DomainName' "$T/out")" -eq 2 ] || fail "-DomainName twice, once per front end"
expect_exit 0 "$FEDWIZ" plan lync-imp-tls --answers "$T/lit.yaml" --json
for p in set-up-static-route set-up-application-pool set-up-rcc-application commit-lync-server-setup \
    create-tls-peer-subject add-tls-peer-to-subjects-list; do
	[ "$(jq --arg p "$p" '[.procedures[] | select(.id == $p)] | length' "$T/out")" -eq 1 ] ||
	    fail "$p should appear once"
	jq -e --arg p "$p" '.procedures[] | select(.id == $p) | .host == null and .once' "$T/out" >/dev/null ||
	    fail "$p is not once for the deployment"
done
for p in submit-certificate-request restart-front-end-service set-up-lync-tlsv1; do
	[ "$(jq -r --arg p "$p" '[.procedures[] | select(.id == $p) | .host] | join(",")' "$T/out")" = "fe1,fe2" ] ||
	    fail "$p should be done on fe1 and on fe2"
done
jq -e '.procedures[] | select(.id == "submit-certificate-request" and .host == "fe2") |
    .host_vars.lync_fqdn == "fe2.example.com" and (.steps[1].command | contains("-DomainName fe2.example.com"))' "$T/out" >/dev/null ||
    fail "fe2's instance does not carry fe2's values"
# The route is verified on every front end (each one's replica).
jq -e '.procedures[] | select(.id == "set-up-static-route") | .verify == "every_host"' "$T/out" >/dev/null ||
    fail "the static route is verified on every front end"

# A check on fe2 uses fe2's values: fe1's request is right, fe2's local
# copy is fe1's request (copied to the wrong name); the x509 check of fe2
# fails naming fe2's FQDN and fe2's file, fe1's passes.
for h in fe1; do
	openssl req -new -newkey rsa:2048 -nodes -keyout "$T/$h.key" -subj "/CN=pool1.example.com" \
	    -addext "subjectAltName=DNS:pool1.example.com,DNS:$h.example.com" \
	    -addext "extendedKeyUsage=serverAuth,clientAuth" -out "$T/$h.csr" 2>/dev/null ||
	    fail "openssl req"
done
cp "$T/fe1.csr" "$T/fe2.csr"
expect_exit 1 "$FEDWIZ" check lync-imp-tls --answers "$T/lit.yaml" --procedure submit-certificate-request \
    --kind x509 --json
jq -e '[.checks[] | select(.host == "fe1" and .verdict != "pass")] | length == 0' "$T/out" >/dev/null ||
    fail "fe1's request: $(jq -c '.checks[] | [.host, .verdict, .message]' "$T/out")"
jq -e '[.checks[] | select(.verdict == "fail")] | length == 1 and (.[0].host == "fe2") and
    (.[0].target | contains("fe2.csr")) and (.[0].message | contains("fe2.example.com"))' "$T/out" >/dev/null ||
    fail "fe2's check does not use fe2's values: $(jq -c '.checks[] | select(.verdict == "fail")' "$T/out")"

# lync_fqdn has no deployment-wide value.
expect_exit 2 "$FEDWIZ" plan lync-imp-tls --answers "$T/lit.yaml" --set lync_fqdn=fe9.example.com
grep -q 'lync_fqdn is answered per host of lync_fe' "$T/err" || fail "per-host value given for the deployment"

# ocs-partitioned: two nodes, two OCS servers; host authorization once per
# node, each with its own FQDN and address; the IM and Presence static
# route once.
cat >"$T/ocp.yaml" <<YAML
runbook: ocs-partitioned
vars:
  transport: tls
  edition: standard
  ca_kind: standalone
  new_ocs_cert: no
  imp_domain: example.com
  route_imp_fqdn: imp1.example.com
  route_imp_address: 10.1.1.20
  ocs_route_fqdn: ocs1.example.com
hosts:
  ocs_fe:
    - { name: ocs1, address: 192.0.2.30, vars: { ocs_fqdn: ocs1.example.com } }
    - { name: ocs2, address: 192.0.2.31, vars: { ocs_fqdn: ocs2.example.com } }
  ocs_pool:
    - { name: pool1, address: 192.0.2.30 }
  imp:
    - { name: imp1, address: 192.0.2.20, vars: { imp_fqdn: imp1.example.com, imp_address: 10.1.1.20 } }
    - { name: imp2, address: 192.0.2.21, vars: { imp_fqdn: imp2.example.com, imp_address: 10.1.1.21 } }
YAML
expect_exit 0 "$FEDWIZ" plan ocs-partitioned --answers "$T/ocp.yaml" --json
[ "$(jq -r '[.procedures[] | select(.id == "add-host-authorization") | .host_vars.imp_address] | join(",")' "$T/out")" = "10.1.1.20,10.1.1.21" ] ||
    fail "host authorization per node"
[ "$(jq '[.procedures[] | select(.id == "configure-static-route-on-imp")] | length' "$T/out")" -eq 1 ] ||
    fail "the IM and Presence static route once"
[ "$(jq -r '[.procedures[] | select(.id == "validate-existing-certificate") | .host_vars.ocs_fqdn] | join(",")' "$T/out")" = "ocs1.example.com,ocs2.example.com" ] ||
    fail "each OCS server's own certificate name"

# ocs-imp-tls: each OCS server's own name, and a TLS peer subject for each.
cat >"$T/oit.yaml" <<YAML
runbook: ocs-imp-tls
vars: { ca_server: ca1.example.com, ca_version: "2003", imp_fqdn: imp1.example.com }
hosts:
  ocs_fe:
    - { name: ocs1, address: 192.0.2.30, vars: { ocs_fqdn: ocs1.example.com } }
    - { name: ocs2, address: 192.0.2.31, vars: { ocs_fqdn: ocs2.example.com } }
  ocs_pool: [ { name: pool1, address: 192.0.2.30 } ]
  imp: [ { name: imp1, address: 192.0.2.20 } ]
YAML
expect_exit 0 "$FEDWIZ" plan ocs-imp-tls --answers "$T/oit.yaml" --steps
grep -q 'Peer Subject Name field (ocs2\.example\.com)' "$T/out" && grep -q 'Peer Subject Name field (ocs1\.example\.com)' "$T/out" ||
    fail "a TLS peer subject for each OCS server"

# lync-cup-federation: the destination pattern must be the SIP domain
# backwards, refused when it is not.
expect_exit 0 "$FEDWIZ" plan lync-cup-federation --set lync_sip_domain=tomt.it --set destination_pattern=.it.tomt.*
expect_exit 2 "$FEDWIZ" plan lync-cup-federation --set lync_sip_domain=tomt.it --set destination_pattern=.tomt.it.*
grep -q 'destination_pattern ".tomt.it.\*" is not the SIP domain lync_sip_domain "tomt.it" written backwards' "$T/err" ||
    fail "reversed pattern: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" plan lync-cup-federation --set destination_pattern=tomt.it
grep -q 'is not of the form .tld.domain.\*' "$T/err" || fail "pattern form"
echo "runbooks per host: own values per instance, once-only procedures once"
