/*
 * ssh.c: the SSH engine. Each host has one connection, a state machine
 * driven from the event loop: every libssh2 call is non-blocking, and on
 * LIBSSH2_ERROR_EAGAIN the same call is retried when the socket is ready
 * in the direction libssh2_session_block_directions() names (the way the
 * library's own examples wait, without their busy loops).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh2.h>
#include <openssl/evp.h>

#include "clean.h"
#include "evloop.h"
#include "fileio.h"
#include "hostkeys.h"
#include "profile.h"
#include "prompt.h"
#include "resolve.h"
#include "secret.h"
#include "ssh.h"
#include "util.h"

enum cstate {
	C_QUEUED,		/* waiting for a free slot (max_conns, or the
				   profile's sessions per device) */
	C_CONNECT,
	C_RESOLVE,		/* the name is being looked up, off the loop */
	C_HANDSHAKE,
	C_HOSTKEY,
	C_AUTH_LIST,
	C_AUTH_NEXT,		/* choose the next method */
	C_AUTH_AGENT,
	C_AUTH_KEY,
	C_AUTH_PASSWORD,
	C_AUTH_KBDINT,
	C_READY,		/* logged in: start the next command */
	C_EXEC_OPEN,
	C_EXEC_START,
	C_EXEC_READ,
	C_EXEC_CLOSE,
	C_SHELL_OPEN,
	C_SHELL_PTY,
	C_SHELL_START,
	C_SHELL_WAIT,		/* read until the device waits for input */
	C_IDLE,			/* nothing queued */
	C_DEAD
};

/* What a shell step expects, once C_SHELL_WAIT sees the device wait. */
enum shell_goal {
	SG_BANNER,		/* the first prompt after login */
	SG_ENABLE,		/* ASA: after "enable" */
	SG_ENABLE_SECRET,	/* ASA: after the enable secret */
	SG_SETUP,		/* after a paging command */
	SG_COMMAND		/* after a command of ours */
};

enum step_rc {
	S_NEXT,			/* state changed, go on */
	S_AGAIN,		/* libssh2 would block: wait on the socket */
	S_WAIT,			/* nothing to do until an event */
	S_STOP			/* the connection is gone */
};

struct cmd {
	struct cmd	*next;
	char		*command;
	int64_t		 limit_ms;	/* its total (0: the engine's) */
	int64_t		 started;	/* on the device; 0: not yet */
	int64_t		 last_out;	/* when output last came; 0: none */
	ssh_done_fn	 done;
	void		*arg;
	int64_t		 queued;
	struct buf	 out;
	struct buf	 err;
	size_t		 total;
	int		 truncated;
	EVP_MD_CTX	*md;
	int		 exit_status;
	char		*device_error;
};

struct conn {
	struct conn		*next;
	struct ssh_engine	*eng;
	/* the target, owned */
	struct ssh_target	 t;
	char			*name;
	char			*address;
	char			*user;
	char			*identity;
	char			 hostname[300];	/* as known_hosts names it */

	enum cstate		 state;
	int			 fd;
	struct resolve		*res;
	int64_t			 connect_by;	/* resolved and connected */
	struct addrinfo		*ai;
	struct addrinfo		*aicur;
	LIBSSH2_SESSION		*s;
	LIBSSH2_CHANNEL		*ch;
	uint64_t		 deadline;	/* timer id; 0: none */
	int64_t			 deadline_at;	/* when it fires */
	int64_t			 deadline_ms;	/* its length, for messages */
	uint64_t		 limit;		/* the running command's total */
	int64_t			 limit_left;	/* parked: its time left */
	uint64_t		 keepalive;
	uint64_t		 kick;		/* a drive() queued from ssh_run */

	/* authentication */
	char			*methods;
	LIBSSH2_AGENT		*agent;
	struct libssh2_agent_publickey *agent_id;
	int			 tried_agent;
	char			*keys[4];
	size_t			 nkeys;
	size_t			 key;
	int			 key_secret;	/* asked for this key's passphrase */
	int			 key_asking;	/* its passphrase is being asked */
	int			 tried_password;
	int			 tried_kbdint;
	char			 secret[SSH_SECRET_MAX];
	int			 have_secret;
	int			 rsa_refused;
	struct buf		 tried;

	/* shell profiles */
	enum shell_goal		 goal;
	struct buf		 raw;		/* since the last line we sent,
						   up to the output cap */
	int			 raw_cut;	/* raw reached the cap: keeps
						   nothing more till reset */
	const char		*echo;		/* the line sent, whose echo a
						   prompt must follow; NULL:
						   none expected (a secret) */
	int			 echo_seen;
	size_t			 echo_scan;	/* raw searched for it so far */
	struct buf		 tail;		/* its last bytes, cap or not:
						   where the prompt shows */
	struct buf		 wbuf;		/* to write */
	size_t			 woff;
	int			 shell_open;
	char			 mode;		/* ASA '>' '#' */

	/* A question to a person (cb.ask): while q_id is set and no answer
	 * is in, the connection is parked: no deadline, no reads. */
	uint64_t		 q_id;
	int			 q_answered;
	enum ssh_question_kind	 q_kind;
	enum hostkey_answer	 q_hostkey;
	int			 q_secret;	/* a secret was given (in secret) */
	int64_t			 q_left;	/* the deadline's time left; 0 */

	struct cmd		*head;		/* queued, head running */
	struct cmd		*last;
	char			 why[1024];	/* the last failure, in words */
};

struct ssh_engine {
	struct evloop	*ev;
	struct ssh_opts	 o;
	struct conn	*conns;
	size_t		 pending;
	uint64_t	 next_question;
	size_t		 questions;	/* asked, not answered */
	uint64_t	 wake;		/* a wake_queued() due from the loop */
	int		 waking;	/* in wake_queued */
	int		 stopping;	/* in ssh_engine_free */
};

static int	libssh2_users;

