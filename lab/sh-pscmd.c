/*
 * sh-pscmd.c: the lab's cmdlets, and the PowerShell session (sh-ps.h).
 *
 * Each cmdlet reads or changes lab state, through labfx.c for what a
 * change does in the estate. Objects carry the properties, in the order,
 * of the real ones' Format-List * output; sources, per class:
 *
 * - Lync Server 2010/2013 cmdlet references (Microsoft TechNet: New-,
 *   Set-, Get-CsStaticRoutingConfiguration, New-CsStaticRoute,
 *   New-/Get-/Remove-CsTrustedApplicationPool, New-/Get-/Remove-
 *   CsTrustedApplication, Get-CsSite, Request-/Get-/Set-CsCertificate,
 *   Enable-/Get-/Publish-CsTopology): parameters, their types (switches
 *   and $true/$false values), what Identity a pool stores ("Identity:
 *   the FQDN ... saved as the PoolFqdn", site "Site:<SiteName>").
 * - The Format-List layouts of tests/ssh/data/windows (collected for the
 *   SSH fixtures from published transcripts): Get-CsTrustedApplicationPool,
 *   Get-CsTrustedApplication, Get-CsCertificate, Get-CsSite, Get-Service,
 *   Get-ChildItem Cert:\, Get-ItemProperty of a registry key, Select-String
 *   MatchInfo, and the WMI ManagementObject layout of PowerShell 2.0.
 * - OCS 2007 R2 SDK (WMI classes MSFT_SIPRoutingTableData,
 *   MSFT_SIPRemoteAddressData, MSFT_SIPListeningAddressData,
 *   MSFT_SIPDomainData and their properties).
 * - Windows PowerShell's own cmdlets (Microsoft.PowerShell.Utility and
 *   .Management references) for Select-Object, Where-Object,
 *   ForEach-Object, Format-*, Out-String, Out-File, Get-Content,
 *   Select-String, Get-ItemProperty, Get-ChildItem, Get-Service and its
 *   verbs, New-Object, Import-Module, and their error records.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lab.h"
#include "labfx.h"
#include "labint.h"
#include "labpki.h"
#include "sh-ps.h"

#define CERTPROV	"Microsoft.PowerShell.Security\\Certificate"
#define REGPROV		"Microsoft.PowerShell.Core\\Registry"

static int
is_lync(const struct ps *ps)
{
	return strncmp(ps->host.kind, "lync", 4) == 0;
}

/* A host of Windows Server 2008 R2 or older has PowerShell 2.0. */
static int
old_ps(struct ps *ps)
{
	int64_t	 id = lab_obj_find(ps->lab, ps->host.name, "Computer",
	    "system");
	char	*os = id ? lab_prop(ps->lab, id, "OS", NULL) : NULL;
	int	 old = os == NULL || strstr(os, "2012") == NULL;

	free(os);
	return old;
}

/* "3/14/2027 9:12:44 AM", as en-US shows a DateTime; a DateTime all the
 * same (ToString('s'), sorting, comparing). */
static struct ps_val *
date(struct ps *ps, time_t t)
{
	return ps_date(ps, t);
}

static struct ps_val *
list_val(struct ps *ps, const char *lines)
{
	struct ps_val	*a = ps_arr(ps);
	char		*copy, *p, *save;

	if (lines == NULL)
		return a;
	copy = xstrdup(lines);
	for (p = strtok_r(copy, "\n", &save); p != NULL;
	    p = strtok_r(NULL, "\n", &save))
		ps_push(ps, a, ps_str(ps, p));
	free(copy);
	return a;
}

static struct ps_val *
words(struct ps *ps, const char *s)
{
	struct ps_val	*a = ps_arr(ps);
	char		*copy, *p, *save;

	if (s == NULL)
		return a;
	copy = xstrdup(s);
	for (p = strtok_r(copy, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save))
		ps_push(ps, a, ps_str(ps, p));
	free(copy);
	return a;
}

/* A lab property as a PowerShell value by its type. */
static struct ps_val *
propval(struct ps *ps, int64_t id, const char *name)
{
	char		 t;
	char		*v = lab_prop(ps->lab, id, name, &t);
	struct ps_val	*r;

	if (v == NULL || t == 'n')
		r = ps_null(ps);
	else if (t == 'b')
		r = ps_bool(ps, lab_ieq(v, "True"));
	else if (t == 'i')
		r = ps_int(ps, strtoll(v, NULL, 10));
	else if (t == 'l')
		r = list_val(ps, v);
	else
		r = ps_str(ps, v);
	free(v);
	return r;
}

/* ---- certificates ---------------------------------------------------- */

static struct ps_val *
oid(struct ps *ps, const char *value, const char *name)
{
	struct ps_obj	*o = ps_obj(ps, "System.Security.Cryptography.Oid",
	    PK_OID);

	ps_set(ps, o, "Value", ps_str(ps, value));
	ps_set(ps, o, "FriendlyName", ps_str(ps, name));
	o->tostr = "System.Security.Cryptography.Oid";
	return ps_objv(ps, o);
}

static const struct {
	const char	*sn, *oid, *name;
} ekus[] = {
	{ "serverAuth", "1.3.6.1.5.5.7.3.1", "Server Authentication" },
	{ "clientAuth", "1.3.6.1.5.5.7.3.2", "Client Authentication" },
	{ "codeSigning", "1.3.6.1.5.5.7.3.3", "Code Signing" },
	{ "emailProtection", "1.3.6.1.5.5.7.3.4", "Secure Email" },
};

static struct ps_val *
extension(struct ps *ps, const char *o, const char *name)
{
	struct ps_obj	*e = ps_obj(ps, "System.Security.Cryptography."
	    "X509Certificates.X509Extension", PK_EXT);

	ps_set(ps, e, "Critical", ps_bool(ps, 0));
	ps_set(ps, e, "Oid", oid(ps, o, name));
	e->tostr = "System.Security.Cryptography.Oid";
	return ps_objv(ps, e);
}

static struct ps_val *
cert_obj(struct ps *ps, int64_t id, const char *store)
{
	struct lab_cert	 c;
	struct ps_obj	*o;
	struct ps_val	*exts, *eku, *ekuv, *ekul;
	char		*path, *e, *p, *save;
	size_t		 i;
	int		 newps = !old_ps(ps), haskey;

	if (lab_cert_load(ps->lab, id, &c) != 0)
		return ps_null(ps);
	o = ps_obj(ps, "System.Security.Cryptography.X509Certificates."
	    "X509Certificate2", PK_CERT);
	o->id = id;
	o->tostr = arena_strdup(ps->a, c.subject);
	{
		static const char *const tv[] = { "Thumbprint", "Subject",
		    NULL };

		o->tableview = tv;
	}
	path = xasprintf("%s::LocalMachine\\%s", CERTPROV, store);
	ps_set(ps, o, "PSPath", ps_strf(ps, "%s\\%s", path, c.thumbprint));
	ps_set(ps, o, "PSParentPath", ps_str(ps, path));
	ps_set(ps, o, "PSChildName", ps_str(ps, c.thumbprint));
	ps_set(ps, o, "PSDrive", ps_str(ps, "Cert"));
	ps_set(ps, o, "PSProvider", ps_str(ps, CERTPROV));
	ps_set(ps, o, "PSIsContainer", ps_bool(ps, 0));
	free(path);
	ekuv = ps_arr(ps);
	ekul = ps_arr(ps);
	e = xstrdup(c.ekus);
	for (p = strtok_r(e, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save))
		for (i = 0; i < nitems(ekus); i++)
			if (strcmp(p, ekus[i].sn) == 0) {
				ps_push(ps, ekuv, oid(ps, ekus[i].oid,
				    ekus[i].name));
				ps_push(ps, ekul, ps_strf(ps, "%s (%s)",
				    ekus[i].name, ekus[i].oid));
			}
	free(e);
	if (newps) {
		ps_set(ps, o, "EnhancedKeyUsageList", ekul);
		ps_set(ps, o, "DnsNameList", words(ps, c.sans));
		ps_set(ps, o, "SendAsTrustedIssuer", ps_bool(ps, 0));
		ps_set(ps, o, "EnrollmentPolicyEndPoint", ps_str(ps,
		    "Microsoft.CertificateServices.Commands."
		    "EnrollmentEndPointProperty"));
		ps_set(ps, o, "EnrollmentServerEndPoint", ps_str(ps,
		    "Microsoft.CertificateServices.Commands."
		    "EnrollmentEndPointProperty"));
		ps_set(ps, o, "PolicyId", ps_null(ps));
	}
	/* Extensions: the EKU one carries EnhancedKeyUsages. */
	exts = ps_arr(ps);
	ps_push(ps, exts, extension(ps, "2.5.29.15", "Key Usage"));
	if (c.ekus[0] != '\0') {
		eku = extension(ps, "2.5.29.37", "Enhanced Key Usage");
		ps_set(ps, eku->o, "EnhancedKeyUsages", ekuv);
		ps_push(ps, exts, eku);
	}
	if (c.sans[0] != '\0')
		ps_push(ps, exts, extension(ps, "2.5.29.17", "Subject "
		    "Alternative Name"));
	ps_push(ps, exts, extension(ps, "2.5.29.14", "Subject Key "
	    "Identifier"));
	ps_set(ps, o, "Archived", ps_bool(ps, 0));
	ps_set(ps, o, "Extensions", exts);
	ps_set(ps, o, "FriendlyName", ps_str(ps, c.friendly));
	ps_set(ps, o, "IssuerName", ps_str(ps, "System.Security.Cryptography."
	    "X509Certificates.X500DistinguishedName"));
	ps_set(ps, o, "NotAfter", date(ps, c.not_after));
	ps_set(ps, o, "NotBefore", date(ps, c.not_before));
	haskey = c.key != 0;
	ps_set(ps, o, "HasPrivateKey", ps_bool(ps, haskey));
	ps_set(ps, o, "PrivateKey", haskey ? ps_str(ps, "System.Security."
	    "Cryptography.RSACryptoServiceProvider") : ps_null(ps));
	ps_set(ps, o, "PublicKey", ps_str(ps, "System.Security.Cryptography."
	    "X509Certificates.PublicKey"));
	ps_set(ps, o, "RawData", ps_str(ps, "{48, 130, 5, 16...}"));
	ps_set(ps, o, "SerialNumber", ps_str(ps, c.serial));
	ps_set(ps, o, "SubjectName", ps_str(ps, "System.Security.Cryptography."
	    "X509Certificates.X500DistinguishedName"));
	ps_set(ps, o, "SignatureAlgorithm", ps_str(ps, "System.Security."
	    "Cryptography.Oid"));
	ps_set(ps, o, "Thumbprint", ps_str(ps, c.thumbprint));
	ps_set(ps, o, "Version", ps_int(ps, 3));
	ps_set(ps, o, "Handle", ps_int(ps, 2188927318272LL + id * 16));
	ps_set(ps, o, "Issuer", ps_str(ps, c.issuer_name));
	ps_set(ps, o, "Subject", ps_str(ps, c.subject));
	lab_cert_free(&c);
	return ps_objv(ps, o);
}

/* ---- Lync objects ------------------------------------------------------ */

static struct ps_val *
route_obj(struct ps *ps, const char *transport, const char *dest, int64_t port,
    const char *match, int usedefault, int enabled, int replace)
{
	struct ps_obj	*r, *t, *ch;

	ch = ps_obj(ps, strcmp(transport, "TCP") == 0 ?
	    "Microsoft.Rtc.Management.WritableConfig.Policy.Voice.TcpChoice" :
	    "Microsoft.Rtc.Management.WritableConfig.Policy.Voice.TlsChoice",
	    PK_CHOICE);
	if (strcmp(transport, "TCP") == 0) {
		ps_set(ps, ch, "IPAddress", ps_str(ps, dest));
		ps_set(ps, ch, "Fqdn", ps_null(ps));
	} else {
		ps_set(ps, ch, "Fqdn", ps_str(ps, dest));
		ps_set(ps, ch, "UseDefaultCertificate", ps_bool(ps,
		    usedefault));
	}
	t = ps_obj(ps, "Microsoft.Rtc.Management.WritableConfig.Policy.Voice."
	    "SipProxyTransport", PK_TRANSPORT);
	ps_set(ps, t, "TransportChoice", ps_objv(ps, ch));
	ps_set(ps, t, "Port", ps_int(ps, port));
	/* How Transport prints in a route's list: "TransportChoice=Certificate
	 * =Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.
	 * UseDefaultCert;Fqdn=vcsc.contoso.com;Port=5061" (a Lync route to a
	 * VCS, Tom Larsen's published output of Select-Object -ExpandProperty
	 * Route); a TCP route names its address the same way. */
	if (strcmp(transport, "TCP") == 0)
		ch->tostr = arena_strdup(ps->a, ps_fmt(ps, "IPAddress=%s",
		    dest));
	else
		ch->tostr = arena_strdup(ps->a, ps_fmt(ps, "Certificate=%s;"
		    "Fqdn=%s", usedefault ? "Microsoft.Rtc.Management."
		    "WritableConfig.Settings.SipProxy.UseDefaultCert" : "",
		    dest));
	t->tostr = arena_strdup(ps->a, ps_fmt(ps, "TransportChoice=%s;Port=%lld",
	    ch->tostr, (long long)port));
	r = ps_obj(ps, "Microsoft.Rtc.Management.WritableConfig.Policy.Voice."
	    "StaticRoute", PK_ROUTE);
	ps_set(ps, r, "Transport", ps_objv(ps, t));
	ps_set(ps, r, "MatchUri", ps_str(ps, match));
	ps_set(ps, r, "MatchOnlyPhoneUri", ps_bool(ps, 0));
	ps_set(ps, r, "Enabled", ps_bool(ps, enabled));
	ps_set(ps, r, "ReplaceHostInRequestUri", ps_bool(ps, replace));
	/* How a route shows inside Get-CsStaticRoutingConfiguration's
	 * Route collection. */
	r->tostr = arena_strdup(ps->a, ps_text(ps, ps_strf(ps, "MatchUri=%s;"
	    "MatchOnlyPhoneUri=False;Enabled=%s;ReplaceHostInRequestUri=%s",
	    match, enabled ? "True" : "False", replace ? "True" : "False")));
	return ps_objv(ps, r);
}

static struct ps_val *
route_of(struct ps *ps, int64_t id)
{
	char		*tr = lab_prop(ps->lab, id, "Transport", NULL);
	char		*dest = lab_prop(ps->lab, id, tr && strcmp(tr, "TCP") == 0 ?
	    "IPAddress" : "Fqdn", NULL);
	char		*m = lab_prop(ps->lab, id, "MatchUri", NULL);
	struct ps_val	*r;

	r = route_obj(ps, tr ? tr : "TLS", dest ? dest : "",
	    lab_prop_int(ps->lab, id, "Port", 0), m ? m : "",
	    lab_prop_bool(ps->lab, id, "UseDefaultCertificate", 1),
	    lab_prop_bool(ps->lab, id, "Enabled", 1),
	    lab_prop_bool(ps->lab, id, "ReplaceHostInRequestUri", 0));
	r->o->id = id;
	free(tr);
	free(dest);
	free(m);
	return r;
}

