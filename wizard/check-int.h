/*
 * check-int.h: what check.c (ssh checks, the run) shares with
 * check-probe.c (tls, tcp, dns and x509 checks, run from this machine).
 */
#ifndef FEDWIZ_CHECK_INT_H
#define FEDWIZ_CHECK_INT_H

#include "check.h"

struct check_run {
	struct evloop		*ev;
	struct ssh_engine	*eng;
	const struct plan	*pl;
	const char		*only;		/* --host */
	unsigned		 kinds;		/* --kind: 1 << CK_*; 0: all */
	const char		*identity;	/* --identity */
	const char		*dns_server;	/* --server */
	int64_t			 timeout_ms;	/* --timeout; 0: defaults */
	const char		*site;		/* a site's share (--manifest) */
	struct check_outcome	*v;
	size_t			 n;
	size_t			 cap;
	size_t			 pending;
};

size_t	check_add(struct check_run *, const struct plan_inst *, size_t,
	    const struct rb_check *, const struct host *, enum check_verdict,
	    char *);

/*
 * The message of a failed check: what went wrong, then which procedure
 * puts it right: the check's fix for this class of failure ("eku",
 * "chain", ...; NULL: any), else its own procedure. malloc'd.
 */
char	*check_fail_message(const struct check_run *,
	    const struct check_outcome *, struct scope *, const char *,
	    const char *);

/* The check's fix for a class of failure (NULL: any), else its fix for
 * any failure; NULL when it has neither. */
const struct rb_fix *check_fix_for(const struct rb_check *, const char *);

/* Queue a tls, tcp, dns or x509 check of an instance (check-probe.c). */
int	check_probe_queue(struct check_run *, const struct plan_inst *,
	    size_t, const struct rb_check *, struct scope *, struct diags *);

#endif
