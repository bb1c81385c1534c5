/* report-json.c: the change record as one JSON document. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "report.h"
#include "report-int.h"
#include "util.h"

/* JSON: one document, keys in a fixed order, times as ISO 8601 strings. */

static void
json_ktime(struct json *j, const char *key, time_t t)
{
	char	buf[32];

	json_kstr(j, key, t > 0 ? report_iso(t, buf, sizeof(buf)) : NULL);
}

static void
json_step_list(struct json *j, const struct report *r, enum r_list list)
{
	const struct r_inst	*ri;
	const struct r_step	*rs;
	struct r_walk		 at = { 0, 0 };

	json_arr_begin(j);
	while ((rs = report_walk(r, list, &at, &ri)) != NULL) {
		json_obj_begin(j);
		json_kstr(j, "procedure", ri->name);
		json_kint(j, "step", (long long)rs->n);
		json_kstr(j, "do", rs->line);
		json_kstr(j, "by", rs->by);
		json_ktime(j, "at", rs->at);
		json_kstr(j, "note", rs->note);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
json_attention(struct json *j, const struct report *r)
{
	const struct r_inst	*ri;
	const struct r_step	*rs;
	struct r_walk		 at = { 0, 0 };

	json_key(j, "failed_then_redone");
	json_arr_begin(j);
	while ((rs = report_walk(r, RL_REDONE, &at, &ri)) != NULL) {
		json_obj_begin(j);
		json_kstr(j, "procedure", ri->name);
		json_kint(j, "step", (long long)rs->n);
		json_ktime(j, "failed_at", rs->failure->at);
		json_kstr(j, "failed_by", rs->failure->operator);
		json_kstr(j, "reason", report_failure_reason(rs->failure));
		json_kstr(j, "status", report_status_names[rs->status]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "recorded_while_blocked");
	json_arr_begin(j);
	at.inst = at.step = 0;
	while ((rs = report_walk(r, RL_FORCED, &at, &ri)) != NULL) {
		json_obj_begin(j);
		json_kstr(j, "procedure", ri->name);
		json_kint(j, "step", (long long)rs->n);
		json_ktime(j, "at", rs->forced->at);
		json_kstr(j, "by", rs->forced->operator);
		json_kstr(j, "why", report_forced_reason(rs->forced));
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
json_strs(struct json *j, const char *key, char *const *v, size_t n)
{
	size_t	i;

	json_key(j, key);
	json_arr_begin(j);
	for (i = 0; i < n; i++)
		json_str(j, v[i]);
	json_arr_end(j);
}

static void
json_head(struct json *j, const struct report *r)
{
	const struct r_outcome	*o = &r->out;
	const struct r_audit	*au = &r->audit;
	const struct r_inst	*ri;
	const struct r_step	*rs;
	struct r_walk		 at = { 0, 0 };

	struct buf		 title;

	/* What this document is, first: a reader (or a script filing
	 * records) must not take a practice record for a change record. */
	json_kstr(j, "record", r->practice ? "practice" : "change");
	buf_init(&title);
	buf_printf(&title, "%s%s", report_kind(r), r->title);
	json_kstr(j, "title", title.s);
	buf_free(&title);
	json_key(j, "report");
	json_obj_begin(j);
	json_kint(j, "format", 1);
	json_ktime(j, "generated", r->generated);
	json_kstr(j, "generator", report_generator());
	json_obj_end(j);
	/* What to paste into the change ticket, first: the chain's head. */
	json_kstr(j, "audit_head", report_audit_head(r));

	json_key(j, "session");
	json_obj_begin(j);
	json_kint(j, "id", (long long)r->id);
	json_kbool(j, "practice", r->practice);
	json_kstr(j, "lab", r->lab);
	json_kstr(j, "state", r->closed > 0 ? "closed" : "open");
	json_ktime(j, "closed", r->closed);
	json_key(j, "runbook");
	json_obj_begin(j);
	json_kstr(j, "id", r->runbook_id);
	json_kstr(j, "title", r->title);
	json_kstr(j, "sha256", r->sha256);
	json_kstr(j, "sha256_now", r->sha256_now);
	json_kstr(j, "source", r->source);
	json_kstr(j, "source_title", r->source_title);
	json_obj_end(j);
	json_kstr(j, "started_by", r->operator);
	json_kstr(j, "machine", r->machine);
	json_strs(j, "operators", r->operators, r->noperators);
	json_ktime(j, "started", r->started);
	json_ktime(j, "last_change", r->last_change);
	json_ktime(j, "window_end", r->window_end);
	json_key(j, "window_seconds");
	if (r->window_end > 0)
		json_int(j, sub_sat(r->window_end, r->started));
	else
		json_null(j);
	json_kint(j, "used_seconds", sub_sat(r->last_change, r->started));
	json_kstr(j, "time_used", r->time_used);
	json_kstr(j, "drift", r->drift);
	json_strs(j, "warnings", r->warnings, r->nwarnings);
	json_obj_end(j);

	json_key(j, "outcome");
	json_obj_begin(j);
	json_kstr(j, "verdict", o->verdict);
	json_kbool(j, "complete", o->procs > 0 && o->count[RS_FAILED] == 0 &&
	    o->count[RS_PENDING] == 0);
	json_kint(j, "steps", (long long)o->steps);
	json_kint(j, "done", (long long)o->count[RS_DONE]);
	json_kint(j, "skipped", (long long)o->count[RS_SKIPPED]);
	json_kint(j, "failed", (long long)o->count[RS_FAILED]);
	json_kint(j, "pending", (long long)o->count[RS_PENDING]);
	json_kint(j, "not_applicable", (long long)o->count[RS_NA]);
	json_kint(j, "procedures", (long long)o->procs);
	json_kint(j, "procedures_finished", (long long)o->procs_finished);
	json_kint(j, "procedures_failed", (long long)o->procs_failed);
	json_kint(j, "procedures_not_applicable", (long long)o->procs_na);
	json_key(j, "failed_steps");
	json_step_list(j, r, RL_FAILED);
	json_key(j, "skipped_steps");
	json_step_list(j, r, RL_SKIPPED);
	json_attention(j, r);
	json_obj_end(j);

	json_key(j, "audit");
	json_obj_begin(j);
	json_kbool(j, "verified", au->ok);
	json_kstr(j, "head", report_audit_head(r));
	json_kint(j, "events_verified", (long long)au->count);
	json_kstr(j, "last_hash", au->last_hash);
	json_key(j, "last_event");
	if (au->last_id > 0)
		json_int(j, (long long)au->last_id);
	else
		json_null(j);
	json_key(j, "broken_at");
	if (au->bad > 0)
		json_int(j, (long long)au->bad);
	else
		json_null(j);
	json_kstr(j, "message", au->message);
	json_key(j, "steps_not_in_log");
	json_arr_begin(j);
	while ((rs = report_walk(r, RL_UNBACKED, &at, &ri)) != NULL) {
		json_obj_begin(j);
		json_kstr(j, "procedure", ri->name);
		json_kint(j, "step", (long long)rs->n);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void
json_inventory(struct json *j, const struct report *r)
{
	const struct r_answer	*an;
	const struct r_host	*ho;
	size_t			 i, k;

	json_key(j, "answers");
	json_arr_begin(j);
	for (i = 0; i < r->nanswers; i++) {
		an = &r->answers[i];
		json_obj_begin(j);
		json_kstr(j, "name", an->name);
		json_kstr(j, "value", an->value);
		json_kstr(j, "source", an->source);
		json_kstr(j, "prompt", an->prompt);
		/* A variable per host: each host's own, by name. */
		if (an->role != NULL) {
			json_kstr(j, "per_host", an->role);
			json_key(j, "hosts");
			json_arr_begin(j);
			for (k = 0; k < an->nhv; k++) {
				json_obj_begin(j);
				json_kstr(j, "host", an->hv[k].host);
				json_kstr(j, "value", an->hv[k].value);
				json_kstr(j, "source", an->hv[k].source);
				json_obj_end(j);
			}
			json_arr_end(j);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "inventory");
	json_arr_begin(j);
	for (i = 0; i < r->nhosts; i++) {
		ho = &r->hosts[i];
		json_obj_begin(j);
		json_kstr(j, "role", ho->role);
		json_kstr(j, "host", ho->name);
		json_kstr(j, "address", ho->address);
		json_kstr(j, "user", ho->user);
		json_kstr(j, "profile", ho->profile);
		json_kstr(j, "site", ho->site);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "imports");
	json_arr_begin(j);
	for (i = 0; i < r->nimports; i++) {
		json_obj_begin(j);
		json_kstr(j, "site", r->imports[i].site);
		json_kstr(j, "jump_host", r->imports[i].jump);
		json_kint(j, "export", (long long)r->imports[i].export_id);
		json_kstr(j, "run_id", r->imports[i].run_id);
		json_ktime(j, "checked", r->imports[i].checked);
		json_ktime(j, "imported", r->imports[i].at);
		json_kstr(j, "operator", r->imports[i].operator);
		json_kint(j, "pass", (long long)r->imports[i].npass);
		json_kint(j, "fail", (long long)r->imports[i].nfail);
		json_kint(j, "error", (long long)r->imports[i].nerror);
		json_kstr(j, "results_sha256", r->imports[i].results_sha256);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
json_step(struct json *j, const struct r_inst *ri, const struct r_step *rs)
{
	const struct r_check	*c;
	size_t			 i;

	json_obj_begin(j);
	json_kint(j, "n", (long long)rs->n);
	json_kstr(j, "do", rs->text);
	json_kstr(j, "command", rs->command);
	json_kstr(j, "status", report_status_names[rs->status]);
	json_kstr(j, "when", rs->status == RS_NA ? rs->when : NULL);
	json_kstr(j, "by", rs->by);
	json_kstr(j, "via", rs->status != RS_DONE ? NULL : rs->by_checks ?
	    "checks" : "operator");
	json_ktime(j, "at", rs->at);
	json_kstr(j, "note", rs->note);
	json_kstr(j, "stale", rs->stale);
	json_kbool(j, "log_mismatch", rs->unbacked);
	json_key(j, "history");
	json_arr_begin(j);
	for (i = 0; i < rs->nhist; i++) {
		json_obj_begin(j);
		json_kint(j, "event", (long long)rs->hist[i].event);
		json_ktime(j, "at", rs->hist[i].at);
		json_kstr(j, "operator", rs->hist[i].operator);
		json_kstr(j, "detail", rs->hist[i].detail);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "checks");
	json_arr_begin(j);
	for (i = 0; i < ri->nchecks; i++) {
		c = &ri->checks[i];
		if (c->step != rs->n)
			continue;
		json_obj_begin(j);
		json_kint(j, "id", (long long)c->id);
		json_kstr(j, "kind", c->kind);
		json_kstr(j, "target", c->target);
		json_kstr(j, "result", c->result);
		json_kstr(j, "message", c->message);
		json_ktime(j, "at", c->at);
		json_kint(j, "duration_ms", (long long)c->duration_ms);
		json_kint(j, "output_len", (long long)c->output_len);
		json_kstr(j, "output_sha256", c->sha256);
		json_kstr(j, "excerpt", c->excerpt);
		json_kstr(j, "origin", c->origin);
		json_kstr(j, "origin_detail", c->origin_detail);
		json_kstr(j, "stale", c->stale);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void
json_procedures(struct json *j, const struct report *r)
{
	const struct r_inst	*ri;
	size_t			 i, k;

	json_key(j, "procedures");
	json_arr_begin(j);
	for (i = 0; i < r->ninsts; i++) {
		ri = &r->insts[i];
		json_obj_begin(j);
		json_kint(j, "n", (long long)ri->n);
		json_kstr(j, "name", ri->name);
		json_kstr(j, "id", ri->id);
		json_kstr(j, "title", ri->title);
		json_kstr(j, "host", ri->host);
		json_kstr(j, "role", ri->role);
		json_kstr(j, "status", ri->status);
		json_key(j, "applies");
		if (ri->applies == T_UNKNOWN)
			json_null(j);
		else
			json_bool(j, ri->applies == T_TRUE);
		json_kstr(j, "when", ri->when);
		json_strs(j, "blocked_by", ri->blocked_by, ri->nblocked);
		json_strs(j, "needs", ri->needs, ri->nneeds);
		json_ktime(j, "first_event", ri->first);
		json_ktime(j, "last_event", ri->last);
		json_key(j, "steps");
		json_arr_begin(j);
		for (k = 0; k < ri->nsteps; k++)
			json_step(j, ri, &ri->steps[k]);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void
report_json(FILE *fp, const struct report *r)
{
	const struct r_event	*e;
	struct json		 j;
	size_t			 i;

	json_init(&j, fp);
	json_obj_begin(&j);
	json_head(&j, r);
	json_inventory(&j, r);
	json_procedures(&j, r);
	json_key(&j, "outside_plan");
	json_arr_begin(&j);
	for (i = 0; i < r->norphans; i++) {
		json_obj_begin(&j);
		json_kstr(&j, "record", r->orphans[i].what);
		json_kstr(&j, "what", r->orphans[i].text);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "events");
	json_arr_begin(&j);
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		json_obj_begin(&j);
		json_kint(&j, "id", (long long)e->id);
		json_ktime(&j, "at", e->at);
		json_kstr(&j, "operator", e->operator);
		json_kstr(&j, "kind", e->kind);
		json_kstr(&j, "procedure", e->proc);
		json_kstr(&j, "host", e->host);
		json_key(&j, "step");
		if (e->step > 0)
			json_int(&j, (long long)e->step);
		else
			json_null(&j);
		json_kstr(&j, "detail", e->detail);
		json_kstr(&j, "hash", e->hash);
		json_kstr(&j, "chain", e->chain);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}
