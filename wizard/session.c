/* session.c: a stored session, its runbook and its plan, as one thing. */
#include "config.h"

#include <ctype.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "catalog.h"
#include "plan.h"
#include "runbook.h"
#include "session.h"
#include "store.h"
#include "util.h"
#include "vartype.h"

/*
 * Step states are looked up by "proc \x1f host \x1f step". A plan of
 * 10,000 steps builds and looks up that many keys: no snprintf here.
 */
static size_t
make_key(char *buf, size_t len, const char *proc, const char *host,
    size_t step)
{
	size_t	lp = strlen(proc), lh = host ? strlen(host) : 0, n = 0;
	char	num[24], *q = num + sizeof(num);

	do
		*--q = (char)('0' + step % 10);
	while ((step /= 10) > 0);
	if (lp + lh + (size_t)(num + sizeof(num) - q) + 3 > len)
		return 0;	/* ids are at most 64 bytes: cannot happen */
	memcpy(buf, proc, lp);
	n = lp;
	buf[n++] = '\x1f';
	if (lh > 0)		/* host may be NULL: memcpy(NULL, 0) is UB */
		memcpy(buf + n, host, lh);
	n += lh;
	buf[n++] = '\x1f';
	memcpy(buf + n, q, (size_t)(num + sizeof(num) - q));
	n += (size_t)(num + sizeof(num) - q);
	buf[n] = '\0';
	return n;
}

static const char *
step_key(struct arena *a, const char *proc, const char *host, size_t step)
{
	char	buf[256];
	size_t	n = make_key(buf, sizeof(buf), proc, host, step);

	return arena_strndup(a, buf, n);
}

const struct store_step *
session_step_state(const struct session *s, const char *proc,
    const char *host, size_t step)
{
	char	buf[256];
	size_t	i;

	if (make_key(buf, sizeof(buf), proc, host, step) == 0 ||
	    !strmap_get(&s->step_index, buf, &i))
		return NULL;
	return &s->steps[i];
}

const struct store_step *
session_record_state(const struct session *s, const char *proc,
    const char *host, size_t step, int *forged)
{
	size_t	i;

	*forged = 0;
	for (i = 0; i < s->tampered; i++)
		if (strcmp(s->forged[i].proc, proc) == 0 &&
		    strcmp(s->forged[i].host, host ? host : "") == 0 &&
		    s->forged[i].step == step) {
			*forged = 1;
			return s->forged[i].row.proc != NULL ?
			    &s->forged[i].row : NULL;
		}
	return session_step_state(s, proc, host, step);
}

static enum step_status
state_cb(void *ctx, const char *proc, const char *host, size_t step)
{
	const struct store_step	*ss = session_step_state(ctx, proc, host, step);

	return ss != NULL ? ss->status : STEP_PENDING;
}

const char *
session_operator(const char *given)
{
	static char	 name[65];
	const char	*s;
	struct passwd	*pw;

	if (given != NULL && *given != '\0')
		s = given;
	else if ((s = getenv("FEDWIZ_OPERATOR")) != NULL && *s != '\0')
		;
	else if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		s = pw->pw_name;
	else if ((s = getenv("USER")) == NULL || *s == '\0')
		s = "operator";
	snprintf(name, sizeof(name), "%s", s);
	return name;
}

static int
operator_ok(const char *op, struct diags *d)
{
	struct varspec	sp = { .type = VT_STRING };
	char		why[200];

	if (vartype_check(&sp, op, NULL, why, sizeof(why)) == -1 ||
	    strlen(op) > 64) {
		diags_add(d, "--operator", 0, 0, "operator name \"%s\" %s; give "
		    "one line of at most 64 characters", op, strlen(op) > 64 ?
		    "is too long" : why);
		return -1;
	}
	return 0;
}

int
session_parse_time(const char *s, time_t now, time_t *out)
{
	struct tm	tm;
	int		y, mo, da, h, mi;
	char		sep, end;

	if (sscanf(s, "%d:%d%c", &h, &mi, &end) == 2) {
		if (h < 0 || h > 23 || mi < 0 || mi > 59)
			return -1;
		localtime_r(&now, &tm);
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = 0;
		tm.tm_isdst = -1;
		*out = mktime(&tm);
		if (*out <= now) {		/* past today: tomorrow */
			tm.tm_mday++;
			tm.tm_isdst = -1;
			*out = mktime(&tm);
		}
		return 0;
	}
	if (sscanf(s, "%d-%d-%d%c%d:%d%c", &y, &mo, &da, &sep, &h, &mi,
	    &end) == 6 && (sep == ' ' || sep == 'T')) {
		if (mo < 1 || mo > 12 || da < 1 || da > 31 || h < 0 || h > 23 ||
		    mi < 0 || mi > 59)
			return -1;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = da;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_isdst = -1;
		*out = mktime(&tm);
		return *out == (time_t)-1 ? -1 : 0;
	}
	return -1;
}

/* Answers and hosts from the store, checked against today's runbook. */
struct load_ctx {
	struct session	*s;
};

static void
answer_cb(void *arg, const char *name, const char *host, const char *value)
{
	struct session		*s = ((struct load_ctx *)arg)->s;
	const struct rb_var	*v = runbook_var(s->rb, name);
	const struct host	*h = host ? answers_host(s->ans, host) : NULL;
	char			 why[200], *norm;

	if (v == NULL) {
		diags_add(&s->warnings, "session", 0, 0, "warning: answer %s%s%s "
		    "= %s is kept but unused: the runbook has no such variable "
		    "now", name, host ? " on " : "", host ? host : "", value);
		return;
	}
	/* Per host or not, as the runbook says today. */
	if ((v->per_host != NULL) != (host != NULL) || (host != NULL &&
	    (h == NULL || strcmp(h->role, v->per_host) != 0))) {
		diags_add(&s->warnings, "session", 0, 0, "warning: answer %s%s%s "
		    "= %s is kept but unused: %s", name, host ? " on " : "",
		    host ? host : "", value, v->per_host == NULL ? "the "
		    "runbook has it as one value for the deployment now" :
		    host == NULL ? "the runbook has it per host now; give "
		    "each host its own with 'fedwiz set VAR=VALUE --host "
		    "NAME'" : h == NULL ? "no such host in the inventory" :
		    "that host is not of the variable's role");
		return;
	}
	if (vartype_check(&v->spec, value, &norm, why, sizeof(why)) == -1) {
		diags_add(&s->warnings, "session", 0, 0, "warning: answer %s%s%s "
		    "= %s no longer fits the runbook (%s); answer it again",
		    name, host ? " on " : "", host ? host : "", value, why);
		return;
	}
	if (host != NULL)
		(void)answers_put_host(s->ans, host, name, norm);
	else
		answers_put(s->ans, name, norm);
	free(norm);
}

