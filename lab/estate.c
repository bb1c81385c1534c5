/*
 * estate.c: the lab's estate.
 *
 * Every runbook gets devices of its own, so that practising one runbook
 * never disturbs another: Lync 2010 front ends fe1 and fe2 of pool1 with
 * IM and Presence node imp1 (lync-imp-tls); OCS 2007 Standard Edition
 * ocs1 with imp2 (ocs-imp-tls); OCS 2007 R2 ocsr2 with imp3
 * (ocs-partitioned); the ASA asa1, IM and Presence imp4 and the OCS 2007
 * R2 Access Edge edge1 of a partner domain (interdomain-asa); CUP 9.1
 * cup1 and the Lync 2013 Standard Edition server lyncse1
 * (lync-cup-federation). One Windows CA, ca1 (example-CA1), serves them
 * all, as one enterprise's CA would.
 *
 * A fresh estate is what the documents start from, including what a
 * running estate already has: a front end already holds a Default
 * certificate (from an older CA, without Client Authentication), IM and
 * Presence nodes hold their self-signed certificates, the DNS has the
 * hosts' A records. A configured estate is a fresh one with every
 * runbook's effects applied through labfx.c, the functions the shells
 * and `lab do` use.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "catalog.h"
#include "estate.h"
#include "fileio.h"
#include "lab.h"
#include "labfx.h"
#include "labint.h"
#include "labpki.h"
#include "runbook.h"
#include "ydoc.h"

const char *const estate_runbooks[] = {
	"lync-imp-tls",
	"ocs-imp-tls",
	"ocs-partitioned",
	"interdomain-asa",
	"lync-cup-federation",
	NULL
};

/* What a running estate already holds was issued this many days ago
 * (its CAs three times as long): a certificate a trainee has a CA issue
 * now is the newest, as on a real server. */
#define ESTATE_AGE	400

struct est_host {
	const char	*name;
	const char	*kind;
	const char	*title;
	const char	*fqdn;
	const char	*profile;
	const char	*scope;		/* NULL: the host itself */
	const char	*runbooks;
	int		 octet;		/* in the lab's /24; 0: an alias */
};

/* The estate. Octets: .2 DNS, .3 the NTP source IM and Presence, CUCM
 * and the ASA follow (state only), .10 on the hosts, .40 on names of
 * their own (an ASA's public address, an Edge's external one). */
static const struct est_host hosts[] = {
	{ "ca1", "ca", "Windows Server 2008 R2 CA (example-CA1)",
	    "ca1.example.com", "windows", NULL, "all", 10 },
	{ "fe1", "lync-fe", "Lync Server 2010 front end (pool1)",
	    "fe1.example.com", "windows", "lync1", "lync-imp-tls", 11 },
	{ "fe2", "lync-fe", "Lync Server 2010 front end (pool1)",
	    "fe2.example.com", "windows", "lync1", "lync-imp-tls", 12 },
	{ "imp1", "imp", "IM and Presence 10.5 node",
	    "imp1.example.com", "cisco-vos", NULL, "lync-imp-tls", 13 },
	{ "ocs1", "ocs2007", "OCS 2007 Standard Edition",
	    "ocs1.example.com", "windows", NULL, "ocs-imp-tls", 14 },
	{ "imp2", "imp", "IM and Presence 9.0 node",
	    "imp2.example.com", "cisco-vos", NULL, "ocs-imp-tls", 15 },
	{ "ocsr2", "ocs2007r2", "OCS 2007 R2 Standard Edition",
	    "ocsr2.example.com", "windows", NULL, "ocs-partitioned", 16 },
	{ "imp3", "imp", "IM and Presence 9.0 node",
	    "imp3.example.com", "cisco-vos", NULL, "ocs-partitioned", 17 },
	{ "asa1", "asa", "Cisco ASA 5520, 8.4(2)",
	    "asa1.example.com", "cisco-asa", NULL, "interdomain-asa", 18 },
	{ "imp4", "imp", "IM and Presence 9.1 node",
	    "imp4.example.com", "cisco-vos", NULL, "interdomain-asa", 19 },
	{ "edge1", "edge", "OCS 2007 R2 Access Edge (example.org)",
	    "edge1.example.org", "windows", NULL, "interdomain-asa", 20 },
	{ "cup1", "cup", "Cisco Unified Presence 9.1 node",
	    "cup1.example.com", "cisco-vos", NULL, "lync-cup-federation", 21 },
	{ "lyncse1", "lync-se", "Lync Server 2013 Standard Edition",
	    "lyncse1.lync.example.net", "windows", "lync2",
	    "lync-cup-federation", 22 },
	{ "cucm1", "cucm", "Cisco Unified CM 10.5 publisher",
	    "cucm1.example.com", "cisco-vos", NULL, "interdomain-asa", 23 },
	/* Inventory names that are another host: an OCS Standard Edition
	 * server is its own pool. */
	{ "ocspool1", "alias", "the pool of ocs1", "ocs1.example.com",
	    "windows", "ocs1", "ocs-imp-tls", 0 },
	{ "ocsr2pool", "alias", "the pool of ocsr2", "ocsr2.example.com",
	    "windows", "ocsr2", "ocs-partitioned", 0 },
};

#define OCTET_DNS	2
#define OCTET_NTP	3
#define OCTET_ASA_OUT	40
#define OCTET_EDGE_EXT	41

static char *
addr(struct lab *lab, int octet)
{
	char	*b = lab_meta(lab, "block"), *a;

	a = xasprintf("%s.%d", b != NULL ? b : "127.84.1", octet);
	free(b);
	return a;
}

void
estate_create(struct lab *lab, const struct estate_net *net)
{
	struct lab_host	 h;
	size_t		 i;
	char		*a;
	const char	*dot;

	lab_meta_set(lab, "block", net->block);
	lab_meta_setf(lab, "ssh_port", "%d", net->ssh_port);
	lab_meta_setf(lab, "dns_port", "%d", net->dns_port);
	lab_meta_set(lab, "user", net->user);
	for (i = 0; i < nitems(hosts); i++) {
		memset(&h, 0, sizeof(h));
		snprintf(h.name, sizeof(h.name), "%s", hosts[i].name);
		snprintf(h.kind, sizeof(h.kind), "%s", hosts[i].kind);
		snprintf(h.title, sizeof(h.title), "%s", hosts[i].title);
		snprintf(h.fqdn, sizeof(h.fqdn), "%s", hosts[i].fqdn);
		snprintf(h.profile, sizeof(h.profile), "%s", hosts[i].profile);
		snprintf(h.scope, sizeof(h.scope), "%s", hosts[i].scope ?
		    hosts[i].scope : hosts[i].name);
		dot = strchr(hosts[i].fqdn, '.');
		snprintf(h.domain, sizeof(h.domain), "%s", dot ? dot + 1 : "");
		snprintf(h.runbooks, sizeof(h.runbooks), "%s",
		    hosts[i].runbooks);
		h.ord = (int)i + 1;
		if (hosts[i].octet > 0) {
			a = addr(lab, hosts[i].octet);
			snprintf(h.address, sizeof(h.address), "%s", a);
			free(a);
		}
		lab_host_put(lab, &h);
	}
	/* Aliases share their host's address. */
	lab_run(lab, lab_stmt(lab, "UPDATE hosts SET address = (SELECT "
	    "address FROM hosts t WHERE t.name = hosts.scope) WHERE kind = "
	    "'alias'", NULL));
	if (net->keypool != NULL && net->cakey != NULL) {
		lab_keys_add(lab, NULL, NULL, net->keypool, LAB_KEYS, 0);
		lab_meta_setf(lab, "ca_key", "%lld", (long long)lab_keys_add(lab,
		    NULL, "ca", &net->cakey, 1, 0));
	} else
		lab_keys_pregen(lab, LAB_KEYS, 0);
}

int
estate_host(struct lab *lab, const char *name, struct lab_host *h)
{
	if (lab_host_find(lab, name, h) == -1)
		return -1;
	if (strcmp(h->kind, "alias") == 0)
		return lab_host_get(lab, h->scope, h);
	return 0;
}

/* ---- building blocks -------------------------------------------------- */

static int64_t
host_key(struct lab *lab, const char *host)
{
	return lab_key_take(lab, host, "host", 0);
}

static int64_t
cert(struct lab *lab, const char *host, int64_t issuer, const char *subject,
    const char *sans, const char *ekus, const char *friendly)
{
	struct lab_certspec	s;

	memset(&s, 0, sizeof(s));
	s.subject = subject;
	s.sans = sans;
	s.ekus = ekus;
	s.friendly = friendly;
	s.age = ESTATE_AGE;
	return lab_cert_issue(lab, host_key(lab, host), issuer, &s);
}

