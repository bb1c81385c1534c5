/* draft.c: a new session as the forms fill it in (draft.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "draft.h"
#include "profile.h"
#include "runbook.h"
#include "util.h"
#include "vartype.h"

const char *const draft_field_names[DF_COUNT] = {
	[DF_NAME] = "name",
	[DF_ADDRESS] = "address",
	[DF_USER] = "user",
	[DF_PORT] = "port",
	[DF_PROFILE] = "profile",
	[DF_IDENTITY] = "identity",
};

struct draft *
draft_new(struct runbook *rb)
{
	struct draft	*d = xcalloc(1, sizeof(*d));
	size_t		 i;

	d->rb = rb;
	d->values = xcalloc(rb->nvars ? rb->nvars : 1, sizeof(*d->values));
	for (i = 0; i < rb->nvars; i++)
		d->values[i] = xstrdup(rb->vars[i].def ? rb->vars[i].def : "");
	return d;
}

void
draft_free(struct draft *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->rb->nvars; i++)
		free(d->values[i]);
	free(d->values);
	for (i = 0; i < d->nhosts; i++)
		draft_host_clear(&d->hosts[i]);
	free(d->hosts);
	free(d->lab);
	free(d->known_hosts);
	free(d->dns_server);
	runbook_free(d->rb);
	free(d);
}

/* One setting from answers into the draft: kept unless a is silent. */
static void
take(char **to, const char *from)
{
	if (from == NULL)
		return;
	free(*to);
	*to = xstrdup(from);
}

void
draft_set(struct draft *d, size_t i, const char *s)
{
	free(d->values[i]);
	d->values[i] = xstrdup(s != NULL ? s : "");
}

void
draft_fill(struct draft *d, const struct answers *a)
{
	const struct role_hosts	*rh;
	const struct host	*h;
	struct draft_host	 dh;
	char			 port[16];
	size_t			 i, k;

	if (a->practice || a->lab != NULL)
		d->practice = 1;
	take(&d->lab, a->lab);
	take(&d->known_hosts, a->known_hosts);
	take(&d->dns_server, a->dns_server);
	for (i = 0; i < d->rb->nvars; i++)
		if (answers_get(a, d->rb->vars[i].name) != NULL)
			draft_set(d, i, answers_get(a, d->rb->vars[i].name));
	for (i = 0; i < d->rb->nroles; i++) {
		if ((rh = answers_hosts(a, d->rb->roles[i].id)) == NULL)
			continue;
		for (k = 0; k < rh->n; k++) {
			h = &rh->hosts[k];
			draft_host_init(&dh, &d->rb->roles[i]);
			draft_host_set(&dh, DF_NAME, h->name);
			draft_host_set(&dh, DF_ADDRESS, h->address);
			draft_host_set(&dh, DF_USER, h->user);
			snprintf(port, sizeof(port), "%d", h->port);
			draft_host_set(&dh, DF_PORT, h->port != 22 ? port : "");
			if (h->profile != NULL)
				draft_host_set(&dh, DF_PROFILE,
				    h->profile->name);
			draft_host_set(&dh, DF_IDENTITY, h->identity);
			draft_host_put(d, d->nhosts, &dh);
			draft_host_clear(&dh);
		}
	}
}

int
draft_check_value(const struct draft *d, size_t i, char *why, size_t len)
{
	const struct rb_var	*v = &d->rb->vars[i];
	const char		*s = d->values[i];
	char			 vwhy[200];

	/* Nothing typed: the default stands, or the session starts without
	 * it and every step that uses it says so (plan.h's needs). */
	if (*s == '\0')
		return 0;
	if (vartype_check(&v->spec, s, NULL, vwhy, sizeof(vwhy)) == -1) {
		/* A choice's reason lists the choices already. */
		if (v->spec.type == VT_CHOICE)
			snprintf(why, len, "%s", vwhy);
		else
			snprintf(why, len, "%s; expected %s", vwhy,
			    vartype_expect(v->spec.type));
		return -1;
	}
	return 0;
}

int
draft_ready(const struct draft *d, size_t *var, char *why, size_t len)
{
	size_t	i;

	for (i = 0; i < d->rb->nvars; i++)
		if (draft_check_value(d, i, why, len) == -1) {
			*var = i;
			return -1;
		}
	return 0;
}

void
draft_host_init(struct draft_host *h, const struct rb_role *role)
{
	size_t	i;

	h->role = role->id;
	for (i = 0; i < DF_COUNT; i++)
		h->f[i] = xstrdup("");
	draft_host_set(h, DF_PROFILE, role->profile != NULL ?
	    role->profile->name : role->profile_name);
}

void
draft_host_clear(struct draft_host *h)
{
	size_t	i;

	for (i = 0; i < DF_COUNT; i++) {
		free(h->f[i]);
		h->f[i] = NULL;
	}
}

void
draft_host_set(struct draft_host *h, enum draft_field f, const char *s)
{
	free(h->f[f]);
	h->f[f] = xstrdup(s != NULL ? s : "");
}

