#!/bin/sh
# A runbook edited after a session started: status names what was added,
# removed and changed; steps refuse until the operator accepts the change;
# progress on the procedures that remain is kept; the acceptance is logged.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

mkdir "$T/rb"
cp "$FEDWIZ_SRCDIR/steps/lync-cup-federation.yaml" "$T/rb/"
FEDWIZ_OPERATOR=alice; export FEDWIZ_OPERATOR
F() { "$FEDWIZ" --runbooks "$T/rb" --state "$T/f.db" "$@"; }

expect_exit 0 F start lync-cup-federation --set lync_sip_domain=example.com
expect_exit 0 F step configure-certificates 1 done
expect_exit 0 F step configure-acls 1 done --force
expect_exit 0 F step set-federation-routing-fqdn 1 done --force

# No change yet: no drift.
expect_exit 0 F status --json
jq -e '.drift == null' "$T/out" >/dev/null || fail "drift before any edit"

# Edit: change configure-acls, remove
# set-federation-routing-fqdn (and its mention in restart-services'
# requires, which changes that procedure too), add a new one at the end.
awk '
/^  - id: set-federation-routing-fqdn$/ { skip = 1; next }
skip && /^  - id: / { skip = 0 }
skip { next }
{ print }
' "$T/rb/lync-cup-federation.yaml" |
    sed -e '/^      - set-federation-routing-fqdn$/d' \
        -e 's/procedure: set-federation-routing-fqdn$/procedure: restart-services/' \
    >"$T/rb/new.yaml"
grep -q 'set-federation-routing-fqdn' "$T/rb/new.yaml" && fail "edit left a reference"
# Change configure-acls' title (any content change is a change).
sed -e 's/^    title: ACLs$/    title: ACLs, incoming and outgoing/' \
    "$T/rb/new.yaml" >"$T/rb/new2.yaml"
cmp -s "$T/rb/new.yaml" "$T/rb/new2.yaml" && fail "title edit did nothing"
cat >>"$T/rb/new2.yaml" <<'YAML'
  - id: tell-the-lync-team
    title: Tell the Lync team the CUP side is ready
    requires: [restart-services]
    steps:
      - do: Send the change record to the Lync administrators.
YAML
mv "$T/rb/new2.yaml" "$T/rb/lync-cup-federation.yaml"
rm "$T/rb/new.yaml"
expect_exit 0 "$FEDWIZ" validate "$T/rb/lync-cup-federation.yaml"

expect_exit 0 F status --json
jq -e '.drift.added == ["tell-the-lync-team"] and
    .drift.removed == ["set-federation-routing-fqdn"] and
    .drift.changed == ["configure-acls", "restart-services"]' "$T/out" >/dev/null ||
	{ cat "$T/out"; fail "drift not reported as added/removed/changed"; }
# Progress on what remains is kept, including the changed procedure.
jq -e '[.procedures[] | select(.id == "configure-certificates") |
    .steps[0].status] == ["done"] and [.procedures[] |
    select(.id == "configure-acls") | .steps[0].status] == ["done"]' \
    "$T/out" >/dev/null || fail "progress lost"
expect_exit 0 F status
grep -q 'runbook CHANGED since the session started (added: tell-the-lync-team; removed: set-federation-routing-fqdn; changed: configure-acls restart-services)' "$T/out" ||
	fail "status text does not show the drift"

# A transition on a changed runbook needs the operator's say-so...
expect_exit 2 F step add-tls-peer-subject 1 done
grep -q 'changed since session 1 started' "$T/err" || fail "step not refused"
grep -q -- '--accept-drift' "$T/err" || fail "no way forward named"
# ...which is logged, and the session then runs on the new runbook.
expect_exit 0 F step add-tls-peer-subject 1 done --accept-drift
expect_exit 0 F status --json
jq -e '.drift == null' "$T/out" >/dev/null || fail "drift after acceptance"
jq -e '[.procedures[] | select(.id == "configure-certificates") |
    .steps[0].status] == ["done"]' "$T/out" >/dev/null ||
	fail "progress lost after acceptance"
expect_exit 0 F audit verify
expect_exit 0 sqlite3 "$T/f.db" "SELECT detail FROM events WHERE kind = 'runbook-changed'"
grep -q 'removed: set-federation-routing-fqdn' "$T/out" || fail "acceptance not logged"
echo "ok: drift"
