#!/bin/sh
# With an answers file naming two front-end servers, the per-server
# procedures appear once per server, and the rest once.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

write "$T/answers.yaml" <<'YAML'
runbook: lync-imp-tls
vars: { lync_pool_fqdn: pool1.example.com, imp_fqdn: imp1.example.com }
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, user: admin }
    - { name: fe2, address: 192.0.2.11, user: admin }
  imp: [ { name: imp1, address: 192.0.2.20, user: admin, profile: cisco-vos } ]
YAML
expect_exit 0 "$FEDWIZ" plan lync-imp-tls --answers "$T/answers.yaml" --json
# Every procedure done per front end: exactly fe1 and fe2, in that order
# (those done once for the deployment, once: the static route and the
# other Central Management Store changes).
jq -e '[.procedures[] | select(.role == "lync_fe" and (.once | not))] | group_by(.id) |
    all(map(.host) == ["fe1", "fe2"])' "$T/out" >/dev/null ||
	fail "lync_fe procedures are not once per server"
jq -e '[.procedures[] | select(.role == "lync_fe" and .once)] | length == 4 and all(.host == null)' \
    "$T/out" >/dev/null || fail "the four Central Management Store procedures are not once"
n_fe=$(jq '[.procedures[] | select(.role == "lync_fe" and (.once | not))] | length' "$T/out")
n_procs_fe=$(jq '[.procedures[] | select(.role == "lync_fe" and (.once | not)) | .id] |
    unique | length' "$T/out")
[ "$n_fe" -eq $((2 * n_procs_fe)) ] || fail "$n_fe instances for $n_procs_fe procedures"
[ "$n_procs_fe" -ge 6 ] || fail "only $n_procs_fe per-server procedures"
jq -e '[.procedures[] | select(.role == "imp")] | all(.host == "imp1" or .once)' \
    "$T/out" >/dev/null || fail "imp procedures not on imp1"
# The answers are filled into the steps.
jq -e '[.procedures[].steps[] | .do, .command // empty] |
    any(contains("imp1.example.com"))' \
    "$T/out" >/dev/null || fail "imp_fqdn not substituted"

# The text plan shows proc@host lines for both.
expect_exit 0 "$FEDWIZ" plan lync-imp-tls --answers "$T/answers.yaml"
grep -q 'download-ca-chain@fe1' "$T/out" || fail "text: no @fe1"
grep -q 'download-ca-chain@fe2' "$T/out" || fail "text: no @fe2"

# ocs-partitioned: per front end and per pool.
write "$T/ocs.yaml" <<'YAML'
runbook: ocs-partitioned
vars: { transport: tls, edition: enterprise }
hosts:
  ocs_fe: [ { name: fe1 }, { name: fe2 }, { name: fe3 } ]
  ocs_pool: [ { name: pool1 } ]
YAML
expect_exit 0 "$FEDWIZ" plan ocs-partitioned --answers "$T/ocs.yaml" --json
jq -e '[.procedures[] | select(.role == "ocs_fe")] | group_by(.id) |
    all(map(.host) == ["fe1", "fe2", "fe3"])' "$T/out" >/dev/null ||
	fail "ocs_fe procedures are not once per front end"
echo "ok: fan-out"
