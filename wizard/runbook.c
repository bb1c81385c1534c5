/*
 * runbook.c: load a runbook file into the typed model.
 *
 * Each object kind (runbook, variable, role, procedure, step, table, check)
 * is a schema: a table of keys with their type, whether required, and where
 * the value lands in the struct. One generic walker applies a schema to a
 * YAML mapping, so an unknown key, a missing key, a wrong type and a bad
 * reference are reported the same way everywhere, with file:line:col.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cond.h"
#include "profile.h"
#include "quote.h"
#include "runbook.h"
#include "sip.h"
#include "template.h"
#include "util.h"
#include "vartype.h"
#include "ydoc.h"

/* Variables used, collected while a step or a check decodes. */
struct uses {
	struct rb_use	*v;
	size_t		 n;
	size_t		 cap;
};

/*
 * roles, vars and procedures can be decoded while the file is still being
 * parsed (procedures one by one, their nodes freed after each), their
 * messages kept aside and given out where decode_map reaches the key, so
 * the user sees them in the same order either way.
 */
enum { EARLY_ROLES, EARLY_VARS, EARLY_PROCS, EARLY_N };

struct early {
	int		 done;
	int		 rc;
	struct diags	 diags;
};

struct loader {
	struct runbook	*rb;
	struct ydoc	*doc;
	struct diags	*diags;
	struct rb_proc	*proc;		/* procedure being decoded */
	int		 step_depth;
	int		 failed;
	/* Where a ${var} is: whose values it may take (per-host variables,
	 * built-ins), and which step and check it counts for. */
	int		 in_steps;	/* the procedure's steps */
	int		 in_check;
	int		 in_ssh;	/* an ssh check: ssh_role runs it */
	const struct rb_role *ssh_role;
	int		 in_when;	/* a `when` (instance scope) */
	int		 in_fix;	/* a fix hint (not needed to run) */
	struct uses	 step_uses;
	struct uses	 check_uses;
	struct recent_uses {
		struct rb_use	*v;
		size_t		 n;
	}		 recent[8];	/* uses arrays taken last */
	size_t		 nrecent;
	/* Procedures decoded as they are parsed: 0 not known yet, 1 yes,
	 * -1 no (roles or vars came after them, or are missing). */
	int		 stream;
	size_t		 procs_cap;
	struct early	 early[EARLY_N];
	EVP_MD_CTX	*md;		/* sha256 of the bytes as read */
};

struct field;
typedef int (*decode_fn)(struct loader *, const struct ynode *, void *,
    const struct field *);

enum ftype {
	F_NONE,		/* unset: a custom field that says no .store */
	F_ID,		/* [a-z0-9][a-z0-9-]* */
	F_NAME,		/* [a-z][a-z0-9_]* */
	F_TEXT,		/* any text, no ${} check */
	F_TMPL,		/* text whose ${vars} must be declared */
	F_HOST,		/* a host: literal host or template */
	F_PORT,		/* a port: number or one ${port var} */
	F_BOOL,
	F_COND,		/* a `when`: src at off, parsed cond at off2 */
	F_TMPLLIST,	/* one text or a list, each a template */
	F_IDLIST,	/* list of ids */
	F_ENUM,		/* one of enums[] */
	F_ENUMLIST,	/* list of enums[] */
	F_LIST,		/* list of sub objects: array at off, count at off2 */
	F_OBJ,		/* one sub object: pointer at off */
	F_CUSTOM,	/* fn decodes; .store says where the value lands */
	/* Storage of custom fields only (what walk_obj reads): */
	F_LLONG,	/* long long at off, set when the int at off2 is */
	F_CHECKS,	/* struct rb_check array at off, count at off2 */
	F_ROWS		/* a table's cells (struct rb_table) */
};

struct schema;

struct field {
	const char		*key;
	enum ftype		 type;
	int			 required;
	size_t			 off;
	size_t			 off2;
	const struct schema	*sub;
	decode_fn		 fn;
	const char *const	*enums;
	const char		*expect;	/* what a value looks like */
	/*
	 * F_CUSTOM: how the decoded value is stored, as one of the other
	 * types (with off, off2, sub), so that walk_obj, and with it the
	 * fingerprint, sees every field of every schema without a list
	 * kept by hand.
	 */
	enum ftype		 store;
};

struct schema {
	const char		*what;		/* "procedure" */
	size_t			 size;
	const struct field	*fields;
	size_t			 nfields;
	/* After the fields: cross-field checks. node is the mapping. */
	int			(*post)(struct loader *, const struct ynode *,
				    void *);
};

#define FIELD(k, t, req, st, m)	{ .key = k, .type = t, .required = req, \
	.off = offsetof(st, m) }

static int	decode_map(struct loader *, const struct schema *,
		    const struct ynode *, void *);

/* Messages. */

/*
 * Every message inside a procedure starts with it, so an error in step 40
 * of a 5,000-procedure runbook says which procedure it is in.
 */
static void __attribute__((format(printf, 4, 5)))
err(struct loader *ld, int line, int col, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("out of memory formatting a message");
	va_end(ap);
	if (ld->proc != NULL && ld->proc->id != NULL)
		diags_add(ld->diags, ld->doc->file, line, col,
		    "procedure \"%s\": %s", ld->proc->id, msg);
	else
		diags_add(ld->diags, ld->doc->file, line, col, "%s", msg);
	free(msg);
	ld->failed = 1;
}

#define err_at(ld, n, ...)	err(ld, (n)->line, (n)->col, __VA_ARGS__)

/* Scalars. */

/*
 * The scalar without trailing blanks (a block scalar's final newline). The
 * tree's strings already live in the runbook's arena, so this trims in
 * place instead of copying.
 */
static const char *
trimmed(struct loader *ld, const struct ynode *cn)
{
	struct ynode	*n = (struct ynode *)(uintptr_t)cn;

	(void)ld;
	while (n->len > 0 && (n->str[n->len - 1] == '\n' ||
	    n->str[n->len - 1] == ' ' || n->str[n->len - 1] == '\t'))
		n->str[--n->len] = '\0';
	return n->str;
}

static int
want_scalar(struct loader *ld, const struct ynode *n, const char *key,
    const char *expect)
{
	if (n->kind != Y_SCALAR) {
		err_at(ld, n, "\"%s\" must be %s, not a %s", key, expect,
		    ynode_kind_name(n));
		return -1;
	}
	if (ynode_is_null(n)) {
		err_at(ld, n, "\"%s\" is empty; expected %s", key, expect);
		return -1;
	}
	return 0;
}

static int
is_id(const char *s)
{
	const char	*p;

	if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '-')
			return 0;
	return p - s <= 64;
}

static int
is_name(const char *s)
{
	const char	*p;

	if (!islower((unsigned char)*s))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '_')
			return 0;
	return p - s <= 64;
}

/* Templates: every ${name} declared (built-ins only inside `on:`). */

struct tmpl_ctx {
	struct loader		*ld;
	const struct ynode	*node;
	const char		*value;
	const char		*key;
	int			 bad;
};

static size_t
occurrence(const char *s, const char *needle, size_t off)
{
	const char	*p = s;
	size_t		 nth = 0, len = strlen(needle);

	while ((p = strstr(p, needle)) != NULL && (size_t)(p - s) < off) {
		nth++;
		p += len;
	}
	return nth;
}

static int
is_builtin(const char *name)
{
	return strcmp(name, RB_BUILTIN_HOST) == 0 ||
	    strcmp(name, RB_BUILTIN_HOST_NAME) == 0;
}

static void
uses_add(struct uses *u, const struct rb_var *v, const struct rb_role *r)
{
	size_t	i;

	for (i = 0; i < u->n; i++)
		if (u->v[i].var == v && u->v[i].ssh_role == r)
			return;
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 8;
		u->v = xreallocarray(u->v, u->cap, sizeof(*u->v));
	}
	u->v[u->n].var = v;
	u->v[u->n++].ssh_role = r;
}

/* A few pointers each: a loop beats memcmp's call. */
static int
uses_equal(const struct rb_use *a, const struct rb_use *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (a[i].var != b[i].var || a[i].ssh_role != b[i].ssh_role)
			return 0;
	return 1;
}

/*
 * The collected uses into the runbook's arena; the buffer is emptied.
 * Steps of one procedure mostly use the same few variables: an array
 * equal to one of the last few taken is shared (nothing writes them).
 */
static void
uses_take(struct loader *ld, struct uses *u, struct rb_use **out, size_t *n)
{
	struct recent_uses	*r;
	size_t			 i;

	*n = u->n;
	*out = NULL;
	if (u->n == 0)
		return;
	/* Newest first: the last step's array is the likeliest. */
	for (i = 0; i < nitems(ld->recent) && i < ld->nrecent; i++) {
		r = &ld->recent[(ld->nrecent - 1 - i) % nitems(ld->recent)];
		if (r->n == u->n && uses_equal(r->v, u->v, u->n)) {
			*out = r->v;
			u->n = 0;
			return;
		}
	}
	*out = arena_calloc(ld->rb->arena, u->n, sizeof(**out));
	memcpy(*out, u->v, u->n * sizeof(**out));
	i = ld->nrecent++ % nitems(ld->recent);
	ld->recent[i].v = *out;
	ld->recent[i].n = u->n;
	u->n = 0;
}

/* A ${var} (or a `when` name) of a step or check: counted where it is. */
static void
record_use(struct loader *ld, const struct rb_var *v)
{
	const struct rb_role	*r = ld->in_ssh && !ld->in_when ?
				    ld->ssh_role : NULL;

	if (!ld->in_steps || ld->in_fix)
		return;
	uses_add(&ld->step_uses, v, r);
	if (ld->in_check && !ld->in_when)
		uses_add(&ld->check_uses, v, r);
}

/*
 * Where a host's own value exists: in a procedure done per host of the
 * variable's role (the instance's host), or in an ssh check on that role
 * (the host the command runs on). A `when` is decided per instance.
 */
static int
per_host_ok(const struct loader *ld, const struct rb_var *v)
{
	if (ld->in_ssh && !ld->in_when && ld->ssh_role != NULL &&
	    ld->ssh_role == v->role)
		return 1;
	return ld->proc != NULL && ld->proc->role != NULL &&
	    ld->proc->role == v->role && !ld->proc->once;
}

/* ${host}, ${host_name}: the instance's host, or where an ssh check runs. */
static int
builtin_ok(const struct loader *ld)
{
	if (ld->in_ssh && !ld->in_when)
		return 1;
	return ld->proc != NULL && ld->proc->on != NULL && !ld->proc->once;
}

/* Where procedure p runs, for messages: "on imp", "once". */
static const char *
runs_where(const struct rb_proc *p, char *buf, size_t len)
{
	if (p == NULL || p->on == NULL)
		snprintf(buf, len, "once, on no role");
	else if (p->once)
		snprintf(buf, len, "once for the deployment (once: true)");
	else
		snprintf(buf, len, "on each %s host", p->on);
	return buf;
}

static void
per_host_err(struct loader *ld, int line, int col, const struct rb_var *v,
    const char *what)
{
	char	where[80];

	err(ld, line, col, "%s%s is answered per host of %s (per_host), and "
	    "%s runs %s: no %s host's value applies there; use it in a "
	    "procedure done on each %s host, or in an ssh check on role %s "
	    "(the host the command runs on)", ld->in_when ? "when: " : "",
	    what, v->per_host, ld->in_when ? "a condition is decided per "
	    "instance, and this procedure" : "this procedure",
	    runs_where(ld->proc, where, sizeof(where)), v->per_host,
	    v->per_host, v->per_host);
}

