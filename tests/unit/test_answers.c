/* test_answers.c: answers files preseed variables and the inventory, and
 * refuse what does not fit the runbook, with positions. */
#include "config.h"

#include <unistd.h>

#include "answers.h"
#include "testutil.h"

static const char *rb_text = RB_HEAD
    "vars:\n"
    "  - { name: imp_fqdn, prompt: I, type: fqdn }\n"
    "  - { name: port, prompt: P, type: port, default: 5062 }\n"
    "  - { name: fips, prompt: F, type: bool }\n"
    "roles:\n"
    "  - { id: fe, title: Front end, profile: windows, many: true }\n"
    "  - { id: ca, title: CA, profile: windows }\n"
    "procedures:\n"
    "  - { id: a, title: A, on: fe, steps: [ {do: 'x ${host}'} ] }\n";

static char *
write_tmp(const char *text)
{
	char	*path = xstrdup("/tmp/fedwiz-answers-XXXXXX");
	int	 fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Load text as an answers file; the first error as "line:col: msg", or
 * NULL if it loaded. */
static char *
load(struct runbook *rb, struct answers *a, const char *text)
{
	struct diags	 d;
	char		*path = write_tmp(text), *s = NULL;

	diags_init(&d);
	if (answers_load(a, rb, path, &d) == -1) {
		assert_true(d.n > 0);
		s = xasprintf("%d:%d: %s", d.v[0].line, d.v[0].col,
		    d.v[0].msg);
	}
	diags_free(&d);
	unlink(path);
	free(path);
	return s;
}

static void
test_answers_set_vars_and_hosts(void **state)
{
	struct runbook		*rb = rb_from(rb_text);
	struct answers		*a = answers_new();
	const struct role_hosts	*rh;
	struct scope		 sc = { rb, a, NULL, NULL };

	(void)state;
	assert_null(load(rb, a, "runbook: t\nvars: { imp_fqdn: imp1.example."
	    "com., fips: yes }\nhosts:\n  fe:\n    - { name: fe1, address: "
	    "192.0.2.10, user: admin, port: 2222 }\n    - { name: fe2 }\n"));
	/* Normalised: trailing dot gone, yes -> true. */
	assert_string_equal(answers_get(a, "imp_fqdn"), "imp1.example.com");
	assert_string_equal(answers_get(a, "fips"), "true");
	assert_null(answers_get(a, "port"));
	/* The scope falls back to the default. */
	assert_string_equal(scope_lookup(&sc, "port"), "5062");
	rh = answers_hosts(a, "fe");
	assert_non_null(rh);
	assert_int_equal(rh->n, 2);
	assert_string_equal(rh->hosts[0].address, "192.0.2.10");
	assert_int_equal(rh->hosts[0].port, 2222);
	assert_int_equal(rh->hosts[1].port, 22);
	assert_string_equal(rh->hosts[1].profile->name, "windows");
	/* ${host} is the address, else the name. */
	sc.host = &rh->hosts[0];
	assert_string_equal(scope_lookup(&sc, "host"), "192.0.2.10");
	sc.host = &rh->hosts[1];
	assert_string_equal(scope_lookup(&sc, "host"), "fe2");
	assert_null(answers_hosts(a, "ca"));
	answers_free(a);
	runbook_free(rb);
}

static void
test_answers_set_overrides_file(void **state)
{
	struct runbook	*rb = rb_from(rb_text);
	struct answers	*a = answers_new();
	struct diags	 d;

	(void)state;
	diags_init(&d);
	assert_null(load(rb, a, "vars: { port: 5061 }\n"));
	assert_int_equal(answers_set(a, rb, "port=5062", &d), 0);
	assert_string_equal(answers_get(a, "port"), "5062");
	assert_int_equal(answers_set(a, rb, "port=http", &d), -1);
	assert_int_equal(answers_set(a, rb, "prot=1", &d), -1);
	assert_int_equal(answers_set(a, rb, "=1", &d), -1);
	assert_int_equal(d.n, 3);
	assert_contains(d.v[0].msg, "port: \"http\" is not a port");
	assert_contains(d.v[1].msg, "no variable \"prot\"; did you mean "
	    "\"port\"?");
	assert_contains(d.v[2].msg, "is not VAR=VALUE");
	assert_string_equal(answers_get(a, "port"), "5062");
	diags_free(&d);
	answers_free(a);
	runbook_free(rb);
}

static void
expect(const char *text, const char *want)
{
	struct runbook	*rb = rb_from(rb_text);
	struct answers	*a = answers_new();
	char		*got = load(rb, a, text);

	if (got == NULL)
		fail_msg("answers loaded; expected %s", want);
	assert_contains(got, want);
	free(got);
	answers_free(a);
	runbook_free(rb);
}

static void
test_answers_errors_are_located(void **state)
{
	(void)state;
	expect("runbook: other\n", "1:10: this answers file is for runbook "
	    "other, not t");
	expect("vars: { imp_fqdn: imp1 }\n", "1:19: imp_fqdn: \"imp1\" is a "
	    "single label");
	expect("vars:\n  imp_fdqn: a.b\n", "2:13: runbook t has no variable "
	    "\"imp_fdqn\"; did you mean \"imp_fqdn\"?");
	expect("hosts:\n  ef: []\n", "2:3: runbook t has no role \"ef\"; did "
	    "you mean \"fe\"?");
	expect("hosts:\n  ca: [ {name: a}, {name: b} ]\n", "2:20: role ca "
	    "(CA) takes one host; this lists 2");
	expect("hosts:\n  fe: [ {name: a}, {name: a} ]\n", "2:20: host name "
	    "\"a\" is listed twice");
	expect("hosts:\n  fe: [ {name: a, adress: x} ]\n", "2:19: unknown key "
	    "\"adress\" in host; did you mean \"address\"?");
	expect("hosts:\n  fe: [ {name: a, address: 'a;b'} ]\n", "2:28: address "
	    "\"a;b\" contains ';'");
	expect("hosts:\n  fe: [ {name: a, port: 0} ]\n", "2:25: port \"0\" is "
	    "not a port");
	expect("hosts:\n  fe: [ {name: a, profile: ios} ]\n", "2:28: profile "
	    "\"ios\" is not one of");
	expect("hosts:\n  fe: [ {address: 192.0.2.1} ]\n", "2:9: host has no "
	    "\"name\"");
	expect("hosts:\n  fe: { name: a }\n", "2:7: hosts of fe must be a list");
	expect("host: {}\n", "1:1: unknown key \"host\" in answers file");
	expect("- a\n", "1:1: an answers file is a mapping");
	expect("vars: [\n", "2:1: YAML:");
}

/* A "\0" escape would cut a value short where a C string ends: an
 * address 127.0.0.1\0.fe1.corp connected to 127.0.0.1. Refused at the
 * escape, in every form YAML has for it, in values and keys alike. */
static void
test_answers_nul_escape_refused(void **state)
{
	(void)state;
	expect("hosts:\n  fe: [ {name: a, address: \"127.0.0.1\\0.fe1.corp\"} "
	    "]\n", "2:38: a NUL character");
	expect("hosts:\n  fe: [ {name: a, user: \"root\\x00admin\"} ]\n",
	    "2:30: a NUL character");
	expect("vars: { imp_fqdn: \"a.example.com\\u0000.evil\" }\n",
	    "1:33: a NUL character");
	expect("vars: { \"imp_fqdn\\0x\": a.b.c }\n", "1:18: a NUL character");
}

/* The estate's settings (the training lab writes them): kept as given,
 * each judged where it stands. */
static void
test_answers_estate_settings(void **state)
{
	struct runbook	*rb = rb_from(rb_text);
	struct answers	*a = answers_new();
	char		*err;

	(void)state;
	err = load(rb, a, "runbook: t\nlab: '/tmp/lab'\n"
	    "known_hosts: '/tmp/lab/known_hosts'\n"
	    "dns_server: '127.84.1.2:5353'\nvars: { imp_fqdn: a.b.c }\n");
	assert_null(err);
	assert_string_equal(a->lab, "/tmp/lab");
	assert_string_equal(a->known_hosts, "/tmp/lab/known_hosts");
	assert_string_equal(a->dns_server, "127.84.1.2:5353");
	answers_free(a);
	runbook_free(rb);
	a = answers_new();
	rb = rb_from(rb_text);
	err = load(rb, a, "runbook: t\n");
	assert_null(err);
	assert_null(a->lab);
	assert_null(a->known_hosts);
	assert_null(a->dns_server);
	answers_free(a);
	runbook_free(rb);
	expect("dns_server: 'ns1.example.com'\n", "1:13: dns_server: ");
	expect("dns_server: '127.0.0.1:99999'\n", "1:13: dns_server: ");
	expect("known_hosts: [a]\n", "1:14: known_hosts ");
	expect("lab: \"/tmp/l\\0ab\"\n", "1:");
	expect("dns_servr: 127.0.0.1\n", "1:1: unknown key \"dns_servr\" in "
	    "answers file");
}

/* Practice: lab: implies it, practice: says it; the wizard's forms carry
 * the file's settings into the answers a session starts with. */
static void
test_answers_practice_and_merge(void **state)
{
	struct runbook	*rb = rb_from(rb_text);
	struct answers	*a = answers_new(), *b;
	struct diags	 d;

	(void)state;
	assert_null(load(rb, a, "runbook: t\nlab: '/tmp/lab'\n"
	    "known_hosts: '/tmp/lab/known_hosts'\n"
	    "dns_server: '127.0.0.1:5353'\n"));
	assert_true(a->practice);
	/* What the forms build, given the file's answers: settings kept. */
	b = answers_new();
	diags_init(&d);
	assert_int_equal(answers_merge(b, rb, a, "forms", &d), 0);
	assert_true(b->practice);
	assert_string_equal(b->lab, "/tmp/lab");
	assert_string_equal(b->known_hosts, "/tmp/lab/known_hosts");
	assert_string_equal(b->dns_server, "127.0.0.1:5353");
	answers_free(b);
	/* ... and checked as a file's are. */
	b = answers_new();
	a->dns_server = "ns1.example.com";
	assert_int_equal(answers_merge(b, rb, a, "forms", &d), -1);
	assert_contains(d.v[d.n - 1].msg, "dns_server: ");
	diags_free(&d);
	answers_free(b);
	answers_free(a);

	a = answers_new();
	assert_null(load(rb, a, "runbook: t\npractice: yes\n"));
	assert_true(a->practice);
	assert_null(a->lab);
	answers_free(a);
	a = answers_new();
	assert_null(load(rb, a, "runbook: t\npractice: false\n"));
	assert_false(a->practice);
	answers_free(a);
	runbook_free(rb);
	expect("practice: 2\n", "1:11: practice: \"2\" is not true or false");
	expect("practice: [yes]\n", "1:11: ");
	expect("lab: /tmp/l\npractice: off\n", "2:11: practice: false, but "
	    "lab: names a training lab");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_set_vars_and_hosts),
		cmocka_unit_test(test_answers_set_overrides_file),
		cmocka_unit_test(test_answers_errors_are_located),
		cmocka_unit_test(test_answers_nul_escape_refused),
		cmocka_unit_test(test_answers_estate_settings),
		cmocka_unit_test(test_answers_practice_and_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
