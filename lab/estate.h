/*
 * estate.h: the lab's estate: which hosts exist, what a fresh and a
 * configured estate hold, and the answers files that point the five
 * runbooks at it.
 */
#ifndef FEDWIZ_ESTATE_H
#define FEDWIZ_ESTATE_H

#include "lab.h"

struct estate_net {
	char	block[16];	/* "127.84.3": the lab's /24 */
	int	ssh_port;	/* 22 as root when free, else high */
	int	dns_port;	/* 53 as root, else high */
	char	user[64];	/* who logs in */
	/* A seat of a class (NULL for a lab of its own): the class's shared
	 * pool of LAB_KEYS RSA keys, made once for every seat, and this
	 * seat's own key for its CA, so that no seat's devices trust a
	 * certificate another seat's CA issued. */
	char	*const *keypool;
	char	*cakey;
};

/* The runbooks the estate serves, NULL-terminated. */
extern const char *const estate_runbooks[];

/* A new lab's hosts and settings (inside a transaction). */
void	estate_create(struct lab *, const struct estate_net *);
/* Throw away every device's state and build it again: "fresh" (nothing
 * of the runbooks done) or "configured" (all of it done). Keys are kept
 * and reused. */
void	estate_build(struct lab *, const char *);
/* DIR/answers/RUNBOOK.yaml for each runbook of the folder given (as
 * catalog_dir names it): the variables and roles each declares, with the
 * lab's values. 0 or -1 with a diag. */
int	estate_answers(struct lab *, const char *, struct diags *);
/* The lab host an inventory name stands for (an alias such as the OCS
 * pool of a Standard Edition server is its server). 0 or -1. */
int	estate_host(struct lab *, const char *, struct lab_host *);

#endif
