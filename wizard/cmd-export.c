/*
 * cmd-export.c: fedwiz export ansible RUNBOOK (--session N | --answers F)
 * -o DIR: hand the checks of hosts reached through jump hosts (sites) to
 * Ansible. DIR becomes an Ansible project: an inventory of the sites'
 * jump hosts, a playbook that copies each site its runbook, its slice of
 * the answers and its manifest, runs `fedwiz check --json --manifest`
 * there and fetches the results into DIR/results, and a README. Nothing
 * secret goes in: passwords come from Ansible's vault or the jump host's
 * own agent and keys (the README says where). `fedwiz import` takes the
 * results back (cmd-import.c); handoff.h says how they are bound.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "catalog.h"
#include "cli.h"
#include "fileio.h"
#include "handoff.h"
#include "runbook.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	export_ansible(struct cli *, int, char **);

static const struct cmd_entry cmd_export_ansible_entry = {
	.name = "ansible",
	.args = "RUNBOOK",
	.summary = "write an Ansible project that runs the checks of each "
	    "site's hosts on its jump host and fetches the results back "
	    "(fedwiz import records them)",
	.opts = "session answers set operator kind output!",
	.min_args = 1,
	.max_args = 1,
	.exec = export_ansible,
};

static const struct cmd_entry *const export_commands[] = {
	&cmd_export_ansible_entry,
	NULL
};

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.args = "",
	.summary = "hand the checks to another tool",
	.sub = export_commands,
};

/* What one site's share of the export is. */
struct share {
	const struct site	*site;
	size_t			 nhosts;
	char			*jump;		/* [user@]address[:port] */
	struct store_export	 rec;
	struct handoff_manifest	 man;
	char			 pub[HANDOFF_KEY_HEX];
};

struct export {
	struct cli		*cli;
	const struct runbook	*rb;
	const struct answers	*ans;
	const char		*text;		/* the runbook's bytes */
	size_t			 textlen;
	int64_t			 session;	/* 0: from an answers file */
	struct share		*v;
	size_t			 n;
	size_t			 direct;	/* hosts with no site */
	const char		*dir;
	int			 dfd;
};

/* Double-quoted YAML; the values were validated, quotes are belt and
 * braces. */
static void
yq(struct buf *b, const char *s)
{
	const unsigned char	*p;

	buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		if (*p < 0x20)
			buf_printf(b, "\\x%02x", *p);
		else
			buf_addc(b, (char)*p);
	}
	buf_addc(b, '"');
}

/*
 * Ansible templates every string of an inventory: a value with "{{",
 * "{%" or "{#" in it would run as Jinja on the controller. None of a
 * site's values has a reason to.
 */
static int
untemplated(const char *site, const char *field, const char *v,
    struct diags *d)
{
	const char	*p;

	for (p = v; v != NULL && (p = strchr(p, '{')) != NULL; p++)
		if (p[1] == '{' || p[1] == '%' || p[1] == '#') {
			diags_add(d, "sites", 0, 0, "site %s: %s \"%s\" holds "
			    "\"%.2s\", which Ansible would run as a template; "
			    "give it without", site, field, v, p);
			return -1;
		}
	return 0;
}

static char *
jump_of(const struct site *x)
{
	int	v6 = strchr(x->address, ':') != NULL;

	return xasprintf("%s%s%s%s%s:%d", x->user ? x->user : "", x->user ?
	    "@" : "", v6 ? "[" : "", x->address, v6 ? "]" : "", x->port > 0 ?
	    x->port : 22);
}

