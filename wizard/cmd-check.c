/*
 * cmd-check.c: fedwiz check RUNBOOK: run the runbook's checks on the
 * inventory's hosts, all at once, and say per host what passed, what
 * failed and why. With --session, on that session's answers and hosts,
 * and the evidence goes into its record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "catalog.h"
#include "check.h"
#include "clean.h"
#include "cli.h"
#include "evloop.h"
#include "json.h"
#include "plan.h"
#include "runbook.h"
#include "session.h"
#include "ssh.h"
#include "store.h"
#include "util.h"

static int	cmd_check_exec(struct cli *, int, char **);

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.args = "RUNBOOK",
	.summary = "run the runbook's checks on every host, all at once",
	.opts = "answers set session operator procedure host kind json "
	    "identity password-file enable-secret-file timeout server "
	    "known-hosts host-keys",
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
print_text(const struct runbook *rb, const struct check_outcome *v, size_t n,
    const struct tally *t, int verbose_na)
{
	const struct check_outcome	*o;
	char				*msg, *ex;
	const char			*p, *nl;
	size_t				 i;

	for (i = 0; i < n; i++) {
		o = &v[i];
		if (o->verdict == CV_NOT_RUN && !verbose_na)
			continue;
		printf("%-5s %s%s%s step %zu on %s: %s", o->verdict == CV_PASS ?
		    "PASS" : o->verdict == CV_FAIL ? "FAIL" : o->verdict ==
		    CV_ERROR ? "ERROR" : "--", o->inst->proc->id,
		    o->inst->host ? "@" : "", o->inst->host ?
		    o->inst->host->name : "", o->step, where(o), o->kind);
		if (o->verdict != CV_NOT_RUN && o->target != NULL) {
			/* after "host: " */
			ex = strchr(o->target, ':');
			printf(" %s", ex != NULL ? ex + 2 : o->target);
		}
		if (o->verdict == CV_PASS || o->verdict == CV_FAIL)
			printf(" (%.1f s)", (double)o->ms / 1000);
		putchar('\n');
		if (o->message != NULL && *o->message != '\0') {
			msg = clean_str(o->message, strlen(o->message));
			for (p = msg; *p != '\0'; p = nl + (*nl != '\0')) {
				nl = p + strcspn(p, "\n");
				printf("      %.*s\n", (int)(nl - p), p);
			}
			free(msg);
		}
	}
	printf("%s: %zu pass, %zu fail, %zu could not run%s", rb->id, t->pass,
	    t->fail, t->error + t->input, t->not_run ? ", " : "\n");
	if (t->not_run)
		printf("%zu not run here (manual, not applicable, or a kind "
		    "this release does not run)\n", t->not_run);
}

