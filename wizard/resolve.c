/*
 * resolve.c: getaddrinfo on a thread per name, the answer through a pipe.
 *
 * What the loop and the thread share is a job with a reference count:
 * either side may be the last to let go. The loop gives up at its
 * deadline, or when cancelled, and does not wait for the thread: glibc
 * may keep it in getaddrinfo for tens of seconds more, and then the
 * thread frees what it found. The thread writes its byte only while the
 * loop still listens, so it never writes into a closed pipe.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns.h"
#include "evloop.h"
#include "resolve.h"
#include "util.h"

struct job {
	pthread_mutex_t	 mu;
	int		 refs;		/* the thread, and the loop till it
					   gives up */
	int		 listening;	/* the loop still reads the pipe */
	int		 wfd;		/* the thread's end */
	resolve_lookup_fn lookup;
	char		*host;
	char		 port[16];
	int		 rc;		/* getaddrinfo's, and errno after */
	int		 err;
	struct addrinfo	*ai;		/* until the loop takes it */
};

struct resolve {
	struct evloop	*ev;
	char		*host;
	int64_t		 timeout_ms;
	uint64_t	 timer;		/* the deadline, or the 0 ms one */
	int		 rfd;		/* the loop's end; -1: no thread */
	struct job	*job;
	struct dns_query *q;		/* resolve_set_server's way */
	int		 port;
	/* Known before the loop runs: an address, or a failure to start. */
	struct addrinfo	*ai;
	int		 rc;
	int		 err;
	resolve_done_fn	 done;
	void		*arg;
};

static resolve_lookup_fn	lookup_fn = getaddrinfo;
static char			*dns_server;
static pthread_mutex_t		running_mu = PTHREAD_MUTEX_INITIALIZER;
static size_t			running;

size_t
resolve_running(void)
{
	size_t	n;

	pthread_mutex_lock(&running_mu);
	n = running;
	pthread_mutex_unlock(&running_mu);
	return n;
}

static void
running_add(int d)
{
	pthread_mutex_lock(&running_mu);
	running = d > 0 ? running + 1 : running - 1;
	pthread_mutex_unlock(&running_mu);
}

void
resolve_set_server(const char *server)
{
	free(dns_server);
	dns_server = server != NULL ? xstrdup(server) : NULL;
}

void
resolve_set_lookup(resolve_lookup_fn fn)
{
	lookup_fn = fn != NULL ? fn : getaddrinfo;
}

static void
hints_init(struct addrinfo *h, int flags)
{
	/* No AI_ADDRCONFIG: a host with loopback only must still get
	 * 127.0.0.1 and ::1 for "localhost". */
	memset(h, 0, sizeof(*h));
	h->ai_family = AF_UNSPEC;
	h->ai_socktype = SOCK_STREAM;
	h->ai_flags = AI_NUMERICSERV | flags;
}

static void
job_unref(struct job *j)
{
	int	left;

	pthread_mutex_lock(&j->mu);
	left = --j->refs;
	pthread_mutex_unlock(&j->mu);
	if (left > 0)
		return;
	if (j->ai != NULL)
		freeaddrinfo(j->ai);
	if (j->wfd != -1)
		close(j->wfd);
	pthread_mutex_destroy(&j->mu);
	free(j->host);
	free(j);
}

static void *
worker(void *arg)
{
	struct job	*j = arg;
	struct addrinfo	 hints, *ai = NULL;
	ssize_t		 n = 0;
	int		 rc, err;

	hints_init(&hints, 0);
	errno = 0;
	rc = j->lookup(j->host, j->port, &hints, &ai);
	err = errno;
	pthread_mutex_lock(&j->mu);
	j->rc = rc;
	j->err = err;
	j->ai = rc == 0 ? ai : NULL;
	/* Under the lock: the loop closes its end only after it stopped
	 * listening, so this write always has a reader. */
	if (j->listening)
		n = write(j->wfd, "", 1);	/* an empty pipe: cannot fail */
	close(j->wfd);
	j->wfd = -1;
	pthread_mutex_unlock(&j->mu);
	(void)n;
	job_unref(j);
	running_add(-1);
	return NULL;
}

/* Stop listening and let go of the job and everything else. */
static void
resolve_free(struct resolve *r)
{
	if (r->timer != 0)
		evloop_timer_del(r->ev, r->timer);
	dns_query_cancel(r->q);
	if (r->rfd != -1) {
		evloop_fd_del(r->ev, r->rfd);
		pthread_mutex_lock(&r->job->mu);
		r->job->listening = 0;
		pthread_mutex_unlock(&r->job->mu);
		close(r->rfd);
	}
	if (r->job != NULL)
		job_unref(r->job);
	if (r->ai != NULL)
		freeaddrinfo(r->ai);
	free(r->host);
	free(r);
}

/* Free r, then hand over: the callback may start or cancel lookups. */
static void
finish(struct resolve *r, struct addrinfo *ai, int timedout,
    const char *fmt, ...)
{
	resolve_done_fn	 done = r->done;
	void		*arg = r->arg;
	va_list		 ap;
	char		*msg = NULL;

	if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) == -1)
			fatal("out of memory");
		va_end(ap);
	}
	resolve_free(r);
	done(ai, timedout, msg, arg);
	free(msg);
}

static void
report(struct resolve *r, int rc, int err, struct addrinfo *ai)
{
	if (rc == 0)
		finish(r, ai, 0, NULL);
	else
		finish(r, NULL, 0, "cannot resolve %s: %s", r->host,
		    rc == EAI_SYSTEM ? strerror(err ? err : EIO) :
		    gai_strerror(rc));
}

