/* test_check.c: how a check's output is judged, and where checks run:
 * which hosts, what is not run and why, and what is an input error as
 * against a network one. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answers.h"
#include "check.h"
#include "evloop.h"
#include "plan.h"
#include "ssh.h"
#include "testutil.h"

static const char *rb_text = RB_HEAD
    "vars:\n"
    "  - { name: imp_fqdn, prompt: I, type: fqdn }\n"
    "  - { name: transport, prompt: T, type: choice, choices: [tcp, tls],"
    " default: tls }\n"
    "roles:\n"
    "  - { id: fe, title: Front end, profile: windows, many: true }\n"
    "  - { id: imp, title: IM and Presence, profile: cisco-vos, many: true }\n"
    "  - { id: lin, title: Linux, profile: linux, many: true }\n"
    "procedures:\n"
    "  - id: route\n"
    "    title: Route\n"
    "    on: fe\n"
    "    steps:\n"
    "      - do: add the route\n"
    "        check:\n"
    "          ssh:\n"
    "            command: Get-CsStaticRoutingConfiguration\n"
    "            contains: ['${imp_fqdn}', '5062']\n"
    "      - do: look\n"
    "        check:\n"
    "          manual: look at ${imp_fqdn}\n"
    "      - do: tls only\n"
    "        when: transport == \"tls\"\n"
    "        check:\n"
    "          tls: { host: 127.0.0.1, port: 1 }\n"
    "      - do: tcp only\n"
    "        when: transport == \"tcp\"\n"
    "        check:\n"
    "          ssh: { command: x, contains: y }\n"
    "  - id: imp-side\n"
    "    title: IMP side\n"
    "    steps:\n"
    "      - do: on every imp\n"
    "        check:\n"
    "          ssh:\n"
    "            role: imp\n"
    "            command: show network eth0\n"
    "            regex: 'Host *: ${imp_fqdn}'\n"
    "  - id: lin-side\n"
    "    title: Linux side\n"
    "    on: lin\n"
    "    steps:\n"
    "      - do: ls\n"
    "        check:\n"
    "          ssh: { command: 'ls ${imp_fqdn}', exit: 0, contains: x }\n";

/* judge */

static struct ssh_result
result(const char *out, int status)
{
	struct ssh_result	r;

	memset(&r, 0, sizeof(r));
	r.status = SSH_OK;
	r.exit_status = status;
	r.output = out;
	r.len = strlen(out);
	r.errout = "";
	r.message = "";
	return r;
}

static const struct rb_check *
first_check(const struct runbook *rb, const char *proc)
{
	size_t	i;

	for (i = 0; i < rb->nprocs; i++)
		if (strcmp(rb->procs[i].id, proc) == 0)
			return &rb->procs[i].steps[0].checks[0];
	fail_msg("no procedure %s", proc);
	return NULL;
}

static struct answers *
answers_of(const struct runbook *rb, const char *text)
{
	struct answers	*a = answers_new();
	struct diags	 d;

	diags_init(&d);
	if (answers_parse(a, rb, "a.yaml", text, strlen(text), &d) == -1) {
		diags_print(&d, stderr);
		fail_msg("answers did not load");
	}
	diags_free(&d);
	return a;
}

static void
test_judge_contains_with_values(void **state)
{
	struct runbook		*rb = rb_from(rb_text);
	struct answers		*a = answers_of(rb,
	    "vars: { imp_fqdn: imp1.example.com }\n");
	struct scope		 sc = { rb, a, NULL, NULL };
	const struct rb_check	*c = first_check(rb, "route");
	struct ssh_result	 r;
	char			*msg;

	(void)state;
	r = result("Route : {imp1.example.com;5062;TLS}\r\n", 0);
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_PASS);
	assert_null(msg);
	/* Bold around the value is not in the way. */
	r = result("Route : {\033[1mimp1.example.com\033[0m;5062}\n", 0);
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_PASS);
	r = result("Route : {imp2.example.com;5062}\n", 0);
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_FAIL);
	assert_non_null(strstr(msg, "\"imp1.example.com\""));
	free(msg);
	/* An exec command that failed proves nothing. */
	r = result("imp1.example.com 5062\n", 1);
	r.errout = "The term 'Get-CsStaticRoutingConfiguration' is not "
	    "recognized\r\nmore";
	r.errlen = strlen(r.errout);
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_FAIL);
	assert_non_null(strstr(msg, "status 1, not 0"));
	assert_non_null(strstr(msg, "is not recognized"));
	assert_null(strstr(msg, "more"));
	free(msg);
	answers_free(a);
	runbook_free(rb);
}

