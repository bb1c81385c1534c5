/*
 * certinfo.h: certificates as an operator reads them. Loading the files a
 * CA and a Lync or IM and Presence server hand around (.p7b in PEM or DER,
 * .cer in PEM or DER, .pem bundles, CSRs), describing each certificate
 * (subject, issuer, SANs, EKU OIDs, key, validity, CA or not, SHA-256
 * fingerprint), telling a root from a subordinate, and judging a leaf for
 * a use: chain to a trusted root, name, EKUs, validity. The TLS probe
 * judges the chain a peer presents with the same code, so a defect reads
 * the same whether it was found in a file or on the wire.
 *
 * Every string here that comes from a certificate has its control bytes
 * escaped ("\x0a"); it may still hold any UTF-8 (or ill-formed bytes), so
 * it goes through clean_str before a terminal or a JSON document.
 */
#ifndef FEDWIZ_CERTINFO_H
#define FEDWIZ_CERTINFO_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

/* Extended key usages fedwiz asks about. */
#define CERT_EKU_SERVER	0x01	/* serverAuth, 1.3.6.1.5.5.7.3.1 */
#define CERT_EKU_CLIENT	0x02	/* clientAuth, 1.3.6.1.5.5.7.3.2 */

/* A file bigger than this is not a certificate file. */
#define CERTFILE_MAX	(16 * 1024 * 1024)

struct cert_desc {
	char		*subject;	/* one line, "CN=pool1.example.com, O=..." */
	char		*issuer;	/* "" for a CSR */
	char		*cn;		/* the subject's last CN; NULL: none */
	char		**sans;		/* "DNS:pool1.example.com", "IP:192.0.2.1",
					   "email:a@b", "URI:sip:x", "DirName:..",
					   "othername:UPN:u@d", "othername:OID" */
	size_t		 nsans;
	int		 has_eku;	/* the extension is there at all */
	char		**ekus;		/* dotted OIDs, in certificate order */
	size_t		 nekus;
	unsigned	 eku;		/* CERT_EKU_* listed; anyExtendedKeyUsage
					   counts as both; 0 without the
					   extension (has_eku tells that apart) */
	char		 key[48];	/* "RSA 2048", "EC P-256", "ED25519" */
	char		 sigalg[48];	/* "sha256WithRSAEncryption" */
	char		 serial[100];	/* hex, as openssl x509 -serial; "" CSR */
	time_t		 not_before;	/* 0 for a CSR */
	time_t		 not_after;
	int		 is_ca;		/* basicConstraints CA:TRUE */
	int		 self_issued;	/* subject == issuer, self-signed: a root */
	char		 sha256[96];	/* "AB:CD:..." as openssl x509 -fingerprint;
					   "" for a CSR */
};

/* What a file held. */
struct certfile {
	STACK_OF(X509)	*certs;		/* in file order; empty for a CSR */
	X509_REQ	*csr;		/* NULL: not a CSR */
	const char	*format;	/* "PKCS#7 PEM", "PKCS#7 DER", "PEM",
					   "DER", "CSR PEM", "CSR DER" */
};

/*
 * Load a certificate file whatever its wrapping, told by content, not by
 * extension (a "-----BEGIN CERTIFICATE-----" block holding PKCS #7, as a
 * Microsoft CA hands out, is read as PKCS #7). 0, or -1 with *err a
 * malloc'd sentence naming the file, what is wrong with it and what to do
 * ("not a certificate, PKCS #7 or CSR file in PEM or DER"; "empty";
 * "cannot read: Permission denied"; more than CERTFILE_MAX; a PEM block
 * cut short, with its line; a PKCS #12 file). A file with a CSR and
 * certificates both is refused.
 */
int	certfile_load(const char *, struct certfile *, char **);
/* The same from memory; the name is only for messages. */
int	certfile_parse(const char *, const void *, size_t, struct certfile *,
	    char **);
void	certfile_free(struct certfile *);

/* Describe one certificate; free with cert_desc_free (accepts zeroed). */
void	cert_describe(X509 *, struct cert_desc *);
void	cert_desc_free(struct cert_desc *);
/*
 * A CSR's subject, requested SANs and EKUs (its extension request), key
 * and signature algorithm; issuer, serial, validity and fingerprint are
 * empty. Returns 1 when its self-signature verifies, else 0.
 */
int	cert_describe_csr(X509_REQ *, struct cert_desc *);

/* "Server Authentication" for 1.3.6.1.5.5.7.3.1, the words Windows uses;
 * NULL for an OID it does not know. */
