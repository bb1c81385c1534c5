/*
 * tui.c: the console wizard's one loop. The terminal, a pipe the signal
 * handlers write to, and (later) the check engine's sockets are watched
 * by the event loop; a key goes to the current screen's table, and the
 * flags it returns are acted on here only. The terminal is restored on
 * every way out: a normal quit, a fatal error (fatal_set_cleanup), and
 * SIGTERM/SIGHUP.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>

#include "catalog.h"
#include "clean.h"
#include "cli.h"
#include "draft.h"
#include "evloop.h"
#include "lineedit.h"
#include "session.h"
#include "store.h"
#include "tui.h"
#include "util.h"

static const struct screen *const screens[SCREEN_COUNT] = {
	[SCREEN_SESSIONS] = &screen_sessions,
	[SCREEN_RUNBOOKS] = &screen_runbooks,
	[SCREEN_PLAN] = &screen_plan,
	[SCREEN_PROC] = &screen_proc,
	[SCREEN_CONSOLE] = &screen_console,
	[SCREEN_REPORT] = &screen_report,
	[SCREEN_VARS] = &screen_vars,
	[SCREEN_INVENTORY] = &screen_inventory,
};

/* Keys every screen has; the help overlay lists them after the screen's. */
static int	key_help(struct tui *, void *);
static int	key_quit(struct tui *, void *);
static int	key_back(struct tui *, void *);

static const struct key_binding global_keys[] = {
	{ '?', "?", "this help (any key closes it)", key_help },
	{ 27, "Esc/Left/h", "back to the screen before (also Backspace)",
	    key_back },
	{ KEY_BACKSPACE, "Backspace", "back", key_back },
	{ 'q', "q", "quit (progress is already on disk)", key_quit },
};

static void	draw(struct tui *);

static int	sig_pipe[2] = { -1, -1 };
/* What arrived while a question blocked in getch (which returns ERR when
 * a signal interrupts it); the loop still gets the byte from the pipe. */
static volatile sig_atomic_t sig_quit, sig_end, sig_winch;
static int	curses_up;

/* Signals only write a byte; the loop reads it. */
static void
on_signal(int sig)
{
	int	 save = errno;
	char	 c = (char)sig;

	if (sig == SIGINT)
		sig_quit = 1;
	else if (sig == SIGTERM || sig == SIGHUP)
		sig_end = 1;
	else if (sig == SIGWINCH)
		sig_winch = 1;
	if (sig_pipe[1] != -1)
		(void)write(sig_pipe[1], &c, 1);
	errno = save;
}

int
tui_interrupted(struct tui *t)
{
	struct winsize	ws;

	if (sig_winch) {
		sig_winch = 0;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_row > 0 && ws.ws_col > 0)
			resize_term(ws.ws_row, ws.ws_col);
		getmaxyx(stdscr, t->rows, t->cols);
		clearok(curscr, TRUE);
	}
	if (sig_end)
		return 1;
	if (sig_quit) {
		sig_quit = 0;
		return 1;
	}
	return 0;
}

