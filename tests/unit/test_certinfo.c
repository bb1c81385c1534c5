/* test_certinfo.c: certificates made here with the OpenSSL API (EC keys,
 * fast) are loaded in every wrapping, described field by field, and
 * judged: each defect on its own, CN against SAN, no EKU extension against
 * an EKU without clientAuth, a wrong intermediate against an untrusted
 * root. */
#include "config.h"

#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certinfo.h"
#include "testutil.h"

#define DAY	86400L
#define BOTH	(CERT_EKU_SERVER | CERT_EKU_CLIENT)
#define LACKS_CLIENT \
	"certificate lacks Client Authentication (1.3.6.1.5.5.7.3.2)"

static time_t	 NOW;

/* What a test certificate is made of; zero fields take the defaults. */
struct mk {
	const char	*cn;
	const char	*org;		/* adds O= and C=US before the CN */
	X509		*issuer;	/* NULL: self-signed */
	EVP_PKEY	*ikey;
	EVP_PKEY	*key;
	int		 ca;		/* 1 CA:TRUE, 0 CA:FALSE */
	const char	*san;		/* "DNS:a,IP:192.0.2.1" */
	const char	*eku;		/* "serverAuth,clientAuth"; NULL none */
	long		 nb, na;	/* validity, seconds from NOW */
	int		 no_akid;	/* leave authorityKeyIdentifier out */
	long		 serial;
};

static EVP_PKEY	*k_root, *k_inter, *k_inter2, *k_oroot, *k_leaf, *k_rogue;
static X509	*root, *inter, *inter2, *oroot;

static EVP_PKEY *
ec_key(void)
{
	EVP_PKEY	*k = EVP_EC_gen("P-256");

	assert_non_null(k);
	return k;
}

static void
ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION	*e;

	e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

static X509 *
mkcert(const struct mk *m)
{
	X509		*x;
	X509_NAME	*nm;
	X509V3_CTX	 ctx;
	EVP_PKEY	*signer = m->ikey != NULL ? m->ikey : m->key;
	time_t		 t = NOW;

	assert_non_null(x = X509_new());
	assert_non_null(nm = X509_NAME_new());
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), m->serial ? m->serial :
	    4096);
	if (m->org != NULL) {
		X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_UTF8,
		    (const unsigned char *)"US", -1, -1, 0);
		X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_UTF8,
		    (const unsigned char *)m->org, -1, -1, 0);
	}
	if (m->cn != NULL)
		X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
		    (const unsigned char *)m->cn, -1, -1, 0);
	X509_set_subject_name(x, nm);
	X509_set_issuer_name(x, m->issuer != NULL ?
	    X509_get_subject_name(m->issuer) : nm);
	X509_NAME_free(nm);
	X509_time_adj(X509_getm_notBefore(x), m->nb ? m->nb : -DAY, &t);
	X509_time_adj(X509_getm_notAfter(x), m->na ? m->na : 365 * DAY, &t);
	X509_set_pubkey(x, m->key);
	X509V3_set_ctx(&ctx, m->issuer != NULL ? m->issuer : x, x, NULL, NULL,
	    0);
	ext(x, &ctx, NID_basic_constraints, m->ca ? "critical,CA:TRUE" :
	    "CA:FALSE");
	ext(x, &ctx, NID_subject_key_identifier, "hash");
	if (!m->no_akid)
		ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
	if (m->ca)
		ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
	if (m->san != NULL)
		ext(x, &ctx, NID_subject_alt_name, m->san);
	if (m->eku != NULL)
		ext(x, &ctx, NID_ext_key_usage, m->eku);
	assert_true(X509_sign(x, signer, EVP_PKEY_get_base_id(signer) ==
	    EVP_PKEY_ED25519 ? NULL : EVP_sha256()) > 0);
	return x;
}

/* The federation leaf: pool1 and fe1, both usages, issued by inter. */
static X509 *
leaf_with(const char *cn, const char *san, const char *eku)
{
	struct mk	m = { .cn = cn, .issuer = inter, .ikey = k_inter,
	    .key = k_leaf, .san = san, .eku = eku };

	return mkcert(&m);
}

static X509 *
good_leaf(void)
{
	return leaf_with("pool1.example.com",
	    "DNS:pool1.example.com,DNS:fe1.example.com",
	    "serverAuth,clientAuth");
}

static STACK_OF(X509) *
stack_of(X509 *a, X509 *b, X509 *c)
{
	STACK_OF(X509)	*sk = sk_X509_new_null();
	X509		*v[3] = { a, b, c };
	int		 i;

	for (i = 0; i < 3; i++)
		if (v[i] != NULL) {
			X509_up_ref(v[i]);
			sk_X509_push(sk, v[i]);
		}
	return sk;
}

static X509_STORE *
store_of(X509 *a, X509 *b)
{
	X509_STORE	*st = X509_STORE_new();

	X509_STORE_add_cert(st, a);
	if (b != NULL)
		X509_STORE_add_cert(st, b);
	return st;
}

static int
setup(void **state)
{
	struct mk	m;

	(void)state;
	NOW = time(NULL);
	k_root = ec_key();
	k_inter = ec_key();
	k_inter2 = ec_key();
	k_oroot = ec_key();
	k_leaf = ec_key();
	k_rogue = ec_key();
	memset(&m, 0, sizeof(m));
	m.cn = "Test Root CA";
	m.key = k_root;
	m.ca = 1;
	m.na = 3650 * DAY;
	root = mkcert(&m);
	m.cn = "Untrusted Root CA";
	m.key = k_oroot;
	oroot = mkcert(&m);
	m.cn = "Test Issuing CA";
	m.issuer = root;
	m.ikey = k_root;
	m.key = k_inter;
	inter = mkcert(&m);
	m.cn = "Other Issuing CA";
	m.key = k_inter2;
	inter2 = mkcert(&m);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	X509_free(root);
	X509_free(inter);
	X509_free(inter2);
	X509_free(oroot);
	EVP_PKEY_free(k_root);
	EVP_PKEY_free(k_inter);
	EVP_PKEY_free(k_inter2);
	EVP_PKEY_free(k_oroot);
	EVP_PKEY_free(k_leaf);
	EVP_PKEY_free(k_rogue);
	return 0;
}

/* Judge and hand back the verdict; the caller frees it. */
static size_t
judge(X509 *leaf, STACK_OF(X509) *chain, X509_STORE *st, const char *name,
    unsigned eku, struct cert_verdict *v)
{
	struct cert_want	w = { .name = name, .eku = eku, .trust = st,
	    .now = NOW };

	return cert_judge(leaf, chain, &w, v);
}

static int
has(const struct cert_verdict *v, enum cert_defect k)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (v->defects[i] == k)
			return 1;
	return 0;
}

static const char *
msg(const struct cert_verdict *v, enum cert_defect k)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (v->defects[i] == k)
			return v->messages[i];
	fail_msg("no %s defect among %zu", cert_defect_name(k), v->n);
	return NULL;
}

static void
print_verdict(const struct cert_verdict *v)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		fprintf(stderr, "  %s: %s\n", cert_defect_name(v->defects[i]),
		    v->messages[i]);
}