static void
service(struct lab *lab, const char *host, const char *name,
    const char *display, const char *status)
{
	int64_t	id = lab_obj_ensure(lab, host, "Service", name);

	lab_sets(lab, id, "Name", name);
	lab_sets(lab, id, "DisplayName", display);
	lab_sets(lab, id, "Status", status);
	lab_sets(lab, id, "StartType", "Automatic");
}

/* What `lab do` and the SIP listener need to know of a host's part in
 * its runbook: its peer, names, ports. */
static void
role(struct lab *lab, const char *host, const char *k, const char *v)
{
	lab_sets(lab, lab_obj_ensure(lab, host, "LabRole", "federation"), k, v);
}

static void
windows_base(struct lab *lab, const char *host, const char *os)
{
	int64_t	id = lab_obj_ensure(lab, host, "Computer", "system");

	lab_sets(lab, id, "OS", os);
	/* A few of Lsa's usual values: Get-ItemProperty reads the key whole
	 * (Windows Server 2003 adds FIPSAlgorithmPolicy here). */
	lab_reg_set(lab, host, FX_LSA_KEY, "auditbaseobjects", 'i', "0");
	lab_reg_set(lab, host, FX_LSA_KEY, "crashonauditfail", 'i', "0");
	lab_reg_set(lab, host, FX_LSA_KEY, "LimitBlankPasswordUse", 'i', "1");
	lab_reg_set(lab, host, FX_LSA_KEY, "lmcompatibilitylevel", 'i', "3");
	lab_reg_set(lab, host, FX_LSA_KEY, "NoLmHash", 'i', "1");
	lab_reg_set(lab, host, FX_FIPS_KEY, "Enabled", 'i', "0");
	/* Schannel's key is always there, with its EventLogging value;
	 * the protocol and cipher keys under it are made by hardening (or
	 * by Windows Server 2008 R2 for SSL 2.0's client side). */
	lab_reg_set(lab, host, "HKLM\\System\\CurrentControlSet\\Control\\"
	    "SecurityProviders\\SCHANNEL", "EventLogging", 'i', "1");
	if (strstr(os, "2008 R2") != NULL)
		lab_reg_set(lab, host, "HKLM\\System\\CurrentControlSet\\"
		    "Control\\SecurityProviders\\SCHANNEL\\Protocols\\"
		    "SSL 2.0\\Client", "DisabledByDefault", 'i', "1");
}

static const char *const imp_services[][2] = {
	{ "A Cisco DB", "STARTED" },
	{ "A Cisco DB Replicator", "STARTED" },
	{ "Cisco AMC Service", "STARTED" },
	{ "Cisco Audit Event Service", "STARTED" },
	{ "Cisco Bulk Provisioning Service", "STOPPED" },
	{ "Cisco CDP", "STARTED" },
	{ "Cisco CDP Agent", "STARTED" },
	{ "Cisco Certificate Change Notification", "STARTED" },
	{ "Cisco Certificate Expiry Monitor", "STARTED" },
	{ "Cisco Client Profile Agent", "STARTED" },
	{ "Cisco Config Agent", "STARTED" },
	{ "Cisco DRF Local", "STARTED" },
	{ "Cisco DRF Master", "STARTED" },
	{ "Cisco Database Layer Monitor", "STARTED" },
	{ "Cisco IM and Presence Data Monitor", "STARTED" },
	{ "Cisco Intercluster Sync Agent", "STARTED" },
	{ "Cisco Log Partition Monitoring Tool", "STARTED" },
	{ "Cisco Login Datastore", "STARTED" },
	{ "Cisco OAM Agent", "STARTED" },
	{ "Cisco Presence Datastore", "STARTED" },
	{ "Cisco Presence Engine", "STARTED" },
	{ "Cisco RIS Data Collector", "STARTED" },
	{ "Cisco RTMT Reporter Servlet", "STARTED" },
	{ "Cisco Route Datastore", "STARTED" },
	{ "Cisco SIP Proxy", "STARTED" },
	{ "Cisco SIP Registration Datastore", "STARTED" },
	{ "Cisco Serviceability Reporter", "STOPPED" },
	{ "Cisco Server Recovery Manager", "STARTED" },
	{ "Cisco Syslog Agent", "STARTED" },
	{ "Cisco Tomcat", "STARTED" },
	{ "Cisco Tomcat Stats Servlet", "STARTED" },
	{ "Cisco Trace Collection Service", "STARTED" },
	{ "Cisco Trace Collection Servlet", "STARTED" },
	{ "Cisco XCP Authentication Service", "STARTED" },
	{ "Cisco XCP Config Manager", "STARTED" },
	{ "Cisco XCP Connection Manager", "STARTED" },
	{ "Cisco XCP Directory Service", "STOPPED" },
	{ "Cisco XCP File Transfer Manager", "STOPPED" },
	{ "Cisco XCP Message Archiver", "STOPPED" },
	{ "Cisco XCP Router", "STARTED" },
	{ "Cisco XCP SIP Federation Connection Manager", "STARTED" },
	{ "Cisco XCP Text Conference Manager", "STOPPED" },
	{ "Cisco XCP Web Connection Manager", "STARTED" },
	{ "Cisco XCP XMPP Federation Connection Manager", "STOPPED" },
	{ "Host Resources Agent", "STARTED" },
	{ "MIB2 Agent", "STARTED" },
	{ "Platform Administrative Web Service", "STARTED" },
	{ "Platform Communication Web Service", "STARTED" },
	{ "SNMP Master Agent", "STARTED" },
};

static void
imp_base(struct lab *lab, const struct lab_host *h, int casigned,
    const char *version)
{
	struct lab_certspec	 s;
	int64_t			 id, self, cup;
	char			*subject, *ntp;
	size_t			 i;

	id = lab_obj_ensure(lab, h->name, "Platform", "system");
	lab_sets(lab, id, "Version", version);
	lab_sets(lab, id, "Hostname", h->name);
	for (i = 0; i < nitems(imp_services); i++) {
		id = lab_obj_ensure(lab, h->name, "Service",
		    imp_services[i][0]);
		lab_sets(lab, id, "Name", imp_services[i][0]);
		lab_sets(lab, id, "Status", imp_services[i][1]);
		lab_setb(lab, id, "Activated", strcmp(imp_services[i][1],
		    "STARTED") == 0);
	}
	/* Every unit starts with the system's self-signed certificate. */
	subject = xasprintf("CN=%s, OU=UC, O=Example Inc, L=Springfield, "
	    "S=IL, C=US", h->fqdn);
	memset(&s, 0, sizeof(s));
	s.subject = subject;
	s.sans = h->fqdn;
	s.ekus = "serverAuth clientAuth";
	s.age = ESTATE_AGE;
	self = lab_cert_issue(lab, host_key(lab, h->name), 0, &s);
	lab_store_add(lab, h->name, "own", self, "tomcat/tomcat.pem");
	lab_store_add(lab, h->name, "own", self, "ipsec/ipsec.pem");
	lab_store_add(lab, h->name, "own", self, "cup-xmpp/cup-xmpp.pem");
	lab_store_add(lab, h->name, "own", self, "cup-xmpp-s2s/"
	    "cup-xmpp-s2s.pem");
	if (casigned) {
		cup = lab_cert_issue(lab, host_key(lab, h->name),
		    fx_ca_cert(lab), &s);
		fx_imp_trust(lab, h->name, "cup-trust", fx_ca_cert(lab));
		fx_imp_trust(lab, h->name, "tomcat-trust", fx_ca_cert(lab));
	} else
		cup = self;
	fx_imp_set_own(lab, h->name, "cup", cup);
	{
		char	*n;

		n = xasprintf("tomcat-trust/%s.pem", h->fqdn);
		lab_store_add(lab, h->name, "trust", self, n);
		free(n);
		n = xasprintf("cup-trust/%s.pem", h->fqdn);
		lab_store_add(lab, h->name, "trust", self, n);
		free(n);
	}
	free(subject);
	/* "IM and Presence always syncs to the CUCM publisher": its
	 * ntpd follows cucm1, which follows the lab's source. */
	{
		struct lab_host	pub;

		id = lab_obj_ensure(lab, h->name, "Ntp", "ntp");
		if (lab_host_get(lab, "cucm1", &pub) == 0)
			lab_sets(lab, id, "Server", pub.address);
		else {
			ntp = addr(lab, OCTET_NTP);
			lab_sets(lab, id, "Server", ntp);
			free(ntp);
		}
		lab_setb(lab, id, "Synced", 1);
		lab_seti(lab, id, "Stratum", 3);
	}
	id = lab_obj_ensure(lab, h->name, "AppListener",
	    "Default Cisco SIP Proxy TCP Listener");
	lab_seti(lab, id, "Port", 5060);
	lab_sets(lab, id, "Transport", "TCP");
	lab_sets(lab, id, "Type", "TCP");
	id = lab_obj_ensure(lab, h->name, "AppListener",
	    "Default Cisco SIP Proxy TLS Listener - Peer Auth");
	lab_seti(lab, id, "Port", 5062);
	lab_sets(lab, id, "Transport", "TLS");
	lab_sets(lab, id, "Type", "Peer Auth");
	lab_sets(lab, id, "Context", FX_PEER_CTX);
	id = lab_obj_ensure(lab, h->name, "AppListener",
	    "Default Cisco SIP Proxy TLS Listener - Server Auth");
	lab_seti(lab, id, "Port", 5061);
	lab_sets(lab, id, "Transport", "TLS");
	lab_sets(lab, id, "Type", "Server Auth");
	lab_sets(lab, id, "Context",
	    "Default_Cisco_UPS_SIP_Proxy_Server_Auth_TLS_Context");
	id = lab_obj_ensure(lab, h->name, "TlsContext", FX_PEER_CTX);
	lab_set(lab, id, "Ciphers", 'l',
	    "TLS_RSA_WITH_AES_128_CBC_SHA\nTLS_RSA_WITH_AES_256_CBC_SHA");
	lab_set(lab, id, "PeerSubjects", 'l', "");
	lab_setb(lab, id, "DisableEmptyFragments", 0);
	id = lab_obj_ensure(lab, h->name, "TlsContext",
	    "Default_Cisco_UPS_SIP_Proxy_Server_Auth_TLS_Context");
	lab_set(lab, id, "Ciphers", 'l',
	    "TLS_RSA_WITH_AES_128_CBC_SHA\nTLS_RSA_WITH_AES_256_CBC_SHA");
	lab_setb(lab, id, "DisableEmptyFragments", 1);
	id = lab_obj_ensure(lab, h->name, "SipProxy", "settings");
	lab_sets(lab, id, "FederationRoutingFqdn", "");
	lab_setb(lab, id, "FederationEnabled", 1);
}

