/* ydoc.c: build a located node tree from libyaml's event stream. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util.h"
#include "ydoc.h"

/* A node under construction: its children grow in a heap array, then move
 * into the arena when the collection ends. */
struct frame {
	struct ynode	 *node;
	struct ynode	**items;
	size_t		  n;
	size_t		  cap;
};

struct builder {
	struct ydoc		*doc;
	const struct ydoc_opts	*opts;
	struct diags		*diags;
	struct frame		 stack[YDOC_MAX_DEPTH + 1];
	int			 depth;
	size_t			 nodes;
	int			 failed;
	int			 in_list;	/* the hook's list is open */
	int			 kept;		/* an item stayed in scratch */
	size_t			 read;		/* input handed to libyaml */
	int			 eight_bit;	/* read a byte >= 0x80 */
};

/* Nodes of the hook's items (depth 2 and below) go where they can be freed
 * item by item. */
static struct arena *
node_arena(const struct builder *b)
{
	return b->in_list && b->depth >= 2 ? b->doc->scratch : b->doc->arena;
}

static void
add_child(struct frame *f, struct ynode *child)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->items = xreallocarray(f->items, f->cap, sizeof(*f->items));
	}
	f->items[f->n++] = child;
}

static int
cmp_key(const void *a, const void *b)
{
	const struct ynode *ka = *(struct ynode *const *)a;
	const struct ynode *kb = *(struct ynode *const *)b;
	int	c;

	if ((c = strcmp(ka->str, kb->str)) != 0)
		return c;
	/* Same key: earlier in the file first. */
	if (ka->line != kb->line)
		return ka->line < kb->line ? -1 : 1;
	return ka->col < kb->col ? -1 : ka->col > kb->col;
}

static void
dup_error(struct builder *b, const struct ynode *first, const struct ynode *k)
{
	diags_add(b->diags, b->doc->file, k->line, k->col,
	    "duplicate key \"%s\" (first at line %d column %d); each key may "
	    "appear once in a mapping", k->str, first->line, first->col);
	b->failed = 1;
}

/* Duplicate keys: quadratic for the usual small mapping, sorted above that,
 * so that a hostile file with a million keys costs n log n. */
static void
check_duplicates(struct builder *b, struct ynode *map)
{
	struct ynode	**keys;
	size_t		  i, j, n = map->n;

	if (n <= 16) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (strcmp(map->items[2 * i]->str,
				    map->items[2 * j]->str) == 0) {
					dup_error(b, map->items[2 * j],
					    map->items[2 * i]);
					return;
				}
		return;
	}
	keys = xreallocarray(NULL, n, sizeof(*keys));
	for (i = 0; i < n; i++)
		keys[i] = map->items[2 * i];
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (i = 1; i < n; i++)
		if (strcmp(keys[i]->str, keys[i - 1]->str) == 0) {
			dup_error(b, keys[i - 1], keys[i]);
			break;
		}
	free(keys);
}

