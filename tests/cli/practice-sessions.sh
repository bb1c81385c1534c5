#!/bin/sh
# Practice sessions: a session started on a training lab's answers (lab:
# DIR, as `fedwiz lab up` writes them, or practice: true) says so in start,
# status and sessions (text and --json) and in every report (the title and
# first line: a practice record, not a change record); no command picks it
# without --session, not even when it is the most recently active; its
# start event says it too, so editing the sessions table is caught by
# audit verify and changes nothing fedwiz shows. Bad practice keys are
# located.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

export TZ=UTC
unset FEDWIZ_OPERATOR FEDWIZ_STATE
db=$T/fedwiz.db
lab=$T/lab
F() { "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/good" --state "$db" "$@"; }
at() { n=$1; shift; FEDWIZ_NOW=$((1795298400 + n * 60)) "$@"; }

write "$T/lab.yaml" <<EOF
# As lab up writes them: the lab's folder, its known_hosts and DNS server.
runbook: per-host-and-once
lab: '$lab'
known_hosts: '$lab/known_hosts'
dns_server: '127.0.0.1:5353'
vars: { sip_domain: example.com, imp_publisher: imp1.example.com, ca_server: ca1 }
hosts:
  lync_fe: [ { name: fe1, address: 127.0.0.1, vars: { lync_fqdn: fe1.example.com } } ]
  imp: [ { name: imp1, address: 127.0.0.1, vars: { imp_fqdn: imp1.example.com } } ]
EOF
sed -e '/^lab:/d' -e '/^known_hosts:/d' -e '/^dns_server:/d' -e '/^#/d' "$T/lab.yaml" |
	write "$T/real.yaml"

# A practice session: start says what it is and how to reach it.
at 0 expect_exit 0 F start per-host-and-once --answers "$T/lab.yaml" --operator alice
p=$(cat "$T/out")
grep -q "PRACTICE session $p started for per-host-and-once by alice on the training lab in $lab: its record is a practice record, not a change record, and it is never the default session; 'fedwiz status --session $p'" "$T/err" ||
	fail "start did not say practice: $(cat "$T/err")"

# Alone, it is not the default: every command without --session refuses,
# names it and says how to reach it; nothing is recorded.
for cmd in status "step request-certificate@fe1 1 done" "report --format md" \
    "set ca_server=ca2" close; do
	# shellcheck disable=SC2086
	FEDWIZ_OPERATOR=alice at 1 expect_exit 2 F $cmd
	grep -q "no open session for real work: practice session $p (on the training lab in $lab) is open, and a practice session is never the default; give --session $p to work on it" "$T/err" ||
		fail "'$cmd' without --session: $(cat "$T/err")"
done
# A mistyped procedure: the command that lists them reaches this session.
expect_exit 2 F step request-certficate@fe1 1 done --session $p --operator alice
grep -q "did you mean \"request-certificate\"? ('fedwiz status --session $p' lists them)" "$T/err" ||
	fail "a mistyped procedure suggests a command without --session: $(cat "$T/err")"
expect_exit 0 F status --session $p --json
jq -e '.progress.finished == 0 and .session.closed == null and
    .answers.ca_server == "ca1"' "$T/out" >/dev/null ||
	fail "a command without --session recorded on the practice session: $(jq -c '.progress, .answers' "$T/out")"

# With --session it works as any session.
at 2 expect_exit 0 F step request-certificate@fe1 1 done --session $p --operator alice
at 2 expect_exit 0 F step request-certificate@fe1 2 fail --note "CA down" --session $p --operator alice

# status: said first, in text and JSON, with what its checks use.
expect_exit 0 F status --session $p
head -1 "$T/out" | grep -q "^PRACTICE session $p: per-host-and-once" ||
	fail "status line 1: $(head -1 "$T/out")"
sed -n 2p "$T/out" | grep -q "^a practice session on the training lab in $lab: its record is a practice record, not a change record, and commands reach it only with --session $p$" ||
	fail "status line 2: $(sed -n 2p "$T/out")"
grep -q "^host keys: $lab/known_hosts (from its answers file)$" "$T/out" || fail "known_hosts not said"
grep -q "^DNS server: 127.0.0.1:5353 (from its answers file)$" "$T/out" || fail "dns_server not said"
# The commands it suggests reach this session, not the default one.
grep -q "(it failed: when the cause is fixed, 'fedwiz step request-certificate@fe1 2 reopen --session $p' and do it again)" "$T/out" ||
	fail "status suggests a command without --session: $(grep "it failed" "$T/out")"
