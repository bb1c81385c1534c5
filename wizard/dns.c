/*
 * dns.c: a small stub resolver on the event loop. One query packet per
 * try, each on a fresh connected UDP socket (a random id and a kernel-
 * chosen source port; the kernel then hands us datagrams from that server
 * only, and reports its port unreachable); tries go round the servers
 * until the deadline; a truncated answer is asked again over TCP. The
 * packet code reads every byte through bounds checks and follows
 * compression pointers backwards only, a bounded number of times.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dns-int.h"
#include "dns.h"
#include "net.h"
#include "util.h"

#define RESOLV_CONF	"/etc/resolv.conf"
#define DNS_MAXTRIES	15	/* 3 servers x 5 attempts, glibc's limits */
#define DNS_MAXOPEN	4	/* UDP tries still listening for a late answer */
#define DNS_MINTRY_MS	1000	/* shorter tries only flood a slow server */
#define DNS_SERVER_MS	5000	/* one try at a --server: glibc's default */
#define DNS_TEXTMAX	1280	/* a name as text: 255 bytes, \DDD escapes */
#define DNS_MAXHOPS	32	/* compression pointers in one name */
#define DNS_MAXCHAIN	8	/* CNAMEs followed, as resolvers bound them */

#define C_IN		1
#define F_QR		0x8000
#define F_TC		0x0200
#define F_RD		0x0100

/* Names, types, statuses. */

int
dns_type_parse(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcasecmp(s, "A") == 0)
		return DNS_T_A;
	if (strcasecmp(s, "AAAA") == 0)
		return DNS_T_AAAA;
	if (strcasecmp(s, "SRV") == 0)
		return DNS_T_SRV;
	return 0;
}

const char *
dns_type_name(int t)
{
	switch (t) {
	case DNS_T_A:
		return "A";
	case DNS_T_AAAA:
		return "AAAA";
	case DNS_T_SRV:
		return "SRV";
	case DNS_T_CNAME:
		return "CNAME";
	}
	return "?";
}

const char *
dns_status_name(enum dns_status s)
{
	switch (s) {
	case DNS_OK:
		return "ok";
	case DNS_NXDOMAIN:
		return "nxdomain";
	case DNS_NODATA:
		return "nodata";
	case DNS_SERVFAIL:
		return "servfail";
	case DNS_TIMEOUT:
		return "timeout";
	case DNS_ERROR:
		return "error";
	}
	return "?";
}

char *
dns_rr_text(const struct dns_rr *rr)
{
	if (rr->type == DNS_T_SRV)
		return xasprintf("%s:%u", rr->target ? rr->target : "",
		    (unsigned)rr->port);
	return xstrdup(rr->addr ? rr->addr : "");
}

int
dns_rr_matches(const struct dns_rr *rr, const char *expect)
{
	unsigned char	 a[16], b[16];
	const char	*colon, *p;
	size_t		 tl;
	long		 port = 0;
	int		 af;

	if (expect == NULL)
		return 0;
	if (rr->type == DNS_T_A || rr->type == DNS_T_AAAA) {
		af = rr->type == DNS_T_A ? AF_INET : AF_INET6;
		return rr->addr != NULL && inet_pton(af, expect, a) == 1 &&
		    inet_pton(af, rr->addr, b) == 1 &&
		    memcmp(a, b, af == AF_INET ? 4 : 16) == 0;
	}
	if (rr->type != DNS_T_SRV || rr->target == NULL ||
	    (colon = strrchr(expect, ':')) == NULL || colon[1] == '\0')
		return 0;
	for (p = colon + 1; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || port > 65535)
			return 0;
		port = port * 10 + (*p - '0');
	}
	tl = (size_t)(colon - expect);
	if (tl > 1 && expect[tl - 1] == '.')
		tl--;
	return port == rr->port && strlen(rr->target) == tl &&
	    strncasecmp(rr->target, expect, tl) == 0;
}

/* Outside text for a message: what is not printable ASCII as \xHH, cut
 * at 80 characters. */
static char *
shown(const char *s)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; s[i] != '\0' && i < 80; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			buf_addc(&b, s[i]);
		else
			buf_printf(&b, "\\x%02x", (unsigned char)s[i]);
	}
	if (s[i] != '\0')
		buf_adds(&b, "...");
	return buf_steal(&b);
}

static int
name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int
dns_name_check(const char *name, char *why, size_t whysz)
{
	size_t	 len, i, start, l;

	if (name == NULL || *name == '\0') {
		snprintf(why, whysz, "is empty: give a name like "
		    "sip.example.com");
		return -1;
	}
	if (net_is_address(name)) {
		snprintf(why, whysz, "is an IP address, not a name: there is "
		    "nothing to look up");
		return -1;
	}
	len = strlen(name);
	if (name[len - 1] == '.')
		len--;
	if (len == 0) {
		snprintf(why, whysz, "is the root, not a name: give a name "
		    "like sip.example.com");
		return -1;
	}
	if (len > 253) {
		snprintf(why, whysz, "is %zu characters long; a name has at "
		    "most 253", len);
		return -1;
	}
	for (start = 0; start <= len; start = i + 1) {
		for (i = start; i < len && name[i] != '.'; i++) {
			if (name_char((unsigned char)name[i]))
				continue;
			if ((unsigned char)name[i] > 0x20 &&
			    (unsigned char)name[i] < 0x7f)
				snprintf(why, whysz, "has '%c' at character "
				    "%zu: a name holds only letters, digits, "
				    "hyphens, underscores and dots", name[i],
				    i + 1);
			else
				snprintf(why, whysz, "has byte 0x%02x at "
				    "character %zu: a name holds only letters, "
				    "digits, hyphens, underscores and dots",
				    (unsigned char)name[i], i + 1);
			return -1;
		}
		l = i - start;
		if (l == 0) {
			snprintf(why, whysz, start == 0 ? "starts with a dot" :
			    "has an empty label (two dots in a row at "
			    "character %zu)", start);
			return -1;
		}
		if (l > 63) {
			snprintf(why, whysz, "has a label of %zu characters "
			    "(\"%.20s...\"); a label has at most 63", l,
			    name + start);
			return -1;
		}
		if (name[start] == '-' || name[i - 1] == '-') {
			snprintf(why, whysz, "has a label that %s with a "
			    "hyphen (\"%.*s\")", name[start] == '-' ?
			    "starts" : "ends", (int)l, name + start);
			return -1;
		}
	}
	return 0;
}

