/*
 * labfault.c: the classic field failures of federating IM and Presence
 * with Lync and OCS, as changes of lab state (`fedwiz lab faults|break|
 * fix`).
 *
 * Each row of lab_faults[] is one failure the real world produces: what
 * it is, which hosts of the estate it can happen on (the first is the
 * default), the runbooks concerned, the procedure that puts it right, and
 * three functions: break (make the state what the failure leaves), fix
 * (the trainer's undo: the state as the configured procedure leaves it)
 * and present (read the state: is it in). The changes go through the
 * same state the device shells, the TLS daemon and dnsmasq follow, so a
 * check sees the failure the way it would see it on a device, and a
 * trainee who redoes the procedure in a lab shell (or with `lab do`)
 * fixes it without `lab fix`: `lab faults` then says so, since it asks
 * `present`, not the record of what was broken.
 *
 * Certificates a fault re-issues come from the lab's own CA (or are
 * self-signed, as the device regenerates them), with the pool's keys.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "lab.h"
#include "labfault.h"
#include "labfx.h"
#include "labint.h"
#include "labpki.h"
#include "labrun.h"
#include "labsvc.h"
#include "util.h"

#define CIPHER_3DES	"TLS_RSA_WITH_3DES_EDE_CBC_SHA"
#define SCHANNEL_KEY	"HKLM\\SYSTEM\\CurrentControlSet\\Control\\" \
	"SecurityProviders\\SCHANNEL\\Ciphers\\"
#define FED_SERVICE	"Cisco XCP SIP Federation Connection Manager"
#define PEER_LISTENER	"Default Cisco SIP Proxy TLS Listener - Peer Auth"

/*
 * Who federates with whom in the estate (lab/estate.c): a Lync or OCS
 * server's IM and Presence peer (the route and host authorization point
 * at it), the name a peer expects in a Windows server's certificate, and
 * an IM and Presence node's static route to its partner's domain.
 */
struct peer {
	const char	*host;
	const char	*imp;		/* its IM and Presence peer */
	const char	*cn;		/* the CN its peers expect */
	const char	*domain;	/* (IM and Presence) the partner's domain */
	const char	*nexthop;	/* (IM and Presence) its route's next hop */
};

static const struct peer peers[] = {
	{ "fe1", "imp1", "pool1.example.com", NULL, NULL },
	{ "fe2", "imp1", "pool1.example.com", NULL, NULL },
	{ "ocs1", "imp2", "ocs1.example.com", NULL, NULL },
	{ "ocsr2", "imp3", "ocsr2.example.com", NULL, NULL },
	{ "edge1", NULL, "sip.example.org", NULL, NULL },
	{ "lyncse1", "cup1", "lyncse1.lync.example.net", NULL, NULL },
	{ "imp3", NULL, NULL, "example.com", "ocsr2.example.com" },
	{ "cup1", NULL, NULL, "lync.example.net", "lyncse1.lync.example.net" },
};

static const struct peer *
peer_of(const char *host)
{
	size_t	i;

	for (i = 0; i < nitems(peers); i++)
		if (strcmp(peers[i].host, host) == 0)
			return &peers[i];
	return NULL;
}

static int
is_windows(const struct lab_host *h)
{
	return strcmp(h->profile, "windows") == 0;
}

static int
has_word(const char *list, const char *w)
{
	size_t	n = strlen(w);
	const char *p;

	for (p = list; p != NULL && (p = strstr(p, w)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' ||
		    p[n] == ' '))
			return 1;
	return 0;
}

