/*
 * cmd-probe-cert.c: fedwiz probe cert FILE [--name FQDN] [--ca FILE]
 * [--json]: what a certificate file holds (each certificate, or a CSR), in
 * the words an operator reads on both sides, and whether its leaf would
 * do for federation, judged by the same code the TLS probe uses on what a
 * peer presents.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "certinfo.h"
#include "cli.h"
#include "json.h"
#include "util.h"

/* Federation is mutual TLS: each side's certificate is a server's to its
 * peer and a client's when it connects out, so it must list both. */
#define FED_EKU		(CERT_EKU_SERVER | CERT_EKU_CLIENT)

#define USAGE	"usage: fedwiz probe cert FILE [--name FQDN] [--ca FILE] " \
		"[--json]"

/* One defect found, with the certificate it is about (-1: the CSR). */
struct finding {
	int			 cert;
	enum cert_defect	 kind;
	const char		*message;	/* borrowed from a verdict */
};

struct probe_cert {
	const char		*file;
	const char		*name;		/* --name */
	const char		*ca;		/* --ca */
	struct certfile		 cf;
	struct cert_desc	*d;		/* one per certificate */
	int			 n;
	struct cert_desc	 csr;
	int			 csr_ok;	/* self-signature verifies */
	int			 leaf;		/* index, -1: none */
	unsigned		 eku;		/* asked of the leaf */
	struct cert_verdict	*v;		/* per certificate; [n]: CSR */
	int			*judged;	/* per certificate */
	struct finding		*f;
	size_t			 nf;
	time_t			 now;
};

static void
add_findings(struct probe_cert *p, int cert, const struct cert_verdict *v)
{
	size_t	i;

	for (i = 0; i < v->n; i++) {
		p->f = xreallocarray(p->f, p->nf + 1, sizeof(*p->f));
		p->f[p->nf].cert = cert;
		p->f[p->nf].kind = v->defects[i];
		p->f[p->nf++].message = v->messages[i];
	}
}

static void
judge(struct probe_cert *p, X509_STORE *trust)
{
	struct cert_want	 w;
	X509			*leaf;
	int			 i;

	memset(&w, 0, sizeof(w));
	w.now = p->now;
	if (p->cf.csr != NULL) {
		w.name = p->name;
		w.eku = p->eku = FED_EKU;
		cert_judge_csr(p->cf.csr, &w, &p->v[p->n]);
		add_findings(p, -1, &p->v[p->n]);
		return;
	}
	leaf = certfile_leaf(&p->cf);
	for (i = 0; i < p->n; i++) {
		if (sk_X509_value(p->cf.certs, i) == leaf)
			p->leaf = i;
	}
	for (i = 0; i < p->n; i++) {
		memset(&w, 0, sizeof(w));
		w.now = p->now;
		if (i == p->leaf) {
			/* A lone CA certificate is a leaf only by being
			 * alone: ask it for usages only when a name says it
			 * serves as someone's certificate. */
			if (!p->d[i].is_ca || p->name != NULL)
				w.eku = p->eku = FED_EKU;
			w.name = p->name;
			w.trust = trust;
			cert_judge(leaf, p->cf.certs, &w, &p->v[i]);
		} else if (trust == NULL)
			/* Its validity and, for a root, its own signature;
			 * with --ca the chain check covers the CAs it
			 * uses. */
			cert_judge(sk_X509_value(p->cf.certs, i), NULL, &w,
			    &p->v[i]);
		else
			continue;
		p->judged[i] = 1;
		add_findings(p, i, &p->v[i]);
	}
}

static void
print_cert(const struct probe_cert *p, int i)
{
	const struct cert_desc	*d = &p->d[i];

	printf("\ncertificate %d of %d: %s%s\n", i + 1, p->n, cert_role(d),
	    !d->is_ca && d->self_issued ? " (self-signed)" : "");
	cli_cert_text(d, p->now);
}

static void
print_csr(const struct probe_cert *p)
{
	const struct cert_desc	*d = &p->csr;

	printf("\ncertificate request\n");
	cli_print_field("subject", d->subject);
	cli_print_list("names (SAN)", d->sans, d->nsans, "none requested");
	cli_print_ekus(d);
	cli_print_field("key", d->key);
	printf("  %-13s%s, %s\n", "signature", d->sigalg, p->csr_ok ?
	    "verifies with its own key" : "DOES NOT VERIFY with its own key");
}

static int
has_kind(const struct cert_verdict *v, enum cert_defect a,
    enum cert_defect b, enum cert_defect c)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (v->defects[i] == a || v->defects[i] == b ||
		    v->defects[i] == c)
			return 1;
	return 0;
}

