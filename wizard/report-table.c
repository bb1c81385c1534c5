/*
 * report-table.c: the change record as md and html both say it: which
 * sections, in which order, which steps each list holds, what each table
 * shows. Written once against struct r_fmt; how a heading, a cell or a
 * piece of code looks, and how text is escaped, is the format's.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "report-int.h"
#include "util.h"

/* A block begins: first the line end the last one owes. */
void
report_table_block(struct r_out *w)
{
	if (w->owed)
		fputc('\n', w->fp);
	w->owed = 0;
}

/* Literal text, as it is: never anything from the record. */
static void __attribute__((format(printf, 2, 3)))
say(struct r_out *w, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfprintf(w->fp, fmt, ap);
	va_end(ap);
}

/* A value, or a muted dash when there is none. */
static void
opt(struct r_out *w, const char *s)
{
	if (s == NULL || *s == '\0')
		w->fmt->muted(w, "—");
	else
		w->fmt->text(w, s);
}

static void
code(struct r_out *w, const char *s)
{
	if (s == NULL || *s == '\0')
		w->fmt->muted(w, "—");
	else
		w->fmt->code(w, s);
}

static void
when(struct r_out *w, time_t t)
{
	if (t <= 0)
		w->fmt->muted(w, "—");
	else
		w->fmt->time(w, t);
}

static void
section(struct r_out *w, const char *id, const char *title)
{
	if (w->fmt->section_begin != NULL)
		w->fmt->section_begin(w, id);
	w->fmt->heading_begin(w, 2, NULL);
	say(w, "%s", title);
	w->fmt->heading_end(w, 2);
}

static void
section_end(struct r_out *w)
{
	if (w->fmt->section_end != NULL)
		w->fmt->section_end(w);
}

static void
box_begin(struct r_out *w, const char *cls)
{
	if (w->fmt->box_begin != NULL)
		w->fmt->box_begin(w, cls);
}

static void
box_end(struct r_out *w)
{
	if (w->fmt->box_end != NULL)
		w->fmt->box_end(w);
}

static void
para(struct r_out *w, const char *text)
{
	w->fmt->para_begin(w, NULL);
	say(w, "%s", text);
	w->fmt->para_end(w);
}

static void
table_begin(struct r_out *w, const struct r_table *t)
{
	w->table = t;
	w->fmt->table_begin(w, t);
}

static void
row_begin(struct r_out *w)
{
	w->col = 0;
	if (w->fmt->row_begin != NULL)
		w->fmt->row_begin(w);
}

static void
cell(struct r_out *w)
{
	w->fmt->cell(w, &w->table->cols[w->col++]);
}

static void
row_end(struct r_out *w)
{
	w->fmt->row_end(w);
}

static void
table_end(struct r_out *w)
{
	w->fmt->table_end(w);
	w->table = NULL;
}

/* The cells most rows are made of. */

static void
cell_opt(struct r_out *w, const char *s)
{
	cell(w);
	opt(w, s);
}

static void
cell_code(struct r_out *w, const char *s)
{
	cell(w);
	code(w, s);
}

static void
cell_time(struct r_out *w, time_t t)
{
	cell(w);
	when(w, t);
}

static void
cell_num(struct r_out *w, long long n)
{
	cell(w);
	say(w, "%lld", n);
}

