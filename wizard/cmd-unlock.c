/*
 * cmd-unlock.c: fedwiz unlock: forget the consoles listed on a session
 * whose machine is gone. Sessions are not locked any more (any number of
 * consoles record on one at once); what remains of "unlock" is clearing
 * the list of who is here before a dead machine's entry expires.
 */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	cmd_unlock_exec(struct cli *, int, char **);

const struct cmd_entry cmd_unlock_entry = {
	.name = "unlock",
	.args = "[--session ID]",
	.summary = "forget the consoles listed on a session from machines "
	    "that are gone (sessions are not locked: several consoles work "
	    "one at once)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_unlock_exec,
};

static int
cmd_unlock_exec(struct cli *cli, int argc, char **argv)
{
	struct store	*st = NULL;
	struct diags	 d;
	int64_t		 id;
	size_t		 n;
	int		 rc;

	(void)argc;
	(void)argv;
	diags_init(&d);
	if ((rc = cli_target(cli, 0, &st, &id, &d)) != STORE_OK)
		goto out;
	if ((rc = store_consoles_forget(st, id, &n, &d)) == STORE_OK)
		diags_add(&d, store_path(st), 0, 0, "session %lld: %zu console%s "
		    "of other machines forgotten (those on this machine go by "
		    "themselves when their process does); sessions are not "
		    "locked: any number of consoles record on one at once",
		    (long long)id, n, n == 1 ? "" : "s");
out:
	cli_say(&d);
	store_close(st);
	return cli_exit(rc);
}
