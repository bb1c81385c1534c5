/*
 * prompt.c: reading an interactive device CLI through a PTY (prompt.h).
 *
 * What the devices send, and where we learnt it:
 *   - IM and Presence / CUCM (VOS): the prompt "admin:" comes in bold
 *     ("\e[1madmin:\e[0m", or after "\e[K"); the pager "Press <enter> for 1
 *     line, <space> for one page, or <q> to quit" is bold and, once a key
 *     is pressed, erased with "\r\e[K"; the file viewer's pager is
 *     "\e[1m\r\noptions: q=quit, n=next, p=prev, b=begin, e=end (lines N -
 *     M of T) : \e[0m". Cisco's own pyATS/unicon VOS plugin
 *     (CiscoTestAutomation/unicon.plugins, src/unicon/plugins/vos/
 *     patterns.py and statements.py) sends a space at "Press <enter>", "n"
 *     at "options:", and "q" at "options:" once M reaches T, the viewer's
 *     "end of the file reached" (sending "n" there only redraws the page).
 *   - ASA: Netmiko's cisco_asa driver (ktbyers/netmiko, netmiko/cisco/
 *     cisco_asa_ssh.py) turns paging off with "terminal pager 0", answers
 *     "enable" at a prompt matching "ssword", and reads ")#" as config
 *     mode; its normalize_linefeeds copes with "\r\n\r", "\r\r\n" and
 *     "\n\r". Where paging is still on, the ASA prints "<--- More --->" and
 *     wipes it with "\r              \r" (or backspaces) after the space.
 *     Errors read "ERROR: % Invalid input detected at '^' marker." with a
 *     caret line above it.
 *
 * Everything here is a pure function of bytes, bounded by the lengths given:
 * the engine calls these on buffers that grow as data arrives, so a buffer
 * may end in the middle of anything and is never NUL-terminated.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "prompt.h"
#include "util.h"

/* Prompts. */

/* The line [*b, *e) that ends the text, with trailing blanks trimmed. */
static void
last_line(const char *s, size_t len, size_t *b, size_t *e)
{
	size_t	i = len;

	while (i > 0 && s[i - 1] != '\n')
		i--;
	*b = i;
	while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*e = len;
}

static int
is_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9');
}

static int
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
has_prefix(const char *s, size_t n, const char *pfx)
{
	size_t	l = strlen(pfx);

	return n >= l && memcmp(s, pfx, l) == 0;
}

static int
has_suffix(const char *s, size_t n, const char *sfx)
{
	size_t	l = strlen(sfx);

	return n >= l && memcmp(s + n - l, sfx, l) == 0;
}

/* Digits at s[*i]: their value (saturating), or -1 if none. */
static long long
digits(const char *s, size_t n, size_t *i)
{
	long long	v = 0;
	size_t		j = *i;

	while (j < n && s[j] >= '0' && s[j] <= '9') {
		if (v < 1000000000000LL)
			v = v * 10 + (s[j] - '0');
		j++;
	}
	if (j == *i)
		return -1;
	*i = j;
	return v;
}

#define VOS_PRESS	"Press <enter> for 1 line, <space> for one page, " \
			"or <q> to quit"
#define VOS_OPTIONS	"options: q=quit, n=next, p=prev, b=begin, e=end " \
			"(lines "
#define ASA_MORE	"<--- More --->"

/*
 * The VOS file viewer's pager: VOS_OPTIONS "N - M of T) :". 1 and *last
 * (whether M reached T) if s is one.
 */
static int
vos_options(const char *s, size_t n, int *last)
{
	long long	m, t;
	size_t		i = sizeof(VOS_OPTIONS) - 1;

	if (!has_prefix(s, n, VOS_OPTIONS) || digits(s, n, &i) == -1 ||
	    !has_prefix(s + i, n - i, " - "))
		return 0;
	i += 3;
	if ((m = digits(s, n, &i)) == -1 || !has_prefix(s + i, n - i, " of "))
		return 0;
	i += 4;
	if ((t = digits(s, n, &i)) == -1)
		return 0;
	if (!has_prefix(s + i, n - i, ") :"))
		return 0;
	for (i += 3; i < n; i++)
		if (s[i] != ' ')
			return 0;
	if (last != NULL)
		*last = m >= t;
	return 1;
}

