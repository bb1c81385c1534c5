/*
 * sip.h: the end-to-end test of a federation. A SIP OPTIONS over TLS (RFC
 * 3261 section 11), as Test-CsFederatedPartner does from a Lync Edge and
 * sipsak -s does from a shell: connect, shake hands (tls.h, the same code
 * as the TLS probe, with a client certificate for mutual TLS), send the
 * request, read provisional responses and the final one, with the headers
 * Lync and OCS put the real reason in (ms-diagnostics, ms-diagnostics-
 * public). Then judge what came against what a check wants.
 *
 * Everything read from the peer is kept as it came (bytes, not text): it
 * goes through the cleaner (clean.h) on its way to a terminal, a report or
 * a JSON document. What the peer can make fedwiz hold is bounded: the
 * headers of one message, a body skipped on the way, the number of
 * provisional responses and of messages that are not for us, all it sends.
 */
#ifndef FEDWIZ_SIP_H
#define FEDWIZ_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "tls.h"

#define SIP_HEAD_MAX	(64 * 1024)	/* start line and headers of one
					   message (Kamailio's whole-message
					   buffer is 64 KiB) */
#define SIP_HEADERS_MAX	256		/* header fields in one message */
#define SIP_BODY_MAX	(64 * 1024)	/* a body skipped to go on reading */
#define SIP_READ_MAX	(256 * 1024)	/* all the peer may send */
#define SIP_PROVISIONAL_MAX 16		/* 1xx before the final response */
#define SIP_STRAY_MAX	16		/* requests and other transactions'
					   responses on the connection */
#define SIP_URI_MAX	256

/* The default deadline for the final response once the request is sent:
 * RFC 3261 Timer F (64*T1, 32 s), a non-INVITE transaction's lifetime. */
#define SIP_ANSWER_MS	32000

struct sip_header {
	char	*name;		/* as sent; a compact form ("i") written
				   out ("Call-ID") */
	char	*value;		/* folded lines joined with one space */
};

/* One message the peer sent, as it came (control bytes and all). */
struct sip_msg {
	char			*start;		/* the start line */
	int			 code;		/* 100-699; 0: a request */
	char			*reason;	/* the reason phrase */
	struct sip_header	*h;
	size_t			 nh;
	size_t			 body_len;	/* its Content-Length */
};

/* The value of a header (case-insensitive name; the first one), or NULL. */
const char	*sip_msg_header(const struct sip_msg *, const char *);

/*
 * The response reader, fed bytes as they come. Responses to our request
 * (its Call-ID and CSeq; NULL and 0: any) are kept in order; CRLF
 * keep-alives, requests and responses to other transactions are skipped
 * (at most SIP_STRAY_MAX). A message may come in any number of pieces;
 * lines may end with CRLF or LF; headers may be folded or compact; a body
 * is skipped by its Content-Length.
 */
enum sip_feed {
	SIPF_MORE,		/* waiting for more */
	SIPF_FINAL,		/* a final response (2xx-6xx) came */
	SIPF_ERROR,		/* not SIP, or past a bound: sip_parser_error */
	SIPF_ENDLESS		/* SIP_PROVISIONAL_MAX 1xx and no final one:
				   as good as no answer */
};

struct sip_parser;
struct sip_parser	*sip_parser_new(const char *, unsigned long);
enum sip_feed		 sip_parser_feed(struct sip_parser *, const char *,
			    size_t);
/* Why SIPF_ERROR or SIPF_ENDLESS, in words (peer text cleaned). */
const char		*sip_parser_error(const struct sip_parser *);
/* The responses to our request so far, in order; the last one is the
 * final one after SIPF_FINAL. */
const struct sip_msg	*sip_parser_msgs(const struct sip_parser *, size_t *);
/* Bytes taken in; messages skipped as not ours. */
size_t			 sip_parser_bytes(const struct sip_parser *);
size_t			 sip_parser_stray(const struct sip_parser *);
void			 sip_parser_free(struct sip_parser *);

/* A From or To URI fedwiz will put in a request: sip: or sips:, at most
 * SIP_URI_MAX bytes of RFC 3261 URI characters. 0, or -1 and why. */
