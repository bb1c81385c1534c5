/*
 * main.c: parse the command line and run one command. The options are one
 * table (opts[]: name, value, help, where the value lands in struct cli);
 * each command's entry names the options it takes (cli.h), and both the
 * usage text and the check that an option belongs to the command come
 * from there.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "cli.h"
#include "secret.h"
#include "tui.h"
#include "util.h"

static int	wizard_exec(struct cli *, int, char **);

/* No command: the console wizard. */
static const struct cmd_entry cmd_wizard_entry = {
	.name = "",
	.args = "",
	.summary = "the console wizard: resumes the last open session where "
	    "it was left, or starts a new one",
	.opts = "answers set operator identity password-file "
	    "enable-secret-file timeout server known-hosts host-keys no-color "
	    "ascii",
	.min_args = 0,
	.max_args = 0,
	.exec = wizard_exec,
};

static const struct cmd_entry *const commands[] = {
	&cmd_list_entry,
	&cmd_validate_entry,
	&cmd_plan_entry,
	&cmd_start_entry,
	&cmd_status_entry,
	&cmd_step_entry,
	&cmd_set_entry,
	&cmd_host_entry,
	&cmd_sessions_entry,
	&cmd_report_entry,
	&cmd_audit_entry,
	&cmd_unlock_entry,
	&cmd_close_entry,
	&cmd_check_entry,
	&cmd_probe_entry,
	&cmd_lab_entry,
	&cmd_export_entry,
	&cmd_import_entry,
};

enum opt_type {
	OT_FLAG,	/* int set to 1 */
	OT_STR,		/* const char *: the value (the last one given) */
	OT_LIST,	/* const char **, and a size_t count: every value */
	OT_CONST	/* const char * set to .value: one of a group */
};

struct opt_def {
	const char	*name;
	int		 letter;	/* the short form; 0: none */
	enum opt_type	 type;
	const char	*arg;		/* the value's name in usage */
	size_t		 off;		/* where it lands in struct cli */
	size_t		 count_off;	/* OT_LIST: the count's */
	const char	*value;		/* OT_CONST: what it sets */
	const char	*help;
};

#define OFF(f)		offsetof(struct cli, f)

/*
 * Options every command takes. The rest belong to the commands that name
 * them in their opts.
 */
static const char global_opts[] = "state runbooks help version";