static int
match_vos_options(const char *s, size_t n, char *mode)
{
	(void)mode;
	return vos_options(s, n, NULL);
}

/*
 * The VOS prompt: one account name and ':', nothing else ("admin:"). The
 * name is as CUCM allows it: a letter, then letters, digits, '-' and '_',
 * at most 32 (prompt.h says [A-Za-z0-9_-]+; a leading letter and a length
 * bound only make stray output lines less likely to pass).
 *
 * Residual risk: a command whose output ends with a line that is one such
 * word and ':' ("Subject:", "Certificates:") looks finished while it may
 * still be printing, if the output pauses right there; what follows then
 * lands in the next command's text. The engine, which knows the login
 * name, can compare the text at hit->start with "<user>:" to close that.
 */
static int
match_vos_prompt(const char *s, size_t n, char *mode)
{
	size_t	i;

	if (n < 2 || n > 33 || s[n - 1] != ':' || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < n - 1; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	*mode = ':';
	return 1;
}

/*
 * The ASA prompt, "^[A-Za-z0-9_./-]+(/[A-Za-z0-9]+)*(\(config[^)]*\))?[>#]":
 * "fw01>", "fw01#", "asa/pri/act#", "asa/ctx1/sec/stby>",
 * "fw01(config-ca-trustpoint)#". The first character must be a letter or
 * digit (a host name's). Residual risk as for VOS: an output line alone at
 * the end of the buffer, of one such word and '>' or '#'.
 */
static int
match_asa_prompt(const char *s, size_t n, char *mode)
{
	size_t	i = 0;
	int	config = 0;

	if (n < 2 || !is_alnum(s[0]))
		return 0;
	while (i < n && (is_alnum(s[i]) || s[i] == '_' || s[i] == '.' ||
	    s[i] == '/' || s[i] == '-'))
		i++;
	if (i < n && s[i] == '(') {
		if (!has_prefix(s + i, n - i, "(config"))
			return 0;
		for (i += 7; i < n && s[i] != ')'; i++)
			if (s[i] == '(')
				return 0;
		if (i >= n)
			return 0;
		i++;
		config = 1;
	}
	if (i + 1 != n || (s[i] != '>' && s[i] != '#'))
		return 0;
	if (config && s[i] != '#')
		return 0;
	*mode = config ? 'c' : s[i];
	return 1;
}

/* "Password:", "Enter password:", "New Password:". */
static int
match_password(const char *s, size_t n, char *mode)
{
	size_t	i;

	(void)mode;
	if (n > 48 || !(has_suffix(s, n, "Password:") ||
	    has_suffix(s, n, "password:")))
		return 0;
	for (i = 0; i < n - 9; i++)
		if (!is_alpha(s[i]) && s[i] != ' ')
			return 0;
	return n == 9 || s[n - 10] == ' ';
}

/* Questions; "Proceed with reload? [confirm]", "Continue (y/n)?". */
static const char *const confirm_suffixes[] = {
	"[confirm]", "[yes/no]:", "[yes/no]?", "[yes/no]", "(yes/no)?",
	"(yes/no):", "(y/n)?", "(y/n):", "[y/n]:", "[y/n]?", "[Y/N]:",
	"(Y/N)?",
};

static int
match_confirm(const char *s, size_t n, char *mode)
{
	size_t	i;

	(void)mode;
	for (i = 0; i < nitems(confirm_suffixes); i++)
		if (has_suffix(s, n, confirm_suffixes[i]))
			return 1;
	return 0;
}

#define P_VOS	(1u << PROF_CISCO_VOS)
#define P_ASA	(1u << PROF_CISCO_ASA)

/*
 * What the last line can be, per profile, first match wins: pagers and
 * questions before prompts ("Password:" would pass for a VOS prompt).
 * text: the line, leading blanks skipped, is exactly it; match: a test.
 */
static const struct prompt_rule {
	unsigned		 profiles;
	enum prompt_state	 state;
	const char		*text;
	int			(*match)(const char *, size_t, char *);
} prompt_rules[] = {
	{ P_VOS, PS_PAGER, VOS_PRESS, NULL },
	{ P_VOS, PS_PAGER, NULL, match_vos_options },
	{ P_ASA, PS_PAGER, ASA_MORE, NULL },
	{ P_VOS | P_ASA, PS_PASSWORD, NULL, match_password },
	{ P_VOS | P_ASA, PS_CONFIRM, NULL, match_confirm },
	{ P_VOS, PS_PROMPT, NULL, match_vos_prompt },
	{ P_ASA, PS_PROMPT, NULL, match_asa_prompt },
};

static unsigned
profile_bit(const struct profile *p)
{
	return p == NULL ? 0 : 1u << p->id;
}

enum prompt_state
prompt_scan(const struct profile *p, const char *s, size_t len,
    struct prompt_hit *hit)
{
	const struct prompt_rule	*r;
	size_t				 b, e, lb;
	char				 mode;
	size_t				 i;

	if (s == NULL || len == 0)
		return PS_NONE;
	last_line(s, len, &b, &e);
	for (lb = b; lb < e && s[lb] == ' '; lb++)
		;
	if (lb == e)
		return PS_NONE;
	for (i = 0; i < nitems(prompt_rules); i++) {
		r = &prompt_rules[i];
		if ((r->profiles & profile_bit(p)) == 0)
			continue;
		mode = 0;
		if (r->text != NULL) {
			if (e - lb != strlen(r->text) ||
			    memcmp(s + lb, r->text, e - lb) != 0)
				continue;
		} else if (r->state == PS_PROMPT || r->state == PS_PASSWORD) {
			/* a prompt starts at column 0 */
			if (lb != b || !r->match(s + b, e - b, &mode))
				continue;
		} else if (!r->match(s + lb, e - lb, &mode))
			continue;
		if (hit != NULL) {
			hit->state = r->state;
			hit->start = b;
			hit->mode = mode;
		}
		return r->state;
	}
	return PS_NONE;
}

const char *
prompt_pager_key(const struct profile *p, const char *s, size_t len)
{
	size_t	b, e;
	int	last = 0;

	/* Netmiko and unicon alike page with a space: one page at a time.
	 * The VOS file viewer alone wants "n", and "q" once it has shown
	 * the last line (unicon's paginate()): "n" there only redraws. */
	if (p != NULL && p->id == PROF_CISCO_VOS && s != NULL && len > 0) {
		last_line(s, len, &b, &e);
		while (b < e && s[b] == ' ')
			b++;
		if (vos_options(s + b, e - b, &last))
			return last ? "q" : "n";
	}
	return " ";
}

/* Output. */

/* A line of a pager that prompt_output drops: 1 and *keep, where the
 * device's own text resumes on the same line (*keep == n: none). */
static int
pager_line(const struct profile *p, const char *s, size_t n, size_t *keep,
    int *options)
{
	size_t	i = 0, l;

	*options = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (p->id == PROF_CISCO_VOS && vos_options(s + i, n - i, NULL)) {
		*options = 1;
		*keep = n;
		return 1;
	}
	if (p->id == PROF_CISCO_VOS && has_prefix(s + i, n - i, VOS_PRESS))
		l = sizeof(VOS_PRESS) - 1;
	else if (p->id == PROF_CISCO_ASA && has_prefix(s + i, n - i, ASA_MORE))
		l = sizeof(ASA_MORE) - 1;
	else
		return 0;
	/* "<--- More --->" then what was printed over the wipe, when the
	 * device wiped with spaces we did not see as such */
	for (i += l; i < n && s[i] == ' '; i++)
		;
	*keep = i;
	return 1;
}

/*
 * How many bytes of s (up to n) are the echo of cmd: 0 if none.
 *   "show run"             the echo;
 *   "admin:show run"       the echo after a prompt;
 *   "un"                   a long echo the terminal wrapped with "\r" (the
 *                          part after the last "\r" won, clean_term);
 *   "$g show run"          the same, scrolled by an IOS-style line editor;
 *   "show r\nun"           wrapped with a newline at the terminal's width.
 */
static size_t
echo_len(const char *s, size_t n, const char *cmd, int first)
{
	size_t	cl, i, e, l, off, joined;
	char	*j;

	if (cmd == NULL)
		return 0;
	cl = strlen(cmd);
	while (cl > 0 && (cmd[cl - 1] == '\n' || cmd[cl - 1] == '\r' ||
	    cmd[cl - 1] == ' '))
		cl--;
	if (cl == 0)
		return 0;
	for (e = 0; e < n && s[e] != '\n'; e++)
		;
	for (l = e; l > 0 && s[l - 1] == ' '; l--)
		;
	i = e < n ? e + 1 : e;
	if (l >= cl && memcmp(s + l - cl, cmd, cl) == 0)
		return i;
	off = l > 0 && s[0] == '$' ? 1 : 0;
	if (l > off && l - off <= cl && (first || l - off >= 16) &&
	    memcmp(cmd + cl - (l - off), s + off, l - off) == 0)
		return i;
	/* Wrapped over several lines: join them while they could still be
	 * part of the command. */
	joined = l;
	j = xmalloc(l + cl + 1);
	memcpy(j, s, l);
	while (i < n && joined < l + cl) {
		for (e = i; e < n && s[e] != '\n'; e++)
			;
		if (e == i || joined + (e - i) > l + cl)
			break;
		memcpy(j + joined, s + i, e - i);
		joined += e - i;
		i = e < n ? e + 1 : e;
		if (joined >= cl && memcmp(j + joined - cl, cmd, cl) == 0) {
			free(j);
			return i;
		}
	}
	free(j);
	return 0;
}

size_t
prompt_echo_end(const char *s, size_t len, const char *cmd)
{
	size_t	i, e, n;

	if (s == NULL || cmd == NULL)
		return (size_t)-1;
	for (i = 0; i < len; i = e + 1) {
		if ((n = echo_len(s + i, len - i, cmd, i == 0)) > 0)
			return i + n;
		for (e = i; e < len && s[e] != '\n'; e++)
			;
	}
	return (size_t)-1;
}

char *
prompt_output(const struct profile *p, const char *s, size_t len,
    const char *cmd, const struct prompt_hit *hit, size_t *outlen)
{
	struct prompt_hit	 h;
	struct buf		 b;
	size_t			 end = len, i, e, next, keep;
	int			 options;

	buf_init(&b);
	if (s == NULL)
		len = end = 0;
	if (hit == NULL && prompt_scan(p, s, len, &h) != PS_NONE)
		hit = &h;
	if (hit != NULL && hit->state != PS_NONE && hit->start <= len)
		end = hit->start;
	if ((i = prompt_echo_end(s, end, cmd)) == (size_t)-1)
		i = 0;
	for (; i < end; i = next) {
		for (e = i; e < end && s[e] != '\n'; e++)
			;
		next = e < end ? e + 1 : e;
		if (p == NULL ||
		    !pager_line(p, s + i, e - i, &keep, &options)) {
			buf_add(&b, s + i, next - i);
			continue;
		}
		/* The file viewer prints "\r\n" before "options:": the blank
		 * line it leaves goes with it. */
		if (options && b.len > 0 && b.s[b.len - 1] == '\n' &&
		    (b.len == 1 || b.s[b.len - 2] == '\n'))
			b.s[--b.len] = '\0';
		if (keep < e - i)
			buf_add(&b, s + i + keep, next - i - keep);
	}
	if (outlen != NULL)
		*outlen = b.len;
	return buf_steal(&b);
}

/* How the devices say a command failed: lines that start so. */
static const struct {
	unsigned	 profiles;
	const char	*start;
} error_lines[] = {
	{ P_ASA, "ERROR:" },	/* "ERROR: % Invalid input detected ..." */
	{ P_ASA, "% Invalid input detected" },
	{ P_ASA, "% Incomplete command" },
	{ P_ASA, "% Ambiguous command" },
	{ P_ASA, "% Unrecognized command" },
	{ P_ASA, "Command authorization failed" },
	{ P_VOS, "Executed command unsuccessfully" },
	{ P_VOS, "Invalid command" },
	{ P_VOS, "-ERROR-" },
};

const char *
prompt_error(const struct profile *p, const char *s, size_t len,
    size_t *linelen)
{
	size_t	i, e, k, b;

	if (s == NULL)
		return NULL;
	for (i = 0; i < len; i = e + 1) {
		for (e = i; e < len && s[e] != '\n'; e++)
			;
		for (b = i; b < e && (s[b] == ' ' || s[b] == '\t'); b++)
			;
		for (k = 0; k < nitems(error_lines); k++) {
			if ((error_lines[k].profiles & profile_bit(p)) == 0 ||
			    !has_prefix(s + b, e - b, error_lines[k].start))
				continue;
			if (linelen != NULL)
				*linelen = e - i;
			return s + i;
		}
	}
	return NULL;
}

/* CLIXML. */

/* Append a code point as UTF-8 (surrogates and NUL become U+FFFD). */
static void
put_utf8(struct buf *b, unsigned long cp)
{
	char	u[4];

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		buf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 4);
	}
}