static void
tmpl_var_cb(void *arg, const char *name, size_t off)
{
	struct tmpl_ctx		 *tc = arg;
	struct loader		 *ld = tc->ld;
	const struct rb_var	 *v;
	const char		**names;
	const char		 *near;
	char			  tok[80];
	size_t			  i, n;
	int			  line, col;

	/* Every reference of a large runbook comes here: the token (for
	 * locating a message) is made only when there is one to give. */
	if ((v = runbook_var(ld->rb, name)) != NULL) {
		if (v->per_host == NULL || per_host_ok(ld, v)) {
			record_use(ld, v);
			return;
		}
		snprintf(tok, sizeof(tok), "${%s}", name);
		ydoc_locate(ld->doc, tc->node, tok, occurrence(tc->value, tok,
		    off), &line, &col);
		tc->bad = 1;
		per_host_err(ld, line, col, v, tok);
		return;
	}
	if (is_builtin(name) && builtin_ok(ld))
		return;
	snprintf(tok, sizeof(tok), "${%s}", name);
	ydoc_locate(ld->doc, tc->node, tok, occurrence(tc->value, tok, off),
	    &line, &col);
	tc->bad = 1;
	if (is_builtin(name)) {
		err(ld, line, col, "${%s} is only defined in a procedure with "
		    "\"on:\" done per host (it is the host the procedure runs "
		    "on), or in an ssh check (the host the command runs on)",
		    name);
		return;
	}
	n = ld->rb->nvars;
	names = xreallocarray(NULL, n + 2, sizeof(*names));
	for (i = 0; i < n; i++)
		names[i] = ld->rb->vars[i].name;
	names[n++] = RB_BUILTIN_HOST;
	names[n++] = RB_BUILTIN_HOST_NAME;
	near = closest_word(name, names, n);
	if (near != NULL)
		err(ld, line, col, "${%s} is not a declared variable; did "
		    "you mean ${%s}?", name, near);
	else
		err(ld, line, col, "${%s} is not a declared variable; "
		    "declare it under vars:", name);
	free(names);
}

static int
check_template(struct loader *ld, const struct ynode *n, const char *value,
    const char *key)
{
	struct tmpl_ctx	 tc = { ld, n, value, key, 0 };
	const char	*why;
	size_t		 badoff;
	int		 line, col;

	if (tmpl_scan(value, tmpl_var_cb, &tc, &badoff, &why) == -1) {
		ydoc_locate(ld->doc, n, "${", occurrence(value, "${", badoff),
		    &line, &col);
		err(ld, line, col, "in \"%s\": %s", key, why);
		return -1;
	}
	return tc.bad ? -1 : 0;
}

/* A template that is exactly ${name}: the variable, else NULL. */
static const struct rb_var *
single_var(struct loader *ld, const char *value, int *is_ref, int *builtin)
{
	const struct rb_var	*v;
	char			*name;

	*is_ref = tmpl_is_single(value, &name);
	*builtin = 0;
	if (!*is_ref)
		return NULL;
	v = runbook_var(ld->rb, name);
	*builtin = is_builtin(name);
	free(name);
	return v;
}

/* Field decoders. */

static void
set_str(void *obj, size_t off, const char *s)
{
	memcpy((char *)obj + off, &s, sizeof(s));
}

/* The values of a NULL-terminated enum table, for messages. */
static const char *
enum_list(const char *const *e, char *buf, size_t len)
{
	size_t	n = 0;

	while (e[n] != NULL)
		n++;
	return join_words(e, n, buf, len);
}

static int
in_enum(const char *const *e, const char *s)
{
	size_t	i;

	for (i = 0; e[i] != NULL; i++)
		if (strcmp(e[i], s) == 0)
			return 1;
	return 0;
}

static int
decode_strlist(struct loader *ld, const struct ynode *n, const char *key,
    const char *expect, struct rb_strlist *out, int allow_empty)
{
	const struct ynode	*it;
	size_t			 i, count;

	if (n->kind == Y_SEQ && n->n == 0 && !allow_empty) {
		err_at(ld, n, "\"%s\" is an empty list; give %s, or leave the "
		    "key out", key, expect);
		return -1;
	}
	if (n->kind == Y_MAP) {
		err_at(ld, n, "\"%s\" must be %s or a list of them, not a "
		    "mapping", key, expect);
		return -1;
	}
	count = n->kind == Y_SCALAR ? 1 : n->n;
	if (n->kind == Y_SCALAR && ynode_is_null(n)) {
		err_at(ld, n, "\"%s\" is empty; expected %s", key, expect);
		return -1;
	}
	out->v = arena_calloc(ld->rb->arena, count ? count : 1,
	    sizeof(*out->v));
	out->pos = arena_calloc(ld->rb->arena, count ? count : 1,
	    sizeof(*out->pos));
	out->n = 0;
	for (i = 0; i < count; i++) {
		it = n->kind == Y_SCALAR ? n : n->items[i];
		if (want_scalar(ld, it, key, expect) == -1)
			return -1;
		out->v[out->n] = trimmed(ld, it);
		if (out->v[out->n][0] == '\0') {
			/* "" is in every output: a check that cannot fail. */
			err_at(ld, it, "\"%s\" has an empty value; give %s",
			    key, expect);
			return -1;
		}
		out->pos[out->n].line = it->line;
		out->pos[out->n].col = it->col;
		out->n++;
	}
	return 0;
}

static int
decode_list(struct loader *ld, const struct ynode *n, const struct field *f,
    void *obj)
{
	const struct schema	*sub = f->sub;
	char			*arr;
	size_t			 i, count;
	int			 rc = 0;

	if (ynode_is_null(n)) {
		count = 0;	/* "steps:" with nothing: the owner says why */
		arr = NULL;
		memcpy((char *)obj + f->off, &arr, sizeof(arr));
		memcpy((char *)obj + f->off2, &count, sizeof(count));
		return 0;
	}
	if (n->kind != Y_SEQ) {
		err_at(ld, n, "\"%s\" must be a list (lines starting with "
		    "\"- \"), not a %s", f->key, ynode_kind_name(n));
		return -1;
	}
	count = n->n;
	arr = arena_calloc(ld->rb->arena, count ? count : 1, sub->size);
	/* Visible before the items decode: duplicate checks index into it. */
	memcpy((char *)obj + f->off, &arr, sizeof(arr));
	memcpy((char *)obj + f->off2, &count, sizeof(count));
	for (i = 0; i < count; i++)
		if (decode_map(ld, sub, n->items[i], arr + i * sub->size) == -1)
			rc = -1;
	return rc;
}

static int
decode_cond(struct loader *ld, const struct ynode *n, const struct field *f,
    void *obj);

static int
decode_field(struct loader *ld, const struct field *f, const struct ynode *n,
    void *obj)
{
	const struct rb_var	*v;
	const char		*s;
	char			 why[160], list[256];
	void			*sub;
	int			 is_ref, builtin;

	switch (f->type) {
	case F_ID:
	case F_NAME:
	case F_TEXT:
	case F_TMPL:
	case F_HOST:
	case F_PORT:
	case F_ENUM:
		if (want_scalar(ld, n, f->key, f->expect ? f->expect :
		    "text") == -1)
			return -1;
		s = trimmed(ld, n);
		if (f->type == F_ID && !is_id(s)) {
			err_at(ld, n, "\"%s\" is not a valid %s: use lower-case "
			    "letters, digits and '-' (at most 64), e.g. "
			    "set-up-static-route", s, f->key);
			return -1;
		}
		if (f->type == F_NAME && !is_name(s)) {
			err_at(ld, n, "\"%s\" is not a valid %s: use lower-case "
			    "letters, digits and '_', starting with a letter, "
			    "e.g. %s", s, f->key,
			    f->expect && strstr(f->expect, "role") ? "lync_fe" :
			    "lync_fqdn");
			return -1;
		}
		if (f->type == F_ENUM && !in_enum(f->enums, s)) {
			err_at(ld, n, "%s \"%s\" is not one of: %s", f->key, s,
			    enum_list(f->enums, list, sizeof(list)));
			return -1;
		}
		if ((f->type == F_TMPL || f->type == F_HOST ||
		    f->type == F_PORT) &&
		    check_template(ld, n, s, f->key) == -1)
			return -1;
		if (f->type == F_HOST && strstr(s, "${") == NULL) {
			struct varspec sp = { .type = VT_HOST };
			if (vartype_check(&sp, s, NULL, why, sizeof(why)) ==
			    -1) {
				err_at(ld, n, "%s \"%s\" %s", f->key, s, why);
				return -1;
			}
		}
		if (f->type == F_HOST && strstr(s, "${") != NULL) {
			v = single_var(ld, s, &is_ref, &builtin);
			if (v != NULL && v->spec.type != VT_HOST &&
			    v->spec.type != VT_FQDN && v->spec.type != VT_IP &&
			    v->spec.type != VT_IPV4) {
				err_at(ld, n, "%s ${%s} is a %s variable; a host "
				    "needs one of type host, fqdn, ip or ipv4",
				    f->key, v->name, v->type_name);
				return -1;
			}
		}
		if (f->type == F_PORT) {
			v = single_var(ld, s, &is_ref, &builtin);
			if (!is_ref) {
				struct varspec sp = { .type = VT_PORT };
				if (vartype_check(&sp, s, NULL, why,
				    sizeof(why)) == -1) {
					err_at(ld, n, "%s \"%s\" is not a number "
					    "1-65535 or one ${variable} of type "
					    "port", f->key, s);
					return -1;
				}
			} else if (builtin || (v != NULL &&
			    v->spec.type != VT_PORT)) {
				err_at(ld, n, "%s %s is not of type port",
				    f->key, s);
				return -1;
			}
		}
		set_str(obj, f->off, s);
		return 0;
	case F_BOOL:
		if (want_scalar(ld, n, f->key, "true or false") == -1)
			return -1;
		if (strcmp(n->str, "true") == 0 || strcmp(n->str, "yes") == 0)
			*(int *)((char *)obj + f->off) = 1;
		else if (strcmp(n->str, "false") == 0 ||
		    strcmp(n->str, "no") == 0)
			*(int *)((char *)obj + f->off) = 0;
		else {
			err_at(ld, n, "\"%s\" must be true or false, not \"%s\"",
			    f->key, n->str);
			return -1;
		}
		return 0;
	case F_COND:
		return decode_cond(ld, n, f, obj);
	case F_TMPLLIST:
	case F_IDLIST:
	case F_ENUMLIST: {
		struct rb_strlist	*l = (void *)((char *)obj + f->off);
		size_t			 i;
		int			 rc = 0;

		if (f->type == F_IDLIST && n->kind == Y_SCALAR &&
		    !ynode_is_null(n)) {
			err_at(ld, n, "\"%s\" must be a list of procedure ids: "
			    "[%s]", f->key, n->str);
			return -1;
		}
		if (decode_strlist(ld, n, f->key, f->expect ? f->expect :
		    "text", l, f->type == F_IDLIST) == -1)
			return -1;
		for (i = 0; i < l->n; i++) {
			const struct ynode *it = n->kind == Y_SCALAR ? n :
			    n->items[i];
			if (f->type == F_TMPLLIST &&
			    check_template(ld, it, l->v[i], f->key) == -1)
				rc = -1;
			if (f->type == F_IDLIST && !is_id(l->v[i])) {
				err_at(ld, it, "\"%s\" is not a procedure id "
				    "(lower-case letters, digits, '-')",
				    l->v[i]);
				rc = -1;
			}
			if (f->type == F_ENUMLIST &&
			    !in_enum(f->enums, l->v[i])) {
				err_at(ld, it, "%s \"%s\" is not one of: %s",
				    f->key, l->v[i], enum_list(f->enums, list,
				    sizeof(list)));
				rc = -1;
			}
		}
		return rc;
	}
	case F_LIST:
		return decode_list(ld, n, f, obj);
	case F_OBJ:
		sub = arena_calloc(ld->rb->arena, 1, f->sub->size);
		memcpy((char *)obj + f->off, &sub, sizeof(sub));
		return decode_map(ld, f->sub, n, sub);
	case F_CUSTOM:
		return f->fn(ld, n, obj, f);
	case F_NONE:
	case F_LLONG:
	case F_CHECKS:
	case F_ROWS:
		fatal("runbook: field \"%s\" has a storage type as its type",
		    f->key);
	}
	return -1;
}

