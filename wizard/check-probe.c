/*
 * check-probe.c: the checks fedwiz runs from this machine rather than on
 * a device: tls (a handshake, or one ClientHello for a legacy suite), tcp
 * (a port accepts), dns (a record is there), x509 (a certificate file is
 * what the procedure needs) and sip (an OPTIONS over TLS is answered as
 * the federation needs: the end-to-end test). All but x509 run on the
 * event loop beside the ssh checks.
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
#include "clean.h"
#include "dns.h"
#include "hello.h"
#include "net.h"
#include "sip.h"
#include "template.h"
#include "tls.h"
#include "util.h"
#include "vartype.h"

#define PROBE_TIMEOUT_MS	10000
#define DNS_TIMEOUT_MS		5000
#define SKEW_S			300
#define SIP_EVIDENCE_MAX	8192

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

/* Whether the check has a fix for exactly this class of failure. */
static int
has_fix(const struct rb_check *c, const char *cls)
{
	size_t	i;

	for (i = 0; cls != NULL && i < c->nfixes; i++)
		if (c->fixes[i].on != NULL && strcmp(c->fixes[i].on, cls) == 0)
			return 1;
	return 0;
}

/* The finer class when the check has a fix for it, else the broader. */
static const char *
fix_class(const struct rb_check *c, const char *fine, const char *broad)
{
	return fine != NULL && (broad == NULL || has_fix(c, fine)) ? fine :
	    broad;
}

/* Each defect on its own line, each with the procedure that fixes it: its
 * class's fix, else (a sip check) the fix for broad, else any. */
