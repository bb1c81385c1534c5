/*
 * report-html.c: the change record as one self-contained HTML file: an
 * inline style, no script, nothing fetched, everything escaped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report-int.h"
#include "util.h"

/* HTML: one file, no scripts, nothing fetched; prints on A4 or letter. */

static const char html_style[] =
    "body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Helvetica Neue\",Arial,sans-serif;color:#1b1b1b;max-width:75em;"
    "margin:2em auto;padding:0 1.2em}\n"
    "h1{font-size:1.55em;margin:0 0 .3em}\n"
    "h2{font-size:1.2em;border-bottom:1px solid #bbb;padding-bottom:.15em;"
    "margin:1.8em 0 .6em}\n"
    "h3{font-size:1.02em;margin:1.5em 0 .3em}\n"
    "p{margin:.4em 0}\n"
    "table{border-collapse:collapse;width:100%;margin:.4em 0 1em}\n"
    "th,td{border:1px solid #c8c8c8;padding:.25em .5em;text-align:left;"
    "vertical-align:top}\n"
    "td{white-space:pre-wrap;overflow-wrap:anywhere}\n"
    "thead th{background:#eee}\n"
    "table.kv{width:auto}\n"
    "table.kv th{background:#f5f5f5;white-space:nowrap}\n"
    "td.n{text-align:right;white-space:nowrap}\n"
    "td.t{white-space:nowrap}\n"
    "code,pre{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,"
    "monospace;font-size:.9em}\n"
    "pre{background:#f6f6f6;border:1px solid #ddd;padding:.5em .7em;"
    "white-space:pre-wrap;overflow-wrap:anywhere;margin:.3em 0 1em}\n"
    ".st{font-weight:600}\n"
    ".done{color:#1a6b32}.skipped{color:#8a5a00}.failed{color:#b3001b}"
    ".pending,.ready,.blocked,.in-progress{color:#444}.na{color:#777}\n"
    ".verdict{font-size:1.1em;font-weight:600}\n"
    ".alert{border:2px solid #b3001b;background:#fdecef;padding:.6em .9em;"
    "margin:1em 0}\n"
    ".ok{border:1px solid #1a6b32;background:#eef7f1;padding:.5em .9em}\n"
    ".muted{color:#666}\n"
    ".hist{color:#444;font-size:.92em}\n"
    "@media print{body{margin:0;max-width:none;font-size:9.5pt}"
    "h2,h3{break-after:avoid}tr,pre,.alert{break-inside:avoid}"
    "thead{display:table-header-group}"
    ".alert,.ok,thead th,table.kv th{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}}\n";

/* Everything from outside is escaped, quotes too (it may end up in an
 * attribute one day). */
static void
h(FILE *fp, const char *s)
{
	const char	*p;

	if (s == NULL)
		return;
	for (p = s; *p != '\0'; p++)
		switch (*p) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*p, fp);
		}
}

/* A value, or a muted dash when there is none. */
static void
h_opt(FILE *fp, const char *s)
{
	if (s == NULL || *s == '\0')
		fputs("<span class=\"muted\">—</span>", fp);
	else
		h(fp, s);
}

static void
h_code(FILE *fp, const char *s)
{
	if (s == NULL || *s == '\0') {
		h_opt(fp, NULL);
		return;
	}
	fputs("<code>", fp);
	h(fp, s);
	fputs("</code>", fp);
}

static void
h_time(FILE *fp, time_t t)
{
	char	buf[32];

	if (t <= 0)
		h_opt(fp, NULL);
	else
		fprintf(fp, "<time>%s</time>", report_iso(t, buf, sizeof(buf)));
}

static void
h_status(FILE *fp, const char *cls, const char *name)
{
	fprintf(fp, "<span class=\"st %s\">%s</span>", cls, name);
}

static void
h_kv(FILE *fp, const char *key)
{
	fprintf(fp, "<tr><th scope=\"row\">%s</th><td>", key);
}

