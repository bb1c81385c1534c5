/*
 * screen-proc.c: one procedure instance. Its steps in order with their
 * state (the list takes what the current step leaves of the window), the
 * current one whole below: the instruction and command with the
 * operator's values filled in, its note, table and sub-steps, how it is
 * checked, what was recorded and the evidence. d, s, f and r record the
 * step through the controller, and the screen shows what the store then
 * says; every message of a transition says how to undo it. y shows the
 * command (and the checks' commands and patterns) whole, to copy.
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

struct proc_view {
	unsigned		 seen;	/* wiz_gen() that in is of */
	const struct plan_inst	*in;
	struct tui_list		 l;	/* the steps */
	int			 info;	/* the procedure's notes, not the step */
	struct tui_list		 il;	/* their lines */
	struct tui_lines		 notes;
	int			 notes_cols;
	size_t			 detail_top;	/* the step pane, scrolled */
	size_t			 detail_more;	/* lines below it, last draw */
	/* What s and f asked about. */
	size_t			 ask_step;
	enum step_status	 ask_to;
};

/* The session is read again after every transition and run: find the
 * instance in the new one when it changed. */
static void
sync(struct tui *t, struct proc_view *pv)
{
	if (pv->seen == wiz_gen(t->w) && pv->in != NULL)
		return;
	pv->seen = wiz_gen(t->w);
	pv->in = wiz_inst(t->w, tui_proc(t), tui_host(t));
	pv->l.n = pv->in != NULL ? pv->in->proc->nsteps : 0;
	tui_lines_free(&pv->notes);
	pv->notes_cols = 0;
}

static void *
proc_enter(struct tui *t)
{
	struct proc_view	*pv = xcalloc(1, sizeof(*pv));

	pv->il.pager = 1;
	sync(t, pv);
	if (pv->in != NULL && tui_step(t) > 0 &&
	    tui_step(t) <= pv->in->proc->nsteps)
		pv->l.sel = tui_step(t) - 1;
	return pv;
}

static void
proc_leave(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	(void)t;
	tui_lines_free(&pv->notes);
	free(pv);
}

static struct tui_list *
proc_list(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	sync(t, pv);
	return pv->info ? &pv->il : &pv->l;
}

static void
proc_moved(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	if (pv->info || pv->in == NULL)
		return;
	pv->detail_top = 0;
	tui_set_position(t, tui_proc(t), tui_host(t), pv->l.sel + 1);
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

/* A parameter table, one row per line: "column: value; ..." so that it
 * reads at any width. */
static void
table_lines(struct tui *t, struct proc_view *pv, struct tui_lines *l, int cols,
    const struct rb_table *tb)
{
	char	line[2048], *x;
	size_t	r, c, n;

	if (tb->title != NULL) {
		x = wiz_fill(t->w, pv->in, tb->title);
		tui_lines_add(l, tui_attr(t, "title"), 1, cols - 2, x);
		free(x);
	}
	for (r = 0; r < tb->nrows; r++) {
		for (c = 0, n = 0; c < tb->columns.n && n < sizeof(line); c++) {
			x = wiz_fill(t->w, pv->in, tb->cells[r * tb->columns.n +
			    c]);
			n += (size_t)snprintf(line + n, sizeof(line) - n,
			    "%s%s: %s", c ? "; " : "", tb->columns.v[c], x);
			free(x);
		}
		tui_lines_add(l, TUI_PLAIN, 3, cols - 2, line);
	}
}

/* The procedure's own text: what it is for, before you begin, its note,
 * tips, troubleshooting and table (i toggles it with the step). */
static void
notes_lines(struct tui *t, struct proc_view *pv, int cols)
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
	char	*x;
	size_t	 i;

	if (pv->notes_cols == cols)
		return;
	tui_lines_free(&pv->notes);
	pv->notes_cols = cols;
	for (i = 0; i < nitems(parts); i++) {
		if (parts[i].text == NULL)
			continue;
		tui_lines_add(&pv->notes, tui_attr(t, "title"), 1, cols - 2,
		    parts[i].label);
		x = wiz_fill(t->w, pv->in, parts[i].text);
		tui_lines_add(&pv->notes, TUI_PLAIN, 1, cols - 2, x);
		free(x);
	}
	if (p->table != NULL)
		table_lines(t, pv, &pv->notes, cols, p->table);
	if (pv->notes.n == 0)
		tui_lines_add(&pv->notes, tui_attr(t, "dim"), 1, cols - 2, "This "
		    "procedure has no notes of its own (i goes back to the "
		    "step).");
	pv->il.n = pv->notes.n;
}