/* A Lync front end with its Default certificate (old: from the legacy
 * CA, Server Authentication only). */
static void
lync_base(struct lab *lab, const struct lab_host *h, int64_t def,
    int64_t root)
{
	windows_base(lab, h->name, "Windows Server 2008 R2 Enterprise");
	service(lab, h->name, "RtcSrv", "Lync Server Front-End", "Running");
	service(lab, h->name, "RTCCLSAGT", "Lync Server Centralized Logging "
	    "Service Agent", "Running");
	lab_store_add(lab, h->name, "My", def, "");
	lab_store_add(lab, h->name, "Root", root, "");
	fx_lync_assign(lab, h->name, "Default", def);
}

static void
cs_site(struct lab *lab, const char *scope, const char *name,
    const char *pool, const char *const *computers, size_t n)
{
	int64_t		 id;
	struct buf	 b;
	size_t		 i;
	char		*v, *sid;

	sid = xasprintf("Site:%s", name);
	id = lab_obj_ensure(lab, scope, "CsSite", sid);
	lab_seti(lab, id, "SiteId", 1);
	lab_sets(lab, id, "DisplayName", name);
	lab_sets(lab, id, "SiteType", "CentralSite");
	v = xasprintf("UserServer:%s\nRegistrar:%s\nUserDatabase:%s", pool,
	    pool, pool);
	lab_set(lab, id, "Services", 'l', v);
	free(v);
	lab_set(lab, id, "Pools", 'l', pool);
	id = lab_obj_ensure(lab, scope, "CsPool", pool);
	lab_sets(lab, id, "Site", sid);
	free(sid);
	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", computers[i]);
	lab_set(lab, id, "Computers", 'l', b.s != NULL ? b.s : "");
	buf_free(&b);
}

static void
ocs_base(struct lab *lab, const struct lab_host *h, int r2, int64_t mycert,
    int64_t root)
{
	int64_t	id;
	char	*g;

	windows_base(lab, h->name, r2 ? "Windows Server 2008 Enterprise" :
	    "Windows Server 2003 R2 Enterprise Edition");
	if (!r2) {
		/* Windows Server 2003 keeps the policy as a value of Lsa. */
		lab_obj_delete(lab, lab_obj_find(lab, h->name, "Registry",
		    FX_FIPS_KEY));
		lab_reg_set(lab, h->name, FX_LSA_KEY, "FIPSAlgorithmPolicy",
		    'i', "0");
	}
	service(lab, h->name, "RTCSRV", "Office Communications Server "
	    "Front-End", "Running");
	lab_store_add(lab, h->name, "My", mycert, "");
	if (root != 0)
		lab_store_add(lab, h->name, "Root", root, "");
	fx_ocs_use_cert(lab, h->name, mycert);
	id = lab_obj_ensure(lab, h->name, "MSFT_SIPDomainData", "domain");
	g = xstrdup("{2F6A9C41-7D3E-4B58-A1C0-5E8D2B7F9034}");
	lab_sets(lab, id, "Address", h->domain);
	lab_setb(lab, id, "Authoritative", 1);
	lab_setb(lab, id, "DefaultDomain", 1);
	lab_sets(lab, id, "InstanceID", g);
	free(g);
	fx_ocs_listener(lab, h->name, "TCP", 5060, 1);
	if (!r2)
		fx_ocs_listener(lab, h->name, "MTLS", 5061, 1);
	/* A host authorization every OCS deployment has: its gateway. */
	fx_ocs_hostauth_add(lab, h->name, "gw1.example.com", 1, 0, 1);
}

/* ---- fresh ------------------------------------------------------------ */

static void
wipe_state(struct lab *lab)
{
	sqlite3_exec(lab->db, "DELETE FROM props; DELETE FROM objects; "
	    "DELETE FROM stores; DELETE FROM certs; DELETE FROM files; "
	    "DELETE FROM dns; DELETE FROM keys WHERE host IS NOT NULL; "
	    "DELETE FROM meta WHERE key IN ('ca_cert', 'old_ca_cert', "
	    "'next_request', 'next_route', 'key_turn')", NULL, NULL, NULL);
	lab->changed = 1;
}

static void
dns_base(struct lab *lab)
{
	struct lab_host	*hv;
	size_t		 n, i;
	char		*a;

	lab_hosts(lab, &hv, &n);
	for (i = 0; i < n; i++)
		if (strcmp(hv[i].kind, "alias") != 0)
			lab_run(lab, lab_stmt(lab, "INSERT INTO dns (name, type, "
			    "value) VALUES (?, 'A', ?)", "ss", hv[i].fqdn,
			    hv[i].address));
	free(hv);
	/* The pool's name: one A record per front end (DNS load
	 * balancing). */
	lab_run(lab, lab_stmt(lab, "INSERT INTO dns (name, type, value) "
	    "SELECT 'pool1.example.com', 'A', address FROM hosts WHERE name "
	    "IN ('fe1', 'fe2') ORDER BY ord", NULL));
	a = addr(lab, OCTET_ASA_OUT);
	lab_dns_set(lab, "imp.example.com", "A", a);
	free(a);
	a = addr(lab, OCTET_EDGE_EXT);
	lab_dns_set(lab, "sip.example.org", "A", a);
	free(a);
	/* How federated partners find each domain (Lync and OCS partners ask
	 * _sipfederationtls._tcp.<domain>). */
	lab_dns_set(lab, "_sipfederationtls._tcp.example.com", "SRV",
	    "0 100 5061 imp.example.com");
	lab_dns_set(lab, "_sipfederationtls._tcp.example.org", "SRV",
	    "0 100 5061 sip.example.org");
	lab_dns_set(lab, "_sipfederationtls._tcp.lync.example.net", "SRV",
	    "0 100 5061 lyncse1.lync.example.net");
}

/* A Cisco Unified CM publisher: the platform CLI with its own services
 * and self-signed certificates, the NTP source of the IM and Presence
 * nodes (it follows the lab's). */
