/*
 * crash_driver: kill -9 fedwiz at random moments of step transitions made
 * by several writers at once, then check that nothing acknowledged was
 * lost and nothing half-done was left.
 *
 *   crash_driver [-k KILLS] [-m MIN] [-s SEED] [-t SECONDS] [-w WRITERS]
 *       [-H CONSOLE_HOLDER] FEDWIZ DB SESSION STEPS
 *
 * STEPS is a file of "PROC HOST STEP" lines (HOST "-" for a procedure done
 * once). WRITERS (default 2) run at the same time, each on its own share
 * of the steps (step i belongs to writer i mod WRITERS), so each knows the
 * one valid move from where its step is, while SQLite serialises their
 * transactions on the one database. Each transition reads its step's
 * status straight from the database (read-only) and runs
 *
 *   fedwiz --state DB step PROC[@HOST] STEP done|skip|fail|reopen
 *       --note t<i> --session SESSION --operator crash --force
 *
 * where i is the transition's serial number. About half of them get
 * SIGKILL after a random delay. Half of those delays are spread over the
 * whole life of a command (0 to 1.1 times its typical length, measured
 * first and kept up to date), so kills land before the database is open,
 * while the runbook loads, while it waits for the other writer's
 * transaction, inside its own, after COMMIT; the other half aim at the
 * span just before the moment COMMIT is seen to return (learnt from where
 * the whole-life kills found the transition committed or not).
 * With -H, now and then a real console (as the wizard is) joins the
 * session for a while and is killed: nobody is held back by it, and no
 * listing shows it once it is dead.
 *
 * It stops once KILLS kills landed on a running child, or at the deadline
 * (-t), then checks the database. The deadline bounds the time a slow
 * machine spends here; it is not a verdict: a run cut short passes when
 * at least MIN kills (-m, 50) landed and nothing was violated, and fails,
 * saying so, with fewer (too little was tried to show anything).
 * Then:
 *
 *   (a) every acknowledged (exit 0) transition is in the event log once;
 *   (b) every step event is a transition issued here, at most once, on
 *       the step and with the move that was issued, each writer's in its
 *       issue order;
 *   (c) a killed transition is wholly there (event, and the step row
 *       unless a later transition replaced it) or wholly absent;
 *   (d) the steps table is the replay of the event log;
 *   (e) PRAGMA integrity_check is ok; (f) fedwiz audit verify exits 0;
 *
 * and that no dead console is listed. It prints one summary line; exit 0
 * when all holds, 1 on any violation, 2 on bad usage.
 * Links SQLite only: it must not share code with what it checks.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define CALIBRATION_RUNS	9	/* unkilled rounds to time first */
#define RECENT			15	/* durations kept for the median */
#define CHILD_TIMEOUT		20	/* seconds one fedwiz may take */
#define MAX_REPORTED		20	/* violations printed in full */
#define KILL_SPAN		1.1	/* kill delays: 0 .. KILL_SPAN * median */
#define AIM_BEFORE		0.3	/* aimed kills: commit - 0.3 .. commit */
#define AIM_AFTER		0.05	/* + 0.05, in medians */
#define AIM_AFTER_SEEN		5	/* commits seen before aiming */
#define CONSOLE_EVERY		25	/* about one transition in this many
					   starts a console (-H) */
#define MAX_WRITERS		8

struct target {
	char	*proc;
	char	*host;		/* "" for a procedure done once */
	long	 step;
};

/* One issued transition; serial i is tr[i - 1]. */
struct transition {
	size_t	 target;
	size_t	 writer;
	char	 from[16];	/* as stored: pending done skipped failed */
	char	 to[16];
	int	 acked;		/* exited 0 */
	int	 killed;	/* SIGKILL landed */
	int	 aimed;	/* killed: a delay aimed at the commit */
	int	 committed;	/* killed: yet there on disk */
	int	 unsure;	/* killed: not read back yet */
	double	 frac;		/* killed: delay / median */
	size_t	 nevents;	/* found in the event log */
	size_t	 seen;		/* so far, walking the log */
};

static const char	*fedwiz, *dbpath, *session, *holder;
static struct target	*targets;
static size_t		 ntargets;
static struct transition *tr;
static size_t		 ntr;
static char		 errpath[MAX_WRITERS][4096];
static size_t		 nwriters = 2;
static uint64_t		 rng;
static size_t		 nviolations;

