/*
 * fuzz_sip.c: any bytes as what a SIP peer answers, fed to the response
 * reader in pieces of a size the first byte picks (every split a TLS
 * record boundary can make), then judged as probe sip judges it. Checks
 * the reader's promises: the bounds hold, a final response is last and
 * only there, every message has a start line and named headers, an error
 * says why, and the judgement's words carry no control characters.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"
#include "tls.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
no_controls(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sip_parser	*ps;
	const struct sip_msg	*m;
	struct sip_result	 r;
	struct tls_result	 t;
	struct sip_judgement	 j;
	enum sip_feed		 f = SIPF_MORE;
	char			*s, why[200];
	size_t			 step, off, n, i, k;

	if (len < 1)
		return 0;
	step = data[0] % 64 + 1;
	ps = sip_parser_new(data[0] & 0x80 ? "abc@fedwiz" : NULL, 1);
	for (off = 1; off < len && f == SIPF_MORE; off += n) {
		n = len - off < step ? len - off : step;
		f = sip_parser_feed(ps, (const char *)data + off, n);
	}
	m = sip_parser_msgs(ps, &n);
	if (n > SIP_PROVISIONAL_MAX + 1)
		abort();
	if (sip_parser_bytes(ps) > SIP_READ_MAX + step)
		abort();
	if ((f == SIPF_ERROR || f == SIPF_ENDLESS) &&
	    sip_parser_error(ps) == NULL)
		abort();
	no_controls(sip_parser_error(ps));
	for (i = 0; i < n; i++) {
		if (m[i].start == NULL || m[i].reason == NULL ||
		    m[i].code < 100 || m[i].code > 699)
			abort();
		if ((m[i].code >= 200) != (f == SIPF_FINAL && i == n - 1))
			abort();
		if (m[i].nh > SIP_HEADERS_MAX)
			abort();
		for (k = 0; k < m[i].nh; k++)
			if (m[i].h[k].name == NULL || *m[i].h[k].name == '\0' ||
			    m[i].h[k].value == NULL)
				abort();
	}
	memset(&t, 0, sizeof(t));
	snprintf(t.peer, sizeof(t.peer), "192.0.2.1:5061");
	memset(&r, 0, sizeof(r));
	r.tls = &t;
	r.msgs = m;
	r.nmsgs = n;
	r.status = f == SIPF_FINAL ? SIP_OK : f == SIPF_MORE ? SIP_E_TIMEOUT :
	    SIP_E_PROTOCOL;
	r.final = f == SIPF_FINAL ? &m[n - 1] : NULL;
	r.message = (char *)"why";
	sip_judge(&r, data[0] & 0x40 ? "403, 2xx" : NULL, &j);
	no_controls(j.what);
	sip_judgement_free(&j);
	sip_parser_free(ps);

	/* The same bytes as a status list and a URI. */
	s = xstrndup((const char *)data + 1, len - 1);
	if (sip_status_spec(s, why, sizeof(why)) == 0)
		(void)sip_status_wanted(s, 200);
	if (sip_uri_check(s, why, sizeof(why)) == 0 && strpbrk(s,
	    "\r\n <>\"") != NULL)
		abort();
	free(s);
	return 0;
}