static int
why(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
why(char **out, const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	*out = s;
	return -1;
}

/* ---- certificates ---------------------------------------------------- */

/* The certificate host presents for SIP: a Windows server's (Lync's
 * Default, OCS's or the Edge's), IM and Presence's cup. */
static int64_t
sip_cert(struct lab *lab, const struct lab_host *h)
{
	return is_windows(h) ? fx_win_sip_cert(lab, h->name) :
	    fx_imp_own(lab, h->name, "cup");
}

/* "CN=a, O=b" with the CN replaced. malloc'd. */
static char *
subject_with_cn(const char *subject, const char *cn)
{
	const char	*rest = strstr(subject, ", ");

	return xasprintf("CN=%s%s", cn, rest != NULL ? rest : "");
}

/*
 * Put a new certificate in place of host's SIP certificate: the lab CA
 * issues it (self-signed when selfsigned), with a key of the pool; a
 * Windows server imports it into its Personal store and uses it, IM and
 * Presence makes it its cup certificate. What the server presents
 * changes at once.
 */
static int64_t
reissue(struct lab *lab, const struct lab_host *h, const char *subject,
    const char *sans, const char *ekus, int selfsigned)
{
	struct lab_certspec	 s;
	struct lab_cert		 old;
	int64_t			 c;

	memset(&s, 0, sizeof(s));
	if (lab_cert_load(lab, sip_cert(lab, h), &old) == 0) {
		s.after = old.not_before;
		lab_cert_free(&old);
	}
	s.subject = subject;
	s.sans = sans;
	s.ekus = ekus;
	s.friendly = is_windows(h) ? "re-issued" : NULL;
	c = lab_cert_issue(lab, lab_key_take(lab, h->name, "host", 0),
	    selfsigned ? 0 : fx_ca_cert(lab), &s);
	if (is_windows(h)) {
		lab_store_add(lab, h->name, "My", c, "");
		if (strncmp(h->kind, "lync", 4) == 0)
			fx_lync_assign(lab, h->name, "Default", c);
		else
			fx_ocs_use_cert(lab, h->name, c);
	} else {
		fx_imp_set_own(lab, h->name, "cup", c);
		lab_log(lab, "%s: the cup certificate is now %s (%s)", h->name,
		    subject, selfsigned ? "self-signed" : "signed by the CA");
	}
	return c;
}

/*
 * The trainer's undo of a certificate fault puts back the certificate
 * the host had (kept in meta "undo:FAULT:HOST" by the break) and takes
 * the broken one out of the Personal store, so the state is the
 * configured one again: a certificate issued anew would be no newer
 * than the broken one (both "now"), and the checks that read the newest
 * could not tell them apart.
 */
static void
save_orig(struct lab *lab, const char *fault, const struct lab_host *h)
{
	char	*k = xasprintf("undo:%s:%s", fault, h->name);

	lab_meta_setf(lab, k, "%lld", (long long)sip_cert(lab, h));
	free(k);
}

/* 0 restored; 1 nothing to restore (the caller issues a good one). */
static int
restore_orig(struct lab *lab, const char *fault, const struct lab_host *h)
{
	char		*k = xasprintf("undo:%s:%s", fault, h->name);
	int64_t		 orig = lab_meta_int(lab, k, 0), cur;
	struct lab_cert	 c;

	free(k);
	if (orig == 0 || lab_cert_load(lab, orig, &c) == -1)
		return 1;
	cur = sip_cert(lab, h);
	if (is_windows(h)) {
		if (cur != 0 && cur != orig)
			lab_store_remove(lab, h->name, "My", cur);
		if (!lab_store_has(lab, h->name, "My", orig))
			lab_store_add(lab, h->name, "My", orig, "");
		if (strncmp(h->kind, "lync", 4) == 0)
			fx_lync_assign(lab, h->name, "Default", orig);
		else
			fx_ocs_use_cert(lab, h->name, orig);
	} else if (cur != orig) {
		fx_imp_set_own(lab, h->name, "cup", orig);
		lab_log(lab, "%s: the cup certificate is %s again", h->name,
		    c.subject);
	}
	lab_cert_free(&c);
	return 0;
}

/* Load host's SIP certificate, or say why not. */
static int
load_sip(struct lab *lab, const struct lab_host *h, struct lab_cert *c,
    char **w)
{
	int64_t	id = sip_cert(lab, h);

	if (id == 0 || lab_cert_load(lab, id, c) == -1)
		return why(w, "%s presents no certificate for SIP now (give it "
		    "one first: its runbook's certificate procedures)",
		    h->name);
	return 0;
}

/* no-client-eku */

static int
eku_present(struct lab *lab, const struct lab_host *h)
{
	struct lab_cert	c;
	int		r;

	if (lab_cert_load(lab, sip_cert(lab, h), &c) == -1)
		return 0;
	r = !has_word(c.ekus, "clientAuth");
	lab_cert_free(&c);
	return r;
}

static int
eku_set(struct lab *lab, const struct lab_host *h, const char *ekus,
    char **w)
{
	struct lab_cert	c;

	if (load_sip(lab, h, &c, w) != 0)
		return -1;
	reissue(lab, h, c.subject, c.sans, ekus, c.issuer == 0);
	lab_cert_free(&c);
	return 0;
}

static int
eku_break(struct lab *lab, const struct lab_host *h, char **w)
{
	save_orig(lab, "no-client-eku", h);
	return eku_set(lab, h, "serverAuth", w);
}

static int
eku_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	if (restore_orig(lab, "no-client-eku", h) == 0 &&
	    !eku_present(lab, h))
		return 0;
	return eku_set(lab, h, "serverAuth clientAuth", w);
}

/* cn-mismatch: a Lync front end's certificate names the server, not its
 * pool; an Access Edge's its internal name, not the external one; another
 * server's the SIP domain's name. */

static const char *
cn_expected(struct lab *lab, const struct lab_host *h, char *buf, size_t n)
{
	const struct peer	*p = peer_of(h->name);

	(void)lab;
	snprintf(buf, n, "%s", p != NULL && p->cn != NULL ? p->cn : h->fqdn);
	return buf;
}

static int
cn_present(struct lab *lab, const struct lab_host *h)
{
	struct lab_cert	c;
	char		want[128];
	int		r;

	if (lab_cert_load(lab, sip_cert(lab, h), &c) == -1)
		return 0;
	r = !lab_ieq(c.cn, cn_expected(lab, h, want, sizeof(want)));
	lab_cert_free(&c);
	return r;
}

static int
cn_set(struct lab *lab, const struct lab_host *h, const char *cn, char **w)
{
	struct lab_cert	 c;
	char		*subject;

	if (load_sip(lab, h, &c, w) != 0)
		return -1;
	subject = subject_with_cn(c.subject, cn);
	reissue(lab, h, subject, c.sans, c.ekus, c.issuer == 0);
	free(subject);
	lab_cert_free(&c);
	return 0;
}

static int
cn_break(struct lab *lab, const struct lab_host *h, char **w)
{
	char	 wrong[160];

	if (strcmp(h->kind, "lync-fe") == 0 || strcmp(h->kind, "edge") == 0)
		snprintf(wrong, sizeof(wrong), "%s", h->fqdn);
	else
		snprintf(wrong, sizeof(wrong), "sip.%s", h->domain);
	save_orig(lab, "cn-mismatch", h);
	return cn_set(lab, h, wrong, w);
}

static int
cn_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	char	want[128];

	if (restore_orig(lab, "cn-mismatch", h) == 0 && !cn_present(lab, h))
		return 0;
	return cn_set(lab, h, cn_expected(lab, h, want, sizeof(want)), w);
}

/* ---- IM and Presence's cup certificate ------------------------------ */

static char *
imp_subject(const char *cn)
{
	return xasprintf("CN=%s, OU=UC, O=Example Inc, L=Springfield, S=IL, "
	    "C=US", cn);
}

/* The ASA of the interdomain chapter holds imp4's cup certificate in its
 * cert_from_cup trustpoint (import-imp-certificate). */
static int
asa_holds_cup(const struct lab_host *h)
{
	return strcmp(h->name, "imp4") == 0;
}

static void
asa_import_cup(struct lab *lab, const struct lab_host *h)
{
	int64_t		c = fx_imp_own(lab, h->name, "cup");
	struct lab_cert	lc;

	fx_asa_tp_set_cert(lab, "asa1", "cert_from_cup", "ca", c);
	if (lab_cert_load(lab, c, &lc) == 0) {
		lab_file_write(lab, "local", "imp4-cup.pem", lc.pem,
		    strlen(lc.pem));
		lab_cert_free(&lc);
	}
	lab_log(lab, "asa1: trustpoint cert_from_cup holds %s's cup "
	    "certificate again", h->name);
}

/* imp-cert-no-fqdn: the cup certificate regenerated with the host name. */

static int
nofqdn_present(struct lab *lab, const struct lab_host *h)
{
	struct lab_cert	c;
	int		r;

	if (lab_cert_load(lab, fx_imp_own(lab, h->name, "cup"), &c) == -1)
		return 0;
	r = strchr(c.cn, '.') == NULL;
	lab_cert_free(&c);
	return r;
}