/* The sites that have hosts, in the order the answers list them. */
static int
shares(struct export *e, struct diags *d)
{
	const struct role_hosts	*rh;
	const struct site	*x;
	size_t			 i, r, k, used = 0;
	int			 rc = 0;

	e->v = xcalloc(e->ans->nsites + 1, sizeof(*e->v));
	for (r = 0; r < e->ans->nroles; r++) {
		rh = &e->ans->roles[r];
		for (k = 0; k < rh->n; k++)
			if (rh->hosts[k].site == NULL)
				e->direct++;
			else if (answers_site(e->ans, rh->hosts[k].site) ==
			    NULL) {
				/* A file is checked when it is read; a record
				 * edited since might not be. */
				diags_add(d, "export ansible", 0, 0, "host %s "
				    "names site %s, which has no jump host in "
				    "the answers", rh->hosts[k].name,
				    rh->hosts[k].site);
				rc = -1;
			}
	}
	for (i = 0; i < e->ans->nsites; i++) {
		x = &e->ans->sites[i];
		e->v[e->n].site = x;
		for (r = 0; r < e->ans->nroles; r++) {
			rh = &e->ans->roles[r];
			for (k = 0; k < rh->n; k++)
				if (rh->hosts[k].site != NULL &&
				    strcmp(rh->hosts[k].site, x->name) == 0)
					e->v[e->n].nhosts++;
		}
		if (e->v[e->n].nhosts == 0) {
			fprintf(stderr, "fedwiz: site %s has no hosts; its "
			    "jump host is left out\n", x->name);
			continue;
		}
		if (untemplated(x->name, "address", x->address, d) == -1 ||
		    untemplated(x->name, "user", x->user, d) == -1 ||
		    untemplated(x->name, "fedwiz", x->fedwiz, d) == -1 ||
		    untemplated(x->name, "workdir", x->workdir, d) == -1 ||
		    untemplated(x->name, "known_hosts", x->known_hosts,
		    d) == -1 ||
		    untemplated(x->name, "identity", x->identity, d) == -1)
			rc = -1;
		e->v[e->n].jump = jump_of(x);
		e->n++;
		used++;
	}
	if (rc == 0 && used == 0) {
		diags_add(d, e->cli->session ? "--session" : e->cli->answers, 0,
		    0, "no host names a site: the hand-off is for hosts "
		    "reached through a jump host (a sites: map in the answers "
		    "file, and site: NAME on each such host); check the "
		    "others directly with fedwiz check");
		rc = -1;
	}
	return rc;
}

/* Keys, nonces and digests; the exports recorded (not yet committed). */
static int
bind_shares(struct export *e, struct store *st, struct diags *d)
{
	struct share	*sh;
	size_t		 i;
	int		 rc;

	for (i = 0; i < e->n; i++) {
		sh = &e->v[i];
		sh->man.format = HANDOFF_FORMAT;
		sh->man.fedwiz = xstrdup(PACKAGE_VERSION);
		sh->man.session = e->session;
		sh->man.runbook = xstrdup(e->rb->id);
		memcpy(sh->man.runbook_sha256, e->rb->hash, 65);
		sh->man.site = xstrdup(sh->site->name);
		sh->man.jump = xstrdup(sh->jump);
		handoff_answers_digest(e->rb, e->ans, sh->site->name,
		    sh->man.answers_sha256);
		sh->man.answers = handoff_answers_text(e->rb, e->ans,
		    sh->site->name);
		sh->man.runbook_text = xmalloc(e->textlen + 1);
		memcpy(sh->man.runbook_text, e->text, e->textlen);
		sh->man.runbook_text[e->textlen] = '\0';
		sh->man.runbook_len = e->textlen;
		if (handoff_random_hex(sh->man.nonce, 16, d) == -1 ||
		    handoff_keygen(sh->man.key, sh->pub, d) == -1)
			return STORE_EENV;
		sh->rec.session = e->session;
		sh->rec.runbook_id = (char *)(uintptr_t)e->rb->id;
		sh->rec.runbook_hash = (char *)(uintptr_t)e->rb->hash;
		sh->rec.site = (char *)(uintptr_t)sh->site->name;
		sh->rec.jump = sh->jump;
		sh->rec.answers_sha256 = sh->man.answers_sha256;
		sh->rec.nonce = sh->man.nonce;
		sh->rec.pubkey = sh->pub;
		sh->rec.at = store_now();
		if ((rc = store_export_add(st, &sh->rec,
		    session_operator(e->cli->operator), d)) != STORE_OK)
			return rc;
		sh->man.export_id = sh->rec.id;
	}
	return STORE_OK;
}

