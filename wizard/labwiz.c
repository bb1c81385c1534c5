/*
 * labwiz.c: fedwiz --lab, a newcomer's first five minutes. A fresh lab
 * (not a configured one: the newcomer does a procedure and sees its check
 * go from failing to passing, which a configured lab, where every check
 * already passes, cannot show), a practice session of lync-imp-tls on
 * the lab's answers, the wizard on that session's plan, and the lab taken
 * down when the wizard ends, however it ends.
 *
 * The lab commands run as child processes of this same binary (fedwiz lab
 * up|down --dir DIR), exactly as a person would type them, so the wizard
 * and the lab share no state but the lab's folder. While the lab starts
 * and stops, SIGINT, SIGTERM and SIGHUP are blocked here (and ignored by
 * the child, which shares the terminal), so neither is cut half-way; a
 * signal that came in the meantime ends the run at the next safe point.
 * While the wizard runs, its own handlers turn them into a normal end
 * (tui.c), after which the lab goes down. A kill -9 cannot be caught: the
 * next fedwiz --lab finds the folder whose wizard is gone (its lock file
 * is free) and takes that lab down first; fedwiz lab down --dir DIR does
 * the same by hand.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "catalog.h"
#include "cli.h"
#include "fileio.h"
#include "labwiz.h"
#include "session.h"
#include "store.h"
#include "tui.h"
#include "util.h"

#define PREFIX		"fedwiz-lab-"	/* a new lab's folder: PREFIX XXXXXX */
#define LOCKNAME	".wizard"	/* held while its wizard lives */

static volatile sig_atomic_t	got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* Where a new lab's private folder goes: $XDG_RUNTIME_DIR (the user's
 * own, 0700, gone at logout), else /tmp. */
