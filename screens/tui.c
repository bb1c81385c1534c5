/*
 * tui.c: the console wizard's one loop. The terminal and a pipe the
 * signal handlers write to are watched by the controller's event loop,
 * beside the check engine's sockets. A key goes to the line being asked
 * (if one is), else to the current screen's table, its list, its text
 * field, the keys every screen has; the flags handlers return are acted
 * on here only. The controller's events (a run is over, a question of
 * the SSH engine, another console's change) become messages and screens
 * here; nothing waits in a nested getch, so the checks of every host go
 * on while the operator reads or types. The terminal is restored on
 * every way out: a normal quit, a fatal error (fatal_set_cleanup), and
 * SIGTERM/SIGHUP.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <openssl/evp.h>

#include "clean.h"
#include "draft.h"
#include "evloop.h"
#include "lineedit.h"
#include "tui.h"
#include "util.h"
#include "wiz.h"

#ifndef CTRL
#define CTRL(c)		((c) & 0x1f)
#endif

static const struct screen *const screens[SCREEN_COUNT] = {
	[SCREEN_SESSIONS] = &screen_sessions,
	[SCREEN_RUNBOOKS] = &screen_runbooks,
	[SCREEN_PLAN] = &screen_plan,
	[SCREEN_PROC] = &screen_proc,
	[SCREEN_CONSOLE] = &screen_console,
	[SCREEN_REPORT] = &screen_report,
	[SCREEN_VARS] = &screen_vars,
	[SCREEN_INVENTORY] = &screen_inventory,
	[SCREEN_HOSTKEY] = &screen_hostkey,
	[SCREEN_SECRET] = &screen_secret,
	[SCREEN_CONFIRM] = &screen_confirm,
	[SCREEN_COPY] = &screen_copy,
	[SCREEN_ANSWERS] = &screen_answers,
	[SCREEN_PASTE] = &screen_paste,
};

/* Keys every screen has; the help overlay lists them after the screen's
 * (but those the screen takes for itself). */
static int	key_help(struct tui *, void *);
static int	key_quit(struct tui *, void *);
static int	key_back(struct tui *, void *);
static int	key_questions(struct tui *, void *);
static int	key_redraw(struct tui *, void *);

static const struct key_binding global_keys[] = {
	{ '?', "?", "this help (any key closes it)", key_help },
	{ 27, "Esc", "back to the screen before", key_back },
	{ KEY_BACKSPACE, "Backspace", "back", key_back },
	{ KEY_LEFT, "Left", "back", key_back },
	{ 'h', "h", "back", key_back },
	{ 'q', "q", "quit (asks; progress is already on disk)", key_quit },
	{ '!', "!", "the questions waiting for you (a host key, a password)",
	    key_questions },
	{ CTRL('l'), "Ctrl-L", "draw the screen again", key_redraw },
};

/* A line asked on the message line. */
struct tui_ask {
	char		 q[512];
	char		 def[256];
	int		 flags;
	tui_answer_fn	 fn;
	struct lineedit	 le;
	char		 hint[128];
};

static void	draw(struct tui *);
static void	confirm_clear(struct tui *);

static int	sig_pipe[2] = { -1, -1 };
static int	curses_up;

/* Signals only write a byte; the loop reads it. */
static void
on_signal(int sig)
{
	int	 save = errno;
	char	 c = (char)sig;

	if (sig_pipe[1] != -1)
		(void)write(sig_pipe[1], &c, 1);
	errno = save;
}

static int paste_mode;

void
tui_paste_mode(int on)
{
	if (on == paste_mode)
		return;
	paste_mode = on;
	fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
	fflush(stdout);
}

static void
term_restore(void)
{
	if (curses_up) {
		curses_up = 0;
		tui_paste_mode(0);
		endwin();
	}
}

static const struct screen *
screen_of(const struct tui *t)
{
	return screens[t->cur];
}

