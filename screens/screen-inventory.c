/*
 * screen-inventory.c: the hosts of a new session, per role of its
 * runbook: name, address, SSH user, port, device profile (the role's by
 * default) and key file. a adds a host to the role under the cursor
 * through a small form checked field by field as the answers file is; e
 * edits, x deletes (asked first). "Start the session" hands the draft's
 * answers to session_start_answers: nothing is written to disk but the
 * store. Passwords are never asked here; a check asks when it needs one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "clean.h"
#include "draft.h"
#include "lineedit.h"
#include "profile.h"
#include "runbook.h"
#include "tui.h"
#include "util.h"
#include "wiz.h"

#ifndef CTRL
#define CTRL(c)		((c) & 0x1f)
#endif

enum row_kind {
	ROW_ROLE,
	ROW_HOST,
	ROW_START
};

struct inv_row {
	enum row_kind	 kind;
	size_t		 role;		/* index into rb->roles */
	size_t		 host;		/* index into draft->hosts */
};

enum asking {
	ASK_NOTHING,
	ASK_DELETE,			/* the host under the cursor */
	ASK_START			/* with a role that has no host */
};

struct inv_view {
	struct inv_row		*rows;
	size_t			 nrows;
	struct tui_list		 l;
	enum asking		 asking;
	/* The host form. */
	int			 form;
	size_t			 editing;	/* its index; nhosts: new */
	struct draft_host	 h;
	enum draft_field	 field;
	struct lineedit		 le;
};

/* The form's labels, what an empty field means, and what each field is,
 * for the help under the form. */
static const struct {
	const char	*label;
	const char	*empty;
	const char	*help;
} fields[DF_COUNT] = {
	[DF_NAME] = { "Name", "(required)", "A short name for the machine, "
	    "unique in the session (fe1): letters, digits and . _ -." },
	[DF_ADDRESS] = { "Address", "(the name)", "The host name, FQDN or IP "
	    "address fedwiz connects to. Empty: the name is the address." },
	[DF_USER] = { "User", "(your login name)", "The SSH user. Empty: your "
	    "login name. Passwords are asked when a check needs one, never "
	    "here." },
	[DF_PORT] = { "SSH port", "22", "The SSH port, 1-65535. Empty: 22." },
	[DF_PROFILE] = { "Profile", "", "How fedwiz talks to the machine; "
	    "Left/Right or Space choose. The role's is filled in." },
	[DF_IDENTITY] = { "Key file", "(ssh-agent, your default keys)", "The "
	    "SSH private key file for this host. Empty: ssh-agent and your "
	    "default keys." },
};

static void
layout(struct tui *t, struct inv_view *iv)
{
	const struct draft	*d = t->draft;
	size_t			 r, k, n = 1;

	free(iv->rows);
	iv->rows = NULL;
	iv->nrows = 0;
	if (d == NULL)
		return;
	n += d->rb->nroles + d->nhosts;
	iv->rows = xcalloc(n, sizeof(*iv->rows));
	for (r = 0; r < d->rb->nroles; r++) {
		iv->rows[iv->nrows].kind = ROW_ROLE;
		iv->rows[iv->nrows++].role = r;
		for (k = 0; k < d->nhosts; k++)
			if (strcmp(d->hosts[k].role, d->rb->roles[r].id) == 0) {
				iv->rows[iv->nrows].kind = ROW_HOST;
				iv->rows[iv->nrows].role = r;
				iv->rows[iv->nrows++].host = k;
			}
	}
	iv->rows[iv->nrows++].kind = ROW_START;
	if (iv->l.sel >= iv->nrows)
		iv->l.sel = iv->nrows - 1;
}

static void *
inv_enter(struct tui *t)
{
	struct inv_view	*iv = xcalloc(1, sizeof(*iv));

	layout(t, iv);
	return iv;
}

static void
form_close(struct inv_view *iv)
{
	iv->form = 0;
	draft_host_clear(&iv->h);
	lineedit_clear(&iv->le);
}

static void
inv_leave(struct tui *t, void *data)
{
	struct inv_view	*iv = data;

	(void)t;
	form_close(iv);
	free(iv->rows);
	free(iv);
}

static struct tui_list *
inv_list(struct tui *t, void *data)
{
	struct inv_view	*iv = data;

	(void)t;
	iv->l.n = iv->nrows;
	return &iv->l;
}

