/*
 * store-latency.c: what one durable step transition costs, in-process, and
 * the floor under any durable record (append a line, fsync). Also fills a
 * session with a step row for every applicable step, for the status
 * benchmark. Built and run by bench/store.sh against libfedwiz.a.
 *
 *   store-latency latency DB N
 *   store-latency fill DB RUNBOOKS SESSION
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "store.h"
#include "util.h"

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *what, double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%-46s median %7.3f ms  p90 %7.3f  p99 %7.3f  (n=%d)\n", what,
	    t[n / 2], t[n * 9 / 10], t[n * 99 / 100], n);
}

static int
latency(const char *db, int n)
{
	struct store	*st;
	struct diags	 d;
	double		*t = xcalloc((size_t)n, sizeof(*t)), a;
	char		*path;
	int64_t		 sid;
	int		 i, changed, fd;

	diags_init(&d);
	if (store_open(db, 0, &st, &d) != STORE_OK ||
	    store_session_create(st, "bench", "0", "id: bench\n", 10, "bench",
	    0, NULL, &sid, &d) != STORE_OK) {
		diags_print(&d, stderr);
		return 1;
	}
	for (i = 0; i < n; i++) {
		a = now_ms();
		if (store_step_set(st, sid, "proc", "fe1", (size_t)(i / 2 % 50) +
		    1, i % 2 ? STEP_PENDING : STEP_DONE, "bench", "bench", NULL,
		    STEP_VIA_OPERATOR, &changed, &d) != STORE_OK || !changed) {
			diags_print(&d, stderr);
			return 1;
		}
		t[i] = now_ms() - a;
	}
	report("store_step_set (one transaction, fsync)", t, n);
	store_close(st);

	path = xasprintf("%s.log", db);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	for (i = 0; i < n; i++) {
		a = now_ms();
		if (write(fd, "fe1 proc step 1 done bench\n", 27) != 27 ||
		    fsync(fd) == -1)
			return 1;
		t[i] = now_ms() - a;
	}
	close(fd);
	report("append a line + fsync (the floor)", t, n);
	free(path);
	free(t);
	diags_free(&d);
	return 0;
}

static int
fill(const char *db, const char *dir, long long id)
{
	struct store		*st;
	struct session		*s;
	struct diags		 d;
	const struct plan_inst	*in;
	size_t			 i, k, rows = 0;
	int			 changed;

	diags_init(&d);
	if (store_open(db, 0, &st, &d) != STORE_OK ||
	    session_open(st, id, dir, &s, &d) != STORE_OK) {
		diags_print(&d, stderr);
		return 1;
	}
	for (i = 0; i < s->plan->n; i++) {
		in = &s->plan->inst[i];
		if (in->applies == T_FALSE)
			continue;
		for (k = 0; k < in->proc->nsteps; k++) {
			if (in->step_na[k])
				continue;
			if (store_step_set(st, s->id, in->proc->id, in->host ?
			    in->host->name : NULL, k + 1, (i + k) % 7 ?
			    STEP_DONE : STEP_SKIPPED, "filled by bench", "bench",
			    NULL, STEP_VIA_OPERATOR, &changed, &d) != STORE_OK) {
				diags_print(&d, stderr);
				return 1;
			}
			rows++;
		}
	}
	printf("filled %zu step rows over %zu instances\n", rows, s->plan->n);
	session_free(s);
	store_close(st);
	diags_free(&d);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "latency") == 0)
		return latency(argv[2], atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "fill") == 0)
		return fill(argv[2], argv[3], atoll(argv[4]));
	fprintf(stderr, "usage: store-latency latency DB N | "
	    "fill DB RUNBOOKS SESSION\n");
	return 2;
}
