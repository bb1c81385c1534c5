/* test_evloop.c: the event loop's timers and watches, including what a
 * callback does to them while they are being dispatched. */
#include "config.h"

#include <poll.h>
#include <unistd.h>

#include "evloop.h"
#include "testutil.h"

struct rec {
	char		 log[64];
	size_t		 n;
	struct evloop	*ev;
	uint64_t	 victim;
};

static void
mark(struct rec *r, char c)
{
	if (r->n + 1 < sizeof(r->log)) {
		r->log[r->n++] = c;
		r->log[r->n] = '\0';
	}
}

static void on_a(struct evloop *ev, void *arg) { (void)ev; mark(arg, 'a'); }
static void on_b(struct evloop *ev, void *arg) { (void)ev; mark(arg, 'b'); }

/* Deletes another timer that is due in the same pass. */
static void
on_killer(struct evloop *ev, void *arg)
{
	struct rec	*r = arg;

	mark(r, 'k');
	evloop_timer_del(ev, r->victim);
}

/* Arms a 0 ms timer: it runs on the next pass, not this one. */
static void
on_rearm(struct evloop *ev, void *arg)
{
	mark(arg, 'r');
	evloop_timer(ev, 0, on_a, arg);
}

static void
test_timers_fire_once_when_due(void **state)
{
	struct evloop	*ev = evloop_new();
	struct rec	 r = { .ev = ev };
	uint64_t	 id;

	(void)state;
	assert_int_equal(evloop_once(ev, 0), -1);	/* nothing to wait for */
	evloop_timer(ev, 0, on_a, &r);
	id = evloop_timer(ev, 60000, on_b, &r);
	assert_true(id != 0);
	assert_int_equal(evloop_once(ev, 1000), 1);
	assert_string_equal(r.log, "a");
	/* The far one is not due: a bounded wait returns with nothing. */
	assert_int_equal(evloop_once(ev, 10), 0);
	evloop_timer_del(ev, id);
	assert_int_equal(evloop_once(ev, 10), -1);
	assert_string_equal(r.log, "a");
	evloop_free(ev);
}

static void
test_timer_deleted_while_due(void **state)
{
	struct evloop	*ev = evloop_new();
	struct rec	 r = { .ev = ev };
	int		 ran;

	(void)state;
	/* Both due in one pass; whichever runs first, the victim must not
	 * run after the killer deleted it. */
	evloop_timer(ev, 0, on_killer, &r);
	r.victim = evloop_timer(ev, 0, on_b, &r);
	ran = evloop_once(ev, 100);
	assert_true(strcmp(r.log, "k") == 0 || strcmp(r.log, "bk") == 0);
	assert_int_equal(ran, (int)strlen(r.log));
	assert_int_equal(evloop_once(ev, 0), -1);
	evloop_free(ev);
}

static void
test_timer_armed_in_callback_runs_next_pass(void **state)
{
	struct evloop	*ev = evloop_new();
	struct rec	 r = { .ev = ev };

	(void)state;
	evloop_timer(ev, 0, on_rearm, &r);
	assert_int_equal(evloop_once(ev, 100), 1);
	assert_string_equal(r.log, "r");
	assert_int_equal(evloop_once(ev, 100), 1);
	assert_string_equal(r.log, "ra");
	evloop_free(ev);
}

struct pipe_ctx {
	int	 reads;
	int	 other;		/* a watch this callback deletes */
};

static void
on_read(struct evloop *ev, int fd, short revents, void *arg)
{
	struct pipe_ctx	*p = arg;
	char		 c;

	assert_true(revents & POLLIN);
	assert_int_equal(read(fd, &c, 1), 1);
	p->reads++;
	if (p->other != -1) {
		evloop_fd_del(ev, p->other);
		p->other = -1;
	}
}

static void
test_fd_watch_and_delete_in_dispatch(void **state)
{
	struct evloop	*ev = evloop_new();
	struct pipe_ctx	 p1 = { 0, -1 }, p2 = { 0, -1 };
	int		 a[2], b[2];

	(void)state;
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	evloop_fd(ev, a[0], POLLIN, on_read, &p1);
	evloop_fd(ev, b[0], POLLIN, on_read, &p2);
	/* Nothing readable: a bounded wait runs nothing. */
	assert_int_equal(evloop_once(ev, 10), 0);
	/* Both readable; the first callback deletes the second's watch. */
	p1.other = b[0];
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "y", 1), 1);
	assert_int_equal(evloop_once(ev, 100), 1);
	assert_int_equal(p1.reads, 1);
	assert_int_equal(p2.reads, 0);
	/* A watch with no events is kept but not polled. */
	evloop_fd_events(ev, a[0], 0);
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(evloop_once(ev, 10), 0);
	evloop_fd_events(ev, a[0], POLLIN);
	assert_int_equal(evloop_once(ev, 100), 1);
	assert_int_equal(p1.reads, 2);
	evloop_fd_del(ev, a[0]);
	assert_int_equal(evloop_once(ev, 0), -1);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	evloop_free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_once_when_due),
		cmocka_unit_test(test_timer_deleted_while_due),
		cmocka_unit_test(test_timer_armed_in_callback_runs_next_pass),
		cmocka_unit_test(test_fd_watch_and_delete_in_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
