/*
 * session.h: a session as the commands and screens see it: the store's
 * record joined with its runbook (as it is now, and as it was when the
 * session started, if that differs), answers, inventory, step states and
 * the plan. Everything that writes goes through here to the store.
 */
#ifndef FEDWIZ_SESSION_H
#define FEDWIZ_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "answers.h"
#include "plan.h"
#include "runbook.h"
#include "store.h"
#include "util.h"

/* What changed in the runbook since the session started. */
struct drift {
	const char	**added;
	size_t		  nadded;
	const char	**removed;
	size_t		  nremoved;
	const char	**changed;
	size_t		  nchanged;
};

/* A step record that is not the replay of the log: the row as stored
 * (row.proc NULL when it was deleted). */
struct forged {
	struct store_step	 row;
	const char		*proc;
	const char		*host;
	size_t			 step;
};

struct session {
	struct store		*st;
	int64_t			 id;
	struct store_session	 info;
	struct runbook		*rb;		/* what the session runs now */
	struct runbook		*orig;		/* as started, if not rb */
	char			*text;		/* rb's text */
	size_t			 textlen;
	struct answers		*ans;
	struct store_step	*steps;
	size_t			 nsteps;
	struct strmap		 step_index;
	struct arena		*arena;		/* keys, drift lists */
	struct plan		*plan;
	struct drift		 drift;
	int			 drifted;
	/* Step records the event log does not back: the session goes by
	 * the log, and refuses to record more (STORE_ETAMPER). The records
	 * as stored are in forged (NULL proc: the record was deleted). */
	size_t			 tampered;
	struct forged		*forged;
	struct diags		 warnings;	/* said once, not fatal */
};

/*
 * Open session id (0: the most recently active open one) and plan it. The
 * runbook is looked up by id in the runbook folder; if it is not there,
 * the copy the session started with is used (with a warning).
 */
int		 session_open(struct store *, int64_t, const char *,
		     struct session **, struct diags *);
void		 session_free(struct session *);

/*
 * Start a session: load the runbook, check the answers file and --set
 * values against it, record runbook text, answers and inventory in one
 * transaction. *id is the new session.
 */
int		 session_start(struct store *, const char *, const char *,
		     const char *, const char *const *, size_t, const char *,
		     time_t, int64_t *, struct diags *);
/*
 * The same with answers built in memory (the wizard's forms) instead of
 * a file: nothing is written to disk but the store. They are checked
 * against the runbook loaded here (answers_merge), so a form's answers
 * get the same checks as a file's.
 */
int		 session_start_answers(struct store *, const char *,
		     const char *, const struct answers *, const char *,
		     time_t, int64_t *, struct diags *);

/* What a step command asks for. */
struct step_request {
	const char		*proc;
	const char		*host;		/* NULL: not given */
	size_t			 step;		/* 1-based */
	enum step_status	 to;
	const char		*note;
	const char		*operator;
	int			 force;		/* record even if blocked */
	int			 accept_drift;	/* go on, runbook changed */
	enum step_via		 via;		/* done: its checks all passed
						   (STEP_VIA_CHECKS) */
};

/*
 * Check a step transition against the runbook, the inventory and the
 * plan, and record it. *changed 0 when the step already had that state.
 * Its messages name what the operator can do (accept the drift, override
 * the block, give a reason), never a command-line flag: the wizard asks
 * with a screen, the command line names its flag (session_step_needs).
 */
int		 session_step(struct session *, const struct step_request *,
		     int *, struct diags *);

/* What the operator must decide before session_step records r. */
enum step_need {
	STEP_NEED_NOTHING,
	STEP_NEED_DRIFT,	/* the runbook changed: review, accept */
	STEP_NEED_OVERRIDE,	/* the procedure is blocked: override it */
	STEP_NEED_NOTE		/* a skip or a failure needs a reason */
};
enum step_need	 session_step_needs(const struct session *,
		     const struct step_request *);

/* Accept the drift (the session runs on the runbook as it is now),
 * logged. A store error code. */
int		 session_accept_drift(struct session *, const char *,
		     struct diags *);

/* A session whose step records the log does not back takes no more:
 * 1 and why in diags (what names the caller), else 0. */
int		 session_refuse_tampered(const struct session *, const char *,
		     struct diags *);

/*
 * The record of a step as stored, for the change record that shows what
 * was claimed: the row the log does not back when it was forged (*forged
 * 1; NULL when the row was deleted), else session_step_state's.
 */
const struct store_step *session_record_state(const struct session *,
		     const char *, const char *, size_t, int *);

/* The state of one step, for callers that show it. */
const struct store_step *session_step_state(const struct session *,
		     const char *, const char *, size_t);

/* "HH:MM" (next occurrence), "YYYY-MM-DD HH:MM" or "...THH:MM". */
int		 session_parse_time(const char *, time_t, time_t *);

/* The operator: given, else $FEDWIZ_OPERATOR, else the login name. */
const char	*session_operator(const char *);

/* Counts over the instances that apply. */
struct progress {
	size_t	steps;		/* steps that apply */
	size_t	finished;	/* done or skipped by the operator */
	size_t	failed;
	size_t	instances;	/* instances that apply */
	size_t	inst_done;
	size_t	inst_failed;
};
void		 session_progress(const struct session *, struct progress *);

/* What to do next: the first ready or in-progress instance in plan order
 * and its first pending step. 0 when there is none. */
int		 session_next(const struct session *,
		     const struct plan_inst **, size_t *);

/* What a suggested command adds to reach this session: "" when it is the
 * one commands pick without --session (the latest real one), else
 * " --session N" (a practice session, an older one). In buf. */
const char	*session_which(const struct session *, char *, size_t);

/* "added: a; removed: b; changed: c", malloc'd. */
char		*session_drift_text(const struct session *);

/* A step an edit of answers or inventory touched: it used the value (or
 * ran a check on the host), and it is finished or has evidence, which is
 * now stale. Re-verify it. */
struct reverify {
	const char		*proc;
	const char		*host;		/* NULL: done once */
	size_t			 step;
	enum step_status	 status;
	int			 evidence;	/* it had current evidence */
};

struct edit_result {
	int			 changed;	/* 0: it was so already */
	char			*what;		/* the edit in words */
	struct reverify		*v;		/* what to re-verify */
	size_t			 n;
	size_t			 nstale;	/* evidence rows marked stale */
};
void		 edit_result_free(struct edit_result *);

/*
 * Edit an answer during the session: value (checked by the variable's
 * type) for name, on host for a variable per host (NULL: the deployment's;
 * for one per host, fine when its role lists one host). One event in the
 * hash chain; the evidence of the steps that used the old value is made
 * stale, and *res says which to re-verify. A closed session, or one whose
 * record the log does not back, is refused.
 */
int		 session_set(struct session *, const char *, const char *,
		     const char *, const char *, struct edit_result *,
		     struct diags *);
/*
 * Add a host to its role (h->role), or change the one of that name (its
 * address, user, port, profile, identity), or remove it (its own answers
 * go with it; its recorded steps stay in the record). Evidence that ran
 * on it, or on every host of its role, is made stale.
 */
int		 session_host_set(struct session *, const struct host *,
		     const char *, struct edit_result *, struct diags *);
int		 session_host_remove(struct session *, const char *,
		     const char *, const char *, struct edit_result *,
		     struct diags *);

/* The plan instance of proc on host (NULL host: done once), or NULL. */
const struct plan_inst *session_inst(const struct session *, const char *,
		     const char *);

#endif