static void
summary(struct r_out *w, const struct report *r)
{
	const struct r_fmt	*f = w->fmt;
	char			 buf[32];
	size_t			 i;

	section(w, "summary", "Summary");
	f->kv_begin(w);
	f->kv_row_begin(w, "Record");
	if (r->practice) {
		f->alarm(w, "practice, not a change record");
		say(w, ": the session was started on ");
		if (r->lab != NULL) {
			say(w, "the answers of the training lab in ");
			code(w, r->lab);
		} else
			say(w, "answers that say they are for practice");
	} else
		say(w, "change record");
	f->kv_row_end(w);
	f->kv_row_begin(w, "Session");
	if (r->closed > 0)
		say(w, "%lld (closed %s)", (long long)r->id,
		    report_iso(r->closed, buf, sizeof(buf)));
	else
		say(w, "%lld (open)", (long long)r->id);
	f->kv_row_end(w);
	f->kv_row_begin(w, "Runbook");
	code(w, r->runbook_id);
	say(w, ", ");
	f->text(w, r->title);
	f->kv_row_end(w);
	f->kv_row_begin(w, "Runbook sha256");
	code(w, r->sha256);
	f->kv_row_end(w);
	if (r->drift != NULL || r->sha256_now != NULL) {
		f->kv_row_begin(w, "Runbook changed since the start");
		f->alarm(w, r->drift ? r->drift : "the session now runs on "
		    "another text");
		if (r->sha256_now != NULL) {
			say(w, "; the file now has sha256 ");
			code(w, r->sha256_now);
			say(w, " and the steps below are its text");
		}
		f->kv_row_end(w);
	}
	f->kv_row_begin(w, "Source document");
	opt(w, r->source_title);
	f->kv_row_end(w);
	f->kv_row_begin(w, "Started by");
	f->text(w, r->operator);
	say(w, " on ");
	code(w, r->machine);
	f->kv_row_end(w);
	f->kv_row_begin(w, "Operators");
	for (i = 0; i < r->noperators; i++) {
		say(w, "%s", i ? ", " : "");
		f->text(w, r->operators[i]);
	}
	f->kv_row_end(w);
	f->kv_row_begin(w, "Started");
	when(w, r->started);
	f->kv_row_end(w);
	f->kv_row_begin(w, "Last change");
	when(w, r->last_change);
	f->kv_row_end(w);
	f->kv_row_begin(w, "Maintenance window ends");
	if (r->window_end > 0)
		when(w, r->window_end);
	else
		say(w, "none set");
	f->kv_row_end(w);
	f->kv_row_begin(w, "Time used");
	f->text(w, r->time_used);
	f->kv_row_end(w);
	for (i = 0; i < r->nwarnings; i++) {
		f->kv_row_begin(w, "Warning");
		f->text(w, r->warnings[i]);
		f->kv_row_end(w);
	}
	f->kv_row_begin(w, "Report generated");
	when(w, r->generated);
	say(w, " by %s", report_generator());
	f->kv_row_end(w);
	f->kv_end(w);
	section_end(w);
}

static const struct r_col step_list_cols[] = {
	{ "Procedure", RA_WORD }, { "Step", RA_NUM },
	{ "Instruction", RA_TEXT }, { "By", RA_WORD }, { "At", RA_TIME },
	{ "Note", RA_TEXT }
};
static const struct r_table step_list_table = {
	NULL, step_list_cols, nitems(step_list_cols), 0
};

static const struct r_col redone_cols[] = {
	{ "Procedure", RA_WORD }, { "Step", RA_NUM }, { "Failed at", RA_TIME },
	{ "By", RA_WORD }, { "Reason", RA_TEXT }, { "Now", RA_TEXT }
};
static const struct r_table redone_table = {
	NULL, redone_cols, nitems(redone_cols), 0
};

static const struct r_col forced_cols[] = {
	{ "Procedure", RA_WORD }, { "Step", RA_NUM }, { "At", RA_TIME },
	{ "By", RA_WORD }, { "Why it was blocked", RA_TEXT }
};
static const struct r_table forced_table = {
	NULL, forced_cols, nitems(forced_cols), 0
};

/* A heading and a table of the steps a list holds; nothing when none. */
static void
listed_begin(struct r_out *w, const char *heading, const struct r_table *t,
    const struct r_inst *ri, const struct r_step *rs, size_t *n)
{
	if ((*n)++ == 0) {
		w->fmt->heading_begin(w, 3, NULL);
		say(w, "%s", heading);
		w->fmt->heading_end(w, 3);
		table_begin(w, t);
	}
	row_begin(w);
	cell_code(w, ri->name);
	cell_num(w, (long long)rs->n);
}

