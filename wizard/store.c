/*
 * store.c: the SQLite store.
 *
 * Every write is one transaction; the database runs in WAL mode with
 * synchronous=FULL, so a COMMIT that returned is on disk. The event log is
 * append-only (triggers refuse UPDATE and DELETE) and each row carries the
 * SHA-256 of its predecessor's hash and its own fields, so an edit made
 * behind fedwiz's back shows in `fedwiz audit verify`.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "plan.h"
#include "store.h"
#include "util.h"

struct store {
	sqlite3		*db;
	char		*path;
	int		 readonly;
	int		 txdepth;	/* store_tx nesting */
	char		 host[256];	/* this machine, for consoles */
	long long	 data_version;	/* as store_changed last saw it */
	int		 snapshot;	/* a read transaction of ours is open */
};

static const char genesis[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/*
 * Schema, one entry per version: migrations[i] takes user_version i to
 * i + 1. Never edit a shipped entry; add one.
 */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	/* Runbook texts, once per content: drift is computed against the
	 * text a session started with. */
	"CREATE TABLE runbooks ("
	"  hash TEXT PRIMARY KEY,"
	"  runbook_id TEXT NOT NULL,"
	"  text BLOB NOT NULL);"
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  runbook_id TEXT NOT NULL,"
	"  runbook_hash TEXT NOT NULL REFERENCES runbooks(hash),"
	"  operator TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  started INTEGER NOT NULL,"
	"  window_end INTEGER,"
	"  updated INTEGER NOT NULL,"
	"  closed INTEGER);"
	"CREATE TABLE answers ("
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  name TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  ord INTEGER NOT NULL,"
	"  PRIMARY KEY (session_id, name));"
	"CREATE TABLE hosts ("
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  role TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  address TEXT,"
	"  user TEXT,"
	"  port INTEGER NOT NULL DEFAULT 22,"
	"  profile TEXT,"
	"  identity TEXT,"
	"  ord INTEGER NOT NULL,"
	"  PRIMARY KEY (session_id, name));"
	"CREATE TABLE steps ("
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  proc TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  step INTEGER NOT NULL,"
	"  status TEXT NOT NULL"
	"    CHECK (status IN ('pending', 'done', 'skipped', 'failed')),"
	"  note TEXT,"
	"  operator TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	/* Rows live in the key's B-tree: reading a session's 10,000 steps
	 * is one range scan, not a scan plus a lookup per row. */
	"  PRIMARY KEY (session_id, proc, host, step)) WITHOUT ROWID;"
	"CREATE TABLE checks ("
	"  id INTEGER PRIMARY KEY,"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  proc TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  step INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  target TEXT,"
	"  result TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'error')),"
	"  message TEXT,"
	"  excerpt TEXT,"
	"  output_sha256 TEXT,"
	"  output_len INTEGER NOT NULL DEFAULT 0,"
	"  at INTEGER NOT NULL,"
	"  duration_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX checks_by_session ON checks"
	"  (session_id, proc, host, step);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  session_id INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  proc TEXT NOT NULL DEFAULT '',"
	"  host TEXT NOT NULL DEFAULT '',"
	"  step INTEGER NOT NULL DEFAULT 0,"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  from_status TEXT NOT NULL DEFAULT '',"
	"  to_status TEXT NOT NULL DEFAULT '',"
	"  note TEXT NOT NULL DEFAULT '',"
	"  extra TEXT NOT NULL DEFAULT '',"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL);"
	"CREATE INDEX events_by_session ON events (session_id, id);"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN"
	"  SELECT RAISE(ABORT, 'the event log is append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN"
	"  SELECT RAISE(ABORT, 'the event log is append-only'); END;"
	"CREATE TABLE locks ("
	"  session_id INTEGER PRIMARY KEY REFERENCES sessions(id),"
	"  operator TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  pid_start INTEGER NOT NULL DEFAULT 0,"
	"  since INTEGER NOT NULL);",
	/* 1 -> 2: one session, a whole estate, several consoles. */
	/* Answers per host: host '' is the deployment's value. A primary
	 * key cannot be altered: the table is rebuilt. */
	"CREATE TABLE answers_v2 ("
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  host TEXT NOT NULL DEFAULT '',"
	"  name TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  ord INTEGER NOT NULL,"
	"  PRIMARY KEY (session_id, host, name));"
	"INSERT INTO answers_v2 (session_id, host, name, value, ord)"
	"  SELECT session_id, '', name, value, ord FROM answers;"
	"DROP TABLE answers;"
	"ALTER TABLE answers_v2 RENAME TO answers;"
	/* Evidence: where it came from (collected by fedwiz, pasted by an
	 * operator, imported from Ansible) and, once an edit of answers or
	 * inventory touched what it used, which event made it stale. */
	"ALTER TABLE checks ADD COLUMN origin TEXT NOT NULL"
	"  DEFAULT 'collected'"
	"  CHECK (origin IN ('collected', 'pasted', 'imported'));"
	"ALTER TABLE checks ADD COLUMN origin_detail TEXT;"
	"ALTER TABLE checks ADD COLUMN stale_event INTEGER;"
	"ALTER TABLE checks ADD COLUMN stale_why TEXT;"
	/* How a step got its state: 'check' when its checks completed it
	 * (the wizard checks those again on resume); '' by the operator.
	 * The event says it too, so the row stays the log's replay. */
	"ALTER TABLE steps ADD COLUMN via TEXT NOT NULL DEFAULT 'operator'"
	"  CHECK (via IN ('operator', 'checks'));"
	/* '' for every event but a step its checks completed ('checks'). */
	"ALTER TABLE events ADD COLUMN via TEXT NOT NULL DEFAULT '';"
	/* Replaying a step's events (audit verify, every session_open):
	 * the last event per step without reading the whole log. */
	"CREATE INDEX events_by_step ON events"
	"  (session_id, proc, host, step, id, to_status, note, operator, at,"
	"  via, kind) WHERE kind = 'step';"
	/* No session is held by one console any more: every open console
	 * is registered, and one that died disappears (a pid gone on this
	 * machine, a heartbeat older than the expiry elsewhere). */
	"DROP TABLE locks;"
	"CREATE TABLE consoles ("
	"  id INTEGER PRIMARY KEY,"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  operator TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  pid_start INTEGER NOT NULL DEFAULT 0,"
	"  what TEXT NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  seen INTEGER NOT NULL);"
	"CREATE INDEX consoles_by_session ON consoles (session_id);"
	/* Estates reached through per-site jump hosts (issue 16, the
	 * Ansible hand-off): a host's site, the sites of a session, what
	 * was exported to each and what was imported back. */
	"ALTER TABLE hosts ADD COLUMN site TEXT;"
	"CREATE TABLE sites ("
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  name TEXT NOT NULL,"
	"  address TEXT NOT NULL,"
	"  user TEXT,"
	"  port INTEGER NOT NULL DEFAULT 22,"
	"  fedwiz TEXT,"
	"  workdir TEXT,"
	"  known_hosts TEXT,"
	"  identity TEXT,"
	"  ord INTEGER NOT NULL,"
	"  PRIMARY KEY (session_id, name));"
	"CREATE TABLE exports ("
	"  id INTEGER PRIMARY KEY,"
	"  session_id INTEGER REFERENCES sessions(id),"
	"  runbook_id TEXT NOT NULL,"
	"  runbook_hash TEXT NOT NULL,"
	"  site TEXT NOT NULL,"
	"  jump TEXT NOT NULL,"
	"  answers_sha256 TEXT NOT NULL,"
	"  nonce TEXT NOT NULL UNIQUE,"
	"  pubkey TEXT NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE TABLE imports ("
	"  run_id TEXT PRIMARY KEY,"
	"  export_id INTEGER NOT NULL REFERENCES exports(id),"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  results_sha256 TEXT NOT NULL,"
	/* When the jump host ran it, and what it found: what status and
	 * the report say per site. */
	"  checked INTEGER NOT NULL,"
	"  npass INTEGER NOT NULL,"
	"  nfail INTEGER NOT NULL,"
	"  nerror INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  at INTEGER NOT NULL);",
	/* 2 -> 3: practice sessions, and the estate's own settings the
	 * session's checks use (issue 15). practice: started on a training
	 * lab's answers (lab: its folder), never a change record and never
	 * the session commands pick by default; the session-start event says
	 * it too (extra 'practice'), so flipping the column is seen.
	 * known_hosts, dns_server: what the answers file named; NULL: the
	 * defaults (~/.ssh/known_hosts, resolv.conf's servers). */
	"ALTER TABLE sessions ADD COLUMN practice INTEGER NOT NULL DEFAULT 0"
	"  CHECK (practice IN (0, 1));"
	"ALTER TABLE sessions ADD COLUMN lab TEXT;"
	"ALTER TABLE sessions ADD COLUMN known_hosts TEXT;"
	"ALTER TABLE sessions ADD COLUMN dns_server TEXT;",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
    STORE_SCHEMA_VERSION, "one migration per schema version");

/* Errors. */

/*
 * A write that failed below SQLite. SQLite says SQLITE_FULL only for
 * ENOSPC; a file size limit (EFBIG), a quota or a failing disk come as
 * SQLITE_IOERR, and the operator needs to hear what happened to the
 * transition all the same. A failed fsync is the one case where the
 * commit may have reached the file anyway.
 */
static int
fail_io(struct store *st, const char *path, struct diags *d, int rc,
    int err, const char *what, const char *msg)
{
	int	e = st != NULL && st->db != NULL ?
		    sqlite3_system_errno(st->db) : 0;

	/* SQLite does not keep the errno of a write that failed at COMMIT;
	 * errno still has it, if it is one of these. */
	if (e == 0 && (err == EFBIG || err == ENOSPC || err == EDQUOT ||
	    err == EIO))
		e = err;
	if (rc == SQLITE_IOERR_FSYNC) {
		diags_add(d, path, 0, 0, "could not flush the database to disk "
		    "while %s (%s%s%s): it may or may not have been recorded; "
		    "check the disk, then 'fedwiz status' before running the "
		    "command again", what, msg, e ? ": " : "",
		    e ? strerror(e) : "");
		return STORE_EENV;
	}
	diags_add(d, path, 0, 0, "%s while %s (%s%s%s): nothing of it was "
	    "recorded; %s and run the command again",
	    e == EFBIG ? "file size limit reached" : e == ENOSPC ||
	    e == EDQUOT ? "disk full" : "input/output error", what, msg,
	    e ? ": " : "", e ? strerror(e) : "", e == EFBIG ? "raise the "
	    "file size limit (ulimit -f) or free some space" : e == ENOSPC ||
	    e == EDQUOT ? "free some space" : "check the disk");
	return STORE_EENV;
}

/*
 * Which of the database, its -wal and -shm files and its folder cannot be
 * written. SQLite says only "attempt to write a readonly database", and
 * the file the operator looks at may be fine: a read-only command on a
 * read-only database leaves a -shm with the database's mode behind, which
 * stays read-only after the database itself is made writable again.
 */
static const char *
readonly_culprit(const char *path, char *buf, size_t len)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char		*slash;
	size_t		 i;

	for (i = 0; i < nitems(sfx); i++) {
		snprintf(buf, len, "%s%s", path, sfx[i]);
		if (access(buf, F_OK) == 0 && access(buf, W_OK) == -1)
			return buf;
	}
	snprintf(buf, len, "%s", path);
	if ((slash = strrchr(buf, '/')) == NULL)
		snprintf(buf, len, ".");
	else if (slash == buf)
		slash[1] = '\0';
	else
		*slash = '\0';
	return access(buf, W_OK) == -1 ? buf : NULL;
}

static int
fail(struct store *st, struct diags *d, int rc, const char *what)
{
	int		 err = errno;
	const char	*path = st != NULL ? st->path : "fedwiz.db", *who;
	char		 culprit[PATH_MAX + 8];
	const char	*msg = st != NULL && st->db != NULL ?
			    sqlite3_errmsg(st->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_FULL:
		diags_add(d, path, 0, 0, "disk full while %s: nothing of it "
		    "was recorded; free some space and run the command again",
		    what);
		return STORE_EENV;
	case SQLITE_IOERR:
		return fail_io(st, path, d, rc, err, what, msg);
	case SQLITE_READONLY:
		if ((who = readonly_culprit(path, culprit, sizeof(culprit))) !=
		    NULL)
			diags_add(d, path, 0, 0, "read-only while %s (%s): "
			    "nothing was recorded; %s is not writable: fix its "
			    "permissions, or give another --state", what, msg,
			    who);
		else
			diags_add(d, path, 0, 0, "read-only while %s (%s): "
			    "nothing was recorded; fix the permissions of the "
			    "file and its folder, or give another --state",
			    what, msg);
		return STORE_EENV;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		diags_add(d, path, 0, 0, "busy while %s: another process kept "
		    "the database locked for 5 seconds; nothing was recorded, "
		    "try again", what);
		return STORE_EENV;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		diags_add(d, path, 0, 0, "the database is damaged (%s) while "
		    "%s; fedwiz will not write to it. Keep the file, and "
		    "restore a backup or start with another --state", msg,
		    what);
		return STORE_EINPUT;
	case SQLITE_CANTOPEN:
		diags_add(d, path, 0, 0, "cannot open the database while %s "
		    "(%s): check the path and its folder's permissions", what,
		    msg);
		return STORE_EENV;
	default:
		diags_add(d, path, 0, 0, "database error while %s: %s", what,
		    msg);
		return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_EINPUT :
		    STORE_EENV;
	}
}