/* One <S S="Error"> body, unescaped, appended to b. */
static void
clixml_string(const char *p, const char *end, struct buf *b)
{
	static const struct {
		const char	*name;
		char		 c;
	} ent[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	unsigned long	cp;
	size_t		i, n;
	int		k, h;

	while (p < end) {
		/* _xHHHH_: a UTF-16 unit PowerShell escaped (CR, LF, ...) */
		if (*p == '_' && end - p >= 7 && p[1] == 'x' && p[6] == '_') {
			cp = 0;
			for (k = 2; k < 6; k++) {
				if ((h = hex_digit((unsigned char)p[k])) < 0)
					break;
				cp = cp << 4 | (unsigned long)h;
			}
			if (k == 6) {
				put_utf8(b, cp);
				p += 7;
				continue;
			}
		}
		if (*p == '&') {
			for (i = 0; i < sizeof(ent) / sizeof(ent[0]); i++) {
				n = strlen(ent[i].name);
				if ((size_t)(end - p) >= n &&
				    strncmp(p, ent[i].name, n) == 0)
					break;
			}
			if (i < sizeof(ent) / sizeof(ent[0])) {
				buf_add(b, &ent[i].c, 1);
				p += strlen(ent[i].name);
				continue;
			}
		}
		buf_add(b, p, 1);
		p++;
	}
}

char *
clixml_errors(const char *s, size_t len, size_t *outlen)
{
	static const char	 magic[] = "#< CLIXML";
	static const char	 open[] = "<S S=\"Error\">";
	const char		*p, *end = s + len, *q, *close;
	struct buf		 b;

	buf_init(&b);
	if (len < sizeof(magic) - 1 || memcmp(s, magic, sizeof(magic) - 1) !=
	    0) {
		buf_add(&b, s, len);
		goto out;
	}
	for (p = s; p < end; p = close + 4) {
		q = memmem(p, (size_t)(end - p), open, sizeof(open) - 1);
		if (q == NULL)
			break;
		q += sizeof(open) - 1;
		if ((close = memmem(q, (size_t)(end - q), "</S>", 4)) == NULL) {
			clixml_string(q, end, &b);	/* cut short */
			break;
		}
		clixml_string(q, close, &b);
	}
out:
	if (outlen != NULL)
		*outlen = b.len;
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
}
