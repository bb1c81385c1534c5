#!/bin/sh
# In every shipped runbook, with and without hosts, every instance comes
# after every instance of each procedure it requires; and for the Lync
# runbook the document's own sequence holds.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

check_order() {
	jq -e '.procedures as $p |
	    [range(0; $p | length)] | all(. as $i |
	        $p[$i].requires | all(. as $r |
	            [range(0; $p | length) | select($p[.].id == $r)] |
	            all(. < $i)))' "$T/out" >/dev/null
}

for id in lync-imp-tls ocs-imp-tls interdomain-asa lync-cup-federation \
    ocs-partitioned; do
	expect_exit 0 "$FEDWIZ" plan "$id" --json
	check_order || fail "$id: a procedure comes before what it requires"
done

write "$T/two.yaml" <<'YAML'
runbook: lync-imp-tls
hosts:
  lync_fe: [ { name: fe1 }, { name: fe2 } ]
  imp: [ { name: imp1 } ]
YAML
expect_exit 0 "$FEDWIZ" plan lync-imp-tls --answers "$T/two.yaml" --json
check_order || fail "lync-imp-tls with hosts: order broken"

# The document's chain of "Before you begin" / "What to do next".
expect_exit 0 "$FEDWIZ" plan lync-imp-tls --json
got=$(jq -r '[.procedures[].id] | join(" ")' "$T/out")
want="download-ca-chain install-ca-chain submit-certificate-request \
approve-import-certificate assign-imported-certificate verify-certificate-eku \
set-up-static-route set-up-application-pool set-up-rcc-application \
commit-lync-server-setup restart-front-end-service set-up-lync-tlsv1 create-tls-peer-subject \
add-tls-peer-to-subjects-list"
[ "$got" = "$want" ] || fail "lync-imp-tls order: $got"

# Nothing is done yet: the first procedure is ready, its successor blocked
# by it, by name.
jq -e '.procedures[0].status == "ready" and .procedures[1].status ==
    "blocked" and .procedures[1].blocked_by == ["download-ca-chain"]' \
    "$T/out" >/dev/null || fail "status / blocked_by"
echo "ok: order"
