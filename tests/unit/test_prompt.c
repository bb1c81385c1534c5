/* test_prompt.c: terminal text, prompts, pagers, a command's output and
 * device errors, from bytes as IM and Presence (VOS) and the ASA send them
 * through a PTY. */
#include "config.h"

#include "clean.h"
#include "profile.h"
#include "prompt.h"
#include "testutil.h"

/* A literal's bytes, embedded NULs included. */
#define LIT(s)	(s), (sizeof(s) - 1)

/*
 * clean_term over an exact-size heap copy: no NUL after the bytes, so
 * AddressSanitizer catches any read past the length given.
 */
static char *
strip(const char *s, size_t n, size_t *outlen)
{
	char	*copy = xmalloc(n > 0 ? n : 1), *out;

	memcpy(copy, s, n);
	out = clean_term(copy, n, outlen);
	free(copy);
	return out;
}

static void
strip_is_n(const char *raw, size_t n, const char *want)
{
	size_t	 len = 999;
	char	*out = strip(raw, n, &len);

	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	free(out);
}
#define strip_is(raw, want)	strip_is_n(LIT(raw), want)

static const struct profile *
vos(void)
{
	const struct profile	*p = profile_find("cisco-vos");

	assert_non_null(p);
	return p;
}

static const struct profile *
asa(void)
{
	const struct profile	*p = profile_find("cisco-asa");

	assert_non_null(p);
	return p;
}

/* What prompt_scan says of raw bytes once stripped; *hit filled. */
static enum prompt_state
scan_raw(const struct profile *p, const char *raw, size_t n,
    struct prompt_hit *hit, char **text)
{
	size_t			 len;
	char			*s = strip(raw, n, &len), *copy;
	enum prompt_state	 st;

	copy = xmalloc(len > 0 ? len : 1);
	memcpy(copy, s, len);
	memset(hit, 0x55, sizeof(*hit));
	st = prompt_scan(p, copy, len, hit);
	free(copy);
	if (text != NULL)
		*text = s;
	else
		free(s);
	return st;
}

/* prompt_scan of stripped text (no NUL after it). */
static enum prompt_state
scan(const struct profile *p, const char *text, struct prompt_hit *hit)
{
	size_t			 n = strlen(text);
	char			*copy = xmalloc(n > 0 ? n : 1);
	enum prompt_state	 st;

	memcpy(copy, text, n);
	memset(hit, 0x55, sizeof(*hit));
	st = prompt_scan(p, copy, n, hit);
	free(copy);
	return st;
}

static void
prompt_is(const struct profile *p, const char *text, char mode)
{
	struct prompt_hit	hit;

	if (scan(p, text, &hit) != PS_PROMPT)
		fail_msg("\"%s\" is not seen as a %s prompt", text, p->name);
	assert_int_equal(hit.mode, mode);
	assert_true(hit.start <= strlen(text));
}

static void
not_prompt(const struct profile *p, const char *text)
{
	struct prompt_hit	hit;
	enum prompt_state	st = scan(p, text, &hit);

	if (st != PS_NONE)
		fail_msg("\"%s\" is taken for state %d on %s", text, (int)st,
		    p->name);
}

static void
state_is(const struct profile *p, const char *text, enum prompt_state want)
{
	struct prompt_hit	hit;
	enum prompt_state	st = scan(p, text, &hit);

	if (st != want)
		fail_msg("\"%s\": state %d, want %d", text, (int)st, (int)want);
	assert_int_equal(hit.state, want);
}

/* prompt_output of raw bytes, stripped, up to the prompt found. */
static char *
output_of(const struct profile *p, const char *raw, size_t n,
    const char *cmd)
{
	struct prompt_hit	 hit;
	size_t			 len, olen = 999;
	char			*s, *copy, *out;

	assert_int_equal(scan_raw(p, raw, n, &hit, &s), PS_PROMPT);
	len = strlen(s);
	copy = xmalloc(len > 0 ? len : 1);
	memcpy(copy, s, len);
	out = prompt_output(p, copy, len, cmd, &hit, &olen);
	assert_int_equal(olen, strlen(out));
	free(copy);
	free(s);
	return out;
}

static void
output_is_n(const struct profile *p, const char *raw, size_t n,
    const char *cmd, const char *want)
{
	char	*out = output_of(p, raw, n, cmd);

	assert_string_equal(out, want);
	free(out);
}
#define output_is(p, raw, cmd, want)	output_is_n(p, LIT(raw), cmd, want)

/* clean_term. */

