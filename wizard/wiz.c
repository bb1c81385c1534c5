/*
 * wiz.c: the wizard controller: the store, the open session (its lock,
 * model, evidence, the operator's position), step transitions and their
 * policy, new sessions, the change record. Check runs are wiz-check.c.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "catalog.h"
#include "clean.h"
#include "cli.h"
#include "draft.h"
#include "fileio.h"
#include "planview.h"
#include "report.h"
#include "session.h"
#include "store.h"
#include "template.h"
#include "util.h"
#include "vartype.h"
#include "wiz-int.h"
#include "wiz.h"

void
wiz_result_clear(struct wiz_result *r)
{
	free(r->msg);
	memset(r, 0, sizeof(*r));
}

void
wiz_say(struct wiz_result *r, int rc, const char *fmt, ...)
{
	va_list	ap;

	r->rc = rc;
	free(r->msg);
	va_start(ap, fmt);
	if (vasprintf(&r->msg, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
}

/* The first diagnostic as a result's message. */
static void
say_diag(struct wiz_result *r, const struct diags *d, const char *dflt)
{
	wiz_say(r, -1, "%s", d->n > 0 ? d->v[0].msg : dflt);
}

void
wiz_emit(struct wiz *w, enum wiz_event_kind kind, int bad, const char *fmt,
    ...)
{
	struct wiz_event	*e;
	va_list			 ap;

	if (w->nevq == w->capevq) {
		w->capevq = w->capevq ? w->capevq * 2 : 8;
		w->evq = xreallocarray(w->evq, w->capevq, sizeof(*w->evq));
	}
	e = &w->evq[w->nevq++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->bad = bad;
	if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&e->text, fmt, ap) == -1)
			fatal("out of memory");
		va_end(ap);
	}
}

int
wiz_event_next(struct wiz *w, struct wiz_event *ev)
{
	if (w->nevq == 0)
		return 0;
	*ev = w->evq[0];
	memmove(w->evq, w->evq + 1, --w->nevq * sizeof(*w->evq));
	return 1;
}

void
wiz_event_clear(struct wiz_event *ev)
{
	free(ev->text);
	ev->text = NULL;
}

/* Who is on the open session now: this console first, then the others
 * the store knows to be alive. */
static void
presence(struct wiz *w)
{
	struct diags	d;
	size_t		i, k;

	store_consoles_free(w->others, w->nothers);
	free(w->cons);
	w->others = NULL;
	w->nothers = 0;
	w->cons = NULL;
	w->ncons = 0;
	if (w->ses == NULL)
		return;
	diags_init(&d);
	if (store_consoles(w->st, w->ses->id, &w->others, &w->nothers, &d) !=
	    STORE_OK) {
		w->others = NULL;
		w->nothers = 0;
	}
	diags_free(&d);
	w->cons = xcalloc(w->nothers + 1, sizeof(*w->cons));
	w->cons[0].operator = w->me;
	w->cons[0].host = w->self_host;
	w->cons[0].pid = (long)getpid();
	w->cons[0].since = w->beat;
	w->cons[0].self = 1;
	for (i = 0, k = 1; i < w->nothers; i++) {
		if (w->others[i].id == w->console)
			continue;
		w->cons[k].operator = w->others[i].operator;
		w->cons[k].host = w->others[i].host;
		w->cons[k].pid = w->others[i].pid;
		w->cons[k].since = w->others[i].since;
		k++;
	}
	w->ncons = k;
}

/*
 * Once a second: did another console or command commit? One read of
 * PRAGMA data_version; when it moved and the session's record did (not
 * only a heartbeat beside it), the session is read again and the loop
 * told. Who is on it is read again too. Not while checks run: their
 * outcomes point into the session as it is (the run's end reads it
 * again anyway). Every STORE_CONSOLE_BEAT seconds this console says it
 * is still here.
 */
static void
on_second(struct evloop *ev, void *arg)
{
	struct wiz	*w = arg;
	struct diags	 d;
	int64_t		 last;
	size_t		 before = w->ncons;

	evloop_timer(ev, 1000, on_second, w);
	if (w->ses == NULL)
		return;
	diags_init(&d);
	if (!wiz_busy(w) && store_changed(w->st)) {
		last = store_session_last_event(w->st, w->ses->id);
		if (last != w->last_event) {
			w->last_event = last;
			if (wiz_reload(w, &d) == 0)
				wiz_emit(w, WIZ_EV_CHANGED, 0, "Another console "
				    "recorded on this session; shown as it is "
				    "now.");
		}
		presence(w);
		if (w->ncons != before)
			wiz_emit(w, WIZ_EV_CHANGED, 0, NULL);
	}
	/* A console that died commits nothing: who is on it is read again
	 * at each heartbeat too. */
	if (w->console != 0 && time(NULL) - w->beat >= STORE_CONSOLE_BEAT) {
		(void)store_console_beat(w->st, w->console, &d);
		w->beat = time(NULL);
		presence(w);
		if (w->ncons != before)
			wiz_emit(w, WIZ_EV_CHANGED, 0, NULL);
	}
	diags_free(&d);
}

