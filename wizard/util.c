/* util.c: memory, strings and diagnostics. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "clean.h"
#include "util.h"

static void (*fatal_cleanup)(void);

void
fatal_set_cleanup(void (*fn)(void))
{
	fatal_cleanup = fn;
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	if (fatal_cleanup != NULL)
		fatal_cleanup();
	fputs("fedwiz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);		/* environment (exit codes: doc/design.md) */
}

void *
xmalloc(size_t n)
{
	void	*p;

	if (n == 0)
		n = 1;
	if ((p = malloc(n)) == NULL)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if (n == 0 || sz == 0)
		n = sz = 1;
	if ((p = calloc(n, sz)) == NULL)
		fatal("out of memory (%zu x %zu bytes)", n, sz);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	void	*q;

	if (sz != 0 && n > SIZE_MAX / sz)
		fatal("allocation overflow (%zu x %zu)", n, sz);
	if ((q = realloc(p, n * sz == 0 ? 1 : n * sz)) == NULL)
		fatal("out of memory (%zu x %zu bytes)", n, sz);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("out of memory formatting a message");
	va_end(ap);
	return s;
}

void
wipe(void *p, size_t n)
{
	if (p == NULL)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
#endif
}

/* Arena. */

#define ARENA_BLOCK	(64 * 1024)

struct ablock {
	struct ablock	*next;
	size_t		 used;
	size_t		 size;
	/* data follows, max_align_t aligned */
	max_align_t	 data[];
};

struct arena {
	struct ablock	*head;
	size_t		 total;
};

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct ablock	*b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* n bytes aligned to align (a power of two): strings take 1, so that a
 * large runbook's hundreds of thousands of them are not each padded. */
static void *
arena_take(struct arena *a, size_t n, size_t align)
{
	struct ablock	*b;
	size_t		 size, at;

	b = a->head;
	at = b != NULL ? (b->used + align - 1) & ~(align - 1) : 0;
	if (b == NULL || at > b->size || b->size - at < n) {
		size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
		b = xmalloc(sizeof(*b) + size);
		b->used = 0;
		b->size = size;
		/* A big allocation goes behind the current block so the
		 * current one keeps filling. */
		if (size == n && a->head != NULL) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		a->total += sizeof(*b) + size;
		at = 0;
	}
	b->used = at + n;
	return (char *)b->data + at;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	size_t	align = sizeof(max_align_t);

	return arena_take(a, (n + align - 1) & ~(align - 1), align);
}

void *
arena_calloc(struct arena *a, size_t n, size_t sz)
{
	void	*p;

	if (sz != 0 && n > SIZE_MAX / sz)
		fatal("allocation overflow (%zu x %zu)", n, sz);
	p = arena_alloc(a, n * sz);
	memset(p, 0, n * sz);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;

	p = arena_take(a, n + 1, 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

size_t
arena_size(const struct arena *a)
{
	return a->total;
}

void
arena_reset(struct arena *a)
{
	struct ablock	*b, *next, *keep = NULL;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (keep == NULL && b->size == ARENA_BLOCK)
			keep = b;
		else
			free(b);
	}
	a->head = keep;
	a->total = 0;
	if (keep != NULL) {
		keep->next = NULL;
		keep->used = 0;
		a->total = sizeof(*keep) + keep->size;
	}
}

/* Growable string. */

void
buf_init(struct buf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->s);
	buf_init(b);
}

static void
buf_grow(struct buf *b, size_t more)
{
	size_t	need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->s = xreallocarray(b->s, b->cap, 1);
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("bad format string");
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
buf_steal(struct buf *b)
{
	char	*s;

	if (b->s == NULL)
		return xstrdup("");
	s = b->s;
	buf_init(b);
	return s;
}

/* Diagnostics. */

void
diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
}

void
diags_free(struct diags *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	diags_init(d);
}

