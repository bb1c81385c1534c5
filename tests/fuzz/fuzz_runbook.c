/* fuzz_runbook.c: any bytes as a runbook: load, order, plan, expand every
 * step. Must never crash, leak or read out of bounds. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct runbook	*rb;
	struct plan	*pl;
	struct diags	 d;
	struct scope	 sc;
	size_t		 i, k;
	char		*x;

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
