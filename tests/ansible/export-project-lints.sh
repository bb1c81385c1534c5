#!/bin/sh
# fedwiz export ansible writes a private Ansible project that passes
# ansible-playbook --syntax-check and ansible-lint (offline, production
# profile, strict: no warning either), with nothing of it written through
# a link or into a folder that has something in it; what it cannot export
# is refused with the reason; and the playbook stops a site whose jump
# host has no fedwiz, or another version, saying so before anything is
# copied there.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
# Only for its cleanup and reaper: this test starts no sshd.
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ansible/lib.sh"

export FEDWIZ_STATE="$T/db"
mkdir -p "$T/jump-emea" "$T/jump-apac"
# Jump hosts that are never reached: the play runs locally below.
write "$T/a.yaml" <<EOF
runbook: handoff-estate
vars: { sip_domain: example.com, missing_word: absent }
sites:
  emea: { address: 192.0.2.1, user: ops, port: 2222, fedwiz: /nonexistent/fedwiz, workdir: $T/jump-emea }
  apac: { address: jump-apac.example.com, fedwiz: $T/old-fedwiz, workdir: $T/jump-apac, known_hosts: /etc/fedwiz/known_hosts, identity: /etc/fedwiz/id_ed25519 }
  spare: { address: 192.0.2.9 }
hosts:
  node:
    - { name: n1, address: 192.0.2.10, site: emea, vars: { node_label: n1 } }
    - { name: n2, address: 192.0.2.11, site: apac, vars: { node_label: n2 } }
    - { name: n3, address: 192.0.2.12, vars: { node_label: n3 } }
EOF
expect_exit 0 "$FEDWIZ" start handoff-estate --answers "$T/a.yaml"
sid=$(cat "$T/out")
expect_exit 0 "$FEDWIZ" export ansible handoff-estate --session "$sid" -o "$T/proj"
grep -q "site spare has no hosts; its jump host is left out" "$T/err" || fail "spare: $(cat "$T/err")"
grep -q "1 host reached directly: fedwiz check" "$T/out" || fail "export: $(cat "$T/out")"

# Private: the folders 0700, every file 0600.
[ "$(stat -c %a "$T/proj")" = 700 ] || fail "the project is $(stat -c %a "$T/proj")"
bad=$(find "$T/proj" \( -type d ! -perm 700 \) -o \( -type f ! -perm 600 \))
[ -z "$bad" ] || fail "not private: $bad"
for f in README.md ansible.cfg inventory.yml playbook.yml .ansible-lint \
    sites/emea/manifest.yaml sites/apac/manifest.yaml; do
	[ -f "$T/proj/$f" ] || fail "no $f"
