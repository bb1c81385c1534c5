/*
 * sh-ps.c: the lab's PowerShell: parser and evaluator (sh-ps.h).
 *
 * What it takes is the part of the language the runbooks' commands and
 * checks use, and what a person types at a Lync Management Shell:
 * statements separated by ; and newlines; if/elseif/else and foreach;
 * assignment to variables and to properties ($c.ChainPolicy.RevocationMode
 * = 'NoCheck'); pipelines of commands with named (prefix-matched, any
 * case) and positional parameters; expressions with -eq -ne -gt -ge -lt
 * -le -like -notlike -match -notmatch -contains -notcontains -in -notin
 * -and -or -not !, + - * / %, the comma operator, casts [int] [string]
 * [bool], member access and method calls, indexing, $( ) @( ) @{ } and
 * script blocks; single- and double-quoted strings (with $var and $( )
 * expansion and backtick escapes). Errors read as PowerShell 5.1's: the
 * message, "At line:1 char:N", the line with ~~~ under the culprit, the
 * category and the FullyQualifiedErrorId (Microsoft's about_Parsing,
 * about_Operator_Precedence and about_Quoting_Rules describe the rules
 * followed here).
 */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab.h"
#include "sh-ps.h"

/* ---- values -------------------------------------------------------------- */

static struct ps_val *
val(struct ps *ps, enum ps_t t)
{
	struct ps_val	*v = arena_calloc(ps->a, 1, sizeof(*v));

	v->t = t;
	return v;
}

struct ps_val *
ps_null(struct ps *ps)
{
	return val(ps, PS_NULL);
}

struct ps_val *
ps_bool(struct ps *ps, int b)
{
	struct ps_val	*v = val(ps, PS_BOOL);

	v->i = b != 0;
	return v;
}

struct ps_val *
ps_int(struct ps *ps, int64_t i)
{
	struct ps_val	*v = val(ps, PS_INT);

	v->i = i;
	return v;
}

struct ps_val *
ps_str(struct ps *ps, const char *s)
{
	struct ps_val	*v = val(ps, PS_STR);

	v->s = arena_strdup(ps->a, s != NULL ? s : "");
	return v;
}

struct ps_val *
ps_strf(struct ps *ps, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	struct ps_val *v;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	v = ps_str(ps, s);
	free(s);
	return v;
}

const char *
ps_fmt(struct ps *ps, const char *fmt, ...)
{
	va_list		 ap;
	char		*s;
	const char	*r;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	r = arena_strdup(ps->a, s);
	free(s);
	return r;
}

struct ps_val *
ps_arr(struct ps *ps)
{
	return val(ps, PS_ARR);
}

static void
grow(struct ps *ps, struct ps_val *a)
{
	struct ps_val	**na;
	const char	**nk;
	size_t		 cap = a->cap ? a->cap * 2 : 8;

	na = arena_alloc(ps->a, cap * sizeof(*na));
	if (a->n)
		memcpy(na, a->a, a->n * sizeof(*na));
	a->a = na;
	if (a->t == PS_HASH) {
		nk = arena_alloc(ps->a, cap * sizeof(*nk));
		if (a->n)
			memcpy(nk, a->k, a->n * sizeof(*nk));
		a->k = nk;
	}
	a->cap = cap;
}

void
ps_push(struct ps *ps, struct ps_val *a, struct ps_val *v)
{
	if (a->n == a->cap)
		grow(ps, a);
	a->a[a->n++] = v;
}

static void
hash_put(struct ps *ps, struct ps_val *h, const char *k, struct ps_val *v)
{
	size_t	i;

	for (i = 0; i < h->n; i++)
		if (ps_ieq(h->k[i], k)) {
			h->a[i] = v;
			return;
		}
	if (h->n == h->cap)
		grow(ps, h);
	h->k[h->n] = arena_strdup(ps->a, k);
	h->a[h->n++] = v;
}

static struct ps_val *
hash_get(const struct ps_val *h, const char *k)
{
	size_t	i;

	for (i = 0; i < h->n; i++)
		if (ps_ieq(h->k[i], k))
			return h->a[i];
	return NULL;
}

struct ps_obj *
ps_obj(struct ps *ps, const char *type, enum ps_kind kind)
{
	struct ps_obj	*o = arena_calloc(ps->a, 1, sizeof(*o));

	o->type = arena_strdup(ps->a, type);
	o->kind = kind;
	return o;
}

struct ps_val *
ps_objv(struct ps *ps, struct ps_obj *o)
{
	struct ps_val	*v = val(ps, PS_OBJ);

	v->o = o;
	return v;
}

void
ps_set(struct ps *ps, struct ps_obj *o, const char *name, struct ps_val *v)
{
	size_t		 i;
	struct ps_prop	*np;

	for (i = 0; i < o->n; i++)
		if (ps_ieq(o->p[i].name, name)) {
			o->p[i].v = v;
			return;
		}
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		np = arena_alloc(ps->a, o->cap * sizeof(*np));
		if (o->n)
			memcpy(np, o->p, o->n * sizeof(*np));
		o->p = np;
	}
	o->p[o->n].name = arena_strdup(ps->a, name);
	o->p[o->n++].v = v;
}

struct ps_val *
ps_get(const struct ps_obj *o, const char *name)
{
	size_t	i;

	for (i = 0; i < o->n; i++)
		if (ps_ieq(o->p[i].name, name))
			return o->p[i].v;
	return NULL;
}

int
ps_ieq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

const char *
ps_text(struct ps *ps, const struct ps_val *v)
{
	struct buf	b;
	size_t		i;
	char		n[32];

	if (v == NULL)
		return "";
	switch (v->t) {
	case PS_NULL:
		return "";
	case PS_BOOL:
		return v->i ? "True" : "False";
	case PS_INT:
		snprintf(n, sizeof(n), "%lld", (long long)v->i);
		return arena_strdup(ps->a, n);
	case PS_STR:
		return v->s;
	case PS_ARR:
		/* "$a" joins with spaces ($OFS). */
		buf_init(&b);
		for (i = 0; i < v->n; i++)
			buf_printf(&b, "%s%s", i ? " " : "", ps_text(ps,
			    v->a[i]));
		{
			const char	*s = arena_strdup(ps->a, b.s ? b.s : "");

			buf_free(&b);
			return s;
		}
	case PS_HASH:
		return "System.Collections.Hashtable";
	case PS_SB:
		return v->sbtext ? v->sbtext : "";
	case PS_OBJ:
		if (v->o->tostr != NULL)
			return v->o->tostr;
		if (v->o->kind == PK_PLAIN && strstr(v->o->type,
		    "PSCustomObject") != NULL) {
			/* @{Name=value; ...} */
			buf_init(&b);
			buf_adds(&b, "@{");
			for (i = 0; i < v->o->n; i++)
				buf_printf(&b, "%s%s=%s", i ? "; " : "",
				    v->o->p[i].name, ps_text(ps,
				    v->o->p[i].v));
			buf_adds(&b, "}");
			{
				const char *s = arena_strdup(ps->a, b.s);

				buf_free(&b);
				return s;
			}
		}
		return v->o->type;
	}
	return "";
}

/* ---- dates ------------------------------------------------------------- */

static const char *const day_names[] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };
static const char *const month_names[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };

/*
 * A DateTime as .NET formats it (en-US; the servers' clocks are UTC):
 * the standard formats "s", "u", "o", "d", "D", "g", "G" (and "" the
 * default, "G"), and custom ones made of yyyy, yy, MM, M, dd, d, HH, H,
 * hh, h, mm, ss, tt, fff, MMMM, dddd and literal text.
 */
const char *
ps_date_format(struct ps *ps, time_t t, const char *f)
{
	struct tm	 tm;
	struct buf	 b;
	const char	*p, *r;
	int		 h12, n;

	gmtime_r(&t, &tm);
	h12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
	if (f == NULL || *f == '\0' || strcmp(f, "G") == 0)
		f = "M/d/yyyy h:mm:ss tt";
	else if (strcmp(f, "s") == 0)
		f = "yyyy-MM-ddTHH:mm:ss";
	else if (strcmp(f, "u") == 0)
		f = "yyyy-MM-dd HH:mm:ssZ";
	else if (strcmp(f, "o") == 0 || strcmp(f, "O") == 0)
		f = "yyyy-MM-ddTHH:mm:ss.fffffffZ";
	else if (strcmp(f, "d") == 0)
		f = "M/d/yyyy";
	else if (strcmp(f, "D") == 0)
		f = "dddd, MMMM d, yyyy";
	else if (strcmp(f, "g") == 0)
		f = "M/d/yyyy h:mm tt";
	buf_init(&b);
	for (p = f; *p != '\0'; p += n) {
		for (n = 1; p[n] == p[0]; n++)
			;
		switch (*p) {
		case 'y':
			if (n >= 4)
				buf_printf(&b, "%04d", tm.tm_year + 1900);
			else
				buf_printf(&b, "%02d", (tm.tm_year + 1900) % 100);
			break;
		case 'M':
			if (n >= 4)
				buf_adds(&b, month_names[tm.tm_mon]);
			else if (n == 3)
				buf_printf(&b, "%.3s", month_names[tm.tm_mon]);
			else
				buf_printf(&b, n == 2 ? "%02d" : "%d",
				    tm.tm_mon + 1);
			break;
		case 'd':
			if (n >= 4)
				buf_adds(&b, day_names[tm.tm_wday]);
			else if (n == 3)
				buf_printf(&b, "%.3s", day_names[tm.tm_wday]);
			else
				buf_printf(&b, n == 2 ? "%02d" : "%d",
				    tm.tm_mday);
			break;
		case 'H':
			buf_printf(&b, n >= 2 ? "%02d" : "%d", tm.tm_hour);
			break;
		case 'h':
			buf_printf(&b, n >= 2 ? "%02d" : "%d", h12);
			break;
		case 'm':
			buf_printf(&b, n >= 2 ? "%02d" : "%d", tm.tm_min);
			break;
		case 's':
			buf_printf(&b, n >= 2 ? "%02d" : "%d", tm.tm_sec);
			break;
		case 't':
			r = tm.tm_hour < 12 ? "AM" : "PM";
			buf_printf(&b, "%.*s", n >= 2 ? 2 : 1, r);
			break;
		case 'f':
			buf_printf(&b, "%0*d", n, 0);
			break;
		case '\\':
			if (p[1] != '\0') {
				buf_addc(&b, p[1]);
				n = 2;
			}
			break;
		default:
			buf_add(&b, p, (size_t)n);
			break;
		}
	}
	r = arena_strdup(ps->a, b.s ? b.s : "");
	buf_free(&b);
	return r;
}

struct ps_val *
ps_date(struct ps *ps, time_t t)
{
	struct ps_obj	*o = ps_obj(ps, "System.DateTime", PK_DATE);

	o->id = (int64_t)t;
	o->tostr = ps_date_format(ps, t, NULL);
	return ps_objv(ps, o);
}

static int
is_date(const struct ps_val *v)
{
	return v != NULL && v->t == PS_OBJ && v->o->kind == PK_DATE;
}

int
ps_cmp(struct ps *ps, const struct ps_val *l, const struct ps_val *r)
{
	const char	*a, *b;
	char		*ea, *eb;
	long long	 na, nb;

	if (is_date(l) && is_date(r))
		return l->o->id < r->o->id ? -1 : l->o->id > r->o->id;
	a = ps_text(ps, l);
	b = ps_text(ps, r);
	na = strtoll(a, &ea, 10);
	nb = strtoll(b, &eb, 10);
	if (*a && *b && *ea == '\0' && *eb == '\0')
		return na < nb ? -1 : na > nb;
	return strcasecmp(a, b);
}

int
ps_truthy(const struct ps_val *v)
{
	if (v == NULL)
		return 0;
	switch (v->t) {
	case PS_NULL:
		return 0;
	case PS_BOOL:
	case PS_INT:
		return v->i != 0;
	case PS_STR:
		return v->s[0] != '\0';
	case PS_ARR:
		if (v->n == 0)
			return 0;
		if (v->n == 1)
			return ps_truthy(v->a[0]);
		return 1;
	default:
		return 1;
	}
}

