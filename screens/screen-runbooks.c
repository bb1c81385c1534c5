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

#include "answers.h"
#include "catalog.h"
#include "cli.h"
#include "draft.h"
#include "runbook.h"
#include "session.h"
#include "tui.h"
#include "util.h"

struct rb_row {
	char	*id;
	char	*title;
	size_t	 nprocs;
	size_t	 nsteps;
	char	*error;		/* it does not load: why */
};

struct runbooks_view {
	struct rb_row	*v;
	size_t		 n;
	size_t		 sel;
	size_t		 top;
};

static void *
runbooks_enter(struct tui *t)
{
	struct runbooks_view	*rv = xcalloc(1, sizeof(*rv));
	struct runbook		*rb;
	struct diags		 d;
	char			**files = NULL;
	size_t			 nf = 0, i;

	diags_init(&d);
	if (catalog_files(catalog_dir(t->cli->runbooks), &files, &nf, &d) != 0)
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "no runbooks");
	diags_free(&d);
	rv->v = xcalloc(nf ? nf : 1, sizeof(*rv->v));
	for (i = 0; i < nf; i++) {
		diags_init(&d);
		if (catalog_open(catalog_dir(t->cli->runbooks), files[i], &rb,
		    &d) == 0) {
			rv->v[rv->n].id = xstrdup(rb->id);
			rv->v[rv->n].title = xstrdup(rb->title);
			rv->v[rv->n].nprocs = rb->nprocs;
			rv->v[rv->n].nsteps = rb->nsteps;
			runbook_free(rb);
		} else {
			rv->v[rv->n].id = xstrdup(files[i]);
			rv->v[rv->n].title = xstrdup("(does not load)");
			rv->v[rv->n].error = xstrdup(d.n ? d.v[0].msg : "?");
		}
		rv->n++;
		diags_free(&d);
	}
	catalog_files_free(files, nf);
	return rv;
}

static void
runbooks_leave(struct tui *t, void *data)
{
	struct runbooks_view	*rv = data;
	size_t			 i;

	(void)t;
	for (i = 0; i < rv->n; i++) {
		free(rv->v[i].id);
		free(rv->v[i].title);
		free(rv->v[i].error);
	}
	free(rv->v);
	free(rv);
}

static void
runbooks_draw(struct tui *t, void *data, int rows, int cols)
{
	struct runbooks_view	*rv = data;
	char			 line[512];
	size_t			 i;
	int			 y, list = rows - 4;

	tui_title(t, t->cli->answers != NULL ? "New session: choose the runbook "
	    "(Enter start, f forms, Esc back)" : "New session: choose the "
	    "runbook (Enter next, Esc back)");
	if (rv->n == 0) {
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No runbooks found; give "
		    "--runbooks DIR.");
		return;
	}
	if (rv->sel < rv->top)
		rv->top = rv->sel;
	if (list > 0 && rv->sel >= rv->top + (size_t)list)
		rv->top = rv->sel - (size_t)list + 1;
	for (i = rv->top, y = 2; i < rv->n && y < 2 + list; i++, y++) {
		snprintf(line, sizeof(line), "%-22.22s %3zu procedures %4zu "
		    "steps  %s", rv->v[i].id, rv->v[i].nprocs, rv->v[i].nsteps,
		    rv->v[i].title);
		tui_text(t, y, 2, cols - 4, i == rv->sel ? tui_attr(t,
		    "select") : rv->v[i].error ? tui_attr(t, "dim") : TUI_PLAIN,
		    line);
	}
	if (rv->v[rv->sel].error != NULL)
		tui_text(t, rows - 1, 2, cols - 4, tui_attr(t, "warn"),
		    rv->v[rv->sel].error);
}

static int
key_up(struct tui *t, void *data)
{
	struct runbooks_view	*rv = data;

	(void)t;
	if (rv->sel > 0)
		rv->sel--;
	return SCR_REDRAW;
}

static int
key_down(struct tui *t, void *data)
{
	struct runbooks_view	*rv = data;

	(void)t;
	if (rv->sel + 1 < rv->n)
		rv->sel++;
	return SCR_REDRAW;
}