static struct ynode *
new_node(struct builder *b, enum ynode_kind kind, const yaml_event_t *ev)
{
	struct ynode	*n;

	if (++b->nodes > YDOC_MAX_NODES) {
		diags_add(b->diags, b->doc->file,
		    (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
		    "more than %d YAML nodes; a runbook is not this large",
		    YDOC_MAX_NODES);
		b->failed = 1;
		return NULL;
	}
	n = arena_calloc(node_arena(b), 1, sizeof(*n));
	n->kind = kind;
	n->line = (int)ev->start_mark.line + 1;
	n->col = (int)ev->start_mark.column + 1;
	n->end_line = (int)ev->end_mark.line + 1;
	n->end_col = (int)ev->end_mark.column + 1;
	return n;
}

/* An item of the hook's list is done: hand it over, and free it if used. */
static int
hand_item(struct builder *b, struct ynode *n)
{
	struct ynode	 root = *b->stack[0].node;

	if (b->failed || b->kept) {
		b->kept = 1;
		return 0;
	}
	root.items = b->stack[0].items;
	root.n = b->stack[0].n / 2;
	if (b->opts->item(b->opts->ctx, b->doc, &root, n) != 1) {
		b->kept = 1;
		return 0;
	}
	arena_reset(b->doc->scratch);
	return 1;
}

/* Place a finished node in its parent; check mapping keys are scalars. */
static void
attach(struct builder *b, struct ynode *n)
{
	struct frame	*f;

	if (b->depth == 0) {
		b->doc->root = n;
		return;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->kind == Y_MAP && f->n % 2 == 0 && n->kind != Y_SCALAR) {
		diags_add(b->diags, b->doc->file, n->line, n->col,
		    "a mapping key must be a plain word, not a %s",
		    ynode_kind_name(n));
		b->failed = 1;
	}
	if (b->in_list && b->depth == 2 && hand_item(b, n))
		return;
	add_child(f, n);
}

/* Whether a list starting now is the hook's: the value of its key in the
 * top-level mapping. */
static int
is_hook_list(const struct builder *b)
{
	const struct frame	*f = &b->stack[0];

	return b->opts->item != NULL && b->depth == 1 &&
	    f->node->kind == Y_MAP && f->n % 2 == 1 &&
	    f->items[f->n - 1]->kind == Y_SCALAR &&
	    strcmp(f->items[f->n - 1]->str, b->opts->key) == 0;
}

/*
 * A plain value on one line is exactly its source bytes (plain scalars
 * have no escapes; only a line break folds), so when a newline ends it, it
 * stays in the source, NUL-terminated there. libyaml has already read past
 * that newline (it ended the value), and the line index counts a NUL as
 * one. libyaml's marks count characters, not bytes: they are offsets into
 * src only while everything read so far is ASCII (read_input watches; it
 * reads ahead of every event, so a value after a UTF-8 character is never
 * taken for one before it).
 */
static char *
value_in_place(struct builder *b, const yaml_event_t *ev)
{
	char	*src = (char *)(uintptr_t)b->doc->src;
	size_t	 off = ev->start_mark.index, len = ev->data.scalar.length;

	if (!b->doc->inplace || b->eight_bit || ev->data.scalar.style !=
	    YAML_PLAIN_SCALAR_STYLE || len == 0 ||
	    ev->start_mark.line != ev->end_mark.line ||
	    ev->end_mark.index - off != len || off + len >= b->doc->srclen ||
	    src[off + len] != '\n')
		return NULL;
	src[off + len] = '\0';
	return src + off;
}

static void	position_of(const struct ydoc *, size_t, int *, int *);

/*
 * A value holding NUL: located at its escape in the source when it can be
 * found there (the first of \0, \x00, \u0000, \U00000000), else at the
 * value.
 */
static void
nul_error(struct builder *b, const yaml_event_t *ev)
{
	static const char *const escapes[] = { "\\0", "\\x00", "\\u0000",
	    "\\U00000000" };
	const char	*src = b->doc->src, *p, *best = NULL;
	size_t		 from = ev->start_mark.index, to = ev->end_mark.index, i;
	int		 line = (int)ev->start_mark.line + 1;
	int		 col = (int)ev->start_mark.column + 1;

	if (to > b->doc->srclen)
		to = b->doc->srclen;
	for (i = 0; from < to && i < nitems(escapes); i++) {
		p = memmem(src + from, to - from, escapes[i],
		    strlen(escapes[i]));
		if (p != NULL && (best == NULL || p < best))
			best = p;
	}
	if (best != NULL)
		position_of(b->doc, (size_t)(best - src), &line, &col);
	diags_add(b->diags, b->doc->file, line, col, "a NUL character "
	    "(\\0) inside a value: everything after it would be lost, so "
	    "the value is refused; remove the escape");
	b->failed = 1;
}

static int
unsupported(struct builder *b, const yaml_event_t *ev, const char *what)
{
	diags_add(b->diags, b->doc->file, (int)ev->start_mark.line + 1,
	    (int)ev->start_mark.column + 1,
	    "%s are not supported in runbooks; write the value out", what);
	b->failed = 1;
	return -1;
}

static int
on_event(struct builder *b, yaml_event_t *ev)
{
	struct ynode	*n;
	struct frame	*f;
	yaml_char_t	*anchor = NULL, *tag = NULL;
	int		 is_key;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->doc->root != NULL) {
			diags_add(b->diags, b->doc->file,
			    (int)ev->start_mark.line + 1,
			    (int)ev->start_mark.column + 1,
			    "a second YAML document; a file holds one");
			b->failed = 1;
			return -1;
		}
		return 0;
	case YAML_ALIAS_EVENT:
		return unsupported(b, ev, "aliases (*name)");
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor != NULL)
		return unsupported(b, ev, "anchors (&name)");
	if (tag != NULL && strcmp((char *)tag, "!") != 0)
		return unsupported(b, ev, "YAML tags (!tag)");

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if ((n = new_node(b, Y_SCALAR, ev)) == NULL)
			return -1;
		f = b->depth > 0 ? &b->stack[b->depth - 1] : NULL;
		is_key = f != NULL && f->node->kind == Y_MAP && f->n % 2 == 0;
		/* libyaml's reader refuses a raw NUL, but a double-quoted
		 * "\0", "\x00" or "\u0000" makes one, and a C string would
		 * end there: "127.0.0.1\0.fe1.corp" would be 127.0.0.1. */
		if (memchr(ev->data.scalar.value, '\0',
		    ev->data.scalar.length) != NULL) {
			nul_error(b, ev);
			n->str = arena_strdup(b->doc->strarena, "");
			attach(b, n);
			return 0;
		}
		/* Keys are only looked up while decoding: they stay with
		 * the nodes. */
		if (is_key)
			n->str = arena_strndup(node_arena(b),
			    (char *)ev->data.scalar.value,
			    ev->data.scalar.length);
		else if ((n->str = value_in_place(b, ev)) == NULL)
			n->str = arena_strndup(b->doc->strarena,
			    (char *)ev->data.scalar.value,
			    ev->data.scalar.length);
		n->len = (uint32_t)ev->data.scalar.length;
		switch (ev->data.scalar.style) {
		case YAML_PLAIN_SCALAR_STYLE:
			n->style = Y_PLAIN;
			break;
		case YAML_LITERAL_SCALAR_STYLE:
		case YAML_FOLDED_SCALAR_STYLE:
			n->style = Y_BLOCK;
			break;
		default:
			n->style = Y_QUOTED;
			break;
		}
		attach(b, n);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->depth >= YDOC_MAX_DEPTH) {
			diags_add(b->diags, b->doc->file,
			    (int)ev->start_mark.line + 1,
			    (int)ev->start_mark.column + 1,
			    "nesting deeper than %d levels", YDOC_MAX_DEPTH);
			b->failed = 1;
			return -1;
		}
		n = new_node(b, ev->type == YAML_SEQUENCE_START_EVENT ?
		    Y_SEQ : Y_MAP, ev);
		if (n == NULL)
			return -1;
		if (ev->type == YAML_SEQUENCE_START_EVENT && is_hook_list(b))
			b->in_list = 1;
		/* A frame's item array is reused by the next collection at
		 * the same depth: no allocation per list or mapping. */
		f = &b->stack[b->depth++];
		f->node = n;
		f->n = 0;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		f = &b->stack[--b->depth];
		n = f->node;
		n->end_line = (int)ev->end_mark.line + 1;
		n->end_col = (int)ev->end_mark.column + 1;
		n->n = n->kind == Y_MAP ? f->n / 2 : f->n;
		if (b->depth == 1)
			b->in_list = 0;		/* the hook's list ends */
		if (f->n > 0) {
			n->items = arena_alloc(node_arena(b),
			    f->n * sizeof(*n->items));
			memcpy(n->items, f->items, f->n * sizeof(*n->items));
		}
		if (n->kind == Y_MAP && !b->failed)
			check_duplicates(b, n);
		attach(b, n);
		return 0;
	default:
		return 0;
	}
}

