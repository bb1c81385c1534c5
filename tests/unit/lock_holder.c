/*
 * lock_holder: hold a session's lock the way the console wizard will, for
 * the tests that need a live (or freshly killed) holder.
 *
 *   lock_holder DB SESSION OPERATOR
 *
 * Opens the store, takes the long-lived lock with store_lock(), prints
 * "locked" and sleeps until killed. Exit 3 (and the store's message) when
 * the lock cannot be had, 2 on bad usage or a database fedwiz refuses.
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
	struct store		*st = NULL;
	struct store_lock	 holder;
	struct diags		 d;
	char			*end;
	long long		 id;
	int			 rc;

	if (argc != 4) {
		fprintf(stderr, "usage: lock_holder DB SESSION OPERATOR\n");
		return 2;
	}
	id = strtoll(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || id <= 0) {
		fprintf(stderr, "lock_holder: \"%s\" is not a session\n",
		    argv[2]);
		return 2;
	}
	diags_init(&d);
	memset(&holder, 0, sizeof(holder));
	if ((rc = store_open(argv[1], 0, &st, &d)) == STORE_OK)
		rc = store_lock(st, id, argv[3], &holder, &d);
	diags_print(&d, stderr);
	diags_free(&d);
	store_lock_clear(&holder);
	if (rc != STORE_OK) {
		store_close(st);
		return rc == STORE_EINPUT || rc == STORE_ESTATE ? 2 : 3;
	}
	printf("locked\n");
	fflush(stdout);
	/* Hold it, connection open and no transaction, until killed. */
	for (;;)
		pause();
}
