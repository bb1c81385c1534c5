/*
 * tui.h: the console wizard. One loop (evloop.h) watches the terminal,
 * the signals (through a pipe) and the check engine's sockets; screens
 * are data (struct screen, one per file under screens/) that draw the
 * model and answer keys with flags; only the loop changes screen, calls
 * endwin, or exits.
 */
#ifndef FEDWIZ_TUI_H
#define FEDWIZ_TUI_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "evloop.h"
#include "session.h"
#include "store.h"

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

enum screen_id {
	SCREEN_SESSIONS,
	SCREEN_RUNBOOKS,
	SCREEN_PLAN,
	SCREEN_PROC,
	SCREEN_CONSOLE,
	SCREEN_REPORT,
	SCREEN_VARS,
	SCREEN_INVENTORY,
	SCREEN_COUNT
};

/* A key and what it does, for the handler and for the help overlay. */
struct key_binding {
	int		 key;		/* ncurses key code */
	const char	*name;		/* "Enter", "d", "Esc" */
	const char	*help;		/* "mark the step done" */
	int		(*fn)(struct tui *, void *);
};

struct screen {
	const char			*name;	/* for the position on disk */
	const char			*title;
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
	const struct key_binding	*keys;
	size_t				 nkeys;
};

extern const struct screen screen_sessions;
extern const struct screen screen_runbooks;
extern const struct screen screen_plan;
extern const struct screen screen_proc;
extern const struct screen screen_console;
extern const struct screen screen_report;

struct check_run;
struct ssh_engine;
struct tui_checks;
extern const struct screen screen_vars;
extern const struct screen screen_inventory;

/* The model the screens borrow: the store, the open session, where the
 * operator is. Screens never open sockets or databases themselves. */
struct tui {
	const struct cli	*cli;
	struct store		*st;
	struct session		*ses;		/* NULL: none open yet */
	unsigned		 ses_gen;	/* counts each (re)opening */
	struct store_check	*evid;		/* its check evidence, read with
						   it (never on a redraw) */
	size_t			 nevid;
	struct evloop		*ev;
	const char		*operator;
	/* The new session the forms are filling in (draft.h), or NULL. The
	 * runbook picker makes it (replacing one for another runbook), the
	 * variables and inventory forms fill it in, the inventory frees it
	 * once the session has started; the loop frees what is left. */
	struct draft		*draft;
	/* Where the operator is in the session (kept on disk). */
	const char		*proc;		/* instance: proc id ... */
	const char		*host;		/* ... and host, or NULL */
	size_t			 step;		/* 1-based; 0: none */
	/* Screens. */
	enum screen_id		 cur;
	enum screen_id		 next;		/* for SCR_GOTO */
	enum screen_id		 stack[8];	/* where Esc goes back to */
	size_t			 depth;
	void			*data;		/* the current screen's */
	char			*message;	/* one line under the screen */
	int			 message_bad;	/* shown as a warning */
	int			 help;		/* the help overlay is up */
	int			 color;
	int			 ascii;		/* no UTF-8: ASCII drawing */
	int			 rows, cols;
	time_t			 now;
	/* Checks (tui-check.c): one run at a time, on the loop above. */
	struct tui_checks	*chk;
	struct check_run	*run;		/* the last run; NULL: none */
	int			 checking;	/* it has checks in flight */
	char			 proc_buf[128];
	char			 host_buf[128];
	/* This console's registration on the open session (store.h
	 * presence); 0: none. Beats every STORE_CONSOLE_BEAT seconds. */
	int64_t			 console;
	time_t			 beat;
	int64_t			 last_event;	/* of the session as read */
};

/* Run the wizard; returns an exit code. */
int	tui_main(const struct cli *);

/* Switch screens at the next turn of the loop. */
int	tui_goto(struct tui *, enum screen_id);
/* Open session id as the current one (closing the one before); 0 on
 * success, else -1 with the reason in the message line. */
int	tui_open_session(struct tui *, int64_t);
/* Read the open session's check evidence again (after a run). */
void	tui_reload_evidence(struct tui *);
/* Remember where the operator is (proc, host, step) on disk. */
void	tui_set_position(struct tui *, const char *, const char *, size_t);
/*
 * A line typed on the message line (printable ASCII; Backspace, Ctrl-U);
 * def, when not NULL, is shown and taken on an empty Enter. 0, or -1 when
 * the operator pressed Esc.
 */
int	tui_ask(struct tui *, const char *, const char *, char *, size_t);
/*
 * For a question waiting in getch: 1 when a signal asks it to stop (Ctrl-C,
 * SIGTERM, a hangup; the loop then acts on it), after taking in a new
 * window size if there was one.
 */
int	tui_interrupted(struct tui *);
/* Say something on the message line (printf-like). */
void	tui_say(struct tui *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Run the checks of step (1-based) of the instance t->proc@t->host from
 * the loop, and show them on the check console. When every one has a
 * verdict, the evidence is recorded in the session, and a step whose
 * checks all passed is marked done ("verified by its checks").
 */
int	tui_check_step(struct tui *, size_t);
/* On resume: run again the checks of every step a check completed, and
 * say what changed. 1 when a run started. */
int	tui_check_reverify(struct tui *);
/* Called by the loop after each turn: finish a run whose checks are all
 * in. 1 when something changed on screen. */
int	tui_check_poll(struct tui *);
void	tui_checks_free(struct tui *);

/* Drawing helpers for screens: all of them clip to the screen. */
void	tui_title(struct tui *, const char *);
void	tui_text(struct tui *, int, int, int, int, const char *);
void	tui_text_clean(struct tui *, int, int, int, int, const char *);
void	tui_hline(struct tui *, int);
/* Text wrapped at spaces into lines y..ymax-1 from x, w wide; returns the
 * next free line. */
int	tui_wrap(struct tui *, int, int, int, int, int, const char *);
/* The next line of *pp wrapped at spaces to w columns: *line and its
 * length; *pp moves past it and the spaces or newline that end it. */
int	tui_line_next(const char **, int, const char **);
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

#endif