static int
has_notes(const struct rb_proc *p)
{
	return p->intro || p->before || p->note || p->tips ||
	    p->troubleshooting || p->next || p->table;
}

/* What was recorded for the step, and by whom. */
static void
state_line(struct tui *t, struct proc_view *pv, size_t step, struct tui_lines *l,
    int cols)
{
	struct wiz_step_state	 s;
	struct tm		 tm;
	char			 when[32], line[700];

	if (wiz_step_state(t->w, pv->in->proc->id, pv->in->host ?
	    pv->in->host->name : NULL, step, &s) != 0 || s.at == 0)
		return;
	localtime_r(&s.at, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	snprintf(line, sizeof(line), "Recorded: %s%s, by %s at %s%s%s",
	    plan_step_status_name(s.status), s.by_checks ? " by its checks" :
	    "", s.operator ? s.operator : "?", when, s.note ? ": " : "",
	    s.note ? s.note : "");
	tui_lines_add(l, s.status == STEP_FAILED ? tui_attr(t, "fail") :
	    tui_attr(t, "dim"), 1, cols - 2, line);
}

/* The current step whole, as lines. */
static void
step_lines(struct tui *t, struct proc_view *pv, int cols, struct tui_lines *l)
{
	const struct plan_inst		*in = pv->in;
	const struct rb_step		*s = &in->proc->steps[pv->l.sel];
	const struct wiz_evidence	*ev[4];
	const struct plan_need		*nd;
	char				 line[1200], name[200], *x;
	size_t				 i, n, nneed;

	snprintf(line, sizeof(line), "Step %zu of %zu%s%s", pv->l.sel + 1,
	    in->proc->nsteps, in->step_na[pv->l.sel] ? " (does not apply "
	    "here)" : "", has_notes(in->proc) ? "   (i: the procedure's "
	    "notes)" : "");
	tui_lines_add(l, tui_attr(t, "title"), 1, cols - 2, line);
	x = wiz_fill(t->w, in, s->do_);
	tui_lines_add(l, TUI_PLAIN, 1, cols - 2, x);
	free(x);
	if (s->command != NULL) {
		x = wiz_fill(t->w, in, s->command);
		tui_lines_add(l, tui_attr(t, "command"), 3, cols - 2, x);
		free(x);
		tui_lines_add(l, tui_attr(t, "dim"), 3, cols - 2, "(y: the command "
		    "whole, to copy)");
	}
	if (s->note != NULL) {
		x = wiz_fill(t->w, in, s->note);
		tui_lines_add(l, tui_attr(t, "dim"), 1, cols - 2, x);
		free(x);
	}
	if (s->table != NULL)
		table_lines(t, pv, l, cols, s->table);
	for (i = 0; i < s->nsteps; i++) {
		x = wiz_fill(t->w, in, s->steps[i].do_);
		snprintf(line, sizeof(line), "  %c. %s", (int)('a' + i % 26), x);
		free(x);
		tui_lines_add(l, TUI_PLAIN, 1, cols - 2, line);
		if (s->steps[i].command != NULL) {
			x = wiz_fill(t->w, in, s->steps[i].command);
			tui_lines_add(l, tui_attr(t, "command"), 6, cols - 2, x);
			free(x);
		}
	}
	/* Values nobody gave that this step uses. */
	if ((nd = plan_step_needs(in, pv->l.sel + 1, &nneed)) != NULL) {
		for (i = 0, n = 0; i < nneed && n < sizeof(line); i++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s",
			    i ? ", " : "Needs an answer for ", plan_need_name(
			    &nd[i], name, sizeof(name)));
		if (n < sizeof(line))
			snprintf(line + n, sizeof(line) - n, " (shown as "
			    "<%s>): A on the plan answers it.", nd[0].var->name);
		tui_lines_add(l, tui_attr(t, "warn"), 1, cols - 2, line);
	}
	for (i = 0; i < s->nchecks; i++) {
		x = wiz_check_summary(t->w, in, &s->checks[i]);
		snprintf(line, sizeof(line), "check: %s%s", x,
		    s->checks[i].kind == CK_MANUAL ? "" : s->checks[i].kind ==
		    CK_SSH ? "  (c runs it; p pastes its output)" :
		    "  (c runs it)");
		free(x);
		tui_lines_add(l, tui_attr(t, "dim"), 1, cols - 2, line);
	}
	state_line(t, pv, pv->l.sel + 1, l, cols);
	n = wiz_evidence(t->w, in->proc->id, in->host ? in->host->name : NULL,
	    pv->l.sel + 1, ev, nitems(ev));
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%s %s %s%s%s", ev[i]->result ==
		    WIZ_PASS ? "PASS" : ev[i]->result == WIZ_FAIL ? "FAIL" :
		    "ERROR", ev[i]->kind, ev[i]->target, ev[i]->message &&
		    *ev[i]->message ? ": " : "", ev[i]->message ?
		    ev[i]->message : "");
		x = xstrdup(line);
		tui_lines_add(l, ev[i]->result == WIZ_PASS ? tui_attr(t, "done") :
		    tui_attr(t, "fail"), 1, cols - 2, x);
		free(x);
	}
}

