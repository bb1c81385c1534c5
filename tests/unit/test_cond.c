/* test_cond.c: `when` conditions parse, fail where they should, and
 * evaluate in three-valued logic. */
#include "config.h"

#include "cond.h"
#include "testutil.h"

struct kv {
	const char	*k;
	const char	*v;
};

static const struct kv vals[] = {
	{ "transport", "tls" },
	{ "edition", "enterprise" },
	{ "fips", "true" },
	{ "legacy", "false" },
};

static const char *
lookup(void *ctx, const char *name)
{
	size_t	i;

	(void)ctx;
	for (i = 0; i < nitems(vals); i++)
		if (strcmp(vals[i].k, name) == 0)
			return vals[i].v;
	return NULL;	/* "ca_version" and others: unanswered */
}

static enum tristate
eval(const char *src)
{
	struct arena	*a = arena_new();
	struct cond	*c;
	enum tristate	 t;
	char		 err[200];
	size_t		 off;

	if (cond_parse(src, a, &c, &off, err, sizeof(err)) == -1)
		fail_msg("\"%s\" did not parse: %zu: %s", src, off, err);
	t = cond_eval(c, lookup, NULL);
	arena_free(a);
	return t;
}

/* Parse failure: the offset and a message naming what was expected. */
static void
expect_error(const char *src, size_t want_off, const char *want)
{
	struct arena	*a = arena_new();
	struct cond	*c;
	char		 err[200];
	size_t		 off = 9999;

	assert_int_equal(cond_parse(src, a, &c, &off, err, sizeof(err)), -1);
	assert_int_equal(off, want_off);
	assert_contains(err, want);
	arena_free(a);
}

static void
test_cond_comparisons(void **state)
{
	(void)state;
	assert_int_equal(eval("transport == \"tls\""), T_TRUE);
	assert_int_equal(eval("transport == 'tcp'"), T_FALSE);
	assert_int_equal(eval("transport != \"tcp\""), T_TRUE);
	assert_int_equal(eval("\"tls\" == transport"), T_TRUE);
	assert_int_equal(eval("edition in [\"standard\", \"enterprise\"]"),
	    T_TRUE);
	assert_int_equal(eval("edition in [\"standard\"]"), T_FALSE);
	assert_int_equal(eval("fips"), T_TRUE);
	assert_int_equal(eval("legacy"), T_FALSE);
	assert_int_equal(eval("fips == true"), T_TRUE);
	assert_int_equal(eval("true"), T_TRUE);
}

static void
test_cond_precedence(void **state)
{
	(void)state;
	/* and binds tighter than or; not tighter than and. */
	assert_int_equal(eval("legacy and fips or fips"), T_TRUE);
	assert_int_equal(eval("legacy and (fips or fips)"), T_FALSE);
	assert_int_equal(eval("not legacy and fips"), T_TRUE);
	assert_int_equal(eval("not (legacy or fips)"), T_FALSE);
	assert_int_equal(eval("not not fips"), T_TRUE);
}

static void
test_cond_unknown_is_three_valued(void **state)
{
	(void)state;
	assert_int_equal(eval("ca_version == \"2003\""), T_UNKNOWN);
	/* Decided without the unknown operand. */
	assert_int_equal(eval("ca_version == \"2003\" or fips"), T_TRUE);
	assert_int_equal(eval("ca_version == \"2003\" and legacy"), T_FALSE);
	/* Undecided otherwise. */
	assert_int_equal(eval("ca_version == \"2003\" and fips"), T_UNKNOWN);
	assert_int_equal(eval("not (ca_version == \"2003\")"), T_UNKNOWN);
	assert_int_equal(eval("ca_version in [\"2003\"]"), T_UNKNOWN);
}

static void
test_cond_errors_are_located(void **state)
{
	(void)state;
	expect_error("", 0, "empty condition");
	expect_error("transport ==", 12, "expected a variable or a value");
	expect_error("transport = \"tls\"", 10, "compare with \"==\"");
	expect_error("fips && legacy", 5, "use \"and\"/\"or\"");
	expect_error("fips and", 8, "expected a variable or a value");
	expect_error("(fips or legacy", 15, "expected \")\"");
	expect_error("transport == \"tls", 13, "unterminated string");
	expect_error("\"tls\"", 0, "a value alone is not a condition");
	expect_error("fips legacy", 5, "expected \"and\", \"or\" or the end");
	expect_error("edition in \"a\"", 11, "expected \"[\" after \"in\"");
	expect_error("edition in [standard]", 12, "quote \"standard\"");
	expect_error("edition in [\"a\" \"b\"]", 16, "expected \",\" or \"]\"");
	expect_error("fips $ legacy", 5, "unexpected character '$'");
}

static void
test_cond_depth_is_bounded(void **state)
{
	struct buf	b;
	int		i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 1000; i++)
		buf_addc(&b, '(');
	buf_adds(&b, "fips");
	expect_error(b.s, 32, "nested too deep");
	buf_free(&b);
	buf_init(&b);
	for (i = 0; i < 1000; i++)
		buf_adds(&b, "not ");
	buf_adds(&b, "fips");
	expect_error(b.s, 128, "nested too deep");
	buf_free(&b);
}

struct seen {
	char	names[8][32];
	int	n;
};

static void
walk_cb(void *arg, const char *name, size_t off)
{
	struct seen	*s = arg;

	(void)off;
	snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", name);
}

static void
cmp_cb(void *arg, const char *name, const char *lit, size_t off)
{
	struct seen	*s = arg;

	snprintf(s->names[s->n++], sizeof(s->names[0]), "%s=%s@%zu", name, lit,
	    off);
}

static void
test_cond_walks(void **state)
{
	struct arena	*a = arena_new();
	struct cond	*c;
	struct seen	 s = { .n = 0 };
	char		 err[100];
	size_t		 off;

	(void)state;
	assert_int_equal(cond_parse("edition == \"x\" and not fips or "
	    "transport in ['a', 'b']", a, &c, &off, err, sizeof(err)), 0);
	cond_walk_vars(c, walk_cb, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], "edition");
	assert_string_equal(s.names[1], "fips");
	assert_string_equal(s.names[2], "transport");
	s.n = 0;
	cond_walk_compare(c, cmp_cb, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], "edition=x@11");
	assert_string_equal(s.names[1], "transport=a@45");
	assert_string_equal(s.names[2], "transport=b@50");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cond_comparisons),
		cmocka_unit_test(test_cond_precedence),
		cmocka_unit_test(test_cond_unknown_is_three_valued),
		cmocka_unit_test(test_cond_errors_are_located),
		cmocka_unit_test(test_cond_depth_is_bounded),
		cmocka_unit_test(test_cond_walks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
