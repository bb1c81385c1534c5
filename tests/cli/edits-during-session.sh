#!/bin/sh
# Answers and inventory edited in a started session: fedwiz set, host add
# (a new host, or a changed one) and host remove are each one event in the
# hash chain; the evidence of the steps that used what changed goes stale
# (by that event), the steps to re-verify are named, and status lists
# them; wrong input is refused and records nothing; a closed session takes
# no edit; the audit chain verifies throughout.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }
command -v openssl >/dev/null || { echo "openssl is needed"; exit 99; }

db=$T/db
F() { "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/good" --state "$db" "$@"; }
events() { sqlite3 -readonly "$db" "SELECT count(*) FROM events${1:+ WHERE kind = '$1'}"; }
csr() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -subj "/CN=$2" -addext "subjectAltName=DNS:$2" -keyout "$T/key" \
	    -out "$1" 2>/dev/null || fail "openssl req"
}
write "$T/site.yaml" <<EOF2
runbook: per-host-and-once
vars: { sip_domain: example.com, imp_publisher: imp1.example.com, ca_server: ca1.example.com }
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, vars: { lync_fqdn: fe1.example.com, csr_path: $T/fe1.csr } }
    - { name: fe2, address: 192.0.2.11, vars: { lync_fqdn: fe2.example.com, csr_path: $T/fe2.csr } }
  imp:
    - { name: imp1, address: 192.0.2.20, vars: { imp_fqdn: imp1.example.com } }
EOF2
csr "$T/fe1.csr" fe1.example.com
csr "$T/fe2.csr" fe2.example.com
expect_exit 0 F start per-host-and-once --answers "$T/site.yaml" --operator alice
expect_exit 0 F check per-host-and-once --session 1 --procedure request-certificate --kind x509
expect_exit 0 F step request-certificate@fe1 1 done --operator alice
expect_exit 0 F step request-certificate@fe2 1 done --operator alice
expect_exit 0 F step set-up-static-route 1 done --force --operator alice

# A host's own value: only what used it on that host goes stale.
n=$(events)
expect_exit 0 F set lync_fqdn=fe1b.example.com --host fe1 --operator bob
grep -q "session 1: lync_fqdn on fe1: fe1.example.com -> fe1b.example.com$" "$T/err" ||
	fail "set: $(cat "$T/err")"
grep -q "re-verify 1 step that used what changed (1 piece of evidence now stale): request-certificate@fe1 step 1 (done)" \
    "$T/err" || fail "set: steps to re-verify: $(cat "$T/err")"
[ "$(events)" -eq $((n + 1)) ] || fail "set is not one event"
[ "$(sqlite3 -readonly "$db" "SELECT kind || '|' || host || '|' || operator || '|' || detail FROM events ORDER BY id DESC LIMIT 1")" = \
    "answer|fe1|bob|lync_fqdn on fe1: fe1.example.com -> fe1b.example.com; re-verify: request-certificate@fe1 step 1 (done)" ] ||
	fail "the event: $(sqlite3 -readonly "$db" 'SELECT detail FROM events ORDER BY id DESC LIMIT 1')"
expect_exit 0 F status --json
jq -e '[.reverify[] | "\(.id)@\(.host) \(.step): \(.why)"] ==
    ["request-certificate@fe1 1: lync_fqdn on fe1 changed"]' "$T/out" >/dev/null ||
	fail "status reverify: $(jq -c .reverify "$T/out")"
jq -e '.hosts[0].vars.lync_fqdn == "fe1b.example.com"' "$T/out" >/dev/null || fail "new value"
expect_exit 0 F status
grep -q "^re-verify (an edit made their evidence stale): request-certificate@fe1 step 1$" "$T/out" ||
	fail "status text reverify: $(cat "$T/out")"
# The change record says it beside the evidence.
expect_exit 0 F report --format json
jq -e '[.procedures[] | .steps[] | .checks[]? | select(.stale != null) |
    [.origin, .stale]] == [["collected", "lync_fqdn on fe1 changed"]]' "$T/out" \
    >/dev/null || fail "report json stale: $(jq -c '[.procedures[].steps[].checks[]?]' "$T/out")"
expect_exit 0 F report --format md
grep -q "; STALE: lync_fqdn on fe1 changed |$" "$T/out" || fail "report md stale"
# VAR@HOST=VALUE is the same; the same value again changes nothing.
expect_exit 0 F set lync_fqdn@fe1=fe1b.example.com
grep -q "lync_fqdn on fe1 is fe1b.example.com already; nothing changed" "$T/err" || fail "no-op: $(cat "$T/err")"
[ "$(events)" -eq $((n + 1)) ] || fail "a no-op was recorded"
# Checked again, evidence is current again.
expect_exit 1 F check per-host-and-once --session 1 --procedure request-certificate --kind x509 --host fe1
expect_exit 0 F status --json
jq -e '.reverify == []' "$T/out" >/dev/null || fail "fresh evidence still stale"

# A value for the deployment: every step that used it.
expect_exit 0 F set imp_publisher=imp9.example.com --operator bob
grep -q "re-verify 1 step that used what changed (0 pieces of evidence now stale): set-up-static-route step 1 (done)" \
    "$T/err" || fail "deployment value: $(cat "$T/err")"

