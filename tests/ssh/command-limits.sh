#!/bin/sh
# A command's limits: output that never stops cannot hold fedwiz, output
# that keeps coming is never mistaken for silence, and what is kept of it
# has no hole.
#
# - stdout and stderr streaming together for seconds: completes (it used
#   to stop after 0.6-66 s with a false "no output for N s": reading one
#   stream left the other queued inside libssh2, the window spent, and
#   the server waiting for a window adjust that never came);
# - a line every 50 ms for ever, and `yes`: stopped at the total limit
#   (--timeout S sets it), saying so, within a bound;
# - a check's own `timeout:` in the runbook: the same, without --timeout,
#   and longer than --timeout's (output resets the silence deadline);
# - an IM and Presence log viewer whose log grows faster than it is paged
#   ("options:" answered again and again): stopped at the limit;
# - output past the cap on a CLI: what is kept is exactly the start of
#   what came, up to the cap.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"

B=${FEDWIZ_BUILDDIR:-$(dirname "$FEDWIZ")/..}
ssh_keys
ssh_start lin auto fx-linux
PL=$SSH_PORT
ssh_known_hosts "$T/kh" $PL
# (timeout runs programs, not shell functions; $T has no blanks)
FW="$FEDWIZ --known-hosts $T/kh --identity $T/id_ed25519"

# Both streams at once, 50 MB each, with a short idle deadline.
ssh_bounded 120 $FW --timeout 20 probe ssh "127.0.0.1:$PL" --profile linux -- \
    'yes | head -c 50000000 & yes | head -c 50000000 >&2; wait; echo done'
[ $rc -eq 0 ] || { cat "$T/err" >&2; fail "streaming stdout and stderr: exit $rc"; }
! grep -q "no output for" "$T/err" || fail "a stream was called silent: $(cat "$T/err")"
grep -q "output cut at [0-9]* of 100000005 bytes" "$T/err" ||
    fail "not all of it counted: $(cat "$T/err")"

# For ever, slowly and fast: stopped at --timeout's total, said so.
for cmd in 'while :; do echo tick; sleep 0.05; done' 'yes'; do
	ssh_bounded 60 $FW --timeout 5 probe ssh "127.0.0.1:$PL" --profile linux -- "$cmd"
	[ $rc -eq 3 ] || fail "'$cmd': exit $rc, wanted 3"
	grep -q "was stopped at its total limit of 5 s, [0-9]* bytes of output by then" "$T/err" ||
	    fail "'$cmd': $(cat "$T/err")"
done
# Silent for ever: the same limit, said as such.
ssh_bounded 60 $FW --timeout 5 probe ssh "127.0.0.1:$PL" --profile linux -- 'sleep 600'
[ $rc -eq 3 ] && grep -Eq "no output for 5 s|total limit of 5 s, with no output" "$T/err" ||
    fail "sleep: exit $rc, $(cat "$T/err")"

# A check's own limit, from the runbook; the excerpt shows what came.
mkdir -p "$T/rb"
cat >"$T/rb/limits.yaml" <<'EOF'
id: limits
title: A check with its own limit
source: tests/ssh/command-limits.sh
summary: One check whose command never ends.
roles:
  - { id: node, title: Node, profile: linux, many: true }
procedures:
  - id: trickle
    title: Trickle
    on: node
    steps:
      - do: Watch the log
        check:
          ssh:
            command: 'while true; do echo tick; sleep 0.05; done'
            contains: done
            timeout: 2
EOF
printf 'runbook: limits\nhosts:\n  node:\n    - { name: n1, address: 127.0.0.1, port: %s }\n' "$PL" |
    write "$T/a.yaml"
expect_exit 0 "$FEDWIZ" validate "$T/rb/limits.yaml"
ssh_bounded 60 $FW --runbooks "$T/rb" check limits --answers "$T/a.yaml" --json
[ $rc -eq 3 ] || fail "runbook timeout: exit $rc, $(cat "$T/out" "$T/err")"
jq -e '.checks[0].message | test("total limit of 2 s")' "$T/out" >/dev/null ||
    fail "runbook timeout: $(jq -c '.checks[0]' "$T/out")"
jq -e '.checks[0].excerpt | test("tick")' "$T/out" >/dev/null ||
    fail "runbook timeout: no excerpt: $(jq -c '.checks[0]' "$T/out")"
# Output resets the silence deadline: 5 s of talk, a line every second,
# under --timeout 4, with the check's own total of 30 s, runs to its end.
sed -e "s/command: 'while true; do echo tick; sleep 0.05; done'/command: 'for i in 1 2 3 4 5; do echo tick \$i; sleep 1; done; echo done'/" \
    -e 's/timeout: 2/timeout: 30/' "$T/rb/limits.yaml" >"$T/rb/talk.yaml"
sed -i 's/^id: limits/id: talk/' "$T/rb/talk.yaml"
sed 's/runbook: limits/runbook: talk/' "$T/a.yaml" | write "$T/talk.yaml"
ssh_bounded 60 $FW --timeout 4 --runbooks "$T/rb" check talk --answers "$T/talk.yaml" --json
[ $rc -eq 0 ] || fail "talking command: exit $rc, $(cat "$T/out" "$T/err")"
jq -e '.checks[0].excerpt | test("tick 5")' "$T/out" >/dev/null ||
    fail "talking command cut: $(jq -c '.checks[0]' "$T/out")"

# A bad one is refused where it is.
sed 's/timeout: 2/timeout: 2m/' "$T/rb/limits.yaml" >"$T/bad.yaml"
expect_exit 2 "$FEDWIZ" validate "$T/bad.yaml"
grep -q 'bad.yaml:17:22: procedure "trickle": timeout "2m" is not a number of seconds from 1 to 86400' "$T/out" "$T/err" ||
    fail "bad timeout: $(cat "$T/out" "$T/err")"

if ! ssh_pty_ok; then
	echo "no PTY sessions here: the CLI cases are skipped"
	echo "ok: command limits (exec)"
	exit 0
fi
FX_VOS_DELAY=0.5 FX_VOS_GROWING=1 FX_VOS_PROMPT_DELAY=0.3 ssh_start vos auto fx-vos
PV=$SSH_PORT
ssh_known_hosts "$T/kh" $PL $PV
ssh_bounded 60 $FW --timeout 6 probe ssh "127.0.0.1:$PV" --profile cisco-vos -- \
    file view activelog tomcat/logs/catalina.out
[ $rc -eq 3 ] || fail "growing log: exit $rc, $(cat "$T/err")"
grep -q "was stopped at its total limit of 6 s" "$T/err" || fail "growing log: $(cat "$T/err")"

# The cap on a CLI: 100 bytes of "utils service list" (2,300). Its list
# comes as one chunk that crosses the cap, and the prompt 0.3 s later as
# a small one: that one was kept after the gap the big one left.
"$B/tests/ssh/capture_driver" "$T/kh" "$PV" "$T/id_ed25519" cisco-vos 100 \
    'utils service list' || fail "capture past the cap"
echo "ok: command limits"