/* Servers and resolv.conf. */

static void
ns_text(struct dns_ns *ns)
{
	char	 host[NI_MAXHOST], port[8];

	if (getnameinfo((struct sockaddr *)&ns->ss, ns->len, host,
	    sizeof(host), port, sizeof(port),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(ns->text, sizeof(ns->text), "?");
		return;
	}
	if (ns->ss.ss_family == AF_INET6)
		snprintf(ns->text, sizeof(ns->text), "[%.50s]:%s", host, port);
	else
		snprintf(ns->text, sizeof(ns->text), "%.50s:%s", host, port);
}

/* addr (an IPv4 or IPv6 address, the latter with an optional %scope) and
 * port into *ns. */
static int
ns_set(struct dns_ns *ns, const char *addr, int port)
{
	struct addrinfo	 hints, *ai;
	unsigned char	 a[16];
	char		*plain, *pct, pbuf[8];
	int		 ok;

	plain = xstrdup(addr);
	if ((pct = strchr(plain, '%')) != NULL)
		*pct = '\0';
	/* inet_pton, not getaddrinfo alone: that takes inet_aton's "127.1"
	 * and "0x7f.1", which are typos here. */
	ok = inet_pton(AF_INET, plain, a) == 1 ? (pct == NULL) :
	    inet_pton(AF_INET6, plain, a) == 1;
	free(plain);
	if (!ok)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_DGRAM;
	snprintf(pbuf, sizeof(pbuf), "%d", port);
	if (getaddrinfo(addr, pbuf, &hints, &ai) != 0)
		return -1;
	if (ai->ai_addrlen > sizeof(ns->ss)) {
		freeaddrinfo(ai);
		return -1;
	}
	memset(ns, 0, sizeof(*ns));
	memcpy(&ns->ss, ai->ai_addr, ai->ai_addrlen);
	ns->len = ai->ai_addrlen;
	freeaddrinfo(ai);
	ns_text(ns);
	return 0;
}

static const char server_forms[] = "e.g. 192.0.2.53, 192.0.2.53:5353 or "
    "[2001:db8::53]:5353";

int
dns_server_parse(const char *s, struct dns_ns *ns, char *why, size_t whysz)
{
	const char	*end, *colon = NULL;
	char		*addr = NULL, *p;
	long		 port = 53;
	int		 rc = -1;

	if (s == NULL || *s == '\0') {
		snprintf(why, whysz, "is empty: give the server's IP address, "
		    "%s", server_forms);
		return -1;
	}
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL) {
			snprintf(why, whysz, "has '[' without ']': write an "
			    "IPv6 address with a port as [2001:db8::53]:5353");
			return -1;
		}
		if (end[1] != '\0' && end[1] != ':') {
			snprintf(why, whysz, "has something other than :PORT "
			    "after ']'");
			return -1;
		}
		addr = xstrndup(s + 1, (size_t)(end - s - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
	} else if ((colon = strchr(s, ':')) != NULL &&
	    strchr(colon + 1, ':') != NULL) {
		addr = xstrdup(s);		/* a bare IPv6 address */
		colon = NULL;
	} else
		addr = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	if (colon != NULL) {
		errno = 0;
		port = strtol(colon + 1, &p, 10);
		if (!isdigit((unsigned char)colon[1]) || *p != '\0' ||
		    errno != 0 || port < 1 || port > 65535) {
			snprintf(why, whysz, "has port \"%.20s\", which is not "
			    "a number from 1 to 65535", colon + 1);
			goto out;
		}
	}
	if (*addr == '\0' || ns_set(ns, addr, (int)port) == -1) {
		snprintf(why, whysz, "is not an IP address: give the server "
		    "by address, %s (finding it by name would take DNS)",
		    server_forms);
		goto out;
	}
	rc = 0;
out:
	free(addr);
	return rc;
}

static int
clamp_opt(const char *v, int lo, int hi)
{
	long	 n;
	char	*end;

	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || errno != 0)
		return -1;
	return n < lo ? lo : n > hi ? hi : (int)n;
}

void
dns_conf_read(const char *path, struct dns_conf *c)
{
	FILE	*fp;
	char	 line[1024], *tok, *save, *v;
	int	 n;

	memset(c, 0, sizeof(*c));
	c->timeout_ms = 5000;
	c->attempts = 2;
	if ((fp = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL) {
			line[strcspn(line, "#;\r\n")] = '\0';
			if ((tok = strtok_r(line, " \t", &save)) == NULL)
				continue;
			if (strcmp(tok, "nameserver") == 0) {
				if ((v = strtok_r(NULL, " \t", &save)) == NULL ||
				    c->nns == DNS_MAXNS)
					continue;
				if (ns_set(&c->ns[c->nns], v, 53) == 0)
					c->nns++;
			} else if (strcmp(tok, "options") == 0) {
				while ((v = strtok_r(NULL, " \t", &save)) != NULL) {
					/* glibc's bounds: RES_MAXRETRANS,
					 * RES_MAXRETRY. */
					if (strncmp(v, "timeout:", 8) == 0 &&
					    (n = clamp_opt(v + 8, 1, 30)) > 0)
						c->timeout_ms = n * 1000;
					else if (strncmp(v, "attempts:", 9) == 0 &&
					    (n = clamp_opt(v + 9, 1, 5)) > 0)
						c->attempts = n;
				}
			}
		}
		fclose(fp);
	}
	if (c->nns == 0) {
		ns_set(&c->ns[0], "127.0.0.1", 53);
		c->nns = 1;
	}
}

