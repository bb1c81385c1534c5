/* test_quote.c: no operator value can change what a device command does,
 * in sh, PowerShell, the Cisco CLIs and regexes; and PowerShell gets
 * exactly the script meant, through -EncodedCommand. */
#include "config.h"

#include <iconv.h>
#include <regex.h>

#include "answers.h"
#include "profile.h"
#include "quote.h"
#include "testutil.h"

static const struct profile *
prof(const char *name)
{
	const struct profile	*p = profile_find(name);

	assert_non_null(p);
	return p;
}

/* quote_value's result, or NULL and why. */
static char *
quoted(const char *profile, const char *v, char *why, size_t whylen)
{
	struct buf	b;

	buf_init(&b);
	why[0] = '\0';
	if (quote_value(prof(profile), v, &b, why, whylen) == -1) {
		assert_null(b.s);
		assert_true(why[0] != '\0');
		return NULL;
	}
	return buf_steal(&b);
}

static void
quotes_to(const char *profile, const char *v, const char *want)
{
	char	 why[512];
	char	*q = quoted(profile, v, why, sizeof(why));

	if (q == NULL)
		fail_msg("%s refused \"%s\": %s", profile, v, why);
	assert_string_equal(q, want);
	free(q);
}

/* Refused, and why names the device and contains what. */
static void
refused(const char *profile, const char *v, const char *what)
{
	char	 why[512];
	char	*q = quoted(profile, v, why, sizeof(why));

	if (q != NULL)
		fail_msg("%s took \"%s\" as %s", profile, v, q);
	assert_contains(why, what);
	if (strcmp(profile, "none") != 0)
		assert_contains(why, prof(profile)->title);
}

/* Values that try to break out of quoting, or mean something to a shell,
 * PowerShell or printf. */
static const char *const hostile[] = {
	"a'b", "'", "''", "'\\''", "\"", "\"dq\"", "$(id)", "`id`",
	"${HOME}", "$HOME", "; rm -rf /tmp/fedwiz-never", "a && b", "a || b",
	"a | b", "a > /tmp/fedwiz-never", "< /etc/passwd", "100%", "%s%n%x",
	"back\\slash\\", "*", "?", "[a-z]", "~root", "!", "#comment", "-n",
	"--help", "a b  c", "it\xe2\x80\x99s", "\xe2\x80\x98x\xe2\x80\x9b",
	"caf\xc3\xa9 \xf0\x9d\x84\x9e", "@(1,2)", "$true", "{ }", "&{id}",
	"",
};

/* POSIX sh. */

static void
test_quote_sh_single_quotes(void **state)
{
	(void)state;
	quotes_to("linux", "imp1.example.com", "'imp1.example.com'");
	quotes_to("linux", "a'b", "'a'\\''b'");
	quotes_to("linux", "", "''");
	quotes_to("linux", "$(id)", "'$(id)'");
}

/* What /bin/sh makes of printf '%s' <quoted>: the value, byte for byte,
 * whatever it holds. */
static void
test_quote_sh_round_trips_through_real_sh(void **state)
{
	char	 why[512], got[512], *q, *cmd;
	size_t	 i, n;
	FILE	*fp;

	(void)state;
	for (i = 0; i < nitems(hostile); i++) {
		q = quoted("linux", hostile[i], why, sizeof(why));
		assert_non_null(q);
		cmd = xasprintf("printf '%%s' %s", q);
		fp = popen(cmd, "r");
		assert_non_null(fp);
		n = fread(got, 1, sizeof(got) - 1, fp);
		got[n] = '\0';
		assert_int_equal(pclose(fp), 0);
		if (strcmp(got, hostile[i]) != 0)
			fail_msg("sh read %s as \"%s\", not \"%s\"", q, got,
			    hostile[i]);
		free(cmd);
		free(q);
	}
}

