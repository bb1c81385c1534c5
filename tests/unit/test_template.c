/* test_template.c: ${name} scanning and expansion. */
#include "config.h"

#include "template.h"
#include "testutil.h"

static const char *
lookup(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "imp_fqdn") == 0)
		return "imp1.example.com";
	if (strcmp(name, "port") == 0)
		return "5062";
	return NULL;
}

static void
expand_is(const char *in, const char *want)
{
	char	*out = tmpl_expand(in, lookup, NULL);

	assert_string_equal(out, want);
	free(out);
}

static void
test_template_expands(void **state)
{
	(void)state;
	expand_is("-Destination ${imp_fqdn} -Port ${port}",
	    "-Destination imp1.example.com -Port 5062");
	expand_is("${imp_fqdn}${port}", "imp1.example.com5062");
	expand_is("no refs", "no refs");
	expand_is("", "");
}

static void
test_template_unanswered_shows_name(void **state)
{
	(void)state;
	expand_is("http://${ca_server}/certsrv", "http://<ca_server>/certsrv");
}

static void
test_template_dollar_is_literal(void **state)
{
	(void)state;
	/* PowerShell reads naturally; $${ is a literal ${. */
	expand_is("$tlsRoute = New-CsStaticRoute -UseDefaultCertificate $true",
	    "$tlsRoute = New-CsStaticRoute -UseDefaultCertificate $true");
	expand_is("Set-CsStaticRoutingConfiguration -Route @{Add=$tlsRoute}",
	    "Set-CsStaticRoutingConfiguration -Route @{Add=$tlsRoute}");
	expand_is("$${env:PATH} and ${port}", "${env:PATH} and 5062");
	expand_is("trailing $", "trailing $");
}

struct refs {
	char	buf[256];
};

static void
collect(void *arg, const char *name, size_t off)
{
	struct refs	*r = arg;
	size_t		 len = strlen(r->buf);

	snprintf(r->buf + len, sizeof(r->buf) - len, "%s@%zu ", name, off);
}

static void
test_template_scan_visits_refs(void **state)
{
	struct refs	 r = { "" };
	const char	*why = NULL;
	size_t		 bad = 0;

	(void)state;
	assert_int_equal(tmpl_scan("a ${x} $${y} ${z_2}", collect, &r, &bad,
	    &why), 0);
	assert_string_equal(r.buf, "x@2 z_2@13 ");
}

static void
scan_fails(const char *s, size_t want_off, const char *want)
{
	const char	*why = NULL;
	size_t		 bad = 999;

	assert_int_equal(tmpl_scan(s, NULL, NULL, &bad, &why), -1);
	assert_int_equal(bad, want_off);
	assert_contains(why, want);
}

static void
test_template_scan_rejects_malformed(void **state)
{
	(void)state;
	scan_fails("go ${imp", 3, "unterminated");
	scan_fails("${}", 0, "empty");
	scan_fails("x ${Imp}", 2, "lower-case");
	scan_fails("${a b}", 0, "lower-case letters, digits and _");
}

static void
test_template_single(void **state)
{
	char	*name = NULL;

	(void)state;
	assert_true(tmpl_is_single("${port}", &name));
	assert_string_equal(name, "port");
	free(name);
	assert_false(tmpl_is_single("${port} ", &name));
	assert_false(tmpl_is_single("5062", &name));
	assert_false(tmpl_is_single("x${port}", &name));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_expands),
		cmocka_unit_test(test_template_unanswered_shows_name),
		cmocka_unit_test(test_template_dollar_is_literal),
		cmocka_unit_test(test_template_scan_visits_refs),
		cmocka_unit_test(test_template_scan_rejects_malformed),
		cmocka_unit_test(test_template_single),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
