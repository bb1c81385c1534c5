/*
 * certinfo.c: certificate files read whatever their wrapping, each
 * certificate described in the words an operator knows, and a leaf judged
 * for a use (chain, name, usages, validity). Used by probe cert on files
 * and by the TLS probe on what a peer presents.
 */
#include "config.h"

#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certinfo.h"
#include "util.h"

#define OID_SERVER	"1.3.6.1.5.5.7.3.1"
#define OID_CLIENT	"1.3.6.1.5.5.7.3.2"
#define OID_ANY_EKU	"2.5.29.37.0"

/* At most this many SANs are listed in a message; a certificate may have
 * hundreds. */
#define MSG_SANS	12

/* The names Windows' certificate dialog uses, which is what an operator
 * reads on the Lync side. */
static const struct {
	const char	*oid;
	const char	*name;
} eku_names[] = {
	{ OID_SERVER, "Server Authentication" },
	{ OID_CLIENT, "Client Authentication" },
	{ "1.3.6.1.5.5.7.3.3", "Code Signing" },
	{ "1.3.6.1.5.5.7.3.4", "Secure Email" },
	{ "1.3.6.1.5.5.7.3.5", "IP security end system" },
	{ "1.3.6.1.5.5.7.3.6", "IP security tunnel termination" },
	{ "1.3.6.1.5.5.7.3.7", "IP security user" },
	{ "1.3.6.1.5.5.7.3.8", "Time Stamping" },
	{ "1.3.6.1.5.5.7.3.9", "OCSP Signing" },
	{ "1.3.6.1.5.5.8.2.2", "IP security IKE intermediate" },
	{ "1.3.6.1.4.1.311.10.3.4", "Encrypting File System" },
	{ "1.3.6.1.4.1.311.20.2.2", "Smart Card Logon" },
	{ OID_ANY_EKU, "Any Purpose" },
};

static const char *const defect_names[] = {
	[CD_NONE] = "none",
	[CD_UNTRUSTED] = "untrusted",
	[CD_CHAIN] = "chain",
	[CD_NAME] = "name",
	[CD_NO_EKU_EXT] = "no_eku_ext",
	[CD_EKU] = "eku",
	[CD_EXPIRED] = "expired",
	[CD_NOT_YET] = "not_yet_valid",
	[CD_SIGNATURE] = "signature",
};

const char *
cert_eku_name(const char *oid)
{
	size_t	i;

	for (i = 0; i < nitems(eku_names); i++)
		if (strcmp(eku_names[i].oid, oid) == 0)
			return eku_names[i].name;
	return NULL;
}

static const struct {
	const char	*word;
	unsigned	 bits;
} eku_words[] = {
	{ "both", CERT_EKU_SERVER | CERT_EKU_CLIENT },
	{ "server", CERT_EKU_SERVER },
	{ "client", CERT_EKU_CLIENT },
	{ "any", 0 },
};

int
cert_eku_parse(const char *s, unsigned *bits)
{
	size_t	i;

	for (i = 0; i < nitems(eku_words); i++)
		if (strcmp(eku_words[i].word, s) == 0) {
			*bits = eku_words[i].bits;
			return 0;
		}
	return -1;
}

const char *
cert_eku_word(unsigned bits)
{
	size_t	i;

	bits &= CERT_EKU_SERVER | CERT_EKU_CLIENT;
	for (i = 0; i < nitems(eku_words); i++)
		if (eku_words[i].bits == bits)
			return eku_words[i].word;
	return "?";
}

const char *
cert_defect_name(enum cert_defect k)
{
	if ((size_t)k >= nitems(defect_names) || defect_names[k] == NULL)
		return "unknown";
	return defect_names[k];
}

const char *
cert_role(const struct cert_desc *d)
{
	if (!d->is_ca)
		return "leaf";
	return d->self_issued ? "root CA" : "subordinate CA";
}

/* Bytes from a certificate, fit to show: control bytes (NUL too) as
 * \xHH, so a name cannot move the cursor or hide a part of itself. */
static char *
safe_bytes(const unsigned char *p, size_t n)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			buf_printf(&b, "\\x%02x", p[i]);
		else
			buf_addc(&b, (char)p[i]);
	}
	return buf_steal(&b);
}

static char *
asn1_safe(const char *prefix, const ASN1_STRING *s)
{
	char	*v, *r;

	v = safe_bytes(ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
	r = xasprintf("%s%s", prefix, v);
	free(v);
	return r;
}

static void
push_str(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

/* "CN=pool1.example.com, O=Example, C=US": most specific first, as RFC
 * 2253 and Windows show it, UTF-8 kept, controls escaped. */
static char *
name_line(const X509_NAME *nm)
{
	const unsigned long	 base = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_DN_REV |
	    XN_FLAG_FN_SN | XN_FLAG_DUMP_UNKNOWN_FIELDS |
	    ASN1_STRFLGS_ESC_2253 | ASN1_STRFLGS_ESC_CTRL |
	    ASN1_STRFLGS_DUMP_UNKNOWN | ASN1_STRFLGS_DUMP_DER;
	BIO			*b;
	BUF_MEM			*bm;
	char			*s;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		fatal("out of memory");
	/* A UTF8String that is not UTF-8 fails the conversion: show its
	 * bytes escaped rather than nothing. */
	if (X509_NAME_print_ex(b, nm, 0, base | ASN1_STRFLGS_UTF8_CONVERT) <
	    0) {
		(void)BIO_reset(b);
		if (X509_NAME_print_ex(b, nm, 0, base |
		    ASN1_STRFLGS_ESC_MSB) < 0) {
			(void)BIO_reset(b);
			BIO_puts(b, "(a name OpenSSL cannot print)");
		}
	}
	BIO_get_mem_ptr(b, &bm);
	s = safe_bytes((const unsigned char *)bm->data, bm->length);
	BIO_free(b);
	ERR_clear_error();
	return s;
}

/* The last CN: the most specific one, which X509_check_host reads. */
static char *
last_cn(const X509_NAME *nm)
{
	const ASN1_STRING	*data;
	unsigned char		*u;
	char			*s;
	int			 i = -1, last = -1, n;

	while ((i = X509_NAME_get_index_by_NID(nm, NID_commonName, i)) >= 0)
		last = i;
	if (last < 0)
		return NULL;
	data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, last));
	if ((n = ASN1_STRING_to_UTF8(&u, data)) < 0) {
		ERR_clear_error();
		return safe_bytes(ASN1_STRING_get0_data(data),
		    (size_t)ASN1_STRING_length(data));
	}
	s = safe_bytes(u, (size_t)n);
	OPENSSL_free(u);
	return s;
}

static char *
oid_text(const ASN1_OBJECT *o, int numeric)
{
	char	buf[128];

	if (OBJ_obj2txt(buf, sizeof(buf), o, numeric) <= 0)
		return xstrdup("?");
	return xstrdup(buf);
}

