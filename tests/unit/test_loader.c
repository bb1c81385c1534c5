/*
 * test_loader.c: the runbook loader accepts the good files and rejects each
 * malformed one with its file:line:col and message.
 *
 * tests/data/bad/NAME.yaml starts with "# expect: LINE:COL: TEXT": the first
 * error must be at LINE:COL and contain TEXT. Cycles are found by the
 * planner, so a file that loads goes through plan_order too.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog.h"
#include "plan.h"
#include "testutil.h"
#include "ydoc.h"

/* Load and order: 0, or -1 with diagnostics. */
static int
load_and_order(const char *path, struct diags *d)
{
	struct runbook	*rb;
	size_t		*order;
	int		 rc;

	if (runbook_load(path, &rb, d) == -1)
		return -1;
	order = xcalloc(rb->nprocs + 1, sizeof(*order));
	rc = plan_order(rb, order, d);
	free(order);
	runbook_free(rb);
	return rc;
}

static void
test_loader_good_files_load(void **state)
{
	struct diags	  d;
	char		 *dir, **files;
	size_t		  n, i;

	(void)state;
	dir = xasprintf("%s/tests/data/good", srcdir());
	diags_init(&d);
	assert_int_equal(catalog_files(dir, &files, &n, &d), 0);
	assert_true(n >= 3);
	for (i = 0; i < n; i++)
		if (load_and_order(files[i], &d) == -1) {
			diags_print(&d, stderr);
			fail_msg("%s does not load", files[i]);
		}
	catalog_files_free(files, n);
	diags_free(&d);
	free(dir);
}

static void
test_loader_bad_files_fail_located(void **state)
{
	struct diags	  d;
	char		 *dir, **files, *src, want[512], got[1024];
	const char	 *p;
	size_t		  n, i, len;
	int		  line, col, nfail = 0;

	(void)state;
	dir = xasprintf("%s/tests/data/bad", srcdir());
	diags_init(&d);
	assert_int_equal(catalog_files(dir, &files, &n, &d), 0);
	if (n < 30)
		fail_msg("only %zu malformed files in %s; want at least 30", n,
		    dir);
	for (i = 0; i < n; i++) {
		assert_int_equal(read_file(files[i], 1 << 20, &src, &len), 0);
		if (sscanf(src, "# expect: %d:%d: %511[^\n]", &line, &col,
		    want) != 3)
			fail_msg("%s: first line is not \"# expect: L:C: "
			    "text\"", files[i]);
		free(src);
		diags_free(&d);
		diags_init(&d);
		if (load_and_order(files[i], &d) == 0) {
			print_error("%s: loaded, expected %d:%d: %s\n",
			    files[i], line, col, want);
			nfail++;
			continue;
		}
		assert_true(d.n > 0);
		snprintf(got, sizeof(got), "%d:%d: %s", d.v[0].line,
		    d.v[0].col, d.v[0].msg);
		/* The path is the one given: messages name the file. */
		assert_string_equal(d.v[0].file, files[i]);
		p = strstr(got, want);
		if (d.v[0].line != line || d.v[0].col != col || p == NULL) {
			print_error("%s:\n  want %d:%d: ...%s...\n  got  %s\n",
			    files[i], line, col, want, got);
			nfail++;
		}
	}
	diags_free(&d);
	catalog_files_free(files, n);
	free(dir);
	assert_int_equal(nfail, 0);
}

