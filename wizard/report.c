/*
 * report.c: a session as a change record: gather it from the store once,
 * cleaned, and hand it to the renderer of the format asked for.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answers.h"
#include "clean.h"
#include "plan.h"
#include "report.h"
#include "report-int.h"
#include "runbook.h"
#include "session.h"
#include "store.h"
#include "template.h"
#include "util.h"

/* A check's output in md and html: enough to recognise it; json has all. */
#define EXCERPT_LINES	12
#define EXCERPT_BYTES	1200

static const char *const format_names[] = { "md", "html", "json" };

const char *const report_status_names[] = {
	[RS_PENDING] = "pending",
	[RS_DONE] = "done",
	[RS_SKIPPED] = "skipped",
	[RS_FAILED] = "failed",
	[RS_NA] = "n/a",
};

/* CSS class per status (html). */
const char *const report_status_class[] = {
	[RS_PENDING] = "pending",
	[RS_DONE] = "done",
	[RS_SKIPPED] = "skipped",
	[RS_FAILED] = "failed",
	[RS_NA] = "na",
};

/* Text. */

/*
 * Notes, check output and answers come from operators and remote hosts:
 * the one cleaner (clean.h) keeps printable text only; a newline stays in
 * multi-line fields and is a space elsewhere; trailing blank space goes.
 */
static char *
clean(struct arena *a, const char *s, int multiline)
{
	char	*c, *out;

	c = clean_text(s, (multiline ? 0 : CLEAN_LINE) | CLEAN_TRIM);
	out = arena_strdup(a, c);
	free(c);
	return out;
}

/* clean(), but NULL and "" stay NULL: "no value". */
static char *
clean_opt(struct arena *a, const char *s, int multiline)
{
	char	*c;

	if (s == NULL || *s == '\0')
		return NULL;
	c = clean(a, s, multiline);
	return *c != '\0' ? c : NULL;
}

static char *
first_line(struct arena *a, const char *s)
{
	const char	*nl = strchr(s, '\n');

	return nl ? arena_strndup(a, s, (size_t)(nl - s)) : arena_strdup(a, s);
}

/* ISO 8601 in UTC, so a record reads the same in every time zone; no
 * time (0) is "". */
