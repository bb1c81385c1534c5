/*
 * report_fixture.c: record one check run in a session, as the checks
 * engine will, for tests/cli/report-golden.sh. There is no command that
 * records a check yet, and the event log is hash-chained, so the row must
 * go through store_check_add rather than the sqlite3 shell.
 *
 *   report_fixture --state DB --session ID --proc P [--host H] --step N
 *       --kind K --target T --result pass|fail|error [--message M]
 *       [--output FILE [--excerpt-lines N]] [--duration-ms MS]
 *       [--operator NAME]
 *
 * The output file's sha256 and length are recorded; its first lines are
 * the excerpt, as they are (control characters included: stripping them
 * is the report's job too).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util.h"

static void
usage(void)
{
	fprintf(stderr, "usage: report_fixture --state DB --session ID --proc "
	    "P [--host H] --step N --kind K --target T --result R [--message "
	    "M] [--output FILE [--excerpt-lines N]] [--duration-ms MS] "
	    "[--operator NAME]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "state", required_argument, NULL, 's' },
		{ "session", required_argument, NULL, 'i' },
		{ "proc", required_argument, NULL, 'p' },
		{ "host", required_argument, NULL, 'h' },
		{ "step", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "target", required_argument, NULL, 't' },
		{ "result", required_argument, NULL, 'r' },
		{ "message", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "excerpt-lines", required_argument, NULL, 'l' },
		{ "duration-ms", required_argument, NULL, 'd' },
		{ "operator", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_check	 c;
	struct store		*st = NULL;
	struct diags		 d;
	const char		*state = NULL, *op = "fixture", *out = NULL;
	char			 hash[65], *text = NULL, *p;
	long long		 session = 0;
	size_t			 len = 0, lines = 0, n;
	int			 ch, rc;

	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			state = optarg;
			break;
		case 'i':
			session = strtoll(optarg, NULL, 10);
			break;
		case 'p':
			c.proc = optarg;
			break;
		case 'h':
			c.host = optarg;
			break;
		case 'n':
			c.step = (size_t)strtoul(optarg, NULL, 10);
			break;
		case 'k':
			c.kind = optarg;
			break;
		case 't':
			c.target = optarg;
			break;
		case 'r':
			c.result = optarg;
			break;
		case 'm':
			c.message = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'l':
			lines = (size_t)strtoul(optarg, NULL, 10);
			break;
		case 'd':
			c.duration_ms = strtoll(optarg, NULL, 10);
			break;
		case 'O':
			op = optarg;
			break;
		default:
			usage();
		}
	}
	if (state == NULL || session <= 0 || c.proc == NULL || c.step == 0 ||
	    c.kind == NULL || c.result == NULL)
		usage();
	if (out != NULL) {
		if ((rc = read_file(out, 1 << 24, &text, &len)) != 0) {
			fprintf(stderr, "%s: %s\n", out, strerror(-rc));
			return 2;
		}
		sha256_hex(text, len, hash);
		c.output_sha256 = hash;
		c.output_len = len;
		/* The excerpt: the first lines, as the checks engine keeps. */
		for (p = text, n = 0; lines > 0 && *p != '\0'; p++)
			if (*p == '\n' && ++n == lines) {
				*p = '\0';
				break;
			}
		c.excerpt = text;
	}
	diags_init(&d);
	if ((rc = store_open(state, 0, &st, &d)) == STORE_OK)
		rc = store_check_add(st, session, &c, op, &d);
	diags_print(&d, stderr);
	diags_free(&d);
	store_close(st);
	free(text);
	return rc == STORE_OK ? 0 : 1;
}
