/*
 * screen-proc.c: one procedure instance. Its steps in order with their
 * state, the current one marked and shown whole below: the instruction
 * and command with the operator's values filled in, its note and how it
 * is checked. d, s, f and r record the step through the session (and so
 * the store) and the screen shows what the store then says.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "answers.h"
#include "clean.h"
#include "cli.h"
#include "plan.h"
#include "planview.h"
#include "session.h"
#include "store.h"
#include "template.h"
#include "tui.h"
#include "util.h"

struct proc_view {
	unsigned		 seen;	/* t->ses_gen that in and ev are of */
	const struct plan_inst	*in;
	struct scope		 sc;
	size_t			 cur;	/* 0-based */
	size_t			 top;
	int			 info;	/* the procedure's notes, not the step */
	size_t			 info_top;	/* scrolled to */
	size_t			 info_lines;	/* at the last draw */
};

/* The instance the operator is on: t->proc@t->host. */
static const struct plan_inst *
find_inst(struct tui *t)
{
	return t->proc != NULL ? session_inst(t->ses, t->proc, t->host) : NULL;
}

/* The session is read again after every transition (and after checks
 * finish, maybe while another screen is up): find the instance in the
 * current one when it changed. */
static void
sync(struct tui *t, struct proc_view *pv)
{
	if (pv->seen == t->ses_gen)
		return;
	pv->seen = t->ses_gen;
	pv->in = find_inst(t);
	if (pv->in != NULL)
		plan_inst_scope(t->ses->plan, pv->in, &pv->sc);
}

static void *
proc_enter(struct tui *t)
{
	struct proc_view	*pv = xcalloc(1, sizeof(*pv));

	sync(t, pv);
	if (pv->in != NULL && t->step > 0 && t->step <= pv->in->proc->nsteps)
		pv->cur = t->step - 1;
	return pv;
}

static void
proc_leave(struct tui *t, void *data)
{
	(void)t;
	free(data);
}

/* The last evidence of the current step's checks, newest first. */
static int
evidence(struct tui *t, struct proc_view *pv, int y, int ymax, int cols)
{
	const struct store_check	*c;
	char				 line[512], *m;
	size_t				 i, shown = 0;

	for (i = t->nevid; i-- > 0 && y < ymax && shown < 4;) {
		c = &t->evid[i];
		if (c->step != pv->cur + 1 || strcmp(c->proc, t->proc) != 0 ||
		    strcmp(c->host, t->host ? t->host : "") != 0)
			continue;
		m = clean_str(c->message ? c->message : "", c->message ?
		    strlen(c->message) : 0);
		snprintf(line, sizeof(line), "%s %s %s%s%s", strcmp(c->result,
		    "pass") == 0 ? "PASS" : strcmp(c->result, "fail") == 0 ?
		    "FAIL" : "ERROR", c->kind, c->target, *m ? ": " : "", m);
		free(m);
		y = tui_wrap(t, y, ymax, 1, cols - 2, strcmp(c->result, "pass") ==
		    0 ? tui_attr(t, "done") : tui_attr(t, "fail"), line);
		shown++;
	}
	return y;
}

static const char *
step_mark(const struct tui *t, const struct plan_inst *in, size_t k)
{
	if (in->step_na[k])
		return "n/a";
	switch (in->steps[k]) {
	case STEP_DONE:
		return t->ascii ? "[x]" : "[\u2713]";
	case STEP_SKIPPED:
		return "[s]";
	case STEP_FAILED:
		return "[!]";
	case STEP_PENDING:
		break;
	}
	return "[ ]";
}

/* Text filled in with the session's values and cleaned for the screen. */
static char *
filled(struct proc_view *pv, const char *s)
{
	char	*x, *c;

	if (s == NULL)
		return NULL;
	x = tmpl_expand(s, scope_lookup, &pv->sc);
	c = clean_str(x, strlen(x));
	free(x);
	return c;
}

/* The procedure's own text as lines, wrapped to the width, drawn from a
 * scroll position: it is often longer than the screen. */
struct lines {
	char	**v;
	int	 *attr;
	size_t	  n;
};

