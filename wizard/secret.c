/*
 * secret.c: secrets from files, the environment, the terminal and the
 * wizard's screen, and the one store that holds them while they are
 * needed (secret.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "secret.h"
#include "util.h"

/* The kinds, and where the environment gives them. */
enum kind {
	K_PASSWORD,
	K_PASSPHRASE,
	K_ENABLE,
	K_N
};

static const struct kind_def {
	const char	*name;
	const char	*env;
	int		 keep;		/* kept for the run once given */
} kinds[K_N] = {
	[K_PASSWORD] = { "password", "FEDWIZ_PASSWORD", 1 },
	/* One key file's passphrase is not another's. */
	[K_PASSPHRASE] = { "passphrase", "FEDWIZ_PASSPHRASE", 0 },
	[K_ENABLE] = { "enable", "FEDWIZ_ENABLE_SECRET", 1 },
};

/* One kind's secrets: what was kept, and what the environment gave. */
struct slot {
	char	value[SECRET_MAX];
	int	have;
	char	env[SECRET_MAX];
	int	env_have;
	char	env_refused[160];	/* why the environment's was not
					   taken; "" */
};

/* The store: one page, locked, out of core dumps. */
static struct slot	*store;
static int		 protected;

static enum kind
kind_of(const char *name)
{
	int	k;

	for (k = 0; k < K_N; k++)
		if (strcmp(kinds[k].name, name) == 0)
			return (enum kind)k;
	return K_PASSPHRASE;	/* never kept, never defaulted */
}

static struct slot *
slot(enum kind k)
{
	size_t	size, page;

	if (store == NULL) {
		page = (size_t)sysconf(_SC_PAGESIZE);
		size = (sizeof(struct slot) * K_N + page - 1) / page * page;
		store = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (store == MAP_FAILED)
			fatal("cannot map memory for secrets: %s",
			    strerror(errno));
		/* Best effort: an unprivileged user may lock little or
		 * nothing (RLIMIT_MEMLOCK), and a core is off anyway. */
		(void)mlock(store, size);
		(void)madvise(store, size, MADV_DONTDUMP);
	}
	return &store[k];
}

void
secret_protect(void)
{
	struct rlimit	rl = { 0, 0 };

	if (protected)
		return;
	protected = 1;
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	(void)setrlimit(RLIMIT_CORE, &rl);
}

const char *
secret_refused(const char *kind, const char *value)
{
	const unsigned char	*p;

	if (strlen(value) >= SECRET_MAX)
		return "is longer than 511 characters";
	if (kind_of(kind) != K_ENABLE)
		return NULL;
	/* Typed into the CLI: a line break ends the line, and the rest
	 * would run as a command in privileged mode. */
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return *p == '\n' || *p == '\r' ? "holds a line break "
			    "(the ASA would take the rest as a command)" :
			    "holds a control character (the ASA's CLI would "
			    "act on it)";
	return NULL;
}

void
secret_start(void)
{
	struct slot	*sl;
	const char	*why;
	char		*v;
	size_t		 n;
	int		 k, any = 0;

	for (k = 0; k < K_N; k++) {
		if ((v = getenv(kinds[k].env)) == NULL)
			continue;
		any = 1;
		sl = slot((enum kind)k);
		n = strlen(v);
		if ((why = secret_refused(kinds[k].name, v)) != NULL)
			snprintf(sl->env_refused, sizeof(sl->env_refused),
			    "%s", why);
		else {
			memcpy(sl->env, v, n + 1);
			sl->env_have = 1;
		}
		/* Out of environ, then its bytes, name and value, where the
		 * kernel shows them: /proc/PID/environ reads the block exec
		 * left, which unsetenv does not touch. getenv points just
		 * past the "NAME=". */
		v -= strlen(kinds[k].env) + 1;
		unsetenv(kinds[k].env);
		wipe(v, strlen(kinds[k].env) + 1 + n);
	}
	if (any)
		secret_protect();
}

/* Copy a secret out, if it fits. */
static int
give(const char *value, char *buf, size_t len, const char *what,
    struct diags *d)
{
	size_t	n = strlen(value);

	if (n >= len) {
		diags_add(d, what, 0, 0, "the secret is longer than %zu "
		    "characters", len - 1);
		return -1;
	}
	memcpy(buf, value, n + 1);
	return 0;
}

static int
keep(enum kind k, const char *value, const char *what, struct diags *d)
{
	struct slot	*sl;
	const char	*why;

	if ((why = secret_refused(kinds[k].name, value)) != NULL) {
		diags_add(d, what, 0, 0, "the %s %s: refused", k == K_ENABLE ?
		    "enable secret" : kinds[k].name, why);
		return -1;
	}
	secret_protect();
	if (!kinds[k].keep)
		return 0;
	sl = slot(k);
	wipe(sl->value, sizeof(sl->value));
	memcpy(sl->value, value, strlen(value) + 1);
	sl->have = 1;
	return 0;
}

int
secret_keep(const char *kind, const char *value, struct diags *d)
{
	return keep(kind_of(kind), value, "fedwiz", d);
}

void
secret_forget(void)
{
	int	k;

	if (store == NULL)
		return;
	for (k = 0; k < K_N; k++) {
		wipe(store[k].value, sizeof(store[k].value));
		store[k].have = 0;
	}
}