/* A field's value, as decode_map decodes it: "key:" with nothing is absent. */
static int
decode_value(struct loader *ld, const struct field *f, const struct ynode *v,
    void *obj)
{
	if (ynode_is_null(v) && !f->required && f->type != F_TEXT &&
	    f->type != F_TMPL)
		return 0;
	return decode_field(ld, f, v, obj);
}

static int
decode_map(struct loader *ld, const struct schema *sc, const struct ynode *n,
    void *obj)
{
	const struct ynode	 *k, *v;
	const char		**keys, *near;
	char			  list[512];
	size_t			  i, j, used;
	int			  rc = 0, found;

	if (n->kind != Y_MAP) {
		err_at(ld, n, "a %s must be a mapping (key: value lines), not "
		    "a %s", sc->what, ynode_kind_name(n));
		return -1;
	}
	/* Unknown keys first: a misspelt key explains a "missing" one. */
	for (i = 0; i < n->n; i++) {
		k = n->items[2 * i];
		for (j = 0; j < sc->nfields; j++)
			if (strcmp(sc->fields[j].key, k->str) == 0)
				break;
		if (j < sc->nfields)
			continue;
		keys = xreallocarray(NULL, sc->nfields, sizeof(*keys));
		for (j = 0, used = 0; j < sc->nfields; j++) {
			keys[j] = sc->fields[j].key;
			used += (size_t)snprintf(list + used, used <
			    sizeof(list) ? sizeof(list) - used : 0, "%s%s",
			    j ? ", " : "", keys[j]);
		}
		near = closest_word(k->str, keys, sc->nfields);
		if (near != NULL)
			err_at(ld, k, "unknown key \"%s\" in %s; did you mean "
			    "\"%s\"?", k->str, sc->what, near);
		else
			err_at(ld, k, "unknown key \"%s\" in %s; expected "
			    "one of: %s", k->str, sc->what, list);
		free(keys);
		rc = -1;
	}
	/* Fields in schema order, so that what later fields depend on (vars
	 * before procedures, `on` before steps) is decoded first. */
	for (j = 0; j < sc->nfields; j++) {
		found = 0;
		for (i = 0; i < n->n; i++) {
			k = n->items[2 * i];
			if (strcmp(sc->fields[j].key, k->str) != 0)
				continue;
			v = n->items[2 * i + 1];
			found = 1;
			if (decode_value(ld, &sc->fields[j], v, obj) == -1)
				rc = -1;
			break;
		}
		if (!found && sc->fields[j].required) {
			err_at(ld, n, "%s has no \"%s\" (required)", sc->what,
			    sc->fields[j].key);
			rc = -1;
		}
	}
	if (sc->post != NULL && sc->post(ld, n, obj) == -1)
		rc = -1;
	return rc;
}

/* Conditions. */

struct cond_ctx {
	struct loader		*ld;
	const struct ynode	*node;
	int			 bad;
};

static void
cond_pos(struct loader *ld, const struct ynode *n, size_t off, int *line,
    int *col)
{
	(void)ld;
	*line = n->line;
	*col = n->col;
	/* Exact for one-line values; a block scalar points at its start. */
	if (n->line == n->end_line || (n->style != Y_BLOCK &&
	    n->end_line == n->line + 1 && n->end_col == 1))
		*col = n->col + (int)off + (n->style == Y_QUOTED ? 1 : 0);
}

static void
cond_var_cb(void *arg, const char *name, size_t off)
{
	struct cond_ctx		*cc = arg;
	const struct rb_var	*v;
	int			 line, col;

	if ((v = runbook_var(cc->ld->rb, name)) != NULL) {
		if (v->per_host == NULL || per_host_ok(cc->ld, v)) {
			record_use(cc->ld, v);
			return;
		}
		cond_pos(cc->ld, cc->node, off, &line, &col);
		per_host_err(cc->ld, line, col, v, name);
		cc->bad = 1;
		return;
	}
	cond_pos(cc->ld, cc->node, off, &line, &col);
	err(cc->ld, line, col, "when: \"%s\" is not a declared variable",
	    name);
	cc->bad = 1;
}

static void
cond_cmp_cb(void *arg, const char *name, const char *lit, size_t off)
{
	struct cond_ctx		*cc = arg;
	const struct rb_var	*v = runbook_var(cc->ld->rb, name);
	char			 why[160];
	int			 line, col;

	if (v == NULL)
		return;		/* reported by cond_var_cb */
	if (v->spec.type != VT_CHOICE && v->spec.type != VT_BOOL)
		return;
	if (vartype_check(&v->spec, lit, NULL, why, sizeof(why)) == 0)
		return;
	cond_pos(cc->ld, cc->node, off, &line, &col);
	if (v->spec.type == VT_BOOL)
		err(cc->ld, line, col, "when: %s is a bool (true or false), "
		    "never \"%s\"", name, lit);
	else {
		struct buf	b;
		size_t		i;

		buf_init(&b);
		for (i = 0; i < v->spec.nchoices; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", v->spec.choices[i]);
		err(cc->ld, line, col, "when: \"%s\" is not a choice of %s "
		    "(%s), so this is never true", lit, name, b.s);
		buf_free(&b);
	}
	cc->bad = 1;
}

static int
decode_cond(struct loader *ld, const struct ynode *n, const struct field *f,
    void *obj)
{
	struct cond_ctx	 cc = { ld, n, 0 };
	struct cond	*c;
	const char	*s;
	char		 why[200];
	size_t		 erroff;
	int		 line, col;

	if (want_scalar(ld, n, f->key, "a condition such as "
	    "transport == \"tls\"") == -1)
		return -1;
	s = trimmed(ld, n);
	if (cond_parse(s, ld->rb->arena, &c, &erroff, why, sizeof(why)) ==
	    -1) {
		cond_pos(ld, n, erroff, &line, &col);
		err(ld, line, col, "when: %s", why);
		return -1;
	}
	/* Decided per instance, in its scope, even on an ssh check. */
	ld->in_when++;
	cond_walk_vars(c, cond_var_cb, &cc);
	ld->in_when--;
	cond_walk_compare(c, cond_cmp_cb, &cc);
	if (cc.bad)
		return -1;
	set_str(obj, f->off, s);
	memcpy((char *)obj + f->off2, &c, sizeof(c));
	return 0;
}

/* Variables. */

static int
var_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_var		*v = obj;
	const struct rb_var	*o;
	const struct ynode	*dn, *tn;
	const char *const	*names;
	const char		**rnames, *near;
	char			 why[200], list[256];
	char			*norm;
	size_t			 i, j, nn, old;
	int			 t;

	dn = ymap_get(n, "name") ? ymap_get(n, "name") : n;
	v->pos.line = dn->line;
	v->pos.col = dn->col;
	if (v->name == NULL || v->type_name == NULL)
		return -1;
	if (is_builtin(v->name)) {
		err_at(ld, ymap_get(n, "name"), "variable \"%s\" is built in (the procedure's "
		    "host); choose another name", v->name);
		return -1;
	}
	if (strmap_put(&ld->rb->var_index, v->name,
	    (size_t)(v - ld->rb->vars), &old)) {
		err_at(ld, ymap_get(n, "name"), "duplicate variable \"%s\" (first at line %d "
		    "column %d)", v->name, ld->rb->vars[old].pos.line,
		    ld->rb->vars[old].pos.col);
		return -1;
	}
	tn = ymap_get(n, "type");
	if ((t = vartype_from_name(v->type_name)) == -1) {
		names = vartype_names(&nn);
		near = closest_word(v->type_name, names, nn);
		if (near != NULL)
			err_at(ld, tn, "type \"%s\" of %s is not a variable "
			    "type; did you mean \"%s\"?", v->type_name,
			    v->name, near);
		else
			err_at(ld, tn, "type \"%s\" of %s is not a variable "
			    "type; expected one of: %s", v->type_name, v->name,
			    join_words(names, nn, list, sizeof(list)));
		return -1;
	}
	v->spec.type = (enum vartype)t;
	if (v->reverses != NULL) {
		o = runbook_var(ld->rb, v->reverses);
		if (t != VT_ROUTE_PATTERN) {
			err_at(ld, ymap_get(n, "reverses"), "reverses is for a "
			    "variable of type route-pattern, and %s is a %s",
			    v->name, v->type_name);
			return -1;
		}
		if (o == NULL || o == v || (o->spec.type != VT_FQDN &&
		    o->spec.type != VT_HOST) || o->per_host != NULL) {
			err_at(ld, ymap_get(n, "reverses"), "reverses \"%s\" of "
			    "%s must name a variable of type fqdn, for the "
			    "deployment, declared before it", v->reverses,
			    v->name);
			return -1;
		}
	}
	if (v->per_host != NULL && (v->role = runbook_role(ld->rb,
	    v->per_host)) == NULL) {
		dn = ymap_get(n, "per_host");
		rnames = xreallocarray(NULL, ld->rb->nroles + 1,
		    sizeof(*rnames));
		for (i = 0; i < ld->rb->nroles; i++)
			rnames[i] = ld->rb->roles[i].id ? ld->rb->roles[i].id :
			    "";
		near = closest_word(v->per_host, rnames, ld->rb->nroles);
		err_at(ld, dn, "per_host \"%s\" of %s is not a declared role%s"
		    "%s%s", v->per_host, v->name, near ? "; did you mean \"" :
		    " (declare it under roles:)", near ? near : "", near ?
		    "\"?" : "");
		free(rnames);
		return -1;
	}
	if (v->choices.n > 0 && t != VT_CHOICE) {
		dn = ymap_get(n, "choices");
		err_at(ld, dn, "\"choices\" is only for type choice; %s is a "
		    "%s", v->name, v->type_name);
		return -1;
	}
	if (t == VT_CHOICE) {
		if ((dn = ymap_get(n, "choices")) != NULL && v->choices.n == 0) {
			err_at(ld, dn, "\"choices\" of %s is empty; list the "
			    "values, e.g. [tcp, tls]", v->name);
			return -1;
		}
		if (v->choices.n == 0) {
			err_at(ld, n, "variable %s is a choice but has no "
			    "\"choices\" list", v->name);
			return -1;
		}
		for (i = 1; i < v->choices.n; i++)
			for (j = 0; j < i; j++)
				if (strcmp(v->choices.v[i], v->choices.v[j]) ==
				    0) {
					err(ld, v->choices.pos[i].line,
					    v->choices.pos[i].col, "choice "
					    "\"%s\" of %s is listed twice",
					    v->choices.v[i], v->name);
					return -1;
				}
		v->spec.choices = v->choices.v;
		v->spec.nchoices = v->choices.n;
	}
	if ((ymap_get(n, "min") != NULL || ymap_get(n, "max") != NULL) &&
	    t != VT_INT) {
		dn = ymap_get(n, "min") ? ymap_get(n, "min") : ymap_get(n, "max");
		err_at(ld, dn, "\"min\"/\"max\" are only for type int; %s is a "
		    "%s", v->name, v->type_name);
		return -1;
	}
	v->spec.has_min = v->has_min;
	v->spec.has_max = v->has_max;
	v->spec.min = v->min;
	v->spec.max = v->max;
	if (v->has_min && v->has_max && v->min > v->max) {
		err_at(ld, ymap_get(n, "min"), "min %lld is above max %lld",
		    v->min, v->max);
		return -1;
	}
	if (v->def != NULL) {
		dn = ymap_get(n, "default");
		if (vartype_check(&v->spec, v->def, &norm, why, sizeof(why)) ==
		    -1) {
			err_at(ld, dn, "default \"%s\" of %s %s", v->def,
			    v->name, why);
			return -1;
		}
		v->def = arena_strdup(ld->rb->arena, norm);
		free(norm);
	}
	return 0;
}

