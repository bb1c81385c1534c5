/* test_plan.c: order, ties, fan-out over hosts, cycles, status. */
#include "config.h"

#include <unistd.h>

#include "answers.h"
#include "plan.h"
#include "testutil.h"

/* The order of procedure ids as one string. */
static char *
order_of(const struct runbook *rb)
{
	struct diags	 d;
	struct buf	 b;
	size_t		*order, i;

	diags_init(&d);
	order = xcalloc(rb->nprocs, sizeof(*order));
	assert_int_equal(plan_order(rb, order, &d), 0);
	buf_init(&b);
	for (i = 0; i < rb->nprocs; i++)
		buf_printf(&b, "%s%s", i ? " " : "", rb->procs[order[i]].id);
	free(order);
	diags_free(&d);
	return buf_steal(&b);
}


static void
test_plan_ties_break_by_document_order(void **state)
{
	struct runbook	*rb;
	char		*o;

	(void)state;
	/* No requires at all: exactly document order. */
	rb = rb_from(RB_HEAD "procedures:\n"
	    "  - { id: c, title: C, steps: [ {do: x} ] }\n"
	    "  - { id: a, title: A, steps: [ {do: x} ] }\n"
	    "  - { id: b, title: B, steps: [ {do: x} ] }\n");
	o = order_of(rb);
	assert_string_equal(o, "c a b");
	free(o);
	runbook_free(rb);
}

static void
test_plan_requires_come_first(void **state)
{
	struct runbook	*rb;
	char		*o;

	(void)state;
	/* d requires a later procedure; the rest stay in document order. */
	rb = rb_from(RB_HEAD "procedures:\n"
	    "  - { id: d, title: D, requires: [f], steps: [ {do: x} ] }\n"
	    "  - { id: e, title: E, steps: [ {do: x} ] }\n"
	    "  - { id: f, title: F, steps: [ {do: x} ] }\n"
	    "  - { id: g, title: G, requires: [d], steps: [ {do: x} ] }\n");
	o = order_of(rb);
	/* e is free first (d waits for f); then f, which frees d; then g. */
	assert_string_equal(o, "e f d g");
	free(o);
	runbook_free(rb);
}

static void
test_plan_cycle_names_path(void **state)
{
	struct runbook	*rb;
	struct diags	 d;
	size_t		 order[4];

	(void)state;
	rb = rb_from(RB_HEAD "procedures:\n"
	    "  - { id: a, title: A, steps: [ {do: x} ] }\n"
	    "  - { id: b, title: B, requires: [d], steps: [ {do: x} ] }\n"
	    "  - { id: c, title: C, requires: [b], steps: [ {do: x} ] }\n"
	    "  - { id: d, title: D, requires: [a, c], steps: [ {do: x} ] }\n");
	diags_init(&d);
	assert_int_equal(plan_order(rb, order, &d), -1);
	assert_int_equal(d.n, 1);
	assert_contains(d.v[0].msg, "requires cycle: b -> d -> c -> b");
	/* Located at c's "requires: [b]", which closes the loop. */
	assert_int_equal(d.v[0].line, 8);
	assert_int_equal(d.v[0].col, 35);
	diags_free(&d);
	runbook_free(rb);
}

static const char *fanout_rb = RB_HEAD
    "roles:\n"
    "  - { id: fe, title: Front end, profile: windows, many: true }\n"
    "  - { id: imp, title: IM and Presence, profile: cisco-vos }\n"
    "procedures:\n"
    "  - { id: cert, title: Cert, on: fe, steps: [ {do: a}, {do: b} ] }\n"
    "  - { id: route, title: Route, on: fe, requires: [cert],"
    " steps: [ {do: x} ] }\n"
    "  - { id: peer, title: Peer, on: imp, requires: [route],"
    " steps: [ {do: x} ] }\n"
    "  - { id: once, title: Once, requires: [cert], steps: [ {do: x} ] }\n";

