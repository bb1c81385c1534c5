/* labtls.c: the estate's listeners, from lab state (labtls.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "labfx.h"
#include "labtls.h"

#define SCHANNEL "HKLM\\SYSTEM\\CurrentControlSet\\Control\\" \
	"SecurityProviders\\SCHANNEL"

static struct lab_listener *
add(struct lab_listener **v, size_t *n, const struct lab_host *h,
    const char *address, int port)
{
	struct lab_listener	*l;

	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	l = &(*v)[(*n)++];
	memset(l, 0, sizeof(*l));
	snprintf(l->host, sizeof(l->host), "%s", h->name);
	snprintf(l->address, sizeof(l->address), "%s", address);
	snprintf(l->fqdn, sizeof(l->fqdn), "%s", h->fqdn);
	l->port = port;
	l->tls = 1;
	return l;
}

static int
reg_off(struct lab *lab, const char *host, const char *key)
{
	char	*path = xasprintf("%s\\%s", SCHANNEL, key);
	char	*v = lab_reg_get(lab, host, path, "Enabled");
	int	 off = v != NULL && strcmp(v, "0") == 0;

	free(v);
	free(path);
	return off;
}

static int
reg_on(struct lab *lab, const char *host, const char *key)
{
	char	*path = xasprintf("%s\\%s", SCHANNEL, key);
	char	*v = lab_reg_get(lab, host, path, "Enabled");
	int	 on = v != NULL && strcmp(v, "0") != 0;

	free(v);
	free(path);
	return on;
}

/*
 * Schannel as the host's Windows release has it, then as its registry
 * says (Microsoft, "TLS, DTLS, and SSL protocol version settings" and
 * "Cipher Suites in TLS/SSL (Schannel SSP)"): Windows Server 2003 and
 * 2008 speak TLS 1.0 only, 2008 R2 has TLS 1.1 and 1.2 but off for
 * servers until the registry turns them on, 2012 and later have them on.
 * 3DES is there on all of them, FIPS mode or not; the FIPS policy takes
 * away RC4 (not offered here) and keeps 3DES and AES.
 */
static void
schannel(struct lab *lab, const char *host, struct lab_listener *l)
{
	int64_t	 id = lab_obj_find(lab, host, "Computer", "system");
	char	*os = id ? lab_prop(lab, id, "OS", NULL) : NULL;

	l->protocols = LT_TLS10;
	l->ciphers = LC_3DES | LC_AES128 | LC_AES256;
	if (os != NULL && strstr(os, "2008 R2") != NULL) {
		l->ciphers |= LC_ECDHE;
		if (reg_on(lab, host, "Protocols\\TLS 1.1\\Server"))
			l->protocols |= LT_TLS11;
		if (reg_on(lab, host, "Protocols\\TLS 1.2\\Server"))
			l->protocols |= LT_TLS12;
	} else if (os != NULL && (strstr(os, "2012") != NULL ||
	    strstr(os, "2016") != NULL)) {
		l->ciphers |= LC_ECDHE;
		l->protocols |= LT_TLS11 | LT_TLS12;
	}
	if (reg_off(lab, host, "Protocols\\TLS 1.0\\Server"))
		l->protocols &= ~(unsigned)LT_TLS10;
	if (reg_off(lab, host, "Protocols\\TLS 1.1\\Server"))
		l->protocols &= ~(unsigned)LT_TLS11;
	if (reg_off(lab, host, "Protocols\\TLS 1.2\\Server"))
		l->protocols &= ~(unsigned)LT_TLS12;
	/* Windows Server 2003 names the key "Triple DES 168/168". */
	if (reg_off(lab, host, "Ciphers\\Triple DES 168") ||
	    reg_off(lab, host, "Ciphers\\Triple DES 168/168"))
		l->ciphers &= ~(unsigned)LC_3DES;
	if (reg_off(lab, host, "Ciphers\\AES 128/128"))
		l->ciphers &= ~(unsigned)LC_AES128;
	if (reg_off(lab, host, "Ciphers\\AES 256/256"))
		l->ciphers &= ~(unsigned)LC_AES256;
	free(os);
}

static int
running(struct lab *lab, const char *host, const char *svc, const char *up)
{
	char	*st = lab_service_status(lab, host, svc);
	int	 r = st != NULL && strcmp(st, up) == 0;

	free(st);
	return r;
}

static void
set_cert(struct lab *lab, struct lab_listener *l, int64_t cert)
{
	struct lab_cert	c;

	l->cert = cert;
	if (cert != 0 && lab_cert_load(lab, cert, &c) == 0) {
		l->key = c.key;
		lab_cert_free(&c);
	}
	if (l->key == 0)
		l->cert = 0;
}

