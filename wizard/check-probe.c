/*
 * check-probe.c: the checks fedwiz runs from this machine rather than on
 * a device: tls (a handshake, or one ClientHello for a legacy suite), tcp
 * (a port accepts), dns (a record is there) and x509 (a certificate file
 * is what the procedure needs). All but x509 run on the event loop beside
 * the ssh checks.
 *
 * What fails a check and what merely stops it: a peer that refuses a
 * connection or a handshake, a certificate defect, a missing record are
 * findings (fail); silence (a timeout), a name that does not resolve for
 * a connection, a resolver that does not answer are the environment
 * (error), as for ssh.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certinfo.h"
#include "check-int.h"
#include "dns.h"
#include "hello.h"
#include "net.h"
#include "template.h"
#include "tls.h"
#include "util.h"
#include "vartype.h"

#define PROBE_TIMEOUT_MS	10000
#define DNS_TIMEOUT_MS		5000
#define SKEW_S			300

/* One check in flight. */
struct pjob {
	struct check_run	*r;
	size_t			 idx;
	struct scope		 sc;
	char			*host;
	int			 port;
	uint16_t		 version;
	int			 cipher;
	char			*name;		/* dns: the name asked */
	int			 dns_type;
};

static struct pjob *
pjob_new(struct check_run *r, size_t idx, const struct scope *sc)
{
	struct pjob	*j = xcalloc(1, sizeof(*j));

	j->r = r;
	j->idx = idx;
	j->sc = *sc;
	r->v[idx].running = 1;
	return j;
}

static void
pjob_done(struct pjob *j)
{
	j->r->v[j->idx].running = 0;
	j->r->pending--;
	free(j->host);
	free(j->name);
	free(j);
}

/* Evidence: the text shown and hashed, as for ssh output. */
static void
evidence(struct check_outcome *o, struct buf *b)
{
	o->output_len = b->len;
	sha256_hex(b->s != NULL ? b->s : "", b->len, o->sha256);
	o->excerpt = b->s != NULL ? xstrdup(b->s) : xstrdup("");
}

/* Which procedure class a certificate defect belongs to. */
static const char *
defect_class(enum cert_defect d)
{
	switch (d) {
	case CD_UNTRUSTED:
	case CD_CHAIN:
	case CD_SIGNATURE:
		return "chain";
	case CD_NAME:
		return "name";
	case CD_NO_EKU_EXT:
	case CD_EKU:
		return "eku";
	case CD_EXPIRED:
	case CD_NOT_YET:
		return "validity";
	case CD_NONE:
		break;
	}
	return NULL;
}

/* Each defect on its own line, each with the procedure that fixes it. */
static char *
defects_message(struct pjob *j, const struct cert_verdict *v,
    const char *what)
{
	struct check_outcome	*o = &j->r->v[j->idx];
	const struct rb_fix	*f;
	struct buf		 b;
	char			*m, *line;
	size_t			 i;

	buf_init(&b);
	for (i = 0; i < v->n; i++) {
		/* A fix with a hint says what to do; the generic remedy of
		 * the message would say it twice. */
		f = check_fix_for(o->check, defect_class(v->defects[i]));
		line = xasprintf("%s%s", what, f != NULL && f->hint != NULL ?
		    v->facts[i] : v->messages[i]);
		m = check_fail_message(j->r, o, &j->sc,
		    defect_class(v->defects[i]), line);
		buf_printf(&b, "%s%s", i ? "\n" : "", m);
		free(m);
		free(line);
	}
	return b.s;
}

/* tls */

static void
tls_evidence(struct buf *b, const struct tls_result *res)
{
	size_t	i;

	buf_printf(b, "%s %s", res->peer, tls_status_name(res->status));
	if (res->status == TLS_OK)
		buf_printf(b, " %s %s", res->version, res->cipher);
	buf_printf(b, "\n");
	for (i = 0; i < res->ncerts; i++)
		buf_printf(b, "cert %zu: %s (issuer %s) sha256 %s\n", i,
		    res->certs[i].subject, res->certs[i].issuer,
		    res->certs[i].sha256);
	if (res->status == TLS_OK)
		buf_printf(b, "client certificate: %s%s\n",
		    res->client_requested ? "requested" : "not requested",
		    !res->client_requested || res->client_sent ? "" :
		    res->client_required == 1 ? ", required" : ", optional");
	for (i = 0; i < res->nca_names; i++)
		buf_printf(b, "acceptable CA: %s\n", res->ca_names[i]);
	if (res->message != NULL)
		buf_printf(b, "%s\n", res->message);
}