static void
test_quote_sh_refuses_controls_and_bad_utf8(void **state)
{
	(void)state;
	refused("linux", "a\nb", "control character (U+000A)");
	refused("linux", "a\rb", "control character");
	refused("linux", "\x1b[2J", "control character (U+001B)");
	refused("linux", "a\tb", "control character");
	refused("linux", "a\x7f", "control character");
	refused("linux", "a\xc2\x85", "control character (U+0085)");
	refused("linux", "a\xff", "not valid UTF-8 (byte 0xff at offset 1)");
	refused("linux", "\xc0\xaf", "not valid UTF-8");
	refused("linux", "\xed\xa0\x80", "not valid UTF-8");
	refused("linux", "abc\xe2\x80", "not valid UTF-8");
	refused("linux", "evil\xe2\x80\xae" "fdp.exe", "bidirectional");
}

/* PowerShell. */

static int
ps_quote_char(const unsigned char *s, size_t *len)
{
	if (s[0] == '\'') {
		*len = 1;
		return 1;
	}
	if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0x98 && s[2] <= 0x9b) {
		*len = 3;
		return 1;
	}
	return 0;
}

/*
 * A single-quoted string as PowerShell's tokenizer reads it: any of its
 * quote characters opens and closes; two in a row are one, the second kept.
 * The value read and where the string ends.
 */
static char *
ps_read(const char *q, size_t *end)
{
	const unsigned char	*s = (const unsigned char *)q;
	struct buf		 b;
	size_t			 i, l = 0, l2 = 0;

	buf_init(&b);
	assert_true(ps_quote_char(s, &l));
	for (i = l; s[i] != '\0';) {
		if (ps_quote_char(s + i, &l)) {
			if (!ps_quote_char(s + i + l, &l2)) {
				*end = i + l;
				return buf_steal(&b);
			}
			buf_add(&b, q + i + l, l2);
			i += l + l2;
			continue;
		}
		buf_addc(&b, q[i++]);
	}
	fail_msg("unterminated: %s", q);
	return NULL;
}

static void
test_quote_powershell_doubles_every_quote_kind(void **state)
{
	(void)state;
	quotes_to("windows", "imp1.example.com", "'imp1.example.com'");
	quotes_to("windows", "a'b", "'a''b'");
	quotes_to("windows", "", "''");
	quotes_to("windows", "it\xe2\x80\x99s",
	    "'it\xe2\x80\x99\xe2\x80\x99s'");
	quotes_to("windows", "\xe2\x80\x98x\xe2\x80\x9a\xe2\x80\x9b",
	    "'\xe2\x80\x98\xe2\x80\x98x\xe2\x80\x9a\xe2\x80\x9a"
	    "\xe2\x80\x9b\xe2\x80\x9b'");
	/* double quotes are not PowerShell's single quotes: as is */
	quotes_to("windows", "\xe2\x80\x9cq\xe2\x80\x9d",
	    "'\xe2\x80\x9cq\xe2\x80\x9d'");
	quotes_to("windows", "$(Get-Process); `n & | @{}",
	    "'$(Get-Process); `n & | @{}'");
}

static void
test_quote_powershell_string_ends_where_it_should(void **state)
{
	char	 why[512], *q, *v;
	size_t	 i, end;

	(void)state;
	for (i = 0; i < nitems(hostile); i++) {
		if ((q = quoted("windows", hostile[i], why, sizeof(why))) ==
		    NULL) {
			fail_msg("windows refused \"%s\": %s", hostile[i], why);
			continue;
		}
		v = ps_read(q, &end);
		if (end != strlen(q) || strcmp(v, hostile[i]) != 0)
			fail_msg("PowerShell reads %s as \"%s\" up to %zu",
			    q, v, end);
		free(v);
		free(q);
	}
}

static void
test_quote_powershell_refuses_controls(void **state)
{
	(void)state;
	refused("windows", "a\nb", "control character");
	refused("windows", "a\r\nWrite-Host pwned", "control character");
	refused("windows", "a\xe2\x81\xa6" "b", "bidirectional");
	refused("windows", "\xfe\xff", "not valid UTF-8");
}

/* The Cisco CLIs. */

static void
test_quote_cisco_takes_plain_tokens_as_is(void **state)
{
	(void)state;
	quotes_to("cisco-asa", "imp1.example.com", "imp1.example.com");
	quotes_to("cisco-asa", "192.0.2.10", "192.0.2.10");
	quotes_to("cisco-asa", "a=b+c@d:e/f_g-h.i", "a=b+c@d:e/f_g-h.i");
	quotes_to("cisco-vos", "cup-xmpp-trust", "cup-xmpp-trust");
	quotes_to("cisco-vos", "ca.pem", "ca.pem");
}

