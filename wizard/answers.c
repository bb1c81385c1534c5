/* answers.c: answers files (debconf-style preseeding) and --set. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "dns-int.h"
#include "profile.h"
#include "runbook.h"
#include "util.h"
#include "vartype.h"
#include "ydoc.h"

static int	setting_check(const char *, const char *, char *, size_t);

struct answers *
answers_new(void)
{
	struct answers	*a;

	a = xcalloc(1, sizeof(*a));
	a->arena = arena_new();
	strmap_init(&a->index);
	return a;
}

void
answers_free(struct answers *a)
{
	if (a == NULL)
		return;
	strmap_free(&a->index);
	free(a->names);
	free(a->values);
	arena_free(a->arena);
	free(a);
}

static void
put_value(struct answers *a, const char *name, const char *value)
{
	size_t	i;

	value = arena_strdup(a->arena, value);
	if (strmap_get(&a->index, name, &i)) {
		a->values[i] = value;
		return;
	}
	if (a->nvalues == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->names = xreallocarray(a->names, a->cap, sizeof(*a->names));
		a->values = xreallocarray(a->values, a->cap,
		    sizeof(*a->values));
	}
	name = arena_strdup(a->arena, name);
	a->names[a->nvalues] = name;
	a->values[a->nvalues] = value;
	strmap_put(&a->index, name, a->nvalues, NULL);
	a->nvalues++;
}

/* The variable, or NULL and why (with the closest name). */
static const struct rb_var *
var_named(const struct runbook *rb, const char *name, char *why,
    size_t whylen)
{
	const struct rb_var	*v;
	const char		**names, *near;
	size_t			  i;

	if ((v = runbook_var(rb, name)) != NULL)
		return v;
	names = xreallocarray(NULL, rb->nvars + 1, sizeof(*names));
	for (i = 0; i < rb->nvars; i++)
		names[i] = rb->vars[i].name;
	near = closest_word(name, names, rb->nvars);
	snprintf(why, whylen, "runbook %s has no variable \"%s\"%s%s%s",
	    rb->id, name, near ? "; did you mean \"" : "", near ? near : "",
	    near ? "\"?" : "");
	free(names);
	return NULL;
}

/* value checked by v's type: 0 and *norm (malloc'd), or -1 and why. */
static int
value_checked(const struct rb_var *v, const char *value, char **norm,
    char *why, size_t whylen)
{
	char	vwhy[200];

	if (vartype_check(&v->spec, value, norm, vwhy, sizeof(vwhy)) == -1) {
		snprintf(why, whylen, "%s: \"%s\" %s (a %s is %s)", v->name,
		    value, vwhy, vartype_name(v->spec.type),
		    vartype_expect(v->spec.type));
		return -1;
	}
	return 0;
}

/*
 * A route pattern must be its domain backwards (`reverses:`): checked when
 * either value is given and the other is known. value is name's new value;
 * the other comes from a (or its default). 0, or -1 and why.
 */
static int
reverse_agrees(const struct answers *a, const struct runbook *rb,
    const char *name, const char *value, char *why, size_t whylen)
{
	const struct rb_var	*v;
	const char		*pat, *dom;
	char			*want;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < rb->nvars && rc == 0; i++) {
		v = &rb->vars[i];
		if (v->reverses == NULL)
			continue;
		if (strcmp(v->name, name) == 0) {
			pat = value;
			dom = answers_get(a, v->reverses);
			if (dom == NULL)
				dom = runbook_var(rb, v->reverses)->def;
		} else if (strcmp(v->reverses, name) == 0) {
			dom = value;
			if ((pat = answers_get(a, v->name)) == NULL)
				pat = v->def;
		} else
			continue;
		if (pat == NULL || dom == NULL)
			continue;
		want = vartype_route_pattern(dom);
		if (strcasecmp(pat, want) != 0) {
			snprintf(why, whylen, "%s \"%s\" is not the SIP domain "
			    "%s \"%s\" written backwards: IM and Presence "
			    "matches %s with %s", v->name, pat, v->reverses,
			    dom, dom, want);
			rc = -1;
		}
		free(want);
	}
	return rc;
}

/* "fe1, fe2": the hosts of a role, for messages. */
static void
role_host_names(const struct answers *a, const char *role, char *buf,
    size_t len)
{
	const struct role_hosts	*rh = answers_hosts(a, role);
	size_t			 i, used = 0;

	buf[0] = '\0';
	for (i = 0; rh != NULL && i < rh->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? ", " : "", rh->hosts[i].name);
	if (buf[0] == '\0')
		snprintf(buf, len, "none listed yet");
}

/* Check a value for variable name; 0 and stored, or -1 with why. A
 * variable per host has no value for the deployment. */
static int
set_checked(struct answers *a, const struct runbook *rb, const char *name,
    const char *value, char *why, size_t whylen)
{
	const struct rb_var	*v;
	char			*norm;

	if ((v = var_named(rb, name, why, whylen)) == NULL)
		return -1;
	if (v->per_host != NULL) {
		snprintf(why, whylen, "%s is answered per host of %s "
		    "(per_host): give it on each %s host's entry, e.g. "
		    "- { name: fe1, address: 192.0.2.10, vars: { %s: ... } }",
		    name, v->per_host, v->per_host, name);
		return -1;
	}
	if (value_checked(v, value, &norm, why, whylen) == -1)
		return -1;
	put_value(a, name, norm);
	wipe(norm, strlen(norm));
	free(norm);
	return 0;
}

