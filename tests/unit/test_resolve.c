/* test_resolve.c: names resolved off the loop. Addresses come back from
 * the loop, not from inside resolve_start; a lookup that hangs costs its
 * deadline while the loop goes on; a cancelled one says nothing; and the
 * threads given up on free what they found. */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "evloop.h"
#include "resolve.h"
#include "testutil.h"

struct rec {
	char		 log[16];
	size_t		 n;
	int		 calls;
	int		 timedout;
	char		*error;
	struct addrinfo	*ai;
};

static void
mark(struct rec *r, char c)
{
	if (r->n + 1 < sizeof(r->log)) {
		r->log[r->n++] = c;
		r->log[r->n] = '\0';
	}
}

static void
on_done(struct addrinfo *ai, int timedout, const char *error, void *arg)
{
	struct rec	*r = arg;

	mark(r, 'd');
	r->calls++;
	r->ai = ai;
	r->timedout = timedout;
	r->error = error != NULL ? xstrdup(error) : NULL;
}

static void
on_tick(struct evloop *ev, void *arg)
{
	(void)ev;
	mark(arg, 't');
}

/* Run the loop until the lookup has answered. */
static void
run_until_done(struct evloop *ev, struct rec *r)
{
	while (r->calls == 0)
		assert_true(evloop_once(ev, -1) >= 0);
}

static void
rec_free(struct rec *r)
{
	if (r->ai != NULL)
		freeaddrinfo(r->ai);
	free(r->error);
}

/* A lookup the test holds until it opens the gate. */
static struct {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 open;
	int		 entered;
	int		 sigs_blocked;
} gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };

static void
gate_reset(void)
{
	pthread_mutex_lock(&gate.mu);
	gate.open = 0;
	gate.entered = 0;
	gate.sigs_blocked = 0;
	pthread_mutex_unlock(&gate.mu);
}

static void
gate_open(void)
{
	pthread_mutex_lock(&gate.mu);
	gate.open = 1;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
}

static void
gate_wait_entered(void)
{
	pthread_mutex_lock(&gate.mu);
	while (gate.entered == 0)
		pthread_cond_wait(&gate.cv, &gate.mu);
	pthread_mutex_unlock(&gate.mu);
}

/* What a hung resolver finally says: an address, so that the thread
 * that was given up on has something to free. */
static int
slow_lookup(const char *host, const char *port, const struct addrinfo *hints,
    struct addrinfo **res)
{
	struct addrinfo	h = *hints;

	(void)host;
	pthread_mutex_lock(&gate.mu);
	gate.entered++;
	pthread_cond_broadcast(&gate.cv);
	while (!gate.open)
		pthread_cond_wait(&gate.cv, &gate.mu);
	pthread_mutex_unlock(&gate.mu);
	h.ai_flags |= AI_NUMERICHOST;
	return getaddrinfo("192.0.2.1", port, &h, res);
}

static int
failing_lookup(const char *host, const char *port,
    const struct addrinfo *hints, struct addrinfo **res)
{
	sigset_t	set;

	(void)host;
	(void)port;
	(void)hints;
	(void)res;
	pthread_sigmask(SIG_BLOCK, NULL, &set);
	pthread_mutex_lock(&gate.mu);
	gate.sigs_blocked = sigismember(&set, SIGINT) == 1 &&
	    sigismember(&set, SIGTERM) == 1 && sigismember(&set, SIGCHLD) == 1;
	pthread_mutex_unlock(&gate.mu);
	return EAI_NONAME;
}

/* Every lookup thread has ended, so all it held is freed by now. */
static void
wait_threads(void)
{
	struct timespec	ts = { 0, 1000000 };

	while (resolve_running() > 0)
		nanosleep(&ts, NULL);
}

static int
is_loopback(const struct addrinfo *a)
{
	const struct sockaddr_in	*s4;
	const struct sockaddr_in6	*s6;

	if (a->ai_family == AF_INET) {
		s4 = (const struct sockaddr_in *)(const void *)a->ai_addr;
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->ai_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)(const void *)a->ai_addr;
		return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	}
	return 0;
}

static int
port_of(const struct addrinfo *a)
{
	return a->ai_family == AF_INET6 ?
	    ntohs(((const struct sockaddr_in6 *)(const void *)a->ai_addr)->
	    sin6_port) :
	    ntohs(((const struct sockaddr_in *)(const void *)a->ai_addr)->
	    sin_port);
}

static void
check_literal(const char *host, int family)
{
	struct evloop	*ev = evloop_new();
	struct rec	 r = { .calls = 0 };
	struct resolve	*res;

	res = resolve_start(ev, host, 5061, 1000, on_done, &r);
	assert_non_null(res);
	assert_int_equal(r.calls, 0);	/* not from inside resolve_start */
	assert_int_equal(resolve_running(), 0);	/* and no thread */
	run_until_done(ev, &r);
	assert_int_equal(r.calls, 1);
	assert_null(r.error);
	assert_non_null(r.ai);
	assert_int_equal(r.ai->ai_family, family);
	assert_int_equal(r.ai->ai_socktype, SOCK_STREAM);
	assert_true(is_loopback(r.ai));
	assert_int_equal(port_of(r.ai), 5061);
	assert_int_equal(evloop_once(ev, 0), -1);	/* nothing left */
	rec_free(&r);
	evloop_free(ev);
}

