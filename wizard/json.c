/* json.c: streaming JSON with correct string escaping (RFC 8259). */
#include "config.h"

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

/* Bytes that go out as they are: everything but controls, " and \. */
static const unsigned char plain[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
	[0x80 ... 0xff] = 1
};

static void
write_string(struct json *j, const char *s)
{
	const unsigned char	*p, *run;
	char			 esc[8];

	putc_(j, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		for (run = p; plain[*p]; p++)
			;
		if (p > run)
			put(j, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
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
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			put(j, esc, 6);
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
