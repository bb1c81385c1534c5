/* labpki.c: keys, certificates, requests and chains (labpki.h). */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sqlite3.h>

#include "lab.h"
#include "labint.h"
#include "labpki.h"

#define KEY_BITS	2048

/* ---- keys -------------------------------------------------------------- */

static char *
rsa_pem(int bits)
{
	EVP_PKEY	*k;
	BIO		*b;
	BUF_MEM		*m;
	char		*s;

	if ((k = EVP_RSA_gen((unsigned)bits)) == NULL)
		fatal("lab: cannot make an RSA key");
	b = BIO_new(BIO_s_mem());
	if (b == NULL || !PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL,
	    NULL))
		fatal("lab: cannot write a key");
	BIO_get_mem_ptr(b, &m);
	s = xstrndup(m->data, m->length);
	BIO_free(b);
	EVP_PKEY_free(k);
	return s;
}

struct keyjob {
	int	 bits;
	size_t	 n;
	char	**pem;
};

static void *
keygen(void *arg)
{
	struct keyjob	*j = arg;
	size_t		 i;

	for (i = 0; i < j->n; i++)
		j->pem[i] = rsa_pem(j->bits);
	return NULL;
}

char **
lab_keys_make(size_t n, int bits)
{
	struct keyjob	 j[2];
	pthread_t	 t;
	char		**v;
	size_t		 i, k, m = 0;
	int		 threaded;

	if (bits == 0)
		bits = KEY_BITS;
	j[0].bits = j[1].bits = bits;
	j[0].n = n / 2;
	j[1].n = n - j[0].n;
	j[0].pem = xcalloc(j[0].n + 1, sizeof(char *));
	j[1].pem = xcalloc(j[1].n + 1, sizeof(char *));
	/* Prime search dominates a first `lab up`: two cores, two threads. */
	threaded = pthread_create(&t, NULL, keygen, &j[0]) == 0;
	keygen(&j[1]);
	if (threaded)
		pthread_join(t, NULL);
	else
		keygen(&j[0]);
	v = xcalloc(n + 1, sizeof(*v));
	for (k = 0; k < 2; k++)
		for (i = 0; i < j[k].n; i++)
			v[m++] = j[k].pem[i];
	free(j[0].pem);
	free(j[1].pem);
	return v;
}

void
lab_keys_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++) {
		wipe(v[i], strlen(v[i]));
		free(v[i]);
	}
	free(v);
}

int64_t
lab_keys_add(struct lab *lab, const char *host, const char *label,
    char *const *pem, size_t n, int bits)
{
	size_t	i;

	if (bits == 0)
		bits = KEY_BITS;
	for (i = 0; i < n; i++)
		lab_run(lab, lab_stmt(lab, "INSERT INTO keys (host, label, "
		    "bits, pem) VALUES (?, ?, ?, ?)", "ssds", host, label,
		    bits, pem[i]));
	return sqlite3_last_insert_rowid(lab->db);
}

void
lab_keys_pregen(struct lab *lab, size_t n, int bits)
{
	char	**v = lab_keys_make(n, bits);

	lab_keys_add(lab, NULL, NULL, v, n, bits);
	lab_keys_free(v);
}

/*
 * Keys are the slow part of a lab (an RSA-2048 prime search costs a
 * quarter of a second of CPU, several on a loaded machine), and nothing
 * in the estate looks at whose key a certificate carries. So a lab makes
 * a pool of LAB_KEYS keys once and hands them out in turn: a request
 * made now gets another key than the certificate it replaces, which is
 * what matters (a new request is a new key), and `lab up` stays fast.
 * A key size the pool does not have (the ASA's modulus 1024) is made at
 * once.
 */
