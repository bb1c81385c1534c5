/*
 * test_loader.c: the runbook loader accepts the good files and rejects each
 * malformed one with its file:line:col and message.
 *
 * tests/data/bad/NAME.yaml starts with "# expect: LINE:COL: TEXT": the first
 * error must be at LINE:COL and contain TEXT. Cycles are found by the
 * planner, so a file that loads goes through plan_order too.
 */
#include "config.h"

#include "catalog.h"
#include "plan.h"
#include "testutil.h"
#include "ydoc.h"

/* Load and order: 0, or -1 with diagnostics. */
static int
load_and_order(const char *path, struct diags *d)
{
	struct runbook	*rb;
	size_t		*order;
	int		 rc;

	if (runbook_load(path, &rb, d) == -1)
		return -1;
	order = xcalloc(rb->nprocs + 1, sizeof(*order));
	rc = plan_order(rb, order, d);
	free(order);
	runbook_free(rb);
	return rc;
}

static void
test_loader_good_files_load(void **state)
{
	struct diags	  d;
	char		 *dir, **files;
	size_t		  n, i;

	(void)state;
	dir = xasprintf("%s/tests/data/good", srcdir());
	diags_init(&d);
	assert_int_equal(catalog_files(dir, &files, &n, &d), 0);
	assert_true(n >= 3);
	for (i = 0; i < n; i++)
		if (load_and_order(files[i], &d) == -1) {
			diags_print(&d, stderr);
			fail_msg("%s does not load", files[i]);
		}
	catalog_files_free(files, n);
	diags_free(&d);
	free(dir);
}

static void
test_loader_bad_files_fail_located(void **state)
{
	struct diags	  d;
	char		 *dir, **files, *src, want[512], got[1024];
	const char	 *p;
	size_t		  n, i, len;
	int		  line, col, nfail = 0;

	(void)state;
	dir = xasprintf("%s/tests/data/bad", srcdir());
	diags_init(&d);
	assert_int_equal(catalog_files(dir, &files, &n, &d), 0);
	if (n < 30)
		fail_msg("only %zu malformed files in %s; want at least 30", n,
		    dir);
	for (i = 0; i < n; i++) {
		assert_int_equal(read_file(files[i], 1 << 20, &src, &len), 0);
		if (sscanf(src, "# expect: %d:%d: %511[^\n]", &line, &col,
		    want) != 3)
			fail_msg("%s: first line is not \"# expect: L:C: "
			    "text\"", files[i]);
		free(src);
		diags_free(&d);
		diags_init(&d);
		if (load_and_order(files[i], &d) == 0) {
			print_error("%s: loaded, expected %d:%d: %s\n",
			    files[i], line, col, want);
			nfail++;
			continue;
		}
		assert_true(d.n > 0);
		snprintf(got, sizeof(got), "%d:%d: %s", d.v[0].line,
		    d.v[0].col, d.v[0].msg);
		/* The path is the one given: messages name the file. */
		assert_string_equal(d.v[0].file, files[i]);
		p = strstr(got, want);
		if (d.v[0].line != line || d.v[0].col != col || p == NULL) {
			print_error("%s:\n  want %d:%d: ...%s...\n  got  %s\n",
			    files[i], line, col, want, got);
			nfail++;
		}
	}
	diags_free(&d);
	catalog_files_free(files, n);
	free(dir);
	assert_int_equal(nfail, 0);
}

static void
test_loader_positions_inside_values(void **state)
{
	char	*e;

	(void)state;
	/* A ${var} in a plain scalar: its own column. */
	e = rb_first_error(RB_HEAD "procedures:\n  - id: a\n    title: A\n"
	    "    steps:\n      - do: Enter ${nope} now\n");
	assert_string_equal(e, "9:19: procedure \"a\": ${nope} is not a "
	    "declared variable; declare it under vars:");
	free(e);
	/* In a literal block: the line and column inside the block. */
	e = rb_first_error(RB_HEAD "procedures:\n  - id: a\n    title: A\n"
	    "    steps:\n      - do: x\n        note: |\n          first\n"
	    "          then ${nope}\n");
	assert_contains(e, "12:16: procedure \"a\": ${nope}");
	free(e);
	/* Non-ASCII before it: columns count characters, not bytes. */
	e = rb_first_error(RB_HEAD "procedures:\n  - id: a\n    title: A\n"
	    "    steps:\n      - do: \"Géré → ${nope}\"\n");
	assert_contains(e, "9:21: procedure \"a\": ${nope}");
	free(e);
	/* A `when` error points into the condition. */
	e = rb_first_error(RB_HEAD "vars:\n  - {name: t, prompt: T, type: "
	    "bool}\nprocedures:\n  - id: a\n    title: A\n    when: t and\n"
	    "    steps: [ {do: x} ]\n");
	assert_contains(e, "10:16: procedure \"a\": when: expected a variable");
	free(e);
}

