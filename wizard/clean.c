/*
 * clean.c: the one text cleaner (clean.h). Whatever came from outside
 * (a device's output, a file, the database, the command line) goes
 * through here before a terminal, a report or a JSON document shows it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "util.h"

#define ESC	0x1b
#define BEL	0x07
#define CAN	0x18
#define SUB	0x1a

/* Terminal text. */

struct term {
	struct buf	 out;
	size_t		 line;		/* where the current line starts */
	int		 cr;		/* a lone "\r": cursor at column 0 */
	int		 rewritten;	/* text came after a "\r" on the line */
	int		 text;		/* whole text, not a terminal stream */
};

/*
 * Invisible characters that reorder what a screen shows (the "Trojan
 * Source" set): device output reaches the operator's screen and reports,
 * where they could make one text read as another.
 */
static int
is_bidi(uint32_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x200e || c == 0x200f || c == 0x061c;
}

static void
term_cut(struct term *t, size_t at)
{
	if (at < t->out.len) {
		t->out.len = at;
		t->out.s[at] = '\0';
	}
}

static void
term_text(struct term *t, const char *s, size_t n)
{
	if (t->cr) {
		/* "the text after it wins" (prompt.h): a progress counter or
		 * a pager being wiped leaves only its last state */
		term_cut(t, t->line);
		t->cr = 0;
		t->rewritten = 1;
	}
	buf_add(&t->out, s, n);
}

/*
 * A line rewritten after "\r" that is only spaces was an eraser: the ASA
 * wipes "<--- More --->" with "\r" + 14 spaces + "\r". What a human sees
 * there is nothing, and nothing is what the output should hold.
 */
static void
term_settle(struct term *t)
{
	size_t	i;

	if (!t->rewritten)
		return;
	for (i = t->line; i < t->out.len; i++)
		if (t->out.s[i] != ' ')
			return;
	term_cut(t, t->line);
}

static void
term_newline(struct term *t)
{
	term_settle(t);
	buf_addc(&t->out, '\n');
	t->line = t->out.len;
	t->cr = t->rewritten = 0;
}

static void
term_backspace(struct term *t)
{
	size_t	i = t->out.len;

	/* At column 0 (start of line, or just after "\r") there is nothing
	 * to the left: a terminal's BS never goes back a line. */
	if (t->cr || i <= t->line)
		return;
	/* Our own output is valid UTF-8: step back over one code point. */
	do
		i--;
	while (i > t->line && ((unsigned char)t->out.s[i] & 0xc0) == 0x80);
	term_cut(t, i);
}

/* A CSI sequence whose parameter bytes start at s[i]; returns the index
 * after it. Parameters, then intermediates, then one final byte; anything
 * else (a control, a cut) ends the sequence, dropped. */
static size_t
term_csi(struct term *t, const unsigned char *s, size_t len, size_t i)
{
	size_t	p = i;

	while (i < len && s[i] >= 0x20 && s[i] <= 0x3f)
		i++;
	if (i >= len)
		return len;
	if (s[i] < 0x40 || s[i] > 0x7e)
		return i;
	if (s[i] == 'K' && !t->text) {
		/* EL. "\e[K" after "\r" is how VOS wipes its pager line:
		 * erase it now (the cursor is at column 0). "\e[1K"/"\e[2K"
		 * blank the line whatever the cursor. "\e[J"/"\e[2J" are
		 * ignored: clearing the screen must not drop output we are
		 * asked to keep. */
		if (i == p || (i == p + 1 && s[p] == '0')) {
			if (t->cr)
				term_cut(t, t->line);
		} else if (i == p + 1 && (s[p] == '1' || s[p] == '2'))
			term_cut(t, t->line);
	}
	return i + 1;
}

/* A control string (OSC, DCS, SOS, PM, APC) whose content starts at s[i],
 * up to BEL or ST (ESC \). Another ESC ends it without being eaten, and so
 * do CAN/SUB, so a stray "\e]" cannot hide the rest of a session; cut at
 * the end of the buffer, it is dropped to there (more may arrive). */
static size_t
term_string(const struct term *t, const unsigned char *s, size_t len, size_t i)
{
	for (; i < len; i++) {
		if (s[i] == BEL || s[i] == CAN || s[i] == SUB)
			return i + 1;
		/* Whole text (a note, a field): a string left open ends with
		 * its line, so one stray byte cannot hide the rest. */
		if (t->text && s[i] == '\n')
			return i;
		if (s[i] == ESC) {
			if (i + 1 < len && s[i + 1] == '\\')
				return i + 2;
			return i;
		}
	}
	return len;
}

