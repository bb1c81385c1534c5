/*
 * tui-check.c: running a step's checks from the wizard. The SSH engine
 * and the probes run on the wizard's own event loop, so the screen keeps
 * answering while fifty hosts are asked. The engine's questions (an
 * unknown host key, a password) are asked on the screen, not on the raw
 * terminal curses owns: a host key with its SHA256 fingerprint and
 * accept once / always / refuse; a secret masked, asked once per kind
 * and run, wiped after.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "check.h"
#include "cli.h"
#include "secret.h"
#include "session.h"
#include "ssh.h"
#include "tui.h"
#include "util.h"

struct tui_checks {
	struct tui		*t;
	struct cli_ssh		*cs;		/* options: known_hosts ... */
	struct ssh_opts		 so;
	struct ssh_engine	*eng;
	struct secrets		 src;		/* files and environment */
	struct session		*held;		/* the session the last run's
						   outcomes point into */
	int			 reverify;	/* a resume's re-check: say
						   what changed, record nothing
						   but the evidence */
	size_t			 step;		/* what the run checks */
	char			 proc[128];
	char			 host[128];
};

/* A modal question drawn over the screen; the key pressed. */
static int
modal(struct tui *t, const char *title, const char *const *lines, size_t n)
{
	size_t	i;
	int	ch, y = 2;

	erase();
	tui_title(t, title);
	for (i = 0; i < n && y < t->rows - 1; i++)
		tui_text(t, y++, 2, t->cols - 4, TUI_PLAIN, lines[i]);
	refresh();
	nodelay(stdscr, FALSE);
	/* Ctrl-C or the end while asking: as Esc (the loop acts on it). */
	while ((ch = getch()) == ERR)
		if (tui_interrupted(t)) {
			ch = 27;
			break;
		}
	nodelay(stdscr, TRUE);
	return ch;
}

static enum hostkey_answer
on_hostkey(void *arg, const struct ssh_target *tg, const char *hostname,
    const char *type, const char *fp)
{
	struct tui_checks	*c = arg;
	char			 l1[300], l2[200], l3[200];
	const char		*lines[8];
	int			 ch;

	snprintf(l1, sizeof(l1), "Host %s (%s, port %d) is not in %s.",
	    tg->name, hostname, tg->port, c->so.known_hosts);
	snprintf(l2, sizeof(l2), "Its %s key fingerprint is", type);
	snprintf(l3, sizeof(l3), "    %s", fp);
	lines[0] = l1;
	lines[1] = "";
	lines[2] = l2;
	lines[3] = l3;
	lines[4] = "";
	lines[5] = "Compare it with the one the device's administrator reads "
	    "from the device.";
	lines[6] = "";
	lines[7] = "a  accept always (record it)   o  accept once   "
	    "r/Esc  refuse";
	for (;;) {
		ch = modal(c->t, "Unknown host key", lines, nitems(lines));
		if (ch == 'a' || ch == 'A')
			return HKA_ALWAYS;
		if (ch == 'o' || ch == 'O')
			return HKA_ONCE;
		if (ch == 'r' || ch == 'R' || ch == 'n' || ch == 27)
			return HKA_REFUSE;
	}
}

/* A secret typed on the screen, never echoed. */
static int
ask_masked(struct tui *t, const char *q, char *buf, size_t len)
{
	size_t	n = 0;
	int	ch;

	buf[0] = '\0';
	nodelay(stdscr, FALSE);
	for (;;) {
		mvhline(t->rows - 2, 0, ' ', t->cols);
		tui_text(t, t->rows - 2, 1, t->cols - 2, tui_attr(t, "warn"), q);
		refresh();
		ch = getch();
		if (ch == ERR && !tui_interrupted(t))
			continue;
		if (ch == 27 || ch == ERR) {
			wipe(buf, len);
			n = (size_t)-1;
			break;
		}
		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
			break;
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
			buf[--n] = '\0';
		else if (ch >= 32 && ch < 256 && ch != 127 && n + 1 < len) {
			buf[n++] = (char)ch;
			buf[n] = '\0';
		}
	}
	nodelay(stdscr, TRUE);
	return n == (size_t)-1 ? -1 : 0;
}

/* Kept in the one store (secret.h) for this run of checks, forgotten
 * (wiped) when the run ends. */