/* The defects of some kinds as FAIL lines, or the ok line. */
static void
check_line(const struct cert_verdict *v, const char *what,
    enum cert_defect a, enum cert_defect b, enum cert_defect c,
    const char *ok)
{
	size_t	i;

	if (!has_kind(v, a, b, c)) {
		if (ok == NULL)
			return;
		printf("  %-5s %s: ", ok[0] == '-' ? "--" : "ok", what);
		cli_put_clean(stdout, ok[0] == '-' ? ok + 1 : ok);
		putchar('\n');
		return;
	}
	for (i = 0; i < v->n; i++) {
		if (v->defects[i] != a && v->defects[i] != b &&
		    v->defects[i] != c)
			continue;
		printf("  %-5s %s: ", "FAIL", what);
		cli_put_clean(stdout, v->messages[i]);
		putchar('\n');
	}
}

static void
print_checks(const struct probe_cert *p)
{
	const struct cert_verdict	*v;
	const struct cert_desc		*d;
	char				*s, when[40];
	int				 i;

	if (p->cf.csr != NULL) {
		v = &p->v[p->n];
		printf("\nchecks on the request\n");
		s = p->name == NULL ? xstrdup("-not checked: give --name "
		    "FQDN") : xasprintf("%s %s", p->name, v->name_how);
		check_line(v, "name", CD_NAME, CD_NAME, CD_NAME, s);
		free(s);
		check_line(v, "usages", CD_EKU, CD_NO_EKU_EXT, CD_NO_EKU_EXT,
		    "asks for Server and Client Authentication");
		check_line(v, "signature", CD_SIGNATURE, CD_SIGNATURE,
		    CD_SIGNATURE, "verifies with its own key");
		return;
	}
	if (p->leaf >= 0) {
		v = &p->v[p->leaf];
		d = &p->d[p->leaf];
		printf("\nchecks on certificate %d (%s)\n", p->leaf + 1,
		    cert_role(d));
		s = p->name == NULL ? xstrdup("-not checked: give --name "
		    "FQDN") : xasprintf("%s %s", p->name, v->name_how);
		check_line(v, "name", CD_NAME, CD_NAME, CD_NAME, s);
		free(s);
		s = p->ca != NULL ? xasprintf("reaches a root in %s", p->ca) :
		    xstrdup("-not checked: give --ca FILE with the CA "
		    "certificates the peer trusts");
		check_line(v, "chain", CD_UNTRUSTED, CD_CHAIN, CD_SIGNATURE, s);
		free(s);
		check_line(v, "usages", CD_EKU, CD_NO_EKU_EXT, CD_NO_EKU_EXT,
		    p->eku ? "lists Server and Client Authentication" :
		    "-not checked: a CA certificate (give --name to check it "
		    "as a server's)");
		s = xasprintf("until %s", cli_utc_time(d->not_after, when,
		    sizeof(when)));
		check_line(v, "validity", CD_EXPIRED, CD_NOT_YET, CD_NOT_YET,
		    s);
		free(s);
	}
	for (i = 0; i < p->n; i++) {
		if (i == p->leaf || !p->judged[i] || p->v[i].n == 0)
			continue;
		printf("\nchecks on certificate %d (%s)\n", i + 1,
		    cert_role(&p->d[i]));
		check_line(&p->v[i], "validity", CD_EXPIRED, CD_NOT_YET,
		    CD_NOT_YET, NULL);
		check_line(&p->v[i], "signature", CD_SIGNATURE, CD_CHAIN,
		    CD_UNTRUSTED, NULL);
	}
}

static void
print_text(const struct probe_cert *p)
{
	int	i;

	cli_put_clean(stdout, p->file);
	if (p->cf.csr != NULL)
		printf(": a certificate request (%s)\n", p->cf.format);
	else
		printf(": %s, %d certificate%s%s\n", p->cf.format, p->n,
		    p->n == 1 ? "" : "s", p->leaf >= 0 ? "" :
		    p->n > 1 ? "; no single leaf among them" : "");
	for (i = 0; i < p->n; i++)
		print_cert(p, i);
	if (p->cf.csr != NULL)
		print_csr(p);
	print_checks(p);
	if (p->nf == 0)
		printf("\nno defects\n");
	else
		printf("\n%zu defect%s\n", p->nf, p->nf == 1 ? "" : "s");
}

