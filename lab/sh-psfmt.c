/*
 * sh-psfmt.c: how the lab's PowerShell prints objects, as the console
 * host of PowerShell 2.0 to 5.1 does (about_Format.ps1xml and the
 * Format-List / Format-Table references describe the rules):
 *
 * - Format-List: a blank line, then per object one "Name : value" line
 *   per property, names padded to the longest of that object, objects
 *   separated by a blank line, two blank lines at the end. A value too
 *   long for the host's width goes on over the next lines, indented to
 *   the value column (so a long FQDN can split: Out-String -Width keeps
 *   it whole). Collections show as {a, b, c}, at most four items then
 *   "..." ($FormatEnumerationLimit is 4); $null as nothing.
 * - Format-Table: a blank line, the headers, a line of dashes under each,
 *   a row per object, two blank lines at the end; columns as wide as
 *   their widest cell, the last one cut with "..." at the host's width.
 * - The default: a type's own view (a table of Status, Name, DisplayName
 *   for services; Thumbprint and Subject for certificates), else a table
 *   for up to four properties and a list for five or more.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "sh-ps.h"

#define ENUM_LIMIT	4

const char *
ps_fmt_value(struct ps *ps, const struct ps_val *v)
{
	struct buf	 b;
	size_t		 i;
	const char	*s;

	if (v == NULL)
		return "";
	if (v->t == PS_ARR) {
		buf_init(&b);
		buf_addc(&b, '{');
		for (i = 0; i < v->n && i < ENUM_LIMIT; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", ps_text(ps,
			    v->a[i]));
		if (v->n > ENUM_LIMIT)
			buf_adds(&b, "...");
		buf_addc(&b, '}');
		s = arena_strdup(ps->a, b.s);
		buf_free(&b);
		return s;
	}
	if (v->t == PS_HASH) {
		buf_init(&b);
		buf_addc(&b, '{');
		for (i = 0; i < v->n && i < ENUM_LIMIT; i++)
			buf_printf(&b, "%s[%s, %s]", i ? ", " : "", v->k[i],
			    ps_text(ps, v->a[i]));
		if (v->n > ENUM_LIMIT)
			buf_adds(&b, "...");
		buf_addc(&b, '}');
		s = arena_strdup(ps->a, b.s);
		buf_free(&b);
		return s;
	}
	return ps_text(ps, v);
}

static void
line(struct ps *ps, struct ps_val *out, const char *s)
{
	struct ps_val	*v = ps_str(ps, s);

	v->fmt = 1;
	ps_push(ps, out, v);
}

/* The names a list or table shows for o. */
static void
names_of(const struct ps_obj *o, const char *const *want, size_t nwant,
    int table, const char ***names, size_t *n)
{
	size_t		 i, k;
	const char	*const *view;

	*names = NULL;
	*n = 0;
	if (want != NULL && nwant > 0) {
		for (i = 0; i < nwant; i++) {
			if (strcmp(want[i], "*") == 0) {
				for (k = 0; k < o->n; k++) {
					*names = xreallocarray(*names, *n + 1,
					    sizeof(**names));
					(*names)[(*n)++] = o->p[k].name;
				}
				continue;
			}
			/* Wildcards pick matching properties; a plain name
			 * its property: in a table a blank column when the
			 * object has none, in a list nothing (PowerShell's
			 * PSPropertyExpression.ResolveNames resolves an exact
			 * name only to a member the object has; Format-Table
			 * keeps its header from the first object). */
			if (strpbrk(want[i], "*?[") != NULL) {
				for (k = 0; k < o->n; k++)
					if (ps_like(o->p[k].name, want[i])) {
						*names = xreallocarray(*names,
						    *n + 1, sizeof(**names));
						(*names)[(*n)++] = o->p[k].name;
					}
				continue;
			}
			for (k = 0; k < o->n; k++)
				if (ps_ieq(o->p[k].name, want[i]))
					break;
			if (k == o->n && !table)
				continue;
			*names = xreallocarray(*names, *n + 1, sizeof(**names));
			(*names)[(*n)++] = k < o->n ? o->p[k].name : want[i];
		}
		return;
	}
	view = table ? o->tableview : o->listview;
	/* An empty view: every property (a list view of all of them). */
	if (view != NULL && view[0] != NULL) {
		for (i = 0; view[i] != NULL; i++) {
			*names = xreallocarray(*names, *n + 1, sizeof(**names));
			(*names)[(*n)++] = view[i];
		}
		return;
	}
	for (k = 0; k < o->n; k++) {
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = o->p[k].name;
	}
}