void
ps_each(struct ps_val *v, void (*fn)(struct ps_val *, void *), void *arg)
{
	size_t	i;

	if (v == NULL)
		return;
	if (v->t == PS_ARR) {
		for (i = 0; i < v->n; i++)
			fn(v->a[i], arg);
	} else
		fn(v, arg);
}

/* ---- wildcards and regexes --------------------------------------------- */

int
ps_like(const char *s, const char *p)
{
	for (; *p != '\0'; p++, s++) {
		switch (*p) {
		case '*':
			while (p[1] == '*')
				p++;
			if (p[1] == '\0')
				return 1;
			for (; *s != '\0'; s++)
				if (ps_like(s, p + 1))
					return 1;
			return ps_like(s, p + 1);
		case '?':
			if (*s == '\0')
				return 0;
			break;
		case '[': {
			const char	*q = p + 1;
			int		 ok = 0;

			if (*s == '\0')
				return 0;
			for (; *q != '\0' && *q != ']'; q++) {
				if (q[1] == '-' && q[2] != ']' && q[2] != '\0') {
					if (tolower((unsigned char)*s) >=
					    tolower((unsigned char)q[0]) &&
					    tolower((unsigned char)*s) <=
					    tolower((unsigned char)q[2]))
						ok = 1;
					q += 2;
				} else if (tolower((unsigned char)*q) ==
				    tolower((unsigned char)*s))
					ok = 1;
			}
			if (!ok || *q != ']')
				return 0;
			p = q;
			break;
		}
		case '`':
			if (p[1] != '\0')
				p++;
			/* FALLTHROUGH */
		default:
			if (tolower((unsigned char)*p) !=
			    tolower((unsigned char)*s))
				return 0;
		}
	}
	return *s == '\0';
}

int
ps_match(const char *s, const char *re)
{
	regex_t	r;
	int	m;

	/* .NET regular expressions; POSIX ERE covers what checks use, \d
	 * and \s excepted, which are mapped first. */
	struct buf	b;
	const char	*p;

	buf_init(&b);
	for (p = re; *p != '\0'; p++) {
		if (p[0] == '\\' && p[1] == 'd') {
			buf_adds(&b, "[0-9]");
			p++;
		} else if (p[0] == '\\' && p[1] == 's') {
			buf_adds(&b, "[[:space:]]");
			p++;
		} else if (p[0] == '\\' && p[1] == 'w') {
			buf_adds(&b, "[[:alnum:]_]");
			p++;
		} else
			buf_addc(&b, *p);
	}
	if (regcomp(&r, b.s ? b.s : "", REG_EXTENDED | REG_ICASE |
	    REG_NOSUB) != 0) {
		buf_free(&b);
		return 0;
	}
	buf_free(&b);
	m = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

/* ---- errors -------------------------------------------------------------- */

/*
 * An error record as the console host writes it (PowerShell 5.1):
 *   NAME : MESSAGE
 *   At line:1 char:N
 *   + SCRIPT LINE
 *   +   ~~~~~~~
 *       + CategoryInfo          : CATEGORY
 *       + FullyQualifiedErrorId : ID
 */
static int	err_at, err_len, err_parse;

void
ps_error(struct ps *ps, const char *name, const char *category,
    const char *fqid, const char *fmt, ...)
{
	va_list		 ap;
	char		*msg;
	const char	*line = ps->script ? ps->script : "";
	int		 at = err_at, len = err_len, i, shift = 0;
	size_t		 ll;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	ps->failed = 1;
	if (ps->silent && !err_parse) {
		/* -ErrorAction SilentlyContinue: $? says it, nothing shows. */
		free(msg);
		return;
	}
	if (!err_parse) {
		if (name != NULL && *name != '\0')
			buf_printf(&ps->err, "%s : %s\n", name, msg);
		else
			buf_printf(&ps->err, "%s\n", msg);
	}
	/* The line the error is on: a script's own line. */
	{
		const char	*s = line, *nl;
		int		 lineno = 1;

		while ((nl = strchr(s, '\n')) != NULL && nl - line < at) {
			s = nl + 1;
			lineno++;
		}
		at -= (int)(s - line);
		ll = strcspn(s, "\r\n");
		if (at < 0)
			at = 0;
		buf_printf(&ps->err, "At line:%d char:%d\n", lineno, at + 1);
		/* The host shows at most one console line of the script. */
		if (ll > 76 && at > 40) {
			shift = at - 20;
			buf_printf(&ps->err, "+ ... %.*s\n", (int)(ll -
			    (size_t)shift > 70 ? 70 : ll - (size_t)shift),
			    s + shift);
			shift -= 4;
		} else
			buf_printf(&ps->err, "+ %.*s%s\n", (int)(ll > 76 ? 72 :
			    ll), s, ll > 76 ? " ..." : "");
		buf_adds(&ps->err, "+ ");
		for (i = 0; i < at - shift; i++)
			buf_addc(&ps->err, ' ');
		if (len < 1)
			len = 1;
		for (i = 0; i < len && at - shift + i < 76; i++)
			buf_addc(&ps->err, '~');
		buf_addc(&ps->err, '\n');
	}
	/* A parser error puts its message after the position. */
	if (err_parse)
		buf_printf(&ps->err, "%s\n", msg);
	free(msg);
	buf_printf(&ps->err, "    + CategoryInfo          : %s\n", category);
	buf_printf(&ps->err, "    + FullyQualifiedErrorId : %s\n \n", fqid);
	if (ps->interactive)
		ps_flush_errors(ps);
}

static void
xml_text(struct buf *b, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		default:
			buf_addc(b, s[i]);
		}
	}
}

/*
 * Errors reach stderr as the console host writes them, or, when
 * PowerShell ran with -EncodedCommand and stderr is no console (an SSH
 * exec channel), as CLIXML: "#< CLIXML", then <Objs> with one <S
 * S="Error"> per line and the "Preparing modules for first use." progress
 * record a module import writes (what Ansible's and other tools' CLIXML
 * parsers exist for).
 */
void
ps_flush_errors(struct ps *ps)
{
	struct buf	 b;
	const char	*p, *nl;

	if (ps->err.len == 0 && !(ps->clixml && ps->progress))
		return;
	if (!ps->clixml) {
		/* At the console, errors are written where output is (one
		 * screen); over an exec channel, to stderr. */
		FILE	*fp = ps->interactive ? ps->out : stderr;

		fflush(ps->out);
		for (p = ps->err.s; p != NULL && *p != '\0'; p = nl + 1) {
			nl = strchr(p, '\n');
			if (nl == NULL) {
				fprintf(fp, "%s\r\n", p);
				break;
			}
			fprintf(fp, "%.*s\r\n", (int)(nl - p), p);
		}
		fflush(fp);
		buf_free(&ps->err);
		buf_init(&ps->err);
		return;
	}
	buf_init(&b);
	buf_adds(&b, "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://"
	    "schemas.microsoft.com/powershell/2004/04\">");
	if (ps->progress) {
		buf_adds(&b, "<Obj S=\"progress\" RefId=\"0\"><TN RefId=\"0\">"
		    "<T>System.Management.Automation.PSCustomObject</T>"
		    "<T>System.Object</T></TN><MS><I64 N=\"SourceId\">1</I64>"
		    "<PR N=\"Record\"><AV>Preparing modules for first use.</AV>"
		    "<AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T>"
		    "<SR>-1</SR><SD> </SD></PR></MS></Obj>");
		ps->progress = 0;
	}
	for (p = ps->err.s; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		buf_adds(&b, "<S S=\"Error\">");
		xml_text(&b, p, (size_t)(nl - p));
		buf_adds(&b, "_x000D__x000A_</S>");
		if (*nl == '\0')
			break;
	}
	buf_adds(&b, "</Objs>");
	fwrite(b.s, 1, b.len, stderr);
	fflush(stderr);
	buf_free(&b);
	buf_free(&ps->err);
	buf_init(&ps->err);
}

/* ---- parse trees ---------------------------------------------------------- */

enum nk {
	N_LIST, N_PIPE, N_CMD, N_ASSIGN, N_IF, N_FOREACH, N_EXIT,
	N_STR, N_XSTR, N_NUM, N_VAR, N_MEMBER, N_CALL, N_INDEX, N_STATIC,
	N_BIN, N_NOT, N_NEG, N_COMMA, N_SUB, N_ARRSUB, N_HASH, N_SB,
	N_TYPE, N_CAST, N_BARE, N_PARAM, N_PBLOCK
};

enum op {
	OP_OR, OP_AND, OP_XOR, OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE,
	OP_LIKE, OP_NOTLIKE, OP_MATCH, OP_NOTMATCH, OP_CONTAINS,
	OP_NOTCONTAINS, OP_IN, OP_NOTIN, OP_ADD, OP_SUB, OP_MUL, OP_DIV,
	OP_MOD, OP_SPLIT, OP_JOIN
};

struct ps_node {
	enum nk			 k;
	int			 op;
	const char		*s;
	int64_t			 n;
	struct ps_node		**c;
	size_t			 nc, cap;
	int			 at, len;	/* in the script */
	int			 colon;		/* N_PARAM: -Name:value */
};

struct parser {
	struct ps	*ps;
	const char	*src;
	int		 pos;
	int		 err;
	int		 errat;
	char		 errmsg[160];
	const char	*errid;
};

static struct ps_node *
node(struct parser *p, enum nk k, int at)
{
	struct ps_node	*n = arena_calloc(p->ps->a, 1, sizeof(*n));

	n->k = k;
	n->at = at;
	return n;
}

static void
add(struct parser *p, struct ps_node *n, struct ps_node *c)
{
	struct ps_node	**nc;

	if (n->nc == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 4;
		nc = arena_alloc(p->ps->a, n->cap * sizeof(*nc));
		if (n->nc)
			memcpy(nc, n->c, n->nc * sizeof(*nc));
		n->c = nc;
	}
	n->c[n->nc++] = c;
}

static void
perr(struct parser *p, int at, const char *id, const char *fmt, ...)
{
	va_list	ap;

	if (p->err)
		return;
	p->err = 1;
	p->errat = at;
	p->errid = id;
	va_start(ap, fmt);
	vsnprintf(p->errmsg, sizeof(p->errmsg), fmt, ap);
	va_end(ap);
}

static char
peek(struct parser *p)
{
	return p->src[p->pos];
}

static char
peek2(struct parser *p)
{
	return p->src[p->pos] ? p->src[p->pos + 1] : '\0';
}

/* Blanks: spaces, tabs, comments, a backtick before a line end; newlines
 * too when nl. */
static void
blank(struct parser *p, int nl)
{
	char	c;

	for (;;) {
		c = peek(p);
		if (c == ' ' || c == '\t' || c == '\r' || (nl && c == '\n')) {
			p->pos++;
		} else if (c == '`' && (peek2(p) == '\n' || (peek2(p) == '\r' &&
		    p->src[p->pos + 2] == '\n'))) {
			p->pos += peek2(p) == '\r' ? 3 : 2;
		} else if (c == '#') {
			while (peek(p) != '\0' && peek(p) != '\n')
				p->pos++;
		} else if (c == '<' && peek2(p) == '#') {
			const char *e = strstr(p->src + p->pos, "#>");

			p->pos = e ? (int)(e - p->src) + 2 :
			    (int)strlen(p->src);
		} else
			return;
	}
}

/* A keyword or operator name at pos (case-insensitive, whole word). */
static int
at_word(struct parser *p, const char *w)
{
	size_t	n = strlen(w);

	return strncasecmp(p->src + p->pos, w, n) == 0 &&
	    !isalnum((unsigned char)p->src[p->pos + n]) &&
	    p->src[p->pos + n] != '_' && p->src[p->pos + n] != '-';
}

static struct ps_node *parse_pipeline(struct parser *);
static struct ps_node *parse_statements(struct parser *, char);
static struct ps_node *parse_expr(struct parser *);
static struct ps_node *parse_unary(struct parser *);