int
secret_file(const char *path, char *buf, size_t len, struct diags *d)
{
	struct stat	 sb;
	char		 tmp[4096];
	ssize_t		 n;
	size_t		 k, got = 0;
	int		 fd;

	/* Not blocking: open(2) of a FIFO waits for a writer, before any
	 * check of what the file is could run. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1) {
		diags_add(d, path, 0, 0, errno == ELOOP ? "is a symbolic link: "
		    "give the secret file itself" : "cannot read the secret: "
		    "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		diags_add(d, path, 0, 0, "is not a regular file (%s): give a "
		    "file that holds the secret on its first line",
		    S_ISFIFO(sb.st_mode) ? "a FIFO" : S_ISCHR(sb.st_mode) ?
		    "a character device" : S_ISDIR(sb.st_mode) ? "a folder" :
		    S_ISSOCK(sb.st_mode) ? "a socket" : "not a plain file");
		close(fd);
		return -1;
	}
	/* Like ssh with a private key: a secret others can read is not
	 * one, and using it would hide that. */
	if ((sb.st_mode & 077) != 0) {
		diags_add(d, path, 0, 0, "refusing a secret file that others "
		    "can read (mode %04o); chmod 600 it",
		    (unsigned)(sb.st_mode & 07777));
		close(fd);
		return -1;
	}
	while (got < sizeof(tmp) - 1 && (n = read(fd, tmp + got,
	    sizeof(tmp) - 1 - got)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			diags_add(d, path, 0, 0, "cannot read the secret: %s",
			    strerror(errno));
			close(fd);
			wipe(tmp, sizeof(tmp));
			return -1;
		}
		got += (size_t)n;
		if (memchr(tmp, '\n', got) != NULL)
			break;
	}
	close(fd);
	tmp[got] = '\0';
	k = strcspn(tmp, "\r\n");
	if (k >= len) {
		wipe(tmp, sizeof(tmp));
		diags_add(d, path, 0, 0, "the secret is longer than %zu "
		    "characters", len - 1);
		return -1;
	}
	memcpy(buf, tmp, k);
	buf[k] = '\0';
	wipe(tmp, sizeof(tmp));
	secret_protect();
	return 0;
}

/* Read a line from the terminal, echo off when asked. */
static int
tty_read(const char *prompt, char *buf, size_t len, int echo)
{
	struct termios	 old, raw;
	size_t		 n = 0;
	char		 c;
	int		 fd, restore = 0;
	ssize_t		 r;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		close(fd);
		return -1;
	}
	if (!echo && tcgetattr(fd, &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		restore = tcsetattr(fd, TCSAFLUSH, &raw) == 0;
	}
	while ((r = read(fd, &c, 1)) == 1 && c != '\n' && c != '\r') {
		if (n + 1 < len)
			buf[n] = c;
		n++;		/* past len: counted, not kept */
	}
	c = 0;
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		(void)write(fd, "\n", 1);
	}
	close(fd);
	if (n >= len) {		/* never cut short: refused whole */
		wipe(buf, len);
		return -2;
	}
	buf[n] = '\0';
	return r == 1 || n > 0 ? 0 : -1;
}

int
secret_tty(const char *prompt, char *buf, size_t len)
{
	return tty_read(prompt, buf, len, 0);
}

int
secret_tty_ask(const char *question, char *buf, size_t len)
{
	char	*p;

	if (tty_read(question, buf, len, 1) == -1)
		return -1;
	for (p = buf; *p != '\0' && !isspace((unsigned char)*p); p++)
		*p = (char)tolower((unsigned char)*p);
	*p = '\0';
	return 0;
}

int
secret_get(const struct secrets *s, const char *kind, const char *prompt,
    char *buf, size_t len, struct diags *d)
{
	enum kind	 k = kind_of(kind);
	struct slot	*sl = slot(k);
	const char	*file = k == K_PASSWORD ? s->password_file :
			    k == K_ENABLE ? s->enable_file : NULL;
	char		 tmp[SECRET_MAX], *q;
	int		 rc;

	if (kinds[k].keep && sl->have)
		return give(sl->value, buf, len, "fedwiz", d);
	if (file != NULL) {
		rc = secret_file(file, tmp, sizeof(tmp), d);
		if (rc == 0 && (rc = keep(k, tmp, file, d)) == 0)
			rc = give(tmp, buf, len, file, d);
		wipe(tmp, sizeof(tmp));
		return rc;
	}
	if (sl->env_refused[0] != '\0') {
		diags_add(d, kinds[k].env, 0, 0, "the value %s: refused; give "
		    "the secret %s", sl->env_refused, k == K_ENABLE ?
		    "with --enable-secret-file FILE (its first line)" :
		    "in a file (mode 0600) or on the terminal");
		return -1;
	}
	if (sl->env_have)
		return give(sl->env, buf, len, kinds[k].env, d);
	if (k == K_ENABLE) {
		buf[0] = '\0';
		return 0;
	}
	if (s->interactive) {
		q = xasprintf("%s: ", prompt);
		rc = secret_tty(q, tmp, sizeof(tmp));
		free(q);
		if (rc == -2) {
			diags_add(d, "fedwiz", 0, 0, "the %s typed is longer "
			    "than %zu characters: refused", kinds[k].name,
			    sizeof(tmp) - 1);
			return -1;
		}
		if (rc == 0) {
			if ((rc = keep(k, tmp, "fedwiz", d)) == 0)
				rc = give(tmp, buf, len, "fedwiz", d);
			wipe(tmp, sizeof(tmp));
			return rc;
		}
		wipe(tmp, sizeof(tmp));
	}
	diags_add(d, "fedwiz", 0, 0, "no %s: give %s", prompt,
	    k == K_PASSWORD ? "--password-file FILE (mode 0600) or set "
	    "FEDWIZ_PASSWORD" : "it on a terminal or in FEDWIZ_PASSPHRASE");
	return -1;
}