const char *
report_iso(time_t t, char *buf, size_t len)
{
	if (t <= 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	return fmt_iso_time(t, buf, len);
}

/* "45s", "12m", "2h", "1h 12m", "3d 4h" */
const char *
report_span(long long secs, char *buf, size_t len)
{
	return fmt_duration(secs > LLONG_MAX / 1000 ? LLONG_MAX :
	    secs < LLONG_MIN / 1000 ? LLONG_MIN + 1000 : secs * 1000, FMT_SPAN,
	    buf, len);
}

const char *
report_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "412 ms", "3.2 s" */
const char *
report_millis(int64_t ms, char *buf, size_t len)
{
	return fmt_duration(ms, FMT_TOOK, buf, len);
}

/*
 * Secrets are never stored, and no variable type holds one; a variable
 * named like a secret is withheld anyway, so that a runbook that one day
 * asks for one cannot put it in a report.
 */
static int
secret_name(const char *name)
{
	static const char *const words[] = { "password", "passphrase",
	    "secret", "passwd", "private_key" };
	size_t	i;

	for (i = 0; i < nitems(words); i++)
		if (strstr(name, words[i]) != NULL)
			return 1;
	return 0;
}

/* Gathering. */

/* Instances are found by "proc \x1f host" (any length: host names are
 * FQDNs, and a truncated key could name two instances). */
static const char *
inst_key(struct arena *a, const char *proc, const char *host)
{
	char		*k = xasprintf("%s\x1f%s", proc, host ? host : "");
	const char	*c = arena_strdup(a, k);

	free(k);
	return c;
}

static int
find_inst(const struct strmap *m, const char *proc, const char *host,
    size_t *i)
{
	char	*k = xasprintf("%s\x1f%s", proc, host ? host : "");
	int	 found = strmap_get(m, k, i);

	free(k);
	return found;
}

static void
add_operator(struct report *r, const char *op)
{
	char	**v, *c;
	size_t	  i;

	if (op == NULL || *(c = clean(r->a, op, 0)) == '\0')
		return;
	for (i = 0; i < r->noperators; i++)
		if (strcmp(r->operators[i], c) == 0)
			return;
	v = arena_calloc(r->a, r->noperators + 1, sizeof(*v));
	if (r->noperators > 0)
		memcpy(v, r->operators, r->noperators * sizeof(*v));
	v[r->noperators++] = c;
	r->operators = v;
}

static void
add_orphan(struct report *r, const char *what, const char *text)
{
	struct r_orphan	*v;

	v = arena_calloc(r->a, r->norphans + 1, sizeof(*v));
	if (r->norphans > 0)
		memcpy(v, r->orphans, r->norphans * sizeof(*v));
	v[r->norphans].what = clean(r->a, what, 0);
	v[r->norphans].text = clean(r->a, text, 1);
	r->norphans++;
	r->orphans = v;
}

static void
gather_summary(struct report *r, const struct session *s)
{
	char	**w, *x;
	size_t	  i;

	r->id = s->id;
	r->runbook_id = clean(r->a, s->info.runbook_id, 0);
	r->title = clean(r->a, s->rb->title, 0);
	r->sha256 = clean(r->a, s->info.runbook_hash, 0);
	if (strcmp(s->rb->hash, s->info.runbook_hash) != 0)
		r->sha256_now = clean(r->a, s->rb->hash, 0);
	r->source = clean_opt(r->a, s->rb->source, 0);
	/* A file name means nothing to the change manager: the document's
	 * own title (the runbook's title, by the format's definition, when
	 * it has no source_title). */
	r->source_title = clean(r->a, s->rb->source_title != NULL ?
	    s->rb->source_title : s->rb->title, 0);
	r->practice = s->info.practice;
	r->lab = clean_opt(r->a, s->info.lab, 0);
	r->operator = clean(r->a, s->info.operator, 0);
	r->machine = clean(r->a, s->info.host, 0);
	r->started = s->info.started;
	r->window_end = s->info.window_end;
	r->closed = s->info.closed;
	add_operator(r, s->info.operator);
	if (s->drifted) {
		x = session_drift_text(s);
		r->drift = clean(r->a, x, 0);
		free(x);
	}
	w = arena_calloc(r->a, s->warnings.n + 1, sizeof(*w));
	/* Said under "Warning", so without its own "warning: ". */
	for (i = 0; i < s->warnings.n; i++)
		w[i] = clean(r->a, s->warnings.v[i].msg + (strncmp(
		    s->warnings.v[i].msg, "warning: ", 9) == 0 ? 9 : 0), 0);
	r->warnings = w;
	r->nwarnings = s->warnings.n;
}

/* Time used against the window, once last_change is known. */
static void
gather_time(struct report *r)
{
	struct buf	x;
	char		a[32], b[32], c[32];
	long long	used = sub_sat(r->last_change, r->started);
	long long	len = sub_sat(r->window_end, r->started);
	long long	over = sub_sat(r->last_change, r->window_end);

	report_span(used, a, sizeof(a));
	buf_init(&x);
	if (r->window_end <= 0)
		buf_printf(&x, "%s from the start to the last change; no "
		    "maintenance window was set", a);
	else if (len <= 0)
		buf_printf(&x, "the window ended %s before the session "
		    "started; the work took %s", report_span(len, b, sizeof(b)),
		    a);
	else if (over <= 0)
		buf_printf(&x, "%s of %s (%s to spare)", a, report_span(len, b,
		    sizeof(b)), report_span(over, c, sizeof(c)));
	else
		buf_printf(&x, "window ended %s before the last change (the "
		    "work took %s of a %s window)", report_span(over, b,
		    sizeof(b)), a, report_span(len, c, sizeof(c)));
	r->time_used = arena_strdup(r->a, x.s);
	buf_free(&x);
}

/* Where a value comes from: *val is the answer given (NULL: none); it
 * becomes the default when there is none, NULL when it is withheld. */
static const char *
value_source(const struct rb_var *v, const char **val)
{
	const char	*src = "answer";

	if (*val == NULL) {
		*val = v->def;
		src = *val != NULL ? "default" : "none";
	}
	if (*val != NULL && secret_name(v->name)) {
		*val = NULL;
		src = "withheld";
	}
	return src;
}

/*
 * A variable answered per host: no value for the deployment, one per
 * host of its role (its own, else the default), each said as the
 * deployment's would be. A change manager must see fe1's FQDN, not "none".
 */
static void
gather_host_values(struct report *r, const struct session *s,
    const struct rb_var *v, struct r_answer *an)
{
	const struct role_hosts	*rh = answers_hosts(s->ans, v->per_host);
	struct r_host_value	*hv;
	const char		*val;
	size_t			 k;

	an->role = clean(r->a, v->per_host, 0);
	an->source = "per host";
	if (rh == NULL || rh->n == 0)
		return;
	an->hv = arena_calloc(r->a, rh->n, sizeof(*an->hv));
	for (k = 0; k < rh->n; k++) {
		hv = &an->hv[an->nhv++];
		hv->host = clean(r->a, rh->hosts[k].name, 0);
		val = answers_host_var(&rh->hosts[k], v->name);
		hv->source = value_source(v, &val);
		hv->value = clean_opt(r->a, val, 0);
	}
}

static void
gather_answers(struct report *r, const struct session *s)
{
	const struct rb_var	*v;
	struct r_answer		*an;
	const char		*val;
	size_t			 i;

	r->answers = arena_calloc(r->a, s->rb->nvars + 1, sizeof(*r->answers));
	for (i = 0; i < s->rb->nvars; i++) {
		v = &s->rb->vars[i];
		an = &r->answers[r->nanswers++];
		an->name = clean(r->a, v->name, 0);
		an->prompt = clean_opt(r->a, v->prompt, 0);
		if (v->per_host != NULL) {
			gather_host_values(r, s, v, an);
			continue;
		}
		val = answers_get(s->ans, v->name);
		an->source = value_source(v, &val);
		an->value = clean_opt(r->a, val, 0);
	}
}

static void
gather_hosts(struct report *r, const struct session *s)
{
	const struct role_hosts	*rh;
	const struct rb_role	*role;
	const struct host	*h;
	struct r_host		*rhost;
	const char		*a;
	char			*addr;
	size_t			 i, k, n = 0;

	for (i = 0; i < s->rb->nroles; i++) {
		rh = answers_hosts(s->ans, s->rb->roles[i].id);
		n += rh != NULL && rh->n > 0 ? rh->n : 1;
	}
	r->hosts = arena_calloc(r->a, n + 1, sizeof(*r->hosts));
	for (i = 0; i < s->rb->nroles; i++) {
		role = &s->rb->roles[i];
		rh = answers_hosts(s->ans, role->id);
		if (rh == NULL || rh->n == 0) {
			rhost = &r->hosts[r->nhosts++];
			rhost->role = clean(r->a, role->id, 0);
			rhost->profile = clean_opt(r->a, role->profile_name, 0);
			continue;
		}
		for (k = 0; k < rh->n; k++) {
			h = &rh->hosts[k];
			rhost = &r->hosts[r->nhosts++];
			rhost->role = clean(r->a, role->id, 0);
			rhost->name = clean(r->a, h->name, 0);
			/* The address with the SSH port when it is not 22. */
			a = h->address ? h->address : h->name;
			if (h->port > 0 && h->port != 22)
				addr = xasprintf(strchr(a, ':') ? "[%s]:%d" :
				    "%s:%d", a, h->port);
			else
				addr = xstrdup(a);
			rhost->address = clean(r->a, addr, 0);
			free(addr);
			rhost->user = clean_opt(r->a, h->user, 0);
			rhost->site = clean_opt(r->a, h->site, 0);
			rhost->profile = clean_opt(r->a, h->profile ?
			    h->profile->name : h->profile_name ?
			    h->profile_name : role->profile_name, 0);
		}
	}
}

static void
gather_steps(struct report *r, const struct session *s,
    const struct plan_inst *in, struct r_inst *ri)
{
	const struct rb_proc	*p = in->proc;
	const struct rb_step	*st;
	const struct store_step	*ss;
	struct r_step		*rs;
	struct scope		 sc;
	char			 when[32], *x;
	size_t			 k;
	int			 forged;

	plan_inst_scope(s->plan, in, &sc);
	ri->nsteps = p->nsteps;
	ri->steps = arena_calloc(r->a, p->nsteps + 1, sizeof(*ri->steps));
	for (k = 0; k < p->nsteps; k++) {
		st = &p->steps[k];
		rs = &ri->steps[k];
		rs->n = k + 1;
		x = tmpl_expand(st->do_, scope_lookup, &sc);
		rs->text = clean(r->a, x, 1);
		free(x);
		rs->line = first_line(r->a, rs->text);
		if (st->command != NULL) {
			x = tmpl_expand(st->command, scope_lookup, &sc);
			rs->command = clean_opt(r->a, x, 1);
			free(x);
		}
		if (rs->command != NULL) {
			rs->command_line = first_line(r->a, rs->command);
			for (x = rs->command; *x != '\0'; x++)
				rs->command_more += *x == '\n';
		}
		/* What the record claims, forged or not: the log's word is
		 * set beside it (gather_events). */
		ss = session_record_state(s, p->id, in->host ? in->host->name :
		    NULL, k + 1, &forged);
		if (ss != NULL)
			ri->touched = 1;
		if (in->step_na[k]) {
			rs->status = RS_NA;
			rs->when = clean_opt(r->a, st->when_src ? st->when_src :
			    p->when_src, 0);
			/* Recorded while it applied (the runbook changed):
			 * say so, but it does not count. */
			if (ss != NULL && ss->status != STEP_PENDING) {
				x = xasprintf("recorded as %s by %s at %s, but "
				    "the step does not apply now",
				    plan_step_status_name(ss->status),
				    ss->operator, report_iso(ss->at, when,
				    sizeof(when)));
				rs->stale = clean(r->a, x, 0);
				free(x);
			}
		} else {
			switch (forged && ss != NULL ? ss->status :
			    in->steps[k]) {
			case STEP_DONE:
				rs->status = RS_DONE;
				break;
			case STEP_SKIPPED:
				rs->status = RS_SKIPPED;
				break;
			case STEP_FAILED:
				rs->status = RS_FAILED;
				break;
			case STEP_PENDING:
			default:
				rs->status = RS_PENDING;
				break;
			}
			if (ss != NULL) {
				rs->by = clean_opt(r->a, ss->operator, 0);
				rs->by_checks = rs->status == RS_DONE &&
				    ss->via == STEP_VIA_CHECKS;
				rs->at = ss->at;
				rs->note = clean_opt(r->a, ss->note, 1);
			}
		}
		ri->count[rs->status]++;
	}
}

static void
gather_insts(struct report *r, const struct session *s, struct strmap *map)
{
	const struct plan	*pl = s->plan;
	const struct plan_inst	*in;
	struct r_inst		*ri;
	char			 name[160];
	size_t			 i, k;

	r->ninsts = pl->n;
	r->insts = arena_calloc(r->a, pl->n + 1, sizeof(*r->insts));
	for (i = 0; i < pl->n; i++) {
		in = &pl->inst[i];
		ri = &r->insts[i];
		ri->n = i + 1;
		ri->name = clean(r->a, plan_inst_name(in, name, sizeof(name)),
		    0);
		ri->id = clean(r->a, in->proc->id, 0);
		ri->title = clean(r->a, in->proc->title, 0);
		ri->host = in->host ? clean(r->a, in->host->name, 0) : NULL;
		ri->role = clean_opt(r->a, in->proc->on, 0);
		ri->applies = in->applies;
		ri->when = clean_opt(r->a, in->proc->when_src, 0);
		ri->pstatus = in->status;
		ri->status = in->applies == T_FALSE ?
		    report_status_names[RS_NA] : plan_status_name(in->status);
		ri->blocked_by = arena_calloc(r->a, in->nblocked + 1,
		    sizeof(*ri->blocked_by));
		for (k = 0; k < in->nblocked; k++) {
			plan_inst_name(&pl->inst[plan_blocker(pl, in, k)], name,
			    sizeof(name));
			ri->blocked_by[k] = clean(r->a, name, 0);
		}
		ri->nblocked = in->nblocked;
		ri->needs = arena_calloc(r->a, in->nneeds + 1,
		    sizeof(*ri->needs));
		for (k = 0; k < in->nneeds; k++)
			ri->needs[k] = clean(r->a, in->needs[k], 0);
		ri->nneeds = in->nneeds;
		strmap_put(map, inst_key(r->a, in->proc->id, in->host ?
		    in->host->name : NULL), i, NULL);
		gather_steps(r, s, in, ri);
	}
}

/* Which instance and step a record names; 0 when the plan has none. */
static int
locate(const struct report *r, const struct strmap *map, const char *proc,
    const char *host, size_t step, struct r_inst **ri)
{
	size_t	i;

	if (proc == NULL || *proc == '\0' ||
	    !find_inst(map, proc, host && *host ? host : NULL, &i))
		return 0;
	*ri = &r->insts[i];
	return step >= 1 && step <= (*ri)->nsteps;
}

/* "proc@host step 3", "proc", or "" for the session itself. */
static const char *
what_str(const char *proc, const char *host, size_t step, char *buf,
    size_t len)
{
	int	n;

	buf[0] = '\0';
	if (proc == NULL || *proc == '\0')
		return buf;
	n = snprintf(buf, len, "%s%s%s", proc, host && *host ? "@" : "",
	    host ? host : "");
	if (step > 0 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " step %zu", step);
	return buf;
}

static int
gather_checks(struct report *r, struct session *s, const struct strmap *map,
    struct diags *d)
{
	struct store_check	*v = NULL;
	struct r_inst		*ri;
	struct r_check		*rc;
	char			 what[320], when[32], *x;
	size_t			 n = 0, i, pass;
	int			 err;

	if ((err = store_checks(s->st, s->id, &v, &n, d)) != STORE_OK)
		return err;
	/* Two passes: count per instance, then fill. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if (!locate(r, map, v[i].proc, v[i].host, v[i].step,
			    &ri)) {
				if (pass == 1)
					continue;
				x = xasprintf("check run %s %s: %s%s%s (at %s)",
				    v[i].kind, v[i].target, v[i].result,
				    *v[i].message ? ": " : "", v[i].message,
				    report_iso(v[i].at, when, sizeof(when)));
				add_orphan(r, what_str(v[i].proc, v[i].host,
				    v[i].step, what, sizeof(what)), x);
				free(x);
				continue;
			}
			ri->touched = 1;
			if (pass == 0) {
				ri->nchecks++;
				continue;
			}
			rc = &ri->checks[ri->nchecks++];
			rc->id = v[i].id;
			rc->step = v[i].step;
			rc->kind = clean(r->a, v[i].kind, 0);
			rc->target = clean_opt(r->a, v[i].target, 0);
			rc->result = clean(r->a, v[i].result, 0);
			rc->message = clean_opt(r->a, v[i].message, 1);
			rc->excerpt = clean_opt(r->a, v[i].excerpt, 1);
			rc->sha256 = clean_opt(r->a, v[i].output_sha256, 0);
			rc->output_len = v[i].output_len;
			rc->at = v[i].at;
			rc->duration_ms = v[i].duration_ms;
			rc->origin = clean(r->a, v[i].origin, 0);
			rc->origin_detail = clean_opt(r->a, v[i].origin_detail,
			    0);
			rc->stale = clean_opt(r->a, v[i].stale_why, 0);
		}
		if (pass == 0)
			for (i = 0; i < r->ninsts; i++) {
				ri = &r->insts[i];
				ri->checks = arena_calloc(r->a, ri->nchecks + 1,
				    sizeof(*ri->checks));
				ri->nchecks = 0;
			}
	}
	store_checks_free(v, n);
	return STORE_OK;
}

/* The check runs that came back through Ansible, in import order. */
static int
gather_imports(struct report *r, struct session *s, struct diags *d)
{
	struct store_import	*v = NULL;
	struct r_import		*ri;
	size_t			 n = 0, i;
	int			 err;

	if ((err = store_imports(s->st, s->id, &v, &n, d)) != STORE_OK)
		return err;
	r->imports = arena_calloc(r->a, n + 1, sizeof(*r->imports));
	for (i = 0; i < n; i++) {
		ri = &r->imports[r->nimports++];
		ri->site = clean(r->a, v[i].site, 0);
		ri->jump = clean(r->a, v[i].jump, 0);
		ri->export_id = v[i].export_id;
		ri->run_id = clean(r->a, v[i].run_id, 0);
		ri->results_sha256 = clean(r->a, v[i].results_sha256, 0);
		ri->checked = v[i].checked;
		ri->at = v[i].at;
		ri->operator = clean(r->a, v[i].operator, 0);
		ri->npass = v[i].npass;
		ri->nfail = v[i].nfail;
		ri->nerror = v[i].nerror;
	}
	store_imports_free(v, n);
	return STORE_OK;
}

/* Step records whose procedure or host is not in today's plan. */
static void
gather_orphan_steps(struct report *r, const struct session *s,
    const struct strmap *map)
{
	const struct store_step	*ss;
	struct r_inst		*ri;
	char			 what[320], when[32], *x;
	size_t			 i;

	for (i = 0; i < s->nsteps; i++) {
		ss = &s->steps[i];
		if (locate(r, map, ss->proc, ss->host, ss->step, &ri))
			continue;
		x = xasprintf("%s by %s at %s%s%s",
		    plan_step_status_name(ss->status), ss->operator,
		    report_iso(ss->at, when, sizeof(when)),
		    ss->note ? ": " : "", ss->note ? ss->note : "");
		add_orphan(r, what_str(ss->proc, ss->host, ss->step, what,
		    sizeof(what)), x);
		free(x);
	}
}

/*
 * Whether a step's row is what its last event says. The event log is
 * hash-chained and the steps table is not, so a row changed behind
 * fedwiz's back (or a lost event) shows here. The store words a step
 * event "FROM -> TO[: note][; extra]".
 */
static int
backed(struct report *r, const struct r_step *rs, const struct store_step *ss)
{
	const struct r_hist	*h;

	if (rs->nhist == 0)
		return 0;
	/* The row must say what the last transition of the log says. */
	h = &rs->hist[rs->nhist - 1];
	return h->at == ss->at &&
	    strcmp(h->operator, clean(r->a, ss->operator, 0)) == 0 &&
	    strcmp(h->to, plan_step_status_name(ss->status)) == 0 &&
	    strcmp(h->note, clean(r->a, ss->note ? ss->note : "", 1)) == 0;
}

/* The session's events, each step's history, and how far the chain
 * verifies. */
static void
gather_events(struct report *r, const struct session *s,
    const struct strmap *map, const struct store_event *all, size_t nall)
{
	const struct store_event	*e;
	const struct store_step		*ss;
	const struct plan_inst		*in;
	struct r_event			*re;
	struct r_inst			*ri;
	struct r_step			*rs;
	struct r_hist			*h;
	char				 what[320];
	size_t				 i, k, m, n = 0, pass;
	int				 forged;

	for (i = 0; i < nall; i++)
		n += all[i].session == s->id;
	r->events = arena_calloc(r->a, n + 1, sizeof(*r->events));
	r->last_change = s->info.updated;
	for (i = 0; i < nall; i++) {
		e = &all[i];
		if (e->session != s->id)
			continue;
		re = &r->events[r->nevents++];
		re->id = e->id;
		re->at = e->at;
		re->operator = clean(r->a, e->operator, 0);
		re->kind = clean(r->a, e->kind, 0);
		re->what = clean(r->a, what_str(e->proc, e->host, e->step, what,
		    sizeof(what)), 0);
		re->proc = clean_opt(r->a, e->proc, 0);
		re->host = clean_opt(r->a, e->host, 0);
		re->step = e->step;
		re->detail = clean_opt(r->a, e->detail, 1);
		re->hash = clean(r->a, e->hash, 0);
		if (r->audit.ok || (size_t)e->id <= r->audit.count)
			re->chain = "verified";
		else if (e->id == r->audit.bad)
			re->chain = "BROKEN";
		else
			re->chain = "not verified";
		/* The store writes the answers and hosts of a new session
		 * as "fedwiz", not as whoever started it: not an operator. */
		if (strcmp(e->kind, "answer") != 0 &&
		    strcmp(e->kind, "host") != 0)
			add_operator(r, e->operator);
		if (e->at > r->last_change)
			r->last_change = e->at;
		if (*e->proc != '\0' && find_inst(map, e->proc, *e->host ?
		    e->host : NULL, &k)) {
			ri = &r->insts[k];
			if (ri->first == 0 || e->at < ri->first)
				ri->first = e->at;
			if (e->at > ri->last)
				ri->last = e->at;
			ri->touched = 1;
		}
	}

	/* Each step's transitions, in two passes: count, then fill. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nall; i++) {
			e = &all[i];
			if (e->session != s->id ||
			    strcmp(e->kind, "step") != 0 ||
			    !locate(r, map, e->proc, e->host, e->step, &ri))
				continue;
			rs = &ri->steps[e->step - 1];
			if (pass == 0) {
				rs->nhist++;
				continue;
			}
			h = &rs->hist[rs->nhist++];
			h->event = e->id;
			h->at = e->at;
			h->operator = clean(r->a, e->operator, 0);
			h->detail = clean(r->a, e->detail, 1);
			h->from = arena_strdup(r->a, e->from);
			h->to = arena_strdup(r->a, e->to);
			h->note = clean(r->a, e->note, 1);
			h->extra = clean(r->a, e->extra, 1);
		}
		for (i = 0; pass == 0 && i < r->ninsts; i++)
			for (k = 0; k < r->insts[i].nsteps; k++) {
				rs = &r->insts[i].steps[k];
				rs->hist = arena_calloc(r->a, rs->nhist + 1,
				    sizeof(*rs->hist));
				rs->nhist = 0;
			}
	}

	/* A failure since redone and a step done out of order are what a
	 * change manager asks about first. */
	for (i = 0; i < r->ninsts; i++)
		for (k = 0; k < r->insts[i].nsteps; k++) {
			rs = &r->insts[i].steps[k];
			for (m = 0; m < rs->nhist; m++) {
				h = &rs->hist[m];
				if (strcmp(h->to, "failed") == 0)
					rs->failure = h;
				if (*h->extra != '\0')
					rs->forced = h;
			}
		}

	for (i = 0; i < r->ninsts; i++)
		for (k = 0; k < r->insts[i].nsteps; k++) {
			rs = &r->insts[i].steps[k];
			rs->show_hist = rs->nhist > 0;
			in = &s->plan->inst[i];
			ss = session_record_state(s, in->proc->id, in->host ?
			    in->host->name : NULL, k + 1, &forged);
			if (ss == NULL && forged) {
				/* Deleted: the log has it, the record not. */
				rs->unbacked = 1;
				r->audit.unbacked++;
			}
			if (ss == NULL)
				continue;
			if (!backed(r, rs, ss)) {
				rs->unbacked = 1;
				r->audit.unbacked++;
				continue;
			}
			/* One transition that says no more than the row
			 * itself: no history needed. */
			if (rs->nhist == 1 && rs->stale == NULL &&
			    rs->forced == NULL &&
			    strcmp(rs->hist[0].from, "pending") == 0)
				rs->show_hist = 0;
		}
}

static void
gather_outcome(struct report *r)
{
	struct r_outcome	*o = &r->out;
	const struct r_inst	*ri;
	struct buf		 b;
	size_t			 i, k;

	for (i = 0; i < r->ninsts; i++) {
		ri = &r->insts[i];
		if (ri->applies == T_FALSE) {
			o->procs_na++;
			o->count[RS_NA] += ri->nsteps;
			continue;
		}
		o->procs++;
		for (k = 0; k <= RS_NA; k++)
			o->count[k] += ri->count[k];
		o->steps += ri->nsteps - ri->count[RS_NA];
		if (ri->pstatus == INST_DONE || ri->pstatus == INST_SKIPPED)
			o->procs_finished++;
		else if (ri->pstatus == INST_FAILED)
			o->procs_failed++;
	}
	buf_init(&b);
	if (o->procs == 0)
		buf_adds(&b, "Nothing to do: no procedure applies to this "
		    "session's answers.");
	else if (o->count[RS_FAILED] > 0 || o->count[RS_PENDING] > 0) {
		buf_adds(&b, "Not complete: ");
		if (o->count[RS_FAILED] > 0)
			buf_printf(&b, "%zu %s failed%s", o->count[RS_FAILED],
			    report_plural(o->count[RS_FAILED], "step",
			    "steps"), o->count[RS_PENDING] > 0 ? ", " : "");
		if (o->count[RS_PENDING] > 0)
			buf_printf(&b, "%zu %s pending", o->count[RS_PENDING],
			    report_plural(o->count[RS_PENDING], "step",
			    "steps"));
		buf_printf(&b, " of the %zu that apply.", o->steps);
	} else
		buf_printf(&b, "Complete: all %zu %s that apply %s done or "
		    "skipped (%zu skipped, each with its reason).", o->steps,
		    report_plural(o->steps, "step", "steps"),
		    report_plural(o->steps, "is", "are"), o->count[RS_SKIPPED]);
	o->verdict = arena_strdup(r->a, b.s);
	buf_free(&b);
}

static int
gather_audit(struct report *r, struct store *st, const struct store_event *all,
    size_t nall, struct diags *d)
{
	struct r_audit		*au = &r->audit;
	struct store_head	 head;
	struct diags		 vd;
	char			*x;
	size_t			 i, n;
	int			 rc;

	diags_init(&vd);
	rc = store_audit_verify(st, &head, &au->bad, &vd);
	au->count = head.count;
	if (rc == STORE_OK)
		au->ok = 1;
	else if (rc == STORE_EINPUT && au->bad > 0) {
		au->message = clean(r->a, vd.n > 0 ? vd.v[0].msg : "the chain "
		    "does not verify", 0);
		x = xasprintf("audit chain BROKEN at event %lld: %s",
		    (long long)au->bad, au->message);
		au->problem = clean(r->a, x, 0);
		free(x);
	} else {
		for (i = 0; i < vd.n; i++)
			diags_add(d, vd.v[i].file, vd.v[i].line, vd.v[i].col,
			    "%s", vd.v[i].msg);
		diags_free(&vd);
		return rc;
	}
	diags_free(&vd);
	/* The log was read first: events written since are not in it. */
	n = au->count < nall ? au->count : nall;
	if (n > 0) {
		au->last_hash = clean(r->a, all[n - 1].hash, 0);
		au->last_id = all[n - 1].id;
	}
	/* The head as audit verify prints it: of the log as read here. */
	if (au->ok && n > 0) {
		x = xasprintf("%zu:%s", n, all[n - 1].hash);
		au->head = clean(r->a, x, 0);
		free(x);
	}
	return STORE_OK;
}

int
report_new(struct session *s, time_t generated, struct report **out,
    struct diags *d)
{
	struct report		*r;
	struct store_event	*all = NULL;
	struct strmap		 map;
	size_t			 nall = 0;
	char			*x;
	int			 rc;

	r = xcalloc(1, sizeof(*r));
	r->a = arena_new();
	r->generated = generated;
	strmap_init(&map);
	gather_summary(r, s);
	gather_answers(r, s);
	gather_hosts(r, s);
	gather_insts(r, s, &map);
	if ((rc = gather_checks(r, s, &map, d)) != STORE_OK ||
	    (rc = gather_imports(r, s, d)) != STORE_OK)
		goto bad;
	gather_orphan_steps(r, s, &map);
	/*
	 * The whole log, not only this session's: the chain runs through
	 * every session of the database, and its last hash is the one to
	 * quote.
	 */
	if ((rc = store_events(s->st, 0, &all, &nall, d)) != STORE_OK)
		goto bad;
	if ((rc = gather_audit(r, s->st, all, nall, d)) != STORE_OK)
		goto bad;
	gather_events(r, s, &map, all, nall);
	if (r->audit.ok && r->audit.unbacked > 0) {
		x = xasprintf("%zu step %s not match the event log",
		    r->audit.unbacked, report_plural(r->audit.unbacked,
		    "record does", "records do"));
		r->audit.problem = clean(r->a, x, 0);
		free(x);
	}
	gather_time(r);
	gather_outcome(r);
	store_events_free(all, nall);
	strmap_free(&map);
	*out = r;
	return STORE_OK;
bad:
	store_events_free(all, nall);
	strmap_free(&map);
	report_free(r);
	return rc;
}

void
report_free(struct report *r)
{
	if (r == NULL)
		return;
	arena_free(r->a);
	free(r);
}

const char *
report_audit_problem(const struct report *r)
{
	return r->audit.problem;
}

const char *
report_audit_head(const struct report *r)
{
	return r->audit.head;
}

int
report_format_parse(const char *s, enum report_format *out)
{
	size_t	i;

	for (i = 0; i < nitems(format_names); i++)
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum report_format)i;
			return 0;
		}
	return -1;
}

