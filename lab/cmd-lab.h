/*
 * cmd-lab.h: what `fedwiz lab` (lab/cmd-lab.c) and a class of labs
 * (lab/cmd-lab-class.c) share: the lab's own options and the commands
 * on one lab that a class runs for each of its seats.
 */
#ifndef FEDWIZ_CMD_LAB_H
#define FEDWIZ_CMD_LAB_H

#include <time.h>

#include "util.h"

struct labopt {
	const char	*dir;
	const char	*runbooks;	/* the folder the answers follow */
	const char	*state;
	const char	*host;		/* break, fix: --host */
	int		 json;
	int		 list;
	/* A class (cmd-lab-class.c). */
	int		 has_seats;	/* up --seats N */
	long		 seats;
	int		 has_seat;	/* --seat K: one seat of a class */
	long		 seat;
	int		 has_random;	/* break --random M [--seed S] */
	long		 random;
	const char	*seed;
	/* A new seat of a class: the class's shared RSA key pool (LAB_KEYS
	 * of them) and this seat's own CA key (labpki.h, estate.h). */
	char *const	*keypool;
	char		*cakey;
	char		*seatdir;	/* --seat K: DIR/seat-KK (malloc'd) */
	const char	*pick;		/* break --random: this seat's faults,
					   in the order to try, space-separated */
};

/* The commands on one lab (o->dir): LAB_OK or a LAB_* error with diags.
 * Each prints what it did on standard output. */
int	 cmd_lab_up(struct labopt *, struct diags *);
int	 cmd_lab_down(struct labopt *, struct diags *);
int	 cmd_lab_status(struct labopt *, struct diags *);
int	 cmd_lab_reset(struct labopt *, struct diags *);
/* DIR/.lock held (waiting for another lab command on it): the fd, or -1
 * with a diag. create: make DIR first. */
int	 cmd_lab_lock(const char *, int, struct diags *);
/* Seconds since t0 (CLOCK_MONOTONIC). */
double	 cmd_lab_elapsed(const struct timespec *);
/* Each diag on stderr as "fedwiz: lab: FILE: MESSAGE". */
void	 cmd_lab_diags(const struct diags *);

/*
 * A class: a folder of seats (DIR/class says how many; DIR/seat-01 ...
 * each a lab of its own). Called by cmd-lab.c once the options are read:
 * 1 when it did the command (its LAB_* result in *rc), 0 when the
 * command is for one lab (o->dir may then name a seat: --seat K).
 */
int	 cmd_lab_class(struct labopt *, const char *, int, char **, int *,
	    struct diags *);

#endif
