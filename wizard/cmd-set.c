/*
 * cmd-set.c: fedwiz set VAR=VALUE [--host NAME]: edit an answer during a
 * session. One event in the hash chain; the evidence of the steps that
 * used the old value goes stale, and the command says which to re-verify.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	cmd_set_exec(struct cli *, int, char **);

const struct cmd_entry cmd_set_entry = {
	.name = "set",
	.args = "VAR=VALUE",
	.summary = "edit an answer during a session (an event; the evidence "
	    "that used the old value goes stale)",
	.opts = "host session operator",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_set_exec,
};

/* "re-verify: a@fe1 step 2 (done), ..." for the operator. */
void
cli_say_reverify(const struct session *s, const struct edit_result *res,
    struct diags *d)
{
	struct buf	b;
	size_t		i;
	char		sw[48];

	if (res->n == 0) {
		diags_add(d, store_path(s->st), 0, 0, "session %lld: %s; no "
		    "finished step and no evidence used it", (long long)s->id,
		    res->what);
		return;
	}
	buf_init(&b);
	for (i = 0; i < res->n; i++)
		buf_printf(&b, "%s%s%s%s step %zu (%s)", i ? ", " : "",
		    res->v[i].proc, res->v[i].host ? "@" : "",
		    res->v[i].host ? res->v[i].host : "", res->v[i].step,
		    res->v[i].status != STEP_PENDING ?
		    plan_step_status_name(res->v[i].status) : "has evidence");
	diags_add(d, store_path(s->st), 0, 0, "session %lld: %s", (long long)
	    s->id, res->what);
	diags_add(d, store_path(s->st), 0, 0, "re-verify %zu step%s that "
	    "used what changed (%zu piece%s of evidence now stale): %s; "
	    "'fedwiz check --session %lld --procedure ID' runs their checks "
	    "again, 'fedwiz step ... reopen%s' redoes one", res->n, res->n ==
	    1 ? "" : "s", res->nstale, res->nstale == 1 ? "" : "s", b.s,
	    (long long)s->id, session_which(s, sw, sizeof(sw)));
	buf_free(&b);
}

static int
cmd_set_exec(struct cli *cli, int argc, char **argv)
{
	struct edit_result	 res;
	struct session		*s = NULL;
	struct store		*st = NULL;
	struct diags		 d;
	const char		*eq, *op;
	char			*name = NULL, *at, *host;
	long long		 sid;
	int			 rc;

	(void)argc;
	diags_init(&d);
	memset(&res, 0, sizeof(res));
	if ((eq = strchr(argv[0], '=')) == NULL || eq == argv[0]) {
		diags_add(&d, "fedwiz set", 0, 0, "\"%s\" is not VAR=VALUE",
		    argv[0]);
		return cli_bad_input(&d);
	}
	if ((sid = cli_session(cli, &d)) < 0 ||
	    (op = cli_operator(cli, &d)) == NULL)
		return cli_bad_input(&d);
	name = xstrndup(argv[0], (size_t)(eq - argv[0]));
	host = (char *)(uintptr_t)cli->host;
	/* VAR@HOST=VALUE, as --set takes it, is the same as --host. */
	if ((at = strchr(name, '@')) != NULL) {
		*at++ = '\0';
		if (host != NULL && strcmp(host, at) != 0) {
			diags_add(&d, "fedwiz set", 0, 0, "\"%s\" names host %s "
			    "and --host %s: give one", argv[0], at, host);
			free(name);
			return cli_bad_input(&d);
		}
		host = at;
	}
	if ((rc = cli_store(cli, 0, &st, &d)) != STORE_OK)
		goto out;
	if ((rc = session_open(st, sid, catalog_dir(cli->runbooks), &s, &d)) !=
	    STORE_OK)
		goto out;
	if ((rc = session_set(s, name, host, eq + 1, op, &res, &d)) !=
	    STORE_OK)
		goto out;
	if (!res.changed)
		diags_add(&d, store_path(st), 0, 0, "session %lld: %s; nothing "
		    "changed", (long long)s->id, res.what);
	else
		cli_say_reverify(s, &res, &d);
out:
	cli_say(&d);
	edit_result_free(&res);
	session_free(s);
	store_close(st);
	free(name);
	return cli_exit(rc);
}