/* Packets. */

static uint16_t
get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

int
dns_make_query(uint16_t id, const char *name, int type, unsigned char *p,
    size_t sz)
{
	size_t	 len = strlen(name), o = DNS_HDRLEN, i, l;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || DNS_HDRLEN + len + 2 + 4 > sz)
		return -1;
	memset(p, 0, DNS_HDRLEN);
	put16(p, id);
	put16(p + 2, F_RD);
	put16(p + 4, 1);
	for (i = 0; i <= len; i += l + 1) {
		l = strcspn(name + i, ".");
		if (l > len - i)
			l = len - i;
		if (l == 0 || l > 63)
			return -1;
		p[o++] = (unsigned char)l;
		memcpy(p + o, name + i, l);
		o += l;
	}
	p[o++] = 0;
	put16(p + o, (unsigned)type);
	put16(p + o + 2, C_IN);
	return (int)(o + 4);
}

/*
 * The name at *off of the packet as text: labels joined by dots, bytes
 * other than letters, digits, '-' and '_' as \DDD (so it is safe to
 * print and compares like the wire form); "." for the root. *off moves
 * past the name where it started (past its first pointer). Pointers must
 * go backwards, at most DNS_MAXHOPS of them: a loop cannot spin.
 */
static int
read_name(const unsigned char *p, size_t len, size_t *off, char *out,
    size_t outsz, char *why, size_t whysz)
{
	size_t	 pos = *off, o = 0, wire = 1, end = 0, ptr, i;
	int	 hops = 0;
	unsigned c;

	for (;;) {
		if (pos >= len)
			goto past;
		c = p[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				goto past;
			ptr = (size_t)(c & 0x3f) << 8 | p[pos + 1];
			if (hops == 0)
				end = pos + 2;
			if (ptr >= pos || ++hops > DNS_MAXHOPS) {
				snprintf(why, whysz, "a compression pointer at "
				    "byte %zu loops (points to %zu)", pos, ptr);
				return -1;
			}
			pos = ptr;
			continue;
		}
		if (c & 0xc0) {
			snprintf(why, whysz, "a label of unknown kind 0x%02x "
			    "at byte %zu", c, pos);
			return -1;
		}
		if (c == 0) {
			pos++;
			break;
		}
		if (pos + 1 + c > len)
			goto past;
		if ((wire += c + 1) > 255) {
			snprintf(why, whysz, "a name longer than 255 bytes at "
			    "byte %zu", *off);
			return -1;
		}
		if (o > 0)
			out[o++] = '.';
		for (i = pos + 1; i <= pos + c; i++) {
			if (o + 5 > outsz) {
				snprintf(why, whysz, "a name too long to show");
				return -1;
			}
			if (name_char(p[i]))
				out[o++] = (char)p[i];
			else
				o += (size_t)snprintf(out + o, outsz - o,
				    "\\%03u", p[i]);
		}
		pos += 1 + c;
	}
	if (hops == 0)
		end = pos;
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	*off = end;
	return 0;
past:
	snprintf(why, whysz, "a name at byte %zu runs past the end of the "
	    "reply", *off);
	return -1;
}

/* The name as compared: no trailing dot. */
static void
plain_name(const char *name, char *out, size_t sz)
{
	size_t	 len = strlen(name);

	if (len > 1 && name[len - 1] == '.')
		len--;
	snprintf(out, sz, "%.*s", (int)len, name);
}

void
dns_result_clear(struct dns_result *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->rrs[i].addr);
		free(r->rrs[i].target);
	}
	free(r->rrs);
	free(r->message);
	free(r->cname);
	r->rrs = NULL;
	r->n = 0;
	r->message = r->cname = NULL;
}

static const char *
rcode_words(int rcode)
{
	switch (rcode) {
	case 1:
		return "FORMERR: it could not read the query";
	case 2:
		return "SERVFAIL: it could not get an answer, e.g. the "
		    "zone's servers did not answer it or the zone is broken";
	case 4:
		return "NOTIMP: it does not do this kind of query";
	case 5:
		return "REFUSED: it does not answer this client, or for this "
		    "zone";
	}
	return NULL;
}

static void
failed(struct dns_result *res, const char *name, int type, int rcode)
{
	const char	*w = rcode_words(rcode);

	res->status = DNS_SERVFAIL;
	if (w != NULL)
		res->message = xasprintf("%s did not answer for %s (%s): %s",
		    res->server, name, dns_type_name(type), w);
	else
		res->message = xasprintf("%s did not answer for %s (%s): "
		    "response code %d", res->server, name, dns_type_name(type),
		    rcode);
}

/* The wanted records of one answer, before the chain is known. */
struct found {
	char		*owner;
	struct dns_rr	 rr;
};

struct alias {
	char		*owner;
	char		*target;
};

