/* fileio.c: atomic, durable replacement of a plain file. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
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

/* Folders of files written together (an export). */

static int
dir_check(int fd, const char *path, int must_be_empty, struct diags *d)
{
	struct stat	 sb;
	DIR		*dp;
	struct dirent	*e;
	int		 dfd, rc = 0;

	if (fstat(fd, &sb) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot tell what it is: %s",
		    strerror(errno));
		return rc;
	}
	if (sb.st_uid != geteuid()) {
		diags_add(d, path, 0, 0, "the folder belongs to another user "
		    "(uid %lu): give a folder of your own",
		    (unsigned long)sb.st_uid);
		return -EPERM;
	}
	if (!must_be_empty)
		goto mode;
	if ((dfd = dup(fd)) == -1 || (dp = fdopendir(dfd)) == NULL) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot list it: %s", strerror(errno));
		if (dfd != -1)
			close(dfd);
		return rc;
	}
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			diags_add(d, path, 0, 0, "the folder is not empty (it "
			    "has %s): give a new or empty folder; nothing in "
			    "it is replaced", e->d_name);
			rc = -EEXIST;
			break;
		}
	closedir(dp);
	if (rc != 0)
		return rc;
mode:
	if ((sb.st_mode & 07777) != 0700 && fchmod(fd, 0700) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot make it private (chmod 700): "
		    "%s", strerror(errno));
	}
	return rc;
}

int
file_dir_new(const char *path, int *dirfd, struct diags *d)
{
	struct stat	sb;
	int		fd, rc;

	if (lstat(path, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		diags_add(d, path, 0, 0, "%s", S_ISLNK(sb.st_mode) ? "is a "
		    "symbolic link; fedwiz writes into no folder through a "
		    "link: give the folder's own path" : "is not a folder; "
		    "give a new or empty folder");
		return S_ISLNK(sb.st_mode) ? -ELOOP : -ENOTDIR;
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot create the folder: %s",
		    strerror(errno));
		return rc;
	}
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "%s", errno == ELOOP ? "is a symbolic "
		    "link; fedwiz writes into no folder through a link: give "
		    "the folder's own path" : errno == ENOTDIR ? "is not a "
		    "folder; give a new or empty folder" : strerror(errno));
		return rc;
	}
	if ((rc = dir_check(fd, path, 1, d)) != 0) {
		close(fd);
		return rc;
	}
	*dirfd = fd;
	return 0;
}

int
file_dir_sub(int parent, const char *path, const char *name, int *dirfd,
    struct diags *d)
{
	int	fd, rc;

	if (mkdirat(parent, name, 0700) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot create the folder: %s",
		    strerror(errno));
		return rc;
	}
	if ((fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot open the folder it made: %s",
		    strerror(errno));
		return rc;
	}
	if ((rc = dir_check(fd, path, 0, d)) != 0) {
		close(fd);
		return rc;
	}
	*dirfd = fd;
	return 0;
}

int
file_write_in(int dirfd, const char *path, const char *name,
    const void *data, size_t len, unsigned mode, struct diags *d)
{
	static unsigned	 seq;
	char		 tmp[64];
	int		 fd = -1, rc, tries;

	for (tries = 0; tries < 100; tries++) {
		/* The folder is ours alone (0700): a name only has to be
		 * new, and O_EXCL says whether it is. */
		snprintf(tmp, sizeof(tmp), ".fedwiz-tmp.%ld.%u", (long)getpid(),
		    seq++);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot create a temporary file "
		    "beside it: %s", strerror(errno));
		return rc;
	}
	if ((rc = write_all(fd, data, len)) != 0) {
		diags_add(d, path, 0, 0, "cannot write: %s", strerror(-rc));
		goto out;
	}
	if (fchmod(fd, (mode_t)mode) == -1 || fsync(fd) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot save to disk: %s",
		    strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot save to disk: %s",
		    strerror(errno));
		goto out;
	}
	fd = -1;
	/* rename(2) replaces a link of that name; it never follows one. */
	if (renameat(dirfd, tmp, dirfd, name) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot put it in place: %s",
		    strerror(errno));
		goto out;
	}
	return 0;
out:
	if (fd != -1)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	return rc;
}

int
file_dir_sync(int dirfd, const char *path, struct diags *d)
{
	int	rc;

	if (fsync(dirfd) == -1 && errno != EINVAL && errno != ENOTSUP) {
		rc = -errno;
		diags_add(d, path, 0, 0, "written, but the folder could not be "
		    "saved to disk: %s", strerror(errno));
		return rc;
	}
	return 0;
}
