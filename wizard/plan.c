/* plan.c: order procedures, fan them out over hosts, derive status. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cond.h"
#include "plan.h"
#include "runbook.h"
#include "util.h"

/* Min-heap of procedure indices: the ready procedure earliest in the
 * document comes out first (debian-installer's main-menu does the same). */
struct heap {
	size_t	*v;
	size_t	 n;
};

static void
heap_push(struct heap *h, size_t x)
{
	size_t	i = h->n++, p;

	while (i > 0 && h->v[p = (i - 1) / 2] > x) {
		h->v[i] = h->v[p];
		i = p;
	}
	h->v[i] = x;
}

static size_t
heap_pop(struct heap *h)
{
	size_t	top = h->v[0], x = h->v[--h->n], i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= x)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = x;
	return top;
}

/*
 * After Kahn's algorithm every procedure left over requires another left
 * over one, so following requires from any of them must close a loop.
 */
static void
report_cycle(const struct runbook *rb, const size_t *indeg,
    struct diags *diags)
{
	struct buf		 b;
	const struct rb_proc	*p;
	size_t			*onpath, *path, n = 0, cur, i, start, k;

	onpath = xcalloc(rb->nprocs, sizeof(*onpath));	/* position + 1 */
	path = xcalloc(rb->nprocs + 1, sizeof(*path));
	for (cur = 0; cur < rb->nprocs && indeg[cur] == 0; cur++)
		;
	for (;;) {
		onpath[cur] = ++n;
		path[n - 1] = cur;
		p = &rb->procs[cur];
		for (i = 0; i < p->requires.n; i++)
			if (indeg[p->req[i]] > 0)
				break;
		cur = p->req[i];
		if (onpath[cur])
			break;
	}
	start = onpath[cur] - 1;
	buf_init(&b);
	for (k = start; k < n; k++)
		buf_printf(&b, "%s -> ", rb->procs[path[k]].id);
	buf_adds(&b, rb->procs[cur].id);
	/* Point at the requires entry that closes the loop. */
	p = &rb->procs[path[n - 1]];
	for (i = 0; i < p->requires.n; i++)
		if (p->req[i] == cur)
			break;
	diags_add(diags, rb->path, p->requires.pos[i].line,
	    p->requires.pos[i].col, "requires cycle: %s (each requires the "
	    "next; remove one of these requires)", b.s);
	buf_free(&b);
	free(onpath);
	free(path);
}

int
plan_order(const struct runbook *rb, size_t *order, struct diags *diags)
{
	struct heap		  h;
	size_t			 *indeg, **users, *nusers, i, j, k, n = 0, x;
	const struct rb_proc	 *p;

	indeg = xcalloc(rb->nprocs + 1, sizeof(*indeg));
	nusers = xcalloc(rb->nprocs + 1, sizeof(*nusers));
	users = xcalloc(rb->nprocs + 1, sizeof(*users));
	for (i = 0; i < rb->nprocs; i++) {
		indeg[i] = rb->procs[i].requires.n;
		for (j = 0; j < rb->procs[i].requires.n; j++)
			nusers[rb->procs[i].req[j]]++;
	}
	for (i = 0; i < rb->nprocs; i++) {
		users[i] = xcalloc(nusers[i] + 1, sizeof(**users));
		nusers[i] = 0;
	}
	for (i = 0; i < rb->nprocs; i++) {
		p = &rb->procs[i];
		for (j = 0; j < p->requires.n; j++) {
			k = p->req[j];
			users[k][nusers[k]++] = i;
		}
	}
	h.v = xcalloc(rb->nprocs + 1, sizeof(*h.v));
	h.n = 0;
	for (i = 0; i < rb->nprocs; i++)
		if (indeg[i] == 0)
			heap_push(&h, i);
	while (h.n > 0) {
		x = heap_pop(&h);
		order[n++] = x;
		for (j = 0; j < nusers[x]; j++)
			if (--indeg[users[x][j]] == 0)
				heap_push(&h, users[x][j]);
	}
	if (n < rb->nprocs)
		report_cycle(rb, indeg, diags);
	for (i = 0; i < rb->nprocs; i++)
		free(users[i]);
	free(users);
	free(nusers);
	free(indeg);
	free(h.v);
	return n < rb->nprocs ? -1 : 0;
}