/* inventory.yml: one inventory host per site, its jump host. */
static char *
inventory(const struct export *e)
{
	const struct share	*sh;
	const struct site	*x;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	buf_printf(&b, "---\n# Written by fedwiz export ansible: one inventory "
	    "host per site, its jump\n# host. Each runs fedwiz check for the "
	    "hosts of its site.\nall:\n  children:\n    fedwiz_sites:\n"
	    "      vars:\n        fedwiz_version: ");
	yq(&b, PACKAGE_VERSION);
	buf_adds(&b, "\n        fedwiz_runbook: ");
	yq(&b, e->rb->id);
	buf_adds(&b, "\n      hosts:\n");
	for (i = 0; i < e->n; i++) {
		sh = &e->v[i];
		x = sh->site;
		buf_printf(&b, "        %s:\n"
		    "          # %zu host%s of site %s\n"
		    "          ansible_host: ", x->name, sh->nhosts,
		    sh->nhosts == 1 ? "" : "s", x->name);
		yq(&b, x->address);
		buf_printf(&b, "\n          ansible_port: %d\n", x->port > 0 ?
		    x->port : 22);
		if (x->user != NULL) {
			buf_adds(&b, "          ansible_user: ");
			yq(&b, x->user);
			buf_addc(&b, '\n');
		}
		buf_adds(&b, "          fedwiz_bin: ");
		yq(&b, x->fedwiz != NULL ? x->fedwiz : "fedwiz");
		if (x->workdir != NULL) {
			buf_adds(&b, "\n          fedwiz_workdir: ");
			yq(&b, x->workdir);
		}
		buf_printf(&b, "\n          fedwiz_export: %lld\n"
		    "          fedwiz_check_args:\n", (long long)sh->rec.id);
		buf_adds(&b, "            - check\n            - ");
		yq(&b, e->rb->id);
		buf_adds(&b, "\n"
		    "            - --manifest\n"
		    "            - manifest.yaml\n"
		    "            - --json\n"
		    "            - -o\n"
		    "            - results.json\n");
		if (e->cli->kind != NULL) {
			buf_adds(&b, "            - --kind\n"
			    "            - ");
			yq(&b, e->cli->kind);
			buf_addc(&b, '\n');
		}
		if (x->known_hosts != NULL) {
			buf_adds(&b, "            - --known-hosts\n"
			    "            - ");
			yq(&b, x->known_hosts);
			buf_addc(&b, '\n');
		}
		if (x->identity != NULL) {
			buf_adds(&b, "            - --identity\n"
			    "            - ");
			yq(&b, x->identity);
			buf_addc(&b, '\n');
		}
	}
	return buf_steal(&b);
}

