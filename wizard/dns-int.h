/*
 * dns-int.h: the parts of dns.c the unit tests reach into: the packet
 * code, the server and resolv.conf parsers, and a start that takes the
 * server list instead of reading /etc/resolv.conf (servers at high ports
 * on 127.0.0.1). Other subsystems use dns.h.
 */
#ifndef FEDWIZ_DNS_INT_H
#define FEDWIZ_DNS_INT_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "dns.h"

#define DNS_MAXNS	3	/* resolv.conf's MAXNS */
#define DNS_HDRLEN	12
#define DNS_UDPMAX	512	/* what we ask for: no EDNS */

struct dns_ns {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 text[64];	/* "192.0.2.53:53" */
};

struct dns_conf {
	struct dns_ns	 ns[DNS_MAXNS];
	size_t		 nns;
	int		 timeout_ms;	/* one try; "options timeout:" */
	int		 attempts;	/* rounds over ns; "options attempts:" */
};

/* "IP", "IP:PORT", "[v6]:PORT", a bare IPv6 address: port 53 unless
 * given. 0, or -1 and why. */
int	dns_server_parse(const char *, struct dns_ns *, char *, size_t);

/*
 * resolv.conf at path into *c: up to 3 nameserver lines (others, and
 * lines that are not addresses, ignored as glibc does), options timeout:
 * (1-30 s, default 5) and attempts: (1-5, default 2). No nameserver, or
 * no file: 127.0.0.1, as glibc. Never fails.
 */
void	dns_conf_read(const char *, struct dns_conf *);

/* The query packet for name/type with id; its length, or -1 when the name
 * does not fit. */
int	dns_make_query(uint16_t, const char *, int, unsigned char *, size_t);

enum dns_parse {
	DNS_P_ANSWER,		/* *res filled: OK, NXDOMAIN or NODATA */
	DNS_P_FAILED,		/* *res filled: SERVFAIL and its rcode */
	DNS_P_TRUNCATED,	/* TC: ask again over TCP */
	DNS_P_IGNORE,		/* not a reply to this query: drop it */
	DNS_P_BAD		/* a reply to it, but malformed: why */
};

/*
 * A reply pkt of len bytes to the query (id, name, type) from server:
 * what it says. *res is zeroed first; on ANSWER and FAILED its message,
 * rrs and cname are malloc'd (dns_result_clear). why gets the fault for
 * BAD.
 */
enum dns_parse dns_parse_reply(const unsigned char *, size_t, uint16_t,
	    const char *, int, const char *, struct dns_result *, char *,
	    size_t);
void	dns_result_clear(struct dns_result *);

/* dns_query_start with the servers and timing given: the tests' way in. */
struct dns_query *dns_query_start_conf(struct evloop *, const char *, int,
	    const struct dns_conf *, int64_t, dns_done_fn, void *, char **);

#endif
