#!/bin/sh
# The exit codes of fedwiz(1) (EXIT STATUS), and a message on standard error for each
# kind of bad usage.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

expect_exit 0 "$FEDWIZ" --help
grep -q 'fedwiz plan RUNBOOK' "$T/out" || fail "--help lacks plan"
expect_exit 0 "$FEDWIZ" --version
grep -q '^fedwiz [0-9]' "$T/out" || fail "--version"

# No command is the wizard, which needs a terminal: here there is none.
expect_exit 2 "$FEDWIZ" </dev/null
grep -q 'no command given, and the wizard needs a terminal' "$T/err" || fail "no command: message"
expect_exit 2 "$FEDWIZ" frobnicate
grep -q "unknown command 'frobnicate'" "$T/err" || fail "unknown command"
expect_exit 2 "$FEDWIZ" --frob list
grep -q "unknown option '--frob'" "$T/err" || fail "unknown option"
expect_exit 2 "$FEDWIZ" list --answers x.yaml
grep -q -- "--answers is not an option of 'list'" "$T/err" || fail "option scope"
expect_exit 2 "$FEDWIZ" plan
grep -q 'usage: fedwiz plan RUNBOOK' "$T/err" || fail "plan without runbook"
expect_exit 2 "$FEDWIZ" plan lync-imp-tls --set
grep -q -- '--set needs a value' "$T/err" || fail "--set without value"
expect_exit 2 "$FEDWIZ" plan no-such-runbook
grep -q 'no runbook with this id' "$T/err" || fail "unknown runbook"
expect_exit 2 "$FEDWIZ" plan lync-imp-tls --set peer_auth_port=http
grep -q 'peer_auth_port: "http" is not a port' "$T/err" || fail "bad --set"
expect_exit 2 "$FEDWIZ" plan lync-imp-tls --answers "$T/missing.yaml"
grep -q "missing.yaml: cannot read: No such file" "$T/err" || fail "missing answers"
expect_exit 2 "$FEDWIZ" validate "$T/missing.yaml"
grep -q "missing.yaml: cannot read" "$T/err" || fail "missing file"
expect_exit 2 "$FEDWIZ" --runbooks "$T/nowhere" list
grep -q "cannot open the runbook folder" "$T/err" || fail "bad --runbooks"

# Output that cannot be written is an environment failure, not success.
if [ -w /dev/full ]; then
	set +e; "$FEDWIZ" plan lync-imp-tls --steps >/dev/full 2>"$T/err"; rc=$?; set -e
	[ "$rc" -eq 3 ] || fail "writing to /dev/full exited $rc, wanted 3"
fi
echo "ok: exit codes"