/* Exactly one defect, of this kind; its message. */
#define assert_only(v, k) do {						\
	if ((v)->n != 1 || (v)->defects[0] != (k)) {			\
		print_verdict(v);					\
		fail_msg("wanted only %s, got %zu defects",		\
		    cert_defect_name(k), (v)->n);			\
	}								\
} while (0)

static char *
pem_of(X509 *x)
{
	BIO	*b = BIO_new(BIO_s_mem());
	BUF_MEM	*bm;
	char	*s;

	assert_int_equal(PEM_write_bio_X509(b, x), 1);
	BIO_get_mem_ptr(b, &bm);
	s = xstrndup(bm->data, bm->length);
	BIO_free(b);
	return s;
}

static unsigned char *
der_of(X509 *x, size_t *n)
{
	unsigned char	*p = NULL;
	int		 len;

	assert_true((len = i2d_X509(x, &p)) > 0);
	*n = (size_t)len;
	return p;
}

static PKCS7 *
p7_of(X509 *a, X509 *b)
{
	PKCS7	*p7 = PKCS7_new();

	assert_int_equal(PKCS7_set_type(p7, NID_pkcs7_signed), 1);
	assert_int_equal(PKCS7_content_new(p7, NID_pkcs7_data), 1);
	assert_int_equal(PKCS7_add_certificate(p7, a), 1);
	if (b != NULL)
		assert_int_equal(PKCS7_add_certificate(p7, b), 1);
	return p7;
}

static char *
replace_all(const char *s, const char *from, const char *to)
{
	struct buf	b;

	buf_init(&b);
	while (*s != '\0') {
		if (strncmp(s, from, strlen(from)) == 0) {
			buf_adds(&b, to);
			s += strlen(from);
		} else
			buf_addc(&b, *s++);
	}
	return buf_steal(&b);
}

static int
parse(const void *p, size_t n, struct certfile *cf, char **err)
{
	return certfile_parse("t.crt", p, n, cf, err);
}

/* The error a buffer must give. */
static char *
parse_err(const void *p, size_t n)
{
	struct certfile	 cf;
	char		*err = NULL;

	assert_int_equal(parse(p, n, &cf, &err), -1);
	assert_non_null(err);
	assert_null(cf.certs);
	assert_true(strncmp(err, "t.crt:", 6) == 0);
	return err;
}

static X509_REQ *
mkcsr(EVP_PKEY *k, const char *cn, const char *san, const char *eku)
{
	X509_REQ			*r;
	X509_NAME			*nm;
	STACK_OF(X509_EXTENSION)	*exts = sk_X509_EXTENSION_new_null();
	X509_EXTENSION			*e;

	assert_non_null(r = X509_REQ_new());
	nm = X509_REQ_get_subject_name(r);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_REQ_set_pubkey(r, k);
	if (san != NULL) {
		e = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
		sk_X509_EXTENSION_push(exts, e);
	}
	if (eku != NULL) {
		e = X509V3_EXT_conf_nid(NULL, NULL, NID_ext_key_usage, eku);
		sk_X509_EXTENSION_push(exts, e);
	}
	if (sk_X509_EXTENSION_num(exts) > 0)
		assert_int_equal(X509_REQ_add_extensions(r, exts), 1);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	assert_true(X509_REQ_sign(r, k, EVP_sha256()) > 0);
	return r;
}

static void
test_describe_every_field(void **state)
{
	struct cert_desc	 d;
	struct mk		 m = { .cn = "pool1.example.com",
	    .org = "Example", .issuer = inter, .ikey = k_inter, .key = k_leaf,
	    .san = "DNS:pool1.example.com,IP:192.0.2.1,IP:2001:db8::1,"
	    "email:ops@example.com,URI:sip:pool1.example.com",
	    .eku = "clientAuth,serverAuth,codeSigning", .nb = -10 * DAY,
	    .na = 20 * DAY, .serial = 0x1a2b };
	X509			*x = mkcert(&m);
	unsigned char		 md[32];
	unsigned int		 n;
	char			 fp[96];
	int			 i;

	(void)state;
	cert_describe(x, &d);
	assert_string_equal(d.subject, "CN=pool1.example.com, O=Example, C=US");
	assert_string_equal(d.issuer, "CN=Test Issuing CA");
	assert_string_equal(d.cn, "pool1.example.com");
	assert_int_equal(d.nsans, 5);
	assert_string_equal(d.sans[0], "DNS:pool1.example.com");
	assert_string_equal(d.sans[1], "IP:192.0.2.1");
	assert_string_equal(d.sans[2], "IP:2001:db8::1");
	assert_string_equal(d.sans[3], "email:ops@example.com");
	assert_string_equal(d.sans[4], "URI:sip:pool1.example.com");
	assert_true(d.has_eku);
	assert_int_equal(d.nekus, 3);
	assert_string_equal(d.ekus[0], "1.3.6.1.5.5.7.3.2");
	assert_string_equal(d.ekus[1], "1.3.6.1.5.5.7.3.1");
	assert_string_equal(d.ekus[2], "1.3.6.1.5.5.7.3.3");
	assert_int_equal(d.eku, BOTH);
	assert_string_equal(d.key, "EC P-256");
	assert_string_equal(d.sigalg, "ecdsa-with-SHA256");
	assert_string_equal(d.serial, "1A2B");
	assert_int_equal(d.not_before, NOW - 10 * DAY);
	assert_int_equal(d.not_after, NOW + 20 * DAY);
	assert_false(d.is_ca);
	assert_false(d.self_issued);
	assert_string_equal(cert_role(&d), "leaf");
	/* as openssl x509 -fingerprint -sha256 prints it */
	assert_int_equal(X509_digest(x, EVP_sha256(), md, &n), 1);
	for (i = 0; i < 32; i++)
		snprintf(fp + i * 3, sizeof(fp) - (size_t)i * 3, "%02X%s",
		    md[i], i < 31 ? ":" : "");
	assert_string_equal(d.sha256, fp);
	assert_int_equal(strlen(d.sha256), 95);
	cert_desc_free(&d);
	X509_free(x);

	cert_describe(root, &d);
	assert_string_equal(cert_role(&d), "root CA");
	assert_true(d.is_ca);
	assert_true(d.self_issued);
	assert_false(d.has_eku);
	assert_int_equal(d.eku, 0);
	assert_int_equal(d.nsans, 0);
	cert_desc_free(&d);
	cert_describe(inter, &d);
	assert_string_equal(cert_role(&d), "subordinate CA");
	cert_desc_free(&d);
}

static void
test_describe_keys(void **state)
{
	struct cert_desc	 d;
	struct mk		 m = { .cn = "k.example.com" };
	EVP_PKEY		*k;
	X509			*x;

	(void)state;
	m.key = k = EVP_RSA_gen(2048);
	assert_non_null(k);
	x = mkcert(&m);
	cert_describe(x, &d);
	assert_string_equal(d.key, "RSA 2048");
	assert_string_equal(d.sigalg, "sha256WithRSAEncryption");
	assert_true(d.self_issued);
	assert_false(d.is_ca);
	assert_string_equal(cert_role(&d), "leaf");
	cert_desc_free(&d);
	X509_free(x);
	EVP_PKEY_free(k);

	m.key = k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(k);
	x = mkcert(&m);
	cert_describe(x, &d);
	assert_string_equal(d.key, "ED25519");
	assert_string_equal(d.sigalg, "ED25519");
	cert_desc_free(&d);
	X509_free(x);
	EVP_PKEY_free(k);

	m.key = k = EVP_EC_gen("P-384");
	x = mkcert(&m);
	cert_describe(x, &d);
	assert_string_equal(d.key, "EC P-384");
	cert_desc_free(&d);
	X509_free(x);
	EVP_PKEY_free(k);
}