static int
nofqdn_break(struct lab *lab, const struct lab_host *h, char **w)
{
	struct lab_cert	 c;
	char		 shortname[sizeof(h->fqdn)], *subject;

	if (load_sip(lab, h, &c, w) != 0)
		return -1;
	save_orig(lab, "imp-cert-no-fqdn", h);
	snprintf(shortname, sizeof(shortname), "%s", h->fqdn);
	shortname[strcspn(shortname, ".")] = '\0';
	subject = imp_subject(shortname);
	reissue(lab, h, subject, shortname, c.ekus, c.issuer == 0);
	free(subject);
	lab_cert_free(&c);
	return 0;
}

static int
nofqdn_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	struct lab_cert	 c;
	char		*subject;

	if (restore_orig(lab, "imp-cert-no-fqdn", h) == 0 &&
	    !nofqdn_present(lab, h)) {
		if (asa_holds_cup(h))
			asa_import_cup(lab, h);
		return 0;
	}
	if (load_sip(lab, h, &c, w) != 0)
		return -1;
	subject = imp_subject(h->fqdn);
	reissue(lab, h, subject, h->fqdn, c.ekus, c.issuer == 0);
	free(subject);
	lab_cert_free(&c);
	if (asa_holds_cup(h))
		asa_import_cup(lab, h);
	return 0;
}

/*
 * domain-change-cert: a domain change makes IM and Presence regenerate
 * its cup certificate, self-signed, with a new key; its peers still hold
 * (or trust the CA of) the old one. On the node whose certificate the
 * ASA holds, "in" is the ASA holding another one; elsewhere, a
 * self-signed cup where the configured node has a CA-signed one.
 */
static int
domchg_present(struct lab *lab, const struct lab_host *h)
{
	struct lab_cert	c;
	int64_t		own = fx_imp_own(lab, h->name, "cup");
	int		r;

	if (lab_cert_load(lab, own, &c) == -1)
		return 0;
	if (strchr(c.cn, '.') == NULL)	/* that is imp-cert-no-fqdn */
		r = 0;
	else if (asa_holds_cup(h))
		r = fx_asa_tp_cert(lab, "asa1", "cert_from_cup", "ca") != own;
	else
		r = c.issuer == 0;
	lab_cert_free(&c);
	return r;
}

static int
domchg_break(struct lab *lab, const struct lab_host *h, char **w)
{
	struct lab_cert	c;

	if (load_sip(lab, h, &c, w) != 0)
		return -1;
	save_orig(lab, "domain-change-cert", h);
	reissue(lab, h, c.subject, c.sans, "serverAuth clientAuth", 1);
	lab_cert_free(&c);
	return 0;
}

static int
domchg_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	(void)w;
	if (asa_holds_cup(h)) {
		asa_import_cup(lab, h);
		return 0;
	}
	if (restore_orig(lab, "domain-change-cert", h) == 0 &&
	    !domchg_present(lab, h))
		return 0;
	/* Generate a CSR, have the CA sign it, upload it. */
	free(fx_imp_csr(lab, h->name, "cup"));
	if (fx_imp_sign_and_upload(lab, h->name, "cup") == 0)
		return why(w, "%s: the CA did not sign its request", h->name);
	return 0;
}

/* ---- NTP ---------------------------------------------------------------- */

/* Where host's clock should come from: the CUCM publisher for IM and
 * Presence, the lab's source (.3) for the ASA and CUCM. malloc'd. */
static char *
ntp_source(struct lab *lab, const struct lab_host *h)
{
	struct lab_host	pub;
	char		*b;
	char		*s;

	if (strcmp(h->kind, "imp") == 0 && lab_host_get(lab, "cucm1", &pub) ==
	    0)
		return xstrdup(pub.address);
	b = lab_meta(lab, "block");
	s = xasprintf("%s.3", b != NULL ? b : "127.84.1");
	free(b);
	return s;
}

static int
ntp_present(struct lab *lab, const struct lab_host *h)
{
	int64_t	 id = lab_obj_find(lab, h->name, "Ntp", "ntp");
	char	*srv, *want;
	int	 r;

	if (id == 0)
		return 0;
	srv = lab_prop(lab, id, "Server", NULL);
	want = ntp_source(lab, h);
	r = !lab_prop_bool(lab, id, "Synced", 0) || srv == NULL ||
	    strcmp(srv, want) != 0;
	free(srv);
	free(want);
	return r;
}

/*
 * The ASA or the CUCM publisher follows another reference (a second NTP
 * server someone configured, .4 of the lab's block): its clock is
 * synchronised, but not to the source the others follow, so
 * certificates look valid on one side and not yet on the other. An IM
 * and Presence node loses its publisher: unsynchronised.
 */
static int
ntp_break(struct lab *lab, const struct lab_host *h, char **w)
{
	int64_t	 id = lab_obj_find(lab, h->name, "Ntp", "ntp");
	char	*b, *other;

	if (id == 0)
		return why(w, "%s keeps no NTP state", h->name);
	if (strcmp(h->kind, "imp") == 0) {
		lab_setb(lab, id, "Synced", 0);
		lab_seti(lab, id, "Stratum", 16);
		lab_log(lab, "%s: NTP: the publisher is unreachable: the clock "
		    "is unsynchronised", h->name);
		return 0;
	}
	b = lab_meta(lab, "block");
	other = xasprintf("%s.4", b != NULL ? b : "127.84.1");
	lab_sets(lab, id, "Server", other);
	lab_log(lab, "%s: NTP now follows %s, another reference", h->name,
	    other);
	free(other);
	free(b);
	return 0;
}

static int
ntp_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	int64_t	 id = lab_obj_find(lab, h->name, "Ntp", "ntp");
	char	*want;

	if (id == 0)
		return why(w, "%s keeps no NTP state", h->name);
	want = ntp_source(lab, h);
	lab_sets(lab, id, "Server", want);
	lab_setb(lab, id, "Synced", 1);
	lab_seti(lab, id, "Stratum", strcmp(h->kind, "cucm") == 0 ? 2 : 3);
	lab_log(lab, "%s: NTP synchronised to %s", h->name, want);
	free(want);
	return 0;
}

