/* check.c: run a runbook's checks on the right hosts and judge them. */
#include "config.h"

#include <ctype.h>
#include <pwd.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "check.h"
#include "check-int.h"
#include "clean.h"
#include "cond.h"
#include "plan.h"
#include "prompt.h"
#include "quote.h"
#include "resolve.h"
#include "runbook.h"
#include "session.h"
#include "ssh.h"
#include "template.h"
#include "util.h"

#define EXCERPT_MAX	4096

/* One ssh check on one host, in flight. */
struct job {
	struct check_run	*r;
	size_t			 idx;
	struct scope		 sc;
};

const char *
check_verdict_name(enum check_verdict v)
{
	switch (v) {
	case CV_PASS:
		return "pass";
	case CV_FAIL:
		return "fail";
	case CV_ERROR:
		return "error";
	case CV_NOT_RUN:
		return "not run";
	}
	return "?";
}

struct check_run *
check_run_new(struct evloop *ev, struct ssh_engine *eng, const struct plan *pl)
{
	struct check_run	*r = xcalloc(1, sizeof(*r));

	r->ev = ev;
	r->eng = eng;
	r->pl = pl;
	return r;
}

void
check_run_free(struct check_run *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].target);
		free(r->v[i].message);
		free(r->v[i].excerpt);
		free(r->v[i].live);
		free(r->v[i].origin_detail);
	}
	free(r->v);
	free(r);
}

void
check_run_only(struct check_run *r, const char *host)
{
	r->only = host;
}

void
check_run_kinds(struct check_run *r, unsigned mask)
{
	r->kinds = mask;
}

void
check_run_site(struct check_run *r, const char *site)
{
	r->site = site;
}

/* A host this machine does not reach: its site's jump host does. */
static size_t
not_from_here(struct check_run *r, const struct plan_inst *in, size_t step,
    const struct rb_check *c, const struct host *h, const char *target)
{
	size_t	idx;

	idx = check_add(r, in, step, c, h, CV_NOT_RUN, xasprintf("%s is "
	    "reached through site %s: its jump host runs this check (fedwiz "
	    "export ansible)", h->name, h->site));
	r->v[idx].target = xstrdup(target != NULL ? target : "");
	return idx;
}

void
check_run_identity(struct check_run *r, const char *path)
{
	r->identity = path;
}

void
check_run_timeout(struct check_run *r, int64_t ms)
{
	r->timeout_ms = ms;
}

void
check_run_dns_server(struct check_run *r, const char *server)
{
	r->dns_server = server;
	/* The names tls and tcp checks connect to are looked up there too:
	 * an estate whose names only its own DNS holds (a lab, a partner's
	 * zone) is checked as a whole from one machine. */
	resolve_set_server(server);
}

const struct rb_fix *
check_fix_for(const struct rb_check *c, const char *cls)
{
	const struct rb_fix	*any = NULL;
	size_t			 i;

	for (i = 0; i < c->nfixes; i++) {
		if (c->fixes[i].on == NULL) {
			if (any == NULL)
				any = &c->fixes[i];
		} else if (cls != NULL && strcmp(c->fixes[i].on, cls) == 0)
			return &c->fixes[i];
	}
	return any;
}

char *
check_fail_message(const struct check_run *r, const struct check_outcome *o,
    struct scope *sc, const char *cls, const char *what)
{
	const struct rb_fix	*f = check_fix_for(o->check, cls);
	const struct rb_proc	*p;
	char			*hint, *msg;

	if (f == NULL)
		return xasprintf("%s; procedure '%s' (%s) sets this up", what,
		    o->inst->proc->title, o->inst->proc->id);
	p = &r->pl->rb->procs[f->proc];
	hint = f->hint != NULL ? tmpl_expand(f->hint, scope_lookup, sc) : NULL;
	msg = xasprintf("%s%s%s — procedure '%s' (%s)", what, hint ? ": " : "",
	    hint ? hint : "", p->title, p->id);
	free(hint);
	return msg;
}

/*
 * What a check needs that has no value in this scope (the instance's, or
 * for an ssh check the host it runs on): "needs an answer for X[ on H],
 * ..." (malloc'd), the same words for every kind, or NULL when nothing is
 * missing. A check that needs a value is not run: it would probe
 * "<name>".
 */
