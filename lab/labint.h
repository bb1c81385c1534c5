/* labint.h: what the lab's own files share beyond lab.h. */
#ifndef FEDWIZ_LABINT_H
#define FEDWIZ_LABINT_H

#include <stdint.h>

#include "lab.h"

struct sqlite3_stmt;

/* Statements (labdb.c): prepare and bind ('s' text, 'i' int64, 'd' int,
 * 'B' blob pointer and size_t), step (1 a row), run to the end, and read
 * one text column or the first value. Errors are fatal. */
struct sqlite3_stmt *lab_stmt(struct lab *, const char *, const char *, ...);
int		 lab_step(struct lab *, struct sqlite3_stmt *);
void		 lab_run(struct lab *, struct sqlite3_stmt *);
char		*lab_col(struct sqlite3_stmt *, int);
char		*lab_one(struct lab *, struct sqlite3_stmt *);
int64_t		 lab_one_int(struct lab *, struct sqlite3_stmt *, int64_t);

#endif
