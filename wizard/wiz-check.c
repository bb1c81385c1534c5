/*
 * wiz-check.c: check runs for the wizard, on its one event loop, and the
 * completion policy the command line shares.
 *
 * The SSH engine asks its questions (an unknown host key, a password, a
 * key's passphrase, an ASA's enable secret) through cb.ask: the host that
 * asks waits, parked by the engine with no deadline running, and every
 * other host goes on. The question becomes an event; the console shows
 * it as a screen and answers with wiz_answer_hostkey/wiz_answer_secret
 * whenever the operator has read it. A secret kept earlier in the run, or
 * found in a file or the environment (as the commands find them), answers
 * at once; one typed is kept in the one store (secret.h) for the other
 * hosts that ask the same kind during the run, and wiped after it.
 */
#include "config.h"

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "check.h"
#include "clean.h"
#include "cli.h"
#include "secret.h"
#include "session.h"
#include "profile.h"
#include "quote.h"
#include "ssh.h"
#include "util.h"
#include "wiz-int.h"
#include "wiz.h"

struct wiz_checks {
	struct cli_ssh		*cs;
	struct ssh_opts		 so;
	struct ssh_engine	*eng;
	struct secrets		 src;		/* files and environment */
	struct check_run	*run;
	int			 running;
	int			 reverify;	/* a resume's re-check: say what
						   changed, mark nothing */
	int64_t			 started;
	struct wiz_question	*q;		/* waiting, oldest first */
	size_t			 nq;
	char			*kh;		/* the session's known_hosts the
						   engine trusts; NULL: the
						   command line's or default */
	/* The step the last run was of (rstep 0: a re-verification), and
	 * the model's reading after it: output pasted for a host it could
	 * not reach joins that run while nothing changed since. */
	char			 rproc[128];
	char			 rhost[128];
	size_t			 rstep;
	unsigned		 rgen;
	int			 full;		/* it ran all of the step's
						   checks (c), not only pasted
						   ones */
};

