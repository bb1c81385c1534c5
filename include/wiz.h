/*
 * wiz.h: the wizard controller, between the console's screens and the
 * core. It owns what the screens must not: the store and the open
 * session (locked while it is open, read-only when closed), who else is
 * on it, where the operator is (kept on disk), the check runs on the one
 * event loop, the SSH engine's questions, and the policies: a step whose
 * checks all passed is done (recorded as done by its checks, a fact the
 * resume re-verifies), a changed runbook is accepted before anything is
 * recorded on it, a blocked procedure is recorded only on an override.
 *
 * It never draws and never reads a key. What happens on the loop (a run
 * finished, a host key or a secret to ask, a note, the session changed
 * by another console) comes back as events (wiz_event_next) for the loop
 * to turn into screens; a question waits for its answer without holding
 * anything else up. Messages name what the operator can do ("accept the
 * drift"), never a command-line flag.
 *
 * The command line shares the completion policy: `fedwiz check --mark`
 * goes through wiz_run_verdicts and wiz_mark_passed, as the wizard does.
 */
#ifndef FEDWIZ_WIZ_H
#define FEDWIZ_WIZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "evloop.h"
#include "plan.h"
#include "runbook.h"

struct check_run;
struct cli;
struct draft;
struct session;
struct wiz;

/* What a call did, for the message line: rc 0 it was done (or there was
 * nothing to change), -1 it was not; need says what the operator can
 * decide to make it go (a confirmation screen), msg says it in words. */
enum wiz_need {
	WIZ_NEED_NOTHING,
	WIZ_NEED_DRIFT,		/* the runbook changed: review, accept */
	WIZ_NEED_OVERRIDE,	/* the procedure is blocked: record anyway */
	WIZ_NEED_NOTE		/* a skip or a failure needs a reason */
};

/* Every call that takes one fills it from scratch (nothing to clear
 * before); wiz_result_clear() after. */
struct wiz_result {
	int		 rc;
	int		 changed;	/* a step transition: it moved */
	enum wiz_need	 need;
	char		*msg;		/* malloc'd; NULL: nothing to say */
};
void		 wiz_result_clear(struct wiz_result *);

/*
 * The controller for the wizard: the store of --state (created if need
 * be), the runbooks of --runbooks, the SSH options. 0, or an exit code
 * (2 bad input, 3 environment) with *msg saying why.
 */
int		 wiz_new(const struct cli *, struct wiz **, char **);
void		 wiz_free(struct wiz *);

/* The loop the checks run on; the console adds the terminal to it. */
struct evloop	*wiz_loop(struct wiz *);
/* After each turn of the loop: finish runs whose checks are all in,
 * notice another console's changes. Events may follow. */
void		 wiz_tick(struct wiz *);
/* Checks are running (the console's clocks move; wake each second). */
int		 wiz_busy(const struct wiz *);

/* Display wishes of the command line (--no-color, --ascii). */
int		 wiz_no_color(const struct wiz *);
int		 wiz_ascii(const struct wiz *);
/* --answers was given: a new session is preseeded from it. */
int		 wiz_preseeded(const struct wiz *);

/* Events. */
enum wiz_event_kind {
	WIZ_EV_QUESTION,	/* a host key or a secret to ask: wiz_question */
	WIZ_EV_RUN_DONE,	/* a run's checks are all in: text says what
				   came of them (and what was recorded) */
	WIZ_EV_NOTE,		/* something to say (a key was recorded) */
	WIZ_EV_CHANGED,		/* the session changed underneath (another
				   console): the model was read again */
	WIZ_EV_NEED		/* a run's checks passed on a step the
				   operator must decide about (need) */
};

struct wiz_event {
	enum wiz_event_kind	 kind;
	int			 bad;		/* shown as a warning */
	char			*text;		/* malloc'd, or NULL */
	enum wiz_need		 need;		/* WIZ_EV_NEED */
	char			 proc[128];	/* WIZ_EV_NEED: the step */
	char			 host[128];
	size_t			 step;
};
/* The next event: 1 and *ev (wiz_event_clear it), or 0. */
int		 wiz_event_next(struct wiz *, struct wiz_event *);
void		 wiz_event_clear(struct wiz_event *);

/* Sessions. */
struct wiz_session_row {
	int64_t		 id;
	char		*runbook_id;
	char		*operator;	/* who started it */
	char		*on;		/* who has it open now ("ann@host"), or
					   NULL */
	size_t		 steps;		/* that apply; 0: not known (its
					   runbook does not load) */
	size_t		 done;		/* done or skipped */
	size_t		 failed;
	time_t		 started;
	time_t		 updated;
	time_t		 window_end;	/* 0: none */
	time_t		 closed;	/* 0: open */
	int		 practice;	/* on a training lab's answers: never
					   a change record, never the default */
	char		*lab;		/* the lab's folder, or NULL */
};
int		 wiz_sessions(struct wiz *, struct wiz_session_row **,
		     size_t *, char **);