/* 'text' (two quotes are one). */
static struct ps_node *
parse_sq(struct parser *p)
{
	struct buf	 b;
	int		 at = p->pos;
	struct ps_node	*n;

	p->pos++;
	buf_init(&b);
	for (;;) {
		char	c = peek(p);

		if (c == '\0') {
			perr(p, at, "TerminatorExpectedAtEndOfString", "The "
			    "string is missing the terminator: '.");
			break;
		}
		p->pos++;
		if (c == '\'' || c == (char)0) {
			if (peek(p) == '\'') {
				buf_addc(&b, '\'');
				p->pos++;
				continue;
			}
			break;
		}
		buf_addc(&b, c);
	}
	n = node(p, N_STR, at);
	n->s = arena_strdup(p->ps->a, b.s ? b.s : "");
	n->len = p->pos - at;
	buf_free(&b);
	return n;
}

/* "text" with $var, ${var}, $(...) and `x escapes: an N_XSTR whose
 * children are N_STR pieces and expressions. */
static struct ps_node *
parse_dq(struct parser *p)
{
	struct ps_node	*n, *part;
	struct buf	 b;
	int		 at = p->pos;

	n = node(p, N_XSTR, at);
	p->pos++;
	buf_init(&b);
	for (;;) {
		char	c = peek(p);

		if (c == '\0') {
			perr(p, at, "TerminatorExpectedAtEndOfString", "The "
			    "string is missing the terminator: \".");
			break;
		}
		if (c == '"') {
			p->pos++;
			if (peek(p) == '"') {
				buf_addc(&b, '"');
				p->pos++;
				continue;
			}
			break;
		}
		if (c == '`' && peek2(p) != '\0') {
			char	e = peek2(p);

			p->pos += 2;
			buf_addc(&b, e == 'n' ? '\n' : e == 't' ? '\t' :
			    e == 'r' ? '\r' : e == '0' ? '\0' : e == 'a' ?
			    '\a' : e);
			continue;
		}
		if (c == '$' && (isalpha((unsigned char)peek2(p)) ||
		    peek2(p) == '_' || peek2(p) == '(' || peek2(p) == '{')) {
			if (b.len > 0) {
				part = node(p, N_STR, p->pos);
				part->s = arena_strndup(p->ps->a, b.s, b.len);
				add(p, n, part);
				buf_free(&b);
				buf_init(&b);
			}
			if (peek2(p) == '(') {
				int	sat = p->pos;

				p->pos += 2;
				part = parse_statements(p, ')');
				if (peek(p) == ')')
					p->pos++;
				part->k = N_SUB;
				part->at = sat;
			} else {
				int	 vat = p->pos;
				struct buf nb;

				p->pos++;
				buf_init(&nb);
				if (peek(p) == '{') {
					p->pos++;
					while (peek(p) != '\0' && peek(p) != '}')
						buf_addc(&nb, p->src[p->pos++]);
					if (peek(p) == '}')
						p->pos++;
				} else
					while (isalnum((unsigned char)peek(p)) ||
					    peek(p) == '_' || (peek(p) == ':' &&
					    isalpha((unsigned char)peek2(p))))
						buf_addc(&nb, p->src[p->pos++]);
				part = node(p, N_VAR, vat);
				part->s = arena_strdup(p->ps->a, nb.s ? nb.s :
				    "");
				buf_free(&nb);
			}
			add(p, n, part);
			continue;
		}
		buf_addc(&b, c);
		p->pos++;
	}
	if (b.len > 0 || n->nc == 0) {
		part = node(p, N_STR, p->pos);
		part->s = arena_strndup(p->ps->a, b.s ? b.s : "", b.len);
		add(p, n, part);
	}
	buf_free(&b);
	n->len = p->pos - at;
	return n;
}

static struct ps_node *
parse_var(struct parser *p)
{
	struct ps_node	*n;
	int		 at = p->pos, start;

	p->pos++;
	n = node(p, N_VAR, at);
	if (peek(p) == '{') {
		p->pos++;
		start = p->pos;
		while (peek(p) != '\0' && peek(p) != '}')
			p->pos++;
		n->s = arena_strndup(p->ps->a, p->src + start,
		    (size_t)(p->pos - start));
		if (peek(p) == '}')
			p->pos++;
	} else {
		start = p->pos;
		if (peek(p) == '_' || peek(p) == '?' || peek(p) == '$')
			p->pos++;
		while (isalnum((unsigned char)peek(p)) || peek(p) == '_' ||
		    (peek(p) == ':' && isalpha((unsigned char)peek2(p))))
			p->pos++;
		n->s = arena_strndup(p->ps->a, p->src + start,
		    (size_t)(p->pos - start));
	}
	n->len = p->pos - at;
	return n;
}

static struct ps_node *
parse_hash(struct parser *p)
{
	struct ps_node	*n, *k, *v;
	int		 at = p->pos;

	p->pos += 2;	/* @{ */
	n = node(p, N_HASH, at);
	for (;;) {
		blank(p, 1);
		while (peek(p) == ';') {
			p->pos++;
			blank(p, 1);
		}
		if (peek(p) == '}') {
			p->pos++;
			break;
		}
		if (peek(p) == '\0') {
			perr(p, at, "MissingEndCurlyBrace", "Missing closing "
			    "'}' in statement block or type definition.");
			return n;
		}
		if (peek(p) == '\'')
			k = parse_sq(p);
		else if (peek(p) == '"')
			k = parse_dq(p);
		else {
			int	start = p->pos;

			while (isalnum((unsigned char)peek(p)) || peek(p) == '_' ||
			    peek(p) == '-')
				p->pos++;
			if (p->pos == start) {
				perr(p, p->pos, "MissingEqualsInHashLiteral",
				    "Missing '=' operator after key in hash "
				    "literal.");
				return n;
			}
			k = node(p, N_STR, start);
			k->s = arena_strndup(p->ps->a, p->src + start,
			    (size_t)(p->pos - start));
		}
		blank(p, 0);
		if (peek(p) != '=') {
			perr(p, p->pos, "MissingEqualsInHashLiteral", "Missing "
			    "'=' operator after key in hash literal.");
			return n;
		}
		p->pos++;
		blank(p, 1);
		v = parse_pipeline(p);
		if (p->err)
			return n;
		add(p, n, k);
		add(p, n, v);
		blank(p, 0);
		if (peek(p) != ';' && peek(p) != '\n' && peek(p) != '}' &&
		    peek(p) != '\r') {
			perr(p, p->pos, "MissingEndCurlyBrace", "The hash "
			    "literal was incomplete.");
			return n;
		}
	}
	n->len = p->pos - at;
	return n;
}

/* param($a, $b = default): a script block's parameters, bound to what
 * `& $sb ARGS` passes, in order. */
static struct ps_node *
parse_param_block(struct parser *p)
{
	struct ps_node	*pb, *v;
	int		 start;

	pb = node(p, N_PBLOCK, p->pos);
	p->pos += 5;	/* param */
	blank(p, 1);
	p->pos++;	/* ( */
	for (;;) {
		blank(p, 1);
		if (peek(p) == ')') {
			p->pos++;
			break;
		}
		if (peek(p) == '[') {	/* [string]$k: the type is not kept */
			while (peek(p) != '\0' && peek(p) != ']')
				p->pos++;
			if (peek(p) == ']')
				p->pos++;
			continue;
		}
		if (peek(p) != '$') {
			perr(p, p->pos, "MissingEndParenthesisInFunction"
			    "ParameterList", "Missing ')' in function parameter "
			    "list.");
			return pb;
		}
		p->pos++;
		start = p->pos;
		while (isalnum((unsigned char)peek(p)) || peek(p) == '_')
			p->pos++;
		v = node(p, N_VAR, start - 1);
		v->s = arena_strndup(p->ps->a, p->src + start,
		    (size_t)(p->pos - start));
		blank(p, 1);
		if (peek(p) == '=') {
			p->pos++;
			blank(p, 1);
			add(p, v, parse_unary(p));
			blank(p, 1);
		}
		add(p, pb, v);
		if (peek(p) == ',')
			p->pos++;
	}
	return pb;
}

static struct ps_node *
parse_block(struct parser *p)
{
	struct ps_node	*n, *pb = NULL;
	int		 at = p->pos, save;

	p->pos++;	/* { */
	save = p->pos;
	blank(p, 1);
	if (at_word(p, "param")) {
		int	q = p->pos + 5;

		while (p->src[q] == ' ' || p->src[q] == '\t')
			q++;
		if (p->src[q] == '(')
			pb = parse_param_block(p);
	}
	if (pb == NULL)
		p->pos = save;
	n = parse_statements(p, '}');
	if (pb != NULL) {
		/* The parameters first: eval_list passes over them. */
		add(p, n, pb);
		memmove(n->c + 1, n->c, (n->nc - 1) * sizeof(*n->c));
		n->c[0] = pb;
	}
	if (peek(p) != '}') {
		perr(p, at, "MissingEndCurlyBrace", "Missing closing '}' in "
		    "statement block or type definition.");
		return n;
	}
	p->pos++;
	n->k = N_SB;
	n->at = at;
	n->len = p->pos - at;
	n->s = arena_strndup(p->ps->a, p->src + at + 1, (size_t)(n->len - 2));
	return n;
}

static struct ps_node *
parse_number(struct parser *p)
{
	struct ps_node	*n;
	int		 at = p->pos;
	char		*end;
	long long	 v;

	v = strtoll(p->src + p->pos, &end, peek(p) == '0' && (peek2(p) ==
	    'x' || peek2(p) == 'X') ? 16 : 10);
	p->pos = (int)(end - p->src);
	/* kb, mb multipliers are not used here; a decimal point makes it a
	 * string (a version, an OID). */
	if (peek(p) == '.' && isdigit((unsigned char)peek2(p))) {
		while (isdigit((unsigned char)peek(p)) || peek(p) == '.')
			p->pos++;
		n = node(p, N_STR, at);
		n->s = arena_strndup(p->ps->a, p->src + at,
		    (size_t)(p->pos - at));
		return n;
	}
	n = node(p, N_NUM, at);
	n->n = v;
	n->len = p->pos - at;
	return n;
}

/* [TypeName] */
static struct ps_node *
parse_type(struct parser *p)
{
	struct ps_node	*n;
	int		 at = p->pos, depth = 0, start;

	p->pos++;
	start = p->pos;
	while (peek(p) != '\0' && (peek(p) != ']' || depth > 0)) {
		if (peek(p) == '[')
			depth++;
		else if (peek(p) == ']')
			depth--;
		p->pos++;
	}
	n = node(p, N_TYPE, at);
	n->s = arena_strndup(p->ps->a, p->src + start, (size_t)(p->pos -
	    start));
	if (peek(p) == ']')
		p->pos++;
	n->len = p->pos - at;
	return n;
}