static void
test_strip_removes_sgr_and_csi_with_parameters(void **state)
{
	(void)state;
	strip_is("\x1b[1madmin:\x1b[0m", "admin:");
	strip_is("\x1b[38;5;1mred\x1b[0m \x1b[48;2;1;2;3mbg\x1b[m", "red bg");
	strip_is("\x1b[?25lhidden cursor\x1b[?25h", "hidden cursor");
	strip_is("a\x1b[2Jb\x1b[Hc\x1b[10;20Hd", "abcd");
	strip_is("x\x1b[5 qy", "xy");		/* an intermediate byte */
	strip_is("plain text\n", "plain text\n");
}

static void
test_strip_removes_osc_ended_by_bel_or_st(void **state)
{
	(void)state;
	strip_is("\x1b]0;imp1: admin\x07text", "text");
	strip_is("\x1b]2;title\x1b\\text", "text");
	strip_is("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link");
	strip_is("\x1bPdcs data\x1b\\after", "after");
	/* an ESC inside ends the string and is read as itself */
	strip_is("\x1b]0;oops\x1b[1mbold", "bold");
}

static void
test_strip_removes_two_byte_and_charset_escapes(void **state)
{
	(void)state;
	strip_is("\x1b=\x1b>ok", "ok");
	strip_is("\x1b(Bascii\x1b)0", "ascii");
	strip_is("\x1b" "7saved\x1b" "8", "saved");
	strip_is("\x1b#8x", "x");
	/* a lone ESC before a control or text is dropped, not what follows */
	strip_is("a\x1b\nb", "a\nb");
}

static void
test_strip_never_reads_past_a_cut_sequence(void **state)
{
	static const char	*raws[] = {
		"ab\x1b[38;5;1mcd\x1b]0;title\x07" "ef\xe2\x82\xac\x1b(Bgh",
		"\x1b[1madmin:\x1b[0m",
		"<--- More --->\r              \rx",
		"\xf0\x9d\x84\x9e\x9b" "1mz\x1bP\x1b\\",
	};
	size_t			 i, n, len;
	char			*out;

	(void)state;
	/* the engine strips buffers that grow byte by byte: every cut must
	 * be safe, and the whole must come out right */
	for (i = 0; i < nitems(raws); i++)
		for (n = 0; n <= strlen(raws[i]); n++) {
			out = strip(raws[i], n, &len);
			assert_int_equal(len, strlen(out));
			free(out);
		}
	strip_is("ab\x1b[38;5;1mcd\x1b]0;title\x07" "ef\xe2\x82\xac\x1b(Bgh",
	    "abcdef\xe2\x82\xacgh");
	strip_is("abc\x1b", "abc");
	strip_is("abc\x1b[", "abc");
	strip_is("abc\x1b[38;5", "abc");
	strip_is("abc\x1b]0;unterminated title", "abc");
	strip_is("abc\x1b(", "abc");
}

static void
test_strip_crlf_and_lone_cr(void **state)
{
	(void)state;
	strip_is("a\r\nb\r\n", "a\nb\n");
	strip_is("a\n\rb\n\r", "a\nb\n");		/* ASA's "\n\r" */
	strip_is("a\r\r\nb\r\n\r", "a\nb\n");		/* "\r\r\n", "\r\n\r" */
	strip_is("10%\r20%\r100%\r\n", "100%\n");
	strip_is("long line\rshort", "short");
	strip_is("ends with cr\r", "ends with cr");
}

static void
test_strip_asa_more_wiped_with_cr_spaces(void **state)
{
	(void)state;
	strip_is("line1\r\n<--- More --->\r              \rline2\r\n",
	    "line1\nline2\n");
	/* waiting at the pager, then wiped with nothing after it yet */
	strip_is("line1\r\n<--- More --->", "line1\n<--- More --->");
	strip_is("line1\r\n<--- More --->\r              \r", "line1\n");
	/* a blank output line right after the wipe stays one empty line */
	strip_is("a\r\n<--- More --->\r              \r\r\nb\r\n",
	    "a\n\nb\n");
}

static void
test_strip_asa_more_wiped_with_backspaces(void **state)
{
	(void)state;
	strip_is("line1\r\n<--- More --->"
	    "\b\b\b\b\b\b\b\b\b\b\b\b\b\b"
	    "              "
	    "\b\b\b\b\b\b\b\b\b\b\b\b\b\b"
	    "line2\r\n", "line1\nline2\n");
}