static void
html_summary(FILE *fp, const struct report *r)
{
	char	buf[32];
	size_t	i;

	fprintf(fp, "<section id=\"summary\">\n<h2>Summary</h2>\n"
	    "<table class=\"kv\">\n");
	h_kv(fp, "Session");
	fprintf(fp, "%lld ", (long long)r->id);
	if (r->closed > 0)
		fprintf(fp, "(closed %s)", report_iso(r->closed, buf,
		    sizeof(buf)));
	else
		fprintf(fp, "(open)");
	fprintf(fp, "</td></tr>\n");
	h_kv(fp, "Runbook");
	h_code(fp, r->runbook_id);
	fprintf(fp, ", ");
	h(fp, r->title);
	fprintf(fp, "</td></tr>\n");
	h_kv(fp, "Runbook sha256");
	h_code(fp, r->sha256);
	fprintf(fp, "</td></tr>\n");
	if (r->drift != NULL || r->sha256_now != NULL) {
		h_kv(fp, "Runbook changed since the start");
		fprintf(fp, "<strong>");
		h(fp, r->drift ? r->drift : "the session now runs on another "
		    "text");
		fprintf(fp, "</strong>");
		if (r->sha256_now != NULL) {
			fprintf(fp, "; the file now has sha256 ");
			h_code(fp, r->sha256_now);
			fprintf(fp, " and the steps below are its text");
		}
		fprintf(fp, "</td></tr>\n");
	}
	h_kv(fp, "Source document");
	h_opt(fp, r->source);
	fprintf(fp, "</td></tr>\n");
	h_kv(fp, "Started by");
	h(fp, r->operator);
	fprintf(fp, " on ");
	h_code(fp, r->machine);
	fprintf(fp, "</td></tr>\n");
	h_kv(fp, "Operators");
	for (i = 0; i < r->noperators; i++) {
		fprintf(fp, "%s", i ? ", " : "");
		h(fp, r->operators[i]);
	}
	fprintf(fp, "</td></tr>\n");
	h_kv(fp, "Started");
	h_time(fp, r->started);
	fprintf(fp, "</td></tr>\n");
	h_kv(fp, "Last change");
	h_time(fp, r->last_change);
	fprintf(fp, "</td></tr>\n");
	h_kv(fp, "Maintenance window ends");
	if (r->window_end > 0)
		h_time(fp, r->window_end);
	else
		fprintf(fp, "none set");
	fprintf(fp, "</td></tr>\n");
	h_kv(fp, "Time used");
	h(fp, r->time_used);
	fprintf(fp, "</td></tr>\n");
	for (i = 0; i < r->nwarnings; i++) {
		h_kv(fp, "Warning");
		h(fp, r->warnings[i]);
		fprintf(fp, "</td></tr>\n");
	}
	h_kv(fp, "Report generated");
	h_time(fp, r->generated);
	fprintf(fp, " by %s</td></tr>\n</table>\n</section>\n",
	    report_generator());
}

static void
html_step_list(FILE *fp, const struct report *r, enum r_status want,
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
				fprintf(fp, "<h3>%s</h3>\n<table>\n<thead><tr>"
				    "<th>Procedure</th><th>Step</th>"
				    "<th>Instruction</th><th>By</th><th>At</th>"
				    "<th>Note</th></tr></thead>\n<tbody>\n",
				    heading);
			fprintf(fp, "<tr><td>");
			h_code(fp, ri->name);
			fprintf(fp, "</td><td class=\"n\">%zu</td><td>", rs->n);
			h_opt(fp, rs->line);
			fprintf(fp, "</td><td>");
			h_opt(fp, rs->by);
			fprintf(fp, "</td><td class=\"t\">");
			h_time(fp, rs->at);
			fprintf(fp, "</td><td>");
			h_opt(fp, rs->note);
			fprintf(fp, "</td></tr>\n");
		}
	if (n > 0)
		fprintf(fp, "</tbody>\n</table>\n");
}

