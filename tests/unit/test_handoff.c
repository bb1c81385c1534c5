/*
 * test_handoff.c: what binds a site's results to its export: signatures
 * that one changed byte breaks, a digest of the answers that the slice
 * written for a jump host reproduces there, manifests read back as
 * written and refused when they are not private or not whole, and the
 * export's folder writer that never writes through a link.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <unistd.h>

#include "answers.h"
#include "fileio.h"
#include "handoff.h"
#include "testutil.h"

static const char *rb_text = RB_HEAD
    "vars:\n"
    "  - { name: imp_fqdn, prompt: I, type: fqdn }\n"
    "  - { name: note, prompt: N, type: string }\n"
    "  - { name: port, prompt: P, type: port, default: 5062 }\n"
    "roles:\n"
    "  - { id: fe, title: Front end, profile: windows, many: true }\n"
    "  - { id: imp, title: IM and Presence, profile: cisco-vos, "
    "many: true }\n"
    "procedures:\n"
    "  - { id: a, title: A, on: fe, steps: [ {do: 'x ${host}'} ] }\n";

static struct answers *
answers_from(const struct runbook *rb, const char *text)
{
	struct answers	*a = answers_new();
	struct diags	 d;

	diags_init(&d);
	if (answers_parse(a, rb, "a.yaml", text, strlen(text), &d) == -1) {
		diags_print(&d, stderr);
		fail_msg("answers did not load");
	}
	diags_free(&d);
	return a;
}

/* A results document as check --json writes one, hole and all. */
static char *
results_doc(size_t *len)
{
	char	*doc;

	doc = xasprintf("{\n  \"runbook\": \"t\",\n  \"checks\": [\n    {\n"
	    "      \"verdict\": \"pass\"\n    }\n  ],\n  \"signature\": "
	    "\"%s\"\n}\n", HANDOFF_SIG_HOLE);
	*len = strlen(doc);
	return doc;
}

static void
test_handoff_signature_breaks_on_any_change(void **state)
{
	char		 priv[HANDOFF_KEY_HEX], pub[HANDOFF_KEY_HEX];
	char		 priv2[HANDOFF_KEY_HEX], pub2[HANDOFF_KEY_HEX];
	char		*doc, *p, why[300];
	struct diags	 d;
	size_t		 len, i;

	(void)state;
	diags_init(&d);
	assert_int_equal(handoff_keygen(priv, pub, &d), 0);
	assert_int_equal(handoff_keygen(priv2, pub2, &d), 0);
	assert_string_not_equal(pub, pub2);
	doc = results_doc(&len);
	assert_int_equal(handoff_sign(doc, len, priv, &d), 0);
	assert_null(strstr(doc, HANDOFF_SIG_HOLE));
	assert_int_equal(handoff_verify(doc, len, pub, why, sizeof(why)), 1);
	/* Another export's key. */
	assert_int_equal(handoff_verify(doc, len, pub2, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "does not verify"));
	/* pass -> fail, or any byte at all, the signature's own included. */
	p = strstr(doc, "pass");
	memcpy(p, "fail", 4);
	assert_int_equal(handoff_verify(doc, len, pub, why, sizeof(why)), 0);
	memcpy(p, "pass", 4);
	for (i = 0; i < len; i += 7) {
		doc[i] ^= 1;
		assert_int_equal(handoff_verify(doc, len, pub, why,
		    sizeof(why)), 0);
		doc[i] ^= 1;
	}
	assert_int_equal(handoff_verify(doc, len, pub, why, sizeof(why)), 1);
	/* Cut short: the last byte gone. */
	assert_int_equal(handoff_verify(doc, len - 1, pub, why, sizeof(why)),
	    0);
	free(doc);
	diags_free(&d);
}

