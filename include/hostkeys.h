/*
 * hostkeys.h: OpenSSH known_hosts, read the way OpenSSH reads it.
 *
 * fedwiz parses the file itself rather than through libssh2's knownhost
 * API: that API does not understand @revoked or @cert-authority lines or
 * newer key types, and its writefile rewrites the whole file, dropping what
 * it could not parse. Here the user's file is only ever appended to.
 */
#ifndef FEDWIZ_HOSTKEYS_H
#define FEDWIZ_HOSTKEYS_H

#include <stddef.h>

#include "util.h"

enum hk_verdict {
	HK_MATCH,	/* a line for this host and key type holds this key */
	HK_CHANGED,	/* lines for this host and type hold another key */
	HK_REVOKED,	/* the key is marked @revoked */
	HK_UNKNOWN	/* no line for this host and key type */
};

struct hk_result {
	enum hk_verdict	 verdict;
	int		 line;		/* the offending/matching line, 0 */
	char		 type[32];	/* of that line's key */
};

/*
 * "[host]:port" as known_hosts names a host (plain "host" for port 22).
 * buf of at least 300 bytes.
 */
const char	*hk_hostname(const char *, int, char *, size_t);

/* The key type of a key blob ("ssh-ed25519", "ecdsa-sha2-nistp256"...),
 * or NULL if the blob is malformed. buf of at least 32 bytes. */
const char	*hk_blob_type(const unsigned char *, size_t, char *, size_t);

/*
 * Whether a name matches a known_hosts pattern: '*' any run, '?' any one
 * character (OpenSSH's match_pattern), without its exponential
 * backtracking. Case as given: callers lower-case both.
 */
int		 hk_match_pattern(const char *, const char *);

/* "SHA256:<base64, no padding>", as ssh-keygen -l prints it. */
void		 hk_fingerprint(const unsigned char *, size_t, char *, size_t);

/* "ED25519", "ECDSA", "RSA": as OpenSSH's messages name a key type. */
const char	*hk_type_label(const char *);

/*
 * Look host (as hk_hostname gives it) up in a known_hosts file for a key
 * blob. A missing file is HK_UNKNOWN. 0 and *out, or -1 with a diag when
 * the file cannot be read.
 */
int		 hk_check(const char *, const char *, const unsigned char *,
		     size_t, struct hk_result *, struct diags *);

/* The same over a file's text (for the fuzzer): -1 for a malformed blob. */
int		 hk_check_text(const char *, size_t, const char *,
		     const unsigned char *, size_t, struct hk_result *);

/*
 * The key types known_hosts holds for host, best first, comma-separated
 * as libssh2_session_method_pref(LIBSSH2_METHOD_HOSTKEY) wants them; ""
 * when none. So the server is asked for the key type already on file, as
 * OpenSSH does. malloc'd.
 */
char		*hk_known_types(const char *, const char *);
/* The same over a file's text (for the fuzzer). */
char		*hk_known_types_text(const char *, size_t, const char *);

/*
 * Append a hashed line for host and key to the file (created 0600 with
 * its folder 0700 if missing), fsync'd. 0, or -1 with a diag.
 */
int		 hk_add(const char *, const char *, const unsigned char *,
		     size_t, struct diags *);

/* The default: ~/.ssh/known_hosts. malloc'd; NULL without a home. */
char		*hk_default_file(void);

#endif