const char *
plan_status_name(enum inst_status s)
{
	switch (s) {
	case INST_BLOCKED:
		return "blocked";
	case INST_READY:
		return "ready";
	case INST_IN_PROGRESS:
		return "in-progress";
	case INST_DONE:
		return "done";
	case INST_SKIPPED:
		return "skipped";
	case INST_FAILED:
		return "failed";
	}
	return "?";
}

const char *
plan_step_status_name(enum step_status s)
{
	switch (s) {
	case STEP_PENDING:
		return "pending";
	case STEP_DONE:
		return "done";
	case STEP_SKIPPED:
		return "skipped";
	case STEP_FAILED:
		return "failed";
	}
	return "?";
}

/* Called for every blocked-by entry of a large plan: no snprintf. Ids and
 * host names are at most 64 bytes each, so 160 always holds them. */
const char *
plan_inst_name(const struct plan_inst *in, char *buf, size_t len)
{
	size_t	a = strlen(in->proc->id), b;

	if (len == 0)
		return buf;
	if (a >= len)
		a = len - 1;
	memcpy(buf, in->proc->id, a);
	if (in->host != NULL && a + 1 < len) {
		buf[a++] = '@';
		b = strlen(in->host->name);
		if (a + b >= len)
			b = len - 1 - a;
		memcpy(buf + a, in->host->name, b);
		a += b;
	}
	buf[a] = '\0';
	return buf;
}

void
plan_inst_scope(const struct plan *pl, const struct plan_inst *in,
    struct scope *sc)
{
	sc->rb = pl->rb;
	sc->ans = pl->ans;
	sc->host = in->host;
	sc->inst = NULL;
}

const struct plan_need *
plan_step_needs(const struct plan_inst *in, size_t step, size_t *n)
{
	size_t	i, k;

	for (i = 0; i < in->nstep_needs && in->step_needs[i].step != step;
	    i++)
		;
	for (k = i; k < in->nstep_needs && in->step_needs[k].step == step;
	    k++)
		;
	*n = k - i;
	return k > i ? &in->step_needs[i] : NULL;
}

const char *
plan_need_name(const struct plan_need *nd, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", nd->var->name, nd->host ? " on " : "",
	    nd->host ? nd->host : "");
	return buf;
}

/* Needs, collected per instance (then copied to the arena). */
struct needs {
	struct plan_need	*v;
	size_t			 n;
	size_t			 cap;
};

static void
needs_add(struct needs *nv, size_t step, const struct rb_var *var,
    const char *host)
{
	size_t	i;

	for (i = 0; i < nv->n; i++)
		if (nv->v[i].step == step && nv->v[i].var == var &&
		    (nv->v[i].host == host || (nv->v[i].host != NULL &&
		    host != NULL && strcmp(nv->v[i].host, host) == 0)))
			return;
	if (nv->n == nv->cap) {
		nv->cap = nv->cap ? nv->cap * 2 : 4;
		nv->v = xreallocarray(nv->v, nv->cap, sizeof(*nv->v));
	}
	nv->v[nv->n].step = step;
	nv->v[nv->n].var = var;
	nv->v[nv->n++].host = host;
}

/*
 * What step (1-based) of an instance uses that has no value: in its own
 * scope, and in an ssh check on a role, on each host the command runs
 * on (where a variable per host of that role takes that host's value).
 */
static void
step_needs(struct plan *pl, struct plan_inst *in, size_t step,
    struct scope *sc, struct needs *nv)
{
	const struct rb_step	*s = &in->proc->steps[step - 1];
	const struct rb_use	*u;
	const struct role_hosts	*rh;
	size_t			 i, k, n;