static void
test_loader_positions_inside_values(void **state)
{
	char	*e;

	(void)state;
	/* A ${var} in a plain scalar: its own column. */
	e = rb_first_error(RB_HEAD "procedures:\n  - id: a\n    title: A\n"
	    "    steps:\n      - do: Enter ${nope} now\n");
	assert_string_equal(e, "9:19: procedure \"a\": ${nope} is not a "
	    "declared variable; declare it under vars:");
	free(e);
	/* In a literal block: the line and column inside the block. */
	e = rb_first_error(RB_HEAD "procedures:\n  - id: a\n    title: A\n"
	    "    steps:\n      - do: x\n        note: |\n          first\n"
	    "          then ${nope}\n");
	assert_contains(e, "12:16: procedure \"a\": ${nope}");
	free(e);
	/* Non-ASCII before it: columns count characters, not bytes. */
	e = rb_first_error(RB_HEAD "procedures:\n  - id: a\n    title: A\n"
	    "    steps:\n      - do: \"Géré → ${nope}\"\n");
	assert_contains(e, "9:21: procedure \"a\": ${nope}");
	free(e);
	/* A `when` error points into the condition. */
	e = rb_first_error(RB_HEAD "vars:\n  - {name: t, prompt: T, type: "
	    "bool}\nprocedures:\n  - id: a\n    title: A\n    when: t and\n"
	    "    steps: [ {do: x} ]\n");
	assert_contains(e, "10:16: procedure \"a\": when: expected a variable");
	free(e);
}

static void
test_loader_limits_hold(void **state)
{
	struct buf	 b;
	char		*e;
	int		 i;

	(void)state;
	/* Deep nesting is refused, not recursed into. */
	buf_init(&b);
	buf_adds(&b, RB_HEAD "x: ");
	for (i = 0; i < 10000; i++)
		buf_addc(&b, '[');
	e = rb_first_error(b.s);
	assert_contains(e, "nesting deeper than 64 levels");
	free(e);
	buf_free(&b);

	/* Many keys: the duplicate is still found (sorted path), and the
	 * report names the first one (k17 is on line 25). */
	buf_init(&b);
	buf_adds(&b, RB_HEAD "notes: x\nvars:\n  - name: a\n");
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "    k%d: v\n", i);
	buf_adds(&b, "    k17: again\n");
	e = rb_first_error(b.s);
	assert_contains(e, "duplicate key \"k17\" (first at line 25 column 5)");
	free(e);
	buf_free(&b);
}

static void
test_loader_rejects_binary_and_nul(void **state)
{
	struct runbook	*rb = NULL;
	struct diags	 d;
	static const char nul[] = "id: a\0b\ntitle: x\n";
	static const char bin[] = "id: \xff\xfe\x01\n";

	(void)state;
	diags_init(&d);
	assert_int_equal(runbook_parse("n.yaml", nul, sizeof(nul) - 1, &rb,
	    &d), -1);
	assert_true(d.n > 0);
	diags_free(&d);
	diags_init(&d);
	assert_int_equal(runbook_parse("b.yaml", bin, sizeof(bin) - 1, &rb,
	    &d), -1);
	assert_true(d.n > 0);
	assert_contains(d.v[0].msg, "YAML:");
	diags_free(&d);
}

