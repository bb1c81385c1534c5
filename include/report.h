/*
 * report.h: a session as a change record, for the change manager who reads
 * it after the maintenance window: who, when, which runbook (and its hash),
 * the answers, every step's status with note, time and check evidence,
 * time against the window, the event log, and whether the audit chain
 * verifies. Markdown, self-contained HTML, or one JSON document.
 *
 * report_new reads everything from the store at once; report_write only
 * renders, so the three formats say the same things, and every string that
 * came from outside (notes, check output, answers) has already been
 * stripped of control characters.
 */
#ifndef FEDWIZ_REPORT_H
#define FEDWIZ_REPORT_H

#include <stdio.h>
#include <time.h>

#include "util.h"

enum report_format {
	REPORT_MD,
	REPORT_HTML,
	REPORT_JSON
};

struct report;
struct session;

/* "md", "html" or "json": 0 and *out, else -1. */
int		 report_format_parse(const char *, enum report_format *);
/* The names, for "expected one of" messages. */
const char *const *report_format_names(size_t *);

/*
 * Gather the report of an open session: its check runs and events, and
 * the whole audit chain verified. generated is the report's own time
 * (store_now(), so FEDWIZ_NOW makes a report reproducible). A broken
 * chain is not an error: the report says so. STORE_OK, or a store error
 * with diags.
 */
int		 report_new(struct session *, time_t, struct report **,
		     struct diags *);
void		 report_free(struct report *);

/* NULL when the audit chain verifies; else what is wrong, one line. */
const char	*report_audit_problem(const struct report *);
/* The chain's head, "N:HASH" (event count, last hash), when it verifies;
 * else NULL: what the operator pastes into the change ticket. */
const char	*report_audit_head(const struct report *);

void		 report_write(FILE *, const struct report *,
		     enum report_format);

#endif