/* A name can hold anything: what comes back cannot move a cursor. */
static void
test_describe_escapes_control_bytes(void **state)
{
	struct cert_desc	 d;
	struct mk		 m = { .cn = "evil\x1b[2J\nname", .key = k_leaf,
	    .san = "DNS:a\x07" "b.example.com", .issuer = inter,
	    .ikey = k_inter };
	X509			*x = mkcert(&m);
	const char		*s;

	(void)state;
	cert_describe(x, &d);
	assert_string_equal(d.cn, "evil\\x1b[2J\\x0aname");
	assert_string_equal(d.sans[0], "DNS:a\\x07b.example.com");
	for (s = d.subject; *s != '\0'; s++)
		assert_false((unsigned char)*s < 0x20);
	assert_contains(d.subject, "evil");
	cert_desc_free(&d);
	X509_free(x);
}

static void
test_good_leaf_has_no_defect(void **state)
{
	struct cert_verdict	 v;
	X509			*x = good_leaf();
	STACK_OF(X509)		*chain = stack_of(x, inter, NULL);
	X509_STORE		*st = store_of(root, NULL);

	(void)state;
	assert_int_equal(judge(x, chain, st, "pool1.example.com", BOTH, &v),
	    0);
	assert_string_equal(v.name_how, "matched by SAN DNS:pool1.example.com");
	assert_string_equal(v.name_by, "SAN");
	cert_verdict_free(&v);
	/* the intermediate in the CA file instead of sent */
	X509_STORE_free(st);
	st = store_of(root, inter);
	assert_int_equal(judge(x, NULL, st, "FE1.example.com", BOTH, &v), 0);
	assert_string_equal(v.name_how, "matched by SAN DNS:fe1.example.com");
	cert_verdict_free(&v);
	/* no CA file: what needs none still checked, and fine */
	assert_int_equal(judge(x, chain, NULL, NULL, BOTH, &v), 0);
	assert_null(v.name_how);
	cert_verdict_free(&v);
	X509_STORE_free(st);
	sk_X509_pop_free(chain, X509_free);
	X509_free(x);
}

/* A TLS peer subject is matched on the CN: a certificate whose SANs hold
 * the name and whose CN does not passes name, and fails cn. */
static void
test_subject_cn_apart_from_sans(void **state)
{
	struct cert_want	 w = { .now = NOW };
	struct cert_verdict	 v;
	X509			*x = leaf_with("fe1.example.com",
	    "DNS:pool1.example.com,DNS:fe1.example.com", "serverAuth,clientAuth");

	(void)state;
	w.name = "pool1.example.com";
	assert_int_equal(cert_judge(x, NULL, &w, &v), 0);
	cert_verdict_free(&v);
	w.cn = "pool1.example.com";
	assert_int_equal(cert_judge(x, NULL, &w, &v), 1);
	assert_only(&v, CD_NAME);
	assert_non_null(strstr(v.messages[0], "subject CN is fe1.example.com, "
	    "not pool1.example.com"));
	cert_verdict_free(&v);
	w.name = NULL;
	w.cn = "FE1.example.com";	/* case does not matter */
	assert_int_equal(cert_judge(x, NULL, &w, &v), 0);
	cert_verdict_free(&v);
	X509_free(x);
}

static void
test_name_by_cn_only_without_dns_sans(void **state)
{
	struct cert_verdict	 v;
	X509			*x;

	(void)state;
	/* no SANs: the CN is read */
	x = leaf_with("pool1.example.com", NULL, "serverAuth,clientAuth");
	assert_int_equal(judge(x, NULL, NULL, "pool1.example.com", BOTH, &v),
	    0);
	assert_string_equal(v.name_how, "matched by CN pool1.example.com");
	assert_string_equal(v.name_by, "CN");
	cert_verdict_free(&v);
	assert_int_equal(judge(x, NULL, NULL, "fe1.example.com", 0, &v), 1);
	assert_only(&v, CD_NAME);
	assert_contains(v.messages[0], "no Subject Alternative Names");
	assert_contains(v.messages[0], "its CN is pool1.example.com");
	cert_verdict_free(&v);
	X509_free(x);

	/* DNS SANs: the CN does not count, and the message says why */
	x = leaf_with("fe1.example.com", "DNS:pool1.example.com",
	    "serverAuth,clientAuth");
	assert_int_equal(judge(x, NULL, NULL, "fe1.example.com", 0, &v), 1);
	assert_only(&v, CD_NAME);
	assert_null(v.name_how);
	assert_contains(v.messages[0], "not valid for fe1.example.com");
	assert_contains(v.messages[0], "DNS:pool1.example.com");
	assert_contains(v.messages[0], "its CN fe1.example.com does not "
	    "count");
	cert_verdict_free(&v);
	X509_free(x);

	/* neither: both listed */
	x = leaf_with("other.example.com", "DNS:other.example.com,"
	    "DNS:www.example.com", "serverAuth,clientAuth");
	assert_int_equal(judge(x, NULL, NULL, "pool1.example.com", 0, &v), 1);
	assert_only(&v, CD_NAME);
	assert_contains(v.messages[0], "Subject Alternative Names are "
	    "DNS:other.example.com, DNS:www.example.com and its CN is "
	    "other.example.com");
	assert_contains(v.messages[0], "reissue it with DNS:pool1.example.com");
	cert_verdict_free(&v);
	X509_free(x);
}

static void
test_name_ip_and_wildcard(void **state)
{
	struct cert_verdict	 v;
	X509			*x;

	(void)state;
	x = leaf_with("edge", "DNS:*.example.com,IP:192.0.2.7", "serverAuth");
	assert_int_equal(judge(x, NULL, NULL, "sip.example.com", 0, &v), 0);
	assert_string_equal(v.name_how, "matched by SAN DNS:*.example.com");
	cert_verdict_free(&v);
	assert_int_equal(judge(x, NULL, NULL, "192.0.2.7", 0, &v), 0);
	assert_string_equal(v.name_how, "matched by SAN IP:192.0.2.7");
	cert_verdict_free(&v);
	assert_int_equal(judge(x, NULL, NULL, "192.0.2.8", 0, &v), 1);
	assert_contains(msg(&v, CD_NAME), "reissue it with IP:192.0.2.8");
	cert_verdict_free(&v);
	assert_int_equal(judge(x, NULL, NULL, "a.b.example.com", 0, &v), 1);
	cert_verdict_free(&v);
	X509_free(x);
}