const char *const *
report_format_names(size_t *n)
{
	*n = nitems(format_names);
	return format_names;
}

/* Shared by the renderers. */

static int
listed(const struct r_step *rs, enum r_list list)
{
	switch (list) {
	case RL_FAILED:
		return rs->status == RS_FAILED;
	case RL_SKIPPED:
		return rs->status == RS_SKIPPED;
	case RL_REDONE:
		return rs->failure != NULL && rs->status != RS_FAILED;
	case RL_FORCED:
		return rs->forced != NULL;
	case RL_UNBACKED:
		return rs->unbacked;
	}
	return 0;
}

const struct r_step *
report_walk(const struct report *r, enum r_list list, struct r_walk *at,
    const struct r_inst **ri)
{
	const struct r_step	*rs;

	for (; at->inst < r->ninsts; at->inst++, at->step = 0)
		while (at->step < r->insts[at->inst].nsteps) {
			rs = &r->insts[at->inst].steps[at->step++];
			if (listed(rs, list)) {
				*ri = &r->insts[at->inst];
				return rs;
			}
		}
	return NULL;
}

/* How much of a check's output md and html show: whole lines, at most
 * EXCERPT_LINES and EXCERPT_BYTES, never half a character. */
size_t
report_excerpt_cut(const char *s, size_t *lines, size_t *total)
{
	size_t	len = strlen(s), cut = 0, i;

	*lines = 0;
	*total = 1;
	for (i = 0; i < len; i++)
		*total += s[i] == '\n';
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '\n') {
			if (i > EXCERPT_BYTES)
				break;
			cut = i;
			if (++*lines == EXCERPT_LINES)
				break;
		}
	}
	if (*lines == 0) {
		/* One long first line: cut it at a character boundary. */
		cut = EXCERPT_BYTES < len ? EXCERPT_BYTES : len;
		while (cut > 0 && (s[cut] & 0xc0) == 0x80)
			cut--;
		*lines = 1;
	}
	return cut;
}

