/* evloop.c: poll over file descriptors plus one-shot timers. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evloop.h"
#include "util.h"

struct ev_fd {
	int		 fd;
	short		 events;
	ev_fd_fn	 fn;
	void		*arg;
	int		 dead;		/* deleted during dispatch */
};

struct ev_timer {
	uint64_t	 id;
	int64_t		 when;
	ev_timer_fn	 fn;
	void		*arg;
};

struct evloop {
	struct ev_fd	*fds;
	size_t		 nfds;
	size_t		 capfds;
	struct ev_timer	*timers;	/* unsorted: a loop holds tens */
	size_t		 ntimers;
	size_t		 captimers;
	uint64_t	 next_id;
	struct ev_timer	*firing;	/* taken out, about to run */
	size_t		 nfiring;
	struct pollfd	*pfd;
	size_t		 cappfd;
};

int64_t
evloop_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct evloop *
evloop_new(void)
{
	struct evloop	*ev = xcalloc(1, sizeof(*ev));

	ev->next_id = 1;
	return ev;
}

void
evloop_free(struct evloop *ev)
{
	if (ev == NULL)
		return;
	free(ev->fds);
	free(ev->timers);
	free(ev->pfd);
	free(ev);
}

static struct ev_fd *
find_fd(struct evloop *ev, int fd)
{
	size_t	i;

	for (i = 0; i < ev->nfds; i++)
		if (ev->fds[i].fd == fd && !ev->fds[i].dead)
			return &ev->fds[i];
	return NULL;
}

void
evloop_fd(struct evloop *ev, int fd, short events, ev_fd_fn fn, void *arg)
{
	struct ev_fd	*f;

	if ((f = find_fd(ev, fd)) == NULL) {
		if (ev->nfds == ev->capfds) {
			ev->capfds = ev->capfds ? ev->capfds * 2 : 16;
			ev->fds = xreallocarray(ev->fds, ev->capfds,
			    sizeof(*ev->fds));
		}
		f = &ev->fds[ev->nfds++];
	}
	f->fd = fd;
	f->events = events;
	f->fn = fn;
	f->arg = arg;
	f->dead = 0;
}

void
evloop_fd_events(struct evloop *ev, int fd, short events)
{
	struct ev_fd	*f;

	if ((f = find_fd(ev, fd)) != NULL)
		f->events = events;
}

void
evloop_fd_del(struct evloop *ev, int fd)
{
	struct ev_fd	*f;

	/* Marked, not removed: evloop_once may be walking the array. */
	if ((f = find_fd(ev, fd)) != NULL)
		f->dead = 1;
}

uint64_t
evloop_timer(struct evloop *ev, int64_t ms, ev_timer_fn fn, void *arg)
{
	struct ev_timer	*t;

	if (ev->ntimers == ev->captimers) {
		ev->captimers = ev->captimers ? ev->captimers * 2 : 16;
		ev->timers = xreallocarray(ev->timers, ev->captimers,
		    sizeof(*ev->timers));
	}
	t = &ev->timers[ev->ntimers++];
	t->id = ev->next_id++;
	t->when = evloop_now() + (ms > 0 ? ms : 0);
	t->fn = fn;
	t->arg = arg;
	return t->id;
}

void
evloop_timer_del(struct evloop *ev, uint64_t id)
{
	size_t	i;

	for (i = 0; i < ev->ntimers; i++)
		if (ev->timers[i].id == id) {
			ev->timers[i] = ev->timers[--ev->ntimers];
			return;
		}
	/* Due in this pass but not run yet: it must not run now. */
	for (i = 0; i < ev->nfiring; i++)
		if (ev->firing[i].id == id)
			ev->firing[i].fn = NULL;
}

static void
compact(struct evloop *ev)
{
	size_t	i, n = 0;

	for (i = 0; i < ev->nfds; i++)
		if (!ev->fds[i].dead)
			ev->fds[n++] = ev->fds[i];
	ev->nfds = n;
}

int
evloop_once(struct evloop *ev, int64_t max)
{
	struct ev_timer	 t, *due_v = NULL;
	int64_t		 now, wait = max, due;
	size_t		 i, n, np, due_n, due_cap = 0;
	int		 rc, ran = 0;

	compact(ev);
	if (ev->nfds == 0 && ev->ntimers == 0)
		return -1;
	now = evloop_now();
	for (i = 0; i < ev->ntimers; i++) {
		due = ev->timers[i].when - now;
		if (due < 0)
			due = 0;
		if (wait < 0 || due < wait)
			wait = due;
	}
	if (ev->cappfd < ev->nfds) {
		ev->cappfd = ev->nfds;
		ev->pfd = xreallocarray(ev->pfd, ev->cappfd, sizeof(*ev->pfd));
	}
	for (np = 0, i = 0; i < ev->nfds; i++) {
		ev->pfd[np].fd = ev->fds[i].events ? ev->fds[i].fd : -1;
		ev->pfd[np].events = ev->fds[i].events;
		ev->pfd[np++].revents = 0;
	}
	rc = poll(ev->pfd, (nfds_t)np, wait > INT32_MAX ? INT32_MAX : (int)wait);
	if (rc == -1 && errno != EINTR)
		fatal("poll: %s", strerror(errno));
	/* Descriptors first (data may cancel a deadline), then timers. A
	 * callback may add or delete watches: walk a snapshot count. */
	n = ev->nfds;
	for (i = 0; rc > 0 && i < n && i < np; i++) {
		if (ev->pfd[i].revents == 0 || ev->fds[i].dead ||
		    ev->fds[i].fd != ev->pfd[i].fd)
			continue;
		ev->fds[i].fn(ev, ev->fds[i].fd, ev->pfd[i].revents,
		    ev->fds[i].arg);
		ran++;
	}
	/* Take the due timers out first: a callback that arms a new timer
	 * (even a 0 ms one) runs it on the next pass, not in this one. */
	now = evloop_now();
	due_n = 0;
	for (i = 0; i < ev->ntimers;) {
		if (ev->timers[i].when > now) {
			i++;
			continue;
		}
		if (due_n == due_cap) {
			due_cap = due_cap ? due_cap * 2 : 8;
			due_v = xreallocarray(due_v, due_cap, sizeof(*due_v));
		}
		due_v[due_n++] = ev->timers[i];
		ev->timers[i] = ev->timers[--ev->ntimers];
	}
	ev->firing = due_v;
	ev->nfiring = due_n;
	for (i = 0; i < due_n; i++) {
		t = due_v[i];
		if (t.fn == NULL)
			continue;
		t.fn(ev, t.arg);
		ran++;
	}
	ev->firing = NULL;
	ev->nfiring = 0;
	free(due_v);
	return ran;
}