static void
step_list(struct r_out *w, const struct report *r, enum r_list list,
    const char *heading)
{
	const struct r_inst	*ri;
	const struct r_step	*rs;
	struct r_walk		 at = { 0, 0 };
	size_t			 n = 0;

	while ((rs = report_walk(r, list, &at, &ri)) != NULL) {
		listed_begin(w, heading, &step_list_table, ri, rs, &n);
		cell_opt(w, rs->line);
		cell_opt(w, rs->by);
		cell_time(w, rs->at);
		cell_opt(w, rs->note);
		row_end(w);
	}
	if (n > 0)
		table_end(w);
}

/* Failures since redone, and steps recorded out of order. */
static void
attention(struct r_out *w, const struct report *r)
{
	const struct r_inst	*ri;
	const struct r_step	*rs;
	struct r_walk		 at = { 0, 0 };
	size_t			 n = 0;

	while ((rs = report_walk(r, RL_REDONE, &at, &ri)) != NULL) {
		listed_begin(w, "Failed, then redone", &redone_table, ri, rs,
		    &n);
		cell_time(w, rs->failure->at);
		cell_opt(w, rs->failure->operator);
		cell_opt(w, report_failure_reason(rs->failure));
		cell(w);
		w->fmt->status(w, report_status_class[rs->status],
		    report_status_names[rs->status], 0);
		if (rs->by != NULL) {
			say(w, " by ");
			w->fmt->text(w, rs->by);
			say(w, " at ");
			w->fmt->time(w, rs->at);
		}
		row_end(w);
	}
	if (n > 0)
		table_end(w);
	n = 0;
	at.inst = at.step = 0;
	while ((rs = report_walk(r, RL_FORCED, &at, &ri)) != NULL) {
		listed_begin(w, "Recorded while its procedure was blocked",
		    &forced_table, ri, rs, &n);
		cell_time(w, rs->forced->at);
		cell_opt(w, rs->forced->operator);
		cell_opt(w, report_forced_reason(rs->forced));
		row_end(w);
	}
	if (n > 0)
		table_end(w);
}

static const struct r_col counts_cols[] = {
	{ "Steps that apply", RA_NUM }, { "Done", RA_NUM },
	{ "Skipped", RA_NUM }, { "Failed", RA_NUM }, { "Pending", RA_NUM },
	{ "Not applicable", RA_NUM }
};
static const struct r_table counts_table = {
	"kv", counts_cols, nitems(counts_cols), 1
};

static void
outcome(struct r_out *w, const struct report *r)
{
	const struct r_outcome	*o = &r->out;

	section(w, "outcome", "Outcome");
	w->fmt->lead(w, o->count[RS_FAILED] > 0 ? "failed" :
	    o->count[RS_PENDING] > 0 || o->procs == 0 ? "pending" : "done",
	    o->verdict);
	table_begin(w, &counts_table);
	row_begin(w);
	cell_num(w, (long long)o->steps);
	cell_num(w, (long long)o->count[RS_DONE]);
	cell_num(w, (long long)o->count[RS_SKIPPED]);
	cell_num(w, (long long)o->count[RS_FAILED]);
	cell_num(w, (long long)o->count[RS_PENDING]);
	cell_num(w, (long long)o->count[RS_NA]);
	row_end(w);
	table_end(w);
	w->fmt->para_begin(w, NULL);
	say(w, "Procedures: %zu of %zu finished", o->procs_finished, o->procs);
	if (o->procs_failed > 0)
		say(w, ", %zu with a failed step", o->procs_failed);
	if (o->procs_na > 0)
		say(w, "; %zu more do not apply", o->procs_na);
	say(w, ".");
	w->fmt->para_end(w);
	step_list(w, r, RL_FAILED, "Failed steps");
	step_list(w, r, RL_SKIPPED, "Skipped steps");
	attention(w, r);
	section_end(w);
}

