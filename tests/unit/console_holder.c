/*
 * console_holder: be an open console on a session the way the wizard is
 * (registered, connection open, no transaction held), for the tests that
 * need a live (or freshly killed) console beside the commands.
 *
 *   console_holder DB SESSION OPERATOR
 *
 * Opens the store, registers with store_console_join(), prints "joined"
 * and sleeps until killed. Exit 3 (and the store's message) when it
 * cannot, 2 on bad usage or a database fedwiz refuses.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct store	*st = NULL;
	struct diags	 d;
	char		*end;
	long long	 id;
	int64_t		 cid;
	int		 rc;

	if (argc != 4) {
		fprintf(stderr, "usage: console_holder DB SESSION OPERATOR\n");
		return 2;
	}
	id = strtoll(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || id <= 0) {
		fprintf(stderr, "console_holder: \"%s\" is not a session\n",
		    argv[2]);
		return 2;
	}
	diags_init(&d);
	if ((rc = store_open(argv[1], 0, &st, &d)) == STORE_OK)
		rc = store_console_join(st, id, argv[3], "wizard", &cid, &d);
	diags_print(&d, stderr);
	diags_free(&d);
	if (rc != STORE_OK) {
		store_close(st);
		return rc == STORE_EINPUT || rc == STORE_ESTATE ? 2 : 3;
	}
	printf("joined\n");
	fflush(stdout);
	/* Stay, connection open and no transaction, until killed. */
	for (;;)
		pause();
}
