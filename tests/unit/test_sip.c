/*
 * test_sip.c: the SIP response reader (sip.c) on what peers send: whole
 * and in pieces, CRLF and LF, folded and compact headers, bodies,
 * keep-alives, requests and other transactions on the connection, and
 * hostile peers (megabytes of headers, endless 1xx, not SIP at all); the
 * URI and status checks; the judgement on a result.
 */
#include "config.h"

#include "testutil.h"

#include "sip.h"
#include "tls.h"

#define CALLID	"abc123@fedwiz"

#define OK200 \
	"SIP/2.0 200 OK\r\n" \
	"Via: SIP/2.0/TLS 192.0.2.9:40112;branch=z9hG4bK776\r\n" \
	"From: <sip:fedwiz@example.com>;tag=1928\r\n" \
	"To: <sip:imp1.example.com>;tag=a6c8\r\n" \
	"Call-ID: " CALLID "\r\n" \
	"CSeq: 1 OPTIONS\r\n" \
	"Allow: INVITE, ACK, OPTIONS, BYE\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

#define TRYING \
	"SIP/2.0 100 Trying\r\n" \
	"Call-ID: " CALLID "\r\n" \
	"CSeq: 1 OPTIONS\r\n" \
	"Content-Length: 5\r\n" \
	"\r\n" \
	"hello"

static enum sip_feed
feed_str(struct sip_parser *ps, const char *s)
{
	return sip_parser_feed(ps, s, strlen(s));
}

static void
test_whole_response(void **state)
{
	struct sip_parser	*ps;
	const struct sip_msg	*m;
	size_t			 n;

	(void)state;
	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps, OK200), SIPF_FINAL);
	m = sip_parser_msgs(ps, &n);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].code, 200);
	assert_string_equal(m[0].reason, "OK");
	assert_string_equal(m[0].start, "SIP/2.0 200 OK");
	assert_int_equal(m[0].nh, 7);
	assert_string_equal(sip_msg_header(&m[0], "call-id"), CALLID);
	assert_string_equal(sip_msg_header(&m[0], "Allow"),
	    "INVITE, ACK, OPTIONS, BYE");
	assert_null(sip_msg_header(&m[0], "ms-diagnostics"));
	assert_int_equal(sip_parser_bytes(ps), strlen(OK200));
	/* after the final response, more is not taken */
	assert_int_equal(feed_str(ps, "garbage"), SIPF_FINAL);
	sip_parser_free(ps);
}

/* A provisional response with a body, then the final one, a byte at a
 * time: every split a TLS record boundary could make. */
static void
test_byte_by_byte(void **state)
{
	const char		*all = TRYING OK200;
	struct sip_parser	*ps;
	const struct sip_msg	*m;
	size_t			 i, n, len = strlen(all);
	enum sip_feed		 f = SIPF_MORE;

	(void)state;
	ps = sip_parser_new(CALLID, 1);
	for (i = 0; i < len; i++) {
		f = sip_parser_feed(ps, all + i, 1);
		if (i < len - 1)
			assert_int_equal(f, SIPF_MORE);
	}
	assert_int_equal(f, SIPF_FINAL);
	m = sip_parser_msgs(ps, &n);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].code, 100);
	assert_int_equal(m[0].body_len, 5);
	assert_int_equal(m[1].code, 200);
	sip_parser_free(ps);
}

/* Every split of the pair into two reads. */
static void
test_every_split(void **state)
{
	const char		*all = TRYING OK200;
	struct sip_parser	*ps;
	size_t			 i, n, len = strlen(all);

	(void)state;
	for (i = 0; i <= len; i++) {
		ps = sip_parser_new(CALLID, 1);
		if (i > 0)
			assert_int_equal(sip_parser_feed(ps, all, i),
			    i == len ? SIPF_FINAL : SIPF_MORE);
		if (i < len)
			assert_int_equal(sip_parser_feed(ps, all + i, len - i),
			    SIPF_FINAL);
		(void)sip_parser_msgs(ps, &n);
		assert_int_equal(n, 2);
		sip_parser_free(ps);
	}
}

