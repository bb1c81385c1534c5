/*
 * test_dns.c: the stub resolver. The packet code on replies built here
 * byte by byte (compression, loops, cuts, spoofs, every rcode), names,
 * servers and resolv.conf; then whole queries on the event loop against
 * servers in this process on 127.0.0.1: one that answers, one that is
 * silent, one that fails, one that sends the answer truncated and then
 * over TCP.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "../../wizard/dns-int.h"
#include "evloop.h"
#include "testutil.h"

#define SRV_TEXT	"127.0.0.1:5353"

/* A packet under construction. */
struct pk {
	unsigned char	 b[2048];
	size_t		 n;
};

static void
u8(struct pk *p, unsigned v)
{
	assert_true(p->n < sizeof(p->b));
	p->b[p->n++] = (unsigned char)v;
}

static void
u16(struct pk *p, unsigned v)
{
	u8(p, v >> 8);
	u8(p, v & 0xff);
}

static void
u32(struct pk *p, uint32_t v)
{
	u16(p, v >> 16);
	u16(p, v & 0xffff);
}

/* Labels of name, then the root, or a pointer to ptr when ptr != 0. */
static void
labels(struct pk *p, const char *name, unsigned ptr)
{
	const char	*s = name ? name : "", *dot;
	size_t		 l;

	while (*s != '\0') {
		dot = strchr(s, '.');
		l = dot ? (size_t)(dot - s) : strlen(s);
		u8(p, (unsigned)l);
		while (l-- > 0)
			u8(p, (unsigned char)*s++);
		if (*s == '.')
			s++;
	}
	if (ptr != 0)
		u16(p, 0xc000 | ptr);
	else
		u8(p, 0);
}

static void
header(struct pk *p, uint16_t id, unsigned flags, unsigned qd, unsigned an)
{
	p->n = 0;
	u16(p, id);
	u16(p, flags);
	u16(p, qd);
	u16(p, an);
	u16(p, 0);
	u16(p, 0);
}

/* A reply header and question; the question's name is at byte 12. */
static void
reply(struct pk *p, uint16_t id, unsigned rcode, const char *name,
    unsigned type, unsigned an)
{
	header(p, id, 0x8180 | rcode, 1, an);
	labels(p, name, 0);
	u16(p, type);
	u16(p, 1);
}

/* Owner, type, class IN, ttl; the caller writes rdlength and rdata. */
static void
rr_head(struct pk *p, const char *owner, unsigned ptr, unsigned type,
    uint32_t ttl)
{
	labels(p, owner, ptr);
	u16(p, type);
	u16(p, 1);
	u32(p, ttl);
}

static void
rr_a(struct pk *p, const char *owner, unsigned ptr, uint32_t ttl,
    const char *addr)
{
	unsigned char	 a[4];
	size_t		 i;

	assert_int_equal(inet_pton(AF_INET, addr, a), 1);
	rr_head(p, owner, ptr, DNS_T_A, ttl);
	u16(p, 4);
	for (i = 0; i < 4; i++)
		u8(p, a[i]);
}

static void
rr_aaaa(struct pk *p, const char *owner, unsigned ptr, uint32_t ttl,
    const char *addr)
{
	unsigned char	 a[16];
	size_t		 i;

	assert_int_equal(inet_pton(AF_INET6, addr, a), 1);
	rr_head(p, owner, ptr, DNS_T_AAAA, ttl);
	u16(p, 16);
	for (i = 0; i < 16; i++)
		u8(p, a[i]);
}

/* The rdlength at at, once its data is written. */
static void
fix_len(struct pk *p, size_t at)
{
	p->b[at] = (unsigned char)((p->n - at - 2) >> 8);
	p->b[at + 1] = (unsigned char)(p->n - at - 2);
}

static void
rr_srv(struct pk *p, const char *owner, unsigned ptr, unsigned prio,
    unsigned weight, unsigned port, const char *target, unsigned tptr)
{
	size_t	 at;

	rr_head(p, owner, ptr, DNS_T_SRV, 600);
	at = p->n;
	u16(p, 0);
	u16(p, prio);
	u16(p, weight);
	u16(p, port);
	labels(p, target, tptr);
	fix_len(p, at);
}

static void
rr_cname(struct pk *p, const char *owner, unsigned ptr, const char *target,
    unsigned tptr)
{
	size_t	 at;

	rr_head(p, owner, ptr, DNS_T_CNAME, 60);
	at = p->n;
	u16(p, 0);
	labels(p, target, tptr);
	fix_len(p, at);
}

static enum dns_parse
parse(const struct pk *p, uint16_t id, const char *name, int type,
    struct dns_result *r, char *why)
{
	why[0] = '\0';
	return dns_parse_reply(p->b, p->n, id, name, type, SRV_TEXT, r, why,
	    200);
}

/* Packets. */

static void
test_query_packet(void **state)
{
	unsigned char	 b[512], c[512];
	int		 n, m;

	(void)state;
	n = dns_make_query(0xbeef, "_sipfederationtls._tcp.example.com",
	    DNS_T_SRV, b, sizeof(b));
	assert_int_equal(n, 12 + 36 + 4);
	assert_int_equal(b[0], 0xbe);
	assert_int_equal(b[1], 0xef);
	assert_int_equal(b[2], 0x01);		/* RD */
	assert_int_equal(b[5], 1);		/* one question */
	assert_int_equal(b[12], 17);
	assert_memory_equal(b + 13, "_sipfederationtls", 17);
	assert_int_equal(b[30], 4);
	assert_int_equal(b[n - 5], 0);		/* the root */
	assert_int_equal(b[n - 3], 33);
	assert_int_equal(b[n - 1], 1);
	/* A trailing dot is the same name. */
	m = dns_make_query(0xbeef, "_sipfederationtls._tcp.example.com.",
	    DNS_T_SRV, c, sizeof(c));
	assert_int_equal(m, n);
	assert_memory_equal(b, c, (size_t)n);
	assert_int_equal(dns_make_query(1, "a.example.com", DNS_T_A, b, 20),
	    -1);
}

static void
test_reply_a(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200], *t;

	(void)state;
	reply(&p, 0x1234, 0, "pool1.example.com", DNS_T_A, 1);
	rr_a(&p, NULL, 12, 300, "192.0.2.10");
	assert_int_equal(parse(&p, 0x1234, "pool1.example.com", DNS_T_A, &r,
	    why), DNS_P_ANSWER);
	assert_int_equal(r.status, DNS_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.rrs[0].type, DNS_T_A);
	assert_int_equal(r.rrs[0].ttl, 300);
	assert_string_equal(r.rrs[0].addr, "192.0.2.10");
	assert_string_equal(r.server, SRV_TEXT);
	assert_null(r.message);
	assert_null(r.cname);
	t = dns_rr_text(&r.rrs[0]);
	assert_string_equal(t, "192.0.2.10");
	free(t);
	dns_result_clear(&r);
}