static char *
general_name(const GENERAL_NAME *g)
{
	const ASN1_OCTET_STRING	*ip;
	const ASN1_TYPE		*val;
	char			 addr[INET6_ADDRSTRLEN], *s, *t;
	int			 len;

	switch (g->type) {
	case GEN_DNS:
		return asn1_safe("DNS:", g->d.dNSName);
	case GEN_EMAIL:
		return asn1_safe("email:", g->d.rfc822Name);
	case GEN_URI:
		return asn1_safe("URI:", g->d.uniformResourceIdentifier);
	case GEN_IPADD:
		ip = g->d.iPAddress;
		len = ASN1_STRING_length(ip);
		if ((len == 4 && inet_ntop(AF_INET, ASN1_STRING_get0_data(ip),
		    addr, sizeof(addr)) != NULL) || (len == 16 &&
		    inet_ntop(AF_INET6, ASN1_STRING_get0_data(ip), addr,
		    sizeof(addr)) != NULL))
			return xasprintf("IP:%s", addr);
		return xasprintf("IP:(%d bytes, not an address)", len);
	case GEN_DIRNAME:
		t = name_line(g->d.directoryName);
		s = xasprintf("DirName:%s", t);
		free(t);
		return s;
	case GEN_RID:
		t = oid_text(g->d.registeredID, 1);
		s = xasprintf("RID:%s", t);
		free(t);
		return s;
	case GEN_OTHERNAME:
		/* Lync and AD CS put the user principal name here. */
		val = g->d.otherName->value;
		if (OBJ_obj2nid(g->d.otherName->type_id) == NID_ms_upn &&
		    val != NULL && val->type == V_ASN1_UTF8STRING)
			return asn1_safe("othername:UPN:",
			    val->value.utf8string);
		t = oid_text(g->d.otherName->type_id, 1);
		s = xasprintf("othername:%s", t);
		free(t);
		return s;
	default:
		return xasprintf("other:%d", g->type);
	}
}

/* Subject, CN, SANs and EKUs: what a CSR has too. */
static void
describe_names(X509 *x, struct cert_desc *d)
{
	GENERAL_NAMES		*gens;
	EXTENDED_KEY_USAGE	*eku;
	char			*oid;
	int			 i;

	d->subject = name_line(X509_get_subject_name(x));
	d->cn = last_cn(X509_get_subject_name(x));
	if ((gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL)) != NULL) {
		for (i = 0; i < sk_GENERAL_NAME_num(gens); i++)
			push_str(&d->sans, &d->nsans,
			    general_name(sk_GENERAL_NAME_value(gens, i)));
		GENERAL_NAMES_free(gens);
	}
	/* Present but unreadable still counts as present: it then lists
	 * nothing, which is what a peer would make of it. */
	d->has_eku = X509_get_ext_by_NID(x, NID_ext_key_usage, -1) >= 0;
	if ((eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL)) !=
	    NULL) {
		for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
			oid = oid_text(sk_ASN1_OBJECT_value(eku, i), 1);
			if (strcmp(oid, OID_SERVER) == 0)
				d->eku |= CERT_EKU_SERVER;
			else if (strcmp(oid, OID_CLIENT) == 0)
				d->eku |= CERT_EKU_CLIENT;
			else if (strcmp(oid, OID_ANY_EKU) == 0)
				d->eku |= CERT_EKU_SERVER | CERT_EKU_CLIENT;
			push_str(&d->ekus, &d->nekus, oid);
		}
		EXTENDED_KEY_USAGE_free(eku);
	}
	ERR_clear_error();
}

static void
key_desc(EVP_PKEY *pk, const X509_PUBKEY *xpk, char *buf, size_t len)
{
	ASN1_OBJECT	*alg = NULL;
	const char	*nist;
	char		 grp[80], oid[80];
	size_t		 glen;
	int		 id;

	if (pk == NULL) {
		/* A key type this OpenSSL cannot load: say which. */
		if (xpk != NULL && X509_PUBKEY_get0_param(&alg, NULL, NULL,
		    NULL, xpk) == 1 && alg != NULL &&
		    OBJ_obj2txt(oid, sizeof(oid), alg, 0) > 0)
			snprintf(buf, len, "unknown (%.36s)", oid);
		else
			snprintf(buf, len, "unknown");
		ERR_clear_error();
		return;
	}
	switch ((id = EVP_PKEY_get_base_id(pk))) {
	case EVP_PKEY_RSA:
		snprintf(buf, len, "RSA %d", EVP_PKEY_get_bits(pk));
		break;
	case EVP_PKEY_RSA_PSS:
		snprintf(buf, len, "RSA-PSS %d", EVP_PKEY_get_bits(pk));
		break;
	case EVP_PKEY_DSA:
		snprintf(buf, len, "DSA %d", EVP_PKEY_get_bits(pk));
		break;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_GROUP_NAME, grp, sizeof(grp), &glen) == 1) {
			nist = EC_curve_nid2nist(OBJ_sn2nid(grp));
			snprintf(buf, len, "EC %.40s", nist != NULL ? nist :
			    grp);
		} else
			snprintf(buf, len, "EC %d (explicit curve)",
			    EVP_PKEY_get_bits(pk));
		break;
	case EVP_PKEY_ED25519:
		snprintf(buf, len, "ED25519");
		break;
	case EVP_PKEY_ED448:
		snprintf(buf, len, "ED448");
		break;
	default:
		snprintf(buf, len, "%s %d", id != NID_undef ? OBJ_nid2sn(id) :
		    "unknown", EVP_PKEY_get_bits(pk));
	}
	ERR_clear_error();
}

static void
alg_name(const X509_ALGOR *alg, char *buf, size_t len)
{
	const ASN1_OBJECT	*obj = NULL;

	if (alg != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (obj == NULL || OBJ_obj2txt(buf, (int)len, obj, 0) <= 0)
		snprintf(buf, len, "unknown");
}

static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm	tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
		ERR_clear_error();
		return 0;
	}
	return timegm(&tm);
}

void
cert_describe(X509 *x, struct cert_desc *d)
{
	const X509_ALGOR	*alg = NULL;
	BIGNUM			*bn;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	char			*hex;
	size_t			 off;

	memset(d, 0, sizeof(*d));
	describe_names(x, d);
	d->issuer = name_line(X509_get_issuer_name(x));
	key_desc(X509_get0_pubkey(x), X509_get_X509_PUBKEY(x), d->key,
	    sizeof(d->key));
	X509_get0_signature(NULL, &alg, x);
	alg_name(alg, d->sigalg, sizeof(d->sigalg));
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) !=
	    NULL && (hex = BN_bn2hex(bn)) != NULL) {
		/* openssl x509 -serial writes whole bytes: 00, not 0 */
		snprintf(d->serial, sizeof(d->serial), "%s", BN_is_zero(bn) ?
		    "00" : hex);
		OPENSSL_free(hex);
	}
	BN_free(bn);
	d->not_before = asn1_time(X509_get0_notBefore(x));
	d->not_after = asn1_time(X509_get0_notAfter(x));
	d->is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
	d->self_issued = X509_self_signed(x, 1) == 1;
	if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1)
		for (i = 0, off = 0; i < mdlen && off < sizeof(d->sha256);
		    i++)
			off += (size_t)snprintf(d->sha256 + off,
			    sizeof(d->sha256) - off, "%s%02X", i ? ":" : "",
			    md[i]);
	ERR_clear_error();
}

