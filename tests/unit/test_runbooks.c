/* test_runbooks.c: every shipped runbook loads, orders, and holds what
 * its source document holds. */
#include "config.h"

#include "catalog.h"
#include "plan.h"
#include "testutil.h"

/* The ids, and the procedure counts the source documents state (002 is
 * fragmentary: at least its surviving ones). */
static const struct {
	const char	*id;
	size_t		 min_procs;
} shipped[] = {
	{ "lync-imp-tls", 13 },
	{ "ocs-imp-tls", 10 },
	{ "interdomain-asa", 12 },
	{ "lync-cup-federation", 8 },
	{ "ocs-partitioned", 13 },
};

static char *
steps_dir(void)
{
	return xasprintf("%s/steps", srcdir());
}

static void
test_runbooks_all_shipped_validate(void **state)
{
	struct runbook	 *rb;
	struct diags	  d;
	char		 *dir = steps_dir(), **files;
	size_t		  n, i, *order;

	(void)state;
	diags_init(&d);
	assert_int_equal(catalog_files(dir, &files, &n, &d), 0);
	assert_int_equal(n, nitems(shipped));
	for (i = 0; i < n; i++) {
		if (runbook_load(files[i], &rb, &d) == -1) {
			diags_print(&d, stderr);
			fail_msg("%s does not load", files[i]);
		}
		order = xcalloc(rb->nprocs, sizeof(*order));
		if (plan_order(rb, order, &d) == -1) {
			diags_print(&d, stderr);
			fail_msg("%s does not order", files[i]);
		}
		free(order);
		runbook_free(rb);
	}
	catalog_files_free(files, n);
	diags_free(&d);
	free(dir);
}

static void
test_runbooks_ids_and_sources(void **state)
{
	struct runbook	*rb;
	struct diags	 d;
	char		*dir = steps_dir();
	size_t		 i, j;

	(void)state;
	diags_init(&d);
	for (i = 0; i < nitems(shipped); i++) {
		assert_int_equal(catalog_open(dir, shipped[i].id, &rb, &d), 0);
		assert_string_equal(rb->id, shipped[i].id);
		if (rb->nprocs < shipped[i].min_procs)
			fail_msg("%s has %zu procedures, the document %zu",
			    rb->id, rb->nprocs, shipped[i].min_procs);
		/* The source is one of the seed documents. */
		assert_true(strlen(rb->source) == 24);
		assert_contains(rb->source, ".txt");
		/* Every procedure has steps; every step an instruction. */
		for (j = 0; j < rb->nprocs; j++) {
			assert_true(rb->procs[j].nsteps > 0);
			assert_true(strlen(rb->procs[j].steps[0].do_) > 0);
		}
		runbook_free(rb);
	}
	diags_free(&d);
	free(dir);
}

/* Every variable is used somewhere: an unused one is a placeholder the
 * runbook forgot to substitute. */
struct use {
	const char	*name;
	int		 used;
};

static void
mark(struct use *u, const char *s)
{
	char	tok[80];

	if (s == NULL)
		return;
	snprintf(tok, sizeof(tok), "${%s}", u->name);
	if (strstr(s, tok) != NULL)
		u->used = 1;
}

static void
mark_steps(struct use *u, const struct rb_step *s, size_t n)
{
	size_t	i, k;

	for (i = 0; i < n; i++) {
		mark(u, s[i].do_);
		mark(u, s[i].command);
		mark(u, s[i].note);
		mark(u, s[i].example);
		if (s[i].when_src && strstr(s[i].when_src, u->name))
			u->used = 1;
		for (k = 0; k < s[i].nchecks; k++) {
			const struct rb_check *c = &s[i].checks[k];
			size_t m;
			if (c->when_src && strstr(c->when_src, u->name))
				u->used = 1;
			mark(u, c->command);
			mark(u, c->host);
			mark(u, c->port);
			mark(u, c->name);
			mark(u, c->subject_cn);
			mark(u, c->cert_file);
			mark(u, c->key_file);
			mark(u, c->from);
			mark(u, c->to);
			mark(u, c->ca);
			mark(u, c->file);
			mark(u, c->text);
			for (m = 0; m < c->contains.n; m++)
				mark(u, c->contains.v[m]);
			for (m = 0; m < c->regex.n; m++)
				mark(u, c->regex.v[m]);
			for (m = 0; m < c->absent.n; m++)
				mark(u, c->absent.v[m]);
			for (m = 0; m < c->expect.n; m++)
				mark(u, c->expect.v[m]);
		}
		if (s[i].table) {
			const struct rb_table *t = s[i].table;
			size_t m;
			for (m = 0; m < t->nrows * t->columns.n; m++)
				mark(u, t->cells[m]);
		}
		mark_steps(u, s[i].steps, s[i].nsteps);
	}
}

