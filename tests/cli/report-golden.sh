#!/bin/sh
# fedwiz report: a session built with the real binary at fixed times gives
# exactly the golden md, html and json change records; -o writes the same
# bytes to a 0600 file or nothing at all; a tampered event log is reported
# as BROKEN (and still exits 0); operator text cannot become HTML markup.
#
# UPDATE_GOLDEN=1 rewrites tests/data/golden/report.{md,html,json} from
# this run (after a deliberate change to the report or to lync-imp-tls).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

: "${FEDWIZ_BUILDDIR:?run through make check, or set FEDWIZ_BUILDDIR}"
FIXTURE=$FEDWIZ_BUILDDIR/tests/unit/report_fixture
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (./bootstrap installs it)"; exit 99; }

GOLDEN=$FEDWIZ_SRCDIR/tests/data/golden
DB=$T/f.db
export TZ=UTC
unset FEDWIZ_OPERATOR FEDWIZ_STATE

# at HH:MM CMD...: run fedwiz at 2026-11-21 HH:MM UTC (22:00 is 1795298400).
at() {
	hm=$1; shift
	h=${hm%:*}; m=${hm#*:}; h=${h#0}; m=${m#0}
	[ "$h" -lt 12 ] && h=$((h + 24))
	FEDWIZ_NOW=$((1795298400 + (h - 22) * 3600 + m * 60)) "$@"
}
fw() { "$FEDWIZ" --state "$DB" "$@" 2>>"$T/log" || { cat "$T/log"; fail "fedwiz $*"; }; }

write "$T/site.yaml" <<'EOF'
runbook: lync-imp-tls
vars:
  ca_server: ca1.example.com
  ca_chain_path: /srv/fedwiz/ca-chain.p7b
  lync_pool_fqdn: pool1.example.com
  imp_fqdn: imp1.example.com
  imp_address: 192.0.2.20
  sip_domain: example.com
  tcp_configured: no
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, user: 'EXAMPLE\lyncadmin', vars: { lync_fqdn: fe1.example.com } }
    - { name: fe2, address: 192.0.2.11, user: 'EXAMPLE\lyncadmin', vars: { lync_fqdn: fe2.example.com } }
  imp: [ { name: imp1, address: 192.0.2.20, user: admin, profile: cisco-vos } ]
EOF

# The evening: alice starts, finds the chain incomplete, bob finishes it.
at 22:00 fw start lync-imp-tls --answers "$T/site.yaml" --operator alice \
	--window-end "2026-11-22 00:00" >/dev/null
for n in 1 2 3 4 5; do
	at 22:0$((n + 2)) fw step download-ca-chain@fe1 $n done --operator alice
done
at 22:14 fw step download-ca-chain@fe1 6 fail --operator alice --note "The .p7b holds only the root CA; the subordinate CA is missing.
Asked the PKI team (ticket PKI-4711)."
# What the x509 check saw, with a terminal escape, a carriage return and a
# bidi override that must not reach the report.
{
	printf '\033[1mPKCS#7 chain: 1 certificate\033[0m\r\n'
	printf 'subject=DC = com, DC = example, CN = Example Root CA\n'
	printf 'issuer=DC = com, DC = example, CN = Example Root CA\n'
	printf 'notBefore=Jan  1 00:00:00 2026 GMT \342\200\256reversed\342\200\254\n'
	printf -- '-----BEGIN CERTIFICATE-----\n'
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf 'MIIDdzCCAl+gAwIBAgIQ%02dZ4jHzd3b0dNyDBzGzaPhjANBgkqhkiG9w0BAQsF\n' "$i"
	done
	printf -- '-----END CERTIFICATE-----\n'
} >"$T/x509.out"
at 22:15 "$FIXTURE" --state "$DB" --session 1 \
	--proc download-ca-chain --host fe1 --step 6 --kind x509 \
	--target /srv/fedwiz/ca-chain.p7b --result fail --operator alice \
	--message "chain has 1 certificate; expected the root and the subordinate CA" \
	--output "$T/x509.out" --excerpt-lines 15 --duration-ms 38 || fail "fixture"
