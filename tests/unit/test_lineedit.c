/* test_lineedit.c: the forms' line editor edits, moves by characters
 * (never inside a UTF-8 one), keeps the cursor in view, and leaves the
 * keys it does not know to the form. */
#include "config.h"

#include <curses.h>

#include "lineedit.h"
#include "testutil.h"

#define CTRL(c)		((c) & 0x1f)

static void
type(struct lineedit *le, const char *s)
{
	for (; *s != '\0'; s++)
		assert_int_equal(lineedit_key(le, (unsigned char)*s),
		    LE_CHANGED);
}

static void
test_lineedit_edits_at_the_cursor(void **state)
{
	struct lineedit	le;

	(void)state;
	lineedit_set(&le, "pool1.example");
	assert_int_equal(le.cur, 13);
	type(&le, ".com");
	assert_string_equal(le.buf, "pool1.example.com");
	/* Home, then Delete the "p"; End, Backspace the "m". */
	assert_int_equal(lineedit_key(&le, KEY_HOME), LE_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_DC), LE_CHANGED);
	assert_string_equal(le.buf, "ool1.example.com");
	type(&le, "P");
	assert_string_equal(le.buf, "Pool1.example.com");
	assert_int_equal(lineedit_key(&le, KEY_END), LE_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_BACKSPACE), LE_CHANGED);
	assert_int_equal(lineedit_key(&le, 127), LE_CHANGED);
	assert_string_equal(le.buf, "Pool1.example.c");
	/* Left twice and insert in the middle. */
	assert_int_equal(lineedit_key(&le, KEY_LEFT), LE_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_LEFT), LE_MOVED);
	type(&le, "X");
	assert_string_equal(le.buf, "Pool1.exampleX.c");
	assert_int_equal(le.cur, 14);
	/* Ctrl-K cuts after the cursor, Ctrl-U before it. */
	assert_int_equal(lineedit_key(&le, CTRL('k')), LE_CHANGED);
	assert_string_equal(le.buf, "Pool1.exampleX");
	assert_int_equal(lineedit_key(&le, KEY_LEFT), LE_MOVED);
	assert_int_equal(lineedit_key(&le, CTRL('u')), LE_CHANGED);
	assert_string_equal(le.buf, "X");
	assert_int_equal(le.cur, 0);
	assert_int_equal(le.len, 1);
	/* Nothing to do at the ends. */
	assert_int_equal(lineedit_key(&le, KEY_BACKSPACE), LE_NONE);
	assert_int_equal(lineedit_key(&le, KEY_LEFT), LE_NONE);
	assert_int_equal(lineedit_key(&le, CTRL('u')), LE_NONE);
	assert_int_equal(lineedit_key(&le, CTRL('e')), LE_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_DC), LE_NONE);
	assert_int_equal(lineedit_key(&le, KEY_RIGHT), LE_NONE);
	lineedit_clear(&le);
	assert_string_equal(le.buf, "");
}

/* Enter, Tab, Esc, F2, arrows up and down, Ctrl-S: the form's. */
static void
test_lineedit_leaves_form_keys(void **state)
{
	struct lineedit	le;
	const int	keys[] = { '\r', '\n', '\t', 27, KEY_F(2), KEY_UP,
	    KEY_DOWN, KEY_BTAB, CTRL('s'), KEY_ENTER, 0x1f, 0xff };
	size_t		i;

	(void)state;
	lineedit_set(&le, "abc");
	for (i = 0; i < nitems(keys); i++)
		assert_int_equal(lineedit_key(&le, keys[i]), LE_UNHANDLED);
	assert_string_equal(le.buf, "abc");
	assert_int_equal(le.cur, 3);
}

static void
test_lineedit_utf8_characters_whole(void **state)
{
	struct lineedit	le;
	size_t		start, n;
	int		col;

	(void)state;
	/* "é" is two bytes; getch hands them over one at a time. */
	lineedit_set(&le, "caf");
	type(&le, "\xc3\xa9s");
	assert_string_equal(le.buf, "caf\xc3\xa9s");
	assert_int_equal(lineedit_key(&le, KEY_LEFT), LE_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_LEFT), LE_MOVED);
	assert_int_equal(le.cur, 3);
	assert_int_equal(lineedit_key(&le, KEY_DC), LE_CHANGED);
	assert_string_equal(le.buf, "cafs");
	lineedit_set(&le, "\xc3\xa9\xc3\xa9");
	assert_int_equal(lineedit_key(&le, KEY_BACKSPACE), LE_CHANGED);
	assert_string_equal(le.buf, "\xc3\xa9");
	/* One column per character. */
	lineedit_view(&le, 10, &start, &n, &col);
	assert_int_equal(start, 0);
	assert_int_equal(n, 2);
	assert_int_equal(col, 1);
}

static void
test_lineedit_full_and_long(void **state)
{
	struct lineedit	le;
	char		big[LINEEDIT_MAX + 10];
	size_t		start, n;
	int		col;

	(void)state;
	/* Longer than the buffer: cut, and not inside a character. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[LINEEDIT_MAX - 2] = '\xc3';
	big[LINEEDIT_MAX - 1] = '\xa9';
	lineedit_set(&le, big);
	assert_int_equal(le.len, LINEEDIT_MAX - 2);
	assert_int_equal(strlen(le.buf), LINEEDIT_MAX - 2);
	type(&le, "b");
	assert_int_equal(lineedit_key(&le, 'c'), LE_NONE);
	assert_int_equal(le.len, LINEEDIT_MAX - 1);

	/* The view scrolls to keep the cursor in its 10 columns. */
	lineedit_set(&le, "0123456789abcdef");
	lineedit_view(&le, 10, &start, &n, &col);
	assert_int_equal(col, 9);
	assert_int_equal(start, 7);
	assert_int_equal(n, 9);
	assert_int_equal(lineedit_key(&le, KEY_HOME), LE_MOVED);
	lineedit_view(&le, 10, &start, &n, &col);
	assert_int_equal(start, 0);
	assert_int_equal(n, 10);
	assert_int_equal(col, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lineedit_edits_at_the_cursor),
		cmocka_unit_test(test_lineedit_leaves_form_keys),
		cmocka_unit_test(test_lineedit_utf8_characters_whole),
		cmocka_unit_test(test_lineedit_full_and_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