static void
test_loader_model_is_complete(void **state)
{
	struct runbook		*rb;
	const struct rb_proc	*p;
	const struct rb_step	*s;

	(void)state;
	rb = rb_from(RB_HEAD
	    "vars:\n"
	    "  - { name: imp, prompt: I, type: fqdn, default: 'imp1.example.com.' }\n"
	    "  - { name: p, prompt: P, type: port, default: 5062 }\n"
	    "roles:\n"
	    "  - { id: fe, title: FE, profile: windows, many: true, help: h }\n"
	    "procedures:\n"
	    "  - id: route\n    title: Route\n    on: fe\n"
	    "    steps:\n"
	    "      - do: Run it\n"
	    "        command: '$r = New-CsStaticRoute -Destination ${imp} -Port ${p}'\n"
	    "        steps: [ {do: a}, {do: b, steps: [ {do: c} ]} ]\n"
	    "        table: { columns: [P, D], rows: [ [-Port, '${p}'] ] }\n"
	    "        check:\n"
	    "          - ssh: { command: Get-CsStaticRoutingConfiguration,"
	    " regex: 'Port\\s*:\\s*${p}' }\n"
	    "          - tls: { host: '${imp}', port: '${p}', eku: [clientAuth],"
	    " client_cert: requested }\n"
	    "          - dns: { name: '${imp}', expect: 192.0.2.1 }\n"
	    "          - tcp: { host: '${host}', port: 5061, when: 'p == 5062' }\n"
	    "          - x509: { file: c.p7b, kind: chain }\n"
	    "          - manual: Look at it\n");
	assert_string_equal(rb->vars[0].def, "imp1.example.com");
	assert_int_equal(rb->nroles, 1);
	assert_true(rb->roles[0].many);
	assert_string_equal(rb->roles[0].help, "h");
	p = runbook_proc(rb, "route");
	assert_non_null(p);
	assert_ptr_equal(p->role, &rb->roles[0]);
	s = &p->steps[0];
	assert_int_equal(s->nsteps, 2);
	assert_int_equal(s->steps[1].nsteps, 1);
	assert_string_equal(s->table->cells[1], "${p}");
	assert_int_equal(s->nchecks, 6);
	assert_int_equal(s->checks[0].kind, CK_SSH);
	assert_ptr_equal(s->checks[0].role, &rb->roles[0]);
	assert_int_equal(s->checks[1].kind, CK_TLS);
	assert_string_equal(s->checks[1].client_cert, "requested");
	assert_int_equal(s->checks[2].kind, CK_DNS);
	assert_int_equal(s->checks[3].kind, CK_TCP);
	assert_string_equal(s->checks[3].when_src, "p == 5062");
	assert_non_null(s->checks[3].when);
	assert_null(s->checks[2].when);
	assert_int_equal(s->checks[4].kind, CK_X509);
	assert_int_equal(s->checks[5].kind, CK_MANUAL);
	assert_string_equal(s->checks[5].text, "Look at it");
	assert_int_equal(rb->nsteps, 1);
	assert_int_equal(strlen(rb->hash), 64);
	runbook_free(rb);
}

/* The sip check: its fields, and fix classes by final status. */
static void
test_loader_sip_check(void **state)
{
	struct runbook		*rb;
	const struct rb_check	*c;
	const char		*text = RB_HEAD
	    "vars:\n"
	    "  - { name: imp, prompt: I, type: fqdn }\n"
	    "  - { name: cert, prompt: C, type: path }\n"
	    "  - { name: dom, prompt: D, type: fqdn }\n"
	    "procedures:\n"
	    "  - id: fed\n    title: Fed\n"
	    "    steps:\n"
	    "      - do: Test it\n"
	    "        check:\n"
	    "          sip:\n"
	    "            host: '${imp}'\n"
	    "            port: 5062\n"
	    "            name: '${imp}'\n"
	    "            ca: ca.p7b\n"
	    "            client_cert: '${cert}'\n"
	    "            client_key: '${cert}.key'\n"
	    "            from: 'sip:fedwiz@${dom}'\n"
	    "            to: 'sip:${imp}'\n"
	    "            status: 200, 202\n"
	    "            min: tls1.2\n"
	    "            eku: [serverAuth]\n"
	    "            fix:\n"
	    "              - { on: status_403, procedure: fed }\n"
	    "              - { on: timeout, procedure: fed }\n"
	    "              - { on: tls, procedure: fed }\n";

	(void)state;
	rb = rb_from(text);
	c = &runbook_proc(rb, "fed")->steps[0].checks[0];
	assert_int_equal(c->kind, CK_SIP);
	assert_string_equal(rb_check_kind_name(c->kind), "sip");
	assert_string_equal(c->host, "${imp}");
	assert_string_equal(c->port, "5062");
	assert_string_equal(c->cert_file, "${cert}");
	assert_string_equal(c->key_file, "${cert}.key");
	assert_string_equal(c->from, "sip:fedwiz@${dom}");
	assert_string_equal(c->to, "sip:${imp}");
	assert_string_equal(c->status, "200, 202");
	assert_string_equal(c->min, "tls1.2");
	assert_int_equal(c->eku.n, 1);
	assert_null(c->client_cert);
	assert_int_equal(c->nfixes, 3);
	assert_string_equal(c->fixes[0].on, "status_403");
	assert_string_equal(c->fixes[1].on, "timeout");
	runbook_free(rb);
}

