/*
 * dns.h: A, AAAA and SRV lookups on the event loop. Queries go over UDP
 * (TCP when the answer is truncated) to a chosen server, or to the
 * nameservers of /etc/resolv.conf, with a deadline; so fifty checks
 * resolve at once and a dead resolver costs its deadline, not a hang.
 */
#ifndef FEDWIZ_DNS_H
#define FEDWIZ_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"

#define DNS_T_A		1
#define DNS_T_AAAA	28
#define DNS_T_SRV	33

enum dns_status {
	DNS_OK,		/* answers (possibly none of the wanted type: NODATA) */
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_NODATA,	/* the name exists, no record of this type */
	DNS_SERVFAIL,	/* the server failed (SERVFAIL, REFUSED, ...) */
	DNS_TIMEOUT,	/* no answer before the deadline */
	DNS_ERROR	/* anything else: bad reply, no server, socket */
};

struct dns_rr {
	int		 type;		/* DNS_T_* */
	uint32_t	 ttl;
	char		*addr;		/* A, AAAA: text form */
	char		*target;	/* SRV: target, no trailing dot */
	uint16_t	 port, priority, weight;	/* SRV */
};

struct dns_result {
	enum dns_status	 status;
	char		*message;	/* words, for every status but OK */
	char		 server[64];	/* who answered, "127.0.0.1:5353" */
	struct dns_rr	*rrs;		/* the wanted type only, answer order */
	size_t		 n;
	char		*cname;		/* the name the answers are for, when
					   a CNAME chain led there */
};

typedef void (*dns_done_fn)(const struct dns_result *, void *);

struct dns_query;

/*
 * Start a lookup of name (type DNS_T_*) at server ("IP" or "IP:PORT",
 * "[v6]:PORT"; NULL: /etc/resolv.conf's nameservers, in turn) within
 * timeout_ms. done is called once, from the loop (never from inside this
 * call); the result lives only during the call. NULL and *err (malloc'd)
 * when the name or server is bad.
 */
struct dns_query *dns_query_start(struct evloop *, const char *, int,
		    const char *, int64_t, dns_done_fn, void *, char **);
/* Stop a lookup that has not finished; done is not called. */
void		 dns_query_cancel(struct dns_query *);

/* "A", "AAAA", "SRV" -> DNS_T_*; 0 when unknown. */
int		 dns_type_parse(const char *);
const char	*dns_type_name(int);
const char	*dns_status_name(enum dns_status);

/* The text an `expect:` entry is compared with: the address, or
 * "target:port" for SRV. malloc'd. */
char		*dns_rr_text(const struct dns_rr *);

#endif
