/* fileio.h: plain files written so that a reader never sees half of one. */
#ifndef FEDWIZ_FILEIO_H
#define FEDWIZ_FILEIO_H

#include <stddef.h>

#include "util.h"

/*
 * Replace path with data, atomically and durably: a mode 0600 temporary
 * file in the same folder, written, fsync'd, renamed over path, then the
 * folder fsync'd. 0, or -errno with a diag naming the file and what
 * failed. On failure the temporary file is removed and path is as it was
 * (absent, or its old content) -- except when only the last step, syncing
 * the folder, fails: path then has the whole new content, which a crash
 * might still undo, and the diag says so.
 */
int	file_write_atomic(const char *, const void *, size_t,
	    struct diags *);

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