static void
lines_add(struct lines *l, int attr, int indent, int w, const char *text)
{
	const char	*p = text, *line;
	int		 n;

	w -= indent;
	if (w < 10)
		w = 10;
	while (*p != '\0') {
		n = tui_line_next(&p, w, &line);
		l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
		l->attr = xreallocarray(l->attr, l->n + 1, sizeof(*l->attr));
		l->v[l->n] = xasprintf("%*s%.*s", indent, "", n, line);
		l->attr[l->n++] = attr;
	}
}

static void
lines_free(struct lines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->attr);
}

/* A parameter table, one row per line: "column: value; ..." so that it
 * reads at any width. */
static void
table_lines(struct tui *t, struct proc_view *pv, struct lines *l, int cols,
    const struct rb_table *tb)
{
	char	line[1024], *x;
	size_t	r, c, n;

	if (tb->title != NULL) {
		x = filled(pv, tb->title);
		lines_add(l, tui_attr(t, "title"), 1, cols - 2, x);
		free(x);
	}
	for (r = 0; r < tb->nrows; r++) {
		for (c = 0, n = 0; c < tb->columns.n && n < sizeof(line); c++) {
			x = filled(pv, tb->cells[r * tb->columns.n + c]);
			n += (size_t)snprintf(line + n, sizeof(line) - n,
			    "%s%s: %s", c ? "; " : "", tb->columns.v[c], x);
			free(x);
		}
		lines_add(l, TUI_PLAIN, 3, cols - 2, line);
	}
}

/* The procedure's own text: what it is for, before you begin, its note,
 * tips, troubleshooting and table (i toggles it with the step; Up and
 * Down scroll it). */
static void
info_draw(struct tui *t, struct proc_view *pv, int y, int ymax, int cols)
{
	const struct rb_proc	*p = pv->in->proc;
	const struct {
		const char	*label;
		const char	*text;
	} parts[] = {
		{ "About", p->intro },
		{ "Before you begin", p->before },
		{ "Note", p->note },
		{ "Tips", p->tips },
		{ "Troubleshooting", p->troubleshooting },
		{ "Next", p->next },
	};
	struct lines	 l;
	char		*x;
	size_t		 i;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < nitems(parts); i++) {
		if (parts[i].text == NULL)
			continue;
		lines_add(&l, tui_attr(t, "title"), 1, cols - 2, parts[i].label);
		x = filled(pv, parts[i].text);
		lines_add(&l, TUI_PLAIN, 1, cols - 2, x);
		free(x);
	}
	if (p->table != NULL)
		table_lines(t, pv, &l, cols, p->table);
	if (l.n == 0)
		lines_add(&l, tui_attr(t, "dim"), 1, cols - 2, "This procedure "
		    "has no notes of its own (i goes back to the step).");
	if (pv->info_top >= l.n)
		pv->info_top = l.n - 1;
	pv->info_lines = l.n;
	for (i = pv->info_top; i < l.n && y < ymax; i++, y++)
		tui_text(t, y, 0, cols, l.attr[i], l.v[i]);
	lines_free(&l);
}