void
cert_desc_free(struct cert_desc *d)
{
	size_t	i;

	if (d == NULL)
		return;
	free(d->subject);
	free(d->issuer);
	free(d->cn);
	for (i = 0; i < d->nsans; i++)
		free(d->sans[i]);
	free(d->sans);
	for (i = 0; i < d->nekus; i++)
		free(d->ekus[i]);
	free(d->ekus);
	memset(d, 0, sizeof(*d));
}

/* A certificate with the CSR's subject, key and requested extensions,
 * unsigned: what X509_check_host and describe_names read. */
static X509 *
csr_skeleton(X509_REQ *req)
{
	STACK_OF(X509_EXTENSION)	*exts;
	X509				*x;
	int				 i;

	if ((x = X509_new()) == NULL)
		fatal("out of memory");
	X509_set_version(x, X509_VERSION_3);
	X509_set_subject_name(x, X509_REQ_get_subject_name(req));
	if ((exts = X509_REQ_get_extensions(req)) != NULL) {
		for (i = 0; i < sk_X509_EXTENSION_num(exts); i++)
			X509_add_ext(x, sk_X509_EXTENSION_value(exts, i), -1);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	ERR_clear_error();
	return x;
}

static int
csr_verified(X509_REQ *req)
{
	EVP_PKEY	*pk;
	int		 ok;

	pk = X509_REQ_get0_pubkey(req);
	ok = pk != NULL && X509_REQ_verify(req, pk) == 1;
	ERR_clear_error();
	return ok;
}

int
cert_describe_csr(X509_REQ *req, struct cert_desc *d)
{
	const X509_ALGOR	*alg = NULL;
	X509			*x;

	memset(d, 0, sizeof(*d));
	x = csr_skeleton(req);
	describe_names(x, d);
	X509_free(x);
	d->issuer = xstrdup("");
	key_desc(X509_REQ_get0_pubkey(req), X509_REQ_get_X509_PUBKEY(req),
	    d->key, sizeof(d->key));
	X509_REQ_get0_signature(req, NULL, &alg);
	alg_name(alg, d->sigalg, sizeof(d->sigalg));
	return csr_verified(req);
}

/* Loading. */

struct loader {
	const char	*name;
	STACK_OF(X509)	*certs;
	X509_REQ	*csr;
	int		 ncsr;
	int		 p7;		/* some came out of PKCS #7 */
	struct buf	 skipped;	/* labels of PEM blocks not read */
	char		*err;
};

/* "name: msg", or "name:line: msg" for a PEM block's line. */
static void
load_err(struct loader *l, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
load_err(struct loader *l, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;
	int	 n;

	if (l->err != NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (line > 0)
		l->err = xasprintf("%s:%d: %s", l->name, line, msg);
	else
		l->err = xasprintf("%s: %s", l->name, msg);
	free(msg);
}

static int
blank(const unsigned char *p, const unsigned char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' &&
		    *p != '\0')
			return 0;
	return 1;
}

/* DER certificates back to back: the number read, 0 when the first is
 * not one, -1 (and l->err) when one is followed by something else. */
static int
der_certs(struct loader *l, const unsigned char *buf, size_t len,
    int trusted, int line)
{
	const unsigned char	*p = buf, *end = buf + len;
	X509			*x;
	int			 n = 0;

	while (p < end && !blank(p, end)) {
		x = trusted ? d2i_X509_AUX(NULL, &p, (long)(end - p)) :
		    d2i_X509(NULL, &p, (long)(end - p));
		if (x == NULL)
			break;
		if (!sk_X509_push(l->certs, x))
			fatal("out of memory");
		n++;
	}
	ERR_clear_error();
	if (n > 0 && !blank(p, end)) {
		if (line > 0)
			load_err(l, line, "the certificate in this block is "
			    "followed by %zu bytes that are not one: copy the "
			    "block again whole", (size_t)(end - p));
		else
			load_err(l, 0, "a DER certificate ends at byte %zu of "
			    "%zu, and what follows is not another one: the "
			    "file is damaged or not what it seems; export it "
			    "again", (size_t)(p - buf), len);
		return -1;
	}
	return n;
}

/* A PKCS #7 (.p7b) structure: 1 and its certificates taken, 0 when it is
 * not PKCS #7, -1 (l->err) when it is one without certificates. */
static int
p7_certs(struct loader *l, const unsigned char *buf, size_t len, int line)
{
	const unsigned char	*p = buf;
	STACK_OF(X509)		*in;
	PKCS7			*p7;
	int			 i, rc = 1;

	if ((p7 = d2i_PKCS7(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	if (!blank(p, buf + len)) {
		load_err(l, line, "the PKCS #7 structure is followed by %zu "
		    "bytes of something else: the file is damaged; export it "
		    "again", (size_t)(buf + len - p));
		rc = -1;
	} else if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL) {
		load_err(l, line, "PKCS #7, but not the signed-data kind a "
		    ".p7b certificate chain is: export the chain again as "
		    "PKCS #7 (.p7b)");
		rc = -1;
	} else if ((in = p7->d.sign->cert) == NULL ||
	    sk_X509_num(in) == 0) {
		load_err(l, line, "PKCS #7 without any certificate in it (a "
		    "CRL only?): export the chain again with its "
		    "certificates");
		rc = -1;
	} else {
		for (i = 0; i < sk_X509_num(in); i++) {
			X509_up_ref(sk_X509_value(in, i));
			if (!sk_X509_push(l->certs, sk_X509_value(in, i)))
				fatal("out of memory");
		}
		l->p7 = 1;
	}
	PKCS7_free(p7);
	ERR_clear_error();
	return rc;
}

static int
csr_der(struct loader *l, const unsigned char *buf, size_t len)
{
	const unsigned char	*p = buf;
	X509_REQ		*req;

	if ((req = d2i_X509_REQ(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	if (!blank(p, buf + len)) {
		X509_REQ_free(req);
		return 0;
	}
	if (l->csr == NULL)
		l->csr = req;
	else
		X509_REQ_free(req);
	l->ncsr++;
	return 1;
}

/* One PEM block, BEGIN line to END line. */
static int
pem_block(struct loader *l, const char *p, size_t n, int line)
{
	BIO		*b;
	char		*nm = NULL, *hdr = NULL;
	unsigned char	*data = NULL;
	long		 dlen = 0;
	int		 rc = 0, r;

	if ((b = BIO_new_mem_buf(p, (int)n)) == NULL)
		fatal("out of memory");
	if (PEM_read_bio(b, &nm, &hdr, &data, &dlen) != 1) {
		BIO_free(b);
		ERR_clear_error();
		load_err(l, line, "this PEM block is not valid base64 (a line "
		    "damaged, or a header where none belongs): copy the block "
		    "again whole");
		return -1;
	}
	BIO_free(b);
	if (strcmp(nm, PEM_STRING_X509) == 0 ||
	    strcmp(nm, PEM_STRING_X509_OLD) == 0 ||
	    strcmp(nm, PEM_STRING_X509_TRUSTED) == 0) {
		r = der_certs(l, data, (size_t)dlen,
		    strcmp(nm, PEM_STRING_X509_TRUSTED) == 0, line);
		/* A Microsoft CA's "Base 64" chain download is PKCS #7 under
		 * a CERTIFICATE label. */
		if (r == 0 && (r = p7_certs(l, data, (size_t)dlen, line)) ==
		    0)
			load_err(l, line, "this %s block does not hold an "
			    "X.509 certificate: the file is damaged; export "
			    "it again", nm);
		rc = r < 0 || l->err != NULL ? -1 : 0;
	} else if (strcmp(nm, PEM_STRING_PKCS7) == 0 ||
	    strcmp(nm, PEM_STRING_PKCS7_SIGNED) == 0 ||
	    strcmp(nm, PEM_STRING_CMS) == 0) {
		if ((r = p7_certs(l, data, (size_t)dlen, line)) == 0)
			load_err(l, line, "this %s block does not hold PKCS "
			    "#7: the file is damaged; export it again", nm);
		rc = r <= 0 ? -1 : 0;
	} else if (strcmp(nm, PEM_STRING_X509_REQ) == 0 ||
	    strcmp(nm, PEM_STRING_X509_REQ_OLD) == 0) {
		if (!csr_der(l, data, (size_t)dlen)) {
			load_err(l, line, "this %s block does not hold a "
			    "certificate request: the file is damaged; make "
			    "or copy the request again", nm);
			rc = -1;
		}
	} else {
		/* A key or CRL in a bundle is not ours to read. */
		buf_printf(&l->skipped, "%s%s", l->skipped.len ? ", " : "",
		    nm);
	}
	OPENSSL_free(nm);
	OPENSSL_free(hdr);
	OPENSSL_free(data);
	return rc;
}

/* The PEM blocks in a file, each located by its BEGIN line. The number
 * found, or -1. */
static int
load_pem(struct loader *l, const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *eol, *label, *lend, *stop;
	char		 endmark[100];
	size_t		 llen;
	int		 line = 1, found = 0;

	while (p < end) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if ((size_t)(eol - p) <= 11 || memcmp(p, "-----BEGIN ", 11)
		    != 0) {
			line++;
			p = eol + 1;
			continue;
		}
		label = p + 11;
		if ((lend = memmem(label, (size_t)(eol - label), "-----", 5))
		    == NULL || lend == label || (llen = (size_t)(lend - label))
		    > 64) {
			load_err(l, line, "a -----BEGIN line without a label "
			    "and closing \"-----\": the file is damaged; copy "
			    "it again");
			return -1;
		}
		snprintf(endmark, sizeof(endmark), "-----END %.*s-----",
		    (int)llen, label);
		if ((stop = memmem(eol, (size_t)(end - eol), endmark,
		    strlen(endmark))) == NULL) {
			load_err(l, line, "the %.*s block that starts here has "
			    "no \"%s\" line: the file is cut short; copy it "
			    "again whole", (int)llen, label, endmark);
			return -1;
		}
		stop += strlen(endmark);
		if (pem_block(l, p, (size_t)(stop - p), line) == -1)
			return -1;
		found++;
		for (; p < stop; p++)
			if (*p == '\n')
				line++;
	}
	return found;
}

/* Where a file that is none of ours starts, for the message: its first
 * line when it is ASCII text, else its first bytes. From memory, the bytes
 * need not end in a NUL. */
static void
show_start(const unsigned char *p, size_t len, char *out, size_t outlen)
{
	size_t	i, n, o = 0;

	for (i = 0; i < len && i < 32; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n') || p[i] >= 0x7f)
			break;
	if (i == len || i == 32) {
		while (len > 0 && (*p == '\r' || *p == '\n' || *p == ' ' ||
		    *p == '\t')) {
			p++;
			len--;
		}
		o = (size_t)snprintf(out, outlen, "it starts \"");
		for (n = 0; n < len && n < 32 && p[n] >= 0x20 && p[n] < 0x7f &&
		    o + 5 < outlen; n++)
			out[o++] = (char)p[n];
		snprintf(out + o, outlen - o, "%s\"", n < len && p[n] != '\r'
		    && p[n] != '\n' ? "..." : "");
		return;
	}
	o += (size_t)snprintf(out, outlen, "it starts with the bytes");
	for (i = 0; i < len && i < 8 && o < outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, " %02x", p[i]);
}

static int
base64_only(const unsigned char *p, size_t len)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
	    "klmnopqrstuvwxyz0123456789+/= \t\r\n";
	size_t			 i, n = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '\0' || strchr(b64, p[i]) == NULL)
			return 0;
		n += strchr(" \t\r\n", p[i]) == NULL;
	}
	return n >= 64;
}

static void
load_der(struct loader *l, const unsigned char *buf, size_t len,
    const char **format)
{
	const unsigned char	*p = buf;
	PKCS12			*p12;
	char			 start[120];
	int			 r;

	*format = "DER";
	if ((r = der_certs(l, buf, len, 0, 0)) != 0)
		return;
	if ((r = p7_certs(l, buf, len, 0)) != 0) {
		*format = "PKCS#7 DER";
		return;
	}
	if (csr_der(l, buf, len)) {
		*format = "CSR DER";
		return;
	}
	if ((p12 = d2i_PKCS12(NULL, &p, (long)len)) != NULL) {
		PKCS12_free(p12);
		load_err(l, 0, "a PKCS #12 (.pfx, .p12) file, which holds a "
		    "private key: give the certificate alone (export it "
		    "without its key as .cer, or run openssl pkcs12 -in FILE "
		    "-nokeys)");
		return;
	}
	ERR_clear_error();
	if (base64_only(buf, len)) {
		load_err(l, 0, "base64 text without a \"-----BEGIN "
		    "CERTIFICATE-----\" line: add the BEGIN and END lines, or "
		    "export it again as Base-64 encoded X.509 (.cer)");
		return;
	}
	show_start(buf, len, start, sizeof(start));
	load_err(l, 0, "not a certificate, PKCS #7 chain or certificate "
	    "request in PEM or DER (%s): export it again as Base-64 or DER "
	    "X.509 (.cer, .pem), or as PKCS #7 (.p7b)", start);
}

/* "-----BEGIN " at the start of some line. */
static int
looks_pem(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *hit;

	while (p < end && (hit = memmem(p, (size_t)(end - p), "-----BEGIN ",
	    11)) != NULL) {
		if (hit == buf || hit[-1] == '\n')
			return 1;
		p = hit + 1;
	}
	return 0;
}

int
certfile_parse(const char *name, const void *data, size_t len,
    struct certfile *cf, char **err)
{
	const unsigned char	*buf = data;
	struct loader		 l;
	const char		*format = NULL;
	int			 n;

	memset(cf, 0, sizeof(*cf));
	*err = NULL;
	memset(&l, 0, sizeof(l));
	l.name = name;
	buf_init(&l.skipped);
	if ((l.certs = sk_X509_new_null()) == NULL)
		fatal("out of memory");
	if (len > CERTFILE_MAX)
		load_err(&l, 0, "larger than %d MiB, too big for a "
		    "certificate file: is it the right file?",
		    CERTFILE_MAX >> 20);
	else if (len == 0)
		load_err(&l, 0, "the file is empty: expected a certificate "
		    "(.cer, .pem), a PKCS #7 chain (.p7b) or a certificate "
		    "request");
	else if (blank(buf, buf + len))
		load_err(&l, 0, "the file holds only white space: expected a "
		    "certificate (.cer, .pem), a PKCS #7 chain (.p7b) or a "
		    "certificate request");
	else if (looks_pem(data, len)) {
		if ((n = load_pem(&l, data, len)) == 0 || (n > 0 &&
		    sk_X509_num(l.certs) == 0 && l.ncsr == 0))
			load_err(&l, 0, "its PEM blocks hold no certificate, "
			    "PKCS #7 chain or certificate request (only %s): "
			    "give the certificate file", l.skipped.len ?
			    l.skipped.s : "nothing");
		format = l.ncsr > 0 ? "CSR PEM" : l.p7 ? "PKCS#7 PEM" : "PEM";
	} else
		load_der(&l, buf, len, &format);
	if (l.err == NULL && l.ncsr > 0 && sk_X509_num(l.certs) > 0)
		load_err(&l, 0, "holds a certificate request and "
		    "certificates both: give them as separate files");
	else if (l.err == NULL && l.ncsr > 1)
		load_err(&l, 0, "holds %d certificate requests: give one per "
		    "file", l.ncsr);
	buf_free(&l.skipped);
	if (l.err != NULL) {
		sk_X509_pop_free(l.certs, X509_free);
		X509_REQ_free(l.csr);
		*err = l.err;
		return -1;
	}
	cf->certs = l.certs;
	cf->csr = l.csr;
	cf->format = format;
	return 0;
}

int
certfile_load(const char *path, struct certfile *cf, char **err)
{
	char	*buf;
	size_t	 len;
	int	 r;

	memset(cf, 0, sizeof(*cf));
	*err = NULL;
	if ((r = read_file(path, CERTFILE_MAX, &buf, &len)) < 0) {
		if (r == -EFBIG)
			*err = xasprintf("%s: larger than %d MiB, too big for "
			    "a certificate file: is it the right file?", path,
			    CERTFILE_MAX >> 20);
		else
			*err = xasprintf("%s: cannot read: %s", path,
			    strerror(-r));
		return -1;
	}
	r = certfile_parse(path, buf, len, cf, err);
	free(buf);
	return r;
}

void
certfile_free(struct certfile *cf)
{
	if (cf == NULL)
		return;
	sk_X509_pop_free(cf->certs, X509_free);
	X509_REQ_free(cf->csr);
	memset(cf, 0, sizeof(*cf));
}

X509_STORE *
certfile_store(const char *path, char **err)
{
	struct certfile	 cf;
	X509_STORE	*st;
	int		 i;

	if (certfile_load(path, &cf, err) == -1)
		return NULL;
	if (cf.csr != NULL) {
		*err = xasprintf("%s: a certificate request, not CA "
		    "certificates: give the CA's certificate chain (.p7b, "
		    ".pem or .cer)", path);
		certfile_free(&cf);
		return NULL;
	}
	if ((st = X509_STORE_new()) == NULL)
		fatal("out of memory");
	for (i = 0; i < sk_X509_num(cf.certs); i++)
		(void)X509_STORE_add_cert(st, sk_X509_value(cf.certs, i));
	ERR_clear_error();
	certfile_free(&cf);
	return st;
}

X509 *
certfile_leaf(const struct certfile *cf)
{
	X509	*x, *y, *found = NULL;
	int	 n, i, j;

	n = cf->certs != NULL ? sk_X509_num(cf->certs) : 0;
	if (n <= 0)
		return NULL;
	if (n == 1)
		return sk_X509_value(cf->certs, 0);
	for (i = 0; i < n; i++) {
		x = sk_X509_value(cf->certs, i);
		if (X509_get_extension_flags(x) & EXFLAG_CA)
			continue;
		for (j = 0; j < n; j++) {
			y = sk_X509_value(cf->certs, j);
			if (X509_cmp(x, y) != 0 &&
			    X509_check_issued(x, y) == X509_V_OK)
				break;
		}
		if (j < n)
			continue;		/* it issued y */
		if (found != NULL && X509_cmp(found, x) != 0) {
			found = NULL;		/* two leaves: neither */
			break;
		}
		found = x;
	}
	ERR_clear_error();
	return found;
}

/* Judging. */

static void
defect(struct cert_verdict *v, enum cert_defect k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
defect(struct cert_verdict *v, enum cert_defect k, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *sep;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	v->defects = xreallocarray(v->defects, v->n + 1, sizeof(*v->defects));
	v->messages = xreallocarray(v->messages, v->n + 1,
	    sizeof(*v->messages));
	v->facts = xreallocarray(v->facts, v->n + 1, sizeof(*v->facts));
	v->defects[v->n] = k;
	/* "fact\037remedy": shown as "fact; remedy"; the fact alone is
	 * kept for a check whose fix says what to do instead. */
	if ((sep = strchr(msg, '\037')) != NULL) {
		v->facts[v->n] = xstrndup(msg, (size_t)(sep - msg));
		v->messages[v->n] = xasprintf("%s; %s", v->facts[v->n],
		    sep + 1);
		free(msg);
	} else {
		v->facts[v->n] = xstrdup(msg);
		v->messages[v->n] = msg;
	}
	v->n++;
}

static const char *
utc(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* "3 days", "1 day", "5 hours", "12 minutes": a span rounded the way a
 * person would say it. */
static const char *
span(time_t d, char *buf, size_t len)
{
	long long	n;
	const char	*unit;

	if (d < 60) {
		snprintf(buf, len, "less than a minute");
		return buf;
	}
	if (d < 90 * 60) {
		n = ((long long)d + 30) / 60;
		unit = "minute";
	} else if (d < 23 * 3600 + 1800) {
		n = ((long long)d + 1800) / 3600;
		unit = "hour";
	} else {
		n = ((long long)d + 43200) / 86400;
		unit = "day";
	}
	snprintf(buf, len, "%lld %s%s", n, unit, n == 1 ? "" : "s");
	return buf;
}

static void
judge_validity(const struct cert_desc *d, const char *what, time_t now,
    long skew, struct cert_verdict *v)
{
	char	when[40], how[40];

	if (d->not_after < now)
		defect(v, CD_EXPIRED, "%s expired on %s, %s ago\037renew it",
		    what, utc(d->not_after, when, sizeof(when)),
		    span(now - d->not_after, how, sizeof(how)));
	else if (d->not_before > now && d->not_before - now <= skew)
		defect(v, CD_NOT_YET, "%s is not valid before %s, in %s: so "
		    "close (within the %ld s of clock skew allowed) that a "
		    "clock is probably wrong, this host's or the issuing "
		    "CA's\037check NTP on both", what, utc(d->not_before, when,
		    sizeof(when)), span(d->not_before - now, how,
		    sizeof(how)), skew);
	else if (d->not_before > now)
		defect(v, CD_NOT_YET, "%s is not valid before %s, in %s: it "
		    "was issued for later (or the issuing CA's clock is "
		    "wrong)\037wait, or have it issued again", what,
		    utc(d->not_before, when, sizeof(when)),
		    span(d->not_before - now, how, sizeof(how)));
}

/* "DNS:a, DNS:b, and 3 more" */
static char *
san_list(const struct cert_desc *d)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < d->nsans && i < MSG_SANS; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", d->sans[i]);
	if (d->nsans > MSG_SANS)
		buf_printf(&b, " and %zu more", d->nsans - MSG_SANS);
	return buf_steal(&b);
}

static void
judge_name(X509 *x, const struct cert_desc *d, const char *what,
    const char *want, struct cert_verdict *v)
{
	unsigned char	 ip[16];
	char		*peer = NULL, *name, *sans, *cn, *how;
	size_t		 i, ndns = 0;
	int		 r, isip;

	name = safe_bytes((const unsigned char *)want, strlen(want));
	isip = inet_pton(AF_INET, want, ip) == 1 ||
	    inet_pton(AF_INET6, want, ip) == 1;
	if (isip)
		r = X509_check_ip_asc(x, want, 0);
	else
		r = X509_check_host(x, want, 0, 0, &peer);
	ERR_clear_error();
	for (i = 0; i < d->nsans; i++)
		ndns += strncmp(d->sans[i], "DNS:", 4) == 0;
	if (r == 1) {
		/* X509_check_host reads the CN only when there is no DNS
		 * name among the SANs. */
		how = peer != NULL ? safe_bytes((unsigned char *)peer,
		    strlen(peer)) : xstrdup(name);
		if (isip || ndns > 0) {
			v->name_how = xasprintf("matched by SAN %s%s", isip ?
			    "IP:" : "DNS:", how);
			v->name_by = "SAN";
		} else {
			v->name_how = xasprintf("matched by CN %s", how);
			v->name_by = "CN";
		}
		free(how);
	} else if (r == 0) {
		sans = san_list(d);
		cn = d->cn != NULL ? xasprintf("its CN is %s", d->cn) :
		    xstrdup("it has no CN");
		if (!isip && ndns > 0 && d->cn != NULL &&
		    X509_check_host(x, want, 0,
		    X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT, NULL) == 1)
			defect(v, CD_NAME, "%s is not valid for %s: its "
			    "Subject Alternative Names are %s, and its CN %s "
			    "does not count: a peer reads the CN only when no "
			    "DNS name is among the SANs\037reissue it with "
			    "DNS:%s among its SANs", what, name, sans, d->cn,
			    name);
		else if (d->nsans == 0)
			defect(v, CD_NAME, "%s is not valid for %s: it has no "
			    "Subject Alternative Names and %s\037reissue it "
			    "with %s%s among its SANs", what, name, cn,
			    isip ? "IP:" : "DNS:", name);
		else
			defect(v, CD_NAME, "%s is not valid for %s: its "
			    "Subject Alternative Names are %s and %s\037reissue "
			    "it with %s%s among its SANs", what, name, sans,
			    cn, isip ? "IP:" : "DNS:", name);
		ERR_clear_error();
		free(sans);
		free(cn);
	} else
		defect(v, CD_NAME, "the name %s could not be checked against "
		    "the %s: it is not a host name or IP address, or the "
		    "certificate's names are malformed", name, what);
	OPENSSL_free(peer);
	free(name);
}

/*
 * The subject CN itself: IM and Presence matches a TLS peer subject (and
 * OCS a host authorization entry) on the CN the peer presents, so a
 * certificate whose SANs hold the name and whose CN does not is refused
 * there, though X509_check_host accepts it.
 */
static void
judge_cn(const struct cert_desc *d, const char *what, const char *want,
    struct cert_verdict *v)
{
	char	*name;

	if (d->cn != NULL && strcasecmp(d->cn, want) == 0)
		return;
	name = safe_bytes((const unsigned char *)want, strlen(want));
	if (d->cn == NULL)
		defect(v, CD_NAME, "%s has no subject CN, and the peer matches "
		    "its subject CN against %s\037reissue it with CN=%s",
		    what, name, name);
	else
		defect(v, CD_NAME, "%s's subject CN is %s, not %s: the peer "
		    "matches the subject CN, whatever the Subject Alternative "
		    "Names say\037reissue it with CN=%s, or enter %s where "
		    "the peer expects %s", what, d->cn, name, name, d->cn,
		    name);
	free(name);
}

/* "Server Authentication (1.3.6.1.5.5.7.3.1), 1.2.3.4" */
static char *
eku_list(const struct cert_desc *d)
{
	struct buf	 b;
	const char	*nm;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < d->nekus; i++) {
		nm = cert_eku_name(d->ekus[i]);
		if (nm != NULL)
			buf_printf(&b, "%s%s (%s)", i ? ", " : "", nm,
			    d->ekus[i]);
		else
			buf_printf(&b, "%s%s", i ? ", " : "", d->ekus[i]);
	}
	return buf_steal(&b);
}

static const struct {
	unsigned	 bit;
	const char	*words;
} wanted_ekus[] = {
	{ CERT_EKU_SERVER, "Server Authentication (" OID_SERVER ")" },
	{ CERT_EKU_CLIENT, "Client Authentication (" OID_CLIENT ")" },
};

static void
judge_eku(const struct cert_desc *d, const char *what, unsigned want,
    struct cert_verdict *v)
{
	char	*list;
	size_t	 i;

	want &= CERT_EKU_SERVER | CERT_EKU_CLIENT;
	if (want == 0)
		return;
	if (!d->has_eku) {
		if (want == (CERT_EKU_SERVER | CERT_EKU_CLIENT))
			defect(v, CD_NO_EKU_EXT, "%s has no Enhanced Key Usage "
			    "extension at all, so it lists neither %s nor %s: "
			    "RFC 5280 lets such a certificate serve any use, "
			    "but the Cisco procedure wants both listed\037"
			    "reissue it from a template that has both", what,
			    wanted_ekus[0].words, wanted_ekus[1].words);
		else
			defect(v, CD_NO_EKU_EXT, "%s has no Enhanced Key Usage "
			    "extension at all, so it does not list %s: RFC "
			    "5280 lets such a certificate serve any use, but "
			    "the Cisco procedure wants it listed\037reissue it "
			    "from a template that has it", what,
			    wanted_ekus[want == CERT_EKU_SERVER ? 0 : 1].words);
		return;
	}
	list = eku_list(d);
	for (i = 0; i < nitems(wanted_ekus); i++) {
		if (!(want & wanted_ekus[i].bit) ||
		    (d->eku & wanted_ekus[i].bit))
			continue;
		/*
		 * A server certificate without clientAuth: since 2026 what
		 * every renewal from a public CA looks like (the Chrome Root
		 * Program requires TLS hierarchies dedicated to serverAuth;
		 * DigiCert, Sectigo and Let's Encrypt stopped issuing
		 * clientAuth in server certificates by May 2026). Say so, or
		 * the operator looks for a mistake in the request.
		 */
		if (wanted_ekus[i].bit == CERT_EKU_CLIENT &&
		    (d->eku & CERT_EKU_SERVER))
			defect(v, CD_EKU, "%s lacks %s: its Enhanced Key Usage "
			    "lists only %s. Federation is mutual TLS, so the "
			    "peer also checks it as a client certificate. "
			    "Public CAs stopped issuing Client Authentication "
			    "in server certificates in 2026, so a certificate "
			    "renewed from a public CA comes without it\037have "
			    "it issued by a CA or from a template that still "
			    "issues %s, such as an enterprise CA's template "
			    "with both usages", what,
			    wanted_ekus[i].words, list, wanted_ekus[i].words);
		else if (d->nekus == 0)
			defect(v, CD_EKU, "%s lacks %s: its Enhanced Key Usage "
			    "extension lists nothing\037reissue it from a "
			    "template that includes %s", what,
			    wanted_ekus[i].words, wanted_ekus[i].words);
		else
			defect(v, CD_EKU, "%s lacks %s: its Enhanced Key Usage "
			    "lists only %s\037reissue it from a template that "
			    "includes %s", what, wanted_ekus[i].words, list,
			    wanted_ekus[i].words);
	}
	free(list);
}

static int
in_stack(STACK_OF(X509) *sk, X509 *x)
{
	int	i;

	for (i = 0; sk != NULL && i < sk_X509_num(sk); i++)
		if (X509_cmp(sk_X509_value(sk, i), x) == 0)
			return 1;
	return 0;
}

/* The certificates sent with the leaf, without the leaf itself. */
static int
others_sent(X509 *leaf, STACK_OF(X509) *chain)
{
	int	i, n = 0;

	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++)
		n += X509_cmp(sk_X509_value(chain, i), leaf) != 0;
	return n;
}

static char *
subject_of(X509 *x)
{
	return name_line(X509_get_subject_name(x));
}

/* "CN=a, CN=b" of what was sent besides the leaf. */
static char *
sent_list(X509 *leaf, STACK_OF(X509) *chain)
{
	struct buf	 b;
	char		*s;
	int		 i, n = 0;

	buf_init(&b);
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		if (X509_cmp(sk_X509_value(chain, i), leaf) == 0)
			continue;
		s = subject_of(sk_X509_value(chain, i));
		buf_printf(&b, "%s%s", n++ ? "; " : "", s);
		free(s);
	}
	return buf_steal(&b);
}

/*
 * The leaf against its issuer where that is at hand without a CA file:
 * itself when self-signed, or one sent with it. Says a bad signature, an
 * issuer-named certificate that did not sign it, and (without a CA file,
 * when no X509_verify_cert will) certificates sent with it none of which
 * issued it. 1 when it said something about the leaf's issuer.
 */
static int
judge_issuer(X509 *leaf, STACK_OF(X509) *chain, int have_trust,
    struct cert_verdict *v)
{
	const X509_NAME	*iss = X509_get_issuer_name(leaf);
	EVP_PKEY	*pk;
	X509		*c;
	char		*a, *b;
	int		 i, named = 0, rc = 0;

	if (X509_NAME_cmp(X509_get_subject_name(leaf), iss) == 0 &&
	    X509_check_issued(leaf, leaf) == X509_V_OK) {
		if ((pk = X509_get0_pubkey(leaf)) == NULL ||
		    X509_verify(leaf, pk) != 1) {
			defect(v, CD_SIGNATURE, "certificate is self-signed, "
			    "but its signature does not verify with its own "
			    "key: it is damaged or forged\037get a fresh copy");
			rc = 1;
		}
		ERR_clear_error();
		return rc;
	}
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		c = sk_X509_value(chain, i);
		if (X509_cmp(c, leaf) == 0 ||
		    X509_NAME_cmp(X509_get_subject_name(c), iss) != 0)
			continue;
		named++;
		if (X509_check_issued(c, leaf) == X509_V_OK &&
		    (pk = X509_get0_pubkey(c)) != NULL &&
		    X509_verify(leaf, pk) == 1) {
			ERR_clear_error();
			return 0;
		}
	}
	ERR_clear_error();
	a = name_line(iss);
	if (named > 0) {
		defect(v, CD_CHAIN, "the certificate sent with it as %s, its "
		    "issuer, did not sign it (another key: an older or "
		    "renewed CA certificate?): a wrong intermediate\037send "
		    "the CA certificate that issued it", a);
		rc = 1;
	} else if (!have_trust && others_sent(leaf, chain) > 0) {
		b = sent_list(leaf, chain);
		defect(v, CD_CHAIN, "certificate was issued by %s, but what "
		    "came with it (%s) did not issue it: a wrong or missing "
		    "intermediate\037send the certificate of %s with it", a, b,
		    a);
		free(b);
		rc = 1;
	}
	free(a);
	return rc;
}

/* Whether the CA file has a certificate with this subject (another key
 * than the one that signed, then: a renewed CA). */
static int
store_has_name(X509_STORE *st, const X509_NAME *nm)
{
	STACK_OF(X509_OBJECT)	*objs;
	X509			*x;
	int			 i;

	objs = X509_STORE_get0_objects(st);
	for (i = 0; objs != NULL && i < sk_X509_OBJECT_num(objs); i++) {
		if ((x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs,
		    i))) != NULL &&
		    X509_NAME_cmp(X509_get_subject_name(x), nm) == 0)
			return 1;
	}
	return 0;
}