static void
test_reply_aaaa_trailing_dot_and_case(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];

	(void)state;
	/* Servers may echo the question in other case (0x20 bits). */
	reply(&p, 7, 0, "POOL1.Example.COM", DNS_T_AAAA, 1);
	rr_aaaa(&p, NULL, 12, 0x80000000u, "2001:db8::10");
	assert_int_equal(parse(&p, 7, "pool1.example.com.", DNS_T_AAAA, &r,
	    why), DNS_P_ANSWER);
	assert_int_equal(r.status, DNS_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.rrs[0].addr, "2001:db8::10");
	assert_int_equal(r.rrs[0].ttl, 0);	/* top bit set: RFC 2181 */
	dns_result_clear(&r);
}

static void
test_reply_several_answers_keep_order(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];
	size_t			 at;

	(void)state;
	reply(&p, 9, 0, "pool1.example.com", DNS_T_A, 5);
	rr_a(&p, NULL, 12, 30, "192.0.2.3");
	rr_aaaa(&p, NULL, 12, 30, "2001:db8::3");	/* not asked */
	rr_a(&p, NULL, 12, 30, "192.0.2.1");
	/* Class CH: not ours. */
	labels(&p, NULL, 12);
	u16(&p, DNS_T_A);
	u16(&p, 3);
	u32(&p, 30);
	at = p.n;
	u16(&p, 0);
	u32(&p, 0x7f000001);
	fix_len(&p, at);
	rr_a(&p, NULL, 12, 30, "192.0.2.2");
	assert_int_equal(parse(&p, 9, "pool1.example.com", DNS_T_A, &r, why),
	    DNS_P_ANSWER);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.rrs[0].addr, "192.0.2.3");
	assert_string_equal(r.rrs[1].addr, "192.0.2.1");
	assert_string_equal(r.rrs[2].addr, "192.0.2.2");
	dns_result_clear(&r);
}

static void
test_reply_srv_sorted_and_compressed(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200], *t;
	unsigned		 example;

	(void)state;
	reply(&p, 33, 0, "_sip._tls.example.com", DNS_T_SRV, 4);
	example = 12 + 5 + 5;		/* "example.com" inside the question */
	rr_srv(&p, NULL, 12, 20, 10, 5061, "sip2", example);
	rr_srv(&p, NULL, 12, 10, 50, 5061, "sip1", example);
	rr_srv(&p, NULL, 12, 10, 60, 5062, "sip0", example);
	rr_srv(&p, NULL, 12, 10, 50, 5063, "sip3", example);
	assert_int_equal(parse(&p, 33, "_sip._tls.example.com", DNS_T_SRV, &r,
	    why), DNS_P_ANSWER);
	assert_int_equal(r.status, DNS_OK);
	assert_int_equal(r.n, 4);
	/* Priority up, then weight down; equal ones keep their order. */
	assert_string_equal(r.rrs[0].target, "sip0.example.com");
	assert_int_equal(r.rrs[0].priority, 10);
	assert_int_equal(r.rrs[0].weight, 60);
	assert_int_equal(r.rrs[0].port, 5062);
	assert_string_equal(r.rrs[1].target, "sip1.example.com");
	assert_string_equal(r.rrs[2].target, "sip3.example.com");
	assert_string_equal(r.rrs[3].target, "sip2.example.com");
	assert_int_equal(r.rrs[3].priority, 20);
	assert_int_equal(r.rrs[0].ttl, 600);
	t = dns_rr_text(&r.rrs[3]);
	assert_string_equal(t, "sip2.example.com:5061");
	free(t);
	dns_result_clear(&r);
}

static void
test_reply_srv_federation_name(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];

	(void)state;
	reply(&p, 1, 0, "_sipfederationtls._tcp.example.com", DNS_T_SRV, 1);
	rr_srv(&p, NULL, 12, 0, 100, 5061, "sip.example.com", 0);
	assert_int_equal(parse(&p, 1, "_sipfederationtls._tcp.example.com",
	    DNS_T_SRV, &r, why), DNS_P_ANSWER);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.rrs[0].target, "sip.example.com");
	dns_result_clear(&r);
}

static void
test_reply_cname_chain(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];
	unsigned		 example = 12 + 6;	/* after "alias." */

	(void)state;
	/* alias -> mid -> pool1, answers in a scrambled order, names
	 * compressed against the question. */
	reply(&p, 5, 0, "alias.example.com", DNS_T_A, 4);
	rr_a(&p, "pool1", example, 60, "192.0.2.10");
	rr_cname(&p, "mid", example, "pool1", example);
	rr_cname(&p, NULL, 12, "mid", example);
	rr_a(&p, "other", example, 60, "192.0.2.99");	/* not on the chain */
	assert_int_equal(parse(&p, 5, "alias.example.com", DNS_T_A, &r, why),
	    DNS_P_ANSWER);
	assert_int_equal(r.status, DNS_OK);
	assert_string_equal(r.cname, "pool1.example.com");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.rrs[0].addr, "192.0.2.10");
	dns_result_clear(&r);

	/* The chain ends at a name without the type: NODATA, saying so. */
	reply(&p, 5, 0, "alias.example.com", DNS_T_AAAA, 1);
	rr_cname(&p, NULL, 12, "pool1", example);
	assert_int_equal(parse(&p, 5, "alias.example.com", DNS_T_AAAA, &r,
	    why), DNS_P_ANSWER);
	assert_int_equal(r.status, DNS_NODATA);
	assert_string_equal(r.cname, "pool1.example.com");
	assert_contains(r.message, "alias.example.com is an alias of "
	    "pool1.example.com");
	assert_contains(r.message, "no AAAA record");
	assert_contains(r.message, SRV_TEXT);
	dns_result_clear(&r);

	/* ... or at a name that does not exist. */
	header(&p, 5, 0x8183, 1, 1);
	labels(&p, "alias.example.com", 0);
	u16(&p, DNS_T_A);
	u16(&p, 1);
	rr_cname(&p, NULL, 12, "gone", example);
	assert_int_equal(parse(&p, 5, "alias.example.com", DNS_T_A, &r, why),
	    DNS_P_ANSWER);
	assert_int_equal(r.status, DNS_NXDOMAIN);
	assert_string_equal(r.cname, "gone.example.com");
	assert_contains(r.message, "which does not exist at " SRV_TEXT);
	dns_result_clear(&r);
}

static void
test_reply_cname_loop(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];

	(void)state;
	reply(&p, 5, 0, "a.example.com", DNS_T_A, 2);
	rr_cname(&p, "a.example.com", 0, "b.example.com", 0);
	rr_cname(&p, "b.example.com", 0, "a.example.com", 0);
	assert_int_equal(parse(&p, 5, "a.example.com", DNS_T_A, &r, why),
	    DNS_P_BAD);
	assert_contains(why, "CNAME chain");
	assert_null(r.rrs);
	assert_null(r.message);
}