int
wiz_new(const struct cli *cli, struct wiz **out, char **msg)
{
	struct wiz	*w;
	struct diags	 d;
	int		 rc;

	*out = NULL;
	*msg = NULL;
	w = xcalloc(1, sizeof(*w));
	w->cli = cli;
	w->rbdir = catalog_dir(cli->runbooks);
	diags_init(&d);
	if ((w->me = cli_operator(cli, &d)) == NULL) {
		*msg = xstrdup(d.n > 0 ? d.v[0].msg : "no operator name");
		diags_free(&d);
		free(w);
		return EXIT_USAGE;
	}
	if ((rc = cli_store(cli, 0, &w->st, &d)) != STORE_OK) {
		*msg = xstrdup(d.n > 0 ? d.v[0].msg : "cannot open the store");
		if (d.n > 0 && d.v[0].file != NULL && *d.v[0].file != '\0') {
			free(*msg);
			*msg = xasprintf("%s: %s", d.v[0].file, d.v[0].msg);
		}
		diags_free(&d);
		free(w);
		return cli_exit(rc);
	}
	diags_free(&d);
	w->ev = evloop_new();
	if (gethostname(w->self_host, sizeof(w->self_host) - 1) == -1)
		snprintf(w->self_host, sizeof(w->self_host), "localhost");
	evloop_timer(w->ev, 1000, on_second, w);
	*out = w;
	return EXIT_OK;
}

static void
evidence_free(struct wiz *w)
{
	store_checks_free(w->rows, w->nrows);
	free(w->evid);
	w->rows = NULL;
	w->evid = NULL;
	w->nrows = 0;
}

/* Let the open session go (its lock too). */
static void
close_session(struct wiz *w)
{
	if (w->ses == NULL)
		return;
	if (w->console != 0)
		store_console_leave(w->st, w->console);
	w->console = 0;
	store_consoles_free(w->others, w->nothers);
	free(w->cons);
	w->others = NULL;
	w->cons = NULL;
	w->nothers = w->ncons = 0;
	if (w->ses != w->run_ses)
		session_free(w->ses);
	w->ses = NULL;
	evidence_free(w);
	memset(&w->info, 0, sizeof(w->info));
	memset(&w->pos, 0, sizeof(w->pos));
	memset(&w->drift, 0, sizeof(w->drift));
	w->gen++;
}

void
wiz_free(struct wiz *w)
{
	size_t	i;

	if (w == NULL)
		return;
	wiz_checks_free(w);
	close_session(w);
	if (w->run_ses != NULL)
		session_free(w->run_ses);
	for (i = 0; i < w->nevq; i++)
		free(w->evq[i].text);
	free(w->evq);
	evloop_free(w->ev);
	store_close(w->st);
	free(w);
}

struct evloop *
wiz_loop(struct wiz *w)
{
	return w->ev;
}

void
wiz_tick(struct wiz *w)
{
	wiz_checks_tick(w);
}

int
wiz_no_color(const struct wiz *w)
{
	return w->cli->no_color;
}

int
wiz_ascii(const struct wiz *w)
{
	return w->cli->ascii;
}

int
wiz_preseeded(const struct wiz *w)
{
	return w->cli->answers != NULL;
}

/* The model of the session as it is now: info, drift, evidence. */
static void
model(struct wiz *w)
{
	struct session	*s = w->ses;
	struct progress	 pg;
	struct diags	 d;
	size_t		 i;

	w->gen++;
	memset(&w->info, 0, sizeof(w->info));
	session_progress(s, &pg);
	w->info.id = s->id;
	w->info.runbook_id = s->rb->id;
	w->info.runbook_title = s->rb->title;
	w->info.operator = s->info.operator;
	w->info.me = w->me;
	w->info.started = s->info.started;
	w->info.window_end = s->info.window_end;
	w->info.closed = s->info.closed;
	w->info.readonly = s->info.closed != 0;
	w->info.drifted = s->drifted;
	w->info.steps = pg.steps;
	w->info.finished = pg.finished;
	w->info.failed = pg.failed;
	w->info.practice = s->info.practice;
	w->info.lab = s->info.lab;
	memset(&w->drift, 0, sizeof(w->drift));
	if (s->drifted) {
		w->drift.added = s->drift.added;
		w->drift.nadded = s->drift.nadded;
		w->drift.removed = s->drift.removed;
		w->drift.nremoved = s->drift.nremoved;
		w->drift.changed = s->drift.changed;
		w->drift.nchanged = s->drift.nchanged;
	}
	evidence_free(w);
	diags_init(&d);
	if (store_checks(w->st, s->id, &w->rows, &w->nrows, &d) != STORE_OK) {
		wiz_emit(w, WIZ_EV_NOTE, 1, "%s", d.n ? d.v[0].msg :
		    "cannot read the check evidence");
		w->rows = NULL;
		w->nrows = 0;
	}
	diags_free(&d);
	w->evid = xcalloc(w->nrows ? w->nrows : 1, sizeof(*w->evid));
	for (i = 0; i < w->nrows; i++) {
		w->evid[i].kind = w->rows[i].kind;
		w->evid[i].target = w->rows[i].target ? w->rows[i].target : "";
		w->evid[i].result = strcmp(w->rows[i].result, "pass") == 0 ?
		    WIZ_PASS : strcmp(w->rows[i].result, "fail") == 0 ?
		    WIZ_FAIL : WIZ_ERROR;
		w->evid[i].message = w->rows[i].message;
		w->evid[i].excerpt = w->rows[i].excerpt;
		w->evid[i].at = w->rows[i].at;
		w->evid[i].ms = w->rows[i].duration_ms;
	}
}

int
wiz_reload(struct wiz *w, struct diags *d)
{
	struct session	*s = NULL, *old = w->ses;
	int		 rc;

	if (old == NULL)
		return 0;
	if ((rc = session_open(w->st, old->id, w->rbdir, &s, d)) != STORE_OK)
		return -1;
	w->ses = s;
	if (old != w->run_ses)
		session_free(old);
	model(w);
	return 0;
}

void
wiz_run_session(struct wiz *w)
{
	if (w->run_ses != NULL && w->run_ses != w->ses)
		session_free(w->run_ses);
	w->run_ses = w->ses;
}