/* ---- TLS ---------------------------------------------------------------- */

/* The Schannel key of 3DES: Windows Server 2003 calls it "Triple DES
 * 168/168". */
static char *
schannel_3des(const struct lab_host *h)
{
	return xasprintf("%s%s", SCHANNEL_KEY, strcmp(h->kind, "ocs2007") == 0 ?
	    "Triple DES 168/168" : "Triple DES 168");
}

static int
tdes_present(struct lab *lab, const struct lab_host *h)
{
	int64_t	 id;
	char	*v, *key;
	int	 r = 0;

	if (is_windows(h)) {
		key = schannel_3des(h);
		v = lab_reg_get(lab, h->name, key, "Enabled");
		r = v != NULL && strcmp(v, "0") == 0;
		free(v);
		free(key);
		return r;
	}
	id = lab_obj_find(lab, h->name, "TlsContext", FX_PEER_CTX);
	if (id == 0 || (v = lab_prop(lab, id, "Ciphers", NULL)) == NULL)
		return 1;
	r = strstr(v, CIPHER_3DES) == NULL;
	free(v);
	return r;
}

static int
tdes_break(struct lab *lab, const struct lab_host *h, char **w)
{
	int64_t	 id;
	char	*v, *key, *out, *line, *save;

	(void)w;
	if (is_windows(h)) {
		/* A hardening script (or a security baseline GPO) turned
		 * 3DES off in Schannel. */
		key = schannel_3des(h);
		lab_reg_set(lab, h->name, key, "Enabled", 'i', "0");
		lab_log(lab, "%s: %s Enabled = 0 (3DES off in Schannel)",
		    h->name, key);
		free(key);
		return 0;
	}
	id = lab_obj_ensure(lab, h->name, "TlsContext", FX_PEER_CTX);
	if ((v = lab_prop(lab, id, "Ciphers", NULL)) == NULL)
		v = xstrdup("");
	out = xstrdup("");
	for (line = strtok_r(v, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char	*n;

		if (strcmp(line, CIPHER_3DES) == 0)
			continue;
		n = xasprintf("%s%s%s", out, *out ? "\n" : "", line);
		free(out);
		out = n;
	}
	lab_set(lab, id, "Ciphers", 'l', out);
	lab_log(lab, "%s: %s: cipher %s no longer selected", h->name,
	    FX_PEER_CTX, CIPHER_3DES);
	free(out);
	free(v);
	return 0;
}

static int
tdes_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	int64_t	 id;
	char	*key;

	(void)w;
	if (is_windows(h)) {
		/* As configured: no value at all (Schannel's default). */
		key = schannel_3des(h);
		if ((id = lab_obj_find(lab, h->name, "Registry", key)) != 0) {
			lab_unset(lab, id, "Enabled");
			lab_log(lab, "%s: %s Enabled removed (Schannel's default: "
			    "3DES on)", h->name, key);
		}
		free(key);
		return 0;
	}
	fx_imp_context(lab, h->name, CIPHER_3DES, NULL, -1);
	return 0;
}

static int
frag_present(struct lab *lab, const struct lab_host *h)
{
	int64_t	id = lab_obj_find(lab, h->name, "TlsContext", FX_PEER_CTX);

	return id == 0 || !lab_prop_bool(lab, id, "DisableEmptyFragments", 0);
}

static int
frag_break(struct lab *lab, const struct lab_host *h, char **w)
{
	(void)w;
	fx_imp_context(lab, h->name, NULL, NULL, 0);
	return 0;
}

static int
frag_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	(void)w;
	fx_imp_context(lab, h->name, NULL, NULL, 1);
	return 0;
}

/* ---- routes ------------------------------------------------------------- */

/*
 * wrong-port: the Lync or OCS route to IM and Presence points at the
 * other SIP port than the one IM and Presence's peer-authentication
 * listener uses (5062 in the documents, 5061 where ocs-partitioned moves
 * it). The route object and its port property by kind.
 */
static int64_t
route_to_imp(struct lab *lab, const struct lab_host *h, const char **portprop,
    int *want)
{
	const struct peer	*p = peer_of(h->name);
	struct lab_host		 imp;
	const char		*cls, *fqprop;
	int64_t			*v, id = 0, l;
	size_t			 n, i;
	char			*s;

	if (p == NULL || p->imp == NULL || lab_host_get(lab, p->imp, &imp) ==
	    -1)
		return 0;
	l = lab_obj_find(lab, imp.name, "AppListener", PEER_LISTENER);
	*want = l ? (int)lab_prop_int(lab, l, "Port", 5062) : 5062;
	if (strncmp(h->kind, "lync", 4) == 0) {
		cls = "CsStaticRoute";
		fqprop = "Fqdn";
		*portprop = "Port";
	} else {
		cls = "MSFT_SIPRoutingTableData";
		fqprop = "NextHop";
		*portprop = "NextHopPort";
	}
	v = lab_obj_list(lab, h->scope, cls, &n);
	for (i = 0; i < n && id == 0; i++) {
		s = lab_prop(lab, v[i], fqprop, NULL);
		if (s != NULL && lab_ieq(s, imp.fqdn))
			id = v[i];
		free(s);
	}
	free(v);
	return id;
}

static int
port_present(struct lab *lab, const struct lab_host *h)
{
	const char	*pp;
	int		 want;
	int64_t		 r = route_to_imp(lab, h, &pp, &want);

	return r != 0 && lab_prop_int(lab, r, pp, 0) != want;
}

static int
port_set(struct lab *lab, const struct lab_host *h, int wrong, char **w)
{
	const char	*pp;
	int		 want, port;
	int64_t		 r = route_to_imp(lab, h, &pp, &want);

	if (r == 0)
		return why(w, "%s has no route to its IM and Presence node yet "
		    "(its runbook's route procedure makes it)", h->name);
	port = wrong ? (want == 5062 ? 5061 : 5062) : want;
	lab_seti(lab, r, pp, port);
	lab_log(lab, "%s: the static route to IM and Presence now points at "
	    "port %d", h->scope, port);
	return 0;
}

static int
port_break(struct lab *lab, const struct lab_host *h, char **w)
{
	return port_set(lab, h, 1, w);
}

static int
port_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	return port_set(lab, h, 0, w);
}

