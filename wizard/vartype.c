/* vartype.c: variable types as a table of names, descriptions and checkers. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vartype.h"

typedef int (*vt_checkfn)(const struct varspec *, const char *, char *,
    size_t);

struct vt_entry {
	enum vartype	 type;
	const char	*name;
	const char	*expect;
	vt_checkfn	 check;
};

static int	check_fqdn(const struct varspec *, const char *, char *, size_t);
static int	check_host(const struct varspec *, const char *, char *, size_t);
static int	check_ipv4(const struct varspec *, const char *, char *, size_t);
static int	check_ip(const struct varspec *, const char *, char *, size_t);
static int	check_port(const struct varspec *, const char *, char *, size_t);
static int	check_int(const struct varspec *, const char *, char *, size_t);
static int	check_word(const struct varspec *, const char *, char *, size_t);
static int	check_string(const struct varspec *, const char *, char *,
		    size_t);
static int	check_choice(const struct varspec *, const char *, char *,
		    size_t);
static int	check_bool(const struct varspec *, const char *, char *, size_t);
static int	check_oids(const struct varspec *, const char *, char *, size_t);
static int	check_route(const struct varspec *, const char *, char *,
		    size_t);

static const struct vt_entry vt_table[] = {
	{ VT_FQDN, "fqdn", "a DNS name of two or more labels, e.g. "
	    "pool1.example.com", check_fqdn },
	{ VT_HOST, "host", "a host name, FQDN or IP address", check_host },
	{ VT_IPV4, "ipv4", "an IPv4 address, e.g. 192.0.2.10", check_ipv4 },
	{ VT_IP, "ip", "an IPv4 or IPv6 address", check_ip },
	{ VT_PORT, "port", "an integer 1-65535", check_port },
	{ VT_INT, "int", "an integer", check_int },
	{ VT_WORD, "word", "one word of letters, digits and _ . - : @",
	    check_word },
	{ VT_STRING, "string", "one line of printable text", check_string },
	{ VT_PATH, "path", "a file path", check_string },
	{ VT_CHOICE, "choice", "one of the listed choices", check_choice },
	{ VT_BOOL, "bool", "true or false (yes/no, on/off, 1/0)", check_bool },
	{ VT_OID_LIST, "oid-list", "comma-separated OIDs, e.g. "
	    "1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2", check_oids },
	{ VT_ROUTE_PATTERN, "route-pattern", "a domain written backwards as an "
	    "IM and Presence static route pattern, e.g. .com.example.* for "
	    "example.com", check_route },
};

static const char *vt_names[nitems(vt_table)];

static const struct vt_entry *
vt_find(enum vartype t)
{
	size_t	i;

	for (i = 0; i < nitems(vt_table); i++)
		if (vt_table[i].type == t)
			return &vt_table[i];
	return NULL;
}

int
vartype_from_name(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(vt_table); i++)
		if (strcmp(vt_table[i].name, name) == 0)
			return (int)vt_table[i].type;
	return -1;
}

const char *
vartype_name(enum vartype t)
{
	const struct vt_entry	*e = vt_find(t);

	return e != NULL ? e->name : "?";
}

const char *
vartype_expect(enum vartype t)
{
	const struct vt_entry	*e = vt_find(t);

	return e != NULL ? e->expect : "?";
}

const char *const *
vartype_names(size_t *n)
{
	size_t	i;

	for (i = 0; i < nitems(vt_table); i++)
		vt_names[i] = vt_table[i].name;
	*n = nitems(vt_table);
	return vt_names;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* A DNS name: labels of letters, digits, hyphen (and underscore, which SRV
 * owner names and some Windows host names carry); 1-63 each, <= 253 total. */
static int
dns_name(const char *s, int min_labels, char *why, size_t whylen)
{
	size_t		 len = strlen(s), lab = 0;
	int		 labels = 0;
	const char	*p;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0) {
		snprintf(why, whylen, "is empty");
		return -1;
	}
	if (len > 253) {
		snprintf(why, whylen, "is longer than 253 characters");
		return -1;
	}
	for (p = s; p < s + len; p++) {
		if (*p == '.') {
			if (lab == 0) {
				snprintf(why, whylen, "has an empty label "
				    "(two dots in a row, or a leading dot)");
				return -1;
			}
			if (p[-1] == '-') {
				snprintf(why, whylen, "has a label ending "
				    "with '-'");
				return -1;
			}
			labels++;
			lab = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
			snprintf(why, whylen, "contains '%c', which a host "
			    "name cannot", isprint((unsigned char)*p) ? *p :
			    '?');
			return -1;
		}
		if (lab == 0 && *p == '-') {
			snprintf(why, whylen, "has a label starting with '-'");
			return -1;
		}
		if (++lab > 63) {
			snprintf(why, whylen, "has a label longer than 63 "
			    "characters");
			return -1;
		}
	}
	if (p[-1] == '-') {
		snprintf(why, whylen, "has a label ending with '-'");
		return -1;
	}
	labels++;
	if (labels < min_labels) {
		snprintf(why, whylen, "is a single label; a fully qualified "
		    "name has a domain, e.g. %s.example.com", s);
		return -1;
	}
	return 0;
}

