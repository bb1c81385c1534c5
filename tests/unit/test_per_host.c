/*
 * test_per_host.c: variables answered per host of a role, procedures done
 * once for the deployment, and values nobody gave: the loader says where
 * each may be used, answers files give each host its own, the planner
 * fans out (or not) and says what each step still needs, and every check
 * kind says a missing value the same way without running.
 */
#include "config.h"

#include <unistd.h>

#include "answers.h"
#include "check.h"
#include "evloop.h"
#include "plan.h"
#include "testutil.h"

static const char *rb_text = RB_HEAD
    "roles:\n"
    "  - { id: fe, title: Front end, profile: windows, many: true }\n"
    "  - { id: imp, title: IM and Presence, profile: cisco-vos, many: true }\n"
    "vars:\n"
    "  - { name: domain, prompt: D, type: fqdn }\n"
    "  - { name: fqdn, prompt: F, type: fqdn, per_host: fe }\n"
    "  - { name: csr, prompt: C, type: path, per_host: fe,"
    " default: /tmp/x.csr }\n"
    "  - { name: node, prompt: N, type: fqdn, per_host: imp }\n"
    "procedures:\n"
    "  - id: request\n"
    "    title: R\n"
    "    on: fe\n"
    "    steps:\n"
    "      - do: 'Request ${fqdn} into ${csr}'\n"
    "        check: { x509: { file: '${csr}', name: '${fqdn}' } }\n"
    "      - do: 'Ask the CA of ${domain}'\n"
    "  - id: route\n"
    "    title: Route\n"
    "    on: fe\n"
    "    once: true\n"
    "    verify: every_host\n"
    "    requires: [request]\n"
    "    steps:\n"
    "      - do: 'New-CsStaticRoute -MatchUri ${domain}'\n"
    "        check: { ssh: { command: Get-CsStaticRoutingConfiguration,"
    " contains: '${fqdn}' } }\n"
    "  - id: verify\n"
    "    title: V\n"
    "    on: fe\n"
    "    requires: [route]\n"
    "    steps:\n"
    "      - do: 'Check the nodes see ${fqdn}'\n"
    "        check:\n"
    "          ssh: { role: imp, command: show network cluster,"
    " contains: ['${node}', '${fqdn}'] }\n"
    "  - id: topology\n"
    "    title: T\n"
    "    on: fe\n"
    "    once: true\n"
    "    requires: [verify]\n"
    "    steps:\n"
    "      - do: Publish the topology.\n";