static void
test_judge_regex_values_are_literal(void **state)
{
	struct runbook		*rb = rb_from(rb_text);
	struct answers		*a = answers_of(rb,
	    "vars: { imp_fqdn: imp1.example.com }\n");
	struct scope		 sc = { rb, a, NULL, NULL };
	const struct rb_check	*c = first_check(rb, "imp-side");
	struct ssh_result	 r;
	char			*msg;

	(void)state;
	r = result("Host   : imp1.example.com\n", -1);
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_PASS);
	/* The dots of the value are dots, not "any character". */
	r = result("Host   : imp1xexamplexcom\n", -1);
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_FAIL);
	assert_non_null(strstr(msg, "no line"));
	free(msg);
	/* The device said no. */
	r = result("Host : imp1.example.com\n", -1);
	r.device_error = "Executed command unsuccessfully";
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_FAIL);
	assert_non_null(strstr(msg, "refused"));
	free(msg);
	answers_free(a);
	runbook_free(rb);
}

static void
test_judge_exit_and_absent(void **state)
{
	struct runbook		*rb = rb_from(RB_HEAD
	    "roles: [ { id: l, title: L, profile: linux } ]\n"
	    "procedures:\n"
	    "  - id: p\n"
	    "    title: P\n"
	    "    on: l\n"
	    "    steps:\n"
	    "      - do: x\n"
	    "        check:\n"
	    "          ssh: { command: grep, exit: 1, absent: [ERROR, "
	    "'3DES'] }\n");
	struct scope		 sc = { rb, NULL, NULL, NULL };
	const struct rb_check	*c = first_check(rb, "p");
	struct ssh_result	 r;
	char			*msg;

	(void)state;
	r = result("all fine\n", 1);
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_PASS);
	r = result("all fine\n", 0);
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_FAIL);
	assert_non_null(strstr(msg, "status 0, not 1"));
	free(msg);
	r = result("cipher 3DES enabled\n", 1);
	assert_int_equal(check_judge_ssh(c, &sc, &r, &msg), CV_FAIL);
	assert_non_null(strstr(msg, "\"3DES\" must not be"));
	free(msg);
	runbook_free(rb);
}

/* where checks run */

/* A loopback port that refuses connections: bound, never listening. */
static int
refusing_port(int *fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	*fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(*fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(*fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/* The answers text with each PORT replaced by the port. */
static char *
with_port(const char *fmt, int port)
{
	struct buf	 b;
	const char	*p, *q;

	buf_init(&b);
	for (p = fmt; (q = strstr(p, "PORT")) != NULL; p = q + 4) {
		buf_add(&b, p, (size_t)(q - p));
		buf_printf(&b, "%d", port);
	}
	buf_adds(&b, p);
	return buf_steal(&b);
}

struct world {
	struct runbook		*rb;
	struct answers		*ans;
	struct plan		*pl;
	struct evloop		*ev;
	struct ssh_engine	*eng;
	struct check_run	*run;
	int			 fd;
};

static void
world_up(struct world *w, const char *answers_fmt, const char *only)
{
	struct ssh_opts	 o;
	struct diags	 d;
	char		*text;
	int		 port;

	memset(w, 0, sizeof(*w));
	port = refusing_port(&w->fd);
	w->rb = rb_from(rb_text);
	text = with_port(answers_fmt, port);
	w->ans = answers_of(w->rb, text);
	free(text);
	diags_init(&d);
	assert_int_equal(plan_build(w->rb, w->ans, NULL, NULL, &w->pl, &d), 0);
	ssh_opts_default(&o);
	o.known_hosts = "/nonexistent/fedwiz/known_hosts";
	o.connect_ms = 5000;
	w->ev = evloop_new();
	w->eng = ssh_engine_new(w->ev, &o);
	w->run = check_run_new(w->ev, w->eng, w->pl);
	check_run_only(w->run, only);
	diags_free(&d);
}

static void
world_down(struct world *w)
{
	check_run_free(w->run);
	ssh_engine_free(w->eng);
	evloop_free(w->ev);
	plan_free(w->pl);
	answers_free(w->ans);
	runbook_free(w->rb);
	close(w->fd);
}

/* Run every step of every instance; return the outcomes. */
static const struct check_outcome *
run_all(struct world *w, size_t *n, size_t *ndiags)
{
	struct diags	d;
	size_t		i, k;

	diags_init(&d);
	for (i = 0; i < w->pl->n; i++)
		for (k = 1; k <= w->pl->inst[i].proc->nsteps; k++)
			(void)check_run_step(w->run, &w->pl->inst[i], k, &d);
	*ndiags = d.n;
	diags_free(&d);
	check_run_wait(w->run);
	return check_run_outcomes(w->run, n);
}

/* The outcome of proc's step on host; the test fails without one. */
static const struct check_outcome *
find(const struct check_outcome *v, size_t n, const char *proc, size_t step,
    const char *host)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].inst->proc->id, proc) == 0 &&
		    v[i].step == step && (host == NULL ? v[i].host == NULL :
		    v[i].host != NULL && strcmp(v[i].host->name, host) == 0))
			return &v[i];
	fail_msg("no outcome for %s step %zu on %s", proc, step,
	    host ? host : "-");
	abort();
}