static const struct opt_def opts[] = {
	{ "state", 0, OT_STR, "PATH", OFF(state), 0, NULL,
	    "the progress database (default: $XDG_STATE_HOME/fedwiz/fedwiz.db)" },
	{ "runbooks", 0, OT_STR, "DIR", OFF(runbooks), 0, NULL,
	    "the runbook folder (default: the installed one, or steps/ from "
	    "the build tree)" },
	{ "answers", 0, OT_STR, "FILE", OFF(answers), 0, NULL,
	    "preseed variables and hosts from a YAML answers file" },
	{ "set", 0, OT_LIST, "VAR=VALUE", OFF(sets), OFF(nsets), NULL,
	    "set one variable (repeatable; wins over --answers)" },
	{ "json", 0, OT_FLAG, NULL, OFF(json), 0, NULL,
	    "one JSON document on standard output" },
	{ "mark", 0, OT_FLAG, NULL, OFF(mark), 0, NULL,
	    "mark done each step whose checks all ran and passed (with "
	    "--session; as the wizard does)" },
	{ "steps", 0, OT_FLAG, NULL, OFF(steps), 0, NULL,
	    "also print every step with its values filled in" },
	{ "session", 0, OT_STR, "ID", OFF(session), 0, NULL,
	    "the session (default: the most recently active open one)" },
	{ "operator", 0, OT_STR, "NAME", OFF(operator), 0, NULL,
	    "who does it (default: $FEDWIZ_OPERATOR, else your login name)" },
	{ "window-end", 0, OT_STR, "HH:MM", OFF(window_end), 0, NULL,
	    "when the maintenance window closes" },
	{ "note", 0, OT_STR, "TEXT", OFF(note), 0, NULL,
	    "why (required to skip or fail a step)" },
	{ "force", 0, OT_FLAG, NULL, OFF(force), 0, NULL,
	    "record a step of a blocked procedure anyway (logged)" },
	{ "accept-drift", 0, OT_FLAG, NULL, OFF(accept_drift), 0, NULL,
	    "continue a session whose runbook changed (logged)" },
	{ "format", 0, OT_STR, "md|html|json", OFF(format), 0, NULL,
	    "the report's format" },
	{ "output", 'o', OT_STR, "PATH", OFF(output), 0, NULL,
	    "write to PATH instead of standard output: a file (mode 0600, "
	    "replaced atomically); for export, a new folder (0700)" },
	{ "procedure", 0, OT_STR, "ID", OFF(procedure), 0, NULL,
	    "only this procedure's checks" },
	{ "host", 0, OT_STR, "NAME", OFF(host), 0, NULL,
	    "check: only the checks that run on this inventory host; set: the "
	    "host whose own value it is" },
	{ "user", 0, OT_STR, "U", OFF(user), 0, NULL,
	    "the SSH user of the host (default: your login name)" },
	{ "head", 0, OT_STR, "N:HASH", OFF(head), 0, NULL,
	    "the head 'audit verify' printed earlier: prove nothing up to it "
	    "was rewritten or removed since" },
	{ "kind", 0, OT_STR, "KIND[,KIND]", OFF(kind), 0, NULL,
	    "only checks of these kinds: ssh, tls, x509, dns, tcp, sip" },
	{ "manifest", 0, OT_STR, "FILE", OFF(manifest), 0, NULL,
	    "run as a site's share of an export: only on the exported "
	    "runbook and answers, the JSON results bound to the export and "
	    "signed (the manifest.yaml fedwiz export ansible wrote)" },
	{ "profile", 0, OT_STR, "P", OFF(profile), 0, NULL,
	    "the device: windows, linux, cisco-vos or cisco-asa" },
	{ "site", 0, OT_STR, "SITE", OFF(site), 0, NULL,
	    "the site (of the answers' sites:) whose jump host reaches the "
	    "host; none: this console reaches it" },
	{ "identity", 0, OT_STR, "KEY", OFF(identity), 0, NULL,
	    "SSH key file (default: the agent, then ~/.ssh/id_ed25519, "
	    "id_ecdsa, id_rsa)" },
	{ "password-file", 0, OT_STR, "FILE", OFF(password_file), 0, NULL,
	    "SSH password from a file only you can read (else "
	    "$FEDWIZ_PASSWORD, else asked)" },
	{ "enable-secret-file", 0, OT_STR, "FILE", OFF(enable_file), 0, NULL,
	    "ASA enable secret from a file only you can read (else "
	    "$FEDWIZ_ENABLE_SECRET, else empty)" },
	{ "timeout", 0, OT_STR, "SECONDS", OFF(timeout), 0, NULL,
	    "give up on a host silent this long (default: 10 s to connect, "
	    "30 s to log in, 60 s for a prompt or output)" },
	{ "tls1.0", 0, OT_CONST, NULL, OFF(tls_version), 0, "tls1.0",
	    "offer TLS 1.0 only" },
	{ "tls1.1", 0, OT_CONST, NULL, OFF(tls_version), 0, "tls1.1",
	    "offer TLS 1.1 only" },
	{ "tls1.2", 0, OT_CONST, NULL, OFF(tls_version), 0, "tls1.2",
	    "offer TLS 1.2 only" },
	{ "tls1.3", 0, OT_CONST, NULL, OFF(tls_version), 0, "tls1.3",
	    "offer TLS 1.3 only" },
	{ "cipher", 0, OT_STR, "3des|ID", OFF(cipher), 0, NULL,
	    "offer this one cipher suite (3des: TLS_RSA_WITH_3DES_EDE_CBC_SHA, "
	    "or a suite id like 0x002F)" },
	{ "name", 0, OT_STR, "FQDN", OFF(name), 0, NULL,
	    "the name the certificate must match (TLS: also sent as SNI)" },
	{ "ca", 0, OT_STR, "FILE", OFF(ca), 0, NULL,
	    "verify the chain against these CA certificates (.p7b, .pem, "
	    ".cer)" },
	{ "client-cert", 0, OT_STR, "FILE", OFF(client_cert), 0, NULL,
	    "present this client certificate (PEM)" },
	{ "client-key", 0, OT_STR, "FILE", OFF(client_key), 0, NULL,
	    "the client certificate's private key (PEM)" },
	{ "eku", 0, OT_STR, "both|server|client|any", OFF(eku), 0, NULL,
	    "the usages the peer's certificate must list: Server and Client "
	    "Authentication (both, the default: federation is mutual TLS), "
	    "one of them, or any" },
	{ "from", 0, OT_STR, "URI|FILE", OFF(from), 0, NULL,
	    "probe sip: the From of the SIP OPTIONS (default: sip:fedwiz@ this "
	    "host's name); check: a file (- for standard input) holding the "
	    "output of a step's ssh check that you ran on the host yourself" },
	{ "step", 0, OT_STR, "N", OFF(step), 0, NULL,
	    "check --from: the step (1-based) whose ssh check the output "
	    "answers" },
	{ "index", 0, OT_STR, "N", OFF(index), 0, NULL,
	    "check --from: which of the step's ssh checks on that host, when "
	    "their commands differ (1-based, in document order)" },
	{ "to", 0, OT_STR, "URI", OFF(to), 0, NULL,
	    "the To and request URI of the SIP OPTIONS (default: sip: the "
	    "--name, else the host)" },
	{ "srv", 0, OT_FLAG, NULL, OFF(srv), 0, NULL,
	    "look up SRV records (default: A and AAAA)" },
	{ "server", 0, OT_STR, "IP[:PORT]", OFF(server), 0, NULL,
	    "ask this DNS server (default: /etc/resolv.conf's)" },
	{ "known-hosts", 0, OT_STR, "FILE", OFF(known_hosts), 0, NULL,
	    "OpenSSH known_hosts to check host keys against (default: "
	    "~/.ssh/known_hosts)" },
	{ "host-keys", 0, OT_STR, "strict|accept-new|ask", OFF(host_keys), 0,
	    NULL, "an unknown host key: refused with its fingerprint (strict, "
	    "the default; the wizard asks), recorded, or asked about" },
	{ "no-color", 0, OT_FLAG, NULL, OFF(no_color), 0, NULL,
	    "the console in monochrome (also when $NO_COLOR is set)" },
	{ "ascii", 0, OT_FLAG, NULL, OFF(ascii), 0, NULL,
	    "draw the console with ASCII only (the default when the locale "
	    "is not UTF-8)" },
	{ "help", 'h', OT_FLAG, NULL, OFF(help), 0, NULL,
	    "this help; after a command, that command's" },
	{ "version", 'V', OT_FLAG, NULL, OFF(version), 0, NULL,
	    "print the version" },
};