static void
test_reply_pointer_loops(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];
	size_t			 at;

	(void)state;
	/* An owner that points at itself. */
	reply(&p, 5, 0, "a.example.com", DNS_T_A, 1);
	at = p.n;
	u16(&p, 0xc000 | (unsigned)at);
	u16(&p, DNS_T_A);
	u16(&p, 1);
	u32(&p, 1);
	u16(&p, 4);
	u32(&p, 0xc0000201);
	assert_int_equal(parse(&p, 5, "a.example.com", DNS_T_A, &r, why),
	    DNS_P_BAD);
	assert_contains(why, "loops");

	/* A forward pointer. */
	reply(&p, 5, 0, "a.example.com", DNS_T_A, 1);
	at = p.n;
	u16(&p, 0xc000 | (unsigned)(at + 2));
	u8(&p, 0);
	assert_int_equal(parse(&p, 5, "a.example.com", DNS_T_A, &r, why),
	    DNS_P_BAD);
	assert_contains(why, "loops");

	/* A label, then a pointer back to that label: backwards each time,
	 * round and round; the hop limit ends it. */
	reply(&p, 5, 0, "a.example.com", DNS_T_A, 1);
	at = p.n;
	u8(&p, 1);
	u8(&p, 'x');
	u16(&p, 0xc000 | (unsigned)at);
	assert_int_equal(parse(&p, 5, "a.example.com", DNS_T_A, &r, why),
	    DNS_P_BAD);
	assert_true(strstr(why, "loops") != NULL ||
	    strstr(why, "255") != NULL);

	/* In the question: not a reply we can match, dropped. */
	header(&p, 5, 0x8180, 1, 0);
	u16(&p, 0xc00c);
	u16(&p, DNS_T_A);
	u16(&p, 1);
	assert_int_equal(parse(&p, 5, "a.example.com", DNS_T_A, &r, why),
	    DNS_P_IGNORE);

	/* A label type from RFC 6891's past (0x40): refused. */
	reply(&p, 5, 0, "a.example.com", DNS_T_A, 1);
	u8(&p, 0x41);
	u8(&p, 0);
	assert_int_equal(parse(&p, 5, "a.example.com", DNS_T_A, &r, why),
	    DNS_P_BAD);
	assert_contains(why, "unknown kind");
}

/* Every cut of a good reply: dropped while the question is incomplete,
 * malformed after it, never read past its end (ASan watches). */
static void
test_reply_every_truncation(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];
	unsigned char		*copy;
	size_t			 len, qend;
	enum dns_parse		 got;

	(void)state;
	reply(&p, 77, 0, "alias.example.com", DNS_T_SRV, 2);
	qend = p.n;
	rr_cname(&p, NULL, 12, "svc", 12 + 6);
	rr_srv(&p, "svc", 12 + 6, 1, 2, 5061, "sip", 12 + 6);
	for (len = 0; len <= p.n; len++) {
		copy = xmalloc(len ? len : 1);
		memcpy(copy, p.b, len);
		got = dns_parse_reply(copy, len, 77, "alias.example.com",
		    DNS_T_SRV, SRV_TEXT, &r, why, sizeof(why));
		if (len < qend)
			assert_int_equal(got, DNS_P_IGNORE);
		else if (len < p.n)
			assert_int_equal(got, DNS_P_BAD);
		else {
			assert_int_equal(got, DNS_P_ANSWER);
			assert_int_equal(r.n, 1);
			assert_string_equal(r.rrs[0].target,
			    "sip.example.com");
			assert_string_equal(r.cname, "svc.example.com");
			dns_result_clear(&r);
		}
		free(copy);
	}
}

static void
test_reply_not_ours_is_ignored(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];

	(void)state;
	reply(&p, 0x1111, 0, "pool1.example.com", DNS_T_A, 1);
	rr_a(&p, NULL, 12, 300, "198.51.100.66");
	/* Wrong id. */
	assert_int_equal(parse(&p, 0x1112, "pool1.example.com", DNS_T_A, &r,
	    why), DNS_P_IGNORE);
	/* Another name, another type. */
	assert_int_equal(parse(&p, 0x1111, "pool2.example.com", DNS_T_A, &r,
	    why), DNS_P_IGNORE);
	assert_int_equal(parse(&p, 0x1111, "pool1.example.com", DNS_T_AAAA,
	    &r, why), DNS_P_IGNORE);
	/* A query, not a reply (QR clear). */
	p.b[2] &= 0x7f;
	assert_int_equal(parse(&p, 0x1111, "pool1.example.com", DNS_T_A, &r,
	    why), DNS_P_IGNORE);
	/* Two questions. */
	header(&p, 0x1111, 0x8180, 2, 0);
	labels(&p, "pool1.example.com", 0);
	u16(&p, DNS_T_A);
	u16(&p, 1);
	assert_int_equal(parse(&p, 0x1111, "pool1.example.com", DNS_T_A, &r,
	    why), DNS_P_IGNORE);
	/* Shorter than a header. */
	p.n = 11;
	assert_int_equal(parse(&p, 0x1111, "pool1.example.com", DNS_T_A, &r,
	    why), DNS_P_IGNORE);
}

static void
test_reply_rcodes(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];

	(void)state;
	reply(&p, 3, 3, "_sipfederationtls._tcp.example.com", DNS_T_SRV, 0);
	assert_int_equal(parse(&p, 3, "_sipfederationtls._tcp.example.com",
	    DNS_T_SRV, &r, why), DNS_P_ANSWER);
	assert_int_equal(r.status, DNS_NXDOMAIN);
	assert_int_equal(r.n, 0);
	assert_string_equal(r.message, "no such name: _sipfederationtls._tcp."
	    "example.com does not exist at " SRV_TEXT " (NXDOMAIN)");
	dns_result_clear(&r);

	reply(&p, 3, 0, "v4only.example.com", DNS_T_AAAA, 0);
	assert_int_equal(parse(&p, 3, "v4only.example.com", DNS_T_AAAA, &r,
	    why), DNS_P_ANSWER);
	assert_int_equal(r.status, DNS_NODATA);
	assert_string_equal(r.message, "no AAAA record: v4only.example.com "
	    "exists at " SRV_TEXT " but has no AAAA record (NODATA)");
	dns_result_clear(&r);

	reply(&p, 3, 2, "pool1.example.com", DNS_T_A, 0);
	assert_int_equal(parse(&p, 3, "pool1.example.com", DNS_T_A, &r, why),
	    DNS_P_FAILED);
	assert_int_equal(r.status, DNS_SERVFAIL);
	assert_contains(r.message, SRV_TEXT " did not answer for "
	    "pool1.example.com (A): SERVFAIL");
	dns_result_clear(&r);

	/* REFUSED without the question, as some servers send it. */
	header(&p, 3, 0x8105, 0, 0);
	assert_int_equal(parse(&p, 3, "pool1.example.com", DNS_T_A, &r, why),
	    DNS_P_FAILED);
	assert_contains(r.message, "REFUSED");
	dns_result_clear(&r);

	/* An rcode without words. */
	reply(&p, 3, 9, "pool1.example.com", DNS_T_A, 0);
	assert_int_equal(parse(&p, 3, "pool1.example.com", DNS_T_A, &r, why),
	    DNS_P_FAILED);
	assert_contains(r.message, "response code 9");
	dns_result_clear(&r);
}