static struct ps_node *
parse_postfix(struct parser *p, struct ps_node *n)
{
	struct ps_node	*m, *idx;
	int		 start;

	for (;;) {
		if (peek(p) == '.' && (isalpha((unsigned char)peek2(p)) ||
		    peek2(p) == '_')) {
			int	at = p->pos;

			p->pos++;
			start = p->pos;
			while (isalnum((unsigned char)peek(p)) || peek(p) == '_')
				p->pos++;
			m = node(p, N_MEMBER, at);
			m->s = arena_strndup(p->ps->a, p->src + start,
			    (size_t)(p->pos - start));
			add(p, m, n);
			m->len = p->pos - at;
			if (peek(p) == '(') {
				m->k = N_CALL;
				p->pos++;
				blank(p, 1);
				while (peek(p) != ')' && !p->err) {
					/* Method arguments are separated by
					 * commas, which an expression would
					 * take for an array. */
					struct ps_node	*e = parse_expr(p);
					size_t		 k;

					if (e->k == N_COMMA)
						for (k = 0; k < e->nc; k++)
							add(p, m, e->c[k]);
					else
						add(p, m, e);
					blank(p, 1);
					if (peek(p) == ',') {
						p->pos++;
						blank(p, 1);
					} else if (peek(p) != ')') {
						perr(p, p->pos, "MissingEndParen"
						    "thesisInMethodCall",
						    "Missing ')' in method "
						    "call.");
						return m;
					}
				}
				if (peek(p) == ')')
					p->pos++;
			}
			n = m;
		} else if (peek(p) == ':' && peek2(p) == ':') {
			int	at = p->pos;

			p->pos += 2;
			start = p->pos;
			while (isalnum((unsigned char)peek(p)) || peek(p) == '_')
				p->pos++;
			m = node(p, N_STATIC, at);
			m->s = arena_strndup(p->ps->a, p->src + start,
			    (size_t)(p->pos - start));
			add(p, m, n);
			n = m;
		} else if (peek(p) == '[' && n->k != N_TYPE) {
			int	at = p->pos;

			p->pos++;
			blank(p, 1);
			idx = parse_expr(p);
			blank(p, 1);
			if (peek(p) != ']') {
				perr(p, p->pos, "MissingEndSquareBracket",
				    "Array index expression is missing or not "
				    "valid.");
				return n;
			}
			p->pos++;
			m = node(p, N_INDEX, at);
			add(p, m, n);
			add(p, m, idx);
			n = m;
		} else
			return n;
	}
}

static struct ps_node *
parse_primary(struct parser *p)
{
	struct ps_node	*n;
	int		 at = p->pos;
	char		 c = peek(p);

	switch (c) {
	case '$':
		if (peek2(p) == '(') {
			p->pos += 2;
			n = parse_statements(p, ')');
			if (peek(p) != ')')
				perr(p, at, "MissingEndParenthesisInSubexpression",
				    "Missing closing ')' in subexpression.");
			else
				p->pos++;
			n->k = N_SUB;
			n->at = at;
			return parse_postfix(p, n);
		}
		return parse_postfix(p, parse_var(p));
	case '\'':
		return parse_postfix(p, parse_sq(p));
	case '"':
		return parse_postfix(p, parse_dq(p));
	case '(':
		p->pos++;
		blank(p, 1);
		n = parse_pipeline(p);
		blank(p, 1);
		if (peek(p) != ')')
			perr(p, p->pos, "MissingEndParenthesisInExpression",
			    "Missing closing ')' in expression.");
		else
			p->pos++;
		{
			struct ps_node	*w = node(p, N_SUB, at);

			add(p, w, n);
			w->len = p->pos - at;
			return parse_postfix(p, w);
		}
	case '@':
		if (peek2(p) == '(') {
			p->pos += 2;
			n = parse_statements(p, ')');
			if (peek(p) != ')')
				perr(p, at, "MissingEndParenthesisInSubexpression",
				    "Missing closing ')' in subexpression.");
			else
				p->pos++;
			n->k = N_ARRSUB;
			n->at = at;
			return parse_postfix(p, n);
		}
		if (peek2(p) == '{')
			return parse_postfix(p, parse_hash(p));
		break;
	case '{':
		return parse_block(p);
	case '[':
		n = parse_type(p);
		if (peek(p) == ':' && peek2(p) == ':')
			return parse_postfix(p, n);
		/* A cast. */
		{
			struct ps_node	*cast = node(p, N_CAST, at);

			cast->s = n->s;
			add(p, cast, parse_unary(p));
			return cast;
		}
	default:
		break;
	}
	if (isdigit((unsigned char)c))
		return parse_postfix(p, parse_number(p));
	if (c == '\0' || c == '\n' || c == ';' || c == ')' || c == '}' ||
	    c == '|')
		perr(p, p->pos, "ExpectedExpression", "You must provide a value "
		    "expression following the '%s' operator.", at > 0 ?
		    "=" : "");
	else
		perr(p, p->pos, "UnexpectedToken", "Unexpected token '%.*s' in "
		    "expression or statement.", (int)strcspn(p->src + p->pos,
		    " \t\r\n;|)}"), p->src + p->pos);
	n = node(p, N_STR, at);
	n->s = "";
	return n;
}

static struct ps_node *
parse_unary(struct parser *p)
{
	struct ps_node	*n;
	int		 at = p->pos;

	blank(p, 0);
	if (at_word(p, "-not") || peek(p) == '!') {
		p->pos += peek(p) == '!' ? 1 : 4;
		blank(p, 0);
		n = node(p, N_NOT, at);
		add(p, n, parse_unary(p));
		return n;
	}
	if (peek(p) == '-' && isdigit((unsigned char)peek2(p))) {
		p->pos++;
		n = node(p, N_NEG, at);
		add(p, n, parse_unary(p));
		return n;
	}
	return parse_primary(p);
}

static struct ps_node *
parse_comma(struct parser *p)
{
	struct ps_node	*first, *n;

	first = parse_unary(p);
	blank(p, 0);
	if (peek(p) != ',')
		return first;
	n = node(p, N_COMMA, first->at);
	add(p, n, first);
	while (peek(p) == ',' && !p->err) {
		p->pos++;
		blank(p, 1);
		add(p, n, parse_unary(p));
		blank(p, 0);
	}
	return n;
}

static const struct {
	const char	*name;
	int		 op;
	int		 level;		/* 1 logical, 2 comparison, 3 add, 4 mul */
} ops[] = {
	{ "-or", OP_OR, 1 }, { "-and", OP_AND, 1 }, { "-xor", OP_XOR, 1 },
	{ "-eq", OP_EQ, 2 }, { "-ieq", OP_EQ, 2 }, { "-ne", OP_NE, 2 },
	{ "-ine", OP_NE, 2 }, { "-gt", OP_GT, 2 }, { "-ge", OP_GE, 2 },
	{ "-lt", OP_LT, 2 }, { "-le", OP_LE, 2 }, { "-like", OP_LIKE, 2 },
	{ "-ilike", OP_LIKE, 2 }, { "-notlike", OP_NOTLIKE, 2 },
	{ "-match", OP_MATCH, 2 }, { "-imatch", OP_MATCH, 2 },
	{ "-notmatch", OP_NOTMATCH, 2 }, { "-contains", OP_CONTAINS, 2 },
	{ "-icontains", OP_CONTAINS, 2 },
	{ "-notcontains", OP_NOTCONTAINS, 2 }, { "-in", OP_IN, 2 },
	{ "-notin", OP_NOTIN, 2 }, { "-split", OP_SPLIT, 2 },
	{ "-isplit", OP_SPLIT, 2 }, { "-join", OP_JOIN, 2 },
};

static int
binop(struct parser *p, int level, int *op, int *len)
{
	size_t	i;
	char	c = peek(p);

	if (level == 3 && (c == '+' || (c == '-' && !isalpha((unsigned
	    char)peek2(p))))) {
		*op = c == '+' ? OP_ADD : OP_SUB;
		*len = 1;
		return 1;
	}
	if (level == 4 && (c == '*' || c == '/' || c == '%')) {
		*op = c == '*' ? OP_MUL : c == '/' ? OP_DIV : OP_MOD;
		*len = 1;
		return 1;
	}
	if (c != '-')
		return 0;
	for (i = 0; i < nitems(ops); i++)
		if (ops[i].level == level && at_word(p, ops[i].name)) {
			*op = ops[i].op;
			*len = (int)strlen(ops[i].name);
			return 1;
		}
	return 0;
}

static struct ps_node *
parse_level(struct parser *p, int level)
{
	struct ps_node	*l, *n;
	int		 op, len;

	l = level == 4 ? parse_comma(p) : parse_level(p, level + 1);
	for (;;) {
		blank(p, 0);
		if (p->err || !binop(p, level, &op, &len))
			return l;
		n = node(p, N_BIN, p->pos);
		n->op = op;
		n->len = len;
		p->pos += len;
		blank(p, 1);
		add(p, n, l);
		add(p, n, level == 4 ? parse_comma(p) : parse_level(p,
		    level + 1));
		l = n;
	}
}

static struct ps_node *
parse_expr(struct parser *p)
{
	return parse_level(p, 1);
}

/* An argument in command mode: an expression when it starts like one,
 * else a bareword (c:\cert.csr, *.example.com, Cert:\LocalMachine\My),
 * with , making an array of them. */
static struct ps_node *
parse_arg(struct parser *p)
{
	struct ps_node	*n, *arr = NULL;
	int		 at, start;
	char		 c;

	for (;;) {
		at = p->pos;
		c = peek(p);
		if (c == '$' || c == '\'' || c == '"' || c == '(' || c == '@' ||
		    c == '{' || c == '[' ||
		    (isdigit((unsigned char)c) && strspn(p->src + p->pos,
		    "0123456789") == strcspn(p->src + p->pos,
		    " \t\r\n;|),}"))) {
			n = parse_primary(p);
			/* Operators work in argument position too when they
			 * follow an expression: ($a -eq 1) is the usual
			 * form, but -contains after a (...) works as well. */
		} else {
			struct buf	b;

			buf_init(&b);
			start = p->pos;
			while ((c = peek(p)) != '\0' && c != ' ' && c != '\t' &&
			    c != '\r' && c != '\n' && c != ';' && c != '|' &&
			    c != ')' && c != '}' && c != ',' && c != '{' &&
			    c != '(') {
				if (c == '`' && peek2(p) != '\0') {
					p->pos++;
					c = peek(p);
				}
				buf_addc(&b, c);
				p->pos++;
			}
			n = node(p, N_BARE, start);
			n->s = arena_strdup(p->ps->a, b.s ? b.s : "");
			n->len = p->pos - start;
			buf_free(&b);
		}
		if (peek(p) != ',') {
			if (arr == NULL)
				return n;
			add(p, arr, n);
			return arr;
		}
		if (arr == NULL)
			arr = node(p, N_COMMA, at);
		add(p, arr, n);
		p->pos++;
		blank(p, 0);
	}
}

static struct ps_node *
parse_command(struct parser *p)
{
	struct ps_node	*n, *a;
	int		 at = p->pos, start;
	char		 c;

	n = node(p, N_CMD, at);
	if (peek(p) == '&' || (peek(p) == '.' && (peek2(p) == ' '))) {
		p->pos++;
		blank(p, 0);
	}
	start = p->pos;
	if (peek(p) == '$') {
		/* & $sb ARGS: what the variable holds is run. */
		n->op = 1;
		p->pos++;
		start = p->pos;
		while (isalnum((unsigned char)peek(p)) || peek(p) == '_' ||
		    peek(p) == ':')
			p->pos++;
		n->s = arena_strndup(p->ps->a, p->src + start,
		    (size_t)(p->pos - start));
	} else if (peek(p) == '\'' || peek(p) == '"') {
		a = peek(p) == '\'' ? parse_sq(p) : parse_dq(p);
		n->s = a->s ? a->s : "";
	} else {
		while ((c = peek(p)) != '\0' && c != ' ' && c != '\t' &&
		    c != '\r' && c != '\n' && c != ';' && c != '|' && c != ')' &&
		    c != '}' && c != '{' && c != '(')
			p->pos++;
		n->s = arena_strndup(p->ps->a, p->src + start,
		    (size_t)(p->pos - start));
	}
	n->len = p->pos - start;
	for (;;) {
		blank(p, 0);
		c = peek(p);
		if (c == '\0' || c == '\n' || c == ';' || c == '|' || c == ')' ||
		    c == '}' || p->err)
			break;
		if (c == '-' && (isalpha((unsigned char)peek2(p)) ||
		    peek2(p) == '_')) {
			a = node(p, N_PARAM, p->pos);
			p->pos++;
			start = p->pos;
			while (isalnum((unsigned char)peek(p)) || peek(p) == '_' ||
			    peek(p) == '-')
				p->pos++;
			a->s = arena_strndup(p->ps->a, p->src + start,
			    (size_t)(p->pos - start));
			a->len = p->pos - a->at;
			if (peek(p) == ':') {
				p->pos++;
				a->colon = 1;
				add(p, a, parse_arg(p));
			}
			add(p, n, a);
			continue;
		}
		if (c == '-' && peek2(p) == '-' && (p->src[p->pos + 2] == ' ' ||
		    p->src[p->pos + 2] == '\0')) {
			p->pos += 2;
			continue;
		}
		add(p, n, parse_arg(p));
	}
	return n;
}