static struct ps_val *
routing_conf(struct ps *ps)
{
	struct ps_obj	*o;
	struct ps_val	*routes = ps_arr(ps);
	int64_t		*v;
	size_t		 n, i;

	o = ps_obj(ps, "Microsoft.Rtc.Management.WritableConfig.Policy.Voice."
	    "StaticRoutingConfiguration", PK_PLAIN);
	{
		static const char *const lv[] = { "Identity", "Route", NULL };

		o->listview = lv;
	}
	v = lab_obj_list(ps->lab, ps->host.scope, "CsStaticRoute", &n);
	for (i = 0; i < n; i++)
		ps_push(ps, routes, route_of(ps, v[i]));
	free(v);
	ps_set(ps, o, "Identity", ps_str(ps, "Global"));
	ps_set(ps, o, "Route", routes);
	o->tostr = "Global";
	return ps_objv(ps, o);
}

static const char *const all_list[] = { NULL };

static struct ps_val *
pool_obj(struct ps *ps, int64_t id)
{
	struct lab_obj	 lo;
	struct ps_obj	*o;
	struct ps_val	*apps;

	if (lab_obj_load(ps->lab, id, &lo) != 0)
		return ps_null(ps);
	o = ps_obj(ps, "Microsoft.Rtc.Management.Xds.DisplayExternalServer",
	    PK_PLAIN);
	o->listview = all_list;
	ps_set(ps, o, "Identity", ps_strf(ps, "TrustedApplicationPool:%s",
	    lo.ident));
	ps_set(ps, o, "Registrar", propval(ps, id, "Registrar"));
	ps_set(ps, o, "FileStore", ps_null(ps));
	ps_set(ps, o, "ThrottleAsServer", propval(ps, id, "ThrottleAsServer"));
	ps_set(ps, o, "TreatAsAuthenticated", propval(ps, id,
	    "TreatAsAuthenticated"));
	ps_set(ps, o, "OutboundOnly", propval(ps, id, "OutboundOnly"));
	ps_set(ps, o, "RequiresReplication", propval(ps, id,
	    "RequiresReplication"));
	ps_set(ps, o, "AudioPortStart", ps_null(ps));
	ps_set(ps, o, "AudioPortCount", ps_int(ps, 0));
	ps_set(ps, o, "AppSharingPortStart", ps_null(ps));
	ps_set(ps, o, "AppSharingPortCount", ps_int(ps, 0));
	ps_set(ps, o, "VideoPortStart", ps_null(ps));
	ps_set(ps, o, "VideoPortCount", ps_int(ps, 0));
	apps = propval(ps, id, "Applications");
	ps_set(ps, o, "Applications", apps->t == PS_NULL ? ps_arr(ps) : apps);
	ps_set(ps, o, "DependentServiceList", list_val(ps, ps_text(ps,
	    propval(ps, id, "Registrar"))));
	ps_set(ps, o, "ServiceId", ps_strf(ps, "1-ExternalServer-%lld",
	    (long long)id));
	ps_set(ps, o, "SiteId", propval(ps, id, "SiteId"));
	ps_set(ps, o, "PoolFqdn", ps_str(ps, lo.ident));
	ps_set(ps, o, "Version", ps_int(ps, 7));
	ps_set(ps, o, "Role", ps_str(ps, "TrustedApplicationPool"));
	o->tostr = arena_strdup(ps->a, ps_text(ps, ps_get(o, "Identity")));
	lab_obj_free(&lo);
	return ps_objv(ps, o);
}

static struct ps_val *
app_obj(struct ps *ps, int64_t id)
{
	struct lab_obj	 lo;
	struct ps_obj	*o;
	const char	*pool, *app;
	char		*gruu;

	if (lab_obj_load(ps->lab, id, &lo) != 0)
		return ps_null(ps);
	o = ps_obj(ps, "Microsoft.Rtc.Management.Xds.DisplayTrustedApplication",
	    PK_PLAIN);
	o->listview = all_list;
	pool = ps_text(ps, propval(ps, id, "TrustedApplicationPoolFqdn"));
	app = ps_text(ps, propval(ps, id, "LegacyApplicationName"));
	gruu = xasprintf("sip:%s@%s;gruu;opaque=srvr:%s:nVWQ3pOnC1uN1ViC2fjn"
	    "TAAA", pool, ps->host.domain, app);
	ps_set(ps, o, "Identity", ps_str(ps, lo.ident));
	ps_set(ps, o, "ComputerGruus", ps_strf(ps, "{%s %s}", pool, gruu));
	ps_set(ps, o, "ServiceGruu", ps_str(ps, gruu));
	ps_set(ps, o, "Protocol", propval(ps, id, "Protocol"));
	ps_set(ps, o, "ApplicationId", propval(ps, id, "ApplicationId"));
	ps_set(ps, o, "TrustedApplicationPoolFqdn", ps_str(ps, pool));
	ps_set(ps, o, "Port", propval(ps, id, "Port"));
	ps_set(ps, o, "LegacyApplicationName", ps_str(ps, app));
	o->tostr = arena_strdup(ps->a, lo.ident);
	free(gruu);
	lab_obj_free(&lo);
	return ps_objv(ps, o);
}

static struct ps_val *
site_obj(struct ps *ps, int64_t id)
{
	struct lab_obj	 lo;
	struct ps_obj	*o;

	if (lab_obj_load(ps->lab, id, &lo) != 0)
		return ps_null(ps);
	o = ps_obj(ps, "Microsoft.Rtc.Management.Xds.DisplaySite", PK_PLAIN);
	o->listview = all_list;
	ps_set(ps, o, "Identity", ps_str(ps, lo.ident));
	ps_set(ps, o, "SiteId", propval(ps, id, "SiteId"));
	ps_set(ps, o, "Services", propval(ps, id, "Services"));
	{
		struct ps_val	*pools = propval(ps, id, "Pools");
		int64_t		*v;
		size_t		 n, i;

		/* Trusted application pools are pools of the site too. */
		v = lab_obj_list(ps->lab, ps->host.scope,
		    "CsTrustedApplicationPool", &n);
		for (i = 0; i < n; i++) {
			struct lab_obj	p;

			if (lab_obj_load(ps->lab, v[i], &p) == 0) {
				ps_push(ps, pools, ps_str(ps, p.ident));
				lab_obj_free(&p);
			}
		}
		free(v);
		ps_set(ps, o, "Pools", pools);
	}
	ps_set(ps, o, "FederationRoute", ps_null(ps));
	ps_set(ps, o, "XmppFederationRoute", ps_null(ps));
	ps_set(ps, o, "DefaultPersistentChatPool", ps_null(ps));
	ps_set(ps, o, "Description", ps_null(ps));
	ps_set(ps, o, "DisplayName", propval(ps, id, "DisplayName"));
	ps_set(ps, o, "SiteType", propval(ps, id, "SiteType"));
	ps_set(ps, o, "ParentSite", ps_null(ps));
	o->tostr = arena_strdup(ps->a, lo.ident);
	lab_obj_free(&lo);
	return ps_objv(ps, o);
}

static struct ps_val *
cscert_obj(struct ps *ps, int64_t use)
{
	struct lab_obj	 lo;
	struct lab_cert	 c;
	struct ps_obj	*o;
	char		*thumb;
	int64_t		 cert;

	if (lab_obj_load(ps->lab, use, &lo) != 0)
		return ps_null(ps);
	thumb = lab_prop(ps->lab, use, "Thumbprint", NULL);
	cert = thumb ? lab_cert_by_thumb(ps->lab, thumb) : 0;
	free(thumb);
	if (cert == 0 || lab_cert_load(ps->lab, cert, &c) != 0) {
		lab_obj_free(&lo);
		return ps_null(ps);
	}
	o = ps_obj(ps, "Microsoft.Rtc.Management.Deployment.CertificateReference",
	    PK_PLAIN);
	o->listview = all_list;
	ps_set(ps, o, "Issuer", ps_str(ps, c.issuer_name));
	ps_set(ps, o, "NotAfter", date(ps, c.not_after));
	ps_set(ps, o, "NotBefore", date(ps, c.not_before));
	ps_set(ps, o, "SerialNumber", ps_str(ps, c.serial));
	ps_set(ps, o, "Subject", ps_str(ps, c.subject));
	ps_set(ps, o, "AlternativeNames", words(ps, c.sans));
	ps_set(ps, o, "Thumbprint", ps_str(ps, c.thumbprint));
	ps_set(ps, o, "EffectiveDate", ps_null(ps));
	ps_set(ps, o, "PreviousThumbprint", ps_null(ps));
	ps_set(ps, o, "UpdateTime", ps_null(ps));
	ps_set(ps, o, "Use", ps_str(ps, lo.ident));
	ps_set(ps, o, "SourceScope", ps_str(ps, "Local"));
	lab_cert_free(&c);
	lab_obj_free(&lo);
	return ps_objv(ps, o);
}

static struct ps_val *
service_obj(struct ps *ps, int64_t id)
{
	struct ps_obj	*o;
	const char	*name;
	static const char *const tv[] = { "Status", "Name", "DisplayName",
	    NULL };
	static const char *const lv[] = { "Name", "DisplayName", "Status",
	    "DependentServices", "ServicesDependedOn", "CanPauseAndContinue",
	    "CanShutdown", "CanStop", "ServiceType", NULL };

	o = ps_obj(ps, "System.ServiceProcess.ServiceController", PK_PLAIN);
	o->tableview = tv;
	o->listview = lv;
	name = ps_text(ps, propval(ps, id, "Name"));
	ps_set(ps, o, "Name", ps_str(ps, name));
	ps_set(ps, o, "RequiredServices", ps_arr(ps));
	ps_set(ps, o, "CanPauseAndContinue", ps_bool(ps, 0));
	ps_set(ps, o, "CanShutdown", ps_bool(ps, 1));
	ps_set(ps, o, "CanStop", ps_bool(ps, lab_ieq(ps_text(ps, propval(ps,
	    id, "Status")), "Running")));
	ps_set(ps, o, "DisplayName", propval(ps, id, "DisplayName"));
	ps_set(ps, o, "DependentServices", ps_arr(ps));
	ps_set(ps, o, "MachineName", ps_str(ps, "."));
	ps_set(ps, o, "ServiceName", ps_str(ps, name));
	ps_set(ps, o, "ServicesDependedOn", ps_arr(ps));
	ps_set(ps, o, "ServiceHandle", ps_null(ps));
	ps_set(ps, o, "Status", propval(ps, id, "Status"));
	ps_set(ps, o, "ServiceType", ps_str(ps, "Win32OwnProcess"));
	if (!old_ps(ps))
		ps_set(ps, o, "StartType", propval(ps, id, "StartType"));
	ps_set(ps, o, "Site", ps_null(ps));
	ps_set(ps, o, "Container", ps_null(ps));
	o->tostr = "System.ServiceProcess.ServiceController";
	return ps_objv(ps, o);
}

/* A WMI instance as PowerShell 2.0 lists a ManagementObject. */
static const struct {
	const char	*cls;
	const char	*const props[8];
} wmi_classes[] = {
	{ "MSFT_SIPRoutingTableData", { "Backend", "InstanceID", "MatchURI",
	    "NextHop", "NextHopPort", "NextHopTransport",
	    "ReplaceHostInRequestURI", NULL } },
	{ "MSFT_SIPRemoteAddressData", { "Backend", "InstanceID",
	    "OutboundOnly", "Server", "ThrottleAsServer",
	    "TreatAsAuthenticated", NULL } },
	{ "MSFT_SIPListeningAddressData", { "Backend", "Enabled", "InstanceID",
	    "IPAddress", "Port", "TransportType", NULL } },
	{ "MSFT_SIPDomainData", { "Address", "Authoritative", "DefaultDomain",
	    "InstanceID", NULL } },
};

static struct ps_val *
wmi_obj(struct ps *ps, size_t cls, int64_t id)
{
	struct ps_obj	*o;
	const char	*inst, *server, *relpath, *path, *const *p;
	struct ps_val	*names = ps_arr(ps);
	size_t		 n = 0;
	char		 upper[64];
	size_t		 i;

	for (i = 0; i < sizeof(upper) - 1 && ps->host.name[i]; i++)
		upper[i] = (char)toupper((unsigned char)ps->host.name[i]);
	upper[i] = '\0';
	server = arena_strdup(ps->a, upper);
	o = ps_obj(ps, "System.Management.ManagementObject#root\\cimv2\\",
	    PK_WMI);
	o->listview = all_list;
	inst = ps_text(ps, propval(ps, id, "InstanceID"));
	relpath = ps_text(ps, ps_strf(ps, "%s.InstanceID=\"%s\"",
	    wmi_classes[cls].cls, inst));
	path = ps_text(ps, ps_strf(ps, "\\\\%s\\root\\cimv2:%s", server,
	    relpath));
	for (p = wmi_classes[cls].props; *p != NULL; p++, n++)
		ps_push(ps, names, ps_str(ps, *p));
	ps_set(ps, o, "__GENUS", ps_int(ps, 2));
	ps_set(ps, o, "__CLASS", ps_str(ps, wmi_classes[cls].cls));
	ps_set(ps, o, "__SUPERCLASS", ps_null(ps));
	ps_set(ps, o, "__DYNASTY", ps_str(ps, wmi_classes[cls].cls));
	ps_set(ps, o, "__RELPATH", ps_str(ps, relpath));
	ps_set(ps, o, "__PROPERTY_COUNT", ps_int(ps, (int64_t)n));
	ps_set(ps, o, "__DERIVATION", ps_arr(ps));
	ps_set(ps, o, "__SERVER", ps_str(ps, server));
	ps_set(ps, o, "__NAMESPACE", ps_str(ps, "root\\cimv2"));
	ps_set(ps, o, "__PATH", ps_str(ps, path));
	for (p = wmi_classes[cls].props; *p != NULL; p++) {
		if (strcmp(*p, "Backend") == 0)
			ps_set(ps, o, *p, ps_strf(ps, "%s\\rtc", server));
		else
			ps_set(ps, o, *p, propval(ps, id, *p));
	}
	ps_set(ps, o, "Scope", ps_str(ps, "System.Management."
	    "ManagementScope"));
	ps_set(ps, o, "Path", ps_str(ps, path));
	ps_set(ps, o, "Options", ps_str(ps, "System.Management."
	    "ObjectGetOptions"));
	ps_set(ps, o, "ClassPath", ps_strf(ps, "\\\\%s\\root\\cimv2:%s",
	    server, wmi_classes[cls].cls));
	ps_set(ps, o, "Properties", names);
	ps_set(ps, o, "SystemProperties", list_val(ps, "__GENUS\n__CLASS\n"
	    "__SUPERCLASS\n__DYNASTY\n__RELPATH"));
	ps_set(ps, o, "Qualifiers", list_val(ps, "dynamic\nLocale\nprovider\n"
	    "UUID"));
	ps_set(ps, o, "Site", ps_null(ps));
	ps_set(ps, o, "Container", ps_null(ps));
	o->tostr = arena_strdup(ps->a, path);
	return ps_objv(ps, o);
}

/* ---- paths --------------------------------------------------------------- */

/* "c:\cert.csr" -> "C:\cert.csr" (what Windows reports); relative paths
 * against the current folder. */
static const char *
full_path(struct ps *ps, const char *p)
{
	if (isalpha((unsigned char)p[0]) && p[1] == ':')
		return ps_text(ps, ps_strf(ps, "%c:%s", toupper((unsigned
		    char)p[0]), p + 2));
	if (p[0] == '\\')
		return ps_text(ps, ps_strf(ps, "C:%s", p));
	if (strncmp(p, ".\\", 2) == 0)
		p += 2;
	return ps_text(ps, ps_strf(ps, "%s\\%s", ps->cwd, p));
}

