/*
 * report-html.c: the change record as one self-contained HTML file: an
 * inline style, no script, nothing fetched, everything escaped. The
 * emitters of report_html_fmt; report-table.c says what goes where.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "report-int.h"
#include "util.h"

/*
 * HTML: one file, no scripts, nothing fetched. On screen a page; on paper
 * (A4 or letter, whichever the printer has) a record for the change board:
 * no fills, every page footed with the session, its runbook and the audit
 * head (and page N of M), a row never split across two pages, headings
 * kept with what follows, the audit head and the session's summary on the
 * first page. Word columns (who, which host, what kind) keep each word
 * whole; prose columns may break a long token (a hash, a path) anywhere.
 */
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
    /* anywhere, not break-word: it lets the table narrow a prose column
     * below its longest token instead of running off the page. */
    "td{white-space:pre-wrap;overflow-wrap:anywhere}\n"
    /* A word column is never narrower than its longest word: "alice" is
     * never "alic e". */
    "td.w{overflow-wrap:normal;word-break:normal}\n"
    "td.k{white-space:nowrap}\n"
    "thead th{background:#eee}\n"
    "table.kv{width:auto}\n"
    "table.kv th{background:#f5f5f5;white-space:nowrap}\n"
    "td.n{text-align:right;white-space:nowrap}\n"
    "td.t,time{white-space:nowrap}\n"
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
    ".practice{border:4px double #b3001b;background:#fff4d6;"
    "padding:.7em 1em;margin:1em 0;font-size:1.1em}\n"
    ".ok{border:1px solid #1a6b32;background:#eef7f1;padding:.5em .9em}\n"
    ".muted{color:#666}\n"
    ".hist{color:#444;font-size:.92em}\n"
    /* A practice record's watermark: behind the text, on screen and on
     * every printed page (a fixed box repeats on each page). */
    ".wm{position:fixed;top:38%;left:0;right:0;text-align:center;"
    "font:700 7em/1 system-ui,\"DejaVu Sans\",sans-serif;"
    "letter-spacing:.08em;color:rgba(179,0,27,.09);"
    "transform:rotate(-28deg);z-index:-1;pointer-events:none}\n"
    "@page{margin:16mm 14mm 18mm}\n"
    "@media print{body{margin:0;padding:0;max-width:none;font-size:9pt;"
    "color:#000}"
    "a{color:inherit;text-decoration:none}"
    "h1,h2,h3{break-after:avoid}"
    "tr,pre,.alert,.practice,.ok,.verdict{break-inside:avoid}"
    "thead{display:table-header-group}"
    /* No ink on fills or colour: the words and the borders say it. */
    "thead th,table.kv th,pre,.ok,.alert,.practice{background:none}"
    "th,td{border-color:#888}"
    ".done,.skipped,.failed,.pending,.ready,.blocked,.in-progress,.na,"
    ".muted,.hist{color:#000}"
    ".alert{border:2px solid #000}.ok{border:1px solid #000}"
    ".practice{border:4px double #000}"
    ".wm{color:rgba(0,0,0,.08)}}\n";

/*
 * A string for CSS content: from the record, so quotes, backslashes,
 * angle brackets and control characters go out as CSS escapes (nothing
 * can end the string or the style element).
 */
static void
css_string(FILE *fp, const char *s)
{
	const unsigned char	*p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' ||
		    *p == '<' || *p == '>' || *p == '&')
			fprintf(fp, "\\%x ", *p);
		else
			fputc(*p, fp);
	fputc('"', fp);
}

/*
 * Each printed page says what it belongs to, so a page that strays from
 * the pile still names its session, runbook and audit head; a practice
 * record says so at the top of every page as well.
 */
static void
html_page_boxes(FILE *fp, const struct report *r)
{
	const char	*head = report_audit_head(r);
	char		 foot[200];

	fputs("@page{", fp);
	if (r->practice) {
		fputs("@top-center{content:", fp);
		css_string(fp, "PRACTICE RECORD \xe2\x80\x94 NOT A CHANGE "
		    "RECORD");
		fputs(";font:700 11pt system-ui,\"DejaVu Sans\",sans-serif;"
		    "color:#000}", fp);
	}
	/* The head's hash shortened: the whole of it is on the first page. */
	snprintf(foot, sizeof(foot), "%s session %lld (%s) \xc2\xb7 audit "
	    "head %.*s%s", r->practice ? "Practice record," : "Change record,",
	    (long long)r->id, r->runbook_id, head != NULL ?
	    (int)(strchr(head, ':') - head) + 17 : 0, head != NULL ? head :
	    "", head != NULL ? "\xe2\x80\xa6" : "NOT VERIFIED");
	fputs("@bottom-left{content:", fp);
	css_string(fp, foot);
	fputs(";font:8pt system-ui,\"DejaVu Sans\",sans-serif;color:#000}"
	    "@bottom-right{content:\"page \" counter(page) \" of \" "
	    "counter(pages);font:8pt system-ui,\"DejaVu Sans\",sans-serif;"
	    "color:#000}}\n", fp);
}