static void
on_tls(const struct tls_result *res, void *arg)
{
	struct pjob		*j = arg;
	struct check_outcome	*o = &j->r->v[j->idx];
	const char		*want = o->check->client_cert;
	struct buf		 b;
	char			*what = NULL;

	o->ms = res->ms;
	buf_init(&b);
	tls_evidence(&b, res);
	evidence(o, &b);
	buf_free(&b);
	switch (res->status) {
	case TLS_OK:
		if (res->judged && res->verdict.n > 0) {
			o->verdict = CV_FAIL;
			what = xasprintf("%s: ", res->peer);
			o->message = defects_message(j, &res->verdict, what);
			break;
		}
		if (res->judged == 0 && (o->check->name != NULL ||
		    o->check->ca != NULL || o->check->eku.n > 0)) {
			o->verdict = CV_FAIL;
			what = xasprintf("%s presented no certificate",
			    res->peer);
			o->message = check_fail_message(j->r, o, &j->sc,
			    "chain", what);
			break;
		}
		if (want != NULL && ((strcmp(want, "none") == 0 &&
		    res->client_requested) || (strcmp(want, "requested") ==
		    0 && !res->client_requested) || (strcmp(want,
		    "required") == 0 && res->client_required != 1))) {
			o->verdict = CV_FAIL;
			what = xasprintf("%s %s a client certificate; this "
			    "step needs it %s", res->peer,
			    !res->client_requested ? "does not ask for" :
			    res->client_required == 1 ? "requires" :
			    "asks for, but does not require,", strcmp(want,
			    "none") == 0 ? "not to ask (no mutual TLS)" :
			    strcmp(want, "requested") == 0 ? "to ask for one "
			    "(mutual TLS)" : "to refuse a client without one "
			    "(mutual TLS enforced)");
			o->message = check_fail_message(j->r, o, &j->sc,
			    "client_cert", what);
			break;
		}
		o->verdict = CV_PASS;
		break;
	case TLS_E_INPUT:
		o->verdict = CV_ERROR;
		o->input = 1;
		o->message = xstrdup(res->message);
		break;
	case TLS_E_CONNECT:
		/* Refused: nothing listens there (a finding); a name that
		 * does not resolve: this machine's resolver (the
		 * environment). */
		if (strstr(res->message, "cannot resolve") != NULL) {
			o->verdict = CV_ERROR;
			o->message = xstrdup(res->message);
			break;
		}
		o->verdict = CV_FAIL;
		o->message = check_fail_message(j->r, o, &j->sc, "connect",
		    res->message);
		break;
	case TLS_E_TIMEOUT:
		o->verdict = CV_ERROR;
		o->message = xstrdup(res->message);
		break;
	case TLS_E_REFUSED:
	case TLS_E_CLOSED:
	case TLS_E_PROTOCOL:
		o->verdict = CV_FAIL;
		o->message = check_fail_message(j->r, o, &j->sc, "refused",
		    res->message);
		break;
	}
	free(what);
	pjob_done(j);
}

static void
on_hello(const struct hello_result *res, void *arg)
{
	struct pjob		*j = arg;
	struct check_outcome	*o = &j->r->v[j->idx];
	struct buf		 b;
	char			*what;

	o->ms = res->ms;
	buf_init(&b);
	buf_printf(&b, "%s offered %s %s: %s\n", res->peer[0] ? res->peer :
	    j->host, hello_version_name(j->version), hello_cipher_name(
	    (uint16_t)j->cipher), res->message);
	evidence(o, &b);
	buf_free(&b);
	switch (res->verdict) {
	case HELLO_ACCEPTED:
		o->verdict = CV_PASS;
		break;
	case HELLO_REFUSED:
		o->verdict = CV_FAIL;
		what = xasprintf("%s does not accept %s with %s: %s",
		    res->peer[0] ? res->peer : j->host,
		    hello_version_name(j->version),
		    hello_cipher_name((uint16_t)j->cipher), res->message);
		o->message = check_fail_message(j->r, o, &j->sc, "refused",
		    what);
		free(what);
		break;
	case HELLO_ERROR:
		if (res->refused_tcp) {
			/* Nothing listens there: a finding, as for tls. */
			o->verdict = CV_FAIL;
			o->message = check_fail_message(j->r, o, &j->sc,
			    "connect", res->message);
			break;
		}
		o->verdict = CV_ERROR;
		o->message = xstrdup(res->message);
		break;
	}
	pjob_done(j);
}