/*
 * reversed-pattern: IM and Presence's static route to the partner domain
 * typed as the domain (Lync's *.domain), not reversed (.net.example.lync.*).
 */
static char *
reversed(const char *domain)
{
	struct buf	 b;
	const char	*end = domain + strlen(domain), *p;

	buf_init(&b);
	while (end > domain) {
		for (p = end; p > domain && p[-1] != '.'; p--)
			;
		buf_printf(&b, ".%.*s", (int)(end - p), p);
		end = p > domain ? p - 1 : domain;
	}
	buf_adds(&b, ".*");
	return b.s;
}

/* The partner domain of an IM and Presence node's route ("" when none). */
static const char *
partner_domain(const struct lab_host *h)
{
	const struct peer	*p = peer_of(h->name);

	return p != NULL && p->domain != NULL ? p->domain : "";
}

/* An OCS server's IM and Presence peer, or -1. */
static int
imp_peer(struct lab *lab, const struct lab_host *h, struct lab_host *imp)
{
	const struct peer	*p = peer_of(h->name);

	if (p == NULL || p->imp == NULL)
		return -1;
	return lab_host_get(lab, p->imp, imp);
}

/* IM and Presence's static route to its partner: the one with the right
 * pattern when there is one (a trainee who adds the right route beside
 * the wrong one has fixed it), else the first to the partner's next hop. */
static int64_t
imp_route(struct lab *lab, const struct lab_host *h)
{
	const struct peer	*p = peer_of(h->name);
	int64_t			*v, id = 0;
	size_t			 n, i;
	char			*s, *want;

	if (p == NULL || p->nexthop == NULL)
		return 0;
	want = reversed(p->domain);
	v = lab_obj_list(lab, h->name, "StaticRoute", &n);
	for (i = 0; i < n; i++) {
		s = lab_prop(lab, v[i], "NextHop", NULL);
		if (s != NULL && lab_ieq(s, p->nexthop)) {
			free(s);
			s = lab_prop(lab, v[i], "DestinationPattern", NULL);
			if (id == 0 || (s != NULL && strcmp(s, want) == 0))
				id = v[i];
		}
		free(s);
	}
	free(v);
	free(want);
	return id;
}

static int
pattern_present(struct lab *lab, const struct lab_host *h)
{
	int64_t	 r = imp_route(lab, h);
	char	*pat, *want;
	int	 in;

	if (r == 0)
		return 0;
	pat = lab_prop(lab, r, "DestinationPattern", NULL);
	want = reversed(partner_domain(h));
	in = pat == NULL || strcmp(pat, want) != 0;
	free(pat);
	free(want);
	return in;
}

/* The route's pattern is its identity on the page: a new one replaces it. */
static int
pattern_set(struct lab *lab, const struct lab_host *h, const char *pat,
    char **w)
{
	int64_t		 r = imp_route(lab, h), nr;
	struct lab_obj	 o;
	size_t		 i;

	if (r == 0)
		return why(w, "%s has no static route to its partner yet (its "
		    "runbook's static route procedure makes it)", h->name);
	if (lab_obj_load(lab, r, &o) == -1)
		return why(w, "%s: its static route is gone", h->name);
	if (strcmp(o.ident, pat) != 0) {
		lab_obj_delete(lab, r);
		nr = lab_obj_ensure(lab, h->name, "StaticRoute", pat);
		for (i = 0; i < o.n; i++)
			lab_set(lab, nr, o.p[i].name, o.p[i].type,
			    strcmp(o.p[i].name, "DestinationPattern") == 0 ?
			    pat : o.p[i].value);
		lab_log(lab, "%s: static route %s is now %s", h->name, o.ident,
		    pat);
	}
	lab_obj_free(&o);
	return 0;
}

static int
pattern_break(struct lab *lab, const struct lab_host *h, char **w)
{
	char	*pat = xasprintf("*.%s", partner_domain(h));
	int	 r = pattern_set(lab, h, pat, w);

	free(pat);
	return r;
}

static int
pattern_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	char	*pat = reversed(partner_domain(h));
	int	 r = pattern_set(lab, h, pat, w);

	free(pat);
	return r;
}

/* ---- DNS ---------------------------------------------------------------- */

/* The record a host's dns-missing removes: an ASA's or an Access Edge's
 * federation SRV record (what partners look up), else the host's A
 * record (a route's destination). */
static void
dns_record(struct lab *lab, const struct lab_host *h, char *name, size_t n,
    const char **type, char **value)
{
	if (strcmp(h->kind, "asa") == 0 || strcmp(h->kind, "edge") == 0) {
		int	edge = strcmp(h->kind, "edge") == 0;

		snprintf(name, n, "_sipfederationtls._tcp.%s", edge ?
		    "example.org" : "example.com");
		*type = "SRV";
		*value = xasprintf("0 100 5061 %s", edge ? "sip.example.org" :
		    "imp.example.com");
	} else {
		snprintf(name, n, "%s", h->fqdn);
		*type = "A";
		*value = xstrdup(h->address);
	}
	(void)lab;
}

static int
dns_present(struct lab *lab, const struct lab_host *h)
{
	char		 name[160], *value, *have;
	const char	*type;
	int		 r;

	dns_record(lab, h, name, sizeof(name), &type, &value);
	have = lab_one(lab, lab_stmt(lab, "SELECT value FROM dns WHERE "
	    "name = ? COLLATE NOCASE AND type = ? AND value = ?", "sss", name,
	    type, value));
	r = have == NULL;
	free(have);
	free(value);
	return r;
}

static int
dns_break(struct lab *lab, const struct lab_host *h, char **w)
{
	char		 name[160], *value;
	const char	*type;

	(void)w;
	dns_record(lab, h, name, sizeof(name), &type, &value);
	lab_dns_del(lab, name, type);
	lab_log(lab, "dns: %s %s record removed", name, type);
	free(value);
	return 0;
}

static int
dns_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	char		 name[160], *value;
	const char	*type;

	(void)w;
	dns_record(lab, h, name, sizeof(name), &type, &value);
	lab_dns_set(lab, name, type, value);
	lab_log(lab, "dns: %s %s %s", name, type, value);
	free(value);
	return 0;
}

/* ---- the Access Edge ---------------------------------------------------- */

#define PROVIDER_IDENT	"provider:example.com"