# Wrong input: said, nothing recorded.
n=$(events)
expect_exit 2 F set lync_fqdn=x.example.com
grep -q "lync_fqdn is answered per host of lync_fe (hosts: fe1, fe2): say which with --host NAME" "$T/err" ||
	fail "per-host without host: $(cat "$T/err")"
expect_exit 2 F set lync_fdqn=x.example.com --host fe1
grep -q 'runbook per-host-and-once has no variable "lync_fdqn"; did you mean "lync_fqdn"?' "$T/err" ||
	fail "typo: $(cat "$T/err")"
expect_exit 2 F set ca_server='not a host!'
grep -q 'ca_server: "not a host!"' "$T/err" || fail "type: $(cat "$T/err")"
expect_exit 2 F set sip_domain=example.org --host fe1
grep -q "sip_domain is one value for the whole deployment, not per host" "$T/err" || fail "host on a global"
expect_exit 2 F set lync_fqdn@imp1=x.example.com
grep -q "lync_fqdn is answered per host of lync_fe, and imp1 is a host of imp" "$T/err" || fail "wrong role"
expect_exit 2 F set novalue
[ "$(events)" -eq "$n" ] || fail "refused edits were recorded"

# A new host: the ssh checks that run on every host of its role go stale.
expect_exit 0 F host add lync_fe fe3 192.0.2.12 --user admin --operator bob
grep -q "session 1: added lync_fe: fe3 192.0.2.12 user admin$" "$T/err" || fail "host add: $(cat "$T/err")"
grep -q "re-verify 1 step .*: set-up-static-route step 1 (done)" "$T/err" || fail "host add stale: $(cat "$T/err")"
[ "$(sqlite3 -readonly "$db" "SELECT kind FROM events ORDER BY id DESC LIMIT 1")" = host ] || fail "host add event"
expect_exit 0 F status --json
jq -e '[.procedures[] | select(.id == "request-certificate") | .host] == ["fe1", "fe2", "fe3"]' \
    "$T/out" >/dev/null || fail "fe3 not in the plan"
expect_exit 0 F set lync_fqdn=fe3.example.com --host fe3
# A changed host (a wrong address): what ran on it goes stale too.
expect_exit 0 F host add lync_fe fe1 192.0.2.99 --operator bob
grep -q "session 1: changed lync_fe: fe1: 192.0.2.10 -> 192.0.2.99$" "$T/err" || fail "host change: $(cat "$T/err")"
grep -q "re-verify 2 steps .*request-certificate@fe1 step 1 (done), set-up-static-route step 1 (done)" \
    "$T/err" || fail "host change stale: $(cat "$T/err")"
expect_exit 0 F status --json
jq -e '(.hosts[] | select(.name == "fe1") | [.address, .vars.lync_fqdn]) ==
    ["192.0.2.99", "fe1b.example.com"]' "$T/out" >/dev/null || fail "fe1 after the change"
expect_exit 0 F host add lync_fe fe1 192.0.2.99
grep -q "host fe1 of lync_fe is like that already; nothing changed" "$T/err" || fail "host no-op"
expect_exit 2 F host add imp fe1 192.0.2.50
grep -q 'host name "fe1" is taken by a host of lync_fe' "$T/err" || fail "name taken"
expect_exit 2 F host add lync fe4 192.0.2.13
grep -q 'runbook per-host-and-once has no role "lync"' "$T/err" || fail "bad role"
expect_exit 2 F host add lync_fe fe4 'bad address'
expect_exit 2 F host add lync_fe fe4 192.0.2.13 --profile nokia
grep -q 'profile "nokia" is not one of' "$T/err" || fail "bad profile"

# A host removed: its own answers go with it (the event keeps them); its
# recorded steps stay in the record.
expect_exit 0 F host remove lync_fe fe2 --operator bob
grep -q "session 1: removed lync_fe: fe2 192.0.2.11; its answers: lync_fqdn = fe2.example.com, csr_path = $T/fe2.csr; its recorded steps stay in the record" \
    "$T/err" || fail "host remove: $(cat "$T/err")"
[ "$(sqlite3 -readonly "$db" "SELECT kind FROM events ORDER BY id DESC LIMIT 1")" = host-removed ] || fail "remove event"
[ "$(sqlite3 -readonly "$db" "SELECT count(*) FROM answers WHERE host = 'fe2'")" -eq 0 ] || fail "fe2's answers stay"
[ "$(sqlite3 -readonly "$db" "SELECT status FROM steps WHERE host = 'fe2'")" = done ] || fail "fe2's record went"
expect_exit 0 F status --json
jq -e '[.hosts[].name] == ["fe1", "fe3", "imp1"]' "$T/out" >/dev/null || fail "hosts after remove"
expect_exit 2 F host remove lync_fe fe2
grep -q "fe2 is not a host of lync_fe in session 1; its hosts: fe1, fe3" "$T/err" || fail "remove twice"
expect_exit 0 F audit verify

# A closed session takes no edit.
expect_exit 0 F close --note done
expect_exit 2 F set sip_domain=example.net --session 1
grep -q "session 1 is closed" "$T/err" || fail "closed: set"
expect_exit 2 F host add lync_fe fe5 192.0.2.15 --session 1
grep -q "session 1 is closed" "$T/err" || fail "closed: host"
expect_exit 0 F audit verify
echo "ok: answers and inventory edited in a session"
