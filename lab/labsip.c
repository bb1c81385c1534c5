/*
 * labsip.c: the SIP answers of the lab's servers (labsip.h).
 *
 * An OPTIONS (what Test-CsFederatedPartner, sipsak and `fedwiz probe sip`
 * send) gets 200 OK with the device's Allow, Accept, Supported and
 * Server headers when the device trusts the peer, else the refusal that
 * device gives: Lync and OCS answer 403 Forbidden with an ms-diagnostics
 * header naming why and the answering server (source=), as their
 * responses do ([MS-OCER] defines the header; the lab's error ids are in
 * its 1000 range but its own, not Microsoft's list); IM and Presence
 * answers 403 Forbidden to a peer whose subject is not a TLS peer
 * subject of its peer-authentication context. A request with no client
 * certificate on a port that asks for one is, for a Lync or OCS server,
 * a user's client: 401 Unauthorized with the NTLM, Kerberos and TLS-DSK
 * challenges. Other methods get 405 Method Not Allowed with Allow.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab.h"
#include "labsip.h"
#include "labtls.h"

#define ALLOW_MS "INVITE, BYE, ACK, CANCEL, INFO, UPDATE, MESSAGE, " \
	"SUBSCRIBE, NOTIFY, PRACK, OPTIONS, BENOTIFY, SERVICE, REFER"
#define ALLOW_CISCO "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, MESSAGE, " \
	"SUBSCRIBE, NOTIFY, PRACK, UPDATE, REFER, PUBLISH"

/* The value of header name (or its compact form) in the header block,
 * malloc'd; NULL when absent. n: which occurrence (0 first). */
static char *
header(const char *h, size_t len, const char *name, char compact, int n)
{
	const char	*p = h, *end = h + len, *eol, *colon;
	size_t		 nl = strlen(name);

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon != NULL) {
			size_t	kl = (size_t)(colon - p);

			while (kl > 0 && (p[kl - 1] == ' ' || p[kl - 1] == '\t'))
				kl--;
			if ((kl == nl && strncasecmp(p, name, nl) == 0) ||
			    (compact && kl == 1 && tolower((unsigned char)*p) ==
			    compact)) {
				if (n-- == 0) {
					const char	*v = colon + 1, *e = eol;

					while (v < e && (*v == ' ' || *v == '\t'))
						v++;
					while (e > v && (e[-1] == '\r' ||
					    e[-1] == ' '))
						e--;
					return xstrndup(v, (size_t)(e - v));
				}
			}
		}
		p = eol + 1;
	}
	return NULL;
}

static const char *
server_name(const struct lab_listener *l, const struct lab_host *h)
{
	if (strcmp(l->sip, "imp") == 0)
		return strcmp(h->kind, "cup") == 0 ? "Cisco-CUP/9.1" :
		    "Cisco-SIPProxy/10.5";
	if (strcmp(l->sip, "asa") == 0)
		return "Cisco-ASA-TLS-Proxy/8.4";
	if (strcmp(h->kind, "lync-se") == 0)
		return "RTC/5.0";
	if (strcmp(h->kind, "lync-fe") == 0)
		return "RTC/4.0";
	if (strcmp(h->kind, "ocs2007") == 0)
		return "RTC/3.0";
	return "RTC/3.5";
}