static void
list_obj(struct ps *ps, struct ps_val *item, const char *const *want,
    size_t nwant, int width, struct ps_val *out)
{
	const char	**names;
	size_t		  n, i, w = 0, col, room, len;
	struct buf	  b;
	const char	 *v, *p, *nl;
	struct ps_val	 *pv;

	if (item->t != PS_OBJ) {
		/* A scalar in a list: its text. */
		line(ps, out, ps_text(ps, item));
		return;
	}
	names_of(item->o, want, nwant, 0, &names, &n);
	for (i = 0; i < n; i++)
		if (strlen(names[i]) > w)
			w = strlen(names[i]);
	col = w + 3;
	room = (size_t)width > col + 10 ? (size_t)width - col : 10;
	for (i = 0; i < n; i++) {
		pv = ps_get(item->o, names[i]);
		v = ps_fmt_value(ps, pv);
		buf_init(&b);
		buf_printf(&b, "%-*s :", (int)w, names[i]);
		if (*v == '\0') {
			line(ps, out, b.s);
			buf_free(&b);
			continue;
		}
		buf_addc(&b, ' ');
		/* Lines of the value, each wrapped at the width. */
		for (p = v; *p != '\0'; p = *nl ? nl + 1 : nl) {
			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			len = (size_t)(nl - p);
			if (len > 0 && p[len - 1] == '\r')
				len--;
			while (len > room) {
				buf_add(&b, p, room);
				line(ps, out, b.s);
				buf_free(&b);
				buf_init(&b);
				buf_printf(&b, "%*s", (int)col, "");
				p += room;
				len -= room;
			}
			buf_add(&b, p, len);
			line(ps, out, b.s);
			buf_free(&b);
			buf_init(&b);
			buf_printf(&b, "%*s", (int)col, "");
			if (*nl == '\0')
				break;
		}
		buf_free(&b);
	}
	free(names);
}

static int
numeric(const struct ps_val *v)
{
	return v != NULL && v->t == PS_INT;
}

static void
table(struct ps *ps, struct ps_val *items, const char *const *want,
    size_t nwant, int width, struct ps_val *out)
{
	const char	**names = NULL;
	size_t		  n = 0, i, r, *w, total;
	struct buf	  b;
	const char	 *v;
	int		  scalar;

	scalar = items->a[0]->t != PS_OBJ;
	if (!scalar)
		names_of(items->a[0]->o, want, nwant, 1, &names, &n);
	if (scalar || n == 0) {
		for (r = 0; r < items->n; r++)
			line(ps, out, ps_text(ps, items->a[r]));
		free(names);
		return;
	}
	w = xcalloc(n, sizeof(*w));
	for (i = 0; i < n; i++) {
		w[i] = strlen(names[i]);
		for (r = 0; r < items->n; r++) {
			if (items->a[r]->t != PS_OBJ)
				continue;
			v = ps_fmt_value(ps, ps_get(items->a[r]->o, names[i]));
			if (strlen(v) > w[i])
				w[i] = strlen(v);
		}
	}
	/* The last column takes what is left of the width. */
	for (i = 0, total = 0; i + 1 < n; i++)
		total += w[i] + 1;
	if (total + w[n - 1] > (size_t)width - 1 && (size_t)width - 1 >
	    total + 4)
		w[n - 1] = (size_t)width - 1 - total;
	line(ps, out, "");
	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%-*.*s", i ? " " : "", i + 1 < n ?
		    (int)w[i] : 0, (int)w[i], names[i]);
	line(ps, out, b.s);
	buf_free(&b);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		size_t	k, l = strlen(names[i]) < w[i] ? strlen(names[i]) :
		    w[i];

		if (i)
			buf_addc(&b, ' ');
		for (k = 0; k < l; k++)
			buf_addc(&b, '-');
		if (i + 1 < n)
			for (; k < w[i]; k++)
				buf_addc(&b, ' ');
	}
	line(ps, out, b.s);
	buf_free(&b);
	for (r = 0; r < items->n; r++) {
		buf_init(&b);
		for (i = 0; i < n; i++) {
			struct ps_val	*pv = items->a[r]->t == PS_OBJ ?
			    ps_get(items->a[r]->o, names[i]) : NULL;
			char		 cut[1024];

			v = ps_fmt_value(ps, pv);
			if (strlen(v) > w[i] && w[i] > 3) {
				snprintf(cut, sizeof(cut), "%.*s...",
				    (int)(w[i] - 3), v);
				v = cut;
			}
			if (numeric(pv))
				buf_printf(&b, "%s%*s", i ? " " : "", (int)w[i],
				    v);
			else
				buf_printf(&b, "%s%-*s", i ? " " : "", i + 1 < n ?
				    (int)w[i] : 0, v);
		}
		/* No trailing blanks. */
		while (b.len > 0 && b.s[b.len - 1] == ' ')
			b.s[--b.len] = '\0';
		line(ps, out, b.s ? b.s : "");
		buf_free(&b);
	}
	line(ps, out, "");
	line(ps, out, "");
	free(w);
	free(names);
}