static char *
write_tmp(const char *text)
{
	char	*path = xstrdup("/tmp/fedwiz-perhost-XXXXXX");
	int	 fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Load an answers file; its first error as "line:col: msg", or NULL. */
static char *
load(struct runbook *rb, struct answers *a, const char *text)
{
	struct diags	 d;
	char		*path = write_tmp(text), *s = NULL;

	diags_init(&d);
	if (answers_load(a, rb, path, &d) == -1)
		s = xasprintf("%d:%d: %s", d.v[0].line, d.v[0].col,
		    d.v[0].msg);
	diags_free(&d);
	unlink(path);
	free(path);
	return s;
}

static const char *answers_text =
    "runbook: t\n"
    "vars: { domain: example.com }\n"
    "hosts:\n"
    "  fe:\n"
    "    - { name: fe1, address: 192.0.2.10, vars: { fqdn: fe1.example.com,"
    " csr: /tmp/fe1.csr } }\n"
    "    - { name: fe2, address: 192.0.2.11, vars: { fqdn: fe2.example.com."
    " } }\n"
    "  imp:\n"
    "    - { name: imp1, vars: { node: imp1.example.com } }\n"
    "    - { name: imp2 }\n";

static void
test_per_host_loader_model(void **state)
{
	struct runbook		*rb = rb_from(rb_text);
	const struct rb_var	*v = runbook_var(rb, "fqdn");
	const struct rb_proc	*p;
	size_t			 i;
	int			 ssh_node = 0;

	(void)state;
	assert_non_null(v->role);
	assert_string_equal(v->role->id, "fe");
	assert_null(runbook_var(rb, "domain")->per_host);
	p = runbook_proc(rb, "route");
	assert_true(p->once);
	assert_int_equal(p->verify, RB_VERIFY_EVERY_HOST);
	assert_false(RB_PER_HOST(p));
	assert_int_equal(runbook_proc(rb, "topology")->verify,
	    RB_VERIFY_ONE_HOST);
	assert_true(RB_PER_HOST(runbook_proc(rb, "request")));
	/* What a step uses, and where: node inside the ssh check on imp. */
	p = runbook_proc(rb, "verify");
	for (i = 0; i < p->steps[0].nuses; i++)
		if (strcmp(p->steps[0].uses[i].var->name, "node") == 0 &&
		    p->steps[0].uses[i].ssh_role != NULL &&
		    strcmp(p->steps[0].uses[i].ssh_role->id, "imp") == 0)
			ssh_node = 1;
	assert_true(ssh_node);
	/* The check's own list: what it needs to run. */
	assert_int_equal(p->steps[0].checks[0].nuses, 2);
	runbook_free(rb);
}

static void
test_per_host_loader_refuses_misuse(void **state)
{
	char	*e;

	(void)state;
	/* A per-host value in a procedure done once: no host there. */
	e = rb_first_error(RB_HEAD
	    "roles: [ { id: fe, title: F, profile: windows, many: true } ]\n"
	    "vars: [ { name: fqdn, prompt: F, type: fqdn, per_host: fe } ]\n"
	    "procedures:\n"
	    "  - { id: a, title: A, on: fe, once: true,"
	    " steps: [ { do: 'Use ${fqdn}' } ] }\n");
	assert_contains(e, "8:64: procedure \"a\": ${fqdn} is answered per host of fe "
	    "(per_host), and this procedure runs once for the deployment");
	free(e);
	/* Nor in a procedure on another role. */
	e = rb_first_error(RB_HEAD
	    "roles:\n"
	    "  - { id: fe, title: F, profile: windows, many: true }\n"
	    "  - { id: imp, title: I, profile: cisco-vos, many: true }\n"
	    "vars: [ { name: fqdn, prompt: F, type: fqdn, per_host: fe } ]\n"
	    "procedures:\n"
	    "  - { id: a, title: A, on: imp, steps: [ { do: 'x ${fqdn}' } ] }\n");
	assert_contains(e, "runs on each imp host: no fe host's value");
	free(e);
	/* A `when` is decided per instance: not on an ssh check's host. */
	e = rb_first_error(RB_HEAD
	    "roles:\n"
	    "  - { id: fe, title: F, profile: windows, many: true }\n"
	    "vars: [ { name: fqdn, prompt: F, type: fqdn, per_host: fe } ]\n"
	    "procedures:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    steps:\n"
	    "      - do: x\n"
	    "        check: { ssh: { role: fe, command: hostname,"
	    " contains: '${fqdn}', when: 'fqdn == \"a.b\"' } }\n");
	assert_contains(e, "when: fqdn is answered per host of fe");
	free(e);
	/* A role that is not there; once without on; verify without once. */
	e = rb_first_error(RB_HEAD
	    "roles: [ { id: fe, title: F, profile: windows, many: true } ]\n"
	    "vars: [ { name: fqdn, prompt: F, type: fqdn, per_host: ef } ]\n"
	    "procedures: [ { id: a, title: A, steps: [ { do: x } ] } ]\n");
	assert_string_equal(e, "6:56: per_host \"ef\" of fqdn is not a "
	    "declared role; did you mean \"fe\"?");
	free(e);
	e = rb_first_error(RB_HEAD
	    "procedures: [ { id: a, title: A, once: true, steps: [{do: x}] } ]"
	    "\n");
	assert_contains(e, "\"once: true\" needs \"on: ROLE\"");
	free(e);
	e = rb_first_error(RB_HEAD
	    "roles: [ { id: fe, title: F, profile: windows, many: true } ]\n"
	    "procedures:\n"
	    "  - { id: a, title: A, on: fe, verify: every_host,"
	    " steps: [{do: x}] }\n");
	assert_contains(e, "\"verify\" is only for a procedure with \"once: "
	    "true\"");
	free(e);
	/* ${host} in a once-only procedure's text: no host. */
	e = rb_first_error(RB_HEAD
	    "roles: [ { id: fe, title: F, profile: windows, many: true } ]\n"
	    "procedures:\n"
	    "  - { id: a, title: A, on: fe, once: true,"
	    " steps: [{do: 'on ${host}'}] }\n");
	assert_contains(e, "${host} is only defined in a procedure with \"on:\" "
	    "done per host");
	free(e);
}

static void
test_per_host_answers_file(void **state)
{
	struct runbook		*rb = rb_from(rb_text);
	struct answers		*a = answers_new();
	const struct role_hosts	*rh;
	struct scope		 sc = { rb, a, NULL, NULL };
	struct diags		 d;
	char			*e;

	(void)state;
	assert_null(load(rb, a, answers_text));
	rh = answers_hosts(a, "fe");
	/* Checked and normalised by type, each host its own. */
	assert_string_equal(answers_host_var(&rh->hosts[0], "fqdn"),
	    "fe1.example.com");
	assert_string_equal(answers_host_var(&rh->hosts[1], "fqdn"),
	    "fe2.example.com");
	sc.host = &rh->hosts[0];
	assert_string_equal(scope_lookup(&sc, "fqdn"), "fe1.example.com");
	assert_string_equal(scope_lookup(&sc, "csr"), "/tmp/fe1.csr");
	assert_string_equal(scope_lookup(&sc, "domain"), "example.com");
	sc.host = &rh->hosts[1];
	assert_string_equal(scope_lookup(&sc, "csr"), "/tmp/x.csr");
	/* Where an ssh check on imp runs from fe2: the imp host's node,
	 * fe2's own fqdn; never another host's. */
	sc.inst = &rh->hosts[1];
	sc.host = &answers_hosts(a, "imp")->hosts[0];
	assert_string_equal(scope_lookup(&sc, "node"), "imp1.example.com");
	assert_string_equal(scope_lookup(&sc, "fqdn"), "fe2.example.com");
	sc.host = &answers_hosts(a, "imp")->hosts[1];
	assert_null(scope_lookup(&sc, "node"));
	sc.host = NULL;
	sc.inst = NULL;
	assert_null(scope_lookup(&sc, "fqdn"));
	/* --set VAR@HOST=VALUE, checked the same way. */
	diags_init(&d);
	assert_int_equal(answers_set(a, rb, "node@imp2=imp2.example.com", &d),
	    0);
	assert_string_equal(answers_host_var(&answers_hosts(a, "imp")->
	    hosts[1], "node"), "imp2.example.com");
	assert_int_equal(answers_set(a, rb, "node=imp9.example.com", &d), -1);
	assert_contains(d.v[d.n - 1].msg, "node is answered per host of imp "
	    "(hosts: imp1, imp2): give node@HOST=VALUE");
	assert_int_equal(answers_set(a, rb, "fqdn@imp1=a.example.com", &d), -1);
	assert_contains(d.v[d.n - 1].msg, "fqdn is answered per host of fe, "
	    "and imp1 is a host of imp");
	assert_int_equal(answers_set(a, rb, "domain@fe1=a.example.com", &d),
	    -1);
	assert_contains(d.v[d.n - 1].msg, "one value for the whole deployment");
	diags_free(&d);
	answers_free(a);

	/* Misplaced values are located. */
	a = answers_new();
	e = load(rb, a, "runbook: t\nvars: { fqdn: a.example.com }\n");
	assert_string_equal(e, "2:15: fqdn is answered per host of fe "
	    "(per_host): give it on each fe host's entry, e.g. - { name: fe1, "
	    "address: 192.0.2.10, vars: { fqdn: ... } }");
	free(e);
	answers_free(a);
	a = answers_new();
	e = load(rb, a, "runbook: t\nhosts:\n  imp: [ { name: i1, vars: "
	    "{ fqdn: a.example.com } } ]\n");
	assert_string_equal(e, "3:30: fqdn is answered per host of fe, and "
	    "this is a host of imp");
	free(e);
	answers_free(a);
	a = answers_new();
	e = load(rb, a, "runbook: t\nhosts:\n  fe: [ { name: f1, vars: "
	    "{ fqdn: 'not a name' } } ]\n");
	assert_contains(e, "3:35: fqdn: \"not a name\"");
	free(e);
	answers_free(a);
	a = answers_new();
	e = load(rb, a, "runbook: t\nhosts:\n  fe: [ { name: f1, vars: "
	    "{ domain: a.example.com } } ]\n");
	assert_string_equal(e, "3:29: domain is one value for the whole "
	    "deployment, not per host: put it under the top-level vars:");
	free(e);
	answers_free(a);
	runbook_free(rb);
}

static const struct plan_inst *
inst(const struct plan *pl, const char *name)
{
	char	buf[160];
	size_t	i;

	for (i = 0; i < pl->n; i++)
		if (strcmp(plan_inst_name(&pl->inst[i], buf, sizeof(buf)),
		    name) == 0)
			return &pl->inst[i];
	fail_msg("no instance %s", name);
	return NULL;
}

static void
test_per_host_plan_once_and_needs(void **state)
{
	struct runbook		*rb = rb_from(rb_text);
	struct answers		*a = answers_new();
	const struct plan_inst	*in;
	const struct plan_need	*nd;
	struct plan		*pl;
	struct diags		 d;
	char			 buf[160];
	size_t			 n, i;

	(void)state;
	assert_null(load(rb, a, answers_text));
	diags_init(&d);
	assert_int_equal(plan_build(rb, a, NULL, NULL, &pl, &d), 0);
	/* request x2, route once, verify x2, topology once. */
	assert_int_equal(pl->n, 6);
	in = inst(pl, "route");
	assert_null(in->host);
	/* Once for all waits for every host's request (nothing is done:
	 * every requirement blocks)... */
	assert_int_equal(in->nblocked, 2);
	assert_string_equal(plan_inst_name(&pl->inst[plan_blocker(pl, in,
	    1)], buf, sizeof(buf)), "request@fe2");
	/* ...and each host's verify waits for the one route. */
	in = inst(pl, "verify@fe2");
	assert_int_equal(in->nblocked, 1);
	assert_string_equal(plan_inst_name(&pl->inst[plan_blocker(pl, in,
	    0)], buf, sizeof(buf)), "route");
	/* imp2 has no node: the ssh check on imp needs it there. */
	nd = plan_step_needs(in, 1, &n);
	assert_int_equal(n, 1);
	assert_string_equal(plan_need_name(nd, buf, sizeof(buf)),
	    "node on imp2");
	assert_null(plan_step_needs(inst(pl, "request@fe1"), 1, &n));
	assert_int_equal(n, 0);
	assert_int_equal(pl->nmissing, 1);
	assert_string_equal(plan_need_name(&pl->missing[0], buf, sizeof(buf)),
	    "node on imp2");
	plan_free(pl);
	answers_free(a);

	/* Nothing answered: every value a step uses, once each. */
	a = answers_new();
	assert_null(load(rb, a, "runbook: t\nhosts:\n  fe: [ { name: fe1 } ]\n"));
	assert_int_equal(plan_build(rb, a, NULL, NULL, &pl, &d), 0);
	assert_int_equal(pl->nmissing, 2);
	for (i = 0; i < pl->nmissing; i++)
		plan_need_name(&pl->missing[i], buf, sizeof(buf));
	assert_string_equal(plan_need_name(&pl->missing[0], buf, sizeof(buf)),
	    "fqdn on fe1");
	assert_string_equal(plan_need_name(&pl->missing[1], buf, sizeof(buf)),
	    "domain");
	nd = plan_step_needs(inst(pl, "request@fe1"), 2, &n);
	assert_int_equal(n, 1);
	assert_string_equal(nd->var->name, "domain");
	plan_free(pl);
	answers_free(a);
	diags_free(&d);
	runbook_free(rb);
}

/* Every kind says a missing value alike, and nothing runs. */
static void
test_per_host_checks_say_missing_alike(void **state)
{
	struct runbook			*rb;
	struct answers			*a = answers_new();
	struct plan			*pl;
	struct check_run		*run;
	struct evloop			*ev = evloop_new();
	const struct check_outcome	*o;
	struct diags			 d;
	size_t				 n, i;

	(void)state;
	rb = rb_from(RB_HEAD
	    "roles: [ { id: fe, title: F, profile: linux, many: true } ]\n"
	    "vars:\n"
	    "  - { name: peer, prompt: P, type: fqdn }\n"
	    "  - { name: port, prompt: P, type: port, default: 5061 }\n"
	    "procedures:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    on: fe\n"
	    "    steps:\n"
	    "      - do: x\n"
	    "        check:\n"
	    "          - ssh: { command: 'ping ${peer}', exit: 0 }\n"
	    "          - tls: { host: '${peer}', port: '${port}' }\n"
	    "          - tcp: { host: '${peer}', port: 5062 }\n"
	    "          - dns: { name: '${peer}' }\n"
	    "          - x509: { file: '/tmp/${peer}.cer' }\n");
	assert_null(load(rb, a, "runbook: t\nhosts:\n  fe: [ { name: fe1, "
	    "address: 127.0.0.1 } ]\n"));
	diags_init(&d);
	assert_int_equal(plan_build(rb, a, NULL, NULL, &pl, &d), 0);
	run = check_run_new(ev, NULL, pl);
	assert_int_equal(check_run_step(run, &pl->inst[0], 1, &d), -1);
	assert_int_equal(check_run_pending(run), 0);
	o = check_run_outcomes(run, &n);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++) {
		assert_int_equal(o[i].verdict, CV_ERROR);
		assert_true(o[i].input);
		assert_contains(o[i].message, "needs an answer for peer");
	}
	assert_string_equal(o[0].message, "fe1: needs an answer for peer");
	assert_string_equal(o[1].message, "needs an answer for peer");
	check_run_free(run);
	plan_free(pl);
	evloop_free(ev);
	answers_free(a);
	diags_free(&d);
	runbook_free(rb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_host_loader_model),
		cmocka_unit_test(test_per_host_loader_refuses_misuse),
		cmocka_unit_test(test_per_host_answers_file),
		cmocka_unit_test(test_per_host_plan_once_and_needs),
		cmocka_unit_test(test_per_host_checks_say_missing_alike),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
