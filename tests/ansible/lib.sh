# lib.sh: sourced by the Ansible hand-off tests (and bench/ansible.sh),
# after tests/cli/lib.sh and tests/ssh/lib.sh. Ansible from Debian's
# ansible-core, run with nothing from the user's own configuration: its
# home, temporary folders and SSH options in $T.
#
#   ansible_keys                 host keys and $T/id_ed25519 (not the
#                                slow RSA user key ssh_keys makes)
#   ansible_jump NAME            an sshd on 127.0.0.1 that runs what it is
#                                asked (a jump host for Ansible); SSH_PORT
#   ansible_known_hosts PORT...  the jump hosts' keys, for Ansible's ssh
#   ansible_answers OUT SITES... answers for the test runbook
#                                (tests/ansible/data): each SITE is
#                                NAME:JUMPPORT:NHOSTS:DEVPORT
#   ansible_run DIR [ARGS...]    ansible-playbook playbook.yml in DIR,
#                                bounded (ANSIBLE_TEST_TIMEOUT, 300 s)
#
# FEDWIZ_RUNBOOKS is the test runbook's folder.
#
# Environment: the test's own HOME for Ansible (its ~/.ansible), its temp
# folders on both sides in $T, host keys checked strictly against
# $T/ansible_known_hosts with the test key, no ssh_config, no agent.

command -v ansible-playbook >/dev/null ||
	{ echo "SKIP: ansible-playbook is needed (Debian ansible-core; ./bootstrap installs it)"; exit 77; }

FEDWIZ_RUNBOOKS="$FEDWIZ_SRCDIR/tests/ansible/data"
export FEDWIZ_RUNBOOKS
mkdir -p "$T/ansible-home" "$T/ansible-tmp" "$T/ansible-rtmp"
ANSIBLE_HOME_DIR="$T/ansible-home"
export ANSIBLE_LOCAL_TEMP="$T/ansible-tmp"
export ANSIBLE_REMOTE_TEMP="$T/ansible-rtmp"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_COLLECTIONS_PATH="$T/ansible-home/collections"
export ANSIBLE_GALAXY_CACHE_DIR="$T/ansible-home/galaxy"
# One SSH connection per jump host for the whole play (ControlPersist),
# its socket in $T; the reaper ends the master with the rest.
export ANSIBLE_SSH_ARGS="-F /dev/null -i $T/id_ed25519 -o IdentitiesOnly=yes \
-o IdentityAgent=none -o UserKnownHostsFile=$T/ansible_known_hosts \
-o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
-o BatchMode=yes -o ConnectTimeout=10 -o ControlMaster=auto \
-o ControlPersist=60s -o ControlPath=$T/cm-%C \
-o KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org"

# ansible_keys: the keys these tests need, without the RSA user key and
# the passphrase key ssh_keys also makes (RSA takes seconds on a busy
# machine): host keys (sshd's config names all three), id_ed25519.
ansible_keys() {
	local t
	for t in ed25519 ecdsa; do
		ssh-keygen -q -t $t -N '' -C "fedwiz test host $t" \
		    -f "$T/ssh_host_${t}_key" || fail "ssh-keygen host $t"
	done
	ssh-keygen -q -t rsa -b 2048 -N '' -C "fedwiz test host rsa" \
	    -f "$T/ssh_host_rsa_key" || fail "ssh-keygen host rsa"
	ssh-keygen -q -t ed25519 -N '' -C fedwiz-test -f "$T/id_ed25519" ||
	    fail "ssh-keygen user key"
	cp "$T/id_ed25519.pub" "$T/authorized_keys"
	chmod 600 "$T/authorized_keys"
	mkdir -p "$T/fx"
	SSH_KEYS_DONE=1
}

# A jump host: sshd on 127.0.0.1 whose sessions run the command they are
# given (ForceCommand none wins over the harness's, as sshd takes the
# first value of a keyword), so Ansible's modules and sftp work.
ansible_jump() {
	ssh_start "$1" auto fx-linux "ForceCommand none"
}

ansible_known_hosts() {
	ssh_known_hosts "$T/ansible_known_hosts" "$@"
}

# ansible_answers OUT NAME:JUMP:N:DEV...: answers for the test runbook
# tests/ansible/data/handoff-estate.yaml, a site per argument reached
# through the jump host at port JUMP, with N nodes (NAME-n1...) on the
# fx-linux sshd at port DEV. The sites' fedwiz is this build's, with
# known_hosts $T/kh and key $T/id_ed25519; each one's workdir is
# $T/jump-NAME (made here: a site's workdir is a folder that exists).
ansible_answers() {
	local out spec name jump n dev i u
	out=$1
	shift
	u=$(id -un)
	printf 'runbook: handoff-estate\nvars: { sip_domain: example.com, missing_word: absent }\nsites:\n' >"$out.tmp"
	for spec in "$@"; do
		IFS=: read -r name jump n dev <<EOS
$spec
EOS
		printf '  %s: { address: 127.0.0.1, port: %s, user: %s, fedwiz: %s, workdir: %s, known_hosts: %s, identity: %s }\n' \
		    "$name" "$jump" "$u" "$FEDWIZ" "$T/jump-$name" "$T/kh" "$T/id_ed25519" >>"$out.tmp"
		mkdir -p -m 700 "$T/jump-$name"
	done
	printf 'hosts:\n  node:\n' >>"$out.tmp"
	for spec in "$@"; do
		IFS=: read -r name jump n dev <<EOS
$spec
EOS
		i=1
		while [ "$i" -le "$n" ]; do
			printf '    - { name: %s-n%d, address: 127.0.0.1, port: %s, user: %s, site: %s, vars: { node_label: %s-n%d } }\n' \
			    "$name" "$i" "$dev" "$u" "$name" "$name" "$i" >>"$out.tmp"
			i=$((i + 1))
		done
	done
	chmod 600 "$out.tmp"
	mv "$out.tmp" "$out"
}

# ansible_run DIR [ARGS...]: the exported playbook, as an operator runs
# it (from the project's folder, so its ansible.cfg applies); output in
# $T/play.out, exit status returned.
ansible_run() {
	local dir rc
	dir=$1
	shift
	set +e
	(cd "$dir" && HOME="$ANSIBLE_HOME_DIR" timeout -k 5 "${ANSIBLE_TEST_TIMEOUT:-300}" \
	    ansible-playbook playbook.yml "$@") >"$T/play.out" 2>&1
	rc=$?
	set -e
	return $rc
}