static int
inv_editing(struct tui *t, void *data)
{
	struct inv_view	*iv = data;

	(void)t;
	return iv->form || iv->asking != ASK_NOTHING;
}

static const struct inv_row *
cur_row(const struct inv_view *iv)
{
	return iv->nrows > 0 ? &iv->rows[iv->l.sel] : NULL;
}

static const struct rb_role *
cur_role(const struct tui *t, const struct inv_view *iv)
{
	const struct inv_row	*r = cur_row(iv);

	return r != NULL && r->kind != ROW_START ? &t->draft->rb->roles[r->role] :
	    NULL;
}

static void
form_field(struct inv_view *iv, enum draft_field f)
{
	iv->field = f;
	lineedit_set(&iv->le, iv->h.f[f]);
}

/* Open the form on a copy of host i (nhosts: a new one for role). */
static void
form_open(struct tui *t, struct inv_view *iv, size_t i,
    const struct rb_role *role)
{
	struct draft	*d = t->draft;
	size_t		 f;

	iv->form = 1;
	iv->editing = i;
	if (i < d->nhosts) {
		iv->h.role = d->hosts[i].role;
		for (f = 0; f < DF_COUNT; f++)
			iv->h.f[f] = xstrdup(d->hosts[i].f[f]);
	} else
		draft_host_init(&iv->h, role);
	form_field(iv, DF_NAME);
}

static int
key_add(struct tui *t, void *data)
{
	struct inv_view		*iv = data;
	const struct rb_role	*role = cur_role(t, iv);

	if (t->draft == NULL)
		return SCR_REDRAW;
	if (t->draft->rb->nroles == 0) {
		tui_say(t, 1, "Runbook %s names no machines: F2 starts the "
		    "session.", t->draft->rb->id);
		return SCR_REDRAW;
	}
	if (role == NULL) {
		tui_say(t, 1, "Move to a role first: a adds a host to the role "
		    "under the cursor.");
		return SCR_REDRAW;
	}
	if (!role->many && draft_role_hosts(t->draft, role->id) > 0) {
		tui_say(t, 1, "Role %s takes one host; e edits it, x deletes "
		    "it.", role->id);
		return SCR_REDRAW;
	}
	form_open(t, iv, t->draft->nhosts, role);
	return SCR_REDRAW;
}

static int
key_edit(struct tui *t, void *data)
{
	struct inv_view		*iv = data;
	const struct inv_row	*r = cur_row(iv);

	if (t->draft == NULL || r == NULL)
		return SCR_REDRAW;
	if (r->kind != ROW_HOST) {
		tui_say(t, 1, "Move to a host first: e edits the host under the "
		    "cursor.");
		return SCR_REDRAW;
	}
	form_open(t, iv, r->host, NULL);
	return SCR_REDRAW;
}

static int
key_delete(struct tui *t, void *data)
{
	struct inv_view		*iv = data;
	const struct inv_row	*r = cur_row(iv);

	if (t->draft == NULL || r == NULL)
		return SCR_REDRAW;
	if (r->kind != ROW_HOST) {
		tui_say(t, 1, "Move to a host first: x deletes the host under "
		    "the cursor.");
		return SCR_REDRAW;
	}
	iv->asking = ASK_DELETE;
	tui_say(t, 1, "Delete host %s from %s? (y/n)",
	    t->draft->hosts[r->host].f[DF_NAME], t->draft->hosts[r->host].role);
	return SCR_REDRAW;
}

/* The session, at last: answers from the draft, checked and recorded by
 * session_start_answers in one transaction; then its plan. */
static int
start(struct tui *t, struct inv_view *iv, int asked)
{
	struct draft		*d = t->draft;
	struct wiz_result	 r;
	const char		*empty = NULL;
	size_t			 i;

	if (d == NULL)
		return SCR_REDRAW;
	for (i = 0; i < d->rb->nroles && empty == NULL; i++)
		if (draft_role_hosts(d, d->rb->roles[i].id) == 0)
			empty = d->rb->roles[i].id;
	if (empty != NULL && !asked) {
		iv->asking = ASK_START;
		tui_say(t, 1, "Role %s has no host: its procedures are done "
		    "once, with no host. Start anyway? (y/n)", empty);
		return SCR_REDRAW;
	}
	if (wiz_start(t->w, NULL, d, &r) != 0) {
		tui_said(t, &r);
		wiz_result_clear(&r);
		return SCR_REDRAW;
	}
	/* Started: the forms are done with; their draft goes. */
	draft_free(t->draft);
	t->draft = NULL;
	layout(t, iv);
	tui_said(t, &r);
	wiz_result_clear(&r);
	return tui_goto(t, SCREEN_PLAN) | SCR_FRESH;
}