static void
host_cb(void *arg, const struct host *h)
{
	struct session	*s = ((struct load_ctx *)arg)->s;

	if (answers_add_host(s->ans, s->rb, h) == -1)
		diags_add(&s->warnings, "session", 0, 0, "warning: host %s is "
		    "kept but unused: the runbook has no role %s now", h->name,
		    h->role);
}

static void
site_cb(void *arg, const struct site *x)
{
	struct session	*s = ((struct load_ctx *)arg)->s;

	(void)answers_add_site(s->ans, x);
}

static void
drift_add(struct arena *a, const char ***v, size_t *n, const char *id)
{
	const char	**nv;

	nv = arena_calloc(a, *n + 1, sizeof(*nv));
	if (*n > 0)
		memcpy(nv, *v, *n * sizeof(*nv));
	nv[(*n)++] = arena_strdup(a, id);
	*v = nv;
}

/* Which procedures were added, removed or changed since the start. */
static void
compute_drift(struct session *s)
{
	const struct rb_proc	*p, *q;
	char			 a[65], b[65];
	size_t			 i;

	for (i = 0; i < s->orig->nprocs; i++) {
		p = &s->orig->procs[i];
		if ((q = runbook_proc(s->rb, p->id)) == NULL) {
			drift_add(s->arena, &s->drift.removed,
			    &s->drift.nremoved, p->id);
			continue;
		}
		runbook_proc_fingerprint(p, a);
		runbook_proc_fingerprint(q, b);
		if (strcmp(a, b) != 0)
			drift_add(s->arena, &s->drift.changed,
			    &s->drift.nchanged, p->id);
	}
	for (i = 0; i < s->rb->nprocs; i++)
		if (runbook_proc(s->orig, s->rb->procs[i].id) == NULL)
			drift_add(s->arena, &s->drift.added, &s->drift.nadded,
			    s->rb->procs[i].id);
	s->drifted = 1;
}