static void
not_found_path(struct ps *ps, struct ps_args *a, const char *path)
{
	char		 cls[64];
	const char	*c;
	size_t		 k = 0;

	/* Get-ChildItem's class: GetChildItemCommand. */
	for (c = a->cmdname; *c != '\0' && k + 1 < sizeof(cls); c++)
		if (*c != '-')
			cls[k++] = *c;
	cls[k] = '\0';
	ps_error(ps, a->cmdname, ps_fmt(ps, "ObjectNotFound: (%s:String) [%s], "
	    "ItemNotFoundException", path, a->cmdname), ps_fmt(ps, "PathNotFound,Microsoft.PowerShell."
	    "Commands.%sCommand", cls), "Cannot find path '%s' because it does not "
	    "exist.", path);
}

/* ---- cmdlets: core ---------------------------------------------------- */

static struct ps_val *
items_of(struct ps *ps, struct ps_val *input)
{
	return input != NULL ? input : ps_arr(ps);
}

static const char **
name_list(struct ps *ps, struct ps_val *v, size_t *n)
{
	const char	**names = NULL;
	size_t		  i;

	*n = 0;
	if (v == NULL)
		return NULL;
	if (v->t == PS_ARR) {
		names = arena_alloc(ps->a, (v->n + 1) * sizeof(*names));
		for (i = 0; i < v->n; i++)
			names[(*n)++] = ps_text(ps, v->a[i]);
	} else {
		names = arena_alloc(ps->a, 2 * sizeof(*names));
		names[(*n)++] = ps_text(ps, v);
	}
	return names;
}

/*
 * Format-List and Format-Table: one block of format records, laid out by
 * whichever Out-* cmdlet ends the pipeline (the console at the host's
 * width, Out-String -Width, Out-File -Width), as PowerShell's formatting
 * objects are (about_Format.ps1xml). As text anywhere else, a block is
 * the type name PowerShell's records show.
 */
static struct ps_val *
format_block(struct ps *ps, struct ps_args *a, struct ps_val *in,
    enum ps_fmt f)
{
	struct ps_val		*out = ps_arr(ps), *v;
	struct ps_fmtblk	*fb = arena_calloc(ps->a, 1, sizeof(*fb));

	fb->f = (int)f;
	fb->items = items_of(ps, in);
	fb->names = name_list(ps, ps_arg(a, "Property", NULL), &fb->n);
	v = ps_str(ps, "Microsoft.PowerShell.Commands.Internal.Format."
	    "FormatEntryData");
	v->fmt = 1;
	v->fb = fb;
	ps_push(ps, out, v);
	return out;
}

static struct ps_val *
c_format_list(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	return format_block(ps, a, in, PF_LIST);
}

static struct ps_val *
c_format_table(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	return format_block(ps, a, in, PF_TABLE);
}

/* Out-String: what the console would show, as one string; -Width sets
 * the width the formatter wraps and cuts at. */
static struct ps_val *
c_out_string(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*items = items_of(ps, in), *w, *lines, *out;
	struct buf	 b;
	int64_t		 width = 80;
	size_t		 i, k;
	int		 saved = ps->width;

	if ((w = ps_arg(a, "Width", NULL)) != NULL) {
		if (w->t == PS_INT)
			width = w->i;
		else
			width = strtoll(ps_text(ps, w), NULL, 10);
		if (width < 2)
			width = 2;
		ps->width = (int)width;
	} else
		ps->width = 80;
	items = ps_expand(ps, items, ps->width);
	lines = ps_arr(ps);
	for (i = 0; i < items->n; ) {
		if (items->a[i]->fmt || items->a[i]->t != PS_OBJ) {
			struct ps_val	*l = ps_str(ps, items->a[i]->fmt ?
			    items->a[i]->s : ps_text(ps, items->a[i]));

			l->fmt = 1;
			ps_push(ps, lines, l);
			i++;
			continue;
		}
		{
			struct ps_val	*group = ps_arr(ps);

			for (k = i; k < items->n && items->a[k]->t == PS_OBJ &&
			    !items->a[k]->fmt; k++)
				ps_push(ps, group, items->a[k]);
			ps_format(ps, items->a[i]->o->n <= 4 &&
			    items->a[i]->o->listview == NULL ? PF_TABLE :
			    PF_LIST, group, NULL, 0, ps->width, lines);
			i = k;
		}
	}
	ps->width = saved;
	out = ps_arr(ps);
	if (ps_switch(a, "Stream")) {
		for (i = 0; i < lines->n; i++)
			ps_push(ps, out, ps_str(ps, lines->a[i]->s));
		return out;
	}
	buf_init(&b);
	for (i = 0; i < lines->n; i++)
		buf_printf(&b, "%s\n", lines->a[i]->s);
	ps_push(ps, out, ps_str(ps, b.s ? b.s : ""));
	buf_free(&b);
	return out;
}

static struct ps_val *
calc(struct ps *ps, struct ps_val *h, struct ps_val *item, const char **name)
{
	struct ps_val	*e = NULL, *r;
	size_t		 i;

	*name = NULL;
	for (i = 0; i < h->n; i++) {
		if (ps_ieq(h->k[i], "Name") || ps_ieq(h->k[i], "N") ||
		    ps_ieq(h->k[i], "Label") || ps_ieq(h->k[i], "L"))
			*name = ps_text(ps, h->a[i]);
		else if (ps_ieq(h->k[i], "Expression") || ps_ieq(h->k[i], "E"))
			e = h->a[i];
	}
	if (e == NULL)
		return ps_null(ps);
	if (e->t == PS_SB) {
		r = ps_invoke(ps, e, item);
		return r->n == 0 ? ps_null(ps) : r->n == 1 ? r->a[0] : r;
	}
	r = ps_member(ps, item, ps_text(ps, e));
	return r ? r : ps_null(ps);
}

static struct ps_val *
c_select_object(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*items = items_of(ps, in), *out = ps_arr(ps);
	struct ps_val	*props = ps_arg(a, "Property", NULL);
	struct ps_val	*expand = ps_arg(a, "ExpandProperty", NULL);
	struct ps_val	*first = ps_arg(a, "First", NULL);
	struct ps_val	*last = ps_arg(a, "Last", NULL);
	struct ps_val	*pl, *r;
	size_t		 i, k, from = 0, to = items->n;
	int64_t		 n;

	if (first != NULL) {
		n = first->t == PS_INT ? first->i : strtoll(ps_text(ps, first),
		    NULL, 10);
		if (n >= 0 && (size_t)n < to)
			to = (size_t)n;
	}
	if (last != NULL) {
		n = last->t == PS_INT ? last->i : strtoll(ps_text(ps, last),
		    NULL, 10);
		if (n >= 0 && (size_t)n < to)
			from = to - (size_t)n;
	}
	pl = ps_arr(ps);
	if (props != NULL) {
		if (props->t == PS_ARR)
			pl = props;
		else
			ps_push(ps, pl, props);
	}
	for (i = from; i < to; i++) {
		struct ps_val	*item = items->a[i];

		if (expand != NULL) {
			r = ps_member(ps, item, ps_text(ps, expand));
			if (r == NULL) {
				ps_error(ps, a->cmdname, ps_fmt(ps, "InvalidArgument: "
				    "(%s:PSObject) [Select-Object], "
				    "PSArgumentException", ps_text(ps, item)),
				    "ExpandPropertyNotFound,Microsoft.PowerShell."
				    "Commands.SelectObjectCommand", "Property "
				    "\"%s\" cannot be found.",
				    ps_text(ps, expand));
				continue;
			}
			if (r->t == PS_ARR)
				for (k = 0; k < r->n; k++)
					ps_push(ps, out, r->a[k]);
			else if (r->t != PS_NULL)
				ps_push(ps, out, r);
			continue;
		}
		if (pl->n == 0) {
			ps_push(ps, out, item);
			continue;
		}
		{
			struct ps_obj	*o;

			o = ps_obj(ps, "System.Management.Automation."
			    "PSCustomObject", PK_PLAIN);
			for (k = 0; k < pl->n; k++) {
				const char	*name;

				if (pl->a[k]->t == PS_HASH) {
					r = calc(ps, pl->a[k], item, &name);
					if (name == NULL)
						continue;
					ps_set(ps, o, name, r);
					continue;
				}
				name = ps_text(ps, pl->a[k]);
				if (strpbrk(name, "*?") != NULL &&
				    item->t == PS_OBJ) {
					size_t	j;

					for (j = 0; j < item->o->n; j++)
						if (ps_like(item->o->p[j].name,
						    name))
							ps_set(ps, o,
							    item->o->p[j].name,
							    item->o->p[j].v);
					continue;
				}
				r = ps_member(ps, item, name);
				ps_set(ps, o, name, r ? r : ps_null(ps));
			}
			ps_push(ps, out, ps_objv(ps, o));
		}
	}
	return out;
}

static struct ps_val *
c_where_object(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*items = items_of(ps, in), *out = ps_arr(ps), *sb, *r;
	struct ps_val	*prop, *value;
	size_t		 i;
	static const char *const ops[] = { "EQ", "NE", "Like", "NotLike",
	    "Match", "Contains", "GT", "LT", NULL };
	const char	*op = NULL;
	size_t		 k;

	sb = ps_arg(a, "FilterScript", NULL);
	prop = ps_arg(a, "Property", NULL);
	value = ps_arg(a, "Value", NULL);
	for (k = 0; ops[k] != NULL; k++) {
		int	given;
		struct ps_val	*v = ps_arg(a, ops[k], &given);

		if (given) {
			op = ops[k];
			if (v != NULL)
				value = v;
		}
	}
	for (i = 0; i < items->n; i++) {
		if (sb != NULL) {
			r = ps_invoke(ps, sb, items->a[i]);
			if (ps_truthy(r->n == 1 ? r->a[0] : r))
				ps_push(ps, out, items->a[i]);
			continue;
		}
		if (prop != NULL) {
			struct ps_val	*pv = ps_member(ps, items->a[i],
			    ps_text(ps, prop));
			const char	*t = pv ? ps_text(ps, pv) : "";
			const char	*w = value ? ps_text(ps, value) : "";
			int		 ok;

			if (op == NULL)
				ok = pv != NULL && ps_truthy(pv);
			else if (ps_ieq(op, "EQ"))
				ok = strcasecmp(t, w) == 0;
			else if (ps_ieq(op, "NE"))
				ok = strcasecmp(t, w) != 0;
			else if (ps_ieq(op, "Like"))
				ok = ps_like(t, w);
			else if (ps_ieq(op, "NotLike"))
				ok = !ps_like(t, w);
			else if (ps_ieq(op, "Match"))
				ok = ps_match(t, w);
			else if (ps_ieq(op, "Contains"))
				ok = strcasestr(t, w) != NULL;
			else
				ok = (strtoll(t, NULL, 10) - strtoll(w, NULL,
				    10)) * (ps_ieq(op, "GT") ? 1 : -1) > 0;
			if (ok)
				ps_push(ps, out, items->a[i]);
		}
	}
	return out;
}

static struct ps_val *
c_foreach_object(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*items = items_of(ps, in), *out = ps_arr(ps), *sb, *r;
	struct ps_val	*member = ps_arg(a, "MemberName", NULL);
	size_t		 i, k;

	sb = ps_arg(a, "Process", NULL);
	for (i = 0; i < items->n; i++) {
		if (member != NULL && member->t != PS_SB) {
			r = ps_member(ps, items->a[i], ps_text(ps, member));
			if (r != NULL && r->t == PS_ARR)
				for (k = 0; k < r->n; k++)
					ps_push(ps, out, r->a[k]);
			else if (r != NULL && r->t != PS_NULL)
				ps_push(ps, out, r);
			continue;
		}
		r = ps_invoke(ps, sb != NULL ? sb : member, items->a[i]);
		for (k = 0; k < r->n; k++)
			ps_push(ps, out, r->a[k]);
	}
	return out;
}

static int
cmp_prop(struct ps *ps, struct ps_val *x, struct ps_val *y, const char *p)
{
	struct ps_val	*a = p ? ps_member(ps, x, p) : x;
	struct ps_val	*b = p ? ps_member(ps, y, p) : y;

	return ps_cmp(ps, a ? a : ps_null(ps), b ? b : ps_null(ps));
}

static struct ps_val *
c_sort_object(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*items = items_of(ps, in), *out = ps_arr(ps), *t;
	struct ps_val	*prop = ps_arg(a, "Property", NULL);
	const char	*p = prop ? ps_text(ps, prop) : NULL;
	int		 desc = ps_switch(a, "Descending");
	size_t		 i, k;

	for (i = 0; i < items->n; i++)
		ps_push(ps, out, items->a[i]);
	/* Insertion sort: stable, and the lists are short. */
	for (i = 1; i < out->n; i++)
		for (k = i; k > 0 && cmp_prop(ps, out->a[k - 1], out->a[k], p) *
		    (desc ? -1 : 1) > 0; k--) {
			t = out->a[k];
			out->a[k] = out->a[k - 1];
			out->a[k - 1] = t;
		}
	return out;
}

static struct ps_val *
c_measure_object(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_obj	*o;
	struct ps_val	*out = ps_arr(ps);

	(void)a;
	o = ps_obj(ps, "Microsoft.PowerShell.Commands.GenericMeasureInfo",
	    PK_PLAIN);
	ps_set(ps, o, "Count", ps_int(ps, (int64_t)items_of(ps, in)->n));
	ps_set(ps, o, "Average", ps_null(ps));
	ps_set(ps, o, "Sum", ps_null(ps));
	ps_set(ps, o, "Maximum", ps_null(ps));
	ps_set(ps, o, "Minimum", ps_null(ps));
	ps_set(ps, o, "Property", ps_null(ps));
	ps_push(ps, out, ps_objv(ps, o));
	return out;
}

static struct ps_val *
c_write_output(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps), *v = ps_arg(a, "InputObject", NULL);
	size_t		 i;

	if (v != NULL) {
		if (v->t == PS_ARR)
			for (i = 0; i < v->n; i++)
				ps_push(ps, out, v->a[i]);
		else
			ps_push(ps, out, v);
	}
	if (in != NULL)
		for (i = 0; i < in->n; i++)
			ps_push(ps, out, in->a[i]);
	return out;
}

static struct ps_val *
c_write_host(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*v = ps_arg(a, "Object", NULL);

	(void)in;
	fprintf(ps->out, "%s\r\n", v ? ps_text(ps, v) : "");
	return ps_arr(ps);
}

static struct ps_val *
c_write_warning(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*v = ps_arg(a, "Message", NULL);

	(void)in;
	if (ps->interactive)
		fprintf(ps->out, "WARNING: %s\r\n", v ? ps_text(ps, v) : "");
	return ps_arr(ps);
}

