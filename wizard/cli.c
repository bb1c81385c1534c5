/* cli.c: what the commands share: store opening, exit codes, options. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "clean.h"
#include "cli.h"
#include "runbook.h"
#include "session.h"
#include "store.h"
#include "util.h"
#include "vartype.h"

static int	output_errno;

static ssize_t
output_write(void *cookie, const char *buf, size_t n)
{
	size_t	done = 0;
	ssize_t	w;

	(void)cookie;
	while (done < n) {
		if ((w = write(STDOUT_FILENO, buf + done, n - done)) == -1) {
			if (errno == EINTR)
				continue;
			output_errno = errno;
			return done > 0 ? (ssize_t)done : -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)n;
}

void
cli_output_capture(void)
{
	cookie_io_functions_t	 io = { .write = output_write };
	FILE			*fp;

	if ((fp = fopencookie(NULL, "w", io)) == NULL)
		return;		/* stdout as it was: only the message is worse */
	/* A terminal sees each line as it is written, as before. */
	setvbuf(fp, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	fflush(stdout);
	stdout = fp;
}

int
cli_output_errno(void)
{
	return output_errno;
}

int
cli_bad_input(struct diags *d)
{
	cli_say(d);
	return EXIT_USAGE;
}

void
cli_say(struct diags *d)
{
	diags_print(d, stderr);
	diags_free(d);
}

int
cli_exit(int store_rc)
{
	switch (store_rc) {
	case STORE_OK:
		return EXIT_OK;
	case STORE_EINPUT:
	case STORE_ESTATE:
		return EXIT_USAGE;
	case STORE_ETAMPER:
		return EXIT_CHECK;
	default:
		return EXIT_ENV;
	}
}

int
cli_store(const struct cli *cli, int flags, struct store **st,
    struct diags *d)
{
	const char	*path = cli->state;

	if (path == NULL && (path = getenv("FEDWIZ_STATE")) != NULL &&
	    *path == '\0')
		path = NULL;
	return store_open(path, flags, st, d);
}

const char *
cli_operator(const struct cli *cli, struct diags *d)
{
	const char	*given = cli->operator, *what = "--operator";
	char		 why[160];

	if (given == NULL || *given == '\0') {
		given = getenv("FEDWIZ_OPERATOR");
		what = "$FEDWIZ_OPERATOR";
	}
	if (given != NULL && *given != '\0') {
		if (clean_input_check(given, 0, why, sizeof(why)) == -1) {
			diags_add(d, what, 0, 0, "the operator's name %s; give "
			    "a plain name", why);
			return NULL;
		}
		if (strlen(given) > 64) {
			diags_add(d, what, 0, 0, "the operator's name is longer "
			    "than 64 bytes; give a shorter one");
			return NULL;
		}
	}
	return session_operator(cli->operator);
}

int
cli_note(const struct cli *cli, struct diags *d)
{
	char	why[160];

	if (cli->note != NULL &&
	    clean_input_check(cli->note, 1, why, sizeof(why)) == -1) {
		diags_add(d, "--note", 0, 0, "the note %s; write it as plain "
		    "text (newlines and tabs are fine)", why);
		return -1;
	}
	return 0;
}

long long
cli_session(const struct cli *cli, struct diags *d)
{
	char		*end;
	long long	 v;

	if (cli->session == NULL)
		return 0;
	v = strtoll(cli->session, &end, 10);
	if (*cli->session == '\0' || *end != '\0' || v <= 0) {
		diags_add(d, "--session", 0, 0, "\"%s\" is not a session number "
		    "('fedwiz sessions' lists them)", cli->session);
		return -1;
	}
	return v;
}

int
cli_target(const struct cli *cli, int flags, struct store **st, int64_t *id,
    struct diags *d)
{
	long long	sid;
	int		rc;

	*st = NULL;
	if ((sid = cli_session(cli, d)) < 0)
		return STORE_EINPUT;
	if ((rc = cli_store(cli, flags, st, d)) != STORE_OK)
		return rc;
	*id = sid;
	if (sid == 0 && (rc = store_session_latest(*st, id, d)) != STORE_OK) {
		store_close(*st);
		*st = NULL;
	}
	return rc;
}