/* tcp */

static void
on_tcp(int fd, enum net_status st, const char *msg, const char *peer,
    void *arg)
{
	struct pjob		*j = arg;
	struct check_outcome	*o = &j->r->v[j->idx];
	struct buf		 b;

	buf_init(&b);
	buf_printf(&b, "%s: %s\n", peer, fd != -1 ? "accepts connections" :
	    msg);
	evidence(o, &b);
	buf_free(&b);
	if (fd != -1) {
		close(fd);
		o->verdict = CV_PASS;
	} else if (st == NET_REFUSED) {
		o->verdict = CV_FAIL;
		o->message = check_fail_message(j->r, o, &j->sc, "connect",
		    msg);
	} else {
		o->verdict = CV_ERROR;
		o->message = xstrdup(msg);
	}
	pjob_done(j);
}

/* dns */

static void
on_dns(const struct dns_result *res, void *arg)
{
	struct pjob		*j = arg;
	struct check_outcome	*o = &j->r->v[j->idx];
	const struct rb_strlist	*ex = &o->check->expect;
	struct buf		 b, got;
	char			*t, *want, *what = NULL;
	size_t			 i, k;
	int			 found;

	buf_init(&b);
	buf_init(&got);
	buf_printf(&b, "%s %s at %s: %s\n", dns_type_name(j->dns_type),
	    j->name, res->server, dns_status_name(res->status));
	for (i = 0; i < res->n; i++) {
		t = dns_rr_text(&res->rrs[i]);
		buf_printf(&b, "%s\n", t);
		buf_printf(&got, "%s%s", i ? ", " : "", t);
		free(t);
	}
	evidence(o, &b);
	buf_free(&b);
	switch (res->status) {
	case DNS_OK:
		if (res->n == 0) {
			what = xasprintf("%s has no %s record at %s", j->name,
			    dns_type_name(j->dns_type), res->server);
			break;
		}
		for (i = 0; i < ex->n && what == NULL; i++) {
			want = tmpl_expand(ex->v[i], scope_lookup, &j->sc);
			found = 0;
			for (k = 0; k < res->n && !found; k++)
				found = dns_rr_matches(&res->rrs[k], want);
			if (!found)
				what = xasprintf("%s %s at %s: expected %s "
				    "among the answers, which are %s",
				    dns_type_name(j->dns_type), j->name,
				    res->server, want, got.s);
			free(want);
		}
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		what = xstrdup(res->message);
		break;
	case DNS_SERVFAIL:
	case DNS_TIMEOUT:
	case DNS_ERROR:
		o->verdict = CV_ERROR;
		o->message = xstrdup(res->message);
		buf_free(&got);
		pjob_done(j);
		return;
	}
	buf_free(&got);
	if (what != NULL) {
		o->verdict = CV_FAIL;
		o->message = check_fail_message(j->r, o, &j->sc, "answer",
		    what);
		free(what);
	} else
		o->verdict = CV_PASS;
	pjob_done(j);
}

/* x509: a file on this machine, judged at once. */