static void
windows(struct lab *lab, const struct lab_host *h, struct lab_listener **v,
    size_t *n)
{
	struct lab_listener	*l;
	int64_t			*ids, id;
	size_t			 k, i;
	char			*t, *a;

	if (strncmp(h->kind, "lync", 4) == 0) {
		if (!running(lab, h->name, "RtcSrv", "Running"))
			return;
		l = add(v, n, h, h->address, 5061);
		set_cert(lab, l, fx_win_sip_cert(lab, h->name));
		l->client = LT_REQUEST;
		snprintf(l->sip, sizeof(l->sip), "lync");
		schannel(lab, h->name, l);
		return;
	}
	if (strcmp(h->kind, "edge") == 0) {
		if (!running(lab, h->name, "RTCSRV", "Running"))
			return;
		id = lab_obj_find(lab, h->name, "EdgeSettings", "federation");
		a = id ? lab_prop(lab, id, "ExternalAddress", NULL) : NULL;
		t = id ? lab_prop(lab, id, "ExternalFqdn", NULL) : NULL;
		if (a != NULL) {
			l = add(v, n, h, a, 5061);
			if (t != NULL)
				snprintf(l->fqdn, sizeof(l->fqdn), "%s", t);
			set_cert(lab, l, fx_win_sip_cert(lab, h->name));
			l->client = LT_REQUEST;
			snprintf(l->sip, sizeof(l->sip), "edge");
			schannel(lab, h->name, l);
		}
		free(a);
		free(t);
		return;
	}
	if (strncmp(h->kind, "ocs", 3) != 0 ||
	    !running(lab, h->name, "RTCSRV", "Running"))
		return;
	ids = lab_obj_list(lab, h->name, "MSFT_SIPListeningAddressData", &k);
	for (i = 0; i < k; i++) {
		if (!lab_prop_bool(lab, ids[i], "Enabled", 0))
			continue;
		t = lab_prop(lab, ids[i], "TransportType", NULL);
		l = add(v, n, h, h->address, (int)lab_prop_int(lab, ids[i],
		    "Port", 0));
		snprintf(l->sip, sizeof(l->sip), "ocs");
		if (t != NULL && lab_ieq(t, "TCP"))
			l->tls = 0;
		else {
			set_cert(lab, l, fx_win_sip_cert(lab, h->name));
			l->client = t != NULL && lab_ieq(t, "MTLS") ?
			    LT_REQUEST : LT_NOCERT;
			schannel(lab, h->name, l);
		}
		free(t);
	}
	free(ids);
}

/* An IM and Presence TLS context's selected ciphers. */
static unsigned
context_ciphers(struct lab *lab, const char *host, const char *ctx,
    int *empty)
{
	int64_t		 id = lab_obj_find(lab, host, "TlsContext", ctx);
	char		*c;
	unsigned	 m = 0;

	*empty = 0;
	if (id == 0)
		return LC_AES128;
	if ((c = lab_prop(lab, id, "Ciphers", NULL)) != NULL) {
		if (strstr(c, "3DES_EDE_CBC") != NULL)
			m |= LC_3DES;
		if (strstr(c, "AES_128") != NULL)
			m |= LC_AES128;
		if (strstr(c, "AES_256") != NULL)
			m |= LC_AES256;
		free(c);
	}
	*empty = !lab_prop_bool(lab, id, "DisableEmptyFragments", 0);
	return m;
}

static void
imp(struct lab *lab, const struct lab_host *h, struct lab_listener **v,
    size_t *n)
{
	struct lab_listener	*l;
	int64_t			*ids;
	size_t			 k, i;
	char			*type, *ctx;

	if (!running(lab, h->name, "Cisco SIP Proxy", "STARTED"))
		return;
	ids = lab_obj_list(lab, h->name, "AppListener", &k);
	for (i = 0; i < k; i++) {
		type = lab_prop(lab, ids[i], "Type", NULL);
		ctx = lab_prop(lab, ids[i], "Context", NULL);
		l = add(v, n, h, h->address, (int)lab_prop_int(lab, ids[i],
		    "Port", 0));
		snprintf(l->sip, sizeof(l->sip), "imp");
		if (type == NULL || strcmp(type, "TCP") == 0)
			l->tls = 0;
		else {
			set_cert(lab, l, fx_imp_own(lab, h->name, "cup"));
			/* IM and Presence 9 and 10 speak TLS 1.0 to 1.2; the
			 * peer authentication listener insists on a client
			 * certificate (mutual TLS), the server authentication
			 * one asks for none. */
			l->protocols = LT_TLS10 | LT_TLS11 | LT_TLS12;
			l->client = strcmp(type, "Peer Auth") == 0 ?
			    LT_REQUIRE : LT_NOCERT;
			l->ciphers = context_ciphers(lab, h->name, ctx ? ctx :
			    "", &l->empty_fragments);
			if (l->client == LT_NOCERT)
				l->empty_fragments = 0;
		}
		free(type);
		free(ctx);
	}
	free(ids);
}

