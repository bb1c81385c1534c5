/*
 * screen-paste.c: evidence from where fedwiz cannot reach. A step's ssh
 * check runs a command on a device; when fedwiz cannot log in there (no
 * SSH on an OCS 2007 front end, a host behind a jump host), the operator
 * runs the command and pastes what it printed. The screen shows the
 * command whole, as fedwiz would send it (y copies it, as the copy view
 * does), and what the output must show; it takes the paste (the
 * terminal's bracketed paste, so a pasted Enter or "q" is text, never a
 * key; typing by hand works too, Ctrl-D ends it), says how much came, and
 * records nothing until Enter: the controller then judges it by the
 * check's own expectations and records it as pasted by the operator. Esc
 * cancels at any time before that.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui.h"
#include "util.h"
#include "wiz.h"

#ifndef CTRL
#define CTRL(c)		((c) & 0x1f)
#endif

enum paste_phase {
	PASTE_WAIT,		/* nothing yet: keys act */
	PASTE_TAKE,		/* text coming in (a paste, or typed) */
	PASTE_REVIEW		/* all in: Enter records, e again, Esc not */
};

struct paste_view {
	char			 proc[128];
	char			 host[128];	/* the instance's; "": once */
	size_t			 step;
	struct wiz_paste_item	*it;
	size_t			 nit;
	struct tui_list		 l;		/* the items */
	enum paste_phase	 phase;
	int			 bracketed;	/* inside ESC[200~ ... ESC[201~ */
	int			 cr;		/* the last byte taken was CR */
	char			*buf;
	size_t			 len, cap;
	size_t			 lines;
	int			 over;		/* more than WIZ_PASTE_MAX came */
};

static void
clear_text(struct paste_view *pv)
{
	if (pv->buf != NULL)
		memset(pv->buf, 0, pv->cap);
	pv->len = pv->lines = 0;
	pv->cr = pv->over = 0;
}

static void *
paste_enter(struct tui *t)
{
	struct paste_view	*pv = xcalloc(1, sizeof(*pv));
	size_t			 i;

	snprintf(pv->proc, sizeof(pv->proc), "%s", tui_proc(t) ? tui_proc(t) :
	    "");
	snprintf(pv->host, sizeof(pv->host), "%s", tui_host(t) ? tui_host(t) :
	    "");
	pv->step = tui_step(t);
	pv->nit = wiz_paste_items(t->w, pv->proc, *pv->host ? pv->host : NULL,
	    pv->step, &pv->it);
	pv->l.n = pv->nit;
	/* The host the last run could not reach is the one to paste for. */
	for (i = 0; i < pv->nit; i++)
		if (pv->it[i].unreached) {
			pv->l.sel = i;
			break;
		}
	return pv;
}

static void
paste_leave(struct tui *t, void *data)
{
	struct paste_view	*pv = data;

	(void)t;
	clear_text(pv);
	free(pv->buf);
	wiz_paste_items_free(pv->it, pv->nit);
	free(pv);
}

static struct tui_list *
paste_list(struct tui *t, void *data)
{
	struct paste_view	*pv = data;

	(void)t;
	/* Another host only before anything was taken. */
	return pv->phase == PASTE_WAIT ? &pv->l : NULL;
}

static int
paste_editing(struct tui *t, void *data)
{
	(void)t;
	return ((struct paste_view *)data)->phase != PASTE_REVIEW;
}

/* One byte of the output: newlines as the terminal sends them (CR, or
 * CR LF) become LF. */
static void
take(struct paste_view *pv, int ch)
{
	if (ch == '\n' && pv->cr) {
		pv->cr = 0;
		return;
	}
	pv->cr = ch == '\r';
	if (ch == '\r')
		ch = '\n';
	if (pv->len + 1 >= WIZ_PASTE_MAX) {
		pv->over = 1;
		return;
	}
	if (pv->len + 2 > pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 4096;
		pv->buf = xreallocarray(pv->buf, pv->cap, 1);
	}
	pv->buf[pv->len++] = (char)ch;
	pv->buf[pv->len] = '\0';
	pv->lines += ch == '\n';
}