/* Statements. */

static int
exec(struct store *st, const char *sql, struct diags *d, const char *what)
{
	int	rc;

	rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : fail(st, d, rc, what);
}

static sqlite3_stmt *
prep(struct store *st, const char *sql, struct diags *d, const char *what,
    int *err)
{
	sqlite3_stmt	*s = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK) {
		*err = fail(st, d, rc, what);
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/*
 * Run one statement that returns no row, in the caller's transaction.
 * Parameters bind in order from types: 'i' an int64_t, 'z' an int64_t
 * where 0 binds NULL (an unset time), 't' a const char * (NULL binds
 * NULL), 'b' a blob as (const void *, size_t). STORE_OK, or the error
 * fail() names with what.
 */
static int
run(struct store *st, struct diags *d, const char *what, const char *sql,
    const char *types, ...)
{
	sqlite3_stmt	*s;
	va_list		 ap;
	const void	*p;
	int64_t		 v;
	size_t		 n;
	int		 rc, err = STORE_OK, i;

	if ((s = prep(st, sql, d, what, &err)) == NULL)
		return err;
	/* A types string that does not fit the statement would read the
	 * wrong arguments: a programming error, stopped here. */
	if (sqlite3_bind_parameter_count(s) != (int)strlen(types))
		fatal("store: \"%s\" has %d parameters, types \"%s\"", what,
		    sqlite3_bind_parameter_count(s), types);
	va_start(ap, types);
	for (i = 0; types[i] != '\0'; i++) {
		switch (types[i]) {
		case 'i':
		case 'z':
			v = va_arg(ap, int64_t);
			if (types[i] == 'z' && v == 0)
				sqlite3_bind_null(s, i + 1);
			else
				sqlite3_bind_int64(s, i + 1, v);
			break;
		case 't':
			bind_text(s, i + 1, va_arg(ap, const char *));
			break;
		case 'b':
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			sqlite3_bind_blob(s, i + 1, p, (int)n,
			    SQLITE_TRANSIENT);
			break;
		default:
			fatal("store: bad parameter type '%c'", types[i]);
		}
	}
	va_end(ap);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, d, rc, what);
}


static char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return xstrdup(t != NULL ? (const char *)t : "");
}

/* Transactions nest: only the outermost begins and commits. */
static int
tx_begin(struct store *st, struct diags *d)
{
	int	rc;

	if (st->txdepth++ > 0)
		return STORE_OK;
	if ((rc = exec(st, "BEGIN IMMEDIATE", d, "starting a transaction")) !=
	    STORE_OK)
		st->txdepth = 0;
	return rc;
}

static int
tx_commit(struct store *st, struct diags *d)
{
	int	rc;

	if (--st->txdepth > 0)
		return STORE_OK;
	rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = fail(st, d, rc, "committing");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return STORE_OK;
}

static void
tx_rollback(struct store *st)
{
	if (st->txdepth == 0)
		return;
	st->txdepth = 0;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_begin(struct store *st, struct diags *d)
{
	return tx_begin(st, d);
}

int
store_snapshot_begin(struct store *st, struct diags *d)
{
	int	rc;

	if (st->txdepth > 0 || !sqlite3_get_autocommit(st->db))
		return STORE_OK;	/* already inside one */
	if ((rc = exec(st, "BEGIN", d, "reading the session")) == STORE_OK)
		st->snapshot = 1;
	return rc;
}

void
store_snapshot_end(struct store *st)
{
	if (st->snapshot && st->txdepth == 0)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	st->snapshot = 0;
}

int
store_commit(struct store *st, struct diags *d)
{
	return tx_commit(st, d);
}

void
store_rollback(struct store *st)
{
	tx_rollback(st);
}

/* Time. */

time_t
store_now(void)
{
	const char	*s = getenv("FEDWIZ_NOW");
	char		*end;
	long long	 v;

	if (s != NULL && *s != '\0') {
		v = strtoll(s, &end, 10);
		if (*end == '\0' && v > 0)
			return (time_t)v;
	}
	return time(NULL);
}

/* Hashing. */


/*
 * An event's hash covers its predecessor's hash and every field, each
 * length-prefixed so that no two different rows serialise alike.
 */
static void
event_hash(const struct store_event *e, char out[65])
{
	struct buf	 b;
	char		 num[3][32];
	const char	*f[15];
	size_t		 i, n = 14;

	snprintf(num[0], sizeof(num[0]), "%lld", (long long)e->id);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)e->session);
	snprintf(num[2], sizeof(num[2]), "%lld|%zu", (long long)e->at,
	    e->step);
	f[0] = e->prev_hash;
	f[1] = num[0];
	f[2] = num[1];
	f[3] = num[2];
	f[4] = e->operator;
	f[5] = e->kind;
	f[6] = e->proc;
	f[7] = e->host;
	f[8] = e->detail;
	f[9] = e->from;
	f[10] = e->to;
	f[11] = e->note;
	f[12] = e->extra;
	f[13] = "fedwiz-event-v1";
	/* Fields added since v1 are hashed only when set, so every event
	 * written before them keeps its hash. */
	if (e->via != NULL && *e->via != '\0') {
		f[13] = e->via;
		f[14] = "fedwiz-event-v2";
		n = 15;
	}
	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%zu:%s;", strlen(f[i]), f[i]);
	sha256_hex(b.s, b.len, out);
	buf_free(&b);
}

/*
 * Append an event inside the caller's transaction: e's fields as given
 * (NULLs become ""), its id, predecessor hash and own hash computed here.
 */
static int
event_write(struct store *st, struct store_event *in, struct diags *d)
{
	struct store_event	 e = *in;
	sqlite3_stmt		*s;
	char			 prev[65], hash[65];
	int			 rc, err = STORE_OK;

	s = prep(st, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", d,
	    "reading the event log", &err);
	if (s == NULL)
		return err;
	e.id = 1;
	snprintf(prev, sizeof(prev), "%s", genesis);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(s, 0) + 1;
		snprintf(prev, sizeof(prev), "%s",
		    (const char *)sqlite3_column_text(s, 1));
	} else if (rc != SQLITE_DONE) {
		sqlite3_finalize(s);
		return fail(st, d, rc, "reading the event log");
	}
	sqlite3_finalize(s);

#define OR_EMPTY(f)	if (e.f == NULL) e.f = (char *)(uintptr_t)""
	OR_EMPTY(proc);
	OR_EMPTY(host);
	OR_EMPTY(detail);
	OR_EMPTY(from);
	OR_EMPTY(to);
	OR_EMPTY(note);
	OR_EMPTY(extra);
	OR_EMPTY(via);
#undef OR_EMPTY
	e.prev_hash = prev;
	event_hash(&e, hash);

	s = prep(st, "INSERT INTO events (id, session_id, at, operator, kind, "
	    "proc, host, step, detail, from_status, to_status, note, extra, "
	    "prev_hash, hash, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?)", d, "writing the event log", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, e.id);
	sqlite3_bind_int64(s, 2, e.session);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)e.at);
	bind_text(s, 4, e.operator);
	bind_text(s, 5, e.kind);
	bind_text(s, 6, e.proc);
	bind_text(s, 7, e.host);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)e.step);
	bind_text(s, 9, e.detail);
	bind_text(s, 10, e.from);
	bind_text(s, 11, e.to);
	bind_text(s, 12, e.note);
	bind_text(s, 13, e.extra);
	bind_text(s, 14, prev);
	bind_text(s, 15, hash);
	bind_text(s, 16, e.via);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, d, rc,
	    "writing the event log");
}

/* An event that is not a step transition. */
static int
event_append(struct store *st, int64_t session, time_t at, const char *op,
    const char *kind, const char *proc, const char *host, size_t step,
    const char *detail, struct diags *d)
{
	struct store_event	e;

	memset(&e, 0, sizeof(e));
	e.session = session;
	e.at = at;
	e.operator = (char *)(uintptr_t)op;
	e.kind = (char *)(uintptr_t)kind;
	e.proc = (char *)(uintptr_t)proc;
	e.host = (char *)(uintptr_t)host;
	e.step = step;
	e.detail = (char *)(uintptr_t)detail;
	return event_write(st, &e, d);
}

/* Opening. */

/*
 * SQLite syncs a WAL's folder the first time it syncs a WAL it opened with
 * SQLITE_OPEN_CREATE, which it always asks for: one folder sync per
 * command on top of the commit's. A WAL that exists was synced into its
 * folder when it was made, so this VFS, otherwise the platform's, opens an
 * existing one without CREATE (and with it again, should it vanish in
 * between).
 */
static sqlite3_vfs	 vfs_fedwiz;
static sqlite3_vfs	*vfs_os;
static pthread_once_t	 vfs_once = PTHREAD_ONCE_INIT;

static int
vfs_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct stat	sb;
	int		rc;

	(void)v;
	if ((flags & SQLITE_OPEN_WAL) && (flags & SQLITE_OPEN_CREATE) &&
	    name != NULL && lstat(name, &sb) == 0 && S_ISREG(sb.st_mode)) {
		rc = vfs_os->xOpen(vfs_os, name, f, flags & ~SQLITE_OPEN_CREATE,
		    out);
		if (rc != SQLITE_CANTOPEN)
			return rc;
	}
	return vfs_os->xOpen(vfs_os, name, f, flags, out);
}

static void
vfs_init(void)
{
	if ((vfs_os = sqlite3_vfs_find(NULL)) == NULL)
		return;
	vfs_fedwiz = *vfs_os;
	vfs_fedwiz.pNext = NULL;
	vfs_fedwiz.zName = "fedwiz";
	vfs_fedwiz.xOpen = vfs_open;
	if (sqlite3_vfs_register(&vfs_fedwiz, 0) != SQLITE_OK)
		vfs_os = NULL;
}

/* The VFS to open the store with: ours, else the default. */
static const char *
vfs_name(void)
{
	pthread_once(&vfs_once, vfs_init);
	return vfs_os != NULL ? "fedwiz" : NULL;
}

char *
store_default_path(struct diags *d)
{
	const char	*x = getenv("XDG_STATE_HOME"), *home;
	struct passwd	*pw;

	if (x != NULL && *x == '/')
		return xasprintf("%s/fedwiz/fedwiz.db", x);
	if ((home = getenv("HOME")) == NULL || *home != '/') {
		if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL) {
			diags_add(d, "fedwiz", 0, 0, "no home folder to keep "
			    "progress in; give --state PATH");
			return NULL;
		}
		home = pw->pw_dir;
	}
	return xasprintf("%s/.local/state/fedwiz/fedwiz.db", home);
}

/* mkdir -p with 0700 for what we create. */
static int
make_dirs(const char *path, struct diags *d)
{
	char		*p = xstrdup(path), *s;
	struct stat	 sb;
	int		 rc = 0;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			diags_add(d, p, 0, 0, "cannot create the folder for "
			    "progress: %s", strerror(errno));
			rc = -1;
			break;
		}
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0700) == -1 && errno != EEXIST) {
		diags_add(d, p, 0, 0, "cannot create the folder for progress: "
		    "%s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && (stat(p, &sb) == -1 || !S_ISDIR(sb.st_mode))) {
		diags_add(d, p, 0, 0, "not a folder");
		rc = -1;
	}
	free(p);
	return rc;
}

static void
fsync_dir(const char *file)
{
	char	*dir = xstrdup(file), *slash = strrchr(dir, '/');
	int	 fd;

	if (slash == NULL)
		snprintf(dir, strlen(dir) + 1, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * The folder of the default database, made 0700 when fedwiz creates it and
 * tightened when it is a real folder of ours. One reached through a
 * symbolic link is left as it is: its mode is its owner's business, and a
 * chmod must never go through a link to somebody else's folder.
 */
static void
tighten_dir(const char *dir)
{
	struct stat	sb;
	int		fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &sb) == 0 && sb.st_uid == getuid() &&
	    (sb.st_mode & 077) != 0)
		fchmod(fd, 0700);
	close(fd);
}

/*
 * Create an empty 0600 file for SQLite to fill, or check an existing one.
 * The database is never reached through a symbolic link (lstat here,
 * SQLITE_OPEN_NOFOLLOW when SQLite opens it): a link would let fedwiz
 * initialise, chmod and write whatever file it points to.
 */
static int
prepare_file(const char *path, int readonly, int is_default, int *created,
    struct diags *d)
{
	struct stat	 sb;
	char		*dir, *slash;
	int		 fd;

