#!/bin/sh
# The change record names its source document as a reader looks it up:
# the runbook's source_title, else its title; never the file name the
# runbook was made from (the JSON record keeps both).
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

F() { "$FEDWIZ" --state "$T/f.db" "$@"; }
expect_exit 0 F start lync-cup-federation --operator alice
expect_exit 0 F start lync-imp-tls --operator alice

expect_exit 0 F report --session 1 --format md
grep -qF -e '- **Source document:** Thomas Torggler, "Lync: SIP inter-domain federation with Cisco Unified Presence - 1", blog post, 2014-03-03' "$T/out" ||
	fail "md: $(grep 'Source document' "$T/out")"
expect_exit 0 F report --session 1 --format html
grep -qF '<tr><th scope="row">Source document</th><td>Thomas Torggler, &quot;Lync: SIP inter-domain federation' "$T/out" ||
	fail "html: $(grep 'Source document' "$T/out")"
! grep -q "003_47afc5a946b2c311.txt" "$T/out" || fail "html names the file"
expect_exit 0 F report --session 1 --format json
jq -e '.session.runbook.source == "003_47afc5a946b2c311.txt" and
    (.session.runbook.source_title | startswith("Thomas Torggler, "))' "$T/out" >/dev/null ||
	fail "json: $(jq -c .session.runbook "$T/out")"

# No source_title: the runbook's title, which the format defines as the
# document's.
expect_exit 0 F report --session 2 --format md
grep -qF -e '- **Source document:** Security between IM and Presence Service and Microsoft Lync Setup' "$T/out" ||
	fail "md without source_title: $(grep 'Source document' "$T/out")"
! grep -q "000_30072bc693ba8e4e.txt" "$T/out" || fail "md names the file"
echo "ok: the source document is named by its title"
