/*
 * report-md.c: the change record in Markdown: tables that read as well raw
 * as rendered; what would be markup in operator text is escaped. The
 * emitters of report_md_fmt; report-table.c says what goes where.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report-int.h"
#include "util.h"

static void
md_text(struct r_out *w, const char *s)
{
	FILE			*fp = w->fp;
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

/* Blocks are separated by one blank line: each ends its line and owes
 * the blank one to the next (report_table_block pays it). */
static void
md_block_end(struct r_out *w)
{
	fputc('\n', w->fp);
	w->owed = 1;
}

/* A list or a table has ended its last line already. */
static void
md_owe(struct r_out *w)
{
	w->owed = 1;
}

static void
md_heading_begin(struct r_out *w, int level, const char *id)
{
	(void)id;
	report_table_block(w);
	fprintf(w->fp, "%.*s ", level, "######");
}

static void
md_heading_end(struct r_out *w, int level)
{
	(void)level;
	md_block_end(w);
}

static void
md_para_begin(struct r_out *w, const char *cls)
{
	(void)cls;
	report_table_block(w);
}

static void
md_lead(struct r_out *w, const char *cls, const char *s)
{
	(void)cls;
	report_table_block(w);
	fputs("**", w->fp);
	md_text(w, s);
	fputs("**", w->fp);
	md_block_end(w);
}

static void
md_banner_begin(struct r_out *w, const char *cls)
{
	(void)cls;
	report_table_block(w);
	fputs("> ", w->fp);
}

static void
md_item_begin(struct r_out *w)
{
	fputs("- ", w->fp);
}

static void
md_item_end(struct r_out *w)
{
	fputc('\n', w->fp);
}

static void
md_kv_row_begin(struct r_out *w, const char *key)
{
	fprintf(w->fp, "- **%s:** ", key);
}

static void
md_table_begin(struct r_out *w, const struct r_table *t)
{
	size_t	i;

	report_table_block(w);
	for (i = 0; i < t->ncols; i++)
		fprintf(w->fp, "%s%s", i ? " | " : "| ", t->cols[i].name);
	fputs(" |\n", w->fp);
	for (i = 0; i < t->ncols; i++)
		fprintf(w->fp, "%s%s", i ? " | " : "| ",
		    t->cols[i].align == RA_NUM ? "---:" : "---");
	fputs(" |\n", w->fp);
}

/* The first cell opens the row. */
static void
md_cell(struct r_out *w, const struct r_col *c)
{
	fputs(c == w->table->cols ? "| " : " | ", w->fp);
}

static void
md_row_end(struct r_out *w)
{
	fputs(" |\n", w->fp);
}

/* A fence longer than any run of backticks in the text. */
static void
md_pre(struct r_out *w, const char *s, size_t len)
{
	size_t	run = 0, longest = 2, i;

	report_table_block(w);
	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (i = 0; i <= longest; i++)
		fputc('`', w->fp);
	fprintf(w->fp, "\n%.*s\n", (int)len, s);
	for (i = 0; i <= longest; i++)
		fputc('`', w->fp);
	md_block_end(w);
}

/* `code`, fenced by more backticks than it holds; in a table a pipe must
 * still be escaped, even inside code. */
static void
md_code(struct r_out *w, const char *s)
{
	const char	*p;
	size_t		 run = 0, longest = 0, i;
	int		 pad;

	for (p = s; *p != '\0'; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = s[0] == '`' || s[strlen(s) - 1] == '`';
	for (i = 0; i <= longest; i++)
		fputc('`', w->fp);
	if (pad)
		fputc(' ', w->fp);
	for (p = s; *p != '\0'; p++) {
		if (*p == '|' && w->table != NULL)
			fputs("\\|", w->fp);
		else
			fputc(*p == '\n' ? ' ' : *p, w->fp);
	}
	if (pad)
		fputc(' ', w->fp);
	for (i = 0; i <= longest; i++)
		fputc('`', w->fp);
}

static void
md_time(struct r_out *w, time_t t)
{
	char	buf[32];

	md_text(w, report_iso(t, buf, sizeof(buf)));
}

/* Markdown has no colour: only what must stand out is bold. */
static void
md_status(struct r_out *w, const char *cls, const char *name, int loud)
{
	(void)cls;
	if (loud)
		fputs("**", w->fp);
	md_text(w, name);
	if (loud)
		fputs("**", w->fp);
}

static void
md_strong_end(struct r_out *w)
{
	fputs("**", w->fp);
}

static void
md_strong_begin(struct r_out *w, const char *cls)
{
	(void)cls;
	md_strong_end(w);
}

static void
md_xref(struct r_out *w, const char *id, const char *text)
{
	(void)id;
	fprintf(w->fp, "\"%s\"", text);
}

/* A table cell holds one line: a break is html's. */
static void
md_br(struct r_out *w)
{
	fputs("<br>", w->fp);
}

static void
md_aside_begin(struct r_out *w, const char *cls, int first)
{
	(void)cls;
	if (!first)
		md_br(w);
}

/* No sections, no boxes, nothing around a row: those hooks are NULL. The
 * file ends after the last table's line, with no blank line owed. */
const struct r_fmt report_md_fmt = {
	.heading_begin = md_heading_begin,
	.heading_end = md_heading_end,
	.para_begin = md_para_begin,
	.para_end = md_block_end,
	.lead = md_lead,
	.banner_begin = md_banner_begin,
	.banner_end = md_block_end,
	.list_begin = report_table_block,
	.item_begin = md_item_begin,
	.item_end = md_item_end,
	.list_end = md_owe,
	.kv_begin = report_table_block,
	.kv_row_begin = md_kv_row_begin,
	.kv_row_end = md_item_end,
	.kv_end = md_owe,
	.table_begin = md_table_begin,
	.cell = md_cell,
	.row_end = md_row_end,
	.table_end = md_owe,
	.pre = md_pre,
	.text = md_text,
	.muted = md_text,
	.code = md_code,
	.time = md_time,
	.status = md_status,
	.strong_begin = md_strong_begin,
	.strong_end = md_strong_end,
	.alarm = md_text,	/* the summary's keys are bold already */
	.xref = md_xref,
	.br = md_br,
	.aside_begin = md_aside_begin
};