	*created = 0;
	if (lstat(path, &sb) == 0) {
		if (S_ISLNK(sb.st_mode)) {
			diags_add(d, path, 0, 0, "a symbolic link; fedwiz "
			    "opens its database only by its own path, never "
			    "through a link: give --state the file itself");
			return STORE_EINPUT;
		}
		if (!S_ISREG(sb.st_mode)) {
			diags_add(d, path, 0, 0, "not a regular file; give "
			    "--state a database file");
			return STORE_EINPUT;
		}
		return STORE_OK;
	}
	if (errno != ENOENT) {
		diags_add(d, path, 0, 0, "cannot use the database: %s",
		    strerror(errno));
		return STORE_EENV;
	}
	if (readonly) {
		diags_add(d, path, 0, 0, "no progress recorded yet (the "
		    "database does not exist); start a session with "
		    "'fedwiz start RUNBOOK'");
		return STORE_EINPUT;
	}
	if (is_default) {
		dir = xstrdup(path);
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		if (make_dirs(dir, d) == -1) {
			free(dir);
			return STORE_EENV;
		}
		tighten_dir(dir);
		free(dir);
	}
	/* O_EXCL: not through a link, not over a file that appeared since. */
	fd = open(path, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		diags_add(d, path, 0, 0, "cannot create the database: %s%s",
		    strerror(errno), errno == ENOENT ? " (its folder does not "
		    "exist)" : "");
		return STORE_EENV;
	}
	close(fd);
	fsync_dir(path);
	*created = 1;
	return STORE_OK;
}

/*
 * path+suffix to 0600 if it is a regular file of ours readable by others;
 * 1 if it was. Never through a link.
 *
 * SQLite already has the database, and its -wal and -shm, open in this
 * process with POSIX locks on them, and close(2) of any other descriptor
 * of the same file drops every POSIX lock the process holds on it: the
 * wizard then shared the WAL index with other processes unlocked, and
 * `fedwiz status` beside it no longer saw its transitions. An O_PATH
 * descriptor is not a file open for I/O, and its close leaves the locks
 * alone (Linux: filp_close skips locks_remove_posix for FMODE_PATH). It
 * cannot fchmod, so the mode goes through /proc/self/fd, as glibc's
 * fchmodat(AT_SYMLINK_NOFOLLOW) does; without /proc the file stays as it
 * is.
 */
static int
tighten_one(const char *path, const char *suffix)
{
	struct stat	 sb;
	char		*p = xasprintf("%s%s", path, suffix);
	char		 proc[64];
	int		 fd, was = 0;

	if ((fd = open(p, O_PATH | O_NOFOLLOW | O_CLOEXEC)) != -1) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (sb.st_mode & 077) != 0 && sb.st_uid == getuid() &&
		    chmod(proc, 0600) == 0)
			was = 1;
		close(fd);
	}
	free(p);
	return was;
}

/*
 * Ours, readable by others: tighten it, and say so. Only once the file is
 * known to be fedwiz's: one it refuses is left exactly as it was. SQLite
 * gives the -wal and -shm files it creates the database's mode, so they
 * are tightened too (a read-only command creates them as well).
 */
static void
tighten_mode(const char *path, struct diags *d)
{
	int	db, side;

	db = tighten_one(path, "");
	side = tighten_one(path, "-wal") | tighten_one(path, "-shm");
	if (db || side)
		diags_add(d, path, 0, 0, "warning: was readable by other "
		    "users; now mode 0600%s", side ? " (with its -wal and "
		    "-shm files)" : "");
}

static int
pragma_int(struct store *st, const char *sql, long long *out,
    struct diags *d)
{
	sqlite3_stmt	*s;
	int		 rc, err = STORE_OK;

	if ((s = prep(st, sql, d, "reading the database header", &err)) ==
	    NULL)
		return err;
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, d, rc, "reading the database header");
	return STORE_OK;
}

/* Before changing an old schema, keep a copy beside it. */
static int
backup(struct store *st, long long version, struct diags *d)
{
	sqlite3		*dst;
	sqlite3_backup	*bk;
	struct stat	 sb;
	char		*path;
	int		 rc, fd;

	path = xasprintf("%s.v%lld.bak", st->path, version);
	memset(&sb, 0, sizeof(sb));
	/* 0600 from the start, and never through a link (a backup is the
	 * whole record, as private as the database). */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0600)) == -1 || fstat(fd, &sb) == -1 ||
	    !S_ISREG(sb.st_mode) || fchmod(fd, 0600) == -1) {
		diags_add(d, path, 0, 0, "cannot back up the database before "
		    "upgrading it: %s; nothing was changed", fd != -1 &&
		    sb.st_mode != 0 && !S_ISREG(sb.st_mode) ? "not a regular "
		    "file" : strerror(errno));
		if (fd != -1)
			close(fd);
		free(path);
		return STORE_EENV;
	}
	close(fd);
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc == SQLITE_OK) {
		bk = sqlite3_backup_init(dst, "main", st->db, "main");
		if (bk != NULL) {
			sqlite3_backup_step(bk, -1);
			sqlite3_backup_finish(bk);
		}
		rc = sqlite3_errcode(dst);
	}
	sqlite3_close(dst);
	if (rc != SQLITE_OK) {
		diags_add(d, path, 0, 0, "cannot back up the database before "
		    "upgrading it: %s; nothing was changed",
		    sqlite3_errstr(rc));
		free(path);
		return STORE_EENV;
	}
	free(path);
	return STORE_OK;
}

static int
migrate(struct store *st, long long from, int fresh, struct diags *d)
{
	char	*sql;
	long long i;
	int	 rc;

	if (!fresh && (rc = backup(st, from, d)) != STORE_OK)
		return rc;
	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	for (i = from; i < STORE_SCHEMA_VERSION; i++)
		if ((rc = exec(st, migrations[i], d, "creating the schema")) !=
		    STORE_OK)
			goto out;
	sql = xasprintf("PRAGMA application_id = %d; PRAGMA user_version = %d;"
	    "INSERT OR REPLACE INTO meta VALUES ('schema', '%d'),"
	    " ('written_by', 'fedwiz %s');", STORE_APPLICATION_ID,
	    STORE_SCHEMA_VERSION, STORE_SCHEMA_VERSION, PACKAGE_VERSION);
	rc = exec(st, sql, d, "recording the schema version");
	free(sql);
	if (rc != STORE_OK)
		goto out;
	return tx_commit(st, d);
out:
	tx_rollback(st);
	return rc;
}

/*
 * A read-only command on a database an older fedwiz wrote: read it as this
 * fedwiz would after upgrading it, from a copy in memory upgraded there.
 * The file is not touched; the next command that records progress
 * upgrades it (keeping a backup).
 */
static int
read_upgraded(struct store *st, long long version, struct diags *d)
{
	sqlite3		*mem = NULL;
	sqlite3_backup	*bk;
	int		 rc;

	rc = sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		if ((bk = sqlite3_backup_init(mem, "main", st->db, "main")) !=
		    NULL) {
			sqlite3_backup_step(bk, -1);
			sqlite3_backup_finish(bk);
		}
		rc = sqlite3_errcode(mem);
	}
	if (rc != SQLITE_OK) {
		diags_add(d, st->path, 0, 0, "cannot read the database written "
		    "by an older fedwiz (schema %lld): %s", version,
		    sqlite3_errstr(rc));
		sqlite3_close(mem);
		return STORE_EENV;
	}
	sqlite3_close(st->db);
	st->db = mem;
	sqlite3_extended_result_codes(st->db, 1);
	/* In memory: nothing to back up. */
	return migrate(st, version, 1, d);
}

static int
check_identity(struct store *st, int *fresh, long long *version,
    struct diags *d)
{
	long long	appid = 0, tables = 0;
	int		rc;

	*fresh = 0;
	/* The first read says whether this is SQLite at all. */
	rc = sqlite3_exec(st->db, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL,
	    NULL, NULL);
	if ((rc & 0xff) == SQLITE_NOTADB) {
		diags_add(d, st->path, 0, 0, "not a fedwiz database (not "
		    "SQLite at all); fedwiz leaves it alone. Give another "
		    "--state");
		return STORE_EINPUT;
	}
	if (rc != SQLITE_OK)
		return fail(st, d, rc, "reading the database header");
	if ((rc = pragma_int(st, "PRAGMA application_id", &appid, d)) !=
	    STORE_OK)
		return rc;
	if ((rc = pragma_int(st, "PRAGMA user_version", version, d)) !=
	    STORE_OK)
		return rc;
	if ((rc = pragma_int(st, "SELECT count(*) FROM sqlite_schema", &tables,
	    d)) != STORE_OK)
		return rc;
	if (appid == 0 && *version == 0 && tables == 0) {
		*fresh = 1;
		return STORE_OK;
	}
	if (appid != STORE_APPLICATION_ID) {
		diags_add(d, st->path, 0, 0, "a SQLite database, but not "
		    "fedwiz's (application id 0x%08llx, %lld tables); fedwiz "
		    "leaves it alone. Give another --state", appid, tables);
		return STORE_EINPUT;
	}
	if (*version > STORE_SCHEMA_VERSION) {
		diags_add(d, st->path, 0, 0, "written by a newer fedwiz "
		    "(schema %lld; this fedwiz %s knows up to %d); upgrade "
		    "fedwiz. The file is untouched", *version, PACKAGE_VERSION,
		    STORE_SCHEMA_VERSION);
		return STORE_EINPUT;
	}
	return STORE_OK;
}