char *
check_missing(const struct rb_check *c, struct scope *sc)
{
	const struct rb_var	*v;
	const struct host	*h;
	struct buf		 b;
	size_t			 i, k, n = 0;

	buf_init(&b);
	for (i = 0; i < c->nuses; i++) {
		v = c->uses[i].var;
		if (scope_lookup(sc, v->name) != NULL)
			continue;
		/* The same variable in two contexts is one answer. */
		for (k = 0; k < i && c->uses[k].var != v; k++)
			;
		if (k < i)
			continue;
		h = NULL;
		if (v->per_host != NULL)
			h = sc->host != NULL && sc->host->role != NULL &&
			    strcmp(sc->host->role, v->per_host) == 0 ?
			    sc->host : sc->inst;
		buf_printf(&b, "%s%s%s%s", n++ ? ", " : "needs an answer for ",
		    v->name, h != NULL ? " on " : "", h != NULL ? h->name : "");
	}
	return n > 0 ? buf_steal(&b) : (buf_free(&b), NULL);
}

/* What a check would have probed, placeholders showing: its target. */
static char *
missing_target(const struct rb_check *c, struct scope *sc)
{
	char	*a, *b, *t;

	switch (c->kind) {
	case CK_TLS:
	case CK_TCP:
	case CK_SIP:
		a = tmpl_expand(c->host, scope_lookup, sc);
		b = tmpl_expand(c->port, scope_lookup, sc);
		t = xasprintf("here: %s:%s", a, b);
		free(b);
		break;
	case CK_X509:
		a = tmpl_expand(c->file, scope_lookup, sc);
		t = xasprintf("here: %s", a);
		break;
	case CK_DNS:
		a = tmpl_expand(c->name, scope_lookup, sc);
		t = xasprintf("here: %s %s", c->dns_type ? c->dns_type : "A",
		    a);
		break;
	default:
		return xasprintf("here: %s check", rb_check_kind_name(c->kind));
	}
	free(a);
	return t;
}

/* Whether an outcome on host h is wanted under --host. */
static int
wanted(const struct check_run *r, const struct host *h)
{
	return r->only == NULL || (h != NULL && strcmp(h->name, r->only) == 0);
}

const struct check_outcome *
check_run_outcomes(const struct check_run *r, size_t *n)
{
	*n = r->n;
	return r->v;
}

size_t
check_add(struct check_run *r, const struct plan_inst *in, size_t step,
    const struct rb_check *c, const struct host *h, enum check_verdict v,
    char *message)
{
	struct check_outcome	*o;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = xreallocarray(r->v, r->cap, sizeof(*r->v));
	}
	o = &r->v[r->n];
	memset(o, 0, sizeof(*o));
	o->inst = in;
	o->step = step;
	o->check = c;
	o->host = h;
	o->verdict = v;
	o->kind = rb_check_kind_name(c->kind);
	o->message = message;
	return r->n++;
}

/* Judging. */

/* The first line of s, at most 200 bytes, for a message. */
static char *
first_line(const char *s, size_t len)
{
	size_t	n = 0;

	while (n < len && n < 200 && s[n] != '\n' && s[n] != '\r')
		n++;
	return xstrndup(s, n);
}

/* contains (present 1) or absent (0): 1 and *msg at the first text that
 * is not as it must be. */
static int
texts_fail(const struct rb_strlist *l, struct scope *sc, const char *text,
    int present, char **msg)
{
	char	*want;
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		want = tmpl_expand(l->v[i], scope_lookup, sc);
		if ((strstr(text, want) != NULL) != present) {
			*msg = present ? xasprintf("expected \"%s\" in the "
			    "output, and it is not there", want) :
			    xasprintf("\"%s\" must not be in the output, and "
			    "it is", want);
			free(want);
			return 1;
		}
		free(want);
	}
	return 0;
}