/* Step rows the event log does not back. */
static void
unbacked(struct r_out *w, const struct report *r)
{
	const struct r_fmt	*f = w->fmt;
	const struct r_inst	*ri;
	const struct r_step	*rs;
	struct r_walk		 at = { 0, 0 };
	size_t			 n = r->audit.unbacked;

	if (n == 0)
		return;
	box_begin(w, "alert");
	f->para_begin(w, NULL);
	f->strong_begin(w, NULL);
	say(w, "%zu step %s not match the event log:", n,
	    report_plural(n, "record does", "records do"));
	f->strong_end(w);
	say(w, " the last event of each says something else (or there is "
	    "none), so the steps table was changed outside fedwiz. Do not "
	    "trust %s:", report_plural(n, "its status", "their status"));
	f->para_end(w);
	f->list_begin(w);
	while ((rs = report_walk(r, RL_UNBACKED, &at, &ri)) != NULL) {
		f->item_begin(w);
		code(w, ri->name);
		say(w, " step %zu: recorded as %s by ", rs->n,
		    report_status_names[rs->status]);
		opt(w, rs->by);
		f->item_end(w);
	}
	f->list_end(w);
	box_end(w);
}

static void
audit(struct r_out *w, const struct report *r)
{
	const struct r_fmt	*f = w->fmt;
	const struct r_audit	*au = &r->audit;

	section(w, "audit", "Audit chain");
	if (au->ok) {
		f->para_begin(w, "ok");
		f->strong_begin(w, NULL);
		say(w, "Verified:");
		f->strong_end(w);
		say(w, " the %zu %s of the event log (every session in this "
		    "database) each follow the one before.", au->count,
		    report_plural(au->count, "event", "events"));
		if (au->last_hash != NULL) {
			say(w, " Last hash ");
			code(w, au->last_hash);
			say(w, " (event %lld).", (long long)au->last_id);
		}
		f->para_end(w);
	} else {
		box_begin(w, "alert");
		f->para_begin(w, NULL);
		f->strong_begin(w, NULL);
		say(w, "BROKEN at event %lld:", (long long)au->bad);
		f->strong_end(w);
		say(w, " ");
		f->text(w, au->message);
		say(w, ".");
		f->para_end(w);
		f->para_begin(w, NULL);
		say(w, "The %zu %s before it verify", au->count,
		    report_plural(au->count, "event", "events"));
		if (au->last_hash != NULL) {
			say(w, " (last good hash ");
			code(w, au->last_hash);
			say(w, ")");
		}
		say(w, ". From event %lld on, the log below is what the "
		    "database holds now, not necessarily what happened.",
		    (long long)au->bad);
		f->para_end(w);
		box_end(w);
	}
	unbacked(w, r);
	section_end(w);
}

static const struct r_col answer_cols[] = {
	{ "Variable", RA_WORD }, { "Value", RA_WORD }, { "Source", RA_KEY },
	{ "Prompt", RA_TEXT }
};
static const struct r_table answer_table = {
	NULL, answer_cols, nitems(answer_cols), 0
};

static const struct r_col host_cols[] = {
	{ "Role", RA_KEY }, { "Host", RA_WORD }, { "Address", RA_WORD },
	{ "User", RA_WORD }, { "Profile", RA_KEY }
};
static const struct r_table host_table = {
	NULL, host_cols, nitems(host_cols), 0
};

/* A per-host variable's cell: each host's own value, one a line. */
static void
host_values(struct r_out *w, const struct r_answer *an)
{
	const struct r_host_value	*hv;
	size_t				 k;

	cell(w);
	if (an->nhv == 0) {
		say(w, "each host of ");
		code(w, an->role);
		say(w, " (none listed)");
		return;
	}
	for (k = 0; k < an->nhv; k++) {
		hv = &an->hv[k];
		if (k > 0)
			w->fmt->br(w);
		code(w, hv->host);
		say(w, ": ");
		if (hv->value == NULL)
			w->fmt->muted(w, strcmp(hv->source, "withheld") == 0 ?
			    "(withheld)" : "(no answer)");
		else {
			code(w, hv->value);
			if (strcmp(hv->source, "answer") != 0)
				say(w, " (%s)", hv->source);
		}
	}
}

