/*
 * ssh.h: commands on devices over SSH (libssh2, non-blocking), driven by
 * the one event loop. One session per host, reused for every command on
 * it; deadlines for connecting, logging in, the first prompt and silence
 * during a command (reset whenever output arrives), and a total for each
 * command, so a device that trickles output for ever cannot hold a check;
 * keepalives on long sessions; output kept up to a cap, hashed in full.
 *
 * Per device profile (profile.h): exec profiles (windows, linux) run each
 * command on its own exec channel and report its exit status; shell
 * profiles (cisco-vos, cisco-asa) keep one PTY shell, turn paging off,
 * enter privileged mode where needed, and cut each command's output from
 * between its echo and the next prompt (prompt.h).
 */
#ifndef FEDWIZ_SSH_H
#define FEDWIZ_SSH_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "profile.h"
#include "util.h"

enum hostkey_policy {
	HKP_STRICT,	/* unknown: refused, fingerprint printed */
	HKP_ACCEPT_NEW,	/* unknown: recorded and accepted */
	HKP_ASK		/* unknown: the caller's hostkey callback decides */
};

enum hostkey_answer {
	HKA_REFUSE,
	HKA_ONCE,	/* this run only */
	HKA_ALWAYS	/* and record it in known_hosts */
};

struct ssh_target {
	const char		*name;		/* inventory name, for messages */
	const char		*address;	/* host name or IP to connect to */
	int			 port;
	const char		*user;
	const struct profile	*profile;
	const char		*identity;	/* key file; NULL: agent, then
						   ~/.ssh/id_ed25519, id_ecdsa,
						   id_rsa */
};

/*
 * A question only a person can answer, asked through cb.ask (below): an
 * unknown host key under HKP_ASK, or a secret the login or the ASA's
 * enable needs. The pointers are valid during the ask call only: copy
 * what you show later.
 */
enum ssh_question_kind {
	SSHQ_HOSTKEY,
	SSHQ_SECRET
};

struct ssh_question {
	uint64_t		 id;		/* never 0; the answer names it */
	enum ssh_question_kind	 kind;
	const struct ssh_target	*target;
	/* SSHQ_HOSTKEY */
	const char		*hostname;	/* as known_hosts names the host:
						   "[192.0.2.10]:2222" */
	const char		*keytype;	/* "ED25519", "ECDSA", "RSA" */
	const char		*fingerprint;	/* "SHA256:..." */
	const char		*known_hosts;	/* where HKA_ALWAYS records it */
	/* SSHQ_SECRET */
	const char		*secret_kind;	/* "password", "passphrase" or
						   "enable" */
	const char		*prompt;	/* "password", "passphrase for
						   KEYFILE", "enable secret" */
};

/*
 * Questions go to the caller: the command line asks on the terminal or
 * reads files and the environment; the wizard asks on screen. A secret is
 * written into buf (NUL-terminated) and wiped by the engine after use.
 *
 * Two ways to answer. Synchronous (secret, hostkey): the engine calls and
 * waits for the return, the loop stands still meanwhile; the headless
 * commands do this. Asynchronous (ask set; secret and hostkey are then
 * not called): the engine parks the connection that asks, calls ask from
 * the loop, and goes on with every other host. A parked connection runs
 * no deadline (the time it had left is kept for when the answer comes)
 * and reads nothing. The answer comes back through ssh_answer_hostkey()
 * or ssh_answer_secret(), at once from inside ask or any time later; the
 * connection resumes from the loop, never inside the answer call.
 */
struct ssh_callbacks {
	/* kind: "password", "passphrase" (of a key file) or "enable"
	 * (ASA). 0, or -1 when there is none (said in the result). */
	int			(*secret)(void *, const struct ssh_target *,
				    const char *, const char *, char *, size_t);
	/* An unknown host key under HKP_ASK. */
	enum hostkey_answer	(*hostkey)(void *, const struct ssh_target *,
				    const char *, const char *, const char *);
	/* Something the operator should know that is not an error: a key
	 * recorded in known_hosts. May be NULL. */
	void			(*note)(void *, const struct ssh_target *,
				    const char *);
	/* Output of a running command as it arrives (raw bytes), with the
	 * arg its ssh_run was given: for a console that shows it live. May
	 * be NULL. */
	void			(*output)(void *, void *, const char *, size_t);
	/* Asynchronous questions (see above); NULL: the synchronous ones. */
	void			(*ask)(void *, const struct ssh_question *);
	void			*ctx;
};