static void
test_eku_without_client_auth(void **state)
{
	struct cert_verdict	 v;
	X509			*x;

	(void)state;
	x = leaf_with("pool1.example.com", "DNS:pool1.example.com",
	    "serverAuth");
	assert_int_equal(judge(x, NULL, NULL, NULL, BOTH, &v), 1);
	assert_only(&v, CD_EKU);
	assert_true(strncmp(v.messages[0], LACKS_CLIENT,
	    strlen(LACKS_CLIENT)) == 0);
	assert_contains(v.messages[0], "lists only Server Authentication "
	    "(1.3.6.1.5.5.7.3.1)");
	/* why a renewed server certificate lacks it, said plainly, in the
	 * fact (kept when a check's fix gives the remedy) */
	assert_contains(v.facts[0], "Public CAs stopped issuing Client "
	    "Authentication in server certificates in 2026");
	assert_contains(v.messages[0], "template that still issues Client "
	    "Authentication (1.3.6.1.5.5.7.3.2)");
	cert_verdict_free(&v);
	/* what was not asked is not a defect */
	assert_int_equal(judge(x, NULL, NULL, NULL, CERT_EKU_SERVER, &v), 0);
	cert_verdict_free(&v);
	X509_free(x);

	/* neither usage: one defect each, each naming what it lists */
	x = leaf_with("pool1.example.com", "DNS:pool1.example.com",
	    "codeSigning,1.2.3.4");
	assert_int_equal(judge(x, NULL, NULL, NULL, BOTH, &v), 2);
	assert_int_equal(v.defects[0], CD_EKU);
	assert_int_equal(v.defects[1], CD_EKU);
	assert_contains(v.messages[0], "lacks Server Authentication");
	assert_contains(v.messages[1], "lacks Client Authentication");
	assert_contains(v.messages[1], "lists only Code Signing "
	    "(1.3.6.1.5.5.7.3.3), 1.2.3.4");
	/* not a server certificate: no word about public CAs */
	assert_null(strstr(v.messages[1], "Public CAs"));
	cert_verdict_free(&v);
	X509_free(x);

	/* anyExtendedKeyUsage serves both */
	x = leaf_with("pool1.example.com", "DNS:pool1.example.com",
	    "anyExtendedKeyUsage");
	assert_int_equal(judge(x, NULL, NULL, NULL, BOTH, &v), 0);
	cert_verdict_free(&v);
	X509_free(x);
}

static void
test_eku_words(void **state)
{
	unsigned	b = 99;

	(void)state;
	assert_int_equal(cert_eku_parse("both", &b), 0);
	assert_int_equal(b, CERT_EKU_SERVER | CERT_EKU_CLIENT);
	assert_int_equal(cert_eku_parse("server", &b), 0);
	assert_int_equal(b, CERT_EKU_SERVER);
	assert_int_equal(cert_eku_parse("client", &b), 0);
	assert_int_equal(b, CERT_EKU_CLIENT);
	assert_int_equal(cert_eku_parse("any", &b), 0);
	assert_int_equal(b, 0);
	b = 7;
	assert_int_equal(cert_eku_parse("serverAuth", &b), -1);
	assert_int_equal(cert_eku_parse("", &b), -1);
	assert_int_equal(b, 7);
	assert_string_equal(cert_eku_word(CERT_EKU_SERVER | CERT_EKU_CLIENT),
	    "both");
	assert_string_equal(cert_eku_word(CERT_EKU_CLIENT), "client");
	assert_string_equal(cert_eku_word(0), "any");
}

static void
test_no_eku_extension_is_its_own_defect(void **state)
{
	struct cert_verdict	 v;
	struct cert_desc	 d;
	X509			*x;

	(void)state;
	x = leaf_with("pool1.example.com", "DNS:pool1.example.com", NULL);
	cert_describe(x, &d);
	assert_false(d.has_eku);
	assert_int_equal(d.nekus, 0);
	cert_desc_free(&d);
	assert_int_equal(judge(x, NULL, NULL, NULL, BOTH, &v), 1);
	assert_only(&v, CD_NO_EKU_EXT);
	assert_contains(v.messages[0], "no Enhanced Key Usage extension at "
	    "all");
	assert_contains(v.messages[0], "neither Server Authentication "
	    "(1.3.6.1.5.5.7.3.1) nor Client Authentication "
	    "(1.3.6.1.5.5.7.3.2)");
	assert_contains(v.messages[0], "RFC 5280");
	cert_verdict_free(&v);
	assert_int_equal(judge(x, NULL, NULL, NULL, CERT_EKU_CLIENT, &v), 1);
	assert_only(&v, CD_NO_EKU_EXT);
	assert_contains(v.messages[0], "does not list Client Authentication");
	cert_verdict_free(&v);
	/* not asked: nothing to say */
	assert_int_equal(judge(x, NULL, NULL, NULL, 0, &v), 0);
	cert_verdict_free(&v);
	X509_free(x);
}

static void
test_expired_and_not_yet_valid(void **state)
{
	struct cert_verdict	 v;
	struct cert_want	 w = { .now = 0 };
	struct mk		 m = { .cn = "pool1.example.com",
	    .issuer = inter, .ikey = k_inter, .key = k_leaf,
	    .eku = "serverAuth,clientAuth", .san = "DNS:pool1.example.com" };
	X509			*x;
	char			 when[40];
	struct tm		 tm;
	time_t			 t;

	(void)state;
	m.nb = -400 * DAY;
	m.na = -10 * DAY;
	x = mkcert(&m);
	assert_int_equal(judge(x, NULL, NULL, NULL, BOTH, &v), 1);
	assert_only(&v, CD_EXPIRED);
	t = NOW - 10 * DAY;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "expired on %Y-%m-%d %H:%M:%S UTC", &tm);
	assert_contains(v.messages[0], when);
	assert_contains(v.messages[0], "10 days ago");
	cert_verdict_free(&v);
	X509_free(x);

	m.nb = 2 * DAY;
	m.na = 30 * DAY;
	x = mkcert(&m);
	assert_int_equal(judge(x, NULL, NULL, NULL, BOTH, &v), 1);
	assert_only(&v, CD_NOT_YET);
	assert_contains(v.messages[0], "in 2 days");
	assert_contains(v.messages[0], "UTC");
	cert_verdict_free(&v);
	X509_free(x);

	/* a few minutes early, within the skew: a clock is wrong */
	m.nb = 180;
	x = mkcert(&m);
	w.now = NOW;
	w.skew = 300;
	assert_int_equal(cert_judge(x, NULL, &w, &v), 1);
	assert_only(&v, CD_NOT_YET);
	assert_contains(v.messages[0], "in 3 minutes");
	assert_contains(v.messages[0], "clock");
	cert_verdict_free(&v);
	w.skew = 60;
	assert_int_equal(cert_judge(x, NULL, &w, &v), 1);
	assert_null(strstr(v.messages[0], "clock is probably wrong"));
	cert_verdict_free(&v);
	/* now = 0 is the real time; the certificate is valid then */
	w.now = 0;
	w.skew = 0;
	X509_free(x);
	m.nb = -DAY;
	x = mkcert(&m);
	assert_int_equal(cert_judge(x, NULL, &w, &v), 0);
	cert_verdict_free(&v);
	X509_free(x);
}