at 22:31 fw step download-ca-chain@fe1 6 reopen --operator bob
at 22:38 fw step download-ca-chain@fe1 6 done --operator bob
for n in 1 2 3 4; do
	at 22:4$n fw step download-ca-chain@fe2 $n done --operator bob
done
at 22:46 fw step download-ca-chain@fe2 5 skip --operator bob \
	--note "Saved straight from the browser | no File Download dialog on 2012 R2"
at 22:47 fw step download-ca-chain@fe2 6 done --operator bob
at 23:05 fw step install-ca-chain@fe1 1 done --operator bob
# Prepared ahead of its turn: recorded, and the record says it was forced.
at 23:12 fw step set-up-static-route 1 done --operator bob --force

HN=$(uname -n | sed 's/[].[*^$\/]/\\&/g')
VER=$("$FEDWIZ" --version | cut -d' ' -f2 | sed 's/[].[*^$\/]/\\&/g')
normalize() { sed -e "s/$HN/HOSTNAME/g" -e "s/fedwiz $VER/fedwiz VERSION/g"; }

for f in md html json; do
	at 08:00 "$FEDWIZ" --state "$DB" report --format $f >"$T/report.$f" \
		2>"$T/err" || { cat "$T/err"; fail "report --format $f"; }
	[ -s "$T/err" ] && { cat "$T/err"; fail "report --format $f said something"; }
	normalize <"$T/report.$f" >"$T/got.$f"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$GOLDEN"
		cp "$T/got.$f" "$GOLDEN/report.$f"
		echo "updated $GOLDEN/report.$f"
	elif ! diff -u "$GOLDEN/report.$f" "$T/got.$f"; then
		fail "report.$f differs from the golden file (if the change is" \
		    "meant, rerun with UPDATE_GOLDEN=1 and review the diff)"
	fi
done
jq -e '.audit.verified and .outcome.failed == 0 and .outcome.skipped == 1' \
	"$T/report.json" >/dev/null || fail "json outcome"
# The head it prints up front is the one audit verify prints.
head=$("$FEDWIZ" --state "$DB" audit verify 2>/dev/null | sed -n 's/^head //p')
[ -n "$head" ] || fail "audit verify printed no head"
jq -e --arg h "$head" '.audit_head == $h and .audit.head == $h' "$T/report.json" \
	>/dev/null || fail "json head is not audit verify's $head"
grep -q "^\*\*Audit chain head:\*\* \`$head\`" "$T/report.md" || fail "md head"
grep -q "<strong>Audit chain head:</strong> <code>$head</code>" "$T/report.html" ||
	fail "html head"

# -o: the same bytes as standard output, mode 0600, nothing else left.
mkdir "$T/dir"
at 08:00 "$FEDWIZ" --state "$DB" report --format html -o "$T/dir/r.html" \
	2>"$T/err" || fail "report -o"
grep -q "r.html: change record of session 1 written (html, [0-9]* bytes)" \
	"$T/err" || fail "-o: no confirmation: $(cat "$T/err")"
cmp "$T/dir/r.html" "$T/report.html" || fail "-o differs from stdout"
[ "$(stat -c %a "$T/dir/r.html")" = 600 ] || fail "-o mode $(stat -c %a "$T/dir/r.html")"
[ "$(ls -A "$T/dir")" = r.html ] || fail "-o left $(ls -A "$T/dir")"

# -o into a folder that does not exist: exit 3, nothing written.
expect_exit 3 "$FEDWIZ" --state "$DB" report --format md -o "$T/none/r.md"
grep -q "cannot create a temporary file in $T/none: No such file" "$T/err" ||
	fail "-o missing folder: message: $(cat "$T/err")"
[ ! -e "$T/none" ] || fail "-o missing folder left something"

