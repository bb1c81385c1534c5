/*
 * cmd-host.c: fedwiz host add ROLE NAME ADDRESS [--user U] [--profile P] [--site S]
 * and fedwiz host remove ROLE NAME: edit the inventory during a session.
 * Adding a name the role already lists changes that host (a wrong address
 * typed at 2 a.m.). Each edit is an event; evidence that ran on the host,
 * or on every host of its role, goes stale.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "catalog.h"
#include "cli.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	cmd_host_add(struct cli *, int, char **);
static int	cmd_host_remove(struct cli *, int, char **);

static const struct cmd_entry cmd_host_add_entry = {
	.name = "add",
	.args = "ROLE NAME ADDRESS",
	.summary = "add a host to a role of the session, or change the one of "
	    "that name (an event; evidence that ran on it goes stale)",
	.opts = "user profile site",
	.min_args = 3,
	.max_args = 3,
	.exec = cmd_host_add,
};

static const struct cmd_entry cmd_host_remove_entry = {
	.name = "remove",
	.args = "ROLE NAME",
	.summary = "remove a host and its own answers (an event; its recorded "
	    "steps stay in the record)",
	.min_args = 2,
	.max_args = 2,
	.exec = cmd_host_remove,
};

static const struct cmd_entry *const host_commands[] = {
	&cmd_host_add_entry,
	&cmd_host_remove_entry,
	NULL
};

const struct cmd_entry cmd_host_entry = {
	.name = "host",
	.args = "",
	.summary = "the session's inventory",
	.opts = "session operator",
	.sub = host_commands,
};

static int
edit(struct cli *cli, const struct host *add, const char *role,
    const char *name)
{
	struct edit_result	 res;
	struct session		*s = NULL;
	struct store		*st = NULL;
	struct diags		 d;
	const char		*op;
	long long		 sid;
	int			 rc;

	diags_init(&d);
	memset(&res, 0, sizeof(res));
	if ((sid = cli_session(cli, &d)) < 0 ||
	    (op = cli_operator(cli, &d)) == NULL)
		return cli_bad_input(&d);
	if ((rc = cli_store(cli, 0, &st, &d)) != STORE_OK)
		goto out;
	if ((rc = session_open(st, sid, catalog_dir(cli->runbooks), &s, &d)) !=
	    STORE_OK)
		goto out;
	if (add != NULL)
		rc = session_host_set(s, add, op, &res, &d);
	else
		rc = session_host_remove(s, role, name, op, &res, &d);
	if (rc != STORE_OK)
		goto out;
	if (!res.changed)
		diags_add(&d, store_path(st), 0, 0, "session %lld: %s; nothing "
		    "changed", (long long)s->id, res.what);
	else
		cli_say_reverify(s, &res, &d);
out:
	cli_say(&d);
	edit_result_free(&res);
	session_free(s);
	store_close(st);
	return cli_exit(rc);
}

static int
cmd_host_add(struct cli *cli, int argc, char **argv)
{
	struct host	h;

	/* argv[0] is "add" (a subcommand sees its own name). */
	(void)argc;
	memset(&h, 0, sizeof(h));
	h.role = argv[1];
	h.name = argv[2];
	h.address = argv[3];
	h.user = cli->user;
	h.profile_name = cli->profile;
	/* "none": reached from this console again ("" clears it). */
	h.site = cli->site != NULL && strcmp(cli->site, "none") == 0 ? "" :
	    cli->site;
	h.port = 0;	/* 22, or the one it had */
	return edit(cli, &h, NULL, NULL);
}

static int
cmd_host_remove(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	return edit(cli, NULL, argv[1], argv[2]);
}