static void
test_reply_tc(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];

	(void)state;
	reply(&p, 3, 0, "big.example.com", DNS_T_A, 0);
	p.b[2] |= 0x02;
	assert_int_equal(parse(&p, 3, "big.example.com", DNS_T_A, &r, why),
	    DNS_P_TRUNCATED);
	/* Another query's TC is still not ours. */
	assert_int_equal(parse(&p, 4, "big.example.com", DNS_T_A, &r, why),
	    DNS_P_IGNORE);
}

static void
test_reply_bad_records(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];

	(void)state;
	/* An A record of 5 bytes. */
	reply(&p, 3, 0, "a.example.com", DNS_T_A, 1);
	rr_head(&p, NULL, 12, DNS_T_A, 1);
	u16(&p, 5);
	u32(&p, 0xc0000201);
	u8(&p, 0);
	assert_int_equal(parse(&p, 3, "a.example.com", DNS_T_A, &r, why),
	    DNS_P_BAD);
	assert_contains(why, "A record of 5 bytes");

	/* rdlength past the end. */
	reply(&p, 3, 0, "a.example.com", DNS_T_A, 1);
	rr_head(&p, NULL, 12, DNS_T_A, 1);
	u16(&p, 400);
	u32(&p, 0xc0000201);
	assert_int_equal(parse(&p, 3, "a.example.com", DNS_T_A, &r, why),
	    DNS_P_BAD);
	assert_contains(why, "past the end");

	/* More answers announced than sent. */
	reply(&p, 3, 0, "a.example.com", DNS_T_A, 60000);
	rr_a(&p, NULL, 12, 1, "192.0.2.1");
	assert_int_equal(parse(&p, 3, "a.example.com", DNS_T_A, &r, why),
	    DNS_P_BAD);

	/* An SRV target that runs into bytes after it. */
	reply(&p, 3, 0, "_s._tcp.example.com", DNS_T_SRV, 1);
	rr_head(&p, NULL, 12, DNS_T_SRV, 1);
	u16(&p, 6 + 5 + 2);
	u16(&p, 1);
	u16(&p, 1);
	u16(&p, 5061);
	labels(&p, "sip", 0);
	u16(&p, 0xffff);
	assert_int_equal(parse(&p, 3, "_s._tcp.example.com", DNS_T_SRV, &r,
	    why), DNS_P_BAD);
	assert_contains(why, "after its target");

	/* An SRV target whose name runs out of its record. */
	reply(&p, 3, 0, "_s._tcp.example.com", DNS_T_SRV, 1);
	rr_head(&p, NULL, 12, DNS_T_SRV, 1);
	u16(&p, 8);
	u16(&p, 1);
	u16(&p, 1);
	u16(&p, 5061);
	u8(&p, 3);
	u8(&p, 's');
	u8(&p, 'i');
	u8(&p, 'p');
	u8(&p, 0);
	assert_int_equal(parse(&p, 3, "_s._tcp.example.com", DNS_T_SRV, &r,
	    why), DNS_P_BAD);
	assert_contains(why, "past the end");
}

static void
test_reply_odd_bytes_are_escaped(void **state)
{
	struct dns_result	 r;
	struct pk		 p;
	char			 why[200];
	size_t			 at;

	(void)state;
	/* A target with an escape sequence and a dot inside a label: shown
	 * as \DDD, so it can be printed and not mistaken for another name. */
	reply(&p, 3, 0, "_s._tcp.example.com", DNS_T_SRV, 1);
	rr_head(&p, NULL, 12, DNS_T_SRV, 1);
	at = p.n;
	u16(&p, 0);
	u16(&p, 1);
	u16(&p, 1);
	u16(&p, 5061);
	u8(&p, 4);
	u8(&p, 0x1b);
	u8(&p, '[');
	u8(&p, '.');
	u8(&p, 'x');
	u8(&p, 0);
	fix_len(&p, at);
	assert_int_equal(parse(&p, 3, "_s._tcp.example.com", DNS_T_SRV, &r,
	    why), DNS_P_ANSWER);
	assert_string_equal(r.rrs[0].target, "\\027\\091\\046x");
	dns_result_clear(&r);

	/* The root as target: "no service here" (RFC 2782). */
	reply(&p, 3, 0, "_s._tcp.example.com", DNS_T_SRV, 1);
	rr_srv(&p, NULL, 12, 0, 0, 0, "", 0);
	assert_int_equal(parse(&p, 3, "_s._tcp.example.com", DNS_T_SRV, &r,
	    why), DNS_P_ANSWER);
	assert_string_equal(r.rrs[0].target, ".");
	dns_result_clear(&r);
}

/* Names, types, servers, resolv.conf. */

static void
test_names(void **state)
{
	static const char *const good[] = {
		"sip.example.com", "sip.example.com.", "_sipfederationtls._tcp."
		"example.com", "a", "x-1.example.com",
	};
	static const struct {
		const char	*name;
		const char	*why;
	} bad[] = {
		{ "", "empty" },
		{ ".", "root" },
		{ "192.0.2.1", "IP address" },
		{ "2001:db8::1", "IP address" },
		{ ".example.com", "starts with a dot" },
		{ "a..example.com", "two dots in a row at character 2" },
		{ "a.example.com..", "two dots" },
		{ "-a.example.com", "starts with a hyphen" },
		{ "a-.example.com", "ends with a hyphen" },
		{ "a b.example.com", "byte 0x20 at character 2" },
		{ "a*.example.com", "'*' at character 2" },
		{ "sip.example.com/", "'/'" },
		{ "a\033[2J.example.com", "byte 0x1b" },
	};
	char	 why[200], name[300];
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(good); i++)
		if (dns_name_check(good[i], why, sizeof(why)) != 0)
			fail_msg("%s: %s", good[i], why);
	for (i = 0; i < nitems(bad); i++) {
		why[0] = '\0';
		if (dns_name_check(bad[i].name, why, sizeof(why)) != -1)
			fail_msg("\"%s\" was taken", bad[i].name);
		assert_contains(why, bad[i].why);
	}
	assert_int_equal(dns_name_check(NULL, why, sizeof(why)), -1);
	/* 63 and 253 are the limits. */
	memset(name, 'a', 63);
	strcpy(name + 63, ".com");
	assert_int_equal(dns_name_check(name, why, sizeof(why)), 0);
	memset(name, 'a', 64);
	strcpy(name + 64, ".com");
	assert_int_equal(dns_name_check(name, why, sizeof(why)), -1);
	assert_contains(why, "a label of 64 characters");
	for (i = 0; i < 253; i++)
		name[i] = i % 2 ? '.' : 'a';
	name[253] = '\0';
	assert_int_equal(dns_name_check(name, why, sizeof(why)), 0);
	strcpy(name + 253, ".");
	assert_int_equal(dns_name_check(name, why, sizeof(why)), 0);
	strcpy(name + 253, "ab");
	assert_int_equal(dns_name_check(name, why, sizeof(why)), -1);
	assert_contains(why, "255 characters long");
}