int	sip_uri_check(const char *, char *, size_t);

/*
 * The final statuses a check accepts: codes and classes, comma-separated:
 * "2xx" (the default), "200", "200,202", "403" (a negative test). 0, or -1
 * and why. sip_status_wanted: whether code is among them (NULL: 2xx).
 */
int	sip_status_spec(const char *, char *, size_t);
int	sip_status_wanted(const char *, int);

/* The probe. */

struct sip_want {
	struct tls_want	 tls;		/* host, port, name (SNI and the
					   name the leaf must match), CA
					   file, EKU, client certificate,
					   versions, timeout_ms (connect and
					   handshake) */
	const char	*from;		/* URIs; NULL: sip:fedwiz@ this host */
	const char	*to;		/* NULL: sip: the name, else the host */
	int64_t		 answer_ms;	/* for the final response; 0:
					   SIP_ANSWER_MS */
};

enum sip_status {
	SIP_OK,			/* a final response came (whatever it says) */
	SIP_E_INPUT,		/* a URI, the CA file, the client key */
	SIP_E_CONNECT,		/* no TCP connection: refused, unresolved */
	SIP_E_TIMEOUT,		/* silence: no connection, no handshake, or
				   no final response before the deadline
				   (also: provisional responses only) */
	SIP_E_TLS,		/* the handshake failed: an alert, a hang-up,
				   not TLS */
	SIP_E_CERT,		/* the peer's certificate has a defect
				   (name, chain, usages, validity): a
				   federation peer would hang up here, so
				   nothing is sent */
	SIP_E_CLIENT_CERT,	/* the peer demands a client certificate and
				   got none, or refused the one it got */
	SIP_E_CLOSED,		/* it hung up (or sent an alert) before a
				   final response */
	SIP_E_PROTOCOL		/* what it sent is not SIP, or too much */
};

struct sip_result {
	enum sip_status		 status;
	char			*message;	/* why, for every status but
						   OK; peer text cleaned */
	const struct tls_result	*tls;		/* the handshake */
	char			*request;	/* as sent; NULL: not sent */
	const struct sip_msg	*msgs;		/* responses, in order */
	size_t			 nmsgs;
	const struct sip_msg	*final;		/* NULL: none came */
	size_t			 bytes;		/* read from the peer */
	size_t			 stray;		/* messages not ours */
	int64_t			 ms;		/* from start to the end */
	int64_t			 answer_ms;	/* request sent to final
						   response; -1 */
	char			 local[64];	/* our end: "192.0.2.9:40112" */
	int			 client_alert;	/* SIP_E_CLIENT_CERT: the alert
						   that refused our certificate;
						   0 none */
};

typedef void (*sip_done_fn)(const struct sip_result *, void *);

struct sip_probe;

/*
 * Start a probe. done is called once, from the loop (never from inside
 * sip_probe_start); the result lives only during the call. The strings of
 * want are copied.
 */
struct sip_probe	*sip_probe_start(struct evloop *, const struct sip_want *,
			    sip_done_fn, void *);
void			 sip_probe_cancel(struct sip_probe *);

const char		*sip_status_name(enum sip_status);

/*
 * The verdict on a probe's result, for probe sip and the sip check alike:
 * pass when a final response's code is among want (NULL: 2xx). A failure
 * (a finding about the peer) or an error (it could not be asked: it is not
 * reachable, or never answers) has a class, the kind of failure a check's
 * `fix:` answers: tls, client_cert, status, closed, timeout, connect; sub,
 * when set, is a finer class tried first (status_403; refused; eku, chain,
 * name, validity; client_eku, client_ca, client_validity: the alert that
 * refused our client certificate).
 */
enum sip_verdict {
	SIPV_PASS,
	SIPV_FAIL,
	SIPV_ERROR,
	SIPV_INPUT
};

struct sip_judgement {
	enum sip_verdict	 verdict;
	const char		*cls;
	const char		*sub;
	char			 subbuf[16];
	char			*what;		/* the finding in words (NULL
						   on a pass); peer text
						   cleaned */
};

void	sip_judge(const struct sip_result *, const char *,
	    struct sip_judgement *);
void	sip_judgement_free(struct sip_judgement *);

#endif
