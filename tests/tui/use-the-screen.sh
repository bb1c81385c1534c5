#!/bin/sh
# The wizard uses the window it has: a 17-step procedure shows all its
# steps at 80x24 (the current step's text takes what it needs, the list
# the rest); the variables form's prompts are not cut at 30 columns; plan
# titles use the width (at 120 columns the two ASA enrollment procedures
# are told apart); a message longer than a line is wrapped whole; at 40x12
# the host column stays, so fe1 and fe2 stay apart; the plan and the
# procedure explain their marks.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

write "$T/two.yaml" <<'YAML'
runbook: lync-imp-tls
vars: { ca_server: ca1.example.com, lync_pool_fqdn: pool1.example.com,
  imp_fqdn: imp1.example.com, imp_address: 192.0.2.20, sip_domain: example.com, tcp_configured: false }
hosts:
  lync_fe:
    - { name: fe1, address: 192.0.2.10, vars: { lync_fqdn: fe1.example.com } }
    - { name: fe2, address: 192.0.2.11, vars: { lync_fqdn: fe2.example.com } }
  imp: [ { name: imp1, address: 192.0.2.20, profile: cisco-vos } ]
YAML
expect_exit 0 F start lync-imp-tls --answers "$T/two.yaml"
tui_start
tui_wait "lync-imp-tls"
tui_keys Enter
tui_wait ": plan (E"
# The legend of the marks.
tui_wait "✓ done  ▶ in progress  .. ready  -- blocked  !! failed  sk skipped"
tui_keys :
tui_type "install-ca-chain@fe1"
tui_keys Enter Enter
tui_wait "Install CA Certification Chain on fe1 (blocked)"
tui_screen >/dev/null
for i in 1 5 9 13 17; do
	grep -q "^ \[ \] *$i " "$T/screen" || { tui_show; fail "step $i of 17 is not on the screen"; }
done
tui_wait "[✓] done  [s] skipped  [!] failed  [ ] to do  n/a does not apply here"
# A long message wraps: the whole of it is there.
tui_keys d
tui_wait "is blocked"
tui_keys Escape
tui_wait "Step 1 not recorded: its procedure is still blocked."
tui_keys Escape
tui_wait ": plan (E"

# 40x12: the host column is kept; fe1 and fe2 rows differ.
tui_keys g
tui_resize 40 12
tui_wait "fe2"
tui_screen >/dev/null
grep -q "Download CA.* fe1 " "$T/screen" && grep -q "Download CA.* fe2 " "$T/screen" ||
	{ tui_show; fail "fe1 and fe2 are not told apart at 40x12"; }
# 120 columns: whole titles.
tui_resize 120 30
tui_wait "Verify Certificate Setup for Server and Client Authentication"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0

# The ASA runbook's two enrollments, apart at 120 columns.
DB=$T/asa.db
expect_exit 0 F start interdomain-asa
TUI_COLS=120
TUI_ROWS=40
tui_start
tui_wait "fedwiz: sessions"
tui_keys Enter
tui_wait ": plan (E"
tui_wait "Configure certificate on Cisco Adaptive Security Appliance using SCEP enrollment"
tui_wait "Configure certificate on Cisco Adaptive Security Appliance using manual enrollment"
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0

# The variables form at 80 columns: prompts of 33 and 45 characters whole.
TUI_COLS=80
TUI_ROWS=24
DB=$T/forms.db
tui_start
tui_wait "No session yet"
tui_keys n
tui_wait "New session: choose the runbook"
# The runbook by a search (a loop of j would race the screen).
tui_wait "lync-imp-tls"
tui_keys /
tui_type "lync-imp-tls"
tui_keys Enter
tui_wait_selected "lync-imp-tls "
tui_keys Enter
tui_wait "FQDN of the Lync pool (Registrar)   "
# A longer one is whole under the form when it is selected.
tui_keys Down
tui_wait "Local copy of the CA certification chain (.p7b) for fedwiz's checks"
tui_wait "(ca_chain_path): a file path."
tui_keys q
tui_wait "Quit fedwiz?"
tui_keys y
tui_expect_exit 0
exit 0