/* Whether a Microsoft server trusts a peer with this certificate CN. */
static int
ms_trusts(struct lab *lab, const struct lab_host *h, const char *cn)
{
	int64_t	*v;
	size_t	 n, i;
	char	*s;
	int	 ok = 0;

	if (cn == NULL || *cn == '\0')
		return 0;
	if (strncmp(h->kind, "lync", 4) == 0) {
		/* A trusted application pool's FQDN, or a static route's
		 * destination (the certificate must name it). */
		if (lab_obj_find(lab, h->scope, "CsTrustedApplicationPool", cn))
			return 1;
		v = lab_obj_list(lab, h->scope, "CsStaticRoute", &n);
		for (i = 0; i < n && !ok; i++) {
			s = lab_prop(lab, v[i], "Fqdn", NULL);
			ok = s != NULL && lab_ieq(s, cn);
			free(s);
		}
		free(v);
		return ok;
	}
	if (strcmp(h->kind, "edge") == 0) {
		int64_t	e = lab_obj_find(lab, h->name, "EdgeSettings",
		    "federation");

		if (e == 0 || !lab_prop_bool(lab, e, "FederationEnabled", 0))
			return 0;
		v = lab_obj_list(lab, h->name, "FederationPartner", &n);
		for (i = 0; i < n; i++) {
			s = lab_prop(lab, v[i], "EdgeProxyFqdn", NULL);
			if (s != NULL && lab_ieq(s, cn))
				ok++;
			free(s);
		}
		free(v);
		/* A partner entered both on the Allow tab and on the IM
		 * Provider tab (OCS 2007 R2 "Configuring IM Provider Support
		 * on Edge Servers") is refused in the lab: two entries for
		 * one Edge FQDN, the field failure `edge-allow-clash`. */
		return ok == 1;
	}
	/* OCS: host authorization. */
	return lab_obj_where(lab, h->name, "MSFT_SIPRemoteAddressData",
	    "Server", cn) != 0;
}

static int
imp_trusts(struct lab *lab, const struct lab_host *h, const char *cn)
{
	int64_t	 id;
	char	*subjects, *p, *save;
	int	 ok = 0;

	if (cn == NULL || *cn == '\0')
		return 0;
	id = lab_obj_find(lab, h->name, "TlsContext",
	    "Default_Cisco_UPS_SIP_Proxy_Peer_Auth_TLS_Context");
	if (id == 0 || (subjects = lab_prop(lab, id, "PeerSubjects", NULL)) ==
	    NULL)
		return 0;
	for (p = strtok_r(subjects, "\n", &save); p != NULL && !ok;
	    p = strtok_r(NULL, "\n", &save))
		ok = lab_ieq(p, cn);
	free(subjects);
	return ok;
}

