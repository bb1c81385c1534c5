/*
 * screen-answers.c: the answers and the inventory of the open session,
 * reached from the plan (A). Each value (the deployment's, or a host's own
 * for a variable answered per host), what it is and whether it is a
 * default or has no answer yet; Enter changes it during the session
 * (checked by its type, logged, and the evidence of the steps that used
 * the old value made stale: the message says how many). The hosts of each
 * role are listed below: a adds one (or changes the one of that name), x
 * removes one, through the controller, each an event, and the message
 * names the steps whose evidence that made stale.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui.h"
#include "util.h"
#include "wiz.h"

struct answers_view {
	struct wiz_answer	*v;
	char			**hosts;
	size_t			  nhosts;
	unsigned		  seen;
	struct tui_list		  l;
	char			  name[128];	/* what Enter is changing */
	char			  host[128];
	/* A host being added: what was answered so far. */
	char			  role[128];
	char			  hname[256];
	char			  address[256];
};

static void
load(struct tui *t, struct answers_view *av)
{
	size_t	i;

	free(av->v);
	for (i = 0; i < av->nhosts; i++)
		free(av->hosts[i]);
	free(av->hosts);
	av->l.n = wiz_answers(t->w, &av->v);
	av->nhosts = wiz_hosts(t->w, &av->hosts);
	av->seen = wiz_gen(t->w);
}

static void *
answers_enter(struct tui *t)
{
	struct answers_view	*av = xcalloc(1, sizeof(*av));

	load(t, av);
	return av;
}

static void
answers_leave(struct tui *t, void *data)
{
	struct answers_view	*av = data;
	size_t			 i;

	(void)t;
	free(av->v);
	for (i = 0; i < av->nhosts; i++)
		free(av->hosts[i]);
	free(av->hosts);
	free(av);
}

static struct tui_list *
answers_list(struct tui *t, void *data)
{
	struct answers_view	*av = data;

	if (av->seen != wiz_gen(t->w))
		load(t, av);
	return &av->l;
}

static void
answers_draw(struct tui *t, void *data, int rows, int cols)
{
	struct answers_view	*av = data;
	const struct wiz_answer	*a;
	char			 line[800], name[200], value[400], fit[300];
	size_t			 i;
	int			 y = 2, list, nw = 12, vw, attr;

	if (av->seen != wiz_gen(t->w))
		load(t, av);
	tui_title(t, "Answers and hosts of the session (Enter change, a add "
	    "host, x remove)");
	if (av->l.n == 0) {
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "This runbook has no "
		    "variables.");
		return;
	}
	for (i = 0; i < av->l.n; i++) {
		snprintf(name, sizeof(name), "%s%s%s", av->v[i].name,
		    av->v[i].host ? "@" : "", av->v[i].host ? av->v[i].host : "");
		if (tui_width(name) > nw)
			nw = tui_width(name);
	}
	if (nw > cols / 3)
		nw = cols / 3;
	vw = cols - 4 - nw - 2;
	/* The hosts take a few lines under the values. */
	list = rows - 4 - (av->nhosts > 0 ? (int)(av->nhosts < 6 ?
	    av->nhosts : 6) + 2 : 0);
	if (list < 3)
		list = 3;
	tui_list_show(&av->l, list);
	for (i = av->l.top; i < av->l.n && y < 2 + list; i++, y++) {
		a = &av->v[i];
		snprintf(name, sizeof(name), "%s%s%s", a->name, a->host ? "@" :
		    "", a->host ? a->host : "");
		if (a->value != NULL)
			snprintf(value, sizeof(value), "%s", a->value);
		else if (a->def != NULL)
			snprintf(value, sizeof(value), "%s (default)", a->def);
		else
			snprintf(value, sizeof(value), "(no answer yet)");
		snprintf(line, sizeof(line), "%s  %s", tui_fit(t, name, nw, fit,
		    sizeof(fit)), value);
		attr = i == av->l.sel ? tui_attr(t, "select") : a->value == NULL &&
		    a->def == NULL ? tui_attr(t, "warn") : TUI_PLAIN;
		tui_text_clean(t, y, 1, nw + 2 + vw, attr, line);
	}
	if (av->l.sel < av->l.n && y < rows) {
		a = &av->v[av->l.sel];
		snprintf(line, sizeof(line), "%s (%s)", a->prompt, a->type);
		tui_text_clean(t, 2 + list, 1, cols - 2, tui_attr(t, "dim"),
		    line);
	}
	y = 2 + list + 1;
	if (av->nhosts > 0 && y < rows) {
		tui_hline(t, y++);
		for (i = 0; i < av->nhosts && y < rows; i++)
			tui_text_clean(t, y++, 1, cols - 2, TUI_PLAIN,
			    av->hosts[i]);
	}
}

static int
on_value(struct tui *t, const char *value)
{
	struct answers_view	*av = t->data;
	struct wiz_result	 r;

	if (value == NULL) {
		tui_say(t, 0, "Not changed.");
		return SCR_REDRAW;
	}
	memset(&r, 0, sizeof(r));
	(void)wiz_set(t->w, av->name, av->host[0] ? av->host : NULL, value,
	    &r);
	tui_said(t, &r);
	wiz_result_clear(&r);
	return SCR_REDRAW;
}

static int
key_change(struct tui *t, void *data)
{
	struct answers_view	*av = data;
	const struct wiz_answer	*a;
	char			 q[300];

	if (av->l.n == 0)
		return SCR_REDRAW;
	a = &av->v[av->l.sel];
	snprintf(av->name, sizeof(av->name), "%s", a->name);
	snprintf(av->host, sizeof(av->host), "%s", a->host ? a->host : "");
	snprintf(q, sizeof(q), "New value of %s%s%s:", a->name, a->host ?
	    " on " : "", a->host ? a->host : "");
	return tui_ask(t, q, a->value != NULL ? a->value : a->def,
	    TUI_ASK_REQUIRED, on_value);
}