static struct ps_val *
c_new_object(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps), *t = ps_arg(a, "TypeName", NULL);
	const char	*type = t ? ps_text(ps, t) : "";
	struct ps_obj	*o, *pol;

	(void)in;
	if (ps_ieq(type, "System.Security.Cryptography.X509Certificates."
	    "X509Chain") || ps_ieq(type, "Security.Cryptography."
	    "X509Certificates.X509Chain")) {
		o = ps_obj(ps, "System.Security.Cryptography.X509Certificates."
		    "X509Chain", PK_CHAIN);
		pol = ps_obj(ps, "System.Security.Cryptography."
		    "X509Certificates.X509ChainPolicy", PK_POLICY);
		ps_set(ps, pol, "ApplicationPolicy", ps_arr(ps));
		ps_set(ps, pol, "CertificatePolicy", ps_arr(ps));
		ps_set(ps, pol, "ExtraStore", ps_arr(ps));
		ps_set(ps, pol, "RevocationMode", ps_str(ps, "Online"));
		ps_set(ps, pol, "RevocationFlag", ps_str(ps, "ExcludeRoot"));
		ps_set(ps, pol, "VerificationFlags", ps_str(ps, "NoFlag"));
		ps_set(ps, pol, "VerificationTime", date(ps, time(NULL)));
		ps_set(ps, pol, "UrlRetrievalTimeout", ps_str(ps, "00:00:00"));
		ps_set(ps, o, "ChainContext", ps_int(ps, 0));
		ps_set(ps, o, "ChainPolicy", ps_objv(ps, pol));
		ps_set(ps, o, "ChainStatus", ps_arr(ps));
		ps_set(ps, o, "ChainElements", ps_arr(ps));
		ps_push(ps, out, ps_objv(ps, o));
		return out;
	}
	if (ps_ieq(type, "PSObject") || ps_ieq(type, "PSCustomObject") ||
	    ps_ieq(type, "System.Management.Automation.PSObject")) {
		o = ps_obj(ps, "System.Management.Automation.PSCustomObject",
		    PK_PLAIN);
		ps_push(ps, out, ps_objv(ps, o));
		return out;
	}
	ps_error(ps, a->cmdname, "InvalidType: (:) [New-Object], "
	    "PSArgumentException", "TypeNotFound,Microsoft.PowerShell."
	    "Commands.NewObjectCommand", "Cannot find type [%s]: verify that "
	    "the assembly containing this type is loaded.", type);
	return NULL;
}

static struct ps_val *
c_import_module(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*n = ps_arg(a, "Name", NULL);
	const char	*name = n ? ps_text(ps, n) : "";
	size_t		 i;

	(void)in;
	/* Lync Server 2010 and 2013 install the module "Lync"; OCS 2007 has
	 * no PowerShell module at all. */
	if (!(ps_ieq(name, "Lync") && is_lync(ps))) {
		ps_error(ps, a->cmdname, ps_fmt(ps, "ResourceUnavailable: (%s:String) "
		    "[Import-Module], FileNotFoundException", name),
		    "Modules_ModuleNotFound,Microsoft.PowerShell.Commands."
		    "ImportModuleCommand", "The specified module '%s' was not "
		    "loaded because no valid module file was found in any "
		    "module directory.", name);
		return NULL;
	}
	for (i = 0; i < ps->nmodules; i++)
		if (ps_ieq(ps->modules[i], name))
			return ps_arr(ps);
	ps->modules = xreallocarray(ps->modules, ps->nmodules + 1,
	    sizeof(*ps->modules));
	ps->modules[ps->nmodules++] = xstrdup("Lync");
	ps->progress = 1;
	return ps_arr(ps);
}

static struct ps_val *
c_get_date(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);

	(void)a;
	(void)in;
	ps_push(ps, out, date(ps, time(NULL)));
	return out;
}

static struct ps_val *
c_hostname(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	char		 up[64];
	size_t		 i;

	(void)a;
	(void)in;
	for (i = 0; i < sizeof(up) - 1 && ps->host.name[i]; i++)
		up[i] = (char)toupper((unsigned char)ps->host.name[i]);
	up[i] = '\0';
	ps_push(ps, out, ps_str(ps, up));
	return out;
}

static struct ps_val *
c_nothing(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	(void)a;
	(void)in;
	return ps_arr(ps);
}

/* ---- files ---------------------------------------------------------------- */

static int
read_host_file(struct ps *ps, const char *path, char **data)
{
	return lab_file_read(ps->lab, ps->host.name, full_path(ps, path),
	    data, NULL);
}

static struct ps_val *
c_get_content(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps), *p = ps_arg(a, "Path", NULL);
	char		*data, *s, *nl;

	(void)in;
	if (p == NULL || read_host_file(ps, ps_text(ps, p), &data) != 0) {
		not_found_path(ps, a, full_path(ps, p ? ps_text(ps, p) : ""));
		return NULL;
	}
	for (s = data; *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL) {
			ps_push(ps, out, ps_str(ps, s));
			break;
		}
		ps_push(ps, out, ps_str(ps, arena_strndup(ps->a, s,
		    (size_t)(nl - s) - (nl > s && nl[-1] == '\r'))));
	}
	free(data);
	return out;
}

static void
text_of_items(struct ps *ps, struct ps_val *items, struct buf *b)
{
	struct ps_val	*lines;
	size_t		 i;

	if (items == NULL)
		return;
	items = ps_expand(ps, items, ps->width);
	for (i = 0; i < items->n; i++) {
		if (items->a[i]->t == PS_OBJ && !items->a[i]->fmt) {
			struct ps_val	*one = ps_arr(ps);

			lines = ps_arr(ps);
			ps_push(ps, one, items->a[i]);
			ps_format(ps, items->a[i]->o->n <= 4 ? PF_TABLE :
			    PF_LIST, one, NULL, 0, ps->width, lines);
			text_of_items(ps, lines, b);
			continue;
		}
		buf_printf(b, "%s\r\n", items->a[i]->fmt ? items->a[i]->s :
		    ps_text(ps, items->a[i]));
	}
}

static struct ps_val *
c_out_file(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*p = ps_arg(a, "FilePath", NULL);
	struct ps_val	*v = ps_arg(a, "InputObject", NULL), *w;
	struct buf	 b;
	const char	*path;
	char		*old = NULL;
	int64_t		 width;
	int		 saved = ps->width;

	if (p == NULL) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) [Out-File], "
		    "ParameterBindingException", "MissingMandatoryParameter,"
		    "Microsoft.PowerShell.Commands.OutFileCommand", "Cannot "
		    "process command because of one or more missing mandatory "
		    "parameters: FilePath.");
		return NULL;
	}
	path = full_path(ps, ps_text(ps, p));
	if ((w = ps_arg(a, "Width", NULL)) != NULL) {
		width = w->t == PS_INT ? w->i : strtoll(ps_text(ps, w), NULL,
		    10);
		ps->width = width < 2 ? 2 : width > 65536 ? 65536 : (int)width;
	}
	buf_init(&b);
	if (ps_switch(a, "Append") && lab_file_read(ps->lab, ps->host.name,
	    path, &old, NULL) == 0) {
		buf_adds(&b, old);
		free(old);
	}
	if (v != NULL) {
		struct ps_val	*one = ps_arr(ps);

		ps_push(ps, one, v);
		text_of_items(ps, one, &b);
	}
	text_of_items(ps, in, &b);
	ps->width = saved;
	lab_begin(ps->lab);
	lab_file_write(ps->lab, ps->host.name, path, b.s ? b.s : "", b.len);
	lab_commit(ps->lab);
	buf_free(&b);
	return ps_arr(ps);
}

static struct ps_val *
c_set_content(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*p = ps_arg(a, "Path", NULL), *v = ps_arg(a, "Value",
	    NULL);
	struct buf	 b;

	buf_init(&b);
	if (v != NULL) {
		struct ps_val	*one = ps_arr(ps);

		if (v->t == PS_ARR)
			one = v;
		else
			ps_push(ps, one, v);
		text_of_items(ps, one, &b);
	}
	text_of_items(ps, in, &b);
	if (p == NULL) {
		buf_free(&b);
		return ps_arr(ps);
	}
	lab_begin(ps->lab);
	lab_file_write(ps->lab, ps->host.name, full_path(ps, ps_text(ps, p)),
	    b.s ? b.s : "", b.len);
	lab_commit(ps->lab);
	buf_free(&b);
	return ps_arr(ps);
}

static struct ps_val *
c_select_string(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps), *p = ps_arg(a, "Path", NULL);
	struct ps_val	*pat = ps_arg(a, "Pattern", NULL);
	const char	*path, *pattern, *name;
	char		*data, *s, *nl;
	int		 lineno = 0, simple = ps_switch(a, "SimpleMatch");
	struct ps_obj	*o;

	(void)in;
	if (p == NULL || pat == NULL) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) [Select-String], "
		    "ParameterBindingException", "MissingMandatoryParameter,"
		    "Microsoft.PowerShell.Commands.SelectStringCommand",
		    "Cannot process command because of one or more missing "
		    "mandatory parameters: %s.", p == NULL ? "Path" :
		    "Pattern");
		return NULL;
	}
	path = full_path(ps, ps_text(ps, p));
	pattern = ps_text(ps, pat);
	if (lab_file_read(ps->lab, ps->host.name, path, &data, NULL) != 0) {
		not_found_path(ps, a, path);
		return NULL;
	}
	name = strrchr(path, '\\') ? strrchr(path, '\\') + 1 : path;
	for (s = data; *s != '\0'; s = nl + 1) {
		const char	*l;
		size_t		 len;

		lineno++;
		nl = strchr(s, '\n');
		len = nl ? (size_t)(nl - s) : strlen(s);
		if (len > 0 && s[len - 1] == '\r')
			len--;
		l = arena_strndup(ps->a, s, len);
		if (simple ? strcasestr(l, pattern) != NULL :
		    ps_match(l, pattern)) {
			o = ps_obj(ps, "Microsoft.PowerShell.Commands.MatchInfo",
			    PK_OPAQUE);
			ps_set(ps, o, "IgnoreCase", ps_bool(ps, 1));
			ps_set(ps, o, "LineNumber", ps_int(ps, lineno));
			ps_set(ps, o, "Line", ps_str(ps, l));
			ps_set(ps, o, "Filename", ps_str(ps, name));
			ps_set(ps, o, "Path", ps_str(ps, path));
			ps_set(ps, o, "Pattern", ps_str(ps, pattern));
			ps_set(ps, o, "Context", ps_null(ps));
			{
				struct ps_val	*m = ps_arr(ps);

				ps_push(ps, m, ps_str(ps, pattern));
				ps_set(ps, o, "Matches", m);
			}
			o->tostr = arena_strdup(ps->a, ps_text(ps, ps_strf(ps,
			    "%s:%d:%s", path, lineno, l)));
			ps_push(ps, out, ps_objv(ps, o));
		}
		if (nl == NULL)
			break;
	}
	free(data);
	return out;
}

/* ---- registry, certificate store, file system ------------------------- */

/* "HKLM:\System\..." or "Registry::HKEY_LOCAL_MACHINE\..." -> the lab's
 * key path "HKLM\System\...". NULL when it is not the registry. */
static const char *
reg_key(struct ps *ps, const char *p)
{
	if (strncasecmp(p, "HKLM:", 5) == 0)
		return ps_text(ps, ps_strf(ps, "HKLM%s", p + 5));
	if (strncasecmp(p, "Registry::HKEY_LOCAL_MACHINE", 28) == 0)
		return ps_text(ps, ps_strf(ps, "HKLM%s", p + 28));
	if (strncasecmp(p, "HKEY_LOCAL_MACHINE", 18) == 0)
		return ps_text(ps, ps_strf(ps, "HKLM%s", p + 18));
	return NULL;
}

/*
 * A registry key as a RegistryKey: its values as properties (for
 * GetValue), tostr its name. A key exists when the lab has values under
 * it or under a key below it (Windows has the whole tree; the lab keeps
 * the keys the estate and the checks use).
 */
struct ps_val *
ps_regkey(struct ps *ps, const char *path)
{
	const char	*key = reg_key(ps, path);
	int64_t		 id, *v;
	size_t		 n, i, kl;
	struct lab_obj	 lo;
	struct ps_obj	*o;
	int		 found = 0;
	char		*name;

	if (key == NULL)
		return NULL;
	kl = strlen(key);
	while (kl > 0 && key[kl - 1] == '\\')
		kl--;
	key = arena_strndup(ps->a, key, kl);
	o = ps_obj(ps, "Microsoft.Win32.RegistryKey", PK_REGKEY);
	if ((id = lab_obj_find(ps->lab, ps->host.name, "Registry", key)) != 0 &&
	    lab_obj_load(ps->lab, id, &lo) == 0) {
		found = 1;
		for (i = 0; i < lo.n; i++)
			ps_set(ps, o, lo.p[i].name, lo.p[i].type == 'i' ?
			    ps_int(ps, strtoll(lo.p[i].value, NULL, 10)) :
			    ps_str(ps, lo.p[i].value));
		lab_obj_free(&lo);
	}
	v = lab_obj_list(ps->lab, ps->host.name, "Registry", &n);
	for (i = 0; i < n && !found; i++)
		if (lab_obj_load(ps->lab, v[i], &lo) == 0) {
			found = strncasecmp(lo.ident, key, kl) == 0 &&
			    (lo.ident[kl] == '\\' || kl == 4);
			lab_obj_free(&lo);
		}
	free(v);
	if (!found && !ps_ieq(key, "HKLM"))
		return NULL;
	name = xasprintf("HKEY_LOCAL_MACHINE%s", key + 4);
	o->tostr = arena_strdup(ps->a, name);
	free(name);
	return ps_objv(ps, o);
}

static struct ps_val	*c_get_childitem_one(struct ps *, struct ps_args *,
			    const char *);
static struct ps_val	*file_items(struct ps *, const char *);
static void		 missing(struct ps *, struct ps_args *, const char *);

/* Get-Item: a registry key (Name and Property, as its listing shows
 * them), a certificate, or a file. */
static struct ps_val *
c_get_item(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps), *p = ps_arg(a, "Path", NULL), *k;
	struct ps_obj	*o;
	const char	*path;
	size_t		 i;

	(void)in;
	if (p == NULL) {
		missing(ps, a, "Path");
		return NULL;
	}
	path = ps_text(ps, p);
	if (reg_key(ps, path) != NULL) {
		if ((k = ps_regkey(ps, path)) == NULL) {
			not_found_path(ps, a, path);
			return NULL;
		}
		o = ps_obj(ps, "Microsoft.Win32.RegistryKey", PK_REGKEY);
		*o = *k->o;
		o->p = NULL;
		o->n = o->cap = 0;
		for (i = 0; i < k->o->n; i++)
			ps_set(ps, o, k->o->p[i].name, k->o->p[i].v);
		ps_set(ps, o, "Name", ps_str(ps, k->o->tostr));
		{
			struct ps_val	*names = ps_arr(ps);

			for (i = 0; i < k->o->n; i++)
				ps_push(ps, names, ps_str(ps, k->o->p[i].name));
			ps_set(ps, o, "Property", names);
			ps_set(ps, o, "ValueCount", ps_int(ps,
			    (int64_t)k->o->n));
		}
		{
			static const char *const tv[] = { "Name", "Property",
			    NULL };

			o->tableview = tv;
		}
		ps_push(ps, out, ps_objv(ps, o));
		return out;
	}
	/* Anything else: what Get-ChildItem of its parent would list. */
	return c_get_childitem_one(ps, a, path);
}

