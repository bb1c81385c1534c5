/*
 * sip.c: a SIP OPTIONS over TLS, its answer read and judged.
 *
 * What the federation tools do: Test-CsFederatedPartner opens TLS to port
 * 5061 of the Edge and sends an OPTIONS (msxfaq.de, "Test-
 * CSFederationPartner"), and a failure shows in the response's
 * ms-diagnostics header, e.g. `ms-diagnostics: 1047;reason="Failed to
 * complete TLS negotiation with a federated peer server"` (risual.com,
 * "Lync federation issue: presence unknown with a remote Lync/OCS
 * partner"); Microsoft's "Testing ability to connect to a federated
 * domain" page reads Result/Error/Diagnosis from it. sipsak -s builds the
 * same request (nils-ohlmeier/sipsak src/request.c, REQ_OPT: From with a
 * tag, To, Call-ID, CSeq, Contact, Content-Length 0, Max-Forwards 70, a
 * Via with a z9hG4bK branch) and exits 0 on a 2xx, 1 on another final
 * answer, 3 on no answer (sipsak.1, RETURN VALUES); probe sip keeps those
 * meanings, with 2 for bad input as every fedwiz command does.
 *
 * The TCP connection and the handshake are the TLS probe's (tls.c), kept
 * open with tls_probe_keep; the certificate is judged there by the same
 * code as probe tls, and a defect stops the probe before anything is
 * sent, as a federation peer would hang up.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "clean.h"
#include "evloop.h"
#include "net.h"
#include "sip.h"
#include "tls.h"
#include "util.h"

/* How much of a peer's text a message quotes. */
#define QUOTE_MAX	200

/* Peer bytes fit for a message: cleaned, cut at max bytes (on a UTF-8
 * boundary, since the cleaner's output is well-formed). */
static char *
quote(const char *s, size_t len, size_t max)
{
	char	*c, *cut;
	size_t	 n;

	c = clean_term(s, len, &n);
	if (n > max) {
		while (max > 0 && ((unsigned char)c[max] & 0xc0) == 0x80)
			max--;
		c[max] = '\0';
		cut = xasprintf("%s...", c);
		free(c);
		c = cut;
	}
	return c;
}

/* Compact header forms (RFC 3261 7.3.3 and its extensions), written out. */
static const struct {
	char		 c;
	const char	*name;
} compact[] = {
	{ 'a', "Accept-Contact" },
	{ 'b', "Referred-By" },
	{ 'c', "Content-Type" },
	{ 'd', "Request-Disposition" },
	{ 'e', "Content-Encoding" },
	{ 'f', "From" },
	{ 'i', "Call-ID" },
	{ 'j', "Reject-Contact" },
	{ 'k', "Supported" },
	{ 'l', "Content-Length" },
	{ 'm', "Contact" },
	{ 'n', "Identity-Info" },
	{ 'o', "Event" },
	{ 'r', "Refer-To" },
	{ 's', "Subject" },
	{ 't', "To" },
	{ 'u', "Allow-Events" },
	{ 'v', "Via" },
	{ 'x', "Session-Expires" },
	{ 'y', "Identity" },
};

const char *
sip_msg_header(const struct sip_msg *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->nh; i++)
		if (strcasecmp(m->h[i].name, name) == 0)
			return m->h[i].value;
	return NULL;
}

static void
msg_free(struct sip_msg *m)
{
	size_t	i;

	for (i = 0; i < m->nh; i++) {
		free(m->h[i].name);
		free(m->h[i].value);
	}
	free(m->h);
	free(m->start);
	free(m->reason);
	memset(m, 0, sizeof(*m));
}

/* The response reader. */

struct sip_parser {
	char		*callid;	/* NULL: every response is ours */
	unsigned long	 cseq;
	struct buf	 in;		/* bytes not consumed yet */
	size_t		 scan;		/* searched for the end of the head
					   up to here */
	size_t		 skip;		/* body bytes still to skip */
	size_t		 total;
	size_t		 provisional;
	size_t		 stray;
	struct sip_msg	*msgs;
	size_t		 nmsgs;
	enum sip_feed	 state;
	char		*error;
};

struct sip_parser *
sip_parser_new(const char *callid, unsigned long cseq)
{
	struct sip_parser	*ps = xcalloc(1, sizeof(*ps));

	ps->callid = callid != NULL ? xstrdup(callid) : NULL;
	ps->cseq = cseq;
	buf_init(&ps->in);
	ps->state = SIPF_MORE;
	return ps;
}

void
sip_parser_free(struct sip_parser *ps)
{
	size_t	i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->nmsgs; i++)
		msg_free(&ps->msgs[i]);
	free(ps->msgs);
	buf_free(&ps->in);
	free(ps->callid);
	free(ps->error);
	free(ps);
}

const char *
sip_parser_error(const struct sip_parser *ps)
{
	return ps->error;
}

const struct sip_msg *
sip_parser_msgs(const struct sip_parser *ps, size_t *n)
{
	*n = ps->nmsgs;
	return ps->msgs;
}

size_t
sip_parser_bytes(const struct sip_parser *ps)
{
	return ps->total;
}

