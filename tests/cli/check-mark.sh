#!/bin/sh
# fedwiz check --session N --mark applies the wizard's completion policy
# from the command line: a step whose checks all ran and passed is done,
# by its checks (a recorded fact the audit says in words); a failing
# check, a manual check left to the operator, a blocked procedure mark
# nothing and each says why. --mark needs a session and every check.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

command -v openssl >/dev/null || { echo "SKIP: openssl is needed"; exit 77; }
mkdir "$T/rb"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj /CN=x.example.com -addext "subjectAltName=DNS:x.example.com" \
    -addext "extendedKeyUsage=serverAuth,clientAuth" -days 30 \
    -keyout "$T/k.pem" -out "$T/x.pem" 2>/dev/null || fail "openssl req"
write "$T/rb/wt.yaml" <<'YAML'
id: wt
title: Check mark test
source: t.txt
summary: Steps with x509 checks that pass, fail, or ask the operator.
vars:
  - { name: cert, prompt: Certificate file, type: path }
procedures:
  - id: first
    title: First
    steps:
      - do: the certificate
        check:
          x509: { file: '${cert}', kind: cert, name: x.example.com, eku: [serverAuth, clientAuth] }
      - do: nothing to check
      - do: its check passes, and you look too
        check:
          - x509: { file: '${cert}', kind: cert }
          - manual: it looks right
      - do: a certificate for another name
        check:
          x509: { file: '${cert}', kind: cert, name: y.example.com }
  - id: second
    title: Second
    requires: [first]
    steps:
      - do: after the first
        check:
          x509: { file: '${cert}', kind: cert }
YAML
export FEDWIZ_STATE="$T/db" FEDWIZ_RUNBOOKS="$T/rb"
expect_exit 0 "$FEDWIZ" start wt --set cert="$T/x.pem"
sid=$(cat "$T/out")

# Without a session, or with part of the checks: refused.
expect_exit 2 "$FEDWIZ" check wt --set cert="$T/x.pem" --mark
grep -q -- "--mark: marks steps of a session: give --session ID" "$T/err" || fail "no session: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" check wt --session "$sid" --mark --kind x509
grep -q "leave out --kind and --host" "$T/err" || fail "--kind: $(cat "$T/err")"

# Step 4's check fails: exit 1; step 1 is marked, the others say why not.
expect_exit 1 "$FEDWIZ" check wt --session "$sid" --mark
grep -q "^first step 1 done: all its checks passed$" "$T/out" || fail "step 1 not marked: $(cat "$T/out")"
grep -q "^second step 1 not marked: second is blocked by first" "$T/out" ||
	fail "blocked: $(cat "$T/out")"
grep -q -- "'fedwiz step PROC@HOST N done --force' records it anyway" "$T/err" ||
	fail "the flag for a blocked step: $(cat "$T/err")"
grep -q "first step 3 done" "$T/out" && fail "a step with a manual check was marked"
grep -q "first step 4 done" "$T/out" && fail "a failing step was marked"
expect_exit 0 "$FEDWIZ" status --session "$sid" --json
jq -e '[.procedures[] | select(.id == "first") | .steps[] | select(.status == "done") | .n] == [1]' \
    "$T/out" >/dev/null || { jq . "$T/out"; fail "status: only step 1 is done"; }
# The fact, in the step's record and its event, and not as a note.
[ "$(sqlite3 "$FEDWIZ_STATE" "SELECT via || '/' || coalesce(note, '') FROM steps WHERE proc = 'first' AND step = 1")" = "checks/" ] ||
	fail "step 1 is not recorded as done by its checks"
[ "$(sqlite3 "$FEDWIZ_STATE" "SELECT count(*) FROM events WHERE kind = 'step' AND via = 'checks'")" -eq 1 ] ||
	fail "the step's event does not say its checks did it"
expect_exit 0 "$FEDWIZ" report --session "$sid" --format json
grep -q "verified by its checks" "$T/out" && fail "the old note is back"

# Again: already done, not marked twice; JSON lists what was recorded.
expect_exit 1 "$FEDWIZ" check wt --session "$sid" --mark --json
jq -e '.marked | map(select(test("^first step 1 is done already"))) | length == 1' "$T/out" >/dev/null ||
	{ cat "$T/out"; fail "json marked"; }
expect_exit 0 "$FEDWIZ" audit verify
echo "ok: check --mark"