int64_t
lab_key_take(struct lab *lab, const char *host, const char *label, int bits)
{
	int64_t	 id, n;
	char	*pem;

	(void)host;
	(void)label;
	if (bits == 0)
		bits = KEY_BITS;
	n = lab_one_int(lab, lab_stmt(lab, "SELECT COUNT(*) FROM keys WHERE "
	    "bits = ? AND host IS NULL AND label IS NULL", "d", bits), 0);
	if (n > 0) {
		int64_t	turn = lab_meta_int(lab, "key_turn", 0);

		id = lab_one_int(lab, lab_stmt(lab, "SELECT id FROM keys WHERE "
		    "bits = ? AND host IS NULL AND label IS NULL ORDER BY id LIMIT 1 "
		    "OFFSET ?",
		    "di", bits, turn % n), 0);
		lab_meta_setf(lab, "key_turn", "%lld", (long long)(turn + 1));
		return id;
	}
	pem = rsa_pem(bits);
	lab_run(lab, lab_stmt(lab, "INSERT INTO keys (host, label, bits, pem) "
	    "VALUES (?, ?, ?, ?)", "ssds", host ? host : "", label ? label : "",
	    bits, pem));
	wipe(pem, strlen(pem));
	free(pem);
	return sqlite3_last_insert_rowid(lab->db);
}

char *
lab_key_pem(struct lab *lab, int64_t id)
{
	return lab_one(lab, lab_stmt(lab, "SELECT pem FROM keys WHERE id = ?",
	    "i", id));
}

static EVP_PKEY *
key_load(struct lab *lab, int64_t id)
{
	char		*pem = lab_key_pem(lab, id);
	BIO		*b;
	EVP_PKEY	*k;

	if (pem == NULL)
		fatal("lab: key %lld is gone", (long long)id);
	b = BIO_new_mem_buf(pem, -1);
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	wipe(pem, strlen(pem));
	free(pem);
	if (k == NULL)
		fatal("lab: key %lld does not load", (long long)id);
	return k;
}

/* ---- names ------------------------------------------------------------- */

/* "CN=x, OU=y, O=z" (most specific first, as Windows shows it) into an
 * X509_NAME (least specific first, as DER has it). */
static X509_NAME *
name_parse(const char *s)
{
	X509_NAME	*n = X509_NAME_new();
	char		*copy = xstrdup(s), *parts[32], *p, *eq;
	size_t		 np = 0, i;

	for (p = strtok(copy, ","); p != NULL && np < nitems(parts);
	    p = strtok(NULL, ","))
		parts[np++] = p;
	for (i = np; i-- > 0; ) {
		const char	*field;

		p = parts[i];
		while (*p == ' ')
			p++;
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		*eq = '\0';
		/* Windows says S= where OpenSSL says ST=. */
		field = strcmp(p, "S") == 0 ? "ST" : p;
		if (!X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
		    (const unsigned char *)eq + 1, -1, -1, 0))
			fatal("lab: bad name part %s in %s", p, s);
	}
	free(copy);
	return n;
}

/* An X509_NAME as Windows shows it: "CN=x, OU=y, O=z". malloc'd. */
static char *
name_text(const X509_NAME *n)
{
	struct buf		 b;
	const X509_NAME_ENTRY	*e;
	const ASN1_STRING	*v;
	const char		*sn;
	int			 i, nid;

	buf_init(&b);
	for (i = X509_NAME_entry_count(n) - 1; i >= 0; i--) {
		e = X509_NAME_get_entry(n, i);
		nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		v = X509_NAME_ENTRY_get_data(e);
		sn = nid == NID_stateOrProvinceName ? "S" : OBJ_nid2sn(nid);
		buf_printf(&b, "%s%s=%.*s", b.len ? ", " : "", sn,
		    ASN1_STRING_length(v), (const char *)ASN1_STRING_get0_data(v));
	}
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
}

static char *
name_cn(const X509_NAME *n)
{
	int			 i;
	const ASN1_STRING	*v;

	i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	if (i < 0)
		return xstrdup("");
	v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
	return xstrndup((const char *)ASN1_STRING_get0_data(v),
	    (size_t)ASN1_STRING_length(v));
}

/* ---- extensions -------------------------------------------------------- */