int
store_open(const char *path, int flags, struct store **out, struct diags *d)
{
	struct store	*st;
	char		*def = NULL;
	long long	 version = 0;
	int		 rc, created, fresh, oflags;

	if (path == NULL) {
		if ((def = store_default_path(d)) == NULL)
			return STORE_EENV;
		path = def;
	}
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	st->readonly = (flags & STORE_READONLY) != 0;
	if (gethostname(st->host, sizeof(st->host) - 1) == -1)
		snprintf(st->host, sizeof(st->host), "localhost");

	rc = prepare_file(path, st->readonly, def != NULL, &created, d);
	free(def);
	if (rc != STORE_OK)
		goto bad;
	oflags = st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	rc = sqlite3_open_v2(st->path, &st->db, oflags | SQLITE_OPEN_NOMUTEX |
	    SQLITE_OPEN_NOFOLLOW, vfs_name());
	if (rc != SQLITE_OK) {
		rc = fail(st, d, rc, "opening");
		goto bad;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	/*
	 * One fdatasync per transition, the durable floor: the commit's, of
	 * the WAL (synchronous=FULL). The last connection to close used to
	 * checkpoint (a sync of the WAL and one of the database) and delete
	 * the WAL, so the next command recreated it (a sync of its header and
	 * one of the folder): five in all for one `fedwiz step`. Without the
	 * checkpoint on close the WAL stays, and is checkpointed as SQLite
	 * does anyway when it passes 1,000 pages. The WAL is then part of the
	 * database: fedwiz.db-wal goes with fedwiz.db (fedwiz(1), FILES).
	 */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (!st->readonly && sqlite3_db_readonly(st->db, "main") == 1) {
		diags_add(d, st->path, 0, 0, "the database is read-only (file "
		    "permissions): fedwiz cannot record progress there. Fix "
		    "the permissions or give another --state");
		rc = STORE_EENV;
		goto bad;
	}
	if ((rc = check_identity(st, &fresh, &version, d)) != STORE_OK)
		goto bad;
	tighten_mode(st->path, d);
	if (fresh && st->readonly) {
		diags_add(d, st->path, 0, 0, "no progress recorded yet; start "
		    "a session with 'fedwiz start RUNBOOK'");
		rc = STORE_EINPUT;
		goto bad;
	}
	if (!st->readonly) {
		if ((rc = exec(st, "PRAGMA journal_mode = WAL; "
		    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", d,
		    "setting up the journal")) != STORE_OK)
			goto bad;
		if (fresh || version < STORE_SCHEMA_VERSION)
			if ((rc = migrate(st, version, fresh, d)) != STORE_OK)
				goto bad;
	} else if (version < STORE_SCHEMA_VERSION &&
	    (rc = read_upgraded(st, version, d)) != STORE_OK)
		goto bad;
	(void)created;
	(void)store_changed(st);	/* the baseline */
	*out = st;
	return STORE_OK;
bad:
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	tx_rollback(st);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
store_checkpoint(struct store *st)
{
	int	log = 0, done = 0;

	if (st->readonly || sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, &log, &done) != SQLITE_OK)
		return -1;
	return log == done ? 0 : -1;
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

/* Sessions. */

int
store_session_create(struct store *st, const char *runbook_id,
    const char *runbook_hash, const char *text, size_t len,
    const char *operator, time_t window_end,
    const struct store_settings *set, int64_t *id, struct diags *d)
{
	static const struct store_settings	 none;
	struct store_event			 e;
	struct buf				 detail;
	time_t					 now = store_now();
	int					 rc, practice;

	if (set == NULL)
		set = &none;
	practice = set->practice || set->lab != NULL;
	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	buf_init(&detail);
	if ((rc = run(st, d, "recording the runbook",
	    "INSERT OR IGNORE INTO runbooks (hash, runbook_id, text) VALUES "
	    "(?, ?, ?)", "ttb", runbook_hash, runbook_id, text,
	    (size_t)len)) != STORE_OK)
		goto out;
	if ((rc = run(st, d, "creating the session",
	    "INSERT INTO sessions (runbook_id, runbook_hash, operator, host, "
	    "started, window_end, updated, practice, lab, known_hosts, "
	    "dns_server) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "ttttiziittt", runbook_id, runbook_hash, operator, st->host,
	    (int64_t)now, (int64_t)window_end, (int64_t)now, (int64_t)practice,
	    set->lab, set->known_hosts, set->dns_server)) != STORE_OK)
		goto out;
	*id = sqlite3_last_insert_rowid(st->db);
	/* The session's own settings are part of the record: a practice
	 * session says so in its first event (extra "practice", the fact;
	 * detail, the words), so a practice record cannot be passed off as
	 * a change record by editing the sessions table. */
	buf_printf(&detail, "runbook %s sha256 %s", runbook_id, runbook_hash);
	if (practice) {
		buf_adds(&detail, "; a practice session");
		if (set->lab != NULL)
			buf_printf(&detail, " on the training lab in %s",
			    set->lab);
		buf_adds(&detail, ", not a change record");
	}
	if (set->known_hosts != NULL)
		buf_printf(&detail, "; known_hosts %s", set->known_hosts);
	if (set->dns_server != NULL)
		buf_printf(&detail, "; dns_server %s", set->dns_server);
	memset(&e, 0, sizeof(e));
	e.session = *id;
	e.at = now;
	e.operator = (char *)(uintptr_t)operator;
	e.kind = (char *)(uintptr_t)"session-start";
	e.detail = detail.s;
	e.extra = (char *)(uintptr_t)(practice ? "practice" : "");
	if ((rc = event_write(st, &e, d)) != STORE_OK)
		goto out;
	buf_free(&detail);
	return tx_commit(st, d);
out:
	buf_free(&detail);
	tx_rollback(st);
	return rc;
}

/*
 * Whether session s is a practice one: its row says so, or its first
 * event (the session-start, written in the same transaction) does. Read
 * through events_by_session: one row.
 */
#define SESSION_PRACTICE \
    "(s.practice != 0 OR coalesce((SELECT e.extra FROM events e WHERE " \
    "e.session_id = s.id ORDER BY e.id LIMIT 1), '') = 'practice')"

/* The counts are for listings; one session's reader gets the plan's. */
static const char session_cols[] =
    "s.id, s.runbook_id, s.runbook_hash, s.operator, s.host, s.started, "
    "coalesce(s.window_end, 0), s.updated, coalesce(s.closed, 0), "
    SESSION_PRACTICE ", s.lab, s.known_hosts, s.dns_server";
static const char session_counts[] =
    ", (SELECT count(*) FROM steps t WHERE t.session_id = s.id AND "
    "t.status IN ('done', 'skipped')), "
    "(SELECT count(*) FROM steps t WHERE t.session_id = s.id AND "
    "t.status = 'failed')";

static char *
col_text_or_null(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

static void
session_row(sqlite3_stmt *s, struct store_session *out)
{
	out->id = sqlite3_column_int64(s, 0);
	out->runbook_id = col_text(s, 1);
	out->runbook_hash = col_text(s, 2);
	out->operator = col_text(s, 3);
	out->host = col_text(s, 4);
	out->started = (time_t)sqlite3_column_int64(s, 5);
	out->window_end = (time_t)sqlite3_column_int64(s, 6);
	out->updated = (time_t)sqlite3_column_int64(s, 7);
	out->closed = (time_t)sqlite3_column_int64(s, 8);
	out->practice = sqlite3_column_int(s, 9) != 0;
	out->lab = col_text_or_null(s, 10);
	out->known_hosts = col_text_or_null(s, 11);
	out->dns_server = col_text_or_null(s, 12);
	if (sqlite3_column_count(s) > 13) {
		out->ndone = (size_t)sqlite3_column_int64(s, 13);
		out->nfailed = (size_t)sqlite3_column_int64(s, 14);
	}
}

int
store_session_get(struct store *st, int64_t id, struct store_session *out,
    struct diags *d)
{
	sqlite3_stmt	*s;
	char		*sql;
	int		 rc, err = STORE_OK;

	sql = xasprintf("SELECT %s FROM sessions s WHERE s.id = ?",
	    session_cols);
	s = prep(st, sql, d, "reading the session", &err);
	free(sql);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		session_row(s, out);
		sqlite3_finalize(s);
		return STORE_OK;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(st, d, rc, "reading the session");
	diags_add(d, st->path, 0, 0, "no session %lld here; 'fedwiz sessions' "
	    "lists them", (long long)id);
	return STORE_EINPUT;
}

int
store_session_latest(struct store *st, int64_t *id, struct diags *d)
{
	sqlite3_stmt	*s;
	struct buf	 b;
	int64_t		 first = 0;
	size_t		 n = 0;
	int		 rc, err = STORE_OK;

	/* A practice session is never the default: an operator in a real
	 * window must not record on the lab's session by accident. */
	s = prep(st, "SELECT s.id FROM sessions s WHERE s.closed IS NULL AND "
	    "NOT " SESSION_PRACTICE " ORDER BY s.updated DESC, s.id DESC "
	    "LIMIT 1", d, "finding the session", &err);
	if (s == NULL)
		return err;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		return STORE_OK;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(st, d, rc, "finding the session");
	s = prep(st, "SELECT s.id, s.lab FROM sessions s WHERE s.closed IS "
	    "NULL AND " SESSION_PRACTICE " ORDER BY s.updated DESC, s.id DESC",
	    d, "finding the session", &err);
	if (s == NULL)
		return err;
	buf_init(&b);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n++ == 0)
			first = sqlite3_column_int64(s, 0);
		buf_printf(&b, "%s%lld", n > 1 ? ", " : "",
		    (long long)sqlite3_column_int64(s, 0));
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			buf_printf(&b, " (on the training lab in %s)",
			    (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		buf_free(&b);
		return fail(st, d, rc, "finding the session");
	}
	if (n > 0)
		diags_add(d, st->path, 0, 0, "no open session for real work: "
		    "practice %s %s %s open, and a practice session is never the "
		    "default; give --session %lld to work on it, or start a "
		    "session with 'fedwiz start RUNBOOK'", n == 1 ? "session" :
		    "sessions", b.s, n == 1 ? "is" : "are", (long long)first);
	else
		diags_add(d, st->path, 0, 0, "no open session; start one with "
		    "'fedwiz start RUNBOOK'");
	buf_free(&b);
	return STORE_EINPUT;
}

int
store_session_list(struct store *st, struct store_session **out, size_t *n,
    struct diags *d)
{
	struct store_session	*v = NULL;
	sqlite3_stmt		*s;
	char			*sql;
	size_t			 count = 0;
	int			 rc, err = STORE_OK;

	sql = xasprintf("SELECT %s%s FROM sessions s ORDER BY s.id",
	    session_cols, session_counts);
	s = prep(st, sql, d, "listing sessions", &err);
	free(sql);
	if (s == NULL)
		return err;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof(*v));
		session_row(s, &v[count++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_session_list_free(v, count);
		return fail(st, d, rc, "listing sessions");
	}
	*out = v;
	*n = count;
	return STORE_OK;
}

void
store_session_clear(struct store_session *s)
{
	free(s->runbook_id);
	free(s->runbook_hash);
	free(s->operator);
	free(s->host);
	free(s->lab);
	free(s->known_hosts);
	free(s->dns_server);
	memset(s, 0, sizeof(*s));
}

void
store_session_list_free(struct store_session *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		store_session_clear(&v[i]);
	free(v);
}

int
store_session_runbook(struct store *st, int64_t id, const char *hash,
    char **text, size_t *len, struct diags *d)
{
	sqlite3_stmt	*s;
	const void	*p;
	int		 rc, n, err = STORE_OK;

	(void)id;
	s = prep(st, "SELECT text FROM runbooks WHERE hash = ?", d,
	    "reading the session's runbook", &err);
	if (s == NULL)
		return err;
	bind_text(s, 1, hash);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		if (rc == SQLITE_DONE) {
			diags_add(d, st->path, 0, 0, "the runbook text of "
			    "session %lld is missing (sha256 %s)",
			    (long long)id, hash);
			return STORE_EINPUT;
		}
		return fail(st, d, rc, "reading the session's runbook");
	}
	p = sqlite3_column_blob(s, 0);
	n = sqlite3_column_bytes(s, 0);
	*text = xstrndup(p != NULL ? p : "", (size_t)n);
	*len = (size_t)n;
	sqlite3_finalize(s);
	return STORE_OK;
}

/* Answers and hosts. */

static int
answer_upsert(struct store *st, int64_t id, const char *name,
    const char *host, const char *value, struct diags *d)
{
	return run(st, d, "recording an answer",
	    "INSERT INTO answers (session_id, host, name, value, ord) VALUES "
	    "(?1, ?2, ?3, ?4, (SELECT count(*) FROM answers WHERE session_id = "
	    "?1)) ON CONFLICT (session_id, host, name) DO UPDATE SET value = "
	    "excluded.value", "ittt", (int64_t)id, host ? host : "", name,
	    value);
}

int
store_answer_set(struct store *st, int64_t id, const char *name,
    const char *host, const char *value, const char *op, struct diags *d)
{
	char		*detail;
	int		 rc;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = answer_upsert(st, id, name, host, value, d)) != STORE_OK)
		goto out;
	detail = xasprintf("%s = %s", name, value);
	rc = event_append(st, id, store_now(), op, "answer", NULL, host, 0,
	    detail, d);
	free(detail);
	if (rc != STORE_OK)
		goto out;
	return tx_commit(st, d);
out:
	tx_rollback(st);
	return rc;
}

static int
host_insert(struct store *st, int64_t id, const struct host *h,
    struct diags *d)
{
	return run(st, d, "recording a host",
	    "INSERT INTO hosts (session_id, role, name, address, user, port, "
	    "profile, identity, site, ord) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, (SELECT coalesce(max(ord) + 1, 0) FROM hosts WHERE "
	    "session_id = ?1))", "ittttittt", (int64_t)id, h->role, h->name,
	    h->address, h->user, (int64_t)(h->port > 0 ? h->port : 22),
	    h->profile_name, h->identity, h->site);
}

int
store_host_add(struct store *st, int64_t id, const struct host *h,
    const char *op, struct diags *d)
{
	char	*detail;
	int	 rc;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = host_insert(st, id, h, d)) != STORE_OK)
		goto out;
	detail = xasprintf("%s: %s%s%s", h->role, h->name, h->address ? " " :
	    "", h->address ? h->address : "");
	rc = event_append(st, id, store_now(), op, "host", NULL, h->name, 0,
	    detail, d);
	free(detail);
	if (rc != STORE_OK)
		goto out;
	return tx_commit(st, d);
out:
	tx_rollback(st);
	return rc;
}

/* Inside a transaction: an edit needs the session open. */
static int
session_open_gate(struct store *st, int64_t id, struct diags *d)
{
	sqlite3_stmt	*s;
	int		 rc, err = STORE_OK, closed = 0;

	s = prep(st, "SELECT closed IS NOT NULL FROM sessions WHERE id = ?", d,
	    "reading the session", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		closed = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE) {
		diags_add(d, st->path, 0, 0, "no session %lld here; 'fedwiz "
		    "sessions' lists them", (long long)id);
		return STORE_EINPUT;
	}
	if (rc != SQLITE_ROW)
		return fail(st, d, rc, "reading the session");
	if (closed) {
		diags_add(d, st->path, 0, 0, "session %lld is closed; its record "
		    "stands as it is. Start a new session to go on",
		    (long long)id);
		return STORE_EINPUT;
	}
	return STORE_OK;
}

/* The evidence of these steps, made stale by event ev (the last written). */
static int
mark_stale(struct store *st, int64_t id, const struct store_stale *v,
    size_t n, const char *why, size_t *marked, struct diags *d)
{
	size_t	i;
	int	rc;

	*marked = 0;
	for (i = 0; i < n; i++) {
		if ((rc = run(st, d, "marking evidence stale",
		    "UPDATE checks SET stale_event = (SELECT max(id) FROM "
		    "events), stale_why = ? WHERE session_id = ? AND proc = ? "
		    "AND host = ? AND step = ? AND stale_event IS NULL", "titti",
		    why, (int64_t)id, v[i].proc, v[i].host ? v[i].host : "",
		    (int64_t)v[i].step)) != STORE_OK)
			return rc;
		*marked += (size_t)sqlite3_changes(st->db);
	}
	return STORE_OK;
}

/* Inside an edit's transaction: its event, the evidence it makes stale
 * (why), and the session's last change. */
static int
edit_event(struct store *st, int64_t id, const char *op, const char *kind,
    const char *host, const char *detail, const struct store_stale *stale,
    size_t nstale, const char *why, size_t *marked, struct diags *d)
{
	int	rc;

	if ((rc = event_append(st, id, store_now(), op, kind, NULL, host, 0,
	    detail, d)) != STORE_OK ||
	    (rc = mark_stale(st, id, stale, nstale, why, marked, d)) !=
	    STORE_OK)
		return rc;
	return run(st, d, "recording the edit", "UPDATE sessions SET updated "
	    "= ? WHERE id = ?", "ii", (int64_t)store_now(), (int64_t)id);
}

int
store_answer_edit(struct store *st, int64_t id, const char *name,
    const char *host, const char *value, const char *detail,
    const struct store_stale *stale, size_t nstale, const char *op,
    size_t *marked, struct diags *d)
{
	char	*why;
	int	 rc;

	*marked = 0;
	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = session_open_gate(st, id, d)) != STORE_OK)
		goto out;
	if (value != NULL)
		rc = answer_upsert(st, id, name, host, value, d);
	else
		rc = run(st, d, "removing an answer", "DELETE FROM answers WHERE "
		    "session_id = ? AND host = ? AND name = ?", "itt",
		    (int64_t)id, host ? host : "", name);
	if (rc != STORE_OK)
		goto out;
	why = xasprintf("%s%s%s changed", name, host ? " on " : "",
	    host ? host : "");
	rc = edit_event(st, id, op, "answer", host, detail, stale, nstale,
	    why, marked, d);
	free(why);
	if (rc != STORE_OK)
		goto out;
	return tx_commit(st, d);
