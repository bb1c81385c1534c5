/*
 * draft.h: a new session before it starts, as the wizard's forms fill it
 * in: the chosen runbook, a value per variable as typed, and the hosts
 * per role. struct tui owns the one draft; the runbook picker makes it,
 * the variables and inventory forms fill it, and the inventory turns it
 * into answers (draft_answers) for session_start_answers, then frees it.
 * Nothing here draws or reads keys, so it is tested on its own.
 */
#ifndef FEDWIZ_DRAFT_H
#define FEDWIZ_DRAFT_H

#include <stddef.h>

#include "answers.h"
#include "runbook.h"

/* A host's fields, in the order the inventory form asks them. */
enum draft_field {
	DF_NAME,
	DF_ADDRESS,	/* "": the name is the address */
	DF_USER,	/* "": the login name */
	DF_PORT,	/* "": 22 */
	DF_PROFILE,	/* the role's, unless changed */
	DF_IDENTITY,	/* "": the SSH agent and default keys */
	DF_COUNT
};

struct draft_host {
	const char	*role;		/* the runbook's role id */
	char		*f[DF_COUNT];	/* as typed, never NULL once set up */
};

struct draft {
	struct runbook		*rb;
	char			**values;	/* one per rb->vars, as typed */
	struct draft_host	*hosts;		/* in the order added */
	size_t			 nhosts;
	/* The estate's settings, as the answers file gave them (no form
	 * edits them): a lab's answers make a practice session, and its
	 * checks use its known_hosts and DNS server. NULL: not given. */
	int			 practice;
	char			*lab;
	char			*known_hosts;
	char			*dns_server;
};

/* "name", "address", ... as the answers file calls them. */
extern const char *const draft_field_names[DF_COUNT];

/* A draft for rb (which it then owns), each value its default or "". */
struct draft	*draft_new(struct runbook *);
void		 draft_free(struct draft *);
/* Values and hosts from answers (a file's, --set), over the defaults;
 * the file's settings (lab, practice, known_hosts, dns_server) too. */
void		 draft_fill(struct draft *, const struct answers *);

void		 draft_set(struct draft *, size_t, const char *);
/*
 * Variable i's value: 0 if it will do (valid, or empty where a default
 * stands in), else -1 and why[] says what is wrong, to show under it.
 */
int		 draft_check_value(const struct draft *, size_t, char *,
		     size_t);
/* 0 when every value will do, else -1, *var the first that will not.
 * An empty value with no default will do: the session starts without it
 * (the steps that use it say so). */
int		 draft_ready(const struct draft *, size_t *, char *, size_t);
/* Variables with neither a value nor a default: how many, the first. */
size_t		 draft_unanswered(const struct draft *, size_t *);

/* A host for role with empty fields and the role's profile. */
void		 draft_host_init(struct draft_host *, const struct rb_role *);
void		 draft_host_clear(struct draft_host *);
void		 draft_host_set(struct draft_host *, enum draft_field,
		     const char *);
/*
 * One field of h, as it stands among the draft's hosts (self: h's own
 * index there, or nhosts for a new host, so a name is not taken by
 * itself). 0, or -1 with why.
 */
int		 draft_check_field(const struct draft *,
		     const struct draft_host *, size_t, enum draft_field,
		     char *, size_t);
/* Every field; -1 and *field the first bad one. */
int		 draft_check_host(const struct draft *,
		     const struct draft_host *, size_t, enum draft_field *,
		     char *, size_t);
/* Hosts of role in the draft. */
size_t		 draft_role_hosts(const struct draft *, const char *);
/* Put h (copied) at i: i == nhosts adds it. */
void		 draft_host_put(struct draft *, size_t,
		     const struct draft_host *);
void		 draft_host_del(struct draft *, size_t);

/* The answers to start the session with (answers_free them). */
struct answers	*draft_answers(const struct draft *);

#endif