static int
key_start(struct tui *t, void *data)
{
	return start(t, data, 0);
}

static int
key_enter(struct tui *t, void *data)
{
	struct inv_view		*iv = data;
	const struct inv_row	*r = cur_row(iv);

	if (r == NULL)
		return SCR_REDRAW;
	switch (r->kind) {
	case ROW_ROLE:
		return key_add(t, data);
	case ROW_HOST:
		return key_edit(t, data);
	case ROW_START:
		break;
	}
	return key_start(t, data);
}

/* Save the form's host into the draft, if every field will do. */
static int
form_save(struct tui *t, struct inv_view *iv)
{
	struct draft		*d = t->draft;
	enum draft_field	 bad;
	char			 why[400];
	size_t			 i;
	int			 added = iv->editing >= d->nhosts;

	if (draft_check_host(d, &iv->h, iv->editing, &bad, why,
	    sizeof(why)) == -1) {
		form_field(iv, bad);
		tui_say(t, 1, "%s: %s", fields[bad].label, why);
		return SCR_REDRAW;
	}
	draft_host_put(d, iv->editing, &iv->h);
	tui_say(t, 0, "Host %s %s %s.", iv->h.f[DF_NAME], added ? "added to" :
	    "changed in", iv->h.role);
	i = added ? d->nhosts - 1 : iv->editing;
	form_close(iv);
	layout(t, iv);
	for (iv->l.sel = 0; iv->l.sel + 1 < iv->nrows; iv->l.sel++)
		if (iv->rows[iv->l.sel].kind == ROW_HOST &&
		    iv->rows[iv->l.sel].host == i)
			break;
	return SCR_REDRAW;
}

static int
cycle_profile(struct inv_view *iv, int by)
{
	const char *const	*names;
	size_t			 n, i;

	names = profile_names(&n);
	for (i = 0; i < n; i++)
		if (strcmp(names[i], iv->h.f[DF_PROFILE]) == 0)
			break;
	if (i == n)
		i = 0;
	else
		i = by > 0 ? (i + 1) % n : (i + n - 1) % n;
	draft_host_set(&iv->h, DF_PROFILE, names[i]);
	lineedit_set(&iv->le, names[i]);
	return SCR_REDRAW;
}

static int
form_key(struct tui *t, struct inv_view *iv, int ch)
{
	const char *const	*names;
	char			 list[128];
	size_t			 n;

	switch (ch) {
	case 27:
		tui_say(t, 0, "Host %s.", iv->editing < t->draft->nhosts ?
		    "not changed" : "not added");
		form_close(iv);
		return SCR_REDRAW;
	case KEY_F(2):
	case CTRL('s'):
		return form_save(t, iv);
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (iv->field + 1 == DF_COUNT)
			return form_save(t, iv);
		form_field(iv, iv->field + 1);
		return SCR_REDRAW;
	case '\t':
	case KEY_DOWN:
		form_field(iv, (iv->field + 1) % DF_COUNT);
		return SCR_REDRAW;
	case KEY_BTAB:
	case KEY_UP:
		form_field(iv, (iv->field + DF_COUNT - 1) % DF_COUNT);
		return SCR_REDRAW;
	}
	if (iv->field == DF_PROFILE) {
		if (ch == KEY_LEFT)
			return cycle_profile(iv, -1);
		if (ch == KEY_RIGHT || ch == ' ')
			return cycle_profile(iv, 1);
		names = profile_names(&n);
		tui_say(t, 1, "Left/Right choose the profile: %s.",
		    join_words(names, n, list, sizeof(list)));
		return SCR_REDRAW;
	}
	if (lineedit_key(&iv->le, ch) == LE_CHANGED)
		draft_host_set(&iv->h, iv->field, iv->le.buf);
	return SCR_REDRAW;
}

