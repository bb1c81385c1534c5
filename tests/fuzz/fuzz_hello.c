/*
 * fuzz_hello.c: any bytes as what a server sends back to the one-suite
 * ClientHello (hello_parse): records, alerts, a ServerHello split across
 * records. The first four bytes pick the version and suite offered; the
 * rest is read whole and at every length a network read could stop at.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hello.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
one(const uint8_t *b, size_t n, uint16_t version, uint16_t cipher)
{
	struct hello_result	 r;
	uint8_t			*copy;
	int			 rc;

	/* exact size, so that ASan sees any read past what was received */
	copy = xmalloc(n > 0 ? n : 1);
	memcpy(copy, b, n);
	memset(&r, 0, sizeof(r));
	rc = hello_parse(copy, n, version, cipher, &r);
	if (rc != 0 && rc != 1)
		abort();
	if (rc == 1 && r.message == NULL)
		abort();	/* an answer always says why, in words */
	if (rc == 0 && r.message != NULL)
		abort();	/* "more is needed" has nothing to say */
	free(r.message);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint16_t	 versions[] = { HELLO_TLS10, HELLO_TLS11,
	    HELLO_TLS12, 0x0300 };
	uint16_t		 version, cipher;
	size_t			 n, step;

	if (len < 4)
		return 0;
	version = versions[data[0] % nitems(versions)];
	cipher = (uint16_t)(data[1] << 8 | data[2]);
	if (data[3] & 1)
		cipher = 0x000A;
	data += 4;
	len -= 4;
	one(data, len, version, cipher);
	/* what a read could have delivered so far: a few prefixes */
	step = len / 7 + 1;
	for (n = 0; n < len; n += step)
		one(data, n, version, cipher);
	return 0;
}