static void
test_types_and_text(void **state)
{
	struct dns_rr	 rr;
	char		*t, addr[] = "2001:db8::1", target[] = "sip.example.com";

	(void)state;
	assert_int_equal(dns_type_parse("A"), DNS_T_A);
	assert_int_equal(dns_type_parse("aaaa"), DNS_T_AAAA);
	assert_int_equal(dns_type_parse("Srv"), DNS_T_SRV);
	assert_int_equal(dns_type_parse("MX"), 0);
	assert_int_equal(dns_type_parse(""), 0);
	assert_int_equal(dns_type_parse(NULL), 0);
	assert_string_equal(dns_type_name(DNS_T_AAAA), "AAAA");
	assert_string_equal(dns_type_name(99), "?");
	assert_string_equal(dns_status_name(DNS_NXDOMAIN), "nxdomain");
	assert_string_equal(dns_status_name(DNS_TIMEOUT), "timeout");
	memset(&rr, 0, sizeof(rr));
	rr.type = DNS_T_AAAA;
	rr.addr = addr;
	t = dns_rr_text(&rr);
	assert_string_equal(t, "2001:db8::1");
	free(t);
	rr.type = DNS_T_SRV;
	rr.target = target;
	rr.port = 5061;
	t = dns_rr_text(&rr);
	assert_string_equal(t, "sip.example.com:5061");
	free(t);
}

static void
test_rr_matches(void **state)
{
	struct dns_rr	 rr;
	char		 a4[] = "192.0.2.1", a6[] = "2001:db8::1",
			 target[] = "sip.example.com", root[] = ".";

	(void)state;
	memset(&rr, 0, sizeof(rr));
	rr.type = DNS_T_A;
	rr.addr = a4;
	assert_true(dns_rr_matches(&rr, "192.0.2.1"));
	assert_false(dns_rr_matches(&rr, "192.0.2.10"));
	assert_false(dns_rr_matches(&rr, "192.0.2.1 "));
	assert_false(dns_rr_matches(&rr, "::ffff:192.0.2.1"));
	assert_false(dns_rr_matches(&rr, NULL));
	rr.type = DNS_T_AAAA;
	rr.addr = a6;
	assert_true(dns_rr_matches(&rr, "2001:db8::1"));
	assert_true(dns_rr_matches(&rr, "2001:DB8:0:0::0:1"));
	assert_false(dns_rr_matches(&rr, "2001:db8::2"));
	assert_false(dns_rr_matches(&rr, "192.0.2.1"));
	rr.type = DNS_T_SRV;
	rr.addr = NULL;
	rr.target = target;
	rr.port = 5061;
	assert_true(dns_rr_matches(&rr, "sip.example.com:5061"));
	assert_true(dns_rr_matches(&rr, "SIP.Example.com.:5061"));
	assert_false(dns_rr_matches(&rr, "sip.example.com:5062"));
	assert_false(dns_rr_matches(&rr, "sip.example.com:05061x"));
	assert_false(dns_rr_matches(&rr, "sip.example.com:"));
	assert_false(dns_rr_matches(&rr, "sip.example.com"));
	assert_false(dns_rr_matches(&rr, "sip.example.co:5061"));
	assert_false(dns_rr_matches(&rr, "sip.example.com.x:5061"));
	assert_false(dns_rr_matches(&rr, "sip.example.com:99999999999999999"));
	rr.target = root;
	rr.port = 0;
	assert_true(dns_rr_matches(&rr, ".:0"));
}

static void
test_servers(void **state)
{
	static const struct {
		const char	*in;
		const char	*text;
	} good[] = {
		{ "192.0.2.53", "192.0.2.53:53" },
		{ "127.0.0.1:5353", "127.0.0.1:5353" },
		{ "[2001:db8::53]:5353", "[2001:db8::53]:5353" },
		{ "2001:db8::53", "[2001:db8::53]:53" },
		{ "[::1]", "[::1]:53" },
		{ "::1", "[::1]:53" },
	};
	static const struct {
		const char	*in;
		const char	*why;
	} bad[] = {
		{ "", "empty" },
		{ "dns.example.com", "not an IP address" },
		{ "127.1", "not an IP address" },
		{ "0x7f.0.0.1", "not an IP address" },
		{ "192.0.2.53%eth0", "not an IP address" },
		{ ":53", "not an IP address" },
		{ "192.0.2.53:0", "port \"0\"" },
		{ "192.0.2.53:65536", "port \"65536\"" },
		{ "192.0.2.53:", "port \"\"" },
		{ "192.0.2.53:+53", "port \"+53\"" },
		{ "192.0.2.53:53x", "port \"53x\"" },
		{ "[::1", "without ']'" },
		{ "[::1]53", "other than :PORT" },
		{ "[::1]:x", "port \"x\"" },
		{ "[]:53", "not an IP address" },
	};
	struct dns_ns	 ns;
	char		 why[200];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(good); i++) {
		if (dns_server_parse(good[i].in, &ns, why, sizeof(why)) != 0)
			fail_msg("%s: %s", good[i].in, why);
		assert_string_equal(ns.text, good[i].text);
	}
	for (i = 0; i < nitems(bad); i++) {
		why[0] = '\0';
		if (dns_server_parse(bad[i].in, &ns, why, sizeof(why)) != -1)
			fail_msg("\"%s\" was taken", bad[i].in);
		assert_contains(why, bad[i].why);
	}
}