static void
test_loader_limits_hold(void **state)
{
	struct buf	 b;
	char		*e;
	int		 i;

	(void)state;
	/* Deep nesting is refused, not recursed into. */
	buf_init(&b);
	buf_adds(&b, RB_HEAD "x: ");
	for (i = 0; i < 10000; i++)
		buf_addc(&b, '[');
	e = rb_first_error(b.s);
	assert_contains(e, "nesting deeper than 64 levels");
	free(e);
	buf_free(&b);

	/* Many keys: the duplicate is still found (sorted path), and the
	 * report names the first one (k17 is on line 25). */
	buf_init(&b);
	buf_adds(&b, RB_HEAD "notes: x\nvars:\n  - name: a\n");
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "    k%d: v\n", i);
	buf_adds(&b, "    k17: again\n");
	e = rb_first_error(b.s);
	assert_contains(e, "duplicate key \"k17\" (first at line 25 column 5)");
	free(e);
	buf_free(&b);
}

static void
test_loader_rejects_binary_and_nul(void **state)
{
	struct runbook	*rb = NULL;
	struct diags	 d;
	static const char nul[] = "id: a\0b\ntitle: x\n";
	static const char bin[] = "id: \xff\xfe\x01\n";

	(void)state;
	diags_init(&d);
	assert_int_equal(runbook_parse("n.yaml", nul, sizeof(nul) - 1, &rb,
	    &d), -1);
	assert_true(d.n > 0);
	diags_free(&d);
	diags_init(&d);
	assert_int_equal(runbook_parse("b.yaml", bin, sizeof(bin) - 1, &rb,
	    &d), -1);
	assert_true(d.n > 0);
	assert_contains(d.v[0].msg, "YAML:");
	diags_free(&d);
}

static void
test_loader_model_is_complete(void **state)
{
	struct runbook		*rb;
	const struct rb_proc	*p;
	const struct rb_step	*s;

	(void)state;
	rb = rb_from(RB_HEAD
	    "vars:\n"
	    "  - { name: imp, prompt: I, type: fqdn, default: 'imp1.example.com.' }\n"
	    "  - { name: p, prompt: P, type: port, default: 5062 }\n"
	    "roles:\n"
	    "  - { id: fe, title: FE, profile: windows, many: true, help: h }\n"
	    "procedures:\n"
	    "  - id: route\n    title: Route\n    on: fe\n"
	    "    steps:\n"
	    "      - do: Run it\n"
	    "        command: '$r = New-CsStaticRoute -Destination ${imp} -Port ${p}'\n"
	    "        steps: [ {do: a}, {do: b, steps: [ {do: c} ]} ]\n"
	    "        table: { columns: [P, D], rows: [ [-Port, '${p}'] ] }\n"
	    "        check:\n"
	    "          - ssh: { command: Get-CsStaticRoutingConfiguration,"
	    " regex: 'Port\\s*:\\s*${p}' }\n"
	    "          - tls: { host: '${imp}', port: '${p}', eku: [clientAuth],"
	    " client_cert: requested }\n"
	    "          - dns: { name: '${imp}', expect: 192.0.2.1 }\n"
	    "          - tcp: { host: '${host}', port: 5061, when: 'p == 5062' }\n"
	    "          - x509: { file: c.p7b, kind: chain }\n"
	    "          - manual: Look at it\n");
	assert_string_equal(rb->vars[0].def, "imp1.example.com");
	assert_int_equal(rb->nroles, 1);
	assert_true(rb->roles[0].many);
	assert_string_equal(rb->roles[0].help, "h");
	p = runbook_proc(rb, "route");
	assert_non_null(p);
	assert_ptr_equal(p->role, &rb->roles[0]);
	s = &p->steps[0];
	assert_int_equal(s->nsteps, 2);
	assert_int_equal(s->steps[1].nsteps, 1);
	assert_string_equal(s->table->cells[1], "${p}");
	assert_int_equal(s->nchecks, 6);
	assert_int_equal(s->checks[0].kind, CK_SSH);
	assert_ptr_equal(s->checks[0].role, &rb->roles[0]);
	assert_int_equal(s->checks[1].kind, CK_TLS);
	assert_string_equal(s->checks[1].client_cert, "requested");
	assert_int_equal(s->checks[2].kind, CK_DNS);
	assert_int_equal(s->checks[3].kind, CK_TCP);
	assert_string_equal(s->checks[3].when_src, "p == 5062");
	assert_non_null(s->checks[3].when);
	assert_null(s->checks[2].when);
	assert_int_equal(s->checks[4].kind, CK_X509);
	assert_int_equal(s->checks[5].kind, CK_MANUAL);
	assert_string_equal(s->checks[5].text, "Look at it");
	assert_int_equal(rb->nsteps, 1);
	assert_int_equal(strlen(rb->hash), 64);
	runbook_free(rb);
}