enum check_verdict
check_judge_ssh(const struct rb_check *c, struct scope *sc,
    const struct ssh_result *res, char **msg)
{
	enum check_verdict	 v = CV_PASS;
	regex_t			 rx;
	char			*text, *want, *line, *err, why[200];
	size_t			 len, i, errlen;
	int			 rc, status;

	*msg = NULL;
	text = clean_term(res->output, res->len, &len);
	/* An exec command that failed proves nothing, whatever its output
	 * holds or lacks: unless the check names a status, 0 is required. */
	if (res->exit_status != -1) {
		status = c->exit_status ? atoi(c->exit_status) : 0;
		if (res->exit_status != status) {
			/* PowerShell's errors come as CLIXML. */
			err = clixml_errors(res->errout, res->errlen, &errlen);
			line = first_line(err, errlen);
			free(err);
			*msg = xasprintf("the command exited with status %d, "
			    "not %d%s%s", res->exit_status, status,
			    *line ? ": " : "", line);
			free(line);
			v = CV_FAIL;
			goto out;
		}
	}
	if (res->device_error != NULL) {
		*msg = xasprintf("the device refused the command: %s",
		    res->device_error);
		v = CV_FAIL;
		goto out;
	}
	if (texts_fail(&c->contains, sc, text, 1, msg)) {
		v = CV_FAIL;
		goto out;
	}
	for (i = 0; i < c->regex.n; i++) {
		want = quote_regex_template(c->regex.v[i], sc);
		if ((rc = regcomp(&rx, want, REG_EXTENDED | REG_NEWLINE |
		    REG_NOSUB)) != 0) {
			regerror(rc, &rx, why, sizeof(why));
			*msg = xasprintf("the expectation /%s/ is not a regex "
			    "with these values: %s", want, why);
			free(want);
			v = CV_ERROR;
			goto out;
		}
		rc = regexec(&rx, text, 0, NULL, 0);
		regfree(&rx);
		if (rc != 0) {
			*msg = xasprintf("expected a line matching /%s/, and "
			    "no line does", want);
			free(want);
			v = CV_FAIL;
			goto out;
		}
		free(want);
	}
	if (texts_fail(&c->absent, sc, text, 0, msg))
		v = CV_FAIL;
out:
	free(text);
	return v;
}

static void
on_done(void *arg, const struct ssh_target *t, const struct ssh_result *res)
{
	struct job		*j = arg;
	struct check_run	*r = j->r;
	struct check_outcome	*o = &r->v[j->idx];
	char			*msg = NULL, *text;
	size_t			 len;

	(void)t;
	o->ms = res->ms;
	o->ssh = res->status;
	o->output_len = res->total;
	memcpy(o->sha256, res->sha256, sizeof(o->sha256));
	if (res->status != SSH_OK) {
		o->verdict = CV_ERROR;
		o->message = xstrdup(res->message);
		/* Stopped at its limit: what came is the evidence of what
		 * the device was doing (a pager, a stream). */
		if (res->len > 0)
			o->excerpt = clean_term(res->output, res->len >
			    EXCERPT_MAX ? EXCERPT_MAX : res->len, &len);
	} else {
		o->verdict = check_judge_ssh(o->check, &j->sc, res, &msg);
		o->input = o->verdict == CV_ERROR;
		if (o->verdict == CV_FAIL)
			o->message = check_fail_message(r, o, &j->sc, "answer",
			    msg);
		else if (o->verdict != CV_PASS)
			o->message = xasprintf("%s; procedure '%s' (%s) sets "
			    "this up", msg, o->inst->proc->title,
			    o->inst->proc->id);
		else if (res->truncated)
			o->message = xasprintf("passed on the first %zu bytes "
			    "of %zu (output cut at the cap)", res->len,
			    res->total);
		free(msg);
		text = clean_term(res->output, res->len > EXCERPT_MAX ?
		    EXCERPT_MAX : res->len, &len);
		o->excerpt = text;
	}
	o->running = 0;
	free(o->live);
	o->live = NULL;
	o->livelen = 0;
	r->pending--;
	free(j);
}

#define LIVE_KEEP	4096

void
check_live_output(void *ctx, void *arg, const char *p, size_t n)
{
	struct job		*j = arg;
	struct check_outcome	*o = &j->r->v[j->idx];
	size_t			 keep;

	(void)ctx;
	if (n >= LIVE_KEEP) {
		p += n - LIVE_KEEP;
		n = LIVE_KEEP;
	}
	if (o->livelen + n > LIVE_KEEP) {
		keep = LIVE_KEEP - n;
		memmove(o->live, o->live + o->livelen - keep, keep);
		o->livelen = keep;
	}
	o->live = xreallocarray(o->live, LIVE_KEEP + 1, 1);
	memcpy(o->live + o->livelen, p, n);
	o->livelen += n;
	o->live[o->livelen] = '\0';
}

