#!/bin/sh
# Terminal escapes never reach the terminal. A note or an operator's name
# with control characters is refused where it is typed; an error message
# that quotes a value, a key, a host or an option shows it cleaned; and a
# tampered database's operator, host, answers and notes are printed
# cleaned by status, sessions, plan and the report. Timestamps at
# INT64_MIN print without overflowing (the sanitizer build would stop).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

F() { "$FEDWIZ" --state "$T/f.db" "$@"; }
ESC=$(printf '\033')
BEL=$(printf '\007')
CSI=$(printf '\302\233')		# U+009B, the 8-bit CSI
RLO=$(printf '\342\200\256')		# U+202E, right-to-left override
# no_raw FILE...: none of ESC, BEL, C1 CSI, RLO in the files.
no_raw() {
	for f in "$@"; do
		if grep -q "$ESC\|$BEL\|$CSI\|$RLO" "$f"; then
			od -c "$f" | head -20
			fail "raw control text in $f"
		fi
	done
}

# Input for the record: refused, with what is wrong, nothing written.
expect_exit 2 F start lync-imp-tls --operator "ev${ESC}]0;pwned${BEL}il"
grep -q -- '--operator: the operator.s name contains a control character (U+001B at offset 2), the start of a terminal escape sequence' "$T/err" ||
    fail "operator: $(cat "$T/err")"
no_raw "$T/err"
[ ! -e "$T/f.db" ] || fail "a refused start created the database"
FEDWIZ_OPERATOR="x${RLO}y" expect_exit 2 F start lync-imp-tls
grep -q 'FEDWIZ_OPERATOR: .*bidirectional control' "$T/err" || fail "env operator: $(cat "$T/err")"
expect_exit 2 F start lync-imp-tls --operator "$(printf '%070d' 0)"
grep -q 'longer than 64 bytes' "$T/err" || fail "long operator"

expect_exit 0 F start lync-imp-tls --set sip_domain=example.com --operator alice
expect_exit 2 F step download-ca-chain 2 skip --note "done${ESC}[2J${ESC}[1;1Hall fine"
grep -q -- '--note: the note contains a control character (U+001B' "$T/err" || fail "note: $(cat "$T/err")"
expect_exit 2 F step download-ca-chain 2 skip --note "bell${BEL}"
expect_exit 2 F close --note "x${CSI}31m"
# A note may have lines and tabs.
expect_exit 0 F step download-ca-chain 2 skip --note "two
lines	and a tab"

# Error messages quote input; cleaned.
expect_exit 2 F start lync-imp-tls --set "sip_domain=a${ESC}]0;t${BEL}b"
no_raw "$T/err"
grep -q 'sip_domain' "$T/err" || fail "--set message lost: $(cat "$T/err")"
expect_exit 2 F start lync-imp-tls --set "x${ESC}[31m=1"
no_raw "$T/err"
expect_exit 2 F status --session "1${ESC}[2J"
no_raw "$T/err"
expect_exit 2 F step "p${ESC}[5m" 1 done
no_raw "$T/err"
expect_exit 2 "$FEDWIZ" "list${ESC}[2J"
no_raw "$T/err"
grep -q "unknown command 'list'" "$T/err" || fail "unknown command: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" "--x${ESC}[2J"
no_raw "$T/err"
write "$T/a.yaml" <<EOF
runbook: lync-imp-tls
vars: { "imp${ESC}[31m_fqdn": a.b.c }
hosts:
  lync_fe: [ { name: "fe${BEL}1", address: "h${ESC}]0;x" } ]
EOF
expect_exit 2 F plan lync-imp-tls --answers "$T/a.yaml"
no_raw "$T/err"
grep -q 'a.yaml:2:' "$T/err" || fail "answers error not located: $(cat "$T/err")"

# A tampered database: every text field says something a terminal would act on.
sqlite3 "$T/f.db" "
UPDATE sessions SET operator = 'mal' || char(27) || ']0;owned' || char(7) || 'lory',
    host = 'h' || char(27) || '[2J' || char(155) || '31m' || char(8238) || 'ost';
UPDATE steps SET note = 'n' || char(27) || '[1;1H' || char(13) || 'hidden', operator = 'op' || char(27) || 'c';
INSERT INTO answers (session_id, name, value, ord) VALUES (1, 'imp_fqdn', 'imp1' || char(27) || '[8m.example.com', 9);
INSERT INTO hosts (session_id, role, name, address, user, port, profile, identity, ord)
    VALUES (1, 'lync_fe', 'fe1', '192.0.2.1' || char(27) || '[31m', 'ad' || char(7) || 'min', 22, NULL, NULL, 0);
" || fail "sqlite3"
# The step records no longer match the event log: said (cleaned), and
# status exits 1.
expect_exit 1 F status
no_raw "$T/out" "$T/err"
grep -q "warning: the record of .* says .* by op, and the event log says" "$T/err" ||
	fail "tampered records not said: $(cat "$T/err")"
grep -q 'operator mal]0;owned' "$T/out" && fail "an OSC string was kept as text"
grep -q 'operator mallory, started' "$T/out" || fail "status operator: $(grep operator "$T/out")"
expect_exit 0 F sessions
no_raw "$T/out" "$T/err"
grep -q ' mallory ' "$T/out" || fail "sessions operator: $(cat "$T/out")"
for fmt in md html json; do
	expect_exit 0 F report --format $fmt
	no_raw "$T/out" "$T/err"
done
expect_exit 1 F status --json
no_raw "$T/out"
jq -e '.session.operator | test("\u001b")' "$T/out" >/dev/null ||
    fail "status --json lost the escaped value"

# A runbook file's own text (titles, steps) as list and plan print it.
mkdir "$T/rb"
printf '%s\n' 'id: esc' 'title: "T\e]0;owned\aitle"' 'source: s' 'summary: s' \
    'procedures:' '  - { id: p, title: "P\e[31m", steps: [ {do: "x\e[2J\u202ey"} ] }' \
    >"$T/rb/esc.yaml"
expect_exit 0 "$FEDWIZ" --runbooks "$T/rb" list
no_raw "$T/out" "$T/err"
grep -q 'Title' "$T/out" || fail "list title: $(cat "$T/out")"
expect_exit 0 "$FEDWIZ" --runbooks "$T/rb" plan esc --steps
no_raw "$T/out" "$T/err"
expect_exit 0 "$FEDWIZ" --runbooks "$T/rb" plan esc --json
no_raw "$T/out"

# Times at the ends of a 64-bit integer.
sqlite3 "$T/f.db" "
UPDATE sessions SET started = -9223372036854775808, updated = 9223372036854775807,
    window_end = -9223372036854775808;
UPDATE steps SET at = -9223372036854775808;" || fail "sqlite3"
expect_exit 1 F status
expect_exit 0 F sessions
expect_exit 0 F sessions --json
for fmt in md html json; do
	expect_exit 0 F report --format $fmt
done
sqlite3 "$T/f.db" "UPDATE sessions SET started = 9223372036854775807,
    updated = -9223372036854775808, window_end = 9223372036854775807;" || fail "sqlite3"
expect_exit 1 F status
expect_exit 0 F sessions
for fmt in md html json; do
	expect_exit 0 F report --format $fmt
done
exit 0