static struct answers *
two_fe(const struct runbook *rb)
{
	struct answers	*a = answers_new();
	struct diags	 d;
	char		 path[] = "/tmp/fedwiz-test-XXXXXX";
	FILE		*fp;
	int		 fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("runbook: t\nhosts:\n  fe: [ {name: fe1, address: 192.0.2.10}, "
	    "{name: fe2} ]\n  imp: [ {name: imp1} ]\n", fp);
	fclose(fp);
	diags_init(&d);
	assert_int_equal(answers_load(a, rb, path, &d), 0);
	diags_free(&d);
	unlink(path);
	return a;
}

static char *
plan_str(const struct plan *pl)
{
	struct buf	b;
	char		name[160];
	size_t		i;

	buf_init(&b);
	for (i = 0; i < pl->n; i++)
		buf_printf(&b, "%s%s=%s", i ? " " : "",
		    plan_inst_name(&pl->inst[i], name, sizeof(name)),
		    plan_status_name(pl->inst[i].status));
	return buf_steal(&b);
}

static void
test_plan_fans_out_per_host(void **state)
{
	struct runbook	*rb = rb_from(fanout_rb);
	struct answers	*a = two_fe(rb);
	struct plan	*pl;
	struct diags	 d;
	char		*s, name[160];

	(void)state;
	diags_init(&d);
	assert_int_equal(plan_build(rb, a, NULL, NULL, &pl, &d), 0);
	s = plan_str(pl);
	assert_string_equal(s, "cert@fe1=ready cert@fe2=ready "
	    "route@fe1=blocked route@fe2=blocked peer@imp1=blocked "
	    "once=blocked");
	free(s);
	/* Same role: route@fe1 waits only for cert@fe1. */
	assert_int_equal(pl->inst[2].nblocked, 1);
	assert_string_equal(plan_inst_name(&pl->inst[plan_blocker(pl,
	    &pl->inst[2], 0)], name, sizeof(name)), "cert@fe1");
	/* Other role: peer@imp1 waits for route on every front end. */
	assert_int_equal(pl->inst[4].nblocked, 2);
	/* No role: once waits for cert everywhere. */
	assert_int_equal(pl->inst[5].nblocked, 2);
	plan_free(pl);
	answers_free(a);
	runbook_free(rb);
	diags_free(&d);
}

static void
test_plan_without_hosts_is_one_instance(void **state)
{
	struct runbook	*rb = rb_from(fanout_rb);
	struct plan	*pl;
	struct diags	 d;
	char		*s;

	(void)state;
	diags_init(&d);
	assert_int_equal(plan_build(rb, NULL, NULL, NULL, &pl, &d), 0);
	s = plan_str(pl);
	assert_string_equal(s, "cert=ready route=blocked peer=blocked "
	    "once=blocked");
	free(s);
	plan_free(pl);
	runbook_free(rb);
	diags_free(&d);
}

/* Step states: "proc@host:step=status" entries. */
static enum step_status
states(void *ctx, const char *proc, const char *host, size_t step)
{
	const char *const	*e;
	char			 key[200];

	snprintf(key, sizeof(key), "%s@%s:%zu", proc, host ? host : "", step);
	for (e = ctx; *e != NULL; e += 2)
		if (strcmp(e[0], key) == 0)
			return strcmp(e[1], "done") == 0 ? STEP_DONE :
			    strcmp(e[1], "skipped") == 0 ? STEP_SKIPPED :
			    STEP_FAILED;
	return STEP_PENDING;
}

