/* cmd-status.c: fedwiz status: where a session stands and what is next. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "clean.h"
#include "cli.h"
#include "json.h"
#include "planview.h"
#include "session.h"
#include "store.h"
#include "template.h"
#include "util.h"

static int	cmd_status_exec(struct cli *, int, char **);

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.args = "",
	.summary = "progress per procedure, what is next, what blocks what",
	.opts = "session json",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_status_exec,
};

static const char *
clock_str(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* "2h 05m", "3d 4h", "12m" */
static const char *
span(long long secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = secs == LLONG_MIN ? LLONG_MAX : -secs;
	if (secs >= 86400)
		snprintf(buf, len, "%lldd %lldh", secs / 86400,
		    secs % 86400 / 3600);
	else if (secs >= 3600)
		snprintf(buf, len, "%lldh %02lldm", secs / 3600,
		    secs % 3600 / 60);
	else
		snprintf(buf, len, "%lldm", secs / 60);
	return buf;
}

/* What a suggested command needs to reach this session (session.h). */
static const char *
which(const struct session *s)
{
	static char	buf[48];

	return session_which(s, buf, sizeof(buf));
}

/* "ca_server, lync_fqdn on fe2" */
static void
print_missing(FILE *fp, const struct session *s)
{
	const struct plan_need	*nd;
	char			 name[160];
	size_t			 i;

	if (s->plan->nmissing == 0)
		return;
	fprintf(fp, "no answer yet for:");
	for (i = 0; i < s->plan->nmissing; i++)
		fprintf(fp, "%s %s", i ? "," : "", plan_need_name(
		    &s->plan->missing[i], name, sizeof(name)));
	nd = &s->plan->missing[0];
	fprintf(fp, "\n      (the steps that use them need them; e.g. 'fedwiz set "
	    "%s=VALUE%s%s%s')\n", nd->var->name, nd->host ? " --host " : "",
	    nd->host ? nd->host : "", which(s));
}

/* Whether row i is its step's latest evidence: only that one counts. */
static int
latest_of_step(const struct store_check *c, size_t n, size_t i)
{
	size_t	k;

	for (k = i + 1; k < n; k++)
		if (strcmp(c[k].proc, c[i].proc) == 0 &&
		    strcmp(c[k].host, c[i].host) == 0 && c[k].step == c[i].step)
			return 0;
	return 1;
}

/* Steps whose latest evidence an edit made stale: re-verify them. */
static size_t
stale_steps(const struct store_check *c, size_t n, size_t *out)
{
	size_t	i, m = 0;

	for (i = 0; i < n; i++)
		if (c[i].stale_event != 0 && latest_of_step(c, n, i))
			out[m++] = i;
	return m;
}

/* The latest evidence of each step that the operator gave by hand
 * (check --from): told apart from what fedwiz collected. */
static size_t
pasted_steps(const struct store_check *c, size_t n, size_t *out)
{
	size_t	i, m = 0;

	for (i = 0; i < n; i++)
		if (c[i].origin != NULL && strcmp(c[i].origin, "pasted") == 0 &&
		    latest_of_step(c, n, i))
			out[m++] = i;
	return m;
}

static void
print_consoles(FILE *fp, const struct store_console *v, size_t n)
{
	char	a[32];
	size_t	i;

	for (i = 0; i < n; i++)
		fprintf(fp, "%s %s %s on %s (pid %ld) since %s", i ? "," :
		    "open consoles:", v[i].what, v[i].operator, v[i].host,
		    v[i].pid, clock_str(v[i].since, a, sizeof(a)));
	if (n > 0)
		fprintf(fp, "\n");
}

/* Hosts of the session reached through site name. */
static size_t
site_hosts(const struct session *s, const char *name)
{
	size_t	i, k, n = 0;

	for (i = 0; i < s->ans->nroles; i++)
		for (k = 0; k < s->ans->roles[i].n; k++)
			if (s->ans->roles[i].hosts[k].site != NULL &&
			    strcmp(s->ans->roles[i].hosts[k].site, name) == 0)
				n++;
	return n;
}