expect_exit 0 F status --session $p --json
jq -e --arg lab "$lab" '.session.practice == true and .session.lab == $lab and
    .session.known_hosts == ($lab + "/known_hosts") and
    .session.dns_server == "127.0.0.1:5353"' "$T/out" >/dev/null ||
	fail "status --json: $(jq -c .session "$T/out")"

# A real session: it is the default, even after the practice session
# moved later (the most recently active open session, practice aside).
at 3 expect_exit 0 F start per-host-and-once --answers "$T/real.yaml" --operator bob
r=$(cat "$T/out")
grep -q "^.*: session $r started for per-host-and-once by bob; 'fedwiz status' shows where you are$" "$T/err" ||
	fail "real start: $(cat "$T/err")"
at 4 expect_exit 0 F step request-certificate@fe1 2 reopen --session $p --operator alice
expect_exit 0 F status --json
jq -e --argjson r "$r" '.session.id == $r and .session.practice == false and
    .session.lab == null and .session.known_hosts == null' "$T/out" >/dev/null ||
	fail "default session: $(jq -c .session "$T/out")"
expect_exit 0 F status
head -1 "$T/out" | grep -q "^session $r: per-host-and-once" || fail "real status: $(head -1 "$T/out")"
! grep -q PRACTICE "$T/out" || fail "a real session said practice"
at 5 expect_exit 0 F step request-certificate@fe1 1 done --operator bob
expect_exit 0 F status --session $r --json
jq -e '.progress.finished == 1' "$T/out" >/dev/null || fail "step without --session missed the real session"

# The default session's hint needs no --session; an older real one's does.
expect_exit 2 F step request-certficate@fe1 1 done --operator bob
grep -q "('fedwiz status' lists them)" "$T/err" || fail "default session's hint: $(cat "$T/err")"
# sessions: which is practice, which is the default.
expect_exit 0 F sessions
grep -E "^ +$p  per-host-and-once .* open, PRACTICE on the lab in $lab$" "$T/out" >/dev/null ||
	fail "sessions, practice row: $(cat "$T/out")"
grep -E "^ +$r  per-host-and-once .* open, the default$" "$T/out" >/dev/null ||
	fail "sessions, real row: $(cat "$T/out")"
expect_exit 0 F sessions --json
jq -e --argjson p "$p" --argjson r "$r" --arg lab "$lab" '.sessions |
    (map(select(.id == $p))[0] | .practice == true and .lab == $lab and .default == false) and
    (map(select(.id == $r))[0] | .practice == false and .lab == null and .default == true)' \
    "$T/out" >/dev/null || fail "sessions --json: $(jq -c .sessions "$T/out")"

# Every report: the title and the first line say it; a real one says change.
expect_exit 0 F report --session $p --format md
head -1 "$T/out" | grep -q "^# Practice record (not a change record): " ||
	fail "md line 1: $(head -1 "$T/out")"
grep -q "^> \*\*PRACTICE RECORD — NOT A CHANGE RECORD.\*\* Session $p was started on the answers of the training lab in \`$lab\`" "$T/out" ||
	fail "md banner missing"
grep -q "^- \*\*Record:\*\* .*practice, not a change record" "$T/out" || fail "md Record row"
! grep -q "Paste it into the change ticket" "$T/out" || fail "a practice record asks for the change ticket"
expect_exit 0 F report --session $p --format json
[ "$(sed -n 2p "$T/out")" = '  "record": "practice",' ] || fail "json line 2: $(sed -n 2p "$T/out")"
jq -e --arg lab "$lab" '.record == "practice" and
    (.title | startswith("Practice record (not a change record): ")) and
    .session.practice == true and .session.lab == $lab' "$T/out" >/dev/null ||
	fail "json: $(jq -c '{record, title, session: .session.practice}' "$T/out")"
expect_exit 0 F report --session $p --format html -o "$T/p.html"
grep -q "PRACTICE record (not a change record) of session $p written (html" "$T/err" ||
	fail "report -o said: $(cat "$T/err")"
grep -q "<title>Practice record (not a change record): session $p, per-host-and-once</title>" "$T/p.html" ||
	fail "html title"
grep -q "^<h1>Practice record (not a change record): " "$T/p.html" || fail "html h1"
grep -q '^<div class="practice"><strong>PRACTICE RECORD — NOT A CHANGE RECORD.</strong>' "$T/p.html" ||
	fail "html banner"