static void
test_ipv4_literal(void **state)
{
	(void)state;
	check_literal("127.0.0.1", AF_INET);
}

static void
test_ipv6_literal(void **state)
{
	(void)state;
	check_literal("::1", AF_INET6);
}

/* Through nsswitch: /etc/hosts has it, whatever DNS there is. */
static void
test_localhost(void **state)
{
	struct evloop	*ev = evloop_new();
	struct rec	 r = { .calls = 0 };
	struct addrinfo	*a;

	(void)state;
	/* A minimal chroot (debootstrap minbase) has no /etc/hosts, and
	 * glibc does not make localhost up: nothing to test there. */
	if (getaddrinfo("localhost", "22", NULL, &a) != 0) {
		evloop_free(ev);
		skip();
	}
	freeaddrinfo(a);
	resolve_start(ev, "localhost", 22, 10000, on_done, &r);
	assert_int_equal(r.calls, 0);
	run_until_done(ev, &r);
	if (r.error != NULL)
		fail_msg("%s", r.error);
	assert_non_null(r.ai);
	for (a = r.ai; a != NULL; a = a->ai_next) {
		assert_true(is_loopback(a));
		assert_int_equal(port_of(a), 22);
	}
	assert_int_equal(evloop_once(ev, 0), -1);
	rec_free(&r);
	wait_threads();
	evloop_free(ev);
}

/*
 * The resolver hangs: the deadline answers, and a timer due before it ran
 * meanwhile, so the loop was not stuck. The thread, released afterwards,
 * frees its answer itself.
 */
static void
test_hung_resolver_times_out(void **state)
{
	struct evloop	*ev = evloop_new();
	struct rec	 r = { .calls = 0 };

	(void)state;
	gate_reset();
	resolve_set_lookup(slow_lookup);
	resolve_start(ev, "sip.example.com", 5061, 300, on_done, &r);
	evloop_timer(ev, 0, on_tick, &r);
	run_until_done(ev, &r);
	assert_string_equal(r.log, "td");
	assert_int_equal(r.timedout, 1);
	assert_null(r.ai);
	assert_string_equal(r.error, "cannot resolve sip.example.com: no "
	    "answer from the resolver within 1 s");
	assert_int_equal(resolve_running(), 1);	/* still in the lookup */
	/* The pipe is no longer watched, the deadline is gone. */
	assert_int_equal(evloop_once(ev, 0), -1);
	gate_open();
	wait_threads();
	assert_int_equal(r.calls, 1);
	resolve_set_lookup(NULL);
	rec_free(&r);
	evloop_free(ev);
}

/* Cancelled while the thread is in the lookup: no callback, ever. */
static void
test_cancel_in_flight(void **state)
{
	struct evloop	*ev = evloop_new();
	struct rec	 r = { .calls = 0 };
	struct resolve	*res;

	(void)state;
	gate_reset();
	resolve_set_lookup(slow_lookup);
	res = resolve_start(ev, "sip.example.com", 5061, 60000, on_done, &r);
	gate_wait_entered();
	assert_int_equal(evloop_once(ev, 0), 0);
	resolve_cancel(res);
	assert_int_equal(evloop_once(ev, 0), -1);
	gate_open();
	wait_threads();
	assert_int_equal(evloop_once(ev, 0), -1);
	assert_int_equal(r.calls, 0);
	resolve_cancel(NULL);
	resolve_set_lookup(NULL);
	evloop_free(ev);
}

/* The name does not exist: getaddrinfo's words, after ours; and the
 * thread had every signal blocked. */
static void
test_failure_in_words(void **state)
{
	struct evloop	*ev = evloop_new();
	struct rec	 r = { .calls = 0 };
	char		 want[256];

	(void)state;
	gate_reset();
	resolve_set_lookup(failing_lookup);
	resolve_start(ev, "nosuch.example.com", 5061, 10000, on_done, &r);
	run_until_done(ev, &r);
	snprintf(want, sizeof(want), "cannot resolve nosuch.example.com: %s",
	    gai_strerror(EAI_NONAME));
	assert_non_null(r.error);
	assert_string_equal(r.error, want);
	assert_int_equal(r.timedout, 0);
	assert_null(r.ai);
	assert_int_equal(evloop_once(ev, 0), -1);
	wait_threads();
	pthread_mutex_lock(&gate.mu);
	assert_int_equal(gate.sigs_blocked, 1);
	pthread_mutex_unlock(&gate.mu);
	resolve_set_lookup(NULL);
	rec_free(&r);
	evloop_free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_literal),
		cmocka_unit_test(test_ipv6_literal),
		cmocka_unit_test(test_localhost),
		cmocka_unit_test(test_hung_resolver_times_out),
		cmocka_unit_test(test_cancel_in_flight),
		cmocka_unit_test(test_failure_in_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
