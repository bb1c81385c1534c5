/*
 * screen-report.c: the change record of the session, as `fedwiz report
 * --format md` writes it, rendered to read before the window closes:
 * headings bold, lists and notes wrapped to the window, tables as
 * columns (a cell too wide for its column wraps inside it). / searches
 * it; e exports it (md, html or json by the file's extension) to the
 * state folder unless told where, through the core's writer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "clean.h"
#include "tui.h"
#include "util.h"
#include "wiz.h"

#define MAXCOLS	16

struct report_view {
	char		 *md;		/* the record, as written */
	struct tui_lines  lines;	/* rendered for cols */
	int		  cols;
	struct tui_list	  l;
};

/* Markdown inline text as plain words: **bold**, `code`, \| escapes and
 * <br> (a new line, inside a table cell) go. */
static char *
plain(const char *s, size_t len)
{
	struct buf	b;
	size_t		i;
	char		*c;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && strchr("\\`*_|<>#[]",
		    s[i + 1]) != NULL) {
			buf_addc(&b, s[++i]);
			continue;
		}
		if (s[i] == '*' && i + 1 < len && s[i + 1] == '*') {
			i++;
			continue;
		}
		if (s[i] == '`')
			continue;
		if (len - i >= 4 && strncmp(s + i, "<br>", 4) == 0) {
			buf_addc(&b, '\n');
			i += 3;
			continue;
		}
		buf_addc(&b, s[i]);
	}
	buf_addc(&b, '\0');
	c = clean_str(b.s, strlen(b.s));
	buf_free(&b);
	return c;
}

/* A table row's cells (split at | not escaped), plain. */
static size_t
cells(const char *line, char **out, size_t max)
{
	const char	*p = line, *start;
	size_t		 n = 0;

	while (*p == ' ')
		p++;
	if (*p == '|')
		p++;
	while (*p != '\0' && n < max) {
		start = p;
		while (*p != '\0' && !(*p == '|' && (p == start || p[-1] !=
		    '\\')))
			p++;
		if (*p == '\0' && p == start)
			break;
		while (start < p && *start == ' ')
			start++;
		out[n] = plain(start, (size_t)(p - start));
		/* Trailing spaces of the cell. */
		while (*out[n] && out[n][strlen(out[n]) - 1] == ' ')
			out[n][strlen(out[n]) - 1] = '\0';
		n++;
		if (*p == '|')
			p++;
		if (*p == '\0')
			break;
	}
	return n;
}

static int
is_rule(const char *line)
{
	return strspn(line, "|:- ") == strlen(line) && strchr(line, '-');
}

/* The lines of a cell wrapped to w: how many, and line k into buf. */
static int
cell_line(const char *s, int w, int k, char *buf, size_t len)
{
	const char	*p = s, *line;
	int		 n = 0, i = 0;

	buf[0] = '\0';
	while (*p != '\0') {
		n = tui_line_next(&p, w, &line);
		if (i == k)
			snprintf(buf, len, "%.*s", n, line);
		i++;
	}
	return i > 0 ? i : 1;
}