static int
decode_bound(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	long long	 x;
	char		*end;
	struct rb_var	*v = obj;

	if (want_scalar(ld, n, f->key, "an integer") == -1)
		return -1;
	x = strtoll(n->str, &end, 10);
	if (*end != '\0' || end == n->str) {
		err_at(ld, n, "\"%s\" must be an integer, not \"%s\"", f->key,
		    n->str);
		return -1;
	}
	if (strcmp(f->key, "min") == 0) {
		v->min = x;
		v->has_min = 1;
	} else {
		v->max = x;
		v->has_max = 1;
	}
	return 0;
}

static int
decode_choices(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	struct rb_var	*v = obj;

	if (n->kind != Y_SEQ) {
		err_at(ld, n, "\"%s\" must be a list: [a, b]", f->key);
		return -1;
	}
	if (n->n == 0)
		return 0;	/* var_post says it is empty, where */
	return decode_strlist(ld, n, f->key, "a value", &v->choices, 0);
}

static const struct field var_fields[] = {
	{ .key = "name", .type = F_NAME, .required = 1,
	    .off = offsetof(struct rb_var, name), .expect = "a variable name" },
	FIELD("prompt", F_TEXT, 1, struct rb_var, prompt),
	{ .key = "type", .type = F_TEXT, .required = 1,
	    .off = offsetof(struct rb_var, type_name), .expect = "a type" },
	{ .key = "choices", .type = F_CUSTOM, .fn = decode_choices,
	    .store = F_ENUMLIST, .off = offsetof(struct rb_var, choices) },
	{ .key = "min", .type = F_CUSTOM, .fn = decode_bound,
	    .store = F_LLONG, .off = offsetof(struct rb_var, min),
	    .off2 = offsetof(struct rb_var, has_min) },
	{ .key = "max", .type = F_CUSTOM, .fn = decode_bound,
	    .store = F_LLONG, .off = offsetof(struct rb_var, max),
	    .off2 = offsetof(struct rb_var, has_max) },
	FIELD("default", F_TEXT, 0, struct rb_var, def),
	FIELD("help", F_TEXT, 0, struct rb_var, help),
	{ .key = "per_host", .type = F_NAME, .off = offsetof(struct rb_var,
	    per_host), .expect = "a role id" },
	{ .key = "reverses", .type = F_NAME, .off = offsetof(struct rb_var,
	    reverses), .expect = "a variable name" },
};

static const struct schema var_schema = {
	"variable", sizeof(struct rb_var), var_fields, nitems(var_fields),
	var_post
};

/* Roles. */

static int
role_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_role		*r = obj;
	const char *const	*names;
	const char		*near;
	char			 list[128];
	size_t			 nn, old;

	if (ymap_get(n, "id") != NULL) {
		r->pos.line = ymap_get(n, "id")->line;
		r->pos.col = ymap_get(n, "id")->col;
	}
	if (r->id == NULL)
		return -1;
	if (strmap_put(&ld->rb->role_index, r->id,
	    (size_t)(r - ld->rb->roles), &old)) {
		err_at(ld, ymap_get(n, "id"), "duplicate role \"%s\" (first at line %d column "
		    "%d)", r->id, ld->rb->roles[old].pos.line,
		    ld->rb->roles[old].pos.col);
		return -1;
	}
	if (r->profile_name == NULL)
		return -1;
	if ((r->profile = profile_find(r->profile_name)) == NULL) {
		names = profile_names(&nn);
		near = closest_word(r->profile_name, names, nn);
		if (near != NULL)
			err_at(ld, ymap_get(n, "profile"), "profile \"%s\" of "
			    "role %s is not a device profile; did you mean "
			    "\"%s\"?", r->profile_name, r->id, near);
		else
			err_at(ld, ymap_get(n, "profile"), "profile \"%s\" of "
			    "role %s is not a device profile; expected one of: "
			    "%s", r->profile_name, r->id, join_words(names, nn,
			    list, sizeof(list)));
		return -1;
	}
	return 0;
}

static const struct field role_fields[] = {
	{ .key = "id", .type = F_NAME, .required = 1,
	    .off = offsetof(struct rb_role, id), .expect = "a role id" },
	FIELD("title", F_TEXT, 1, struct rb_role, title),
	{ .key = "profile", .type = F_TEXT, .required = 1,
	    .off = offsetof(struct rb_role, profile_name),
	    .expect = "a device profile" },
	FIELD("many", F_BOOL, 0, struct rb_role, many),
	FIELD("help", F_TEXT, 0, struct rb_role, help),
};

static const struct schema role_schema = {
	"role", sizeof(struct rb_role), role_fields, nitems(role_fields),
	role_post
};

/* Tables. */

static int
decode_rows(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	struct rb_table		*t = obj;
	const struct ynode	*row, *cell;
	size_t			 i, j, ncols = t->columns.n;
	int			 rc = 0;

	(void)f;
	if (n->kind != Y_SEQ) {
		err_at(ld, n, "\"rows\" must be a list of rows, each a list of "
		    "cells");
		return -1;
	}
	if (ncols == 0) {
		if (t->columns.v != NULL)
			return -1;	/* columns already reported */
		err_at(ld, n, "the table has no columns; give \"columns\" "
		    "before its rows");
		return -1;
	}
	t->cells = arena_calloc(ld->rb->arena, n->n * ncols + 1,
	    sizeof(*t->cells));
	t->nrows = n->n;
	for (i = 0; i < n->n; i++) {
		row = n->items[i];
		if (row->kind != Y_SEQ) {
			err_at(ld, row, "a table row must be a list of cells: "
			    "[a, b]");
			rc = -1;
			continue;
		}
		if (row->n != ncols) {
			err_at(ld, row, "table row has %zu cell%s; the table "
			    "has %zu column%s", row->n, row->n == 1 ? "" :
			    "s", ncols, ncols == 1 ? "" : "s");
			rc = -1;
			continue;
		}
		for (j = 0; j < ncols; j++) {
			cell = row->items[j];
			if (cell->kind != Y_SCALAR) {
				err_at(ld, cell, "a table cell must be text, "
				    "not a %s", ynode_kind_name(cell));
				rc = -1;
				continue;
			}
			t->cells[i * ncols + j] = trimmed(ld, cell);
			if (check_template(ld, cell, t->cells[i * ncols + j],
			    "table") == -1)
				rc = -1;
		}
	}
	return rc;
}

static int
table_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_table	*t = obj;

	(void)ld;
	t->pos.line = n->line;
	t->pos.col = n->col;
	return 0;
}

static const struct field table_fields[] = {
	FIELD("title", F_TMPL, 0, struct rb_table, title),
	{ .key = "columns", .type = F_TMPLLIST, .required = 1,
	    .off = offsetof(struct rb_table, columns),
	    .expect = "a column name" },
	{ .key = "rows", .type = F_CUSTOM, .required = 1, .fn = decode_rows,
	    .store = F_ROWS },
};

static const struct schema table_schema = {
	"table", sizeof(struct rb_table), table_fields, nitems(table_fields),
	table_post
};

/* Checks. */

static const char *const proto_enum[] = { "tls1.0", "tls1.1", "tls1.2",
    "tls1.3", NULL };
static const char *const eku_enum[] = { "serverAuth", "clientAuth", NULL };
static const char *const mtls_enum[] = { "none", "requested", "required",
    NULL };
static const char *const certkind_enum[] = { "chain", "cert", "csr", NULL };
static const char *const dnstype_enum[] = { "A", "AAAA", "SRV", NULL };
/* The kinds of failure a fix answers (check.c names each failure so). */
static const char *const fixon_enum[] = { "any", "connect", "refused",
    "client_cert", "chain", "name", "eku", "validity", "answer", "tls",
    "status", "closed", "timeout", "client_eku", "client_ca",
    "client_validity", NULL };

static const char *
expand_probe(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return "x";
}

static int
ssh_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_check		*c = obj;
	const struct ynode	*rn = ymap_get(n, "role"), *cn;
	const char		*rid, *why;
	char			*re, msg[200];
	regex_t			 rx;
	size_t			 i, off;
	int			 rc, x, line, col;

	rid = c->role_id != NULL ? c->role_id : ld->proc ? ld->proc->on : NULL;
	if (rid == NULL) {
		err_at(ld, n, "ssh check has no \"role\" and its procedure has "
		    "no \"on:\"; say where the command runs");
		return -1;
	}
	if ((c->role = runbook_role(ld->rb, rid)) == NULL) {
		if (c->role_id != NULL)
			err_at(ld, rn, "role \"%s\" is not declared under "
			    "roles", rid);
		return -1;
	}
	if (c->role->profile == NULL)
		return -1;	/* the role's bad profile is reported there */
	if (c->role->profile->channel == CHAN_NONE) {
		err_at(ld, rn ? rn : n, "ssh check on role %s, whose profile "
		    "is none (fedwiz has no SSH access there)", rid);
		return -1;
	}
	if (c->command == NULL)
		return -1;
	if (quote_template_check(c->role->profile, c->command, &off,
	    &why) == -1) {
		cn = ymap_get(n, "command");
		ydoc_locate(ld->doc, cn != NULL ? cn : n, "${",
		    occurrence(c->command, "${", off), &line, &col);
		err(ld, line, col, "the reference in this %s command stands "
		    "where no quoting can keep an answer from changing what "
		    "the command does: %s", c->role->profile->name, why);
		return -1;
	}
	if (c->contains.n + c->regex.n + c->absent.n == 0 &&
	    c->exit_status == NULL) {
		err_at(ld, n, "ssh check has no expectation (contains, regex, "
		    "absent or exit): it could never fail");
		return -1;
	}
	for (i = 0; i < c->regex.n; i++) {
		re = tmpl_expand(c->regex.v[i], expand_probe, NULL);
		if ((rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(rc, &rx, msg, sizeof(msg));
			err(ld, c->regex.pos[i].line, c->regex.pos[i].col,
			    "regex does not compile: %s", msg);
			free(re);
			return -1;
		}
		regfree(&rx);
		free(re);
	}
	/* How long the command may run in all: a slow cmdlet's author says
	 * so here rather than every operator with --timeout. */
	if (c->timeout != NULL) {
		for (i = 0; c->timeout[i] >= '0' && c->timeout[i] <= '9' &&
		    i < 6; i++)
			;
		if (i == 0 || c->timeout[i] != '\0' ||
		    (x = atoi(c->timeout)) < 1 || x > 86400) {
			err_at(ld, ymap_get(n, "timeout"), "timeout \"%s\" is "
			    "not a number of seconds from 1 to 86400",
			    c->timeout);
			return -1;
		}
		c->timeout_ms = (int64_t)x * 1000;
	}
	if (c->exit_status != NULL) {
		if (c->role->profile->channel != CHAN_EXEC) {
			err_at(ld, ymap_get(n, "exit"), "\"exit\" is only for "
			    "exec profiles (windows, linux); %s is %s", rid,
			    c->role->profile->name);
			return -1;
		}
		if (sscanf(c->exit_status, "%d", &x) != 1 || x < 0 || x > 255) {
			err_at(ld, ymap_get(n, "exit"), "exit status \"%s\" is "
			    "not 0-255", c->exit_status);
			return -1;
		}
	}
	return 0;
}