/* playbook.yml: the same for every export; the inventory says the rest. */
static char *
playbook(const struct export *e)
{
	struct buf	b;

	buf_init(&b);
	buf_printf(&b, "---\n"
"# Written by fedwiz export ansible for %s%lld (runbook %s). On each\n"
"# site's jump host, fedwiz checks that site's hosts; the signed results\n"
"# come back to results/SITE.json for fedwiz import. README.md says more.\n"
"- name: Run fedwiz checks on each site's jump host\n"
"  hosts: fedwiz_sites\n"
"  gather_facts: false\n"
"  vars:\n"
"    fedwiz_share: \"{{ playbook_dir }}/sites/{{ inventory_hostname }}/"
"manifest.yaml\"\n"
"    fedwiz_results: \"{{ playbook_dir }}/results/{{ inventory_hostname }}"
".json\"\n"
"    # Secrets reach fedwiz through its environment only, from Ansible's\n"
"    # vault (README.md): never a file, never a log line.\n"
"    fedwiz_secrets: >-\n"
"      {{ ({'FEDWIZ_PASSWORD': fedwiz_password} if fedwiz_password is "
"defined else {})\n"
"      | combine({'FEDWIZ_PASSPHRASE': fedwiz_passphrase} if "
"fedwiz_passphrase is defined else {})\n"
"      | combine({'FEDWIZ_ENABLE_SECRET': fedwiz_enable_secret} if "
"fedwiz_enable_secret is defined else {}) }}\n"
"  tasks:\n"
"    - name: Ask the jump host's fedwiz for its version\n"
"      ansible.builtin.command:\n"
"        argv:\n"
"          - \"{{ fedwiz_bin }}\"\n"
"          - --version\n"
"      register: fedwiz_there\n"
"      changed_when: false\n"
"      failed_when: false\n"
"\n"
"    - name: Require the fedwiz version that exported this project\n"
"      ansible.builtin.assert:\n"
"        that:\n"
"          - fedwiz_there.rc == 0\n"
"          - fedwiz_there.stdout == 'fedwiz ' ~ fedwiz_version\n"
"        fail_msg: >-\n"
"          Site {{ inventory_hostname }} needs fedwiz {{ fedwiz_version }}"
" at\n"
"          {{ fedwiz_bin }} on its jump host {{ ansible_host }}: the "
"results are\n"
"          bound to the version that exported them. It has: {{\n"
"          fedwiz_there.stdout | default('', true) or fedwiz_there.msg |\n"
"          default('nothing') }}. Install fedwiz {{ fedwiz_version }} "
"there, or\n"
"          name its path (fedwiz: in the site's entry of the answers "
"file)\n"
"          and export again.\n"
"        success_msg: \"{{ inventory_hostname }}: fedwiz {{ fedwiz_version"
" }}\"\n"
"\n"
"    - name: Check the site's hosts from its jump host\n"
"      block:\n"
"        - name: Make a private folder for the hand-off\n"
"          ansible.builtin.tempfile:\n"
"            state: directory\n"
"            path: \"{{ fedwiz_workdir | default(omit) }}\"\n"
"            prefix: \"fedwiz-export-{{ fedwiz_export }}.\"\n"
"          register: fedwiz_tmp\n"
"\n"
"        - name: Copy the site's share (runbook, answers, key) there\n"
"          ansible.builtin.copy:\n"
"            src: \"{{ fedwiz_share }}\"\n"
"            dest: \"{{ fedwiz_tmp.path }}/manifest.yaml\"\n"
"            mode: \"0600\"\n"
"\n"
"        - name: Run fedwiz check for the site's hosts\n"
"          ansible.builtin.command:\n"
"            argv: \"{{ [fedwiz_bin] + fedwiz_check_args }}\"\n"
"            chdir: \"{{ fedwiz_tmp.path }}\"\n"
"          environment: \"{{ fedwiz_secrets }}\"\n"
"          register: fedwiz_check\n"
"          # Checks only look: nothing on the devices changes. Exit 1 (a\n"
"          # check failed), 3 (a host could not be checked) and 2 (a check\n"
"          # lacked a value) come with results; when fedwiz refused to\n"
"          # run at all (2 too), there are none: the fetch fails and the\n"
"          # rescue shows fedwiz's reason.\n"
"          changed_when: false\n"
"          failed_when: fedwiz_check.rc not in [0, 1, 2, 3]\n"
"          no_log: \"{{ fedwiz_secrets | length > 0 }}\"\n"
"\n"
"        - name: Fetch the results\n"
"          ansible.builtin.fetch:\n"
"            src: \"{{ fedwiz_tmp.path }}/results.json\"\n"
"            dest: \"{{ fedwiz_results }}\"\n"
"            flat: true\n"
"\n"
"        - name: Say what the site's checks found\n"
"          ansible.builtin.debug:\n"
"            msg: >-\n"
"              {{ inventory_hostname }}: {{ fedwiz_summary.pass }} pass,\n"
"              {{ fedwiz_summary.fail }} fail, {{ fedwiz_summary.error }} "
"could not run\n"
"              (fedwiz import {{ fedwiz_results }})\n"
"          vars:\n"
"            fedwiz_summary: \"{{ (lookup('ansible.builtin.file', "
"fedwiz_results) | from_json).summary }}\"\n"
"\n"
"      rescue:\n"
"        - name: Say why the site could not be checked\n"
"          ansible.builtin.fail:\n"
"            msg: >-\n"
"              {{ inventory_hostname }}: {{ (fedwiz_check.stderr | "
"default('', true))\n"
"              or ansible_failed_result.msg | default('failed') }}\n"
"\n"
"      always:\n"
"        - name: Remove the hand-off folder (the manifest holds a key)\n"
"          ansible.builtin.file:\n"
"            path: \"{{ fedwiz_tmp.path }}\"\n"
"            state: absent\n"
"          when: fedwiz_tmp.path is defined\n",
	    e->session > 0 ? "session " : "answers, export ", e->session > 0 ?
	    (long long)e->session : (long long)e->v[0].rec.id, e->rb->id);
	return buf_steal(&b);
}

