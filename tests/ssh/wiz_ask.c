/*
 * wiz_ask: the wizard controller's SSH questions, answered asynchronously
 * while another host's check keeps running (cmocka; no terminal). Run by
 * tests/ssh/wiz-questions.sh, which starts two sshds and writes, in
 * $WIZ_DIR: rb/wq.yaml (one step whose ssh check runs on both hosts of a
 * role; host b streams a line every 100 ms for two seconds), answers.yaml
 * (host a with a key file that needs a passphrase, host b with a plain
 * one) and kh (host b's key only). The login deadline is four
 * seconds (a loaded machine needs that much for a key exchange), the
 * late answer comes after five.
 *
 *   - a's host key is asked while b's check goes on: b's output grows and
 *     b passes while the question waits; then a's key is accepted once
 *     and its key file's passphrase asked, answered after a's login
 *     deadline would have passed: a logs in and passes, and the step is
 *     done by its checks.
 *   - run again: nothing is asked (the engine keeps its session to a).
 *   - refused: nothing is asked next, a's check is an error, b's passes,
 *     and the step is not done.
 */
#include "config.h"

#include <unistd.h>

#include "cli.h"
#include "evloop.h"
#include "../unit/testutil.h"
#include "wiz.h"

#define LATE_MS		5000

struct fx {
	char		 rbdir[300];
	char		 state[300];
	char		 answers[300];
	char		 kh[300];
	struct cli	 cli;
	struct wiz	*w;
};

