/* main.c: parse the command line and run one command. */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tui.h"
#include "util.h"

static const struct cmd_entry *const commands[] = {
	&cmd_list_entry,
	&cmd_validate_entry,
	&cmd_plan_entry,
	&cmd_start_entry,
	&cmd_status_entry,
	&cmd_step_entry,
	&cmd_sessions_entry,
	&cmd_report_entry,
	&cmd_audit_entry,
	&cmd_unlock_entry,
	&cmd_close_entry,
	&cmd_check_entry,
	&cmd_probe_entry,
	&cmd_lab_entry,
};


enum opt_id {
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_OUTPUT = 'o',
	OPT_RUNBOOKS = 256,
	OPT_STATE,
	OPT_ANSWERS,
	OPT_SET,
	OPT_JSON,
	OPT_STEPS,
	OPT_SESSION,
	OPT_OPERATOR,
	OPT_WINDOW_END,
	OPT_NOTE,
	OPT_FORCE,
	OPT_ACCEPT_DRIFT,
	OPT_FORMAT,
	OPT_KNOWN_HOSTS,
	OPT_HOST_KEYS,
	OPT_IDENTITY,
	OPT_PROFILE,
	OPT_PASSWORD_FILE,
	OPT_ENABLE_FILE,
	OPT_TIMEOUT,
	OPT_PROCEDURE,
	OPT_HOST,
	OPT_TLS10,
	OPT_TLS11,
	OPT_TLS12,
	OPT_TLS13,
	OPT_CIPHER,
	OPT_NAME,
	OPT_CA,
	OPT_CLIENT_CERT,
	OPT_CLIENT_KEY,
	OPT_SRV,
	OPT_SERVER,
	OPT_KIND,
	OPT_NO_COLOR,
	OPT_ASCII
};

struct opt_entry {
	struct option	 lo;
	const char	*arg;
	const char	*help;
	const char	*cmds;		/* space-separated; NULL: global */
};

