/* secret.c: secrets from files, the environment and the terminal. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "secret.h"
#include "util.h"

int
secret_file(const char *path, char *buf, size_t len, struct diags *d)
{
	struct stat	 sb;
	char		 tmp[4096];
	ssize_t		 n;
	size_t		 k;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		diags_add(d, path, 0, 0, "cannot read the secret: %s",
		    strerror(errno));
		return -1;
	}
	/* Like ssh with a private key: a secret others can read is not
	 * one, and using it would hide that. */
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (sb.st_mode & 077) != 0) {
		diags_add(d, path, 0, 0, "refusing a secret file that others "
		    "can read (mode %04o); chmod 600 it",
		    (unsigned)(sb.st_mode & 07777));
		close(fd);
		return -1;
	}
	n = read(fd, tmp, sizeof(tmp) - 1);
	close(fd);
	if (n < 0) {
		diags_add(d, path, 0, 0, "cannot read the secret: %s",
		    strerror(errno));
		return -1;
	}
	tmp[n] = '\0';
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
	while ((r = read(fd, &c, 1)) == 1 && c != '\n' && c != '\r')
		if (n + 1 < len)
			buf[n++] = c;
	buf[n] = '\0';
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		(void)write(fd, "\n", 1);
	}
	close(fd);
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

static int
from_env(const char *name, char *buf, size_t len)
{
	const char	*v = getenv(name);

	if (v == NULL)
		return -1;
	if (strlen(v) >= len)
		return -1;
	snprintf(buf, len, "%s", v);
	return 0;
}

int
secret_get(const struct secrets *s, const char *kind, const char *prompt,
    char *buf, size_t len, struct diags *d)
{
	char	*q;
	int	 rc;

	if (strcmp(kind, "enable") == 0) {
		if (s->enable_file != NULL)
			return secret_file(s->enable_file, buf, len, d);
		if (from_env("FEDWIZ_ENABLE_SECRET", buf, len) == 0)
			return 0;
		buf[0] = '\0';
		return 0;
	}
	if (strcmp(kind, "password") == 0) {
		if (s->password_file != NULL)
			return secret_file(s->password_file, buf, len, d);
		if (from_env("FEDWIZ_PASSWORD", buf, len) == 0)
			return 0;
	} else if (from_env("FEDWIZ_PASSPHRASE", buf, len) == 0)
		return 0;
	if (s->interactive) {
		q = xasprintf("%s: ", prompt);
		rc = secret_tty(q, buf, len);
		free(q);
		if (rc == 0)
			return 0;
	}
	diags_add(d, "fedwiz", 0, 0, "no %s: give %s", prompt,
	    strcmp(kind, "password") == 0 ? "--password-file FILE (mode 0600) "
	    "or set FEDWIZ_PASSWORD" : "it on a terminal or in "
	    "FEDWIZ_PASSPHRASE");
	return -1;
}
