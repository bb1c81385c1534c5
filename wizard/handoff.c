/*
 * handoff.c: what binds a site's results to the export they came from
 * (handoff.h): the digest and text of a slice of the answers, the
 * manifest, Ed25519 keys and signatures over the results.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "answers.h"
#include "handoff.h"
#include "runbook.h"
#include "util.h"
#include "ydoc.h"

const char HANDOFF_SIG_HOLE[HANDOFF_SIG_HEX] =
    "00000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000";

/* The key the hole sits under: the writer's "key": "value" form. */
static const char sig_key[] = "\"signature\": \"";

static void
to_hex(const unsigned char *p, size_t n, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Exactly 2n lower-case hex digits into n bytes; -1 otherwise (the
 * writer's case only: one text per value). */
static int
from_hex(const char *s, unsigned char *out, size_t n)
{
	size_t	i;
	int	hi, lo;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((hi = hex_digit((unsigned char)s[2 * i])) < 0 ||
		    (lo = hex_digit((unsigned char)s[2 * i + 1])) < 0 ||
		    (s[2 * i] >= 'A' && s[2 * i] <= 'F') ||
		    (s[2 * i + 1] >= 'A' && s[2 * i + 1] <= 'F'))
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* The slice. */

static int
in_slice(const struct host *h, const char *site)
{
	return site == NULL || (h->site != NULL && strcmp(h->site, site) == 0);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
cmp_host(const void *a, const void *b)
{
	const struct host	*x = *(const struct host *const *)a;
	const struct host	*y = *(const struct host *const *)b;
	int			 c;

	if ((c = strcmp(x->role, y->role)) != 0)
		return c;
	return strcmp(x->name, y->name);
}

/* A length-prefixed field: no value can pass for two. */
static void
field(struct buf *b, const char *s)
{
	if (s == NULL) {
		buf_adds(b, "-;");
		return;
	}
	buf_printf(b, "%zu:%s;", strlen(s), s);
}

static const char *
profile_of(const struct host *h)
{
	if (h->profile != NULL)
		return h->profile->name;
	return h->profile_name;
}

void
handoff_answers_digest(const struct runbook *rb, const struct answers *a,
    const char *site, char out[65])
{
	const struct host	**hosts = NULL;
	const char		**names;
	struct buf		 b;
	char			 port[16];
	size_t			 i, k, n = 0, nh = 0;

	buf_init(&b);
	buf_adds(&b, "fedwiz-answers-v1;");
	field(&b, rb->id);
	/* Variables by name: the order they were given in is no part of
	 * what they mean. */
	names = xreallocarray(NULL, a->nvalues + 1, sizeof(*names));
	for (i = 0; i < a->nvalues; i++)
		names[n++] = a->names[i];
	qsort(names, n, sizeof(*names), cmp_str);
	buf_printf(&b, "vars %zu;", n);
	for (i = 0; i < n; i++) {
		field(&b, names[i]);
		field(&b, answers_get(a, names[i]));
	}
	for (i = 0; i < a->nroles; i++)
		for (k = 0; k < a->roles[i].n; k++)
			if (in_slice(&a->roles[i].hosts[k], site))
				nh++;
	hosts = xreallocarray(NULL, nh + 1, sizeof(*hosts));
	nh = 0;
	for (i = 0; i < a->nroles; i++)
		for (k = 0; k < a->roles[i].n; k++)
			if (in_slice(&a->roles[i].hosts[k], site))
				hosts[nh++] = &a->roles[i].hosts[k];
	qsort(hosts, nh, sizeof(*hosts), cmp_host);
	buf_printf(&b, "hosts %zu;", nh);
	for (i = 0; i < nh; i++) {
		field(&b, hosts[i]->role);
		field(&b, hosts[i]->name);
		field(&b, hosts[i]->address);
		field(&b, hosts[i]->user);
		snprintf(port, sizeof(port), "%d", hosts[i]->port);
		field(&b, port);
		field(&b, profile_of(hosts[i]));
		for (k = 0; k < hosts[i]->nvars; k++) {
			field(&b, hosts[i]->var_names[k]);
			field(&b, hosts[i]->var_values[k]);
		}
		buf_adds(&b, "end;");
	}
	sha256_hex(b.s != NULL ? b.s : "", b.len, out);
	/* The values may be anything an operator typed. */
	if (b.s != NULL)
		wipe(b.s, b.len);
	buf_free(&b);
	free(names);
	free(hosts);
}

/* A YAML double-quoted scalar: read back as exactly s. */
static void
yaml_str(struct buf *b, const char *s)
{
	const unsigned char	*p;

	buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)*p);
		} else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else
			buf_addc(b, (char)*p);
	}
	buf_addc(b, '"');
}