static void
classify(X509_STORE_CTX *ctx, X509 *leaf, STACK_OF(X509) *chain,
    STACK_OF(X509) *built, const struct cert_want *w, int issuer_said,
    struct cert_verdict *v)
{
	X509		*cur, *top, *up;
	char		*s = NULL, *is = NULL, *t = NULL, *hint;
	int		 err, depth, nbuilt, nsent;

	err = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	nbuilt = built != NULL ? sk_X509_num(built) : 0;
	nsent = X509_STORE_CTX_get_num_untrusted(ctx);
	if ((cur = X509_STORE_CTX_get_current_cert(ctx)) == NULL)
		cur = depth >= 0 && depth < nbuilt ? sk_X509_value(built,
		    depth) : leaf;
	s = subject_of(cur);
	is = name_line(X509_get_issuer_name(cur));
	switch (err) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		defect(v, CD_UNTRUSTED, "certificate is self-signed (%s) and "
		    "is not in the CA file\037add it there only if you trust "
		    "it, or have it issued by a CA that is", s);
		break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		top = nbuilt > 0 ? sk_X509_value(built, nbuilt - 1) : cur;
		t = subject_of(top);
		defect(v, CD_UNTRUSTED, "chain ends in the root CA %s, which "
		    "is not in the CA file\037add that root to the CA file if "
		    "you trust it", t);
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		if (depth == 0 && issuer_said)
			break;
		hint = store_has_name(w->trust, X509_get_issuer_name(cur)) ?
		    xasprintf(" (the CA file has a certificate named %s, but "
		    "with another key: an older or renewed CA certificate?)",
		    is) : xstrdup("");
		if (depth == 0 && others_sent(leaf, chain) > 0) {
			t = sent_list(leaf, chain);
			defect(v, CD_CHAIN, "certificate was issued by %s, "
			    "which is not in the CA file%s, and what came with "
			    "it (%s) did not issue it: a wrong or missing "
			    "intermediate\037send the certificate of %s with it",
			    is, hint, t, is);
		} else if (depth == 0)
			defect(v, CD_UNTRUSTED, "certificate was issued by %s, "
			    "which is not in the CA file%s, and no "
			    "intermediate came with it\037add its root CA to the "
			    "CA file (if %s is an intermediate, the server "
			    "must send it with the certificate, or it must be "
			    "in the CA file too)", is, hint, is);
		else if (err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
			defect(v, CD_UNTRUSTED, "chain ends at %s, which came "
			    "with the certificate, and its issuer %s is not in "
			    "the CA file%s\037add the root CA %s to the CA file",
			    s, is, hint, is);
		else
			defect(v, CD_UNTRUSTED, "chain reaches %s in the CA "
			    "file, but its issuer %s is not there%s\037add the "
			    "root CA too (an intermediate alone is not "
			    "trusted, as a TLS peer would not trust it)", s, is,
			    hint);
		free(hint);
		break;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
		if (depth == 0 && issuer_said)
			break;
		up = depth + 1 < nbuilt ? sk_X509_value(built, depth + 1) :
		    cur;
		t = subject_of(up);
		if (depth + 1 < nsent && in_stack(chain, up))
			defect(v, CD_CHAIN, "%s, sent as the issuer of %s, did "
			    "not sign it (another key: an older or renewed CA "
			    "certificate?): a wrong intermediate\037send the CA "
			    "certificate that issued it", t, s);
		else
			defect(v, CD_SIGNATURE, "the signature of %s does not "
			    "verify with the key of its issuer %s: it is "
			    "damaged or forged, or the CA was re-keyed\037get a "
			    "fresh copy", s, t);
		break;
	case X509_V_ERR_INVALID_CA:
		defect(v, CD_CHAIN, "%s issues a certificate in the chain but "
		    "is not a CA (no basicConstraints CA:TRUE): the chain is "
		    "wrong", s);
		break;
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
		defect(v, CD_CHAIN, "%s issues a certificate in the chain but "
		    "its Key Usage does not allow certificate signing", s);
		break;
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
		defect(v, CD_CHAIN, "the chain is longer than a CA in it "
		    "allows (its basicConstraints pathlen), at %s", s);
		break;
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_REJECTED:
		defect(v, CD_UNTRUSTED, "chain does not verify at %s: %s", s,
		    X509_verify_cert_error_string(err));
		break;
	default:
		defect(v, CD_CHAIN, "chain does not verify at %s: %s", s,
		    X509_verify_cert_error_string(err));
	}
	free(s);
	free(is);
	free(t);
}