static void
test_handoff_no_or_two_signatures_refused(void **state)
{
	char		 priv[HANDOFF_KEY_HEX], pub[HANDOFF_KEY_HEX];
	char		 why[300], *doc, *two;
	struct diags	 d;
	size_t		 len;

	(void)state;
	diags_init(&d);
	assert_int_equal(handoff_keygen(priv, pub, &d), 0);
	doc = xstrdup("{ \"runbook\": \"t\", \"signature\": null }\n");
	assert_int_equal(handoff_verify(doc, strlen(doc), pub, why,
	    sizeof(why)), 0);
	assert_non_null(strstr(why, "no signature"));
	free(doc);
	doc = results_doc(&len);
	assert_int_equal(handoff_sign(doc, len, priv, &d), 0);
	/* A second signature member put in front of the real one. */
	two = xasprintf("{ \"signature\": \"%s\",%s", HANDOFF_SIG_HOLE,
	    doc + 1);
	assert_int_equal(handoff_verify(two, strlen(two), pub, why,
	    sizeof(why)), 0);
	assert_non_null(strstr(why, "more than one"));
	free(two);
	free(doc);
	diags_free(&d);
}

static const char *answers_text =
    "runbook: t\n"
    "vars: { imp_fqdn: imp1.example.com, note: 'a \"quoted\" \\\\ value' }\n"
    "hosts:\n"
    "  fe:\n"
    "    - { name: fe2, address: 192.0.2.11, user: admin }\n"
    "    - { name: fe1, address: 192.0.2.10, user: admin, port: 2222,"
    " identity: /home/op/.ssh/id_ed25519 }\n"
    "  imp: [ { name: imp1, address: 192.0.2.20 } ]\n";

static void
test_handoff_digest_survives_the_slice_text(void **state)
{
	struct runbook	*rb = rb_from(rb_text);
	struct answers	*a = answers_from(rb, answers_text), *b;
	char		 da[65], db[65], *text;

	(void)state;
	handoff_answers_digest(rb, a, NULL, da);
	text = handoff_answers_text(rb, a, NULL);
	b = answers_from(rb, text);
	handoff_answers_digest(rb, b, NULL, db);
	assert_string_equal(da, db);
	/* What is local to the console does not go: the key file. */
	assert_null(strstr(text, "identity"));
	assert_non_null(strstr(text, "port: 2222"));
	/* The profile each host has goes explicitly. */
	assert_non_null(strstr(text, "profile: \"cisco-vos\""));
	answers_free(b);
	/* Another value: another digest. */
	b = answers_from(rb, "runbook: t\nvars: { imp_fqdn: imp2.example.com, "
	    "note: 'a \"quoted\" \\\\ value' }\nhosts:\n  fe:\n    - { name: "
	    "fe2, address: 192.0.2.11, user: admin }\n    - { name: fe1, "
	    "address: 192.0.2.10, user: admin, port: 2222 }\n  imp: [ { name: "
	    "imp1, address: 192.0.2.20 } ]\n");
	handoff_answers_digest(rb, b, NULL, db);
	assert_string_not_equal(da, db);
	answers_free(b);
	/* The same answers in another order: the same digest. */
	b = answers_from(rb, "runbook: t\nhosts:\n  imp: [ { name: imp1, "
	    "address: 192.0.2.20 } ]\n  fe:\n    - { name: fe1, address: "
	    "192.0.2.10, user: admin, port: 2222 }\n    - { name: fe2, "
	    "address: 192.0.2.11, user: admin }\nvars: { note: 'a \"quoted\" "
	    "\\\\ value', imp_fqdn: imp1.example.com }\n");
	handoff_answers_digest(rb, b, NULL, db);
	assert_string_equal(da, db);
	answers_free(b);
	free(text);
	answers_free(a);
	runbook_free(rb);
}

static const char *sites_text =
    "runbook: t\n"
    "vars: { imp_fqdn: imp1.example.com }\n"
    "hosts:\n"
    "  fe:\n"
    "    - { name: fe1, address: 192.0.2.10, site: emea }\n"
    "    - { name: fe2, address: 192.0.2.11, site: apac }\n"
    "    - { name: fe3, address: 192.0.2.12 }\n"
    "  imp: [ { name: imp1, address: 192.0.2.20, site: emea } ]\n"
    "sites:\n"
    "  emea: { address: 192.0.2.1, user: ops, port: 2222, known_hosts: "
    "/etc/fedwiz/kh }\n"
    "  apac: { address: jump-apac.example.com }\n";

