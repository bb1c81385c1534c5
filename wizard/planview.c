/* planview.c: a plan (and a session's states) as text or JSON. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answers.h"
#include "clean.h"
#include "cond.h"
#include "json.h"
#include "plan.h"
#include "planview.h"
#include "runbook.h"
#include "session.h"
#include "template.h"
#include "util.h"

static char *
when_str(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* "[done by alice 2026-11-22 03:12: note]" under a step with a state. */
static void
print_state(FILE *fp, const struct session *ses, const struct plan_inst *in,
    size_t step, const char *indent)
{
	const struct store_step	*ss;
	char			 when[32], *op, *note;

	if (in->steps[step - 1] == STEP_PENDING || ses == NULL) {
		if (in->steps[step - 1] != STEP_PENDING)
			fprintf(fp, "%s[%s]\n", indent,
			    plan_step_status_name(in->steps[step - 1]));
		return;
	}
	ss = session_step_state(ses, in->proc->id, in->host ? in->host->name :
	    NULL, step);
	if (ss == NULL)
		return;
	op = clean_line(ss->operator);
	note = ss->note ? clean_line(ss->note) : NULL;
	fprintf(fp, "%s[%s by %s %s%s%s]\n", indent,
	    plan_step_status_name(ss->status), op,
	    when_str(ss->at, when, sizeof(when)), note ? ": " : "",
	    note ? note : "");
	free(op);
	free(note);
}

/* Without --steps, a failed step is still worth a line: what and why. */
static void
print_failures(FILE *fp, const struct session *ses, const struct plan_inst *in)
{
	const struct store_step	*ss;
	size_t			 i;
	char			*note;

	for (i = 0; i < in->proc->nsteps; i++) {
		if (in->steps[i] != STEP_FAILED)
			continue;
		ss = session_step_state(ses, in->proc->id, in->host ?
		    in->host->name : NULL, i + 1);
		note = ss && ss->note ? clean_line(ss->note) : NULL;
		fprintf(fp, "%6s step %zu failed%s%s\n", "", i + 1,
		    note ? ": " : "", note ? note : "");
		free(note);
	}
}

static void
json_state(struct json *j, const struct session *ses,
    const struct plan_inst *in, size_t step)
{
	const struct store_step	*ss;

	if (ses == NULL)
		return;
	ss = session_step_state(ses, in->proc->id, in->host ? in->host->name :
	    NULL, step);
	json_kstr(j, "note", ss ? ss->note : NULL);
	json_kstr(j, "by", ss ? ss->operator : NULL);
	/* Done: whether the operator marked it or its checks completed it
	 * (all passed); null for any other state. */
	json_kstr(j, "via", ss == NULL || ss->status != STEP_DONE ? NULL :
	    ss->via == STEP_VIA_CHECKS ? "checks" : "operator");
	json_key(j, "at");
	if (ss != NULL)
		json_int(j, (long long)ss->at);
	else
		json_null(j);
}

/*
 * Whether a step applies: top-level steps as the plan decided, sub-steps by
 * their own `when` (the planner tracks top-level steps only).
 */
static int
step_applies(const struct rb_step *s, struct scope *sc,
    const struct plan_inst *in, int depth, size_t i)
{
	if (depth == 0)
		return !in->step_na[i];
	return s->when == NULL ||
	    cond_eval(s->when, scope_lookup, sc) != T_FALSE;
}

int
planview_check_applies(const struct rb_check *c, struct scope *sc)
{
	return c->when == NULL || cond_eval(c->when, scope_lookup, sc) !=
	    T_FALSE;
}

