/*
 * cli-ssh.c: SSH options and questions for headless commands (check,
 * probe): where known hosts live, what to do with an unknown key, and
 * where passwords come from.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hostkeys.h"
#include "prompt.h"
#include "secret.h"
#include "ssh.h"
#include "util.h"

/* The store in secret.c keeps each secret for the run: fifty hosts, one
 * prompt. A kind none could be had for is not asked again, and said once. */
struct cli_ssh {
	struct secrets	 src;
	char		*known_hosts;
	int		 failed_password;
	int		 failed_enable;
	int		 said_password;
	int		 said_other;
};

_Static_assert(SECRET_MAX == SSH_SECRET_MAX, "one size for secrets");

static int
on_secret(void *arg, const struct ssh_target *t, const char *kind,
    const char *prompt, char *buf, size_t len)
{
	struct cli_ssh	*cs = arg;
	struct diags	 d;
	char		*q;
	int		 rc, *failed, *said;

	failed = strcmp(kind, "password") == 0 ? &cs->failed_password :
	    strcmp(kind, "enable") == 0 ? &cs->failed_enable : NULL;
	said = strcmp(kind, "password") == 0 ? &cs->said_password :
	    &cs->said_other;
	if (failed != NULL && *failed)
		return -1;
	diags_init(&d);
	q = xasprintf("%s for %s@%s", prompt, t->user, t->name);
	rc = secret_get(&cs->src, kind, q, buf, len, &d);
	free(q);
	if (rc == -1) {
		/* Said once, not per host. */
		if (!*said)
			diags_print(&d, stderr);
		*said = 1;
		if (failed != NULL)
			*failed = 1;
	}
	diags_free(&d);
	return rc;
}

static enum hostkey_answer
on_hostkey(void *arg, const struct ssh_target *t, const char *hostname,
    const char *type, const char *fp)
{
	char	*q, ans[32], who[400];
	int	 rc;

	(void)arg;
	if (strcmp(t->name, t->address) == 0)
		snprintf(who, sizeof(who), "%s", t->address);
	else
		snprintf(who, sizeof(who), "%s, %s", t->name, t->address);
	q = xasprintf("The authenticity of host '%s' (%s) can't be "
	    "established.\n%s key fingerprint is %s.\n"
	    "Compare it with the one the device's administrator reads from "
	    "the device.\nAccept it? [yes = and remember it / once / no]: ",
	    hostname, who, type, fp);
	for (;;) {
		rc = secret_tty_ask(q, ans, sizeof(ans));
		if (rc == -1 || strcmp(ans, "no") == 0 || strcmp(ans, "n") == 0)
			break;
		if (strcmp(ans, "yes") == 0) {
			free(q);
			return HKA_ALWAYS;
		}
		if (strcmp(ans, "once") == 0) {
			free(q);
			return HKA_ONCE;
		}
		free(q);
		q = xstrdup("Please type 'yes', 'once' or 'no': ");
	}
	free(q);
	return HKA_REFUSE;
}

static void
on_note(void *arg, const struct ssh_target *t, const char *msg)
{
	(void)arg;
	fprintf(stderr, "fedwiz: %s: %s\n", t->name, msg);
}

struct cli_ssh *
cli_ssh_new(const struct cli *cli, struct ssh_opts *o, struct diags *d)
{
	struct cli_ssh	*cs;
	int64_t		 ms;
	int		 tty = isatty(STDIN_FILENO);

	ssh_opts_default(o);
	if (cli->host_keys == NULL || strcmp(cli->host_keys, "strict") == 0)
		o->policy = HKP_STRICT;
	else if (strcmp(cli->host_keys, "accept-new") == 0)
		o->policy = HKP_ACCEPT_NEW;
	else if (strcmp(cli->host_keys, "ask") == 0) {
		if (!tty) {
			diags_add(d, "--host-keys", 0, 0, "'ask' needs a "
			    "terminal to ask on; without one use strict (the "
			    "default) or accept-new");
			return NULL;
		}
		o->policy = HKP_ASK;
	} else {
		diags_add(d, "--host-keys", 0, 0, "\"%s\" is not a host key "
		    "policy: use strict, accept-new or ask", cli->host_keys);
		return NULL;
	}
	if (cli->timeout != NULL) {
		if (cli_timeout(cli, 0, &ms, d) == -1)
			return NULL;
		/* Every deadline, the commands' totals too: with --timeout 5
		 * nothing waits longer than 5 s, streaming or not. */
		o->connect_ms = o->login_ms = o->idle_ms = o->first_prompt_ms =
		    o->command_ms = ms;
	}
	cs = xcalloc(1, sizeof(*cs));
	if (cli->known_hosts != NULL)
		cs->known_hosts = xstrdup(cli->known_hosts);
	else if ((cs->known_hosts = hk_default_file()) == NULL) {
		diags_add(d, "--known-hosts", 0, 0, "no home folder to find "
		    "~/.ssh/known_hosts in: give --known-hosts FILE");
		free(cs);
		return NULL;
	}
	cs->src.password_file = cli->password_file;
	cs->src.enable_file = cli->enable_file;
	cs->src.interactive = tty;
	o->known_hosts = cs->known_hosts;
	o->cb.secret = on_secret;
	o->cb.hostkey = on_hostkey;
	o->cb.note = on_note;
	o->cb.ctx = cs;
	return cs;
}

void
cli_ssh_free(struct cli_ssh *cs)
{
	if (cs == NULL)
		return;
	secret_forget();
	free(cs->known_hosts);
	free(cs);
}