/* Sites, and what came back from each through Ansible (the latest run
 * first said; the earlier ones counted). */
static void
print_sites(FILE *fp, const struct session *s, const struct store_import *im,
    size_t nim)
{
	const struct site	*x;
	const struct store_import *last;
	char			 a[32], b[32];
	size_t			 i, k, runs;

	if (s->ans->nsites == 0)
		return;
	fprintf(fp, "sites (checked from their jump hosts through Ansible: "
	    "'fedwiz export ansible', 'fedwiz import'):\n");
	for (i = 0; i < s->ans->nsites; i++) {
		x = &s->ans->sites[i];
		last = NULL;
		for (k = 0, runs = 0; k < nim; k++)
			if (strcmp(im[k].site, x->name) == 0) {
				last = &im[k];
				runs++;
			}
		fprintf(fp, "  %-12s %zu host%s via %s%s%s: ", x->name,
		    site_hosts(s, x->name), site_hosts(s, x->name) == 1 ? "" :
		    "s", x->user ? x->user : "", x->user ? "@" : "",
		    x->address);
		if (last == NULL) {
			fprintf(fp, "nothing imported yet\n");
			continue;
		}
		fprintf(fp, "%zu pass, %zu fail, %zu could not run (run %.8s "
		    "checked %s, imported %s by %s%s)\n", last->npass, last->nfail,
		    last->nerror, last->run_id, clock_str(last->checked, a,
		    sizeof(a)), clock_str(last->at, b, sizeof(b)),
		    last->operator, runs > 1 ? "; earlier runs too" : "");
	}
}