/* The escape sequence at s[i] (ESC); returns the index after it. */
static size_t
term_escape(struct term *t, const unsigned char *s, size_t len, size_t i)
{
	unsigned char	c;

	if (i + 1 >= len)
		return len;
	c = s[i + 1];
	if (c == '[')
		return term_csi(t, s, len, i + 2);
	if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
		return term_string(t, s, len, i + 2);
	if (c >= 0x20 && c <= 0x2f) {
		/* nF: ESC ( B, ESC # 8 ...: intermediates, then a final */
		for (i += 2; i < len && s[i] >= 0x20 && s[i] <= 0x2f; i++)
			;
		if (i >= len)
			return len;
		return s[i] >= 0x30 && s[i] <= 0x7e ? i + 1 : i;
	}
	if (c >= 0x30 && c <= 0x7e)
		return i + 2;		/* ESC =, ESC >, ESC 7, ESC M ... */
	return i + 1;			/* a lone ESC: dropped alone */
}

static char *
clean_run(const char *in, size_t len, int text, size_t *outlen)
{
	const unsigned char	*s = (const unsigned char *)in;
	struct term		 t;
	uint32_t		 cp = 0;
	size_t			 i = 0;
	int			 k;

	memset(&t, 0, sizeof(t));
	t.text = text;
	buf_init(&t.out);
	if (s == NULL)
		len = 0;
	while (i < len) {
		if (s[i] == ESC) {
			i = term_escape(&t, s, len, i);
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7f) {
			if (s[i] == '\n')
				term_newline(&t);
			else if (s[i] == '\r' && t.text) {
				/* nothing may hide text: a lone CR is a line
				 * end, CR LF one line end */
				if (i + 1 >= len || s[i + 1] != '\n')
					term_newline(&t);
			} else if (s[i] == '\r') {
				term_settle(&t);
				t.cr = 1;
			} else if (s[i] == '\b' && !t.text)
				term_backspace(&t);
			else if (s[i] == '\t')
				term_text(&t, "\t", 1);
			/* NUL, BEL, SI/SO, DEL and the rest: nothing to see */
			i++;
			continue;
		}
		if ((k = utf8_next(s + i, len - i, &cp)) < 0) {
			/* 0x9b alone is the 8-bit CSI; inside a UTF-8
			 * sequence it is a continuation byte, taken above. */
			if (s[i] == 0x9b) {
				i = term_csi(&t, s, len, i + 1);
				continue;
			}
			term_text(&t, "\xef\xbf\xbd", 3);
			i += (size_t)-k;
			continue;
		}
		if (!(cp >= 0x80 && cp <= 0x9f) && !is_bidi(cp))
			term_text(&t, (const char *)s + i, (size_t)k);
		i += (size_t)k;
	}
	term_settle(&t);
	if (outlen != NULL)
		*outlen = t.out.len;
	return buf_steal(&t.out);
}

char *
clean_term(const char *in, size_t len, size_t *outlen)
{
	return clean_run(in, len, 0, outlen);
}

char *
clean_str(const char *s, size_t len)
{
	return clean_term(s != NULL ? s : "", s != NULL ? len : 0, NULL);
}

/* Whole text. */

char *
clean_text(const char *s, int flags)
{
	char	*out, *p;
	size_t	 len;

	out = clean_run(s != NULL ? s : "", s != NULL ? strlen(s) : 0, 1,
	    &len);
	if (flags & CLEAN_LINE)
		for (p = out; *p != '\0'; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
	if (flags & CLEAN_TRIM) {
		while (len > 0 && (out[len - 1] == ' ' ||
		    out[len - 1] == '\n' || out[len - 1] == '\t'))
			len--;
		out[len] = '\0';
	}
	return out;
}

char *
clean_line(const char *s)
{
	return clean_text(s, CLEAN_LINE | CLEAN_TRIM);
}

/*
 * Input for the record. A control character in a note or a name would
 * reach every terminal and report that shows it; cleaning it there would
 * make the record say something other than what was given. So it is
 * refused where it is typed.
 */
int
clean_input_check(const char *s, int multiline, char *why, size_t whylen)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + strlen(s);
	uint32_t		 c = 0;
	int			 n;

	while (p < end) {
		if ((n = utf8_next(p, (size_t)(end - p), &c)) < 0) {
			snprintf(why, whylen, "is not valid UTF-8 (byte 0x%02x "
			    "at offset %zu)", *p, (size_t)(p -
			    (const unsigned char *)s));
			return -1;
		}
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) ||
		    c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
			snprintf(why, whylen, "contains a control character "
			    "(U+%04X at offset %zu)%s", (unsigned)c, (size_t)(p -
			    (const unsigned char *)s), c == ESC ? ", the start "
			    "of a terminal escape sequence" : "");
			return -1;
		}
		if (is_bidi(c)) {
			snprintf(why, whylen, "contains a bidirectional control "
			    "(U+%04X at offset %zu), which makes text read "
			    "differently from what it says", (unsigned)c,
			    (size_t)(p - (const unsigned char *)s));
			return -1;
		}
		p += n;
	}
	return 0;
}
