/* test_hostkeys.c: known_hosts read as OpenSSH reads it (plain, hashed,
 * patterns, ports, @revoked), fingerprints as ssh-keygen prints them, and
 * appends that keep the file and its mode. */
#include "config.h"

#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hostkeys.h"
#include "openssh_match.h"
#include "testutil.h"

/* Made with ssh-keygen; fingerprints from ssh-keygen -lf. */
#define KEY_A	"AAAAC3NzaC1lZDI1NTE5AAAAIP6ko/zk9PkT7BjLU2GZb+bFLtuzK+9ILDaLQDjRgl0H"
#define FP_A	"SHA256:ktOnPm9LM8qjrpB2Hrow6lm5GLJRDulB8PHMWZRM2Bk"
#define KEY_B	"AAAAC3NzaC1lZDI1NTE5AAAAILcNDEt0vs+ggH8WIXxDddnx5pyA/s18j7iswnOh73Cy"
#define KEY_C	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPQGXvSdG+cY" \
		"ReBbkCgPY2YK8EjONCaqOktBvsTA+tfGU50gata60JKNhXnIZbjzDfZFxjMduL" \
		"cjAKC0C6KAbAA="
#define FP_C	"SHA256:PqL9hYJM7+IN+rpbeP+WMz9pVCyXSSix2OcSfLwN/Xw"
/* ssh-keygen -H of "[127.0.0.1]:2222" and "fe1.example.com", key A. */
#define HASHED_PORT	"|1|0NupdJWDRiN9Dzais9hq01oQaOo=|" \
			"Iu7r4qJj09aLqJ19EbJFgtoD3io="
#define HASHED_FE1	"|1|vx9pwk12t2neKz3TCtCZ9RpfV+A=|" \
			"2iBAixaT5PZlyjlN1j44VmJu9vQ="

struct key {
	unsigned char	blob[512];
	size_t		len;
};

static struct key
key(const char *b64)
{
	struct key	k;
	size_t		n = strlen(b64);
	int		len;

	len = EVP_DecodeBlock(k.blob, (const unsigned char *)b64, (int)n);
	assert_true(len > 0);
	k.len = (size_t)len - (b64[n - 1] == '=') - (b64[n - 2] == '=');
	return k;
}