static void
add_ext(X509 *x, STACK_OF(X509_EXTENSION) *sk, X509V3_CTX *ctx, int nid,
    const char *value)
{
	X509_EXTENSION	*e;

	if ((e = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		fatal("lab: bad extension %s=%s", OBJ_nid2sn(nid), value);
	if (x != NULL)
		X509_add_ext(x, e, -1);
	else
		sk_X509_EXTENSION_push(sk, e);
	if (x != NULL)
		X509_EXTENSION_free(e);
}

/* "pool1.example.com sip.example.com" -> "DNS:pool1...,DNS:sip...". */
static char *
san_conf(const char *sans)
{
	struct buf	 b;
	char		*copy = xstrdup(sans), *p, *save;

	buf_init(&b);
	for (p = strtok_r(copy, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save))
		buf_printf(&b, "%sDNS:%s", b.len ? "," : "", p);
	free(copy);
	return b.s != NULL ? buf_steal(&b) : NULL;
}

static void
exts(X509 *x, STACK_OF(X509_EXTENSION) *sk, X509V3_CTX *ctx,
    const struct lab_certspec *s)
{
	char	*san;

	if (s->ca) {
		add_ext(x, sk, ctx, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, sk, ctx, NID_key_usage,
		    "critical,keyCertSign,cRLSign,digitalSignature");
	} else {
		add_ext(x, sk, ctx, NID_key_usage,
		    "critical,digitalSignature,keyEncipherment");
	}
	if (s->ekus != NULL && *s->ekus != '\0') {
		char	*e = xstrdup(s->ekus), *p;

		for (p = e; *p != '\0'; p++)
			if (*p == ' ')
				*p = ',';
		add_ext(x, sk, ctx, NID_ext_key_usage, e);
		free(e);
	}
	if (s->sans != NULL && (san = san_conf(s->sans)) != NULL) {
		add_ext(x, sk, ctx, NID_subject_alt_name, san);
		free(san);
	}
}

/* ---- certificates ------------------------------------------------------ */

static X509 *
cert_x509(struct lab *lab, int64_t id)
{
	char	*pem;
	BIO	*b;
	X509	*x;

	pem = lab_one(lab, lab_stmt(lab, "SELECT pem FROM certs WHERE id = ?",
	    "i", id));
	if (pem == NULL)
		fatal("lab: certificate %lld is gone", (long long)id);
	b = BIO_new_mem_buf(pem, -1);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	free(pem);
	if (x == NULL)
		fatal("lab: certificate %lld does not load", (long long)id);
	return x;
}

static char *
hex_upper(const unsigned char *p, size_t n)
{
	char	*s = xmalloc(2 * n + 1);
	size_t	 i;

	for (i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02X", p[i]);
	return s;
}

static char *
x509_pem(X509 *x)
{
	BIO	*b = BIO_new(BIO_s_mem());
	BUF_MEM	*m;
	char	*s;

	if (b == NULL || !PEM_write_bio_X509(b, x))
		fatal("lab: cannot write a certificate");
	BIO_get_mem_ptr(b, &m);
	s = xstrndup(m->data, m->length);
	BIO_free(b);
	return s;
}

/* The EKUs of x as "serverAuth clientAuth" (short names). malloc'd. */
static char *
x509_ekus(X509 *x)
{
	EXTENDED_KEY_USAGE	*eku;
	struct buf		 b;
	int			 i;

	buf_init(&b);
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	for (i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++)
		buf_printf(&b, "%s%s", b.len ? " " : "",
		    OBJ_nid2sn(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i))));
	EXTENDED_KEY_USAGE_free(eku);
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
}

static char *
sans_text(const GENERAL_NAMES *gn)
{
	struct buf		 b;
	const GENERAL_NAME	*g;
	int			 i;

	buf_init(&b);
	for (i = 0; gn != NULL && i < sk_GENERAL_NAME_num(gn); i++) {
		g = sk_GENERAL_NAME_value(gn, i);
		if (g->type == GEN_DNS)
			buf_printf(&b, "%s%.*s", b.len ? " " : "",
			    ASN1_STRING_length(g->d.dNSName),
			    (const char *)ASN1_STRING_get0_data(g->d.dNSName));
	}
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
}

static char *
x509_sans(X509 *x)
{
	GENERAL_NAMES	*gn;
	char		*s;

	gn = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	s = sans_text(gn);
	GENERAL_NAMES_free(gn);
	return s;
}

/* Record an X509 in certs: its id. */
static int64_t
cert_store_row(struct lab *lab, X509 *x, int64_t key, int64_t issuer,
    const char *friendly)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	BIGNUM		*bn;
	unsigned char	 sbuf[64];
	int		 slen;
	char		*subject, *cn, *sans, *ekus, *serial, *thumb, *pem;
	struct tm	 tm;
	time_t		 nb = 0, na = 0;
	int64_t		 id;

	X509_digest(x, EVP_sha1(), md, &mdlen);
	bn = ASN1_INTEGER_to_BN(sn, NULL);
	slen = BN_bn2bin(bn, sbuf);
	BN_free(bn);
	if (ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm))
		nb = timegm(&tm);
	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm))
		na = timegm(&tm);
	subject = name_text(X509_get_subject_name(x));
	cn = name_cn(X509_get_subject_name(x));
	sans = x509_sans(x);
	ekus = x509_ekus(x);
	serial = hex_upper(sbuf, (size_t)slen);
	thumb = hex_upper(md, mdlen);
	pem = x509_pem(x);
	lab_run(lab, lab_stmt(lab, "INSERT INTO certs (key, issuer, subject, "
	    "cn, sans, ekus, ca, not_before, not_after, serial, thumbprint, "
	    "pem, friendly) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "iissssdiissss", key, issuer, subject, cn, sans, ekus,
	    X509_check_ca(x) ? 1 : 0, (int64_t)nb, (int64_t)na, serial, thumb,
	    pem, friendly != NULL ? friendly : ""));
	id = sqlite3_last_insert_rowid(lab->db);
	free(subject);
	free(cn);
	free(sans);
	free(ekus);
	free(serial);
	free(thumb);
	free(pem);
	return id;
}