static void
proc_draw(struct tui *t, void *data, int rows, int cols)
{
	struct proc_view	*pv = data;
	const struct plan_inst	*in;
	struct tui_lines		 dl;
	char			 title[512], line[1200], *x;
	size_t			 k, i;
	int			 y, list, room, legend;

	sync(t, pv);
	in = pv->in;
	if (in == NULL) {
		tui_title(t, "Procedure");
		tui_wrap(t, 2, rows, 2, cols - 4, TUI_PLAIN, "This procedure is "
		    "no longer in the plan (the runbook changed). Esc goes back.");
		return;
	}
	snprintf(title, sizeof(title), "%s%s%s (%s)%s", in->proc->title,
	    in->host ? " on " : "", in->host ? in->host->name : "",
	    plan_status_name(in->status), wiz_info(t->w)->readonly ?
	    " READ-ONLY" : "");
	x = xstrdup(title);
	tui_title(t, x);
	free(x);
	if (pv->info) {
		notes_lines(t, pv, cols);
		snprintf(line, sizeof(line), "%s: notes (i back to the steps, "
		    "Up/Down scroll, / search)", in->proc->title);
		tui_text_clean(t, 1, 1, cols - 2, tui_attr(t, "dim"), line);
		tui_list_show(&pv->il, rows - 2);
		for (i = pv->il.top, y = 2; i < pv->notes.n && y < rows; i++,
		    y++)
			tui_text(t, y, 0, cols, pv->notes.attr[i],
			    pv->notes.v[i]);
		return;
	}
	/* The current step's pane first: the list takes the rest. */
	memset(&dl, 0, sizeof(dl));
	step_lines(t, pv, cols, &dl);
	legend = rows >= 20 ? 1 : 0;
	list = rows - 2 - (int)dl.n - legend;
	if (list < 3)
		list = 3;
	if ((size_t)list > in->proc->nsteps)
		list = (int)in->proc->nsteps;
	if (list > rows - 3)
		list = rows - 3 > 1 ? rows - 3 : 1;
	pv->l.n = in->proc->nsteps;
	tui_list_show(&pv->l, list);
	for (k = pv->l.top, y = 1; k < in->proc->nsteps && y < 1 + list; k++,
	    y++) {
		x = wiz_fill(t->w, in, in->proc->steps[k].do_);
		snprintf(line, sizeof(line), "%s %2zu %s", step_mark(t, in, k),
		    k + 1, x);
		free(x);
		tui_text(t, y, 1, cols - 2, k == pv->l.sel ? tui_attr(t,
		    "select") : in->steps[k] == STEP_FAILED ? tui_attr(t,
		    "fail") : in->step_na[k] ? tui_attr(t, "dim") : TUI_PLAIN,
		    line);
	}
	tui_hline(t, y++);
	room = rows - legend - y;
	if (pv->detail_top >= dl.n)
		pv->detail_top = 0;
	for (i = pv->detail_top; i < dl.n && y < rows - legend; i++, y++) {
		if (y == rows - legend - 1 && i + 1 < dl.n) {
			snprintf(line, sizeof(line), "... %zu more line%s: J "
			    "scrolls down, K up", dl.n - i, dl.n - i == 1 ? "" :
			    "s");
			tui_text(t, y, 1, cols - 2, tui_attr(t, "dim"), line);
			break;
		}
		tui_text(t, y, 0, cols, dl.attr[i], dl.v[i]);
	}
	pv->detail_more = dl.n > pv->detail_top + (size_t)room ? 1 : 0;
	tui_lines_free(&dl);
	if (legend)
		tui_text(t, rows - 1, 1, cols - 2, tui_attr(t, "dim"), t->ascii ?
		    "[x] done  [s] skipped  [!] failed  [ ] to do  n/a does not "
		    "apply here" : "[\u2713] done  [s] skipped  [!] failed  "
		    "[ ] to do  n/a does not apply here");
}