/* All in: what came, and what Enter will do. */
static void
taken(struct tui *t, struct paste_view *pv)
{
	pv->bracketed = 0;
	if (pv->len == 0) {
		pv->phase = PASTE_WAIT;
		tui_say(t, 0, "The paste was empty: nothing taken.");
		return;
	}
	pv->phase = PASTE_REVIEW;
	if (pv->over)
		tui_say(t, 1, "The paste was cut at %u MiB: Esc, and give the "
		    "output with fedwiz check --from FILE instead.",
		    WIZ_PASTE_MAX >> 20);
}

static int
paste_key(struct tui *t, void *data, int ch)
{
	struct paste_view	*pv = data;

	if (ch == TUI_KEY_PASTE_BEGIN) {
		/* A new paste takes the place of what came before. */
		clear_text(pv);
		pv->phase = PASTE_TAKE;
		pv->bracketed = 1;
		return SCR_REDRAW;
	}
	if (ch == TUI_KEY_PASTE_END) {
		if (pv->phase == PASTE_TAKE)
			taken(t, pv);
		return SCR_REDRAW;
	}
	if (pv->nit == 0)
		return SCR_UNHANDLED;
	if (pv->bracketed) {
		/* Everything pasted is text; keys the terminal decoded from
		 * it (an escape sequence in the output) are not. */
		if ((ch >= 0 && ch < 256 && ch != 27) || ch == KEY_ENTER)
			take(pv, ch == KEY_ENTER ? '\n' : ch);
		return SCR_NONE;
	}
	/* Typed by hand (a terminal without bracketed paste). */
	if (ch == CTRL('d')) {
		if (pv->phase == PASTE_TAKE)
			taken(t, pv);
		else
			tui_say(t, 0, "Nothing taken yet: paste the output.");
		return SCR_REDRAW;
	}
	if (pv->phase == PASTE_WAIT) {
		if (ch == 'y' || ch == '?' || ch == 27 || ch == KEY_BACKSPACE ||
		    ch == 127 || ch == CTRL('h') || ch > 255)
			return SCR_UNHANDLED;
		if (ch == '\r' || ch == '\n') {
			tui_say(t, 0, "Paste the output first (or type it; "
			    "Ctrl-D ends it).");
			return SCR_REDRAW;
		}
	}
	if (ch == 27) {
		clear_text(pv);
		pv->phase = PASTE_WAIT;
		tui_say(t, 0, "What was typed is gone: nothing recorded.");
		return SCR_REDRAW;
	}
	if (ch == KEY_BACKSPACE || ch == 127 || ch == CTRL('h')) {
		if (pv->len > 0) {
			pv->lines -= pv->buf[--pv->len] == '\n';
			pv->buf[pv->len] = '\0';
		}
		return SCR_REDRAW;
	}
	if (ch == KEY_ENTER)
		ch = '\n';
	if (ch == '\t' || ch == '\n' || ch == '\r' || (ch >= 0x20 && ch < 256 &&
	    ch != 0x7f)) {
		take(pv, ch);
		pv->phase = PASTE_TAKE;
		return SCR_REDRAW;
	}
	return SCR_UNHANDLED;
}

