/*
 * labdo.c: the clicks of each GUI procedure (labdo.h).
 *
 * Each function applies what the state allows now and nothing twice, so
 * `lab do` can be run again, or between a procedure's typed commands (a
 * topology file edited between Out-File and Publish-CsTopology). When a
 * click needs something an earlier step makes (a request file, a
 * downloaded chain), it says so and changes nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lab.h"
#include "labdo.h"
#include "labfx.h"
#include "labint.h"
#include "labpki.h"

#define ASA_CERT_FILE	"asa1-cup_proxy.pem"	/* the answers' asa_cert_file */
#define IMP_CERT_FILE	"imp4-cup.pem"		/* imp_cert_file */
#define TOPOLOGY_XML	"C:\\rcc.xml"		/* topology_xml_path */
#define MUTUAL_TEMPLATE	"Mutual Authentication Certificate"

/* The host of kind that serves the same runbook as h. */
static int
partner(struct lab *lab, const struct lab_host *h, const char *kind,
    struct lab_host *out)
{
	struct lab_host	*hv;
	size_t		 n, i;
	int		 found = -1;

	lab_hosts(lab, &hv, &n);
	for (i = 0; i < n && found; i++)
		if (strcmp(hv[i].kind, kind) == 0 &&
		    strcmp(hv[i].runbooks, h->runbooks) == 0) {
			*out = hv[i];
			found = 0;
		}
	free(hv);
	return found;
}

static char *
role(struct lab *lab, const char *host, const char *k)
{
	int64_t	id = lab_obj_find(lab, host, "LabRole", "federation");

	return id ? lab_prop(lab, id, k, NULL) : NULL;
}

/* The newest certificate of host's Personal store that has its private
 * key there and this CN (NULL: any). */
static int64_t
newest_mine(struct lab *lab, const char *host, const char *cn)
{
	int64_t		*v, id = 0;
	size_t		 n, i;
	struct lab_cert	 c;

	v = lab_store_list(lab, host, "My", &n, NULL);
	for (i = n; i-- > 0 && id == 0; ) {
		if (lab_cert_load(lab, v[i], &c) != 0)
			continue;
		if (c.key != 0 && !c.ca && (cn == NULL || lab_ieq(c.cn, cn)))
			id = v[i];
		lab_cert_free(&c);
	}
	free(v);
	return id;
}

static int
have_file(struct lab *lab, const char *host, const char *path)
{
	char	*data;

	if (lab_file_read(lab, host, path, &data, NULL) != 0)
		return 0;
	free(data);
	return 1;
}

/* ---- Windows --------------------------------------------------------- */

static int
do_download_chain(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	if (!have_file(lab, h->name, FX_DOWNLOADS "\\certnew.p7b"))
		fx_win_download_chain(lab, h->name, NULL);
	return 0;
}

static int
do_install_chain(struct lab *lab, const struct lab_host *h, char **why)
{
	if (!have_file(lab, h->name, FX_DOWNLOADS "\\certnew.p7b")) {
		*why = xasprintf("there is no certificate chain on %s to import "
		    "yet: download it first (download-ca-chain@%s)", h->name,
		    h->name);
		return -1;
	}
	fx_win_install_chain(lab, h->name, "Root");
	return 0;
}

static int
do_lync_submit(struct lab *lab, const struct lab_host *h, char **why)
{
	if (fx_ca_submit(lab, h->name, NULL) == -1 &&
	    !lab_one_int(lab, lab_stmt(lab, "SELECT COUNT(*) FROM objects o "
	    "JOIN props p ON p.obj = o.id WHERE o.scope = ? AND o.class = "
	    "'CertRequest' AND p.name = 'Status' AND p.value != 'New'", "s",
	    h->name), 0))
		*why = xstrdup("no request to submit yet: run "
		    "Request-CsCertificate in the Lync Server Management Shell "
		    "first");
	return 0;
}

/* The certsrv advanced request of OCS 2007 on a Windows 2008 CA: the
 * documented workaround creates, approves and exports it in one go. */
static int
do_ocs_request(struct lab *lab, const struct lab_host *h, char **why)
{
	char	*subject, *path;
	int64_t	 c;

	(void)why;
	path = xasprintf("%s\\%s.cer", FX_DOWNLOADS, h->name);
	if (have_file(lab, h->name, path)) {
		free(path);
		return 0;
	}
	subject = xasprintf("CN=%s", h->fqdn);
	fx_win_request(lab, h->name, NULL, subject, h->fqdn,
	    "serverAuth clientAuth", NULL);
	fx_ca_submit(lab, h->name, NULL);
	fx_ca_issue_pending(lab, h->name);
	c = fx_win_fetch_issued(lab, h->name, path, 1);
	(void)c;
	free(subject);
	free(path);
	return 0;
}

