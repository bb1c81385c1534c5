/*
 * resolve.h: host names to addresses without stopping the event loop.
 *
 * getaddrinfo, so /etc/hosts, the search list and the rest of nsswitch
 * apply as for any program on the host (dns.h is the other thing: one
 * record type, asked of one server). getaddrinfo blocks, for as long as
 * glibc's own timeouts when the resolver is dead, so it runs on a thread
 * of its own and the loop hears of the answer through a pipe; the loop
 * goes on drawing the console and resolving fifty names at once.
 */
#ifndef FEDWIZ_RESOLVE_H
#define FEDWIZ_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"

struct addrinfo;
struct resolve;

/*
 * Called once, from the loop, never from inside resolve_start. ai: every
 * address of host (SOCK_STREAM, the port filled in); the callee owns it
 * and frees it with freeaddrinfo. Or ai is NULL and error says why in
 * words ("cannot resolve sip.example.com: Name or service not known");
 * timedout is 1 when that is because the resolver did not answer within
 * the deadline, so a caller can report a timeout as its other timeouts.
 * The lookup is gone by then: do not resolve_cancel it.
 */
typedef void (*resolve_done_fn)(struct addrinfo *, int, const char *,
		    void *);

/*
 * Look up host (a name, an IPv4 or an IPv6 address) for TCP port port,
 * within timeout_ms. An address is converted at once, without a thread;
 * the callback still comes from the loop.
 */
struct resolve	*resolve_start(struct evloop *, const char *, int, int64_t,
		    resolve_done_fn, void *);
/* Give up a lookup that has not finished: done is not called. A thread
 * still in getaddrinfo frees what it finds when it returns. NULL is ok. */
void		 resolve_cancel(struct resolve *);

/*
 * Look names up at this DNS server ("IP[:PORT]", fedwiz's own resolver,
 * on the loop: A records) instead of getaddrinfo; NULL: getaddrinfo
 * again. For an estate whose names only its own DNS holds (an answers
 * file's dns_server, such as the training lab's).
 */
void		 resolve_set_server(const char *);

/* For unit tests only: what the thread calls instead of getaddrinfo;
 * NULL puts getaddrinfo back. Lookups already started keep theirs. */
typedef int (*resolve_lookup_fn)(const char *, const char *,
		    const struct addrinfo *, struct addrinfo **);
void		 resolve_set_lookup(resolve_lookup_fn);
/* Lookup threads not finished yet, given up on or not: a test waits for
 * none before it exits, so that what they free is seen freed. */
size_t		 resolve_running(void);

#endif
