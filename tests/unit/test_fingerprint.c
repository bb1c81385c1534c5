/*
 * test_fingerprint.c: a procedure's fingerprint (drift: "changed since the
 * session started") covers every field of every schema, because it walks
 * the schema tables: a changed fix (its procedure, hint or class) is a
 * changed procedure, and so is any other field; moving the procedure in
 * the file is not.
 */
#include "config.h"

#include "testutil.h"

static const char *base = RB_HEAD
    "roles: [ { id: fe, title: F, profile: windows, many: true } ]\n"
    "vars: [ { name: peer, prompt: P, type: fqdn } ]\n"
    "procedures:\n"
    "  - id: other\n"
    "    title: O\n"
    "    steps: [ { do: o } ]\n"
    "  - id: fixit\n"
    "    title: Fix it\n"
    "    steps: [ { do: f } ]\n"
    "  - id: p\n"
    "    title: P\n"
    "    on: fe\n"
    "    steps:\n"
    "      - do: 'Connect to ${peer}'\n"
    "        table: { columns: [A, B], rows: [ [a, b] ] }\n"
    "        check:\n"
    "          tls:\n"
    "            host: '${peer}'\n"
    "            port: 5061\n"
    "            eku: [serverAuth]\n"
    "            fix:\n"
    "              - { on: eku, procedure: fixit, hint: 're-issue it' }\n"
    "        steps: [ { do: sub } ]\n";

/* The fingerprint of p in text with one substitution made. */
static void
fp_with(const char *from, const char *to, char out[65])
{
	struct runbook	*rb;
	struct buf	 b;
	const char	*at = strstr(base, from);

	assert_non_null(at);
	buf_init(&b);
	buf_add(&b, base, (size_t)(at - base));
	buf_adds(&b, to);
	buf_adds(&b, at + strlen(from));
	rb = rb_from(b.s);
	runbook_proc_fingerprint(runbook_proc(rb, "p"), out);
	runbook_free(rb);
	buf_free(&b);
}

static void
test_fingerprint_walks_every_field(void **state)
{
	const char	*bad = NULL;

	(void)state;
	assert_true(runbook_schema_walkable(&bad));
	assert_null(bad);
}

static void
test_fingerprint_changed_fix_is_a_changed_procedure(void **state)
{
	static const char *const edits[][2] = {
		/* The fix: where this used to be blind. */
		{ "procedure: fixit", "procedure: other" },
		{ "hint: 're-issue it'", "hint: 'buy a new one'" },
		{ "on: eku,", "on: chain," },
		/* And the rest, each field once. */
		{ "do: 'Connect to ${peer}'", "do: 'Dial ${peer}'" },
		{ "[ [a, b] ]", "[ [a, c] ]" },
		{ "eku: [serverAuth]", "eku: [clientAuth]" },
		{ "port: 5061", "port: 5062" },
		{ "steps: [ { do: sub } ]", "steps: [ { do: sub2 } ]" },
		{ "on: fe\n", "on: fe\n    once: true\n" },
		{ "title: P\n", "title: Q\n" },
	};
	char		 a[65], b[65];
	size_t		 i;

	(void)state;
	fp_with("title: P", "title: P", a);
	for (i = 0; i < nitems(edits); i++) {
		fp_with(edits[i][0], edits[i][1], b);
		if (strcmp(a, b) == 0)
			fail_msg("changing %s to %s left the fingerprint as it "
			    "was", edits[i][0], edits[i][1]);
	}
	/* Where the procedure sits in the file is not its content. */
	fp_with("  - id: other\n    title: O\n    steps: [ { do: o } ]\n", "", b);
	assert_string_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint_walks_every_field),
		cmocka_unit_test(
		    test_fingerprint_changed_fix_is_a_changed_procedure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
