/*
 * test_wiz.c: the wizard controller with no terminal: where a session is
 * resumed (and who else is on it), the completion policy (checks that all pass complete a step,
 * recorded as done by its checks; checks that finish at once; a step with
 * no check, or only the operator's), the drift of a changed runbook and
 * its acceptance, and the override of a blocked procedure.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cli.h"
#include "draft.h"
#include "evloop.h"
#include "store.h"
#include "testutil.h"
#include "wiz.h"

static const char *rb_text =
    "id: wt\n"
    "title: Wizard test\n"
    "source: t.txt\n"
    "summary: The controller's tests.\n"
    "vars:\n"
    "  - { name: cert, prompt: Certificate file, type: path }\n"
    "  - { name: fqdn, prompt: Name, type: fqdn, default: x.example.com }\n"
    "procedures:\n"
    "  - id: first\n"
    "    title: First\n"
    "    steps:\n"
    "      - do: look at the certificate\n"
    "        check:\n"
    "          x509: { file: '${cert}', kind: cert, name: '${fqdn}',"
    " eku: [serverAuth, clientAuth] }\n"
    "      - do: nothing to check here\n"
    "      - do: you confirm it\n"
    "        check:\n"
    "          manual: it looks right\n"
    "      - do: both\n"
    "        check:\n"
    "          - x509: { file: '${cert}', kind: cert }\n"
    "          - manual: and it looks right\n"
    "      - do: a certificate for another name\n"
    "        check:\n"
    "          x509: { file: '${cert}', kind: cert, name: y.example.com }\n"
    "  - id: second\n"
    "    title: Second\n"
    "    requires: [first]\n"
    "    steps:\n"
    "      - do: after the first\n"
    "        check:\n"
    "          x509: { file: '${cert}', kind: cert }\n";

struct fx {
	char		 dir[64];
	char		 rbdir[96];
	char		 state[96];
	char		 cert[96];
	char		 answers[96];
	const char	*sets[1];
	char		 set[160];
	struct cli	 cli;
	struct wiz	*w;
};

/* A self-signed certificate for x.example.com with both EKUs. */
static void
write_cert(const char *path)
{
	EVP_PKEY	*k;
	X509		*x;
	X509V3_CTX	 ctx;
	X509_EXTENSION	*e;
	FILE		*fp;

	k = EVP_EC_gen("P-256");
	assert_non_null(k);
	x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400 * 30);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)"x.example.com", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, k);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
	    "DNS:x.example.com");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	e = X509V3_EXT_conf_nid(NULL, &ctx, NID_ext_key_usage,
	    "serverAuth,clientAuth");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	fp = fopen(path, "w");
	assert_non_null(fp);
	PEM_write_X509(fp, x);
	fclose(fp);
	X509_free(x);
	EVP_PKEY_free(k);
}

