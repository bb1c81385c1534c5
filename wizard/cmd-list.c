/* cmd-list.c: fedwiz list: the runbooks found. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "clean.h"
#include "cli.h"
#include "json.h"
#include "runbook.h"
#include "util.h"

static int	cmd_list_exec(struct cli *, int, char **);

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.args = "",
	.summary = "runbooks found: id, title, procedures, steps",
	.opts = "json",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_list_exec,
};

static int
cmd_list_exec(struct cli *cli, int argc, char **argv)
{
	const char	 *dir = catalog_dir(cli->runbooks);
	struct runbook	**rbs;
	struct diags	  d;
	struct json	  j;
	struct strmap	  ids;
	char		**files, *title;
	size_t		  n, i, nrb = 0, old;
	int		  bad = 0;

	(void)argc;
	(void)argv;
	diags_init(&d);
	if (catalog_files(dir, &files, &n, &d) == -1)
		return cli_bad_input(&d);
	rbs = xcalloc(n + 1, sizeof(*rbs));
	strmap_init(&ids);
	for (i = 0; i < n; i++) {
		if (runbook_load(files[i], &rbs[nrb], &d) == -1) {
			bad = 1;
			continue;
		}
		if (strmap_put(&ids, rbs[nrb]->id, nrb, &old)) {
			diags_add(&d, files[i], 0, 0, "runbook id \"%s\" is also "
			    "the id of %s; ids are unique", rbs[nrb]->id,
			    rbs[old]->path);
			runbook_free(rbs[nrb]);
			bad = 1;
			continue;
		}
		nrb++;
	}
	if (cli->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kstr(&j, "dir", dir);
		json_key(&j, "runbooks");
		json_arr_begin(&j);
		for (i = 0; i < nrb; i++) {
			json_obj_begin(&j);
			json_kstr(&j, "id", rbs[i]->id);
			json_kstr(&j, "title", rbs[i]->title);
			json_kstr(&j, "file", rbs[i]->path);
			json_kint(&j, "procedures", (long long)rbs[i]->nprocs);
			json_kint(&j, "steps", (long long)rbs[i]->nsteps);
			json_kstr(&j, "sha256", rbs[i]->hash);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
		json_end(&j);
	} else if (nrb == 0 && !bad) {
		printf("no runbooks in %s\n", dir);
	} else {
		printf("%-22s %5s %6s  %s\n", "ID", "PROCS", "STEPS", "TITLE");
		for (i = 0; i < nrb; i++) {
			/* a title is the runbook file's text */
			title = clean_line(rbs[i]->title);
			printf("%-22s %5zu %6zu  %s\n", rbs[i]->id,
			    rbs[i]->nprocs, rbs[i]->nsteps, title);
			free(title);
		}
	}
	for (i = 0; i < nrb; i++)
		runbook_free(rbs[i]);
	free(rbs);
	strmap_free(&ids);
	catalog_files_free(files, n);
	if (bad) {
		diags_print(&d, stderr);
		fprintf(stderr, "fedwiz: some runbooks in %s do not load; "
		    "'fedwiz validate FILE' shows every problem\n", dir);
	}
	diags_free(&d);
	return bad ? EXIT_USAGE : EXIT_OK;
}
