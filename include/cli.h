/* cli.h: the command line: options, commands, exit codes. */
#ifndef FEDWIZ_CLI_H
#define FEDWIZ_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Exit codes (DESIGN.md, "Command line"). */
#define EXIT_OK		0	/* ok / all checks pass */
#define EXIT_CHECK	1	/* a check failed */
#define EXIT_USAGE	2	/* bad input or usage */
#define EXIT_ENV	3	/* environment: unreachable, auth, host key */

struct cli {
	const char	 *runbooks;	/* --runbooks */
	const char	 *state;	/* --state */
	const char	 *answers;	/* --answers */
	const char	**sets;		/* --set, in order */
	size_t		  nsets;
	int		  json;		/* --json */
	int		  steps;	/* --steps */
	const char	 *session;	/* --session */
	const char	 *operator;	/* --operator */
	const char	 *window_end;	/* --window-end */
	const char	 *note;		/* --note */
	const char	 *format;	/* --format */
	const char	 *output;	/* -o */
	int		  force;	/* --force */
	int		  accept_drift;	/* --accept-drift */
	const char	 *head;		/* --head */
	const char	 *user;		/* --user */
	/* SSH: checks and probes */
	const char	 *known_hosts;	/* --known-hosts */
	const char	 *host_keys;	/* --host-keys */
	const char	 *identity;	/* --identity */
	const char	 *profile;	/* --profile */
	const char	 *site;		/* --site: host add */
	const char	 *password_file; /* --password-file */
	const char	 *enable_file;	/* --enable-secret-file */
	const char	 *timeout;	/* --timeout */
	const char	 *procedure;	/* --procedure */
	const char	 *host;		/* --host */
	const char	 *kind;		/* --kind */
	const char	 *manifest;	/* --manifest: check for an export */
	/* TLS, certificate and DNS probes */
	const char	 *tls_version;	/* --tls1.0 ... --tls1.3: "tls1.2" */
	const char	 *cipher;	/* --cipher */
	const char	 *name;		/* --name */
	const char	 *ca;		/* --ca */
	const char	 *client_cert;	/* --client-cert */
	const char	 *client_key;	/* --client-key */
	const char	 *eku;		/* --eku */
	const char	 *from;		/* --from (probe sip: URI; check:
					   a file of pasted output) */
	const char	 *step;		/* --step N (check --from) */
	const char	 *index;	/* --index N (check --from) */
	const char	 *to;		/* --to (probe sip) */
	int		  srv;		/* --srv */
	const char	 *server;	/* --server */
	/* The console */
	int		  no_color;	/* --no-color, or $NO_COLOR */
	int		  ascii;	/* --ascii */
	int		  mark;		/* --mark: steps whose checks all pass
					   are done (check --session) */
	int		  help;		/* --help: usage, not the command */
	int		  version;	/* --version */
};

/*
 * A command, as tmux's cmd_entry: its name, its words after the name, and
 * the options it takes. The same entry decides which options are valid
 * for it and prints its usage (fedwiz --help, fedwiz CMD --help), so the
 * two cannot drift apart.
 *
 * opts names options of main.c's table by their long name, separated by
 * spaces: "answers set json". A name ending in '!' is one the command
 * cannot do without (its exec says so when it is missing); the usage
 * shows it without brackets. Options every command takes (--state,
 * --runbooks, --help, --version) are not listed.
 *
 * A command with sub (probe, audit) is a group: the first word after its
 * name picks one of the entries in sub (a NULL-terminated list), whose
 * own opts add to the group's. A subcommand's exec gets its name as
 * argv[0], as a program's main does; a command's exec gets only the words
 * after its name.
 *
 * To add an option: a field in struct cli, a row in main.c's opts[], and
 * its name in the opts of each command that takes it. To add a command:
 * an entry in its own cmd-NAME.c, listed in main.c's commands[] (or in
 * its group's sub list).
 */
struct cmd_entry {
	const char	*name;
	const char	*args;		/* words after the name ("RUNBOOK");
					   " -- COMMAND" at its end is shown
					   after the options */
	const char	*summary;
	const char	*opts;		/* the options it takes, by name */
	int		 min_args;
	int		 max_args;	/* -1: any */
	int		(*exec)(struct cli *, int, char **);
	const struct cmd_entry *const *sub;	/* a group's commands */
};

extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_validate_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_start_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_step_entry;
extern const struct cmd_entry cmd_sessions_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_unlock_entry;
extern const struct cmd_entry cmd_close_entry;
extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_probe_entry;
extern const struct cmd_entry cmd_lab_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_set_entry;
extern const struct cmd_entry cmd_host_entry;

/* After an edit (cmd-set.c): what changed and which steps to re-verify. */
struct diags;
struct session;
struct edit_result;
void	cli_say_reverify(const struct session *, const struct edit_result *,
	    struct diags *);

/*
 * The probes other than ssh (cmd-probe-tls.c, cmd-probe-cert.c,
 * cmd-probe-dns.c): argv[0] is the kind ("tls"), argv[1..] its arguments.
 * They return an exit code.
 */
int	probe_tls(struct cli *, int, char **);
int	probe_cert(struct cli *, int, char **);
int	probe_dns(struct cli *, int, char **);
int	probe_sip(struct cli *, int, char **);