/* "4 of 6 steps done, 1 skipped, 1 pending; 1 does not apply", or "not
 * started; 6 steps pending" (zero counts left out). */
void
report_counts(const struct r_inst *ri, struct buf *b)
{
	size_t	applicable = ri->nsteps - ri->count[RS_NA];

	if (!ri->touched)
		buf_printf(b, "not started; %zu %s pending", applicable,
		    report_plural(applicable, "step", "steps"));
	else {
		buf_printf(b, "%zu of %zu %s done", ri->count[RS_DONE],
		    applicable, report_plural(applicable, "step", "steps"));
		if (ri->count[RS_SKIPPED] > 0)
			buf_printf(b, ", %zu skipped", ri->count[RS_SKIPPED]);
		if (ri->count[RS_FAILED] > 0)
			buf_printf(b, ", %zu failed", ri->count[RS_FAILED]);
		if (ri->count[RS_PENDING] > 0)
			buf_printf(b, ", %zu pending", ri->count[RS_PENDING]);
	}
	if (ri->count[RS_NA] > 0)
		buf_printf(b, "; %zu more %s not apply", ri->count[RS_NA],
		    report_plural(ri->count[RS_NA], "does", "do"));
}

/* " Worked on from A to B (35m)." or " Worked on at A." */
void
report_worked(const struct r_inst *ri, struct buf *b)
{
	char	a[32], z[32], d[32];

	if (ri->first <= 0)
		return;
	report_iso(ri->first, a, sizeof(a));
	if (ri->first == ri->last)
		buf_printf(b, " Worked on at %s.", a);
	else
		buf_printf(b, " Worked on from %s to %s (%s).", a,
		    report_iso(ri->last, z, sizeof(z)),
		    report_span(sub_sat(ri->last, ri->first), d, sizeof(d)));
}