static int
tls_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_check	*c = obj;
	const char	*p;

	if (c->min != NULL && c->max != NULL && strcmp(c->min, c->max) > 0) {
		err_at(ld, ymap_get(n, "min"), "min %s is above max %s",
		    c->min, c->max);
		return -1;
	}
	if (c->cipher != NULL && strcmp(c->cipher, "3des") != 0) {
		p = c->cipher;
		if (strlen(p) != 6 || p[0] != '0' || (p[1] != 'x' &&
		    p[1] != 'X') || !isxdigit((unsigned char)p[2]) ||
		    !isxdigit((unsigned char)p[3]) ||
		    !isxdigit((unsigned char)p[4]) ||
		    !isxdigit((unsigned char)p[5])) {
			err_at(ld, ymap_get(n, "cipher"), "cipher \"%s\" is not "
			    "3des or a suite id like 0x000A", c->cipher);
			return -1;
		}
	}
	return 0;
}

/* A sip check: what can be checked before the values are known. */
static int
sip_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_check	*c = obj;
	char		 why[160];

	if (c->min != NULL && c->max != NULL && strcmp(c->min, c->max) > 0) {
		err_at(ld, ymap_get(n, "min"), "min %s is above max %s",
		    c->min, c->max);
		return -1;
	}
	if (c->key_file != NULL && c->cert_file == NULL) {
		err_at(ld, ymap_get(n, "client_key"), "client_key without "
		    "client_cert: give the certificate this side presents too");
		return -1;
	}
	if (c->status != NULL && sip_status_spec(c->status, why,
	    sizeof(why)) == -1) {
		err_at(ld, ymap_get(n, "status"), "status %s", why);
		return -1;
	}
	if (c->from != NULL && strstr(c->from, "${") == NULL &&
	    sip_uri_check(c->from, why, sizeof(why)) == -1) {
		err_at(ld, ymap_get(n, "from"), "from \"%s\" %s", c->from,
		    why);
		return -1;
	}
	if (c->to != NULL && strstr(c->to, "${") == NULL &&
	    sip_uri_check(c->to, why, sizeof(why)) == -1) {
		err_at(ld, ymap_get(n, "to"), "to \"%s\" %s", c->to, why);
		return -1;
	}
	return 0;
}

static int
no_post(struct loader *ld, const struct ynode *n, void *obj)
{
	(void)ld;
	(void)n;
	(void)obj;
	return 0;
}

/* A literal expectation must be an answer the record type can give. */
static int
dns_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_check	*c = obj;
	const char	*type = c->dns_type ? c->dns_type : "A", *e, *colon;
	struct varspec	 host = { .type = VT_HOST }, port = { .type = VT_PORT };
	struct varspec	 ip = { .type = VT_IPV4 };
	char		 why[200], *target;
	size_t		 i;
	int		 bad;

	(void)n;
	if (strcmp(type, "AAAA") == 0)
		ip.type = VT_IP;
	for (i = 0; i < c->expect.n; i++) {
		e = c->expect.v[i];
		if (strstr(e, "${") != NULL)
			continue;	/* checked when it has its value */
		if (strcmp(type, "SRV") == 0) {
			colon = strrchr(e, ':');
			bad = colon == NULL;
			if (!bad) {
				target = xstrndup(e, (size_t)(colon - e));
				bad = vartype_check(&host, target, NULL, why,
				    sizeof(why)) == -1 || vartype_check(&port,
				    colon + 1, NULL, why, sizeof(why)) == -1;
				free(target);
			}
			if (bad) {
				err(ld, c->expect.pos[i].line,
				    c->expect.pos[i].col, "SRV answer \"%s\" "
				    "is not target:port, e.g. "
				    "sip.example.com:5061", e);
				return -1;
			}
		} else if (vartype_check(&ip, e, NULL, why, sizeof(why)) ==
		    -1 || (strcmp(type, "AAAA") == 0 && strchr(e, ':') ==
		    NULL)) {
			err(ld, c->expect.pos[i].line, c->expect.pos[i].col,
			    "%s answer \"%s\" is not an %s address", type, e,
			    strcmp(type, "AAAA") == 0 ? "IPv6" : "IPv4");
			return -1;
		}
	}
	return 0;
}

/* A sip check's final status as a class of failure: status_403. */
static int
is_status_class(const char *s)
{
	return strncmp(s, "status_", 7) == 0 && strlen(s) == 10 &&
	    s[7] >= '2' && s[7] <= '6' && isdigit((unsigned char)s[8]) &&
	    isdigit((unsigned char)s[9]);
}

static int
fix_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_fix	*f = obj;
	char		 list[256];

	f->pos.line = n->line;
	f->pos.col = n->col;
	if (f->on != NULL && !in_enum(fixon_enum, f->on) &&
	    !is_status_class(f->on)) {
		err_at(ld, ymap_get(n, "on"), "on \"%s\" is not one of: %s, "
		    "status_NNN (a final SIP status, e.g. status_403)", f->on,
		    enum_list(fixon_enum, list, sizeof(list)));
		return -1;
	}
	if (f->on != NULL && strcmp(f->on, "any") == 0)
		f->on = NULL;
	return 0;
}

static const struct field fix_fields[] = {
	/* An enum, or status_NNN: fix_post checks it. */
	{ .key = "on", .type = F_TEXT, .off = offsetof(struct rb_fix, on),
	    .expect = "a class of failure" },
	{ .key = "procedure", .type = F_ID, .required = 1,
	    .off = offsetof(struct rb_fix, procedure),
	    .expect = "a procedure id" },
	FIELD("hint", F_TMPL, 0, struct rb_fix, hint),
};

static const struct schema fix_schema = { "fix", sizeof(struct rb_fix),
    fix_fields, nitems(fix_fields), fix_post };

/* fix: one mapping, or a list of them. */
static int
decode_fixes(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	struct rb_check	*c = obj;
	size_t		 i, count;
	int		 rc = 0;

	(void)f;
	if (n->kind != Y_MAP && (n->kind != Y_SEQ || n->n == 0)) {
		err_at(ld, n, "\"fix\" is {procedure: ID, on: KIND, hint: "
		    "TEXT} or a list of those");
		return -1;
	}
	count = n->kind == Y_SEQ ? n->n : 1;
	c->fixes = arena_calloc(ld->rb->arena, count, sizeof(*c->fixes));
	c->nfixes = count;
	ld->in_fix++;
	for (i = 0; i < count; i++)
		if (decode_map(ld, &fix_schema, n->kind == Y_SEQ ?
		    n->items[i] : n, &c->fixes[i]) == -1)
			rc = -1;
	ld->in_fix--;
	return rc;
}

/* The keys several check kinds share, said once. */
#define WHEN_FIELD { .key = "when", .type = F_COND, \
	.off = offsetof(struct rb_check, when_src), \
	.off2 = offsetof(struct rb_check, when) }
#define HOST_FIELD { .key = "host", .type = F_HOST, .required = 1, \
	.off = offsetof(struct rb_check, host), .expect = "a host" }
#define PORT_FIELD { .key = "port", .type = F_PORT, .required = 1, \
	.off = offsetof(struct rb_check, port), .expect = "a port" }
#define EKU_FIELD { .key = "eku", .type = F_ENUMLIST, \
	.off = offsetof(struct rb_check, eku), .enums = eku_enum, \
	.expect = "serverAuth or clientAuth" }
#define FIX_FIELD { .key = "fix", .type = F_CUSTOM, .fn = decode_fixes, \
	.store = F_LIST, .sub = &fix_schema, \
	.off = offsetof(struct rb_check, fixes), \
	.off2 = offsetof(struct rb_check, nfixes) }

static const struct field ssh_fields[] = {
	WHEN_FIELD,
	{ .key = "role", .type = F_NAME, .off = offsetof(struct rb_check,
	    role_id), .expect = "a role id" },
	FIELD("command", F_TMPL, 1, struct rb_check, command),
	FIELD("contains", F_TMPLLIST, 0, struct rb_check, contains),
	FIELD("regex", F_TMPLLIST, 0, struct rb_check, regex),
	FIELD("absent", F_TMPLLIST, 0, struct rb_check, absent),
	{ .key = "exit", .type = F_TEXT, .off = offsetof(struct rb_check,
	    exit_status), .expect = "an exit status 0-255" },
	{ .key = "timeout", .type = F_TEXT, .off = offsetof(struct rb_check,
	    timeout), .expect = "seconds, 1-86400" },
	FIX_FIELD,
};

static const struct field tls_fields[] = {
	WHEN_FIELD,
	HOST_FIELD,
	PORT_FIELD,
	{ .key = "min", .type = F_ENUM, .off = offsetof(struct rb_check, min),
	    .enums = proto_enum },
	{ .key = "max", .type = F_ENUM, .off = offsetof(struct rb_check, max),
	    .enums = proto_enum },
	FIELD("cipher", F_TEXT, 0, struct rb_check, cipher),
	FIELD("name", F_TMPL, 0, struct rb_check, name),
	FIELD("subject_cn", F_TMPL, 0, struct rb_check, subject_cn),
	FIELD("ca", F_TMPL, 0, struct rb_check, ca),
	EKU_FIELD,
	{ .key = "client_cert", .type = F_ENUM, .off = offsetof(struct rb_check,
	    client_cert), .enums = mtls_enum },
	FIX_FIELD,
};

static const struct field x509_fields[] = {
	WHEN_FIELD,
	FIELD("file", F_TMPL, 1, struct rb_check, file),
	{ .key = "kind", .type = F_ENUM, .off = offsetof(struct rb_check,
	    cert_kind), .enums = certkind_enum },
	FIELD("name", F_TMPL, 0, struct rb_check, name),
	FIELD("subject_cn", F_TMPL, 0, struct rb_check, subject_cn),
	EKU_FIELD,
	FIX_FIELD,
};

static const struct field dns_fields[] = {
	WHEN_FIELD,
	FIELD("name", F_TMPL, 1, struct rb_check, name),
	{ .key = "type", .type = F_ENUM, .off = offsetof(struct rb_check,
	    dns_type), .enums = dnstype_enum },
	FIELD("expect", F_TMPLLIST, 0, struct rb_check, expect),
	FIX_FIELD,
};

static const struct field tcp_fields[] = {
	WHEN_FIELD,
	HOST_FIELD,
	PORT_FIELD,
	FIX_FIELD,
};

