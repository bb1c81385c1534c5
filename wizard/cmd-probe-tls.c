/*
 * cmd-probe-tls.c: fedwiz probe tls HOST:PORT: one handshake, or with
 * --cipher one ClientHello offering one (version, suite) pair, through
 * the same code the tls checks use. What an operator runs to see what the
 * peer on 5061 or 5062 actually presents and accepts.
 *
 * The leaf is judged for the usages of --eku, by default both Server and
 * Client Authentication: federation is mutual TLS, and the certificate a
 * server presents on 5061 is the one it presents as a client too.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certinfo.h"
#include "cli.h"
#include "evloop.h"
#include "hello.h"
#include "json.h"
#include "tls.h"
#include "util.h"

#define TLS_PROBE_TIMEOUT_MS	10000

struct probe {
	int		 done;
	int		 rc;
	int		 json;
	struct tls_show	 show;
};

/* The first certificate a peer sends is its own, whatever it says. */
static const char *
role_of(const struct cert_desc *c, size_t i)
{
	return i == 0 ? "leaf" : cert_role(c);
}

static void
text_chain(const struct tls_result *r)
{
	size_t	i;

	if (r->ncerts == 0) {
		printf("the peer presented no certificate\n");
		return;
	}
	for (i = 0; i < r->ncerts; i++) {
		printf("\ncertificate %zu of %zu presented: %s\n", i + 1,
		    r->ncerts, role_of(&r->certs[i], i));
		cli_cert_text(&r->certs[i], time(NULL));
	}
	putchar('\n');
}

/* "Server Authentication and Client Authentication" for CERT_EKU_* */
static const char *
eku_words(unsigned eku)
{
	switch (eku & (CERT_EKU_SERVER | CERT_EKU_CLIENT)) {
	case CERT_EKU_SERVER:
		return "Server Authentication";
	case CERT_EKU_CLIENT:
		return "Client Authentication";
	}
	return "Server Authentication and Client Authentication";
}

static int
has_eku_defect(const struct cert_verdict *v)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (v->defects[i] == CD_EKU || v->defects[i] == CD_NO_EKU_EXT)
			return 1;
	return 0;
}

void
cli_tls_text(const struct tls_show *sh, const struct tls_result *r)
{
	size_t	i;

	if (r->status != TLS_OK) {
		printf("%s: %s\n", sh->target, tls_status_name(r->status));
		printf("  ");
		cli_put_clean(stdout, r->message);
		putchar('\n');
		return;
	}
	/* The address connected to, when the target was a name. */
	printf("%s%s%s%s: %s, %s (0x%04X), %.1f s\n", sh->target,
	    strcmp(sh->target, r->peer) ? " (" : "", strcmp(sh->target,
	    r->peer) ? r->peer : "", strcmp(sh->target, r->peer) ? ")" : "",
	    r->version, r->cipher, r->cipher_id, (double)r->ms / 1000);
	text_chain(r);
	printf("client certificate: %s", r->client_requested ? "requested" :
	    "not requested");
	if (r->client_requested)
		printf(", %s", r->client_sent ? "ours was presented" :
		    r->client_required == 1 ? "required (the peer would not go "
		    "on without one)" : "optional (the peer went on without "
		    "one)");
	putchar('\n');
	for (i = 0; i < r->nca_names; i++) {
		printf("  acceptable CA: ");
		cli_put_clean(stdout, r->ca_names[i]);
		putchar('\n');
	}
	if (!r->judged)
		return;
	if (r->verdict.name_how != NULL) {
		printf("name %s: ", sh->name);
		cli_put_clean(stdout, r->verdict.name_how);
		putchar('\n');
	}
	if (sh->ca != NULL && r->verdict.n == 0)
		printf("chain: trusted by %s\n", sh->ca);
	if (sh->eku == 0)
		printf("usages: not judged (--eku any)\n");
	else if (!has_eku_defect(&r->verdict))
		printf("usages: lists %s (--eku %s)\n", eku_words(sh->eku),
		    cert_eku_word(sh->eku));
	for (i = 0; i < r->verdict.n; i++) {
		printf("DEFECT ");
		cli_put_clean(stdout, r->verdict.messages[i]);
		putchar('\n');
	}
}

