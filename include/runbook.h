/* runbook.h: the typed model of a runbook (steps/README.md) and its loader. */
#ifndef FEDWIZ_RUNBOOK_H
#define FEDWIZ_RUNBOOK_H

#include <stddef.h>

#include "cond.h"
#include "profile.h"
#include "util.h"
#include "vartype.h"

#define RB_MAX_STEP_DEPTH	4

struct rb_pos {
	int	line;
	int	col;
};

struct rb_strlist {
	const char	**v;
	struct rb_pos	 *pos;
	size_t		  n;
};

struct rb_var {
	const char		*name;
	const char		*prompt;
	const char		*help;
	const char		*def;		/* normalised; NULL: none */
	const char		*type_name;
	struct varspec		 spec;
	struct rb_strlist	 choices;
	long long		 min;
	long long		 max;
	int			 has_min;
	int			 has_max;
	/* Answered per host of this role (`per_host: ROLE`): each host of
	 * the role has its own value; NULL: one value for the deployment. */
	const char		*per_host;
	const struct rb_role	*role;
	/* `reverses: VAR` (type route-pattern): the value must be VAR's
	 * domain backwards; NULL: no such rule. */
	const char		*reverses;
	struct rb_pos		 pos;
};

struct rb_role {
	const char		*id;
	const char		*title;
	const char		*help;
	const char		*profile_name;
	const struct profile	*profile;
	int			 many;
	struct rb_pos		 pos;
};

struct rb_table {
	const char		*title;
	struct rb_strlist	 columns;
	const char		**cells;	/* nrows x columns.n */
	size_t			 nrows;
	struct rb_pos		 pos;
};

enum rb_check_kind {
	CK_MANUAL,
	CK_SSH,
	CK_TLS,
	CK_X509,
	CK_DNS,
	CK_TCP,
	CK_SIP
};

/*
 * A variable a step or check uses, and whose value it takes: the
 * instance's (its host's, for a per-host variable), or, inside an ssh
 * check, also the host of ssh_role the command runs on.
 */
struct rb_use {
	const struct rb_var	*var;
	const struct rb_role	*ssh_role;	/* NULL: outside ssh checks */
};

/* Which procedure puts a failed check right, per kind of failure. */
struct rb_fix {
	const char		*on;		/* failure class; NULL: any */
	const char		*procedure;	/* its id */
	size_t			 proc;		/* index into procs */
	const char		*hint;		/* what to do there; NULL */
	struct rb_pos		 pos;
};

struct rb_check {
	enum rb_check_kind	 kind;
	struct rb_pos		 pos;
	const char		*when_src;	/* applies only when */
	struct cond		*when;
	/* ssh */
	const char		*role_id;
	const struct rb_role	*role;
	const char		*command;
	struct rb_strlist	 contains;
	struct rb_strlist	 regex;
	struct rb_strlist	 absent;
	const char		*exit_status;	/* NULL: not checked */
	const char		*timeout;	/* seconds the command may run
						   in all; NULL: the default */
	int64_t			 timeout_ms;	/* the same, parsed; 0: none */
	/* tls, tcp, sip */
	const char		*host;
	const char		*port;
	const char		*min;
	const char		*max;
	const char		*cipher;
	const char		*client_cert;	/* tls: none|requested|required */
	/* tls, x509, sip */
	const char		*name;
	const char		*subject_cn;	/* tls, x509: the CN itself */
	const char		*ca;
	struct rb_strlist	 eku;
	/* sip */
	const char		*cert_file;	/* client_cert: what we present */
	const char		*key_file;	/* client_key */
	const char		*from;
	const char		*to;
	const char		*status;	/* final statuses wanted; NULL:
						   2xx */
	/* x509 */
	const char		*file;
	const char		*cert_kind;
	/* dns */
	const char		*dns_type;
	struct rb_strlist	 expect;
	/* manual */
	const char		*text;
	/* every kind but manual */
	struct rb_fix		*fixes;
	size_t			 nfixes;
	/* The variables its probe needs (its fields but `when` and the fix
	 * hints): without a value the check cannot run. */
	struct rb_use		*uses;
	size_t			 nuses;
};