static int
read_rdata(const unsigned char *p, size_t rd, size_t rdlen, int type,
    struct dns_rr *rr, char *why, size_t whysz)
{
	char	 a[INET6_ADDRSTRLEN], t[DNS_TEXTMAX];
	size_t	 off;

	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (rdlen != (type == DNS_T_A ? 4u : 16u)) {
			snprintf(why, whysz, "an %s record of %zu bytes",
			    dns_type_name(type), rdlen);
			return -1;
		}
		inet_ntop(type == DNS_T_A ? AF_INET : AF_INET6, p + rd, a,
		    sizeof(a));
		rr->addr = xstrdup(a);
		return 0;
	case DNS_T_SRV:
		if (rdlen < 7) {
			snprintf(why, whysz, "an SRV record of %zu bytes",
			    rdlen);
			return -1;
		}
		rr->priority = get16(p + rd);
		rr->weight = get16(p + rd + 2);
		rr->port = get16(p + rd + 4);
		off = rd + 6;
		if (read_name(p, rd + rdlen, &off, t, sizeof(t), why,
		    whysz) == -1)
			return -1;
		if (off != rd + rdlen) {
			snprintf(why, whysz, "an SRV record with %zu bytes "
			    "after its target", rd + rdlen - off);
			return -1;
		}
		rr->target = xstrdup(t);
		return 0;
	}
	return -1;
}

