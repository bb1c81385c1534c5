#!/bin/sh
# The wizard controller's questions (tests/ssh/wiz_ask.c, cmocka): a host
# key and a key file's passphrase asked while another host's check keeps
# streaming and passes; answered late, the host goes on; refused, nothing
# reaches it. Two sshds on 127.0.0.1; host b streams for two seconds.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

DRIVER=${FEDWIZ_BUILDDIR:-$(dirname "$FEDWIZ")/..}/tests/ssh/wiz_ask
[ -x "$DRIVER" ] || fail "no $DRIVER: make check builds it"
ssh_keys
FX_LOG="$T/a.log" ssh_start a auto fx-linux
PA=$SSH_PORT
ssh_start b auto fx-linux
PB=$SSH_PORT
me=$(id -un)
mkdir "$T/rb"
write "$T/rb/wq.yaml" <<'YAML'
id: wq
title: Wizard questions
source: t.txt
summary: One step whose check runs on every host of a role.
roles:
  - { id: lin, title: Linux hosts, profile: linux, many: true }
procedures:
  - id: run
    title: Run
    steps:
      - do: run on both
        check:
          ssh:
            role: lin
            command: 'i=0; while [ $i -lt 20 ]; do echo line $i; sleep 0.1; i=$((i + 1)); done; echo finished'
            contains: finished
            timeout: 10
YAML
write "$T/answers.yaml" <<YAML
runbook: wq
hosts:
  lin:
    - { name: a, address: 127.0.0.1, port: $PA, user: $me, identity: "$T/id_ed25519_pass" }
    - { name: b, address: 127.0.0.1, port: $PB, user: $me, identity: "$T/id_ed25519" }
YAML
ssh_known_hosts "$T/kh" "$PB"
# Nothing from this machine's own agent or keys.
unset SSH_AUTH_SOCK
WIZ_DIR=$T HOME=$T "$DRIVER" || fail "wiz_ask: exit $?"
# Refused: a saw no command (the first scenario ran one on it, twice).
[ "$(grep -c finished "$T/a.log")" -eq 2 ] ||
	fail "a ran $(grep -c finished "$T/a.log") commands, wanted the two answered runs"
echo "ok: questions answered while another host's check goes on"
