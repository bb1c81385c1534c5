/*
 * net.h: a TCP connection on the event loop, with a deadline. What the
 * TLS probe, the legacy ClientHello probe and the tcp check stand on.
 * Every address the name has is tried in turn within the one deadline.
 */
#ifndef FEDWIZ_NET_H
#define FEDWIZ_NET_H

#include <stdint.h>

#include "evloop.h"

enum net_status {
	NET_OK,
	NET_REFUSED,	/* every address refused (or was unreachable) */
	NET_TIMEOUT,	/* no answer to SYN, or from the resolver, before
			   the deadline */
	NET_RESOLVE,	/* the name does not resolve */
	NET_ERROR	/* a socket error */
};

/*
 * Called once, from the loop: fd is the connected socket (non-blocking,
 * close-on-exec; the callee owns it), or -1 with st and msg saying why
 * ("cannot connect to 192.0.2.1 port 5062: Connection refused"). peer is
 * the address connected to, as text.
 */
typedef void (*net_done_fn)(int, enum net_status, const char *,
		    const char *, void *);

struct net_conn;

/*
 * Connect to host (a name, an IPv4 or an IPv6 address) and port within
 * timeout_ms, which covers resolving the name too (resolve.h: off the
 * loop). done is never called from inside net_connect.
 */
struct net_conn	*net_connect(struct evloop *, const char *, int, int64_t,
		    net_done_fn, void *);
/* Give up a connection that has not finished; done is not called. */
void		 net_cancel(struct net_conn *);

const char	*net_status_name(enum net_status);

/* Whether s is an IPv4 or IPv6 address in text form (not a name). */
int		 net_is_address(const char *);

#endif