static int
load_stored_runbook(struct session *s, struct runbook **out, char **text,
    size_t *len, struct diags *d)
{
	char	*name;
	int	 rc;

	if ((rc = store_session_runbook(s->st, s->id, s->info.runbook_hash,
	    text, len, d)) != STORE_OK)
		return rc;
	name = xasprintf("session %lld's copy of %s", (long long)s->id,
	    s->info.runbook_id);
	rc = runbook_parse(name, *text, *len, out, d) == 0 ? STORE_OK :
	    STORE_EINPUT;
	free(name);
	if (rc != STORE_OK) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

/* The steps table against its events: what does not match goes by the
 * log, loudly. */
struct tamper {
	struct session		*s;
	struct store_step	*fix;		/* the log's states */
	size_t			 n;
};

static void
tamper_cb(void *arg, int64_t session, const struct store_step *row,
    const struct store_step *log)
{
	struct tamper		*t = arg;
	struct session		*s = t->s;
	const struct store_step	*k = row != NULL ? row : log;
	struct store_step	*f;

	(void)session;
	if (k == NULL)
		return;
	diags_add(&s->warnings, "session", 0, 0, "warning: the record of "
	    "%s%s%s step %zu says %s%s%s, and the event log says %s: it was "
	    "changed behind fedwiz's back; fedwiz goes by the log and records "
	    "nothing more on this session ('fedwiz audit verify' names every "
	    "such record)", k->proc, *k->host ? "@" : "", k->host, k->step,
	    row != NULL ? plan_step_status_name(row->status) : "nothing",
	    row != NULL ? " by " : "", row != NULL ? row->operator : "",
	    log != NULL ? plan_step_status_name(log->status) : "it never "
	    "happened");
	s->forged = xreallocarray(s->forged, t->n + 1, sizeof(*s->forged));
	memset(&s->forged[t->n], 0, sizeof(*s->forged));
	s->forged[t->n].proc = arena_strdup(s->arena, k->proc);
	s->forged[t->n].host = arena_strdup(s->arena, k->host);
	s->forged[t->n].step = k->step;
	if (row != NULL) {
		s->forged[t->n].row = *row;
		s->forged[t->n].row.proc = (char *)(uintptr_t)
		    s->forged[t->n].proc;
		s->forged[t->n].row.host = (char *)(uintptr_t)
		    s->forged[t->n].host;
		s->forged[t->n].row.note = row->note ? arena_strdup(s->arena,
		    row->note) : NULL;
		s->forged[t->n].row.operator = arena_strdup(s->arena,
		    row->operator);
	}
	t->fix = xreallocarray(t->fix, t->n + 1, sizeof(*t->fix));
	f = &t->fix[t->n++];
	memset(f, 0, sizeof(*f));
	f->proc = arena_strdup(s->arena, k->proc);
	f->host = arena_strdup(s->arena, k->host);
	f->step = k->step;
	f->status = STEP_PENDING;
	if (log != NULL) {
		f->status = log->status;
		f->note = log->note ? arena_strdup(s->arena, log->note) : NULL;
		f->operator = arena_strdup(s->arena, log->operator);
		f->at = log->at;
		f->via = log->via;
	}
}

static int
check_record(struct session *s, struct diags *d)
{
	struct tamper		 t;
	struct store_step	*v;
	size_t			 i, k, n, nbad;
	int			 rc;

	memset(&t, 0, sizeof(t));
	t.s = s;
	if ((rc = store_replay_rows(s->st, s->id, s->steps, s->nsteps,
	    tamper_cb, &t, &nbad, d)) != STORE_OK || nbad == 0) {
		free(t.fix);
		return rc;
	}
	s->tampered = nbad;
	/* The rows the log backs, then the log's word for the others. */
	v = arena_calloc(s->arena, s->nsteps + t.n + 1, sizeof(*v));
	for (i = 0, n = 0; i < s->nsteps; i++) {
		for (k = 0; k < t.n; k++)
			if (strcmp(t.fix[k].proc, s->steps[i].proc) == 0 &&
			    strcmp(t.fix[k].host, s->steps[i].host) == 0 &&
			    t.fix[k].step == s->steps[i].step)
				break;
		if (k == t.n)
			v[n++] = s->steps[i];
	}
	for (k = 0; k < t.n; k++)
		if (t.fix[k].operator != NULL)
			v[n++] = t.fix[k];
	s->steps = v;
	s->nsteps = n;
	free(t.fix);
	return STORE_OK;
}

int
session_open(struct store *st, int64_t id, const char *dir,
    struct session **out, struct diags *d)
{
	struct session	*s;
	struct load_ctx	 lc;
	struct diags	 cat;
	char		*otext = NULL;
	size_t		 olen, i;
	int		 rc;

	if (id <= 0 && (rc = store_session_latest(st, &id, d)) != STORE_OK)
		return rc;
	s = xcalloc(1, sizeof(*s));
	s->st = st;
	s->id = id;
	s->arena = arena_new();
	strmap_init(&s->step_index);
	diags_init(&s->warnings);
	/* One snapshot for everything read here: another console may be
	 * recording meanwhile. */
	if ((rc = store_snapshot_begin(st, d)) != STORE_OK)
		goto bad;
	if ((rc = store_session_get(st, id, &s->info, d)) != STORE_OK)
		goto bad;

	/* Today's runbook; if it has gone, the copy the session began with. */
	diags_init(&cat);
	if (catalog_open_text(dir, s->info.runbook_id, &s->rb, &s->text,
	    &s->textlen, &cat) == -1) {
		if ((rc = load_stored_runbook(s, &s->rb, &s->text, &s->textlen,
		    d)) != STORE_OK) {
			diags_free(&cat);
			goto bad;
		}
		diags_add(&s->warnings, "session", 0, 0, "warning: runbook %s "
		    "is not in %s (%s); using the copy session %lld started "
		    "with", s->info.runbook_id, dir, cat.n ? cat.v[0].msg : "",
		    (long long)id);
	}
	diags_free(&cat);
	if (strcmp(s->rb->hash, s->info.runbook_hash) != 0) {
		if ((rc = load_stored_runbook(s, &s->orig, &otext, &olen, d)) !=
		    STORE_OK)
			goto bad;
		free(otext);
		compute_drift(s);
	}

	s->ans = answers_new();
	/* The session's settings, as its answers file gave them: the
	 * checks run on its answers read them there. */
	s->ans->practice = s->info.practice;
	if (s->info.lab != NULL)
		s->ans->lab = arena_strdup(s->ans->arena, s->info.lab);
	if (s->info.known_hosts != NULL)
		s->ans->known_hosts = arena_strdup(s->ans->arena,
		    s->info.known_hosts);
	if (s->info.dns_server != NULL)
		s->ans->dns_server = arena_strdup(s->ans->arena,
		    s->info.dns_server);
	lc.s = s;
	/* Hosts first: a host's own answers go to it. */
	if ((rc = store_sites(st, id, site_cb, &lc, d)) != STORE_OK ||
	    (rc = store_hosts(st, id, host_cb, &lc, d)) != STORE_OK ||
	    (rc = store_answers(st, id, answer_cb, &lc, d)) != STORE_OK)
		goto bad;
	if ((rc = store_steps(st, id, s->arena, &s->steps, &s->nsteps, d)) !=
	    STORE_OK)
		goto bad;
	rc = check_record(s, d);
	store_snapshot_end(st);
	if (rc != STORE_OK)
		goto bad;
	strmap_reserve(&s->step_index, s->nsteps);
	for (i = 0; i < s->nsteps; i++)
		strmap_put(&s->step_index, step_key(s->arena, s->steps[i].proc,
		    s->steps[i].host, s->steps[i].step), i, NULL);
	if (plan_build(s->rb, s->ans, state_cb, s, &s->plan, d) == -1) {
		rc = STORE_EINPUT;
		goto bad;
	}
	*out = s;
	return STORE_OK;
bad:
	store_snapshot_end(st);
	session_free(s);
	return rc;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	plan_free(s->plan);
	free(s->forged);
	strmap_free(&s->step_index);
	answers_free(s->ans);
	runbook_free(s->rb);
	runbook_free(s->orig);
	free(s->text);
	store_session_clear(&s->info);
	diags_free(&s->warnings);
	arena_free(s->arena);
	free(s);
}

/* Both ways in: an answers file and --set, or answers from memory. */
static int
start(struct store *st, const char *dir, const char *name,
    const char *answers_path, const struct answers *given,
    const char *const *sets, size_t nsets, const char *operator,
    time_t window_end, int64_t *id, struct diags *d)
{
	struct runbook		*rb = NULL;
	struct answers		*ans;
	struct store_settings	 set;
	const struct rb_var	*v;
	const struct host	*h;
	char			*text = NULL;
	size_t			 len, i, k, m;
	int			 rc = STORE_EINPUT;

	ans = answers_new();
	if (operator_ok(operator, d) == -1)
		goto out;
	if (catalog_open_text(dir, name, &rb, &text, &len, d) == -1)
		goto out;
	if (answers_path != NULL && answers_load(ans, rb, answers_path, d) ==
	    -1)
		goto out;
	/* Checked again against the runbook as it is now: it may have
	 * changed on disk since the forms loaded it. */
	if (given != NULL && answers_merge(ans, rb, given, "answers", d) == -1)
		goto out;
	for (i = 0; i < nsets; i++)
		if (answers_set(ans, rb, sets[i], d) == -1)
			goto out;

	/* Session, runbook text, answers and inventory: all or nothing. */
	if ((rc = store_begin(st, d)) != STORE_OK)
		goto out;
	set.practice = ans->practice;
	set.lab = ans->lab;
	set.known_hosts = ans->known_hosts;
	set.dns_server = ans->dns_server;
	rc = store_session_create(st, rb->id, rb->hash, text, len, operator,
	    window_end, &set, id, d);
	for (i = 0; i < rb->nvars && rc == STORE_OK; i++) {
		v = &rb->vars[i];
		if (answers_get(ans, v->name) != NULL)
			rc = store_answer_set(st, *id, v->name, NULL,
			    answers_get(ans, v->name), operator, d);
	}
	/* Sites before the hosts reached through them. */
	for (i = 0; i < ans->nsites && rc == STORE_OK; i++)
		rc = store_site_add(st, *id, &ans->sites[i], operator, d);
	for (i = 0; i < ans->nroles && rc == STORE_OK; i++)
		for (k = 0; k < ans->roles[i].n && rc == STORE_OK; k++) {
			h = &ans->roles[i].hosts[k];
			rc = store_host_add(st, *id, h, operator, d);
			for (m = 0; m < rb->nvars && rc == STORE_OK; m++) {
				v = &rb->vars[m];
				if (answers_host_var(h, v->name) != NULL)
					rc = store_answer_set(st, *id, v->name,
					    h->name, answers_host_var(h,
					    v->name), operator, d);
			}
		}
	if (rc == STORE_OK)
		rc = store_commit(st, d);
	else
		store_rollback(st);
out:
	free(text);
	runbook_free(rb);
	answers_free(ans);
	return rc;
}

int
session_start(struct store *st, const char *dir, const char *name,
    const char *answers_path, const char *const *sets, size_t nsets,
    const char *operator, time_t window_end, int64_t *id, struct diags *d)
{
	return start(st, dir, name, answers_path, NULL, sets, nsets, operator,
	    window_end, id, d);
}

int
session_start_answers(struct store *st, const char *dir, const char *name,
    const struct answers *given, const char *operator, time_t window_end,
    int64_t *id, struct diags *d)
{
	return start(st, dir, name, NULL, given, NULL, 0, operator,
	    window_end, id, d);
}

const struct plan_inst *
session_inst(const struct session *s, const char *proc, const char *host)
{
	const struct plan_inst	*in;
	size_t			 i;

	for (i = 0; i < s->plan->n; i++) {
		in = &s->plan->inst[i];
		if (strcmp(in->proc->id, proc) != 0)
			continue;
		if (host == NULL ? in->host == NULL : in->host != NULL &&
		    strcmp(in->host->name, host) == 0)
			return in;
	}
	return NULL;
}

static void
list_hosts(const struct session *s, const char *role, struct buf *b)
{
	const struct role_hosts	*rh = answers_hosts(s->ans, role);
	size_t			 i;

	for (i = 0; rh != NULL && i < rh->n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", rh->hosts[i].name);
}

const char *
session_which(const struct session *s, char *buf, size_t len)
{
	struct diags	quiet;
	int64_t		def = 0;

	diags_init(&quiet);
	if (s->info.practice || store_session_latest(s->st, &def, &quiet) !=
	    STORE_OK || def != s->id)
		snprintf(buf, len, " --session %lld", (long long)s->id);
	else
		snprintf(buf, len, "%s", "");
	diags_free(&quiet);
	return buf;
}

char *
session_drift_text(const struct session *s)
{
	const struct drift	*dr = &s->drift;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	if (dr->nadded > 0) {
		buf_adds(&b, "added:");
		for (i = 0; i < dr->nadded; i++)
			buf_printf(&b, " %s", dr->added[i]);
	}
	if (dr->nremoved > 0) {
		buf_printf(&b, "%sremoved:", b.len ? "; " : "");
		for (i = 0; i < dr->nremoved; i++)
			buf_printf(&b, " %s", dr->removed[i]);
	}
	if (dr->nchanged > 0) {
		buf_printf(&b, "%schanged:", b.len ? "; " : "");
		for (i = 0; i < dr->nchanged; i++)
			buf_printf(&b, " %s", dr->changed[i]);
	}
	if (b.len == 0)
		buf_adds(&b, "only outside the procedures (title, notes, "
		    "variables or roles)");
	return buf_steal(&b);
}

int
session_refuse_tampered(const struct session *s, const char *what,
    struct diags *d)
{
	if (s->tampered == 0)
		return 0;
	diags_add(d, what, 0, 0, "session %lld: %zu step record%s not match "
	    "the event log (changed behind fedwiz's back): fedwiz records "
	    "nothing more on it. 'fedwiz audit verify' names them; restore "
	    "the database from a backup, or start a new session",
	    (long long)s->id, s->tampered, s->tampered == 1 ? " does" :
	    "s do");
	return 1;
}

int
session_step(struct session *s, const struct step_request *r, int *changed,
    struct diags *d)
{
	const struct rb_proc	 *p;
	const struct role_hosts	 *rh;
	const struct plan_inst	 *in;
	const struct rb_step	 *st;
	const struct plan_need	 *nd;
	const char		**ids, *near, *host = r->host;
	struct buf		  b;
	char			 *dt, *extra = NULL, name[160], sw[48];
	size_t			  i, nneed;
	int			  rc;

	*changed = 0;
	if (operator_ok(r->operator, d) == -1)
		return STORE_EINPUT;
	if (s->info.closed != 0) {
		diags_add(d, "fedwiz step", 0, 0, "session %lld is closed; its "
		    "record stands as it is. Start a new session to go on",
		    (long long)s->id);
		return STORE_EINPUT;
	}
	if (session_refuse_tampered(s, "fedwiz step", d))
		return STORE_ETAMPER;
	/* A changed runbook comes before anything else: the operator reviews
	 * it before one more step is recorded against it. */
	if (s->drifted && !r->accept_drift) {
		dt = session_drift_text(s);
		diags_add(d, "fedwiz step", 0, 0, "runbook %s changed since "
		    "session %lld started (%s); review the change, then accept "
		    "it to continue", s->rb->id, (long long)s->id, dt);
		free(dt);
		return STORE_EINPUT;
	}
	if ((p = runbook_proc(s->rb, r->proc)) == NULL) {
		ids = xreallocarray(NULL, s->rb->nprocs + 1, sizeof(*ids));
		for (i = 0; i < s->rb->nprocs; i++)
			ids[i] = s->rb->procs[i].id;
		near = closest_word(r->proc, ids, s->rb->nprocs);
		diags_add(d, "fedwiz step", 0, 0, "runbook %s has no procedure "
		    "\"%s\"%s%s%s ('fedwiz status%s' lists them)", s->rb->id,
		    r->proc, near ? "; did you mean \"" : "", near ? near : "",
		    near ? "\"?" : "", session_which(s, sw, sizeof(sw)));
		free(ids);
		return STORE_EINPUT;
	}
	/* Which host: as given, the only one, or none for a one-off. */
	rh = RB_PER_HOST(p) ? answers_hosts(s->ans, p->role->id) : NULL;
	buf_init(&b);
	if (!RB_PER_HOST(p) && host != NULL) {
		diags_add(d, "fedwiz step", 0, 0, "%s is done once%s, not per "
		    "host: drop \"@%s\"", p->id, p->once ? " for the "
		    "deployment" : "", host);
		return STORE_EINPUT;
	}
	if (RB_PER_HOST(p) && host == NULL && rh != NULL) {
		if (rh->n == 1)
			host = rh->hosts[0].name;
		else {
			list_hosts(s, p->role->id, &b);
			diags_add(d, "fedwiz step", 0, 0, "%s runs on every %s; "
			    "say which: %s@HOST, HOST one of %s", p->id,
			    p->role->title, p->id, b.s);
			buf_free(&b);
			return STORE_EINPUT;
		}
	}
	if (host != NULL && (in = session_inst(s, p->id, host)) == NULL) {
		list_hosts(s, p->role->id, &b);
		diags_add(d, "fedwiz step", 0, 0, "%s is not a host of role %s "
		    "in session %lld%s%s", host, p->role->id, (long long)s->id,
		    b.len ? "; hosts: " : " (the session lists none)",
		    b.len ? b.s : "");
		buf_free(&b);
		return STORE_EINPUT;
	}
	buf_free(&b);
	in = session_inst(s, p->id, host);
	if (in == NULL) {
		diags_add(d, "fedwiz step", 0, 0, "%s%s%s is not in the plan of "
		    "session %lld", p->id, host ? "@" : "", host ? host : "",
		    (long long)s->id);
		return STORE_EINPUT;
	}
	if (r->step < 1 || r->step > p->nsteps) {
		diags_add(d, "fedwiz step", 0, 0, "%s has steps 1 to %zu, not "
		    "%zu", p->id, p->nsteps, r->step);
		return STORE_EINPUT;
	}
	st = &p->steps[r->step - 1];
	plan_inst_name(in, name, sizeof(name));
	if (in->applies == T_FALSE) {
		diags_add(d, "fedwiz step", 0, 0, "%s does not apply to this "
		    "session (when: %s)", name, p->when_src);
		return STORE_EINPUT;
	}
	if (in->step_na[r->step - 1]) {
		diags_add(d, "fedwiz step", 0, 0, "step %zu of %s does not "
		    "apply to this session (when: %s)", r->step, name,
		    st->when_src);
		return STORE_EINPUT;
	}
	if ((r->to == STEP_SKIPPED || r->to == STEP_FAILED) &&
	    (r->note == NULL || *r->note == '\0')) {
		diags_add(d, "fedwiz step", 0, 0, "say why: a %s step needs a "
		    "reason in the change record", r->to == STEP_SKIPPED ?
		    "skipped" : "failed");
		return STORE_EINPUT;
	}
	if (r->note != NULL && strlen(r->note) > 4096) {
		diags_add(d, "fedwiz step", 0, 0, "the note is longer than 4096 "
		    "characters");
		return STORE_EINPUT;
	}
	if (r->to != STEP_PENDING && in->nblocked > 0) {
		buf_init(&b);
		for (i = 0; i < in->nblocked; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", plan_inst_name(
			    &s->plan->inst[plan_blocker(s->plan, in, i)], name,
			    sizeof(name)));
		if (!r->force) {
			diags_add(d, "fedwiz step", 0, 0, "%s%s%s is blocked by "
			    "%s: do those first, or override the block to "
			    "record this step anyway (logged)", p->id,
			    host ? "@" : "", host ? host : "", b.s);
			buf_free(&b);
			return STORE_ESTATE;
		}
		extra = xasprintf("forced while blocked by %s", b.s);
		buf_free(&b);
	}
	/* Done without a value its text or checks use: the record says
	 * so, and so does the operator's screen. */
	if (r->to == STEP_DONE &&
	    (nd = plan_step_needs(in, r->step, &nneed)) != NULL) {
		buf_init(&b);
		for (i = 0; i < nneed; i++)
			buf_printf(&b, "%s%s", i ? ", " : "",
			    plan_need_name(&nd[i], name, sizeof(name)));
		diags_add(d, "fedwiz step", 0, 0, "warning: step %zu of %s%s%s "
		    "needs an answer for %s (it shows <%s>): recorded as done "
		    "without it; 'fedwiz set %s=VALUE%s%s%s' gives it", r->step,
		    p->id, host ? "@" : "", host ? host : "", b.s,
		    nd[0].var->name, nd[0].var->name, nd[0].host ?
		    " --host " : "", nd[0].host ? nd[0].host : "",
		    session_which(s, sw, sizeof(sw)));
		dt = xasprintf("%s%sdone without an answer for %s",
		    extra ? extra : "", extra ? "; " : "", b.s);
		free(extra);
		extra = dt;
		buf_free(&b);
	}
	if (s->drifted) {
		/* Accepted (checked first thing): record it, then go on. */
		if ((rc = session_accept_drift(s, r->operator, d)) !=
		    STORE_OK) {
			free(extra);
			return rc;
		}
	}
	rc = store_step_set(s->st, s->id, p->id, host, r->step, r->to, r->note,
	    r->operator, extra, r->to == STEP_DONE ? r->via :
	    STEP_VIA_OPERATOR, changed, d);
	free(extra);
	return rc;
}

int
session_accept_drift(struct session *s, const char *op, struct diags *d)
{
	char	*dt;
	int	 rc;

	if (!s->drifted)
		return STORE_OK;
	if (operator_ok(op, d) == -1)
		return STORE_EINPUT;
	dt = session_drift_text(s);
	rc = store_session_rebase(s->st, s->id, s->rb->hash, s->text,
	    s->textlen, op, dt, d);
	free(dt);
	if (rc == STORE_OK)
		s->drifted = 0;
	return rc;
}

enum step_need
session_step_needs(const struct session *s, const struct step_request *r)
{
	const struct plan_inst	*in;

	if (s->drifted && !r->accept_drift)
		return STEP_NEED_DRIFT;
	/* Only for a step that is there to record. */
	if ((in = session_inst(s, r->proc, r->host)) == NULL ||
	    r->step < 1 || r->step > in->proc->nsteps)
		return STEP_NEED_NOTHING;
	if ((r->to == STEP_SKIPPED || r->to == STEP_FAILED) &&
	    (r->note == NULL || *r->note == '\0'))
		return STEP_NEED_NOTE;
	if (r->to != STEP_PENDING && in->nblocked > 0 && !r->force)
		return STEP_NEED_OVERRIDE;
	return STEP_NEED_NOTHING;
}

void
session_progress(const struct session *s, struct progress *pr)
{
	const struct plan_inst	*in;
	size_t			 i, k, na;

	memset(pr, 0, sizeof(*pr));
	for (i = 0; i < s->plan->n; i++) {
		in = &s->plan->inst[i];
		if (in->applies == T_FALSE)
			continue;
		for (na = 0, k = 0; k < in->proc->nsteps; k++)
			na += in->step_na[k];
		pr->instances++;
		pr->steps += in->proc->nsteps - na;
		pr->finished += in->ndone + in->nskipped - na;
		pr->failed += in->nfailed;
		if (in->status == INST_DONE || in->status == INST_SKIPPED)
			pr->inst_done++;
		if (in->status == INST_FAILED)
			pr->inst_failed++;
	}
}

int
session_next(const struct session *s, const struct plan_inst **out,
    size_t *step)
{
	const struct plan_inst	*in;
	size_t			 i, k;

	for (i = 0; i < s->plan->n; i++) {
		in = &s->plan->inst[i];
		if (in->status != INST_READY && in->status != INST_IN_PROGRESS &&
		    in->status != INST_FAILED)
			continue;
		for (k = 0; k < in->proc->nsteps; k++)
			if (!in->step_na[k] && in->steps[k] != STEP_DONE &&
			    in->steps[k] != STEP_SKIPPED) {
				*out = in;
				*step = k + 1;
				return 1;
			}
	}
	return 0;
}

/* Edits of answers and inventory. */

void
edit_result_free(struct edit_result *r)
{
	free(r->what);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Steps that have current evidence, by step key. */
static int
evidence_keys(struct session *s, struct strmap *m, struct diags *d)
{
	struct store_check	*v;
	size_t			 n, i, old;
	int			 rc;

	strmap_init(m);
	if ((rc = store_checks(s->st, s->id, &v, &n, d)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (v[i].stale_event == 0)
			strmap_put(m, step_key(s->arena, v[i].proc, *v[i].host ?
			    v[i].host : NULL, v[i].step), 1, &old);
	store_checks_free(v, n);
	return STORE_OK;
}

/* Whether an ssh check on role r in these steps runs beyond the
 * instance's own host (every host of the role, or one of a once-only). */
static int
fans_out_on(const struct plan_inst *in, const struct rb_step *steps,
    size_t n, const struct rb_role *r)
{
	const struct rb_check	*c;
	size_t			 i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < steps[i].nchecks; k++) {
			c = &steps[i].checks[k];
			if (c->kind == CK_SSH && c->role == r &&
			    !(in->host != NULL && c->role == in->proc->role &&
			    RB_PER_HOST(in->proc)))
				return 1;
		}
		if (fans_out_on(in, steps[i].steps, steps[i].nsteps, r))
			return 1;
	}
	return 0;
}

/* Whether step k (0-based) of an instance took its value of v from host
 * (NULL: v is one value for the deployment). */
static int
uses_value(const struct plan_inst *in, size_t k, const struct rb_var *v,
    const char *host)
{
	const struct rb_step	*st = &in->proc->steps[k];
	const struct rb_use	*u;
	size_t			 i;

	for (i = 0; i < st->nuses; i++) {
		u = &st->uses[i];
		if (u->var != v)
			continue;
		if (v->per_host == NULL)
			return 1;
		/* On the hosts of its role an ssh check runs on: one of
		 * them may be host. */
		if (u->ssh_role == v->role && fans_out_on(in, st, 1, v->role))
			return 1;
		if (in->host != NULL && strcmp(in->host->name, host) == 0)
			return 1;
	}
	return 0;
}

struct touched {
	struct reverify	*v;
	size_t		 n;
	struct store_stale *stale;
	size_t		 nstale;
};

/* Step k (0-based) of in was touched: its evidence goes stale, and if it
 * is finished or had evidence, it is to be re-verified. */
static void
touch(struct strmap *ev, const struct plan_inst *in, size_t k,
    struct touched *t)
{
	const char	*host = in->host ? in->host->name : NULL;
	char		 key[256];
	size_t		 x;
	int		 has;

	t->stale = xreallocarray(t->stale, t->nstale + 1, sizeof(*t->stale));
	t->stale[t->nstale].proc = in->proc->id;
	t->stale[t->nstale].host = host;
	t->stale[t->nstale++].step = k + 1;
	has = make_key(key, sizeof(key), in->proc->id, host, k + 1) > 0 &&
	    strmap_get(ev, key, &x);
	if (!has && in->steps[k] == STEP_PENDING)
		return;
	t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
	t->v[t->n].proc = in->proc->id;
	t->v[t->n].host = host;
	t->v[t->n].step = k + 1;
	t->v[t->n].status = in->steps[k];
	t->v[t->n++].evidence = has;
}

/* "; re-verify: a@fe1 step 2 (done), b step 1 (evidence)" */
static void
reverify_text(struct buf *b, const struct touched *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		buf_printf(b, "%s%s%s%s step %zu (%s)", i ? ", " :
		    "; re-verify: ", t->v[i].proc, t->v[i].host ? "@" : "",
		    t->v[i].host ? t->v[i].host : "", t->v[i].step,
		    t->v[i].status != STEP_PENDING ?
		    plan_step_status_name(t->v[i].status) : "evidence");
}

static int
edit_gate(const struct session *s, const char *what, const char *op,
    struct diags *d)
{
	if (operator_ok(op, d) == -1)
		return STORE_EINPUT;
	if (s->info.closed != 0) {
		diags_add(d, what, 0, 0, "session %lld is closed; its record "
		    "stands as it is. Start a new session to go on",
		    (long long)s->id);
		return STORE_EINPUT;
	}
	if (session_refuse_tampered(s, what, d))
		return STORE_ETAMPER;
	return STORE_OK;
}

static void
touched_free(struct touched *t)
{
	free(t->stale);
	/* t->v goes to the result. */
}

/* After the store recorded an edit (rc): what to tell, or nothing. */
static int
edit_done(int rc, struct buf *b, struct touched *t, struct edit_result *res)
{
	touched_free(t);
	buf_free(b);
	if (rc != STORE_OK) {
		free(t->v);
		free(res->what);
		res->what = NULL;
		return rc;
	}
	res->changed = 1;
	res->v = t->v;
	res->n = t->n;
	return STORE_OK;
}

int
session_set(struct session *s, const char *name, const char *host,
    const char *value, const char *op, struct edit_result *res,
    struct diags *d)
{
	const struct rb_var	*v;
	const struct host	*h;
	const struct plan_inst	*in;
	const char		*old;
	struct touched		 t;
	struct strmap		 ev;
	struct buf		 b;
	char			*norm, why[400];
	size_t			 i, k;
	int			 rc;

	memset(res, 0, sizeof(*res));
	if ((rc = edit_gate(s, "fedwiz set", op, d)) != STORE_OK)
		return rc;
	rc = answers_check_value(s->ans, s->rb, name, host, value, &h, &norm,
	    why, sizeof(why));
	if (rc != 0) {
		diags_add(d, "fedwiz set", 0, 0, "%s%s", why, rc == -2 ?
		    ": say which with --host NAME" : "");
		return STORE_EINPUT;
	}
	v = runbook_var(s->rb, name);
	old = h != NULL ? answers_host_var(h, name) : answers_get(s->ans, name);
	buf_init(&b);
	buf_printf(&b, "%s%s%s: %s%s -> %s", name, h ? " on " : "",
	    h ? h->name : "", old ? old : v->def ? v->def : "(no answer)",
	    old == NULL && v->def != NULL ? " (default)" : "", norm);
	if (old != NULL && strcmp(old, norm) == 0) {
		res->what = xasprintf("%s%s%s is %s already", name, h ? " on " :
		    "", h ? h->name : "", norm);
		buf_free(&b);
		free(norm);
		return STORE_OK;
	}
	if ((rc = evidence_keys(s, &ev, d)) != STORE_OK) {
		buf_free(&b);
		free(norm);
		return rc;
	}
	memset(&t, 0, sizeof(t));
	for (i = 0; i < s->plan->n; i++) {
		in = &s->plan->inst[i];
		for (k = 0; k < in->proc->nsteps; k++)
			if (uses_value(in, k, v, h ? h->name : NULL))
				touch(&ev, in, k, &t);
	}
	strmap_free(&ev);
	res->what = xstrdup(b.s);
	reverify_text(&b, &t);
	rc = store_answer_edit(s->st, s->id, name, h ? h->name : NULL, norm,
	    b.s, t.stale, t.nstale, op, &res->nstale, d);
	free(norm);
	return edit_done(rc, &b, &t, res);
}

/* The steps an edit of host (of role r) touches: every step of its own
 * instances (own: 1), and those whose ssh checks run on every host of
 * r. */
static void
host_touch(struct session *s, struct strmap *ev, const char *host,
    const struct rb_role *r, int own, struct touched *t)
{
	const struct plan_inst	*in;
	size_t			 i, k;
	int			 mine;

	for (i = 0; i < s->plan->n; i++) {
		in = &s->plan->inst[i];
		mine = in->host != NULL && strcmp(in->host->name, host) == 0;
		if (mine && !own)
			continue;
		for (k = 0; k < in->proc->nsteps; k++)
			if (mine || fans_out_on(in, &in->proc->steps[k], 1, r))
				touch(ev, in, k, t);
	}
}

/* An inventory edit said in b: the steps it touches, the event, the
 * stale evidence (own: the host's own instances too). */
static int
host_commit(struct session *s, const struct host *h, const struct rb_role *r,
    int own, int remove, struct buf *b, const char *op,
    struct edit_result *res, struct diags *d)
{
	struct touched	t;
	struct strmap	ev;
	int		rc;

	if ((rc = evidence_keys(s, &ev, d)) != STORE_OK) {
		buf_free(b);
		return rc;
	}
	memset(&t, 0, sizeof(t));
	host_touch(s, &ev, h->name, r, own, &t);
	strmap_free(&ev);
	res->what = xstrdup(b->s);
	reverify_text(b, &t);
	rc = store_host_edit(s->st, s->id, h, remove, b->s, t.stale, t.nstale,
	    op, &res->nstale, d);
	return edit_done(rc, b, &t, res);
}

static void
host_words(struct buf *b, const struct host *h)
{
	buf_printf(b, "%s", h->address ? h->address : h->name);
	if (h->user != NULL)
		buf_printf(b, " user %s", h->user);
	if (h->port > 0 && h->port != 22)
		buf_printf(b, " port %d", h->port);
	if (h->profile_name != NULL)
		buf_printf(b, " profile %s", h->profile_name);
	if (h->identity != NULL)
		buf_printf(b, " identity %s", h->identity);
	if (h->site != NULL && *h->site != '\0')
		buf_printf(b, " site %s", h->site);
}

static int
host_same(const struct host *a, const struct host *b)
{
#define SAME(f)	((a->f == NULL && b->f == NULL) || (a->f != NULL && \
	b->f != NULL && strcmp(a->f, b->f) == 0))
	/* A site "" is none (host add --site none). */
	return SAME(address) && SAME(user) && SAME(profile_name) &&
	    SAME(identity) && strcmp(a->site ? a->site : "", b->site ?
	    b->site : "") == 0 && (a->port > 0 ? a->port : 22) ==
	    (b->port > 0 ? b->port : 22);
#undef SAME
}