static void
print_json(const struct probe_cert *p)
{
	const struct cert_desc		*d;
	const struct cert_verdict	*v = NULL;
	struct json			 j;
	size_t				 k;
	int				 i;

	json_init(&j, stdout);
	json_obj_begin(&j);
	cli_json_kclean(&j, "file", p->file);
	json_kstr(&j, "format", p->cf.format);
	json_key(&j, "certificates");
	json_arr_begin(&j);
	for (i = 0; i < p->n; i++) {
		d = &p->d[i];
		json_obj_begin(&j);
		json_kint(&j, "index", i);
		json_kstr(&j, "role", cert_role(d));
		cli_cert_json(&j, d, p->now);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "csr");
	if (p->cf.csr != NULL) {
		json_obj_begin(&j);
		cli_json_desc(&j, &p->csr);
		json_kbool(&j, "signature_valid", p->csr_ok);
		json_obj_end(&j);
		v = &p->v[p->n];
	} else
		json_null(&j);
	json_key(&j, "leaf");
	if (p->leaf >= 0) {
		json_int(&j, p->leaf);
		v = &p->v[p->leaf];
	} else
		json_null(&j);
	json_key(&j, "checked");
	json_obj_begin(&j);
	cli_json_kclean(&j, "name", p->name);
	cli_json_kclean(&j, "ca", p->ca);
	json_key(&j, "ekus");
	json_arr_begin(&j);
	if (p->eku & CERT_EKU_SERVER)
		json_str(&j, "1.3.6.1.5.5.7.3.1");
	if (p->eku & CERT_EKU_CLIENT)
		json_str(&j, "1.3.6.1.5.5.7.3.2");
	json_arr_end(&j);
	json_obj_end(&j);
	json_key(&j, "name_match");
	if (p->name != NULL && v != NULL) {
		json_obj_begin(&j);
		cli_json_kclean(&j, "name", p->name);
		json_kbool(&j, "matched", v->name_how != NULL);
		json_kstr(&j, "by", v->name_by);
		cli_json_kclean(&j, "how", v->name_how);
		json_obj_end(&j);
	} else
		json_null(&j);
	json_key(&j, "defects");
	json_arr_begin(&j);
	for (k = 0; k < p->nf; k++) {
		json_obj_begin(&j);
		json_key(&j, "certificate");
		if (p->f[k].cert >= 0)
			json_int(&j, p->f[k].cert);
		else
			json_null(&j);
		json_kstr(&j, "kind", cert_defect_name(p->f[k].kind));
		cli_json_kclean(&j, "message", p->f[k].message);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

static void
say(const char *msg)
{
	fputs("fedwiz: ", stderr);
	cli_put_clean(stderr, msg);
	fputc('\n', stderr);
}

int
probe_cert(struct cli *cli, int argc, char **argv)
{
	struct probe_cert	 p;
	X509_STORE		*trust = NULL;
	char			*err = NULL, *s;
	int			 i, nca, rc = EXIT_USAGE;

	if (argc != 2) {
		fprintf(stderr, "fedwiz: %s\n", USAGE);
		return EXIT_USAGE;
	}
	if (cli->name != NULL && *cli->name == '\0') {
		fprintf(stderr, "fedwiz: --name is empty: give the FQDN the "
		    "certificate must be valid for\n");
		return EXIT_USAGE;
	}
	memset(&p, 0, sizeof(p));
	p.file = argv[1];
	p.name = cli->name;
	p.ca = cli->ca;
	p.leaf = -1;
	p.now = time(NULL);
	if (certfile_load(p.file, &p.cf, &err) == -1) {
		say(err);
		goto out;
	}
	if (p.ca != NULL && p.cf.csr != NULL) {
		s = xasprintf("%s is a certificate request: --ca checks a "
		    "certificate's chain; leave it out, or give the issued "
		    "certificate", p.file);
		say(s);
		free(s);
		goto out;
	}
	if (p.ca != NULL && (trust = certfile_store(p.ca, &err)) == NULL) {
		s = xasprintf("--ca: %s", err);
		say(s);
		free(s);
		goto out;
	}
	p.n = sk_X509_num(p.cf.certs);
	p.d = xcalloc((size_t)p.n + 1, sizeof(*p.d));
	p.v = xcalloc((size_t)p.n + 1, sizeof(*p.v));
	p.judged = xcalloc((size_t)p.n + 1, sizeof(*p.judged));
	for (i = 0; i < p.n; i++)
		cert_describe(sk_X509_value(p.cf.certs, i), &p.d[i]);
	if (p.cf.csr != NULL)
		p.csr_ok = cert_describe_csr(p.cf.csr, &p.csr);
	judge(&p, trust);
	if (p.leaf < 0 && p.cf.csr == NULL && (p.name != NULL ||
	    p.ca != NULL)) {
		for (i = 0, nca = 0; i < p.n; i++)
			nca += p.d[i].is_ca;
		s = xasprintf("%s holds no single leaf certificate to check "
		    "%s against (%s): give the server's certificate file",
		    p.file, p.name != NULL ? "--name" : "--ca", nca == p.n ?
		    "only CA certificates" : "several unrelated leaves");
		say(s);
		free(s);
		goto out;
	}
	if (cli->json)
		print_json(&p);
	else
		print_text(&p);
	rc = p.nf > 0 ? EXIT_CHECK : EXIT_OK;
out:
	for (i = 0; i < p.n; i++) {
		cert_desc_free(&p.d[i]);
		cert_verdict_free(&p.v[i]);
	}
	if (p.v != NULL)
		cert_verdict_free(&p.v[p.n]);
	cert_desc_free(&p.csr);
	free(p.d);
	free(p.v);
	free(p.judged);
	free(p.f);
	certfile_free(&p.cf);
	X509_STORE_free(trust);
	free(err);
	return rc;
}
