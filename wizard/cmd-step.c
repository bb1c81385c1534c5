/* cmd-step.c: fedwiz step PROC[@HOST] STEP done|skip|fail|reopen. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	cmd_step_exec(struct cli *, int, char **);

const struct cmd_entry cmd_step_entry = {
	.name = "step",
	.args = "PROC[@HOST] STEP done|skip|fail|reopen",
	.summary = "record a step's outcome (durable once it returns 0)",
	.opts = "note session operator force accept-drift",
	.min_args = 3,
	.max_args = 3,
	.exec = cmd_step_exec,
};

static const struct {
	const char		*word;
	enum step_status	 to;
	const char		*past;
} actions[] = {
	{ "done", STEP_DONE, "done" },
	{ "skip", STEP_SKIPPED, "skipped" },
	{ "fail", STEP_FAILED, "failed" },
	{ "reopen", STEP_PENDING, "reopened" },
};

static int
cmd_step_exec(struct cli *cli, int argc, char **argv)
{
	struct step_request	 r;
	struct session		*s = NULL;
	struct store		*st = NULL;
	struct diags		 d;
	long long		 sid;
	char			*proc, *at, *end;
	size_t			 i;
	int			 rc, changed;
	char			 sw[48];

	(void)argc;
	diags_init(&d);
	memset(&r, 0, sizeof(r));
	for (i = 0; i < nitems(actions); i++)
		if (strcmp(argv[2], actions[i].word) == 0)
			break;
	if (i == nitems(actions)) {
		diags_add(&d, "fedwiz step", 0, 0, "\"%s\" is not an outcome: "
		    "give done, skip, fail or reopen", argv[2]);
		return cli_bad_input(&d);
	}
	r.to = actions[i].to;
	r.step = (size_t)strtoul(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || *argv[1] == '-') {
		diags_add(&d, "fedwiz step", 0, 0, "\"%s\" is not a step number "
		    "(steps count from 1)", argv[1]);
		return cli_bad_input(&d);
	}
	if ((sid = cli_session(cli, &d)) < 0 || cli_note(cli, &d) == -1 ||
	    (r.operator = cli_operator(cli, &d)) == NULL)
		return cli_bad_input(&d);
	proc = xstrdup(argv[0]);
	if ((at = strchr(proc, '@')) != NULL) {
		*at++ = '\0';
		if (*at == '\0') {
			free(proc);
			diags_add(&d, "fedwiz step", 0, 0, "\"%s\" ends in '@': "
			    "give PROC@HOST", argv[0]);
			return cli_bad_input(&d);
		}
	}
	r.proc = proc;
	r.host = at;
	r.note = cli->note;
	r.force = cli->force;
	r.accept_drift = cli->accept_drift;

	if ((rc = cli_store(cli, 0, &st, &d)) != STORE_OK)
		goto out;
	if ((rc = session_open(st, sid, catalog_dir(cli->runbooks), &s, &d)) !=
	    STORE_OK)
		goto out;
	rc = session_step(s, &r, &changed, &d);
	/* The session says what to decide; here that is a flag. */
	if (rc != STORE_OK)
		switch (session_step_needs(s, &r)) {
		case STEP_NEED_DRIFT:
			diags_add(&d, "fedwiz step", 0, 0, "review it with "
			    "'fedwiz status%s'; --accept-drift accepts it",
			    session_which(s, sw, sizeof(sw)));
			break;
		case STEP_NEED_OVERRIDE:
			diags_add(&d, "fedwiz step", 0, 0, "--force records "
			    "it anyway");
			break;
		case STEP_NEED_NOTE:
			diags_add(&d, "fedwiz step", 0, 0, "say why with "
			    "--note TEXT");
			break;
		case STEP_NEED_NOTHING:
			break;
		}
	if (rc == STORE_OK)
		diags_add(&d, store_path(st), 0, 0, changed ?
		    "session %lld: %s%s%s step %zu %s" :
		    "session %lld: %s%s%s step %zu was already %s; nothing "
		    "changed", (long long)s->id, r.proc, r.host ? "@" : "",
		    r.host ? r.host : "", r.step, actions[i].past);
out:
	cli_say(&d);
	session_free(s);
	store_close(st);
	free(proc);
	return cli_exit(rc);
}