static void
status_text(FILE *fp, const struct session *s,
    const struct store_console *cons, size_t ncons,
    const struct store_check *ev, size_t nev, const struct store_import *im,
    size_t nim)
{
	const struct plan_inst	*in;
	const struct plan_need	*nd;
	struct progress		 pr;
	struct scope		 sc;
	char			 a[32], b[32], c[32], name[160], *x;
	char			*op, *host;
	time_t			 now = store_now();
	size_t			 step, nn, i, *st, nst;

	fprintf(fp, "%ssession %lld: %s (%s)\n", s->info.practice ?
	    "PRACTICE " : "", (long long)s->id, s->rb->id, s->rb->title);
	if (s->info.practice)
		fprintf(fp, "a practice session%s%s: its record is a practice "
		    "record, not a change record, and commands reach it only "
		    "with --session %lld\n", s->info.lab != NULL ? " on the "
		    "training lab in " : "", s->info.lab != NULL ? s->info.lab :
		    "", (long long)s->id);
	op = clean_line(s->info.operator);
	host = clean_line(s->info.host);
	fprintf(fp, "operator %s, started %s on %s (%s ago), last change %s\n",
	    op, clock_str(s->info.started, a, sizeof(a)), host,
	    span(sub_sat(now, s->info.started), b, sizeof(b)),
	    clock_str(s->info.updated, c, sizeof(c)));
	free(op);
	free(host);
	if (s->info.closed != 0)
		fprintf(fp, "CLOSED %s\n", clock_str(s->info.closed, a, sizeof(a)));
	else if (s->info.window_end > 0) {
		if (s->info.window_end > now)
			fprintf(fp, "maintenance window ends %s: %s left%s\n",
			    clock_str(s->info.window_end, a, sizeof(a)),
			    span(sub_sat(s->info.window_end, now), b, sizeof(b)),
			    sub_sat(s->info.window_end, now) <= 15 * 60 ?
			    " (15 minutes or less)" : "");
		else
			fprintf(fp, "maintenance window ENDED at %s, %s ago\n",
			    clock_str(s->info.window_end, a, sizeof(a)),
			    span(sub_sat(now, s->info.window_end), b, sizeof(b)));
	}
	session_progress(s, &pr);
	fprintf(fp, "progress: %zu of %zu steps done or skipped%s", pr.finished,
	    pr.steps, pr.failed ? ", " : "");
	if (pr.failed)
		fprintf(fp, "%zu failed", pr.failed);
	fprintf(fp, "; %zu of %zu procedures finished\n", pr.inst_done,
	    pr.instances);
	print_consoles(fp, cons, ncons);
	/* What its checks use unless the command line says otherwise. */
	if (s->info.known_hosts != NULL)
		fprintf(fp, "host keys: %s (from its answers file)\n",
		    s->info.known_hosts);
	if (s->info.dns_server != NULL)
		fprintf(fp, "DNS server: %s (from its answers file)\n",
		    s->info.dns_server);
	print_sites(fp, s, im, nim);
	if (s->tampered > 0)
		fprintf(fp, "RECORD DOES NOT MATCH ITS EVENT LOG: %zu step record%s "
		    "changed behind fedwiz's back; this status goes by the log, "
		    "and nothing more is recorded ('fedwiz audit verify' names "
		    "them)\n", s->tampered, s->tampered == 1 ? " was" :
		    "s were");
	print_missing(fp, s);
	st = xcalloc(nev + 1, sizeof(*st));
	nst = stale_steps(ev, nev, st);
	for (i = 0; i < nst; i++)
		fprintf(fp, "%s %s%s%s step %zu", i ? "," : "re-verify (an edit made "
		    "their evidence stale):", ev[st[i]].proc,
		    *ev[st[i]].host ? "@" : "", ev[st[i]].host, ev[st[i]].step);
	if (nst > 0)
		fprintf(fp, "\n      ('fedwiz check --session %lld --procedure ID' "
		    "runs them again)\n", (long long)s->id);
	nst = pasted_steps(ev, nev, st);
	for (i = 0; i < nst; i++)
		fprintf(fp, "%s %s%s%s step %zu (%s, pasted by %s)", i ?
		    "," : "evidence given by hand (pasted):", ev[st[i]].proc,
		    *ev[st[i]].host ? "@" : "", ev[st[i]].host, ev[st[i]].step,
		    ev[st[i]].result, ev[st[i]].origin_detail ?
		    ev[st[i]].origin_detail : "?");
	if (nst > 0)
		fprintf(fp, "\n");
	free(st);
	/* Done steps whose checks completed them (all passed), not the
	 * operator: the wizard and check --mark re-verify these. */
	for (i = 0, nst = 0; i < s->nsteps; i++) {
		if (s->steps[i].status != STEP_DONE ||
		    s->steps[i].via != STEP_VIA_CHECKS)
			continue;
		fprintf(fp, "%s %s%s%s step %zu", nst++ ? "," : "done by their "
		    "checks (all passed; every other done step was marked by "
		    "the operator):", s->steps[i].proc, *s->steps[i].host ?
		    "@" : "", s->steps[i].host, s->steps[i].step);
	}
	if (nst > 0)
		fprintf(fp, "\n");
	if (s->drifted) {
		x = session_drift_text(s);
		fprintf(fp, "runbook CHANGED since the session started (%s); "
		    "progress is kept for what remains; 'fedwiz step ... "
		    "--accept-drift%s' continues on the new runbook\n", x,
		    which(s));
		free(x);
	}
	if (session_next(s, &in, &step)) {
		plan_inst_scope(s->plan, in, &sc);
		x = tmpl_expand(in->proc->steps[step - 1].do_, scope_lookup,
		    &sc);
		fprintf(fp, "next: %s step %zu: %s\n", plan_inst_name(in, name,
		    sizeof(name)), step, x);
		if ((nd = plan_step_needs(in, step, &nn)) != NULL)
			fprintf(fp, "      (it needs an answer for %s: 'fedwiz set "
			    "%s=VALUE%s%s%s')\n", plan_need_name(nd, c,
			    sizeof(c)), nd->var->name, nd->host ? " --host " :
			    "", nd->host ? nd->host : "", which(s));
		if (in->steps[step - 1] == STEP_FAILED)
			fprintf(fp, "      (it failed: when the cause is fixed, "
			    "'fedwiz step %s %zu reopen%s' and do it again)\n",
			    name, step, which(s));
		free(x);
	} else if (pr.inst_done == pr.instances)
		fprintf(fp, "next: nothing; every procedure is finished\n");
	else
		fprintf(fp, "next: nothing is ready; see what blocks each "
		    "procedure below\n");
	fprintf(fp, "\n");
	planview_text(fp, s->plan, s, 0);
}