static void
test_strip_vos_pager_wiped_with_cr_erase_line(void **state)
{
	(void)state;
	strip_is("Processors        : 2\r\n\x1b[1mPress <enter> for 1 line, "
	    "<space> for one page, or <q> to quit\x1b[0m\r\x1b[K"
	    "Type              : Intel(R) Xeon(R)\r\n",
	    "Processors        : 2\nType              : Intel(R) Xeon(R)\n");
	/* the line is blanked even if nothing follows yet */
	strip_is("x\r\nPress\r\x1b[K", "x\n");
	strip_is("keep\x1b[K", "keep");		/* cursor at the end */
	strip_is("gone\x1b[2K", "");
}

static void
test_strip_backspace_erases_one_character(void **state)
{
	(void)state;
	strip_is("abc\b\bX", "aX");
	strip_is("caf\xc3\xa9\bx", "cafx");		/* a code point */
	strip_is("\b\bx", "x");
	strip_is("a\n\bb", "a\nb");		/* never back over a newline */
	strip_is("ab\r\bc", "c");
}

static void
test_strip_drops_control_bytes_keeps_tab(void **state)
{
	(void)state;
	strip_is("a\0b\x07" "c\x7f" "d\x0e\x0f\x0b\x0c" "e\tf", "abcde\tf");
}