/* The sip check: its fields, and fix classes by final status. */
static void
test_loader_sip_check(void **state)
{
	struct runbook		*rb;
	const struct rb_check	*c;
	const char		*text = RB_HEAD
	    "vars:\n"
	    "  - { name: imp, prompt: I, type: fqdn }\n"
	    "  - { name: cert, prompt: C, type: path }\n"
	    "  - { name: dom, prompt: D, type: fqdn }\n"
	    "procedures:\n"
	    "  - id: fed\n    title: Fed\n"
	    "    steps:\n"
	    "      - do: Test it\n"
	    "        check:\n"
	    "          sip:\n"
	    "            host: '${imp}'\n"
	    "            port: 5062\n"
	    "            name: '${imp}'\n"
	    "            ca: ca.p7b\n"
	    "            client_cert: '${cert}'\n"
	    "            client_key: '${cert}.key'\n"
	    "            from: 'sip:fedwiz@${dom}'\n"
	    "            to: 'sip:${imp}'\n"
	    "            status: 200, 202\n"
	    "            min: tls1.2\n"
	    "            eku: [serverAuth]\n"
	    "            fix:\n"
	    "              - { on: status_403, procedure: fed }\n"
	    "              - { on: timeout, procedure: fed }\n"
	    "              - { on: tls, procedure: fed }\n";

	(void)state;
	rb = rb_from(text);
	c = &runbook_proc(rb, "fed")->steps[0].checks[0];
	assert_int_equal(c->kind, CK_SIP);
	assert_string_equal(rb_check_kind_name(c->kind), "sip");
	assert_string_equal(c->host, "${imp}");
	assert_string_equal(c->port, "5062");
	assert_string_equal(c->cert_file, "${cert}");
	assert_string_equal(c->key_file, "${cert}.key");
	assert_string_equal(c->from, "sip:fedwiz@${dom}");
	assert_string_equal(c->to, "sip:${imp}");
	assert_string_equal(c->status, "200, 202");
	assert_string_equal(c->min, "tls1.2");
	assert_int_equal(c->eku.n, 1);
	assert_null(c->client_cert);
	assert_int_equal(c->nfixes, 3);
	assert_string_equal(c->fixes[0].on, "status_403");
	assert_string_equal(c->fixes[1].on, "timeout");
	runbook_free(rb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_good_files_load),
		cmocka_unit_test(test_loader_bad_files_fail_located),
		cmocka_unit_test(test_loader_positions_inside_values),
		cmocka_unit_test(test_loader_limits_hold),
		cmocka_unit_test(test_loader_rejects_binary_and_nul),
		cmocka_unit_test(test_loader_model_is_complete),
		cmocka_unit_test(test_loader_sip_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