static void
answers(struct r_out *w, const struct report *r)
{
	const struct r_answer	*an;
	const struct r_host	*ho;
	size_t			 i;

	section(w, "answers", "Answers");
	table_begin(w, &answer_table);
	for (i = 0; i < r->nanswers; i++) {
		an = &r->answers[i];
		row_begin(w);
		cell_code(w, an->name);
		if (an->role != NULL)
			host_values(w, an);
		else if (an->value != NULL)
			cell_code(w, an->value);
		else
			cell_opt(w, strcmp(an->source, "withheld") == 0 ?
			    "(withheld)" : NULL);
		cell(w);
		say(w, "%s", an->source);
		cell_opt(w, an->prompt);
		row_end(w);
	}
	table_end(w);
	section_end(w);

	section(w, "inventory", "Inventory");
	table_begin(w, &host_table);
	for (i = 0; i < r->nhosts; i++) {
		ho = &r->hosts[i];
		row_begin(w);
		cell_code(w, ho->role);
		cell(w);
		if (ho->name != NULL)
			code(w, ho->name);
		else
			w->fmt->muted(w, "(none listed)");
		cell_code(w, ho->address);
		if (ho->site != NULL) {
			w->fmt->muted(w, " via site ");
			w->fmt->text(w, ho->site);
		}
		cell_opt(w, ho->user);
		cell_opt(w, ho->profile);
		row_end(w);
	}
	table_end(w);
	section_end(w);
}

static const struct r_col import_cols[] = {
	{ "Site", RA_TEXT }, { "Jump host", RA_TEXT }, { "Export", RA_NUM },
	{ "Run", RA_TEXT }, { "Checked", RA_TIME }, { "Imported", RA_TIME },
	{ "By", RA_TEXT }, { "Pass", RA_NUM }, { "Fail", RA_NUM },
	{ "Could not run", RA_NUM }
};
static const struct r_table import_table = {
	NULL, import_cols, nitems(import_cols), 0
};

/* What came back through Ansible, per site and run; only when some did. */
static void
imports(struct r_out *w, const struct report *r)
{
	const struct r_import	*im;
	size_t			 i;

	if (r->nimports == 0)
		return;
	section(w, "ansible", "Evidence through Ansible");
	para(w, "Checks of hosts reached through a site's jump host ran "
	    "there (fedwiz export ansible) and came back signed with that "
	    "export's key (fedwiz import). Their rows below say so.");
	table_begin(w, &import_table);
	for (i = 0; i < r->nimports; i++) {
		im = &r->imports[i];
		row_begin(w);
		cell_opt(w, im->site);
		cell_code(w, im->jump);
		cell_num(w, (long long)im->export_id);
		cell_code(w, im->run_id);
		cell_time(w, im->checked);
		cell_time(w, im->at);
		cell_opt(w, im->operator);
		cell_num(w, (long long)im->npass);
		cell_num(w, (long long)im->nfail);
		cell_num(w, (long long)im->nerror);
		row_end(w);
	}
	table_end(w);
	section_end(w);
}

/* What a step's row says besides its status: why it is n/a, its note,
 * and its history when the status alone would not tell the story. */
static void
step_note(struct r_out *w, const struct r_step *rs)
{
	const struct r_fmt	*f = w->fmt;
	size_t			 i;
	int			 any = 0;

	if (rs->unbacked) {
		f->strong_begin(w, "failed");
		say(w, "Not backed by the event log.");
		f->strong_end(w);
		any = 1;
	}
	if (rs->status == RS_NA && rs->when != NULL) {
		if (any++)
			f->br(w);
		say(w, "when: ");
		code(w, rs->when);
	}
	if (rs->stale != NULL) {
		if (any++)
			f->br(w);
		f->text(w, rs->stale);
	}
	if (rs->note != NULL) {
		if (any++)
			f->br(w);
		f->text(w, rs->note);
	}
	if (rs->show_hist) {
		f->aside_begin(w, "hist", !any);
		say(w, "History:");
		for (i = 0; i < rs->nhist; i++) {
			f->br(w);
			f->time(w, rs->hist[i].at);
			say(w, " ");
			f->text(w, rs->hist[i].operator);
			say(w, ": ");
			f->text(w, rs->hist[i].detail);
		}
		if (f->aside_end != NULL)
			f->aside_end(w);
		any = 1;
	}
	if (!any)
		f->muted(w, "—");
}