static int
key_detail_down(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	(void)t;
	if (pv->detail_more)
		pv->detail_top++;
	return SCR_REDRAW;
}

static int
key_detail_up(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	(void)t;
	if (pv->detail_top > 0)
		pv->detail_top--;
	return SCR_REDRAW;
}

/* After a transition: on to the next step still to do, and when the
 * procedure is done, what comes next. */
static void
after_record(struct tui *t, struct proc_view *pv, enum step_status to)
{
	const struct plan_inst	*in, *next;
	size_t			 step;
	char			 msg[600];

	sync(t, pv);
	if ((in = pv->in) == NULL)
		return;
	if (to == STEP_DONE || to == STEP_SKIPPED)
		while (pv->l.sel + 1 < in->proc->nsteps &&
		    (in->step_na[pv->l.sel] || in->steps[pv->l.sel] !=
		    STEP_PENDING))
			pv->l.sel++;
	tui_set_position(t, tui_proc(t), tui_host(t), pv->l.sel + 1);
	if (in->status == INST_DONE && wiz_next(t->w, &next, &step) &&
	    t->message != NULL) {
		snprintf(msg, sizeof(msg), "%s Procedure done; n opens the "
		    "next: %s%s%s.", t->message, next->proc->title, next->host ?
		    " on " : "", next->host ? next->host->name : "");
		tui_say(t, 0, "%s", msg);
	}
}

static int
do_record(struct tui *t, struct proc_view *pv, size_t step,
    enum step_status to, const char *note)
{
	int	r;

	sync(t, pv);
	if (pv->in == NULL)
		return SCR_REDRAW;
	r = tui_record(t, pv->in->proc->id, pv->in->host ?
	    pv->in->host->name : NULL, step, to, note);
	if (!(r & SCR_GOTO))
		after_record(t, pv, to);
	return r;
}

static int
key_done(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	return do_record(t, pv, pv->l.sel + 1, STEP_DONE, NULL);
}

static int
key_reopen(struct tui *t, void *data)
{
	struct proc_view	*pv = data;

	return do_record(t, pv, pv->l.sel + 1, STEP_PENDING, NULL);
}

static int
on_note(struct tui *t, const char *note)
{
	struct proc_view	*pv = t->data;

	if (note == NULL) {
		tui_say(t, 0, "Not recorded: step %zu stays as it was.",
		    pv->ask_step);
		return SCR_REDRAW;
	}
	return do_record(t, pv, pv->ask_step, pv->ask_to, note);
}

static int
ask_note(struct tui *t, struct proc_view *pv, enum step_status to)
{
	char	q[96];

	sync(t, pv);
	if (pv->in == NULL)
		return SCR_REDRAW;
	pv->ask_step = pv->l.sel + 1;
	pv->ask_to = to;
	snprintf(q, sizeof(q), "%s", to == STEP_SKIPPED ? "Why skip it?" :
	    "What failed?");
	return tui_ask(t, q, NULL, TUI_ASK_REQUIRED, on_note);
}

static int
key_skip(struct tui *t, void *data)
{
	return ask_note(t, data, STEP_SKIPPED);
}

static int
key_fail(struct tui *t, void *data)
{
	return ask_note(t, data, STEP_FAILED);
}