static struct ps_val *
c_get_itemproperty(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps), *p = ps_arg(a, "Path", NULL);
	struct ps_val	*nm = ps_arg(a, "Name", NULL);
	const char	*key, *tail;
	int64_t		 id;
	struct lab_obj	 lo;
	struct ps_obj	*o;
	size_t		 i;
	char		*long_key;

	(void)in;
	if (p == NULL || (key = reg_key(ps, ps_text(ps, p))) == NULL) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) "
		    "[Get-ItemProperty], PSArgumentException",
		    "Argument,Microsoft.PowerShell.Commands."
		    "GetItemPropertyCommand", "Cannot find path '%s' because "
		    "it does not exist.", p ? ps_text(ps, p) : "");
		return NULL;
	}
	id = lab_obj_find(ps->lab, ps->host.name, "Registry", key);
	if (id == 0 || lab_obj_load(ps->lab, id, &lo) != 0) {
		not_found_path(ps, a, ps_text(ps, p));
		return NULL;
	}
	long_key = xasprintf("HKEY_LOCAL_MACHINE%s", lo.ident + 4);
	o = ps_obj(ps, "System.Management.Automation.PSCustomObject",
	    PK_PLAIN);
	for (i = 0; i < lo.n; i++) {
		if (nm != NULL && !ps_ieq(ps_text(ps, nm), lo.p[i].name))
			continue;
		ps_set(ps, o, lo.p[i].name, lo.p[i].type == 'i' ?
		    ps_int(ps, strtoll(lo.p[i].value, NULL, 10)) :
		    ps_str(ps, lo.p[i].value));
	}
	if (nm != NULL && o->n == 0) {
		ps_error(ps, a->cmdname, ps_fmt(ps, "InvalidArgument: (%s:PSObject) "
		    "[Get-ItemProperty], PSArgumentException", long_key),
		    "System.Management.Automation.PSArgumentException,"
		    "Microsoft.PowerShell.Commands.GetItemPropertyCommand",
		    "Property %s does not exist at path %s.",
		    ps_text(ps, nm), long_key);
		free(long_key);
		lab_obj_free(&lo);
		return NULL;
	}
	tail = strrchr(lo.ident, '\\');
	ps_set(ps, o, "PSPath", ps_strf(ps, "%s::%s", REGPROV, long_key));
	ps_set(ps, o, "PSParentPath", ps_strf(ps, "%s::%.*s", REGPROV,
	    (int)(strrchr(long_key, '\\') - long_key), long_key));
	ps_set(ps, o, "PSChildName", ps_str(ps, tail ? tail + 1 : lo.ident));
	ps_set(ps, o, "PSDrive", ps_str(ps, "HKLM"));
	ps_set(ps, o, "PSProvider", ps_str(ps, REGPROV));
	ps_push(ps, out, ps_objv(ps, o));
	free(long_key);
	lab_obj_free(&lo);
	return out;
}

static struct ps_val *
c_set_itemproperty(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*p = ps_arg(a, "Path", NULL), *nm = ps_arg(a, "Name",
	    NULL), *v = ps_arg(a, "Value", NULL);
	const char	*key;
	int64_t		 id;

	(void)in;
	if (p == NULL || nm == NULL || v == NULL ||
	    (key = reg_key(ps, ps_text(ps, p))) == NULL) {
		ps_error(ps, a->cmdname, ps_fmt(ps, "InvalidArgument: (:) [%s], "
		    "ParameterBindingException", a->cmdname), "MissingMandatoryParameter",
		    "Cannot process command because of one or more missing "
		    "mandatory parameters: Path Name Value.");
		return NULL;
	}
	id = lab_obj_find(ps->lab, ps->host.name, "Registry", key);
	if (id == 0 && !ps_ieq(a->cmdname, "New-ItemProperty")) {
		not_found_path(ps, a, ps_text(ps, p));
		return NULL;
	}
	lab_begin(ps->lab);
	ps->lab->who = ps->host.name;
	lab_reg_set(ps->lab, ps->host.name, key, ps_text(ps, nm),
	    v->t == PS_INT ? 'i' : 's', ps_text(ps, v));
	lab_log(ps->lab, "%s: registry %s\\%s = %s", ps->host.name, key,
	    ps_text(ps, nm), ps_text(ps, v));
	lab_commit(ps->lab);
	return ps_arr(ps);
}

static struct ps_val *
cert_store(struct ps *ps, struct ps_args *a, const char *path)
{
	struct ps_val	*out = ps_arr(ps);
	const char	*p = path + 5;	/* after "Cert:" */
	int64_t		*v;
	size_t		 n, i;
	const char	*store;

	while (*p == '\\')
		p++;
	if (strncasecmp(p, "LocalMachine", 12) != 0 &&
	    strncasecmp(p, "CurrentUser", 11) != 0) {
		if (*p == '\0') {
			ps_push(ps, out, ps_str(ps, "Location   : CurrentUser"));
			ps_push(ps, out, ps_str(ps, "Location   : "
			    "LocalMachine"));
			return out;
		}
		not_found_path(ps, a, path);
		return NULL;
	}
	p = strchr(p, '\\');
	store = p ? p + 1 : "";
	if (*store == '\0') {
		static const char *const stores[] = { "My", "Root", "CA",
		    "TrustedPeople", NULL };

		for (i = 0; stores[i] != NULL; i++)
			ps_push(ps, out, ps_strf(ps, "Name : %s", stores[i]));
		return out;
	}
	if (strchr(store, '\\') != NULL) {
		/* One certificate by thumbprint. */
		int64_t	id = lab_cert_by_thumb(ps->lab, strchr(store, '\\') +
		    1);
		char	*st = arena_strndup(ps->a, store, (size_t)(strchr(store,
		    '\\') - store));

		if (id == 0 || !lab_store_has(ps->lab, ps->host.name, st,
		    id)) {
			not_found_path(ps, a, path);
			return NULL;
		}
		ps_push(ps, out, cert_obj(ps, id, st));
		return out;
	}
	if (!ps_ieq(store, "My") && !ps_ieq(store, "Root") &&
	    !ps_ieq(store, "CA") && !ps_ieq(store, "TrustedPeople") &&
	    !ps_ieq(store, "AuthRoot")) {
		not_found_path(ps, a, path);
		return NULL;
	}
	v = lab_store_list(ps->lab, ps->host.name, ps_ieq(store, "My") ? "My" :
	    ps_ieq(store, "Root") ? "Root" : store, &n, NULL);
	for (i = 0; i < n; i++)
		ps_push(ps, out, cert_obj(ps, v[i], ps_ieq(store, "My") ? "My" :
		    ps_ieq(store, "Root") ? "Root" : store));
	free(v);
	return out;
}

static struct ps_val *
c_get_childitem(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*p = ps_arg(a, "Path", NULL);
	const char	*path = p ? ps_text(ps, p) : ps->cwd;

	(void)in;
	if (strncasecmp(path, "Cert:", 5) == 0)
		return cert_store(ps, a, path);
	if (reg_key(ps, path) != NULL) {
		not_found_path(ps, a, path);
		return NULL;
	}
	return file_items(ps, path);
}

/* One item by its path: a certificate (Cert:\LocalMachine\My\THUMB) or a
 * file; an error when there is none. */
static struct ps_val *
c_get_childitem_one(struct ps *ps, struct ps_args *a, const char *path)
{
	const char	*slash = strrchr(path, '\\'), *name;
	char		*parent;
	struct ps_val	*all, *out = ps_arr(ps), *v;
	size_t		 i;

	if (slash == NULL || slash[1] == '\0') {
		not_found_path(ps, a, path);
		return NULL;
	}
	parent = xstrndup(path, (size_t)(slash - path));
	name = slash + 1;
	all = strncasecmp(path, "Cert:", 5) == 0 ? cert_store(ps, a, parent) :
	    file_items(ps, parent);
	free(parent);
	for (i = 0; all != NULL && i < all->n; i++) {
		v = ps_member(ps, all->a[i], strncasecmp(path, "Cert:", 5) == 0 ?
		    "Thumbprint" : "Name");
		if (v != NULL && ps_ieq(ps_text(ps, v), name))
			ps_push(ps, out, all->a[i]);
	}
	if (out->n == 0) {
		not_found_path(ps, a, path);
		return NULL;
	}
	return out;
}

/* The files of the host directly in a folder, as FileInfo objects. */
static struct ps_val *
file_items(struct ps *ps, const char *path)
{
	struct ps_val	*out;
	char		*prefix;
	struct ps_obj	*o;

	out = ps_arr(ps);
	path = full_path(ps, path);
	prefix = xasprintf("%s%s", path, path[strlen(path) - 1] == '\\' ? "" :
	    "\\");
	{
		struct sqlite3_stmt	*st;
		char			*f;

		st = lab_stmt(ps->lab, "SELECT path, length(data) FROM files "
		    "WHERE host = ? ORDER BY path", "s", ps->host.name);
		while (lab_step(ps->lab, st)) {
			f = lab_col(st, 0);
			if (strncasecmp(f, prefix, strlen(prefix)) == 0 &&
			    strchr(f + strlen(prefix), '\\') == NULL) {
				static const char *const tv[] = { "Mode",
				    "LastWriteTime", "Length", "Name", NULL };

				o = ps_obj(ps, "System.IO.FileInfo", PK_PLAIN);
				o->tableview = tv;
				ps_set(ps, o, "Mode", ps_str(ps, "-a---"));
				ps_set(ps, o, "LastWriteTime", date(ps,
				    time(NULL)));
				ps_set(ps, o, "Length", ps_int(ps,
				    sqlite3_column_int64(st, 1)));
				ps_set(ps, o, "Name", ps_str(ps, f +
				    strlen(prefix)));
				ps_set(ps, o, "FullName", ps_str(ps, f));
				o->tostr = arena_strdup(ps->a, f +
				    strlen(prefix));
				ps_push(ps, out, ps_objv(ps, o));
			}
			free(f);
		}
		sqlite3_finalize(st);
	}
	free(prefix);
	return out;
}

/* ---- services ---------------------------------------------------------- */

static int64_t
find_service(struct ps *ps, const char *name)
{
	int64_t	id = lab_obj_find(ps->lab, ps->host.name, "Service", name);

	if (id == 0)
		id = lab_obj_where(ps->lab, ps->host.name, "Service",
		    "DisplayName", name);
	return id;
}

static struct ps_val *
c_get_service(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps), *n = ps_arg(a, "Name", NULL);
	int64_t		*v, id;
	size_t		 k, i;
	struct ps_val	*names;

	(void)in;
	if (n == NULL) {
		v = lab_obj_list(ps->lab, ps->host.name, "Service", &k);
		for (i = 0; i < k; i++)
			ps_push(ps, out, service_obj(ps, v[i]));
		free(v);
		return out;
	}
	names = n->t == PS_ARR ? n : NULL;
	for (i = 0; i < (names ? names->n : 1); i++) {
		const char	*name = ps_text(ps, names ? names->a[i] : n);

		if ((id = find_service(ps, name)) == 0) {
			ps_error(ps, a->cmdname, ps_fmt(ps, "ObjectNotFound: (%s:String) "
			    "[Get-Service], ServiceCommandException", name),
			    "NoServiceFoundForGivenName,Microsoft.PowerShell."
			    "Commands.GetServiceCommand", "Cannot find any "
			    "service with service name '%s'.", name);
			continue;
		}
		ps_push(ps, out, service_obj(ps, id));
	}
	return out;
}

static struct ps_val *
c_service_verb(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*n = ps_arg(a, "Name", NULL);
	int64_t		 id;
	const char	*name = n ? ps_text(ps, n) : "";
	const char	*to = strncasecmp(a->cmdname, "Stop", 4) == 0 ?
	    "Stopped" : "Running";

	(void)in;
	if ((id = find_service(ps, name)) == 0) {
		ps_error(ps, a->cmdname, ps_fmt(ps, "ObjectNotFound: (%s:String) [%s], "
		    "ServiceCommandException", name,
		    a->cmdname), ps_fmt(ps, "NoServiceFoundForGivenName,"
		    "Microsoft.PowerShell.Commands.%sServiceCommand", a->cmdname), "Cannot "
		    "find any service with service name '%s'.", name);
		return NULL;
	}
	lab_begin(ps->lab);
	ps->lab->who = ps->host.name;
	fx_service(ps->lab, ps->host.name, ps_text(ps, propval(ps, id, "Name")),
	    to);
	if (strncasecmp(a->cmdname, "Restart", 7) == 0)
		lab_log(ps->lab, "%s: service %s restarted", ps->host.name,
		    name);
	lab_commit(ps->lab);
	return ps_arr(ps);
}

/* ---- WMI --------------------------------------------------------------- */

static struct ps_val *
c_get_wmiobject(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps), *c = ps_arg(a, "Class", NULL);
	struct ps_val	*ns = ps_arg(a, "Namespace", NULL);
	const char	*cls = c ? ps_text(ps, c) : "";
	int64_t		*v;
	size_t		 n, i, k;

	(void)in;
	for (k = 0; k < nitems(wmi_classes); k++)
		if (ps_ieq(wmi_classes[k].cls, cls))
			break;
	if (ns != NULL && !ps_ieq(ps_text(ps, ns), "root\\cimv2") &&
	    !ps_ieq(ps_text(ps, ns), "root/cimv2")) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) "
		    "[Get-WmiObject], ManagementException",
		    "GetWMIManagementException,Microsoft.PowerShell.Commands."
		    "GetWmiObjectCommand", "Invalid namespace \"%s\"",
		    ps_text(ps, ns));
		return NULL;
	}
	/* The OCS classes exist where OCS is installed. */
	if (k == nitems(wmi_classes) || (strncmp(ps->host.kind, "ocs", 3) !=
	    0 && strcmp(ps->host.kind, "edge") != 0)) {
		if (strcasecmp(cls, "Win32_OperatingSystem") == 0) {
			struct ps_obj	*o = ps_obj(ps, "System.Management."
			    "ManagementObject#root\\cimv2\\"
			    "Win32_OperatingSystem", PK_WMI);
			int64_t		 sys = lab_obj_find(ps->lab,
			    ps->host.name, "Computer", "system");

			ps_set(ps, o, "Caption", sys ? propval(ps, sys, "OS") :
			    ps_null(ps));
			ps_set(ps, o, "CSName", ps_str(ps, ps->host.name));
			ps_push(ps, out, ps_objv(ps, o));
			return out;
		}
		ps_error(ps, a->cmdname, "InvalidType: (:) [Get-WmiObject], "
		    "ManagementException", "GetWMIManagementException,"
		    "Microsoft.PowerShell.Commands.GetWmiObjectCommand",
		    "Invalid class \"%s\"", cls);
		return NULL;
	}
	v = lab_obj_list(ps->lab, ps->host.scope, wmi_classes[k].cls, &n);
	for (i = 0; i < n; i++)
		ps_push(ps, out, wmi_obj(ps, k, v[i]));
	free(v);
	return out;
}

/* ---- Lync cmdlets ------------------------------------------------------- */

static void
lync_change(struct ps *ps)
{
	lab_begin(ps->lab);
	ps->lab->who = ps->host.name;
}

static int
boolarg(struct ps *ps, struct ps_args *a, const char *name, int def)
{
	int		 given;
	struct ps_val	*v = ps_arg(a, name, &given);

	(void)ps;
	if (!given)
		return def;
	return v == NULL ? 1 : ps_truthy(v);
}

static const char *
strarg(struct ps *ps, struct ps_args *a, const char *name)
{
	struct ps_val	*v = ps_arg(a, name, NULL);

	return v ? ps_text(ps, v) : NULL;
}

static void
missing(struct ps *ps, struct ps_args *a, const char *params)
{
	ps_error(ps, a->cmdname, ps_fmt(ps, "InvalidArgument: (:) [%s], "
	    "ParameterBindingException", a->cmdname), ps_fmt(ps, "MissingMandatoryParameter,"
	    "Microsoft.Rtc.Management.Internal.%sCmdlet", a->cmdname), "Cannot process "
	    "command because of one or more missing mandatory parameters: "
	    "%s.", params);
}

