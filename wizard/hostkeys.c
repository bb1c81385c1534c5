/* hostkeys.c: known_hosts lookups, fingerprints and appends. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "fileio.h"
#include "hostkeys.h"
#include "util.h"

#define HK_MAX_FILE	(16u * 1024 * 1024)
#define HK_MAX_BLOB	16384

static void	lower(char *);

/* Lower-cased, as OpenSSH looks names up and hashes them. */
const char *
hk_hostname(const char *host, int port, char *buf, size_t len)
{
	if (port == 22)
		snprintf(buf, len, "%s", host);
	else
		snprintf(buf, len, "[%s]:%d", host, port);
	lower(buf);
	return buf;
}

/* Base64 without surprises: EVP_DecodeBlock counts padding as bytes. */
static int
b64_decode(const char *in, size_t inlen, unsigned char *out, size_t outcap,
    size_t *outlen)
{
	int	n, pad = 0;

	if (inlen == 0 || inlen % 4 != 0 || inlen / 4 * 3 > outcap)
		return -1;
	if (in[inlen - 1] == '=')
		pad++;
	if (in[inlen - 2] == '=')
		pad++;
	n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)inlen);
	if (n < 0 || n < pad)
		return -1;
	*outlen = (size_t)(n - pad);
	return 0;
}

static void
b64_encode(const unsigned char *in, size_t len, char *out, size_t outcap,
    int strip_padding)
{
	size_t	n;

	if (outcap < (len + 2) / 3 * 4 + 1)
		fatal("base64: buffer too small");
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	if (strip_padding)
		for (n = strlen(out); n > 0 && out[n - 1] == '='; n--)
			out[n - 1] = '\0';
}

const char *
hk_blob_type(const unsigned char *blob, size_t len, char *buf, size_t buflen)
{
	size_t	n;

	if (len < 4)
		return NULL;
	n = (size_t)blob[0] << 24 | (size_t)blob[1] << 16 |
	    (size_t)blob[2] << 8 | blob[3];
	if (n == 0 || n > len - 4 || n >= buflen)
		return NULL;
	memcpy(buf, blob + 4, n);
	buf[n] = '\0';
	return buf;
}

void
hk_fingerprint(const unsigned char *blob, size_t len, char *buf,
    size_t buflen)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;
	char		b64[64];

	if (!EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL))
		fatal("OpenSSL: sha256 failed");
	b64_encode(md, mdlen, b64, sizeof(b64), 1);
	snprintf(buf, buflen, "SHA256:%s", b64);
}

const char *
hk_type_label(const char *type)
{
	if (strcmp(type, "ssh-ed25519") == 0)
		return "ED25519";
	if (strncmp(type, "ecdsa-", 6) == 0)
		return "ECDSA";
	if (strcmp(type, "ssh-rsa") == 0)
		return "RSA";
	if (strcmp(type, "ssh-dss") == 0)
		return "DSA";
	return type;
}

