#!/bin/sh
# plan --json is one JSON document of the shape fedwiz(1) documents.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

for id in lync-imp-tls ocs-imp-tls interdomain-asa lync-cup-federation \
    ocs-partitioned; do
	expect_exit 0 "$FEDWIZ" plan "$id" --json
	jq -e --arg id "$id" '.runbook == $id and
	    (.procedures | type == "array" and length > 0) and
	    (.procedures | all(has("id") and has("title") and has("host") and
	        has("requires") and has("status") and has("steps") and
	        (.requires | type == "array") and
	        (.steps | type == "array" and length > 0) and
	        (.status | IN("blocked", "ready", "in-progress", "done",
	            "skipped", "failed"))))' "$T/out" >/dev/null ||
		fail "$id: plan --json shape"
	# Without answers, no host anywhere: null, not "".
	jq -e '.procedures | all(.host == null)' "$T/out" >/dev/null ||
		fail "$id: host is not null without an inventory"
done

# Checks: kind, a one-line summary with values filled in, and whether
# they apply. In ocs-partitioned under TLS, the TCP port check does not.
expect_exit 0 "$FEDWIZ" plan ocs-partitioned --json --set transport=tls
jq -e '[.procedures[].steps[].checks[]] | length > 0 and
    all(has("kind") and has("summary") and has("applies"))' "$T/out" \
    >/dev/null || fail "checks shape"
jq -e '[.procedures[] | select(.id == "enable-port-5060-5061") |
    .steps[7].checks[] | [.summary, .applies]] ==
    [["tcp <host>:5060", false], ["tcp <host>:5061", true]]' "$T/out" \
    >/dev/null || fail "check when: transport"

# Strings are escaped: a value with quotes and backslashes survives.
expect_exit 0 "$FEDWIZ" plan lync-imp-tls --json \
    --set 'topology_xml_path=c:\certs\"new".csr'
jq -e '[.procedures[].steps[] | .command // ""] |
    any(contains("c:\\certs\\\"new\".csr"))' "$T/out" >/dev/null ||
	fail "escaped value lost"
# A procedure's steps are written once and repeated for the hosts they
# read the same values on: each host still gets its own ${host},
# ${host_name}, and its own step states; a host without an address gets
# its name for ${host}.
write "$T/rl.yaml" <<'YAML'
runbook: roles-and-literals
hosts:
  imp: [ { name: imp1, address: 192.0.2.1 }, { name: imp2 }, { name: imp3, address: 192.0.2.3 } ]
YAML
expect_exit 0 "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/good" plan \
    roles-and-literals --answers "$T/rl.yaml" --json
jq -e '[.procedures[] | select(.host != null) | .host + " " +
    (.steps[] | .do | select(test("SIP Proxy")))] == [
    "imp1 Restart the SIP Proxy on 192.0.2.1.",
    "imp2 Restart the SIP Proxy on imp2.",
    "imp3 Restart the SIP Proxy on 192.0.2.3."]' "$T/out" \
    >/dev/null || { jq '[.procedures[] | {host, do: [.steps[].do]}]' "$T/out"; fail "per-host values in repeated steps"; }
echo "ok: json shape"
