/*
 * hello.c: one ClientHello offering one (version, cipher suite) pair, and
 * the first answer read back (RFC 5246 7.4.1.2, 7.4.1.3; alerts 7.2).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "evloop.h"
#include "hello.h"
#include "net.h"
#include "util.h"

#define REC_ALERT	21
#define REC_HANDSHAKE	22
#define HS_SERVER_HELLO	2
#define HELLO_READ_MAX	((size_t)64 * 1024)

struct hello_probe {
	struct evloop		*ev;
	struct net_conn		*nc;
	char			*host;
	char			*sni;
	int			 port;
	uint16_t		 version;
	uint16_t		 cipher;
	int64_t			 start;
	int64_t			 deadline;
	uint64_t		 timer;
	int			 fd;
	int			 refused_tcp;
	uint8_t			 out[512];
	size_t			 outlen;
	size_t			 sent;
	uint8_t			*in;
	size_t			 inlen;
	hello_done_fn		 done;
	void			*arg;
	char			 peer[64];
};

static const struct {
	uint16_t	 id;
	const char	*name;
} suites[] = {
	{ 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
	{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
	{ 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
};

static const struct {
	int		 id;
	const char	*name;
} alerts[] = {
	{ 0, "close notify" },
	{ 10, "unexpected message" },
	{ 20, "bad record MAC" },
	{ 22, "record overflow" },
	{ 40, "handshake failure" },
	{ 42, "bad certificate" },
	{ 43, "unsupported certificate" },
	{ 47, "illegal parameter" },
	{ 48, "unknown CA" },
	{ 50, "decode error" },
	{ 51, "decrypt error" },
	{ 70, "protocol version" },
	{ 71, "insufficient security" },
	{ 80, "internal error" },
	{ 86, "inappropriate fallback" },
	{ 90, "user canceled" },
	{ 109, "missing extension" },
	{ 110, "unsupported extension" },
	{ 112, "unrecognized name" },
	{ 116, "certificate required" },
	{ 120, "no application protocol" },
};

const char *
hello_cipher_name(uint16_t id)
{
	static char	buf[80];
	size_t		i;

	for (i = 0; i < nitems(suites); i++)
		if (suites[i].id == id) {
			snprintf(buf, sizeof(buf), "%s (0x%04X)",
			    suites[i].name, id);
			return buf;
		}
	snprintf(buf, sizeof(buf), "0x%04X", id);
	return buf;
}

const char *
hello_alert_name(int id)
{
	static char	buf[64];
	size_t		i;

	for (i = 0; i < nitems(alerts); i++)
		if (alerts[i].id == id) {
			snprintf(buf, sizeof(buf), "%s (%d)", alerts[i].name,
			    id);
			return buf;
		}
	snprintf(buf, sizeof(buf), "alert %d", id);
	return buf;
}

const char *
hello_version_name(uint16_t v)
{
	static char	buf[16];

	switch (v) {
	case HELLO_SSL3:
		return "SSLv3";
	case HELLO_TLS10:
		return "TLSv1.0";
	case HELLO_TLS11:
		return "TLSv1.1";
	case HELLO_TLS12:
		return "TLSv1.2";
	case HELLO_TLS13:
		return "TLSv1.3";
	}
	snprintf(buf, sizeof(buf), "0x%04X", v);
	return buf;
}

uint16_t
hello_version_parse(const char *s)
{
	if (strcmp(s, "tls1.0") == 0)
		return HELLO_TLS10;
	if (strcmp(s, "tls1.1") == 0)
		return HELLO_TLS11;
	if (strcmp(s, "tls1.2") == 0)
		return HELLO_TLS12;
	if (strcmp(s, "tls1.3") == 0)
		return HELLO_TLS13;
	return 0;
}

int
hello_cipher_parse(const char *s)
{
	unsigned long	 v;
	const char	*p;
	char		*end;
	size_t		 i;

	if (strcasecmp(s, "3des") == 0)
		return HELLO_3DES;
	for (i = 0; i < nitems(suites); i++)
		if (strcmp(s, suites[i].name) == 0)
			return suites[i].id;
	p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (*p == '\0' || strlen(p) > 4)
		return -1;
	for (i = 0; p[i] != '\0'; i++)
		if (!isxdigit((unsigned char)p[i]))
			return -1;
	errno = 0;
	v = strtoul(p, &end, 16);
	if (errno != 0 || *end != '\0' || v > 0xFFFF)
		return -1;
	/* The signalling values are not suites a server can choose. */
	if (v == 0x00FF || v == 0x5600)
		return -1;
	return (int)v;
}