int
answers_check_value(const struct answers *a, const struct runbook *rb,
    const char *name, const char *host, const char *value,
    const struct host **hostp, char **norm, char *why, size_t whylen)
{
	const struct rb_var	*v;
	const struct role_hosts	*rh;
	const struct host	*h = NULL;
	char			 list[256];

	*hostp = NULL;
	if ((v = var_named(rb, name, why, whylen)) == NULL)
		return -1;
	if (v->per_host == NULL && host != NULL) {
		snprintf(why, whylen, "%s is one value for the whole "
		    "deployment, not per host: leave out the host", name);
		return -1;
	}
	if (v->per_host != NULL && host == NULL) {
		rh = answers_hosts(a, v->per_host);
		if (rh == NULL || rh->n != 1) {
			role_host_names(a, v->per_host, list, sizeof(list));
			snprintf(why, whylen, "%s is answered per host of %s "
			    "(hosts: %s)", name, v->per_host, list);
			return -2;
		}
		h = &rh->hosts[0];
	} else if (v->per_host != NULL) {
		if ((h = answers_host(a, host)) == NULL) {
			role_host_names(a, v->per_host, list, sizeof(list));
			snprintf(why, whylen, "no host \"%s\" in the inventory "
			    "(hosts of %s: %s)", host, v->per_host, list);
			return -1;
		}
		if (h->role == NULL || strcmp(h->role, v->per_host) != 0) {
			snprintf(why, whylen, "%s is answered per host of %s, "
			    "and %s is a host of %s", name, v->per_host, host,
			    h->role ? h->role : "no role");
			return -1;
		}
	}
	if (value_checked(v, value, norm, why, whylen) == -1)
		return -1;
	if (reverse_agrees(a, rb, name, *norm != NULL ? *norm : value, why,
	    whylen) == -1) {
		free(*norm);
		*norm = NULL;
		return -1;
	}
	*hostp = h;
	return 0;
}

int
answers_set(struct answers *a, const struct runbook *rb, const char *assign,
    struct diags *diags)
{
	const struct host	*h;
	const char		*eq = strchr(assign, '=');
	char			*name, *host, *norm, why[400];
	int			 rc;

	if (eq == NULL || eq == assign) {
		diags_add(diags, "--set", 0, 0, "\"%s\" is not VAR=VALUE (or "
		    "VAR@HOST=VALUE for a value per host)", assign);
		return -1;
	}
	name = xstrndup(assign, (size_t)(eq - assign));
	if ((host = strchr(name, '@')) != NULL)
		*host++ = '\0';
	rc = answers_check_value(a, rb, name, host, eq + 1, &h, &norm, why,
	    sizeof(why));
	if (rc == 0) {
		if (h != NULL)
			(void)answers_put_host(a, h->name, name, norm);
		else
			put_value(a, name, norm);
		wipe(norm, strlen(norm));
		free(norm);
	} else
		diags_add(diags, "--set", 0, 0, "%s%s%s%s", why, rc == -2 ?
		    ": give " : "", rc == -2 ? name : "", rc == -2 ?
		    "@HOST=VALUE" : "");
	free(name);
	return rc == 0 ? 0 : -1;
}

void
answers_put(struct answers *a, const char *name, const char *value)
{
	put_value(a, name, value);
}

/* Put (or replace) a host's own value, in the answers' arena. */
static void
host_var_put(struct arena *ar, struct host *h, const char *name,
    const char *value)
{
	const char	**nn, **nv;
	size_t		  i;

	for (i = 0; i < h->nvars; i++)
		if (strcmp(h->var_names[i], name) == 0) {
			h->var_values[i] = arena_strdup(ar, value);
			return;
		}
	/* A host has a handful: grow by one, in the arena. */
	nn = arena_calloc(ar, h->nvars + 1, sizeof(*nn));
	nv = arena_calloc(ar, h->nvars + 1, sizeof(*nv));
	if (h->nvars > 0) {
		memcpy(nn, h->var_names, h->nvars * sizeof(*nn));
		memcpy(nv, h->var_values, h->nvars * sizeof(*nv));
	}
	nn[h->nvars] = arena_strdup(ar, name);
	nv[h->nvars] = arena_strdup(ar, value);
	h->var_names = nn;
	h->var_values = nv;
	h->nvars++;
}

static struct host *
host_find(const struct answers *a, const char *name)
{
	size_t	i, k;

	if (a == NULL)
		return NULL;
	for (i = 0; i < a->nroles; i++)
		for (k = 0; k < a->roles[i].n; k++)
			if (strcmp(a->roles[i].hosts[k].name, name) == 0)
				return &a->roles[i].hosts[k];
	return NULL;
}

const struct host *
answers_host(const struct answers *a, const char *name)
{
	return host_find(a, name);
}

int
answers_put_host(struct answers *a, const char *host, const char *name,
    const char *value)
{
	struct host	*h;

	if ((h = host_find(a, host)) == NULL)
		return -1;
	host_var_put(a->arena, h, name, value);
	return 0;
}

const char *
answers_host_var(const struct host *h, const char *name)
{
	size_t	i;

	for (i = 0; h != NULL && i < h->nvars; i++)
		if (strcmp(h->var_names[i], name) == 0)
			return h->var_values[i];
	return NULL;
}