static char *
write_file(const char *text)
{
	char	*path = xstrdup("/tmp/fedwiz-kh-XXXXXX");
	int	 fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static enum hk_verdict
verdict(const char *text, const char *host, int port, const char *b64,
    int *line)
{
	struct hk_result	 r;
	struct diags		 d;
	struct key		 k = key(b64);
	char			*path = write_file(text), name[300];

	diags_init(&d);
	assert_int_equal(hk_check(path, hk_hostname(host, port, name,
	    sizeof(name)), k.blob, k.len, &r, &d), 0);
	assert_int_equal(d.n, 0);
	diags_free(&d);
	unlink(path);
	free(path);
	if (line != NULL)
		*line = r.line;
	return r.verdict;
}

static void
test_fingerprints_match_ssh_keygen(void **state)
{
	struct key	a = key(KEY_A), c = key(KEY_C);
	char		fp[80], type[32];

	(void)state;
	hk_fingerprint(a.blob, a.len, fp, sizeof(fp));
	assert_string_equal(fp, FP_A);
	hk_fingerprint(c.blob, c.len, fp, sizeof(fp));
	assert_string_equal(fp, FP_C);
	assert_string_equal(hk_blob_type(c.blob, c.len, type, sizeof(type)),
	    "ecdsa-sha2-nistp256");
	assert_string_equal(hk_type_label("ssh-ed25519"), "ED25519");
	assert_string_equal(hk_type_label("ecdsa-sha2-nistp384"), "ECDSA");
	assert_null(hk_blob_type((const unsigned char *)"\0\0\0\xff" "abc", 7,
	    type, sizeof(type)));
	assert_null(hk_blob_type((const unsigned char *)"\0\0", 2, type,
	    sizeof(type)));
}

static void
test_hostname_has_the_port_unless_22(void **state)
{
	char	b[300];

	(void)state;
	assert_string_equal(hk_hostname("FE1.Example.com", 22, b, sizeof(b)),
	    "fe1.example.com");
	assert_string_equal(hk_hostname("127.0.0.1", 2222, b, sizeof(b)),
	    "[127.0.0.1]:2222");
	assert_string_equal(hk_hostname("::1", 2222, b, sizeof(b)),
	    "[::1]:2222");
}

static void
test_plain_lines(void **state)
{
	const char	*kh =
	    "# a comment\n"
	    "\n"
	    "fe1.example.com ssh-ed25519 " KEY_A " comment here\n"
	    "[127.0.0.1]:2222 ssh-ed25519 " KEY_B "\n"
	    "garbage\n"
	    "@unknown-marker x ssh-ed25519 " KEY_A "\n";
	int		 line;

	(void)state;
	assert_int_equal(verdict(kh, "fe1.example.com", 22, KEY_A, &line),
	    HK_MATCH);
	assert_int_equal(line, 3);
	/* Case does not matter in names. */
	assert_int_equal(verdict(kh, "FE1.example.COM", 22, KEY_A, NULL),
	    HK_MATCH);
	/* The port is part of the name: the same host on 22 is unknown. */
	assert_int_equal(verdict(kh, "127.0.0.1", 22, KEY_B, NULL),
	    HK_UNKNOWN);
	assert_int_equal(verdict(kh, "127.0.0.1", 2222, KEY_B, NULL),
	    HK_MATCH);
	/* Another key of the same type: changed, and the line says where. */
	assert_int_equal(verdict(kh, "127.0.0.1", 2222, KEY_A, &line),
	    HK_CHANGED);
	assert_int_equal(line, 4);
	/* A key of another type is not a change: that type is unknown. */
	assert_int_equal(verdict(kh, "fe1.example.com", 22, KEY_C, NULL),
	    HK_UNKNOWN);
	assert_int_equal(verdict(kh, "fe2.example.com", 22, KEY_A, NULL),
	    HK_UNKNOWN);
}

static void
test_hashed_lines(void **state)
{
	const char	*kh =
	    HASHED_PORT " ssh-ed25519 " KEY_A "\n"
	    HASHED_FE1 " ssh-ed25519 " KEY_A "\r\n";

	(void)state;
	assert_int_equal(verdict(kh, "127.0.0.1", 2222, KEY_A, NULL),
	    HK_MATCH);
	assert_int_equal(verdict(kh, "fe1.example.com", 22, KEY_A, NULL),
	    HK_MATCH);
	assert_int_equal(verdict(kh, "127.0.0.1", 2222, KEY_B, NULL),
	    HK_CHANGED);
	assert_int_equal(verdict(kh, "127.0.0.1", 2223, KEY_A, NULL),
	    HK_UNKNOWN);
	/* A broken hash is no match, and no crash. */
	assert_int_equal(verdict("|1|@@@|x ssh-ed25519 " KEY_A "\n|1|\n",
	    "127.0.0.1", 2222, KEY_A, NULL), HK_UNKNOWN);
}

static void
test_patterns_and_negation(void **state)
{
	const char	*kh =
	    "*.example.com,!bad.example.com ssh-ed25519 " KEY_A "\n"
	    "10.0.0.? ssh-ed25519 " KEY_B "\n";

	(void)state;
	assert_int_equal(verdict(kh, "fe9.example.com", 22, KEY_A, NULL),
	    HK_MATCH);
	assert_int_equal(verdict(kh, "bad.example.com", 22, KEY_A, NULL),
	    HK_UNKNOWN);
	assert_int_equal(verdict(kh, "10.0.0.7", 22, KEY_B, NULL), HK_MATCH);
	assert_int_equal(verdict(kh, "10.0.0.17", 22, KEY_B, NULL),
	    HK_UNKNOWN);
}

/* Every pattern of up to 5 of "ab?*" against every name of up to 7 of
 * "ab": the same answer as the reference. */
static void
test_pattern_matches_as_openssh(void **state)
{
	static const char	pc[] = "ab?*", sc[] = "ab";
	char			pat[8], name[8];
	unsigned		pl, sl, pi, si, k, v;
	size_t			n = 0;

	(void)state;
	for (pl = 0; pl <= 5; pl++)
		for (pi = 0; pi < 1u << (2 * pl); pi++) {
			for (k = 0, v = pi; k < pl; k++, v >>= 2)
				pat[k] = pc[v & 3];
			pat[pl] = '\0';
			for (sl = 0; sl <= 7; sl++)
				for (si = 0; si < 1u << sl; si++) {
					for (k = 0, v = si; k < sl; k++, v >>= 1)
						name[k] = sc[v & 1];
					name[sl] = '\0';
					if (hk_match_pattern(name, pat) !=
					    openssh_match(name, pat))
						fail_msg("\"%s\" against \"%s\": "
						    "%d, OpenSSH says %d", name,
						    pat, hk_match_pattern(name,
						    pat), openssh_match(name,
						    pat));
					n++;
				}
		}
	assert_true(n > 300000);
	assert_true(hk_match_pattern("[127.0.0.1]:2222", "[127.0.0.1]:2222"));
	assert_false(hk_match_pattern("[127.0.0.1]:2222", "[127.0.0.1]:222"));
	assert_true(hk_match_pattern("fe1.example.com", "*.example.*"));
	assert_true(hk_match_pattern("fe1.example.com", "f?1.*.com"));
	assert_false(hk_match_pattern("fe1.example.com", "*.example.com.*"));
}

static void
on_alarm(int sig)
{
	static const char	msg[] = "known_hosts pattern still matching "
	    "after 10 s: backtracking\n";

	(void)sig;
	(void)write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

/* "*a" twenty times then "*b" against sixty a's: 57 s for ten and forty
 * with the old matcher, hours for these; no time at all now. A deadline
 * catches the hang (it is not a timing assertion). */
static void
test_pattern_does_not_backtrack(void **state)
{
	struct buf	b;
	char		host[64];
	int		i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 20; i++)
		buf_adds(&b, "*a");
	buf_adds(&b, "*b ssh-ed25519 " KEY_A "\n");
	memset(host, 'a', 60);
	host[60] = '\0';
	signal(SIGALRM, on_alarm);
	alarm(10);
	assert_int_equal(verdict(b.s, host, 22, KEY_A, NULL), HK_UNKNOWN);
	host[59] = 'b';
	assert_int_equal(verdict(b.s, host, 22, KEY_A, NULL), HK_MATCH);
	alarm(0);
	buf_free(&b);
}

static void
test_revoked_and_cert_authority(void **state)
{
	const char	*kh =
	    "fe1.example.com ssh-ed25519 " KEY_A "\n"
	    "@revoked * ssh-ed25519 " KEY_A "\n"
	    "@cert-authority *.example.com ssh-ed25519 " KEY_B "\n";
	int		 line;

	(void)state;
	/* Revoked wins even over a line that lists the key. */
	assert_int_equal(verdict(kh, "fe1.example.com", 22, KEY_A, &line),
	    HK_REVOKED);
	assert_int_equal(line, 2);
	/* A CA line is not a host key: B is unknown, not a match. */
	assert_int_equal(verdict(kh, "fe2.example.com", 22, KEY_B, NULL),
	    HK_UNKNOWN);
}

static void
test_several_keys_one_matches(void **state)
{
	const char	*kh =
	    "fe1.example.com ssh-ed25519 " KEY_B "\n"
	    "fe1.example.com ssh-ed25519 " KEY_A "\n";

	(void)state;
	assert_int_equal(verdict(kh, "fe1.example.com", 22, KEY_A, NULL),
	    HK_MATCH);
}

static void
test_known_types_best_first(void **state)
{
	char	*path, *types;

	(void)state;
	path = write_file(
	    "[127.0.0.1]:2222 ecdsa-sha2-nistp256 " KEY_C "\n"
	    "[127.0.0.1]:2222 ssh-ed25519 " KEY_A "\n"
	    "[127.0.0.1]:2222 ssh-ed25519 " KEY_B "\n"
	    "@revoked [127.0.0.1]:2222 ssh-rsa AAAA\n"
	    "other ssh-rsa AAAA\n");
	types = hk_known_types(path, "[127.0.0.1]:2222");
	assert_string_equal(types, "ecdsa-sha2-nistp256,ssh-ed25519");
	free(types);
	types = hk_known_types(path, "nowhere");
	assert_string_equal(types, "");
	free(types);
	unlink(path);
	free(path);
	types = hk_known_types("/nonexistent/known_hosts", "x");
	assert_string_equal(types, "");
	free(types);
}

static void
test_missing_file_is_unknown(void **state)
{
	struct hk_result	r;
	struct diags		d;
	struct key		k = key(KEY_A);

	(void)state;
	diags_init(&d);
	assert_int_equal(hk_check("/nonexistent/fedwiz/known_hosts", "x",
	    k.blob, k.len, &r, &d), 0);
	assert_int_equal(r.verdict, HK_UNKNOWN);
	/* A folder where the file should be: said, not a crash. */
	assert_int_equal(hk_check("/", "x", k.blob, k.len, &r, &d), -1);
	assert_int_equal(d.n, 1);
	diags_free(&d);
}

static void
test_add_appends_hashed_0600(void **state)
{
	struct hk_result	 r;
	struct diags		 d;
	struct key		 a = key(KEY_A), c = key(KEY_C);
	struct stat		 sb;
	char			 dir[] = "/tmp/fedwiz-khdir-XXXXXX", *path, *text;
	size_t			 len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/ssh/known_hosts", dir);
	diags_init(&d);
	/* Created, folder 0700 and file 0600. */
	assert_int_equal(hk_add(path, "[127.0.0.1]:2222", a.blob, a.len, &d),
	    0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	text = xasprintf("%s/ssh", dir);
	assert_int_equal(stat(text, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(text);
	assert_int_equal(hk_check(path, "[127.0.0.1]:2222", a.blob, a.len, &r,
	    &d), 0);
	assert_int_equal(r.verdict, HK_MATCH);
	/* The name is not written in clear. */
	assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
	assert_null(strstr(text, "127.0.0.1"));
	assert_true(strncmp(text, "|1|", 3) == 0);
	free(text);
	/* A last line without a newline is not glued to the next. */
	{
		FILE *fp = fopen(path, "a");
		assert_non_null(fp);
		fputs("other.example.com ssh-ed25519 " KEY_B, fp);
		fclose(fp);
	}
	assert_int_equal(hk_add(path, "fe1.example.com", c.blob, c.len, &d),
	    0);
	assert_int_equal(hk_check(path, "fe1.example.com", c.blob, c.len, &r,
	    &d), 0);
	assert_int_equal(r.verdict, HK_MATCH);
	assert_int_equal(hk_check(path, "[127.0.0.1]:2222", a.blob, a.len, &r,
	    &d), 0);
	assert_int_equal(r.verdict, HK_MATCH);
	assert_int_equal(d.n, 0);
	diags_free(&d);
	unlink(path);
	text = xasprintf("%s/ssh", dir);
	rmdir(text);
	free(text);
	rmdir(dir);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprints_match_ssh_keygen),
		cmocka_unit_test(test_hostname_has_the_port_unless_22),
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_hashed_lines),
		cmocka_unit_test(test_patterns_and_negation),
		cmocka_unit_test(test_pattern_matches_as_openssh),
		cmocka_unit_test(test_pattern_does_not_backtrack),
		cmocka_unit_test(test_revoked_and_cert_authority),
		cmocka_unit_test(test_several_keys_one_matches),
		cmocka_unit_test(test_known_types_best_first),
		cmocka_unit_test(test_missing_file_is_unknown),
		cmocka_unit_test(test_add_appends_hashed_0600),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
