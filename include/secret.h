/*
 * secret.h: passwords, passphrases and enable secrets. They come from a
 * file only the user can read, the environment, the terminal (never
 * echoed) or the wizard's screen; they are never stored, logged or put in
 * a report, and every buffer that held one is wiped.
 *
 * One store per process holds them while they are needed, the command
 * line's and the wizard's alike: a page locked in memory (no swap), left
 * out of core dumps, and wiped when forgotten. From the moment a secret
 * is in memory the process is not dumpable (no core file, no ptrace by
 * another process of the same user).
 */
#ifndef FEDWIZ_SECRET_H
#define FEDWIZ_SECRET_H

#include <stddef.h>

#include "util.h"

/* The longest secret, its NUL included (the SSH engine's buffers). */
#define SECRET_MAX	512

struct secrets {
	const char	*password_file;	/* --password-file */
	const char	*enable_file;	/* --enable-secret-file */
	int		 interactive;	/* may ask on /dev/tty */
};

/*
 * At the start of main, before anything else reads the environment: take
 * FEDWIZ_PASSWORD, FEDWIZ_PASSPHRASE and FEDWIZ_ENABLE_SECRET into the
 * store and scrub them from the environment, /proc/PID/environ included
 * (their bytes are overwritten where the kernel shows them). A value
 * fedwiz would refuse is remembered as refused, and said when the secret
 * is needed.
 */
void	secret_start(void);

/*
 * A secret of kind "password", "passphrase" or "enable" for prompt:
 *   password:   kept from earlier in the run, else the file, else
 *               $FEDWIZ_PASSWORD, else the terminal;
 *   passphrase: $FEDWIZ_PASSPHRASE, else the terminal (never kept: one
 *               key's passphrase is not another's);
 *   enable:     kept, else the file, else $FEDWIZ_ENABLE_SECRET, else
 *               empty (an ASA with no enable secret takes an empty one).
 * What a file or the terminal gave is kept for the rest of the run. An
 * enable secret is typed into the ASA's CLI, so a line break or another
 * control character in it is refused (it would end the line and run the
 * rest as a command), as is any secret that does not fit.
 * 0 and buf filled, or -1 (with a diag saying what to do).
 */
int	secret_get(const struct secrets *, const char *, const char *, char *,
	    size_t, struct diags *);

/* Keep a secret of kind a person typed (the wizard's screen) for the
 * rest of the run. 0, or -1 with a diag when it is refused (as above). */
int	secret_keep(const char *, const char *, struct diags *);

/* Wipe what was kept (typed, or read from a file); what the environment
 * gave stays, since it cannot be read again. The wizard forgets after each
 * run of checks, the command line at its end. */
void	secret_forget(void);

/* Whether a secret of kind is acceptable: NULL, or why not. */
const char *secret_refused(const char *, const char *);

/* The first line of a regular file that no one but its owner can read.
 * A FIFO, a device or a symlink is refused without waiting on it. */
int	secret_file(const char *, char *, size_t, struct diags *);

/* Ask on the terminal without echo. 0, -1 when there is none, or -2 when
 * what was typed does not fit (wiped, never cut short). */
int	secret_tty(const char *, char *, size_t);

/* Ask a yes/no/once question on the terminal: the answer's first word,
 * lower-cased, in buf. 0, or -1 when there is no terminal. */
int	secret_tty_ask(const char *, char *, size_t);

/* Not dumpable from now on, no core file: a secret is in memory. */
void	secret_protect(void);

#endif
