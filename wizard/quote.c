/*
 * quote.c: operator values into device commands (quote.h).
 *
 * The value's type was checked when it was entered (vartype.c); this is the
 * second wall, written per device language so that it holds even if the
 * first one lets something through.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	/* The second wall: a host's profile may differ from its role's, so
	 * the template is judged again for the language it goes to. */
	if (quote_template_check(p, tmpl, &bad, &why) == -1) {
		diags_add(d, NULL, 0, 0, "command template, offset %zu: a "
		    "reference stands where no quoting can keep its value "
		    "from changing the %s command: %s", bad, p->title, why);
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
	/* Redirected, PowerShell formats for the host's width (120, or
	 * the console's) and wraps a longer value onto the next lines, so
	 * a calculated line with a long FQDN would split under a regex:
	 * Out-String -Width takes the width from the host. */
	if (list)
		buf_adds(&script, " | Format-List * | Out-String -Width 4096");
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

/*
 * Where a reference stands (quote_template_check). A value quoted by
 * quote_value is one literal word only where the language reads a word:
 * inside a string it is text of that string (sh runs $(...) inside "...";
 * PowerShell too), after an escape its opening quote is taken literally,
 * and a program that runs its arguments as code (eval, sh -c,
 * Invoke-Expression) runs the value whatever the quoting. So each language
 * gets a small lexer that follows quotes, substitutions and comments the
 * way the shell reads the template's own text, and says where each
 * reference lands.
 */

#define LEX_DEPTH	32

struct lex {
	const char	*s;
	size_t		 i;
	size_t		 bad;		/* offset of the refused reference */
	const char	*why;
};

/* A reference "${name}" at s+i (not the literal "$${"): its length. */
static size_t
lex_ref(const char *s, size_t i)
{
	char	*name;
	size_t	 n;

	if (s[i] != '$' || s[i + 1] != '{')
		return 0;
	if ((n = ref_at(s + i, &name)) > 0)
		free(name);
	return n;
}

static int
lex_refuse(struct lex *x, size_t at, const char *why)
{
	x->bad = at;
	x->why = why;
	return -1;
}

/* Refuse the first reference in s[from, to), if any. */
static int
lex_no_ref(struct lex *x, size_t from, size_t to, const char *why)
{
	size_t	i;

	for (i = from; i < to && x->s[i] != '\0'; i++) {
		if (x->s[i] == '$' && x->s[i + 1] == '$' && x->s[i + 2] == '{') {
			i += 2;
			continue;
		}
		if (lex_ref(x->s, i) > 0)
			return lex_refuse(x, i, why);
	}
	return 0;
}

/* The end of "${...}" (literal in the template, a parameter expansion or
 * braced variable for the shell) whose "{" is at s[i]: after its "}". */
static size_t
lex_braces(const char *s, size_t i)
{
	int	depth = 0;

	for (; s[i] != '\0'; i++) {
		if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth == 0)
			return i + 1;
	}
	return i;
}

/* The word (as the shell splits at blanks) starting at s[i], for matching
 * program names: its last path component, at most len-1 bytes. */
static void
lex_word(const char *s, size_t from, size_t to, char *out, size_t len)
{
	const char	*slash;
	size_t		 n;

	n = to - from;
	if ((slash = memrchr(s + from, '/', n)) != NULL) {
		n -= (size_t)(slash + 1 - (s + from));
		from = (size_t)(slash + 1 - s);
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, s + from, n);
	out[n] = '\0';
}

static int
word_in(const char *w, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(w, *list) == 0)
			return 1;
	return 0;
}

/* POSIX sh (and what bash adds that a login shell would read). */

enum sh_ctx { SH_CMD, SH_DQ, SH_BQ, SH_ARITH, SH_DBRACK };

struct sh_level {
	enum sh_ctx	 ctx;
	int		 parens;	/* SH_ARITH: "(" still open */
	int		 group;		/* SH_CMD: closed by ")" */
	/* SH_CMD: the simple command being read */
	int		 words;		/* words so far, assignments aside */
	int		 runner;	/* eval, ssh, watch among them */
	int		 shell;		/* a shell or su among them */
	int		 in_word;
	int		 redirect;	/* the next word is a redirection's */
	size_t		 word;		/* where the current word started */
	char		 prev[16];	/* the last word */
};

static const char *const sh_runners[] = { "eval", "ssh", "watch", NULL };
static const char *const sh_shells[] = { "sh", "bash", "dash", "ksh", "zsh",
    "ash", "mksh", "busybox", "su", "script", NULL };