/* Big-endian writers with a bound. */
struct wbuf {
	uint8_t	*p;
	size_t	 len;
	size_t	 cap;
	int	 bad;
};

static void
put8(struct wbuf *w, unsigned v)
{
	if (w->len + 1 > w->cap) {
		w->bad = 1;
		return;
	}
	w->p[w->len++] = (uint8_t)v;
}

static void
put16(struct wbuf *w, unsigned v)
{
	put8(w, v >> 8);
	put8(w, v & 0xff);
}

static void
put24(struct wbuf *w, unsigned v)
{
	put8(w, v >> 16);
	put16(w, v & 0xffff);
}

static void
putbytes(struct wbuf *w, const void *b, size_t n)
{
	if (w->len + n > w->cap) {
		w->bad = 1;
		return;
	}
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

/* Patch a length field of size bytes at off with what follows it. */
static void
patch(struct wbuf *w, size_t off, int size)
{
	size_t	n = w->len - off - (size_t)size;

	if (w->bad)
		return;
	if (size == 3)
		w->p[off++] = (uint8_t)(n >> 16);
	w->p[off] = (uint8_t)(n >> 8);
	w->p[off + 1] = (uint8_t)n;
}

size_t
hello_build(uint8_t *buf, size_t cap, uint16_t version, uint16_t cipher,
    const char *sni, const uint8_t random[32])
{
	struct wbuf	 w = { buf, 0, cap, 0 };
	size_t		 rec, hs, ext, e, n, sl;

	put8(&w, REC_HANDSHAKE);
	/* The record layer says TLS 1.0: what old servers expect from a
	 * client that may offer more (RFC 5246 E.1). */
	put16(&w, HELLO_TLS10);
	rec = w.len;
	put16(&w, 0);
	put8(&w, 1);			/* client_hello */
	hs = w.len;
	put24(&w, 0);
	put16(&w, version);
	putbytes(&w, random, 32);
	put8(&w, 0);			/* no session id */
	put16(&w, 4);
	put16(&w, cipher);
	/* TLS_EMPTY_RENEGOTIATION_INFO_SCSV: servers that insist on secure
	 * renegotiation answer instead of hanging up. */
	put16(&w, 0x00FF);
	put8(&w, 1);
	put8(&w, 0);			/* null compression */
	ext = w.len;
	put16(&w, 0);
	if (sni != NULL && *sni != '\0' && !net_is_address(sni) &&
	    (sl = strlen(sni)) < 256) {
		put16(&w, 0x0000);	/* server_name */
		e = w.len;
		put16(&w, 0);
		n = w.len;
		put16(&w, 0);
		put8(&w, 0);		/* host_name */
		put16(&w, (unsigned)sl);
		putbytes(&w, sni, sl);
		patch(&w, n, 2);
		patch(&w, e, 2);
	}
	/* For ECDHE suites: the groups and point format every server has. */
	put16(&w, 0x000a);		/* supported_groups */
	put16(&w, 8);
	put16(&w, 6);
	put16(&w, 0x001d);		/* x25519 */
	put16(&w, 0x0017);		/* secp256r1 */
	put16(&w, 0x0018);		/* secp384r1 */
	put16(&w, 0x000b);		/* ec_point_formats */
	put16(&w, 2);
	put8(&w, 1);
	put8(&w, 0);			/* uncompressed */
	if (version >= HELLO_TLS12) {
		put16(&w, 0x000d);	/* signature_algorithms */
		put16(&w, 16);
		put16(&w, 14);
		put16(&w, 0x0401);	/* rsa_pkcs1_sha256 */
		put16(&w, 0x0501);	/* rsa_pkcs1_sha384 */
		put16(&w, 0x0804);	/* rsa_pss_rsae_sha256 */
		put16(&w, 0x0403);	/* ecdsa_secp256r1_sha256 */
		put16(&w, 0x0503);	/* ecdsa_secp384r1_sha384 */
		put16(&w, 0x0201);	/* rsa_pkcs1_sha1 */
		put16(&w, 0x0203);	/* ecdsa_sha1 */
	}
	patch(&w, ext, 2);
	patch(&w, hs, 3);
	patch(&w, rec, 2);
	return w.bad ? 0 : w.len;
}

static void
say(struct hello_result *r, enum hello_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct hello_result *r, enum hello_verdict v, const char *fmt, ...)
{
	va_list	ap;

	r->verdict = v;
	free(r->message);
	va_start(ap, fmt);
	if (vasprintf(&r->message, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
}

int
hello_parse(const uint8_t *b, size_t len, uint16_t version, uint16_t offered,
    struct hello_result *r)
{
	uint8_t		 hsbuf[HELLO_READ_MAX];
	size_t		 off = 0, hlen = 0, rl, need, sidl;
	const uint8_t	*h;

	r->alert = -1;
	/* Gather handshake bytes across records until the ServerHello is
	 * whole; the first alert decides. */
	while (off + 5 <= len) {
		if (b[off] != REC_ALERT && b[off] != REC_HANDSHAKE) {
			say(r, HELLO_ERROR, "the peer answered with something "
			    "that is not a TLS handshake (record type %u): "
			    "is this a TLS port?", b[off]);
			return 1;
		}
		if (b[off + 1] != 3) {
			say(r, HELLO_ERROR, "the peer answered with record "
			    "version %u.%u, not TLS: is this a TLS port?",
			    b[off + 1], b[off + 2]);
			return 1;
		}
		rl = (size_t)b[off + 3] << 8 | b[off + 4];
		if (rl == 0 || rl > 18432) {
			say(r, HELLO_ERROR, "the peer sent a TLS record of "
			    "%zu bytes, which no TLS server does", rl);
			return 1;
		}
		if (off + 5 + rl > len)
			return 0;
		if (b[off] == REC_ALERT) {
			if (rl < 2) {
				say(r, HELLO_ERROR, "the peer sent a short "
				    "alert record");
				return 1;
			}
			r->alert = b[off + 6];
			say(r, HELLO_REFUSED, "refused: the peer answered "
			    "a ClientHello offering only %s with the alert %s",
			    hello_cipher_name(offered),
			    hello_alert_name(r->alert));
			return 1;
		}
		if (hlen + rl > sizeof(hsbuf)) {
			say(r, HELLO_ERROR, "the peer's handshake is larger "
			    "than %zu bytes before its ServerHello",
			    HELLO_READ_MAX);
			return 1;
		}
		memcpy(hsbuf + hlen, b + off + 5, rl);
		hlen += rl;
		off += 5 + rl;
		if (hlen < 4)
			continue;
		if (hsbuf[0] != HS_SERVER_HELLO) {
			say(r, HELLO_ERROR, "the peer's first handshake "
			    "message is type %u, not a ServerHello", hsbuf[0]);
			return 1;
		}
		need = (size_t)hsbuf[1] << 16 | (size_t)hsbuf[2] << 8 |
		    hsbuf[3];
		if (hlen < 4 + need)
			continue;
		h = hsbuf + 4;
		/* version 2, random 32, session id 1+n, suite 2 */
		if (need < 2 + 32 + 1 || need < (size_t)2 + 32 + 1 + h[34] + 2) {
			say(r, HELLO_ERROR, "the peer's ServerHello is too "
			    "short (%zu bytes)", need);
			return 1;
		}
		sidl = h[34];
		if (sidl > 32) {
			say(r, HELLO_ERROR, "the peer's ServerHello has a "
			    "session id of %zu bytes (at most 32)", sidl);
			return 1;
		}
		r->version = (uint16_t)(h[0] << 8 | h[1]);
		r->cipher = (uint16_t)(h[35 + sidl] << 8 | h[36 + sidl]);
		if (r->cipher != offered) {
			say(r, HELLO_ERROR, "the peer chose %s, which was not "
			    "offered: a broken TLS stack",
			    hello_cipher_name(r->cipher));
			return 1;
		}
		if (r->version != version) {
			/* It would talk, but only an older protocol. */
			say(r, HELLO_REFUSED, "refused: offered %s, the peer "
			    "answered with %s (with %s): it does not accept %s",
			    hello_version_name(version),
			    hello_version_name(r->version),
			    hello_cipher_name(r->cipher),
			    hello_version_name(version));
			return 1;
		}
		say(r, HELLO_ACCEPTED, "accepted: the peer chose %s with %s",
		    hello_cipher_name(r->cipher),
		    hello_version_name(r->version));
		return 1;
	}
	return 0;
}

/* Driving it on the loop. */

static void
probe_free(struct hello_probe *p)
{
	if (p->nc != NULL)
		net_cancel(p->nc);
	if (p->timer != 0)
		evloop_timer_del(p->ev, p->timer);
	if (p->fd != -1) {
		evloop_fd_del(p->ev, p->fd);
		close(p->fd);
	}
	free(p->in);
	free(p->host);
	free(p->sni);
	free(p);
}

static void
finish(struct hello_probe *p, struct hello_result *r)
{
	r->ms = evloop_now() - p->start;
	r->refused_tcp = p->refused_tcp;
	snprintf(r->peer, sizeof(r->peer), "%s", p->peer);
	p->done(r, p->arg);
	free(r->message);
	probe_free(p);
}

static void
fail(struct hello_probe *p, enum hello_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct hello_probe *p, enum hello_verdict v, const char *fmt, ...)
{
	struct hello_result	 r;
	va_list			 ap;

	memset(&r, 0, sizeof(r));
	r.alert = -1;
	r.verdict = v;
	va_start(ap, fmt);
	if (vasprintf(&r.message, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	finish(p, &r);
}

static void
on_timeout(struct evloop *ev, void *arg)
{
	struct hello_probe	*p = arg;

	(void)ev;
	p->timer = 0;
	fail(p, HELLO_ERROR, "%s port %d accepted the connection but did not "
	    "answer the ClientHello within %lld s: is this a TLS port?",
	    p->host, p->port, (long long)(p->deadline - p->start + 999) /
	    1000);
}

static void
on_io(struct evloop *ev, int fd, short revents, void *arg)
{
	struct hello_probe	*p = arg;
	struct hello_result	 r;
	ssize_t			 n;

	(void)ev;
	if (p->sent < p->outlen) {
		n = write(fd, p->out + p->sent, p->outlen - p->sent);
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			fail(p, HELLO_REFUSED, "refused: %s port %d closed the "
			    "connection before the ClientHello was sent (%s)",
			    p->host, p->port, strerror(errno));
			return;
		}
		if (n > 0)
			p->sent += (size_t)n;
		if (p->sent == p->outlen)
			evloop_fd_events(p->ev, fd, POLLIN);
		return;
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	if (p->inlen == HELLO_READ_MAX) {
		fail(p, HELLO_ERROR, "the peer sent %zu bytes without a "
		    "ServerHello", HELLO_READ_MAX);
		return;
	}
	n = read(fd, p->in + p->inlen, HELLO_READ_MAX - p->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* Some stacks hang up instead of sending an alert. */
		fail(p, p->inlen == 0 ? HELLO_REFUSED : HELLO_ERROR,
		    "%s: %s port %d closed the connection %s", p->inlen == 0 ?
		    "refused" : "no answer", p->host, p->port, p->inlen == 0 ?
		    "without an answer (some TLS stacks hang up instead of "
		    "sending an alert)" : "in the middle of its answer");
		return;
	}
	p->inlen += (size_t)n;
	memset(&r, 0, sizeof(r));
	if (hello_parse(p->in, p->inlen, p->version, p->cipher, &r))
		finish(p, &r);
}

static void
on_connected(int fd, enum net_status st, const char *msg, const char *peer,
    void *arg)
{
	struct hello_probe	*p = arg;
	uint8_t			 rnd[32];
	int64_t			 left;

	p->nc = NULL;
	snprintf(p->peer, sizeof(p->peer), "%s", peer);
	if (fd == -1) {
		p->refused_tcp = st == NET_REFUSED;
		fail(p, HELLO_ERROR, "%s", msg);
		return;
	}
	p->fd = fd;
	/* The answer's timer starts now, with what is left of the deadline
	 * net.c kept for the connect: one timer at a time, so none can fire
	 * during the connect and leave the read without one. */
	left = p->deadline - evloop_now();
	p->timer = evloop_timer(p->ev, left > 0 ? left : 0, on_timeout, p);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		fatal("OpenSSL: no random bytes");
	p->outlen = hello_build(p->out, sizeof(p->out), p->version,
	    p->cipher, p->sni, rnd);
	if (p->outlen == 0)
		fatal("hello_build: buffer too small");
	p->in = xmalloc(HELLO_READ_MAX);
	evloop_fd(p->ev, fd, POLLOUT, on_io, p);
}

struct hello_probe *
hello_start(struct evloop *ev, const char *host, int port, const char *sni,
    uint16_t version, uint16_t cipher, int64_t timeout_ms, hello_done_fn done,
    void *arg)
{
	struct hello_probe	*p = xcalloc(1, sizeof(*p));

	p->ev = ev;
	p->host = xstrdup(host);
	p->sni = sni != NULL ? xstrdup(sni) : NULL;
	p->port = port;
	p->version = version;
	p->cipher = cipher;
	p->fd = -1;
	p->done = done;
	p->arg = arg;
	p->start = evloop_now();
	p->deadline = p->start + timeout_ms;
	p->nc = net_connect(ev, host, port, timeout_ms, on_connected, p);
	return p;
}

void
hello_cancel(struct hello_probe *p)
{
	if (p != NULL)
		probe_free(p);
}
