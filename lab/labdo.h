/*
 * labdo.h: what the trainee clicks. Steps done in web pages, MMC, the
 * Lync Deployment Wizard or a text editor cannot be typed into a device
 * shell; `fedwiz lab do PROC[@HOST]` applies them to lab state. A
 * procedure is known by its id and the kind of host it runs on (the same
 * id means the same clicks on the same kind of device in every runbook);
 * the values are the lab's own (the answers files it wrote).
 */
#ifndef FEDWIZ_LABDO_H
#define FEDWIZ_LABDO_H

#include "lab.h"

struct labdo_entry {
	const char	*proc;
	const char	*kinds;		/* host kinds, space-separated */
	int		 typed;		/* its commands are typed at the
					   device (else values for forms) */
	const char	*what;		/* what it clicks, in words */
	/* Apply what the current state allows; 0, or -1 and *why. */
	int		(*apply)(struct lab *, const struct lab_host *, char **);
};

/* The entry for proc on a host of this kind; NULL: the procedure has no
 * clicks the lab knows (its steps are typed, or only looked at). */
const struct labdo_entry *labdo_find(const char *, const char *);
/* Every entry, NULL-terminated by proc. */
extern const struct labdo_entry labdo_table[];

#endif