/* A runbook shaped like bench/gen-runbook.awk's: procs procedures of ten
 * steps, ${vars} in every step, a command every third, an ssh check on
 * every other procedure. Its size in bytes. */
static size_t
write_large(const char *path, int procs)
{
	FILE	*fp;
	long	 size;
	int	 p, s;

	assert_non_null(fp = fopen(path, "w"));
	fputs("id: bench-large\ntitle: Large\nsource: generated\n"
	    "summary: many procedures\nvars:\n"
	    "  - { name: imp_fqdn, prompt: IMP, type: fqdn }\n"
	    "  - { name: peer_auth_port, prompt: Port, type: port }\n"
	    "  - { name: sip_domain, prompt: Domain, type: fqdn }\n"
	    "roles:\n"
	    "  - { id: lync_fe, title: FE, profile: windows, many: true }\n"
	    "procedures:\n", fp);
	for (p = 1; p <= procs; p++) {
		fprintf(fp, "  - id: proc-%d\n    title: Procedure number %d\n",
		    p, p);
		if (p % 2 == 0)
			fputs("    on: lync_fe\n", fp);
		if (p > 1)
			fprintf(fp, "    requires: [proc-%d]\n", p - 1);
		fputs("    intro: Complete it on ${sip_domain}.\n    steps:\n",
		    fp);
		for (s = 1; s <= 10; s++) {
			fprintf(fp, "      - do: Step %d of procedure %d, select "
			    "the route to ${imp_fqdn}.\n", s, p);
			if (s % 3 == 0)
				fputs("        command: New-CsStaticRoute "
				    "-TLSRoute -Destination ${imp_fqdn} -Port "
				    "${peer_auth_port} -MatchUri "
				    "*.${sip_domain}\n", fp);
			if (s == 10 && p % 2 == 0)
				fputs("        check:\n          ssh:\n"
				    "            command: Get-CsStaticRouting"
				    "Configuration\n"
				    "            regex: 'Port\\s*:\\s*"
				    "${peer_auth_port}'\n", fp);
		}
	}
	size = ftell(fp);
	assert_int_equal(fclose(fp), 0);
	return (size_t)size;
}

/* A line of /proc/self/status, in KiB. */
static long
proc_status_kib(const char *key)
{
	FILE	*fp;
	char	 line[256];
	long	 v = -1;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, strlen(key)) == 0 &&
		    line[strlen(key)] == ':')
			v = strtol(line + strlen(key) + 1, NULL, 10);
	fclose(fp);
	return v;
}

/*
 * Loading a large runbook takes less than 4x its size in memory: its YAML
 * tree is freed procedure by procedure as it is parsed, and plain values
 * stay in the file's bytes. The peak resident memory the load adds (VmHWM,
 * in a child of its own, whose mark starts at its size at fork), not any
 * time. Before: 6.6x the file; now about 3x. Sanitizer builds keep shadow
 * memory, so the figure means nothing there.
 */