static const struct field sip_fields[] = {
	WHEN_FIELD,
	HOST_FIELD,
	PORT_FIELD,
	{ .key = "min", .type = F_ENUM, .off = offsetof(struct rb_check, min),
	    .enums = proto_enum },
	{ .key = "max", .type = F_ENUM, .off = offsetof(struct rb_check, max),
	    .enums = proto_enum },
	FIELD("name", F_TMPL, 0, struct rb_check, name),
	FIELD("ca", F_TMPL, 0, struct rb_check, ca),
	EKU_FIELD,
	FIELD("client_cert", F_TMPL, 0, struct rb_check, cert_file),
	FIELD("client_key", F_TMPL, 0, struct rb_check, key_file),
	FIELD("from", F_TMPL, 0, struct rb_check, from),
	FIELD("to", F_TMPL, 0, struct rb_check, to),
	{ .key = "status", .type = F_TEXT, .off = offsetof(struct rb_check,
	    status), .expect = "final SIP statuses such as 2xx or 200" },
	FIX_FIELD,
};

static const struct schema ssh_schema = { "ssh check", sizeof(struct rb_check),
    ssh_fields, nitems(ssh_fields), ssh_post };
static const struct schema tls_schema = { "tls check", sizeof(struct rb_check),
    tls_fields, nitems(tls_fields), tls_post };
static const struct schema x509_schema = { "x509 check",
    sizeof(struct rb_check), x509_fields, nitems(x509_fields), no_post };
static const struct schema dns_schema = { "dns check", sizeof(struct rb_check),
    dns_fields, nitems(dns_fields), dns_post };
static const struct schema tcp_schema = { "tcp check", sizeof(struct rb_check),
    tcp_fields, nitems(tcp_fields), no_post };
static const struct schema sip_schema = { "sip check", sizeof(struct rb_check),
    sip_fields, nitems(sip_fields), sip_post };

static const struct check_kind {
	const char		*name;
	enum rb_check_kind	 kind;
	const struct schema	*schema;	/* NULL: a text (manual) */
} check_kinds[] = {
	{ "ssh", CK_SSH, &ssh_schema },
	{ "tls", CK_TLS, &tls_schema },
	{ "x509", CK_X509, &x509_schema },
	{ "dns", CK_DNS, &dns_schema },
	{ "tcp", CK_TCP, &tcp_schema },
	{ "sip", CK_SIP, &sip_schema },
	{ "manual", CK_MANUAL, NULL },
};

const char *
rb_check_kind_name(enum rb_check_kind k)
{
	size_t	i;

	for (i = 0; i < nitems(check_kinds); i++)
		if (check_kinds[i].kind == k)
			return check_kinds[i].name;
	return "?";
}

static int
decode_one_check(struct loader *ld, const struct ynode *n, struct rb_check *c)
{
	const struct check_kind	*ck = NULL;
	const struct ynode	*k, *v, *rn;
	const char		*names[nitems(check_kinds)], *near;
	char			 list[64];
	size_t			 i;
	int			 rc;

	for (i = 0; i < nitems(check_kinds); i++)
		names[i] = check_kinds[i].name;
	if (n->kind != Y_MAP || n->n != 1) {
		err_at(ld, n, "a check is a mapping with exactly one of %s%s",
		    join_words(names, nitems(names), list, sizeof(list)),
		    n->kind == Y_MAP && n->n > 1 ? " (use a list for several "
		    "checks)" : "");
		return -1;
	}
	k = n->items[0];
	v = n->items[1];
	for (i = 0; i < nitems(check_kinds); i++) {
		if (strcmp(check_kinds[i].name, k->str) == 0)
			ck = &check_kinds[i];
	}
	if (ck == NULL) {
		near = closest_word(k->str, names, nitems(names));
		if (near != NULL)
			err_at(ld, k, "unknown check \"%s\"; did you mean "
			    "\"%s\"?", k->str, near);
		else
			err_at(ld, k, "unknown check \"%s\"; expected one of: "
			    "%s", k->str, join_words(names, nitems(names), list,
			    sizeof(list)));
		return -1;
	}
	c->kind = ck->kind;
	c->pos.line = k->line;
	c->pos.col = k->col;
	if (ck->schema == NULL) {
		if (want_scalar(ld, v, "manual", "what the operator "
		    "confirms") == -1)
			return -1;
		c->text = trimmed(ld, v);
		return check_template(ld, v, c->text, "manual");
	}
	/* An ssh check's text is about the host its command runs on: the
	 * role is known before its fields decode. */
	ld->in_check = 1;
	ld->check_uses.n = 0;
	if (ck->kind == CK_SSH) {
		ld->in_ssh = 1;
		rn = ymap_get(v, "role");
		ld->ssh_role = rn != NULL && rn->kind == Y_SCALAR ?
		    runbook_role(ld->rb, rn->str) : ld->proc != NULL ?
		    ld->proc->role : NULL;
	}
	rc = decode_map(ld, ck->schema, v, c);
	uses_take(ld, &ld->check_uses, &c->uses, &c->nuses);
	ld->in_check = ld->in_ssh = 0;
	ld->ssh_role = NULL;
	return rc;
}

static int
decode_checks(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	struct rb_step	*s = obj;
	size_t		 i, count;
	int		 rc = 0;

	(void)f;
	if (n->kind == Y_SEQ && n->n == 0) {
		err_at(ld, n, "\"check\" is an empty list; give a check or "
		    "leave the key out (the operator then confirms)");
		return -1;
	}
	count = n->kind == Y_SEQ ? n->n : 1;
	s->checks = arena_calloc(ld->rb->arena, count ? count : 1,
	    sizeof(*s->checks));
	s->nchecks = count;
	for (i = 0; i < count; i++)
		if (decode_one_check(ld, n->kind == Y_SEQ ? n->items[i] : n,
		    &s->checks[i]) == -1)
			rc = -1;
	return rc;
}

/* Steps. */

static const struct schema step_schema;

static int
decode_substeps(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	static const struct field sub = { .key = "steps", .type = F_LIST,
	    .sub = &step_schema, .off = offsetof(struct rb_step, steps),
	    .off2 = offsetof(struct rb_step, nsteps) };
	int	rc;

	(void)f;
	/* Depth counts the top-level step: 4 levels is a step and three
	 * levels of sub-steps below it. */
	if (ld->step_depth + 1 >= RB_MAX_STEP_DEPTH) {
		err_at(ld, n, "sub-steps nested deeper than %d levels",
		    RB_MAX_STEP_DEPTH);
		return -1;
	}
	ld->step_depth++;
	rc = decode_list(ld, n, &sub, obj);
	ld->step_depth--;
	return rc;
}

static int
step_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_step	*s = obj;

	s->pos.line = n->line;
	s->pos.col = n->col;
	/* A top-level step: what it and its sub-steps use. */
	if (ld->step_depth == 0)
		uses_take(ld, &ld->step_uses, &s->uses, &s->nuses);
	return 0;
}

static const struct field step_fields[] = {
	{ .key = "do", .type = F_TMPL, .required = 1,
	    .off = offsetof(struct rb_step, do_), .expect = "the instruction" },
	FIELD("command", F_TMPL, 0, struct rb_step, command),
	{ .key = "when", .type = F_COND, .off = offsetof(struct rb_step,
	    when_src), .off2 = offsetof(struct rb_step, when) },
	{ .key = "steps", .type = F_CUSTOM, .fn = decode_substeps,
	    .store = F_LIST, .sub = &step_schema,
	    .off = offsetof(struct rb_step, steps),
	    .off2 = offsetof(struct rb_step, nsteps) },
	FIELD("note", F_TMPL, 0, struct rb_step, note),
	FIELD("example", F_TMPL, 0, struct rb_step, example),
	{ .key = "table", .type = F_OBJ, .sub = &table_schema,
	    .off = offsetof(struct rb_step, table) },
	{ .key = "check", .type = F_CUSTOM, .fn = decode_checks,
	    .store = F_CHECKS, .off = offsetof(struct rb_step, checks),
	    .off2 = offsetof(struct rb_step, nchecks) },
};

static const struct schema step_schema = {
	"step", sizeof(struct rb_step), step_fields, nitems(step_fields),
	step_post
};

/* Procedures. */

static int
decode_on(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	struct rb_proc		 *p = obj;
	const char		**names, *near;
	size_t			  i;

	if (want_scalar(ld, n, f->key, "a role id") == -1)
		return -1;
	p->on = trimmed(ld, n);
	if ((p->role = runbook_role(ld->rb, p->on)) != NULL)
		return 0;
	names = xreallocarray(NULL, ld->rb->nroles + 1, sizeof(*names));
	for (i = 0; i < ld->rb->nroles; i++)
		names[i] = ld->rb->roles[i].id ? ld->rb->roles[i].id : "";
	near = closest_word(p->on, names, ld->rb->nroles);
	if (near != NULL)
		err_at(ld, n, "role \"%s\" is not declared under roles; did "
		    "you mean \"%s\"?", p->on, near);
	else
		err_at(ld, n, "role \"%s\" is not declared under roles; "
		    "declare it there or fix the name", p->on);
	free(names);
	/* Keep `on` so ${host} is still accepted below: one error, not ten. */
	return -1;
}

static int
decode_proc_id(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	struct rb_proc	*p = obj;
	static const struct field idf = { .key = "id", .type = F_ID,
	    .off = offsetof(struct rb_proc, id), .expect = "a procedure id" };

	(void)f;
	ld->proc = p;
	p->pos.line = n->line;
	p->pos.col = n->col;
	return decode_field(ld, &idf, n, obj);
}

static const char *const verify_enum[] = { "one_host", "every_host", NULL };

/* The procedure's steps: the variables each uses are collected on the
 * way (step_post takes them). */
static int
decode_proc_steps(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	int	rc;

	ld->in_steps = 1;
	ld->step_uses.n = 0;
	rc = decode_list(ld, n, f, obj);
	ld->in_steps = 0;
	return rc;
}

static int
proc_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct rb_proc	*p = obj;
	size_t		 old;
	int		 rc = 0;

	if (p->once && p->on == NULL) {
		err_at(ld, ymap_get(n, "once"), "\"once: true\" needs \"on: "
		    "ROLE\", the role whose hosts share what it configures (a "
		    "procedure without on: is done once anyway)");
		rc = -1;
	}
	if (p->verify_name != NULL && !p->once) {
		err_at(ld, ymap_get(n, "verify"), "\"verify\" is only for a "
		    "procedure with \"once: true\" (it says where its checks "
		    "run)");
		rc = -1;
	}
	p->verify = p->verify_name != NULL &&
	    strcmp(p->verify_name, "every_host") == 0 ?
	    RB_VERIFY_EVERY_HOST : RB_VERIFY_ONE_HOST;

	p->index = (size_t)(p - ld->rb->procs);
	if (p->pos.line == 0) {
		p->pos.line = n->line;
		p->pos.col = n->col;
	}
	if (p->id != NULL && strmap_put(&ld->rb->proc_index, p->id, p->index,
	    &old)) {
		err_at(ld, ymap_get(n, "id"), "duplicate procedure id \"%s\" "
		    "(first at line %d column %d)", p->id,
		    ld->rb->procs[old].pos.line, ld->rb->procs[old].pos.col);
		rc = -1;
	}
	if (p->nsteps == 0 && ymap_get(n, "steps") != NULL &&
	    (ymap_get(n, "steps")->kind == Y_SEQ ||
	    ynode_is_null(ymap_get(n, "steps")))) {
		err_at(ld, ymap_get(n, "steps"), "no steps; a procedure has "
		    "at least one");
		rc = -1;
	}
	ld->rb->nsteps += p->nsteps;
	ld->proc = NULL;
	return rc;
}

