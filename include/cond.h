/* cond.h: `when` conditions over runbook variables. */
#ifndef FEDWIZ_COND_H
#define FEDWIZ_COND_H

#include <stddef.h>

#include "util.h"

enum cond_op {
	C_OR,
	C_AND,
	C_NOT,
	C_EQ,
	C_NE,
	C_IN,
	C_VAR,
	C_LIT
};

struct cond {
	enum cond_op	  op;
	struct cond	 *a;		/* operands; C_IN: a is the value */
	struct cond	 *b;
	struct cond	**list;		/* C_IN: the literals */
	size_t		  nlist;
	const char	 *str;		/* C_VAR name, C_LIT value */
	size_t		  off;		/* byte offset in the source */
};

/* Three-valued: a variable without a value makes a condition undecided. */
enum tristate {
	T_FALSE = 0,
	T_TRUE = 1,
	T_UNKNOWN = 2
};

/* A variable's value (normalised), or NULL when it has none yet. */
typedef const char *(*cond_lookup)(void *, const char *);

/*
 * Parse src; nodes live in the arena. 0 on success; -1 with *erroff the byte
 * offset of the problem and err what was expected there.
 */
int		 cond_parse(const char *, struct arena *, struct cond **,
		     size_t *, char *, size_t);
enum tristate	 cond_eval(const struct cond *, cond_lookup, void *);

/* Visit every variable reference (name, offset). */
void		 cond_walk_vars(const struct cond *,
		     void (*)(void *, const char *, size_t), void *);
/* Visit every comparison of a variable with a literal (var, literal, the
 * literal's offset). */
void		 cond_walk_compare(const struct cond *,
		     void (*)(void *, const char *, const char *, size_t),
		     void *);

#endif
