/*
 * screen-vars.c: the variables form of a new session. One line per
 * variable of the runbook, in document order: its prompt, its value (the
 * default, or what --answers and --set said) and its type. A value is
 * checked as it is typed and a bad one, with the reason under it, cannot
 * be accepted; F2 goes on to the inventory once every value will do.
 *
 * Two modes, as a spreadsheet has: moving, where Enter edits the value
 * in place and typing replaces it, and editing, where the line editor
 * has the keys until Enter or Tab accepts or Esc puts the old value back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "clean.h"
#include "draft.h"
#include "lineedit.h"
#include "runbook.h"
#include "tui.h"
#include "util.h"
#include "vartype.h"

#ifndef CTRL
#define CTRL(c)		((c) & 0x1f)
#endif

struct vars_view {
	struct tui_list	 l;		/* sel: a variable; nvars: "Next" */
	int		 editing;
	struct lineedit	 le;
	char		*before;	/* the value when editing began */
};

static const char *const bools[] = { "true", "false" };

static size_t
nvars(const struct tui *t)
{
	return t->draft != NULL ? t->draft->rb->nvars : 0;
}

static const struct rb_var *
cur_var(const struct tui *t, const struct vars_view *vv)
{
	return vv->l.sel < nvars(t) ? &t->draft->rb->vars[vv->l.sel] : NULL;
}

/* What Left/Right cycle through, for choices and bools. */
static const char *const *
cycle_list(const struct rb_var *v, size_t *n)
{
	if (v->spec.type == VT_CHOICE) {
		*n = v->spec.nchoices;
		return v->spec.choices;
	}
	if (v->spec.type == VT_BOOL) {
		*n = nitems(bools);
		return bools;
	}
	*n = 0;
	return NULL;
}

static void *
vars_enter(struct tui *t)
{
	struct vars_view	*vv = xcalloc(1, sizeof(*vv));

	(void)t;
	return vv;
}

static void
vars_leave(struct tui *t, void *data)
{
	struct vars_view	*vv = data;

	/* An edit left open (Esc was not pressed: the wizard quit) keeps
	 * what was typed in the draft, as every keystroke does. */
	(void)t;
	lineedit_clear(&vv->le);
	free(vv->before);
	free(vv);
}

static struct tui_list *
vars_list(struct tui *t, void *data)
{
	struct vars_view	*vv = data;

	vv->l.n = nvars(t) + 1;
	return &vv->l;
}

static int
vars_editing(struct tui *t, void *data)
{
	struct vars_view	*vv = data;

	(void)t;
	return vv->editing;
}

static void
edit_begin(struct tui *t, struct vars_view *vv, const char *text)
{
	free(vv->before);
	vv->before = xstrdup(t->draft->values[vv->l.sel]);
	lineedit_set(&vv->le, text);
	vv->editing = 1;
	draft_set(t->draft, vv->l.sel, vv->le.buf);
}

/* Accept the edit: 0, or -1 and the reason said when the value will
 * not do. */
static int
edit_accept(struct tui *t, struct vars_view *vv)
{
	char	why[400];

	if (!vv->editing)
		return 0;
	if (draft_check_value(t->draft, vv->l.sel, why, sizeof(why)) == -1) {
		tui_say(t, 1, "%s not accepted: %s (Esc puts the old value "
		    "back)", t->draft->rb->vars[vv->l.sel].name, why);
		return -1;
	}
	vv->editing = 0;
	lineedit_clear(&vv->le);
	free(vv->before);
	vv->before = NULL;
	return 0;
}

static void
edit_cancel(struct tui *t, struct vars_view *vv)
{
	draft_set(t->draft, vv->l.sel, vv->before);
	vv->editing = 0;
	lineedit_clear(&vv->le);
	free(vv->before);
	vv->before = NULL;
}

static int
step_to(struct tui *t, struct vars_view *vv, int by)
{
	if (edit_accept(t, vv) == -1)
		return SCR_REDRAW;
	if (by < 0 && vv->l.sel > 0)
		vv->l.sel--;
	else if (by > 0 && vv->l.sel < nvars(t))
		vv->l.sel++;
	return SCR_REDRAW;
}