static int
do_issue_and_fetch(struct lab *lab, const struct lab_host *h, char **why)
{
	fx_ca_issue_pending(lab, h->name);
	if (fx_win_fetch_issued(lab, h->name, NULL, 1) == 0 &&
	    newest_mine(lab, h->name, NULL) == 0)
		*why = xasprintf("%s has no certificate request at the CA yet",
		    h->name);
	return 0;
}

static int
do_lync_assign(struct lab *lab, const struct lab_host *h, char **why)
{
	int64_t	c = 0;
	char	*pool = NULL;

	if (strcmp(h->kind, "lync-fe") == 0)
		pool = xstrdup("pool1.example.com");
	c = newest_mine(lab, h->name, pool);
	free(pool);
	if (c == 0) {
		*why = xasprintf("no imported certificate on %s to assign",
		    h->name);
		return -1;
	}
	fx_lync_assign(lab, h->name, "Default", c);
	return 0;
}

static int
do_look(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)lab;
	(void)h;
	*why = xstrdup("this procedure only looks");
	return 0;
}

/* Steps 3-5: open the exported topology, put the IM and Presence node's
 * address in its Cluster Fqdn section, save. */
static int
do_topology_edit(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_host	 imp;
	char		*xml, *p, *q, *needle, *nw;
	size_t		 len;

	if (lab_file_read(lab, h->name, TOPOLOGY_XML, &xml, &len) != 0) {
		*why = xstrdup("no " TOPOLOGY_XML " yet: export the topology "
		    "first (Get-CsTopology -AsXml | Out-File)");
		return 0;
	}
	if (partner(lab, h, "imp", &imp) != 0) {
		free(xml);
		return 0;
	}
	needle = xasprintf("Fqdn=\"%s\"", imp.fqdn);
	if ((p = strstr(xml, needle)) != NULL &&
	    (q = strstr(p, "IPAddress=\"0.0.0.0\"")) != NULL &&
	    (strstr(p, "</Cluster>") == NULL || q < strstr(p, "</Cluster>"))) {
		*q = '\0';
		nw = xasprintf("%sIPAddress=\"%s\"%s", xml, imp.address,
		    q + strlen("IPAddress=\"0.0.0.0\""));
		lab_file_write(lab, h->name, TOPOLOGY_XML, nw, strlen(nw));
		lab_log(lab, "%s: %s: IPAddress of %s set to %s and saved",
		    h->name, TOPOLOGY_XML, imp.fqdn, imp.address);
		free(nw);
	}
	free(needle);
	free(xml);
	return 0;
}

static int
do_fips(struct lab *lab, const struct lab_host *h, char **why)
{
	char	*v;

	(void)why;
	v = strcmp(h->kind, "ocs2007") == 0 ? lab_reg_get(lab, h->name,
	    FX_LSA_KEY, "FIPSAlgorithmPolicy") : lab_reg_get(lab, h->name,
	    FX_FIPS_KEY, "Enabled");
	if (v == NULL || strcmp(v, "1") != 0)
		fx_win_fips(lab, h->name, 1);
	free(v);
	return 0;
}

static int
do_ocs_use_cert(struct lab *lab, const struct lab_host *h, char **why)
{
	int64_t	c = newest_mine(lab, h->name, h->fqdn);

	if (c == 0) {
		*why = xasprintf("no installed certificate for %s on %s",
		    h->fqdn, h->name);
		return -1;
	}
	if (c != fx_win_sip_cert(lab, h->name))
		fx_ocs_use_cert(lab, h->name, c);
	return 0;
}

static int64_t
ocs_route(struct lab *lab, const char *host, const char *nexthop)
{
	return lab_obj_where(lab, host, "MSFT_SIPRoutingTableData", "NextHop",
	    nexthop);
}

static int
do_ocs_tls_route(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_host	 imp;
	char		*m;

	(void)why;
	if (partner(lab, h, "imp", &imp) != 0 ||
	    ocs_route(lab, h->name, imp.fqdn) != 0)
		return 0;
	m = xasprintf("sip:*@%s", imp.fqdn);
	fx_ocs_route_add(lab, h->name, m, imp.fqdn, 5062, "TLS", 1);
	free(m);
	return 0;
}