/* edge-allow-clash: the partner domain also added as an IM service
 * provider (Edge properties > IM Service Providers) beside its allowed
 * domain entry. */
static int
clash_present(struct lab *lab, const struct lab_host *h)
{
	return lab_obj_find(lab, h->name, "FederationPartner",
	    PROVIDER_IDENT) != 0;
}

static int
clash_break(struct lab *lab, const struct lab_host *h, char **w)
{
	int64_t	id;

	(void)w;
	id = lab_obj_ensure(lab, h->name, "FederationPartner", PROVIDER_IDENT);
	lab_sets(lab, id, "Kind", "IMServiceProvider");
	lab_sets(lab, id, "Domain", "example.com");
	lab_sets(lab, id, "EdgeProxyFqdn", "imp.example.com");
	lab_log(lab, "%s: example.com added as an IM service provider "
	    "(imp.example.com), beside its allowed domain entry", h->name);
	return 0;
}

static int
clash_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	int64_t	id = lab_obj_find(lab, h->name, "FederationPartner",
	    PROVIDER_IDENT);

	(void)w;
	if (id != 0) {
		lab_obj_delete(lab, id);
		lab_log(lab, "%s: IM service provider example.com removed",
		    h->name);
	}
	return 0;
}

/* ---- trust -------------------------------------------------------------- */

/* chain-untrusted: the lab CA's root gone from the Windows host's Trusted
 * Root store, or from IM and Presence's cup-trust. */
static int
chain_present(struct lab *lab, const struct lab_host *h)
{
	int64_t	ca = fx_ca_cert(lab);

	if (is_windows(h))
		return !lab_store_has(lab, h->name, "Root", ca);
	return lab_store_get(lab, h->name, "trust",
	    "cup-trust/example-CA1.pem") != ca;
}

static int
chain_break(struct lab *lab, const struct lab_host *h, char **w)
{
	(void)w;
	if (is_windows(h)) {
		lab_store_remove(lab, h->name, "Root", fx_ca_cert(lab));
		lab_log(lab, "%s: example-CA1 removed from Trusted Root "
		    "Certification Authorities", h->name);
	} else {
		lab_store_remove_name(lab, h->name, "trust",
		    "cup-trust/example-CA1.pem");
		lab_store_remove_name(lab, h->name, "trust",
		    "cup-trust/example-CA1.der");
		lab_log(lab, "%s: cup-trust/example-CA1.pem deleted", h->name);
	}
	return 0;
}

static int
chain_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	(void)w;
	if (is_windows(h))
		fx_win_install_chain(lab, h->name, "Root");
	else
		fx_imp_trust(lab, h->name, "cup-trust", fx_ca_cert(lab));
	return 0;
}

/* ---- federation --------------------------------------------------------- */

static int
fed_present(struct lab *lab, const struct lab_host *h)
{
	int64_t	 id;
	char	*st;
	int	 r;

	if (strcmp(h->kind, "edge") == 0) {
		id = lab_obj_find(lab, h->name, "EdgeSettings", "federation");
		return id == 0 || !lab_prop_bool(lab, id, "FederationEnabled",
		    0);
	}
	st = lab_service_status(lab, h->name, FED_SERVICE);
	r = st == NULL || strcmp(st, "STARTED") != 0;
	free(st);
	return r;
}

static int
fed_set(struct lab *lab, const struct lab_host *h, int on)
{
	int64_t	id;

	if (strcmp(h->kind, "edge") == 0) {
		id = lab_obj_ensure(lab, h->name, "EdgeSettings", "federation");
		lab_setb(lab, id, "FederationEnabled", on);
		lab_log(lab, "%s: Access Edge: federation %s", h->name, on ?
		    "enabled" : "disabled");
		return 0;
	}
	fx_service(lab, h->name, FED_SERVICE, on ? "STARTED" : "STOPPED");
	return 0;
}

static int
fed_break(struct lab *lab, const struct lab_host *h, char **w)
{
	(void)w;
	return fed_set(lab, h, 0);
}

static int
fed_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	(void)w;
	return fed_set(lab, h, 1);
}

/*
 * edge-as-authorized-host: OCS's host authorization names the Access
 * Edge's FQDN where the IM and Presence node belongs.
 */
#define EDGE_FQDN	"sip.example.org"

static int64_t
hostauth(struct lab *lab, const struct lab_host *h, const char *server)
{
	return lab_obj_where(lab, h->scope, "MSFT_SIPRemoteAddressData",
	    "Server", server);
}

static int
authhost_present(struct lab *lab, const struct lab_host *h)
{
	const struct peer	*p = peer_of(h->name);
	struct lab_host		 imp;

	if (p == NULL || p->imp == NULL || lab_host_get(lab, p->imp, &imp) ==
	    -1)
		return 0;
	return hostauth(lab, h, imp.fqdn) == 0;
}

static int
authhost_set(struct lab *lab, const struct lab_host *h, const char *from,
    const char *to, char **w)
{
	int64_t	id = hostauth(lab, h, from);

	if (id == 0)
		return why(w, "%s has no host authorization for %s (its "
		    "runbook's host authorization procedure makes it)",
		    h->name, from);
	lab_sets(lab, id, "Server", to);
	lab_log(lab, "%s: host authorization %s is now %s", h->name, from, to);
	return 0;
}

static int
authhost_break(struct lab *lab, const struct lab_host *h, char **w)
{
	struct lab_host	imp;

	if (imp_peer(lab, h, &imp) == -1)
		return why(w, "%s has no IM and Presence peer in this lab",
		    h->name);
	if (hostauth(lab, h, imp.fqdn) == 0)
		return 0;
	return authhost_set(lab, h, imp.fqdn, EDGE_FQDN, w);
}

static int
authhost_fix(struct lab *lab, const struct lab_host *h, char **w)
{
	struct lab_host	imp;

	if (imp_peer(lab, h, &imp) == -1)
		return why(w, "%s has no IM and Presence peer in this lab",
		    h->name);
	if (hostauth(lab, h, imp.fqdn) != 0)
		return 0;
	if (hostauth(lab, h, EDGE_FQDN) == 0) {
		fx_ocs_hostauth_add(lab, h->name, imp.fqdn, 0, 1, 1);
		return 0;
	}
	return authhost_set(lab, h, EDGE_FQDN, imp.fqdn, w);
}