int
cli_parse_target(const char *spec, char **user, char **host, int *port,
    int defport, struct diags *d)
{
	struct varspec	 hs = { .type = VT_HOST }, ps = { .type = VT_PORT };
	const char	*at, *h, *colon, *end;
	char		*p = NULL, why[200];
	size_t		 n;

	*host = NULL;
	if (user != NULL)
		*user = NULL;
	*port = defport;
	if ((at = strrchr(spec, '@')) != NULL && user == NULL) {
		diags_add(d, spec, 0, 0, "give HOST:PORT, without a user");
		return -1;
	}
	if (at != NULL) {
		if (at == spec || strcspn(spec, " \t\r\n") < (size_t)(at - spec)) {
			diags_add(d, spec, 0, 0, "the user before '@' must be "
			    "one word without spaces");
			return -1;
		}
		*user = xstrndup(spec, (size_t)(at - spec));
		h = at + 1;
	} else
		h = spec;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL) {
			diags_add(d, spec, 0, 0, "'[' without ']': write an "
			    "IPv6 address with a port as [::1]:2222");
			goto bad;
		}
		*host = xstrndup(h + 1, (size_t)(end - h - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL) {
			diags_add(d, spec, 0, 0, "after ']' only :PORT may "
			    "follow");
			goto bad;
		}
	} else if ((colon = strchr(h, ':')) != NULL &&
	    strchr(colon + 1, ':') != NULL) {
		*host = xstrdup(h);		/* a bare IPv6 address */
		colon = NULL;
	} else {
		n = colon ? (size_t)(colon - h) : strlen(h);
		*host = xstrndup(h, n);
	}
	if (vartype_check(&hs, *host, NULL, why, sizeof(why)) == -1) {
		diags_add(d, spec, 0, 0, "host \"%s\" %s", *host, why);
		goto bad;
	}
	if (colon != NULL) {
		p = xstrdup(colon + 1);
		if (vartype_check(&ps, p, NULL, why, sizeof(why)) == -1) {
			diags_add(d, spec, 0, 0, "port \"%s\" %s", p, why);
			goto bad;
		}
		*port = atoi(p);
		free(p);
	}
	return 0;
bad:
	free(p);
	if (user != NULL) {
		free(*user);
		*user = NULL;
	}
	free(*host);
	*host = NULL;
	return -1;
}

int
cli_timeout(const struct cli *cli, int64_t defms, int64_t *ms,
    struct diags *d)
{
	char	*end;
	double	 v;

	*ms = defms;
	if (cli->timeout == NULL)
		return 0;
	v = strtod(cli->timeout, &end);
	if (*cli->timeout == '\0' || *end != '\0' || !(v > 0) || v > 86400) {
		diags_add(d, "--timeout", 0, 0, "\"%s\" is not a number of "
		    "seconds (e.g. 30, or 2.5)", cli->timeout);
		return -1;
	}
	*ms = (int64_t)(v * 1000);
	return 0;
}

unsigned
cli_kinds(const char *spec, struct diags *d)
{
	static const enum rb_check_kind	 kinds[] = { CK_SSH, CK_TLS, CK_X509,
					     CK_DNS, CK_TCP, CK_SIP };
	const char			*p, *e;
	unsigned			 mask = 0;
	size_t				 i, len;

	for (p = spec; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		len = (size_t)(e - p);
		for (i = 0; i < nitems(kinds); i++)
			if (strlen(rb_check_kind_name(kinds[i])) == len &&
			    strncmp(rb_check_kind_name(kinds[i]), p, len) == 0)
				break;
		if (i == nitems(kinds)) {
			diags_add(d, "--kind", 0, 0, "\"%.*s\" is not a kind "
			    "of check fedwiz runs: ssh, tls, x509, dns, tcp, "
			    "sip (comma-separated)", (int)len, p);
			return 0;
		}
		mask |= 1U << kinds[i];
	}
	return mask;
}

int
cli_session_of(const struct cli *cli, const char *name, const char *what,
    struct store **st, struct session **s, struct diags *d)
{
	long long	sid;
	int		rc;

	if (cli->answers != NULL || cli->nsets > 0) {
		diags_add(d, "--session", 0, 0, "a session has its answers "
		    "already: drop --answers/--set, or %s", what);
		return STORE_EINPUT;
	}
	if ((sid = cli_session(cli, d)) < 0)
		return STORE_EINPUT;
	if ((rc = cli_store(cli, 0, st, d)) != STORE_OK)
		return rc;
	if ((rc = session_open(*st, sid, catalog_dir(cli->runbooks), s,
	    d)) != STORE_OK)
		return rc;
	if (strcmp((*s)->rb->id, name) != 0) {
		diags_add(d, "--session", 0, 0, "session %lld runs %s, not %s",
		    sid, (*s)->rb->id, name);
		return STORE_EINPUT;
	}
	return STORE_OK;
}