static char *
readme(const struct export *e)
{
	const struct share	*sh;
	struct buf		 b;
	size_t			 i;
	char			 sess[64];

	if (e->session > 0)
		snprintf(sess, sizeof(sess), "--session %lld",
		    (long long)e->session);
	else
		snprintf(sess, sizeof(sess), "--session N");
	buf_init(&b);
	buf_printf(&b, "# fedwiz hand-off to Ansible: %s\n\n"
	    "Written by `fedwiz export ansible` (fedwiz %s) for %s%s.\nThe "
	    "checks of runbook `%s` (sha256 `%.16s...`) for the hosts\nbelow "
	    "run on each site's jump host, where fedwiz reaches them; the "
	    "results\ncome back here and `fedwiz import` records them in the "
	    "session, marked with\nthe site and jump host they came through."
	    "\n\n",
	    e->rb->id, PACKAGE_VERSION, e->session > 0 ? "session " :
	    "an answers file", e->session > 0 ? sess + 10 : "", e->rb->id,
	    e->rb->hash);
	buf_adds(&b, "| site | jump host | hosts | export |\n"
	    "| --- | --- | --- | --- |\n");
	for (i = 0; i < e->n; i++) {
		sh = &e->v[i];
		buf_printf(&b, "| %s | %s | %zu | %lld |\n", sh->site->name,
		    sh->jump, sh->nhosts, (long long)sh->rec.id);
	}
	if (e->direct > 0)
		buf_printf(&b, "\n%zu host%s name%s no site: fedwiz checks %s "
		    "directly (`fedwiz check`).\n", e->direct, e->direct == 1 ?
		    "" : "s", e->direct == 1 ? "s" : "", e->direct == 1 ? "it" :
		    "them");
	buf_printf(&b, "\n## Run it\n\n"
"In this folder (its ansible.cfg names the inventory), then on the "
"console that\nexported it:\n\n"
"```sh\n"
"ansible-playbook playbook.yml\n"
"fedwiz import results/*.json %s\n"
"```\n\n"
"Each jump host needs:\n\n"
"- **fedwiz %s**, at the path the inventory names (`fedwiz_bin`: the "
"site's\n"
"  `fedwiz:` in the answers file, else `fedwiz` on the PATH). The "
"playbook asks\n"
"  its version first and stops that site, saying so, if it is another: "
"the\n"
"  results are bound to the version that exported them.\n"
"- SSH from here (Ansible's own: the inventory's `ansible_host`, "
"`ansible_port`,\n"
"  `ansible_user`), and Python for Ansible's modules.\n"
"- The host keys of its site's hosts in fedwiz's known_hosts there (the "
"site's\n"
"  `known_hosts:`, else `~/.ssh/known_hosts` of its user). fedwiz refuses "
"an\n"
"  unknown key with its fingerprint, as everywhere.\n\n"
"For each site the playbook copies `sites/SITE/manifest.yaml` (the site's "
"whole\nshare: the runbook, the site's slice of the answers, the binding "
"and its key)\ninto a private temporary folder on the jump host (under "
"the site's `workdir:`,\nelse the system's), runs `fedwiz check --json "
"--manifest` there, fetches\n`results/SITE.json` and removes the folder. "
"It changes nothing on any device:\nchecks only look.\n\n"
"## Where secrets go\n\n"
"Nothing secret is in this folder but each site's signing key (below). "
"fedwiz\non a jump host logs in to its site's hosts the way it does "
"anywhere:\n\n"
"- **Keys**: the jump host's ssh-agent (Ansible's `ForwardAgent` brings "
"yours),\n"
"  or the site's `identity:` (a key file on the jump host).\n"
"- **Passwords** and the ASA **enable secret**: in Ansible's vault, as\n"
"  `fedwiz_password`, `fedwiz_passphrase` (a key's) and "
"`fedwiz_enable_secret`,\n"
"  for all sites in `group_vars/fedwiz_sites/vault.yml` or for one in\n"
"  `host_vars/SITE/vault.yml`:\n\n"
"  ```sh\n"
"  ansible-vault create group_vars/fedwiz_sites/vault.yml\n"
"  ansible-playbook --ask-vault-pass playbook.yml\n"
"  ```\n\n"
"  They reach fedwiz as `FEDWIZ_PASSWORD`, `FEDWIZ_PASSPHRASE` and\n"
"  `FEDWIZ_ENABLE_SECRET` in its environment only; that task runs with\n"
"  `no_log`. fedwiz never writes them anywhere.\n\n"
"## What binds the results to the session\n\n"
"Each `manifest.yaml` names the runbook and its SHA-256, the digest of "
"the site's\nanswers, a nonce, and holds an Ed25519 key made for this "
"export and site alone.\nfedwiz on the jump host refuses a runbook or "
"answers that are not what the\nmanifest names, and signs its results "
"with that key; the console kept only the\npublic half. `fedwiz import` "
"refuses results whose signature does not verify\n(edited since), from "
"another export, another runbook version or other answers\nthan the "
"session's now, or a run it has imported before.\n\n"
"Guard the manifests like SSH keys: whoever can read one can sign "
"results for\nits site. This folder is private (0700); to keep it in a "
"repository or AWX,\nencrypt them (`copy` decrypts them on the way):\n\n"
"```sh\n"
"ansible-vault encrypt sites/*/manifest.yaml\n"
"```\n\n"
"Do not edit `sites/`: the results are bound to these files as written. "
"Edit the\nsession's answers with fedwiz, then export again into a new "
"folder.\n\n"
"## Lint\n\n"
"```sh\n"
"ansible-playbook --syntax-check playbook.yml\n"
"ansible-lint --offline\n"
"```\n",
	    sess, PACKAGE_VERSION);
	return buf_steal(&b);
}

