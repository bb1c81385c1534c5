/* fileio.c: atomic, durable replacement of a plain file. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"

/* The folder part of path: "." for a bare name, "/" for "/name". */
static char *
dir_of(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_write_atomic(const char *path, const void *data, size_t len,
    struct diags *d)
{
	const char	*base;
	char		*dir, *tmp = NULL;
	int		 fd = -1, dfd, rc = 0;

	dir = dir_of(path);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (*base == '\0') {
		diags_add(d, path, 0, 0, "names a folder, not a file; give "
		    "the file to write");
		rc = -EISDIR;
		goto out;
	}
	/*
	 * Same folder, so the rename cannot cross file systems; hidden, so a
	 * listing does not show it; mkstemp opens with O_EXCL and mode 0600
	 * whatever the umask, so nobody else can read it or slip one in.
	 */
	tmp = xasprintf("%s%s.%s.XXXXXX", dir, strcmp(dir, "/") ? "/" : "",
	    base);
	if ((fd = mkstemp(tmp)) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot create a temporary file in "
		    "%s: %s", dir, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if ((rc = write_all(fd, data, len)) != 0) {
		diags_add(d, tmp, 0, 0, "cannot write: %s", strerror(-rc));
		goto out;
	}
	/* mkstemp's mode is 0600 already; a report is private anyway, and
	 * fchmod says so whatever the C library does. */
	if (fchmod(fd, 0600) == -1 || fsync(fd) == -1) {
		rc = -errno;
		diags_add(d, tmp, 0, 0, "cannot save to disk: %s",
		    strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		rc = -errno;
		diags_add(d, tmp, 0, 0, "cannot save to disk: %s",
		    strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot replace it with %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/*
	 * The rename is durable only once the folder is. A file system that
	 * cannot sync folders says EINVAL; there is nothing more to do then.
	 */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (fsync(dfd) == -1 && errno != EINVAL && errno != ENOTSUP)) {
		rc = -errno;
		diags_add(d, path, 0, 0, "written, but its folder %s could not "
		    "be saved to disk: %s", dir, strerror(errno));
	}
	if (dfd != -1)
		close(dfd);
out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	return rc;
}
