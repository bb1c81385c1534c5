/*
 * cmd-audit.c: fedwiz audit verify [--head N:HASH]: walk the event log's
 * hash chain, check every step record against the replay of the log, and
 * print the chain's head (what the operator pastes into the change
 * ticket); with --head, prove nothing up to an earlier head was rewritten
 * or removed since.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "store.h"
#include "util.h"

static int	cmd_audit_verify(struct cli *, int, char **);

static const struct cmd_entry cmd_audit_verify_entry = {
	.name = "verify",
	.args = "",
	.summary = "check the event log's hash chain and every step record "
	    "against it; prints the head to paste into the change ticket",
	.opts = "head",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_audit_verify,
};

static const struct cmd_entry *const audit_commands[] = {
	&cmd_audit_verify_entry,
	NULL
};

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.args = "",
	.summary = "the event log of every session",
	.sub = audit_commands,
};

/* "N:HASH", HASH 64 hex digits: 0 and its parts, else -1. */
static int
parse_head(const char *s, size_t *n, char hash[65])
{
	const char	*colon = strchr(s, ':');
	char		*end;
	size_t		 i;

	if (colon == NULL || colon == s || !isdigit((unsigned char)*s))
		return -1;
	*n = (size_t)strtoull(s, &end, 10);
	if (end != colon || strlen(colon + 1) != 64)
		return -1;
	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)colon[1 + i]))
			return -1;
		hash[i] = (char)tolower((unsigned char)colon[1 + i]);
	}
	hash[64] = '\0';
	return 0;
}

static const char *
when(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* One step record that is not the replay of its events, named. */
static void
bad_row(void *ctx, int64_t session, const struct store_step *row,
    const struct store_step *log)
{
	struct diags		*d = ctx;
	const struct store_step	*k = row != NULL ? row : log;
	char			 a[40], b[40], what[200];

	snprintf(what, sizeof(what), "session %lld: the record of %s%s%s step "
	    "%zu", (long long)session, k->proc, *k->host ? "@" : "", k->host,
	    k->step);
	if (row != NULL && log != NULL)
		diags_add(d, "audit", 0, 0, "%s says %s by %s at %s, and its "
		    "last event says %s by %s at %s: the record was changed "
		    "behind fedwiz's back", what,
		    plan_step_status_name(row->status), row->operator,
		    when(row->at, a, sizeof(a)),
		    plan_step_status_name(log->status), log->operator,
		    when(log->at, b, sizeof(b)));
	else if (row != NULL)
		diags_add(d, "audit", 0, 0, "%s says %s by %s at %s, and the "
		    "event log has no event of that step: the record was "
		    "forged", what, plan_step_status_name(row->status),
		    row->operator, when(row->at, a, sizeof(a)));
	else
		diags_add(d, "audit", 0, 0, "%s is gone, and its last event "
		    "says %s by %s at %s: the record was deleted", what,
		    plan_step_status_name(log->status), log->operator,
		    when(log->at, b, sizeof(b)));
}

/* A session whose practice flag is not what its start event says. */
static void
bad_session(void *ctx, int64_t session, int row, int log)
{
	struct diags	*d = ctx;

	diags_add(d, "audit", 0, 0, "session %lld: the sessions table says %s "
	    "session, and its start event says %s: the record was changed "
	    "behind fedwiz's back (fedwiz treats it as practice)",
	    (long long)session, row ? "a practice" : "a real",
	    log ? "practice" : "real");
}

static int
cmd_audit_verify(struct cli *cli, int argc, char **argv)
{
	struct store		*st = NULL;
	struct store_head	 head;
	struct diags		 d;
	char			 want[65];
	size_t			 n = 0, nbad = 0;
	int64_t			 bad;
	int			 rc, broken = 0;

	(void)argc;
	(void)argv;
	diags_init(&d);
	if (cli->head != NULL && parse_head(cli->head, &n, want) == -1) {
		diags_add(&d, "--head", 0, 0, "\"%s\" is not a head: give it as "
		    "'audit verify' printed it, N:HASH (the event count, a "
		    "colon, 64 hex digits)", cli->head);
		return cli_bad_input(&d);
	}
	if ((rc = cli_store(cli, STORE_READONLY, &st, &d)) != STORE_OK) {
		cli_say(&d);
		return cli_exit(rc);
	}
	rc = store_audit_verify(st, &head, &bad, &d);
	if (rc == STORE_OK)
		printf("%s: audit chain verified: %zu events, each following "
		    "the one before\n", store_path(st), head.count);
	else if (bad > 0) {
		fprintf(stderr, "%s: audit chain BROKEN at event %lld (the %zu "
		    "events before it verify)\n", store_path(st),
		    (long long)bad, head.count);
		broken = 1;
	} else
		goto out;
	if (cli->head != NULL) {
		if (store_audit_anchor(st, n, want, &d) == STORE_OK && !broken)
			printf("%s: head %zu:%s holds: nothing up to event %zu "
			    "was rewritten or removed since it was taken\n",
			    store_path(st), n, want, n);
		else
			broken = 1;
	}
	if ((rc = store_audit_replay(st, 0, bad_row, &d, &nbad, &d)) !=
	    STORE_OK)
		goto out;
	if (nbad > 0) {
		fprintf(stderr, "%s: %zu step %s NOT the replay of the event "
		    "log\n", store_path(st), nbad, nbad == 1 ? "record is" :
		    "records are");
		broken = 1;
	} else
		printf("%s: every step record is the replay of the event log\n",
		    store_path(st));
	if ((rc = store_audit_sessions(st, bad_session, &d, &nbad, &d)) !=
	    STORE_OK)
		goto out;
	if (nbad > 0) {
		fprintf(stderr, "%s: %zu %s NOT what %s start %s\n",
		    store_path(st), nbad, nbad == 1 ? "session's kind (practice "
		    "or real) is" : "sessions' kinds (practice or real) are",
		    nbad == 1 ? "its" : "their", nbad == 1 ? "event says" :
		    "events say");
		broken = 1;
	}
	if (!broken || head.count > 0)
		printf("head %zu:%s\n", head.count, head.count > 0 ? head.hash :
		    "");
	if (!broken && head.count > 0)
		fprintf(stderr, "%s: paste the head into the change ticket; "
		    "'fedwiz audit verify --head %zu:%s' then proves nothing up "
		    "to it was rewritten or removed since (the chain has no "
		    "key: whoever can write the database can recompute every "
		    "hash after a change; only a head kept elsewhere shows it)\n",
		    store_path(st), head.count, head.hash);
out:
	cli_say(&d);
	store_close(st);
	if (rc != STORE_OK && !broken)
		return cli_exit(rc);
	/* A broken chain or record is a failed check, not bad usage. */
	return broken ? EXIT_CHECK : EXIT_OK;
}