static void
test_plan_status_from_steps(void **state)
{
	static const char *st[] = {
		"cert@fe1:1", "done", "cert@fe1:2", "done",
		"cert@fe2:1", "done",
		"route@fe1:1", "failed",
		NULL
	};
	struct runbook	*rb = rb_from(fanout_rb);
	struct answers	*a = two_fe(rb);
	struct plan	*pl;
	struct diags	 d;
	char		*s;

	(void)state;
	diags_init(&d);
	assert_int_equal(plan_build(rb, a, states, st, &pl, &d), 0);
	s = plan_str(pl);
	assert_string_equal(s, "cert@fe1=done cert@fe2=in-progress "
	    "route@fe1=failed route@fe2=blocked peer@imp1=blocked "
	    "once=blocked");
	free(s);
	/* once waits for cert@fe2 only now. */
	assert_int_equal(pl->inst[5].nblocked, 1);
	plan_free(pl);
	answers_free(a);
	runbook_free(rb);
	diags_free(&d);
}

static const char *when_rb = RB_HEAD
    "vars:\n"
    "  - { name: transport, prompt: T, type: choice, choices: [tcp, tls] }\n"
    "  - { name: ca, prompt: C, type: choice, choices: ['2003', '2008'],"
    " default: '2003' }\n"
    "procedures:\n"
    "  - { id: base, title: B, steps: [ {do: x} ] }\n"
    "  - id: tlsonly\n    title: T\n    when: transport == \"tls\"\n"
    "    requires: [base]\n"
    "    steps:\n"
    "      - { do: a, when: ca == \"2003\" }\n"
    "      - { do: b, when: ca == \"2008\" }\n"
    "  - { id: after, title: A, requires: [tlsonly], steps: [ {do: x} ] }\n";

static void
test_plan_when_skips_and_blocks(void **state)
{
	static const char *st[] = { "base@:1", "done", NULL };
	struct runbook	*rb = rb_from(when_rb);
	struct answers	*a = answers_new();
	struct plan	*pl;
	struct diags	 d;
	char		*s;

	(void)state;
	diags_init(&d);
	/* transport unanswered, no default: tlsonly needs an answer. */
	assert_int_equal(plan_build(rb, a, states, st, &pl, &d), 0);
	s = plan_str(pl);
	assert_string_equal(s, "base=done tlsonly=blocked after=blocked");
	free(s);
	assert_int_equal(pl->inst[1].nneeds, 1);
	assert_string_equal(pl->inst[1].needs[0], "transport");
	assert_int_equal(pl->inst[1].applies, T_UNKNOWN);
	plan_free(pl);

	/* tcp: tlsonly does not apply and does not block `after`. */
	assert_int_equal(answers_set(a, rb, "transport=tcp", &d), 0);
	assert_int_equal(plan_build(rb, a, states, st, &pl, &d), 0);
	s = plan_str(pl);
	assert_string_equal(s, "base=done tlsonly=skipped after=ready");
	free(s);
	plan_free(pl);

	/* tls: the 2008 step does not apply (default 2003). */
	assert_int_equal(answers_set(a, rb, "transport=tls", &d), 0);
	assert_int_equal(plan_build(rb, a, states, st, &pl, &d), 0);
	assert_int_equal(pl->inst[1].status, INST_READY);
	assert_int_equal(pl->inst[1].step_na[0], 0);
	assert_int_equal(pl->inst[1].step_na[1], 1);
	assert_int_equal(pl->inst[1].steps[1], STEP_SKIPPED);
	plan_free(pl);

	/* Once step 1 is done, the instance is done (step 2 n/a). */
	{
		static const char *st2[] = { "base@:1", "done",
		    "tlsonly@:1", "done", NULL };
		assert_int_equal(plan_build(rb, a, states, st2, &pl,
		    &d), 0);
		s = plan_str(pl);
		assert_string_equal(s, "base=done tlsonly=done after=ready");
		free(s);
		plan_free(pl);
	}
	assert_int_equal(d.n, 0);
	answers_free(a);
	runbook_free(rb);
	diags_free(&d);
}

static void
test_plan_all_skipped_is_skipped(void **state)
{
	static const char *st[] = { "base@:1", "skipped", NULL };
	struct runbook	*rb = rb_from(when_rb);
	struct plan	*pl;
	struct diags	 d;

	(void)state;
	diags_init(&d);
	assert_int_equal(plan_build(rb, NULL, states, st, &pl, &d), 0);
	assert_int_equal(pl->inst[0].status, INST_SKIPPED);
	plan_free(pl);
	runbook_free(rb);
	diags_free(&d);
}