static int
starts_command(struct parser *p)
{
	char	c = peek(p);

	if (c == '&')
		return 1;
	if (isalpha((unsigned char)c) || c == '%' || c == '?' || c == '_')
		return !(at_word(p, "-not"));
	return 0;
}

static struct ps_node *
parse_element(struct parser *p)
{
	blank(p, 0);
	if (starts_command(p))
		return parse_command(p);
	return parse_expr(p);
}

static struct ps_node *
parse_pipeline(struct parser *p)
{
	struct ps_node	*n, *e;

	n = node(p, N_PIPE, p->pos);
	for (;;) {
		e = parse_element(p);
		add(p, n, e);
		blank(p, 0);
		if (p->err || peek(p) != '|')
			break;
		p->pos++;
		blank(p, 1);
		if (peek(p) == '\0' || peek(p) == ';' || peek(p) == '}' ||
		    peek(p) == ')') {
			perr(p, p->pos, "EmptyPipeElement", "An empty pipe "
			    "element is not allowed.");
			break;
		}
	}
	n->len = p->pos - n->at;
	return n;
}

static struct ps_node *
parse_statement(struct parser *p)
{
	struct ps_node	*n, *lhs;
	int		 at = p->pos, save;

	if (at_word(p, "if")) {
		n = node(p, N_IF, at);
		p->pos += 2;
		for (;;) {
			blank(p, 1);
			if (peek(p) != '(') {
				perr(p, p->pos, "MissingOpenParenthesisInIf"
				    "Statement", "Missing '(' after 'if' in if "
				    "statement.");
				return n;
			}
			p->pos++;
			blank(p, 1);
			add(p, n, parse_pipeline(p));
			blank(p, 1);
			if (peek(p) != ')') {
				perr(p, p->pos, "MissingEndParenthesisAfter"
				    "Statement", "Missing closing ')' after "
				    "expression in 'if' statement.");
				return n;
			}
			p->pos++;
			blank(p, 1);
			if (peek(p) != '{') {
				perr(p, p->pos, "MissingStatementBlock",
				    "Missing statement block after if ( "
				    "condition ).");
				return n;
			}
			add(p, n, parse_block(p));
			save = p->pos;
			blank(p, 1);
			if (at_word(p, "elseif")) {
				p->pos += 6;
				continue;
			}
			if (at_word(p, "else")) {
				p->pos += 4;
				blank(p, 1);
				if (peek(p) != '{') {
					perr(p, p->pos, "MissingStatementBlock"
					    "AfterElse", "Missing statement "
					    "block after 'else' keyword.");
					return n;
				}
				add(p, n, parse_block(p));
			} else
				p->pos = save;
			return n;
		}
	}
	if (at_word(p, "foreach") && strchr("( \t", p->src[p->pos + 7]) !=
	    NULL) {
		save = p->pos;
		p->pos += 7;
		blank(p, 0);
		if (peek(p) == '(') {
			n = node(p, N_FOREACH, at);
			p->pos++;
			blank(p, 0);
			if (peek(p) != '$') {
				perr(p, p->pos, "MissingVariableNameAfter"
				    "Foreach", "Missing variable name after "
				    "foreach.");
				return n;
			}
			add(p, n, parse_var(p));
			blank(p, 0);
			if (!at_word(p, "in")) {
				perr(p, p->pos, "MissingInInForeach", "Missing "
				    "'in' after variable in foreach loop.");
				return n;
			}
			p->pos += 2;
			blank(p, 1);
			add(p, n, parse_pipeline(p));
			blank(p, 1);
			if (peek(p) == ')')
				p->pos++;
			blank(p, 1);
			if (peek(p) != '{') {
				perr(p, p->pos, "MissingForeachStatement",
				    "Missing statement body in foreach loop.");
				return n;
			}
			add(p, n, parse_block(p));
			return n;
		}
		p->pos = save;
	}
	if (at_word(p, "exit") || at_word(p, "return")) {
		n = node(p, N_EXIT, at);
		n->n = at_word(p, "exit");
		p->pos += n->n ? 4 : 6;
		blank(p, 0);
		if (peek(p) != '\0' && peek(p) != ';' && peek(p) != '\n' &&
		    peek(p) != '}')
			add(p, n, parse_pipeline(p));
		return n;
	}
	/* An assignment: a variable (and members) then '='. */
	if (peek(p) == '$') {
		save = p->pos;
		lhs = parse_postfix(p, parse_var(p));
		blank(p, 0);
		if (peek(p) == '=' && peek2(p) != '=') {
			p->pos++;
			blank(p, 1);
			n = node(p, N_ASSIGN, at);
			add(p, n, lhs);
			add(p, n, parse_pipeline(p));
			return n;
		}
		p->pos = save;
	}
	return parse_pipeline(p);
}

static struct ps_node *
parse_statements(struct parser *p, char end)
{
	struct ps_node	*n;

	n = node(p, N_LIST, p->pos);
	for (;;) {
		blank(p, 1);
		while (peek(p) == ';') {
			p->pos++;
			blank(p, 1);
		}
		if (peek(p) == '\0' || (end != '\0' && peek(p) == end) ||
		    p->err)
			break;
		if (end == '\0' && (peek(p) == ')' || peek(p) == '}')) {
			perr(p, p->pos, "UnexpectedToken", "Unexpected token "
			    "'%c' in expression or statement.", peek(p));
			break;
		}
		add(p, n, parse_statement(p));
		blank(p, 0);
		if (peek(p) != '\0' && peek(p) != ';' && peek(p) != '\n' &&
		    peek(p) != end && !p->err)
			perr(p, p->pos, "UnexpectedToken", "Unexpected token "
			    "'%.*s' in expression or statement.",
			    (int)strcspn(p->src + p->pos, " \t\r\n;|)}"),
			    p->src + p->pos);
	}
	return n;
}

/* ---- evaluation ---------------------------------------------------------- */

static struct ps_val	*eval(struct ps *, const struct ps_node *);
static struct ps_val	*eval_list(struct ps *, const struct ps_node *, int);
static struct ps_val	*invoke_args(struct ps *, const struct ps_val *,
			    struct ps_val **, size_t);

static struct ps_val *
var_get(struct ps *ps, const char *name)
{
	size_t	i;

	if (ps_ieq(name, "true"))
		return ps_bool(ps, 1);
	if (ps_ieq(name, "false"))
		return ps_bool(ps, 0);
	if (ps_ieq(name, "null"))
		return ps_null(ps);
	if (ps_ieq(name, "?"))
		return ps_bool(ps, !ps->last_failed);
	if (ps_ieq(name, "pwd"))
		return ps_str(ps, ps->cwd);
	if (strncasecmp(name, "env:", 4) == 0) {
		if (ps_ieq(name + 4, "COMPUTERNAME"))
			return ps_str(ps, ps->host.name);
		if (ps_ieq(name + 4, "USERNAME"))
			return ps_str(ps, "Administrator");
		return ps_null(ps);
	}
	for (i = ps->nvars; i-- > 0; )
		if (ps_ieq(ps->vars[i].name, name))
			return ps->vars[i].v;
	return ps_null(ps);
}

static void
var_set(struct ps *ps, const char *name, struct ps_val *v)
{
	size_t	i;

	for (i = ps->nvars; i-- > 0; )
		if (ps_ieq(ps->vars[i].name, name)) {
			ps->vars[i].v = v;
			return;
		}
	ps->vars = xreallocarray(ps->vars, ps->nvars + 1, sizeof(*ps->vars));
	ps->vars[ps->nvars].name = arena_strdup(ps->a, name);
	ps->vars[ps->nvars++].v = v;
}

/* Output stream of a statement: items; a single value is one item, an
 * array its items, $null nothing. */
static void
emit(struct ps *ps, struct ps_val *out, struct ps_val *v)
{
	size_t	i;

	if (v == NULL || v->t == PS_NULL)
		return;
	if (v->t == PS_ARR) {
		for (i = 0; i < v->n; i++)
			ps_push(ps, out, v->a[i]);
	} else
		ps_push(ps, out, v);
}

/* A pipeline's result as an expression value: nothing -> $null, one item
 * -> that item, more -> an array. */
static struct ps_val *
collapse(struct ps *ps, struct ps_val *items)
{
	if (items->n == 0)
		return ps_null(ps);
	if (items->n == 1)
		return items->a[0];
	return items;
}

static int
as_int(const struct ps_val *v, int64_t *out)
{
	char	*end;

	if (v->t == PS_INT || v->t == PS_BOOL) {
		*out = v->i;
		return 0;
	}
	if (v->t == PS_STR && v->s[0] != '\0') {
		*out = strtoll(v->s, &end, 10);
		return *end == '\0' ? 0 : -1;
	}
	return -1;
}

/* -eq between two scalars, as PowerShell converts the right operand to
 * the left one's type; strings compare without case. */
static int
scalar_eq(struct ps *ps, const struct ps_val *l, const struct ps_val *r)
{
	int64_t	a, b;

	if (l->t == PS_NULL || r->t == PS_NULL)
		return l->t == r->t;
	if (is_date(l) && is_date(r))
		return l->o->id == r->o->id;
	if (l->t == PS_BOOL)
		return l->i == (int64_t)ps_truthy(r);
	if (l->t == PS_INT && as_int(r, &b) == 0)
		return l->i == b;
	if (l->t == PS_STR && r->t == PS_INT && as_int(l, &a) == 0)
		return a == r->i;
	return strcasecmp(ps_text(ps, l), ps_text(ps, r)) == 0;
}

static int
scalar_cmp(struct ps *ps, const struct ps_val *l, const struct ps_val *r)
{
	int64_t	a, b;

	if (as_int(l, &a) == 0 && as_int(r, &b) == 0)
		return a < b ? -1 : a > b;
	if (is_date(l) && is_date(r))
		return ps_cmp(ps, l, r);
	return strcasecmp(ps_text(ps, l), ps_text(ps, r));
}

static int
contains(struct ps *ps, const struct ps_val *coll, const struct ps_val *v)
{
	size_t	i;

	if (coll->t != PS_ARR)
		return scalar_eq(ps, coll, v);
	for (i = 0; i < coll->n; i++)
		if (scalar_eq(ps, coll->a[i], v))
			return 1;
	return 0;
}

static int
scalar_test(struct ps *ps, int op, const struct ps_val *l,
    const struct ps_val *r)
{
	switch (op) {
	case OP_EQ:
		return scalar_eq(ps, l, r);
	case OP_NE:
		return !scalar_eq(ps, l, r);
	case OP_GT:
		return scalar_cmp(ps, l, r) > 0;
	case OP_GE:
		return scalar_cmp(ps, l, r) >= 0;
	case OP_LT:
		return scalar_cmp(ps, l, r) < 0;
	case OP_LE:
		return scalar_cmp(ps, l, r) <= 0;
	case OP_LIKE:
		return ps_like(ps_text(ps, l), ps_text(ps, r));
	case OP_NOTLIKE:
		return !ps_like(ps_text(ps, l), ps_text(ps, r));
	case OP_MATCH:
		return ps_match(ps_text(ps, l), ps_text(ps, r));
	case OP_NOTMATCH:
		return !ps_match(ps_text(ps, l), ps_text(ps, r));
	}
	return 0;
}

/* "a, b" -split ', ': the pieces between matches of a regular
 * expression (case-insensitive, as -split is); each string of an array
 * on the left is split in turn. */
static struct ps_val *
split_re(struct ps *ps, const struct ps_node *n, struct ps_val *l,
    struct ps_val *r)
{
	struct ps_val	*out = ps_arr(ps);
	regex_t		 re;
	regmatch_t	 m;
	const char	*s;
	size_t		 i, k;
	int		 eflags;