/* Whether a command calls a Lync cmdlet: Verb-CsNoun. */
static int
lync_cmdlet(const char *cmd)
{
	const char	*p;

	for (p = cmd; (p = strstr(p, "-Cs")) != NULL; p += 3)
		if (p > cmd && isalpha((unsigned char)p[-1]) &&
		    isupper((unsigned char)p[3]))
			return 1;
	return 0;
}

static const char *
login_name(void)
{
	struct passwd	*pw = getpwuid(getuid());

	return pw != NULL && pw->pw_name != NULL ? pw->pw_name :
	    getenv("USER") ? getenv("USER") : "root";
}

/* One ssh check on one host: build the command, queue it. */
static int
queue_ssh(struct check_run *r, const struct plan_inst *in, size_t step,
    const struct rb_check *c, const struct host *h, struct diags *d)
{
	struct ssh_target	 t;
	struct job		*j;
	struct diags		 qd;
	char			*cmd = NULL, *line;
	size_t			 idx;

	if (!wanted(r, h))
		return 0;
	if (h->site != NULL && r->site == NULL) {
		(void)not_from_here(r, in, step, c, h, c->command);
		return 0;
	}
	j = xcalloc(1, sizeof(*j));
	j->r = r;
	j->sc.rb = r->pl->rb;
	j->sc.ans = r->pl->ans;
	j->sc.host = h;
	j->sc.inst = in->host;
	if ((line = check_missing(c, &j->sc)) != NULL) {
		idx = check_add(r, in, step, c, h, CV_ERROR, xasprintf("%s: %s",
		    h->name, line));
		r->v[idx].target = xasprintf("%s: %s", h->name, c->command);
		r->v[idx].input = 1;
		diags_add(d, h->name, 0, 0, "%s", r->v[idx].message);
		free(line);
		free(j);
		return -1;
	}
	diags_init(&qd);
	if (quote_command(h->profile, c->command, &j->sc, &cmd, &qd) == -1) {
		idx = check_add(r, in, step, c, h, CV_ERROR, xasprintf("%s: %s",
		    h->name, qd.n ? qd.v[0].msg : "cannot build the command"));
		r->v[idx].target = xasprintf("%s: %s", h->name, c->command);
		r->v[idx].input = 1;
		diags_add(d, h->name, 0, 0, "%s", r->v[idx].message);
		diags_free(&qd);
		free(j);
		return -1;
	}
	diags_free(&qd);
	/* Windows: PowerShell through the encoded form (no quoting layer of
	 * cmd.exe or PowerShell can bite), with the Lync module when the
	 * command is a Lync cmdlet (an OCS 2007 server has no module). */
	line = h->profile->id == PROF_WINDOWS ? quote_powershell(cmd,
	    lync_cmdlet(cmd) ? "Lync" : NULL, 1) : xstrdup(cmd);
	idx = check_add(r, in, step, c, h, CV_ERROR, NULL);
	r->v[idx].target = xasprintf("%s: %s", h->name, cmd);
	r->v[idx].running = 1;
	j->idx = idx;
	memset(&t, 0, sizeof(t));
	t.name = h->name;
	t.address = h->address ? h->address : h->name;
	t.port = h->port > 0 ? h->port : 22;
	t.user = h->user ? h->user : login_name();
	t.profile = h->profile;
	t.identity = h->identity ? h->identity : r->identity;
	r->pending++;
	ssh_run_within(r->eng, &t, line, c->timeout_ms, on_done, j);
	free(line);
	free(cmd);
	return 0;
}

/* Whether an ssh check of in runs on h (run_ssh's placement). */
static int
runs_on(const struct check_run *r, const struct plan_inst *in,
    const struct rb_check *c, const struct host *h)
{
	const struct role_hosts	*rh;
	size_t			 i;

	if (in->host != NULL && c->role == in->proc->role)
		return in->host == h;
	rh = answers_hosts(r->pl->ans, c->role->id);
	if (rh == NULL || rh->n == 0)
		return 0;
	if (in->proc->once && c->role == in->proc->role &&
	    in->proc->verify == RB_VERIFY_ONE_HOST)
		return &rh->hosts[0] == h;
	for (i = 0; i < rh->n; i++)
		if (&rh->hosts[i] == h)
			return 1;
	return 0;
}

