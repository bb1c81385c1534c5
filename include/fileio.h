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

#endif
