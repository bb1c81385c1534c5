#!/bin/sh
# The HTML change record as the change manager sees it: rendered by a real
# browser (Debian's chromium, headless, offline) to a screenshot and to PDF,
# and read back from the PDF with poppler's pdfinfo, pdftotext and pdftoppm.
#
#  - the screenshot has the window's size and is not blank (its PNG is many
#    times the size of a blank page's at the same size);
#  - on paper no name is broken inside ("alice", "bob", a variable, a time:
#    pdftotext finds each word whole, and none of its pieces alone);
#  - the first page holds the audit head and the session's identity; every
#    page is footed with the session, its runbook and "page N of M", M the
#    PDF's page count; the last event is on the last page (nothing cut);
#  - nothing is printed in colour, and no page is mostly ink (no fills);
#  - a practice record says PRACTICE RECORD at the top of every page.
#
# The change record is tests/data/golden/report.html (report-golden.sh
# proves it is what fedwiz writes); the practice record is written here.
# Skips (77) without chromium or poppler-utils; ./bootstrap installs both.
# RECORD_KEEP=DIR keeps what was rendered.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "SKIP: no chromium at $CHROMIUM (Debian chromium)"; exit 77; }
for t in pdfinfo pdftotext pdftoppm; do
	command -v $t >/dev/null || { echo "SKIP: $t is needed (Debian poppler-utils)"; exit 77; }
done