void
tui_say(struct tui *t, int bad, const char *fmt, ...)
{
	va_list	ap;

	free(t->message);
	va_start(ap, fmt);
	if (vasprintf(&t->message, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	t->message_bad = bad;
}

void
tui_said(struct tui *t, const struct wiz_result *r)
{
	if (r->msg != NULL)
		tui_say(t, r->rc != 0, "%s", r->msg);
}

int
tui_goto(struct tui *t, enum screen_id id)
{
	t->next = id;
	return SCR_GOTO;
}

const char *
tui_proc(const struct tui *t)
{
	const struct wiz_pos	*p = wiz_position(t->w);

	return *p->proc ? p->proc : NULL;
}

const char *
tui_host(const struct tui *t)
{
	const struct wiz_pos	*p = wiz_position(t->w);

	return *p->host ? p->host : NULL;
}

size_t
tui_step(const struct tui *t)
{
	return wiz_position(t->w)->step;
}

void
tui_set_position(struct tui *t, const char *proc, const char *host,
    size_t step)
{
	struct wiz_result	r;

	memset(&r, 0, sizeof(r));
	wiz_set_position(t->w, screen_of(t)->name, proc, host, step, &r);
	if (r.rc != 0)
		tui_said(t, &r);
	wiz_result_clear(&r);
}

int
tui_attr(struct tui *t, const char *what)
{
	static const struct {
		const char	*name;
		short		 pair;
		int		 mono;
	} attrs[] = {
		{ "title", 1, (int)A_BOLD },
		{ "select", 2, (int)A_REVERSE },
		{ "done", 3, TUI_PLAIN },
		{ "fail", 4, (int)A_BOLD },
		{ "warn", 5, (int)A_BOLD },
		{ "dim", 6, (int)A_DIM },
		{ "bar", 7, (int)A_REVERSE },
		{ "command", 0, (int)A_BOLD },
	};
	size_t	i;

	for (i = 0; i < nitems(attrs); i++)
		if (strcmp(attrs[i].name, what) == 0)
			return t->color && attrs[i].pair != 0 ?
			    (int)(COLOR_PAIR(attrs[i].pair) | ((unsigned)
			    attrs[i].mono & (A_BOLD | A_REVERSE))) :
			    attrs[i].mono;
	return TUI_PLAIN;
}

const char *
tui_mark(const struct tui *t, const char *what)
{
	static const struct {
		const char	*name;
		const char	*utf8;
		const char	*ascii;
	} marks[] = {
		{ "done", "\u2713", "v" },
		{ "current", "\u25b6", ">" },
		{ "line", "\u2500", "-" },
	};
	size_t	i;

	for (i = 0; i < nitems(marks); i++)
		if (strcmp(marks[i].name, what) == 0)
			return t->ascii ? marks[i].ascii : marks[i].utf8;
	return "?";
}

const char *
tui_ago(time_t then, time_t now, char *buf, size_t len)
{
	char	d[32];

	long long	s = sub_sat(now, then);

	/* Times from the database may be anything: no overflow. */
	if (s < 60)
		snprintf(buf, len, "just now");
	else
		snprintf(buf, len, "%s ago", fmt_duration(s > INT64_MAX / 1000 ?
		    INT64_MAX : s * 1000, FMT_SPAN, d, sizeof(d)));
	return buf;
}

/*
 * Text for a terminal that is not UTF-8: each character one ASCII one.
 * The runbooks carry the documents' typography (quotes, dashes, bullets,
 * ellipses); curses would show each of their bytes as an escape.
 */
static char *
ascii_of(const char *s)
{
	static const struct {
		uint32_t	 cp;
		const char	*as;
	} map[] = {
		{ 0x00A0, " " }, { 0x00AB, "<<" }, { 0x00BB, ">>" },
		{ 0x00B7, "." }, { 0x00D7, "x" },
		{ 0x2010, "-" }, { 0x2011, "-" }, { 0x2013, "-" },
		{ 0x2014, "--" }, { 0x2018, "'" }, { 0x2019, "'" },
		{ 0x201C, "\"" }, { 0x201D, "\"" }, { 0x2022, "*" },
		{ 0x2026, "..." }, { 0x2192, "->" }, { 0x2190, "<-" },
		{ 0x2264, "<=" }, { 0x2265, ">=" }, { 0x2713, "v" },
		{ 0x25B6, ">" }, { 0x2500, "-" },
	};
	struct buf		 b;
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, left = strlen(s);
	uint32_t		 cp;
	int			 n;

	buf_init(&b);
	while (left > 0) {
		/* One character; an ill-formed run is one '?'. */
		if ((n = utf8_next(p, left, &cp)) < 0) {
			buf_addc(&b, '?');
			p += -n;
			left -= (size_t)-n;
			continue;
		}
		p += n;
		left -= (size_t)n;
		if (cp < 0x80) {
			buf_addc(&b, (char)cp);
			continue;
		}
		for (i = 0; i < nitems(map); i++)
			if (map[i].cp == cp)
				break;
		buf_adds(&b, i < nitems(map) ? map[i].as : "?");
	}
	return buf_steal(&b);
}

int
tui_width(const char *s)
{
	int	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

size_t
tui_col(const char *s, int w)
{
	size_t	i = 0;
	int	c = 0;

	for (; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == w)
			return i;
	}
	return i;
}

const char *
tui_fit(const struct tui *t, const char *s, int w, char *buf, size_t len)
{
	size_t	n;
	int	cols;

	if (w < 0)
		w = 0;
	cols = tui_width(s);
	if (cols > w) {
		/* Cut, the last column an ellipsis. */
		n = w > 1 ? tui_col(s, w - 1) : tui_col(s, w);
		snprintf(buf, len, "%.*s%s", (int)n, s, w > 1 ? (t->ascii ?
		    "~" : "\u2026") : "");
		return buf;
	}
	snprintf(buf, len, "%s%*s", s, w - cols, "");
	return buf;
}

/* Text at y, x, at most w columns, cut with an ellipsis when longer.
 * Remote and runbook text is shown only after the caller cleaned it. */
void
tui_text(struct tui *t, int y, int x, int w, int attr, const char *s)
{
	const char	*c;
	char		*a = NULL;
	int		 n;

	for (c = s; t->ascii && *c != '\0'; c++)
		if ((unsigned char)*c >= 0x80) {
			s = a = ascii_of(s);
			break;
		}
	if (y < 0 || y >= t->rows || x >= t->cols || w <= 0) {
		free(a);
		return;
	}
	if (x + w > t->cols)
		w = t->cols - x;
	n = tui_width(s);
	attron(attr);
	if (n <= w)
		mvaddstr(y, x, s);
	else if (w > 3 && t->ascii) {
		mvaddnstr(y, x, s, (int)tui_col(s, w - 3));
		addstr("...");
	} else if (w > 1 && !t->ascii) {
		mvaddnstr(y, x, s, (int)tui_col(s, w - 1));
		addstr("\u2026");
	} else
		mvaddnstr(y, x, s, (int)tui_col(s, w));
	attroff(attr);
	free(a);
}

/* tui_text for runbook or remote text: cleaned of control sequences
 * first (clean_str). */
void
tui_text_clean(struct tui *t, int y, int x, int w, int attr, const char *s)
{
	char	*c = clean_str(s, strlen(s));

	tui_text(t, y, x, w, attr, c);
	free(c);
}

/* A line across the screen: box drawing in a UTF-8 locale (the ACS line
 * comes out as "qqqq" where the terminal does not map it: tmux with an
 * xterm TERM, PuTTY in UTF-8 mode), '-' otherwise. */
void
tui_hline(struct tui *t, int y)
{
	int	x;

	if (y < 0 || y >= t->rows)
		return;
	if (t->ascii) {
		mvhline(y, 0, '-', t->cols);
		return;
	}
	move(y, 0);
	for (x = 0; x < t->cols; x++)
		addstr("\u2500");
}

int
tui_wrap(struct tui *t, int y, int ymax, int x, int w, int attr,
    const char *s)
{
	const char	*p = s, *line;
	char		 buf[1024];
	int		 n;

	if (w < 1)
		return y;
	while (*p != '\0' && y < ymax) {
		n = tui_line_next(&p, w, &line);
		snprintf(buf, sizeof(buf), "%.*s", n < 1023 ? n : 1023, line);
		tui_text(t, y++, x, w, attr, buf);
	}
	return y;
}

int
tui_line_next(const char **pp, int w, const char **line)
{
	const char	*p = *pp, *end, *sp, *cut;

	*line = p;
	end = p + strcspn(p, "\n");
	cut = p + tui_col(p, w);
	if (cut < end) {
		/* Break at the last space that fits, else mid-word. */
		for (sp = cut; sp > p && *sp != ' '; sp--)
			;
		end = sp > p ? sp : cut;
	}
	sp = end;
	while (*sp == ' ')
		sp++;
	if (*sp == '\n')
		sp++;
	*pp = sp;
	return (int)(end - p);
}

void
tui_field(struct tui *t, int y, int x, int w, int attr, const char *s,
    const struct lineedit *le)
{
	char		view[LINEEDIT_MAX];
	size_t		start, n;
	uint32_t	cp;
	int		col, k;

	if (y < 0 || y >= t->rows || x >= t->cols || w <= 0)
		return;
	if (x + w > t->cols)
		w = t->cols - x;
	if (le == NULL) {
		tui_text(t, y, x, w, attr, s);
		return;
	}
	/* The field's extent shows while it is edited. */
	attron(A_UNDERLINE);
	mvhline(y, x, ' ', w);
	attroff(A_UNDERLINE);
	lineedit_view(le, w, &start, &n, &col);
	memcpy(view, le->buf + start, n);
	view[n] = '\0';
	attron(A_UNDERLINE);
	mvaddstr(y, x, view);
	attroff(A_UNDERLINE);
	/* The cursor as a reversed cell: the terminal's own stays hidden,
	 * where the status bar leaves it. */
	if (le->cur < le->len) {
		k = utf8_next((const unsigned char *)le->buf + le->cur,
		    le->len - le->cur, &cp);
		n = k > 0 ? (size_t)k : 1;
		memcpy(view, le->buf + le->cur, n);
		view[n] = '\0';
	} else
		snprintf(view, sizeof(view), " ");
	attron(A_REVERSE);
	mvaddstr(y, x + col, view);
	attroff(A_REVERSE);
}

void
tui_title(struct tui *t, const char *s)
{
	attron(tui_attr(t, "title"));
	mvhline(0, 0, ' ', t->cols);
	tui_text(t, 0, 1, t->cols - 2, tui_attr(t, "title"), s);
	attroff(tui_attr(t, "title"));
}

void
tui_bar(struct tui *t, int y, int x, int w, size_t done, size_t total)
{
	char	tail[32];
	int	inner, fill, i;

	snprintf(tail, sizeof(tail), " %zu/%zu", done, total);
	inner = w - 2 - (int)strlen(tail);
	if (inner < 1 || y >= t->rows)
		return;
	fill = total ? (int)((double)inner * (double)done / (double)total) : 0;
	mvaddch(y, x, '[');
	for (i = 0; i < inner; i++)
		addch(i < fill ? '#' : '.');
	addch(']');
	addstr(tail);
}

/* Lines to draw. */

void
tui_lines_put(struct tui_lines *l, int attr, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->attr = xreallocarray(l->attr, l->n + 1, sizeof(*l->attr));
	l->v[l->n] = xstrdup(s);
	l->attr[l->n++] = attr;
}

void
tui_lines_add(struct tui_lines *l, int attr, int indent, int w,
    const char *text)
{
	const char	*p = text, *line;
	char		*s;
	int		 n;

	w -= indent;
	if (w < 10)
		w = 10;
	if (*p == '\0') {
		tui_lines_put(l, attr, "");
		return;
	}
	while (*p != '\0') {
		n = tui_line_next(&p, w, &line);
		s = xasprintf("%*s%.*s", indent, "", n, line);
		tui_lines_put(l, attr, s);
		free(s);
	}
}

void
tui_lines_free(struct tui_lines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->attr);
	memset(l, 0, sizeof(*l));
}

/* The generic list. */

void
tui_list_show(struct tui_list *l, int rows)
{
	size_t	r = rows > 0 ? (size_t)rows : 1;

	l->rows = rows;
	if (l->n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->pager) {
		/* The last page ends with the last line. */
		if (l->top + r > l->n)
			l->top = l->n > r ? l->n - r : 0;
		l->sel = l->top;
		return;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + r)
		l->top = l->sel - r + 1;
	if (l->top + r > l->n)
		l->top = l->n > r ? l->n - r : 0;
	if (l->sel < l->top)
		l->top = l->sel;
}

void
tui_list_set(struct tui_list *l, size_t i)
{
	if (l->pager)
		l->top = i;
	else
		l->sel = i < l->n ? i : l->n ? l->n - 1 : 0;
}

int
tui_list_key(struct tui_list *l, int ch)
{
	size_t	page = l->rows > 1 ? (size_t)l->rows - 1 : 1;
	size_t	*at = l->pager ? &l->top : &l->sel;
	size_t	 was = *at, last = l->n ? l->n - 1 : 0;

	switch (ch) {
	case KEY_UP:
	case 'k':
		if (*at > 0)
			(*at)--;
		break;
	case KEY_DOWN:
	case 'j':
		if (*at < last)
			(*at)++;
		break;
	case KEY_PPAGE:
		*at = *at > page ? *at - page : 0;
		break;
	case KEY_NPAGE:
		*at = *at + page < last ? *at + page : last;
		break;
	case KEY_HOME:
	case 'g':
		*at = 0;
		break;
	case KEY_END:
	case 'G':
		*at = last;
		break;
	default:
		return 0;
	}
	if (l->pager)
		tui_list_show(l, l->rows);
	/* A move key even at the end: the list's, not another action. */
	(void)was;
	return 1;
}

/* The status bar: session, who, runbook, progress, questions, window. */
static void
draw_status(struct tui *t)
{
	const struct wiz_info		*in = wiz_info(t->w);
	const struct wiz_console	*c;
	char				 left[600], right[96], q[48];
	char				 with[300];
	static const char		 practice[] = " PRACTICE ";
	size_t				 nc, nq, i, n;
	long				 mins;
	int				 attr = tui_attr(t, "bar"), warn = 0;
	int				 off = 0;

	if (t->rows < 2)
		return;
	right[0] = q[0] = '\0';
	if ((nq = wiz_questions(t->w)) > 0)
		snprintf(q, sizeof(q), "  %zu question%s waiting (!)", nq,
		    nq == 1 ? "" : "s");
	if (in != NULL) {
		/* The other consoles on the session: "with bob@fe-admin". */
		nc = wiz_consoles(t->w, &c);
		with[0] = '\0';
		for (i = 0, n = 0; i < nc && n < sizeof(with); i++)
			if (!c[i].self)
				n += (size_t)snprintf(with + n, sizeof(with) - n,
				    "%s%s@%s", n ? ", " : "  with ", c[i].operator,
				    c[i].host);
		snprintf(left, sizeof(left), " session %lld  %s  %s  %zu/%zu "
		    "steps%s%s%s%s", (long long)in->id, in->me,
		    in->runbook_id, in->finished, in->steps, in->failed ?
		    "  FAILED STEPS" : "", in->readonly ? "  READ-ONLY" : "",
		    with, q);
		if (in->window_end > 0 && !in->readonly) {
			mins = (long)(sub_sat(in->window_end, t->now) / 60);
			if (mins < 0)
				snprintf(right, sizeof(right), "window closed "
				    "%ld min ago ", -mins);
			else
				snprintf(right, sizeof(right), "window: %ld:%02ld "
				    "left ", mins / 60, mins % 60);
			warn = mins < 15;
		}
	} else
		snprintf(left, sizeof(left), " fedwiz  no session open%s", q);
	attron(attr);
	mvhline(t->rows - 1, 0, ' ', t->cols);
	/* A practice session says so first, set apart: at 80 columns the
	 * end of the bar may be cut, never its start. */
	if (in != NULL && in->practice && t->cols > (int)sizeof(practice)) {
		tui_text(t, t->rows - 1, 0, (int)sizeof(practice) - 1,
		    tui_attr(t, "warn") | (int)A_REVERSE, practice);
		off = (int)sizeof(practice) - 1;
	}
	tui_text(t, t->rows - 1, off, t->cols - off, attr, left);
	attroff(attr);
	if (right[0] != '\0' && (int)strlen(right) < t->cols / 2)
		tui_text(t, t->rows - 1, t->cols - (int)strlen(right),
		    (int)strlen(right), warn ? tui_attr(t, "warn") | (int)A_REVERSE :
		    attr, right);
}

/* Whether the screen takes key ch for itself (so a global key of the
 * same code is not what it does there). */
static int
screen_takes(const struct screen *s, int ch)
{
	size_t	i;

	for (i = 0; i < s->nkeys; i++)
		if (s->keys[i].key == ch)
			return 1;
	if (s->list != NULL && !s->types && (ch == 'k' || ch == 'j' ||
	    ch == 'g' || ch == 'G'))
		return 1;
	return s->types && ch >= 0x20 && ch < 0x7f && ch != '?' && ch != 'q';
}

static void
draw_help(struct tui *t)
{
	const struct screen	*s = screen_of(t);
	char			 line[256], back[64];
	int			 y = 2, i, w = t->cols - 4;

	for (i = 1; i < t->rows - 1; i++)
		mvhline(i, 0, ' ', t->cols);
	tui_text(t, 1, 2, w, tui_attr(t, "title"), s->title);
	for (i = 0; i < (int)s->nkeys && y < t->rows - 2; i++) {
		/* Aliases (Up and k, Enter and KEY_ENTER) once, by the first
		 * name, which lists them all. */
		if (i > 0 && s->keys[i].fn == s->keys[i - 1].fn)
			continue;
		snprintf(line, sizeof(line), "%-12s %s", s->keys[i].name,
		    s->keys[i].help);
		tui_text(t, y++, 2, w, TUI_PLAIN, line);
	}
	if (s->list != NULL && y < t->rows - 2)
		tui_text(t, y++, 2, w, TUI_PLAIN, "Up/Down/k/j  move; PgUp/PgDn "
		    "a page; Home/End/g/G the first, the last");
	if (s->match != NULL && y < t->rows - 2)
		tui_text(t, y++, 2, w, TUI_PLAIN, "/            search; then n "
		    "the next match, N the one before, Esc ends the search");
	/* The keys every screen has, as far as this one leaves them. */
	back[0] = '\0';
	for (i = 0; i < (int)nitems(global_keys); i++) {
		if (global_keys[i].fn != key_back || screen_takes(s,
		    global_keys[i].key))
			continue;
		snprintf(back + strlen(back), sizeof(back) - strlen(back),
		    "%s%s", back[0] ? "/" : "", global_keys[i].name);
	}
	y++;
	if (back[0] != '\0' && y < t->rows - 2) {
		snprintf(line, sizeof(line), "%-12s back to the screen before",
		    back);
		tui_text(t, y++, 2, w, TUI_PLAIN, line);
	}
	for (i = 0; i < (int)nitems(global_keys) && y < t->rows - 2; i++) {
		if (global_keys[i].fn == key_back || screen_takes(s,
		    global_keys[i].key))
			continue;
		snprintf(line, sizeof(line), "%-12s %s", global_keys[i].name,
		    global_keys[i].help);
		tui_text(t, y++, 2, w, TUI_PLAIN, line);
	}
	if (s->legend != NULL && y + 1 < t->rows - 1)
		tui_wrap(t, y + 1, t->rows - 1, 2, w, tui_attr(t, "dim"),
		    s->legend);
}

/* The message, wrapped over up to four lines above the status bar (the
 * line being asked is the last of them). */
static void
draw_message(struct tui *t)
{
	const char	*p, *line;
	char		 text[1200], buf[1024];
	int		 n, k, y, lines = 0, max = t->rows >= 12 ? 4 : 2;

	if (t->ask != NULL) {
		snprintf(text, sizeof(text), "%s%s%s%s %s", t->ask->q,
		    t->ask->def[0] ? " [" : "", t->ask->def,
		    t->ask->def[0] ? "]" : "", t->ask->hint);
		/* The answer is drawn after the question, on its last line. */
	} else if (t->message != NULL)
		snprintf(text, sizeof(text), "%s", t->message);
	else
		return;
	for (p = text; *p != '\0'; lines++)
		(void)tui_line_next(&p, t->cols - 2, &line);
	if (lines == 0)
		lines = 1;
	if (lines > max)
		lines = max;
	y = t->rows - 1 - lines;
	for (p = text, k = 0; k < lines; k++, y++) {
		mvhline(y, 0, ' ', t->cols);
		n = tui_line_next(&p, t->cols - 2, &line);
		if (k == lines - 1 && *p != '\0') {
			/* More than fits: the end of it is cut, said so. */
			snprintf(buf, sizeof(buf), "%.*s", n < 1000 ? n : 1000,
			    line);
			tui_text(t, y, 1, t->cols - 2, t->message_bad &&
			    t->ask == NULL ? tui_attr(t, "warn") : TUI_PLAIN,
			    buf);
			mvaddstr(y, t->cols - 1, t->ascii ? ">" : "\u2026");
			continue;
		}
		snprintf(buf, sizeof(buf), "%.*s", n < 1000 ? n : 1000, line);
		tui_text(t, y, 1, t->cols - 2, t->message_bad && t->ask ==
		    NULL ? tui_attr(t, "warn") : TUI_PLAIN, buf);
	}
	if (t->ask != NULL) {
		y--;
		/* The answer one space after the question. */
		while (*buf != '\0' && buf[strlen(buf) - 1] == ' ')
			buf[strlen(buf) - 1] = '\0';
		n = tui_width(buf) + 2;
		if (n > t->cols - 12)
			n = t->cols - 12;
		if (n < 1)
			n = 1;
		if (t->ask->flags & TUI_ASK_YESNO)
			return;
		tui_field(t, y, n, t->cols - n - 1, TUI_PLAIN, NULL,
		    &t->ask->le);
	}
}

static void
draw(struct tui *t)
{
	erase();
	getmaxyx(stdscr, t->rows, t->cols);
	t->now = time(NULL);
	if (t->rows < 6 || t->cols < 30) {
		/* Said whole, as short as the window needs. */
		tui_text(t, 0, 0, t->cols, TUI_PLAIN, t->cols >= 46 ?
		    "fedwiz: make the window bigger (30x6 at least)" :
		    t->cols >= 26 ? "fedwiz needs 30x6 at least" :
		    t->cols >= 15 ? "too small: 30x6" : "30x6");
		refresh();
		return;
	}
	if (t->help)
		draw_help(t);
	else
		screen_of(t)->draw(t, t->data, t->rows - 2, t->cols);
	draw_message(t);
	draw_status(t);
	refresh();
}

static void
enter(struct tui *t, enum screen_id id)
{
	const struct wiz_pos	*p = wiz_position(t->w);

	if (t->data != NULL)
		screen_of(t)->leave(t, t->data);
	t->data = NULL;
	t->cur = id;
	t->help = 0;
	t->search[0] = '\0';
	t->data = screen_of(t)->enter(t);
	/* Only the session's own screens are a place to come back to: the
	 * pickers, forms and questions are not the open one's. */
	if (wiz_is_open(t->w) && (id == SCREEN_PLAN || id == SCREEN_PROC ||
	    id == SCREEN_CONSOLE || id == SCREEN_REPORT))
		tui_set_position(t, *p->proc ? p->proc : NULL, *p->host ?
		    p->host : NULL, p->step);
}

/* Act on what a handler said; 1 when the loop should end. */
static int
act(struct tui *t, int r)
{
	if (r & SCR_QUIT)
		return 1;
	if (r & SCR_GOTO) {
		if (r & SCR_FRESH) {
			t->depth = 0;
			t->stack[t->depth++] = SCREEN_SESSIONS;
		} else if (r & SCR_REPLACE)
			;
		else if (t->depth < nitems(t->stack))
			t->stack[t->depth++] = t->cur;
		enter(t, t->next);
	} else if (r & SCR_BACK) {
		if (t->depth == 0)
			return 0;
		enter(t, t->stack[--t->depth]);
	}
	return 0;
}

static int
key_help(struct tui *t, void *data)
{
	(void)data;
	t->help = 1;
	return SCR_REDRAW;
}

static int
on_quit_answer(struct tui *t, const char *a)
{
	if (a != NULL && (a[0] == 'y' || a[0] == 'Y'))
		return SCR_QUIT;
	tui_say(t, 0, "Not quitting.");
	return SCR_REDRAW;
}

static int
key_quit(struct tui *t, void *data)
{
	(void)data;
	return tui_ask(t, "Quit fedwiz? Your progress is saved. (y/n)", NULL,
	    TUI_ASK_YESNO, on_quit_answer);
}

static int
key_back(struct tui *t, void *data)
{
	(void)data;
	if (t->search[0] != '\0') {
		t->search[0] = '\0';
		tui_say(t, 0, "Search ended.");
		return SCR_REDRAW;
	}
	if (t->depth == 0)
		return SCR_NONE;
	return SCR_BACK;
}

/* The screen of the oldest question waiting. */
static int
question_screen(struct tui *t, int replace)
{
	const struct wiz_question	*q = wiz_question(t->w, 0);

	if (q == NULL)
		return replace ? SCR_BACK : SCR_REDRAW;
	t->next = q->kind == WIZ_Q_HOSTKEY ? SCREEN_HOSTKEY : SCREEN_SECRET;
	return SCR_GOTO | (replace ? SCR_REPLACE : 0);
}

static int
key_questions(struct tui *t, void *data)
{
	(void)data;
	t->deferred = 0;
	if (wiz_questions(t->w) == 0) {
		tui_say(t, 0, "No question is waiting.");
		return SCR_REDRAW;
	}
	if (t->cur == SCREEN_HOSTKEY || t->cur == SCREEN_SECRET)
		return SCR_REDRAW;
	return question_screen(t, 0);
}

static int
key_redraw(struct tui *t, void *data)
{
	(void)t;
	(void)data;
	clearok(curscr, TRUE);
	return SCR_REDRAW;
}

/* The line being asked. */

int
tui_asking(const struct tui *t)
{
	return t->ask != NULL;
}

int
tui_ask(struct tui *t, const char *q, const char *def, int flags,
    tui_answer_fn fn)
{
	struct tui_ask	*a;

	if (t->ask != NULL) {
		lineedit_clear(&t->ask->le);
		free(t->ask);
	}
	a = xcalloc(1, sizeof(*a));
	snprintf(a->q, sizeof(a->q), "%s", q);
	snprintf(a->def, sizeof(a->def), "%s", def ? def : "");
	a->flags = flags;
	a->fn = fn;
	t->ask = a;
	free(t->message);
	t->message = NULL;
	return SCR_REDRAW;
}

static int
ask_end(struct tui *t, const char *answer)
{
	struct tui_ask	*a = t->ask;
	int		 r;

	t->ask = NULL;
	r = a->fn(t, answer);
	lineedit_clear(&a->le);
	free(a);
	return r | SCR_REDRAW;
}

/* A key while a line is asked: it all goes there. */
static int
ask_key(struct tui *t, int ch)
{
	struct tui_ask	*a = t->ask;
	char		 one[2];

	if (a->flags & TUI_ASK_YESNO) {
		one[0] = (char)(ch > 0 && ch < 0x80 ? ch : 'n');
		one[1] = '\0';
		return ask_end(t, ch == 27 ? NULL : one);
	}
	switch (ch) {
	case 27:
		return ask_end(t, NULL);
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (a->le.len == 0 && a->def[0] != '\0')
			lineedit_set(&a->le, a->def);
		if (a->le.len == 0 && (a->flags & TUI_ASK_REQUIRED)) {
			/* Empty: the question stays, saying why. */
			snprintf(a->hint, sizeof(a->hint), "(an answer is "
			    "needed; Esc gives up)");
			return SCR_REDRAW;
		}
		return ask_end(t, a->le.buf);
	}
	a->hint[0] = '\0';
	(void)lineedit_key(&a->le, ch);
	return SCR_REDRAW;
}

long
tui_inst_by_id(struct tui *t, const char *id, size_t *n)
{
	const struct plan	*pl = wiz_plan(t->w);
	char			 name[200];
	size_t			 i, len = strlen(id);
	long			 hit = -1;

	*n = 0;
	for (i = 0; pl != NULL && i < pl->n; i++) {
		plan_inst_name(&pl->inst[i], name, sizeof(name));
		if (strcmp(name, id) == 0 || strcmp(pl->inst[i].proc->id,
		    id) == 0) {
			*n = 1;
			return (long)i;
		}
		if (len > 0 && strncmp(name, id, len) == 0 && (*n)++ == 0)
			hit = (long)i;
	}
	return hit;
}

/* Search. */

static int
search_from(struct tui *t, struct tui_list *l, int dir, int skip)
{
	const struct screen	*s = screen_of(t);
	size_t			 i, k, n = l->n, at;

	if (n == 0)
		return 0;
	at = l->pager ? l->top : l->sel;
	for (k = skip ? 1 : 0; k <= n; k++) {
		i = dir > 0 ? (at + k) % n : (at + n - k % n) % n;
		if (s->match(t, t->data, i, t->search)) {
			tui_list_set(l, i);
			tui_list_show(l, l->rows);
			if (s->moved != NULL)
				s->moved(t, t->data);
			tui_say(t, 0, "/%s: line %zu of %zu (n next, N before, "
			    "Esc ends the search)%s", t->search, i + 1, n,
			    (dir > 0 && i < at) || (dir < 0 && i > at) ?
			    "; from the top again" : "");
			return 1;
		}
	}
	tui_say(t, 1, "/%s: not found here (Esc ends the search).", t->search);
	return 0;
}

static int
on_search(struct tui *t, const char *pat)
{
	const struct screen	*s = screen_of(t);
	struct tui_list		*l;

	if (pat == NULL || *pat == '\0' || s->list == NULL ||
	    (l = s->list(t, t->data)) == NULL)
		return SCR_REDRAW;
	snprintf(t->search, sizeof(t->search), "%s", pat);
	search_from(t, l, 1, 0);
	return SCR_REDRAW;
}

int
tui_search(struct tui *t, int ch)
{
	const struct screen	*s = screen_of(t);
	struct tui_list		*l;

	if (s->match == NULL || s->list == NULL ||
	    (l = s->list(t, t->data)) == NULL)
		return SCR_UNHANDLED;
	if (ch == '/')
		return tui_ask(t, "Search:", t->search[0] ? t->search : NULL,
		    0, on_search);
	if (t->search[0] == '\0')
		return SCR_UNHANDLED;
	search_from(t, l, ch == 'N' ? -1 : 1, 1);
	return SCR_REDRAW;
}

/* One key: the help overlay takes any key; then the line being asked,
 * the screen's text field, its table, its list, search, and the keys
 * every screen has. A key nobody binds does nothing, and says so. */
static int
on_key(struct tui *t, int ch)
{
	const struct screen	*s = screen_of(t);
	struct tui_list		*l;
	size_t			 i;
	int			 r;

	if (t->help) {
		t->help = 0;
		return SCR_REDRAW;
	}
	if (t->ask != NULL)
		return ask_key(t, ch);
	free(t->message);
	t->message = NULL;
	if (s->editing != NULL && s->key != NULL && s->editing(t, t->data) &&
	    ((r = s->key(t, t->data, ch)) & SCR_UNHANDLED) == 0)
		return r | SCR_REDRAW;
	/* While a search is on, n and N are its. */
	if (t->search[0] != '\0' && (ch == 'n' || ch == 'N'))
		return tui_search(t, ch) | SCR_REDRAW;
	for (i = 0; i < s->nkeys; i++)
		if (s->keys[i].key == ch)
			return s->keys[i].fn(t, t->data) | SCR_REDRAW;
	/* A form types its letters: k, j, g and G are not moves there. */
	if (s->list != NULL && !(s->types && ch >= 0x20 && ch < 0x7f) &&
	    (l = s->list(t, t->data)) != NULL && tui_list_key(l, ch)) {
		if (s->moved != NULL)
			s->moved(t, t->data);
		return SCR_REDRAW;
	}
	if (ch == '/' && (r = tui_search(t, ch)) != SCR_UNHANDLED)
		return r | SCR_REDRAW;
	if (s->key != NULL && ((r = s->key(t, t->data, ch)) & SCR_UNHANDLED) ==
	    0)
		return r | SCR_REDRAW;
	for (i = 0; i < nitems(global_keys); i++)
		if (global_keys[i].key == ch)
			return global_keys[i].fn(t, t->data) | SCR_REDRAW;
	if (ch == 127 || ch == CTRL('h'))
		return key_back(t, t->data) | SCR_REDRAW;
	if (ch > 0x20 && ch < 0x7f)
		tui_say(t, 0, "'%c' does nothing here (? lists the keys).", ch);
	return SCR_REDRAW;
}

/*
 * Keys over real links. PuTTY by default sends ESC[11~..ESC[14~ for F1-F4
 * and ESC[1~/ESC[4~ for Home/End, which xterm's terminfo does not list:
 * ncurses would hand out a bare Esc (back) and then "[12~" as typing.
 * They are taught to ncurses (define_key); a sequence nobody knows is
 * read whole here and dropped, never taken for Esc and text.
 */
static const struct {
	const char	*seq;		/* after ESC */
	int		 key;
} seqs[] = {
	{ "[11~", KEY_F(1) }, { "[12~", KEY_F(2) }, { "[13~", KEY_F(3) },
	{ "[14~", KEY_F(4) }, { "[15~", KEY_F(5) }, { "[[A", KEY_F(1) },
	{ "[[B", KEY_F(2) }, { "[[C", KEY_F(3) }, { "[[D", KEY_F(4) },
	{ "[[E", KEY_F(5) }, { "OP", KEY_F(1) }, { "OQ", KEY_F(2) },
	{ "OR", KEY_F(3) }, { "OS", KEY_F(4) }, { "[1~", KEY_HOME },
	{ "[7~", KEY_HOME }, { "[H", KEY_HOME }, { "OH", KEY_HOME },
	{ "[4~", KEY_END }, { "[8~", KEY_END }, { "[F", KEY_END },
	{ "OF", KEY_END }, { "[2~", KEY_IC }, { "[3~", KEY_DC },
	{ "[5~", KEY_PPAGE }, { "[6~", KEY_NPAGE }, { "[A", KEY_UP },
	{ "[B", KEY_DOWN }, { "[C", KEY_RIGHT }, { "[D", KEY_LEFT },
	{ "OA", KEY_UP }, { "OB", KEY_DOWN }, { "OC", KEY_RIGHT },
	{ "OD", KEY_LEFT }, { "[Z", KEY_BTAB },
	{ "[200~", TUI_KEY_PASTE_BEGIN }, { "[201~", TUI_KEY_PASTE_END },
};

static void
keys_define(void)
{
	char	s[16];
	size_t	i;

	for (i = 0; i < nitems(seqs); i++) {
		snprintf(s, sizeof(s), "\033%s", seqs[i].seq);
		if (key_defined(s) == 0)
			(void)define_key(s, seqs[i].key);
	}
}

/* After an Esc: the rest of a sequence, if one follows at once. The key
 * it is, 27 for a lone Esc, or ERR for a sequence nobody knows. */
static int
read_escape(void)
{
	char	s[16];
	size_t	n = 0, i;
	int	ch;

	if ((ch = getch()) == ERR)
		return 27;
	if (ch != '[' && ch != 'O') {
		/* Esc and a key (Alt-key): Esc, the key next. */
		ungetch(ch);
		return 27;
	}
	s[n++] = (char)ch;
	while (n < sizeof(s) - 1 && (ch = getch()) != ERR) {
		s[n++] = (char)ch;
		/* The final byte of a CSI or SS3 sequence. */
		if (n >= 2 && ch >= 0x40 && ch <= 0x7e && !(n == 2 && ch == '['))
			break;
	}
	s[n] = '\0';
	for (i = 0; i < nitems(seqs); i++)
		if (strcmp(seqs[i].seq, s) == 0)
			return seqs[i].key;
	return ERR;
}

struct loop_state {
	struct tui	*t;
	int		 done;
	int		 dirty;
	/* A bracketed paste going on outside the paste screen: its bytes
	 * are typed into a text field (newlines dropped: a paste never
	 * submits), or, where the screen takes keys, dropped whole. */
	enum { PASTE_NO, PASTE_TYPE, PASTE_DROP } paste;
	size_t		 dropped;
	int		 newline;	/* a line break, typed as a space if
					   more text follows */
};

/* A key inside a bracketed paste outside the paste screen: 1 when it was
 * dealt with here (not a key for the screen). */
static int
paste_outside(struct loop_state *ls, int *ch)
{
	struct tui		*t = ls->t;
	const struct screen	*s = screen_of(t);

	if (t->cur == SCREEN_PASTE && ls->paste == PASTE_NO)
		return 0;
	if (*ch == TUI_KEY_PASTE_BEGIN) {
		/* A form types (its letters replace the value) even when no
		 * field is being edited yet. */
		ls->paste = t->ask != NULL || s->types || (s->editing !=
		    NULL && s->editing(t, t->data)) ? PASTE_TYPE : PASTE_DROP;
		ls->dropped = 0;
		ls->newline = 0;
		return 1;
	}
	if (*ch == TUI_KEY_PASTE_END) {
		if (ls->paste == PASTE_DROP && ls->dropped > 0) {
			tui_say(t, 0, "A paste (%zu bytes) was ignored: this "
			    "screen takes keys, not text. p on a step pastes a "
			    "check's output.", ls->dropped);
			ls->dirty = 1;
		}
		ls->paste = PASTE_NO;
		return 1;
	}
	if (ls->paste == PASTE_DROP) {
		ls->dropped++;
		return 1;
	}
	if (ls->paste == PASTE_TYPE) {
		/* A newline would submit, an Esc undo: text only. A line
		 * break between words becomes a space; a last one (an FQDN
		 * copied with its line) goes. */
		if (*ch == '\r' || *ch == '\n') {
			ls->newline = 1;
			return 1;
		}
		if (*ch == 27 || *ch > 255)
			return 1;
		if (ls->newline) {
			ls->newline = 0;
			(void)on_key(t, ' ');
		}
	}
	return 0;
}

/* A new size: the screen lays itself out again, and all is redrawn. */
static void
resized(struct loop_state *ls)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, ls->t->rows, ls->t->cols);
	ls->dirty = 1;
	clearok(curscr, TRUE);
	if (screen_of(ls->t)->resize != NULL)
		screen_of(ls->t)->resize(ls->t, ls->t->data, LINES - 2, COLS);
}

