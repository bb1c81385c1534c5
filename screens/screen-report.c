/*
 * screen-report.c: the change record of the session, as `fedwiz report
 * --format md` writes it, to read before the window closes; e exports it
 * (md, html or json by the file's extension) to a file created 0600 and
 * replaced atomically.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "clean.h"
#include "cli.h"
#include "fileio.h"
#include "report.h"
#include "session.h"
#include "store.h"
#include "tui.h"
#include "util.h"

struct report_view {
	char	**lines;
	size_t	  n;
	size_t	  top;
};

/* The report rendered into memory. */
static char *
render(struct tui *t, enum report_format f, size_t *len)
{
	struct report	*rep = NULL;
	struct diags	 d;
	FILE		*fp;
	char		*buf = NULL;

	*len = 0;
	diags_init(&d);
	if (report_new(t->ses, store_now(), &rep, &d) != 0) {
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "no report");
		diags_free(&d);
		return NULL;
	}
	diags_free(&d);
	if ((fp = open_memstream(&buf, len)) == NULL)
		fatal("open_memstream: out of memory");
	report_write(fp, rep, f);
	fclose(fp);
	report_free(rep);
	return buf;
}

static void *
report_enter(struct tui *t)
{
	struct report_view	*rv = xcalloc(1, sizeof(*rv));
	char			*text, *p, *nl, *c;
	size_t			 len;

	if ((text = render(t, REPORT_MD, &len)) == NULL)
		return rv;
	for (p = text; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		rv->lines = xreallocarray(rv->lines, rv->n + 1,
		    sizeof(*rv->lines));
		c = clean_str(p, (size_t)(nl - p));
		rv->lines[rv->n++] = c;
	}
	free(text);
	return rv;
}

static void
report_leave(struct tui *t, void *data)
{
	struct report_view	*rv = data;
	size_t			 i;

	(void)t;
	for (i = 0; i < rv->n; i++)
		free(rv->lines[i]);
	free(rv->lines);
	free(rv);
}

static void
report_draw(struct tui *t, void *data, int rows, int cols)
{
	struct report_view	*rv = data;
	size_t			 i;
	int			 y;

	tui_title(t, "Change record (e export, Up/Down/PgUp/PgDn scroll, Esc "
	    "back)");
	for (i = rv->top, y = 1; i < rv->n && y < rows; i++, y++)
		tui_text(t, y, 1, cols - 2, strncmp(rv->lines[i], "#", 1) == 0 ?
		    tui_attr(t, "title") : TUI_PLAIN, rv->lines[i]);
}

static int
report_scroll(struct report_view *rv, long d, int page)
{
	long	top = (long)rv->top + d * page;

	if (top < 0)
		top = 0;
	if (rv->n > 0 && top >= (long)rv->n)
		top = (long)rv->n - 1;
	rv->top = (size_t)top;
	return SCR_REDRAW;
}

static int
key_up(struct tui *t, void *data)
{
	(void)t;
	return report_scroll(data, -1, 1);
}

static int
key_down(struct tui *t, void *data)
{
	(void)t;
	return report_scroll(data, 1, 1);
}

static int
key_pgup(struct tui *t, void *data)
{
	return report_scroll(data, -1, t->rows - 3);
}

static int
key_pgdn(struct tui *t, void *data)
{
	return report_scroll(data, 1, t->rows - 3);
}

static int
key_export(struct tui *t, void *data)
{
	enum report_format	 f = REPORT_MD;
	struct diags		 d;
	char			 path[512], def[64], *text;
	const char		*dot;
	size_t			 len;

	(void)data;
	snprintf(def, sizeof(def), "fedwiz-session-%lld.md",
	    (long long)t->ses->id);
	if (tui_ask(t, "Export the record to (.md, .html or .json)", def,
	    path, sizeof(path)) == -1)
		return SCR_REDRAW;
	if ((dot = strrchr(path, '.')) != NULL &&
	    report_format_parse(dot + 1, &f) == -1) {
		tui_say(t, 1, "%s: the name must end in .md, .html or .json",
		    path);
		return SCR_REDRAW;
	}
	if ((text = render(t, f, &len)) == NULL)
		return SCR_REDRAW;
	diags_init(&d);
	if (file_write_atomic(path, text, len, &d) != 0)
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "not written");
	else
		tui_say(t, 0, "Written to %s (mode 0600).", path);
	diags_free(&d);
	free(text);
	return SCR_REDRAW;
}

static const struct key_binding report_keys[] = {
	{ KEY_UP, "Up/k", "scroll up", key_up },
	{ 'k', "k", "scroll up", key_up },
	{ KEY_DOWN, "Down/j", "scroll down", key_down },
	{ 'j', "j", "scroll down", key_down },
	{ KEY_PPAGE, "PgUp", "a page up", key_pgup },
	{ KEY_NPAGE, "PgDn", "a page down", key_pgdn },
	{ 'e', "e", "export the record to a file", key_export },
};

const struct screen screen_report = {
	.name = "report",
	.title = "Change record",
	.enter = report_enter,
	.leave = report_leave,
	.draw = report_draw,
	.keys = report_keys,
	.nkeys = nitems(report_keys),
};