static const struct field proc_fields[] = {
	{ .key = "id", .type = F_CUSTOM, .required = 1, .fn = decode_proc_id,
	    .store = F_ID, .off = offsetof(struct rb_proc, id) },
	FIELD("title", F_TEXT, 1, struct rb_proc, title),
	FIELD("section", F_TEXT, 0, struct rb_proc, section),
	{ .key = "on", .type = F_CUSTOM, .fn = decode_on, .store = F_TEXT,
	    .off = offsetof(struct rb_proc, on) },
	/* Before everything with ${vars}: they depend on it. */
	FIELD("once", F_BOOL, 0, struct rb_proc, once),
	{ .key = "verify", .type = F_ENUM, .off = offsetof(struct rb_proc,
	    verify_name), .enums = verify_enum },
	{ .key = "requires", .type = F_IDLIST, .off = offsetof(struct rb_proc,
	    requires), .expect = "a procedure id" },
	{ .key = "when", .type = F_COND, .off = offsetof(struct rb_proc,
	    when_src), .off2 = offsetof(struct rb_proc, when) },
	FIELD("intro", F_TMPL, 0, struct rb_proc, intro),
	FIELD("before", F_TMPL, 0, struct rb_proc, before),
	FIELD("note", F_TMPL, 0, struct rb_proc, note),
	{ .key = "table", .type = F_OBJ, .sub = &table_schema,
	    .off = offsetof(struct rb_proc, table) },
	{ .key = "steps", .type = F_CUSTOM, .required = 1,
	    .fn = decode_proc_steps, .store = F_LIST, .sub = &step_schema,
	    .off = offsetof(struct rb_proc, steps),
	    .off2 = offsetof(struct rb_proc, nsteps) },
	FIELD("tips", F_TMPL, 0, struct rb_proc, tips),
	FIELD("troubleshooting", F_TMPL, 0, struct rb_proc, troubleshooting),
	FIELD("next", F_TMPL, 0, struct rb_proc, next),
};

static const struct schema proc_schema = {
	"procedure", sizeof(struct rb_proc), proc_fields, nitems(proc_fields),
	proc_post
};

/* The runbook. */


/* Each check's fix names a procedure of this runbook. */
static int
resolve_fixes(struct loader *ld, struct rb_step *steps, size_t n,
    const char **ids)
{
	struct rb_fix	*f;
	const char	*near;
	size_t		 i, k, j, idx;
	int		 rc = 0;

	for (i = 0; i < n; i++) {
		for (k = 0; k < steps[i].nchecks; k++)
			for (j = 0; j < steps[i].checks[k].nfixes; j++) {
				f = &steps[i].checks[k].fixes[j];
				if (strmap_get(&ld->rb->proc_index,
				    f->procedure, &idx)) {
					f->proc = idx;
					continue;
				}
				near = closest_word(f->procedure, ids,
				    ld->rb->nprocs);
				err(ld, f->pos.line, f->pos.col, "fix: no "
				    "procedure \"%s\" in this runbook%s%s%s",
				    f->procedure, near ? "; did you mean \"" :
				    "", near ? near : "", near ? "\"?" : "");
				rc = -1;
			}
		if (resolve_fixes(ld, steps[i].steps, steps[i].nsteps, ids) ==
		    -1)
			rc = -1;
	}
	return rc;
}

static int
resolve_requires(struct loader *ld)
{
	struct runbook	 *rb = ld->rb;
	struct rb_proc	 *p;
	const char	**ids, *near;
	size_t		  i, j, k, idx;
	int		  rc = 0;

	ids = xreallocarray(NULL, rb->nprocs + 1, sizeof(*ids));
	for (i = 0; i < rb->nprocs; i++)
		ids[i] = rb->procs[i].id ? rb->procs[i].id : "";
	for (i = 0; i < rb->nprocs; i++) {
		p = &rb->procs[i];
		ld->proc = p;
		p->req = arena_calloc(rb->arena, p->requires.n + 1,
		    sizeof(*p->req));
		for (j = 0; j < p->requires.n; j++) {
			if (!strmap_get(&rb->proc_index, p->requires.v[j],
			    &idx)) {
				near = closest_word(p->requires.v[j], ids,
				    rb->nprocs);
				err(ld, p->requires.pos[j].line,
				    p->requires.pos[j].col, "requires \"%s\": "
				    "no such procedure in this runbook%s%s%s",
				    p->requires.v[j],
				    near ? "; did you mean \"" : "",
				    near ? near : "", near ? "\"?" : "");
				rc = -1;
				continue;
			}
			if (idx == i) {
				err(ld, p->requires.pos[j].line,
				    p->requires.pos[j].col, "requires itself; "
				    "remove \"%s\" from its requires", p->id);
				rc = -1;
				continue;
			}
			for (k = 0; k < j; k++)
				if (strcmp(p->requires.v[k],
				    p->requires.v[j]) == 0)
					break;
			if (k < j) {
				err(ld, p->requires.pos[j].line,
				    p->requires.pos[j].col, "requires \"%s\" "
				    "is listed twice", p->requires.v[j]);
				rc = -1;
				continue;
			}
			p->req[j] = idx;
		}
	}
	for (i = 0; i < rb->nprocs; i++) {
		ld->proc = &rb->procs[i];
		if (resolve_fixes(ld, rb->procs[i].steps, rb->procs[i].nsteps,
		    ids) == -1)
			rc = -1;
	}
	ld->proc = NULL;
	free(ids);
	return rc;
}

static int
runbook_post(struct loader *ld, const struct ynode *n, void *obj)
{
	struct runbook	*rb = obj;

	if (ymap_get(n, "procedures") != NULL && rb->nprocs == 0 &&
	    (ymap_get(n, "procedures")->kind == Y_SEQ ||
	    ynode_is_null(ymap_get(n, "procedures")))) {
		err_at(ld, ymap_get(n, "procedures"), "\"procedures\" is empty; "
		    "a runbook has at least one procedure");
		return -1;
	}
	if (ld->failed)
		return -1;	/* requires of broken procedures: noise */
	return resolve_requires(ld);
}

static int
early_index(const struct field *f)
{
	if (strcmp(f->key, "roles") == 0)
		return EARLY_ROLES;
	return strcmp(f->key, "vars") == 0 ? EARLY_VARS : EARLY_PROCS;
}

/* roles, vars, procedures: decoded now, or already while parsing (then
 * their messages come out here, where they would have been made). */
static int
decode_early(struct loader *ld, const struct ynode *n, void *obj,
    const struct field *f)
{
	struct early	*e = &ld->early[early_index(f)];

	if (!e->done)
		return decode_list(ld, n, f, obj);
	diags_splice(ld->diags, &e->diags);
	return e->rc;
}

static const struct field runbook_fields[] = {
	{ .key = "id", .type = F_ID, .required = 1,
	    .off = offsetof(struct runbook, id), .expect = "a runbook id" },
	FIELD("title", F_TEXT, 1, struct runbook, title),
	FIELD("source", F_TEXT, 1, struct runbook, source),
	FIELD("source_title", F_TEXT, 0, struct runbook, source_title),
	FIELD("summary", F_TEXT, 1, struct runbook, summary),
	FIELD("notes", F_TEXT, 0, struct runbook, notes),
	/* Roles first: a variable may be per host of one. */
	{ .key = "roles", .type = F_CUSTOM, .fn = decode_early,
	    .store = F_LIST, .sub = &role_schema,
	    .off = offsetof(struct runbook, roles),
	    .off2 = offsetof(struct runbook, nroles) },
	{ .key = "vars", .type = F_CUSTOM, .fn = decode_early,
	    .store = F_LIST, .sub = &var_schema,
	    .off = offsetof(struct runbook, vars),
	    .off2 = offsetof(struct runbook, nvars) },
	{ .key = "procedures", .type = F_CUSTOM, .required = 1,
	    .fn = decode_early, .store = F_LIST,
	    .sub = &proc_schema, .off = offsetof(struct runbook, procs),
	    .off2 = offsetof(struct runbook, nprocs) },
};

static const struct schema runbook_schema = {
	"runbook", sizeof(struct runbook), runbook_fields,
	nitems(runbook_fields), runbook_post
};


/* Decode roles or vars now (what decode_map would do with the value),
 * keeping the messages for when decode_map reaches the key. */
static void
decode_early_now(struct loader *ld, int which, const struct ynode *v)
{
	struct early	*e = &ld->early[which];
	struct diags	*main = ld->diags;
	size_t		 j;

	for (j = 0; j < nitems(runbook_fields); j++)
		if (early_index(&runbook_fields[j]) == which &&
		    runbook_fields[j].type == F_CUSTOM)
			break;
	e->diags.max = main->max;
	ld->diags = &e->diags;
	e->rc = decode_value(ld, &runbook_fields[j], v, ld->rb);
	ld->diags = main;
	e->done = 1;
}

/*
 * One procedure, as the parser finishes it: decoded at once, and its
 * nodes freed, so that a runbook of thousands never holds its whole YAML
 * tree beside the model. Only when roles and vars came before the list
 * (every shipped runbook): procedures need them. Otherwise the tree is
 * kept and decoded at the end, as always.
 */
static int
proc_item(void *arg, struct ydoc *doc, const struct ynode *root,
    struct ynode *item)
{
	struct loader	*ld = arg;
	struct runbook	*rb = ld->rb;
	struct early	*e = &ld->early[EARLY_PROCS];
	struct diags	*main = ld->diags;
	struct rb_proc	*p;

	if (ld->stream == 0) {
		ld->stream = ymap_get(root, "roles") != NULL &&
		    ymap_get(root, "vars") != NULL ? 1 : -1;
		if (ld->stream == -1)
			return 0;
		ld->doc = doc;
		decode_early_now(ld, EARLY_ROLES, ymap_get(root, "roles"));
		decode_early_now(ld, EARLY_VARS, ymap_get(root, "vars"));
		e->diags.max = main->max;
		e->done = 1;
		rb->procs_heap = 1;
	}
	if (ld->stream == -1)
		return 0;
	/* realloc: a large block moves by remapping, not copying. */
	if (rb->nprocs == ld->procs_cap) {
		ld->procs_cap = ld->procs_cap ? ld->procs_cap * 2 : 64;
		rb->procs = xreallocarray(rb->procs, ld->procs_cap,
		    sizeof(*rb->procs));
	}
	p = &rb->procs[rb->nprocs++];
	memset(p, 0, sizeof(*p));
	ld->diags = &e->diags;
	if (decode_map(ld, &proc_schema, item, p) == -1)
		e->rc = -1;
	ld->diags = main;
	return 1;
}

/* The file's SHA-256, from the bytes as the parser reads them: no second
 * pass over a large file, and taken before anything is changed in place. */
static void
hash_read(void *arg, const char *p, size_t n)
{
	struct loader	*ld = arg;

	if (!EVP_DigestUpdate(ld->md, p, n))
		fatal("OpenSSL: sha256 failed");
}

