/*
 * cmd-probe.c: fedwiz probe ssh [USER@]HOST[:PORT] --profile P -- COMMAND:
 * one command on one device, through the same engine, host-key checks and
 * device handling the runbook checks use. What an operator runs to see
 * what a check will see.
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clean.h"
#include "cli.h"
#include "evloop.h"
#include "json.h"
#include "profile.h"
#include "prompt.h"
#include "quote.h"
#include "ssh.h"
#include "util.h"
#include "vartype.h"

static int	probe_ssh(struct cli *, int, char **);

static const struct cmd_entry cmd_probe_ssh_entry = {
	.name = "ssh",
	.args = "[USER@]HOST[:PORT] -- COMMAND",
	.summary = "run one command on one device through the engine the "
	    "checks use (host keys, login, device prompts and pagers)",
	.opts = "profile! identity password-file enable-secret-file timeout "
	    "known-hosts host-keys json",
	.min_args = 2,
	.max_args = -1,
	.exec = probe_ssh,
};

static const struct cmd_entry cmd_probe_tls_entry = {
	.name = "tls",
	.args = "HOST:PORT",
	.summary = "connect and handshake as a federation peer would: chain, "
	    "name, EKUs, mutual TLS; or ask whether one suite is accepted",
	.opts = "tls1.0 tls1.1 tls1.2 tls1.3 cipher name ca eku client-cert "
	    "client-key timeout json",
	.min_args = 1,
	.max_args = 1,
	.exec = probe_tls,
};

static const struct cmd_entry cmd_probe_sip_entry = {
	.name = "sip",
	.args = "HOST:PORT",
	.summary = "the end-to-end test: a SIP OPTIONS over TLS (mutual TLS "
	    "with --client-cert), what was sent and what the peer answered, "
	    "ms-diagnostics included",
	.opts = "tls1.0 tls1.1 tls1.2 tls1.3 name ca eku client-cert "
	    "client-key from to timeout json",
	.min_args = 1,
	.max_args = 1,
	.exec = probe_sip,
};

static const struct cmd_entry cmd_probe_cert_entry = {
	.name = "cert",
	.args = "FILE",
	.summary = "what a certificate file holds (.p7b, .cer, .pem, CSR) and "
	    "whether its leaf would do for federation",
	.opts = "name ca json",
	.min_args = 1,
	.max_args = 1,
	.exec = probe_cert,
};

static const struct cmd_entry cmd_probe_dns_entry = {
	.name = "dns",
	.args = "NAME",
	.summary = "look a name up as the dns checks do (A and AAAA, or SRV)",
	.opts = "srv server timeout json",
	.min_args = 1,
	.max_args = 1,
	.exec = probe_dns,
};

static const struct cmd_entry *const probe_commands[] = {
	&cmd_probe_ssh_entry,
	&cmd_probe_tls_entry,
	&cmd_probe_sip_entry,
	&cmd_probe_cert_entry,
	&cmd_probe_dns_entry,
	NULL
};

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.args = "",
	.summary = "look at one thing as a check would",
	.sub = probe_commands,
};

struct probe {
	int		 done;
	int		 rc;
	int		 json;
	const char	*profile;
};

static void
print_json(const struct ssh_target *t, const struct ssh_result *r)
{
	struct json	 j;
	char		*out, *err, *msg, *raw;
	size_t		 rawlen;

	out = clean_str(r->output, r->len);
	raw = clixml_errors(r->errout, r->errlen, &rawlen);
	err = clean_str(raw, rawlen);
	free(raw);
	msg = clean_str(r->message, strlen(r->message));
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kstr(&j, "host", t->address);
	json_kint(&j, "port", t->port);
	json_kstr(&j, "user", t->user);
	json_kstr(&j, "profile", t->profile->name);
	json_kstr(&j, "status", ssh_status_name(r->status));
	if (r->status == SSH_OK && t->profile->channel == CHAN_EXEC)
		json_kint(&j, "exit_status", r->exit_status);
	else {
		json_key(&j, "exit_status");
		json_null(&j);
	}
	json_kstr(&j, "output", out);
	json_kstr(&j, "stderr", err);
	json_kstr(&j, "device_error", r->device_error);
	json_kint(&j, "bytes", (long long)r->total);
	json_kbool(&j, "truncated", r->truncated);
	json_kstr(&j, "sha256", r->sha256);
	json_kint(&j, "ms", (long long)r->ms);
	json_kstr(&j, "message", *msg ? msg : NULL);
	json_obj_end(&j);
	json_end(&j);
	free(out);
	free(err);
	free(msg);
}

static void
on_done(void *arg, const struct ssh_target *t, const struct ssh_result *r)
{
	struct probe	*p = arg;
	char		*out, *msg, *err;
	size_t		 errlen;

	p->done = 1;
	if (r->status != SSH_OK)
		p->rc = EXIT_ENV;
	else if (r->exit_status > 0 || r->device_error != NULL)
		p->rc = EXIT_CHECK;
	else
		p->rc = EXIT_OK;
	if (p->json) {
		print_json(t, r);
		return;
	}
	if (r->status != SSH_OK) {
		msg = clean_str(r->message, strlen(r->message));
		/* The host-key warning is a block: give it its own lines. */
		fprintf(stderr, "fedwiz: %s:%s%s\n", t->name,
		    strchr(msg, '\n') ? "\n" : " ", msg);
		free(msg);
		return;
	}
	out = clean_str(r->output, r->len);
	fputs(out, stdout);
	if (r->len > 0 && out[0] != '\0' && out[strlen(out) - 1] != '\n')
		putchar('\n');
	free(out);
	if (r->errlen > 0) {
		err = clixml_errors(r->errout, r->errlen, &errlen);
		out = clean_str(err, errlen);
		fputs(out, stderr);
		free(out);
		free(err);
	}
	if (r->truncated)
		fprintf(stderr, "fedwiz: output cut at %zu of %zu bytes "
		    "(sha256 of all of it: %s)\n", r->len, r->total,
		    r->sha256);
	if (r->device_error != NULL) {
		msg = clean_str(r->device_error, strlen(r->device_error));
		fprintf(stderr, "fedwiz: %s refused the command: %s\n",
		    t->name, msg);
		free(msg);
	} else if (r->exit_status > 0)
		fprintf(stderr, "fedwiz: the command exited with status %d\n",
		    r->exit_status);
}