char *
lab_sip_answer(struct lab *lab, const struct lab_listener *l,
    const struct lab_sip_peer *peer, const char *buf, size_t len,
    size_t *used)
{
	const char	*hend, *p;
	size_t		 hlen, total, clen = 0, i;
	char		*cl, *method = NULL, *via, *from, *to, *callid, *cseq;
	struct lab_host	 h;
	struct buf	 b;
	int		 status = 200, ms;
	const char	*reason = "OK", *diag = NULL;
	char		 tag[17];

	*used = 0;
	/* Keep-alives (RFC 5626): CRLFs between requests. */
	for (i = 0; i < len && (buf[i] == '\r' || buf[i] == '\n'); i++)
		;
	if (i > 0) {
		*used = i;
		return NULL;
	}
	if ((p = memmem(buf, len, "\r\n\r\n", 4)) != NULL)
		hend = p + 4;
	else if ((p = memmem(buf, len, "\n\n", 2)) != NULL)
		hend = p + 2;
	else
		return NULL;
	hlen = (size_t)(hend - buf);
	if ((cl = header(buf, hlen, "Content-Length", 'l', 0)) != NULL) {
		clen = (size_t)strtoul(cl, NULL, 10);
		free(cl);
	}
	total = hlen + clen;
	if (total > len)
		return NULL;
	*used = total;
	/* A response (to nothing we sent) is dropped. */
	if (hlen >= 4 && strncmp(buf, "SIP/", 4) == 0)
		return NULL;
	method = xstrndup(buf, strcspn(buf, " \r\n"));
	if (lab_host_get(lab, l->host, &h) != 0) {
		free(method);
		return NULL;
	}
	ms = strcmp(l->sip, "imp") != 0 && strcmp(l->sip, "asa") != 0;
	if (strcmp(method, "OPTIONS") != 0) {
		status = 405;
		reason = "Method Not Allowed";
	} else if (!l->tls) {
		status = 200;
	} else if (strcmp(l->sip, "imp") == 0) {
		if (l->client != LT_NOCERT && !imp_trusts(lab, &h, peer->cn)) {
			status = 403;
			reason = "Forbidden";
		}
	} else if (strcmp(l->sip, "asa") == 0) {
		status = 200;
	} else if (!peer->cert) {
		status = 401;
		reason = "Unauthorized";
	} else if (!ms_trusts(lab, &h, peer->cn)) {
		status = 403;
		reason = "Forbidden";
		diag = strcmp(l->sip, "edge") == 0 ?
		    "1034;reason=\"Peer is not an allowed federated partner\"" :
		    "1010;reason=\"Peer is not a trusted server: no trusted "
		    "application pool, static route or host authorization "
		    "names it\"";
	}
	via = header(buf, hlen, "Via", 'v', 0);
	from = header(buf, hlen, "From", 'f', 0);
	to = header(buf, hlen, "To", 't', 0);
	callid = header(buf, hlen, "Call-ID", 'i', 0);
	cseq = header(buf, hlen, "CSeq", 0, 0);
	buf_init(&b);
	buf_printf(&b, "SIP/2.0 %d %s\r\n", status, reason);
	for (i = 0; ; i++) {
		char	*v = i == 0 ? via : header(buf, hlen, "Via", 'v',
		    (int)i);

		if (v == NULL)
			break;
		buf_printf(&b, "Via: %s\r\n", v);
		free(v);
	}
	if (from != NULL)
		buf_printf(&b, "From: %s\r\n", from);
	if (to != NULL) {
		if (strstr(to, ";tag=") == NULL) {
			unsigned	r = (unsigned)time(NULL) ^
			    (unsigned)(uintptr_t)buf;

			snprintf(tag, sizeof(tag), "%08x%04x", r,
			    (unsigned)(total & 0xffff));
			buf_printf(&b, "To: %s;tag=%s\r\n", to, tag);
		} else
			buf_printf(&b, "To: %s\r\n", to);
	}
	if (callid != NULL)
		buf_printf(&b, "Call-ID: %s\r\n", callid);
	if (cseq != NULL)
		buf_printf(&b, "CSeq: %s\r\n", cseq);
	if (status == 401)
		buf_printf(&b, "WWW-Authenticate: NTLM realm=\"SIP Communications "
		    "Service\", targetname=\"%s\", version=4\r\n"
		    "WWW-Authenticate: Kerberos realm=\"SIP Communications "
		    "Service\", targetname=\"sip/%s\", version=4\r\n"
		    "WWW-Authenticate: TLS-DSK realm=\"SIP Communications "
		    "Service\", targetname=\"%s\", version=4, sts-uri=\"https://"
		    "%s:443/CertProv/CertProvisioningService.svc\"\r\n",
		    h.fqdn, h.fqdn, h.fqdn, h.fqdn);
	buf_printf(&b, "Allow: %s\r\n", ms ? ALLOW_MS : ALLOW_CISCO);
	if (status == 200) {
		buf_adds(&b, "Accept: application/sdp\r\n");
		buf_printf(&b, "Supported: %s\r\n", ms ?
		    "ms-dialog-route-set-update, ms-receive-multiple-ms-dialogs" :
		    "replaces, timer");
	}
	if (diag != NULL)
		buf_printf(&b, "ms-diagnostics: %s;source=\"%s\"\r\n", diag,
		    l->fqdn);
	buf_printf(&b, "Server: %s\r\nContent-Length: 0\r\n\r\n",
	    server_name(l, &h));
	free(from);
	free(to);
	free(callid);
	free(cseq);
	free(method);
	return buf_steal(&b);
}
