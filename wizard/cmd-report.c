/* cmd-report.c: fedwiz report: a session as a change record. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "fileio.h"
#include "report.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	cmd_report_exec(struct cli *, int, char **);

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.args = "",
	.summary = "the change record of a session: who, when, answers, every "
	    "step with its evidence, the audit chain",
	.opts = "session format! output",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_report_exec,
};

static int
cmd_report_exec(struct cli *cli, int argc, char **argv)
{
	const char * const	*names;
	enum report_format	 fmt;
	enum file_how		 how = FILE_REPLACED;
	struct store		*st = NULL;
	struct session		*s = NULL;
	struct report		*r = NULL;
	struct diags		 d;
	const char		*problem;
	long long		 sid;
	char			 list[64], *data = NULL;
	size_t			 len = 0, n;
	FILE			*fp;
	int			 rc;

	(void)argc;
	(void)argv;
	diags_init(&d);
	names = report_format_names(&n);
	if (cli->format == NULL || report_format_parse(cli->format, &fmt) ==
	    -1) {
		join_words(names, n, list, sizeof(list));
		if (cli->format == NULL)
			diags_add(&d, "fedwiz report", 0, 0, "say which format "
			    "with --format: one of %s", list);
		else
			diags_add(&d, "--format", 0, 0, "\"%s\" is not a "
			    "report format; give one of %s", cli->format, list);
		return cli_bad_input(&d);
	}
	if ((sid = cli_session(cli, &d)) < 0)
		return cli_bad_input(&d);
	if (cli->output != NULL && *cli->output == '\0') {
		diags_add(&d, "-o", 0, 0, "the output file name is empty");
		return cli_bad_input(&d);
	}
	if ((rc = cli_store(cli, STORE_READONLY, &st, &d)) != STORE_OK)
		goto out;
	if ((rc = session_open(st, sid, catalog_dir(cli->runbooks), &s, &d)) !=
	    STORE_OK)
		goto out;
	if ((rc = report_new(s, store_now(), &r, &d)) != STORE_OK)
		goto out;

	/* Rendered in memory: -o gets whole bytes or nothing, and standard
	 * output gets exactly what -o would have. */
	if ((fp = open_memstream(&data, &len)) == NULL)
		fatal("cannot render the report: %s", strerror(errno));
	report_write(fp, r, fmt);
	if (fclose(fp) != 0)
		fatal("cannot render the report: %s", strerror(errno));
	if (cli->output != NULL) {
		if (file_write(cli->output, data, len, &how, &d) != 0) {
			rc = STORE_EENV;
			goto out;
		}
		diags_add(&d, cli->output, 0, 0, "%s of session %lld written "
		    "(%s, %zu bytes%s)", s->info.practice ? "PRACTICE record "
		    "(not a change record)" : "change record", (long long)s->id,
		    report_format_names(&n)[fmt], len, how == FILE_THROUGH ?
		    ", through: it is not a file" : "");
	} else
		fwrite(data, 1, len, stdout);

	/* The report is what was asked for; a broken chain is in it, and
	 * said here too so that it is not missed. */
	if ((problem = report_audit_problem(r)) != NULL)
		diags_add(&d, store_path(st), 0, 0, "warning: %s; the report "
		    "says so", problem);
	if (s->warnings.n > 0)
		diags_print(&s->warnings, stderr);
out:
	free(data);
	cli_say(&d);
	report_free(r);
	session_free(s);
	store_close(st);
	return cli_exit(rc);
}
