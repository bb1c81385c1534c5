/* ydoc.h: a YAML file as a tree of located nodes (libyaml underneath). */
#ifndef FEDWIZ_YDOC_H
#define FEDWIZ_YDOC_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Limits: outside input must not be able to exhaust the machine. */
#define YDOC_MAX_BYTES	(64u * 1024 * 1024)
#define YDOC_MAX_DEPTH	64
#define YDOC_MAX_NODES	4000000

enum ynode_kind {
	Y_SCALAR,
	Y_SEQ,
	Y_MAP
};

enum yscalar_style {
	Y_PLAIN,
	Y_QUOTED,
	Y_BLOCK
};

/* 48 bytes: a large runbook is hundreds of thousands of these. */
struct ynode {
	char			*str;	/* scalar value, NUL-terminated */
	/* Sequence: n items. Mapping: n pairs, key at 2i, value at 2i+1. */
	struct ynode		**items;
	size_t			 n;
	uint32_t		 len;	/* scalar: YDOC_MAX_BYTES at most */
	int			 line;	/* 1-based, in characters */
	int			 col;
	int			 end_line;
	int			 end_col;
	unsigned char		 kind;	/* enum ynode_kind */
	unsigned char		 style;	/* enum yscalar_style */
};

struct ydoc {
	struct arena	*arena;		/* the nodes */
	struct arena	*strarena;	/* scalars (may be the caller's) */
	const char	*file;		/* as given, for messages */
	const char	*src;		/* the bytes, to locate substrings */
	size_t		 srclen;
	char		*owned;		/* src, when ydoc_load read it */
	size_t		*lines;		/* byte offset of each line start, */
	size_t		 nlines;	/* built on first use (errors only) */
	struct ynode	*root;		/* NULL for an empty file */
};

/*
 * Parse bytes / a file. 0 on success; -1 with the errors in diags. The
 * bytes are borrowed: they must outlive the ydoc. Scalar strings go into
 * strarena when given (so a caller can keep them after ydoc_free), else
 * into the ydoc's own arena.
 */
int		 ydoc_parse(const char *, const char *, size_t, struct arena *,
		     struct ydoc **, struct diags *);
int		 ydoc_load(const char *, struct ydoc **, struct diags *);
void		 ydoc_free(struct ydoc *);

const char	*ynode_kind_name(const struct ynode *);
/* The value of key in a mapping, or NULL. */
struct ynode	*ymap_get(const struct ynode *, const char *);
/* A plain null: "", "~", "null". */
int		 ynode_is_null(const struct ynode *);

/*
 * Where the nth (0-based) occurrence of needle lies inside node's source
 * text, as line:col. Falls back to the node's own position.
 */
void		 ydoc_locate(const struct ydoc *, const struct ynode *,
		     const char *, size_t, int *, int *);

#endif
