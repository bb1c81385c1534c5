/* cmd-audit.c: fedwiz audit verify: walk the event log's hash chain. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "store.h"
#include "util.h"

static int	cmd_audit_verify(struct cli *, int, char **);

static const struct cmd_entry cmd_audit_verify_entry = {
	.name = "verify",
	.args = "",
	.summary = "check the event log's hash chain; names the first broken "
	    "row",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_audit_verify,
};

static const struct cmd_entry *const audit_commands[] = {
	&cmd_audit_verify_entry,
	NULL
};

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.args = "",
	.summary = "the event log of every session",
	.sub = audit_commands,
};

static int
cmd_audit_verify(struct cli *cli, int argc, char **argv)
{
	struct store	*st = NULL;
	struct diags	 d;
	size_t		 count;
	int64_t		 bad;
	int		 rc;

	(void)argc;
	(void)argv;
	diags_init(&d);
	if ((rc = cli_store(cli, STORE_READONLY, &st, &d)) != STORE_OK) {
		cli_say(&d);
		return cli_exit(rc);
	}
	rc = store_audit_verify(st, &count, &bad, &d);
	if (rc == STORE_OK)
		printf("%s: audit chain verified: %zu events, each following "
		    "the one before\n", store_path(st), count);
	else if (bad > 0)
		fprintf(stderr, "%s: audit chain BROKEN at event %lld (the %zu "
		    "events before it verify)\n", store_path(st),
		    (long long)bad, count);
	cli_say(&d);
	store_close(st);
	/* A broken chain is a failed check, not bad usage. */
	return rc == STORE_OK ? EXIT_OK : bad > 0 ? EXIT_CHECK : cli_exit(rc);
}
