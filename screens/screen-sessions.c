/*
 * screen-sessions.c: the first screen. Every session on disk, open ones
 * first: its runbook, who started it, how far it is (steps done of the
 * steps that apply, and the percentage), who has it open now, when its
 * window ends and when it last changed. Enter resumes an open one, or
 * opens a closed one read-only; n starts a new one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "tui.h"
#include "util.h"
#include "wiz.h"

struct sessions_view {
	struct wiz_session_row	*v;
	struct tui_list		 l;
};

/* Stable: insertion sort moving open sessions before closed ones. */
static void
open_first(struct wiz_session_row *v, size_t n)
{
	struct wiz_session_row	x;
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
	char	*msg = NULL;

	wiz_sessions_free(sv->v, sv->l.n);
	sv->v = NULL;
	sv->l.n = 0;
	if (wiz_sessions(t->w, &sv->v, &sv->l.n, &msg) != 0)
		tui_say(t, 1, "%s", msg);
	free(msg);
	/* Open ones first, the store's order kept within each. */
	if (sv->l.n > 1)
		open_first(sv->v, sv->l.n);
	if (sv->l.sel >= sv->l.n)
		sv->l.sel = sv->l.n ? sv->l.n - 1 : 0;
}

static void *
sessions_enter(struct tui *t)
{
	struct sessions_view	*sv = xcalloc(1, sizeof(*sv));
	const struct wiz_info	*in = wiz_info(t->w);
	size_t			 i;
	int64_t			 want;

	load(t, sv);
	/* The open session, if one is, under the cursor; else the one to
	 * resume for real work (never a practice session: it is one move
	 * away, not where Enter lands by default). */
	want = in != NULL ? in->id : wiz_default_session(t->w);
	for (i = 0; want > 0 && i < sv->l.n; i++)
		if (sv->v[i].id == want)
			sv->l.sel = i;
	return sv;
}

static void
sessions_leave(struct tui *t, void *data)
{
	struct sessions_view	*sv = data;

	(void)t;
	wiz_sessions_free(sv->v, sv->l.n);
	free(sv);
}

static struct tui_list *
sessions_list(struct tui *t, void *data)
{
	(void)t;
	return &((struct sessions_view *)data)->l;
}

/* Six columns: "04:00" today, "Mon04" (the hour) within a week, else
 * the month and day "11-22". */
static void
window_end(time_t end, time_t now, char *buf, size_t len)
{
	struct tm	tm, tn;

	if (end == 0) {
		snprintf(buf, len, "-");
		return;
	}
	localtime_r(&end, &tm);
	localtime_r(&now, &tn);
	if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(buf, len, "%H:%M", &tm);
	else if (end > now - 86400 * 6 && end < now + 86400 * 6)
		strftime(buf, len, "%a%H", &tm);
	else
		strftime(buf, len, "%m-%d", &tm);
}

