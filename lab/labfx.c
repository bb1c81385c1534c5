/* labfx.c: the effects of what is typed and clicked in the estate. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "lab.h"
#include "labfx.h"
#include "labint.h"
#include "labpki.h"

int64_t
fx_ca_cert(struct lab *lab)
{
	return lab_meta_int(lab, "ca_cert", 0);
}

static const char *
cn_of(const char *subject, char *buf, size_t len)
{
	const char	*p = strstr(subject, "CN=");
	size_t		 n;

	if (p == NULL) {
		snprintf(buf, len, "%s", subject);
		return buf;
	}
	p += 3;
	n = strcspn(p, ",");
	snprintf(buf, len, "%.*s", (int)n, p);
	return buf;
}

/* ---- Windows ------------------------------------------------------------ */

static char *
downloads(const char *name)
{
	return xasprintf("%s\\%s", FX_DOWNLOADS, name);
}

void
fx_win_download_chain(struct lab *lab, const char *host, const char *path)
{
	char	*p7b, *p = path ? xstrdup(path) : downloads("certnew.p7b");

	p7b = lab_chain_p7b(lab, fx_ca_cert(lab));
	lab_file_write(lab, host, p, p7b, strlen(p7b));
	lab_log(lab, "%s: saved the CA certification chain as %s", host, p);
	free(p7b);
	free(p);
}

void
fx_win_download_ca(struct lab *lab, const char *host, const char *path)
{
	struct lab_cert	 c;
	char		*p = path ? xstrdup(path) : downloads("certnew.cer");

	if (lab_cert_load(lab, fx_ca_cert(lab), &c) == 0) {
		lab_file_write(lab, host, p, c.pem, strlen(c.pem));
		lab_log(lab, "%s: saved the CA certificate (%s) as %s", host,
		    c.subject, p);
		lab_cert_free(&c);
	}
	free(p);
}

void
fx_win_install_chain(struct lab *lab, const char *host, const char *store)
{
	int64_t		*chain;
	size_t		 n, i;
	struct lab_cert	 c;

	chain = lab_cert_chain(lab, fx_ca_cert(lab), &n);
	for (i = 0; i < n; i++) {
		if (lab_store_has(lab, host, store, chain[i]))
			continue;
		lab_store_add(lab, host, store, chain[i], "");
		if (lab_cert_load(lab, chain[i], &c) == 0) {
			lab_log(lab, "%s: imported %s into %s", host, c.subject,
			    lab_ieq(store, "Root") ? "Trusted Root "
			    "Certification Authorities" : store);
			lab_cert_free(&c);
		}
	}
	free(chain);
}

int64_t
fx_win_request(struct lab *lab, const char *host, const char *path,
    const char *subject, const char *sans, const char *ekus,
    const char *template)
{
	struct lab_certspec	 s;
	int64_t			 key, id;
	char			*csr, ident[32];

	memset(&s, 0, sizeof(s));
	s.subject = subject;
	s.sans = sans;
	s.ekus = ekus;
	key = lab_key_take(lab, host, "request", 0);
	csr = lab_csr_make(lab, key, &s, 1);
	snprintf(ident, sizeof(ident), "%lld", (long long)lab_meta_int(lab,
	    "next_request", 1));
	lab_meta_setf(lab, "next_request", "%lld", (long long)lab_meta_int(lab,
	    "next_request", 1) + 1);
	id = lab_obj_ensure(lab, host, "CertRequest", ident);
	lab_seti(lab, id, "Key", key);
	lab_sets(lab, id, "Csr", csr);
	lab_sets(lab, id, "Status", "New");
	lab_sets(lab, id, "Subject", subject);
	lab_sets(lab, id, "Template", template);
	if (path != NULL) {
		lab_sets(lab, id, "Path", path);
		lab_file_write(lab, host, path, csr, strlen(csr));
		lab_log(lab, "%s: wrote a certificate request for %s (%s) to %s",
		    host, subject, ekus && *ekus ? ekus : "no EKU", path);
	} else
		lab_log(lab, "%s: made a certificate request for %s (%s)", host,
		    subject, ekus && *ekus ? ekus : "no EKU");
	free(csr);
	return id;
}

/* The host's latest request not yet issued: its object id, or 0. */
static int64_t
latest_request(struct lab *lab, const char *host, const char *status)
{
	size_t	 n, i;
	int64_t	*v, id = 0;
	char	*st;

	v = lab_obj_list(lab, host, "CertRequest", &n);
	for (i = n; i-- > 0 && id == 0; ) {
		st = lab_prop(lab, v[i], "Status", NULL);
		if (st != NULL && lab_ieq(st, status))
			id = v[i];
		free(st);
	}
	free(v);
	return id;
}

