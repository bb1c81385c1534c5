/*
 * labfault.h: the classic field failures a trainer injects into a lab
 * (`fedwiz lab faults|break|fix`).
 *
 * A fault is a change of lab state that the real world produces (a
 * certificate the lab CA re-issued without Client Authentication, a
 * listener moved, a DNS record removed, an NTP source changed, ...), made
 * through the same state the shells, the TLS daemon and the DNS server
 * follow: never a flag a check reads. Which faults were injected is kept
 * in the lab's `faults` table (id, host, at); whether one is still in is
 * decided by reading the state (each fault's `present` predicate), so a
 * trainee who redoes the procedure in a lab shell sees it fixed.
 *
 * One table row per fault (lab_faults[]), in DESIGN order.
 */
#ifndef FEDWIZ_LABFAULT_H
#define FEDWIZ_LABFAULT_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"
#include "util.h"

struct lab_fault {
	const char	*id;
	const char	*summary;	/* what the real world got wrong */
	const char	*breaks;	/* what it breaks, in the lab */
	const char	*hosts;		/* the hosts it applies to, space-
					   separated; the first is the default */
	const char	*runbooks;	/* the runbooks concerned */
	const char	*remedy;	/* the procedure(s) that put it right */
	/* Inside the caller's transaction. 0, or -1 and *why (malloc'd). */
	int		(*brk)(struct lab *, const struct lab_host *, char **);
	int		(*fix)(struct lab *, const struct lab_host *, char **);
	/* 1 the fault is in on host, 0 it is not. */
	int		(*present)(struct lab *, const struct lab_host *);
};

extern const struct lab_fault	lab_faults[];
extern const size_t		lab_nfaults;

/* The fault by id; NULL when there is none. */
const struct lab_fault *lab_fault_find(const char *);

/* Whether host (a name) is one the fault applies to. */
int	 lab_fault_applies(const struct lab_fault *, const char *);

/*
 * Break / fix on host (NULL: the fault's default host). Each is its own
 * transaction (lab_begin .. lab_commit, settled), records or clears the
 * injection in the faults table, and logs what it changed (lab_log).
 * LAB_OK, LAB_EINPUT (a host it does not apply to: the diag names the
 * ones it does), LAB_ESTATE (the state does not allow it: the diag
 * says why). Breaking a fault that is in, or fixing one that is not,
 * changes nothing and is LAB_OK.
 */
int	 lab_fault_break(struct lab *, const struct lab_fault *, const char *,
	    struct diags *);
int	 lab_fault_fix(struct lab *, const struct lab_fault *, const char *,
	    struct diags *);

/* Read from the state: 1 in, 0 not in (fixed, or never broken), -1 an
 * error (no such host). host NULL: the default host. */
int	 lab_fault_present(struct lab *, const struct lab_fault *,
	    const char *);

/* The injections recorded (each break, until fix or reset). */
struct lab_fault_inj {
	char	id[32];
	char	host[32];
	int64_t	at;		/* unix time of the break */
};
/* *v malloc'd (free it); 0. */
int	 lab_fault_injected(struct lab *, struct lab_fault_inj **, size_t *);
/* Forget every injection (lab reset: the state is rebuilt). Inside the
 * caller's transaction. */
void	 lab_fault_forget_all(struct lab *);

#endif