/* Sites come after the hosts that name them here: the order in the file
 * does not matter. Each site's slice, read back as a jump host reads it,
 * has the digest the console computes for that site. */
static void
test_handoff_sites_and_their_slices(void **state)
{
	struct runbook		*rb = rb_from(rb_text);
	struct answers		*a = answers_from(rb, sites_text), *b;
	const struct site	*x;
	const struct host	*h;
	char			 da[65], db[65], *text;

	(void)state;
	assert_int_equal(a->nsites, 2);
	x = answers_site(a, "emea");
	assert_non_null(x);
	assert_string_equal(x->address, "192.0.2.1");
	assert_string_equal(x->user, "ops");
	assert_int_equal(x->port, 2222);
	assert_string_equal(x->known_hosts, "/etc/fedwiz/kh");
	assert_null(x->identity);
	x = answers_site(a, "apac");
	assert_int_equal(x->port, 22);
	assert_null(x->user);
	h = answers_host(a, "fe1");
	assert_string_equal(h->site, "emea");
	assert_null(answers_host(a, "fe3")->site);

	handoff_answers_digest(rb, a, "emea", da);
	text = handoff_answers_text(rb, a, "emea");
	assert_non_null(strstr(text, "\"fe1\""));
	assert_non_null(strstr(text, "\"imp1\""));
	assert_null(strstr(text, "\"fe2\""));
	assert_null(strstr(text, "\"fe3\""));
	assert_null(strstr(text, "site:"));
	b = answers_from(rb, text);
	assert_int_equal(b->nsites, 0);
	handoff_answers_digest(rb, b, NULL, db);
	assert_string_equal(da, db);
	answers_free(b);
	free(text);
	/* Another site's slice is another digest. */
	handoff_answers_digest(rb, a, "apac", db);
	assert_string_not_equal(da, db);
	answers_free(a);
	runbook_free(rb);
}

/* The first error of answers text, "line:col: msg". */
static char *
answers_error(const struct runbook *rb, const char *text)
{
	struct answers	*a = answers_new();
	struct diags	 d;
	char		*s;

	diags_init(&d);
	assert_int_equal(answers_parse(a, rb, "a.yaml", text, strlen(text),
	    &d), -1);
	assert_true(d.n > 0);
	s = xasprintf("%d:%d: %s", d.v[0].line, d.v[0].col, d.v[0].msg);
	diags_free(&d);
	answers_free(a);
	return s;
}

static void
test_handoff_sites_refused_where_they_are_wrong(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "runbook: t\nhosts:\n  fe:\n    - { name: fe1, site: emae }\n"
		  "sites:\n  emea: { address: 192.0.2.1 }\n",
		  "4:26: site \"emae\" is not one of the sites: emea; did you "
		  "mean \"emea\"?" },
		{ "runbook: t\nhosts:\n  fe: [ { name: fe1, site: emea } ]\n",
		  "3:28: site \"emea\" is not one of the sites: the file lists "
		  "none" },
		{ "runbook: t\nsites:\n  localhost: { address: 192.0.2.1 }\n",
		  "3:3: site name \"localhost\" is one Ansible keeps for "
		  "itself" },
		{ "runbook: t\nsites:\n  em/ea: { address: 192.0.2.1 }\n",
		  "3:3: site name \"em/ea\" must be letters, digits, _ and -" },
		{ "runbook: t\nsites:\n  emea: { user: ops }\n",
		  "3:9: site emea has no \"address\"" },
		{ "runbook: t\nsites:\n  emea: { address: 192.0.2.1, prot: 22 }"
		  "\n", "3:31: unknown key \"prot\" in site emea; did you mean "
		  "\"port\"?" },
		{ "runbook: t\nsites:\n  emea: { address: 192.0.2.1, port: 0 }"
		  "\n", "3:37: site emea: port \"0\"" },
		{ "runbook: t\nsites:\n  emea: { address: 'jump host' }\n",
		  "3:20: site emea: address \"jump host\"" },
		{ "runbook: t\nsites:\n  emea: { address: 192.0.2.1, user: "
		  "'a b' }\n", "3:37: site emea: user \"a b\" must be one word" },
		{ "runbook: t\nsites: [ emea ]\n", "2:8: \"sites\" must map "
		  "each site to its jump host" },
	};
	struct runbook	*rb = rb_from(rb_text);
	char		*err;
	size_t		 i;
	int		 bad = 0;

	(void)state;

	for (i = 0; i < nitems(cases); i++) {
		err = answers_error(rb, cases[i].text);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0) {
			print_error("case %zu: got \"%s\", wanted \"%s...\"\n",
			    i, err, cases[i].want);
			bad++;
		}
		free(err);
	}
	assert_int_equal(bad, 0);
	runbook_free(rb);
}