static int
on_secret(void *arg, const struct ssh_target *tg, const char *kind,
    const char *prompt, char *buf, size_t len)
{
	struct tui_checks	*c = arg;
	struct diags		 d;
	char			*q;
	int			 rc;

	/* Kept, a file or the environment first, as the commands do. */
	diags_init(&d);
	rc = secret_get(&c->src, kind, prompt, buf, len, &d);
	diags_free(&d);
	if (rc == -1) {
		q = xasprintf("%s for %s@%s (Esc: none): ", prompt, tg->user,
		    tg->name);
		rc = ask_masked(c->t, q, buf, len);
		free(q);
		diags_init(&d);
		if (rc == 0 && secret_keep(kind, buf, &d) == -1) {
			tui_say(c->t, 1, "%s", d.v[0].msg);
			wipe(buf, len);
			rc = -1;
		}
		diags_free(&d);
	}
	return rc;
}

static void
on_note(void *arg, const struct ssh_target *tg, const char *msg)
{
	struct tui_checks	*c = arg;

	tui_say(c->t, 0, "%s: %s", tg->name, msg);
}

static struct tui_checks *
checks_up(struct tui *t)
{
	struct tui_checks	*c;
	struct diags		 d;

	if (t->chk != NULL)
		return t->chk;
	c = xcalloc(1, sizeof(*c));
	c->t = t;
	diags_init(&d);
	if ((c->cs = cli_ssh_new(t->cli, &c->so, &d)) == NULL) {
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "cannot set up SSH");
		diags_free(&d);
		free(c);
		return NULL;
	}
	diags_free(&d);
	/* The wizard asks about an unknown key unless told otherwise. */
	if (t->cli->host_keys == NULL)
		c->so.policy = HKP_ASK;
	c->so.cb.secret = on_secret;
	c->so.cb.hostkey = on_hostkey;
	c->so.cb.note = on_note;
	c->so.cb.output = check_live_output;
	c->so.cb.ctx = c;
	c->src.password_file = t->cli->password_file;
	c->src.enable_file = t->cli->enable_file;
	c->src.interactive = 0;
	c->eng = ssh_engine_new(t->ev, &c->so);
	t->chk = c;
	return c;
}

void
tui_checks_free(struct tui *t)
{
	struct tui_checks	*c = t->chk;

	check_run_free(t->run);
	t->run = NULL;
	if (c == NULL)
		return;
	session_free(c->held);
	ssh_engine_free(c->eng);
	cli_ssh_free(c->cs);		/* forgets the secrets */
	free(c);
	t->chk = NULL;
}

int
tui_check_step(struct tui *t, size_t step)
{
	struct tui_checks	*c;
	const struct plan_inst	*in;
	struct diags		 d;

	if (t->checking) {
		tui_say(t, 1, "Checks are still running; they are on the "
		    "check console (Esc leaves them running).");
		return tui_goto(t, SCREEN_CONSOLE);
	}
	if (t->ses == NULL || t->proc == NULL ||
	    (in = session_inst(t->ses, t->proc, t->host)) == NULL)
		return SCR_REDRAW;
	if ((c = checks_up(t)) == NULL)
		return SCR_REDRAW;
	check_run_free(t->run);
	session_free(c->held);
	c->held = NULL;
	c->reverify = 0;
	t->run = check_run_new(t->ev, c->eng, t->ses->plan);
	check_run_identity(t->run, t->cli->identity);
	check_run_dns_server(t->run, t->cli->server);
	c->step = step;
	snprintf(c->proc, sizeof(c->proc), "%s", t->proc);
	snprintf(c->host, sizeof(c->host), "%s", t->host ? t->host : "");
	diags_init(&d);
	if (check_run_step(t->run, in, step, &d) == -1)
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "a check cannot be "
		    "built from the answers");
	diags_free(&d);
	t->checking = check_run_pending(t->run) > 0;
	if (!t->checking)
		tui_check_poll(t);
	return tui_goto(t, SCREEN_CONSOLE);
}

#define VERIFIED	"verified by its checks"

/* Done by its checks: the store says so (and a record from before it
 * did, by the note). */
static int
by_check(const struct store_step *ss)
{
	return ss->status == STEP_DONE && (ss->via == STEP_VIA_CHECKS ||
	    (ss->note != NULL &&
	    strcmp(ss->note, VERIFIED) == 0));
}

int
tui_check_reverify(struct tui *t)
{
	struct tui_checks	*c;
	const struct plan_inst	*in;
	struct diags		 d;
	size_t			 i, n = 0;

	if (t->ses == NULL || t->checking)
		return 0;
	for (i = 0; i < t->ses->nsteps; i++)
		if (by_check(&t->ses->steps[i]))
			n++;
	if (n == 0 || (c = checks_up(t)) == NULL)
		return 0;
	check_run_free(t->run);
	session_free(c->held);
	c->held = NULL;
	t->run = check_run_new(t->ev, c->eng, t->ses->plan);
	check_run_identity(t->run, t->cli->identity);
	check_run_dns_server(t->run, t->cli->server);
	c->reverify = 1;
	diags_init(&d);
	for (i = 0; i < t->ses->nsteps; i++) {
		if (!by_check(&t->ses->steps[i]))
			continue;
		in = session_inst(t->ses, t->ses->steps[i].proc,
		    *t->ses->steps[i].host ? t->ses->steps[i].host : NULL);
		if (in != NULL)
			(void)check_run_step(t->run, in, t->ses->steps[i].step,
			    &d);
	}
	diags_free(&d);
	t->checking = check_run_pending(t->run) > 0;
	tui_say(t, 0, "Re-verifying the %zu step%s a check completed before "
	    "(o shows them)...", n, n == 1 ? "" : "s");
	return 1;
}