static void
ssh_on_walk(const struct check_run *r, const struct plan_inst *in,
    const struct rb_step *steps, size_t n, int na, struct scope *sc,
    const struct host *h, const struct rb_check ***v, size_t *nv)
{
	const struct rb_check	*c;
	size_t			 i, k;
	int			 step_na;

	for (i = 0; i < n; i++) {
		step_na = na || (steps[i].when != NULL &&
		    cond_eval(steps[i].when, scope_lookup, sc) == T_FALSE);
		for (k = 0; k < steps[i].nchecks; k++) {
			c = &steps[i].checks[k];
			if (c->kind != CK_SSH || step_na || (c->when != NULL &&
			    cond_eval(c->when, scope_lookup, sc) == T_FALSE) ||
			    !runs_on(r, in, c, h))
				continue;
			*v = xreallocarray(*v, *nv + 1, sizeof(**v));
			(*v)[(*nv)++] = c;
		}
		ssh_on_walk(r, in, steps[i].steps, steps[i].nsteps, step_na,
		    sc, h, v, nv);
	}
}

const struct rb_check **
check_ssh_on(const struct check_run *r, const struct plan_inst *in,
    size_t step, const struct host *h, size_t *n)
{
	const struct rb_check	**v = NULL;
	struct scope		  sc;

	*n = 0;
	plan_inst_scope(r->pl, in, &sc);
	ssh_on_walk(r, in, &in->proc->steps[step - 1], 1,
	    in->applies == T_FALSE || in->step_na[step - 1], &sc, h, &v, n);
	return v;
}

int
check_run_pasted(struct check_run *r, const struct plan_inst *in,
    size_t step, const struct rb_check *c, const struct host *h,
    const char *out, size_t len, const char *op, struct diags *d)
{
	struct ssh_result	 res;
	struct check_outcome	*o;
	struct scope		 sc;
	struct diags		 qd;
	const char		*e;
	char			*cmd = NULL, *line, *msg = NULL, *text, *err;
	size_t			 idx, tlen, errlen;

	memset(&sc, 0, sizeof(sc));
	sc.rb = r->pl->rb;
	sc.ans = r->pl->ans;
	sc.host = h;
	sc.inst = in->host;
	idx = check_add(r, in, step, c, h, CV_ERROR, NULL);
	o = &r->v[idx];
	o->pasted = 1;
	o->origin_detail = xstrdup(op);	/* who pasted it */
	if ((line = check_missing(c, &sc)) != NULL) {
		o->message = xasprintf("%s: %s", h->name, line);
		o->target = xasprintf("%s: %s", h->name, c->command);
		o->input = 1;
		diags_add(d, h->name, 0, 0, "%s", o->message);
		free(line);
		return -1;
	}
	diags_init(&qd);
	if (quote_command(h->profile, c->command, &sc, &cmd, &qd) == -1) {
		o->message = xasprintf("%s: %s", h->name, qd.n ? qd.v[0].msg :
		    "cannot build the command");
		o->target = xasprintf("%s: %s", h->name, c->command);
		o->input = 1;
		diags_add(d, h->name, 0, 0, "%s", o->message);
		diags_free(&qd);
		return -1;
	}
	diags_free(&qd);
	o->target = xasprintf("%s: %s (pasted by %s)", h->name, cmd, op);
	/* What the engine would have received: the output as given, the
	 * device's error line where its CLI prints one; no exit status (a
	 * paste has none), so on Windows the output alone is judged. */
	memset(&res, 0, sizeof(res));
	res.status = SSH_OK;
	res.exit_status = -1;
	res.output = out;
	res.len = len;
	res.total = len;
	res.errout = "";
	err = NULL;
	text = clean_term(out, len, &tlen);
	if ((h->profile->id == PROF_CISCO_VOS || h->profile->id ==
	    PROF_CISCO_ASA) && (e = prompt_error(h->profile, text, tlen,
	    &errlen)) != NULL)
		res.device_error = err = xstrndup(e, errlen);
	sha256_hex(out, len, o->sha256);
	o->output_len = len;
	o->verdict = check_judge_ssh(c, &sc, &res, &msg);
	o->input = o->verdict == CV_ERROR;
	if (o->verdict == CV_FAIL)
		o->message = check_fail_message(r, o, &sc, "answer", msg);
	else if (o->verdict != CV_PASS)
		o->message = xasprintf("%s; procedure '%s' (%s) sets this up",
		    msg, in->proc->title, in->proc->id);
	free(msg);
	o->excerpt = tlen > EXCERPT_MAX ? xstrndup(text, EXCERPT_MAX) :
	    xstrdup(text);
	free(text);
	free(err);
	free(cmd);
	return 0;
}

