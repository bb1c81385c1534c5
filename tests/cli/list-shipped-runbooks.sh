#!/bin/sh
# fedwiz list finds the five shipped runbooks, as text and as JSON.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

expect_exit 0 "$FEDWIZ" list
for id in lync-imp-tls ocs-imp-tls interdomain-asa lync-cup-federation \
    ocs-partitioned; do
	grep -q "^$id " "$T/out" || fail "list lacks $id"
done

expect_exit 0 "$FEDWIZ" list --json
[ "$(jq '.runbooks | length' "$T/out")" -eq 5 ] || fail "json: not 5 runbooks"
jq -e '.runbooks | all(.procedures > 0 and .steps >= .procedures and
    (.sha256 | length) == 64)' "$T/out" >/dev/null || fail "json fields"
[ "$(jq -r '.runbooks[] | select(.id == "lync-imp-tls") | .procedures' \
    "$T/out")" -eq 14 ] || fail "lync-imp-tls is not 14 procedures (13 and the restart per front end)"
[ "$(jq -r '.runbooks[] | select(.id == "ocs-imp-tls") | .procedures' \
    "$T/out")" -eq 10 ] || fail "ocs-imp-tls is not 10 procedures"

# A broken runbook among good ones: listed ones still print, exit 2.
mkdir "$T/rb"
cp "$FEDWIZ_SRCDIR/steps/lync-cup-federation.yaml" "$T/rb/"
printf 'id: broken\ntitle: [\n' >"$T/rb/broken.yaml"
expect_exit 2 "$FEDWIZ" --runbooks "$T/rb" list
grep -q '^lync-cup-federation ' "$T/out" || fail "good runbook not listed"
grep -q 'broken.yaml:3:1: YAML' "$T/err" || fail "broken runbook not located"

# Two files with one id: refused, naming both.
cp "$FEDWIZ_SRCDIR/steps/lync-cup-federation.yaml" "$T/rb/copy.yaml"
expect_exit 2 "$FEDWIZ" --runbooks "$T/rb" list
grep -q 'is also the id of' "$T/err" || fail "duplicate id not reported"
echo "ok: list"