/* What the session was started with: values in the runbook's order,
 * hosts per role (profile: the one in effect). */
static void
status_json_answers(struct json *j, const struct session *s)
{
	const struct role_hosts	*rh;
	const struct host	*h;
	size_t			 i, k, m;

	json_key(j, "answers");
	json_obj_begin(j);
	for (i = 0; i < s->rb->nvars; i++)
		if (answers_get(s->ans, s->rb->vars[i].name) != NULL)
			json_kstr(j, s->rb->vars[i].name, answers_get(s->ans,
			    s->rb->vars[i].name));
	json_obj_end(j);
	json_key(j, "hosts");
	json_arr_begin(j);
	for (i = 0; i < s->rb->nroles; i++) {
		if ((rh = answers_hosts(s->ans, s->rb->roles[i].id)) == NULL)
			continue;
		for (k = 0; k < rh->n; k++) {
			h = &rh->hosts[k];
			json_obj_begin(j);
			json_kstr(j, "role", h->role);
			json_kstr(j, "name", h->name);
			json_kstr(j, "address", h->address);
			json_kstr(j, "user", h->user);
			json_kint(j, "port", h->port);
			json_kstr(j, "profile", h->profile ? h->profile->name :
			    NULL);
			json_kstr(j, "identity", h->identity);
			json_kstr(j, "site", h->site);
			/* Its own values (variables per host of its role). */
			json_key(j, "vars");
			json_obj_begin(j);
			for (m = 0; m < h->nvars; m++)
				json_kstr(j, h->var_names[m], h->var_values[m]);
			json_obj_end(j);
			json_obj_end(j);
		}
	}
	json_arr_end(j);
}