struct diags;
struct store;

/* Print and free the diagnostics, return EXIT_USAGE: the usual bad-input
 * ending. */
int	cli_bad_input(struct diags *);
/* The exit code for a store error (STORE_EINPUT -> 2, ...). */
int	cli_exit(int);
/* Open the store at --state / $FEDWIZ_STATE / the default. */
int	cli_store(const struct cli *, int, struct store **, struct diags *);
/* --session as a number: 0 when not given; -1 (and a diag) when bad. */
long long cli_session(const struct cli *, struct diags *);
/*
 * --session for a command given a RUNBOOK too (check, export ansible):
 * no --answers or --set beside it (the session has its answers: what
 * says what else to do), the store opened and the session open, and
 * running that runbook. A store error code.
 */
struct session;
int	cli_session_of(const struct cli *, const char *, const char *,
	    struct store **, struct session **, struct diags *);
/* Open the store and resolve --session (else the latest open session):
 * what commands that act on one session's record do first. */
int	cli_target(const struct cli *, int, struct store **, int64_t *,
	    struct diags *);
/* --kind ssh,tls: a mask of 1 << CK_*; 0 and a diag when a word is not
 * a kind of check fedwiz runs. */
unsigned	cli_kinds(const char *, struct diags *);
/*
 * Standard output for a headless command: the same bytes to fd 1, through
 * a stream that remembers the errno of a write that failed, so that "cannot
 * write the output" names the real cause (ENOSPC on /dev/full, EPIPE), not
 * whatever a later call left in errno. cli_output_errno: 0 when no write
 * failed.
 */
void	cli_output_capture(void);
int	cli_output_errno(void);
/* Print diagnostics (errors and warnings) to stderr and free them. */
void	cli_say(struct diags *);
/*
 * Who does it, for the record (--operator, else $FEDWIZ_OPERATOR, else the
 * login name), or NULL and a diag when it holds a control character, a
 * bidi control or bad UTF-8, or is longer than 64 bytes: such a name would
 * reach every terminal and report that shows the record.
 */
const char *cli_operator(const struct cli *, struct diags *);
/* --note checked the same way (newlines and tabs allowed): 0 or -1. */
int	cli_note(const struct cli *, struct diags *);

/*
 * SSH for headless commands (cli-ssh.c): the options (--known-hosts,
 * --host-keys, --timeout) into *o, with callbacks that read secrets from
 * --password-file / --enable-secret-file / the environment / the terminal
 * (each asked once per run, kept in memory only, wiped by cli_ssh_free)
 * and, under --host-keys ask, put an unknown fingerprint to the operator.
 * NULL and a diag when an option is bad.
 */
struct ssh_opts;
struct cli_ssh;
struct cli_ssh	*cli_ssh_new(const struct cli *, struct ssh_opts *,
		    struct diags *);
void		 cli_ssh_free(struct cli_ssh *);

/*
 * [USER@]HOST[:PORT] (user NULL: no USER@ allowed), HOST an IPv6 address
 * in brackets when a port follows it; port defport when none is given.
 * Host and port are checked by type before they go anywhere. 0, or -1
 * with a diag naming the spec.
 */
int		 cli_parse_target(const char *, char **, char **, int *, int,
		    struct diags *);

/* --timeout in ms (defms when not given); -1 and a diag when it is not
 * a number of seconds. */
int		 cli_timeout(const struct cli *, int64_t, int64_t *,
		    struct diags *);

/*
 * Certificates as the probes show them (cli-cert.c): probe cert and probe
 * tls print a certificate the same way. Strings from certificates are
 * cleaned of control characters first.
 */
struct cert_desc;
struct json;
void		 cli_cert_text(const struct cert_desc *, time_t);
void		 cli_cert_json(struct json *, const struct cert_desc *, time_t);
/* Its subject, SANs, EKUs, key and signature algorithm: what a CSR has. */
void		 cli_json_desc(struct json *, const struct cert_desc *);
void		 cli_print_field(const char *, const char *);
void		 cli_print_list(const char *, char **, size_t, const char *);
void		 cli_print_ekus(const struct cert_desc *);
void		 cli_put_clean(FILE *, const char *);
void		 cli_json_kclean(struct json *, const char *, const char *);
void		 cli_json_clean(struct json *, const char *);
/*
 * A TLS handshake as probe tls and probe sip show it (cmd-probe-tls.c):
 * the text an operator reads, or its members inside a JSON object. --eku
 * parsed into CERT_EKU_* bits (default both); -1 and a diag when bad.
 */
struct tls_result;
struct tls_show {
	const char	*target;	/* HOST:PORT as given */
	const char	*name;		/* --name */
	const char	*ca;		/* --ca */
	unsigned	 eku;		/* CERT_EKU_* asked of the leaf */
};
void		 cli_tls_text(const struct tls_show *, const struct tls_result *);
void		 cli_tls_json(struct json *, const struct tls_show *,
		    const struct tls_result *);
struct cli;
int		 cli_tls_eku(const struct cli *, unsigned *, struct diags *);
const char	*cli_utc_time(time_t, char *, size_t);	/* 2026-11-22 06:00:00 UTC */
long long	 cli_days_until(time_t, time_t);

#endif