static void
test_quote_cisco_refuses_anything_else(void **state)
{
	size_t	 i;
	char	 why[512], *q;

	(void)state;
	refused("cisco-asa", "a b", "a space");
	refused("cisco-asa", "a b", "offset 1");
	refused("cisco-asa", "show?", "help");
	refused("cisco-vos", "a|b", "output filter");
	refused("cisco-vos", "", "empty");
	refused("cisco-asa", "a;b", "\";\"");
	refused("cisco-asa", "a'b", "\"'\"");
	refused("cisco-asa", "a\"b", "\"\"\"");
	refused("cisco-asa", "$(x)", "\"$\"");
	refused("cisco-asa", "`x`", "\"`\"");
	refused("cisco-asa", "a&&b", "\"&\"");
	refused("cisco-asa", "100%", "\"%\"");
	refused("cisco-asa", "!x", "\"!\"");
	refused("cisco-asa", "a\nb", "control character (0x0a)");
	refused("cisco-asa", "a\tb", "a tab");
	refused("cisco-vos", "caf\xc3\xa9", "non-ASCII");
	refused("cisco-vos", "it\xe2\x80\x99s", "non-ASCII");
	/* of the hostile values, only the dashes are plain tokens (and mean
	 * nothing to these CLIs, which have no options) */
	for (i = 0; i < nitems(hostile); i++) {
		q = quoted("cisco-vos", hostile[i], why, sizeof(why));
		if (strcmp(hostile[i], "-n") == 0 ||
		    strcmp(hostile[i], "--help") == 0) {
			assert_non_null(q);
			assert_string_equal(q, hostile[i]);
			free(q);
		} else if (q != NULL)
			fail_msg("cisco-vos took \"%s\"", hostile[i]);
	}
}

static void
test_quote_none_refuses(void **state)
{
	(void)state;
	refused("none", "x", "runs no commands");
}

static void
test_quote_why_may_be_null(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b);
	assert_int_equal(quote_value(prof("cisco-asa"), "a b", &b, NULL, 0),
	    -1);
	assert_int_equal(quote_value(NULL, "a", &b, NULL, 0), -1);
	assert_null(b.s);
}

/* quote_command. */

static const char *rb_text = RB_HEAD
    "vars:\n"
    "  - { name: tp, prompt: T, type: string }\n"
    "  - { name: file, prompt: F, type: string }\n"
    "  - { name: port, prompt: P, type: port, default: 5062 }\n"
    "roles:\n"
    "  - { id: fw, title: F, profile: cisco-asa }\n"
    "procedures:\n"
    "  - { id: a, title: A, on: fw, steps: [ {do: x} ] }\n";

struct fixture {
	struct runbook	*rb;
	struct answers	*ans;
	struct scope	 sc;
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof(*f));

	f->rb = rb_from(rb_text);
	f->ans = answers_new();
	f->sc.rb = f->rb;
	f->sc.ans = f->ans;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	answers_free(f->ans);
	runbook_free(f->rb);
	free(f);
	return 0;
}

/* quote_command: the command, or NULL and the diagnostics joined. */
static char *
command(struct fixture *f, const char *profile, const char *tmpl,
    char **errs)
{
	struct diags	 d;
	struct buf	 b;
	char		*out = (char *)(uintptr_t)1;
	size_t		 i;

	diags_init(&d);
	*errs = NULL;
	if (quote_command(prof(profile), tmpl, &f->sc, &out, &d) == 0) {
		assert_int_equal(d.n, 0);
		diags_free(&d);
		return out;
	}
	assert_true(out == (char *)(uintptr_t)1);	/* untouched */
	assert_true(d.n > 0);
	buf_init(&b);
	for (i = 0; i < d.n; i++)
		buf_printf(&b, "%s\n", d.v[i].msg);
	*errs = buf_steal(&b);
	diags_free(&d);
	return NULL;
}