static int
do_ocs_auth_host(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_host	imp;

	(void)why;
	if (partner(lab, h, "imp", &imp) != 0)
		return 0;
	if (lab_obj_where(lab, h->name, "MSFT_SIPRemoteAddressData", "Server",
	    imp.fqdn) == 0)
		fx_ocs_hostauth_add(lab, h->name, imp.fqdn, 0, 1, 1);
	/* "Reboot the Microsoft OCS server": the service comes back up. */
	fx_service(lab, h->name, "RTCSRV", "Running");
	return 0;
}

static int
do_r2_ports(struct lab *lab, const struct lab_host *h, char **why)
{
	int64_t	*v;
	size_t	 n, i;
	int	 has = 0;

	(void)why;
	v = lab_obj_list(lab, h->name, "MSFT_SIPListeningAddressData", &n);
	for (i = 0; i < n; i++)
		if (lab_prop_int(lab, v[i], "Port", 0) == 5061)
			has = 1;
	free(v);
	if (!has)
		fx_ocs_listener(lab, h->name, "TLS", 5061, 1);
	return 0;
}

static int
do_r2_mtls(struct lab *lab, const struct lab_host *h, char **why)
{
	int64_t	*v;
	size_t	 n, i;
	char	*t;

	v = lab_obj_list(lab, h->name, "MSFT_SIPListeningAddressData", &n);
	for (i = 0; i < n; i++) {
		if (lab_prop_int(lab, v[i], "Port", 0) != 5061)
			continue;
		t = lab_prop(lab, v[i], "TransportType", NULL);
		if (t == NULL || !lab_ieq(t, "MTLS"))
			fx_ocs_listener(lab, h->name, "MTLS", 5061, 1);
		free(t);
		free(v);
		return 0;
	}
	free(v);
	*why = xasprintf("%s has no connection on port 5061 to edit: add it "
	    "first (enable-port-5060-5061@%s)", h->name, h->name);
	return -1;
}

static int
do_r2_routes(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_host	imp;

	(void)why;
	if (partner(lab, h, "imp", &imp) != 0 ||
	    ocs_route(lab, h->name, imp.fqdn) != 0)
		return 0;
	fx_ocs_route_add(lab, h->name, "sip:*@example.com", imp.fqdn, 5061,
	    "TLS", 0);
	return 0;
}

static int
do_r2_auth(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_host	imp;

	(void)why;
	if (partner(lab, h, "imp", &imp) != 0)
		return 0;
	if (lab_obj_where(lab, h->name, "MSFT_SIPRemoteAddressData", "Server",
	    imp.fqdn) == 0)
		fx_ocs_hostauth_add(lab, h->name, imp.fqdn, 0, 1, 1);
	if (lab_obj_where(lab, h->name, "MSFT_SIPRemoteAddressData", "Server",
	    imp.address) == 0)
		fx_ocs_hostauth_add(lab, h->name, imp.address, 0, 1, 1);
	return 0;
}

/* Host Authorization done per IM and Presence node (the procedure on
 * the node's instance): the same clicks on its OCS server, for this
 * node's FQDN and address. */
static int
do_auth_for_imp(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_host	ocs;

	(void)why;
	if (partner(lab, h, "ocs2007r2", &ocs) != 0 &&
	    partner(lab, h, "ocs2007", &ocs) != 0)
		return 0;
	if (lab_obj_where(lab, ocs.name, "MSFT_SIPRemoteAddressData", "Server",
	    h->fqdn) == 0)
		fx_ocs_hostauth_add(lab, ocs.name, h->fqdn, 0, 1, 1);
	if (lab_obj_where(lab, ocs.name, "MSFT_SIPRemoteAddressData", "Server",
	    h->address) == 0)
		fx_ocs_hostauth_add(lab, ocs.name, h->address, 0, 1, 1);
	return 0;
}

static int
do_restart_rtcsrv(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	fx_service(lab, h->name, "RTCSRV", "Running");
	lab_log(lab, "%s: Front End service restarted", h->name);
	return 0;
}

static void	save_local(struct lab *, const char *, int64_t);

static int
do_r2_root(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	if (!have_file(lab, h->name, FX_DOWNLOADS "\\certnew.cer"))
		fx_win_download_ca(lab, h->name, NULL);
	if (!have_file(lab, "local", "example-CA1.cer"))
		save_local(lab, "example-CA1.cer", fx_ca_cert(lab));
	fx_win_install_chain(lab, h->name, "Root");
	return 0;
}