out:
	*marked = 0;
	tx_rollback(st);
	return rc;
}

int
store_host_edit(struct store *st, int64_t id, const struct host *h,
    int remove, const char *detail, const struct store_stale *stale,
    size_t nstale, const char *op, size_t *marked, struct diags *d)
{
	sqlite3_stmt	*s;
	char		*why;
	int64_t		 ord = -1;
	int		 rc, err = STORE_OK;

	*marked = 0;
	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = session_open_gate(st, id, d)) != STORE_OK)
		goto out;
	/* A host replaced keeps its place in the inventory. */
	if ((s = prep(st, "SELECT ord FROM hosts WHERE session_id = ? AND "
	    "name = ?", d, "reading hosts", &err)) == NULL) {
		rc = err;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, h->name);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		ord = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = fail(st, d, rc, "reading hosts");
		goto out;
	}
	if ((rc = run(st, d, "editing the inventory", "DELETE FROM hosts WHERE "
	    "session_id = ? AND name = ?", "it", (int64_t)id,
	    h->name)) != STORE_OK)
		goto out;
	if (remove)
		rc = run(st, d, "editing the inventory", "DELETE FROM answers "
		    "WHERE session_id = ? AND host = ?", "it", (int64_t)id,
		    h->name);
	else if ((rc = host_insert(st, id, h, d)) == STORE_OK && ord >= 0)
		rc = run(st, d, "editing the inventory", "UPDATE hosts SET ord = "
		    "? WHERE session_id = ? AND name = ?", "iit", ord,
		    (int64_t)id, h->name);
	if (rc != STORE_OK)
		goto out;
	why = xasprintf("host %s %s", h->name, remove ? "removed" : ord >= 0 ?
	    "changed" : "added");
	rc = edit_event(st, id, op, remove ? "host-removed" : "host", h->name,
	    detail, stale, nstale, why, marked, d);
	free(why);
	if (rc != STORE_OK)
		goto out;
	return tx_commit(st, d);
out:
	*marked = 0;
	tx_rollback(st);
	return rc;
}

int
store_answers(struct store *st, int64_t id,
    void (*fn)(void *, const char *, const char *, const char *), void *ctx,
    struct diags *d)
{
	sqlite3_stmt	*s;
	const char	*host;
	int		 rc, err = STORE_OK;

	s = prep(st, "SELECT name, host, value FROM answers WHERE session_id "
	    "= ? ORDER BY ord", d, "reading answers", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		host = (const char *)sqlite3_column_text(s, 1);
		fn(ctx, (const char *)sqlite3_column_text(s, 0),
		    host != NULL && *host != '\0' ? host : NULL,
		    (const char *)sqlite3_column_text(s, 2));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, d, rc,
	    "reading answers");
}

int
store_hosts(struct store *st, int64_t id,
    void (*fn)(void *, const struct host *), void *ctx, struct diags *d)
{
	struct host	 h;
	sqlite3_stmt	*s;
	int		 rc, err = STORE_OK;

	s = prep(st, "SELECT role, name, address, user, port, profile, "
	    "identity, site FROM hosts WHERE session_id = ? ORDER BY ord", d,
	    "reading hosts", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&h, 0, sizeof(h));
		h.role = (const char *)sqlite3_column_text(s, 0);
		h.name = (const char *)sqlite3_column_text(s, 1);
		h.address = (const char *)sqlite3_column_text(s, 2);
		h.user = (const char *)sqlite3_column_text(s, 3);
		h.port = sqlite3_column_int(s, 4);
		h.profile_name = (const char *)sqlite3_column_text(s, 5);
		h.identity = (const char *)sqlite3_column_text(s, 6);
		h.site = (const char *)sqlite3_column_text(s, 7);
		fn(ctx, &h);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, d, rc,
	    "reading hosts");
}

/* Steps. */

const char *
store_step_status_db(enum step_status s)
{
	return plan_step_status_name(s);
}

/* steps.via by enum step_via; an event says "checks" or nothing. */
static const char *const via_db[] = { "operator", "checks" };

static enum step_via
via_from_db(const char *s)
{
	return s != NULL && strcmp(s, "checks") == 0 ? STEP_VIA_CHECKS :
	    STEP_VIA_OPERATOR;
}

static enum step_status
status_from_db(const char *s)
{
	if (strcmp(s, "done") == 0)
		return STEP_DONE;
	if (strcmp(s, "skipped") == 0)
		return STEP_SKIPPED;
	if (strcmp(s, "failed") == 0)
		return STEP_FAILED;
	return STEP_PENDING;
}

static char *
col_arena(struct arena *a, sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	if (t == NULL)
		return NULL;
	return arena_strndup(a, (const char *)t,
	    (size_t)sqlite3_column_bytes(s, i));
}

int
store_steps(struct store *st, int64_t id, struct arena *a,
    struct store_step **out, size_t *n, struct diags *d)
{
	struct store_step	*v;
	sqlite3_stmt		*s;
	long long		 rows = 0;
	size_t			 count = 0;
	int			 rc, err = STORE_OK;

	/* Count first: one array in the arena, no regrowth. */
	s = prep(st, "SELECT count(*) FROM steps WHERE session_id = ?", d,
	    "reading step states", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		rows = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return fail(st, d, rc, "reading step states");
	v = arena_calloc(a, (size_t)rows + 1, sizeof(*v));

	/* In key order: store_replay_rows walks them beside the events. */
	s = prep(st, "SELECT proc, host, step, status, note, operator, at, "
	    "via FROM steps WHERE session_id = ? ORDER BY proc, host, step", d,
	    "reading step states", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	/* Inside one read transaction, so the count holds. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && count < (size_t)rows) {
		v[count].proc = col_arena(a, s, 0);
		v[count].host = col_arena(a, s, 1);
		v[count].step = (size_t)sqlite3_column_int64(s, 2);
		v[count].status = status_from_db(
		    (const char *)sqlite3_column_text(s, 3));
		v[count].note = col_arena(a, s, 4);
		v[count].operator = col_arena(a, s, 5);
		v[count].at = (time_t)sqlite3_column_int64(s, 6);
		v[count].via = via_from_db((const char *)
		    sqlite3_column_text(s, 7));
		count++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(st, d, rc, "reading step states");
	*out = v;
	*n = count;
	return STORE_OK;
}

/* Consoles. */

/* Start time of a process (clock ticks after boot), 0 if unknown: a pid
 * reused by another program is not the fedwiz that registered. */
static long long
pid_start(long pid)
{
	char		 path[64], buf[1024], *p;
	long long	 v = 0;
	FILE		*fp;
	int		 field;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), fp) != NULL &&
	    (p = strrchr(buf, ')')) != NULL) {
		/* Fields after the command name; starttime is field 22. */
		for (field = 2; field < 22 && p != NULL; field++)
			p = strchr(p + 1, ' ');
		if (p != NULL)
			v = strtoll(p + 1, NULL, 10);
	}
	fclose(fp);
	return v;
}

static int
pid_alive(long pid, long long started)
{
	long long	now;

	if (pid <= 0)
		return 0;
	if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
		return 0;
	now = pid_start(pid);
	return started == 0 || now == 0 || now == started;
}

static char *
fmt_time(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

int
store_console_join(struct store *st, int64_t id, const char *op,
    const char *what, int64_t *cid, struct diags *d)
{
	struct store_console	*v;
	time_t			 now = store_now();
	size_t			 n;
	int			 rc;

	/* Those that died before are forgotten on the way in. */
	if ((rc = store_consoles(st, id, &v, &n, d)) != STORE_OK)
		return rc;
	store_consoles_free(v, n);
	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = run(st, d, "registering this console",
	    "INSERT INTO consoles (session_id, operator, host, pid, pid_start, "
	    "what, since, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ittiitii",
	    (int64_t)id, op, st->host, (int64_t)getpid(),
	    (int64_t)pid_start((long)getpid()), what, (int64_t)now,
	    (int64_t)now)) != STORE_OK) {
		tx_rollback(st);
		return rc;
	}
	*cid = sqlite3_last_insert_rowid(st->db);
	return tx_commit(st, d);
}

int
store_console_beat(struct store *st, int64_t cid, struct diags *d)
{
	int	rc;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = run(st, d, "telling the others this console is here",
	    "UPDATE consoles SET seen = ? WHERE id = ?", "ii",
	    (int64_t)store_now(), cid)) != STORE_OK) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, d);
}

void
store_console_leave(struct store *st, int64_t cid)
{
	struct diags	d;

	diags_init(&d);
	if (tx_begin(st, &d) == STORE_OK) {
		if (run(st, &d, "leaving", "DELETE FROM consoles WHERE id = ?",
		    "i", cid) == STORE_OK)
			(void)tx_commit(st, &d);
		else
			tx_rollback(st);
	}
	diags_free(&d);
}

void
store_consoles_free(struct store_console *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].operator);
		free(v[i].host);
		free(v[i].what);
	}
	free(v);
}

/* Alive: its process, on this machine; its heartbeat, elsewhere. */
static int
console_alive(const struct store *st, const char *host, long pid,
    long long started, time_t seen, time_t now)
{
	if (strcmp(host, st->host) == 0)
		return pid_alive(pid, started);
	return now - seen <= STORE_CONSOLE_EXPIRY;
}

int
store_consoles(struct store *st, int64_t id, struct store_console **out,
    size_t *n, struct diags *d)
{
	struct store_console	*v = NULL;
	sqlite3_stmt		*s;
	int64_t			*dead = NULL;
	size_t			 count = 0, ndead = 0, i;
	time_t			 now = store_now();
	const char		*host;
	int			 rc, err = STORE_OK;

	*out = NULL;
	*n = 0;
	s = prep(st, "SELECT id, operator, host, pid, pid_start, what, since, "
	    "seen FROM consoles WHERE session_id = ? ORDER BY since, id", d,
	    "reading the open consoles", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		host = (const char *)sqlite3_column_text(s, 2);
		if (!console_alive(st, host, (long)sqlite3_column_int64(s, 3),
		    sqlite3_column_int64(s, 4),
		    (time_t)sqlite3_column_int64(s, 7), now)) {
			dead = xreallocarray(dead, ndead + 1, sizeof(*dead));
			dead[ndead++] = sqlite3_column_int64(s, 0);
			continue;
		}
		v = xreallocarray(v, count + 1, sizeof(*v));
		v[count].id = sqlite3_column_int64(s, 0);
		v[count].operator = col_text(s, 1);
		v[count].host = col_text(s, 2);
		v[count].pid = (long)sqlite3_column_int64(s, 3);
		v[count].what = col_text(s, 5);
		v[count].since = (time_t)sqlite3_column_int64(s, 6);
		v[count].seen = (time_t)sqlite3_column_int64(s, 7);
		count++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(dead);
		store_consoles_free(v, count);
		return fail(st, d, rc, "reading the open consoles");
	}
	/* The dead are forgotten when we may write; either way they are
	 * not listed. */
	if (ndead > 0 && !st->readonly && st->txdepth == 0) {
		struct diags	dd;

		diags_init(&dd);
		if (tx_begin(st, &dd) == STORE_OK) {
			for (i = 0; i < ndead; i++)
				if (run(st, &dd, "forgetting a console",
				    "DELETE FROM consoles WHERE id = ?", "i",
				    dead[i]) != STORE_OK)
					break;
			if (i == ndead)
				(void)tx_commit(st, &dd);
			else
				tx_rollback(st);
		}
		diags_free(&dd);
	}
	free(dead);
	*out = v;
	*n = count;
	return STORE_OK;
}

int
store_consoles_forget(struct store *st, int64_t id, size_t *n,
    struct diags *d)
{
	struct store_console	*v;
	size_t			 nlive, i;
	int			 rc;

	*n = 0;
	/* The dead here go on the way. */
	if ((rc = store_consoles(st, id, &v, &nlive, d)) != STORE_OK)
		return rc;
	if ((rc = tx_begin(st, d)) != STORE_OK) {
		store_consoles_free(v, nlive);
		return rc;
	}
	for (i = 0; i < nlive; i++) {
		if (strcmp(v[i].host, st->host) == 0)
			continue;
		if ((rc = run(st, d, "forgetting a console", "DELETE FROM "
		    "consoles WHERE id = ?", "i", v[i].id)) != STORE_OK) {
			store_consoles_free(v, nlive);
			tx_rollback(st);
			return rc;
		}
		(*n)++;
	}
	store_consoles_free(v, nlive);
	return tx_commit(st, d);
}