static void
html_attention(FILE *fp, const struct report *r)
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
				fprintf(fp, "<h3>Failed, then redone</h3>\n"
				    "<table>\n<thead><tr><th>Procedure</th>"
				    "<th>Step</th><th>Failed at</th><th>By</th>"
				    "<th>Reason</th><th>Now</th></tr></thead>\n"
				    "<tbody>\n");
			fprintf(fp, "<tr><td>");
			h_code(fp, ri->name);
			fprintf(fp, "</td><td class=\"n\">%zu</td>"
			    "<td class=\"t\">", rs->n);
			h_time(fp, rs->failure->at);
			fprintf(fp, "</td><td>");
			h_opt(fp, rs->failure->operator);
			fprintf(fp, "</td><td>");
			h_opt(fp, report_failure_reason(rs->failure));
			fprintf(fp, "</td><td>");
			h_status(fp, report_status_class[rs->status],
			    report_status_names[rs->status]);
			if (rs->by != NULL) {
				fprintf(fp, " by ");
				h(fp, rs->by);
				fprintf(fp, " at <time>%s</time>",
				    report_iso(rs->at, buf, sizeof(buf)));
			}
			fprintf(fp, "</td></tr>\n");
		}
	if (n > 0)
		fprintf(fp, "</tbody>\n</table>\n");
	for (i = 0; i < r->ninsts; i++)
		for (k = 0; k < r->insts[i].nsteps; k++) {
			ri = &r->insts[i];
			rs = &ri->steps[k];
			if (rs->forced == NULL)
				continue;
			if (m++ == 0)
				fprintf(fp, "<h3>Recorded while its procedure "
				    "was blocked</h3>\n<table>\n<thead><tr>"
				    "<th>Procedure</th><th>Step</th><th>At</th>"
				    "<th>By</th><th>Why it was blocked</th>"
				    "</tr></thead>\n<tbody>\n");
			fprintf(fp, "<tr><td>");
			h_code(fp, ri->name);
			fprintf(fp, "</td><td class=\"n\">%zu</td>"
			    "<td class=\"t\">", rs->n);
			h_time(fp, rs->forced->at);
			fprintf(fp, "</td><td>");
			h_opt(fp, rs->forced->operator);
			fprintf(fp, "</td><td>");
			h_opt(fp, report_forced_reason(rs->forced));
			fprintf(fp, "</td></tr>\n");
		}
	if (m > 0)
		fprintf(fp, "</tbody>\n</table>\n");
}

static void
html_outcome(FILE *fp, const struct report *r)
{
	const struct r_outcome	*o = &r->out;

	fprintf(fp, "<section id=\"outcome\">\n<h2>Outcome</h2>\n"
	    "<p class=\"verdict %s\">", o->count[RS_FAILED] > 0 ? "failed" :
	    o->count[RS_PENDING] > 0 || o->procs == 0 ? "pending" : "done");
	h(fp, o->verdict);
	fprintf(fp, "</p>\n<table class=\"kv\">\n<thead><tr><th>Steps that "
	    "apply</th><th>Done</th><th>Skipped</th><th>Failed</th>"
	    "<th>Pending</th><th>Not applicable</th></tr></thead>\n"
	    "<tbody><tr><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
	    "<td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
	    "<td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr></tbody>\n"
	    "</table>\n", o->steps, o->count[RS_DONE], o->count[RS_SKIPPED],
	    o->count[RS_FAILED], o->count[RS_PENDING], o->count[RS_NA]);
	fprintf(fp, "<p>Procedures: %zu of %zu finished", o->procs_finished,
	    o->procs);
	if (o->procs_failed > 0)
		fprintf(fp, ", %zu with a failed step", o->procs_failed);
	if (o->procs_na > 0)
		fprintf(fp, "; %zu more do not apply", o->procs_na);
	fprintf(fp, ".</p>\n");
	html_step_list(fp, r, RS_FAILED, "Failed steps");
	html_step_list(fp, r, RS_SKIPPED, "Skipped steps");
	html_attention(fp, r);
	fprintf(fp, "</section>\n");
}

static void
html_unbacked(FILE *fp, const struct report *r)
{
	const struct r_inst	*ri;
	const struct r_step	*rs;
	size_t			 i, k;

	if (r->audit.unbacked == 0)
		return;
	fprintf(fp, "<div class=\"alert\"><p><strong>%zu step %s not match "
	    "the event log:</strong> the last event of each says something "
	    "else (or there is none), so the steps table was changed outside "
	    "fedwiz. Do not trust %s:</p>\n<ul>\n", r->audit.unbacked,
	    report_plural(r->audit.unbacked, "record does", "records do"),
	    report_plural(r->audit.unbacked, "its status", "their status"));
	for (i = 0; i < r->ninsts; i++)
		for (k = 0; k < r->insts[i].nsteps; k++) {
			ri = &r->insts[i];
			rs = &ri->steps[k];
			if (!rs->unbacked)
				continue;
			fprintf(fp, "<li>");
			h_code(fp, ri->name);
			fprintf(fp, " step %zu: recorded as %s by ", rs->n,
			    report_status_names[rs->status]);
			h_opt(fp, rs->by);
			fprintf(fp, "</li>\n");
		}
	fprintf(fp, "</ul></div>\n");
}

