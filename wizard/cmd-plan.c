/* cmd-plan.c: fedwiz plan RUNBOOK: procedure instances in order, with status. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "catalog.h"
#include "cond.h"
#include "cli.h"
#include "json.h"
#include "plan.h"
#include "runbook.h"
#include "template.h"
#include "util.h"

static int	cmd_plan_exec(struct cli *, int, char **);

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.args = "RUNBOOK [--answers F] [--set VAR=VALUE]... [--json] [--steps]",
	.summary = "procedures in dependency order, per host, with status",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_plan_exec,
};

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

static int
check_applies(const struct rb_check *c, struct scope *sc)
{
	return c->when == NULL || cond_eval(c->when, scope_lookup, sc) !=
	    T_FALSE;
}

/* What a check verifies, in one line, values filled in. */
static char *
check_summary(const struct rb_check *c, struct scope *sc)
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
print_text(const char *s, struct scope *sc, const char *indent)
{
	char		*x = tmpl_expand(s, scope_lookup, sc);
	const char	*p, *nl;

	for (p = x; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			printf("%s\n", p);
			break;
		}
		printf("%.*s\n%s", (int)(nl - p), p, indent);
	}
	free(x);
}

static void
print_steps(const struct rb_step *steps, size_t n, struct scope *sc,
    const struct plan_inst *in, int depth)
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
		printf("%*s%-4s", pad, "", num);
		print_text(s->do_, sc, indent);
		if (s->command != NULL) {
			printf("%s$ ", indent);
			print_text(s->command, sc, indent);
		}
		if (!step_applies(s, sc, in, depth, i)) {
			printf("%s(does not apply: %s)\n", indent, s->when_src ?
			    s->when_src : in->proc->when_src);
			continue;	/* nor do its sub-steps */
		}
		if (depth == 0 && in->steps[i] != STEP_PENDING)
			printf("%s[%s]\n", indent,
			    plan_step_status_name(in->steps[i]));
		for (k = 0; k < s->nchecks; k++) {
			x = check_summary(&s->checks[k], sc);
			printf("%scheck: ", indent);
			print_text(x, sc, indent);
			if (!check_applies(&s->checks[k], sc))
				printf("%s(check does not apply: %s)\n", indent,
				    s->checks[k].when_src);
			free(x);
		}
		print_steps(s->steps, s->nsteps, sc, in, depth + 1);
	}
}

static void
print_plan_text(const struct plan *pl, const struct cli *cli)
{
	const struct runbook	*rb = pl->rb;
	const struct plan_inst	*in;
	const struct rb_var	*v;
	struct scope		 sc = { rb, pl->ans, NULL };
	char			 name[160], prog[32];
	size_t			 i, k, nmissing = 0, applicable;

	printf("%s: %s\n", rb->id, rb->title);
	printf("%zu procedures, %zu to do in this order (runbook sha256 "
	    "%.12s)\n\n", rb->nprocs, pl->n, rb->hash);
	printf("%4s  %-38s %-11s %5s  %s\n", "#", "PROCEDURE[@HOST]", "STATUS",
	    "STEPS", "TITLE");
	for (i = 0; i < pl->n; i++) {
		in = &pl->inst[i];
		applicable = 0;
		for (k = 0; k < in->proc->nsteps; k++)
			applicable += !in->step_na[k];
		snprintf(prog, sizeof(prog), "%zu/%zu", in->ndone, applicable);
		printf("%4zu  %-38s %-11s %5s  %s\n", i + 1,
		    plan_inst_name(in, name, sizeof(name)),
		    plan_status_name(in->status), prog, in->proc->title);
		if (in->applies == T_FALSE)
			printf("%6s does not apply: %s\n", "",
			    in->proc->when_src);
		if (in->nneeds > 0) {
			printf("%6s needs an answer for:", "");
			for (k = 0; k < in->nneeds; k++)
				printf("%s %s", k ? "," : "", in->needs[k]);
			printf("\n");
		}
		if (in->nblocked > 0) {
			printf("%6s blocked by:", "");
			for (k = 0; k < in->nblocked; k++)
				printf("%s %s", k ? "," : "", plan_inst_name(
				    &pl->inst[in->blocked_by[k]], name,
				    sizeof(name)));
			printf("\n");
		}
		if (cli->steps && in->applies != T_FALSE) {
			plan_inst_scope(pl, in, &sc);
			print_steps(in->proc->steps, in->proc->nsteps, &sc, in,
			    0);
		}
	}
	sc.host = NULL;
	for (i = 0; i < rb->nvars; i++) {
		v = &rb->vars[i];
		if (scope_lookup(&sc, v->name) != NULL)
			continue;
		printf("%s %s", nmissing++ ? "," : "\nno value yet for:",
		    v->name);
	}
	if (nmissing > 0)
		printf("\n(shown as <name>; give them with --answers FILE or "
		    "--set VAR=VALUE)\n");
	for (i = 0; i < rb->nroles; i++)
		if (answers_hosts(pl->ans, rb->roles[i].id) == NULL)
			break;
	if (i < rb->nroles) {
		printf("\nno hosts listed for role%s:", "s");
		for (k = 0, i = 0; i < rb->nroles; i++)
			if (answers_hosts(pl->ans, rb->roles[i].id) == NULL)
				printf("%s %s", k++ ? "," : "",
				    rb->roles[i].id);
		printf("\n(their procedures appear once, without a host; list "
		    "hosts in an answers file)\n");
	}
}