/* A newline, or, in a source whose values stay in place, a NUL that was
 * one (libyaml refuses a NUL in its input, so the file had none before the
 * place an error stopped the parse). */
static int
is_line_end(const struct ydoc *doc, const char *p)
{
	return *p == '\n' || (*p == '\0' && doc->inplace);
}

/* Line starts, for turning positions into offsets and back. Only errors
 * need it, so it is built on first use. */
static void
index_lines(const struct ydoc *cdoc)
{
	struct ydoc	*doc = (struct ydoc *)(uintptr_t)cdoc;
	const char	*p, *end = cdoc->src + cdoc->srclen;
	size_t		 n = 1, k = 0;

	if (doc->lines != NULL)
		return;
	for (p = doc->src; p < end; p++)
		if (is_line_end(doc, p))
			n++;
	doc->lines = arena_alloc(doc->arena, n * sizeof(*doc->lines));
	doc->lines[k++] = 0;
	for (p = doc->src; p < end; p++)
		if (is_line_end(doc, p))
			doc->lines[k++] = (size_t)(p - doc->src) + 1;
	doc->nlines = n;
}

/* What libyaml's terse problems usually mean in a hand-written runbook. */
static const char *
yaml_hint(const struct ydoc *doc, const yaml_parser_t *p, size_t off)
{
	const char	*pr = p->problem ? p->problem : "";

	if (strstr(pr, "mapping values are not allowed") != NULL)
		return "; check the indentation of this line against the one "
		    "above, or quote a value that contains \": \"";
	if (strstr(pr, "did not find expected key") != NULL ||
	    strstr(pr, "did not find expected '-' indicator") != NULL)
		return "; check the indentation";
	if (strstr(pr, "cannot start any token") != NULL && off < doc->srclen &&
	    doc->src[off] == '\t')
		return "; this is a tab, and YAML indents with spaces only";
	if (strstr(pr, "invalid") != NULL && strstr(pr, "UTF-8") != NULL)
		return "; save the file as UTF-8 (a Windows-1252 quote or dash "
		    "is the usual cause)";
	return "";
}

