/*
 * quote.c: operator values into device commands (quote.h).
 *
 * The value's type was checked when it was entered (vartype.c); this is the
 * second wall, written per device language so that it holds even if the
 * first one lets something through.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "answers.h"
#include "profile.h"
#include "quote.h"
#include "template.h"
#include "util.h"

static void
why_set(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
why_set(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/*
 * Text for an exec channel (sh, PowerShell): well-formed UTF-8 with no
 * control characters and no bidi controls. Quoting would keep them inert,
 * but a command is shown to the operator before it runs and kept in the
 * report: a newline, an escape or an RLO there would make what is read
 * differ from what runs. vartype.c refuses the same for every type.
 */
static int
text_ok(const struct profile *p, const char *v, char *why, size_t whylen)
{
	const unsigned char	*s = (const unsigned char *)v;
	const unsigned char	*end = s + strlen(v);
	uint32_t		 c = 0;
	int			 n;

	while (*s != '\0') {
		if ((n = utf8_next(s, (size_t)(end - s), &c)) < 0) {
			why_set(why, whylen, "is not valid UTF-8 (byte 0x%02x "
			    "at offset %zu): it cannot go safely to the %s",
			    *s, (size_t)(s - (const unsigned char *)v),
			    p->title);
			return -1;
		}
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
			why_set(why, whylen, "contains a control character "
			    "(U+%04X), which must not reach the %s",
			    (unsigned)c, p->title);
			return -1;
		}
		if ((c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
		    c == 0x200f || c == 0x061c) {
			why_set(why, whylen, "contains a bidirectional control "
			    "(U+%04X), which would make the command read "
			    "differently from what the %s runs", (unsigned)c,
			    p->title);
			return -1;
		}
		s += n;
	}
	return 0;
}

/* POSIX sh: inside '...' nothing is special but ' itself, which closes
 * the quotes, is written escaped, and reopens them. */
static void
quote_sh(const char *v, struct buf *b)
{
	buf_addc(b, '\'');
	for (; *v != '\0'; v++) {
		if (*v == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *v);
	}
	buf_addc(b, '\'');
}

/*
 * PowerShell: inside '...' a quote is written twice. PowerShell's tokenizer
 * takes the typographic single quotes U+2018..U+201B as quotes too (its
 * IsSingleQuote()), so a value with ’ would otherwise end the string.
 */
static void
quote_ps_body(const char *v, struct buf *b)
{
	const unsigned char	*s = (const unsigned char *)v;

	while (*s != '\0') {
		if (*s == '\'') {
			buf_adds(b, "''");
			s++;
		} else if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0x98 &&
		    s[2] <= 0x9b) {
			buf_add(b, (const char *)s, 3);
			buf_add(b, (const char *)s, 3);
			s += 3;
		} else
			buf_addc(b, (char)*s++);
	}
}

static void
quote_ps(const char *v, struct buf *b)
{
	buf_addc(b, '\'');
	quote_ps_body(v, b);
	buf_addc(b, '\'');
}

/* What the Cisco CLIs take as one plain token. */
static int
cisco_token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || strchr("._:@/=+-", c) != NULL;
}

/* One bad character of a Cisco token, in words. */
static void
cisco_refuse(const struct profile *p, const char *v, const char *at,
    char *why, size_t whylen)
{
	const char	*what, *because = "";
	char		 ch[32];

	switch (*at) {
	case ' ':
		what = "a space";
		because = ", which would split it into two words";
		break;
	case '\t':
		what = "a tab";
		because = ", which would split it into two words";
		break;
	case '?':
		what = "\"?\"";
		because = ", which the CLI takes as a request for help";
		break;
	case '|':
		what = "\"|\"";
		because = ", which the CLI takes as an output filter";
		break;
	default:
		if ((unsigned char)*at >= 0x80)
			snprintf(ch, sizeof(ch), "a non-ASCII character");
		else if ((unsigned char)*at < 0x20 || *at == 0x7f)
			snprintf(ch, sizeof(ch), "a control character "
			    "(0x%02x)", (unsigned char)*at);
		else
			snprintf(ch, sizeof(ch), "\"%c\"", *at);
		what = ch;
		break;
	}
	why_set(why, whylen, "contains %s at offset %zu%s; the %s has no "
	    "quoting, so a value there must be one word of letters, digits "
	    "and . _ : @ / = + -", what, (size_t)(at - v), because, p->title);
}

