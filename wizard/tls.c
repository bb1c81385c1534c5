/*
 * tls.c: one TLS handshake on the event loop (OpenSSL 3, non-blocking),
 * then what it showed: protocol, cipher, the presented chain judged by
 * certinfo.c, and the peer's stance on client certificates.
 *
 * Whether a peer *insists* on a client certificate shows differently per
 * version: under TLS 1.2 it ends the handshake with an alert after our
 * empty Certificate; under TLS 1.3 our side of the handshake is already
 * finished when the peer reads it, so the alert (certificate_required)
 * comes just after. So when the peer asked and we had nothing to give,
 * the probe waits a moment after a TLS 1.3 handshake for that alert.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "certinfo.h"
#include "evloop.h"
#include "hello.h"
#include "net.h"
#include "tls.h"
#include "util.h"

/* How long to wait after a TLS 1.3 handshake for the alert of a peer that
 * requires the certificate we did not send. The peer sends it as soon as
 * it reads our Finished, so a round trip is enough; this is generous. */
#define AFTER_WAIT_MS	1500

enum phase {
	P_CONNECT,
	P_HANDSHAKE,
	P_AFTER		/* TLS 1.3: waiting for a certificate_required */
};

struct tls_probe {
	struct evloop		*ev;
	struct net_conn		*nc;
	struct tls_want		 w;	/* its strings are the copies below */
	char			*host, *name, *ca, *cert, *key, *cn;
	enum phase		 phase;
	SSL_CTX			*ctx;
	SSL			*ssl;
	X509_STORE		*trust;
	int			 fd;
	uint64_t		 timer;
	uint64_t		 after_timer;
	int64_t			 start;
	struct tls_result	 r;
	tls_done_fn		 done;
	void			*arg;
	int			 open;		/* handshake done, still up */
	int			 kept;		/* tls_probe_keep: the caller's */
	int			 in_done;	/* inside p->done */
	int			 cancelled;	/* cancelled from inside it */
	int			 conn_alert;	/* the peer's alert after the
						   handshake; -1: none */
};

static void	finish(struct tls_probe *);
static void	on_timeout(struct evloop *, void *);

const char *
tls_status_name(enum tls_status st)
{
	switch (st) {
	case TLS_OK:
		return "ok";
	case TLS_E_INPUT:
		return "input";
	case TLS_E_CONNECT:
		return "connect";
	case TLS_E_TIMEOUT:
		return "timeout";
	case TLS_E_REFUSED:
		return "refused";
	case TLS_E_CLOSED:
		return "closed";
	case TLS_E_PROTOCOL:
		return "protocol";
	}
	return "?";
}

