/* cli.h: the command line: options, commands, exit codes. */
#ifndef FEDWIZ_CLI_H
#define FEDWIZ_CLI_H

#include <stddef.h>

/* Exit codes (DESIGN.md, "Command line"). */
#define EXIT_OK		0	/* ok / all checks pass */
#define EXIT_CHECK	1	/* a check failed */
#define EXIT_USAGE	2	/* bad input or usage */
#define EXIT_ENV	3	/* environment: unreachable, auth, host key */

struct cli {
	const char	 *runbooks;	/* --runbooks */
	const char	 *answers;	/* --answers */
	const char	**sets;		/* --set, in order */
	size_t		  nsets;
	int		  json;		/* --json */
	int		  steps;	/* --steps */
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

/* Print and free the diagnostics, return EXIT_USAGE: the usual bad-input
 * ending. */
struct diags;
int	cli_bad_input(struct diags *);

#endif