int
quote_value(const struct profile *p, const char *v, struct buf *b, char *why,
    size_t whylen)
{
	const char	*s;

	if (p == NULL || v == NULL) {
		why_set(why, whylen, "has no device profile to quote it for");
		return -1;
	}
	switch (p->id) {
	case PROF_LINUX:
		if (text_ok(p, v, why, whylen) == -1)
			return -1;
		quote_sh(v, b);
		return 0;
	case PROF_WINDOWS:
		if (text_ok(p, v, why, whylen) == -1)
			return -1;
		quote_ps(v, b);
		return 0;
	case PROF_CISCO_VOS:
	case PROF_CISCO_ASA:
		if (*v == '\0') {
			why_set(why, whylen, "is empty, and the %s has no "
			    "quoting to pass an empty word", p->title);
			return -1;
		}
		for (s = v; *s != '\0'; s++)
			if (!cisco_token_char(*s)) {
				cisco_refuse(p, v, s, why, whylen);
				return -1;
			}
		buf_adds(b, v);
		return 0;
	case PROF_NONE:
		break;
	}
	why_set(why, whylen, "cannot go into a command: profile %s runs no "
	    "commands", p->name);
	return -1;
}

/*
 * The reference "${name}" that starts at s, if well-formed: its length and
 * *name (malloc'd). template.c's own grammar decides, through
 * tmpl_is_single, so the two can never disagree on what a reference is.
 */
static size_t
ref_at(const char *s, char **name)
{
	const char	*close;
	char		*cand;
	size_t		 n;
	int		 ok;

	if (s[0] != '$' || s[1] != '{' || (close = strchr(s, '}')) == NULL)
		return 0;
	n = (size_t)(close - s) + 1;
	cand = xstrndup(s, n);
	ok = tmpl_is_single(cand, name);
	free(cand);
	return ok ? n : 0;
}

/*
 * Walk template s as tmpl_expand does ("$${" is a literal "${", a malformed
 * reference is literal text) and call fn for each reference. fn appends
 * the value; -1 from it is remembered and the walk goes on, so every bad
 * variable is reported at once.
 */
static int
expand(const char *s, struct buf *b,
    int (*fn)(void *, const char *, struct buf *), void *ctx)
{
	const char	*q;
	char		*name;
	size_t		 n;
	int		 rc = 0;

	while ((q = strchr(s, '$')) != NULL) {
		buf_add(b, s, (size_t)(q - s));
		if (q[1] == '$' && q[2] == '{') {
			buf_adds(b, "${");
			s = q + 3;
		} else if ((n = ref_at(q, &name)) > 0) {
			if (fn(ctx, name, b) == -1)
				rc = -1;
			free(name);
			s = q + n;
		} else {
			buf_addc(b, '$');
			s = q + 1;
		}
	}
	buf_adds(b, s);
	return rc;
}

struct cmd_ctx {
	const struct profile	*p;
	struct scope		*sc;
	struct diags		*d;
};

static int
cmd_ref(void *arg, const char *name, struct buf *b)
{
	struct cmd_ctx	*c = arg;
	const char	*v;
	char		 why[512];

	if ((v = scope_lookup(c->sc, name)) == NULL) {
		diags_add(c->d, NULL, 0, 0, "${%s} has no value: answer it "
		    "before a command runs on %s", name, c->p->title);
		return -1;
	}
	if (quote_value(c->p, v, b, why, sizeof(why)) == -1) {
		diags_add(c->d, NULL, 0, 0, "${%s}: the value %s", name, why);
		return -1;
	}
	return 0;
}

