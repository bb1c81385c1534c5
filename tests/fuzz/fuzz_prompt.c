/*
 * fuzz_prompt.c: any bytes as what a Cisco CLI prints through a PTY, and
 * as PowerShell's error stream: the prompt and pager matcher, the echo and
 * output cutter, the error-line finder (prompt.h) and clixml_errors.
 *
 * The first byte picks the profile (cisco-vos or cisco-asa) and where the
 * command ends: the bytes up to the first newline are the command that
 * was sent, the rest is the device's answer, raw. Besides the sanitizers,
 * it checks what the engine relies on: offsets inside the text, an output
 * no longer than its input, a pager key that is one of the keys sent.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "profile.h"
#include "prompt.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct profile	*p;
	struct prompt_hit	 hit;
	enum prompt_state	 ps;
	const char		*raw, *nl, *key, *err;
	char			*cmd, *text, *out, *x;
	size_t			 rawlen, n, outlen, errlen, e, xl;

	if (len < 1)
		return 0;
	p = profile_find(data[0] & 1 ? "cisco-asa" : "cisco-vos");
	raw = (const char *)data + 1;
	rawlen = len - 1;
	if ((nl = memchr(raw, '\n', rawlen)) != NULL) {
		cmd = xstrndup(raw, (size_t)(nl - raw));
		rawlen -= (size_t)(nl - raw) + 1;
		raw = nl + 1;
	} else
		cmd = xstrdup("show version");

	text = clean_term(raw, rawlen, &n);
	memset(&hit, 0, sizeof(hit));
	ps = prompt_scan(p, text, n, &hit);
	if (ps != PS_NONE && (hit.state != ps || hit.start > n))
		abort();
	key = prompt_pager_key(p, text, n);
	if (strcmp(key, " ") != 0 && strcmp(key, "n") != 0 &&
	    strcmp(key, "q") != 0)
		abort();
	e = prompt_echo_end(text, n, cmd);
	if (e != (size_t)-1 && e > n)
		abort();
	out = prompt_output(p, text, n, cmd, ps != PS_NONE ? &hit : NULL,
	    &outlen);
	if (outlen > n || strlen(out) > outlen)
		abort();
	if ((err = prompt_error(p, out, outlen, &errlen)) != NULL &&
	    (err < out || err + errlen > out + outlen))
		abort();
	free(out);
	/* The same bytes, unprocessed, as CLIXML. */
	x = clixml_errors(raw, rawlen, &xl);
	if (strlen(x) > xl)
		abort();
	free(x);
	free(text);
	free(cmd);
	return 0;
}