static void
die(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fputs("crash_driver: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void
violation(const char *what, const char *fmt, ...)
{
	va_list	ap;

	if (nviolations++ >= MAX_REPORTED)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "crash_driver: VIOLATION %s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		die("out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	char	*p = strdup(s);

	if (p == NULL)
		die("out of memory");
	return p;
}

/* splitmix64: small, and the same sequence for the same seed. */
static uint64_t
rnd(void)
{
	uint64_t	z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t
rnd_below(size_t n)
{
	return (size_t)(rnd() % n);
}

static double
rnd_unit(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(const double *v, size_t n)
{
	double	s[RECENT];

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s[n / 2];
}

/*
 * Where COMMIT returns, in medians of a command's life: the delay that
 * best splits whole-life kills into rolled back (before) and committed
 * (after). -1 until enough commits were seen.
 */
static double
commit_point(void)
{
	double	 best = -1;
	size_t	 i, k, wrong, fewest = SIZE_MAX, seen = 0;

	for (i = 0; i < ntr; i++)
		seen += tr[i].killed && !tr[i].aimed && tr[i].committed;
	if (seen < AIM_AFTER_SEEN)
		return -1;
	for (i = 0; i < ntr; i++) {
		if (!tr[i].killed || tr[i].aimed || !tr[i].committed)
			continue;
		for (wrong = 0, k = 0; k < ntr; k++)
			if (tr[k].killed && !tr[k].aimed &&
			    tr[k].committed != (tr[k].frac >= tr[i].frac))
				wrong++;
		if (wrong < fewest) {
			fewest = wrong;
			best = tr[i].frac;
		}
	}
	/* Whole-life kills go no later than this anyway. */
	return best < KILL_SPAN ? best : KILL_SPAN;
}

static void
load_targets(const char *path)
{
	FILE	*fp;
	char	 line[512], proc[200], host[200];
	long	 step;

	if ((fp = fopen(path, "r")) == NULL)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%199s %199s %ld", proc, host, &step) != 3 ||
		    step < 1)
			die("%s: not \"PROC HOST STEP\": %s", path, line);
		targets = xrealloc(targets, (ntargets + 1) * sizeof(*targets));
		targets[ntargets].proc = xstrdup(proc);
		targets[ntargets].host = xstrdup(strcmp(host, "-") == 0 ? "" :
		    host);
		targets[ntargets].step = step;
		ntargets++;
	}
	fclose(fp);
	if (ntargets == 0)
		die("%s: no steps", path);
}

static size_t
find_target(const char *proc, const char *host, long step)
{
	size_t	i;

	for (i = 0; i < ntargets; i++)
		if (strcmp(targets[i].proc, proc) == 0 &&
		    strcmp(targets[i].host, host) == 0 &&
		    targets[i].step == step)
			return i;
	return SIZE_MAX;
}

/* The database as a restarted fedwiz would find it: a fresh read-only
 * connection, closed again before the next child runs so that each fedwiz
 * is alone with the file (and checkpoints on exit, as in real life). */
static sqlite3 *
db_open(void)
{
	sqlite3	*db;

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		die("%s: %s", dbpath, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static sqlite3_stmt *
db_prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die("%s: %s: %s", dbpath, sql, sqlite3_errmsg(db));
	return s;
}

static void
step_row(sqlite3 *db, const struct target *t, char status[16],
    char note[64], int *exists)
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 rc;

	s = db_prep(db, "SELECT status, coalesce(note, '') FROM steps WHERE "
	    "session_id = ? AND proc = ? AND host = ? AND step = ?");
	sqlite3_bind_text(s, 1, session, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, t->proc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, t->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, t->step);
	rc = sqlite3_step(s);
	*exists = rc == SQLITE_ROW;
	snprintf(status, 16, "pending");
	note[0] = '\0';
	if (rc == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		snprintf(status, 16, "%s", v != NULL ? v : "?");
		v = (const char *)sqlite3_column_text(s, 1);
		snprintf(note, 64, "%s", v != NULL ? v : "");
	} else if (rc != SQLITE_DONE)
		die("%s: reading a step: %s", dbpath, sqlite3_errmsg(db));
	sqlite3_finalize(s);
}

static void
show_child_stderr(size_t w)
{
	char	 buf[2048];
	FILE	*fp;
	size_t	 n;

	if ((fp = fopen(errpath[w], "r")) == NULL)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	fprintf(stderr, "--- its stderr:\n%s---\n", buf);
}

/* A child of this driver: a transition of a writer, or the console. */
struct child {
	pid_t	 pid;
	int	 fd;		/* its pidfd; -1: poll by time */
	double	 start;
	double	 kill_at;	/* < 0: not to be killed */
	int	 kill_sent;
	size_t	 tr;		/* serial of its transition */
};

static int
pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

static pid_t
spawn(char **argv, const char *err, int out_fd)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (err != NULL && (fd = open(err, O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) != -1) {
			dup2(fd, 2);
			close(fd);
		}
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(out_fd != -1 ? out_fd : fd, 1);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Start transition i (writer w) on target t; killed at kill_at (< 0:
 * never) by the loop. */
static void
start_step(struct child *c, size_t w, size_t i, const struct target *t,
    const char *action, double delay)
{
	char	 what[400], stepno[32], note[32], sid[64];
	char	*argv[20];
	int	 argc = 0;

	snprintf(what, sizeof(what), "%s%s%s", t->proc, *t->host ? "@" : "",
	    t->host);
	snprintf(stepno, sizeof(stepno), "%ld", t->step);
	snprintf(note, sizeof(note), "t%zu", i);
	snprintf(sid, sizeof(sid), "%s", session);
	argv[argc++] = (char *)(uintptr_t)fedwiz;
	argv[argc++] = (char *)(uintptr_t)"--state";
	argv[argc++] = (char *)(uintptr_t)dbpath;
	argv[argc++] = (char *)(uintptr_t)"step";
	argv[argc++] = what;
	argv[argc++] = stepno;
	argv[argc++] = (char *)(uintptr_t)action;
	argv[argc++] = (char *)(uintptr_t)"--note";
	argv[argc++] = note;
	argv[argc++] = (char *)(uintptr_t)"--session";
	argv[argc++] = sid;
	argv[argc++] = (char *)(uintptr_t)"--operator";
	argv[argc++] = (char *)(uintptr_t)"crash";
	/* The plan's blocked-by rules are not what is under test. */
	argv[argc++] = (char *)(uintptr_t)"--force";
	argv[argc] = NULL;

	c->start = now_s();
	c->pid = spawn(argv, errpath[w], -1);
	c->fd = pidfd_of(c->pid);
	c->kill_at = delay >= 0 ? c->start + delay : -1;
	c->kill_sent = 0;
	c->tr = i;
}

/* A real console (as the wizard is) joins the session: "joined". */
static void
start_console(struct child *c)
{
	struct pollfd	 pfd;
	char		 buf[64];
	char		*argv[5];
	ssize_t		 n = 0;
	int		 p[2];

	if (pipe(p) == -1)
		die("pipe: %s", strerror(errno));
	argv[0] = (char *)(uintptr_t)holder;
	argv[1] = (char *)(uintptr_t)dbpath;
	argv[2] = (char *)(uintptr_t)session;
	argv[3] = (char *)(uintptr_t)"crash-console";
	argv[4] = NULL;
	c->pid = spawn(argv, NULL, p[1]);
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, CHILD_TIMEOUT * 1000) == 1)
		n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	if (n < 6 || strncmp(buf, "joined", 6) != 0) {
		kill(c->pid, SIGKILL);
		die("the console %s did not say \"joined\"", holder);
	}
}

static void
stop_console(struct child *c)
{
	int	status;

	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &status, 0) == -1 && errno == EINTR)
		;
	c->pid = 0;
}