/* The leaf's issuer is a root the CA file lacks. */
static void
test_untrusted_root(void **state)
{
	struct cert_verdict	 v;
	struct mk		 m = { .cn = "pool1.example.com",
	    .issuer = oroot, .ikey = k_oroot, .key = k_leaf,
	    .san = "DNS:pool1.example.com", .eku = "serverAuth,clientAuth" };
	X509			*x = mkcert(&m);
	STACK_OF(X509)		*chain;
	X509_STORE		*st = store_of(root, inter);

	(void)state;
	/* sent alone */
	assert_int_equal(judge(x, NULL, st, "pool1.example.com", BOTH, &v),
	    1);
	assert_only(&v, CD_UNTRUSTED);
	assert_contains(v.messages[0], "issued by CN=Untrusted Root CA, which "
	    "is not in the CA file");
	cert_verdict_free(&v);
	/* sent with its root */
	chain = stack_of(x, oroot, NULL);
	assert_int_equal(judge(x, chain, st, NULL, BOTH, &v), 1);
	assert_only(&v, CD_UNTRUSTED);
	assert_contains(v.messages[0], "chain ends in the root CA CN=Untrusted "
	    "Root CA, which is not in the CA file");
	cert_verdict_free(&v);
	sk_X509_pop_free(chain, X509_free);
	X509_free(x);
	X509_STORE_free(st);

	/* the intermediate sent, its root not in the CA file */
	x = good_leaf();
	chain = stack_of(x, inter, NULL);
	st = store_of(oroot, NULL);
	assert_int_equal(judge(x, chain, st, NULL, BOTH, &v), 1);
	assert_only(&v, CD_UNTRUSTED);
	assert_contains(v.messages[0], "chain ends at CN=Test Issuing CA");
	assert_contains(v.messages[0], "add the root CA CN=Test Root CA");
	cert_verdict_free(&v);
	X509_STORE_free(st);
	/* the CA file holds the intermediate only */
	st = store_of(inter, NULL);
	assert_int_equal(judge(x, NULL, st, NULL, BOTH, &v), 1);
	assert_only(&v, CD_UNTRUSTED);
	assert_contains(v.messages[0], "chain reaches CN=Test Issuing CA in "
	    "the CA file");
	cert_verdict_free(&v);
	X509_STORE_free(st);
	sk_X509_pop_free(chain, X509_free);
	X509_free(x);
}

static void
test_wrong_intermediate(void **state)
{
	struct cert_verdict	 v;
	struct mk		 m = { .cn = "pool1.example.com",
	    .issuer = inter2, .ikey = k_inter2, .key = k_leaf,
	    .san = "DNS:pool1.example.com", .eku = "serverAuth,clientAuth" };
	X509			*x = mkcert(&m);
	STACK_OF(X509)		*chain = stack_of(x, inter, NULL);
	X509_STORE		*st = store_of(root, NULL);

	(void)state;
	assert_int_equal(judge(x, chain, st, "pool1.example.com", BOTH, &v),
	    1);
	assert_only(&v, CD_CHAIN);
	assert_contains(v.messages[0], "issued by CN=Other Issuing CA");
	assert_contains(v.messages[0], "(CN=Test Issuing CA) did not issue it");
	assert_contains(v.messages[0], "wrong or missing intermediate");
	cert_verdict_free(&v);
	/* without a CA file, still seen: what came with it issued nothing */
	assert_int_equal(judge(x, chain, NULL, NULL, BOTH, &v), 1);
	assert_only(&v, CD_CHAIN);
	cert_verdict_free(&v);
	/* with the right one sent, fine */
	sk_X509_pop_free(chain, X509_free);
	chain = stack_of(x, inter2, NULL);
	assert_int_equal(judge(x, chain, st, NULL, BOTH, &v), 0);
	cert_verdict_free(&v);
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_free(st);
	X509_free(x);
}

/* An intermediate with the issuer's name but another key: what a renewed
 * CA leaves behind. */
static void
test_intermediate_that_did_not_sign(void **state)
{
	struct cert_verdict	 v;
	struct mk		 m = { .cn = "Test Issuing CA", .issuer = root,
	    .ikey = k_root, .key = k_rogue, .ca = 1 };
	X509			*impostor = mkcert(&m), *x;
	STACK_OF(X509)		*chain;
	X509_STORE		*st = store_of(root, NULL);

	(void)state;
	/* without an AKID in the leaf, only the signature tells */
	memset(&m, 0, sizeof(m));
	m.cn = "pool1.example.com";
	m.issuer = inter;
	m.ikey = k_inter;
	m.key = k_leaf;
	m.eku = "serverAuth,clientAuth";
	m.no_akid = 1;
	x = mkcert(&m);
	chain = stack_of(x, impostor, NULL);
	assert_int_equal(judge(x, chain, st, NULL, BOTH, &v), 1);
	assert_only(&v, CD_CHAIN);
	assert_contains(v.messages[0], "did not sign it");
	cert_verdict_free(&v);
	assert_int_equal(judge(x, chain, NULL, NULL, BOTH, &v), 1);
	assert_only(&v, CD_CHAIN);
	cert_verdict_free(&v);
	sk_X509_pop_free(chain, X509_free);
	X509_free(x);
	/* with one, the same */
	x = good_leaf();
	chain = stack_of(x, impostor, NULL);
	assert_int_equal(judge(x, chain, st, NULL, BOTH, &v), 1);
	assert_only(&v, CD_CHAIN);
	assert_contains(v.messages[0], "did not sign it");
	cert_verdict_free(&v);
	sk_X509_pop_free(chain, X509_free);
	X509_free(x);
	X509_free(impostor);
	X509_STORE_free(st);
}

static void
test_bad_signature(void **state)
{
	struct cert_verdict	 v;
	struct mk		 m = { .cn = "pool1.example.com",
	    .issuer = inter, .ikey = k_rogue, .key = k_leaf,
	    .eku = "serverAuth,clientAuth", .no_akid = 1 };
	X509			*x = mkcert(&m);
	X509_STORE		*st = store_of(root, inter);

	(void)state;
	/* claims inter, signed by another key; inter is trusted */
	assert_int_equal(judge(x, NULL, st, NULL, BOTH, &v), 1);
	assert_only(&v, CD_SIGNATURE);
	assert_contains(v.messages[0], "does not verify with the key of its "
	    "issuer CN=Test Issuing CA");
	cert_verdict_free(&v);
	X509_free(x);
	X509_STORE_free(st);

	/* self-signed, but not by its own key */
	memset(&m, 0, sizeof(m));
	m.cn = "self.example.com";
	m.key = k_leaf;
	m.ikey = k_rogue;
	m.no_akid = 1;
	x = mkcert(&m);
	assert_int_equal(judge(x, NULL, NULL, NULL, 0, &v), 1);
	assert_only(&v, CD_SIGNATURE);
	assert_contains(v.messages[0], "self-signed");
	cert_verdict_free(&v);
	X509_free(x);
}

static void
test_self_signed_leaf(void **state)
{
	struct cert_verdict	 v;
	struct mk		 m = { .cn = "imp1.example.com", .key = k_leaf,
	    .san = "DNS:imp1.example.com", .eku = "serverAuth,clientAuth" };
	X509			*x = mkcert(&m);
	X509_STORE		*st = store_of(root, NULL);

	(void)state;
	assert_int_equal(judge(x, NULL, st, "imp1.example.com", BOTH, &v), 1);
	assert_only(&v, CD_UNTRUSTED);
	assert_contains(v.messages[0], "self-signed (CN=imp1.example.com)");
	cert_verdict_free(&v);
	X509_STORE_free(st);
	/* trusted when the CA file has it */
	st = store_of(x, NULL);
	assert_int_equal(judge(x, NULL, st, "imp1.example.com", BOTH, &v), 0);
	cert_verdict_free(&v);
	X509_STORE_free(st);
	X509_free(x);
}