int
wiz_open(struct wiz *w, int64_t id, struct wiz_result *r)
{
	struct store_session	 info;
	struct session		*s = NULL;
	struct diags		 d;
	char			 proc[128], host[128], scr[32];
	size_t			 step = 0;
	int64_t			 cid = 0, last;
	int			 same = w->ses != NULL && w->ses->id == id;

	memset(r, 0, sizeof(*r));
	diags_init(&d);
	memset(&info, 0, sizeof(info));
	if (store_session_get(w->st, id, &info, &d) != STORE_OK) {
		say_diag(r, &d, "no such session");
		diags_free(&d);
		return -1;
	}
	/* Nobody holds a session: this console says it is here (the others
	 * list it) and records through the same rules as every other. A
	 * closed one is only looked at. */
	if (info.closed == 0 && !same && store_console_join(w->st, id, w->me,
	    "wizard", &cid, &d) != STORE_OK) {
		say_diag(r, &d, "cannot open the session");
		store_session_clear(&info);
		diags_free(&d);
		return -1;
	}
	store_session_clear(&info);
	/* Read before the session: a record that moves in between is seen
	 * as moved, and read again, on the next second. */
	last = store_session_last_event(w->st, id);
	if (session_open(w->st, id, w->rbdir, &s, &d) != STORE_OK) {
		say_diag(r, &d, "cannot open the session");
		if (cid != 0)
			store_console_leave(w->st, cid);
		diags_free(&d);
		return -1;
	}
	if (!same)
		close_session(w);
	else if (w->ses != w->run_ses)
		session_free(w->ses);
	w->ses = s;
	if (!same) {
		w->console = cid;
		w->beat = time(NULL);
	}
	w->last_event = last;
	model(w);
	presence(w);
	memset(&w->pos, 0, sizeof(w->pos));
	if (store_ui_screen(w->st, id, scr, sizeof(scr)) == 0)
		snprintf(w->pos.screen, sizeof(w->pos.screen), "%s", scr);
	if (store_ui_position(w->st, id, proc, sizeof(proc), host,
	    sizeof(host), &step) == 0 && session_inst(s, proc, *host ? host :
	    NULL) != NULL) {
		snprintf(w->pos.proc, sizeof(w->pos.proc), "%s", proc);
		snprintf(w->pos.host, sizeof(w->pos.host), "%s", host);
		w->pos.step = step;
	}
	/* Said once, not fatal: the runbook was not found, ... */
	if (s->warnings.n > 0)
		wiz_say(r, 0, "%s", s->warnings.v[0].msg);
	else if (s->info.closed != 0)
		wiz_say(r, 0, "Session %lld is closed: shown as it was, read-only.",
		    (long long)id);
	else
		r->rc = 0;
	diags_free(&d);
	return 0;
}

int
wiz_resume(struct wiz *w, struct wiz_result *r)
{
	int64_t		latest;

	memset(r, 0, sizeof(*r));
	/* Never a practice session: store_session_latest skips them. */
	if ((latest = wiz_default_session(w)) <= 0) {
		r->rc = -1;
		return -1;
	}
	return wiz_open(w, latest, r);
}

int64_t
wiz_default_session(struct wiz *w)
{
	struct diags	d;
	int64_t		id = 0;

	diags_init(&d);
	if (store_session_latest(w->st, &id, &d) != STORE_OK)
		id = 0;
	diags_free(&d);
	return id;
}

int
wiz_is_open(const struct wiz *w)
{
	return w->ses != NULL;
}

const struct wiz_info *
wiz_info(const struct wiz *w)
{
	return w->ses != NULL ? &w->info : NULL;
}

const struct plan *
wiz_plan(const struct wiz *w)
{
	return w->ses != NULL ? w->ses->plan : NULL;
}

unsigned
wiz_gen(const struct wiz *w)
{
	return w->gen;
}

const struct plan_inst *
wiz_inst(const struct wiz *w, const char *proc, const char *host)
{
	if (w->ses == NULL || proc == NULL)
		return NULL;
	return session_inst(w->ses, proc, host != NULL && *host != '\0' ?
	    host : NULL);
}

int
wiz_next(const struct wiz *w, const struct plan_inst **in, size_t *step)
{
	return w->ses != NULL && session_next(w->ses, in, step);
}

size_t
wiz_consoles(const struct wiz *w, const struct wiz_console **out)
{
	*out = w->cons;
	return w->ses != NULL ? w->ncons : 0;
}

const struct wiz_pos *
wiz_position(const struct wiz *w)
{
	return &w->pos;
}

void
wiz_set_position(struct wiz *w, const char *screen, const char *proc,
    const char *host, size_t step, struct wiz_result *r)
{
	struct diags	d;

	memset(r, 0, sizeof(*r));
	snprintf(w->pos.screen, sizeof(w->pos.screen), "%s", screen ? screen :
	    "");
	if (proc != w->pos.proc)
		snprintf(w->pos.proc, sizeof(w->pos.proc), "%s", proc ? proc :
		    "");
	if (host != w->pos.host)
		snprintf(w->pos.host, sizeof(w->pos.host), "%s", host ? host :
		    "");
	w->pos.step = step;
	r->rc = 0;
	/* A closed session keeps the position it was left at. */
	if (w->ses == NULL || w->info.readonly)
		return;
	diags_init(&d);
	if (store_ui_set(w->st, w->ses->id, w->pos.screen, w->pos.proc,
	    w->pos.host, step, &d) != STORE_OK)
		say_diag(r, &d, "cannot save where you are");
	diags_free(&d);
}

const struct wiz_drift *
wiz_drift(const struct wiz *w)
{
	return w->ses != NULL && w->ses->drifted ? &w->drift : NULL;
}