static void
hash_end(struct loader *ld, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	if (!EVP_DigestFinal_ex(ld->md, md, &mdlen))
		fatal("OpenSSL: sha256 failed");
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

/*
 * Parse and decode. inplace: src is ours to change, and the runbook's
 * strings may point into it (the caller gives it to the runbook on
 * success).
 */
static int
parse(const char *file, char *src, size_t len, int inplace,
    struct runbook **out, struct diags *diags)
{
	struct loader	 ld;
	struct runbook	*rb;
	struct ydoc_opts opts;
	size_t		 before = diags->n + diags->dropped;
	int		 i, rc = -1;

	memset(&ld, 0, sizeof(ld));
	rb = xcalloc(1, sizeof(*rb));
	rb->arena = arena_new();
	strmap_init(&rb->var_index);
	strmap_init(&rb->role_index);
	strmap_init(&rb->proc_index);
	ld.rb = rb;
	ld.diags = diags;
	if ((ld.md = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(ld.md, EVP_sha256(), NULL))
		fatal("OpenSSL: sha256 failed");
	for (i = 0; i < EARLY_N; i++)
		diags_init(&ld.early[i].diags);

	/* Values land in the runbook's arena (or stay in src): the model
	 * keeps them and the tree (nodes and keys) goes when decoding is
	 * done. */
	memset(&opts, 0, sizeof(opts));
	opts.strarena = rb->arena;
	opts.inplace = inplace;
	opts.read = hash_read;
	opts.key = "procedures";
	opts.item = proc_item;
	opts.ctx = &ld;
	if (ydoc_parse_opts(file, src, len, &opts, &ld.doc, diags) == -1) {
		/* Only the parser's messages, as when nothing was decoded
		 * before the whole file was read. */
		ld.doc = NULL;
		goto out;
	}
	hash_end(&ld, rb->hash);
	rb->path = arena_strdup(rb->arena, file);

	if (ld.doc->root == NULL || ynode_is_null(ld.doc->root))
		err(&ld, 1, 1, "empty file; a runbook is a mapping with id, "
		    "title, source, summary and procedures");
	else if (decode_map(&ld, &runbook_schema, ld.doc->root, rb) == -1 &&
	    diags->n + diags->dropped == before)
		/* A decoder refused something without saying why: never
		 * accept a half-decoded runbook silently. */
		err(&ld, 1, 1, "internal error: the runbook was refused "
		    "without a message; please report it");
	if (!ld.failed && diags->n + diags->dropped == before)
		rc = 0;
out:
	ydoc_free(ld.doc);
	free(ld.step_uses.v);
	free(ld.check_uses.v);
	for (i = 0; i < EARLY_N; i++)
		diags_free(&ld.early[i].diags);
	EVP_MD_CTX_free(ld.md);
	if (rc == -1) {
		runbook_free(rb);
		return -1;
	}
	*out = rb;
	return 0;
}

int
runbook_parse(const char *file, const char *src, size_t len,
    struct runbook **out, struct diags *diags)
{
	/* The caller's bytes (a session's copy, a manifest's): only read. */
	return parse(file, (char *)(uintptr_t)src, len, 0, out, diags);
}

int
runbook_load(const char *path, struct runbook **out, struct diags *diags)
{
	char	*src;
	size_t	 len;
	int	 error;

	if ((error = read_file(path, YDOC_MAX_BYTES, &src, &len)) != 0) {
		diags_add(diags, path, 0, 0, "cannot read: %s", error ==
		    -EFBIG ? "larger than 64 MiB; not a runbook" :
		    strerror(-error));
		return -1;
	}
	/* The file's bytes are ours: the values stay in them instead of a
	 * second copy, and the runbook keeps them. */
	if (runbook_parse_owned(path, src, len, out, diags) == -1) {
		free(src);
		return -1;
	}
	return 0;
}

int
runbook_parse_owned(const char *file, char *src, size_t len,
    struct runbook **out, struct diags *diags)
{
	if (parse(file, src, len, 1, out, diags) == -1)
		return -1;
	(*out)->text = src;
	return 0;
}

/*
 * Walking a decoded object by its schema: every field of every schema, in
 * table order, as the walker's events. What reads a whole procedure (the
 * fingerprint) goes through here, so a field added to a table is seen
 * without anyone listing it again.
 */
enum walk_ev {
	W_TEXT,		/* s: a string field (NULL: absent) */
	W_NUM,		/* n: a number or flag */
	W_OPEN,		/* n: a list of that many (or an object: 1) */
	W_CLOSE
};

struct walk {
	void	(*fn)(struct walk *, enum walk_ev, const char *, const char *,
		    long long);
	void	*ctx;
};

static void	walk_obj(struct walk *, const struct schema *, const void *);

/* A field's value, read where the table says it is. */
static const void *
at_ptr(const void *obj, size_t off)
{
	const void	*p;

	memcpy(&p, (const char *)obj + off, sizeof(p));
	return p;
}

static size_t
at_size(const void *obj, size_t off)
{
	size_t	n;

	memcpy(&n, (const char *)obj + off, sizeof(n));
	return n;
}

static long long
at_int(const void *obj, size_t off)
{
	int	n;

	memcpy(&n, (const char *)obj + off, sizeof(n));
	return n;
}

static void
walk_strlist(struct walk *w, const char *key, const struct rb_strlist *l)
{
	size_t	i;

	w->fn(w, W_OPEN, key, NULL, (long long)l->n);
	for (i = 0; i < l->n; i++)
		w->fn(w, W_TEXT, key, l->v[i], 0);
	w->fn(w, W_CLOSE, key, NULL, 0);
}

static void
walk_checks(struct walk *w, const char *key, const struct rb_check *v,
    size_t n)
{
	const struct check_kind	*ck;
	size_t			 i, k;

	w->fn(w, W_OPEN, key, NULL, (long long)n);
	for (i = 0; i < n; i++) {
		for (ck = NULL, k = 0; k < nitems(check_kinds); k++)
			if (check_kinds[k].kind == v[i].kind)
				ck = &check_kinds[k];
		if (ck == NULL)
			fatal("runbook: check kind %d has no schema",
			    (int)v[i].kind);
		w->fn(w, W_TEXT, "kind", ck->name, 0);
		if (ck->schema == NULL)
			w->fn(w, W_TEXT, ck->name, v[i].text, 0);
		else {
			w->fn(w, W_OPEN, ck->name, NULL, 1);
			walk_obj(w, ck->schema, &v[i]);
			w->fn(w, W_CLOSE, ck->name, NULL, 0);
		}
	}
	w->fn(w, W_CLOSE, key, NULL, 0);
}

static void
walk_obj(struct walk *w, const struct schema *sc, const void *obj)
{
	const struct field	*f;
	const struct rb_table	*t;
	const char		*arr;
	const void		*sub;
	long long		 ll;
	enum ftype		 type;
	size_t			 i, k, n;

	for (i = 0; i < sc->nfields; i++) {
		f = &sc->fields[i];
		type = f->type == F_CUSTOM ? f->store : f->type;
		switch (type) {
		case F_ID:
		case F_NAME:
		case F_TEXT:
		case F_TMPL:
		case F_HOST:
		case F_PORT:
		case F_ENUM:
		case F_COND:	/* its source; the parse follows from it */
			w->fn(w, W_TEXT, f->key, at_ptr(obj, f->off), 0);
			break;
		case F_BOOL:
			w->fn(w, W_NUM, f->key, NULL, at_int(obj, f->off));
			break;
		case F_LLONG:
			if (at_int(obj, f->off2)) {
				memcpy(&ll, (const char *)obj + f->off,
				    sizeof(ll));
				w->fn(w, W_NUM, f->key, NULL, ll);
			} else
				w->fn(w, W_TEXT, f->key, NULL, 0);
			break;
		case F_TMPLLIST:
		case F_IDLIST:
		case F_ENUMLIST:
			walk_strlist(w, f->key, (const void *)
			    ((const char *)obj + f->off));
			break;
		case F_LIST:
			arr = at_ptr(obj, f->off);
			n = at_size(obj, f->off2);
			w->fn(w, W_OPEN, f->key, NULL, (long long)n);
			for (k = 0; k < n; k++)
				walk_obj(w, f->sub, arr + k * f->sub->size);
			w->fn(w, W_CLOSE, f->key, NULL, 0);
			break;
		case F_OBJ:
			sub = at_ptr(obj, f->off);
			w->fn(w, W_OPEN, f->key, NULL, sub != NULL);
			if (sub != NULL)
				walk_obj(w, f->sub, sub);
			w->fn(w, W_CLOSE, f->key, NULL, 0);
			break;
		case F_CHECKS:
			walk_checks(w, f->key, at_ptr(obj, f->off),
			    at_size(obj, f->off2));
			break;
		case F_ROWS:
			t = obj;
			n = t->nrows * t->columns.n;
			w->fn(w, W_OPEN, f->key, NULL, (long long)t->nrows);
			for (k = 0; k < n; k++)
				w->fn(w, W_TEXT, f->key, t->cells[k], 0);
			w->fn(w, W_CLOSE, f->key, NULL, 0);
			break;
		case F_NONE:
		case F_CUSTOM:
			/* A custom field that does not say where it stores
			 * its value could not be walked, so nothing could
			 * notice it changed: a programming error. */
			fatal("runbook: field \"%s\" of %s has no .store",
			    f->key, sc->what);
		}
	}
}

/* Fingerprints: every field by name, length-prefixed, so that no two
 * procedures that differ serialise alike. */
static void
fp_event(struct walk *w, enum walk_ev ev, const char *key, const char *s,
    long long n)
{
	struct buf	*b = w->ctx;

	switch (ev) {
	case W_TEXT:
		if (s == NULL)
			buf_printf(b, "%s-;", key);
		else
			buf_printf(b, "%s=%zu:%s;", key, strlen(s), s);
		break;
	case W_NUM:
		buf_printf(b, "%s#%lld;", key, n);
		break;
	case W_OPEN:
		buf_printf(b, "%s[%lld;", key, n);
		break;
	case W_CLOSE:
		buf_adds(b, "];");
		break;
	}
}

void
runbook_proc_fingerprint(const struct rb_proc *p, char out[65])
{
	struct walk	w;
	struct buf	b;

	buf_init(&b);
	buf_adds(&b, "fedwiz-proc-v2;");
	w.fn = fp_event;
	w.ctx = &b;
	walk_obj(&w, &proc_schema, p);
	sha256_hex(b.s, b.len, out);
	buf_free(&b);
}

/* Every schema walks: no custom field without its storage. */
int
runbook_schema_walkable(const char **bad)
{
	static const struct schema *const all[] = { &runbook_schema,
	    &var_schema, &role_schema, &proc_schema, &step_schema,
	    &table_schema, &fix_schema, &ssh_schema, &tls_schema,
	    &x509_schema, &dns_schema, &tcp_schema, &sip_schema };
	const struct field	*f;
	size_t			 i, k;

	for (i = 0; i < nitems(all); i++)
		for (k = 0; k < all[i]->nfields; k++) {
			f = &all[i]->fields[k];
			if (f->type == F_CUSTOM && (f->store == F_NONE ||
			    f->store == F_CUSTOM)) {
				*bad = f->key;
				return 0;
			}
		}
	return 1;
}

void
runbook_free(struct runbook *rb)
{
	if (rb == NULL)
		return;
	strmap_free(&rb->var_index);
	strmap_free(&rb->role_index);
	strmap_free(&rb->proc_index);
	if (rb->procs_heap)
		free(rb->procs);
	arena_free(rb->arena);
	free(rb->text);
	free(rb);
}

const struct rb_var *
runbook_var(const struct runbook *rb, const char *name)
{
	size_t	i;

	if (!strmap_get(&rb->var_index, name, &i))
		return NULL;
	return &rb->vars[i];
}

const struct rb_role *
runbook_role(const struct runbook *rb, const char *id)
{
	size_t	i;

	if (!strmap_get(&rb->role_index, id, &i))
		return NULL;
	return &rb->roles[i];
}

const struct rb_proc *
runbook_proc(const struct runbook *rb, const char *id)
{
	size_t	i;

	if (!strmap_get(&rb->proc_index, id, &i))
		return NULL;
	return &rb->procs[i];
}
