/*
 * sh-asa.c: the Cisco ASA CLI over lab state, as tests/ssh/fx-asa
 * imitates it, with its sources:
 *
 * - Login banner ("User NAME logged in to HOST", "Type help or '?' for a
 *   list of available commands.") and the prompts "asa1> ", "asa1# ",
 *   "asa1(config)# ", "asa1(config-ca-trustpoint)# " (Cisco ASA
 *   configuration guides; OVHcloud's and NetSPoC's published sessions).
 * - enable: "Password: ", no echo, one '*' per character; "Invalid
 *   password"; "% Bad secrets" after the third. The secret is the
 *   system's EnableSecret (empty by default: "When prompted for the
 *   password, press Enter. The password is blank.").
 * - Words abbreviate to any unambiguous prefix (sh run, conf t, term pag
 *   0); errors "ERROR: % Invalid input detected at '^' marker." with the
 *   caret under the first word that does not parse, "ERROR: % Incomplete
 *   command", "ERROR: % Ambiguous command:  \"...\"".
 * - "pager lines 24": "<--- More --->" every 24 lines (space a page,
 *   Enter a line, q quits; the prompt erased with \r and 14 spaces);
 *   "terminal pager 0" turns it off for the session (Netmiko's and NOC
 *   project's ASA drivers rely on both).
 * - PKI (Cisco Security Appliance Command Line Configuration Guide 8.0
 *   and 8.4, "Configuring Certificates": the prompts of crypto key
 *   generate rsa, crypto ca enroll for self, terminal and SCEP
 *   enrollment, crypto ca authenticate, import and export), show crypto
 *   ca certificates, show running-config crypto ca trustpoint, show
 *   crypto key mypubkey rsa; show ntp status (the IOS layout the ASA
 *   shares: "Clock is synchronized, stratum N, reference is X").
 * - At most 5 SSH sessions at once ("The ASA allows a maximum of 5
 *   concurrent SSH connections per context"): a sixth closes at once.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "labfx.h"
#include "labint.h"
#include "labpki.h"
#include "shells.h"
#include "shterm.h"

enum mode { M_USER, M_PRIV, M_CONFIG, M_TP };

struct asa {
	struct lab	*lab;
	struct lab_host	 h;
	struct term	 t;
	enum mode	 mode;
	char		 tp[64];	/* the trustpoint of sub-mode */
	int		 pager;		/* lines; 0: off */
	struct buf	 out;		/* output waiting for the pager */
	/* the line being parsed */
	const char	*line;
	char		*tok[32];
	int		 off[32];
	int		 ntok, ti;
	char		 kw[64];
	int		 err;
};