/* Stable: equal priorities and weights keep the server's order. */
static void
sort_srv(struct dns_rr *v, size_t n)
{
	struct dns_rr	 x;
	size_t		 i, j;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && (v[j - 1].priority > x.priority ||
		    (v[j - 1].priority == x.priority &&
		    v[j - 1].weight < x.weight)); j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void
answer_message(struct dns_result *res, const char *name, int type)
{
	const char	*t = dns_type_name(type);

	if (res->status == DNS_NXDOMAIN && res->cname != NULL)
		res->message = xasprintf("no such name: %s is an alias of %s, "
		    "which does not exist at %s (NXDOMAIN)", name, res->cname,
		    res->server);
	else if (res->status == DNS_NXDOMAIN)
		res->message = xasprintf("no such name: %s does not exist at "
		    "%s (NXDOMAIN)", name, res->server);
	else if (res->status == DNS_NODATA && res->cname != NULL)
		res->message = xasprintf("no %s record: %s is an alias of %s, "
		    "which has no %s record at %s (NODATA)", t, name,
		    res->cname, t, res->server);
	else if (res->status == DNS_NODATA)
		res->message = xasprintf("no %s record: %s exists at %s but "
		    "has no %s record (NODATA)", t, name, res->server, t);
}

/* An answer record's data, as far as we care: a CNAME's target, or a
 * record of the wanted type. 0 (other types and classes are skipped), or
 * -1 and why. */
static int
read_answer(const unsigned char *p, size_t off, size_t rdlen, unsigned rtype,
    uint32_t ttl, int type, const char *owner, struct found **fv, size_t *nf,
    struct alias **av, size_t *na, char *why, size_t whysz)
{
	char		 t[DNS_TEXTMAX];
	struct dns_rr	 rr;
	size_t		 o = off;

	if (rtype == DNS_T_CNAME) {
		/* Bounded by its rdata: a name must not run into the next
		 * record. */
		if (read_name(p, off + rdlen, &o, t, sizeof(t), why,
		    whysz) == -1)
			return -1;
		if (o != off + rdlen) {
			snprintf(why, whysz, "a CNAME record with %zu bytes "
			    "after its name", off + rdlen - o);
			return -1;
		}
		*av = xreallocarray(*av, *na + 1, sizeof(**av));
		(*av)[*na].owner = xstrdup(owner);
		(*av)[(*na)++].target = xstrdup(t);
		return 0;
	}
	if (rtype != (unsigned)type)
		return 0;
	memset(&rr, 0, sizeof(rr));
	rr.type = type;
	/* RFC 2181 8: a TTL with the top bit set is 0. */
	rr.ttl = ttl > INT32_MAX ? 0 : ttl;
	if (read_rdata(p, off, rdlen, type, &rr, why, whysz) == -1)
		return -1;
	*fv = xreallocarray(*fv, *nf + 1, sizeof(**fv));
	(*fv)[*nf].owner = xstrdup(owner);
	(*fv)[(*nf)++].rr = rr;
	return 0;
}

enum dns_parse
dns_parse_reply(const unsigned char *p, size_t len, uint16_t id,
    const char *qname, int type, const char *server, struct dns_result *res,
    char *why, size_t whysz)
{
	char		 want[DNS_TEXTMAX], qn[DNS_TEXTMAX];
	const char	*cur;
	struct found	*fv = NULL;
	struct alias	*av = NULL;
	size_t		 off, an, i, nf = 0, na = 0, hops, rdlen;
	unsigned	 flags, rcode, qd;
	enum dns_parse	 rc = DNS_P_BAD;

	memset(res, 0, sizeof(*res));
	snprintf(res->server, sizeof(res->server), "%s", server);
	plain_name(qname, want, sizeof(want));
	/* Until the question matches, a reply may be anybody's: drop it
	 * rather than let it decide the answer. */
	if (len < DNS_HDRLEN || get16(p) != id)
		return DNS_P_IGNORE;
	flags = get16(p + 2);
	if (!(flags & F_QR) || ((flags >> 11) & 0xf) != 0)
		return DNS_P_IGNORE;
	rcode = flags & 0xf;
	qd = get16(p + 4);
	an = get16(p + 6);
	off = DNS_HDRLEN;
	/* Some servers leave the question out of an error reply. */
	if (qd == 0 && rcode != 0 && rcode != 3) {
		failed(res, want, type, (int)rcode);
		return DNS_P_FAILED;
	}
	if (qd != 1 || read_name(p, len, &off, qn, sizeof(qn), why,
	    whysz) == -1 || off + 4 > len)
		return DNS_P_IGNORE;
	if (strcasecmp(qn, want) != 0 || get16(p + off) != type ||
	    get16(p + off + 2) != C_IN)
		return DNS_P_IGNORE;
	off += 4;
	if (flags & F_TC)
		return DNS_P_TRUNCATED;
	if (rcode != 0 && rcode != 3) {
		failed(res, want, type, (int)rcode);
		return DNS_P_FAILED;
	}
	for (i = 0; i < an; i++) {
		if (read_name(p, len, &off, qn, sizeof(qn), why, whysz) == -1)
			goto out;
		if (off + 10 > len) {
			snprintf(why, whysz, "answer %zu of %zu is cut short",
			    i + 1, an);
			goto out;
		}
		rdlen = get16(p + off + 8);
		if (off + 10 + rdlen > len) {
			snprintf(why, whysz, "answer %zu of %zu runs past the "
			    "end of the reply", i + 1, an);
			goto out;
		}
		if (get16(p + off + 2) == C_IN && read_answer(p, off + 10,
		    rdlen, get16(p + off), get32(p + off + 4), type, qn, &fv,
		    &nf, &av, &na, why, whysz) == -1)
			goto out;
		off += 10 + rdlen;
	}
	/* Follow the chain from the name asked to the name that holds the
	 * records; a loop or a long chain is the server's fault. */
	cur = want;
	for (hops = 0;; hops++) {
		for (i = 0; i < na; i++)
			if (strcasecmp(av[i].owner, cur) == 0)
				break;
		if (i == na)
			break;
		if (hops == DNS_MAXCHAIN) {
			snprintf(why, whysz, "the CNAME chain from %s loops or "
			    "is longer than %d links", want, DNS_MAXCHAIN);
			goto out;
		}
		cur = av[i].target;
	}
	if (hops > 0)
		res->cname = xstrdup(cur);
	res->rrs = xcalloc(nf + 1, sizeof(*res->rrs));
	for (i = 0; i < nf; i++) {
		if (rcode == 0 && strcasecmp(fv[i].owner, cur) == 0) {
			res->rrs[res->n++] = fv[i].rr;
			memset(&fv[i].rr, 0, sizeof(fv[i].rr));
		}
	}
	if (type == DNS_T_SRV)
		sort_srv(res->rrs, res->n);
	res->status = rcode == 3 ? DNS_NXDOMAIN : res->n > 0 ? DNS_OK :
	    DNS_NODATA;
	answer_message(res, want, type);
	rc = DNS_P_ANSWER;
out:
	for (i = 0; i < nf; i++) {
		free(fv[i].owner);
		free(fv[i].rr.addr);
		free(fv[i].rr.target);
	}
	for (i = 0; i < na; i++) {
		free(av[i].owner);
		free(av[i].target);
	}
	free(fv);
	free(av);
	if (rc != DNS_P_ANSWER)
		dns_result_clear(res);
	return rc;
}

/* Queries on the loop. */

enum said {
	SAID_NOTHING,		/* not asked */
	SAID_SILENT,		/* asked, no answer (yet) */
	SAID_FAILED,		/* SERVFAIL, REFUSED, ... */
	SAID_ERROR		/* unreachable, malformed, socket */
};

struct dns_try {
	struct dns_query	*q;
	int			 fd;		/* -1: closed */
	uint16_t		 id;
	size_t			 ns;
};

enum tcp_phase { TCP_OFF, TCP_CONNECT, TCP_SEND, TCP_READ };

struct dns_query {
	struct evloop	*ev;
	char		*name;		/* checked, as given */
	int		 type;
	struct dns_conf	 conf;
	int64_t		 started, deadline;
	uint64_t	 t_deadline;	/* timer ids; 0: none */
	uint64_t	 t_try;		/* the latest try's, or the kick */
	struct dns_try	 tries[DNS_MAXTRIES];
	size_t		 ntries, maxtries;
	size_t		 last_ns;	/* asked last */
	/* After a truncated answer: the same question over TCP. */
	enum tcp_phase	 tcp;
	int		 tcp_fd;
	size_t		 tcp_ns;
	uint16_t	 tcp_id;
	unsigned char	 tcp_out[2 + DNS_UDPMAX];
	size_t		 tcp_outlen, tcp_done;
	unsigned char	*tcp_in;	/* 2 bytes of length, then the reply */
	size_t		 tcp_inlen, tcp_want;
	/* What each server did, for the message when none answered. */
	enum said	 said[DNS_MAXNS];
	char		*said_msg[DNS_MAXNS];
	dns_done_fn	 done;
	void		*arg;
	int		 in_done;	/* cancel is a no-op: freed after */
};

/* Shared: the loop runs one callback at a time. */
static unsigned char	rbuf[65536];

static uint16_t
random_id(void)
{
	static uint32_t	 x;
	uint16_t	 id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) == (ssize_t)sizeof(id))
		return id;
	/* No entropy call (an old kernel, a sandbox): the kernel's random
	 * source port still guards the reply. */
	x = x * 1103515245u + 12345u + (uint32_t)evloop_now() +
	    (uint32_t)getpid();
	return (uint16_t)(x >> 16);
}

static void
note(struct dns_query *q, size_t ns, enum said s, char *msg)
{
	/* What a server said is not undone by a later silence. */
	if (s < q->said[ns] && msg == NULL)
		return;
	q->said[ns] = s;
	if (msg != NULL) {
		free(q->said_msg[ns]);
		q->said_msg[ns] = msg;
	}
}

static void
close_try(struct dns_query *q, struct dns_try *t)
{
	if (t->fd == -1)
		return;
	evloop_fd_del(q->ev, t->fd);
	close(t->fd);
	t->fd = -1;
}

static void
close_tcp(struct dns_query *q)
{
	if (q->tcp == TCP_OFF)
		return;
	evloop_fd_del(q->ev, q->tcp_fd);
	close(q->tcp_fd);
	q->tcp_fd = -1;
	q->tcp = TCP_OFF;
	free(q->tcp_in);
	q->tcp_in = NULL;
}

