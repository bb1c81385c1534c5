/*
 * lab-tlsd.c: fedwiz-lab-tlsd, the lab's TLS and SIP listener.
 *
 * One process per lab serves every host's SIP ports (5060, 5061, 5062,
 * ...) on the host's own loopback address, as labtls.c computes them
 * from lab state: which certificate, which protocol versions and
 * ciphers, whether a client certificate is requested or required, which
 * CAs the request names. It follows the state: every 100 ms it looks at
 * the lab's change generation and rebinds, re-keys or closes listeners
 * that changed (new connections see the change; one in progress keeps
 * what it started with).
 *
 * GnuTLS, because Debian's OpenSSL has no 3DES at all, while OCS 2007,
 * Lync under FIPS and IM and Presence's peer-authentication context speak
 * TLSv1.0 with TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A); GnuTLS 3.7 still
 * has the suite (priority "+3DES-CBC").
 *
 * Over TLS (and plain TCP on 5060) it answers SIP requests as the device
 * would (labsip.c): OPTIONS gets a status and the device's headers,
 * Lync and OCS add ms-diagnostics to a refusal.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "fileio.h"
#include "lab.h"
#include "labfx.h"
#include "labpki.h"
#include "labsip.h"
#include "labtls.h"

#define MAX_CONNS	256
#define HANDSHAKE_MS	10000
#define IDLE_MS		30000
#define RELOAD_MS	100
#define RBUF		16384

struct cred {
	int					refs;
	gnutls_certificate_credentials_t	c;
	gnutls_priority_t			prio;
};

struct lsn {
	struct lab_listener	 l;
	int			 fd;
	struct cred		*cred;
	char			*fp;		/* what the config was made of */
	int			 live;		/* still in the state */
};

struct conn {
	int			 fd;
	gnutls_session_t	 s;		/* NULL: plain TCP */
	struct cred		*cred;
	struct lab_listener	 l;		/* as it was when accepted */
	int			 handshaken;
	int64_t			 deadline;
	char			 in[RBUF];
	size_t			 inlen;
	char			*out;
	size_t			 outlen, outoff;
	int			 closing;
	char			 peer_cn[256];
	int			 peer_cert;
	int			 alert;		/* a client certificate refused */
};

static volatile sig_atomic_t	 quit;
static struct lab		*lab;
static struct lsn		*lsns;
static size_t			 nlsn;
static struct conn		 conns[MAX_CONNS];