static void
print_json(const struct runbook *rb, int64_t session,
    const struct check_outcome *v, size_t n, const struct tally *t)
{
	const struct check_outcome	*o;
	struct json			 j;
	char				*s;
	size_t				 i;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kstr(&j, "runbook", rb->id);
	json_kstr(&j, "runbook_sha256", rb->hash);
	json_key(&j, "session");
	if (session > 0)
		json_int(&j, (long long)session);
	else
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
		json_kstr(&j, "target", o->target);
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
	json_key(&j, "summary");
	json_obj_begin(&j);
	json_kint(&j, "pass", (long long)t->pass);
	json_kint(&j, "fail", (long long)t->fail);
	json_kint(&j, "error", (long long)(t->error + t->input));
	json_kint(&j, "not_run", (long long)t->not_run);
	json_obj_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

/* The plan to check: the session's, or the runbook with --answers/--set. */
static int
load(struct cli *cli, const char *name, struct store **st, struct session **s,
    struct runbook **rb, struct answers **ans, struct plan **pl,
    struct diags *d)
{
	long long	sid;
	size_t		i;
	int		rc;

	if (cli->session != NULL) {
		if (cli->answers != NULL || cli->nsets > 0) {
			diags_add(d, "--session", 0, 0, "a session has its "
			    "answers already: drop --answers/--set, or check "
			    "without --session");
			return STORE_EINPUT;
		}
		if ((sid = cli_session(cli, d)) < 0)
			return STORE_EINPUT;
		if ((rc = cli_store(cli, 0, st, d)) != STORE_OK)
			return rc;
		if ((rc = session_open(*st, sid, catalog_dir(cli->runbooks), s,
		    d)) != STORE_OK)
			return rc;
		if (strcmp((*s)->rb->id, name) != 0) {
			diags_add(d, "--session", 0, 0, "session %lld runs %s, "
			    "not %s", sid, (*s)->rb->id, name);
			return STORE_EINPUT;
		}
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
/* --kind ssh,tls: a mask of 1 << CK_*; 0 and a diag when a word is not
 * a kind of check fedwiz runs. */
static unsigned
kind_mask(const char *spec, struct diags *d)
{
	static const enum rb_check_kind	 kinds[] = { CK_SSH, CK_TLS, CK_X509,
					     CK_DNS, CK_TCP, CK_SIP };
	const char			*p, *e;
	unsigned			 mask = 0;
	size_t				 i, len;

	for (p = spec; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		len = (size_t)(e - p);
		for (i = 0; i < nitems(kinds); i++)
			if (strlen(rb_check_kind_name(kinds[i])) == len &&
			    strncmp(rb_check_kind_name(kinds[i]), p, len) == 0)
				break;
		if (i == nitems(kinds)) {
			diags_add(d, "--kind", 0, 0, "\"%.*s\" is not a kind "
			    "of check fedwiz runs: ssh, tls, x509, dns, tcp, sip "
			    "(comma-separated)", (int)len, p);
			return 0;
		}
		mask |= 1U << kinds[i];
	}
	return mask;
}

static int
check_filters(const struct cli *cli, const struct plan *pl, struct diags *d)
{
	const struct runbook	*rb = pl->rb;
	const struct role_hosts	*rh;
	size_t			 i, k;
	int			 found = 0;

	if (cli->kind != NULL && kind_mask(cli->kind, d) == 0)
		return -1;

	if (cli->procedure != NULL) {
		for (i = 0; i < rb->nprocs; i++)
			if (strcmp(rb->procs[i].id, cli->procedure) == 0)
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
	struct ssh_opts			 o;
	struct tally			 t;
	struct diags			 d;
	const struct check_outcome	*v;
	const struct plan_inst		*in;
	const char			*op;
	size_t				 i, k, n;
	int64_t				 ms;
	int				 rc, code = EXIT_USAGE;

	(void)argc;
	diags_init(&d);
	if ((op = cli_operator(cli, &d)) == NULL)
		goto out;
	if ((rc = load(cli, argv[0], &st, &s, &rb, &ans, &pl, &d)) !=
	    STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	if (check_filters(cli, pl, &d) == -1)
		goto out;
	/* The estate's own known_hosts and DNS server, when the answers
	 * file names them (the training lab's do): the options win. */
	if (cli->known_hosts == NULL && pl->ans != NULL &&
	    pl->ans->known_hosts != NULL)
		cli->known_hosts = pl->ans->known_hosts;
	if (pl->ans != NULL && pl->ans->dns_server != NULL &&
	    cli->server == NULL)
		cli->server = pl->ans->dns_server;
	if ((cs = cli_ssh_new(cli, &o, &d)) == NULL)
		goto out;
	ev = evloop_new();
	eng = ssh_engine_new(ev, &o);
	run = check_run_new(ev, eng, pl);
	check_run_only(run, cli->host);
	if (cli->kind != NULL)
		check_run_kinds(run, kind_mask(cli->kind, &d));
	check_run_identity(run, cli->identity);
	check_run_dns_server(run, cli->server);
	if (cli->timeout != NULL && cli_timeout(cli, 0, &ms, &d) == 0)
		check_run_timeout(run, ms);
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
	v = check_run_outcomes(run, &n);
	count(v, n, &t);
	if (s != NULL && (rc = check_run_record(run, s, op, &d)) !=
	    STORE_OK) {
		code = cli_exit(rc);
		goto out;
	}
	if (cli->json)
		print_json(pl->rb, s ? s->id : 0, v, n, &t);
	else
		print_text(pl->rb, v, n, &t, cli->procedure != NULL);
	code = exit_code(&t);
out:
	if (d.n > 0)
		cli_say(&d);
	diags_free(&d);
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