static int
cycle(struct tui *t, struct vars_view *vv, int by)
{
	const struct rb_var	*v = cur_var(t, vv);
	const char *const	*list;
	size_t			 n, i;

	if (v == NULL || (list = cycle_list(v, &n)) == NULL || n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(list[i], t->draft->values[vv->l.sel]) == 0)
			break;
	if (i == n)		/* none yet (or typed): start at the first */
		i = by > 0 ? 0 : n - 1;
	else
		i = by > 0 ? (i + 1) % n : (i + n - 1) % n;
	draft_set(t->draft, vv->l.sel, list[i]);
	return 1;
}

static int
next(struct tui *t, struct vars_view *vv)
{
	char	why[400];
	size_t	bad, n;

	if (t->draft == NULL)
		return SCR_REDRAW;
	if (edit_accept(t, vv) == -1)
		return SCR_REDRAW;
	if (draft_ready(t->draft, &bad, why, sizeof(why)) == -1) {
		vv->l.sel = bad;
		tui_say(t, 1, "%s %s", t->draft->rb->vars[bad].name, why);
		return SCR_REDRAW;
	}
	/* Values nobody gave: the session starts without them, and says
	 * where they are needed. */
	if ((n = draft_unanswered(t->draft, &bad)) > 0)
		tui_say(t, 0, "%zu value%s no answer yet (first: %s): the steps "
		    "that use %s say so; A on the plan answers %s later.", n,
		    n == 1 ? " has" : "s have", t->draft->rb->vars[bad].name,
		    n == 1 ? "it" : "them", n == 1 ? "it" : "them");
	return tui_goto(t, SCREEN_INVENTORY);
}

/* Keys in the table: moving mode (while editing, vars_key has them). */
static int
key_up(struct tui *t, void *data)
{
	return step_to(t, data, -1);
}

static int
key_down(struct tui *t, void *data)
{
	return step_to(t, data, 1);
}

static int
key_next(struct tui *t, void *data)
{
	return next(t, data);
}

static int
key_enter(struct tui *t, void *data)
{
	struct vars_view	*vv = data;

	if (t->draft == NULL)
		return SCR_REDRAW;
	if (vv->l.sel == nvars(t))
		return next(t, vv);
	edit_begin(t, vv, t->draft->values[vv->l.sel]);
	return SCR_REDRAW;
}

/* Backspace and Delete in moving mode start editing the value. */
static int
key_erase_ch(struct tui *t, struct vars_view *vv, int ch)
{
	if (t->draft == NULL || cur_var(t, vv) == NULL)
		return SCR_REDRAW;
	edit_begin(t, vv, t->draft->values[vv->l.sel]);
	if (ch == KEY_DC)
		lineedit_key(&vv->le, KEY_HOME);
	if (lineedit_key(&vv->le, ch) == LE_CHANGED)
		draft_set(t->draft, vv->l.sel, vv->le.buf);
	return SCR_REDRAW;
}

static int
key_erase(struct tui *t, void *data)
{
	return key_erase_ch(t, data, KEY_BACKSPACE);
}

static int
key_delete(struct tui *t, void *data)
{
	return key_erase_ch(t, data, KEY_DC);
}

static int
key_left(struct tui *t, void *data)
{
	struct vars_view	*vv = data;

	if (cur_var(t, vv) == NULL)
		return SCR_REDRAW;
	if (!cycle(t, vv, -1)) {
		edit_begin(t, vv, t->draft->values[vv->l.sel]);
		lineedit_key(&vv->le, KEY_LEFT);
	}
	return SCR_REDRAW;
}

static int
key_right(struct tui *t, void *data)
{
	struct vars_view	*vv = data;

	if (cur_var(t, vv) == NULL)
		return SCR_REDRAW;
	if (!cycle(t, vv, 1))
		edit_begin(t, vv, t->draft->values[vv->l.sel]);
	return SCR_REDRAW;
}

