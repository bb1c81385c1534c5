/*
 * screen-plan.c: the session's procedures in plan order, one line per
 * instance (a procedure on one host): its status, title (as wide as the
 * window allows), host, steps done, and what blocks it. Under the list,
 * the selected one whole: its title, host and everything it waits for.
 * Enter opens the procedure; / searches titles, ids and hosts; : goes to
 * a procedure by its id.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui.h"
#include "util.h"
#include "wiz.h"

struct plan_view {
	struct tui_list	l;
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

/* Select instance in, proc@host. */
static void
select_inst(struct tui *t, struct plan_view *pv, const char *proc,
    const char *host)
{
	const struct plan	*pl = wiz_plan(t->w);
	size_t			 i;

	for (i = 0; i < pl->n; i++)
		if (proc != NULL && strcmp(pl->inst[i].proc->id, proc) == 0 &&
		    (host == NULL) == (pl->inst[i].host == NULL) &&
		    (host == NULL || strcmp(pl->inst[i].host->name, host) == 0)) {
			pv->l.sel = i;
			return;
		}
}

static void *
plan_enter(struct tui *t)
{
	struct plan_view	*pv = xcalloc(1, sizeof(*pv));
	const struct plan	*pl = wiz_plan(t->w);
	const struct plan_inst	*in;
	size_t			 step;

	if (pl == NULL)
		return pv;
	pv->l.n = pl->n;
	/* The cursor on where the operator is, else on what is next. */
	pv->l.sel = pl->n;
	select_inst(t, pv, tui_proc(t), tui_host(t));
	if (pv->l.sel == pl->n && wiz_next(t->w, &in, &step))
		pv->l.sel = (size_t)(in - pl->inst);
	if (pv->l.sel >= pl->n)
		pv->l.sel = 0;
	return pv;
}

static void
plan_leave(struct tui *t, void *data)
{
	(void)t;
	free(data);
}

static struct tui_list *
plan_list(struct tui *t, void *data)
{
	struct plan_view	*pv = data;
	const struct plan	*pl = wiz_plan(t->w);

	pv->l.n = pl != NULL ? pl->n : 0;
	return &pv->l;
}

/* Steps that apply to in, and how many of them are finished. */
static void
counts(const struct plan_inst *in, size_t *nst, size_t *fin)
{
	size_t	k;

	for (k = 0, *nst = 0, *fin = 0; k < in->proc->nsteps; k++) {
		if (in->step_na[k])
			continue;
		(*nst)++;
		*fin += in->steps[k] == STEP_DONE || in->steps[k] == STEP_SKIPPED;
	}
}

/* What in waits for, in words ("after install-ca-chain@fe1"). */
static void
waits_for(const struct plan *pl, const struct plan_inst *in, int all,
    char *buf, size_t len)
{
	char	name[200];
	size_t	i, n = 0;

	buf[0] = '\0';
	if (in->applies == T_FALSE)
		snprintf(buf, len, "not for this site");
	else if (in->nneeds > 0)
		snprintf(buf, len, "needs an answer for %s", in->needs[0]);
	else if (in->nstep_needs > 0 && in->status != INST_BLOCKED)
		snprintf(buf, len, "needs an answer for %s",
		    plan_need_name(&in->step_needs[0], name, sizeof(name)));
	else if (in->status == INST_BLOCKED && in->nblocked > 0) {
		n = (size_t)snprintf(buf, len, "after ");
		for (i = 0; i < in->nblocked && n < len; i++) {
			if (!all && i > 0) {
				snprintf(buf + n, len - n, " and %zu more",
				    in->nblocked - 1);
				break;
			}
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " :
			    "", plan_inst_name(&pl->inst[plan_blocker(pl, in,
			    i)], name, sizeof(name)));
		}
	}
}