#define OPT_VAL(i)	(256 + (int)(i))

static const struct opt_def *
opt_named(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(opts); i++)
		if (strlen(opts[i].name) == len &&
		    strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	/* A spec naming no option is the program's own defect: the tests
	 * run every command's --help, which comes here for each name. */
	fatal("internal error: a command names an option \"%.*s\" that the "
	    "option table does not have", (int)len, name);
}

/* Each name of a spec in turn: *p moves past it; 0 at the end. */
static int
spec_next(const char **p, const struct opt_def **o, int *required)
{
	const char	*s = *p, *e;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return 0;
	for (e = s; *e != '\0' && *e != ' '; e++)
		;
	*p = e;
	*required = e[-1] == '!';
	*o = opt_named(s, (size_t)(e - s) - (size_t)*required);
	return 1;
}

static int
spec_has(const char *spec, const struct opt_def *o)
{
	const struct opt_def	*x;
	int			 req;

	while (spec != NULL && spec_next(&spec, &x, &req))
		if (x == o)
			return 1;
	return 0;
}

/* The option belongs to cmd (within its group, if it is in one). */
static int
opt_allowed(const struct opt_def *o, const struct cmd_entry *group,
    const struct cmd_entry *cmd)
{
	return spec_has(global_opts, o) || spec_has(cmd->opts, o) ||
	    (group != NULL && spec_has(group->opts, o));
}

/* "probe tls", "check", "the wizard": how messages name a command. */
static void
cmd_label(char *buf, size_t len, const struct cmd_entry *group,
    const struct cmd_entry *cmd)
{
	if (cmd == &cmd_wizard_entry)
		snprintf(buf, len, "the wizard");
	else
		snprintf(buf, len, "%s%s%s", group ? group->name : "",
		    group ? " " : "", cmd->name);
}

