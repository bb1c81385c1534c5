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
	struct arena	*arena;		/* the nodes (and mapping keys) */
	struct arena	*scratch;	/* the item being handed to a hook */
	struct arena	*strarena;	/* scalars (may be the caller's) */
	const char	*file;		/* as given, for messages */
	const char	*src;		/* the bytes, to locate substrings */
	size_t		 srclen;
	char		*owned;		/* src, when ydoc_load read it */
	size_t		*lines;		/* byte offset of each line start, */
	size_t		 nlines;	/* built on first use (errors only) */
	int		 inplace;	/* a NUL in src was a line end */
	struct ynode	*root;		/* NULL for an empty file */
};

/*
 * How to parse, for a caller that cannot hold the whole tree of a large
 * file (the runbook loader). Zero fields: as ydoc_parse.
 */
struct ydoc_opts {
	/* Values go here (so the caller keeps them after ydoc_free);
	 * mapping keys stay in the ydoc. NULL: everything in the ydoc. */
	struct arena	*strarena;
	/*
	 * src is the caller's to change: a plain value that is its own
	 * source bytes up to the end of its line stays there, its newline
	 * made its NUL, instead of being copied. The caller then keeps src
	 * as long as it keeps the values.
	 */
	int		 inplace;
	/* Every byte of the input, in order, before anything is changed. */
	void		(*read)(void *, const char *, size_t);
	/*
	 * Each item of the list under the top-level key `key`, as it ends;
	 * root: the top-level mapping so far (its finished pairs). Return 1
	 * when the item is used up: its nodes are freed and it is left
	 * out of the list. Not called once an error is found.
	 */
	const char	*key;
	int		(*item)(void *, struct ydoc *, const struct ynode *,
			    struct ynode *);
	void		*ctx;
};

/*
 * Parse bytes / a file. 0 on success; -1 with the errors in diags. The
 * bytes are borrowed: they must outlive the ydoc. Scalar strings go into
 * strarena when given (so a caller can keep them after ydoc_free), else
 * into the ydoc's own arena.
 */
int		 ydoc_parse(const char *, const char *, size_t, struct arena *,
		     struct ydoc **, struct diags *);
int		 ydoc_parse_opts(const char *, char *, size_t,
		     const struct ydoc_opts *, struct ydoc **, struct diags *);
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
