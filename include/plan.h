/*
 * plan.h: procedure instances in dependency order, with their status.
 *
 * The planner is pure: it reads a runbook, the answers and the step states
 * the caller hands in (the store, later), and owns nothing else.
 */
#ifndef FEDWIZ_PLAN_H
#define FEDWIZ_PLAN_H

#include <stddef.h>

#include "answers.h"
#include "cond.h"
#include "runbook.h"
#include "util.h"

enum step_status {
	STEP_PENDING,
	STEP_DONE,
	STEP_SKIPPED,
	STEP_FAILED
};

enum inst_status {
	INST_BLOCKED,
	INST_READY,
	INST_IN_PROGRESS,
	INST_DONE,
	INST_SKIPPED,
	INST_FAILED
};

/* A value a step needs and nobody gave: var (on host, for a variable per
 * host; NULL otherwise). */
struct plan_need {
	size_t			 step;		/* 1-based; 0: the `when` */
	const struct rb_var	*var;
	const char		*host;
};

/* The state of step (1-based) of proc on host (NULL: no host). */
typedef enum step_status (*plan_state_fn)(void *, const char *, const char *,
    size_t);

struct plan_inst {
	const struct rb_proc	 *proc;
	const struct host	 *host;		/* NULL: done once */
	enum inst_status	  status;
	enum tristate		  applies;	/* the procedure's `when` */
	/* Instances required first that are not done or skipped: k-th is
	 * plan_blocker(pl, in, k). */
	size_t			  nblocked;
	const char		**needs;	/* variables `when` waits for */
	size_t			  nneeds;
	/* Values its applicable steps use (their text, command, checks)
	 * that have no answer and no default, in step order. */
	struct plan_need	 *step_needs;
	size_t			  nstep_needs;
	enum step_status	 *steps;	/* per top-level step */
	unsigned char		 *step_na;	/* the step's `when` is false */
	size_t			  ndone;
	size_t			  nskipped;
	size_t			  nfailed;
};

/*
 * Dependencies are not stored per instance: an instance waits for the same
 * host's instance of a procedure on its own role, and for every instance
 * of one on another role (or none), so a procedure's first instance and
 * count, and the list of its instances that are not finished, say it all.
 * Memory is linear in the instances, whatever the fan-out.
 */
struct plan {
	struct arena		*arena;
	const struct runbook	*rb;
	const struct answers	*ans;
	struct plan_inst	*inst;
	size_t			 n;
	size_t			*first;		/* per procedure: its first */
	size_t			*count;		/*   instance, how many */
	size_t		       **open;		/*   those not done/skipped */
	size_t			*nopen;
	/* Every value missing for what applies (step 0), once each, in
	 * plan order: what start, status and the wizard ask for. */
	struct plan_need	*missing;
	size_t			 nmissing;
};

/*
 * Procedures in dependency order, ties by document order: order[] gets
 * rb->nprocs indices. -1 on a cycle, reported with its path.
 */
int		 plan_order(const struct runbook *, size_t *, struct diags *);

/* Build the plan. states may be NULL (everything pending). */
int		 plan_build(const struct runbook *, const struct answers *,
		     plan_state_fn, void *, struct plan **, struct diags *);
void		 plan_free(struct plan *);

const char	*plan_status_name(enum inst_status);
const char	*plan_step_status_name(enum step_status);
/*
 * The k-th instance (0-based, below in->nblocked) that blocks in: required
 * first and not done or skipped, in the order of the procedure's requires
 * (a procedure on another role: its instances in plan order).
 */
size_t		 plan_blocker(const struct plan *, const struct plan_inst *,
		     size_t);
/* "proc@host" or "proc"; buf of at least 160 bytes. */
const char	*plan_inst_name(const struct plan_inst *, char *, size_t);
/* The needs of step (1-based) of an instance: the first, and how many
 * follow it in in->step_needs (0: none). */
const struct plan_need *plan_step_needs(const struct plan_inst *, size_t,
		     size_t *);
/* "lync_fqdn on fe1", "ca_server": a need in words; buf >= 160 bytes. */
const char	*plan_need_name(const struct plan_need *, char *, size_t);

/* The scope for expanding this instance's text. */
void		 plan_inst_scope(const struct plan *, const struct plan_inst *,
		     struct scope *);

#endif