/* The session the wizard offers to resume when none is open: the most
 * recently active open one that is not practice; 0 when there is none. */
int64_t		 wiz_default_session(struct wiz *);
void		 wiz_sessions_free(struct wiz_session_row *, size_t);

/*
 * Open session id (the one open before is let go): locked as this
 * console's while it is open; a closed one is opened read-only (shown,
 * never changed). The position saved for it is where the operator goes.
 */
int		 wiz_open(struct wiz *, int64_t, struct wiz_result *);
/* The most recently active open session, opened: 0, or -1 (none). */
int		 wiz_resume(struct wiz *, struct wiz_result *);
/* Nothing open (the forms of a new session are not the open one's). */
int		 wiz_is_open(const struct wiz *);

struct wiz_info {
	int64_t		 id;
	const char	*runbook_id;
	const char	*runbook_title;
	const char	*operator;	/* who started it */
	const char	*me;		/* who this console records as */
	time_t		 started;
	time_t		 window_end;	/* 0: none */
	time_t		 closed;	/* 0: open */
	int		 readonly;	/* closed: nothing is recorded */
	int		 drifted;	/* its runbook changed: to accept */
	size_t		 steps;		/* that apply */
	size_t		 finished;	/* done or skipped */
	size_t		 failed;
	int		 practice;	/* a practice session: said on the
					   status bar */
	const char	*lab;		/* its lab's folder, or NULL */
};
/* The open session; NULL when none is. */
const struct wiz_info *wiz_info(const struct wiz *);
/* The plan of the open session (NULL when none). It is read again after
 * every transition and run: wiz_gen() counts the readings, so a screen
 * that keeps an instance pointer finds it again when the count moved. */
const struct plan *wiz_plan(const struct wiz *);
unsigned	 wiz_gen(const struct wiz *);
/* The instance proc@host (host NULL: done once), or NULL. */
const struct plan_inst *wiz_inst(const struct wiz *, const char *,
		     const char *);
/* What to do next: the first ready or started instance and its first
 * step still to do (1-based). 1, or 0 when nothing is ready. */
int		 wiz_next(const struct wiz *, const struct plan_inst **,
		     size_t *);

/* The consoles on the open session now, this one among them. */
struct wiz_console {
	const char	*operator;
	const char	*host;
	long		 pid;
	time_t		 since;
	int		 self;
};
size_t		 wiz_consoles(const struct wiz *,
		     const struct wiz_console **);

/* Where the operator is in the session, kept on disk at every move. */
struct wiz_pos {
	char		 screen[32];
	char		 proc[128];
	char		 host[128];	/* "": none */
	size_t		 step;		/* 1-based; 0: none */
};
const struct wiz_pos *wiz_position(const struct wiz *);
void		 wiz_set_position(struct wiz *, const char *, const char *,
		     const char *, size_t, struct wiz_result *);

/* The drift of the open session's runbook: procedure ids. */
struct wiz_drift {
	const char *const	*added;
	size_t			 nadded;
	const char *const	*removed;
	size_t			 nremoved;
	const char *const	*changed;
	size_t			 nchanged;
};
/* NULL when the runbook did not change since the session began. */
const struct wiz_drift *wiz_drift(const struct wiz *);
/* Go on with the runbook as it is now (logged as this operator's). */
int		 wiz_accept_drift(struct wiz *, struct wiz_result *);

/*
 * Record step (1-based) of proc@host: to done, skipped, failed (note: why)
 * or pending (reopen). override: record it though the procedure is
 * blocked (logged as forced). The result says what was recorded ("Step 3
 * skipped: CA down. r reopens it.") or, with need, what must be decided.
 */
int		 wiz_step(struct wiz *, const char *, const char *, size_t,
		     enum step_status, const char *, int, struct wiz_result *);
/* Who recorded step's state, and whether its checks did. */
struct wiz_step_state {
	enum step_status status;
	const char	*note;
	const char	*operator;
	time_t		 at;
	int		 by_checks;
};
int		 wiz_step_state(const struct wiz *, const char *,
		     const char *, size_t, struct wiz_step_state *);

/*
 * The answers of the open session, one row per value: the deployment's,
 * then each host's own for a variable answered per host. wiz_set changes
 * one (host NULL: the deployment's) during the session: checked by its
 * type, one event in the audit chain, and the evidence of the steps that
 * used the old value made stale (the result says how many steps to
 * re-verify).
 */