int64_t
store_session_last_event(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	int64_t		 v = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM events WHERE "
	    "session_id = ?", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

int
store_changed(struct store *st)
{
	sqlite3_stmt	*s;
	long long	 v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (v == st->data_version)
		return 0;
	st->data_version = v;
	return 1;
}

/* Transitions. */

int
store_step_set(struct store *st, int64_t id, const char *proc,
    const char *host, size_t step, enum step_status to, const char *note,
    const char *op, const char *detail_extra, enum step_via via,
    int *changed, struct diags *d)
{
	sqlite3_stmt	*s;
	struct store_event ev;
	enum step_status from = STEP_PENDING;
	char		*detail, *cur_op = NULL, when[64];
	time_t		 now = store_now(), cur_at = 0;
	int		 rc, err = STORE_OK;

	*changed = 0;
	if (host == NULL)
		host = "";
	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	s = prep(st, "SELECT status, operator, at FROM steps WHERE "
	    "session_id = ? AND proc = ? AND host = ? AND step = ?", d,
	    "reading the step", &err);
	if (s == NULL) {
		rc = err;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, proc);
	bind_text(s, 3, host);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)step);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		from = status_from_db((const char *)sqlite3_column_text(s, 0));
		cur_op = col_text(s, 1);
		cur_at = (time_t)sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = fail(st, d, rc, "reading the step");
		goto out;
	}
	if (from == to) {
		/* Nothing to record: saying it again is not a transition. */
		if (cur_op != NULL)
			diags_add(d, st->path, 0, 0, "step %zu of %s%s%s was "
			    "already %s (by %s at %s); nothing changed", step,
			    proc, *host ? "@" : "", host,
			    plan_step_status_name(from), cur_op,
			    fmt_time(cur_at, when, sizeof(when)));
		free(cur_op);
		tx_rollback(st);
		return STORE_OK;
	}
	/* Reopen goes back from any outcome; an outcome needs a pending
	 * step (from == to was handled above). */
	if (to != STEP_PENDING && from != STEP_PENDING) {
		diags_add(d, st->path, 0, 0, "step %zu of %s%s%s is already %s "
		    "(by %s at %s); reopen it first to mark it %s", step, proc,
		    *host ? "@" : "", host, plan_step_status_name(from), cur_op,
		    fmt_time(cur_at, when, sizeof(when)),
		    plan_step_status_name(to));
		free(cur_op);
		rc = STORE_ESTATE;
		goto out;
	}
	free(cur_op);
	s = prep(st, "INSERT OR REPLACE INTO steps (session_id, proc, host, "
	    "step, status, note, operator, at, via) VALUES (?, ?, ?, ?, ?, ?, "
	    "?, ?, ?)", d, "recording the step", &err);
	if (s == NULL) {
		rc = err;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, proc);
	bind_text(s, 3, host);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)step);
	bind_text(s, 5, plan_step_status_name(to));
	bind_text(s, 6, note);
	bind_text(s, 7, op);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)now);
	bind_text(s, 9, via_db[via]);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		rc = fail(st, d, rc, "recording the step");
		goto out;
	}
	detail = xasprintf("%s -> %s%s%s%s%s", plan_step_status_name(from),
	    plan_step_status_name(to), note ? ": " : "", note ? note : "",
	    detail_extra ? "; " : "", detail_extra ? detail_extra : "");
	memset(&ev, 0, sizeof(ev));
	ev.session = id;
	ev.at = now;
	ev.operator = (char *)(uintptr_t)op;
	ev.kind = (char *)(uintptr_t)"step";
	ev.proc = (char *)(uintptr_t)proc;
	ev.host = (char *)(uintptr_t)host;
	ev.step = step;
	ev.detail = detail;
	ev.from = (char *)(uintptr_t)plan_step_status_name(from);
	ev.to = (char *)(uintptr_t)plan_step_status_name(to);
	ev.note = (char *)(uintptr_t)note;
	ev.extra = (char *)(uintptr_t)detail_extra;
	ev.via = (char *)(uintptr_t)(via == STEP_VIA_CHECKS ? "checks" : "");
	rc = event_write(st, &ev, d);
	free(detail);
	if (rc != STORE_OK)
		goto out;
	if ((rc = run(st, d, "recording the step",
	    "UPDATE sessions SET updated = ? WHERE id = ?", "ii", (int64_t)now,
	    (int64_t)id)) != STORE_OK)
		goto out;
	if ((rc = tx_commit(st, d)) != STORE_OK)
		return rc;
	*changed = 1;
	return STORE_OK;
out:
	tx_rollback(st);
	return rc;
}

/* Check runs. */

/* One check row and its event, inside the caller's transaction. */
static int
check_insert(struct store *st, int64_t id, const struct store_check *c,
    const char *op, struct diags *d)
{
	char		*detail;
	int		 rc;

	const char	*origin = c->origin != NULL ? c->origin : "collected";

	if ((rc = run(st, d, "recording a check",
	    "INSERT INTO checks (session_id, proc, host, step, kind, target, "
	    "result, message, excerpt, output_sha256, output_len, at, "
	    "duration_ms, origin, origin_detail) VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?)", "ittittttttiiitt", (int64_t)id, c->proc,
	    c->host ? c->host : "", (int64_t)c->step, c->kind, c->target,
	    c->result, c->message, c->excerpt, c->output_sha256,
	    (int64_t)c->output_len, (int64_t)(c->at ? c->at : store_now()),
	    (int64_t)c->duration_ms, origin, c->origin_detail)) != STORE_OK)
		return rc;
	/* Evidence that did not come through fedwiz's own probe says so in
	 * the record. */
	if (strcmp(origin, "collected") != 0)
		detail = xasprintf("%s %s: %s%s%s (%s%s%s)", c->kind,
		    c->target ? c->target : "", c->result, c->message ? ": " :
		    "", c->message ? c->message : "", origin,
		    c->origin_detail ? " " : "", c->origin_detail ?
		    c->origin_detail : "");
	else
		detail = xasprintf("%s %s: %s%s%s", c->kind, c->target ?
		    c->target : "", c->result, c->message ? ": " : "",
		    c->message ? c->message : "");
	rc = event_append(st, id, c->at ? c->at : store_now(), op, "check",
	    c->proc, c->host, c->step, detail, d);
	free(detail);
	if (rc != STORE_OK)
		return rc;
	/* A check run is activity: "last change" includes it. */
	return run(st, d, "recording a check",
	    "UPDATE sessions SET updated = max(updated, ?) WHERE id = ?", "ii",
	    (int64_t)(c->at ? c->at : store_now()), (int64_t)id);
}

int
store_check_add(struct store *st, int64_t id, const struct store_check *c,
    const char *op, struct diags *d)
{
	return store_checks_add(st, id, c, 1, op, d);
}

int
store_checks_add(struct store *st, int64_t id, const struct store_check *v,
    size_t n, const char *op, struct diags *d)
{
	size_t	i;
	int	rc;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = check_insert(st, id, &v[i], op, d)) != STORE_OK)
			goto out;
	return tx_commit(st, d);
out:
	tx_rollback(st);
	return rc;
}

int
store_checks(struct store *st, int64_t id, struct store_check **out,
    size_t *n, struct diags *d)
{
	struct store_check	*v = NULL;
	sqlite3_stmt		*s;
	size_t			 count = 0;
	int			 rc, err = STORE_OK;

	s = prep(st, "SELECT id, proc, host, step, kind, coalesce(target, ''), "
	    "result, coalesce(message, ''), coalesce(excerpt, ''), "
	    "coalesce(output_sha256, ''), output_len, at, duration_ms, origin, "
	    "origin_detail, coalesce(stale_event, 0), stale_why FROM checks "
	    "WHERE session_id = ? ORDER BY id", d, "reading checks", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof(*v));
		v[count].id = sqlite3_column_int64(s, 0);
		v[count].proc = col_text(s, 1);
		v[count].host = col_text(s, 2);
		v[count].step = (size_t)sqlite3_column_int64(s, 3);
		v[count].kind = col_text(s, 4);
		v[count].target = col_text(s, 5);
		v[count].result = col_text(s, 6);
		v[count].message = col_text(s, 7);
		v[count].excerpt = col_text(s, 8);
		v[count].output_sha256 = col_text(s, 9);
		v[count].output_len = (size_t)sqlite3_column_int64(s, 10);
		v[count].at = (time_t)sqlite3_column_int64(s, 11);
		v[count].duration_ms = sqlite3_column_int64(s, 12);
		/* Owned strings, const only for the writer's sake. */
		v[count].origin = col_text(s, 13);
		v[count].origin_detail = sqlite3_column_type(s, 14) ==
		    SQLITE_NULL ? NULL : col_text(s, 14);
		v[count].stale_event = sqlite3_column_int64(s, 15);
		v[count].stale_why = sqlite3_column_type(s, 16) == SQLITE_NULL ?
		    NULL : col_text(s, 16);
		count++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_checks_free(v, count);
		return fail(st, d, rc, "reading checks");
	}
	*out = v;
	*n = count;
	return STORE_OK;
}

void
store_checks_free(struct store_check *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].proc);
		free(v[i].host);
		free(v[i].kind);
		free(v[i].target);
		free(v[i].result);
		free(v[i].message);
		free(v[i].excerpt);
		free(v[i].output_sha256);
		free((void *)(uintptr_t)v[i].origin);
		free((void *)(uintptr_t)v[i].origin_detail);
		free(v[i].stale_why);
	}
	free(v);
}

/* Sites and the Ansible hand-off. */

int
store_site_add(struct store *st, int64_t id, const struct site *x,
    const char *op, struct diags *d)
{
	char	*detail;
	int	 rc;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = run(st, d, "recording a site",
	    "INSERT INTO sites (session_id, name, address, user, port, fedwiz, "
	    "workdir, known_hosts, identity, ord) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8, ?9, (SELECT count(*) FROM sites WHERE session_id = "
	    "?1))", "itttitttt", (int64_t)id, x->name, x->address, x->user,
	    (int64_t)(x->port > 0 ? x->port : 22), x->fedwiz, x->workdir,
	    x->known_hosts, x->identity)) != STORE_OK)
		goto out;
	detail = xasprintf("site %s: jump host %s%s%s port %d", x->name,
	    x->user ? x->user : "", x->user ? "@" : "", x->address,
	    x->port > 0 ? x->port : 22);
	rc = event_append(st, id, store_now(), op, "site", NULL, NULL, 0,
	    detail, d);
	free(detail);
	if (rc != STORE_OK)
		goto out;
	return tx_commit(st, d);
out:
	tx_rollback(st);
	return rc;
}

int
store_sites(struct store *st, int64_t id,
    void (*fn)(void *, const struct site *), void *ctx, struct diags *d)
{
	struct site	 x;
	sqlite3_stmt	*s;
	int		 rc, err = STORE_OK;

	s = prep(st, "SELECT name, address, user, port, fedwiz, workdir, "
	    "known_hosts, identity FROM sites WHERE session_id = ? ORDER BY "
	    "ord", d, "reading sites", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&x, 0, sizeof(x));
		x.name = (const char *)sqlite3_column_text(s, 0);
		x.address = (const char *)sqlite3_column_text(s, 1);
		x.user = (const char *)sqlite3_column_text(s, 2);
		x.port = sqlite3_column_int(s, 3);
		x.fedwiz = (const char *)sqlite3_column_text(s, 4);
		x.workdir = (const char *)sqlite3_column_text(s, 5);
		x.known_hosts = (const char *)sqlite3_column_text(s, 6);
		x.identity = (const char *)sqlite3_column_text(s, 7);
		fn(ctx, &x);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, d, rc,
	    "reading sites");
}

int
store_export_add(struct store *st, struct store_export *e, const char *op,
    struct diags *d)
{
	char	*detail;
	int	 rc;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = run(st, d, "recording an export",
	    "INSERT INTO exports (session_id, runbook_id, runbook_hash, site, "
	    "jump, answers_sha256, nonce, pubkey, operator, at) VALUES (?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?)", "zttttttttz", e->session, e->runbook_id,
	    e->runbook_hash, e->site, e->jump, e->answers_sha256, e->nonce,
	    e->pubkey, op, (int64_t)e->at)) != STORE_OK)
		goto out;
	e->id = sqlite3_last_insert_rowid(st->db);
	if (e->session > 0) {
		detail = xasprintf("exported to Ansible: site %s through jump "
		    "host %s (export %lld, nonce %s, answers %.12s)", e->site,
		    e->jump, (long long)e->id, e->nonce, e->answers_sha256);
		rc = event_append(st, e->session, e->at, op, "export", NULL,
		    NULL, 0, detail, d);
		free(detail);
		if (rc != STORE_OK)
			goto out;
	}
	return tx_commit(st, d);
out:
	tx_rollback(st);
	return rc;
}

int
store_export_find(struct store *st, const char *nonce,
    struct store_export *e, struct diags *d)
{
	sqlite3_stmt	*s;
	int		 rc, err = STORE_OK;

	s = prep(st, "SELECT id, coalesce(session_id, 0), runbook_id, "
	    "runbook_hash, site, jump, answers_sha256, nonce, pubkey, operator, "
	    "at FROM exports WHERE nonce = ?", d, "reading exports", &err);
	if (s == NULL)
		return err;
	bind_text(s, 1, nonce);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(s);
		diags_add(d, st->path, 0, 0, "no export with nonce %s was made "
		    "from this database", nonce);
		return STORE_EINPUT;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return fail(st, d, rc, "reading exports");
	}
	e->id = sqlite3_column_int64(s, 0);
	e->session = sqlite3_column_int64(s, 1);
	e->runbook_id = col_text(s, 2);
	e->runbook_hash = col_text(s, 3);
	e->site = col_text(s, 4);
	e->jump = col_text(s, 5);
	e->answers_sha256 = col_text(s, 6);
	e->nonce = col_text(s, 7);
	e->pubkey = col_text(s, 8);
	e->operator = col_text(s, 9);
	e->at = (time_t)sqlite3_column_int64(s, 10);
	sqlite3_finalize(s);
	return STORE_OK;
}

