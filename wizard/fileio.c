/*
 * fileio.c: plain files replaced atomically and durably; devices, FIFOs and
 * what a symbolic link leads to written through, never replaced (fileio.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* What a file is, in words, for "is a ..." messages. */
static const char *
kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a folder";
	if (S_ISBLK(m))
		return "a block device (a disk or partition)";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISLNK(m))
		return "a symbolic link";
	return "not a regular file";
}

/* Refuse what can neither be replaced nor written through. */
static int
refuse(const char *path, mode_t m, const char *via, struct diags *d)
{
	diags_add(d, path, 0, 0, "%s%s; fedwiz writes a regular file, a "
	    "terminal, a FIFO or a character device such as /dev/null, and "
	    "replaces nothing else: give a file name", via, kind_of(m));
	return S_ISDIR(m) ? -EISDIR : -EPERM;
}

/* A temporary file in path's folder, renamed over it (fileio.h). */
static int
replace(const char *path, const void *data, size_t len, struct diags *d)
{
	const char	*base;
	char		*dir, *tmp = NULL;
	int		 fd = -1, dfd, rc = 0;

	dir = dir_of(path);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
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
		diags_add(d, path, 0, 0, "cannot write: %s", strerror(-rc));
		goto out;
	}
	/* mkstemp's mode is 0600 already; a report is private anyway, and
	 * fchmod says so whatever the C library does. */
	if (fchmod(fd, 0600) == -1 || fsync(fd) == -1) {
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

/*
 * Open what path leads to for writing, without creating anything and
 * without blocking on a FIFO nobody reads (O_NONBLOCK, cleared once open:
 * a slow reader must not make a write fail with EAGAIN).
 */
static int
open_existing(const char *path, int nofollow, struct diags *d)
{
	int	fd, fl;

	fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK |
	    (nofollow ? O_NOFOLLOW : 0));
	if (fd == -1) {
		if (errno == ENXIO)
			diags_add(d, path, 0, 0, "a FIFO that nobody reads; "
			    "start its reader first");
		else if (errno == ENOENT)
			diags_add(d, path, 0, 0, "a symbolic link to something "
			    "that does not exist; fedwiz creates no file "
			    "through a link: give the file's own path");
		else
			diags_add(d, path, 0, 0, "cannot open it for writing: "
			    "%s", strerror(errno));
		return -errno;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

/* Bytes into a device, FIFO or terminal that stays what it is. */
static int
through(int fd, const char *path, const void *data, size_t len,
    struct diags *d)
{
	int	rc;

	if ((rc = write_all(fd, data, len)) != 0)
		diags_add(d, path, 0, 0, "cannot write: %s", strerror(-rc));
	close(fd);
	return rc;
}

/* A symbolic link, followed the way open(2) follows it. */
static int
via_link(const char *path, const void *data, size_t len, enum file_how *how,
    struct diags *d)
{
	struct stat	 fsb, tsb;
	char		*target;
	int		 fd, rc;

	if ((fd = open_existing(path, 0, d)) < 0)
		return fd;
	if (fstat(fd, &fsb) == -1) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot tell what it leads to: %s",
		    strerror(errno));
		close(fd);
		return rc;
	}
	if (S_ISCHR(fsb.st_mode) || S_ISFIFO(fsb.st_mode) ||
	    S_ISSOCK(fsb.st_mode)) {
		*how = FILE_THROUGH;
		return through(fd, path, data, len, d);
	}
	close(fd);
	if (!S_ISREG(fsb.st_mode))
		return refuse(path, fsb.st_mode, "a symbolic link to ", d);
	/*
	 * A regular file behind the link: replaced where it lies, so the
	 * link stays and a reader of the target still sees all or nothing.
	 * It must be the very file open(2) reached (the kernel has applied
	 * its rules on links in sticky folders there), not one swapped in
	 * since.
	 */
	if ((target = realpath(path, NULL)) == NULL) {
		rc = -errno;
		diags_add(d, path, 0, 0, "cannot resolve the symbolic link: %s",
		    strerror(errno));
		return rc;
	}
	if (lstat(target, &tsb) == -1 || !S_ISREG(tsb.st_mode) ||
	    tsb.st_dev != fsb.st_dev || tsb.st_ino != fsb.st_ino) {
		diags_add(d, path, 0, 0, "the symbolic link changed while it "
		    "was being written; nothing was written");
		free(target);
		return -EAGAIN;
	}
	rc = replace(target, data, len, d);
	free(target);
	return rc;
}