static void
test_quote_command_quotes_each_value(void **state)
{
	struct fixture	*f = *state;
	char		*out, *errs;

	answers_put(f->ans, "tp", "imp'trust; reboot");
	answers_put(f->ans, "file", "/tmp/a b");
	out = command(f, "linux", "grep -c ${tp} ${file} # port ${port}",
	    &errs);
	assert_non_null(out);
	assert_string_equal(out, "grep -c 'imp'\\''trust; reboot' "
	    "'/tmp/a b' # port '5062'");
	free(out);
	out = command(f, "windows", "Get-Item -Path ${file} -Filter ${tp}",
	    &errs);
	assert_non_null(out);
	assert_string_equal(out, "Get-Item -Path '/tmp/a b' -Filter "
	    "'imp''trust; reboot'");
	free(out);
}

/* PowerShell reads 'a'/b as two arguments: a value glued to text is
 * quoted with the text, as one string. */
static void
test_quote_command_powershell_glued_word(void **state)
{
	struct fixture	*f = *state;
	char		*out, *errs;

	answers_put(f->ans, "tp", "imp1.example.com");
	answers_put(f->ans, "file", "o'neil\xe2\x80\x99s");
	out = command(f, "windows", "Get-CsTrustedApplication -Identity "
	    "${tp}/urn:application:rcc", &errs);
	assert_non_null(out);
	assert_string_equal(out, "Get-CsTrustedApplication -Identity "
	    "'imp1.example.com/urn:application:rcc'");
	free(out);
	/* Quotes in the value are doubled, typographic ones too; a word
	 * that is one reference is quoted alone; text with no reference is
	 * left as written. */
	out = command(f, "windows", "Get-X -A x${file}y -B (${tp}) -C 'lit' "
	    "-D $${tp}:${port}", &errs);
	assert_non_null(out);
	assert_string_equal(out, "Get-X -A 'xo''neil\xe2\x80\x99\xe2\x80"
	    "\x99sy' -B ('imp1.example.com') -C 'lit' -D '${tp}:5062'");
	free(out);
	/* A quote in the word itself (a typographic one too) is refused:
	 * PowerShell would read it as the start of a string around the
	 * value. */
	out = command(f, "windows", "Get-X -A x${file}\xe2\x80\x98y", &errs);
	assert_null(out);
	assert_contains(errs, "shares a word with a quote");
	free(errs);
	/* On sh, 'a'/b is one word already. */
	out = command(f, "linux", "x ${tp}/urn", &errs);
	assert_string_equal(out, "x 'imp1.example.com'/urn");
	free(out);
}

static void
test_quote_command_literal_dollar_brace(void **state)
{
	struct fixture	*f = *state;
	char		*out, *errs;

	answers_put(f->ans, "tp", "imp");
	out = command(f, "cisco-asa", "show run crypto ca trustpoint ${tp} "
	    "| i $${x} $5", &errs);
	assert_non_null(out);
	assert_string_equal(out, "show run crypto ca trustpoint imp "
	    "| i ${x} $5");
	free(out);
}

static void
test_quote_command_names_variable_problem_and_device(void **state)
{
	struct fixture	*f = *state;
	char		*out, *errs;

	answers_put(f->ans, "tp", "imp trust");
	answers_put(f->ans, "file", "a|b");
	out = command(f, "cisco-asa", "crypto ca authenticate ${tp} ${file} "
	    "${port}", &errs);
	assert_null(out);
	/* every bad variable, not just the first */
	assert_contains(errs, "${tp}: the value contains a space");
	assert_contains(errs, "${file}: the value contains \"|\"");
	assert_contains(errs, "Cisco ASA CLI");
	free(errs);
}

static void
test_quote_command_unanswered_and_malformed(void **state)
{
	struct fixture	*f = *state;
	char		*out, *errs;

	out = command(f, "linux", "cat ${file}", &errs);
	assert_null(out);
	assert_contains(errs, "${file} has no value");
	free(errs);
	out = command(f, "linux", "cat ${file", &errs);
	assert_null(out);
	assert_contains(errs, "offset 4: unterminated");
	free(errs);
	out = command(f, "none", "anything", &errs);
	assert_null(out);
	assert_contains(errs, "no command can run");
	free(errs);
}

/* Regexes. */