static void
on_tty(struct evloop *ev, int fd, short revents, void *arg)
{
	struct loop_state	*ls = arg;
	int			 ch, r;

	(void)ev;
	(void)fd;
	(void)revents;
	while (!ls->done && (ch = getch()) != ERR) {
		if (ch == KEY_RESIZE) {
			resized(ls);
			continue;
		}
		if (ch == 27 && (ch = read_escape()) == ERR) {
			if (ls->paste == PASTE_NO) {
				tui_say(ls->t, 0, "A key this console does not "
				    "know was ignored.");
				ls->dirty = 1;
			}
			continue;
		}
		if (paste_outside(ls, &ch))
			continue;
		r = on_key(ls->t, ch);
		if (act(ls->t, r))
			ls->done = 1;
		if (r != SCR_NONE)
			ls->dirty = 1;
	}
}

static void
on_sig(struct evloop *ev, int fd, short revents, void *arg)
{
	struct loop_state	*ls = arg;
	char			 buf[16];
	ssize_t			 n, i;

	(void)ev;
	(void)revents;
	n = read(fd, buf, sizeof(buf));
	for (i = 0; i < n; i++) {
		switch (buf[i]) {
		case SIGINT:
			/* Ctrl-C asks, as q does; twice leaves. */
			if (ls->t->ask != NULL && (ls->t->ask->flags &
			    TUI_ASK_YESNO) && ls->t->ask->fn == on_quit_answer)
				ls->done = 1;
			else
				(void)key_quit(ls->t, NULL);
			ls->dirty = 1;
			break;
		case SIGTERM:
		case SIGHUP:
			ls->done = 1;
			break;
		case SIGWINCH:
			/* The terminal says nothing on stdin when it is
			 * resized: without this the new size would wait for
			 * the next key. */
			resized(ls);
			break;
		}
	}
}

