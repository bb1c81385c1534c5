/* fuzz_cond.c: any bytes as a `when` condition and as a template. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "template.h"
#include "util.h"

static const char *
lookup(void *ctx, const char *name)
{
	(void)ctx;
	return name[0] == 'a' ? "true" : name[0] == 'b' ? "tls" : NULL;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct arena	*a = arena_new();
	struct cond	*c;
	char		*s, err[200], *x;
	const char	*why;
	size_t		 off;

	s = xstrndup((const char *)data, len);	/* stops at a NUL, as YAML */
	if (cond_parse(s, a, &c, &off, err, sizeof(err)) == 0)
		(void)cond_eval(c, lookup, NULL);
	else if (off > strlen(s))
		abort();	/* an error offset outside the text */
	if (tmpl_scan(s, NULL, NULL, &off, &why) == 0) {
		x = tmpl_expand(s, lookup, NULL);
		free(x);
	}
	free(s);
	arena_free(a);
	return 0;
}
