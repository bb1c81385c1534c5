#!/bin/sh
# A host-key question does not stop the other hosts: a check runs on two
# nodes, n1's key is unknown and n2's known. The host-key screen comes up
# for n1 while n2's check keeps streaming (its newest output line moves
# on under "Meanwhile" on the same screen) and passes; accepted once, n1's
# key file asks its passphrase on the masked-secret screen, which counts
# what is typed and never shows it; then n1 runs, and the step is done by
# its checks. Nothing waits in a nested getch: the loop runs throughout.
# TUI_KEEP=DIR keeps the host-key screen as it was while n2 streamed and
# once n2 passed.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"
cleanup() { tui_cleanup; ssh_cleanup; rm -rf "$T"; }

ssh_keys
FX_LOG="$T/n1.cmds" ssh_start n1 auto fx-linux
P1=$SSH_PORT
ssh_start n2 auto fx-linux
P2=$SSH_PORT
FP=$(ssh_fingerprint)
RB="$FEDWIZ_SRCDIR/tests/data/tui"
write "$T/a.yaml" <<EOF2
runbook: tui-two
hosts:
  node:
    - { name: n1, address: 127.0.0.1, port: $P1, identity: "$T/id_ed25519_pass" }
    - { name: n2, address: 127.0.0.1, port: $P2, identity: "$T/id_ed25519" }
EOF2
F --runbooks "$RB" start tui-two --answers "$T/a.yaml" >/dev/null 2>&1 || fail "start"
ssh_known_hosts "$T/kh" "$P2"
: >"$T/n1.cmds"

tui_start --runbooks "$RB" --known-hosts "$T/kh"
tui_wait "tui-two"
tui_keys Enter
tui_wait "plan (Enter open"
tui_keys Enter
tui_wait "Step 1 of 1"
tui_keys c
tui_wait "Unknown host key: n1"
tui_wait "$FP"
tui_wait "Meanwhile, the other checks go on:"
# n2 streams on while the question waits: a later line than the first one
# seen comes up on this very screen.
tui_wait "progress-"
first=$(grep -o "progress-[0-9]*" "$T/screen" | head -1 | cut -d- -f2)
next=$((first + 3))
tui_wait "progress-$next"
grep -q "Unknown host key: n1" "$T/screen" || { tui_show; fail "the question went away"; }
[ -z "${TUI_KEEP:-}" ] || cp "$T/screen" "$TUI_KEEP/hostkey-streaming.txt"
tui_wait "PASS  ssh on n2"
[ -z "${TUI_KEEP:-}" ] || cp "$T/screen" "$TUI_KEEP/hostkey-passed.txt"
[ ! -s "$T/n1.cmds" ] || fail "n1 got a command before its key was accepted"
tui_keys o
# Its key file's passphrase, masked.
tui_wait "asks for the passphrase of a key file"
tui_type "correct horse"
tui_wait "Typed: 13 characters (not shown)."
grep -q "correct" "$T/screen" && { tui_show; fail "the passphrase is on the screen"; }
tui_keys Enter
tui_wait "step 1 is done, by its checks"
grep -q "echo progress" "$T/n1.cmds" || fail "n1 did not run the check: $(cat "$T/n1.cmds")"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
# No secret in the store.
! grep -a -q "correct horse" "$DB" "$DB-wal" 2>/dev/null || fail "the passphrase reached the store"
echo "ok: a host-key question while another host's check streams"