static int64_t
issue(struct lab *lab, int64_t req, const char *host)
{
	struct lab_certspec	 s;
	char			*csr, *subject = NULL, *sans = NULL,
				*ekus = NULL, *tmpl;
	int64_t			 cert = 0;

	csr = lab_prop(lab, req, "Csr", NULL);
	if (csr == NULL || lab_csr_read(csr, &subject, &sans, &ekus) == -1)
		goto out;
	memset(&s, 0, sizeof(s));
	s.subject = subject;
	s.sans = sans;
	s.ekus = ekus;
	/* A template decides the EKUs, whatever the request asked for (the
	 * Web Server template gives Server Authentication only). */
	tmpl = lab_prop(lab, req, "Template", NULL);
	if (tmpl != NULL && *tmpl != '\0') {
		int64_t	t = lab_obj_find(lab, FX_CA_HOST, "CertTemplate", tmpl);
		char	*te = t ? lab_prop(lab, t, "Ekus", NULL) : NULL;

		if (te != NULL) {
			free(ekus);
			ekus = te;
			s.ekus = ekus;
		}
	}
	free(tmpl);
	cert = lab_cert_issue(lab, lab_prop_int(lab, req, "Key", 0),
	    fx_ca_cert(lab), &s);
	lab_seti(lab, req, "Cert", cert);
	lab_sets(lab, req, "Status", "Issued");
	lab_log(lab, "%s: issued a certificate for %s (%s) to %s", FX_CA_HOST,
	    subject, ekus && *ekus ? ekus : "no EKU", host);
out:
	free(csr);
	free(subject);
	free(sans);
	free(ekus);
	return cert;
}

int
fx_ca_submit(struct lab *lab, const char *host, const char *template)
{
	int64_t	req = latest_request(lab, host, "New");

	if (req == 0)
		return -1;
	if (template != NULL)
		lab_sets(lab, req, "Template", template);
	if (template != NULL && lab_obj_find(lab, FX_CA_HOST, "CertTemplate",
	    template) != 0) {
		/* An enterprise template issues at once. */
		lab_log(lab, "%s: submitted its request to %s with template %s",
		    host, FX_CA_HOST, template);
		issue(lab, req, host);
	} else {
		lab_sets(lab, req, "Status", "Pending");
		lab_log(lab, "%s: submitted its request to %s (pending)", host,
		    FX_CA_HOST);
	}
	return 0;
}

int
fx_ca_issue_pending(struct lab *lab, const char *host)
{
	int64_t	req;
	int	n = 0;

	while ((req = latest_request(lab, host, "Pending")) != 0) {
		issue(lab, req, host);
		n++;
	}
	return n;
}

int64_t
fx_win_fetch_issued(struct lab *lab, const char *host, const char *path,
    int import)
{
	int64_t		 req, cert;
	struct lab_cert	 c;
	char		*p;

	if ((req = latest_request(lab, host, "Issued")) == 0)
		return 0;
	cert = lab_prop_int(lab, req, "Cert", 0);
	if (cert == 0 || lab_cert_load(lab, cert, &c) == -1)
		return 0;
	p = path ? xstrdup(path) : downloads("certnew.cer");
	lab_file_write(lab, host, p, c.pem, strlen(c.pem));
	lab_log(lab, "%s: downloaded the issued certificate (%s) as %s", host,
	    c.subject, p);
	free(p);
	if (import && !lab_store_has(lab, host, "My", cert)) {
		lab_store_add(lab, host, "My", cert, "");
		lab_log(lab, "%s: imported %s (thumbprint %s) into the Personal "
		    "store with its private key", host, c.subject, c.thumbprint);
	}
	lab_sets(lab, req, "Status", "Installed");
	lab_cert_free(&c);
	return cert;
}

void
fx_lync_assign(struct lab *lab, const char *host, const char *use,
    int64_t cert)
{
	struct lab_cert	 c;
	int64_t		 id;
	char		*old;

	if (lab_cert_load(lab, cert, &c) == -1)
		return;
	id = lab_obj_ensure(lab, host, "CsCertificate", use);
	old = lab_prop(lab, id, "Thumbprint", NULL);
	if (old == NULL || !lab_ieq(old, c.thumbprint)) {
		lab_sets(lab, id, "Thumbprint", c.thumbprint);
		lab_sets(lab, id, "Use", use);
		lab_sets(lab, id, "UpdateTime", "");
		lab_log(lab, "%s: assigned %s (thumbprint %s) as the %s "
		    "certificate", host, c.subject, c.thumbprint, use);
	}
	free(old);
	lab_cert_free(&c);
}

int64_t
fx_win_sip_cert(struct lab *lab, const char *host)
{
	struct lab_host	 h;
	int64_t		 id;
	char		*t;
	int64_t		 cert = 0;

	if (lab_host_get(lab, host, &h) == -1)
		return 0;
	if (strncmp(h.kind, "lync", 4) == 0)
		id = lab_obj_find(lab, host, "CsCertificate", "Default");
	else
		id = lab_obj_find(lab, host, "OcsCertificate", "sip");
	if (id != 0 && (t = lab_prop(lab, id, "Thumbprint", NULL)) != NULL) {
		cert = lab_cert_by_thumb(lab, t);
		free(t);
	}
	/* The server uses it only while it is in its Personal store. */
	if (cert != 0 && !lab_store_has(lab, host, "My", cert))
		cert = 0;
	return cert;
}