char *
handoff_answers_text(const struct runbook *rb, const struct answers *a,
    const char *site)
{
	const struct host	*h;
	struct buf		 b;
	size_t			 i, k, j, n;

	buf_init(&b);
	buf_printf(&b, "# The answers of site %s, written by fedwiz export: "
	    "its hosts, reached\n# directly from here. Do not edit: the "
	    "results are bound to them.\nrunbook: ", site);
	yaml_str(&b, rb->id);
	buf_adds(&b, "\nvars:");
	if (a->nvalues == 0)
		buf_adds(&b, " {}");
	for (i = 0; i < a->nvalues; i++) {
		buf_adds(&b, "\n  ");
		yaml_str(&b, a->names[i]);
		buf_adds(&b, ": ");
		yaml_str(&b, a->values[i]);
	}
	buf_adds(&b, "\nhosts:");
	for (i = 0, n = 0; i < a->nroles; i++) {
		for (k = 0, j = 0; k < a->roles[i].n; k++) {
			h = &a->roles[i].hosts[k];
			if (!in_slice(h, site))
				continue;
			if (j++ == 0) {
				buf_adds(&b, "\n  ");
				yaml_str(&b, a->roles[i].role);
				buf_adds(&b, ":");
			}
			n++;
			buf_adds(&b, "\n    - { name: ");
			yaml_str(&b, h->name);
			if (h->address != NULL) {
				buf_adds(&b, ", address: ");
				yaml_str(&b, h->address);
			}
			if (h->user != NULL) {
				buf_adds(&b, ", user: ");
				yaml_str(&b, h->user);
			}
			buf_printf(&b, ", port: %d", h->port);
			if (profile_of(h) != NULL) {
				buf_adds(&b, ", profile: ");
				yaml_str(&b, profile_of(h));
			}
			if (h->nvars > 0) {
				buf_adds(&b, ", vars: {");
				for (j = 0; j < h->nvars; j++) {
					buf_adds(&b, j ? ", " : " ");
					yaml_str(&b, h->var_names[j]);
					buf_adds(&b, ": ");
					yaml_str(&b, h->var_values[j]);
				}
				buf_adds(&b, " }");
				j = 1;
			}
			buf_adds(&b, " }");
		}
	}
	if (n == 0)
		buf_adds(&b, " {}");
	buf_addc(&b, '\n');
	return buf_steal(&b);
}

/* Randomness and keys. */

int
handoff_random_hex(char *out, size_t n, struct diags *d)
{
	unsigned char	buf[64];

	if (n > sizeof(buf))
		fatal("internal error: handoff_random_hex(%zu)", n);
	if (RAND_bytes(buf, (int)n) != 1) {
		diags_add(d, "fedwiz", 0, 0, "the system has no randomness to "
		    "give (OpenSSL RAND_bytes failed)");
		return -1;
	}
	to_hex(buf, n, out);
	wipe(buf, sizeof(buf));
	return 0;
}