static void
html_audit(FILE *fp, const struct report *r)
{
	const struct r_audit	*au = &r->audit;

	fprintf(fp, "<section id=\"audit\">\n<h2>Audit chain</h2>\n");
	if (au->ok) {
		fprintf(fp, "<p class=\"ok\"><strong>Verified:</strong> "
		    "the %zu %s of the event log (every session in this "
		    "database) each follow the one before.", au->count,
		    report_plural(au->count, "event", "events"));
		if (au->last_hash != NULL) {
			fprintf(fp, " Last hash ");
			h_code(fp, au->last_hash);
			fprintf(fp, " (event %lld).", (long long)au->last_id);
		}
		fprintf(fp, "</p>\n");
		html_unbacked(fp, r);
		fprintf(fp, "</section>\n");
		return;
	}
	fprintf(fp, "<div class=\"alert\"><p><strong>BROKEN at event %lld:"
	    "</strong> ", (long long)au->bad);
	h(fp, au->message);
	fprintf(fp, ".</p>\n<p>The %zu %s before it verify", au->count,
	    report_plural(au->count, "event", "events"));
	if (au->last_hash != NULL) {
		fprintf(fp, " (last good hash ");
		h_code(fp, au->last_hash);
		fprintf(fp, ")");
	}
	fprintf(fp, ". From event %lld on, the log below is what the database "
	    "holds now, not necessarily what happened.</p></div>\n",
	    (long long)au->bad);
	html_unbacked(fp, r);
	fprintf(fp, "</section>\n");
}

static void
html_answers(FILE *fp, const struct report *r)
{
	const struct r_answer	*an;
	const struct r_host	*ho;
	size_t			 i;

	fprintf(fp, "<section id=\"answers\">\n<h2>Answers</h2>\n<table>\n"
	    "<thead><tr><th>Variable</th><th>Value</th><th>Source</th>"
	    "<th>Prompt</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->nanswers; i++) {
		an = &r->answers[i];
		fprintf(fp, "<tr><td>");
		h_code(fp, an->name);
		fprintf(fp, "</td><td>");
		if (an->value != NULL)
			h_code(fp, an->value);
		else
			h_opt(fp, strcmp(an->source, "withheld") == 0 ?
			    "(withheld)" : NULL);
		fprintf(fp, "</td><td>%s</td><td>", an->source);
		h_opt(fp, an->prompt);
		fprintf(fp, "</td></tr>\n");
	}
	fprintf(fp, "</tbody>\n</table>\n</section>\n"
	    "<section id=\"inventory\">\n<h2>Inventory</h2>\n<table>\n"
	    "<thead><tr><th>Role</th><th>Host</th><th>Address</th>"
	    "<th>User</th><th>Profile</th></tr>"
	    "</thead>\n<tbody>\n");
	for (i = 0; i < r->nhosts; i++) {
		ho = &r->hosts[i];
		fprintf(fp, "<tr><td>");
		h_code(fp, ho->role);
		fprintf(fp, "</td><td>");
		if (ho->name != NULL)
			h_code(fp, ho->name);
		else
			fprintf(fp, "<span class=\"muted\">(none listed)"
			    "</span>");
		fprintf(fp, "</td><td>");
		h_code(fp, ho->address);
		fprintf(fp, "</td><td>");
		h_opt(fp, ho->user);
		fprintf(fp, "</td><td>");
		h_opt(fp, ho->profile);
		fprintf(fp, "</td></tr>\n");
	}
	fprintf(fp, "</tbody>\n</table>\n</section>\n");
}

static void
html_step_note(FILE *fp, const struct r_step *rs)
{
	char	buf[32];
	size_t	i;
	int	any = 0;

	if (rs->unbacked) {
		fprintf(fp, "<strong class=\"failed\">Not backed by the event "
		    "log.</strong>");
		any = 1;
	}
	if (rs->status == RS_NA && rs->when != NULL) {
		fprintf(fp, "when: ");
		h_code(fp, rs->when);
		any = 1;
	}
	if (rs->stale != NULL) {
		fprintf(fp, "%s", any++ ? "<br>" : "");
		h(fp, rs->stale);
	}
	if (rs->note != NULL) {
		fprintf(fp, "%s", any++ ? "<br>" : "");
		h(fp, rs->note);
	}
	if (rs->show_hist) {
		fprintf(fp, "<div class=\"hist\">History:");
		for (i = 0; i < rs->nhist; i++) {
			fprintf(fp, "<br><time>%s</time> ",
			    report_iso(rs->hist[i].at, buf, sizeof(buf)));
			h(fp, rs->hist[i].operator);
			fprintf(fp, ": ");
			h(fp, rs->hist[i].detail);
		}
		fprintf(fp, "</div>");
		any = 1;
	}
	if (!any)
		h_opt(fp, NULL);
}