int
answers_add_host(struct answers *a, const struct runbook *rb,
    const struct host *in)
{
	const struct rb_role	*r = runbook_role(rb, in->role);
	struct role_hosts	*rh = NULL, *nr;
	struct host		*h, *nh;
	size_t			 i;

	if (r == NULL)
		return -1;
	for (i = 0; i < a->nroles; i++)
		if (strcmp(a->roles[i].role, r->id) == 0)
			rh = &a->roles[i];
	/* Arrays grow by doubling in the arena (it cannot realloc): a
	 * session with a hundred front ends must not copy quadratically. */
	if (rh == NULL) {
		if (a->nroles >= a->roles_cap) {
			a->roles_cap = a->nroles > 4 ? 2 * a->nroles : 8;
			nr = arena_calloc(a->arena, a->roles_cap, sizeof(*nr));
			if (a->nroles > 0)
				memcpy(nr, a->roles, a->nroles * sizeof(*nr));
			a->roles = nr;
		}
		rh = &a->roles[a->nroles++];
		rh->role = r->id;
	}
	if (rh->n >= rh->cap) {
		rh->cap = rh->n > 4 ? 2 * rh->n : 8;
		nh = arena_calloc(a->arena, rh->cap, sizeof(*nh));
		if (rh->n > 0)
			memcpy(nh, rh->hosts, rh->n * sizeof(*nh));
		rh->hosts = nh;
	}
	h = &rh->hosts[rh->n++];
	h->role = r->id;
	h->name = arena_strdup(a->arena, in->name);
	h->address = in->address && *in->address ? arena_strdup(a->arena,
	    in->address) : NULL;
	h->user = in->user && *in->user ? arena_strdup(a->arena, in->user) :
	    NULL;
	h->port = in->port > 0 ? in->port : 22;
	h->identity = in->identity && *in->identity ? arena_strdup(a->arena,
	    in->identity) : NULL;
	h->site = in->site && *in->site ? arena_strdup(a->arena, in->site) :
	    NULL;
	h->profile_name = in->profile_name && *in->profile_name ?
	    arena_strdup(a->arena, in->profile_name) : NULL;
	h->profile = h->profile_name ? profile_find(h->profile_name) : NULL;
	if (h->profile == NULL)
		h->profile = r->profile;
	h->var_names = h->var_values = NULL;
	h->nvars = 0;
	for (i = 0; i < in->nvars; i++)
		host_var_put(a->arena, h, in->var_names[i], in->var_values[i]);
	return 0;
}

const char *
answers_get(const struct answers *a, const char *name)
{
	size_t	i;

	if (a == NULL || !strmap_get(&a->index, name, &i))
		return NULL;
	return a->values[i];
}

const struct role_hosts *
answers_hosts(const struct answers *a, const char *role)
{
	size_t	i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < a->nroles; i++)
		if (strcmp(a->roles[i].role, role) == 0)
			return &a->roles[i];
	return NULL;
}

static int
of_role(const struct host *h, const char *role)
{
	return h != NULL && h->role != NULL && strcmp(h->role, role) == 0;
}

const char *
scope_lookup(void *arg, const char *name)
{
	const struct scope	*sc = arg;
	const struct rb_var	*v;
	const char		*s;

	if (sc->host != NULL) {
		if (strcmp(name, RB_BUILTIN_HOST) == 0)
			return sc->host->address ? sc->host->address :
			    sc->host->name;
		if (strcmp(name, RB_BUILTIN_HOST_NAME) == 0)
			return sc->host->name;
	}
	if ((v = runbook_var(sc->rb, name)) == NULL)
		return answers_get(sc->ans, name);
	if (v->per_host != NULL) {
		/* The host the text is about: where the ssh check runs,
		 * else the instance's own. Never another host's value. */
		if (of_role(sc->host, v->per_host) &&
		    (s = answers_host_var(sc->host, name)) != NULL)
			return s;
		if (!of_role(sc->host, v->per_host) &&
		    of_role(sc->inst, v->per_host) &&
		    (s = answers_host_var(sc->inst, name)) != NULL)
			return s;
		return v->def;
	}
	if ((s = answers_get(sc->ans, name)) != NULL)
		return s;
	return v->def;
}

/* The answers file. */

static int
want_text(const struct ydoc *doc, const struct ynode *n, const char *what,
    struct diags *d)
{
	if (n->kind != Y_SCALAR || ynode_is_null(n)) {
		diags_add(d, doc->file, n->line, n->col, "%s must be a value, "
		    "not %s", what, n->kind == Y_SCALAR ? "empty" :
		    ynode_kind_name(n));
		return -1;
	}
	return 0;
}

static int
host_name_ok(const char *s)
{
	const char	*p;

	if (!isalnum((unsigned char)*s))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			return 0;
	return p - s <= 64;
}

/* A host entry's vars: its own values of the variables per host of its
 * role. */
static int
load_host_vars(struct answers *a, const struct runbook *rb,
    const struct ydoc *doc, const struct ynode *n, const struct rb_role *role,
    struct host *h, struct diags *d)
{
	const struct rb_var	*v;
	const struct ynode	*vk, *vv;
	char			*norm, why[400];
	size_t			 j;
	int			 rc = 0;

	if (n->kind != Y_MAP) {
		diags_add(d, doc->file, n->line, n->col, "a host's \"vars\" "
		    "maps its own variables to values: vars: { lync_fqdn: "
		    "fe1.example.com }");
		return -1;
	}
	for (j = 0; j < n->n; j++) {
		vk = n->items[2 * j];
		vv = n->items[2 * j + 1];
		if ((v = var_named(rb, vk->str, why, sizeof(why))) == NULL) {
			diags_add(d, doc->file, vk->line, vk->col, "%s", why);
			rc = -1;
			continue;
		}
		if (v->per_host == NULL) {
			diags_add(d, doc->file, vk->line, vk->col, "%s is one "
			    "value for the whole deployment, not per host: put "
			    "it under the top-level vars:", v->name);
			rc = -1;
			continue;
		}
		if (strcmp(v->per_host, role->id) != 0) {
			diags_add(d, doc->file, vk->line, vk->col, "%s is "
			    "answered per host of %s, and this is a host of %s",
			    v->name, v->per_host, role->id);
			rc = -1;
			continue;
		}
		if (want_text(doc, vv, vk->str, d) == -1) {
			rc = -1;
			continue;
		}
		if (value_checked(v, vv->str, &norm, why, sizeof(why)) == -1) {
			diags_add(d, doc->file, vv->line, vv->col, "%s", why);
			rc = -1;
			continue;
		}
		host_var_put(a->arena, h, v->name, norm);
		wipe(norm, strlen(norm));
		free(norm);
	}
	return rc;
}

