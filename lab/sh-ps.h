/*
 * sh-ps.h: the lab's PowerShell, inside fedwiz-lab-shell. A small
 * interpreter of the PowerShell language (pipelines, parameters, script
 * blocks, member access and method calls, the operators checks use) over
 * objects made from lab state, so that any reading of a cmdlet's output
 * a check is written with -- Format-List, Select-Object with calculated
 * properties, Where-Object, ForEach-Object, Out-String -Width -- gets the
 * truth of the lab, not a canned answer to a known command line.
 *
 * Three files: sh-ps.c (parser and evaluator), sh-psfmt.c (formatting:
 * Format-List, Format-Table, Out-String, the default output) and
 * sh-pscmd.c (the cmdlets, in one table).
 */
#ifndef FEDWIZ_SH_PS_H
#define FEDWIZ_SH_PS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "lab.h"
#include "util.h"

/* ---- values ----------------------------------------------------------- */

enum ps_t {
	PS_NULL, PS_BOOL, PS_INT, PS_STR, PS_ARR, PS_HASH, PS_OBJ, PS_SB
};

struct ps_node;
struct ps_obj;

struct ps_val {
	enum ps_t		 t;
	int64_t			 i;		/* PS_BOOL, PS_INT */
	const char		*s;		/* PS_STR */
	struct ps_val		**a;		/* PS_ARR items; PS_HASH values */
	const char		**k;		/* PS_HASH keys */
	size_t			 n, cap;
	struct ps_obj		*o;		/* PS_OBJ */
	const struct ps_node	*sb;		/* PS_SB */
	const char		*sbtext;	/* PS_SB: its source */
	int			 fmt;		/* a line of formatted output */
	struct ps_fmtblk	*fb;		/* with fmt: what Format-List or
						   Format-Table made, laid out
						   when it reaches an Out-*
						   cmdlet, at its width */
};

struct ps_fmtblk {
	int			 f;		/* enum ps_fmt */
	struct ps_val		*items;
	const char		**names;
	size_t			 n;
};

struct ps_prop {
	const char	*name;
	struct ps_val	*v;
};

/* Objects: a .NET type name and ordered properties; kind says which
 * methods it has and how it prints when it is a property's value. */
enum ps_kind {
	PK_PLAIN,	/* PSCustomObject and the like */
	PK_CERT,	/* X509Certificate2 */
	PK_EXT,		/* an X509Extension (EKU) */
	PK_OID,		/* System.Security.Cryptography.Oid */
	PK_CHAIN,	/* X509Chain */
	PK_POLICY,	/* X509ChainPolicy */
	PK_ROUTE,	/* a Lync static route */
	PK_TRANSPORT,	/* its transport */
	PK_CHOICE,	/* its transport choice */
	PK_WMI,		/* a ManagementObject */
	PK_DATE,	/* System.DateTime: id the time (UTC seconds) */
	PK_REGKEY,	/* Microsoft.Win32.RegistryKey: tostr its name */
	PK_OPAQUE	/* prints as its type name */
};

struct ps_obj {
	const char	*type;		/* "System.Management.Automation.
					   PSCustomObject" */
	enum ps_kind	 kind;
	struct ps_prop	*p;
	size_t		 n, cap;
	int64_t		 id;		/* lab id behind it (cert, object) */
	const char	*tostr;		/* what ToString() gives, if not the
					   type name */
	/* How it prints by default: its list view's properties (NULL: all),
	 * or a table of these columns (NULL: the 4/5 property rule). */
	const char	*const *listview;
	const char	*const *tableview;
};

/* ---- the session -------------------------------------------------------- */

struct ps_var {
	const char	*name;
	struct ps_val	*v;
};

struct ps {
	struct arena	*a;		/* values and parse trees: freed at exit */
	struct lab	*lab;
	struct lab_host	 host;
	FILE		*out;
	int		 interactive;	/* a person at the prompt */
	int		 noninteractive;/* -NonInteractive: no prompts */
	int		 clixml;	/* errors to stderr as CLIXML */
	int		 progress;	/* a module was loaded: CLIXML progress */
	int		 width;		/* the host's width (Format-* wrap) */
	struct ps_var	*vars;
	size_t		 nvars;
	char		**modules;	/* imported */
	size_t		 nmodules;
	struct buf	 err;		/* error text to flush to stderr */
	int		 failed;	/* the statement running has failed */
	int		 last_failed;	/* $?: the last statement failed */
	int		 silent;	/* -ErrorAction SilentlyContinue: errors
					   set $? but are not shown */
	int		 exit_code;	/* `exit N` */
	int		 exiting;
	const char	*script;	/* the line being run (errors show it) */
	const char	*cwd;		/* C:\Users\Administrator */
	FILE		*in;		/* interactive input (prompts) */
};

