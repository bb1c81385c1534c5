/*
 * evloop.h: the one event loop. poll(2) over file descriptors (SSH
 * sockets, TLS sockets, later the terminal) and a set of timers; every
 * probe and the screen are driven from here, so the console keeps drawing
 * while fifty hosts are checked.
 */
#ifndef FEDWIZ_EVLOOP_H
#define FEDWIZ_EVLOOP_H

#include <stdint.h>

struct evloop;

typedef void (*ev_fd_fn)(struct evloop *, int, short, void *);
typedef void (*ev_timer_fn)(struct evloop *, void *);

struct evloop	*evloop_new(void);
void		 evloop_free(struct evloop *);

/* Watch fd for events (POLLIN, POLLOUT); replaces an earlier watch. */
void		 evloop_fd(struct evloop *, int, short, ev_fd_fn, void *);
/* Change what fd is watched for; 0: nothing (but keep it). */
void		 evloop_fd_events(struct evloop *, int, short);
void		 evloop_fd_del(struct evloop *, int);

/* A one-shot timer in ms from now; returns its id (never 0). */
uint64_t	 evloop_timer(struct evloop *, int64_t, ev_timer_fn, void *);
void		 evloop_timer_del(struct evloop *, uint64_t);

/* Monotonic milliseconds. */
int64_t		 evloop_now(void);

/*
 * Wait for at most max ms (-1: until something happens) and dispatch what
 * is ready. Returns the number of callbacks run, or -1 if there is nothing
 * at all to wait for.
 */
int		 evloop_once(struct evloop *, int64_t);

#endif