/* ansible.cfg: the inventory; as many forks as sites (at least
 * Ansible's default five), so that every jump host works at once. */
static char *
ansible_cfg(const struct export *e)
{
	return xasprintf("# Written by fedwiz export ansible.\n"
	    "[defaults]\n"
	    "inventory = inventory.yml\n"
	    "forks = %zu\n"
	    "retry_files_enabled = False\n"
	    "interpreter_python = auto_silent\n"
	    "\n"
	    "[ssh_connection]\n"
	    "pipelining = True\n", e->n > 5 ? e->n : 5);
}

/* ansible-lint reads the playbook and the inventory; the files for the
 * jump hosts are fedwiz's, not Ansible's. */
static const char lint_cfg[] =
    "---\n"
    "# Written by fedwiz export ansible.\n"
    "exclude_paths:\n"
    "  - sites/\n"
    "  - results/\n";

/* One file into the project; path for messages. */
static int
put(const struct export *e, int dfd, const char *rel, const char *name,
    const char *data, size_t len, struct diags *d)
{
	char	*path = xasprintf("%s/%s%s%s", e->dir, rel, *rel ? "/" : "",
		    name);
	int	 rc;

	rc = file_write_in(dfd, path, name, data, len, 0600, d);
	free(path);
	return rc;
}

static int
put_str(const struct export *e, int dfd, const char *rel, const char *name,
    char *text, struct diags *d)
{
	int	rc = put(e, dfd, rel, name, text, strlen(text), d);

	free(text);
	return rc;
}

static int
write_site(struct export *e, int sites, const struct share *sh,
    struct diags *d)
{
	char	*rel, *name, *text;
	int	 fd = -1, rc;