static void
json_certs(struct json *j, const struct tls_result *r)
{
	size_t	i;

	json_key(j, "certificates");
	json_arr_begin(j);
	for (i = 0; i < r->ncerts; i++) {
		json_obj_begin(j);
		json_kint(j, "index", (long long)i);
		json_kstr(j, "role", role_of(&r->certs[i], i));
		cli_cert_json(j, &r->certs[i], time(NULL));
		json_obj_end(j);
	}
	json_arr_end(j);
}

void
cli_tls_json(struct json *j, const struct tls_show *sh,
    const struct tls_result *r)
{
	size_t	i;

	json_kstr(j, "peer", r->peer);
	json_kstr(j, "status", tls_status_name(r->status));
	json_kstr(j, "message", r->message);
	json_kint(j, "ms", r->ms);
	if (r->status == TLS_OK) {
		json_kstr(j, "version", r->version);
		json_kstr(j, "cipher", r->cipher);
		json_kint(j, "cipher_id", r->cipher_id);
	}
	json_certs(j, r);
	json_key(j, "client_certificate");
	json_obj_begin(j);
	json_kbool(j, "requested", r->client_requested);
	json_kbool(j, "sent", r->client_sent);
	json_key(j, "required");
	if (r->client_required == -1)
		json_null(j);
	else
		json_bool(j, r->client_required);
	json_key(j, "ca_names");
	json_arr_begin(j);
	for (i = 0; i < r->nca_names; i++)
		json_str(j, r->ca_names[i]);
	json_arr_end(j);
	json_obj_end(j);
	json_kstr(j, "name_match", r->judged ? r->verdict.name_how : NULL);
	json_kstr(j, "eku_wanted", cert_eku_word(sh->eku));
	json_key(j, "defects");
	json_arr_begin(j);
	for (i = 0; r->judged && i < r->verdict.n; i++) {
		json_obj_begin(j);
		json_kstr(j, "kind", cert_defect_name(r->verdict.defects[i]));
		json_kstr(j, "message", r->verdict.messages[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
print_json(struct probe *p, const struct tls_result *r)
{
	struct json	j;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kstr(&j, "target", p->show.target);
	cli_tls_json(&j, &p->show, r);
	json_obj_end(&j);
	json_end(&j);
}

int
cli_tls_eku(const struct cli *cli, unsigned *eku, struct diags *d)
{
	*eku = CERT_EKU_SERVER | CERT_EKU_CLIENT;
	if (cli->eku == NULL || cert_eku_parse(cli->eku, eku) == 0)
		return 0;
	diags_add(d, "--eku", 0, 0, "\"%s\" is not a usage: give both "
	    "(Server and Client Authentication, the default: federation is "
	    "mutual TLS), server, client or any", cli->eku);
	return -1;
}

static int
exit_code(const struct tls_result *r)
{
	switch (r->status) {
	case TLS_OK:
		return r->judged && r->verdict.n > 0 ? EXIT_CHECK : EXIT_OK;
	case TLS_E_INPUT:
		return EXIT_USAGE;
	case TLS_E_CONNECT:
	case TLS_E_TIMEOUT:
		return EXIT_ENV;
	case TLS_E_REFUSED:
	case TLS_E_CLOSED:
	case TLS_E_PROTOCOL:
		return EXIT_CHECK;
	}
	return EXIT_ENV;
}

static void
on_tls(const struct tls_result *r, void *arg)
{
	struct probe	*p = arg;

	if (p->json)
		print_json(p, r);
	else
		cli_tls_text(&p->show, r);
	p->rc = exit_code(r);
	p->done = 1;
}

static void
on_hello(const struct hello_result *r, void *arg)
{
	struct probe	*p = arg;
	struct json	 j;

	if (p->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kstr(&j, "target", p->show.target);
		json_kstr(&j, "peer", r->peer);
		json_kstr(&j, "status", r->verdict == HELLO_ACCEPTED ?
		    "accepted" : r->verdict == HELLO_REFUSED ? "refused" :
		    "error");
		json_kstr(&j, "message", r->message);
		json_kint(&j, "ms", r->ms);
		json_key(&j, "version");
		if (r->verdict == HELLO_ACCEPTED)
			json_str(&j, hello_version_name(r->version));
		else
			json_null(&j);
		json_key(&j, "alert");
		if (r->alert >= 0)
			json_int(&j, r->alert);
		else
			json_null(&j);
		json_obj_end(&j);
		json_end(&j);
	} else {
		printf("%s (%s): ", p->show.target, r->peer[0] ? r->peer :
		    "-");
		cli_put_clean(stdout, r->message);
		putchar('\n');
	}
	p->rc = r->verdict == HELLO_ACCEPTED ? EXIT_OK :
	    r->verdict == HELLO_REFUSED ? EXIT_CHECK : EXIT_ENV;
	p->done = 1;
}

int
probe_tls(struct cli *cli, int argc, char **argv)
{
	struct tls_want	 w;
	struct probe	 p;
	struct diags	 d;
	struct evloop	*ev;
	char		*host = NULL;
	int		 port, cipher = -1, rc = EXIT_USAGE;
	uint16_t	 version = 0;
	int64_t		 ms;

	diags_init(&d);
	if (argc != 2) {
		fprintf(stderr, "fedwiz: usage: fedwiz probe tls HOST:PORT "
		    "[--tls1.0|--tls1.1|--tls1.2|--tls1.3] [--cipher 3des|ID] "
		    "[--name FQDN] [--ca FILE] [--eku both|server|client|any] "
		    "[--client-cert F --client-key F] [--timeout S] [--json]\n");
		return EXIT_USAGE;
	}
	if (cli_parse_target(argv[1], NULL, &host, &port, 0, &d) == -1)
		goto out;
	if (port == 0) {
		diags_add(&d, argv[1], 0, 0, "give the port: HOST:PORT, e.g. "
		    "%s:5061", host);
		goto out;
	}
	if (cli_timeout(cli, TLS_PROBE_TIMEOUT_MS, &ms, &d) == -1)
		goto out;
	if (cli->tls_version != NULL)
		version = hello_version_parse(cli->tls_version);
	if (cli->cipher != NULL && (cipher = hello_cipher_parse(cli->cipher)) ==
	    -1) {
		diags_add(&d, "--cipher", 0, 0, "\"%s\" is not a cipher suite: "
		    "give 3des (TLS_RSA_WITH_3DES_EDE_CBC_SHA) or a suite id in "
		    "hex such as 0x002F", cli->cipher);
		goto out;
	}
	if (cipher != -1 && version == HELLO_TLS13) {
		diags_add(&d, "--cipher", 0, 0, "one suite is probed with a "
		    "TLS 1.2-or-older ClientHello; for TLS 1.3 leave --cipher "
		    "out and read the suite the peer chose");
		goto out;
	}
	if (cipher != -1 && (cli->ca != NULL || cli->client_cert != NULL)) {
		diags_add(&d, "--cipher", 0, 0, "--cipher asks only whether the "
		    "peer accepts the suite (no handshake is finished): leave "
		    "out --ca and --client-cert");
		goto out;
	}
	if (cli->client_key != NULL && cli->client_cert == NULL) {
		diags_add(&d, "--client-key", 0, 0, "give --client-cert too");
		goto out;
	}
	memset(&p, 0, sizeof(p));
	if (cli_tls_eku(cli, &p.show.eku, &d) == -1)
		goto out;
	if (cipher != -1 && cli->eku != NULL) {
		diags_add(&d, "--cipher", 0, 0, "--cipher asks only whether the "
		    "peer accepts the suite (no certificate is judged): leave "
		    "out --eku");
		goto out;
	}
	p.json = cli->json;
	p.show.target = argv[1];
	p.show.ca = cli->ca;
	p.show.name = cli->name;
	ev = evloop_new();
	if (cipher != -1)
		hello_start(ev, host, port, cli->name, version ? version :
		    HELLO_TLS12, (uint16_t)cipher, ms, on_hello, &p);
	else {
		memset(&w, 0, sizeof(w));
		w.host = host;
		w.port = port;
		w.name = cli->name;
		w.min = w.max = version;
		w.ca = cli->ca;
		w.client_cert = cli->client_cert;
		w.client_key = cli->client_key;
		w.eku = p.show.eku;
		w.timeout_ms = ms;
		w.skew = 300;
		tls_probe_start(ev, &w, on_tls, &p);
	}
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
