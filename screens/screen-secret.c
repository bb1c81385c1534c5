/*
 * screen-secret.c: a password, a key's passphrase or an ASA's enable
 * secret the SSH engine needs, asked while the other checks go on. What
 * is typed is never shown, only counted; it goes to the controller (which
 * keeps it for the other hosts that ask the same, in memory only) and is
 * wiped here at once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "lineedit.h"
#include "tui.h"
#include "util.h"
#include "wiz.h"

#ifndef CTRL
#define CTRL(c)		((c) & 0x1f)
#endif

struct secret_view {
	struct lineedit	le;
};

static void *
secret_enter(struct tui *t)
{
	(void)t;
	return xcalloc(1, sizeof(struct secret_view));
}

static void
secret_leave(struct tui *t, void *data)
{
	struct secret_view	*sv = data;

	(void)t;
	lineedit_clear(&sv->le);
	wipe(sv, sizeof(*sv));
	free(sv);
}

static int
secret_editing(struct tui *t, void *data)
{
	(void)t;
	(void)data;
	return 1;
}

static void
secret_draw(struct tui *t, void *data, int rows, int cols)
{
	struct secret_view		*sv = data;
	const struct wiz_question	*q = wiz_question(t->w, 0);
	char				 line[600];
	int				 y = 2;

	if (q == NULL || q->kind != WIZ_Q_SECRET) {
		tui_title(t, "Secret");
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No secret is asked for "
		    "now. Esc goes back.");
		return;
	}
	snprintf(line, sizeof(line), "%s for %s%s%s", q->prompt ? q->prompt :
	    q->secret_kind, q->user ? q->user : "", q->user ? "@" : "",
	    q->host);
	tui_title(t, line);
	snprintf(line, sizeof(line), "%s (%s, port %d) asks for %s.", q->host,
	    q->address, q->port, strcmp(q->secret_kind, "enable") == 0 ?
	    "the enable secret (privileged mode)" : strcmp(q->secret_kind,
	    "passphrase") == 0 ? "the passphrase of a key file" :
	    "the login password");
	y = tui_wrap(t, y, rows, 2, cols - 4, TUI_PLAIN, line);
	y++;
	snprintf(line, sizeof(line), "Typed: %zu character%s (not shown).",
	    (size_t)tui_width(sv->le.buf), tui_width(sv->le.buf) == 1 ? "" :
	    "s");
	tui_text(t, y++, 2, cols - 4, tui_attr(t, "command"), line);
	y++;
	y = tui_wrap(t, y, rows, 2, cols - 4, tui_attr(t, "dim"), "Enter gives "
	    "it; Ctrl-U starts again; Ctrl-X gives none (a password is then "
	    "not tried, an enable secret is empty); Esc later (the host "
	    "waits, the other checks go on).");
	y++;
	tui_wrap(t, y, rows, 2, cols - 4, tui_attr(t, "dim"), "It is kept in "
	    "memory only, for the other hosts that ask the same, and never "
	    "written anywhere.");
}

static int
give(struct tui *t, struct secret_view *sv, int none)
{
	const struct wiz_question	*q = wiz_question(t->w, 0), *next;
	char				 host[128];
	int				 rc;

	if (q == NULL || q->kind != WIZ_Q_SECRET)
		return SCR_BACK;
	snprintf(host, sizeof(host), "%s", q->host);
	rc = wiz_answer_secret(t->w, q->id, none ? NULL : sv->le.buf);
	lineedit_clear(&sv->le);
	if (rc != 0)
		tui_say(t, 1, "%s: not taken (the question was gone, or the "
		    "secret is too long).", host);
	else
		tui_say(t, 0, "%s: %s.", host, none ? "none given" :
		    "given; it goes on");
	if ((next = wiz_question(t->w, 0)) == NULL)
		return SCR_BACK;
	t->next = next->kind == WIZ_Q_HOSTKEY ? SCREEN_HOSTKEY : SCREEN_SECRET;
	return SCR_GOTO | SCR_REPLACE;
}

static int
secret_key(struct tui *t, void *data, int ch)
{
	struct secret_view		*sv = data;
	const struct wiz_question	*q = wiz_question(t->w, 0);

	switch (ch) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		return give(t, sv, 0);
	case CTRL('x'):
		return give(t, sv, 1);
	case 27:
		lineedit_clear(&sv->le);
		if (q != NULL) {
			t->deferred = q->id;
			tui_say(t, 0, "%s waits for your answer; ! asks again.",
			    q->host);
		}
		return SCR_BACK;
	case CTRL('u'):
		lineedit_clear(&sv->le);
		return SCR_REDRAW;
	case KEY_BACKSPACE:
	case 127:
	case CTRL('h'):
		(void)lineedit_key(&sv->le, KEY_BACKSPACE);
		return SCR_REDRAW;
	}
	/* Bytes of the secret; no cursor moves, no other editing. */
	if ((ch >= 0x20 && ch < 0x7f) || (ch >= 0x80 && ch <= 0xff))
		(void)lineedit_key(&sv->le, ch);
	return SCR_REDRAW;
}

const struct screen screen_secret = {
	.name = "secret",
	.title = "A secret for a host (Enter gives it, Ctrl-X none, Esc later)",
	.enter = secret_enter,
	.leave = secret_leave,
	.draw = secret_draw,
	.key = secret_key,
	.editing = secret_editing,
	.types = 1,
};
