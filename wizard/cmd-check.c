/*
 * cmd-check.c: fedwiz check RUNBOOK: run the runbook's checks on the
 * inventory's hosts, all at once, and say per host what passed, what
 * failed and why. With --session, on that session's answers and hosts,
 * and the evidence goes into its record. With --manifest (on a site's
 * jump host, run by the playbook fedwiz export ansible wrote), only on
 * the exported runbook and answers, and the JSON results are bound to the
 * export and signed for fedwiz import (handoff.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "catalog.h"
#include "check.h"
#include "clean.h"
#include "cli.h"
#include "evloop.h"
#include "fileio.h"
#include "handoff.h"
#include "json.h"
#include "plan.h"
#include "runbook.h"
#include "session.h"
#include "ssh.h"
#include "store.h"
#include "util.h"
#include "wiz.h"

static int	cmd_check_exec(struct cli *, int, char **);

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.args = "RUNBOOK",
	.summary = "run the runbook's checks on every host, all at once",
	.opts = "answers set session operator procedure host kind json mark "
	    "manifest output identity password-file enable-secret-file "
	    "timeout server known-hosts host-keys from step index",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_check_exec,
};

struct tally {
	size_t	pass, fail, error, input, not_run;
};

static void
count(const struct check_outcome *v, size_t n, struct tally *t)
{
	size_t	i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++)
		switch (v[i].verdict) {
		case CV_PASS:
			t->pass++;
			break;
		case CV_FAIL:
			t->fail++;
			break;
		case CV_ERROR:
			if (v[i].input)
				t->input++;
			else
				t->error++;
			break;
		case CV_NOT_RUN:
			t->not_run++;
			break;
		}
}

/* A known failure is the stronger finding: it says what to fix. Bad
 * input first: nothing it touched was checked. */
static int
exit_code(const struct tally *t)
{
	if (t->input > 0)
		return EXIT_USAGE;
	if (t->fail > 0)
		return EXIT_CHECK;
	if (t->error > 0)
		return EXIT_ENV;
	return EXIT_OK;
}

static const char *
where(const struct check_outcome *o)
{
	if (o->host != NULL)
		return o->host->name;
	/* tls, tcp, dns and x509 checks run from this machine. */
	return o->check->kind == CK_SSH || o->check->kind == CK_MANUAL ? "-" :
	    "here";
}

static void
print_text(FILE *fp, const struct runbook *rb, const struct check_outcome *v,
    size_t n, const struct tally *t, int verbose_na)
{
	const struct check_outcome	*o;
	char				*msg, *ex, took[32];
	const char			*p, *nl;
	size_t				 i;

	for (i = 0; i < n; i++) {
		o = &v[i];
		if (o->verdict == CV_NOT_RUN && !verbose_na)
			continue;
		fprintf(fp, "%-5s %s%s%s step %zu on %s: %s", o->verdict ==
		    CV_PASS ? "PASS" : o->verdict == CV_FAIL ? "FAIL" :
		    o->verdict == CV_ERROR ? "ERROR" : "--", o->inst->proc->id,
		    o->inst->host ? "@" : "", o->inst->host ?
		    o->inst->host->name : "", o->step, where(o), o->kind);
		if (o->verdict != CV_NOT_RUN && o->target != NULL) {
			/* after "host: " */
			ex = strchr(o->target, ':');
			fprintf(fp, " %s", ex != NULL ? ex + 2 : o->target);
		}
		if (o->verdict == CV_PASS || o->verdict == CV_FAIL)
			fprintf(fp, " (%s)", fmt_duration(o->ms, FMT_TOOK, took,
			    sizeof(took)));
		fputc('\n', fp);
		if (o->message != NULL && *o->message != '\0') {
			msg = clean_str(o->message, strlen(o->message));
			for (p = msg; *p != '\0'; p = nl + (*nl != '\0')) {
				nl = p + strcspn(p, "\n");
				fprintf(fp, "      %.*s\n", (int)(nl - p), p);
			}
			free(msg);
		}
	}
	fprintf(fp, "%s: %zu pass, %zu fail, %zu could not run%s", rb->id,
	    t->pass, t->fail, t->error + t->input, t->not_run ? ", " : "\n");
	if (t->not_run)
		fprintf(fp, "%zu not run here (manual, not applicable, or a "
		    "kind this release does not run)\n", t->not_run);
}