static void	drive(struct conn *);
static void	kick(struct evloop *, void *);
static void	wake_queued(struct ssh_engine *);
static void	wake_soon(struct ssh_engine *);
static void	conn_fail(struct conn *, enum ssh_status, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

void
ssh_opts_default(struct ssh_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->policy = HKP_STRICT;
	o->connect_ms = 10 * 1000;
	o->login_ms = 30 * 1000;
	o->idle_ms = 60 * 1000;
	/* An IM and Presence node can take a minute before "admin:". */
	o->first_prompt_ms = 60 * 1000;
	/* Longer than any show command or cmdlet a check runs; short enough
	 * that an endless stream or pager cannot hold a window's checks. */
	o->command_ms = 5 * 60 * 1000;
	o->keepalive_s = 30;
	o->output_cap = 16u * 1024 * 1024;
	o->max_conns = 64;
}

const char *
ssh_status_name(enum ssh_status s)
{
	switch (s) {
	case SSH_OK:
		return "ok";
	case SSH_E_CONNECT:
		return "unreachable";
	case SSH_E_TIMEOUT:
		return "timeout";
	case SSH_E_HOSTKEY:
		return "host key";
	case SSH_E_AUTH:
		return "authentication";
	case SSH_E_PROTOCOL:
		return "ssh";
	}
	return "?";
}

/* Engine. */

struct ssh_engine *
ssh_engine_new(struct evloop *ev, const struct ssh_opts *o)
{
	struct ssh_engine	*e;

	if (libssh2_users++ == 0 && libssh2_init(0) != 0)
		fatal("libssh2: cannot initialise");
	e = xcalloc(1, sizeof(*e));
	e->ev = ev;
	e->o = *o;
	return e;
}

static void	conn_free(struct conn *);

void
ssh_engine_free(struct ssh_engine *e)
{
	struct conn	*c;

	if (e == NULL)
		return;
	e->stopping = 1;
	e->waking = 1;		/* nothing is started any more */
	while ((c = e->conns) != NULL) {
		conn_fail(c, SSH_E_PROTOCOL, "fedwiz is stopping");
		conn_free(c);
	}
	if (e->wake != 0)
		evloop_timer_del(e->ev, e->wake);
	free(e);
	if (--libssh2_users == 0)
		libssh2_exit();
}

size_t
ssh_pending(const struct ssh_engine *e)
{
	return e->pending;
}

/* Commands. */

static struct cmd *
cmd_new(const char *command, int64_t limit_ms, ssh_done_fn done, void *arg)
{
	struct cmd	*m = xcalloc(1, sizeof(*m));

	m->command = xstrdup(command);
	m->limit_ms = limit_ms;
	m->done = done;
	m->arg = arg;
	m->queued = evloop_now();
	m->exit_status = -1;
	buf_init(&m->out);
	buf_init(&m->err);
	if ((m->md = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(m->md, EVP_sha256(), NULL))
		fatal("OpenSSL: sha256 unavailable");
	return m;
}

static void
cmd_free(struct cmd *m)
{
	if (m == NULL)
		return;
	free(m->command);
	buf_free(&m->out);
	buf_free(&m->err);
	EVP_MD_CTX_free(m->md);
	free(m->device_error);
	free(m);
}

/* Keep output up to the cap; hash all of it. */
static void
cmd_take(struct conn *c, struct cmd *m, struct buf *b, const char *p,
    size_t n)
{
	size_t	cap = c->eng->o.output_cap, room;

	EVP_DigestUpdate(m->md, p, n);
	m->total += n;
	m->last_out = evloop_now();
	if (c->eng->o.cb.output != NULL)
		c->eng->o.cb.output(c->eng->o.cb.ctx, m->arg, p, n);
	room = m->out.len + m->err.len < cap ? cap - m->out.len - m->err.len :
	    0;
	if (n > room) {
		m->truncated = 1;
		n = room;
	}
	if (n > 0)
		buf_add(b, p, n);
}

/* Hand the head command its result and drop it from the queue. */
static void
cmd_finish(struct conn *c, enum ssh_status st, const char *msg)
{
	struct cmd		*m = c->head;
	struct ssh_result	 r;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;

	if (m == NULL)
		return;
	if (c->limit != 0) {
		evloop_timer_del(c->eng->ev, c->limit);
		c->limit = 0;
	}
	c->head = m->next;
	if (c->head == NULL)
		c->last = NULL;
	memset(&r, 0, sizeof(r));
	r.status = st;
	r.exit_status = m->exit_status;
	r.output = m->out.s ? m->out.s : "";
	r.len = m->out.len;
	r.errout = m->err.s ? m->err.s : "";
	r.errlen = m->err.len;
	r.total = m->total;
	r.truncated = m->truncated;
	EVP_DigestFinal_ex(m->md, md, &mdlen);
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(r.sha256 + 2 * i, 3, "%02x", md[i]);
	r.device_error = m->device_error;
	r.message = msg ? msg : "";
	r.ms = evloop_now() - m->queued;
	c->eng->pending--;
	m->done(m->arg, &c->t, &r);
	cmd_free(m);
}

/* Deadlines. */

/* "5 min", "60 s", "0.5 s": a limit as a message says it. */
static const char *
dur(int64_t ms, char *buf, size_t len)
{
	if (ms >= 60000 && ms % 60000 == 0)
		snprintf(buf, len, "%lld min", (long long)ms / 60000);
	else if (ms % 1000 == 0)
		snprintf(buf, len, "%lld s", (long long)ms / 1000);
	else
		snprintf(buf, len, "%.1f s", (double)ms / 1000);
	return buf;
}

static void	on_limit(struct evloop *, void *);

/* The head command starts on the device: its total limit with it. */
static void
limit_start(struct conn *c)
{
	struct cmd	*m = c->head;
	int64_t		 ms = m->limit_ms > 0 ? m->limit_ms :
			    c->eng->o.command_ms;

	m->started = evloop_now();
	if (c->limit != 0)
		evloop_timer_del(c->eng->ev, c->limit);
	c->limit = ms > 0 ? evloop_timer(c->eng->ev, ms, on_limit, c) : 0;
}

static void
on_limit(struct evloop *ev, void *arg)
{
	struct conn	*c = arg;
	struct cmd	*m = c->head;
	char		 d[32], *text, *out;
	size_t		 n, outlen;

	(void)ev;
	c->limit = 0;
	if (m == NULL)
		return;
	/* A CLI's output is cut at its prompt, which never came: what came
	 * so far is the evidence of what the device was doing. */
	if (c->t.profile->channel == CHAN_SHELL && m->out.len == 0 &&
	    c->raw.len > 0) {
		text = clean_term(c->raw.s, c->raw.len, &n);
		out = prompt_output(c->t.profile, text, n, m->command, NULL,
		    &outlen);
		buf_add(&m->out, out, outlen);
		free(out);
		free(text);
	}
	/* Silent as long as the idle deadline allows, too (--timeout sets
	 * both alike): silence is the better word for it. */
	if (evloop_now() - (m->last_out ? m->last_out : m->started) >=
	    c->eng->o.idle_ms) {
		conn_fail(c, SSH_E_TIMEOUT, "no output for %s while running "
		    "'%s'", dur(c->eng->o.idle_ms, d, sizeof(d)), m->command);
		conn_free(c);
		return;
	}
	dur(m->limit_ms > 0 ? m->limit_ms : c->eng->o.command_ms, d,
	    sizeof(d));
	if (m->total == 0)
		conn_fail(c, SSH_E_TIMEOUT, "'%s' was stopped at its total "
		    "limit of %s, with no output yet; if the command is only "
		    "slow, raise the limit (--timeout S, or timeout: in the "
		    "check)", m->command, d);
	else
		conn_fail(c, SSH_E_TIMEOUT, "'%s' was stopped at its total "
		    "limit of %s, %zu bytes of output by then: a device that "
		    "prints for ever (a stream, a pager answered again and "
		    "again) cannot hold a check; if the command is only slow, "
		    "raise the limit (--timeout S, or timeout: in the check)",
		    m->command, d, m->total);
	conn_free(c);
}

static void
on_deadline(struct evloop *ev, void *arg)
{
	struct conn	*c = arg;
	char		 d[32];

	(void)ev;
	c->deadline = 0;
	dur(c->deadline_ms, d, sizeof(d));
	switch (c->state) {
	case C_CONNECT:
		conn_fail(c, SSH_E_TIMEOUT, "no answer from %s port %d within "
		    "%s while connecting", c->address, c->t.port, d);
		break;
	case C_SHELL_WAIT:
		if (c->goal == SG_COMMAND)
			conn_fail(c, SSH_E_TIMEOUT, "no output for %s while "
			    "running '%s' (and no prompt after it)", d,
			    c->head ? c->head->command : "?");
		else
			conn_fail(c, SSH_E_TIMEOUT, "no %s prompt within %s "
			    "of logging in (a %s can take a minute to start: "
			    "the wait can be raised)", c->t.profile->name, d,
			    c->t.profile->title);
		break;
	case C_EXEC_READ:
		conn_fail(c, SSH_E_TIMEOUT, "no output for %s while running "
		    "'%s'", d, c->head ? c->head->command : "?");
		break;
	case C_EXEC_OPEN:
	case C_EXEC_START:
	case C_EXEC_CLOSE:
	case C_SHELL_OPEN:
	case C_SHELL_PTY:
	case C_SHELL_START:
		conn_fail(c, SSH_E_TIMEOUT, "%s did not open a channel within "
		    "%s", c->name, d);
		break;
	default:
		conn_fail(c, SSH_E_TIMEOUT, "logging in to %s took longer than "
		    "%s (the server accepted the connection but did not "
		    "complete the SSH exchange)", c->address, d);
		break;
	}
	conn_free(c);
}

static void
arm(struct conn *c, int64_t ms)
{
	if (c->deadline != 0)
		evloop_timer_del(c->eng->ev, c->deadline);
	c->deadline = ms > 0 ? evloop_timer(c->eng->ev, ms, on_deadline, c) : 0;
	c->deadline_at = ms > 0 ? evloop_now() + ms : 0;
	if (ms > 0 && c->q_id == 0)	/* not a parked one's time left */
		c->deadline_ms = ms;
}

/*
 * Questions to a person (cb.ask). Asking parks the connection: its
 * deadline stops (the time left is kept) and step() does nothing until
 * the answer is in; the answer wakes it from the loop, and the step that
 * asked runs again and takes the answer (q_take).
 */
static void
park(struct conn *c, enum ssh_question_kind kind, const char *keytype,
    const char *fp, const char *secret_kind, const char *prompt)
{
	struct ssh_engine	*e = c->eng;
	struct ssh_question	 q;
	int64_t			 now = evloop_now();

	c->q_id = ++e->next_question;
	c->q_answered = 0;
	c->q_kind = kind;
	c->q_hostkey = HKA_REFUSE;
	c->q_secret = 0;
	c->q_left = c->deadline != 0 ? (c->deadline_at > now ?
	    c->deadline_at - now : 1) : 0;
	arm(c, 0);
	/* A command's total too (none runs while questions are asked
	 * today: the login and the ASA's enable come before any). */
	c->limit_left = 0;
	if (c->limit != 0 && c->head != NULL && c->head->started != 0) {
		c->limit_left = (c->head->limit_ms > 0 ? c->head->limit_ms :
		    e->o.command_ms) - (now - c->head->started);
		if (c->limit_left < 1)
			c->limit_left = 1;
		evloop_timer_del(e->ev, c->limit);
		c->limit = 0;
	}
	e->questions++;
	memset(&q, 0, sizeof(q));
	q.id = c->q_id;
	q.kind = kind;
	q.target = &c->t;
	q.hostname = c->hostname;
	q.keytype = keytype;
	q.fingerprint = fp;
	q.known_hosts = e->o.known_hosts;
	q.secret_kind = secret_kind;
	q.prompt = prompt;
	e->o.cb.ask(e->o.cb.ctx, &q);
}

/* Whether an answer of this kind is in; it is then taken. */
static int
q_take(struct conn *c, enum ssh_question_kind kind)
{
	if (c->q_id == 0 || !c->q_answered || c->q_kind != kind)
		return 0;
	c->q_id = 0;
	c->q_answered = 0;
	return 1;
}

static struct conn *
asking(struct ssh_engine *e, uint64_t id, enum ssh_question_kind kind)
{
	struct conn	*c;

	if (id == 0)
		return NULL;
	for (c = e->conns; c != NULL; c = c->next)
		if (c->q_id == id && !c->q_answered && c->q_kind == kind &&
		    c->state != C_DEAD)
			return c;
	return NULL;
}

/* The answer is in: the deadline goes on where it stopped, and the
 * connection resumes from the loop. */
static void
unpark(struct conn *c)
{
	c->q_answered = 1;
	c->eng->questions--;
	if (c->q_left > 0)
		arm(c, c->q_left);
	if (c->limit_left > 0) {
		c->limit = evloop_timer(c->eng->ev, c->limit_left, on_limit, c);
		c->limit_left = 0;
	}
	if (c->kick == 0)
		c->kick = evloop_timer(c->eng->ev, 0, kick, c);
}

int
ssh_answer_hostkey(struct ssh_engine *e, uint64_t id, enum hostkey_answer a)
{
	struct conn	*c;

	if ((c = asking(e, id, SSHQ_HOSTKEY)) == NULL)
		return -1;
	c->q_hostkey = a;
	unpark(c);
	return 0;
}

int
ssh_answer_secret(struct ssh_engine *e, uint64_t id, const char *secret)
{
	struct conn	*c;

	if ((c = asking(e, id, SSHQ_SECRET)) == NULL)
		return -1;
	if (secret != NULL && strlen(secret) >= sizeof(c->secret))
		return -1;
	wipe(c->secret, sizeof(c->secret));
	if ((c->q_secret = secret != NULL)) {
		secret_protect();
		memcpy(c->secret, secret, strlen(secret) + 1);
	}
	unpark(c);
	return 0;
}

size_t
ssh_questions(const struct ssh_engine *e)
{
	return e->questions;
}

/* Failure: every queued command gets the same reason. */
static void
conn_fail(struct conn *c, enum ssh_status st, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	c->state = C_DEAD;
	while (c->head != NULL)
		cmd_finish(c, st, c->why);
}

/* Wipe a buffer's bytes, all it ever held, and free it. */
static void
buf_wipe_free(struct buf *b)
{
	if (b->s != NULL)
		wipe(b->s, b->cap);
	buf_free(b);
}

static void
conn_free(struct conn *c)
{
	struct ssh_engine	*e = c->eng;
	struct conn		**pp;
	size_t			 i;

	for (pp = &e->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (c->deadline != 0)
		evloop_timer_del(e->ev, c->deadline);
	if (c->limit != 0)
		evloop_timer_del(e->ev, c->limit);
	if (c->keepalive != 0)
		evloop_timer_del(e->ev, c->keepalive);
	if (c->kick != 0)
		evloop_timer_del(e->ev, c->kick);
	if (c->q_id != 0 && !c->q_answered)
		e->questions--;
	if (c->fd != -1)
		evloop_fd_del(e->ev, c->fd);
	resolve_cancel(c->res);
	/* The session goes blocking to close: a bounded exchange at most,
	 * and only on a connection that is being dropped anyway. */
	if (c->s != NULL) {
		libssh2_session_set_blocking(c->s, 1);
		libssh2_session_set_timeout(c->s, 2000);
		if (c->ch != NULL)
			libssh2_channel_free(c->ch);
		if (c->agent != NULL) {
			libssh2_agent_disconnect(c->agent);
			libssh2_agent_free(c->agent);
		}
		libssh2_session_disconnect(c->s, "fedwiz done");
		libssh2_session_free(c->s);
	}
	if (c->fd != -1)
		close(c->fd);
	if (c->ai != NULL)
		freeaddrinfo(c->ai);
	wipe(c->secret, sizeof(c->secret));
	free(c->name);
	free(c->address);
	free(c->user);
	free(c->identity);
	free(c->methods);
	for (i = 0; i < c->nkeys; i++)
		free(c->keys[i]);
	/* An enable secret went through wbuf; a device that echoed one
	 * would have left it in what it printed. */
	buf_wipe_free(&c->raw);
	buf_wipe_free(&c->tail);
	buf_wipe_free(&c->wbuf);
	buf_free(&c->tried);
	free(c);
	wake_queued(e);
}

/* libssh2's own words for its last error. */
static const char *
last_error(struct conn *c)
{
	char	*msg = NULL;

	if (c->s == NULL)
		return "no session";
	libssh2_session_last_error(c->s, &msg, NULL, 0);
	return msg != NULL && *msg != '\0' ? msg : "unknown error";
}

static enum step_rc
again_or_fail(struct conn *c, int rc, enum ssh_status st, const char *what)
{
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return S_AGAIN;
	conn_fail(c, st, "%s %s: %s", what, c->name, last_error(c));
	return S_STOP;
}

/*
 * libssh2's memory, wiped when freed: its packets carry the password and
 * the keyboard-interactive answers (which 1.10 frees as they are), the
 * key file's passphrase and the private key it opened.
 */
static LIBSSH2_ALLOC_FUNC(ssh_alloc)
{
	(void)abstract;
	return malloc(count);
}

static LIBSSH2_FREE_FUNC(ssh_free)
{
	(void)abstract;
	if (ptr != NULL)
		wipe(ptr, malloc_usable_size(ptr));
	free(ptr);
}

static LIBSSH2_REALLOC_FUNC(ssh_realloc)
{
	size_t	 old;
	void	*p;

	(void)abstract;
	if (ptr == NULL)
		return malloc(count);
	/* Moved by hand: realloc would free the old bytes unwiped. */
	if ((p = malloc(count)) == NULL)
		return NULL;
	old = malloc_usable_size(ptr);
	memcpy(p, ptr, old < count ? old : count);
	wipe(ptr, old);
	free(ptr);
	return p;
}

/* Connecting. */

/* The connect deadline covers resolving: the resolver gets all of it,
 * the connect what is left. */
static void
on_resolved(struct addrinfo *ai, int timedout, const char *error, void *arg)
{
	struct conn	*c = arg;
	int64_t		 left;

	c->res = NULL;
	if (ai == NULL) {
		conn_fail(c, timedout ? SSH_E_TIMEOUT : SSH_E_CONNECT, "%s",
		    error);
		conn_free(c);
		return;
	}
	c->ai = c->aicur = ai;
	c->state = C_CONNECT;
	left = c->connect_by - evloop_now();
	arm(c, left > 0 ? left : 1);
	c->deadline_ms = c->eng->o.connect_ms;	/* what a message says */
	drive(c);
}

static enum step_rc
st_connect(struct conn *c)
{
	socklen_t	 len;
	int		 err = 0, one = 1;

	if (c->ai == NULL) {
		c->connect_by = evloop_now() + c->eng->o.connect_ms;
		arm(c, 0);	/* the resolver keeps its own deadline */
		c->state = C_RESOLVE;
		c->res = resolve_start(c->eng->ev, c->address, c->t.port,
		    c->eng->o.connect_ms, on_resolved, c);
		return S_WAIT;
	} else if (c->fd != -1) {
		/* The socket said it is writable: did the connect work? */
		len = sizeof(err);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err == 0) {
			arm(c, c->eng->o.login_ms);
			c->state = C_HANDSHAKE;
			return S_NEXT;
		}
		evloop_fd_del(c->eng->ev, c->fd);
		close(c->fd);
		c->fd = -1;
		c->aicur = c->aicur->ai_next;
	}
	for (; c->aicur != NULL; c->aicur = c->aicur->ai_next) {
		c->fd = socket(c->aicur->ai_family, c->aicur->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, c->aicur->ai_protocol);
		if (c->fd == -1) {
			err = errno;
			continue;
		}
		/* SSH is small messages each waiting for an answer: with
		 * Nagle on, the key exchange's packets waited for a delayed
		 * ACK (~40 ms each, a quarter of a login on a LAN). OpenSSH
		 * sets it for interactive sessions too. */
		(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		if (connect(c->fd, c->aicur->ai_addr, c->aicur->ai_addrlen) ==
		    0 || errno == EINPROGRESS)
			return S_AGAIN;		/* wait for POLLOUT */
		err = errno;
		close(c->fd);
		c->fd = -1;
	}
	conn_fail(c, SSH_E_CONNECT, "cannot connect to %s port %d: %s",
	    c->address, c->t.port, strerror(err ? err : ECONNREFUSED));
	return S_STOP;
}

static enum step_rc
st_handshake(struct conn *c)
{
	char	*known, *pref;
	int	 rc;

	if (c->s == NULL) {
		if ((c->s = libssh2_session_init_ex(ssh_alloc, ssh_free,
		    ssh_realloc, c)) == NULL)
			fatal("libssh2: cannot create a session");
		libssh2_session_set_blocking(c->s, 0);
		/* Ask for the key type already on file, as OpenSSH does, so
		 * a host with several keys is checked against the right one;
		 * the rest follow in libssh2's order. */
		known = hk_known_types(c->eng->o.known_hosts, c->hostname);
		pref = xasprintf("%s%sssh-ed25519,ecdsa-sha2-nistp256,"
		    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa", known,
		    *known ? "," : "");
		libssh2_session_method_pref(c->s, LIBSSH2_METHOD_HOSTKEY, pref);
		free(pref);
		free(known);
		if (c->eng->o.keepalive_s > 0)
			libssh2_keepalive_config(c->s, 1,
			    (unsigned)c->eng->o.keepalive_s);
	}
	rc = libssh2_session_handshake(c->s, c->fd);
	if (rc == 0) {
		c->state = C_HOSTKEY;
		return S_NEXT;
	}
	return again_or_fail(c, rc, SSH_E_PROTOCOL, "SSH handshake with");
}

static enum step_rc
st_hostkey(struct conn *c)
{
	struct hk_result	 res;
	struct diags		 d;
	enum hostkey_answer	 ans = HKA_REFUSE;
	const unsigned char	*blob;
	const char		*file = c->eng->o.known_hosts, *label;
	char			 fp[80], *msg;
	size_t			 len = 0;
	int			 type, answered;

	/* Run again once a person answered (cb.ask): the file is read
	 * again, as another host's answer may have recorded this key. */
	answered = q_take(c, SSHQ_HOSTKEY);
	blob = (const unsigned char *)libssh2_session_hostkey(c->s, &len,
	    &type);
	if (blob == NULL || len == 0) {
		conn_fail(c, SSH_E_PROTOCOL, "%s sent no host key", c->name);
		return S_STOP;
	}
	diags_init(&d);
	if (hk_check(file, c->hostname, blob, len, &res, &d) == -1) {
		conn_fail(c, SSH_E_HOSTKEY, "%s", d.n ? d.v[0].msg :
		    "cannot read known hosts");
		diags_free(&d);
		return S_STOP;
	}
	hk_fingerprint(blob, len, fp, sizeof(fp));
	label = hk_type_label(res.type);
	switch (res.verdict) {
	case HK_MATCH:
		diags_free(&d);
		c->state = C_AUTH_LIST;
		return S_NEXT;
	case HK_CHANGED:
		conn_fail(c, SSH_E_HOSTKEY,
		    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
		    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		    "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
		    "Someone could be eavesdropping on you right now "
		    "(man-in-the-middle attack)!\n"
		    "It is also possible that a host key has just been "
		    "changed.\n"
		    "The fingerprint for the %s key sent by the remote host "
		    "is\n%s.\n"
		    "Offending %s key in %s:%d\n"
		    "Host key for %s has changed; fedwiz sent nothing to it.\n"
		    "If the device was rebuilt, confirm the new fingerprint "
		    "with its administrator, then remove the old key: "
		    "ssh-keygen -R '%s' -f %s",
		    label, fp, label, file, res.line, c->hostname,
		    c->hostname, file);
		diags_free(&d);
		return S_STOP;
	case HK_REVOKED:
		conn_fail(c, SSH_E_HOSTKEY, "the %s key of %s (%s) is marked "
		    "@revoked in %s:%d; fedwiz sent nothing to it", label,
		    c->hostname, fp, file, res.line);
		diags_free(&d);
		return S_STOP;
	case HK_UNKNOWN:
		break;
	}
	switch (c->eng->o.policy) {
	case HKP_STRICT:
		ans = HKA_REFUSE;
		break;
	case HKP_ACCEPT_NEW:
		ans = HKA_ALWAYS;
		break;
	case HKP_ASK:
		if (c->eng->o.cb.ask != NULL && !answered) {
			park(c, SSHQ_HOSTKEY, label, fp, NULL, NULL);
			diags_free(&d);
			return S_WAIT;
		}
		if (c->eng->o.cb.ask != NULL)
			ans = c->q_hostkey;
		else
			ans = c->eng->o.cb.hostkey != NULL ?
			    c->eng->o.cb.hostkey(c->eng->o.cb.ctx, &c->t,
			    c->hostname, label, fp) : HKA_REFUSE;
		break;
	}
	if (ans == HKA_REFUSE && c->eng->o.policy == HKP_ASK) {
		conn_fail(c, SSH_E_HOSTKEY, "the host key of %s (%s %s) was "
		    "refused; fedwiz sent nothing to it", c->hostname, label,
		    fp);
		diags_free(&d);
		return S_STOP;
	}
	if (ans == HKA_REFUSE) {
		conn_fail(c, SSH_E_HOSTKEY, "the host key of %s is not known: "
		    "%s key fingerprint is %s. fedwiz sent nothing to it. "
		    "Confirm the fingerprint with the device's administrator, "
		    "then accept it (--host-keys accept-new, or ask in the "
		    "wizard)", c->hostname, label, fp);
		diags_free(&d);
		return S_STOP;
	}
	if (ans == HKA_ALWAYS &&
	    hk_add(file, c->hostname, blob, len, &d) == -1) {
		conn_fail(c, SSH_E_HOSTKEY, "%s", d.n ? d.v[0].msg :
		    "cannot record the host key");
		diags_free(&d);
		return S_STOP;
	}
	if (c->eng->o.cb.note != NULL) {
		msg = ans == HKA_ALWAYS ? xasprintf("permanently added '%s' "
		    "(%s %s) to %s", c->hostname, label, fp, file) :
		    xasprintf("accepted '%s' (%s %s) for this run only",
		    c->hostname, label, fp);
		c->eng->o.cb.note(c->eng->o.cb.ctx, &c->t, msg);
		free(msg);
	}
	diags_free(&d);
	c->state = C_AUTH_LIST;
	return S_NEXT;
}

/* Authentication. */

static int
allows(const struct conn *c, const char *method)
{
	const char	*p = c->methods;
	size_t		 n = strlen(method);

	while (p != NULL && (p = strstr(p, method)) != NULL) {
		if ((p == c->methods || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ','))
			return 1;
		p += n;
	}
	return 0;
}

/* An RSA key: libssh2 1.10 signs with ssh-rsa (SHA-1) only, which
 * OpenSSH 8.8 and later refuse by default. Told apart to say so. */
static int
key_is_rsa(const char *path)
{
	char	*pub, *text = NULL;
	size_t	 len;
	int	 rsa = 0;

	pub = xasprintf("%s.pub", path);
	if (read_file(pub, 65536, &text, &len) == 0)
		rsa = strncmp(text, "ssh-rsa ", 8) == 0;
	else if (read_file(path, 65536, &text, &len) == 0)
		rsa = strstr(text, "BEGIN RSA PRIVATE KEY") != NULL;
	free(pub);
	if (text != NULL)
		wipe(text, len);
	free(text);
	return rsa;
}

static void
tried(struct conn *c, const char *what)
{
	buf_printf(&c->tried, "%s%s", c->tried.len ? ", " : "", what);
}

/*
 * A secret of kind into c->secret: 0, -1 when there is none, or 1 when a
 * person was asked (cb.ask): the caller waits (S_WAIT) and runs again
 * when the answer is in, and then this returns 0 or -1.
 */
static int
ask(struct conn *c, const char *kind, const char *prompt)
{
	if (c->have_secret && strcmp(kind, "password") == 0)
		return 0;
	if (c->eng->o.cb.ask != NULL) {
		if (q_take(c, SSHQ_SECRET)) {
			if (!c->q_secret) {
				wipe(c->secret, sizeof(c->secret));
				return -1;
			}
			c->have_secret = strcmp(kind, "password") == 0;
			return 0;
		}
		wipe(c->secret, sizeof(c->secret));
		c->have_secret = 0;
		park(c, SSHQ_SECRET, NULL, NULL, kind, prompt);
		return 1;
	}
	wipe(c->secret, sizeof(c->secret));
	c->have_secret = 0;
	if (c->eng->o.cb.secret == NULL || c->eng->o.cb.secret(c->eng->o.cb.ctx,
	    &c->t, kind, prompt, c->secret, sizeof(c->secret)) == -1) {
		wipe(c->secret, sizeof(c->secret));
		return -1;
	}
	c->secret[sizeof(c->secret) - 1] = '\0';
	c->have_secret = strcmp(kind, "password") == 0;
	return 0;
}

static enum step_rc
st_auth_list(struct conn *c)
{
	char		*list;
	const char	*home;
	static const char *const defaults[] = { "id_ed25519", "id_ecdsa",
	    "id_rsa" };
	size_t		 i;
	struct stat	 sb;

	list = libssh2_userauth_list(c->s, c->user, (unsigned)strlen(c->user));
	if (list == NULL) {
		if (libssh2_userauth_authenticated(c->s)) {
			c->state = C_READY;	/* "none" was enough */
			arm(c, 0);
			return S_NEXT;
		}
		return again_or_fail(c, libssh2_session_last_errno(c->s),
		    SSH_E_PROTOCOL, "asking how to log in to");
	}
	c->methods = xstrdup(list);
	if (c->identity != NULL)
		c->keys[c->nkeys++] = xstrdup(c->identity);
	else if ((home = getenv("HOME")) != NULL)
		for (i = 0; i < nitems(defaults); i++) {
			c->keys[c->nkeys] = xasprintf("%s/.ssh/%s", home,
			    defaults[i]);
			if (stat(c->keys[c->nkeys], &sb) == 0)
				c->nkeys++;
			else
				free(c->keys[c->nkeys]);
		}
	c->state = C_AUTH_NEXT;
	return S_NEXT;
}

static enum step_rc
st_auth_next(struct conn *c)
{
	int	rc;

	if (allows(c, "publickey") && !c->tried_agent &&
	    c->identity == NULL && getenv("SSH_AUTH_SOCK") != NULL) {
		c->tried_agent = 1;
		c->state = C_AUTH_AGENT;
		return S_NEXT;
	}
	if (allows(c, "publickey") && c->key < c->nkeys) {
		c->key_secret = 0;
		c->state = C_AUTH_KEY;
		return S_NEXT;
	}
	if (allows(c, "password") && !c->tried_password) {
		if ((rc = ask(c, "password", "password")) == 1)
			return S_WAIT;
		c->tried_password = 1;
		if (rc == 0) {
			c->state = C_AUTH_PASSWORD;
			return S_NEXT;
		}
		tried(c, "password (none given)");
	}
	if (allows(c, "keyboard-interactive") && !c->tried_kbdint) {
		if ((rc = ask(c, "password", "password")) == 1)
			return S_WAIT;
		c->tried_kbdint = 1;
		if (rc == 0) {
			c->state = C_AUTH_KBDINT;
			return S_NEXT;
		}
	}
	conn_fail(c, SSH_E_AUTH, "authentication failed for %s@%s: tried %s; "
	    "the server accepts %s%s", c->user, c->name, c->tried.len ?
	    c->tried.s : "nothing", c->methods, c->rsa_refused ? ". The key "
	    "is RSA: libssh2 1.10 signs with ssh-rsa (SHA-1), which OpenSSH "
	    "8.8 and later refuse by default; use an ed25519 or ECDSA key, "
	    "or allow ssh-rsa on the server (PubkeyAcceptedAlgorithms "
	    "+ssh-rsa)" : "");
	return S_STOP;
}

static enum step_rc
st_auth_agent(struct conn *c)
{
	int	rc;

	if (c->agent == NULL) {
		/* The agent is a local socket: its calls return at once. */
		if ((c->agent = libssh2_agent_init(c->s)) == NULL ||
		    libssh2_agent_connect(c->agent) != 0 ||
		    libssh2_agent_list_identities(c->agent) != 0) {
			tried(c, "the agent (unreachable)");
			c->state = C_AUTH_NEXT;
			return S_NEXT;
		}
		c->agent_id = NULL;
		if (libssh2_agent_get_identity(c->agent, &c->agent_id, NULL) !=
		    0) {
			tried(c, "the agent (no keys)");
			c->state = C_AUTH_NEXT;
			return S_NEXT;
		}
	}
	for (;;) {
		rc = libssh2_agent_userauth(c->agent, c->user, c->agent_id);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			return S_AGAIN;
		if (rc == 0) {
			tried(c, "the agent");
			c->state = C_READY;
			arm(c, 0);
			return S_NEXT;
		}
		if (libssh2_agent_get_identity(c->agent, &c->agent_id,
		    c->agent_id) != 0) {
			tried(c, "the agent's keys");
			c->state = C_AUTH_NEXT;
			return S_NEXT;
		}
	}
}

static enum step_rc
st_auth_key(struct conn *c)
{
	const char	*path = c->keys[c->key];
	struct stat	 sb;
	char		*what, why[200];
	int		 rc, got;

	/* A key others can read is not used (fileio.h, OpenSSH's rule);
	 * nor a FIFO or a device, which libssh2 would open blocking, on
	 * the loop, for ever. */
	if (!c->key_secret && !c->key_asking && stat(path, &sb) == -1)
		snprintf(why, sizeof(why), "cannot read it: %s",
		    strerror(errno));
	else if (!c->key_secret && !c->key_asking && !S_ISREG(sb.st_mode))
		snprintf(why, sizeof(why), "not a regular file");
	else if (c->key_secret || c->key_asking ||
	    file_private_ok(path, why, sizeof(why)) == 0)
		why[0] = '\0';
	if (why[0] != '\0') {
		what = xasprintf("%s (%s)", path, why);
		tried(c, what);
		free(what);
		c->key++;
		c->state = C_AUTH_NEXT;
		return S_NEXT;
	}
	if (c->key_asking)	/* the passphrase's answer is in */
		rc = LIBSSH2_ERROR_FILE;
	else
		rc = libssh2_userauth_publickey_fromfile_ex(c->s, c->user,
		    (unsigned)strlen(c->user), NULL, path, c->key_secret ?
		    c->secret : NULL);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return S_AGAIN;
	if (rc == 0) {
		wipe(c->secret, sizeof(c->secret));
		c->state = C_READY;
		arm(c, 0);
		return S_NEXT;
	}
	/* A key that does not open without a passphrase: ask once. */
	if (rc == LIBSSH2_ERROR_FILE && !c->key_secret) {
		what = xasprintf("passphrase for %s", path);
		got = ask(c, "passphrase", what);
		free(what);
		if ((c->key_asking = got == 1))
			return S_WAIT;
		if (got == 0) {
			c->key_secret = 1;
			return S_NEXT;
		}
	}
	what = xasprintf("%s%s", path, rc == LIBSSH2_ERROR_FILE ? (c->key_secret ?
	    " (wrong passphrase or unreadable key)" :
	    " (needs a passphrase; none given)") : "");
	tried(c, what);
	free(what);
	if (rc != LIBSSH2_ERROR_FILE && key_is_rsa(path))
		c->rsa_refused = 1;
	wipe(c->secret, sizeof(c->secret));
	c->key_secret = 0;
	c->key++;
	c->state = C_AUTH_NEXT;
	return S_NEXT;
}

static enum step_rc
st_auth_password(struct conn *c)
{
	int	rc;

	rc = libssh2_userauth_password_ex(c->s, c->user,
	    (unsigned)strlen(c->user), c->secret, (unsigned)strlen(c->secret),
	    NULL);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return S_AGAIN;
	if (rc == 0) {
		wipe(c->secret, sizeof(c->secret));
		c->have_secret = 0;
		c->state = C_READY;
		arm(c, 0);
		return S_NEXT;
	}
	tried(c, "a password (refused)");
	c->state = C_AUTH_NEXT;
	return S_NEXT;
}

/* libssh2 calls this for each keyboard-interactive round: answer every
 * prompt that does not echo with the password (what OpenSSH does when it
 * has one), and echoed ones with nothing. */
static void
kbd_cb(const char *name, int name_len, const char *instruction,
    int instruction_len, int num_prompts,
    const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
    LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, void **abstract)
{
	struct conn	*c = *abstract;
	int		 i;

	(void)name;
	(void)name_len;
	(void)instruction;
	(void)instruction_len;
	for (i = 0; i < num_prompts; i++) {
		/* libssh2 frees these with the session's allocator:
		 * ssh_free, which wipes them. */
		responses[i].text = strdup(prompts[i].echo ? "" : c->secret);
		responses[i].length = responses[i].text != NULL ?
		    (unsigned)strlen(responses[i].text) : 0;
	}
}

static enum step_rc
st_auth_kbdint(struct conn *c)
{
	int	rc;

	rc = libssh2_userauth_keyboard_interactive_ex(c->s, c->user,
	    (unsigned)strlen(c->user), kbd_cb);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return S_AGAIN;
	if (rc == 0) {
		wipe(c->secret, sizeof(c->secret));
		c->have_secret = 0;
		c->state = C_READY;
		arm(c, 0);
		return S_NEXT;
	}
	tried(c, "keyboard-interactive (refused)");
	c->state = C_AUTH_NEXT;
	return S_NEXT;
}

/* Exec profiles: one channel per command. */

/* A session channel: for one command (exec) or the CLI (shell). */
static enum step_rc
st_channel_open(struct conn *c)
{
	int	exec = c->state == C_EXEC_OPEN;

	if ((c->ch = libssh2_channel_open_session(c->s)) == NULL)
		return again_or_fail(c, libssh2_session_last_errno(c->s),
		    SSH_E_PROTOCOL, exec ? "opening a channel on" :
		    "opening a shell channel on");
	/* A CLI's stderr, if its server sends one, is part of what it
	 * printed: merged, never left queued (unread, it would spend the
	 * window, and the device would stop). Setting the mode sends
	 * nothing. */
	if (!exec)
		(void)libssh2_channel_handle_extended_data2(c->ch,
		    LIBSSH2_CHANNEL_EXTENDED_DATA_MERGE);
	c->state = exec ? C_EXEC_START : C_SHELL_PTY;
	return S_NEXT;
}

static enum step_rc
st_exec_start(struct conn *c)
{
	int	rc;

	rc = libssh2_channel_exec(c->ch, c->head->command);
	if (rc == 0) {
		arm(c, c->eng->o.idle_ms);
		c->state = C_EXEC_READ;
		return S_NEXT;
	}
	return again_or_fail(c, rc, SSH_E_PROTOCOL, "starting the command on");
}

/*
 * Come back from the loop at once: the connection read its share of this
 * turn and data may wait inside libssh2, where poll cannot see it.
 */
static void
yield(struct conn *c)
{
	if (c->kick == 0)
		c->kick = evloop_timer(c->eng->ev, 0, kick, c);
}

/*
 * Reading a channel: one turn of the loop reads at most READ_TURN bytes,
 * so a host that streams cannot starve the others or the deadlines.
 */
#define READ_TURN	(1024 * 1024)

/*
 * Both streams until a whole pass over them reads nothing. Reading one
 * stream makes libssh2 pull every packet off the socket, the other's
 * too: stopping after one pass left stdout queued inside libssh2 behind
 * a stderr read, the window spent on it, and the server then waited for
 * a window adjust fedwiz never sent, until the idle deadline called the
 * stream silent (issue 10: "no output for N s" after 0.6-66 s).
 */
static enum step_rc
st_exec_read(struct conn *c)
{
	char		 tmp[32768];
	ssize_t		 n;
	size_t		 took = 0;
	int		 stream, quiet;

	do {
		quiet = 1;
		for (stream = 0; stream <= 1 && took < READ_TURN; stream++)
			while (took < READ_TURN) {
				n = libssh2_channel_read_ex(c->ch, stream ?
				    SSH_EXTENDED_DATA_STDERR : 0, tmp,
				    sizeof(tmp));
				if (n > 0) {
					cmd_take(c, c->head, stream ?
					    &c->head->err : &c->head->out, tmp,
					    (size_t)n);
					took += (size_t)n;
					quiet = 0;
					continue;
				}
				if (n == 0 || n == LIBSSH2_ERROR_EAGAIN)
					break;
				conn_fail(c, SSH_E_PROTOCOL, "the connection "
				    "to %s broke while running '%s': %s",
				    c->name, c->head->command, last_error(c));
				return S_STOP;
			}
	} while (!quiet && took < READ_TURN);
	if (took > 0)
		arm(c, c->eng->o.idle_ms);	/* silence starts again */
	if (took >= READ_TURN) {
		yield(c);
		return S_AGAIN;
	}
	if (libssh2_channel_eof(c->ch)) {
		c->state = C_EXEC_CLOSE;
		return S_NEXT;
	}
	return S_AGAIN;
}

static enum step_rc
st_exec_close(struct conn *c)
{
	int	rc;

	if ((rc = libssh2_channel_close(c->ch)) == LIBSSH2_ERROR_EAGAIN)
		return S_AGAIN;
	if (rc == 0 && (rc = libssh2_channel_wait_closed(c->ch)) ==
	    LIBSSH2_ERROR_EAGAIN)
		return S_AGAIN;
	c->head->exit_status = libssh2_channel_get_exit_status(c->ch);
	if ((rc = libssh2_channel_free(c->ch)) == LIBSSH2_ERROR_EAGAIN)
		return S_AGAIN;
	c->ch = NULL;
	arm(c, 0);
	cmd_finish(c, SSH_OK, NULL);
	c->state = C_READY;
	return S_NEXT;
}

/* Shell profiles: one PTY shell, prompts, pagers. */

/* Send a line; echo: it is echoed (not a secret). */
static void
send_line(struct conn *c, const char *line, size_t len, int echo)
{
	c->echo = echo ? line : NULL;
	c->echo_seen = 0;
	c->echo_scan = 0;
	/* What the device printed goes, wiped: after a secret was typed
	 * it could hold the secret, had the device echoed it. */
	wipe(c->raw.s, c->raw.len);
	wipe(c->tail.s, c->tail.cap);	/* trimmed: its old bytes too */
	buf_add(&c->wbuf, line, len);
	buf_add(&c->wbuf, "\n", 1);
	c->raw.len = 0;
	c->raw_cut = 0;
	if (c->raw.s != NULL)
		c->raw.s[0] = '\0';
	c->tail.len = 0;
	if (c->tail.s != NULL)
		c->tail.s[0] = '\0';
}

#define TAIL_KEEP	4096

/*
 * Received bytes: the transcript (capped) and the tail (always). The
 * transcript keeps what fits and then nothing: a chunk cut at the cap is
 * kept up to it, and no later chunk, however small, is kept after it
 * (that would leave a hole in the middle of the evidence).
 */
static void
shell_take(struct conn *c, const char *p, size_t n)
{
	size_t	drop, room;

	if (c->goal == SG_COMMAND) {
		EVP_DigestUpdate(c->head->md, p, n);
		c->head->total += n;
		c->head->last_out = evloop_now();
		if (c->eng->o.cb.output != NULL)
			c->eng->o.cb.output(c->eng->o.cb.ctx, c->head->arg, p,
			    n);
	}
	room = c->raw_cut ? 0 : c->eng->o.output_cap > c->raw.len ?
	    c->eng->o.output_cap - c->raw.len : 0;
	if (n > room) {
		c->raw_cut = 1;
		if (c->goal == SG_COMMAND)
			c->head->truncated = 1;
	}
	if (n > 0 && room > 0)
		buf_add(&c->raw, p, n < room ? n : room);
	buf_add(&c->tail, p, n);
	if (c->tail.len > 2 * TAIL_KEEP) {
		drop = c->tail.len - TAIL_KEEP;
		memmove(c->tail.s, c->tail.s + drop, TAIL_KEEP + 1);
		c->tail.len = TAIL_KEEP;
	}
}

/* Write what is pending; S_AGAIN while some is left. */
static enum step_rc
flush_writes(struct conn *c)
{
	ssize_t	n;

	while (c->woff < c->wbuf.len) {
		n = libssh2_channel_write(c->ch, c->wbuf.s + c->woff,
		    c->wbuf.len - c->woff);
		if (n == LIBSSH2_ERROR_EAGAIN)
			return S_AGAIN;
		if (n < 0) {
			conn_fail(c, SSH_E_PROTOCOL, "writing to %s: %s",
			    c->name, last_error(c));
			return S_STOP;
		}
		c->woff += (size_t)n;
	}
	/* Sent: wiped, not only emptied (an enable secret was here). */
	wipe(c->wbuf.s, c->wbuf.len);
	c->wbuf.len = 0;
	c->woff = 0;
	return S_NEXT;
}

static enum step_rc
st_shell_pty(struct conn *c)
{
	int	rc;

	/* Wide: a long command echoed on a narrow terminal wraps with
	 * carriage-return tricks; the pager is turned off anyway. */
	rc = libssh2_channel_request_pty_ex(c->ch, "vt100", 5, NULL, 0, 250,
	    50, 0, 0);
	if (rc == 0) {
		c->state = C_SHELL_START;
		return S_NEXT;
	}
	return again_or_fail(c, rc, SSH_E_PROTOCOL, "asking for a terminal on");
}

static enum step_rc
st_shell_start(struct conn *c)
{
	int	rc;

	if ((rc = libssh2_channel_shell(c->ch)) == 0) {
		c->goal = SG_BANNER;
		arm(c, c->eng->o.first_prompt_ms);
		c->state = C_SHELL_WAIT;
		return S_NEXT;
	}
	return again_or_fail(c, rc, SSH_E_PROTOCOL, "starting the CLI on");
}

static int
vos_prompt(const char *p, const char *user)
{
	size_t	n = strlen(user);

	return strncmp(p, "admin:", 6) == 0 || (strncmp(p, user, n) == 0 &&
	    p[n] == ':');
}

/* The end of the raw transcript as text: enough to see a prompt. */
static enum prompt_state
scan_tail(struct conn *c, struct prompt_hit *hit)
{
	size_t			 from = c->tail.len > 2048 ? c->tail.len - 2048 :
				    0;
	size_t			 n;
	char			*text;
	enum prompt_state	 ps;

	text = clean_term(c->tail.s + from, c->tail.len - from, &n);
	ps = prompt_scan(c->t.profile, text, n, hit);
	/* VOS: a last line like "Subject:" looks like a prompt; the real one
	 * is "admin:" or the login name. */
	if (ps == PS_PROMPT && c->t.profile->id == PROF_CISCO_VOS &&
	    !vos_prompt(text + hit->start, c->user))
		ps = PS_NONE;
	wipe(text, n);		/* the answer to a secret, maybe its echo */
	free(text);
	return ps;
}

/*
 * Whether the transcript holds the echo of the line sent. What was
 * searched before is not searched again (a device printing prompts ahead
 * of its echo would have the whole transcript cleaned each time), but the
 * lines an echo wrapped over may straddle: the search starts again at a
 * line start at least the echo's length (and some) before where it ended.
 */
static int
echoed(struct conn *c)
{
	char	*text;
	size_t	 n, from = 0, back = strlen(c->echo) + 256;

	if (c->echo_scan > back) {
		from = c->echo_scan - back;
		while (from > 0 && c->raw.s[from - 1] != '\n')
			from--;
	}
	text = clean_term(c->raw.s ? c->raw.s + from : "", c->raw.len - from,
	    &n);
	c->echo_seen = prompt_echo_end(text, n, c->echo) != (size_t)-1;
	free(text);
	c->echo_scan = c->raw.len;
	return c->echo_seen;
}

/* The device waits for input: what to send, given what we are doing. */
static enum step_rc
shell_reached(struct conn *c, enum prompt_state ps, const struct prompt_hit *h)
{
	struct cmd	*m = c->head;
	char		*text, *out;
	const char	*err;
	size_t		 n, outlen, errlen, e;
	const char	*why;
	int		 rc;

	switch (c->goal) {
	case SG_BANNER:
	case SG_SETUP:
	case SG_ENABLE_SECRET:
		if (c->goal == SG_ENABLE_SECRET && ps == PS_PASSWORD) {
			/* asked again: "Invalid password" */
			conn_fail(c, SSH_E_AUTH, "%s refused the enable secret "
			    "(give the right one with --enable-secret-file or "
			    "FEDWIZ_ENABLE_SECRET)", c->name);
			return S_STOP;
		}
		if (ps != PS_PROMPT)
			break;
		if (c->goal == SG_ENABLE_SECRET && h->mode == '>') {
			conn_fail(c, SSH_E_AUTH, "%s refused the enable secret "
			    "(give it with --enable-secret-file or "
			    "FEDWIZ_ENABLE_SECRET)", c->name);
			return S_STOP;
		}
		c->mode = h->mode;
		if (c->t.profile->enable && c->mode == '>' &&
		    c->goal == SG_BANNER) {
			c->goal = SG_ENABLE;
			send_line(c, "enable", 6, 1);
			return S_NEXT;
		}
		if (c->goal == SG_BANNER || c->goal == SG_ENABLE_SECRET) {
			c->goal = SG_SETUP;
			send_line(c, c->t.profile->paging_off,
			    strlen(c->t.profile->paging_off), 1);
			return S_NEXT;
		}
		/* Set up: ready for our commands. */
		c->shell_open = 1;
		arm(c, 0);
		c->state = C_READY;
		return S_NEXT;
	case SG_ENABLE:
		if (ps == PS_PASSWORD) {
			/* No secret given: an ASA without one takes an empty
			 * one (doc/design.md), so empty is the default. */
			if ((rc = ask(c, "enable", "enable secret")) == 1)
				return S_WAIT;
			/* Asked through cb.ask, none is the empty default;
			 * the synchronous source gives "" for none itself,
			 * and -1 when it refused what it was given. */
			if (rc == -1 && c->eng->o.cb.ask == NULL) {
				conn_fail(c, SSH_E_AUTH, "%s wants the enable "
				    "secret, and the one given was refused (see "
				    "above); nothing was typed", c->name);
				return S_STOP;
			}
			if (rc == -1)
				c->secret[0] = '\0';
			if ((why = secret_refused("enable", c->secret)) !=
			    NULL) {
				wipe(c->secret, sizeof(c->secret));
				conn_fail(c, SSH_E_AUTH, "the enable secret for "
				    "%s %s: refused, nothing was typed",
				    c->name, why);
				return S_STOP;
			}
			c->goal = SG_ENABLE_SECRET;
			send_line(c, c->secret, strlen(c->secret), 0);
			wipe(c->secret, sizeof(c->secret));
			return S_NEXT;
		}
		if (ps == PS_PROMPT) {		/* enabled without asking */
			c->goal = SG_ENABLE_SECRET;
			return shell_reached(c, ps, h);
		}
		break;
	case SG_COMMAND:
		if (ps != PS_PROMPT)
			break;
		text = clean_term(c->raw.s ? c->raw.s : "", c->raw.len, &n);
		if (m->truncated) {
			/* The prompt fell beyond the cap: keep what was kept
			 * from the echo on, the result says it is cut. */
			if ((e = prompt_echo_end(text, n, m->command)) ==
			    (size_t)-1)
				e = 0;
			out = xstrndup(text + e, n - e);
			outlen = n - e;
		} else	/* h is an offset into the tail's text: not this one */
			out = prompt_output(c->t.profile, text, n, m->command,
			    NULL, &outlen);
		buf_add(&m->out, out, outlen);
		if ((err = prompt_error(c->t.profile, out, outlen, &errlen)) !=
		    NULL)
			m->device_error = xstrndup(err, errlen);
		free(out);
		free(text);
		arm(c, 0);
		cmd_finish(c, SSH_OK, NULL);
		c->state = C_READY;
		return S_NEXT;
	}
	if (ps == PS_CONFIRM) {
		conn_fail(c, SSH_E_PROTOCOL, "%s asks for a confirmation "
		    "fedwiz will not give: a check runs only show commands",
		    c->name);
		return S_STOP;
	}
	return S_WAIT;
}

static enum step_rc
st_shell_wait(struct conn *c)
{
	struct prompt_hit	 hit;
	enum prompt_state	 ps;
	enum step_rc		 rc;
	char			 tmp[32768];
	const char		*key;
	ssize_t			 n;
	size_t			 took = 0;
	int			 got = 0;

	if ((rc = flush_writes(c)) != S_NEXT)
		return rc;
	while (took < READ_TURN) {
		n = libssh2_channel_read(c->ch, tmp, sizeof(tmp));
		if (n > 0) {
			got = 1;
			took += (size_t)n;
			shell_take(c, tmp, (size_t)n);
			continue;
		}
		if (n == LIBSSH2_ERROR_EAGAIN)
			break;
		if (n == 0 && !libssh2_channel_eof(c->ch))
			break;
		conn_fail(c, SSH_E_PROTOCOL, "%s closed the session%s%s%s",
		    c->name, c->goal == SG_COMMAND ? " while running '" : "",
		    c->goal == SG_COMMAND ? c->head->command : "",
		    c->goal == SG_COMMAND ? "'" : "");
		return S_STOP;
	}
	if (got && c->goal == SG_COMMAND)
		arm(c, c->eng->o.idle_ms);
	if (took >= READ_TURN)
		yield(c);
	/* Nothing new, unless a person's answer came for what was there. */
	if (!got && !(c->q_id != 0 && c->q_answered))
		return S_AGAIN;
	ps = scan_tail(c, &hit);
	if (ps == PS_PAGER) {
		key = prompt_pager_key(c->t.profile, c->tail.s, c->tail.len);
		buf_add(&c->wbuf, key, strlen(key));
		return S_NEXT;
	}
	if (ps == PS_NONE)
		return S_AGAIN;
	/* A prompt (or a question) counts only after the echo of what was
	 * sent: before it, the device is still printing the previous
	 * command's output, after a prompt that came too early. */
	if (c->echo != NULL && !c->echo_seen && !echoed(c))
		return S_AGAIN;
	return shell_reached(c, ps, &hit);
}

/* The next command, or idle. */
static enum step_rc
st_ready(struct conn *c)
{
	if (c->head == NULL) {
		c->state = C_IDLE;
		return S_WAIT;
	}
	if (c->t.profile->channel == CHAN_EXEC) {
		arm(c, c->eng->o.idle_ms);
		limit_start(c);
		c->state = C_EXEC_OPEN;
		return S_NEXT;
	}
	if (!c->shell_open) {
		arm(c, c->eng->o.login_ms);
		c->state = C_SHELL_OPEN;
		return S_NEXT;
	}
	c->goal = SG_COMMAND;
	send_line(c, c->head->command, strlen(c->head->command), 1);
	arm(c, c->eng->o.idle_ms);
	limit_start(c);
	c->state = C_SHELL_WAIT;
	return S_NEXT;
}

static enum step_rc
step(struct conn *c)
{
	if (c->q_id != 0 && !c->q_answered && c->state != C_DEAD)
		return S_WAIT;		/* parked: a person is asked */
	switch (c->state) {
	case C_CONNECT:		return st_connect(c);
	case C_RESOLVE:		return S_WAIT;
	case C_HANDSHAKE:	return st_handshake(c);
	case C_HOSTKEY:		return st_hostkey(c);
	case C_AUTH_LIST:	return st_auth_list(c);
	case C_AUTH_NEXT:	return st_auth_next(c);
	case C_AUTH_AGENT:	return st_auth_agent(c);
	case C_AUTH_KEY:	return st_auth_key(c);
	case C_AUTH_PASSWORD:	return st_auth_password(c);
	case C_AUTH_KBDINT:	return st_auth_kbdint(c);
	case C_READY:		return st_ready(c);
	case C_EXEC_OPEN:	return st_channel_open(c);
	case C_EXEC_START:	return st_exec_start(c);
	case C_EXEC_READ:	return st_exec_read(c);
	case C_EXEC_CLOSE:	return st_exec_close(c);
	case C_SHELL_OPEN:	return st_channel_open(c);
	case C_SHELL_PTY:	return st_shell_pty(c);
	case C_SHELL_START:	return st_shell_start(c);
	case C_SHELL_WAIT:	return st_shell_wait(c);
	case C_IDLE:
		/* A command queued on a connection kept from an earlier run
		 * (the wizard checks step after step on one engine). */
		if (c->head != NULL) {
			c->state = C_READY;
			return S_NEXT;
		}
		return S_WAIT;
	case C_QUEUED:		return S_WAIT;
	case C_DEAD:		return S_STOP;
	}
	return S_STOP;
}

static void
on_keepalive(struct evloop *ev, void *arg)
{
	struct conn	*c = arg;
	int		 next = c->eng->o.keepalive_s;

	(void)ev;
	c->keepalive = 0;
	if (c->s != NULL && c->state == C_IDLE)
		libssh2_keepalive_send(c->s, &next);
	if (next <= 0)
		next = c->eng->o.keepalive_s;
	c->keepalive = evloop_timer(c->eng->ev, (int64_t)next * 1000,
	    on_keepalive, c);
}

static void
on_fd(struct evloop *ev, int fd, short revents, void *arg)
{
	(void)ev;
	(void)fd;
	(void)revents;
	drive(arg);
}

/* Run the state machine until it must wait, then say for what. */
static void
drive(struct conn *c)
{
	enum step_rc	rc;
	short		ev = 0;
	int		dir;

	while ((rc = step(c)) == S_NEXT)
		;
	if (rc == S_STOP) {
		conn_free(c);
		return;
	}
	if (c->fd == -1)
		return;
	if (c->state == C_CONNECT)
		ev = POLLOUT;
	else if (rc == S_AGAIN) {
		dir = c->s ? libssh2_session_block_directions(c->s) : 0;
		if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
			ev |= POLLIN;
		if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
			ev |= POLLOUT;
		/* Reading a channel: data may come whatever libssh2 said. */
		if (c->state == C_EXEC_READ || c->state == C_SHELL_WAIT)
			ev |= POLLIN;
		if (ev == 0)
			ev = POLLIN;
	}
	evloop_fd(c->eng->ev, c->fd, ev, on_fd, c);
	/* Idle, this connection's slot may go to one that waits for it. */
	if (c->state == C_IDLE)
		wake_soon(c->eng);
	if (c->state == C_IDLE && c->keepalive == 0 &&
	    c->eng->o.keepalive_s > 0)
		c->keepalive = evloop_timer(c->eng->ev,
		    (int64_t)c->eng->o.keepalive_s * 1000, on_keepalive, c);
}

/* Queueing. */

static int
same_device(const struct conn *a, const struct conn *b)
{
	return a->t.port == b->t.port && strcmp(a->address, b->address) == 0;
}

/*
 * Whether c may connect now: fewer than max_conns connections at work,
 * and fewer than its profile's sessions on its device. An idle connection
 * in the way (nothing queued on it) is closed to make room: it costs a
 * login to open again, a queued one would otherwise wait for ever.
 */
static void
evict(struct conn *o)
{
	struct ssh_engine	*e = o->eng;
	int			 w = e->waking;

	e->waking = 1;		/* the caller decides who starts */
	o->state = C_DEAD;
	conn_free(o);
	e->waking = w;
}

static int
may_start(struct conn *c)
{
	struct conn	*o, *idle_any = NULL, *idle_dev = NULL;
	size_t		 all = 0, dev = 0;

	for (o = c->eng->conns; o != NULL; o = o->next) {
		if (o == c || o->state == C_QUEUED || o->state == C_DEAD)
			continue;
		all++;
		if (o->state == C_IDLE && o->head == NULL)
			idle_any = o;
		if (same_device(o, c)) {
			dev++;
			if (o->state == C_IDLE && o->head == NULL)
				idle_dev = o;
		}
	}
	if (dev >= (size_t)c->t.profile->max_sessions) {
		if (idle_dev == NULL)
			return 0;
		evict(idle_dev);
		return 1;
	}
	if (all >= c->eng->o.max_conns) {
		if (idle_any == NULL)
			return 0;
		evict(idle_any);
	}
	return 1;
}

/* A slot may have come free: start what waits for one, from the loop. */
static void
wake_queued(struct ssh_engine *e)
{
	struct conn	*c;

	if (e->waking)
		return;
	e->waking = 1;
	for (c = e->conns; c != NULL; c = c->next)
		if (c->state == C_QUEUED && may_start(c)) {
			c->state = C_CONNECT;
			if (c->kick == 0)
				c->kick = evloop_timer(e->ev, 0, kick, c);
		}
	e->waking = 0;
}

static void
on_wake(struct evloop *ev, void *arg)
{
	struct ssh_engine	*e = arg;

	(void)ev;
	e->wake = 0;
	wake_queued(e);
}

/* wake_queued() from the loop, once: a connection that just went idle
 * may be the one it evicts, and must not be freed under its own drive(). */
static void
wake_soon(struct ssh_engine *e)
{
	struct conn	*c;

	if (e->wake != 0 || e->stopping)
		return;
	for (c = e->conns; c != NULL; c = c->next)
		if (c->state == C_QUEUED)
			break;
	if (c != NULL)
		e->wake = evloop_timer(e->ev, 0, on_wake, e);
}

static void
kick(struct evloop *ev, void *arg)
{
	struct conn	*c = arg;

	(void)ev;
	c->kick = 0;
	drive(c);
}

void
ssh_run(struct ssh_engine *e, const struct ssh_target *t, const char *command,
    ssh_done_fn done, void *arg)
{
	ssh_run_within(e, t, command, 0, done, arg);
}

void
ssh_run_within(struct ssh_engine *e, const struct ssh_target *t,
    const char *command, int64_t limit_ms, ssh_done_fn done, void *arg)
{
	struct conn	*c;
	struct cmd	*m;
	struct ssh_result r;

	if (e->stopping) {
		memset(&r, 0, sizeof(r));
		r.status = SSH_E_PROTOCOL;
		r.exit_status = -1;
		r.output = r.errout = "";
		r.message = "fedwiz is stopping";
		done(arg, t, &r);
		return;
	}
	m = cmd_new(command, limit_ms, done, arg);
	e->pending++;
	for (c = e->conns; c != NULL; c = c->next)
		if (c->state != C_DEAD && strcmp(c->address, t->address) == 0 &&
		    c->t.port == t->port && strcmp(c->user, t->user) == 0)
			break;
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->eng = e;
		c->fd = -1;
		c->name = xstrdup(t->name ? t->name : t->address);
		c->address = xstrdup(t->address);
		c->user = xstrdup(t->user);
		c->identity = t->identity ? xstrdup(t->identity) : NULL;
		c->t = *t;
		c->t.name = c->name;
		c->t.address = c->address;
		c->t.user = c->user;
		c->t.identity = c->identity;
		hk_hostname(c->address, c->t.port, c->hostname,
		    sizeof(c->hostname));
		buf_init(&c->raw);
		buf_init(&c->tail);
		buf_init(&c->wbuf);
		buf_init(&c->tried);
		c->next = e->conns;
		e->conns = c;
		c->state = may_start(c) ? C_CONNECT : C_QUEUED;
	}
	if (c->last != NULL)
		c->last->next = m;
	else
		c->head = m;
	c->last = m;
	/* Start from the loop, never from inside a caller's callback; a
	 * connection under way is driven by its socket already. */
	if ((c->state == C_CONNECT && c->fd == -1 && c->ai == NULL) ||
	    c->state == C_IDLE) {
		if (c->kick == 0)
			c->kick = evloop_timer(e->ev, 0, kick, c);
	}
}
