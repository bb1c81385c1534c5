/*
 * screen-console.c: the checks of the last run, per host, as they come
 * in: running (with how long, and the last of what the device has said),
 * waiting for an answer of yours (a host key, a password), then pass,
 * fail or error with the reason and the procedure that fixes it, and the
 * start of what the device said. Esc goes back and leaves running checks
 * running.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "clean.h"
#include "evloop.h"
#include "tui.h"
#include "util.h"
#include "wiz.h"

struct console_view {
	struct tui_list		l;	/* a pager over the lines */
	struct tui_lines	lines;	/* at the last draw, for search */
};

static void *
console_enter(struct tui *t)
{
	struct console_view	*cv = xcalloc(1, sizeof(*cv));

	(void)t;
	cv->l.pager = 1;
	return cv;
}

static void
console_leave(struct tui *t, void *data)
{
	(void)t;
	tui_lines_free(&((struct console_view *)data)->lines);
	free(data);
}

static struct tui_list *
console_list(struct tui *t, void *data)
{
	struct console_view	*cv = data;

	(void)t;
	cv->l.n = cv->lines.n;
	return &cv->l;
}

/* Text of several lines, indented, each wrapped at spaces to the width:
 * a reason and the procedure that fixes it must be read whole. */
static void
put_lines(struct console_view *cv, int cols, int attr, const char *s,
    size_t max)
{
	const char	*p, *line;
	char		 buf[1024];
	size_t		 n = 0;
	int		 w = cols - 8, len;

	if (w < 10)
		w = 10;
	for (p = s; *p != '\0' && n < max; n++) {
		len = tui_line_next(&p, w, &line);
		snprintf(buf, sizeof(buf), "      %.*s", len < 1000 ? len : 1000,
		    line);
		tui_lines_put(&cv->lines, attr, buf);
	}
}

/* The last max lines of text (the newest output of a running check). */
static void
put_tail(struct console_view *cv, int cols, int attr, const char *s,
    size_t max)
{
	const char	*p = s + strlen(s);
	size_t		 n = 0;

	while (p > s && (p[-1] == '\n' || p[-1] == '\r'))
		p--;
	while (p > s && n < max) {
		p--;
		if (*p == '\n')
			n++;
	}
	if (*p == '\n')
		p++;
	put_lines(cv, cols, attr, p, max);
}

/* The run as lines: what the console shows, and what / searches. */
static void
layout(struct tui *t, struct console_view *cv, int cols)
{
	struct wiz_check_row	 o;
	char			 line[1200], dur[32], *clean;
	size_t			 n, i;
	int			 attr;

	tui_lines_free(&cv->lines);
	n = wiz_run_rows(t->w);
	for (i = 0; i < n; i++) {
		if (wiz_run_row(t->w, i, &o) != 0)
			break;
		if (o.verdict == WIZ_NOT_RUN) {
			snprintf(line, sizeof(line), "--    %s: %s", o.kind,
			    o.message ? o.message : "not run here");
			clean = clean_str(line, strlen(line));
			tui_lines_put(&cv->lines, tui_attr(t, "dim"), clean);
			free(clean);
			continue;
		}
		if (o.running) {
			fmt_duration(evloop_now() - wiz_run_started(t->w),
			    FMT_SPAN, dur, sizeof(dur));
			snprintf(line, sizeof(line), "...   %s on %s: %s, %s",
			    o.kind, o.where ? o.where : "here", o.waiting ?
			    "waiting for your answer (! shows the question)" :
			    "running", dur);
			tui_lines_put(&cv->lines, o.waiting ? tui_attr(t, "warn") : TUI_PLAIN,
			    line);
			/* What it has said so far: its last lines, live. */
			if (o.live != NULL) {
				clean = clean_str(o.live, o.livelen);
				put_tail(cv, cols, tui_attr(t, "dim"), clean, 6);
				free(clean);
			}
			continue;
		}
		attr = o.verdict == WIZ_PASS ? tui_attr(t, "done") :
		    tui_attr(t, "fail");
		snprintf(line, sizeof(line), "%-5s %s %s", o.verdict == WIZ_PASS ?
		    "PASS" : o.verdict == WIZ_FAIL ? "FAIL" : "ERROR", o.kind,
		    o.target ? o.target : "");
		clean = clean_str(line, strlen(line));
		tui_lines_put(&cv->lines, attr, clean);
		free(clean);
		if (o.message != NULL) {
			clean = clean_str(o.message, strlen(o.message));
			put_lines(cv, cols, attr, clean, 24);
			free(clean);
		}
		if (o.excerpt != NULL && o.verdict != WIZ_PASS) {
			clean = clean_str(o.excerpt, strlen(o.excerpt));
			put_lines(cv, cols, tui_attr(t, "dim"), clean, 8);
			free(clean);
		}
	}
}

static void
console_draw(struct tui *t, void *data, int rows, int cols)
{
	struct console_view	*cv = data;
	size_t			 i;
	int			 y;

	tui_title(t, wiz_busy(t->w) ? "Checks: running (Esc leaves them "
	    "running)" : "Checks (Esc back, Up/Down scroll, / search)");
	if (wiz_run_rows(t->w) == 0) {
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No check has run yet: "
		    "press c on a step.");
		return;
	}
	layout(t, cv, cols);
	cv->l.n = cv->lines.n;
	tui_list_show(&cv->l, rows - 2);
	for (i = cv->l.top, y = 2; i < cv->lines.n && y < rows; i++, y++)
		tui_text(t, y, 1, cols - 2, cv->lines.attr[i], cv->lines.v[i]);
}

static int
console_match(struct tui *t, void *data, size_t i, const char *pat)
{
	struct console_view	*cv = data;

	(void)t;
	return i < cv->lines.n && strcasestr(cv->lines.v[i], pat) != NULL;
}

/* The output of a check that could not reach its host, pasted: for the
 * step the last run was of. */
static int
key_paste(struct tui *t, void *data)
{
	struct wiz_check_row	row;

	(void)data;
	if (wiz_busy(t->w)) {
		tui_say(t, 0, "Checks are still running: paste when they are "
		    "in.");
		return SCR_REDRAW;
	}
	if (wiz_run_rows(t->w) == 0 || wiz_run_row(t->w, 0, &row) != 0) {
		tui_say(t, 0, "No check has run yet: p on a step of a "
		    "procedure pastes its output.");
		return SCR_REDRAW;
	}
	tui_set_position(t, row.proc, row.host, row.step);
	return tui_goto(t, SCREEN_PASTE);
}

static const struct key_binding console_keys[] = {
	{ 'p', "p", "paste the output of a check whose host fedwiz could "
	    "not reach", key_paste },
};

const struct screen screen_console = {
	.name = "console",
	.title = "Check console",
	.legend = "PASS, FAIL (it ran; the result is not what the step needs: "
	    "the procedure that fixes it is named), ERROR (it could not run: "
	    "unreachable, login, host key), -- does not apply or is yours to "
	    "confirm, ... running.",
	.enter = console_enter,
	.leave = console_leave,
	.draw = console_draw,
	.list = console_list,
	.match = console_match,
	.keys = console_keys,
	.nkeys = nitems(console_keys),
};