/* What the JSON results say about where they come from. */
struct provenance {
	const struct handoff_manifest	*man;		/* NULL: no export */
	char				 answers_sha256[65];
	char				 run_id[HANDOFF_NONCE_HEX];
	time_t				 at;
};

static const char *
site_of(const struct check_outcome *o, const struct provenance *pv)
{
	if (pv->man != NULL)
		return pv->man->site;
	return o->host != NULL ? o->host->site : NULL;
}

/*
 * The JSON results. Fields are only ever added (scripts read them): since
 * the Ansible hand-off, the answers' digest, the fedwiz version, a run id,
 * the time, the export the run is bound to and its signature (null when
 * there is none), and each check's site.
 */
static void
print_json(FILE *fp, const struct runbook *rb, int64_t session,
    const struct check_outcome *v, size_t n, const struct tally *t,
    const struct provenance *pv, const struct buf *marked)
{
	const struct check_outcome	*o;
	struct json			 j;
	const char			*p, *nl;
	char				*s, *line, when[32];
	size_t				 i;

	json_init(&j, fp);
	json_obj_begin(&j);
	json_kstr(&j, "runbook", rb->id);
	json_kstr(&j, "runbook_sha256", rb->hash);
	json_key(&j, "session");
	if (session > 0)
		json_int(&j, (long long)session);
	else
		json_null(&j);
	json_kstr(&j, "answers_sha256", pv->answers_sha256);
	json_kstr(&j, "fedwiz_version", PACKAGE_VERSION);
	json_kstr(&j, "run_id", pv->run_id);
	json_kstr(&j, "checked_at", fmt_iso_time(pv->at, when, sizeof(when)));
	json_key(&j, "export");
	if (pv->man != NULL) {
		json_obj_begin(&j);
		json_kint(&j, "format", pv->man->format);
		json_kint(&j, "id", (long long)pv->man->export_id);
		json_key(&j, "session");
		if (pv->man->session > 0)
			json_int(&j, (long long)pv->man->session);
		else
			json_null(&j);
		json_kstr(&j, "site", pv->man->site);
		json_kstr(&j, "jump_host", pv->man->jump);
		json_kstr(&j, "nonce", pv->man->nonce);
		json_obj_end(&j);
	} else
		json_null(&j);
	json_key(&j, "checks");
	json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		o = &v[i];
		json_obj_begin(&j);
		json_kstr(&j, "procedure", o->inst->proc->id);
		json_kstr(&j, "host", o->inst->host ? o->inst->host->name :
		    NULL);
		json_kint(&j, "step", (long long)o->step);
		json_kstr(&j, "kind", o->kind);
		json_kstr(&j, "on", o->host ? o->host->name : NULL);
		json_kstr(&j, "site", site_of(o, pv));
		json_kstr(&j, "target", o->target);
		json_kstr(&j, "origin", o->pasted ? "pasted" : "collected");
		json_kstr(&j, "origin_detail", o->origin_detail);
		json_kstr(&j, "verdict", check_verdict_name(o->verdict));
		if (o->verdict == CV_ERROR)
			json_kstr(&j, "error", o->input ? "input" :
			    ssh_status_name(o->ssh));
		s = o->message ? clean_str(o->message, strlen(o->message)) :
		    NULL;
		json_kstr(&j, "message", s);
		free(s);
		json_kstr(&j, "excerpt", o->excerpt);
		if (o->verdict == CV_PASS || o->verdict == CV_FAIL) {
			json_kstr(&j, "sha256", o->sha256);
			json_kint(&j, "bytes", (long long)o->output_len);
			json_kint(&j, "ms", (long long)o->ms);
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);
	/* --mark: what was recorded, one sentence per step. */
	if (marked != NULL) {
		json_key(&j, "marked");
		json_arr_begin(&j);
		for (p = marked->s; p != NULL && *p != '\0'; p = *nl ? nl + 1 :
		    nl) {
			nl = p + strcspn(p, "\n");
			line = xstrndup(p, (size_t)(nl - p));
			json_str(&j, line);
			free(line);
		}
		json_arr_end(&j);
	}
	json_key(&j, "summary");
	json_obj_begin(&j);
	json_kint(&j, "pass", (long long)t->pass);
	json_kint(&j, "fail", (long long)t->fail);
	json_kint(&j, "error", (long long)(t->error + t->input));
	json_kint(&j, "not_run", (long long)t->not_run);
	json_obj_end(&j);
	/* Last, so that signing finds one hole to fill (handoff.h). */
	json_kstr(&j, "signature", pv->man != NULL ? HANDOFF_SIG_HOLE : NULL);
	json_obj_end(&j);
	json_end(&j);
}