/* PowerShell ends an argument at these (outside quotes). */
static int
ps_sep(char c)
{
	return c == '\0' || strchr(" \t,;(){}|", c) != NULL;
}

/* Append n bytes of v escaped for the inside of a PowerShell
 * single-quoted string. */
static void
ps_inside(const char *v, size_t n, struct buf *b)
{
	char	*t = xstrndup(v, n);

	quote_ps_body(t, b);
	free(t);
}

/* "$${...}": a literal "${...}" (its braces are not PowerShell's);
 * its length, or 0. */
static size_t
escaped_ref(const char *s)
{
	const char	*close;

	if (s[0] != '$' || s[1] != '$' || s[2] != '{')
		return 0;
	close = strchr(s + 3, '}');
	return close != NULL && strcspn(s + 3, " \t") > (size_t)(close -
	    s - 3) ? (size_t)(close - s) + 1 : 3;
}

/*
 * Windows: a value glued to text in one argument ("${imp_fqdn}/urn:
 * application:rcc") must be quoted with its text as one string: PowerShell
 * reads 'a'/b as two arguments, 'a' and /b. So each word holding a
 * reference and other text becomes one single-quoted string; a word that
 * is just a reference is quoted alone; other text is left as written.
 */
static int
expand_ps(const char *s, struct buf *b, struct cmd_ctx *c)
{
	const char	*w, *q, *v;
	char		*name, why[512];
	size_t		 n;
	int		 refs, text, rc = 0;

	while (*s != '\0') {
		if (ps_sep(*s)) {
			buf_addc(b, *s++);
			continue;
		}
		/* One word: count its references and its other text. */
		refs = text = 0;
		for (w = s; !ps_sep(*w); ) {
			if ((n = escaped_ref(w)) > 0) {
				text = 1;
				w += n;
			} else if ((n = ref_at(w, &name)) > 0) {
				refs++;
				free(name);
				w += n;
			} else {
				text = 1;
				w++;
			}
		}
		if (refs == 0 || !text) {
			n = (size_t)(w - s);
			name = xstrndup(s, n);
			if (expand(name, b, cmd_ref, c) == -1)
				rc = -1;
			free(name);
			s = w;
			continue;
		}
		buf_addc(b, '\'');
		for (q = s; q < w; ) {
			if ((n = escaped_ref(q)) > 0) {
				buf_adds(b, "${");
				ps_inside(q + 3, n - 3, b);
				q += n;
			} else if ((n = ref_at(q, &name)) > 0) {
				if ((v = scope_lookup(c->sc, name)) == NULL) {
					diags_add(c->d, NULL, 0, 0, "${%s} has no "
					    "value: answer it before a command "
					    "runs on %s", name, c->p->title);
					rc = -1;
				} else if (text_ok(c->p, v, why,
				    sizeof(why)) == -1) {
					diags_add(c->d, NULL, 0, 0, "${%s}: the "
					    "value %s", name, why);
					rc = -1;
				} else
					ps_inside(v, strlen(v), b);
				free(name);
				q += n;
			} else {
				/* a run of text, whole (a typographic quote
				 * is three bytes) */
				for (n = 1; q + n < w && q[n] != '$'; n++)
					;
				ps_inside(q, n, b);
				q += n;
			}
		}
		buf_addc(b, '\'');
		s = w;
	}
	return rc;
}