struct rb_step {
	const char		*do_;
	const char		*command;
	const char		*note;
	const char		*example;
	const char		*when_src;
	struct cond		*when;
	struct rb_table		*table;
	struct rb_check		*checks;
	size_t			 nchecks;
	struct rb_step		*steps;		/* sub-steps */
	size_t			 nsteps;
	/* Top-level steps: every variable the step, its sub-steps and their
	 * checks use (fix hints aside), each once per context. */
	struct rb_use		*uses;
	size_t			 nuses;
	struct rb_pos		 pos;
};

/* Where a once-per-deployment procedure's own-role ssh checks run. */
enum rb_verify {
	RB_VERIFY_ONE_HOST,	/* the first host listed of the role */
	RB_VERIFY_EVERY_HOST	/* every host of the role */
};

struct rb_proc {
	const char		*id;
	const char		*title;
	const char		*section;
	const char		*on;
	const struct rb_role	*role;		/* NULL: done once */
	/* `once: true` with `on:`: configures shared state (the CMS, a
	 * pool, the cluster): one instance for the deployment, done from
	 * any host of the role; its ssh checks run as verify says. */
	int			 once;
	const char		*verify_name;
	enum rb_verify		 verify;
	struct rb_strlist	 requires;
	size_t			*req;		/* indices into procs */
	const char		*when_src;
	struct cond		*when;
	const char		*intro;
	const char		*before;
	const char		*note;
	const char		*tips;
	const char		*troubleshooting;
	const char		*next;
	struct rb_table		*table;
	struct rb_step		*steps;
	size_t			 nsteps;
	size_t			 index;		/* document order */
	struct rb_pos		 pos;
};

struct runbook {
	struct arena		*arena;
	char			*text;		/* the file, when its strings
						   point into it; else NULL */
	int			 procs_heap;	/* procs grew on the heap */
	const char		*path;
	const char		*id;
	const char		*title;
	const char		*source;
	/* The document as a reader looks it up (publisher, guide, release,
	 * chapter); NULL: title says it. */
	const char		*source_title;
	const char		*summary;
	const char		*notes;
	struct rb_var		*vars;
	size_t			 nvars;
	struct rb_role		*roles;
	size_t			 nroles;
	struct rb_proc		*procs;
	size_t			 nprocs;
	size_t			 nsteps;	/* top-level, all procedures */
	char			 hash[65];	/* sha256 of the file, hex */
	struct strmap		 var_index;
	struct strmap		 role_index;
	struct strmap		 proc_index;
};

/* Whether instances of p are one per host of its role. */
#define RB_PER_HOST(p)	((p)->role != NULL && !(p)->once)

/* Built-in variables, defined inside procedures with `on:`. */
#define RB_BUILTIN_HOST		"host"
#define RB_BUILTIN_HOST_NAME	"host_name"

/*
 * Load and check a runbook. 0 and *out, or -1 with every problem found in
 * diags as file:line:col. The requires graph is checked for cycles by the
 * planner (plan_order), which `fedwiz validate` also runs.
 */
int			 runbook_load(const char *, struct runbook **,
			     struct diags *);
int			 runbook_parse(const char *, const char *, size_t,
			     struct runbook **, struct diags *);
/*
 * The same from bytes the runbook may change and keep (NUL-terminated at
 * len, as read_file gives them): on success it owns them, and plain values
 * stay in them instead of a copy; on failure they are still the caller's.
 */
int			 runbook_parse_owned(const char *, char *, size_t,
			     struct runbook **, struct diags *);
void			 runbook_free(struct runbook *);

/*
 * A procedure's content as SHA-256 hex: every field that changes what the
 * operator is told or what is checked, and nothing else (not its position
 * in the file). Equal fingerprints: the same procedure.
 */
void			 runbook_proc_fingerprint(const struct rb_proc *,
			     char [65]);
/* Whether every field of every schema can be walked (fingerprinted):
 * 1, or 0 with *bad the key of a custom field that says no storage. */
int			 runbook_schema_walkable(const char **);

const struct rb_var	*runbook_var(const struct runbook *, const char *);
const struct rb_role	*runbook_role(const struct runbook *, const char *);
const struct rb_proc	*runbook_proc(const struct runbook *, const char *);
const char		*rb_check_kind_name(enum rb_check_kind);

#endif