/* Off the loop: sockets closed, timers gone. */
static void
query_stop(struct dns_query *q)
{
	size_t	 i;

	for (i = 0; i < q->ntries; i++)
		close_try(q, &q->tries[i]);
	close_tcp(q);
	if (q->t_deadline != 0)
		evloop_timer_del(q->ev, q->t_deadline);
	if (q->t_try != 0)
		evloop_timer_del(q->ev, q->t_try);
	q->t_deadline = q->t_try = 0;
}

static void
query_free(struct dns_query *q)
{
	size_t	 i;

	query_stop(q);
	for (i = 0; i < DNS_MAXNS; i++)
		free(q->said_msg[i]);
	free(q->name);
	free(q);
}

void
dns_query_cancel(struct dns_query *q)
{
	if (q != NULL && !q->in_done)
		query_free(q);
}

/* done runs with the query already off the loop, so that whatever it does
 * (start others, cancel any, this one included) finds nothing half
 * done. */
static void
finish(struct dns_query *q, struct dns_result *res)
{
	query_stop(q);
	q->in_done = 1;
	q->done(res, q->arg);
	dns_result_clear(res);
	query_free(q);
}

/* No server answered: say what each one did. */
static void
finish_unanswered(struct dns_query *q)
{
	struct dns_result	 res;
	struct buf		 b;
	size_t			 i, nsaid = 0;
	int			 failed_n = 0, error_n = 0;
	double			 s = (double)(evloop_now() - q->started) / 1000;
	const char		*t = dns_type_name(q->type);

	memset(&res, 0, sizeof(res));
	snprintf(res.server, sizeof(res.server), "%s",
	    q->conf.ns[q->last_ns].text);
	for (i = 0; i < q->conf.nns; i++) {
		if (q->said[i] != SAID_NOTHING)
			nsaid++;
		failed_n += q->said[i] == SAID_FAILED;
		error_n += q->said[i] == SAID_ERROR;
	}
	res.status = failed_n ? DNS_SERVFAIL : error_n ? DNS_ERROR :
	    DNS_TIMEOUT;
	buf_init(&b);
	if (nsaid == 0)
		buf_printf(&b, "no server was asked for %s (%s) within %.1f s",
		    q->name, t, s);
	else if (nsaid == 1 && q->said_msg[q->last_ns] != NULL)
		buf_adds(&b, q->said_msg[q->last_ns]);
	else if (nsaid == 1)
		buf_printf(&b, "no answer from %s for %s (%s) within %.1f s",
		    q->conf.ns[q->last_ns].text, q->name, t, s);
	else {
		buf_printf(&b, "no answer for %s (%s) from %zu servers within "
		    "%.1f s:", q->name, t, nsaid, s);
		for (i = 0; i < q->conf.nns; i++) {
			if (q->said[i] == SAID_NOTHING)
				continue;
			if (q->said_msg[i] != NULL)
				buf_printf(&b, " %s;", q->said_msg[i]);
			else
				buf_printf(&b, " %s did not answer;",
				    q->conf.ns[i].text);
		}
		b.s[--b.len] = '\0';
	}
	res.message = buf_steal(&b);
	finish(q, &res);
}

static void	start_try(struct dns_query *);

/* A try ended without an answer: the latest one makes way for the next;
 * an older one was already replaced. */
static void
try_over(struct dns_query *q, struct dns_try *t)
{
	int	 latest = t == &q->tries[q->ntries - 1];

	close_try(q, t);
	if (latest && q->tcp == TCP_OFF) {
		if (q->t_try != 0)
			evloop_timer_del(q->ev, q->t_try);
		q->t_try = 0;
		start_try(q);
	}
}

static void	on_tcp(struct evloop *, int, short, void *);

/* Ask ns again over TCP; the UDP tries end (the answer is known to be
 * big, and only this server has said so much). */
