/*
 * screen-confirm.c: a decision the session layer leaves to the operator,
 * as a screen: a runbook that changed since the session began (its
 * procedures added, removed and changed, by id), or a step recorded on a
 * procedure still blocked (by what). y does it (logged); Esc leaves it.
 * What to show and what y does come in t->confirm.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui.h"
#include "util.h"

struct confirm_view {
	struct tui_list	l;
};

static void *
confirm_enter(struct tui *t)
{
	struct confirm_view	*cv = xcalloc(1, sizeof(*cv));

	cv->l.pager = 1;
	cv->l.n = t->confirm.nlines;
	return cv;
}

static void
confirm_leave(struct tui *t, void *data)
{
	(void)t;
	free(data);
}

static struct tui_list *
confirm_list(struct tui *t, void *data)
{
	struct confirm_view	*cv = data;

	cv->l.n = t->confirm.nlines;
	return &cv->l;
}

static void
confirm_draw(struct tui *t, void *data, int rows, int cols)
{
	struct confirm_view	*cv = data;
	size_t			 i;
	int			 y = 2, list;

	tui_title(t, t->confirm.title);
	list = rows - 5;
	if (list < 1)
		list = 1;
	cv->l.n = t->confirm.nlines;
	tui_list_show(&cv->l, list);
	for (i = cv->l.top; i < t->confirm.nlines && y < 2 + list; i++)
		y = tui_wrap(t, y, 2 + list, 2, cols - 4, TUI_PLAIN,
		    t->confirm.lines[i][0] ? t->confirm.lines[i] : " ");
	if (cv->l.top + (size_t)(y - 2) < t->confirm.nlines && i <
	    t->confirm.nlines)
		tui_text(t, 2 + list, 2, cols - 4, tui_attr(t, "dim"), "(more: "
		    "Down scrolls)");
	tui_wrap(t, rows - 2, rows, 2, cols - 4, tui_attr(t, "title"),
	    t->confirm.yes);
}

static int
key_yes(struct tui *t, void *data)
{
	(void)data;
	if (t->confirm.on_yes == NULL)
		return SCR_BACK;
	return t->confirm.on_yes(t);
}

static int
key_no(struct tui *t, void *data)
{
	(void)data;
	if (t->confirm.on_no == NULL)
		return SCR_BACK;
	return t->confirm.on_no(t);
}

static const struct key_binding confirm_keys[] = {
	{ 'y', "y", "yes: do it (logged)", key_yes },
	{ 'Y', "Y", "yes", key_yes },
	{ 27, "Esc/n", "no: leave it as it is", key_no },
	{ 'n', "n", "no", key_no },
	{ KEY_BACKSPACE, "Backspace", "no", key_no },
};

const struct screen screen_confirm = {
	.name = "confirm",
	.title = "A decision (y yes, Esc no)",
	.enter = confirm_enter,
	.leave = confirm_leave,
	.draw = confirm_draw,
	.list = confirm_list,
	.keys = confirm_keys,
	.nkeys = nitems(confirm_keys),
};