/*
 * The forms, for runbook id: a new draft (the one there is kept when it
 * is for the same runbook: Esc back and Enter again loses nothing),
 * filled from --answers and --set when given.
 */
static int
to_forms(struct tui *t, const char *id)
{
	struct runbook	*rb;
	struct answers	*ans;
	struct diags	 d;
	size_t		 i;

	if (t->draft != NULL && strcmp(t->draft->rb->id, id) == 0)
		return tui_goto(t, SCREEN_VARS);
	diags_init(&d);
	if (catalog_open(catalog_dir(t->cli->runbooks), id, &rb, &d) == -1) {
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "the runbook does not "
		    "load");
		diags_free(&d);
		return SCR_REDRAW;
	}
	draft_free(t->draft);
	t->draft = draft_new(rb);
	ans = answers_new();
	/* What loads of a file with mistakes is still filled in; the first
	 * mistake is said, and the forms check everything again anyway. */
	if (t->cli->answers != NULL)
		(void)answers_load(ans, rb, t->cli->answers, &d);
	for (i = 0; i < t->cli->nsets; i++)
		(void)answers_set(ans, rb, t->cli->sets[i], &d);
	draft_fill(t->draft, ans);
	answers_free(ans);
	if (d.n > 0 && d.v[0].line > 0)
		tui_say(t, 1, "%s:%d: %s (the rest is filled in)", d.v[0].file,
		    d.v[0].line, d.v[0].msg);
	else if (d.n > 0)
		tui_say(t, 1, "%s: %s (the rest is filled in)", d.v[0].file,
		    d.v[0].msg);
	diags_free(&d);
	return tui_goto(t, SCREEN_VARS);
}

static int
key_start(struct tui *t, void *data)
{
	struct runbooks_view	*rv = data;
	struct diags		 d;
	int64_t			 id;

	if (rv->n == 0 || rv->v[rv->sel].error != NULL)
		return SCR_REDRAW;
	/* Preseeded: the answers file says it all, as debconf's does. */
	if (t->cli->answers == NULL)
		return to_forms(t, rv->v[rv->sel].id);
	diags_init(&d);
	if (session_start(t->st, catalog_dir(t->cli->runbooks),
	    rv->v[rv->sel].id, t->cli->answers, t->cli->sets, t->cli->nsets,
	    t->operator, 0, &id, &d) != 0) {
		/* The reason first: the message line is one line. */
		tui_say(t, 1, "%s (not started; f opens the forms)", d.n ?
		    d.v[0].msg : "the store refused it");
		diags_free(&d);
		return SCR_REDRAW;
	}
	diags_free(&d);
	if (tui_open_session(t, id) == -1)
		return SCR_REDRAW;
	tui_say(t, 0, "Session %lld started.", (long long)id);
	return tui_goto(t, SCREEN_PLAN) | SCR_FRESH;
}

static int
key_forms(struct tui *t, void *data)
{
	struct runbooks_view	*rv = data;

	if (rv->n == 0 || rv->v[rv->sel].error != NULL)
		return SCR_REDRAW;
	return to_forms(t, rv->v[rv->sel].id);
}

static const struct key_binding runbooks_keys[] = {
	{ KEY_UP, "Up/k", "previous runbook", key_up },
	{ 'k', "k", "previous runbook", key_up },
	{ KEY_DOWN, "Down/j", "next runbook", key_down },
	{ 'j', "j", "next runbook", key_down },
	{ '\r', "Enter", "new session: the forms (with --answers: start it)",
	    key_start },
	{ KEY_ENTER, "Enter", "new session", key_start },
	{ 'f', "f", "new session through the forms, filled from --answers",
	    key_forms },
};

const struct screen screen_runbooks = {
	.name = "runbooks",
	.title = "Runbooks",
	.enter = runbooks_enter,
	.leave = runbooks_leave,
	.draw = runbooks_draw,
	.keys = runbooks_keys,
	.nkeys = nitems(runbooks_keys),
};