int
handoff_keygen(char priv[HANDOFF_KEY_HEX], char pub[HANDOFF_KEY_HEX],
    struct diags *d)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pk = NULL;
	unsigned char	 raw[32];
	size_t		 len;
	int		 rc = -1;

	if ((ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pk) != 1) {
		diags_add(d, "fedwiz", 0, 0, "cannot make an Ed25519 key "
		    "(OpenSSL)");
		goto out;
	}
	len = sizeof(raw);
	if (EVP_PKEY_get_raw_private_key(pk, raw, &len) != 1 || len != 32)
		goto bad;
	to_hex(raw, 32, priv);
	len = sizeof(raw);
	if (EVP_PKEY_get_raw_public_key(pk, raw, &len) != 1 || len != 32)
		goto bad;
	to_hex(raw, 32, pub);
	rc = 0;
	goto out;
bad:
	diags_add(d, "fedwiz", 0, 0, "cannot read back an Ed25519 key "
	    "(OpenSSL)");
out:
	wipe(raw, sizeof(raw));
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* The manifest. */

/* A YAML literal block of text, indented two spaces. The text is the
 * slice handoff_answers_text wrote: its first line is not indented, so
 * the block's indentation is the two spaces. */
static void
block(struct buf *b, const char *head, const char *text)
{
	const char	*p, *nl;

	buf_adds(b, head);
	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		buf_adds(b, "  ");
		buf_add(b, p, (size_t)(nl - p));
		buf_addc(b, '\n');
		if (*nl == '\0')
			break;
	}
}

/* Bytes as base64 lines of 76 characters, in a literal block. */
static void
b64(struct buf *b, const char *head, const char *data, size_t len)
{
	unsigned char	out[80];
	size_t		i, n;

	buf_adds(b, head);
	for (i = 0; i < len; i += 57) {
		n = len - i < 57 ? len - i : 57;
		EVP_EncodeBlock(out, (const unsigned char *)data + i, (int)n);
		buf_printf(b, "  %s\n", (const char *)out);
	}
}

/* Base64 with line breaks back to bytes; -1 when it is not base64. */
static int
unb64(const char *s, char **out, size_t *outlen)
{
	EVP_ENCODE_CTX	*ctx;
	unsigned char	*buf;
	size_t		 len = strlen(s);
	int		 n = 0, m = 0, rc = -1;

	buf = xmalloc(len / 4 * 3 + 4);
	if ((ctx = EVP_ENCODE_CTX_new()) == NULL)
		fatal("out of memory");
	EVP_DecodeInit(ctx);
	if (EVP_DecodeUpdate(ctx, buf, &n, (const unsigned char *)s,
	    (int)len) != -1 && EVP_DecodeFinal(ctx, buf + n, &m) == 1) {
		*outlen = (size_t)(n + m);
		buf[*outlen] = '\0';
		*out = (char *)buf;
		buf = NULL;
		rc = 0;
	}
	EVP_ENCODE_CTX_free(ctx);
	free(buf);
	return rc;
}

char *
handoff_manifest_text(const struct handoff_manifest *m)
{
	struct buf	b;

	buf_init(&b);
	buf_printf(&b, "# fedwiz export manifest: binds the results of site %s "
	    "to the export they\n# came from. It holds this export's signing "
	    "key: keep it 0600, or encrypt it\n# with ansible-vault.\n",
	    m->site);
	buf_printf(&b, "format: %d\nfedwiz: ", m->format);
	yaml_str(&b, m->fedwiz);
	buf_printf(&b, "\nexport: %lld\nsession: ", (long long)m->export_id);
	if (m->session > 0)
		buf_printf(&b, "%lld", (long long)m->session);
	else
		buf_adds(&b, "null");
	buf_adds(&b, "\nrunbook: ");
	yaml_str(&b, m->runbook);
	buf_printf(&b, "\nrunbook_sha256: %s\nsite: ", m->runbook_sha256);
	yaml_str(&b, m->site);
	buf_adds(&b, "\njump_host: ");
	yaml_str(&b, m->jump);
	buf_printf(&b, "\nanswers_sha256: %s\nnonce: %s\nkey: %s\n",
	    m->answers_sha256, m->nonce, m->key);
	block(&b, "# The site's answers: its hosts, reached directly from the "
	    "jump host. Do not\n# edit: the results are bound to them.\n"
	    "answers: |\n", m->answers);
	b64(&b, "# The runbook, byte for byte (base64): its SHA-256 is "
	    "runbook_sha256.\nrunbook_text: |\n", m->runbook_text,
	    m->runbook_len);
	return buf_steal(&b);
}

