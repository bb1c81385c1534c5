/*
 * cmd-host.c: fedwiz host add ROLE NAME ADDRESS [--user U] [--profile P]
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

static int	cmd_host_exec(struct cli *, int, char **);

const struct cmd_entry cmd_host_entry = {
	.name = "host",
	.args = "add ROLE NAME ADDRESS [--user U] [--profile P] | remove ROLE "
	    "NAME [--session ID]",
	.summary = "add, change or remove a host of the session's inventory "
	    "(an event; evidence that ran on it goes stale)",
	.min_args = 3,
	.max_args = 4,
	.exec = cmd_host_exec,
};

static int
cmd_host_exec(struct cli *cli, int argc, char **argv)
{
	struct edit_result	 res;
	struct session		*s = NULL;
	struct store		*st = NULL;
	struct diags		 d;
	struct host		 h;
	const char		*op = session_operator(cli->operator);
	long long		 sid;
	int			 rc, add;

	diags_init(&d);
	memset(&res, 0, sizeof(res));
	add = strcmp(argv[0], "add") == 0;
	if (!add && strcmp(argv[0], "remove") != 0) {
		diags_add(&d, "fedwiz host", 0, 0, "\"%s\" is not add or remove: "
		    "fedwiz host add ROLE NAME ADDRESS, fedwiz host remove ROLE "
		    "NAME", argv[0]);
		return cli_bad_input(&d);
	}
	if ((add && argc != 4) || (!add && argc != 3)) {
		diags_add(&d, "fedwiz host", 0, 0, "usage: fedwiz host %s",
		    add ? "add ROLE NAME ADDRESS [--user U] [--profile P]" :
		    "remove ROLE NAME");
		return cli_bad_input(&d);
	}
	if (!add && (cli->user != NULL || cli->profile != NULL)) {
		diags_add(&d, "fedwiz host", 0, 0, "--user and --profile are "
		    "for host add");
		return cli_bad_input(&d);
	}
	if ((sid = cli_session(cli, &d)) < 0)
		return cli_bad_input(&d);
	if ((rc = cli_store(cli, 0, &st, &d)) != STORE_OK)
		goto out;
	if ((rc = session_open(st, sid, catalog_dir(cli->runbooks), &s, &d)) !=
	    STORE_OK)
		goto out;
	if (add) {
		memset(&h, 0, sizeof(h));
		h.role = argv[1];
		h.name = argv[2];
		h.address = argv[3];
		h.user = cli->user;
		h.profile_name = cli->profile;
		h.port = 0;	/* 22, or the one it had */
		rc = session_host_set(s, &h, op, &res, &d);
	} else
		rc = session_host_remove(s, argv[1], argv[2], op, &res, &d);
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