/* Everything from outside is escaped, quotes too (it may end up in an
 * attribute one day). */
static void
h_escape(struct r_out *w, const char *s, size_t len)
{
	FILE	*fp = w->fp;
	size_t	 i;

	for (i = 0; i < len; i++)
		switch (s[i]) {
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
			fputc(s[i], fp);
		}
}

static void
html_text(struct r_out *w, const char *s)
{
	if (s != NULL)
		h_escape(w, s, strlen(s));
}

/* A block's closing tag ends its line, unless a box closes right after
 * it ("</p></div>"): so each block owes its line end to the next, and
 * report_table_block pays it. */
static void
h_close(struct r_out *w, const char *tag)
{
	fputs(tag, w->fp);
	w->owed = 1;
}

static void
html_doc_begin(struct r_out *w, const struct report *r)
{
	fprintf(w->fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    /* Belt and braces: even text that escaped escaping could not
	     * run a script or fetch anything. */
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"generator\" content=\"%s\">\n"
	    "<title>%ssession %lld, ", report_generator(), report_kind(r),
	    (long long)r->id);
	html_text(w, r->runbook_id);
	fprintf(w->fp, "</title>\n<style>\n%s", html_style);
	html_page_boxes(w->fp, r);
	fprintf(w->fp, "</style>\n</head>\n<body%s>\n", r->practice ?
	    " class=\"practice-record\"" : "");
	if (r->practice)
		fputs("<div class=\"wm\" aria-hidden=\"true\">PRACTICE</div>\n",
		    w->fp);
}

static void
html_doc_end(struct r_out *w)
{
	report_table_block(w);
	fputs("</body>\n</html>\n", w->fp);
}

static void
html_section_begin(struct r_out *w, const char *id)
{
	report_table_block(w);
	fprintf(w->fp, "<section id=\"%s\">", id);
	w->owed = 1;
}

static void
html_section_end(struct r_out *w)
{
	report_table_block(w);
	h_close(w, "</section>");
}

static void
html_heading_begin(struct r_out *w, int level, const char *id)
{
	report_table_block(w);
	if (id != NULL)
		fprintf(w->fp, "<h%d id=\"%s\">", level, id);
	else
		fprintf(w->fp, "<h%d>", level);
}

static void
html_heading_end(struct r_out *w, int level)
{
	fprintf(w->fp, "</h%d>", level);
	w->owed = 1;
}

static void
html_para_begin(struct r_out *w, const char *cls)
{
	report_table_block(w);
	if (cls != NULL)
		fprintf(w->fp, "<p class=\"%s\">", cls);
	else
		fputs("<p>", w->fp);
}

static void
html_para_end(struct r_out *w)
{
	h_close(w, "</p>");
}

static void
html_lead(struct r_out *w, const char *cls, const char *s)
{
	report_table_block(w);
	fprintf(w->fp, "<p class=\"verdict %s\">", cls);
	html_text(w, s);
	h_close(w, "</p>");
}

static void
html_box_begin(struct r_out *w, const char *cls)
{
	report_table_block(w);
	fprintf(w->fp, "<div class=\"%s\">", cls);
}

/* The box's last block ends on the box's line. */
static void
html_box_end(struct r_out *w)
{
	h_close(w, "</div>");
}

static void
html_banner_begin(struct r_out *w, const char *cls)
{
	html_box_begin(w, cls);
}

static void
html_list_begin(struct r_out *w)
{
	report_table_block(w);
	fputs("<ul>\n", w->fp);
}

static void
html_item_begin(struct r_out *w)
{
	fputs("<li>", w->fp);
}

static void
html_item_end(struct r_out *w)
{
	fputs("</li>\n", w->fp);
}

static void
html_list_end(struct r_out *w)
{
	h_close(w, "</ul>");
}

static void
html_kv_begin(struct r_out *w)
{
	report_table_block(w);
	fputs("<table class=\"kv\">\n", w->fp);
}

static void
html_kv_row_begin(struct r_out *w, const char *key)
{
	fprintf(w->fp, "<tr><th scope=\"row\">%s</th><td>", key);
}

static void
html_kv_row_end(struct r_out *w)
{
	fputs("</td></tr>\n", w->fp);
}

static void
html_kv_end(struct r_out *w)
{
	h_close(w, "</table>");
}