static void
json_steps(struct json *j, const struct rb_step *steps, size_t n,
    struct scope *sc, const struct plan_inst *in, int top)
{
	const struct rb_step	*s;
	char			*x;
	size_t			 i, k;

	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		s = &steps[i];
		json_obj_begin(j);
		json_kint(j, "n", (long long)(i + 1));
		x = tmpl_expand(s->do_, scope_lookup, sc);
		json_kstr(j, "do", x);
		free(x);
		if (s->command != NULL) {
			x = tmpl_expand(s->command, scope_lookup, sc);
			json_kstr(j, "command", x);
			free(x);
		} else
			json_kstr(j, "command", NULL);
		if (top)
			json_kstr(j, "status",
			    plan_step_status_name(in->steps[i]));
		json_kbool(j, "applies", step_applies(s, sc, in, !top, i));
		json_key(j, "checks");
		json_arr_begin(j);
		for (k = 0; k < s->nchecks; k++) {
			json_obj_begin(j);
			json_kstr(j, "kind",
			    rb_check_kind_name(s->checks[k].kind));
			x = check_summary(&s->checks[k], sc);
			json_kstr(j, "summary", x);
			free(x);
			json_kbool(j, "applies",
			    check_applies(&s->checks[k], sc));
			json_obj_end(j);
		}
		json_arr_end(j);
		if (s->nsteps > 0) {
			json_key(j, "steps");
			json_steps(j, s->steps, s->nsteps, sc, in, 0);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
print_plan_json(const struct plan *pl)
{
	const struct runbook	*rb = pl->rb;
	const struct plan_inst	*in;
	const struct rb_var	*v;
	struct scope		 sc = { rb, pl->ans, NULL };
	struct json		 j;
	char			 name[160];
	size_t			 i, k;

	json_init(&j, stdout);
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
		json_kstr(&j, "value", scope_lookup(&sc, v->name));
		json_kstr(&j, "source", answers_get(pl->ans, v->name) ?
		    "answer" : v->def ? "default" : NULL);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "procedures");
	json_arr_begin(&j);
	for (i = 0; i < pl->n; i++) {
		in = &pl->inst[i];
		plan_inst_scope(pl, in, &sc);
		json_obj_begin(&j);
		json_kstr(&j, "id", in->proc->id);
		json_kstr(&j, "title", in->proc->title);
		json_kstr(&j, "host", in->host ? in->host->name : NULL);
		json_kstr(&j, "role", in->proc->on);
		json_key(&j, "requires");
		json_arr_begin(&j);
		for (k = 0; k < in->proc->requires.n; k++)
			json_str(&j, in->proc->requires.v[k]);
		json_arr_end(&j);
		json_kstr(&j, "status", plan_status_name(in->status));
		json_key(&j, "applies");
		if (in->applies == T_UNKNOWN)
			json_null(&j);
		else
			json_bool(&j, in->applies == T_TRUE);
		json_kstr(&j, "when", in->proc->when_src);
		json_key(&j, "blocked_by");
		json_arr_begin(&j);
		for (k = 0; k < in->nblocked; k++)
			json_str(&j, plan_inst_name(&pl->inst[in->blocked_by[k]],
			    name, sizeof(name)));
		json_arr_end(&j);
		json_key(&j, "needs");
		json_arr_begin(&j);
		for (k = 0; k < in->nneeds; k++)
			json_str(&j, in->needs[k]);
		json_arr_end(&j);
		json_key(&j, "steps");
		json_steps(&j, in->proc->steps, in->proc->nsteps, &sc, in, 1);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

static int
cmd_plan_exec(struct cli *cli, int argc, char **argv)
{
	struct runbook	*rb = NULL;
	struct answers	*ans;
	struct plan	*pl;
	struct diags	 d;
	size_t		 i;
	int		 rc = EXIT_USAGE;

	(void)argc;
	diags_init(&d);
	ans = answers_new();
	if (catalog_open(catalog_dir(cli->runbooks), argv[0], &rb, &d) == -1)
		goto out;
	if (cli->answers != NULL && answers_load(ans, rb, cli->answers,
	    &d) == -1)
		goto out;
	for (i = 0; i < cli->nsets; i++)
		answers_set(ans, rb, cli->sets[i], &d);
	if (d.n > 0)
		goto out;
	if (plan_build(rb, ans, NULL, NULL, &pl, &d) == -1)
		goto out;
	if (cli->json)
		print_plan_json(pl);
	else
		print_plan_text(pl, cli);
	plan_free(pl);
	rc = EXIT_OK;
out:
	if (d.n > 0)
		diags_print(&d, stderr);
	diags_free(&d);
	answers_free(ans);
	runbook_free(rb);
	return rc;
}
