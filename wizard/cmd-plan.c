/* cmd-plan.c: fedwiz plan RUNBOOK: procedure instances in order, status. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "catalog.h"
#include "clean.h"
#include "cli.h"
#include "plan.h"
#include "planview.h"
#include "runbook.h"
#include "util.h"

static int	cmd_plan_exec(struct cli *, int, char **);

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.args = "RUNBOOK",
	.summary = "procedures in dependency order, per host, with status",
	.opts = "answers set json steps",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_plan_exec,
};

static int
cmd_plan_exec(struct cli *cli, int argc, char **argv)
{
	struct runbook	*rb = NULL;
	struct answers	*ans;
	struct plan	*pl;
	struct diags	 d;
	size_t		 i;
	char		*title;
	int		 rc = EXIT_USAGE;

	(void)argc;
	diags_init(&d);
	ans = answers_new();
	if (catalog_open(catalog_dir(cli->runbooks), argv[0], &rb, &d) == -1)
		goto out;
	if (cli->answers != NULL && answers_load(ans, rb, cli->answers,
	    &d) == -1)
		goto out;
	for (i = 0; i < cli->nsets; i++)
		answers_set(ans, rb, cli->sets[i], &d);
	if (d.n > 0)
		goto out;
	if (plan_build(rb, ans, NULL, NULL, &pl, &d) == -1)
		goto out;
	if (cli->json)
		planview_json(stdout, pl, NULL);
	else {
		title = clean_line(rb->title);
		printf("%s: %s\n", rb->id, title);
		free(title);
		printf("%zu procedures, %zu to do in this order (runbook sha256 "
		    "%.12s)\n\n", rb->nprocs, pl->n, rb->hash);
		planview_text(stdout, pl, NULL, cli->steps);
	}
	plan_free(pl);
	rc = EXIT_OK;
out:
	if (d.n > 0)
		diags_print(&d, stderr);
	diags_free(&d);
	answers_free(ans);
	runbook_free(rb);
	return rc;
}