static int
load_host(struct answers *a, const struct runbook *rb, const struct ydoc *doc,
    const struct ynode *n, const struct rb_role *role, struct host *h,
    struct diags *d)
{
	static const char *const keys[] = { "name", "address", "user", "port",
	    "profile", "identity", "vars", "site" };
	const struct ynode	*k, *v;
	const char *const	*pnames;
	const char		*near;
	char			 why[200], list[128];
	size_t			 i, npnames;
	int			 rc = 0;

	pnames = profile_names(&npnames);
	h->role = role->id;
	h->port = 22;
	h->pos.line = n->line;
	h->pos.col = n->col;
	if (n->kind != Y_MAP) {
		diags_add(d, doc->file, n->line, n->col, "a host is a mapping: "
		    "{ name: fe1, address: 192.0.2.10, user: admin }");
		return -1;
	}
	for (i = 0; i < n->n; i++) {
		k = n->items[2 * i];
		v = n->items[2 * i + 1];
		if (strcmp(k->str, "name") != 0 && strcmp(k->str, "address") &&
		    strcmp(k->str, "user") && strcmp(k->str, "port") &&
		    strcmp(k->str, "profile") && strcmp(k->str, "identity") &&
		    strcmp(k->str, "vars") && strcmp(k->str, "site")) {
			near = closest_word(k->str, keys, nitems(keys));
			diags_add(d, doc->file, k->line, k->col, "unknown key "
			    "\"%s\" in host; %s%s%s", k->str, near ?
			    "did you mean \"" : "expected name, address, user, "
			    "port, profile, identity, vars, site", near ? near :
			    "", near ? "\"?" : "");
			rc = -1;
			continue;
		}
		if (strcmp(k->str, "vars") == 0) {
			if (!ynode_is_null(v) && load_host_vars(a, rb, doc, v,
			    role, h, d) == -1)
				rc = -1;
			continue;
		}
		if (want_text(doc, v, k->str, d) == -1) {
			rc = -1;
			continue;
		}
		if (strcmp(k->str, "name") == 0) {
			if (!host_name_ok(v->str)) {
				diags_add(d, doc->file, v->line, v->col, "host "
				    "name \"%s\" must be letters, digits and "
				    ". _ - (at most 64)", v->str);
				rc = -1;
			}
			h->name = arena_strdup(a->arena, v->str);
		} else if (strcmp(k->str, "address") == 0) {
			struct varspec sp = { .type = VT_HOST };
			if (vartype_check(&sp, v->str, NULL, why,
			    sizeof(why)) == -1) {
				diags_add(d, doc->file, v->line, v->col,
				    "address \"%s\" %s", v->str, why);
				rc = -1;
			}
			h->address = arena_strdup(a->arena, v->str);
		} else if (strcmp(k->str, "user") == 0) {
			struct varspec sp = { .type = VT_STRING };
			if (vartype_check(&sp, v->str, NULL, why,
			    sizeof(why)) == -1 || strchr(v->str, ' ') != NULL) {
				diags_add(d, doc->file, v->line, v->col,
				    "user \"%s\" must be one word without "
				    "spaces or control characters", v->str);
				rc = -1;
			}
			h->user = arena_strdup(a->arena, v->str);
		} else if (strcmp(k->str, "port") == 0) {
			struct varspec sp = { .type = VT_PORT };
			if (vartype_check(&sp, v->str, NULL, why,
			    sizeof(why)) == -1) {
				diags_add(d, doc->file, v->line, v->col,
				    "port \"%s\" %s", v->str, why);
				rc = -1;
			} else
				h->port = atoi(v->str);
		} else if (strcmp(k->str, "identity") == 0) {
			struct varspec sp = { .type = VT_PATH };
			if (vartype_check(&sp, v->str, NULL, why,
			    sizeof(why)) == -1) {
				diags_add(d, doc->file, v->line, v->col,
				    "identity \"%s\" %s", v->str, why);
				rc = -1;
			}
			h->identity = arena_strdup(a->arena, v->str);
		} else if (strcmp(k->str, "site") == 0) {
			/* Whether sites: lists it is checked once the whole
			 * file is read (check_site_refs): it may come later. */
			h->site = arena_strdup(a->arena, v->str);
		} else {
			if ((h->profile = profile_find(v->str)) == NULL) {
				diags_add(d, doc->file, v->line, v->col,
				    "profile \"%s\" is not one of: %s", v->str,
				    join_words(pnames, npnames, list,
				    sizeof(list)));
				rc = -1;
			}
			h->profile_name = arena_strdup(a->arena, v->str);
		}
	}
	if (h->name == NULL && rc == 0) {
		diags_add(d, doc->file, n->line, n->col, "host has no \"name\" "
		    "(required)");
		rc = -1;
	}
	if (h->profile == NULL)
		h->profile = role->profile;
	return rc;
}