static void
logf_(const char *fmt, ...)
{
	va_list		ap;
	time_t		now = time(NULL);
	struct tm	tm;
	char		ts[32];

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s tlsd: ", ts);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
cred_unref(struct cred *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	gnutls_certificate_free_credentials(c->c);
	gnutls_priority_deinit(c->prio);
	free(c);
}

/* The chain a server sends: the leaf and its issuers, not the root. */
static char *
chain_pem(int64_t cert)
{
	int64_t		*chain;
	size_t		 n, i;
	struct buf	 b;
	struct lab_cert	 c;

	buf_init(&b);
	chain = lab_cert_chain(lab, cert, &n);
	for (i = 0; i < n; i++) {
		if (lab_cert_load(lab, chain[i], &c) != 0)
			continue;
		if (i == 0 || (c.issuer != 0 && c.issuer != c.id))
			buf_adds(&b, c.pem);
		lab_cert_free(&c);
	}
	free(chain);
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
}

/*
 * The CAs a client certificate must chain to, which the request names
 * too: a Windows server's Trusted Root store; IM and Presence's
 * cup-trust certificates; an ASA's trustpoints' CA certificates.
 */
static char *
trust_pem(const struct lab_listener *l)
{
	struct lab_host	 h;
	int64_t		*v, id;
	size_t		 n, i;
	struct buf	 b;
	struct lab_cert	 c;
	char		**names = NULL;
	struct lab_obj	 o;

	buf_init(&b);
	if (lab_host_get(lab, l->host, &h) != 0)
		return xstrdup("");
	if (strcmp(h.profile, "windows") == 0)
		v = lab_store_list(lab, h.name, "Root", &n, NULL);
	else if (strcmp(h.profile, "cisco-asa") == 0) {
		int64_t	*tps = lab_obj_list(lab, h.name, "Trustpoint", &n);

		v = xcalloc(n + 1, sizeof(*v));
		for (i = 0; i < n; i++) {
			v[i] = 0;
			if (lab_obj_load(lab, tps[i], &o) != 0)
				continue;
			v[i] = fx_asa_tp_cert(lab, h.name, o.ident, "ca");
			lab_obj_free(&o);
		}
		free(tps);
	} else
		v = lab_store_list(lab, h.name, "trust", &n, &names);
	for (i = 0; i < n; i++) {
		if (names != NULL && strncmp(names[i], "cup-trust/", 10) != 0)
			continue;
		if ((id = v[i]) != 0 && lab_cert_load(lab, id, &c) == 0) {
			buf_adds(&b, c.pem);
			lab_cert_free(&c);
		}
	}
	if (names != NULL) {
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	free(v);
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
}

/*
 * A client certificate is judged as the devices judge it, during the
 * handshake: one that does not chain to the trust above gets the fatal
 * alert unknown_ca (Schannel's SEC_E_UNTRUSTED_ROOT; IM and Presence
 * and the ASA likewise), an expired one certificate_expired, and one
 * whose Extended Key Usage lacks Client Authentication
 * unsupported_certificate (the "certificate without clientAuth" of a
 * public CA since 2025: Lync, OCS and IM and Presence refuse it as a
 * client). Which alert goes is kept in the connection; the handshake
 * fails.
 */
static int
verify_client(gnutls_session_t s)
{
	struct conn		*c = gnutls_session_get_ptr(s);
	const gnutls_datum_t	*certs;
	unsigned		 n = 0, status = 0, i, crit;
	gnutls_x509_crt_t	 x;
	char			 oid[128];
	size_t			 len;
	int			 rc, has_eku = 0, client = 0;

	certs = gnutls_certificate_get_peers(s, &n);
	if (c == NULL || certs == NULL || n == 0)
		return 0;
	if (gnutls_certificate_verify_peers2(s, &status) < 0 || status != 0) {
		c->alert = (status & GNUTLS_CERT_EXPIRED) != 0 &&
		    (status & (GNUTLS_CERT_SIGNER_NOT_FOUND |
		    GNUTLS_CERT_SIGNER_NOT_CA)) == 0 ?
		    GNUTLS_A_CERTIFICATE_EXPIRED : GNUTLS_A_UNKNOWN_CA;
		return -1;
	}
	gnutls_x509_crt_init(&x);
	if (gnutls_x509_crt_import(x, &certs[0], GNUTLS_X509_FMT_DER) == 0)
		for (i = 0; ; i++) {
			len = sizeof(oid);
			rc = gnutls_x509_crt_get_key_purpose_oid(x, i, oid,
			    &len, &crit);
			if (rc < 0)
				break;
			has_eku = 1;
			if (strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0 ||
			    strcmp(oid, GNUTLS_KP_ANY) == 0)
				client = 1;
		}
	gnutls_x509_crt_deinit(x);
	if (has_eku && !client) {
		c->alert = GNUTLS_A_UNSUPPORTED_CERTIFICATE;
		return -1;
	}
	return 0;
}

static char *
fingerprint(const struct lab_listener *l)
{
	char	*prio = lab_listener_priority(l), *trust = trust_pem(l), *fp;
	char	 hex[65];

	sha256_hex(trust, strlen(trust), hex);
	fp = xasprintf("%d %lld %lld %d %s %d %s %s %s", l->tls,
	    (long long)l->cert, (long long)l->key, (int)l->client, prio,
	    l->empty_fragments, hex, l->sip, l->fqdn);
	free(prio);
	free(trust);
	return fp;
}

/*
 * What a listener presents, kept as files (DIR/tls/HOST-PORT.pem, the
 * chain, and HOST-PORT.key, 0600): a sip check (or `fedwiz probe sip
 * --client-cert`) presents them to play that server as a peer would.
 */
static void
export_presented(const struct lab_listener *l, const char *chain,
    const char *key)
{
	struct diags	 d;
	char		*dir, *p;

	diags_init(&d);
	dir = lab_path(lab, "tls");
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		logf_("%s: %s", dir, strerror(errno));
	p = xasprintf("%s/%s-%d.key", dir, l->host, l->port);
	(void)file_write_atomic(p, key, strlen(key), &d);
	free(p);
	p = xasprintf("%s/%s-%d.pem", dir, l->host, l->port);
	(void)file_write_atomic(p, chain, strlen(chain), &d);
	free(p);
	free(dir);
	if (d.n > 0)
		diags_print(&d, stderr);
	diags_free(&d);
}

static struct cred *
make_cred(const struct lab_listener *l)
{
	struct cred	*c;
	char		*chain, *key, *trust, *prio;
	gnutls_datum_t	 dc, dk, dt;
	const char	*err = NULL;
	int		 rc;

	c = xcalloc(1, sizeof(*c));
	c->refs = 1;
	prio = lab_listener_priority(l);
	if ((rc = gnutls_priority_init2(&c->prio, prio, &err, 0)) < 0) {
		logf_("%s:%d: priority %s: %s", l->address, l->port, prio,
		    gnutls_strerror(rc));
		free(prio);
		free(c);
		return NULL;
	}
	free(prio);
	gnutls_certificate_allocate_credentials(&c->c);
	chain = chain_pem(l->cert);
	if ((key = lab_key_pem(lab, l->key)) == NULL)
		key = xstrdup("");
	dc.data = (unsigned char *)chain;
	dc.size = (unsigned)strlen(chain);
	dk.data = (unsigned char *)key;
	dk.size = (unsigned)strlen(key);
	rc = gnutls_certificate_set_x509_key_mem2(c->c, &dc, &dk,
	    GNUTLS_X509_FMT_PEM, NULL, 0);
	if (rc >= 0)
		export_presented(l, chain, key);
	wipe(key, strlen(key));
	free(key);
	free(chain);
	if (rc < 0) {
		logf_("%s:%d: certificate: %s", l->address, l->port,
		    gnutls_strerror(rc));
		gnutls_certificate_free_credentials(c->c);
		gnutls_priority_deinit(c->prio);
		free(c);
		return NULL;
	}
	gnutls_certificate_set_verify_function(c->c, verify_client);
	trust = trust_pem(l);
	if (*trust != '\0') {
		dt.data = (unsigned char *)trust;
		dt.size = (unsigned)strlen(trust);
		gnutls_certificate_set_x509_trust_mem(c->c, &dt,
		    GNUTLS_X509_FMT_PEM);
	}
	free(trust);
	return c;
}

static int
bind_listener(const struct lab_listener *l)
{
	struct sockaddr_in	sin;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)l->port);
	if (inet_pton(AF_INET, l->address, &sin.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 64) == -1) {
		logf_("%s:%d: %s", l->address, l->port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
conn_close(struct conn *c)
{
	if (c->fd < 0)
		return;
	if (c->s != NULL) {
		gnutls_deinit(c->s);
		c->s = NULL;
	}
	cred_unref(c->cred);
	c->cred = NULL;
	close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
}

/* Bring the listeners in line with the state. */
static void
reload(void)
{
	struct lab_listener	*v;
	size_t			 n, i, k;
	char			*fp;
	struct lsn		*ls;

	lab_listeners(lab, &v, &n);
	for (k = 0; k < nlsn; k++)
		lsns[k].live = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < nlsn; k++)
			if (strcmp(lsns[k].l.address, v[i].address) == 0 &&
			    lsns[k].l.port == v[i].port)
				break;
		fp = fingerprint(&v[i]);
		if (k < nlsn) {
			ls = &lsns[k];
			ls->live = 1;
			if (strcmp(ls->fp, fp) == 0) {
				free(fp);
				continue;
			}
			logf_("%s:%d (%s): new settings", v[i].address,
			    v[i].port, v[i].host);
		} else {
			lsns = xreallocarray(lsns, nlsn + 1, sizeof(*lsns));
			ls = &lsns[nlsn++];
			memset(ls, 0, sizeof(*ls));
			ls->fd = bind_listener(&v[i]);
			ls->live = 1;
			logf_("%s:%d (%s): listening, %s", v[i].address,
			    v[i].port, v[i].host, v[i].tls ? "TLS" : "TCP");
		}
		free(ls->fp);
		ls->fp = fp;
		ls->l = v[i];
		cred_unref(ls->cred);
		ls->cred = v[i].tls ? make_cred(&v[i]) : NULL;
	}
	free(v);
	/* Gone from the state: the socket closes (the service stopped, the
	 * certificate went away, the port moved). */
	for (k = 0; k < nlsn; ) {
		if (lsns[k].live) {
			k++;
			continue;
		}
		logf_("%s:%d (%s): closed", lsns[k].l.address, lsns[k].l.port,
		    lsns[k].l.host);
		if (lsns[k].fd >= 0)
			close(lsns[k].fd);
		cred_unref(lsns[k].cred);
		free(lsns[k].fp);
		lsns[k] = lsns[--nlsn];
	}
}

static void
accept_on(struct lsn *ls)
{
	struct conn	*c = NULL;
	int		 fd;
	size_t		 i;

	while ((fd = accept4(ls->fd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < MAX_CONNS; i++)
			if (conns[i].fd < 0) {
				c = &conns[i];
				break;
			}
		if (c == NULL || (ls->l.tls && ls->cred == NULL)) {
			close(fd);
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->l = ls->l;
		c->deadline = now_ms() + HANDSHAKE_MS;
		if (ls->l.tls) {
			gnutls_init(&c->s, GNUTLS_SERVER | GNUTLS_NONBLOCK);
			gnutls_session_set_ptr(c->s, c);
			ls->cred->refs++;
			c->cred = ls->cred;
			gnutls_priority_set(c->s, c->cred->prio);
			gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE,
			    c->cred->c);
			gnutls_certificate_server_set_request(c->s,
			    ls->l.client == LT_REQUIRE ? GNUTLS_CERT_REQUIRE :
			    ls->l.client == LT_REQUEST ? GNUTLS_CERT_REQUEST :
			    GNUTLS_CERT_IGNORE);
			gnutls_transport_set_int(c->s, fd);
		} else
			c->handshaken = 1;
		c = NULL;
	}
}

static void
peer_name(struct conn *c)
{
	const gnutls_datum_t	*certs;
	unsigned		 n = 0;
	gnutls_x509_crt_t	 x;
	size_t			 len = sizeof(c->peer_cn) - 1;

	certs = gnutls_certificate_get_peers(c->s, &n);
	if (certs == NULL || n == 0)
		return;
	c->peer_cert = 1;
	gnutls_x509_crt_init(&x);
	if (gnutls_x509_crt_import(x, &certs[0], GNUTLS_X509_FMT_DER) == 0 &&
	    gnutls_x509_crt_get_dn_by_oid(x, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
	    c->peer_cn, &len) == 0)
		c->peer_cn[len] = '\0';
	gnutls_x509_crt_deinit(x);
}

/* Requests complete in the buffer get answers; the rest waits. */
static void
serve(struct conn *c)
{
	struct lab_sip_peer	 p;
	size_t			 used;
	char			*resp;

	memset(&p, 0, sizeof(p));
	p.cert = c->peer_cert;
	p.cn = c->peer_cn;
	while ((resp = lab_sip_answer(lab, &c->l, &p, c->in, c->inlen,
	    &used)) != NULL || used > 0) {
		memmove(c->in, c->in + used, c->inlen - used);
		c->inlen -= used;
		if (resp != NULL) {
			size_t	n = strlen(resp);

			c->out = xreallocarray(c->out, c->outlen + n, 1);
			memcpy(c->out + c->outlen, resp, n);
			c->outlen += n;
			free(resp);
		}
		if (used == 0)
			break;
	}
	if (c->inlen == sizeof(c->in))
		c->closing = 1;		/* a request too large: drop it */
}

static void
conn_io(struct conn *c, short rev)
{
	ssize_t	n;
	int	rc;

	if (rev & (POLLERR | POLLNVAL)) {
		conn_close(c);
		return;
	}
	if (!c->handshaken) {
		rc = gnutls_handshake(c->s);
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			return;
		if (rc < 0) {
			logf_("%s:%d (%s): handshake: %s%s%s", c->l.address,
			    c->l.port, c->l.host, gnutls_strerror(rc),
			    c->alert ? ": client certificate refused, " : "",
			    c->alert ? gnutls_alert_get_strname(
			    (gnutls_alert_description_t)c->alert) : "");
			if (c->alert)
				(void)gnutls_alert_send(c->s, GNUTLS_AL_FATAL,
				    (gnutls_alert_description_t)c->alert);
			conn_close(c);
			return;
		}
		c->handshaken = 1;
		c->deadline = now_ms() + IDLE_MS;
		peer_name(c);
	}
	/* Write what is waiting first. */
	while (c->outoff < c->outlen) {
		if (c->s != NULL)
			n = gnutls_record_send(c->s, c->out + c->outoff,
			    c->outlen - c->outoff);
		else
			n = send(c->fd, c->out + c->outoff, c->outlen -
			    c->outoff, MSG_NOSIGNAL);
		if (n == GNUTLS_E_AGAIN || (c->s == NULL && n < 0 &&
		    errno == EAGAIN))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->outoff += (size_t)n;
	}
	if (c->outoff == c->outlen) {
		free(c->out);
		c->out = NULL;
		c->outlen = c->outoff = 0;
		if (c->closing) {
			if (c->s != NULL)
				gnutls_bye(c->s, GNUTLS_SHUT_WR);
			conn_close(c);
			return;
		}
	}
	for (;;) {
		if (c->inlen >= sizeof(c->in))
			break;
		if (c->s != NULL)
			n = gnutls_record_recv(c->s, c->in + c->inlen,
			    sizeof(c->in) - c->inlen);
		else
			n = recv(c->fd, c->in + c->inlen, sizeof(c->in) -
			    c->inlen, 0);
		if (c->s != NULL && (n == GNUTLS_E_AGAIN ||
		    n == GNUTLS_E_INTERRUPTED))
			break;
		if (c->s == NULL && n < 0 && (errno == EAGAIN ||
		    errno == EINTR))
			break;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->inlen += (size_t)n;
		c->deadline = now_ms() + IDLE_MS;
	}
	serve(c);
	if (c->outlen > 0)
		conn_io(c, 0);
}

static short
want(const struct conn *c)
{
	if (c->s != NULL && !c->handshaken)
		return gnutls_record_get_direction(c->s) ? POLLOUT : POLLIN;
	if (c->outoff < c->outlen)
		return POLLOUT | POLLIN;
	return POLLIN;
}

int
main(int argc, char **argv)
{
	struct diags	 d;
	struct pollfd	 pfd[MAX_CONNS + 512];
	int		 map[MAX_CONNS + 512];
	size_t		 i, np;
	int64_t		 gen, g, next, t;
	int		 rc;

	if (argc != 3 || strcmp(argv[1], "--dir") != 0) {
		fprintf(stderr, "usage: fedwiz-lab-tlsd --dir DIR (started by "
		    "fedwiz lab up)\n");
		return 2;
	}
	diags_init(&d);
	if (lab_open(argv[2], 0, &lab, &d) != LAB_OK) {
		diags_print(&d, stderr);
		return 3;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if ((rc = gnutls_global_init()) < 0) {
		logf_("gnutls: %s", gnutls_strerror(rc));
		return 3;
	}
	for (i = 0; i < MAX_CONNS; i++)
		conns[i].fd = -1;
	gen = lab_gen(lab);
	reload();
	lab_meta_setf(lab, "tlsd_gen", "%lld", (long long)gen);
	logf_("ready: %zu listeners for %s", nlsn, lab->dir);
	next = now_ms() + RELOAD_MS;
	while (!quit) {
		np = 0;
		for (i = 0; i < nlsn && np < nitems(pfd); i++) {
			if (lsns[i].fd < 0)
				continue;
			pfd[np].fd = lsns[i].fd;
			pfd[np].events = POLLIN;
			map[np++] = -(int)i - 1;
		}
		for (i = 0; i < MAX_CONNS && np < nitems(pfd); i++) {
			if (conns[i].fd < 0)
				continue;
			pfd[np].fd = conns[i].fd;
			pfd[np].events = want(&conns[i]);
			map[np++] = (int)i;
		}
		t = next - now_ms();
		rc = poll(pfd, np, t < 0 ? 0 : (int)t);
		if (rc < 0 && errno != EINTR)
			break;
		for (i = 0; rc > 0 && i < np; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (map[i] < 0)
				accept_on(&lsns[-map[i] - 1]);
			else
				conn_io(&conns[map[i]], pfd[i].revents);
		}
		t = now_ms();
		for (i = 0; i < MAX_CONNS; i++)
			if (conns[i].fd >= 0 && t > conns[i].deadline)
				conn_close(&conns[i]);
		if (t >= next) {
			next = t + RELOAD_MS;
			if ((g = lab_gen(lab)) != gen) {
				gen = g;
				reload();
				/* What the lab's commands wait for
				 * (labrun_settle). */
				lab_meta_setf(lab, "tlsd_gen", "%lld",
				    (long long)gen);
			}
		}
	}
	for (i = 0; i < MAX_CONNS; i++)
		conn_close(&conns[i]);
	for (i = 0; i < nlsn; i++) {
		if (lsns[i].fd >= 0)
			close(lsns[i].fd);
		cred_unref(lsns[i].cred);
		free(lsns[i].fp);
	}
	free(lsns);
	lab_close(lab);
	gnutls_global_deinit();
	logf_("stopped");
	return 0;
}
