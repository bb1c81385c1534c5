/* catalog.c: find runbooks on disk. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "runbook.h"
#include "util.h"
#include "ydoc.h"

static int
is_dir(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *
catalog_dir(const char *opt)
{
	static char	 buf[PATH_MAX];
	const char	*env;
	char		 exe[PATH_MAX];
	ssize_t		 n;

	if (opt != NULL)
		return opt;
	if ((env = getenv("FEDWIZ_RUNBOOKS")) != NULL && *env != '\0')
		return env;
	/* Run from the build tree: use the source tree's runbooks, so a
	 * developer never runs stale installed ones by accident. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(buf, sizeof(buf), "%s/wizard/fedwiz",
		    FEDWIZ_BUILDDIR);
		if (strcmp(exe, buf) == 0) {
			snprintf(buf, sizeof(buf), "%s/steps", FEDWIZ_SRCDIR);
			if (is_dir(buf))
				return buf;
		}
	}
	snprintf(buf, sizeof(buf), "%s/steps", FEDWIZ_DATADIR);
	return buf;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t	ls = strlen(s), lf = strlen(suf);

	return ls > lf && strcmp(s + ls - lf, suf) == 0;
}

int
catalog_files(const char *dir, char ***out, size_t *nout, struct diags *d)
{
	DIR		*dp;
	struct dirent	*de;
	char		**v = NULL;
	size_t		  n = 0;

	if ((dp = opendir(dir)) == NULL) {
		diags_add(d, dir, 0, 0, "cannot open the runbook folder: %s "
		    "(give one with --runbooks DIR)", strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || (!has_suffix(de->d_name, ".yaml") &&
		    !has_suffix(de->d_name, ".yml")))
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(dp);
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	*nout = n;
	return 0;
}

void
catalog_files_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Load path, keeping its bytes when asked. */
static int
load(const char *path, struct runbook **out, char **text, size_t *len,
    struct diags *d)
{
	char	*src;
	size_t	 n;
	int	 error;

	if (text == NULL)
		return runbook_load(path, out, d);
	if ((error = read_file(path, YDOC_MAX_BYTES, &src, &n)) != 0) {
		diags_add(d, path, 0, 0, "cannot read: %s", error == -EFBIG ?
		    "larger than 64 MiB; not a runbook" : strerror(-error));
		return -1;
	}
	if (runbook_parse(path, src, n, out, d) == -1) {
		free(src);
		return -1;
	}
	*text = src;
	*len = n;
	return 0;
}

int
catalog_open_text(const char *dir, const char *name, struct runbook **out,
    char **text, size_t *len, struct diags *d)
{
	struct runbook	 *rb;
	struct diags	  quiet;
	char		**files, *path;
	size_t		  n, i;
	int		  rc;

	if (strchr(name, '/') != NULL || has_suffix(name, ".yaml") ||
	    has_suffix(name, ".yml"))
		return load(name, out, text, len, d);

	/* The usual layout: <dir>/<id>.yaml holds runbook <id>. */
	path = xasprintf("%s/%s.yaml", dir, name);
	if (access(path, F_OK) == 0) {
		rc = load(path, &rb, text, len, d);
		free(path);
		if (rc == -1)
			return -1;
		if (strcmp(rb->id, name) == 0) {
			*out = rb;
			return 0;
		}
		runbook_free(rb);
		if (text != NULL)
			free(*text);
	} else
		free(path);

	/* Otherwise any file whose id matches; broken files are skipped
	 * here (fedwiz validate reports them). */
	if (catalog_files(dir, &files, &n, d) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		diags_init(&quiet);
		rc = runbook_load(files[i], &rb, &quiet);
		diags_free(&quiet);
		if (rc == -1)
			continue;
		if (strcmp(rb->id, name) == 0) {
			runbook_free(rb);
			rc = load(files[i], out, text, len, d);
			catalog_files_free(files, n);
			return rc;
		}
		runbook_free(rb);
	}
	catalog_files_free(files, n);
	diags_add(d, name, 0, 0, "no runbook with this id in %s; 'fedwiz list' "
	    "shows the ones there, or give a file path", dir);
	return -1;
}

int
catalog_open(const char *dir, const char *name, struct runbook **out,
    struct diags *d)
{
	return catalog_open_text(dir, name, out, NULL, NULL, d);
}