grep -q '^<div class="wm" aria-hidden="true">PRACTICE</div>$' "$T/p.html" || fail "html watermark"
grep -q '@top-center{content:"PRACTICE RECORD — NOT A CHANGE RECORD"' "$T/p.html" ||
	fail "html print header"
expect_exit 0 F report --session $r --format md
head -1 "$T/out" | grep -q "^# Change record: " || fail "real md line 1: $(head -1 "$T/out")"
! grep -qi "practice" "$T/out" || fail "a real record mentions practice"
expect_exit 0 F report --session $r --format json
jq -e '.record == "change" and (.title | startswith("Change record: ")) and
    .session.practice == false' "$T/out" >/dev/null || fail "real json"
expect_exit 0 F report --session $r --format html
! grep -q 'class="wm"\|class="practice"\|top-center' "$T/out" || fail "real html is marked practice"
expect_exit 0 F audit verify

# The start event carries it: a practice session whose sessions row was
# turned into a real one is caught, and still read as practice.
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }
sqlite3 "$db" "UPDATE sessions SET practice = 0, lab = NULL WHERE id = $p"
expect_exit 1 F audit verify
grep -q "session $p: the sessions table says a real session, and its start event says practice: the record was changed behind fedwiz's back" "$T/err" ||
	fail "audit verify missed it: $(cat "$T/err")"
expect_exit 0 F report --session $p --format json
jq -e '.record == "practice"' "$T/out" >/dev/null || fail "a forged row made a change record"
expect_exit 0 F status --json
jq -e --argjson r "$r" '.session.id == $r' "$T/out" >/dev/null || fail "default moved"
sqlite3 "$db" "UPDATE sessions SET practice = 1 WHERE id = $r"
expect_exit 1 F audit verify
grep -q "session $r: the sessions table says a practice session, and its start event says real" "$T/err" ||
	fail "audit verify, the other way: $(cat "$T/err")"
sqlite3 "$db" "UPDATE sessions SET practice = 0 WHERE id = $r"

# practice: true (a training estate of one's own): practice, no lab.
printf 'practice: yes\n' | cat - "$T/real.yaml" | write "$T/own.yaml"
at 6 expect_exit 0 F start per-host-and-once --answers "$T/own.yaml" --operator carol
o=$(cat "$T/out")
expect_exit 0 F status --session $o --json
jq -e '.session.practice == true and .session.lab == null' "$T/out" >/dev/null ||
	fail "practice: yes: $(jq -c .session "$T/out")"
expect_exit 0 F report --session $o --format md
grep -q "^> \*\*PRACTICE RECORD — NOT A CHANGE RECORD.\*\* Session $o was started on answers marked for practice" "$T/out" ||
	fail "practice without lab, md banner"
expect_exit 0 F status --json
jq -e --argjson r "$r" '.session.id == $r' "$T/out" >/dev/null || fail "practice: yes became the default"

# A newer real session is the default now: a hint about the older one
# carries --session, one about the newer one does not.
at 7 expect_exit 0 F start per-host-and-once --answers "$T/real.yaml" --operator dave
r2=$(cat "$T/out")
expect_exit 2 F step request-certficate@fe1 1 done --session $r --operator bob
grep -q "('fedwiz status --session $r' lists them)" "$T/err" || fail "older session's hint: $(cat "$T/err")"
expect_exit 2 F step request-certficate@fe1 1 done --session $r2 --operator bob
grep -q "('fedwiz status' lists them)" "$T/err" || fail "newest session's hint: $(cat "$T/err")"

# Bad keys, located; nothing is started.
printf 'practice: no\n' | cat - "$T/lab.yaml" | write "$T/bad1.yaml"
expect_exit 2 F start per-host-and-once --answers "$T/bad1.yaml"
grep -q "bad1.yaml:1:11: practice: false, but lab: names a training lab, whose sessions are always practice; drop one of the two" "$T/err" ||
	fail "practice: no with lab: $(cat "$T/err")"
printf 'practice: maybe\n' | cat - "$T/real.yaml" | write "$T/bad2.yaml"
expect_exit 2 F start per-host-and-once --answers "$T/bad2.yaml"
grep -q "bad2.yaml:1:11: practice: \"maybe\" is not true or false" "$T/err" ||
	fail "practice: maybe: $(cat "$T/err")"
expect_exit 0 F sessions --json
[ "$(jq '.sessions | length' "$T/out")" -eq 4 ] || fail "a refused start left a session"
echo "ok: practice sessions are said everywhere and never the default"
