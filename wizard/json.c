/* json.c: streaming JSON with correct string escaping (RFC 8259). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "template.h"
#include "util.h"

/*
 * plan --json of a large runbook is tens of megabytes; the writer keeps its
 * own buffer so that each string costs a memcpy, not a stdio call per
 * character.
 */
static void
flush(struct json *j)
{
	if (j->tee != NULL && j->len > j->tee_from)
		buf_add(j->tee, j->buf + j->tee_from, j->len - j->tee_from);
	j->tee_from = 0;
	if (j->len > 0)
		fwrite(j->buf, 1, j->len, j->fp);
	j->len = 0;
}

static void
put(struct json *j, const char *s, size_t n)
{
	if (n > sizeof(j->buf) - j->len) {
		flush(j);
		if (n > sizeof(j->buf)) {
			if (j->tee != NULL)
				buf_add(j->tee, s, n);
			fwrite(s, 1, n, j->fp);
			return;
		}
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void
putc_(struct json *j, char c)
{
	if (j->len == sizeof(j->buf))
		flush(j);
	j->buf[j->len++] = c;
}

void
json_init(struct json *j, FILE *fp)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
}

/* Newline and indentation, in one copy. */
static void
newline(struct json *j, int depth)
{
	static const char	 spaces[] = "\n"
	    "                                                                ";
	size_t			 n = 1 + 2 * (size_t)depth;

	put(j, spaces, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1);
}

/* Comma and indentation before a value or key. */
static void
sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->count[j->depth]++ > 0)
			putc_(j, ',');
		newline(j, j->depth);
	}
}

static void
open_level(struct json *j, char c)
{
	sep(j);
	putc_(j, c);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		fatal("JSON nested too deep");
	j->count[++j->depth] = 0;
}

static void
close_level(struct json *j, char c)
{
	int	had = j->count[j->depth];

	j->depth--;
	if (had)
		newline(j, j->depth);
	putc_(j, c);
}

void
json_obj_begin(struct json *j)
{
	open_level(j, '{');
}

void
json_obj_end(struct json *j)
{
	close_level(j, '}');
}

void
json_arr_begin(struct json *j)
{
	open_level(j, '[');
}

void
json_arr_end(struct json *j)
{
	close_level(j, ']');
}