static void
question_clear(struct wiz_question *q)
{
	free(q->host);
	free(q->address);
	free(q->user);
	free(q->hostname);
	free(q->keytype);
	free(q->fingerprint);
	free(q->known_hosts);
	free(q->secret_kind);
	free(q->prompt);
	memset(q, 0, sizeof(*q));
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
on_ask(void *arg, const struct ssh_question *sq)
{
	struct wiz		*w = arg;
	struct wiz_checks	*c = w->chk;
	struct wiz_question	*q;
	struct diags		 d;
	char			 buf[SSH_SECRET_MAX];

	if (sq->kind == SSHQ_SECRET) {
		/* Kept earlier in this run (secret.h, the one store), a file
		 * or the environment first, as the commands do. */
		diags_init(&d);
		if (secret_get(&c->src, sq->secret_kind, sq->prompt, buf,
		    sizeof(buf), &d) == 0) {
			(void)ssh_answer_secret(c->eng, sq->id, buf);
			wipe(buf, sizeof(buf));
			diags_free(&d);
			return;
		}
		wipe(buf, sizeof(buf));
		diags_free(&d);
	}
	c->q = xreallocarray(c->q, c->nq + 1, sizeof(*c->q));
	q = &c->q[c->nq++];
	memset(q, 0, sizeof(*q));
	q->id = sq->id;
	q->kind = sq->kind == SSHQ_HOSTKEY ? WIZ_Q_HOSTKEY : WIZ_Q_SECRET;
	q->host = xstrdup(sq->target->name);
	q->address = xstrdup(sq->target->address);
	q->port = sq->target->port;
	q->user = dup_or_null(sq->target->user);
	q->hostname = dup_or_null(sq->hostname);
	q->keytype = dup_or_null(sq->keytype);
	q->fingerprint = dup_or_null(sq->fingerprint);
	q->known_hosts = dup_or_null(sq->known_hosts);
	q->secret_kind = dup_or_null(sq->secret_kind);
	q->prompt = dup_or_null(sq->prompt);
	wiz_emit(w, WIZ_EV_QUESTION, 0, q->kind == WIZ_Q_HOSTKEY ?
	    "%s: an unknown host key to confirm" : "%s: a secret to give",
	    q->host);
}

static void
on_note(void *arg, const struct ssh_target *t, const char *msg)
{
	wiz_emit(arg, WIZ_EV_NOTE, 0, "%s: %s", t->name, msg);
}

/* The known_hosts file the open session's answers named (a training
 * lab's do), unless the command line gave one: NULL then, or none. */
static const char *
session_known_hosts(const struct wiz *w)
{
	if (w->cli->known_hosts != NULL || w->ses == NULL)
		return NULL;
	return w->ses->ans->known_hosts;
}

static struct wiz_checks *
checks_up(struct wiz *w, struct wiz_result *r)
{
	struct wiz_checks	*c;
	struct diags		 d;
	const char		*kh = session_known_hosts(w);

	/* One engine per known_hosts file: another session's (a lab's,
	 * after a real one) gets an engine of its own. */
	if (w->chk != NULL && (w->chk->running || (kh == NULL ?
	    w->chk->kh == NULL : w->chk->kh != NULL &&
	    strcmp(kh, w->chk->kh) == 0)))
		return w->chk;
	wiz_checks_free(w);
	c = xcalloc(1, sizeof(*c));
	diags_init(&d);
	if ((c->cs = cli_ssh_new(w->cli, &c->so, &d)) == NULL) {
		wiz_say(r, -1, "%s", d.n ? d.v[0].msg : "cannot set up SSH");
		diags_free(&d);
		free(c);
		return NULL;
	}
	diags_free(&d);
	if (kh != NULL) {
		c->kh = xstrdup(kh);
		c->so.known_hosts = c->kh;
	}
	/* The wizard asks about an unknown key unless told otherwise. */
	if (w->cli->host_keys == NULL)
		c->so.policy = HKP_ASK;
	c->so.cb.ask = on_ask;
	c->so.cb.note = on_note;
	c->so.cb.output = check_live_output;
	c->so.cb.ctx = w;
	c->src.password_file = w->cli->password_file;
	c->src.enable_file = w->cli->enable_file;
	c->src.interactive = 0;
	c->eng = ssh_engine_new(w->ev, &c->so);
	w->chk = c;
	return c;
}

void
wiz_checks_free(struct wiz *w)
{
	struct wiz_checks	*c = w->chk;
	size_t			 i;

	if (c == NULL)
		return;
	check_run_free(c->run);
	ssh_engine_free(c->eng);
	cli_ssh_free(c->cs);		/* forgets the secrets */
	for (i = 0; i < c->nq; i++)
		question_clear(&c->q[i]);
	free(c->q);
	free(c->kh);
	free(c);
	w->chk = NULL;
}

int
wiz_busy(const struct wiz *w)
{
	return w->chk != NULL && w->chk->running;
}

/* A new run on the open session. */
static struct check_run *
run_new(struct wiz *w, struct wiz_checks *c)
{
	check_run_free(c->run);
	wiz_run_session(w);
	c->run = check_run_new(w->ev, c->eng, w->ses->plan);
	check_run_identity(c->run, w->cli->identity);
	/* The session's DNS server (a lab's holds its names) unless the
	 * command line gave one; the run keeps the session alive. */
	check_run_dns_server(c->run, w->cli->server != NULL ? w->cli->server :
	    w->ses->ans->dns_server);
	c->started = evloop_now();
	return c->run;
}

/* Whether a step (its sub-steps too) has checks at all, and whether
 * they are all manual. */
static void
count_checks(const struct rb_step *s, size_t *all, size_t *manual)
{
	size_t	i;

	for (i = 0; i < s->nchecks; i++) {
		(*all)++;
		*manual += s->checks[i].kind == CK_MANUAL;
	}
	for (i = 0; i < s->nsteps; i++)
		count_checks(&s->steps[i], all, manual);
}

static void	finish(struct wiz *);

int
wiz_check_step(struct wiz *w, const char *proc, const char *host,
    size_t step, struct wiz_result *r)
{
	struct wiz_checks	*c;
	const struct plan_inst	*in;
	struct diags		 d;
	size_t			 all = 0, manual = 0;

	memset(r, 0, sizeof(*r));
	if (w->chk != NULL && w->chk->running) {
		wiz_say(r, -1, "Checks are still running: they are on the check "
		    "console.");
		return -1;
	}
	if (w->ses == NULL || (in = wiz_inst(w, proc, host)) == NULL ||
	    step < 1 || step > in->proc->nsteps) {
		wiz_say(r, -1, "No such step in the open session.");
		return -1;
	}
	if (w->info.readonly) {
		wiz_say(r, -1, "Session %lld is closed: checks are not run on "
		    "it.", (long long)w->ses->id);
		return -1;
	}
	count_checks(&in->proc->steps[step - 1], &all, &manual);
	if (all == 0) {
		wiz_say(r, -1, "Step %zu has no check: confirm it yourself (d "
		    "marks it done).", step);
		return -1;
	}
	if (all == manual) {
		wiz_say(r, -1, "Step %zu is checked by you, not by fedwiz: %s",
		    step, "see its check line, then mark it (d).");
		return -1;
	}
	if ((c = checks_up(w, r)) == NULL)
		return -1;
	run_new(w, c);
	c->reverify = 0;
	snprintf(c->rproc, sizeof(c->rproc), "%s", proc);
	snprintf(c->rhost, sizeof(c->rhost), "%s", host ? host : "");
	c->rstep = step;
	c->full = 1;
	diags_init(&d);
	if (check_run_step(c->run, in, step, &d) == -1)
		wiz_say(r, 0, "%s", d.n ? d.v[0].msg : "a check cannot be built "
		    "from the answers");
	diags_free(&d);
	c->running = 1;
	/* Checks of files on this machine (x509) have their verdict at
	 * once: the run is over before the loop turns. */
	if (check_run_pending(c->run) == 0)
		finish(w);
	return 0;
}

int
wiz_reverify(struct wiz *w)
{
	struct wiz_checks	*c;
	struct wiz_result	 r;
	const struct plan_inst	*in;
	const struct store_step	*s;
	struct diags		 d;
	size_t			 i, n = 0;

	if (w->ses == NULL || w->info.readonly || wiz_busy(w))
		return 0;
	for (i = 0; i < w->ses->nsteps; i++)
		n += w->ses->steps[i].status == STEP_DONE &&
		    w->ses->steps[i].via == STEP_VIA_CHECKS;
	memset(&r, 0, sizeof(r));
	if (n == 0 || (c = checks_up(w, &r)) == NULL) {
		wiz_result_clear(&r);
		return 0;
	}
	run_new(w, c);
	c->reverify = 1;
	c->rstep = 0;
	diags_init(&d);
	for (i = 0; i < w->ses->nsteps; i++) {
		s = &w->ses->steps[i];
		if (s->status != STEP_DONE || s->via != STEP_VIA_CHECKS)
			continue;
		if ((in = session_inst(w->ses, s->proc, *s->host ? s->host :
		    NULL)) != NULL && s->step <= in->proc->nsteps)
			(void)check_run_step(c->run, in, s->step, &d);
	}
	diags_free(&d);
	c->running = 1;
	wiz_emit(w, WIZ_EV_NOTE, 0, "Re-verifying the %zu step%s their checks "
	    "completed (o shows them)...", n, n == 1 ? "" : "s");
	if (check_run_pending(c->run) == 0)
		finish(w);
	return 1;
}

/* A resume's re-check is in: what still holds, what changed since. */
static void
finish_reverify(struct wiz *w, const struct wiz_step_verdict *v, size_t n)
{
	char	first[300];
	size_t	i, bad = 0, ran = 0;

	first[0] = '\0';
	for (i = 0; i < n; i++) {
		if (v[i].ran > v[i].passed && bad == 0)
			snprintf(first, sizeof(first), "%s%s%s step %zu",
			    v[i].inst->proc->id, v[i].inst->host ? "@" : "",
			    v[i].inst->host ? v[i].inst->host->name : "",
			    v[i].step);
		ran += v[i].ran;
		bad += v[i].ran - v[i].passed;
	}
	if (bad == 0)
		wiz_emit(w, WIZ_EV_RUN_DONE, 0, "Re-verified: the %zu checks of "
		    "the steps their checks completed still pass.", ran);
	else
		wiz_emit(w, WIZ_EV_RUN_DONE, 1, "Changed since: %zu of %zu checks "
		    "no longer pass (first: %s); o shows why.", bad, ran, first);
}

/* Whether an ssh check of the last run could not reach its host. */
static int
unreached(const struct wiz *w)
{
	const struct check_outcome	*o;
	size_t				 i, n;

	o = check_run_outcomes(w->chk->run, &n);
	for (i = 0; i < n; i++)
		if (o[i].verdict == CV_ERROR && !o[i].input &&
		    o[i].check->kind == CK_SSH)
			return 1;
	return 0;
}

/* A step's run is in: what its checks said, and what was recorded. */
static void
finish_step(struct wiz *w, const struct wiz_step_verdict *v, size_t n)
{
	struct wiz_event	*e;
	struct diags		 d;
	struct buf		 said;
	enum wiz_need		 need = WIZ_NEED_NOTHING;
	size_t			 i, ran = 0, passed = 0, manual = 0;
	int			 marked;

	for (i = 0; i < n; i++) {
		ran += v[i].ran;
		passed += v[i].passed;
		manual += v[i].manual;
	}
	if (n == 0 || ran == 0) {
		wiz_emit(w, WIZ_EV_RUN_DONE, 0, "None of the step's checks "
		    "runs here (they do not apply%s): confirm it yourself (d).",
		    manual ? ", or ask you" : "");
		return;
	}
	if (passed < ran) {
		wiz_emit(w, WIZ_EV_RUN_DONE, 1, "%zu of %zu checks did not "
		    "pass: the console says why and which procedure fixes it%s.",
		    ran - passed, ran, unreached(w) ? "; p pastes the output of "
		    "a host fedwiz could not reach, run there by you" : "");
		return;
	}
	if (manual > 0) {
		wiz_emit(w, WIZ_EV_RUN_DONE, 0, "All %zu checks passed; step "
		    "%zu also asks you to confirm it (d marks it done).", ran,
		    v[0].step);
		return;
	}
	buf_init(&said);
	diags_init(&d);
	marked = wiz_mark_passed(w->ses, v, n, w->me, &said, &need, &d);
	if (marked == -1)
		wiz_emit(w, WIZ_EV_RUN_DONE, 1, "All %zu checks passed, but the "
		    "step was not marked: %s", ran, d.n ? d.v[0].msg : "?");
	else if (marked > 0)
		wiz_emit(w, WIZ_EV_RUN_DONE, 0, "All %zu checks passed: step %zu "
		    "is done, by its checks (r reopens it).", ran, v[0].step);
	else if (need != WIZ_NEED_NOTHING) {
		wiz_emit(w, WIZ_EV_NEED, 0, "All %zu checks passed, but %s",
		    ran, said.len ? said.s : "the step was not marked");
		e = &w->evq[w->nevq - 1];
		e->need = need;
		snprintf(e->proc, sizeof(e->proc), "%s", v[0].inst->proc->id);
		snprintf(e->host, sizeof(e->host), "%s", v[0].inst->host ?
		    v[0].inst->host->name : "");
		e->step = v[0].step;
	} else
		wiz_emit(w, WIZ_EV_RUN_DONE, 0, "All %zu checks passed; %s", ran,
		    said.len ? said.s : "nothing to record");
	diags_free(&d);
	buf_free(&said);
}

/* Every check is in: keep the evidence, apply the policy, read the
 * session again so the screens show what the store says. */
static void
finish(struct wiz *w)
{
	struct wiz_checks	*c = w->chk;
	struct wiz_step_verdict	*v = NULL;
	struct diags		 d;
	size_t			 n;

	c->running = 0;
	/* Asked for this run: wiped after it (secret.h). */
	secret_forget();
	n = wiz_run_verdicts(c->run, &v);
	diags_init(&d);
	if (check_run_record(c->run, w->ses, w->me, &d) != STORE_OK) {
		wiz_emit(w, WIZ_EV_RUN_DONE, 1, "The checks ran, but their "
		    "evidence was not recorded: %s", d.n ? d.v[0].msg : "?");
		diags_free(&d);
		free(v);
		return;
	}
	diags_free(&d);
	if (c->reverify)
		finish_reverify(w, v, n);
	else
		finish_step(w, v, n);
	free(v);
	diags_init(&d);
	if (wiz_reload(w, &d) == -1)
		wiz_emit(w, WIZ_EV_NOTE, 1, "%s", d.n ? d.v[0].msg :
		    "cannot read the session again");
	diags_free(&d);
	c->rgen = w->gen;
}

void
wiz_checks_tick(struct wiz *w)
{
	struct wiz_checks	*c = w->chk;

	if (c == NULL || !c->running || c->run == NULL ||
	    check_run_pending(c->run) > 0)
		return;
	finish(w);
}

size_t
wiz_run_rows(const struct wiz *w)
{
	size_t	n = 0;

	if (w->chk != NULL && w->chk->run != NULL)
		(void)check_run_outcomes(w->chk->run, &n);
	return n;
}

int64_t
wiz_run_started(const struct wiz *w)
{
	return w->chk != NULL && w->chk->run != NULL ? w->chk->started : 0;
}

static enum wiz_verdict
verdict_of(enum check_verdict v)
{
	switch (v) {
	case CV_PASS:
		return WIZ_PASS;
	case CV_FAIL:
		return WIZ_FAIL;
	case CV_ERROR:
		return WIZ_ERROR;
	case CV_NOT_RUN:
		break;
	}
	return WIZ_NOT_RUN;
}

int
wiz_run_row(const struct wiz *w, size_t i, struct wiz_check_row *row)
{
	const struct check_outcome	*v, *o;
	size_t				 n, k;

	memset(row, 0, sizeof(*row));
	if (w->chk == NULL || w->chk->run == NULL)
		return -1;
	v = check_run_outcomes(w->chk->run, &n);
	if (i >= n)
		return -1;
	o = &v[i];
	row->proc = o->inst->proc->id;
	row->host = o->inst->host ? o->inst->host->name : NULL;
	row->step = o->step;
	row->kind = o->kind;
	row->where = o->host ? o->host->name : NULL;
	row->target = o->target;
	row->verdict = verdict_of(o->verdict);
	row->running = o->running;
	row->message = o->message;
	row->excerpt = o->excerpt;
	row->live = o->live;
	row->livelen = o->livelen;
	row->ms = o->ms;
	for (k = 0; o->running && o->host != NULL && k < w->chk->nq; k++)
		if (strcmp(w->chk->q[k].host, o->host->name) == 0)
			row->waiting = 1;
	return 0;
}

size_t
wiz_questions(const struct wiz *w)
{
	return w->chk != NULL ? w->chk->nq : 0;
}

const struct wiz_question *
wiz_question(const struct wiz *w, size_t i)
{
	return w->chk != NULL && i < w->chk->nq ? &w->chk->q[i] : NULL;
}

static void
question_drop(struct wiz_checks *c, size_t i)
{
	question_clear(&c->q[i]);
	memmove(&c->q[i], &c->q[i + 1], (c->nq - i - 1) * sizeof(*c->q));
	c->nq--;
}

static ssize_t
question_find(const struct wiz_checks *c, uint64_t id)
{
	size_t	i;

	for (i = 0; c != NULL && i < c->nq; i++)
		if (c->q[i].id == id)
			return (ssize_t)i;
	return -1;
}

int
wiz_answer_hostkey(struct wiz *w, uint64_t id, enum wiz_hostkey_answer a)
{
	struct wiz_checks	*c = w->chk;
	ssize_t			 i;
	int			 rc;

	if ((i = question_find(c, id)) == -1)
		return -1;
	rc = ssh_answer_hostkey(c->eng, id, a == WIZ_HK_ALWAYS ? HKA_ALWAYS :
	    a == WIZ_HK_ONCE ? HKA_ONCE : HKA_REFUSE);
	question_drop(c, (size_t)i);
	return rc;
}

int
wiz_answer_secret(struct wiz *w, uint64_t id, const char *secret)
{
	struct wiz_checks	*c = w->chk;
	struct diags		 d;
	char			 kind[16], prompt[160], buf[SSH_SECRET_MAX];
	ssize_t			 i;
	size_t			 j;
	int			 rc;

	if ((i = question_find(c, id)) == -1 || c->q[i].kind != WIZ_Q_SECRET)
		return -1;
	if (secret != NULL && strlen(secret) >= SSH_SECRET_MAX)
		return -1;
	snprintf(kind, sizeof(kind), "%s", c->q[i].secret_kind);
	snprintf(prompt, sizeof(prompt), "%s", c->q[i].prompt ?
	    c->q[i].prompt : "");
	/* Kept in the one store for the rest of this run (a passphrase is
	 * not: one key's is not another's), unless it is refused (an enable
	 * secret with a line break would run the rest as a command). */
	diags_init(&d);
	if (secret != NULL && strcmp(kind, "passphrase") != 0 &&
	    secret_keep(kind, secret, &d) == -1) {
		wiz_emit(w, WIZ_EV_NOTE, 1, "%s", d.n ? d.v[0].msg :
		    "that secret is refused");
		diags_free(&d);
		return -1;
	}
	diags_free(&d);
	rc = ssh_answer_secret(c->eng, id, secret);
	question_drop(c, (size_t)i);
	if (secret == NULL)
		return rc;
	/* The other hosts waiting for the same secret have it now: a kept
	 * one from the store, a passphrase when it is the same key file's. */
	for (j = 0; j < c->nq;) {
		if (c->q[j].kind != WIZ_Q_SECRET ||
		    strcmp(c->q[j].secret_kind, kind) != 0 ||
		    (strcmp(kind, "passphrase") == 0 && strcmp(c->q[j].prompt ?
		    c->q[j].prompt : "", prompt) != 0)) {
			j++;
			continue;
		}
		diags_init(&d);
		if (strcmp(kind, "passphrase") == 0)
			(void)ssh_answer_secret(c->eng, c->q[j].id, secret);
		else if (secret_get(&c->src, kind, c->q[j].prompt, buf,
		    sizeof(buf), &d) == 0)
			(void)ssh_answer_secret(c->eng, c->q[j].id, buf);
		else {
			diags_free(&d);
			j++;
			continue;
		}
		wipe(buf, sizeof(buf));
		diags_free(&d);
		question_drop(c, j);
	}
	return rc;
}

/* The completion policy. */

size_t
wiz_run_verdicts(const struct check_run *run, struct wiz_step_verdict **out)
{
	const struct check_outcome	*o;
	struct wiz_step_verdict		*v = NULL, *x;
	size_t				 n, i, k, nv = 0;

	o = check_run_outcomes(run, &n);
	for (i = 0; i < n; i++) {
		/* Output pasted for a check and host later in the run takes
		 * the place of what the run found there (an error). */
		for (k = i + 1; k < n; k++)
			if (o[k].check == o[i].check && o[k].host == o[i].host &&
			    o[k].inst == o[i].inst && o[k].step == o[i].step)
				break;
		if (k < n)
			continue;
		for (k = 0; k < nv; k++)
			if (v[k].inst == o[i].inst && v[k].step == o[i].step)
				break;
		if (k == nv) {
			v = xreallocarray(v, nv + 1, sizeof(*v));
			memset(&v[nv], 0, sizeof(v[nv]));
			v[nv].inst = o[i].inst;
			v[nv].step = o[i].step;
			nv++;
		}
		x = &v[k];
		if (o[i].verdict == CV_NOT_RUN) {
			/* Manual: the operator's to confirm. Any other not
			 * run does not apply (its `when`). */
			x->manual += o[i].check->kind == CK_MANUAL;
			continue;
		}
		x->ran++;
		x->passed += o[i].verdict == CV_PASS;
	}
	for (k = 0; k < nv; k++)
		v[k].complete = v[k].ran > 0 && v[k].passed == v[k].ran &&
		    v[k].manual == 0;
	*out = v;
	return nv;
}

int
wiz_mark_passed(struct session *s, const struct wiz_step_verdict *v,
    size_t n, const char *op, struct buf *said, enum wiz_need *need,
    struct diags *d)
{
	const struct store_step	*cur;
	struct step_request	 q;
	struct diags		 why;
	enum step_need		 sn;
	char			 name[200];
	size_t			 i;
	int			 changed, rc, marked = 0;

	for (i = 0; i < n; i++) {
		if (!v[i].complete)
			continue;
		plan_inst_name(v[i].inst, name, sizeof(name));
		memset(&q, 0, sizeof(q));
		q.proc = v[i].inst->proc->id;
		q.host = v[i].inst->host ? v[i].inst->host->name : NULL;
		q.step = v[i].step;
		q.to = STEP_DONE;
		q.operator = op;
		q.via = STEP_VIA_CHECKS;
		cur = session_step_state(s, q.proc, q.host, q.step);
		if (cur != NULL && cur->status != STEP_PENDING) {
			buf_printf(said, "%s step %zu is %s already: not marked "
			    "again\n", name, q.step,
			    plan_step_status_name(cur->status));
			continue;
		}
		diags_init(&why);
		rc = session_step(s, &q, &changed, &why);
		if (rc == STORE_OK) {
			buf_printf(said, "%s step %zu done: all its checks "
			    "passed\n", name, q.step);
			marked++;
		} else if (rc == STORE_EINPUT || rc == STORE_ESTATE) {
			sn = session_step_needs(s, &q);
			if (need != NULL && *need == WIZ_NEED_NOTHING)
				*need = sn == STEP_NEED_DRIFT ? WIZ_NEED_DRIFT :
				    sn == STEP_NEED_OVERRIDE ? WIZ_NEED_OVERRIDE :
				    WIZ_NEED_NOTHING;
			buf_printf(said, "%s step %zu not marked: %s\n", name,
			    q.step, why.n ? why.v[0].msg : "refused");
		} else {
			diags_add(d, name, 0, 0, "%s", why.n ? why.v[0].msg :
			    "the store failed");
			diags_free(&why);
			return -1;
		}
		diags_free(&why);
	}
	/* One line for the message line: the last newline goes. */
	if (said->len > 0 && said->s[said->len - 1] == '\n')
		said->s[--said->len] = '\0';
	return marked;
}

/* Pasted evidence. */

/* One item: the ssh checks of a step that run on host h, grouped by the
 * command they run. */
struct paste_group {
	const struct host	 *h;
	const struct rb_check	**v;
	size_t			  n;
};

/* The items of step of in, against the plan pl (the open session's, or
 * the last run's): every host of the inventory, in order, each command
 * once. */
static size_t
paste_groups(struct evloop *ev, const struct plan *pl,
    const struct plan_inst *in, size_t step, struct paste_group **out)
{
	struct check_run	 *tmp;
	struct paste_group	 *g = NULL;
	const struct rb_check	**v;
	const struct host	 *h;
	size_t			  r, i, k, j, nv, ng = 0;

	/* A run that is never started: where its checks would go. */
	tmp = check_run_new(ev, NULL, pl);
	for (r = 0; pl->ans != NULL && r < pl->ans->nroles; r++)
		for (i = 0; i < pl->ans->roles[r].n; i++) {
			h = &pl->ans->roles[r].hosts[i];
			v = check_ssh_on(tmp, in, step, h, &nv);
			for (k = 0; k < nv; k++) {
				for (j = 0; j < ng; j++)
					if (g[j].h == h && strcmp(g[j].v[0]->
					    command, v[k]->command) == 0)
						break;
				if (j == ng) {
					g = xreallocarray(g, ng + 1,
					    sizeof(*g));
					memset(&g[ng], 0, sizeof(g[ng]));
					g[ng++].h = h;
				}
				g[j].v = xreallocarray(g[j].v, g[j].n + 1,
				    sizeof(*g[j].v));
				g[j].v[g[j].n++] = v[k];
			}
			free(v);
		}
	check_run_free(tmp);
	*out = g;
	return ng;
}

static void
paste_groups_free(struct paste_group *g, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(g[i].v);
	free(g);
}

/* Whether the last run was of this step and nothing changed since: then
 * a paste joins it. */
static int
paste_joins_run(const struct wiz *w, const char *proc, const char *host,
    size_t step)
{
	const struct wiz_checks	*c = w->chk;

	return c != NULL && c->run != NULL && !c->running && !c->reverify &&
	    c->rstep == step && strcmp(c->rproc, proc) == 0 &&
	    strcmp(c->rhost, host ? host : "") == 0 && c->rgen == w->gen &&
	    w->run_ses != NULL;
}

size_t
wiz_paste_items(struct wiz *w, const char *proc, const char *host,
    size_t step, struct wiz_paste_item **out)
{
	const struct plan_inst		*in;
	const struct check_outcome	*o;
	struct wiz_paste_item		*it;
	struct paste_group		*g;
	struct scope			 sc;
	struct diags			 d;
	struct buf			 b;
	char				*x, *p, *nl, *miss;
	size_t				 i, k, n, no = 0;

	*out = NULL;
	if (w->ses == NULL || (in = wiz_inst(w, proc, host)) == NULL ||
	    step < 1 || step > in->proc->nsteps)
		return 0;
	n = paste_groups(w->ev, w->ses->plan, in, step, &g);
	if (n == 0) {
		free(g);
		return 0;
	}
	it = xcalloc(n, sizeof(*it));
	o = paste_joins_run(w, proc, host, step) ? check_run_outcomes(
	    w->chk->run, &no) : NULL;
	for (i = 0; i < n; i++) {
		memset(&sc, 0, sizeof(sc));
		sc.rb = w->ses->plan->rb;
		sc.ans = w->ses->plan->ans;
		sc.host = g[i].h;
		sc.inst = in->host;
		it[i].host = clean_str(g[i].h->name, strlen(g[i].h->name));
		it[i].profile = xstrdup(g[i].h->profile ? g[i].h->profile->name :
		    "?");
		it[i].nchecks = g[i].n;
		if ((miss = check_missing(g[i].v[0], &sc)) != NULL) {
			it[i].missing = miss;
			it[i].command = wiz_fill(w, in, g[i].v[0]->command);
		} else {
			diags_init(&d);
			if (quote_command(g[i].h->profile, g[i].v[0]->command,
			    &sc, &x, &d) == -1) {
				it[i].missing = xstrdup(d.n ? d.v[0].msg :
				    "the command cannot be built");
				it[i].command = wiz_fill(w, in,
				    g[i].v[0]->command);
			} else {
				/* PowerShell: what the engine sends, decoded
				 * (check.c wraps it for the exec channel):
				 * the output as a list, at full width. */
				if (g[i].h->profile != NULL &&
				    g[i].h->profile->id == PROF_WINDOWS) {
					p = xasprintf("%s | Format-List * | "
					    "Out-String -Width 4096", x);
					free(x);
					x = p;
				}
				it[i].command = clean_str(x, strlen(x));
				free(x);
			}
			diags_free(&d);
		}
		buf_init(&b);
		for (k = 0; k < g[i].n; k++) {
			x = wiz_check_detail(w, in, g[i].v[k]);
			for (p = strtok_r(x, "\n", &nl); p != NULL;
			    p = strtok_r(NULL, "\n", &nl))
				if (strncmp(p, "output", 6) == 0 ||
				    strncmp(p, "a line", 6) == 0 ||
				    strncmp(p, "exit", 4) == 0)
					buf_printf(&b, "%s\n", p);
			free(x);
		}
		if (b.len > 0 && b.s[b.len - 1] == '\n')
			b.s[--b.len] = '\0';
		it[i].expects = buf_steal(&b);
		/* What the last run of this step found there. */
		for (k = 0; o != NULL && k < no; k++)
			if (o[k].host != NULL && strcmp(o[k].host->name,
			    g[i].h->name) == 0 && o[k].check->kind == CK_SSH &&
			    strcmp(o[k].check->command, g[i].v[0]->command) == 0)
				it[i].unreached = o[k].verdict == CV_ERROR &&
				    !o[k].input;
	}
	paste_groups_free(g, n);
	*out = it;
	return n;
}

void
wiz_paste_items_free(struct wiz_paste_item *it, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(it[i].host);
		free(it[i].profile);
		free(it[i].command);
		free(it[i].expects);
		free(it[i].missing);
	}
	free(it);
}

