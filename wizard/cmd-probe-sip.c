/*
 * cmd-probe-sip.c: fedwiz probe sip HOST:PORT: a SIP OPTIONS over TLS,
 * what was sent and what came back, judged as the sip checks judge it.
 * The end-to-end test an engineer runs once both sides of a federation
 * are committed, as Test-CsFederatedPartner does on a Lync Edge and
 * sipsak -s does from a shell.
 *
 * Exit 0 a 2xx came; 1 the TLS handshake or the peer's certificate failed,
 * the peer demands a client certificate (or refused ours), hung up, or
 * gave a final answer other than 2xx; 3 it cannot be reached or never
 * answers; 2 bad input.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certinfo.h"
#include "cli.h"
#include "evloop.h"
#include "hello.h"
#include "json.h"
#include "net.h"
#include "sip.h"
#include "tls.h"
#include "util.h"

#define SIP_TLS_TIMEOUT_MS	10000

#define USAGE "usage: fedwiz probe sip HOST:PORT [--name FQDN] [--ca FILE] " \
	"[--client-cert F --client-key F] [--from URI] [--to URI] " \
	"[--tls1.0|--tls1.1|--tls1.2|--tls1.3] [--eku both|server|client|any] " \
	"[--timeout S] [--json]"

struct probe {
	int		 done;
	int		 rc;
	int		 json;
	struct tls_show	 show;
};

/* "> line" for each line of what was sent (our own text: no cleaning
 * needed, but it is shown the same way). */
static void
text_request(const struct sip_result *r)
{
	const char	*p, *nl;

	printf("\nsent from %s:\n", r->local);
	for (p = r->request; *p != '\0' && !(p[0] == '\r' && p[1] == '\n');
	    p = nl + 2) {
		if ((nl = strstr(p, "\r\n")) == NULL)
			break;
		printf("> %.*s\n", (int)(nl - p), p);
	}
}

static void
text_responses(const struct sip_result *r)
{
	const struct sip_msg	*m;
	size_t			 i, k;

	if (r->nmsgs == 0)
		return;
	printf("\nreceived:\n");
	for (i = 0; i < r->nmsgs; i++) {
		m = &r->msgs[i];
		if (i > 0)
			printf("<\n");
		printf("< ");
		cli_put_clean(stdout, m->start);
		putchar('\n');
		for (k = 0; k < m->nh; k++) {
			printf("< ");
			cli_put_clean(stdout, m->h[k].name);
			printf(": ");
			cli_put_clean(stdout, m->h[k].value);
			putchar('\n');
		}
		if (m->body_len > 0)
			printf("< (a body of %zu bytes, not shown)\n",
			    m->body_len);
	}
}

static void
print_text(struct probe *p, const struct sip_result *r,
    const struct sip_judgement *j)
{
	if (r->tls->status == TLS_OK) {
		cli_tls_text(&p->show, r->tls);
		if (r->request != NULL)
			text_request(r);
		text_responses(r);
		putchar('\n');
	}
	if (r->stray > 0)
		printf("(%zu message%s on the connection that %s not an answer "
		    "to the OPTIONS: skipped)\n", r->stray, r->stray == 1 ? "" :
		    "s", r->stray == 1 ? "was" : "were");
	switch (j->verdict) {
	case SIPV_PASS:
		printf("OK    %03d ", r->final->code);
		cli_put_clean(stdout, r->final->reason);
		printf(" (answered in %.1f s)\n", (double)r->answer_ms / 1000);
		break;
	case SIPV_FAIL:
	case SIPV_ERROR:
		printf("%s ", j->verdict == SIPV_FAIL ? "FAIL " : "ERROR");
		cli_put_clean(stdout, j->what);
		putchar('\n');
		break;
	case SIPV_INPUT:
		break;
	}
}

static void
json_msg(struct json *js, const struct sip_msg *m)
{
	size_t	k;

	json_obj_begin(js);
	json_kint(js, "code", m->code);
	cli_json_kclean(js, "reason", m->reason);
	cli_json_kclean(js, "start", m->start);
	json_key(js, "headers");
	json_arr_begin(js);
	for (k = 0; k < m->nh; k++) {
		json_obj_begin(js);
		cli_json_kclean(js, "name", m->h[k].name);
		cli_json_kclean(js, "value", m->h[k].value);
		json_obj_end(js);
	}
	json_arr_end(js);
	json_kint(js, "body_bytes", (long long)m->body_len);
	json_obj_end(js);
}