# Chromium and its helpers in a process group of their own, ended by it
# (never by name: other tests may run a browser too).
# RECORD_KEEP=DIR keeps the screenshots, PDFs and HTML there, to look at.
cleanup() {
	for g in $(cat "$T/groups" 2>/dev/null); do
		kill -KILL -- "-$g" 2>/dev/null || true
	done
	if [ -n "${RECORD_KEEP:-}" ]; then
		mkdir -p "$RECORD_KEEP"
		cp "$T"/*.png "$T"/*.pdf "$T"/*.html "$RECORD_KEEP" 2>/dev/null || true
	fi
	rm -rf "$T"
}

# browse OUT-FLAGS... URL: one headless chromium, offline, a fresh profile,
# at most 120 s. As root it needs --no-sandbox; the closed network here
# refuses its background connections, which these flags turn off.
browse() {
	rm -rf "$T/profile"
	setsid -w sh -c 'echo $$ >>"$1/groups"; shift; exec "$@"' sh "$T" \
	    timeout -k 5 120 env HOME="$T" XDG_CONFIG_HOME="$T/xdg" \
	    XDG_CACHE_HOME="$T/xdg" "$CHROMIUM" --headless --no-sandbox \
	    --disable-gpu --disable-quic --no-first-run \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --disable-extensions --user-data-dir="$T/profile" \
	    "$@" >"$T/chromium.log" 2>&1 ||
		fail "chromium failed ($*): $(tail -5 "$T/chromium.log")"
}

# png_size FILE: "WIDTH HEIGHT" from the IHDR chunk.
png_size() {
	od -An -v -tu1 -j16 -N8 "$1" |
	    awk '{ w = (($1 * 256 + $2) * 256 + $3) * 256 + $4
	           h = (($5 * 256 + $6) * 256 + $7) * 256 + $8; print w, h }'
}

# page_text PDF N: page N's text, as laid out; page_flat: in reading
# order on one line (a sentence whatever the line breaks).
page_text() { pdftotext -layout -f "$2" -l "$2" "$1" -; }
page_flat() { pdftotext -f "$2" -l "$2" "$1" - | tr -s ' \n' '  '; }

# ink PDF N: "PIXELS COLOURED INKED" of page N at 50 dpi: pixels whose
# channels differ by more than 8 (colour), and darker than 250 (ink).
ink() {
	pdftoppm -r 50 -f "$2" -l "$2" "$1" "$T/raster"
	r=$(ls "$T"/raster*.ppm)
	# The header: P6, width, height, maxval, each on its own line here.
	[ "$(head -c 2 "$r")" = P6 ] || fail "pdftoppm did not write a PPM"
	skip=$(head -3 "$r" | wc -c)
	tail -c +$((skip + 1)) "$r" | od -An -v -tu1 -w3 | awk '
	    { d = $1 - $2; e = $2 - $3; if (d < 0) d = -d; if (e < 0) e = -e
	      if (d > 8 || e > 8) c++; if ($1 < 250 || $2 < 250 || $3 < 250) k++; n++ }
	    END { print n, c + 0, k + 0 }'
	rm -f "$r"
}

# check_pdf PDF: the checks every record passes on paper; sets PAGES.
check_pdf() {
	PAGES=$(pdfinfo "$1" | awk '/^Pages:/ { print $2 }')
	[ "${PAGES:-0}" -ge 2 ] || fail "$1: $PAGES pages"
	pdftotext -bbox "$1" "$T/words.html"
	# Names and words whole: never a piece of one alone on a line.
	for w in alice bob; do
		grep -q ">$w</word>" "$T/words.html" || fail "$1: '$w' is nowhere whole"
	done
	for piece in alic lice bo ob topology_xml_pa 2026-11-; do
		! grep -q ">$piece</word>" "$T/words.html" ||
			fail "$1: '$piece' stands alone: a word was broken inside"
	done
	n=1
	while [ $n -le "$PAGES" ]; do
		page_text "$1" $n >"$T/page"
		grep -q "page $n of $PAGES" "$T/page" || fail "$1: page $n has no 'page $n of $PAGES'"
		set -- "$1" $(ink "$1" $n)
		[ "$3" -eq 0 ] || fail "$1: page $n has $3 coloured pixels"
		[ "$4" -lt $(($2 / 4)) ] || fail "$1: page $n is $4 of $2 pixels ink (a fill?)"
		n=$((n + 1))
	done
}

# The change record.
REC=$FEDWIZ_SRCDIR/tests/data/golden/report.html
cp "$REC" "$T/record.html"
printf '<!DOCTYPE html>\n<html><body></body></html>\n' >"$T/blank.html"
browse --window-size=1280,2000 --screenshot="$T/blank.png" "file://$T/blank.html"
browse --window-size=1280,2000 --screenshot="$T/record.png" "file://$T/record.html"
[ "$(png_size "$T/record.png")" = "1280 2000" ] || fail "screenshot is $(png_size "$T/record.png")"
blank=$(wc -c <"$T/blank.png") shot=$(wc -c <"$T/record.png")
[ "$shot" -gt $((blank * 5)) ] || fail "screenshot ($shot bytes) is about as empty as a blank page ($blank)"
browse --no-pdf-header-footer --print-to-pdf="$T/record.pdf" "file://$T/record.html"
check_pdf "$T/record.pdf"
echo "change record: $PAGES pages; screenshot $shot bytes (a blank page: $blank)"
page_text "$T/record.pdf" 1 >"$T/page"
head=$(sed -n 's/.*<p><strong>Audit chain head:<\/strong> <code>\([0-9]*:[0-9a-f]*\)<.*/\1/p' "$REC")
[ -n "$head" ] || fail "no audit head in $REC"
grep -q "Audit chain head: $head" "$T/page" || fail "the audit head is not on page 1"
grep -q "Session  *1 (open)" "$T/page" || fail "the session is not on page 1"
sha=$(sed -n 's/.*Runbook sha256<\/th><td><code>\([0-9a-f]\{64\}\)<.*/\1/p' "$REC")
[ -n "$sha" ] || fail "no runbook hash in $REC"
grep -q "Runbook sha256  *$sha" "$T/page" || fail "the runbook's hash is not on page 1"
grep -q "Source document  *Security between IM and Presence Service and Microsoft Lync Setup" \
    "$T/page" || fail "the source document is not named by its title on page 1"
! grep -q "000_30072bc693ba8e4e.txt" "$T/page" || fail "the source document is a file name"
grep -q "Change record, session 1 (lync-imp-tls) · audit head ${head%"${head#*:????????????????}"}…" \
    "$T/page" || fail "page 1's footer: $(tail -3 "$T/page")"
# The event log is the record's last table: its last row, "N TIME".
last=$(grep -o '<tr><td class="n">[0-9]*</td><td class="t"><time>[^<]*</time>' "$REC" |
    tail -1 | sed 's/<[^>]*>/ /g' | tr -s ' ' | sed 's/^ //; s/ $//')
[ -n "$last" ] || fail "no event in $REC"
page_flat "$T/record.pdf" "$PAGES" | grep -q "$last " ||
	fail "the last event ($last) is not on the last page: $(page_flat "$T/record.pdf" "$PAGES")"
! grep -q PRACTICE "$T/page" || fail "a change record says PRACTICE"

# A practice record: the same checks, and it says so on every page.
export TZ=UTC
lab=$T/lab
write "$T/lab.yaml" <<EOF
runbook: per-host-and-once
lab: '$lab'
vars: { sip_domain: example.com, imp_publisher: imp1.example.com, ca_server: ca1 }
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, vars: { lync_fqdn: fe1.example.com } }
    - { name: fe2, address: 192.0.2.11, vars: { lync_fqdn: fe2.example.com } }
  imp: [ { name: imp1, address: 192.0.2.20, vars: { imp_fqdn: imp1.example.com } } ]
EOF
F() { "$FEDWIZ" --runbooks "$FEDWIZ_SRCDIR/tests/data/good" --state "$T/f.db" "$@"; }
FEDWIZ_NOW=1795298400 expect_exit 0 F start per-host-and-once --answers "$T/lab.yaml" --operator alice
s=$(cat "$T/out")
i=1
for h in fe1 fe2; do
	for n in 1 2; do
		who=alice; [ $h = fe1 ] || who=bob
		FEDWIZ_NOW=$((1795298400 + i * 60)) expect_exit 0 F step request-certificate@$h $n done \
		    --session "$s" --operator $who --note "step $n on $h, recorded by $who in the lab"
		i=$((i + 1))
	done
done
expect_exit 0 F report --session "$s" --format html -o "$T/practice.html"
browse --window-size=1280,2000 --screenshot="$T/practice.png" "file://$T/practice.html"
[ "$(png_size "$T/practice.png")" = "1280 2000" ] || fail "practice screenshot is $(png_size "$T/practice.png")"
[ "$(wc -c <"$T/practice.png")" -gt $((blank * 5)) ] || fail "practice screenshot is blank"
browse --no-pdf-header-footer --print-to-pdf="$T/practice.pdf" "file://$T/practice.html"
check_pdf "$T/practice.pdf"
n=1
while [ $n -le "$PAGES" ]; do
	page_text "$T/practice.pdf" $n | head -3 | grep -q "PRACTICE RECORD — NOT A CHANGE RECORD" ||
		fail "practice page $n of $PAGES does not say PRACTICE RECORD at its top"
	page_text "$T/practice.pdf" $n | grep -q "Practice record, session $s (per-host-and-once)" ||
		fail "practice page $n's footer"
	n=$((n + 1))
done
page_flat "$T/practice.pdf" 1 >"$T/page"
grep -q "Practice record (not a change record): fedwiz test: per-host values" "$T/page" ||
	fail "practice title on page 1: $(cat "$T/page")"
grep -q "PRACTICE RECORD — NOT A CHANGE RECORD. Session $s was started on the answers of the training lab in $lab" "$T/page" ||
	fail "practice banner on page 1: $(cat "$T/page")"
echo "practice record: $PAGES pages, PRACTICE RECORD on each"
echo "ok: the change record renders, prints and reads back whole in chromium"
