/*
 * fuzz_knownhosts.c: any bytes as a known_hosts file (hostkeys.h), looked
 * up for a host and a key, and the host patterns against a name.
 *
 * The first line is the host name to look up (as hk_hostname gives it:
 * "[addr]:port" or a plain name), the rest the file. The key is an
 * ed25519 blob whose 32 bytes come from the input's start. Besides the
 * sanitizers: a verdict with a line number inside the file, and, for a
 * short pattern and name (the line's first field against the host), the
 * same answer as OpenSSH's own recursive match_pattern.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostkeys.h"
#include "util.h"

#include "../unit/openssh_match.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct hk_result	 r;
	unsigned char		 blob[51];
	const char		*text = (const char *)data, *nl, *sp;
	char			*host, *pat, *types;
	size_t			 textlen = len, i, lines = 1;

	if ((nl = memchr(text, '\n', len)) == NULL)
		return 0;
	host = xstrndup(text, (size_t)(nl - text));
	textlen -= (size_t)(nl - text) + 1;
	text = nl + 1;

	/* "ssh-ed25519" and 32 bytes of key */
	memcpy(blob, "\0\0\0\x0bssh-ed25519\0\0\0\x20", 19);
	for (i = 0; i < 32; i++)
		blob[19 + i] = i < len ? data[i] : 0;
	if (hk_check_text(text, textlen, host, blob, sizeof(blob), &r) != 0)
		abort();
	for (i = 0; i < textlen; i++)
		lines += text[i] == '\n';
	if (r.verdict > HK_UNKNOWN || r.line < 0 || (size_t)r.line > lines ||
	    (r.verdict != HK_UNKNOWN && r.line == 0))
		abort();
	types = hk_known_types_text(text, textlen, host);
	free(types);

	/* The first field of the file as a pattern against the host. */
	if (strlen(host) <= 24) {
		for (sp = text; sp < text + textlen && *sp != ' ' &&
		    *sp != '\n' && *sp != '\0'; sp++)
			;
		if ((size_t)(sp - text) <= 16) {
			pat = xstrndup(text, (size_t)(sp - text));
			if (strlen(pat) == (size_t)(sp - text) &&
			    hk_match_pattern(host, pat) !=
			    openssh_match(host, pat))
				abort();
			free(pat);
		}
	}
	free(host);
	return 0;
}