int
draft_check_field(const struct draft *d, const struct draft_host *h,
    size_t self, enum draft_field f, char *why, size_t len)
{
	struct varspec	 sp = { .type = VT_PORT };
	struct host	 one;
	const char	*field, *s = h->f[f];
	char		 vwhy[200];
	size_t		 j;

	if (f == DF_PORT) {
		if (*s != '\0' && vartype_check(&sp, s, NULL, vwhy,
		    sizeof(vwhy)) == -1) {
			snprintf(why, len, "\"%s\" %s", s, vwhy);
			return -1;
		}
		return 0;
	}
	/* answers_host_check looks at the fields that are set, the name
	 * always: a valid stand-in name lets it judge one other field. */
	memset(&one, 0, sizeof(one));
	one.name = f == DF_NAME ? s : "x";
	if (f == DF_ADDRESS)
		one.address = s;
	else if (f == DF_USER)
		one.user = s;
	else if (f == DF_PROFILE)
		one.profile_name = s;
	else if (f == DF_IDENTITY)
		one.identity = s;
	if (answers_host_check(&one, &field, why, len) == -1)
		return -1;
	if (f != DF_NAME)
		return 0;
	for (j = 0; j < d->nhosts; j++)
		if (j != self && strcmp(d->hosts[j].f[DF_NAME], s) == 0) {
			snprintf(why, len, "name \"%s\" is taken by a host of "
			    "%s; names are unique across roles", s,
			    d->hosts[j].role);
			return -1;
		}
	return 0;
}

int
draft_check_host(const struct draft *d, const struct draft_host *h,
    size_t self, enum draft_field *field, char *why, size_t len)
{
	int	f;

	for (f = 0; f < DF_COUNT; f++)
		if (draft_check_field(d, h, self, f, why, len) == -1) {
			*field = f;
			return -1;
		}
	return 0;
}

size_t
draft_role_hosts(const struct draft *d, const char *role)
{
	size_t	i, n = 0;

	for (i = 0; i < d->nhosts; i++)
		if (strcmp(d->hosts[i].role, role) == 0)
			n++;
	return n;
}

void
draft_host_put(struct draft *d, size_t i, const struct draft_host *h)
{
	struct draft_host	*dst;
	size_t			 f;

	if (i >= d->nhosts) {
		d->hosts = xreallocarray(d->hosts, d->nhosts + 1,
		    sizeof(*d->hosts));
		i = d->nhosts++;
		memset(&d->hosts[i], 0, sizeof(d->hosts[i]));
	}
	dst = &d->hosts[i];
	dst->role = h->role;
	for (f = 0; f < DF_COUNT; f++)
		draft_host_set(dst, f, h->f[f]);
}

void
draft_host_del(struct draft *d, size_t i)
{
	if (i >= d->nhosts)
		return;
	draft_host_clear(&d->hosts[i]);
	memmove(&d->hosts[i], &d->hosts[i + 1], (d->nhosts - i - 1) *
	    sizeof(*d->hosts));
	d->nhosts--;
}

struct answers *
draft_answers(const struct draft *d)
{
	const struct rb_role	*role;
	const struct draft_host	*dh;
	struct answers		*a = answers_new();
	struct host		 h;
	size_t			 i;

	a->runbook = arena_strdup(a->arena, d->rb->id);
	a->practice = d->practice;
	if (d->lab != NULL)
		a->lab = arena_strdup(a->arena, d->lab);
	if (d->known_hosts != NULL)
		a->known_hosts = arena_strdup(a->arena, d->known_hosts);
	if (d->dns_server != NULL)
		a->dns_server = arena_strdup(a->arena, d->dns_server);
	/* Empty: the default stands in, as when a file leaves it out. */
	for (i = 0; i < d->rb->nvars; i++)
		if (*d->values[i] != '\0')
			answers_put(a, d->rb->vars[i].name, d->values[i]);
	for (i = 0; i < d->nhosts; i++) {
		dh = &d->hosts[i];
		if ((role = runbook_role(d->rb, dh->role)) == NULL)
			continue;	/* the draft only makes declared roles */
		memset(&h, 0, sizeof(h));
		h.role = dh->role;
		h.name = dh->f[DF_NAME];
		h.address = dh->f[DF_ADDRESS];
		h.user = dh->f[DF_USER];
		h.port = *dh->f[DF_PORT] ? atoi(dh->f[DF_PORT]) : 22;
		/* The role's profile is no override: leave it unsaid. */
		h.profile_name = role->profile != NULL && strcmp(dh->f[DF_PROFILE],
		    role->profile->name) == 0 ? NULL : dh->f[DF_PROFILE];
		h.identity = dh->f[DF_IDENTITY];
		(void)answers_add_host(a, d->rb, &h);
	}
	return a;
}

size_t
draft_unanswered(const struct draft *d, size_t *first)
{
	size_t	i, n = 0;

	for (i = 0; i < d->rb->nvars; i++)
		if (*d->values[i] == '\0' && d->rb->vars[i].def == NULL &&
		    n++ == 0 && first != NULL)
			*first = i;
	return n;
}