struct wiz_answer {
	const char	*name;
	const char	*prompt;
	const char	*type;
	const char	*host;		/* NULL: the deployment's */
	const char	*value;		/* NULL: no answer (default shown) */
	const char	*def;
};
size_t		 wiz_answers(const struct wiz *, struct wiz_answer **);
int		 wiz_set(struct wiz *, const char *, const char *, const char *,
		     struct wiz_result *);
/* The hosts of the open session, one line each ("lync_fe fe1
 * 192.0.2.10 admin@:22 windows"), for the answers screen. malloc'd. */
size_t		 wiz_hosts(const struct wiz *, char ***);
/* The roles of the open session's runbook ("lync_fe, imp"), malloc'd;
 * NULL when none is open. */
char		*wiz_roles(const struct wiz *);
/*
 * Add a host to role during the session (address: an IP or DNS name;
 * user NULL: the login name), or change the one of that name; remove a
 * host (its own answers go with it; its recorded steps stay in the
 * record). One event each in the audit chain; the evidence of the steps
 * that ran on it (or on every host of its role) goes stale, and the
 * result names the steps to re-verify.
 */
int		 wiz_host_add(struct wiz *, const char *, const char *,
		     const char *, const char *, struct wiz_result *);
int		 wiz_host_remove(struct wiz *, const char *, struct wiz_result *);

/* Text of an instance: ${vars} filled in with the session's values and
 * cleaned of control characters, malloc'd (NULL for NULL). */
char		*wiz_fill(const struct wiz *, const struct plan_inst *,
		     const char *);
/* A check in one line ("ssh on lync_fe: Get-CsCertificate ..."). */
char		*wiz_check_summary(const struct wiz *, const struct plan_inst *,
		     const struct rb_check *);
/* A check whole, for the copy view: what it runs where, and what it
 * expects, one item per line. */
char		*wiz_check_detail(const struct wiz *, const struct plan_inst *,
		     const struct rb_check *);

/* Evidence: the checks recorded for a step, newest first. */
enum wiz_verdict {
	WIZ_PASS,
	WIZ_FAIL,
	WIZ_ERROR,
	WIZ_NOT_RUN
};
struct wiz_evidence {
	const char	*kind;
	const char	*target;
	enum wiz_verdict result;
	const char	*message;
	const char	*excerpt;
	time_t		 at;
	int64_t		 ms;
};
size_t		 wiz_evidence(const struct wiz *, const char *, const char *,
		     size_t, const struct wiz_evidence **, size_t);

/*
 * Checks. wiz_check_step runs step's checks (0: the run started, or
 * finished at once and WIZ_EV_RUN_DONE is queued); -1 when there is
 * nothing to run here (no check, manual ones only: msg says so), a run is
 * going on, or the session is read-only. When all are in, the evidence is
 * recorded and, if they all passed and the step asks nothing of the
 * operator (no manual check), the step is done, by its checks.
 */
int		 wiz_check_step(struct wiz *, const char *, const char *,
		     size_t, struct wiz_result *);
/*
 * Evidence from where fedwiz cannot reach: the operator runs an ssh
 * check's command on the device and pastes its output. wiz_paste_items
 * lists what can be pasted for a step: one item per host and command (the
 * step's ssh checks that run there, as a run would place them; checks
 * that run the same command share one output). wiz_paste judges text by
 * the item's checks' own expectations, records it with origin "pasted"
 * (by this console's operator), and applies the completion policy: the
 * step is done by its checks when every check of it that applies has
 * passed, counting what the last run of this step found on the other
 * hosts (a pasted output takes the place of that host's error there).
 * rc 0 when it was judged and recorded (msg says the verdict and what was
 * recorded; need when the step is blocked and the operator must decide),
 * -1 when nothing was recorded (msg says why).
 */
struct wiz_paste_item {
	char		*host;		/* where the command runs */
	char		*profile;	/* its device profile */
	char		*command;	/* as fedwiz would send it: values filled
					   in, quoted for the device */
	char		*expects;	/* each check's expectations, a line
					   each */
	size_t		 nchecks;
	char		*missing;	/* "needs an answer for X": it cannot
					   be built, nor judged; else NULL */
	int		 unreached;	/* the last run of this step could not
					   run it there (an error) */
};
size_t		 wiz_paste_items(struct wiz *, const char *, const char *,
		     size_t, struct wiz_paste_item **);
void		 wiz_paste_items_free(struct wiz_paste_item *, size_t);
int		 wiz_paste(struct wiz *, const char *, const char *, size_t,
		     size_t, const char *, size_t, struct wiz_result *);