static void
paste_draw(struct tui *t, void *data, int rows, int cols)
{
	struct paste_view		*pv = data;
	const struct wiz_paste_item	*it;
	const char			*p, *nl, *start;
	char				 line[1024], part[1024];
	size_t				 i, n, a;
	int				 y = 1, list, room;

	snprintf(line, sizeof(line), "Paste output: step %zu of %s%s%s",
	    pv->step, pv->proc, *pv->host ? "@" : "", pv->host);
	tui_title(t, line);
	if (pv->nit == 0) {
		tui_wrap(t, 2, rows, 2, cols - 4, TUI_PLAIN, "This step has no "
		    "ssh check that runs on a host of the inventory: there is "
		    "no command whose output could be judged. Esc goes back.");
		return;
	}
	it = &pv->it[pv->l.sel];
	if (pv->nit > 1) {
		list = pv->nit < 3 ? (int)pv->nit : 3;
		tui_list_show(&pv->l, list);
		for (i = pv->l.top; i < pv->nit && y < 1 + list; i++, y++) {
			snprintf(line, sizeof(line), "%s %s (%s): %s%s",
			    i == pv->l.sel ? tui_mark(t, "current") : " ",
			    pv->it[i].host, pv->it[i].profile,
			    pv->it[i].unreached ? "[not reached] " : "",
			    pv->it[i].command);
			tui_text_clean(t, y, 0, cols, i == pv->l.sel ?
			    tui_attr(t, "select") : TUI_PLAIN, line);
		}
	}
	snprintf(line, sizeof(line), "Run this %son %s (%s)%s, then paste what "
	    "it printed%s:", strcmp(it->profile, "windows") == 0 ? "in "
	    "PowerShell (a Lync cmdlet: the Lync Server Management Shell) " :
	    "", it->host, it->profile, it->unreached ?
	    ", which fedwiz could not reach" : "", pv->nit > 1 && pv->phase ==
	    PASTE_WAIT ? " (Up/Down: another host)" : "");
	y = tui_wrap(t, y, rows, 0, cols, TUI_PLAIN, line);
	/* The command whole, from column 0, as the copy view shows it. */
	n = 0;
	/* At least two lines of it however small the window: it is what
	 * the operator came for. */
	for (p = it->command; *p != '\0' && y < rows && (y < rows - 6 ||
	    n < 2) && n < 6; n++) {
		a = tui_col(p, cols);
		snprintf(part, sizeof(part), "%.*s", (int)a, p);
		tui_text_clean(t, y++, 0, cols, tui_attr(t, "command"), part);
		p += a;
	}
	if (*p != '\0')
		tui_text(t, y++, 0, cols, tui_attr(t, "dim"), "... (y copies "
		    "the command whole)");
	if (it->missing != NULL) {
		snprintf(line, sizeof(line), "Cannot be judged: %s",
		    it->missing);
		y = tui_wrap(t, y, rows, 0, cols, tui_attr(t, "warn"), line);
	}
	/* What the output must show: the first lines of it. */
	for (p = it->expects, n = 0; p != NULL && *p != '\0' && y < rows - 4 &&
	    n < 2; n++, p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		snprintf(line, sizeof(line), "%s %.*s", n == 0 ? "Judged by:" :
		    "          ", (int)(nl - p), p);
		tui_text_clean(t, y++, 0, cols, tui_attr(t, "dim"), line);
	}
	tui_hline(t, y++);
	switch (pv->phase) {
	case PASTE_WAIT:
		y = tui_wrap(t, y, rows, 0, cols, TUI_PLAIN, "Paste the output "
		    "now (your terminal's paste; in tmux prefix ]). Typing it "
		    "works too: Ctrl-D ends it. y copies the command; Esc "
		    "cancels. Nothing is recorded until you confirm.");
		return;
	case PASTE_TAKE:
		snprintf(line, sizeof(line), "Taking the output: %zu line%s, "
		    "%zu bytes so far%s", pv->lines, pv->lines == 1 ? "" : "s",
		    pv->len, pv->bracketed ? "" : " (Ctrl-D when done, Esc "
		    "drops it)");
		break;
	case PASTE_REVIEW:
		snprintf(line, sizeof(line), "%zu line%s, %zu bytes taken. "
		    "Enter judges and records it (pasted by %s); e pastes "
		    "again; Esc cancels.", pv->lines + (pv->len > 0 &&
		    pv->buf[pv->len - 1] != '\n'), pv->lines + (pv->len > 0 &&
		    pv->buf[pv->len - 1] != '\n') == 1 ? "" : "s", pv->len,
		    wiz_info(t->w) ? wiz_info(t->w)->me : "you");
		break;
	}
	y = tui_wrap(t, y, rows, 0, cols, tui_attr(t, "select"), line);
	/* The end of what came, to see that it is the whole of it. */
	room = rows - y;
	if (room <= 0 || pv->len == 0)
		return;
	start = pv->buf + pv->len;
	for (n = 0; start > pv->buf && (int)n <= room; ) {
		start--;
		if (*start == '\n' && start + 1 < pv->buf + pv->len)
			n++;
		if ((int)n == room) {
			start++;
			break;
		}
	}
	for (p = start; *p != '\0' && y < rows; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		tui_text_clean(t, y++, 0, cols, TUI_PLAIN, line);
	}
}