static void
html_checks(FILE *fp, const struct r_inst *ri)
{
	const struct r_check	*c;
	struct buf		 b;
	char			 buf[32];
	size_t			 i, lines, total, cut;

	if (ri->nchecks == 0)
		return;
	fprintf(fp, "<p>Check runs:</p>\n<table>\n<thead><tr><th>Step</th>"
	    "<th>Kind</th><th>Target</th><th>Result</th><th>Message</th>"
	    "<th>At</th><th>Duration</th><th>Output</th></tr></thead>\n"
	    "<tbody>\n");
	for (i = 0; i < ri->nchecks; i++) {
		c = &ri->checks[i];
		fprintf(fp, "<tr><td class=\"n\">%zu</td><td>", c->step);
		h(fp, c->kind);
		fprintf(fp, "</td><td>");
		h_code(fp, c->target);
		fprintf(fp, "</td><td><span class=\"st %s\">",
		    strcmp(c->result, "pass") == 0 ? "done" : "failed");
		h(fp, c->result);
		fprintf(fp, "</span></td><td>");
		h_opt(fp, c->message);
		fprintf(fp, "</td><td class=\"t\">");
		h_time(fp, c->at);
		fprintf(fp, "</td><td class=\"n\">%s</td><td>%zu bytes",
		    report_millis(c->duration_ms, buf, sizeof(buf)),
		    c->output_len);
		if (c->sha256 != NULL) {
			fprintf(fp, ", sha256 ");
			h_code(fp, c->sha256);
		}
		fprintf(fp, "</td></tr>\n");
	}
	fprintf(fp, "</tbody>\n</table>\n");
	for (i = 0; i < ri->nchecks; i++) {
		c = &ri->checks[i];
		if (c->excerpt == NULL)
			continue;
		cut = report_excerpt_cut(c->excerpt, &lines, &total);
		fprintf(fp, "<p>Output of the ");
		h(fp, c->kind);
		buf_init(&b);
		report_excerpt_note(c, cut, lines, total, &b);
		fprintf(fp, " check of step %zu%s:</p>\n<pre>", c->step,
		    b.s ? b.s : "");
		buf_free(&b);
		{
			char	*x = xstrndup(c->excerpt, cut);

			h(fp, x);
			free(x);
		}
		fprintf(fp, "</pre>\n");
	}
}

static void
html_inst(FILE *fp, const struct r_inst *ri)
{
	const struct r_step	*rs;
	struct buf		 b;
	size_t			 i;

	fprintf(fp, "<h3 id=\"p%zu\">%zu. ", ri->n, ri->n);
	h_code(fp, ri->name);
	fprintf(fp, ": ");
	h(fp, ri->title);
	fprintf(fp, "</h3>\n<p>");
	h_status(fp, ri->applies == T_FALSE ? "na" : ri->status, ri->status);
	if (ri->applies == T_FALSE) {
		fprintf(fp, ": does not apply (when: ");
		h_code(fp, ri->when);
		fprintf(fp, ")%s.</p>\n", ri->touched ? "; it has records from "
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
				h_code(fp, ri->blocked_by[i]);
			}
			fprintf(fp, ".");
		}
		if (ri->nneeds > 0) {
			fprintf(fp, " Waits for an answer to ");
			for (i = 0; i < ri->nneeds; i++) {
				fprintf(fp, "%s", i ? ", " : "");
				h_code(fp, ri->needs[i]);
			}
			fprintf(fp, ".");
		}
		buf_init(&b);
		report_worked(ri, &b);
		fprintf(fp, "%s</p>\n", b.s ? b.s : "");
		buf_free(&b);
	}
	if (!ri->touched)
		return;
	fprintf(fp, "<table>\n<thead><tr><th>#</th><th>Instruction</th>"
	    "<th>Status</th><th>By</th><th>At</th><th>Note</th></tr></thead>\n"
	    "<tbody>\n");
	for (i = 0; i < ri->nsteps; i++) {
		rs = &ri->steps[i];
		fprintf(fp, "<tr><td class=\"n\">%zu</td><td>", rs->n);
		h_opt(fp, rs->line);
		if (rs->command_line != NULL) {
			fprintf(fp, "<br>");
			h_code(fp, rs->command_line);
			if (rs->command_more > 0)
				fprintf(fp, " (and %zu more %s)",
				    rs->command_more, report_plural(
				    rs->command_more, "line", "lines"));
		}
		fprintf(fp, "</td><td>");
		h_status(fp, report_status_class[rs->status],
		    report_status_names[rs->status]);
		fprintf(fp, "</td><td>");
		h_opt(fp, rs->by);
		fprintf(fp, "</td><td class=\"t\">");
		h_time(fp, rs->at);
		fprintf(fp, "</td><td>");
		html_step_note(fp, rs);
		fprintf(fp, "</td></tr>\n");
	}
	fprintf(fp, "</tbody>\n</table>\n");
	html_checks(fp, ri);
}

