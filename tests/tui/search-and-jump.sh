#!/bin/sh
# / searches what the screen lists, n and N go to the next match and the
# one before, Esc ends the search; on the plan (titles, ids, hosts), a
# procedure (its steps and commands), its notes and the change record;
# and : goes to a procedure by its id.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

expect_exit 0 F start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
tui_start
tui_wait "lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
# The plan: a word of a title.
tui_keys /
tui_type "static"
tui_keys Enter
tui_wait_selected "Set Up Static Route"
tui_wait "/static: line 7 of 14"
# Two matches of "certificate": n goes on, N comes back.
tui_keys /
tui_wait "Search: [static]"
tui_keys C-u
tui_type "certificate"
tui_keys Enter
tui_wait_selected "Submit Certificate Request"
tui_keys n
tui_wait_selected "Approve and Import Certificate"
tui_keys N
tui_wait_selected "Submit Certificate Request"
# n is the search's while it is on; after Esc it is "what is next".
tui_keys Escape
tui_wait "Search ended."
tui_keys n
tui_wait_selected "Download CA Certification Chain"
# : and an id.
tui_keys :
tui_wait "Go to procedure (id, or id@host):"
tui_type "set-up-rcc-app"
tui_keys Enter
tui_wait_selected "Set Up RCC Application"
tui_keys :
tui_type "no-such-proc"
tui_keys Enter
tui_wait 'No procedure "no-such-proc" in this plan'
# A procedure: its steps, commands included.
tui_keys : 
tui_type "submit-certificate-request"
tui_keys Enter Enter
tui_wait "Step 1 of 7"
tui_keys /
tui_type "clienteku"
tui_keys Enter
tui_wait "Step 2 of 7"
tui_wait "/clienteku: line 2 of 7"
# Its notes.
tui_keys Escape i
tui_wait "notes (i back to the steps"
tui_keys /
tui_type "following procedure"
tui_keys Enter
tui_wait "/following procedure: line"
tui_keys Escape i Escape
tui_wait ": plan (E"
# The change record.
tui_keys R
tui_wait "Change record"
tui_keys /
tui_type "audit chain"
tui_keys Enter
tui_wait_line 2 "Audit chain"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
