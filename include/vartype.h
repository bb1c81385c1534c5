/* vartype.h: the types of runbook variables, checked wherever one enters. */
#ifndef FEDWIZ_VARTYPE_H
#define FEDWIZ_VARTYPE_H

#include <stddef.h>

enum vartype {
	VT_FQDN,
	VT_HOST,
	VT_IPV4,
	VT_IP,
	VT_PORT,
	VT_INT,
	VT_WORD,
	VT_STRING,
	VT_PATH,
	VT_CHOICE,
	VT_BOOL,
	VT_OID_LIST,
	VT_ROUTE_PATTERN	/* ".com.example.*": a domain, backwards */
};

/* What a value must satisfy beyond its type. */
struct varspec {
	enum vartype		 type;
	const char *const	*choices;
	size_t			 nchoices;
	int			 has_min, has_max;
	long long		 min, max;
};

/* Type by name ("fqdn", "oid-list"); -1 if unknown. */
int		 vartype_from_name(const char *);
const char	*vartype_name(enum vartype);
/* "an integer 1-65535": what a value of the type looks like, for messages. */
const char	*vartype_expect(enum vartype);
/* All type names, for "expected one of". */
const char *const *vartype_names(size_t *);

/*
 * Check value against spec. 0: valid, and *norm (if non-NULL) is a malloc'd
 * normal form (bools true/false, fqdn without trailing dot). -1: invalid,
 * and why[] says what is wrong, without repeating the value.
 */
int		 vartype_check(const struct varspec *, const char *, char **,
		     char *, size_t);
/*
 * The IM and Presence static route pattern of a SIP domain: its labels
 * backwards, a leading dot and a trailing ".*" ("tomt.it" -> ".it.tomt.*").
 * malloc'd.
 */
char		*vartype_route_pattern(const char *);

#endif