static int
do_r2_request(struct lab *lab, const struct lab_host *h, char **why)
{
	char	*subject;

	(void)why;
	subject = xasprintf("CN=%s", h->fqdn);
	fx_win_request(lab, h->name, NULL, subject, h->fqdn,
	    "serverAuth clientAuth", NULL);
	fx_ca_submit(lab, h->name, NULL);
	fx_ca_issue_pending(lab, h->name);
	free(subject);
	{
		char	*path = xasprintf("%s\\%s.cer", FX_DOWNLOADS, h->name);

		fx_win_fetch_issued(lab, h->name, path, 0);
		free(path);
	}
	return 0;
}

static int
do_r2_install(struct lab *lab, const struct lab_host *h, char **why)
{
	int64_t	c;
	char	*path, *pem;

	path = xasprintf("%s\\%s.cer", FX_DOWNLOADS, h->name);
	if (lab_file_read(lab, h->name, path, &pem, NULL) != 0) {
		*why = xasprintf("no signed certificate saved on %s (%s) yet",
		    h->name, path);
		free(path);
		return -1;
	}
	free(path);
	c = lab_cert_import(lab, pem, "");
	free(pem);
	if (c != 0 && !lab_store_has(lab, h->name, "My", c)) {
		lab_store_add(lab, h->name, "My", c, "");
		lab_log(lab, "%s: imported the signed certificate into the "
		    "Personal store", h->name);
	}
	return 0;
}

/* ---- Access Edge and the CA ------------------------------------------ */

static int
do_edge_request(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	(void)h;
	fx_win_request(lab, h->name, NULL, "CN=sip.example.org",
	    "sip.example.org", "serverAuth clientAuth", NULL);
	fx_ca_submit(lab, h->name, NULL);
	return 0;
}

static int
do_edge_signing(struct lab *lab, const struct lab_host *h, char **why)
{
	if (lab_obj_find(lab, FX_CA_HOST, "CertTemplate", MUTUAL_TEMPLATE) ==
	    0) {
		*why = xstrdup("the CA has no template '" MUTUAL_TEMPLATE "' "
		    "to request from: create it first "
		    "(create-custom-certificate@ca1)");
		return -1;
	}
	if (newest_mine(lab, h->name, "sip.example.org") != 0)
		return 0;
	fx_win_request(lab, h->name, NULL, "CN=sip.example.org",
	    "sip.example.org", "serverAuth clientAuth", MUTUAL_TEMPLATE);
	fx_ca_submit(lab, h->name, MUTUAL_TEMPLATE);
	fx_ca_issue_pending(lab, h->name);
	fx_win_fetch_issued(lab, h->name, NULL, 1);
	return 0;
}

static int
do_edge_upload(struct lab *lab, const struct lab_host *h, char **why)
{
	int64_t	c = newest_mine(lab, h->name, "sip.example.org");

	if (c == 0) {
		*why = xasprintf("no certificate for sip.example.org in %s's "
		    "Personal store yet", h->name);
		return -1;
	}
	if (c != fx_win_sip_cert(lab, h->name))
		fx_ocs_use_cert(lab, h->name, c);
	return 0;
}

static int
do_ca_template(struct lab *lab, const struct lab_host *h, char **why)
{
	int64_t	id;

	(void)why;
	(void)h;
	if (lab_obj_find(lab, FX_CA_HOST, "CertTemplate", MUTUAL_TEMPLATE))
		return 0;
	id = lab_obj_ensure(lab, FX_CA_HOST, "CertTemplate", MUTUAL_TEMPLATE);
	lab_sets(lab, id, "Ekus", "clientAuth serverAuth");
	lab_sets(lab, id, "DisplayName", MUTUAL_TEMPLATE);
	lab_log(lab, "%s: certificate template %s (Application Policies: "
	    "Client Authentication, Server Authentication) issued", FX_CA_HOST,
	    MUTUAL_TEMPLATE);
	return 0;
}

/* ---- IM and Presence -------------------------------------------------- */

/* The TLS peer subject made per peer server (the procedure on the OCS
 * server's or front end's instance): on the IM and Presence node of its
 * runbook, this server's FQDN. */
static int
do_peer_subject_for(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_host	imp;

	(void)why;
	if (partner(lab, h, "imp", &imp) == 0)
		fx_imp_peer_subject(lab, imp.name, h->fqdn, h->fqdn);
	return 0;
}

static int
do_peer_subject(struct lab *lab, const struct lab_host *h, char **why)
{
	char	*s = role(lab, h->name, "PeerSubject");
	char	*n = role(lab, h->name, "PeerName");

	(void)why;
	if (s != NULL)
		fx_imp_peer_subject(lab, h->name, s, n ? n : s);
	free(s);
	free(n);
	return 0;
}