/* Whether step (its sub-steps too) has checks a paste cannot stand for:
 * any kind but ssh and manual. */
static int
other_kinds(const struct rb_step *s)
{
	size_t	i;

	for (i = 0; i < s->nchecks; i++)
		if (s->checks[i].kind != CK_SSH &&
		    s->checks[i].kind != CK_MANUAL)
			return 1;
	for (i = 0; i < s->nsteps; i++)
		if (other_kinds(&s->steps[i]))
			return 1;
	return 0;
}

int
wiz_paste(struct wiz *w, const char *proc, const char *host, size_t step,
    size_t item, const char *text, size_t len, struct wiz_result *r)
{
	struct wiz_checks		*c;
	struct check_run		*run;
	const struct plan		*pl;
	const struct plan_inst		*in;
	const struct check_outcome	*o;
	struct wiz_step_verdict		*v = NULL, *x = NULL;
	struct paste_group		*g = NULL;
	struct diags			 d;
	struct buf			 said;
	enum wiz_need			 need = WIZ_NEED_NOTHING;
	const char			*why = NULL;
	size_t				 i, k, ng = 0, first, no, nv = 0;
	size_t				 passed = 0;
	int				 joins, covered = 1, marked;

	memset(r, 0, sizeof(*r));
	diags_init(&d);
	buf_init(&said);
	if (w->ses == NULL || (in = wiz_inst(w, proc, host)) == NULL ||
	    step < 1 || step > in->proc->nsteps) {
		wiz_say(r, -1, "No such step in the open session.");
		goto out;
	}
	if (w->info.readonly) {
		wiz_say(r, -1, "Session %lld is closed: nothing is recorded on "
		    "it.", (long long)w->ses->id);
		goto out;
	}
	if (wiz_busy(w)) {
		wiz_say(r, -1, "Checks are still running: paste when they are "
		    "in (the console shows them).");
		goto out;
	}
	if (len == 0 || text == NULL) {
		wiz_say(r, -1, "Nothing was pasted: nothing recorded.");
		goto out;
	}
	if (len > WIZ_PASTE_MAX) {
		wiz_say(r, -1, "The paste holds %zu bytes, more than %u MiB: "
		    "nothing recorded (give the output with fedwiz check "
		    "--from FILE).", len, WIZ_PASTE_MAX >> 20);
		goto out;
	}
	if ((c = checks_up(w, r)) == NULL)
		goto out;
	/* Join the last run of this step (its other hosts count), or a
	 * run of its own. */
	if ((joins = paste_joins_run(w, proc, host, step))) {
		run = c->run;
		pl = w->run_ses->plan;
		in = session_inst(w->run_ses, proc, host);
	} else {
		run = run_new(w, c);
		c->reverify = 0;
		snprintf(c->rproc, sizeof(c->rproc), "%s", proc);
		snprintf(c->rhost, sizeof(c->rhost), "%s", host ? host : "");
		c->rstep = step;
		c->full = 0;
		pl = w->ses->plan;
	}
	if (in == NULL) {
		wiz_say(r, -1, "No such step in the open session.");
		goto out;
	}
	ng = paste_groups(w->ev, pl, in, step, &g);
	if (item >= ng) {
		wiz_say(r, -1, "Step %zu has no ssh check that runs %s: nothing "
		    "to judge a paste by.", step, ng ? "there" : "on a host");
		goto out;
	}
	(void)check_run_outcomes(run, &first);
	for (k = 0; k < g[item].n; k++)
		(void)check_run_pasted(run, in, step, g[item].v[k], g[item].h,
		    text, len, w->me, &d);
	o = check_run_outcomes(run, &no);
	/* A value the command needs has no answer: said, not recorded. */
	for (k = first; k < no; k++)
		if (o[k].input) {
			wiz_say(r, -1, "%s: nothing recorded.", d.n ?
			    d.v[0].msg : o[k].message);
			goto out;
		}
	diags_free(&d);
	diags_init(&d);
	if (check_run_record_from(run, first, w->ses, w->me, &d) != STORE_OK) {
		wiz_say(r, -1, "The paste was judged, but not recorded: %s",
		    d.n ? d.v[0].msg : "the store failed");
		goto out;
	}
	for (k = first; k < no; k++) {
		passed += o[k].verdict == CV_PASS;
		if (o[k].verdict != CV_PASS && why == NULL)
			why = o[k].message;
	}
	buf_printf(&said, "Pasted output from %s: %zu of %zu check%s passed "
	    "(recorded as pasted by %s)", g[item].h->name, passed, no - first,
	    no - first == 1 ? "" : "s", w->me);
	if (passed < no - first) {
		buf_printf(&said, "; %s. The step stays open.", why ? why :
		    "it did not pass");
		goto said;
	}
	/* The completion policy, as for a run. */
	nv = wiz_run_verdicts(run, &v);
	for (i = 0; i < nv; i++)
		if (v[i].inst == in && v[i].step == step)
			x = &v[i];
	if (!c->full) {
		/* Pastes alone know only what was pasted: the step's other
		 * checks must be of no other kind and pasted too. */
		struct paste_group	*all = g;
		size_t			 j, m;

		if (other_kinds(&in->proc->steps[step - 1]))
			covered = 0;
		for (i = 0; covered && i < ng; i++)
			for (j = 0; covered && j < all[i].n; j++) {
				for (m = 0; m < no; m++)
					if (o[m].check == all[i].v[j] &&
					    o[m].host == all[i].h)
						break;
				covered = m < no;
			}
	}
	if (x == NULL || !x->complete || !covered) {
		if (x != NULL && x->manual > 0)
			buf_printf(&said, "; the step also asks you to confirm "
			    "it (d marks it done).");
		else if (!covered || x == NULL)
			buf_printf(&said, "; the step's other checks have not "
			    "run with it: c runs them (a paste takes the place "
			    "of an unreachable host's error in that run).");
		else
			buf_printf(&said, "; not all of the step's checks "
			    "passed in its last run (o shows them).");
		goto said;
	}
	{
		struct buf	m;

		buf_init(&m);
		marked = wiz_mark_passed(w->ses, x, 1, w->me, &m, &need, &d);
		if (marked == -1)
			buf_printf(&said, "; the step was not marked: %s",
			    d.n ? d.v[0].msg : "?");
		else if (marked > 0)
			buf_printf(&said, ". Step %zu is done, by its checks "
			    "(r reopens it).", step);
		else
			buf_printf(&said, "; %s", m.len ? m.s : "nothing to "
			    "mark");
		buf_free(&m);
	}
said:
	wiz_say(r, 0, "%s", said.s);
	r->need = need;
	r->changed = 1;
	diags_free(&d);
	diags_init(&d);
	if (wiz_reload(w, &d) == -1)
		wiz_emit(w, WIZ_EV_NOTE, 1, "%s", d.n ? d.v[0].msg :
		    "cannot read the session again");
	c->rgen = w->gen;
out:
	free(v);
	paste_groups_free(g, ng);
	buf_free(&said);
	diags_free(&d);
	return r->rc;
}
