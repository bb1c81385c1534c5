/*
 * screen-copy.c: a step's command whole, to paste into the device's
 * shell as it is: the step pane wraps long commands, and a terminal copy
 * of wrapped lines pastes as two broken commands. Here each item (the
 * step's command, each check's remote command and what it expects) is
 * one line, shown whole: what the window cannot hold continues on the
 * next screen line with nothing added. y or Enter puts the selected one
 * on the clipboard (OSC 52, and tmux's paste buffer inside tmux).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui.h"
#include "util.h"

struct copy_view {
	struct tui_list	l;
};

static void *
copy_enter(struct tui *t)
{
	struct copy_view	*cv = xcalloc(1, sizeof(*cv));

	cv->l.n = t->copy.n;
	return cv;
}

static void
copy_leave(struct tui *t, void *data)
{
	(void)t;
	free(data);
}

static struct tui_list *
copy_list(struct tui *t, void *data)
{
	struct copy_view	*cv = data;

	cv->l.n = t->copy.n;
	return &cv->l;
}

/* The columns of s from column from on, at most w of them, into buf. */
static const char *
chunk(const char *s, int from, int w, char *buf, size_t len)
{
	size_t	a = tui_col(s, from);

	snprintf(buf, len, "%.*s", (int)tui_col(s + a, w), s + a);
	return buf;
}

static void
copy_draw(struct tui *t, void *data, int rows, int cols)
{
	struct copy_view	*cv = data;
	const char		*p, *nl;
	char			 line[2048], part[4096], *text;
	size_t			 i;
	int			 y = 2, list, w, width, from;

	snprintf(line, sizeof(line), "Copy: %s (y or Enter copies, Esc back)",
	    t->copy.title);
	tui_title(t, line);
	if (t->copy.n == 0) {
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "Nothing to copy here.");
		return;
	}
	/* The items, one line each; the selected one whole below. */
	list = (int)t->copy.n < rows / 3 ? (int)t->copy.n : rows / 3;
	if (list < 1)
		list = 1;
	tui_list_show(&cv->l, list);
	for (i = cv->l.top; i < t->copy.n && y < 2 + list; i++, y++) {
		snprintf(line, sizeof(line), "%s: %s", t->copy.label[i],
		    t->copy.text[i]);
		tui_text(t, y, 1, cols - 2, i == cv->l.sel ? tui_attr(t,
		    "select") : TUI_PLAIN, line);
	}
	tui_hline(t, y++);
	text = t->copy.text[cv->l.sel];
	width = tui_width(text);
	snprintf(line, sizeof(line), "%s, %d character%s, one line:",
	    t->copy.label[cv->l.sel], width, width == 1 ? "" : "s");
	tui_text(t, y++, 0, cols, tui_attr(t, "dim"), line);
	/* Whole, from column 0, each screen line a piece of it: a line of
	 * its own only where the text has a newline. */
	w = cols;
	for (p = text; *p != '\0' && y < rows; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		width = tui_width(line);
		for (from = 0; (from < width || from == 0) && y < rows;
		    from += w) {
			chunk(line, from, w, part, sizeof(part));
			tui_text(t, y++, 0, cols, tui_attr(t, "command"), part);
		}
	}
}

static int
key_copy(struct tui *t, void *data)
{
	struct copy_view	*cv = data;
	char			 said[300];

	if (t->copy.n == 0)
		return SCR_REDRAW;
	tui_clipboard(t, t->copy.text[cv->l.sel], said, sizeof(said));
	tui_say(t, 0, "%s", said);
	return SCR_REDRAW;
}

static int
copy_match(struct tui *t, void *data, size_t i, const char *pat)
{
	(void)data;
	return strcasestr(t->copy.text[i], pat) != NULL ||
	    strcasestr(t->copy.label[i], pat) != NULL;
}

static const struct key_binding copy_keys[] = {
	{ 'y', "y/Enter", "copy the selected one (OSC 52; tmux's buffer too)",
	    key_copy },
	{ '\r', "Enter", "copy it", key_copy },
	{ KEY_ENTER, "Enter", "copy it", key_copy },
};

const struct screen screen_copy = {
	.name = "copy",
	.title = "Copy view",
	.enter = copy_enter,
	.leave = copy_leave,
	.draw = copy_draw,
	.list = copy_list,
	.match = copy_match,
	.keys = copy_keys,
	.nkeys = nitems(copy_keys),
};