/* "-c", "-lc", "-ec": an option word that hands the next word to -c. */
static int
sh_dash_c(const char *w)
{
	if (w[0] != '-' || w[1] == '-' || w[1] == '\0')
		return 0;
	for (w++; *w != '\0'; w++)
		if (*w == 'c')
			return 1;
	return 0;
}

/* NAME=...: an assignment before the command, not its name. */
static int
sh_assignment(const char *s, size_t from, size_t to)
{
	size_t	i = from;

	if (!(isalpha((unsigned char)s[i]) || s[i] == '_'))
		return 0;
	while (i < to && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	return i < to && s[i] == '=';
}

static void
sh_word_end(const char *s, struct sh_level *l, size_t end)
{
	char	w[16];

	if (!l->in_word)
		return;
	l->in_word = 0;
	if (l->redirect) {
		l->redirect = 0;
		return;
	}
	if (l->words == 0 && sh_assignment(s, l->word, end))
		return;
	lex_word(s, l->word, end, w, sizeof(w));
	if (word_in(w, sh_runners))
		l->runner = 1;
	if (word_in(w, sh_shells))
		l->shell = 1;
	memcpy(l->prev, w, sizeof(w));
	l->words++;
}

static void
sh_command_end(const char *s, struct sh_level *l, size_t end)
{
	sh_word_end(s, l, end);
	l->words = l->runner = l->shell = l->redirect = 0;
	l->prev[0] = '\0';
}

static void
sh_word_start(struct sh_level *l, size_t i)
{
	if (!l->in_word) {
		l->in_word = 1;
		l->word = i;
	}
}

/* A reference in command context: where in the command it stands. */
static int
sh_cmd_ref(struct lex *x, struct sh_level *l, size_t i)
{
	if (l->redirect && !l->in_word)
		return 0;
	if (l->words == 0 && !(l->in_word && sh_assignment(x->s, l->word, i)))
		return lex_refuse(x, i, "it would be the command's name, so "
		    "the answer would choose the program that runs");
	if (l->runner)
		return lex_refuse(x, i, "the command runs its arguments as "
		    "shell code (eval, ssh, watch), quoted or not");
	if (l->shell && !l->in_word && sh_dash_c(l->prev))
		return lex_refuse(x, i, "it is the script of a shell's -c, "
		    "which runs it as code; pass it as an argument after the "
		    "script instead (sh -c '...' sh ${value})");
	return 0;
}

/*
 * The here-document whose "<<" is at s[i]: refuse a reference as its
 * delimiter, and note the delimiter to skip its body at the next newline.
 */
static size_t
sh_heredoc_start(struct lex *x, size_t i, char *delim, size_t dlen,
    int *strip, int *bad)
{
	const char	*s = x->s;
	size_t		 n = 0;

	i += 2;
	*strip = s[i] == '-';
	if (*strip)
		i++;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	for (; s[i] != '\0' && strchr(" \t\n;&|<>()", s[i]) == NULL; i++) {
		if (lex_ref(s, i) > 0) {
			*bad = lex_refuse(x, i, "it would be a here-document's "
			    "delimiter");
			return i;
		}
		if (strchr("'\"\\", s[i]) == NULL && n + 1 < dlen)
			delim[n++] = s[i];
	}
	delim[n] = '\0';
	return i;
}

/* A here-document's body, from the line after its "<<": no reference may
 * stand in it (its text is expanded like "..."). Returns the index after
 * its delimiter line. */
static size_t
sh_heredoc_body(struct lex *x, size_t i, const char *delim, int strip,
    int *bad)
{
	const char	*s = x->s, *eol;
	size_t		 line, n, dl = strlen(delim);

	while (s[i] != '\0') {
		line = i;
		eol = strchr(s + i, '\n');
		n = eol != NULL ? (size_t)(eol - s) - i : strlen(s + i);
		if (strip)
			while (n > 0 && s[line] == '\t') {
				line++;
				n--;
			}
		if (n == dl && strncmp(s + line, delim, dl) == 0)
			return line + n;
		if (lex_no_ref(x, line, line + n, "it would be inside a "
		    "here-document, whose text the shell expands like "
		    "\"...\"") == -1) {
			*bad = -1;
			return i;
		}
		i = line + n + (eol != NULL);
	}
	return i;
}

static int
lex_sh(struct lex *x)
{
	struct sh_level	 st[LEX_DEPTH], *l;
	const char	*s = x->s;
	char		 delim[64] = "";
	size_t		 i = 0, n;
	int		 d = 0, strip = 0, pending = 0, bad = 0;

	memset(st, 0, sizeof(st));
	l = &st[0];
#define PUSH(c) do {							\
	if (d + 1 >= LEX_DEPTH)						\
		return lex_refuse(x, i, "it is nested too deep to "	\
		    "follow");						\
	l = &st[++d];							\
	memset(l, 0, sizeof(*l));					\
	l->ctx = (c);							\
} while (0)
#define POP() do {							\
	if (d > 0)							\
		l = &st[--d];						\
} while (0)

	while (s[i] != '\0') {
		if (s[i] == '$' && s[i + 1] == '$' && s[i + 2] == '{') {
			/* a literal "${": the shell's own expansion */
			if (l->ctx == SH_CMD)
				sh_word_start(l, i);
			n = lex_braces(s, i + 2);
			if (lex_no_ref(x, i + 3, n, "it would be inside a "
			    "${...} expansion") == -1)
				return -1;
			i = n;
			continue;
		}
		if ((n = lex_ref(s, i)) > 0) {
			switch (l->ctx) {
			case SH_CMD:
				if (sh_cmd_ref(x, l, i) == -1)
					return -1;
				sh_word_start(l, i);
				break;
			case SH_DQ:
				return lex_refuse(x, i, "it would be inside a "
				    "double-quoted string, where the shell "
				    "runs $(...) and `...` of the value; "
				    "write it outside the quotes");
			case SH_BQ:
				return lex_refuse(x, i, "it would be inside "
				    "`...`, which ends at the value's own "
				    "backquote; use $(...)");
			case SH_ARITH:
				return lex_refuse(x, i, "it would be in "
				    "arithmetic, which evaluates the value as "
				    "an expression");
			case SH_DBRACK:
				return lex_refuse(x, i, "it would be inside "
				    "[[ ... ]], where bash evaluates the "
				    "operands of -eq and the like as "
				    "arithmetic; use [ ... ]");
			}
			i += n;
			continue;
		}
		switch (l->ctx) {
		case SH_DQ:
			if (s[i] == '"')
				POP();
			else if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
			else if (s[i] == '`')
				PUSH(SH_BQ);
			else if (s[i] == '$' && s[i + 1] == '(' &&
			    s[i + 2] == '(') {
				PUSH(SH_ARITH);
				l->parens = 2;
				i += 2;
			} else if (s[i] == '$' && s[i + 1] == '(') {
				PUSH(SH_CMD);
				l->group = 1;
				i++;
			}
			i++;
			continue;
		case SH_BQ:
			if (s[i] == '`')
				POP();
			else if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
			i++;
			continue;
		case SH_ARITH:
			if (s[i] == '(')
				l->parens++;
			else if (s[i] == ')' && --l->parens == 0)
				POP();
			i++;
			continue;
		case SH_DBRACK:
			if (s[i] == ']' && s[i + 1] == ']') {
				POP();
				i++;
			}
			i++;
			continue;
		case SH_CMD:
			break;
		}
		/* Command context. */
		switch (s[i]) {
		case ' ':
		case '\t':
			sh_word_end(s, l, i);
			break;
		case '\n':
			sh_command_end(s, l, i);
			if (pending) {
				i = sh_heredoc_body(x, i + 1, delim, strip,
				    &bad);
				if (bad)
					return -1;
				pending = 0;
				continue;
			}
			break;
		case ';':
		case '&':
		case '|':
			sh_command_end(s, l, i);
			break;
		case '<':
		case '>':
			sh_word_end(s, l, i);
			if (s[i] == '<' && s[i + 1] == '<' && s[i + 2] != '<') {
				i = sh_heredoc_start(x, i, delim,
				    sizeof(delim), &strip, &bad);
				if (bad)
					return -1;
				pending = 1;
				continue;
			}
			while (s[i + 1] == '<' || s[i + 1] == '>' ||
			    s[i + 1] == '&' || s[i + 1] == '|')
				i++;
			l->redirect = 1;
			break;
		case '(':
			sh_word_end(s, l, i);
			if (s[i + 1] == '(') {
				PUSH(SH_ARITH);
				l->parens = 2;
				i++;
			} else {
				PUSH(SH_CMD);
				l->group = 1;
			}
			break;
		case ')':
			sh_command_end(s, l, i);
			if (l->group)
				POP();
			break;
		case '\'':
			sh_word_start(l, i);
			n = i + 1;
			while (s[n] != '\0' && s[n] != '\'')
				n++;
			if (lex_no_ref(x, i + 1, n, "it would be inside a "
			    "single-quoted string, which the value's quoting "
			    "would end; write it outside the quotes") == -1)
				return -1;
			i = s[n] != '\0' ? n : n - 1;
			break;
		case '"':
			sh_word_start(l, i);
			PUSH(SH_DQ);
			break;
		case '`':
			sh_word_start(l, i);
			PUSH(SH_BQ);
			break;
		case '\\':
			sh_word_start(l, i);
			if (lex_ref(s, i + 1) > 0)
				return lex_refuse(x, i + 1, "it would follow a "
				    "backslash, which makes the value's "
				    "opening quote a literal character");
			if (s[i + 1] != '\0')
				i++;
			break;
		case '#':
			if (!l->in_word) {
				/* a comment: to the end of the line */
				while (s[i + 1] != '\0' && s[i + 1] != '\n')
					i++;
				break;
			}
			sh_word_start(l, i);
			break;
		case '$':
			sh_word_start(l, i);
			if (s[i + 1] == '(' && s[i + 2] == '(') {
				PUSH(SH_ARITH);
				l->parens = 2;
				i += 2;
			} else if (s[i + 1] == '(') {
				PUSH(SH_CMD);
				l->group = 1;
				i++;
			} else if (s[i + 1] == '\'') {
				/* $'...': backslash escapes inside */
				n = i + 2;
				while (s[n] != '\0' && s[n] != '\'')
					n += s[n] == '\\' && s[n + 1] != '\0' ?
					    2 : 1;
				if (lex_no_ref(x, i + 2, n, "it would be "
				    "inside a $'...' string") == -1)
					return -1;
				i = s[n] != '\0' ? n : n - 1;
			} else if (s[i + 1] == '"') {
				PUSH(SH_DQ);
				i++;
			} else if (s[i + 1] == '{') {
				/* not one of ours (malformed): the shell's */
				n = lex_braces(s, i + 1);
				i = n - 1;
			}
			break;
		case '[':
			if (!l->in_word && s[i + 1] == '[' &&
			    (s[i + 2] == ' ' || s[i + 2] == '\t')) {
				PUSH(SH_DBRACK);
				i++;
				break;
			}
			sh_word_start(l, i);
			break;
		default:
			sh_word_start(l, i);
			break;
		}
		i++;
	}