static void
judge_chain(X509 *leaf, STACK_OF(X509) *chain, const struct cert_want *w,
    time_t now, int issuer_said, struct cert_verdict *v)
{
	X509_STORE_CTX		*ctx;
	STACK_OF(X509)		*built;
	struct cert_desc	 d;
	char			*what;
	int			 i, ok;

	if ((ctx = X509_STORE_CTX_new()) == NULL)
		fatal("out of memory");
	if (X509_STORE_CTX_init(ctx, w->trust, leaf, chain) != 1)
		fatal("cannot set up certificate verification");
	/* Validity is judged here, per certificate, with dates in the
	 * message; X509_verify_cert would stop at the first expiry and
	 * hide a wrong chain behind it. */
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
	ok = X509_verify_cert(ctx);
	built = X509_STORE_CTX_get1_chain(ctx);
	if (ok != 1)
		classify(ctx, leaf, chain, built, w, issuer_said, v);
	for (i = 1; built != NULL && i < sk_X509_num(built); i++) {
		cert_describe(sk_X509_value(built, i), &d);
		what = xasprintf("the CA certificate %s in its chain",
		    d.subject);
		judge_validity(&d, what, now, w->skew, v);
		free(what);
		cert_desc_free(&d);
	}
	sk_X509_pop_free(built, X509_free);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
}

