/* util.h: memory, strings and diagnostics shared by every subsystem. */
#ifndef FEDWIZ_UTIL_H
#define FEDWIZ_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Allocation failure is fatal. fatal() runs the registered cleanup (the
 * console restores the terminal there) before it prints and exits.
 */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatal_set_cleanup(void (*)(void));

/* Zero memory the compiler may not elide: for anything that held a secret. */
void	 wipe(void *, size_t);
/*
 * The code point at p (n bytes available): its length in bytes and *cp,
 * or minus the length of the ill-formed run there (well-formed UTF-8 as
 * in Unicode table 3-7: no overlongs, surrogates, or past U+10FFFF).
 */
int	 utf8_next(const unsigned char *, size_t, uint32_t *);

/*
 * Arena: many small allocations freed at once. The runbook model lives in
 * one, so loading is a few large mallocs and freeing is a walk of blocks.
 */
struct arena;
struct arena	*arena_new(void);
void		 arena_free(struct arena *);
void		*arena_alloc(struct arena *, size_t);
void		*arena_calloc(struct arena *, size_t, size_t);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
size_t		 arena_size(const struct arena *);
/* Forget everything allocated; the first block stays for reuse. */
void		 arena_reset(struct arena *);

/* Growable string. */
struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};
void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_add(struct buf *, const char *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*buf_steal(struct buf *);	/* NUL-terminated, buf reset */

/*
 * Diagnostics: "file:line:col: message", one per line. Everything that reads
 * outside input reports through these, so every error is located.
 */
struct diag {
	char	*file;
	int	 line;		/* 1-based; 0 when the error has no position */
	int	 col;
	char	*msg;
};
struct diags {
	struct diag	*v;
	size_t		 n;
	size_t		 cap;
	size_t		 max;	/* stop recording after this many (0: 100) */
	size_t		 dropped;
};
void	 diags_init(struct diags *);
void	 diags_free(struct diags *);
void	 diags_add(struct diags *, const char *, int, int, const char *, ...)
	    __attribute__((format(printf, 5, 6)));
void	 diags_vadd(struct diags *, const char *, int, int, const char *,
	    va_list);
void	 diags_print(const struct diags *, FILE *);
/*
 * Move from's messages to the end of to, as if they had been added to it
 * there (to's limit applies); from is left empty.
 */
void	 diags_splice(struct diags *, struct diags *);

/*
 * a - b, saturated at LLONG_MIN/LLONG_MAX instead of overflowing: spans
 * between times read from a database that may hold anything.
 */
long long sub_sat(long long, long long);

/* Levenshtein distance, for "did you mean". */
size_t	 edit_distance(const char *, const char *);
/* The closest of n words within a small distance, or NULL. */
const char *closest_word(const char *, const char *const *, size_t);

/*
 * String -> index map (open addressing). Keys are borrowed, not copied: they
 * must outlive the map (runbook strings live in the runbook's arena).
 */
struct strmap {
	const char	**keys;
	size_t		 *vals;
	size_t		  cap;
	size_t		  n;
};
void	 strmap_init(struct strmap *);
void	 strmap_free(struct strmap *);
/* Room for n keys without growing. */
void	 strmap_reserve(struct strmap *, size_t);
/* 0 if added; 1 if the key was there (*old its value, map unchanged). */
int	 strmap_put(struct strmap *, const char *, size_t, size_t *);
/* 1 and *val if found, else 0. */
int	 strmap_get(const struct strmap *, const char *, size_t *);

/* "a, b, c" into buf (truncated to fit); returns buf. For "expected one
 * of" lists built from the tables themselves, so they cannot drift. */
const char *join_words(const char *const *, size_t, char *, size_t);

/* A hex digit's value (either case), or -1. */
int	 hex_digit(int);

/* SHA-256 of bytes as 64 hex digits and a NUL. */
void	 sha256_hex(const void *, size_t, char [65]);

/*
 * Durations and times for people, the one formatter of each (both return
 * buf). A duration in ms, FMT_TOOK for how long something took ("412 ms",
 * "3.2 s", "75.0 s": a check, a probe) or FMT_SPAN for how long ago or
 * how long in all, to the unit that matters ("45s", "12m", "1h 12m",
 * "3d 4h"; a negative span reads as its size). A time in UTC, ISO 8601:
 * "2026-11-22T06:00:00Z".
 */
#define FMT_TOOK	0
#define FMT_SPAN	1
const char *fmt_duration(int64_t, int, char *, size_t);
const char *fmt_iso_time(time_t, char *, size_t);

/* Read a whole file (at most max bytes). 0 or -errno; *out NUL-terminated. */
int	 read_file(const char *, size_t, char **, size_t *);

#endif
