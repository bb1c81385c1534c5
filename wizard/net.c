/* net.c: non-blocking TCP connect on the event loop, every address in turn. */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "net.h"
#include "resolve.h"
#include "util.h"

struct net_conn {
	struct evloop	*ev;
	char		*host;
	int		 port;
	int64_t		 start;
	int64_t		 deadline;
	struct resolve	*res;		/* the name being resolved */
	struct addrinfo	*ai;
	struct addrinfo	*cur;
	int		 fd;
	int		 err;		/* the last connect error */
	uint64_t	 timer;
	net_done_fn	 done;
	void		*arg;
	char		 peer[INET6_ADDRSTRLEN + 8];
};

static void	try_next(struct net_conn *);

const char *
net_status_name(enum net_status st)
{
	switch (st) {
	case NET_OK:
		return "ok";
	case NET_REFUSED:
		return "refused";
	case NET_TIMEOUT:
		return "timeout";
	case NET_RESOLVE:
		return "resolve";
	case NET_ERROR:
		return "error";
	}
	return "?";
}

int
net_is_address(const char *s)
{
	struct in6_addr	a6;
	struct in_addr	a4;

	return inet_pton(AF_INET, s, &a4) == 1 ||
	    inet_pton(AF_INET6, s, &a6) == 1;
}

static void
conn_free(struct net_conn *c)
{
	if (c->timer != 0)
		evloop_timer_del(c->ev, c->timer);
	resolve_cancel(c->res);
	if (c->fd != -1) {
		evloop_fd_del(c->ev, c->fd);
		close(c->fd);
	}
	if (c->ai != NULL)
		freeaddrinfo(c->ai);
	free(c->host);
	free(c);
}

/* Hand the result over and free c; fd, when connected, goes to the
 * callee. */
static void
finish(struct net_conn *c, enum net_status st, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg = NULL;
	int	 fd = -1;

	if (st == NET_OK) {
		evloop_fd_del(c->ev, c->fd);
		fd = c->fd;
		c->fd = -1;
	} else if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) == -1)
			fatal("out of memory");
		va_end(ap);
	}
	c->done(fd, st, msg, c->peer, c->arg);
	free(msg);
	conn_free(c);
}

static void
on_timeout(struct evloop *ev, void *arg)
{
	struct net_conn	*c = arg;

	(void)ev;
	c->timer = 0;
	finish(c, NET_TIMEOUT, "cannot connect to %s port %d: no answer "
	    "within %lld s (a firewall dropping the connection, or the "
	    "host is down)", c->host, c->port, (long long)(c->deadline -
	    c->start + 999) / 1000);
}

static void
peer_text(struct net_conn *c, const struct addrinfo *a)
{
	const void	*p;
	char		 buf[INET6_ADDRSTRLEN];

	p = a->ai_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)a->ai_addr)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)a->ai_addr)->sin_addr;
	if (inet_ntop(a->ai_family, p, buf, sizeof(buf)) == NULL)
		snprintf(buf, sizeof(buf), "?");
	snprintf(c->peer, sizeof(c->peer), a->ai_family == AF_INET6 ?
	    "[%s]:%d" : "%s:%d", buf, c->port);
}

static void
on_writable(struct evloop *ev, int fd, short revents, void *arg)
{
	struct net_conn	*c = arg;
	socklen_t	 len = sizeof(c->err);
	int		 err = 0;

	(void)ev;
	(void)revents;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == 0) {
		finish(c, NET_OK, NULL);
		return;
	}
	c->err = err;
	evloop_fd_del(c->ev, c->fd);
	close(c->fd);
	c->fd = -1;
	c->cur = c->cur->ai_next;
	try_next(c);
}

/* Start connecting to the next address; finish when none is left. */
static void
try_next(struct net_conn *c)
{
	for (; c->cur != NULL; c->cur = c->cur->ai_next) {
		peer_text(c, c->cur);
		c->fd = socket(c->cur->ai_family, c->cur->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, c->cur->ai_protocol);
		if (c->fd == -1) {
			c->err = errno;
			continue;
		}
		if (connect(c->fd, c->cur->ai_addr, c->cur->ai_addrlen) == 0 ||
		    errno == EINPROGRESS) {
			evloop_fd(c->ev, c->fd, POLLOUT, on_writable, c);
			return;
		}
		c->err = errno;
		close(c->fd);
		c->fd = -1;
	}
	finish(c, c->err == ETIMEDOUT ? NET_TIMEOUT : c->err == ECONNREFUSED ||
	    c->err == EHOSTUNREACH || c->err == ENETUNREACH ? NET_REFUSED :
	    NET_ERROR, "cannot connect to %s port %d: %s", c->host, c->port,
	    strerror(c->err ? c->err : ECONNREFUSED));
}

/* The deadline covers resolving too: the resolver has what is left of
 * it, and the connect what the resolver left. */
static void
on_resolved(struct addrinfo *ai, int timedout, const char *error, void *arg)
{
	struct net_conn	*c = arg;

	c->res = NULL;
	if (ai == NULL) {
		snprintf(c->peer, sizeof(c->peer), "%s:%d", c->host, c->port);
		finish(c, timedout ? NET_TIMEOUT : NET_RESOLVE, "%s", error);
		return;
	}
	c->ai = c->cur = ai;
	c->timer = evloop_timer(c->ev, c->deadline - evloop_now(), on_timeout,
	    c);
	try_next(c);
}

/* Start from the loop, so the callback never runs inside net_connect. */
static void
on_start(struct evloop *ev, void *arg)
{
	struct net_conn	*c = arg;

	c->timer = 0;
	c->res = resolve_start(ev, c->host, c->port, c->deadline -
	    evloop_now(), on_resolved, c);
}

struct net_conn *
net_connect(struct evloop *ev, const char *host, int port, int64_t timeout_ms,
    net_done_fn done, void *arg)
{
	struct net_conn	*c = xcalloc(1, sizeof(*c));

	c->ev = ev;
	c->host = xstrdup(host);
	c->port = port;
	c->fd = -1;
	c->done = done;
	c->arg = arg;
	c->start = evloop_now();
	c->deadline = c->start + timeout_ms;
	c->timer = evloop_timer(ev, 0, on_start, c);
	return c;
}

void
net_cancel(struct net_conn *c)
{
	if (c != NULL)
		conn_free(c);
}
