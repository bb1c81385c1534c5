/*
 * freecheck.c: an LD_PRELOAD library for tests/ssh/secrets.sh. Every block
 * the process frees (free, and the old block realloc moves away from) is
 * searched for the bytes of $FREECHECK_NEEDLE; each one that holds them is
 * reported to $FREECHECK_LOG with its size and a backtrace of who freed
 * it. A secret wiped before its buffer is freed leaves no report.
 *
 * Built by the test: cc -shared -fPIC -o freecheck.so freecheck.c. It
 * calls glibc's own __libc_free/__libc_realloc, and allocates nothing.
 */
#define _GNU_SOURCE
#include <execinfo.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void	 __libc_free(void *);
extern void	*__libc_realloc(void *, size_t);

static char	 needle[600];
static size_t	 nlen;
static int	 logfd = -1;
static int	 busy;

__attribute__((constructor)) static void
init(void)
{
	const char	*n = getenv("FREECHECK_NEEDLE");
	const char	*l = getenv("FREECHECK_LOG");

	if (n == NULL || l == NULL || (nlen = strlen(n)) == 0 ||
	    nlen >= sizeof(needle))
		return;
	memcpy(needle, n, nlen);
	logfd = open(l, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

static void
check(void *p, const char *how)
{
	size_t	 n;
	void	*bt[32];
	int	 depth;
	char	 line[128];

	if (p == NULL || logfd == -1 || busy)
		return;
	n = malloc_usable_size(p);
	if (memmem(p, n, needle, nlen) == NULL)
		return;
	busy = 1;
	snprintf(line, sizeof(line), "secret in a %s block of %zu bytes:\n",
	    how, n);
	(void)write(logfd, line, strlen(line));
	depth = backtrace(bt, 32);
	backtrace_symbols_fd(bt, depth, logfd);
	(void)write(logfd, "\n", 1);
	busy = 0;
}

void
free(void *p)
{
	check(p, "freed");
	__libc_free(p);
}

void *
realloc(void *p, size_t size)
{
	void	*q;
	int	 had = 0;

	if (p != NULL && logfd != -1 && !busy)
		had = memmem(p, malloc_usable_size(p), needle, nlen) != NULL;
	q = __libc_realloc(p, size);
	if (had && q != p && q != NULL) {
		busy = 1;
		(void)write(logfd, "secret in a block realloc moved away "
		    "from (left unwiped)\n", 57);
		busy = 0;
	}
	return q;
}
