/* cond.c: parse and evaluate `when` conditions (Kleene three-valued logic). */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cond.h"
#include "util.h"

#define COND_MAX_DEPTH	32

enum tok {
	TK_END,
	TK_NAME,
	TK_STRING,
	TK_NUMBER,
	TK_TRUE,
	TK_FALSE,
	TK_AND,
	TK_OR,
	TK_NOT,
	TK_IN,
	TK_EQ,
	TK_NE,
	TK_LPAREN,
	TK_RPAREN,
	TK_LBRACK,
	TK_RBRACK,
	TK_COMMA,
	TK_ERROR
};

struct lexer {
	const char	*src;
	size_t		 pos;
	enum tok	 tok;
	size_t		 tokoff;
	const char	*text;		/* token text in the arena */
	struct arena	*arena;
	int		 depth;
	size_t		 erroff;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static void __attribute__((format(printf, 3, 4)))
fail(struct lexer *lx, size_t off, const char *fmt, ...)
{
	va_list	ap;

	if (lx->failed)
		return;
	lx->failed = 1;
	lx->erroff = off;
	va_start(ap, fmt);
	vsnprintf(lx->err, lx->errlen, fmt, ap);
	va_end(ap);
}

static const char *
tok_desc(enum tok t)
{
	switch (t) {
	case TK_END:
		return "the end";
	case TK_NAME:
		return "a variable name";
	case TK_STRING:
		return "a string";
	case TK_NUMBER:
		return "a number";
	case TK_TRUE:
	case TK_FALSE:
		return "true/false";
	case TK_AND:
		return "\"and\"";
	case TK_OR:
		return "\"or\"";
	case TK_NOT:
		return "\"not\"";
	case TK_IN:
		return "\"in\"";
	case TK_EQ:
		return "\"==\"";
	case TK_NE:
		return "\"!=\"";
	case TK_LPAREN:
		return "\"(\"";
	case TK_RPAREN:
		return "\")\"";
	case TK_LBRACK:
		return "\"[\"";
	case TK_RBRACK:
		return "\"]\"";
	case TK_COMMA:
		return "\",\"";
	case TK_ERROR:
		break;
	}
	return "an invalid character";
}

static void
next(struct lexer *lx)
{
	const char	*s = lx->src;
	size_t		 p = lx->pos, start;
	char		 q;

	while (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r')
		p++;
	lx->tokoff = p;
	lx->text = NULL;
	if (s[p] == '\0') {
		lx->tok = TK_END;
	} else if (isalpha((unsigned char)s[p]) || s[p] == '_') {
		start = p;
		while (isalnum((unsigned char)s[p]) || s[p] == '_' ||
		    s[p] == '-')
			p++;
		lx->text = arena_strndup(lx->arena, s + start, p - start);
		if (strcmp(lx->text, "and") == 0)
			lx->tok = TK_AND;
		else if (strcmp(lx->text, "or") == 0)
			lx->tok = TK_OR;
		else if (strcmp(lx->text, "not") == 0)
			lx->tok = TK_NOT;
		else if (strcmp(lx->text, "in") == 0)
			lx->tok = TK_IN;
		else if (strcmp(lx->text, "true") == 0)
			lx->tok = TK_TRUE;
		else if (strcmp(lx->text, "false") == 0)
			lx->tok = TK_FALSE;
		else
			lx->tok = TK_NAME;
	} else if (isdigit((unsigned char)s[p]) || (s[p] == '-' &&
	    isdigit((unsigned char)s[p + 1]))) {
		start = p++;
		while (isdigit((unsigned char)s[p]))
			p++;
		lx->text = arena_strndup(lx->arena, s + start, p - start);
		lx->tok = TK_NUMBER;
	} else if (s[p] == '"' || s[p] == '\'') {
		q = s[p++];
		start = p;
		while (s[p] != '\0' && s[p] != q)
			p++;
		if (s[p] != q) {
			fail(lx, start - 1, "unterminated string (no closing "
			    "%s)", q == '"' ? "\"" : "'");
			lx->tok = TK_ERROR;
			lx->pos = p;
			return;
		}
		lx->text = arena_strndup(lx->arena, s + start, p - start);
		p++;
		lx->tok = TK_STRING;
	} else if (s[p] == '=' && s[p + 1] == '=') {
		p += 2;
		lx->tok = TK_EQ;
	} else if (s[p] == '!' && s[p + 1] == '=') {
		p += 2;
		lx->tok = TK_NE;
	} else {
		switch (s[p]) {
		case '(': lx->tok = TK_LPAREN; break;
		case ')': lx->tok = TK_RPAREN; break;
		case '[': lx->tok = TK_LBRACK; break;
		case ']': lx->tok = TK_RBRACK; break;
		case ',': lx->tok = TK_COMMA; break;
		case '=':
			fail(lx, p, "\"=\" is not an operator; %s", "compare "
			    "with \"==\"");
			lx->tok = TK_ERROR;
			break;
		case '&':
		case '|':
			fail(lx, p, "use \"and\"/\"or\", not %s", s[p] == '&' ?
			    "\"&&\"" : "\"||\"");
			lx->tok = TK_ERROR;
			break;
		default:
			if (isprint((unsigned char)s[p]))
				fail(lx, p, "unexpected character '%c'", s[p]);
			else
				fail(lx, p, "unexpected byte 0x%02x",
				    (unsigned char)s[p]);
			lx->tok = TK_ERROR;
			break;
		}
		p++;
	}
	lx->pos = p;
}

static struct cond *
node(struct lexer *lx, enum cond_op op, size_t off)
{
	struct cond	*c;

	c = arena_calloc(lx->arena, 1, sizeof(*c));
	c->op = op;
	c->off = off;
	return c;
}

static struct cond	*parse_or(struct lexer *);

static int
is_value(enum tok t)
{
	return t == TK_NAME || t == TK_STRING || t == TK_NUMBER ||
	    t == TK_TRUE || t == TK_FALSE;
}

/* A value operand: variable or literal. */
static struct cond *
parse_value(struct lexer *lx)
{
	struct cond	*c;

	if (!is_value(lx->tok)) {
		fail(lx, lx->tokoff, "expected a variable or a value, found %s",
		    tok_desc(lx->tok));
		return NULL;
	}
	if (lx->tok == TK_NAME) {
		c = node(lx, C_VAR, lx->tokoff);
		c->str = lx->text;
	} else {
		c = node(lx, C_LIT, lx->tokoff);
		c->str = lx->tok == TK_TRUE ? "true" : lx->tok == TK_FALSE ?
		    "false" : lx->text;
	}
	next(lx);
	return c;
}

static struct cond *
parse_cmp(struct lexer *lx)
{
	struct cond	*left, *c, *lit, **list = NULL;
	size_t		 n = 0, cap = 0, off = lx->tokoff;
	enum tok	 t = lx->tok;

	if (t == TK_LPAREN) {
		if (++lx->depth > COND_MAX_DEPTH) {
			fail(lx, lx->tokoff, "parentheses nested too deep");
			return NULL;
		}
		next(lx);
		c = parse_or(lx);
		if (c == NULL)
			return NULL;
		if (lx->tok != TK_RPAREN) {
			fail(lx, lx->tokoff, "expected \")\", found %s",
			    tok_desc(lx->tok));
			return NULL;
		}
		lx->depth--;
		next(lx);
		return c;
	}
	if ((left = parse_value(lx)) == NULL)
		return NULL;
	switch (lx->tok) {
	case TK_EQ:
	case TK_NE:
		c = node(lx, lx->tok == TK_EQ ? C_EQ : C_NE, lx->tokoff);
		next(lx);
		c->a = left;
		if ((c->b = parse_value(lx)) == NULL)
			return NULL;
		return c;
	case TK_IN:
		c = node(lx, C_IN, lx->tokoff);
		c->a = left;
		next(lx);
		if (lx->tok != TK_LBRACK) {
			fail(lx, lx->tokoff, "expected \"[\" after \"in\", "
			    "found %s", tok_desc(lx->tok));
			return NULL;
		}
		do {
			next(lx);
			if (lx->tok == TK_NAME) {
				fail(lx, lx->tokoff, "a list after \"in\" "
				    "holds values; quote \"%s\"", lx->text);
				return NULL;
			}
			if ((lit = parse_value(lx)) == NULL)
				return NULL;
			if (n == cap) {
				cap = cap ? cap * 2 : 4;
				c->list = arena_alloc(lx->arena,
				    cap * sizeof(*list));
				if (list != NULL)
					memcpy(c->list, list, n * sizeof(*list));
				list = c->list;
			}
			list[n++] = lit;
		} while (lx->tok == TK_COMMA);
		if (lx->tok != TK_RBRACK) {
			fail(lx, lx->tokoff, "expected \",\" or \"]\", found "
			    "%s", tok_desc(lx->tok));
			return NULL;
		}
		next(lx);
		c->nlist = n;
		return c;
	default:
		/* A lone operand must be a truth value. */
		if (t == TK_STRING || t == TK_NUMBER) {
			fail(lx, off, "a value alone is not a condition; "
			    "compare it: %s", "name == \"value\"");
			return NULL;
		}
		return left;
	}
}

static struct cond *
parse_not(struct lexer *lx)
{
	struct cond	*c;

	if (lx->tok == TK_NOT) {
		if (++lx->depth > COND_MAX_DEPTH) {
			fail(lx, lx->tokoff, "\"not\" nested too deep");
			return NULL;
		}
		c = node(lx, C_NOT, lx->tokoff);
		next(lx);
		if ((c->a = parse_not(lx)) == NULL)
			return NULL;
		lx->depth--;
		return c;
	}
	return parse_cmp(lx);
}

static struct cond *
parse_and(struct lexer *lx)
{
	struct cond	*left, *c;

	if ((left = parse_not(lx)) == NULL)
		return NULL;
	while (lx->tok == TK_AND) {
		c = node(lx, C_AND, lx->tokoff);
		next(lx);
		c->a = left;
		if ((c->b = parse_not(lx)) == NULL)
			return NULL;
		left = c;
	}
	return left;
}

static struct cond *
parse_or(struct lexer *lx)
{
	struct cond	*left, *c;

	if ((left = parse_and(lx)) == NULL)
		return NULL;
	while (lx->tok == TK_OR) {
		c = node(lx, C_OR, lx->tokoff);
		next(lx);
		c->a = left;
		if ((c->b = parse_and(lx)) == NULL)
			return NULL;
		left = c;
	}
	return left;
}

int
cond_parse(const char *src, struct arena *arena, struct cond **out,
    size_t *erroff, char *err, size_t errlen)
{
	struct lexer	 lx;
	struct cond	*c;

	memset(&lx, 0, sizeof(lx));
	lx.src = src;
	lx.arena = arena;
	lx.err = err;
	lx.errlen = errlen;
	next(&lx);
	if (lx.tok == TK_END) {
		fail(&lx, 0, "empty condition; expected e.g. %s",
		    "transport == \"tls\"");
		goto out;
	}
	c = parse_or(&lx);
	if (c != NULL && lx.tok != TK_END)
		fail(&lx, lx.tokoff, "expected \"and\", \"or\" or the end, "
		    "found %s", tok_desc(lx.tok));
	if (!lx.failed) {
		*out = c;
		return 0;
	}
out:
	*erroff = lx.erroff;
	return -1;
}

static const char *
value_of(const struct cond *c, cond_lookup lookup, void *ctx)
{
	return c->op == C_VAR ? lookup(ctx, c->str) : c->str;
}

enum tristate
cond_eval(const struct cond *c, cond_lookup lookup, void *ctx)
{
	enum tristate	 a, b;
	const char	*va, *vb;
	size_t		 i;

	switch (c->op) {
	case C_OR:
		a = cond_eval(c->a, lookup, ctx);
		if (a == T_TRUE)
			return T_TRUE;
		b = cond_eval(c->b, lookup, ctx);
		if (b == T_TRUE)
			return T_TRUE;
		return a == T_UNKNOWN || b == T_UNKNOWN ? T_UNKNOWN : T_FALSE;
	case C_AND:
		a = cond_eval(c->a, lookup, ctx);
		if (a == T_FALSE)
			return T_FALSE;
		b = cond_eval(c->b, lookup, ctx);
		if (b == T_FALSE)
			return T_FALSE;
		return a == T_UNKNOWN || b == T_UNKNOWN ? T_UNKNOWN : T_TRUE;
	case C_NOT:
		a = cond_eval(c->a, lookup, ctx);
		return a == T_UNKNOWN ? T_UNKNOWN : a == T_TRUE ? T_FALSE :
		    T_TRUE;
	case C_EQ:
	case C_NE:
		va = value_of(c->a, lookup, ctx);
		vb = value_of(c->b, lookup, ctx);
		if (va == NULL || vb == NULL)
			return T_UNKNOWN;
		return (strcmp(va, vb) == 0) == (c->op == C_EQ) ? T_TRUE :
		    T_FALSE;
	case C_IN:
		if ((va = value_of(c->a, lookup, ctx)) == NULL)
			return T_UNKNOWN;
		for (i = 0; i < c->nlist; i++)
			if (strcmp(va, c->list[i]->str) == 0)
				return T_TRUE;
		return T_FALSE;
	case C_VAR:
	case C_LIT:
		if ((va = value_of(c, lookup, ctx)) == NULL)
			return T_UNKNOWN;
		return strcmp(va, "true") == 0 ? T_TRUE : T_FALSE;
	}
	return T_UNKNOWN;
}

void
cond_walk_vars(const struct cond *c, void (*fn)(void *, const char *, size_t),
    void *ctx)
{
	size_t	i;

	if (c == NULL)
		return;
	if (c->op == C_VAR) {
		fn(ctx, c->str, c->off);
		return;
	}
	cond_walk_vars(c->a, fn, ctx);
	cond_walk_vars(c->b, fn, ctx);
	for (i = 0; i < c->nlist; i++)
		cond_walk_vars(c->list[i], fn, ctx);
}

void
cond_walk_compare(const struct cond *c,
    void (*fn)(void *, const char *, const char *, size_t), void *ctx)
{
	size_t	i;

	if (c == NULL)
		return;
	switch (c->op) {
	case C_EQ:
	case C_NE:
		if (c->a->op == C_VAR && c->b->op == C_LIT)
			fn(ctx, c->a->str, c->b->str, c->b->off);
		else if (c->b->op == C_VAR && c->a->op == C_LIT)
			fn(ctx, c->b->str, c->a->str, c->a->off);
		return;
	case C_IN:
		if (c->a->op == C_VAR)
			for (i = 0; i < c->nlist; i++)
				fn(ctx, c->a->str, c->list[i]->str,
				    c->list[i]->off);
		return;
	default:
		cond_walk_compare(c->a, fn, ctx);
		cond_walk_compare(c->b, fn, ctx);
		return;
	}
}
