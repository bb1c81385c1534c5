/* answers.h: the operator's answers (variables) and inventory (hosts). */
#ifndef FEDWIZ_ANSWERS_H
#define FEDWIZ_ANSWERS_H

#include <stddef.h>

#include "profile.h"
#include "runbook.h"
#include "util.h"

struct host {
	const char		*name;
	const char		*address;	/* NULL: name is the address */
	const char		*user;
	const char		*profile_name;	/* NULL: the role's */
	const struct profile	*profile;
	int			 port;		/* SSH port, default 22 */
	const char		*identity;	/* SSH key file; NULL: default */
	const char		*role;
	const char		*site;		/* the jump host's site it is
						   reached through; NULL: none */
	/* Its own values of the variables per host of its role. */
	const char		**var_names;
	const char		**var_values;	/* normalised */
	size_t			  nvars;
	struct rb_pos		 pos;
};

/*
 * A site: a jump host the hosts that name it are reached through (the
 * Ansible hand-off runs their checks there). Paths are the jump host's.
 */
struct site {
	const char		*name;
	const char		*address;	/* the jump host */
	const char		*user;		/* NULL: Ansible's default */
	int			 port;		/* SSH port, default 22 */
	const char		*fedwiz;	/* the binary there; NULL: on PATH */
	const char		*workdir;	/* where the hand-off goes; NULL:
						   the default */
	const char		*known_hosts;	/* its fedwiz's; NULL: its user's */
	const char		*identity;	/* its fedwiz's key; NULL: agent,
						   defaults */
	struct rb_pos		 pos;
};

struct role_hosts {
	const char	*role;
	struct host	*hosts;
	size_t		 n;
	size_t		 cap;		/* answers_add_host grows by doubling */
};

struct answers {
	struct arena		*arena;
	const char		*runbook;	/* as the file names it */
	const char		**names;
	const char		**values;	/* normalised */
	size_t			 nvalues;
	size_t			 cap;
	struct strmap		 index;
	struct role_hosts	*roles;
	size_t			 nroles;
	size_t			 roles_cap;
	/* Settings of the estate the file describes (the training lab
	 * writes them): the known_hosts file its hosts' keys are in, and the
	 * DNS server that holds its names ("IP[:PORT]"), and, for a training
	 * lab, the lab's folder (a session on it is a practice session);
	 * NULL: not given. */
	const char		*known_hosts;
	const char		*dns_server;
	const char		*lab;
	/* Sessions on these answers are practice, never a change record:
	 * lab: set, or the file says practice: true. */
	int			 practice;
	struct site		*sites;		/* the sites: map */
	size_t			 nsites;
	size_t			 sites_cap;
};

struct answers		*answers_new(void);
void			 answers_free(struct answers *);

/* Read an answers file for this runbook. 0, or -1 with located errors. */
int			 answers_load(struct answers *, const struct runbook *,
			     const char *, struct diags *);
/* The same from bytes in memory (file names them in messages). */
int			 answers_parse(struct answers *, const struct runbook *,
			     const char *, const char *, size_t,
			     struct diags *);
/*
 * "VAR=VALUE" from the command line; wins over the file. "VAR@HOST=VALUE"
 * for a variable per host of HOST's role; VAR=VALUE does for one when its
 * role lists exactly one host.
 */
int			 answers_set(struct answers *, const struct runbook *,
			     const char *, struct diags *);
/*
 * Check value for variable name (on host, for a per-host variable; NULL
 * otherwise) as answers_set does, without storing it: 0 and *norm
 * (malloc'd, normalised), or -1 and why. *hostp is the host the value
 * goes to (NULL: the deployment's), chosen as answers_set chooses it.
 */
int			 answers_check_value(const struct answers *,
			     const struct runbook *, const char *,
			     const char *, const char *,
			     const struct host **, char **, char *, size_t);
/* Put a value already checked (from the store). */
void			 answers_put(struct answers *, const char *,
			     const char *);
/* The same for a host's own value; -1 when no host has that name. */
int			 answers_put_host(struct answers *, const char *,
			     const char *, const char *);
/* A host's own value of a variable, or NULL. */
const char		*answers_host_var(const struct host *, const char *);
/* The host of that name (any role), or NULL. */
const struct host	*answers_host(const struct answers *, const char *);
/* Add a host (copied) to its role, as the store recorded it; the profile
 * falls back to the role's. -1 if the role is not in the runbook (any
 * more). */
int			 answers_add_host(struct answers *,
			     const struct runbook *, const struct host *);
/*
 * Check one host's own fields as an answers file's are checked: name,
 * address (a host), user (one word), port (1-65535; 0: the default),
 * profile (a device profile), identity (a path). Not its role, nor
 * whether its name is taken. 0, or -1 with *field naming the bad field
 * ("name", "address", ...) and why[] what is wrong with it.
 */
int			 answers_host_check(const struct host *,
			     const char **, char *, size_t);
/*
 * Answers built in memory (the wizard's forms) checked against rb, as a
 * file's would be, and copied into a: each value by its variable's type,
 * each host by answers_host_check, its role declared and taking that many
 * hosts, its name unique. 0, or -1 with every problem in diags under the
 * name from.
 */
int			 answers_merge(struct answers *, const struct runbook *,
			     const struct answers *, const char *,
			     struct diags *);
/* The answered value, or NULL. */
const char		*answers_get(const struct answers *, const char *);
/* The site of that name, or NULL. */
const struct site	*answers_site(const struct answers *, const char *);
/* Add a site (copied), as the store recorded it; -1 if one of that name
 * is there already. */
int			 answers_add_site(struct answers *, const struct site *);
/* The hosts of a role (NULL when none are listed). */
const struct role_hosts	*answers_hosts(const struct answers *, const char *);

/*
 * What ${name} and `when` see: the answer, else the default, else nothing;
 * plus ${host} and ${host_name} inside a procedure instance. A variable
 * per host of a role takes the value of the scope's host of that role
 * (host, else inst), else its default.
 */
struct scope {
	const struct runbook	*rb;
	const struct answers	*ans;		/* may be NULL */
	const struct host	*host;		/* may be NULL */
	/* Where host is the one an ssh check runs on: the instance's own
	 * host, whose per-host values apply when host's role has none. */
	const struct host	*inst;
};
const char		*scope_lookup(void *, const char *);

#endif
