/* catalog.h: where runbooks live and how a name finds one. */
#ifndef FEDWIZ_CATALOG_H
#define FEDWIZ_CATALOG_H

#include <stddef.h>

#include "runbook.h"
#include "util.h"

/*
 * The runbook folder: --runbooks, else $FEDWIZ_RUNBOOKS, else steps/ of the
 * source tree when this binary is the one in the build tree, else the
 * installed data dir.
 */
const char	*catalog_dir(const char *);

/* The *.yaml files of dir, sorted. 0, or -1 with a diag. */
int		 catalog_files(const char *, char ***, size_t *,
		     struct diags *);
void		 catalog_files_free(char **, size_t);

/*
 * A runbook by id (looked up in dir) or by path (contains '/' or ends in
 * .yaml). 0 and *out; -1 with diags (not found, or load errors).
 */
int		 catalog_open(const char *, const char *, struct runbook **,
		     struct diags *);
/* The same, keeping the file's bytes (read once, so they are exactly what
 * was parsed and hashed). */
int		 catalog_open_text(const char *, const char *,
		     struct runbook **, char **, size_t *, struct diags *);

#endif