static void
test_chain_ca_expired_or_not_a_ca(void **state)
{
	struct cert_verdict	 v;
	struct mk		 m = { .cn = "Old Issuing CA", .issuer = root,
	    .ikey = k_root, .key = k_rogue, .ca = 1, .nb = -900 * DAY,
	    .na = -30 * DAY };
	X509			*old = mkcert(&m), *x;
	STACK_OF(X509)		*chain;
	X509_STORE		*st = store_of(root, NULL);

	(void)state;
	memset(&m, 0, sizeof(m));
	m.cn = "pool1.example.com";
	m.issuer = old;
	m.ikey = k_rogue;
	m.key = k_leaf;
	m.eku = "serverAuth,clientAuth";
	x = mkcert(&m);
	chain = stack_of(x, old, NULL);
	assert_int_equal(judge(x, chain, st, NULL, BOTH, &v), 1);
	assert_only(&v, CD_EXPIRED);
	assert_contains(v.messages[0], "the CA certificate CN=Old Issuing CA "
	    "in its chain expired");
	cert_verdict_free(&v);
	sk_X509_pop_free(chain, X509_free);
	X509_free(x);
	X509_free(old);

	/* a leaf used as an issuer */
	memset(&m, 0, sizeof(m));
	m.cn = "Not A CA";
	m.issuer = root;
	m.ikey = k_root;
	m.key = k_rogue;
	old = mkcert(&m);
	m.cn = "pool1.example.com";
	m.issuer = old;
	m.ikey = k_rogue;
	m.key = k_leaf;
	x = mkcert(&m);
	chain = stack_of(x, old, NULL);
	assert_int_equal(judge(x, chain, st, NULL, 0, &v), 1);
	assert_only(&v, CD_CHAIN);
	assert_contains(v.messages[0], "CN=Not A CA");
	assert_contains(v.messages[0], "not a CA");
	cert_verdict_free(&v);
	sk_X509_pop_free(chain, X509_free);
	X509_free(x);
	X509_free(old);
	X509_STORE_free(st);
}

static void
test_several_defects_at_once(void **state)
{
	struct cert_verdict	 v;
	struct mk		 m = { .cn = "other.example.com",
	    .issuer = oroot, .ikey = k_oroot, .key = k_leaf,
	    .san = "DNS:other.example.com", .eku = "serverAuth",
	    .nb = -90 * DAY, .na = -DAY };
	X509			*x = mkcert(&m);
	X509_STORE		*st = store_of(root, NULL);

	(void)state;
	assert_int_equal(judge(x, NULL, st, "pool1.example.com", BOTH, &v),
	    4);
	assert_true(has(&v, CD_UNTRUSTED));
	assert_true(has(&v, CD_NAME));
	assert_true(has(&v, CD_EKU));
	assert_true(has(&v, CD_EXPIRED));
	assert_contains(msg(&v, CD_EXPIRED), "1 day ago");
	cert_verdict_free(&v);
	X509_STORE_free(st);
	X509_free(x);
}

static void
test_leaf_of_a_set(void **state)
{
	struct certfile	 cf;
	X509		*x = good_leaf(), *y;

	(void)state;
	cf.csr = NULL;
	cf.format = "PEM";
	/* any order */
	cf.certs = stack_of(root, x, inter);
	assert_ptr_equal(certfile_leaf(&cf), x);
	sk_X509_pop_free(cf.certs, X509_free);
	cf.certs = stack_of(inter, root, x);
	assert_ptr_equal(certfile_leaf(&cf), x);
	sk_X509_pop_free(cf.certs, X509_free);
	/* the wrong intermediate issued nothing, but it is a CA */
	cf.certs = stack_of(x, inter2, NULL);
	assert_ptr_equal(certfile_leaf(&cf), x);
	sk_X509_pop_free(cf.certs, X509_free);
	/* CAs only: no leaf */
	cf.certs = stack_of(root, inter, NULL);
	assert_null(certfile_leaf(&cf));
	sk_X509_pop_free(cf.certs, X509_free);
	/* a lone certificate is its own leaf, even a root */
	cf.certs = stack_of(root, NULL, NULL);
	assert_ptr_equal(certfile_leaf(&cf), root);
	sk_X509_pop_free(cf.certs, X509_free);
	/* two unrelated leaves: neither */
	y = leaf_with("imp1.example.com", "DNS:imp1.example.com", NULL);
	cf.certs = stack_of(x, y, inter);
	assert_null(certfile_leaf(&cf));
	sk_X509_pop_free(cf.certs, X509_free);
	/* the same leaf twice is still one */
	cf.certs = stack_of(x, x, inter);
	assert_ptr_equal(certfile_leaf(&cf), x);
	sk_X509_pop_free(cf.certs, X509_free);
	cf.certs = sk_X509_new_null();
	assert_null(certfile_leaf(&cf));
	sk_X509_free(cf.certs);
	X509_free(y);
	X509_free(x);
}

static void
test_load_pem_bundle(void **state)
{
	struct certfile	 cf;
	X509		*x = good_leaf();
	char		*a = pem_of(x), *b = pem_of(inter), *c = pem_of(root),
			*text, *crlf, *err = NULL;
	const char	*s;
	struct buf	 buf;

	(void)state;
	/* text around the blocks, as openssl x509 -text and pkcs12 leave */
	text = xasprintf("Bag Attributes\n    friendlyName: pool1\n%s"
	    "subject=CN = fedwiz\n%s\n%s", a, b, c);
	assert_int_equal(parse(text, strlen(text), &cf, &err), 0);
	assert_null(err);
	assert_string_equal(cf.format, "PEM");
	assert_null(cf.csr);
	assert_int_equal(sk_X509_num(cf.certs), 3);
	assert_int_equal(X509_cmp(sk_X509_value(cf.certs, 0), x), 0);
	assert_int_equal(X509_cmp(sk_X509_value(cf.certs, 2), root), 0);
	assert_int_equal(X509_cmp(certfile_leaf(&cf), x), 0);
	certfile_free(&cf);
	/* Windows line ends */
	buf_init(&buf);
	for (s = text; *s != '\0'; s++) {
		if (*s == '\n')
			buf_addc(&buf, '\r');
		buf_addc(&buf, *s);
	}
	crlf = buf_steal(&buf);
	assert_int_equal(parse(crlf, strlen(crlf), &cf, &err), 0);
	assert_int_equal(sk_X509_num(cf.certs), 3);
	certfile_free(&cf);
	free(crlf);
	free(text);
	free(a);
	free(b);
	free(c);
	X509_free(x);
}