static const struct rb_role *
role_named(const struct session *s, const char *role, const char *what,
    struct diags *d)
{
	const struct rb_role	 *r;
	const char		**ids, *near;
	size_t			  i;

	if ((r = runbook_role(s->rb, role)) != NULL)
		return r;
	ids = xreallocarray(NULL, s->rb->nroles + 1, sizeof(*ids));
	for (i = 0; i < s->rb->nroles; i++)
		ids[i] = s->rb->roles[i].id;
	near = closest_word(role, ids, s->rb->nroles);
	diags_add(d, what, 0, 0, "runbook %s has no role \"%s\"%s%s%s",
	    s->rb->id, role, near ? "; did you mean \"" : "", near ? near : "",
	    near ? "\"?" : "");
	free(ids);
	return NULL;
}

int
session_host_set(struct session *s, const struct host *given,
    const char *op, struct edit_result *res, struct diags *d)
{
	const struct rb_role	*r;
	const struct role_hosts	*rh;
	const struct host	*old;
	const char		*field;
	struct host		 hc, *h = &hc;
	struct buf		 b;
	char			 why[400];
	size_t			 i;
	int			 rc;

	hc = *given;

	memset(res, 0, sizeof(*res));
	if ((rc = edit_gate(s, "fedwiz host", op, d)) != STORE_OK)
		return rc;
	if ((r = role_named(s, h->role, "fedwiz host", d)) == NULL)
		return STORE_EINPUT;
	if (answers_host_check(h, &field, why, sizeof(why)) == -1) {
		diags_add(d, "fedwiz host", 0, 0, "%s", why);
		return STORE_EINPUT;
	}
	old = answers_host(s->ans, h->name);
	if (old != NULL && strcmp(old->role, r->id) != 0) {
		diags_add(d, "fedwiz host", 0, 0, "host name \"%s\" is taken by "
		    "a host of %s; names are unique across roles", h->name,
		    old->role);
		return STORE_EINPUT;
	}
	/* What the command line cannot say stays as it was. */
	if (old != NULL && h->site == NULL)
		h->site = old->site;
	if (old != NULL && h->identity == NULL)
		h->identity = old->identity;
	if (h->port == 0)
		h->port = old != NULL ? old->port : 22;
	/* A site must be one of the session's (its jump host reaches the
	 * host: the Ansible hand-off runs its checks there). */
	if (h->site != NULL && *h->site != '\0' &&
	    answers_site(s->ans, h->site) == NULL) {
		buf_init(&b);
		for (i = 0; i < s->ans->nsites; i++)
			buf_printf(&b, "%s%s", i ? ", " : "",
			    s->ans->sites[i].name);
		diags_add(d, "fedwiz host", 0, 0, "session %lld has no site "
		    "\"%s\"%s%s%s", (long long)s->id, h->site, b.len ?
		    " (its sites: " : "; its answers name no sites: give them in "
		    "the answers file's sites: map", b.len ? b.s : "", b.len ?
		    ")" : "");
		buf_free(&b);
		return STORE_EINPUT;
	}
	if (h->site != NULL && *h->site == '\0')
		h->site = NULL;		/* none: this console reaches it */
	rh = answers_hosts(s->ans, r->id);
	if (old == NULL && !r->many && rh != NULL && rh->n > 0) {
		diags_add(d, "fedwiz host", 0, 0, "role %s (%s) takes one host, "
		    "and it has %s: remove it first ('fedwiz host remove %s "
		    "%s')", r->id, r->title, rh->hosts[0].name, r->id,
		    rh->hosts[0].name);
		return STORE_EINPUT;
	}
	buf_init(&b);
	if (old != NULL && host_same(old, h)) {
		res->what = xasprintf("host %s of %s is like that already",
		    h->name, r->id);
		return STORE_OK;
	}
	if (old != NULL) {
		buf_printf(&b, "changed %s: %s: ", r->id, h->name);
		host_words(&b, old);
		buf_adds(&b, " -> ");
	} else
		buf_printf(&b, "added %s: %s ", r->id, h->name);
	host_words(&b, h);
	return host_commit(s, h, r, old != NULL, 0, &b, op, res, d);
}

