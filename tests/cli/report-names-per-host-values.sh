#!/bin/sh
# The change record names each host's own value of a variable answered per
# host (per_host: ROLE): fe1's FQDN and fe2's, a default where a host has
# none of its own, "no answer" where there is none at all; never "none"
# for a variable every host answered. md, html and json alike.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

F() { "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/good" --state "$T/f.db" "$@"; }
write "$T/a.yaml" <<'EOF'
runbook: per-host-and-once
vars: { sip_domain: example.com, imp_publisher: imp1.example.com, ca_server: ca1 }
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, vars: { lync_fqdn: fe1.example.com, csr_path: /srv/fe1.csr } }
    - { name: fe2, address: 192.0.2.11, vars: { lync_fqdn: fe2.example.com } }
  imp:
    - { name: imp1, address: 192.0.2.20, vars: { imp_fqdn: imp1.example.com } }
    - { name: imp2, address: 192.0.2.21 }
EOF
expect_exit 0 F start per-host-and-once --answers "$T/a.yaml" --operator alice

expect_exit 0 F report --format md
grep -qF '| `lync_fqdn` | `fe1`: `fe1.example.com`<br>`fe2`: `fe2.example.com` | per host | FQDN of this front end |' "$T/out" ||
	fail "md lync_fqdn: $(grep lync_fqdn "$T/out" | head -1)"
grep -qF '| `csr_path` | `fe1`: `/srv/fe1.csr`<br>`fe2`: `/tmp/fedwiz-test-request.csr` (default) | per host |' "$T/out" ||
	fail "md csr_path: $(grep '`csr_path`' "$T/out")"
grep -qF '| `imp_fqdn` | `imp1`: `imp1.example.com`<br>`imp2`: (no answer) | per host |' "$T/out" ||
	fail "md imp_fqdn: $(grep '`imp_fqdn`' "$T/out")"

expect_exit 0 F report --format html
grep -qF '<tr><td class="w"><code>lync_fqdn</code></td><td class="w"><code>fe1</code>: <code>fe1.example.com</code><br><code>fe2</code>: <code>fe2.example.com</code></td><td class="k">per host</td>' "$T/out" ||
	fail "html lync_fqdn: $(grep '>lync_fqdn<' "$T/out")"

expect_exit 0 F report --format json
jq -e '[.answers[] | select(.name == "lync_fqdn" or .name == "csr_path" or .name == "imp_fqdn")] == [
    {name: "lync_fqdn", value: null, source: "per host", prompt: "FQDN of this front end",
     per_host: "lync_fe", hosts: [{host: "fe1", value: "fe1.example.com", source: "answer"},
                                  {host: "fe2", value: "fe2.example.com", source: "answer"}]},
    {name: "csr_path", value: null, source: "per host",
     prompt: "Where this front end'"'"'s certificate request is saved (a local copy)",
     per_host: "lync_fe", hosts: [{host: "fe1", value: "/srv/fe1.csr", source: "answer"},
                                  {host: "fe2", value: "/tmp/fedwiz-test-request.csr", source: "default"}]},
    {name: "imp_fqdn", value: null, source: "per host", prompt: "FQDN of this IM and Presence node",
     per_host: "imp", hosts: [{host: "imp1", value: "imp1.example.com", source: "answer"},
                              {host: "imp2", value: null, source: "none"}]}]' "$T/out" >/dev/null ||
	fail "json: $(jq -c '.answers[3:]' "$T/out")"
# A deployment-wide one is as it was.
jq -e '.answers[0] == {name: "sip_domain", value: "example.com", source: "answer", prompt: "SIP domain"}' \
    "$T/out" >/dev/null || fail "json sip_domain: $(jq -c '.answers[0]' "$T/out")"
echo "ok: the record names each host's own values"