/* The clock in the status bar moves once a minute; nothing else wakes
 * an idle wizard. */
static void
on_minute(struct evloop *ev, void *arg)
{
	struct loop_state	*ls = arg;

	ls->dirty = 1;
	evloop_timer(ev, 60000 - (int64_t)(time(NULL) % 60) * 1000, on_minute,
	    ls);
}

/* The controller's events: messages, questions, confirmations. */
static void
events(struct loop_state *ls)
{
	struct tui		*t = ls->t;
	struct wiz_event	 e;
	const struct wiz_question *q;
	int			 r;

	while (wiz_event_next(t->w, &e)) {
		ls->dirty = 1;
		switch (e.kind) {
		case WIZ_EV_RUN_DONE:
		case WIZ_EV_NOTE:
		case WIZ_EV_CHANGED:
			if (e.text != NULL)
				tui_say(t, e.bad, "%s", e.text);
			break;
		case WIZ_EV_QUESTION:
			break;
		case WIZ_EV_NEED:
			if (e.need == WIZ_NEED_OVERRIDE && t->ask == NULL) {
				if (e.text != NULL)
					tui_say(t, 0, "%s", e.text);
				r = tui_record(t, e.proc, e.host, e.step,
				    STEP_DONE, NULL);
				(void)act(t, r);
			} else if (e.text != NULL)
				tui_say(t, 1, "%s", e.text);
			break;
		}
		wiz_event_clear(&e);
	}
	/* A question goes up as soon as nothing is being typed. */
	q = wiz_question(t->w, 0);
	if (q != NULL && q->id != t->deferred && t->ask == NULL &&
	    t->cur != SCREEN_HOSTKEY && t->cur != SCREEN_SECRET &&
	    !(screen_of(t)->editing != NULL &&
	    screen_of(t)->editing(t, t->data))) {
		(void)act(t, question_screen(t, 0));
		ls->dirty = 1;
	}
}

