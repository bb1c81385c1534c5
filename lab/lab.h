/*
 * lab.h: the training lab's state, shared by `fedwiz lab`, the device
 * shells (fedwiz-lab-shell) and the TLS/SIP listener (fedwiz-lab-tlsd).
 *
 * A lab is a folder (DIR). Its state is one SQLite database, DIR/lab.db,
 * that every program of the lab opens: what a trainee types in a device
 * shell, what `fedwiz lab do` applies for a web page or MMC, and what a
 * fault (lab/labfault.c) breaks all land here, and the listeners and the DNS
 * server follow it. The model is the estate's, not the checks': hosts,
 * their certificates and keys, certificate stores, files, and typed
 * objects (a Lync static route, a registry key, a service, an IM and
 * Presence TLS context, an ASA trustpoint) with ordered properties. The
 * device shells interpret commands against it, so a check reworded
 * tomorrow still reads the truth of the lab. doc/lab.md lists the
 * classes and their properties.
 */
#ifndef FEDWIZ_LAB_H
#define FEDWIZ_LAB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util.h"

struct sqlite3;

#define LAB_SCHEMA	1

/* Result codes: the lab's own, mapped to exit codes by the command. */
#define LAB_OK		0
#define LAB_EINPUT	-1	/* bad input: exit 2 */
#define LAB_EENV	-2	/* environment: exit 3 */
#define LAB_ESTATE	-3	/* the lab is not in a state for it: exit 2 */

struct lab {
	char		*dir;		/* absolute */
	struct sqlite3	*db;
	int		 intx;		/* inside lab_begin .. lab_commit */
	int		 changed;	/* this transaction wrote */
	const char	*who;		/* for the change log: "lab do", a shell */
	/* Called after a commit that changed the lab (labrun_settle: wait
	 * until the TLS listener serves the new state). */
	void		(*settle)(struct lab *);
};

/* Open DIR/lab.db (create: make DIR and the schema). */
int	 lab_open(const char *, int, struct lab **, struct diags *);
void	 lab_close(struct lab *);
/* DIR/name, malloc'd. */
char	*lab_path(const struct lab *, const char *);

/* One write transaction (IMMEDIATE, busy waits up to 10 s). Commit bumps
 * meta "gen" when anything was written. */
int	 lab_begin(struct lab *);
int	 lab_commit(struct lab *);
void	 lab_rollback(struct lab *);
/* The change generation: how many write transactions changed the lab. */
int64_t	 lab_gen(struct lab *);

/* A digest of one host's state (its objects and its scope's, its
 * certificate stores and files): what changed on it, whatever else the
 * lab did meanwhile. malloc'd hex. */
char	*lab_host_digest(struct lab *, const char *, const char *);

