/*
 * tls.h: one TLS handshake on the event loop, and what it showed. The
 * probe connects (net.h), shakes hands within a protocol range with SNI,
 * keeps the chain the peer presented, judges its leaf with certinfo.h
 * (chain to the CA file, name, EKU, validity), and finds out whether the
 * peer asks for a client certificate, which CAs it names, and whether it
 * goes on without one. It never sends application data.
 */
#ifndef FEDWIZ_TLS_H
#define FEDWIZ_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "certinfo.h"
#include "evloop.h"

struct tls_want {
	const char	*host;		/* to connect to */
	int		 port;
	const char	*name;		/* SNI, and the name the leaf must
					   match; NULL: neither */
	uint16_t	 min, max;	/* HELLO_TLS10 ...; 0: no bound */
	const char	*ca;		/* CA file; NULL: chain not judged */
	const char	*cn;		/* the leaf's subject CN; NULL: any */
	unsigned	 eku;		/* CERT_EKU_* the leaf must have */
	const char	*client_cert;	/* PEM files to present; NULL: none */
	const char	*client_key;
	int64_t		 timeout_ms;
	long		 skew;		/* seconds of clock skew tolerated */
};

enum tls_status {
	TLS_OK,			/* handshake done (or ended only for want
				   of a client certificate) */
	TLS_E_INPUT,		/* the CA file or client certificate is bad */
	TLS_E_CONNECT,		/* no TCP connection: refused, unresolved */
	TLS_E_TIMEOUT,		/* silence: no SYN-ACK, or no handshake */
	TLS_E_REFUSED,		/* the peer sent an alert: no common
				   protocol or cipher, ... */
	TLS_E_CLOSED,		/* the peer hung up during the handshake */
	TLS_E_PROTOCOL		/* not TLS, or broken TLS */
};

struct tls_result {
	enum tls_status		 status;
	char			*message;	/* why, for every status but OK */
	char			 peer[64];	/* "192.0.2.1:5062" */
	int64_t			 ms;
	char			 version[16];	/* "TLSv1.2" */
	char			 cipher[64];	/* OpenSSL's name */
	uint16_t		 cipher_id;
	int			 alert;		/* the peer's alert; -1: none */
	/* The chain the peer presented, leaf first, described. */
	struct cert_desc	*certs;
	size_t			 ncerts;
	/* The leaf judged against the want (no chain: no verdict). */
	struct cert_verdict	 verdict;
	int			 judged;
	/* Client certificates. */
	int			 client_requested;	/* CertificateRequest */
	char			**ca_names;		/* the CAs it names */
	size_t			 nca_names;
	int			 client_sent;		/* we presented one */
	int			 client_required;	/* 1: it would not go on
							   without; 0: it did;
							   -1: not known */
};

typedef void (*tls_done_fn)(const struct tls_result *, void *);

struct tls_probe;

/*
 * Start a probe. done is called once, from the loop (never from inside
 * tls_probe_start); the result lives only during the call. The strings
 * of want are copied.
 */
struct tls_probe	*tls_probe_start(struct evloop *, const struct tls_want *,
			    tls_done_fn, void *);
void			 tls_probe_cancel(struct tls_probe *);

/*
 * Going on over the connection (probe sip speaks SIP over it). Called from
 * done on a handshake that completed and is still up (status TLS_OK, and
 * not ended for want of a client certificate): the probe then stays, with
 * its result, its SSL and its socket, until tls_probe_cancel. It watches
 * the socket no more: the caller sets its own evloop_fd. 0, or -1 when the
 * connection is not up.
 */
int			 tls_probe_keep(struct tls_probe *);
const struct tls_result	*tls_probe_result(const struct tls_probe *);
/* The kept connection (NULL / -1 before tls_probe_keep). */
SSL			*tls_probe_ssl(struct tls_probe *);
int			 tls_probe_fd(const struct tls_probe *);

/* Why SSL_read or SSL_write failed with err (SSL_get_error) on a kept
 * connection, in words (*msg, malloc'd), from the alert the peer sent. */
enum tls_io {
	TLS_IO_CLOSED,		/* end of stream, or close_notify */
	TLS_IO_CERT,		/* an alert about our client certificate:
				   bad_certificate, unknown_ca,
				   certificate_required ... */
	TLS_IO_ALERT,		/* another alert */
	TLS_IO_ERROR		/* anything else */
};
enum tls_io		 tls_probe_io_error(struct tls_probe *, int, char **);
/* The alert the peer ended the connection with after the handshake
 * (TLS 1.3 refuses a client certificate so); -1 none. */
int			 tls_probe_conn_alert(const struct tls_probe *);

/* Whether an alert is about the certificate a client presented (or did
 * not): bad_certificate ... certificate_unknown, unknown_ca,
 * certificate_required (RFC 8446 6.2). */
int			 tls_alert_about_cert(int);

const char		*tls_status_name(enum tls_status);

#endif