int64_t
lab_cert_issue(struct lab *lab, int64_t key, int64_t issuer,
    const struct lab_certspec *s)
{
	X509		*x, *ix = NULL;
	EVP_PKEY	*k, *ik;
	X509_NAME	*n;
	X509V3_CTX	 ctx;
	unsigned char	 rnd[10];
	BIGNUM		*bn;
	int64_t		 ikey, id;
	long		 from, days;

	k = key_load(lab, key);
	x = X509_new();
	X509_set_version(x, 2);
	/* A serial as Active Directory Certificate Services makes them: ten
	 * bytes, the first four random, a running number at the end. */
	RAND_bytes(rnd, sizeof(rnd));
	rnd[0] &= 0x7f;
	rnd[4] = rnd[5] = rnd[6] = rnd[7] = 0;
	bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	days = s->days > 0 ? s->days : 730;
	from = s->past > 0 ? -(long)(s->past + days) * 86400L : s->age > 0 ?
	    -(long)s->age * 86400L : -600L;
	if (s->after != 0 && time(NULL) + from <= s->after)
		from = (long)(s->after + 1 - time(NULL));
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), from + days * 86400L);
	n = name_parse(s->subject);
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	X509_set_pubkey(x, k);
	if (issuer != 0) {
		ix = cert_x509(lab, issuer);
		X509_set_issuer_name(x, X509_get_subject_name(ix));
		ikey = lab_one_int(lab, lab_stmt(lab, "SELECT key FROM certs "
		    "WHERE id = ?", "i", issuer), 0);
		ik = key_load(lab, ikey);
	} else {
		X509_set_issuer_name(x, X509_get_subject_name(x));
		ik = k;
		EVP_PKEY_up_ref(ik);
	}
	X509V3_set_ctx(&ctx, ix != NULL ? ix : x, x, NULL, NULL, 0);
	exts(x, NULL, &ctx, s);
	add_ext(x, NULL, &ctx, NID_subject_key_identifier, "hash");
	if (ix != NULL || s->ca)
		add_ext(x, NULL, &ctx, NID_authority_key_identifier,
		    "keyid:always");
	if (!X509_sign(x, ik, EVP_sha256()))
		fatal("lab: cannot sign a certificate");
	id = cert_store_row(lab, x, key, issuer, s->friendly);
	X509_free(x);
	X509_free(ix);
	EVP_PKEY_free(k);
	EVP_PKEY_free(ik);
	return id;
}

