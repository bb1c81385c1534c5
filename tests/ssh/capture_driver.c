/*
 * capture_driver: what the SSH engine keeps of a command's output when
 * the output passes the cap. Run by tests/ssh/command-limits.sh:
 *
 *   capture_driver KNOWN_HOSTS PORT KEY PROFILE CAP COMMAND
 *
 * Runs COMMAND on 127.0.0.1:PORT with an output cap of CAP bytes, and
 * checks that what the result keeps has no hole: it must be the start of
 * everything the device sent (collected through cb.output, as it came),
 * exactly CAP bytes of it, cleaned the same way. A chunk that crossed the cap was once dropped
 * whole while a later, smaller one (the prompt) was kept after the gap.
 * Prints the sizes; exits 1 with the reason when the property fails.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "evloop.h"
#include "profile.h"
#include "prompt.h"
#include "ssh.h"
#include "util.h"

struct run {
	struct buf		 all;		/* every byte, as it came */
	int			 done;
	enum ssh_status		 status;
	char			*kept;
	size_t			 keptlen;
	size_t			 total;
	int			 truncated;
	char			*message;
};

static void
on_output(void *ctx, void *arg, const char *p, size_t n)
{
	struct run	*r = ctx;

	(void)arg;
	buf_add(&r->all, p, n);
}

static void
on_done(void *arg, const struct ssh_target *t, const struct ssh_result *res)
{
	struct run	*r = arg;

	(void)t;
	r->done = 1;
	r->status = res->status;
	r->kept = xstrndup(res->output, res->len);
	r->keptlen = res->len;
	r->total = res->total;
	r->truncated = res->truncated;
	r->message = xstrdup(res->message);
}

int
main(int argc, char **argv)
{
	struct run		 r;
	struct ssh_opts		 o;
	struct ssh_target	 t;
	struct evloop		*ev;
	struct ssh_engine	*eng;
	char			*clean;
	size_t			 cleanlen, cmp, e;
	int64_t			 end;

	if (argc != 7) {
		fprintf(stderr, "usage: capture_driver KNOWN_HOSTS PORT KEY "
		    "PROFILE CAP COMMAND\n");
		return 2;
	}
	memset(&r, 0, sizeof(r));
	buf_init(&r.all);
	ev = evloop_new();
	ssh_opts_default(&o);
	o.known_hosts = argv[1];
	o.output_cap = (size_t)strtoul(argv[5], NULL, 10);
	o.first_prompt_ms = 20000;
	o.cb.ctx = &r;
	o.cb.output = on_output;
	eng = ssh_engine_new(ev, &o);
	memset(&t, 0, sizeof(t));
	t.name = t.address = "127.0.0.1";
	t.port = atoi(argv[2]);
	t.user = getenv("USER") ? getenv("USER") : "root";
	t.identity = argv[3];
	if ((t.profile = profile_find(argv[4])) == NULL) {
		fprintf(stderr, "no profile %s\n", argv[4]);
		return 2;
	}
	ssh_run(eng, &t, argv[6], on_done, &r);
	end = evloop_now() + 60000;
	while (!r.done && evloop_now() < end)
		evloop_once(ev, 1000);
	if (!r.done) {
		printf("FAIL: no result within 60 s\n");
		return 1;
	}
	printf("status %s%s%s; received %zu bytes (counted %zu), kept %zu, "
	    "truncated %d\n", ssh_status_name(r.status), *r.message ? ": " :
	    "", r.message, r.all.len, r.total, r.keptlen, r.truncated);
	if (r.status != SSH_OK || !r.truncated || r.total != r.all.len) {
		printf("FAIL: wanted a truncated result of all %zu bytes\n",
		    r.all.len);
		return 1;
	}
	/* A CLI's cut output is its transcript up to the cap, cleaned, from
	 * the command's echo on: the first CAP bytes that came, no fewer,
	 * none from later. */
	cmp = o.output_cap < r.all.len ? o.output_cap : r.all.len;
	clean = clean_term(r.all.s, cmp, &cleanlen);
	if ((e = prompt_echo_end(clean, cleanlen, argv[6])) == (size_t)-1)
		e = 0;
	if (cleanlen - e != r.keptlen ||
	    memcmp(clean + e, r.kept, r.keptlen) != 0) {
		printf("FAIL: what was kept is not the start of what came\n"
		    "--- kept\n%s\n--- came (cleaned)\n%.*s\n", r.kept,
		    (int)(cleanlen < 4096 ? cleanlen : 4096), clean);
		return 1;
	}
	printf("ok: the first %zu bytes kept (%zu cleaned), no hole\n", cmp,
	    r.keptlen);
	free(clean);
	free(r.kept);
	free(r.message);
	buf_free(&r.all);
	ssh_engine_free(eng);
	evloop_free(ev);
	return 0;
}