static const char *answers_two_fe =
    "vars: { imp_fqdn: imp1.example.com }\n"
    "hosts:\n"
    "  fe:\n"
    "    - { name: fe1, address: 127.0.0.1, port: PORT, user: u }\n"
    "    - { name: fe2, address: 127.0.0.1, port: PORT, user: u }\n"
    "  imp:\n"
    "    - { name: imp1, address: 127.0.0.1, port: PORT, user: admin }\n";

static void
test_where_checks_run_and_why_not(void **state)
{
	struct world			 w;
	const struct check_outcome	*v, *o;
	size_t				 n, nd;

	(void)state;
	world_up(&w, answers_two_fe, NULL);
	v = run_all(&w, &n, &nd);
	assert_int_equal(nd, 1);		/* lin has no hosts */
	/* route step 1 on each front end: refused, an environment error. */
	o = find(v, n, "route", 1, "fe1");
	assert_non_null(o);
	assert_int_equal(o->verdict, CV_ERROR);
	assert_int_equal(o->ssh, SSH_E_CONNECT);
	assert_false(o->input);
	assert_non_null(strstr(o->message, "refused"));
	assert_non_null(find(v, n, "route", 1, "fe2"));
	/* manual: not run, with the text for the operator. */
	o = find(v, n, "route", 2, "fe1");
	assert_int_equal(o->verdict, CV_NOT_RUN);
	assert_string_equal(o->message, "look at imp1.example.com");
	/* tls, from this machine: nothing listens on 127.0.0.1:1, which is
	 * a finding (fail), and the procedure is named. */
	o = find(v, n, "route", 3, "fe1");
	assert_int_equal(o->verdict, CV_FAIL);
	assert_false(o->input);
	assert_non_null(strstr(o->message, "refused"));
	assert_non_null(strstr(o->message, "procedure"));
	/* A step whose when is false: not run, and why. */
	o = find(v, n, "route", 4, "fe1");
	assert_int_equal(o->verdict, CV_NOT_RUN);
	assert_non_null(strstr(o->message, "transport == \"tcp\""));
	/* A check on another role runs on every host of that role. */
	o = find(v, n, "imp-side", 1, "imp1");
	assert_non_null(o);
	assert_int_equal(o->verdict, CV_ERROR);
	/* No hosts for a role: an input error, not a network one. */
	o = find(v, n, "lin-side", 1, NULL);
	assert_non_null(o);
	assert_int_equal(o->verdict, CV_ERROR);
	assert_true(o->input);
	assert_non_null(strstr(o->message, "no hosts listed for role lin"));
	world_down(&w);
}

static void
test_only_one_host(void **state)
{
	struct world			 w;
	const struct check_outcome	*v;
	size_t				 n, nd, i;

	(void)state;
	world_up(&w, answers_two_fe, "fe2");
	v = run_all(&w, &n, &nd);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		assert_non_null(v[i].host);
		assert_string_equal(v[i].host->name, "fe2");
	}
	assert_non_null(find(v, n, "route", 1, "fe2"));
	world_down(&w);
}

static void
test_value_that_cannot_go_to_the_device(void **state)
{
	struct world			 w;
	const struct check_outcome	*v, *o;
	size_t				 n, nd;

	(void)state;
	/* A VOS CLI has no quoting: a value with a space is refused before
	 * anything is sent; a host of profile none takes no ssh check. */
	world_up(&w,
	    "vars: { imp_fqdn: imp1.example.com }\n"
	    "hosts:\n"
	    "  fe:\n"
	    "    - { name: fe1, address: 127.0.0.1, port: PORT, profile: none }\n"
	    "  lin:\n"
	    "    - { name: l1, address: 127.0.0.1, port: PORT }\n"
	    "  imp:\n"
	    "    - { name: imp1, address: 127.0.0.1, port: PORT }\n", NULL);
	v = run_all(&w, &n, &nd);
	o = find(v, n, "route", 1, "fe1");
	assert_non_null(o);
	assert_int_equal(o->verdict, CV_ERROR);
	assert_true(o->input);
	/* The linux host: the value is quoted, the command is sent (and the
	 * port refuses it). */
	o = find(v, n, "lin-side", 1, "l1");
	assert_non_null(o);
	assert_false(o->input);
	assert_non_null(strstr(o->target, "ls 'imp1.example.com'"));
	world_down(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_contains_with_values),
		cmocka_unit_test(test_judge_regex_values_are_literal),
		cmocka_unit_test(test_judge_exit_and_absent),
		cmocka_unit_test(test_where_checks_run_and_why_not),
		cmocka_unit_test(test_only_one_host),
		cmocka_unit_test(test_value_that_cannot_go_to_the_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