static void
asa(struct lab *lab, const struct lab_host *h, struct lab_listener **v,
    size_t *n)
{
	struct lab_listener	*l;
	int64_t			 id, sys, cert;
	char			*tp, *out, *fqdn;

	if ((id = lab_obj_find(lab, h->name, "TlsProxy", "federation")) == 0)
		return;
	sys = lab_obj_find(lab, h->name, "Asa", "system");
	tp = lab_prop(lab, id, "ServerTrustpoint", NULL);
	out = sys ? lab_prop(lab, sys, "OutsideAddress", NULL) : NULL;
	fqdn = lab_prop(lab, id, "Fqdn", NULL);
	cert = tp != NULL ? fx_asa_tp_cert(lab, h->name, tp, "id") : 0;
	if (out != NULL && cert != 0) {
		l = add(v, n, h, out, (int)lab_prop_int(lab, id, "Port", 5061));
		if (fqdn != NULL)
			snprintf(l->fqdn, sizeof(l->fqdn), "%s", fqdn);
		set_cert(lab, l, cert);
		l->client = LT_REQUEST;
		l->protocols = LT_TLS10 | LT_TLS11 | LT_TLS12;
		l->ciphers = LC_3DES | LC_AES128 | LC_AES256;
		snprintf(l->sip, sizeof(l->sip), "asa");
	}
	free(tp);
	free(out);
	free(fqdn);
}

int
lab_listeners(struct lab *lab, struct lab_listener **v, size_t *n)
{
	struct lab_host	*hv;
	size_t		 k, i, j, m;

	*v = NULL;
	*n = 0;
	lab_hosts(lab, &hv, &k);
	for (i = 0; i < k; i++) {
		if (strcmp(hv[i].profile, "windows") == 0)
			windows(lab, &hv[i], v, n);
		else if (strcmp(hv[i].profile, "cisco-vos") == 0)
			imp(lab, &hv[i], v, n);
		else if (strcmp(hv[i].profile, "cisco-asa") == 0)
			asa(lab, &hv[i], v, n);
	}
	free(hv);
	/* A TLS listener without a certificate is not there (the service
	 * does not start it); nor is a port twice on one address. */
	for (i = 0, m = 0; i < *n; i++) {
		if ((*v)[i].tls && (*v)[i].cert == 0)
			continue;
		if ((*v)[i].port <= 0 || (*v)[i].port > 65535)
			continue;
		for (j = 0; j < m; j++)
			if (strcmp((*v)[j].address, (*v)[i].address) == 0 &&
			    (*v)[j].port == (*v)[i].port)
				break;
		if (j < m)
			continue;
		(*v)[m++] = (*v)[i];
	}
	*n = m;
	return 0;
}

char *
lab_listener_priority(const struct lab_listener *l)
{
	struct buf	b;

	buf_init(&b);
	buf_adds(&b, "NONE");
	if (l->protocols & LT_TLS10)
		buf_adds(&b, ":+VERS-TLS1.0");
	if (l->protocols & LT_TLS11)
		buf_adds(&b, ":+VERS-TLS1.1");
	if (l->protocols & LT_TLS12)
		buf_adds(&b, ":+VERS-TLS1.2");
	buf_adds(&b, ":+RSA");
	if (l->ciphers & LC_ECDHE)
		buf_adds(&b, ":+ECDHE-RSA:+GROUP-ALL");
	if (l->ciphers & LC_AES128)
		buf_adds(&b, ":+AES-128-CBC:+AES-128-GCM");
	if (l->ciphers & LC_AES256)
		buf_adds(&b, ":+AES-256-CBC:+AES-256-GCM");
	if (l->ciphers & LC_3DES)
		buf_adds(&b, ":+3DES-CBC");
	buf_adds(&b, ":+SHA1:+SHA256:+SHA384:+AEAD:+COMP-NULL:+SIGN-ALL:"
	    "+CTYPE-X509:%SERVER_PRECEDENCE");
	return buf_steal(&b);
}