static void
test_load_der_and_pkcs7(void **state)
{
	struct certfile	 cf;
	PKCS7		*p7 = p7_of(root, inter);
	unsigned char	*der = NULL, *p;
	BIO		*bio;
	BUF_MEM		*bm;
	char		*err = NULL, *pem, *label;
	size_t		 n;
	int		 len;

	(void)state;
	der = der_of(root, &n);
	assert_int_equal(parse(der, n, &cf, &err), 0);
	assert_string_equal(cf.format, "DER");
	assert_int_equal(sk_X509_num(cf.certs), 1);
	assert_int_equal(X509_cmp(sk_X509_value(cf.certs, 0), root), 0);
	certfile_free(&cf);
	/* followed by something that is not a certificate */
	p = xmalloc(n + 4);
	memcpy(p, der, n);
	memcpy(p + n, "junk", 4);
	err = parse_err(p, n + 4);
	assert_contains(err, "what follows is not another one");
	free(err);
	free(p);
	OPENSSL_free(der);

	der = NULL;
	assert_true((len = i2d_PKCS7(p7, &der)) > 0);
	assert_int_equal(parse(der, (size_t)len, &cf, &err), 0);
	assert_string_equal(cf.format, "PKCS#7 DER");
	assert_int_equal(sk_X509_num(cf.certs), 2);
	assert_null(certfile_leaf(&cf));
	certfile_free(&cf);
	OPENSSL_free(der);

	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PKCS7(bio, p7), 1);
	BIO_get_mem_ptr(bio, &bm);
	pem = xstrndup(bm->data, bm->length);
	BIO_free(bio);
	assert_int_equal(parse(pem, strlen(pem), &cf, &err), 0);
	assert_string_equal(cf.format, "PKCS#7 PEM");
	assert_int_equal(sk_X509_num(cf.certs), 2);
	certfile_free(&cf);
	/* a Microsoft CA's "Base 64" .p7b: PKCS #7 under CERTIFICATE */
	label = replace_all(pem, "PKCS7", "CERTIFICATE");
	free(pem);
	pem = label;
	assert_contains(pem, "-----BEGIN CERTIFICATE-----");
	assert_int_equal(parse(pem, strlen(pem), &cf, &err), 0);
	assert_string_equal(cf.format, "PKCS#7 PEM");
	assert_int_equal(sk_X509_num(cf.certs), 2);
	certfile_free(&cf);
	free(pem);
	PKCS7_free(p7);
}

static void
test_load_csr_pem_and_der(void **state)
{
	struct certfile	 cf;
	struct cert_desc d;
	X509_REQ	*r = mkcsr(k_leaf, "pool1.example.com",
	    "DNS:pool1.example.com,DNS:fe1.example.com",
	    "serverAuth,clientAuth");
	BIO		*bio = BIO_new(BIO_s_mem());
	BUF_MEM		*bm;
	unsigned char	*der = NULL;
	char		*err = NULL, *pem, *two, *mix, *leafpem;

	int		 len;

	(void)state;
	assert_int_equal(PEM_write_bio_X509_REQ(bio, r), 1);
	BIO_get_mem_ptr(bio, &bm);
	pem = xstrndup(bm->data, bm->length);
	BIO_free(bio);
	assert_int_equal(parse(pem, strlen(pem), &cf, &err), 0);
	assert_string_equal(cf.format, "CSR PEM");
	assert_non_null(cf.csr);
	assert_int_equal(sk_X509_num(cf.certs), 0);
	assert_null(certfile_leaf(&cf));
	assert_int_equal(cert_describe_csr(cf.csr, &d), 1);
	assert_string_equal(d.subject, "CN=pool1.example.com");
	assert_int_equal(d.nsans, 2);
	assert_string_equal(d.sans[1], "DNS:fe1.example.com");
	assert_true(d.has_eku);
	assert_int_equal(d.eku, BOTH);
	assert_string_equal(d.key, "EC P-256");
	assert_string_equal(d.sigalg, "ecdsa-with-SHA256");
	assert_string_equal(d.issuer, "");
	cert_desc_free(&d);
	certfile_free(&cf);

	assert_true((len = i2d_X509_REQ(r, &der)) > 0);
	assert_int_equal(parse(der, (size_t)len, &cf, &err), 0);
	assert_string_equal(cf.format, "CSR DER");
	assert_non_null(cf.csr);
	certfile_free(&cf);
	OPENSSL_free(der);

	/* the old Windows label */
	two = replace_all(pem, "CERTIFICATE REQUEST",
	    "NEW CERTIFICATE REQUEST");
	assert_contains(two, "BEGIN NEW CERTIFICATE REQUEST");
	assert_int_equal(parse(two, strlen(two), &cf, &err), 0);
	assert_string_equal(cf.format, "CSR PEM");
	certfile_free(&cf);
	free(two);

	/* two requests, or a request with certificates: refused */
	two = xasprintf("%s%s", pem, pem);
	err = parse_err(two, strlen(two));
	assert_contains(err, "2 certificate requests");
	free(err);
	free(two);
	leafpem = pem_of(root);
	mix = xasprintf("%s%s", pem, leafpem);
	err = parse_err(mix, strlen(mix));
	assert_contains(err, "request and certificates both");
	free(err);
	free(mix);
	free(leafpem);
	free(pem);
	X509_REQ_free(r);
}

static void
test_judge_csr(void **state)
{
	struct cert_verdict	 v;
	struct cert_want	 w = { .name = "pool1.example.com",
	    .eku = BOTH };
	struct cert_desc	 d;
	X509_REQ		*r;

	(void)state;
	r = mkcsr(k_leaf, "pool1.example.com", "DNS:pool1.example.com",
	    "serverAuth,clientAuth");
	assert_int_equal(cert_judge_csr(r, &w, &v), 0);
	assert_string_equal(v.name_how, "matched by SAN DNS:pool1.example.com");
	cert_verdict_free(&v);
	w.name = "fe1.example.com";
	assert_int_equal(cert_judge_csr(r, &w, &v), 1);
	assert_only(&v, CD_NAME);
	assert_contains(v.messages[0], "certificate request is not valid for "
	    "fe1.example.com");
	cert_verdict_free(&v);
	/* signed, then its key swapped: the signature no longer verifies */
	X509_REQ_set_pubkey(r, k_rogue);
	w.name = NULL;
	assert_int_equal(cert_judge_csr(r, &w, &v), 1);
	assert_only(&v, CD_SIGNATURE);
	cert_verdict_free(&v);
	assert_int_equal(cert_describe_csr(r, &d), 0);
	cert_desc_free(&d);
	X509_REQ_free(r);

	r = mkcsr(k_leaf, "pool1.example.com", NULL, "serverAuth");
	assert_int_equal(cert_judge_csr(r, &w, &v), 1);
	assert_only(&v, CD_EKU);
	assert_true(strncmp(v.messages[0], "certificate request lacks Client "
	    "Authentication (1.3.6.1.5.5.7.3.2)", 60) == 0);
	cert_verdict_free(&v);
	X509_REQ_free(r);
	r = mkcsr(k_leaf, "pool1.example.com", NULL, NULL);
	assert_int_equal(cert_judge_csr(r, &w, &v), 1);
	assert_only(&v, CD_NO_EKU_EXT);
	cert_verdict_free(&v);
	X509_REQ_free(r);
}