const char *cert_eku_name(const char *);
/*
 * The usages a leaf must carry, in the words of --eku: "both" (serverAuth
 * and clientAuth: federation is mutual TLS, the default), "server",
 * "client", "any" (not judged). 0 and *bits, or -1 for another word.
 */
int	cert_eku_parse(const char *, unsigned *);
/* The word for CERT_EKU_* bits: "both", "server", "client", "any". */
const char *cert_eku_word(unsigned);
/* "root CA" (CA:TRUE, self-signed), "subordinate CA" (CA:TRUE), "leaf". */
const char *cert_role(const struct cert_desc *);

/*
 * The trust anchors in a CA file (every certificate in it; a .p7b chain
 * gives its root and intermediates): an X509_STORE for verification, or
 * NULL with *err. An intermediate alone does not make a chain trusted:
 * its root must be there too (no partial chains, as a TLS peer does).
 */
X509_STORE *certfile_store(const char *, char **);

/*
 * What a leaf is checked for; zero/NULL fields are not checked. Validity
 * (of the leaf, and with trust of every certificate in its chain) always
 * is, and so is the leaf's signature where its issuer is at hand.
 */
struct cert_want {
	const char	*name;		/* X509_check_host (SAN, else CN), or
					   an IP address against SAN IPs */
	const char	*cn;		/* the subject CN must be this name
					   (case-insensitive), whatever the
					   SANs: a TLS peer subject is matched
					   on the CN */
	unsigned	 eku;		/* CERT_EKU_* that must be there */
	X509_STORE	*trust;		/* chain must reach one of these */
	time_t		 now;		/* 0: time(NULL) */
	long		 skew;		/* seconds of clock skew tolerated */
};

/* One defect, in words, e.g. "certificate lacks Client Authentication
 * (1.3.6.1.5.5.7.3.2): its Enhanced Key Usage lists only Server
 * Authentication (1.3.6.1.5.5.7.3.1)". */
enum cert_defect {
	CD_NONE,
	CD_UNTRUSTED,		/* chain does not reach a trusted root: it
				   ends in a root not in the CA file (sent,
				   or the leaf's issuer when nothing else was
				   sent), or at a CA whose issuer is unknown */
	CD_CHAIN,		/* a wrong or missing intermediate: certs
				   were sent with the leaf but none issued
				   it, or one with its issuer's name did not
				   sign it, or a CA in it is not a CA */
	CD_NAME,		/* name matches neither SAN nor CN, or
				   the subject CN is not the one wanted */
	CD_NO_EKU_EXT,		/* eku asked for and the certificate has no
				   EKU extension at all: RFC 5280 lets it
				   serve any use, but the Cisco procedure
				   wants the usages listed, so a defect; the
				   message says the extension is missing */
	CD_EKU,			/* EKU extension without a wanted usage; one
				   per usage missing, naming what it lists */
	CD_EXPIRED,		/* the leaf, or a CA in its chain */
	CD_NOT_YET,		/* ditto; within skew: a clock is wrong */
	CD_SIGNATURE		/* signature does not verify with its
				   issuer's key (or a CSR's with its own) */
};

/* "untrusted", "chain", "name", "no_eku_ext", "eku", "expired",
 * "not_yet_valid", "signature": the kind in --json output. */
const char *cert_defect_name(enum cert_defect);

struct cert_verdict {
	enum cert_defect *defects;
	char		**messages;	/* one per defect: what is wrong; what
					   to do */
	char		**facts;	/* the same, what is wrong only */
	size_t		 n;
	char		*name_how;	/* "matched by SAN DNS:x" / "matched by
					   CN x"; NULL: no name asked, or none
					   matched */
	const char	*name_by;	/* "SAN", "CN" or NULL, as name_how */
};

/*
 * Judge leaf (with the untrusted chain that came with it, may be NULL and
 * may hold the leaf itself) against want. Returns the number of defects;
 * v filled (free with cert_verdict_free).
 */
size_t	cert_judge(X509 *, STACK_OF(X509) *, const struct cert_want *,
	    struct cert_verdict *);
/* A CSR for what its certificate would be asked: the name among what it
 * requests, the EKUs it requests, its self-signature. trust, now and skew
 * are not used. */
size_t	cert_judge_csr(X509_REQ *, const struct cert_want *,
	    struct cert_verdict *);
void	cert_verdict_free(struct cert_verdict *);

/*
 * The leaf of a .p7b or bundle: the one certificate that issued none of
 * the others and is not a CA (a lone certificate is its own leaf, CA or
 * not). NULL when there is no single one: a file of CA certificates only
 * (root and intermediates) has none, nor has a bundle of unrelated leaves.
 */
X509	*certfile_leaf(const struct certfile *);

#endif