void
fx_ocs_use_cert(struct lab *lab, const char *host, int64_t cert)
{
	struct lab_cert	c;
	int64_t		id;

	if (lab_cert_load(lab, cert, &c) == -1)
		return;
	id = lab_obj_ensure(lab, host, "OcsCertificate", "sip");
	lab_sets(lab, id, "Thumbprint", c.thumbprint);
	lab_log(lab, "%s: the server now uses %s (thumbprint %s) for TLS",
	    host, c.subject, c.thumbprint);
	lab_cert_free(&c);
}

void
fx_win_fips(struct lab *lab, const char *host, int on)
{
	struct lab_host	h;

	if (lab_host_get(lab, host, &h) == -1)
		return;
	/* Windows Server 2003 keeps the policy as a value of Lsa; 2008 and
	 * later as Enabled under Lsa\FipsAlgorithmPolicy (Microsoft KB811833). */
	if (strcmp(h.kind, "ocs2007") == 0)
		lab_reg_set(lab, host, FX_LSA_KEY, "FIPSAlgorithmPolicy", 'i',
		    on ? "1" : "0");
	else
		lab_reg_set(lab, host, FX_FIPS_KEY, "Enabled", 'i',
		    on ? "1" : "0");
	lab_log(lab, "%s: System cryptography: Use FIPS compliant algorithms "
	    "... is %s", host, on ? "Enabled" : "Disabled");
}

void
fx_service(struct lab *lab, const char *host, const char *name,
    const char *status)
{
	char	*old = lab_service_status(lab, host, name);

	if (old != NULL && strcmp(old, status) != 0) {
		lab_service_set(lab, host, name, status);
		lab_log(lab, "%s: service %s is %s", host, name, status);
	}
	free(old);
}

/* ---- Lync ------------------------------------------------------------- */

int64_t
fx_cs_route_add(struct lab *lab, const char *scope, const char *transport,
    int port, const char *dest, const char *match, int usedefault,
    int replacehost)
{
	size_t	 n;
	int64_t	*v, id;
	char	 ident[32];

	v = lab_obj_list(lab, scope, "CsStaticRoute", &n);
	free(v);
	snprintf(ident, sizeof(ident), "%lld", (long long)lab_meta_int(lab,
	    "next_route", 1));
	lab_meta_setf(lab, "next_route", "%lld", (long long)lab_meta_int(lab,
	    "next_route", 1) + 1);
	id = lab_obj_ensure(lab, scope, "CsStaticRoute", ident);
	lab_sets(lab, id, "MatchUri", match);
	lab_setb(lab, id, "MatchOnlyPhoneUri", 0);
	lab_setb(lab, id, "Enabled", 1);
	lab_setb(lab, id, "ReplaceHostInRequestUri", replacehost);
	lab_sets(lab, id, "Transport", transport);
	if (strcmp(transport, "TCP") == 0)
		lab_sets(lab, id, "IPAddress", dest);
	else
		lab_sets(lab, id, "Fqdn", dest);
	lab_seti(lab, id, "Port", port);
	lab_setb(lab, id, "UseDefaultCertificate", usedefault);
	lab_log(lab, "%s: static route %s -> %s %s:%d added to Global", scope,
	    match, transport, dest, port);
	return id;
}

void
fx_cs_routes_clear(struct lab *lab, const char *scope)
{
	size_t	 n, i;
	int64_t	*v;

	v = lab_obj_list(lab, scope, "CsStaticRoute", &n);
	for (i = 0; i < n; i++)
		lab_obj_delete(lab, v[i]);
	free(v);
	if (n > 0)
		lab_log(lab, "%s: static routing configuration Global removed "
		    "(%zu routes)", scope, n);
}

int64_t
fx_cs_pool_add(struct lab *lab, const char *scope, const char *fqdn,
    const char *registrar, const char *site, int throttle, int treat)
{
	int64_t	 id;
	char	*sid;

	id = lab_obj_ensure(lab, scope, "CsTrustedApplicationPool", fqdn);
	sid = xasprintf("Registrar:%s", registrar);
	lab_sets(lab, id, "Registrar", sid);
	free(sid);
	lab_sets(lab, id, "SiteId", site);
	lab_setb(lab, id, "ThrottleAsServer", throttle);
	lab_setb(lab, id, "TreatAsAuthenticated", treat);
	lab_setb(lab, id, "OutboundOnly", 0);
	lab_setb(lab, id, "RequiresReplication", 0);
	if ((sid = lab_prop(lab, id, "MachineAddress", NULL)) == NULL)
		lab_sets(lab, id, "MachineAddress", "0.0.0.0");
	free(sid);
	lab_log(lab, "%s: trusted application pool %s (Registrar %s, %s)",
	    scope, fqdn, registrar, site);
	return id;
}

