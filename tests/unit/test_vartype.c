/* test_vartype.c: each variable type accepts what it should and says why
 * it refuses the rest. */
#include "config.h"

#include "testutil.h"
#include "vartype.h"

static void
ok(enum vartype t, const char *v, const char *want_norm)
{
	struct varspec	 sp = { .type = t };
	char		 why[200] = "", *norm = NULL;

	if (vartype_check(&sp, v, &norm, why, sizeof(why)) == -1)
		fail_msg("%s \"%s\" refused: %s", vartype_name(t), v, why);
	assert_string_equal(norm, want_norm ? want_norm : v);
	free(norm);
}

static void
bad(enum vartype t, const char *v, const char *want)
{
	struct varspec	sp = { .type = t };
	char		why[200] = "";

	if (vartype_check(&sp, v, NULL, why, sizeof(why)) == 0)
		fail_msg("%s \"%s\" accepted", vartype_name(t), v);
	assert_contains(why, want);
}

static void
test_vartype_fqdn(void **state)
{
	(void)state;
	ok(VT_FQDN, "pool1.example.com", NULL);
	ok(VT_FQDN, "pool1.example.com.", "pool1.example.com");
	ok(VT_FQDN, "ne011a-lyncent.rcdnlync.com", NULL);
	bad(VT_FQDN, "pool1", "single label");
	bad(VT_FQDN, "192.0.2.1", "address, not a DNS name");
	bad(VT_FQDN, "a..b", "empty label");
	bad(VT_FQDN, "-a.example.com", "starting with '-'");
	bad(VT_FQDN, "a-.example.com", "ending with '-'");
	bad(VT_FQDN, "a b.example.com", "contains ' '");
	bad(VT_FQDN, "x;rm -rf.example.com", "contains ';'");
	bad(VT_FQDN, "", "empty");
}

static void
test_vartype_host_and_ip(void **state)
{
	(void)state;
	ok(VT_HOST, "imp1", NULL);
	ok(VT_HOST, "10.1.1.5", NULL);
	ok(VT_HOST, "2001:db8::1", NULL);
	ok(VT_HOST, "ca.example.com", NULL);
	bad(VT_HOST, "10.1.1.500", "IPv4");
	bad(VT_HOST, "$(reboot)", "contains '$'");
	ok(VT_IPV4, "192.0.2.10", NULL);
	bad(VT_IPV4, "192.0.2", "not an IPv4 address");
	bad(VT_IPV4, "::1", "not an IPv4 address");
	ok(VT_IP, "::1", NULL);
	ok(VT_IP, "192.0.2.10", NULL);
	bad(VT_IP, "example.com", "not an IPv4 or IPv6");
}

static void
test_vartype_numbers(void **state)
{
	struct varspec	sp = { .type = VT_INT, .has_min = 1, .min = 1,
	    .has_max = 1, .max = 9 };
	char		why[200];

	(void)state;
	ok(VT_PORT, "5062", NULL);
	ok(VT_PORT, "1", NULL);
	ok(VT_PORT, "65535", NULL);
	bad(VT_PORT, "0", "1-65535");
	bad(VT_PORT, "65536", "1-65535");
	bad(VT_PORT, "5o62", "1-65535");
	bad(VT_PORT, " 5062", "1-65535");
	bad(VT_PORT, "99999999999999999999", "1-65535");
	ok(VT_INT, "-4", NULL);
	bad(VT_INT, "4x", "not an integer");
	assert_int_equal(vartype_check(&sp, "5", NULL, why, sizeof(why)), 0);
	assert_int_equal(vartype_check(&sp, "10", NULL, why, sizeof(why)), -1);
	assert_contains(why, "outside 1-9");
}