	if (regcomp(&re, ps_text(ps, r), REG_EXTENDED | REG_ICASE) != 0) {
		err_at = n->at;
		err_len = n->len;
		ps_error(ps, NULL, "OperationStopped: (:) [], "
		    "ArgumentException", "System.ArgumentException",
		    "parsing \"%s\" - Unrecognized escape sequence or "
		    "unbalanced parentheses.", ps_text(ps, r));
		return ps_null(ps);
	}
	for (i = 0; i < (l->t == PS_ARR ? l->n : 1); i++) {
		s = ps_text(ps, l->t == PS_ARR ? l->a[i] : l);
		eflags = 0;
		for (k = 0; k < 4096; k++) {
			if (regexec(&re, s, 1, &m, eflags) != 0 ||
			    m.rm_eo == 0) {
				break;
			}
			ps_push(ps, out, ps_str(ps, arena_strndup(ps->a, s,
			    (size_t)m.rm_so)));
			s += m.rm_eo;
			eflags = REG_NOTBOL;
		}
		ps_push(ps, out, ps_str(ps, s));
	}
	regfree(&re);
	return out;
}

static struct ps_val *
binary(struct ps *ps, const struct ps_node *n)
{
	struct ps_val	*l, *r, *out;
	int64_t		 a, b;
	size_t		 i;

	if (n->op == OP_AND || n->op == OP_OR) {
		l = eval(ps, n->c[0]);
		if (n->op == OP_AND && !ps_truthy(l))
			return ps_bool(ps, 0);
		if (n->op == OP_OR && ps_truthy(l))
			return ps_bool(ps, 1);
		return ps_bool(ps, ps_truthy(eval(ps, n->c[1])));
	}
	l = eval(ps, n->c[0]);
	r = eval(ps, n->c[1]);
	switch (n->op) {
	case OP_SPLIT:
		return split_re(ps, n, l, r);
	case OP_JOIN: {
		struct buf	 jb;
		const char	*sep = ps_text(ps, r), *js;

		if (l->t != PS_ARR)
			return ps_str(ps, ps_text(ps, l));
		buf_init(&jb);
		for (i = 0; i < l->n; i++)
			buf_printf(&jb, "%s%s", i ? sep : "", ps_text(ps,
			    l->a[i]));
		js = arena_strdup(ps->a, jb.s ? jb.s : "");
		buf_free(&jb);
		return ps_str(ps, js);
	}
	case OP_XOR:
		return ps_bool(ps, ps_truthy(l) != ps_truthy(r));
	case OP_CONTAINS:
		return ps_bool(ps, contains(ps, l, r));
	case OP_NOTCONTAINS:
		return ps_bool(ps, !contains(ps, l, r));
	case OP_IN:
		return ps_bool(ps, contains(ps, r, l));
	case OP_NOTIN:
		return ps_bool(ps, !contains(ps, r, l));
	case OP_ADD:
		if (l->t == PS_ARR) {
			out = ps_arr(ps);
			for (i = 0; i < l->n; i++)
				ps_push(ps, out, l->a[i]);
			emit(ps, out, r);
			return out;
		}
		if (l->t == PS_NULL)
			return r;
		if (l->t == PS_INT && as_int(r, &b) == 0)
			return ps_int(ps, l->i + b);
		return ps_strf(ps, "%s%s", ps_text(ps, l), ps_text(ps, r));
	case OP_SUB:
	case OP_MUL:
	case OP_DIV:
	case OP_MOD:
		if (as_int(l, &a) != 0 || as_int(r, &b) != 0) {
			err_at = n->at;
			err_len = n->len;
			ps_error(ps, NULL, "InvalidOperation: (:) [], "
			    "RuntimeException", "MethodNotFound", "Method "
			    "invocation failed because [%s] does not contain a "
			    "method named 'op_Subtraction'.", l->t == PS_STR ?
			    "System.String" : "System.Object");
			return ps_null(ps);
		}
		if ((n->op == OP_DIV || n->op == OP_MOD) && b == 0) {
			err_at = n->at;
			err_len = n->len;
			ps_error(ps, NULL, "NotSpecified: (:) [], "
			    "RuntimeException", "RuntimeException",
			    "Attempted to divide by zero.");
			return ps_null(ps);
		}
		return ps_int(ps, n->op == OP_SUB ? a - b : n->op == OP_MUL ?
		    a * b : n->op == OP_DIV ? a / b : a % b);
	default:
		break;
	}
	/* Comparison: with an array on the left, the matching elements. */
	if (l->t == PS_ARR) {
		out = ps_arr(ps);
		for (i = 0; i < l->n; i++)
			if (scalar_test(ps, n->op, l->a[i], r))
				ps_push(ps, out, l->a[i]);
		return out;
	}
	return ps_bool(ps, scalar_test(ps, n->op, l, r));
}

struct ps_val *
ps_member(struct ps *ps, struct ps_val *v, const char *name)
{
	struct ps_val	*r, *out;
	size_t		 i;

	if (v == NULL)
		return NULL;
	switch (v->t) {
	case PS_STR:
		if (ps_ieq(name, "Length"))
			return ps_int(ps, (int64_t)strlen(v->s));
		return NULL;
	case PS_ARR:
		if (ps_ieq(name, "Count") || ps_ieq(name, "Length"))
			return ps_int(ps, (int64_t)v->n);
		/* Member enumeration: the property of each element. */
		out = ps_arr(ps);
		for (i = 0; i < v->n; i++)
			if ((r = ps_member(ps, v->a[i], name)) != NULL)
				emit(ps, out, r);
		return out->n == 0 ? NULL : collapse(ps, out);
	case PS_HASH:
		if (ps_ieq(name, "Count"))
			return ps_int(ps, (int64_t)v->n);
		if (ps_ieq(name, "Keys")) {
			out = ps_arr(ps);
			for (i = 0; i < v->n; i++)
				ps_push(ps, out, ps_str(ps, v->k[i]));
			return out;
		}
		return hash_get(v, name);
	case PS_OBJ:
		return ps_get(v->o, name);
	case PS_NULL:
		return NULL;
	default:
		if (ps_ieq(name, "Count"))
			return ps_int(ps, 1);
		return NULL;
	}
}

/* X509Chain.Build(cert): whether the chain reaches a trusted root of the
 * host's Trusted Root store (revocation is not looked at, as the checks
 * set RevocationMode NoCheck). */
#include "labpki.h"

static struct ps_val *
method(struct ps *ps, const struct ps_node *n, struct ps_val *self,
    struct ps_val **args, size_t na)
{
	const char	*m = n->s, *s;
	const char	*a0 = na > 0 ? ps_text(ps, args[0]) : "";

	err_at = n->at;
	err_len = n->len;
	if (is_date(self)) {
		if (ps_ieq(m, "ToString"))
			return ps_str(ps, ps_date_format(ps, (time_t)self->o->id,
			    na > 0 ? a0 : NULL));
		if (ps_ieq(m, "ToUniversalTime") || ps_ieq(m, "ToLocalTime"))
			return self;
		if ((ps_ieq(m, "AddDays") || ps_ieq(m, "AddHours")) &&
		    na == 1) {
			int64_t	k = 0;

			as_int(args[0], &k);
			return ps_date(ps, (time_t)(self->o->id + k *
			    (ps_ieq(m, "AddDays") ? 86400 : 3600)));
		}
	}
	if (self->t == PS_OBJ && self->o->kind == PK_REGKEY) {
		const char	*name = self->o->tostr;

		if (ps_ieq(m, "OpenSubKey") && na >= 1) {
			struct ps_val	*k = ps_regkey(ps, ps_fmt(ps, "%s\\%s",
			    name, a0));

			return k != NULL ? k : ps_null(ps);
		}
		if (ps_ieq(m, "GetValue") && na >= 1) {
			struct ps_val	*v = ps_get(self->o, a0);

			return v != NULL ? v : na > 1 ? args[1] : ps_null(ps);
		}
		if (ps_ieq(m, "GetValueNames")) {
			struct ps_val	*out = ps_arr(ps);
			size_t		 i;

			for (i = 0; i < self->o->n; i++)
				ps_push(ps, out, ps_str(ps, self->o->p[i].name));
			return out;
		}
		if (ps_ieq(m, "Close") || ps_ieq(m, "Dispose"))
			return ps_null(ps);
	}
	if (ps_ieq(m, "ToString"))
		return ps_str(ps, ps_text(ps, self));
	if (ps_ieq(m, "GetType"))
		return ps_str(ps, self->t == PS_STR ? "System.String" :
		    self->t == PS_OBJ ? self->o->type : "System.Object");
	if (self->t == PS_STR) {
		s = self->s;
		if (ps_ieq(m, "Contains") && na == 1)
			return ps_bool(ps, strstr(s, a0) != NULL);
		if (ps_ieq(m, "StartsWith") && na >= 1)
			return ps_bool(ps, strncmp(s, a0, strlen(a0)) == 0);
		if (ps_ieq(m, "EndsWith") && na >= 1)
			return ps_bool(ps, strlen(s) >= strlen(a0) &&
			    strcmp(s + strlen(s) - strlen(a0), a0) == 0);
		if (ps_ieq(m, "ToLower") || ps_ieq(m, "ToUpper") ||
		    ps_ieq(m, "ToLowerInvariant") ||
		    ps_ieq(m, "ToUpperInvariant")) {
			char	*c = arena_strdup(ps->a, s), *q;
			int	 up = strncasecmp(m, "ToUpper", 7) == 0;

			for (q = c; *q != '\0'; q++)
				*q = (char)(up ? toupper((unsigned char)*q) :
				    tolower((unsigned char)*q));
			return ps_str(ps, c);
		}
		if (ps_ieq(m, "Trim")) {
			while (isspace((unsigned char)*s))
				s++;
			{
				size_t	l = strlen(s);

				while (l > 0 && isspace((unsigned char)s[l - 1]))
					l--;
				return ps_str(ps, arena_strndup(ps->a, s, l));
			}
		}
		if (ps_ieq(m, "Replace") && na == 2) {
			struct buf	 b;
			const char	*a1 = ps_text(ps, args[1]), *q;
			size_t		 l0 = strlen(a0);

			if (l0 == 0)
				return self;
			buf_init(&b);
			while ((q = strstr(s, a0)) != NULL) {
				buf_add(&b, s, (size_t)(q - s));
				buf_adds(&b, a1);
				s = q + l0;
			}
			buf_adds(&b, s);
			{
				struct ps_val *r = ps_str(ps, b.s ? b.s : "");

				buf_free(&b);
				return r;
			}
		}
		if (ps_ieq(m, "Split") && na >= 1) {
			struct ps_val	*out = ps_arr(ps);
			const char	*q;

			while (a0[0] != '\0' && (q = strpbrk(s, a0)) != NULL) {
				ps_push(ps, out, ps_str(ps, arena_strndup(ps->a,
				    s, (size_t)(q - s))));
				s = q + 1;
			}
			ps_push(ps, out, ps_str(ps, s));
			return out;
		}
		if (ps_ieq(m, "IndexOf") && na >= 1) {
			const char	*q = strstr(s, a0);

			return ps_int(ps, q ? (int64_t)(q - s) : -1);
		}
		if (ps_ieq(m, "Substring") && na >= 1) {
			int64_t	i = 0, l = -1;

			as_int(args[0], &i);
			if (na > 1)
				as_int(args[1], &l);
			if (i < 0 || (size_t)i > strlen(s)) {
				ps_error(ps, NULL, "NotSpecified: (:) [], "
				    "MethodInvocationException",
				    "ArgumentOutOfRangeException", "Exception "
				    "calling \"Substring\" with \"%zu\" "
				    "argument(s): \"startIndex cannot be larger "
				    "than length of string.\"", na);
				return ps_null(ps);
			}
			s += i;
			return ps_str(ps, l < 0 ? s : arena_strndup(ps->a, s,
			    (size_t)l));
		}
		if (ps_ieq(m, "Equals") && na == 1)
			return ps_bool(ps, strcmp(s, a0) == 0);
	}
	if (self->t == PS_ARR && ps_ieq(m, "Contains") && na == 1)
		return ps_bool(ps, contains(ps, self, args[0]));
	if (self->t == PS_HASH && ps_ieq(m, "ContainsKey") && na == 1)
		return ps_bool(ps, hash_get(self, a0) != NULL);
	if (self->t == PS_OBJ && self->o->kind == PK_CHAIN &&
	    ps_ieq(m, "Build") && na == 1) {
		struct ps_val	*c = args[0];

		if (c->t != PS_OBJ || c->o->kind != PK_CERT) {
			ps_error(ps, NULL, "NotSpecified: (:) [], "
			    "MethodException", "MethodArgumentConversion"
			    "InvalidCastArgument", "Cannot convert argument "
			    "\"certificate\", with value: \"%s\", for \"Build\" "
			    "to type \"System.Security.Cryptography."
			    "X509Certificates.X509Certificate2\".", a0);
			return ps_null(ps);
		}
		return ps_bool(ps, lab_cert_trusted(ps->lab, c->o->id,
		    ps->host.name, "Root"));
	}
	if (self->t == PS_NULL) {
		ps_error(ps, NULL, "InvalidOperation: (:) [], "
		    "RuntimeException", "InvokeMethodOnNull", "You cannot call "
		    "a method on a null-valued expression.");
		return ps_null(ps);
	}
	ps_error(ps, NULL, "InvalidOperation: (:) [], RuntimeException",
	    "MethodNotFound", "Method invocation failed because [%s] does not "
	    "contain a method named '%s'.", self->t == PS_STR ?
	    "System.String" : self->t == PS_OBJ ? self->o->type :
	    self->t == PS_ARR ? "System.Object[]" : "System.Object", m);
	return ps_null(ps);
}

