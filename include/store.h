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

#define STORE_SCHEMA_VERSION	3
/* PRAGMA application_id: "FWZ1". A database without it is not ours. */
#define STORE_APPLICATION_ID	0x46575a31

/* Errors: what kind of failure, so the command picks its exit code. */
enum store_err {
	STORE_OK = 0,
	STORE_EINPUT = -1,	/* not fedwiz's, newer, corrupt, no such
				   session/step: bad input (exit 2) */
	STORE_EENV = -2,	/* read-only, disk full, busy, I/O: the
				   environment (exit 3) */
	STORE_ESTATE = -4,	/* transition not allowed from this state
				   (exit 2) */
	STORE_ETAMPER = -5	/* the record does not match its event log:
				   edited behind fedwiz's back (exit 1) */
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
	/* A practice session (started on a training lab's answers): never
	 * a change record, never the session picked by default. Read as
	 * practice when the row or the session's start event says so. */
	int		 practice;
	char		*lab;		/* the lab's folder; NULL: none */
	/* What its checks use unless the command line says otherwise;
	 * NULL: the defaults. */
	char		*known_hosts;
	char		*dns_server;	/* "IP[:PORT]" */
};

/* What a session is started with besides its runbook and operator. */
struct store_settings {
	int		 practice;
	const char	*lab;		/* implies practice */
	const char	*known_hosts;
	const char	*dns_server;
};

/* An open console (a wizard, or whatever registers) on a session. */
struct store_console {
	int64_t		 id;
	char		*operator;
	char		*host;		/* the machine it runs on */
	long		 pid;
	char		*what;		/* "wizard" */
	time_t		 since;
	time_t		 seen;		/* its last heartbeat */
};

/* A console beats this often; one on another machine silent for
 * STORE_CONSOLE_EXPIRY seconds is gone (one on this machine is gone
 * when its process is). */
#define STORE_CONSOLE_BEAT	30
#define STORE_CONSOLE_EXPIRY	120

/* How a step got its state: the operator said so, or its checks all
 * passed (the wizard checks those again on resume). */
enum step_via {
	STEP_VIA_OPERATOR,
	STEP_VIA_CHECKS
};

struct store_step {
	char		*proc;
	char		*host;		/* "" for a procedure done once */
	size_t		 step;
	enum step_status status;
	char		*note;
	char		*operator;
	time_t		 at;
	enum step_via	 via;
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
	/* Evidence origin: "collected" (NULL too), "pasted", "imported";
	 * detail: who pasted it, the site and jump host it came through. */
	const char	*origin;
	const char	*origin_detail;
	/* Read back: the edit (event id) that made it stale, and why;
	 * 0 and NULL while it is current. */
	int64_t		 stale_event;
	char		*stale_why;
};

/* A step whose evidence an edit makes stale. */
struct store_stale {
	const char	*proc;
	const char	*host;		/* "" or NULL: a procedure done once */
	size_t		 step;
};

/* Where the event log ends: what to paste into the change ticket. */
struct store_head {
	size_t		 count;		/* events */
	int64_t		 last_id;
	char		 hash[65];	/* the last event's; "" when none */
};

/*
 * One site's share of an Ansible hand-off (handoff.h): what its results
 * must be bound to. The private key went to the jump host only.
 */
struct store_export {
	int64_t		 id;
	int64_t		 session;	/* 0: exported from an answers file */
	char		*runbook_id;
	char		*runbook_hash;
	char		*site;
	char		*jump;		/* [user@]address[:port] */
	char		*answers_sha256;
	char		*nonce;
	char		*pubkey;	/* Ed25519, hex */
	char		*operator;
	time_t		 at;
};