/* The plan to check: the session's, or the runbook with --answers/--set. */
static int
load(struct cli *cli, const char *name, struct store **st, struct session **s,
    struct runbook **rb, struct answers **ans, struct plan **pl,
    struct diags *d)
{
	size_t		i;
	int		rc;

	if (cli->session != NULL) {
		if ((rc = cli_session_of(cli, name, "check without --session",
		    st, s, d)) != STORE_OK)
			return rc;
		if ((*s)->warnings.n > 0)
			diags_print(&(*s)->warnings, stderr);
		*pl = (*s)->plan;
		return STORE_OK;
	}
	*ans = answers_new();
	if (catalog_open(catalog_dir(cli->runbooks), name, rb, d) == -1)
		return STORE_EINPUT;
	if (cli->answers != NULL && answers_load(*ans, *rb, cli->answers,
	    d) == -1)
		return STORE_EINPUT;
	for (i = 0; i < cli->nsets; i++)
		answers_set(*ans, *rb, cli->sets[i], d);
	if (d->n > 0)
		return STORE_EINPUT;
	if (plan_build(*rb, *ans, NULL, NULL, pl, d) == -1)
		return STORE_EINPUT;
	return STORE_OK;
}

/* --procedure and --host name something that is there. */
static int
check_filters(const struct cli *cli, const struct plan *pl, struct diags *d)
{
	const struct runbook	*rb = pl->rb;
	const struct role_hosts	*rh;
	size_t			 i, k;
	int			 found = 0;

	if (cli->kind != NULL && cli_kinds(cli->kind, d) == 0)
		return -1;

	if (cli->procedure != NULL) {
		/* With --from, P@HOST names the instance whose step it is. */
		k = cli->from != NULL ? strcspn(cli->procedure, "@") :
		    strlen(cli->procedure);
		for (i = 0; i < rb->nprocs; i++)
			if (strlen(rb->procs[i].id) == k &&
			    strncmp(rb->procs[i].id, cli->procedure, k) == 0)
				found = 1;
		if (!found) {
			diags_add(d, "--procedure", 0, 0, "%s has no procedure "
			    "'%s' ('fedwiz plan %s' lists them)", rb->id,
			    cli->procedure, rb->id);
			return -1;
		}
	}
	if (cli->host != NULL) {
		found = 0;
		for (i = 0; i < rb->nroles && !found; i++)
			if ((rh = answers_hosts(pl->ans, rb->roles[i].id)) !=
			    NULL)
				for (k = 0; k < rh->n; k++)
					if (strcmp(rh->hosts[k].name,
					    cli->host) == 0)
						found = 1;
		if (!found) {
			diags_add(d, "--host", 0, 0, "no host '%s' in the "
			    "inventory (the answers file's hosts:)", cli->host);
			return -1;
		}
	}
	return 0;
}

/*
 * --mark: the wizard's completion policy (wiz.h) on the run: each step
 * whose checks all ran and passed, with nothing left to the operator, is
 * done by its checks. What the session refused is said with the flag of
 * `fedwiz step` that decides it.
 */
static int
mark(struct session *s, const struct check_run *run, const char *op,
    struct buf *said, struct diags *d)
{
	struct wiz_step_verdict	*v = NULL;
	enum wiz_need		 need = WIZ_NEED_NOTHING;
	size_t			 n;
	int			 rc;
	char			 sw[48];