static struct ps_val *
cast(struct ps *ps, const char *type, struct ps_val *v)
{
	int64_t	i;

	if (ps_ieq(type, "int") || ps_ieq(type, "int32") ||
	    ps_ieq(type, "int64") || ps_ieq(type, "long")) {
		if (as_int(v, &i) == 0)
			return ps_int(ps, i);
		return ps_int(ps, 0);
	}
	if (ps_ieq(type, "string"))
		return ps_str(ps, ps_text(ps, v));
	if (ps_ieq(type, "bool"))
		return ps_bool(ps, ps_truthy(v));
	if (ps_ieq(type, "array") || ps_ieq(type, "object[]")) {
		struct ps_val	*a = ps_arr(ps);

		emit(ps, a, v);
		return a;
	}
	return v;
}

static void
run_pipeline(struct ps *, const struct ps_node *, struct ps_val *);

static struct ps_val *
eval(struct ps *ps, const struct ps_node *n)
{
	struct ps_val	*v, *out, *self;
	struct ps_val	*args[8];
	size_t		 i;
	int64_t		 idx;

	switch (n->k) {
	case N_STR:
	case N_BARE:
		return ps_str(ps, n->s);
	case N_NUM:
		return ps_int(ps, n->n);
	case N_XSTR: {
		struct buf	b;

		buf_init(&b);
		for (i = 0; i < n->nc; i++) {
			if (n->c[i]->k == N_STR)
				buf_adds(&b, n->c[i]->s);
			else
				buf_adds(&b, ps_text(ps, eval(ps, n->c[i])));
		}
		v = ps_str(ps, b.s ? b.s : "");
		buf_free(&b);
		return v;
	}
	case N_VAR:
		return var_get(ps, n->s);
	case N_MEMBER:
		self = eval(ps, n->c[0]);
		v = ps_member(ps, self, n->s);
		return v != NULL ? v : ps_null(ps);
	case N_CALL:
		self = eval(ps, n->c[0]);
		for (i = 1; i < n->nc && i - 1 < nitems(args); i++)
			args[i - 1] = eval(ps, n->c[i]);
		return method(ps, n, self, args, n->nc - 1);
	case N_STATIC:
		if (n->c[0]->k == N_TYPE && strcasestr(n->c[0]->s,
		    "Environment") != NULL && ps_ieq(n->s, "MachineName"))
			return ps_str(ps, ps->host.name);
		/* [Microsoft.Win32.Registry]::LocalMachine: the hive, for
		 * OpenSubKey (key names with a "/" in them, which registry
		 * paths cannot say). */
		if (n->c[0]->k == N_TYPE && (ps_ieq(n->c[0]->s,
		    "Microsoft.Win32.Registry") || ps_ieq(n->c[0]->s,
		    "Win32.Registry")) && ps_ieq(n->s, "LocalMachine") &&
		    (v = ps_regkey(ps, "HKEY_LOCAL_MACHINE")) != NULL)
			return v;
		if (n->c[0]->k == N_TYPE && (ps_ieq(n->c[0]->s, "DateTime") ||
		    ps_ieq(n->c[0]->s, "System.DateTime")) &&
		    (ps_ieq(n->s, "Now") || ps_ieq(n->s, "UtcNow")))
			return ps_date(ps, time(NULL));
		return ps_null(ps);
	case N_INDEX:
		self = eval(ps, n->c[0]);
		v = eval(ps, n->c[1]);
		if (self->t == PS_HASH)
			return (v = hash_get(self, ps_text(ps, v))) ? v :
			    ps_null(ps);
		if (as_int(v, &idx) != 0)
			return ps_null(ps);
		if (self->t == PS_ARR) {
			if (idx < 0)
				idx += (int64_t)self->n;
			return idx >= 0 && (size_t)idx < self->n ?
			    self->a[idx] : ps_null(ps);
		}
		if (self->t == PS_STR) {
			if (idx < 0 || (size_t)idx >= strlen(self->s))
				return ps_null(ps);
			return ps_str(ps, arena_strndup(ps->a, self->s + idx,
			    1));
		}
		return idx == 0 ? self : ps_null(ps);
	case N_BIN:
		return binary(ps, n);
	case N_NOT:
		return ps_bool(ps, !ps_truthy(eval(ps, n->c[0])));
	case N_NEG:
		v = eval(ps, n->c[0]);
		return ps_int(ps, as_int(v, &idx) == 0 ? -idx : 0);
	case N_COMMA:
		out = ps_arr(ps);
		for (i = 0; i < n->nc; i++)
			ps_push(ps, out, eval(ps, n->c[i]));
		return out;
	case N_SUB:
		/* ( pipeline ) or $( statements ) */
		if (n->nc == 1 && n->c[0]->k == N_PIPE) {
			out = ps_arr(ps);
			run_pipeline(ps, n->c[0], out);
			return collapse(ps, out);
		}
		return collapse(ps, eval_list(ps, n, 0));
	case N_ARRSUB:
		return eval_list(ps, n, 0);
	case N_HASH:
		v = val(ps, PS_HASH);
		for (i = 0; i + 1 < n->nc; i += 2)
			hash_put(ps, v, ps_text(ps, eval(ps, n->c[i])),
			    eval(ps, n->c[i + 1]));
		return v;
	case N_SB:
		v = val(ps, PS_SB);
		v->sb = n;
		v->sbtext = n->s;
		return v;
	case N_TYPE:
		return ps_str(ps, n->s);
	case N_CAST:
		return cast(ps, n->s, eval(ps, n->c[0]));
	case N_PIPE:
		out = ps_arr(ps);
		run_pipeline(ps, n, out);
		return collapse(ps, out);
	default:
		return ps_null(ps);
	}
}

/* ---- commands ------------------------------------------------------------ */

static int
param_match(const char *want, const char *typed)
{
	return strncasecmp(want, typed, strlen(typed)) == 0;
}

/* Bind a command's arguments to its parameters, as PowerShell does:
 * names by unambiguous prefix, any case; a switch takes no value unless
 * -Name:value; values left over go to the positional parameters. */
static int
bind(struct ps *ps, const struct ps_cmd *cmd, const struct ps_node *n,
    struct ps_args *a)
{
	size_t		 i, k, match, nm;
	const char	*name;
	int		 sw;
	size_t		 npos = 0;

	memset(a, 0, sizeof(*a));
	a->at = n->at;
	a->len = (int)strlen(n->s);
	a->cmdname = n->s;
	for (i = 0; i < n->nc; i++) {
		const struct ps_node	*c = n->c[i];

		a->names = xreallocarray(a->names, a->n + 1, sizeof(*a->names));
		a->vals = xreallocarray(a->vals, a->n + 1, sizeof(*a->vals));
		a->pos = xreallocarray(a->pos, a->n + 1, sizeof(*a->pos));
		if (c->k != N_PARAM) {
			if (cmd->positional == NULL ||
			    cmd->positional[npos] == NULL) {
				err_at = c->at;
				err_len = c->len > 0 ? c->len : 1;
				ps_error(ps, cmd->name, ps_fmt(ps, "InvalidArgument: (:) [%s"
				    "], ParameterBindingException", cmd->name), ps_fmt(ps,
				    "PositionalParameterNotFound,%s",
				    cmd->name), "A "
				    "positional parameter cannot be found that "
				    "accepts argument '%s'.", ps_text(ps, eval(ps, c)));
				return -1;
			}
			a->names[a->n] = cmd->positional[npos++];
			a->vals[a->n] = eval(ps, c);
			a->pos[a->n++] = c->at;
			continue;
		}
		/* -Name */
		match = (size_t)-1;
		nm = 0;
		for (k = 0; cmd->params != NULL && cmd->params[k] != NULL;
		    k++) {
			name = cmd->params[k] + (cmd->params[k][0] == '!');
			if (ps_ieq(name, c->s)) {
				match = k;
				nm = 1;
				break;
			}
			if (param_match(name, c->s)) {
				match = k;
				nm++;
			}
		}
		/* The common parameters every cmdlet has (about_CommonParameters):
		 * taken and, here, ignored. */
		if (nm == 0) {
			static const char *const cv[] = { "ErrorAction",
			    "WarningAction", "ErrorVariable", "WarningVariable",
			    "OutVariable", "OutBuffer", "InformationAction",
			    "InformationVariable", "PipelineVariable", NULL };
			static const char *const ca[] = { "ea", "wa", "ev", "wv",
			    "ov", "ob", "infa", "iv", "pv", NULL };
			static const char *const cs[] = { "Verbose", "Debug",
			    "vb", "db", NULL };
			int	isval = 0, issw = 0;

			for (k = 0; cv[k] != NULL; k++)
				if (param_match(cv[k], c->s) ||
				    ps_ieq(ca[k], c->s))
					isval = 1;
			for (k = 0; cs[k] != NULL; k++)
				if (param_match(cs[k], c->s))
					issw = 1;
			if (isval) {
				if (!c->colon && i + 1 < n->nc &&
				    n->c[i + 1]->k != N_PARAM)
					i++;
				continue;
			}
			if (issw)
				continue;
		}
		if (nm != 1) {
			err_at = c->at;
			err_len = c->len;
			if (nm == 0)
				ps_error(ps, cmd->name, ps_fmt(ps, "InvalidArgument: (:) "
				    "[%s], ParameterBindingException", cmd->name), ps_fmt(ps,
				    "NamedParameterNotFound,%s", cmd->name), "A parameter "
				    "cannot be found that matches parameter "
				    "name '%s'.", c->s);
			else {
				/* "Possible matches include: -Filter -Force."
				 * (PowerShell's ParameterBinderStrings). */
				struct buf	pm;

				buf_init(&pm);
				for (k = 0; cmd->params[k] != NULL; k++) {
					name = cmd->params[k] +
					    (cmd->params[k][0] == '!');
					if (param_match(name, c->s))
						buf_printf(&pm, " -%s", name);
				}
				ps_error(ps, cmd->name, ps_fmt(ps, "InvalidArgument: (:) "
				    "[%s], ParameterBindingException", cmd->name), ps_fmt(ps,
				    "AmbiguousParameter,%s", cmd->name), "Parameter cannot "
				    "be processed because the parameter name "
				    "'%s' is ambiguous. Possible matches include:%s.",
				    c->s, pm.s != NULL ? pm.s : "");
				buf_free(&pm);
			}
			return -1;
		}
		sw = cmd->params[match][0] == '!';
		a->names[a->n] = cmd->params[match] + sw;
		a->pos[a->n] = c->at;
		if (c->colon)
			a->vals[a->n] = eval(ps, c->c[0]);
		else if (sw)
			a->vals[a->n] = NULL;
		else if (i + 1 < n->nc && n->c[i + 1]->k != N_PARAM)
			a->vals[a->n] = eval(ps, n->c[++i]);
		else {
			err_at = c->at;
			err_len = c->len;
			ps_error(ps, cmd->name, ps_fmt(ps, "InvalidArgument: (:) [%s], "
			    "ParameterBindingException", cmd->name), ps_fmt(ps,
			    "MissingArgument,%s",
			    cmd->name), "Missing an argument for "
			    "parameter '%s'. Specify a parameter of type "
			    "'System.String' and try again.", a->names[a->n]);
			return -1;
		}
		a->n++;
	}
	return 0;
}

