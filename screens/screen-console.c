/*
 * screen-console.c: the checks of the last run, per host, as they come
 * in: running (with how long), then pass, fail or error with the reason
 * and the procedure that fixes it, and the start of what the device said
 * (already stripped of escape sequences by the engine). Esc goes back
 * and leaves running checks running.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "check.h"
#include "clean.h"
#include "cli.h"
#include "evloop.h"
#include "tui.h"
#include "util.h"

struct console_view {
	size_t	top;		/* first line shown */
	size_t	nlines;		/* lines at the last draw */
	int64_t	started;
};

static void *
console_enter(struct tui *t)
{
	struct console_view	*cv = xcalloc(1, sizeof(*cv));

	(void)t;
	cv->started = evloop_now();
	return cv;
}

static void
console_leave(struct tui *t, void *data)
{
	(void)t;
	free(data);
}

/* Lines of the console, in order; drawn from cv->top. */
struct out {
	struct tui	*t;
	int		 y, ymax, cols;
	size_t		 line, top;
};

static void
put(struct out *o, int attr, const char *s)
{
	if (o->line++ < o->top || o->y >= o->ymax)
		return;
	tui_text(o->t, o->y++, 1, o->cols - 2, attr, s);
}

/* Text of several lines, indented, each wrapped at spaces to the width:
 * a reason and the procedure that fixes it must be read whole. */
static void
put_lines(struct out *o, int attr, const char *s, size_t max)
{
	const char	*p, *line;
	char		 buf[512];
	size_t		 n = 0;
	int		 w = o->cols - 8, len;

	if (w < 10)
		w = 10;
	for (p = s; *p != '\0' && n < max; n++) {
		len = tui_line_next(&p, w, &line);
		snprintf(buf, sizeof(buf), "      %.*s", len < 500 ? len : 500,
		    line);
		put(o, attr, buf);
	}
}

/* The last max lines of text (the newest output of a running check). */
static void
put_tail(struct out *o, int attr, const char *s, size_t max)
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
	put_lines(o, attr, p, max);
}

static void
console_draw(struct tui *t, void *data, int rows, int cols)
{
	struct console_view		*cv = data;
	const struct check_outcome	*v, *o;
	struct out			 out;
	char				 line[600], *clean;
	size_t				 n, i;
	int				 attr;

	tui_title(t, t->checking ? "Checks: running (Esc leaves them running)" :
	    "Checks (Esc back, Up/Down scroll)");
	if (t->run == NULL) {
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No check has run yet: "
		    "press c on a step.");
		return;
	}
	v = check_run_outcomes(t->run, &n);
	memset(&out, 0, sizeof(out));
	out.t = t;
	out.y = 2;
	out.ymax = rows;
	out.cols = cols;
	out.top = cv->top;
	for (i = 0; i < n; i++) {
		o = &v[i];
		if (o->verdict == CV_NOT_RUN) {
			snprintf(line, sizeof(line), "--    %s: %s", o->kind,
			    o->message ? o->message : "not run here");
			put(&out, tui_attr(t, "dim"), line);
			continue;
		}
		if (o->running) {
			snprintf(line, sizeof(line), "...   %s on %s: running, "
			    "%.0f s", o->kind, o->host ? o->host->name : "here",
			    (double)(evloop_now() - cv->started) / 1000);
			put(&out, TUI_PLAIN, line);
			/* What it has said so far: its last lines, live. */
			if (o->live != NULL) {
				clean = clean_str(o->live, o->livelen);
				put_tail(&out, tui_attr(t, "dim"), clean, 6);
				free(clean);
			}
			continue;
		}
		attr = o->verdict == CV_PASS ? tui_attr(t, "done") :
		    tui_attr(t, "fail");
		clean = clean_str(o->target ? o->target : "", o->target ?
		    strlen(o->target) : 0);
		snprintf(line, sizeof(line), "%-5s %s %s", o->verdict == CV_PASS ?
		    "PASS" : o->verdict == CV_FAIL ? "FAIL" : "ERROR", o->kind,
		    clean);
		free(clean);
		put(&out, attr, line);
		if (o->message != NULL) {
			clean = clean_str(o->message, strlen(o->message));
			put_lines(&out, attr, clean, 24);
			free(clean);
		}
		if (o->excerpt != NULL && o->verdict != CV_PASS) {
			clean = clean_str(o->excerpt, strlen(o->excerpt));
			put_lines(&out, tui_attr(t, "dim"), clean, 8);
			free(clean);
		}
	}
	cv->nlines = out.line;
}

static int
key_up(struct tui *t, void *data)
{
	struct console_view	*cv = data;

	(void)t;
	if (cv->top > 0)
		cv->top--;
	return SCR_REDRAW;
}

static int
key_down(struct tui *t, void *data)
{
	struct console_view	*cv = data;

	(void)t;
	if (cv->top + 1 < cv->nlines)
		cv->top++;
	return SCR_REDRAW;
}

static const struct key_binding console_keys[] = {
	{ KEY_UP, "Up/k", "scroll up", key_up },
	{ 'k', "k", "scroll up", key_up },
	{ KEY_DOWN, "Down/j", "scroll down", key_down },
	{ 'j', "j", "scroll down", key_down },
};

const struct screen screen_console = {
	.name = "console",
	.title = "Check console",
	.enter = console_enter,
	.leave = console_leave,
	.draw = console_draw,
	.keys = console_keys,
	.nkeys = nitems(console_keys),
};
