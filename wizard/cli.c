/* cli.c: what the commands share: store opening, exit codes, options. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "store.h"
#include "util.h"

int
cli_bad_input(struct diags *d)
{
	cli_say(d);
	return EXIT_USAGE;
}

void
cli_say(struct diags *d)
{
	diags_print(d, stderr);
	diags_free(d);
}

int
cli_exit(int store_rc)
{
	switch (store_rc) {
	case STORE_OK:
		return EXIT_OK;
	case STORE_EINPUT:
	case STORE_ESTATE:
		return EXIT_USAGE;
	default:
		return EXIT_ENV;
	}
}

int
cli_store(const struct cli *cli, int flags, struct store **st,
    struct diags *d)
{
	const char	*path = cli->state;

	if (path == NULL && (path = getenv("FEDWIZ_STATE")) != NULL &&
	    *path == '\0')
		path = NULL;
	return store_open(path, flags, st, d);
}

long long
cli_session(const struct cli *cli, struct diags *d)
{
	char		*end;
	long long	 v;

	if (cli->session == NULL)
		return 0;
	v = strtoll(cli->session, &end, 10);
	if (*cli->session == '\0' || *end != '\0' || v <= 0) {
		diags_add(d, "--session", 0, 0, "\"%s\" is not a session number "
		    "('fedwiz sessions' lists them)", cli->session);
		return -1;
	}
	return v;
}

int
cli_target(const struct cli *cli, int flags, struct store **st, int64_t *id,
    struct diags *d)
{
	long long	sid;
	int		rc;

	*st = NULL;
	if ((sid = cli_session(cli, d)) < 0)
		return STORE_EINPUT;
	if ((rc = cli_store(cli, flags, st, d)) != STORE_OK)
		return rc;
	*id = sid;
	if (sid == 0 && (rc = store_session_latest(*st, id, d)) != STORE_OK) {
		store_close(*st);
		*st = NULL;
	}
	return rc;
}