void
handoff_manifest_clear(struct handoff_manifest *m)
{
	free(m->fedwiz);
	free(m->runbook);
	free(m->site);
	free(m->jump);
	if (m->answers != NULL)
		wipe(m->answers, strlen(m->answers));
	free(m->answers);
	free(m->runbook_text);
	wipe(m, sizeof(*m));
}

/* Only its owner may read it; read it whole (it is small). */
static int
read_private(const char *path, char **out, size_t *outlen, struct diags *d)
{
	struct stat	 sb;
	struct buf	 b;
	char		 tmp[4096];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1) {
		diags_add(d, path, 0, 0, "cannot read the manifest: %s%s",
		    strerror(errno), errno == ELOOP ? " (a symbolic link: give "
		    "the file itself)" : "");
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		diags_add(d, path, 0, 0, "the manifest is not a regular file");
		close(fd);
		return -1;
	}
	/* It holds the export's signing key: like ssh with a private key,
	 * one that others can read is refused, not quietly used. */
	if ((sb.st_mode & 077) != 0) {
		diags_add(d, path, 0, 0, "refusing a manifest that others can "
		    "read (mode %04o): it holds the export's signing key; "
		    "chmod 600 it", (unsigned)(sb.st_mode & 07777));
		close(fd);
		return -1;
	}
	if ((size_t)sb.st_size > YDOC_MAX_BYTES) {
		diags_add(d, path, 0, 0, "larger than 64 MiB: not a fedwiz "
		    "manifest");
		close(fd);
		return -1;
	}
	buf_init(&b);
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > YDOC_MAX_BYTES) {
			diags_add(d, path, 0, 0, "cannot read the manifest: %s",
			    n < 0 ? strerror(errno) : "it grew past 64 MiB");
			close(fd);
			if (b.s != NULL)
				wipe(b.s, b.len);
			buf_free(&b);
			wipe(tmp, sizeof(tmp));
			return -1;
		}
		buf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	wipe(tmp, sizeof(tmp));
	*outlen = b.len;
	*out = b.s != NULL ? buf_steal(&b) : xstrdup("");
	return 0;
}

/* One hex field of exactly n bytes. */
static int
man_hex(const struct ydoc *doc, const struct ynode *v, const char *what,
    char *out, size_t n, struct diags *d)
{
	unsigned char	raw[64];

	if (v->kind != Y_SCALAR || strlen(v->str) != 2 * n ||
	    from_hex(v->str, raw, n) == -1) {
		diags_add(d, doc->file, v->line, v->col, "%s must be %zu "
		    "lower-case hex digits", what, 2 * n);
		return -1;
	}
	memcpy(out, v->str, 2 * n + 1);
	wipe(raw, sizeof(raw));
	return 0;
}

static int
man_text(const struct ydoc *doc, const struct ynode *v, const char *what,
    char **out, struct diags *d)
{
	if (v->kind != Y_SCALAR || ynode_is_null(v) || *v->str == '\0') {
		diags_add(d, doc->file, v->line, v->col, "%s must be a value",
		    what);
		return -1;
	}
	*out = xstrdup(v->str);
	return 0;
}

static int
man_int(const struct ydoc *doc, const struct ynode *v, const char *what,
    int null_ok, int64_t *out, struct diags *d)
{
	char		*end;
	long long	 x;

	if (null_ok && ynode_is_null(v)) {
		*out = 0;
		return 0;
	}
	errno = 0;
	x = v->kind == Y_SCALAR ? strtoll(v->str, &end, 10) : 0;
	if (v->kind != Y_SCALAR || *v->str == '\0' || *end != '\0' ||
	    errno != 0 || x <= 0) {
		diags_add(d, doc->file, v->line, v->col, "%s must be a "
		    "positive number%s", what, null_ok ? " or null" : "");
		return -1;
	}
	*out = x;
	return 0;
}