	for (i = 0; i < s->nuses; i++) {
		u = &s->uses[i];
		if (u->ssh_role == NULL || u->var->role != u->ssh_role ||
		    (in->host != NULL && u->ssh_role == in->proc->role &&
		    RB_PER_HOST(in->proc))) {
			if (scope_lookup(sc, u->var->name) == NULL)
				needs_add(nv, step, u->var,
				    u->var->per_host && in->host != NULL ?
				    in->host->name : NULL);
			continue;
		}
		if (u->var->def != NULL)
			continue;
		rh = answers_hosts(pl->ans, u->ssh_role->id);
		/* Done once, verified on one host: that host's value only. */
		n = rh == NULL ? 0 : in->proc->once && u->ssh_role ==
		    in->proc->role && in->proc->verify == RB_VERIFY_ONE_HOST &&
		    rh->n > 0 ? 1 : rh->n;
		for (k = 0; k < n; k++)
			if (answers_host_var(&rh->hosts[k], u->var->name) ==
			    NULL)
				needs_add(nv, step, u->var,
				    rh->hosts[k].name);
	}
}

struct need_ctx {
	struct plan	 *pl;
	struct scope	 *sc;
	const char	**v;
	size_t		  n;
};

static void
need_cb(void *arg, const char *name, size_t off)
{
	struct need_ctx	*nc = arg;
	size_t		 i;

	(void)off;
	if (scope_lookup(nc->sc, name) != NULL)
		return;
	for (i = 0; i < nc->n; i++)
		if (strcmp(nc->v[i], name) == 0)
			return;
	nc->v = xreallocarray(nc->v, nc->n + 1, sizeof(*nc->v));
	nc->v[nc->n++] = name;
}

/* Whether instance in (of procedure p) waits only for the same host's
 * instance of q: both fan out over the same host list, in the same
 * order. */
static int
same_host_dep(const struct plan_inst *in, const struct rb_proc *q)
{
	/* One done once for the deployment is one instance: all of an
	 * instance's dependencies, or none of its position. */
	return in->host != NULL && q->role == in->proc->role &&
	    RB_PER_HOST(q);
}

static int
finished(enum inst_status s)
{
	return s == INST_DONE || s == INST_SKIPPED;
}

size_t
plan_blocker(const struct plan *pl, const struct plan_inst *in, size_t k)
{
	const struct rb_proc	*p = in->proc;
	size_t			 j, q, dep, pos = (size_t)(in - pl->inst) -
	    pl->first[p->index];

	for (j = 0; j < p->requires.n; j++) {
		q = p->req[j];
		if (same_host_dep(in, &pl->rb->procs[q])) {
			dep = pl->first[q] + pos;
			if (finished(pl->inst[dep].status))
				continue;
			if (k == 0)
				return dep;
			k--;
		} else {
			if (k < pl->nopen[q])
				return pl->open[q][k];
			k -= pl->nopen[q];
		}
	}
	fatal("plan_blocker: %zu is past the blockers of %s", k, p->id);
}

/*
 * An instance's step states, kept once for each run of instances that
 * have the same (nothing changes them once the plan is built): 30,000
 * instances of ten steps, nearly all pending, were 2.8 MB, one copy each.
 */
static void
keep_steps(struct plan *pl, struct plan_inst *in)
{
	const struct plan_inst	*prev = in > pl->inst ? in - 1 : NULL;
	enum step_status	*st = in->steps;
	unsigned char		*na = in->step_na;
	size_t			 n = in->proc->nsteps;

	if (prev != NULL && prev->proc->nsteps == n &&
	    memcmp(prev->steps, st, n * sizeof(*st)) == 0 &&
	    memcmp(prev->step_na, na, n) == 0) {
		in->steps = prev->steps;
		in->step_na = prev->step_na;
		return;
	}
	in->steps = arena_calloc(pl->arena, n, sizeof(*in->steps));
	memcpy(in->steps, st, n * sizeof(*st));
	in->step_na = arena_calloc(pl->arena, n, 1);
	memcpy(in->step_na, na, n);
}

#define STEPS_ON_STACK	64