static int
term_setup(struct tui *t)
{
	struct termios	 tio;
	const char	*cs, *ed;

	cs = nl_langinfo(CODESET);
	t->ascii = cs == NULL || strcmp(cs, "UTF-8") != 0 || wiz_ascii(t->w);
	if (initscr() == NULL) {
		fprintf(stderr, "fedwiz: cannot start the terminal (TERM=%s)\n",
		    getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	curses_up = 1;
	fatal_set_cleanup(term_restore);
	cbreak();
	/* Ctrl-S moves a form on: the terminal must not take it for XOFF
	 * (and freeze). Saved as the program's mode, so that a resume after
	 * a stop keeps it; endwin gives the shell its own mode back. */
	if (tcgetattr(STDIN_FILENO, &tio) == 0) {
		tio.c_iflag &= ~(tcflag_t)IXON;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) == 0)
			def_prog_mode();
	}
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	keys_define();
	/* Pastes are marked (ESC[200~ ... ESC[201~): pasted text is never
	 * taken for keys (a pasted "s" and Enter once skipped a step). */
	tui_paste_mode(1);
	/* Over a slow SSH link the bytes of one key can arrive apart: wait
	 * 300 ms before an Esc is an Esc ($ESCDELAY, in ms, decides). */
	ed = getenv("ESCDELAY");
	set_escdelay(ed != NULL && atoi(ed) > 0 ? atoi(ed) : 300);
	curs_set(0);
	t->color = has_colors() && getenv("NO_COLOR") == NULL &&
	    !wiz_no_color(t->w);
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_BLUE);
		init_pair(2, COLOR_BLACK, COLOR_CYAN);
		init_pair(3, COLOR_GREEN, -1);
		init_pair(4, COLOR_RED, -1);
		init_pair(5, COLOR_YELLOW, -1);
		init_pair(6, COLOR_BLUE, -1);
		init_pair(7, COLOR_BLACK, COLOR_WHITE);
	}
	getmaxyx(stdscr, t->rows, t->cols);
	return 0;
}

