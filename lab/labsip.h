/*
 * labsip.h: how the estate's SIP servers answer a request (RFC 3261), as
 * the device would from its state: who the peer is (the subject CN of
 * the certificate it presented over mutual TLS) and whether the device
 * trusts it (a Lync trusted application pool or static route, OCS host
 * authorization, IM and Presence TLS peer subjects, the Access Edge's
 * federation settings).
 */
#ifndef FEDWIZ_LABSIP_H
#define FEDWIZ_LABSIP_H

#include <stddef.h>

#include "lab.h"
#include "labtls.h"

struct lab_sip_peer {
	int		 cert;		/* it presented a certificate */
	const char	*cn;		/* its subject CN ("" when none) */
};

/*
 * The answer to the first complete request in buf (len bytes): a
 * response (malloc'd; NULL for a keep-alive or a response), *used the
 * bytes it took. *used 0 and NULL: the request is not complete yet.
 */
char	*lab_sip_answer(struct lab *, const struct lab_listener *,
	    const struct lab_sip_peer *, const char *, size_t, size_t *);

#endif