/* Where an ssh check runs: the instance's host when the check is on the
 * procedure's own role, else every host of the check's role. */
static int
run_ssh(struct check_run *r, const struct plan_inst *in, size_t step,
    const struct rb_check *c, struct diags *d)
{
	const struct role_hosts	*rh;
	size_t			 i, idx;
	int			 rc = 0;

	if (in->host != NULL && c->role == in->proc->role)
		return queue_ssh(r, in, step, c, in->host, d);
	rh = answers_hosts(r->pl->ans, c->role->id);
	/* Done once for the deployment: its own-role checks run on one host
	 * (the first listed) unless it says verify: every_host. */
	if (in->proc->once && c->role == in->proc->role &&
	    in->proc->verify == RB_VERIFY_ONE_HOST && rh != NULL && rh->n > 0)
		return queue_ssh(r, in, step, c, &rh->hosts[0], d);
	if ((rh == NULL || rh->n == 0) && r->only != NULL)
		return 0;	/* --host is not in this role */
	if ((rh == NULL || rh->n == 0) && r->site != NULL) {
		idx = check_add(r, in, step, c, NULL, CV_NOT_RUN,
		    xasprintf("no host of role %s (%s) is at site %s: its "
		    "checks run where they are", c->role->id, c->role->title,
		    r->site));
		r->v[idx].target = xstrdup(c->command);
		return 0;
	}
	if (rh == NULL || rh->n == 0) {
		idx = check_add(r, in, step, c, NULL, CV_ERROR, xasprintf("no hosts "
		    "listed for role %s (%s): list them in the answers file",
		    c->role->id, c->role->title));
		r->v[idx].target = xstrdup(c->command);
		r->v[idx].input = 1;
		diags_add(d, in->proc->id, 0, 0, "%s", r->v[idx].message);
		return -1;
	}
	for (i = 0; i < rh->n; i++)
		if (queue_ssh(r, in, step, c, &rh->hosts[i], d) == -1)
			rc = -1;
	return rc;
}

static int
run_steps(struct check_run *r, const struct plan_inst *in, size_t top,
    const struct rb_step *steps, size_t n, int na, struct scope *sc,
    struct diags *d)
{
	const struct rb_step	*s;
	const struct rb_check	*c;
	const char		*why;
	char			*miss;
	size_t			 i, k, idx;
	int			 step_na, check_na, rc = 0;

