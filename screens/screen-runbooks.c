/*
 * screen-runbooks.c: the runbooks a new session can follow, with their
 * size. Enter starts a session: with the answers file of --answers when
 * one was given (preseeded, as debconf does), else through the variables
 * and inventory forms.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "draft.h"
#include "tui.h"
#include "util.h"
#include "wiz.h"

struct runbooks_view {
	struct wiz_runbook_row	*v;
	struct tui_list		 l;
};

static void *
runbooks_enter(struct tui *t)
{
	struct runbooks_view	*rv = xcalloc(1, sizeof(*rv));
	char			*msg = NULL;

	if (wiz_runbooks(t->w, &rv->v, &rv->l.n, &msg) != 0)
		tui_say(t, 1, "%s", msg);
	free(msg);
	return rv;
}

static void
runbooks_leave(struct tui *t, void *data)
{
	struct runbooks_view	*rv = data;

	(void)t;
	wiz_runbooks_free(rv->v, rv->l.n);
	free(rv);
}

static struct tui_list *
runbooks_list(struct tui *t, void *data)
{
	(void)t;
	return &((struct runbooks_view *)data)->l;
}

static void
runbooks_draw(struct tui *t, void *data, int rows, int cols)
{
	struct runbooks_view	*rv = data;
	char			 line[512];
	size_t			 i;
	int			 y, list = rows - 4;

	tui_title(t, wiz_preseeded(t->w) ? "New session: choose the runbook "
	    "(Enter start, f forms, Esc back)" : "New session: choose the "
	    "runbook (Enter next, Esc back)");
	if (rv->l.n == 0) {
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No runbooks found; give "
		    "--runbooks DIR.");
		return;
	}
	tui_list_show(&rv->l, list);
	for (i = rv->l.top, y = 2; i < rv->l.n && y < 2 + list; i++, y++) {
		snprintf(line, sizeof(line), "%-22.22s %3zu procedures %4zu "
		    "steps  %s", rv->v[i].id, rv->v[i].nprocs, rv->v[i].nsteps,
		    rv->v[i].title);
		tui_text_clean(t, y, 2, cols - 4, i == rv->l.sel ? tui_attr(t,
		    "select") : rv->v[i].error ? tui_attr(t, "dim") : TUI_PLAIN,
		    line);
	}
	if (rv->v[rv->l.sel].error != NULL)
		tui_wrap(t, rows - 1, rows + 1, 2, cols - 4, tui_attr(t, "warn"),
		    rv->v[rv->l.sel].error);
}

/*
 * The forms, for runbook id: a new draft (the one there is kept when it
 * is for the same runbook: Esc back and Enter again loses nothing),
 * filled from --answers and --set when given.
 */
static int
to_forms(struct tui *t, const char *id)
{
	struct draft	*d;
	char		*msg = NULL;

	if (t->draft != NULL && strcmp(t->draft->rb->id, id) == 0)
		return tui_goto(t, SCREEN_VARS);
	if (wiz_draft(t->w, id, &d, &msg) != 0) {
		tui_say(t, 1, "%s", msg);
		free(msg);
		return SCR_REDRAW;
	}
	if (msg != NULL)
		tui_say(t, 1, "%s", msg);
	free(msg);
	draft_free(t->draft);
	t->draft = d;
	return tui_goto(t, SCREEN_VARS);
}

static int
key_start(struct tui *t, void *data)
{
	struct runbooks_view	*rv = data;
	struct wiz_result	 r;

	if (rv->l.n == 0 || rv->v[rv->l.sel].error != NULL)
		return SCR_REDRAW;
	/* Preseeded: the answers file says it all, as debconf's does. */
	if (!wiz_preseeded(t->w))
		return to_forms(t, rv->v[rv->l.sel].id);
	if (wiz_start(t->w, rv->v[rv->l.sel].id, NULL, &r) != 0) {
		/* The reason first: the message line is short. */
		tui_say(t, 1, "%s (f opens the forms)", r.msg);
		wiz_result_clear(&r);
		return SCR_REDRAW;
	}
	tui_said(t, &r);
	wiz_result_clear(&r);
	return tui_goto(t, SCREEN_PLAN) | SCR_FRESH;
}

static int
key_forms(struct tui *t, void *data)
{
	struct runbooks_view	*rv = data;

	if (rv->l.n == 0 || rv->v[rv->l.sel].error != NULL)
		return SCR_REDRAW;
	return to_forms(t, rv->v[rv->l.sel].id);
}

static int
runbooks_match(struct tui *t, void *data, size_t i, const char *pat)
{
	struct runbooks_view	*rv = data;

	(void)t;
	return strcasestr(rv->v[i].id, pat) != NULL ||
	    strcasestr(rv->v[i].title, pat) != NULL;
}

static const struct key_binding runbooks_keys[] = {
	{ '\r', "Enter", "new session: the forms (with --answers: start it)",
	    key_start },
	{ KEY_ENTER, "Enter", "new session", key_start },
	{ KEY_RIGHT, "Right/l", "new session", key_start },
	{ 'l', "l", "new session", key_start },
	{ 'f', "f", "new session through the forms, filled from --answers",
	    key_forms },
};

const struct screen screen_runbooks = {
	.name = "runbooks",
	.title = "Runbooks",
	.enter = runbooks_enter,
	.leave = runbooks_leave,
	.draw = runbooks_draw,
	.list = runbooks_list,
	.match = runbooks_match,
	.keys = runbooks_keys,
	.nkeys = nitems(runbooks_keys),
};
