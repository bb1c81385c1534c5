/* cmd-close.c: fedwiz close: the session is over (the window closed, the
 * change is done or abandoned); it stays for reports and audits. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	cmd_close_exec(struct cli *, int, char **);

const struct cmd_entry cmd_close_entry = {
	.name = "close",
	.args = "[--session ID] [--note TEXT]",
	.summary = "close a session (kept for reports; no longer the default)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_close_exec,
};

static int
cmd_close_exec(struct cli *cli, int argc, char **argv)
{
	struct store	*st = NULL;
	struct diags	 d;
	const char	*op;
	int64_t		 id;
	int		 rc;

	(void)argc;
	(void)argv;
	diags_init(&d);
	if ((op = cli_operator(cli, &d)) == NULL || cli_note(cli, &d) == -1)
		return cli_bad_input(&d);
	if ((rc = cli_target(cli, 0, &st, &id, &d)) != STORE_OK)
		goto out;
	rc = store_session_close(st, id, op, cli->note, &d);
	if (rc == STORE_OK && d.n == 0)
		diags_add(&d, store_path(st), 0, 0, "session %lld closed; "
		    "'fedwiz report --session %lld' still writes its record",
		    (long long)id, (long long)id);
out:
	cli_say(&d);
	store_close(st);
	return cli_exit(rc);
}
