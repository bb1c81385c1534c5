/*
 * tui.h: the console wizard. One loop (the controller's, wiz.h) watches
 * the terminal, the signals (through a pipe) and the check engine's
 * sockets; screens are data (struct screen, one per file under screens/)
 * that draw the controller's model and answer keys with flags; only the
 * loop changes screen, calls endwin, or exits. Screens see the core only
 * through wiz.h.
 */
#ifndef FEDWIZ_TUI_H
#define FEDWIZ_TUI_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "wiz.h"

struct cli;
struct draft;
struct lineedit;
struct tui;

/* What a key handler tells the loop. */
#define SCR_NONE	0x0000
#define SCR_REDRAW	0x0001
#define SCR_BACK	0x0002	/* to the screen before */
#define SCR_QUIT	0x0004	/* ask, then leave */
#define SCR_GOTO	0x0008	/* to tui->next (set with tui_goto) */
#define SCR_UNHANDLED	0x0010	/* not this screen's key */
/* With SCR_GOTO: forget the way back but for the sessions screen (a new
 * session started: Esc must not lead into its finished forms). */
#define SCR_FRESH	0x0020
/* With SCR_GOTO: take the place of the current screen (the next question
 * after one answered, the next procedure), not go on top of it. */
#define SCR_REPLACE	0x0040

enum screen_id {
	SCREEN_SESSIONS,
	SCREEN_RUNBOOKS,
	SCREEN_PLAN,
	SCREEN_PROC,
	SCREEN_CONSOLE,
	SCREEN_REPORT,
	SCREEN_VARS,
	SCREEN_INVENTORY,
	SCREEN_HOSTKEY,		/* a question of the SSH engine */
	SCREEN_SECRET,		/* the same, for a password or secret */
	SCREEN_CONFIRM,		/* drift to accept, a block to override */
	SCREEN_COPY,		/* a command whole, to the clipboard */
	SCREEN_ANSWERS,		/* the session's answers and hosts */
	SCREEN_PASTE,		/* a check's output the operator pastes */
	SCREEN_COUNT
};

/* A key and what it does, for the handler and for the help overlay. */
struct key_binding {
	int		 key;		/* ncurses key code */
	const char	*name;		/* "Enter", "d", "Esc" */
	const char	*help;		/* "mark the step done" */
	int		(*fn)(struct tui *, void *);
};

/*
 * One generic list (htop's Panel): n rows, the selected one, the first
 * shown. tui_list_key moves it for Up/Down/k/j, PgUp/PgDn, Home/End and
 * g/G, the same on every screen; a pager (no selection: a text to read)
 * scrolls instead. tui_list_show keeps the selection in view of rows
 * lines.
 */
struct tui_list {
	size_t	 n;
	size_t	 sel;
	size_t	 top;
	int	 rows;		/* lines it had at the last draw */
	int	 pager;		/* scrolls; sel is the first line */
};
/* 1 when the key moved it (the screen then redraws), else 0. */
int	tui_list_key(struct tui_list *, int);
void	tui_list_show(struct tui_list *, int);
void	tui_list_set(struct tui_list *, size_t);

struct screen {
	const char			*name;	/* for the position on disk */
	const char			*title;
	/* The marks a screen draws, explained in its help. */
	const char			*legend;
	void				*(*enter)(struct tui *);
	void				 (*leave)(struct tui *, void *);
	void				 (*draw)(struct tui *, void *, int, int);
	/* Keys not in the table (a text field); may be NULL. */
	int				 (*key)(struct tui *, void *, int);
	/* The screen was laid out again (new size); may be NULL. */
	void				 (*resize)(struct tui *, void *, int, int);
	/* Non-zero while a text field has the keys (may be NULL): they go
	 * to .key first, so typing "q" or "?" types it. */
	int				 (*editing)(struct tui *, void *);
	/* Its list (may be NULL): Up/Down/PgUp/PgDn/Home/End move it. */
	struct tui_list			*(*list)(struct tui *, void *);
	/* The list moved (may be NULL). */
	void				 (*moved)(struct tui *, void *);
	/* Search (/, n, N; may be NULL): row i matches pattern. */
	int				 (*match)(struct tui *, void *, size_t,
					     const char *);
	/* Printable keys type into the screen (a form): h is not back. */
	int				 types;
	const struct key_binding	*keys;
	size_t				 nkeys;
};

