/*
 * ask_driver: the SSH engine's asynchronous questions (cb.ask) against
 * real sshds, the way the wizard's controller uses them. Run by
 * tests/ssh/ask-async.sh, which starts the servers and checks what they
 * saw; this side checks what the engine did:
 *
 *   ask_driver SCENARIO KNOWN_HOSTS PORT_A KEY_A PORT_B KEY_B [SECRET]
 *
 * Host A is the one that asks (its key is not in KNOWN_HOSTS, or its key
 * file needs a passphrase, or it is an ASA that wants an enable secret);
 * host B is known and runs a command that streams a line every 100 ms
 * for two seconds. The login deadline is 6 s (room for a loaded machine
 * and the sanitizers: the passphrase's bcrypt KDF is slow there), so an
 * answer given 7 s after it was asked proves the deadline stood still
 * while a person read.
 *
 *   refuse     A's host key question is left unanswered while B streams
 *              and completes; then refused: A ends with "host key".
 *   late       A's host key (once) and the passphrase of KEY_A are
 *              answered 7 s after each is asked: A logs in and runs.
 *   immediate  both answered from inside the ask callback, the key
 *              always (recorded in KNOWN_HOSTS).
 *   none       the passphrase answered with none: A fails to log in.
 *   enable     A is an ASA (cisco-asa profile) whose enable secret is
 *              SECRET, answered 7 s late; its command runs in
 *              privileged mode.
 *   sync       no cb.ask: the synchronous callbacks answer (once, and
 *              the passphrase), as the headless commands use them.
 *
 * Prints what happened, one line per fact; exits 1 at the first fact that
 * is wrong, saying which.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "profile.h"
#include "ssh.h"
#include "util.h"

#define ANSWER_LATE_MS	7000

struct host_run {
	const char		*name;
	int			 done;
	enum ssh_status		 status;
	char			*output;
	char			*message;
	size_t			 chunks;	/* output callbacks */
	size_t			 chunks_asking;	/* ... while A's question waited */
};

struct driver {
	const char		*scenario;
	const char		*secret;
	struct evloop		*ev;
	struct ssh_engine	*eng;
	struct host_run		 a, b;
	uint64_t		 qid;		/* A's question waiting */
	enum ssh_question_kind	 qkind;
	size_t			 asked_hostkey;
	size_t			 asked_secret;
	char			 secret_kind[32];
	char			 prompt[512];
	int			 b_done_while_asking;
};