static char *
defects_message(struct pjob *j, const struct cert_verdict *v,
    const char *what, const char *broad)
{
	struct check_outcome	*o = &j->r->v[j->idx];
	const struct rb_fix	*f;
	const char		*cls;
	struct buf		 b;
	char			*m, *line;
	size_t			 i;

	buf_init(&b);
	for (i = 0; i < v->n; i++) {
		cls = fix_class(o->check, defect_class(v->defects[i]), broad);
		/* A fix with a hint says what to do; the generic remedy of
		 * the message would say it twice. */
		f = check_fix_for(o->check, cls);
		line = xasprintf("%s%s", what, f != NULL && f->hint != NULL ?
		    v->facts[i] : v->messages[i]);
		m = check_fail_message(j->r, o, &j->sc, cls, line);
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
			o->message = defects_message(j, &res->verdict, what,
			    NULL);
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

/* sip */

/* What came back first (the verdict's grounds), then the whole exchange;
 * the peer's text cleaned. */
static void
sip_evidence(struct check_outcome *o, const struct sip_result *res)
{
	const struct sip_msg	*m;
	const char		*d;
	struct buf		 b;
	char			*c;
	size_t			 i, k, len;

	buf_init(&b);
	buf_printf(&b, "%s %s", res->tls->peer, sip_status_name(res->status));
	if (res->tls->status == TLS_OK)
		buf_printf(&b, " %s %s", res->tls->version, res->tls->cipher);
	if (res->final != NULL)
		buf_printf(&b, ": %s", res->final->start);
	buf_printf(&b, "\n");
	if (res->final != NULL && (d = sip_msg_header(res->final,
	    "ms-diagnostics")) != NULL)
		buf_printf(&b, "ms-diagnostics: %s\n", d);
	if (res->message != NULL)
		buf_printf(&b, "%s\n", res->message);
	for (i = 0; i < res->tls->ncerts; i++)
		buf_printf(&b, "cert %zu: %s (issuer %s) sha256 %s\n", i,
		    res->tls->certs[i].subject, res->tls->certs[i].issuer,
		    res->tls->certs[i].sha256);
	if (res->request != NULL)
		buf_printf(&b, "sent from %s:\n%s", res->local, res->request);
	for (i = 0; i < res->nmsgs; i++) {
		m = &res->msgs[i];
		buf_printf(&b, "%s\n", m->start);
		for (k = 0; k < m->nh; k++)
			buf_printf(&b, "%s: %s\n", m->h[k].name, m->h[k].value);
		buf_printf(&b, "\n");
	}
	c = clean_term(b.s, b.len, &len);
	buf_free(&b);
	o->output_len = len;
	sha256_hex(c, len, o->sha256);
	if (len > SIP_EVIDENCE_MAX) {
		c[SIP_EVIDENCE_MAX] = '\0';
		o->excerpt = xasprintf("%s\n(cut at %d bytes of %zu)\n", c,
		    SIP_EVIDENCE_MAX, len);
		free(c);
	} else
		o->excerpt = c;
}

static void
on_sip(const struct sip_result *res, void *arg)
{
	struct pjob		*j = arg;
	struct check_outcome	*o = &j->r->v[j->idx];
	struct sip_judgement	 jd;
	char			*what;
	const char		*cls;

	o->ms = res->ms;
	sip_evidence(o, res);
	sip_judge(res, o->check->status, &jd);
	switch (jd.verdict) {
	case SIPV_PASS:
		o->verdict = CV_PASS;
		break;
	case SIPV_INPUT:
		o->verdict = CV_ERROR;
		o->input = 1;
		o->message = xstrdup(jd.what);
		break;
	case SIPV_ERROR:
		/* Unreachable or silent: not a finding about the peer, so
		 * no procedure is blamed unless the check names one for
		 * exactly this (a firewall, a route, a service down). */
		o->verdict = CV_ERROR;
		o->message = has_fix(o->check, jd.cls) ?
		    check_fail_message(j->r, o, &j->sc, jd.cls, jd.what) :
		    xstrdup(jd.what);
		break;
	case SIPV_FAIL:
		o->verdict = CV_FAIL;
		if (res->status == SIP_E_CERT && res->tls->judged &&
		    res->tls->verdict.n > 0) {
			what = xasprintf("%s: ", res->tls->peer);
			o->message = defects_message(j, &res->tls->verdict,
			    what, "tls");
			free(what);
			break;
		}
		cls = fix_class(o->check, jd.sub, jd.cls);
		o->message = check_fail_message(j->r, o, &j->sc, cls, jd.what);
		break;
	}
	sip_judgement_free(&jd);
	pjob_done(j);
}

/* The sip check's values, expanded and checked, then the probe. */
static int
run_sip(struct check_run *r, size_t idx, struct pjob *j, char *name,
    struct diags *d)
{
	const struct rb_check	*c = r->v[idx].check;
	struct sip_want		 w;
	char			*ca = NULL, *cert = NULL, *key = NULL;
	char			*from = NULL, *to = NULL, why[160];
	size_t			 i;
	int			 rc = -1;

	memset(&w, 0, sizeof(w));
	if (c->from != NULL)
		from = tmpl_expand(c->from, scope_lookup, &j->sc);
	if (c->to != NULL)
		to = tmpl_expand(c->to, scope_lookup, &j->sc);
	if (from != NULL && sip_uri_check(from, why, sizeof(why)) == -1)
		r->v[idx].message = xasprintf("from \"%s\" %s", from, why);
	else if (to != NULL && sip_uri_check(to, why, sizeof(why)) == -1)
		r->v[idx].message = xasprintf("to \"%s\" %s", to, why);
	if (r->v[idx].message != NULL) {
		r->v[idx].input = 1;
		r->v[idx].target = xasprintf("here: %s:%d", j->host, j->port);
		diags_add(d, r->v[idx].inst->proc->id, 0, 0, "%s",
		    r->v[idx].message);
		goto out;
	}
	if (c->ca != NULL)
		ca = tmpl_expand(c->ca, scope_lookup, &j->sc);
	if (c->cert_file != NULL)
		cert = tmpl_expand(c->cert_file, scope_lookup, &j->sc);
	if (c->key_file != NULL)
		key = tmpl_expand(c->key_file, scope_lookup, &j->sc);
	/* As probe sip: the name connected to is the name judged. */
	if (name == NULL && !net_is_address(j->host))
		name = xstrdup(j->host);
	w.tls.host = j->host;
	w.tls.port = j->port;
	w.tls.name = name;
	w.tls.min = c->min ? hello_version_parse(c->min) : 0;
	w.tls.max = c->max ? hello_version_parse(c->max) : 0;
	w.tls.ca = ca;
	/* Federation is mutual TLS: both usages unless the check says. */
	w.tls.eku = c->eku.n == 0 ? CERT_EKU_SERVER | CERT_EKU_CLIENT : 0;
	for (i = 0; i < c->eku.n; i++)
		w.tls.eku |= strcmp(c->eku.v[i], "clientAuth") == 0 ?
		    CERT_EKU_CLIENT : CERT_EKU_SERVER;
	w.tls.client_cert = cert;
	w.tls.client_key = key;
	w.tls.timeout_ms = r->timeout_ms ? r->timeout_ms : PROBE_TIMEOUT_MS;
	w.tls.skew = SKEW_S;
	w.from = from;
	w.to = to;
	w.answer_ms = r->timeout_ms ? r->timeout_ms : SIP_ANSWER_MS;
	r->v[idx].target = xasprintf("here: %s:%d%s%s, OPTIONS %s%s", j->host,
	    j->port, name ? " as " : "", name ? name : "", to ? "" : "sip:",
	    to ? to : name ? name : j->host);
	sip_probe_start(r->ev, &w, on_sip, j);
	rc = 0;
out:
	free(name);
	free(ca);
	free(cert);
	free(key);
	free(from);
	free(to);
	return rc;
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
	char			*cn = NULL;
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
	if (c->subject_cn != NULL)
		w.cn = cn = tmpl_expand(c->subject_cn, scope_lookup, sc);
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
		o->message = defects_message(&j, &v, "", NULL);
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
	free(cn);
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
	char		*host, *name = NULL, *ca = NULL, *cn = NULL, why[200];
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
	if (c->kind == CK_SIP) {
		if (run_sip(r, idx, j, name, d) == -1) {
			r->v[idx].running = 0;
			r->pending--;
			free(j->host);
			free(j);
			return -1;
		}
		return 0;
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
	if (c->subject_cn != NULL)
		w.cn = cn = tmpl_expand(c->subject_cn, scope_lookup, sc);
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
	free(cn);
	free(ca);
	return 0;
}