/* Sites and their imports, for status --json. */
static void
status_json_sites(struct json *j, const struct session *s,
    const struct store_import *im, size_t nim)
{
	const struct site	*x;
	size_t			 i, k;

	json_key(j, "sites");
	json_arr_begin(j);
	for (i = 0; i < s->ans->nsites; i++) {
		x = &s->ans->sites[i];
		json_obj_begin(j);
		json_kstr(j, "name", x->name);
		json_kstr(j, "address", x->address);
		json_kstr(j, "user", x->user);
		json_kint(j, "port", x->port);
		json_kint(j, "hosts", (long long)site_hosts(s, x->name));
		json_key(j, "imports");
		json_arr_begin(j);
		for (k = 0; k < nim; k++) {
			if (strcmp(im[k].site, x->name) != 0)
				continue;
			json_obj_begin(j);
			json_kstr(j, "run_id", im[k].run_id);
			json_kint(j, "export", (long long)im[k].export_id);
			json_kstr(j, "jump_host", im[k].jump);
			json_kint(j, "checked", (long long)im[k].checked);
			json_kint(j, "imported", (long long)im[k].at);
			json_kstr(j, "operator", im[k].operator);
			json_kint(j, "pass", (long long)im[k].npass);
			json_kint(j, "fail", (long long)im[k].nfail);
			json_kint(j, "error", (long long)im[k].nerror);
			json_kstr(j, "results_sha256", im[k].results_sha256);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
status_json(const struct session *s, const struct store_console *cons,
    size_t ncons, const struct store_check *ev, size_t nev,
    const struct store_import *im, size_t nim)
{
	const struct plan_inst	*in;
	struct progress		 pr;
	struct json		 j;
	size_t			 step, i, *st, nst;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "session");
	json_obj_begin(&j);
	json_kint(&j, "id", (long long)s->id);
	json_kbool(&j, "practice", s->info.practice);
	json_kstr(&j, "lab", s->info.lab);
	json_kstr(&j, "runbook", s->rb->id);
	json_kstr(&j, "runbook_sha256", s->info.runbook_hash);
	json_kstr(&j, "operator", s->info.operator);
	json_kstr(&j, "host", s->info.host);
	json_kint(&j, "started", (long long)s->info.started);
	json_kint(&j, "updated", (long long)s->info.updated);
	json_key(&j, "window_end");
	if (s->info.window_end > 0)
		json_int(&j, (long long)s->info.window_end);
	else
		json_null(&j);
	json_key(&j, "closed");
	if (s->info.closed > 0)
		json_int(&j, (long long)s->info.closed);
	else
		json_null(&j);
	json_kstr(&j, "known_hosts", s->info.known_hosts);
	json_kstr(&j, "dns_server", s->info.dns_server);
	json_obj_end(&j);
	session_progress(s, &pr);
	json_key(&j, "progress");
	json_obj_begin(&j);
	json_kint(&j, "steps", (long long)pr.steps);
	json_kint(&j, "finished", (long long)pr.finished);
	json_kint(&j, "failed", (long long)pr.failed);
	json_kint(&j, "procedures", (long long)pr.instances);
	json_kint(&j, "procedures_finished", (long long)pr.inst_done);
	json_obj_end(&j);
	json_key(&j, "next");
	if (session_next(s, &in, &step)) {
		json_obj_begin(&j);
		json_kstr(&j, "id", in->proc->id);
		json_kstr(&j, "host", in->host ? in->host->name : NULL);
		json_kint(&j, "step", (long long)step);
		json_obj_end(&j);
	} else
		json_null(&j);
	json_key(&j, "consoles");
	json_arr_begin(&j);
	for (i = 0; i < ncons; i++) {
		json_obj_begin(&j);
		json_kstr(&j, "what", cons[i].what);
		json_kstr(&j, "operator", cons[i].operator);
		json_kstr(&j, "host", cons[i].host);
		json_kint(&j, "pid", cons[i].pid);
		json_kint(&j, "since", (long long)cons[i].since);
		json_kint(&j, "seen", (long long)cons[i].seen);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_kint(&j, "tampered", (long long)s->tampered);
	json_key(&j, "missing");
	json_arr_begin(&j);
	for (i = 0; i < s->plan->nmissing; i++) {
		json_obj_begin(&j);
		json_kstr(&j, "var", s->plan->missing[i].var->name);
		json_kstr(&j, "host", s->plan->missing[i].host);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "reverify");
	json_arr_begin(&j);
	st = xcalloc(nev + 1, sizeof(*st));
	nst = stale_steps(ev, nev, st);
	for (i = 0; i < nst; i++) {
		json_obj_begin(&j);
		json_kstr(&j, "id", ev[st[i]].proc);
		json_kstr(&j, "host", *ev[st[i]].host ? ev[st[i]].host : NULL);
		json_kint(&j, "step", (long long)ev[st[i]].step);
		json_kstr(&j, "why", ev[st[i]].stale_why);
		json_kint(&j, "event", (long long)ev[st[i]].stale_event);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "pasted");
	json_arr_begin(&j);
	nst = pasted_steps(ev, nev, st);
	for (i = 0; i < nst; i++) {
		json_obj_begin(&j);
		json_kstr(&j, "id", ev[st[i]].proc);
		json_kstr(&j, "host", *ev[st[i]].host ? ev[st[i]].host : NULL);
		json_kint(&j, "step", (long long)ev[st[i]].step);
		json_kstr(&j, "result", ev[st[i]].result);
		json_kstr(&j, "by", ev[st[i]].origin_detail);
		json_obj_end(&j);
	}
	free(st);
	json_arr_end(&j);
	json_key(&j, "drift");
	if (s->drifted) {
		json_obj_begin(&j);
		json_key(&j, "added");
		json_arr_begin(&j);
		for (i = 0; i < s->drift.nadded; i++)
			json_str(&j, s->drift.added[i]);
		json_arr_end(&j);
		json_key(&j, "removed");
		json_arr_begin(&j);
		for (i = 0; i < s->drift.nremoved; i++)
			json_str(&j, s->drift.removed[i]);
		json_arr_end(&j);
		json_key(&j, "changed");
		json_arr_begin(&j);
		for (i = 0; i < s->drift.nchanged; i++)
			json_str(&j, s->drift.changed[i]);
		json_arr_end(&j);
		json_obj_end(&j);
	} else
		json_null(&j);
	status_json_answers(&j, s);
	status_json_sites(&j, s, im, nim);
	json_key(&j, "warnings");
	json_arr_begin(&j);
	for (i = 0; i < s->warnings.n; i++)
		json_str(&j, s->warnings.v[i].msg);
	json_arr_end(&j);
	planview_json_procedures(&j, s->plan, s);
	json_obj_end(&j);
	json_end(&j);
}

static int
cmd_status_exec(struct cli *cli, int argc, char **argv)
{
	struct store		*st = NULL;
	struct session		*s = NULL;
	struct store_console	*cons = NULL;
	struct store_check	*ev = NULL;
	struct store_import	*im = NULL;
	struct diags		 d;
	long long		 sid;
	char			*text = NULL, *out;
	size_t			 len = 0, ncons = 0, nev = 0, nim = 0;
	FILE			*fp;
	int			 rc;

	(void)argc;
	(void)argv;
	diags_init(&d);
	if ((sid = cli_session(cli, &d)) < 0)
		return cli_bad_input(&d);
	if ((rc = cli_store(cli, STORE_READONLY, &st, &d)) != STORE_OK)
		goto out;
	if ((rc = session_open(st, sid, catalog_dir(cli->runbooks), &s, &d)) !=
	    STORE_OK)
		goto out;
	if ((rc = store_consoles(st, s->id, &cons, &ncons, &d)) != STORE_OK ||
	    (rc = store_checks(st, s->id, &ev, &nev, &d)) != STORE_OK ||
	    (rc = store_imports(st, s->id, &im, &nim, &d)) != STORE_OK)
		goto out;
	if (cli->json)
		status_json(s, cons, ncons, ev, nev, im, nim);
	else {
		if (s->warnings.n > 0)
			diags_print(&s->warnings, stderr);
		/* Rendered whole, then cleaned once: runbook text, answers
		 * and a database's fields all pass through the cleaner
		 * before the terminal sees them. */
		if ((fp = open_memstream(&text, &len)) == NULL)
			fatal("cannot render the status: %s", strerror(errno));
		status_text(fp, s, cons, ncons, ev, nev, im, nim);
		if (fclose(fp) != 0)
			fatal("cannot render the status: %s", strerror(errno));
		out = clean_text(text, 0);
		fputs(out, stdout);
		free(out);
		free(text);
	}
	/* A record that is not its log's replay is a failed check: said,
	 * shown as the log has it, and the exit says so too. */
	if (s->tampered > 0)
		rc = STORE_ETAMPER;
out:
	store_consoles_free(cons, ncons);
	store_checks_free(ev, nev);
	store_imports_free(im, nim);
	cli_say(&d);
	session_free(s);
	store_close(st);
	return cli_exit(rc);
}