static int
key_check(struct tui *t, void *data)
{
	struct proc_view	*pv = data;
	struct wiz_result	 r;

	sync(t, pv);
	if (pv->in == NULL)
		return SCR_REDRAW;
	if (wiz_check_step(t->w, pv->in->proc->id, pv->in->host ?
	    pv->in->host->name : NULL, pv->l.sel + 1, &r) != 0) {
		tui_said(t, &r);
		wiz_result_clear(&r);
		/* Running already: the console shows them. */
		if (wiz_busy(t->w))
			return tui_goto(t, SCREEN_CONSOLE);
		return SCR_REDRAW;
	}
	tui_said(t, &r);
	wiz_result_clear(&r);
	return tui_goto(t, SCREEN_CONSOLE);
}

/* Output of the step's ssh check, run by the operator where fedwiz
 * cannot reach, pasted. */
static int
key_paste(struct tui *t, void *data)
{
	struct proc_view	*pv = data;
	struct wiz_paste_item	*it;
	size_t			 n;

	sync(t, pv);
	if (pv->in == NULL)
		return SCR_REDRAW;
	n = wiz_paste_items(t->w, pv->in->proc->id, pv->in->host ?
	    pv->in->host->name : NULL, pv->l.sel + 1, &it);
	wiz_paste_items_free(it, n);
	if (n == 0) {
		tui_say(t, 0, "Step %zu has no ssh check that runs on a host: "
		    "there is no output to paste.", pv->l.sel + 1);
		return SCR_REDRAW;
	}
	if (wiz_info(t->w) != NULL && wiz_info(t->w)->readonly) {
		tui_say(t, 0, "This session is closed: nothing is recorded on "
		    "it.");
		return SCR_REDRAW;
	}
	tui_set_position(t, pv->in->proc->id, pv->in->host ?
	    pv->in->host->name : NULL, pv->l.sel + 1);
	return tui_goto(t, SCREEN_PASTE);
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
	pv->il.top = pv->il.sel = 0;
	return SCR_REDRAW;
}

static void
copy_add(struct tui *t, const char *label, const char *text)
{
	t->copy.label = xreallocarray(t->copy.label, t->copy.n + 1,
	    sizeof(*t->copy.label));
	t->copy.text = xreallocarray(t->copy.text, t->copy.n + 1,
	    sizeof(*t->copy.text));
	t->copy.label[t->copy.n] = xstrdup(label);
	t->copy.text[t->copy.n++] = xstrdup(text);
}

/* The copy view: the step's command, each check's command and what it
 * expects, each whole. */
static int
key_copy(struct tui *t, void *data)
{
	struct proc_view	*pv = data;
	const struct rb_step	*s;
	char			*x, *p, *nl, *colon, label[200];
	size_t			 i;

	sync(t, pv);
	if (pv->in == NULL)
		return SCR_REDRAW;
	s = &pv->in->proc->steps[pv->l.sel];
	tui_copy_clear(t);
	snprintf(t->copy.title, sizeof(t->copy.title), "Step %zu of %s%s%s",
	    pv->l.sel + 1, pv->in->proc->id, pv->in->host ? "@" : "",
	    pv->in->host ? pv->in->host->name : "");
	if (s->command != NULL) {
		x = wiz_fill(t->w, pv->in, s->command);
		copy_add(t, "the step's command", x);
		free(x);
	}
	for (i = 0; i < s->nsteps; i++)
		if (s->steps[i].command != NULL) {
			x = wiz_fill(t->w, pv->in, s->steps[i].command);
			snprintf(label, sizeof(label), "sub-step %c's command",
			    (int)('a' + i % 26));
			copy_add(t, label, x);
			free(x);
		}
	for (i = 0; i < s->nchecks; i++) {
		if (s->checks[i].kind == CK_MANUAL)
			continue;
		/* One item per "what: value" line of the check. */
		x = wiz_check_detail(t->w, pv->in, &s->checks[i]);
		for (p = strtok_r(x, "\n", &nl); p != NULL;
		    p = strtok_r(NULL, "\n", &nl)) {
			/* What it is and where it runs are not things to
			 * paste. */
			if ((colon = strstr(p, ": ")) == NULL ||
			    strncmp(p, "kind:", 5) == 0 ||
			    strncmp(p, "runs on:", 8) == 0 ||
			    strncmp(p, "when:", 5) == 0)
				continue;
			*colon = '\0';
			snprintf(label, sizeof(label), "check %zu (%s): %s", i + 1,
			    rb_check_kind_name(s->checks[i].kind), p);
			copy_add(t, label, colon + 2);
		}
		free(x);
	}
	return tui_copy_open(t);
}