int
wiz_accept_drift(struct wiz *w, struct wiz_result *r)
{
	struct diags	d;
	char		*dt;

	memset(r, 0, sizeof(*r));
	if (w->ses == NULL || !w->ses->drifted) {
		wiz_say(r, 0, "The runbook has not changed: nothing to accept.");
		return 0;
	}
	if (w->info.readonly) {
		wiz_say(r, -1, "Session %lld is closed: read-only.",
		    (long long)w->ses->id);
		return -1;
	}
	diags_init(&d);
	dt = session_drift_text(w->ses);
	if (session_accept_drift(w->ses, w->me, &d) != STORE_OK) {
		say_diag(r, &d, "the drift was not accepted");
		free(dt);
		diags_free(&d);
		return -1;
	}
	wiz_say(r, 0, "Runbook change accepted (%s); the session goes on with "
	    "%s as it is now.", dt, w->ses->rb->id);
	free(dt);
	if (wiz_reload(w, &d) == -1)
		say_diag(r, &d, "cannot read the session again");
	diags_free(&d);
	return r->rc;
}

static enum wiz_need
need_of(enum step_need n)
{
	switch (n) {
	case STEP_NEED_DRIFT:
		return WIZ_NEED_DRIFT;
	case STEP_NEED_OVERRIDE:
		return WIZ_NEED_OVERRIDE;
	case STEP_NEED_NOTE:
		return WIZ_NEED_NOTE;
	case STEP_NEED_NOTHING:
		break;
	}
	return WIZ_NEED_NOTHING;
}

int
wiz_step(struct wiz *w, const char *proc, const char *host, size_t step,
    enum step_status to, const char *note, int override, struct wiz_result *r)
{
	const struct store_step	*was;
	struct step_request	 q;
	struct diags		 d;
	enum step_status	 from = STEP_PENDING;
	int			 changed = 0;
	char			*n, why[160];

	memset(r, 0, sizeof(*r));
	if (w->ses == NULL) {
		wiz_say(r, -1, "No session is open.");
		return -1;
	}
	if (w->info.readonly) {
		wiz_say(r, -1, "Session %lld is closed: it is shown as it was, "
		    "and nothing is recorded.", (long long)w->ses->id);
		return -1;
	}
	if (host != NULL && *host == '\0')
		host = NULL;
	/* What would act on a terminal is refused as it is typed, as the
	 * command line refuses it. */
	if (note != NULL && clean_input_check(note, 0, why, sizeof(why)) ==
	    -1) {
		wiz_say(r, -1, "Not recorded: the note %s.", why);
		r->need = WIZ_NEED_NOTE;
		return -1;
	}
	if ((was = session_step_state(w->ses, proc, host, step)) != NULL)
		from = was->status;
	memset(&q, 0, sizeof(q));
	q.proc = proc;
	q.host = host;
	q.step = step;
	q.to = to;
	q.note = note != NULL && *note != '\0' ? note : NULL;
	q.operator = w->me;
	q.force = override;
	q.via = STEP_VIA_OPERATOR;
	diags_init(&d);
	if (session_step(w->ses, &q, &changed, &d) != STORE_OK) {
		r->need = need_of(session_step_needs(w->ses, &q));
		say_diag(r, &d, "not recorded");
		diags_free(&d);
		return -1;
	}
	r->changed = changed;
	/* Another console got there first: the store says who and when. */
	if (!changed && d.n > 0 && to != STEP_PENDING)
		wiz_say(r, 0, "%s.", d.v[d.n - 1].msg);
	else if (!changed)
		wiz_say(r, 0, "Step %zu %s; nothing changed.", step,
		    to == STEP_PENDING ? "is still to do" : to == STEP_DONE ?
		    "was already done" : to == STEP_SKIPPED ?
		    "was already skipped" : "was already failed");
	else if (to == STEP_PENDING)
		wiz_say(r, 0, "Step %zu reopened. It was %s.", step,
		    plan_step_status_name(from));
	else {
		n = q.note != NULL ? clean_str(q.note, strlen(q.note)) : NULL;
		wiz_say(r, 0, "Step %zu %s.%s%s%s%s%s", step, to == STEP_DONE ?
		    "done" : to == STEP_SKIPPED ? "skipped" : "failed",
		    override ? " Recorded over the block (logged)." : "",
		    n ? " Note: " : "", n ? n : "", d.n > 0 ? " " : "",
		    d.n > 0 ? d.v[0].msg : "");
		free(n);
	}
	if (wiz_reload(w, &d) == -1)
		say_diag(r, &d, "recorded, but the session cannot be read again");
	diags_free(&d);
	return 0;
}

int
wiz_step_state(const struct wiz *w, const char *proc, const char *host,
    size_t step, struct wiz_step_state *out)
{
	const struct store_step	*s;

	memset(out, 0, sizeof(*out));
	if (w->ses == NULL)
		return -1;
	if ((s = session_step_state(w->ses, proc, host != NULL && *host ?
	    host : NULL, step)) == NULL)
		return -1;
	out->status = s->status;
	out->note = s->note;
	out->operator = s->operator;
	out->at = s->at;
	out->by_checks = s->via == STEP_VIA_CHECKS;
	return 0;
}

char *
wiz_fill(const struct wiz *w, const struct plan_inst *in, const char *s)
{
	struct scope	 sc;
	char		*x, *c;

	if (s == NULL || w->ses == NULL)
		return NULL;
	plan_inst_scope(w->ses->plan, in, &sc);
	x = tmpl_expand(s, scope_lookup, &sc);
	c = clean_str(x, strlen(x));
	free(x);
	return c;
}