/* sh-ps.c */
struct ps_val	*ps_null(struct ps *);
struct ps_val	*ps_bool(struct ps *, int);
struct ps_val	*ps_int(struct ps *, int64_t);
struct ps_val	*ps_str(struct ps *, const char *);
struct ps_val	*ps_strf(struct ps *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
struct ps_val	*ps_arr(struct ps *);
void		 ps_push(struct ps *, struct ps_val *, struct ps_val *);
struct ps_obj	*ps_obj(struct ps *, const char *, enum ps_kind);
struct ps_val	*ps_objv(struct ps *, struct ps_obj *);
void		 ps_set(struct ps *, struct ps_obj *, const char *,
		    struct ps_val *);
struct ps_val	*ps_get(const struct ps_obj *, const char *);
/* A property or member of any value (strings have Length, arrays
 * Count...); NULL when it has none. */
struct ps_val	*ps_member(struct ps *, struct ps_val *, const char *);
/* The text of a value as PowerShell converts it to a string. */
const char	*ps_text(struct ps *, const struct ps_val *);
int		 ps_truthy(const struct ps_val *);
/* Flatten a pipeline's output: arrays unrolled one level. */
void		 ps_each(struct ps_val *, void (*)(struct ps_val *, void *),
		    void *);
/* Run a script block with $_ bound (and $args); its output. */
struct ps_val	*ps_invoke(struct ps *, const struct ps_val *,
		    struct ps_val *);
/* A System.DateTime: en-US text, ToString(format), compared by time. */
struct ps_val	*ps_date(struct ps *, time_t);
/* Its text in a .NET format ("s", "u", "D", "yyyy-MM-dd", ...; NULL the
 * default, "G"). */
const char	*ps_date_format(struct ps *, time_t, const char *);
/* Order of two values as Sort-Object and -lt/-gt see them: numbers as
 * numbers, dates as dates, else text without case. */
int		 ps_cmp(struct ps *, const struct ps_val *,
		    const struct ps_val *);
/* Run a script (one or more statements). Output goes to ps->out through
 * the default formatter. Returns 0, or 1 when the last statement
 * failed. */
int		 ps_run(struct ps *, const char *);
/* An error record: "Name : message", the position line, category, id. */
void		 ps_error(struct ps *, const char *, const char *, const char *,
		    const char *, ...) __attribute__((format(printf, 5, 6)));
void		 ps_flush_errors(struct ps *);
/* printf into the session's arena (an error's category or id). */
const char	*ps_fmt(struct ps *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 ps_ieq(const char *, const char *);
/* PowerShell -like (wildcards * ? [...]) and -match (POSIX ERE, case
 * insensitive). */
int		 ps_like(const char *, const char *);
int		 ps_match(const char *, const char *);

/* sh-psfmt.c */
enum ps_fmt { PF_LIST, PF_TABLE, PF_DEFAULT };
/* Format items (already flattened) into lines appended to out; props:
 * NULL (the default set) or names (with "*" for all), n of them. */
void		 ps_format(struct ps *, enum ps_fmt, struct ps_val *,
		    const char *const *, size_t, int, struct ps_val *);
/* Items with each Format-* block laid out as lines at width (0: the
 * host's), as PowerShell's Out-* cmdlets render format objects. */
struct ps_val	*ps_expand(struct ps *, struct ps_val *, int);
/* Out-Default: print items as the console host does. */
void		 ps_out_default(struct ps *, struct ps_val *);
/* A property value as Format-List shows it. */
const char	*ps_fmt_value(struct ps *, const struct ps_val *);

/* sh-pscmd.c */
/* A registry key of the host ("HKLM\\System\\...", or HKEY_LOCAL_MACHINE
 * spelled out) as a RegistryKey object; NULL when there is none. */
struct ps_val	*ps_regkey(struct ps *, const char *);
struct ps_args;
struct ps_cmd {
	const char	*name;
	const char	*module;	/* NULL: core */
	const char	*const *params;	/* parameter names, for prefixes */
	const char	*const *positional;
	struct ps_val	*(*fn)(struct ps *, struct ps_args *, struct ps_val *);
};
struct ps_args {
	const char	**names;	/* resolved parameter names */
	struct ps_val	**vals;		/* NULL value: a switch */
	int		 *pos;
	size_t		  n;
	int		  at;		/* where the command starts (errors) */
	int		  len;
	const char	 *cmdname;	/* as typed */
};
const struct ps_cmd *ps_cmd_find(const char *);
/* A parameter's value, or NULL; *given set when it was there. */
struct ps_val	*ps_arg(struct ps_args *, const char *, int *);
int		 ps_switch(struct ps_args *, const char *);
/* The lab's PowerShell for host: interactive (NULL script) or exec. */
int		 ps_main(struct lab *, const struct lab_host *, const char *);

#endif