static void
test_load_refuses_what_is_not_ours(void **state)
{
	static const unsigned char	 junk[] = { 0x4d, 0x5a, 0x90, 0x00,
	    0x03, 0x00, 0x00, 0x00, 0x04 };
	char				*err, *pem, *cut, *bad;
	PKCS12				*p12;
	X509				*x;
	unsigned char			*der = NULL;
	int				 len;

	(void)state;
	err = parse_err("", 0);
	assert_contains(err, "empty");
	free(err);
	err = parse_err(" \n\t\r\n", 5);
	assert_contains(err, "only white space");
	free(err);
	err = parse_err(junk, sizeof(junk));
	assert_contains(err, "not a certificate, PKCS #7 chain or certificate "
	    "request in PEM or DER");
	assert_contains(err, "4d 5a 90 00");
	free(err);
	err = parse_err("hello, world\nsecond line\n", 25);
	assert_contains(err, "it starts \"hello, world\"");
	free(err);
	/* from memory, with no NUL after it (ASan sees a read past) */
	bad = xmalloc(5);
	memcpy(bad, "hello", 5);
	err = parse_err(bad, 5);
	assert_contains(err, "it starts \"hello\"");
	free(err);
	free(bad);

	/* the base64 without its armour */
	pem = pem_of(root);
	cut = strchr(pem, '\n') + 1;
	*strstr(cut, "-----END") = '\0';
	err = parse_err(cut, strlen(cut));
	assert_contains(err, "without a \"-----BEGIN CERTIFICATE-----\" line");
	free(err);
	free(pem);

	/* cut short: the line of the block that has no end */
	pem = pem_of(root);
	cut = xasprintf("text\n%s%.*s", pem, 200, pem);
	err = parse_err(cut, strlen(cut));
	assert_contains(err, "no \"-----END CERTIFICATE-----\" line");
	free(err);
	/* the second block starts on the line after the first ends */
	{
		int	lines = 1;
		char	*s, want[32];

		for (s = pem; *s != '\0'; s++)
			lines += *s == '\n';
		snprintf(want, sizeof(want), "t.crt:%d:", lines + 1);
		err = parse_err(cut, strlen(cut));
		assert_true(strncmp(err, want, strlen(want)) == 0);
		free(err);
	}
	free(cut);

	/* a damaged line */
	bad = xstrdup(pem);
	bad[40] = '*';
	err = parse_err(bad, strlen(bad));
	assert_contains(err, "t.crt:1: ");
	assert_contains(err, "not valid base64");
	free(err);
	free(bad);
	free(pem);

	/* a key alone */
	err = parse_err("-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n", 58);
	assert_contains(err, "only PRIVATE KEY");
	free(err);

	/* a .pfx */
	x = leaf_with("pool1.example.com", NULL, NULL);
	p12 = PKCS12_create(NULL, "pool1", k_leaf, x, NULL, 0, 0, 0, 0, 0);
	assert_non_null(p12);
	X509_free(x);
	assert_true((len = i2d_PKCS12(p12, &der)) > 0);
	err = parse_err(der, (size_t)len);
	assert_contains(err, "PKCS #12");
	assert_contains(err, "-nokeys");
	free(err);
	OPENSSL_free(der);
	PKCS12_free(p12);
}

static void
test_load_files(void **state)
{
	struct certfile	 cf;
	X509_STORE	*st;
	char		 path[] = "/tmp/fedwiz-cert-XXXXXX", *err = NULL, *pem;
	unsigned char	*big;
	int		 fd;

	(void)state;
	pem = pem_of(root);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, pem, strlen(pem)), (ssize_t)strlen(pem));
	close(fd);
	assert_int_equal(certfile_load(path, &cf, &err), 0);
	assert_int_equal(sk_X509_num(cf.certs), 1);
	certfile_free(&cf);
	assert_non_null(st = certfile_store(path, &err));
	X509_STORE_free(st);

	/* too big, said before it is read */
	assert_int_equal(truncate(path, CERTFILE_MAX + 1), 0);
	assert_int_equal(certfile_load(path, &cf, &err), -1);
	assert_contains(err, path);
	assert_contains(err, "larger than 16 MiB");
	free(err);
	assert_null(certfile_store(path, &err));
	assert_contains(err, "larger than 16 MiB");
	free(err);
	big = xcalloc(CERTFILE_MAX + 1, 1);
	err = parse_err(big, CERTFILE_MAX + 1);
	assert_contains(err, "too big");
	free(err);
	free(big);

	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(certfile_load(path, &cf, &err), -1);
	assert_contains(err, path);
	assert_contains(err, "empty");
	free(err);
	unlink(path);
	assert_int_equal(certfile_load(path, &cf, &err), -1);
	assert_contains(err, "cannot read: No such file or directory");
	free(err);
	assert_int_equal(certfile_load("/", &cf, &err), -1);
	assert_contains(err, "/: cannot read");
	free(err);
	free(pem);
}

static void
test_store_refuses_a_csr(void **state)
{
	X509_REQ	*r = mkcsr(k_leaf, "pool1.example.com", NULL, NULL);
	char		 path[] = "/tmp/fedwiz-cert-XXXXXX", *err = NULL;
	FILE		*fp;
	int		 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	assert_int_equal(PEM_write_X509_REQ(fp, r), 1);
	fclose(fp);
	assert_null(certfile_store(path, &err));
	assert_contains(err, "a certificate request, not CA certificates");
	free(err);
	unlink(path);
	X509_REQ_free(r);
}

static void
test_names_of_things(void **state)
{
	(void)state;
	assert_string_equal(cert_eku_name("1.3.6.1.5.5.7.3.1"),
	    "Server Authentication");
	assert_string_equal(cert_eku_name("1.3.6.1.5.5.7.3.2"),
	    "Client Authentication");
	assert_null(cert_eku_name("1.2.3.4"));
	assert_string_equal(cert_defect_name(CD_UNTRUSTED), "untrusted");
	assert_string_equal(cert_defect_name(CD_CHAIN), "chain");
	assert_string_equal(cert_defect_name(CD_NAME), "name");
	assert_string_equal(cert_defect_name(CD_NO_EKU_EXT), "no_eku_ext");
	assert_string_equal(cert_defect_name(CD_EKU), "eku");
	assert_string_equal(cert_defect_name(CD_EXPIRED), "expired");
	assert_string_equal(cert_defect_name(CD_NOT_YET), "not_yet_valid");
	assert_string_equal(cert_defect_name(CD_SIGNATURE), "signature");
	assert_string_equal(cert_defect_name((enum cert_defect)99),
	    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe_every_field),
		cmocka_unit_test(test_describe_keys),
		cmocka_unit_test(test_describe_escapes_control_bytes),
		cmocka_unit_test(test_good_leaf_has_no_defect),
		cmocka_unit_test(test_name_by_cn_only_without_dns_sans),
		cmocka_unit_test(test_subject_cn_apart_from_sans),
		cmocka_unit_test(test_name_ip_and_wildcard),
		cmocka_unit_test(test_eku_without_client_auth),
		cmocka_unit_test(test_eku_words),
		cmocka_unit_test(test_no_eku_extension_is_its_own_defect),
		cmocka_unit_test(test_expired_and_not_yet_valid),
		cmocka_unit_test(test_untrusted_root),
		cmocka_unit_test(test_wrong_intermediate),
		cmocka_unit_test(test_intermediate_that_did_not_sign),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_self_signed_leaf),
		cmocka_unit_test(test_chain_ca_expired_or_not_a_ca),
		cmocka_unit_test(test_several_defects_at_once),
		cmocka_unit_test(test_leaf_of_a_set),
		cmocka_unit_test(test_load_pem_bundle),
		cmocka_unit_test(test_load_der_and_pkcs7),
		cmocka_unit_test(test_load_csr_pem_and_der),
		cmocka_unit_test(test_judge_csr),
		cmocka_unit_test(test_load_refuses_what_is_not_ours),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_store_refuses_a_csr),
		cmocka_unit_test(test_names_of_things),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