static void
test_loader_large_file_under_4x_its_size(void **state)
{
	struct runbook	*rb;
	struct diags	 d;
	char		 path[] = "/tmp/fedwiz-large-XXXXXX";
	size_t		 size;
	long		 before, after;
	pid_t		 pid;
	int		 fd, status;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	skip();
#endif
	assert_true((fd = mkstemp(path)) != -1);
	close(fd);
	size = write_large(path, 5000);
	assert_true(size > 4 * 1024 * 1024);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		diags_init(&d);
		before = proc_status_kib("VmHWM");
		if (before <= 0 || runbook_load(path, &rb, &d) == -1) {
			diags_print(&d, stderr);
			_exit(3);
		}
		after = proc_status_kib("VmHWM");
		fprintf(stderr, "loading %zu bytes added %ld KiB at peak "
		    "(%.2fx the file)\n", size, after - before,
		    (double)(after - before) * 1024 / (double)size);
		/* Something was measured at all: the model itself is about
		 * twice the file. */
		if ((after - before) * 1024 < (long)size)
			_exit(4);
		_exit((after - before) * 1024 < 4 * (long)size ? 0 : 5);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(path);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int
take_item(void *ctx, struct ydoc *doc, const struct ynode *root,
    struct ynode *item)
{
	int	*n = ctx;

	(void)doc;
	assert_non_null(ymap_get(root, "id"));
	assert_int_equal(item->kind, Y_MAP);
	assert_non_null(ymap_get(item, "title"));
	(*n)++;
	return *n > 0;
}

static int
keep_item(void *ctx, struct ydoc *doc, const struct ynode *root,
    struct ynode *item)
{
	(void)doc;
	(void)root;
	(void)item;
	(*(int *)ctx)++;
	return 0;
}

/* ydoc hands each item of the named list over as it ends; a used item's
 * nodes are freed (the memory does not grow with the list), a kept one
 * stays in the tree. */
static void
test_loader_items_freed_as_parsed(void **state)
{
	struct ydoc_opts	 opts;
	struct ydoc		*doc;
	struct diags		 d;
	struct buf		 b;
	size_t			 i;
	int			 n;

	(void)state;
	buf_init(&b);
	buf_adds(&b, "id: x\nprocedures:\n");
	for (i = 0; i < 3000; i++)
		buf_printf(&b, "  - id: p%zu\n    title: Procedure %zu\n"
		    "    steps: [ { do: one }, { do: two } ]\n", i, i);
	buf_adds(&b, "after: 1\n");
	diags_init(&d);

	memset(&opts, 0, sizeof(opts));
	opts.key = "procedures";
	opts.item = take_item;
	opts.ctx = &n;
	n = 0;
	assert_int_equal(ydoc_parse_opts("t.yaml", b.s, b.len, &opts, &doc,
	    &d), 0);
	assert_int_equal(n, 3000);
	assert_int_equal(ymap_get(doc->root, "procedures")->n, 0);
	assert_non_null(ymap_get(doc->root, "after"));
	/* 3,000 items of 11 nodes: 1.5 MB if they were kept. */
	assert_true(arena_size(doc->arena) + arena_size(doc->scratch) <
	    4 * 65536);
	ydoc_free(doc);

	opts.item = keep_item;
	n = 0;
	assert_int_equal(ydoc_parse_opts("t.yaml", b.s, b.len, &opts, &doc,
	    &d), 0);
	assert_int_equal(n, 1);		/* not asked again once kept */
	assert_int_equal(ymap_get(doc->root, "procedures")->n, 3000);
	assert_string_equal(ymap_get(ymap_get(doc->root,
	    "procedures")->items[2999], "title")->str, "Procedure 2999");
	ydoc_free(doc);
	assert_int_equal(d.n, 0);
	buf_free(&b);
}

/* A runbook loaded from a file keeps plain values in the file's bytes;
 * one parsed from the caller's bytes (a session's copy) leaves them as
 * they were. Messages inside the file still point at the right place. */
static void
test_loader_values_in_place(void **state)
{
	struct runbook		*rb;
	struct diags		 d;
	const struct rb_proc	*p;
	char			 path[] = "/tmp/fedwiz-inplace-XXXXXX", *copy;
	const char		*text = RB_HEAD
	    "vars:\n  - { name: v, prompt: V, type: fqdn }\n"
	    "procedures:\n"
	    "  - id: one\n    title: Plain title\n"
	    "    steps:\n"
	    "      - do: 'quoted ${v}'\n"
	    "      - do: plain ${v}\n"
	    "      - do: >\n          folded\n          ${v}\n";
	FILE			*fp;
	int			 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(fp = fdopen(fd, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	diags_init(&d);
	assert_int_equal(runbook_load(path, &rb, &d), 0);
	assert_non_null(rb->text);
	p = runbook_proc(rb, "one");
	assert_string_equal(p->title, "Plain title");
	assert_true(p->title > rb->text && p->title < rb->text +
	    strlen(text));
	assert_string_equal(p->steps[0].do_, "quoted ${v}");
	assert_string_equal(p->steps[1].do_, "plain ${v}");
	assert_true(p->steps[1].do_ > rb->text);
	assert_string_equal(p->steps[2].do_, "folded ${v}");
	runbook_free(rb);

	/* An error after values were ended in place: still located. */
	assert_non_null(fp = fopen(path, "a"));
	fputs("      - do: late ${nope}\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(runbook_load(path, &rb, &d), -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 16);
	assert_int_equal(d.v[0].col, 18);
	diags_free(&d);
	unlink(path);

	copy = xstrdup(text);
	rb = rb_from(copy);
	assert_memory_equal(copy, text, strlen(text) + 1);
	assert_null(rb->text);
	runbook_free(rb);
	free(copy);
}

/*
 * libyaml's marks count characters, not bytes: after the first UTF-8
 * character a mark is no offset into the file. Values before it (in
 * chunks read earlier) may stay in place; every value after it is copied,
 * and all of them are exact.
 */
static void
test_loader_values_after_utf8_exact(void **state)
{
	struct runbook		*rb;
	struct diags		 d;
	const struct rb_proc	*p;
	char			 path[] = "/tmp/fedwiz-utf8-XXXXXX", want[64];
	FILE			*fp;
	size_t			 i, len;
	int			 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(fp = fdopen(fd, "w"));
	fputs(RB_HEAD "roles:\n  - { id: fe, title: F, profile: windows }\n"
	    "vars:\n  - { name: v, prompt: V, type: fqdn }\n"
	    "procedures:\n  - id: one\n    title: First\n    steps:\n", fp);
	/* 40 KB of ASCII steps, then a UTF-8 one, then ASCII again. */
	for (i = 0; i < 1000; i++)
		fprintf(fp, "      - do: ascii step %zu ${v}\n", i);
	fputs("      - do: caf\xc3\xa9 \xe2\x80\x93 ${v}\n", fp);
	for (i = 0; i < 1000; i++)
		fprintf(fp, "      - do: after %zu ${v}\n", i);
	/* Twelve bytes more than characters so far (3 above, 9 here): a
	 * mark taken for an offset would find "one" (column 9, 3 bytes)
	 * ended by the newline before its line, and take the wrong bytes. */
	fputs("  - id: two\n    title: \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\n"
	    "    steps: [ { do: x } ]\n    requires:\n      - one\n", fp);
	assert_int_equal(fclose(fp), 0);
	diags_init(&d);
	assert_int_equal(runbook_load(path, &rb, &d), 0);
	p = runbook_proc(rb, "one");
	assert_int_equal(p->nsteps, 2001);
	len = strlen(p->title);
	assert_int_equal(len, 5);
	/* The first values were read before any UTF-8: in place. */
	assert_true(p->steps[0].do_ > rb->text &&
	    p->steps[0].do_ < rb->text + 1024);
	for (i = 0; i < 1000; i++) {
		snprintf(want, sizeof(want), "ascii step %zu ${v}", i);
		assert_string_equal(p->steps[i].do_, want);
	}
	assert_string_equal(p->steps[1000].do_,
	    "caf\xc3\xa9 \xe2\x80\x93 ${v}");
	for (i = 0; i < 1000; i++) {
		snprintf(want, sizeof(want), "after %zu ${v}", i);
		assert_string_equal(p->steps[1001 + i].do_, want);
	}
	p = runbook_proc(rb, "two");
	assert_int_equal(p->requires.n, 1);
	assert_string_equal(p->requires.v[0], "one");
	runbook_free(rb);
	diags_free(&d);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_good_files_load),
		cmocka_unit_test(test_loader_bad_files_fail_located),
		cmocka_unit_test(test_loader_positions_inside_values),
		cmocka_unit_test(test_loader_limits_hold),
		cmocka_unit_test(test_loader_rejects_binary_and_nul),
		cmocka_unit_test(test_loader_model_is_complete),
		cmocka_unit_test(test_loader_sip_check),
		cmocka_unit_test(test_loader_large_file_under_4x_its_size),
		cmocka_unit_test(test_loader_items_freed_as_parsed),
		cmocka_unit_test(test_loader_values_in_place),
		cmocka_unit_test(test_loader_values_after_utf8_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