/* LF line ends, folded lines, compact forms, "Name : value". */
static void
test_folded_compact_lf(void **state)
{
	struct sip_parser	*ps;
	const struct sip_msg	*m;
	size_t			 n;

	(void)state;
	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps,
	    "SIP/2.0 403 Forbidden\n"
	    "v: SIP/2.0/TLS 192.0.2.9:40112;branch=z9hG4bK776\n"
	    "i: " CALLID "\n"
	    "CSeq : 1 OPTIONS\n"
	    "ms-diagnostics: 1034;reason=\"Previous hop federated peer did\n"
	    "   not report diagnostic information\";\n"
	    "\tDomain=\"example.com\"\n"
	    "l: 0\n"
	    "\n"), SIPF_FINAL);
	m = sip_parser_msgs(ps, &n);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].code, 403);
	assert_string_equal(m[0].reason, "Forbidden");
	assert_string_equal(m[0].h[0].name, "Via");
	assert_string_equal(m[0].h[1].name, "Call-ID");
	assert_string_equal(m[0].h[2].name, "CSeq");
	assert_string_equal(sip_msg_header(&m[0], "ms-diagnostics"),
	    "1034;reason=\"Previous hop federated peer did not report "
	    "diagnostic information\"; Domain=\"example.com\"");
	assert_string_equal(sip_msg_header(&m[0], "Content-Length"), "0");
	sip_parser_free(ps);
}

/* Keep-alives, a request from the peer and a response to another
 * transaction come first: skipped, counted. */
static void
test_strays_skipped(void **state)
{
	struct sip_parser	*ps;
	size_t			 n;

	(void)state;
	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps,
	    "\r\n\r\n"
	    "OPTIONS sip:fedwiz@192.0.2.9 SIP/2.0\r\n"
	    "Call-ID: theirs\r\nCSeq: 7 OPTIONS\r\nContent-Length: 3\r\n\r\n"
	    "abc"
	    "SIP/2.0 200 OK\r\nCall-ID: other@x\r\nCSeq: 1 OPTIONS\r\n"
	    "Content-Length: 0\r\n\r\n"
	    "SIP/2.0 200 OK\r\nCall-ID: " CALLID "\r\nCSeq: 2 OPTIONS\r\n"
	    "Content-Length: 0\r\n\r\n"
	    "\r\n"), SIPF_MORE);
	assert_int_equal(sip_parser_stray(ps), 3);
	assert_int_equal(feed_str(ps, OK200), SIPF_FINAL);
	(void)sip_parser_msgs(ps, &n);
	assert_int_equal(n, 1);
	sip_parser_free(ps);
}

static void
test_not_sip(void **state)
{
	struct sip_parser	*ps;
	char			*big;

	(void)state;
	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps, "HTTP/1.1 400 Bad Request\r\n\r\n"),
	    SIPF_ERROR);
	assert_non_null(strstr(sip_parser_error(ps), "not SIP: \"HTTP/1.1 400 "
	    "Bad Request\""));
	sip_parser_free(ps);

	/* a peer's escape sequence never reaches the message */
	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps, "\033[2J\033]0;owned\007XYZ\r\n\r\n"),
	    SIPF_ERROR);
	assert_null(strchr(sip_parser_error(ps), '\033'));
	assert_null(strchr(sip_parser_error(ps), '\007'));
	assert_non_null(strstr(sip_parser_error(ps), "XYZ"));
	sip_parser_free(ps);

	/* a long one is quoted cut, on a character boundary (found by
	 * fuzz_sip: the cut leaked the whole quote) */
	big = xmalloc(1000);
	memset(big, 'x', 1000);
	memcpy(big + 190, "\xc3\xa9\xc3\xa9", 4);
	memcpy(big + 996, "\n\n\n\n", 4);
	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(sip_parser_feed(ps, big, 1000), SIPF_ERROR);
	assert_non_null(strstr(sip_parser_error(ps), "xxx\xc3\xa9\xc3\xa9xxxx"));
	assert_non_null(strstr(sip_parser_error(ps), "...\""));
	assert_true(strlen(sip_parser_error(ps)) < 400);
	sip_parser_free(ps);
	free(big);

	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(sip_parser_feed(ps, "SIP/2.0 200 OK\r\nA: b\0c\r\n\r\n",
	    sizeof("SIP/2.0 200 OK\r\nA: b\0c\r\n\r\n") - 1), SIPF_ERROR);
	assert_non_null(strstr(sip_parser_error(ps), "NUL"));
	sip_parser_free(ps);

	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps, "SIP/2.0 200 OK\r\nno colon here\r\n\r\n"),
	    SIPF_ERROR);
	assert_non_null(strstr(sip_parser_error(ps), "no colon here"));
	sip_parser_free(ps);

	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps, "SIP/2.0 200 OK\r\n Folded: first\r\n\r\n"),
	    SIPF_ERROR);
	sip_parser_free(ps);

	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps, "SIP/2.0 99 Low\r\n\r\n"), SIPF_ERROR);
	sip_parser_free(ps);

	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps, "SIP/2.0 200 OK\r\nCall-ID: " CALLID
	    "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 12x\r\n\r\n"), SIPF_ERROR);
	assert_non_null(strstr(sip_parser_error(ps), "Content-Length"));
	sip_parser_free(ps);

	/* two Content-Length that differ */
	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps, "SIP/2.0 100 Trying\r\nCall-ID: " CALLID
	    "\r\nCSeq: 1 OPTIONS\r\nl: 1\r\nContent-Length: 2\r\n\r\n"),
	    SIPF_ERROR);
	sip_parser_free(ps);
}

