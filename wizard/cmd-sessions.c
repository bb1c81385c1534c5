/* cmd-sessions.c: fedwiz sessions: every session, progress and age. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "clean.h"
#include "cli.h"
#include "json.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	cmd_sessions_exec(struct cli *, int, char **);

const struct cmd_entry cmd_sessions_entry = {
	.name = "sessions",
	.args = "",
	.summary = "sessions with their runbook, operator, progress and age",
	.opts = "json",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_sessions_exec,
};

static const char *
age(long long secs, char *buf, size_t len)
{
	if (secs < 0)
		snprintf(buf, len, "-");
	else if (secs < 3600)
		snprintf(buf, len, "%lldm", secs / 60);
	else if (secs < 86400)
		snprintf(buf, len, "%lldh", secs / 3600);
	else
		snprintf(buf, len, "%lldd", secs / 86400);
	return buf;
}

static int
cmd_sessions_exec(struct cli *cli, int argc, char **argv)
{
	struct store_session	*v = NULL;
	struct store		*st = NULL;
	struct session		*s;
	struct progress		 pr;
	struct store_console	*cons;
	struct diags		 d, quiet;
	struct json		 j;
	struct tm		 tm;
	char			 started[32], ago[32], prog[48];
	char			*rid, *op, *holder, *lab;
	size_t			 n = 0, i;
	time_t			 now = store_now();
	int64_t			 def;
	size_t			 ncons;
	int			 rc;

	(void)argc;
	(void)argv;
	diags_init(&d);
	if ((rc = cli_store(cli, STORE_READONLY, &st, &d)) != STORE_OK ||
	    (rc = store_session_list(st, &v, &n, &d)) != STORE_OK)
		goto out;
	/* The one commands use without --session (never a practice one). */
	diags_init(&quiet);
	if (store_session_latest(st, &def, &quiet) != STORE_OK)
		def = 0;
	diags_free(&quiet);
	if (cli->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "sessions");
		json_arr_begin(&j);
	} else if (n == 0)
		printf("no sessions yet; 'fedwiz start RUNBOOK' begins one\n");
	else
		printf("%4s  %-20s %-12s %-16s %5s  %-13s %s\n", "ID", "RUNBOOK",
		    "OPERATOR", "STARTED", "AGE", "PROGRESS", "STATE");
	for (i = 0; i < n; i++) {
		/* Progress needs the plan; a session whose runbook cannot
		 * load still lists, with what the store knows. */
		diags_init(&quiet);
		memset(&pr, 0, sizeof(pr));
		s = NULL;
		if (session_open(st, v[i].id, catalog_dir(cli->runbooks), &s,
		    &quiet) == STORE_OK)
			session_progress(s, &pr);
		diags_free(&quiet);
		cons = NULL;
		ncons = 0;
		(void)store_consoles(st, v[i].id, &cons, &ncons, &d);
		if (cli->json) {
			json_obj_begin(&j);
			json_kint(&j, "id", (long long)v[i].id);
			json_kstr(&j, "runbook", v[i].runbook_id);
			json_kstr(&j, "operator", v[i].operator);
			json_kstr(&j, "host", v[i].host);
			json_kint(&j, "started", (long long)v[i].started);
			json_kint(&j, "updated", (long long)v[i].updated);
			json_kint(&j, "steps", (long long)pr.steps);
			json_kint(&j, "finished", (long long)pr.finished);
			json_kint(&j, "failed", (long long)pr.failed);
			json_kbool(&j, "open", v[i].closed == 0);
			json_kbool(&j, "default", v[i].id == def);
			json_kbool(&j, "practice", v[i].practice);
			json_kstr(&j, "lab", v[i].lab);
			json_kint(&j, "consoles", (long long)ncons);
			json_obj_end(&j);
		} else {
			if (localtime_r(&v[i].started, &tm) == NULL ||
			    strftime(started, sizeof(started),
			    "%Y-%m-%d %H:%M", &tm) == 0)
				snprintf(started, sizeof(started), "?");
			if (s != NULL)
				snprintf(prog, sizeof(prog), "%zu/%zu%s",
				    pr.finished, pr.steps, pr.failed ?
				    " !" : "");
			else
				snprintf(prog, sizeof(prog), "%zu done",
				    v[i].ndone);
			rid = clean_line(v[i].runbook_id);
			op = clean_line(v[i].operator);
			holder = clean_line(ncons > 0 ? cons[0].operator : "");
			printf("%4lld  %-20s %-12s %-16s %5s  %-13s %s",
			    (long long)v[i].id, rid, op, started,
			    age(sub_sat(now, v[i].updated), ago, sizeof(ago)),
			    prog, v[i].closed ? "closed" : "open");
			if (ncons > 0)
				printf(", %zu console%s (%s%s)", ncons,
				    ncons == 1 ? "" : "s", holder,
				    ncons > 1 ? ", ..." : "");
			/* Last, so the columns before read as they did. */
			if (v[i].practice) {
				lab = clean_line(v[i].lab != NULL ? v[i].lab :
				    "");
				printf(", PRACTICE%s%s", *lab ? " on the lab "
				    "in " : " (not a change record)", lab);
				free(lab);
			}
			if (v[i].id == def)
				printf(", the default");
			printf("\n");
			free(rid);
			free(op);
			free(holder);
		}
		store_consoles_free(cons, ncons);
		session_free(s);
	}
	if (cli->json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_end(&j);
	}
out:
	store_session_list_free(v, n);
	cli_say(&d);
	store_close(st);
	return cli_exit(rc);
}