static char *
temp_file(const char *text)
{
	char	*path = xstrdup("/tmp/fedwiz-resolv.XXXXXX");
	int	 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
test_resolv_conf(void **state)
{
	struct dns_conf	 c;
	char		*path;

	(void)state;
	path = temp_file(
	    "# generated\n"
	    "search example.com\n"
	    "nameserver 192.0.2.1\n"
	    "nameserver not-an-address\n"
	    "  nameserver\t2001:db8::53  # a comment\n"
	    "; another comment\n"
	    "nameserver 127.1\n"
	    "nameserver 192.0.2.3\n"
	    "nameserver 192.0.2.4\n"
	    "options rotate timeout:2 attempts:3 ndots:2\n");
	dns_conf_read(path, &c);
	assert_int_equal(c.nns, 3);
	assert_string_equal(c.ns[0].text, "192.0.2.1:53");
	assert_string_equal(c.ns[1].text, "[2001:db8::53]:53");
	assert_string_equal(c.ns[2].text, "192.0.2.3:53");
	assert_int_equal(c.timeout_ms, 2000);
	assert_int_equal(c.attempts, 3);
	unlink(path);
	free(path);

	/* glibc's bounds, and a bad value leaves the default. */
	path = temp_file("nameserver ::1\noptions timeout:99 attempts:9\n"
	    "options attempts:x\n");
	dns_conf_read(path, &c);
	assert_int_equal(c.nns, 1);
	assert_string_equal(c.ns[0].text, "[::1]:53");
	assert_int_equal(c.timeout_ms, 30000);
	assert_int_equal(c.attempts, 5);
	unlink(path);
	free(path);

	/* No nameserver: 127.0.0.1, and glibc's 5 s and 2 attempts. */
	path = temp_file("search example.com\noptions timeout:0\n");
	dns_conf_read(path, &c);
	assert_int_equal(c.nns, 1);
	assert_string_equal(c.ns[0].text, "127.0.0.1:53");
	assert_int_equal(c.timeout_ms, 1000);
	assert_int_equal(c.attempts, 2);
	unlink(path);
	dns_conf_read(path, &c);		/* gone */
	assert_int_equal(c.nns, 1);
	assert_string_equal(c.ns[0].text, "127.0.0.1:53");
	assert_int_equal(c.timeout_ms, 5000);
	free(path);
}

/* Queries on the loop, against servers in this process. */

enum behaviour {
	B_ANSWER,	/* one A record, 192.0.2.<tag> */
	B_SILENT,	/* reads nothing */
	B_SERVFAIL,
	B_SPOOF_FIRST,	/* a reply with the wrong id, then the answer */
	B_TC		/* truncated over UDP; the answer over TCP */
};

struct server {
	enum behaviour	 b;
	int		 tag;
	int		 udp, tcp_listen, tcp;
	int		 port;
	int		 queries;	/* UDP queries seen */
	int		 tcp_queries;
	unsigned char	 tq[2 + 512];	/* the TCP query so far */
	size_t		 tqlen;
	struct evloop	*ev;
};

/* The reply to query q (n bytes) as the server behaves; 0 for none. */
static size_t
server_reply(struct server *s, const unsigned char *q, size_t n, int tcp,
    unsigned char *out)
{
	struct pk	 p;
	char		 a[32];
	size_t		 qlen;

	assert_true(n > 12);
	qlen = n - 12;
	header(&p, (uint16_t)(q[0] << 8 | q[1]), 0x8180, 1, 1);
	memcpy(p.b + p.n, q + 12, qlen);
	p.n += qlen;
	if (!tcp && s->b == B_SERVFAIL) {
		p.b[3] = 0x82;
		p.b[7] = 0;
	} else if (!tcp && s->b == B_TC) {
		p.b[2] |= 0x02;
		p.b[7] = 0;
	} else {
		snprintf(a, sizeof(a), "192.0.2.%d", tcp ? 200 : s->tag);
		rr_a(&p, NULL, 12, 42, a);
	}
	memcpy(out, p.b, p.n);
	return p.n;
}

static void
on_server_udp(struct evloop *ev, int fd, short revents, void *arg)
{
	struct server		*s = arg;
	struct sockaddr_storage	 from;
	socklen_t		 fl = sizeof(from);
	unsigned char		 q[512], out[2048];
	ssize_t			 n;
	size_t			 m;

	(void)ev;
	(void)revents;
	n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
	if (n <= 0)
		return;
	s->queries++;
	if (s->b == B_SPOOF_FIRST) {
		m = server_reply(s, q, (size_t)n, 0, out);
		out[0] ^= 0x55;
		sendto(fd, out, m, 0, (struct sockaddr *)&from, fl);
	}
	m = server_reply(s, q, (size_t)n, 0, out);
	sendto(fd, out, m, 0, (struct sockaddr *)&from, fl);
}

/* TCP: one connection, one query, read as it comes (the client runs
 * on this same loop), answered, closed. */
static void
on_server_conn(struct evloop *ev, int fd, short revents, void *arg)
{
	struct server	*s = arg;
	unsigned char	 out[2 + 2048];
	size_t		 m;
	ssize_t		 n;

	(void)revents;
	n = recv(fd, s->tq + s->tqlen, sizeof(s->tq) - s->tqlen, 0);
	assert_true(n > 0);
	s->tqlen += (size_t)n;
	if (s->tqlen < 2 || s->tqlen < 2 + (size_t)(s->tq[0] << 8 | s->tq[1]))
		return;
	s->tcp_queries++;
	m = server_reply(s, s->tq + 2, s->tqlen - 2, 1, out + 2);
	out[0] = (unsigned char)(m >> 8);
	out[1] = (unsigned char)m;
	assert_int_equal(send(fd, out, m + 2, 0), (ssize_t)(m + 2));
	evloop_fd_del(ev, fd);
	close(fd);
	s->tcp = -1;
}

static void
on_server_listen(struct evloop *ev, int fd, short revents, void *arg)
{
	struct server	*s = arg;

	(void)revents;
	assert_int_equal(s->tcp, -1);
	s->tcp = accept(fd, NULL, NULL);
	assert_true(s->tcp != -1);
	s->tqlen = 0;
	evloop_fd(ev, s->tcp, POLLIN, on_server_conn, s);
}

static void
server_start(struct server *s, struct evloop *ev, enum behaviour b, int tag)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	int			 one = 1;

	memset(s, 0, sizeof(*s));
	s->b = b;
	s->tag = tag;
	s->ev = ev;
	s->tcp = -1;
	/* TCP first on port 0, then UDP on the same port. */
	s->tcp_listen = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->tcp_listen != -1);
	setsockopt(s->tcp_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->tcp_listen, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(listen(s->tcp_listen, 4), 0);
	assert_int_equal(getsockname(s->tcp_listen, (struct sockaddr *)&sin,
	    &sl), 0);
	s->port = ntohs(sin.sin_port);
	s->udp = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s->udp != -1);
	assert_int_equal(bind(s->udp, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (b != B_SILENT)
		evloop_fd(ev, s->udp, POLLIN, on_server_udp, s);
	evloop_fd(ev, s->tcp_listen, POLLIN, on_server_listen, s);
}

static void
server_stop(struct server *s)
{
	evloop_fd_del(s->ev, s->udp);
	evloop_fd_del(s->ev, s->tcp_listen);
	close(s->udp);
	close(s->tcp_listen);
	if (s->tcp != -1) {
		evloop_fd_del(s->ev, s->tcp);
		close(s->tcp);
	}
}

struct outcome {
	int			 calls;
	enum dns_status		 status;
	char			 server[64];
	char			 addr[64];
	char			 message[512];
};

static void
on_done(const struct dns_result *r, void *arg)
{
	struct outcome	*o = arg;

	o->calls++;
	o->status = r->status;
	snprintf(o->server, sizeof(o->server), "%s", r->server);
	snprintf(o->addr, sizeof(o->addr), "%s", r->n ? r->rrs[0].addr : "");
	snprintf(o->message, sizeof(o->message), "%s",
	    r->message ? r->message : "");
}

static void
conf_of(struct dns_conf *c, const int *ports, size_t n, int timeout_ms,
    int attempts)
{
	char	 s[32], why[200];
	size_t	 i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "127.0.0.1:%d", ports[i]);
		assert_int_equal(dns_server_parse(s, &c->ns[i], why,
		    sizeof(why)), 0);
	}
	c->nns = n;
	c->timeout_ms = timeout_ms;
	c->attempts = attempts;
}