/* What a check verifies, in one line, values filled in. */
char *
planview_check_summary(const struct rb_check *c, struct scope *sc)
{
	char	*a = NULL, *b = NULL, *s;

	switch (c->kind) {
	case CK_SSH:
		a = tmpl_expand(c->command, scope_lookup, sc);
		s = xasprintf("ssh on %s: %s", c->role ? c->role->id : "?", a);
		break;
	case CK_TLS:
		a = tmpl_expand(c->host, scope_lookup, sc);
		b = tmpl_expand(c->port, scope_lookup, sc);
		s = xasprintf("tls %s:%s%s%s%s%s", a, b,
		    c->min ? " " : "", c->min ? c->min : "",
		    c->cipher ? " cipher " : "", c->cipher ? c->cipher : "");
		break;
	case CK_TCP:
		a = tmpl_expand(c->host, scope_lookup, sc);
		b = tmpl_expand(c->port, scope_lookup, sc);
		s = xasprintf("tcp %s:%s", a, b);
		break;
	case CK_SIP:
		a = tmpl_expand(c->host, scope_lookup, sc);
		b = tmpl_expand(c->port, scope_lookup, sc);
		s = xasprintf("sip OPTIONS to %s:%s%s%s", a, b,
		    c->status ? ", expects " : "", c->status ? c->status : "");
		break;
	case CK_X509:
		a = tmpl_expand(c->file, scope_lookup, sc);
		s = xasprintf("x509 %s", a);
		break;
	case CK_DNS:
		a = tmpl_expand(c->name, scope_lookup, sc);
		s = xasprintf("dns %s %s", c->dns_type ? c->dns_type : "A", a);
		break;
	case CK_MANUAL:
	default:
		a = tmpl_expand(c->text, scope_lookup, sc);
		s = xasprintf("confirm: %s", a);
		break;
	}
	free(a);
	free(b);
	return s;
}

/* Text with the instance's values filled in; indented continuation lines. */
static void
print_text(FILE *fp, const char *s, struct scope *sc, const char *indent)
{
	char		*x = tmpl_expand(s, scope_lookup, sc);
	const char	*p, *nl;

	for (p = x; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			fprintf(fp, "%s\n", p);
			break;
		}
		fprintf(fp, "%.*s\n%s", (int)(nl - p), p, indent);
	}
	free(x);
}

/* "needs an answer for x, y on fe1" under a step that has such needs. */
static void
print_step_needs(FILE *fp, const struct plan_inst *in, size_t step,
    const char *indent)
{
	const struct plan_need	*nd;
	char			 name[160];
	size_t			 i, n;

	if ((nd = plan_step_needs(in, step, &n)) == NULL)
		return;
	fprintf(fp, "%sneeds an answer for", indent);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s %s", i ? "," : "", plan_need_name(&nd[i], name,
		    sizeof(name)));
	fprintf(fp, "\n");
}

/* An instance's own values: the variables per host of its host's role. */
static void
print_host_vars(FILE *fp, const struct plan *pl, const struct plan_inst *in)
{
	const struct rb_var	*v;
	const char		*x;
	size_t			 i, n = 0;

	if (in->host == NULL)
		return;
	for (i = 0; i < pl->rb->nvars; i++) {
		v = &pl->rb->vars[i];
		if (v->per_host == NULL || strcmp(v->per_host,
		    in->host->role) != 0)
			continue;
		if (n++ == 0)
			fprintf(fp, "%6s %s's own values:", "", in->host->name);
		x = answers_host_var(in->host, v->name);
		fprintf(fp, "%s %s = %s%s", n > 1 ? "," : "", v->name,
		    x != NULL ? x : v->def != NULL ? v->def : "<no answer>",
		    x == NULL && v->def != NULL ? " (default)" : "");
	}
	if (n > 0)
		fprintf(fp, "\n");
}

static void
print_steps(FILE *fp, const struct rb_step *steps, size_t n, struct scope *sc,
    const struct plan_inst *in, const struct session *ses, int depth)
{
	const struct rb_step	*s;
	char			 num[32], indent[64], *x;
	size_t			 i, k;
	int			 pad = 7 + depth * 4;

	for (i = 0; i < n; i++) {
		s = &steps[i];
		if (depth == 0)
			snprintf(num, sizeof(num), "%zu.", i + 1);
		else
			snprintf(num, sizeof(num), "%c.", (int)('a' + i % 26));
		snprintf(indent, sizeof(indent), "%*s", pad + 4, "");
		fprintf(fp, "%*s%-4s", pad, "", num);
		print_text(fp, s->do_, sc, indent);
		if (s->command != NULL) {
			fprintf(fp, "%s$ ", indent);
			print_text(fp, s->command, sc, indent);
		}
		if (!step_applies(s, sc, in, depth, i)) {
			fprintf(fp, "%s(does not apply: %s)\n", indent,
			    s->when_src ? s->when_src : in->proc->when_src);
			continue;	/* nor do its sub-steps */
		}
		if (depth == 0) {
			print_state(fp, ses, in, i + 1, indent);
			print_step_needs(fp, in, i + 1, indent);
		}
		for (k = 0; k < s->nchecks; k++) {
			x = planview_check_summary(&s->checks[k], sc);
			fprintf(fp, "%scheck: ", indent);
			print_text(fp, x, sc, indent);
			if (!planview_check_applies(&s->checks[k], sc))
				fprintf(fp, "%s(check does not apply: %s)\n",
				    indent, s->checks[k].when_src);
			free(x);
		}
		print_steps(fp, s->steps, s->nsteps, sc, in, ses, depth + 1);
	}
}