/* ---- the table ---------------------------------------------------------- */

const struct lab_fault lab_faults[] = {
	{ "no-client-eku",
	    "a front end's (or IM and Presence's) certificate lacks Client "
	    "Authentication",
	    "the CA re-issues the SIP certificate with Server Authentication "
	    "only and the server uses it: mutual TLS from it is refused",
	    "fe1 fe2 ocs1 ocsr2 edge1 lyncse1 imp1 imp2 imp3 cup1",
	    "lync-imp-tls ocs-imp-tls ocs-partitioned interdomain-asa "
	    "lync-cup-federation",
	    "the certificate request with Client Authentication "
	    "(submit-certificate-request, request-signed-certificate, "
	    "configure-certificates)",
	    eku_break, eku_fix, eku_present },
	{ "cn-mismatch",
	    "the certificate's subject CN is not the name the peer subject / "
	    "route expects",
	    "the SIP certificate re-issued with another CN (a front end's own "
	    "name instead of the pool's; the SIP domain's; an Edge's internal "
	    "name): peers that trust by CN answer 403",
	    "fe1 fe2 ocs1 ocsr2 edge1 lyncse1",
	    "lync-imp-tls ocs-imp-tls ocs-partitioned interdomain-asa "
	    "lync-cup-federation",
	    "the certificate request and assignment (assign-imported-"
	    "certificate, configure-installed-certificate, "
	    "select-installed-certificate)",
	    cn_break, cn_fix, cn_present },
	{ "imp-cert-no-fqdn",
	    "the IM and Presence cup certificate was generated with a host "
	    "name, not the FQDN",
	    "the cup certificate regenerated with CN and SAN the host name",
	    "imp4 imp1 imp2 imp3 cup1",
	    "interdomain-asa lync-imp-tls ocs-imp-tls ocs-partitioned "
	    "lync-cup-federation",
	    "generate-imp-certificate (interdomain-asa), "
	    "configure-certificates-on-imp, configure-certificates",
	    nofqdn_break, nofqdn_fix, nofqdn_present },
	{ "domain-change-cert",
	    "a domain change regenerated IM and Presence's cup certificate; "
	    "peers still hold the old one",
	    "the cup certificate regenerated self-signed with a new key; the "
	    "ASA's trustpoint (or the peers' CA trust) still has the old",
	    "imp3 cup1 imp1 imp2 imp4",
	    "ocs-partitioned lync-cup-federation lync-imp-tls ocs-imp-tls "
	    "interdomain-asa",
	    "import-imp-certificate (interdomain-asa); a CA-signed cup "
	    "certificate again (configure-certificates-on-imp, "
	    "configure-certificates)",
	    domchg_break, domchg_fix, domchg_present },
	{ "ntp-unsync",
	    "IM and Presence, CUCM and the ASA do not follow the same "
	    "synchronised NTP source",
	    "the ASA or CUCM follows another NTP reference; an IM and "
	    "Presence node's clock is unsynchronised (stratum 16)",
	    "asa1 cucm1 imp4",
	    "interdomain-asa",
	    "the NTP settings (ntp server on the ASA; the publisher's NTP)",
	    ntp_break, ntp_fix, ntp_present },
	{ "no-3des-tlsv1",
	    "one side does not accept TLSv1.0 with "
	    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	    "3DES turned off in Schannel (Windows) or taken out of the peer "
	    "authentication TLS context (IM and Presence)",
	    "fe1 fe2 ocs1 ocsr2 lyncse1 imp1 imp2 imp3 cup1",
	    "lync-imp-tls ocs-imp-tls ocs-partitioned lync-cup-federation",
	    "set-up-lync-tlsv1, configure-tlsv1, enable-fips; "
	    "add-tls-peer-to-subjects-list, configure-peer-auth-context",
	    tdes_break, tdes_fix, tdes_present },
	{ "empty-fragments",
	    "\"Disable Empty TLS Fragments\" is not set in the peer-auth TLS "
	    "context",
	    "the TLS context's Disable Empty TLS Fragments unchecked",
	    "imp1 imp2 imp3 cup1",
	    "lync-imp-tls ocs-imp-tls ocs-partitioned lync-cup-federation",
	    "add-tls-peer-to-subjects-list, configure-peer-auth-context",
	    frag_break, frag_fix, frag_present },
	{ "wrong-port",
	    "the route or application points at 5061 where IM and Presence "
	    "listens on 5062 (or the reverse)",
	    "the Lync or OCS static route to IM and Presence points at the "
	    "other port than its peer-auth listener",
	    "fe1 ocs1 ocsr2",
	    "lync-imp-tls ocs-imp-tls ocs-partitioned",
	    "set-up-static-route, configure-tls-route, "
	    "configure-static-routes-on-ocs",
	    port_break, port_fix, port_present },
	{ "dns-missing",
	    "the A record of a route destination, or the federation SRV "
	    "record, is missing or wrong",
	    "the host's A record (an ASA's or Edge's _sipfederationtls._tcp "
	    "SRV record) removed from the DNS",
	    "imp1 imp2 imp3 cup1 ocs1 ocsr2 lyncse1 asa1 edge1",
	    "lync-imp-tls ocs-imp-tls ocs-partitioned interdomain-asa "
	    "lync-cup-federation",
	    "the DNS records the documents assume (named by the route "
	    "procedure's check: set-up-static-route, configure-tls-route, ...)",
	    dns_break, dns_fix, dns_present },
	{ "reversed-pattern",
	    "the IM and Presence static route's destination pattern is not "
	    "the reversed SIP domain",
	    "IM and Presence's static route to the partner typed as *.domain "
	    "instead of .tld.domain.*",
	    "cup1 imp3",
	    "lync-cup-federation ocs-partitioned",
	    "set-up-static-route (lync-cup-federation), "
	    "configure-static-route-on-imp",
	    pattern_break, pattern_fix, pattern_present },
	{ "edge-allow-clash",
	    "the partner domain is both an allowed domain and an IM service "
	    "provider on the Access Edge",
	    "example.com added as an IM service provider beside its allowed "
	    "domain entry: the Edge refuses the partner (403)",
	    "edge1",
	    "interdomain-asa",
	    "upload-certificate (the Access Edge's federation settings)",
	    clash_break, clash_fix, clash_present },
	{ "chain-untrusted",
	    "the peer's CA chain is not in the trust store (Windows Trusted "
	    "Root, or cup-trust)",
	    "example-CA1 removed from the Trusted Root store or from "
	    "cup-trust",
	    "fe1 fe2 ocs1 ocsr2 edge1 imp3 cup1",
	    "lync-imp-tls ocs-imp-tls ocs-partitioned interdomain-asa "
	    "lync-cup-federation",
	    "install-ca-chain, install-ca-root-certificates, "
	    "configure-certificates-on-imp, configure-certificates",
	    chain_break, chain_fix, chain_present },
	{ "federation-off",
	    "federation (the Access Edge / federation route, or IM and "
	    "Presence's federation service) is disabled",
	    "Cisco XCP SIP Federation Connection Manager stopped, or the "
	    "Access Edge's federation disabled",
	    "cup1 imp4 edge1",
	    "lync-cup-federation interdomain-asa",
	    "restart-services (lync-cup-federation); the Access Edge's "
	    "federation settings",
	    fed_break, fed_fix, fed_present },
	{ "edge-as-authorized-host",
	    "the Access Edge FQDN was entered as the authorized host instead "
	    "of the IM and Presence node",
	    "OCS's host authorization names the Access Edge (sip.example.org) "
	    "instead of the IM and Presence node",
	    "ocs1 ocsr2",
	    "ocs-imp-tls ocs-partitioned",
	    "configure-authenticated-host, add-host-authorization",
	    authhost_break, authhost_fix, authhost_present },
};