/* Output wrapped at 79 columns, continued lines indented. */
struct wrap {
	FILE	*fp;
	int	 col;
	int	 indent;
	int	 fresh;		/* at the start of a line */
};

static void
wrap_word(struct wrap *w, const char *word)
{
	int	n = (int)strlen(word);

	if (!w->fresh && w->col + 1 + n > 79) {
		fprintf(w->fp, "\n%*s", w->indent, "");
		w->col = w->indent;
	} else if (!w->fresh) {
		fputc(' ', w->fp);
		w->col++;
	}
	fputs(word, w->fp);
	w->col += n;
	w->fresh = 0;
}

/* Words of s, each through wrap_word. */
static void
wrap_words(struct wrap *w, const char *s)
{
	char	word[256];
	size_t	n;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		n = strcspn(s, " ");
		if (n == 0)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)n, s);
		wrap_word(w, word);
		s += n;
	}
}

/* A paragraph at indent, wrapped, ended with a newline. */
static void
wrap_para(FILE *fp, int indent, const char *s)
{
	struct wrap	w = { fp, indent, indent, 1 };

	fprintf(fp, "%*s", indent, "");
	wrap_words(&w, s);
	fputc('\n', fp);
}

/* The options of a spec as usage shows them: [--json] [--set V]...; a
 * group of options setting one thing as [--tls1.0|--tls1.1]. */
static void
usage_opts(struct wrap *w, const char *spec)
{
	const struct opt_def	*o, *next;
	const char		*p = spec, *q;
	char			 item[256];
	size_t			 n = 0;
	int			 req, req2;

	if (spec == NULL)
		return;
	while (spec_next(&p, &o, &req)) {
		if (o->type == OT_CONST) {
			if (n == 0)
				n = (size_t)snprintf(item, sizeof(item), "[");
			n += (size_t)snprintf(item + n, sizeof(item) - n, "%s--%s",
			    item[n - 1] == '[' ? "" : "|", o->name);
			q = p;
			if (spec_next(&q, &next, &req2) && next->type ==
			    OT_CONST && next->off == o->off)
				continue;
			snprintf(item + n, sizeof(item) - n, "]");
			n = 0;
		} else
			snprintf(item, sizeof(item), "%s%s%s%s%s%s%s",
			    req ? "" : "[", o->letter ? "-" : "--", o->letter ?
			    (char[]){ (char)o->letter, '\0' } : o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "", req ? "" :
			    "]", o->type == OT_LIST ? "..." : "");
		wrap_word(w, item);
	}
}

/* "fedwiz probe tls HOST:PORT [--tls1.0|...] [--json]", wrapped. */
static void
usage_line(FILE *fp, const char *lead, const struct cmd_entry *group,
    const struct cmd_entry *cmd)
{
	struct wrap	 w = { fp, 0, 8, 1 };
	const char	*tail;
	char		 head[256];
	size_t		 n;

	snprintf(head, sizeof(head), "%sfedwiz", lead);
	wrap_word(&w, head);
	if (group != NULL)
		wrap_word(&w, group->name);
	if (*cmd->name != '\0')
		wrap_word(&w, cmd->name);
	tail = strstr(cmd->args, " -- ");
	n = tail != NULL ? (size_t)(tail - cmd->args) : strlen(cmd->args);
	snprintf(head, sizeof(head), "%.*s", (int)n, cmd->args);
	wrap_words(&w, head);
	if (cmd->sub != NULL && *cmd->args == '\0')
		wrap_word(&w, "COMMAND ...");
	if (group != NULL)
		usage_opts(&w, group->opts);
	usage_opts(&w, cmd->opts);
	/* "-- COMMAND" stays together. */
	if (tail != NULL)
		wrap_word(&w, tail + 1);
	fputc('\n', fp);
}

/* "  -o, --output FILE   write to FILE ...", the help wrapped beside it
 * (under it when the left part is long). */