static void
go_tcp(struct dns_query *q, size_t ns)
{
	const struct dns_ns	*n = &q->conf.ns[ns];
	size_t			 i;
	int			 len;

	for (i = 0; i < q->ntries; i++)
		close_try(q, &q->tries[i]);
	if (q->t_try != 0)
		evloop_timer_del(q->ev, q->t_try);
	q->t_try = 0;
	q->tcp_ns = ns;
	q->tcp_id = random_id();
	len = dns_make_query(q->tcp_id, q->name, q->type, q->tcp_out + 2,
	    sizeof(q->tcp_out) - 2);
	put16(q->tcp_out, (unsigned)len);
	q->tcp_outlen = (size_t)len + 2;
	q->tcp_done = 0;
	q->tcp_inlen = 0;
	q->tcp_want = 2;
	q->tcp_in = xmalloc(2);
	q->tcp_fd = socket(n->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (q->tcp_fd == -1) {
		note(q, ns, SAID_ERROR, xasprintf("%s answered with a truncated "
		    "reply, and no TCP socket could be made to ask it again: "
		    "%s", n->text, strerror(errno)));
		free(q->tcp_in);
		q->tcp_in = NULL;
		start_try(q);
		return;
	}
	q->tcp = TCP_CONNECT;
	if (connect(q->tcp_fd, (const struct sockaddr *)&n->ss, n->len) == -1 &&
	    errno != EINPROGRESS) {
		note(q, ns, SAID_ERROR, xasprintf("%s answered with a truncated "
		    "reply, and TCP to it failed: %s", n->text,
		    strerror(errno)));
		close_tcp(q);
		start_try(q);
		return;
	}
	evloop_fd(q->ev, q->tcp_fd, POLLOUT, on_tcp, q);
}

static void
tcp_failed(struct dns_query *q, char *msg)
{
	note(q, q->tcp_ns, SAID_ERROR, msg);
	close_tcp(q);
	start_try(q);
}

static void
tcp_reply(struct dns_query *q)
{
	struct dns_result	 res;
	const struct dns_ns	*n = &q->conf.ns[q->tcp_ns];
	char			 why[200];

	switch (dns_parse_reply(q->tcp_in + 2, q->tcp_want - 2, q->tcp_id,
	    q->name, q->type, n->text, &res, why, sizeof(why))) {
	case DNS_P_ANSWER:
		finish(q, &res);
		return;
	case DNS_P_FAILED:
		note(q, q->tcp_ns, SAID_FAILED, res.message);
		res.message = NULL;
		dns_result_clear(&res);
		close_tcp(q);
		start_try(q);
		return;
	case DNS_P_TRUNCATED:
		tcp_failed(q, xasprintf("%s sent a truncated reply even over "
		    "TCP", n->text));
		return;
	case DNS_P_IGNORE:
		tcp_failed(q, xasprintf("%s answered another question over "
		    "TCP", n->text));
		return;
	case DNS_P_BAD:
		tcp_failed(q, xasprintf("%s sent a malformed reply over TCP: "
		    "%s", n->text, why));
		return;
	}
}

static void
on_tcp(struct evloop *ev, int fd, short revents, void *arg)
{
	struct dns_query	*q = arg;
	const char		*who = q->conf.ns[q->tcp_ns].text;
	socklen_t		 sl = sizeof(int);
	ssize_t			 n;
	int			 err = 0;

	(void)revents;
	if (q->tcp == TCP_CONNECT) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) == -1)
			err = errno;
		if (err != 0) {
			tcp_failed(q, xasprintf("%s answered with a truncated "
			    "reply, and TCP to it failed: %s", who,
			    strerror(err)));
			return;
		}
		q->tcp = TCP_SEND;
	}
	if (q->tcp == TCP_SEND) {
		n = send(fd, q->tcp_out + q->tcp_done, q->tcp_outlen -
		    q->tcp_done, MSG_NOSIGNAL);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n == -1) {
			tcp_failed(q, xasprintf("sending the query over TCP to "
			    "%s failed: %s", who, strerror(errno)));
			return;
		}
		if ((q->tcp_done += (size_t)n) < q->tcp_outlen)
			return;
		q->tcp = TCP_READ;
		evloop_fd_events(ev, fd, POLLIN);
		return;
	}
	n = recv(fd, q->tcp_in + q->tcp_inlen, q->tcp_want - q->tcp_inlen, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		tcp_failed(q, n == 0 ? xasprintf("%s closed the TCP connection "
		    "before it answered", who) : xasprintf("reading the answer "
		    "over TCP from %s failed: %s", who, strerror(errno)));
		return;
	}
	if ((q->tcp_inlen += (size_t)n) < q->tcp_want)
		return;
	if (q->tcp_want == 2) {
		q->tcp_want = 2 + (size_t)get16(q->tcp_in);
		q->tcp_in = xreallocarray(q->tcp_in, q->tcp_want, 1);
		if (q->tcp_want > 2)
			return;
	}
	tcp_reply(q);
}

