/*
 * labrun.h: the lab's processes and addresses. Every process a lab runs
 * (its sshd, dnsmasq, the TLS listener) is started in a session of its
 * own and recorded in lab state with its pid and its start time, so that
 * `down` stops exactly those, and a pid reused by something else after
 * a kill -9 is never taken for one of ours.
 */
#ifndef FEDWIZ_LABRUN_H
#define FEDWIZ_LABRUN_H

#include <sys/types.h>

#include <stddef.h>

#include "lab.h"

#define LAB_NET		"127.84"	/* the labs' part of 127.0.0.0/8 */

/* Claim a free /24 for a new lab in dir: "127.84.N". 0 or -1 with a
 * diag. FEDWIZ_LAB_BLOCK=N asks for that one. */
int	 labrun_claim_block(const char *, char *, size_t, struct diags *);
/* How many blocks a new lab could claim now (a class checks it has one
 * for each new seat before it starts any). */
int	 labrun_free_blocks(void);
/* Whether nothing holds addr:port (tcp, or udp). 0 free; else errno. */
int	 labrun_bindable(const char *, int, int);
/* Who holds addr:port ("pid 1234 (sshd)", or "another user's process"),
 * into buf. */
void	 labrun_holder(const char *, int, int, char *, size_t);
/* Whether something listens (tcp) or is bound (udp) on addr:port. */
int	 labrun_listening(const char *, int, int);
/* The kernel's socket tables read once (a lab waiting for thirty
 * listeners asks about each many times), the same question asked of it,
 * and its release. */
struct labrun_snap;
struct labrun_snap *labrun_snap(void);
int	 labrun_snap_listening(const struct labrun_snap *, const char *, int,
	    int);
int	 labrun_snap_block_busy(const struct labrun_snap *, const char *);
void	 labrun_snap_free(struct labrun_snap *);
/* Whether anything listens or is bound anywhere in the /24 "127.84.N";
 * how many sockets. */
int	 labrun_block_busy(const char *);

/* A NULL-terminated argument vector of copies of the strings given (the
 * list ends with NULL), and its release. */
char	**labrun_argv(const char *, ...);
void	 labrun_argv_free(char **);

/* Start argv[0] with argv, stdout and stderr to logfile, in its own
 * session; recorded as name. Its pid, or -1 with a diag. */
pid_t	 labrun_spawn(struct lab *, const char *, char *const *, const char *,
	    struct diags *);
/* The recorded pid of name if that process still runs (same start time);
 * 0 when it is gone or none is recorded. */
pid_t	 labrun_alive(struct lab *, const char *);
/* Stop name (TERM to its process group, then KILL after 3 s) and forget
 * it. 1 if it was running. */
int	 labrun_stop(struct lab *, const char *);
/* The names of the recorded processes. *v malloc'd (free each). */
char	**labrun_names(struct lab *, size_t *);
/* Wait (3 s at most) until the TLS listener serves the lab's current
 * state, when it runs: a command or a click that changed a certificate
 * or a listener returns when the estate shows it. */
void	 labrun_settle(struct lab *);

/* End what is left of this lab: shells of this lab's folder still
 * running (a session whose sshd is gone). How many. */
int	 labrun_sweep(struct lab *);

#endif