/* A hashed name: |1|base64(salt)|base64(HMAC-SHA1(salt, host)). */
static int
hashed_match(const char *entry, size_t len, const char *host)
{
	unsigned char	 salt[64], want[64], got[EVP_MAX_MD_SIZE];
	unsigned int	 gotlen = 0;
	size_t		 saltlen, wantlen;
	const char	*bar;

	if (len < 3 || strncmp(entry, "|1|", 3) != 0)
		return 0;
	entry += 3;
	len -= 3;
	if ((bar = memchr(entry, '|', len)) == NULL)
		return 0;
	if (b64_decode(entry, (size_t)(bar - entry), salt, sizeof(salt),
	    &saltlen) == -1 || b64_decode(bar + 1, len - (size_t)(bar - entry) -
	    1, want, sizeof(want), &wantlen) == -1)
		return 0;
	if (HMAC(EVP_sha1(), salt, (int)saltlen, (const unsigned char *)host,
	    strlen(host), got, &gotlen) == NULL)
		return 0;
	return gotlen == wantlen && CRYPTO_memcmp(got, want, gotlen) == 0;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* n bytes of s against n of a pattern piece: '?' is any one byte. */
static int
piece_at(const char *s, const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (p[i] != '?' && p[i] != s[i])
			return 0;
	return 1;
}

/* The first place in s[0, n) where piece p of pn bytes matches, or NULL. */
static const char *
piece_find(const char *s, size_t n, const char *p, size_t pn)
{
	size_t	i;

	if (memchr(p, '?', pn) == NULL)		/* linear (two-way) */
		return memmem(s, n, p, pn);
	for (i = 0; i + pn <= n; i++)
		if (piece_at(s + i, p, pn))
			return s + i;
	return NULL;
}

/*
 * OpenSSH's wildcards: '*' any run, '?' any one character, nothing else
 * ("[127.0.0.1]:2222" is a plain name, not a bracket expression); the
 * semantics of match_pattern() in OpenSSH's match.c. Not its algorithm:
 * that one tries every split of every '*' again for the next one, and
 * "*a" ten times then "*b" took 57 s against forty a's, on the loop.
 *
 * Here the pattern is cut at its stars into pieces: the first must
 * start the name, the last must end it, and each one between is taken
 * where it first matches after the one before (the earliest place never
 * loses a match a later one would give). No piece is tried twice: linear
 * with memmem for pieces without '?', at most name x piece otherwise.
 */
int
hk_match_pattern(const char *s, const char *p)
{
	size_t		 n = strlen(s), pn, first, last;
	const char	*star, *end, *at;

	if ((star = strchr(p, '*')) == NULL)
		return strlen(p) == n && piece_at(s, p, n);
	first = (size_t)(star - p);
	pn = strlen(p);
	for (last = 0; last < pn && p[pn - 1 - last] != '*'; last++)
		;
	if (first + last > n || !piece_at(s, p, first) ||
	    !piece_at(s + n - last, p + pn - last, last))
		return 0;
	s += first;
	n -= first + last;		/* what the stars and middle share */
	end = p + pn - last;		/* the last star is just before it */
	for (p = star; p < end;) {
		while (p < end && *p == '*')
			p++;
		if (p >= end)
			break;
		star = memchr(p, '*', (size_t)(end - p));
		if ((at = piece_find(s, n, p, (size_t)(star - p))) == NULL)
			return 0;
		n -= (size_t)(at - s) + (size_t)(star - p);
		s = at + (star - p);
		p = star;
	}
	return 1;
}

/*
 * Whether a hostnames field names host: comma-separated patterns with
 * * and ?, "!" negations (a negated match wins), or one hashed entry.
 * Hostnames compare case-insensitively, as OpenSSH's do.
 */
static int
names_match(const char *field, size_t len, const char *host)
{
	char		 name[300], pat[300];
	const char	*p = field, *end = field + len, *comma;
	size_t		 n;
	int		 negate, hit = 0;

	if (len >= 3 && strncmp(field, "|1|", 3) == 0)
		return hashed_match(field, len, host);
	snprintf(name, sizeof(name), "%s", host);
	lower(name);
	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		n = (size_t)((comma ? comma : end) - p);
		negate = n > 0 && *p == '!';
		if (n - (size_t)negate < sizeof(pat)) {
			memcpy(pat, p + negate, n - (size_t)negate);
			pat[n - (size_t)negate] = '\0';
			lower(pat);
			if (hk_match_pattern(name, pat)) {
				if (negate)
					return 0;
				hit = 1;
			}
		}
		p += n + 1;
	}
	return hit;
}

/* One parsed line: pointers into the text, with lengths. */
struct hk_line {
	int		 revoked;
	int		 ca;
	const char	*names;
	size_t		 nnames;
	const char	*type;
	size_t		 ntype;
	const char	*key;
	size_t		 nkey;
};

static const char *
field(const char **p, const char *end, size_t *n)
{
	const char	*s;

	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	s = *p;
	while (*p < end && **p != ' ' && **p != '\t')
		(*p)++;
	*n = (size_t)(*p - s);
	return *n > 0 ? s : NULL;
}

