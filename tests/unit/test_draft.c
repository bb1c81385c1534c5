/* test_draft.c: what the wizard's new-session forms fill in becomes a
 * session through session_start_answers, with the same checks as an
 * answers file: bad values and hosts are refused with the reason, and
 * nothing is recorded until everything fits. */
#include "config.h"

#include <dirent.h>
#include <unistd.h>

#include "answers.h"
#include "catalog.h"
#include "draft.h"
#include "session.h"
#include "store.h"
#include "testutil.h"

/* The runbook tests/tui/new-session-forms.sh fills in: pool_fqdn (fqdn,
 * no default), sip_port (port, 5061), transport (choice tls/tcp, tls),
 * fips (bool, no); roles fe (windows, many) and imp (cisco-vos, one). */
static char *
rb_dir(void)
{
	return xasprintf("%s/tests/data/tui", srcdir());
}

static struct draft *
new_draft(void)
{
	struct runbook	*rb = NULL;
	struct diags	 d;
	char		*dir = rb_dir();

	diags_init(&d);
	if (catalog_open(dir, "new-session", &rb, &d) == -1) {
		diags_print(&d, stderr);
		fail_msg("tests/data/tui/new-session.yaml does not load");
	}
	diags_free(&d);
	free(dir);
	return draft_new(rb);
}

static size_t
var_index(const struct draft *dr, const char *name)
{
	size_t	i;

	for (i = 0; i < dr->rb->nvars; i++)
		if (strcmp(dr->rb->vars[i].name, name) == 0)
			return i;
	fail_msg("no variable %s", name);
	return 0;
}

static void
add_host(struct draft *dr, const char *role, const char *name,
    const char *address, const char *port, const char *profile)
{
	struct draft_host	 h;
	enum draft_field	 f;
	char			 why[400];

	draft_host_init(&h, runbook_role(dr->rb, role));
	draft_host_set(&h, DF_NAME, name);
	draft_host_set(&h, DF_ADDRESS, address);
	draft_host_set(&h, DF_PORT, port);
	if (profile != NULL)
		draft_host_set(&h, DF_PROFILE, profile);
	if (draft_check_host(dr, &h, dr->nhosts, &f, why, sizeof(why)) == -1)
		fail_msg("host %s refused: %s: %s", name,
		    draft_field_names[f], why);
	draft_host_put(dr, dr->nhosts, &h);
	draft_host_clear(&h);
}

/* Start from the draft on an in-memory store; the first message or NULL. */
static char *
start(struct store *st, const struct answers *a, int64_t *id)
{
	struct diags	 d;
	char		*dir = rb_dir(), *msg = NULL;

	diags_init(&d);
	if (session_start_answers(st, dir, "new-session", a, "tester", 0, id,
	    &d) != STORE_OK) {
		assert_true(d.n > 0);
		msg = xstrdup(d.v[0].msg);
	}
	diags_free(&d);
	free(dir);
	return msg;
}

/* A store of its own in a temporary folder (never the default one). */
struct tmpstore {
	char		 dir[64];
	char		*path;
	struct store	*st;
};

static void
store_up(struct tmpstore *ts)
{
	struct diags	d;

	snprintf(ts->dir, sizeof(ts->dir), "%s/fedwiz-draft-XXXXXX",
	    getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 32 ?
	    getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(ts->dir));
	ts->path = xasprintf("%s/s.db", ts->dir);
	diags_init(&d);
	assert_int_equal(store_open(ts->path, 0, &ts->st, &d), STORE_OK);
	diags_free(&d);
}

static void
store_down(struct tmpstore *ts)
{
	struct dirent	*de;
	DIR		*dp;
	char		*f;

	store_close(ts->st);
	assert_non_null(dp = opendir(ts->dir));
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		f = xasprintf("%s/%s", ts->dir, de->d_name);
		assert_int_equal(unlink(f), 0);
		free(f);
	}
	closedir(dp);
	assert_int_equal(rmdir(ts->dir), 0);
	free(ts->path);
}

static size_t
nsessions(struct store *st)
{
	struct store_session	*v = NULL;
	struct diags		 d;
	size_t			 n = 0;

	diags_init(&d);
	assert_int_equal(store_session_list(st, &v, &n, &d), STORE_OK);
	store_session_list_free(v, n);
	diags_free(&d);
	return n;
}