static void
run_x509(struct check_run *r, size_t idx, struct scope *sc)
{
	struct check_outcome	*o = &r->v[idx];
	const struct rb_check	*c = o->check;
	struct certfile		 cf;
	struct cert_want	 w;
	struct cert_verdict	 v;
	struct cert_desc	 dsc;
	struct pjob		 j;
	X509_STORE		*trust = NULL;
	X509			*leaf, *x;
	struct buf		 b;
	const char		*kind;
	char			*file, *err = NULL, *what, *name = NULL;
	size_t			 i;
	int			 roots = 0;

	file = tmpl_expand(c->file, scope_lookup, sc);
	o->target = xasprintf("here: %s", file);
	if (certfile_load(file, &cf, &err) == -1) {
		o->verdict = CV_FAIL;
		o->message = check_fail_message(r, o, sc, NULL, err);
		free(err);
		free(file);
		return;
	}
	memset(&j, 0, sizeof(j));
	j.r = r;
	j.idx = idx;
	j.sc = *sc;
	memset(&w, 0, sizeof(w));
	if (c->name != NULL)
		w.name = name = tmpl_expand(c->name, scope_lookup, sc);
	for (i = 0; i < c->eku.n; i++)
		w.eku |= strcmp(c->eku.v[i], "clientAuth") == 0 ?
		    CERT_EKU_CLIENT : CERT_EKU_SERVER;
	w.skew = SKEW_S;
	memset(&v, 0, sizeof(v));
	buf_init(&b);
	buf_printf(&b, "%s: %s\n", file, cf.format);
	kind = c->cert_kind != NULL ? c->cert_kind : cf.csr != NULL ? "csr" :
	    certfile_leaf(&cf) == NULL ? "chain" : "cert";
	if (strcmp(kind, "csr") == 0) {
		if (cf.csr == NULL) {
			what = xasprintf("%s holds %s, not a certificate "
			    "request", file, cf.format);
			goto fail;
		}
		cert_judge_csr(cf.csr, &w, &v);
	} else if (sk_X509_num(cf.certs) == 0) {
		what = xasprintf("%s holds a certificate request, not %s",
		    file, strcmp(kind, "chain") == 0 ? "a CA chain" :
		    "a certificate");
		goto fail;
	} else if (strcmp(kind, "chain") == 0) {
		/* The CA chain: its roots are the anchors, and every
		 * certificate in it must chain to one of them. */
		if ((trust = X509_STORE_new()) == NULL)
			fatal("out of memory");
		for (i = 0; i < (size_t)sk_X509_num(cf.certs); i++) {
			x = sk_X509_value(cf.certs, (int)i);
			cert_describe(x, &dsc);
			if (dsc.self_issued && dsc.is_ca) {
				X509_STORE_add_cert(trust, x);
				roots++;
			}
			cert_desc_free(&dsc);
		}
		if (roots == 0) {
			what = xasprintf("%s has no root CA certificate (none "
			    "is self-signed): download the chain with its root "
			    "(\"Download CA certificate chain\", or the root "
			    "as a .cer)", file);
			goto fail;
		}
		w.trust = trust;
		for (i = 0; i < (size_t)sk_X509_num(cf.certs) && v.n == 0; i++) {
			cert_verdict_free(&v);
			memset(&v, 0, sizeof(v));
			cert_judge(sk_X509_value(cf.certs, (int)i), cf.certs,
			    &w, &v);
		}
	} else {
		if ((leaf = certfile_leaf(&cf)) == NULL) {
			what = xasprintf("%s holds no single end-entity "
			    "certificate (only CA certificates, or several "
			    "unrelated ones)", file);
			goto fail;
		}
		cert_judge(leaf, cf.certs, &w, &v);
	}
	for (i = 0; i < (size_t)sk_X509_num(cf.certs); i++) {
		cert_describe(sk_X509_value(cf.certs, (int)i), &dsc);
		buf_printf(&b, "cert %zu: %s (%s) sha256 %s\n", i, dsc.subject,
		    cert_role(&dsc), dsc.sha256);
		cert_desc_free(&dsc);
	}
	if (v.n > 0) {
		o->verdict = CV_FAIL;
		o->message = defects_message(&j, &v, "");
	} else
		o->verdict = CV_PASS;
	goto out;
fail:
	o->verdict = CV_FAIL;
	o->message = check_fail_message(r, o, sc, NULL, what);
	free(what);
out:
	evidence(o, &b);
	buf_free(&b);
	cert_verdict_free(&v);
	X509_STORE_free(trust);
	certfile_free(&cf);
	free(name);
	free(file);
}

/* Building a probe from a check: values expanded, then checked by type
 * before they go anywhere. */

static int
host_port(struct check_run *r, size_t idx, struct scope *sc, char **host,
    int *port, struct diags *d)
{
	const struct rb_check	*c = r->v[idx].check;
	struct varspec		 hs = { .type = VT_HOST };
	struct varspec		 ps = { .type = VT_PORT };
	char			*p, why[200];

	*host = tmpl_expand(c->host, scope_lookup, sc);
	p = tmpl_expand(c->port, scope_lookup, sc);
	if (vartype_check(&hs, *host, NULL, why, sizeof(why)) == -1)
		r->v[idx].message = xasprintf("host \"%s\" %s", *host, why);
	else if (vartype_check(&ps, p, NULL, why, sizeof(why)) == -1)
		r->v[idx].message = xasprintf("port \"%s\" %s", p, why);
	else {
		*port = atoi(p);
		free(p);
		return 0;
	}
	r->v[idx].verdict = CV_ERROR;
	r->v[idx].input = 1;
	r->v[idx].target = xasprintf("here: %s:%s", *host, p);
	diags_add(d, r->v[idx].inst->proc->id, 0, 0, "%s",
	    r->v[idx].message);
	free(p);
	free(*host);
	*host = NULL;
	return -1;
}

