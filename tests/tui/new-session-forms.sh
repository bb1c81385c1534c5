#!/bin/sh
# A new session through the wizard's forms, in a real terminal (tmux,
# 80x24): runbook picker, variables (a bad value refused with its reason,
# then fixed; a choice and a bool flipped; the form still drawn when the
# window shrinks), inventory (a host per role, a bad port and a taken name
# refused, a one-host role kept to one), start; the plan appears, and
# `fedwiz status --json` shows the answers and hosts the forms were given.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

command -v tmux >/dev/null || { echo "tmux is needed (./bootstrap installs it)"; exit 77; }

# tmux on a socket of this test's own; the wizard in window "w".
SOCK=fedwiz-forms-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; rm -rf "$T"; }
trap cleanup 0 INT TERM

screen() { tm capture-pane -p -t w; }
keys() { tm send-keys -t w "$@"; }
typed() { tm send-keys -t w -l "$1"; }
# wait_for TEXT / wait_gone TEXT: poll the screen until TEXT shows (goes),
# for at most TUI_WAIT tenths of a second (a bound, not a timing check).
TUI_WAIT=${TUI_WAIT:-150}
wait_for() {
	_w=0
	until screen | grep -F -q -- "$1"; do
		_w=$((_w + 1))
		if [ $_w -ge "$TUI_WAIT" ]; then
			echo "--- screen"; screen
			fail "the screen never showed: $1"
		fi
		sleep 0.1
	done
}
wait_gone() {
	_w=0
	while screen | grep -F -q -- "$1"; do
		_w=$((_w + 1))
		if [ $_w -ge "$TUI_WAIT" ]; then
			echo "--- screen"; screen
			fail "the screen kept showing: $1"
		fi
		sleep 0.1
	done
}

rb="$FEDWIZ_SRCDIR/tests/data/tui"
db="$T/wizard.db"
tm new-session -d -s w -x 80 -y 24 "env LANG=C.UTF-8 FEDWIZ_OPERATOR=tester \
    '$FEDWIZ' --runbooks '$rb' --state '$db'; echo \$? >'$T/rc'"

# The runbook picker, then its variables form.
wait_for "No session yet."
keys n
wait_for "new-session  "
keys Enter
wait_for "new-session: variables (F2 next, Esc back)"
wait_for "FQDN of the front-end pool"
wait_for "(no answer yet)"

# Nothing typed yet: F2 goes on, saying what has no answer (the session
# would start without it); Esc comes back to the form.
keys F2
wait_for "1 value has no answer yet (first: pool_fqdn)"
wait_for "hosts (a add, e edit, x delete, F2 start)"
keys Escape
wait_for "new-session: variables (F2 next, Esc back)"

# A bad value: its reason under the field as it is typed, refused on Enter.
typed "pool1..example.com"
wait_for "^ has an empty label"
keys Enter
wait_for "pool_fqdn not accepted: has an empty label"
# Fixed: accepted, the reason gone, the cursor on to the next field.
keys C-u
typed "pool1.example.com"
keys Enter
wait_gone "empty label"
screen | grep -q "FQDN of the front-end pool *pool1\.example\.com" ||
    fail "the accepted value is not shown: $(screen)"

# Smaller windows: what fits is drawn; too small says so; back again.
tm resize-window -t w -x 50 -y 12
wait_for "New session: new-session: variables (F2 next, E…"
tm resize-window -t w -x 20 -y 5
wait_for "30x6"
tm resize-window -t w -x 80 -y 24
wait_for "new-session: variables (F2 next, Esc back)"

# The choice and the bool cycle.
keys Down Right
wait_for "< tcp >"
keys Down Space
wait_for "< true >"

# On to the inventory.
keys C-s
wait_for "new-session: hosts (a add, e edit, x delete, F2 start)"
wait_for "fe: Front-end server [windows, one or more hosts]  no host yet"

# A front end: a port out of range is refused, then fixed.
keys a
wait_for "Add a host of Front-end server (fe)"
typed fe1
keys Tab
typed 192.0.2.10
keys Tab
typed admin
keys Tab
typed 70000
wait_for '^ "70000" is not a port (an integer 1-65535)'
keys F2
wait_for 'SSH port: "70000" is not a port'
keys BSpace BSpace BSpace BSpace BSpace
typed 2222
keys F2
wait_for "Host fe1 added to fe."
# A second one, saved with Ctrl-S.
keys a
wait_for "Add a host of Front-end server (fe)"
typed fe2
keys Tab
typed 192.0.2.11
keys C-s
wait_for "Host fe2 added to fe."

# The IM and Presence node: a name already taken is refused.
keys Down
keys a
wait_for "Add a host of IM and Presence node (imp)"
typed fe1
wait_for 'name "fe1" is taken by a host of fe'
keys C-u
typed imp1
keys Tab
typed imp1.example.com
keys Enter Enter Enter Enter Enter
wait_for "Host imp1 added to imp."
# That role takes one host; a delete is asked first.
keys a
wait_for "Role imp takes one host"
keys x
wait_for "Delete host imp1 from imp? (y/n)"
keys n
wait_for "Not deleted."
screen | grep -q "imp1 *imp1\.example\.com *(you) *22 *cisco-vos" ||
    fail "imp1 is not listed: $(screen)"

# Start: the plan, one instance per host.
keys F2
wait_for "Session 1 started."
wait_for "new-session forms: plan"
wait_for "Configure the IM and Presence node"
screen | grep -q "Configure the IM and Presence node *imp1" ||
    fail "no imp1 in the plan: $(screen)"
screen | grep -q "Configure each front end *fe2" || fail "no fe2 in the plan: $(screen)"

# Esc from the plan goes to the sessions, not into the finished forms.
keys Escape
wait_for "fedwiz: sessions"
keys q
wait_for "Quit fedwiz?"
keys y
_w=0
until [ -s "$T/rc" ]; do
	_w=$((_w + 1))
	[ $_w -lt "$TUI_WAIT" ] || fail "the wizard did not quit"
	sleep 0.1
done
[ "$(cat "$T/rc")" = 0 ] || fail "the wizard exited $(cat "$T/rc")"

# What the forms were given is what the session holds.
expect_exit 0 "$FEDWIZ" --runbooks "$rb" --state "$db" status --json
jq -e '.session.operator == "tester" and .session.runbook == "new-session"' \
    "$T/out" >/dev/null || fail "session: $(jq -c .session "$T/out")"
jq -e '.answers == { "pool_fqdn": "pool1.example.com", "sip_port": "5061",
    "transport": "tcp", "fips": "true" }' "$T/out" >/dev/null ||
    fail "answers: $(jq -c .answers "$T/out")"
# The fields the forms set (status --json may add others).
jq -e '[.hosts[] | {role, name, address, user, port, profile, identity, vars}] == [
    { "role": "fe", "name": "fe1", "address": "192.0.2.10", "user": "admin",
      "port": 2222, "profile": "windows", "identity": null, "vars": {} },
    { "role": "fe", "name": "fe2", "address": "192.0.2.11", "user": null,
      "port": 22, "profile": "windows", "identity": null, "vars": {} },
    { "role": "imp", "name": "imp1", "address": "imp1.example.com",
      "user": null, "port": 22, "profile": "cisco-vos", "identity": null,
      "vars": {} } ]' \
    "$T/out" >/dev/null || fail "hosts: $(jq -c .hosts "$T/out")"
exit 0
