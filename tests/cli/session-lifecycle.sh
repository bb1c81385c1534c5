#!/bin/sh
# A session from start to close: the id on stdout, answers and hosts kept,
# steps recorded by rule, status saying what is next, close ending it.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

# Whoever runs a command is its operator: $FEDWIZ_OPERATOR here.
FEDWIZ_OPERATOR=alice; export FEDWIZ_OPERATOR
F() { "$FEDWIZ" --state "$T/f.db" "$@"; }
write "$T/site.yaml" <<'YAML'
runbook: lync-imp-tls
vars: { imp_fqdn: imp1.example.com, sip_domain: example.com, tcp_configured: no }
hosts:
  lync_fe: [ { name: fe1, address: 192.0.2.10 }, { name: fe2 } ]
  imp: [ { name: imp1 } ]
YAML

# Nothing yet: status says how to begin, and creates nothing.
expect_exit 2 F status
grep -q "start a session with 'fedwiz start RUNBOOK'" "$T/err" || fail "status before start"
[ ! -e "$T/f.db" ] || fail "status created a database"

expect_exit 0 F start lync-imp-tls --answers "$T/site.yaml" \
    --window-end 23:59
[ "$(cat "$T/out")" = 1 ] || fail "start did not print the id alone"
[ "$(stat -c %a "$T/f.db")" = 600 ] || fail "database is not 0600"
# Bad answers: nothing is created.
expect_exit 2 F start lync-imp-tls --set peer_auth_port=99999
grep -q 'is not a port' "$T/err" || fail "bad --set not refused"
expect_exit 0 F sessions --json
[ "$(jq '.sessions | length' "$T/out")" -eq 1 ] || fail "a refused start left a session"

expect_exit 0 F status --json
jq -e '.session.operator == "alice" and .next.id == "download-ca-chain" and
    .next.host == "fe1" and .next.step == 1 and .session.window_end != null' \
    "$T/out" >/dev/null || fail "status before any step"

# Steps: which host, which number, which rule.
expect_exit 2 F step download-ca-chain 1 done
grep -q 'say which: download-ca-chain@HOST, HOST one of fe1, fe2' "$T/err" || fail "host not asked"
expect_exit 2 F step download-ca-chain@fe3 1 done
grep -q 'fe3 is not a host of role lync_fe' "$T/err" || fail "unknown host"
expect_exit 2 F step create-tls-peer-subject@imp2 1 done
expect_exit 2 F step download-ca-chain@fe1 0 done
grep -q 'not a step number\|has steps 1 to 6' "$T/err" || fail "step 0"
expect_exit 2 F step download-ca-chain@fe1 7 done
grep -q 'has steps 1 to 6, not 7' "$T/err" || fail "step 7"
expect_exit 2 F step download-ca-chain@fe1 1 finished
grep -q 'give done, skip, fail or reopen' "$T/err" || fail "bad outcome"
expect_exit 2 F step set-up-static-route 2 done --force
grep -q 'does not apply to this session (when: tcp_configured)' "$T/err" || fail "n/a step"
expect_exit 0 F step download-ca-chain@fe1 1 done --operator bob
expect_exit 2 F step download-ca-chain@fe1 2 skip
grep -q 'say why with --note TEXT' "$T/err" || fail "skip without note"
expect_exit 0 F step download-ca-chain@fe1 2 skip --note "chain already saved"
expect_exit 2 F step download-ca-chain@fe1 2 done
grep -q 'already skipped (by .*); reopen it first' "$T/err" || fail "no reopen rule"
expect_exit 0 F step download-ca-chain@fe1 2 reopen
expect_exit 0 F step download-ca-chain@fe1 2 done
expect_exit 2 F step install-ca-chain@fe1 1 done
grep -q 'is blocked by download-ca-chain@fe1' "$T/err" || fail "blocked not refused"
expect_exit 0 F step install-ca-chain@fe1 1 done --force

expect_exit 0 F status --json
jq -e '[.procedures[] | select(.id == "download-ca-chain" and .host == "fe1") |
    .steps[0:2][] | [.status, .by]] == [["done", "bob"], ["done", "alice"]]' \
    "$T/out" >/dev/null || fail "states or operators wrong"
jq -e '.progress.finished == 3' "$T/out" >/dev/null || fail "progress"
expect_exit 0 F status
grep -q '^next: download-ca-chain@fe1 step 3: ' "$T/out" || fail "next step"
expect_exit 0 F audit verify
expect_exit 0 sqlite3 "$T/f.db" "SELECT detail FROM events WHERE kind = 'step' AND proc = 'install-ca-chain'"
grep -q 'forced while blocked by download-ca-chain@fe1' "$T/out" || fail "force not logged"

expect_exit 0 F close --note "window over"
# What close suggests runs as it is written (report needs --format).
sug=$(sed -n "s/.*'\(fedwiz report [^']*\)'.*/\1/p" "$T/err")
[ -n "$sug" ] || fail "close suggests no report command: $(cat "$T/err")"
# shellcheck disable=SC2086
expect_exit 0 F ${sug#fedwiz }
grep -q '^# ' "$T/out" || fail "close's suggestion '$sug' wrote no record"
expect_exit 2 F step download-ca-chain@fe1 3 done --session 1
grep -q 'session 1 is closed' "$T/err" || fail "closed session took a step"
expect_exit 2 F status
grep -q 'no open session' "$T/err" || fail "closed session still the default"
expect_exit 0 F status --session 1
grep -q '^CLOSED ' "$T/out" || fail "status does not say closed"
echo "ok: session lifecycle"