char *
wiz_check_summary(const struct wiz *w, const struct plan_inst *in,
    const struct rb_check *c)
{
	struct scope	 sc;
	char		*x, *y;

	plan_inst_scope(w->ses->plan, in, &sc);
	x = planview_check_summary(c, &sc);
	y = clean_str(x, strlen(x));
	free(x);
	return y;
}

/* One "label: value" line of a check's detail, filled in. */
static void
detail_line(struct buf *b, struct scope *sc, const char *label,
    const char *v)
{
	char	*x, *c;

	if (v == NULL)
		return;
	x = tmpl_expand(v, scope_lookup, sc);
	c = clean_str(x, strlen(x));
	buf_printf(b, "%s: %s\n", label, c);
	free(x);
	free(c);
}

static void
detail_list(struct buf *b, struct scope *sc, const char *label,
    const struct rb_strlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		detail_line(b, sc, label, l->v[i]);
}

char *
wiz_check_detail(const struct wiz *w, const struct plan_inst *in,
    const struct rb_check *c)
{
	struct scope	sc;
	struct buf	b;

	plan_inst_scope(w->ses->plan, in, &sc);
	buf_init(&b);
	buf_printf(&b, "kind: %s\n", rb_check_kind_name(c->kind));
	switch (c->kind) {
	case CK_SSH:
		buf_printf(&b, "runs on: every host of %s%s%s\n", c->role ?
		    c->role->id : "?", in->host != NULL && c->role != NULL &&
		    in->proc->role == c->role ? ", here " : "",
		    in->host != NULL && c->role != NULL && in->proc->role ==
		    c->role ? in->host->name : "");
		detail_line(&b, &sc, "command", c->command);
		detail_list(&b, &sc, "output contains", &c->contains);
		detail_list(&b, &sc, "a line matches (regex)", &c->regex);
		detail_list(&b, &sc, "output lacks", &c->absent);
		detail_line(&b, &sc, "exit status", c->exit_status);
		break;
	case CK_TLS:
	case CK_TCP:
		detail_line(&b, &sc, "host", c->host);
		detail_line(&b, &sc, "port", c->port);
		detail_line(&b, &sc, "lowest protocol", c->min);
		detail_line(&b, &sc, "highest protocol", c->max);
		detail_line(&b, &sc, "cipher", c->cipher);
		detail_line(&b, &sc, "name", c->name);
		detail_line(&b, &sc, "CA file", c->ca);
		detail_list(&b, &sc, "EKU", &c->eku);
		detail_line(&b, &sc, "client certificate", c->client_cert);
		break;
	case CK_X509:
		detail_line(&b, &sc, "file", c->file);
		detail_line(&b, &sc, "certificate", c->cert_kind);
		detail_line(&b, &sc, "name", c->name);
		detail_line(&b, &sc, "CA file", c->ca);
		detail_list(&b, &sc, "EKU", &c->eku);
		break;
	case CK_DNS:
		detail_line(&b, &sc, "name", c->name);
		buf_printf(&b, "type: %s\n", c->dns_type ? c->dns_type : "A");
		detail_list(&b, &sc, "expected answer", &c->expect);
		break;
	default:
		detail_line(&b, &sc, "confirm", c->text);
		break;
	}
	detail_line(&b, &sc, "when", c->when_src);
	return buf_steal(&b);
}

size_t
wiz_evidence(const struct wiz *w, const char *proc, const char *host,
    size_t step, const struct wiz_evidence **out, size_t max)
{
	size_t	i, n = 0;

	if (host == NULL)
		host = "";
	for (i = w->nrows; i-- > 0 && n < max;)
		if (w->rows[i].step == step && strcmp(w->rows[i].proc,
		    proc) == 0 && strcmp(w->rows[i].host, host) == 0)
			out[n++] = &w->evid[i];
	return n;
}

/* Answers and inventory. */

size_t
wiz_answers(const struct wiz *w, struct wiz_answer **out)
{
	const struct runbook	*rb;
	const struct role_hosts	*rh;
	const struct rb_var	*v;
	struct wiz_answer	*a = NULL;
	size_t			 i, k, n = 0;

	*out = NULL;
	if (w->ses == NULL)
		return 0;
	rb = w->ses->rb;
	for (i = 0; i < rb->nvars; i++) {
		v = &rb->vars[i];
		rh = v->per_host != NULL ? answers_hosts(w->ses->ans,
		    v->per_host) : NULL;
		for (k = 0; k < (rh != NULL ? rh->n : 0) + 1; k++) {
			/* A value per host: the hosts' rows, no deployment
			 * row unless the role has no host. */
			if (v->per_host != NULL && k == 0 && rh != NULL &&
			    rh->n > 0)
				continue;
			a = xreallocarray(a, n + 1, sizeof(*a));
			memset(&a[n], 0, sizeof(a[n]));
			a[n].name = v->name;
			a[n].prompt = v->prompt;
			a[n].type = vartype_name(v->spec.type);
			a[n].def = v->def;
			if (k == 0)
				a[n].value = answers_get(w->ses->ans, v->name);
			else {
				a[n].host = rh->hosts[k - 1].name;
				a[n].value = answers_host_var(&rh->hosts[k - 1],
				    v->name);
			}
			n++;
		}
	}
	*out = a;
	return n;
}

int
wiz_set(struct wiz *w, const char *name, const char *host, const char *value,
    struct wiz_result *r)
{
	struct edit_result	 res;
	struct diags		 d;
	char			 why[160];