static void
test_strip_invalid_utf8_becomes_replacement(void **state)
{
	(void)state;
	strip_is("a\xff" "b", "a\xef\xbf\xbd" "b");
	/* overlong '/' : two bad bytes, two replacements */
	strip_is("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	/* a surrogate and past U+10FFFF: one per byte, as Unicode advises */
	strip_is("\xed\xa0\x80",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	strip_is("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd");
	/* a truncated sequence before ASCII: one replacement, ASCII kept */
	strip_is("\xe2\x82z", "\xef\xbf\xbdz");
	strip_is("h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e \xe6\x97\xa5",
	    "h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e \xe6\x97\xa5");
}

static void
test_strip_8bit_csi_only_outside_utf8(void **state)
{
	(void)state;
	strip_is("a\x9b" "31mb", "ab");
	strip_is("\xc3\x9b", "\xc3\x9b");	/* U+00DB: 0x9b continues it */
	strip_is("\xe2\x9b\x94", "\xe2\x9b\x94");	/* U+26D4 */
	strip_is("a\xc2\x85" "b\xc2\x9b" "c", "abc");	/* encoded C1 */
}

static void
test_strip_drops_bidi_controls(void **state)
{
	(void)state;
	strip_is("a\xe2\x80\xae" "b\xe2\x80\xaa" "c\xe2\x81\xa6" "d"
	    "\xe2\x81\xa9" "e\xe2\x80\x8f" "f", "abcdef");
	strip_is("\xe2\x80\x99ok", "\xe2\x80\x99ok");	/* ’ stays */
}

static void
test_strip_empty_input(void **state)
{
	size_t	 len = 999;
	char	*out = clean_term(NULL, 0, &len);

	(void)state;
	assert_string_equal(out, "");
	assert_int_equal(len, 0);
	free(out);
	out = clean_term("x", 0, NULL);
	assert_string_equal(out, "");
	free(out);
}

/* prompt_scan: IM and Presence (VOS). */

static const char vos_login[] =
    "Command Line Interface is starting up, please wait ...\r\n\r\n"
    "   Welcome to the Platform Command Line Interface\r\n\r\n"
    "VMware Installation:\r\n"
    "\t2 vCPU: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\r\n"
    "\tDisk 1: 80GB, Partitions aligned\r\n"
    "\t6144 Mbytes RAM\r\n\r\n"
    "\x1b[1madmin:\x1b[0m";

static void
test_scan_vos_first_prompt_after_banner(void **state)
{
	struct prompt_hit	 hit;
	char			*text;

	(void)state;
	assert_int_equal(scan_raw(vos(), LIT(vos_login), &hit, &text),
	    PS_PROMPT);
	assert_int_equal(hit.state, PS_PROMPT);
	assert_int_equal(hit.mode, ':');
	assert_string_equal(text + hit.start, "admin:");
	free(text);
}

static void
test_scan_vos_prompt_forms(void **state)
{
	(void)state;
	prompt_is(vos(), "admin:", ':');
	prompt_is(vos(), "admin: ", ':');
	prompt_is(vos(), "out\nccmadmin:", ':');
	prompt_is(vos(), "x\nplatform_admin-2:", ':');
}

static void
test_scan_vos_output_lines_are_not_prompts(void **state)
{
	(void)state;
	/* ends in ':' but more followed */
	not_prompt(vos(), "Subject Name:\n    CN=imp1.example.com\n");
	/* not one word */
	not_prompt(vos(), "certificate:\nSubject Name:");
	not_prompt(vos(), "Type              :");
	not_prompt(vos(), "admin:show status");	/* the echo */
	not_prompt(vos(), "admin:\n");		/* a line has begun */
	not_prompt(vos(), "  admin:");		/* not at column 0 */
	not_prompt(vos(), "1abc:");
	not_prompt(vos(), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:");
	not_prompt(vos(), "");
	not_prompt(vos(), "fw01#");
}

static void
test_scan_vos_lone_word_colon_is_the_residual_risk(void **state)
{
	(void)state;
	/* Documented in prompt.c: a last output line "Subject:" alone
	 * cannot be told from a prompt by the text alone. */
	prompt_is(vos(), "Certificate details\nSubject:", ':');
}

static void
test_scan_vos_press_enter_pager(void **state)
{
	struct prompt_hit	 hit;
	char			*text;
	static const char	 raw[] = "Processors        : 2\r\n"
	    "\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> "
	    "to quit\x1b[0m";

	(void)state;
	assert_int_equal(scan_raw(vos(), LIT(raw), &hit, &text), PS_PAGER);
	assert_string_equal(prompt_pager_key(vos(), text, strlen(text)), " ");
	assert_int_equal(hit.mode, 0);
	free(text);
}

static void
test_scan_vos_options_pager_sends_n_then_q_at_end(void **state)
{
	struct prompt_hit	 hit;
	char			*text;
	static const char	 mid[] = "20:58:38  Checkpoint Statistics\r\n"
	    "\x1b[1m\r\noptions: q=quit, n=next, p=prev, b=begin, e=end "
	    "(lines 1 - 20 of 189216) : \x1b[0m";
	static const char	 end[] = "g_3_cer  3 Active   Connected\r\n"
	    "\r\nend of the file reached\r\n\x1b[1m\r\noptions: q=quit, "
	    "n=next, p=prev, b=begin, e=end (lines 1 - 7 of 7) : \x1b[0m";

	(void)state;
	assert_int_equal(scan_raw(vos(), LIT(mid), &hit, &text), PS_PAGER);
	assert_string_equal(prompt_pager_key(vos(), text, strlen(text)), "n");
	free(text);
	assert_int_equal(scan_raw(vos(), LIT(end), &hit, &text), PS_PAGER);
	assert_string_equal(prompt_pager_key(vos(), text, strlen(text)), "q");
	free(text);
	/* not quite the viewer's line: not a pager */
	not_prompt(vos(), "options: q=quit, n=next, p=prev, b=begin, e=end "
	    "(lines 1 - x of 7) :");
}

static void
test_scan_vos_password_and_confirm(void **state)
{
	(void)state;
	state_is(vos(), "Enter password:", PS_PASSWORD);
	state_is(vos(), "x\nPassword: ", PS_PASSWORD);
	state_is(vos(), "Continue (y/n)?", PS_CONFIRM);
	state_is(vos(), "Do you really want to restart ?\nEnter (yes/no)?",
	    PS_CONFIRM);
}

/* prompt_scan: ASA. */

static void
test_scan_asa_modes(void **state)
{
	(void)state;
	prompt_is(asa(), "fw01>", '>');
	prompt_is(asa(), "fw01> ", '>');
	prompt_is(asa(), "fw01# ", '#');
	prompt_is(asa(), "fw01.example.com#", '#');
	prompt_is(asa(), "fw01(config)# ", 'c');
	prompt_is(asa(), "fw01(config-ca-trustpoint)# ", 'c');
	prompt_is(asa(), "fw01(config-pmap-c)#", 'c');
}

static void
test_scan_asa_failover_suffixes(void **state)
{
	(void)state;
	prompt_is(asa(), "asa/pri/act# ", '#');
	prompt_is(asa(), "asa/sec/stby> ", '>');
	prompt_is(asa(), "asa/admin/pri/act(config)# ", 'c');
	prompt_is(asa(), "asa/ctx1# ", '#');
}

static void
test_scan_asa_output_lines_are_not_prompts(void **state)
{
	(void)state;
	not_prompt(asa(), "fw01# show version");	/* the echo */
	not_prompt(asa(), "show run");
	not_prompt(asa(), "              ^");
	not_prompt(asa(), "interface GigabitEthernet0/0");
	not_prompt(asa(), "fw01(config)>");		/* no such mode */
	not_prompt(asa(), "fw01(interface)#");
	not_prompt(asa(), "<html>");
	not_prompt(asa(), "#");
	not_prompt(asa(), "-#");
	not_prompt(asa(), "fw01#\n");
	not_prompt(asa(), "admin:");
	not_prompt(asa(), "Subject Name:\n");
}

static void
test_scan_asa_pager_password_confirm(void **state)
{
	struct prompt_hit	 hit;
	char			*text;
	static const char	 more[] = "access-list a line 1\r\n"
	    "<--- More --->";

	(void)state;
	assert_int_equal(scan_raw(asa(), LIT(more), &hit, &text), PS_PAGER);
	assert_string_equal(text + hit.start, "<--- More --->");
	assert_string_equal(prompt_pager_key(asa(), text, strlen(text)), " ");
	free(text);
	state_is(asa(), "enable\nPassword: ", PS_PASSWORD);
	state_is(asa(), "Proceed with reload? [confirm]", PS_CONFIRM);
	state_is(asa(), "Do you want to continue? [yes/no]: ", PS_CONFIRM);
}

static void
test_scan_asa_enable_transcript(void **state)
{
	struct prompt_hit	hit;

	(void)state;
	/* fw01> enable */
	assert_int_equal(scan_raw(asa(), LIT("enable\r\nPassword: "), &hit,
	    NULL), PS_PASSWORD);
	/* the secret is not echoed; then the privileged prompt */
	assert_int_equal(scan_raw(asa(), LIT("\r\nfw01# "), &hit, NULL),
	    PS_PROMPT);
	assert_int_equal(hit.mode, '#');
	output_is(asa(), "terminal pager 0\r\nfw01# ", "terminal pager 0", "");
}

static void
test_scan_other_profiles_see_nothing(void **state)
{
	struct prompt_hit	hit;

	(void)state;
	assert_int_equal(scan(profile_find("linux"), "$ ", &hit), PS_NONE);
	assert_int_equal(scan(profile_find("none"), "admin:", &hit), PS_NONE);
	assert_int_equal(scan(NULL, "admin:", &hit), PS_NONE);
	assert_int_equal(prompt_scan(vos(), NULL, 0, &hit), PS_NONE);
}

/* prompt_output. */

static void
test_output_asa_show_version_verbatim(void **state)
{
	(void)state;
	output_is(asa(), "show version\r\n\r\n"
	    "Cisco Adaptive Security Appliance Software Version 9.8(4)\r\n"
	    "Device Manager Version 7.8(2) \r\n\r\n"
	    "fw01 up 3 days 4 hours\r\n"
	    "fw01/pri/act# ", "show version",
	    "\nCisco Adaptive Security Appliance Software Version 9.8(4)\n"
	    "Device Manager Version 7.8(2) \n\nfw01 up 3 days 4 hours\n");
}

static void
test_output_asa_more_mid_output_is_dropped(void **state)
{
	(void)state;
	output_is(asa(), "show run crypto\r\n"
	    "crypto ca trustpoint imp\r\n"
	    " enrollment terminal\r\n"
	    "<--- More --->\r              \r"
	    " crl configure\r\n"
	    "<--- More --->"
	    "\b\b\b\b\b\b\b\b\b\b\b\b\b\b              "
	    "\b\b\b\b\b\b\b\b\b\b\b\b\b\b"
	    "crypto ca certificate chain imp\r\n"
	    "fw01# ", "show run crypto",
	    "crypto ca trustpoint imp\n enrollment terminal\n crl configure\n"
	    "crypto ca certificate chain imp\n");
}

static void
test_output_pager_left_in_text_is_dropped(void **state)
{
	char	*out;
	size_t	 len;
	static const char text[] = "show x\nline1\n<--- More --->\nline2\n"
	    "<--- More --->     line3\nfw01# ";

	(void)state;
	/* when a caller strips pages one by one, the pager stays visible */
	out = prompt_output(asa(), text, sizeof(text) - 1, "show x", NULL,
	    &len);
	assert_string_equal(out, "line1\nline2\nline3\n");
	free(out);
}

static void
test_output_vos_paging_both_forms(void **state)
{
	(void)state;
	output_is(vos(), "show hardware\r\n\r\n"
	    "HW Platform       : VMware Virtual Machine\r\n"
	    "Processors        : 2\r\n"
	    "\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to "
	    "quit\x1b[0m\r\x1b[KType              : Intel(R) Xeon(R)\r\n"
	    "\x1b[1madmin:\x1b[0m", "show hardware",
	    "\nHW Platform       : VMware Virtual Machine\n"
	    "Processors        : 2\nType              : Intel(R) Xeon(R)\n");
	output_is(vos(), "file view activelog cm/trace/x.txt\r\n\r\n"
	    "Executing onstat  -V \r\n"
	    "\r\n"
	    "\x1b[1m\r\noptions: q=quit, n=next, p=prev, b=begin, e=end "
	    "(lines 1 - 3 of 5) : \x1b[0m\r\n"
	    "Buffers\r\n"
	    "end of the file reached\r\n"
	    "\x1b[1m\r\noptions: q=quit, n=next, p=prev, b=begin, e=end "
	    "(lines 4 - 5 of 5) : \x1b[0m\r\n"
	    "admin:", "file view activelog cm/trace/x.txt",
	    "\nExecuting onstat  -V \n\nBuffers\nend of the file reached\n");
}

static void
test_output_vos_prompt_then_command_on_one_line(void **state)
{
	(void)state;
	output_is(vos(), "admin:show status\r\nHost Name : imp1\r\nadmin:",
	    "show status", "Host Name : imp1\n");
}

static void
test_output_echo_wrapped_by_cr_at_80_columns(void **state)
{
	static const char	cmd[] = "set cert import trust-ca cup-xmpp "
	    "filename-that-is-long-enough-to-wrap-the-terminal.pem";
	static const char	raw[] = "set cert import trust-ca cup-xmpp "
	    "filename-that-is-long-enough-to-wrap-th \rerminal.pem\r\n"
	    "Successfully imported certificate\r\nadmin:";

	(void)state;
	output_is(vos(), raw, cmd, "Successfully imported certificate\n");
}

static void
test_output_echo_wrapped_over_lines(void **state)
{
	(void)state;
	output_is(asa(), "show running-config crypto ca trus\r\ntpoint\r\n"
	    "crypto ca trustpoint imp\r\nfw01# ",
	    "show running-config crypto ca trustpoint",
	    "crypto ca trustpoint imp\n");
}

static void
test_output_keeps_first_line_that_is_not_the_echo(void **state)
{
	(void)state;
	output_is(asa(), "Cryptochecksum: 1234\r\nfw01# ", "show checksum",
	    "Cryptochecksum: 1234\n");
	output_is(asa(), "Cryptochecksum: 1234\r\nfw01# ", NULL,
	    "Cryptochecksum: 1234\n");
}

static void
test_output_lines_with_hash_and_colon_stay(void **state)
{
	(void)state;
	output_is(asa(), "show run | i #\r\n! comment #\r\n"
	    "name 10.0.0.1 fw01#\r\nSubject Name:\r\nfw01# ", "show run | i #",
	    "! comment #\nname 10.0.0.1 fw01#\nSubject Name:\n");
}

static void
test_output_finds_the_prompt_itself_without_hit(void **state)
{
	char			*out;
	size_t			 len;
	struct prompt_hit	 none = { PS_NONE, 0, 0 };
	static const char	 text[] = "show x\nresult\nfw01# ";

	(void)state;
	out = prompt_output(asa(), text, sizeof(text) - 1, "show x", NULL,
	    &len);
	assert_string_equal(out, "result\n");
	free(out);
	/* a hit that found nothing: everything after the echo */
	out = prompt_output(asa(), text, sizeof(text) - 1, "show x", &none,
	    &len);
	assert_string_equal(out, "result\nfw01# ");
	free(out);
}

/* prompt_echo_end: the previous command's late output is not this one's. */

static void
test_echo_end_after_late_output(void **state)
{
	static const char	text[] = "tomcat/tomcat.pem: Certificate\n"
	    "cup/cup.pem: Certificate\nshow status\nHost Name : imp1\n"
	    "admin:";
	char			*out;
	size_t			 len;

	(void)state;
	assert_int_equal(prompt_echo_end(text, sizeof(text) - 1,
	    "show status"), strlen("tomcat/tomcat.pem: Certificate\n"
	    "cup/cup.pem: Certificate\nshow status\n"));
	out = prompt_output(vos(), text, sizeof(text) - 1, "show status",
	    NULL, &len);
	assert_string_equal(out, "Host Name : imp1\n");
	free(out);
	/* not echoed yet: nothing is this command's */
	assert_true(prompt_echo_end(text, 31, "show status") == (size_t)-1);
	/* after a prompt on the same line, as a CLI echoes it */
	assert_int_equal(prompt_echo_end("late\nfw01# show ntp\nClock\n", 26,
	    "show ntp"), 20);
}

static void
test_echo_end_tail_rule_first_line_only(void **state)
{
	(void)state;
	/* a short line that is the command's tail: the echo only on the
	 * first line (a terminal's wrap), not in the middle of output */
	assert_int_equal(prompt_echo_end("list own\nx\n", 11,
	    "show cert list own"), 9);
	assert_true(prompt_echo_end("Serial\nown\nx\n", 13,
	    "show cert list own") == (size_t)-1);
	assert_int_equal(prompt_echo_end("late\nrt list own everything\nx\n",
	    30, "show cert list own everything"), 28);
	assert_true(prompt_echo_end("abc", 3, NULL) == (size_t)-1);
}

/* prompt_error. */

static const char *
error_of(const struct profile *p, const char *text, char *line, size_t sz)
{
	size_t		 n = strlen(text), len = 0;
	char		*copy = xmalloc(n > 0 ? n : 1);
	const char	*e;

	memcpy(copy, text, n);
	e = prompt_error(p, copy, n, &len);
	if (e != NULL) {
		assert_true(len < sz);
		memcpy(line, e, len);
		line[len] = '\0';
		e = line;
	}
	free(copy);
	return e;
}

static void
error_is(const struct profile *p, const char *text, const char *want)
{
	char		 line[256];
	const char	*e = error_of(p, text, line, sizeof(line));

	if (want == NULL) {
		if (e != NULL)
			fail_msg("\"%s\" taken for an error", e);
		return;
	}
	assert_non_null(e);
	assert_string_equal(e, want);
}

static void
test_error_asa_invalid_input_marker(void **state)
{
	char	*text, *out;
	size_t	 len;
	static const char raw[] = "show cdp neighbors\r\n"
	    "              ^\r\n"
	    "ERROR: % Invalid input detected at '^' marker.\r\n"
	    "fw01# ";

	(void)state;
	out = output_of(asa(), LIT(raw), "show cdp neighbors");
	error_is(asa(), out,
	    "ERROR: % Invalid input detected at '^' marker.");
	free(out);
	text = strip(LIT(raw), &len);
	error_is(asa(), text, "ERROR: % Invalid input detected at '^' marker.");
	free(text);
	error_is(asa(), "x\n% Invalid input detected at '^' marker.\n",
	    "% Invalid input detected at '^' marker.");
	error_is(asa(), "ERROR: % Incomplete command\n",
	    "ERROR: % Incomplete command");
	error_is(asa(), "% Incomplete command", "% Incomplete command");
}

static void
test_error_asa_clean_output_has_none(void **state)
{
	(void)state;
	error_is(asa(), "crypto ca trustpoint imp\n enrollment terminal\n",
	    NULL);
	error_is(asa(), "description ERROR: not at the start\n", NULL);
	error_is(asa(), "", NULL);
}

static void
test_error_vos_unsuccessfully(void **state)
{
	(void)state;
	error_is(vos(), "Enter valid values for the port.\nSuggested values "
	    "are 6971, 6972 and 9443\nExecuted command unsuccessfully\n",
	    "Executed command unsuccessfully");
	error_is(vos(), "Invalid command: show foo\n",
	    "Invalid command: show foo");
	error_is(vos(), "-ERROR- file not found", "-ERROR- file not found");
	error_is(vos(), "Executed command successfully\n", NULL);
	/* profiles have their own words */
	error_is(vos(), "ERROR: % Invalid input detected\n", NULL);
	error_is(asa(), "Executed command unsuccessfully\n", NULL);
	error_is(profile_find("linux"), "ERROR: x\n", NULL);
}

/* PowerShell's stderr under -EncodedCommand: the Error strings, not the
 * XML or the progress records. */
static void
test_clixml_errors(void **state)
{
	const char	*in = "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"h\">"
	    "<Obj S=\"progress\" RefId=\"0\"><TN RefId=\"0\"><T>System."
	    "Management.Automation.PSCustomObject</T></TN><MS><I64 N=\"Source"
	    "Id\">1</I64><PR N=\"Record\"><AV>Preparing modules for first "
	    "use.</AV></PR></MS></Obj>"
	    "<S S=\"Error\">Get-Foo : The term &apos;Get-Foo&apos; is not "
	    "recognized_x000D__x000A_</S>"
	    "<S S=\"Error\">At line:1 char:1 &lt;&amp;&gt; caf_x00E9__x000D__"
	    "x000A_</S></Objs>";
	char		*out;
	size_t		 n;

	(void)state;
	out = clixml_errors(in, strlen(in), &n);
	assert_string_equal(out, "Get-Foo : The term 'Get-Foo' is not "
	    "recognized\r\nAt line:1 char:1 <&> caf\xc3\xa9\r\n");
	assert_int_equal(n, strlen(out));
	assert_null(strstr(out, "Preparing"));
	free(out);
	/* Not CLIXML: as it is. */
	out = clixml_errors("plain error\n", 12, NULL);
	assert_string_equal(out, "plain error\n");
	free(out);
	/* Cut short, and escapes that are not escapes. */
	in = "#< CLIXML\r\n<Objs><S S=\"Error\">half _x00ZZ_ &foo; _x0000_";
	out = clixml_errors(in, strlen(in), NULL);
	assert_string_equal(out, "half _x00ZZ_ &foo; \xef\xbf\xbd");
	free(out);
	out = clixml_errors("", 0, &n);
	assert_string_equal(out, "");
	assert_int_equal(n, 0);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_strip_removes_sgr_and_csi_with_parameters),
		cmocka_unit_test(test_strip_removes_osc_ended_by_bel_or_st),
		cmocka_unit_test(
		    test_strip_removes_two_byte_and_charset_escapes),
		cmocka_unit_test(test_strip_never_reads_past_a_cut_sequence),
		cmocka_unit_test(test_strip_crlf_and_lone_cr),
		cmocka_unit_test(test_strip_asa_more_wiped_with_cr_spaces),
		cmocka_unit_test(test_strip_asa_more_wiped_with_backspaces),
		cmocka_unit_test(test_strip_vos_pager_wiped_with_cr_erase_line),
		cmocka_unit_test(test_strip_backspace_erases_one_character),
		cmocka_unit_test(test_strip_drops_control_bytes_keeps_tab),
		cmocka_unit_test(test_strip_invalid_utf8_becomes_replacement),
		cmocka_unit_test(test_strip_8bit_csi_only_outside_utf8),
		cmocka_unit_test(test_strip_drops_bidi_controls),
		cmocka_unit_test(test_strip_empty_input),
		cmocka_unit_test(test_scan_vos_first_prompt_after_banner),
		cmocka_unit_test(test_scan_vos_prompt_forms),
		cmocka_unit_test(test_scan_vos_output_lines_are_not_prompts),
		cmocka_unit_test(
		    test_scan_vos_lone_word_colon_is_the_residual_risk),
		cmocka_unit_test(test_scan_vos_press_enter_pager),
		cmocka_unit_test(
		    test_scan_vos_options_pager_sends_n_then_q_at_end),
		cmocka_unit_test(test_scan_vos_password_and_confirm),
		cmocka_unit_test(test_scan_asa_modes),
		cmocka_unit_test(test_scan_asa_failover_suffixes),
		cmocka_unit_test(test_scan_asa_output_lines_are_not_prompts),
		cmocka_unit_test(test_scan_asa_pager_password_confirm),
		cmocka_unit_test(test_scan_asa_enable_transcript),
		cmocka_unit_test(test_scan_other_profiles_see_nothing),
		cmocka_unit_test(test_output_asa_show_version_verbatim),
		cmocka_unit_test(test_output_asa_more_mid_output_is_dropped),
		cmocka_unit_test(test_output_pager_left_in_text_is_dropped),
		cmocka_unit_test(test_output_vos_paging_both_forms),
		cmocka_unit_test(
		    test_output_vos_prompt_then_command_on_one_line),
		cmocka_unit_test(test_output_echo_wrapped_by_cr_at_80_columns),
		cmocka_unit_test(test_output_echo_wrapped_over_lines),
		cmocka_unit_test(
		    test_output_keeps_first_line_that_is_not_the_echo),
		cmocka_unit_test(test_output_lines_with_hash_and_colon_stay),
		cmocka_unit_test(
		    test_output_finds_the_prompt_itself_without_hit),
		cmocka_unit_test(test_echo_end_after_late_output),
		cmocka_unit_test(test_echo_end_tail_rule_first_line_only),
		cmocka_unit_test(test_error_asa_invalid_input_marker),
		cmocka_unit_test(test_error_asa_clean_output_has_none),
		cmocka_unit_test(test_error_vos_unsuccessfully),
		cmocka_unit_test(test_clixml_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