static void
args_free(struct ps_args *a)
{
	free(a->names);
	free(a->vals);
	free(a->pos);
}

struct ps_val *
ps_arg(struct ps_args *a, const char *name, int *given)
{
	size_t	i;

	if (given != NULL)
		*given = 0;
	for (i = 0; i < a->n; i++)
		if (ps_ieq(a->names[i], name)) {
			if (given != NULL)
				*given = 1;
			return a->vals[i];
		}
	return NULL;
}

int
ps_switch(struct ps_args *a, const char *name)
{
	int		 given;
	struct ps_val	*v = ps_arg(a, name, &given);

	return given && (v == NULL || ps_truthy(v));
}

/* A command of one pipeline element. */
/* -ErrorAction SilentlyContinue (or Ignore, or 0): the command's errors
 * set $? and are not shown. */
static int
error_action_silent(struct ps *ps, const struct ps_node *n)
{
	size_t		 i;
	const char	*v;

	for (i = 0; i < n->nc; i++) {
		const struct ps_node	*c = n->c[i];

		if (c->k != N_PARAM || !(ps_ieq(c->s, "ea") ||
		    (strlen(c->s) >= 6 && strncasecmp(c->s, "ErrorAction",
		    strlen(c->s)) == 0)))
			continue;
		if (c->colon && c->nc > 0)
			v = ps_text(ps, eval(ps, c->c[0]));
		else if (i + 1 < n->nc && n->c[i + 1]->k != N_PARAM)
			v = ps_text(ps, eval(ps, n->c[i + 1]));
		else
			return 0;
		return ps_ieq(v, "SilentlyContinue") || ps_ieq(v, "Ignore") ||
		    strcmp(v, "0") == 0;
	}
	return 0;
}

static struct ps_val *
run_command(struct ps *ps, const struct ps_node *n, struct ps_val *input)
{
	const struct ps_cmd	*cmd;
	struct ps_args		 a;
	struct ps_val		*out;
	size_t			 i;
	int			 silent;

	if (n->op == 1) {
		/* & $var ARGS */
		struct ps_val	*v = var_get(ps, n->s), *args[16];
		size_t		 na = 0;

		if (v->t == PS_SB) {
			for (i = 0; i < n->nc && na < nitems(args); i++)
				if (n->c[i]->k != N_PARAM)
					args[na++] = eval(ps, n->c[i]);
			return invoke_args(ps, v, args, na);
		}
		if (v->t != PS_STR) {
			err_at = n->at;
			err_len = (int)strlen(n->s) + 1;
			ps_error(ps, NULL, "InvalidOperation: (:) [], "
			    "RuntimeException", "BadExpression", "The "
			    "expression after '&' in a pipeline element "
			    "produced an object that was not valid. It must "
			    "result in a command name, a script block, or a "
			    "CommandInfo object.");
			return NULL;
		}
		cmd = ps_cmd_find(v->s);
	} else
		cmd = ps_cmd_find(n->s);
	if (cmd != NULL && cmd->module != NULL) {
		/* A module's cmdlet exists once the module is loaded. */
		for (i = 0; i < ps->nmodules; i++)
			if (ps_ieq(ps->modules[i], cmd->module))
				break;
		if (i == ps->nmodules)
			cmd = NULL;
	}
	if (cmd == NULL) {
		err_at = n->at;
		err_len = (int)strlen(n->s);
		ps_error(ps, n->s, ps_fmt(ps, "ObjectNotFound: (%s:String) [], "
		    "CommandNotFoundException", n->s), "CommandNotFoundException",
		    "The term '%s' is not recognized as the name of a cmdlet, "
		    "function, script file, or operable program. Check the "
		    "spelling of the name, or if a path was included, verify "
		    "that the path is correct and try again.", n->s);
		return NULL;
	}
	if (bind(ps, cmd, n, &a) != 0) {
		args_free(&a);
		return NULL;
	}
	err_at = n->at;
	err_len = (int)strlen(n->s);
	silent = error_action_silent(ps, n);
	ps->silent += silent;
	out = cmd->fn(ps, &a, input);
	ps->silent -= silent;
	args_free(&a);
	return out;
}

/* Run a pipeline; its output items go to out. */
static void
run_pipeline(struct ps *ps, const struct ps_node *n, struct ps_val *out)
{
	struct ps_val	*items = NULL, *r;
	size_t		 i;

	for (i = 0; i < n->nc; i++) {
		const struct ps_node	*e = n->c[i];

		if (e->k == N_CMD) {
			r = run_command(ps, e, items);
			if (r == NULL) {
				/* The command failed: the pipeline stops. */
				return;
			}
		} else {
			if (i > 0) {
				err_at = e->at;
				err_len = 1;
				ps_error(ps, NULL, "ParserError: (:) [], "
				    "ParentContainsErrorRecordException",
				    "ExpressionsMustBeFirstInPipeline",
				    "Expressions are only allowed as the first "
				    "element of a pipeline.");
				return;
			}
			r = ps_arr(ps);
			emit(ps, r, eval(ps, e));
		}
		items = r;
		if (ps->exiting)
			return;
	}
	if (items != NULL)
		for (i = 0; i < items->n; i++)
			ps_push(ps, out, items->a[i]);
}

/* A script block run with arguments: its param() names bound in order
 * (a default when an argument is missing), the rest in $args; the old
 * values come back afterwards. */
static struct ps_val *
invoke_args(struct ps *ps, const struct ps_val *sb, struct ps_val **args,
    size_t na)
{
	const struct ps_node	*pb = NULL;
	struct ps_val		*old[16], *oldargs = var_get(ps, "args");
	struct ps_val		*rest = ps_arr(ps), *out;
	size_t			 i, np = 0;

	if (sb->sb->nc > 0 && sb->sb->c[0]->k == N_PBLOCK)
		pb = sb->sb->c[0];
	if (pb != NULL)
		np = pb->nc < nitems(old) ? pb->nc : nitems(old);
	for (i = 0; i < np; i++) {
		old[i] = var_get(ps, pb->c[i]->s);
		var_set(ps, pb->c[i]->s, i < na ? args[i] : pb->c[i]->nc > 0 ?
		    eval(ps, pb->c[i]->c[0]) : ps_null(ps));
	}
	for (i = np; i < na; i++)
		ps_push(ps, rest, args[i]);
	var_set(ps, "args", rest);
	out = eval_list(ps, sb->sb, 0);
	for (i = 0; i < np; i++)
		var_set(ps, pb->c[i]->s, old[i]);
	var_set(ps, "args", oldargs);
	return out;
}

struct ps_val *
ps_invoke(struct ps *ps, const struct ps_val *sb, struct ps_val *item)
{
	struct ps_val	*old = var_get(ps, "_"), *out;

	if (sb == NULL || sb->t != PS_SB)
		return ps_null(ps);
	var_set(ps, "_", item != NULL ? item : ps_null(ps));
	var_set(ps, "PSItem", item != NULL ? item : ps_null(ps));
	out = eval_list(ps, sb->sb, 0);
	var_set(ps, "_", old);
	var_set(ps, "PSItem", old);
	return out;
}

static void
assign(struct ps *ps, const struct ps_node *lhs, struct ps_val *v)
{
	struct ps_val	*self;

	if (lhs->k == N_VAR) {
		var_set(ps, lhs->s, v);
		return;
	}
	if (lhs->k == N_MEMBER) {
		self = eval(ps, lhs->c[0]);
		if (self->t == PS_OBJ) {
			ps_set(ps, self->o, lhs->s, v);
			return;
		}
		if (self->t == PS_HASH) {
			hash_put(ps, self, lhs->s, v);
			return;
		}
		err_at = lhs->at;
		err_len = lhs->len;
		ps_error(ps, NULL, "InvalidOperation: (:) [], RuntimeException",
		    "PropertyNotFound", "The property '%s' cannot be found on "
		    "this object. Verify that the property exists and can be "
		    "set.", lhs->s);
		return;
	}
	err_at = lhs->at;
	err_len = 1;
	ps_error(ps, NULL, "ParserError: (:) [], "
	    "ParentContainsErrorRecordException", "InvalidLeftHandSide", "The "
	    "assignment expression is not valid. The input to an assignment "
	    "operator must be an object that is able to accept assignments, "
	    "such as a variable or a property.");
}

/* Evaluate statements; their output as items. top: print each
 * statement's output as it comes (the console), with errors between. */
static struct ps_val *
eval_list(struct ps *ps, const struct ps_node *n, int top)
{
	struct ps_val	*out = ps_arr(ps), *v, *stmt;
	size_t		 i, k;

	for (i = 0; i < n->nc && !ps->exiting; i++) {
		const struct ps_node	*s = n->c[i];

		stmt = top ? ps_arr(ps) : out;
		ps->failed = 0;
		switch (s->k) {
		case N_ASSIGN:
			v = ps_arr(ps);
			run_pipeline(ps, s->c[1], v);
			assign(ps, s->c[0], collapse(ps, v));
			break;
		case N_IF:
			for (k = 0; k + 1 < s->nc; k += 2) {
				v = ps_arr(ps);
				run_pipeline(ps, s->c[k], v);
				if (ps_truthy(collapse(ps, v))) {
					emit(ps, stmt, eval_list(ps, s->c[k + 1],
					    0));
					break;
				}
			}
			if (k + 1 == s->nc)
				emit(ps, stmt, eval_list(ps, s->c[k], 0));
			break;
		case N_FOREACH:
			v = ps_arr(ps);
			run_pipeline(ps, s->c[1], v);
			for (k = 0; k < v->n && !ps->exiting; k++) {
				var_set(ps, s->c[0]->s, v->a[k]);
				emit(ps, stmt, eval_list(ps, s->c[2], 0));
			}
			break;
		case N_EXIT:
			if (s->nc > 0) {
				v = ps_arr(ps);
				run_pipeline(ps, s->c[0], v);
				if (s->n) {
					int64_t	code = 0;

					as_int(collapse(ps, v), &code);
					ps->exit_code = (int)code;
				} else
					emit(ps, stmt, v);
			}
			if (s->n)
				ps->exiting = 1;
			break;
		case N_PBLOCK:
			break;
		default:
			run_pipeline(ps, s, stmt);
			break;
		}
		if (top) {
			ps_out_default(ps, stmt);
			if (!ps->interactive)
				ps_flush_errors(ps);
		}
		ps->last_failed = ps->failed;
	}
	return out;
}

int
ps_run(struct ps *ps, const char *script)
{
	struct parser	 p;
	struct ps_node	*n;

	memset(&p, 0, sizeof(p));
	p.ps = ps;
	p.src = script;
	ps->script = script;
	n = parse_statements(&p, '\0');
	if (p.err) {
		/* A parse error: nothing of the script runs. */
		err_at = p.errat;
		err_len = 1;
		err_parse = 1;
		ps_error(ps, NULL, "ParserError: (:) [], "
		    "ParentContainsErrorRecordException", p.errid, "%s",
		    p.errmsg);
		err_parse = 0;
		ps_flush_errors(ps);
		return 1;
	}
	ps->failed = 0;
	eval_list(ps, n, 1);
	ps_flush_errors(ps);
	fflush(ps->out);
	return ps->failed;
}