static void
item_not_found(struct ps *ps, struct ps_args *a, const char *id)
{
	ps_error(ps, a->cmdname, ps_fmt(ps, "ObjectNotFound: (:) [%s], "
	    "ItemNotFoundException", a->cmdname), ps_fmt(ps, "Microsoft.Rtc.Management.ItemNotFound,"
	    "Microsoft.Rtc.Management.%sCmdlet",
	    a->cmdname + 4), "Cannot find an object "
	    "matching the identity given in \"%s\".", id);
}

/* Confirmation, as ShouldContinue asks at the console. In -NonInteractive
 * mode PowerShell cannot ask, and says so. */
static int
confirm(struct ps *ps, struct ps_args *a, const char *what)
{
	char	line[256];

	if (ps_switch(a, "Force") || (!ps->interactive && !ps->noninteractive))
		return 1;
	{
		int		 given;
		struct ps_val	*c = ps_arg(a, "Confirm", &given);

		if (given && c != NULL && !ps_truthy(c))
			return 1;
	}
	if (ps->noninteractive) {
		ps_error(ps, a->cmdname, ps_fmt(ps, "InvalidOperation: (:) [%s], "
		    "PSInvalidOperationException",
		    a->cmdname), ps_fmt(ps, "System.Management."
		    "Automation.PSInvalidOperationException,Microsoft.Rtc."
		    "Management.%sCmdlet", a->cmdname + 4), "PowerShell is in NonInteractive "
		    "mode. Read and Prompt functionality is not available.");
		return 0;
	}
	for (;;) {
		fprintf(ps->out, "\r\nConfirm\r\nAre you sure you want to "
		    "perform this action?\r\n%s\r\n[Y] Yes  [A] Yes to All  [N] "
		    "No  [L] No to All  [S] Suspend  [?] Help (default is "
		    "\"Y\"): ", what);
		fflush(ps->out);
		if (fgets(line, sizeof(line), ps->in) == NULL)
			return 0;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || ps_ieq(line, "Y") || ps_ieq(line, "A"))
			return 1;
		if (ps_ieq(line, "N") || ps_ieq(line, "L"))
			return 0;
		if (ps_ieq(line, "?"))
			fprintf(ps->out, "Y - Continue with only the next step "
			    "of the operation.\r\nA - Continue with all the steps "
			    "of the operation.\r\nN - Skip this operation and "
			    "proceed with the next operation.\r\nL - Skip this "
			    "operation and all subsequent operations.\r\nS - "
			    "Pause the current pipeline and return to the "
			    "command prompt. Type \"exit\" to resume the "
			    "pipeline.\r\n");
	}
}

static struct ps_val *
c_get_routing(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	const char	*id = strarg(ps, a, "Identity");

	(void)in;
	if (id != NULL && !ps_ieq(id, "Global")) {
		item_not_found(ps, a, id);
		return NULL;
	}
	ps_push(ps, out, routing_conf(ps));
	return out;
}

static struct ps_val *
c_new_route(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	const char	*dest = strarg(ps, a, "Destination");
	const char	*match = strarg(ps, a, "MatchUri");
	const char	*port = strarg(ps, a, "Port");
	int		 tls = ps_switch(a, "TLSRoute");
	int		 tcp = ps_switch(a, "TCPRoute");

	(void)in;
	if (tls == tcp) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) "
		    "[New-CsStaticRoute], ParameterBindingException",
		    "AmbiguousParameterSet,Microsoft.Rtc.Management.Internal."
		    "NewCsStaticRouteCmdlet", "Parameter set cannot be resolved "
		    "using the specified named parameters.");
		return NULL;
	}
	if (dest == NULL || match == NULL) {
		missing(ps, a, dest == NULL ? "Destination" : "MatchUri");
		return NULL;
	}
	ps_push(ps, out, route_obj(ps, tls ? "TLS" : "TCP", dest,
	    port ? strtoll(port, NULL, 10) : tls ? 5061 : 5060, match,
	    boolarg(ps, a, "UseDefaultCertificate", 0),
	    boolarg(ps, a, "Enabled", 1),
	    boolarg(ps, a, "ReplaceHostInRequestUri", 0)));
	return out;
}

static int64_t
store_route(struct ps *ps, struct ps_val *r)
{
	struct ps_val	*t = ps_get(r->o, "Transport"), *ch = NULL;
	const char	*tr;
	const char	*dest;

	if (t != NULL && t->t == PS_OBJ)
		ch = ps_get(t->o, "TransportChoice");
	tr = ch != NULL && ch->t == PS_OBJ && ps_get(ch->o, "IPAddress") ?
	    "TCP" : "TLS";
	dest = ch != NULL && ch->t == PS_OBJ ? ps_text(ps, ps_get(ch->o,
	    strcmp(tr, "TCP") == 0 ? "IPAddress" : "Fqdn")) : "";
	return fx_cs_route_add(ps->lab, ps->host.scope, tr,
	    (int)(t && t->t == PS_OBJ ? ps_get(t->o, "Port")->i : 5061), dest,
	    ps_text(ps, ps_get(r->o, "MatchUri")),
	    ch && ch->t == PS_OBJ && ps_truthy(ps_get(ch->o,
	    "UseDefaultCertificate")),
	    ps_truthy(ps_get(r->o, "ReplaceHostInRequestUri")));
}

static struct ps_val *
c_set_routing(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*route = ps_arg(a, "Route", NULL), *add, *rem, *v;
	const char	*id = strarg(ps, a, "Identity");
	size_t		 i;

	(void)in;
	if (id != NULL && !ps_ieq(id, "Global")) {
		item_not_found(ps, a, id);
		return NULL;
	}
	if (route == NULL || route->t != PS_HASH) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) "
		    "[Set-CsStaticRoutingConfiguration], "
		    "ParameterBindingException", "CannotConvertArgument,"
		    "Microsoft.Rtc.Management.Internal."
		    "SetCsStaticRoutingConfigurationCmdlet", "Cannot bind "
		    "parameter 'Route'. Use @{Add=$route}, @{Remove=$route} or "
		    "@{Replace=$route}.");
		return NULL;
	}
	add = NULL;
	rem = NULL;
	for (i = 0; i < route->n; i++) {
		if (ps_ieq(route->k[i], "Add"))
			add = route->a[i];
		else if (ps_ieq(route->k[i], "Remove"))
			rem = route->a[i];
		else if (ps_ieq(route->k[i], "Replace")) {
			lync_change(ps);
			fx_cs_routes_clear(ps->lab, ps->host.scope);
			lab_commit(ps->lab);
			add = route->a[i];
		}
	}
	if ((add != NULL && add->t == PS_NULL) || (add != NULL &&
	    add->t != PS_OBJ && add->t != PS_ARR)) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) "
		    "[Set-CsStaticRoutingConfiguration], ArgumentException",
		    "Microsoft.Rtc.Management.Internal."
		    "SetCsStaticRoutingConfigurationCmdlet", "Cannot add a null "
		    "route: create it first with New-CsStaticRoute.");
		return NULL;
	}
	lync_change(ps);
	if (add != NULL)
		for (i = 0; i < (add->t == PS_ARR ? add->n : 1); i++) {
			v = add->t == PS_ARR ? add->a[i] : add;
			if (v->t == PS_OBJ && v->o->kind == PK_ROUTE)
				store_route(ps, v);
		}
	if (rem != NULL)
		for (i = 0; i < (rem->t == PS_ARR ? rem->n : 1); i++) {
			v = rem->t == PS_ARR ? rem->a[i] : rem;
			if (v->t == PS_OBJ && v->o->id != 0) {
				lab_obj_delete(ps->lab, v->o->id);
				lab_log(ps->lab, "%s: static route %s removed",
				    ps->host.scope, ps_text(ps, ps_get(v->o,
				    "MatchUri")));
			}
		}
	lab_commit(ps->lab);
	return ps_arr(ps);
}

static struct ps_val *
c_remove_routing(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	const char	*id = strarg(ps, a, "Identity");

	(void)in;
	if (id == NULL || !ps_ieq(id, "Global")) {
		item_not_found(ps, a, id ? id : "");
		return NULL;
	}
	if (!confirm(ps, a, "Performing operation \"Remove\" on Target "
	    "\"Global\"."))
		return ps_arr(ps);
	lync_change(ps);
	fx_cs_routes_clear(ps->lab, ps->host.scope);
	lab_commit(ps->lab);
	return ps_arr(ps);
}

static const char *
strip_prefix(const char *id, const char *prefix)
{
	size_t	n = strlen(prefix);

	return strncasecmp(id, prefix, n) == 0 ? id + n : id;
}

static struct ps_val *
c_get_pool(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	const char	*id = strarg(ps, a, "Identity");
	int64_t		*v, o;
	size_t		 n, i;

	(void)in;
	if (id == NULL)
		id = strarg(ps, a, "PoolFqdn");
	if (id != NULL) {
		o = lab_obj_find(ps->lab, ps->host.scope,
		    "CsTrustedApplicationPool", strip_prefix(id,
		    "TrustedApplicationPool:"));
		if (o == 0) {
			item_not_found(ps, a, id);
			return NULL;
		}
		ps_push(ps, out, pool_obj(ps, o));
		return out;
	}
	v = lab_obj_list(ps->lab, ps->host.scope, "CsTrustedApplicationPool",
	    &n);
	for (i = 0; i < n; i++)
		ps_push(ps, out, pool_obj(ps, v[i]));
	free(v);
	return out;
}

static struct ps_val *
c_new_pool(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	const char	*id = strarg(ps, a, "Identity");
	const char	*reg = strarg(ps, a, "Registrar");
	const char	*site = strarg(ps, a, "Site");
	int64_t		*v, o, s = 0;
	size_t		 n, i;
	char		*what;

	(void)in;
	if (id == NULL) {
		missing(ps, a, "Identity");
		return NULL;
	}
	if (lab_obj_find(ps->lab, ps->host.scope, "CsTrustedApplicationPool",
	    id) != 0) {
		ps_error(ps, a->cmdname, "InvalidOperation: (:) "
		    "[New-CsTrustedApplicationPool], InvalidOperationException",
		    "Microsoft.Rtc.Management.Internal."
		    "NewCsTrustedApplicationPoolCmdlet", "Cannot create a "
		    "pool \"%s\": a pool with this FQDN already exists.", id);
		return NULL;
	}
	if (reg == NULL) {
		missing(ps, a, "Registrar");
		return NULL;
	}
	/* -Site takes a SiteId (or the site's identity); the pool stores the
	 * site's Identity, Site:<name>. */
	v = lab_obj_list(ps->lab, ps->host.scope, "CsSite", &n);
	for (i = 0; i < n && s == 0; i++) {
		struct lab_obj	lo;

		if (lab_obj_load(ps->lab, v[i], &lo) != 0)
			continue;
		if (site == NULL || ps_ieq(ps_text(ps, propval(ps, v[i],
		    "SiteId")), site) || ps_ieq(lo.ident, site) ||
		    ps_ieq(lo.ident + 5, site))
			s = v[i];
		lab_obj_free(&lo);
	}
	free(v);
	if (s == 0) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) "
		    "[New-CsTrustedApplicationPool], ArgumentException",
		    "Microsoft.Rtc.Management.Internal."
		    "NewCsTrustedApplicationPoolCmdlet", "Site \"%s\" was not "
		    "found. Specify a valid SiteId (Get-CsSite).", site ? site :
		    "");
		return NULL;
	}
	what = xasprintf("Performing operation \"New\" on Target "
	    "\"TrustedApplicationPool:%s\".", id);
	if (!confirm(ps, a, what)) {
		free(what);
		return ps_arr(ps);
	}
	free(what);
	lync_change(ps);
	{
		struct lab_obj	lo;

		lab_obj_load(ps->lab, s, &lo);
		o = fx_cs_pool_add(ps->lab, ps->host.scope, id, strip_prefix(reg,
		    "Registrar:"), lo.ident, boolarg(ps, a, "ThrottleAsServer",
		    1), boolarg(ps, a, "TreatAsAuthenticated", 1));
		lab_obj_free(&lo);
	}
	if (ps_arg(a, "OutboundOnly", NULL) != NULL)
		lab_setb(ps->lab, o, "OutboundOnly", boolarg(ps, a,
		    "OutboundOnly", 0));
	if (ps_arg(a, "RequiresReplication", NULL) != NULL)
		lab_setb(ps->lab, o, "RequiresReplication", boolarg(ps, a,
		    "RequiresReplication", 0));
	lab_commit(ps->lab);
	ps_push(ps, out, pool_obj(ps, o));
	return out;
}

static struct ps_val *
c_remove_pool(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	const char	*id = strarg(ps, a, "Identity");
	int64_t		 o, *v;
	size_t		 n, i;
	char		*what, *pf;

	(void)in;
	if (id == NULL) {
		missing(ps, a, "Identity");
		return NULL;
	}
	o = lab_obj_find(ps->lab, ps->host.scope, "CsTrustedApplicationPool",
	    strip_prefix(id, "TrustedApplicationPool:"));
	if (o == 0) {
		item_not_found(ps, a, id);
		return NULL;
	}
	what = xasprintf("Performing operation \"Remove\" on Target \"%s\".",
	    id);
	if (!confirm(ps, a, what)) {
		free(what);
		return ps_arr(ps);
	}
	free(what);
	lync_change(ps);
	/* Its applications go with it. */
	pf = xasprintf("%s/", strip_prefix(id, "TrustedApplicationPool:"));
	v = lab_obj_list(ps->lab, ps->host.scope, "CsTrustedApplication", &n);
	for (i = 0; i < n; i++) {
		struct lab_obj	lo;

		if (lab_obj_load(ps->lab, v[i], &lo) == 0) {
			if (strncasecmp(lo.ident, pf, strlen(pf)) == 0)
				lab_obj_delete(ps->lab, v[i]);
			lab_obj_free(&lo);
		}
	}
	free(v);
	free(pf);
	lab_obj_delete(ps->lab, o);
	lab_log(ps->lab, "%s: trusted application pool %s removed",
	    ps->host.scope, id);
	lab_commit(ps->lab);
	return ps_arr(ps);
}

static struct ps_val *
c_get_app(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	const char	*id = strarg(ps, a, "Identity");
	int64_t		*v, o;
	size_t		 n, i;

	(void)in;
	if (id != NULL) {
		if ((o = lab_obj_find(ps->lab, ps->host.scope,
		    "CsTrustedApplication", id)) == 0) {
			item_not_found(ps, a, id);
			return NULL;
		}
		ps_push(ps, out, app_obj(ps, o));
		return out;
	}
	v = lab_obj_list(ps->lab, ps->host.scope, "CsTrustedApplication", &n);
	for (i = 0; i < n; i++)
		ps_push(ps, out, app_obj(ps, v[i]));
	free(v);
	return out;
}