/* A resume's re-check is in: what still holds, and what changed since. */
static void
finish_reverify(struct tui *t)
{
	const struct check_outcome	*v;
	struct diags			 d;
	char				 changed[256];
	size_t				 n, i, bad = 0, ran = 0;

	v = check_run_outcomes(t->run, &n);
	changed[0] = '\0';
	for (i = 0; i < n; i++) {
		if (v[i].verdict == CV_NOT_RUN)
			continue;
		ran++;
		if (v[i].verdict != CV_PASS && bad++ == 0)
			snprintf(changed, sizeof(changed), "%s%s%s step %zu",
			    v[i].inst->proc->id, v[i].inst->host ? "@" : "",
			    v[i].inst->host ? v[i].inst->host->name : "",
			    v[i].step);
	}
	diags_init(&d);
	if (ran > 0 && check_run_record(t->run, t->ses, t->operator, &d) !=
	    0) {
		tui_say(t, 1, "Re-verified, but the evidence was not recorded: "
		    "%s", d.n ? d.v[0].msg : "?");
		diags_free(&d);
		return;
	}
	diags_free(&d);
	tui_reload_evidence(t);
	if (bad == 0)
		tui_say(t, 0, "Re-verified: all %zu checks of the steps checks "
		    "completed still pass.", ran);
	else
		tui_say(t, 1, "Changed since: %zu of %zu checks no longer pass "
		    "(first: %s); o shows why.", bad, ran, changed);
}

/* Every check is in: keep the evidence; a step whose checks all ran and
 * passed is done, verified. */
static void
finish(struct tui *t)
{
	struct tui_checks		*c = t->chk;
	const struct check_outcome	*v;
	struct step_request		 r;
	struct diags			 d;
	size_t				 n, i, pass = 0, fail = 0, ran = 0;
	int				 changed = 0;

	v = check_run_outcomes(t->run, &n);
	for (i = 0; i < n; i++) {
		if (v[i].verdict == CV_NOT_RUN)
			continue;
		ran++;
		pass += v[i].verdict == CV_PASS;
		fail += v[i].verdict != CV_PASS;
	}
	diags_init(&d);
	if (ran > 0 && check_run_record(t->run, t->ses, t->operator, &d) !=
	    0) {
		tui_say(t, 1, "%s", d.n ? d.v[0].msg : "evidence not recorded");
		diags_free(&d);
		return;
	}
	diags_free(&d);
	tui_reload_evidence(t);
	if (ran == 0) {
		tui_say(t, 0, "Step %zu has no check that runs here: confirm "
		    "it yourself (d).", c->step);
		return;
	}
	if (fail > 0) {
		tui_say(t, 1, "%zu of %zu checks did not pass: the console says "
		    "why and which procedure fixes it.", fail, ran);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.proc = c->proc;
	r.host = c->host[0] ? c->host : NULL;
	r.step = c->step;
	r.to = STEP_DONE;
	r.note = VERIFIED;
	r.via = STEP_VIA_CHECKS;
	r.operator = t->operator;
	diags_init(&d);
	if (session_step(t->ses, &r, &changed, &d) != 0) {
		tui_say(t, 1, "Checks passed, but the step was not marked: %s",
		    d.n ? d.v[0].msg : "?");
		diags_free(&d);
		return;
	}
	diags_free(&d);
	/* Show what the store now says. The run's outcomes point into the
	 * plan of the session as it was: that one is held until the next
	 * run, so the console can still show them. */
	c->held = t->ses;
	t->ses = NULL;
	if (tui_open_session(t, c->held->id) == -1) {
		t->ses = c->held;
		c->held = NULL;
		return;
	}
	tui_say(t, 0, "All %zu checks passed: step %zu is done.", pass,
	    c->step);
}

int
tui_check_poll(struct tui *t)
{
	if (t->run == NULL || !t->checking ||
	    check_run_pending(t->run) > 0)
		return t->checking;
	t->checking = 0;
	secret_forget();	/* asked for this run: wiped after it */
	if (t->chk != NULL && t->chk->reverify)
		finish_reverify(t);
	else
		finish(t);
	return 1;
}