static void
test_draft_values_checked_as_typed(void **state)
{
	struct draft	*dr = new_draft();
	size_t		 fq = var_index(dr, "pool_fqdn"), bad;
	char		 why[400];

	(void)state;
	/* Defaults are filled in (normalised: the bool's "no" is false). */
	assert_string_equal(dr->values[var_index(dr, "sip_port")], "5061");
	assert_string_equal(dr->values[var_index(dr, "fips")], "false");
	/* No default and nothing typed: not an error (the session starts
	 * without it and its steps say so), but counted as unanswered. */
	assert_string_equal(dr->values[fq], "");
	assert_int_equal(draft_check_value(dr, fq, why, sizeof(why)), 0);
	assert_int_equal(draft_ready(dr, &bad, why, sizeof(why)), 0);
	assert_int_equal(draft_unanswered(dr, &bad), 1);
	assert_int_equal(bad, fq);
	/* A bad value says why and what was expected. */
	draft_set(dr, fq, "pool1..example.com");
	assert_int_equal(draft_check_value(dr, fq, why, sizeof(why)), -1);
	assert_contains(why, "empty label");
	assert_contains(why, "expected a DNS name");
	draft_set(dr, fq, "pool1.example.com");
	assert_int_equal(draft_check_value(dr, fq, why, sizeof(why)), 0);
	/* A cleared value with a default lets the default stand in. */
	draft_set(dr, var_index(dr, "sip_port"), "");
	assert_int_equal(draft_ready(dr, &bad, why, sizeof(why)), 0);
	/* A choice lists its choices. */
	draft_set(dr, var_index(dr, "transport"), "udp");
	assert_int_equal(draft_ready(dr, &bad, why, sizeof(why)), -1);
	assert_int_equal(bad, var_index(dr, "transport"));
	assert_contains(why, "tls, tcp");
	draft_free(dr);
}

static void
test_draft_host_fields_checked(void **state)
{
	struct draft		*dr = new_draft();
	struct draft_host	 h;
	enum draft_field	 f;
	char			 why[400];

	(void)state;
	add_host(dr, "fe", "fe1", "192.0.2.10", "", NULL);
	draft_host_init(&h, runbook_role(dr->rb, "imp"));
	/* The role's profile is filled in. */
	assert_string_equal(h.f[DF_PROFILE], "cisco-vos");
	assert_int_equal(draft_check_host(dr, &h, dr->nhosts, &f, why,
	    sizeof(why)), -1);
	assert_int_equal(f, DF_NAME);
	assert_contains(why, "needs a name");
	/* Names are unique across roles; a host is not taken by itself. */
	draft_host_set(&h, DF_NAME, "fe1");
	assert_int_equal(draft_check_field(dr, &h, dr->nhosts, DF_NAME, why,
	    sizeof(why)), -1);
	assert_contains(why, "taken by a host of fe");
	assert_int_equal(draft_check_field(dr, &h, 0, DF_NAME, why,
	    sizeof(why)), 0);
	draft_host_set(&h, DF_NAME, "imp 1");
	assert_int_equal(draft_check_field(dr, &h, dr->nhosts, DF_NAME, why,
	    sizeof(why)), -1);
	assert_contains(why, "letters, digits");
	draft_host_set(&h, DF_NAME, "imp1");
	draft_host_set(&h, DF_ADDRESS, "imp1..example.com");
	assert_int_equal(draft_check_host(dr, &h, dr->nhosts, &f, why,
	    sizeof(why)), -1);
	assert_int_equal(f, DF_ADDRESS);
	draft_host_set(&h, DF_ADDRESS, "");	/* the name is the address */
	draft_host_set(&h, DF_PORT, "70000");
	assert_int_equal(draft_check_host(dr, &h, dr->nhosts, &f, why,
	    sizeof(why)), -1);
	assert_int_equal(f, DF_PORT);
	assert_contains(why, "1-65535");
	draft_host_set(&h, DF_PORT, "2222");
	draft_host_set(&h, DF_USER, "ad min");
	assert_int_equal(draft_check_host(dr, &h, dr->nhosts, &f, why,
	    sizeof(why)), -1);
	assert_int_equal(f, DF_USER);
	draft_host_set(&h, DF_USER, "admin");
	draft_host_set(&h, DF_PROFILE, "vms");
	assert_int_equal(draft_check_host(dr, &h, dr->nhosts, &f, why,
	    sizeof(why)), -1);
	assert_int_equal(f, DF_PROFILE);
	assert_contains(why, "cisco-vos");
	draft_host_set(&h, DF_PROFILE, "linux");
	assert_int_equal(draft_check_host(dr, &h, dr->nhosts, &f, why,
	    sizeof(why)), 0);
	draft_host_clear(&h);
	/* Delete keeps the others in order. */
	add_host(dr, "fe", "fe2", "", "", NULL);
	add_host(dr, "fe", "fe3", "", "", NULL);
	draft_host_del(dr, 1);
	assert_int_equal(dr->nhosts, 2);
	assert_string_equal(dr->hosts[1].f[DF_NAME], "fe3");
	assert_int_equal(draft_role_hosts(dr, "fe"), 2);
	assert_int_equal(draft_role_hosts(dr, "imp"), 0);
	draft_free(dr);
}