extern const struct screen screen_sessions;
extern const struct screen screen_runbooks;
extern const struct screen screen_plan;
extern const struct screen screen_proc;
extern const struct screen screen_console;
extern const struct screen screen_report;
extern const struct screen screen_vars;
extern const struct screen screen_inventory;
extern const struct screen screen_hostkey;
extern const struct screen screen_secret;
extern const struct screen screen_confirm;
extern const struct screen screen_copy;
extern const struct screen screen_answers;
extern const struct screen screen_paste;

/* A line asked on the message line, answered from the loop. */
typedef int (*tui_answer_fn)(struct tui *, const char *);
#define TUI_ASK_REQUIRED	0x1	/* an empty answer keeps it open */
#define TUI_ASK_YESNO		0x2	/* one key: y is yes, any other no */

/* What a confirmation screen asks (SCREEN_CONFIRM). */
struct tui_confirm {
	char		 title[160];
	char		**lines;	/* shown as a list */
	size_t		  nlines;
	char		 yes[160];	/* "y accepts the change (logged)" */
	int		(*on_yes)(struct tui *);
	int		(*on_no)(struct tui *);
};

/* A transition waiting for a confirmation (drift, override). */
struct tui_pending {
	int			 set;
	char			 proc[128];
	char			 host[128];
	size_t			 step;
	enum step_status	 to;
	char			 note[512];
	int			 override;
};

/* The text the copy view shows, item by item. */
struct tui_copy {
	char		 title[160];
	char		**label;
	char		**text;
	size_t		  n;
};

/* The model the screens borrow: the controller and where the operator
 * is. Screens never open sockets or databases themselves. */
struct tui {
	struct wiz		*w;
	/* The new session the forms are filling in (draft.h), or NULL. The
	 * runbook picker makes it (replacing one for another runbook), the
	 * variables and inventory forms fill it in, the inventory frees it
	 * once the session has started; the loop frees what is left. */
	struct draft		*draft;
	/* Screens. */
	enum screen_id		 cur;
	enum screen_id		 next;		/* for SCR_GOTO */
	enum screen_id		 stack[12];	/* where Esc goes back to */
	size_t			 depth;
	void			*data;		/* the current screen's */
	char			*message;	/* under the screen, wrapped */
	int			 message_bad;	/* shown as a warning */
	int			 help;		/* the help overlay is up */
	int			 color;
	int			 ascii;		/* no UTF-8: ASCII drawing */
	int			 rows, cols;
	time_t			 now;
	/* The line being asked on the message line, if any. */
	struct tui_ask		*ask;
	/* The last search, for n and N. */
	char			 search[128];
	/* Questions the operator put off (Esc): not pushed again until !. */
	uint64_t		 deferred;
	struct tui_confirm	 confirm;
	struct tui_pending	 pending;
	struct tui_copy		 copy;
};

/* Run the wizard; returns an exit code. */
int	tui_main(const struct cli *);

/* Switch screens at the next turn of the loop. */
int	tui_goto(struct tui *, enum screen_id);
/* Open session id and go to its plan (its drift first, when the runbook
 * changed). SCR_* flags. */
int	tui_open(struct tui *, int64_t);
/* Remember where the operator is (proc, host, step) on disk. */
void	tui_set_position(struct tui *, const char *, const char *, size_t);
/* The position, as the controller keeps it: proc, host (NULL: none). */
const char *tui_proc(const struct tui *);
const char *tui_host(const struct tui *);
size_t	tui_step(const struct tui *);

/*
 * Ask a line on the message line; the loop keeps running (checks, other
 * questions) while it is open, and every key goes to it. fn gets the
 * answer (Enter) or NULL (Esc) and returns SCR_* flags. def, when not
 * NULL, is shown and taken on an empty Enter.
 */
int	tui_ask(struct tui *, const char *, const char *, int, tui_answer_fn);
/* A line is being asked. */
int	tui_asking(const struct tui *);

