/*
 * clean.h: the one text cleaner. Text that came from outside (a device's
 * output, a certificate, a file, the database, the command line) goes
 * through it on every path to a terminal, a report or a JSON document.
 */
#ifndef FEDWIZ_CLEAN_H
#define FEDWIZ_CLEAN_H

#include <stddef.h>

/*
 * Terminal text as a human would read it: CSI/OSC/other escape sequences
 * removed, "\r\n" turned into "\n", a lone "\r" back to the line's start (text
 * after it overwrites the line: the text after it wins; it never makes a
 * line of its own, so "\n\r" and "\r\r\n" end one line), backspace erases the
 * character before it, other control bytes dropped (tab kept), invalid
 * UTF-8 replaced by U+FFFD. The result is malloc'd, NUL-terminated; *outlen
 * its length. Also what anything remote goes through before a screen or a
 * report shows it.
 * Also: "\e[K" right after a lone "\r" blanks the line (how VOS wipes its
 * pager), "\e[2K" always; a line rewritten after "\r" with only spaces is
 * empty (how the ASA wipes "<--- More --->"); "\e[2J" clears nothing (no
 * output is lost); C1 controls, raw 0x9b as CSI, and bidi controls
 * (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C) are dropped.
 * Reads only the len bytes given (a sequence cut at the end is dropped);
 * outlen may be NULL.
 */
char	*clean_term(const char *, size_t, size_t *);

/* clean_term of a string (NULL: ""), without the length: malloc'd. */
char	*clean_str(const char *, size_t);

/*
 * Whole text from outside that is not a terminal stream: a field from the
 * database (an operator, a note, an answer), a file, the command line, an
 * error message quoting any of them. clean_term's rules, except that
 * nothing may hide other text: a lone "\r" ends a line, backspace is
 * dropped, and an escape string left open (OSC...) ends with its line.
 * Flags: CLEAN_LINE folds it to one line (newline and tab become a space),
 * CLEAN_TRIM drops trailing spaces, tabs and newlines. NULL is "".
 * malloc'd.
 */
#define CLEAN_LINE	0x01
#define CLEAN_TRIM	0x02
char	*clean_text(const char *, int);
/* clean_text(s, CLEAN_LINE | CLEAN_TRIM): one field on one line. */
char	*clean_line(const char *);

/*
 * Text given for the record (a note, an operator's name): 0, or -1 with
 * why (without the value): not valid UTF-8, a control character (newline
 * and tab allowed when multiline), a bidi control. What such input would
 * do on a terminal is refused where it is typed, not cleaned later.
 */
int	 clean_input_check(const char *, int, char *, size_t);

#endif