	rel = xasprintf("sites/%s", sh->site->name);
	name = xasprintf("%s/%s", e->dir, rel);
	rc = file_dir_sub(sites, name, sh->site->name, &fd, d);
	free(name);
	if (rc != 0)
		goto out;
	text = handoff_manifest_text(&sh->man);
	rc = put(e, fd, rel, "manifest.yaml", text, strlen(text), d);
	wipe(text, strlen(text));
	free(text);
	if (rc != 0)
		goto out;
	name = xasprintf("%s/%s", e->dir, rel);
	rc = file_dir_sync(fd, name, d);
	free(name);
out:
	if (fd != -1)
		close(fd);
	free(rel);
	return rc;
}

static int
write_project(struct export *e, struct diags *d)
{
	char	*path;
	size_t	 i;
	int	 sites = -1, res = -1, rc;

	if ((rc = put_str(e, e->dfd, "", "inventory.yml", inventory(e),
	    d)) != 0 ||
	    (rc = put_str(e, e->dfd, "", "playbook.yml", playbook(e),
	    d)) != 0 ||
	    (rc = put_str(e, e->dfd, "", "README.md", readme(e), d)) != 0 ||
	    (rc = put_str(e, e->dfd, "", "ansible.cfg", ansible_cfg(e),
	    d)) != 0 ||
	    (rc = put(e, e->dfd, "", ".ansible-lint", lint_cfg,
	    sizeof(lint_cfg) - 1, d)) != 0)
		return rc;
	path = xasprintf("%s/sites", e->dir);
	rc = file_dir_sub(e->dfd, path, "sites", &sites, d);
	free(path);
	if (rc != 0)
		return rc;
	for (i = 0; i < e->n && rc == 0; i++)
		rc = write_site(e, sites, &e->v[i], d);
	if (rc == 0) {
		path = xasprintf("%s/sites", e->dir);
		rc = file_dir_sync(sites, path, d);
		free(path);
	}
	close(sites);
	if (rc != 0)
		return rc;
	path = xasprintf("%s/results", e->dir);
	rc = file_dir_sub(e->dfd, path, "results", &res, d);
	free(path);
	if (res != -1)
		close(res);
	if (rc != 0)
		return rc;
	return file_dir_sync(e->dfd, e->dir, d);
}

/* The session's runbook, answers and text; or the runbook and answers
 * given. */
static int
load(struct export *e, const char *name, struct store **st,
    struct session **s, struct runbook **rb, struct answers **ans,
    char **text, struct diags *d)
{
	struct cli	*cli = e->cli;
	long long	 sid;
	size_t		 i;
	int		 rc;

	if (cli->session != NULL) {
		if ((rc = cli_session_of(cli, name, "export from an answers "
		    "file without --session", st, s, d)) != STORE_OK)
			return rc;
		sid = (*s)->id;
		if ((*s)->drifted || strcmp((*s)->rb->hash,
		    (*s)->info.runbook_hash) != 0) {
			diags_add(d, "--session", 0, 0, "session %lld's "
			    "runbook %s changed since it began: results of "
			    "this version would not be the session's; accept "
			    "the change first (fedwiz step ... --accept-drift), "
			    "then export", sid, name);
			return STORE_EINPUT;
		}
		if ((*s)->info.closed != 0) {
			diags_add(d, "--session", 0, 0, "session %lld is "
			    "closed: its record takes no more evidence", sid);
			return STORE_EINPUT;
		}
		e->rb = (*s)->rb;
		e->ans = (*s)->ans;
		e->text = (*s)->text;
		e->textlen = (*s)->textlen;
		e->session = (*s)->id;
		return STORE_OK;
	}
	if (cli->answers == NULL) {
		diags_add(d, "export ansible", 0, 0, "give the session "
		    "(--session N) or an answers file (--answers FILE) whose "
		    "hosts name their sites");
		return STORE_EINPUT;
	}
	if (catalog_open_text(catalog_dir(cli->runbooks), name, rb, text,
	    &e->textlen, d) == -1)
		return STORE_EINPUT;
	*ans = answers_new();
	if (answers_load(*ans, *rb, cli->answers, d) == -1)
		return STORE_EINPUT;
	for (i = 0; i < cli->nsets; i++)
		answers_set(*ans, *rb, cli->sets[i], d);
	if (d->n > 0)
		return STORE_EINPUT;
	e->rb = *rb;
	e->ans = *ans;
	e->text = *text;
	/* The exports are recorded for import to check against. */
	return cli_store(cli, 0, st, d);
}