/* re (anchored) matches s; and only s of the strings tried. */
static int
ere_matches(const char *re, const char *s)
{
	regex_t	 r;
	char	*anch = xasprintf("^%s$", re);
	int	 rc;

	if ((rc = regcomp(&r, anch, REG_EXTENDED | REG_NOSUB)) != 0)
		fail_msg("regcomp(%s) failed: %d", anch, rc);
	rc = regexec(&r, s, 0, NULL, 0);
	regfree(&r);
	free(anch);
	return rc == 0;
}

static char *
regex_of(const char *v)
{
	struct buf	b;

	buf_init(&b);
	quote_regex(v, &b);
	return buf_steal(&b);
}

static void
test_quote_regex_matches_value_literally(void **state)
{
	static const struct {
		const char	*value;
		const char	*not;	/* what the unescaped regex matches */
	} cases[] = {
		{ "imp1.example.com", "imp1xexample.com" },
		{ "a{2}", "aa" },
		{ "(a|b)", "a" },
		{ "[abc]", "b" },
		{ "a+b*c?", "aabbc" },
		{ "^$", "" },
		{ "x]y}z", "x]y}" },
		{ "back\\slash", "backslash" },
		{ "\\d\\w", "dw" },
		{ ".*", "anything" },
		{ "{", "x" },
		{ "}{1,2}", "}}" },
		{ "a\\", "a" },
		{ "CN=*.example.com, O=\"Acme (EU)\"", "CN=x.example.com" },
	};
	size_t	 i;
	char	*re;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		re = regex_of(cases[i].value);
		if (!ere_matches(re, cases[i].value))
			fail_msg("%s does not match \"%s\"", re,
			    cases[i].value);
		if (ere_matches(re, cases[i].not))
			fail_msg("%s matches \"%s\"", re, cases[i].not);
		free(re);
	}
}

static void
test_quote_regex_every_printable_character(void **state)
{
	char	 all[96], *re;
	int	 c;
	size_t	 n = 0;

	(void)state;
	for (c = 0x20; c < 0x7f; c++)
		all[n++] = (char)c;
	all[n] = '\0';
	re = regex_of(all);
	assert_true(ere_matches(re, all));
	all[10] = 'x';		/* '*' becomes 'x' */
	assert_false(ere_matches(re, all));
	free(re);
	re = regex_of("");
	assert_string_equal(re, "");
	free(re);
	re = regex_of("a.b");
	assert_string_equal(re, "a\\.b");
	free(re);
}

static void
test_quote_regex_template_quotes_only_values(void **state)
{
	struct fixture	*f = *state;
	char		*re;

	answers_put(f->ans, "tp", "imp1.example.com");
	re = quote_regex_template("Subject: .*CN=${tp}$", &f->sc);
	assert_string_equal(re, "Subject: .*CN=imp1\\.example\\.com$");
	assert_true(ere_matches(re, "Subject: C=US, CN=imp1.example.com"));
	assert_false(ere_matches(re, "Subject: CN=imp1xexample.com"));
	free(re);
	/* a default; "$${" literal; unanswered shown as <name>, literally */
	re = quote_regex_template("port ${port} $${x} ${file}", &f->sc);
	assert_string_equal(re, "port 5062 ${x} <file>");
	free(re);
	re = quote_regex_template("bad ${ ref", &f->sc);
	assert_string_equal(re, "bad ${ ref");
	free(re);
}

/* PowerShell -EncodedCommand. */

static int
b64val(char c)
{
	static const char	alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;

	if (c == '\0' || (p = strchr(alpha, c)) == NULL)
		return -1;
	return (int)(p - alpha);
}

/* Strict base64 (padding required, nothing else allowed) to bytes. */
static unsigned char *
b64decode(const char *s, size_t *outlen)
{
	size_t		 n = strlen(s), i, o = 0;
	unsigned char	*out;
	int		 v[4], k;

	assert_int_equal(n % 4, 0);
	out = xmalloc(n / 4 * 3 + 1);
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++) {
			v[k] = s[i + k] == '=' ? 0 : b64val(s[i + k]);
			assert_true(v[k] >= 0);
			/* '=' only at the very end */
			if (s[i + k] == '=')
				assert_true(i + 4 == n && k >= 2);
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (s[i + 2] != '=')
			out[o++] = (unsigned char)((v[1] & 15) << 4 |
			    v[2] >> 2);
		if (s[i + 3] != '=')
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	*outlen = o;
	return out;
}