static int
do_peer_context(struct lab *lab, const struct lab_host *h, char **why)
{
	char	*s = role(lab, h->name, "PeerSubject");

	if (s != NULL && lab_obj_find(lab, h->name, "TlsPeerSubject", s) ==
	    0) {
		*why = xasprintf("there is no TLS peer subject %s to select: "
		    "create it first", s);
		free(s);
		return -1;
	}
	fx_imp_context(lab, h->name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", s, 1);
	free(s);
	return 0;
}

static int
do_imp_route_ocs(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_host	ocs;

	(void)why;
	if (partner(lab, h, "ocs2007r2", &ocs) != 0 ||
	    lab_obj_find(lab, h->name, "StaticRoute", ".com.example.*") != 0)
		return 0;
	fx_imp_route(lab, h->name, ".com.example.*", ocs.fqdn, 5061, "Domain",
	    "TLS");
	return 0;
}

static int
do_imp_listeners(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	fx_imp_listener(lab, h->name, "Default Cisco SIP Proxy TLS Listener - "
	    "Server Auth", 5063);
	fx_imp_listener(lab, h->name, "Default Cisco SIP Proxy TLS Listener - "
	    "Peer Auth", 5061);
	return 0;
}

static int64_t
signed_cup(struct lab *lab, const char *host)
{
	int64_t		c = fx_imp_own(lab, host, "cup");
	struct lab_cert	lc;
	int		ok = 0;

	if (c != 0 && lab_cert_load(lab, c, &lc) == 0) {
		ok = lc.issuer != 0 && lc.issuer != c;
		lab_cert_free(&lc);
	}
	return ok ? c : 0;
}

static int
do_imp_certs(struct lab *lab, const struct lab_host *h, char **why)
{
	/* The CA root, downloaded from the CA's web page to this computer,
	 * then uploaded as cup-trust. */
	if (!have_file(lab, "local", "example-CA1.cer"))
		save_local(lab, "example-CA1.cer", fx_ca_cert(lab));
	fx_imp_trust(lab, h->name, "cup-trust", fx_ca_cert(lab));
	if (signed_cup(lab, h->name) == 0) {
		free(fx_imp_csr(lab, h->name, "cup"));
		fx_imp_sign_and_upload(lab, h->name, "cup");
	}
	return do_peer_subject(lab, h, why);
}

static int
do_imp_trust_asa(struct lab *lab, const struct lab_host *h, char **why)
{
	char	*pem;
	int64_t	 c;

	if (lab_file_read(lab, "local", ASA_CERT_FILE, &pem, NULL) != 0) {
		*why = xstrdup("the ASA's certificate is not saved on this "
		    "computer yet (" ASA_CERT_FILE "): export it first "
		    "(generate-self-signed-certificate@asa1)");
		return -1;
	}
	c = lab_cert_import(lab, pem, "");
	free(pem);
	if (c == 0) {
		*why = xstrdup(ASA_CERT_FILE " holds no certificate");
		return -1;
	}
	fx_imp_trust(lab, h->name, "cup-trust", c);
	return 0;
}

static void
save_local(struct lab *lab, const char *name, int64_t cert)
{
	struct lab_cert	c;

	if (cert != 0 && lab_cert_load(lab, cert, &c) == 0) {
		lab_file_write(lab, "local", name, c.pem, strlen(c.pem));
		lab_log(lab, "saved %s as %s on this computer", c.subject,
		    name);
		lab_cert_free(&c);
	}
}

static int
do_cup_certs(struct lab *lab, const struct lab_host *h, char **why)
{
	char	*csr;
	int64_t	 c;

	(void)why;
	save_local(lab, "example-CA1.cer", fx_ca_cert(lab));
	fx_imp_trust(lab, h->name, "cup-trust", fx_ca_cert(lab));
	if ((c = signed_cup(lab, h->name)) == 0) {
		if ((csr = fx_imp_csr(lab, h->name, "cup")) != NULL) {
			lab_file_write(lab, "local", "cup1-cup.csr", csr,
			    strlen(csr));
			lab_log(lab, "saved the CSR as cup1-cup.csr on this "
			    "computer");
		}
		free(csr);
		c = fx_imp_sign_and_upload(lab, h->name, "cup");
	}
	save_local(lab, "cup1-cup.cer", c);
	return 0;
}

static int
do_cup_domain(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	fx_imp_fed_domain(lab, h->name, "lync.example.net");
	return 0;
}

static int
do_cup_route(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	if (lab_obj_find(lab, h->name, "StaticRoute", ".net.example.lync.*") ==
	    0)
		fx_imp_route(lab, h->name, ".net.example.lync.*",
		    "lyncse1.lync.example.net", 5061, "User", "TLS");
	return 0;
}

static int
do_cup_acl(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	fx_imp_acl(lab, h->name, "lyncse1.lync.example.net");
	return 0;
}

static int
do_cup_fqdn(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	fx_imp_routing_fqdn(lab, h->name, h->fqdn);
	return 0;
}

static int
do_cup_restart(struct lab *lab, const struct lab_host *h, char **why)
{
	(void)why;
	fx_service(lab, h->name, "Cisco SIP Proxy", "STARTED");
	fx_service(lab, h->name, "Cisco XCP Router", "STARTED");
	lab_log(lab, "%s: Cisco SIP Proxy and Cisco XCP Router restarted",
	    h->name);
	return 0;
}

/* ---- ASA -------------------------------------------------------------- */

static int
do_asa_save_self(struct lab *lab, const struct lab_host *h, char **why)
{
	int64_t	c = fx_asa_tp_cert(lab, h->name, "cup_proxy", "id");
	char	*old;

	(void)why;
	if (c == 0) {
		*why = xstrdup("trustpoint cup_proxy has no certificate to "
		    "export yet (crypto ca enroll cup_proxy)");
		return 0;
	}
	if (lab_file_read(lab, "local", ASA_CERT_FILE, &old, NULL) == 0) {
		struct lab_cert	lc;
		int		same = 0;

		if (lab_cert_load(lab, c, &lc) == 0) {
			same = strcmp(lc.pem, old) == 0;
			lab_cert_free(&lc);
		}
		free(old);
		if (same)
			return 0;
	}
	save_local(lab, ASA_CERT_FILE, c);
	return 0;
}

/* Steps 4-8: download the node's cup.pem to this computer; pasting it at
 * crypto ca authenticate is typed at the ASA. */
static int
do_asa_import_imp(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_host	imp;

	(void)why;
	if (partner(lab, h, "imp", &imp) != 0)
		return 0;
	save_local(lab, IMP_CERT_FILE, fx_imp_own(lab, imp.name, "cup"));
	return 0;
}

/* Steps 10-12: the request crypto ca enroll printed goes to the CA, which
 * issues it; the certificate is saved on this computer (pasting it at
 * crypto ca import is typed at the ASA). */
static int
do_asa_manual(struct lab *lab, const struct lab_host *h, char **why)
{
	struct lab_certspec	 s;
	int64_t			 id, key, cert;
	char			*csr, *subject = NULL, *sans = NULL,
				*ekus = NULL;

	if ((id = lab_obj_find(lab, h->name, "AsaEnrollment", "msca")) == 0) {
		*why = xstrdup("no certificate request from crypto ca enroll "
		    "msca yet");
		return 0;
	}
	csr = lab_prop(lab, id, "Csr", NULL);
	key = lab_prop_int(lab, id, "Key", 0);
	if (csr == NULL || lab_csr_read(csr, &subject, &sans, &ekus) == -1) {
		free(csr);
		return 0;
	}
	memset(&s, 0, sizeof(s));
	s.subject = subject;
	s.sans = sans;
	s.ekus = ekus;
	cert = lab_cert_issue(lab, key, fx_ca_cert(lab), &s);
	lab_log(lab, "%s: issued a certificate for %s to %s", FX_CA_HOST,
	    subject, h->name);
	save_local(lab, "asa1-msca.cer", cert);
	lab_obj_delete(lab, id);
	free(csr);
	free(subject);
	free(sans);
	free(ekus);
	return 0;
}

const struct labdo_entry labdo_table[] = {
	/* Windows: the CA's web pages, MMC, the Deployment Wizard */
	{ "download-ca-chain", "lync-fe ocs2007 edge", 0,
	    "certsrv: Download CA certificate chain, saved as "
	    "Downloads\\certnew.p7b", do_download_chain },
	{ "install-ca-chain", "lync-fe ocs2007 edge", 0,
	    "MMC Certificates: import the chain into Trusted Root "
	    "Certification Authorities", do_install_chain },
	{ "submit-certificate-request", "lync-fe", 1,
	    "certsrv: submit the request file (pending on the CA)",
	    do_lync_submit },
	{ "submit-certificate-request", "ocs2007", 0,
	    "certsrv: advanced request for the server (Windows 2008 CA "
	    "workaround: issued and exported to Downloads\\HOST.cer)",
	    do_ocs_request },
	{ "approve-import-certificate", "lync-fe", 0,
	    "CA: issue the pending request; download it (Base 64 .cer); "
	    "Deployment Wizard: import it", do_issue_and_fetch },
	{ "approve-and-install-certificate", "ocs2007", 0,
	    "CA: issue the pending request; certsrv: install this "
	    "certificate", do_issue_and_fetch },
	{ "assign-imported-certificate", "lync-fe", 0,
	    "Deployment Wizard: assign the imported certificate to all usages",
	    do_lync_assign },
	{ "verify-certificate-eku", "lync-fe", 0,
	    "Deployment Wizard: view the Default certificate", do_look },
	{ "commit-lync-server-setup", "lync-fe", 1,
	    "edit " TOPOLOGY_XML ": the IM and Presence node's IPAddress in "
	    "its Cluster Fqdn section", do_topology_edit },
	{ "set-up-lync-tlsv1", "lync-fe", 0,
	    "Local Security Policy: FIPS compliant algorithms enabled; restart",
	    do_fips },
	{ "configure-installed-certificate", "ocs2007", 0,
	    "IIS and OCS Front End Properties: select the installed "
	    "certificate", do_ocs_use_cert },
	{ "configure-tls-route", "ocs2007", 0,
	    "Front End Properties > Routing: TLS route to the IM and Presence "
	    "node, port 5062, replace host", do_ocs_tls_route },
	{ "configure-authenticated-host", "ocs2007", 0,
	    "Front End Properties > Host Authorization: the IM and Presence "
	    "node, throttle as server, treat as authenticated; reboot",
	    do_ocs_auth_host },
	{ "configure-tlsv1", "ocs2007", 0,
	    "Local Security Policy: FIPS compliant algorithms enabled; restart",
	    do_fips },
	{ "enable-port-5060-5061", "ocs2007r2", 0,
	    "Front End Properties > General: add TLS on port 5061",
	    do_r2_ports },
	{ "configure-static-routes-on-ocs", "ocs2007r2", 0,
	    "Front End Properties > Routing: example.com by TLS to the IM and "
	    "Presence node, port 5061", do_r2_routes },
	{ "add-host-authorization", "ocs2007r2", 0,
	    "Front End Properties > Host Authorization: the IM and Presence "
	    "node's FQDN and address", do_r2_auth },
	{ "add-host-authorization", "imp", 0,
	    "OCS Front End Properties > Host Authorization: this IM and "
	    "Presence node's FQDN and address", do_auth_for_imp },
	{ "enable-fips", "ocs2007r2", 0,
	    "Local Security Policy: FIPS compliant algorithms enabled", do_fips },
	{ "configure-mutual-tls", "ocs2007r2", 0,
	    "Front End Properties > General: port 5061 by MTLS", do_r2_mtls },
	{ "install-ca-root-certificates", "ocs2007r2", 0,
	    "certsrv: save the CA certificate; MMC: import it into Trusted "
	    "Root Certification Authorities", do_r2_root },
	{ "validate-existing-certificate", "ocs2007r2", 0,
	    "MMC Certificates: look at the certificate's Intended Purposes",
	    do_look },
	{ "request-signed-certificate", "ocs2007r2", 0,
	    "request, issue and save a certificate for the server",
	    do_r2_request },
	{ "install-signed-certificate", "ocs2007r2", 0,
	    "MMC Certificates: import the signed certificate into Personal",
	    do_r2_install },
	{ "select-installed-certificate", "ocs2007r2", 0,
	    "Front End Properties > Security: select the new certificate",
	    do_ocs_use_cert },
	{ "restart-services", "ocs2007r2", 0,
	    "OCS 2007 R2 console: stop and start the Front End service",
	    do_restart_rtcsrv },
	{ "request-certificate", "edge", 0,
	    "certsrv: advanced request for the external interface (pending)",
	    do_edge_request },
	{ "download-certificate", "edge", 0,
	    "CA: issue it; certsrv: install this certificate",
	    do_issue_and_fetch },
	{ "request-site-server-signing-certificate", "edge", 0,
	    "certsrv: request from the Mutual Authentication Certificate "
	    "template; install it", do_edge_signing },
	{ "upload-certificate", "edge", 0,
	    "Certificate Wizard: the certificate of the external interface",
	    do_edge_upload },
	{ "create-custom-certificate", "ca", 0,
	    "Certificate Templates: Mutual Authentication Certificate "
	    "(Client and Server Authentication), issued", do_ca_template },
	/* IM and Presence and CUP: the administration web pages */
	{ "create-tls-peer-subject", "imp", 0,
	    "TLS Peer Subjects: add the peer's certificate subject",
	    do_peer_subject },
	{ "create-tls-peer-subject", "ocs2007 ocs2007r2 lync-fe", 0,
	    "IM and Presence TLS Peer Subjects: add this server's FQDN",
	    do_peer_subject_for },
	{ "add-tls-peer-to-subjects-list", "imp", 0,
	    "TLS Context Configuration: TLS_RSA_WITH_3DES_EDE_CBC_SHA, Disable "
	    "Empty TLS Fragments, the peer subject; Save", do_peer_context },
	{ "add-tls-peer-to-selected-subjects", "imp", 0,
	    "TLS Context Configuration: TLS_RSA_WITH_3DES_EDE_CBC_SHA, Disable "
	    "Empty TLS Fragments, the peer subject; Save", do_peer_context },
	{ "domain-verification", "imp", 0,
	    "Presence > Domains: look at the local domains", do_look },
	{ "configure-static-route-on-imp", "imp", 0,
	    "Presence > Routing > Static Routes: to the OCS server by TLS, "
	    "port 5061", do_imp_route_ocs },
	{ "verify-peer-auth-listener", "imp", 0,
	    "Application Listeners: Peer Auth on 5061, Server Auth on 5063",
	    do_imp_listeners },
	{ "configure-certificates-on-imp", "imp", 0,
	    "Certificate Management: the CA root in cup-trust, a CA-signed cup "
	    "certificate; a TLS peer subject for OCS", do_imp_certs },
	{ "import-self-signed-certificate", "imp", 0,
	    "Certificate Management: upload the ASA's .pem as cup-trust",
	    do_imp_trust_asa },
	{ "configure-certificates", "cup", 0,
	    "Certificate Management: the CA in cup-trust, a CSR for cup, "
	    "signed by the CA, uploaded", do_cup_certs },
	{ "add-federated-domain", "cup", 0,
	    "Inter-Domain Federation > SIP Federation: lync.example.net",
	    do_cup_domain },
	{ "set-up-static-route", "cup", 0,
	    "Routing > Static Routes: .net.example.lync.* to the Lync server "
	    "by TLS, port 5061, route type User", do_cup_route },
	{ "add-tls-peer-subject", "cup", 0,
	    "TLS Peer Subjects: the Lync server's FQDN", do_peer_subject },
	{ "configure-peer-auth-context", "cup", 0,
	    "Peer Auth Security Context: the peer subject, "
	    "TLS_RSA_WITH_3DES_EDE_CBC_SHA, Disable Empty TLS Fragments",
	    do_peer_context },
	{ "configure-acls", "cup", 0,
	    "Incoming and outgoing ACL for the Lync server", do_cup_acl },
	{ "set-federation-routing-fqdn", "cup", 0,
	    "Service Parameters: Federation Routing IM/P FQDN", do_cup_fqdn },
	{ "restart-services", "cup", 0,
	    "Serviceability: restart the SIP Proxy and the XCP Router",
	    do_cup_restart },
	/* ASA: what is saved on the operator's computer or pasted */
	{ "generate-self-signed-certificate", "asa", 1,
	    "save the exported identity certificate as " ASA_CERT_FILE,
	    do_asa_save_self },
	{ "import-imp-certificate", "asa", 1,
	    "IM and Presence Certificate Management: download cup.pem, saved "
	    "as " IMP_CERT_FILE " (to paste at crypto ca authenticate)",
	    do_asa_import_imp },
	{ "configure-manual-enrollment", "asa", 1,
	    "CA: issue the request crypto ca enroll printed; save it as "
	    "asa1-msca.cer (to paste at crypto ca import)", do_asa_manual },
	{ NULL, NULL, 0, NULL, NULL }
};

const struct labdo_entry *
labdo_find(const char *proc, const char *kind)
{
	const struct labdo_entry	*e;
	const char			*p;
	size_t				 n = strlen(kind);

	for (e = labdo_table; e->proc != NULL; e++) {
		if (strcmp(e->proc, proc) != 0)
			continue;
		for (p = e->kinds; (p = strstr(p, kind)) != NULL; p += n)
			if ((p == e->kinds || p[-1] == ' ') &&
			    (p[n] == '\0' || p[n] == ' '))
				return e;
	}
	return NULL;
}
