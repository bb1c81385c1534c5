/*
 * screen-plan.c: the session's procedures in plan order, one line per
 * instance (a procedure on one host): its status, host, steps done, and
 * what blocks it. Enter opens the procedure.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "plan.h"
#include "session.h"
#include "tui.h"
#include "util.h"

struct plan_view {
	size_t	sel;
	size_t	top;
};

static const char *
mark(const struct tui *t, const struct plan_inst *in)
{
	if (in->applies == T_FALSE)
		return "  ";
	switch (in->status) {
	case INST_DONE:
		return t->ascii ? "ok" : "\u2713 ";
	case INST_FAILED:
		return "!!";
	case INST_IN_PROGRESS:
		return t->ascii ? ">>" : "\u25b6 ";
	case INST_READY:
		return "..";
	case INST_BLOCKED:
		return "--";
	case INST_SKIPPED:
		return "sk";
	}
	return "  ";
}

static void *
plan_enter(struct tui *t)
{
	struct plan_view	*pv = xcalloc(1, sizeof(*pv));
	const struct plan	*pl = t->ses->plan;
	const struct plan_inst	*in;
	size_t			 i, step;

	/* The cursor on where the operator is, else on what is next. */
	for (i = 0; i < pl->n; i++)
		if (t->proc != NULL && strcmp(pl->inst[i].proc->id, t->proc) ==
		    0 && (t->host == NULL) == (pl->inst[i].host == NULL) &&
		    (t->host == NULL || strcmp(pl->inst[i].host->name,
		    t->host) == 0))
			break;
	if (i == pl->n && session_next(t->ses, &in, &step))
		i = (size_t)(in - pl->inst);
	pv->sel = i < pl->n ? i : 0;
	return pv;
}

static void
plan_leave(struct tui *t, void *data)
{
	(void)t;
	free(data);
}

static void
plan_draw(struct tui *t, void *data, int rows, int cols)
{
	struct plan_view	*pv = data;
	const struct plan	*pl = t->ses->plan;
	const struct plan_inst	*in;
	char			 line[512], by[200], title[160];
	size_t			 i, k, nst, fin;
	int			 y, list = rows - 3, attr;

	snprintf(title, sizeof(title), "%s: plan (Enter open, ? help)",
	    t->ses->rb->title);
	tui_title(t, title);
	if (pv->sel < pv->top)
		pv->top = pv->sel;
	if (list > 0 && pv->sel >= pv->top + (size_t)list)
		pv->top = pv->sel - (size_t)list + 1;
	for (i = pv->top, y = 2; i < pl->n && y < 2 + list; i++, y++) {
		in = &pl->inst[i];
		by[0] = '\0';
		if (in->applies == T_FALSE)
			snprintf(by, sizeof(by), "  not for this site");
		else if (in->nneeds > 0)
			snprintf(by, sizeof(by), "  needs an answer for %s",
			    in->needs[0]);
		else if (in->status == INST_BLOCKED && in->nblocked > 0) {
			snprintf(by, sizeof(by), "  after %s%s%s",
			    pl->inst[plan_blocker(pl, in, 0)].proc->id,
			    pl->inst[plan_blocker(pl, in, 0)].host ? "@" : "",
			    pl->inst[plan_blocker(pl, in, 0)].host ?
			    pl->inst[plan_blocker(pl, in, 0)].host->name : "");
		}
		/* Of the steps that apply here, how many are finished. */
		for (k = 0, nst = 0, fin = 0; k < in->proc->nsteps; k++) {
			if (in->step_na[k])
				continue;
			nst++;
			fin += in->steps[k] == STEP_DONE ||
			    in->steps[k] == STEP_SKIPPED;
		}
		snprintf(line, sizeof(line), "%s %-40.40s %-10.10s %3zu/%-3zu%s",
		    mark(t, in), in->proc->title, in->host ? in->host->name :
		    "", fin, nst, by);
		attr = i == pv->sel ? tui_attr(t, "select") :
		    in->status == INST_FAILED ? tui_attr(t, "fail") :
		    in->status == INST_DONE ? tui_attr(t, "done") :
		    in->status == INST_BLOCKED || in->applies == T_FALSE ?
		    tui_attr(t, "dim") : TUI_PLAIN;
		tui_text(t, y, 1, cols - 2, attr, line);
	}
}

static int
plan_move(struct plan_view *pv, size_t n, long d)
{
	long	s = (long)pv->sel + d;

	if (s < 0)
		s = 0;
	if (n > 0 && s >= (long)n)
		s = (long)n - 1;
	pv->sel = (size_t)s;
	return SCR_REDRAW;
}

static int
key_up(struct tui *t, void *data)
{
	return plan_move(data, t->ses->plan->n, -1);
}

static int
key_down(struct tui *t, void *data)
{
	return plan_move(data, t->ses->plan->n, 1);
}

static int
key_pgup(struct tui *t, void *data)
{
	return plan_move(data, t->ses->plan->n, -(long)(t->rows - 5));
}

static int
key_pgdn(struct tui *t, void *data)
{
	return plan_move(data, t->ses->plan->n, (long)(t->rows - 5));
}

static int
key_open(struct tui *t, void *data)
{
	struct plan_view	*pv = data;
	const struct plan_inst	*in = &t->ses->plan->inst[pv->sel];
	size_t			 k, step = 1;

	if (t->ses->plan->n == 0)
		return SCR_REDRAW;
	/* The first step still to do, else the first. */
	for (k = 0; k < in->proc->nsteps; k++)
		if (!in->step_na[k] && in->steps[k] == STEP_PENDING) {
			step = k + 1;
			break;
		}
	tui_set_position(t, in->proc->id, in->host ? in->host->name : NULL,
	    step);
	return tui_goto(t, SCREEN_PROC);
}

static int
key_next(struct tui *t, void *data)
{
	struct plan_view	*pv = data;
	const struct plan_inst	*in;
	size_t			 step;

	if (!session_next(t->ses, &in, &step)) {
		tui_say(t, 0, "Nothing is ready: every procedure is done, "
		    "skipped, or waiting on one that failed.");
		return SCR_REDRAW;
	}
	pv->sel = (size_t)(in - t->ses->plan->inst);
	return SCR_REDRAW;
}

static int
key_report(struct tui *t, void *data)
{
	(void)data;
	return tui_goto(t, SCREEN_REPORT);
}

static int
key_console(struct tui *t, void *data)
{
	(void)data;
	return tui_goto(t, SCREEN_CONSOLE);
}

static const struct key_binding plan_keys[] = {
	{ KEY_UP, "Up/k", "previous procedure", key_up },
	{ 'k', "k", "previous procedure", key_up },
	{ KEY_DOWN, "Down/j", "next procedure", key_down },
	{ 'j', "j", "next procedure", key_down },
	{ KEY_PPAGE, "PgUp", "a page up", key_pgup },
	{ KEY_NPAGE, "PgDn", "a page down", key_pgdn },
	{ '\r', "Enter", "open the procedure", key_open },
	{ KEY_ENTER, "Enter", "open the procedure", key_open },
	{ KEY_RIGHT, "Right/l", "open the procedure", key_open },
	{ 'l', "l", "open the procedure", key_open },
	{ 'n', "n", "go to what is next", key_next },
	{ 'R', "R", "the change record (preview, export)", key_report },
	{ 'o', "o", "the check console (the last run)", key_console },
};

const struct screen screen_plan = {
	.name = "plan",
	.title = "Plan",
	.enter = plan_enter,
	.leave = plan_leave,
	.draw = plan_draw,
	.keys = plan_keys,
	.nkeys = nitems(plan_keys),
};
