/*
 * screen-hostkey.c: an unknown host key, asked while the checks go on.
 * The SSH engine parks only the host that asks; this screen shows its
 * fingerprint to compare with the one the device's administrator reads
 * from the device, and what the other checks are doing meanwhile. a
 * accepts it and records it in known_hosts, o accepts it for this run,
 * r refuses it (nothing is sent to the host); Esc puts the question off
 * (the host keeps waiting; ! brings it back).
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

static void *
hostkey_enter(struct tui *t)
{
	(void)t;
	return NULL;
}

static void
hostkey_leave(struct tui *t, void *data)
{
	(void)t;
	(void)data;
}

/* What the other checks of the run are doing: a line each, and the last
 * line a running one has said. */
static void
meanwhile(struct tui *t, int y, int rows, int cols)
{
	struct wiz_check_row	 o;
	const char		*p, *e;
	char			 line[600], dur[32], *c;
	size_t			 i, n = wiz_run_rows(t->w);

	if (n == 0 || y >= rows)
		return;
	tui_hline(t, y++);
	tui_text(t, y++, 1, cols - 2, tui_attr(t, "dim"), "Meanwhile, the "
	    "other checks go on:");
	for (i = 0; i < n && y < rows; i++) {
		if (wiz_run_row(t->w, i, &o) != 0 || o.verdict == WIZ_NOT_RUN)
			continue;
		fmt_duration(evloop_now() - wiz_run_started(t->w), FMT_SPAN,
		    dur, sizeof(dur));
		snprintf(line, sizeof(line), "%-5s %s on %s%s%s", o.running ?
		    "..." : o.verdict == WIZ_PASS ? "PASS" : o.verdict ==
		    WIZ_FAIL ? "FAIL" : "ERROR", o.kind, o.where ? o.where :
		    "here", o.running ? (o.waiting ? ": waiting for you" :
		    ": running, ") : "", o.running && !o.waiting ? dur : "");
		c = clean_str(line, strlen(line));
		tui_text(t, y++, 1, cols - 2, o.running ? TUI_PLAIN :
		    o.verdict == WIZ_PASS ? tui_attr(t, "done") : tui_attr(t,
		    "fail"), c);
		free(c);
		if (o.running && o.live != NULL && o.livelen > 0 && y < rows) {
			/* Its newest line. */
			e = o.live + o.livelen;
			while (e > o.live && (e[-1] == '\n' || e[-1] == '\r'))
				e--;
			for (p = e; p > o.live && p[-1] != '\n'; p--)
				;
			c = clean_str(p, (size_t)(e - p));
			snprintf(line, sizeof(line), "      %s", c);
			free(c);
			tui_text(t, y++, 1, cols - 2, tui_attr(t, "dim"), line);
		}
	}
}

static void
hostkey_draw(struct tui *t, void *data, int rows, int cols)
{
	const struct wiz_question	*q = wiz_question(t->w, 0);
	char				 line[600];
	int				 y = 2;

	(void)data;
	if (q == NULL || q->kind != WIZ_Q_HOSTKEY) {
		tui_title(t, "Host key");
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No host key question "
		    "waits now. Esc goes back.");
		return;
	}
	snprintf(line, sizeof(line), "Unknown host key: %s (%s port %d)",
	    q->host, q->address, q->port);
	tui_title(t, line);
	/* known_hosts's name for it has the port when it is not 22. */
	if (q->hostname != NULL)
		snprintf(line, sizeof(line), "Host %s (%s) is not in %s.",
		    q->host, q->hostname, q->known_hosts ? q->known_hosts :
		    "known_hosts");
	else
		snprintf(line, sizeof(line), "Host %s (%s, port %d) is not in "
		    "%s.", q->host, q->address, q->port, q->known_hosts ?
		    q->known_hosts : "known_hosts");
	y = tui_wrap(t, y, rows, 2, cols - 4, TUI_PLAIN, line);
	y++;
	snprintf(line, sizeof(line), "Its %s key fingerprint is",
	    q->keytype ? q->keytype : "");
	tui_text_clean(t, y++, 2, cols - 4, TUI_PLAIN, line);
	tui_text_clean(t, y++, 6, cols - 8, tui_attr(t, "command"),
	    q->fingerprint ? q->fingerprint : "?");
	y++;
	y = tui_wrap(t, y, rows, 2, cols - 4, TUI_PLAIN, "Compare it with the "
	    "one the device's administrator reads from the device (ssh-keygen "
	    "-lf on its host key, or the device's own show command).");
	y++;
	y = tui_wrap(t, y, rows, 2, cols - 4, tui_attr(t, "title"), "a accept "
	    "always (record it)   o accept once   r refuse   Esc later (the "
	    "host waits)");
	if (wiz_questions(t->w) > 1 && y < rows) {
		snprintf(line, sizeof(line), "%zu more question%s after this "
		    "one.", wiz_questions(t->w) - 1, wiz_questions(t->w) > 2 ?
		    "s" : "");
		tui_text(t, y++, 2, cols - 4, tui_attr(t, "dim"), line);
	}
	meanwhile(t, y + 1, rows, cols);
}

static int
answer(struct tui *t, enum wiz_hostkey_answer a)
{
	const struct wiz_question	*q = wiz_question(t->w, 0);
	char				 host[128];
	const struct wiz_question	*next;

	if (q == NULL || q->kind != WIZ_Q_HOSTKEY)
		return SCR_BACK;
	snprintf(host, sizeof(host), "%s", q->host);
	if (wiz_answer_hostkey(t->w, q->id, a) != 0)
		tui_say(t, 1, "%s: the question was gone (its connection "
		    "ended).", host);
	else
		tui_say(t, a == WIZ_HK_REFUSE, "%s: host key %s.", host,
		    a == WIZ_HK_ALWAYS ? "accepted and recorded" :
		    a == WIZ_HK_ONCE ? "accepted for this run" :
		    "refused; nothing was sent to it");
	if ((next = wiz_question(t->w, 0)) == NULL)
		return SCR_BACK;
	t->next = next->kind == WIZ_Q_HOSTKEY ? SCREEN_HOSTKEY : SCREEN_SECRET;
	return SCR_GOTO | SCR_REPLACE;
}

static int
key_always(struct tui *t, void *data)
{
	(void)data;
	return answer(t, WIZ_HK_ALWAYS);
}

static int
key_once(struct tui *t, void *data)
{
	(void)data;
	return answer(t, WIZ_HK_ONCE);
}

static int
key_refuse(struct tui *t, void *data)
{
	(void)data;
	return answer(t, WIZ_HK_REFUSE);
}

static int
key_later(struct tui *t, void *data)
{
	const struct wiz_question	*q = wiz_question(t->w, 0);

	(void)data;
	if (q != NULL) {
		t->deferred = q->id;
		tui_say(t, 0, "%s waits for your answer; ! shows the question "
		    "again.", q->host);
	}
	return SCR_BACK;
}

static const struct key_binding hostkey_keys[] = {
	{ 'a', "a", "accept the key always (recorded in known_hosts)",
	    key_always },
	{ 'o', "o", "accept it for this run only", key_once },
	{ 'r', "r", "refuse it: nothing is sent to the host", key_refuse },
	{ 27, "Esc", "later: the host waits, the other checks go on",
	    key_later },
};

const struct screen screen_hostkey = {
	.name = "hostkey",
	.title = "Unknown host key",
	.enter = hostkey_enter,
	.leave = hostkey_leave,
	.draw = hostkey_draw,
	.keys = hostkey_keys,
	.nkeys = nitems(hostkey_keys),
};