	memset(r, 0, sizeof(*r));
	if (w->ses == NULL || w->info.readonly) {
		wiz_say(r, -1, "%s", w->ses == NULL ? "No session is open." :
		    "The session is closed: read-only.");
		return -1;
	}
	if (clean_input_check(value, 0, why, sizeof(why)) == -1) {
		wiz_say(r, -1, "Not changed: the value %s.", why);
		return -1;
	}
	memset(&res, 0, sizeof(res));
	diags_init(&d);
	if (session_set(w->ses, name, host, value, w->me, &res, &d) !=
	    STORE_OK) {
		say_diag(r, &d, "not changed");
		edit_result_free(&res);
		diags_free(&d);
		return -1;
	}
	r->changed = res.changed;
	if (!res.changed)
		wiz_say(r, 0, "%s%s was so already; nothing changed.", name,
		    host ? " on this host" : "");
	else if (res.n > 0)
		wiz_say(r, 0, "Changed %s (logged). %zu step%s used the old "
		    "value: %s evidence is stale; run %s checks again (c).",
		    res.what, res.n, res.n == 1 ? "" : "s", res.n == 1 ? "its" :
		    "their", res.n == 1 ? "its" : "their");
	else
		wiz_say(r, 0, "Changed %s (logged).", res.what);
	edit_result_free(&res);
	if (wiz_reload(w, &d) == -1)
		say_diag(r, &d, "changed, but the session cannot be read again");
	diags_free(&d);
	return 0;
}

char *
wiz_roles(const struct wiz *w)
{
	struct buf	b;
	size_t		i;

	if (w->ses == NULL)
		return NULL;
	buf_init(&b);
	for (i = 0; i < w->ses->rb->nroles; i++)
		buf_printf(&b, "%s%s", b.len ? ", " : "",
		    w->ses->rb->roles[i].id);
	return buf_steal(&b);
}

/* What an inventory edit did: the edit, and the steps to re-verify. */
static void
edit_said(struct wiz_result *r, const struct edit_result *res)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < res->n && i < 4; i++)
		buf_printf(&b, "%s%s%s%s step %zu", i ? ", " : "",
		    res->v[i].proc, res->v[i].host ? "@" : "", res->v[i].host ?
		    res->v[i].host : "", res->v[i].step);
	if (res->n > 4)
		buf_printf(&b, " and %zu more", res->n - 4);
	if (!res->changed)
		wiz_say(r, 0, "%s; nothing changed.", res->what);
	else if (res->n > 0)
		wiz_say(r, 0, "Recorded: %s (logged). Re-verify %zu step%s that "
		    "used it (its evidence is stale): %s; c runs a step's checks "
		    "again.", res->what, res->n, res->n == 1 ? "" : "s", b.s);
	else
		wiz_say(r, 0, "Recorded: %s (logged). No finished step and no "
		    "evidence used it.", res->what);
	buf_free(&b);
}

static int
host_edit(struct wiz *w, const struct host *add, const char *name,
    struct wiz_result *r)
{
	struct edit_result	 res;
	struct diags		 d;
	const struct host	*h;
	char			 why[160];
	int			 rc;

	memset(r, 0, sizeof(*r));
	if (w->ses == NULL || w->info.readonly) {
		wiz_say(r, -1, "%s", w->ses == NULL ? "No session is open." :
		    "The session is closed: read-only.");
		return -1;
	}
	if (add != NULL && (clean_input_check(add->name, 0, why,
	    sizeof(why)) == -1 || clean_input_check(add->address, 0, why,
	    sizeof(why)) == -1 || (add->user != NULL &&
	    clean_input_check(add->user, 0, why, sizeof(why)) == -1))) {
		wiz_say(r, -1, "Not changed: the text %s.", why);
		return -1;
	}
	memset(&res, 0, sizeof(res));
	diags_init(&d);
	if (add != NULL)
		rc = session_host_set(w->ses, add, w->me, &res, &d);
	else if ((h = answers_host(w->ses->ans, name)) == NULL) {
		diags_add(&d, "host", 0, 0, "no host \"%s\" in the inventory",
		    name);
		rc = STORE_EINPUT;
	} else
		rc = session_host_remove(w->ses, h->role, name, w->me, &res,
		    &d);
	if (rc != STORE_OK) {
		/* The core names the command; here it is the screen. */
		wiz_say(r, -1, "Not changed: %s", d.n ? d.v[0].msg : "refused");
		edit_result_free(&res);
		diags_free(&d);
		return -1;
	}
	edit_said(r, &res);
	r->changed = res.changed;
	edit_result_free(&res);
	if (wiz_reload(w, &d) == -1)
		say_diag(r, &d, "changed, but the session cannot be read again");
	diags_free(&d);
	return 0;
}

int
wiz_host_add(struct wiz *w, const char *role, const char *name,
    const char *address, const char *user, struct wiz_result *r)
{
	struct host	h;

	memset(&h, 0, sizeof(h));
	h.role = role;
	h.name = name;
	h.address = address;
	h.user = user != NULL && *user != '\0' ? user : NULL;
	h.port = 0;	/* 22, or the one it had */
	return host_edit(w, &h, NULL, r);
}

int
wiz_host_remove(struct wiz *w, const char *name, struct wiz_result *r)
{
	return host_edit(w, NULL, name, r);
}

size_t
wiz_hosts(const struct wiz *w, char ***out)
{
	const struct runbook	*rb;
	const struct role_hosts	*rh;
	const struct host	*h;
	char			**v = NULL;
	size_t			  i, k, n = 0;

	*out = NULL;
	if (w->ses == NULL)
		return 0;
	rb = w->ses->rb;
	for (i = 0; i < rb->nroles; i++) {
		if ((rh = answers_hosts(w->ses->ans, rb->roles[i].id)) == NULL)
			continue;
		for (k = 0; k < rh->n; k++) {
			h = &rh->hosts[k];
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = xasprintf("%-12s %-10s %s%s%s port %d  %s%s%s",
			    rb->roles[i].id, h->name, h->user ? h->user : "",
			    h->user ? "@" : "", h->address ? h->address :
			    h->name, h->port, h->profile_name ?
			    h->profile_name : rb->roles[i].profile_name,
			    h->site ? "  via site " : "", h->site ? h->site :
			    "");
		}
	}
	*out = v;
	return n;
}

