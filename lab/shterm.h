/*
 * shterm.h: the terminal side of the lab's Cisco device shells: a PTY
 * when the SSH client asked for one (the line discipline echoes and
 * edits lines, as the device's own would), else pipes; lines, single
 * keys for the pagers, secrets without echo.
 */
#ifndef FEDWIZ_SHTERM_H
#define FEDWIZ_SHTERM_H

#include <stddef.h>
#include <stdio.h>

struct term {
	int		 tty;
	const char	*nl;		/* "\n" on a PTY (it adds \r), else
					   "\r\n" as the device sends */
	FILE		*out;
};

void	term_init(struct term *);
/* The PTY's rows (24 when unknown). */
int	term_rows(const struct term *);
/* A line (no end of line); -1 at the end of input. */
int	term_line(struct term *, char *, size_t);
/* One key, not echoed; -1 at the end of input. */
int	term_key(struct term *);
/* A secret: not echoed; stars: print '*' per character (the ASA). */
int	term_secret(struct term *, char *, size_t, int);
void	term_put(struct term *, const char *);		/* a line */
void	term_putf(struct term *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));	/* a line */
void	term_raw(struct term *, const char *);		/* no end of line */
/* Sleep ms milliseconds. */
void	term_sleep(int);

#endif