const size_t lab_nfaults = nitems(lab_faults);

const struct lab_fault *
lab_fault_find(const char *id)
{
	size_t	i;

	for (i = 0; i < lab_nfaults; i++)
		if (strcmp(lab_faults[i].id, id) == 0)
			return &lab_faults[i];
	return NULL;
}

int
lab_fault_applies(const struct lab_fault *f, const char *host)
{
	return has_word(f->hosts, host);
}

static void
default_host(const struct lab_fault *f, char *buf, size_t n)
{
	snprintf(buf, n, "%s", f->hosts);
	buf[strcspn(buf, " ")] = '\0';
}

/* The injections table; an older lab gains it here. */
static void
ensure_table(struct lab *lab)
{
	sqlite3_exec(lab->db, "CREATE TABLE IF NOT EXISTS faults (id TEXT NOT "
	    "NULL, host TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (id, "
	    "host))", NULL, NULL, NULL);
}

static int
resolve(struct lab *lab, const struct lab_fault *f, const char *host,
    struct lab_host *h, struct diags *d)
{
	char	def[32];

	if (host == NULL) {
		default_host(f, def, sizeof(def));
		host = def;
	}
	if (!lab_fault_applies(f, host)) {
		diags_add(d, host, 0, 0, "%s is not a host %s can be broken on "
		    "in this lab: %s (fedwiz lab faults)", host, f->id,
		    f->hosts);
		return LAB_EINPUT;
	}
	if (lab_host_get(lab, host, h) == -1) {
		diags_add(d, host, 0, 0, "no host %s in this lab (fedwiz lab "
		    "status lists them; a lab made by an older fedwiz: "
		    "lab down, remove its folder, lab up)", host);
		return LAB_ESTATE;
	}
	return LAB_OK;
}

static int
apply(struct lab *lab, const struct lab_fault *f, const char *host,
    int brk, struct diags *d)
{
	struct lab_host	 h;
	char		*w = NULL;
	int		 rc;

	if ((rc = resolve(lab, f, host, &h, d)) != LAB_OK)
		return rc;
	ensure_table(lab);
	lab_begin(lab);
	if (f->present(lab, &h) != brk &&
	    (brk ? f->brk : f->fix)(lab, &h, &w) != 0) {
		lab_rollback(lab);
		diags_add(d, f->id, 0, 0, "%s", w != NULL ? w :
		    "cannot be done now");
		free(w);
		return LAB_ESTATE;
	}
	if (brk)
		lab_run(lab, lab_stmt(lab, "INSERT OR REPLACE INTO faults (id, "
		    "host, at) VALUES (?, ?, ?)", "ssi", f->id, h.name,
		    (int64_t)time(NULL)));
	else
		lab_run(lab, lab_stmt(lab, "DELETE FROM faults WHERE id = ? AND "
		    "host = ?", "ss", f->id, h.name));
	lab_commit(lab);
	free(w);
	/* dnsmasq reads the records at start. */
	if (labsvc_dns_sync(lab, d) != 0)
		return LAB_EENV;
	return LAB_OK;
}

int
lab_fault_break(struct lab *lab, const struct lab_fault *f, const char *host,
    struct diags *d)
{
	return apply(lab, f, host, 1, d);
}

int
lab_fault_fix(struct lab *lab, const struct lab_fault *f, const char *host,
    struct diags *d)
{
	return apply(lab, f, host, 0, d);
}

int
lab_fault_present(struct lab *lab, const struct lab_fault *f,
    const char *host)
{
	struct lab_host	h;
	struct diags	q;
	int		r;

	diags_init(&q);
	r = resolve(lab, f, host, &h, &q) == LAB_OK ? f->present(lab, &h) : -1;
	diags_free(&q);
	return r;
}

int
lab_fault_injected(struct lab *lab, struct lab_fault_inj **vp, size_t *np)
{
	struct sqlite3_stmt	*st;
	struct lab_fault_inj	*v = NULL;
	size_t			 n = 0;
	char			*s;

	ensure_table(lab);
	st = lab_stmt(lab, "SELECT id, host, at FROM faults ORDER BY at, id, "
	    "host", NULL);
	while (lab_step(lab, st) == 1) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		memset(&v[n], 0, sizeof(v[n]));
		s = lab_col(st, 0);
		snprintf(v[n].id, sizeof(v[n].id), "%s", s ? s : "");
		free(s);
		s = lab_col(st, 1);
		snprintf(v[n].host, sizeof(v[n].host), "%s", s ? s : "");
		free(s);
		v[n].at = sqlite3_column_int64(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	*vp = v;
	*np = n;
	return 0;
}

void
lab_fault_forget_all(struct lab *lab)
{
	ensure_table(lab);
	lab_run(lab, lab_stmt(lab, "DELETE FROM faults", NULL));
}