static void
set_status(struct plan *pl, struct plan_inst *in, plan_state_fn states,
    void *ctx)
{
	enum step_status	 stbuf[STEPS_ON_STACK], *st;
	unsigned char		 nabuf[STEPS_ON_STACK], *na;
	const struct rb_proc	*p = in->proc;
	const struct rb_step	*s;
	struct need_ctx		 nc;
	struct needs		 nv;
	struct scope		 sc;
	size_t			 i, q, pos, nexplicit = 0;

	plan_inst_scope(pl, in, &sc);
	in->applies = p->when ? cond_eval(p->when, scope_lookup, &sc) : T_TRUE;
	/* Filled here, then kept by keep_steps. */
	st = p->nsteps <= STEPS_ON_STACK ? stbuf :
	    xcalloc(p->nsteps, sizeof(*st));
	na = p->nsteps <= STEPS_ON_STACK ? nabuf : xcalloc(p->nsteps, 1);
	memset(na, 0, p->nsteps);	/* st: every entry is set below */
	in->steps = st;
	in->step_na = na;
	if (in->applies == T_FALSE) {
		for (i = 0; i < p->nsteps; i++) {
			in->steps[i] = STEP_SKIPPED;
			in->step_na[i] = 1;
		}
		in->nskipped = p->nsteps;
		in->status = INST_SKIPPED;
		keep_steps(pl, in);
		goto out;
	}
	for (i = 0; i < p->nsteps; i++) {
		s = &p->steps[i];
		if (s->when != NULL &&
		    cond_eval(s->when, scope_lookup, &sc) == T_FALSE) {
			in->step_na[i] = 1;
			in->steps[i] = STEP_SKIPPED;
			in->nskipped++;
			continue;
		}
		in->steps[i] = states ? states(ctx, p->id, in->host ?
		    in->host->name : NULL, i + 1) : STEP_PENDING;
		switch (in->steps[i]) {
		case STEP_DONE:
			in->ndone++;
			nexplicit++;
			break;
		case STEP_SKIPPED:
			in->nskipped++;
			nexplicit++;
			break;
		case STEP_FAILED:
			in->nfailed++;
			nexplicit++;
			break;
		case STEP_PENDING:
			break;
		}
	}
	keep_steps(pl, in);
	memset(&nv, 0, sizeof(nv));
	for (i = 0; i < p->nsteps; i++)
		if (!in->step_na[i] && p->steps[i].nuses > 0)
			step_needs(pl, in, i + 1, &sc, &nv);
	if (nv.n > 0) {
		in->step_needs = arena_calloc(pl->arena, nv.n,
		    sizeof(*in->step_needs));
		memcpy(in->step_needs, nv.v, nv.n * sizeof(*nv.v));
		in->nstep_needs = nv.n;
	}
	free(nv.v);
	/* Required procedures come earlier in the order: their instances'
	 * status, and their lists of open instances, are known by now. */
	pos = (size_t)(in - pl->inst) - pl->first[p->index];
	for (i = 0; i < p->requires.n; i++) {
		q = p->req[i];
		if (same_host_dep(in, &pl->rb->procs[q]))
			in->nblocked += !finished(
			    pl->inst[pl->first[q] + pos].status);
		else
			in->nblocked += pl->nopen[q];
	}
	if (in->applies == T_UNKNOWN) {
		memset(&nc, 0, sizeof(nc));
		nc.pl = pl;
		nc.sc = &sc;
		cond_walk_vars(p->when, need_cb, &nc);
		in->needs = arena_calloc(pl->arena, nc.n + 1,
		    sizeof(*in->needs));
		memcpy(in->needs, nc.v, nc.n * sizeof(*nc.v));
		in->nneeds = nc.n;
		free(nc.v);
	}

	if (in->nfailed > 0)
		in->status = INST_FAILED;
	else if (in->ndone + in->nskipped == p->nsteps)
		in->status = in->ndone > 0 ? INST_DONE : INST_SKIPPED;
	else if (nexplicit > 0)
		in->status = INST_IN_PROGRESS;
	else if (in->nneeds > 0 || in->nblocked > 0)
		in->status = INST_BLOCKED;
	else
		in->status = INST_READY;
out:
	if (st != stbuf)
		free(st);
	if (na != nabuf)
		free(na);
}