/* Write text as a file of this mode; its path. */
static char *
write_mode(const char *text, mode_t mode)
{
	char	*path = xstrdup("/tmp/fedwiz-manifest-XXXXXX");
	int	 fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static void
sample(struct handoff_manifest *m)
{
	struct diags	d;
	char		pub[HANDOFF_KEY_HEX];

	diags_init(&d);
	memset(m, 0, sizeof(*m));
	m->format = HANDOFF_FORMAT;
	m->fedwiz = xstrdup(PACKAGE_VERSION);
	m->export_id = 7;
	m->session = 3;
	m->runbook = xstrdup("lync-imp-tls");
	memset(m->runbook_sha256, 'a', 64);
	m->site = xstrdup("emea");
	m->jump = xstrdup("ops@192.0.2.1:2222");
	memset(m->answers_sha256, 'b', 64);
	assert_int_equal(handoff_random_hex(m->nonce, 16, &d), 0);
	assert_int_equal(handoff_keygen(m->key, pub, &d), 0);
	m->answers = xstrdup("# a slice\nrunbook: \"t\"\nvars:\n  \"a\": "
	    "\"b\"\nhosts: {}\n");
	/* Bytes a YAML block would not keep as they are: no final newline,
	 * trailing spaces, a tab, UTF-8, a line longer than the base64's. */
	m->runbook_text = xstrdup("id: t   \n\ttitle: \"caf\xc3\xa9\"\n"
	    "# 0123456789012345678901234567890123456789012345678901234567890"
	    "1234567890123456789\nlast line, no newline  ");
	m->runbook_len = strlen(m->runbook_text);
	diags_free(&d);
}

static char *
first_error(const char *path)
{
	struct handoff_manifest	 m;
	struct diags		 d;
	char			*s = NULL;

	diags_init(&d);
	if (handoff_manifest_load(path, &m, &d) == -1) {
		assert_true(d.n > 0);
		s = xasprintf("%d:%d: %s", d.v[0].line, d.v[0].col,
		    d.v[0].msg);
	} else
		handoff_manifest_clear(&m);
	diags_free(&d);
	return s;
}

/* text (freed here) as a 0600 manifest: refused, located, saying want. */
static void
refused(char *text, const char *want)
{
	char	*path = write_mode(text, 0600), *err;

	err = first_error(path);
	if (err == NULL || strstr(err, want) == NULL || err[0] == '0')
		fail_msg("wanted a located \"%s\", got \"%s\"", want,
		    err ? err : "(loaded)");
	free(err);
	unlink(path);
	free(path);
	free(text);
}

static void
test_handoff_manifest_round_trip_and_refusals(void **state)
{
	struct handoff_manifest	 m, back;
	struct diags		 d;
	char			*text, *path, *err, *cut;

	(void)state;
	diags_init(&d);
	sample(&m);
	text = handoff_manifest_text(&m);
	path = write_mode(text, 0600);
	assert_int_equal(handoff_manifest_load(path, &back, &d), 0);
	assert_int_equal(back.export_id, 7);
	assert_int_equal(back.session, 3);
	assert_string_equal(back.runbook, "lync-imp-tls");
	assert_string_equal(back.site, "emea");
	assert_string_equal(back.jump, "ops@192.0.2.1:2222");
	assert_string_equal(back.runbook_sha256, m.runbook_sha256);
	assert_string_equal(back.answers_sha256, m.answers_sha256);
	assert_string_equal(back.nonce, m.nonce);
	assert_string_equal(back.key, m.key);
	assert_string_equal(back.answers, m.answers);
	assert_int_equal(back.runbook_len, m.runbook_len);
	assert_memory_equal(back.runbook_text, m.runbook_text, m.runbook_len);
	handoff_manifest_clear(&back);
	/* Others can read it: it holds a key. */
	assert_int_equal(chmod(path, 0640), 0);
	err = first_error(path);
	assert_non_null(err);
	assert_non_null(strstr(err, "others can read"));
	free(err);
	unlink(path);
	free(path);
	/* Cut before its key. */
	refused(xstrndup(text, (size_t)(strstr(text, "\nkey:") - text) + 1),
	    "has no \"key\"");
	/* A format this fedwiz does not know. */
	cut = xstrdup(text);
	*(strstr(cut, "format: 1") + 8) = '2';
	refused(cut, "manifest format 2");
	/* A runbook that is not base64, located. */
	cut = xstrdup(text);
	*(strstr(cut, "\nrunbook_text: |\n") + 20) = '*';
	refused(cut, "runbook_text must be the runbook in base64");
	/* A key that is not hex, or not in the writer's case, located. */
	cut = xstrdup(text);
	*(strstr(cut, "\nkey: ") + 6) = 'Z';
	refused(cut, "key must be 64 lower-case hex digits");
	cut = xstrdup(text);
	*(strstr(cut, "\nnonce: ") + 8) = 'A';
	refused(cut, "nonce must be 32 lower-case hex digits");
	wipe(text, strlen(text));
	free(text);
	handoff_manifest_clear(&m);
	diags_free(&d);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void
test_handoff_folder_writer_never_follows_links(void **state)
{
	struct diags	 d;
	struct stat	 sb;
	char		 base[64], got[4], *p, *victim, *link;
	int		 dfd, sub, fd;

	(void)state;
	diags_init(&d);
	snprintf(base, sizeof(base), "/tmp/fedwiz-export.XXXXXX");
	assert_non_null(mkdtemp(base));
	victim = xasprintf("%s/victim", base);
	fd = open(victim, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	/* A link as the export folder: refused. */
	link = xasprintf("%s/link", base);
	assert_int_equal(symlink(base, link), 0);
	assert_true(file_dir_new(link, &dfd, &d) < 0);
	assert_non_null(strstr(d.v[d.n - 1].msg, "symbolic link"));
	/* A folder with something in it: refused. */
	assert_true(file_dir_new(base, &dfd, &d) < 0);
	assert_non_null(strstr(d.v[d.n - 1].msg, "not empty"));
	/* A new one: 0700. */
	p = xasprintf("%s/out", base);
	assert_int_equal(file_dir_new(p, &dfd, &d), 0);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(file_dir_sub(dfd, "out/sites", "sites", &sub, &d), 0);
	/* A link planted where a file goes is replaced, not followed. */
	assert_int_equal(symlinkat(victim, sub, "answers.yaml"), 0);
	assert_int_equal(file_write_in(sub, "out/sites/answers.yaml",
	    "answers.yaml", "new\n", 4, 0600, &d), 0);
	assert_int_equal(fstatat(sub, "answers.yaml", &sb, AT_SYMLINK_NOFOLLOW),
	    0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	fd = open(victim, O_RDONLY);
	assert_int_equal(read(fd, got, 4), 4);
	close(fd);
	assert_memory_equal(got, "keep", 4);
	assert_int_equal(file_dir_sync(sub, "out/sites", &d), 0);
	close(sub);
	close(dfd);
	assert_int_equal(nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(p);
	free(victim);
	free(link);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handoff_signature_breaks_on_any_change),
		cmocka_unit_test(test_handoff_no_or_two_signatures_refused),
		cmocka_unit_test(test_handoff_digest_survives_the_slice_text),
		cmocka_unit_test(test_handoff_sites_and_their_slices),
		cmocka_unit_test(test_handoff_sites_refused_where_they_are_wrong),
		cmocka_unit_test(test_handoff_manifest_round_trip_and_refusals),
		cmocka_unit_test(test_handoff_folder_writer_never_follows_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