int
session_host_remove(struct session *s, const char *role, const char *name,
    const char *op, struct edit_result *res, struct diags *d)
{
	const struct rb_role	*r;
	const struct host	*h;
	struct buf		 b;
	size_t			 i, n = 0;
	int			 rc;

	memset(res, 0, sizeof(*res));
	if ((rc = edit_gate(s, "fedwiz host", op, d)) != STORE_OK)
		return rc;
	if ((r = role_named(s, role, "fedwiz host", d)) == NULL)
		return STORE_EINPUT;
	if ((h = answers_host(s->ans, name)) == NULL ||
	    strcmp(h->role, r->id) != 0) {
		buf_init(&b);
		list_hosts(s, r->id, &b);
		diags_add(d, "fedwiz host", 0, 0, "%s is not a host of %s in "
		    "session %lld%s%s", name, r->id, (long long)s->id,
		    b.len ? "; its hosts: " : " (it lists none)", b.len ? b.s :
		    "");
		buf_free(&b);
		return STORE_EINPUT;
	}
	buf_init(&b);
	buf_printf(&b, "removed %s: %s ", r->id, h->name);
	host_words(&b, h);
	/* Its own answers go with it; the record keeps them here. */
	for (i = 0; i < h->nvars; i++)
		buf_printf(&b, "%s%s = %s", n++ ? ", " : "; its answers: ",
		    h->var_names[i], h->var_values[i]);
	for (i = 0; i < s->nsteps; i++)
		if (strcmp(s->steps[i].host, h->name) == 0 &&
		    s->steps[i].status != STEP_PENDING)
			break;
	if (i < s->nsteps)
		buf_adds(&b, "; its recorded steps stay in the record");
	return host_commit(s, h, r, 0, 1, &b, op, res, d);
}