static void
usage_opt(FILE *fp, const struct opt_def *o, const char *more)
{
	struct wrap	 w = { fp, 27, 27, 1 };
	char		 left[64];
	int		 n;

	n = snprintf(left, sizeof(left), "  %s%c%s--%s%s%s", o->letter ? "-" :
	    "", o->letter ? o->letter : ' ', o->letter ? ", " : "", o->name,
	    o->arg ? " " : "", o->arg ? o->arg : "");
	if (!o->letter)
		n = snprintf(left, sizeof(left), "  --%s%s%s", o->name, o->arg ?
		    " " : "", o->arg ? o->arg : "");
	if (n > 26)
		fprintf(fp, "%s\n%27s", left, "");
	else
		fprintf(fp, "%-27s", left);
	wrap_words(&w, o->help);
	if (more != NULL)
		wrap_words(&w, more);
	fputc('\n', fp);
}

static void	users_of(char *, size_t, const struct opt_def *);

static void
usage(FILE *fp)
{
	const struct cmd_entry	*const *s;
	char			 users[512], line[600];
	size_t			 i;

	fprintf(fp, "usage: fedwiz [options] COMMAND [args]\n\n"
	    "fedwiz walks an engineer through federating Cisco IM and Presence "
	    "with\nMicrosoft Lync or OCS, from runbooks made of the vendor "
	    "procedures.\n\ncommands:\n");
	usage_line(fp, "  ", NULL, &cmd_wizard_entry);
	wrap_para(fp, 6, cmd_wizard_entry.summary);
	for (i = 0; i < nitems(commands); i++) {
		if (commands[i]->sub == NULL) {
			usage_line(fp, "  ", NULL, commands[i]);
			wrap_para(fp, 6, commands[i]->summary);
			continue;
		}
		for (s = commands[i]->sub; *s != NULL; s++) {
			usage_line(fp, "  ", commands[i], *s);
			wrap_para(fp, 6, (*s)->summary);
		}
	}
	fprintf(fp, "\noptions (each for the commands named; 'fedwiz COMMAND "
	    "--help' lists a\ncommand's own):\n");
	for (i = 0; i < nitems(opts); i++) {
		if (spec_has(global_opts, &opts[i])) {
			usage_opt(fp, &opts[i], NULL);
			continue;
		}
		users_of(users, sizeof(users), &opts[i]);
		snprintf(line, sizeof(line), "(for: %s)", users);
		usage_opt(fp, &opts[i], line);
	}
	fprintf(fp, "\nexit status: 0 ok, 1 a check failed, 2 bad input or "
	    "usage, 3 environment.\nSee fedwiz(1) and steps/README.md.\n");
}

/* "fedwiz: before ARG after": a message quoting a command-line word,
 * cleaned (clean.h). */
static void
say_arg(const char *before, const char *arg, const char *after)
{
	char	*c = clean_line(arg);

	fprintf(stderr, "fedwiz: %s%s%s\n", before, c, after);
	free(c);
}

/* fedwiz CMD --help: its usage, what it does, its options. */
static void
usage_cmd(FILE *fp, const struct cmd_entry *group,
    const struct cmd_entry *cmd)
{
	const struct cmd_entry	*const *s;
	const struct opt_def	*o;
	const char		*p;
	int			 req;

	if (cmd->sub != NULL) {
		fprintf(fp, "fedwiz %s: %s\n\n", cmd->name, cmd->summary);
		for (s = cmd->sub; *s != NULL; s++) {
			usage_line(fp, "", cmd, *s);
			wrap_para(fp, 6, (*s)->summary);
		}
		fprintf(fp, "\n'fedwiz %s COMMAND --help' says more about one.\n",
		    cmd->name);
		return;
	}
	usage_line(fp, "usage: ", group, cmd);
	wrap_para(fp, 0, cmd->summary);
	if ((group == NULL || group->opts == NULL) && cmd->opts == NULL)
		fprintf(fp, "\nno options of its own.\n");
	else
		fprintf(fp, "\noptions:\n");
	if (group != NULL && (p = group->opts) != NULL)
		while (spec_next(&p, &o, &req))
			usage_opt(fp, o, NULL);
	for (p = cmd->opts; p != NULL && spec_next(&p, &o, &req);)
		usage_opt(fp, o, NULL);
	fprintf(fp, "\nevery command also takes:\n");
	for (p = global_opts; spec_next(&p, &o, &req);)
		usage_opt(fp, o, NULL);
	fprintf(fp, "\nexit status: 0 ok, 1 a check failed, 2 bad input or "
	    "usage, 3 environment.\n");
}