int64_t
fx_cs_app_add(struct lab *lab, const char *scope, const char *pool,
    const char *appid, int port)
{
	int64_t	 id, p;
	char	*ident, *lower, *q;

	lower = xstrdup(appid);
	for (q = lower; *q != '\0'; q++)
		*q = (char)tolower((unsigned char)*q);
	ident = xasprintf("%s/urn:application:%s", pool, lower);
	id = lab_obj_ensure(lab, scope, "CsTrustedApplication", ident);
	q = xasprintf("urn:application:%s", lower);
	lab_sets(lab, id, "ApplicationId", q);
	free(q);
	lab_sets(lab, id, "TrustedApplicationPoolFqdn", pool);
	lab_seti(lab, id, "Port", port);
	lab_sets(lab, id, "Protocol", "Mtls");
	lab_sets(lab, id, "LegacyApplicationName", lower);
	if ((p = lab_obj_find(lab, scope, "CsTrustedApplicationPool", pool)) !=
	    0) {
		q = xasprintf("urn:application:%s", lower);
		lab_set(lab, p, "Applications", 'l', q);
		free(q);
	}
	lab_log(lab, "%s: trusted application %s on port %d (Mtls)", scope,
	    ident, port);
	free(ident);
	free(lower);
	return id;
}

char *
fx_cs_topology_xml(struct lab *lab, const char *scope)
{
	struct buf	 b;
	size_t		 n, i;
	int64_t		*v;
	char		*addr, *site, *domain;

	buf_init(&b);
	domain = lab_one(lab, lab_stmt(lab, "SELECT domain FROM hosts WHERE "
	    "scope = ? ORDER BY ord LIMIT 1", "s", scope));
	buf_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?><Topology "
	    "xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">"
	    "<InternalDomains AllowAllDomains=\"false\" DefaultDomain=\"%s\">"
	    "<InternalDomain Name=\"%s\" Authoritative=\"false\" "
	    "AllowSubDomains=\"false\" /></InternalDomains><Sites>",
	    domain ? domain : "", domain ? domain : "");
	free(domain);
	v = lab_obj_list(lab, scope, "CsSite", &n);
	for (i = 0; i < n; i++) {
		site = lab_prop(lab, v[i], "DisplayName", NULL);
		buf_printf(&b, "<CentralSite SiteId=\"%lld\"><Name>%s</Name>"
		    "</CentralSite>", (long long)lab_prop_int(lab, v[i],
		    "SiteId", 1), site ? site : "");
		free(site);
	}
	free(v);
	buf_adds(&b, "</Sites><Clusters>");
	v = lab_obj_list(lab, scope, "CsPool", &n);
	for (i = 0; i < n; i++) {
		struct lab_obj	o;

		if (lab_obj_load(lab, v[i], &o) == 0) {
			buf_printf(&b, "<Cluster RequiresReplication=\"true\" "
			    "RequiresSetup=\"true\" Fqdn=\"%s\"><ClusterId "
			    "SiteId=\"1\" Number=\"%zu\" /></Cluster>", o.ident,
			    i + 1);
			lab_obj_free(&o);
		}
	}
	free(v);
	v = lab_obj_list(lab, scope, "CsTrustedApplicationPool", &n);
	for (i = 0; i < n; i++) {
		struct lab_obj	o;

		if (lab_obj_load(lab, v[i], &o) != 0)
			continue;
		addr = lab_prop(lab, v[i], "MachineAddress", NULL);
		buf_printf(&b, "<Cluster RequiresReplication=\"false\" "
		    "RequiresSetup=\"false\" Fqdn=\"%s\"><ClusterId SiteId=\"1\" "
		    "Number=\"%zu\" /><Machine OrdinalInCluster=\"1\" "
		    "Fqdn=\"%s\"><NetInterface InterfaceSide=\"Primary\" "
		    "InterfaceNumber=\"1\" IPAddress=\"%s\" /></Machine>"
		    "</Cluster>", o.ident, i + 100, o.ident, addr ? addr :
		    "0.0.0.0");
		free(addr);
		lab_obj_free(&o);
	}
	free(v);
	buf_adds(&b, "</Clusters></Topology>");
	return buf_steal(&b);
}