static void
signals(int on)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_signal : SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A resize is an event of the loop too (ncurses' own handler would
	 * only tell the next getch, and the loop waits in poll). */
	sigaction(SIGWINCH, &sa, NULL);
}

int
tui_open(struct tui *t, int64_t id)
{
	struct wiz_result	r;

	memset(&r, 0, sizeof(r));
	if (wiz_open(t->w, id, &r) == -1) {
		tui_said(t, &r);
		wiz_result_clear(&r);
		return SCR_REDRAW;
	}
	tui_said(t, &r);
	wiz_result_clear(&r);
	t->depth = 0;
	t->stack[t->depth++] = SCREEN_SESSIONS;
	if (wiz_drift(t->w) != NULL) {
		/* The plan underneath, the change on top. */
		t->stack[t->depth++] = SCREEN_PLAN;
		memset(&t->pending, 0, sizeof(t->pending));
		return tui_confirm_drift(t) | SCR_REPLACE;
	}
	t->next = SCREEN_PLAN;
	return SCR_GOTO | SCR_REPLACE;
}

/* Resume: the last open session, at the screen it was left on. */
static void
resume(struct tui *t)
{
	struct wiz_result	 r;
	const struct wiz_pos	*p;

	memset(&r, 0, sizeof(r));
	t->cur = SCREEN_SESSIONS;
	if (wiz_resume(t->w, &r) != 0) {
		wiz_result_clear(&r);
		return;
	}
	p = wiz_position(t->w);
	if ((strcmp(p->screen, "procedure") == 0 ||
	    strcmp(p->screen, "console") == 0 ||
	    strcmp(p->screen, "copy") == 0) && *p->proc != '\0') {
		t->stack[t->depth++] = SCREEN_SESSIONS;
		t->stack[t->depth++] = SCREEN_PLAN;
		t->cur = SCREEN_PROC;
	} else if (*p->screen != '\0' && strcmp(p->screen, "sessions") != 0 &&
	    strcmp(p->screen, "runbooks") != 0) {
		t->stack[t->depth++] = SCREEN_SESSIONS;
		t->cur = SCREEN_PLAN;
	}
	if (t->cur != SCREEN_SESSIONS)
		tui_say(t, 0, "Resumed session %lld where you left it.",
		    (long long)wiz_info(t->w)->id);
	else if (r.msg != NULL)
		tui_said(t, &r);
	wiz_result_clear(&r);
	if (t->cur != SCREEN_SESSIONS && wiz_drift(t->w) != NULL) {
		t->stack[t->depth++] = t->cur;
		t->cur = SCREEN_CONFIRM;
		(void)tui_confirm_drift(t);
		return;
	}
	/* What its checks completed is checked again: the window may have
	 * been days ago. */
	if (t->cur != SCREEN_SESSIONS)
		(void)wiz_reverify(t->w);
}