static const char *const cucm_services[] = {
	"A Cisco DB", "A Cisco DB Replicator", "Cisco AXL Web Service",
	"Cisco CallManager", "Cisco CallManager Serviceability",
	"Cisco CDP", "Cisco CDP Agent", "Cisco Certificate Change Notification",
	"Cisco Certificate Expiry Monitor", "Cisco CTIManager",
	"Cisco Database Layer Monitor", "Cisco DRF Local", "Cisco DRF Master",
	"Cisco Log Partition Monitoring Tool", "Cisco RIS Data Collector",
	"Cisco Syslog Agent", "Cisco Tftp", "Cisco Tomcat",
	"Cisco Trace Collection Service", "Cisco Trust Verification Service",
};

static void
cucm_base(struct lab *lab, const struct lab_host *h)
{
	struct lab_certspec	 s;
	int64_t			 id, self;
	char			*subject, *ntp;
	size_t			 i;
	static const char *const units[] = { "tomcat", "CallManager",
	    "ipsec", "CAPF" };

	id = lab_obj_ensure(lab, h->name, "Platform", "system");
	lab_sets(lab, id, "Version", "10.5.2.10000-5");
	lab_sets(lab, id, "Hostname", h->name);
	for (i = 0; i < nitems(cucm_services); i++) {
		id = lab_obj_ensure(lab, h->name, "Service", cucm_services[i]);
		lab_sets(lab, id, "Name", cucm_services[i]);
		lab_sets(lab, id, "Status", "STARTED");
		lab_setb(lab, id, "Activated", 1);
	}
	subject = xasprintf("CN=%s, OU=UC, O=Example Inc, L=Springfield, "
	    "S=IL, C=US", h->fqdn);
	memset(&s, 0, sizeof(s));
	s.subject = subject;
	s.sans = h->fqdn;
	s.ekus = "serverAuth clientAuth";
	s.age = ESTATE_AGE;
	self = lab_cert_issue(lab, host_key(lab, h->name), 0, &s);
	for (i = 0; i < nitems(units); i++) {
		char	*n = xasprintf("%s/%s.pem", units[i], units[i]);

		lab_store_add(lab, h->name, "own", self, n);
		free(n);
	}
	free(subject);
	ntp = addr(lab, OCTET_NTP);
	id = lab_obj_ensure(lab, h->name, "Ntp", "ntp");
	lab_sets(lab, id, "Server", ntp);
	lab_setb(lab, id, "Synced", 1);
	lab_seti(lab, id, "Stratum", 2);
	free(ntp);
}

static void
fresh(struct lab *lab)
{
	struct lab_host		 h;
	struct lab_certspec	 s;
	int64_t			 ca, old, c, id;
	char			*a, *ntp;

	/* The enterprise's CA, and the one the Lync deployment got its
	 * first certificates from. */
	memset(&s, 0, sizeof(s));
	s.subject = "CN=example-CA1, DC=example, DC=com";
	s.ca = 1;
	s.days = 3650;
	s.age = 3 * ESTATE_AGE;
	/* A seat of a class has a CA key of its own (the pool is shared). */
	ca = lab_cert_issue(lab, lab_meta_int(lab, "ca_key", 0) > 0 ?
	    lab_meta_int(lab, "ca_key", 0) : host_key(lab, FX_CA_HOST), 0, &s);
	lab_meta_setf(lab, "ca_cert", "%lld", (long long)ca);
	s.subject = "CN=example-OLDCA, DC=example, DC=com";
	old = lab_cert_issue(lab, lab_key_take(lab, "oldca", "host", 0), 0,
	    &s);
	lab_meta_setf(lab, "old_ca_cert", "%lld", (long long)old);

	/* ca1 */
	lab_host_get(lab, "ca1", &h);
	windows_base(lab, "ca1", "Windows Server 2008 R2 Enterprise");
	service(lab, "ca1", "CertSvc", "Active Directory Certificate Services",
	    "Running");
	lab_store_add(lab, "ca1", "My", ca, "");
	lab_store_add(lab, "ca1", "Root", ca, "");
	id = lab_obj_ensure(lab, "ca1", "CertTemplate", "WebServer");
	lab_sets(lab, id, "Ekus", "serverAuth");
	lab_sets(lab, id, "DisplayName", "Web Server");

	/* lync-imp-tls: pool1 (fe1, fe2), imp1 */
	c = cert(lab, "fe1", old, "CN=pool1.example.com", "pool1.example.com "
	    "sip.example.com fe1.example.com fe2.example.com", "serverAuth",
	    "Lync Default");
	lab_host_get(lab, "fe1", &h);
	lync_base(lab, &h, c, old);
	lab_store_add(lab, "fe2", "My", c, "");
	lab_host_get(lab, "fe2", &h);
	lync_base(lab, &h, c, old);
	{
		static const char *const fes[] = { "fe1.example.com",
		    "fe2.example.com" };

		cs_site(lab, "lync1", "Springfield", "pool1.example.com", fes,
		    2);
	}
	lab_host_get(lab, "imp1", &h);
	imp_base(lab, &h, 1, "10.5.2.10000-5");
	role(lab, "imp1", "PeerSubject", "pool1.example.com");
	role(lab, "imp1", "PeerName", "Lync pool1");

	/* ocs-imp-tls: ocs1, imp2 */
	lab_host_get(lab, "ocs1", &h);
	c = cert(lab, "ocs1", old, "CN=ocs1.example.com, OU=UC, O=Example Inc, "
	    "L=Springfield, S=IL, C=US", "ocs1.example.com", "serverAuth",
	    "OCS 2007");
	ocs_base(lab, &h, 0, c, old);
	lab_host_get(lab, "imp2", &h);
	imp_base(lab, &h, 1, "9.0.1.10000-37");
	role(lab, "imp2", "PeerSubject", "ocs1.example.com");
	role(lab, "imp2", "PeerName", "OCS ocs1");

	/* ocs-partitioned: ocsr2 (its certificate is right, its CA not yet
	 * trusted), imp3 */
	lab_host_get(lab, "ocsr2", &h);
	c = cert(lab, "ocsr2", ca, "CN=ocsr2.example.com", "ocsr2.example.com "
	    "sip.example.com", "serverAuth clientAuth", "OCS 2007 R2");
	ocs_base(lab, &h, 1, c, 0);
	lab_host_get(lab, "imp3", &h);
	imp_base(lab, &h, 0, "9.0.1.10000-37");
	role(lab, "imp3", "PeerSubject", "ocsr2.example.com");
	role(lab, "imp3", "PeerName", "OCS ocsr2");

	/* interdomain-asa: asa1, imp4, edge1 (example.org) */
	lab_host_get(lab, "asa1", &h);
	id = lab_obj_ensure(lab, "asa1", "Asa", "system");
	lab_sets(lab, id, "Hostname", "asa1");
	lab_sets(lab, id, "Domain", "example.com");
	lab_sets(lab, id, "Version", "8.4(2)");
	lab_sets(lab, id, "InsideAddress", h.address);
	a = addr(lab, OCTET_ASA_OUT);
	lab_sets(lab, id, "OutsideAddress", a);
	free(a);
	ntp = addr(lab, OCTET_NTP);
	id = lab_obj_ensure(lab, "asa1", "Ntp", "ntp");
	lab_sets(lab, id, "Server", ntp);
	lab_setb(lab, id, "Synced", 1);
	lab_seti(lab, id, "Stratum", 3);
	free(ntp);
	/* The TLS proxy of the federation chapters: the ASA presents the
	 * certificate of the CA trustpoint on the public address. */
	id = lab_obj_ensure(lab, "asa1", "TlsProxy", "federation");
	lab_sets(lab, id, "ServerTrustpoint", "msca");
	lab_sets(lab, id, "Fqdn", "imp.example.com");
	lab_seti(lab, id, "Port", 5061);
	lab_host_get(lab, "cucm1", &h);
	cucm_base(lab, &h);
	lab_host_get(lab, "imp4", &h);
	imp_base(lab, &h, 0, "9.1.1.10000-11");
	role(lab, "imp4", "PeerSubject", "sip.example.org");
	role(lab, "imp4", "PeerName", "example.org Access Edge");
	lab_host_get(lab, "edge1", &h);
	windows_base(lab, "edge1", "Windows Server 2008 Enterprise");
	service(lab, "edge1", "RTCSRV", "Office Communications Server Access "
	    "Edge", "Running");
	id = lab_obj_ensure(lab, "edge1", "EdgeSettings", "federation");
	lab_setb(lab, id, "FederationEnabled", 1);
	a = addr(lab, OCTET_EDGE_EXT);
	lab_sets(lab, id, "ExternalAddress", a);
	lab_sets(lab, id, "ExternalFqdn", "sip.example.org");
	free(a);
	id = lab_obj_ensure(lab, "edge1", "FederationPartner", "example.com");
	lab_sets(lab, id, "Kind", "AllowedDomain");
	lab_sets(lab, id, "EdgeProxyFqdn", "imp.example.com");

	/* lync-cup-federation: cup1, lyncse1 (lync.example.net) */
	lab_host_get(lab, "cup1", &h);
	imp_base(lab, &h, 0, "9.1.1.10000-11");
	role(lab, "cup1", "PeerSubject", "lyncse1.lync.example.net");
	role(lab, "cup1", "PeerName", "Lync 2013 lyncse1");
	lab_host_get(lab, "lyncse1", &h);
	c = cert(lab, "lyncse1", ca, "CN=lyncse1.lync.example.net",
	    "lyncse1.lync.example.net sip.lync.example.net",
	    "serverAuth clientAuth", "Lync Default");
	lync_base(lab, &h, c, ca);
	fx_win_fips(lab, "lyncse1", 1);
	{
		static const char *const se[] = { "lyncse1.lync.example.net" };

		cs_site(lab, "lync2", "Shelbyville", "lyncse1.lync.example.net",
		    se, 1);
	}
	/* The Lync side of that federation is the partner's, outside the
	 * runbook (it configures CUP only), and done already: CUP is a
	 * trusted application pool with a static route to its domain, so an
	 * OPTIONS from cup1 gets 200 once cup1's side is right. */
	fx_cs_route_add(lab, "lync2", "TLS", 5062, "cup1.example.com",
	    "*.example.com", 1, 0);
	fx_cs_pool_add(lab, "lync2", "cup1.example.com",
	    "lyncse1.lync.example.net", "Site:Shelbyville", 1, 1);
	fx_cs_app_add(lab, "lync2", "cup1.example.com", "CUP", 5062);
	dns_base(lab);
}