void
diags_vadd(struct diags *d, const char *file, int line, int col,
    const char *fmt, va_list ap)
{
	struct diag	*g;
	size_t		 max = d->max ? d->max : 100;
	char		*msg, *raw;

	if (d->n >= max) {
		d->dropped++;
		return;
	}
	if (vasprintf(&raw, fmt, ap) == -1)
		fatal("out of memory formatting a message");
	/* A message quotes what it is about (a value, a key, a host name,
	 * a file name): all of it from outside, so all of it cleaned, on
	 * one line, whoever prints it. */
	msg = clean_line(raw);
	free(raw);
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	g = &d->v[d->n++];
	g->file = clean_line(file != NULL ? file : "fedwiz");
	g->line = line;
	g->col = col;
	g->msg = msg;
}

void
diags_add(struct diags *d, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	diags_vadd(d, file, line, col, fmt, ap);
	va_end(ap);
}

void
diags_splice(struct diags *to, struct diags *from)
{
	size_t	max = to->max ? to->max : 100, i;

	for (i = 0; i < from->n; i++) {
		if (to->n >= max) {
			to->dropped++;
			free(from->v[i].file);
			free(from->v[i].msg);
			continue;
		}
		if (to->n == to->cap) {
			to->cap = to->cap ? to->cap * 2 : 8;
			to->v = xreallocarray(to->v, to->cap, sizeof(*to->v));
		}
		to->v[to->n++] = from->v[i];
	}
	to->dropped += from->dropped;
	free(from->v);
	from->v = NULL;
	from->n = from->cap = from->dropped = 0;
}

void
diags_print(const struct diags *d, FILE *fp)
{
	const struct diag	*g;
	size_t			 i;

	for (i = 0; i < d->n; i++) {
		g = &d->v[i];
		if (g->line > 0)
			fprintf(fp, "%s:%d:%d: %s\n", g->file, g->line, g->col,
			    g->msg);
		else
			fprintf(fp, "%s: %s\n", g->file, g->msg);
	}
	if (d->dropped > 0)
		fprintf(fp, "%s: %zu more errors not shown\n",
		    d->n > 0 ? d->v[0].file : "fedwiz", d->dropped);
}

/* Optimal string alignment distance: Levenshtein plus adjacent
 * transpositions, the commonest typo ("prot" for "port"). */
size_t
edit_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, best;
	size_t	d[65][65];

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *
join_words(const char *const *words, size_t n, char *buf, size_t len)
{
	size_t	i, used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? ", " : "", words[i]);
	return buf;
}

const char *
closest_word(const char *w, const char *const *words, size_t n)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = (size_t)-1, limit;

	limit = strlen(w) <= 4 ? 1 : 2;
	for (i = 0; i < n; i++) {
		/* A list of names may hold entries that failed to decode. */
		if (words[i] == NULL)
			continue;
		d = edit_distance(w, words[i]);
		if (d <= limit && d < bestd) {
			best = words[i];
			bestd = d;
		}
	}
	return best;
}

int
read_file(const char *path, size_t max, char **out, size_t *outlen)
{
	struct stat	 st;
	struct buf	 b;
	ssize_t		 r;
	int		 fd, error = 0;

	/* O_NONBLOCK: a FIFO with no writer must not hang the open (then
	 * it reads as empty); cleared at once, so a pipe with a writer, as
	 * --answers <(cmd) gives, is read as it comes. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -errno;
	if ((r = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, (int)r & ~O_NONBLOCK);
	if (fstat(fd, &st) == -1) {
		error = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		error = -EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		error = -EFBIG;
		goto out;
	}
	buf_init(&b);
	/* One allocation for a regular file (it may still grow or shrink
	 * while read; the loop copes). */
	/* + 2: room for the NUL and for the read that says end of file,
	 * which would otherwise double the buffer of a 6 MB runbook. */
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		b.cap = (size_t)st.st_size + 2;
		b.s = xmalloc(b.cap);
		b.s[0] = '\0';
	}
	for (;;) {
		if (b.cap - b.len < 2) {
			b.cap = b.cap < 65536 ? 65536 : b.cap * 2;
			b.s = xreallocarray(b.s, b.cap, 1);
		}
		r = read(fd, b.s + b.len, b.cap - b.len - 1);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			error = -errno;
			buf_free(&b);
			goto out;
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
		b.s[b.len] = '\0';
		if (b.len > max) {
			error = -EFBIG;
			buf_free(&b);
			goto out;
		}
	}
	*outlen = b.len;
	*out = buf_steal(&b);