static void
html_events(FILE *fp, const struct report *r)
{
	const struct r_event	*e;
	size_t			 i;
	int			 chain = !r->audit.ok;

	if (r->norphans > 0) {
		fprintf(fp, "<section id=\"outside\">\n<h2>Records "
		    "outside today's plan</h2>\n<p>The runbook or the "
		    "inventory changed after these were recorded.</p>\n"
		    "<table>\n<thead><tr>"
		    "<th>Record</th><th>What</th></tr></thead>\n<tbody>\n");
		for (i = 0; i < r->norphans; i++) {
			fprintf(fp, "<tr><td>");
			h_code(fp, r->orphans[i].what);
			fprintf(fp, "</td><td>");
			h_opt(fp, r->orphans[i].text);
			fprintf(fp, "</td></tr>\n");
		}
		fprintf(fp, "</tbody>\n</table>\n</section>\n");
	}
	fprintf(fp, "<section id=\"events\">\n<h2>Event log</h2>\n<table>\n"
	    "<thead><tr><th>#</th><th>At</th><th>Operator</th><th>Event</th>"
	    "<th>Step</th><th>Detail</th>%s</tr></thead>\n<tbody>\n",
	    chain ? "<th>Chain</th>" : "");
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		fprintf(fp, "<tr><td class=\"n\">%lld</td><td class=\"t\">",
		    (long long)e->id);
		h_time(fp, e->at);
		fprintf(fp, "</td><td>");
		h_opt(fp, e->operator);
		fprintf(fp, "</td><td>");
		h_opt(fp, e->kind);
		fprintf(fp, "</td><td>");
		h_code(fp, e->what);
		fprintf(fp, "</td><td>");
		h_opt(fp, e->detail);
		if (chain)
			fprintf(fp, "</td><td><span class=\"st %s\">%s</span>",
			    *e->chain == 'v' ? "done" : "failed", e->chain);
		fprintf(fp, "</td></tr>\n");
	}
	fprintf(fp, "</tbody>\n</table>\n</section>\n");
}

void
report_html(FILE *fp, const struct report *r)
{
	size_t	i;

	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    /* Belt and braces: even text that escaped escaping could not
	     * run a script or fetch anything. */
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"generator\" content=\"%s\">\n"
	    "<title>Change record: session %lld, ", report_generator(),
	    (long long)r->id);
	h(fp, r->runbook_id);
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>"
	    "Change record: ", html_style);
	h(fp, r->title);
	fprintf(fp, "</h1>\n");
	if (!r->audit.ok)
		fprintf(fp, "<div class=\"alert\"><strong>AUDIT CHAIN "
		    "BROKEN at event %lld.</strong> The event log has been "
		    "changed since it was written; see <a href=\"#audit\">"
		    "Audit chain</a> below.</div>\n", (long long)r->audit.bad);
	if (r->audit.unbacked > 0)
		fprintf(fp, "<div class=\"alert\"><strong>%zu step %s NOT "
		    "match the event log.</strong> %s cannot be trusted; see "
		    "<a href=\"#audit\">Audit chain</a> below.</div>\n",
		    r->audit.unbacked, report_plural(r->audit.unbacked,
		    "record does", "records do"),
		    report_plural(r->audit.unbacked, "Its status",
		    "Their status"));
	html_summary(fp, r);
	html_outcome(fp, r);
	html_audit(fp, r);
	html_answers(fp, r);
	fprintf(fp, "<section id=\"procedures\">\n<h2>Procedures</h2>\n<p>In "
	    "plan order. A procedure with nothing recorded is one line; the "
	    "JSON report lists its steps too.</p>\n");
	for (i = 0; i < r->ninsts; i++)
		html_inst(fp, &r->insts[i]);
	fprintf(fp, "</section>\n");
	html_events(fp, r);
	fprintf(fp, "</body>\n</html>\n");
}