/* Run the loop until the query ended, bounded by its own deadline: the
 * query holds a timer until it calls done. */
static void
run(struct evloop *ev, struct outcome *o)
{
	while (o->calls == 0)
		assert_true(evloop_once(ev, -1) != -1);
}

static void
test_loop_answer(void **state)
{
	struct evloop		*ev = evloop_new();
	struct server		 s;
	struct dns_conf		 c;
	struct dns_query	*q;
	struct outcome		 o;
	char			*err = NULL, want[64];

	(void)state;
	memset(&o, 0, sizeof(o));
	server_start(&s, ev, B_ANSWER, 7);
	conf_of(&c, &s.port, 1, 5000, 2);
	q = dns_query_start_conf(ev, "pool1.example.com", DNS_T_A, &c, 10000,
	    on_done, &o, &err);
	assert_non_null(q);
	assert_null(err);
	assert_int_equal(o.calls, 0);		/* never from inside start */
	run(ev, &o);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.status, DNS_OK);
	assert_string_equal(o.addr, "192.0.2.7");
	snprintf(want, sizeof(want), "127.0.0.1:%d", s.port);
	assert_string_equal(o.server, want);
	assert_int_equal(s.queries, 1);
	server_stop(&s);
	/* Nothing of the query is left on the loop. */
	assert_int_equal(evloop_once(ev, 0), -1);
	evloop_free(ev);
}

static void
test_loop_silent_server_times_out(void **state)
{
	struct evloop		*ev = evloop_new();
	struct server		 s;
	struct dns_conf		 c;
	struct outcome		 o;
	char			*err = NULL, want[64];

	(void)state;
	memset(&o, 0, sizeof(o));
	server_start(&s, ev, B_SILENT, 0);
	conf_of(&c, &s.port, 1, 5000, 2);
	assert_non_null(dns_query_start_conf(ev, "pool1.example.com", DNS_T_A,
	    &c, 300, on_done, &o, &err));
	run(ev, &o);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.status, DNS_TIMEOUT);
	snprintf(want, sizeof(want), "no answer from 127.0.0.1:%d for "
	    "pool1.example.com (A) within", s.port);
	assert_contains(o.message, want);
	server_stop(&s);
	assert_int_equal(evloop_once(ev, 0), -1);
	evloop_free(ev);
}

static void
test_loop_next_server_after_silence_and_servfail(void **state)
{
	struct evloop		*ev = evloop_new();
	struct server		 s[3];
	struct dns_conf		 c;
	struct outcome		 o;
	int			 ports[3];
	char			*err = NULL, want[64];

	(void)state;
	memset(&o, 0, sizeof(o));
	server_start(&s[0], ev, B_SILENT, 0);
	server_start(&s[1], ev, B_SERVFAIL, 0);
	server_start(&s[2], ev, B_ANSWER, 3);
	ports[0] = s[0].port;
	ports[1] = s[1].port;
	ports[2] = s[2].port;
	/* The silent one costs its try's time, not the deadline. */
	conf_of(&c, ports, 3, 200, 1);
	assert_non_null(dns_query_start_conf(ev, "pool1.example.com", DNS_T_A,
	    &c, 30000, on_done, &o, &err));
	run(ev, &o);
	assert_int_equal(o.status, DNS_OK);
	assert_string_equal(o.addr, "192.0.2.3");
	snprintf(want, sizeof(want), "127.0.0.1:%d", s[2].port);
	assert_string_equal(o.server, want);
	assert_int_equal(s[1].queries, 1);
	assert_int_equal(s[2].queries, 1);
	server_stop(&s[0]);
	server_stop(&s[1]);
	server_stop(&s[2]);
	evloop_free(ev);
}

static void
test_loop_all_fail_says_each(void **state)
{
	struct evloop		*ev = evloop_new();
	struct server		 s[2];
	struct dns_conf		 c;
	struct outcome		 o;
	int			 ports[2];
	char			*err = NULL, want[128];

	(void)state;
	memset(&o, 0, sizeof(o));
	server_start(&s[0], ev, B_SILENT, 0);
	server_start(&s[1], ev, B_SERVFAIL, 0);
	ports[0] = s[0].port;
	ports[1] = s[1].port;
	conf_of(&c, ports, 2, 150, 2);
	assert_non_null(dns_query_start_conf(ev, "pool1.example.com", DNS_T_A,
	    &c, 30000, on_done, &o, &err));
	run(ev, &o);
	assert_int_equal(o.status, DNS_SERVFAIL);
	assert_contains(o.message, "no answer for pool1.example.com (A) from "
	    "2 servers");
	snprintf(want, sizeof(want), "127.0.0.1:%d did not answer;",
	    s[0].port);
	assert_contains(o.message, want);
	snprintf(want, sizeof(want), "127.0.0.1:%d did not answer for "
	    "pool1.example.com (A): SERVFAIL", s[1].port);
	assert_contains(o.message, want);
	/* attempts 2: each server asked again. */
	assert_int_equal(s[1].queries, 2);
	server_stop(&s[0]);
	server_stop(&s[1]);
	evloop_free(ev);
}

static void
test_loop_spoof_ignored(void **state)
{
	struct evloop		*ev = evloop_new();
	struct server		 s;
	struct dns_conf		 c;
	struct outcome		 o;
	char			*err = NULL;

	(void)state;
	memset(&o, 0, sizeof(o));
	server_start(&s, ev, B_SPOOF_FIRST, 9);
	conf_of(&c, &s.port, 1, 5000, 1);
	assert_non_null(dns_query_start_conf(ev, "pool1.example.com", DNS_T_A,
	    &c, 10000, on_done, &o, &err));
	run(ev, &o);
	assert_int_equal(o.status, DNS_OK);
	assert_string_equal(o.addr, "192.0.2.9");
	server_stop(&s);
	evloop_free(ev);
}

static void
test_loop_truncated_goes_tcp(void **state)
{
	struct evloop		*ev = evloop_new();
	struct server		 s;
	struct dns_conf		 c;
	struct outcome		 o;
	char			*err = NULL;

	(void)state;
	memset(&o, 0, sizeof(o));
	server_start(&s, ev, B_TC, 1);
	conf_of(&c, &s.port, 1, 5000, 1);
	assert_non_null(dns_query_start_conf(ev, "big.example.com", DNS_T_A,
	    &c, 10000, on_done, &o, &err));
	run(ev, &o);
	assert_int_equal(o.status, DNS_OK);
	assert_string_equal(o.addr, "192.0.2.200");	/* the TCP answer */
	assert_int_equal(s.queries, 1);
	assert_int_equal(s.tcp_queries, 1);
	server_stop(&s);
	evloop_free(ev);
}

