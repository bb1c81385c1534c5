/* cmd-start.c: fedwiz start RUNBOOK: a new session; prints its id. */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "catalog.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	cmd_start_exec(struct cli *, int, char **);

const struct cmd_entry cmd_start_entry = {
	.name = "start",
	.args = "RUNBOOK",
	.summary = "start a session; prints its id",
	.opts = "answers set operator window-end",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_start_exec,
};

static int
cmd_start_exec(struct cli *cli, int argc, char **argv)
{
	struct store	*st = NULL;
	struct diags	 d;
	const char	*op;
	time_t		 wend = 0;
	int64_t		 id;
	int		 rc;

	(void)argc;
	diags_init(&d);
	if ((op = cli_operator(cli, &d)) == NULL)
		return cli_bad_input(&d);
	if (cli->window_end != NULL && session_parse_time(cli->window_end,
	    store_now(), &wend) == -1) {
		diags_add(&d, "--window-end", 0, 0, "\"%s\" is not a time: give "
		    "HH:MM (the next time the clock shows it) or "
		    "\"YYYY-MM-DD HH:MM\"", cli->window_end);
		return cli_bad_input(&d);
	}
	if ((rc = cli_store(cli, 0, &st, &d)) != STORE_OK) {
		cli_say(&d);
		return cli_exit(rc);
	}
	rc = session_start(st, catalog_dir(cli->runbooks), argv[0], cli->answers,
	    cli->sets, cli->nsets, op, wend, &id, &d);
	if (rc == STORE_OK) {
		printf("%lld\n", (long long)id);
		diags_add(&d, store_path(st), 0, 0, "session %lld started for "
		    "%s by %s; 'fedwiz status' shows where you are",
		    (long long)id, argv[0], op);
	}
	cli_say(&d);
	store_close(st);
	return cli_exit(rc);
}