static const struct r_col check_cols[] = {
	{ "Step", RA_NUM }, { "Kind", RA_KEY }, { "Target", RA_WORD },
	{ "Result", RA_KEY }, { "Message", RA_TEXT }, { "At", RA_TIME },
	{ "Duration", RA_NUM }, { "Output", RA_TEXT }
};
static const struct r_table check_table = {
	NULL, check_cols, nitems(check_cols), 0
};

static void
checks(struct r_out *w, const struct r_inst *ri)
{
	const struct r_check	*c;
	struct buf		 b;
	char			 buf[32];
	size_t			 i, lines, total, cut;

	if (ri->nchecks == 0)
		return;
	para(w, "Check runs:");
	table_begin(w, &check_table);
	for (i = 0; i < ri->nchecks; i++) {
		c = &ri->checks[i];
		row_begin(w);
		cell_num(w, (long long)c->step);
		cell_opt(w, c->kind);
		cell_code(w, c->target);
		cell(w);
		w->fmt->status(w, strcmp(c->result, "pass") == 0 ? "done" :
		    "failed", c->result, 1);
		cell_opt(w, c->message);
		cell_time(w, c->at);
		cell(w);
		say(w, "%s", report_millis(c->duration_ms, buf, sizeof(buf)));
		cell(w);
		say(w, "%zu bytes", c->output_len);
		if (c->sha256 != NULL) {
			say(w, ", sha256 ");
			code(w, c->sha256);
		}
		/* Evidence fedwiz did not collect itself, and evidence an
		 * edit of the answers made stale, say so where it is. */
		if (strcmp(c->origin, "collected") != 0) {
			say(w, "; %s", c->origin);
			if (c->origin_detail != NULL) {
				/* Pasted: the detail is who pasted it. */
				say(w, strcmp(c->origin, "pasted") == 0 ? " by " :
				    " ");
				w->fmt->text(w, c->origin_detail);
			}
		}
		if (c->stale != NULL) {
			say(w, "; STALE: ");
			w->fmt->text(w, c->stale);
		}
		row_end(w);
	}
	table_end(w);
	for (i = 0; i < ri->nchecks; i++) {
		c = &ri->checks[i];
		if (c->excerpt == NULL)
			continue;
		cut = report_excerpt_cut(c->excerpt, &lines, &total);
		buf_init(&b);
		report_excerpt_note(c, cut, lines, total, &b);
		w->fmt->para_begin(w, NULL);
		say(w, "Output of the ");
		w->fmt->text(w, c->kind);
		say(w, " check of step %zu%s:", c->step, b.s ? b.s : "");
		w->fmt->para_end(w);
		buf_free(&b);
		w->fmt->pre(w, c->excerpt, cut);
	}
}

static const struct r_col step_cols[] = {
	{ "#", RA_NUM }, { "Instruction", RA_TEXT }, { "Status", RA_KEY },
	{ "By", RA_WORD }, { "At", RA_TIME }, { "Note", RA_TEXT }
};
static const struct r_table step_table = {
	NULL, step_cols, nitems(step_cols), 0
};

static void
codes(struct r_out *w, const char *what, char *const *v, size_t n)
{
	size_t	i;

	if (n == 0)
		return;
	say(w, "%s", what);
	for (i = 0; i < n; i++) {
		say(w, "%s", i ? ", " : "");
		code(w, v[i]);
	}
	say(w, ".");
}

/* A procedure: one line when nothing was recorded, else its steps and
 * check runs. */