static void
emit(struct asa *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
emit(struct asa *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	buf_adds(&a->out, s);
	buf_addc(&a->out, '\n');
	free(s);
}

static char *
sys(struct asa *a, const char *k)
{
	int64_t	id = lab_obj_find(a->lab, a->h.name, "Asa", "system");

	return id ? lab_prop(a->lab, id, k, NULL) : NULL;
}

static void
prompt(struct asa *a)
{
	char	*host = sys(a, "Hostname");
	const char	*h = host ? host : a->h.name;

	switch (a->mode) {
	case M_USER:
		fprintf(a->t.out, "%s> ", h);
		break;
	case M_PRIV:
		fprintf(a->t.out, "%s# ", h);
		break;
	case M_CONFIG:
		fprintf(a->t.out, "%s(config)# ", h);
		break;
	case M_TP:
		fprintf(a->t.out, "%s(config-ca-trustpoint)# ", h);
		break;
	}
	fflush(a->t.out);
	free(host);
}

static int
prompt_len(struct asa *a)
{
	char	*host = sys(a, "Hostname");
	int	 n = (int)strlen(host ? host : a->h.name);

	free(host);
	switch (a->mode) {
	case M_USER:
	case M_PRIV:
		return n + 2;
	case M_CONFIG:
		return n + 10;
	default:
		return n + 25;
	}
}

/* Output through "<--- More --->". */
static void
flush_out(struct asa *a)
{
	const char	*p, *nl;
	int		 shown = 0, key;

	for (p = a->out.s; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (a->pager > 0 && a->t.tty && shown >= a->pager) {
			term_raw(&a->t, "<--- More --->");
			key = term_key(&a->t);
			term_raw(&a->t, "\r              \r");
			if (key == -1 || key == 'q' || key == 'Q')
				break;
			shown = key == '\r' || key == '\n' ? a->pager - 1 : 0;
		}
		fwrite(p, 1, (size_t)(nl - p), a->t.out);
		fputs(a->t.nl, a->t.out);
		shown++;
	}
	buf_free(&a->out);
	buf_init(&a->out);
	fflush(a->t.out);
}

/* ---- parsing ------------------------------------------------------------- */

static void
tokenize(struct asa *a, char *line)
{
	char	*p = line;

	a->line = line;
	a->ntok = 0;
	a->ti = 0;
	a->err = 0;
	while (*p != '\0' && a->ntok < 32) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		a->off[a->ntok] = (int)(p - line);
		a->tok[a->ntok++] = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

static void
invalid_at(struct asa *a, int at)
{
	int	col = prompt_len(a) + (at < a->ntok ? a->off[at] :
	    (int)strlen(a->line));

	if (a->err)
		return;
	a->err = 1;
	emit(a, "%*s^", col, "");
	emit(a, "ERROR: %% Invalid input detected at '^' marker.");
}

static void
incomplete(struct asa *a)
{
	if (a->err)
		return;
	a->err = 1;
	emit(a, "ERROR: %% Incomplete command");
}

/* The next word among the keywords (NULL-terminated), by unambiguous
 * prefix; 0 and a.kw, or -1 and the error said. */
static int
kw(struct asa *a, const char *const *words)
{
	const char	*w, *found = NULL;
	size_t		 i, n = 0, len;

	if (a->err)
		return -1;
	if (a->ti >= a->ntok) {
		incomplete(a);
		return -1;
	}
	w = a->tok[a->ti];
	len = strlen(w);
	for (i = 0; words[i] != NULL; i++) {
		if (strcasecmp(words[i], w) == 0) {
			found = words[i];
			n = 1;
			break;
		}
		if (strncasecmp(words[i], w, len) == 0) {
			found = words[i];
			n++;
		}
	}
	if (n == 1) {
		snprintf(a->kw, sizeof(a->kw), "%s", found);
		a->ti++;
		return 0;
	}
	if (n > 1) {
		a->err = 1;
		{
			struct buf	b;
			int		k;

			buf_init(&b);
			for (k = 0; k < a->ntok; k++)
				buf_printf(&b, "%s%s", k ? " " : "", a->tok[k]);
			emit(a, "ERROR: %% Ambiguous command:  \"%s\"", b.s);
			buf_free(&b);
		}
		return -1;
	}
	invalid_at(a, a->ti);
	return -1;
}

#define KW(a, ...)	kw((a), (const char *const[]){ __VA_ARGS__, NULL })

/* The next word as given; NULL when none. */
static const char *
arg(struct asa *a)
{
	return a->ti < a->ntok ? a->tok[a->ti++] : NULL;
}

static int
end(struct asa *a)
{
	if (a->err)
		return -1;
	if (a->ti < a->ntok) {
		invalid_at(a, a->ti);
		return -1;
	}
	return 0;
}

static int
is(struct asa *a, const char *w)
{
	return strcmp(a->kw, w) == 0;
}

/* An answer to a [yes/no] question; 1 yes, 0 no, -1 end of input. */
static int
yesno(struct asa *a, const char *q)
{
	char	line[128];

	for (;;) {
		flush_out(a);
		term_raw(&a->t, q);
		if (term_line(&a->t, line, sizeof(line)) < 0)
			return -1;
		if (strcasecmp(line, "yes") == 0 || strcasecmp(line, "y") == 0)
			return 1;
		if (strcasecmp(line, "no") == 0 || strcasecmp(line, "n") == 0)
			return 0;
		term_put(&a->t, "% Please answer 'yes' or 'no'.");
	}
}

static int
name_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return 0;
	return 1;
}

/* ---- show ---------------------------------------------------------------- */

static void
name_lines(struct asa *a, const char *dn)
{
	char	*copy = xstrdup(dn), *p, *save, *eq;

	for (p = strtok_r(copy, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ')
			p++;
		if ((eq = strchr(p, '=')) != NULL) {
			char	*q;

			for (q = p; q < eq; q++)
				*q = (char)tolower((unsigned char)*q);
			if (strncmp(p, "s=", 2) == 0)
				emit(a, "    st=%s", eq + 1);
			else
				emit(a, "    %s", p);
		}
	}
	free(copy);
}

static void
asa_date(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S UTC %b %e %Y", &tm);
}

static void
cert_block(struct asa *a, int64_t id, int ca, const char *tp)
{
	struct lab_cert	 c;
	char		 from[64], to[64], *lower, *q;
	int		 bits = 2048;

	if (lab_cert_load(a->lab, id, &c) != 0)
		return;
	if (c.key != 0) {
		char	*hex = lab_key_pub_hex(a->lab, c.key, &bits);

		free(hex);
	}
	lower = xstrdup(c.serial);
	for (q = lower; *q != '\0'; q++)
		*q = (char)tolower((unsigned char)*q);
	asa_date(c.not_before, from, sizeof(from));
	asa_date(c.not_after, to, sizeof(to));
	emit(a, "%s", ca ? "CA Certificate" : "Certificate");
	emit(a, "  Status: Available");
	emit(a, "  Certificate Serial Number: %s", lower);
	emit(a, "  Certificate Usage: %s", ca && c.ca ? "Signature" :
	    "General Purpose");
	emit(a, "  Public Key Type: RSA (%d bits)", bits);
	emit(a, "  Signature Algorithm: SHA256 with RSA Encryption");
	emit(a, "  Issuer Name: ");
	name_lines(a, c.issuer_name);
	emit(a, "  Subject Name:");
	name_lines(a, c.subject);
	emit(a, "  Validity Date: ");
	emit(a, "    start date: %s", from);
	emit(a, "    end   date: %s", to);
	emit(a, "  Storage: config");
	emit(a, "  Associated Trustpoints: %s ", tp);
	emit(a, "%s", "");
	free(lower);
	lab_cert_free(&c);
}

static void
show_certificates(struct asa *a, const char *only)
{
	int64_t	*tps, c;
	size_t	 n, i;

	tps = lab_obj_list(a->lab, a->h.name, "Trustpoint", &n);
	for (i = 0; i < n; i++) {
		struct lab_obj	o;

		if (lab_obj_load(a->lab, tps[i], &o) != 0)
			continue;
		if (only == NULL || strcmp(o.ident, only) == 0) {
			if ((c = fx_asa_tp_cert(a->lab, a->h.name, o.ident,
			    "id")) != 0)
				cert_block(a, c, 0, o.ident);
			if ((c = fx_asa_tp_cert(a->lab, a->h.name, o.ident,
			    "ca")) != 0)
				cert_block(a, c, 1, o.ident);
		}
		lab_obj_free(&o);
	}
	free(tps);
}

static const char *const tp_order[] = { "enrollment", "fqdn",
    "subject-name", "keypair", "client-types", NULL };

static void
trustpoint_config(struct asa *a, const char *only)
{
	int64_t	*tps;
	size_t	 n, i, k;
	char	*v;

	tps = lab_obj_list(a->lab, a->h.name, "Trustpoint", &n);
	for (i = 0; i < n; i++) {
		struct lab_obj	o;

		if (lab_obj_load(a->lab, tps[i], &o) != 0)
			continue;
		if (only == NULL || strcmp(o.ident, only) == 0) {
			emit(a, "crypto ca trustpoint %s", o.ident);
			for (k = 0; tp_order[k] != NULL; k++)
				if ((v = lab_prop(a->lab, tps[i], tp_order[k],
				    NULL)) != NULL) {
					emit(a, " %s %s", tp_order[k], v);
					free(v);
				}
			emit(a, " crl configure");
		}
		lab_obj_free(&o);
	}
	free(tps);
}

static void
ntp_status(struct asa *a)
{
	int64_t	 id = lab_obj_find(a->lab, a->h.name, "Ntp", "ntp");
	char	*srv = id ? lab_prop(a->lab, id, "Server", NULL) : NULL;

	if (id != 0 && lab_prop_bool(a->lab, id, "Synced", 0)) {
		emit(a, "Clock is synchronized, stratum %lld, reference is %s",
		    (long long)lab_prop_int(a->lab, id, "Stratum", 2),
		    srv ? srv : "");
		emit(a, "nominal freq is 99.9984 Hz, actual freq is 99.9983 Hz, "
		    "precision is 2**6");
		emit(a, "reference time is eb5d2c41.9a1f3b20 (10:14:25.602 UTC "
		    "Fri Mar 14 2025)");
		emit(a, "clock offset is 0.4312 msec, root delay is 0.81 msec");
		emit(a, "root dispersion is 17.46 msec, peer dispersion is 0.52 "
		    "msec");
	} else {
		emit(a, "Clock is unsynchronized, stratum 16, no reference "
		    "clock");
		emit(a, "nominal freq is 99.9984 Hz, actual freq is 99.9984 Hz, "
		    "precision is 2**6");
		emit(a, "reference time is 00000000.00000000 (00:00:00.000 UTC "
		    "Mon Jan 1 1900)");
		emit(a, "clock offset is 0.0000 msec, root delay is 0.00 msec");
		emit(a, "root dispersion is 0.00 msec, peer dispersion is 0.00 "
		    "msec");
	}
	free(srv);
}

static void
mypubkey(struct asa *a)
{
	int64_t	*v;
	size_t	 n, i;
	char	 when[64], *hex;
	int	 bits;

	v = lab_obj_list(a->lab, a->h.name, "Keypair", &n);
	for (i = 0; i < n; i++) {
		struct lab_obj	o;

		if (lab_obj_load(a->lab, v[i], &o) != 0)
			continue;
		asa_date((time_t)lab_prop_int(a->lab, v[i], "Generated", 0),
		    when, sizeof(when));
		hex = lab_key_pub_hex(a->lab, lab_prop_int(a->lab, v[i], "Key",
		    0), &bits);
		emit(a, "Key pair was generated at: %s", when);
		emit(a, "Key name: %s", o.ident);
		emit(a, " Usage: General Purpose Key");
		emit(a, " Modulus Size (bits): %d", bits);
		emit(a, " Storage: config");
		emit(a, " Key Data:");
		emit(a, "%s", "");
		emit(a, "%s ", hex);
		emit(a, "%s", "");
		free(hex);
		lab_obj_free(&o);
	}
	free(v);
}

static void
show_version(struct asa *a)
{
	char	*ver = sys(a, "Version"), *host = sys(a, "Hostname");

	emit(a, "%s", "");
	emit(a, "Cisco Adaptive Security Appliance Software Version %s", ver ?
	    ver : "8.4(2)");
	emit(a, "Device Manager Version 6.4(5)");
	emit(a, "%s", "");
	emit(a, "Compiled on Wed 15-Jun-11 18:17 by builders");
	emit(a, "System image file is \"disk0:/asa842-k8.bin\"");
	emit(a, "Config file at boot was \"startup-config\"");
	emit(a, "%s", "");
	emit(a, "%s up 212 days 4 hours", host ? host : a->h.name);
	emit(a, "%s", "");
	emit(a, "Hardware:   ASA5520, 2048 MB RAM, CPU Pentium 4 Celeron 2000 "
	    "MHz");
	emit(a, "Internal ATA Compact Flash, 256MB");
	emit(a, "%s", "");
	emit(a, "Licensed features for this platform:");
	emit(a, "Maximum Physical Interfaces       : Unlimited      perpetual");
	emit(a, "Encryption-3DES-AES               : Enabled        perpetual");
	emit(a, "Total UC Proxy Sessions           : 1000           perpetual");
	emit(a, "%s", "");
	emit(a, "This platform has an ASA 5520 VPN Plus license.");
	emit(a, "%s", "");
	emit(a, "Serial Number: JMX1234L0AB");
	emit(a, "Configuration register is 0x1");
	free(ver);
	free(host);
}

static void
show(struct asa *a, int priv)
{
	const char	*tp;

	if (!priv) {
		if (KW(a, "version", "clock") != 0)
			return;
	} else if (KW(a, "crypto", "running-config", "version", "pager",
	    "hostname", "ntp", "clock") != 0)
		return;
	if (is(a, "version")) {
		if (end(a) == 0)
			show_version(a);
	} else if (is(a, "clock")) {
		char		buf[64];
		time_t		t = time(NULL);
		struct tm	tm;

		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S.000 UTC %a %b %e %Y", &tm);
		if (end(a) == 0)
			emit(a, "%s", buf);
	} else if (is(a, "pager")) {
		if (end(a) == 0) {
			if (a->pager > 0)
				emit(a, "pager lines %d", a->pager);
			else
				emit(a, "no pager");
		}
	} else if (is(a, "hostname")) {
		char	*h = sys(a, "Hostname");

		if (end(a) == 0)
			emit(a, "%s", h ? h : a->h.name);
		free(h);
	} else if (is(a, "ntp")) {
		if (KW(a, "status", "associations") == 0 && end(a) == 0)
			ntp_status(a);
	} else if (is(a, "running-config")) {
		if (a->ti >= a->ntok) {
			char	*h = sys(a, "Hostname");
			int64_t	 ntp = lab_obj_find(a->lab, a->h.name, "Ntp",
			    "ntp");
			char	*srv = ntp ? lab_prop(a->lab, ntp, "Server",
			    NULL) : NULL;

			emit(a, ": Saved");
			emit(a, ":");
			emit(a, "ASA Version 8.4(2) ");
			emit(a, "!");
			emit(a, "hostname %s", h ? h : a->h.name);
			emit(a, "domain-name example.com");
			emit(a, "enable password 8Ry2YjIyt7RRXU24 encrypted");
			emit(a, "names");
			emit(a, "!");
			emit(a, "pager lines 24");
			trustpoint_config(a, NULL);
			if (srv != NULL)
				emit(a, "ntp server %s source inside prefer",
				    srv);
			emit(a, "tls-proxy maximum-session 1000");
			emit(a, "prompt hostname context ");
			emit(a, ": end");
			free(h);
			free(srv);
			return;
		}
		if (KW(a, "crypto") != 0 || KW(a, "ca") != 0 ||
		    KW(a, "trustpoint") != 0)
			return;
		tp = arg(a);
		if (end(a) == 0)
			trustpoint_config(a, tp);
	} else if (is(a, "crypto")) {
		if (KW(a, "ca", "key") != 0)
			return;
		if (is(a, "ca")) {
			if (KW(a, "certificates", "trustpoints") != 0)
				return;
			tp = arg(a);
			if (end(a) == 0)
				show_certificates(a, tp);
		} else if (KW(a, "mypubkey") == 0 && KW(a, "rsa") == 0 &&
		    end(a) == 0)
			mypubkey(a);
	}
}

/* ---- configuration --------------------------------------------------------- */

static void
changing(struct asa *a)
{
	lab_begin(a->lab);
	a->lab->who = a->h.name;
}

static void
key_generate(struct asa *a)
{
	const char	*label = "<Default-RSA-Key>";
	int		 modulus = 1024, noconfirm = 0, yes;
	char		 q[256];

	if (KW(a, "rsa") != 0)
		return;
	while (a->ti < a->ntok && !a->err) {
		if (KW(a, "label", "modulus", "noconfirm", "general-keys") != 0)
			return;
		if (is(a, "label")) {
			if ((label = arg(a)) == NULL) {
				incomplete(a);
				return;
			}
		} else if (is(a, "modulus")) {
			const char	*m = arg(a);

			if (m == NULL) {
				incomplete(a);
				return;
			}
			modulus = atoi(m);
			if (modulus != 512 && modulus != 768 && modulus != 1024 &&
			    modulus != 2048 && modulus != 4096) {
				invalid_at(a, a->ti - 1);
				return;
			}
		} else if (is(a, "noconfirm"))
			noconfirm = 1;
	}
	if (lab_obj_find(a->lab, a->h.name, "Keypair", label) != 0 &&
	    !noconfirm) {
		emit(a, "WARNING: You have a RSA keypair already defined named "
		    "%s.", label);
		emit(a, "%s", "");
		snprintf(q, sizeof(q), "Do you really want to replace them? "
		    "[yes/no]: ");
		if ((yes = yesno(a, q)) != 1)
			return;
	}
	emit(a, "INFO: The name for the keys will be: %s", label);
	emit(a, "Keypair generation process begin. Please wait...");
	changing(a);
	fx_asa_keypair(a->lab, a->h.name, label, modulus);
	lab_commit(a->lab);
}

static int64_t
trustpoint(struct asa *a, const char *name)
{
	int64_t	id = lab_obj_find(a->lab, a->h.name, "Trustpoint", name);

	if (id == 0)
		emit(a, "ERROR: %% Trustpoint %s not found.", name);
	return id;
}

/* Read a pasted PEM until "quit"; malloc'd, NULL when none came. */
static char *
paste(struct asa *a)
{
	char		line[512];
	struct buf	b;

	buf_init(&b);
	for (;;) {
		if (term_line(&a->t, line, sizeof(line)) < 0)
			break;
		if (strcasecmp(line, "quit") == 0)
			break;
		if (strstr(line, "-----BEGIN") == NULL && b.len == 0)
			buf_adds(&b, "-----BEGIN CERTIFICATE-----\n");
		buf_printf(&b, "%s\n", line);
	}
	if (b.s != NULL && strstr(b.s, "-----END") == NULL)
		buf_adds(&b, "-----END CERTIFICATE-----\n");
	return b.s != NULL ? buf_steal(&b) : NULL;
}

/* "Enter the base 64 encoded WHAT." and the paste: the certificate's id,
 * or 0 after the ASA's error. */
static int64_t
paste_cert(struct asa *a, const char *what)
{
	char	*pem;
	int64_t	 cert;

	emit(a, "Enter the base 64 encoded %s.", what);
	emit(a, "End with the word \"quit\" on a line by itself");
	flush_out(a);
	pem = paste(a);
	if (pem == NULL || (cert = lab_cert_import(a->lab, pem, "")) == 0) {
		emit(a, "%% Error in saving certificate: status = FAIL");
		free(pem);
		return 0;
	}
	free(pem);
	return cert;
}

static void
fingerprint(struct asa *a, int64_t cert)
{
	struct lab_cert	c;
	char		f[64];

	if (lab_cert_load(a->lab, cert, &c) != 0)
		return;
	snprintf(f, sizeof(f), "%.8s %.8s %.8s %.8s", c.thumbprint,
	    c.thumbprint + 8, c.thumbprint + 16, c.thumbprint + 24);
	emit(a, "INFO: Certificate has the following attributes:");
	emit(a, "Fingerprint:     %s ", f);
	lab_cert_free(&c);
}

static void
authenticate(struct asa *a, const char *name)
{
	int64_t	 tp, cert;
	char	*enr, *why = NULL;

	if ((tp = trustpoint(a, name)) == 0)
		return;
	enr = lab_prop(a->lab, tp, "enrollment", NULL);
	if (enr != NULL && strncmp(enr, "url ", 4) == 0) {
		/* SCEP: the CA's certificate comes from the CA. */
		cert = fx_ca_cert(a->lab);
		fingerprint(a, cert);
		if (yesno(a, "Do you accept this certificate? [yes/no]: ") != 1) {
			emit(a, "%% Certificate not accepted.");
			free(enr);
			return;
		}
		changing(a);
		fx_asa_scep_ca(a->lab, a->h.name, name, &why);
		lab_commit(a->lab);
		free(why);
		emit(a, "%s", "");
		emit(a, "Trustpoint CA certificate accepted.");
		free(enr);
		return;
	}
	if (enr == NULL || strcmp(enr, "terminal") != 0) {
		emit(a, "ERROR: %% Trustpoint %s is not configured for "
		    "enrollment terminal or url.", name);
		free(enr);
		return;
	}
	free(enr);
	if ((cert = paste_cert(a, "CA certificate")) == 0)
		return;
	fingerprint(a, cert);
	if (yesno(a, "Do you accept this certificate? [yes/no]: ") != 1) {
		emit(a, "%% Certificate not accepted.");
		return;
	}
	changing(a);
	fx_asa_tp_set_cert(a->lab, a->h.name, name, "ca", cert);
	lab_log(a->lab, "%s: trustpoint %s: CA certificate pasted and "
	    "accepted", a->h.name, name);
	lab_commit(a->lab);
	emit(a, "%s", "");
	emit(a, "Trustpoint CA certificate accepted.");
	emit(a, "%% Certificate successfully imported");
}

static void
enroll(struct asa *a, const char *name, int noconfirm)
{
	int64_t	 tp, cert;
	char	*enr, *fqdn, *sn, *why = NULL, pw[64], pw2[64];
	int	 r;

	if ((tp = trustpoint(a, name)) == 0)
		return;
	enr = lab_prop(a->lab, tp, "enrollment", NULL);
	fqdn = lab_prop(a->lab, tp, "fqdn", NULL);
	sn = lab_prop(a->lab, tp, "subject-name", NULL);
	if (enr == NULL) {
		emit(a, "ERROR: %% Trustpoint %s has no enrollment method "
		    "configured.", name);
		goto out;
	}
	if (strcmp(enr, "self") == 0) {
		if (fqdn == NULL || strcmp(fqdn, "none") == 0)
			emit(a, "%% The fully-qualified domain name will not be "
			    "included in the certificate");
		else
			emit(a, "%% The fully-qualified domain name in the "
			    "certificate will be: %s", fqdn);
		if (!noconfirm) {
			if ((r = yesno(a, "% Include the device serial number "
			    "in the subject name? [yes/no]: ")) < 0)
				goto out;
			if ((r = yesno(a, "Generate Self-Signed Certificate? "
			    "[yes/no]: ")) != 1)
				goto out;
		}
		changing(a);
		if (fx_asa_enroll_self(a->lab, a->h.name, name, &why) == 0) {
			lab_rollback(a->lab);
			emit(a, "%s", why ? why : "% Error");
		} else
			lab_commit(a->lab);
		goto out;
	}
	if (strncmp(enr, "url ", 4) == 0) {
		if (fx_asa_tp_cert(a->lab, a->h.name, name, "ca") == 0) {
			emit(a, "%% Error: trustpoint %s is not authenticated: "
			    "crypto ca authenticate %s first", name, name);
			goto out;
		}
		emit(a, "%%");
		emit(a, "%% Start certificate enrollment ..");
		emit(a, "%% Create a challenge password. You will need to "
		    "verbally provide this");
		emit(a, "%%   password to the CA Administrator in order to revoke "
		    "your certificate.");
		emit(a, "%%   For security reasons your password will not be "
		    "saved in the configuration.");
		emit(a, "%%   Please make a note of it.");
		emit(a, "%s", "");
		flush_out(a);
		if (!noconfirm) {
			term_raw(&a->t, "Password: ");
			if (term_secret(&a->t, pw, sizeof(pw), 1) < 0)
				goto out;
			term_raw(&a->t, "Re-enter password: ");
			if (term_secret(&a->t, pw2, sizeof(pw2), 1) < 0)
				goto out;
			r = strcmp(pw, pw2);
			wipe(pw, sizeof(pw));
			wipe(pw2, sizeof(pw2));
			if (r != 0) {
				emit(a, "%% Password mismatch. Enrollment "
				    "aborted.");
				goto out;
			}
		}
		emit(a, "%s", "");
		emit(a, "%% The subject name in the certificate will be: %s",
		    sn ? sn : fqdn ? fqdn : name);
		if (fqdn != NULL && strcmp(fqdn, "none") != 0)
			emit(a, "%% The fully-qualified domain name in the "
			    "certificate will be: %s", fqdn);
		if (!noconfirm) {
			if ((r = yesno(a, "% Include the device serial number "
			    "in the subject name? [yes/no]: ")) < 0)
				goto out;
			if ((r = yesno(a, "Request certificate from CA? "
			    "[yes/no]: ")) != 1)
				goto out;
		}
		emit(a, "%% Certificate request sent to Certificate Authority");
		changing(a);
		/* The key pair is made on the way when it does not exist. */
		{
			char	*kp = lab_prop(a->lab, tp, "keypair", NULL);

			if (kp != NULL && lab_obj_find(a->lab, a->h.name,
			    "Keypair", kp) == 0) {
				emit(a, "INFO: The name for the keys will be: %s",
				    kp);
				fx_asa_keypair(a->lab, a->h.name, kp, 2048);
			}
			free(kp);
		}
		cert = fx_asa_scep_enroll(a->lab, a->h.name, name, &why);
		if (cert == 0) {
			lab_rollback(a->lab);
			emit(a, "%s", why ? why : "% Error");
		} else {
			lab_commit(a->lab);
			emit(a, "The certificate has been granted by CA!");
		}
		goto out;
	}
	if (strcmp(enr, "terminal") == 0) {
		struct lab_certspec	 s;
		char			*csr, *subject;
		int64_t			 id, key;

		emit(a, "%% Start certificate enrollment ..");
		emit(a, "%s", "");
		emit(a, "%% The subject name in the certificate will be: %s",
		    sn ? sn : fqdn ? fqdn : name);
		if (!noconfirm) {
			if (yesno(a, "% Include the device serial number in the "
			    "subject name? [yes/no]: ") < 0)
				goto out;
			if (yesno(a, "Display Certificate Request to terminal? "
			    "[yes/no]: ") != 1)
				goto out;
		}
		changing(a);
		{
			char	*kp = lab_prop(a->lab, tp, "keypair", NULL);
			int64_t	 k = kp ? lab_obj_find(a->lab, a->h.name,
			    "Keypair", kp) : 0;

			if (k == 0)
				k = fx_asa_keypair(a->lab, a->h.name, kp ? kp :
				    "<Default-RSA-Key>", 2048);
			key = lab_prop_int(a->lab, k, "Key", 0);
			free(kp);
		}
		memset(&s, 0, sizeof(s));
		subject = xasprintf("CN=%s", fqdn && strcmp(fqdn, "none") ?
		    fqdn : name);
		s.subject = subject;
		s.ekus = "serverAuth clientAuth";
		csr = lab_csr_make(a->lab, key, &s, 0);
		id = lab_obj_ensure(a->lab, a->h.name, "AsaEnrollment", name);
		lab_sets(a->lab, id, "Csr", csr);
		lab_seti(a->lab, id, "Key", key);
		lab_log(a->lab, "%s: trustpoint %s: certificate request "
		    "displayed", a->h.name, name);
		lab_commit(a->lab);
		emit(a, "Certificate Request follows:");
		emit(a, "%s", "");
		{
			char	*p, *save;

			for (p = strtok_r(csr, "\n", &save); p != NULL;
			    p = strtok_r(NULL, "\n", &save))
				if (strncmp(p, "-----", 5) != 0)
					emit(a, "%s", p);
		}
		emit(a, "%s", "");
		emit(a, "---End - This line not part of the certificate "
		    "request---");
		emit(a, "%s", "");
		free(csr);
		free(subject);
		yesno(a, "Redisplay enrollment request? [yes/no]: ");
		goto out;
	}
	emit(a, "ERROR: %% Unsupported enrollment method for %s", name);
out:
	free(enr);
	free(fqdn);
	free(sn);
}

static void
import_cert(struct asa *a, const char *name)
{
	int64_t	 tp, cert;

	if ((tp = trustpoint(a, name)) == 0)
		return;
	emit(a, "%s", "");
	if ((cert = paste_cert(a, "certificate")) == 0)
		return;
	changing(a);
	fx_asa_tp_set_cert(a->lab, a->h.name, name, "id", cert);
	lab_log(a->lab, "%s: trustpoint %s: certificate imported", a->h.name,
	    name);
	lab_commit(a->lab);
	emit(a, "INFO: Certificate successfully imported");
}

static void
export_cert(struct asa *a, const char *name)
{
	int64_t		c;
	struct lab_cert	lc;
	char		*p, *save;

	if (trustpoint(a, name) == 0)
		return;
	if ((c = fx_asa_tp_cert(a->lab, a->h.name, name, "id")) == 0 ||
	    lab_cert_load(a->lab, c, &lc) != 0) {
		emit(a, "ERROR: %% No identity certificate for trustpoint %s",
		    name);
		return;
	}
	emit(a, "The PEM encoded identity certificate follows:");
	emit(a, "%s", "");
	for (p = strtok_r(lc.pem, "\n", &save); p != NULL;
	    p = strtok_r(NULL, "\n", &save))
		emit(a, "%s", p);
	emit(a, "%s", "");
	lab_cert_free(&lc);
}

static void
crypto(struct asa *a)
{
	const char	*name;

	if (KW(a, "ca", "key") != 0)
		return;
	if (is(a, "key")) {
		if (KW(a, "generate", "zeroize") != 0)
			return;
		if (is(a, "generate"))
			key_generate(a);
		else {
			const char	*label;

			if (KW(a, "rsa") != 0 || KW(a, "label") != 0)
				return;
			if ((label = arg(a)) == NULL) {
				incomplete(a);
				return;
			}
			changing(a);
			lab_obj_delete(a->lab, lab_obj_find(a->lab, a->h.name,
			    "Keypair", label));
			lab_log(a->lab, "%s: key pair %s zeroized", a->h.name,
			    label);
			lab_commit(a->lab);
		}
		return;
	}
	if (KW(a, "trustpoint", "enroll", "authenticate", "import", "export")
	    != 0)
		return;
	if ((name = arg(a)) == NULL) {
		incomplete(a);
		return;
	}
	if (!name_ok(name)) {
		invalid_at(a, a->ti - 1);
		return;
	}
	if (is(a, "trustpoint")) {
		if (end(a) != 0)
			return;
		changing(a);
		if (lab_obj_find(a->lab, a->h.name, "Trustpoint", name) == 0) {
			lab_obj_ensure(a->lab, a->h.name, "Trustpoint", name);
			lab_log(a->lab, "%s: trustpoint %s created", a->h.name,
			    name);
		}
		lab_commit(a->lab);
		snprintf(a->tp, sizeof(a->tp), "%s", name);
		a->mode = M_TP;
	} else if (is(a, "enroll")) {
		int	noconfirm = 0;

		if (a->ti < a->ntok && KW(a, "noconfirm") == 0)
			noconfirm = 1;
		if (end(a) == 0)
			enroll(a, name, noconfirm);
	} else if (is(a, "authenticate")) {
		if (end(a) == 0)
			authenticate(a, name);
	} else if (is(a, "import")) {
		if (KW(a, "certificate") == 0 && end(a) == 0)
			import_cert(a, name);
	} else if (is(a, "export")) {
		if (KW(a, "identity-certificate") == 0 && end(a) == 0)
			export_cert(a, name);
	}
}

/* (config-ca-trustpoint)# commands; 0 when the word is not one. */
static int
tp_command(struct asa *a)
{
	static const char *const words[] = { "enrollment", "fqdn",
	    "subject-name", "keypair", "client-types", "crl", "exit", "end",
	    "no", NULL };
	int64_t		 tp;
	const char	*v;
	size_t		 i, n = 0;
	char		 val[256];

	for (i = 0; words[i] != NULL; i++)
		if (strncasecmp(words[i], a->tok[0], strlen(a->tok[0])) == 0)
			n++;
	if (n == 0)
		return 0;
	if (kw(a, words) != 0)
		return 1;
	tp = lab_obj_find(a->lab, a->h.name, "Trustpoint", a->tp);
	if (is(a, "exit")) {
		a->mode = M_CONFIG;
		return 1;
	}
	if (is(a, "end")) {
		a->mode = M_PRIV;
		return 1;
	}
	if (is(a, "crl")) {
		KW(a, "configure");
		return 1;
	}
	if (is(a, "no")) {
		if (KW(a, "enrollment", "fqdn", "subject-name", "keypair",
		    "client-types") == 0) {
			changing(a);
			lab_unset(a->lab, tp, a->kw);
			lab_commit(a->lab);
		}
		return 1;
	}
	if (is(a, "enrollment")) {
		if (KW(a, "self", "terminal", "url", "retry") != 0)
			return 1;
		if (is(a, "url")) {
			if ((v = arg(a)) == NULL) {
				incomplete(a);
				return 1;
			}
			snprintf(val, sizeof(val), "url %s", v);
		} else
			snprintf(val, sizeof(val), "%s", a->kw);
		if (end(a) != 0)
			return 1;
		changing(a);
		lab_sets(a->lab, tp, "enrollment", val);
		lab_log(a->lab, "%s: trustpoint %s: enrollment %s", a->h.name,
		    a->tp, val);
		lab_commit(a->lab);
		return 1;
	}
	if (is(a, "client-types")) {
		struct buf	b;

		buf_init(&b);
		while (a->ti < a->ntok && !a->err) {
			if (KW(a, "ssl", "ipsec") != 0)
				break;
			buf_printf(&b, "%s%s", b.len ? " " : "", a->kw);
		}
		if (b.len == 0)
			incomplete(a);
		if (!a->err) {
			changing(a);
			lab_sets(a->lab, tp, "client-types", b.s);
			lab_log(a->lab, "%s: trustpoint %s: client-types %s",
			    a->h.name, a->tp, b.s);
			lab_commit(a->lab);
		}
		buf_free(&b);
		return 1;
	}
	/* fqdn, subject-name, keypair: one value (subject-name may hold
	 * commas, no spaces in the lab). */
	{
		char	key[64];

		snprintf(key, sizeof(key), "%s", a->kw);
		if ((v = arg(a)) == NULL) {
			incomplete(a);
			return 1;
		}
		if (end(a) != 0)
			return 1;
		changing(a);
		lab_sets(a->lab, tp, key, v);
		lab_log(a->lab, "%s: trustpoint %s: %s %s", a->h.name, a->tp,
		    key, v);
		/* "You may be issued a warning regarding VPN authentication
		 * here" (the guide, at fqdn). */
		if (strcmp(key, "fqdn") == 0 && strcmp(v, "none") != 0)
			emit(a, "WARNING: The fqdn is only used for VPN "
			    "authentication when the trustpoint is a remote "
			    "access identity.");
		lab_commit(a->lab);
	}
	return 1;
}

static void
config_command(struct asa *a)
{
	const char	*v;

	if (KW(a, "crypto", "hostname", "ntp", "end", "exit", "show",
	    "pager", "write", "no", "terminal") != 0)
		return;
	if (is(a, "end")) {
		a->mode = M_PRIV;
	} else if (is(a, "exit")) {
		a->mode = M_PRIV;
	} else if (is(a, "show")) {
		show(a, 1);
	} else if (is(a, "crypto")) {
		crypto(a);
	} else if (is(a, "pager")) {
		if (a->ti < a->ntok && strcasecmp(a->tok[a->ti], "lines") == 0)
			a->ti++;
		if ((v = arg(a)) != NULL && end(a) == 0)
			a->pager = atoi(v);
	} else if (is(a, "terminal")) {
		if (KW(a, "pager") == 0) {
			if (a->ti < a->ntok && strcasecmp(a->tok[a->ti],
			    "lines") == 0)
				a->ti++;
			if ((v = arg(a)) != NULL && end(a) == 0)
				a->pager = atoi(v);
		}
	} else if (is(a, "hostname")) {
		if ((v = arg(a)) != NULL && end(a) == 0) {
			changing(a);
			lab_sets(a->lab, lab_obj_ensure(a->lab, a->h.name, "Asa",
			    "system"), "Hostname", v);
			lab_commit(a->lab);
		} else if (v == NULL)
			incomplete(a);
	} else if (is(a, "ntp")) {
		if (KW(a, "server") == 0 && (v = arg(a)) != NULL) {
			int64_t	id;

			a->ti = a->ntok;
			changing(a);
			id = lab_obj_ensure(a->lab, a->h.name, "Ntp", "ntp");
			lab_sets(a->lab, id, "Server", v);
			lab_log(a->lab, "%s: ntp server %s", a->h.name, v);
			lab_commit(a->lab);
		} else if (!a->err)
			incomplete(a);
	} else if (is(a, "write")) {
		if (KW(a, "memory") == 0 && end(a) == 0) {
			emit(a, "Building configuration...");
			emit(a, "Cryptochecksum: 4f8b2a7c 1d9e3f60 a5c2b8e1 "
			    "7d04f39a ");
			emit(a, "%s", "");
			emit(a, "4521 bytes copied in 0.120 secs");
			emit(a, "[OK]");
		}
	} else if (is(a, "no")) {
		if (KW(a, "crypto") == 0 && KW(a, "ca") == 0 &&
		    KW(a, "trustpoint") == 0 && (v = arg(a)) != NULL &&
		    end(a) == 0) {
			int64_t	tp = trustpoint(a, v);

			if (tp != 0 && yesno(a, "WARNING: Removing an enrolled "
			    "trust-point will destroy all certificates\nreceived "
			    "from the related Certificate Authority.\n\nAre you "
			    "sure you want to do this? [yes/no]: ") == 1) {
				char	*store = xasprintf("tp:%s", v);

				changing(a);
				lab_obj_delete(a->lab, tp);
				lab_run(a->lab, lab_stmt(a->lab, "DELETE FROM "
				    "stores WHERE host = ? AND store = ?", "ss",
				    a->h.name, store));
				lab_log(a->lab, "%s: trustpoint %s removed",
				    a->h.name, v);
				lab_commit(a->lab);
				free(store);
			}
		}
	}
}

static int
enable(struct asa *a)
{
	char	 pw[128], *secret = sys(a, "EnableSecret");
	int	 try, ok = 0;

	for (try = 0; try < 3 && !ok; try++) {
		term_raw(&a->t, "Password: ");
		if (term_secret(&a->t, pw, sizeof(pw), 1) < 0) {
			free(secret);
			return -1;
		}
		ok = strcmp(pw, secret ? secret : "") == 0;
		wipe(pw, sizeof(pw));
		if (!ok && try < 2)
			term_put(&a->t, "Invalid password");
	}
	if (secret != NULL)
		wipe(secret, strlen(secret));
	free(secret);
	if (ok)
		a->mode = M_PRIV;
	else
		term_put(&a->t, "% Bad secrets");
	return 0;
}

static void
logoff(struct asa *a)
{
	term_put(&a->t, "");
	term_put(&a->t, "Logoff");
	term_put(&a->t, "");
	fflush(a->t.out);
}

/* One command line; 1 when the session ends. */
static int
run(struct asa *a, char *line)
{
	tokenize(a, line);
	if (a->ntok == 0)
		return 0;
	switch (a->mode) {
	case M_USER:
		if (KW(a, "enable", "exit", "logout", "quit", "show", "help") !=
		    0)
			break;
		if (is(a, "enable")) {
			if (end(a) == 0 && enable(a) < 0)
				return 1;
		} else if (is(a, "show"))
			show(a, 0);
		else if (is(a, "help"))
			emit(a, "Type help or '?' for a list of available "
			    "commands.");
		else if (end(a) == 0) {
			logoff(a);
			return 1;
		}
		break;
	case M_PRIV:
		if (KW(a, "configure", "disable", "enable", "exit", "logout",
		    "quit", "show", "terminal", "crypto", "write", "help") != 0)
			break;
		if (is(a, "configure")) {
			if (KW(a, "terminal") == 0 && end(a) == 0)
				a->mode = M_CONFIG;
		} else if (is(a, "disable")) {
			if (end(a) == 0)
				a->mode = M_USER;
		} else if (is(a, "enable")) {
			end(a);
		} else if (is(a, "show")) {
			show(a, 1);
		} else if (is(a, "terminal")) {
			const char	*v;

			if (KW(a, "pager") != 0)
				break;
			if (a->ti < a->ntok && strcasecmp(a->tok[a->ti],
			    "lines") == 0)
				a->ti++;
			if ((v = arg(a)) == NULL) {
				incomplete(a);
				break;
			}
			if (strspn(v, "0123456789") != strlen(v)) {
				invalid_at(a, a->ti - 1);
				break;
			}
			if (end(a) == 0)
				a->pager = atoi(v);
		} else if (is(a, "crypto")) {
			/* Exec mode has crypto ca export too. */
			crypto(a);
		} else if (is(a, "write")) {
			a->ti = 0;
			config_command(a);
		} else if (is(a, "help"))
			emit(a, "Type help or '?' for a list of available "
			    "commands.");
		else if (end(a) == 0) {
			logoff(a);
			return 1;
		}
		break;
	case M_CONFIG:
		config_command(a);
		break;
	case M_TP:
		if (!tp_command(a)) {
			/* A global configuration command leaves the
			 * sub-mode, as on the ASA. */
			a->mode = M_CONFIG;
			a->ti = 0;
			config_command(a);
		}
		break;
	}
	flush_out(a);
	return 0;
}

/* The fifth session is the last: the ASA refuses a sixth. */
static int
session_slot(struct asa *a, char **mine)
{
	char		*dir, path[512];
	DIR		*d;
	struct dirent	*e;
	int		 live = 0;

	*mine = NULL;
	dir = xasprintf("%s/run/asa-sessions-%s", a->lab->dir, a->h.name);
	mkdir(dir, 0700);
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (!isdigit((unsigned char)e->d_name[0]))
				continue;
			if (kill(atoi(e->d_name), 0) == 0 || errno == EPERM)
				live++;
			else {
				snprintf(path, sizeof(path), "%s/%s", dir,
				    e->d_name);
				unlink(path);
			}
		}
		closedir(d);
	}
	if (live >= 5) {
		free(dir);
		return -1;
	}
	*mine = xasprintf("%s/%d", dir, (int)getpid());
	free(dir);
	{
		FILE	*fp = fopen(*mine, "w");

		if (fp != NULL)
			fclose(fp);
	}
	return 0;
}

int
asa_main(struct lab *lab, const struct lab_host *h)
{
	struct asa	 a;
	char		 line[1024], *slot;
	char		*host;
	const char	*user = getenv("USER");

	memset(&a, 0, sizeof(a));
	a.lab = lab;
	a.h = *h;
	a.mode = M_USER;
	a.pager = 24;
	buf_init(&a.out);
	if (session_slot(&a, &slot) != 0)
		return 255;
	term_init(&a.t);
	host = sys(&a, "Hostname");
	term_putf(&a.t, "User %s logged in to %s", user ? user : "admin",
	    host ? host : h->name);
	free(host);
	term_put(&a.t, "Logins over the last 1 days: 1.  Last login: 10:16:02 "
	    "UTC Mar 14 2025 from 10.1.1.50");
	term_put(&a.t, "Failed logins since the last login: 0.  ");
	term_put(&a.t, "Type help or '?' for a list of available commands.");
	for (;;) {
		prompt(&a);
		if (term_line(&a.t, line, sizeof(line)) < 0)
			break;
		if (run(&a, line))
			break;
	}
	buf_free(&a.out);
	if (slot != NULL) {
		unlink(slot);
		free(slot);
	}
	return 0;
}