static void
html_table_begin(struct r_out *w, const struct r_table *t)
{
	size_t	i;

	report_table_block(w);
	if (t->cls != NULL)
		fprintf(w->fp, "<table class=\"%s\">\n", t->cls);
	else
		fputs("<table>\n", w->fp);
	fputs("<thead><tr>", w->fp);
	for (i = 0; i < t->ncols; i++)
		fprintf(w->fp, "<th>%s</th>", t->cols[i].name);
	fprintf(w->fp, "</tr></thead>\n<tbody>%s", t->oneline ? "" : "\n");
}

static void
html_row_begin(struct r_out *w)
{
	fputs("<tr>", w->fp);
}

/* Each cell but the first closes the one before. */
static void
html_cell(struct r_out *w, const struct r_col *c)
{
	static const char *const open[] = {
		[RA_TEXT] = "<td>",
		[RA_NUM] = "<td class=\"n\">",
		[RA_TIME] = "<td class=\"t\">",
		[RA_WORD] = "<td class=\"w\">",
		[RA_KEY] = "<td class=\"k\">"
	};

	if (c != w->table->cols)
		fputs("</td>", w->fp);
	fputs(open[c->align], w->fp);
}

static void
html_row_end(struct r_out *w)
{
	fprintf(w->fp, "</td></tr>%s", w->table->oneline ? "" : "\n");
}

static void
html_table_end(struct r_out *w)
{
	h_close(w, "</tbody>\n</table>");
}

static void
html_pre(struct r_out *w, const char *s, size_t len)
{
	report_table_block(w);
	fputs("<pre>", w->fp);
	h_escape(w, s, len);
	h_close(w, "</pre>");
}

static void
html_muted(struct r_out *w, const char *s)
{
	fputs("<span class=\"muted\">", w->fp);
	html_text(w, s);
	fputs("</span>", w->fp);
}

static void
html_code(struct r_out *w, const char *s)
{
	fputs("<code>", w->fp);
	html_text(w, s);
	fputs("</code>", w->fp);
}

static void
html_time(struct r_out *w, time_t t)
{
	char	buf[32];

	fprintf(w->fp, "<time>%s</time>", report_iso(t, buf, sizeof(buf)));
}

/* Colour says it; loud is for formats without. */
static void
html_status(struct r_out *w, const char *cls, const char *name, int loud)
{
	(void)loud;
	fprintf(w->fp, "<span class=\"st %s\">", cls);
	html_text(w, name);
	fputs("</span>", w->fp);
}

static void
html_strong_begin(struct r_out *w, const char *cls)
{
	if (cls != NULL)
		fprintf(w->fp, "<strong class=\"%s\">", cls);
	else
		fputs("<strong>", w->fp);
}

static void
html_strong_end(struct r_out *w)
{
	fputs("</strong>", w->fp);
}

static void
html_alarm(struct r_out *w, const char *s)
{
	html_strong_begin(w, NULL);
	html_text(w, s);
	html_strong_end(w);
}

static void
html_xref(struct r_out *w, const char *id, const char *text)
{
	fprintf(w->fp, "<a href=\"#%s\">%s</a>", id, text);
}

static void
html_br(struct r_out *w)
{
	fputs("<br>", w->fp);
}

static void
html_aside_begin(struct r_out *w, const char *cls, int first)
{
	(void)first;
	fprintf(w->fp, "<div class=\"%s\">", cls);
}

static void
html_aside_end(struct r_out *w)
{
	fputs("</div>", w->fp);
}

const struct r_fmt report_html_fmt = {
	.doc_begin = html_doc_begin,
	.doc_end = html_doc_end,
	.section_begin = html_section_begin,
	.section_end = html_section_end,
	.heading_begin = html_heading_begin,
	.heading_end = html_heading_end,
	.para_begin = html_para_begin,
	.para_end = html_para_end,
	.lead = html_lead,
	.banner_begin = html_banner_begin,
	.banner_end = html_box_end,
	.box_begin = html_box_begin,
	.box_end = html_box_end,
	.list_begin = html_list_begin,
	.item_begin = html_item_begin,
	.item_end = html_item_end,
	.list_end = html_list_end,
	.kv_begin = html_kv_begin,
	.kv_row_begin = html_kv_row_begin,
	.kv_row_end = html_kv_row_end,
	.kv_end = html_kv_end,
	.table_begin = html_table_begin,
	.row_begin = html_row_begin,
	.cell = html_cell,
	.row_end = html_row_end,
	.table_end = html_table_end,
	.pre = html_pre,
	.text = html_text,
	.muted = html_muted,
	.code = html_code,
	.time = html_time,
	.status = html_status,
	.strong_begin = html_strong_begin,
	.strong_end = html_strong_end,
	.alarm = html_alarm,
	.xref = html_xref,
	.br = html_br,
	.aside_begin = html_aside_begin,
	.aside_end = html_aside_end
};