static int
inv_key(struct tui *t, void *data, int ch)
{
	struct inv_view		*iv = data;
	const struct inv_row	*r = cur_row(iv);
	enum asking		 was = iv->asking;

	if (t->draft == NULL)
		return SCR_UNHANDLED;
	if (iv->form)
		return form_key(t, iv, ch);
	if (was == ASK_NOTHING)
		return SCR_UNHANDLED;
	iv->asking = ASK_NOTHING;
	if (ch != 'y' && ch != 'Y') {
		tui_say(t, 0, was == ASK_DELETE ? "Not deleted." :
		    "Not started: a adds a host to the role under the cursor.");
		return SCR_REDRAW;
	}
	if (was == ASK_START)
		return start(t, iv, 1);
	if (r != NULL && r->kind == ROW_HOST) {
		tui_say(t, 0, "Host %s deleted.", t->draft->hosts[r->host].f[
		    DF_NAME]);
		draft_host_del(t->draft, r->host);
		layout(t, iv);
	}
	return SCR_REDRAW;
}

static void
draw_form(struct tui *t, struct inv_view *iv, int rows, int cols)
{
	const struct rb_role	*role = runbook_role(t->draft->rb, iv->h.role);
	const struct profile	*p;
	char			 line[512], why[400], *c;
	int			 y = 1, f, fx = 13, fw, ok, helpy;

	snprintf(line, sizeof(line), "%s a host of %s (%s): F2 saves, Esc "
	    "cancels", iv->editing < t->draft->nhosts ? "Change" : "Add",
	    role != NULL ? role->title : iv->h.role, iv->h.role);
	c = clean_str(line, strlen(line));
	tui_title(t, c);
	free(c);
	fw = cols - fx - 2;
	if (fw > 48)
		fw = 48;
	helpy = rows >= 14 ? rows - 3 : rows;
	if (rows >= 14)
		y = 2;
	for (f = 0; f < DF_COUNT && y < helpy; f++, y++) {
		ok = draft_check_field(t->draft, &iv->h, iv->editing, f, why,
		    sizeof(why)) == 0;
		tui_text(t, y, 1, 2, TUI_PLAIN, (int)iv->field == f ? "> " :
		    ok ? "  " : "! ");
		tui_text(t, y, 3, fx - 4, (int)iv->field == f ? tui_attr(t,
		    "title") : TUI_PLAIN, fields[f].label);
		if ((int)iv->field == f && f != DF_PROFILE)
			tui_field(t, y, fx, fw, TUI_PLAIN, NULL, &iv->le);
		else if (f == DF_PROFILE) {
			p = profile_find(iv->h.f[f]);
			snprintf(line, sizeof(line), "%s%s%s%s%s",
			    (int)iv->field == f ? "< " : "", iv->h.f[f],
			    (int)iv->field == f ? " >" : "", p ? "  " : "",
			    p ? p->title : "");
			tui_text(t, y, fx, cols - fx - 1, (int)iv->field == f ?
			    tui_attr(t, "select") : TUI_PLAIN, line);
		} else if (*iv->h.f[f] == '\0')
			tui_text(t, y, fx, fw, tui_attr(t, "dim"),
			    fields[f].empty);
		else
			tui_text_clean(t, y, fx, fw, ok ? TUI_PLAIN : tui_attr(t, "fail"),
			    iv->h.f[f]);
		if ((int)iv->field == f && !ok && y + 1 < helpy) {
			y++;
			tui_text(t, y, fx - 2, 2, tui_attr(t, "warn"), "^ ");
			tui_text_clean(t, y, fx, cols - fx - 1, tui_attr(t, "warn"), why);
		}
	}
	if (helpy < rows) {
		tui_hline(t, helpy);
		tui_wrap(t, helpy + 1, rows, 1, cols - 2, tui_attr(t, "dim"),
		    fields[iv->field].help);
	}
}

static void
host_line(const struct draft_host *h, char *buf, size_t len)
{
	snprintf(buf, len, "%-12.12s %-24.24s %-10.10s %5s  %-9.9s %s",
	    h->f[DF_NAME], *h->f[DF_ADDRESS] ? h->f[DF_ADDRESS] : "(the name)",
	    *h->f[DF_USER] ? h->f[DF_USER] : "(you)", *h->f[DF_PORT] ?
	    h->f[DF_PORT] : "22", h->f[DF_PROFILE], h->f[DF_IDENTITY]);
}

