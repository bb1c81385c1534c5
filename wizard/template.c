/* template.c: ${name} references. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "template.h"
#include "util.h"

#define TMPL_NAME_MAX	64

/* Length of a well-formed ${name} at s (s[0] == '$', s[1] == '{'), or -1. */
static int
ref_len(const char *s, const char **why)
{
	size_t	i = 2;

	if (!islower((unsigned char)s[i])) {
		*why = s[i] == '}' ? "empty ${}" : strchr(s + i, '}') == NULL ?
		    "unterminated ${ (no closing })" :
		    "a variable name starts with a lower-case letter";
		return -1;
	}
	while (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
	    s[i] == '_')
		i++;
	if (s[i] != '}') {
		*why = strchr(s + i, '}') == NULL ?
		    "unterminated ${ (no closing })" :
		    "a variable name is lower-case letters, digits and _ "
		    "(write $${ for a literal ${)";
		return -1;
	}
	if (i - 2 > TMPL_NAME_MAX) {
		*why = "variable name longer than 64 characters";
		return -1;
	}
	return (int)i + 1;
}

int
tmpl_scan(const char *s, void (*fn)(void *, const char *, size_t), void *ctx,
    size_t *badoff, const char **why)
{
	char		 name[TMPL_NAME_MAX + 1];
	const char	*p = s;
	int		 n;

	while ((p = strchr(p, '$')) != NULL) {
		if (p[1] == '$' && p[2] == '{') {
			p += 3;
			continue;
		}
		if (p[1] != '{') {
			p++;
			continue;
		}
		if ((n = ref_len(p, why)) == -1) {
			*badoff = (size_t)(p - s);
			return -1;
		}
		memcpy(name, p + 2, (size_t)n - 3);
		name[n - 3] = '\0';
		if (fn != NULL)
			fn(ctx, name, (size_t)(p - s));
		p += n;
	}
	return 0;
}

void
tmpl_emit(const char *s, tmpl_lookup lookup, void *ctx, tmpl_out out,
    void *octx)
{
	char		 name[TMPL_NAME_MAX + 3];
	const char	*p = s, *q, *v, *why;
	int		 n;

	while ((q = strchr(p, '$')) != NULL) {
		if (q > p)
			out(octx, p, (size_t)(q - p));
		if (q[1] == '$' && q[2] == '{') {
			out(octx, "${", 2);
			p = q + 3;
			continue;
		}
		if (q[1] != '{' || (n = ref_len(q, &why)) == -1) {
			out(octx, "$", 1);
			p = q + 1;
			continue;
		}
		memcpy(name + 1, q + 2, (size_t)n - 3);
		name[n - 2] = '\0';
		if ((v = lookup(ctx, name + 1)) != NULL)
			out(octx, v, strlen(v));
		else {
			/* "<name>", as the operator sees a missing value */
			name[0] = '<';
			name[n - 2] = '>';
			out(octx, name, (size_t)n - 1);
		}
		p = q + n;
	}
	if (*p != '\0')
		out(octx, p, strlen(p));
}

static void
to_buf(void *b, const char *s, size_t n)
{
	buf_add(b, s, n);
}

char *
tmpl_expand(const char *s, tmpl_lookup lookup, void *ctx)
{
	struct buf	b;

	buf_init(&b);
	tmpl_emit(s, lookup, ctx, to_buf, &b);
	if (b.s == NULL)
		buf_adds(&b, "");
	return buf_steal(&b);
}

int
tmpl_is_single(const char *s, char **name)
{
	const char	*why;
	int		 n;

	if (s[0] != '$' || s[1] != '{')
		return 0;
	if ((n = ref_len(s, &why)) == -1 || s[n] != '\0')
		return 0;
	*name = xstrndup(s + 2, (size_t)n - 3);
	return 1;
}