void
store_export_clear(struct store_export *e)
{
	free(e->runbook_id);
	free(e->runbook_hash);
	free(e->site);
	free(e->jump);
	free(e->answers_sha256);
	free(e->nonce);
	free(e->pubkey);
	free(e->operator);
	memset(e, 0, sizeof(*e));
}

int
store_import_add(struct store *st, int64_t id, const struct store_import *im,
    const struct store_check *v, size_t n, const char *op, struct diags *d)
{
	sqlite3_stmt	*s;
	char		*detail, when[64], *who;
	time_t		 now = store_now(), at;
	size_t		 i;
	int		 rc, err = STORE_OK;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((s = prep(st, "SELECT operator, at, session_id FROM imports WHERE "
	    "run_id = ?", d, "reading imports", &err)) == NULL) {
		rc = err;
		goto out;
	}
	bind_text(s, 1, im->run_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		who = col_text(s, 0);
		at = (time_t)sqlite3_column_int64(s, 1);
		diags_add(d, st->path, 0, 0, "run %s of site %s was imported "
		    "already, into session %lld by %s at %s: its evidence is "
		    "there; run the playbook again for new results", im->run_id,
		    im->site, (long long)sqlite3_column_int64(s, 2), who,
		    fmt_time(at, when, sizeof(when)));
		free(who);
		sqlite3_finalize(s);
		rc = STORE_EINPUT;
		goto out;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		rc = fail(st, d, rc, "reading imports");
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((rc = check_insert(st, id, &v[i], op, d)) != STORE_OK)
			goto out;
	if ((rc = run(st, d, "recording an import",
	    "INSERT INTO imports (run_id, export_id, session_id, "
	    "results_sha256, checked, npass, nfail, nerror, operator, at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "tiitiiiiti", im->run_id,
	    im->export_id, (int64_t)id, im->results_sha256,
	    (int64_t)im->checked, (int64_t)im->npass, (int64_t)im->nfail,
	    (int64_t)im->nerror, op, (int64_t)now)) != STORE_OK)
		goto out;
	detail = xasprintf("imported from Ansible: site %s through jump host "
	    "%s, export %lld, run %s checked %s: %zu pass, %zu fail, %zu "
	    "could not run (results sha256 %s)", im->site, im->jump,
	    (long long)im->export_id, im->run_id, fmt_time(im->checked, when,
	    sizeof(when)), im->npass, im->nfail, im->nerror,
	    im->results_sha256);
	rc = event_append(st, id, now, op, "import", NULL, NULL, 0, detail, d);
	free(detail);
	if (rc != STORE_OK)
		goto out;
	return tx_commit(st, d);
out:
	tx_rollback(st);
	return rc;
}

int
store_imports(struct store *st, int64_t id, struct store_import **out,
    size_t *n, struct diags *d)
{
	struct store_import	*v = NULL;
	sqlite3_stmt		*s;
	size_t			 count = 0;
	int			 rc, err = STORE_OK;

	s = prep(st, "SELECT i.run_id, i.export_id, e.site, e.jump, "
	    "i.results_sha256, i.checked, i.npass, i.nfail, i.nerror, "
	    "i.operator, i.at FROM imports i JOIN exports e ON e.id = "
	    "i.export_id WHERE i.session_id = ? ORDER BY i.at, i.rowid", d,
	    "reading imports", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof(*v));
		v[count].run_id = col_text(s, 0);
		v[count].export_id = sqlite3_column_int64(s, 1);
		v[count].site = col_text(s, 2);
		v[count].jump = col_text(s, 3);
		v[count].results_sha256 = col_text(s, 4);
		v[count].checked = (time_t)sqlite3_column_int64(s, 5);
		v[count].npass = (size_t)sqlite3_column_int64(s, 6);
		v[count].nfail = (size_t)sqlite3_column_int64(s, 7);
		v[count].nerror = (size_t)sqlite3_column_int64(s, 8);
		v[count].operator = col_text(s, 9);
		v[count].at = (time_t)sqlite3_column_int64(s, 10);
		count++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_imports_free(v, count);
		return fail(st, d, rc, "reading imports");
	}
	*out = v;
	*n = count;
	return STORE_OK;
}

void
store_imports_free(struct store_import *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].run_id);
		free(v[i].site);
		free(v[i].jump);
		free(v[i].results_sha256);
		free(v[i].operator);
	}
	free(v);
}

int
store_event_add(struct store *st, int64_t id, const char *op,
    const char *kind, const char *detail, struct diags *d)
{
	int	rc;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = event_append(st, id, store_now(), op, kind, NULL, NULL, 0,
	    detail, d)) != STORE_OK) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, d);
}

int
store_session_close(struct store *st, int64_t id, const char *op,
    const char *why, struct diags *d)
{
	int		 rc;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = run(st, d, "closing the session",
	    "UPDATE sessions SET closed = ?, updated = ? WHERE id = ? AND "
	    "closed IS NULL", "iii", (int64_t)store_now(), (int64_t)store_now(),
	    (int64_t)id)) != STORE_OK)
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		diags_add(d, st->path, 0, 0, "session %lld is already closed",
		    (long long)id);
		tx_rollback(st);
		return STORE_OK;
	}
	if ((rc = event_append(st, id, store_now(), op, "session-close", NULL,
	    NULL, 0, why, d)) != STORE_OK)
		goto out;
	return tx_commit(st, d);
out:
	tx_rollback(st);
	return rc;
}

int
store_session_rebase(struct store *st, int64_t id, const char *runbook_hash,
    const char *text, size_t len, const char *op, const char *detail,
    struct diags *d)
{
	int		 rc;

	if ((rc = tx_begin(st, d)) != STORE_OK)
		return rc;
	if ((rc = run(st, d, "recording the runbook",
	    "INSERT OR IGNORE INTO runbooks (hash, runbook_id, text) SELECT "
	    "?, runbook_id, ? FROM sessions WHERE id = ?", "tbi", runbook_hash,
	    text, (size_t)len, (int64_t)id)) != STORE_OK)
		goto out;
	if ((rc = run(st, d, "recording the runbook",
	    "UPDATE sessions SET runbook_hash = ?, updated = ? WHERE id = ?",
	    "tii", runbook_hash, (int64_t)store_now(),
	    (int64_t)id)) != STORE_OK)
		goto out;
	if ((rc = event_append(st, id, store_now(), op, "runbook-changed",
	    NULL, NULL, 0, detail, d)) != STORE_OK)
		goto out;
	return tx_commit(st, d);
out:
	tx_rollback(st);
	return rc;
}

/* The event log. */

/* In event_row's order. */
static const char event_cols[] =
    "id, session_id, at, operator, kind, proc, host, step, detail, "
    "from_status, to_status, note, extra, prev_hash, hash, via";

static void
event_row(sqlite3_stmt *s, struct store_event *e)
{
	e->id = sqlite3_column_int64(s, 0);
	e->session = sqlite3_column_int64(s, 1);
	e->at = (time_t)sqlite3_column_int64(s, 2);
	e->operator = col_text(s, 3);
	e->kind = col_text(s, 4);
	e->proc = col_text(s, 5);
	e->host = col_text(s, 6);
	e->step = (size_t)sqlite3_column_int64(s, 7);
	e->detail = col_text(s, 8);
	e->from = col_text(s, 9);
	e->to = col_text(s, 10);
	e->note = col_text(s, 11);
	e->extra = col_text(s, 12);
	e->prev_hash = col_text(s, 13);
	e->hash = col_text(s, 14);
	e->via = col_text(s, 15);
}

static void
event_clear(struct store_event *e)
{
	free(e->operator);
	free(e->kind);
	free(e->proc);
	free(e->host);
	free(e->detail);
	free(e->from);
	free(e->to);
	free(e->note);
	free(e->extra);
	free(e->prev_hash);
	free(e->hash);
	free(e->via);
}

int
store_events(struct store *st, int64_t id, struct store_event **out,
    size_t *n, struct diags *d)
{
	struct store_event	*v = NULL;
	sqlite3_stmt		*s;
	char			*sql;
	size_t			 count = 0, cap = 0;
	int			 rc, err = STORE_OK;

	sql = xasprintf("SELECT %s FROM events %s ORDER BY id", event_cols,
	    id > 0 ? "WHERE session_id = ?" : "");
	s = prep(st, sql, d, "reading the event log", &err);
	free(sql);
	if (s == NULL)
		return err;
	if (id > 0)
		sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		event_row(s, &v[count++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_events_free(v, count);
		return fail(st, d, rc, "reading the event log");
	}
	*out = v;
	*n = count;
	return STORE_OK;
}

void
store_events_free(struct store_event *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		event_clear(&v[i]);
	free(v);
}

int
store_audit_verify(struct store *st, struct store_head *head, int64_t *bad,
    struct diags *d)
{
	struct store_event	 e;
	sqlite3_stmt		*s;
	char			 prev[65], want[65], *sql;
	int64_t			 expect_id = 1;
	int			 rc, err = STORE_OK, broken = 0;

	memset(head, 0, sizeof(*head));
	*bad = 0;
	sql = xasprintf("SELECT %s FROM events ORDER BY id", event_cols);
	s = prep(st, sql, d, "reading the event log", &err);
	free(sql);
	if (s == NULL)
		return err;
	snprintf(prev, sizeof(prev), "%s", genesis);
	while (!broken && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		event_row(s, &e);
		if (e.id != expect_id) {
			diags_add(d, st->path, 0, 0, "event %lld is missing: "
			    "the log jumps from event %lld to %lld (rows were "
			    "deleted)", (long long)expect_id,
			    (long long)expect_id - 1, (long long)e.id);
			*bad = expect_id;
			broken = 1;
		} else if (strcmp(e.prev_hash, prev) != 0) {
			diags_add(d, st->path, 0, 0, "event %lld (%s, session "
			    "%lld) does not follow event %lld: its recorded "
			    "predecessor hash differs (a row before it was "
			    "changed or removed)", (long long)e.id, e.kind,
			    (long long)e.session, (long long)e.id - 1);
			*bad = e.id;
			broken = 1;
		} else {
			event_hash(&e, want);
			if (strcmp(want, e.hash) != 0) {
				diags_add(d, st->path, 0, 0, "event %lld (%s, "
				    "session %lld) was changed after it was "
				    "written: its content does not match its "
				    "hash", (long long)e.id, e.kind,
				    (long long)e.session);
				*bad = e.id;
				broken = 1;
			}
		}
		snprintf(prev, sizeof(prev), "%s", e.hash);
		if (!broken) {
			head->count++;
			head->last_id = e.id;
			snprintf(head->hash, sizeof(head->hash), "%s", e.hash);
		}
		event_clear(&e);
		expect_id++;
	}
	sqlite3_finalize(s);
	if (broken)
		return STORE_EINPUT;
	if (rc != SQLITE_DONE)
		return fail(st, d, rc, "reading the event log");
	return STORE_OK;
}

int
store_audit_anchor(struct store *st, size_t n, const char *hash,
    struct diags *d)
{
	sqlite3_stmt	*s;
	char		 have[65];
	long long	 count = 0;
	int		 rc, err = STORE_OK;

	if ((rc = pragma_int(st, "SELECT count(*) FROM events", &count, d)) !=
	    STORE_OK)
		return rc;
	s = prep(st, "SELECT hash FROM events WHERE id = ?", d,
	    "reading the event log", &err);
	if (s == NULL)
		return err;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)n);
	have[0] = '\0';
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		snprintf(have, sizeof(have), "%s",
		    (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, d, rc, "reading the event log");
	if (rc == SQLITE_DONE) {
		diags_add(d, st->path, 0, 0, "the head you gave is event %zu, "
		    "and the log now has %lld events: events up to it were "
		    "REMOVED since that head was taken", n, count);
		return STORE_EINPUT;
	}
	if (strcasecmp(have, hash) != 0) {
		diags_add(d, st->path, 0, 0, "event %zu is not the one of the "
		    "head you gave: its hash is %s, not %s; the log up to it "
		    "was REWRITTEN (or events removed and others written) since "
		    "that head was taken", n, have, hash);
		return STORE_EINPUT;
	}
	return STORE_OK;
}

/*
 * The last step event of every step against the steps table, both ways:
 * a row that says what its last event does not, a row with no event, an
 * event whose row is gone. Both are read in the same key order, backwards
 * (the steps table's primary key, the events_by_step index, which also
 * holds the fields compared: no table lookup), so that the first event of
 * each step is its last; they are merged here, in one pass over each, and
 * nothing is copied but the key of the step before (a session of 10,000
 * steps is checked on every open).
 */
static const char replay_rows[] =
    "SELECT session_id, proc, host, step, status, note, operator, at, via "
    "FROM steps WHERE ?1 = 0 OR session_id = ?1 "
    "ORDER BY session_id DESC, proc DESC, host DESC, step DESC";