/* A procedure done once for the deployment: where its checks run. */
static void
print_once(FILE *fp, const struct plan *pl, const struct plan_inst *in)
{
	const struct role_hosts	*rh = answers_hosts(pl->ans, in->proc->on);

	fprintf(fp, "%6s once for the deployment, from any %s host; its %s "
	    "checks run on %s%s\n", "", in->proc->on, in->proc->on,
	    in->proc->verify == RB_VERIFY_EVERY_HOST ? "every " :
	    rh != NULL && rh->n > 0 ? rh->hosts[0].name : "the first ",
	    in->proc->verify == RB_VERIFY_EVERY_HOST || rh == NULL ||
	    rh->n == 0 ? "host listed" : "");
}

/* What the instance waits for (its `when`) and what its steps use that
 * has no answer: each name once. */
static void
print_needs(FILE *fp, const struct plan_inst *in)
{
	char	name[160];
	size_t	k, n = 0;

	for (k = 0; k < in->nneeds; k++)
		fprintf(fp, "%s %s", n++ ? "," : "       needs an answer for:",
		    in->needs[k]);
	for (k = 0; k < in->nstep_needs; k++) {
		if (k > 0 && in->step_needs[k - 1].var ==
		    in->step_needs[k].var && in->step_needs[k - 1].host ==
		    in->step_needs[k].host)
			continue;
		fprintf(fp, "%s %s (step %zu)", n++ ? "," :
		    "       needs an answer for:", plan_need_name(
		    &in->step_needs[k], name, sizeof(name)),
		    in->step_needs[k].step);
	}
	if (n > 0)
		fprintf(fp, "\n");
}

static void
text_body(FILE *fp, const struct plan *pl, const struct session *ses,
    int steps)
{
	const struct runbook	*rb = pl->rb;
	const struct plan_inst	*in;
	struct scope		 sc = { rb, pl->ans, NULL, NULL };
	char			 name[160], prog[32];
	size_t			 i, k, nmissing = 0, applicable;

	fprintf(fp, "%4s  %-38s %-11s %5s  %s\n", "#", "PROCEDURE[@HOST]",
	    "STATUS", "STEPS", "TITLE");
	for (i = 0; i < pl->n; i++) {
		in = &pl->inst[i];
		applicable = 0;
		for (k = 0; k < in->proc->nsteps; k++)
			applicable += !in->step_na[k];
		snprintf(prog, sizeof(prog), "%zu/%zu", in->ndone, applicable);
		fprintf(fp, "%4zu  %-38s %-11s %5s  %s\n", i + 1,
		    plan_inst_name(in, name, sizeof(name)),
		    plan_status_name(in->status), prog, in->proc->title);
		if (in->applies == T_FALSE)
			fprintf(fp, "%6s does not apply: %s\n", "",
			    in->proc->when_src);
		if (in->proc->once)
			print_once(fp, pl, in);
		print_needs(fp, in);
		if (in->nblocked > 0 && in->status != INST_DONE &&
		    in->status != INST_SKIPPED) {
			fprintf(fp, "%6s blocked by:", "");
			for (k = 0; k < in->nblocked; k++)
				fprintf(fp, "%s %s", k ? "," : "",
				    plan_inst_name(&pl->inst[plan_blocker(pl,
				    in, k)], name, sizeof(name)));
			fprintf(fp, "\n");
		}
		if (ses != NULL && !steps)
			print_failures(fp, ses, in);
		if (steps && in->applies != T_FALSE) {
			plan_inst_scope(pl, in, &sc);
			print_host_vars(fp, pl, in);
			print_steps(fp, in->proc->steps, in->proc->nsteps, &sc,
			    in, ses, 0);
		}
	}
	/* (status says what is missing at its top) */
	for (i = 0; ses == NULL && i < pl->nmissing; i++)
		fprintf(fp, "%s %s", nmissing++ ? "," : "\nno answer yet for:",
		    plan_need_name(&pl->missing[i], name, sizeof(name)));
	if (nmissing > 0)
		fprintf(fp, "\n(shown as <name>; the steps that use them say "
		    "\"needs an answer\"; give them with %s)\n", ses != NULL ?
		    "'fedwiz set VAR=VALUE [--host NAME]'" : "--answers FILE "
		    "or --set VAR=VALUE (VAR@HOST=VALUE for a value per host)");
	for (i = 0; i < rb->nroles; i++)
		if (answers_hosts(pl->ans, rb->roles[i].id) == NULL)
			break;
	if (i < rb->nroles) {
		fprintf(fp, "\nno hosts listed for roles:");
		for (k = 0, i = 0; i < rb->nroles; i++)
			if (answers_hosts(pl->ans, rb->roles[i].id) == NULL)
				fprintf(fp, "%s %s", k++ ? "," : "",
				    rb->roles[i].id);
		fprintf(fp, "\n(their procedures appear once, without a host; "
		    "list hosts in an answers file)\n");
	}
}