static void
proc_draw(struct tui *t, void *data, int rows, int cols)
{
	struct proc_view	*pv = data;
	const struct plan_inst	*in;
	const struct rb_step	*s;
	struct lines		 tl;
	char			 title[256], line[512], *x;
	size_t			 k, i;
	int			 y, list, detail;

	sync(t, pv);
	in = pv->in;
	if (in == NULL) {
		tui_title(t, "Procedure");
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "This procedure is no "
		    "longer in the plan (the runbook changed). Esc goes back.");
		return;
	}
	snprintf(title, sizeof(title), "%s%s%s (%s)", in->proc->title,
	    in->host ? " on " : "", in->host ? in->host->name : "",
	    plan_status_name(in->status));
	tui_title(t, title);
	/* The step list takes up to a third of the screen. */
	list = (rows - 2) / 3;
	if ((size_t)list > in->proc->nsteps)
		list = (int)in->proc->nsteps;
	if (list < 1)
		list = 1;
	if (pv->cur < pv->top)
		pv->top = pv->cur;
	if (pv->cur >= pv->top + (size_t)list)
		pv->top = pv->cur - (size_t)list + 1;
	for (k = pv->top, y = 1; k < in->proc->nsteps && y < 1 + list; k++, y++) {
		x = filled(pv, in->proc->steps[k].do_);
		snprintf(line, sizeof(line), "%s %2zu %s", step_mark(t, in, k),
		    k + 1, x);
		free(x);
		tui_text(t, y, 1, cols - 2, k == pv->cur ? tui_attr(t,
		    "select") : in->steps[k] == STEP_FAILED ? tui_attr(t,
		    "fail") : in->step_na[k] ? tui_attr(t, "dim") : TUI_PLAIN,
		    line);
	}
	tui_hline(t, y++);
	detail = rows;
	if (pv->info) {
		/* The whole screen below the title: the notes are long. */
		for (k = 1; k < (size_t)y; k++)
			mvhline((int)k, 0, ' ', cols);
		snprintf(line, sizeof(line), "%s: notes (i back to the steps, "
		    "Up/Down scroll)", in->proc->title);
		tui_text(t, 1, 1, cols - 2, tui_attr(t, "dim"), line);
		info_draw(t, pv, 2, detail, cols);
		return;
	}
	s = &in->proc->steps[pv->cur];
	snprintf(line, sizeof(line), "Step %zu of %zu%s%s", pv->cur + 1,
	    in->proc->nsteps, in->step_na[pv->cur] ? " (does not apply here)" :
	    "", in->proc->intro || in->proc->before || in->proc->note ||
	    in->proc->tips || in->proc->troubleshooting || in->proc->table ?
	    "   (i: the procedure's notes)" : "");
	tui_text(t, y++, 1, cols - 2, tui_attr(t, "title"), line);
	x = filled(pv, s->do_);
	y = tui_wrap(t, y, detail, 1, cols - 2, TUI_PLAIN, x);
	free(x);
	if (s->command != NULL) {
		x = filled(pv, s->command);
		y = tui_wrap(t, y + (y < detail), detail, 3, cols - 4,
		    tui_attr(t, "command"), x);
		free(x);
	}
	if (s->note != NULL) {
		x = filled(pv, s->note);
		y = tui_wrap(t, y, detail, 1, cols - 2, tui_attr(t, "dim"), x);
		free(x);
	}
	if (s->table != NULL) {
		memset(&tl, 0, sizeof(tl));
		table_lines(t, pv, &tl, cols, s->table);
		for (i = 0; i < tl.n && y < detail; i++)
			tui_text(t, y++, 0, cols, tl.attr[i], tl.v[i]);
		lines_free(&tl);
	}
	for (i = 0; i < s->nsteps && y < detail; i++) {
		x = filled(pv, s->steps[i].do_);
		snprintf(line, sizeof(line), "  %c. %s", (int)('a' + i % 26), x);
		free(x);
		y = tui_wrap(t, y, detail, 1, cols - 2, TUI_PLAIN, line);
	}
	for (i = 0; i < s->nchecks && y < detail; i++) {
		x = planview_check_summary(&s->checks[i], &pv->sc);
		snprintf(line, sizeof(line), "check: %s%s", x, s->checks[i].kind ==
		    CK_MANUAL ? "" : "  (c runs it)");
		free(x);
		y = tui_wrap(t, y, detail, 1, cols - 2, tui_attr(t, "dim"), line);
	}
	evidence(t, pv, y, detail, cols);
}

static int
key_up(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	sync(t, pv);
	if (pv->info) {
		if (pv->info_top > 0)
			pv->info_top--;
		return SCR_REDRAW;
	}
	if (pv->in != NULL && pv->cur > 0) {
		pv->cur--;
		tui_set_position(t, t->proc, t->host, pv->cur + 1);
	}
	return SCR_REDRAW;
}

static int
key_down(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	sync(t, pv);
	if (pv->info) {
		if (pv->info_top + 1 < pv->info_lines)
			pv->info_top++;
		return SCR_REDRAW;
	}
	if (pv->in != NULL && pv->cur + 1 < pv->in->proc->nsteps) {
		pv->cur++;
		tui_set_position(t, t->proc, t->host, pv->cur + 1);
	}
	return SCR_REDRAW;
}

/* Record the current step through the session, then show what the store
 * says: the session is read again, so the screen never shows a state the
 * disk does not have. */