/* What powershell.exe does with -EncodedCommand: base64, UTF-16LE. */
static char *
ps_decode(const char *line)
{
	static const char	 pre[] = "powershell -NoProfile "
	    "-NonInteractive -EncodedCommand ";
	unsigned char		*u16;
	size_t			 n, left, room;
	char			*in, *out, *o;
	iconv_t			 cd;

	assert_true(strncmp(line, pre, sizeof(pre) - 1) == 0);
	u16 = b64decode(line + sizeof(pre) - 1, &n);
	assert_int_equal(n % 2, 0);
	/* no BOM */
	assert_false(n >= 2 && u16[0] == 0xff && u16[1] == 0xfe);
	cd = iconv_open("UTF-8", "UTF-16LE");
	assert_true(cd != (iconv_t)-1);
	room = n * 2 + 1;
	out = o = xmalloc(room);
	in = (char *)u16;
	left = n;
	assert_true(iconv(cd, &in, &left, &o, &room) != (size_t)-1);
	assert_int_equal(left, 0);
	*o = '\0';
	iconv_close(cd);
	free(u16);
	return out;
}

static void
decodes_to(const char *cmd, const char *module, int list, const char *want)
{
	char	*line = quote_powershell(cmd, module, list);
	char	*got = ps_decode(line);

	assert_string_equal(got, want);
	free(got);
	free(line);
}

static void
test_quote_powershell_encoded_command_decodes_to_script(void **state)
{
	(void)state;
	decodes_to("Get-CsTrustedApplicationPool -Identity 'imp1.example.com'",
	    "Lync", 1, "Import-Module Lync; Get-CsTrustedApplicationPool "
	    "-Identity 'imp1.example.com' | Format-List * | Out-String -Width 4096");
	decodes_to("Get-CsStaticRoutingConfiguration", "SkypeForBusiness", 0,
	    "Import-Module SkypeForBusiness; "
	    "Get-CsStaticRoutingConfiguration");
	decodes_to("Get-ChildItem Cert:\\LocalMachine\\My", NULL, 1,
	    "Get-ChildItem Cert:\\LocalMachine\\My | Format-List * | Out-String -Width 4096");
	/* every base64 tail: 0, 1 and 2 bytes over a multiple of 3 */
	decodes_to("a", NULL, 0, "a");
	decodes_to("ab", NULL, 0, "ab");
	decodes_to("abc", NULL, 0, "abc");
	decodes_to("", NULL, 0, "");
}

static void
test_quote_powershell_encoded_command_keeps_non_ascii(void **state)
{
	(void)state;
	/* BMP (é, ’, 日本) and beyond it (𝄞: a surrogate pair) */
	decodes_to("Write-Output 'caf\xc3\xa9 it\xe2\x80\x99\xe2\x80\x99s "
	    "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9d\x84\x9e'", "Lync", 1,
	    "Import-Module Lync; Write-Output 'caf\xc3\xa9 "
	    "it\xe2\x80\x99\xe2\x80\x99s \xe6\x97\xa5\xe6\x9c\xac "
	    "\xf0\x9d\x84\x9e' | Format-List * | Out-String -Width 4096");
}

static void
test_quote_powershell_known_encoding(void **state)
{
	char	*line;

	(void)state;
	/* "dir" in UTF-16LE is 64 00 69 00 72 00: base64 "ZABpAHIA" */
	line = quote_powershell("dir", NULL, 0);
	assert_string_equal(line, "powershell -NoProfile -NonInteractive "
	    "-EncodedCommand ZABpAHIA");
	free(line);
}


/* Where a reference may stand (quote_template_check): outside every quote,
 * substitution and comment that a value's quoting could end, never as the
 * command's name, never as code for eval, sh -c, ssh, Invoke-Expression. */
struct placement {
	const char	*tmpl;
	const char	*refused;	/* NULL: accepted; else in why */
};