int
check_probe_queue(struct check_run *r, const struct plan_inst *in,
    size_t step, const struct rb_check *c, struct scope *sc, struct diags *d)
{
	struct tls_want	 w;
	struct pjob	*j;
	char		*host, *name = NULL, *ca = NULL, why[200];
	struct varspec	 ns = { .type = VT_HOST };
	size_t		 i, idx;
	int		 port;

	idx = check_add(r, in, step, c, in->host, CV_ERROR, NULL);
	if (c->kind == CK_X509) {
		run_x509(r, idx, sc);
		return 0;
	}
	if (c->kind == CK_DNS) {
		name = tmpl_expand(c->name, scope_lookup, sc);
		r->v[idx].target = xasprintf("here: %s %s", c->dns_type ?
		    c->dns_type : "A", name);
		j = pjob_new(r, idx, sc);
		j->name = name;
		j->dns_type = dns_type_parse(c->dns_type ? c->dns_type : "A");
		if (dns_query_start(r->ev, name, j->dns_type, r->dns_server,
		    r->timeout_ms ? r->timeout_ms : DNS_TIMEOUT_MS, on_dns, j,
		    &r->v[idx].message) == NULL) {
			r->v[idx].input = 1;
			diags_add(d, in->proc->id, 0, 0, "%s",
			    r->v[idx].message);
			free(j->name);
			free(j);
			return -1;
		}
		r->pending++;
		return 0;
	}
	if (host_port(r, idx, sc, &host, &port, d) == -1)
		return -1;
	j = pjob_new(r, idx, sc);
	j->host = host;
	j->port = port;
	r->pending++;
	if (c->kind == CK_TCP) {
		r->v[idx].target = xasprintf("here: %s:%d", host, port);
		net_connect(r->ev, host, port, r->timeout_ms ? r->timeout_ms :
		    PROBE_TIMEOUT_MS, on_tcp, j);
		return 0;
	}
	if (c->name != NULL) {
		name = tmpl_expand(c->name, scope_lookup, sc);
		if (vartype_check(&ns, name, NULL, why, sizeof(why)) == -1) {
			r->v[idx].message = xasprintf("name \"%s\" %s", name,
			    why);
			r->v[idx].input = 1;
			r->v[idx].target = xasprintf("here: %s:%d", host,
			    port);
			diags_add(d, in->proc->id, 0, 0, "%s",
			    r->v[idx].message);
			free(name);
			r->pending--;
			free(j->host);
			free(j);
			return -1;
		}
	}
	if (c->cipher != NULL) {
		j->version = c->max ? hello_version_parse(c->max) : c->min ?
		    hello_version_parse(c->min) : HELLO_TLS12;
		j->cipher = hello_cipher_parse(c->cipher);
		r->v[idx].target = xasprintf("here: %s:%d %s %s", host,
		    port, hello_version_name(j->version),
		    hello_cipher_name((uint16_t)j->cipher));
		hello_start(r->ev, host, port, name, j->version,
		    (uint16_t)j->cipher, r->timeout_ms ? r->timeout_ms :
		    PROBE_TIMEOUT_MS, on_hello, j);
		free(name);
		return 0;
	}
	if (c->ca != NULL)
		ca = tmpl_expand(c->ca, scope_lookup, sc);
	memset(&w, 0, sizeof(w));
	w.host = host;
	w.port = port;
	w.name = name;
	w.min = c->min ? hello_version_parse(c->min) : 0;
	w.max = c->max ? hello_version_parse(c->max) : 0;
	w.ca = ca;
	for (i = 0; i < c->eku.n; i++)
		w.eku |= strcmp(c->eku.v[i], "clientAuth") == 0 ?
		    CERT_EKU_CLIENT : CERT_EKU_SERVER;
	w.timeout_ms = r->timeout_ms ? r->timeout_ms : PROBE_TIMEOUT_MS;
	w.skew = SKEW_S;
	r->v[idx].target = xasprintf("here: %s:%d%s%s", host, port,
	    name ? " as " : "", name ? name : "");
	tls_probe_start(r->ev, &w, on_tls, j);
	free(name);
	free(ca);
	return 0;
}