static void
term_restore(void)
{
	if (curses_up) {
		curses_up = 0;
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

int
tui_goto(struct tui *t, enum screen_id id)
{
	t->next = id;
	return SCR_GOTO;
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

/*
 * Text for a terminal that is not UTF-8: each character one ASCII one.
 * The runbooks carry the documents' typography (quotes, dashes, bullets,
 * ellipses); curses would show each of their bytes as an escape.
 */
static char *
ascii_of(const char *s)
{
	static const struct {
		unsigned	 cp;
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
	unsigned		 cp;
	size_t			 i, n;

	buf_init(&b);
	while (*p != '\0') {
		if (*p < 0x80) {
			buf_addc(&b, (char)*p++);
			continue;
		}
		/* One UTF-8 sequence; a stray byte is one '?'. */
		n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
		cp = n == 1 ? 0 : *p & (0xFF >> (n + 1));
		for (i = 1; i < n && (p[i] & 0xC0) == 0x80; i++)
			cp = cp << 6 | (p[i] & 0x3F);
		if (i < n)
			n = i;
		p += n;
		for (i = 0; i < nitems(map); i++)
			if (map[i].cp == cp)
				break;
		buf_adds(&b, i < nitems(map) ? map[i].as : "?");
	}
	return buf_steal(&b);
}

/* Text at y, x, at most w columns, cut with "..." when longer. Remote
 * and runbook text is shown only after the caller cleaned it. */
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
	n = (int)strlen(s);
	attron(attr);
	if (n <= w)
		mvaddnstr(y, x, s, w);
	else if (w > 3) {
		mvaddnstr(y, x, s, w - 3);
		addstr("...");
	} else
		mvaddnstr(y, x, s, w);
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

void
tui_hline(struct tui *t, int y)
{
	if (y >= 0 && y < t->rows)
		mvhline(y, 0, t->ascii ? '-' : ACS_HLINE, t->cols);
}

int
tui_wrap(struct tui *t, int y, int ymax, int x, int w, int attr,
    const char *s)
{
	const char	*p = s, *line;
	char		 buf[512];
	int		 n;

	if (w < 1)
		return y;
	while (*p != '\0' && y < ymax) {
		n = tui_line_next(&p, w, &line);
		snprintf(buf, sizeof(buf), "%.*s", n < 511 ? n : 511, line);
		tui_text(t, y++, x, w, attr, buf);
	}
	return y;
}

int
tui_line_next(const char **pp, int w, const char **line)
{
	const char	*p = *pp, *end, *sp;
	int		 n;

	*line = p;
	end = p + strcspn(p, "\n");
	n = (int)(end - p);
	if (n > w) {
		for (sp = p + w; sp > p && *sp != ' '; sp--)
			;
		n = sp > p ? (int)(sp - p) : w;
	}
	p += n;
	while (*p == ' ')
		p++;
	if (*p == '\n')
		p++;
	*pp = p;
	return n;
}

void
tui_field(struct tui *t, int y, int x, int w, int attr, const char *s,
    const struct lineedit *le)
{
	char	view[LINEEDIT_MAX];
	size_t	start, n;
	int	col;

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
		n = 1;
		while (le->cur + n < le->len &&
		    ((unsigned char)le->buf[le->cur + n] & 0xc0) == 0x80)
			n++;
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

/* The status bar: session, operator, runbook, progress, window clock. */
static void
draw_status(struct tui *t)
{
	struct progress	 pg;
	char		 left[256], right[96];
	long		 mins;
	int		 attr = tui_attr(t, "bar"), warn = 0;

	if (t->rows < 2)
		return;
	right[0] = '\0';
	if (t->ses != NULL) {
		session_progress(t->ses, &pg);
		snprintf(left, sizeof(left), " session %lld  %s  %s  %zu/%zu "
		    "steps%s", (long long)t->ses->id, t->ses->info.operator,
		    t->ses->rb->id, pg.finished, pg.steps, pg.failed ?
		    "  FAILED STEPS" : "");
		if (t->ses->info.window_end > 0) {
			mins = (long)(sub_sat(t->ses->info.window_end, t->now) / 60);
			if (mins < 0)
				snprintf(right, sizeof(right), "window closed "
				    "%ld min ago ", -mins);
			else
				snprintf(right, sizeof(right), "window: %ld:%02ld "
				    "left ", mins / 60, mins % 60);
			warn = mins < 15;
		}
	} else
		snprintf(left, sizeof(left), " fedwiz  no session open");
	attron(attr);
	mvhline(t->rows - 1, 0, ' ', t->cols);
	tui_text(t, t->rows - 1, 0, t->cols, attr, left);
	attroff(attr);
	if (right[0] != '\0' && (int)strlen(right) < t->cols / 2)
		tui_text(t, t->rows - 1, t->cols - (int)strlen(right),
		    (int)strlen(right), warn ? tui_attr(t, "warn") | (int)A_REVERSE :
		    attr, right);
}

static void
draw_help(struct tui *t)
{
	const struct screen	*s = screen_of(t);
	char			 line[160];
	int			 y = 2, i, w = t->cols - 4;

	for (i = 1; i < t->rows - 1; i++)
		mvhline(i, 0, ' ', t->cols);
	tui_text(t, 1, 2, w, tui_attr(t, "title"), s->title);
	for (i = 0; i < (int)s->nkeys && y < t->rows - 2; i++) {
		/* Aliases (Up and k, Enter and KEY_ENTER) once, by the first
		 * name, which lists them all. */
		if (i > 0 && s->keys[i].fn == s->keys[i - 1].fn)
			continue;
		snprintf(line, sizeof(line), "%-10s %s", s->keys[i].name,
		    s->keys[i].help);
		tui_text(t, y++, 2, w, TUI_PLAIN, line);
	}
	y++;
	for (i = 0; i < (int)nitems(global_keys) && y < t->rows - 2; i++) {
		if (i > 0 && global_keys[i].fn == global_keys[i - 1].fn)
			continue;
		snprintf(line, sizeof(line), "%-10s %s", global_keys[i].name,
		    global_keys[i].help);
		tui_text(t, y++, 2, w, TUI_PLAIN, line);
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
	if (t->message != NULL)
		tui_text(t, t->rows - 2, 1, t->cols - 2, t->message_bad ?
		    tui_attr(t, "warn") : TUI_PLAIN, t->message);
	draw_status(t);
	refresh();
}

static void
enter(struct tui *t, enum screen_id id)
{
	if (t->data != NULL)
		screen_of(t)->leave(t, t->data);
	t->data = NULL;
	t->cur = id;
	t->help = 0;
	t->data = screen_of(t)->enter(t);
	/* Only the session's own screens are a place to come back to: the
	 * pickers and the forms of a new session are not the open one's. */
	if (t->ses != NULL && (id == SCREEN_PLAN || id == SCREEN_PROC ||
	    id == SCREEN_CONSOLE || id == SCREEN_REPORT))
		tui_set_position(t, t->proc, t->host, t->step);
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
		} else if (t->depth < nitems(t->stack))
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
key_quit(struct tui *t, void *data)
{
	(void)t;
	(void)data;
	return SCR_QUIT;
}

static int
key_back(struct tui *t, void *data)
{
	(void)data;
	if (t->depth == 0)
		return SCR_NONE;
	return SCR_BACK;
}

/* One key: the help overlay takes any key; then the screen's table,
 * the screen's own handler (text fields), the keys every screen has. */
static int
on_key(struct tui *t, int ch)
{
	const struct screen	*s = screen_of(t);
	size_t			 i;
	int			 r;

	if (t->help) {
		t->help = 0;
		return SCR_REDRAW;
	}
	free(t->message);
	t->message = NULL;
	if (s->editing != NULL && s->key != NULL && s->editing(t, t->data) &&
	    ((r = s->key(t, t->data, ch)) & SCR_UNHANDLED) == 0)
		return r | SCR_REDRAW;
	for (i = 0; i < s->nkeys; i++)
		if (s->keys[i].key == ch)
			return s->keys[i].fn(t, t->data) | SCR_REDRAW;
	if (s->key != NULL && ((r = s->key(t, t->data, ch)) & SCR_UNHANDLED) ==
	    0)
		return r | SCR_REDRAW;
	for (i = 0; i < nitems(global_keys); i++)
		if (global_keys[i].key == ch)
			return global_keys[i].fn(t, t->data) | SCR_REDRAW;
	if (ch == KEY_LEFT || ch == 'h')
		return key_back(t, t->data) | SCR_REDRAW;
	return SCR_REDRAW;
}

int
tui_ask(struct tui *t, const char *q, const char *def, char *buf, size_t len)
{
	size_t	n = 0;
	int	ch, rc = 0;

	buf[0] = '\0';
	nodelay(stdscr, FALSE);
	curs_set(1);
	for (;;) {
		tui_say(t, 0, "%s%s%s%s %s", q, def ? " [" : "", def ? def : "",
		    def ? "]" : "", buf);
		mvhline(t->rows - 2, 0, ' ', t->cols);
		tui_text(t, t->rows - 2, 1, t->cols - 2, TUI_PLAIN, t->message);
		refresh();
		ch = getch();
		/* A signal: Ctrl-C, the end, or a new size (the question is
		 * drawn again at the new size). The loop acts on the rest. */
		if (ch == ERR) {
			if (tui_interrupted(t)) {
				rc = -1;
				break;
			}
			draw(t);
			continue;
		}
		if (ch == 27) {
			rc = -1;
			break;
		}
		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
			break;
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
			buf[--n] = '\0';
		else if (ch == 21)		/* Ctrl-U */
			buf[n = 0] = '\0';
		else if (ch >= 32 && ch < 127 && n + 1 < len) {
			buf[n++] = (char)ch;
			buf[n] = '\0';
		}
	}
	if (rc == 0 && n == 0 && def != NULL)
		snprintf(buf, len, "%s", def);
	curs_set(0);
	nodelay(stdscr, TRUE);
	free(t->message);
	t->message = NULL;
	return rc;
}

/* Quitting asks first, with the same loop: y leaves, anything else stays. */
static int
confirm_quit(struct tui *t)
{
	int	ch;

	tui_say(t, 1, "Quit fedwiz? Your progress is saved. (y/n)");
	draw(t);
	nodelay(stdscr, FALSE);
	while ((ch = getch()) == ERR) {
		/* The end (SIGTERM, hangup) is a yes; a new size redraws. */
		if (sig_end)
			break;
		sig_quit = 0;
		(void)tui_interrupted(t);
		draw(t);
	}
	nodelay(stdscr, TRUE);
	if (sig_end) {
		free(t->message);
		t->message = NULL;
		return 1;
	}
	free(t->message);
	t->message = NULL;
	return ch == 'y' || ch == 'Y';
}

struct loop_state {
	struct tui	*t;
	int		 done;
	int		 dirty;
};

/* A new size: the screen lays itself out again, and all is redrawn. */
static void
resized(struct loop_state *ls)
{
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
		r = on_key(ls->t, ch);
		if ((r & SCR_QUIT) && !confirm_quit(ls->t))
			r = SCR_REDRAW;
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
	struct winsize		 ws;
	char			 buf[16];
	ssize_t			 n, i;

	(void)ev;
	(void)revents;
	n = read(fd, buf, sizeof(buf));
	for (i = 0; i < n; i++) {
		switch (buf[i]) {
		case SIGINT:
			/* Ctrl-C asks, as q does. */
			if (confirm_quit(ls->t))
				ls->done = 1;
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
			if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
			    ws.ws_row > 0 && ws.ws_col > 0)
				resize_term(ws.ws_row, ws.ws_col);
			resized(ls);
			break;
		}
	}
}

/* The clock in the status bar moves once a minute; nothing else wakes
 * an idle wizard. */
/*
 * Every second: did another console or command record on the session?
 * One read of PRAGMA data_version; when it moved, the session is read
 * again and redrawn. Every STORE_CONSOLE_BEAT seconds the console says it
 * is still here. Not while checks run: their outcomes point into the
 * session as it is (the run's end reads it again anyway).
 */
static void
on_second(struct evloop *ev, void *arg)
{
	struct loop_state	*ls = arg;
	struct tui		*t = ls->t;
	struct diags		 d;

	if (t->ses != NULL && !t->checking && store_changed(t->st) &&
	    store_session_last_event(t->st, t->ses->id) != t->last_event &&
	    tui_open_session(t, t->ses->id) == 0) {
		tui_say(t, 0, "Another console recorded on this session; "
		    "shown as it is now.");
		ls->dirty = 1;
	}
	if (t->console != 0 && store_now() - t->beat >= STORE_CONSOLE_BEAT) {
		diags_init(&d);
		(void)store_console_beat(t->st, t->console, &d);
		diags_free(&d);
		t->beat = store_now();
	}
	evloop_timer(ev, 1000, on_second, ls);
}

static void
on_minute(struct evloop *ev, void *arg)
{
	struct loop_state	*ls = arg;

	ls->dirty = 1;
	evloop_timer(ev, 60000 - (int64_t)(time(NULL) % 60) * 1000, on_minute,
	    ls);
}

static int
term_setup(struct tui *t)
{
	struct termios	 tio;
	const char	*cs;

	cs = nl_langinfo(CODESET);
	t->ascii = cs == NULL || strcmp(cs, "UTF-8") != 0 ||
	    (t->cli != NULL && t->cli->ascii);
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
	set_escdelay(50);
	curs_set(0);
	t->color = has_colors() && getenv("NO_COLOR") == NULL &&
	    (t->cli == NULL || !t->cli->no_color);
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
tui_open_session(struct tui *t, int64_t id)
{
	struct session	*s = NULL;
	struct diags	 d;
	char		 proc[128], host[128];
	size_t		 step = 0;
	int64_t		 cid, last;

	diags_init(&d);
	/* Nobody holds a session: this console says it is here (others
	 * list it), and every console records through the same rules. */
	if (t->ses == NULL || t->ses->id != id) {
		if (store_console_join(t->st, id, t->operator, "wizard", &cid,
		    &d) != 0) {
			tui_say(t, 1, "%s", d.n ? d.v[d.n - 1].msg :
			    "cannot open the session");
			diags_free(&d);
			return -1;
		}
		if (t->console != 0)
			store_console_leave(t->st, t->console);
		t->console = cid;
		t->beat = store_now();
	}
	/* Read before the session: a record that moves in between is seen
	 * as moved, and read again, on the next tick. */
	last = store_session_last_event(t->st, id);
	if (session_open(t->st, id, catalog_dir(t->cli->runbooks), &s,
	    &d) != 0) {
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "cannot open the "
		    "session");
		diags_free(&d);
		return -1;
	}
	diags_free(&d);
	session_free(t->ses);
	t->ses = s;
	t->ses_gen++;
	t->last_event = last;
	tui_reload_evidence(t);
	t->proc = t->host = NULL;
	t->step = 0;
	if (store_ui_position(t->st, s->id, proc, sizeof(proc), host,
	    sizeof(host), &step) == 0 && session_inst(s, proc, *host ? host :
	    NULL) != NULL) {
		snprintf(t->proc_buf, sizeof(t->proc_buf), "%s", proc);
		snprintf(t->host_buf, sizeof(t->host_buf), "%s", host);
		t->proc = t->proc_buf;
		t->host = *host ? t->host_buf : NULL;
		t->step = step;
	}
	return 0;
}

void
tui_reload_evidence(struct tui *t)
{
	struct diags	d;

	store_checks_free(t->evid, t->nevid);
	t->evid = NULL;
	t->nevid = 0;
	if (t->ses == NULL)
		return;
	diags_init(&d);
	if (store_checks(t->st, t->ses->id, &t->evid, &t->nevid, &d) != 0)
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "cannot read the "
		    "check evidence");
	diags_free(&d);
}

void
tui_set_position(struct tui *t, const char *proc, const char *host,
    size_t step)
{
	struct diags	d;

	if (proc != t->proc_buf)
		snprintf(t->proc_buf, sizeof(t->proc_buf), "%s",
		    proc ? proc : "");
	if (host != t->host_buf)
		snprintf(t->host_buf, sizeof(t->host_buf), "%s",
		    host ? host : "");
	t->proc = t->proc_buf[0] ? t->proc_buf : NULL;
	t->host = t->host_buf[0] ? t->host_buf : NULL;
	t->step = step;
	if (t->ses == NULL)
		return;
	diags_init(&d);
	if (store_ui_set(t->st, t->ses->id, screen_of(t)->name,
	    t->proc ? t->proc : "", t->host ? t->host : "", step, &d) != 0)
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "cannot save where you "
		    "are");
	diags_free(&d);
}

int
tui_main(const struct cli *cli)
{
	struct tui		 t;
	struct loop_state	 ls;
	struct diags		 d;
	char			 scr[32];
	int64_t			 latest = 0;
	int			 rc = EXIT_OK;

	memset(&t, 0, sizeof(t));
	t.cli = cli;
	diags_init(&d);
	if ((t.operator = cli_operator(cli, &d)) == NULL)
		return cli_bad_input(&d);
	/* Before anything is opened: without a terminal, say what to use. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "fedwiz: no command given, and the wizard needs "
		    "a terminal; for scripts use the commands (fedwiz "
		    "--help)\n");
		return EXIT_USAGE;
	}
	diags_init(&d);
	if ((rc = cli_store(cli, 0, &t.st, &d)) != STORE_OK) {
		cli_say(&d);
		return cli_exit(rc);
	}
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe: %s", strerror(errno));
	if (term_setup(&t) == -1) {
		store_close(t.st);
		return EXIT_ENV;
	}
	signals(1);
	t.ev = evloop_new();
	/* Resume: the last open session, at the screen it was left on. */
	t.cur = SCREEN_SESSIONS;
	if (store_session_latest(t.st, &latest, &d) == 0 && latest > 0 &&
	    tui_open_session(&t, latest) == 0 && store_ui_screen(t.st, latest,
	    scr, sizeof(scr)) == 0) {
		if ((strcmp(scr, "procedure") == 0 ||
		    strcmp(scr, "console") == 0) && t.proc != NULL) {
			t.stack[t.depth++] = SCREEN_SESSIONS;
			t.stack[t.depth++] = SCREEN_PLAN;
			t.cur = SCREEN_PROC;
		} else if (strcmp(scr, "sessions") != 0 &&
		    strcmp(scr, "runbooks") != 0) {
			t.stack[t.depth++] = SCREEN_SESSIONS;
			t.cur = SCREEN_PLAN;
		}
		if (t.cur != SCREEN_SESSIONS)
			tui_say(&t, 0, "Resumed session %lld where you left "
			    "it.", (long long)latest);
		/* What a check completed is checked again: the window may
		 * have been days ago. */
		(void)tui_check_reverify(&t);
	}
	diags_free(&d);
	t.data = screen_of(&t)->enter(&t);
	memset(&ls, 0, sizeof(ls));
	ls.t = &t;
	ls.dirty = 1;
	evloop_fd(t.ev, STDIN_FILENO, POLLIN, on_tty, &ls);
	evloop_fd(t.ev, sig_pipe[0], POLLIN, on_sig, &ls);
	on_minute(t.ev, &ls);
	evloop_timer(t.ev, 1000, on_second, &ls);
	while (!ls.done) {
		if (ls.dirty) {
			draw(&t);
			ls.dirty = 0;
		}
		/* While checks run, the console's clocks move each second;
		 * otherwise nothing wakes an idle wizard but input. */
		if (evloop_once(t.ev, t.checking ? 1000 : -1) == -1)
			break;
		if (tui_check_poll(&t) || t.checking)
			ls.dirty = 1;
	}
	screen_of(&t)->leave(&t, t.data);
	tui_checks_free(&t);
	if (t.console != 0)
		store_console_leave(t.st, t.console);
	term_restore();
	signals(0);
	evloop_free(t.ev);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
	draft_free(t.draft);
	session_free(t.ses);
	store_checks_free(t.evid, t.nevid);
	store_close(t.st);
	free(t.message);
	return rc;
}