static void
placed(const char *profile, const struct placement *v, size_t n)
{
	const char	*why;
	size_t		 i, off;
	int		 rc;

	for (i = 0; i < n; i++) {
		why = NULL;
		off = 9999;
		rc = quote_template_check(prof(profile), v[i].tmpl, &off,
		    &why);
		if (v[i].refused == NULL && rc != 0)
			fail_msg("%s refused [%s] at %zu: %s", profile,
			    v[i].tmpl, off, why);
		if (v[i].refused != NULL) {
			if (rc != -1)
				fail_msg("%s took [%s]", profile, v[i].tmpl);
			assert_non_null(why);
			if (strstr(why, v[i].refused) == NULL)
				fail_msg("%s [%s]: \"%s\" lacks \"%s\"", profile,
				    v[i].tmpl, why, v[i].refused);
			/* the offset is the reference's "${" */
			assert_true(off < strlen(v[i].tmpl));
			assert_memory_equal(v[i].tmpl + off, "${", 2);
		}
	}
}

static void
test_quote_template_check_sh(void **state)
{
	static const struct placement v[] = {
		{ "echo v=${v}", NULL },
		{ "grep -c ${tp} ${file} # port ${port}", NULL },
		{ "X=${v} cmd", NULL },
		{ "echo $(echo ${v}) \"$(echo ${v})\"", NULL },
		{ "[ ${v} -eq 1 ] && echo yes", NULL },
		{ "sh -c 'echo \"$1\"' sh ${v}", NULL },
		{ "cat <<EOF\nx\nEOF\necho ${v}", NULL },
		{ "case ${v} in a) echo a;; esac", NULL },
		{ "echo x > ${v}", NULL },
		{ "echo \"v=${v}\"", "double-quoted" },
		{ "echo \"a\" \"${v}", "double-quoted" },
		{ "echo 'v=${v}'", "single-quoted" },
		{ "echo $'${v}'", "$'...'" },
		{ "echo \\${v}", "backslash" },
		{ "echo `echo ${v}`", "`...`" },
		{ "echo $((${v} + 1))", "arithmetic" },
		{ "((x = ${v}))", "arithmetic" },
		{ "[[ ${v} -eq 1 ]]", "[[ ... ]]" },
		{ "echo $${HOME:-${v}}", "${...}" },
		{ "cat <<EOF\na ${v}\nEOF", "here-document" },
		{ "cat <<-'EOF'\n\t${v}\n\tEOF", "here-document" },
		{ "cat <<${v}", "delimiter" },
		{ "${v} --version", "command's name" },
		{ "true; /usr/bin/${v}", "command's name" },
		{ "ls | ${v}", "command's name" },
		{ "eval echo ${v}", "as shell code" },
		{ "ssh host ls ${v}", "as shell code" },
		{ "sh -c ${v}", "-c" },
		{ "sudo bash -lc ${v} x", "-c" },
		{ "su root -c ${v}", "-c" },
	};

	(void)state;
	placed("linux", v, nitems(v));
}

static void
test_quote_template_check_powershell(void **state)
{
	static const struct placement v[] = {
		{ "Get-Item -Path ${file} -Filter ${tp}", NULL },
		{ "Get-X -Identity ${a}/urn:application:rcc", NULL },
		{ "Get-X (${tp}) ('a' + ${tp})", NULL },
		{ "Get-X \"a $(Get-Y ${x}) b\"", NULL },
		{ "Get-X ${x} # \"comment", NULL },
		{ "Get-CsTopology -AsXml | Select-Object @{Name='A'; Expression="
		    "{$_.Contains('IPAddress=\"' + ${v} + '\"')}}", NULL },
		{ "Write-Output \"v = ${v}\"", "double-quoted" },
		{ "Write-Output \xe2\x80\x9cv = ${v}\xe2\x80\x9d",
		    "double-quoted" },
		{ "Write-Output 'v = ${v}'", "single-quoted" },
		{ "Write-Output \xe2\x80\x98v = ${v}\xe2\x80\x99",
		    "single-quoted" },
		{ "Write-Output @\"\n${v}\n\"@", "here-string" },
		{ "<# ${v} #> Get-X", "comment" },
		{ "Get-X a`${v}", "escape character" },
		{ "Get-X \"v=\"${v}", "quote" },
		{ "Get-X x${v}'y'", "quote" },
		{ "& ${v}", "call operator" },
		{ "Get-X; . ${v}", "call operator" },
		{ "Invoke-Expression ${v}", "as code" },
		{ "Get-X | iex ${v}", "as code" },
		{ "cmd /c type ${v}", "as code" },
		{ "powershell -Command ${v}", "as code" },
		{ "Start-Process notepad -ArgumentList ${v}", "as code" },
	};

	(void)state;
	placed("windows", v, nitems(v));
}