/* Sessions. */

/* Steps that apply in session id, 0 when it cannot be planned. */
static size_t
session_steps(struct wiz *w, int64_t id)
{
	struct session	*s = NULL;
	struct progress	 pg;
	struct diags	 d;

	if (w->ses != NULL && w->ses->id == id)
		return w->info.steps;
	diags_init(&d);
	if (session_open(w->st, id, w->rbdir, &s, &d) != STORE_OK) {
		diags_free(&d);
		return 0;
	}
	diags_free(&d);
	session_progress(s, &pg);
	session_free(s);
	return pg.steps;
}

int
wiz_sessions(struct wiz *w, struct wiz_session_row **out, size_t *n,
    char **msg)
{
	struct store_session	*v = NULL;
	struct wiz_session_row	*rows;
	struct store_console	*c;
	struct diags		 d;
	struct buf		 on;
	size_t			 nv = 0, nc, i;

	*out = NULL;
	*n = 0;
	*msg = NULL;
	diags_init(&d);
	if (store_session_list(w->st, &v, &nv, &d) != STORE_OK) {
		*msg = xstrdup(d.n ? d.v[0].msg : "cannot list sessions");
		diags_free(&d);
		return -1;
	}
	rows = xcalloc(nv ? nv : 1, sizeof(*rows));
	for (i = 0; i < nv; i++) {
		rows[i].id = v[i].id;
		rows[i].runbook_id = xstrdup(v[i].runbook_id);
		rows[i].operator = xstrdup(v[i].operator);
		rows[i].done = v[i].ndone;
		rows[i].failed = v[i].nfailed;
		rows[i].started = v[i].started;
		rows[i].updated = v[i].updated;
		rows[i].window_end = v[i].window_end;
		rows[i].closed = v[i].closed;
		rows[i].practice = v[i].practice;
		rows[i].lab = v[i].lab != NULL ? xstrdup(v[i].lab) : NULL;
		rows[i].steps = session_steps(w, v[i].id);
		/* Who has it open: "ann@vm", "ann@vm +1". */
		c = NULL;
		nc = 0;
		if (v[i].closed == 0 && store_consoles(w->st, v[i].id, &c, &nc,
		    &d) == STORE_OK && nc > 0) {
			buf_init(&on);
			buf_printf(&on, "%s@%s", c[0].operator, c[0].host);
			if (nc > 1)
				buf_printf(&on, " +%zu", nc - 1);
			rows[i].on = buf_steal(&on);
		}
		store_consoles_free(c, nc);
	}
	diags_free(&d);
	store_session_list_free(v, nv);
	*out = rows;
	*n = nv;
	return 0;
}

void
wiz_sessions_free(struct wiz_session_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].runbook_id);
		free(v[i].operator);
		free(v[i].on);
		free(v[i].lab);
	}
	free(v);
}

/* Runbooks and new sessions. */

int
wiz_runbooks(struct wiz *w, struct wiz_runbook_row **out, size_t *n,
    char **msg)
{
	struct wiz_runbook_row	*v;
	struct runbook		*rb;
	struct diags		 d;
	char			**files = NULL;
	size_t			 nf = 0, i;

	*out = NULL;
	*n = 0;
	*msg = NULL;
	diags_init(&d);
	if (catalog_files(w->rbdir, &files, &nf, &d) != 0) {
		*msg = xstrdup(d.n ? d.v[0].msg : "no runbooks");
		diags_free(&d);
		return -1;
	}
	diags_free(&d);
	v = xcalloc(nf ? nf : 1, sizeof(*v));
	for (i = 0; i < nf; i++) {
		diags_init(&d);
		if (catalog_open(w->rbdir, files[i], &rb, &d) == 0) {
			v[i].id = xstrdup(rb->id);
			v[i].title = xstrdup(rb->title);
			v[i].nprocs = rb->nprocs;
			v[i].nsteps = rb->nsteps;
			runbook_free(rb);
		} else {
			v[i].id = xstrdup(files[i]);
			v[i].title = xstrdup("(does not load)");
			v[i].error = xstrdup(d.n ? d.v[0].msg : "?");
		}
		diags_free(&d);
	}
	catalog_files_free(files, nf);
	*out = v;
	*n = nf;
	return 0;
}

void
wiz_runbooks_free(struct wiz_runbook_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].title);
		free(v[i].error);
	}
	free(v);
}

int
wiz_draft(struct wiz *w, const char *id, struct draft **out, char **msg)
{
	struct runbook	*rb;
	struct answers	*ans;
	struct diags	 d;
	size_t		 i;

	*out = NULL;
	*msg = NULL;
	diags_init(&d);
	if (catalog_open(w->rbdir, id, &rb, &d) == -1) {
		*msg = xstrdup(d.n ? d.v[0].msg : "the runbook does not load");
		diags_free(&d);
		return -1;
	}
	*out = draft_new(rb);
	ans = answers_new();
	/* What loads of a file with mistakes is still filled in; the first
	 * mistake is said, and the forms check everything again anyway. */
	if (w->cli->answers != NULL)
		(void)answers_load(ans, rb, w->cli->answers, &d);
	for (i = 0; i < w->cli->nsets; i++)
		(void)answers_set(ans, rb, w->cli->sets[i], &d);
	draft_fill(*out, ans);
	answers_free(ans);
	if (d.n > 0 && d.v[0].line > 0)
		*msg = xasprintf("%s:%d: %s (the rest is filled in)",
		    d.v[0].file, d.v[0].line, d.v[0].msg);
	else if (d.n > 0)
		*msg = xasprintf("%s: %s (the rest is filled in)", d.v[0].file,
		    d.v[0].msg);
	diags_free(&d);
	return 0;
}

