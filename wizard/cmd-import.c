/*
 * cmd-import.c: fedwiz import RESULTS... [--session N]: take the results
 * an exported playbook fetched back (fedwiz export ansible) into the
 * session as evidence, each row marked with the site and jump host it
 * came through. Every file is checked before anything is written: signed
 * by its export's key (so not edited since the jump host's fedwiz wrote
 * it), of an export of this session (or of answers now the session's),
 * of the runbook version the session runs, of the session's answers for
 * that site as they are now, and not imported before. Then all of them
 * go in one transaction, or none.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answers.h"
#include "catalog.h"
#include "clean.h"
#include "cli.h"
#include "handoff.h"
#include "runbook.h"
#include "session.h"
#include "store.h"
#include "util.h"
#include "ydoc.h"

static int	cmd_import_exec(struct cli *, int, char **);

const struct cmd_entry cmd_import_entry = {
	.name = "import",
	.args = "RESULTS...",
	.summary = "record the results an exported Ansible playbook fetched "
	    "back as the session's evidence, per site",
	.opts = "session operator",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_import_exec,
};

/* One results file, read and judged. */
struct results {
	const char		*path;
	char			*src;
	size_t			 len;
	char			 sha256[65];
	struct ydoc		*doc;
	struct store_export	 rec;
	struct store_import	 imp;
	struct store_check	*v;
	size_t			 n;
	char			*detail;	/* origin_detail of its rows */
};