int
tui_main(const struct cli *cli)
{
	struct tui		 t;
	struct loop_state	 ls;
	char			*msg = NULL;
	int			 rc;

	memset(&t, 0, sizeof(t));
	/* Before anything is opened: without a terminal, say what to use. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "fedwiz: no command given, and the wizard needs "
		    "a terminal; for scripts use the commands (fedwiz "
		    "--help)\n");
		return 2;
	}
	if ((rc = wiz_new(cli, &t.w, &msg)) != 0) {
		fprintf(stderr, "fedwiz: %s\n", msg ? msg : "cannot start");
		free(msg);
		return rc;
	}
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe: %s", strerror(errno));
	if (term_setup(&t) == -1) {
		wiz_free(t.w);
		return 3;
	}
	signals(1);
	resume(&t);
	t.data = screen_of(&t)->enter(&t);
	memset(&ls, 0, sizeof(ls));
	ls.t = &t;
	ls.dirty = 1;
	evloop_fd(wiz_loop(t.w), STDIN_FILENO, POLLIN, on_tty, &ls);
	evloop_fd(wiz_loop(t.w), sig_pipe[0], POLLIN, on_sig, &ls);
	on_minute(wiz_loop(t.w), &ls);
	while (!ls.done) {
		events(&ls);
		if (ls.dirty) {
			draw(&t);
			ls.dirty = 0;
		}
		/* While checks run, the console's clocks move each second;
		 * otherwise nothing wakes an idle wizard but input. */
		if (evloop_once(wiz_loop(t.w), wiz_busy(t.w) ? 1000 : -1) == -1)
			break;
		wiz_tick(t.w);
		if (wiz_busy(t.w))
			ls.dirty = 1;
	}
	screen_of(&t)->leave(&t, t.data);
	if (t.ask != NULL) {
		lineedit_clear(&t.ask->le);
		free(t.ask);
	}
	term_restore();
	signals(0);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
	draft_free(t.draft);
	tui_copy_clear(&t);
	confirm_clear(&t);
	wiz_free(t.w);
	free(t.message);
	return 0;
}

/* Recording, and the confirmations it may need. */

static int	retry_pending(struct tui *);

static void
confirm_clear(struct tui *t)
{
	size_t	i;

	for (i = 0; i < t->confirm.nlines; i++)
		free(t->confirm.lines[i]);
	free(t->confirm.lines);
	memset(&t->confirm, 0, sizeof(t->confirm));
}

static void
confirm_line(struct tui *t, const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	t->confirm.lines = xreallocarray(t->confirm.lines,
	    t->confirm.nlines + 1, sizeof(*t->confirm.lines));
	t->confirm.lines[t->confirm.nlines++] = s;
}

static int
drift_yes(struct tui *t)
{
	struct wiz_result	r;

	memset(&r, 0, sizeof(r));
	if (wiz_accept_drift(t->w, &r) != 0) {
		tui_said(t, &r);
		wiz_result_clear(&r);
		return SCR_BACK;
	}
	tui_said(t, &r);
	wiz_result_clear(&r);
	if (t->pending.set)
		return retry_pending(t) | SCR_BACK;
	/* Its checks were run against the old runbook: again, now. */
	(void)wiz_reverify(t->w);
	return SCR_BACK;
}

static int
drift_no(struct tui *t)
{
	memset(&t->pending, 0, sizeof(t->pending));
	tui_say(t, 1, "Runbook change not accepted: nothing can be recorded "
	    "on this session until it is (D on the plan shows it again).");
	return SCR_BACK;
}

int
tui_confirm_drift(struct tui *t)
{
	const struct wiz_drift	*d = wiz_drift(t->w);
	const struct wiz_info	*in = wiz_info(t->w);
	size_t			 i;

	if (d == NULL || in == NULL) {
		tui_say(t, 0, "The runbook has not changed since the session "
		    "began.");
		return SCR_REDRAW;
	}
	confirm_clear(t);
	snprintf(t->confirm.title, sizeof(t->confirm.title), "Runbook %s "
	    "changed since session %lld began", in->runbook_id,
	    (long long)in->id);
	confirm_line(t, "Its procedures, by id (+ added, - removed, ~ changed):");
	for (i = 0; i < d->nadded; i++)
		confirm_line(t, "  + %s", d->added[i]);
	for (i = 0; i < d->nremoved; i++)
		confirm_line(t, "  - %s", d->removed[i]);
	for (i = 0; i < d->nchanged; i++)
		confirm_line(t, "  ~ %s", d->changed[i]);
	if (d->nadded + d->nremoved + d->nchanged == 0)
		confirm_line(t, "  (only outside the procedures: title, notes, "
		    "variables or roles)");
	confirm_line(t, "");
	confirm_line(t, "Progress stays on the procedures that remain. Until "
	    "the change is accepted, nothing is recorded on this session.");
	snprintf(t->confirm.yes, sizeof(t->confirm.yes), "y accepts the change "
	    "and goes on with the runbook as it is now (logged); Esc leaves it");
	t->confirm.on_yes = drift_yes;
	t->confirm.on_no = drift_no;
	return tui_goto(t, SCREEN_CONFIRM);
}