int
quote_command(const struct profile *p, const char *tmpl, struct scope *sc,
    char **out, struct diags *d)
{
	struct cmd_ctx	 c = { p, sc, d };
	struct buf	 b;
	const char	*why = NULL;
	size_t		 bad = 0;

	if (tmpl_scan(tmpl, NULL, NULL, &bad, &why) == -1) {
		diags_add(d, NULL, 0, 0, "command template, offset %zu: %s",
		    bad, why);
		return -1;
	}
	if (p == NULL || p->id == PROF_NONE) {
		diags_add(d, NULL, 0, 0, "no command can run on %s",
		    p != NULL ? p->title : "a host without a device profile");
		return -1;
	}
	buf_init(&b);
	if ((p->id == PROF_WINDOWS ? expand_ps(tmpl, &b, &c) :
	    expand(tmpl, &b, cmd_ref, &c)) == -1) {
		buf_free(&b);
		return -1;
	}
	*out = buf_steal(&b);
	return 0;
}

/*
 * POSIX ERE: the specials . [ \ ( ) * + ? { | ^ $ are literal after a
 * backslash. ']' and '}' are ordinary outside a bracket or a bound, but
 * POSIX leaves "\]" and "\}" undefined, so they go in a bracket, which
 * every ERE reads the same way.
 */
void
quote_regex(const char *v, struct buf *b)
{
	for (; *v != '\0'; v++) {
		if (*v == ']')
			buf_adds(b, "[]]");
		else if (*v == '}')
			buf_adds(b, "[}]");
		else {
			if (strchr(".[\\()*+?{|^$", *v) != NULL)
				buf_addc(b, '\\');
			buf_addc(b, *v);
		}
	}
}

static int
regex_ref(void *arg, const char *name, struct buf *b)
{
	const char	*v = scope_lookup(arg, name);
	char		*shown;

	if (v != NULL)
		quote_regex(v, b);
	else {
		/* as tmpl_expand shows it: "<name>", matched literally */
		shown = xasprintf("<%s>", name);
		quote_regex(shown, b);
		free(shown);
	}
	return 0;
}

char *
quote_regex_template(const char *tmpl, struct scope *sc)
{
	struct buf	b;

	buf_init(&b);
	expand(tmpl, &b, regex_ref, sc);
	return buf_steal(&b);
}

/* s as UTF-16LE, no BOM; ill-formed UTF-8 becomes U+FFFD. */
static void
utf16le(const char *s, struct buf *b)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + strlen(s);
	uint32_t		 c = 0;
	int			 n;
	char			 u[4];

	while (*p != '\0') {
		if ((n = utf8_next(p, (size_t)(end - p), &c)) < 0) {
			c = 0xfffd;
			n = -n;		/* the bytes that make no character */
		}
		p += n;
		if (c >= 0x10000) {
			c -= 0x10000;
			u[0] = (char)((0xd800 | (c >> 10)) & 0xff);
			u[1] = (char)((0xd800 | (c >> 10)) >> 8);
			u[2] = (char)((0xdc00 | (c & 0x3ff)) & 0xff);
			u[3] = (char)((0xdc00 | (c & 0x3ff)) >> 8);
			buf_add(b, u, 4);
		} else {
			u[0] = (char)(c & 0xff);
			u[1] = (char)(c >> 8);
			buf_add(b, u, 2);
		}
	}
}

char *
quote_powershell(const char *cmd, const char *module, int list)
{
	struct buf	 script, u16;
	char		*out;
	size_t		 pre;
	int		 n;

	buf_init(&script);
	if (module != NULL)
		buf_printf(&script, "Import-Module %s; ", module);
	buf_adds(&script, cmd);
	if (list)
		buf_adds(&script, " | Format-List *");
	buf_init(&u16);
	if (script.s != NULL)
		utf16le(script.s, &u16);
	buf_free(&script);

	pre = strlen("powershell -NoProfile -NonInteractive -EncodedCommand ");
	out = xmalloc(pre + 4 * ((u16.len + 2) / 3) + 1);
	memcpy(out, "powershell -NoProfile -NonInteractive -EncodedCommand ",
	    pre);
	n = EVP_EncodeBlock((unsigned char *)out + pre,
	    (const unsigned char *)(u16.s != NULL ? u16.s : ""), (int)u16.len);
	out[pre + (size_t)n] = '\0';
	buf_free(&u16);
	return out;
}