/* A line of the change log (what `lab do` prints, what a trainer reads). */
void	 lab_log(struct lab *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* The log lines after id (0: all), in order, each "WHO: WHAT\n". */
char	*lab_log_since(struct lab *, int64_t, int64_t *);

/* meta: key -> value. NULL when absent (malloc'd). */
char	*lab_meta(struct lab *, const char *);
int64_t	 lab_meta_int(struct lab *, const char *, int64_t);
void	 lab_meta_set(struct lab *, const char *, const char *);
void	 lab_meta_setf(struct lab *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* ---- hosts ------------------------------------------------------------- */

struct lab_host {
	char	name[32];
	char	kind[32];	/* lync-fe, lync-se, ocs2007, ocs2007r2, edge,
				   ca, imp, cup, asa */
	char	title[96];
	char	fqdn[128];
	char	address[48];
	char	profile[16];	/* windows, cisco-vos, cisco-asa */
	char	scope[32];	/* shared configuration (a Lync deployment,
				   an IM and Presence cluster); else name */
	char	domain[96];
	char	runbooks[160];	/* space-separated */
	int	ord;
};

int	 lab_host_get(struct lab *, const char *, struct lab_host *);
/* Every host, in estate order; *v malloc'd. */
int	 lab_hosts(struct lab *, struct lab_host **, size_t *);
void	 lab_host_put(struct lab *, const struct lab_host *);
/* The host whose name, FQDN or address this is; 0 or -1. */
int	 lab_host_find(struct lab *, const char *, struct lab_host *);

/* ---- objects ----------------------------------------------------------- */

/*
 * An object: (scope, class, ident) with ordered, typed properties.
 * Property types: 's' string, 'b' bool ("True"/"False"), 'i' integer,
 * 'l' list (values separated by '\n'), 'n' null.
 */
struct lab_prop {
	char	*name;
	char	 type;
	char	*value;		/* NULL for 'n' */
};

struct lab_obj {
	int64_t		 id;
	char		*scope;
	char		*cls;
	char		*ident;
	struct lab_prop	*p;
	size_t		 n;
};

/* Find by (scope, class, ident): its id, or 0. */
int64_t	 lab_obj_find(struct lab *, const char *, const char *, const char *);
/* Create (or find) it: its id. */
int64_t	 lab_obj_ensure(struct lab *, const char *, const char *, const char *);
void	 lab_obj_delete(struct lab *, int64_t);
/* Load an object whole; 0 or -1 when it is gone. */
int	 lab_obj_load(struct lab *, int64_t, struct lab_obj *);
void	 lab_obj_free(struct lab_obj *);
/* The ids of a class in a scope (scope NULL: any), in creation order. */
int64_t	*lab_obj_list(struct lab *, const char *, const char *, size_t *);
/* A property: its value (malloc'd) or NULL; type in *t if t. */
char	*lab_prop(struct lab *, int64_t, const char *, char *);
int	 lab_prop_bool(struct lab *, int64_t, const char *, int);
int64_t	 lab_prop_int(struct lab *, int64_t, const char *, int64_t);
/* Set a property (type as above; value NULL for null). Appended to the
 * object's order when new. */
void	 lab_set(struct lab *, int64_t, const char *, char, const char *);
void	 lab_sets(struct lab *, int64_t, const char *, const char *);
void	 lab_setb(struct lab *, int64_t, const char *, int);
void	 lab_seti(struct lab *, int64_t, const char *, int64_t);
void	 lab_unset(struct lab *, int64_t, const char *);
/* The one object of a class with a property equal to value (case-
 * insensitive), in scope; 0 when none. */
int64_t	 lab_obj_where(struct lab *, const char *, const char *, const char *,
	    const char *);

/* Shortcuts over objects. Registry values live in class "Registry",
 * ident the key path (HKLM\System\...), one property per value name;
 * services in class "Service", ident its name. */
char	*lab_reg_get(struct lab *, const char *, const char *, const char *);
void	 lab_reg_set(struct lab *, const char *, const char *, const char *,
	    char, const char *);
char	*lab_service_status(struct lab *, const char *, const char *);
void	 lab_service_set(struct lab *, const char *, const char *,
	    const char *);

/* ---- keys, certificates, stores --------------------------------------- */

struct lab_cert {
	int64_t	 id;
	int64_t	 key;		/* keys.id; 0: no private key here */
	int64_t	 issuer;	/* certs.id of the issuing CA; 0: self */
	char	*subject;	/* "CN=pool1.example.com, O=..." as Windows
				   shows it */
	char	*cn;
	char	*sans;		/* DNS names, space-separated */
	char	*ekus;		/* "serverAuth clientAuth", may be empty */
	int	 ca;
	time_t	 not_before, not_after;
	char	*serial;	/* hex, upper case */
	char	*thumbprint;	/* SHA-1 of the DER, hex upper case */
	char	*pem;
	char	*friendly;
	char	*issuer_name;	/* the issuer's subject */
};

int	 lab_cert_load(struct lab *, int64_t, struct lab_cert *);
void	 lab_cert_free(struct lab_cert *);
/* The certificate by thumbprint (any case); 0 when none. */
int64_t	 lab_cert_by_thumb(struct lab *, const char *);

/* A store entry: host's store (My, Root, CA, cup, cup-trust, tomcat,
 * trustpoint:NAME, ...) holds cert under name (IM and Presence's unit
 * file name; a trustpoint's "ca" or "id"). */
void	 lab_store_add(struct lab *, const char *, const char *, int64_t,
	    const char *);
void	 lab_store_remove(struct lab *, const char *, const char *, int64_t);
void	 lab_store_remove_name(struct lab *, const char *, const char *,
	    const char *);
/* The cert ids of a store, in order. *names (optional) parallel. */
int64_t	*lab_store_list(struct lab *, const char *, const char *, size_t *,
	    char ***);
int	 lab_store_has(struct lab *, const char *, const char *, int64_t);
/* The cert of a store entry by name; 0 when none. */
int64_t	 lab_store_get(struct lab *, const char *, const char *, const char *);

/* ---- files ------------------------------------------------------------- */

/*
 * A device's files: Windows paths (c:\cert.csr) and IM and Presence /
 * ASA file names. Each is also written under DIR/hosts/HOST/ so the
 * machine fedwiz runs on has its "local copy" (the answers name these).
 */
int	 lab_file_write(struct lab *, const char *, const char *, const void *,
	    size_t);
/* 0 and *data (malloc'd, NUL-terminated), or -1 when there is none. */
int	 lab_file_read(struct lab *, const char *, const char *, char **,
	    size_t *);
/* Where a device file lies on this machine, malloc'd. */
char	*lab_file_local(struct lab *, const char *, const char *);

/* ---- DNS --------------------------------------------------------------- */

/* type "A" (value the address) or "SRV" (value "prio weight port target");
 * set replaces the name's records of that type; del removes them. */
void	 lab_dns_set(struct lab *, const char *, const char *, const char *);
void	 lab_dns_del(struct lab *, const char *, const char *);

/* ---- shared helpers ---------------------------------------------------- */

/* Case-insensitive equality and prefix (ASCII). */
int	 lab_ieq(const char *, const char *);
/* Where the lab's programs are: the build tree's lab/ when this binary
 * runs from it, else the installed pkglibexecdir. malloc'd. */
char	*lab_libexec(const char *);

#endif