struct ssh_opts {
	const char		*known_hosts;
	enum hostkey_policy	 policy;
	int64_t			 connect_ms;	/* TCP connect (10 s) */
	int64_t			 login_ms;	/* handshake to logged in (30 s) */
	int64_t			 idle_ms;	/* silence during a command (60 s) */
	int64_t			 first_prompt_ms; /* shell profiles (60 s) */
	int64_t			 command_ms;	/* a command's total, from its
						   start to its end, output or
						   not (5 min) */
	int			 keepalive_s;	/* 0: none (30 s) */
	size_t			 output_cap;	/* bytes kept (16 MiB) */
	size_t			 max_conns;	/* connections at work at once
						   (64); more wait their turn */
	struct ssh_callbacks	 cb;
};

/* Defaults as in the comments above. */
void	ssh_opts_default(struct ssh_opts *);

enum ssh_status {
	SSH_OK,		/* the command ran: see exit_status, output */
	SSH_E_CONNECT,	/* name did not resolve, refused, unreachable */
	SSH_E_TIMEOUT,	/* a deadline passed (message says which) */
	SSH_E_HOSTKEY,	/* unknown and refused, changed, or revoked */
	SSH_E_AUTH,	/* no authentication method worked */
	SSH_E_PROTOCOL	/* handshake, channel or connection failure */
};

struct ssh_result {
	enum ssh_status	 status;
	int		 exit_status;	/* exec profiles; -1: none */
	const char	*output;	/* stdout (exec) or the command's
					   output (shell), as received */
	size_t		 len;
	const char	*errout;	/* stderr (exec); "" otherwise */
	size_t		 errlen;
	size_t		 total;		/* bytes received, cap or not */
	int		 truncated;	/* total > output_cap: output is
					   the first output_cap bytes, no
					   byte left out before the cut */
	char		 sha256[65];	/* of everything received */
	const char	*device_error;	/* shell: the line where the device
					   said the command failed; NULL */
	const char	*message;	/* what went wrong, in words; "" */
	int64_t		 ms;		/* from queueing to the result */
};

typedef void (*ssh_done_fn)(void *, const struct ssh_target *,
    const struct ssh_result *);

struct ssh_engine;

struct ssh_engine	*ssh_engine_new(struct evloop *, const struct ssh_opts *);
void			 ssh_engine_free(struct ssh_engine *);

/*
 * Queue command on target; done is called once, from the event loop, with
 * a result valid only during the call. The target is copied. Commands on
 * one host run in order on its one session.
 */
void			 ssh_run(struct ssh_engine *, const struct ssh_target *,
			     const char *, ssh_done_fn, void *);
/* The same with this command's own total limit in ms (0: command_ms). */
void			 ssh_run_within(struct ssh_engine *,
			     const struct ssh_target *, const char *, int64_t,
			     ssh_done_fn, void *);

/* Commands queued or running. */
size_t			 ssh_pending(const struct ssh_engine *);

/*
 * The answer to question id (cb.ask). A secret is copied (the caller
 * wipes its own copy); NULL: none to give (a password or passphrase is
 * then not tried; an enable secret is empty, as an ASA without one takes).
 * HKA_REFUSE: the connection ends and nothing is sent to the host.
 * 0, or -1 when no such question waits (answered already, or its
 * connection is gone; the engine keeps no answer it did not ask for) or
 * the secret is SSH_SECRET_MAX bytes or longer (the question still waits).
 */
#define SSH_SECRET_MAX	512
int			 ssh_answer_hostkey(struct ssh_engine *, uint64_t,
			     enum hostkey_answer);
int			 ssh_answer_secret(struct ssh_engine *, uint64_t,
			     const char *);

/* Questions asked and not answered yet (cb.ask). */
size_t			 ssh_questions(const struct ssh_engine *);

const char		*ssh_status_name(enum ssh_status);

#endif
