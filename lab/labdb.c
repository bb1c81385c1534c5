/* labdb.c: the lab state database (lab.h). */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lab.h"
#include "labint.h"

static const char schema[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE hosts ("
	"  name TEXT PRIMARY KEY, ord INTEGER NOT NULL, kind TEXT NOT NULL,"
	"  title TEXT NOT NULL, fqdn TEXT NOT NULL, address TEXT NOT NULL,"
	"  profile TEXT NOT NULL, scope TEXT NOT NULL, domain TEXT NOT NULL,"
	"  runbooks TEXT NOT NULL);"
	"CREATE TABLE objects ("
	"  id INTEGER PRIMARY KEY, scope TEXT NOT NULL, class TEXT NOT NULL,"
	"  ident TEXT NOT NULL COLLATE NOCASE,"
	"  UNIQUE (scope, class, ident));"
	"CREATE TABLE props ("
	"  obj INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	"  ord INTEGER NOT NULL, name TEXT NOT NULL COLLATE NOCASE,"
	"  type TEXT NOT NULL, value TEXT,"
	"  PRIMARY KEY (obj, name));"
	"CREATE TABLE keys ("
	"  id INTEGER PRIMARY KEY, host TEXT, label TEXT, bits INTEGER NOT NULL,"
	"  pem TEXT NOT NULL);"
	"CREATE TABLE certs ("
	"  id INTEGER PRIMARY KEY, key INTEGER, issuer INTEGER,"
	"  subject TEXT NOT NULL, cn TEXT NOT NULL, sans TEXT NOT NULL,"
	"  ekus TEXT NOT NULL, ca INTEGER NOT NULL, not_before INTEGER NOT NULL,"
	"  not_after INTEGER NOT NULL, serial TEXT NOT NULL,"
	"  thumbprint TEXT NOT NULL COLLATE NOCASE, pem TEXT NOT NULL,"
	"  friendly TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE stores ("
	"  host TEXT NOT NULL, store TEXT NOT NULL COLLATE NOCASE,"
	"  cert INTEGER NOT NULL, name TEXT NOT NULL, ord INTEGER NOT NULL,"
	"  PRIMARY KEY (host, store, cert, name));"
	"CREATE TABLE files ("
	"  host TEXT NOT NULL, path TEXT NOT NULL COLLATE NOCASE,"
	"  data BLOB NOT NULL, mtime INTEGER NOT NULL,"
	"  PRIMARY KEY (host, path));"
	"CREATE TABLE dns ("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE,"
	"  type TEXT NOT NULL, value TEXT NOT NULL);"
	"CREATE TABLE procs ("
	"  name TEXT PRIMARY KEY, pid INTEGER NOT NULL, start TEXT NOT NULL,"
	"  exe TEXT NOT NULL, listens TEXT NOT NULL);"
	"CREATE TABLE log ("
	"  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, who TEXT NOT NULL,"
	"  what TEXT NOT NULL);";

/* ---- statements ------------------------------------------------------- */

/*
 * Prepare sql and bind its parameters from a format: 's' text, 'i'
 * int64, 'd' int, 'B' blob (pointer, size_t). NULL text binds NULL.
 * Errors are fatal: the lab's own SQL is fixed, so a failure is a broken
 * database or a bug, and the lab's programs say so and stop.
 */
sqlite3_stmt *
lab_stmt(struct lab *lab, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt	*st;
	va_list		 ap;
	const char	*s;
	const void	*p;
	size_t		 n;
	int		 i, rc;

	if (sqlite3_prepare_v2(lab->db, sql, -1, &st, NULL) != SQLITE_OK)
		fatal("lab state %s: %s (in: %s)", lab->dir,
		    sqlite3_errmsg(lab->db), sql);
	va_start(ap, fmt);
	for (i = 1; fmt != NULL && *fmt != '\0'; fmt++, i++) {
		switch (*fmt) {
		case 's':
			s = va_arg(ap, const char *);
			rc = s == NULL ? sqlite3_bind_null(st, i) :
			    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
			break;
		case 'i':
			rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_int(st, i, va_arg(ap, int));
			break;
		case 'B':
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			rc = sqlite3_bind_blob64(st, i, p, n, SQLITE_TRANSIENT);
			break;
		default:
			fatal("lab_stmt: bad format '%c'", *fmt);
		}
		if (rc != SQLITE_OK)
			fatal("lab state: bind: %s", sqlite3_errmsg(lab->db));
	}
	va_end(ap);
	return st;
}

/* Step: 1 a row, 0 done. Fatal on error. */
int
lab_step(struct lab *lab, sqlite3_stmt *st)
{
	int	rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	fatal("lab state %s: %s", lab->dir, sqlite3_errmsg(lab->db));
}

/* Run a statement that returns nothing. */
void
lab_run(struct lab *lab, sqlite3_stmt *st)
{
	while (lab_step(lab, st))
		;
	sqlite3_finalize(st);
	if (sqlite3_changes(lab->db) > 0)
		lab->changed = 1;
}

char *
lab_col(sqlite3_stmt *st, int i)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	return t == NULL ? NULL : xstrdup((const char *)t);
}

/* The first column of the first row, malloc'd, or NULL. */
char *
lab_one(struct lab *lab, sqlite3_stmt *st)
{
	char	*v = NULL;

	if (lab_step(lab, st))
		v = lab_col(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t
lab_one_int(struct lab *lab, sqlite3_stmt *st, int64_t def)
{
	int64_t	v = def;

	if (lab_step(lab, st) && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* ---- open, close, transactions ----------------------------------------- */

static int
mkdirs(const char *path, struct diags *d)
{
	char	*p, *s;

	s = xstrdup(path);
	for (p = s + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char	c = *p;

			*p = '\0';
			if (mkdir(s, 0700) == -1 && errno != EEXIST) {
				diags_add(d, s, 0, 0, "cannot make the lab "
				    "folder: %s", strerror(errno));
				free(s);
				return -1;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(s);
	return 0;
}

int
lab_open(const char *dir, int create, struct lab **out, struct diags *d)
{
	struct lab	*lab;
	char		*path, *abs, *v;
	struct stat	 sb;
	int		 rc, fresh;

	*out = NULL;
	if (create && mkdirs(dir, d) == -1)
		return LAB_EENV;
	if ((abs = realpath(dir, NULL)) == NULL) {
		if (errno == ENOENT)
			diags_add(d, dir, 0, 0, "no lab here (start one with "
			    "fedwiz lab up --dir %s)", dir);
		else
			diags_add(d, dir, 0, 0, "%s", strerror(errno));
		return errno == ENOENT ? LAB_ESTATE : LAB_EENV;
	}
	lab = xcalloc(1, sizeof(*lab));
	lab->dir = abs;
	path = lab_path(lab, "lab.db");
	fresh = stat(path, &sb) == -1;
	if (fresh && !create) {
		diags_add(d, abs, 0, 0, "no lab here (start one with fedwiz "
		    "lab up --dir %s)", abs);
		free(path);
		lab_close(lab);
		return LAB_ESTATE;
	}
	rc = sqlite3_open_v2(path, &lab->db, SQLITE_OPEN_READWRITE |
	    (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		diags_add(d, path, 0, 0, "cannot open the lab state: %s",
		    lab->db ? sqlite3_errmsg(lab->db) : sqlite3_errstr(rc));
		free(path);
		lab_close(lab);
		return LAB_EENV;
	}
	if (fresh)
		chmod(path, 0600);
	free(path);
	sqlite3_busy_timeout(lab->db, 10000);
	sqlite3_exec(lab->db, "PRAGMA journal_mode=WAL; PRAGMA "
	    "synchronous=NORMAL; PRAGMA foreign_keys=ON;", NULL, NULL, NULL);
	if (fresh) {
		if (sqlite3_exec(lab->db, "BEGIN IMMEDIATE", NULL, NULL,
		    NULL) != SQLITE_OK || sqlite3_exec(lab->db, schema, NULL,
		    NULL, NULL) != SQLITE_OK) {
			diags_add(d, abs, 0, 0, "cannot make the lab state: %s",
			    sqlite3_errmsg(lab->db));
			lab_close(lab);
			return LAB_EENV;
		}
		lab_meta_setf(lab, "schema", "%d", LAB_SCHEMA);
		lab_meta_set(lab, "gen", "0");
		if (sqlite3_exec(lab->db, "COMMIT", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			diags_add(d, abs, 0, 0, "cannot make the lab state: %s",
			    sqlite3_errmsg(lab->db));
			lab_close(lab);
			return LAB_EENV;
		}
	}
	v = NULL;
	if (sqlite3_exec(lab->db, "SELECT 1 FROM meta LIMIT 1", NULL, NULL,
	    NULL) != SQLITE_OK || (v = lab_meta(lab, "schema")) == NULL ||
	    atoi(v) != LAB_SCHEMA) {
		diags_add(d, abs, 0, 0, "lab.db is not a fedwiz lab of this "
		    "release (schema %s, expected %d): remove the folder and "
		    "run fedwiz lab up again", v ? v : "unknown", LAB_SCHEMA);
		free(v);
		lab_close(lab);
		return LAB_ESTATE;
	}
	free(v);
	lab->who = "lab";
	*out = lab;
	return LAB_OK;
}

void
lab_close(struct lab *lab)
{
	if (lab == NULL)
		return;
	if (lab->intx)
		lab_rollback(lab);
	if (lab->db != NULL)
		sqlite3_close(lab->db);
	free(lab->dir);
	free(lab);
}

char *
lab_path(const struct lab *lab, const char *name)
{
	return xasprintf("%s/%s", lab->dir, name);
}

int
lab_begin(struct lab *lab)
{
	if (lab->intx)
		return LAB_OK;
	if (sqlite3_exec(lab->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		fatal("lab state %s: %s", lab->dir, sqlite3_errmsg(lab->db));
	lab->intx = 1;
	lab->changed = 0;
	return LAB_OK;
}

int
lab_commit(struct lab *lab)
{
	int	changed = lab->changed;

	if (!lab->intx)
		return LAB_OK;
	if (changed)
		sqlite3_exec(lab->db, "UPDATE meta SET value = CAST(value AS "
		    "INTEGER) + 1 WHERE key = 'gen'", NULL, NULL, NULL);
	if (sqlite3_exec(lab->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		fatal("lab state %s: %s", lab->dir, sqlite3_errmsg(lab->db));
	lab->intx = 0;
	lab->changed = 0;
	if (changed && lab->settle != NULL)
		lab->settle(lab);
	return LAB_OK;
}

void
lab_rollback(struct lab *lab)
{
	if (!lab->intx)
		return;
	sqlite3_exec(lab->db, "ROLLBACK", NULL, NULL, NULL);
	lab->intx = 0;
	lab->changed = 0;
}

int64_t
lab_gen(struct lab *lab)
{
	return lab_meta_int(lab, "gen", 0);
}

void
lab_log(struct lab *lab, const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	/* A log line is not a change of the estate (a restart says so and
	 * changes nothing): the generation is left alone. */
	{
		int	was = lab->changed;

		lab_run(lab, lab_stmt(lab, "INSERT INTO log (at, who, what) "
		    "VALUES (?, ?, ?)", "iss", (int64_t)time(NULL), lab->who,
		    what));
		lab->changed = was;
	}
	free(what);
}

char *
lab_log_since(struct lab *lab, int64_t after, int64_t *last)
{
	sqlite3_stmt	*st;
	struct buf	 b;

	buf_init(&b);
	*last = after;
	st = lab_stmt(lab, "SELECT id, what FROM log WHERE id > ? ORDER BY "
	    "id", "i", after);
	while (lab_step(lab, st)) {
		*last = sqlite3_column_int64(st, 0);
		buf_printf(&b, "%s\n", sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return b.s != NULL ? buf_steal(&b) : xstrdup("");
}

char *
lab_host_digest(struct lab *lab, const char *host, const char *scope)
{
	sqlite3_stmt	*st;
	struct buf	 b;
	char		 hex[65];
	int		 i, n;

	buf_init(&b);
	st = lab_stmt(lab, "SELECT o.scope, o.class, o.ident, p.name, p.type, "
	    "p.value FROM objects o LEFT JOIN props p ON p.obj = o.id WHERE "
	    "o.scope IN (?, ?) AND o.class != 'LabRole' ORDER BY o.id, p.ord",
	    "ss", host, scope);
	while (lab_step(lab, st)) {
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			buf_printf(&b, "%s\037", t ? (const char *)t : "");
		}
		buf_addc(&b, '\n');
	}
	sqlite3_finalize(st);
	st = lab_stmt(lab, "SELECT store, cert, name FROM stores WHERE host = ? "
	    "ORDER BY store, ord", "s", host);
	while (lab_step(lab, st))
		buf_printf(&b, "%s %lld %s\n", sqlite3_column_text(st, 0),
		    (long long)sqlite3_column_int64(st, 1),
		    sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	st = lab_stmt(lab, "SELECT path, length(data), mtime FROM files WHERE "
	    "host = ? ORDER BY path", "s", host);
	while (lab_step(lab, st))
		buf_printf(&b, "%s %lld\n", sqlite3_column_text(st, 0),
		    (long long)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	sha256_hex(b.s ? b.s : "", b.len, hex);
	buf_free(&b);
	return xstrdup(hex);
}

/* ---- meta ----------------------------------------------------------- */

char *
lab_meta(struct lab *lab, const char *key)
{
	return lab_one(lab, lab_stmt(lab, "SELECT value FROM meta WHERE key "
	    "= ?", "s", key));
}

int64_t
lab_meta_int(struct lab *lab, const char *key, int64_t def)
{
	char	*v = lab_meta(lab, key), *end;
	int64_t	 n = def;

	if (v != NULL) {
		n = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0')
			n = def;
	}
	free(v);
	return n;
}

void
lab_meta_set(struct lab *lab, const char *key, const char *value)
{
	lab_run(lab, lab_stmt(lab, "INSERT OR REPLACE INTO meta (key, value) "
	    "VALUES (?, ?)", "ss", key, value));
}

void
lab_meta_setf(struct lab *lab, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	*v;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	lab_meta_set(lab, key, v);
	free(v);
}

/* ---- hosts ---------------------------------------------------------- */

static void
copy(char *dst, size_t n, const unsigned char *src)
{
	snprintf(dst, n, "%s", src != NULL ? (const char *)src : "");
}

static void
host_row(sqlite3_stmt *st, struct lab_host *h)
{
	memset(h, 0, sizeof(*h));
	copy(h->name, sizeof(h->name), sqlite3_column_text(st, 0));
	h->ord = sqlite3_column_int(st, 1);
	copy(h->kind, sizeof(h->kind), sqlite3_column_text(st, 2));
	copy(h->title, sizeof(h->title), sqlite3_column_text(st, 3));
	copy(h->fqdn, sizeof(h->fqdn), sqlite3_column_text(st, 4));
	copy(h->address, sizeof(h->address), sqlite3_column_text(st, 5));
	copy(h->profile, sizeof(h->profile), sqlite3_column_text(st, 6));
	copy(h->scope, sizeof(h->scope), sqlite3_column_text(st, 7));
	copy(h->domain, sizeof(h->domain), sqlite3_column_text(st, 8));
	copy(h->runbooks, sizeof(h->runbooks), sqlite3_column_text(st, 9));
}

#define HOST_COLS "name, ord, kind, title, fqdn, address, profile, scope, " \
	"domain, runbooks"

int
lab_host_get(struct lab *lab, const char *name, struct lab_host *h)
{
	sqlite3_stmt	*st;
	int		 found;

	st = lab_stmt(lab, "SELECT " HOST_COLS " FROM hosts WHERE name = ?",
	    "s", name);
	if ((found = lab_step(lab, st)))
		host_row(st, h);
	sqlite3_finalize(st);
	return found ? 0 : -1;
}

int
lab_host_find(struct lab *lab, const char *what, struct lab_host *h)
{
	sqlite3_stmt	*st;
	int		 found;

	st = lab_stmt(lab, "SELECT " HOST_COLS " FROM hosts WHERE name = ?1 "
	    "COLLATE NOCASE OR fqdn = ?1 COLLATE NOCASE OR address = ?1",
	    "s", what);
	if ((found = lab_step(lab, st)))
		host_row(st, h);
	sqlite3_finalize(st);
	return found ? 0 : -1;
}

int
lab_hosts(struct lab *lab, struct lab_host **v, size_t *n)
{
	sqlite3_stmt	*st;

	*v = NULL;
	*n = 0;
	st = lab_stmt(lab, "SELECT " HOST_COLS " FROM hosts ORDER BY ord",
	    NULL);
	while (lab_step(lab, st)) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		host_row(st, &(*v)[(*n)++]);
	}
	sqlite3_finalize(st);
	return 0;
}

void
lab_host_put(struct lab *lab, const struct lab_host *h)
{
	lab_run(lab, lab_stmt(lab, "INSERT OR REPLACE INTO hosts (" HOST_COLS
	    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "sdssssssss", h->name,
	    h->ord, h->kind, h->title, h->fqdn, h->address, h->profile,
	    h->scope, h->domain, h->runbooks));
}

/* ---- objects -------------------------------------------------------- */

int64_t
lab_obj_find(struct lab *lab, const char *scope, const char *cls,
    const char *ident)
{
	return lab_one_int(lab, lab_stmt(lab, "SELECT id FROM objects WHERE "
	    "scope = ? AND class = ? AND ident = ?", "sss", scope, cls, ident),
	    0);
}

int64_t
lab_obj_ensure(struct lab *lab, const char *scope, const char *cls,
    const char *ident)
{
	int64_t	id;

	if ((id = lab_obj_find(lab, scope, cls, ident)) != 0)
		return id;
	lab_run(lab, lab_stmt(lab, "INSERT INTO objects (scope, class, ident) "
	    "VALUES (?, ?, ?)", "sss", scope, cls, ident));
	return sqlite3_last_insert_rowid(lab->db);
}

void
lab_obj_delete(struct lab *lab, int64_t id)
{
	lab_run(lab, lab_stmt(lab, "DELETE FROM props WHERE obj = ?", "i", id));
	lab_run(lab, lab_stmt(lab, "DELETE FROM objects WHERE id = ?", "i",
	    id));
}

int
lab_obj_load(struct lab *lab, int64_t id, struct lab_obj *o)
{
	sqlite3_stmt	*st;
	struct lab_prop	*p;

	memset(o, 0, sizeof(*o));
	st = lab_stmt(lab, "SELECT scope, class, ident FROM objects WHERE id "
	    "= ?", "i", id);
	if (!lab_step(lab, st)) {
		sqlite3_finalize(st);
		return -1;
	}
	o->id = id;
	o->scope = lab_col(st, 0);
	o->cls = lab_col(st, 1);
	o->ident = lab_col(st, 2);
	sqlite3_finalize(st);
	st = lab_stmt(lab, "SELECT name, type, value FROM props WHERE obj = ? "
	    "ORDER BY ord", "i", id);
	while (lab_step(lab, st)) {
		o->p = xreallocarray(o->p, o->n + 1, sizeof(*o->p));
		p = &o->p[o->n++];
		p->name = lab_col(st, 0);
		p->type = (char)sqlite3_column_text(st, 1)[0];
		p->value = lab_col(st, 2);
	}
	sqlite3_finalize(st);
	return 0;
}

void
lab_obj_free(struct lab_obj *o)
{
	size_t	i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n; i++) {
		free(o->p[i].name);
		free(o->p[i].value);
	}
	free(o->p);
	free(o->scope);
	free(o->cls);
	free(o->ident);
	memset(o, 0, sizeof(*o));
}

int64_t *
lab_obj_list(struct lab *lab, const char *scope, const char *cls, size_t *n)
{
	sqlite3_stmt	*st;
	int64_t		*v = NULL;

	*n = 0;
	if (scope != NULL)
		st = lab_stmt(lab, "SELECT id FROM objects WHERE scope = ? AND "
		    "class = ? ORDER BY id", "ss", scope, cls);
	else
		st = lab_stmt(lab, "SELECT id FROM objects WHERE class = ? "
		    "ORDER BY id", "s", cls);
	while (lab_step(lab, st)) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return v;
}

char *
lab_prop(struct lab *lab, int64_t id, const char *name, char *t)
{
	sqlite3_stmt	*st;
	char		*v = NULL;

	if (t != NULL)
		*t = 0;
	st = lab_stmt(lab, "SELECT type, value FROM props WHERE obj = ? AND "
	    "name = ?", "is", id, name);
	if (lab_step(lab, st)) {
		if (t != NULL)
			*t = (char)sqlite3_column_text(st, 0)[0];
		v = lab_col(st, 1);
	}
	sqlite3_finalize(st);
	return v;
}

int
lab_prop_bool(struct lab *lab, int64_t id, const char *name, int def)
{
	char	*v = lab_prop(lab, id, name, NULL);
	int	 b = def;

	if (v != NULL)
		b = lab_ieq(v, "True") || strcmp(v, "1") == 0;
	free(v);
	return b;
}

int64_t
lab_prop_int(struct lab *lab, int64_t id, const char *name, int64_t def)
{
	char	*v = lab_prop(lab, id, name, NULL);
	int64_t	 n = def;

	if (v != NULL && *v != '\0')
		n = strtoll(v, NULL, 10);
	free(v);
	return n;
}

void
lab_set(struct lab *lab, int64_t id, const char *name, char type,
    const char *value)
{
	char	t[2] = { type, '\0' };

	lab_run(lab, lab_stmt(lab, "INSERT INTO props (obj, ord, name, type, "
	    "value) VALUES (?1, (SELECT COALESCE(MAX(ord), 0) + 1 FROM props "
	    "WHERE obj = ?1), ?2, ?3, ?4) ON CONFLICT (obj, name) DO UPDATE "
	    "SET type = ?3, value = ?4 WHERE type IS NOT ?3 OR value IS NOT ?4",
	    "isss", id, name, t, type == 'n' ? NULL : value));
}

void
lab_sets(struct lab *lab, int64_t id, const char *name, const char *value)
{
	lab_set(lab, id, name, value == NULL ? 'n' : 's', value);
}

void
lab_setb(struct lab *lab, int64_t id, const char *name, int b)
{
	lab_set(lab, id, name, 'b', b ? "True" : "False");
}

void
lab_seti(struct lab *lab, int64_t id, const char *name, int64_t n)
{
	char	v[32];

	snprintf(v, sizeof(v), "%lld", (long long)n);
	lab_set(lab, id, name, 'i', v);
}

void
lab_unset(struct lab *lab, int64_t id, const char *name)
{
	lab_run(lab, lab_stmt(lab, "DELETE FROM props WHERE obj = ? AND name "
	    "= ?", "is", id, name));
}

int64_t
lab_obj_where(struct lab *lab, const char *scope, const char *cls,
    const char *prop, const char *value)
{
	return lab_one_int(lab, lab_stmt(lab, "SELECT o.id FROM objects o "
	    "JOIN props p ON p.obj = o.id WHERE o.scope = ? AND o.class = ? "
	    "AND p.name = ? AND p.value = ? COLLATE NOCASE ORDER BY o.id "
	    "LIMIT 1", "ssss", scope, cls, prop, value), 0);
}

char *
lab_reg_get(struct lab *lab, const char *host, const char *key,
    const char *name)
{
	int64_t	id = lab_obj_find(lab, host, "Registry", key);

	return id == 0 ? NULL : lab_prop(lab, id, name, NULL);
}

void
lab_reg_set(struct lab *lab, const char *host, const char *key,
    const char *name, char type, const char *value)
{
	lab_set(lab, lab_obj_ensure(lab, host, "Registry", key), name, type,
	    value);
}

char *
lab_service_status(struct lab *lab, const char *host, const char *name)
{
	int64_t	id = lab_obj_find(lab, host, "Service", name);

	return id == 0 ? NULL : lab_prop(lab, id, "Status", NULL);
}

void
lab_service_set(struct lab *lab, const char *host, const char *name,
    const char *status)
{
	int64_t	id = lab_obj_find(lab, host, "Service", name);

	if (id != 0)
		lab_sets(lab, id, "Status", status);
}

/* ---- certificates and stores ---------------------------------------- */

int
lab_cert_load(struct lab *lab, int64_t id, struct lab_cert *c)
{
	sqlite3_stmt	*st;

	memset(c, 0, sizeof(*c));
	st = lab_stmt(lab, "SELECT c.key, c.issuer, c.subject, c.cn, c.sans, "
	    "c.ekus, c.ca, c.not_before, c.not_after, c.serial, c.thumbprint, "
	    "c.pem, c.friendly, COALESCE(i.subject, c.subject) FROM certs c "
	    "LEFT JOIN certs i ON i.id = c.issuer WHERE c.id = ?", "i", id);
	if (!lab_step(lab, st)) {
		sqlite3_finalize(st);
		return -1;
	}
	c->id = id;
	c->key = sqlite3_column_int64(st, 0);
	c->issuer = sqlite3_column_int64(st, 1);
	c->subject = lab_col(st, 2);
	c->cn = lab_col(st, 3);
	c->sans = lab_col(st, 4);
	c->ekus = lab_col(st, 5);
	c->ca = sqlite3_column_int(st, 6);
	c->not_before = (time_t)sqlite3_column_int64(st, 7);
	c->not_after = (time_t)sqlite3_column_int64(st, 8);
	c->serial = lab_col(st, 9);
	c->thumbprint = lab_col(st, 10);
	c->pem = lab_col(st, 11);
	c->friendly = lab_col(st, 12);
	c->issuer_name = lab_col(st, 13);
	sqlite3_finalize(st);
	return 0;
}

void
lab_cert_free(struct lab_cert *c)
{
	if (c == NULL)
		return;
	free(c->subject);
	free(c->cn);
	free(c->sans);
	free(c->ekus);
	free(c->serial);
	free(c->thumbprint);
	free(c->pem);
	free(c->friendly);
	free(c->issuer_name);
	memset(c, 0, sizeof(*c));
}

int64_t
lab_cert_by_thumb(struct lab *lab, const char *thumb)
{
	return lab_one_int(lab, lab_stmt(lab, "SELECT id FROM certs WHERE "
	    "thumbprint = ?", "s", thumb), 0);
}

void
lab_store_add(struct lab *lab, const char *host, const char *store,
    int64_t cert, const char *name)
{
	lab_run(lab, lab_stmt(lab, "INSERT INTO stores (host, store, cert, "
	    "name, ord) VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(ord), 0) "
	    "+ 1 FROM stores WHERE host = ?1 AND store = ?2)) ON CONFLICT DO "
	    "NOTHING", "ssis", host, store,
	    cert, name != NULL ? name : ""));
}

void
lab_store_remove(struct lab *lab, const char *host, const char *store,
    int64_t cert)
{
	lab_run(lab, lab_stmt(lab, "DELETE FROM stores WHERE host = ? AND "
	    "store = ? AND cert = ?", "ssi", host, store, cert));
}

void
lab_store_remove_name(struct lab *lab, const char *host, const char *store,
    const char *name)
{
	lab_run(lab, lab_stmt(lab, "DELETE FROM stores WHERE host = ? AND "
	    "store = ? AND name = ?", "sss", host, store, name));
}

int64_t *
lab_store_list(struct lab *lab, const char *host, const char *store,
    size_t *n, char ***names)
{
	sqlite3_stmt	*st;
	int64_t		*v = NULL;

	*n = 0;
	if (names != NULL)
		*names = NULL;
	st = lab_stmt(lab, "SELECT cert, name FROM stores WHERE host = ? AND "
	    "store = ? ORDER BY ord", "ss", host, store);
	while (lab_step(lab, st)) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		if (names != NULL) {
			*names = xreallocarray(*names, *n + 1,
			    sizeof(**names));
			(*names)[*n] = lab_col(st, 1);
		}
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return v;
}

int
lab_store_has(struct lab *lab, const char *host, const char *store,
    int64_t cert)
{
	return lab_one_int(lab, lab_stmt(lab, "SELECT COUNT(*) FROM stores "
	    "WHERE host = ? AND store = ? AND cert = ?", "ssi", host, store,
	    cert), 0) > 0;
}

int64_t
lab_store_get(struct lab *lab, const char *host, const char *store,
    const char *name)
{
	return lab_one_int(lab, lab_stmt(lab, "SELECT cert FROM stores WHERE "
	    "host = ? AND store = ? AND name = ? COLLATE NOCASE ORDER BY ord "
	    "DESC LIMIT 1", "sss", host, store, name), 0);
}

/* ---- files ----------------------------------------------------------- */

/* A device path as a relative path under DIR/hosts/HOST: drive letters
 * lower case, backslashes to slashes, nothing that climbs. NULL when the
 * path cannot be one. */
static char *
local_rel(const char *path, int fold)
{
	struct buf	 b;
	const char	*p = path;
	char		*s, *seg, *save;

	buf_init(&b);
	if (isalpha((unsigned char)p[0]) && p[1] == ':') {
		buf_addc(&b, (char)tolower((unsigned char)p[0]));
		p += 2;
	} else
		buf_adds(&b, "files");
	s = xstrdup(p);
	for (seg = strtok_r(s, "\\/", &save); seg != NULL;
	    seg = strtok_r(NULL, "\\/", &save)) {
		if (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0 ||
		    strchr(seg, ':') != NULL) {
			free(s);
			buf_free(&b);
			return NULL;
		}
		buf_addc(&b, '/');
		for (; *seg != '\0'; seg++)
			buf_addc(&b, fold ? (char)tolower((unsigned char)*seg) :
			    *seg);
	}
	free(s);
	return buf_steal(&b);
}

char *
lab_file_local(struct lab *lab, const char *host, const char *path)
{
	char	*rel, *p;

	/* A Windows server's paths fold case (its file system does); this
	 * computer's keep theirs. */
	if ((rel = local_rel(path, strcmp(host, "local") != 0)) == NULL)
		return NULL;
	/* "local": the operator's own computer, where a web page's download
	 * lands; DIR/local/NAME. */
	if (strcmp(host, "local") == 0)
		p = xasprintf("%s/local/%s", lab->dir, strncmp(rel, "files/",
		    6) == 0 ? rel + 6 : rel);
	else
		p = xasprintf("%s/hosts/%s/%s", lab->dir, host, rel);
	free(rel);
	return p;
}

int
lab_file_write(struct lab *lab, const char *host, const char *path,
    const void *data, size_t len)
{
	char		*local, *slash;
	struct diags	 d;
	int		 fd;

	lab_run(lab, lab_stmt(lab, "INSERT OR REPLACE INTO files (host, path, "
	    "data, mtime) VALUES (?, ?, ?, ?)", "ssBi", host, path, data, len,
	    (int64_t)time(NULL)));
	if ((local = lab_file_local(lab, host, path)) == NULL)
		return 0;
	slash = strrchr(local, '/');
	*slash = '\0';
	diags_init(&d);
	if (mkdirs(local, &d) == 0) {
		*slash = '/';
		/* The local copy: the lab's own folder, no symlinks followed
		 * (O_NOFOLLOW), replaced whole. */
		unlink(local);
		fd = open(local, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd != -1) {
			if (write(fd, data, len) != (ssize_t)len)
				unlink(local);
			close(fd);
		}
	}
	diags_free(&d);
	free(local);
	return 0;
}

int
lab_file_read(struct lab *lab, const char *host, const char *path,
    char **data, size_t *len)
{
	sqlite3_stmt	*st;
	const void	*p;
	int		 n;

	st = lab_stmt(lab, "SELECT data FROM files WHERE host = ? AND path = "
	    "?", "ss", host, path);
	if (!lab_step(lab, st)) {
		sqlite3_finalize(st);
		return -1;
	}
	p = sqlite3_column_blob(st, 0);
	n = sqlite3_column_bytes(st, 0);
	*data = xmalloc((size_t)n + 1);
	if (n > 0)
		memcpy(*data, p, (size_t)n);
	(*data)[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	sqlite3_finalize(st);
	return 0;
}

/* ---- DNS ------------------------------------------------------------- */

void
lab_dns_set(struct lab *lab, const char *name, const char *type,
    const char *value)
{
	lab_dns_del(lab, name, type);
	lab_run(lab, lab_stmt(lab, "INSERT INTO dns (name, type, value) "
	    "VALUES (?, ?, ?)", "sss", name, type, value));
}

void
lab_dns_del(struct lab *lab, const char *name, const char *type)
{
	lab_run(lab, lab_stmt(lab, "DELETE FROM dns WHERE name = ? AND type "
	    "= ?", "ss", name, type));
}

/* ---- helpers ---------------------------------------------------------- */

int
lab_ieq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcasecmp(a, b) == 0;
}

char *
lab_libexec(const char *prog)
{
	char	 self[PATH_MAX], *p;
	ssize_t	 n;

	/* From the build tree (wizard/fedwiz or lab/fedwiz-lab-*): the
	 * build tree's lab/. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if (strncmp(self, FEDWIZ_BUILDDIR "/", strlen(FEDWIZ_BUILDDIR)
		    + 1) == 0) {
			p = xasprintf("%s/lab/%s", FEDWIZ_BUILDDIR, prog);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xasprintf("%s/%s", FEDWIZ_LIBEXECDIR, prog);
}
