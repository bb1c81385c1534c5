/*
 * store.h: progress on disk (SQLite). Sessions, their answers and inventory,
 * step states, check runs with evidence, and an append-only event log
 * chained by hash. A transition the caller has been told is done is on disk:
 * WAL with synchronous=FULL, one transaction per transition.
 *
 * Only this file's implementation talks to SQLite.
 */
#ifndef FEDWIZ_STORE_H
#define FEDWIZ_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "plan.h"
#include "util.h"

#define STORE_SCHEMA_VERSION	1
/* PRAGMA application_id: "FWZ1". A database without it is not ours. */
#define STORE_APPLICATION_ID	0x46575a31

/* Errors: what kind of failure, so the command picks its exit code. */
enum store_err {
	STORE_OK = 0,
	STORE_EINPUT = -1,	/* not fedwiz's, newer, corrupt, no such
				   session/step: bad input (exit 2) */
	STORE_EENV = -2,	/* read-only, disk full, busy, I/O: the
				   environment (exit 3) */
	STORE_ELOCKED = -3,	/* another fedwiz holds the session (exit 3) */
	STORE_ESTATE = -4	/* transition not allowed from this state
				   (exit 2) */
};

#define STORE_READONLY	0x1	/* never create, never write */

struct store;

struct store_session {
	int64_t		 id;
	char		*runbook_id;
	char		*runbook_hash;
	char		*operator;
	char		*host;
	time_t		 started;
	time_t		 window_end;	/* 0: none */
	time_t		 updated;	/* last transition */
	time_t		 closed;	/* 0: open */
	size_t		 ndone;		/* steps done or skipped, */
	size_t		 nfailed;	/* in store_session_list only */
};

struct store_lock {
	char		*operator;
	char		*host;
	long		 pid;
	time_t		 since;
};

struct store_step {
	char		*proc;
	char		*host;		/* "" for a procedure done once */
	size_t		 step;
	enum step_status status;
	char		*note;
	char		*operator;
	time_t		 at;
};

struct store_check {
	int64_t		 id;
	char		*proc;
	char		*host;
	size_t		 step;
	char		*kind;		/* ssh, tls, ... */
	char		*target;	/* what was probed */
	char		*result;	/* pass, fail, error */
	char		*message;
	char		*excerpt;	/* the start of the output, stripped */
	char		*output_sha256;
	size_t		 output_len;
	time_t		 at;
	int64_t		 duration_ms;
};

struct store_event {
	int64_t		 id;
	int64_t		 session;
	time_t		 at;
	char		*operator;
	char		*kind;
	char		*proc;
	char		*host;
	size_t		 step;
	char		*detail;	/* the whole event in words */
	/* A step transition's parts ("" for other events), so that no
	 * reader has to parse the words back. */
	char		*from;		/* pending, done, skipped, failed */
	char		*to;
	char		*note;
	char		*extra;		/* "forced while blocked by ..." */
	char		*prev_hash;
	char		*hash;
};

/* The default database: $XDG_STATE_HOME/fedwiz/fedwiz.db, else
 * ~/.local/state/fedwiz/fedwiz.db. NULL (and a diag) without a home. */
char		*store_default_path(struct diags *);

/*
 * Open (and create, in a 0700 folder with mode 0600, unless READONLY) and
 * migrate. Refuses a file that is not fedwiz's, one from a newer fedwiz,
 * one that is corrupt; never overwrites it.
 */
int		 store_open(const char *, int, struct store **, struct diags *);
void		 store_close(struct store *);
/*
 * Fold the WAL into the database file and empty it, so that fedwiz.db
 * alone holds everything (fedwiz close does, at the end of a window; each
 * transition commits to the WAL only, one fdatasync). Best effort: 0, or
 * -1 when another connection kept it from finishing (nothing is lost).
 */
int		 store_checkpoint(struct store *);
const char	*store_path(const struct store *);

/* "now": FEDWIZ_NOW (seconds since the epoch) when set, for reproducible
 * reports and tests; else the clock. */
time_t		 store_now(void);

/*
 * Several writes as one transaction, all or nothing: the store's writes
 * inside it nest, and one that fails rolls the whole of it back (after
 * which store_rollback does nothing). Commit only if every write succeeded.
 */
int		 store_begin(struct store *, struct diags *);
int		 store_commit(struct store *, struct diags *);
void		 store_rollback(struct store *);

/* Sessions. */
int		 store_session_create(struct store *, const char *,
		     const char *, const char *, size_t, const char *,
		     time_t, int64_t *, struct diags *);
int		 store_session_get(struct store *, int64_t,
		     struct store_session *, struct diags *);
