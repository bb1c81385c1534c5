/* lineedit.c: the forms' one-line editor, over a buffer (lineedit.h). */
#include "config.h"

#include <string.h>

#include <curses.h>

#include "lineedit.h"
#include "util.h"

#ifndef CTRL
#define CTRL(c)		((c) & 0x1f)
#endif
#define CONT(b)		(((unsigned char)(b) & 0xc0) == 0x80)

/* The offset of the character before / after byte offset i. */
static size_t
prev_char(const struct lineedit *le, size_t i)
{
	while (i > 0 && CONT(le->buf[--i]))
		;
	return i;
}

static size_t
next_char(const struct lineedit *le, size_t i)
{
	if (i < le->len)
		i++;
	while (i < le->len && CONT(le->buf[i]))
		i++;
	return i;
}

/* Characters (columns) in [a, b). */
static size_t
cols(const struct lineedit *le, size_t a, size_t b)
{
	size_t	n = 0;

	for (; a < b; a++)
		if (!CONT(le->buf[a]))
			n++;
	return n;
}

static void
cut(struct lineedit *le, size_t a, size_t b)
{
	memmove(le->buf + a, le->buf + b, le->len - b + 1);
	le->len -= b - a;
	wipe(le->buf + le->len + 1, b - a);
	if (le->cur > b)
		le->cur -= b - a;
	else if (le->cur > a)
		le->cur = a;
}

void
lineedit_set(struct lineedit *le, const char *s)
{
	size_t	n = s != NULL ? strlen(s) : 0;

	lineedit_clear(le);
	if (n >= sizeof(le->buf)) {
		n = sizeof(le->buf) - 1;
		while (n > 0 && CONT(s[n]))	/* not inside a character */
			n--;
	}
	if (n > 0)
		memcpy(le->buf, s, n);
	le->buf[n] = '\0';
	le->len = le->cur = n;
}

void
lineedit_clear(struct lineedit *le)
{
	wipe(le->buf, sizeof(le->buf));
	le->len = le->cur = 0;
}

static int
insert(struct lineedit *le, int ch)
{
	if (le->len + 1 >= sizeof(le->buf))
		return LE_NONE;
	memmove(le->buf + le->cur + 1, le->buf + le->cur, le->len - le->cur +
	    1);
	le->buf[le->cur++] = (char)ch;
	le->len++;
	return LE_CHANGED;
}

int
lineedit_key(struct lineedit *le, int ch)
{
	size_t	at;

	switch (ch) {
	case KEY_LEFT:
		if (le->cur == 0)
			return LE_NONE;
		le->cur = prev_char(le, le->cur);
		return LE_MOVED;
	case KEY_RIGHT:
		if (le->cur == le->len)
			return LE_NONE;
		le->cur = next_char(le, le->cur);
		return LE_MOVED;
	case KEY_HOME:
	case CTRL('a'):
		le->cur = 0;
		return LE_MOVED;
	case KEY_END:
	case CTRL('e'):
		le->cur = le->len;
		return LE_MOVED;
	case KEY_BACKSPACE:
	case 127:
	case CTRL('h'):
		if (le->cur == 0)
			return LE_NONE;
		cut(le, prev_char(le, le->cur), le->cur);
		return LE_CHANGED;
	case KEY_DC:
	case CTRL('d'):
		if (le->cur == le->len)
			return LE_NONE;
		cut(le, le->cur, next_char(le, le->cur));
		return LE_CHANGED;
	case CTRL('u'):
		if (le->cur == 0)
			return LE_NONE;
		cut(le, 0, le->cur);
		return LE_CHANGED;
	case CTRL('k'):
		if (le->cur == le->len)
			return LE_NONE;
		at = le->cur;
		cut(le, at, le->len);
		return LE_CHANGED;
	}
	/* Printable ASCII, and the bytes of a UTF-8 character one by one
	 * (getch hands them over separately). */
	if ((ch >= 0x20 && ch < 0x7f) || (ch >= 0x80 && ch <= 0xf4))
		return insert(le, ch);
	return LE_UNHANDLED;
}

void
lineedit_view(const struct lineedit *le, int w, size_t *start, size_t *n,
    int *col)
{
	size_t	s = 0, e;

	if (w < 1)
		w = 1;
	/* Scroll so the cursor sits in the last column at most. */
	while (cols(le, s, le->cur) >= (size_t)w)
		s = next_char(le, s);
	e = s;
	while (e < le->len && cols(le, s, next_char(le, e)) <= (size_t)w)
		e = next_char(le, e);
	*start = s;
	*n = e - s;
	*col = (int)cols(le, s, le->cur);
}
