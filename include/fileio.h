/* fileio.h: plain files written so that a reader never sees half of one,
 * and nothing that is not a plain file is ever replaced. */
#ifndef FEDWIZ_FILEIO_H
#define FEDWIZ_FILEIO_H

#include <stddef.h>

#include "util.h"

/* How file_write delivered the bytes. */
enum file_how {
	FILE_REPLACED,		/* a new 0600 file took the name's place */
	FILE_THROUGH		/* written into a device, FIFO or terminal */
};

/*
 * Write data to path, by what path is (lstat):
 *   absent, or a regular file: replaced atomically and durably: a mode 0600
 *     temporary file in the same folder, written, fsync'd, renamed over
 *     path, then the folder fsync'd;
 *   a character device, a FIFO (/dev/null, a terminal): written through,
 *     never replaced, never truncated;
 *   a symbolic link: followed as open(2) follows it (the kernel's
 *     protected_symlinks rules apply); a device, FIFO or socket behind it
 *     (/dev/stdout, /proc/self/fd/1) is written through; a regular file
 *     behind it is replaced atomically where it lies, and the link stays;
 *     a link to nothing is refused (it would create a file elsewhere);
 *   a block device, a folder, a socket: refused.
 * 0 and *how (may be NULL), or -errno with a diag naming the file and what
 * failed. On failure a temporary file is removed and path is as it was --
 * except when only the last step, syncing the folder, fails: path then has
 * the whole new content, which a crash might still undo, and the diag says
 * so.
 */
int	file_write(const char *, const void *, size_t, enum file_how *,
	    struct diags *);
/* file_write without asking how. */
int	file_write_atomic(const char *, const void *, size_t,
	    struct diags *);

/*
 * Open path to append to it, created 0600 when absent (through a symbolic
 * link too, as OpenSSH does with known_hosts). What is opened must be a
 * regular file, or a character device (/dev/null): a FIFO, a folder or a
 * block device is refused, without blocking on a FIFO. The fd, or -errno
 * with a diag saying what path is.
 */
int	file_open_append(const char *, struct diags *);

/*
 * Whether a private key file may be used, by OpenSSH's rule
 * (sshkey_perm_ok): one owned by us must not be readable or writable by
 * anyone else. 0, or -1 with why in OpenSSH's words ("permissions 0644
 * for it are too open").
 */
int	file_private_ok(const char *, char *, size_t);

/*
 * A private folder for a set of files written together (an export): path
 * is created mode 0700, or, if it is already there, must be an empty
 * folder of ours (not a symbolic link; its mode is made 0700). *dirfd is
 * open on it (O_NOFOLLOW), so nothing swapped into the path afterwards is
 * written through. 0, or -errno with a diag saying what path is.
 */
int	file_dir_new(const char *, int *, struct diags *);
/* The same for a new folder name inside dirfd (path names it in
 * messages): created 0700, never followed if it is a link. */
int	file_dir_sub(int, const char *, const char *, int *, struct diags *);
/*
 * Write data as name inside dirfd with this mode: a temporary file made
 * there (O_EXCL, O_NOFOLLOW), written, fsync'd and renamed into place, so
 * that a reader sees all of it or nothing, and a symbolic link of that
 * name is replaced, never followed. path names it in messages. The folder
 * itself is fsync'd by file_dir_sync. 0, or -errno with a diag.
 */
int	file_write_in(int, const char *, const char *, const void *, size_t,
	    unsigned, struct diags *);
/* fsync a folder (what was renamed into it is then on disk). */
int	file_dir_sync(int, const char *, struct diags *);

#endif