/* A hostile peer: megabytes of headers, endless 1xx, endless strays,
 * a huge body, more than SIP_READ_MAX in all. Each stops with a bound. */
static void
test_bounds(void **state)
{
	struct sip_parser	*ps;
	char			*big;
	size_t			 i;
	enum sip_feed		 f = SIPF_MORE;

	(void)state;
	big = xmalloc(4096);
	memset(big, 'a', 4096);
	memcpy(big, "SIP/2.0 200 OK\r\nX: ", 19);
	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(sip_parser_feed(ps, big, 4096), SIPF_MORE);
	for (i = 0; i < 1000 && f == SIPF_MORE; i++)
		f = sip_parser_feed(ps, big + 19, 4096 - 19);
	assert_int_equal(f, SIPF_ERROR);
	/* it stopped right after the bound, not at the end of the flood */
	assert_true(sip_parser_bytes(ps) <= SIP_HEAD_MAX + 4096);
	assert_non_null(strstr(sip_parser_error(ps), "64 KiB of headers"));
	sip_parser_free(ps);
	free(big);

	ps = sip_parser_new(CALLID, 1);
	for (i = 0; i < 100 && (f = feed_str(ps, "SIP/2.0 100 Trying\r\n"
	    "Call-ID: " CALLID "\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n")) ==
	    SIPF_MORE; i++)
		;
	assert_int_equal(f, SIPF_ENDLESS);
	assert_int_equal(i + 1, SIP_PROVISIONAL_MAX);
	assert_non_null(strstr(sip_parser_error(ps), "provisional"));
	sip_parser_free(ps);

	ps = sip_parser_new(CALLID, 1);
	for (i = 0; i < 100 && (f = feed_str(ps, "NOTIFY sip:x SIP/2.0\r\n"
	    "l: 0\r\n\r\n")) == SIPF_MORE; i++)
		;
	assert_int_equal(f, SIPF_ERROR);
	assert_int_equal(i, SIP_STRAY_MAX);
	sip_parser_free(ps);

	ps = sip_parser_new(CALLID, 1);
	assert_int_equal(feed_str(ps, "SIP/2.0 183 Progress\r\nCall-ID: " CALLID
	    "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 999999999\r\n\r\n"),
	    SIPF_ERROR);
	assert_non_null(strstr(sip_parser_error(ps), "body"));
	sip_parser_free(ps);

	/* provisional responses with bodies within their bound: the bound
	 * on all the peer sends */
	ps = sip_parser_new(NULL, 0);
	big = xmalloc(60 * 1024);
	memset(big, 'b', 60 * 1024);
	f = SIPF_MORE;
	for (i = 0; i < 10 && f == SIPF_MORE; i++) {
		f = feed_str(ps, "SIP/2.0 100 Trying\r\nl: 61440\r\n\r\n");
		if (f == SIPF_MORE)
			f = sip_parser_feed(ps, big, 60 * 1024);
	}
	assert_int_equal(f, SIPF_ERROR);
	assert_int_equal(i, 5);
	assert_non_null(strstr(sip_parser_error(ps), "256 KiB"));
	sip_parser_free(ps);
	free(big);
}

