/*
 * report-md.c: the change record in Markdown: tables that read as well raw
 * as rendered; what would be markup in operator text is escaped.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report-int.h"
#include "util.h"

static void
md_text(FILE *fp, const char *s)
{
	const unsigned char	*p, *start = (const unsigned char *)s;
	unsigned char		 n;

	if (s == NULL)
		return;
	for (p = start; *p != '\0'; p++) {
		n = p[1];
		switch (*p) {
		case '\n':
			fputs("<br>", fp);
			continue;
		case '|':
		case '*':
		case '`':
		case '[':
		case ']':
		case '<':
		case '&':
		case '~':
			fputc('\\', fp);
			break;
		case '_':
			/* Inside a word it is not emphasis: snake_case
			 * reads as it is. */
			if (p == start || !isalnum(p[-1]) || !isalnum(n))
				fputc('\\', fp);
			break;
		case '\\':
			/* Before text it is a backslash (C:\rcc.xml reads
			 * as it is); before anything else it would escape. */
			if (!isalnum(n) && n != ' ' && n < 0x80)
				fputc('\\', fp);
			break;
		default:
			break;
		}
		fputc(*p, fp);
	}
}

/* A table cell or a bullet's value: empty shows as a dash. */
static void
md_cell(FILE *fp, const char *s)
{
	if (s == NULL || *s == '\0')
		fputs("—", fp);
	else
		md_text(fp, s);
}

/* `code`, fenced by more backticks than it holds; in a table a pipe must
 * still be escaped, even inside code. */
