#!/bin/sh
# fedwiz host add ... --site SITE: a host added (or changed) during a
# session names the site whose jump host reaches it, one of the session's
# sites (else refused, naming them, nothing recorded); --site none puts it
# back on this console. Each change is one event; status and the export
# follow it; the audit chain verifies.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }

export FEDWIZ_STATE="$T/db" FEDWIZ_RUNBOOKS="$FEDWIZ_SRCDIR/tests/ansible/data"
events() { sqlite3 -readonly "$T/db" "SELECT count(*) FROM events"; }
site_of() { sqlite3 -readonly "$T/db" "SELECT coalesce(site, '-') FROM hosts WHERE name = '$1'"; }
write "$T/a.yaml" <<EOF
runbook: handoff-estate
vars: { sip_domain: example.com, missing_word: absent }
sites:
  emea: { address: 192.0.2.1, user: ops }
  apac: { address: 192.0.2.2 }
hosts:
  node:
    - { name: n1, address: 192.0.2.10, site: emea, vars: { node_label: n1 } }
EOF
expect_exit 0 "$FEDWIZ" start handoff-estate --answers "$T/a.yaml"

# A new host behind apac.
n=$(events)
expect_exit 0 "$FEDWIZ" host add node n2 192.0.2.11 --site apac
[ "$(site_of n2)" = apac ] || fail "n2's site: $(site_of n2)"
[ "$(events)" = $((n + 1)) ] || fail "not one event"
sqlite3 -readonly "$T/db" "SELECT detail FROM events ORDER BY id DESC LIMIT 1" | grep -q 'added node: n2 192.0.2.11 site apac' ||
	fail "event detail: $(sqlite3 -readonly "$T/db" 'SELECT detail FROM events ORDER BY id DESC LIMIT 1')"
expect_exit 0 "$FEDWIZ" status --json
jq -e '[.hosts[] | select(.name == "n2")][0].site == "apac"' "$T/out" >/dev/null ||
	fail "status json: $(jq -c .hosts "$T/out")"

# n1 moves to apac, then back to this console; the address stays.
expect_exit 0 "$FEDWIZ" host add node n1 192.0.2.10 --site apac
[ "$(site_of n1)" = apac ] || fail "n1 moved: $(site_of n1)"
grep -q 'changed node: n1: 192.0.2.10 site emea -> 192.0.2.10 site apac' "$T/err" "$T/out" ||
	fail "change said: $(cat "$T/out" "$T/err")"
expect_exit 0 "$FEDWIZ" host add node n1 192.0.2.10 --site none
[ "$(site_of n1)" = - ] || fail "n1 back to the console: $(site_of n1)"
# Without --site, a change keeps it.
expect_exit 0 "$FEDWIZ" host add node n2 192.0.2.12
[ "$(site_of n2)" = apac ] || fail "n2 kept its site: $(site_of n2)"

# A site the session does not have: refused, naming them; nothing recorded.
n=$(events)
expect_exit 2 "$FEDWIZ" host add node n3 192.0.2.13 --site nowhere
grep -q 'session 1 has no site "nowhere" (its sites: emea, apac)' "$T/err" || fail "no such site: $(cat "$T/err")"
[ "$(events)" = "$n" ] || fail "a refused edit was recorded"
[ "$(site_of n3)" = "" ] || fail "n3 exists"
# --site belongs to host add only.
expect_exit 2 "$FEDWIZ" status --site emea
expect_exit 0 "$FEDWIZ" audit verify
echo "host add --site: one of the session's sites, one event each"