	for (i = 0; i < n; i++) {
		s = &steps[i];
		step_na = na || (s->when != NULL &&
		    cond_eval(s->when, scope_lookup, sc) == T_FALSE);
		for (k = 0; k < s->nchecks; k++) {
			c = &s->checks[k];
			/* Under --kind, the others are not part of the run. */
			if (r->kinds != 0 && !(r->kinds & (1U << c->kind)))
				continue;
			check_na = step_na || (c->when != NULL &&
			    cond_eval(c->when, scope_lookup, sc) == T_FALSE);
			/* Under --host, only what runs there: an ssh check
			 * that runs picks its hosts itself. */
			if ((check_na || c->kind != CK_SSH) &&
			    !wanted(r, in->host))
				continue;
			if (check_na) {
				why = c->when && !step_na ? c->when_src :
				    s->when_src ? s->when_src :
				    in->proc->when_src;
				idx = check_add(r, in, top, c, in->host, CV_NOT_RUN,
				    why ? xasprintf("does not apply (when: %s)",
				    why) : xstrdup("does not apply here"));
				r->v[idx].target = xstrdup("");
				continue;
			}
			/* A host reached through a site: the network checks
			 * of its instance (tls, tcp, dns, sip) are its jump
			 * host's (an x509 check reads a file here, and runs
			 * here). */
			if (r->site == NULL && in->host != NULL &&
			    in->host->site != NULL && (c->kind == CK_TLS ||
			    c->kind == CK_TCP || c->kind == CK_DNS ||
			    c->kind == CK_SIP)) {
				(void)not_from_here(r, in, top, c, in->host,
				    rb_check_kind_name(c->kind));
				continue;
			}
			/* On a jump host, the console's files are not there:
			 * x509 checks run on the console. */
			if (r->site != NULL && c->kind == CK_X509) {
				idx = check_add(r, in, top, c, in->host,
				    CV_NOT_RUN, xstrdup("reads a file on the "
				    "console: it runs there, not on a site's "
				    "jump host"));
				r->v[idx].target = xstrdup("x509");
				continue;
			}
			/* Every kind run from here says a missing value the
			 * same way, before anything is built (ssh checks: per
			 * host, in queue_ssh). */
			if (c->kind != CK_SSH && c->kind != CK_MANUAL &&
			    (miss = check_missing(c, sc)) != NULL) {
				idx = check_add(r, in, top, c, in->host,
				    CV_ERROR, miss);
				r->v[idx].target = missing_target(c, sc);
				r->v[idx].input = 1;
				diags_add(d, in->proc->id, 0, 0, "%s", miss);
				rc = -1;
				continue;
			}
			switch (c->kind) {
			case CK_SSH:
				if (run_ssh(r, in, top, c, d) == -1)
					rc = -1;
				break;
			case CK_MANUAL:
				idx = check_add(r, in, top, c, in->host, CV_NOT_RUN,
				    tmpl_expand(c->text, scope_lookup, sc));
				r->v[idx].target = xstrdup("the operator");
				break;
			default:
				/* tls, x509, dns, tcp: from this machine. */
				if (check_probe_queue(r, in, top, c, sc, d) ==
				    -1)
					rc = -1;
				break;
			}
		}
		if (run_steps(r, in, top, s->steps, s->nsteps, step_na, sc,
		    d) == -1)
			rc = -1;
	}
	return rc;
}

int
check_run_step(struct check_run *r, const struct plan_inst *in, size_t step,
    struct diags *d)
{
	struct scope	sc;
	int		na;

	plan_inst_scope(r->pl, in, &sc);
	na = in->applies == T_FALSE || in->step_na[step - 1];
	return run_steps(r, in, step, &in->proc->steps[step - 1], 1, na, &sc,
	    d);
}

void
check_run_wait(struct check_run *r)
{
	while (r->pending > 0)
		if (evloop_once(r->ev, -1) == -1)
			break;
}

size_t
check_run_pending(const struct check_run *r)
{
	return r->pending;
}

/* Evidence of what ran (pass, fail, error), in one transaction. */
int
check_run_record(const struct check_run *r, struct session *s,
    const char *op, struct diags *d)
{
	return check_run_record_from(r, 0, s, op, d);
}

int
check_run_record_from(const struct check_run *r, size_t first,
    struct session *s, const char *op, struct diags *d)
{
	const struct check_outcome	*v = r->v;
	struct store_check		*c;
	size_t				 i, k = 0;
	int				 rc;

	c = xcalloc(r->n ? r->n : 1, sizeof(*c));
	for (i = first; i < r->n; i++) {
		if (v[i].verdict == CV_NOT_RUN)
			continue;
		c[k].proc = xstrdup(v[i].inst->proc->id);
		c[k].host = xstrdup(v[i].inst->host ? v[i].inst->host->name :
		    "");
		c[k].step = v[i].step;
		c[k].kind = xstrdup(v[i].kind);
		c[k].target = xstrdup(v[i].target ? v[i].target : "");
		c[k].result = xstrdup(check_verdict_name(v[i].verdict));
		c[k].message = v[i].message ? xstrdup(v[i].message) : NULL;
		c[k].excerpt = v[i].excerpt ? xstrdup(v[i].excerpt) : NULL;
		c[k].output_sha256 = v[i].verdict == CV_ERROR ? NULL :
		    xstrdup(v[i].sha256);
		c[k].output_len = v[i].output_len;
		c[k].duration_ms = v[i].ms;
		if (v[i].pasted) {
			/* store_checks_free frees them. */
			c[k].origin = xstrdup("pasted");
			c[k].origin_detail = xstrdup(v[i].origin_detail);
		}
		k++;
	}
	rc = k > 0 ? store_checks_add(s->st, s->id, c, k, op, d) : STORE_OK;
	store_checks_free(c, k);
	return rc;
}