static void
bad(const char *fmt, ...)
{
	va_list	ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void
answer(struct driver *dr)
{
	int	rc;

	if (dr->qkind == SSHQ_HOSTKEY)
		rc = ssh_answer_hostkey(dr->eng, dr->qid,
		    strcmp(dr->scenario, "refuse") == 0 ? HKA_REFUSE :
		    strcmp(dr->scenario, "immediate") == 0 ? HKA_ALWAYS :
		    HKA_ONCE);
	else
		rc = ssh_answer_secret(dr->eng, dr->qid,
		    strcmp(dr->scenario, "none") == 0 ? NULL : dr->secret);
	if (rc != 0)
		bad("the answer to question %llu was not taken",
		    (unsigned long long)dr->qid);
	/* Asked once, answered once: a second answer is not kept. */
	if (ssh_answer_hostkey(dr->eng, dr->qid, HKA_ALWAYS) != -1 ||
	    ssh_answer_secret(dr->eng, dr->qid, "x") != -1)
		bad("a second answer to question %llu was taken",
		    (unsigned long long)dr->qid);
	printf("answered %s question %llu\n", dr->qkind == SSHQ_HOSTKEY ?
	    "host key" : "secret", (unsigned long long)dr->qid);
	dr->qid = 0;
}

static void
on_late(struct evloop *ev, void *arg)
{
	(void)ev;
	answer(arg);
}

static void
on_ask(void *ctx, const struct ssh_question *q)
{
	struct driver	*dr = ctx;

	if (q->id == 0 || strcmp(q->target->name, "A") != 0)
		bad("a question from %s (id %llu)", q->target->name,
		    (unsigned long long)q->id);
	if (dr->qid != 0)
		bad("a second question while one waits");
	dr->qid = q->id;
	dr->qkind = q->kind;
	if (q->kind == SSHQ_HOSTKEY) {
		dr->asked_hostkey++;
		if (q->fingerprint == NULL ||
		    strncmp(q->fingerprint, "SHA256:", 7) != 0 ||
		    q->keytype == NULL || q->hostname == NULL ||
		    strstr(q->hostname, "127.0.0.1") == NULL)
			bad("host key question without its facts");
		printf("asked: host key %s %s %s\n", q->hostname, q->keytype,
		    q->fingerprint);
	} else {
		dr->asked_secret++;
		snprintf(dr->secret_kind, sizeof(dr->secret_kind), "%s",
		    q->secret_kind);
		snprintf(dr->prompt, sizeof(dr->prompt), "%s", q->prompt);
		printf("asked: secret %s (%s)\n", q->secret_kind, q->prompt);
	}
	if (ssh_questions(dr->eng) != 1)
		bad("ssh_questions says %zu, wanted 1",
		    ssh_questions(dr->eng));
	if (strcmp(dr->scenario, "immediate") == 0)
		answer(dr);
	else if (strcmp(dr->scenario, "refuse") != 0)
		evloop_timer(dr->ev, ANSWER_LATE_MS, on_late, dr);
}

/* The synchronous callbacks of the headless commands. */
static int
on_secret(void *ctx, const struct ssh_target *t, const char *kind,
    const char *prompt, char *buf, size_t len)
{
	struct driver	*dr = ctx;

	(void)t;
	(void)prompt;
	dr->asked_secret++;
	snprintf(dr->secret_kind, sizeof(dr->secret_kind), "%s", kind);
	snprintf(buf, len, "%s", dr->secret);
	return 0;
}

static enum hostkey_answer
on_hostkey(void *ctx, const struct ssh_target *t, const char *hostname,
    const char *type, const char *fp)
{
	struct driver	*dr = ctx;

	(void)t;
	(void)hostname;
	(void)type;
	(void)fp;
	dr->asked_hostkey++;
	return HKA_ONCE;
}

static void
on_output(void *ctx, void *arg, const char *p, size_t n)
{
	struct driver	*dr = ctx;
	struct host_run	*h = arg;

	(void)p;
	(void)n;
	h->chunks++;
	if (dr->qid != 0)
		h->chunks_asking++;
}

static void
on_done(void *arg, const struct ssh_target *t, const struct ssh_result *r)
{
	struct host_run	*h = arg;

	(void)t;
	h->done = 1;
	h->status = r->status;
	h->output = xstrndup(r->output, r->len);
	h->message = xstrdup(r->message);
	printf("done: %s %s%s%s\n", h->name, ssh_status_name(r->status),
	    *r->message ? ": " : "", r->message);
}

static void
on_b_done(void *arg, const struct ssh_target *t, const struct ssh_result *r)
{
	struct driver	*dr = (struct driver *)((char *)arg -
			    offsetof(struct driver, b));

	on_done(arg, t, r);
	dr->b_done_while_asking = dr->qid != 0;
}

int
main(int argc, char **argv)
{
	struct driver		 dr;
	struct ssh_opts		 o;
	struct ssh_target	 ta, tb;
	const char		*sc;
	int64_t			 end;
	int			 armed;

	if (argc < 7) {
		fprintf(stderr, "usage: ask_driver SCENARIO KNOWN_HOSTS PORT_A "
		    "KEY_A PORT_B KEY_B [SECRET]\n");
		return 2;
	}
	memset(&dr, 0, sizeof(dr));
	sc = dr.scenario = argv[1];
	dr.secret = argc > 7 ? argv[7] : "correct horse";
	dr.a.name = "A";
	dr.b.name = "B";
	dr.ev = evloop_new();
	ssh_opts_default(&o);
	o.known_hosts = argv[2];
	o.policy = HKP_ASK;
	o.login_ms = 6000;
	o.first_prompt_ms = 6000;
	o.idle_ms = 10000;
	o.cb.ctx = &dr;
	o.cb.output = on_output;
	if (strcmp(sc, "sync") == 0) {
		o.cb.secret = on_secret;
		o.cb.hostkey = on_hostkey;
	} else
		o.cb.ask = on_ask;
	dr.eng = ssh_engine_new(dr.ev, &o);

	memset(&ta, 0, sizeof(ta));
	ta.name = "A";
	ta.address = "127.0.0.1";
	ta.port = atoi(argv[3]);
	ta.user = getenv("USER") ? getenv("USER") : "root";
	ta.identity = argv[4];
	ta.profile = profile_find(strcmp(sc, "enable") == 0 ? "cisco-asa" :
	    "linux");
	tb = ta;
	tb.name = "B";
	tb.port = atoi(argv[5]);
	tb.identity = argv[6];
	tb.profile = profile_find("linux");
	ssh_run(dr.eng, &ta, strcmp(sc, "enable") == 0 ? "show pager" :
	    "echo A-ran", on_done, &dr.a);
	ssh_run(dr.eng, &tb, "i=0; while [ $i -lt 20 ]; do echo line $i; "
	    "sleep 0.1; i=$((i + 1)); done", on_b_done, &dr.b);

	end = evloop_now() + 60000;
	armed = 0;
	while ((!dr.a.done || !dr.b.done) && evloop_now() < end) {
		evloop_once(dr.ev, 1000);
		/* refuse: answered only once B is done, and a while after
		 * the login deadline would have passed. */
		if (strcmp(sc, "refuse") == 0 && dr.b.done && dr.qid != 0 &&
		    !armed) {
			evloop_timer(dr.ev, ANSWER_LATE_MS, on_late, &dr);
			armed = 1;
		}
	}
	if (!dr.a.done || !dr.b.done)
		bad("not done within 60 s (A %d, B %d, questions %zu)",
		    dr.a.done, dr.b.done, ssh_questions(dr.eng));
	if (ssh_questions(dr.eng) != 0)
		bad("%zu questions still counted", ssh_questions(dr.eng));

	/* B streamed and completed whatever A waited for. */
	if (dr.b.status != SSH_OK || strstr(dr.b.output, "line 19") == NULL)
		bad("B: %s, output %s", ssh_status_name(dr.b.status),
		    dr.b.output);
	printf("B output chunks: %zu, while A's question waited: %zu\n",
	    dr.b.chunks, dr.b.chunks_asking);

	if (strcmp(sc, "refuse") == 0) {
		if (!dr.b_done_while_asking || dr.b.chunks_asking < 5)
			bad("B did not stream and complete while A's question "
			    "waited");
		if (dr.a.status != SSH_E_HOSTKEY)
			bad("A refused: %s (%s), wanted host key",
			    ssh_status_name(dr.a.status), dr.a.message);
	} else if (strcmp(sc, "late") == 0 || strcmp(sc, "immediate") == 0 ||
	    strcmp(sc, "sync") == 0) {
		if (dr.asked_hostkey != 1 || dr.asked_secret != 1 ||
		    strcmp(dr.secret_kind, "passphrase") != 0)
			bad("asked %zu host keys, %zu secrets (%s)",
			    dr.asked_hostkey, dr.asked_secret, dr.secret_kind);
		if (strcmp(sc, "sync") != 0 && strstr(dr.prompt, argv[4]) ==
		    NULL)
			bad("the passphrase prompt does not name the key: %s",
			    dr.prompt);
		if (dr.a.status != SSH_OK || strstr(dr.a.output, "A-ran") ==
		    NULL)
			bad("A: %s (%s) output %s", ssh_status_name(
			    dr.a.status), dr.a.message, dr.a.output);
		if (strcmp(sc, "late") == 0 && dr.b.chunks_asking < 5)
			bad("B did not stream while A's questions waited");
	} else if (strcmp(sc, "none") == 0) {
		if (dr.a.status != SSH_E_AUTH ||
		    strstr(dr.a.message, "none given") == NULL)
			bad("A with no passphrase: %s (%s)",
			    ssh_status_name(dr.a.status), dr.a.message);
	} else if (strcmp(sc, "enable") == 0) {
		if (dr.asked_secret != 1 || strcmp(dr.secret_kind, "enable") !=
		    0)
			bad("asked %zu secrets (%s)", dr.asked_secret,
			    dr.secret_kind);
		if (dr.a.status != SSH_OK || strstr(dr.a.output, "pager") ==
		    NULL)
			bad("A: %s (%s) output %s", ssh_status_name(
			    dr.a.status), dr.a.message, dr.a.output);
	} else
		bad("no scenario %s", sc);
	printf("ok: %s\n", sc);
	ssh_engine_free(dr.eng);
	evloop_free(dr.ev);
	free(dr.a.output);
	free(dr.a.message);
	free(dr.b.output);
	free(dr.b.message);
	return 0;
}