/* Keys outside the table: typing, and everything while editing. */
static int
vars_key(struct tui *t, void *data, int ch)
{
	struct vars_view	*vv = data;

	if (t->draft == NULL)
		return SCR_UNHANDLED;
	if (!vv->editing) {
		/* Backspace and Delete edit, here, rather than go back:
		 * this is a form. */
		if (ch == CTRL('h'))
			return key_erase_ch(t, vv, KEY_BACKSPACE);
		/* Typing replaces the value; ? and q stay help and quit. */
		if (cur_var(t, vv) == NULL || ch == '?' || ch == 'q' ||
		    !((ch > 0x20 && ch < 0x7f) || (ch >= 0x80 && ch <= 0xf4)))
			return SCR_UNHANDLED;
		edit_begin(t, vv, "");
		lineedit_key(&vv->le, ch);
		draft_set(t->draft, vv->l.sel, vv->le.buf);
		return SCR_REDRAW;
	}
	switch (ch) {
	case '\r':
	case '\n':
	case KEY_ENTER:
	case '\t':
	case KEY_DOWN:
		return step_to(t, vv, 1);
	case KEY_BTAB:
	case KEY_UP:
		return step_to(t, vv, -1);
	case 27:
		edit_cancel(t, vv);
		tui_say(t, 0, "Edit undone.");
		return SCR_REDRAW;
	case KEY_F(2):
	case CTRL('s'):
		return next(t, vv);
	}
	if (lineedit_key(&vv->le, ch) == LE_CHANGED)
		draft_set(t->draft, vv->l.sel, vv->le.buf);
	return SCR_REDRAW;
}

static void
draw_help(struct tui *t, struct vars_view *vv, int y, int ymax, int cols)
{
	const struct rb_var	*v = cur_var(t, vv);
	char			*s, *c;

	if (y >= ymax)
		return;
	tui_hline(t, y++);
	if (v == NULL) {
		tui_wrap(t, y, ymax, 1, cols - 2, TUI_PLAIN, "Enter, F2 or > "
		    "goes on to the hosts each role runs on. Esc goes back to "
		    "the runbooks; what you typed stays.");
		return;
	}
	s = xasprintf("%s (%s): %s%s%s%s.%s%s", v->prompt, v->name,
	    vartype_expect(v->spec.type), v->def ? " (default " : "",
	    v->def ? v->def : "", v->def ? ")" : "", v->help ? " " : "",
	    v->help ? v->help : "");
	c = clean_str(s, strlen(s));
	tui_wrap(t, y, ymax, 1, cols - 2, tui_attr(t, "dim"), c);
	free(c);
	free(s);
}