void
ps_format(struct ps *ps, enum ps_fmt f, struct ps_val *items,
    const char *const *want, size_t nwant, int width, struct ps_val *out)
{
	size_t	i;

	if (width <= 0)
		width = ps->width;
	items = ps_expand(ps, items, width);
	if (items->n == 0)
		return;
	if (f == PF_TABLE) {
		table(ps, items, want, nwant, width, out);
		return;
	}
	line(ps, out, "");
	for (i = 0; i < items->n; i++) {
		if (items->a[i]->fmt) {
			line(ps, out, items->a[i]->s);
			continue;
		}
		list_obj(ps, items->a[i], want, nwant, width, out);
		line(ps, out, "");
	}
	line(ps, out, "");
}

/* The view an object prints in by default. */
static enum ps_fmt
default_view(const struct ps_val *v)
{
	if (v->t != PS_OBJ)
		return PF_DEFAULT;
	if (v->o->tableview != NULL && v->o->tableview[0] != NULL)
		return PF_TABLE;
	if (v->o->listview != NULL)
		return PF_LIST;
	return v->o->n <= 4 ? PF_TABLE : PF_LIST;
}

static void
put(struct ps *ps, const char *s)
{
	const char	*nl;

	/* Windows line ends, for a console and a pipe alike. */
	for (; ; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL) {
			fprintf(ps->out, "%s\r\n", s);
			return;
		}
		fprintf(ps->out, "%.*s\r\n", (int)(nl - s), s);
	}
}

struct ps_val *
ps_expand(struct ps *ps, struct ps_val *items, int width)
{
	struct ps_val	*out;
	size_t		 i;

	if (items == NULL)
		return NULL;
	for (i = 0; i < items->n; i++)
		if (items->a[i]->fb != NULL)
			break;
	if (i == items->n)
		return items;
	out = ps_arr(ps);
	for (i = 0; i < items->n; i++) {
		struct ps_fmtblk	*fb = items->a[i]->fb;

		if (fb == NULL)
			ps_push(ps, out, items->a[i]);
		else
			ps_format(ps, (enum ps_fmt)fb->f, fb->items,
			    fb->names, fb->n, width, out);
	}
	return out;
}

void
ps_out_default(struct ps *ps, struct ps_val *items)
{
	struct ps_val	*group, *lines;
	size_t		 i, k;
	enum ps_fmt	 f;

	items = ps_expand(ps, items, 0);

	for (i = 0; i < items->n; ) {
		struct ps_val	*v = items->a[i];

		if (v->t == PS_OBJ && v->o->kind == PK_DATE) {
			/* A DateTime on its own: the long date and time. */
			put(ps, "");
			put(ps, ps_date_format(ps, (time_t)v->o->id,
			    "dddd, MMMM d, yyyy h:mm:ss tt"));
			put(ps, "");
			put(ps, "");
			i++;
			continue;
		}
		if (v->fmt || v->t != PS_OBJ) {
			put(ps, v->fmt ? v->s : ps_text(ps, v));
			i++;
			continue;
		}
		/* Objects of one type print as one table or list. */
		group = ps_arr(ps);
		for (k = i; k < items->n && items->a[k]->t == PS_OBJ &&
		    !items->a[k]->fmt && strcmp(items->a[k]->o->type,
		    v->o->type) == 0; k++)
			ps_push(ps, group, items->a[k]);
		f = default_view(v);
		lines = ps_arr(ps);
		if (v->o->kind == PK_CERT && f == PF_TABLE) {
			/* The certificate provider's header. */
			struct ps_val	*pp = ps_get(v->o, "PSParentPath");
			const char	*where = pp ? ps_text(ps, pp) : "";
			const char	*c = strstr(where, "::");

			put(ps, "");
			/* PowerShell 2.0's header of a provider listing. */
			(void)c;
			fprintf(ps->out, "    Directory: %s\r\n", where);
		}
		ps_format(ps, f == PF_TABLE ? PF_TABLE : PF_LIST, group, NULL,
		    0, 0, lines);
		for (k = 0; k < lines->n; k++)
			put(ps, lines->a[k]->s);
		i += group->n;
	}
	fflush(ps->out);
}
