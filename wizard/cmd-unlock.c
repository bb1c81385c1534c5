/* cmd-unlock.c: fedwiz unlock: break a session's lock whose holder is
 * gone (another machine crashed; fedwiz cannot tell from here). */
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
	.summary = "break a session's lock when its holder is gone (logged)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_unlock_exec,
};

static int
cmd_unlock_exec(struct cli *cli, int argc, char **argv)
{
	struct store	*st = NULL;
	struct diags	 d;
	const char	*op;
	int64_t		 id;
	int		 rc;

	(void)argc;
	(void)argv;
	diags_init(&d);
	if ((op = cli_operator(cli, &d)) == NULL)
		return cli_bad_input(&d);
	if ((rc = cli_target(cli, 0, &st, &id, &d)) != STORE_OK)
		goto out;
	rc = store_lock_break(st, id, op, &d);
out:
	cli_say(&d);
	store_close(st);
	return cli_exit(rc);
}