static void
on_udp(struct evloop *ev, int fd, short revents, void *arg)
{
	struct dns_try		*t = arg;
	struct dns_query	*q = t->q;
	const struct dns_ns	*n = &q->conf.ns[t->ns];
	struct dns_result	 res;
	char			 why[200];
	ssize_t			 len;
	int			 i;

	(void)ev;
	(void)fd;
	(void)revents;
	/* A few datagrams a wakeup: spoofed noise must not starve the
	 * others. */
	for (i = 0; i < 8; i++) {
		len = recv(t->fd, rbuf, sizeof(rbuf), 0);
		if (len == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (len == -1) {
			/* Connected UDP: the port unreachable comes back. */
			if (errno == ECONNREFUSED)
				note(q, t->ns, SAID_ERROR, xasprintf("nothing "
				    "answers DNS at %s (port unreachable)",
				    n->text));
			else
				note(q, t->ns, SAID_ERROR, xasprintf("reading "
				    "from %s failed: %s", n->text,
				    strerror(errno)));
			try_over(q, t);
			return;
		}
		switch (dns_parse_reply(rbuf, (size_t)len, t->id, q->name,
		    q->type, n->text, &res, why, sizeof(why))) {
		case DNS_P_IGNORE:
			continue;
		case DNS_P_ANSWER:
			finish(q, &res);
			return;
		case DNS_P_FAILED:
			note(q, t->ns, SAID_FAILED, res.message);
			res.message = NULL;
			dns_result_clear(&res);
			try_over(q, t);
			return;
		case DNS_P_TRUNCATED:
			go_tcp(q, t->ns);
			return;
		case DNS_P_BAD:
			note(q, t->ns, SAID_ERROR, xasprintf("%s sent a "
			    "malformed reply: %s", n->text, why));
			try_over(q, t);
			return;
		}
	}
}

/* How long this try may wait: its share of what is left, no less than a
 * second (while there is a second), no more than resolv.conf's timeout. */
static int64_t
try_slot(const struct dns_query *q)
{
	int64_t	 left = q->deadline - evloop_now(), s;

	if (left <= 0)
		return 0;
	s = left / (int64_t)(q->maxtries - q->ntries);
	if (s < DNS_MINTRY_MS)
		s = left < DNS_MINTRY_MS ? left : DNS_MINTRY_MS;
	if (s > q->conf.timeout_ms)
		s = q->conf.timeout_ms;
	return s;
}

static void
on_try_timer(struct evloop *ev, void *arg)
{
	struct dns_query	*q = arg;

	(void)ev;
	q->t_try = 0;
	start_try(q);
}

static void
on_deadline(struct evloop *ev, void *arg)
{
	struct dns_query	*q = arg;

	(void)ev;
	q->t_deadline = 0;
	if (q->tcp != TCP_OFF)
		note(q, q->tcp_ns, SAID_SILENT, xasprintf("%s sent a truncated "
		    "reply and did not answer over TCP in time",
		    q->conf.ns[q->tcp_ns].text));
	finish_unanswered(q);
}

/*
 * The next try: the next server in turn (all servers, then again, as
 * glibc goes), a fresh socket and id. When none is left, the query ends
 * unless the latest try is still within its time.
 */
static void
start_try(struct dns_query *q)
{
	unsigned char		 pkt[DNS_UDPMAX];
	struct dns_try		*t;
	const struct dns_ns	*n;
	size_t			 i, open;
	int64_t			 slot;
	int			 len;

	for (;;) {
		if (q->ntries == q->maxtries || (slot = try_slot(q)) <= 0) {
			if (q->t_try == 0)
				finish_unanswered(q);
			return;
		}
		for (open = 0, i = 0; i < q->ntries; i++)
			open += q->tries[i].fd != -1;
		for (i = 0; open >= DNS_MAXOPEN && i < q->ntries; i++)
			if (q->tries[i].fd != -1) {
				close_try(q, &q->tries[i]);
				open--;
			}
		t = &q->tries[q->ntries++];
		t->q = q;
		t->ns = (q->ntries - 1) % q->conf.nns;
		t->id = random_id();
		n = &q->conf.ns[t->ns];
		q->last_ns = t->ns;
		note(q, t->ns, SAID_SILENT, NULL);
		len = dns_make_query(t->id, q->name, q->type, pkt, sizeof(pkt));
		if ((t->fd = socket(n->ss.ss_family, SOCK_DGRAM |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
			note(q, t->ns, SAID_ERROR, xasprintf("no socket to ask "
			    "%s: %s", n->text, strerror(errno)));
			continue;
		}
		if (connect(t->fd, (const struct sockaddr *)&n->ss,
		    n->len) == -1 || send(t->fd, pkt, (size_t)len, 0) == -1) {
			note(q, t->ns, SAID_ERROR, xasprintf("sending to %s "
			    "failed: %s", n->text, strerror(errno)));
			close(t->fd);
			t->fd = -1;
			continue;
		}
		evloop_fd(q->ev, t->fd, POLLIN, on_udp, t);
		q->t_try = evloop_timer(q->ev, slot, on_try_timer, q);
		return;
	}
}

struct dns_query *
dns_query_start_conf(struct evloop *ev, const char *name, int type,
    const struct dns_conf *conf, int64_t timeout_ms, dns_done_fn done,
    void *arg, char **err)
{
	struct dns_query	*q;
	char			 why[200], *s;

	*err = NULL;
	if (dns_name_check(name, why, sizeof(why)) == -1) {
		s = shown(name ? name : "");
		*err = xasprintf("name \"%s\" %s", s, why);
		free(s);
		return NULL;
	}
	if (type != DNS_T_A && type != DNS_T_AAAA && type != DNS_T_SRV) {
		*err = xasprintf("record type %d is not one fedwiz looks up: "
		    "A, AAAA or SRV", type);
		return NULL;
	}
	if (timeout_ms <= 0) {
		*err = xasprintf("the deadline must be more than 0 ms");
		return NULL;
	}
	q = xcalloc(1, sizeof(*q));
	q->ev = ev;
	q->name = xstrdup(name);
	q->type = type;
	q->conf = *conf;
	if (q->conf.nns == 0 || q->conf.nns > DNS_MAXNS) {
		free(q->name);
		free(q);
		*err = xasprintf("no DNS server to ask");
		return NULL;
	}
	if (q->conf.attempts < 1)
		q->conf.attempts = 1;
	if (q->conf.timeout_ms < 1)
		q->conf.timeout_ms = 1;
	q->maxtries = q->conf.nns * (size_t)q->conf.attempts;
	if (q->maxtries > DNS_MAXTRIES)
		q->maxtries = DNS_MAXTRIES;
	q->tcp_fd = -1;
	q->done = done;
	q->arg = arg;
	q->started = evloop_now();
	q->deadline = q->started + timeout_ms;
	q->t_deadline = evloop_timer(ev, timeout_ms, on_deadline, q);
	/* The first try from the loop too: done never runs inside this
	 * call, even when the socket cannot be made. */
	q->t_try = evloop_timer(ev, 0, on_try_timer, q);
	return q;
}

struct dns_query *
dns_query_start(struct evloop *ev, const char *name, int type,
    const char *server, int64_t timeout_ms, dns_done_fn done, void *arg,
    char **err)
{
	struct dns_conf	 conf;
	char		 why[200], *s;
	int64_t		 n;

	*err = NULL;
	if (server == NULL)
		dns_conf_read(RESOLV_CONF, &conf);
	else {
		memset(&conf, 0, sizeof(conf));
		if (dns_server_parse(server, &conf.ns[0], why,
		    sizeof(why)) == -1) {
			s = shown(server);
			*err = xasprintf("server \"%s\" %s", s, why);
			free(s);
			return NULL;
		}
		conf.nns = 1;
		/* One server chosen: ask it again every 5 s (at least
		 * twice) until the deadline. */
		conf.timeout_ms = DNS_SERVER_MS;
		n = (timeout_ms + DNS_SERVER_MS - 1) / DNS_SERVER_MS;
		conf.attempts = n < 2 ? 2 : n > DNS_MAXTRIES ? DNS_MAXTRIES :
		    (int)n;
	}
	return dns_query_start_conf(ev, name, type, &conf, timeout_ms, done,
	    arg, err);
}
