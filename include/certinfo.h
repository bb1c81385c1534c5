/*
 * certinfo.h: certificates as an operator reads them. Loading the files a
 * CA and a Lync or IM and Presence server hand around (.p7b in PEM or DER,
 * .cer in PEM or DER, .pem bundles, CSRs), describing each certificate
 * (subject, issuer, SANs, EKU OIDs, key, validity, CA or not, SHA-256
 * fingerprint), telling a root from a subordinate, and judging a leaf for
 * a use: chain to a trusted root, name, EKUs, validity. The TLS probe
 * judges the chain a peer presents with the same code, so a defect reads
 * the same whether it was found in a file or on the wire.
 */
#ifndef FEDWIZ_CERTINFO_H
#define FEDWIZ_CERTINFO_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

/* Extended key usages fedwiz asks about. */
#define CERT_EKU_SERVER	0x01	/* serverAuth, 1.3.6.1.5.5.7.3.1 */
#define CERT_EKU_CLIENT	0x02	/* clientAuth, 1.3.6.1.5.5.7.3.2 */

struct cert_desc {
	char		*subject;	/* one line, "CN=pool1.example.com, O=..." */
	char		*issuer;
	char		*cn;		/* the subject's last CN; NULL: none */
	char		**sans;		/* "DNS:pool1.example.com", "IP:192.0.2.1" */
	size_t		 nsans;
	int		 has_eku;	/* the extension is there at all */
	char		**ekus;		/* dotted OIDs, in certificate order */
	size_t		 nekus;
	unsigned	 eku;		/* CERT_EKU_* found (any EKU: both) */
	char		 key[48];	/* "RSA 2048", "EC P-256", "ED25519" */
	char		 sigalg[48];	/* "sha256WithRSAEncryption" */
	char		 serial[100];	/* hex */
	time_t		 not_before;
	time_t		 not_after;
	int		 is_ca;		/* basicConstraints CA:TRUE */
	int		 self_issued;	/* subject == issuer, self-signed: a root */
	char		 sha256[96];	/* "AB:CD:..." as openssl x509 -fingerprint */
};

/* What a file held. */
struct certfile {
	STACK_OF(X509)	*certs;		/* in file order; empty for a CSR */
	X509_REQ	*csr;		/* NULL: not a CSR */
	const char	*format;	/* "PKCS#7 PEM", "PKCS#7 DER", "PEM",
					   "DER", "CSR PEM", "CSR DER" */
};

/*
 * Load a certificate file whatever its wrapping. 0, or -1 with *err a
 * malloc'd sentence naming the file and what is wrong with it ("not a
 * certificate, PKCS #7 or CSR file in PEM or DER"; "empty"; "cannot read:
 * Permission denied").
 */
int	certfile_load(const char *, struct certfile *, char **);
void	certfile_free(struct certfile *);

/* Describe one certificate; free with cert_desc_free. */
void	cert_describe(X509 *, struct cert_desc *);
void	cert_desc_free(struct cert_desc *);

/*
 * The trust anchors in a CA file (every certificate in it; a .p7b chain
 * gives its root and intermediates): an X509_STORE for verification, or
 * NULL with *err.
 */
X509_STORE *certfile_store(const char *, char **);

/*
 * What a leaf is checked for; zero/NULL fields are not checked.
 */
struct cert_want {
	const char	*name;		/* X509_check_host (SAN, else CN) */
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
	CD_UNTRUSTED,		/* chain does not reach a trusted root */
	CD_CHAIN,		/* a wrong or missing intermediate */
	CD_NAME,		/* name matches neither SAN nor CN */
	CD_NO_EKU_EXT,		/* no EKU extension (any use) -- said,
				   not a failure unless asked */
	CD_EKU,			/* EKU extension without a wanted usage */
	CD_EXPIRED,
	CD_NOT_YET,
	CD_SIGNATURE
};

struct cert_verdict {
	enum cert_defect *defects;
	char		**messages;	/* one per defect */
	size_t		 n;
	char		*name_how;	/* "matched by SAN DNS:x" / "by CN" */
};

/*
 * Judge leaf (with the untrusted chain that came with it, may be NULL)
 * against want. Returns the number of defects; v filled (free with
 * cert_verdict_free). A leaf without an EKU extension is good for every
 * use (RFC 5280), and the message says so when eku was asked for.
 */
size_t	cert_judge(X509 *, STACK_OF(X509) *, const struct cert_want *,
	    struct cert_verdict *);
void	cert_verdict_free(struct cert_verdict *);

/* The leaf of a .p7b or bundle: the one certificate that issued none of
 * the others (a lone certificate is its own leaf); NULL when there is no
 * single one. */
X509	*certfile_leaf(const struct certfile *);

#endif
