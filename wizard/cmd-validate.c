/* cmd-validate.c: fedwiz validate FILE...: load, check, order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "clean.h"
#include "cli.h"
#include "plan.h"
#include "runbook.h"
#include "util.h"

static int	cmd_validate_exec(struct cli *, int, char **);

const struct cmd_entry cmd_validate_entry = {
	.name = "validate",
	.args = "FILE...",
	.summary = "check runbook files; one file:line:col: message per error",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_validate_exec,
};

static int
cmd_validate_exec(struct cli *cli, int argc, char **argv)
{
	struct runbook	*rb;
	struct diags	 d;
	size_t		*order;
	char		*file;
	int		 i, bad = 0;

	(void)cli;
	for (i = 0; i < argc; i++) {
		diags_init(&d);
		if (runbook_load(argv[i], &rb, &d) == 0) {
			order = xcalloc(rb->nprocs + 1, sizeof(*order));
			if (plan_order(rb, order, &d) == 0) {
				file = clean_line(argv[i]);
				printf("%s: ok: runbook %s, %zu procedure%s, "
				    "%zu step%s\n", file, rb->id, rb->nprocs,
				    rb->nprocs == 1 ? "" : "s", rb->nsteps,
				    rb->nsteps == 1 ? "" : "s");
				free(file);
			}
			free(order);
			runbook_free(rb);
		}
		if (d.n > 0) {
			diags_print(&d, stderr);
			bad = 1;
		}
		diags_free(&d);
	}
	return bad ? EXIT_USAGE : EXIT_OK;
}