static int
probe_ssh(struct cli *cli, int argc, char **argv)
{
	struct ssh_target	 t;
	struct ssh_opts		 o;
	struct probe		 p;
	struct diags		 d;
	struct evloop		*ev = NULL;
	struct ssh_engine	*eng = NULL;
	struct cli_ssh		*cs = NULL;
	struct passwd		*pw;
	struct buf		 cmd;
	char			*user = NULL, *host = NULL, *line = NULL;
	int			 port, i, rc = EXIT_USAGE;

	diags_init(&d);
	buf_init(&cmd);
	memset(&t, 0, sizeof(t));
	if (cli->profile == NULL) {
		fprintf(stderr, "fedwiz: probe ssh needs --profile: windows, "
		    "linux, cisco-vos or cisco-asa\n");
		return EXIT_USAGE;
	}
	if ((t.profile = profile_find(cli->profile)) == NULL ||
	    t.profile->channel == CHAN_NONE) {
		fprintf(stderr, "fedwiz: --profile: \"%s\" is not a device "
		    "profile fedwiz can reach over SSH: windows, linux, "
		    "cisco-vos or cisco-asa\n", cli->profile);
		return EXIT_USAGE;
	}
	if (cli_parse_target(argv[1], &user, &host, &port, 22, &d) == -1)
		goto out;
	for (i = 2; i < argc; i++)
		buf_printf(&cmd, "%s%s", i > 2 ? " " : "", argv[i]);
	if (cmd.len == 0 || strpbrk(cmd.s, "\r\n") != NULL) {
		diags_add(&d, "COMMAND", 0, 0, "give one command on one line");
		goto out;
	}
	if ((cs = cli_ssh_new(cli, &o, &d)) == NULL)
		goto out;
	if (user == NULL) {
		pw = getpwuid(getuid());
		user = xstrdup(pw != NULL ? pw->pw_name : getenv("USER") ?
		    getenv("USER") : "root");
	}
	t.name = host;
	t.address = host;
	t.port = port;
	t.user = user;
	t.identity = cli->identity;
	/* The operator's own PowerShell, as written: no module, no
	 * Format-List (checks add those). */
	line = t.profile->id == PROF_WINDOWS ? quote_powershell(cmd.s, NULL,
	    0) : xstrdup(cmd.s);
	ev = evloop_new();
	eng = ssh_engine_new(ev, &o);
	memset(&p, 0, sizeof(p));
	p.json = cli->json;
	ssh_run(eng, &t, line, on_done, &p);
	while (!p.done)
		if (evloop_once(ev, -1) == -1)
			break;
	rc = p.done ? p.rc : EXIT_ENV;
out:
	if (d.n > 0)
		cli_say(&d);
	diags_free(&d);
	ssh_engine_free(eng);
	evloop_free(ev);
	cli_ssh_free(cs);
	buf_free(&cmd);
	free(line);
	free(user);
	free(host);
	return rc;
}