/* What the forms fill in is what the session records. */
static void
test_draft_starts_a_session(void **state)
{
	struct draft		*dr = new_draft();
	struct answers		*a;
	struct tmpstore		 ts;
	struct session		*s = NULL;
	const struct role_hosts	*rh;
	struct diags		 d;
	char			*dir = rb_dir(), *msg;
	int64_t			 id = 0;

	(void)state;
	diags_init(&d);
	store_up(&ts);
	draft_set(dr, var_index(dr, "pool_fqdn"), "pool1.example.com.");
	draft_set(dr, var_index(dr, "fips"), "yes");
	draft_set(dr, var_index(dr, "sip_port"), "");
	add_host(dr, "fe", "fe1", "192.0.2.10", "2222", NULL);
	add_host(dr, "fe", "fe2", "", "", "linux");
	add_host(dr, "imp", "imp1", "imp1.example.com", "", NULL);
	a = draft_answers(dr);
	msg = start(ts.st, a, &id);
	assert_null(msg);
	answers_free(a);
	assert_true(id > 0);

	assert_int_equal(session_open(ts.st, id, dir, &s, &d), STORE_OK);
	/* Normalised as a file's values are; the cleared one is unsaid. */
	assert_string_equal(answers_get(s->ans, "pool_fqdn"),
	    "pool1.example.com");
	assert_string_equal(answers_get(s->ans, "fips"), "true");
	assert_string_equal(answers_get(s->ans, "transport"), "tls");
	assert_null(answers_get(s->ans, "sip_port"));
	rh = answers_hosts(s->ans, "fe");
	assert_non_null(rh);
	assert_int_equal(rh->n, 2);
	assert_string_equal(rh->hosts[0].name, "fe1");
	assert_string_equal(rh->hosts[0].address, "192.0.2.10");
	assert_int_equal(rh->hosts[0].port, 2222);
	assert_string_equal(rh->hosts[0].profile->name, "windows");
	assert_null(rh->hosts[1].address);
	assert_int_equal(rh->hosts[1].port, 22);
	assert_string_equal(rh->hosts[1].profile->name, "linux");
	rh = answers_hosts(s->ans, "imp");
	assert_non_null(rh);
	assert_int_equal(rh->n, 1);
	assert_string_equal(rh->hosts[0].profile->name, "cisco-vos");
	/* The plan fans out over the hosts: prepare, on-fe x2, on-imp. */
	assert_int_equal(s->plan->n, 4);
	session_free(s);
	store_down(&ts);
	diags_free(&d);
	free(dir);
	draft_free(dr);
}

/* Answers from memory get the file's checks: a form cannot slip a bad
 * value or host past them, and nothing is recorded then. */