/* A table, its rows[nrows][ncol], as columns fitting cols. */
static void
table(struct tui *t, struct tui_lines *out, char ***rows, size_t *ncells,
    size_t nrows, int cols)
{
	int	 want[MAXCOLS], w[MAXCOLS], minw[MAXCOLS], total, avail, k, h;
	int	 hmax, x;
	size_t	 r, c, ncol = 0;
	char	 line[2048], part[1024], fit[1100];

	for (r = 0; r < nrows; r++)
		if (ncells[r] > ncol)
			ncol = ncells[r];
	if (ncol == 0)
		return;
	/* Each column as wide as its widest line, then the widest ones
	 * give up room until the table fits. */
	for (c = 0; c < ncol; c++) {
		want[c] = 1;
		for (r = 0; r < nrows; r++) {
			const char	*p, *e;

			if (c >= ncells[r])
				continue;
			for (p = rows[r][c]; *p != '\0'; p = *e ? e + 1 : e) {
				e = p + strcspn(p, "\n");
				snprintf(part, sizeof(part), "%.*s", (int)(e - p),
				    p);
				if (tui_width(part) > want[c])
					want[c] = tui_width(part);
			}
		}
		w[c] = want[c];
	}
	/* Prose gives way first: a column narrows to its longest word (a
	 * path, a hash, an id) before any word is cut. */
	for (c = 0; c < ncol; c++) {
		minw[c] = 1;
		for (r = 0; r < nrows; r++) {
			const char	*p;
			size_t		 n;

			if (c >= ncells[r])
				continue;
			for (p = rows[r][c]; *p != '\0'; p += n) {
				p += strspn(p, " \n");
				n = strcspn(p, " \n");
				snprintf(part, sizeof(part), "%.*s", (int)n, p);
				if (tui_width(part) > minw[c])
					minw[c] = tui_width(part);
			}
		}
		if (minw[c] > 40)
			minw[c] = 40;
	}
	avail = cols - 2 - 2 * ((int)ncol - 1);
	for (;;) {
		for (c = 0, total = 0; c < ncol; c++)
			total += w[c];
		if (total <= avail)
			break;
		for (c = 0, k = -1; c < ncol; c++)
			if (w[c] > minw[c] && (k == -1 || w[c] > w[k]))
				k = (int)c;
		for (c = 0; k == -1 && c < ncol; c++)
			if (w[c] > 6 && (k == -1 || w[c] > w[k]))
				k = (int)c;
		if (k == -1)
			break;
		w[k]--;
	}
	for (r = 0; r < nrows; r++) {
		for (c = 0, hmax = 1; c < ncells[r]; c++)
			if ((h = cell_line(rows[r][c], w[c], 0, part,
			    sizeof(part))) > hmax)
				hmax = h;
		for (h = 0; h < hmax; h++) {
			line[0] = '\0';
			for (c = 0, x = 0; c < ncol; c++) {
				part[0] = '\0';
				if (c < ncells[r])
					cell_line(rows[r][c], w[c], h, part,
					    sizeof(part));
				tui_fit(t, part, w[c], fit, sizeof(fit));
				x += snprintf(line + x, sizeof(line) - (size_t)x,
				    "%s%s", c ? "  " : " ", fit);
				if (x >= (int)sizeof(line))
					break;
			}
			tui_lines_put(out, r == 0 ? tui_attr(t, "title") :
			    TUI_PLAIN, line);
		}
	}
}

static void
bullet(struct tui *t, struct tui_lines *out, const char *text, int w)
{
	const char	*p = text, *line;
	char		*s;
	int		 n, first = 1;

	while (*p != '\0') {
		n = tui_line_next(&p, w - 3, &line);
		s = xasprintf(" %s %.*s", first ? (t->ascii ? "*" : "\u2022") :
		    " ", n, line);
		tui_lines_put(out, TUI_PLAIN, s);
		free(s);
		first = 0;
	}
}

static void
rows_free(char ****rows, size_t **ncells, size_t *nrows)
{
	size_t	r, c;

	for (r = 0; r < *nrows; r++) {
		for (c = 0; c < (*ncells)[r]; c++)
			free((*rows)[r][c]);
		free((*rows)[r]);
	}
	free(*rows);
	free(*ncells);
	*rows = NULL;
	*ncells = NULL;
	*nrows = 0;
}

