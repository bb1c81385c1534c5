#!/bin/sh
# The check console shows a running check's output as it comes, before
# the check ends (a command that prints a line every half second), and
# then its verdict.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"
cleanup() { tui_cleanup; ssh_cleanup; rm -rf "$T"; }

ssh_keys
ssh_start n1 auto fx-linux
P=$SSH_PORT
RB="$FEDWIZ_SRCDIR/tests/data/tui"
write "$T/a.yaml" <<EOF
runbook: tui-ssh
hosts:
  node:
    - { name: n1, address: 127.0.0.1, port: $P }
EOF
F --runbooks "$RB" start tui-ssh --answers "$T/a.yaml" >/dev/null 2>&1 || fail "start"
ssh_known_hosts "$T/kh" "$P"
tui_start --runbooks "$RB" --known-hosts "$T/kh" --identity "$T/id_ed25519"
tui_wait "tui-ssh"
tui_keys Enter
tui_wait ": plan (E"
tui_keys j Enter
tui_wait "Run a command that takes its time"
tui_keys c
# Running, with output already on the console.
tui_wait "running"
tui_wait "progress-2"
tui_screen >/dev/null
grep -q "running" "$T/screen" || fail "progress shown only after the end: $(cat "$T/screen")"
tui_wait "PASS"
tui_wait "step 1 is done"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
echo "ok: live output"