static void
test_loop_port_unreachable(void **state)
{
	struct evloop		*ev = evloop_new();
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	struct dns_conf		 c;
	struct outcome		 o;
	char			*err = NULL, want[64];
	int			 fd, port;

	(void)state;
	/* A port that was free a moment ago: bound, then closed. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	memset(&o, 0, sizeof(o));
	conf_of(&c, &port, 1, 5000, 1);
	assert_non_null(dns_query_start_conf(ev, "pool1.example.com", DNS_T_A,
	    &c, 10000, on_done, &o, &err));
	run(ev, &o);
	assert_int_equal(o.status, DNS_ERROR);
	snprintf(want, sizeof(want), "nothing answers DNS at 127.0.0.1:%d "
	    "(port unreachable)", port);
	assert_string_equal(o.message, want);
	evloop_free(ev);
}

static void
test_loop_cancel(void **state)
{
	struct evloop		*ev = evloop_new();
	struct server		 s;
	struct dns_conf		 c;
	struct dns_query	*q;
	struct outcome		 o;
	char			*err = NULL;
	int			 i;

	(void)state;
	memset(&o, 0, sizeof(o));
	server_start(&s, ev, B_SILENT, 0);
	conf_of(&c, &s.port, 1, 5000, 1);
	/* Before its first try, and after it. */
	q = dns_query_start_conf(ev, "pool1.example.com", DNS_T_A, &c, 10000,
	    on_done, &o, &err);
	dns_query_cancel(q);
	q = dns_query_start_conf(ev, "pool1.example.com", DNS_T_A, &c, 10000,
	    on_done, &o, &err);
	for (i = 0; i < 3; i++)
		evloop_once(ev, 0);
	dns_query_cancel(q);
	dns_query_cancel(NULL);
	server_stop(&s);
	assert_int_equal(evloop_once(ev, 0), -1);
	assert_int_equal(o.calls, 0);
	evloop_free(ev);
}

/* A done that cancels its own query (a "cancel everything" in a
 * check engine) and starts the next lookup from inside. */
struct chain {
	struct outcome		 o;
	struct dns_query	*q;
	struct dns_conf		*c;
	struct evloop		*ev;
	struct outcome		 next;
};

static void
on_done_chain(const struct dns_result *r, void *arg)
{
	struct chain	*ch = arg;
	char		*err = NULL;

	on_done(r, &ch->o);
	dns_query_cancel(ch->q);
	ch->q = dns_query_start_conf(ch->ev, "imp1.example.com", DNS_T_A,
	    ch->c, 10000, on_done, &ch->next, &err);
	assert_non_null(ch->q);
}

static void
test_loop_done_may_cancel_and_start(void **state)
{
	struct evloop		*ev = evloop_new();
	struct server		 s;
	struct dns_conf		 c;
	struct chain		 ch;
	char			*err = NULL;

	(void)state;
	memset(&ch, 0, sizeof(ch));
	server_start(&s, ev, B_ANSWER, 5);
	conf_of(&c, &s.port, 1, 5000, 1);
	ch.c = &c;
	ch.ev = ev;
	ch.q = dns_query_start_conf(ev, "pool1.example.com", DNS_T_A, &c,
	    10000, on_done_chain, &ch, &err);
	run(ev, &ch.o);
	run(ev, &ch.next);
	assert_int_equal(ch.o.calls, 1);
	assert_int_equal(ch.next.calls, 1);
	assert_string_equal(ch.next.addr, "192.0.2.5");
	assert_int_equal(s.queries, 2);
	server_stop(&s);
	assert_int_equal(evloop_once(ev, 0), -1);
	evloop_free(ev);
}

static void
test_start_refuses_bad_input(void **state)
{
	struct evloop	*ev = evloop_new();
	struct outcome	 o;
	char		*err = NULL;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_null(dns_query_start(ev, "a..b", DNS_T_A, "127.0.0.1", 1000,
	    on_done, &o, &err));
	assert_string_equal(err, "name \"a..b\" has an empty label (two dots "
	    "in a row at character 2)");
	free(err);
	assert_null(dns_query_start(ev, "a\033b", DNS_T_A, "127.0.0.1", 1000,
	    on_done, &o, &err));
	assert_contains(err, "name \"a\\x1bb\" has byte 0x1b");
	free(err);
	assert_null(dns_query_start(ev, "sip.example.com", DNS_T_A,
	    "dns.example.com", 1000, on_done, &o, &err));
	assert_contains(err, "server \"dns.example.com\" is not an IP address");
	free(err);
	assert_null(dns_query_start(ev, "sip.example.com", 15, "127.0.0.1",
	    1000, on_done, &o, &err));
	assert_contains(err, "A, AAAA or SRV");
	free(err);
	assert_null(dns_query_start(ev, "sip.example.com", DNS_T_A,
	    "127.0.0.1", 0, on_done, &o, &err));
	assert_contains(err, "more than 0");
	free(err);
	/* Nothing was armed. */
	assert_int_equal(evloop_once(ev, 0), -1);
	assert_int_equal(o.calls, 0);
	evloop_free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_packet),
		cmocka_unit_test(test_reply_a),
		cmocka_unit_test(test_reply_aaaa_trailing_dot_and_case),
		cmocka_unit_test(test_reply_several_answers_keep_order),
		cmocka_unit_test(test_reply_srv_sorted_and_compressed),
		cmocka_unit_test(test_reply_srv_federation_name),
		cmocka_unit_test(test_reply_cname_chain),
		cmocka_unit_test(test_reply_cname_loop),
		cmocka_unit_test(test_reply_pointer_loops),
		cmocka_unit_test(test_reply_every_truncation),
		cmocka_unit_test(test_reply_not_ours_is_ignored),
		cmocka_unit_test(test_reply_rcodes),
		cmocka_unit_test(test_reply_tc),
		cmocka_unit_test(test_reply_bad_records),
		cmocka_unit_test(test_reply_odd_bytes_are_escaped),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_types_and_text),
		cmocka_unit_test(test_rr_matches),
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test(test_loop_answer),
		cmocka_unit_test(test_loop_silent_server_times_out),
		cmocka_unit_test(test_loop_next_server_after_silence_and_servfail),
		cmocka_unit_test(test_loop_all_fail_says_each),
		cmocka_unit_test(test_loop_spoof_ignored),
		cmocka_unit_test(test_loop_truncated_goes_tcp),
		cmocka_unit_test(test_loop_port_unreachable),
		cmocka_unit_test(test_loop_cancel),
		cmocka_unit_test(test_loop_done_may_cancel_and_start),
		cmocka_unit_test(test_start_refuses_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