/* One check run of an export taken into a session. */
struct store_import {
	char		*run_id;	/* the run's own id: imported once */
	int64_t		 export_id;
	char		*site;
	char		*jump;
	char		*results_sha256;
	time_t		 checked;	/* when the jump host ran it */
	size_t		 npass, nfail, nerror;
	char		*operator;	/* read back: who imported it, when */
	time_t		 at;
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
	char		*via;		/* "checks": completed by its checks;
					   "" otherwise */
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

/*
 * Several reads as one snapshot: what other consoles commit in between is
 * not seen half (a step record read before another console's transition
 * and its event read after it would look forged). Nothing is locked: the
 * writers go on. No-op inside a transaction.
 */
int		 store_snapshot_begin(struct store *, struct diags *);
void		 store_snapshot_end(struct store *);

/* Sessions. The settings may be NULL: a real session with none. */
int		 store_session_create(struct store *, const char *,
		     const char *, const char *, size_t, const char *,
		     time_t, const struct store_settings *, int64_t *,
		     struct diags *);
int		 store_session_get(struct store *, int64_t,
		     struct store_session *, struct diags *);
/*
 * The most recently active open session that is not a practice one (what
 * a command without --session works on); STORE_EINPUT when none, the
 * message naming the open practice sessions if there are any.
 */
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
/* Answers and hosts as a session starts, logged as the operator's (the
 * argument before the diags). An answer's host is NULL for the
 * deployment's value, else the host whose own value it is. */
int		 store_answer_set(struct store *, int64_t, const char *,
		     const char *, const char *, const char *,
		     struct diags *);
int		 store_host_add(struct store *, int64_t, const struct host *,
		     const char *, struct diags *);
/*
 * Edits during a session, each one transaction: the new state, one event
 * (kind answer, host or host-removed; detail says what changed and which
 * steps to re-verify), and the evidence of those steps marked stale by
 * that event. value NULL removes an answer; store_host_edit adds the host,
 * or replaces the one of that name, or (remove) forgets it and its own
 * answers. *nstale: evidence rows marked. Refused on a closed session.
 */
int		 store_answer_edit(struct store *, int64_t, const char *,
		     const char *, const char *, const char *,
		     const struct store_stale *, size_t, const char *,
		     size_t *, struct diags *);
int		 store_host_edit(struct store *, int64_t, const struct host *,
		     int, const char *, const struct store_stale *, size_t,
		     const char *, size_t *, struct diags *);
/* Visit answers (name, host or NULL, value) and hosts (profile
 * unresolved: only profile_name) in the order they were given. */
int		 store_answers(struct store *, int64_t,
		     void (*)(void *, const char *, const char *,
		     const char *), void *, struct diags *);
int		 store_hosts(struct store *, int64_t,
		     void (*)(void *, const struct host *), void *,
		     struct diags *);

/* Step states: all of a session's, for plan_build's callback, in key
 * order (proc, host, step). Rows and strings live in the arena (a
 * session can have tens of thousands). */
int		 store_steps(struct store *, int64_t, struct arena *,
		     struct store_step **, size_t *, struct diags *);

/*
 * One durable transition: in one IMMEDIATE transaction (SQLite serialises
 * every console's), check the move from the step's current state is
 * allowed (a finished step needs a reopen first; the message says who
 * finished it and when), write the step row and its event. STORE_OK only
 * once committed. A move to the state the step is already in changes
 * nothing (*changed 0; a note in diags says who and when). via: who
 * completed it, the operator or its checks (a fact in the row and the
 * event).
 */
int		 store_step_set(struct store *, int64_t, const char *,
		     const char *, size_t, enum step_status, const char *,
		     const char *, const char *, enum step_via, int *,
		     struct diags *);

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

/*
 * Sites (jump hosts) of a session, as the answers file gave them; each
 * one transaction with its event. Visited in the order given.
 */
int		 store_site_add(struct store *, int64_t, const struct site *,
		     const char *, struct diags *);
int		 store_sites(struct store *, int64_t,
		     void (*)(void *, const struct site *), void *,
		     struct diags *);

/*
 * Record one site's share of an export (e->id is set), with an event in
 * the session's log when it has one. Several sites of one export go in
 * one store_begin/store_commit.
 */
int		 store_export_add(struct store *, struct store_export *,
		     const char *, struct diags *);
/* The export of this nonce; STORE_EINPUT (and a diag) when none. */
int		 store_export_find(struct store *, const char *,
		     struct store_export *, struct diags *);
void		 store_export_clear(struct store_export *);

/*
 * Take one check run of an export into a session: its evidence (origin
 * "imported"), the import and an event, inside the caller's transaction
 * (or its own). A run imported before is refused (STORE_EINPUT, saying
 * when and by whom), as is a session another fedwiz holds.
 */
int		 store_import_add(struct store *, int64_t,
		     const struct store_import *, const struct store_check *,
		     size_t, const char *, struct diags *);
/* The runs imported into a session, in the order they were. */
int		 store_imports(struct store *, int64_t, struct store_import **,
		     size_t *, struct diags *);
void		 store_imports_free(struct store_import *, size_t);

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
 * Walk the whole chain. 0 and *head when every row's hash is right and
 * follows its predecessor; STORE_EINPUT with *bad the first broken row id
 * and why in diags (head->count then: the events before it that verify).
 */
int		 store_audit_verify(struct store *, struct store_head *,
		     int64_t *, struct diags *);
/*
 * Whether the log still holds the head an operator pasted (event n with
 * that hash): after store_audit_verify, this proves nothing up to it was
 * rewritten or removed since. STORE_EINPUT with why in diags.
 */
int		 store_audit_anchor(struct store *, size_t, const char *,
		     struct diags *);
/*
 * Every steps row (of one session; 0: all) against the replay of the
 * event log: its status, note, operator, time and via are those of the
 * step's last event, and every step with events has its row. fn gets
 * each that is not (the row as stored, NULL when it is missing; what the
 * log says, NULL when it has no event), and *nbad counts them.
 */
int		 store_audit_replay(struct store *, int64_t,
		     void (*)(void *, int64_t, const struct store_step *,
		     const struct store_step *), void *, size_t *,
		     struct diags *);
/*
 * Every session's practice flag against its start event: fn gets each
 * session whose row and first event disagree (row: what the sessions table
 * says; log: what the event says), *nbad counts them. Such a session is
 * read as practice either way.
 */
int		 store_audit_sessions(struct store *,
		     void (*)(void *, int64_t, int, int), void *, size_t *,
		     struct diags *);
/* The same for one session whose rows were read by store_steps (in its
 * order), without reading them again. */
int		 store_replay_rows(struct store *, int64_t,
		     const struct store_step *, size_t,
		     void (*)(void *, int64_t, const struct store_step *,
		     const struct store_step *), void *, size_t *,
		     struct diags *);

/*
 * Open consoles (presence). A console joins a session when it opens it,
 * beats every STORE_CONSOLE_BEAT seconds, leaves when it closes it. None
 * of this is part of the record (no events) and none of it holds anyone
 * back: any number of consoles and commands record on a session at once.
 */
int		 store_console_join(struct store *, int64_t, const char *,
		     const char *, int64_t *, struct diags *);
int		 store_console_beat(struct store *, int64_t, struct diags *);
void		 store_console_leave(struct store *, int64_t);
/* The consoles on a session that are alive, oldest first; the dead ones
 * are forgotten on the way when the store is writable. */
int		 store_consoles(struct store *, int64_t,
		     struct store_console **, size_t *, struct diags *);
void		 store_consoles_free(struct store_console *, size_t);
/* Forget the consoles of a session registered from other machines (the
 * operator knows they are gone), and dead ones here: *n forgotten. */
int		 store_consoles_forget(struct store *, int64_t, size_t *,
		     struct diags *);

/*
 * Whether another connection (another console, a command in another
 * terminal) committed since the last call: PRAGMA data_version, one cheap
 * read. A console polls it on a timer and reloads when it says 1.
 */
int		 store_changed(struct store *);
/* The id of the session's last event (0: none): when store_changed says
 * 1, whether the record moved (a step, a check, an edit) or only
 * something beside it (a console joined or beat, a position saved). */
int64_t		 store_session_last_event(struct store *, int64_t);

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