#undef PUSH
#undef POP
	return 0;
}

/* PowerShell. */

enum ps_ctx { PS_CMD, PS_DQ };

struct ps_level {
	enum ps_ctx	 ctx;
	char		 closer;	/* PS_CMD: ")" or "}" ends it */
	int		 cmdpos;	/* the next word starts a command */
	int		 callop;	/* after "&" or ".": the next word
					   names the command to run */
	int		 runner;	/* the command runs its arguments */
	int		 in_word;
};

static const char *const ps_runners[] = { "invoke-expression", "iex", "cmd",
    "cmd.exe", "powershell", "powershell.exe", "pwsh", "pwsh.exe", "ssh",
    "ssh.exe", "start-process", "saps", "start", "wsl", "wsl.exe", "bash",
    "sh", NULL };

/*
 * PowerShell's quote characters: 1 single (' and U+2018..U+201B), 2
 * double (" and U+201C..U+201E), 0 none; *len its bytes.
 */
static int
ps_quote(const char *s, size_t *len)
{
	const unsigned char	*u = (const unsigned char *)s;

	*len = 1;
	if (*u == '\'')
		return 1;
	if (*u == '"')
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x80) {
		*len = 3;
		if (u[2] >= 0x98 && u[2] <= 0x9b)
			return 1;
		if (u[2] >= 0x9c && u[2] <= 0x9e)
			return 2;
	}
	*len = 1;
	return 0;
}