/* Bytes that go out as they are: ASCII but controls, " and \. */
static const unsigned char plain[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

/* \uXXXX (a code point of the BMP). */
static void
put_u(struct json *j, uint32_t c)
{
	static const char	hex[] = "0123456789abcdef";
	char			e[6] = { '\\', 'u', hex[c >> 12 & 15],
	    hex[c >> 8 & 15], hex[c >> 4 & 15], hex[c & 15] };

	put(j, e, 6);
}

/*
 * Past ASCII: the code point at p. Well-formed UTF-8 goes out as it is,
 * except what a terminal or a text viewer would act on rather than show
 * (C1 controls, bidi controls, the line and paragraph separators): those as
 * \uXXXX, so the value is kept and the document is safe to print. An
 * ill-formed byte run becomes U+FFFD: a JSON text is UTF-8. Returns the
 * bytes read.
 */
static size_t
put_nonascii(struct json *j, const unsigned char *p, size_t avail)
{
	uint32_t	c = 0;
	int		n;

	n = utf8_next(p, avail < 4 ? avail : 4, &c);
	if (n < 0) {
		put(j, "\xef\xbf\xbd", 3);
		return (size_t)-n;
	}
	if ((c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f ||
	    c == 0x061c || c == 0x2028 || c == 0x2029)
		put_u(j, c);
	else
		put(j, (const char *)p, (size_t)n);
	return (size_t)n;
}

/*
 * Whether all 8 bytes of w go out as they are (plain[]): none is a control
 * (below 0x20, or 0x7f), '"', '\\' or past ASCII. The classic "has a zero
 * byte" test, once per kind; a carry can only flag a word that has a true
 * match already, and then the byte loop decides.
 */
#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL
static inline int
plain8(uint64_t w)
{
	uint64_t	q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
	uint64_t	d = w ^ (ONES * 0x7f);

	return ((w | ((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) |
	    ((b - ONES) & ~b) | ((d - ONES) & ~d)) & HIGHS) == 0;
}

/* n bytes of a string's content, escaped. Strings of a large plan are
 * most of its output: plain runs are found 8 bytes at a time. */
static void
write_escaped(struct json *j, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s, *end = p + n;
	const unsigned char	*run;
	uint64_t		 w;

	while (p < end) {
		for (run = p; end - p >= 8; p += 8) {
			memcpy(&w, p, 8);
			if (!plain8(w))
				break;
		}
		for (; p < end && plain[*p]; p++)
			;
		if (p > run)
			put(j, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p >= 0x80) {
			p += put_nonascii(j, p, (size_t)(end - p));
			continue;
		}
		switch (*p) {
		case '"':
			put(j, "\\\"", 2);
			break;
		case '\\':
			put(j, "\\\\", 2);
			break;
		case '\n':
			put(j, "\\n", 2);
			break;
		case '\r':
			put(j, "\\r", 2);
			break;
		case '\t':
			put(j, "\\t", 2);
			break;
		default:
			put_u(j, *p);
		}
		p++;
	}
}

static void
write_string(struct json *j, const char *s)
{
	putc_(j, '"');
	write_escaped(j, s, strlen(s));
	putc_(j, '"');
}

/*
 * A key: comma, newline, indentation, the quoted key and ": " in one go
 * into the buffer when the key needs no escaping (every key fedwiz writes
 * is a plain word; the general path stays for any other).
 */
void
json_key(struct json *j, const char *k)
{
	const unsigned char	*p;
	size_t			 kl = strlen(k), ind;
	char			*o;

	for (p = (const unsigned char *)k; *p != '\0' && plain[*p]; p++)
		;
	if (*p != '\0' || kl > 256 || j->after_key || j->depth <= 0 ||
	    j->depth > 64) {
		sep(j);
		write_string(j, k);
		put(j, ": ", 2);
		j->after_key = 1;
		return;
	}
	ind = 2 * (size_t)j->depth;
	if (sizeof(j->buf) - j->len < kl + ind + 6)
		flush(j);
	o = j->buf + j->len;
	if (j->count[j->depth]++ > 0)
		*o++ = ',';

	*o++ = '\n';
	memset(o, ' ', ind);
	o += ind;
	*o++ = '"';
	memcpy(o, k, kl);
	o += kl;
	*o++ = '"';
	*o++ = ':';
	*o++ = ' ';
	j->len = (size_t)(o - j->buf);
	j->after_key = 1;
}

void
json_str(struct json *j, const char *s)
{
	sep(j);
	if (s == NULL)
		put(j, "null", 4);
	else
		write_string(j, s);
}

/* Called for every step of a large plan: digits by hand, no snprintf. */
void
json_int(struct json *j, long long v)
{
	char			 num[24], *p = num + sizeof(num);
	unsigned long long	 u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	sep(j);
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	put(j, p, (size_t)(num + sizeof(num) - p));
}

void
json_bool(struct json *j, int v)
{
	sep(j);
	if (v)
		put(j, "true", 4);
	else
		put(j, "false", 5);
}

void
json_null(struct json *j)
{
	sep(j);
	put(j, "null", 4);
}

void
json_kstr(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_str(j, v);
}

static void
tmpl_piece(void *arg, const char *s, size_t n)
{
	write_escaped(arg, s, n);
}

void
json_kstr_tmpl(struct json *j, const char *k, const char *tmpl,
    tmpl_lookup lookup, void *ctx)
{
	json_key(j, k);
	sep(j);
	if (tmpl == NULL) {
		put(j, "null", 4);
		return;
	}
	putc_(j, '"');
	tmpl_emit(tmpl, lookup, ctx, tmpl_piece, j);
	putc_(j, '"');
}

void
json_kint(struct json *j, const char *k, long long v)
{
	json_key(j, k);
	json_int(j, v);
}

void
json_kbool(struct json *j, const char *k, int v)
{
	json_key(j, k);
	json_bool(j, v);
}

/* What is written goes to buf as always; what of it the capture has not
 * had yet is handed over when buf is flushed, and when it ends. */
void
json_capture(struct json *j, struct buf *b)
{
	if (j->tee != NULL && j->len > j->tee_from)
		buf_add(j->tee, j->buf + j->tee_from, j->len - j->tee_from);
	j->tee = b;
	j->tee_from = j->len;
}

void
json_raw_value(struct json *j, const char *s, size_t n)
{
	sep(j);
	put(j, s, n);
}

void
json_end(struct json *j)
{
	putc_(j, '\n');
	flush(j);
	fflush(j->fp);
}
