/*
 * fuzz_dns.c: any bytes as the reply to a query (dns_parse_reply), and
 * what a parsed answer is turned into (dns_rr_text, dns_rr_matches). The
 * first byte picks the question (A, AAAA or SRV of a fixed name); the
 * reply's own id is taken as the query's, so the fuzzer reaches past the
 * id check without having to guess it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns-int.h"
#include "dns.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const struct {
		const char	*name;
		int		 type;
	} q[] = {
		{ "pool1.example.com", DNS_T_A },
		{ "pool1.example.com", DNS_T_AAAA },
		{ "_sipfederationtls._tcp.example.com", DNS_T_SRV },
		{ "x", DNS_T_A },
	};
	struct dns_result	 res;
	enum dns_parse		 p;
	unsigned char		*pkt;
	char			 why[256], *t;
	size_t			 i, k, n;
	uint16_t		 id;

	if (len < 3)
		return 0;
	k = data[0] % nitems(q);
	n = len - 1;
	/* an exact-size copy, so that ASan sees any read past the reply */
	pkt = xmalloc(n);
	memcpy(pkt, data + 1, n);
	id = (uint16_t)(pkt[0] << 8 | pkt[1]);
	memset(&res, 0, sizeof(res));
	why[0] = '\0';
	p = dns_parse_reply(pkt, n, id, q[k].name, q[k].type,
	    "127.0.0.1:53", &res, why, sizeof(why));
	if (p == DNS_P_BAD && strnlen(why, sizeof(why)) == sizeof(why))
		abort();	/* an unterminated reason */
	if (p == DNS_P_ANSWER || p == DNS_P_FAILED) {
		for (i = 0; i < res.n; i++) {
			t = dns_rr_text(&res.rrs[i]);
			free(t);
			(void)dns_rr_matches(&res.rrs[i], "192.0.2.10");
			(void)dns_rr_matches(&res.rrs[i],
			    "10 sip.example.com 5061");
		}
		if (res.status == DNS_OK && res.n == 0)
			abort();	/* OK says at least one record */
	}
	dns_result_clear(&res);
	free(pkt);
	return 0;
}