/*
 * Locate a libyaml error. Reader errors (bad UTF-8, control characters)
 * carry a byte offset, not a mark. An unclosed quote or bracket is found
 * far from where it opened; point at the opening and say where it showed.
 */
static void
yaml_error(const struct ydoc *doc, const yaml_parser_t *p, struct diags *d)
{
	const char	*what = p->problem ? p->problem : "syntax error";
	const char	*ctx = p->context ? p->context : "";
	size_t		 off;
	int		 line, col, pline, pcol;

	if (p->error == YAML_READER_ERROR) {
		off = p->problem_offset;
		position_of(doc, off < doc->srclen ? off : doc->srclen, &line,
		    &col);
		diags_add(d, doc->file, line, col, "YAML: %s%s", what,
		    yaml_hint(doc, p, off));
		return;
	}
	pline = (int)p->problem_mark.line + 1;
	pcol = (int)p->problem_mark.column + 1;
	off = p->problem_mark.index;
	if (p->context != NULL && (strstr(ctx, "quoted") != NULL ||
	    strstr(ctx, "flow") != NULL)) {
		line = (int)p->context_mark.line + 1;
		col = (int)p->context_mark.column + 1;
		diags_add(d, doc->file, line, col, "YAML: %s %s that starts here "
		    "(noticed at line %d column %d)", what, ctx, pline, pcol);
		return;
	}
	diags_add(d, doc->file, pline, pcol, "YAML: %s%s%s%s", what,
	    *ctx ? " " : "", ctx, yaml_hint(doc, p, off));
}

/* Whether n bytes are all below 0x80: eight at a time. */
static int
is_ascii(const unsigned char *p, size_t n)
{
	uint64_t	w, acc = 0;
	size_t		i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= p[i];
	return (acc & 0x8080808080808080ULL) == 0;
}

/* libyaml reads through here, so that the caller sees each byte first. */
static int
read_input(void *arg, unsigned char *buf, size_t size, size_t *got)
{
	struct builder	*b = arg;
	size_t		 n = b->doc->srclen - b->read;

	if (n > size)
		n = size;
	memcpy(buf, b->doc->src + b->read, n);
	if (b->doc->inplace && !b->eight_bit && !is_ascii(buf, n))
		b->eight_bit = 1;
	if (n > 0 && b->opts->read != NULL)
		b->opts->read(b->opts->ctx, b->doc->src + b->read, n);
	b->read += n;
	*got = n;
	return 1;
}

int
ydoc_parse_opts(const char *file, char *src, size_t len,
    const struct ydoc_opts *opts, struct ydoc **out, struct diags *diags)
{
	static const struct ydoc_opts none;
	struct builder	 b;
	struct ydoc	*doc;
	yaml_parser_t	 parser;
	yaml_event_t	 ev;
	int		 done = 0, i;

	if (opts == NULL)
		opts = &none;
	/* Notepad writes a byte order mark; libyaml, told the input is
	 * UTF-8, would read it as content. */
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0) {
		if (opts->read != NULL)
			opts->read(opts->ctx, src, 3);
		src += 3;
		len -= 3;
	}
	doc = xcalloc(1, sizeof(*doc));
	doc->arena = arena_new();
	doc->scratch = arena_new();
	doc->strarena = opts->strarena != NULL ? opts->strarena : doc->arena;
	doc->file = arena_strdup(doc->arena, file);
	doc->src = src;
	doc->srclen = len;
	doc->inplace = opts->inplace;

	memset(&b, 0, sizeof(b));
	b.doc = doc;
	b.opts = opts;
	b.diags = diags;

	if (!yaml_parser_initialize(&parser))
		fatal("libyaml: cannot initialise a parser");
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	yaml_parser_set_input(&parser, read_input, &b);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			yaml_error(doc, &parser, diags);
			b.failed = 1;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		if (on_event(&b, &ev) == -1)
			done = 1;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	for (i = 0; i <= YDOC_MAX_DEPTH; i++)
		free(b.stack[i].items);
	if (b.failed) {
		ydoc_free(doc);
		return -1;
	}
	*out = doc;
	return 0;
}

