/*
 * labpki.h: the lab's certificates, made with OpenSSL: keys, a CA that
 * issues what a request asks for, requests as Request-CsCertificate and
 * the IM and Presence CSR page write them, chains as the CA's web pages
 * hand them out (.p7b).
 */
#ifndef FEDWIZ_LABPKI_H
#define FEDWIZ_LABPKI_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"

/* The lab's pool of RSA keys, made on two threads at lab creation. */
#define LAB_KEYS	4
void	 lab_keys_pregen(struct lab *, size_t, int);
/* n new RSA keys of bits (0: 2048), PEM, made on two threads; a NULL-
 * terminated vector, wiped and freed by lab_keys_free. A class makes its
 * seats' keys at once this way (cmd-lab-class.c). */
char	**lab_keys_make(size_t, int);
void	 lab_keys_free(char **);
/* Add n keys to the lab: host and label NULL put them in the pool
 * lab_key_take hands out; a label without a host keeps one out of it
 * (a seat's own CA key), and a host's are thrown away when the state is
 * rebuilt. The last one's id. */
int64_t	 lab_keys_add(struct lab *, const char *, const char *,
	    char *const *, size_t, int);
/* A key for host: the pool's next one in turn; one of another size is
 * made now. */
int64_t	 lab_key_take(struct lab *, const char *, const char *, int);

struct lab_certspec {
	const char	*subject;	/* "CN=x, OU=y, O=z" (Windows order) */
	const char	*sans;		/* DNS names, space-separated; NULL */
	const char	*ekus;		/* "serverAuth clientAuth"; NULL: none */
	int		 ca;		/* a CA certificate */
	int		 days;		/* validity; 0: 730 */
	int		 age;		/* issued this many days ago; 0: ten
					   minutes ago (AD CS backdates by
					   its clock-skew allowance) */
	int		 past;		/* nonzero: expired days ago */
	time_t		 after;		/* nonzero: not valid before a second
					   after this (a re-issue is newer
					   than what it replaces, even in the
					   same second) */
	const char	*friendly;
};

/* Issue a certificate for key, signed by issuer (a CA cert id; 0: self-
 * signed). Its id. */
int64_t	 lab_cert_issue(struct lab *, int64_t, int64_t,
	    const struct lab_certspec *);
/* A PKCS #10 request for key, PEM, as Windows writes one ("NEW
 * CERTIFICATE REQUEST" when nw). malloc'd. */
char	*lab_csr_make(struct lab *, int64_t, const struct lab_certspec *, int);
/* What a request asks for: subject (Windows order), SANs, EKUs; 0 or -1
 * when it is no request. Strings malloc'd. */
int	 lab_csr_read(const char *, char **, char **, char **);
/* The PEM of a cert as one certificate; a .p7b (PEM PKCS #7) of a chain
 * from cert up to its root. malloc'd. */
char	*lab_chain_p7b(struct lab *, int64_t);
/* DER of a certificate (IM and Presence keeps a .der beside the .pem);
 * malloc'd, its size in *n. */
unsigned char *lab_cert_der(struct lab *, int64_t, size_t *);
/* The key's PEM (for the TLS listener). malloc'd. */
char	*lab_key_pem(struct lab *, int64_t);
/* A certificate from PEM text (an uploaded file, a pasted one): its id,
 * found by thumbprint or added without a key; 0 when it is not one. */
int64_t	 lab_cert_import(struct lab *, const char *, const char *);
/* A key's public half as the ASA prints "Key Data" (hex, grouped), and
 * its size. malloc'd. */
char	*lab_key_pub_hex(struct lab *, int64_t, int *);
/* The chain of a cert up to its root: ids, leaf first. */
int64_t	*lab_cert_chain(struct lab *, int64_t, size_t *);
/* Whether a cert chains to a root that is in host's store (Windows Root
 * store, IM and Presence cup-trust, ...), with intermediates from the
 * chain itself or from stores[]. 1 or 0. */
int	 lab_cert_trusted(struct lab *, int64_t, const char *, const char *);

#endif