char *
lab_csr_make(struct lab *lab, int64_t key, const struct lab_certspec *s,
    int nw)
{
	X509_REQ			*r;
	EVP_PKEY			*k;
	X509_NAME			*n;
	STACK_OF(X509_EXTENSION)	*sk;
	X509V3_CTX			 ctx;
	BIO				*b;
	BUF_MEM				*m;
	char				*pem, *p;

	k = key_load(lab, key);
	r = X509_REQ_new();
	X509_REQ_set_version(r, 0);
	n = name_parse(s->subject);
	X509_REQ_set_subject_name(r, n);
	X509_NAME_free(n);
	X509_REQ_set_pubkey(r, k);
	sk = sk_X509_EXTENSION_new_null();
	X509V3_set_ctx(&ctx, NULL, NULL, r, NULL, 0);
	exts(NULL, sk, &ctx, s);
	X509_REQ_add_extensions(r, sk);
	sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free);
	if (!X509_REQ_sign(r, k, EVP_sha256()))
		fatal("lab: cannot sign a request");
	b = BIO_new(BIO_s_mem());
	if (nw)
		PEM_write_bio_X509_REQ_NEW(b, r);
	else
		PEM_write_bio_X509_REQ(b, r);
	BIO_get_mem_ptr(b, &m);
	pem = xstrndup(m->data, m->length);
	BIO_free(b);
	X509_REQ_free(r);
	EVP_PKEY_free(k);
	/* Windows writes CRLF line ends. */
	if (nw) {
		struct buf	out;

		buf_init(&out);
		for (p = pem; *p != '\0'; p++) {
			if (*p == '\n')
				buf_addc(&out, '\r');
			buf_addc(&out, *p);
		}
		free(pem);
		pem = buf_steal(&out);
	}
	return pem;
}

int
lab_csr_read(const char *pem, char **subject, char **sans, char **ekus)
{
	BIO				*b;
	X509_REQ			*r;
	STACK_OF(X509_EXTENSION)	*sk;
	X509_EXTENSION			*e;
	GENERAL_NAMES			*gn;
	EXTENDED_KEY_USAGE		*eku;
	struct buf			 eb;
	int				 i, j;

	b = BIO_new_mem_buf(pem, -1);
	r = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	BIO_free(b);
	if (r == NULL)
		return -1;
	*subject = name_text(X509_REQ_get_subject_name(r));
	*sans = xstrdup("");
	buf_init(&eb);
	sk = X509_REQ_get_extensions(r);
	for (i = 0; sk != NULL && i < sk_X509_EXTENSION_num(sk); i++) {
		e = sk_X509_EXTENSION_value(sk, i);
		switch (OBJ_obj2nid(X509_EXTENSION_get_object(e))) {
		case NID_subject_alt_name:
			gn = X509V3_EXT_d2i(e);
			free(*sans);
			*sans = sans_text(gn);
			GENERAL_NAMES_free(gn);
			break;
		case NID_ext_key_usage:
			eku = X509V3_EXT_d2i(e);
			for (j = 0; eku != NULL && j < sk_ASN1_OBJECT_num(eku);
			    j++)
				buf_printf(&eb, "%s%s", eb.len ? " " : "",
				    OBJ_nid2sn(OBJ_obj2nid(
				    sk_ASN1_OBJECT_value(eku, j))));
			EXTENDED_KEY_USAGE_free(eku);
			break;
		default:
			break;
		}
	}
	sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free);
	X509_REQ_free(r);
	*ekus = eb.s != NULL ? buf_steal(&eb) : xstrdup("");
	return 0;
}

int64_t *
lab_cert_chain(struct lab *lab, int64_t id, size_t *n)
{
	int64_t	*v = NULL, cur = id, next;

	*n = 0;
	while (cur != 0 && *n < 8) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = cur;
		next = lab_one_int(lab, lab_stmt(lab, "SELECT issuer FROM certs "
		    "WHERE id = ?", "i", cur), 0);
		if (next == cur)
			break;
		cur = next;
	}
	return v;
}