static const struct opt_entry opts[] = {
	{ { "runbooks", required_argument, NULL, OPT_RUNBOOKS }, "DIR",
	    "the runbook folder (default: the installed one, or steps/ "
	    "from the build tree)", NULL },
	{ { "state", required_argument, NULL, OPT_STATE }, "PATH",
	    "the progress database (default: $XDG_STATE_HOME/fedwiz/fedwiz.db)",
	    NULL },
	{ { "answers", required_argument, NULL, OPT_ANSWERS }, "FILE",
	    "preseed variables and hosts from a YAML answers file",
	    "plan start check" },
	{ { "set", required_argument, NULL, OPT_SET }, "VAR=VALUE",
	    "set one variable (repeatable; wins over --answers)",
	    "plan start check" },
	{ { "json", no_argument, NULL, OPT_JSON }, NULL,
	    "one JSON document on standard output",
	    "list plan status sessions check probe" },
	{ { "steps", no_argument, NULL, OPT_STEPS }, NULL,
	    "also print every step with its values filled in", "plan" },
	{ { "session", required_argument, NULL, OPT_SESSION }, "ID",
	    "the session (default: the most recently active open one)",
	    "status step report unlock close check" },
	{ { "operator", required_argument, NULL, OPT_OPERATOR }, "NAME",
	    "who does it (default: $FEDWIZ_OPERATOR, else your login name)",
	    "start step unlock close check" },
	{ { "window-end", required_argument, NULL, OPT_WINDOW_END }, "HH:MM",
	    "when the maintenance window closes", "start" },
	{ { "note", required_argument, NULL, OPT_NOTE }, "TEXT",
	    "why (required to skip or fail a step)", "step close" },
	{ { "force", no_argument, NULL, OPT_FORCE }, NULL,
	    "record a step of a blocked procedure anyway (logged)", "step" },
	{ { "accept-drift", no_argument, NULL, OPT_ACCEPT_DRIFT }, NULL,
	    "continue a session whose runbook changed (logged)", "step" },
	{ { "format", required_argument, NULL, OPT_FORMAT }, "md|html|json",
	    "the report's format", "report" },
	{ { "output", required_argument, NULL, OPT_OUTPUT }, "FILE",
	    "write to FILE (mode 0600, replaced atomically) instead of "
	    "standard output", "report" },
	{ { "procedure", required_argument, NULL, OPT_PROCEDURE }, "ID",
	    "only this procedure's checks", "check" },
	{ { "host", required_argument, NULL, OPT_HOST }, "NAME",
	    "only the checks that run on this inventory host", "check" },
	{ { "kind", required_argument, NULL, OPT_KIND }, "KIND[,KIND]",
	    "only checks of these kinds: ssh, tls, x509, dns, tcp", "check" },
	{ { "profile", required_argument, NULL, OPT_PROFILE }, "P",
	    "the device: windows, linux, cisco-vos or cisco-asa", "probe" },
	{ { "identity", required_argument, NULL, OPT_IDENTITY }, "KEY",
	    "SSH key file (default: the agent, then ~/.ssh/id_ed25519, "
	    "id_ecdsa, id_rsa)", "check probe" },
	{ { "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	    "FILE", "SSH password from a file only you can read (else "
	    "$FEDWIZ_PASSWORD, else asked)", "check probe" },
	{ { "enable-secret-file", required_argument, NULL, OPT_ENABLE_FILE },
	    "FILE", "ASA enable secret from a file only you can read (else "
	    "$FEDWIZ_ENABLE_SECRET, else empty)", "check probe" },
	{ { "timeout", required_argument, NULL, OPT_TIMEOUT }, "SECONDS",
	    "give up on a host silent this long (default: 10 s to connect, "
	    "30 s to log in, 60 s for a prompt or output)", "check probe" },
	{ { "tls1.0", no_argument, NULL, OPT_TLS10 }, NULL,
	    "offer TLS 1.0 only", "probe" },
	{ { "tls1.1", no_argument, NULL, OPT_TLS11 }, NULL,
	    "offer TLS 1.1 only", "probe" },
	{ { "tls1.2", no_argument, NULL, OPT_TLS12 }, NULL,
	    "offer TLS 1.2 only", "probe" },
	{ { "tls1.3", no_argument, NULL, OPT_TLS13 }, NULL,
	    "offer TLS 1.3 only", "probe" },
	{ { "cipher", required_argument, NULL, OPT_CIPHER }, "3des|ID",
	    "offer this one cipher suite (3des: TLS_RSA_WITH_3DES_EDE_CBC_SHA, "
	    "or a suite id like 0x002F)", "probe" },
	{ { "name", required_argument, NULL, OPT_NAME }, "FQDN",
	    "the name the certificate must match (TLS: also sent as SNI)",
	    "probe" },
	{ { "ca", required_argument, NULL, OPT_CA }, "FILE",
	    "verify the peer's chain against these CA certificates (.p7b, "
	    ".pem, .cer)", "probe" },
	{ { "client-cert", required_argument, NULL, OPT_CLIENT_CERT }, "FILE",
	    "present this client certificate (PEM)", "probe" },
	{ { "client-key", required_argument, NULL, OPT_CLIENT_KEY }, "FILE",
	    "the client certificate's private key (PEM)", "probe" },
	{ { "srv", no_argument, NULL, OPT_SRV }, NULL,
	    "look up SRV records (default: A and AAAA)", "probe" },
	{ { "server", required_argument, NULL, OPT_SERVER }, "IP[:PORT]",
	    "ask this DNS server (default: /etc/resolv.conf's)", "probe check" },
	{ { "known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS }, "FILE",
	    "OpenSSH known_hosts to check host keys against (default: "
	    "~/.ssh/known_hosts)", NULL },
	{ { "host-keys", required_argument, NULL, OPT_HOST_KEYS },
	    "strict|accept-new|ask", "an unknown host key: refused with its "
	    "fingerprint (strict, the default), recorded, or asked about",
	    NULL },
	{ { "no-color", no_argument, NULL, OPT_NO_COLOR }, NULL,
	    "the console in monochrome (also when $NO_COLOR is set)", NULL },
	{ { "ascii", no_argument, NULL, OPT_ASCII }, NULL,
	    "draw the console with ASCII only (the default when the locale "
	    "is not UTF-8)", NULL },
	{ { "help", no_argument, NULL, OPT_HELP }, NULL,
	    "this help", NULL },
	{ { "version", no_argument, NULL, OPT_VERSION }, NULL,
	    "print the version", NULL },
};

static void
usage(FILE *fp)
{
	size_t	i;
	char	left[64];

	fprintf(fp, "usage: fedwiz [options] COMMAND [args]\n\n"
	    "fedwiz walks an engineer through federating Cisco IM and Presence "
	    "with\nMicrosoft Lync or OCS, from runbooks made of the vendor "
	    "procedures.\n\ncommands:\n");
	for (i = 0; i < nitems(commands); i++) {
		fprintf(fp, "  fedwiz %s %s\n", commands[i]->name,
		    commands[i]->args);
		fprintf(fp, "      %s\n", commands[i]->summary);
	}
	fprintf(fp, "\noptions:\n");
	for (i = 0; i < nitems(opts); i++) {
		snprintf(left, sizeof(left), "--%s%s%s", opts[i].lo.name,
		    opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		fprintf(fp, "  %-22s %s%s%s%s\n", left, opts[i].help,
		    opts[i].cmds ? " [" : "", opts[i].cmds ? opts[i].cmds : "",
		    opts[i].cmds ? "]" : "");
	}
	fprintf(fp, "\nexit status: 0 ok, 1 a check failed, 2 bad input or "
	    "usage, 3 environment.\nSee fedwiz(1) and steps/README.md.\n");
}

/*
 * Where the command word is: the first argument that is neither a global
 * option nor the value of one. `lab` parses what follows it itself (its
 * --state is the lab's starting state, --dir its folder), so the global
 * options are read only before it.
 */
static int
command_index(int argc, char **argv)
{
	size_t	k, len;
	int	i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (strncmp(argv[i], "--", 2) == 0) {
			len = strcspn(argv[i] + 2, "=");
			for (k = 0; k < nitems(opts); k++)
				if (strlen(opts[k].lo.name) == len &&
				    strncmp(opts[k].lo.name, argv[i] + 2, len) ==
				    0)
					break;
			if (k < nitems(opts) && opts[k].lo.has_arg ==
			    required_argument && argv[i][2 + len] != '=')
				i++;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (strcmp(argv[i], "-o") == 0)
				i++;
			continue;
		}
		return i;
	}
	return -1;
}

static const struct opt_entry *
opt_by_val(int val)
{
	size_t	i;

	for (i = 0; i < nitems(opts); i++)
		if (opts[i].lo.val == val)
			return &opts[i];
	return NULL;
}

static int
opt_allowed(const struct opt_entry *o, const char *cmd)
{
	const char	*p;
	size_t		 len = strlen(cmd);

	if (o->cmds == NULL)
		return 1;
	for (p = o->cmds; (p = strstr(p, cmd)) != NULL; p += len)
		if ((p == o->cmds || p[-1] == ' ') && (p[len] == '\0' ||
		    p[len] == ' '))
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct option			 lopts[nitems(opts) + 1];
	const struct cmd_entry		*cmd = NULL;
	const struct opt_entry		*o;
	struct cli			 cli;
	int				 c, i, nargs, seen[512], rc, labat;
	size_t				 k;

	setlocale(LC_ALL, "");
	memset(&cli, 0, sizeof(cli));
	memset(seen, 0, sizeof(seen));
	for (k = 0; k < nitems(opts); k++)
		lopts[k] = opts[k].lo;
	memset(&lopts[k], 0, sizeof(lopts[k]));

	opterr = 0;
	labat = command_index(argc, argv);
	if (labat < 0 || strcmp(argv[labat], "lab") != 0)
		labat = -1;
	while ((c = getopt_long(labat > 0 ? labat : argc, argv, ":hVo:", lopts,
	    NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			usage(stdout);
			return EXIT_OK;
		case OPT_VERSION:
			printf("fedwiz %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		case OPT_RUNBOOKS:
			cli.runbooks = optarg;
			break;
		case OPT_ANSWERS:
			cli.answers = optarg;
			break;
		case OPT_SET:
			cli.sets = xreallocarray(cli.sets, cli.nsets + 1,
			    sizeof(*cli.sets));
			cli.sets[cli.nsets++] = optarg;
			break;
		case OPT_JSON:
			cli.json = 1;
			break;
		case OPT_STEPS:
			cli.steps = 1;
			break;
		case OPT_STATE:
			cli.state = optarg;
			break;
		case OPT_SESSION:
			cli.session = optarg;
			break;
		case OPT_OPERATOR:
			cli.operator = optarg;
			break;
		case OPT_WINDOW_END:
			cli.window_end = optarg;
			break;
		case OPT_NOTE:
			cli.note = optarg;
			break;
		case OPT_FORCE:
			cli.force = 1;
			break;
		case OPT_ACCEPT_DRIFT:
			cli.accept_drift = 1;
			break;
		case OPT_FORMAT:
			cli.format = optarg;
			break;
		case OPT_OUTPUT:
			cli.output = optarg;
			break;
		case OPT_KNOWN_HOSTS:
			cli.known_hosts = optarg;
			break;
		case OPT_HOST_KEYS:
			cli.host_keys = optarg;
			break;
		case OPT_IDENTITY:
			cli.identity = optarg;
			break;
		case OPT_PROFILE:
			cli.profile = optarg;
			break;
		case OPT_PASSWORD_FILE:
			cli.password_file = optarg;
			break;
		case OPT_ENABLE_FILE:
			cli.enable_file = optarg;
			break;
		case OPT_TIMEOUT:
			cli.timeout = optarg;
			break;
		case OPT_PROCEDURE:
			cli.procedure = optarg;
			break;
		case OPT_HOST:
			cli.host = optarg;
			break;
		case OPT_TLS10:
		case OPT_TLS11:
		case OPT_TLS12:
		case OPT_TLS13:
			if (cli.tls_version != NULL) {
				fprintf(stderr, "fedwiz: give one of --tls1.0, "
				    "--tls1.1, --tls1.2, --tls1.3\n");
				return EXIT_USAGE;
			}
			cli.tls_version = c == OPT_TLS10 ? "tls1.0" :
			    c == OPT_TLS11 ? "tls1.1" : c == OPT_TLS12 ?
			    "tls1.2" : "tls1.3";
			break;
		case OPT_CIPHER:
			cli.cipher = optarg;
			break;
		case OPT_NAME:
			cli.name = optarg;
			break;
		case OPT_CA:
			cli.ca = optarg;
			break;
		case OPT_CLIENT_CERT:
			cli.client_cert = optarg;
			break;
		case OPT_CLIENT_KEY:
			cli.client_key = optarg;
			break;
		case OPT_SRV:
			cli.srv = 1;
			break;
		case OPT_SERVER:
			cli.server = optarg;
			break;
		case OPT_KIND:
			cli.kind = optarg;
			break;
		case OPT_NO_COLOR:
			cli.no_color = 1;
			break;
		case OPT_ASCII:
			cli.ascii = 1;
			break;
		case ':':
			fprintf(stderr, "fedwiz: %s needs a value (try fedwiz "
			    "--help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "fedwiz: unknown option '%s' (try "
			    "fedwiz --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
		if (c >= 0 && c < (int)nitems(seen))
			seen[c] = 1;
	}
	if (labat > 0) {
		/* Global options before `lab` are those of fedwiz (--state
		 * still names its database, the lab's default folder is
		 * beside it); the lab's own follow it. */
		for (i = 0; i < (int)nitems(seen); i++) {
			if (!seen[i] || (o = opt_by_val(i)) == NULL ||
			    o->cmds == NULL)
				continue;
			fprintf(stderr, "fedwiz: --%s is not an option of 'lab' "
			    "(it is for: %s)\n", o->lo.name, o->cmds);
			return EXIT_USAGE;
		}
		if (labat + 1 >= argc) {
			fprintf(stderr, "fedwiz: usage: fedwiz lab %s\n",
			    cmd_lab_entry.args);
			return EXIT_USAGE;
		}
		rc = cmd_lab_entry.exec(&cli, argc - labat - 1, argv + labat +
		    1);
		free(cli.sets);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			perror("fedwiz: writing output");
			return EXIT_ENV;
		}
		return rc;
	}
	if (optind >= argc) {
		/* No command: the console wizard. */
		rc = tui_main(&cli);
		free(cli.sets);
		return rc;
	}
	for (k = 0; k < nitems(commands); k++)
		if (strcmp(commands[k]->name, argv[optind]) == 0)
			cmd = commands[k];
	if (cmd == NULL) {
		fprintf(stderr, "fedwiz: unknown command '%s' (try fedwiz "
		    "--help)\n", argv[optind]);
		return EXIT_USAGE;
	}
	for (i = 0; i < (int)nitems(seen); i++) {
		if (!seen[i] || (o = opt_by_val(i)) == NULL)
			continue;
		if (!opt_allowed(o, cmd->name)) {
			fprintf(stderr, "fedwiz: --%s is not an option of '%s' "
			    "(it is for: %s)\n", o->lo.name, cmd->name, o->cmds);
			return EXIT_USAGE;
		}
	}
	nargs = argc - optind - 1;
	if (nargs < cmd->min_args || (cmd->max_args >= 0 &&
	    nargs > cmd->max_args)) {
		fprintf(stderr, "fedwiz: usage: fedwiz %s %s\n", cmd->name,
		    cmd->args);
		return EXIT_USAGE;
	}
	rc = cmd->exec(&cli, nargs, argv + optind + 1);
	free(cli.sets);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("fedwiz: writing output");
		return EXIT_ENV;
	}
	return rc;
}
