/*
 * cmd-probe-dns.c: fedwiz probe dns NAME [--srv] [--server IP[:PORT]]
 * [--timeout S] [--json]: one lookup made the way a dns check makes it
 * (A and AAAA at once, or SRV), so an operator sees what the check sees
 * and which server said it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dns.h"
#include "evloop.h"
#include "json.h"
#include "util.h"

#define PROBE_DNS_MS	5000

/* One type's lookup; the result is copied out of the callback. */
struct lookup {
	int		 type;
	int		 done;
	struct dns_result r;
};

static void
on_done(const struct dns_result *r, void *arg)
{
	struct lookup	*l = arg;
	size_t		 i;

	l->done = 1;
	l->r = *r;
	l->r.message = r->message ? xstrdup(r->message) : NULL;
	l->r.cname = r->cname ? xstrdup(r->cname) : NULL;
	l->r.rrs = xcalloc(r->n + 1, sizeof(*r->rrs));
	for (i = 0; i < r->n; i++) {
		l->r.rrs[i] = r->rrs[i];
		l->r.rrs[i].addr = r->rrs[i].addr ? xstrdup(r->rrs[i].addr) :
		    NULL;
		l->r.rrs[i].target = r->rrs[i].target ?
		    xstrdup(r->rrs[i].target) : NULL;
	}
}

static void
lookup_clear(struct lookup *l)
{
	size_t	 i;

	for (i = 0; i < l->r.n; i++) {
		free(l->r.rrs[i].addr);
		free(l->r.rrs[i].target);
	}
	free(l->r.rrs);
	free(l->r.message);
	free(l->r.cname);
}

static int
answered(enum dns_status s)
{
	return s == DNS_OK || s == DNS_NXDOMAIN || s == DNS_NODATA;
}

/*
 * What the lookups add up to: ok when any type has records; nxdomain when
 * the name does not exist (whatever the other type did: no name, no
 * records); nodata when every type was answered without records; else
 * the resolver could not be asked, and the first such result says how.
 */
static const struct lookup *
verdict(const struct lookup *l, size_t n, enum dns_status *st)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (l[i].r.status == DNS_OK) {
			*st = DNS_OK;
			return &l[i];
		}
	for (i = 0; i < n; i++)
		if (l[i].r.status == DNS_NXDOMAIN) {
			*st = DNS_NXDOMAIN;
			return &l[i];
		}
	for (i = 0; i < n; i++)
		if (l[i].r.status != DNS_NODATA) {
			*st = l[i].r.status;
			return &l[i];
		}
	*st = DNS_NODATA;
	return &l[0];
}

static int
exit_code(enum dns_status st)
{
	switch (st) {
	case DNS_OK:
		return EXIT_OK;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		return EXIT_CHECK;
	default:
		return EXIT_ENV;
	}
}

/* The messages of the lookups, each once (NXDOMAIN reads the same for
 * A and AAAA). */
static int
seen_before(const struct lookup *l, size_t i)
{
	size_t	 j;

	for (j = 0; j < i; j++)
		if (l[j].r.message != NULL &&
		    strcmp(l[j].r.message, l[i].r.message) == 0)
			return 1;
	return 0;
}

static void
print_json(const char *name, const struct lookup *l, size_t n)
{
	struct json		 j;
	struct buf		 msg;
	const struct lookup	*v;
	enum dns_status		 st;
	size_t			 i, k;

	v = verdict(l, n, &st);
	buf_init(&msg);
	for (i = 0; st != DNS_OK && i < n; i++)
		if (l[i].r.message != NULL && !seen_before(l, i))
			buf_printf(&msg, "%s%s", msg.len ? "; " : "",
			    l[i].r.message);
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kstr(&j, "name", name);
	json_key(&j, "types");
	json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_str(&j, dns_type_name(l[i].type));
	json_arr_end(&j);
	json_kstr(&j, "server", v->r.server);
	json_kstr(&j, "status", dns_status_name(st));
	json_kstr(&j, "message", msg.len ? msg.s : NULL);
	json_key(&j, "answers");
	json_arr_begin(&j);
	for (i = 0; i < n; i++)
		for (k = 0; k < l[i].r.n; k++) {
			const struct dns_rr	*rr = &l[i].r.rrs[k];

			json_obj_begin(&j);
			json_kstr(&j, "type", dns_type_name(rr->type));
			json_kint(&j, "ttl", rr->ttl);
			if (rr->type == DNS_T_SRV) {
				json_kstr(&j, "target", rr->target);
				json_kint(&j, "port", rr->port);
				json_kint(&j, "priority", rr->priority);
				json_kint(&j, "weight", rr->weight);
			} else
				json_kstr(&j, "address", rr->addr);
			json_obj_end(&j);
		}
	json_arr_end(&j);
	for (i = 0; i < n && l[i].r.cname == NULL; i++)
		;
	json_kstr(&j, "cname", i < n ? l[i].r.cname : NULL);
	/* Each type on its own: an AAAA that timed out next to an A that
	 * answered is worth knowing. */
	json_key(&j, "results");
	json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		json_obj_begin(&j);
		json_kstr(&j, "type", dns_type_name(l[i].type));
		json_kstr(&j, "status", dns_status_name(l[i].r.status));
		json_kstr(&j, "server", l[i].r.server);
		json_kstr(&j, "message", l[i].r.message);
		json_kint(&j, "count", (long long)l[i].r.n);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
	buf_free(&msg);
}

