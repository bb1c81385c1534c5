/* fuzz_runbook.c: any bytes as a runbook: load, order, plan, expand every
 * step. Must never crash, leak or read out of bounds. The same bytes are
 * also loaded as a file is (values left in place): the messages, the hash
 * and every procedure's fingerprint must be the same both ways. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "runbook.h"
#include "template.h"
#include "util.h"

static const char *
lookup(void *ctx, const char *name)
{
	return scope_lookup(ctx, name);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Copied bytes and bytes changed in place give the same runbook. */
static void
same_in_place(const uint8_t *data, size_t len)
{
	struct runbook	*a = NULL, *b = NULL;
	struct diags	 da, db;
	char		*buf, fa[65], fb[65];
	size_t		 i;
	int		 ra, rb;

	diags_init(&da);
	diags_init(&db);
	buf = xmalloc(len + 1);
	memcpy(buf, data, len);
	buf[len] = '\0';
	ra = runbook_parse("fuzz.yaml", (const char *)data, len, &a, &da);
	rb = runbook_parse_owned("fuzz.yaml", buf, len, &b, &db);
	if (rb == -1)
		free(buf);
	if (ra != rb || da.n != db.n || da.dropped != db.dropped)
		abort();
	for (i = 0; i < da.n; i++)
		if (da.v[i].line != db.v[i].line ||
		    da.v[i].col != db.v[i].col ||
		    strcmp(da.v[i].msg, db.v[i].msg) != 0)
			abort();
	if (ra == 0) {
		if (strcmp(a->hash, b->hash) != 0 || a->nprocs != b->nprocs)
			abort();
		for (i = 0; i < a->nprocs; i++) {
			runbook_proc_fingerprint(&a->procs[i], fa);
			runbook_proc_fingerprint(&b->procs[i], fb);
			if (strcmp(fa, fb) != 0)
				abort();
		}
	}
	runbook_free(a);
	runbook_free(b);
	diags_free(&da);
	diags_free(&db);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct runbook	*rb;
	struct plan	*pl;
	struct diags	 d;
	struct scope	 sc;
	size_t		 i, k;
	char		*x;

	same_in_place(data, len);
	diags_init(&d);
	if (runbook_parse("fuzz.yaml", (const char *)data, len, &rb, &d) == 0) {
		if (plan_build(rb, NULL, NULL, NULL, &pl, &d) == 0) {
			for (i = 0; i < pl->n; i++) {
				plan_inst_scope(pl, &pl->inst[i], &sc);
				for (k = 0; k < pl->inst[i].proc->nsteps; k++) {
					x = tmpl_expand(pl->inst[i].proc->steps[k].do_,
					    lookup, &sc);
					free(x);
				}
			}
			plan_free(pl);
		}
		runbook_free(rb);
	}
	diags_free(&d);
	return 0;
}