static void
test_uri_and_status(void **state)
{
	char	why[120];
	char	long_uri[SIP_URI_MAX + 10];

	(void)state;
	assert_int_equal(sip_uri_check("sip:imp1.example.com", why,
	    sizeof(why)), 0);
	assert_int_equal(sip_uri_check("sips:user@example.com;transport=tls",
	    why, sizeof(why)), 0);
	assert_int_equal(sip_uri_check("SIP:[2001:db8::1]:5061", why,
	    sizeof(why)), 0);
	assert_int_equal(sip_uri_check("imp1.example.com", why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "not a SIP URI"));
	assert_int_equal(sip_uri_check("sip:", why, sizeof(why)), -1);
	assert_int_equal(sip_uri_check("sip:a\r\nVia: x", why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "control character"));
	assert_int_equal(sip_uri_check("sip:a b", why, sizeof(why)), -1);
	assert_int_equal(sip_uri_check("sip:<a>", why, sizeof(why)), -1);
	memset(long_uri, 'a', sizeof(long_uri) - 1);
	memcpy(long_uri, "sip:", 4);
	long_uri[sizeof(long_uri) - 1] = '\0';
	assert_int_equal(sip_uri_check(long_uri, why, sizeof(why)), -1);

	assert_int_equal(sip_status_spec("2xx", why, sizeof(why)), 0);
	assert_int_equal(sip_status_spec("200, 202,403", why, sizeof(why)), 0);
	assert_int_equal(sip_status_spec("1xx", why, sizeof(why)), -1);
	assert_int_equal(sip_status_spec("180", why, sizeof(why)), -1);
	assert_int_equal(sip_status_spec("700", why, sizeof(why)), -1);
	assert_int_equal(sip_status_spec("2x0", why, sizeof(why)), -1);
	assert_int_equal(sip_status_spec("200,", why, sizeof(why)), -1);
	assert_int_equal(sip_status_spec("", why, sizeof(why)), -1);
	assert_int_equal(sip_status_spec("ok", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "\"ok\""));

	assert_true(sip_status_wanted(NULL, 200));
	assert_true(sip_status_wanted(NULL, 202));
	assert_false(sip_status_wanted(NULL, 403));
	assert_true(sip_status_wanted("403", 403));
	assert_false(sip_status_wanted("403", 404));
	assert_true(sip_status_wanted("200, 4xx", 488));
	assert_false(sip_status_wanted("200, 4xx", 503));
}

/* A result as the probe hands it over, for the judge. */
static void
result_with(struct sip_result *r, struct tls_result *t, struct sip_msg *m,
    enum sip_status st)
{
	static char	why[] = "why";

	memset(r, 0, sizeof(*r));
	memset(t, 0, sizeof(*t));
	snprintf(t->peer, sizeof(t->peer), "192.0.2.20:5062");
	r->tls = t;
	r->status = st;
	r->message = why;
	if (m != NULL) {
		r->msgs = m;
		r->nmsgs = 1;
		r->final = m;
	}
}