/* Zone-file lines, which every DNS tool prints and every operator
 * reads: "sip.example.com. 300 IN A 192.0.2.10". */
static void
print_text(const char *name, const struct lookup *l, size_t n)
{
	const struct dns_rr	*rr;
	const char		*owner;
	size_t			 i, k, j;
	int			 said_alias = 0;

	for (i = 0; i < n; i++) {
		owner = l[i].r.cname ? l[i].r.cname : name;
		if (l[i].r.cname != NULL && !said_alias && l[i].r.n > 0) {
			printf("; %s is an alias of %s\n", name, l[i].r.cname);
			said_alias = 1;
		}
		for (k = 0; k < l[i].r.n; k++) {
			rr = &l[i].r.rrs[k];
			printf("%s. %u IN %s ", owner, (unsigned)rr->ttl,
			    dns_type_name(rr->type));
			if (rr->type == DNS_T_SRV)
				printf("%u %u %u %s%s\n", rr->priority,
				    rr->weight, rr->port, rr->target,
				    strcmp(rr->target, ".") ? "." : "");
			else
				printf("%s\n", rr->addr);
		}
	}
	for (i = 0; i < n; i++) {
		if (!answered(l[i].r.status))
			continue;
		for (j = 0; j < i; j++)
			if (answered(l[j].r.status) &&
			    strcmp(l[j].r.server, l[i].r.server) == 0)
				break;
		if (j == i)
			printf(";; answered by %s\n", l[i].r.server);
	}
	for (i = 0; i < n; i++)
		if (l[i].r.message != NULL && !seen_before(l, i))
			fprintf(stderr, "fedwiz: %s\n", l[i].r.message);
}

static int
parse_seconds(const char *s, int64_t *ms)
{
	char	*end;
	double	 v;

	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(v > 0) || v > 86400)
		return -1;
	*ms = (int64_t)(v * 1000);
	return *ms > 0 ? 0 : -1;
}

int
probe_dns(struct cli *cli, int argc, char **argv)
{
	struct lookup		 l[2];
	struct dns_query	*q[2] = { NULL, NULL };
	struct evloop		*ev;
	enum dns_status		 st;
	char			*err = NULL, *name;
	int64_t			 ms = PROBE_DNS_MS;
	size_t			 i, n;
	int			 rc;

	if (argc != 2) {
		fprintf(stderr, "fedwiz: usage: fedwiz probe dns NAME [--srv] "
		    "[--server IP[:PORT]] [--timeout SECONDS] [--json]\n");
		return EXIT_USAGE;
	}
	if (cli->timeout != NULL && parse_seconds(cli->timeout, &ms) == -1) {
		fprintf(stderr, "fedwiz: --timeout: \"%s\" is not a number of "
		    "seconds (e.g. 5, or 0.5)\n", cli->timeout);
		return EXIT_USAGE;
	}
	memset(l, 0, sizeof(l));
	if (cli->srv) {
		l[0].type = DNS_T_SRV;
		n = 1;
	} else {
		l[0].type = DNS_T_A;
		l[1].type = DNS_T_AAAA;
		n = 2;
	}
	ev = evloop_new();
	/* Both checked before either is sent: a bad name or server stops
	 * here, with nothing on the wire. */
	for (i = 0; i < n; i++)
		if ((q[i] = dns_query_start(ev, argv[1], l[i].type,
		    cli->server, ms, on_done, &l[i], &err)) == NULL) {
			fprintf(stderr, "fedwiz: probe dns: %s\n", err);
			free(err);
			dns_query_cancel(q[0]);
			evloop_free(ev);
			return EXIT_USAGE;
		}
	for (;;) {
		for (i = 0; i < n && l[i].done; i++)
			;
		if (i == n || evloop_once(ev, -1) == -1)
			break;
	}
	for (i = 0; i < n; i++)
		if (!l[i].done) {
			/* Cannot happen: a query holds its deadline timer
			 * until done. Say so rather than print nothing. */
			fprintf(stderr, "fedwiz: probe dns: the lookup "
			    "ended without a result\n");
			for (i = 0; i < n; i++)
				if (!l[i].done)
					dns_query_cancel(q[i]);
			rc = EXIT_ENV;
			goto out;
		}
	/* The name as the records show it: without its trailing dot. */
	name = xstrdup(argv[1]);
	if (name[0] != '\0' && name[strlen(name) - 1] == '.')
		name[strlen(name) - 1] = '\0';
	if (cli->json)
		print_json(name, l, n);
	else
		print_text(name, l, n);
	free(name);
	verdict(l, n, &st);
	rc = exit_code(st);
out:
	for (i = 0; i < n; i++)
		if (l[i].done)
			lookup_clear(&l[i]);
	evloop_free(ev);
	return rc;
}