static int
override_yes(struct tui *t)
{
	t->pending.override = 1;
	return retry_pending(t) | SCR_BACK;
}

static int
override_no(struct tui *t)
{
	tui_say(t, 0, "Step %zu not recorded: its procedure is still blocked.",
	    t->pending.step);
	memset(&t->pending, 0, sizeof(t->pending));
	return SCR_BACK;
}

/* The confirmation to record a step of a blocked procedure. */
static int
confirm_override(struct tui *t)
{
	const struct plan_inst	*in;
	const struct plan	*pl = wiz_plan(t->w);
	char			 name[200];
	size_t			 i;

	in = wiz_inst(t->w, t->pending.proc, t->pending.host);
	if (in == NULL || pl == NULL)
		return SCR_REDRAW;
	confirm_clear(t);
	snprintf(t->confirm.title, sizeof(t->confirm.title), "%s%s%s is "
	    "blocked", in->proc->id, in->host ? "@" : "", in->host ?
	    in->host->name : "");
	confirm_line(t, "It needs these done (or skipped) first:");
	for (i = 0; i < in->nblocked; i++)
		confirm_line(t, "  %s  %s", plan_inst_name(
		    &pl->inst[plan_blocker(pl, in, i)], name, sizeof(name)),
		    pl->inst[plan_blocker(pl, in, i)].proc->title);
	confirm_line(t, "");
	confirm_line(t, "Recording step %zu as %s anyway is logged as done "
	    "while blocked (it shows in the change record).", t->pending.step,
	    plan_step_status_name(t->pending.to));
	snprintf(t->confirm.yes, sizeof(t->confirm.yes), "y records step %zu "
	    "%s anyway; Esc leaves it", t->pending.step,
	    plan_step_status_name(t->pending.to));
	t->confirm.on_yes = override_yes;
	t->confirm.on_no = override_no;
	return tui_goto(t, SCREEN_CONFIRM);
}

/* What the operator can do next about a transition just recorded. */
static void
undo_hint(struct tui *t, const struct wiz_result *r, enum step_status to)
{
	if (r->msg == NULL)
		return;
	if (!r->changed)
		tui_say(t, 0, "%s", r->msg);
	else if (to == STEP_PENDING)
		tui_say(t, 0, "%s%s d, s or f records it again.", r->msg,
		    r->msg[strlen(r->msg) - 1] == '.' ? "" : ".");
	else
		tui_say(t, 0, "%s%s r reopens it.", r->msg,
		    r->msg[strlen(r->msg) - 1] == '.' ? "" : ".");
}

/* Done or skipped, on the step the operator is at: on to the next one
 * still to do (a confirmation screen came between, so the procedure
 * screen is entered again at the position). */
static void
advance(struct tui *t, const struct tui_pending *p)
{
	const struct plan_inst	*in = wiz_inst(t->w, p->proc, p->host);
	size_t			 k = p->step;

	if (in == NULL || tui_proc(t) == NULL || strcmp(tui_proc(t),
	    p->proc) != 0 || tui_step(t) != p->step)
		return;
	while (k < in->proc->nsteps && (in->step_na[k] ||
	    in->steps[k] != STEP_PENDING))
		k++;
	if (k < in->proc->nsteps)
		tui_set_position(t, p->proc, *p->host ? p->host : NULL, k + 1);
}

static int
record(struct tui *t, int override)
{
	struct tui_pending	*p = &t->pending;
	struct wiz_result	 r;
	int			 rv = SCR_REDRAW;

	memset(&r, 0, sizeof(r));
	if (wiz_step(t->w, p->proc, p->host, p->step, p->to, p->note[0] ?
	    p->note : NULL, override, &r) == 0) {
		undo_hint(t, &r, p->to);
		if (r.changed && (p->to == STEP_DONE || p->to == STEP_SKIPPED))
			advance(t, p);
		memset(p, 0, sizeof(*p));
	} else if (r.need == WIZ_NEED_DRIFT) {
		p->set = 1;
		rv = tui_confirm_drift(t);
	} else if (r.need == WIZ_NEED_OVERRIDE) {
		p->set = 1;
		tui_said(t, &r);
		rv = confirm_override(t);
	} else {
		tui_said(t, &r);
		memset(p, 0, sizeof(*p));
	}
	wiz_result_clear(&r);
	return rv;
}

static int
retry_pending(struct tui *t)
{
	if (!t->pending.set)
		return SCR_REDRAW;
	return record(t, t->pending.override);
}

int
tui_record(struct tui *t, const char *proc, const char *host, size_t step,
    enum step_status to, const char *note)
{
	struct tui_pending	*p = &t->pending;

	memset(p, 0, sizeof(*p));
	snprintf(p->proc, sizeof(p->proc), "%s", proc);
	snprintf(p->host, sizeof(p->host), "%s", host ? host : "");
	p->step = step;
	p->to = to;
	snprintf(p->note, sizeof(p->note), "%s", note ? note : "");
	return record(t, 0);
}

/* The copy view, and the clipboard. */

void
tui_copy_clear(struct tui *t)
{
	size_t	i;

	for (i = 0; i < t->copy.n; i++) {
		free(t->copy.label[i]);
		free(t->copy.text[i]);
	}
	free(t->copy.label);
	free(t->copy.text);
	memset(&t->copy, 0, sizeof(t->copy));
}

int
tui_copy_open(struct tui *t)
{
	if (t->copy.n == 0) {
		tui_say(t, 0, "This step has no command or check to copy.");
		return SCR_REDRAW;
	}
	return tui_goto(t, SCREEN_COPY);
}

/* Run `tmux load-buffer -` with text on its input; 0 when it took it.
 * It answers at once; a tmux that does not is given up after 2 s. */
static int
tmux_buffer(const char *text, size_t len)
{
	pid_t	pid;
	int	fd[2], st, dn, i;

	if (pipe2(fd, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		dn = open("/dev/null", O_WRONLY);
		dup2(fd[0], STDIN_FILENO);
		if (dn != -1) {
			dup2(dn, STDOUT_FILENO);
			dup2(dn, STDERR_FILENO);
		}
		execlp("tmux", "tmux", "load-buffer", "-", (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	(void)signal(SIGPIPE, SIG_IGN);
	(void)!write(fd[1], text, len);
	close(fd[1]);
	for (i = 0; i < 200; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	(void)waitpid(pid, &st, 0);
	return -1;
}

void
tui_clipboard(struct tui *t, const char *text, char *said, size_t len)
{
	size_t		 n = strlen(text);
	char		*b64;
	int		 tmux = 0;

	(void)t;
	/* OSC 52: the terminal (xterm, PuTTY, iTerm2, tmux with
	 * set-clipboard on) puts it on the system clipboard. */
	b64 = xmalloc((n + 2) / 3 * 4 + 1);
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)text,
	    (int)n);
	fprintf(stdout, "\033]52;c;%s\a", b64);
	fflush(stdout);
	free(b64);
	if (getenv("TMUX") != NULL && *getenv("TMUX") != '\0')
		tmux = tmux_buffer(text, n) == 0 ? 1 : -1;
	snprintf(said, len, "Copied %zu characters: sent to the terminal's "
	    "clipboard (OSC 52)%s.", (size_t)tui_width(text), tmux == 1 ?
	    " and to tmux's paste buffer (prefix ] pastes it)" : tmux == -1 ?
	    "; tmux's paste buffer did not take it" : "");
}