done
[ ! -e "$T/proj/sites/spare" ] && [ -d "$T/proj/results" ] || fail "sites: $(ls "$T/proj/sites")"
# Each site's key is in its manifest and nowhere else.
for s in emea apac; do
	k=$(sed -n 's/^key: //p' "$T/proj/sites/$s/manifest.yaml")
	[ ${#k} -eq 64 ] || fail "$s: no key in its manifest"
	[ "$(grep -rl "$k" "$T/proj" "$T/db" | wc -l)" -eq 1 ] ||
	    fail "$s's key is elsewhere too: $(grep -rl "$k" "$T/proj" "$T/db")"
done
grep -q '^        apac:$' "$T/proj/inventory.yml" && grep -q '"/etc/fedwiz/known_hosts"' \
    "$T/proj/inventory.yml" || fail "inventory: $(cat "$T/proj/inventory.yml")"
grep -q 'n1' "$T/proj/sites/emea/manifest.yaml" && ! grep -q '"n2"\|"n3"' \
    "$T/proj/sites/emea/manifest.yaml" || fail "emea's share holds other sites' hosts"

(cd "$T/proj" && HOME="$ANSIBLE_HOME_DIR" ansible-playbook --syntax-check playbook.yml) \
    >"$T/syntax.out" 2>&1 || { cat "$T/syntax.out"; fail "syntax-check"; }
if command -v ansible-lint >/dev/null; then
	# Offline: no requirement installed, no schema fetched.
	(cd "$T/proj" && HOME="$ANSIBLE_HOME_DIR" XDG_CACHE_HOME="$T/cache" \
	    timeout 300 ansible-lint --offline --strict --profile production -p --nocolor) \
	    >"$T/lint.out" 2>&1 || { cat "$T/lint.out"; fail "ansible-lint"; }
	! grep -q 'playbook.yml:\|inventory.yml:\|ansible.cfg:' "$T/lint.out" &&
	    grep -q ' 0 failure(s), 0 warning(s) on [1-9]' "$T/lint.out" ||
	    { cat "$T/lint.out"; fail "ansible-lint has something to say"; }
else
	echo "ansible-lint is not installed (Debian ansible-lint): the lint is not checked" >&2
fi

# What import refuses before it reads a thing: a file that is not there
# (said of the file, not of a line of it), or results bound to no export.
expect_exit 2 "$FEDWIZ" import "$T/nope.json" --session "$sid"
grep -q "^$T/nope.json: cannot read: No such file" "$T/err" || fail "a missing file: $(cat "$T/err")"
echo '{ "runbook": "handoff-estate", "export": null, "checks": [] }' >"$T/plain.json"
expect_exit 2 "$FEDWIZ" import "$T/plain.json" --session "$sid"
grep -q "plain.json:1:[0-9]*: these results are bound to no export" "$T/err" ||
    fail "results bound to no export: $(cat "$T/err")"

# What export refuses, each with its reason.
expect_exit 2 "$FEDWIZ" export ansible handoff-estate --session "$sid" -o "$T/proj"
grep -q "the folder is not empty" "$T/err" || fail "a used folder: $(cat "$T/err")"
ln -s "$T/empty" "$T/link"
mkdir "$T/empty"
expect_exit 2 "$FEDWIZ" export ansible handoff-estate --session "$sid" -o "$T/link"
grep -q "is a symbolic link; fedwiz writes into no folder through a link" "$T/err" ||
    fail "a link: $(cat "$T/err")"
[ -z "$(ls -A "$T/empty")" ] || fail "something was written through the link"
expect_exit 2 "$FEDWIZ" export ansible handoff-estate --session "$sid"
grep -q "give the folder to write the project into: -o DIR" "$T/err" || fail "no -o: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" export ansible handoff-estate --session "$sid" -o "$T/p2" --kind sshh
grep -q '"sshh" is not a kind of check' "$T/err" || fail "--kind: $(cat "$T/err")"
write "$T/nosites.yaml" <<EOF
runbook: handoff-estate
hosts: { node: [ { name: n1, address: 192.0.2.10 } ] }
EOF
expect_exit 2 "$FEDWIZ" export ansible handoff-estate --answers "$T/nosites.yaml" -o "$T/p3"
grep -q "no host names a site" "$T/err" || fail "no sites: $(cat "$T/err")"
[ ! -e "$T/p3" ] || fail "a project was written with no site in it"
sed 's/user: ops/user: "o{{lookup(\x27pipe\x27,\x27id\x27)}}"/' "$T/a.yaml" >"$T/tmpl.yaml"
chmod 600 "$T/tmpl.yaml"
expect_exit 2 "$FEDWIZ" export ansible handoff-estate --answers "$T/tmpl.yaml" -o "$T/p4"
grep -q "site emea: user .* holds \"{{\", which Ansible would run as a template" "$T/err" ||
    fail "a template in a value: $(cat "$T/err")"
# A record edited behind fedwiz's back: a host's site without its jump
# host. Refused, not left out.
if command -v sqlite3 >/dev/null; then
	sqlite3 "$T/db" ".backup $T/db2"
	sqlite3 "$T/db2" "DELETE FROM sites WHERE name = 'apac'"
	expect_exit 2 "$FEDWIZ" --state "$T/db2" export ansible handoff-estate --session "$sid" -o "$T/p5"
	grep -q "host n2 names site apac, which has no jump host in the answers" "$T/err" ||
	    fail "a site gone from the record: $(cat "$T/err")"
fi
sed 's/site: apac/site: apca/' "$T/a.yaml" >"$T/typo.yaml"
chmod 600 "$T/typo.yaml"
expect_exit 2 "$FEDWIZ" start handoff-estate --answers "$T/typo.yaml"
grep -q "typo.yaml:10:[0-9]*: site \"apca\" is not one of the sites: emea, apac, spare; did you mean \"apac\"?" \
    "$T/err" || fail "an unknown site: $(cat "$T/err")"

# A jump host with no fedwiz, or another version: stopped, and said.
# (ansible_connection=local: the check of the version is what is tested
# here; tests/ansible/handoff-two-sites.sh goes over SSH.)
printf '#!/bin/sh\necho "fedwiz 0.0.1"\n' >"$T/old-fedwiz"
chmod 755 "$T/old-fedwiz"
if ansible_run "$T/proj" -e ansible_connection=local -e ansible_python_interpreter=/usr/bin/python3; then
	cat "$T/play.out"
	fail "the play went on with the wrong fedwiz"
fi
v=$("$FEDWIZ" --version | sed 's/^fedwiz //')
tr -s ' \n' ' ' <"$T/play.out" >"$T/play.flat"
grep -q "Site emea needs fedwiz $v at /nonexistent/fedwiz on its jump host 192.0.2.1: the results are bound to the version that exported them. It has: .*No such file" \
    "$T/play.flat" || { cat "$T/play.out"; fail "emea's missing fedwiz is not said"; }
grep -q "Site apac needs fedwiz $v at $T/old-fedwiz .* It has: fedwiz 0.0.1\." "$T/play.flat" ||
    { cat "$T/play.out"; fail "apac's old fedwiz is not said"; }
[ -z "$(ls -A "$T/jump-emea" "$T/jump-apac" | grep -v ':$' | grep .)" ] ||
    fail "something was copied to a jump host with the wrong fedwiz"
[ -z "$(ls -A "$T/proj/results")" ] || fail "results came back"

# Secrets from Ansible's vars reach fedwiz in its environment only, and
# never Ansible's output, even when fedwiz refuses to run: then the play
# says fedwiz's own reason (its stderr), and fails.
cat >"$T/old-fedwiz" <<EOS
#!/bin/sh
[ "\$1" = --version ] && { echo "fedwiz $v"; exit 0; }
env | grep '^FEDWIZ_' >"$T/seen-env"
echo "fedwiz: refused for the test" >&2
exit 2
EOS
chmod 755 "$T/old-fedwiz"
if ansible_run "$T/proj" -e ansible_connection=local -e ansible_python_interpreter=/usr/bin/python3 \
    -e fedwiz_password=s3cret-pw-42 -e fedwiz_enable_secret=en-s3cret-42 --limit apac; then
	cat "$T/play.out"
	fail "the play went on without results"
fi
grep -qx "FEDWIZ_PASSWORD=s3cret-pw-42" "$T/seen-env" && grep -qx "FEDWIZ_ENABLE_SECRET=en-s3cret-42" \
    "$T/seen-env" || fail "the secrets did not reach fedwiz: $(cat "$T/seen-env" 2>/dev/null)"
! grep -q "s3cret-pw-42\|en-s3cret-42" "$T/play.out" || { cat "$T/play.out"; fail "a secret is in Ansible's output"; }
grep -q "apac: fedwiz: refused for the test" "$T/play.out" || { cat "$T/play.out"; fail "fedwiz's reason is not said"; }
[ -z "$(ls -A "$T/jump-apac")" ] || fail "the hand-off folder stayed on the jump host: $(ls -A "$T/jump-apac")"