static const char replay_rows_one[] =
    "SELECT session_id, proc, host, step, status, note, operator, at, via "
    "FROM steps WHERE session_id = ?1 "
    "ORDER BY session_id DESC, proc DESC, host DESC, step DESC";
static const char replay_events[] =
    "SELECT session_id, proc, host, step, to_status, note, operator, at, "
    "via FROM events WHERE kind = 'step' "
    "ORDER BY session_id DESC, proc DESC, host DESC, step DESC, id DESC";
static const char replay_events_one[] =
    "SELECT session_id, proc, host, step, to_status, note, operator, at, "
    "via FROM events WHERE kind = 'step' AND session_id = ?1 "
    "ORDER BY session_id DESC, proc DESC, host DESC, step DESC, id DESC";

/* A step's state as one side has it: pointers into its statement's row
 * (valid until that statement steps) or into the caller's array. */
struct side {
	int		 have;
	int64_t		 session;
	struct store_step st;
};

static void
side_view(sqlite3_stmt *s, struct side *x)
{
	const char	*note = (const char *)sqlite3_column_text(s, 5);

	x->have = 1;
	x->session = sqlite3_column_int64(s, 0);
	x->st.proc = (char *)(uintptr_t)sqlite3_column_text(s, 1);
	x->st.host = (char *)(uintptr_t)sqlite3_column_text(s, 2);
	x->st.step = (size_t)sqlite3_column_int64(s, 3);
	x->st.status = status_from_db((const char *)sqlite3_column_text(s, 4));
	x->st.note = note != NULL && *note != '\0' ? (char *)(uintptr_t)note :
	    NULL;
	x->st.operator = (char *)(uintptr_t)sqlite3_column_text(s, 6);
	x->st.at = (time_t)sqlite3_column_int64(s, 7);
	x->st.via = via_from_db((const char *)sqlite3_column_text(s, 8));
}

/* Where a comes against b in the (descending) order read. */
static int
key_cmp(int64_t sa, const char *pa, const char *ha, size_t ta, int64_t sb,
    const char *pb, const char *hb, size_t tb)
{
	int	c;

	if (sa != sb)
		return sa > sb ? -1 : 1;
	if ((c = strcmp(pa, pb)) != 0)
		return -c;
	if ((c = strcmp(ha, hb)) != 0)
		return -c;
	if (ta != tb)
		return ta > tb ? -1 : 1;
	return 0;
}

static int
side_cmp(const struct side *a, const struct side *b)
{
	return key_cmp(a->session, a->st.proc, a->st.host, a->st.step,
	    b->session, b->st.proc, b->st.host, b->st.step);
}

static int
same_state(const struct store_step *a, const struct store_step *b)
{
	return a->status == b->status && a->at == b->at && a->via == b->via &&
	    strcmp(a->operator, b->operator) == 0 && ((a->note == NULL &&
	    b->note == NULL) || (a->note != NULL && b->note != NULL &&
	    strcmp(a->note, b->note) == 0));
}

/* The previous step's key, for the next event to be compared with: ids
 * and host names are at most 64 bytes; no printf on this path. */
static void
keep(char *buf, size_t len, const char *s)
{
	size_t	n = strlen(s);

	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* Where the step records come from: the table, or the rows store_steps
 * read (in ascending key order: walked from the end). */
struct rows {
	sqlite3_stmt		*s;
	const struct store_step	*v;
	size_t			 left;
	int64_t			 session;
};

static int
next_row(struct store *st, struct rows *r, struct side *x, struct diags *d)
{
	const char	*note;
	int		 rc;

	memset(x, 0, sizeof(*x));
	if (r->v != NULL) {
		if (r->left == 0)
			return STORE_OK;
		x->have = 1;
		x->session = r->session;
		x->st = r->v[--r->left];
		note = x->st.note;
		x->st.note = note != NULL && *note != '\0' ?
		    (char *)(uintptr_t)note : NULL;
		return STORE_OK;
	}
	if ((rc = sqlite3_step(r->s)) == SQLITE_ROW) {
		side_view(r->s, x);
		return STORE_OK;
	}
	return rc == SQLITE_DONE ? STORE_OK : fail(st, d, rc,
	    "replaying the event log");
}

/* A mismatch, copied (the views go with the next row), told in key order
 * once the scan is done. */
struct bad {
	int64_t			 session;
	int			 has_row;
	int			 has_log;
	struct store_step	 row;
	struct store_step	 log;
};

struct bads {
	struct bad	*v;
	size_t		 n;
};

static void
step_copy(struct store_step *to, const struct store_step *from)
{
	*to = *from;
	to->proc = xstrdup(from->proc);
	to->host = xstrdup(from->host);
	to->note = from->note != NULL ? xstrdup(from->note) : NULL;
	to->operator = xstrdup(from->operator);
}

static void
step_free(struct store_step *x)
{
	free(x->proc);
	free(x->host);
	free(x->note);
	free(x->operator);
}

static void
bad_add(struct bads *b, int64_t session, const struct store_step *row,
    const struct store_step *log)
{
	struct bad	*x;

	b->v = xreallocarray(b->v, b->n + 1, sizeof(*b->v));
	x = &b->v[b->n++];
	memset(x, 0, sizeof(*x));
	x->session = session;
	if ((x->has_row = row != NULL))
		step_copy(&x->row, row);
	if ((x->has_log = log != NULL))
		step_copy(&x->log, log);
}

static int
replay(struct store *st, int64_t id, const struct store_step *v, size_t nv,
    void (*fn)(void *, int64_t, const struct store_step *,
    const struct store_step *), void *ctx, size_t *nbad, struct diags *d)
{
	struct side	 row, log;
	struct rows	 rows;
	sqlite3_stmt	*evs = NULL;
	char		 pproc[256] = "", phost[256] = "";
	struct bads	 bads = { NULL, 0 };
	int64_t		 psession = -1;
	size_t		 pstep = 0, i;
	int		 rc, err = STORE_OK, c, tx = 0;

	*nbad = 0;
	memset(&rows, 0, sizeof(rows));
	rows.v = v;
	rows.left = nv;
	rows.session = id;
	/* One snapshot for both reads. */
	if (st->txdepth == 0 && sqlite3_get_autocommit(st->db)) {
		if ((rc = exec(st, "BEGIN", d, "replaying the event log")) !=
		    STORE_OK)
			return rc;
		tx = 1;
	}
	if ((v == NULL && (rows.s = prep(st, id > 0 ? replay_rows_one :
	    replay_rows, d, "replaying the event log", &err)) == NULL) ||
	    (evs = prep(st, id > 0 ? replay_events_one : replay_events, d,
	    "replaying the event log", &err)) == NULL) {
		rc = err;
		goto out;
	}
	if (rows.s != NULL)
		sqlite3_bind_int64(rows.s, 1, id);
	if (id > 0)
		sqlite3_bind_int64(evs, 1, id);
	if ((rc = next_row(st, &rows, &row, d)) != STORE_OK)
		goto out;
	while ((rc = sqlite3_step(evs)) == SQLITE_ROW) {
		memset(&log, 0, sizeof(log));
		side_view(evs, &log);
		/* Newest first: the other events of this step are older. */
		if (key_cmp(log.session, log.st.proc, log.st.host, log.st.step,
		    psession, pproc, phost, pstep) == 0)
			continue;
		psession = log.session;
		keep(pproc, sizeof(pproc), log.st.proc);
		keep(phost, sizeof(phost), log.st.host);
		pstep = log.st.step;
		/* Records before it have no event at all. */
		while (row.have && (c = side_cmp(&row, &log)) < 0) {
			bad_add(&bads, row.session, &row.st, NULL);
			if ((rc = next_row(st, &rows, &row, d)) != STORE_OK)
				goto out;
		}
		if (row.have && side_cmp(&row, &log) == 0) {
			if (!same_state(&row.st, &log.st))
				bad_add(&bads, row.session, &row.st, &log.st);
			if ((rc = next_row(st, &rows, &row, d)) != STORE_OK)
				goto out;
		} else
			bad_add(&bads, log.session, NULL, &log.st);
	}
	if (rc != SQLITE_DONE) {
		rc = fail(st, d, rc, "replaying the event log");
		goto out;
	}
	while (row.have) {
		bad_add(&bads, row.session, &row.st, NULL);
		if ((rc = next_row(st, &rows, &row, d)) != STORE_OK)
			goto out;
	}
	rc = STORE_OK;
	/* Read backwards: told forwards. */
	*nbad = bads.n;
	for (i = bads.n; fn != NULL && i > 0; i--)
		fn(ctx, bads.v[i - 1].session, bads.v[i - 1].has_row ?
		    &bads.v[i - 1].row : NULL, bads.v[i - 1].has_log ?
		    &bads.v[i - 1].log : NULL);
out:
	for (i = 0; i < bads.n; i++) {
		if (bads.v[i].has_row)
			step_free(&bads.v[i].row);
		if (bads.v[i].has_log)
			step_free(&bads.v[i].log);
	}
	free(bads.v);
	sqlite3_finalize(rows.s);
	sqlite3_finalize(evs);
	if (tx)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int
store_audit_sessions(struct store *st, void (*fn)(void *, int64_t, int, int),
    void *ctx, size_t *nbad, struct diags *d)
{
	sqlite3_stmt	*s;
	int		 rc, err = STORE_OK;

	*nbad = 0;
	s = prep(st, "SELECT s.id, s.practice != 0, coalesce((SELECT e.extra "
	    "FROM events e WHERE e.session_id = s.id ORDER BY e.id LIMIT 1), "
	    "'') = 'practice' AS logged FROM sessions s WHERE "
	    "(s.practice != 0) != logged ORDER BY s.id", d,
	    "checking the sessions", &err);
	if (s == NULL)
		return err;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		(*nbad)++;
		fn(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int(s, 1),
		    sqlite3_column_int(s, 2));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, d, rc,
	    "checking the sessions");
}

int
store_audit_replay(struct store *st, int64_t id,
    void (*fn)(void *, int64_t, const struct store_step *,
    const struct store_step *), void *ctx, size_t *nbad, struct diags *d)
{
	return replay(st, id, NULL, 0, fn, ctx, nbad, d);
}

int
store_replay_rows(struct store *st, int64_t id, const struct store_step *v,
    size_t n, void (*fn)(void *, int64_t, const struct store_step *,
    const struct store_step *), void *ctx, size_t *nbad, struct diags *d)
{
	/* An empty array is still the rows (none), not "read the table". */
	static const struct store_step none;

	return replay(st, id, n > 0 ? v : &none, n, fn, ctx, nbad, d);
}

/*
 * Where the operator was in the wizard, per session: one row of meta,
 * "ui:<session>" = "screen\tproc\thost\tstep". Not part of the record
 * (no event): it only says where to pick up.
 */
int
store_ui_set(struct store *st, int64_t id, const char *screen,
    const char *proc, const char *host, size_t step, struct diags *d)
{
	char	key[48], *val;
	int	rc;

	snprintf(key, sizeof(key), "ui:%lld", (long long)id);
	val = xasprintf("%s\t%s\t%s\t%zu", screen, proc, host, step);
	rc = run(st, d, "saving where you are", "INSERT OR REPLACE INTO meta "
	    "VALUES (?, ?)", "tt", key, val);
	free(val);
	return rc;
}

/* The saved position split into its fields; -1 when there is none. */
static int
ui_get(struct store *st, int64_t id, char *f[4], char *buf, size_t len)
{
	sqlite3_stmt	*s;
	const char	*v;
	char		 key[48];
	int		 err = STORE_OK, i;
	struct diags	 d;

	diags_init(&d);
	snprintf(key, sizeof(key), "ui:%lld", (long long)id);
	s = prep(st, "SELECT value FROM meta WHERE key = ?", &d,
	    "reading where you were", &err);
	diags_free(&d);
	if (s == NULL)
		return -1;
	bind_text(s, 1, key);
	if (sqlite3_step(s) != SQLITE_ROW ||
	    (v = (const char *)sqlite3_column_text(s, 0)) == NULL) {
		sqlite3_finalize(s);
		return -1;
	}
	snprintf(buf, len, "%s", v);
	sqlite3_finalize(s);
	for (i = 0; i < 4; i++) {
		f[i] = buf;
		buf += strcspn(buf, "\t");
		if (i < 3) {
			if (*buf != '\t')
				return -1;
			*buf++ = '\0';
		}
	}
	return 0;
}

int
store_ui_screen(struct store *st, int64_t id, char *screen, size_t len)
{
	char	buf[512], *f[4];

	if (ui_get(st, id, f, buf, sizeof(buf)) == -1)
		return -1;
	snprintf(screen, len, "%s", f[0]);
	return 0;
}

int
store_ui_position(struct store *st, int64_t id, char *proc, size_t plen,
    char *host, size_t hlen, size_t *step)
{
	char	buf[512], *f[4];

	if (ui_get(st, id, f, buf, sizeof(buf)) == -1 || *f[1] == '\0')
		return -1;
	snprintf(proc, plen, "%s", f[1]);
	snprintf(host, hlen, "%s", f[2]);
	*step = (size_t)strtoul(f[3], NULL, 10);
	return 0;
}
