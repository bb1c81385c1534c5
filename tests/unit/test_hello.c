/* test_hello.c: the legacy ClientHello probe's bytes. What it sends is a
 * well-formed ClientHello offering exactly one suite; what it reads is
 * judged right for every answer a server can give, in pieces or whole,
 * and for answers that are not TLS at all. */
#include "config.h"

#include "hello.h"
#include "testutil.h"

static const uint8_t rnd[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static unsigned
be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The extension of type t in a ClientHello, or NULL. */
static const uint8_t *
find_ext(const uint8_t *b, size_t len, unsigned t, size_t *elen)
{
	size_t	off, end;

	/* 5 record + 4 handshake + 2 version + 32 random + 1 sid(0) */
	off = 5 + 4 + 2 + 32 + 1;
	off += 2 + be16(b + off);		/* suites */
	off += 1 + b[off];			/* compression */
	end = off + 2 + be16(b + off);
	assert_int_equal(end, len);
	for (off += 2; off + 4 <= end; off += 4 + be16(b + off + 2))
		if (be16(b + off) == t) {
			*elen = be16(b + off + 2);
			return b + off + 4;
		}
	return NULL;
}

static void
test_build_shape(void **state)
{
	uint8_t		 b[512];
	const uint8_t	*e;
	size_t		 n, elen, off;

	(void)state;
	n = hello_build(b, sizeof(b), HELLO_TLS10, HELLO_3DES,
	    "imp1.example.com", rnd);
	assert_true(n > 50);
	assert_int_equal(b[0], 22);			/* handshake */
	assert_int_equal(be16(b + 1), 0x0301);
	assert_int_equal(be16(b + 3), n - 5);		/* record length */
	assert_int_equal(b[5], 1);			/* client_hello */
	assert_int_equal((size_t)b[6] << 16 | be16(b + 7), n - 9);
	assert_int_equal(be16(b + 9), HELLO_TLS10);
	assert_memory_equal(b + 11, rnd, 32);
	assert_int_equal(b[43], 0);			/* no session id */
	off = 44;
	assert_int_equal(be16(b + off), 4);		/* two suites */
	assert_int_equal(be16(b + off + 2), HELLO_3DES);
	assert_int_equal(be16(b + off + 4), 0x00FF);	/* SCSV */
	e = find_ext(b, n, 0x0000, &elen);		/* SNI */
	assert_non_null(e);
	assert_int_equal(elen, 2 + 1 + 2 + strlen("imp1.example.com"));
	assert_memory_equal(e + 5, "imp1.example.com", 16);
	/* No signature_algorithms before TLS 1.2 (RFC 5246 7.4.1.4.1). */
	assert_null(find_ext(b, n, 0x000d, &elen));
	n = hello_build(b, sizeof(b), HELLO_TLS12, 0x002F, NULL, rnd);
	assert_non_null(find_ext(b, n, 0x000d, &elen));
	assert_null(find_ext(b, n, 0x0000, &elen));
	/* An address is not a server name (RFC 6066 3). */
	n = hello_build(b, sizeof(b), HELLO_TLS12, 0x002F, "192.0.2.1", rnd);
	assert_null(find_ext(b, n, 0x0000, &elen));
	n = hello_build(b, sizeof(b), HELLO_TLS12, 0x002F, "2001:db8::1", rnd);
	assert_null(find_ext(b, n, 0x0000, &elen));
	/* Too small a buffer: 0, not an overflow. */
	assert_int_equal(hello_build(b, 40, HELLO_TLS10, HELLO_3DES,
	    "imp1.example.com", rnd), 0);
}

/* A ServerHello record: version, suite, a session id of sidlen. */
static size_t
server_hello(uint8_t *b, unsigned version, unsigned suite, size_t sidlen)
{
	size_t	n = 0, body = 2 + 32 + 1 + sidlen + 2 + 1;

	b[n++] = 22;
	b[n++] = 3;
	b[n++] = 1;
	b[n++] = (uint8_t)((4 + body) >> 8);
	b[n++] = (uint8_t)(4 + body);
	b[n++] = 2;
	b[n++] = 0;
	b[n++] = (uint8_t)(body >> 8);
	b[n++] = (uint8_t)body;
	b[n++] = (uint8_t)(version >> 8);
	b[n++] = (uint8_t)version;
	memset(b + n, 0x55, 32);
	n += 32;
	b[n++] = (uint8_t)sidlen;
	memset(b + n, 0xAA, sidlen);
	n += sidlen;
	b[n++] = (uint8_t)(suite >> 8);
	b[n++] = (uint8_t)suite;
	b[n++] = 0;
	return n;
}

static int
parse(const uint8_t *b, size_t n, unsigned version, unsigned suite,
    struct hello_result *r)
{
	memset(r, 0, sizeof(*r));
	return hello_parse(b, n, (uint16_t)version, (uint16_t)suite, r);
}

static void
test_parse_answers(void **state)
{
	struct hello_result	 r;
	uint8_t			 b[256];
	size_t			 n, i;

	(void)state;
	n = server_hello(b, HELLO_TLS10, HELLO_3DES, 32);
	/* In every split, nothing is decided until the message is whole. */
	for (i = 0; i < n; i++) {
		assert_int_equal(parse(b, i, HELLO_TLS10, HELLO_3DES, &r), 0);
		free(r.message);
	}
	assert_int_equal(parse(b, n, HELLO_TLS10, HELLO_3DES, &r), 1);
	assert_int_equal(r.verdict, HELLO_ACCEPTED);
	assert_int_equal(r.version, HELLO_TLS10);
	assert_int_equal(r.cipher, HELLO_3DES);
	assert_non_null(strstr(r.message, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
	free(r.message);
	/* An older version than offered: the pair is refused. */
	n = server_hello(b, HELLO_TLS10, 0x002F, 0);
	assert_int_equal(parse(b, n, HELLO_TLS12, 0x002F, &r), 1);
	assert_int_equal(r.verdict, HELLO_REFUSED);
	assert_non_null(strstr(r.message, "TLSv1.2"));
	free(r.message);
	/* A suite it was not offered: a broken server, no verdict. */
	n = server_hello(b, HELLO_TLS10, 0x002F, 0);
	assert_int_equal(parse(b, n, HELLO_TLS10, HELLO_3DES, &r), 1);
	assert_int_equal(r.verdict, HELLO_ERROR);
	free(r.message);
	/* A session id longer than 32: refused as malformed. */
	n = server_hello(b, HELLO_TLS10, HELLO_3DES, 33);
	assert_int_equal(parse(b, n, HELLO_TLS10, HELLO_3DES, &r), 1);
	assert_int_equal(r.verdict, HELLO_ERROR);
	free(r.message);
}

static void
test_parse_split_records(void **state)
{
	struct hello_result	 r;
	uint8_t			 one[256], two[300];
	size_t			 n, hs, k;

	(void)state;
	/* The ServerHello handshake message cut over two records. */
	n = server_hello(one, HELLO_TLS12, 0xC02F, 16);
	hs = n - 5;
	k = 20;
	memcpy(two, one, 5);
	two[3] = 0;
	two[4] = (uint8_t)k;
	memcpy(two + 5, one + 5, k);
	two[5 + k] = 22;
	two[6 + k] = 3;
	two[7 + k] = 3;
	two[8 + k] = (uint8_t)((hs - k) >> 8);
	two[9 + k] = (uint8_t)(hs - k);
	memcpy(two + 10 + k, one + 5 + k, hs - k);
	assert_int_equal(parse(two, 10 + hs, HELLO_TLS12, 0xC02F, &r), 1);
	assert_int_equal(r.verdict, HELLO_ACCEPTED);
	assert_int_equal(r.cipher, 0xC02F);
	free(r.message);
}

static void
test_parse_alerts_and_junk(void **state)
{
	static const uint8_t	 alert[] = { 21, 3, 1, 0, 2, 2, 40 };
	static const uint8_t	 pv[] = { 21, 3, 1, 0, 2, 2, 70 };
	static const uint8_t	 http[] = "HTTP/1.1 400 Bad Request\r\n";
	static const uint8_t	 ssh[] = "SSH-2.0-OpenSSH_9.2\r\n";
	static const uint8_t	 huge[] = { 22, 3, 1, 0xFF, 0xFF };
	static const uint8_t	 notsh[] = { 22, 3, 1, 0, 4, 11, 0, 0, 0 };
	struct hello_result	 r;

	(void)state;
	assert_int_equal(parse(alert, sizeof(alert), HELLO_TLS10, HELLO_3DES,
	    &r), 1);
	assert_int_equal(r.verdict, HELLO_REFUSED);
	assert_int_equal(r.alert, 40);
	assert_non_null(strstr(r.message, "handshake failure (40)"));
	free(r.message);
	assert_int_equal(parse(pv, sizeof(pv), HELLO_TLS10, HELLO_3DES, &r), 1);
	assert_int_equal(r.alert, 70);
	assert_non_null(strstr(r.message, "protocol version (70)"));
	free(r.message);
	assert_int_equal(parse(http, sizeof(http) - 1, HELLO_TLS10, HELLO_3DES,
	    &r), 1);
	assert_int_equal(r.verdict, HELLO_ERROR);
	assert_non_null(strstr(r.message, "TLS port"));
	free(r.message);
	assert_int_equal(parse(ssh, sizeof(ssh) - 1, HELLO_TLS10, HELLO_3DES,
	    &r), 1);
	assert_int_equal(r.verdict, HELLO_ERROR);
	free(r.message);
	assert_int_equal(parse(huge, sizeof(huge), HELLO_TLS10, HELLO_3DES,
	    &r), 1);
	assert_int_equal(r.verdict, HELLO_ERROR);
	free(r.message);
	/* A Certificate first: not a ServerHello. */
	assert_int_equal(parse(notsh, sizeof(notsh), HELLO_TLS10, HELLO_3DES,
	    &r), 1);
	assert_int_equal(r.verdict, HELLO_ERROR);
	free(r.message);
}

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(hello_cipher_parse("3des"), 0x000A);
	assert_int_equal(hello_cipher_parse("3DES"), 0x000A);
	assert_int_equal(hello_cipher_parse("0x002F"), 0x002F);
	assert_int_equal(hello_cipher_parse("c02f"), 0xC02F);
	assert_int_equal(hello_cipher_parse("TLS_RSA_WITH_AES_128_CBC_SHA"),
	    0x002F);
	assert_int_equal(hello_cipher_parse(""), -1);
	assert_int_equal(hello_cipher_parse("0x"), -1);
	assert_int_equal(hello_cipher_parse("0x12345"), -1);
	assert_int_equal(hello_cipher_parse("rc5"), -1);
	assert_int_equal(hello_cipher_parse("0x00FF"), -1);	/* SCSV */
	assert_int_equal(hello_version_parse("tls1.0"), HELLO_TLS10);
	assert_int_equal(hello_version_parse("tls1.3"), HELLO_TLS13);
	assert_int_equal(hello_version_parse("ssl3"), 0);
	assert_string_equal(hello_version_name(HELLO_TLS11), "TLSv1.1");
	assert_string_equal(hello_cipher_name(0x000A),
	    "TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A)");
	assert_string_equal(hello_cipher_name(0x1301), "0x1301");
	assert_string_equal(hello_alert_name(116),
	    "certificate required (116)");
	assert_string_equal(hello_alert_name(200), "alert 200");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_build_shape),
		cmocka_unit_test(test_parse_answers),
		cmocka_unit_test(test_parse_split_records),
		cmocka_unit_test(test_parse_alerts_and_junk),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