static void
inst(struct r_out *w, const struct r_inst *ri)
{
	const struct r_fmt	*f = w->fmt;
	const struct r_step	*rs;
	struct buf		 b;
	char			 id[32];
	size_t			 i;

	snprintf(id, sizeof(id), "p%zu", ri->n);
	f->heading_begin(w, 3, id);
	say(w, "%zu. ", ri->n);
	code(w, ri->name);
	say(w, ": ");
	f->text(w, ri->title);
	f->heading_end(w, 3);
	f->para_begin(w, NULL);
	f->status(w, ri->applies == T_FALSE ? "na" : ri->status, ri->status,
	    1);
	if (ri->applies == T_FALSE) {
		say(w, ": does not apply (when: ");
		code(w, ri->when);
		/* Records from when it did apply (the runbook changed) are
		 * still shown: the report hides nothing that was done. */
		say(w, ")%s.", ri->touched ? "; it has records from before, "
		    "shown below" : "");
	} else {
		buf_init(&b);
		report_counts(ri, &b);
		say(w, ": %s.", b.s);
		buf_free(&b);
		codes(w, " Blocked by ", ri->blocked_by, ri->nblocked);
		codes(w, " Waits for an answer to ", ri->needs, ri->nneeds);
		buf_init(&b);
		report_worked(ri, &b);
		say(w, "%s", b.s ? b.s : "");
		buf_free(&b);
	}
	f->para_end(w);
	if (!ri->touched)
		return;
	table_begin(w, &step_table);
	for (i = 0; i < ri->nsteps; i++) {
		rs = &ri->steps[i];
		row_begin(w);
		cell_num(w, (long long)rs->n);
		cell_opt(w, rs->line);
		if (rs->command_line != NULL) {
			f->br(w);
			code(w, rs->command_line);
			if (rs->command_more > 0)
				say(w, " (and %zu more %s)", rs->command_more,
				    report_plural(rs->command_more, "line",
				    "lines"));
		}
		cell(w);
		/* A failure stands out even in md's raw text. */
		f->status(w, report_status_class[rs->status],
		    report_status_names[rs->status], rs->status == RS_FAILED);
		/* Who decided it was done: the operator, or its checks. */
		if (rs->status == RS_DONE)
			say(w, rs->by_checks ? ", by its checks" :
			    ", marked by the operator");
		cell_opt(w, rs->by);
		cell_time(w, rs->at);
		cell(w);
		step_note(w, rs);
		row_end(w);
	}
	table_end(w);
	checks(w, ri);
}

static const struct r_col orphan_cols[] = {
	{ "Record", RA_TEXT }, { "What", RA_TEXT }
};
static const struct r_table orphan_table = {
	NULL, orphan_cols, nitems(orphan_cols), 0
};

/* The chain column is there only when the chain is broken. */
static const struct r_col event_cols[] = {
	{ "#", RA_NUM }, { "At", RA_TIME }, { "Operator", RA_WORD },
	{ "Event", RA_KEY }, { "Step", RA_WORD }, { "Detail", RA_TEXT },
	{ "Chain", RA_KEY }
};
static const struct r_table event_table = {
	NULL, event_cols, nitems(event_cols) - 1, 0
};
static const struct r_table event_chain_table = {
	NULL, event_cols, nitems(event_cols), 0
};

static void
events(struct r_out *w, const struct report *r)
{
	const struct r_event	*e;
	size_t			 i;
	int			 chain = !r->audit.ok;

	if (r->norphans > 0) {
		section(w, "outside", "Records outside today's plan");
		para(w, "The runbook or the inventory changed after these "
		    "were recorded.");
		table_begin(w, &orphan_table);
		for (i = 0; i < r->norphans; i++) {
			row_begin(w);
			cell_code(w, r->orphans[i].what);
			cell_opt(w, r->orphans[i].text);
			row_end(w);
		}
		table_end(w);
		section_end(w);
	}
	section(w, "events", "Event log");
	table_begin(w, chain ? &event_chain_table : &event_table);
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		row_begin(w);
		cell_num(w, (long long)e->id);
		cell_time(w, e->at);
		cell_opt(w, e->operator);
		cell_opt(w, e->kind);
		cell_code(w, e->what);
		cell_opt(w, e->detail);
		if (chain) {
			cell(w);
			w->fmt->status(w, *e->chain == 'v' ? "done" :
			    "failed", e->chain, *e->chain == 'B');
		}
		row_end(w);
	}
	table_end(w);
	section_end(w);
}

