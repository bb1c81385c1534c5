/* cli.h: the command line: options, commands, exit codes. */
#ifndef FEDWIZ_CLI_H
#define FEDWIZ_CLI_H

#include <stddef.h>
#include <stdint.h>

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
};

struct cmd_entry {
	const char	*name;
	const char	*args;		/* usage after the name */
	const char	*summary;
	int		 min_args;
	int		 max_args;	/* -1: any */
	int		(*exec)(struct cli *, int, char **);
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
/* Open the store and resolve --session (else the latest open session):
 * what commands that act on one session's record do first. */
int	cli_target(const struct cli *, int, struct store **, int64_t *,
	    struct diags *);
/* Print diagnostics (errors and warnings) to stderr and free them. */
void	cli_say(struct diags *);

#endif