/* Adding a host: its role, name, address and SSH user, one question
 * after the other on the message line; Esc at any of them gives up. */
static int
on_host_user(struct tui *t, const char *user)
{
	struct answers_view	*av = t->data;
	struct wiz_result	 r;

	if (user == NULL) {
		tui_say(t, 0, "No host added.");
		return SCR_REDRAW;
	}
	memset(&r, 0, sizeof(r));
	(void)wiz_host_add(t->w, av->role, av->hname, av->address, user, &r);
	tui_said(t, &r);
	wiz_result_clear(&r);
	return SCR_REDRAW;
}

static int
on_host_address(struct tui *t, const char *address)
{
	struct answers_view	*av = t->data;
	char			 q[400];

	if (address == NULL) {
		tui_say(t, 0, "No host added.");
		return SCR_REDRAW;
	}
	snprintf(av->address, sizeof(av->address), "%s", address);
	snprintf(q, sizeof(q), "SSH user on %s (empty: your login name):",
	    av->hname);
	return tui_ask(t, q, NULL, 0, on_host_user);
}

static int
on_host_name(struct tui *t, const char *name)
{
	struct answers_view	*av = t->data;
	char			 q[400];

	if (name == NULL) {
		tui_say(t, 0, "No host added.");
		return SCR_REDRAW;
	}
	snprintf(av->hname, sizeof(av->hname), "%s", name);
	snprintf(q, sizeof(q), "Address of %s (IP or DNS name):", name);
	return tui_ask(t, q, NULL, TUI_ASK_REQUIRED, on_host_address);
}

static int
on_host_role(struct tui *t, const char *role)
{
	struct answers_view	*av = t->data;
	char			 q[400];

	if (role == NULL) {
		tui_say(t, 0, "No host added.");
		return SCR_REDRAW;
	}
	snprintf(av->role, sizeof(av->role), "%s", role);
	snprintf(q, sizeof(q), "Name of the new %s host (a name it has "
	    "already: that host is changed):", role);
	return tui_ask(t, q, NULL, TUI_ASK_REQUIRED, on_host_name);
}

static int
key_host_add(struct tui *t, void *data)
{
	char	*roles, q[400];

	(void)data;
	if ((roles = wiz_roles(t->w)) == NULL)
		return SCR_REDRAW;
	snprintf(q, sizeof(q), "Add a host: its role (%s):", roles);
	free(roles);
	return tui_ask(t, q, NULL, TUI_ASK_REQUIRED, on_host_role);
}

static int
on_remove_sure(struct tui *t, const char *yes)
{
	struct answers_view	*av = t->data;
	struct wiz_result	 r;

	if (yes == NULL || (yes[0] != 'y' && yes[0] != 'Y')) {
		tui_say(t, 0, "%s stays.", av->hname);
		return SCR_REDRAW;
	}
	memset(&r, 0, sizeof(r));
	(void)wiz_host_remove(t->w, av->hname, &r);
	tui_said(t, &r);
	wiz_result_clear(&r);
	return SCR_REDRAW;
}

static int
on_remove_name(struct tui *t, const char *name)
{
	struct answers_view	*av = t->data;
	char			 q[400];

	if (name == NULL) {
		tui_say(t, 0, "No host removed.");
		return SCR_REDRAW;
	}
	snprintf(av->hname, sizeof(av->hname), "%s", name);
	snprintf(q, sizeof(q), "Remove %s and its own answers? Its recorded "
	    "steps stay in the record. (y/n)", name);
	return tui_ask(t, q, NULL, TUI_ASK_YESNO, on_remove_sure);
}

static int
key_host_remove(struct tui *t, void *data)
{
	struct answers_view	*av = data;

	if (av->nhosts == 0) {
		tui_say(t, 0, "The inventory lists no host.");
		return SCR_REDRAW;
	}
	return tui_ask(t, "Remove which host (its name)?", NULL,
	    TUI_ASK_REQUIRED, on_remove_name);
}

static int
answers_match(struct tui *t, void *data, size_t i, const char *pat)
{
	struct answers_view	*av = data;

	(void)t;
	return strcasestr(av->v[i].name, pat) != NULL ||
	    strcasestr(av->v[i].prompt, pat) != NULL ||
	    (av->v[i].value != NULL && strcasestr(av->v[i].value, pat) != NULL);
}

static const struct key_binding answers_keys[] = {
	{ '\r', "Enter", "change the value (logged; stale evidence said)",
	    key_change },
	{ KEY_ENTER, "Enter", "change the value", key_change },
	{ 'e', "e", "change the value", key_change },
	{ 'a', "a", "add a host (or change the one of that name; logged)",
	    key_host_add },
	{ 'x', "x", "remove a host and its own answers (asks; logged)",
	    key_host_remove },
};

const struct screen screen_answers = {
	.name = "answers",
	.title = "Answers and hosts",
	.legend = "(default): no answer given, the runbook's default stands. "
	    "(no answer yet): the steps that use it say so and show <name>. "
	    "NAME@HOST: a value of that host's own. Hosts: role, name, "
	    "user@address, port, profile.",
	.enter = answers_enter,
	.leave = answers_leave,
	.draw = answers_draw,
	.list = answers_list,
	.match = answers_match,
	.keys = answers_keys,
	.nkeys = nitems(answers_keys),
};