/* The commands that take o, for the message refusing it elsewhere. */
static void
users_of(char *buf, size_t len, const struct opt_def *o)
{
	const struct cmd_entry	*c, *const *s;
	char			 label[64];
	size_t			 i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < nitems(commands) && n < len; i++) {
		c = commands[i];
		if (spec_has(c->opts, o))
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n ? ", " : "", c->name);
		for (s = c->sub; s != NULL && *s != NULL && n < len; s++)
			if (!spec_has(c->opts, o) && spec_has((*s)->opts, o)) {
				cmd_label(label, sizeof(label), c, *s);
				n += (size_t)snprintf(buf + n, len - n, "%s%s",
				    n ? ", " : "", label);
			}
	}
	if (n < len && spec_has(cmd_wizard_entry.opts, o))
		snprintf(buf + n, len - n, "%sthe wizard", n ? ", " : "");
}

/* Store one option's value in cli; -1 (said) when it clashes. */
static int
opt_store(struct cli *cli, const struct opt_def *o, const char *arg)
{
	char		 *base = (char *)cli;
	const char	**str = (const char **)(void *)(base + o->off);
	const char	***list;
	size_t		 *count, i, n;

	switch (o->type) {
	case OT_FLAG:
		*(int *)(void *)(base + o->off) = 1;
		break;
	case OT_STR:
		*str = arg;
		break;
	case OT_LIST:
		list = (const char ***)(void *)(base + o->off);
		count = (size_t *)(void *)(base + o->count_off);
		*list = xreallocarray(*list, *count + 1, sizeof(**list));
		(*list)[(*count)++] = arg;
		break;
	case OT_CONST:
		if (*str != NULL && strcmp(*str, o->value) != 0) {
			fprintf(stderr, "fedwiz: give one of");
			for (i = 0, n = 0; i < nitems(opts); i++)
				if (opts[i].type == OT_CONST &&
				    opts[i].off == o->off)
					fprintf(stderr, "%s --%s", n++ ? "," : "",
					    opts[i].name);
			fputc('\n', stderr);
			return -1;
		}
		*str = o->value;
		break;
	}
	return 0;
}

/*
 * Where the command word is: the first argument that is neither an
 * option nor an option's value; -1 when there is none.
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
				if (strlen(opts[k].name) == len &&
				    strncmp(opts[k].name, argv[i] + 2, len) == 0)
					break;
			if (k < nitems(opts) && opts[k].arg != NULL &&
			    argv[i][2 + len] != '=')
				i++;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			for (k = 0; k < nitems(opts); k++)
				if (opts[k].letter == argv[i][1] &&
				    opts[k].arg != NULL && argv[i][2] == '\0')
					i++;
			continue;
		}
		return i;
	}
	return -1;
}

static int
wizard_exec(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tui_main(cli);
}

/* Every way out of main after the options were read: what they
 * allocated goes, so a sanitizer's leak check sees nothing left. */
static int
main_done(struct cli *cli, int rc)
{
	free(cli->sets);
	cli->sets = NULL;
	return rc;
}

