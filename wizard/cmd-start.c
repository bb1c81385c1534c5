/* cmd-start.c: fedwiz start RUNBOOK: a new session; prints its id. */
#include "config.h"

#include <stdio.h>
#include <string.h>
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

/*
 * A session starts without every answer (the wizard's forms start one the
 * same way): the steps that use a missing value say "needs an answer",
 * and here is what is missing and the command that gives it.
 */
static void
say_missing(struct store *st, int64_t id, const struct cli *cli,
    struct diags *d)
{
	struct session		*s = NULL;
	const struct plan_need	*nd;
	struct diags		 quiet;
	struct buf		 b;
	char			 name[160];
	size_t			 i;

	diags_init(&quiet);
	if (session_open(st, id, catalog_dir(cli->runbooks), &s, &quiet) !=
	    STORE_OK || s->plan->nmissing == 0) {
		session_free(s);
		diags_free(&quiet);
		return;
	}
	diags_free(&quiet);
	buf_init(&b);
	for (i = 0; i < s->plan->nmissing; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", plan_need_name(
		    &s->plan->missing[i], name, sizeof(name)));
	nd = &s->plan->missing[0];
	diags_add(d, store_path(st), 0, 0, "warning: no answer yet for %s; "
	    "the steps that use them say \"needs an answer\" until you give "
	    "them, e.g. 'fedwiz set %s=VALUE%s%s --session %lld'", b.s,
	    nd->var->name, nd->host ? " --host " : "", nd->host ? nd->host :
	    "", (long long)id);
	buf_free(&b);
	session_free(s);
}

static int
cmd_start_exec(struct cli *cli, int argc, char **argv)
{
	struct store		*st = NULL;
	struct store_session	 info;
	struct diags		 d;
	const char		*op;
	time_t			 wend = 0;
	int64_t			 id;
	int			 rc;

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
		memset(&info, 0, sizeof(info));
		(void)store_session_get(st, id, &info, &d);
		if (info.practice)
			/* Commands never pick it by default: say how to
			 * reach it. */
			diags_add(&d, store_path(st), 0, 0, "PRACTICE session "
			    "%lld started for %s by %s%s%s: its record is a "
			    "practice record, not a change record, and it is "
			    "never the default session; 'fedwiz status "
			    "--session %lld' shows where you are",
			    (long long)id, argv[0], op, info.lab != NULL ?
			    " on the training lab in " : "", info.lab != NULL ?
			    info.lab : "", (long long)id);
		else
			diags_add(&d, store_path(st), 0, 0, "session %lld "
			    "started for %s by %s; 'fedwiz status' shows where "
			    "you are", (long long)id, argv[0], op);
		store_session_clear(&info);
		say_missing(st, id, cli, &d);
	}
	cli_say(&d);
	store_close(st);
	return cli_exit(rc);
}
