/* json.c: streaming JSON with correct string escaping (RFC 8259). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "util.h"

/*
 * plan --json of a large runbook is tens of megabytes; the writer keeps its
 * own buffer so that each string costs a memcpy, not a stdio call per
 * character.
 */
static void
flush(struct json *j)
{
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
put_nonascii(struct json *j, const unsigned char *p)
{
	uint32_t	c = 0;
	int		n;

	n = utf8_next(p, strnlen((const char *)p, 4), &c);
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

static void
write_string(struct json *j, const char *s)
{
	const unsigned char	*p, *run;

	putc_(j, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		for (run = p; plain[*p]; p++)
			;
		if (p > run)
			put(j, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p >= 0x80) {
			p += put_nonascii(j, p) - 1;
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
	}
	putc_(j, '"');
}

void
json_key(struct json *j, const char *k)
{
	sep(j);
	write_string(j, k);
	put(j, ": ", 2);
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

void
json_int(struct json *j, long long v)
{
	char	num[32];
	int	n;

	sep(j);
	n = snprintf(num, sizeof(num), "%lld", v);
	put(j, num, (size_t)n);
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

void
json_end(struct json *j)
{
	putc_(j, '\n');
	flush(j);
	fflush(j->fp);
}
