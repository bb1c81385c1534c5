/* fuzz_answers.c: any bytes as an answers file for a runbook with every
 * variable type and a many-host role. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "plan.h"
#include "runbook.h"
#include "util.h"

static const char rb_text[] =
    "id: t\ntitle: T\nsource: s\nsummary: s\n"
    "vars:\n"
    "  - { name: f, prompt: F, type: fqdn }\n"
    "  - { name: p, prompt: P, type: port, default: 5062 }\n"
    "  - { name: c, prompt: C, type: choice, choices: [tcp, tls] }\n"
    "  - { name: b, prompt: B, type: bool }\n"
    "  - { name: o, prompt: O, type: oid-list }\n"
    "  - { name: i, prompt: I, type: int, min: 1, max: 9 }\n"
    "roles:\n"
    "  - { id: fe, title: FE, profile: windows, many: true }\n"
    "  - { id: ca, title: CA, profile: windows }\n"
    "procedures:\n"
    "  - { id: a, title: A, on: fe, when: 'c == \"tls\"', steps: [ {do: '${host} ${f}'} ] }\n"
    "  - { id: z, title: Z, requires: [a], steps: [ {do: x} ] }\n";

static struct runbook *rb;

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct answers	*a;
	struct plan	*pl;
	struct diags	 d;

	diags_init(&d);
	if (rb == NULL && runbook_parse("rb.yaml", rb_text, strlen(rb_text),
	    &rb, &d) == -1)
		abort();
	a = answers_new();
	if (answers_parse(a, rb, "fuzz.yaml", (const char *)data, len,
	    &d) == 0 && plan_build(rb, a, NULL, NULL, &pl, &d) == 0)
		plan_free(pl);
	answers_free(a);
	diags_free(&d);
	return 0;
}