int
handoff_manifest_load(const char *path, struct handoff_manifest *m,
    struct diags *d)
{
	static const char *const keys[] = { "format", "fedwiz", "export",
	    "session", "runbook", "runbook_sha256", "site", "jump_host",
	    "answers_sha256", "nonce", "key", "answers", "runbook_text" };
	struct ydoc		*doc = NULL;
	const struct ynode	*root, *v;
	char			*src = NULL;
	size_t			 len = 0, i;
	int64_t			 fmt;
	int			 rc = -1;

	memset(m, 0, sizeof(*m));
	if (read_private(path, &src, &len, d) == -1)
		return -1;
	if (ydoc_parse(path, src, len, NULL, &doc, d) == -1)
		goto out;
	root = doc->root;
	if (root == NULL || root->kind != Y_MAP) {
		diags_add(d, path, 1, 1, "not a fedwiz manifest (fedwiz export "
		    "ansible writes one per site)");
		goto out;
	}
	for (i = 0; i < nitems(keys); i++)
		if (ymap_get(root, keys[i]) == NULL) {
			diags_add(d, path, root->line, root->col, "the "
			    "manifest has no \"%s\": not one fedwiz export "
			    "wrote, or cut short", keys[i]);
			goto out;
		}
	if (man_int(doc, ymap_get(root, "format"), "format", 0, &fmt,
	    d) == -1)
		goto out;
	if (fmt != HANDOFF_FORMAT) {
		v = ymap_get(root, "format");
		diags_add(d, path, v->line, v->col, "manifest format %lld; "
		    "this fedwiz %s reads format %d: run the fedwiz version that "
		    "exported it (see its \"fedwiz\")", (long long)fmt,
		    PACKAGE_VERSION, HANDOFF_FORMAT);
		goto out;
	}
	m->format = (int)fmt;
	if (man_text(doc, ymap_get(root, "fedwiz"), "fedwiz", &m->fedwiz,
	    d) == -1 ||
	    man_int(doc, ymap_get(root, "export"), "export", 0, &m->export_id,
	    d) == -1 ||
	    man_int(doc, ymap_get(root, "session"), "session", 1, &m->session,
	    d) == -1 ||
	    man_text(doc, ymap_get(root, "runbook"), "runbook", &m->runbook,
	    d) == -1 ||
	    man_hex(doc, ymap_get(root, "runbook_sha256"), "runbook_sha256",
	    m->runbook_sha256, 32, d) == -1 ||
	    man_text(doc, ymap_get(root, "site"), "site", &m->site, d) == -1 ||
	    man_text(doc, ymap_get(root, "jump_host"), "jump_host", &m->jump,
	    d) == -1 ||
	    man_hex(doc, ymap_get(root, "answers_sha256"), "answers_sha256",
	    m->answers_sha256, 32, d) == -1 ||
	    man_hex(doc, ymap_get(root, "nonce"), "nonce", m->nonce, 16,
	    d) == -1 ||
	    man_hex(doc, ymap_get(root, "key"), "key", m->key, 32, d) == -1 ||
	    man_text(doc, ymap_get(root, "answers"), "answers", &m->answers,
	    d) == -1)
		goto out;
	v = ymap_get(root, "runbook_text");
	if (v->kind != Y_SCALAR || unb64(v->str, &m->runbook_text,
	    &m->runbook_len) == -1) {
		diags_add(d, path, v->line, v->col, "runbook_text must be the "
		    "runbook in base64");
		goto out;
	}
	rc = 0;
out:
	if (doc != NULL) {
		/* The scalars (the key among them) live in the tree. */
		v = root = doc->root;
		if (root != NULL && (v = ymap_get(root, "key")) != NULL &&
		    v->kind == Y_SCALAR)
			wipe(v->str, v->len);
		ydoc_free(doc);
	}
	wipe(src, len);
	free(src);
	if (rc == -1)
		handoff_manifest_clear(m);
	return rc;
}