/* "from -> to: t<i>" with maybe "; extra" after; 0 when it is not. */
static int
parse_detail(const char *d, char from[16], char to[16], size_t *serial)
{
	const char	*arrow, *colon, *p;
	char		*end;
	size_t		 n;
	unsigned long long v;

	if ((arrow = strstr(d, " -> ")) == NULL ||
	    (n = (size_t)(arrow - d)) == 0 || n >= 16)
		return 0;
	memcpy(from, d, n);
	from[n] = '\0';
	if ((colon = strstr(arrow + 4, ": t")) == NULL ||
	    (n = (size_t)(colon - arrow - 4)) == 0 || n >= 16)
		return 0;
	memcpy(to, arrow + 4, n);
	to[n] = '\0';
	p = colon + 3;
	if (*p < '0' || *p > '9')
		return 0;
	errno = 0;
	v = strtoull(p, &end, 10);
	/* "t12" must not match "t123": the number ends the note. */
	if (errno != 0 || (*end != '\0' && *end != ';') || v == 0)
		return 0;
	*serial = (size_t)v;
	return 1;
}

struct replay {
	char	 state[16];
	size_t	 last;		/* serial of the last event, 0: none */
};

struct result {
	size_t		 lost;		/* acknowledged, not once in the log */
	size_t		 present_killed;
	size_t		 absent_killed;
	size_t		 nstep_events;
	int		 integrity_ok;
	int		 audit_ok;
	int		 consoles_ok;
};