static int
record(struct tui *t, struct proc_view *pv, enum step_status to,
    int need_note)
{
	struct step_request	 r;
	struct diags		 d;
	char			 note[256];
	int64_t			 id = t->ses->id;
	size_t			 step = pv->cur + 1;
	int			 changed = 0, rc;

	sync(t, pv);
	if (pv->in == NULL)
		return SCR_REDRAW;
	note[0] = '\0';
	if (need_note && (tui_ask(t, to == STEP_SKIPPED ? "Why skip it?" :
	    "What failed?", NULL, note, sizeof(note)) == -1 ||
	    note[0] == '\0')) {
		tui_say(t, 1, "Not recorded: a %s needs a note.", to ==
		    STEP_SKIPPED ? "skip" : "failure");
		return SCR_REDRAW;
	}
	memset(&r, 0, sizeof(r));
	r.proc = t->proc;
	r.host = t->host;
	r.step = step;
	r.to = to;
	r.note = note[0] ? note : NULL;
	r.operator = t->operator;
	diags_init(&d);
	rc = session_step(t->ses, &r, &changed, &d);
	if (rc != 0) {
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "not recorded");
		diags_free(&d);
		return SCR_REDRAW;
	}
	/* Another console got there first: say who and when (the store's
	 * words), and show the step as it is. */
	if (!changed && d.n > 0)
		tui_say(t, 0, "%s", d.v[0].msg);
	diags_free(&d);
	if (tui_open_session(t, id) == -1)
		return SCR_REDRAW;
	sync(t, pv);
	if (pv->in == NULL)
		return SCR_REDRAW;
	if (changed)
		tui_say(t, 0, "Step %zu %s.", step, to == STEP_DONE ? "done" :
		    to == STEP_SKIPPED ? "skipped" : to == STEP_FAILED ?
		    "failed" : "reopened");
	/* On to the next step that is still to do. */
	if (to == STEP_DONE || to == STEP_SKIPPED)
		while (pv->cur + 1 < pv->in->proc->nsteps &&
		    (pv->in->step_na[pv->cur] || pv->in->steps[pv->cur] !=
		    STEP_PENDING))
			pv->cur++;
	tui_set_position(t, t->proc, t->host, pv->cur + 1);
	return SCR_REDRAW;
}

static int
key_done(struct tui *t, void *data)
{
	return record(t, data, STEP_DONE, 0);
}

static int
key_skip(struct tui *t, void *data)
{
	return record(t, data, STEP_SKIPPED, 1);
}

static int
key_fail(struct tui *t, void *data)
{
	return record(t, data, STEP_FAILED, 1);
}

static int
key_reopen(struct tui *t, void *data)
{
	return record(t, data, STEP_PENDING, 0);
}

static int
key_check(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	sync(t, pv);
	if (pv->in == NULL)
		return SCR_REDRAW;
	return tui_check_step(t, pv->cur + 1);
}

static int
key_console(struct tui *t, void *data)
{
	(void)data;
	return tui_goto(t, SCREEN_CONSOLE);
}

static int
key_info(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	(void)t;
	pv->info = !pv->info;
	pv->info_top = 0;
	return SCR_REDRAW;
}

static const struct key_binding proc_keys[] = {
	{ KEY_UP, "Up/k", "previous step", key_up },
	{ 'k', "k", "previous step", key_up },
	{ KEY_DOWN, "Down/j", "next step", key_down },
	{ 'j', "j", "next step", key_down },
	{ 'd', "d", "mark the step done", key_done },
	{ 's', "s", "skip the step (asks why)", key_skip },
	{ 'f', "f", "mark the step failed (asks what failed)", key_fail },
	{ 'r', "r", "reopen the step", key_reopen },
	{ 'c', "c", "run the step's checks (done when all pass)", key_check },
	{ 'o', "o", "the check console (the last run)", key_console },
	{ 'i', "i", "the procedure's notes, tips and tables (again: the step)",
	    key_info },
};

const struct screen screen_proc = {
	.name = "procedure",
	.title = "Procedure",
	.enter = proc_enter,
	.leave = proc_leave,
	.draw = proc_draw,
	.keys = proc_keys,
	.nkeys = nitems(proc_keys),
};
