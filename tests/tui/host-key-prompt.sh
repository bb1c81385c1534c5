#!/bin/sh
# An SSH check run from the wizard meets an unknown host key: the wizard
# shows the SHA256 fingerprint (as ssh-keygen prints it) and asks; "once"
# goes on without recording it, "always" records it in known_hosts,
# "refuse" sends nothing. A changed key is refused with OpenSSH's warning
# and nothing is sent to the device.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"
cleanup() { tui_cleanup; ssh_cleanup; rm -rf "$T"; }

ssh_keys
FX_LOG="$T/cmds" ssh_start n1 auto fx-linux
P=$SSH_PORT
FP=$(ssh_fingerprint)
RB="$FEDWIZ_SRCDIR/tests/data/tui"
write "$T/a.yaml" <<EOF
runbook: tui-ssh
hosts:
  node:
    - { name: n1, address: 127.0.0.1, port: $P }
EOF
F --runbooks "$RB" start tui-ssh --answers "$T/a.yaml" >/dev/null 2>&1 || fail "start"
: >"$T/kh"
chmod 600 "$T/kh"
: >"$T/cmds"

run_check() {
	tui_keys c
	tui_wait "Unknown host key"
	tui_wait "$FP"
	tui_wait "accept always"
}
tui_start --runbooks "$RB" --known-hosts "$T/kh" --identity "$T/id_ed25519"
tui_wait "tui-ssh"
tui_keys Enter
tui_wait "plan (Enter open"
tui_keys Enter
tui_wait "Step 1 of 1"
# Refused: nothing reaches the device, the console says why.
run_check
tui_keys r
tui_wait "ERROR"
[ ! -s "$T/cmds" ] || fail "a refused key, yet the device got: $(cat "$T/cmds")"
[ ! -s "$T/kh" ] || fail "a refused key was recorded"
tui_keys Escape
tui_wait "Step 1 of 1"
# Once: the check runs, the key is not recorded.
run_check
tui_keys o
tui_wait "PASS"
tui_wait "step 1 is done"
[ ! -s "$T/kh" ] || fail "'once' recorded the key: $(cat "$T/kh")"
grep -q "echo reached" "$T/cmds" || fail "the device did not get the command"
# The same wizard keeps its SSH session: reopened and checked again, the
# step passes without a second question.
tui_keys Escape
tui_wait "Step 1 of 1"
tui_keys r
tui_wait "reopened"
tui_keys c
tui_wait "step 1 is done"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
# A new wizard asks again ("once" was not recorded); "always" records it.
F --runbooks "$RB" step look@n1 1 reopen >/dev/null 2>&1 || fail "reopen"
tui_start --runbooks "$RB" --known-hosts "$T/kh" --identity "$T/id_ed25519"
tui_wait "Step 1 of 1"
run_check
tui_keys a
tui_wait "step 1 is done"
ssh-keygen -F "[127.0.0.1]:$P" -f "$T/kh" >/dev/null || fail "'always' did not record the key"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0

# A changed key: refused without asking, with OpenSSH's warning, and the
# device gets nothing.
ssh_known_hosts_wrong "$T/kh" "$P"
: >"$T/cmds"
F --runbooks "$RB" step look@n1 1 reopen >/dev/null 2>&1 || fail "reopen"
tui_start --runbooks "$RB" --known-hosts "$T/kh" --identity "$T/id_ed25519"
tui_wait "Step 1 of 1"
tui_keys c
tui_wait "ERROR"
tui_wait "IDENTIFICATION HAS CHANGED"
tui_screen >/dev/null
! grep -q "Unknown host key" "$T/screen" || fail "a changed key was asked about"
[ ! -s "$T/cmds" ] || fail "a changed key, yet the device got: $(cat "$T/cmds")"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
echo "ok: host keys from the wizard"