/* "needs": [ { "var": ..., "host": ... } ] */
static void
json_needs(struct json *j, const char *key, const struct plan_need *v,
    size_t n)
{
	size_t	i;

	json_key(j, key);
	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		json_obj_begin(j);
		json_kstr(j, "var", v[i].var->name);
		json_kstr(j, "host", v[i].host);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/*
 * Rendered whole, then cleaned once: titles and step text from the runbook
 * file, answers, and the database's notes reach the terminal only through
 * the cleaner.
 */
void
planview_text(FILE *fp, const struct plan *pl, const struct session *ses,
    int steps)
{
	FILE	*ms;
	char	*text = NULL, *out;
	size_t	 len = 0;

	if ((ms = open_memstream(&text, &len)) == NULL)
		fatal("cannot render the plan: %s", strerror(errno));
	text_body(ms, pl, ses, steps);
	if (fclose(ms) != 0)
		fatal("cannot render the plan: %s", strerror(errno));
	out = clean_text(text, 0);
	fputs(out, fp);
	free(out);
	free(text);
}

/* on: whether what holds these steps applies (the procedure, the parent
 * step); a step or check under one that does not, does not either. */
static void
json_steps(struct json *j, const struct rb_step *steps, size_t n,
    struct scope *sc, const struct plan_inst *in, const struct session *ses,
    int top, int on)
{
	const struct rb_step	*s;
	const struct plan_need	*nd;
	char			*x;
	size_t			 i, k, nn;
	int			 step_on;

	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		s = &steps[i];
		json_obj_begin(j);
		json_kint(j, "n", (long long)(i + 1));
		json_kstr_tmpl(j, "do", s->do_, scope_lookup, sc);
		json_kstr_tmpl(j, "command", s->command, scope_lookup, sc);
		if (top) {
			json_kstr(j, "status",
			    plan_step_status_name(in->steps[i]));
			json_state(j, ses, in, i + 1);
			nd = plan_step_needs(in, i + 1, &nn);
			json_needs(j, "needs", nd, nn);
		}
		step_on = on && step_applies(s, sc, in, !top, i);
		json_kbool(j, "applies", step_on);
		json_key(j, "checks");
		json_arr_begin(j);
		for (k = 0; k < s->nchecks; k++) {
			json_obj_begin(j);
			json_kstr(j, "kind",
			    rb_check_kind_name(s->checks[k].kind));
			x = planview_check_summary(&s->checks[k], sc);
			json_kstr(j, "summary", x);
			free(x);
			json_kbool(j, "applies", step_on &&
			    planview_check_applies(&s->checks[k], sc));
			json_obj_end(j);
		}
		json_arr_end(j);
		if (s->nsteps > 0) {
			json_key(j, "steps");
			json_steps(j, s->steps, s->nsteps, sc, in, ses, 0,
			    step_on);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* "host_vars": the instance's own values (variables per host of its
 * host's role), null when none is given and there is no default. */
static void
json_host_vars(struct json *j, const struct plan *pl,
    const struct plan_inst *in)
{
	const struct rb_var	*v;
	const char		*x;
	size_t			 i;

	json_key(j, "host_vars");
	json_obj_begin(j);
	for (i = 0; in->host != NULL && i < pl->rb->nvars; i++) {
		v = &pl->rb->vars[i];
		if (v->per_host == NULL || strcmp(v->per_host,
		    in->host->role) != 0)
			continue;
		x = answers_host_var(in->host, v->name);
		json_kstr(j, v->name, x != NULL ? x : v->def);
	}
	json_obj_end(j);
}

/*
 * The steps of a procedure come out the same on every host they read the
 * same values on: a large plan is mostly those repeats. So without a
 * session (no per-host states), the first instance's "steps" are kept and
 * repeated for the next instance of the procedure whose step states and
 * values of every variable its steps read (scope_lookup decides, host
 * builtins and per-host values included) are the same, by pointer.
 */
struct steps_memo {
	const struct rb_proc	 *proc;
	const char		**names;	/* the variables read */
	size_t			  nnames;
	const char		**vals;		/* their values then */
	const struct plan_inst	 *in;		/* the states then */
	int			  on;
	struct buf		  json;		/* "[...]" */
	int			  valid;
};

static void
memo_name(void *arg, const char *name, size_t off)
{
	struct steps_memo	*m = arg;
	size_t			 i;

	(void)off;
	for (i = 0; i < m->nnames; i++)
		if (strcmp(m->names[i], name) == 0)
			return;
	m->names = xreallocarray(m->names, m->nnames + 1, sizeof(*m->names));
	m->names[m->nnames++] = xstrdup(name);
}

static void
memo_tmpl(struct steps_memo *m, const char *t)
{
	const char	*why;
	size_t		 bad;

	if (t != NULL)
		(void)tmpl_scan(t, memo_name, m, &bad, &why);
}

/* Every variable what json_steps writes reads: templates and whens. */
static void
memo_walk(struct steps_memo *m, const struct rb_step *steps, size_t n)
{
	const struct rb_check	*c;
	size_t			 i, k;

	for (i = 0; i < n; i++) {
		memo_tmpl(m, steps[i].do_);
		memo_tmpl(m, steps[i].command);
		if (steps[i].when != NULL)
			cond_walk_vars(steps[i].when, memo_name, m);
		for (k = 0; k < steps[i].nchecks; k++) {
			c = &steps[i].checks[k];
			memo_tmpl(m, c->command);
			memo_tmpl(m, c->host);
			memo_tmpl(m, c->port);
			memo_tmpl(m, c->file);
			memo_tmpl(m, c->name);
			memo_tmpl(m, c->subject_cn);
			memo_tmpl(m, c->text);
			if (c->when != NULL)
				cond_walk_vars(c->when, memo_name, m);
		}
		memo_walk(m, steps[i].steps, steps[i].nsteps);
	}
}

static void
memo_clear(struct steps_memo *m)
{
	size_t	i;

	for (i = 0; i < m->nnames; i++)
		free((char *)(uintptr_t)m->names[i]);
	free(m->names);
	free(m->vals);
	m->names = m->vals = NULL;
	m->nnames = 0;
	m->json.len = 0;
	m->valid = 0;
	m->proc = NULL;
}

/* Whether in's steps would come out as the memo's. */
static int
memo_hit(struct steps_memo *m, const struct plan_inst *in, struct scope *sc,
    int on)
{
	size_t	i, n = in->proc->nsteps;

	if (!m->valid || m->proc != in->proc || m->on != on ||
	    memcmp(m->in->steps, in->steps, n * sizeof(*in->steps)) != 0 ||
	    memcmp(m->in->step_na, in->step_na, n) != 0)
		return 0;
	for (i = 0; i < m->nnames; i++)
		if (scope_lookup(sc, m->names[i]) != m->vals[i])
			return 0;
	/* What its steps still need (values of notes and tables too, and
	 * those of ssh checks' other hosts) says "needs" the same way. */
	if (m->in->nstep_needs != in->nstep_needs)
		return 0;
	for (i = 0; i < in->nstep_needs; i++)
		if (m->in->step_needs[i].step != in->step_needs[i].step ||
		    m->in->step_needs[i].var != in->step_needs[i].var ||
		    (m->in->step_needs[i].host == NULL) !=
		    (in->step_needs[i].host == NULL) ||
		    (in->step_needs[i].host != NULL &&
		    strcmp(m->in->step_needs[i].host,
		    in->step_needs[i].host) != 0))
			return 0;
	return 1;
}

/* Write in's steps, and keep them in the memo for the next instances. */
static void
memo_steps(struct json *j, struct steps_memo *m, const struct plan_inst *in,
    struct scope *sc, int on)
{
	size_t	i;

	if (memo_hit(m, in, sc, on)) {
		json_raw_value(j, m->json.s, m->json.len);
		return;
	}
	if (m->proc != in->proc) {
		memo_clear(m);
		m->proc = in->proc;
		memo_walk(m, in->proc->steps, in->proc->nsteps);
		m->vals = xcalloc(m->nnames + 1, sizeof(*m->vals));
	}
	for (i = 0; i < m->nnames; i++)
		m->vals[i] = scope_lookup(sc, m->names[i]);
	m->in = in;
	m->on = on;
	m->json.len = 0;
	json_capture(j, &m->json);
	json_steps(j, in->proc->steps, in->proc->nsteps, sc, in, NULL, 1, on);
	json_capture(j, NULL);
	m->valid = 1;
}

void
planview_json_procedures(struct json *j, const struct plan *pl,
    const struct session *ses)
{
	struct steps_memo	 memo;
	const struct plan_inst	*in;
	struct scope		 sc = { pl->rb, pl->ans, NULL, NULL };
	char			 name[160];
	size_t			 i, k;

	memset(&memo, 0, sizeof(memo));
	buf_init(&memo.json);
	json_key(j, "procedures");
	json_arr_begin(j);
	for (i = 0; i < pl->n; i++) {
		in = &pl->inst[i];
		plan_inst_scope(pl, in, &sc);
		json_obj_begin(j);
		json_kstr(j, "id", in->proc->id);
		json_kstr(j, "title", in->proc->title);
		json_kstr(j, "host", in->host ? in->host->name : NULL);
		json_kstr(j, "role", in->proc->on);
		json_kbool(j, "once", in->proc->once);
		if (in->proc->once)
			json_kstr(j, "verify", in->proc->verify ==
			    RB_VERIFY_EVERY_HOST ? "every_host" : "one_host");
		json_host_vars(j, pl, in);
		json_key(j, "requires");
		json_arr_begin(j);
		for (k = 0; k < in->proc->requires.n; k++)
			json_str(j, in->proc->requires.v[k]);
		json_arr_end(j);
		json_kstr(j, "status", plan_status_name(in->status));
		json_key(j, "applies");
		if (in->applies == T_UNKNOWN)
			json_null(j);
		else
			json_bool(j, in->applies == T_TRUE);
		json_kstr(j, "when", in->proc->when_src);
		json_key(j, "blocked_by");
		json_arr_begin(j);
		for (k = 0; k < in->nblocked; k++)
			json_str(j, plan_inst_name(&pl->inst[plan_blocker(pl,
			    in, k)],
			    name, sizeof(name)));
		json_arr_end(j);
		json_key(j, "needs");
		json_arr_begin(j);
		for (k = 0; k < in->nneeds; k++)
			json_str(j, in->needs[k]);
		json_arr_end(j);
		json_key(j, "steps");
		if (ses == NULL)
			memo_steps(j, &memo, in, &sc, in->applies != T_FALSE);
		else
			json_steps(j, in->proc->steps, in->proc->nsteps, &sc,
			    in, ses, 1, in->applies != T_FALSE);
		json_obj_end(j);
	}
	json_arr_end(j);
	memo_clear(&memo);
	buf_free(&memo.json);
}

void
planview_json(FILE *fp, const struct plan *pl, const struct session *ses)
{
	const struct runbook	*rb = pl->rb;
	const struct rb_var	*v;
	const struct role_hosts	*rh;
	struct scope		 sc = { rb, pl->ans, NULL, NULL };
	struct json		 j;
	size_t			 i, k;

	json_init(&j, fp);
	json_obj_begin(&j);
	json_kstr(&j, "runbook", rb->id);
	json_kstr(&j, "title", rb->title);
	json_kstr(&j, "sha256", rb->hash);
	json_key(&j, "vars");
	json_arr_begin(&j);
	for (i = 0; i < rb->nvars; i++) {
		v = &rb->vars[i];
		json_obj_begin(&j);
		json_kstr(&j, "name", v->name);
		json_kstr(&j, "type", v->type_name);
		json_kstr(&j, "per_host", v->per_host);
		if (v->per_host != NULL) {
			/* One value per host of the role. */
			json_kstr(&j, "value", v->def);
			json_kstr(&j, "source", v->def ? "default" : NULL);
			json_key(&j, "values");
			json_obj_begin(&j);
			rh = answers_hosts(pl->ans, v->per_host);
			for (k = 0; rh != NULL && k < rh->n; k++)
				json_kstr(&j, rh->hosts[k].name,
				    answers_host_var(&rh->hosts[k], v->name));
			json_obj_end(&j);
		} else {
			json_kstr(&j, "value", scope_lookup(&sc, v->name));
			json_kstr(&j, "source", answers_get(pl->ans, v->name) ?
			    "answer" : v->def ? "default" : NULL);
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_needs(&j, "missing", pl->missing, pl->nmissing);
	planview_json_procedures(&j, pl, ses);
	json_obj_end(&j);
	json_end(&j);
}