int
fx_cs_topology_publish(struct lab *lab, const char *scope, const char *xml,
    char **why)
{
	const char	*p, *q, *end;
	size_t		 n, i;
	int64_t		*v;
	int		 changed = 0;

	*why = NULL;
	if (strstr(xml, "<Topology") == NULL) {
		*why = xstrdup("The topology document is not valid: the root "
		    "element Topology is missing.");
		return -1;
	}
	v = lab_obj_list(lab, scope, "CsTrustedApplicationPool", &n);
	for (i = 0; i < n; i++) {
		struct lab_obj	 o;
		char		*needle, *addr, *old;

		if (lab_obj_load(lab, v[i], &o) != 0)
			continue;
		needle = xasprintf("Fqdn=\"%s\"", o.ident);
		p = strstr(xml, needle);
		free(needle);
		if (p != NULL && (end = strstr(p, "</Cluster>")) != NULL &&
		    (q = strstr(p, "IPAddress=\"")) != NULL && q < end) {
			q += strlen("IPAddress=\"");
			addr = xstrndup(q, strcspn(q, "\""));
			old = lab_prop(lab, v[i], "MachineAddress", NULL);
			if (old == NULL || strcmp(old, addr) != 0) {
				lab_sets(lab, v[i], "MachineAddress", addr);
				lab_log(lab, "%s: published the topology: "
				    "trusted application pool %s at %s", scope,
				    o.ident, addr);
				changed = 1;
			}
			free(old);
			free(addr);
		}
		lab_obj_free(&o);
	}
	free(v);
	if (!changed)
		lab_log(lab, "%s: published the topology (no change)", scope);
	return 0;
}

/* ---- OCS --------------------------------------------------------------- */