static void
test_runbooks_every_variable_is_used(void **state)
{
	struct runbook		*rb;
	struct diags		 d;
	const struct rb_proc	*p;
	char			*dir = steps_dir();
	size_t			 i, v, j;

	(void)state;
	diags_init(&d);
	for (i = 0; i < nitems(shipped); i++) {
		assert_int_equal(catalog_open(dir, shipped[i].id, &rb, &d), 0);
		for (v = 0; v < rb->nvars; v++) {
			struct use u = { rb->vars[v].name, 0 };
			for (j = 0; j < rb->nprocs && !u.used; j++) {
				p = &rb->procs[j];
				mark(&u, p->intro);
				mark(&u, p->note);
				mark(&u, p->tips);
				mark(&u, p->troubleshooting);
				mark(&u, p->before);
				mark(&u, p->next);
				if (p->when_src && strstr(p->when_src, u.name))
					u.used = 1;
				mark_steps(&u, p->steps, p->nsteps);
			}
			if (!u.used)
				fail_msg("%s: variable %s is never used",
				    rb->id, u.name);
		}
		runbook_free(rb);
	}
	diags_free(&d);
	free(dir);
}

/* Issue 12: what is per server is declared per host, what the documents
 * do once for the deployment is once. */
static void
test_runbooks_per_host_and_once(void **state)
{
	static const struct {
		const char	*rb, *what, *role;	/* role NULL: a procedure */
	} want[] = {
		{ "lync-imp-tls", "lync_fqdn", "lync_fe" },
		{ "lync-imp-tls", "csr_local_path", "lync_fe" },
		{ "lync-imp-tls", "cert_local_path", "lync_fe" },
		{ "lync-imp-tls", "set-up-static-route", NULL },
		{ "lync-imp-tls", "set-up-application-pool", NULL },
		{ "lync-imp-tls", "set-up-rcc-application", NULL },
		{ "lync-imp-tls", "commit-lync-server-setup", NULL },
		{ "ocs-imp-tls", "ocs_fqdn", "ocs_fe" },
		{ "ocs-imp-tls", "add-tls-peer-to-selected-subjects", NULL },
		{ "ocs-partitioned", "imp_fqdn", "imp" },
		{ "ocs-partitioned", "imp_address", "imp" },
		{ "ocs-partitioned", "ocs_fqdn", "ocs_fe" },
		{ "ocs-partitioned", "configure-static-route-on-imp", NULL },
		{ "interdomain-asa", "verify-federation", NULL },
	};
	struct runbook		*rb;
	struct diags		 d;
	const struct rb_var	*v;
	const struct rb_proc	*p;
	char			*dir = steps_dir();
	size_t			 i, k;

	(void)state;
	diags_init(&d);
	for (i = 0; i < nitems(want); i++) {
		assert_int_equal(catalog_open(dir, want[i].rb, &rb, &d), 0);
		if (want[i].role != NULL) {
			v = runbook_var(rb, want[i].what);
			assert_non_null(v);
			assert_non_null(v->per_host);
			assert_string_equal(v->per_host, want[i].role);
		} else {
			for (p = NULL, k = 0; k < rb->nprocs; k++)
				if (strcmp(rb->procs[k].id, want[i].what) == 0)
					p = &rb->procs[k];
			if (p == NULL)
				fail_msg("%s has no procedure %s", want[i].rb,
				    want[i].what);
			else
				assert_true(p->once);
		}
		runbook_free(rb);
	}
	/* Host authorization is repeated per IM and Presence node. */
	assert_int_equal(catalog_open(dir, "ocs-partitioned", &rb, &d), 0);
	for (p = NULL, k = 0; k < rb->nprocs; k++)
		if (strcmp(rb->procs[k].id, "add-host-authorization") == 0)
			p = &rb->procs[k];
	if (p == NULL)
		fail_msg("ocs-partitioned has no add-host-authorization");
	else {
		assert_string_equal(p->on, "imp");
		assert_false(p->once);
	}
	runbook_free(rb);
	diags_free(&d);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runbooks_all_shipped_validate),
		cmocka_unit_test(test_runbooks_ids_and_sources),
		cmocka_unit_test(test_runbooks_every_variable_is_used),
		cmocka_unit_test(test_runbooks_per_host_and_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