int
main(int argc, char **argv)
{
	struct option			 lopts[nitems(opts) + 1];
	const struct cmd_entry		*cmd = NULL, *group = NULL;
	const struct cmd_entry		*const *s;
	const struct opt_def		*o;
	struct cli			 cli;
	char				 shorts[32], label[64], users[512];
	char				*word;
	unsigned char			 seen[nitems(opts)];
	int				 c, nargs, first, rc, labat, i;
	size_t				 k, ns = 0;

	/* First: the secrets in the environment go into the store and out
	 * of the environment (and /proc/PID/environ). */
	secret_start();
	setlocale(LC_ALL, "");
	/*
	 * A write to a connection the peer has reset (a TLS server that
	 * refuses our certificate with an alert and hangs up while we send
	 * the SIP request) must be an error fedwiz reports, not a SIGPIPE
	 * that kills it; OpenSSH's ssh ignores it early for the same
	 * reason. Output to a closed pipe then fails with EPIPE, which the
	 * end of main reports (exit 3).
	 */
	signal(SIGPIPE, SIG_IGN);
	memset(&cli, 0, sizeof(cli));
	memset(seen, 0, sizeof(seen));
	shorts[ns++] = ':';
	for (k = 0; k < nitems(opts); k++) {
		lopts[k].name = opts[k].name;
		lopts[k].has_arg = opts[k].arg != NULL ? required_argument :
		    no_argument;
		lopts[k].flag = NULL;
		lopts[k].val = OPT_VAL(k);
		if (opts[k].letter != 0) {
			shorts[ns++] = (char)opts[k].letter;
			if (opts[k].arg != NULL)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	memset(&lopts[k], 0, sizeof(lopts[k]));

	opterr = 0;
	/*
	 * `lab` reads the options after it itself (cmd-lab.c): there
	 * --state is the lab's starting state (fresh|configured), as the
	 * lab's command line has it, while before `lab` the global --state
	 * still names fedwiz's database (the lab's default folder is beside
	 * it). So options are parsed here only up to the word `lab`.
	 */
	labat = command_index(argc, argv);
	if (labat < 0 || strcmp(argv[labat], "lab") != 0)
		labat = -1;
	while ((c = getopt_long(labat > 0 ? labat : argc, argv, shorts, lopts,
	    NULL)) != -1) {
		o = NULL;
		if (c >= OPT_VAL(0) && c < OPT_VAL(nitems(opts)))
			o = &opts[c - OPT_VAL(0)];
		for (k = 0; o == NULL && k < nitems(opts); k++)
			if (opts[k].letter != 0 && opts[k].letter == c)
				o = &opts[k];
		if (c == ':') {
			say_arg("", argv[optind - 1], " needs a value (try "
			    "fedwiz --help)");
			return main_done(&cli, EXIT_USAGE);
		}
		if (o == NULL) {
			say_arg("unknown option '", argv[optind - 1], "' (try "
			    "fedwiz --help)");
			return main_done(&cli, EXIT_USAGE);
		}
		if (opt_store(&cli, o, optarg) == -1)
			return main_done(&cli, EXIT_USAGE);
		seen[o - opts] = 1;
	}
	if (cli.version) {
		printf("fedwiz %s\n", PACKAGE_VERSION);
		return main_done(&cli, EXIT_OK);
	}
	if (labat > 0) {
		for (k = 0; k < nitems(opts); k++) {
			if (!seen[k] || opt_allowed(&opts[k], NULL,
			    &cmd_lab_entry))
				continue;
			users_of(users, sizeof(users), &opts[k]);
			fprintf(stderr, "fedwiz: --%s is not an option of 'lab' "
			    "(it is for: %s)\n", opts[k].name, users);
			return main_done(&cli, EXIT_USAGE);
		}
		/* After `lab`, fedwiz's options that are not the lab's own
		 * are refused as for any other command. */
		for (i = labat + 1; i < argc; i++) {
			const char	*w = argv[i];
			size_t		 len;

			if (strcmp(w, "--") == 0)
				break;
			if (strncmp(w, "--", 2) != 0)
				continue;
			w += 2;
			len = strcspn(w, "=");
			if ((len == 3 && strncmp(w, "dir", 3) == 0) ||
			    (len == 5 && strncmp(w, "state", 5) == 0) ||
			    (len == 4 && strncmp(w, "json", 4) == 0) ||
			    (len == 4 && strncmp(w, "list", 4) == 0) ||
			    (len == 4 && strncmp(w, "host", 4) == 0) ||
			    (len == 5 && strncmp(w, "seats", 5) == 0) ||
			    (len == 4 && strncmp(w, "seat", 4) == 0) ||
			    (len == 6 && strncmp(w, "random", 6) == 0) ||
			    (len == 4 && strncmp(w, "seed", 4) == 0) ||
			    (len == 4 && strncmp(w, "help", 4) == 0))
				continue;
			for (k = 0; k < nitems(opts); k++)
				if (strlen(opts[k].name) == len &&
				    strncmp(opts[k].name, w, len) == 0)
					break;
			if (k == nitems(opts))
				continue;
			users_of(users, sizeof(users), &opts[k]);
			fprintf(stderr, "fedwiz: --%s is not an option of 'lab' "
			    "(it is for: %s)\n", opts[k].name, users);
			return main_done(&cli, EXIT_USAGE);
		}
		if (cli.help || labat + 1 >= argc) {
			/* fedwiz lab: its usage (on stderr, and exit 2, when
			 * no subcommand was given). */
			if (cli.help)
				return main_done(&cli, cmd_lab_entry.exec(&cli,
				    1, argv + labat));
			fprintf(stderr, "fedwiz: usage: fedwiz lab %s\n",
			    cmd_lab_entry.args);
			return main_done(&cli, EXIT_USAGE);
		}
		cli_output_capture();
		rc = main_done(&cli, cmd_lab_entry.exec(&cli, argc - labat - 1,
		    argv + labat + 1));
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "fedwiz: writing output: %s\n",
			    strerror(cli_output_errno() != 0 ?
			    cli_output_errno() : EIO));
			return EXIT_ENV;
		}
		return rc;
	}

	/* The command, and in a group the subcommand. */
	first = optind;
	if (first >= argc)
		cmd = &cmd_wizard_entry;
	for (k = 0; cmd == NULL && k < nitems(commands); k++)
		if (strcmp(commands[k]->name, argv[first]) == 0)
			cmd = commands[k];
	if (cmd == NULL) {
		say_arg("unknown command '", argv[first], "' (try fedwiz "
		    "--help)");
		return main_done(&cli, EXIT_USAGE);
	}
	if (cli.help && cmd == &cmd_wizard_entry) {
		usage(stdout);
		return main_done(&cli, EXIT_OK);
	}
	if (cmd->sub != NULL) {
		group = cmd;
		cmd = NULL;
		first++;
		if (first >= argc) {
			if (cli.help) {
				usage_cmd(stdout, NULL, group);
				return main_done(&cli, EXIT_OK);
			}
			fprintf(stderr, "fedwiz: usage: fedwiz %s COMMAND ...; "
			    "its commands:\n", group->name);
			usage_cmd(stderr, NULL, group);
			return main_done(&cli, EXIT_USAGE);
		}
		for (s = group->sub; *s != NULL; s++)
			if (strcmp((*s)->name, argv[first]) == 0)
				cmd = *s;
		if (cmd == NULL) {
			word = clean_line(argv[first]);
			fprintf(stderr, "fedwiz: unknown %s command '%s': ",
			    group->name, word);
			free(word);
			for (s = group->sub; *s != NULL; s++)
				fprintf(stderr, "%s%s %s", s == group->sub ? "" :
				    s[1] == NULL ? " or " : ", ", group->name,
				    (*s)->name);
			fprintf(stderr, " (fedwiz %s --help)\n", group->name);
			return main_done(&cli, EXIT_USAGE);
		}
	}
	if (cli.help) {
		usage_cmd(stdout, group, cmd);
		return main_done(&cli, EXIT_OK);
	}
	cmd_label(label, sizeof(label), group, cmd);
	for (k = 0; k < nitems(opts); k++) {
		if (!seen[k] || opt_allowed(&opts[k], group, cmd))
			continue;
		users_of(users, sizeof(users), &opts[k]);
		fprintf(stderr, "fedwiz: --%s is not an option of %s%s%s "
		    "(it is for: %s)\n", opts[k].name, cmd ==
		    &cmd_wizard_entry ? "" : "'", label, cmd ==
		    &cmd_wizard_entry ? "" : "'", users);
		return main_done(&cli, EXIT_USAGE);
	}
	nargs = first < argc ? argc - first - 1 : 0;
	if (nargs < cmd->min_args || (cmd->max_args >= 0 &&
	    nargs > cmd->max_args)) {
		usage_line(stderr, "fedwiz: usage: ", group, cmd);
		return main_done(&cli, EXIT_USAGE);
	}
	/* Headless: standard output that remembers why a write failed. */
	if (cmd != &cmd_wizard_entry)
		cli_output_capture();
	/* A subcommand sees its own name as argv[0]. */
	if (cmd == &cmd_wizard_entry)
		rc = cmd->exec(&cli, 0, argv + first);
	else if (group != NULL)
		rc = cmd->exec(&cli, nargs + 1, argv + first);
	else
		rc = cmd->exec(&cli, nargs, argv + first + 1);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "fedwiz: writing output: %s\n",
		    strerror(cli_output_errno() != 0 ? cli_output_errno() :
		    EIO));
		return main_done(&cli, EXIT_ENV);
	}
	return main_done(&cli, rc);
}
