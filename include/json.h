/* json.h: a small streaming JSON writer for --json output. */
#ifndef FEDWIZ_JSON_H
#define FEDWIZ_JSON_H

#include <stdio.h>

#define JSON_MAX_DEPTH	32

#define JSON_BUF	65536

struct buf;

struct json {
	FILE	*fp;
	struct buf *tee;		/* json_capture: a copy goes there */
	size_t	 tee_from;		/* what of buf it has not had yet */
	int	 depth;
	int	 count[JSON_MAX_DEPTH];	/* members written at each level */
	int	 after_key;
	size_t	 len;			/* bytes waiting in buf */
	char	 buf[JSON_BUF];		/* written by json_end or when full */
};

void	json_init(struct json *, FILE *);
void	json_obj_begin(struct json *);
void	json_obj_end(struct json *);
void	json_arr_begin(struct json *);
void	json_arr_end(struct json *);
void	json_key(struct json *, const char *);
void	json_str(struct json *, const char *);	/* NULL writes null */
void	json_int(struct json *, long long);
void	json_bool(struct json *, int);
void	json_null(struct json *);
/* key + value shorthands */
void	json_kstr(struct json *, const char *, const char *);
void	json_kint(struct json *, const char *, long long);
void	json_kbool(struct json *, const char *, int);
/* key + a template expanded (template.h), escaped as it is written: no
 * string is built. NULL template: null. */
void	json_kstr_tmpl(struct json *, const char *, const char *,
	    const char *(*)(void *, const char *), void *);
/*
 * Repeating a piece: json_capture(j, b) makes everything written from now
 * on also go to b, until json_capture(j, NULL). json_raw_value(j, s, n)
 * writes n bytes captured that way as the value after a key (the writer's
 * state is the same as after writing that value itself): a plan writes a
 * procedure's steps once and repeats them for each host they are the same
 * on.
 */
void	json_capture(struct json *, struct buf *);
void	json_raw_value(struct json *, const char *, size_t);
/* Finish the document with a newline and write it all out. */
void	json_end(struct json *);

#endif