char *
lab_chain_p7b(struct lab *lab, int64_t id)
{
	PKCS7		*p7;
	PKCS7_SIGNED	*sd;
	STACK_OF(X509)	*certs;
	int64_t		*chain;
	size_t		 n, i;
	BIO		*b;
	BUF_MEM		*m;
	char		*s;

	chain = lab_cert_chain(lab, id, &n);
	p7 = PKCS7_new();
	sd = PKCS7_SIGNED_new();
	PKCS7_set_type(p7, NID_pkcs7_signed);
	PKCS7_SIGNED_free(p7->d.sign);
	p7->d.sign = sd;
	ASN1_INTEGER_set(sd->version, 1);
	PKCS7_content_new(p7, NID_pkcs7_data);
	certs = sk_X509_new_null();
	sd->cert = certs;
	/* Root first, as the CA's "Download CA certificate chain" writes it. */
	for (i = n; i-- > 0; )
		sk_X509_push(certs, cert_x509(lab, chain[i]));
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PKCS7(b, p7);
	BIO_get_mem_ptr(b, &m);
	s = xstrndup(m->data, m->length);
	BIO_free(b);
	PKCS7_free(p7);
	free(chain);
	return s;
}

unsigned char *
lab_cert_der(struct lab *lab, int64_t id, size_t *n)
{
	X509		*x = cert_x509(lab, id);
	unsigned char	*der = NULL, *out;
	int		 len;

	len = i2d_X509(x, &der);
	X509_free(x);
	if (len <= 0)
		fatal("lab: cannot encode certificate %lld", (long long)id);
	out = xmalloc((size_t)len);
	memcpy(out, der, (size_t)len);
	OPENSSL_free(der);
	*n = (size_t)len;
	return out;
}

int64_t
lab_cert_import(struct lab *lab, const char *pem, const char *friendly)
{
	BIO		*b;
	X509		*x;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	char		*thumb;
	int64_t		 id, issuer;

	b = BIO_new_mem_buf(pem, -1);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (x == NULL)
		return 0;
	X509_digest(x, EVP_sha1(), md, &mdlen);
	thumb = hex_upper(md, mdlen);
	id = lab_cert_by_thumb(lab, thumb);
	free(thumb);
	if (id == 0) {
		char	*iss = name_text(X509_get_issuer_name(x));

		issuer = lab_one_int(lab, lab_stmt(lab, "SELECT id FROM certs "
		    "WHERE subject = ? AND ca = 1 ORDER BY id DESC LIMIT 1",
		    "s", iss), 0);
		free(iss);
		id = cert_store_row(lab, x, 0, issuer, friendly);
	}
	X509_free(x);
	return id;
}

int
lab_cert_trusted(struct lab *lab, int64_t id, const char *host,
    const char *store)
{
	int64_t	*chain;
	size_t	 n, i;
	int	 ok = 0;

	/* The lab's certificates carry their issuer: a chain is trusted when
	 * one of its certificates is in the trust store (a root there, or an
	 * intermediate trusted as an anchor, as Windows and IM and Presence
	 * allow), and every certificate of it is valid now. */
	chain = lab_cert_chain(lab, id, &n);
	for (i = 0; i < n && !ok; i++)
		if (lab_store_has(lab, host, store, chain[i]))
			ok = 1;
	if (ok) {
		time_t	now = time(NULL);

		for (i = 0; i < n; i++) {
			struct lab_cert	c;

			if (lab_cert_load(lab, chain[i], &c) == 0) {
				if (now < c.not_before || now > c.not_after)
					ok = 0;
				lab_cert_free(&c);
			}
		}
	}
	free(chain);
	return ok;
}

char *
lab_key_pub_hex(struct lab *lab, int64_t id, int *bits)
{
	EVP_PKEY	*k = key_load(lab, id);
	unsigned char	*der = NULL;
	int		 n, i;
	struct buf	 b;

	*bits = EVP_PKEY_get_bits(k);
	n = i2d_PUBKEY(k, &der);
	EVP_PKEY_free(k);
	buf_init(&b);
	/* The ASA's layout: eight groups of four bytes a line. */
	for (i = 0; i < n; i++) {
		if (i % 32 == 0)
			buf_adds(&b, i ? "\n  " : "  ");
		buf_printf(&b, "%02x", der[i]);
		if (i % 4 == 3)
			buf_addc(&b, ' ');
	}
	OPENSSL_free(der);
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
}
