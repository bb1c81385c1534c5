/*
 * lineedit.h: a one-line text editor over a buffer, for the wizard's
 * forms. It knows keys (ncurses codes) and bytes, nothing of the screen:
 * the form draws lineedit_view's window of it. Text is UTF-8; the cursor
 * never stops inside a character, and a column is one character.
 */
#ifndef FEDWIZ_LINEEDIT_H
#define FEDWIZ_LINEEDIT_H

#include <stddef.h>

#define LINEEDIT_MAX	512	/* bytes, with the NUL */

struct lineedit {
	char	buf[LINEEDIT_MAX];
	size_t	len;
	size_t	cur;		/* byte offset of the cursor */
};

/* What a key did. */
#define LE_UNHANDLED	0	/* not an editing key: the caller's */
#define LE_CHANGED	1	/* the text changed */
#define LE_MOVED	2	/* only the cursor moved */
#define LE_NONE		3	/* an editing key with nothing to do (full,
				 * Backspace at the start) */

/* Text s (cut at a character boundary to fit), cursor at its end. */
void	lineedit_set(struct lineedit *, const char *);
/* Empty, and the old text wiped (a form may hold a user name or path). */
void	lineedit_clear(struct lineedit *);
/*
 * One key: printable bytes insert at the cursor; Left/Right, Home/End
 * (and Ctrl-A/Ctrl-E) move; Backspace, Delete (and Ctrl-D) remove one
 * character; Ctrl-U removes everything before the cursor, Ctrl-K after.
 */
int	lineedit_key(struct lineedit *, int);
/*
 * What to show in w columns so the cursor stays visible: *start the first
 * byte, *n the bytes, *col the cursor's column from the left of the view.
 */
void	lineedit_view(const struct lineedit *, int, size_t *, size_t *,
	    int *);

#endif