static char *
guid(void)
{
	unsigned char	r[16];
	FILE		*fp;

	memset(r, 0, sizeof(r));
	if ((fp = fopen("/dev/urandom", "r")) != NULL) {
		if (fread(r, 1, sizeof(r), fp) != sizeof(r))
			memset(r, 0x5a, sizeof(r));
		fclose(fp);
	}
	return xasprintf("{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-"
	    "%02X%02X%02X%02X%02X%02X}", r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

int64_t
fx_ocs_route_add(struct lab *lab, const char *scope, const char *match,
    const char *nexthop, int port, const char *transport, int replacehost)
{
	char	*g = guid();
	int64_t	 id;

	id = lab_obj_ensure(lab, scope, "MSFT_SIPRoutingTableData", g);
	lab_sets(lab, id, "InstanceID", g);
	lab_sets(lab, id, "MatchURI", match);
	lab_sets(lab, id, "NextHop", nexthop);
	lab_seti(lab, id, "NextHopPort", port);
	lab_sets(lab, id, "NextHopTransport", transport);
	lab_setb(lab, id, "ReplaceHostInRequestURI", replacehost);
	lab_setb(lab, id, "Enabled", 1);
	lab_log(lab, "%s: static route %s -> %s %s:%d (replace host %s)",
	    scope, match, transport, nexthop, port, replacehost ? "on" : "off");
	free(g);
	return id;
}

int64_t
fx_ocs_hostauth_add(struct lab *lab, const char *scope, const char *server,
    int outbound, int throttle, int treat)
{
	int64_t	 id;
	char	*g;

	id = lab_obj_where(lab, scope, "MSFT_SIPRemoteAddressData", "Server",
	    server);
	if (id == 0) {
		g = guid();
		id = lab_obj_ensure(lab, scope, "MSFT_SIPRemoteAddressData", g);
		lab_sets(lab, id, "InstanceID", g);
		free(g);
	}
	lab_sets(lab, id, "Server", server);
	lab_setb(lab, id, "OutboundOnly", outbound);
	lab_setb(lab, id, "ThrottleAsServer", throttle);
	lab_setb(lab, id, "TreatAsAuthenticated", treat);
	lab_log(lab, "%s: host authorization %s (outbound only %s, throttle as "
	    "server %s, treat as authenticated %s)", scope, server,
	    outbound ? "on" : "off", throttle ? "on" : "off",
	    treat ? "on" : "off");
	return id;
}

int64_t
fx_ocs_listener(struct lab *lab, const char *host, const char *transport,
    int port, int enabled)
{
	size_t	 n, i;
	int64_t	*v, id = 0;
	char	*g;

	v = lab_obj_list(lab, host, "MSFT_SIPListeningAddressData", &n);
	for (i = 0; i < n && id == 0; i++)
		if (lab_prop_int(lab, v[i], "Port", 0) == port)
			id = v[i];
	free(v);
	if (id == 0) {
		g = guid();
		id = lab_obj_ensure(lab, host, "MSFT_SIPListeningAddressData",
		    g);
		lab_sets(lab, id, "InstanceID", g);
		lab_sets(lab, id, "IPAddress", "0.0.0.0");
		free(g);
	}
	lab_seti(lab, id, "Port", port);
	lab_sets(lab, id, "TransportType", transport);
	lab_setb(lab, id, "Enabled", enabled);
	lab_log(lab, "%s: listener %s on port %d %s", host, transport, port,
	    enabled ? "enabled" : "disabled");
	return id;
}

/* ---- IM and Presence ---------------------------------------------------- */

int64_t
fx_imp_own(struct lab *lab, const char *host, const char *unit)
{
	char	*name = xasprintf("%s/%s.pem", unit, unit);
	int64_t	 id = lab_store_get(lab, host, "own", name);

	free(name);
	return id;
}

void
fx_imp_set_own(struct lab *lab, const char *host, const char *unit,
    int64_t cert)
{
	char	*name = xasprintf("%s/%s.pem", unit, unit);

	lab_store_remove_name(lab, host, "own", name);
	lab_store_add(lab, host, "own", cert, name);
	free(name);
}

void
fx_imp_trust(struct lab *lab, const char *host, const char *unit,
    int64_t cert)
{
	struct lab_cert	 c;
	char		 cn[128], *name;

	if (lab_cert_load(lab, cert, &c) == -1)
		return;
	cn_of(c.subject, cn, sizeof(cn));
	name = xasprintf("%s/%s.pem", unit, cn);
	if (lab_store_get(lab, host, "trust", name) != cert) {
		lab_store_remove_name(lab, host, "trust", name);
		lab_store_add(lab, host, "trust", cert, name);
		lab_log(lab, "%s: uploaded %s as %s (%s)", host, c.subject,
		    name, unit);
		/* An uploaded trust certificate is kept as .pem and .der
		 * (Cisco's guide: "you will see an X.pem and an X.der in the
		 * certificate list"). */
		free(name);
		name = xasprintf("%s/%s.der", unit, cn);
		lab_seti(lab, lab_obj_ensure(lab, host, "TrustFile", name),
		    "Cert", cert);
	}
	free(name);
	lab_cert_free(&c);
}

char *
fx_imp_csr(struct lab *lab, const char *host, const char *unit)
{
	struct lab_host		 h;
	struct lab_certspec	 s;
	int64_t			 key, id;
	char			*subject, *csr;

	if (lab_host_get(lab, host, &h) == -1)
		return NULL;
	memset(&s, 0, sizeof(s));
	subject = xasprintf("CN=%s, OU=UC, O=Example Inc, L=Springfield, "
	    "S=IL, C=US", h.fqdn);
	s.subject = subject;
	s.sans = h.fqdn;
	/* IM and Presence asks for both usages in its cup CSR (Cisco's CSR
	 * page, "Certificate Purpose": cup). */
	s.ekus = "serverAuth clientAuth";
	key = lab_key_take(lab, host, unit, 0);
	csr = lab_csr_make(lab, key, &s, 0);
	id = lab_obj_ensure(lab, host, "CsrPending", unit);
	lab_seti(lab, id, "Key", key);
	lab_sets(lab, id, "Csr", csr);
	lab_log(lab, "%s: generated a CSR for %s (%s)", host, unit, subject);
	free(subject);
	return csr;
}

int64_t
fx_imp_sign_and_upload(struct lab *lab, const char *host, const char *unit)
{
	struct lab_certspec	 s;
	int64_t			 id, cert;
	char			*csr, *subject = NULL, *sans = NULL,
				*ekus = NULL;

	if ((id = lab_obj_find(lab, host, "CsrPending", unit)) == 0)
		return 0;
	csr = lab_prop(lab, id, "Csr", NULL);
	if (csr == NULL || lab_csr_read(csr, &subject, &sans, &ekus) == -1) {
		free(csr);
		return 0;
	}
	memset(&s, 0, sizeof(s));
	s.subject = subject;
	s.sans = sans;
	s.ekus = ekus;
	cert = lab_cert_issue(lab, lab_prop_int(lab, id, "Key", 0),
	    fx_ca_cert(lab), &s);
	lab_log(lab, "%s: issued a certificate for %s to %s", FX_CA_HOST,
	    subject, host);
	fx_imp_set_own(lab, host, unit, cert);
	lab_log(lab, "%s: uploaded the signed %s certificate (%s)", host, unit,
	    subject);
	lab_obj_delete(lab, id);
	free(csr);
	free(subject);
	free(sans);
	free(ekus);
	return cert;
}

void
fx_imp_peer_subject(struct lab *lab, const char *host, const char *subject,
    const char *descr)
{
	int64_t	id;

	if (lab_obj_find(lab, host, "TlsPeerSubject", subject) != 0)
		return;
	id = lab_obj_ensure(lab, host, "TlsPeerSubject", subject);
	lab_sets(lab, id, "Description", descr);
	lab_log(lab, "%s: TLS peer subject %s added", host, subject);
}

/* Append v to a list property unless it is there (case-insensitive). */
static int
list_add(struct lab *lab, int64_t id, const char *prop, const char *v)
{
	char	*old = lab_prop(lab, id, prop, NULL), *p, *save, *copy, *nw;
	int	 found = 0;

	if (old != NULL) {
		copy = xstrdup(old);
		for (p = strtok_r(copy, "\n", &save); p != NULL;
		    p = strtok_r(NULL, "\n", &save))
			if (lab_ieq(p, v))
				found = 1;
		free(copy);
	}
	if (!found) {
		nw = old != NULL && *old != '\0' ? xasprintf("%s\n%s", old, v) :
		    xstrdup(v);
		lab_set(lab, id, prop, 'l', nw);
		free(nw);
	}
	free(old);
	return !found;
}

void
fx_imp_context(struct lab *lab, const char *host, const char *cipher,
    const char *subject, int noempty)
{
	int64_t	id = lab_obj_ensure(lab, host, "TlsContext", FX_PEER_CTX);

	if (cipher != NULL && list_add(lab, id, "Ciphers", cipher))
		lab_log(lab, "%s: %s: cipher %s selected", host, FX_PEER_CTX,
		    cipher);
	if (subject != NULL && list_add(lab, id, "PeerSubjects", subject))
		lab_log(lab, "%s: %s: peer subject %s selected", host,
		    FX_PEER_CTX, subject);
	if (noempty >= 0 && lab_prop_bool(lab, id, "DisableEmptyFragments",
	    0) != noempty) {
		lab_setb(lab, id, "DisableEmptyFragments", noempty);
		lab_log(lab, "%s: %s: Disable Empty TLS Fragments %s", host,
		    FX_PEER_CTX, noempty ? "checked" : "unchecked");
	}
}

int64_t
fx_imp_route(struct lab *lab, const char *host, const char *pattern,
    const char *nexthop, int port, const char *type, const char *proto)
{
	int64_t	id = lab_obj_ensure(lab, host, "StaticRoute", pattern);

	lab_sets(lab, id, "DestinationPattern", pattern);
	lab_sets(lab, id, "NextHop", nexthop);
	lab_seti(lab, id, "NextHopPort", port);
	lab_sets(lab, id, "RouteType", type);
	lab_sets(lab, id, "Protocol", proto);
	lab_log(lab, "%s: static route %s -> %s %s:%d (route type %s)", host,
	    pattern, proto, nexthop, port, type);
	return id;
}

void
fx_imp_listener(struct lab *lab, const char *host, const char *name,
    int port)
{
	int64_t	id = lab_obj_find(lab, host, "AppListener", name);

	if (id != 0 && lab_prop_int(lab, id, "Port", 0) != port) {
		lab_seti(lab, id, "Port", port);
		lab_log(lab, "%s: %s port %d", host, name, port);
	}
}

void
fx_imp_fed_domain(struct lab *lab, const char *host, const char *domain)
{
	int64_t	id;

	if (lab_obj_find(lab, host, "FederatedDomain", domain) != 0)
		return;
	id = lab_obj_ensure(lab, host, "FederatedDomain", domain);
	lab_sets(lab, id, "IntegrationType", "Inter-domain to OCS/Lync");
	lab_log(lab, "%s: federated domain %s added", host, domain);
}

void
fx_imp_acl(struct lab *lab, const char *host, const char *addr)
{
	int64_t	id;

	if (lab_obj_find(lab, host, "AclEntry", addr) != 0)
		return;
	id = lab_obj_ensure(lab, host, "AclEntry", addr);
	lab_sets(lab, id, "Direction", "Incoming");
	lab_log(lab, "%s: incoming ACL %s added", host, addr);
}

void
fx_imp_routing_fqdn(struct lab *lab, const char *host, const char *fqdn)
{
	int64_t	 id = lab_obj_ensure(lab, host, "SipProxy", "settings");
	char	*old = lab_prop(lab, id, "FederationRoutingFqdn", NULL);

	if (old == NULL || !lab_ieq(old, fqdn)) {
		lab_sets(lab, id, "FederationRoutingFqdn", fqdn);
		lab_log(lab, "%s: Federation Routing IM/P FQDN is %s", host,
		    fqdn);
	}
	free(old);
}

/* ---- ASA ------------------------------------------------------------- */

int64_t
fx_asa_tp_cert(struct lab *lab, const char *host, const char *tp,
    const char *which)
{
	char	*store = xasprintf("tp:%s", tp);
	int64_t	 id = lab_store_get(lab, host, store, which);

	free(store);
	return id;
}

void
fx_asa_tp_set_cert(struct lab *lab, const char *host, const char *tp,
    const char *which, int64_t cert)
{
	char	*store = xasprintf("tp:%s", tp);

	lab_store_remove_name(lab, host, store, which);
	lab_store_add(lab, host, store, cert, which);
	free(store);
}

int64_t
fx_asa_keypair(struct lab *lab, const char *host, const char *label,
    int modulus)
{
	int64_t	id, key;

	key = lab_key_take(lab, host, label, modulus);
	id = lab_obj_ensure(lab, host, "Keypair", label);
	lab_seti(lab, id, "Key", key);
	lab_seti(lab, id, "Modulus", modulus);
	lab_seti(lab, id, "Generated", (int64_t)time(NULL));
	lab_log(lab, "%s: RSA key pair %s (%d bits) generated", host, label,
	    modulus);
	return id;
}

/* The trustpoint's key pair's key id; 0 and *why when it has none. */
/* A trustpoint by name; 0 and *why (the ASA's words) when there is none. */
static int64_t
tp_find(struct lab *lab, const char *host, const char *tpname, char **why)
{
	int64_t	tp = lab_obj_find(lab, host, "Trustpoint", tpname);

	if (tp == 0)
		*why = xasprintf("%% Error: trustpoint %s not found", tpname);
	return tp;
}

static int64_t
tp_key(struct lab *lab, const char *host, int64_t tp, char **why)
{
	char	*kp = lab_prop(lab, tp, "keypair", NULL);
	int64_t	 k, key = 0;

	if (kp == NULL) {
		*why = xstrdup("% Error: no key pair configured for the "
		    "trustpoint");
		return 0;
	}
	if ((k = lab_obj_find(lab, host, "Keypair", kp)) == 0)
		*why = xasprintf("%% Error: key pair %s not found", kp);
	else
		key = lab_prop_int(lab, k, "Key", 0);
	free(kp);
	return key;
}

int64_t
fx_asa_enroll_self(struct lab *lab, const char *host, const char *tpname,
    char **why)
{
	struct lab_certspec	 s;
	int64_t			 tp, key, cert;
	char			*sn, *subject;

	*why = NULL;
	if ((tp = tp_find(lab, host, tpname, why)) == 0)
		return 0;
	if ((key = tp_key(lab, host, tp, why)) == 0)
		return 0;
	sn = lab_prop(lab, tp, "subject-name", NULL);
	/* The ASA writes the subject as typed (cn=10.1.1.1); a certificate's
	 * attribute names are case-insensitive. */
	subject = sn != NULL ? xstrdup(sn) : xasprintf("hostname=%s", host);
	if (strncasecmp(subject, "cn=", 3) == 0) {
		subject[0] = 'C';
		subject[1] = 'N';
	}
	memset(&s, 0, sizeof(s));
	s.subject = subject;
	cert = lab_cert_issue(lab, key, 0, &s);
	fx_asa_tp_set_cert(lab, host, tpname, "id", cert);
	lab_log(lab, "%s: trustpoint %s: self-signed certificate %s", host,
	    tpname, subject);
	free(sn);
	free(subject);
	return cert;
}

int64_t
fx_asa_scep_ca(struct lab *lab, const char *host, const char *tpname,
    char **why)
{
	int64_t	 tp, ca;
	char	*url;

	*why = NULL;
	if ((tp = tp_find(lab, host, tpname, why)) == 0)
		return 0;
	url = lab_prop(lab, tp, "enrollment", NULL);
	if (url == NULL || strncmp(url, "url ", 4) != 0) {
		free(url);
		*why = xstrdup("% Error: no enrollment URL configured for the "
		    "trustpoint");
		return 0;
	}
	free(url);
	ca = fx_ca_cert(lab);
	fx_asa_tp_set_cert(lab, host, tpname, "ca", ca);
	lab_log(lab, "%s: trustpoint %s: CA certificate from the CA accepted",
	    host, tpname);
	return ca;
}

int64_t
fx_asa_scep_enroll(struct lab *lab, const char *host, const char *tpname,
    char **why)
{
	struct lab_certspec	 s;
	int64_t			 tp, key, cert;
	char			*fqdn, *subject;

	*why = NULL;
	if ((tp = tp_find(lab, host, tpname, why)) == 0)
		return 0;
	if (fx_asa_tp_cert(lab, host, tpname, "ca") == 0) {
		*why = xasprintf("%% Error: trustpoint %s is not authenticated",
		    tpname);
		return 0;
	}
	if ((key = tp_key(lab, host, tp, why)) == 0)
		return 0;
	fqdn = lab_prop(lab, tp, "fqdn", NULL);
	subject = xasprintf("CN=%s", fqdn != NULL && strcmp(fqdn, "none") ?
	    fqdn : host);
	memset(&s, 0, sizeof(s));
	s.subject = subject;
	s.sans = fqdn != NULL && strcmp(fqdn, "none") ? fqdn : NULL;
	/* The Microsoft SCEP add-on issues from its template; the lab's CA
	 * gives the federation usages, both (the guide's custom template). */
	s.ekus = "serverAuth clientAuth";
	cert = lab_cert_issue(lab, key, fx_ca_cert(lab), &s);
	fx_asa_tp_set_cert(lab, host, tpname, "id", cert);
	lab_log(lab, "%s: trustpoint %s: certificate %s enrolled from %s",
	    host, tpname, subject, FX_CA_HOST);
	free(fqdn);
	free(subject);
	return cert;
}

/* ---- DNS -------------------------------------------------------------- */

void
fx_dns_a(struct lab *lab, const char *name, const char *addr)
{
	lab_dns_set(lab, name, "A", addr);
}
