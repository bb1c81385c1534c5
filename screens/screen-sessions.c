/*
 * screen-sessions.c: the first screen. Every session on disk, open ones
 * first, with its runbook, operator, progress and age; Enter resumes one,
 * n starts a new one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "store.h"
#include "tui.h"
#include "util.h"

struct sessions_view {
	struct store_session	*v;
	size_t			 n;
	size_t			 sel;
	size_t			 top;
};

/* "3 min", "5 h", "2 days" ago. */
static void
age(time_t then, time_t now, char *buf, size_t len)
{
	long	s = (long)sub_sat(now, then);	/* a database may hold any time */

	if (s < 60)
		snprintf(buf, len, "just now");
	else if (s < 3600)
		snprintf(buf, len, "%ld min ago", s / 60);
	else if (s < 86400 * 2)
		snprintf(buf, len, "%ld h ago", s / 3600);
	else
		snprintf(buf, len, "%ld days ago", s / 86400);
}

/* Stable: insertion sort moving open sessions before closed ones. */
static void
open_first(struct store_session *v, size_t n)
{
	struct store_session	x;
	size_t			i, j;

	for (i = 1; i < n; i++) {
		if (v[i].closed)
			continue;
		for (j = i; j > 0 && v[j - 1].closed; j--) {
			x = v[j - 1];
			v[j - 1] = v[j];
			v[j] = x;
		}
	}
}

static void
load(struct tui *t, struct sessions_view *sv)
{
	struct diags	d;

	store_session_list_free(sv->v, sv->n);
	sv->v = NULL;
	sv->n = 0;
	diags_init(&d);
	if (store_session_list(t->st, &sv->v, &sv->n, &d) != 0)
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "cannot list sessions");
	diags_free(&d);
	/* Open ones first, the store's order kept within each. */
	if (sv->n > 1)
		open_first(sv->v, sv->n);
	if (sv->sel >= sv->n)
		sv->sel = sv->n ? sv->n - 1 : 0;
}

static void *
sessions_enter(struct tui *t)
{
	struct sessions_view	*sv = xcalloc(1, sizeof(*sv));
	size_t			 i;

	load(t, sv);
	/* The open session, if one is, under the cursor. */
	for (i = 0; t->ses != NULL && i < sv->n; i++)
		if (sv->v[i].id == t->ses->id)
			sv->sel = i;
	return sv;
}

static void
sessions_leave(struct tui *t, void *data)
{
	struct sessions_view	*sv = data;

	(void)t;
	store_session_list_free(sv->v, sv->n);
	free(sv);
}

static void
sessions_draw(struct tui *t, void *data, int rows, int cols)
{
	struct sessions_view	*sv = data;
	struct store_session	*s;
	char			 line[256], when[32];
	int			 y, list = rows - 4;
	size_t			 i;

	tui_title(t, "fedwiz: sessions (Enter resume, n new, ? help)");
	if (sv->n == 0) {
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No session yet.");
		tui_text(t, 4, 2, cols - 4, TUI_PLAIN, "Press n to start one "
		    "from a runbook, or ? for the keys.");
		return;
	}
	tui_text(t, 2, 2, cols - 4, tui_attr(t, "dim"),
	    "  id  runbook               operator      steps done  last change");
	if (sv->sel < sv->top)
		sv->top = sv->sel;
	if (list > 0 && sv->sel >= sv->top + (size_t)list)
		sv->top = sv->sel - (size_t)list + 1;
	for (i = sv->top, y = 3; i < sv->n && y < 3 + list; i++, y++) {
		s = &sv->v[i];
		age(s->updated, t->now, when, sizeof(when));
		snprintf(line, sizeof(line), "%4lld  %-20.20s  %-12.12s  %5zu%s  "
		    "%s%s", (long long)s->id, s->runbook_id, s->operator,
		    s->ndone, s->nfailed ? " (!)" : "    ", when,
		    s->closed ? "  closed" : "");
		tui_text(t, y, 2, cols - 4, i == sv->sel ? tui_attr(t, "select") :
		    s->closed ? tui_attr(t, "dim") : TUI_PLAIN, line);
	}
}

static int
key_up(struct tui *t, void *data)
{
	struct sessions_view	*sv = data;

	(void)t;
	if (sv->sel > 0)
		sv->sel--;
	return SCR_REDRAW;
}

static int
key_down(struct tui *t, void *data)
{
	struct sessions_view	*sv = data;

	(void)t;
	if (sv->sel + 1 < sv->n)
		sv->sel++;
	return SCR_REDRAW;
}

static int
key_resume(struct tui *t, void *data)
{
	struct sessions_view	*sv = data;

	if (sv->n == 0)
		return SCR_REDRAW;
	if (sv->v[sv->sel].closed) {
		tui_say(t, 1, "Session %lld is closed; its record is "
		    "'fedwiz report --session %lld'.", (long long)
		    sv->v[sv->sel].id, (long long)sv->v[sv->sel].id);
		return SCR_REDRAW;
	}
	if (tui_open_session(t, sv->v[sv->sel].id) == -1)
		return SCR_REDRAW;
	return tui_goto(t, SCREEN_PLAN);
}

static int
key_new(struct tui *t, void *data)
{
	(void)data;
	return tui_goto(t, SCREEN_RUNBOOKS);
}

static const struct key_binding sessions_keys[] = {
	{ KEY_UP, "Up/k", "previous session", key_up },
	{ 'k', "k", "previous session", key_up },
	{ KEY_DOWN, "Down/j", "next session", key_down },
	{ 'j', "j", "next session", key_down },
	{ '\r', "Enter", "resume the session (its plan)", key_resume },
	{ KEY_ENTER, "Enter", "resume the session", key_resume },
	{ 'n', "n", "start a new session from a runbook", key_new },
};

const struct screen screen_sessions = {
	.name = "sessions",
	.title = "Sessions",
	.enter = sessions_enter,
	.leave = sessions_leave,
	.draw = sessions_draw,
	.keys = sessions_keys,
	.nkeys = nitems(sessions_keys),
};