/* The most recently active open session; STORE_EINPUT when none. */
int		 store_session_latest(struct store *, int64_t *,
		     struct diags *);
int		 store_session_list(struct store *, struct store_session **,
		     size_t *, struct diags *);
void		 store_session_clear(struct store_session *);
void		 store_session_list_free(struct store_session *, size_t);
/* The runbook text the session started with (for drift), malloc'd. */
int		 store_session_runbook(struct store *, int64_t, const char *,
		     char **, size_t *, struct diags *);

/* Answers and inventory of a session. */
/* Answers and hosts are logged as the operator's (the argument before
 * the diags). */
int		 store_answer_set(struct store *, int64_t, const char *,
		     const char *, const char *, struct diags *);
int		 store_host_add(struct store *, int64_t, const struct host *,
		     const char *, struct diags *);
/* Visit answers (name, value) and hosts (profile unresolved: only
 * profile_name) in the order they were given. */
int		 store_answers(struct store *, int64_t,
		     void (*)(void *, const char *, const char *), void *,
		     struct diags *);
int		 store_hosts(struct store *, int64_t,
		     void (*)(void *, const struct host *), void *,
		     struct diags *);

/* Step states: all of a session's, for plan_build's callback. Rows and
 * strings live in the arena (a session can have tens of thousands). */
int		 store_steps(struct store *, int64_t, struct arena *,
		     struct store_step **, size_t *, struct diags *);

/*
 * One durable transition: in one IMMEDIATE transaction, refuse if another
 * live fedwiz holds the session (a dead holder on this host is taken over,
 * noted in diags as a warning), check the move from the current state is
 * allowed, write the step row and its event. STORE_OK only once committed.
 * A move to the state the step is already in changes nothing (*changed 0).
 */
int		 store_step_set(struct store *, int64_t, const char *,
		     const char *, size_t, enum step_status, const char *,
		     const char *, const char *, int *, struct diags *);

/* A check run and its evidence, with its event. */
int		 store_check_add(struct store *, int64_t,
		     const struct store_check *, const char *,
		     struct diags *);
/* Several, in one transaction: all recorded or none. */
int		 store_checks_add(struct store *, int64_t,
		     const struct store_check *, size_t, const char *,
		     struct diags *);
int		 store_checks(struct store *, int64_t, struct store_check **,
		     size_t *, struct diags *);
void		 store_checks_free(struct store_check *, size_t);

/* An event with no step row: drift accepted, lock broken, ... */
int		 store_event_add(struct store *, int64_t, const char *,
		     const char *, const char *, struct diags *);

/* Close a session: it stays, read-only in spirit, and is no longer the
 * one commands pick by default. Logged; refused while another holds it. */
int		 store_session_close(struct store *, int64_t, const char *,
		     const char *, struct diags *);

/* Record that the session now runs on this runbook text (drift accepted). */
int		 store_session_rebase(struct store *, int64_t, const char *,
		     const char *, size_t, const char *, const char *,
		     struct diags *);

/* Events of one session (0: all), in order. */
int		 store_events(struct store *, int64_t, struct store_event **,
		     size_t *, struct diags *);
void		 store_events_free(struct store_event *, size_t);

/*
 * Walk the whole chain. 0 and *count when every row's hash is right and
 * follows its predecessor; STORE_EINPUT with *bad the first broken row id
 * and why in diags.
 */
int		 store_audit_verify(struct store *, size_t *, int64_t *,
		     struct diags *);

/* Long-lived hold on a session (the wizard): STORE_ELOCKED with *holder
 * when another live fedwiz has it. */
int		 store_lock(struct store *, int64_t, const char *,
		     struct store_lock *, struct diags *);
int		 store_unlock(struct store *, int64_t);
/* Who holds the session, if anyone: 1 and *holder, or 0. */
int		 store_lock_holder(struct store *, int64_t, struct store_lock *,
		     struct diags *);
void		 store_lock_clear(struct store_lock *);
/* Break a lock (the operator knows its holder is gone), with an event. */
int		 store_lock_break(struct store *, int64_t, const char *,
		     struct diags *);

const char	*store_step_status_db(enum step_status);

/*
 * Where the operator was in the wizard (screen, instance, step), to pick
 * up there: saved on every move, read when the wizard starts. The getters
 * return -1 when nothing was saved.
 */
int		 store_ui_set(struct store *, int64_t, const char *,
		     const char *, const char *, size_t, struct diags *);
int		 store_ui_screen(struct store *, int64_t, char *, size_t);
int		 store_ui_position(struct store *, int64_t, char *, size_t,
		     char *, size_t, size_t *);

#endif