static void
on_answer(struct evloop *ev, int fd, short revents, void *arg)
{
	struct resolve	*r = arg;
	struct job	*j = r->job;
	struct addrinfo	*ai;
	int		 rc, err;

	(void)ev;
	(void)fd;
	(void)revents;
	pthread_mutex_lock(&j->mu);
	ai = j->ai;
	j->ai = NULL;
	rc = j->rc;
	err = j->err;
	pthread_mutex_unlock(&j->mu);
	report(r, rc, err, ai);
}

static void
on_deadline(struct evloop *ev, void *arg)
{
	struct resolve	*r = arg;

	(void)ev;
	r->timer = 0;
	finish(r, NULL, 1, "cannot resolve %s: no answer from the resolver "
	    "within %lld s", r->host, (long long)(r->timeout_ms + 999) / 1000);
}

/* The answer was known at the start: deliver it from the loop. */
static void
on_known(struct evloop *ev, void *arg)
{
	struct resolve	*r = arg;
	struct addrinfo	*ai = r->ai;

	(void)ev;
	r->timer = 0;
	r->ai = NULL;
	report(r, r->rc, r->err, ai);
}

/* The A records from the chosen server, as addresses to connect to. */
static void
on_dns(const struct dns_result *res, void *arg)
{
	struct resolve	*r = arg;
	struct addrinfo	 hints, *ai = NULL, *one, **tail = &ai;
	char		 pbuf[16];
	size_t		 i;

	r->q = NULL;
	if (res->status != DNS_OK) {
		finish(r, NULL, res->status == DNS_TIMEOUT, "cannot resolve "
		    "%s: %s", r->host, res->message ? res->message :
		    dns_status_name(res->status));
		return;
	}
	hints_init(&hints, AI_NUMERICHOST);
	snprintf(pbuf, sizeof(pbuf), "%d", r->port);
	for (i = 0; i < res->n; i++) {
		if (getaddrinfo(res->rrs[i].addr, pbuf, &hints, &one) != 0)
			continue;
		*tail = one;
		while (one->ai_next != NULL)
			one = one->ai_next;
		tail = &one->ai_next;
	}
	if (ai == NULL)
		finish(r, NULL, 0, "cannot resolve %s: no address in the "
		    "answer of %s", r->host, res->server);
	else
		finish(r, ai, 0, NULL);
}

/* A thread with every signal blocked: the main thread takes them all
 * (the wizard reads its signals from a pipe). */
static int
start_thread(struct job *j)
{
	pthread_attr_t	 attr;
	pthread_t	 t;
	sigset_t	 all, old;
	int		 rc;

	if ((rc = pthread_attr_init(&attr)) != 0)
		return rc;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	running_add(1);
	if ((rc = pthread_create(&t, &attr, worker, j)) != 0)
		running_add(-1);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return rc;
}

/* Hand a name to a thread; on failure say why from the loop. */
static void
start_lookup(struct resolve *r, int port)
{
	struct job	*j;
	int		 p[2], rc;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1) {
		r->rc = EAI_SYSTEM;
		r->err = errno;
		r->timer = evloop_timer(r->ev, 0, on_known, r);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	if ((rc = pthread_mutex_init(&j->mu, NULL)) != 0)
		fatal("cannot create a mutex: %s", strerror(rc));
	j->refs = 2;
	j->listening = 1;
	j->wfd = p[1];
	j->lookup = lookup_fn;
	j->host = xstrdup(r->host);
	snprintf(j->port, sizeof(j->port), "%d", port);
	if ((rc = start_thread(j)) != 0) {
		close(p[0]);
		j->refs = 1;
		job_unref(j);
		r->rc = EAI_SYSTEM;
		r->err = rc;
		r->timer = evloop_timer(r->ev, 0, on_known, r);
		return;
	}
	r->job = j;
	r->rfd = p[0];
	evloop_fd(r->ev, r->rfd, POLLIN, on_answer, r);
	r->timer = evloop_timer(r->ev, r->timeout_ms, on_deadline, r);
}

struct resolve *
resolve_start(struct evloop *ev, const char *host, int port,
    int64_t timeout_ms, resolve_done_fn done, void *arg)
{
	struct resolve	*r = xcalloc(1, sizeof(*r));
	struct addrinfo	 hints;
	char		 pbuf[16];

	r->ev = ev;
	r->host = xstrdup(host);
	r->timeout_ms = timeout_ms;
	r->rfd = -1;
	r->done = done;
	r->arg = arg;
	/* An address needs no resolver, and no thread. */
	hints_init(&hints, AI_NUMERICHOST);
	snprintf(pbuf, sizeof(pbuf), "%d", port);
	errno = 0;
	r->rc = getaddrinfo(host, pbuf, &hints, &r->ai);
	r->err = errno;
	r->port = port;
	if (r->rc == EAI_NONAME && dns_server != NULL) {
		char	*err = NULL;

		r->q = dns_query_start(ev, host, DNS_T_A, dns_server, timeout_ms,
		    on_dns, r, &err);
		if (r->q == NULL) {
			r->rc = EAI_FAIL;
			r->timer = evloop_timer(ev, 0, on_known, r);
			free(err);
		}
	} else if (r->rc == EAI_NONAME)
		start_lookup(r, port);
	else
		r->timer = evloop_timer(ev, 0, on_known, r);
	return r;
}

void
resolve_cancel(struct resolve *r)
{
	if (r != NULL)
		resolve_free(r);
}