static void
set_message(struct tls_probe *p, enum tls_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_message(struct tls_probe *p, enum tls_status st, const char *fmt, ...)
{
	va_list	ap;

	p->r.status = st;
	free(p->r.message);
	va_start(ap, fmt);
	if (vasprintf(&p->r.message, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
}

/* OpenSSL's error queue as one reason, emptied. */
static void
ssl_reason(char *buf, size_t len)
{
	unsigned long	 e, last = 0;
	const char	*r;

	while ((e = ERR_get_error()) != 0)
		last = e;
	r = last ? ERR_reason_error_string(last) : NULL;
	snprintf(buf, len, "%s", r != NULL ? r : "no reason given");
}

/* Handshake messages and alerts from the peer, as they come. */
static void
on_msg(int write_p, int version, int content_type, const void *buf,
    size_t len, SSL *ssl, void *arg)
{
	struct tls_probe	*p = arg;
	const uint8_t		*b = buf;

	(void)version;
	(void)ssl;
	if (write_p)
		return;
	if (content_type == SSL3_RT_HANDSHAKE && len > 0 &&
	    b[0] == SSL3_MT_CERTIFICATE_REQUEST)
		p->r.client_requested = 1;
	else if (content_type == SSL3_RT_ALERT && len >= 2 && p->kept)
		p->conn_alert = b[1];
	else if (content_type == SSL3_RT_ALERT && len >= 2 && p->r.alert == -1)
		p->r.alert = b[1];
}

static int
version_ossl(uint16_t v)
{
	switch (v) {
	case HELLO_TLS10:
		return TLS1_VERSION;
	case HELLO_TLS11:
		return TLS1_1_VERSION;
	case HELLO_TLS12:
		return TLS1_2_VERSION;
	case HELLO_TLS13:
		return TLS1_3_VERSION;
	}
	return 0;
}

/* The context: a protocol range, every cipher OpenSSL still has (this is
 * a probe of what the peer does, not a channel for secrets), and the
 * client certificate if there is one. -1 and a message when the files
 * are bad. */
static int
no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	if (arg != NULL)
		*(int *)arg = 1;
	return -1;
}

static int
make_ctx(struct tls_probe *p)
{
	char	why[160];
	int	asked = 0, rc;

	if ((p->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		fatal("OpenSSL: cannot create a TLS context");
	SSL_CTX_set_security_level(p->ctx, 0);
	SSL_CTX_set_options(p->ctx, SSL_OP_LEGACY_SERVER_CONNECT |
	    SSL_OP_NO_TICKET);
	if (SSL_CTX_set_cipher_list(p->ctx, "ALL:@SECLEVEL=0") != 1)
		fatal("OpenSSL: cipher list refused");
	SSL_CTX_set_min_proto_version(p->ctx, p->w.min ?
	    version_ossl(p->w.min) : TLS1_VERSION);
	SSL_CTX_set_max_proto_version(p->ctx, version_ossl(p->w.max));
	SSL_CTX_set_verify(p->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_msg_callback(p->ctx, on_msg);
	SSL_CTX_set_msg_callback_arg(p->ctx, p);
	if (p->w.client_cert == NULL)
		return 0;
	/* An encrypted key must fail with our message, not have OpenSSL
	 * ask for its passphrase on /dev/tty behind the screen's back. */
	SSL_CTX_set_default_passwd_cb(p->ctx, no_passphrase);
	SSL_CTX_set_default_passwd_cb_userdata(p->ctx, &asked);
	/* OpenSSL says "system lib" for a file it cannot open. */
	if (access(p->w.client_cert, R_OK) == -1) {
		set_message(p, TLS_E_INPUT, "client certificate %s: cannot "
		    "read: %s", p->w.client_cert, strerror(errno));
		return -1;
	}
	if (p->w.client_key != NULL && access(p->w.client_key, R_OK) == -1) {
		set_message(p, TLS_E_INPUT, "client key %s: cannot read: %s",
		    p->w.client_key, strerror(errno));
		return -1;
	}
	if (SSL_CTX_use_certificate_chain_file(p->ctx, p->w.client_cert) !=
	    1) {
		ssl_reason(why, sizeof(why));
		set_message(p, TLS_E_INPUT, "client certificate %s: %s (a PEM "
		    "certificate, optionally followed by its intermediates)",
		    p->w.client_cert, why);
		return -1;
	}
	rc = SSL_CTX_use_PrivateKey_file(p->ctx, p->w.client_key ?
	    p->w.client_key : p->w.client_cert, SSL_FILETYPE_PEM);
	SSL_CTX_set_default_passwd_cb_userdata(p->ctx, NULL);
	if (rc != 1) {
		ssl_reason(why, sizeof(why));
		if (asked)
			set_message(p, TLS_E_INPUT, "client key %s is "
			    "encrypted: fedwiz does not ask for key "
			    "passphrases here; give an unencrypted copy "
			    "(a 0600 PEM file)", p->w.client_key ?
			    p->w.client_key : p->w.client_cert);
		else
			set_message(p, TLS_E_INPUT, "client key %s: %s (an "
			    "unencrypted PEM private key)", p->w.client_key ?
			    p->w.client_key : p->w.client_cert, why);
		return -1;
	}
	if (SSL_CTX_check_private_key(p->ctx) != 1) {
		ERR_clear_error();
		set_message(p, TLS_E_INPUT, "client key %s does not belong to "
		    "the certificate %s", p->w.client_key ? p->w.client_key :
		    p->w.client_cert, p->w.client_cert);
		return -1;
	}
	return 0;
}

/* What the peer showed: protocol, cipher, chain, CA names, verdict. */
static void
collect(struct tls_probe *p)
{
	STACK_OF(X509)		*chain;
	STACK_OF(X509_NAME)	*cas;
	const SSL_CIPHER	*ci;
	struct cert_want	 cw;
	BIO			*b;
	char			*s;
	long			 n;
	int			 i;

	snprintf(p->r.version, sizeof(p->r.version), "%s",
	    SSL_get_version(p->ssl));
	if ((ci = SSL_get_current_cipher(p->ssl)) != NULL) {
		snprintf(p->r.cipher, sizeof(p->r.cipher), "%s",
		    SSL_CIPHER_get_name(ci));
		p->r.cipher_id = SSL_CIPHER_get_protocol_id(ci);
	}
	chain = SSL_get_peer_cert_chain(p->ssl);
	if (chain != NULL && sk_X509_num(chain) > 0) {
		p->r.ncerts = (size_t)sk_X509_num(chain);
		p->r.certs = xcalloc(p->r.ncerts, sizeof(*p->r.certs));
		for (i = 0; i < sk_X509_num(chain); i++)
			cert_describe(sk_X509_value(chain, i), &p->r.certs[i]);
		memset(&cw, 0, sizeof(cw));
		cw.name = p->w.name;
		cw.cn = p->w.cn;
		cw.eku = p->w.eku;
		cw.trust = p->trust;
		cw.skew = p->w.skew;
		cert_judge(sk_X509_value(chain, 0), chain, &cw, &p->r.verdict);
		p->r.judged = 1;
	}
	cas = SSL_get_client_CA_list(p->ssl);
	if (p->r.client_requested && cas != NULL && sk_X509_NAME_num(cas) > 0) {
		p->r.nca_names = (size_t)sk_X509_NAME_num(cas);
		p->r.ca_names = xcalloc(p->r.nca_names, sizeof(char *));
		for (i = 0; i < sk_X509_NAME_num(cas); i++) {
			if ((b = BIO_new(BIO_s_mem())) == NULL)
				fatal("out of memory");
			X509_NAME_print_ex(b, sk_X509_NAME_value(cas, i), 0,
			    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
			n = BIO_get_mem_data(b, &s);
			p->r.ca_names[i] = xstrndup(s, n > 0 ? (size_t)n : 0);
			BIO_free(b);
		}
	}
}

/* The handshake failed: say why in the peer's terms. */
static void
failed(struct tls_probe *p, int err)
{
	char		 why[160];
	const char	*range;
	int		 eof;

	ssl_reason(why, sizeof(why));
	/* OpenSSL 3 reports a bare end of stream as an error of its own. */
	eof = err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN ||
	    strstr(why, "unexpected eof") != NULL;
	if (p->r.client_requested && !p->r.client_sent && (p->r.alert == 40 ||
	    p->r.alert == 42 || p->r.alert == 116 || (p->r.alert == -1 &&
	    eof))) {
		/* It asked for a certificate, got none, and ended it: that
		 * is its answer to "do you require one". */
		p->r.client_required = 1;
		collect(p);
		p->r.status = TLS_OK;
		finish(p);
		return;
	}
	range = p->w.min && p->w.min == p->w.max ?
	    hello_version_name(p->w.min) : NULL;
	if (p->r.alert == 70)
		set_message(p, TLS_E_REFUSED, "%s refused the handshake with "
		    "the alert %s: it does not accept %s", p->r.peer,
		    hello_alert_name(p->r.alert), range ? range :
		    "the protocol versions offered");
	else if (p->r.alert == 40)
		set_message(p, TLS_E_REFUSED, "%s refused the handshake with "
		    "the alert %s: no protocol version and cipher suite in "
		    "common%s%s", p->r.peer, hello_alert_name(p->r.alert),
		    range ? " with " : "", range ? range : "");
	else if (p->r.alert != -1)
		set_message(p, TLS_E_REFUSED, "%s refused the handshake with "
		    "the alert %s", p->r.peer, hello_alert_name(p->r.alert));
	if (p->r.alert != -1) {
		finish(p);
		return;
	}
	if (eof) {
		set_message(p, TLS_E_CLOSED, "%s closed the connection during "
		    "the TLS handshake, without an alert (%s)", p->r.peer,
		    errno ? strerror(errno) : "end of stream");
		finish(p);
		return;
	}
	if (strstr(why, "unsupported protocol") != NULL ||
	    strstr(why, "no protocols available") != NULL)
		set_message(p, TLS_E_REFUSED, "%s answered with a protocol "
		    "version outside %s to %s: %s", p->r.peer,
		    p->w.min ? hello_version_name(p->w.min) : "TLSv1.0",
		    p->w.max ? hello_version_name(p->w.max) : "TLSv1.3", why);
	else
		set_message(p, TLS_E_PROTOCOL, "the TLS handshake with %s "
		    "failed: %s%s", p->r.peer, why, strstr(why,
		    "wrong version number") || strstr(why, "record layer") ?
		    " (is this a TLS port?)" : "");
	finish(p);
}

static void
on_after_timeout(struct evloop *ev, void *arg)
{
	struct tls_probe	*p = arg;

	(void)ev;
	p->after_timer = 0;
	p->r.client_required = 0;	/* it went on without one */
	finish(p);
}

static void
step(struct tls_probe *p)
{
	char	buf[256];
	int	rc, err;

	if (p->phase == P_AFTER) {
		ERR_clear_error();
		errno = 0;
		rc = SSL_read(p->ssl, buf, sizeof(buf));
		err = rc > 0 ? SSL_ERROR_NONE : SSL_get_error(p->ssl, rc);
		if (rc > 0 || err == SSL_ERROR_WANT_READ ||
		    err == SSL_ERROR_WANT_WRITE) {
			evloop_fd_events(p->ev, p->fd, err ==
			    SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN);
			return;
		}
		ERR_clear_error();
		/* A fatal alert about certificates: it would not go on. A
		 * polite close (close_notify) means it did; a bare hang-up
		 * proves neither. */
		p->r.client_required = p->r.alert == 40 || p->r.alert == 42 ||
		    p->r.alert == 116 ? 1 : p->r.alert == 0 ? 0 : -1;
		p->open = 0;
		finish(p);
		return;
	}
	ERR_clear_error();
	errno = 0;
	rc = SSL_connect(p->ssl);
	if (rc == 1) {
		p->open = 1;
		collect(p);
		p->r.status = TLS_OK;
		if (!p->r.client_requested) {
			p->r.client_required = 0;
			finish(p);
		} else if (p->r.client_sent)
			finish(p);
		else if (SSL_version(p->ssl) >= TLS1_3_VERSION) {
			p->phase = P_AFTER;
			p->after_timer = evloop_timer(p->ev, AFTER_WAIT_MS,
			    on_after_timeout, p);
			step(p);
		} else {
			p->r.client_required = 0;
			finish(p);
		}
		return;
	}
	err = SSL_get_error(p->ssl, rc);
	if (err == SSL_ERROR_WANT_READ) {
		evloop_fd_events(p->ev, p->fd, POLLIN);
		return;
	}
	if (err == SSL_ERROR_WANT_WRITE) {
		evloop_fd_events(p->ev, p->fd, POLLOUT);
		return;
	}
	failed(p, err);
}

static void
on_io(struct evloop *ev, int fd, short revents, void *arg)
{
	(void)ev;
	(void)fd;
	(void)revents;
	if (!((struct tls_probe *)arg)->kept)
		step(arg);
}

static void
on_connected(int fd, enum net_status st, const char *msg, const char *peer,
    void *arg)
{
	struct tls_probe	*p = arg;
	int64_t			 left;

	p->nc = NULL;
	snprintf(p->r.peer, sizeof(p->r.peer), "%s", peer);
	if (fd == -1) {
		set_message(p, st == NET_TIMEOUT ? TLS_E_TIMEOUT :
		    TLS_E_CONNECT, "%s", msg);
		finish(p);
		return;
	}
	p->fd = fd;
	p->phase = P_HANDSHAKE;
	left = p->start + p->w.timeout_ms - evloop_now();
	p->timer = evloop_timer(p->ev, left > 0 ? left : 0, on_timeout, p);
	if ((p->ssl = SSL_new(p->ctx)) == NULL)
		fatal("OpenSSL: cannot create a TLS connection");
	/* Without a certificate of ours, OpenSSL answers a request with an
	 * empty Certificate message, as a client with none must. */
	p->r.client_sent = p->w.client_cert != NULL;
	if (p->w.name != NULL && !net_is_address(p->w.name))
		SSL_set_tlsext_host_name(p->ssl, p->w.name);
	SSL_set_fd(p->ssl, fd);
	evloop_fd(p->ev, fd, POLLOUT, on_io, p);
	step(p);
}

static void
on_timeout(struct evloop *ev, void *arg)
{
	struct tls_probe	*p = arg;

	(void)ev;
	p->timer = 0;
	if (p->phase == P_AFTER) {
		p->r.client_required = 0;
		finish(p);
		return;
	}
	set_message(p, TLS_E_TIMEOUT, "%s accepted the connection but did "
	    "not complete a TLS handshake within %lld s (a TLS port that is "
	    "stuck, or not a TLS port)", p->r.peer, (long long)(p->w.timeout_ms
	    + 999) / 1000);
	finish(p);
}

/* Errors found before connecting are reported from the loop too. */
static void
on_early(struct evloop *ev, void *arg)
{
	(void)ev;
	((struct tls_probe *)arg)->timer = 0;
	finish(arg);
}

static void
probe_free(struct tls_probe *p)
{
	size_t	i;

	if (p->nc != NULL)
		net_cancel(p->nc);
	if (p->timer != 0)
		evloop_timer_del(p->ev, p->timer);
	if (p->after_timer != 0)
		evloop_timer_del(p->ev, p->after_timer);
	if (p->ssl != NULL)
		SSL_free(p->ssl);
	if (p->fd != -1) {
		evloop_fd_del(p->ev, p->fd);
		close(p->fd);
	}
	SSL_CTX_free(p->ctx);
	X509_STORE_free(p->trust);
	for (i = 0; i < p->r.ncerts; i++)
		cert_desc_free(&p->r.certs[i]);
	free(p->r.certs);
	if (p->r.judged)
		cert_verdict_free(&p->r.verdict);
	for (i = 0; i < p->r.nca_names; i++)
		free(p->r.ca_names[i]);
	free(p->r.ca_names);
	free(p->r.message);
	free(p->host);
	free(p->name);
	free(p->cn);
	free(p->ca);
	free(p->cert);
	free(p->key);
	free(p);
}

static void
finish(struct tls_probe *p)
{
	p->r.ms = evloop_now() - p->start;
	if (p->r.peer[0] == '\0')
		snprintf(p->r.peer, sizeof(p->r.peer), "%s:%d", p->w.host,
		    p->w.port);
	/*
	 * The callback may keep the connection (tls_probe_keep) and then,
	 * with an answer already read, be done with it and cancel it before
	 * it returns (probe sip does): the probe is freed here, after the
	 * callback, never under it.
	 */
	p->in_done = 1;
	p->done(&p->r, p->arg);
	p->in_done = 0;
	if (!p->kept || p->cancelled)
		probe_free(p);
}

int
tls_probe_keep(struct tls_probe *p)
{
	if (p->r.status != TLS_OK || !p->open || p->kept)
		return -1;
	if (p->timer != 0)
		evloop_timer_del(p->ev, p->timer);
	if (p->after_timer != 0)
		evloop_timer_del(p->ev, p->after_timer);
	p->timer = p->after_timer = 0;
	evloop_fd_events(p->ev, p->fd, 0);
	p->kept = 1;
	return 0;
}

const struct tls_result *
tls_probe_result(const struct tls_probe *p)
{
	return &p->r;
}

SSL *
tls_probe_ssl(struct tls_probe *p)
{
	return p->kept ? p->ssl : NULL;
}

int
tls_probe_fd(const struct tls_probe *p)
{
	return p->kept ? p->fd : -1;
}

int
tls_alert_about_cert(int a)
{
	return (a >= 42 && a <= 46) || a == 48 || a == 116;
}

int
tls_probe_conn_alert(const struct tls_probe *p)
{
	return p->conn_alert;
}

enum tls_io
tls_probe_io_error(struct tls_probe *p, int err, char **msg)
{
	char	why[160];
	int	a = p->conn_alert;

	ssl_reason(why, sizeof(why));
	if (a > 0 && tls_alert_about_cert(a)) {
		*msg = xasprintf("%s ended the connection with the alert %s: "
		    "it %s the client certificate%s", p->r.peer,
		    hello_alert_name(a), a == 116 ? "requires" : "refused",
		    p->r.client_sent ? " we presented" : "");
		return TLS_IO_CERT;
	}
	if (a > 0) {
		*msg = xasprintf("%s ended the connection with the alert %s",
		    p->r.peer, hello_alert_name(a));
		return TLS_IO_ALERT;
	}
	if (a == 0 || err == SSL_ERROR_ZERO_RETURN) {
		*msg = xasprintf("%s closed the connection (close_notify)",
		    p->r.peer);
		return TLS_IO_CLOSED;
	}
	if (err == SSL_ERROR_SYSCALL || strstr(why, "unexpected eof") !=
	    NULL) {
		*msg = xasprintf("%s closed the connection without a word "
		    "(%s)", p->r.peer, errno ? strerror(errno) :
		    "end of stream");
		return TLS_IO_CLOSED;
	}
	*msg = xasprintf("the TLS connection to %s failed: %s", p->r.peer,
	    why);
	return TLS_IO_ERROR;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct tls_probe *
tls_probe_start(struct evloop *ev, const struct tls_want *w, tls_done_fn done,
    void *arg)
{
	struct tls_probe	*p = xcalloc(1, sizeof(*p));
	char			*err = NULL;

	p->ev = ev;
	p->w = *w;
	p->w.host = p->host = xstrdup(w->host);
	p->w.name = p->name = dup_or_null(w->name);
	p->w.cn = p->cn = dup_or_null(w->cn);
	p->w.ca = p->ca = dup_or_null(w->ca);
	p->w.client_cert = p->cert = dup_or_null(w->client_cert);
	p->w.client_key = p->key = dup_or_null(w->client_key);
	p->fd = -1;
	p->done = done;
	p->arg = arg;
	p->start = evloop_now();
	p->r.alert = -1;
	p->conn_alert = -1;
	p->r.client_required = -1;
	if (p->w.ca != NULL && (p->trust = certfile_store(p->w.ca, &err)) ==
	    NULL) {
		set_message(p, TLS_E_INPUT, "%s", err);
		free(err);
		p->timer = evloop_timer(ev, 0, on_early, p);
		return p;
	}
	if (make_ctx(p) == -1) {
		p->timer = evloop_timer(ev, 0, on_early, p);
		return p;
	}
	/* net.c times the connect; the handshake's timer starts when the
	 * connect is done, with what is left of the same deadline. Two
	 * timers running at once left a gap: the probe's could fire during
	 * the connect and the handshake then ran with none. */
	p->nc = net_connect(ev, w->host, w->port, w->timeout_ms, on_connected,
	    p);
	return p;
}

void
tls_probe_cancel(struct tls_probe *p)
{
	if (p == NULL)
		return;
	if (p->in_done) {
		p->cancelled = 1;
		return;
	}
	probe_free(p);
}