size_t
cert_judge(X509 *leaf, STACK_OF(X509) *chain, const struct cert_want *w,
    struct cert_verdict *v)
{
	struct cert_desc	d;
	time_t			now;
	int			said;

	memset(v, 0, sizeof(*v));
	if (leaf == NULL)
		return 0;
	now = w->now != 0 ? w->now : time(NULL);
	cert_describe(leaf, &d);
	said = judge_issuer(leaf, chain, w->trust != NULL, v);
	if (w->trust != NULL)
		judge_chain(leaf, chain, w, now, said, v);
	if (w->name != NULL)
		judge_name(leaf, &d, "certificate", w->name, v);
	if (w->cn != NULL)
		judge_cn(&d, "certificate", w->cn, v);
	judge_eku(&d, "certificate", w->eku, v);
	judge_validity(&d, "certificate", now, w->skew, v);
	cert_desc_free(&d);
	return v->n;
}

size_t
cert_judge_csr(X509_REQ *req, const struct cert_want *w,
    struct cert_verdict *v)
{
	struct cert_desc	 d;
	X509			*x;

	memset(v, 0, sizeof(*v));
	if (req == NULL)
		return 0;
	if (!csr_verified(req))
		defect(v, CD_SIGNATURE, "certificate request's signature does "
		    "not verify with its own key: it is damaged\037make it "
		    "again");
	x = csr_skeleton(req);
	memset(&d, 0, sizeof(d));
	describe_names(x, &d);
	if (w->name != NULL)
		judge_name(x, &d, "certificate request", w->name, v);
	if (w->cn != NULL)
		judge_cn(&d, "certificate request", w->cn, v);
	judge_eku(&d, "certificate request", w->eku, v);
	cert_desc_free(&d);
	X509_free(x);
	return v->n;
}

void
cert_verdict_free(struct cert_verdict *v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		free(v->messages[i]);
		free(v->facts[i]);
	}
	free(v->messages);
	free(v->facts);
	free(v->defects);
	free(v->name_how);
	memset(v, 0, sizeof(*v));
}
