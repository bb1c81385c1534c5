#!/bin/sh
# A procedure's own text (what it is for, its parameter table) is one key
# away from its steps (i, and i again back); the plan's R shows the
# session's change record, and e exports it to the file named, created
# 0600, as fedwiz report would write it.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

expect_exit 0 F start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
tui_start
tui_wait "lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
# Set Up Static Route has a parameter table: open it.
tui_keys j j j j j j
tui_wait_selected "Set Up Static Route"
tui_keys Enter
tui_wait "(i: the procedure's notes)"
tui_keys i
tui_wait "About"
tui_wait "notes (i back to the steps"
# Longer than the screen: Down scrolls to the parameter table.
tui_keys j j j j j j j j j j j j j j j j
tui_wait "Parameter: \$tlsRoute"
tui_keys i
tui_wait "Step 1 of 5"
tui_wait_gone "About"
# The record: previewed, then exported.
tui_keys Escape
tui_wait ": plan (E"
tui_keys R
tui_wait "Change record"
# Rendered, not the Markdown: a heading without its #, a table as
# columns, no | between them.
tui_wait " Change record: Security between IM and Presence"
grep -q "^ # \|\*\*" "$T/screen" && { tui_show; fail "raw Markdown on the screen"; }
tui_keys /
tui_type "Steps that apply"
tui_keys Enter
tui_wait "/Steps that apply: line"
tui_wait_line 2 "Steps that apply  Done  Skipped  Failed  Pending  Not applicable"
tui_screen >/dev/null
tui_line 3 | grep -q "^ 102  *0  *0  *0  *102  *3 *$" ||
	{ tui_show; fail "the outcome table is not in columns"; }
tui_keys e
tui_wait "Export the record to"
tui_type "$T/record.md"
tui_keys Enter
tui_wait "Written to $T/record.md"
[ -f "$T/record.md" ] || fail "no record written"
[ "$(stat -c %a "$T/record.md")" = 600 ] || fail "record mode $(stat -c %a "$T/record.md")"
grep -q "^# Change record" "$T/record.md" || fail "not a record: $(head -3 "$T/record.md")"
# A name fedwiz cannot write as a record: said, nothing written.
tui_keys e
tui_wait "Export the record to"
tui_type "$T/record.pdf"
tui_keys Enter
tui_wait "must end in .md, .html or"
[ ! -e "$T/record.pdf" ] || fail "wrote a .pdf"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