/* A located complaint about one member (NULL: the file). */
static int
bad(struct results *r, const struct ynode *n, struct diags *d,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
bad(struct results *r, const struct ynode *n, struct diags *d,
    const char *fmt, ...)
{
	va_list	ap;

	/* No node: about the file as a whole (unreadable, empty). */
	va_start(ap, fmt);
	diags_vadd(d, r->path, n != NULL ? n->line : 0, n != NULL ? n->col : 0,
	    fmt, ap);
	va_end(ap);
	return -1;
}

/* A string member (a quoted JSON string); NULL and a diag otherwise,
 * unless null_ok and it is null. */
static const char *
str_of(struct results *r, const struct ynode *map, const char *key,
    int null_ok, struct diags *d)
{
	const struct ynode	*v = ymap_get(map, key);

	if (v == NULL) {
		bad(r, map, d, "no \"%s\": not the results of fedwiz check "
		    "--json --manifest", key);
		return NULL;
	}
	if (null_ok && ynode_is_null(v) && v->style == Y_PLAIN)
		return NULL;
	if (v->kind != Y_SCALAR || v->style != Y_QUOTED) {
		bad(r, v, d, "\"%s\" must be a string", key);
		return NULL;
	}
	return v->str;
}

static int
int_of(struct results *r, const struct ynode *map, const char *key,
    long long *out, struct diags *d)
{
	const struct ynode	*v = ymap_get(map, key);
	char			*end;

	if (v == NULL)
		return bad(r, map, d, "no \"%s\": not the results of fedwiz "
		    "check --json --manifest", key);
	errno = 0;
	if (v->kind != Y_SCALAR || v->style != Y_PLAIN || *v->str == '\0' ||
	    (*out = strtoll(v->str, &end, 10), *end != '\0') || errno != 0 ||
	    *out < 0)
		return bad(r, v, d, "\"%s\" must be a number", key);
	return 0;
}

/* 2026-12-07T19:00:00Z */
static int
time_of(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

static int
is_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return i == n;
}

/* Read and parse; the export it names, its signature by that export's
 * key. Nothing else in the file is trusted before that. */
static int
authentic(struct results *r, struct store *st, struct diags *d)
{
	const struct ynode	*root, *ex;
	const char		*nonce;
	char			 why[300];
	int			 err;

	if ((err = read_file(r->path, YDOC_MAX_BYTES, &r->src, &r->len)) != 0)
		return bad(r, NULL, d, "cannot read: %s", err == -EFBIG ?
		    "larger than 64 MiB; not fedwiz results" : strerror(-err));
	sha256_hex(r->src, r->len, r->sha256);
	if (ydoc_parse(r->path, r->src, r->len, NULL, &r->doc, d) == -1)
		return -1;
	root = r->doc->root;
	if (root == NULL || root->kind != Y_MAP)
		return bad(r, root, d, "not the JSON results of fedwiz check");
	if ((ex = ymap_get(root, "export")) == NULL || (ynode_is_null(ex) &&
	    ex->style == Y_PLAIN))
		return bad(r, ex != NULL ? ex : root, d, "these results are "
		    "bound to no export (fedwiz check ran without "
		    "--manifest): import takes the results an exported "
		    "playbook fetched (fedwiz export ansible)");
	if (ex->kind != Y_MAP)
		return bad(r, ex, d, "\"export\" must be an object");
	if ((nonce = str_of(r, ex, "nonce", 0, d)) == NULL)
		return -1;
	if (!is_hex(nonce, 32))
		return bad(r, ymap_get(ex, "nonce"), d, "the export's nonce "
		    "must be 32 hex digits");
	if ((err = store_export_find(st, nonce, &r->rec, d)) != STORE_OK) {
		if (err == STORE_EINPUT)
			bad(r, ymap_get(ex, "nonce"), d, "results of an export "
			    "this state database did not make: import them "
			    "with the --state of the console that exported "
			    "them");
		return -1;
	}
	if (!handoff_verify(r->src, r->len, r->rec.pubkey, why, sizeof(why)))
		return bad(r, ymap_get(root, "signature") ? ymap_get(root,
		    "signature") : root, d, "refused: %s (site %s, export "
		    "%lld); fetch them again from the jump host, or run the "
		    "playbook again", why, r->rec.site, (long long)r->rec.id);
	return 0;
}

/* The signed fields against the export and the session as it is now. */
static int
bound(struct results *r, const struct session *s, struct diags *d)
{
	const struct ynode	*root = r->doc->root, *ex;
	const char		*v, *site;
	char			 digest[65];
	long long		 id;

	ex = ymap_get(root, "export");
	if (int_of(r, ex, "id", &id, d) == -1 ||
	    (site = str_of(r, ex, "site", 0, d)) == NULL)
		return -1;
	/* Signed with this export's key, so these hold unless fedwiz on
	 * the jump host was not the one the manifest was given to. */
	if (id != r->rec.id || strcmp(site, r->rec.site) != 0)
		return bad(r, ex, d, "the results name export %lld of site %s, "
		    "but were signed with the key of export %lld of site %s",
		    id, site, (long long)r->rec.id, r->rec.site);
	if (r->rec.session != 0 && r->rec.session != s->id)
		return bad(r, ex, d, "refused: these are the results of "
		    "session %lld's export (site %s), not session %lld's",
		    (long long)r->rec.session, r->rec.site, (long long)s->id);
	if ((v = str_of(r, root, "runbook", 0, d)) == NULL)
		return -1;
	if (strcmp(v, s->info.runbook_id) != 0)
		return bad(r, ymap_get(root, "runbook"), d, "refused: these "
		    "are results of runbook %s; session %lld runs %s", v,
		    (long long)s->id, s->info.runbook_id);
	if ((v = str_of(r, root, "runbook_sha256", 0, d)) == NULL)
		return -1;
	if (strcmp(v, r->rec.runbook_hash) != 0 ||
	    strcmp(v, s->info.runbook_hash) != 0)
		return bad(r, ymap_get(root, "runbook_sha256"), d, "refused: "
		    "these results are from another version of runbook %s "
		    "(sha256 %.12s...) than the one session %lld runs "
		    "(sha256 %.12s...): the runbook changed since the export; "
		    "export again and run the new playbook", s->info.runbook_id,
		    v, (long long)s->id, s->info.runbook_hash);
	if ((v = str_of(r, root, "answers_sha256", 0, d)) == NULL)
		return -1;
	handoff_answers_digest(s->rb, s->ans, r->rec.site, digest);
	if (strcmp(v, r->rec.answers_sha256) != 0 || strcmp(v, digest) != 0)
		return bad(r, ymap_get(root, "answers_sha256"), d, "refused: "
		    "these results were checked on other answers for site %s "
		    "(digest %.12s...) than session %lld has now (%.12s...): "
		    "its answers or hosts changed since the export; export "
		    "again and run the new playbook", r->rec.site, v,
		    (long long)s->id, digest);
	return 0;
}

/* Whether a step (or one of its sub-steps) has a check of this kind. */
static int
step_has_kind(const struct rb_step *st, const char *kind)
{
	size_t	i;

	for (i = 0; i < st->nchecks; i++)
		if (strcmp(rb_check_kind_name(st->checks[i].kind), kind) == 0)
			return 1;
	for (i = 0; i < st->nsteps; i++)
		if (step_has_kind(&st->steps[i], kind))
			return 1;
	return 0;
}

/* A host of the session at the export's site; NULL otherwise. */
static const struct host *
site_host(const struct session *s, const char *site, const char *name)
{
	const struct role_hosts	*rh;
	size_t			 i, k;

	for (i = 0; i < s->ans->nroles; i++) {
		rh = &s->ans->roles[i];
		for (k = 0; k < rh->n; k++)
			if (strcmp(rh->hosts[k].name, name) == 0)
				return rh->hosts[k].site != NULL &&
				    strcmp(rh->hosts[k].site, site) == 0 ?
				    &rh->hosts[k] : NULL;
	}
	return NULL;
}

/* An optional string member: NULL when absent or null. */
static const char *
opt_str(const struct ynode *map, const char *key)
{
	const struct ynode	*v = ymap_get(map, key);

	if (v == NULL || v->kind != Y_SCALAR || (ynode_is_null(v) &&
	    v->style == Y_PLAIN))
		return NULL;
	return v->str;
}

/* One element of "checks" into a store row (0), not evidence (1: not
 * run), or -1 and a diag. */
static int
one_check(struct results *r, const struct session *s, const struct ynode *c,
    time_t at, struct store_check *out, struct diags *d)
{
	const struct rb_proc	*p;
	const char		*proc, *host, *on, *kind, *verdict, *x;
	long long		 step, bytes = 0, ms = 0;

	if (c->kind != Y_MAP)
		return bad(r, c, d, "a check must be an object");
	if ((verdict = str_of(r, c, "verdict", 0, d)) == NULL)
		return -1;
	if (strcmp(verdict, "not run") == 0)
		return 1;
	if (strcmp(verdict, "pass") != 0 && strcmp(verdict, "fail") != 0 &&
	    strcmp(verdict, "error") != 0)
		return bad(r, ymap_get(c, "verdict"), d, "verdict \"%s\" is "
		    "not pass, fail, error or not run", verdict);
	if ((proc = str_of(r, c, "procedure", 0, d)) == NULL ||
	    (kind = str_of(r, c, "kind", 0, d)) == NULL ||
	    int_of(r, c, "step", &step, d) == -1)
		return -1;
	host = str_of(r, c, "host", 1, d);
	on = str_of(r, c, "on", 1, d);
	if (d->n > 0)
		return -1;
	if ((p = runbook_proc(s->rb, proc)) == NULL)
		return bad(r, ymap_get(c, "procedure"), d, "runbook %s has no "
		    "procedure %s", s->rb->id, proc);
	if (step < 1 || (size_t)step > p->nsteps)
		return bad(r, ymap_get(c, "step"), d, "procedure %s has no "
		    "step %lld", proc, step);
	if (!step_has_kind(&p->steps[step - 1], kind))
		return bad(r, ymap_get(c, "kind"), d, "step %lld of %s has no "
		    "%s check", step, proc, kind);
	if (host != NULL && site_host(s, r->rec.site, host) == NULL)
		return bad(r, ymap_get(c, "host"), d, "host %s is not one of "
		    "site %s's hosts in session %lld", host, r->rec.site,
		    (long long)s->id);
	if (on != NULL && site_host(s, r->rec.site, on) == NULL)
		return bad(r, ymap_get(c, "on"), d, "host %s is not one of "
		    "site %s's hosts in session %lld", on, r->rec.site,
		    (long long)s->id);
	if (session_inst(s, proc, host) == NULL)
		return bad(r, c, d, "%s%s%s is not in session %lld's plan",
		    proc, host ? "@" : "", host ? host : "", (long long)s->id);
	if ((ymap_get(c, "bytes") != NULL && int_of(r, c, "bytes", &bytes,
	    d) == -1) || (ymap_get(c, "ms") != NULL && int_of(r, c, "ms", &ms,
	    d) == -1))
		return -1;
	memset(out, 0, sizeof(*out));
	out->proc = xstrdup(proc);
	out->host = xstrdup(host != NULL ? host : "");
	out->step = (size_t)step;
	out->kind = xstrdup(kind);
	out->result = xstrdup(verdict);
	/* Text from outside: cleaned before it is kept. */
	x = opt_str(c, "target");
	out->target = x != NULL ? clean_str(x, strlen(x)) : NULL;
	x = opt_str(c, "message");
	out->message = x != NULL ? clean_str(x, strlen(x)) : NULL;
	x = opt_str(c, "excerpt");
	out->excerpt = x != NULL ? clean_str(x, strlen(x)) : NULL;
	x = opt_str(c, "sha256");
	out->output_sha256 = x != NULL && is_hex(x, 64) ? xstrdup(x) : NULL;
	out->output_len = (size_t)bytes;
	out->duration_ms = ms;
	out->at = at;
	out->origin = xstrdup("imported");
	out->origin_detail = xstrdup(r->detail);
	return 0;
}

static int
rows(struct results *r, const struct session *s, struct diags *d)
{
	const struct ynode	*root = r->doc->root, *checks, *sum;
	const char		*run, *when;
	long long		 want[3];
	size_t			 i;
	int			 rc;

	if ((run = str_of(r, root, "run_id", 0, d)) == NULL ||
	    (when = str_of(r, root, "checked_at", 0, d)) == NULL)
		return -1;
	if (!is_hex(run, 32))
		return bad(r, ymap_get(root, "run_id"), d, "run_id must be 32 "
		    "hex digits");
	if (time_of(when, &r->imp.checked) == -1)
		return bad(r, ymap_get(root, "checked_at"), d, "checked_at "
		    "must be a UTC time as 2026-12-07T19:00:00Z");
	r->detail = xasprintf("site %s via jump host %s (export %lld, run "
	    "%.8s)", r->rec.site, r->rec.jump, (long long)r->rec.id, run);
	if ((checks = ymap_get(root, "checks")) == NULL ||
	    checks->kind != Y_SEQ)
		return bad(r, checks != NULL ? checks : root, d, "\"checks\" "
		    "must be a list");
	r->v = xcalloc(checks->n + 1, sizeof(*r->v));
	for (i = 0; i < checks->n; i++) {
		rc = one_check(r, s, checks->items[i], r->imp.checked,
		    &r->v[r->n], d);
		if (rc == -1)
			return -1;
		if (rc == 1)
			continue;
		if (strcmp(r->v[r->n].result, "pass") == 0)
			r->imp.npass++;
		else if (strcmp(r->v[r->n].result, "fail") == 0)
			r->imp.nfail++;
		else
			r->imp.nerror++;
		r->n++;
	}
	if ((sum = ymap_get(root, "summary")) == NULL || sum->kind != Y_MAP ||
	    int_of(r, sum, "pass", &want[0], d) == -1 ||
	    int_of(r, sum, "fail", &want[1], d) == -1 ||
	    int_of(r, sum, "error", &want[2], d) == -1)
		return sum == NULL || sum->kind != Y_MAP ? bad(r, sum ? sum :
		    root, d, "\"summary\" must be an object") : -1;
	if ((size_t)want[0] != r->imp.npass || (size_t)want[1] !=
	    r->imp.nfail || (size_t)want[2] != r->imp.nerror)
		return bad(r, sum, d, "the summary (%lld pass, %lld fail, %lld "
		    "could not run) does not count the checks listed (%zu, "
		    "%zu, %zu)", want[0], want[1], want[2], r->imp.npass,
		    r->imp.nfail, r->imp.nerror);
	r->imp.run_id = (char *)(uintptr_t)run;
	r->imp.export_id = r->rec.id;
	r->imp.site = r->rec.site;
	r->imp.jump = r->rec.jump;
	r->imp.results_sha256 = r->sha256;
	return 0;
}

static void
results_free(struct results *r)
{
	store_checks_free(r->v, r->n);
	free(r->detail);
	store_export_clear(&r->rec);
	ydoc_free(r->doc);
	free(r->src);
}

static int
cmd_import_exec(struct cli *cli, int argc, char **argv)
{
	struct store	*st = NULL;
	struct session	*s = NULL;
	struct results	*r;
	struct diags	 d;
	const char	*op = session_operator(cli->operator);
	int64_t		 sid;
	size_t		 i, bad_files = 0;
	int		 rc, code = EXIT_USAGE;

	diags_init(&d);
	r = xcalloc((size_t)argc, sizeof(*r));
	if ((rc = cli_target(cli, 0, &st, &sid, &d)) != STORE_OK ||
	    (rc = session_open(st, sid, catalog_dir(cli->runbooks), &s,
	    &d)) != STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	if (s->info.closed != 0) {
		diags_add(&d, "--session", 0, 0, "session %lld is closed: its "
		    "record takes no more evidence", (long long)sid);
		goto out;
	}
	/* Judge every file first, and say everything wrong with all of
	 * them; nothing is written unless all of them hold. */
	for (i = 0; i < (size_t)argc; i++) {
		struct diags	fd;

		diags_init(&fd);
		r[i].path = argv[i];
		if (authentic(&r[i], st, &fd) == -1 ||
		    bound(&r[i], s, &fd) == -1 || rows(&r[i], s, &fd) == -1)
			bad_files++;
		cli_say(&fd);
		diags_free(&fd);
	}
	if (bad_files > 0) {
		fprintf(stderr, "fedwiz: nothing imported: %zu of %d file%s "
		    "refused\n", bad_files, argc, argc == 1 ? "" : "s");
		goto out;
	}
	if ((rc = store_begin(st, &d)) != STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	for (i = 0; i < (size_t)argc; i++)
		if ((rc = store_import_add(st, s->id, &r[i].imp, r[i].v,
		    r[i].n, op, &d)) != STORE_OK)
			break;
	if (rc != STORE_OK) {
		store_rollback(st);
		diags_add(&d, argv[i], 0, 0, "nothing imported");
		code = cli_exit(rc);
		goto out;
	}
	if ((rc = store_commit(st, &d)) != STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	for (i = 0; i < (size_t)argc; i++)
		printf("%s: site %s via %s: %zu pass, %zu fail, %zu could not "
		    "run (run %.8s, checked %s)\n", argv[i], r[i].rec.site,
		    r[i].rec.jump, r[i].imp.npass, r[i].imp.nfail,
		    r[i].imp.nerror, r[i].imp.run_id, opt_str(r[i].doc->root,
		    "checked_at"));
	printf("imported into session %lld\n", (long long)s->id);
	code = EXIT_OK;
out:
	if (d.n > 0)
		cli_say(&d);
	diags_free(&d);
	for (i = 0; i < (size_t)argc; i++)
		results_free(&r[i]);
	free(r);
	session_free(s);
	store_close(st);
	return code;
}