static void
plan_draw(struct tui *t, void *data, int rows, int cols)
{
	struct plan_view	*pv = data;
	const struct plan	*pl = wiz_plan(t->w);
	const struct wiz_info	*info = wiz_info(t->w);
	const struct plan_inst	*in;
	char			 line[1024], by[600], title[400], host[80];
	char			 cnt[32], *c;
	size_t			 i, nst, fin;
	int			 y, list, attr, hw = 4, tw, detail, legend, any;

	if (pl == NULL) {
		tui_title(t, "Plan");
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No session is open. Esc "
		    "goes back.");
		return;
	}
	/* The runbook's title gives way to what the screen is. */
	snprintf(by, sizeof(by), ": plan (Enter open, ? help)%s",
	    info->readonly ? " READ-ONLY" : "");
	c = xstrdup(info->runbook_title);
	tw = tui_width(c) < cols - 2 - tui_width(by) ? tui_width(c) :
	    cols - 2 - tui_width(by);
	tui_fit(t, c, tw > 8 ? tw : 8, title, sizeof(title));
	free(c);
	snprintf(line, sizeof(line), "%s%s", title, by);
	tui_title(t, line);
	/* Under the list: the selected one whole, then the legend, when the
	 * window has the room. */
	detail = rows >= 14 ? 3 : 0;
	legend = rows >= 18 ? 1 : 0;
	list = rows - 2 - detail - legend;
	if (list < 1)
		list = 1;
	/* The host column keeps its width: fe1 and fe2 must stay apart. */
	for (i = 0; i < pl->n; i++)
		if (pl->inst[i].host != NULL &&
		    tui_width(pl->inst[i].host->name) > hw)
			hw = tui_width(pl->inst[i].host->name);
	if (hw > 16)
		hw = 16;
	/* The title gets what it needs of what is left, leaving room for a
	 * short "after ..." when something waits. */
	for (i = 0, tw = 8, any = 0; i < pl->n; i++) {
		if (tui_width(pl->inst[i].proc->title) > tw)
			tw = tui_width(pl->inst[i].proc->title);
		any |= pl->inst[i].status == INST_BLOCKED ||
		    pl->inst[i].nneeds > 0 || pl->inst[i].applies == T_FALSE;
	}
	if (tw > cols - 2 - 3 - (hw + 1) - 8 - (any ? 18 : 0))
		tw = cols - 2 - 3 - (hw + 1) - 8 - (any ? 18 : 0);
	if (tw < 12)
		tw = 12;
	pv->l.n = pl->n;
	tui_list_show(&pv->l, list);
	for (i = pv->l.top, y = 2; i < pl->n && y < 2 + list; i++, y++) {
		in = &pl->inst[i];
		waits_for(pl, in, 0, by, sizeof(by));
		counts(in, &nst, &fin);
		snprintf(cnt, sizeof(cnt), "%3zu/%-3zu", fin, nst);
		c = xstrdup(in->proc->title);
		tui_fit(t, c, tw, title, sizeof(title));
		free(c);
		tui_fit(t, in->host ? in->host->name : "", hw, host,
		    sizeof(host));
		snprintf(line, sizeof(line), "%s %s %s %s%s%s", mark(t, in),
		    title, host, cnt, by[0] ? "  " : "", by);
		attr = i == pv->l.sel ? tui_attr(t, "select") :
		    in->status == INST_FAILED ? tui_attr(t, "fail") :
		    in->status == INST_DONE ? tui_attr(t, "done") :
		    in->status == INST_BLOCKED || in->applies == T_FALSE ?
		    tui_attr(t, "dim") : TUI_PLAIN;
		tui_text_clean(t, y, 1, cols - 2, attr, line);
	}
	if (detail > 0 && pv->l.sel < pl->n) {
		in = &pl->inst[pv->l.sel];
		y = rows - detail - legend;
		tui_hline(t, y++);
		waits_for(pl, in, 1, by, sizeof(by));
		snprintf(line, sizeof(line), "%s (%s%s%s), %s%s%s", in->proc->title,
		    in->proc->id, in->host ? " on " : "", in->host ?
		    in->host->name : "", plan_status_name(in->status),
		    by[0] ? ": " : "", by);
		c = xstrdup(line);
		tui_wrap(t, y, rows - legend, 1, cols - 2, tui_attr(t, "dim"), c);
		free(c);
	}
	if (legend)
		tui_text(t, rows - 1, 1, cols - 2, tui_attr(t, "dim"), t->ascii ?
		    "ok done  >> in progress  .. ready  -- blocked  !! failed  "
		    "sk skipped" : "\u2713 done  \u25b6 in progress  .. ready  "
		    "-- blocked  !! failed  sk skipped");
}