# Bad input: no format, an unknown format, no session.
expect_exit 2 "$FEDWIZ" --state "$DB" report
grep -q 'say which format with --format: one of md, html, json' "$T/err" ||
	fail "no --format: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" --state "$DB" report --format pdf
grep -q '"pdf" is not a report format; give one of md, html, json' "$T/err" ||
	fail "--format pdf: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" --state "$DB" report --format md --session 9
expect_exit 2 "$FEDWIZ" --state "$T/empty.db" report --format md

# Operator text stays text in HTML.
X=$T/x.db
"$FEDWIZ" --state "$X" start lync-imp-tls --answers "$T/site.yaml" \
	--operator mallory >/dev/null 2>&1 || fail "start x"
"$FEDWIZ" --state "$X" step download-ca-chain@fe1 1 fail --operator mallory \
	--note '<script>alert(1)</script> & "quotes" '\''too'\''' 2>/dev/null ||
	fail "step x"
"$FEDWIZ" --state "$X" report --format html >"$T/x.html" || fail "report x"
! grep -qi '<script' "$T/x.html" || fail "html has a <script"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;' \
	"$T/x.html" || fail "html note not escaped"
"$FEDWIZ" --state "$X" report --format md >"$T/x.md" || fail "report x md"
grep -q '\\<script>alert(1)\\</script> \\& "quotes"' "$T/x.md" ||
	fail "md note not escaped"

# A step row written behind fedwiz's back (the steps table is not chained):
# the report still shows it, and says the log does not back it.
sqlite3 "$DB" "INSERT INTO steps (session_id, proc, host, step, status, note, operator, at) VALUES (1, 'install-ca-chain', 'fe1', 2, 'done', NULL, 'mallory', 1795303000);" ||
	fail "sqlite3 forge"
expect_exit 0 "$FEDWIZ" --state "$DB" report --format md
grep -q '^> \*\*1 step record does NOT match the event log\.\*\*' "$T/out" ||
	fail "md: no forged-row banner"
grep -q '^| 2 | Enter mmc and select OK\. | done, marked by the operator | mallory | .* | \*\*Not backed by the event log\.\*\* |$' \
	"$T/out" || fail "md: forged row not flagged"
grep -q '1 step record does not match the event log' "$T/err" ||
	fail "no forged-row warning on stderr"
expect_exit 0 "$FEDWIZ" --state "$DB" report --format json
jq -e '.audit.verified and .audit.steps_not_in_log ==
	[{"procedure": "install-ca-chain@fe1", "step": 2}]' "$T/out" >/dev/null ||
	fail "json: forged row"

# A changed event log: the report says BROKEN at that event, and exits 0.
sqlite3 "$DB" "DROP TRIGGER events_no_update; UPDATE events SET detail='x' WHERE id=3;" ||
	fail "sqlite3 tamper"
expect_exit 0 "$FEDWIZ" --state "$DB" report --format md
grep -q '^> \*\*AUDIT CHAIN BROKEN at event 3\.\*\*' "$T/out" || fail "md: no banner"
grep -q '^\*\*BROKEN at event 3:\*\* event 3 (answer, session 1) was changed' \
	"$T/out" || fail "md: no BROKEN line"
grep -q 'audit chain BROKEN at event 3' "$T/err" || fail "no warning on stderr"
expect_exit 0 "$FEDWIZ" --state "$DB" report --format json
jq -e '.audit.verified == false and .audit.broken_at == 3 and
	.audit.events_verified == 2 and
	([.events[] | select(.id >= 3) | .chain] | .[0] == "BROKEN" and
	 all(.[1:][]; . == "not verified"))' "$T/out" >/dev/null ||
	fail "json audit after tampering"
expect_exit 0 "$FEDWIZ" --state "$DB" report --format html
grep -q '<div class="alert"><strong>AUDIT CHAIN BROKEN at event 3.</strong>' \
	"$T/out" || fail "html: no banner"
echo "ok: report golden files, -o, bad input, escaping, broken chain"