/* Signatures. */

/* Where the one signature value starts in doc; -1 when there is none,
 * -2 when there is more than one. */
static long
sig_at(const char *doc, size_t len)
{
	const char	*p, *end = doc + len, *found = NULL;
	size_t		 kl = sizeof(sig_key) - 1;

	for (p = doc; (size_t)(end - p) >= kl &&
	    (p = memmem(p, (size_t)(end - p), sig_key, kl)) != NULL;
	    p += kl) {
		if (found != NULL)
			return -2;
		found = p;
	}
	if (found == NULL || (size_t)(end - found) < kl + 128 + 1 ||
	    found[kl + 128] != '"')
		return -1;
	return (long)(found - doc + (long)kl);
}

int
handoff_sign(char *doc, size_t len, const char *priv_hex, struct diags *d)
{
	EVP_MD_CTX	*mc = NULL;
	EVP_PKEY	*pk = NULL;
	unsigned char	 raw[32], sig[64];
	size_t		 siglen = sizeof(sig);
	long		 at;
	int		 rc = -1;

	if ((at = sig_at(doc, len)) < 0 ||
	    memcmp(doc + at, HANDOFF_SIG_HOLE, 128) != 0)
		fatal("internal error: results to sign have no signature hole");
	if (from_hex(priv_hex, raw, 32) == -1 ||
	    (pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw,
	    32)) == NULL || (mc = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(mc, NULL, NULL, NULL, pk) != 1 ||
	    EVP_DigestSign(mc, sig, &siglen, (const unsigned char *)doc,
	    len) != 1 || siglen != 64) {
		diags_add(d, "fedwiz", 0, 0, "cannot sign the results with the "
		    "manifest's key (OpenSSL)");
		goto out;
	}
	to_hex(sig, 64, doc + at);
	/* to_hex ended with a NUL where the closing quote goes. */
	doc[at + 128] = '"';
	rc = 0;
out:
	wipe(raw, sizeof(raw));
	EVP_MD_CTX_free(mc);
	EVP_PKEY_free(pk);
	return rc;
}

int
handoff_verify(const char *doc, size_t len, const char *pub_hex, char *why,
    size_t whylen)
{
	EVP_MD_CTX	*mc = NULL;
	EVP_PKEY	*pk = NULL;
	unsigned char	 raw[32], sig[64];
	char		*copy = NULL, hex[HANDOFF_SIG_HEX];
	long		 at;
	int		 ok = 0;

	if ((at = sig_at(doc, len)) == -2) {
		snprintf(why, whylen, "it has more than one \"signature\"");
		return 0;
	}
	if (at < 0) {
		snprintf(why, whylen, "it has no signature (results of "
		    "\"fedwiz check --manifest\" carry one)");
		return 0;
	}
	memcpy(hex, doc + at, 128);
	hex[128] = '\0';
	if (from_hex(hex, sig, 64) == -1) {
		snprintf(why, whylen, "its signature is not 128 hex digits");
		return 0;
	}
	if (from_hex(pub_hex, raw, 32) == -1)
		fatal("internal error: a stored public key is not hex");
	copy = xmalloc(len);
	memcpy(copy, doc, len);
	memcpy(copy + at, HANDOFF_SIG_HOLE, 128);
	if ((pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw,
	    32)) == NULL || (mc = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(mc, NULL, NULL, NULL, pk) != 1)
		fatal("internal error: OpenSSL cannot verify Ed25519");
	ok = EVP_DigestVerify(mc, sig, sizeof(sig),
	    (const unsigned char *)copy, len) == 1;
	if (!ok)
		snprintf(why, whylen, "its signature does not verify: the file "
		    "was changed after fedwiz on the jump host wrote it, or "
		    "was not written with this export's key");
	EVP_MD_CTX_free(mc);
	EVP_PKEY_free(pk);
	free(copy);
	return ok;
}
