/*
 * cmd-close.c: the two commands that end something about one session, in
 * one place because they do the same thing: resolve --session (else the
 * latest open one), make one logged change in the store, say it.
 *
 *   fedwiz close: the session is over (the window closed, the change is
 *   done or abandoned); it stays for reports and audits.
 *   fedwiz unlock: sessions are not locked any more (any number of
 *   consoles record on one at once); it forgets the consoles listed on
 *   the session from machines that are gone, before their entries
 *   expire.
 */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int	cmd_close_exec(struct cli *, int, char **);
static int	cmd_unlock_exec(struct cli *, int, char **);

const struct cmd_entry cmd_close_entry = {
	.name = "close",
	.args = "",
	.summary = "close a session (kept for reports; no longer the default)",
	.opts = "session note operator",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_close_exec,
};

const struct cmd_entry cmd_unlock_entry = {
	.name = "unlock",
	.args = "",
	.summary = "forget the consoles listed on a session from machines that "
	    "are gone (sessions are not locked: several consoles work one at "
	    "once)",
	.opts = "session operator",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_unlock_exec,
};

enum act {
	ACT_CLOSE,
	ACT_UNLOCK
};

static int
act(struct cli *cli, enum act what)
{
	struct store	*st = NULL;
	struct diags	 d;
	const char	*op;
	int64_t		 id;
	size_t		 n;
	int		 rc;

	diags_init(&d);
	if ((op = cli_operator(cli, &d)) == NULL || cli_note(cli, &d) == -1)
		return cli_bad_input(&d);
	if ((rc = cli_target(cli, 0, &st, &id, &d)) != STORE_OK)
		goto out;
	if (what == ACT_UNLOCK) {
		if ((rc = store_consoles_forget(st, id, &n, &d)) == STORE_OK)
			diags_add(&d, store_path(st), 0, 0, "session %lld: %zu "
			    "console%s of other machines forgotten (those on "
			    "this machine go by themselves when their process "
			    "does); sessions are not locked: any number of "
			    "consoles record on one at once", (long long)id, n,
			    n == 1 ? "" : "s");
		goto out;
	}
	rc = store_session_close(st, id, op, cli->note, &d);
	/* The window is over: fedwiz.db alone now holds it all, for a
	 * copy made with cp. */
	if (rc == STORE_OK)
		(void)store_checkpoint(st);
	if (rc == STORE_OK && d.n == 0)
		diags_add(&d, store_path(st), 0, 0, "session %lld closed; "
		    "'fedwiz report --session %lld --format md' still writes its "
		    "record (html and json too)",
		    (long long)id, (long long)id);
out:
	cli_say(&d);
	store_close(st);
	return cli_exit(rc);
}

static int
cmd_close_exec(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return act(cli, ACT_CLOSE);
}

static int
cmd_unlock_exec(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return act(cli, ACT_UNLOCK);
}