int
ydoc_parse(const char *file, const char *src, size_t len,
    struct arena *strarena, struct ydoc **out, struct diags *diags)
{
	struct ydoc_opts	opts = { .strarena = strarena };

	/* Not inplace: the bytes are only read. */
	return ydoc_parse_opts(file, (char *)(uintptr_t)src, len, &opts, out,
	    diags);
}

int
ydoc_load(const char *path, struct ydoc **out, struct diags *diags)
{
	char	*src;
	size_t	 len;
	int	 error;

	if ((error = read_file(path, YDOC_MAX_BYTES, &src, &len)) != 0) {
		if (error == -EFBIG)
			diags_add(diags, path, 0, 0, "larger than %u MiB; not a "
			    "runbook", YDOC_MAX_BYTES / (1024 * 1024));
		else
			diags_add(diags, path, 0, 0, "cannot read: %s",
			    strerror(-error));
		return -1;
	}
	if ((error = ydoc_parse(path, src, len, NULL, out, diags)) == -1) {
		free(src);
		return -1;
	}
	(*out)->owned = src;
	return 0;
}

void
ydoc_free(struct ydoc *doc)
{
	if (doc == NULL)
		return;
	arena_free(doc->arena);
	arena_free(doc->scratch);
	free(doc->owned);
	free(doc);
}

const char *
ynode_kind_name(const struct ynode *n)
{
	switch (n->kind) {
	case Y_SCALAR:
		return "single value";
	case Y_SEQ:
		return "list";
	case Y_MAP:
		return "mapping";
	}
	return "?";
}

struct ynode *
ymap_get(const struct ynode *map, const char *key)
{
	size_t	i;

	if (map == NULL || map->kind != Y_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (strcmp(map->items[2 * i]->str, key) == 0)
			return map->items[2 * i + 1];
	return NULL;
}

int
ynode_is_null(const struct ynode *n)
{
	return n->kind == Y_SCALAR && n->style == Y_PLAIN &&
	    (n->len == 0 || strcmp(n->str, "~") == 0 ||
	    strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	    strcmp(n->str, "NULL") == 0);
}

/* Byte offset of (line, col) counted in UTF-8 characters. */
static size_t
byte_offset(const struct ydoc *doc, int line, int col)
{
	size_t	off;
	int	c = 1;

	index_lines(doc);
	if (line < 1 || (size_t)line > doc->nlines)
		return doc->srclen;
	off = doc->lines[line - 1];
	while (c < col && off < doc->srclen && !is_line_end(doc,
	    doc->src + off)) {
		off++;
		while (off < doc->srclen &&
		    ((unsigned char)doc->src[off] & 0xC0) == 0x80)
			off++;
		c++;
	}
	return off;
}

static void
position_of(const struct ydoc *doc, size_t off, int *line, int *col)
{
	size_t	lo, hi, mid, p;
	int	c = 1;

	index_lines(doc);
	lo = 0;
	hi = doc->nlines;
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (doc->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (p = doc->lines[lo]; p < off; p++)
		if (((unsigned char)doc->src[p] & 0xC0) != 0x80)
			c++;
	*line = (int)lo + 1;
	*col = c;
}

void
ydoc_locate(const struct ydoc *doc, const struct ynode *n, const char *needle,
    size_t nth, int *line, int *col)
{
	size_t		 start, end, nlen = strlen(needle);
	const char	*p;

	*line = n->line;
	*col = n->col;
	start = byte_offset(doc, n->line, n->col);
	end = byte_offset(doc, n->end_line, n->end_col);
	if (end > doc->srclen)
		end = doc->srclen;
	while (start < end) {
		p = memmem(doc->src + start, end - start, needle, nlen);
		if (p == NULL)
			return;
		if (nth-- == 0) {
			position_of(doc, (size_t)(p - doc->src), line, col);
			return;
		}
		start = (size_t)(p - doc->src) + 1;
	}
}
