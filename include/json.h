/* json.h: a small streaming JSON writer for --json output. */
#ifndef FEDWIZ_JSON_H
#define FEDWIZ_JSON_H

#include <stdio.h>

#define JSON_MAX_DEPTH	32

#define JSON_BUF	65536

struct json {
	FILE	*fp;
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
/* Finish the document with a newline and write it all out. */
void	json_end(struct json *);

#endif