/* A code point's length at s (at least 1), to step over an escaped one. */
static size_t
cp_len(const char *s)
{
	uint32_t	c;
	int		n;

	if (*s == '\0')
		return 0;
	n = utf8_next((const unsigned char *)s, strlen(s), &c);
	return n > 0 ? (size_t)n : 1;
}

/*
 * A reference in command context. expand_ps quotes the whole word that
 * holds it, as one single-quoted string with its text; a quote or a
 * backtick in that word would be read by PowerShell as the template's
 * author meant it, not as the literal text it becomes, so it is refused.
 */
static int
ps_cmd_ref(struct lex *x, struct ps_level *l, size_t i)
{
	const char	*s = x->s;
	size_t		 a = 0, b = 0, q, n;

	/* The word as expand_ps splits them (a reference's braces are not
	 * separators there). */
	for (;;) {
		while (s[b] != '\0' && ps_sep(s[b]))
			b++;
		for (a = b; !ps_sep(s[b]); )
			if ((n = escaped_ref(s + b)) > 0 ||
			    (n = lex_ref(s, b)) > 0)
				b += n;
			else
				b++;
		if (b > i || s[b] == '\0')
			break;
	}
	for (; a < b; a++)
		if (s[a] == '`' || ps_quote(s + a, &q) != 0)
			return lex_refuse(x, i, "it shares a word with a quote "
			    "or a backtick, which PowerShell would read "
			    "around the value; make the reference a word of "
			    "its own, or glue it only to plain text");
	/* A quoted string where a command starts is only a string; after
	 * "&" or "." it names what runs. */
	if (l->callop)
		return lex_refuse(x, i, "it would name the command that the "
		    "call operator (& or .) runs, so the answer would choose "
		    "what runs");
	if (l->runner)
		return lex_refuse(x, i, "the command runs its arguments as "
		    "code (Invoke-Expression, cmd, powershell, ssh, "
		    "Start-Process...), quoted or not");
	return 0;
}