static void
inv_draw(struct tui *t, void *data, int rows, int cols)
{
	struct inv_view		*iv = data;
	const struct draft	*d = t->draft;
	const struct inv_row	*r;
	const struct rb_role	*role;
	char			 line[640], *c;
	size_t			 i, n;
	int			 y, list, helph, attr, y0;

	if (d == NULL) {
		tui_title(t, "New session: hosts");
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No runbook chosen. Esc "
		    "goes back.");
		return;
	}
	if (iv->form) {
		draw_form(t, iv, rows, cols);
		return;
	}
	snprintf(line, sizeof(line), "New session: %s: hosts (a add, e edit, "
	    "x delete, F2 start)", d->rb->id);
	tui_title(t, line);
	helph = rows >= 14 ? 3 : 0;
	y0 = rows >= 8 ? 2 : 1;
	list = rows - y0 - (helph > 0 ? helph + 1 : 0);
	if (list < 1)
		list = 1;
	if (rows >= 8)
		tui_text(t, 1, 3, cols - 4, tui_attr(t, "dim"),
		    "name         address                  user        port  "
		    "profile   key file");
	iv->l.n = iv->nrows;
	tui_list_show(&iv->l, list);
	for (i = iv->l.top, y = y0; i < iv->nrows && y < y0 + list; i++, y++) {
		r = &iv->rows[i];
		attr = i == iv->l.sel ? tui_attr(t, "select") : TUI_PLAIN;
		if (i == iv->l.sel)
			mvhline(y, 1, ' ', cols - 2);
		switch (r->kind) {
		case ROW_ROLE:
			role = &d->rb->roles[r->role];
			n = draft_role_hosts(d, role->id);
			snprintf(line, sizeof(line), "%s: %s [%s, %s]%s",
			    role->id, role->title, role->profile_name,
			    role->many ? "one or more hosts" : "one host",
			    n == 0 ? "  no host yet: a adds one" : "");
			c = clean_str(line, strlen(line));
			tui_text(t, y, 1, cols - 2, i == iv->l.sel ? attr :
			    tui_attr(t, "title"), c);
			free(c);
			break;
		case ROW_HOST:
			host_line(&d->hosts[r->host], line, sizeof(line));
			tui_text_clean(t, y, 3, cols - 4, attr, line);
			break;
		case ROW_START:
			tui_text(t, y, 1, cols - 2, attr == TUI_PLAIN ?
			    tui_attr(t, "title") : attr, d->rb->nroles == 0 ?
			    "  Start the session (this runbook names no "
			    "machines)  >" : "  Start the session  >");
			break;
		}
	}
	if (helph == 0 || (r = cur_row(iv)) == NULL)
		return;
	tui_hline(t, rows - helph - 1);
	if (r->kind == ROW_START)
		snprintf(line, sizeof(line), "Enter or F2 starts the session "
		    "with these values and hosts, then shows its plan. "
		    "Passwords are asked when a check needs one.");
	else {
		role = &d->rb->roles[r->role];
		snprintf(line, sizeof(line), "%s%s%s", r->kind == ROW_HOST ?
		    "e or Enter edits this host, x deletes it. " : "a or Enter "
		    "adds a host. ", role->help ? role->help : role->title,
		    role->many ? "" : " (one host)");
	}
	c = clean_str(line, strlen(line));
	tui_wrap(t, rows - helph, rows, 1, cols - 2, tui_attr(t, "dim"), c);
	free(c);
}

static const struct key_binding inv_keys[] = {
	{ 'a', "a", "add a host to the role under the cursor", key_add },
	{ 'e', "e", "edit the host under the cursor", key_edit },
	{ 'x', "x", "delete the host under the cursor (asks)", key_delete },
	{ '\r', "Enter", "add (on a role), edit (on a host), start", key_enter },
	{ KEY_ENTER, "Enter", "add, edit, start", key_enter },
	{ KEY_F(2), "F2/Ctrl-S", "start the session", key_start },
	{ CTRL('s'), "Ctrl-S", "start the session", key_start },
};

const struct screen screen_inventory = {
	.name = "inventory",
	.title = "Hosts (in the host form: Tab/Up/Down move, F2 saves, Esc "
	    "cancels)",
	.enter = inv_enter,
	.leave = inv_leave,
	.draw = inv_draw,
	.key = inv_key,
	.editing = inv_editing,
	.list = inv_list,
	.keys = inv_keys,
	.nkeys = nitems(inv_keys),
};