static void
test_start_answers_refuses_what_a_file_would(void **state)
{
	struct runbook	*rb;
	struct answers	*a;
	struct tmpstore	 ts;
	struct host	 h;
	struct draft	*dr = new_draft();
	char		*msg;
	int64_t		 id = 0;

	(void)state;
	rb = dr->rb;
	store_up(&ts);

	a = answers_new();
	answers_put(a, "pool_fqdn", "not a name");
	msg = start(ts.st, a, &id);
	assert_non_null(msg);
	assert_contains(msg, "pool_fqdn: \"not a name\"");
	free(msg);
	answers_free(a);

	a = answers_new();
	answers_put(a, "pool_fdqn", "pool1.example.com");
	msg = start(ts.st, a, &id);
	assert_non_null(msg);
	assert_contains(msg, "did you mean \"pool_fqdn\"");
	free(msg);
	answers_free(a);

	/* imp takes one host. */
	a = answers_new();
	memset(&h, 0, sizeof(h));
	h.role = "imp";
	h.name = "imp1";
	assert_int_equal(answers_add_host(a, rb, &h), 0);
	h.name = "imp2";
	assert_int_equal(answers_add_host(a, rb, &h), 0);
	msg = start(ts.st, a, &id);
	assert_non_null(msg);
	assert_contains(msg, "role imp (IM and Presence node) takes one host");
	free(msg);
	answers_free(a);

	/* Names unique across roles; fields as a file's. */
	a = answers_new();
	h.role = "fe";
	h.name = "x1";
	assert_int_equal(answers_add_host(a, rb, &h), 0);
	h.role = "imp";
	assert_int_equal(answers_add_host(a, rb, &h), 0);
	msg = start(ts.st, a, &id);
	assert_non_null(msg);
	assert_contains(msg, "\"x1\" is listed twice");
	free(msg);
	answers_free(a);

	a = answers_new();
	h.role = "fe";
	h.name = "fe1";
	h.port = 70000;
	assert_int_equal(answers_add_host(a, rb, &h), 0);
	msg = start(ts.st, a, &id);
	assert_non_null(msg);
	assert_contains(msg, "port 70000 is not a port");
	free(msg);
	answers_free(a);

	/* Answers made for another runbook. */
	a = answers_new();
	a->runbook = "lync-imp-tls";
	msg = start(ts.st, a, &id);
	assert_non_null(msg);
	assert_contains(msg, "for runbook lync-imp-tls, not new-session");
	free(msg);
	answers_free(a);

	assert_int_equal(nsessions(ts.st), 0);
	store_down(&ts);
	draft_free(dr);
}

/* --answers and --set fill the forms in. */
static void
test_draft_filled_from_answers(void **state)
{
	struct draft	*dr = new_draft();
	struct answers	*a = answers_new();
	struct host	 h;

	(void)state;
	answers_put(a, "transport", "tcp");
	memset(&h, 0, sizeof(h));
	h.role = "fe";
	h.name = "fe9";
	h.address = "192.0.2.99";
	h.port = 2200;
	h.profile_name = "linux";
	assert_int_equal(answers_add_host(a, dr->rb, &h), 0);
	h.name = "fe8";
	h.port = 22;
	h.profile_name = NULL;
	assert_int_equal(answers_add_host(a, dr->rb, &h), 0);
	draft_fill(dr, a);
	assert_string_equal(dr->values[var_index(dr, "transport")], "tcp");
	assert_string_equal(dr->values[var_index(dr, "sip_port")], "5061");
	assert_int_equal(dr->nhosts, 2);
	assert_string_equal(dr->hosts[0].role, "fe");
	assert_string_equal(dr->hosts[0].f[DF_PORT], "2200");
	assert_string_equal(dr->hosts[0].f[DF_PROFILE], "linux");
	assert_string_equal(dr->hosts[1].f[DF_PORT], "");
	assert_string_equal(dr->hosts[1].f[DF_PROFILE], "windows");
	answers_free(a);
	draft_free(dr);
}

/* A lab's answers through the forms: the session is practice and keeps
 * the lab's known_hosts and DNS server. */
static void
test_draft_keeps_a_labs_settings(void **state)
{
	struct draft		*dr = new_draft();
	struct answers		*a = answers_new(), *b;
	struct tmpstore		 ts;
	struct session		*s = NULL;
	struct diags		 d;
	char			*dir = rb_dir();
	int64_t			 id = 0;

	(void)state;
	diags_init(&d);
	a->lab = "/tmp/lab";
	a->known_hosts = "/tmp/lab/known_hosts";
	a->dns_server = "127.0.0.1:5353";
	draft_fill(dr, a);
	answers_free(a);
	assert_true(dr->practice);
	b = draft_answers(dr);
	assert_true(b->practice);
	assert_string_equal(b->lab, "/tmp/lab");
	store_up(&ts);
	assert_null(start(ts.st, b, &id));
	answers_free(b);
	assert_int_equal(session_open(ts.st, id, dir, &s, &d), STORE_OK);
	assert_true(s->info.practice);
	assert_string_equal(s->info.lab, "/tmp/lab");
	assert_string_equal(s->ans->known_hosts, "/tmp/lab/known_hosts");
	assert_string_equal(s->ans->dns_server, "127.0.0.1:5353");
	session_free(s);
	store_down(&ts);
	diags_free(&d);
	free(dir);
	draft_free(dr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_draft_values_checked_as_typed),
		cmocka_unit_test(test_draft_host_fields_checked),
		cmocka_unit_test(test_draft_starts_a_session),
		cmocka_unit_test(test_start_answers_refuses_what_a_file_would),
		cmocka_unit_test(test_draft_filled_from_answers),
		cmocka_unit_test(test_draft_keeps_a_labs_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