static int
all_digits_and_dots(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s) && *s != '.')
			return 0;
	return 1;
}

static int
check_fqdn(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	(void)sp;
	if (*s != '\0' && all_digits_and_dots(s)) {
		snprintf(why, whylen, "is an address, not a DNS name");
		return -1;
	}
	return dns_name(s, 2, why, whylen);
}

static int
check_ipv4(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	struct in_addr	a;

	(void)sp;
	if (inet_pton(AF_INET, s, &a) != 1) {
		snprintf(why, whylen, "is not an IPv4 address (four numbers "
		    "0-255 separated by dots)");
		return -1;
	}
	return 0;
}

static int
check_ip(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	struct in6_addr	a;

	if (check_ipv4(sp, s, why, whylen) == 0)
		return 0;
	if (inet_pton(AF_INET6, s, &a) != 1) {
		snprintf(why, whylen, "is not an IPv4 or IPv6 address");
		return -1;
	}
	return 0;
}

static int
check_host(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	if (check_ip(sp, s, why, whylen) == 0)
		return 0;
	if (all_digits_and_dots(s)) {
		snprintf(why, whylen, "looks like an IPv4 address but is not "
		    "one");
		return -1;
	}
	return dns_name(s, 1, why, whylen);
}

static int
parse_ll(const char *s, long long *out)
{
	char		*end;
	long long	 v;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
check_port(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	long long	v;

	(void)sp;
	if (parse_ll(s, &v) == -1 || v < 1 || v > 65535) {
		snprintf(why, whylen, "is not a port (an integer 1-65535)");
		return -1;
	}
	return 0;
}

static int
check_int(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	long long	v;

	if (parse_ll(s, &v) == -1) {
		snprintf(why, whylen, "is not an integer");
		return -1;
	}
	if ((sp->has_min && v < sp->min) || (sp->has_max && v > sp->max)) {
		if (sp->has_min && sp->has_max)
			snprintf(why, whylen, "is outside %lld-%lld", sp->min,
			    sp->max);
		else if (sp->has_min)
			snprintf(why, whylen, "is below the minimum %lld",
			    sp->min);
		else
			snprintf(why, whylen, "is above the maximum %lld",
			    sp->max);
		return -1;
	}
	return 0;
}

static int
check_word(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	const char	*p;

	(void)sp;
	if (*s == '\0') {
		snprintf(why, whylen, "is empty");
		return -1;
	}
	if (strlen(s) > 255) {
		snprintf(why, whylen, "is longer than 255 characters");
		return -1;
	}
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("_.-:@", *p) == NULL) {
			snprintf(why, whylen, "contains '%c'; a word is letters, "
			    "digits and _ . - : @ only",
			    isprint((unsigned char)*p) ? *p : '?');
			return -1;
		}
	return 0;
}

/*
 * IM and Presence writes a domain route's destination pattern backwards,
 * label by label, with a leading dot and a trailing ".*" (Cisco, "Configure
 * Static Routes on IM and Presence Service": .com.example.* for
 * example.com): at least two labels between them.
 */
static int
check_route(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	size_t	 len = strlen(s), labels = 0, n = 0;
	const char *p;

	(void)sp;
	if (len < 5 || s[0] != '.' || strcmp(s + len - 2, ".*") != 0) {
		snprintf(why, whylen, "is not of the form .tld.domain.* (a "
		    "leading dot, the labels backwards, a trailing .*)");
		return -1;
	}
	for (p = s + 1; p < s + len - 1; p++) {
		if (*p == '.') {
			if (n == 0) {
				snprintf(why, whylen, "has an empty label");
				return -1;
			}
			labels++;
			n = 0;
		} else if (isalnum((unsigned char)*p) || *p == '-' ||
		    *p == '_')
			n++;
		else {
			snprintf(why, whylen, "contains '%c'; a label is "
			    "letters, digits and -", isprint((unsigned char)*p) ?
			    *p : '?');
			return -1;
		}
	}
	if (labels < 2) {
		snprintf(why, whylen, "has fewer than two labels");
		return -1;
	}
	return 0;
}