static void
test_judge(void **state)
{
	struct sip_header	 h[2];
	struct sip_msg		 m;
	struct sip_result	 r;
	struct tls_result	 t;
	struct sip_judgement	 j;

	(void)state;
	h[0].name = xstrdup("ms-diagnostics");
	h[0].value = xstrdup("1034;reason=\"Previous hop\"\033[31m");
	h[1].name = xstrdup("ms-diagnostics-public");
	h[1].value = xstrdup("public reason");
	memset(&m, 0, sizeof(m));
	m.start = xstrdup("SIP/2.0 403 Forbidden");
	m.code = 403;
	m.reason = xstrdup("Forbidden\033]0;x\007");
	m.h = h;
	m.nh = 2;
	result_with(&r, &t, &m, SIP_OK);
	sip_judge(&r, NULL, &j);
	assert_int_equal(j.verdict, SIPV_FAIL);
	assert_string_equal(j.cls, "status");
	assert_string_equal(j.sub, "status_403");
	assert_non_null(strstr(j.what, "192.0.2.20:5062 answered the OPTIONS "
	    "with 403 Forbidden; ms-diagnostics: 1034;reason=\"Previous "
	    "hop\"; ms-diagnostics-public: public reason"));
	assert_non_null(strstr(j.what, "(wanted 2xx)"));
	assert_null(strchr(j.what, '\033'));
	assert_null(strchr(j.what, '\007'));
	sip_judgement_free(&j);
	/* a negative test wants the 403 */
	sip_judge(&r, "403", &j);
	assert_int_equal(j.verdict, SIPV_PASS);
	assert_null(j.what);
	sip_judgement_free(&j);
	m.code = 202;
	sip_judge(&r, NULL, &j);
	assert_int_equal(j.verdict, SIPV_PASS);
	sip_judgement_free(&j);

	result_with(&r, &t, NULL, SIP_E_CERT);
	sip_judge(&r, NULL, &j);
	assert_int_equal(j.verdict, SIPV_FAIL);
	assert_string_equal(j.cls, "tls");
	sip_judgement_free(&j);
	result_with(&r, &t, NULL, SIP_E_TLS);
	sip_judge(&r, NULL, &j);
	assert_string_equal(j.cls, "tls");
	assert_string_equal(j.sub, "refused");
	sip_judgement_free(&j);
	result_with(&r, &t, NULL, SIP_E_CLIENT_CERT);
	sip_judge(&r, NULL, &j);
	assert_int_equal(j.verdict, SIPV_FAIL);
	assert_string_equal(j.cls, "client_cert");
	assert_null(j.sub);
	sip_judgement_free(&j);
	/* The alert that refused our certificate is the finer class: the
	 * remedy of a missing Client Authentication is the certificate
	 * request, of an unknown CA the trust store. */
	r.client_alert = 43;
	sip_judge(&r, NULL, &j);
	assert_string_equal(j.cls, "client_cert");
	assert_string_equal(j.sub, "client_eku");
	sip_judgement_free(&j);
	r.client_alert = 48;
	sip_judge(&r, NULL, &j);
	assert_string_equal(j.sub, "client_ca");
	sip_judgement_free(&j);
	r.client_alert = 45;
	sip_judge(&r, NULL, &j);
	assert_string_equal(j.sub, "client_validity");
	sip_judgement_free(&j);
	r.client_alert = 42;		/* bad_certificate: nothing finer */
	sip_judge(&r, NULL, &j);
	assert_null(j.sub);
	sip_judgement_free(&j);
	r.client_alert = 0;
	result_with(&r, &t, NULL, SIP_E_CLOSED);
	sip_judge(&r, NULL, &j);
	assert_string_equal(j.cls, "closed");
	sip_judgement_free(&j);
	result_with(&r, &t, NULL, SIP_E_TIMEOUT);
	sip_judge(&r, NULL, &j);
	assert_int_equal(j.verdict, SIPV_ERROR);
	assert_string_equal(j.cls, "timeout");
	sip_judgement_free(&j);
	result_with(&r, &t, NULL, SIP_E_CONNECT);
	sip_judge(&r, NULL, &j);
	assert_int_equal(j.verdict, SIPV_ERROR);
	assert_string_equal(j.cls, "connect");
	sip_judgement_free(&j);
	result_with(&r, &t, NULL, SIP_E_INPUT);
	sip_judge(&r, NULL, &j);
	assert_int_equal(j.verdict, SIPV_INPUT);
	sip_judgement_free(&j);
	free(h[0].name);
	free(h[0].value);
	free(h[1].name);
	free(h[1].value);
	free(m.start);
	free(m.reason);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_response),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_folded_compact_lf),
		cmocka_unit_test(test_strays_skipped),
		cmocka_unit_test(test_not_sip),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_uri_and_status),
		cmocka_unit_test(test_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