/* What the excerpt under a check is, when it is not the whole output. */
void
report_excerpt_note(const struct r_check *c, size_t cut, size_t lines,
    size_t total, struct buf *b)
{
	size_t	len = strlen(c->excerpt);

	if (cut < len)
		buf_printf(b, " (the first %zu of the %zu lines kept; the "
		    "whole output was %zu bytes, its sha256 above)", lines,
		    total, c->output_len);
	else if (c->output_len > len)
		buf_printf(b, " (the start; the whole output was %zu bytes, "
		    "its sha256 above)", c->output_len);
}

const char *
report_generator(void)
{
	return PACKAGE_NAME " " PACKAGE_VERSION;
}

const char *
report_kind(const struct report *r)
{
	return r->practice ? "Practice record (not a change record): " :
	    "Change record: ";
}

/* The failure's reason: the note recorded with it. */
const char *
report_failure_reason(const struct r_hist *h)
{
	return h->note;
}

/* "forced while blocked by ...", as recorded with the transition. */
const char *
report_forced_reason(const struct r_hist *h)
{
	return h->extra;
}

void
report_write(FILE *fp, const struct report *r, enum report_format f)
{
	switch (f) {
	case REPORT_HTML:
		report_table(fp, r, &report_html_fmt);
		break;
	case REPORT_JSON:
		report_json(fp, r);
		break;
	case REPORT_MD:
	default:
		report_table(fp, r, &report_md_fmt);
		break;
	}
}