char *
vartype_route_pattern(const char *domain)
{
	size_t	 len = strlen(domain), i, j;
	char	*out, *o;

	while (len > 0 && domain[len - 1] == '.')
		len--;
	o = out = xmalloc(len + 4);
	*o++ = '.';
	for (i = len; i > 0; i = j) {
		for (j = i; j > 0 && domain[j - 1] != '.'; j--)
			;
		memcpy(o, domain + j, i - j);
		o += i - j;
		*o++ = '.';
		if (j > 0)
			j--;
	}
	*o++ = '*';
	*o = '\0';
	return out;
}

static int
check_string(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	if (*s == '\0') {
		snprintf(why, whylen, "is empty");
		return -1;
	}
	if (strlen(s) > 4096) {
		snprintf(why, whylen, "is longer than 4096 characters");
		return -1;
	}
	if (has_control(s)) {
		snprintf(why, whylen, "contains a control character "
		    "(newline, tab, escape ...)");
		return -1;
	}
	(void)sp;
	return 0;
}

static int
check_choice(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	struct buf	b;
	size_t		i;

	for (i = 0; i < sp->nchoices; i++)
		if (strcmp(sp->choices[i], s) == 0)
			return 0;
	buf_init(&b);
	for (i = 0; i < sp->nchoices; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", sp->choices[i]);
	snprintf(why, whylen, "is not one of: %s", b.s ? b.s : "(none)");
	buf_free(&b);
	return -1;
}

static const char *const bool_true[] = { "true", "yes", "on", "1", "True",
    "Yes", "On", "TRUE", "YES", "ON" };
static const char *const bool_false[] = { "false", "no", "off", "0", "False",
    "No", "Off", "FALSE", "NO", "OFF" };

static int
bool_value(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(bool_true); i++)
		if (strcmp(s, bool_true[i]) == 0)
			return 1;
	for (i = 0; i < nitems(bool_false); i++)
		if (strcmp(s, bool_false[i]) == 0)
			return 0;
	return -1;
}

static int
check_bool(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	(void)sp;
	if (bool_value(s) == -1) {
		snprintf(why, whylen, "is not true or false");
		return -1;
	}
	return 0;
}

/* Dotted OIDs: first arc 0-2, at least two arcs, separated by commas. */
static int
check_oids(const struct varspec *sp, const char *s, char *why, size_t whylen)
{
	const char	*p = s;
	int		 arcs;

	(void)sp;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '2' || (p[1] != '.' )) {
			snprintf(why, whylen, "is not a list of OIDs (each "
			    "starts 0., 1. or 2.; commas between)");
			return -1;
		}
		arcs = 0;
		for (;;) {
			if (!isdigit((unsigned char)*p)) {
				snprintf(why, whylen, "has an OID with an "
				    "empty or non-numeric arc");
				return -1;
			}
			while (isdigit((unsigned char)*p))
				p++;
			arcs++;
			if (*p != '.')
				break;
			p++;
		}
		if (arcs < 2) {
			snprintf(why, whylen, "has an OID with one arc");
			return -1;
		}
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (*p != ',') {
			snprintf(why, whylen, "has '%c' where a comma or the "
			    "end was expected", isprint((unsigned char)*p) ?
			    *p : '?');
			return -1;
		}
		p++;
	}
}

/* Well-formed UTF-8 (no overlongs, no surrogates): values end up in JSON,
 * reports and remote commands. */
static int
valid_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 left = strlen(s);
	uint32_t		 cp;
	int			 n;

	/* utf8_next (util.h) is the one decoder. */
	while (left > 0) {
		if ((n = utf8_next(p, left, &cp)) < 0)
			return 0;
		p += n;
		left -= (size_t)n;
	}
	return 1;
}

int
vartype_check(const struct varspec *sp, const char *value, char **norm,
    char *why, size_t whylen)
{
	const struct vt_entry	*e = vt_find(sp->type);
	size_t			 len;

	if (!valid_utf8(value)) {
		snprintf(why, whylen, "is not valid UTF-8");
		return -1;
	}
	if (e == NULL) {
		snprintf(why, whylen, "has an unknown type");
		return -1;
	}
	if (sp->type != VT_STRING && sp->type != VT_PATH && has_control(value)) {
		snprintf(why, whylen, "contains a control character");
		return -1;
	}
	if (e->check(sp, value, why, whylen) == -1)
		return -1;
	if (norm == NULL)
		return 0;
	switch (sp->type) {
	case VT_BOOL:
		*norm = xstrdup(bool_value(value) ? "true" : "false");
		break;
	case VT_FQDN:
	case VT_HOST:
		len = strlen(value);
		if (len > 1 && value[len - 1] == '.')
			len--;
		*norm = xstrndup(value, len);
		break;
	default:
		*norm = xstrdup(value);
		break;
	}
	return 0;
}