/*
 * Memory grows with the hosts, not with their square. A role of n front
 * ends, each procedure on it requiring the one before (same role: one
 * dependency per instance, not n); one procedure on another role requires
 * the last (every front end, once per procedure, not per instance).
 */
static const char many_rb[] = RB_HEAD
    "roles:\n"
    "  - { id: fe, title: FE, profile: windows, many: true }\n"
    "  - { id: imp, title: IMP, profile: cisco-vos, many: true }\n"
    "procedures:\n"
    "  - { id: a, title: A, on: fe, steps: [ {do: x} ] }\n"
    "  - { id: b, title: B, on: fe, requires: [a], steps: [ {do: x} ] }\n"
    "  - { id: c, title: C, on: fe, requires: [a, b], steps: [ {do: x} ] }\n"
    "  - { id: d, title: D, on: fe, requires: [c], steps: [ {do: x} ] }\n"
    "  - { id: e, title: E, on: imp, requires: [d], steps: [ {do: x} ] }\n"
    "  - { id: f, title: F, on: imp, requires: [e, d], steps: [ {do: x} ] }\n";

static struct plan *
plan_many(const struct runbook *rb, struct answers *a, size_t n)
{
	struct host	 h;
	struct plan	*pl;
	struct diags	 d;
	char		 name[32];
	size_t		 i;

	for (i = 0; i < n; i++) {
		memset(&h, 0, sizeof(h));
		snprintf(name, sizeof(name), "%s%zu", i % 2 ? "imp" : "fe", i);
		h.name = name;
		h.role = i % 2 ? "imp" : "fe";
		h.port = 22;
		assert_int_equal(answers_add_host(a, rb, &h), 0);
	}
	diags_init(&d);
	assert_int_equal(plan_build(rb, a, NULL, NULL, &pl, &d), 0);
	diags_free(&d);
	return pl;
}

static const struct plan_inst *
inst_named(const struct plan *pl, const char *want)
{
	char	name[160];
	size_t	i;

	for (i = 0; i < pl->n; i++)
		if (strcmp(plan_inst_name(&pl->inst[i], name, sizeof(name)),
		    want) == 0)
			return &pl->inst[i];
	fail_msg("no instance %s", want);
	return NULL;
}

static const char *
blocker_name(const struct plan *pl, const char *inst, size_t k)
{
	static char	name[160];

	return plan_inst_name(&pl->inst[plan_blocker(pl, inst_named(pl, inst),
	    k)], name, sizeof(name));
}

static void
assert_blockers(const struct plan *pl, const char *inst, const char *want)
{
	const struct plan_inst	*in = inst_named(pl, inst);
	struct buf		 b;
	size_t			 k;

	buf_init(&b);
	for (k = 0; k < in->nblocked; k++)
		buf_printf(&b, "%s%s", k ? " " : "", blocker_name(pl, inst, k));
	assert_string_equal(b.s ? b.s : "", want);
	buf_free(&b);
}

