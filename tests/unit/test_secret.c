/* test_secret.c: the secret store (secret.h): what it refuses, what it
 * keeps and forgets, the environment taken and scrubbed, and files that
 * are not regular refused without waiting on them. */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"
#include "testutil.h"



static void
test_refused(void **state)
{
	char	big[600];

	(void)state;
	assert_null(secret_refused("enable", ""));
	assert_null(secret_refused("enable", "s3cret with spaces"));
	assert_non_null(strstr(secret_refused("enable", "abc\nconf t"),
	    "line break"));
	assert_non_null(strstr(secret_refused("enable", "abc\rconf t"),
	    "line break"));
	assert_non_null(strstr(secret_refused("enable", "a\x03"),
	    "control character"));
	/* A password goes in the SSH protocol, not on a CLI's line. */
	assert_null(secret_refused("password", "a\nb"));
	memset(big, 'a', 512);
	big[512] = '\0';
	assert_non_null(strstr(secret_refused("password", big), "511"));
	big[511] = '\0';
	assert_null(secret_refused("password", big));
}

static void
test_keep_forget(void **state)
{
	struct secrets	src = { NULL, NULL, 0 };
	struct diags	d;
	char		buf[SECRET_MAX];

	(void)state;
	diags_init(&d);
	assert_int_equal(secret_keep("password", "typed-1", &d), 0);
	assert_int_equal(secret_get(&src, "password", "password", buf,
	    sizeof(buf), &d), 0);
	assert_string_equal(buf, "typed-1");
	/* too small a buffer: refused, not cut */
	assert_int_equal(secret_get(&src, "password", "password", buf, 4,
	    &d), -1);
	assert_int_equal(secret_keep("enable", "x\ny", &d), -1);
	assert_non_null(strstr(d.v[d.n - 1].msg, "line break"));
	secret_forget();
	assert_int_equal(secret_get(&src, "password", "password", buf,
	    sizeof(buf), &d), -1);		/* no terminal, nothing kept */
	/* enable: none given is the empty default */
	assert_int_equal(secret_get(&src, "enable", "enable secret", buf,
	    sizeof(buf), &d), 0);
	assert_string_equal(buf, "");
	diags_free(&d);
}

static void
test_environment_taken_and_scrubbed(void **state)
{
	struct secrets	src = { NULL, NULL, 0 };
	struct diags	d;
	struct rlimit	rl;
	char		buf[SECRET_MAX], big[600], **e;

	(void)state;
	memset(big, 'e', 512);
	big[512] = '\0';
	setenv("FEDWIZ_PASSWORD", "from-the-env", 1);
	setenv("FEDWIZ_ENABLE_SECRET", big, 1);
	secret_start();
	assert_null(getenv("FEDWIZ_PASSWORD"));
	assert_null(getenv("FEDWIZ_ENABLE_SECRET"));
	for (e = environ; *e != NULL; e++)
		assert_null(strstr(*e, "from-the-env"));
	/* not dumpable, no core, once a secret is in memory */
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	assert_int_equal(rl.rlim_cur, 0);
	assert_int_equal(rl.rlim_max, 0);
	diags_init(&d);
	assert_int_equal(secret_get(&src, "password", "password", buf,
	    sizeof(buf), &d), 0);
	assert_string_equal(buf, "from-the-env");
	/* the environment's stays after a forget: it cannot be read again */
	secret_forget();
	assert_int_equal(secret_get(&src, "password", "password", buf,
	    sizeof(buf), &d), 0);
	/* 512 characters: refused, not an empty secret */
	assert_int_equal(secret_get(&src, "enable", "enable secret", buf,
	    sizeof(buf), &d), -1);
	assert_string_equal(d.v[d.n - 1].file, "FEDWIZ_ENABLE_SECRET");
	assert_non_null(strstr(d.v[d.n - 1].msg, "longer than 511"));
	diags_free(&d);
}

static void
on_alarm(int sig)
{
	static const char	msg[] = "secret_file still waiting on a FIFO\n";

	(void)sig;
	(void)write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

static void
test_file_not_regular_refused(void **state)
{
	struct diags	d;
	char		dir[] = "/tmp/fedwiz-secret-XXXXXX", path[64],
			buf[SECRET_MAX];
	FILE		*fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	diags_init(&d);
	signal(SIGALRM, on_alarm);
	alarm(10);
	assert_int_equal(secret_file(path, buf, sizeof(buf), &d), -1);
	alarm(0);
	assert_non_null(strstr(d.v[0].msg, "not a regular file (a FIFO)"));
	unlink(path);
	/* others can read it: refused; 0600: its first line */
	snprintf(path, sizeof(path), "%s/pw", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("line-one\nline-two\n", fp);
	fclose(fp);
	chmod(path, 0644);
	assert_int_equal(secret_file(path, buf, sizeof(buf), &d), -1);
	chmod(path, 0600);
	assert_int_equal(secret_file(path, buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "line-one");
	unlink(path);
	rmdir(dir);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_keep_forget),
		cmocka_unit_test(test_file_not_regular_refused),
		/* last: the environment's secrets stay for the process */
		cmocka_unit_test(test_environment_taken_and_scrubbed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