size_t
sip_parser_stray(const struct sip_parser *ps)
{
	return ps->stray;
}

static enum sip_feed
perr(struct sip_parser *ps, enum sip_feed st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum sip_feed
perr(struct sip_parser *ps, enum sip_feed st, const char *fmt, ...)
{
	va_list	ap;

	free(ps->error);
	va_start(ap, fmt);
	if (vasprintf(&ps->error, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	return ps->state = st;
}

/* Drop n bytes from the front of the input. */
static void
consume(struct sip_parser *ps, size_t n)
{
	memmove(ps->in.s, ps->in.s + n, ps->in.len - n);
	ps->in.len -= n;
	ps->scan = 0;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* p[0..n) without leading and trailing blanks (and a line's CR). */
static void
trim(const char **p, size_t *n)
{
	while (*n > 0 && is_ws(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && (is_ws((*p)[*n - 1]) || (*p)[*n - 1] == '\r'))
		(*n)--;
}

/* "SIP/2.0" at p, in any case (RFC 3261 7.1: SIP-Version is
 * case-insensitive). */
static int
is_version(const char *p, size_t n)
{
	return n >= 7 && strncasecmp(p, "SIP/2.0", 7) == 0;
}

/*
 * The start line: a status line "SIP/2.0 200 OK", or a request line
 * "OPTIONS sip:x SIP/2.0" (code 0). -1 when it is neither.
 */
static int
start_line(const char *p, size_t n, struct sip_msg *m)
{
	const char	*sp;
	size_t		 k;

	m->start = xstrndup(p, n);
	if (is_version(p, n) && n >= 11 && p[7] == ' ' &&
	    isdigit((unsigned char)p[8]) && isdigit((unsigned char)p[9]) &&
	    isdigit((unsigned char)p[10]) && (n == 11 || p[11] == ' ')) {
		m->code = (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] -
		    '0');
		if (m->code < 100 || m->code > 699)
			return -1;
		k = n > 12 ? n - 12 : 0;
		m->reason = xstrndup(p + (n > 12 ? 12 : n), k);
		return 0;
	}
	/* A request: Method SP Request-URI SP SIP-Version. */
	for (k = 0; k < n && (isalnum((unsigned char)p[k]) || p[k] == '-' ||
	    p[k] == '.' || p[k] == '!' || p[k] == '%' || p[k] == '*' ||
	    p[k] == '_' || p[k] == '+' || p[k] == '`' || p[k] == '\'' ||
	    p[k] == '~'); k++)
		;
	if (k == 0 || k == n || p[k] != ' ')
		return -1;
	if ((sp = memchr(p + k + 1, ' ', n - k - 1)) == NULL ||
	    !is_version(sp + 1, (size_t)(p + n - sp - 1)))
		return -1;
	m->code = 0;
	m->reason = xstrdup("");
	return 0;
}

static const char *
long_name(const char *p, size_t n)
{
	size_t	i;

	if (n != 1)
		return NULL;
	for (i = 0; i < nitems(compact); i++)
		if (compact[i].c == tolower((unsigned char)p[0]))
			return compact[i].name;
	return NULL;
}

/* One header line "Name: value" (or "Name : value"). -1 when it has no
 * colon or no name. */
static int
header_line(const char *p, size_t n, struct sip_msg *m)
{
	const char	*colon, *name, *val;
	size_t		 nlen, vlen;

	if ((colon = memchr(p, ':', n)) == NULL)
		return -1;
	name = p;
	nlen = (size_t)(colon - p);
	while (nlen > 0 && is_ws(name[nlen - 1]))
		nlen--;
	if (nlen == 0 || memchr(name, ' ', nlen) != NULL ||
	    memchr(name, '\t', nlen) != NULL)
		return -1;
	val = colon + 1;
	vlen = n - nlen - (size_t)(colon - p - nlen) - 1;
	trim(&val, &vlen);
	m->h = xreallocarray(m->h, m->nh + 1, sizeof(*m->h));
	m->h[m->nh].name = long_name(name, nlen) != NULL ?
	    xstrdup(long_name(name, nlen)) : xstrndup(name, nlen);
	m->h[m->nh].value = xstrndup(val, vlen);
	m->nh++;
	return 0;
}

/* A folded line (RFC 3261 7.3.1): more of the header before it. */
static void
fold_line(const char *p, size_t n, struct sip_msg *m)
{
	struct sip_header	*h = &m->h[m->nh - 1];
	char			*v;

	trim(&p, &n);
	if (n == 0)
		return;
	v = xasprintf("%s%s%.*s", h->value, *h->value ? " " : "", (int)n, p);
	free(h->value);
	h->value = v;
}

/* The head (start line and headers, without the blank line) into m; -1
 * and the parser's error when it is not SIP. */
static int
parse_head(struct sip_parser *ps, const char *p, size_t n, struct sip_msg *m)
{
	const char	*line, *nl, *end = p + n;
	char		*q;
	size_t		 len;

	if (memchr(p, '\0', n) != NULL) {
		perr(ps, SIPF_ERROR, "the peer's answer has a NUL byte in its "
		    "headers: it is not SIP");
		return -1;
	}
	for (line = p; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		len = (size_t)(nl - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (line == p) {
			if (start_line(line, len, m) == 0)
				continue;
			q = quote(line, len, QUOTE_MAX);
			perr(ps, SIPF_ERROR, "the peer answered with something "
			    "that is not SIP: \"%s\"", q);
			free(q);
			return -1;
		}
		if (len > 0 && is_ws(line[0])) {
			if (m->nh == 0) {
				perr(ps, SIPF_ERROR, "the peer's answer "
				    "folds a line before its first header");
				return -1;
			}
			fold_line(line, len, m);
			continue;
		}
		if (m->nh == SIP_HEADERS_MAX) {
			perr(ps, SIPF_ERROR, "the peer's answer has more than "
			    "%d header fields", SIP_HEADERS_MAX);
			return -1;
		}
		if (header_line(line, len, m) == -1) {
			q = quote(line, len, QUOTE_MAX);
			perr(ps, SIPF_ERROR, "the peer's answer has a header "
			    "line without a name and a colon: \"%s\"", q);
			free(q);
			return -1;
		}
	}
	return 0;
}

/* Content-Length: 0 when absent (a response on a stream must have one;
 * without it, there is nothing to skip). -1 when it is not a number or
 * two differ. */
static int
content_length(const struct sip_msg *m, size_t *len)
{
	const char	*v, *p;
	size_t		 i, n;
	int		 seen = 0;

	*len = 0;
	for (i = 0; i < m->nh; i++) {
		if (strcasecmp(m->h[i].name, "Content-Length") != 0)
			continue;
		v = m->h[i].value;
		if (*v == '\0' || strlen(v) > 9)
			return -1;
		n = 0;
		for (p = v; *p != '\0'; p++) {
			if (!isdigit((unsigned char)*p))
				return -1;
			n = n * 10 + (size_t)(*p - '0');
		}
		if (seen && n != *len)
			return -1;
		*len = n;
		seen = 1;
	}
	return 0;
}

/* Whether a response belongs to our request: its Call-ID and CSeq. */
static int
ours(const struct sip_parser *ps, const struct sip_msg *m)
{
	const char	*cid, *cs;
	char		*end;
	unsigned long	 n;

	if (ps->callid == NULL)
		return 1;
	cid = sip_msg_header(m, "Call-ID");
	cs = sip_msg_header(m, "CSeq");
	if (cid == NULL || cs == NULL || strcmp(cid, ps->callid) != 0)
		return 0;
	errno = 0;
	n = strtoul(cs, &end, 10);
	if (errno != 0 || end == cs || n != ps->cseq)
		return 0;
	while (is_ws(*end))
		end++;
	return strcmp(end, "OPTIONS") == 0;
}

/* The end of the head in the input: the index of the LF that ends its
 * last line, *term the length of what follows it up to the body (the
 * blank line). -1 when it has not all come. */
static long
head_end(struct sip_parser *ps, size_t *term)
{
	const char	*s = ps->in.s;
	size_t		 i, j, len = ps->in.len;

	for (i = ps->scan; i < len; i++) {
		if (s[i] != '\n')
			continue;
		j = i + 1;
		if (j < len && s[j] == '\r')
			j++;
		if (j >= len) {
			/* CR LF at the very end: wait for what follows */
			ps->scan = i;
			return -1;
		}
		if (s[j] == '\n') {
			*term = j + 1 - i;
			return (long)i;
		}
	}
	ps->scan = len;
	return -1;
}

static enum sip_feed
parse(struct sip_parser *ps)
{
	struct sip_msg	 m;
	size_t		 n, term, clen;
	long		 end;

	for (;;) {
		if (ps->skip > 0) {
			n = ps->skip < ps->in.len ? ps->skip : ps->in.len;
			consume(ps, n);
			ps->skip -= n;
			if (ps->skip > 0)
				return SIPF_MORE;
		}
		/* CRLF keep-alives (RFC 5626 4.4.1) between messages */
		for (n = 0; n < ps->in.len && (ps->in.s[n] == '\r' ||
		    ps->in.s[n] == '\n'); n++)
			;
		if (n > 0)
			consume(ps, n);
		if (ps->in.len == 0)
			return SIPF_MORE;
		if ((end = head_end(ps, &term)) == -1) {
			if (ps->in.len > SIP_HEAD_MAX)
				return perr(ps, SIPF_ERROR, "the peer sent more "
				    "than %d KiB of headers without ending "
				    "them", SIP_HEAD_MAX / 1024);
			return SIPF_MORE;
		}
		if ((size_t)end > SIP_HEAD_MAX)
			return perr(ps, SIPF_ERROR, "the peer sent a message "
			    "with more than %d KiB of headers",
			    SIP_HEAD_MAX / 1024);
		memset(&m, 0, sizeof(m));
		if (parse_head(ps, ps->in.s, (size_t)end, &m) == -1) {
			msg_free(&m);
			return SIPF_ERROR;
		}
		consume(ps, (size_t)end + term);
		if (content_length(&m, &clen) == -1) {
			msg_free(&m);
			return perr(ps, SIPF_ERROR, "the peer's answer has a "
			    "Content-Length that is not one number");
		}
		m.body_len = clen;
		if (m.code == 0 || !ours(ps, &m)) {
			msg_free(&m);
			if (++ps->stray > SIP_STRAY_MAX)
				return perr(ps, SIPF_ERROR, "the peer sent more "
				    "than %d messages that are not an answer "
				    "to the OPTIONS", SIP_STRAY_MAX);
			if (clen > SIP_BODY_MAX)
				return perr(ps, SIPF_ERROR, "the peer sent a "
				    "message with a body of %zu bytes (more "
				    "than %d KiB)", clen, SIP_BODY_MAX / 1024);
			ps->skip = clen;
			continue;
		}
		ps->msgs = xreallocarray(ps->msgs, ps->nmsgs + 1,
		    sizeof(*ps->msgs));
		ps->msgs[ps->nmsgs++] = m;
		if (m.code >= 200)
			return ps->state = SIPF_FINAL;
		if (++ps->provisional >= SIP_PROVISIONAL_MAX)
			return perr(ps, SIPF_ENDLESS, "the peer sent %d "
			    "provisional responses and no final one",
			    SIP_PROVISIONAL_MAX);
		if (clen > SIP_BODY_MAX)
			return perr(ps, SIPF_ERROR, "the peer sent a "
			    "provisional response with a body of %zu bytes "
			    "(more than %d KiB)", clen, SIP_BODY_MAX / 1024);
		ps->skip = clen;
	}
}

enum sip_feed
sip_parser_feed(struct sip_parser *ps, const char *p, size_t n)
{
	if (ps->state != SIPF_MORE)
		return ps->state;
	ps->total += n;
	if (ps->total > SIP_READ_MAX)
		return perr(ps, SIPF_ERROR, "the peer sent more than %d KiB "
		    "without a final response", SIP_READ_MAX / 1024);
	buf_add(&ps->in, p, n);
	return parse(ps);
}

/* Inputs. */

int
sip_uri_check(const char *uri, char *why, size_t len)
{
	const char	*p;
	size_t		 skip;

	if (strncasecmp(uri, "sip:", 4) == 0)
		skip = 4;
	else if (strncasecmp(uri, "sips:", 5) == 0)
		skip = 5;
	else {
		snprintf(why, len, "is not a SIP URI: write it sip:user@domain "
		    "or sip:host");
		return -1;
	}
	if (strlen(uri) > SIP_URI_MAX) {
		snprintf(why, len, "is longer than %d bytes", SIP_URI_MAX);
		return -1;
	}
	if (uri[skip] == '\0' || uri[skip] == '@') {
		snprintf(why, len, "has no host after %.*s", (int)skip, uri);
		return -1;
	}
	/* RFC 3261 25.1: unreserved, escaped, and the reserved characters
	 * a URI with parameters uses; nothing that ends a header. */
	for (p = uri; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("-_.!~*'()&=+$,;?/:@%[]", *p) == NULL) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				snprintf(why, len, "has a control character "
				    "(0x%02x)", (unsigned char)*p);
			else
				snprintf(why, len, "has '%c', which a SIP URI "
				    "cannot hold as it is", *p);
			return -1;
		}
	return 0;
}

/* "2xx" or "403": one item of a status list. */
static int
status_item(const char *p, size_t n)
{
	if (n != 3 || p[0] < '2' || p[0] > '6')
		return 0;
	if (p[1] == 'x' && p[2] == 'x')
		return 1;
	return isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]);
}

int
sip_status_spec(const char *spec, char *why, size_t len)
{
	const char	*p, *e;
	size_t		 n;

	for (p = spec;; p = e + 1) {
		while (is_ws(*p))
			p++;
		e = p + strcspn(p, ",");
		for (n = (size_t)(e - p); n > 0 && is_ws(p[n - 1]); n--)
			;
		if (n == 0) {
			snprintf(why, len, "\"%s\" has an empty item: give "
			    "final statuses such as 2xx or 200, comma-separated",
			    spec);
			return -1;
		}
		if (!status_item(p, n)) {
			snprintf(why, len, "\"%.*s\" is not a final SIP status "
			    "(200-699) or class (2xx-6xx)", (int)n, p);
			return -1;
		}
		if (*e == '\0')
			return 0;
	}
}

int
sip_status_wanted(const char *spec, int code)
{
	const char	*p, *e;
	char		 c[4];

	if (spec == NULL)
		spec = "2xx";
	snprintf(c, sizeof(c), "%03d", code);
	for (p = spec; *p != '\0'; p = *e ? e + 1 : e) {
		while (is_ws(*p))
			p++;
		e = p + strcspn(p, ",");
		if (e - p >= 3 && p[0] == c[0] && (p[1] == 'x' ||
		    (p[1] == c[1] && p[2] == c[2])))
			return 1;
	}
	return 0;
}

/* The probe. */

struct sip_probe {
	struct evloop		*ev;
	struct tls_probe	*tp;
	SSL			*ssl;
	int			 fd;
	struct sip_want		 w;	/* its strings are the copies below */
	char			*host, *name, *ca, *cert, *key, *from, *to;
	char			*callid;
	struct buf		 req;
	size_t			 sent;
	int			 reading;
	struct sip_parser	*ps;
	uint64_t		 timer;
	int64_t			 start, sent_at;
	struct sip_result	 r;
	struct tls_result	 none;	/* no handshake: nothing but peer */
	sip_done_fn		 done;
	void			*arg;
};

const char *
sip_status_name(enum sip_status st)
{
	switch (st) {
	case SIP_OK:
		return "ok";
	case SIP_E_INPUT:
		return "input";
	case SIP_E_CONNECT:
		return "connect";
	case SIP_E_TIMEOUT:
		return "timeout";
	case SIP_E_TLS:
		return "tls";
	case SIP_E_CERT:
		return "certificate";
	case SIP_E_CLIENT_CERT:
		return "client_cert";
	case SIP_E_CLOSED:
		return "closed";
	case SIP_E_PROTOCOL:
		return "protocol";
	}
	return "?";
}

static void
say(struct sip_probe *s, enum sip_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct sip_probe *s, enum sip_status st, const char *fmt, ...)
{
	va_list	ap;

	s->r.status = st;
	free(s->r.message);
	va_start(ap, fmt);
	if (vasprintf(&s->r.message, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
}

static void
probe_free(struct sip_probe *s)
{
	if (s->timer != 0)
		evloop_timer_del(s->ev, s->timer);
	/* Stops watching the socket and closes it. */
	tls_probe_cancel(s->tp);
	sip_parser_free(s->ps);
	buf_free(&s->req);
	free(s->r.message);
	free(s->host);
	free(s->name);
	free(s->ca);
	free(s->cert);
	free(s->key);
	free(s->from);
	free(s->to);
	free(s->callid);
	free(s);
}

static void
finish(struct sip_probe *s)
{
	s->r.ms = evloop_now() - s->start;
	if (s->ps != NULL) {
		s->r.msgs = sip_parser_msgs(s->ps, &s->r.nmsgs);
		s->r.bytes = sip_parser_bytes(s->ps);
		s->r.stray = sip_parser_stray(s->ps);
	}
	s->r.request = s->reading ? s->req.s : NULL;
	s->done(&s->r, s->arg);
	probe_free(s);
}

static void
hex(char *out, size_t nbytes)
{
	unsigned char	b[32];
	size_t		i;

	if (nbytes > sizeof(b) || RAND_bytes(b, (int)nbytes) != 1)
		fatal("OpenSSL: no random bytes");
	for (i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* This host's name for the default From: gethostname, if it is a name. */
static void
local_name(char *buf, size_t len)
{
	char	*p;

	if (gethostname(buf, len) == -1 || buf[0] == '\0' || buf[0] == '-' ||
	    buf[0] == '.') {
		snprintf(buf, len, "localhost");
		return;
	}
	buf[len - 1] = '\0';
	for (p = buf; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.') {
			snprintf(buf, len, "localhost");
			return;
		}
}

/* Our end of the connection, for Via and Contact: "192.0.2.9:40112",
 * "[2001:db8::9]:40112". */
static void
local_end(int fd, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			 a[INET6_ADDRSTRLEN];

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		goto none;
	if (ss.ss_family == AF_INET && inet_ntop(AF_INET,
	    &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof(a)) != NULL) {
		snprintf(buf, len, "%s:%u", a,
		    ntohs(((struct sockaddr_in *)&ss)->sin_port));
		return;
	}
	if (ss.ss_family == AF_INET6 && inet_ntop(AF_INET6,
	    &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof(a)) != NULL) {
		snprintf(buf, len, "[%s]:%u", a,
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
		return;
	}
none:
	snprintf(buf, len, "0.0.0.0:0");
}

/*
 * The OPTIONS of RFC 3261 11.1, over TLS: the request URI is the To URI;
 * the Via names our end of this connection with a branch starting with
 * the magic cookie z9hG4bK (8.1.1.7); the From has a tag (8.1.1.3);
 * Content-Length 0 (on a stream it is mandatory, 18.3).
 */
static void
build_request(struct sip_probe *s)
{
	char	branch[33], tag[17], id[33];

	hex(branch, 16);
	hex(tag, 8);
	hex(id, 16);
	s->callid = xasprintf("%s@fedwiz", id);
	local_end(s->fd, s->r.local, sizeof(s->r.local));
	buf_printf(&s->req,
	    "OPTIONS %s SIP/2.0\r\n"
	    "Via: SIP/2.0/TLS %s;branch=z9hG4bK%s\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <%s>;tag=%s\r\n"
	    "To: <%s>\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: 1 OPTIONS\r\n"
	    "Contact: <sip:fedwiz@%s;transport=tls>\r\n"
	    "Accept: application/sdp\r\n"
	    "User-Agent: fedwiz/%s\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n",
	    s->to, s->r.local, branch, s->from, tag, s->to, s->callid,
	    s->r.local, PACKAGE_VERSION);
	s->ps = sip_parser_new(s->callid, 1);
}

/* The connection failed under SSL_read/SSL_write. */
static void
io_failed(struct sip_probe *s, int err)
{
	char		*msg, *what, buf[256];
	enum tls_io	 k;
	size_t		 n = 0;

	/* A write that failed (the peer reset the connection) may have an
	 * alert waiting behind it, which says why: read what is there. */
	if (!s->reading) {
		ERR_clear_error();
		(void)SSL_read(s->ssl, buf, sizeof(buf));
	}
	k = tls_probe_io_error(s->tp, err, &msg);
	ERR_clear_error();
	if (s->reading)
		(void)sip_parser_msgs(s->ps, &n);
	what = s->reading ? xasprintf(" after the OPTIONS, %s", n > 0 ?
	    "with no final response" : "without an answer") :
	    xstrdup(" before the OPTIONS was sent");
	if (k == TLS_IO_CERT) {
		/* Under TLS 1.3 a server judges our certificate after our
		 * side of the handshake is done: its refusal comes as the
		 * answer to the request. */
		say(s, SIP_E_CLIENT_CERT, "%s (it came%s)", msg, what);
		s->r.client_alert = tls_probe_conn_alert(s->tp);
	}
	else if (k == TLS_IO_ERROR)
		say(s, SIP_E_PROTOCOL, "%s%s", msg, what);
	else
		say(s, SIP_E_CLOSED, "%s%s", msg, what);
	free(msg);
	free(what);
	finish(s);
}

static void
got_final(struct sip_probe *s)
{
	size_t	n;

	s->r.msgs = sip_parser_msgs(s->ps, &n);
	s->r.nmsgs = n;
	s->r.final = &s->r.msgs[n - 1];
	s->r.answer_ms = evloop_now() - s->sent_at;
	s->r.status = SIP_OK;
	finish(s);
}

static void
step(struct sip_probe *s)
{
	char		 buf[16384];
	enum sip_feed	 f;
	int		 rc, err;

	if (!s->reading) {
		ERR_clear_error();
		errno = 0;
		rc = SSL_write(s->ssl, s->req.s + s->sent, (int)(s->req.len -
		    s->sent));
		if (rc <= 0) {
			err = SSL_get_error(s->ssl, rc);
			if (err == SSL_ERROR_WANT_WRITE ||
			    err == SSL_ERROR_WANT_READ) {
				evloop_fd_events(s->ev, s->fd, err ==
				    SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN);
				return;
			}
			io_failed(s, err);
			return;
		}
		s->sent += (size_t)rc;
		if (s->sent < s->req.len)
			return;
		s->reading = 1;
		s->sent_at = evloop_now();
	}
	for (;;) {
		ERR_clear_error();
		errno = 0;
		rc = SSL_read(s->ssl, buf, sizeof(buf));
		if (rc <= 0) {
			err = SSL_get_error(s->ssl, rc);
			if (err == SSL_ERROR_WANT_READ ||
			    err == SSL_ERROR_WANT_WRITE) {
				evloop_fd_events(s->ev, s->fd, err ==
				    SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN);
				return;
			}
			io_failed(s, err);
			return;
		}
		f = sip_parser_feed(s->ps, buf, (size_t)rc);
		if (f == SIPF_FINAL) {
			got_final(s);
			return;
		}
		if (f == SIPF_ERROR || f == SIPF_ENDLESS) {
			say(s, f == SIPF_ENDLESS ? SIP_E_TIMEOUT :
			    SIP_E_PROTOCOL, "%s: %s", s->r.tls->peer,
			    sip_parser_error(s->ps));
			finish(s);
			return;
		}
	}
}

static void
on_io(struct evloop *ev, int fd, short revents, void *arg)
{
	(void)ev;
	(void)fd;
	(void)revents;
	step(arg);
}

static void
on_answer_timeout(struct evloop *ev, void *arg)
{
	struct sip_probe	*s = arg;
	const struct sip_msg	*m;
	size_t			 n;
	char			*q;

	(void)ev;
	s->timer = 0;
	m = sip_parser_msgs(s->ps, &n);
	if (!s->reading)
		say(s, SIP_E_TIMEOUT, "%s did not take the OPTIONS within "
		    "%lld s", s->r.tls->peer, (long long)(s->w.answer_ms +
		    999) / 1000);
	else if (n == 0)
		say(s, SIP_E_TIMEOUT, "%s sent no answer to the OPTIONS "
		    "within %lld s", s->r.tls->peer, (long long)(s->w.answer_ms
		    + 999) / 1000);
	else {
		q = quote(m[n - 1].start, strlen(m[n - 1].start), QUOTE_MAX);
		say(s, SIP_E_TIMEOUT, "%s sent no final response to the "
		    "OPTIONS within %lld s, only %zu provisional (the last: "
		    "\"%s\")", s->r.tls->peer, (long long)(s->w.answer_ms +
		    999) / 1000, n, q);
		free(q);
	}
	finish(s);
}

/* The handshake is over: go on, or say why not. */
static void
on_tls(const struct tls_result *res, void *arg)
{
	struct sip_probe	*s = arg;
	char			*q;

	s->r.tls = res;
	switch (res->status) {
	case TLS_OK:
		break;
	case TLS_E_INPUT:
		say(s, SIP_E_INPUT, "%s", res->message);
		goto out;
	case TLS_E_CONNECT:
		say(s, SIP_E_CONNECT, "%s", res->message);
		goto out;
	case TLS_E_TIMEOUT:
		say(s, SIP_E_TIMEOUT, "%s", res->message);
		goto out;
	case TLS_E_REFUSED:
		/* Under TLS 1.2 a server refuses our certificate in the
		 * handshake. */
		if (res->client_sent && res->client_requested &&
		    tls_alert_about_cert(res->alert)) {
			say(s, SIP_E_CLIENT_CERT, "%s: it refused the client "
			    "certificate we presented", res->message);
			s->r.client_alert = res->alert;
			goto out;
		}
		say(s, SIP_E_TLS, "%s", res->message);
		goto out;
	case TLS_E_CLOSED:
	case TLS_E_PROTOCOL:
		say(s, SIP_E_TLS, "%s", res->message);
		goto out;
	}
	if (res->client_required == 1 && !res->client_sent) {
		say(s, SIP_E_CLIENT_CERT, "%s requires a client certificate "
		    "(mutual TLS) and ended the handshake without one: give "
		    "--client-cert and --client-key (the certificate this "
		    "side presents to the peer, with Client Authentication)",
		    res->peer);
		goto out;
	}
	if (res->ncerts == 0) {
		say(s, SIP_E_CERT, "%s presented no certificate", res->peer);
		goto out;
	}
	if (res->judged && res->verdict.n > 0) {
		q = xasprintf("%s: %s", res->peer, res->verdict.facts[0]);
		say(s, SIP_E_CERT, "%s%s; the OPTIONS was not sent (a "
		    "federation peer hangs up here)", q, res->verdict.n > 1 ?
		    " (and more defects)" : "");
		free(q);
		goto out;
	}
	if (tls_probe_keep(s->tp) == -1) {
		say(s, SIP_E_CLOSED, "%s closed the connection right after "
		    "the handshake", res->peer);
		goto out;
	}
	s->r.tls = tls_probe_result(s->tp);
	s->ssl = tls_probe_ssl(s->tp);
	s->fd = tls_probe_fd(s->tp);
	build_request(s);
	s->timer = evloop_timer(s->ev, s->w.answer_ms, on_answer_timeout, s);
	evloop_fd(s->ev, s->fd, POLLOUT, on_io, s);
	step(s);
	return;
out:
	/* tls.c frees its probe when this returns. */
	s->tp = NULL;
	finish(s);
}

static void
on_early(struct evloop *ev, void *arg)
{
	struct sip_probe	*s = arg;

	(void)ev;
	s->timer = 0;
	finish(s);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct sip_probe *
sip_probe_start(struct evloop *ev, const struct sip_want *w, sip_done_fn done,
    void *arg)
{
	struct sip_probe	*s = xcalloc(1, sizeof(*s));
	char			 why[120], me[256];
	const char		*bad = NULL;

	s->ev = ev;
	s->w = *w;
	s->w.tls.host = s->host = xstrdup(w->tls.host);
	s->w.tls.name = s->name = dup_or_null(w->tls.name);
	s->w.tls.ca = s->ca = dup_or_null(w->tls.ca);
	s->w.tls.client_cert = s->cert = dup_or_null(w->tls.client_cert);
	s->w.tls.client_key = s->key = dup_or_null(w->tls.client_key);
	if (s->w.answer_ms <= 0)
		s->w.answer_ms = SIP_ANSWER_MS;
	s->fd = -1;
	s->done = done;
	s->arg = arg;
	s->start = evloop_now();
	s->r.answer_ms = -1;
	snprintf(s->none.peer, sizeof(s->none.peer), "%s:%d", w->tls.host,
	    w->tls.port);
	s->none.status = TLS_E_INPUT;
	s->none.alert = -1;
	s->none.client_required = -1;
	s->r.tls = &s->none;
	buf_init(&s->req);
	if (w->from != NULL)
		s->from = xstrdup(w->from);
	else {
		local_name(me, sizeof(me));
		s->from = xasprintf("sip:fedwiz@%s", me);
	}
	s->to = w->to != NULL ? xstrdup(w->to) : xasprintf("sip:%s%s%s",
	    strchr(w->tls.name ? w->tls.name : w->tls.host, ':') ? "[" : "",
	    w->tls.name ? w->tls.name : w->tls.host, strchr(w->tls.name ?
	    w->tls.name : w->tls.host, ':') ? "]" : "");
	if (sip_uri_check(s->from, why, sizeof(why)) == -1)
		bad = "From";
	else if (sip_uri_check(s->to, why, sizeof(why)) == -1)
		bad = "To";
	if (bad != NULL) {
		/* The URI is the operator's, but it may hold anything. */
		say(s, SIP_E_INPUT, "the %s URI %s", bad, why);
		s->timer = evloop_timer(ev, 0, on_early, s);
		return s;
	}
	s->tp = tls_probe_start(ev, &s->w.tls, on_tls, s);
	return s;
}

void
sip_probe_cancel(struct sip_probe *s)
{
	if (s != NULL)
		probe_free(s);
}

/* Judging. */

/* What a final status usually means on a federation hop. */
static const struct {
	int		 code;
	const char	*means;
} status_means[] = {
	{ 403, "the peer refuses requests from us: see ms-diagnostics; on "
	    "Lync/OCS, our domain is not an allowed (federated) domain or "
	    "federation is off; on IM and Presence, our domain or host is "
	    "not in its federation, ACL or TLS peer subject settings" },
	{ 404, "the peer does not know the request URI's domain or user: "
	    "check the To (--to) and that the peer serves that SIP domain" },
	{ 408, "a hop behind the peer did not answer in time" },
	{ 480, "the peer or a hop behind it cannot take the request now" },
	{ 488, "the peer does not accept the request as sent" },
	{ 500, "the peer failed while handling the request" },
	{ 502, "a hop behind the peer answered with something unusable" },
	{ 503, "the peer, or the next hop it routes to, is not in service: "
	    "see ms-diagnostics" },
	{ 504, "the peer could not reach the next hop (its route, DNS or "
	    "the partner's Edge) in time: see ms-diagnostics" },
};

static const char *
means(int code)
{
	size_t	i;

	for (i = 0; i < nitems(status_means); i++)
		if (status_means[i].code == code)
			return status_means[i].means;
	return NULL;
}

/*
 * The alert a server refused our client certificate with, as the class of
 * what to put right. Servers built on OpenSSL (IM and Presence's SIP
 * proxy among them) send the alert of the verification error, by
 * OpenSSL 3's table in ssl/statem/statem_lib.c (x509table):
 * X509_V_ERR_INVALID_PURPOSE (no Client Authentication in the EKU) ->
 * unsupported_certificate (43); an issuer it cannot find or trust ->
 * unknown_ca (48); X509_V_ERR_CERT_HAS_EXPIRED -> certificate_expired
 * (45). NULL: no finer class (bad_certificate says nothing more).
 */
static const char *
client_alert_class(int alert)
{
	switch (alert) {
	case 43:
		return "client_eku";
	case 45:
		return "client_validity";
	case 48:
		return "client_ca";
	}
	return NULL;
}

void
sip_judge(const struct sip_result *r, const char *want,
    struct sip_judgement *j)
{
	const struct sip_msg	*f = r->final;
	const char		*d, *pd, *m;
	char			*reason, *diag = NULL, *pdiag = NULL;

	memset(j, 0, sizeof(*j));
	switch (r->status) {
	case SIP_OK:
		break;
	case SIP_E_INPUT:
		j->verdict = SIPV_INPUT;
		j->what = xstrdup(r->message);
		return;
	case SIP_E_CONNECT:
	case SIP_E_TIMEOUT:
		j->verdict = SIPV_ERROR;
		j->cls = r->status == SIP_E_CONNECT ? "connect" : "timeout";
		j->what = xstrdup(r->message);
		return;
	case SIP_E_TLS:
		j->verdict = SIPV_FAIL;
		j->cls = "tls";
		j->sub = "refused";
		j->what = xstrdup(r->message);
		return;
	case SIP_E_CERT:
		j->verdict = SIPV_FAIL;
		j->cls = "tls";
		j->what = xstrdup(r->message);
		return;
	case SIP_E_CLIENT_CERT:
		j->verdict = SIPV_FAIL;
		j->cls = "client_cert";
		j->sub = client_alert_class(r->client_alert);
		j->what = xstrdup(r->message);
		return;
	case SIP_E_CLOSED:
	case SIP_E_PROTOCOL:
		j->verdict = SIPV_FAIL;
		j->cls = "closed";
		j->what = xstrdup(r->message);
		return;
	}
	if (sip_status_wanted(want, f->code)) {
		j->verdict = SIPV_PASS;
		return;
	}
	j->verdict = SIPV_FAIL;
	j->cls = "status";
	snprintf(j->subbuf, sizeof(j->subbuf), "status_%03d", f->code);
	j->sub = j->subbuf;
	reason = quote(f->reason, strlen(f->reason), QUOTE_MAX);
	if ((d = sip_msg_header(f, "ms-diagnostics")) != NULL)
		diag = quote(d, strlen(d), 2 * QUOTE_MAX);
	if ((pd = sip_msg_header(f, "ms-diagnostics-public")) != NULL)
		pdiag = quote(pd, strlen(pd), 2 * QUOTE_MAX);
	m = means(f->code);
	j->what = xasprintf("%s answered the OPTIONS with %03d %s%s%s%s%s"
	    "%s%s (wanted %s)", r->tls->peer, f->code, reason,
	    diag ? "; ms-diagnostics: " : "", diag ? diag : "",
	    pdiag ? "; ms-diagnostics-public: " : "", pdiag ? pdiag : "",
	    m ? "; " : "", m ? m : "", want ? want : "2xx");
	free(reason);
	free(diag);
	free(pdiag);
}

void
sip_judgement_free(struct sip_judgement *j)
{
	if (j == NULL)
		return;
	free(j->what);
	memset(j, 0, sizeof(*j));
}