static void
md_code(FILE *fp, const char *s, int in_table)
{
	const char	*p;
	size_t		 run = 0, longest = 0, i;
	int		 pad;

	if (s == NULL || *s == '\0') {
		fputs("—", fp);
		return;
	}
	for (p = s; *p != '\0'; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = s[0] == '`' || s[strlen(s) - 1] == '`';
	for (i = 0; i <= longest; i++)
		fputc('`', fp);
	if (pad)
		fputc(' ', fp);
	for (p = s; *p != '\0'; p++) {
		if (*p == '|' && in_table)
			fputs("\\|", fp);
		else
			fputc(*p == '\n' ? ' ' : *p, fp);
	}
	if (pad)
		fputc(' ', fp);
	for (i = 0; i <= longest; i++)
		fputc('`', fp);
}

static void
md_time(FILE *fp, time_t t)
{
	char	buf[32];

	md_cell(fp, report_iso(t, buf, sizeof(buf)));
}

static void
md_fence(FILE *fp, const char *s, size_t len)
{
	size_t	run = 0, longest = 2, i;

	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (i = 0; i <= longest; i++)
		fputc('`', fp);
	fprintf(fp, "\n%.*s\n", (int)len, s);
	for (i = 0; i <= longest; i++)
		fputc('`', fp);
	fputc('\n', fp);
}

static void
md_summary(FILE *fp, const struct report *r)
{
	char	buf[32];
	size_t	i;

	fprintf(fp, "## Summary\n\n");
	fprintf(fp, "- **Session:** %lld", (long long)r->id);
	if (r->closed > 0)
		fprintf(fp, " (closed %s)\n", report_iso(r->closed, buf,
		    sizeof(buf)));
	else
		fprintf(fp, " (open)\n");
	fprintf(fp, "- **Runbook:** ");
	md_code(fp, r->runbook_id, 0);
	fprintf(fp, ", ");
	md_text(fp, r->title);
	fprintf(fp, "\n- **Runbook sha256:** ");
	md_code(fp, r->sha256, 0);
	fprintf(fp, "\n");
	if (r->drift != NULL || r->sha256_now != NULL) {
		fprintf(fp, "- **Runbook changed since the start:** ");
		md_text(fp, r->drift ? r->drift : "the session now runs on "
		    "another text");
		if (r->sha256_now != NULL) {
			fprintf(fp, "; the file now has sha256 ");
			md_code(fp, r->sha256_now, 0);
			fprintf(fp, " and the steps below are its text");
		}
		fprintf(fp, "\n");
	}
	fprintf(fp, "- **Source document:** ");
	md_cell(fp, r->source);
	fprintf(fp, "\n- **Started by:** ");
	md_text(fp, r->operator);
	fprintf(fp, " on ");
	md_code(fp, r->machine, 0);
	fprintf(fp, "\n- **Operators:** ");
	for (i = 0; i < r->noperators; i++) {
		fprintf(fp, "%s", i ? ", " : "");
		md_text(fp, r->operators[i]);
	}
	fprintf(fp, "\n- **Started:** ");
	md_time(fp, r->started);
	fprintf(fp, "\n- **Last change:** ");
	md_time(fp, r->last_change);
	fprintf(fp, "\n- **Maintenance window ends:** ");
	md_cell(fp, r->window_end > 0 ? report_iso(r->window_end, buf,
	    sizeof(buf)) : "none set");
	fprintf(fp, "\n- **Time used:** ");
	md_text(fp, r->time_used);
	fprintf(fp, "\n");
	for (i = 0; i < r->nwarnings; i++) {
		fprintf(fp, "- **Warning:** ");
		md_text(fp, r->warnings[i]);
		fprintf(fp, "\n");
	}
	fprintf(fp, "- **Report generated:** ");
	md_time(fp, r->generated);
	fprintf(fp, " by %s\n\n", report_generator());
}

/* Failed or skipped steps, for the outcome. */
static void
md_step_list(FILE *fp, const struct report *r, enum r_status want,
    const char *heading)
{
	const struct r_inst	*ri;
	const struct r_step	*rs;
	size_t			 i, k, n = 0;

	for (i = 0; i < r->ninsts; i++)
		for (k = 0; k < r->insts[i].nsteps; k++) {
			ri = &r->insts[i];
			rs = &ri->steps[k];
			if (rs->status != want)
				continue;
			if (n++ == 0)
				fprintf(fp, "### %s\n\n| Procedure | Step | "
				    "Instruction | By | At | Note |\n| --- | "
				    "---: | --- | --- | --- | --- |\n",
				    heading);
			fprintf(fp, "| ");
			md_code(fp, ri->name, 1);
			fprintf(fp, " | %zu | ", rs->n);
			md_cell(fp, rs->line);
			fprintf(fp, " | ");
			md_cell(fp, rs->by);
			fprintf(fp, " | ");
			md_time(fp, rs->at);
			fprintf(fp, " | ");
			md_cell(fp, rs->note);
			fprintf(fp, " |\n");
		}
	if (n > 0)
		fprintf(fp, "\n");
}

/* Failures since redone, and steps recorded out of order. */
static void
md_attention(FILE *fp, const struct report *r)
{
	const struct r_inst	*ri;
	const struct r_step	*rs;
	char			 buf[32];
	size_t			 i, k, n = 0, m = 0;

	for (i = 0; i < r->ninsts; i++)
		for (k = 0; k < r->insts[i].nsteps; k++) {
			ri = &r->insts[i];
			rs = &ri->steps[k];
			if (rs->failure == NULL || rs->status == RS_FAILED)
				continue;
			if (n++ == 0)
				fprintf(fp, "### Failed, then redone\n\n"
				    "| Procedure | Step | Failed at | By | "
				    "Reason | Now |\n| --- | ---: | --- | --- "
				    "| --- | --- |\n");
			fprintf(fp, "| ");
			md_code(fp, ri->name, 1);
			fprintf(fp, " | %zu | ", rs->n);
			md_time(fp, rs->failure->at);
			fprintf(fp, " | ");
			md_cell(fp, rs->failure->operator);
			fprintf(fp, " | ");
			md_cell(fp, report_failure_reason(rs->failure));
			fprintf(fp, " | %s", report_status_names[rs->status]);
			if (rs->by != NULL) {
				fprintf(fp, " by ");
				md_text(fp, rs->by);
				fprintf(fp, " at %s", report_iso(rs->at, buf,
				    sizeof(buf)));
			}
			fprintf(fp, " |\n");
		}
	if (n > 0)
		fprintf(fp, "\n");
	for (i = 0; i < r->ninsts; i++)
		for (k = 0; k < r->insts[i].nsteps; k++) {
			ri = &r->insts[i];
			rs = &ri->steps[k];
			if (rs->forced == NULL)
				continue;
			if (m++ == 0)
				fprintf(fp, "### Recorded while its procedure "
				    "was blocked\n\n| Procedure | Step | At | "
				    "By | Why it was blocked |\n| --- | ---: | "
				    "--- | --- | --- |\n");
			fprintf(fp, "| ");
			md_code(fp, ri->name, 1);
			fprintf(fp, " | %zu | ", rs->n);
			md_time(fp, rs->forced->at);
			fprintf(fp, " | ");
			md_cell(fp, rs->forced->operator);
			fprintf(fp, " | ");
			md_cell(fp, report_forced_reason(rs->forced));
			fprintf(fp, " |\n");
		}
	if (m > 0)
		fprintf(fp, "\n");
}

static void
md_outcome(FILE *fp, const struct report *r)
{
	const struct r_outcome	*o = &r->out;

	fprintf(fp, "## Outcome\n\n**");
	md_text(fp, o->verdict);
	fprintf(fp, "**\n\n| Steps that apply | Done | Skipped | Failed | "
	    "Pending | Not applicable |\n| ---: | ---: | ---: | ---: | ---: | "
	    "---: |\n| %zu | %zu | %zu | %zu | %zu | %zu |\n\n", o->steps,
	    o->count[RS_DONE], o->count[RS_SKIPPED], o->count[RS_FAILED],
	    o->count[RS_PENDING], o->count[RS_NA]);
	fprintf(fp, "Procedures: %zu of %zu finished", o->procs_finished,
	    o->procs);
	if (o->procs_failed > 0)
		fprintf(fp, ", %zu with a failed step", o->procs_failed);
	if (o->procs_na > 0)
		fprintf(fp, "; %zu more do not apply", o->procs_na);
	fprintf(fp, ".\n\n");
	md_step_list(fp, r, RS_FAILED, "Failed steps");
	md_step_list(fp, r, RS_SKIPPED, "Skipped steps");
	md_attention(fp, r);
}

/* Step rows the event log does not back. */
static void
md_unbacked(FILE *fp, const struct report *r)
{
	const struct r_inst	*ri;
	const struct r_step	*rs;
	size_t			 i, k;

	if (r->audit.unbacked == 0)
		return;
	fprintf(fp, "**%zu step %s not match the event log:** the last event "
	    "of each says something else (or there is none), so the steps "
	    "table was changed outside fedwiz. Do not trust %s:\n\n",
	    r->audit.unbacked, report_plural(r->audit.unbacked, "record does",
	    "records do"), report_plural(r->audit.unbacked, "its status",
	    "their status"));
	for (i = 0; i < r->ninsts; i++)
		for (k = 0; k < r->insts[i].nsteps; k++) {
			ri = &r->insts[i];
			rs = &ri->steps[k];
			if (!rs->unbacked)
				continue;
			fprintf(fp, "- ");
			md_code(fp, ri->name, 0);
			fprintf(fp, " step %zu: recorded as %s by ", rs->n,
			    rs->status == RS_NA ? "n/a" :
			    report_status_names[rs->status]);
			md_cell(fp, rs->by);
			fprintf(fp, "\n");
		}
	fprintf(fp, "\n");
}

static void
md_audit(FILE *fp, const struct report *r)
{
	const struct r_audit	*au = &r->audit;

	fprintf(fp, "## Audit chain\n\n");
	if (au->ok) {
		fprintf(fp, "**Verified:** the %zu %s of the event log (every "
		    "session in this database) each follow the one before.",
		    au->count, report_plural(au->count, "event", "events"));
		if (au->last_hash != NULL) {
			fprintf(fp, " Last hash ");
			md_code(fp, au->last_hash, 0);
			fprintf(fp, " (event %lld).", (long long)au->last_id);
		}
		fprintf(fp, "\n\n");
		md_unbacked(fp, r);
		return;
	}
	fprintf(fp, "**BROKEN at event %lld:** ", (long long)au->bad);
	md_text(fp, au->message);
	fprintf(fp, ".\n\nThe %zu %s before it verify", au->count,
	    report_plural(au->count, "event", "events"));
	if (au->last_hash != NULL) {
		fprintf(fp, " (last good hash ");
		md_code(fp, au->last_hash, 0);
		fprintf(fp, ")");
	}
	fprintf(fp, ". From event %lld on, the log below is what the database "
	    "holds now, not necessarily what happened.\n\n",
	    (long long)au->bad);
	md_unbacked(fp, r);
}

static void
md_answers(FILE *fp, const struct report *r)
{
	const struct r_answer	*an;
	const struct r_host	*h;
	size_t			 i;

	fprintf(fp, "## Answers\n\n| Variable | Value | Source | Prompt |\n"
	    "| --- | --- | --- | --- |\n");
	for (i = 0; i < r->nanswers; i++) {
		an = &r->answers[i];
		fprintf(fp, "| ");
		md_code(fp, an->name, 1);
		fprintf(fp, " | ");
		if (an->value != NULL)
			md_code(fp, an->value, 1);
		else
			md_cell(fp, strcmp(an->source, "withheld") == 0 ?
			    "(withheld)" : NULL);
		fprintf(fp, " | %s | ", an->source);
		md_cell(fp, an->prompt);
		fprintf(fp, " |\n");
	}
	fprintf(fp, "\n## Inventory\n\n| Role | Host | Address | User | "
	    "Profile |\n| --- | --- | --- | --- | --- |\n");
	for (i = 0; i < r->nhosts; i++) {
		h = &r->hosts[i];
		fprintf(fp, "| ");
		md_code(fp, h->role, 1);
		fprintf(fp, " | ");
		if (h->name != NULL)
			md_code(fp, h->name, 1);
		else
			md_cell(fp, "(none listed)");
		fprintf(fp, " | ");
		md_code(fp, h->address, 1);
		fprintf(fp, " | ");
		md_cell(fp, h->user);
		fprintf(fp, " | ");
		md_cell(fp, h->profile);
		fprintf(fp, " |\n");
	}
	fprintf(fp, "\n");
}

static void
md_step_note(FILE *fp, const struct r_step *rs)
{
	char	buf[32];
	size_t	i;
	int	any = 0;

	if (rs->unbacked) {
		fprintf(fp, "**Not backed by the event log.**");
		any = 1;
	}
	if (rs->status == RS_NA && rs->when != NULL) {
		fprintf(fp, "when: ");
		md_code(fp, rs->when, 1);
		any = 1;
	}
	if (rs->stale != NULL) {
		fprintf(fp, "%s", any++ ? "<br>" : "");
		md_text(fp, rs->stale);
	}
	if (rs->note != NULL) {
		fprintf(fp, "%s", any++ ? "<br>" : "");
		md_text(fp, rs->note);
	}
	for (i = 0; rs->show_hist && i < rs->nhist; i++) {
		fprintf(fp, "%s%s%s ", any++ ? "<br>" : "", i ? "" :
		    "History:<br>", report_iso(rs->hist[i].at, buf,
		    sizeof(buf)));
		md_text(fp, rs->hist[i].operator);
		fprintf(fp, ": ");
		md_text(fp, rs->hist[i].detail);
	}
	if (!any)
		fputs("—", fp);
}

static void
md_checks(FILE *fp, const struct r_inst *ri)
{
	const struct r_check	*c;
	struct buf		 b;
	char			 buf[32];
	size_t			 i, lines, total, cut;

	if (ri->nchecks == 0)
		return;
	fprintf(fp, "Check runs:\n\n| Step | Kind | Target | Result | "
	    "Message | At | Duration | Output |\n| ---: | --- | --- | --- | "
	    "--- | --- | ---: | --- |\n");
	for (i = 0; i < ri->nchecks; i++) {
		c = &ri->checks[i];
		fprintf(fp, "| %zu | ", c->step);
		md_cell(fp, c->kind);
		fprintf(fp, " | ");
		md_code(fp, c->target, 1);
		fprintf(fp, " | **");
		md_text(fp, c->result);
		fprintf(fp, "** | ");
		md_cell(fp, c->message);
		fprintf(fp, " | ");
		md_time(fp, c->at);
		fprintf(fp, " | %s | %zu bytes", report_millis(c->duration_ms,
		    buf, sizeof(buf)), c->output_len);
		if (c->sha256 != NULL) {
			fprintf(fp, ", sha256 ");
			md_code(fp, c->sha256, 1);
		}
		fprintf(fp, " |\n");
	}
	fprintf(fp, "\n");
	for (i = 0; i < ri->nchecks; i++) {
		c = &ri->checks[i];
		if (c->excerpt == NULL)
			continue;
		cut = report_excerpt_cut(c->excerpt, &lines, &total);
		buf_init(&b);
		report_excerpt_note(c, cut, lines, total, &b);
		fprintf(fp, "Output of the ");
		md_text(fp, c->kind);
		fprintf(fp, " check of step %zu%s:\n\n", c->step, b.s ? b.s :
		    "");
		buf_free(&b);
		md_fence(fp, c->excerpt, cut);
		fprintf(fp, "\n");
	}
}

static void
md_inst(FILE *fp, const struct r_inst *ri)
{
	const struct r_step	*rs;
	struct buf		 b;
	size_t			 i;

	fprintf(fp, "### %zu. ", ri->n);
	md_code(fp, ri->name, 0);
	fprintf(fp, ": ");
	md_text(fp, ri->title);
	fprintf(fp, "\n\n**%s**", ri->status);
	if (ri->applies == T_FALSE) {
		fprintf(fp, ": does not apply (when: ");
		md_code(fp, ri->when, 0);
		/* Records from when it did apply (the runbook changed) are
		 * still shown: the report hides nothing that was done. */
		fprintf(fp, ")%s.\n\n", ri->touched ? "; it has records from "
		    "before, shown below" : "");
	} else {
		buf_init(&b);
		report_counts(ri, &b);
		fprintf(fp, ": %s.", b.s);
		buf_free(&b);
		if (ri->nblocked > 0) {
			fprintf(fp, " Blocked by ");
			for (i = 0; i < ri->nblocked; i++) {
				fprintf(fp, "%s", i ? ", " : "");
				md_code(fp, ri->blocked_by[i], 0);
			}
			fprintf(fp, ".");
		}
		if (ri->nneeds > 0) {
			fprintf(fp, " Waits for an answer to ");
			for (i = 0; i < ri->nneeds; i++) {
				fprintf(fp, "%s", i ? ", " : "");
				md_code(fp, ri->needs[i], 0);
			}
			fprintf(fp, ".");
		}
		buf_init(&b);
		report_worked(ri, &b);
		fprintf(fp, "%s\n\n", b.s ? b.s : "");
		buf_free(&b);
	}
	if (!ri->touched)
		return;
	fprintf(fp, "| # | Instruction | Status | By | At | Note |\n| ---: | "
	    "--- | --- | --- | --- | --- |\n");
	for (i = 0; i < ri->nsteps; i++) {
		rs = &ri->steps[i];
		fprintf(fp, "| %zu | ", rs->n);
		md_cell(fp, rs->line);
		if (rs->command_line != NULL) {
			fprintf(fp, "<br>");
			md_code(fp, rs->command_line, 1);
			if (rs->command_more > 0)
				fprintf(fp, " (and %zu more %s)",
				    rs->command_more, report_plural(
				    rs->command_more, "line", "lines"));
		}
		/* A failure stands out even in the raw text. */
		fprintf(fp, rs->status == RS_FAILED ? " | **%s** | " :
		    " | %s | ", report_status_names[rs->status]);
		md_cell(fp, rs->by);
		fprintf(fp, " | ");
		md_time(fp, rs->at);
		fprintf(fp, " | ");
		md_step_note(fp, rs);
		fprintf(fp, " |\n");
	}
	fprintf(fp, "\n");
	md_checks(fp, ri);
}

static void
md_events(FILE *fp, const struct report *r)
{
	const struct r_event	*e;
	size_t			 i;
	int			 chain = !r->audit.ok;

	if (r->norphans > 0) {
		fprintf(fp, "## Records outside today's plan\n\nThe runbook or "
		    "the inventory changed after these were recorded.\n\n"
		    "| Record | What |\n| --- | --- |\n");
		for (i = 0; i < r->norphans; i++) {
			fprintf(fp, "| ");
			md_code(fp, r->orphans[i].what, 1);
			fprintf(fp, " | ");
			md_cell(fp, r->orphans[i].text);
			fprintf(fp, " |\n");
		}
		fprintf(fp, "\n");
	}
	fprintf(fp, "## Event log\n\n| # | At | Operator | Event | Step | "
	    "Detail |%s\n| ---: | --- | --- | --- | --- | --- |%s\n",
	    chain ? " Chain |" : "", chain ? " --- |" : "");
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		fprintf(fp, "| %lld | ", (long long)e->id);
		md_time(fp, e->at);
		fprintf(fp, " | ");
		md_cell(fp, e->operator);
		fprintf(fp, " | ");
		md_cell(fp, e->kind);
		fprintf(fp, " | ");
		if (*e->what != '\0')
			md_code(fp, e->what, 1);
		else
			md_cell(fp, NULL);
		fprintf(fp, " | ");
		md_cell(fp, e->detail);
		if (chain)
			fprintf(fp, " | %s%s%s", *e->chain == 'B' ? "**" : "",
			    e->chain, *e->chain == 'B' ? "**" : "");
		fprintf(fp, " |\n");
	}
}

void
report_md(FILE *fp, const struct report *r)
{
	size_t	i;

	fprintf(fp, "# Change record: ");
	md_text(fp, r->title);
	fprintf(fp, "\n\n");
	if (!r->audit.ok)
		fprintf(fp, "> **AUDIT CHAIN BROKEN at event %lld.** The event "
		    "log has been changed since it was written; see \"Audit "
		    "chain\" below.\n\n", (long long)r->audit.bad);
	if (r->audit.unbacked > 0)
		fprintf(fp, "> **%zu step %s NOT match the event log.** %s "
		    "cannot be trusted; see \"Audit chain\" below.\n\n",
		    r->audit.unbacked, report_plural(r->audit.unbacked,
		    "record does", "records do"),
		    report_plural(r->audit.unbacked, "Its status",
		    "Their status"));
	md_summary(fp, r);
	md_outcome(fp, r);
	md_audit(fp, r);
	md_answers(fp, r);
	fprintf(fp, "## Procedures\n\nIn plan order. A procedure with nothing "
	    "recorded is one line; the JSON report lists its steps too.\n\n");
	for (i = 0; i < r->ninsts; i++)
		md_inst(fp, &r->insts[i]);
	md_events(fp, r);
}