static void
print_json(struct probe *p, const struct sip_result *r,
    const struct sip_judgement *j)
{
	struct json	 js;
	size_t		 i;

	json_init(&js, stdout);
	json_obj_begin(&js);
	json_kstr(&js, "target", p->show.target);
	json_kstr(&js, "peer", r->tls->peer);
	json_kstr(&js, "status", sip_status_name(r->status));
	json_kstr(&js, "verdict", j->verdict == SIPV_PASS ? "pass" :
	    j->verdict == SIPV_FAIL ? "fail" : j->verdict == SIPV_ERROR ?
	    "error" : "input");
	json_kstr(&js, "class", j->sub != NULL ? j->sub : j->cls);
	json_kstr(&js, "message", j->what);
	json_kint(&js, "ms", r->ms);
	json_key(&js, "tls");
	if (r->status == SIP_E_INPUT)
		json_null(&js);
	else {
		json_obj_begin(&js);
		cli_tls_json(&js, &p->show, r->tls);
		json_obj_end(&js);
	}
	json_kstr(&js, "local", r->request != NULL ? r->local : NULL);
	json_kstr(&js, "request", r->request);
	json_key(&js, "responses");
	json_arr_begin(&js);
	for (i = 0; i < r->nmsgs; i++)
		json_msg(&js, &r->msgs[i]);
	json_arr_end(&js);
	json_key(&js, "final");
	if (r->final == NULL)
		json_null(&js);
	else
		json_msg(&js, r->final);
	cli_json_kclean(&js, "ms_diagnostics", r->final ?
	    sip_msg_header(r->final, "ms-diagnostics") : NULL);
	cli_json_kclean(&js, "ms_diagnostics_public", r->final ?
	    sip_msg_header(r->final, "ms-diagnostics-public") : NULL);
	json_key(&js, "answer_ms");
	if (r->answer_ms >= 0)
		json_int(&js, r->answer_ms);
	else
		json_null(&js);
	json_kint(&js, "bytes", (long long)r->bytes);
	json_kint(&js, "skipped", (long long)r->stray);
	json_obj_end(&js);
	json_end(&js);
}

static void
on_sip(const struct sip_result *r, void *arg)
{
	struct probe		*p = arg;
	struct sip_judgement	 j;

	sip_judge(r, NULL, &j);
	if (j.verdict == SIPV_INPUT) {
		fputs("fedwiz: ", stderr);
		cli_put_clean(stderr, j.what);
		fputc('\n', stderr);
	} else if (p->json)
		print_json(p, r, &j);
	else
		print_text(p, r, &j);
	p->rc = j.verdict == SIPV_PASS ? EXIT_OK : j.verdict == SIPV_FAIL ?
	    EXIT_CHECK : j.verdict == SIPV_ERROR ? EXIT_ENV : EXIT_USAGE;
	p->done = 1;
	sip_judgement_free(&j);
}

int
probe_sip(struct cli *cli, int argc, char **argv)
{
	struct sip_want	 w;
	struct probe	 p;
	struct diags	 d;
	struct evloop	*ev;
	char		*host = NULL, why[120];
	int		 port, rc = EXIT_USAGE;
	uint16_t	 version = 0;
	int64_t		 ms;

	diags_init(&d);
	memset(&p, 0, sizeof(p));
	if (argc != 2) {
		fprintf(stderr, "fedwiz: %s\n", USAGE);
		return EXIT_USAGE;
	}
	if (cli_parse_target(argv[1], NULL, &host, &port, 0, &d) == -1)
		goto out;
	if (port == 0) {
		diags_add(&d, argv[1], 0, 0, "give the port: HOST:PORT, e.g. "
		    "%s:5061 (Lync/OCS, the Access Edge) or %s:5062 (IM and "
		    "Presence)", host, host);
		goto out;
	}
	if (cli_timeout(cli, SIP_TLS_TIMEOUT_MS, &ms, &d) == -1)
		goto out;
	if (cli_tls_eku(cli, &p.show.eku, &d) == -1)
		goto out;
	if (cli->client_key != NULL && cli->client_cert == NULL) {
		diags_add(&d, "--client-key", 0, 0, "give --client-cert too");
		goto out;
	}
	if (cli->name != NULL && *cli->name == '\0') {
		diags_add(&d, "--name", 0, 0, "is empty: give the FQDN the "
		    "peer's certificate must carry");
		goto out;
	}
	if (cli->from != NULL && sip_uri_check(cli->from, why, sizeof(why)) ==
	    -1) {
		diags_add(&d, "--from", 0, 0, "%s", why);
		goto out;
	}
	if (cli->to != NULL && sip_uri_check(cli->to, why, sizeof(why)) ==
	    -1) {
		diags_add(&d, "--to", 0, 0, "%s", why);
		goto out;
	}
	if (cli->tls_version != NULL)
		version = hello_version_parse(cli->tls_version);
	p.json = cli->json;
	p.show.target = argv[1];
	p.show.ca = cli->ca;
	/* The peer's name: what it must be called, and the SNI. Given a
	 * name to connect to, that is the name. */
	p.show.name = cli->name != NULL ? cli->name : net_is_address(host) ?
	    NULL : host;
	memset(&w, 0, sizeof(w));
	w.tls.host = host;
	w.tls.port = port;
	w.tls.name = p.show.name;
	w.tls.min = w.tls.max = version;
	w.tls.ca = cli->ca;
	w.tls.eku = p.show.eku;
	w.tls.client_cert = cli->client_cert;
	w.tls.client_key = cli->client_key;
	w.tls.timeout_ms = ms;
	w.tls.skew = 300;
	w.from = cli->from;
	w.to = cli->to;
	w.answer_ms = cli->timeout != NULL ? ms : SIP_ANSWER_MS;
	ev = evloop_new();
	sip_probe_start(ev, &w, on_sip, &p);
	while (!p.done)
		if (evloop_once(ev, -1) == -1)
			break;
	evloop_free(ev);
	rc = p.done ? p.rc : EXIT_ENV;
out:
	if (d.n > 0)
		cli_say(&d);
	diags_free(&d);
	free(host);
	return rc;
}