int
wiz_start(struct wiz *w, const char *id, const struct draft *dr,
    struct wiz_result *r)
{
	struct answers	*ans;
	struct diags	 d;
	int64_t		 sid;
	int		 rc;

	memset(r, 0, sizeof(*r));
	diags_init(&d);
	if (dr != NULL) {
		ans = draft_answers(dr);
		rc = session_start_answers(w->st, w->rbdir, dr->rb->id, ans,
		    w->me, 0, &sid, &d);
		answers_free(ans);
	} else
		rc = session_start(w->st, w->rbdir, id, w->cli->answers,
		    w->cli->sets, w->cli->nsets, w->me, 0, &sid, &d);
	if (rc != STORE_OK) {
		wiz_say(r, -1, "Not started: %s", d.n ? d.v[0].msg :
		    "the store refused it");
		diags_free(&d);
		return -1;
	}
	diags_free(&d);
	if (wiz_open(w, sid, r) == -1)
		return -1;
	wiz_say(r, 0, "Session %lld started.", (long long)sid);
	return 0;
}

/* The change record. */

char *
wiz_report(struct wiz *w, const char *format, size_t *len, char **msg)
{
	enum report_format	 f;
	struct report		*rep = NULL;
	struct diags		 d;
	FILE			*fp;
	char			*buf = NULL;

	*len = 0;
	*msg = NULL;
	if (w->ses == NULL) {
		*msg = xstrdup("No session is open.");
		return NULL;
	}
	if (report_format_parse(format, &f) == -1) {
		*msg = xasprintf("\"%s\" is not a report format", format);
		return NULL;
	}
	diags_init(&d);
	if (report_new(w->ses, store_now(), &rep, &d) != STORE_OK) {
		*msg = xstrdup(d.n ? d.v[0].msg : "no report");
		diags_free(&d);
		return NULL;
	}
	diags_free(&d);
	if ((fp = open_memstream(&buf, len)) == NULL)
		fatal("open_memstream: out of memory");
	report_write(fp, rep, f);
	fclose(fp);
	report_free(rep);
	return buf;
}

/* The folder of path (malloc'd): "." when it has none. */
static char *
folder_of(const char *path)
{
	const char	*sl = strrchr(path, '/');

	if (sl == NULL)
		return xstrdup(".");
	if (sl == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(sl - path));
}

char *
wiz_export_default(const struct wiz *w)
{
	char	*dir, *p;

	dir = folder_of(store_path(w->st));
	p = xasprintf("%s/fedwiz-session-%lld.md", dir, w->ses != NULL ?
	    (long long)w->ses->id : 0LL);
	free(dir);
	return p;
}

int
wiz_export(struct wiz *w, const char *given, struct wiz_result *r)
{
	enum report_format	 f = REPORT_MD;
	enum file_how		 how = FILE_REPLACED;
	struct diags		 d;
	struct stat		 sb;
	const char		*home, *dot, *base;
	char			*path, *dir, *text, *msg, *def;
	size_t			 len;

	memset(r, 0, sizeof(*r));
	while (*given == ' ')
		given++;
	if (*given == '\0') {
		wiz_say(r, -1, "Not exported: give a file name.");
		return -1;
	}
	/* ~ and ~/ are the home folder, as a shell would have it. */
	if (given[0] == '~' && (given[1] == '/' || given[1] == '\0')) {
		if ((home = getenv("HOME")) == NULL || *home == '\0') {
			wiz_say(r, -1, "Not exported: no home folder for ~.");
			return -1;
		}
		path = xasprintf("%s%s", home, given + 1);
	} else
		path = xstrdup(given);
	/* A folder: the default name in it. */
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		def = wiz_export_default(w);
		base = strrchr(def, '/') + 1;
		dir = path;
		path = xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ?
		    "" : "/", base);
		free(dir);
		free(def);
	}
	dir = folder_of(path);
	if (stat(dir, &sb) == -1)
		wiz_say(r, -1, "Not exported: the folder %s %s.", dir,
		    errno == ENOENT || errno == ENOTDIR ? "does not exist" :
		    strerror(errno));
	else if (!S_ISDIR(sb.st_mode))
		wiz_say(r, -1, "Not exported: %s is not a folder.", dir);
	if (r->rc == -1) {
		free(dir);
		free(path);
		return -1;
	}
	free(dir);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if ((dot = strrchr(base, '.')) != NULL &&
	    report_format_parse(dot + 1, &f) == -1) {
		wiz_say(r, -1, "Not exported: %s must end in .md, .html or "
		    ".json.", path);
		free(path);
		return -1;
	}
	if ((text = wiz_report(w, f == REPORT_HTML ? "html" : f == REPORT_JSON ?
	    "json" : "md", &len, &msg)) == NULL) {
		wiz_say(r, -1, "Not exported: %s", msg);
		free(msg);
		free(path);
		return -1;
	}
	diags_init(&d);
	if (file_write(path, text, len, &how, &d) != 0)
		wiz_say(r, -1, "Not exported: %s", d.n ? d.v[0].msg :
		    "not written");
	else if (how == FILE_THROUGH)
		wiz_say(r, 0, "Written through to %s (a device, not a file).",
		    path);
	else
		wiz_say(r, 0, "Written to %s (mode 0600).", path);
	diags_free(&d);
	free(text);
	free(path);
	return r->rc;
}