static void
test_vartype_text(void **state)
{
	(void)state;
	ok(VT_WORD, "cup_proxy", NULL);
	ok(VT_WORD, "cert_from_cup", NULL);
	bad(VT_WORD, "cup proxy", "contains ' '");
	bad(VT_WORD, "a;b", "contains ';'");
	ok(VT_STRING, "Mutual Authentication Certificate", NULL);
	bad(VT_STRING, "two\nlines", "control character");
	bad(VT_STRING, "esc\x1b[2J", "control character");
	bad(VT_STRING, "\xff\xfe", "UTF-8");
	bad(VT_STRING, "\xc0\xaf", "UTF-8");	/* overlong '/' */
	ok(VT_STRING, "caf\xc3\xa9", NULL);
	ok(VT_PATH, "c:\\cert.csr", NULL);
	ok(VT_PATH, "/home/op/ca chain.p7b", NULL);
	bad(VT_PATH, "a\tb", "control character");
}

static void
test_vartype_choice_bool_oid(void **state)
{
	static const char *const choices[] = { "tcp", "tls" };
	struct varspec	sp = { .type = VT_CHOICE, .choices = choices,
	    .nchoices = 2 };
	char		why[200];

	(void)state;
	assert_int_equal(vartype_check(&sp, "tls", NULL, why, sizeof(why)), 0);
	assert_int_equal(vartype_check(&sp, "TLS", NULL, why, sizeof(why)),
	    -1);
	assert_contains(why, "tcp, tls");
	ok(VT_BOOL, "yes", "true");
	ok(VT_BOOL, "Off", "false");
	ok(VT_BOOL, "1", "true");
	bad(VT_BOOL, "maybe", "true or false");
	ok(VT_OID_LIST, "1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2", NULL);
	ok(VT_OID_LIST, "1.3.6.1.5.5.7.3.1, 1.3.6.1.5.5.7.3.2", NULL);
	bad(VT_OID_LIST, "1.3.6.1.5.5.7.3.1;1.3.6.1.5.5.7.3.2", "';'");
	bad(VT_OID_LIST, "serverAuth", "not a list of OIDs");
	bad(VT_OID_LIST, "1..3", "empty or non-numeric arc");
	bad(VT_OID_LIST, "1.3,", "not a list of OIDs");
}

/* IM and Presence's static route pattern: a domain backwards. */
static void
test_vartype_route_pattern(void **state)
{
	char	*p;

	(void)state;
	ok(VT_ROUTE_PATTERN, ".it.tomt.*", NULL);
	ok(VT_ROUTE_PATTERN, ".com.example.lync.*", NULL);
	bad(VT_ROUTE_PATTERN, "tomt.it", "not of the form");
	bad(VT_ROUTE_PATTERN, ".it.tomt", "not of the form");
	bad(VT_ROUTE_PATTERN, ".it..tomt.*", "empty label");
	bad(VT_ROUTE_PATTERN, ".com.*", "fewer than two labels");
	bad(VT_ROUTE_PATTERN, ".it.to mt.*", "contains ' '");
	p = vartype_route_pattern("tomt.it");
	assert_string_equal(p, ".it.tomt.*");
	free(p);
	p = vartype_route_pattern("lync.example.net.");
	assert_string_equal(p, ".net.example.lync.*");
	free(p);
}

static void
test_vartype_names_round_trip(void **state)
{
	const char *const	*names;
	size_t			 n, i;

	(void)state;
	names = vartype_names(&n);
	assert_int_equal(n, 13);
	for (i = 0; i < n; i++)
		assert_string_equal(vartype_name((enum vartype)
		    vartype_from_name(names[i])), names[i]);
	assert_int_equal(vartype_from_name("fqdm"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vartype_fqdn),
		cmocka_unit_test(test_vartype_host_and_ip),
		cmocka_unit_test(test_vartype_numbers),
		cmocka_unit_test(test_vartype_text),
		cmocka_unit_test(test_vartype_choice_bool_oid),
		cmocka_unit_test(test_vartype_names_round_trip),
		cmocka_unit_test(test_vartype_route_pattern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
