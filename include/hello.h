/*
 * hello.h: does a peer accept this protocol version with this one cipher
 * suite? Answered by sending a ClientHello that offers exactly that pair
 * and reading the ServerHello or the alert, then hanging up: no key
 * exchange, no cryptography. Debian's OpenSSL has no 3DES TLS suites, and
 * TLSv1.0 with TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A) is what the IM and
 * Presence peer-authentication context is set to; this is how fedwiz can
 * still ask a peer about it (and about any other pair up to TLS 1.2).
 */
#ifndef FEDWIZ_HELLO_H
#define FEDWIZ_HELLO_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"

#define HELLO_SSL3	0x0300
#define HELLO_TLS10	0x0301
#define HELLO_TLS11	0x0302
#define HELLO_TLS12	0x0303
#define HELLO_TLS13	0x0304

#define HELLO_3DES	0x000A	/* TLS_RSA_WITH_3DES_EDE_CBC_SHA */

enum hello_verdict {
	HELLO_ACCEPTED,		/* ServerHello with our suite */
	HELLO_REFUSED,		/* an alert, or a hang-up after our hello */
	HELLO_ERROR		/* no verdict: unreachable, silent, not TLS */
};

struct hello_result {
	enum hello_verdict	 verdict;
	uint16_t		 version;	/* the ServerHello's */
	uint16_t		 cipher;	/* the ServerHello's */
	int			 alert;		/* description; -1: none */
	char			*message;	/* words, always */
	int			 refused_tcp;	/* HELLO_ERROR because nothing
						   listens (connection refused) */
	int64_t			 ms;
	char			 peer[64];	/* "192.0.2.1:5062" */
};

typedef void (*hello_done_fn)(const struct hello_result *, void *);

struct hello_probe;

/*
 * Offer (version, cipher) to host:port, with SNI sni when it is a name
 * (NULL or an address: none), within timeout_ms. done is called once,
 * from the loop; the result lives only during the call.
 */
struct hello_probe	*hello_start(struct evloop *, const char *, int,
			    const char *, uint16_t, uint16_t, int64_t,
			    hello_done_fn, void *);
void			 hello_cancel(struct hello_probe *);

/* The ClientHello record for (version, cipher, sni, random): its length,
 * 0 when cap is too small. Exposed for tests. */
size_t		 hello_build(uint8_t *, size_t, uint16_t, uint16_t,
		    const char *, const uint8_t [32]);

/*
 * Read what a server sent so far: 0 when more is needed, 1 with r filled
 * (verdict, version, cipher, alert; message for refusals and errors)
 * when there is an answer. version and cipher are what was offered: a
 * ServerHello with an older version is a refusal of the pair.
 */
int		 hello_parse(const uint8_t *, size_t, uint16_t, uint16_t,
		    struct hello_result *);

/* "3des", "0x000A", "000a", "10" -> the suite id; -1 when not one. */
int		 hello_cipher_parse(const char *);
/* "tls1.0" ... "tls1.3" -> HELLO_TLS10 ...; 0 when not one. */
uint16_t	 hello_version_parse(const char *);
/* "TLSv1.0", ... for a version; "0x0305" for others (static buffer). */
const char	*hello_version_name(uint16_t);
/* "TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A)" for the suites fedwiz knows
 * by name, "0x1234" for others (static buffer). */
const char	*hello_cipher_name(uint16_t);
/* "handshake failure (40)" */
const char	*hello_alert_name(int);

#endif