/* Say something on the message line (printf-like); long messages wrap. */
void	tui_say(struct tui *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* A controller's result on the message line (if it says anything). */
void	tui_said(struct tui *, const struct wiz_result *);

/*
 * Record a step; a refusal the operator can decide (drift, a blocked
 * procedure) opens its confirmation screen, and the step is recorded
 * once confirmed. SCR_* flags.
 */
int	tui_record(struct tui *, const char *, const char *, size_t,
	    enum step_status, const char *);
/* The confirmation screen for the drift of the open session. */
int	tui_confirm_drift(struct tui *);
/* The copy view of the text set in t->copy. */
int	tui_copy_open(struct tui *);
void	tui_copy_clear(struct tui *);
/* Put text on the clipboard: OSC 52, and tmux's buffer inside tmux.
 * What was done, in words, into buf. */
void	tui_clipboard(struct tui *, const char *, char *, size_t);

/* Bracketed paste (the terminal marks a paste with ESC[200~ and
 * ESC[201~, read as these two keys): on while the wizard runs, so that
 * what is pasted is text, never keys: the paste screen takes it, a text
 * field types it (newlines as spaces), any other screen drops it. */
#define TUI_KEY_PASTE_BEGIN	(KEY_MAX + 1)
#define TUI_KEY_PASTE_END	(KEY_MAX + 2)
void	tui_paste_mode(int);

/* The plan's instance named id (proc or proc@host, or the start of one):
 * its index, or -1; *n how many start so (the first is taken). */
long	tui_inst_by_id(struct tui *, const char *, size_t *);

/* Search: / asks the pattern, n and N repeat it, on the screen's list. */
int	tui_search(struct tui *, int);

/* Text laid out as lines to draw, each with its attribute: what a pager
 * shows and / searches. tui_lines_add wraps text at w columns, indent
 * spaces before each line (an empty text is an empty line). */
struct tui_lines {
	char	**v;
	int	 *attr;
	size_t	  n;
};
void	tui_lines_add(struct tui_lines *, int, int, int, const char *);
void	tui_lines_put(struct tui_lines *, int, const char *);
void	tui_lines_free(struct tui_lines *);

/* Drawing helpers for screens: all of them clip to the screen. */
void	tui_title(struct tui *, const char *);
void	tui_text(struct tui *, int, int, int, int, const char *);
void	tui_text_clean(struct tui *, int, int, int, int, const char *);
void	tui_hline(struct tui *, int);
/* Text wrapped at spaces into lines y..ymax-1 from x, w wide; returns the
 * next free line. */
int	tui_wrap(struct tui *, int, int, int, int, int, const char *);
/* The next line of *pp wrapped at spaces to w columns: *line and its
 * length in bytes; *pp moves past it and the spaces or newline that end
 * it. Columns count characters, not bytes. */
int	tui_line_next(const char **, int, const char **);
/* Columns of s (one per character). */
int	tui_width(const char *);
/* The byte offset of column w of s (or its end). */
size_t	tui_col(const char *, int);
/* s in exactly w columns: padded with spaces, or cut with an ellipsis;
 * into buf, which it returns. */
const char *tui_fit(const struct tui *, const char *, int, char *, size_t);
/* A form field at y, x, w wide: text, or with le (lineedit.h) the text
 * being edited, its cursor shown as a reversed cell. */
void	tui_field(struct tui *, int, int, int, int, const char *,
	    const struct lineedit *);
/* The progress bar "[#####.....] 12/105" in width w at y, x. */
void	tui_bar(struct tui *, int, int, int, size_t, size_t);
/* Attributes by meaning ("title", "select", "done", "fail", "warn",
 * "dim", "bar", "command"), monochrome when there is no color. */
int	tui_attr(struct tui *, const char *);
#define TUI_PLAIN	0
/* The marks, UTF-8 or ASCII: "done" ✓ / v, "current" ▶ / >. */
const char *tui_mark(const struct tui *, const char *);
/* "3 min ago", "2 h ago" (the one duration formatter's words). */
const char *tui_ago(time_t, time_t, char *, size_t);

#endif