static struct ps_val *
c_new_app(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	const char	*app = strarg(ps, a, "ApplicationId");
	const char	*pool = strarg(ps, a, "TrustedApplicationPoolFqdn");
	const char	*port = strarg(ps, a, "Port");
	char		*what;
	int64_t		 o;

	(void)in;
	if (app == NULL || pool == NULL || port == NULL) {
		missing(ps, a, app == NULL ? "ApplicationId" : pool == NULL ?
		    "TrustedApplicationPoolFqdn" : "Port");
		return NULL;
	}
	if (lab_obj_find(ps->lab, ps->host.scope, "CsTrustedApplicationPool",
	    pool) == 0) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) "
		    "[New-CsTrustedApplication], ArgumentException",
		    "Microsoft.Rtc.Management.Internal."
		    "NewCsTrustedApplicationCmdlet", "Trusted application pool "
		    "\"%s\" was not found. Create it with "
		    "New-CsTrustedApplicationPool first.", pool);
		return NULL;
	}
	what = xasprintf("Performing operation \"New\" on Target \"%s/urn:"
	    "application:%s\".", pool, app);
	if (!confirm(ps, a, what)) {
		free(what);
		return ps_arr(ps);
	}
	free(what);
	lync_change(ps);
	o = fx_cs_app_add(ps->lab, ps->host.scope, pool, app,
	    (int)strtol(port, NULL, 10));
	if (ps_switch(a, "EnableTcp"))
		lab_sets(ps->lab, o, "Protocol", "Tcp");
	lab_commit(ps->lab);
	ps_push(ps, out, app_obj(ps, o));
	return out;
}

static struct ps_val *
c_remove_app(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	const char	*id = strarg(ps, a, "Identity");
	int64_t		 o;

	(void)in;
	if (id == NULL || (o = lab_obj_find(ps->lab, ps->host.scope,
	    "CsTrustedApplication", id)) == 0) {
		item_not_found(ps, a, id ? id : "");
		return NULL;
	}
	if (!confirm(ps, a, "Performing operation \"Remove\" on Target "
	    "the trusted application."))
		return ps_arr(ps);
	lync_change(ps);
	lab_obj_delete(ps->lab, o);
	lab_log(ps->lab, "%s: trusted application %s removed", ps->host.scope,
	    id);
	lab_commit(ps->lab);
	return ps_arr(ps);
}

static struct ps_val *
c_get_site(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	const char	*id = strarg(ps, a, "Identity");
	int64_t		*v;
	size_t		 n, i;

	(void)in;
	v = lab_obj_list(ps->lab, ps->host.scope, "CsSite", &n);
	for (i = 0; i < n; i++) {
		struct ps_val	*s = site_obj(ps, v[i]);

		if (id == NULL || ps_ieq(ps_text(ps, ps_get(s->o, "Identity")),
		    id) || ps_ieq(ps_text(ps, ps_get(s->o, "SiteId")), id) ||
		    ps_ieq(ps_text(ps, ps_get(s->o, "DisplayName")), id))
			ps_push(ps, out, s);
	}
	free(v);
	if (id != NULL && out->n == 0) {
		item_not_found(ps, a, id);
		return NULL;
	}
	return out;
}

static struct ps_val *
c_get_cscert(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	const char	*type = strarg(ps, a, "Type");
	int64_t		*v;
	size_t		 n, i;

	(void)in;
	v = lab_obj_list(ps->lab, ps->host.name, "CsCertificate", &n);
	for (i = 0; i < n; i++) {
		struct lab_obj	lo;

		if (lab_obj_load(ps->lab, v[i], &lo) != 0)
			continue;
		if (type == NULL || ps_ieq(type, lo.ident))
			ps_push(ps, out, cscert_obj(ps, v[i]));
		lab_obj_free(&lo);
	}
	free(v);
	return out;
}

static struct ps_val *
c_set_cscert(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	const char	*type = strarg(ps, a, "Type");
	const char	*thumb = strarg(ps, a, "Thumbprint");
	int64_t		 c;

	(void)in;
	if (type == NULL || thumb == NULL) {
		missing(ps, a, type == NULL ? "Type" : "Thumbprint");
		return NULL;
	}
	c = lab_cert_by_thumb(ps->lab, thumb);
	if (c == 0 || !lab_store_has(ps->lab, ps->host.name, "My", c)) {
		ps_error(ps, a->cmdname, "InvalidOperation: (:) "
		    "[Set-CsCertificate], InvalidOperationException",
		    "Microsoft.Rtc.Management.Deployment.SetCertificateCmdlet",
		    "Command execution failed: Cannot find the certificate "
		    "with thumbprint \"%s\" in the local computer's personal "
		    "store.", thumb);
		return NULL;
	}
	lync_change(ps);
	fx_lync_assign(ps->lab, ps->host.name, type, c);
	lab_commit(ps->lab);
	return ps_arr(ps);
}

static struct ps_val *
c_request_cscert(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	const char	*type = strarg(ps, a, "Type");
	const char	*output = strarg(ps, a, "Output");
	struct ps_val	*dn = ps_arg(a, "DomainName", NULL);
	struct buf	 sans;
	const char	*pool;
	char		*subject;
	size_t		 i;
	int64_t		*v;
	size_t		 n;

	(void)in;
	if (!ps_switch(a, "New")) {
		ps_error(ps, a->cmdname, "InvalidArgument: (:) "
		    "[Request-CsCertificate], ParameterBindingException",
		    "AmbiguousParameterSet,Microsoft.Rtc.Management.Deployment."
		    "RequestCertificateCmdlet", "Parameter set cannot be "
		    "resolved using the specified named parameters.");
		return NULL;
	}
	if (type == NULL) {
		missing(ps, a, "Type");
		return NULL;
	}
	if (output == NULL && strarg(ps, a, "CA") == NULL) {
		ps_error(ps, a->cmdname, "InvalidOperation: (:) "
		    "[Request-CsCertificate], InvalidOperationException",
		    "Microsoft.Rtc.Management.Deployment."
		    "RequestCertificateCmdlet", "Command execution failed: "
		    "Either the \"CA\" or the \"Output\" parameter must be "
		    "specified.");
		return NULL;
	}
	if (output == NULL) {
		ps_error(ps, a->cmdname, "ResourceUnavailable: (:) "
		    "[Request-CsCertificate], InvalidOperationException",
		    "Microsoft.Rtc.Management.Deployment."
		    "RequestCertificateCmdlet", "Command execution failed: The "
		    "certification authority \"%s\" could not be contacted "
		    "(online requests are not available in this lab: use "
		    "-Output).", strarg(ps, a, "CA"));
		return NULL;
	}
	/* Lync names the Default certificate after the pool it belongs to
	 * (a Standard Edition server is its own pool), with the pool, the
	 * server, sip.<domain> and any -DomainName as SANs. */
	pool = ps->host.fqdn;
	v = lab_obj_list(ps->lab, ps->host.scope, "CsPool", &n);
	for (i = 0; i < n; i++) {
		struct lab_obj	lo;

		if (lab_obj_load(ps->lab, v[i], &lo) == 0) {
			pool = arena_strdup(ps->a, lo.ident);
			lab_obj_free(&lo);
			break;
		}
	}
	free(v);
	buf_init(&sans);
	buf_printf(&sans, "%s sip.%s %s", pool, ps->host.domain,
	    ps->host.fqdn);
	if (dn != NULL) {
		for (i = 0; i < (dn->t == PS_ARR ? dn->n : 1); i++) {
			const char	*d = ps_text(ps, dn->t == PS_ARR ? dn->a[i] :
			    dn);
			char		*copy = xstrdup(d), *p, *save;

			for (p = strtok_r(copy, ",", &save); p != NULL;
			    p = strtok_r(NULL, ",", &save))
				if (strcasestr(sans.s, p) == NULL)
					buf_printf(&sans, " %s", p);
			free(copy);
		}
	}
	subject = xasprintf("CN=%s", pool);
	lync_change(ps);
	fx_win_request(ps->lab, ps->host.name, full_path(ps, output), subject,
	    sans.s, boolarg(ps, a, "ClientEku", 0) ? "serverAuth clientAuth" :
	    "serverAuth", NULL);
	lab_commit(ps->lab);
	free(subject);
	buf_free(&sans);
	return ps_arr(ps);
}

static struct ps_val *
c_import_cscert(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	const char	*path = strarg(ps, a, "Path");
	char		*pem;
	int64_t		 c;

	(void)in;
	if (path == NULL) {
		missing(ps, a, "Path");
		return NULL;
	}
	if (read_host_file(ps, path, &pem) != 0) {
		not_found_path(ps, a, full_path(ps, path));
		return NULL;
	}
	lync_change(ps);
	c = lab_cert_import(ps->lab, pem, "");
	free(pem);
	if (c == 0) {
		lab_rollback(ps->lab);
		ps_error(ps, a->cmdname, "InvalidData: (:) "
		    "[Import-CsCertificate], CryptographicException",
		    "Microsoft.Rtc.Management.Deployment."
		    "ImportCertificateCmdlet", "Command execution failed: "
		    "Cannot find the requested object.");
		return NULL;
	}
	if (!lab_store_has(ps->lab, ps->host.name, "My", c)) {
		lab_store_add(ps->lab, ps->host.name, "My", c, "");
		lab_log(ps->lab, "%s: imported %s into the Personal store",
		    ps->host.name, path);
	}
	lab_commit(ps->lab);
	return ps_arr(ps);
}

static struct ps_val *
c_enable_topology(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	(void)a;
	(void)in;
	lync_change(ps);
	lab_setb(ps->lab, lab_obj_ensure(ps->lab, ps->host.scope,
	    "CsTopologyState", "state"), "Enabled", 1);
	lab_commit(ps->lab);
	return ps_arr(ps);
}

static struct ps_val *
c_get_topology(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	struct ps_val	*out = ps_arr(ps);
	char		*xml;

	(void)in;
	xml = fx_cs_topology_xml(ps->lab, ps->host.scope);
	if (ps_switch(a, "AsXml"))
		ps_push(ps, out, ps_str(ps, xml));
	else {
		struct ps_obj	*o = ps_obj(ps, "Microsoft.Rtc.Management.Xds."
		    "DisplayTopology", PK_PLAIN);

		o->listview = all_list;
		ps_set(ps, o, "Identity", ps_str(ps, "Global"));
		ps_set(ps, o, "Sites", ps_str(ps, "{Site:Springfield}"));
		ps_set(ps, o, "Clusters", ps_str(ps, "{1:1, 1:2}"));
		ps_push(ps, out, ps_objv(ps, o));
	}
	free(xml);
	return out;
}

static struct ps_val *
c_publish_topology(struct ps *ps, struct ps_args *a, struct ps_val *in)
{
	const char	*f = strarg(ps, a, "FileName");
	char		*xml, *why;

	(void)in;
	if (f == NULL) {
		missing(ps, a, "FileName");
		return NULL;
	}
	if (read_host_file(ps, f, &xml) != 0) {
		not_found_path(ps, a, full_path(ps, f));
		return NULL;
	}
	lync_change(ps);
	if (fx_cs_topology_publish(ps->lab, ps->host.scope, xml, &why) != 0) {
		lab_rollback(ps->lab);
		ps_error(ps, a->cmdname, "InvalidData: (:) "
		    "[Publish-CsTopology], XmlException", "Microsoft.Rtc."
		    "Management.Deploy.PublishTopologyCmdlet", "%s", why);
		free(why);
		free(xml);
		return NULL;
	}
	lab_commit(ps->lab);
	free(xml);
	return ps_arr(ps);
}

/* ---- the table ------------------------------------------------------------ */

#define P(...)	(const char *const[]){ __VA_ARGS__, NULL }