/* The largest output a paste may hold. */
#define WIZ_PASTE_MAX	(8u << 20)

/* On resume: run again the checks of every step its checks completed,
 * and say what changed (WIZ_EV_RUN_DONE). 1 when a run started. */
int		 wiz_reverify(struct wiz *);

/* The last run, as the check console shows it. */
struct wiz_check_row {
	const char	*proc;
	const char	*host;		/* the instance's; NULL: once */
	size_t		 step;
	const char	*kind;
	const char	*where;		/* the host it runs on; NULL: here */
	const char	*target;
	enum wiz_verdict verdict;
	int		 running;
	int		 waiting;	/* its host waits for an answer */
	const char	*message;
	const char	*excerpt;
	const char	*live;		/* while running: output so far */
	size_t		 livelen;
	int64_t		 ms;
};
size_t		 wiz_run_rows(const struct wiz *);
int		 wiz_run_row(const struct wiz *, size_t, struct wiz_check_row *);
/* When the last run started (evloop_now ms); 0: none yet. */
int64_t		 wiz_run_started(const struct wiz *);

/* Questions of the SSH engine, waiting for the operator. */
enum wiz_question_kind {
	WIZ_Q_HOSTKEY,
	WIZ_Q_SECRET
};
enum wiz_hostkey_answer {
	WIZ_HK_REFUSE,
	WIZ_HK_ONCE,
	WIZ_HK_ALWAYS
};
struct wiz_question {
	uint64_t		 id;
	enum wiz_question_kind	 kind;
	char			*host;		/* inventory name */
	char			*address;
	int			 port;
	char			*user;
	char			*hostname;	/* as known_hosts names it */
	char			*keytype;
	char			*fingerprint;
	char			*known_hosts;
	char			*secret_kind;	/* password, passphrase, enable */
	char			*prompt;
};
size_t		 wiz_questions(const struct wiz *);
/* The i-th waiting question (oldest first), or NULL. */
const struct wiz_question *wiz_question(const struct wiz *, size_t);
/* Answers: the connection goes on from the loop. A secret is copied
 * (wipe yours); NULL: none. A secret also answers the other questions
 * of its kind waiting now, and the ones asked later in this wizard. */
int		 wiz_answer_hostkey(struct wiz *, uint64_t,
		     enum wiz_hostkey_answer);
int		 wiz_answer_secret(struct wiz *, uint64_t, const char *);

/* Runbooks, and a new session. */
struct wiz_runbook_row {
	char		*id;
	char		*title;
	size_t		 nprocs;
	size_t		 nsteps;
	char		*error;		/* it does not load: why */
};
int		 wiz_runbooks(struct wiz *, struct wiz_runbook_row **,
		     size_t *, char **);
void		 wiz_runbooks_free(struct wiz_runbook_row *, size_t);
/* A draft of a new session on runbook id, filled from --answers and
 * --set: 0 (*msg says the first mistake of the file, if any), or -1. */
int		 wiz_draft(struct wiz *, const char *, struct draft **, char **);
/* Start a session from a draft (NULL: from --answers and --set) and open
 * it. */
int		 wiz_start(struct wiz *, const char *, const struct draft *,
		     struct wiz_result *);

/* The change record, as the report command writes it ("md", "html",
 * "json"): malloc'd, or NULL with *msg. */
char		*wiz_report(struct wiz *, const char *, size_t *, char **);
/* Where an export goes unless told: the state folder. malloc'd. */
char		*wiz_export_default(const struct wiz *);
/* Write the record to path (~ expanded; the format from its extension),
 * 0600, replaced atomically. */
int		 wiz_export(struct wiz *, const char *, struct wiz_result *);

/*
 * The completion policy, for the wizard and `fedwiz check --mark`: the
 * steps of a finished run, each with what its checks said.
 */
struct wiz_step_verdict {
	const struct plan_inst	*inst;
	size_t			 step;
	size_t			 ran;		/* pass, fail or error */
	size_t			 passed;
	size_t			 manual;	/* the operator confirms */
	int			 complete;	/* ran > 0, all passed, no
						   manual: done by its checks */
};
size_t		 wiz_run_verdicts(const struct check_run *,
		     struct wiz_step_verdict **);
/*
 * Mark done (by its checks) each complete step of v that is not done yet.
 * The evidence is the caller's to record first. Each step marked, or not
 * marked and why, is said in *said (one line each); *need, when not NULL,
 * gets what the first refusal needs. The number marked, or -1 with a
 * store error in diags.
 */
struct buf;
int		 wiz_mark_passed(struct session *, const struct wiz_step_verdict *,
		     size_t, const char *, struct buf *, enum wiz_need *,
		     struct diags *);

#endif