static int
key_open(struct tui *t, void *data)
{
	struct plan_view	*pv = data;
	const struct plan	*pl = wiz_plan(t->w);
	const struct plan_inst	*in;
	size_t			 k, step = 1;

	if (pl == NULL || pl->n == 0 || pv->l.sel >= pl->n)
		return SCR_REDRAW;
	in = &pl->inst[pv->l.sel];
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

	if (!wiz_next(t->w, &in, &step)) {
		tui_say(t, 0, "Nothing is ready: every procedure is done, "
		    "skipped, or waiting on one that failed.");
		return SCR_REDRAW;
	}
	pv->l.sel = (size_t)(in - wiz_plan(t->w)->inst);
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

static int
key_answers(struct tui *t, void *data)
{
	(void)data;
	return tui_goto(t, SCREEN_ANSWERS);
}

static int
key_drift(struct tui *t, void *data)
{
	(void)data;
	memset(&t->pending, 0, sizeof(t->pending));
	return tui_confirm_drift(t);
}

/* : then an id: the procedure (proc or proc@host; a unique start of an
 * id will do), selected. */
static int
on_jump(struct tui *t, const char *id)
{
	struct plan_view	*pv = t->data;
	size_t			 n;
	long			 hit;

	if (id == NULL || *id == '\0')
		return SCR_REDRAW;
	if ((hit = tui_inst_by_id(t, id, &n)) == -1) {
		tui_say(t, 1, "No procedure \"%s\" in this plan (/ searches "
		    "titles too).", id);
		return SCR_REDRAW;
	}
	pv->l.sel = (size_t)hit;
	if (n > 1)
		tui_say(t, 0, "%zu procedures start with \"%s\": the first is "
		    "selected.", n, id);
	return SCR_REDRAW;
}

static int
key_jump(struct tui *t, void *data)
{
	(void)data;
	return tui_ask(t, "Go to procedure (id, or id@host):", NULL, 0,
	    on_jump);
}

static int
plan_match(struct tui *t, void *data, size_t i, const char *pat)
{
	const struct plan	*pl = wiz_plan(t->w);
	const struct plan_inst	*in = &pl->inst[i];

	(void)data;
	return strcasestr(in->proc->title, pat) != NULL ||
	    strcasestr(in->proc->id, pat) != NULL ||
	    (in->host != NULL && strcasestr(in->host->name, pat) != NULL);
}

static const struct key_binding plan_keys[] = {
	{ '\r', "Enter", "open the procedure", key_open },
	{ KEY_ENTER, "Enter", "open the procedure", key_open },
	{ KEY_RIGHT, "Right/l", "open the procedure", key_open },
	{ 'l', "l", "open the procedure", key_open },
	{ 'n', "n", "go to what is next", key_next },
	{ ':', ":", "go to a procedure by its id", key_jump },
	{ 'R', "R", "the change record (preview, export)", key_report },
	{ 'o', "o", "the check console (the last run)", key_console },
	{ 'A', "A", "the answers and hosts of the session (change a value)",
	    key_answers },
	{ 'D', "D", "the runbook's change since the session began, to accept",
	    key_drift },
};

const struct screen screen_plan = {
	.name = "plan",
	.title = "Plan",
	.legend = "Marks: \u2713 (ok) done, \u25b6 (>>) in progress, .. ready, "
	    "-- blocked (after what), !! failed, sk skipped; blank: not for "
	    "this site. n/m: steps finished of the steps that apply here.",
	.enter = plan_enter,
	.leave = plan_leave,
	.draw = plan_draw,
	.list = plan_list,
	.match = plan_match,
	.keys = plan_keys,
	.nkeys = nitems(plan_keys),
};
