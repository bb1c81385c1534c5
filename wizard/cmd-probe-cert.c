/* Placeholder on branch i5 only: replaced by the real probe before merging. */
#include "config.h"

#include <stdio.h>

#include "cli.h"

int
probe_cert(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	fprintf(stderr, "fedwiz: probe %s: not built on this branch yet\n",
	    argv[0]);
	return EXIT_USAGE;
}