static const struct ps_cmd cmds[] = {
	/* core: Microsoft.PowerShell.* */
	{ "Format-List", NULL, P("Property", "!Force"), P("Property"),
	    c_format_list },
	{ "fl", NULL, P("Property", "!Force"), P("Property"), c_format_list },
	{ "Format-Table", NULL, P("Property", "!AutoSize", "!Wrap",
	    "!HideTableHeaders"), P("Property"), c_format_table },
	{ "ft", NULL, P("Property", "!AutoSize", "!Wrap"), P("Property"),
	    c_format_table },
	{ "Out-String", NULL, P("Width", "!Stream", "InputObject"), NULL,
	    c_out_string },
	{ "Out-File", NULL, P("FilePath", "Encoding", "!Append", "Width",
	    "InputObject", "!Force", "!NoClobber"), P("FilePath", "Encoding"),
	    c_out_file },
	{ "Out-Null", NULL, P("InputObject"), NULL, c_nothing },
	{ "Out-Default", NULL, P("InputObject"), NULL, c_write_output },
	{ "Select-Object", NULL, P("Property", "ExpandProperty", "First",
	    "Last", "!Unique", "Skip", "ExcludeProperty"), P("Property"),
	    c_select_object },
	{ "select", NULL, P("Property", "ExpandProperty", "First", "Last",
	    "!Unique", "Skip"), P("Property"), c_select_object },
	{ "Where-Object", NULL, P("FilterScript", "Property", "Value", "!EQ",
	    "!NE", "!Like", "!NotLike", "!Match", "!Contains", "!GT", "!LT"),
	    P("FilterScript", "Value"), c_where_object },
	{ "where", NULL, P("FilterScript", "Property", "Value", "!EQ", "!NE",
	    "!Like", "!Match", "!Contains"), P("FilterScript", "Value"),
	    c_where_object },
	{ "?", NULL, P("FilterScript", "Property", "Value", "!EQ", "!NE",
	    "!Like", "!Match"), P("FilterScript", "Value"), c_where_object },
	{ "ForEach-Object", NULL, P("Process", "MemberName", "Begin", "End"),
	    P("Process"), c_foreach_object },
	{ "foreach", NULL, P("Process", "MemberName"), P("Process"),
	    c_foreach_object },
	{ "%", NULL, P("Process", "MemberName"), P("Process"),
	    c_foreach_object },
	{ "Sort-Object", NULL, P("Property", "!Descending", "!Unique"),
	    P("Property"), c_sort_object },
	{ "sort", NULL, P("Property", "!Descending", "!Unique"), P("Property"),
	    c_sort_object },
	{ "Measure-Object", NULL, P("Property"), P("Property"),
	    c_measure_object },
	{ "Write-Output", NULL, P("InputObject"), P("InputObject"),
	    c_write_output },
	{ "echo", NULL, P("InputObject"), P("InputObject"), c_write_output },
	{ "write", NULL, P("InputObject"), P("InputObject"), c_write_output },
	{ "Write-Host", NULL, P("Object", "ForegroundColor", "!NoNewline"),
	    P("Object"), c_write_host },
	{ "Write-Warning", NULL, P("Message"), P("Message"), c_write_warning },
	{ "New-Object", NULL, P("TypeName", "ArgumentList", "Property"),
	    P("TypeName", "ArgumentList"), c_new_object },
	{ "Import-Module", NULL, P("Name", "!Force", "!Global"), P("Name"),
	    c_import_module },
	{ "ipmo", NULL, P("Name", "!Force"), P("Name"), c_import_module },
	{ "Get-Date", NULL, P("Format"), NULL, c_get_date },
	{ "hostname", NULL, NULL, NULL, c_hostname },
	{ "cls", NULL, NULL, NULL, c_nothing },
	{ "Clear-Host", NULL, NULL, NULL, c_nothing },
	{ "Get-Content", NULL, P("Path", "TotalCount", "Encoding"), P("Path"),
	    c_get_content },
	{ "gc", NULL, P("Path"), P("Path"), c_get_content },
	{ "cat", NULL, P("Path"), P("Path"), c_get_content },
	{ "type", NULL, P("Path"), P("Path"), c_get_content },
	{ "Set-Content", NULL, P("Path", "Value", "Encoding"), P("Path",
	    "Value"), c_set_content },
	{ "Select-String", NULL, P("Path", "Pattern", "!SimpleMatch",
	    "!CaseSensitive", "!Quiet", "!List"), P("Pattern", "Path"),
	    c_select_string },
	{ "sls", NULL, P("Path", "Pattern", "!SimpleMatch"), P("Pattern",
	    "Path"), c_select_string },
	{ "Get-ItemProperty", NULL, P("Path", "Name", "LiteralPath"),
	    P("Path", "Name"), c_get_itemproperty },
	{ "gp", NULL, P("Path", "Name"), P("Path", "Name"),
	    c_get_itemproperty },
	{ "Get-Item", NULL, P("Path", "LiteralPath"), P("Path"), c_get_item },
	{ "gi", NULL, P("Path", "LiteralPath"), P("Path"), c_get_item },
	{ "Set-ItemProperty", NULL, P("Path", "Name", "Value", "Type",
	    "!Force"), P("Path", "Name", "Value"), c_set_itemproperty },
	{ "New-ItemProperty", NULL, P("Path", "Name", "Value",
	    "PropertyType", "!Force"), P("Path", "Name", "Value"),
	    c_set_itemproperty },
	{ "Get-ChildItem", NULL, P("Path", "!Recurse", "Filter", "!Force"),
	    P("Path", "Filter"), c_get_childitem },
	{ "gci", NULL, P("Path", "!Recurse", "Filter"), P("Path"),
	    c_get_childitem },
	{ "dir", NULL, P("Path", "!Recurse", "Filter"), P("Path"),
	    c_get_childitem },
	{ "ls", NULL, P("Path", "!Recurse", "Filter"), P("Path"),
	    c_get_childitem },
	{ "Get-Service", NULL, P("Name", "DisplayName", "ComputerName"),
	    P("Name"), c_get_service },
	{ "gsv", NULL, P("Name", "DisplayName"), P("Name"), c_get_service },
	{ "Restart-Service", NULL, P("Name", "!Force", "!PassThru"), P("Name"),
	    c_service_verb },
	{ "Start-Service", NULL, P("Name", "!PassThru"), P("Name"),
	    c_service_verb },
	{ "Stop-Service", NULL, P("Name", "!Force", "!PassThru"), P("Name"),
	    c_service_verb },
	{ "Get-WmiObject", NULL, P("Class", "Namespace", "Filter",
	    "ComputerName", "Query", "Property"), P("Class", "Property"),
	    c_get_wmiobject },
	{ "gwmi", NULL, P("Class", "Namespace", "Filter", "ComputerName"),
	    P("Class"), c_get_wmiobject },
	/* Lync Server: module Lync */
	{ "Get-CsStaticRoutingConfiguration", "Lync", P("Identity", "Filter",
	    "!LocalStore"), P("Identity"), c_get_routing },
	{ "New-CsStaticRoute", "Lync", P("!TLSRoute", "!TCPRoute",
	    "Destination", "Port", "MatchUri", "UseDefaultCertificate",
	    "TlsCertIssuer", "TlsCertSerialNumber", "MatchOnlyPhoneUri",
	    "Enabled", "ReplaceHostInRequestUri"), NULL, c_new_route },
	{ "Set-CsStaticRoutingConfiguration", "Lync", P("Identity", "Route",
	    "!Force", "!WhatIf", "Confirm"), P("Identity"), c_set_routing },
	{ "Remove-CsStaticRoutingConfiguration", "Lync", P("Identity",
	    "!Force", "!WhatIf", "Confirm"), P("Identity"), c_remove_routing },
	{ "Get-CsTrustedApplicationPool", "Lync", P("Identity", "Filter",
	    "PoolFqdn"), P("Identity"), c_get_pool },
	{ "New-CsTrustedApplicationPool", "Lync", P("Identity", "Registrar",
	    "Site", "ThrottleAsServer", "TreatAsAuthenticated",
	    "OutboundOnly", "RequiresReplication", "ComputerFqdn",
	    "AudioPortCount", "AudioPortStart", "VideoPortCount",
	    "VideoPortStart", "AppSharingPortCount", "AppSharingPortStart",
	    "!Force", "!WhatIf", "Confirm"), P("Identity"), c_new_pool },
	{ "Remove-CsTrustedApplicationPool", "Lync", P("Identity", "!Force",
	    "!WhatIf", "Confirm"), P("Identity"), c_remove_pool },
	{ "Get-CsTrustedApplication", "Lync", P("Identity", "Filter",
	    "ApplicationId", "TrustedApplicationPoolFqdn"), P("Identity"),
	    c_get_app },
	{ "New-CsTrustedApplication", "Lync", P("ApplicationId",
	    "TrustedApplicationPoolFqdn", "Port", "Identity",
	    "LegacyApplicationName", "!EnableTcp", "!Force", "!WhatIf",
	    "Confirm"), NULL, c_new_app },
	{ "Remove-CsTrustedApplication", "Lync", P("Identity", "!Force",
	    "!WhatIf", "Confirm"), P("Identity"), c_remove_app },
	{ "Get-CsSite", "Lync", P("Identity", "Filter"), P("Identity"),
	    c_get_site },
	{ "Get-CsCertificate", "Lync", P("Type", "Identity", "!Report"),
	    NULL, c_get_cscert },
	{ "Set-CsCertificate", "Lync", P("Type", "Thumbprint", "!Force",
	    "EffectiveDate", "Roll"), NULL, c_set_cscert },
	{ "Request-CsCertificate", "Lync", P("!New", "Type", "DomainName",
	    "Output", "ClientEku", "CA", "FriendlyName", "KeySize",
	    "!PrivateKeyExportable", "Country", "State", "City",
	    "Organization", "OU", "!AllSipDomain", "!Force", "Template"), NULL,
	    c_request_cscert },
	{ "Import-CsCertificate", "Lync", P("Path", "Password",
	    "!PrivateKeyExportable"), P("Path"), c_import_cscert },
	{ "Enable-CsTopology", "Lync", P("!Force", "!WhatIf", "Confirm",
	    "Report"), NULL, c_enable_topology },
	{ "Get-CsTopology", "Lync", P("!AsXml", "!Local", "Identity"), NULL,
	    c_get_topology },
	{ "Publish-CsTopology", "Lync", P("FileName", "!Force", "Report",
	    "!WhatIf", "Confirm"), P("FileName"), c_publish_topology },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct ps_cmd *
ps_cmd_find(const char *name)
{
	const struct ps_cmd	*c;

	for (c = cmds; c->name != NULL; c++)
		if (ps_ieq(c->name, name))
			return c;
	return NULL;
}

/* ---- the session --------------------------------------------------------- */

/* cmd.exe, for anything else over an exec channel: OpenSSH for Windows
 * hands exec requests to its default shell, cmd.exe ("OpenSSH Server
 * configuration for Windows": DefaultShell). */
static int
cmd_exe(const char *cmd)
{
	size_t	n = strcspn(cmd, " \t");

	if (n == 8 && strncasecmp(cmd, "hostname", 8) == 0)
		return -1;
	fprintf(stderr, "'%.*s' is not recognized as an internal or external "
	    "command,\r\noperable program or batch file.\r\n", (int)n, cmd);
	return 1;
}

/* powershell.exe's own parameters: unambiguous prefixes, any case
 * (powershell.exe -?). */
static const char *
pwsh_param(const char *w)
{
	static const struct {
		const char	*name;
		size_t		 min;
	} p[] = {
		{ "encodedcommand", 1 }, { "command", 1 }, { "noprofile", 3 },
		{ "noninteractive", 4 }, { "nologo", 3 },
		{ "executionpolicy", 2 }, { "inputformat", 2 },
		{ "outputformat", 1 }, { "windowstyle", 1 }, { "version", 1 },
		{ "file", 1 }, { "noexit", 4 }, { "sta", 3 }, { "mta", 3 },
	};
	size_t	i, n;

	w++;
	n = strlen(w);
	if (ps_ieq(w, "ec") || ps_ieq(w, "enc"))
		return "encodedcommand";
	if (ps_ieq(w, "ep") || ps_ieq(w, "ex"))
		return "executionpolicy";
	for (i = 0; i < nitems(p); i++)
		if (n >= p[i].min && strncasecmp(p[i].name, w, n) == 0)
			return p[i].name;
	return NULL;
}

/* Base64 of UTF-16LE -> UTF-8. NULL when it is not that. */
static char *
decode_command(const char *b64)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
	    "klmnopqrstuvwxyz0123456789+/";
	unsigned char		*bin;
	size_t			 n = 0, i;
	unsigned		 acc = 0;
	int			 bits = 0;
	const char		*p, *q;
	struct buf		 b;

	bin = xmalloc(strlen(b64) + 4);
	for (p = b64; *p != '\0'; p++) {
		if (*p == '=')
			break;
		if ((q = strchr(tab, *p)) == NULL || *p == '\0') {
			free(bin);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)(q - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bin[n++] = (unsigned char)(acc >> bits);
		}
	}
	if (n % 2 != 0 || n == 0) {
		free(bin);
		return NULL;
	}
	buf_init(&b);
	for (i = 0; i + 1 < n; i += 2) {
		unsigned	c = bin[i] | (unsigned)bin[i + 1] << 8;

		if (c >= 0xd800 && c < 0xdc00 && i + 3 < n) {
			unsigned	lo = bin[i + 2] | (unsigned)bin[i + 3]
			    << 8;

			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if (c < 0x80)
			buf_addc(&b, (char)c);
		else if (c < 0x800) {
			buf_addc(&b, (char)(0xc0 | c >> 6));
			buf_addc(&b, (char)(0x80 | (c & 0x3f)));
		} else if (c < 0x10000) {
			buf_addc(&b, (char)(0xe0 | c >> 12));
			buf_addc(&b, (char)(0x80 | ((c >> 6) & 0x3f)));
			buf_addc(&b, (char)(0x80 | (c & 0x3f)));
		} else {
			buf_addc(&b, (char)(0xf0 | c >> 18));
			buf_addc(&b, (char)(0x80 | ((c >> 12) & 0x3f)));
			buf_addc(&b, (char)(0x80 | ((c >> 6) & 0x3f)));
			buf_addc(&b, (char)(0x80 | (c & 0x3f)));
		}
	}
	free(bin);
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
}

static void
session_init(struct ps *ps, struct lab *lab, const struct lab_host *h)
{
	int64_t	 id;
	char	*w;

	memset(ps, 0, sizeof(*ps));
	ps->a = arena_new();
	ps->lab = lab;
	ps->host = *h;
	ps->out = stdout;
	ps->in = stdin;
	ps->cwd = "C:\\Users\\Administrator";
	buf_init(&ps->err);
	/* The host's width, for Format-* (a console's window; 120 when there
	 * is none, as an SSH exec channel has). */
	ps->width = 120;
	id = lab_obj_find(lab, h->name, "Computer", "system");
	if (id != 0 && (w = lab_prop(lab, id, "ConsoleWidth", NULL)) != NULL) {
		ps->width = atoi(w) > 20 ? atoi(w) : 120;
		free(w);
	}
}

static void
session_free(struct ps *ps)
{
	size_t	i;

	for (i = 0; i < ps->nmodules; i++)
		free(ps->modules[i]);
	free(ps->modules);
	free(ps->vars);
	buf_free(&ps->err);
	arena_free(ps->a);
}

/* A person at the Lync Server Management Shell (PowerShell with the Lync
 * module loaded, as its Start menu shortcut starts it), or at plain
 * Windows PowerShell on the other Windows servers. */
static int
interactive(struct ps *ps)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	ps->interactive = 1;
	fprintf(ps->out, "Windows PowerShell\r\nCopyright (C) 2009 Microsoft "
	    "Corporation. All rights reserved.\r\n\r\n");
	if (is_lync(ps)) {
		ps->modules = xreallocarray(NULL, 1, sizeof(*ps->modules));
		ps->modules[ps->nmodules++] = xstrdup("Lync");
	}
	while (!ps->exiting) {
		fprintf(ps->out, "PS %s> ", ps->cwd);
		fflush(ps->out);
		if ((n = getline(&line, &cap, ps->in)) == -1)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (ps_ieq(line, "exit"))
			break;
		ps_run(ps, line);
	}
	free(line);
	return ps->exit_code;
}

int
ps_main(struct lab *lab, const struct lab_host *h, const char *command)
{
	struct ps	 ps;
	char		*copy, *save, *script = NULL;
	const char	*w[64];
	size_t		 nw = 0, i;
	const char	*p;
	int		 rc = 0;

	session_init(&ps, lab, h);
	if (command == NULL) {
		rc = interactive(&ps);
		session_free(&ps);
		return rc;
	}
	while (*command == ' ' || *command == '\t')
		command++;
	copy = xstrdup(command);
	for (p = strtok_r(copy, " \t", &save); p != NULL && nw < nitems(w);
	    p = strtok_r(NULL, " \t", &save))
		w[nw++] = p;
	if (nw == 0) {
		free(copy);
		rc = interactive(&ps);
		session_free(&ps);
		return rc;
	}
	if (!ps_ieq(w[0], "powershell") && !ps_ieq(w[0], "powershell.exe") &&
	    strcasestr(w[0], "\\powershell.exe") == NULL) {
		rc = cmd_exe(command);
		if (rc == -1) {
			struct ps_val	*v;

			v = c_hostname(&ps, NULL, NULL);
			printf("%s\r\n", v->a[0]->s);
			rc = 0;
		}
		free(copy);
		session_free(&ps);
		return rc;
	}
	for (i = 1; i < nw; i++) {
		const char	*pp;

		if (w[i][0] != '-' && w[i][0] != '/')
			break;
		if ((pp = pwsh_param(w[i])) == NULL) {
			fprintf(stderr, "-%s : The term '-%s' is not recognized "
			    "as the name of a cmdlet, function, script file, "
			    "or operable program.\r\n", w[i] + 1, w[i] + 1);
			rc = 1;
			goto out;
		}
		if (strcmp(pp, "noninteractive") == 0)
			ps.noninteractive = 1;
		else if (strcmp(pp, "encodedcommand") == 0) {
			ps.clixml = !isatty(2);
			if (i + 1 >= nw || (script = decode_command(w[i + 1])) ==
			    NULL) {
				fprintf(stderr, "Cannot process the command "
				    "because the value specified with "
				    "-EncodedCommand is not properly encoded. "
				    "The value must be Base64 encoded.\r\n");
				rc = 1;
				goto out;
			}
			i++;
			break;
		} else if (strcmp(pp, "command") == 0) {
			/* The rest of the line, one layer of cmd.exe's double
			 * quotes off. */
			const char	*rest = strstr(command, w[i]) +
			    strlen(w[i]);
			size_t		 len;

			while (*rest == ' ')
				rest++;
			len = strlen(rest);
			if (len >= 2 && rest[0] == '"' && rest[len - 1] == '"')
				script = xstrndup(rest + 1, len - 2);
			else
				script = xstrdup(rest);
			break;
		} else if (strcmp(pp, "executionpolicy") == 0 ||
		    strcmp(pp, "inputformat") == 0 ||
		    strcmp(pp, "outputformat") == 0 ||
		    strcmp(pp, "windowstyle") == 0 ||
		    strcmp(pp, "version") == 0)
			i++;
	}
	if (script == NULL && i < nw) {
		/* Words left: a -Command without its name. */
		const char	*rest = strstr(command, w[i]);

		script = xstrdup(rest);
	}
	if (script == NULL) {
		if (ps.noninteractive)
			goto out;
		rc = interactive(&ps);
		goto out;
	}
	rc = ps_run(&ps, script);
	if (ps.exiting)
		rc = ps.exit_code;
out:
	free(script);
	free(copy);
	session_free(&ps);
	return rc;
}