out:
	close(fd);
	return error;
}

/* String map: FNV-1a, linear probing, grows at 1/2 load. */

static size_t
str_hash(const char *s)
{
	size_t	h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	strmap_init(m);
}

static void
strmap_grow(struct strmap *m)
{
	struct strmap	old = *m;
	size_t		i, j;

	m->cap = old.cap ? old.cap * 2 : 16;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	for (i = 0; i < old.cap; i++) {
		if (old.keys[i] == NULL)
			continue;
		j = str_hash(old.keys[i]) & (m->cap - 1);
		while (m->keys[j] != NULL)
			j = (j + 1) & (m->cap - 1);
		m->keys[j] = old.keys[i];
		m->vals[j] = old.vals[i];
	}
	free(old.keys);
	free(old.vals);
}

void
strmap_reserve(struct strmap *m, size_t n)
{
	size_t	want = 16;

	while (want < 2 * (m->n + n))
		want *= 2;
	while (m->cap < want)
		strmap_grow(m);
}

int
strmap_put(struct strmap *m, const char *key, size_t val, size_t *old)
{
	size_t	j;

	if (m->cap == 0 || (m->n + 1) * 2 > m->cap)
		strmap_grow(m);
	j = str_hash(key) & (m->cap - 1);
	while (m->keys[j] != NULL) {
		if (strcmp(m->keys[j], key) == 0) {
			if (old != NULL)
				*old = m->vals[j];
			return 1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = key;
	m->vals[j] = val;
	m->n++;
	return 0;
}

int
strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	size_t	j;

	if (m->cap == 0)
		return 0;
	j = str_hash(key) & (m->cap - 1);
	while (m->keys[j] != NULL) {
		if (strcmp(m->keys[j], key) == 0) {
			if (val != NULL)
				*val = m->vals[j];
			return 1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return 0;
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	if (!EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL))
		fatal("OpenSSL: sha256 failed");
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

/*
 * The code point at p (n > 0 bytes): its length and *cp; or minus the
 * number of bytes that form one ill-formed sequence, to be replaced by one
 * U+FFFD (the Unicode "maximal subpart" practice, as browsers do). Only
 * the well-formed sequences of Unicode table 3-7: no overlongs, no
 * surrogates, nothing past U+10FFFF.
 */
int
utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	uint32_t	c = p[0];
	int		need, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		c &= 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		c &= 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return -1;
	for (i = 1; i <= need; i++) {
		if ((size_t)i >= n || p[i] < lo || p[i] > hi)
			return -i;
		c = (c << 6) | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return need + 1;
}

const char *
fmt_duration(int64_t ms, int style, char *buf, size_t len)
{
	long long	secs;

	if (style == FMT_TOOK) {
		if (ms < 1000 && ms > -1000)
			snprintf(buf, len, "%lld ms", (long long)ms);
		else
			snprintf(buf, len, "%lld.%lld s", (long long)(ms / 1000),
			    (long long)(ms % 1000 / 100));
		return buf;
	}
	secs = (long long)(ms / 1000);
	if (secs < 0)
		secs = secs == LLONG_MIN ? LLONG_MAX : -secs;
	if (secs >= 86400)
		snprintf(buf, len, secs % 86400 / 3600 ? "%lldd %lldh" :
		    "%lldd", secs / 86400, secs % 86400 / 3600);
	else if (secs >= 3600)
		snprintf(buf, len, secs % 3600 / 60 ? "%lldh %lldm" : "%lldh",
		    secs / 3600, secs % 3600 / 60);
	else if (secs >= 60)
		snprintf(buf, len, "%lldm", secs / 60);
	else
		snprintf(buf, len, "%llds", secs);
	return buf;
}

const char *
fmt_iso_time(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

long long
sub_sat(long long a, long long b)
{
	long long	r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? LLONG_MAX : LLONG_MIN;
	return r;
}