static void
vars_draw(struct tui *t, void *data, int rows, int cols)
{
	struct vars_view	*vv = data;
	struct draft		*d = t->draft;
	const struct rb_var	*v;
	char			 title[256], why[400], shown[LINEEDIT_MAX + 8];
	size_t			 i, n, extra, ncycle;
	int			 y, list, helph, pw, vw, tw, vx, bad, sel, attr;

	if (d == NULL) {
		tui_title(t, "New session: variables");
		tui_text(t, 2, 2, cols - 4, TUI_PLAIN, "No runbook chosen. Esc "
		    "goes back.");
		return;
	}
	n = d->rb->nvars;
	snprintf(title, sizeof(title), "New session: %s: variables (F2 "
	    "next, Esc back)", d->rb->id);
	tui_title(t, title);
	/* Help under the form when there is room; the list gets the rest. */
	helph = rows >= 16 ? 4 : rows >= 10 ? 2 : 0;
	list = rows - 2 - (helph > 0 ? helph + 1 : 0);
	if (list < 1)
		list = 1;
	if (rows >= 8)
		tui_text(t, 1, 1, cols - 2, tui_attr(t, "dim"), vv->editing ?
		    "Editing: Enter/Tab accept, Esc undo, Ctrl-U clear" :
		    "Enter edits, typing replaces, Left/Right/Space choose, "
		    "F2 next");
	/* Columns: prompt, value, type (gone when narrow). */
	tw = cols >= 60 ? 9 : 0;
	/* The prompts get what they need, the values at least 22 columns
	 * (the whole prompt is under the form too). */
	for (i = 0, pw = 10; i < n; i++)
		if (tui_width(d->rb->vars[i].prompt) > pw)
			pw = tui_width(d->rb->vars[i].prompt);
	if (pw > cols - 4 - tw - 22)
		pw = cols - 4 - tw - 22;
	if (pw < 10)
		pw = 10;
	vx = 3 + pw + 1;
	vw = cols - vx - tw - 1;
	if (vw < 4) {
		vw = 4;
		pw = cols - 4 - tw - vw - 1;
	}
	bad = vv->l.sel < n && draft_check_value(d, vv->l.sel, why,
	    sizeof(why)) == -1;
	extra = bad ? 1 : 0;
	if (vv->l.sel < vv->l.top)
		vv->l.top = vv->l.sel;
	if (vv->l.sel + extra >= vv->l.top + (size_t)list)
		vv->l.top = vv->l.sel + extra - (size_t)list + 1;
	y = rows >= 8 ? 2 : 1;
	for (i = vv->l.top; i <= n && y < (rows >= 8 ? 2 : 1) + list; i++, y++) {
		sel = i == vv->l.sel;
		if (i == n) {
			tui_text(t, y, 1, cols - 2, sel ? tui_attr(t, "select") :
			    tui_attr(t, "title"), "  Next: the hosts of each "
			    "role (inventory)  >");
			break;
		}
		v = &d->rb->vars[i];
		attr = sel && !vv->editing ? tui_attr(t, "select") : TUI_PLAIN;
		if (sel)
			mvhline(y, 1, ' ', cols - 2);
		tui_text(t, y, 1, 2, attr, draft_check_value(d, i, why, 0) != 0 ?
		    "! " : sel ? "> " : *d->values[i] == '\0' && v->def == NULL ?
		    "* " : "  ");
		tui_text_clean(t, y, 3, pw, attr, v->prompt);
		if (sel && vv->editing)
			tui_field(t, y, vx, vw, TUI_PLAIN, NULL, &vv->le);
		else if (*d->values[i] == '\0')
			tui_text(t, y, vx, vw, attr | tui_attr(t, "dim"), v->def ?
			    "(default)" : "(no answer yet)");
		else {
			if (sel && cycle_list(v, &ncycle) != NULL)
				snprintf(shown, sizeof(shown), "< %s >",
				    d->values[i]);
			else
				snprintf(shown, sizeof(shown), "%s",
				    d->values[i]);
			tui_field(t, y, vx, vw, draft_check_value(d, i, why,
			    0) == 0 ? attr : tui_attr(t, "fail"), shown, NULL);
		}
		if (tw > 0)
			tui_text(t, y, cols - tw, tw - 1, attr | tui_attr(t,
			    "dim"), vartype_name(v->spec.type));
		if (sel && bad && y + 1 < (rows >= 8 ? 2 : 1) + list) {
			draft_check_value(d, i, why, sizeof(why));
			y++;
			tui_text(t, y, 3, cols - 4, tui_attr(t, "warn"), "^ ");
			tui_text_clean(t, y, 5, cols - 6, tui_attr(t, "warn"), why);
		}
	}
	if (helph > 0)
		draw_help(t, vv, rows - helph - 1, rows, cols);
}

static const struct key_binding vars_keys[] = {
	{ KEY_UP, "Up", "previous variable", key_up },
	{ KEY_DOWN, "Down", "next variable", key_down },
	{ KEY_BTAB, "S-Tab", "previous variable", key_up },
	{ '\t', "Tab", "next variable (accepts an edit)", key_down },
	{ '\r', "Enter", "edit the value (typing replaces it)", key_enter },
	{ KEY_ENTER, "Enter", "edit the value", key_enter },
	{ KEY_LEFT, "Left", "previous choice (moves in a text value)",
	    key_left },
	{ KEY_RIGHT, "Right/Space", "next choice (Right moves in a text value)",
	    key_right },
	{ ' ', "Space", "next choice", key_right },
	{ KEY_F(2), "F2/^S/>", "on to the hosts, when every value will do",
	    key_next },
	{ CTRL('s'), "Ctrl-S", "on to the hosts", key_next },
	{ '>', ">", "on to the hosts", key_next },
	/* A form: these edit the value, they do not go back. */
	{ KEY_BACKSPACE, "Backspace/Del", "edit the value: remove a character",
	    key_erase },
	{ 127, "Backspace", "remove a character", key_erase },
	{ KEY_DC, "Del", "remove the first character", key_delete },
};

const struct screen screen_vars = {
	.name = "variables",
	.legend = "* no answer yet: the session starts without it, and the "
	    "steps that use it say so (A on the plan answers it later). ! a "
	    "value that will not do: why is under it.",
	.title = "Variables (editing: Enter/Tab accept, Esc undo, Ctrl-U clear)",
	.enter = vars_enter,
	.leave = vars_leave,
	.draw = vars_draw,
	.key = vars_key,
	.editing = vars_editing,
	.list = vars_list,
	.types = 1,
	.keys = vars_keys,
	.nkeys = nitems(vars_keys),
};
