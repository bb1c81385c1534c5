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

/* A secret is asked once per run and per kind: fifty hosts, one prompt. */
struct cached {
	char	value[512];
	int	have;
};

struct cli_ssh {
	struct secrets	 src;
	char		*known_hosts;
	struct cached	 password;
	struct cached	 passphrase;
	struct cached	 enable;
	int		 failed;	/* a source said no: do not ask again */
};

static struct cached *
cache_of(struct cli_ssh *cs, const char *kind)
{
	if (strcmp(kind, "password") == 0)
		return &cs->password;
	if (strcmp(kind, "enable") == 0)
		return &cs->enable;
	return &cs->passphrase;
}

static int
on_secret(void *arg, const struct ssh_target *t, const char *kind,
    const char *prompt, char *buf, size_t len)
{
	struct cli_ssh	*cs = arg;
	struct cached	*c = cache_of(cs, kind);
	struct diags	 d;
	char		*q;
	int		 rc;

	/* One passphrase per key file: not cached across keys. */
	if (c->have && c != &cs->passphrase) {
		snprintf(buf, len, "%s", c->value);
		return 0;
	}
	diags_init(&d);
	q = xasprintf("%s for %s@%s", prompt, t->user, t->name);
	rc = secret_get(&cs->src, kind, q, c->value, sizeof(c->value), &d);
	free(q);
	if (rc == -1) {
		/* Said once, not per host. */
		if (!cs->failed)
			diags_print(&d, stderr);
		cs->failed = 1;
		diags_free(&d);
		wipe(c->value, sizeof(c->value));
		return -1;
	}
	diags_free(&d);
	c->have = 1;
	snprintf(buf, len, "%s", c->value);
	if (c == &cs->passphrase) {
		wipe(c->value, sizeof(c->value));
		c->have = 0;
	}
	return 0;
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
	wipe(cs->password.value, sizeof(cs->password.value));
	wipe(cs->passphrase.value, sizeof(cs->passphrase.value));
	wipe(cs->enable.value, sizeof(cs->enable.value));
	free(cs->known_hosts);
	free(cs);
}