static int
export_ansible(struct cli *cli, int argc, char **argv)
{
	struct export	 e;
	struct store	*st = NULL;
	struct session	*s = NULL;
	struct runbook	*rb = NULL;
	struct answers	*ans = NULL;
	struct diags	 d;
	char		*text = NULL;
	size_t		 i;
	int		 rc, code = EXIT_USAGE, began = 0;

	(void)argc;
	diags_init(&d);
	memset(&e, 0, sizeof(e));
	e.cli = cli;
	e.dfd = -1;
	e.dir = cli->output;
	if (cli->output == NULL) {
		diags_add(&d, "export ansible", 0, 0, "give the folder to "
		    "write the project into: -o DIR (new, or empty)");
		goto out;
	}
	/* --kind goes to the jump hosts' checks: refused here, not there. */
	if (cli->kind != NULL && cli_kinds(cli->kind, &d) == 0)
		goto out;
	if ((rc = load(&e, argv[1], &st, &s, &rb, &ans, &text, &d)) !=
	    STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	if (shares(&e, &d) == -1)
		goto out;
	if ((rc = file_dir_new(e.dir, &e.dfd, &d)) != 0) {
		code = rc == -EEXIST || rc == -ENOTDIR || rc == -ELOOP ||
		    rc == -EPERM ? EXIT_USAGE : EXIT_ENV;
		goto out;
	}
	/* Recorded and written together: the exports are committed only
	 * once every file is on disk. */
	if ((rc = store_begin(st, &d)) != STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	began = 1;
	if ((rc = bind_shares(&e, st, &d)) != STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	if (write_project(&e, &d) != 0) {
		diags_add(&d, e.dir, 0, 0, "the project is incomplete and was "
		    "not recorded: remove the folder and export again");
		code = EXIT_ENV;
		goto out;
	}
	if ((rc = store_commit(st, &d)) != STORE_OK) {
		began = 0;
		diags_add(&d, e.dir, 0, 0, "the exports could not be recorded, "
		    "so their results could not be imported: remove the folder "
		    "and export again");
		code = cli_exit(rc);
		goto out;
	}
	began = 0;
	printf("%s: an Ansible project for %zu site%s of %s%s\n", e.dir, e.n,
	    e.n == 1 ? "" : "s", e.rb->id, e.session > 0 ? "" :
	    " (from an answers file)");
	for (i = 0; i < e.n; i++)
		printf("  %-16s jump host %s, %zu host%s (export %lld)\n",
		    e.v[i].site->name, e.v[i].jump, e.v[i].nhosts,
		    e.v[i].nhosts == 1 ? "" : "s", (long long)e.v[i].rec.id);
	if (e.direct > 0)
		printf("  %zu host%s reached directly: fedwiz check\n",
		    e.direct, e.direct == 1 ? "" : "s");
	if (e.session > 0)
		printf("run:  cd %s && ansible-playbook playbook.yml\nthen: "
		    "fedwiz import %s/results/*.json --session %lld\n", e.dir,
		    e.dir, (long long)e.session);
	else
		printf("run:  cd %s && ansible-playbook playbook.yml\nthen: "
		    "fedwiz import %s/results/*.json --session N (a session "
		    "started on these answers)\n", e.dir, e.dir);
	code = EXIT_OK;
out:
	if (began)
		store_rollback(st);
	if (d.n > 0)
		cli_say(&d);
	diags_free(&d);
	if (e.dfd != -1)
		close(e.dfd);
	for (i = 0; e.v != NULL && i < e.n; i++) {
		free(e.v[i].jump);
		handoff_manifest_clear(&e.v[i].man);
		wipe(e.v[i].pub, sizeof(e.v[i].pub));
	}
	free(e.v);
	session_free(s);
	store_close(st);
	answers_free(ans);
	runbook_free(rb);
	free(text);
	return code;
}