static int
load_hosts(struct answers *a, const struct runbook *rb, const struct ydoc *doc,
    const struct ynode *n, struct diags *d, struct strmap *seen)
{
	const struct ynode	*k, *v;
	const struct rb_role	*role;
	struct role_hosts	*rh;
	const char		**ids, *near;
	size_t			  i, j, old;
	int			  rc = 0;

	if (n->kind != Y_MAP) {
		diags_add(d, doc->file, n->line, n->col, "\"hosts\" must map "
		    "each role to its list of hosts");
		return -1;
	}
	a->roles = arena_calloc(a->arena, n->n + 1, sizeof(*a->roles));
	a->roles_cap = n->n + 1;
	for (i = 0; i < n->n; i++) {
		k = n->items[2 * i];
		v = n->items[2 * i + 1];
		if ((role = runbook_role(rb, k->str)) == NULL) {
			ids = xreallocarray(NULL, rb->nroles + 1, sizeof(*ids));
			for (j = 0; j < rb->nroles; j++)
				ids[j] = rb->roles[j].id;
			near = closest_word(k->str, ids, rb->nroles);
			diags_add(d, doc->file, k->line, k->col, "runbook %s has "
			    "no role \"%s\"%s%s%s", rb->id, k->str, near ?
			    "; did you mean \"" : "", near ? near : "", near ?
			    "\"?" : "");
			free(ids);
			rc = -1;
			continue;
		}
		if (v->kind != Y_SEQ) {
			diags_add(d, doc->file, v->line, v->col, "hosts of %s "
			    "must be a list: [ { name: ..., address: ... } ]",
			    role->id);
			rc = -1;
			continue;
		}
		if (v->n > 1 && !role->many) {
			diags_add(d, doc->file, v->items[1]->line,
			    v->items[1]->col, "role %s (%s) takes one host; "
			    "this lists %zu", role->id, role->title, v->n);
			rc = -1;
			continue;
		}
		rh = &a->roles[a->nroles++];
		rh->role = role->id;
		rh->hosts = arena_calloc(a->arena, v->n + 1,
		    sizeof(*rh->hosts));
		rh->cap = v->n + 1;
		for (j = 0; j < v->n; j++) {
			if (load_host(a, rb, doc, v->items[j], role,
			    &rh->hosts[rh->n], d) == -1) {
				rc = -1;
				continue;
			}
			if (strmap_put(seen, rh->hosts[rh->n].name, 0, &old)) {
				diags_add(d, doc->file, v->items[j]->line,
				    v->items[j]->col, "host name \"%s\" is "
				    "listed twice; names are unique across "
				    "roles", rh->hosts[rh->n].name);
				rc = -1;
				continue;
			}
			rh->n++;
		}
	}
	return rc;
}

/* Sites: the jump hosts that hosts naming them are reached through. */

/*
 * A site's name becomes an Ansible inventory host and a folder name in
 * the export: letters, digits, _ and -; not a name Ansible keeps for
 * itself.
 */
static int
site_name_ok(const char *s, char *why, size_t len)
{
	static const char *const reserved[] = { "all", "ungrouped",
	    "localhost" };
	const char	*p;
	size_t		 i;

	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			break;
	if (*s == '\0' || *p != '\0' || p - s > 64 || *s == '-') {
		snprintf(why, len, "site name \"%s\" must be letters, digits, "
		    "_ and - (at most 64, not starting with -)", s);
		return 0;
	}
	for (i = 0; i < nitems(reserved); i++)
		if (strcmp(s, reserved[i]) == 0) {
			snprintf(why, len, "site name \"%s\" is one Ansible "
			    "keeps for itself; give the site another", s);
			return 0;
		}
	return 1;
}

const struct site *
answers_site(const struct answers *a, const char *name)
{
	size_t	i;

	for (i = 0; a != NULL && name != NULL && i < a->nsites; i++)
		if (strcmp(a->sites[i].name, name) == 0)
			return &a->sites[i];
	return NULL;
}

int
answers_add_site(struct answers *a, const struct site *in)
{
	struct site	*x, *nv;

	if (answers_site(a, in->name) != NULL)
		return -1;
	if (a->nsites >= a->sites_cap) {
		a->sites_cap = a->sites_cap ? 2 * a->sites_cap : 4;
		nv = arena_calloc(a->arena, a->sites_cap, sizeof(*nv));
		if (a->nsites > 0)
			memcpy(nv, a->sites, a->nsites * sizeof(*nv));
		a->sites = nv;
	}
	x = &a->sites[a->nsites++];
	*x = *in;
#define DUP(f)	x->f = in->f != NULL && *in->f != '\0' ? \
		    arena_strdup(a->arena, in->f) : NULL
	DUP(name);
	DUP(address);
	DUP(user);
	DUP(fedwiz);
	DUP(workdir);
	DUP(known_hosts);
	DUP(identity);
#undef DUP
	x->port = in->port > 0 ? in->port : 22;
	return 0;
}

static int
load_site(struct answers *a, const struct ydoc *doc, const struct ynode *k,
    const struct ynode *n, struct diags *d)
{
	static const char *const keys[] = { "address", "user", "port",
	    "fedwiz", "workdir", "known_hosts", "identity" };
	const struct ynode	*fk, *fv;
	struct varspec		 sp;
	struct site		 x;
	const char		*near, **slot;
	char			 why[200];
	size_t			 i;
	int			 rc = 0;

	memset(&x, 0, sizeof(x));
	x.name = k->str;
	x.port = 22;
	x.pos.line = k->line;
	x.pos.col = k->col;
	if (!site_name_ok(k->str, why, sizeof(why))) {
		diags_add(d, doc->file, k->line, k->col, "%s", why);
		rc = -1;
	}
	if (n->kind != Y_MAP) {
		diags_add(d, doc->file, n->line, n->col, "site %s is a mapping: "
		    "{ address: jump1.example.com, user: ops }", k->str);
		return -1;
	}
	memset(&sp, 0, sizeof(sp));
	for (i = 0; i < n->n; i++) {
		fk = n->items[2 * i];
		fv = n->items[2 * i + 1];
		slot = strcmp(fk->str, "address") == 0 ? &x.address :
		    strcmp(fk->str, "user") == 0 ? &x.user :
		    strcmp(fk->str, "fedwiz") == 0 ? &x.fedwiz :
		    strcmp(fk->str, "workdir") == 0 ? &x.workdir :
		    strcmp(fk->str, "known_hosts") == 0 ? &x.known_hosts :
		    strcmp(fk->str, "identity") == 0 ? &x.identity : NULL;
		if (slot == NULL && strcmp(fk->str, "port") != 0) {
			near = closest_word(fk->str, keys, nitems(keys));
			diags_add(d, doc->file, fk->line, fk->col, "unknown key "
			    "\"%s\" in site %s; %s%s%s", fk->str, k->str, near ?
			    "did you mean \"" : "expected address, user, port, "
			    "fedwiz, workdir, known_hosts, identity", near ?
			    near : "", near ? "\"?" : "");
			rc = -1;
			continue;
		}
		if (want_text(doc, fv, fk->str, d) == -1) {
			rc = -1;
			continue;
		}
		sp.type = strcmp(fk->str, "address") == 0 ? VT_HOST :
		    strcmp(fk->str, "port") == 0 ? VT_PORT :
		    strcmp(fk->str, "user") == 0 ? VT_STRING : VT_PATH;
		if (vartype_check(&sp, fv->str, NULL, why, sizeof(why)) == -1 ||
		    (sp.type == VT_STRING && strchr(fv->str, ' ') != NULL)) {
			if (sp.type == VT_STRING)
				snprintf(why, sizeof(why), "must be one word "
				    "without spaces or control characters");
			diags_add(d, doc->file, fv->line, fv->col, "site %s: %s "
			    "\"%s\" %s", k->str, fk->str, fv->str, why);
			rc = -1;
			continue;
		}
		if (slot == NULL)
			x.port = atoi(fv->str);
		else
			*slot = fv->str;
	}
	if (x.address == NULL && rc == 0) {
		diags_add(d, doc->file, n->line, n->col, "site %s has no "
		    "\"address\" (its jump host; required)", k->str);
		rc = -1;
	}
	if (rc == 0 && answers_add_site(a, &x) == -1) {
		diags_add(d, doc->file, k->line, k->col, "site %s is listed "
		    "twice", k->str);
		rc = -1;
	}
	return rc;
}

