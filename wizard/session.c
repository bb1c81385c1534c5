/* session.c: a stored session, its runbook and its plan, as one thing. */
#include "config.h"

#include <ctype.h>
#include <pwd.h>
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
answer_cb(void *arg, const char *name, const char *value)
{
	struct session		*s = ((struct load_ctx *)arg)->s;
	const struct rb_var	*v = runbook_var(s->rb, name);
	char			 why[200], *norm;

	if (v == NULL) {
		diags_add(&s->warnings, "session", 0, 0, "warning: answer %s = %s "
		    "is kept but unused: the runbook has no such variable now",
		    name, value);
		return;
	}
	if (vartype_check(&v->spec, value, &norm, why, sizeof(why)) == -1) {
		diags_add(&s->warnings, "session", 0, 0, "warning: answer %s = "
		    "%s no longer fits the runbook (%s); answer it again",
		    name, value, why);
		return;
	}
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
	lc.s = s;
	if ((rc = store_answers(st, id, answer_cb, &lc, d)) != STORE_OK ||
	    (rc = store_hosts(st, id, host_cb, &lc, d)) != STORE_OK)
		goto bad;
	if ((rc = store_steps(st, id, s->arena, &s->steps, &s->nsteps, d)) !=
	    STORE_OK)
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
	session_free(s);
	return rc;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	plan_free(s->plan);
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
	const struct rb_var	*v;
	const struct host	*h;
	char			*text = NULL;
	size_t			 len, i, k;
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
	rc = store_session_create(st, rb->id, rb->hash, text, len, operator,
	    window_end, id, d);
	for (i = 0; i < rb->nvars && rc == STORE_OK; i++) {
		v = &rb->vars[i];
		if (answers_get(ans, v->name) != NULL)
			rc = store_answer_set(st, *id, v->name,
			    answers_get(ans, v->name), operator, d);
	}
	for (i = 0; i < ans->nroles && rc == STORE_OK; i++)
		for (k = 0; k < ans->roles[i].n && rc == STORE_OK; k++) {
			h = &ans->roles[i].hosts[k];
			rc = store_host_add(st, *id, h, operator, d);
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
session_step(struct session *s, const struct step_request *r, int *changed,
    struct diags *d)
{
	const struct rb_proc	 *p;
	const struct role_hosts	 *rh;
	const struct plan_inst	 *in;
	const struct rb_step	 *st;
	const char		**ids, *near, *host = r->host;
	struct buf		  b;
	char			 *dt, *extra = NULL, name[160];
	size_t			  i;
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
	/* A changed runbook comes before anything else: the operator reviews
	 * it before one more step is recorded against it. */
	if (s->drifted && !r->accept_drift) {
		dt = session_drift_text(s);
		diags_add(d, "fedwiz step", 0, 0, "runbook %s changed since "
		    "session %lld started (%s); review with 'fedwiz status', "
		    "then continue with --accept-drift", s->rb->id,
		    (long long)s->id, dt);
		free(dt);
		return STORE_EINPUT;
	}
	if ((p = runbook_proc(s->rb, r->proc)) == NULL) {
		ids = xreallocarray(NULL, s->rb->nprocs + 1, sizeof(*ids));
		for (i = 0; i < s->rb->nprocs; i++)
			ids[i] = s->rb->procs[i].id;
		near = closest_word(r->proc, ids, s->rb->nprocs);
		diags_add(d, "fedwiz step", 0, 0, "runbook %s has no procedure "
		    "\"%s\"%s%s%s ('fedwiz status' lists them)", s->rb->id,
		    r->proc, near ? "; did you mean \"" : "", near ? near : "",
		    near ? "\"?" : "");
		free(ids);
		return STORE_EINPUT;
	}
	/* Which host: as given, the only one, or none for a one-off. */
	rh = p->role ? answers_hosts(s->ans, p->role->id) : NULL;
	buf_init(&b);
	if (p->role == NULL && host != NULL) {
		diags_add(d, "fedwiz step", 0, 0, "%s is done once, not per "
		    "host: drop \"@%s\"", p->id, host);
		return STORE_EINPUT;
	}
	if (p->role != NULL && host == NULL && rh != NULL) {
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
		diags_add(d, "fedwiz step", 0, 0, "say why with --note TEXT: a "
		    "%s step needs a reason in the change record",
		    r->to == STEP_SKIPPED ? "skipped" : "failed");
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
			    "%s: do those first, or give --force to record "
			    "this step anyway", p->id, host ? "@" : "",
			    host ? host : "", b.s);
			buf_free(&b);
			return STORE_ESTATE;
		}
		extra = xasprintf("forced while blocked by %s", b.s);
		buf_free(&b);
	}
	if (s->drifted) {
		/* Accepted (checked first thing): record it, then go on. */
		dt = session_drift_text(s);
		rc = store_session_rebase(s->st, s->id, s->rb->hash, s->text,
		    s->textlen, r->operator, dt, d);
		free(dt);
		if (rc != STORE_OK) {
			free(extra);
			return rc;
		}
		s->drifted = 0;
	}
	rc = store_step_set(s->st, s->id, p->id, host, r->step, r->to, r->note,
	    r->operator, extra, changed, d);
	free(extra);
	return rc;
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