/* n: on to the next procedure to do. */
static int
key_next(struct tui *t, void *data)
{
	const struct plan_inst	*in;
	size_t			 step;

	(void)data;
	if (!wiz_next(t->w, &in, &step)) {
		tui_say(t, 0, "Nothing is ready: every procedure is done, "
		    "skipped, or waiting on one that failed.");
		return SCR_REDRAW;
	}
	tui_set_position(t, in->proc->id, in->host ? in->host->name : NULL,
	    step);
	tui_say(t, 0, "Next: %s%s%s.", in->proc->title, in->host ? " on " :
	    "", in->host ? in->host->name : "");
	t->next = SCREEN_PROC;
	return SCR_GOTO | SCR_REPLACE;	/* in place of this one */
}

static int
on_jump(struct tui *t, const char *id)
{
	const struct plan_inst	*in;
	size_t			 k, n, step = 1;
	long			 hit;

	if (id == NULL || *id == '\0')
		return SCR_REDRAW;
	if ((hit = tui_inst_by_id(t, id, &n)) == -1) {
		tui_say(t, 1, "No procedure \"%s\" in this plan.", id);
		return SCR_REDRAW;
	}
	in = &wiz_plan(t->w)->inst[hit];
	for (k = 0; k < in->proc->nsteps; k++)
		if (!in->step_na[k] && in->steps[k] == STEP_PENDING) {
			step = k + 1;
			break;
		}
	tui_set_position(t, in->proc->id, in->host ? in->host->name : NULL,
	    step);
	t->next = SCREEN_PROC;
	return SCR_GOTO | SCR_REPLACE;
}

static int
key_jump(struct tui *t, void *data)
{
	(void)data;
	return tui_ask(t, "Go to procedure (id, or id@host):", NULL, 0,
	    on_jump);
}

static int
proc_match(struct tui *t, void *data, size_t i, const char *pat)
{
	struct proc_view	*pv = data;
	const struct rb_step	*s;
	char			*x;
	int			 hit;

	sync(t, pv);
	if (pv->in == NULL)
		return 0;
	if (pv->info)
		return i < pv->notes.n && strcasestr(pv->notes.v[i], pat) !=
		    NULL;
	s = &pv->in->proc->steps[i];
	x = wiz_fill(t->w, pv->in, s->do_);
	hit = strcasestr(x, pat) != NULL;
	free(x);
	if (!hit && s->command != NULL) {
		x = wiz_fill(t->w, pv->in, s->command);
		hit = strcasestr(x, pat) != NULL;
		free(x);
	}
	return hit;
}

static const struct key_binding proc_keys[] = {
	{ 'd', "d", "mark the step done", key_done },
	{ 's', "s", "skip the step (asks why)", key_skip },
	{ 'f', "f", "mark the step failed (asks what failed)", key_fail },
	{ 'r', "r", "reopen the step (undoes d, s or f)", key_reopen },
	{ 'c', "c", "run the step's checks (done when all pass)", key_check },
	{ 'o', "o", "the check console (the last run)", key_console },
	{ 'p', "p", "paste a check's output, run by you where fedwiz cannot "
	    "reach", key_paste },
	{ 'y', "y", "the command and the checks whole, to copy", key_copy },
	{ 'i', "i", "the procedure's notes, tips and tables (again: the step)",
	    key_info },
	{ 'J', "J", "scroll the step's text down (K: up)", key_detail_down },
	{ 'K', "K", "scroll the step's text up", key_detail_up },
	{ 'n', "n", "the next procedure to do", key_next },
	{ ':', ":", "go to a procedure by its id", key_jump },
};

const struct screen screen_proc = {
	.name = "procedure",
	.title = "Procedure",
	.legend = "Marks: [\u2713] ([x]) done, [s] skipped, [!] failed, [ ] to "
	    "do, n/a does not apply here (its when is false).",
	.enter = proc_enter,
	.leave = proc_leave,
	.draw = proc_draw,
	.list = proc_list,
	.moved = proc_moved,
	.match = proc_match,
	.keys = proc_keys,
	.nkeys = nitems(proc_keys),
};
