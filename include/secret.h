/*
 * secret.h: passwords, passphrases and enable secrets for commands run
 * without a screen. They come from a file only the user can read, the
 * environment, or the terminal (never echoed); they are never stored,
 * logged or put in a report, and every buffer that held one is wiped.
 */
#ifndef FEDWIZ_SECRET_H
#define FEDWIZ_SECRET_H

#include <stddef.h>

#include "util.h"

struct secrets {
	const char	*password_file;	/* --password-file */
	const char	*enable_file;	/* --enable-secret-file */
	int		 interactive;	/* may ask on /dev/tty */
};

/*
 * A secret of kind "password", "passphrase" or "enable" for prompt:
 *   password:   the file, else $FEDWIZ_PASSWORD, else the terminal;
 *   passphrase: $FEDWIZ_PASSPHRASE, else the terminal;
 *   enable:     the file, else $FEDWIZ_ENABLE_SECRET, else empty (an ASA
 *               with no enable secret takes an empty one).
 * 0 and buf filled, or -1 (with a diag saying how to give one).
 */
int	secret_get(const struct secrets *, const char *, const char *, char *,
	    size_t, struct diags *);

/* The first line of a file that no one but its owner can read. */
int	secret_file(const char *, char *, size_t, struct diags *);

/* Ask on the terminal without echo. 0, or -1 when there is none. */
int	secret_tty(const char *, char *, size_t);

/* Ask a yes/no/once question on the terminal: the answer's first word,
 * lower-cased, in buf. 0, or -1 when there is no terminal. */
int	secret_tty_ask(const char *, char *, size_t);

#endif