static int
key_judge(struct tui *t, void *data)
{
	struct paste_view	*pv = data;
	struct wiz_result	 r;
	int			 rc;

	if (pv->phase != PASTE_REVIEW || pv->nit == 0)
		return SCR_REDRAW;
	if (pv->over) {
		tui_say(t, 1, "The paste was cut at %u MiB: not judged. Give "
		    "the output with fedwiz check --from FILE.",
		    WIZ_PASTE_MAX >> 20);
		return SCR_REDRAW;
	}
	rc = wiz_paste(t->w, pv->proc, *pv->host ? pv->host : NULL, pv->step,
	    pv->l.sel, pv->buf, pv->len, &r);
	tui_said(t, &r);
	if (rc != 0) {
		wiz_result_clear(&r);
		return SCR_REDRAW;
	}
	clear_text(pv);
	if (r.need == WIZ_NEED_OVERRIDE || r.need == WIZ_NEED_DRIFT) {
		/* The step is blocked (or the runbook changed): the
		 * confirmation screen decides, in the paste's place. */
		rc = tui_record(t, pv->proc, *pv->host ? pv->host : NULL,
		    pv->step, STEP_DONE, NULL) | SCR_REPLACE;
		/* What the paste recorded, under the question. */
		tui_said(t, &r);
		wiz_result_clear(&r);
		return rc;
	}
	wiz_result_clear(&r);
	return SCR_BACK;
}

static int
key_again(struct tui *t, void *data)
{
	struct paste_view	*pv = data;

	clear_text(pv);
	pv->phase = PASTE_WAIT;
	tui_say(t, 0, "Paste it again: what came before is gone.");
	return SCR_REDRAW;
}

static int
key_cancel(struct tui *t, void *data)
{
	(void)data;
	tui_say(t, 0, "Paste cancelled: nothing recorded.");
	return SCR_BACK;
}

static int
key_copy(struct tui *t, void *data)
{
	struct paste_view	*pv = data;
	char			 said[300];

	if (pv->nit == 0)
		return SCR_REDRAW;
	tui_clipboard(t, pv->it[pv->l.sel].command, said, sizeof(said));
	tui_say(t, 0, "%s", said);
	return SCR_REDRAW;
}

static const struct key_binding paste_keys[] = {
	{ '\r', "Enter", "judge the output and record it as pasted",
	    key_judge },
	{ KEY_ENTER, "Enter", "judge and record it", key_judge },
	{ 'e', "e", "paste again (what came is dropped)", key_again },
	{ 'y', "y", "copy the command (OSC 52; tmux's buffer too)",
	    key_copy },
	{ 27, "Esc", "cancel: nothing recorded", key_cancel },
	{ KEY_BACKSPACE, "Backspace", "cancel: nothing recorded", key_cancel },
	{ KEY_LEFT, "Left", "cancel: nothing recorded", key_cancel },
	{ 'h', "h", "cancel: nothing recorded", key_cancel },
};

const struct screen screen_paste = {
	.name = "paste",
	.title = "Paste output",
	.enter = paste_enter,
	.leave = paste_leave,
	.draw = paste_draw,
	.key = paste_key,
	.editing = paste_editing,
	.list = paste_list,
	.keys = paste_keys,
	.nkeys = nitems(paste_keys),
};