static void
sessions_draw(struct tui *t, void *data, int rows, int cols)
{
	struct sessions_view		*sv = data;
	const struct wiz_session_row	*s;
	char				 line[512], when[48], pct[8], end[24];
	char				 steps[24];
	int				 y, list = rows - 4, wide = cols >= 100;
	int				 rw, ow, hw;
	size_t				 i;

	tui_title(t, "fedwiz: sessions (Enter resume, n new, ? help)");
	if (sv->l.n == 0) {
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No session yet.");
		tui_text(t, 4, 2, cols - 4, TUI_PLAIN, "Press n to start one "
		    "from a runbook, or ? for the keys.");
		return;
	}
	/* The runbook and the operators as wide as they are (a little of
	 * "changed" goes first at 80 columns). */
	for (i = 0, rw = 7, ow = 8, hw = 9; i < sv->l.n; i++) {
		if ((int)strlen(sv->v[i].runbook_id) > rw)
			rw = (int)strlen(sv->v[i].runbook_id);
		if ((int)strlen(sv->v[i].operator) > ow)
			ow = (int)strlen(sv->v[i].operator);
		if (sv->v[i].on != NULL && (int)strlen(sv->v[i].on) > hw)
			hw = (int)strlen(sv->v[i].on);
	}
	rw = rw > (wide ? 30 : 19) ? (wide ? 30 : 19) : rw;
	ow = ow > 12 ? 12 : ow;
	hw = hw > (wide ? 24 : 13) ? (wide ? 24 : 13) : hw;
	snprintf(line, sizeof(line), "  id  %-*s %-*s %9s %4s %-*s %-6s %s",
	    rw, "runbook", ow, "operator", "steps", "", hw, "on it now",
	    "window", "changed");
	tui_text(t, 2, 1, cols - 2, tui_attr(t, "dim"), line);
	tui_list_show(&sv->l, list);
	for (i = sv->l.top, y = 3; i < sv->l.n && y < 3 + list; i++, y++) {
		s = &sv->v[i];
		tui_ago(s->updated, t->now, when, sizeof(when));
		window_end(s->window_end, t->now, end, sizeof(end));
		if (s->steps > 0) {
			snprintf(steps, sizeof(steps), "%zu/%zu", s->done,
			    s->steps);
			snprintf(pct, sizeof(pct), "%3zu%%", s->done * 100 /
			    s->steps);
		} else {
			snprintf(steps, sizeof(steps), "%zu/?", s->done);
			snprintf(pct, sizeof(pct), "  ?");
		}
		/* P after the id: a practice session. */
		snprintf(line, sizeof(line), "%4lld%c %-*.*s %-*.*s %9s %4s%s"
		    "%-*.*s %-6.6s %s", (long long)s->id, s->practice ? 'P' :
		    ' ', rw, rw, s->runbook_id,
		    ow, ow, s->operator, steps, pct, s->failed ? "!" : " ",
		    hw, hw, s->closed ? "(closed)" : s->on ? s->on : "-", end,
		    when);
		tui_text(t, y, 1, cols - 2, i == sv->l.sel ? tui_attr(t,
		    "select") : s->closed ? tui_attr(t, "dim") : TUI_PLAIN,
		    line);
	}
}

static int
key_resume(struct tui *t, void *data)
{
	struct sessions_view	*sv = data;

	if (sv->l.n == 0)
		return SCR_REDRAW;
	return tui_open(t, sv->v[sv->l.sel].id);
}

static int
key_new(struct tui *t, void *data)
{
	(void)data;
	return tui_goto(t, SCREEN_RUNBOOKS);
}

static int
sessions_match(struct tui *t, void *data, size_t i, const char *pat)
{
	struct sessions_view	*sv = data;
	char			 id[24];

	(void)t;
	snprintf(id, sizeof(id), "%lld", (long long)sv->v[i].id);
	return strcasestr(sv->v[i].runbook_id, pat) != NULL ||
	    strcasestr(sv->v[i].operator, pat) != NULL || strcmp(id, pat) == 0;
}

static const struct key_binding sessions_keys[] = {
	{ '\r', "Enter", "resume the session (a closed one: read-only)",
	    key_resume },
	{ KEY_ENTER, "Enter", "resume the session", key_resume },
	{ KEY_RIGHT, "Right/l", "resume the session", key_resume },
	{ 'l', "l", "resume the session", key_resume },
	{ 'n', "n", "start a new session from a runbook", key_new },
};

const struct screen screen_sessions = {
	.name = "sessions",
	.title = "Sessions",
	.legend = "steps: done or skipped of those that apply, and the share; "
	    "! some failed. on it now: the console that has it open. window: "
	    "when its maintenance window ends. A closed session opens "
	    "read-only. P after the id: a practice session (started on a "
	    "training lab's answers): its record is not a change record, and "
	    "it is never the session offered first.",
	.enter = sessions_enter,
	.leave = sessions_leave,
	.draw = sessions_draw,
	.list = sessions_list,
	.match = sessions_match,
	.keys = sessions_keys,
	.nkeys = nitems(sessions_keys),
};
