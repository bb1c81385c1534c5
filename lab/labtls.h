/*
 * labtls.h: what the estate listens on, computed from lab state. The TLS
 * listener (fedwiz-lab-tlsd) serves exactly this and `lab up` waits for
 * it, so the two cannot disagree. Each host kind has its rule: a Lync
 * front end listens on 5061 while RtcSrv runs, with its Default
 * certificate; OCS follows its listening addresses (WMI); IM and Presence
 * its application listeners and TLS contexts, while the SIP Proxy runs;
 * the ASA its TLS proxy with the certificate of its trustpoint; the
 * Access Edge its external interface. Protocol versions and ciphers come
 * from the device's own settings (Windows: the OS and SCHANNEL registry
 * values; IM and Presence: the TLS context's selected ciphers).
 */
#ifndef FEDWIZ_LABTLS_H
#define FEDWIZ_LABTLS_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"

#define LT_TLS10	0x01
#define LT_TLS11	0x02
#define LT_TLS12	0x04

#define LC_3DES		0x01	/* TLS_RSA_WITH_3DES_EDE_CBC_SHA */
#define LC_AES128	0x02	/* TLS_RSA_WITH_AES_128_CBC_SHA (and GCM) */
#define LC_AES256	0x04
#define LC_ECDHE	0x08	/* ECDHE_RSA key exchange too */

enum lt_client { LT_NOCERT, LT_REQUEST, LT_REQUIRE };

struct lab_listener {
	char		host[32];
	char		address[48];
	int		port;
	int		tls;		/* 0: plain TCP (SIP over TCP) */
	int64_t		cert;		/* certs.id; 0: none (no listener) */
	int64_t		key;
	enum lt_client	client;
	unsigned	protocols;	/* LT_* */
	unsigned	ciphers;	/* LC_* */
	int		empty_fragments; /* sends TLS 1.0 empty records */
	char		sip[16];	/* who answers SIP: lync, ocs, edge,
					   imp, asa */
	char		fqdn[128];	/* the name it answers as */
};

/* Every listener the estate has now. *v malloc'd. */
int	 lab_listeners(struct lab *, struct lab_listener **, size_t *);
/* The GnuTLS priority string for a listener, malloc'd. */
char	*lab_listener_priority(const struct lab_listener *);
/* "ssh" listeners: each host with a shell (not aliases). */

#endif