static void
render(struct tui *t, struct report_view *rv, int cols)
{
	const char	*p, *nl;
	char		*line, *x, ***rows = NULL;
	size_t		*ncells = NULL, nrows = 0;
	int		 attr, indent;

	tui_lines_free(&rv->lines);
	rv->cols = cols;
	if (rv->md == NULL)
		return;
	for (p = rv->md; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		line = xstrndup(p, (size_t)(nl - p));
		/* Rows of a table gather until it ends. */
		if (line[0] == '|') {
			if (!is_rule(line)) {
				rows = xreallocarray(rows, nrows + 1,
				    sizeof(*rows));
				ncells = xreallocarray(ncells, nrows + 1,
				    sizeof(*ncells));
				rows[nrows] = xcalloc(MAXCOLS, sizeof(char *));
				ncells[nrows] = cells(line, rows[nrows],
				    MAXCOLS);
				nrows++;
			}
			free(line);
			continue;
		}
		if (nrows > 0) {
			table(t, &rv->lines, rows, ncells, nrows, cols);
			rows_free(&rows, &ncells, &nrows);
		}
		attr = TUI_PLAIN;
		indent = 1;
		if (line[0] == '#') {
			attr = tui_attr(t, "title");
			x = plain(line + strspn(line, "# "), strlen(line +
			    strspn(line, "# ")));
		} else if (strncmp(line, "- ", 2) == 0) {
			/* A bullet, its lines hanging under its text. */
			x = plain(line + 2, strlen(line + 2));
			bullet(t, &rv->lines, x, cols - 1);
			free(x);
			free(line);
			continue;
		} else
			x = plain(line, strlen(line));
		tui_lines_add(&rv->lines, attr, indent, cols - 1, x);
		free(x);
		free(line);
	}
	if (nrows > 0)
		table(t, &rv->lines, rows, ncells, nrows, cols);
	rows_free(&rows, &ncells, &nrows);
	rv->l.n = rv->lines.n;
}

static void *
report_enter(struct tui *t)
{
	struct report_view	*rv = xcalloc(1, sizeof(*rv));
	char			*msg = NULL;
	size_t			 len;

	rv->l.pager = 1;
	if ((rv->md = wiz_report(t->w, "md", &len, &msg)) == NULL)
		tui_say(t, 1, "%s", msg);
	free(msg);
	return rv;
}

static void
report_leave(struct tui *t, void *data)
{
	struct report_view	*rv = data;

	(void)t;
	tui_lines_free(&rv->lines);
	free(rv->md);
	free(rv);
}

static struct tui_list *
report_list(struct tui *t, void *data)
{
	struct report_view	*rv = data;

	if (rv->cols != t->cols)
		render(t, rv, t->cols);
	return &rv->l;
}

static void
report_draw(struct tui *t, void *data, int rows, int cols)
{
	struct report_view	*rv = data;
	size_t			 i;
	int			 y;

	tui_title(t, "Change record (e export, / search, Up/Down/PgUp/PgDn "
	    "scroll, Esc back)");
	if (rv->cols != cols)
		render(t, rv, cols);
	tui_list_show(&rv->l, rows - 1);
	for (i = rv->l.top, y = 1; i < rv->lines.n && y < rows; i++, y++)
		tui_text(t, y, 0, cols, rv->lines.attr[i], rv->lines.v[i]);
}

static int
report_match(struct tui *t, void *data, size_t i, const char *pat)
{
	struct report_view	*rv = data;

	(void)t;
	return i < rv->lines.n && strcasestr(rv->lines.v[i], pat) != NULL;
}

static int
on_export(struct tui *t, const char *path)
{
	struct wiz_result	r;

	if (path == NULL) {
		tui_say(t, 0, "Not exported.");
		return SCR_REDRAW;
	}
	memset(&r, 0, sizeof(r));
	(void)wiz_export(t->w, path, &r);
	tui_said(t, &r);
	wiz_result_clear(&r);
	return SCR_REDRAW;
}

static int
key_export(struct tui *t, void *data)
{
	char	*def;
	int	 r;

	(void)data;
	def = wiz_export_default(t->w);
	r = tui_ask(t, "Export the record to (.md, .html or .json; a folder "
	    "or ~ will do):", def, TUI_ASK_REQUIRED, on_export);
	free(def);
	return r;
}

static const struct key_binding report_keys[] = {
	{ 'e', "e", "export the record to a file (asks where)", key_export },
};

const struct screen screen_report = {
	.name = "report",
	.title = "Change record",
	.enter = report_enter,
	.leave = report_leave,
	.draw = report_draw,
	.list = report_list,
	.match = report_match,
	.keys = report_keys,
	.nkeys = nitems(report_keys),
};