static int
load_sites(struct answers *a, const struct ydoc *doc, const struct ynode *n,
    struct diags *d)
{
	size_t	i;
	int	rc = 0;

	if (n->kind != Y_MAP) {
		diags_add(d, doc->file, n->line, n->col, "\"sites\" must map "
		    "each site to its jump host: { emea: { address: "
		    "jump1.example.com, user: ops } }");
		return -1;
	}
	for (i = 0; i < n->n; i++)
		if (load_site(a, doc, n->items[2 * i], n->items[2 * i + 1],
		    d) == -1)
			rc = -1;
	return rc;
}

/* Every host's site: is one sites: lists, said where the host names it. */
static int
check_site_refs(const struct answers *a, const struct ydoc *doc,
    const struct ynode *hosts, struct diags *d)
{
	const struct ynode	*seq, *h, *v;
	const char		**names, *near;
	char			 list[256];
	size_t			 i, j, k;
	int			 rc = 0;

	if (hosts == NULL || hosts->kind != Y_MAP)
		return 0;
	names = xreallocarray(NULL, a->nsites + 1, sizeof(*names));
	for (k = 0; k < a->nsites; k++)
		names[k] = a->sites[k].name;
	for (i = 0; i < hosts->n; i++) {
		seq = hosts->items[2 * i + 1];
		for (j = 0; seq->kind == Y_SEQ && j < seq->n; j++) {
			h = seq->items[j];
			if (h->kind != Y_MAP || (v = ymap_get(h, "site")) ==
			    NULL || v->kind != Y_SCALAR ||
			    answers_site(a, v->str) != NULL)
				continue;
			near = closest_word(v->str, names, a->nsites);
			diags_add(d, doc->file, v->line, v->col, "site \"%s\" "
			    "is not one of the sites: %s%s%s%s", v->str,
			    a->nsites ? join_words(names, a->nsites, list,
			    sizeof(list)) : "the file lists none (a sites: "
			    "map names each site's jump host)", near ?
			    "; did you mean \"" : "", near ? near : "", near ?
			    "\"?" : "");
			rc = -1;
		}
	}
	free(names);
	return rc;
}

int
answers_load(struct answers *a, const struct runbook *rb, const char *path,
    struct diags *d)
{
	char	*src;
	size_t	 len;
	int	 error;

	if ((error = read_file(path, YDOC_MAX_BYTES, &src, &len)) != 0) {
		diags_add(d, path, 0, 0, "cannot read: %s", error == -EFBIG ?
		    "larger than 64 MiB; not an answers file" :
		    strerror(-error));
		return -1;
	}
	error = answers_parse(a, rb, path, src, len, d);
	/* Values were copied; the text may hold answers: wipe it. */
	wipe(src, len);
	free(src);
	return error;
}

