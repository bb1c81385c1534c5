/* json.c: streaming JSON with correct string escaping (RFC 8259). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "json.h"
#include "util.h"

void
json_init(struct json *j, FILE *fp)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
}

/* Comma and indentation before a value or key. */
static void
sep(struct json *j)
{
	int	i;

	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->count[j->depth]++ > 0)
			fputc(',', j->fp);
		fputc('\n', j->fp);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->fp);
	}
}

static void
open_level(struct json *j, char c)
{
	sep(j);
	fputc(c, j->fp);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		fatal("JSON nested too deep");
	j->count[++j->depth] = 0;
}

static void
close_level(struct json *j, char c)
{
	int	i, had = j->count[j->depth];

	j->depth--;
	if (had) {
		fputc('\n', j->fp);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->fp);
	}
	fputc(c, j->fp);
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

static void
write_string(struct json *j, const char *s)
{
	const unsigned char	*p;

	fputc('"', j->fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", j->fp);
			break;
		case '\\':
			fputs("\\\\", j->fp);
			break;
		case '\n':
			fputs("\\n", j->fp);
			break;
		case '\r':
			fputs("\\r", j->fp);
			break;
		case '\t':
			fputs("\\t", j->fp);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(j->fp, "\\u%04x", *p);
			else
				fputc(*p, j->fp);
		}
	}
	fputc('"', j->fp);
}

void
json_key(struct json *j, const char *k)
{
	sep(j);
	write_string(j, k);
	fputs(": ", j->fp);
	j->after_key = 1;
}

void
json_str(struct json *j, const char *s)
{
	sep(j);
	if (s == NULL)
		fputs("null", j->fp);
	else
		write_string(j, s);
}

void
json_int(struct json *j, long long v)
{
	sep(j);
	fprintf(j->fp, "%lld", v);
}

void
json_bool(struct json *j, int v)
{
	sep(j);
	fputs(v ? "true" : "false", j->fp);
}

void
json_null(struct json *j)
{
	sep(j);
	fputs("null", j->fp);
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
	fputc('\n', j->fp);
	fflush(j->fp);
}