/* ---- configured ------------------------------------------------------- */

static void
lync_imp_tls(struct lab *lab)
{
	static const char *const fes[] = { "fe1", "fe2" };
	struct lab_host	 imp;
	size_t		 i;
	int64_t		 c;
	char		*xml, *why;

	lab_host_get(lab, "imp1", &imp);
	for (i = 0; i < nitems(fes); i++) {
		fx_win_download_chain(lab, fes[i], NULL);
		fx_win_install_chain(lab, fes[i], "Root");
		fx_win_request(lab, fes[i], "c:\\cert.csr",
		    "CN=pool1.example.com", "pool1.example.com sip.example.com "
		    "fe1.example.com fe2.example.com", "serverAuth clientAuth",
		    NULL);
		fx_ca_submit(lab, fes[i], NULL);
		fx_ca_issue_pending(lab, fes[i]);
		c = fx_win_fetch_issued(lab, fes[i], NULL, 1);
		fx_lync_assign(lab, fes[i], "Default", c);
		fx_win_fips(lab, fes[i], 1);
	}
	fx_cs_route_add(lab, "lync1", "TLS", 5062, imp.fqdn, "*.example.com",
	    1, 0);
	fx_cs_pool_add(lab, "lync1", imp.fqdn, "pool1.example.com",
	    "Site:Springfield", 1, 1);
	fx_cs_app_add(lab, "lync1", imp.fqdn, "RCC", 5062);
	xml = fx_cs_topology_xml(lab, "lync1");
	{
		char	*p = strstr(xml, "IPAddress=\"0.0.0.0\""), *nx;

		if (p != NULL) {
			*p = '\0';
			nx = xasprintf("%sIPAddress=\"%s\"%s", xml, imp.address,
			    p + strlen("IPAddress=\"0.0.0.0\""));
			free(xml);
			xml = nx;
		}
	}
	fx_cs_topology_publish(lab, "lync1", xml, &why);
	free(why);
	free(xml);
	fx_imp_peer_subject(lab, "imp1", "pool1.example.com", "Lync pool1");
	fx_imp_context(lab, "imp1", "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	    "pool1.example.com", 1);
}

static void
ocs_imp_tls(struct lab *lab)
{
	struct lab_host	imp;
	int64_t		c;

	lab_host_get(lab, "imp2", &imp);
	fx_win_download_chain(lab, "ocs1", NULL);
	fx_win_install_chain(lab, "ocs1", "Root");
	fx_win_request(lab, "ocs1", NULL, "CN=ocs1.example.com",
	    "ocs1.example.com", "serverAuth clientAuth", NULL);
	fx_ca_submit(lab, "ocs1", NULL);
	fx_ca_issue_pending(lab, "ocs1");
	c = fx_win_fetch_issued(lab, "ocs1", FX_DOWNLOADS "\\ocs1.cer", 1);
	fx_ocs_use_cert(lab, "ocs1", c);
	fx_ocs_route_add(lab, "ocs1", "sip:*@imp2.example.com", imp.fqdn,
	    5062, "TLS", 1);
	fx_ocs_hostauth_add(lab, "ocs1", imp.fqdn, 0, 1, 1);
	fx_win_fips(lab, "ocs1", 1);
	fx_imp_peer_subject(lab, "imp2", "ocs1.example.com", "OCS ocs1");
	fx_imp_context(lab, "imp2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	    "ocs1.example.com", 1);
}

static void
ocs_partitioned(struct lab *lab)
{
	struct lab_host	imp;

	lab_host_get(lab, "imp3", &imp);
	fx_ocs_listener(lab, "ocsr2", "MTLS", 5061, 1);
	fx_ocs_route_add(lab, "ocsr2", "sip:*@example.com", imp.fqdn, 5061,
	    "TLS", 0);
	fx_ocs_hostauth_add(lab, "ocsr2", imp.fqdn, 0, 1, 1);
	fx_ocs_hostauth_add(lab, "ocsr2", imp.address, 0, 1, 1);
	fx_win_fips(lab, "ocsr2", 1);
	fx_win_download_ca(lab, "ocsr2", NULL);
	fx_win_install_chain(lab, "ocsr2", "Root");
	{
		struct lab_cert	lc;

		if (lab_cert_load(lab, fx_ca_cert(lab), &lc) == 0) {
			lab_file_write(lab, "local", "example-CA1.cer", lc.pem,
			    strlen(lc.pem));
			lab_cert_free(&lc);
		}
	}
	fx_imp_listener(lab, "imp3", "Default Cisco SIP Proxy TLS Listener - "
	    "Server Auth", 5063);
	fx_imp_listener(lab, "imp3", "Default Cisco SIP Proxy TLS Listener - "
	    "Peer Auth", 5061);
	fx_imp_route(lab, "imp3", ".com.example.*", "ocsr2.example.com", 5061,
	    "Domain", "TLS");
	fx_imp_trust(lab, "imp3", "cup-trust", fx_ca_cert(lab));
	free(fx_imp_csr(lab, "imp3", "cup"));
	fx_imp_sign_and_upload(lab, "imp3", "cup");
	fx_imp_peer_subject(lab, "imp3", "ocsr2.example.com", "OCS ocsr2");
	fx_imp_context(lab, "imp3", "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	    "ocsr2.example.com", 1);
}

static void
interdomain_asa(struct lab *lab)
{
	struct lab_host	 asa;
	int64_t		 tp, c;
	char		*why, *v;
	struct lab_cert	 lc;

	lab_host_get(lab, "asa1", &asa);
	fx_asa_keypair(lab, "asa1", "cup_proxy_key", 1024);
	tp = lab_obj_ensure(lab, "asa1", "Trustpoint", "cup_proxy");
	lab_sets(lab, tp, "enrollment", "self");
	lab_sets(lab, tp, "fqdn", "none");
	v = xasprintf("cn=%s", asa.address);
	lab_sets(lab, tp, "subject-name", v);
	free(v);
	lab_sets(lab, tp, "keypair", "cup_proxy_key");
	c = fx_asa_enroll_self(lab, "asa1", "cup_proxy", &why);
	free(why);
	if (lab_cert_load(lab, c, &lc) == 0) {
		lab_file_write(lab, "local", "asa1-cup_proxy.pem", lc.pem,
		    strlen(lc.pem));
		lab_cert_free(&lc);
	}
	fx_imp_trust(lab, "imp4", "cup-trust", c);
	tp = lab_obj_ensure(lab, "asa1", "Trustpoint", "cert_from_cup");
	lab_sets(lab, tp, "enrollment", "terminal");
	c = fx_imp_own(lab, "imp4", "cup");
	if (lab_cert_load(lab, c, &lc) == 0) {
		lab_file_write(lab, "local", "imp4-cup.pem", lc.pem,
		    strlen(lc.pem));
		lab_cert_free(&lc);
	}
	fx_asa_tp_set_cert(lab, "asa1", "cert_from_cup", "ca", c);
	tp = lab_obj_ensure(lab, "asa1", "Trustpoint", "msca");
	lab_sets(lab, tp, "client-types", "ssl");
	lab_sets(lab, tp, "fqdn", "imp.example.com");
	lab_sets(lab, tp, "keypair", "public_key_for_ca");
	{
		struct lab_host	ca;

		lab_host_get(lab, "ca1", &ca);
		v = xasprintf("url http://%s/certsrv/mscep/mscep.dll",
		    ca.address);
		lab_sets(lab, tp, "enrollment", v);
		free(v);
	}
	fx_asa_keypair(lab, "asa1", "public_key_for_ca", 1024);
	fx_asa_scep_ca(lab, "asa1", "msca", &why);
	free(why);
	fx_asa_scep_enroll(lab, "asa1", "msca", &why);
	free(why);
	/* The Access Edge of example.org and the CA's custom template. */
	fx_win_download_chain(lab, "edge1", NULL);
	fx_win_install_chain(lab, "edge1", "Root");
	tp = lab_obj_ensure(lab, FX_CA_HOST, "CertTemplate",
	    "Mutual Authentication Certificate");
	lab_sets(lab, tp, "Ekus", "clientAuth serverAuth");
	lab_sets(lab, tp, "DisplayName", "Mutual Authentication Certificate");
	fx_win_request(lab, "edge1", NULL, "CN=sip.example.org",
	    "sip.example.org", "serverAuth clientAuth",
	    "Mutual Authentication Certificate");
	fx_ca_submit(lab, "edge1", "Mutual Authentication Certificate");
	c = fx_win_fetch_issued(lab, "edge1", NULL, 1);
	fx_ocs_use_cert(lab, "edge1", c);
}

static void
lync_cup_federation(struct lab *lab)
{
	struct lab_cert	 lc;
	char		*csr;
	int64_t		 c;

	fx_imp_trust(lab, "cup1", "cup-trust", fx_ca_cert(lab));
	if (lab_cert_load(lab, fx_ca_cert(lab), &lc) == 0) {
		lab_file_write(lab, "local", "example-CA1.cer", lc.pem,
		    strlen(lc.pem));
		lab_cert_free(&lc);
	}
	csr = fx_imp_csr(lab, "cup1", "cup");
	if (csr != NULL)
		lab_file_write(lab, "local", "cup1-cup.csr", csr, strlen(csr));
	free(csr);
	c = fx_imp_sign_and_upload(lab, "cup1", "cup");
	if (lab_cert_load(lab, c, &lc) == 0) {
		lab_file_write(lab, "local", "cup1-cup.cer", lc.pem,
		    strlen(lc.pem));
		lab_cert_free(&lc);
	}
	fx_imp_fed_domain(lab, "cup1", "lync.example.net");
	fx_imp_route(lab, "cup1", ".net.example.lync.*",
	    "lyncse1.lync.example.net", 5061, "User", "TLS");
	fx_imp_peer_subject(lab, "cup1", "lyncse1.lync.example.net",
	    "Lync 2013 lyncse1");
	fx_imp_context(lab, "cup1", "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	    "lyncse1.lync.example.net", 1);
	fx_imp_acl(lab, "cup1", "lyncse1.lync.example.net");
	fx_imp_routing_fqdn(lab, "cup1", "cup1.example.com");
}

void
estate_build(struct lab *lab, const char *state)
{
	const char	*who = lab->who;

	lab->who = "lab up";
	wipe_state(lab);
	fresh(lab);
	if (strcmp(state, "configured") == 0) {
		lync_imp_tls(lab);
		ocs_imp_tls(lab);
		ocs_partitioned(lab);
		interdomain_asa(lab);
		lync_cup_federation(lab);
	}
	lab_meta_set(lab, "state", state);
	/* What was built is the starting point, not a change. */
	lab_run(lab, lab_stmt(lab, "DELETE FROM log", NULL));
	lab->who = who;
}

/* ---- answers ------------------------------------------------------------ */

/*
 * The lab's answers, driven by the runbook as it is now: only the
 * variables and roles it declares are written, so a runbook that gains,
 * renames or drops a variable (issues 12 and 13) still gets a file it
 * loads. A variable answered per host (`per_host: ROLE`) goes on each
 * host's entry of that role, with that host's value.
 *
 * Values are templates: {fqdn:H} and {addr:H} a host's name and address,
 * {file:H:PATH} where the lab keeps that host's file PATH (host "local":
 * this computer), {tls:H-PORT.EXT} what listener H:PORT presents
 * (DIR/tls), {ntp} the lab's NTP source; H "self" is the host the value
 * is for (per host), else the first host of the row's role.
 */
struct ans_val {
	const char	*rb;		/* NULL: any runbook */
	const char	*var;
	const char	*role;		/* whose host "self" is */
	const char	*tmpl;
};

#define DL	FX_DOWNLOADS "\\"

static const struct ans_val ans_vals[] = {
	{ "lync-imp-tls", "ca_server", NULL, "ca1.example.com" },
	{ "lync-imp-tls", "ca_chain_path", "lync_fe",
	    "{file:self:" DL "certnew.p7b}" },
	{ "lync-imp-tls", "lync_fqdn", "lync_fe", "{fqdn:self}" },
	{ "lync-imp-tls", "lync_pool_fqdn", NULL, "pool1.example.com" },
	{ "lync-imp-tls", "lync_sip_port", NULL, "5061" },
	{ "lync-imp-tls", "csr_path", NULL, "c:\\cert.csr" },
	{ "lync-imp-tls", "csr_local_path", "lync_fe",
	    "{file:self:c:\\cert.csr}" },
	{ "lync-imp-tls", "cert_local_path", "lync_fe",
	    "{file:self:" DL "certnew.cer}" },
	{ "lync-imp-tls", "imp_fqdn", "imp", "{fqdn:self}" },
	{ "lync-imp-tls", "imp_address", "imp", "{addr:self}" },
	{ "lync-imp-tls", "sip_domain", NULL, "example.com" },
	{ "lync-imp-tls", "peer_auth_port", NULL, "5062" },
	{ "lync-imp-tls", "lync_site_id", NULL, "1" },
	{ "lync-imp-tls", "topology_xml_path", NULL, "C:\\rcc.xml" },
	{ "lync-imp-tls", "tcp_configured", NULL, "no" },
	{ "lync-imp-tls", "imp_probe_cert", NULL, "{tls:imp1-5062.pem}" },
	{ "lync-imp-tls", "imp_probe_key", NULL, "{tls:imp1-5062.key}" },
	{ "lync-imp-tls", "lync_probe_cert", NULL, "{tls:fe1-5061.pem}" },
	{ "lync-imp-tls", "lync_probe_key", NULL, "{tls:fe1-5061.key}" },

	{ "ocs-imp-tls", "ca_server", NULL, "ca1.example.com" },
	{ "ocs-imp-tls", "ca_version", NULL, "2008" },
	{ "ocs-imp-tls", "ocs_fqdn", "ocs_fe", "{fqdn:self}" },
	{ "ocs-imp-tls", "ocs_tls_port", NULL, "5061" },
	{ "ocs-imp-tls", "chain_path", "ocs_fe",
	    "{file:self:" DL "certnew.p7b}" },
	{ "ocs-imp-tls", "cert_export_path", "ocs_fe",
	    "{file:self:" DL "ocs1.cer}" },
	{ "ocs-imp-tls", "imp_fqdn", "imp", "{fqdn:self}" },
	{ "ocs-imp-tls", "peer_auth_port", NULL, "5062" },
	{ "ocs-imp-tls", "imp_probe_cert", NULL, "{tls:imp2-5062.pem}" },
	{ "ocs-imp-tls", "imp_probe_key", NULL, "{tls:imp2-5062.key}" },
	{ "ocs-imp-tls", "ocs_probe_cert", NULL, "{tls:ocs1-5061.pem}" },
	{ "ocs-imp-tls", "ocs_probe_key", NULL, "{tls:ocs1-5061.key}" },

	{ "ocs-partitioned", "transport", NULL, "tls" },
	{ "ocs-partitioned", "edition", NULL, "standard" },
	{ "ocs-partitioned", "ca_kind", NULL, "standalone" },
	{ "ocs-partitioned", "new_ocs_cert", NULL, "no" },
	{ "ocs-partitioned", "imp_domain", NULL, "example.com" },
	{ "ocs-partitioned", "imp_fqdn", "imp", "{fqdn:self}" },
	{ "ocs-partitioned", "imp_address", "imp", "{addr:self}" },
	{ "ocs-partitioned", "route_imp_fqdn", "imp", "{fqdn:self}" },
	{ "ocs-partitioned", "route_imp_address", "imp", "{addr:self}" },
	{ "ocs-partitioned", "peer_auth_port", NULL, "5061" },
	{ "ocs-partitioned", "ocs_fqdn", "ocs_fe", "{fqdn:self}" },
	{ "ocs-partitioned", "ocs_route_fqdn", "ocs_fe", "{fqdn:self}" },
	{ "ocs-partitioned", "ocs_ca_name", NULL, "example-CA1" },
	{ "ocs-partitioned", "ca_root_file", NULL,
	    "{file:local:example-CA1.cer}" },
	{ "ocs-partitioned", "ocs_cert_file", "ocs_fe",
	    "{file:self:" DL "ocsr2.cer}" },
	{ "ocs-partitioned", "imp_probe_cert", NULL, "{tls:imp3-5061.pem}" },
	{ "ocs-partitioned", "imp_probe_key", NULL, "{tls:imp3-5061.key}" },
	{ "ocs-partitioned", "ocs_probe_cert", NULL, "{tls:ocsr2-5061.pem}" },
	{ "ocs-partitioned", "ocs_probe_key", NULL, "{tls:ocsr2-5061.key}" },

	{ "interdomain-asa", "asa_keypair", NULL, "cup_proxy_key" },
	{ "interdomain-asa", "asa_trustpoint", NULL, "cup_proxy" },
	{ "interdomain-asa", "asa_inside_address", "asa", "{addr:self}" },
	{ "interdomain-asa", "asa_cert_file", NULL,
	    "{file:local:asa1-cup_proxy.pem}" },
	{ "interdomain-asa", "imp_fqdn", "imp", "{fqdn:self}" },
	{ "interdomain-asa", "imp_cert_file", NULL,
	    "{file:local:imp4-cup.pem}" },
	{ "interdomain-asa", "imp_trustpoint", NULL, "cert_from_cup" },
	{ "interdomain-asa", "peer_auth_port", NULL, "5062" },
	{ "interdomain-asa", "enrollment", NULL, "scep" },
	{ "interdomain-asa", "ca_trustpoint", NULL, "msca" },
	{ "interdomain-asa", "imp_public_fqdn", NULL, "imp.example.com" },
	{ "interdomain-asa", "asa_public_port", NULL, "5061" },
	{ "interdomain-asa", "ca_keypair", NULL, "public_key_for_ca" },
	{ "interdomain-asa", "ca_address", "ca", "{addr:self}" },
	{ "interdomain-asa", "ca_server", "ca", "{fqdn:self}" },
	{ "interdomain-asa", "ca_kind", NULL, "enterprise" },
	{ "interdomain-asa", "ca_version", NULL, "2008" },
	{ "interdomain-asa", "edge_server", NULL, "access_edge" },
	{ "interdomain-asa", "ca_chain_file", "access_edge",
	    "{file:self:" DL "certnew.p7b}" },
	{ "interdomain-asa", "access_edge_external_fqdn", NULL,
	    "sip.example.org" },
	{ "interdomain-asa", "edge_federation_port", NULL, "5061" },
	{ "interdomain-asa", "lync_edge_external_fqdn", NULL,
	    "lyncedge.example.org" },
	{ "interdomain-asa", "federate_aol", NULL, "no" },
	{ "interdomain-asa", "ntp_server", NULL, "{ntp}" },
	{ "interdomain-asa", "cucm_publisher", "cucm", "{addr:self}" },
	{ "interdomain-asa", "imp_sip_domain", NULL, "example.com" },
	{ "interdomain-asa", "edge_sip_domain", NULL, "example.org" },
	{ "interdomain-asa", "imp_probe_cert", NULL, "{tls:asa1-5061.pem}" },
	{ "interdomain-asa", "imp_probe_key", NULL, "{tls:asa1-5061.key}" },
	{ "interdomain-asa", "edge_probe_cert", NULL, "{tls:edge1-5061.pem}" },
	{ "interdomain-asa", "edge_probe_key", NULL, "{tls:edge1-5061.key}" },

	{ "lync-cup-federation", "lync_sip_domain", NULL, "lync.example.net" },
	{ "lync-cup-federation", "cup_domain", NULL, "example.com" },
	{ "lync-cup-federation", "cup_fqdn", "cup", "{fqdn:self}" },
	{ "lync-cup-federation", "lync_fqdn", NULL, "{fqdn:lyncse1}" },
	{ "lync-cup-federation", "lync_address", NULL, "{addr:lyncse1}" },
	{ "lync-cup-federation", "lync_tls_port", NULL, "5061" },
	{ "lync-cup-federation", "destination_pattern", NULL,
	    ".net.example.lync.*" },
	{ "lync-cup-federation", "federation_routing_fqdn", "cup",
	    "{fqdn:self}" },
	{ "lync-cup-federation", "ca_server", NULL, "ca1.example.com" },
	{ "lync-cup-federation", "ca_name", NULL, "example-CA1" },
	{ "lync-cup-federation", "issuer_name", NULL, "example-CA1" },
	{ "lync-cup-federation", "ca_cert_file", NULL,
	    "{file:local:example-CA1.cer}" },
	{ "lync-cup-federation", "csr_file", NULL, "{file:local:cup1-cup.csr}" },
	{ "lync-cup-federation", "cup_cert_file", NULL,
	    "{file:local:cup1-cup.cer}" },
	{ "lync-cup-federation", "peer_auth_port", NULL, "5062" },
	{ "lync-cup-federation", "lync_ssh", NULL, "true" },
	{ "lync-cup-federation", "lync_probe_cert", NULL,
	    "{tls:lyncse1-5061.pem}" },
	{ "lync-cup-federation", "lync_probe_key", NULL,
	    "{tls:lyncse1-5061.key}" },
	{ "lync-cup-federation", "cup_probe_cert", NULL, "{tls:cup1-5062.pem}" },
	{ "lync-cup-federation", "cup_probe_key", NULL, "{tls:cup1-5062.key}" },
};

/* The lab's hosts for each role of each runbook. */
static const struct {
	const char	*rb;
	const char	*role;
	const char	*hosts;		/* space-separated */
} ans_roles[] = {
	{ "lync-imp-tls", "lync_fe", "fe1 fe2" },
	{ "lync-imp-tls", "imp", "imp1" },
	{ "ocs-imp-tls", "ocs_fe", "ocs1" },
	{ "ocs-imp-tls", "ocs_pool", "ocspool1" },
	{ "ocs-imp-tls", "imp", "imp2" },
	{ "ocs-partitioned", "ocs_fe", "ocsr2" },
	{ "ocs-partitioned", "ocs_pool", "ocsr2pool" },
	{ "ocs-partitioned", "imp", "imp3" },
	{ "interdomain-asa", "asa", "asa1" },
	{ "interdomain-asa", "imp", "imp4" },
	{ "interdomain-asa", "access_edge", "edge1" },
	{ "interdomain-asa", "ca", "ca1" },
	{ "interdomain-asa", "cucm", "cucm1" },
	{ "lync-cup-federation", "cup", "cup1" },
	{ "lync-cup-federation", "lync_fe", "lyncse1" },
};

static const char *
role_hosts(const char *rb, const char *role)
{
	size_t	i;

	for (i = 0; i < nitems(ans_roles); i++)
		if (strcmp(ans_roles[i].rb, rb) == 0 &&
		    strcmp(ans_roles[i].role, role) == 0)
			return ans_roles[i].hosts;
	return NULL;
}

static const struct ans_val *
ans_val_of(const char *rb, const char *var)
{
	size_t	i;

	for (i = 0; i < nitems(ans_vals); i++)
		if ((ans_vals[i].rb == NULL || strcmp(ans_vals[i].rb, rb) == 0)
		    && strcmp(ans_vals[i].var, var) == 0)
			return &ans_vals[i];
	return NULL;
}

/* A template's value for the host self (NULL: the first of the row's
 * role); NULL when a host it names is not in the lab. */
static char *
ans_expand(struct lab *lab, const char *rb, const struct ans_val *v,
    const char *self)
{
	struct buf	 b;
	const char	*p, *end, *hs;
	char		 tok[256], host[64], *arg, *x;
	struct lab_host	 h;

	if (self == NULL && v->role != NULL &&
	    (hs = role_hosts(rb, v->role)) != NULL) {
		snprintf(host, sizeof(host), "%.*s", (int)strcspn(hs, " "), hs);
		self = host;
	}
	buf_init(&b);
	for (p = v->tmpl; *p != '\0'; p = end + 1) {
		if (*p != '{' || (end = strchr(p, '}')) == NULL) {
			buf_addc(&b, *p);
			end = p;
			continue;
		}
		snprintf(tok, sizeof(tok), "%.*s", (int)(end - p - 1), p + 1);
		if (strcmp(tok, "ntp") == 0) {
			x = lab_meta(lab, "block");
			buf_printf(&b, "%s.%d", x ? x : "", OCTET_NTP);
			free(x);
			continue;
		}
		if (strncmp(tok, "tls:", 4) == 0) {
			x = lab_path(lab, "tls");
			buf_printf(&b, "%s/%s", x, tok + 4);
			free(x);
			continue;
		}
		if ((arg = strchr(tok, ':')) == NULL)
			goto bad;
		*arg++ = '\0';
		if (strcmp(tok, "file") == 0) {
			char	*path = strchr(arg, ':');

			if (path == NULL)
				goto bad;
			*path++ = '\0';
			x = lab_file_local(lab, strcmp(arg, "self") == 0 ?
			    (self ? self : "") : arg, path);
			buf_adds(&b, x);
			free(x);
			continue;
		}
		if (strcmp(arg, "self") == 0)
			arg = (char *)(uintptr_t)(self ? self : "");
		if (estate_host(lab, arg, &h) != 0)
			goto bad;
		if (strcmp(tok, "fqdn") == 0)
			buf_adds(&b, h.fqdn);
		else if (strcmp(tok, "addr") == 0)
			buf_adds(&b, h.address);
		else
			goto bad;
	}
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
bad:
	buf_free(&b);
	return NULL;
}

/* A value for YAML: single-quoted. */
static void
yq(struct buf *b, const char *value)
{
	const char	*p;

	buf_addc(b, '\'');
	for (p = value; *p != '\0'; p++) {
		if (*p == '\'')
			buf_addc(b, '\'');
		buf_addc(b, *p);
	}
	buf_addc(b, '\'');
}

/*
 * The variables of rb answered per host, and their role: read from the
 * runbook's own text (`per_host: ROLE` on a variable), so the lab follows
 * the format whatever the loader's version. *names and *roles parallel,
 * pointing into *doc.
 */
static size_t
per_host_vars(const char *path, struct ydoc **doc, const char ***names,
    const char ***roles)
{
	struct diags	 q;
	struct ynode	*vars, *n, *r;
	size_t		 i, k = 0;

	*names = *roles = NULL;
	diags_init(&q);
	if (ydoc_load(path, doc, &q) != 0 || (*doc)->root == NULL ||
	    (vars = ymap_get((*doc)->root, "vars")) == NULL ||
	    vars->kind != Y_SEQ) {
		diags_free(&q);
		return 0;
	}
	diags_free(&q);
	*names = xcalloc(vars->n + 1, sizeof(**names));
	*roles = xcalloc(vars->n + 1, sizeof(**roles));
	for (i = 0; i < vars->n; i++) {
		if (vars->items[i]->kind != Y_MAP ||
		    (n = ymap_get(vars->items[i], "name")) == NULL ||
		    (r = ymap_get(vars->items[i], "per_host")) == NULL ||
		    n->kind != Y_SCALAR || r->kind != Y_SCALAR)
			continue;
		(*names)[k] = n->str;
		(*roles)[k++] = r->str;
	}
	return k;
}

static void
ans_head(struct lab *lab, struct buf *b, const char *rb)
{
	char	*kh = lab_path(lab, "known_hosts");
	char	*block = lab_meta(lab, "block");
	int64_t	 dport = lab_meta_int(lab, "dns_port", 53);

	buf_printf(b, "# Written by fedwiz lab up for the lab in %s: every "
	    "check of %s\n# runs against the lab's hosts (a practice "
	    "session, not a change record).\n", lab->dir, rb);
	buf_printf(b, "runbook: %s\n", rb);
	buf_printf(b, "lab: '%s'\n", lab->dir);
	buf_printf(b, "known_hosts: '%s'\n", kh);
	buf_printf(b, "dns_server: '%s.%d:%lld'\n", block, OCTET_DNS,
	    (long long)dport);
	free(kh);
	free(block);
}

/* One runbook's answers file in b. */
static void
ans_runbook(struct lab *lab, const struct runbook *rb, struct buf *b)
{
	struct ydoc	 *doc = NULL;
	const char	**phn, **phr;
	size_t		  nph, i, k, nv = 0, nh;
	char		 *user = lab_meta(lab, "user"), *id, *v, *copy, *hn;
	char		 *save;
	const char	 *rh;
	int		  port = (int)lab_meta_int(lab, "ssh_port", 22);
	struct lab_host	  h;
	const struct ans_val *av;

	id = lab_path(lab, "id_ed25519");
	nph = per_host_vars(rb->path, &doc, &phn, &phr);
	ans_head(lab, b, rb->id);
	for (i = 0; i < rb->nvars; i++) {
		for (k = 0; k < nph; k++)
			if (strcmp(phn[k], rb->vars[i].name) == 0)
				break;
		if (k < nph ||
		    (av = ans_val_of(rb->id, rb->vars[i].name)) == NULL ||
		    (v = ans_expand(lab, rb->id, av, NULL)) == NULL)
			continue;
		if (nv++ == 0)
			buf_adds(b, "vars:\n");
		buf_printf(b, "  %s: ", rb->vars[i].name);
		yq(b, v);
		buf_addc(b, '\n');
		free(v);
	}
	buf_adds(b, "hosts:\n");
	for (i = 0; i < rb->nroles; i++) {
		if ((rh = role_hosts(rb->id, rb->roles[i].id)) == NULL)
			continue;
		copy = xstrdup(rh);
		nh = 0;
		for (hn = strtok_r(copy, " ", &save); hn != NULL;
		    hn = strtok_r(NULL, " ", &save)) {
			size_t	nhv = 0;

			if (lab_host_get(lab, hn, &h) != 0)
				continue;
			if (nh++ == 0)
				buf_printf(b, "  %s:\n", rb->roles[i].id);
			buf_printf(b, "    - { name: %s, address: %s, port: %d, "
			    "user: ", h.name, h.address, port);
			yq(b, user ? user : "root");
			buf_adds(b, ", identity: ");
			yq(b, id);
			for (k = 0; k < nph; k++) {
				if (strcmp(phr[k], rb->roles[i].id) != 0 ||
				    (av = ans_val_of(rb->id, phn[k])) == NULL ||
				    (v = ans_expand(lab, rb->id, av, hn)) ==
				    NULL)
					continue;
				buf_printf(b, "%s%s: ", nhv++ == 0 ?
				    ", vars: { " : ", ", phn[k]);
				yq(b, v);
				free(v);
			}
			buf_adds(b, nhv > 0 ? " } }\n" : " }\n");
		}
		free(copy);
	}
	free(phn);
	free(phr);
	ydoc_free(doc);
	free(id);
	free(user);
}

int
estate_answers(struct lab *lab, const char *rbdir, struct diags *d)
{
	struct buf	 b;
	struct runbook	*rb;
	struct diags	 q;
	char		*path, *dir;
	int		 rc = 0;
	size_t		 i;

	dir = lab_path(lab, "answers");
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		diags_add(d, dir, 0, 0, "%s", strerror(errno));
		free(dir);
		return -1;
	}
	for (i = 0; estate_runbooks[i] != NULL && rc == 0; i++) {
		diags_init(&q);
		if (catalog_open(rbdir, estate_runbooks[i], &rb, &q) != 0) {
			/* The lab serves the runbooks there are. */
			fprintf(stderr, "fedwiz: lab: no answers for %s: %s\n",
			    estate_runbooks[i], q.n > 0 ? q.v[0].msg : "?");
			diags_free(&q);
			continue;
		}
		diags_free(&q);
		buf_init(&b);
		ans_runbook(lab, rb, &b);
		path = xasprintf("%s/%s.yaml", dir, estate_runbooks[i]);
		if (file_write_atomic(path, b.s, b.len, d) != 0)
			rc = -1;
		free(path);
		buf_free(&b);
		runbook_free(rb);
	}
	free(dir);
	return rc;
}