static int
setup(void **state)
{
	const char	*dir = getenv("WIZ_DIR");
	struct fx	*f;
	struct wiz_result r;
	char		*msg = NULL;

	if (dir == NULL) {
		print_message("WIZ_DIR is not set: run tests/ssh/wiz-questions.sh\n");
		return -1;
	}
	f = calloc(1, sizeof(*f));
	snprintf(f->rbdir, sizeof(f->rbdir), "%s/rb", dir);
	snprintf(f->state, sizeof(f->state), "%s/db", dir);
	snprintf(f->answers, sizeof(f->answers), "%s/answers.yaml", dir);
	snprintf(f->kh, sizeof(f->kh), "%s/kh", dir);
	f->cli.state = f->state;
	f->cli.runbooks = f->rbdir;
	f->cli.operator = "ann";
	f->cli.answers = f->answers;
	f->cli.known_hosts = f->kh;
	f->cli.timeout = "4";
	if (wiz_new(&f->cli, &f->w, &msg) != 0) {
		print_message("wiz_new: %s\n", msg);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	if (wiz_start(f->w, "wq", NULL, &r) != 0) {
		print_message("wiz_start: %s\n", r.msg);
		return -1;
	}
	wiz_result_clear(&r);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;

	wiz_free(f->w);
	free(f);
	return 0;
}

/* Row of host h in the run, or -1. */
static int
row_of(struct wiz *w, const char *h, struct wiz_check_row *row)
{
	size_t	i;

	for (i = 0; i < wiz_run_rows(w); i++)
		if (wiz_run_row(w, i, row) == 0 && row->where != NULL &&
		    strcmp(row->where, h) == 0)
			return (int)i;
	return -1;
}

/* Turn the loop once (20 ms at most), as the console's does. */
static void
turn(struct wiz *w)
{
	evloop_once(wiz_loop(w), 20);
	wiz_tick(w);
}

/* Turn until a question waits (or the run is over); a deadline catches a
 * hang. */
static const struct wiz_question *
until_question(struct wiz *w)
{
	int	n;

	for (n = 0; n < 1000 && wiz_questions(w) == 0 && wiz_busy(w); n++)
		turn(w);
	return wiz_question(w, 0);
}

static void
until_done(struct wiz *w)
{
	int	n;

	for (n = 0; n < 1000 && wiz_busy(w); n++)
		turn(w);
	assert_false(wiz_busy(w));
}

/* Turn for ms, while nothing is answered. */
static void
wait_ms(struct wiz *w, int64_t ms)
{
	int64_t	end = evloop_now() + ms;

	while (evloop_now() < end)
		turn(w);
}

static void
test_questions_wait_others_go_on(void **state)
{
	struct fx			*f = *state;
	const struct wiz_question	*q;
	struct wiz_check_row		 a, b;
	struct wiz_step_state		 s;
	struct wiz_result		 r;
	struct wiz_event		 e;
	size_t				 grew = 0, last = 0;
	int				 n, asked = 0;

	assert_int_equal(wiz_check_step(f->w, "run", NULL, 1, &r), 0);
	wiz_result_clear(&r);
	q = until_question(f->w);
	assert_non_null(q);
	assert_int_equal(q->kind, WIZ_Q_HOSTKEY);
	assert_string_equal(q->host, "a");
	assert_non_null(q->fingerprint);
	assert_int_equal(strncmp(q->fingerprint, "SHA256:", 7), 0);
	assert_string_equal(q->known_hosts, f->kh);
	while (wiz_event_next(f->w, &e)) {
		asked += e.kind == WIZ_EV_QUESTION;
		wiz_event_clear(&e);
	}
	assert_true(asked >= 1);
	/* Nobody answers: b's check goes on, its output grows, it passes. */
	for (n = 0; n < 1000; n++) {
		turn(f->w);
		assert_true(row_of(f->w, "b", &b) >= 0);
		if (b.running && b.livelen > last) {
			grew++;
			last = b.livelen;
		}
		if (!b.running)
			break;
	}
	assert_int_equal(b.verdict, WIZ_PASS);
	assert_true(grew >= 5);
	assert_int_equal(wiz_questions(f->w), 1);
	assert_true(row_of(f->w, "a", &a) >= 0);
	assert_true(a.running);
	assert_true(a.waiting);
	assert_true(wiz_busy(f->w));
	/* Answered: once. Then the key file's passphrase is asked, and
	 * answered late: the deadline stood still while it waited. */
	assert_int_equal(wiz_answer_hostkey(f->w, q->id, WIZ_HK_ONCE), 0);
	q = until_question(f->w);
	assert_non_null(q);
	assert_int_equal(q->kind, WIZ_Q_SECRET);
	assert_string_equal(q->secret_kind, "passphrase");
	assert_non_null(strstr(q->prompt, "id_ed25519_pass"));
	wait_ms(f->w, LATE_MS);
	assert_int_equal(wiz_questions(f->w), 1);
	assert_int_equal(wiz_answer_secret(f->w, q->id, "correct horse"), 0);
	until_done(f->w);
	assert_true(row_of(f->w, "a", &a) >= 0);
	if (a.verdict != WIZ_PASS)
		fail_msg("a: %s", a.message ? a.message : "?");
	assert_int_equal(wiz_step_state(f->w, "run", NULL, 1, &s), 0);
	assert_int_equal(s.status, STEP_DONE);
	assert_true(s.by_checks);

	/* Again: the engine keeps the session to a, so nothing is asked. */
	assert_int_equal(wiz_step(f->w, "run", NULL, 1, STEP_PENDING, NULL, 0,
	    &r), 0);
	wiz_result_clear(&r);
	assert_int_equal(wiz_check_step(f->w, "run", NULL, 1, &r), 0);
	wiz_result_clear(&r);
	for (n = 0; n < 1000 && wiz_busy(f->w); n++) {
		turn(f->w);
		assert_int_equal(wiz_questions(f->w), 0);
	}
	assert_false(wiz_busy(f->w));
	assert_true(row_of(f->w, "a", &a) >= 0);
	assert_int_equal(a.verdict, WIZ_PASS);
}

static void
test_refused(void **state)
{
	struct fx			*f = *state;
	const struct wiz_question	*q;
	struct wiz_check_row		 a, b;
	struct wiz_step_state		 s;
	struct wiz_result		 r;

	assert_int_equal(wiz_check_step(f->w, "run", NULL, 1, &r), 0);
	wiz_result_clear(&r);
	q = until_question(f->w);
	assert_non_null(q);
	assert_int_equal(wiz_answer_hostkey(f->w, q->id, WIZ_HK_REFUSE), 0);
	/* The question is gone; answering it again is refused. */
	assert_int_equal(wiz_answer_hostkey(f->w, q->id, WIZ_HK_ONCE), -1);
	until_done(f->w);
	assert_int_equal(wiz_questions(f->w), 0);
	assert_true(row_of(f->w, "a", &a) >= 0);
	assert_int_equal(a.verdict, WIZ_ERROR);
	assert_non_null(strstr(a.message, "refused"));
	assert_true(row_of(f->w, "b", &b) >= 0);
	assert_int_equal(b.verdict, WIZ_PASS);
	assert_int_not_equal(wiz_step_state(f->w, "run", NULL, 1, &s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_questions_wait_others_go_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