static void
test_plan_memory_linear_in_hosts(void **state)
{
	struct runbook	*rb = rb_from(many_rb);
	struct answers	*a1 = answers_new(), *a4 = answers_new();
	struct plan	*p1, *p4;
	size_t		 m1, m4;

	(void)state;
	p1 = plan_many(rb, a1, 1000);
	p4 = plan_many(rb, a4, 4000);
	assert_int_equal(p1->n, 500 * 6);
	assert_int_equal(p4->n, 2000 * 6);
	m1 = arena_size(p1->arena);
	m4 = arena_size(p4->arena);
	/* What waits for what is unchanged: c@fe0 for a@fe0 and b@fe0 (its
	 * own host's), e@imp1 for d on each of the 2000 front ends, f@imp1
	 * for e@imp1 then those 2000 again. */
	assert_blockers(p4, "c@fe0", "a@fe0 b@fe0");
	assert_blockers(p4, "c@fe3998", "a@fe3998 b@fe3998");
	assert_int_equal(inst_named(p4, "e@imp1")->nblocked, 2000);
	assert_int_equal(inst_named(p4, "f@imp1")->nblocked, 2001);
	assert_string_equal(blocker_name(p4, "f@imp1", 0), "e@imp1");
	assert_string_equal(blocker_name(p4, "f@imp1", 1), "d@fe0");
	assert_string_equal(blocker_name(p4, "f@imp1", 2000), "d@fe3998");
	/* Four times the hosts: about four times the memory (sixteen
	 * when it was quadratic), and a bounded cost per instance. */
	if (m4 > 5 * m1 || m4 / p4->n > 512)
		fail_msg("plan of %zu instances: %zu bytes; of %zu: %zu bytes",
		    p1->n, m1, p4->n, m4);
	plan_free(p1);
	plan_free(p4);
	answers_free(a1);
	answers_free(a4);
	runbook_free(rb);
}

/*
 * Step states are kept once per run of instances that have the same (the
 * plan is not changed once built): 30,000 instances of a large runbook,
 * nearly all pending, held 2.8 MB of copies. An instance whose states
 * differ has its own, with its own values.
 */
static void
test_plan_step_states_shared_until_they_differ(void **state)
{
	static const char *st[] = {
		"cert@fe1:1", "done", "cert@fe1:2", "done",
		"cert@fe2:1", "done",
		NULL
	};
	struct runbook		*rb = rb_from(fanout_rb);
	struct answers		*a = two_fe(rb);
	struct plan		*pl;
	struct diags		 d;
	const struct plan_inst	*c1, *c2, *r1, *r2;

	(void)state;
	diags_init(&d);
	assert_int_equal(plan_build(rb, a, NULL, NULL, &pl, &d), 0);
	c1 = inst_named(pl, "cert@fe1");
	c2 = inst_named(pl, "cert@fe2");
	assert_ptr_equal(c1->steps, c2->steps);
	assert_ptr_equal(c1->step_na, c2->step_na);
	assert_int_equal(c2->steps[1], STEP_PENDING);
	plan_free(pl);

	assert_int_equal(plan_build(rb, a, states, st, &pl, &d), 0);
	c1 = inst_named(pl, "cert@fe1");
	c2 = inst_named(pl, "cert@fe2");
	r1 = inst_named(pl, "route@fe1");
	r2 = inst_named(pl, "route@fe2");
	assert_ptr_not_equal(c1->steps, c2->steps);
	assert_int_equal(c1->steps[0], STEP_DONE);
	assert_int_equal(c1->steps[1], STEP_DONE);
	assert_int_equal(c2->steps[0], STEP_DONE);
	assert_int_equal(c2->steps[1], STEP_PENDING);
	assert_int_equal(c1->ndone, 2);
	assert_int_equal(c2->ndone, 1);
	assert_ptr_equal(r1->steps, r2->steps);
	assert_int_equal(r2->steps[0], STEP_PENDING);
	plan_free(pl);
	answers_free(a);
	runbook_free(rb);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_ties_break_by_document_order),
		cmocka_unit_test(test_plan_requires_come_first),
		cmocka_unit_test(test_plan_cycle_names_path),
		cmocka_unit_test(test_plan_fans_out_per_host),
		cmocka_unit_test(test_plan_memory_linear_in_hosts),
		cmocka_unit_test(test_plan_step_states_shared_until_they_differ),
		cmocka_unit_test(test_plan_without_hosts_is_one_instance),
		cmocka_unit_test(test_plan_status_from_steps),
		cmocka_unit_test(test_plan_when_skips_and_blocks),
		cmocka_unit_test(test_plan_all_skipped_is_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