static void
ps_word_end(const char *s, struct ps_level *l, size_t from, size_t to)
{
	char	w[24];

	if (!l->in_word)
		return;
	l->in_word = 0;
	if (!l->cmdpos)
		return;
	lex_word(s, from, to, w, sizeof(w));
	/* "& cmd" and ". script": the name comes next */
	if (strcmp(w, "&") == 0 || strcmp(w, ".") == 0) {
		l->callop = 1;
		return;
	}
	l->cmdpos = l->callop = 0;
	if (word_in(w, ps_runners))
		l->runner = 1;
}

static int
lex_ps(struct lex *x)
{
	struct ps_level	 st[LEX_DEPTH], *l;
	const char	*s = x->s, *e;
	size_t		 i = 0, n, q, word = 0;
	int		 d = 0, k;

	memset(st, 0, sizeof(st));
	l = &st[0];
	l->cmdpos = 1;
#define PUSH(c, close) do {						\
	if (d + 1 >= LEX_DEPTH)						\
		return lex_refuse(x, i, "it is nested too deep to "	\
		    "follow");						\
	l = &st[++d];							\
	memset(l, 0, sizeof(*l));					\
	l->ctx = (c);							\
	l->closer = (close);						\
	l->cmdpos = 1;							\
} while (0)
#define POP() do {							\
	if (d > 0)							\
		l = &st[--d];						\
} while (0)

	while (s[i] != '\0') {
		if (s[i] == '$' && s[i + 1] == '$' && s[i + 2] == '{') {
			/* a literal "${": PowerShell's ${braced} variable */
			if (l->ctx == PS_CMD && !l->in_word) {
				l->in_word = 1;
				word = i;
			}
			n = lex_braces(s, i + 2);
			if (lex_no_ref(x, i + 3, n, "it would be inside a "
			    "${...} variable name") == -1)
				return -1;
			i = n;
			continue;
		}
		if ((n = lex_ref(s, i)) > 0) {
			if (l->ctx == PS_DQ)
				return lex_refuse(x, i, "it would be inside a "
				    "double-quoted string, where PowerShell "
				    "runs $(...) of the value; write it "
				    "outside the quotes");
			if (ps_cmd_ref(x, l, i) == -1)
				return -1;
			if (!l->in_word) {
				l->in_word = 1;
				word = i;
			}
			i += n;
			continue;
		}
		k = ps_quote(s + i, &q);
		if (l->ctx == PS_DQ) {
			if (k == 2) {
				if (ps_quote(s + i + q, &n) == 2)
					i += q + n;	/* "" inside "..." */
				else {
					POP();
					i += q;
				}
				continue;
			}
			if (s[i] == '`' && s[i + 1] != '\0')
				i += 1 + cp_len(s + i + 1);
			else if (s[i] == '$' && s[i + 1] == '(') {
				PUSH(PS_CMD, ')');
				i += 2;
			} else
				i++;
			continue;
		}
		/* Command context. */
		if (k == 1) {
			/* '...': a doubled quote is one quote */
			if (!l->in_word) {
				l->in_word = 1;
				word = i;
			}
			n = i + q;
			while (s[n] != '\0') {
				if (ps_quote(s + n, &q) == 1) {
					if (ps_quote(s + n + q, &q) == 1) {
						n += 2 * q;
						continue;
					}
					break;
				}
				n++;
			}
			if (lex_no_ref(x, i, n, "it would be inside a "
			    "single-quoted string, which the value's quoting "
			    "would end; write it outside the quotes") == -1)
				return -1;
			i = s[n] != '\0' ? n + q : n;
			continue;
		}
		if (k == 2) {
			if (!l->in_word) {
				l->in_word = 1;
				word = i;
			}
			PUSH(PS_DQ, 0);
			i += q;
			continue;
		}
		if (s[i] == '@' && (s[i + 1] == '\'' || s[i + 1] == '"') &&
		    (s[i + 2] == '\n' || (s[i + 2] == '\r' &&
		    s[i + 3] == '\n'))) {
			/* a here-string, to a line that starts with '@ */
			e = strstr(s + i + 2, s[i + 1] == '\'' ? "\n'@" :
			    "\n\"@");
			n = e != NULL ? (size_t)(e - s) + 3 : strlen(s);
			if (lex_no_ref(x, i, n, "it would be inside a "
			    "here-string") == -1)
				return -1;
			i = n;
			continue;
		}
		if (s[i] == '<' && s[i + 1] == '#') {
			e = strstr(s + i + 2, "#>");
			n = e != NULL ? (size_t)(e - s) + 2 : strlen(s);
			if (lex_no_ref(x, i, n, "it would be inside a <# #> "
			    "comment, which the value could end") == -1)
				return -1;
			i = n;
			continue;
		}
		if (s[i] == '#' && !l->in_word) {
			while (s[i] != '\0' && s[i] != '\n')
				i++;
			continue;
		}
		if (s[i] == '`') {
			if (lex_ref(s, i + 1) > 0)
				return lex_refuse(x, i + 1, "it would follow "
				    "the escape character `, which makes the "
				    "value's opening quote a literal "
				    "character");
			if (!l->in_word) {
				l->in_word = 1;
				word = i;
			}
			i += 1 + (s[i + 1] != '\0' ? cp_len(s + i + 1) : 0);
			continue;
		}
		if (ps_sep(s[i]) || s[i] == '\n' || s[i] == '\r') {
			ps_word_end(s, l, word, i);
			switch (s[i]) {
			case ';':
			case '|':
			case '\n':
				l->cmdpos = 1;
				l->runner = l->callop = 0;
				break;
			case '(':
				PUSH(PS_CMD, ')');
				break;
			case '{':
				PUSH(PS_CMD, '}');
				break;
			case ')':
			case '}':
				if (l->closer == s[i]) {
					POP();
					/* (cmd) as an argument: a value */
					l->in_word = 0;
				}
				break;
			}
			i++;
			continue;
		}
		if (s[i] == '$' && (s[i + 1] == '(' || s[i + 1] == '{')) {
			/* $(...) subexpression; ${ not ours: a variable */
			if (!l->in_word) {
				l->in_word = 1;
				word = i;
			}
			if (s[i + 1] == '(') {
				ps_word_end(s, l, word, i);
				PUSH(PS_CMD, ')');
				i += 2;
			} else
				i = lex_braces(s, i + 1);
			continue;
		}
		if (s[i] == '@' && s[i + 1] == '(') {
			ps_word_end(s, l, word, i);
			PUSH(PS_CMD, ')');
			i += 2;
			continue;
		}
		if (s[i] == '&' && s[i + 1] == '&') {
			ps_word_end(s, l, word, i);
			l->cmdpos = 1;
			l->runner = l->callop = 0;
			i += 2;
			continue;
		}
		if (!l->in_word) {
			l->in_word = 1;
			word = i;
		}
		i++;
	}
#undef PUSH
#undef POP
	return 0;
}

int
quote_template_check(const struct profile *p, const char *tmpl, size_t *off,
    const char **why)
{
	struct lex	x = { tmpl, 0, 0, NULL };
	int		rc;

	if (p == NULL)
		return 0;
	switch (p->id) {
	case PROF_LINUX:
		rc = lex_sh(&x);
		break;
	case PROF_WINDOWS:
		rc = lex_ps(&x);
		break;
	default:
		/* a Cisco value is one plain token: nothing to end */
		return 0;
	}
	if (rc == -1) {
		*off = x.bad;
		*why = x.why;
	}
	return rc;
}
