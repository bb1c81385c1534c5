/* test_fileio.c: file_write_atomic leaves a whole file or none. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include "fileio.h"
#include "testutil.h"

struct tmpdir {
	char	path[64];
};

static int
setup(void **state)
{
	struct tmpdir	*t = xcalloc(1, sizeof(*t));

	snprintf(t->path, sizeof(t->path), "/tmp/fedwiz-fileio.XXXXXX");
	if (mkdtemp(t->path) == NULL)
		return -1;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tmpdir	*t = *state;
	struct dirent	*e;
	DIR		*dir;
	char		*p;

	if ((dir = opendir(t->path)) != NULL) {
		while ((e = readdir(dir)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			p = xasprintf("%s/%s", t->path, e->d_name);
			if (unlink(p) == -1)
				rmdir(p);
			free(p);
		}
		closedir(dir);
	}
	rmdir(t->path);
	free(t);
	return 0;
}

/* Names in the folder, sorted, "a b c". */
static char *
listing(const char *path)
{
	struct dirent	**v;
	struct buf	  b;
	int		  n, i;

	buf_init(&b);
	buf_adds(&b, "");
	n = scandir(path, &v, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (v[i]->d_name[0] != '.' || (strcmp(v[i]->d_name, ".") != 0 &&
		    strcmp(v[i]->d_name, "..") != 0))
			buf_printf(&b, "%s%s", b.len ? " " : "", v[i]->d_name);
		free(v[i]);
	}
	free(v);
	return buf_steal(&b);
}

static void
content_is(const char *path, const char *want)
{
	char	*got;
	size_t	 len;

	assert_int_equal(read_file(path, 1 << 20, &got, &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(got, want, len);
	free(got);
}

static void
test_fileio_writes_private_file(void **state)
{
	struct tmpdir	*t = *state;
	struct diags	 d;
	struct stat	 sb;
	mode_t		 old;
	char		*p = xasprintf("%s/report.md", t->path), *ls;

	diags_init(&d);
	/* A permissive umask must not leak into a report's mode. */
	old = umask(022);
	assert_int_equal(file_write_atomic(p, "# hello\n", 8, &d), 0);
	umask(old);
	assert_int_equal(d.n, 0);
	content_is(p, "# hello\n");
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	ls = listing(t->path);
	assert_string_equal(ls, "report.md");
	free(ls);
	free(p);
	diags_free(&d);
}

static void
test_fileio_replaces_old_content_and_mode(void **state)
{
	struct tmpdir	*t = *state;
	struct diags	 d;
	struct stat	 sb;
	FILE		*fp;
	char		*p = xasprintf("%s/r.html", t->path), *ls;

	diags_init(&d);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("an older, longer report that must go entirely\n", fp);
	fclose(fp);
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(file_write_atomic(p, "new", 3, &d), 0);
	content_is(p, "new");
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	/* Empty data is a file of zero bytes, not an error. */
	assert_int_equal(file_write_atomic(p, "", 0, &d), 0);
	content_is(p, "");
	ls = listing(t->path);
	assert_string_equal(ls, "r.html");
	free(ls);
	free(p);
	diags_free(&d);
}

static void
test_fileio_missing_folder_leaves_nothing(void **state)
{
	struct tmpdir	*t = *state;
	struct diags	 d;
	char		*p = xasprintf("%s/no/such/r.json", t->path), *ls;

	diags_init(&d);
	assert_int_equal(file_write_atomic(p, "x", 1, &d), -ENOENT);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, p);
	assert_contains(d.v[0].msg, "cannot create a temporary file");
	assert_contains(d.v[0].msg, "No such file or directory");
	ls = listing(t->path);
	assert_string_equal(ls, "");
	free(ls);
	free(p);
	diags_free(&d);
}

static void
test_fileio_folder_target_keeps_folder_and_no_temp(void **state)
{
	struct tmpdir	*t = *state;
	struct diags	 d;
	char		*p = xasprintf("%s/sub", t->path), *ls;

	diags_init(&d);
	assert_int_equal(mkdir(p, 0700), 0);
	/* rename cannot put a file over a folder: the temp file must go. */
	assert_int_equal(file_write_atomic(p, "x", 1, &d), -EISDIR);
	assert_int_equal(d.n, 1);
	assert_contains(d.v[0].msg, "a folder");
	ls = listing(t->path);
	assert_string_equal(ls, "sub");
	free(ls);
	free(p);
	diags_free(&d);

	diags_init(&d);
	p = xasprintf("%s/", t->path);
	assert_int_equal(file_write_atomic(p, "x", 1, &d), -EISDIR);
	assert_contains(d.v[0].msg, "names a folder");
	free(p);
	diags_free(&d);
}

static void
test_fileio_bare_name_writes_in_cwd(void **state)
{
	struct tmpdir	*t = *state;
	struct diags	 d;
	char		 cwd[4096];

	diags_init(&d);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(t->path), 0);
	assert_int_equal(file_write_atomic("here.md", "ok\n", 3, &d), 0);
	content_is("here.md", "ok\n");
	assert_int_equal(chdir(cwd), 0);
	diags_free(&d);
}

/* Appending (known_hosts): a file, through a link; never a FIFO, which
 * would hang the open, nor a folder. */
static void
test_fileio_append_refuses_fifo_and_folder(void **state)
{
	struct tmpdir	*t = *state;
	struct diags	 d;
	char		*fifo = xasprintf("%s/fifo", t->path);
	char		*file = xasprintf("%s/kh", t->path);
	char		*link = xasprintf("%s/kh-link", t->path);
	struct stat	 sb;
	int		 fd;

	diags_init(&d);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_true(file_open_append(fifo, &d) < 0);
	assert_int_equal(d.n, 1);
	assert_contains(d.v[0].msg, "FIFO");
	assert_true(file_open_append(t->path, &d) < 0);
	assert_contains(d.v[1].msg, "folder");
	/* A link to a file yet to be made: created there, 0600. */
	assert_int_equal(symlink("kh", link), 0);
	fd = file_open_append(link, &d);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x\n", 2), 2);
	close(fd);
	content_is(file, "x\n");
	assert_int_equal(lstat(link, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(stat(file, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	fd = file_open_append("/dev/null", &d);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(d.n, 2);
	free(fifo);
	free(file);
	free(link);
	diags_free(&d);
}

/* A FIFO is written through when a reader is there, and refused at once
 * (not waited on forever) when none is. */
static void
test_fileio_fifo_without_reader_refused(void **state)
{
	struct tmpdir	*t = *state;
	struct diags	 d;
	char		*fifo = xasprintf("%s/out", t->path), *ls;

	diags_init(&d);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(file_write_atomic(fifo, "x", 1, &d), -ENXIO);
	assert_contains(d.v[0].msg, "nobody reads");
	ls = listing(t->path);
	assert_string_equal(ls, "out");
	free(ls);
	free(fifo);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fileio_writes_private_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fileio_replaces_old_content_and_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fileio_missing_folder_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fileio_folder_target_keeps_folder_and_no_temp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_fileio_bare_name_writes_in_cwd, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fileio_append_refuses_fifo_and_folder, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_fileio_fifo_without_reader_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