static int
parse_line(const char *s, const char *end, struct hk_line *l)
{
	const char	*p = s, *f;
	size_t		 n;

	memset(l, 0, sizeof(*l));
	if ((f = field(&p, end, &n)) == NULL || *f == '#')
		return -1;
	if (*f == '@') {
		if (n == 8 && strncmp(f, "@revoked", 8) == 0)
			l->revoked = 1;
		else if (n == 15 && strncmp(f, "@cert-authority", 15) == 0)
			l->ca = 1;
		else
			return -1;
		if ((f = field(&p, end, &n)) == NULL)
			return -1;
	}
	l->names = f;
	l->nnames = n;
	if ((l->type = field(&p, end, &l->ntype)) == NULL ||
	    (l->key = field(&p, end, &l->nkey)) == NULL)
		return -1;
	return 0;
}

/* Walk a file's text, line by line: fn returns nonzero to stop. */
static void
each_text(const char *text, size_t len,
    int (*fn)(void *, int, const struct hk_line *), void *arg)
{
	struct hk_line	 l;
	const char	*p, *end, *nl;
	int		 lineno = 0;

	for (p = text, end = text + len; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (parse_line(p, nl > p && nl[-1] == '\r' ? nl - 1 : nl,
		    &l) == 0 && fn(arg, lineno, &l))
			break;
	}
}

/* The same for a file; a missing one has no lines. */
static int
each_line(const char *file, int (*fn)(void *, int, const struct hk_line *),
    void *arg, struct diags *d)
{
	char	*text;
	size_t	 len;
	int	 error;

	if ((error = read_file(file, HK_MAX_FILE, &text, &len)) != 0) {
		if (error == -ENOENT)
			return 0;
		if (d != NULL)
			diags_add(d, file, 0, 0, "cannot read known hosts: %s",
			    strerror(-error));
		return -1;
	}
	each_text(text, len, fn, arg);
	free(text);
	return 0;
}

struct check_ctx {
	const char		*host;
	const char		*type;
	const unsigned char	*blob;
	size_t			 len;
	struct hk_result	*res;
};

static int
check_cb(void *arg, int lineno, const struct hk_line *l)
{
	struct check_ctx	*c = arg;
	unsigned char		 blob[HK_MAX_BLOB];
	size_t			 blen;
	int			 same;

	if (l->ca || !names_match(l->names, l->nnames, c->host) ||
	    l->ntype != strlen(c->type) ||
	    strncmp(l->type, c->type, l->ntype) != 0)
		return 0;
	if (b64_decode(l->key, l->nkey, blob, sizeof(blob), &blen) == -1)
		return 0;
	same = blen == c->len && memcmp(blob, c->blob, blen) == 0;
	if (l->revoked) {
		if (same) {
			c->res->verdict = HK_REVOKED;
			c->res->line = lineno;
			return 1;	/* revoked beats everything */
		}
		return 0;
	}
	if (same && c->res->verdict != HK_REVOKED) {
		c->res->verdict = HK_MATCH;
		c->res->line = lineno;
	} else if (!same && c->res->verdict == HK_UNKNOWN) {
		c->res->verdict = HK_CHANGED;
		c->res->line = lineno;
	}
	return 0;
}

static int
check_start(struct check_ctx *c, char *type, const char *host,
    const unsigned char *blob, size_t len, struct hk_result *out)
{
	memset(out, 0, sizeof(*out));
	out->verdict = HK_UNKNOWN;
	if (hk_blob_type(blob, len, type, 32) == NULL)
		return -1;
	snprintf(out->type, sizeof(out->type), "%s", type);
	c->host = host;
	c->type = type;
	c->blob = blob;
	c->len = len;
	c->res = out;
	return 0;
}

int
hk_check(const char *file, const char *host, const unsigned char *blob,
    size_t len, struct hk_result *out, struct diags *d)
{
	struct check_ctx	c;
	char			type[32];

	if (check_start(&c, type, host, blob, len, out) == -1) {
		diags_add(d, host, 0, 0, "the server sent a malformed host key");
		return -1;
	}
	/* A match anywhere wins over a different key elsewhere (OpenSSH
	 * accepts a host listed with several keys of one type). */
	return each_line(file, check_cb, &c, d);
}