/* Every value missing for what applies, once each, in plan order. */
static void
collect_missing(struct plan *pl)
{
	const struct plan_inst	*in;
	const struct rb_var	*v;
	struct needs		 nv;
	size_t			 i, k;

	memset(&nv, 0, sizeof(nv));
	for (i = 0; i < pl->n; i++) {
		in = &pl->inst[i];
		if (in->applies == T_FALSE)
			continue;
		for (k = 0; k < in->nneeds; k++)
			if ((v = runbook_var(pl->rb, in->needs[k])) != NULL)
				needs_add(&nv, 0, v, v->per_host &&
				    in->host != NULL ? in->host->name : NULL);
		for (k = 0; k < in->nstep_needs; k++)
			needs_add(&nv, 0, in->step_needs[k].var,
			    in->step_needs[k].host);
	}
	if (nv.n > 0) {
		pl->missing = arena_calloc(pl->arena, nv.n,
		    sizeof(*pl->missing));
		memcpy(pl->missing, nv.v, nv.n * sizeof(*nv.v));
		pl->nmissing = nv.n;
	}
	free(nv.v);
}

/* A procedure's instances that are not finished, once all have a status:
 * what every instance that requires it from another role waits for. */
static void
list_open(struct plan *pl, size_t p)
{
	size_t	i, n = 0;

	for (i = 0; i < pl->count[p]; i++)
		n += !finished(pl->inst[pl->first[p] + i].status);
	pl->nopen[p] = n;
	pl->open[p] = arena_calloc(pl->arena, n + 1, sizeof(**pl->open));
	for (n = 0, i = 0; i < pl->count[p]; i++)
		if (!finished(pl->inst[pl->first[p] + i].status))
			pl->open[p][n++] = pl->first[p] + i;
}

int
plan_build(const struct runbook *rb, const struct answers *ans,
    plan_state_fn states, void *ctx, struct plan **out, struct diags *diags)
{
	const struct role_hosts	 *rh;
	const struct rb_proc	 *p;
	struct plan		 *pl;
	struct plan_inst	 *in;
	size_t			 *order, i, h, n = 0, np = rb->nprocs + 1;

	order = xcalloc(np, sizeof(*order));
	if (plan_order(rb, order, diags) == -1) {
		free(order);
		return -1;
	}
	pl = xcalloc(1, sizeof(*pl));
	pl->arena = arena_new();
	pl->rb = rb;
	pl->ans = ans;

	/* Instances: one per host of the role, or one (a procedure with no
	 * role, or one done once for the deployment). */
	for (i = 0; i < rb->nprocs; i++) {
		p = &rb->procs[i];
		rh = RB_PER_HOST(p) ? answers_hosts(ans, p->role->id) : NULL;
		n += rh != NULL && rh->n > 0 ? rh->n : 1;
	}
	pl->inst = arena_calloc(pl->arena, n + 1, sizeof(*pl->inst));
	pl->first = arena_calloc(pl->arena, np, sizeof(*pl->first));
	pl->count = arena_calloc(pl->arena, np, sizeof(*pl->count));
	pl->open = arena_calloc(pl->arena, np, sizeof(*pl->open));
	pl->nopen = arena_calloc(pl->arena, np, sizeof(*pl->nopen));
	for (i = 0; i < rb->nprocs; i++) {
		p = &rb->procs[order[i]];
		rh = RB_PER_HOST(p) ? answers_hosts(ans, p->role->id) : NULL;
		pl->first[order[i]] = pl->n;
		if (rh == NULL || rh->n == 0) {
			pl->inst[pl->n++].proc = p;
			pl->count[order[i]] = 1;
			continue;
		}
		for (h = 0; h < rh->n; h++) {
			pl->inst[pl->n].proc = p;
			pl->inst[pl->n++].host = &rh->hosts[h];
		}
		pl->count[order[i]] = rh->n;
	}

	/*
	 * Status in plan order: an instance waits for the same host's
	 * instance when both procedures run on the same role, and for every
	 * instance otherwise (plan_blocker). When a procedure's last
	 * instance has its status, its open instances are listed once for
	 * all that require it.
	 */
	for (i = 0; i < pl->n; i++) {
		in = &pl->inst[i];
		set_status(pl, in, states, ctx);
		if (i + 1 == pl->first[in->proc->index] +
		    pl->count[in->proc->index])
			list_open(pl, in->proc->index);
	}
	collect_missing(pl);
	free(order);
	*out = pl;
	return 0;
}

void
plan_free(struct plan *pl)
{
	if (pl == NULL)
		return;
	arena_free(pl->arena);
	free(pl);
}