int
file_write(const char *path, const void *data, size_t len,
    enum file_how *howp, struct diags *d)
{
	enum file_how	 how = FILE_REPLACED;
	const char	*base;
	struct stat	 sb;
	int		 fd, rc;

	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (*base == '\0') {
		diags_add(d, path, 0, 0, "names a folder, not a file; give "
		    "the file to write");
		return -EISDIR;
	}
	if (lstat(path, &sb) == -1) {
		if (errno != ENOENT) {
			rc = -errno;
			diags_add(d, path, 0, 0, "cannot write there: %s",
			    strerror(errno));
			return rc;
		}
		rc = replace(path, data, len, d);
	} else if (S_ISREG(sb.st_mode))
		rc = replace(path, data, len, d);
	else if (S_ISLNK(sb.st_mode))
		rc = via_link(path, data, len, &how, d);
	else if (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode)) {
		/* A device node is never renamed over: /dev/null written
		 * through stays /dev/null. */
		if ((fd = open_existing(path, 1, d)) < 0)
			return fd;
		if (fstat(fd, &sb) == -1 || !(S_ISCHR(sb.st_mode) ||
		    S_ISFIFO(sb.st_mode))) {
			close(fd);
			diags_add(d, path, 0, 0, "changed while it was being "
			    "written; nothing was written");
			return -EAGAIN;
		}
		how = FILE_THROUGH;
		rc = through(fd, path, data, len, d);
	} else
		rc = refuse(path, sb.st_mode, "", d);
	if (rc == 0 && howp != NULL)
		*howp = how;
	return rc;
}

int
file_write_atomic(const char *path, const void *data, size_t len,
    struct diags *d)
{
	return file_write(path, data, len, NULL, d);
}

int
file_open_append(const char *path, struct diags *d)
{
	struct stat	sb;
	int		fd, fl, rc;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK, 0600);
	if (fd == -1) {
		rc = -errno;
		if (errno == ENXIO || errno == EISDIR)
			diags_add(d, path, 0, 0, "is %s; give a file",
			    errno == ENXIO ? "a FIFO" : "a folder");
		else
			diags_add(d, path, 0, 0, "cannot open it to add to it: "
			    "%s", strerror(errno));
		return rc;
	}
	if (fstat(fd, &sb) == -1 || !(S_ISREG(sb.st_mode) ||
	    S_ISCHR(sb.st_mode))) {
		rc = fstat(fd, &sb) == -1 ? -errno : -EPERM;
		if (rc == -EPERM)
			diags_add(d, path, 0, 0, "is %s; give a file",
			    kind_of(sb.st_mode));
		else
			diags_add(d, path, 0, 0, "cannot tell what it is: %s",
			    strerror(-rc));
		close(fd);
		return rc;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

int
file_private_ok(const char *path, char *why, size_t whylen)
{
	struct stat	sb;

	if (stat(path, &sb) == -1)
		return 0;	/* unreadable: the library says so */
	if (sb.st_uid == getuid() && (sb.st_mode & 077) != 0) {
		snprintf(why, whylen, "permissions %04o for it are too open: "
		    "a private key must not be accessible by others, so it is "
		    "ignored, as OpenSSH ignores it; chmod 600 it",
		    (unsigned)(sb.st_mode & 07777));
		return -1;
	}
	return 0;
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
