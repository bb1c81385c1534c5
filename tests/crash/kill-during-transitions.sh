#!/bin/sh
# kill -9 at random moments of step transitions made by two writers at once
# (before the database is open, waiting for the other's transaction, inside
# its own, after COMMIT), with now and then a console (as the wizard is)
# joining and killed too: on restart nothing acknowledged is lost, nothing
# is half there, the steps table is the replay of the event log, the file
# passes PRAGMA integrity_check, the audit chain verifies and no dead
# console is listed.
#
#   CRASH_KILLS   kills that must land on a running fedwiz (default 200;
#                 1,000 is the acceptance run: CRASH_KILLS=1000
#                 CRASH_DEADLINE=900 make check TESTS=tests/crash/...)
#   CRASH_WRITERS writers at once (default 2)
#   CRASH_SEED    replay a run's choices (printed; timing still varies)
#   CRASH_DEADLINE  seconds after which the driver stops killing and
#                 checks what it has (90; a run of 200 takes about 15 s
#                 here, longer under ASan or on a loaded machine); the run
#                 passes when at least 50 kills landed and nothing was
#                 violated
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
: "${FEDWIZ_BUILDDIR:?run through make check, or set FEDWIZ_BUILDDIR}"

driver=$FEDWIZ_BUILDDIR/tests/crash/crash_driver
holder=$FEDWIZ_BUILDDIR/tests/unit/console_holder
kills=${CRASH_KILLS:-200}
seed=${CRASH_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
writers=${CRASH_WRITERS:-2}
echo "crash: CRASH_SEED=$seed CRASH_KILLS=$kills CRASH_WRITERS=$writers"

db=$T/fedwiz.db
write "$T/answers.yaml" <<'YAML'
runbook: lync-imp-tls
vars: { lync_pool_fqdn: pool1.example.com, imp_fqdn: imp1.example.com }
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, user: admin }
    - { name: fe2, address: 192.0.2.11, user: admin }
  imp: [ { name: imp1, address: 192.0.2.20, user: admin, profile: cisco-vos } ]
YAML
expect_exit 0 "$FEDWIZ" --state "$db" start lync-imp-tls \
    --answers "$T/answers.yaml" --operator crash
sid=$(cat "$T/out")

# A score of steps on three hosts: few enough that each is moved, reopened
# and moved again many times.
expect_exit 0 "$FEDWIZ" --state "$db" status --session "$sid" --json
jq -r '.procedures[] | select(.applies) |
    select(.id == "download-ca-chain" or .id == "create-tls-peer-subject") |
    .id as $p | (.host // "-") as $h |
    .steps[] | select(.applies) | "\($p) \($h) \(.n)"' "$T/out" >"$T/steps"
[ "$(wc -l <"$T/steps")" -ge 12 ] || fail "too few steps to drive: $(cat "$T/steps")"

set +e
"$driver" -k "$kills" -s "$seed" -t "${CRASH_DEADLINE:-90}" -w "$writers" -H "$holder" \
    "$FEDWIZ" "$db" "$sid" "$T/steps" >"$T/summary" 2>"$T/driver.err"
rc=$?
set -e
cat "$T/summary"
cat "$T/driver.err" >&2
[ "$rc" -eq 0 ] || fail "crash driver exited $rc (CRASH_SEED=$seed)"
grep -q '; lost 0;' "$T/summary" || fail "acknowledged transitions lost"

# What is left is a working database: it reads, and it records.
expect_exit 0 "$FEDWIZ" --state "$db" status --session "$sid" --json
set -- $(head -n 1 "$T/steps")
[ "$2" = - ] && at= || at=@$2
was=$(jq -r --arg p "$1" --arg h "$2" --argjson n "$3" '.procedures[] |
    select(.id == $p and (.host // "-") == $h) | .steps[$n - 1].status' "$T/out")
if [ "$was" != pending ]; then
	expect_exit 0 "$FEDWIZ" --state "$db" step "$1$at" "$3" reopen \
	    --session "$sid"
fi
expect_exit 0 "$FEDWIZ" --state "$db" step "$1$at" "$3" fail \
    --note after-crash --session "$sid" --force
expect_exit 0 "$FEDWIZ" --state "$db" audit verify
echo "ok: kill -9 during transitions"