	n = wiz_run_verdicts(run, &v);
	rc = wiz_mark_passed(s, v, n, op, said, &need, d);
	free(v);
	if (rc == -1)
		return -1;
	if (need == WIZ_NEED_DRIFT)
		diags_add(d, "--mark", 0, 0, "the runbook changed since the "
		    "session began: review it with 'fedwiz status%s', accept "
		    "it with 'fedwiz step ... --accept-drift', then mark again",
		    session_which(s, sw, sizeof(sw)));
	else if (need == WIZ_NEED_OVERRIDE)
		diags_add(d, "--mark", 0, 0, "a step of a blocked procedure is "
		    "not marked by its checks; 'fedwiz step PROC@HOST N done "
		    "--force' records it anyway");
	return rc;
}

/* As much output as the engine keeps of a command. */
#define PASTED_MAX	(16 * 1024 * 1024)

/* The output the operator gives: a file, or "-" for standard input. */
static int
read_pasted(const char *path, char **out, size_t *len, struct diags *d)
{
	struct buf	b;
	char		chunk[8192];
	ssize_t		n;
	int		rc;

	if (strcmp(path, "-") != 0) {
		if ((rc = read_file(path, PASTED_MAX, out, len)) != 0) {
			diags_add(d, "--from", 0, 0, "cannot read %s: %s%s",
			    path, strerror(-rc), rc == -EFBIG ? " (more than "
			    "the 16 MiB a check keeps)" : "");
			return -1;
		}
		return 0;
	}
	buf_init(&b);
	for (;;) {
		n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			diags_add(d, "--from", 0, 0, "cannot read standard "
			    "input: %s", strerror(errno));
			buf_free(&b);
			return -1;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > PASTED_MAX) {
			diags_add(d, "--from", 0, 0, "standard input holds "
			    "more than the 16 MiB a check keeps");
			buf_free(&b);
			return -1;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	*len = b.len;
	*out = b.s != NULL ? buf_steal(&b) : xstrdup("");
	return 0;
}

/*
 * --from FILE: the output of the ssh check of --procedure P[@INSTANCE]
 * step --step N that runs on --host H, which the operator ran there
 * (no SSH to that host, a double hop the key logon cannot make), judged
 * by the same expectations and recorded as pasted.
 */
static int
queue_pasted(struct cli *cli, struct check_run *run, const struct plan *pl,
    const char *op, struct diags *d)
{
	const struct plan_inst	 *in = NULL, *x;
	const struct rb_check	**v = NULL;
	const struct host	 *h;
	char			 *proc, *inst, *out = NULL, *e;
	size_t			  i, nv = 0, len = 0, ncand = 0;
	long			  step, idx = 0;
	int			  rc = -1;

	if (cli->procedure == NULL || cli->host == NULL || cli->step == NULL) {
		diags_add(d, "--from", 0, 0, "--from needs --procedure ID, "
		    "--host NAME (where you ran the command) and --step N");
		return -1;
	}
	proc = xstrdup(cli->procedure);
	if ((inst = strchr(proc, '@')) != NULL)
		*inst++ = '\0';
	if ((h = answers_host(pl->ans, cli->host)) == NULL) {
		diags_add(d, "--host", 0, 0, "no host '%s' in the inventory",
		    cli->host);
		goto out;
	}
	errno = 0;
	step = strtol(cli->step, &e, 10);
	if (errno != 0 || *e != '\0' || step < 1) {
		diags_add(d, "--step", 0, 0, "\"%s\" is not a step number "
		    "(1, 2, ...)", cli->step);
		goto out;
	}
	if (cli->index != NULL) {
		idx = strtol(cli->index, &e, 10);
		if (*e != '\0' || idx < 1) {
			diags_add(d, "--index", 0, 0, "\"%s\" is not a number "
			    "(1, 2, ...)", cli->index);
			goto out;
		}
	}
	/* The instance: the one named, else this host's, else the one. */
	for (i = 0; i < pl->n; i++) {
		x = &pl->inst[i];
		if (strcmp(x->proc->id, proc) != 0)
			continue;
		if (inst != NULL ? x->host != NULL &&
		    strcmp(x->host->name, inst) == 0 : x->host == NULL ||
		    x->host == h) {
			in = x;
			ncand++;
		}
	}
	if (ncand != 1) {
		for (i = 0; i < pl->rb->nprocs; i++)
			if (strcmp(pl->rb->procs[i].id, proc) == 0)
				break;
		if (i == pl->rb->nprocs)
			diags_add(d, "--procedure", 0, 0, "%s has no procedure "
			    "'%s'", pl->rb->id, proc);
		else if (inst != NULL || ncand == 0)
			diags_add(d, "--procedure", 0, 0, "%s has no instance "
			    "%s%s%s for host %s: give the instance whose step it "
			    "is as --procedure %s@HOST ('fedwiz plan' lists "
			    "them)", proc, proc, inst ? "@" : "", inst ? inst :
			    "", cli->host, proc);
		else
			diags_add(d, "--procedure", 0, 0, "%s is done once per "
			    "host: say whose step it is, --procedure %s@HOST",
			    proc, proc);
		goto out;
	}
	if ((size_t)step > in->proc->nsteps) {
		diags_add(d, "--step", 0, 0, "%s has %zu steps, not %ld",
		    proc, in->proc->nsteps, step);
		goto out;
	}
	v = check_ssh_on(run, in, (size_t)step, h, &nv);
	if (nv == 0) {
		diags_add(d, "--from", 0, 0, "step %ld of %s has no ssh check "
		    "that runs on %s (one that applies): nothing to judge the "
		    "output by", step, cli->procedure, cli->host);
		goto out;
	}
	if (idx > 0 && (size_t)idx > nv) {
		diags_add(d, "--index", 0, 0, "step %ld of %s has %zu ssh "
		    "check%s on %s, not %ld", step, cli->procedure, nv, nv == 1 ?
		    "" : "s", cli->host, idx);
		goto out;
	}
	/* One output answers every check that runs the same command. */
	if (idx == 0)
		for (i = 1; i < nv; i++)
			if (strcmp(v[i]->command, v[0]->command) != 0) {
				diags_add(d, "--index", 0, 0, "step %ld of %s "
				    "runs %zu different commands on %s: say "
				    "which one you ran with --index N "
				    "('fedwiz plan %s --steps' shows them in "
				    "order)", step, cli->procedure, nv,
				    cli->host, pl->rb->id);
				goto out;
			}
	if (read_pasted(cli->from, &out, &len, d) == -1)
		goto out;
	rc = 0;
	for (i = 0; i < nv; i++)
		if ((idx == 0 || (size_t)idx == i + 1) &&
		    check_run_pasted(run, in, (size_t)step, v[i], h, out, len,
		    op, d) == -1)
			rc = -1;
out:
	free(out);
	free(v);
	free(proc);
	return rc;
}

/*
 * --manifest: this is a site's share of an export, one file: the runbook
 * and the site's answers come from it, and must be what it names (their
 * SHA-256 and digest), so that the results say what the session expects.
 * No --answers, --set or --session (the jump host has no store).
 */
static int
bind_manifest(const struct cli *cli, const char *name,
    struct handoff_manifest *man, struct diags *d)
{
	if (!cli->json) {
		diags_add(d, "--manifest", 0, 0, "the results bound to an "
		    "export are JSON: add --json");
		return -1;
	}
	if (cli->session != NULL || cli->nsets > 0 || cli->answers != NULL) {
		diags_add(d, "--manifest", 0, 0, "a site's checks run on the "
		    "runbook and answers in its manifest: no --answers, --set "
		    "or --session");
		return -1;
	}
	if (handoff_manifest_load(cli->manifest, man, d) == -1)
		return -1;
	if (strcmp(name, man->runbook) != 0) {
		diags_add(d, cli->manifest, 0, 0, "the export is of runbook "
		    "%s, not %s", man->runbook, name);
		return -1;
	}
	return 0;
}

/* The runbook and answers in the manifest, each what it says it is. */
static int
load_manifest(const struct cli *cli, const struct handoff_manifest *man,
    struct runbook **rb, struct answers **ans, struct plan **pl,
    struct diags *d)
{
	char	 digest[65], *where;
	int	 rc;

	where = xasprintf("%s (runbook_text)", cli->manifest);
	rc = runbook_parse(where, man->runbook_text, man->runbook_len, rb, d);
	free(where);
	if (rc == -1)
		return -1;
	if (strcmp((*rb)->hash, man->runbook_sha256) != 0 ||
	    strcmp((*rb)->id, man->runbook) != 0) {
		diags_add(d, cli->manifest, 0, 0, "the export was of runbook "
		    "%s (sha256 %.12s...), and the manifest holds %s (sha256 "
		    "%.12s...): it was edited; export again", man->runbook,
		    man->runbook_sha256, (*rb)->id, (*rb)->hash);
		return -1;
	}
	*ans = answers_new();
	where = xasprintf("%s (answers)", cli->manifest);
	rc = answers_parse(*ans, *rb, where, man->answers,
	    strlen(man->answers), d);
	free(where);
	if (rc == -1)
		return -1;
	handoff_answers_digest(*rb, *ans, NULL, digest);
	if (strcmp(digest, man->answers_sha256) != 0) {
		diags_add(d, cli->manifest, 0, 0, "its answers are not the "
		    "ones exported for site %s (their digest is %.12s..., the "
		    "export's %.12s...): it was edited; export again",
		    man->site, digest, man->answers_sha256);
		return -1;
	}
	return plan_build(*rb, *ans, NULL, NULL, pl, d);
}

/* The results, to standard output or -o (replaced atomically, 0600);
 * bound to an export, signed first. */
static int
emit(const struct cli *cli, const struct plan *pl, int64_t session,
    const struct check_outcome *v, size_t n, const struct tally *t,
    const struct provenance *pv, const struct buf *marked, struct diags *d)
{
	FILE	*fp;
	char	*doc = NULL;
	size_t	 len = 0;
	int	 rc = 0;

	if ((fp = open_memstream(&doc, &len)) == NULL)
		fatal("out of memory");
	if (cli->json)
		print_json(fp, pl->rb, session, v, n, t, pv, marked);
	else {
		print_text(fp, pl->rb, v, n, t, cli->procedure != NULL);
		if (marked != NULL)
			fprintf(fp, "%s\n", marked->len > 0 ? marked->s : "no "
			    "step has every check run and passed: none marked");
	}
	if (fclose(fp) != 0)
		fatal("out of memory");
	if (pv->man != NULL && handoff_sign(doc, len, pv->man->key, d) == -1)
		rc = -1;
	else if (cli->output != NULL)
		rc = file_write_atomic(cli->output, doc, len, d) == 0 ? 0 : -1;
	else
		/* A short write: main says so when it flushes stdout. */
		(void)fwrite(doc, 1, len, stdout);
	free(doc);
	return rc;
}

static int
cmd_check_exec(struct cli *cli, int argc, char **argv)
{
	struct store			*st = NULL;
	struct session			*s = NULL;
	struct runbook			*rb = NULL;
	struct answers			*ans = NULL;
	struct plan			*pl = NULL;
	struct evloop			*ev = NULL;
	struct ssh_engine		*eng = NULL;
	struct check_run		*run = NULL;
	struct cli_ssh			*cs = NULL;
	struct handoff_manifest		 man;
	struct provenance		 pv;
	struct ssh_opts			 o;
	struct tally			 t;
	struct diags			 d;
	const struct check_outcome	*v;
	const struct plan_inst		*in;
	const char			*op;
	struct buf			 marked;
	size_t				 i, k, n;
	int64_t				 ms;
	int				 rc, code = EXIT_USAGE;

	(void)argc;
	diags_init(&d);
	memset(&man, 0, sizeof(man));
	memset(&pv, 0, sizeof(pv));
	if ((op = cli_operator(cli, &d)) == NULL)
		goto out;
	if (cli->manifest != NULL) {
		if (bind_manifest(cli, argv[0], &man, &d) == -1 ||
		    load_manifest(cli, &man, &rb, &ans, &pl, &d) == -1)
			goto out;
		pv.man = &man;
	} else if ((rc = load(cli, argv[0], &st, &s, &rb, &ans, &pl, &d)) !=
	    STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	handoff_answers_digest(pl->rb, pl->ans, NULL, pv.answers_sha256);
	if (check_filters(cli, pl, &d) == -1)
		goto out;
	/* The wizard's rule: every check of the step ran and passed. A
	 * part of them (--kind, --host) cannot say that. */
	if (cli->mark && (s == NULL || cli->kind != NULL || cli->host != NULL)) {
		diags_add(&d, "--mark", 0, 0, "%s", s == NULL ? "marks steps of "
		    "a session: give --session ID" : "a step is done when all "
		    "its checks pass, so --mark runs them all: leave out --kind "
		    "and --host");
		goto out;
	}
	/* The estate's own known_hosts and DNS server, when the answers
	 * file names them (the training lab's do): the options win. */
	if (cli->known_hosts == NULL && pl->ans != NULL &&
	    pl->ans->known_hosts != NULL)
		cli->known_hosts = pl->ans->known_hosts;
	if (pl->ans != NULL && pl->ans->dns_server != NULL &&
	    cli->server == NULL)
		cli->server = pl->ans->dns_server;
	if ((cli->step != NULL || cli->index != NULL) && cli->from == NULL) {
		diags_add(&d, cli->step ? "--step" : "--index", 0, 0, "only "
		    "with --from FILE (the output you collected yourself)");
		goto out;
	}
	if (cli->from != NULL && cli->manifest != NULL) {
		diags_add(&d, "--from", 0, 0, "pasted output is recorded in "
		    "a session, not in an export's results: no --manifest");
		goto out;
	}
	if (handoff_random_hex(pv.run_id, 16, &d) == -1) {
		code = EXIT_ENV;
		goto out;
	}
	if ((cs = cli_ssh_new(cli, &o, &d)) == NULL)
		goto out;
	ev = evloop_new();
	eng = ssh_engine_new(ev, &o);
	run = check_run_new(ev, eng, pl);
	check_run_only(run, cli->host);
	if (pv.man != NULL)
		check_run_site(run, pv.man->site);
	if (cli->kind != NULL)
		check_run_kinds(run, cli_kinds(cli->kind, &d));
	check_run_identity(run, cli->identity);
	check_run_dns_server(run, cli->server);
	if (cli->timeout != NULL && cli_timeout(cli, 0, &ms, &d) == 0)
		check_run_timeout(run, ms);
	/* Output the operator collected: judged here, nothing is sent. */
	if (cli->from != NULL) {
		if (queue_pasted(cli, run, pl, op, &d) == -1) {
			(void)check_run_outcomes(run, &n);
			if (n == 0)
				goto out;	/* said in d: exit 2 */
		}
		diags_free(&d);
		diags_init(&d);
		goto judged;
	}
	/* Queue everything, then wait once: every host at the same time. */
	for (i = 0; i < pl->n; i++) {
		in = &pl->inst[i];
		if (cli->procedure != NULL &&
		    strcmp(in->proc->id, cli->procedure) != 0)
			continue;
		for (k = 1; k <= in->proc->nsteps; k++)
			(void)check_run_step(run, in, k, &d);
	}
	/* Inputs that could not make a command were said in the outcomes. */
	diags_free(&d);
	diags_init(&d);
	check_run_wait(run);
judged:
	pv.at = store_now();
	v = check_run_outcomes(run, &n);
	count(v, n, &t);
	if (s != NULL && (rc = check_run_record(run, s, op, &d)) !=
	    STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	buf_init(&marked);
	if (cli->mark && mark(s, run, op, &marked, &d) == -1) {
		buf_free(&marked);
		code = EXIT_ENV;
		goto out;
	}
	rc = emit(cli, pl, s ? s->id : 0, v, n, &t, &pv, cli->mark ? &marked :
	    NULL, &d);
	buf_free(&marked);
	if (rc == -1) {
		code = EXIT_ENV;
		goto out;
	}
	code = exit_code(&t);
out:
	if (d.n > 0)
		cli_say(&d);
	diags_free(&d);
	handoff_manifest_clear(&man);
	check_run_free(run);
	ssh_engine_free(eng);
	evloop_free(ev);
	cli_ssh_free(cs);
	if (s == NULL)
		plan_free(pl);
	session_free(s);
	store_close(st);
	answers_free(ans);
	runbook_free(rb);
	return code;
}
