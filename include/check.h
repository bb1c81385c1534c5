/*
 * check.h: running a runbook's checks and judging them.
 *
 * A step's check is run where it belongs: an ssh check on the instance's
 * own host when the check's role is the procedure's, else on every host of
 * its role. Values go into commands quoted for the device (quote.h) after
 * their type was checked; into regexes, literally. The output is judged
 * by the check's expectations, and a failure says what was expected,
 * what came, and which procedure puts it right.
 */
#ifndef FEDWIZ_CHECK_H
#define FEDWIZ_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "plan.h"
#include "runbook.h"
#include "ssh.h"
#include "util.h"

enum check_verdict {
	CV_PASS,
	CV_FAIL,	/* it ran; the result is not what the step needs */
	CV_ERROR,	/* it could not run: unreachable, auth, host key ... */
	CV_NOT_RUN	/* manual, not applicable, or a kind not run here */
};

struct check_outcome {
	const struct plan_inst	*inst;
	size_t			 step;		/* 1-based */
	const struct rb_check	*check;
	const struct host	*host;		/* where it ran; NULL: here */
	enum check_verdict	 verdict;
	const char		*kind;		/* "ssh" ... */
	char			*target;	/* "fe1: Get-Cs..." */
	char			*message;	/* why, in words */
	char			*excerpt;	/* output, stripped, cut */
	char			 sha256[65];	/* of the whole output */
	size_t			 output_len;
	int64_t			 ms;
	enum ssh_status		 ssh;		/* for CV_ERROR: what failed */
	int			 running;	/* queued, no verdict yet */
	char			*live;		/* while running: the last of
						   the output so far (raw) */
	size_t			 livelen;
	int			 input;		/* CV_ERROR from the inputs (a
						   value, no hosts), not the
						   network: exit 2, not 3 */
	/* Evidence the operator collected (the command run by hand, its
	 * output given to fedwiz): recorded with origin "pasted". */
	int			 pasted;
	char			*origin_detail;	/* who pasted it */
};

struct check_run;

struct check_run	*check_run_new(struct evloop *, struct ssh_engine *,
			     const struct plan *);
void			 check_run_free(struct check_run *);

/* Run checks on this host only (inventory name); NULL: everywhere. */
void			 check_run_only(struct check_run *, const char *);
/* Run only checks of these kinds: a mask of 1 << CK_*; 0: all. */
void			 check_run_kinds(struct check_run *, unsigned);
/*
 * The run is a site's share of an Ansible hand-off, on its jump host
 * (fedwiz check --manifest): the answers are the site's slice, so a role
 * with no host in them has its hosts at other sites, and its checks do
 * not run here (not run, saying so) instead of wanting hosts listed.
 * Without it, the checks of a host reached through a site (its ssh
 * checks, and the tls, tcp, dns and sip checks of its instances) do not
 * run from this machine either: they are the jump host's to run.
 */
void			 check_run_site(struct check_run *, const char *);
/* The key file for hosts that name none; NULL: agent and defaults. */
void			 check_run_identity(struct check_run *, const char *);

/* The deadline of tls, tcp and dns checks (ms; 0: 10 s, 5 s for DNS). */
void			 check_run_timeout(struct check_run *, int64_t);
/* The DNS server dns checks ask ("IP[:PORT]"), and where the names of tls
 * and tcp checks are looked up (resolve_set_server); NULL: resolv.conf's
 * and getaddrinfo. */
void			 check_run_dns_server(struct check_run *, const char *);

/*
 * Queue every check of step (1-based) of an instance. Checks that do not
 * apply (their `when`, the step's or the procedure's) are recorded as
 * not run, with the reason. 0, or -1 and a diag when a check cannot even
 * be built (a value the device language cannot carry, no host listed).
 */
int			 check_run_step(struct check_run *,
			     const struct plan_inst *, size_t, struct diags *);

/*
 * An ssh_callbacks output function: keeps the last few KiB of a running
 * ssh check's output in its outcome's live buffer (set it as the engine's
 * cb.output to show output as it comes).
 */
void			 check_live_output(void *, void *, const char *,
			     size_t);

/* How many queued checks have no verdict yet. */
size_t			 check_run_pending(const struct check_run *);

/* Record the evidence of every check that ran (pass, fail, error) in the
 * session, in one transaction. A store error code. */
struct session;
int			 check_run_record(const struct check_run *,
			     struct session *, const char *, struct diags *);
/* The same, for the outcomes from index first on (those added to a run
 * after it was recorded: output pasted for a host it could not reach). */
int			 check_run_record_from(const struct check_run *, size_t,
			     struct session *, const char *, struct diags *);

/*
 * The ssh checks of step (1-based) of an instance that run on host h (as
 * check_run_step would place them), in document order, sub-steps
 * included; only those that apply. *n set; the array is malloc'd.
 */
const struct rb_check	**check_ssh_on(const struct check_run *,
			     const struct plan_inst *, size_t,
			     const struct host *, size_t *);

/*
 * Judge output the operator collected by hand (the command of check c run
 * on host h, its output given to fedwiz) by c's expectations, as if the
 * engine had received it: the Cisco CLIs' error lines count, an exit
 * status is not known. The outcome says "pasted by op" and is recorded
 * with origin "pasted". 0, or -1 and a diag when the command cannot be
 * built from the answers (a value missing).
 */
int			 check_run_pasted(struct check_run *,
			     const struct plan_inst *, size_t,
			     const struct rb_check *, const struct host *,
			     const char *, size_t, const char *,
			     struct diags *);

/* Drive the loop until every queued check has a verdict. */
void			 check_run_wait(struct check_run *);

/* The outcomes, in the order their checks were queued. */
const struct check_outcome *check_run_outcomes(const struct check_run *,
			     size_t *);

const char		*check_verdict_name(enum check_verdict);

/*
 * "needs an answer for X[ on HOST], ..." (malloc'd) when a value the check
 * needs has none in this scope, else NULL: such a check is not run, and
 * every kind says so in these words.
 */
char			*check_missing(const struct rb_check *, struct scope *);

/*
 * Judge an ssh check's output (exposed for tests): the verdict and, for
 * CV_FAIL, why in msg.
 */
enum check_verdict	 check_judge_ssh(const struct rb_check *, struct scope *,
			     const struct ssh_result *, char **);

#endif