/* At the top, what must be read first. */
static void
banners(struct r_out *w, const struct report *r)
{
	const struct r_fmt	*f = w->fmt;
	size_t			 n = r->audit.unbacked;

	/* First of all: a practice record must never pass for a change
	 * record, on screen or on paper. */
	if (r->practice) {
		f->banner_begin(w, "practice");
		f->strong_begin(w, NULL);
		say(w, "PRACTICE RECORD \xe2\x80\x94 NOT A CHANGE RECORD.");
		f->strong_end(w);
		say(w, " Session %lld was started on ", (long long)r->id);
		if (r->lab != NULL) {
			say(w, "the answers of the training lab in ");
			code(w, r->lab);
		} else
			say(w, "answers marked for practice");
		say(w, ": nothing in it was done on a real estate. Do not file "
		    "it as the record of a change.");
		f->banner_end(w);
	}
	if (!r->audit.ok) {
		f->banner_begin(w, "alert");
		f->strong_begin(w, NULL);
		say(w, "AUDIT CHAIN BROKEN at event %lld.",
		    (long long)r->audit.bad);
		f->strong_end(w);
		say(w, " The event log has been changed since it was written; "
		    "see ");
		f->xref(w, "audit", "Audit chain");
		say(w, " below.");
		f->banner_end(w);
	}
	if (n > 0) {
		f->banner_begin(w, "alert");
		f->strong_begin(w, NULL);
		say(w, "%zu step %s NOT match the event log.", n,
		    report_plural(n, "record does", "records do"));
		f->strong_end(w);
		say(w, " %s cannot be trusted; see ", report_plural(n,
		    "Its status", "Their status"));
		f->xref(w, "audit", "Audit chain");
		say(w, " below.");
		f->banner_end(w);
	}
}

/* The chain's head, to paste into the change ticket: up front. */
static void
head(struct r_out *w, const struct report *r)
{
	const struct r_fmt	*f = w->fmt;

	if (report_audit_head(r) == NULL)
		return;
	f->para_begin(w, NULL);
	f->strong_begin(w, NULL);
	say(w, "Audit chain head:");
	f->strong_end(w);
	say(w, " ");
	code(w, report_audit_head(r));
	if (r->practice)
		say(w, " (events and the last one's SHA-256). In a real session "
		    "it goes into the change ticket, and ");
	else
		say(w, " (events and the last one's SHA-256). Paste it into the "
		    "change ticket: ");
	code(w, "fedwiz audit verify --head N:HASH");
	say(w, " later proves that nothing up to it was rewritten or removed. "
	    "The chain has no key; whoever can write the database can "
	    "recompute it, but not the head kept elsewhere.");
	f->para_end(w);
}

void
report_table(FILE *fp, const struct report *r, const struct r_fmt *f)
{
	struct r_out	 w = { fp, f, NULL, 0, 0 };
	size_t		 i;

	if (f->doc_begin != NULL)
		f->doc_begin(&w, r);
	f->heading_begin(&w, 1, NULL);
	say(&w, "%s", report_kind(r));
	f->text(&w, r->title);
	f->heading_end(&w, 1);
	banners(&w, r);
	head(&w, r);
	summary(&w, r);
	outcome(&w, r);
	audit(&w, r);
	answers(&w, r);
	imports(&w, r);
	section(&w, "procedures", "Procedures");
	para(&w, "In plan order. A procedure with nothing recorded is one "
	    "line; the JSON report lists its steps too.");
	for (i = 0; i < r->ninsts; i++)
		inst(&w, &r->insts[i]);
	section_end(&w);
	events(&w, r);
	if (f->doc_end != NULL)
		f->doc_end(&w);
}
