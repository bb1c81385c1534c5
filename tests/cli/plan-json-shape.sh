#!/bin/sh
# plan --json is one JSON document of the shape DESIGN.md fixes.
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
    --set 'csr_path=c:\certs\"new".csr'
jq -e '[.procedures[].steps[] | .command // ""] |
    any(contains("c:\\certs\\\"new\".csr"))' "$T/out" >/dev/null ||
	fail "escaped value lost"
echo "ok: json shape"