static const char *
base_dir(void)
{
	const char	*x = getenv("XDG_RUNTIME_DIR");
	struct stat	 sb;

	if (x != NULL && *x == '/' && stat(x, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    sb.st_uid == getuid() && access(x, W_OK | X_OK) == 0)
		return x;
	return "/tmp";
}

/*
 * fedwiz [--runbooks R] lab WHAT --dir DIR, this binary, as a child; its
 * exit status (3 when it could not run). quiet: its output goes nowhere
 * (the terminal may be gone).
 */
static int
run_lab(const struct cli *cli, const char *what, const char *dir, int quiet)
{
	char		 self[PATH_MAX];
	char		*argv[10];
	sigset_t	 none;
	ssize_t		 n;
	pid_t		 pid;
	int		 st, k = 0, fd;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return EXIT_ENV;
	self[n] = '\0';
	argv[k++] = xstrdup("fedwiz");
	if (cli->runbooks != NULL) {
		argv[k++] = xstrdup("--runbooks");
		argv[k++] = xstrdup(cli->runbooks);
	}
	argv[k++] = xstrdup("lab");
	argv[k++] = xstrdup(what);
	argv[k++] = xstrdup("--dir");
	argv[k++] = xstrdup(dir);
	argv[k] = NULL;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		for (n = 0; n < k; n++)
			free(argv[n]);
		return EXIT_ENV;
	}
	if (pid == 0) {
		/* The terminal's Ctrl-C and hang-up are the parent's to act
		 * on (the lab's daemons inherit this too, and stop on TERM). */
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (quiet && (fd = open("/dev/null", O_WRONLY)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execv(self, argv);
		_exit(EXIT_ENV);
	}
	for (n = 0; n < k; n++)
		free(argv[n]);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return EXIT_ENV;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_ENV;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

/* The folder and all in it; links are removed, never followed. */
static void
rm_tree(const char *dir)
{
	(void)nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Labs an earlier fedwiz --lab left behind (killed with -9, or the
 * machine went down): this user's PREFIX folders whose lock nobody
 * holds. Each is taken down and removed.
 */
static void
sweep(const struct cli *cli, const char *base)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 sb;
	char		 path[PATH_MAX], lock[PATH_MAX + 16];
	int		 fd, stale;

	if ((dp = opendir(base)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, PREFIX, strlen(PREFIX)) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", base, de->d_name) >=
		    (int)sizeof(path) || lstat(path, &sb) == -1 ||
		    !S_ISDIR(sb.st_mode) || sb.st_uid != getuid())
			continue;
		snprintf(lock, sizeof(lock), "%s/%s", path, LOCKNAME);
		fd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		stale = fd == -1 ? errno == ENOENT : flock(fd, LOCK_EX |
		    LOCK_NB) == 0;
		if (stale) {
			printf("fedwiz: %s is a lab whose wizard was killed: "
			    "taking it down\n", path);
			(void)run_lab(cli, "down", path, 1);
			rm_tree(path);
		}
		if (fd != -1)
			close(fd);
	}
	closedir(dp);
}

/* What to try, for the newcomer: printed before the wizard, kept in
 * DIR/HOWTO for the other shell. */
static char *
howto(const char *dir, int64_t id, const struct session *s)
{
	const struct host	*fe = NULL;
	const char		*addr;
	size_t			 i;

	for (i = 0; s != NULL && s->ans != NULL && i < s->ans->nroles; i++)
		if (strcmp(s->ans->roles[i].role, "lync_fe") == 0 &&
		    s->ans->roles[i].n > 0)
			fe = &s->ans->roles[i].hosts[0];
	addr = fe == NULL ? "127.84.N.11" : fe->address != NULL ?
	    fe->address : fe->name;
	return xasprintf(
	    "PRACTICE session %lld of " LABWIZ_RUNBOOK " on a fresh training "
	    "lab in\n  %s\n"
	    "Nothing here is a real server: every host is on 127.84.x.x of "
	    "this machine.\n\n"
	    "The first five minutes:\n"
	    " 1. In the wizard, Enter opens the first procedure, "
	    "download-ca-chain@fe1;\n"
	    "    G goes to its last step, which has a check. Press c: the "
	    "check fails\n"
	    "    (the chain is not downloaded yet) and names the procedure.\n"
	    " 2. In another shell, do what the procedure says. It is clicked "
	    "in a web\n"
	    "    page, so the lab clicks it for you:\n"
	    "      fedwiz lab do download-ca-chain@fe1 --dir %s\n"
	    "    Back in the wizard, press c: the check passes and the step "
	    "is done.\n"
	    " 3. Break the lab as the field does, and find it:\n"
	    "      fedwiz lab break no-3des-tlsv1 --host fe1 --dir %s\n"
	    "    In the wizard, Esc back to the plan, type :set-up-lync-tlsv1@fe1 "
	    "and Enter\n"
	    "    (it is selected), Enter (opened), G, c: the TLSv1.0 3DES check "
	    "fails and\n"
	    "    names the procedure that fixes it.\n"
	    "    Put it back with\n"
	    "      fedwiz lab fix no-3des-tlsv1 --host fe1 --dir %s\n\n"
	    "Commands typed at a device go over SSH (the front end fe1 is a "
	    "Lync\nManagement Shell):\n"
	    "  ssh -i %s/id_ed25519 \\\n"
	    "      -o UserKnownHostsFile=%s/known_hosts -p %d %s@%s\n"
	    "fedwiz lab faults --dir %s lists what can be broken.\n\n"
	    "q quits the wizard; the lab then goes down%s.\nThe practice "
	    "session stays: fedwiz report --session %lld --format md shows "
	    "it.\n",
	    (long long)id, dir, dir, dir, dir, dir, dir,
	    fe != NULL && fe->port > 0 ? fe->port : 22,
	    fe != NULL && fe->user != NULL ? fe->user : "root", addr, dir,
	    strncmp(strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir, PREFIX,
	    strlen(PREFIX)) == 0 ? " and its folder is removed" : "",
	    (long long)id);
}

/* The practice session on the lab's answers; its id, 0 on failure
 * (said). */
static int64_t
start_session(struct cli *cli, const char *dir, char **text)
{
	struct store	*st = NULL;
	struct session	*s = NULL;
	struct diags	 d;
	const char	*op;
	char		*answers;
	int64_t		 id = 0;
	int		 rc;

	diags_init(&d);
	answers = xasprintf("%s/answers/%s.yaml", dir, LABWIZ_RUNBOOK);
	if ((op = cli_operator(cli, &d)) == NULL ||
	    (rc = cli_store(cli, 0, &st, &d)) != STORE_OK)
		goto out;
	rc = session_start(st, catalog_dir(cli->runbooks), LABWIZ_RUNBOOK,
	    answers, cli->sets, cli->nsets, op, 0, &id, &d);
	if (rc != STORE_OK) {
		id = 0;
		goto out;
	}
	if (session_open(st, id, catalog_dir(cli->runbooks), &s, &d) !=
	    STORE_OK)
		s = NULL;
	*text = howto(dir, id, s);
	session_free(s);
out:
	cli_say(&d);
	store_close(st);
	free(answers);
	return id;
}

int
labwiz_main(struct cli *cli)
{
	struct sigaction	 sa, old[3];
	sigset_t		 set, was, pending;
	const int		 sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	char			 dir[PATH_MAX], path[PATH_MAX + 16];
	char			*text = NULL, *msg = NULL;
	struct diags		 d;
	int64_t			 id = 0;
	int			 rc = EXIT_OK, own = 0, up = 0, lockfd = -1;
	size_t			 i;

	/* Before anything starts: without a terminal, say what to use. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "fedwiz: --lab opens the wizard, which needs a "
		    "terminal; for scripts: fedwiz lab up --dir DIR, then fedwiz "
		    "start " LABWIZ_RUNBOOK " --answers DIR/answers/"
		    LABWIZ_RUNBOOK ".yaml\n");
		return EXIT_USAGE;
	}
	sigemptyset(&set);
	for (i = 0; i < nitems(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, &was);

	if (*cli->lab == '\0') {
		sweep(cli, base_dir());
		snprintf(dir, sizeof(dir), "%s/" PREFIX "XXXXXX", base_dir());
		if (mkdtemp(dir) == NULL) {
			fprintf(stderr, "fedwiz: cannot make a folder for the "
			    "lab in %s: %s\n", base_dir(), strerror(errno));
			rc = EXIT_ENV;
			goto out;
		}
		own = 1;
	} else {
		if (snprintf(dir, sizeof(dir), "%s", cli->lab) >=
		    (int)sizeof(dir)) {
			fprintf(stderr, "fedwiz: --lab: the folder's name is too "
			    "long\n");
			rc = EXIT_USAGE;
			goto out;
		}
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			fprintf(stderr, "fedwiz: --lab: cannot make %s: %s\n", dir,
			    strerror(errno));
			rc = EXIT_ENV;
			goto out;
		}
	}
	/* Held while this wizard lives (not inherited by the lab's
	 * processes): a free lock marks a lab left behind. */
	snprintf(path, sizeof(path), "%s/%s", dir, LOCKNAME);
	if ((lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1 || flock(lockfd, LOCK_EX | LOCK_NB) == -1) {
		fprintf(stderr, "fedwiz: --lab: %s: %s\n", path, lockfd == -1 ?
		    strerror(errno) : "another fedwiz --lab uses this lab");
		rc = lockfd == -1 ? EXIT_ENV : EXIT_USAGE;
		goto out;
	}

	printf("Starting a fresh training lab in %s ...\n", dir);
	if ((rc = run_lab(cli, "up", dir, 0)) != EXIT_OK) {
		fprintf(stderr, "fedwiz: the lab did not start (above says "
		    "why)\n");
		up = 1;		/* what it may have started goes */
		goto out;
	}
	up = 1;
	sigpending(&pending);
	for (i = 0; i < nitems(sigs); i++)
		if (sigismember(&pending, sigs[i]))
			got_signal = sigs[i];
	if (got_signal == 0 && (id = start_session(cli, dir, &text)) == 0)
		rc = EXIT_USAGE;
	if (got_signal != 0 || id == 0)
		goto out;

	snprintf(path, sizeof(path), "%s/HOWTO", dir);
	diags_init(&d);
	if (file_write_atomic(path, text, strlen(text), &d) != 0)
		cli_say(&d);
	diags_free(&d);
	printf("\n%s\n", text);
	msg = xasprintf("PRACTICE session %lld on a fresh lab in %s: what to "
	    "try is in %s/HOWTO (cat it in another shell). Enter opens the "
	    "first procedure; q quits and takes the lab down.", (long long)id,
	    dir, dir);

	/* The wizard's handlers take over while it runs and give these
	 * back (tui.c signals()); a signal before they do is seen here. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if (got_signal == 0)
		rc = tui_main_on(cli, id, msg);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);

out:
	if (up) {
		if (got_signal != SIGHUP)
			printf("Taking the lab down ...\n");
		(void)run_lab(cli, "down", dir, got_signal == SIGHUP);
	}
	if (own)
		rm_tree(dir);
	else if (lockfd != -1) {
		snprintf(path, sizeof(path), "%s/%s", dir, LOCKNAME);
		(void)unlink(path);
	}
	if (id > 0 && got_signal != SIGHUP)
		printf("The lab is down. Practice session %lld stays in the "
		    "progress database:\n  fedwiz report --session %lld "
		    "--format md\n", (long long)id, (long long)id);
	if (lockfd != -1)
		close(lockfd);
	free(text);
	free(msg);
	/* A signal that came while the lab went down stays blocked: it
	 * would only end, with its own status, what is ending anyway. */
	(void)was;
	if (got_signal != 0 && rc == EXIT_OK && id == 0)
		rc = EXIT_ENV;
	return rc;
}