int
answers_parse(struct answers *a, const struct runbook *rb, const char *path,
    const char *src, size_t len, struct diags *d)
{
	struct ydoc		*doc;
	struct strmap		 seen;
	const struct ynode	*root, *k, *v, *vk, *vv;
	const struct ynode	*practice_at = NULL;
	char			 why[400];
	size_t			 i, j;
	int			 rc = 0;

	if (ydoc_parse(path, src, len, NULL, &doc, d) == -1)
		return -1;
	root = doc->root;
	strmap_init(&seen);
	if (root == NULL || root->kind != Y_MAP) {
		diags_add(d, path, root ? root->line : 1, root ? root->col : 1,
		    "an answers file is a mapping with runbook, vars and "
		    "hosts");
		rc = -1;
		goto out;
	}
	for (i = 0; i < root->n; i++) {
		k = root->items[2 * i];
		v = root->items[2 * i + 1];
		if (strcmp(k->str, "runbook") == 0) {
			if (want_text(doc, v, "runbook", d) == -1) {
				rc = -1;
				continue;
			}
			a->runbook = arena_strdup(a->arena, v->str);
			if (strcmp(v->str, rb->id) != 0) {
				diags_add(d, path, v->line, v->col, "this answers "
				    "file is for runbook %s, not %s", v->str,
				    rb->id);
				rc = -1;
			}
		} else if (strcmp(k->str, "vars") == 0) {
			if (ynode_is_null(v))
				continue;
			if (v->kind != Y_MAP) {
				diags_add(d, path, v->line, v->col, "\"vars\" "
				    "must map variable names to values");
				rc = -1;
				continue;
			}
			for (j = 0; j < v->n; j++) {
				vk = v->items[2 * j];
				vv = v->items[2 * j + 1];
				if (want_text(doc, vv, vk->str, d) == -1) {
					rc = -1;
					continue;
				}
				if (set_checked(a, rb, vk->str, vv->str, why,
				    sizeof(why)) == -1) {
					diags_add(d, path, vv->line, vv->col,
					    "%s", why);
					rc = -1;
				}
			}
		} else if (strcmp(k->str, "hosts") == 0) {
			if (ynode_is_null(v))
				continue;
			if (load_hosts(a, rb, doc, v, d, &seen) == -1)
				rc = -1;
		} else if (strcmp(k->str, "practice") == 0) {
			/* A training estate of one's own (not fedwiz's lab):
			 * sessions on it are practice too. */
			struct varspec	 sp = { .type = VT_BOOL };
			char		*norm = NULL;

			if (want_text(doc, v, k->str, d) == -1) {
				rc = -1;
				continue;
			}
			if (vartype_check(&sp, v->str, &norm, why,
			    sizeof(why)) == -1) {
				diags_add(d, path, v->line, v->col, "practice: "
				    "\"%s\" %s", v->str, why);
				rc = -1;
				continue;
			}
			a->practice = strcmp(norm, "true") == 0;
			free(norm);
			practice_at = v;
		} else if (strcmp(k->str, "known_hosts") == 0 ||
		    strcmp(k->str, "dns_server") == 0 ||
		    strcmp(k->str, "lab") == 0) {
			if (want_text(doc, v, k->str, d) == -1) {
				rc = -1;
				continue;
			}
			if (setting_check(k->str, v->str, why,
			    sizeof(why)) == -1) {
				diags_add(d, path, v->line, v->col, "%s", why);
				rc = -1;
				continue;
			}
			if (strcmp(k->str, "known_hosts") == 0)
				a->known_hosts = arena_strdup(a->arena,
				    v->str);
			else if (strcmp(k->str, "lab") == 0)
				a->lab = arena_strdup(a->arena, v->str);
			else
				a->dns_server = arena_strdup(a->arena, v->str);
		} else if (strcmp(k->str, "sites") == 0) {
			if (ynode_is_null(v))
				continue;
			if (load_sites(a, doc, v, d) == -1)
				rc = -1;
		} else {
			diags_add(d, path, k->line, k->col, "unknown key \"%s\" "
			    "in answers file; expected runbook, vars, hosts, "
			    "sites, known_hosts, dns_server, lab, practice",
			    k->str);
			rc = -1;
		}
	}
	/* A lab's answers are practice whatever else the file says. */
	if (a->lab != NULL && practice_at != NULL && !a->practice) {
		diags_add(d, path, practice_at->line, practice_at->col,
		    "practice: false, but lab: names a training lab, whose "
		    "sessions are always practice; drop one of the two");
		rc = -1;
	}
	if (a->lab != NULL)
		a->practice = 1;
	/* Values that must agree with each other, once all are in. */
	for (i = 0; rc == 0 && i < rb->nvars; i++)
		if (rb->vars[i].reverses != NULL &&
		    answers_get(a, rb->vars[i].name) != NULL &&
		    reverse_agrees(a, rb, rb->vars[i].name, answers_get(a,
		    rb->vars[i].name), why, sizeof(why)) == -1) {
			diags_add(d, path, 0, 0, "%s", why);
			rc = -1;
		}
	if (check_site_refs(a, doc, ymap_get(root, "hosts"), d) == -1)
		rc = -1;
out:
	strmap_free(&seen);
	/* Host names are copied into the arena; the tree can go. */
	ydoc_free(doc);
	return rc;
}

/* The estate's settings: known_hosts and lab paths, dns_server a server
 * as `probe dns --server` takes it. */
static int
setting_check(const char *key, const char *value, char *why, size_t len)
{
	struct varspec	 sp;
	struct dns_ns	 ns;
	char		 w[200];

	if (strcmp(key, "dns_server") == 0) {
		if (dns_server_parse(value, &ns, w, sizeof(w)) == -1) {
			snprintf(why, len, "dns_server: %s", w);
			return -1;
		}
		return 0;
	}
	memset(&sp, 0, sizeof(sp));
	sp.type = VT_PATH;
	if (vartype_check(&sp, value, NULL, w, sizeof(w)) == -1) {
		snprintf(why, len, "%s: %s", key, w);
		return -1;
	}
	return 0;
}

/* Answers from memory: the same checks, without positions. */

int
answers_host_check(const struct host *h, const char **field, char *why,
    size_t len)
{
	struct varspec	 sp;
	const char	*const *pnames;
	char		 vwhy[200], list[128];
	size_t		 npnames;

	memset(&sp, 0, sizeof(sp));
	if (h->name == NULL || *h->name == '\0') {
		*field = "name";
		snprintf(why, len, "a host needs a name (letters, digits and "
		    ". _ -)");
		return -1;
	}
	if (!host_name_ok(h->name)) {
		*field = "name";
		snprintf(why, len, "host name \"%s\" must be letters, digits "
		    "and . _ - (at most 64)", h->name);
		return -1;
	}
	sp.type = VT_HOST;
	if (h->address != NULL && *h->address != '\0' && vartype_check(&sp,
	    h->address, NULL, vwhy, sizeof(vwhy)) == -1) {
		*field = "address";
		snprintf(why, len, "address \"%s\" %s (%s)", h->address, vwhy,
		    vartype_expect(VT_HOST));
		return -1;
	}
	sp.type = VT_STRING;
	if (h->user != NULL && *h->user != '\0' && (vartype_check(&sp,
	    h->user, NULL, vwhy, sizeof(vwhy)) == -1 ||
	    strchr(h->user, ' ') != NULL)) {
		*field = "user";
		snprintf(why, len, "user \"%s\" must be one word without spaces "
		    "or control characters", h->user);
		return -1;
	}
	if (h->port < 0 || h->port > 65535) {
		*field = "port";
		snprintf(why, len, "port %d is not a port (an integer 1-65535)",
		    h->port);
		return -1;
	}
	if (h->profile_name != NULL && *h->profile_name != '\0' &&
	    profile_find(h->profile_name) == NULL) {
		pnames = profile_names(&npnames);
		*field = "profile";
		snprintf(why, len, "profile \"%s\" is not one of: %s",
		    h->profile_name, join_words(pnames, npnames, list,
		    sizeof(list)));
		return -1;
	}
	sp.type = VT_PATH;
	if (h->identity != NULL && *h->identity != '\0' && vartype_check(&sp,
	    h->identity, NULL, vwhy, sizeof(vwhy)) == -1) {
		*field = "identity";
		snprintf(why, len, "identity \"%s\" %s", h->identity, vwhy);
		return -1;
	}
	return 0;
}

