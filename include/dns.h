/*
 * dns.h: A, AAAA and SRV lookups on the event loop. Queries go over UDP
 * (TCP when the answer is truncated) to a chosen server, or to the
 * nameservers of /etc/resolv.conf, with a deadline; so fifty checks
 * resolve at once and a dead resolver costs its deadline, not a hang.
 *
 * getaddrinfo would do A/AAAA and libresolv SRV.
 * Both block, neither takes a deadline, and getaddrinfo cannot be pointed
 * at one server: a check must be able to ask the resolver the partner
 * will ask, and must not stall the console. (resolve.h runs getaddrinfo
 * on a thread, for connecting to a name; that cures the stall, not the
 * choice of server.) So fedwiz speaks DNS itself:
 * every lookup is on the loop, bounded, at a server of the caller's
 * choosing. The name is looked up as given (no search list, no
 * /etc/hosts): a check asks about a fully qualified name.
 */
#ifndef FEDWIZ_DNS_H
#define FEDWIZ_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"

#define DNS_T_A		1
#define DNS_T_CNAME	5
#define DNS_T_AAAA	28
#define DNS_T_SRV	33

enum dns_status {
	DNS_OK,		/* at least one record of the wanted type */
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_NODATA,	/* the name exists, no record of this type */
	DNS_SERVFAIL,	/* the server failed (SERVFAIL, REFUSED, ...) */
	DNS_TIMEOUT,	/* no answer before the deadline */
	DNS_ERROR	/* anything else: bad reply, port unreachable, socket */
};

struct dns_rr {
	int		 type;		/* DNS_T_* */
	uint32_t	 ttl;
	char		*addr;		/* A, AAAA: text form */
	char		*target;	/* SRV: target, no trailing dot ("."
					   alone: the service is not there) */
	uint16_t	 port, priority, weight;	/* SRV */
};

struct dns_result {
	enum dns_status	 status;
	char		*message;	/* words, for every status but OK */
	char		 server[64];	/* who answered, "127.0.0.1:5353",
					   "[::1]:53"; when none did, the
					   last one asked */
	struct dns_rr	*rrs;		/* the wanted type only; SRV sorted by
					   priority, then weight descending;
					   else in answer order */
	size_t		 n;
	char		*cname;		/* the name the answers are for, when
					   a CNAME chain led there; else NULL */
};

typedef void (*dns_done_fn)(const struct dns_result *, void *);

struct dns_query;

/*
 * Start a lookup of name (type DNS_T_A, DNS_T_AAAA or DNS_T_SRV) at server
 * ("IP", "IP:PORT", "[v6]:PORT"; NULL: /etc/resolv.conf's nameservers, in
 * turn, 127.0.0.1 when it names none) within timeout_ms. done is called
 * once, from the loop (never from inside this call); the result lives
 * only during the call, and the query is freed when done returns (forget
 * the pointer there; cancelling it from done is harmless). NULL and *err
 * (malloc'd, says what is wrong) when the name, type, server or timeout
 * is bad; nothing is sent then.
 */
struct dns_query *dns_query_start(struct evloop *, const char *, int,
		    const char *, int64_t, dns_done_fn, void *, char **);
/* Stop a lookup that has not finished; done is not called. NULL is
 * fine. */
void		 dns_query_cancel(struct dns_query *);

/* "A", "AAAA", "SRV" (any case) -> DNS_T_*; 0 when unknown. */
int		 dns_type_parse(const char *);
/* "A", "AAAA", "SRV", "CNAME"; "?" for others. */
const char	*dns_type_name(int);
/* "ok", "nxdomain", "nodata", "servfail", "timeout", "error". */
const char	*dns_status_name(enum dns_status);

/*
 * Whether name can be looked up: letters, digits, hyphens and underscores
 * (_sipfederationtls._tcp) in dot-separated labels of 1 to 63 characters,
 * 253 in all, one trailing dot allowed. 0, or -1 and why (a sentence
 * naming the fault).
 */
int		 dns_name_check(const char *, char *, size_t);

/* The text an `expect:` entry is compared with: the address, or
 * "target:port" for SRV. malloc'd. */
char		*dns_rr_text(const struct dns_rr *);
/*
 * Whether an `expect:` entry names this record: addresses compared as
 * addresses (2001:DB8::0:1 is 2001:db8::1), SRV "target:port" with the
 * target in any case and with or without its trailing dot. 1 or 0.
 */
int		 dns_rr_matches(const struct dns_rr *, const char *);

#endif
