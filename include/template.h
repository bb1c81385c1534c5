/* template.h: ${name} substitution in step text, commands and checks. */
#ifndef FEDWIZ_TEMPLATE_H
#define FEDWIZ_TEMPLATE_H

#include <stddef.h>

/*
 * Visit each ${name} of s in order: fn(ctx, name, byte offset of the '$').
 * "$${" is a literal "${" and is not visited. Returns 0, or -1 on a
 * malformed reference with *badoff its offset and *why what is wrong.
 */
int	 tmpl_scan(const char *, void (*)(void *, const char *, size_t),
	     void *, size_t *, const char **);

/* A variable's value, or NULL when it has none: shown as <name>. */
typedef const char *(*tmpl_lookup)(void *, const char *);

/* s with every ${name} replaced; malloc'd. s must have passed tmpl_scan. */
char	*tmpl_expand(const char *, tmpl_lookup, void *);

/*
 * tmpl_expand without the string: out(octx, bytes, len) is called with
 * each piece in order (text, a value, "<name>" for a value missing), so a
 * writer can escape them where they go (plan --json).
 */
typedef void (*tmpl_out)(void *, const char *, size_t);
void	 tmpl_emit(const char *, tmpl_lookup, void *, tmpl_out, void *);

/* Whether s is exactly one reference "${name}"; *name then malloc'd. */
int	 tmpl_is_single(const char *, char **);

#endif