static int
merge_hosts(struct answers *a, const struct runbook *rb,
    const struct role_hosts *rh, const char *from, struct strmap *seen,
    struct diags *d)
{
	const struct rb_role	*role;
	const struct role_hosts	*have;
	const struct rb_var	*v;
	const char		*field;
	struct host		 h;
	char			 why[400], *norm;
	size_t			 j, k, old, n;
	int			 rc = 0;

	if ((role = runbook_role(rb, rh->role)) == NULL) {
		diags_add(d, from, 0, 0, "runbook %s has no role \"%s\"", rb->id,
		    rh->role);
		return -1;
	}
	have = answers_hosts(a, role->id);
	n = rh->n + (have != NULL ? have->n : 0);
	if (n > 1 && !role->many) {
		diags_add(d, from, 0, 0, "role %s (%s) takes one host; %zu are "
		    "given", role->id, role->title, n);
		return -1;
	}
	for (j = 0; j < rh->n; j++) {
		if (answers_host_check(&rh->hosts[j], &field, why,
		    sizeof(why)) == -1) {
			diags_add(d, from, 0, 0, "%s: %s", role->id, why);
			rc = -1;
			continue;
		}
		for (k = 0; k < rh->hosts[j].nvars; k++) {
			v = runbook_var(rb, rh->hosts[j].var_names[k]);
			if (v == NULL || v->per_host == NULL ||
			    strcmp(v->per_host, role->id) != 0) {
				diags_add(d, from, 0, 0, "%s: %s is not a "
				    "variable per host of %s",
				    rh->hosts[j].name,
				    rh->hosts[j].var_names[k], role->id);
				rc = -1;
			} else if (value_checked(v, rh->hosts[j].var_values[k],
			    &norm, why, sizeof(why)) == -1) {
				diags_add(d, from, 0, 0, "%s: %s",
				    rh->hosts[j].name, why);
				rc = -1;
			} else
				free(norm);
		}
		if (strmap_put(seen, rh->hosts[j].name, 0, &old)) {
			diags_add(d, from, 0, 0, "host name \"%s\" is listed "
			    "twice; names are unique across roles",
			    rh->hosts[j].name);
			rc = -1;
		}
	}
	if (rc == 0)
		for (j = 0; j < rh->n; j++) {
			/* The role is the list's, whatever the copy says. */
			h = rh->hosts[j];
			h.role = role->id;
			h.nvars = 0;
			(void)answers_add_host(a, rb, &h);
			for (k = 0; k < rh->hosts[j].nvars; k++) {
				v = runbook_var(rb, rh->hosts[j].var_names[k]);
				if (value_checked(v, rh->hosts[j].var_values[k],
				    &norm, why, sizeof(why)) == -1)
					continue;
				(void)answers_put_host(a, h.name, v->name,
				    norm);
				free(norm);
			}
		}
	return rc;
}

/* One of the estate's settings from memory, checked as a file's. */
static int
merge_setting(struct answers *a, const char *key, const char *value,
    const char **to, const char *from, struct diags *d)
{
	char	why[300];

	if (value == NULL)
		return 0;
	if (setting_check(key, value, why, sizeof(why)) == -1) {
		diags_add(d, from, 0, 0, "%s", why);
		return -1;
	}
	*to = arena_strdup(a->arena, value);
	return 0;
}

int
answers_merge(struct answers *a, const struct runbook *rb,
    const struct answers *src, const char *from, struct diags *d)
{
	struct strmap	 seen;
	char		 why[400];
	size_t		 i, k, old;
	int		 rc = 0;

	if (src->runbook != NULL && strcmp(src->runbook, rb->id) != 0) {
		diags_add(d, from, 0, 0, "these answers are for runbook %s, not "
		    "%s", src->runbook, rb->id);
		return -1;
	}
	/* The estate's settings (a lab's answers through the wizard's
	 * forms) go with the values: whether its sessions are practice, and
	 * what their checks use. */
	if (src->practice || src->lab != NULL)
		a->practice = 1;
	if (merge_setting(a, "lab", src->lab, &a->lab, from, d) == -1 ||
	    merge_setting(a, "known_hosts", src->known_hosts, &a->known_hosts,
	    from, d) == -1 ||
	    merge_setting(a, "dns_server", src->dns_server, &a->dns_server,
	    from, d) == -1)
		rc = -1;
	for (i = 0; i < src->nvalues; i++)
		if (set_checked(a, rb, src->names[i], src->values[i], why,
		    sizeof(why)) == -1) {
			diags_add(d, from, 0, 0, "%s", why);
			rc = -1;
		}
	strmap_init(&seen);
	for (i = 0; i < a->nroles; i++)
		for (k = 0; k < a->roles[i].n; k++)
			strmap_put(&seen, a->roles[i].hosts[k].name, 0, &old);
	for (i = 0; i < src->nroles; i++)
		if (merge_hosts(a, rb, &src->roles[i], from, &seen, d) == -1)
			rc = -1;
	strmap_free(&seen);
	return rc;
}