int
hk_check_text(const char *text, size_t textlen, const char *host,
    const unsigned char *blob, size_t len, struct hk_result *out)
{
	struct check_ctx	c;
	char			type[32];

	if (check_start(&c, type, host, blob, len, out) == -1)
		return -1;
	each_text(text, textlen, check_cb, &c);
	return 0;
}

/* Whether a comma-separated list holds word. */
static int
in_list(const char *list, const char *word)
{
	size_t	n = strlen(word);

	while (list != NULL && *list != '\0') {
		if (strncmp(list, word, n) == 0 && (list[n] == ',' ||
		    list[n] == '\0'))
			return 1;
		if ((list = strchr(list, ',')) != NULL)
			list++;
	}
	return 0;
}

struct types_ctx {
	const char	*host;
	struct buf	*b;
};

static int
types_cb(void *arg, int lineno, const struct hk_line *l)
{
	struct types_ctx	*t = arg;
	char			 type[64];

	(void)lineno;
	if (l->ca || l->revoked || l->ntype >= sizeof(type) ||
	    !names_match(l->names, l->nnames, t->host))
		return 0;
	memcpy(type, l->type, l->ntype);
	type[l->ntype] = '\0';
	if (in_list(t->b->s, type))
		return 0;
	buf_printf(t->b, "%s%s", t->b->len ? "," : "", type);
	return 0;
}

char *
hk_known_types(const char *file, const char *host)
{
	struct types_ctx	t;
	struct buf		b;

	buf_init(&b);
	t.host = host;
	t.b = &b;
	each_line(file, types_cb, &t, NULL);
	return buf_steal(&b);
}

char *
hk_known_types_text(const char *text, size_t len, const char *host)
{
	struct types_ctx	t;
	struct buf		b;

	buf_init(&b);
	t.host = host;
	t.b = &b;
	each_text(text, len, types_cb, &t);
	return buf_steal(&b);
}

int
hk_add(const char *file, const char *host, const unsigned char *blob,
    size_t len, struct diags *d)
{
	unsigned char	 salt[20], mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		 type[32], s64[40], m64[40], *k64, *line, *dir, *slash;
	char		 last;
	off_t		 end;
	int		 fd, rc = -1;
	size_t		 n;

	if (hk_blob_type(blob, len, type, sizeof(type)) == NULL) {
		diags_add(d, host, 0, 0, "the server sent a malformed host key");
		return -1;
	}
	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    HMAC(EVP_sha1(), salt, sizeof(salt), (const unsigned char *)host,
	    strlen(host), mac, &maclen) == NULL)
		fatal("OpenSSL: cannot hash a host name");
	b64_encode(salt, sizeof(salt), s64, sizeof(s64), 0);
	b64_encode(mac, maclen, m64, sizeof(m64), 0);
	k64 = xmalloc((len + 2) / 3 * 4 + 1);
	b64_encode(blob, len, k64, (len + 2) / 3 * 4 + 1, 0);
	line = xasprintf("|1|%s|%s %s %s\n", s64, m64, type, k64);
	free(k64);

	dir = xstrdup(file);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			diags_add(d, dir, 0, 0, "cannot create the folder for "
			    "known hosts: %s", strerror(errno));
			goto out;
		}
	}
	/* A regular file (through a link, as OpenSSH does) or /dev/null;
	 * never a FIFO that would hang the loop. */
	if ((fd = file_open_append(file, d)) < 0)
		goto out;
	/* A file whose last line has no newline would glue ours to it. */
	if ((end = lseek(fd, -1, SEEK_END)) >= 0 && pread(fd, &last, 1,
	    end) == 1 && last != '\n' &&
	    write(fd, "\n", 1) != 1) {
		diags_add(d, file, 0, 0, "cannot record the host key: %s",
		    strerror(errno));
		close(fd);
		goto out;
	}
	n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n || fsync(fd) == -1) {
		diags_add(d, file, 0, 0, "cannot record the host key: %s",
		    strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	rc = 0;
out:
	free(dir);
	free(line);
	return rc;
}

char *
hk_default_file(void)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (home == NULL || *home != '/') {
		if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL)
			return NULL;
		home = pw->pw_dir;
	}
	return xasprintf("%s/.ssh/known_hosts", home);
}