static void
verify(struct result *r)
{
	struct replay	*rp;
	sqlite3		*db = db_open();
	sqlite3_stmt	*s;
	const char	*kind, *proc, *host, *detail, *ic;
	char		 from[16], to[16], status[16], note[64], cmd[8192];
	char		 out[4096] = "";
	size_t		 i, j, t, prev_serial[MAX_WRITERS] = { 0 }, w, n = 0;
	long long	 id;
	int		 exists, rc;
	FILE		*fp;

	rp = calloc(ntargets, sizeof(*rp));
	if (rp == NULL)
		die("out of memory");
	for (t = 0; t < ntargets; t++)
		snprintf(rp[t].state, sizeof(rp[t].state), "pending");
	memset(r, 0, sizeof(*r));

	/* First count each transition's events, so that what is lost or
	 * half there is said before what follows from it. */
	s = db_prep(db, "SELECT detail FROM events WHERE session_id = ? AND "
	    "kind = 'step'");
	sqlite3_bind_text(s, 1, session, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (parse_detail((const char *)sqlite3_column_text(s, 0), from,
		    to, &j) && j <= ntr)
			tr[j - 1].nevents++;
	sqlite3_finalize(s);

	/* (a) nothing acknowledged is lost; (c) nothing killed is half. */
	for (i = 0; i < ntr; i++) {
		if (tr[i].acked && tr[i].nevents != 1) {
			r->lost += tr[i].nevents == 0;
			violation("(a)", "acknowledged t%zu (%s -> %s on %s%s%s "
			    "step %ld) is in the event log %zu times", i + 1,
			    tr[i].from, tr[i].to, targets[tr[i].target].proc,
			    *targets[tr[i].target].host ? "@" : "",
			    targets[tr[i].target].host,
			    targets[tr[i].target].step, tr[i].nevents);
		}
		if (!tr[i].killed)
			continue;
		/* Right after the kill, before anything could replace it,
		 * the step row was read: it and the event go together. */
		if (tr[i].committed != (tr[i].nevents == 1))
			violation("(c)", "killed t%zu (%s -> %s on %s%s%s step "
			    "%ld) is half there: the step row %s, its event "
			    "%s", i + 1, tr[i].from, tr[i].to,
			    targets[tr[i].target].proc,
			    *targets[tr[i].target].host ? "@" : "",
			    targets[tr[i].target].host,
			    targets[tr[i].target].step, tr[i].committed ?
			    "was written" : "was not", tr[i].nevents ?
			    "is in the log" : "is not");
		if (tr[i].nevents > 0)
			r->present_killed++;
		else
			r->absent_killed++;
	}

	s = db_prep(db, "SELECT id, kind, proc, host, step, detail FROM events "
	    "WHERE session_id = ? ORDER BY id");
	sqlite3_bind_text(s, 1, session, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		kind = (const char *)sqlite3_column_text(s, 1);
		proc = (const char *)sqlite3_column_text(s, 2);
		host = (const char *)sqlite3_column_text(s, 3);
		detail = (const char *)sqlite3_column_text(s, 5);
		if (strcmp(kind, "session-start") == 0 ||
		    strcmp(kind, "answer") == 0 || strcmp(kind, "host") == 0) {
			if (r->nstep_events > 0)
				violation("(b)", "event %lld (%s) after the "
				    "transitions began", id, kind);
			continue;
		}
		if (strcmp(kind, "step") != 0) {
			violation("(b)", "event %lld of kind %s: nothing here "
			    "does that", id, kind);
			continue;
		}
		r->nstep_events++;
		if (!parse_detail(detail, from, to, &j)) {
			violation("(b)", "event %lld \"%s\" is no transition "
			    "of this driver", id, detail);
			continue;
		}
		if (j > ntr) {
			violation("(b)", "event %lld is t%zu, never issued "
			    "(last issued t%zu)", id, j, ntr);
			continue;
		}
		if (tr[j - 1].seen++ > 0) {
			violation("(b)", "t%zu is in the event log again, as "
			    "event %lld", j, id);
			continue;
		}
		/* Writers overlap: each one's own are in order. */
		w = tr[j - 1].writer;
		if (j <= prev_serial[w])
			violation("(b)", "event %lld is t%zu, after t%zu of the "
			    "same writer: out of issue order", id, j,
			    prev_serial[w]);
		prev_serial[w] = j;
		t = find_target(proc, host,
		    (long)sqlite3_column_int64(s, 4));
		if (t != tr[j - 1].target) {
			violation("(b)", "event %lld: t%zu recorded on %s@%s "
			    "step %lld, issued on %s@%s step %ld", id, j, proc,
			    host, sqlite3_column_int64(s, 4),
			    targets[tr[j - 1].target].proc,
			    targets[tr[j - 1].target].host,
			    targets[tr[j - 1].target].step);
			continue;
		}
		if (strcmp(from, tr[j - 1].from) != 0 ||
		    strcmp(to, tr[j - 1].to) != 0)
			violation("(b)", "event %lld: t%zu recorded as %s -> "
			    "%s, issued as %s -> %s", id, j, from, to,
			    tr[j - 1].from, tr[j - 1].to);
		/* (d) the log itself replays: each move starts where the
		 * last one on that step ended. */
		if (strcmp(from, rp[t].state) != 0)
			violation("(d)", "event %lld: t%zu moves %s -> %s but "
			    "the log left the step %s", id, j, from, to,
			    rp[t].state);
		snprintf(rp[t].state, sizeof(rp[t].state), "%s", to);
		rp[t].last = j;
	}
	if (rc != SQLITE_DONE)
		die("%s: reading events: %s", dbpath, sqlite3_errmsg(db));
	sqlite3_finalize(s);

	/* (c), (d): each step row is the replay of its events; a killed
	 * transition is in the row exactly when it is the last event. */
	for (t = 0; t < ntargets; t++) {
		step_row(db, &targets[t], status, note, &exists);
		if (rp[t].last == 0) {
			if (exists)
				violation("(c)", "%s@%s step %ld has a row (%s, "
				    "note \"%s\") but no event", targets[t].proc,
				    targets[t].host, targets[t].step, status,
				    note);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "t%zu", rp[t].last);
		if (!exists || strcmp(status, rp[t].state) != 0 ||
		    strcmp(note, cmd) != 0)
			violation(tr[rp[t].last - 1].killed ? "(c)" : "(d)",
			    "%s@%s step %ld is %s (note \"%s\") in the steps "
			    "table; the event log ends with t%zu to %s%s",
			    targets[t].proc, targets[t].host, targets[t].step,
			    exists ? status : "absent", note, rp[t].last,
			    rp[t].state, tr[rp[t].last - 1].killed ?
			    " (a killed transition half there)" : "");
	}
	s = db_prep(db, "SELECT proc, host, step FROM steps WHERE "
	    "session_id = ?");
	sqlite3_bind_text(s, 1, session, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		proc = (const char *)sqlite3_column_text(s, 0);
		host = (const char *)sqlite3_column_text(s, 1);
		if (find_target(proc, host, (long)sqlite3_column_int64(s, 2)) ==
		    SIZE_MAX)
			violation("(b)", "the steps table has %s@%s step %lld, "
			    "which this driver never touched", proc, host,
			    sqlite3_column_int64(s, 2));
	}
	sqlite3_finalize(s);

	/* (e) */
	s = db_prep(db, "PRAGMA integrity_check");
	rc = sqlite3_step(s);
	ic = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
	r->integrity_ok = ic != NULL && strcmp(ic, "ok") == 0;
	if (!r->integrity_ok)
		violation("(e)", "PRAGMA integrity_check: %s",
		    ic != NULL ? ic : sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(rp);

	/* (f) through the binary, as an auditor would. */
	snprintf(cmd, sizeof(cmd), "'%s' --state '%s' audit verify "
	    ">/dev/null 2>'%s'", fedwiz, dbpath, errpath[0]);
	rc = system(cmd);
	r->audit_ok = rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
	if (!r->audit_ok) {
		violation("(f)", "fedwiz audit verify exited %d",
		    rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1);
		show_child_stderr(0);
	}

	/* Every console that joined was killed: none is listed. */
	snprintf(cmd, sizeof(cmd), "'%s' --state '%s' status --session '%s' "
	    "--json 2>'%s'", fedwiz, dbpath, session, errpath[0]);
	r->consoles_ok = 0;
	if ((fp = popen(cmd, "r")) != NULL) {
		/* Read it all (a reader that stops kills it with SIGPIPE);
		 * the consoles come early in the document. */
		n = fread(out, 1, sizeof(out) - 1, fp);
		out[n] = '\0';
		while (fread(cmd, 1, sizeof(cmd), fp) > 0)
			;
		rc = pclose(fp);
		r->consoles_ok = rc != -1 && WIFEXITED(rc) &&
		    WEXITSTATUS(rc) == 0 && strstr(out, "\"consoles\": []") !=
		    NULL;
	}
	if (!r->consoles_ok) {
		violation("consoles", "fedwiz status lists a dead console, or "
		    "failed: %.200s", out);
		show_child_stderr(0);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: crash_driver [-k KILLS] [-m MIN] [-s SEED] "
	    "[-t SECONDS] [-w WRITERS] [-H CONSOLE_HOLDER] FEDWIZ DB SESSION "
	    "STEPS\n");
	exit(2);
}

/* Run state shared by the loop's parts. */
static double	 recent[RECENT], med;
static size_t	 nrecent, landed, sent, acked, aimed, buckets[5], overlapped;
static struct child *writers_kids;	/* to tell whether another runs */

/* The next transition of writer w: its own step, the one valid move. */
static void
next_transition(struct child *c, size_t w)
{
	struct transition	*x;
	sqlite3			*db;
	const char		*action;
	char			 status[16], note[64];
	size_t			 t, mine;
	double			 delay, aim;
	int			 exists;

	mine = (ntargets - w + nwriters - 1) / nwriters;
	t = w + nwriters * rnd_below(mine);
	db = db_open();
	step_row(db, &targets[t], status, note, &exists);
	sqlite3_close(db);

	tr = xrealloc(tr, (ntr + 1) * sizeof(*tr));
	x = &tr[ntr++];
	memset(x, 0, sizeof(*x));
	x->target = t;
	x->writer = w;
	snprintf(x->from, sizeof(x->from), "%s", status);
	if (strcmp(status, "pending") == 0) {
		switch (rnd_below(3)) {
		case 0:
			action = "done";
			break;
		case 1:
			action = "skip";
			break;
		default:
			action = "fail";
			break;
		}
	} else
		action = "reopen";
	snprintf(x->to, sizeof(x->to), "%s",
	    strcmp(action, "done") == 0 ? "done" :
	    strcmp(action, "skip") == 0 ? "skipped" :
	    strcmp(action, "fail") == 0 ? "failed" : "pending");

	/* First learn how long a command takes; then kill about half of
	 * them somewhere in that span. */
	delay = -1;
	if (nrecent >= CALIBRATION_RUNS && rnd_below(2) == 0) {
		aim = commit_point();
		x->aimed = aim > 0 && rnd_below(2) == 0;
		if (x->aimed)
			x->frac = aim - AIM_BEFORE + rnd_unit() * (AIM_BEFORE +
			    AIM_AFTER);
		else
			x->frac = rnd_unit() * KILL_SPAN;
		if (x->frac < 0)
			x->frac = 0;
		delay = x->frac * med;
		sent++;
	}
	/* Whether another writer's fedwiz is running as this one starts:
	 * the run is concurrent only if this is often so. */
	for (mine = 0; mine < nwriters; mine++)
		if (mine != w && writers_kids[mine].pid != 0) {
			overlapped++;
			break;
		}
	start_step(c, w, ntr, &targets[t], action, delay);
}

/*
 * Did the killed transitions make it to disk? A commit killed after its
 * WAL frames reached the disk but before the shared index said so is
 * invisible to connections that share that index, and shows when the next
 * connection to open the file alone rebuilds it, as on a restart: so this
 * reads with no other fedwiz (writer or console) running. Only a step's
 * own writer moves it, so nothing replaced the row since.
 */
static void
read_back(void)
{
	struct transition	*x;
	sqlite3			*db;
	char			 status[16], note[64], mark[32];
	size_t			 i;
	int			 exists;

	db = db_open();
	for (i = 0; i < ntr; i++) {
		x = &tr[i];
		if (!x->unsure)
			continue;
		step_row(db, &targets[x->target], status, note, &exists);
		snprintf(mark, sizeof(mark), "t%zu", i + 1);
		x->committed = strcmp(note, mark) == 0;
		x->unsure = 0;
	}
	sqlite3_close(db);
}

/* Transition c->tr ended with wait status st. */
static void
finished(struct child *c, size_t w, int st)
{
	struct transition	*x = &tr[c->tr - 1];
	double			 took = now_s() - c->start;

	c->pid = 0;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && c->kill_sent) {
		x->killed = 1;
		/* Whether it made it to disk is read once nothing else has
		 * the file open (read_back). */
		x->unsure = 1;
		landed++;
		if (x->aimed)
			aimed++;
		else
			buckets[x->frac * 4 >= 4 ? 4 : (size_t)(x->frac * 4)]++;
		return;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		violation("exit", "t%zu (%s -> %s on %s%s%s step %ld) %s %d, "
		    "wanted 0", c->tr, x->from, x->to,
		    targets[x->target].proc, *targets[x->target].host ? "@" :
		    "", targets[x->target].host, targets[x->target].step,
		    WIFEXITED(st) ? "exited" : "died of signal", WIFEXITED(st) ?
		    WEXITSTATUS(st) : WTERMSIG(st));
		show_child_stderr(w);
		return;
	}
	x->acked = 1;
	acked++;
	if (c->kill_at < 0) {
		if (nrecent < RECENT)
			recent[nrecent++] = took;
		else
			recent[rnd_below(RECENT)] = took;
		med = median(recent, nrecent);
	}
}

int
main(int argc, char **argv)
{
	struct child	 kids[MAX_WRITERS], console;
	struct pollfd	 pfd[MAX_WRITERS];
	struct result	 r;
	char		*end, note[64];
	double		 t0, deadline = 90, now, next, aim;
	size_t		 kills = 200, min_kills = 50, w, n, consoles = 0;
	size_t		 console_left = 0, unsure = 0;
	unsigned long long seed = (unsigned long long)time(NULL);
	int		 c, st, timed_out = 0, stopping, busy, timeout;

	while ((c = getopt(argc, argv, "k:m:s:t:w:H:")) != -1) {
		switch (c) {
		case 'k':
			kills = (size_t)strtoul(optarg, &end, 10);
			if (*end != '\0' || kills == 0)
				usage();
			break;
		case 'm':
			min_kills = (size_t)strtoul(optarg, &end, 10);
			if (*end != '\0' || min_kills == 0)
				usage();
			break;
		case 's':
			seed = strtoull(optarg, &end, 10);
			if (*end != '\0')
				usage();
			break;
		case 't':
			deadline = strtod(optarg, &end);
			if (*end != '\0' || deadline <= 0)
				usage();
			break;
		case 'w':
			nwriters = (size_t)strtoul(optarg, &end, 10);
			if (*end != '\0' || nwriters == 0 ||
			    nwriters > MAX_WRITERS)
				usage();
			break;
		case 'H':
			holder = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 4)
		usage();
	fedwiz = argv[optind];
	dbpath = argv[optind + 1];
	session = argv[optind + 2];
	load_targets(argv[optind + 3]);
	if (ntargets < nwriters)
		die("%zu steps for %zu writers: each needs one", ntargets,
		    nwriters);
	for (w = 0; w < nwriters; w++)
		snprintf(errpath[w], sizeof(errpath[w]), "%s.child-stderr.%zu",
		    dbpath, w);
	rng = seed;
	memset(kids, 0, sizeof(kids));
	memset(&console, 0, sizeof(console));
	writers_kids = kids;
	for (w = 0; w < MAX_WRITERS; w++)
		kids[w].fd = -1;

	t0 = now_s();
	for (;;) {
		now = now_s();
		if (now - t0 > deadline && landed < kills)
			timed_out = 1;
		stopping = landed >= kills || nviolations > 0 || timed_out;
		/* After a kill, nothing new starts until it is read back. */
		for (w = 0, busy = 0, unsure = 0; w < nwriters; w++)
			busy += kids[w].pid != 0;
		for (n = ntr; n > 0 && n + 2 * nwriters > ntr; n--)
			unsure += tr[n - 1].unsure;
		if (unsure > 0 && busy == 0) {
			if (console.pid != 0)
				stop_console(&console);
			read_back();
			unsure = 0;
		}
		/* Now and then a console comes for a few transitions. */
		if (!stopping && holder != NULL && console.pid == 0 &&
		    unsure == 0 &&
		    nrecent >= CALIBRATION_RUNS &&
		    rnd_below(CONSOLE_EVERY) == 0) {
			start_console(&console);
			consoles++;
			console_left = 1 + rnd_below(8);
		}
		for (w = 0, busy = 0; w < nwriters; w++) {
			if (kids[w].pid == 0 && !stopping && unsure == 0) {
				next_transition(&kids[w], w);
				if (console.pid != 0 && console_left-- <= 1)
					stop_console(&console);
			}
			busy += kids[w].pid != 0;
		}
		if (busy == 0)
			break;

		/* Wait for a child to end, its kill time, or its hang. */
		now = now_s();
		next = now + 1;
		for (w = 0, n = 0; w < nwriters; w++) {
			if (kids[w].pid == 0)
				continue;
			if (kids[w].kill_at >= 0 && !kids[w].kill_sent &&
			    kids[w].kill_at < next)
				next = kids[w].kill_at;
			if (kids[w].fd == -1 && now + 0.002 < next)
				next = now + 0.002;
			if (kids[w].fd != -1) {
				pfd[n].fd = kids[w].fd;
				pfd[n++].events = POLLIN;
			}
		}
		timeout = next > now ? (int)((next - now) * 1000) : 0;
		if (poll(pfd, n, timeout) == -1 && errno != EINTR)
			die("poll: %s", strerror(errno));

		now = now_s();
		for (w = 0; w < nwriters; w++) {
			if (kids[w].pid == 0)
				continue;
			if (kids[w].kill_at >= 0 && !kids[w].kill_sent &&
			    now >= kids[w].kill_at) {
				kill(kids[w].pid, SIGKILL);
				kids[w].kill_sent = 1;
			}
			if (!kids[w].kill_sent && now - kids[w].start >
			    CHILD_TIMEOUT) {
				violation("hang", "t%zu still running after %d "
				    "s; killed", kids[w].tr, CHILD_TIMEOUT);
				kill(kids[w].pid, SIGKILL);
				kids[w].kill_at = -1;
			}
			if (waitpid(kids[w].pid, &st, WNOHANG) == kids[w].pid)
				finished(&kids[w], w, st);
		}
	}
	if (console.pid != 0)
		stop_console(&console);
	read_back();

	verify(&r);
	aim = commit_point();
	if (aim > 0)
		snprintf(note, sizeof(note), "COMMIT returns at %.0f%% of it",
		    aim * 100);
	else
		snprintf(note, sizeof(note), "where COMMIT returns not seen");
	printf("crash: seed %llu; %zu writers at once; %.1f ms per command, "
	    "%s; kills landed %zu of %zu sent (over the whole life, by "
	    "quarter: %zu %zu %zu %zu, later %zu; aimed at the commit: %zu); "
	    "transitions issued %zu (%zu started while another writer's ran), "
	    "acknowledged %zu, killed %zu (%zu after "
	    "COMMIT, %zu rolled back); lost %zu; step events %zu; consoles "
	    "that came and were killed %zu; integrity %s; audit %s; consoles "
	    "listed %s; violations %zu; %.1f s\n", seed, nwriters, med * 1000,
	    note, landed, sent, buckets[0], buckets[1], buckets[2],
	    buckets[3], buckets[4], aimed, ntr, overlapped, acked, landed,
	    r.present_killed, r.absent_killed, r.lost, r.nstep_events,
	    consoles, r.integrity_ok ? "ok" : "FAILED", r.audit_ok ? "ok" :
	    "FAILED", r.consoles_ok ? "none dead" : "FAILED", nviolations,
	    now_s() - t0);
	if (timed_out && landed < min_kills) {
		fprintf(stderr, "crash_driver: deadline of %g s reached with "
		    "only %zu kills landed (at least %zu needed to show "
		    "anything): the machine is too slow for this run, raise "
		    "CRASH_DEADLINE\n", deadline, landed, min_kills);
		return 1;
	}
	if (timed_out)
		fprintf(stderr, "crash_driver: stopped at the deadline of %g "
		    "s with %zu of %zu kills landed (a slow machine; at least "
		    "%zu needed)\n", deadline, landed, kills, min_kills);
	return nviolations > 0 ? 1 : 0;
}