static void
write_file(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));
	char		 path[160];

	snprintf(f->dir, sizeof(f->dir), "/tmp/fedwiz-wiz.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->rbdir, sizeof(f->rbdir), "%s/rb", f->dir);
	snprintf(f->state, sizeof(f->state), "%s/db", f->dir);
	snprintf(f->cert, sizeof(f->cert), "%s/x.pem", f->dir);
	mkdir(f->rbdir, 0700);
	snprintf(path, sizeof(path), "%s/wt.yaml", f->rbdir);
	write_file(path, rb_text);
	write_cert(f->cert);
	snprintf(f->set, sizeof(f->set), "cert=%s", f->cert);
	f->sets[0] = f->set;
	f->cli.state = f->state;
	f->cli.runbooks = f->rbdir;
	f->cli.operator = "ann";
	f->cli.sets = f->sets;
	f->cli.nsets = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 cmd[200];

	wiz_free(f->w);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* A controller, and a session of wt started through it (its draft from
 * --set, as the forms would have it). */
static void
start(struct fx *f)
{
	struct draft		*d = NULL;
	struct wiz_result	 r;
	char			*msg = NULL;

	assert_int_equal(wiz_new(&f->cli, &f->w, &msg), 0);
	assert_null(msg);
	assert_int_equal(wiz_draft(f->w, "wt", &d, &msg), 0);
	free(msg);
	memset(&r, 0, sizeof(r));
	assert_int_equal(wiz_start(f->w, NULL, d, &r), 0);
	wiz_result_clear(&r);
	draft_free(d);
	assert_true(wiz_is_open(f->w));
}

/* Turn the loop until no check runs (a deadline catches a hang). */
static void
settle(struct wiz *w)
{
	int	n;

	for (n = 0; wiz_busy(w) && n < 500; n++) {
		evloop_once(wiz_loop(w), 20);
		wiz_tick(w);
	}
	assert_false(wiz_busy(w));
}

/* The text of the next event of kind k (malloc'd), or NULL. */
static char *
event(struct wiz *w, enum wiz_event_kind k)
{
	struct wiz_event	e;
	char			*s = NULL;

	while (wiz_event_next(w, &e)) {
		if (e.kind == k && s == NULL) {
			s = e.text;
			e.text = NULL;
		}
		wiz_event_clear(&e);
	}
	return s;
}

static void
test_resume_position(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	const struct wiz_pos	*p;
	char			*msg = NULL;
	int64_t			 id;
	pid_t			 pid;
	int			 st;

	start(f);
	id = wiz_info(f->w)->id;
	memset(&r, 0, sizeof(r));
	wiz_set_position(f->w, "procedure", "first", NULL, 3, &r);
	assert_int_equal(r.rc, 0);
	wiz_free(f->w);
	f->w = NULL;

	/* A new console: the latest open session, where it was left. */
	assert_int_equal(wiz_new(&f->cli, &f->w, &msg), 0);
	assert_false(wiz_is_open(f->w));
	assert_int_equal(wiz_resume(f->w, &r), 0);
	wiz_result_clear(&r);
	assert_int_equal(wiz_info(f->w)->id, id);
	p = wiz_position(f->w);
	assert_string_equal(p->screen, "procedure");
	assert_string_equal(p->proc, "first");
	assert_string_equal(p->host, "");
	assert_int_equal(p->step, 3);
	assert_non_null(wiz_inst(f->w, p->proc, NULL));
	/* Sessions are not locked: another console (another process) opens
	 * it too, and sees this one on it. */
	if ((pid = fork()) == 0) {
		const struct wiz_console	*c;
		struct wiz			*other = NULL;
		size_t				 n;
		int				 ok;

		if (wiz_new(&f->cli, &other, &msg) != 0)
			_exit(2);
		ok = wiz_open(other, id, &r) == 0;
		n = wiz_consoles(other, &c);
		ok = ok && n == 2 && c[0].self && !c[1].self &&
		    c[1].pid == (long)getppid() &&
		    strcmp(c[1].operator, "ann") == 0;
		wiz_free(other);
		_exit(ok ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_instant_check_completes_step(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	struct wiz_step_state	 s;
	const struct wiz_evidence *ev[4];
	struct wiz_check_row	 row;
	char			*text;

	start(f);
	/* An x509 check has its verdict before the loop turns. */
	assert_int_equal(wiz_check_step(f->w, "first", NULL, 1, &r), 0);
	wiz_result_clear(&r);
	assert_false(wiz_busy(f->w));
	text = event(f->w, WIZ_EV_RUN_DONE);
	assert_non_null(text);
	assert_non_null(strstr(text, "step 1 is done, by its checks"));
	free(text);
	assert_int_equal(wiz_step_state(f->w, "first", NULL, 1, &s), 0);
	assert_int_equal(s.status, STEP_DONE);
	assert_true(s.by_checks);
	assert_null(s.note);
	/* Its evidence, recorded. */
	assert_int_equal(wiz_evidence(f->w, "first", NULL, 1, ev, 4), 1);
	assert_int_equal(ev[0]->result, WIZ_PASS);
	assert_string_equal(ev[0]->kind, "x509");
	assert_int_equal(wiz_run_rows(f->w), 1);
	assert_int_equal(wiz_run_row(f->w, 0, &row), 0);
	assert_int_equal(row.verdict, WIZ_PASS);
	assert_false(row.running);
}

static void
test_step_without_check_says_so(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	struct wiz_step_state	 s;

	start(f);
	assert_int_equal(wiz_check_step(f->w, "first", NULL, 2, &r), -1);
	assert_non_null(strstr(r.msg, "has no check"));
	wiz_result_clear(&r);
	/* Only the operator's check: said too, nothing run. */
	assert_int_equal(wiz_check_step(f->w, "first", NULL, 3, &r), -1);
	assert_non_null(strstr(r.msg, "checked by you"));
	wiz_result_clear(&r);
	assert_int_equal(wiz_run_rows(f->w), 0);
	assert_int_not_equal(wiz_step_state(f->w, "first", NULL, 2, &s), 0);
}

static void
test_manual_part_keeps_step_open(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	struct wiz_step_state	 s;
	char			*text;

	start(f);
	/* Its x509 check passes, but it also asks the operator. */
	assert_int_equal(wiz_check_step(f->w, "first", NULL, 4, &r), 0);
	wiz_result_clear(&r);
	text = event(f->w, WIZ_EV_RUN_DONE);
	assert_non_null(strstr(text, "also asks you to confirm"));
	free(text);
	assert_int_not_equal(wiz_step_state(f->w, "first", NULL, 4, &s), 0);
}

static void
test_failing_check_never_completes(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	struct wiz_step_state	 s;
	const struct wiz_evidence *ev[4];
	char			*text;

	start(f);
	assert_int_equal(wiz_check_step(f->w, "first", NULL, 5, &r), 0);
	wiz_result_clear(&r);
	text = event(f->w, WIZ_EV_RUN_DONE);
	assert_non_null(strstr(text, "did not pass"));
	free(text);
	assert_int_not_equal(wiz_step_state(f->w, "first", NULL, 5, &s), 0);
	/* The evidence is kept all the same. */
	assert_int_equal(wiz_evidence(f->w, "first", NULL, 5, ev, 4), 1);
	assert_int_equal(ev[0]->result, WIZ_FAIL);
}

static void
test_reverify_reruns_what_checks_completed(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	char			*text, *msg = NULL;

	start(f);
	assert_int_equal(wiz_check_step(f->w, "first", NULL, 1, &r), 0);
	wiz_result_clear(&r);
	free(event(f->w, WIZ_EV_RUN_DONE));
	/* A step the operator marked is not re-verified; the one its
	 * checks completed is. */
	assert_int_equal(wiz_step(f->w, "first", NULL, 2, STEP_DONE, NULL, 0,
	    &r), 0);
	wiz_result_clear(&r);
	wiz_free(f->w);
	f->w = NULL;
	assert_int_equal(wiz_new(&f->cli, &f->w, &msg), 0);
	assert_int_equal(wiz_resume(f->w, &r), 0);
	wiz_result_clear(&r);
	assert_int_equal(wiz_reverify(f->w), 1);
	settle(f->w);
	text = event(f->w, WIZ_EV_RUN_DONE);
	assert_non_null(text);
	assert_non_null(strstr(text, "Re-verified"));
	free(text);
	assert_int_equal(wiz_run_rows(f->w), 1);

	/* The certificate is gone: the re-check says what changed. */
	unlink(f->cert);
	assert_int_equal(wiz_reverify(f->w), 1);
	settle(f->w);
	text = event(f->w, WIZ_EV_RUN_DONE);
	assert_non_null(strstr(text, "Changed since"));
	assert_non_null(strstr(text, "first step 1"));
	free(text);
}

static void
test_blocked_needs_override(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	struct wiz_step_state	 s;

	start(f);
	assert_int_equal(wiz_step(f->w, "second", NULL, 1, STEP_DONE, NULL, 0,
	    &r), -1);
	assert_int_equal(r.need, WIZ_NEED_OVERRIDE);
	/* The core names the action, not a flag. */
	assert_null(strstr(r.msg, "--force"));
	assert_non_null(strstr(r.msg, "override"));
	wiz_result_clear(&r);
	assert_int_not_equal(wiz_step_state(f->w, "second", NULL, 1, &s), 0);
	assert_int_equal(wiz_step(f->w, "second", NULL, 1, STEP_DONE, NULL, 1,
	    &r), 0);
	assert_non_null(strstr(r.msg, "over the block"));
	wiz_result_clear(&r);
	assert_int_equal(wiz_step_state(f->w, "second", NULL, 1, &s), 0);
	assert_int_equal(s.status, STEP_DONE);
	assert_false(s.by_checks);
	/* A pending step reopened says it changed nothing. */
	assert_int_equal(wiz_step(f->w, "first", NULL, 2, STEP_PENDING, NULL,
	    0, &r), 0);
	assert_false(r.changed);
	assert_non_null(strstr(r.msg, "nothing changed"));
	wiz_result_clear(&r);
	/* A skip without a reason: the note is needed. */
	assert_int_equal(wiz_step(f->w, "first", NULL, 2, STEP_SKIPPED, "",
	    0, &r), -1);
	assert_int_equal(r.need, WIZ_NEED_NOTE);
	wiz_result_clear(&r);
}

static void
test_checks_passing_on_blocked_step_ask_override(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	struct wiz_event	 e;
	int			 need = 0;

	start(f);
	assert_int_equal(wiz_check_step(f->w, "second", NULL, 1, &r), 0);
	wiz_result_clear(&r);
	while (wiz_event_next(f->w, &e)) {
		if (e.kind == WIZ_EV_NEED) {
			need = 1;
			assert_int_equal(e.need, WIZ_NEED_OVERRIDE);
			assert_string_equal(e.proc, "second");
			assert_int_equal(e.step, 1);
		}
		wiz_event_clear(&e);
	}
	assert_true(need);
}

static void
test_drift_accepted(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	const struct wiz_drift	*d;
	char			 path[160], *text, *msg = NULL;
	int64_t			 id;

	start(f);
	id = wiz_info(f->w)->id;
	assert_null(wiz_drift(f->w));
	wiz_free(f->w);
	f->w = NULL;
	/* The runbook gains a procedure after the session began. */
	snprintf(path, sizeof(path), "%s/wt.yaml", f->rbdir);
	text = xasprintf("%s  - id: third\n    title: Third\n    steps:\n"
	    "      - do: more\n", rb_text);
	write_file(path, text);
	free(text);
	assert_int_equal(wiz_new(&f->cli, &f->w, &msg), 0);
	assert_int_equal(wiz_open(f->w, id, &r), 0);
	wiz_result_clear(&r);
	assert_non_null(d = wiz_drift(f->w));
	assert_int_equal(d->nadded, 1);
	assert_string_equal(d->added[0], "third");
	assert_true(wiz_info(f->w)->drifted);
	/* Nothing is recorded until it is accepted... */
	assert_int_equal(wiz_step(f->w, "first", NULL, 2, STEP_DONE, NULL, 0,
	    &r), -1);
	assert_int_equal(r.need, WIZ_NEED_DRIFT);
	assert_null(strstr(r.msg, "--accept-drift"));
	wiz_result_clear(&r);
	/* ... and once it is, it is logged and the session goes on. */
	assert_int_equal(wiz_accept_drift(f->w, &r), 0);
	assert_non_null(strstr(r.msg, "added: third"));
	wiz_result_clear(&r);
	assert_null(wiz_drift(f->w));
	assert_non_null(wiz_inst(f->w, "third", NULL));
	assert_int_equal(wiz_step(f->w, "first", NULL, 2, STEP_DONE, NULL, 0,
	    &r), 0);
	wiz_result_clear(&r);
}

static void
test_export_paths(void **state)
{
	struct fx		*f = *state;
	struct wiz_result	 r;
	struct stat		 sb;
	char			*def, path[200];

	start(f);
	def = wiz_export_default(f->w);
	/* The state folder, not the current one. */
	assert_int_equal(strncmp(def, f->dir, strlen(f->dir)), 0);
	assert_int_equal(wiz_export(f->w, def, &r), 0);
	wiz_result_clear(&r);
	assert_int_equal(stat(def, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(def);
	/* A folder that is not there is said as such. */
	snprintf(path, sizeof(path), "%s/nowhere/r.md", f->dir);
	assert_int_equal(wiz_export(f->w, path, &r), -1);
	assert_non_null(strstr(r.msg, "does not exist"));
	wiz_result_clear(&r);
	/* ~ is the home folder; a folder gets the default name. */
	setenv("HOME", f->dir, 1);
	assert_int_equal(wiz_export(f->w, "~/", &r), 0);
	wiz_result_clear(&r);
	snprintf(path, sizeof(path), "%s/fedwiz-session-1.md", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(wiz_export(f->w, "~/r.html", &r), 0);
	wiz_result_clear(&r);
	snprintf(path, sizeof(path), "%s/r.html", f->dir);
	assert_int_equal(stat(path, &sb), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resume_position, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_instant_check_completes_step,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_without_check_says_so,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_manual_part_keeps_step_open,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_check_never_completes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_reverify_reruns_what_checks_completed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocked_needs_override, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_checks_passing_on_blocked_step_ask_override, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drift_accepted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_export_paths, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