/* The second wall: quote_command refuses what the check refuses, for the
 * host's own profile, and the Cisco CLIs take a reference anywhere (a
 * value there is one plain token). */
static void
test_quote_command_refuses_reference_in_quotes(void **state)
{
	struct fixture	*f = *state;
	char		*out, *errs;

	answers_put(f->ans, "tp", "$(touch /tmp/fedwiz-never)");
	out = command(f, "linux", "echo \"v=${tp}\"", &errs);
	assert_null(out);
	assert_contains(errs, "offset 8");
	assert_contains(errs, "double-quoted");
	free(errs);
	out = command(f, "windows", "Write-Output \"v = ${tp}\"", &errs);
	assert_null(out);
	assert_contains(errs, "double-quoted");
	free(errs);
	answers_put(f->ans, "tp", "imp");
	out = command(f, "cisco-asa", "show run | i \"${tp}\"", &errs);
	assert_non_null(out);
	assert_string_equal(out, "show run | i \"imp\"");
	free(out);
}

/* What PowerShell would run: the decoded -EncodedCommand script holds the
 * hostile value only inside one single-quoted string. */
static void
test_quote_command_powershell_script_keeps_value_inert(void **state)
{
	struct fixture	*f = *state;
	char		*out, *errs, *line, *script;

	answers_put(f->ans, "tp", "x'; Remove-Item C:\\ -Recurse; '$(whoami)");
	out = command(f, "windows", "Write-Output v= ${tp}", &errs);
	assert_non_null(out);
	line = quote_powershell(out, NULL, 0);
	script = ps_decode(line);
	assert_string_equal(script, "Write-Output v= 'x''; Remove-Item "
	    "C:\\ -Recurse; ''$(whoami)'");
	free(script);
	free(line);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_sh_single_quotes),
		cmocka_unit_test(test_quote_template_check_sh),
		cmocka_unit_test(test_quote_template_check_powershell),
		cmocka_unit_test_setup_teardown(
		    test_quote_command_refuses_reference_in_quotes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_quote_command_powershell_script_keeps_value_inert,
		    setup, teardown),
		cmocka_unit_test(test_quote_sh_round_trips_through_real_sh),
		cmocka_unit_test(test_quote_sh_refuses_controls_and_bad_utf8),
		cmocka_unit_test(
		    test_quote_powershell_doubles_every_quote_kind),
		cmocka_unit_test(
		    test_quote_powershell_string_ends_where_it_should),
		cmocka_unit_test(test_quote_powershell_refuses_controls),
		cmocka_unit_test(test_quote_cisco_takes_plain_tokens_as_is),
		cmocka_unit_test(test_quote_cisco_refuses_anything_else),
		cmocka_unit_test(test_quote_none_refuses),
		cmocka_unit_test(test_quote_why_may_be_null),
		cmocka_unit_test_setup_teardown(
		    test_quote_command_quotes_each_value, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_quote_command_literal_dollar_brace, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_quote_command_powershell_glued_word, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_quote_command_names_variable_problem_and_device,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_quote_command_unanswered_and_malformed, setup,
		    teardown),
		cmocka_unit_test(test_quote_regex_matches_value_literally),
		cmocka_unit_test(test_quote_regex_every_printable_character),
		cmocka_unit_test_setup_teardown(
		    test_quote_regex_template_quotes_only_values, setup,
		    teardown),
		cmocka_unit_test(
		    test_quote_powershell_encoded_command_decodes_to_script),
		cmocka_unit_test(
		    test_quote_powershell_encoded_command_keeps_non_ascii),
		cmocka_unit_test(test_quote_powershell_known_encoding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
