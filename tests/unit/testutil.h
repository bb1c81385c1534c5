/* testutil.h: what every unit test needs: cmocka, and runbooks from text. */
#ifndef FEDWIZ_TESTUTIL_H
#define FEDWIZ_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runbook.h"
#include "util.h"

/* The source tree (make check exports it; tests run from anywhere). */
static inline const char *
srcdir(void)
{
	const char	*s = getenv("FEDWIZ_SRCDIR");

	return s != NULL ? s : ".";
}

/* A runbook from text; fails the test with the diagnostics if it does
 * not load. */
static inline struct runbook *
rb_from(const char *text)
{
	struct runbook	*rb = NULL;
	struct diags	 d;

	diags_init(&d);
	if (runbook_parse("t.yaml", text, strlen(text), &rb, &d) == -1) {
		diags_print(&d, stderr);
		fail_msg("runbook text did not load");
	}
	diags_free(&d);
	return rb;
}

/* The first diagnostic for text that must not load, "line:col: msg". */
static inline char *
rb_first_error(const char *text)
{
	struct runbook	*rb = NULL;
	struct diags	 d;
	char		*s;

	diags_init(&d);
	assert_int_equal(runbook_parse("t.yaml", text, strlen(text), &rb, &d),
	    -1);
	assert_null(rb);
	assert_true(d.n > 0);
	s = xasprintf("%d:%d: %s", d.v[0].line, d.v[0].col, d.v[0].msg);
	diags_free(&d);
	return s;
}

#define assert_contains(hay, needle) do {				\
	if (strstr((hay), (needle)) == NULL)				\
		fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle)); \
} while (0)

/* A minimal runbook header to prepend to procedures. */
#define RB_HEAD "id: t\ntitle: T\nsource: t.txt\nsummary: s\n"

#endif
