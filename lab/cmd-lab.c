/*
 * cmd-lab.c: fedwiz lab up|down|status|reset|do: the training lab.
 *
 * `lab` takes its own options after the subcommand (--dir, --state,
 * --json, --list): there, --state names the lab's starting state (fresh
 * or configured), as the issue and DESIGN.md's command line have it,
 * while before `lab` the global --state still names fedwiz's progress
 * database (the lab's default folder is beside it).
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cmd-lab.h"
#include "cli.h"
#include "estate.h"
#include "runbook.h"
#include "ydoc.h"
#include "json.h"
#include "lab.h"
#include "labdo.h"
#include "labfault.h"
#include "labpki.h"
#include "labrun.h"
#include "labsvc.h"
#include "labtls.h"
#include "util.h"

#define READY_MS	10000

static int	cmd_lab_exec(struct cli *, int, char **);

/* `lab` reads its own options (main.c stops at the word `lab`): the usage
 * shows them in its args. */
const struct cmd_entry cmd_lab_entry = {
	.name = "lab",
	.args = "up|down|status|reset|do|faults|break|fix [PROC[@HOST]|"
	    "FAULT|--list] [--host H] [--dir DIR] [--seats N] [--seat K] "
	    "[--state fresh|configured] [--random M] [--seed S] [--json]",
	.summary = "the training lab: a federation estate on 127.0.0.0/8 "
	    "(fedwiz lab --help; doc/lab.md)",
	.opts = "",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_lab_exec,
};

static void
lab_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: fedwiz lab up|down|status|reset|do|faults|break|fix\n"
	    "        [PROC[@HOST]|FAULT|--list] [--dir DIR] [--seats N] "
	    "[--seat K]\n"
	    "        [--state fresh|configured] [--host H] [--random M] "
	    "[--seed S] [--json]\n"
	    "\n"
	    "       fedwiz lab up [--dir DIR] [--state fresh|configured] "
	    "[--seats N]\n"
	    "       fedwiz lab down [--dir DIR]\n"
	    "       fedwiz lab status [--dir DIR] [--json]\n"
	    "       fedwiz lab reset [--dir DIR] [--state fresh|configured]\n"
	    "       fedwiz lab do PROC[@HOST] [--dir DIR]\n"
	    "       fedwiz lab do --list [--dir DIR] [--json]\n"
	    "       fedwiz lab faults [--dir DIR] [--json]\n"
	    "       fedwiz lab break FAULT [--host H] [--dir DIR]\n"
	    "       fedwiz lab break --random M [--seed S] [--dir DIR]\n"
	    "       fedwiz lab fix FAULT [--host H] [--dir DIR]\n"
	    "       (on a class, every one of them also takes --seat K)\n"
	    "\n"
	    "  --dir DIR      the lab's folder (default: lab/ beside fedwiz's "
	    "state\n"
	    "                 database, $XDG_STATE_HOME/fedwiz/lab)\n"
	    "  --state S      fresh (nothing of the runbooks done) or "
	    "configured (all done)\n"
	    "  --json         one JSON document on standard output\n"
	    "  --list         (do) the procedures the lab can click for you\n"
	    "  --host H       (break, fix) the host (default: the fault's "
	    "first)\n"
	    "  --seats N      (up) a class: N labs, DIR/seat-01 to seat-NN, "
	    "one per trainee;\n"
	    "                 down, reset, status and break --random on DIR "
	    "act on every seat\n"
	    "  --seat K       one seat of the class in DIR (as --dir "
	    "DIR/seat-KK)\n"
	    "  --random M     (break) M faults chosen for each lab or seat; "
	    "prints the seed\n"
	    "  --seed S       (break --random) the same choice again\n"
	    "See doc/lab.md.\n");
}

/* The default folder: lab/ beside the progress database. */
static char *
default_dir(const struct cli *cli)
{
	const char	*st = cli->state, *x, *home;
	char		*copy, *slash, *dir;

	if (st == NULL && (st = getenv("FEDWIZ_STATE")) != NULL && *st == '\0')
		st = NULL;
	if (st != NULL) {
		copy = xstrdup(st);
		slash = strrchr(copy, '/');
		if (slash == NULL)
			dir = xstrdup("lab");
		else {
			*slash = '\0';
			dir = xasprintf("%s/lab", *copy ? copy : "");
		}
		free(copy);
		return dir;
	}
	if ((x = getenv("XDG_STATE_HOME")) != NULL && *x == '/')
		return xasprintf("%s/fedwiz/lab", x);
	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		struct passwd	*pw = getpwuid(getuid());

		home = pw ? pw->pw_dir : "/";
	}
	return xasprintf("%s/.local/state/fedwiz/lab", home);
}

static int
exit_of(int rc)
{
	switch (rc) {
	case LAB_OK:
		return EXIT_OK;
	case LAB_EINPUT:
	case LAB_ESTATE:
		return EXIT_USAGE;
	default:
		return EXIT_ENV;
	}
}

/* One lab command at a time per folder. */
int
cmd_lab_lock(const char *dir, int create, struct diags *d)
{
	char	*p;
	int	 fd;

	if (create) {
		char	*cmd = xstrdup(dir), *s;

		for (s = cmd + 1; *s != '\0'; s++)
			if (*s == '/') {
				*s = '\0';
				mkdir(cmd, 0700);
				*s = '/';
			}
		mkdir(cmd, 0700);
		free(cmd);
	}
	p = xasprintf("%s/.lock", dir);
	fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		diags_add(d, dir, 0, 0, errno == ENOENT ? "no lab here (start "
		    "one with fedwiz lab up --dir %s)" : "cannot lock the lab: "
		    "%s", errno == ENOENT ? dir : strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		fprintf(stderr, "fedwiz: lab: another fedwiz lab command is "
		    "working on %s; waiting for it\n", dir);
		flock(fd, LOCK_EX);
	}
	return fd;
}

double
cmd_lab_elapsed(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* FEDWIZ_LAB_TIMES=1: how long each phase of up took (bench/lab.sh). */
static void
phase(const struct timespec *t0, const char *what)
{
	const char	*e = getenv("FEDWIZ_LAB_TIMES");

	if (e != NULL && *e != '\0' && strcmp(e, "0") != 0)
		fprintf(stderr, "lab up: %6.3f s %s\n", cmd_lab_elapsed(t0), what);
}

/* Stop every recorded process; the shells of sessions left behind too. */
static int
stop_all(struct lab *lab)
{
	char	**names;
	size_t	 n, i;
	int	 stopped = 0;

	names = labrun_names(lab, &n);
	for (i = 0; i < n; i++) {
		stopped += labrun_stop(lab, names[i]);
		free(names[i]);
	}
	free(names);
	labrun_sweep(lab);
	return stopped;
}

static void
print_hosts(struct lab *lab)
{
	struct lab_host	*hv;
	size_t		 n, i;

	lab_hosts(lab, &hv, &n);
	printf("  %-10s %-10s %-15s %-26s %s\n", "host", "kind", "address",
	    "name", "runbook");
	for (i = 0; i < n; i++) {
		if (strcmp(hv[i].kind, "alias") == 0)
			continue;
		printf("  %-10s %-10s %-15s %-26s %s\n", hv[i].name, hv[i].kind,
		    hv[i].address, hv[i].fqdn, hv[i].runbooks);
	}
	free(hv);
}

static void
print_try(struct lab *lab)
{
	char	*user = lab_meta(lab, "user");
	char	*block = lab_meta(lab, "block");
	int	 port = labsvc_ssh_port(lab);

	printf("  answers: %s/answers/RUNBOOK.yaml (one per runbook)\n",
	    lab->dir);
	printf("  try:     ssh -i %s/id_ed25519 -o UserKnownHostsFile=%s/"
	    "known_hosts -p %d %s@%s.11\n", lab->dir, lab->dir, port,
	    user ? user : "root", block);
	printf("           fedwiz check lync-imp-tls --answers %s/answers/"
	    "lync-imp-tls.yaml\n", lab->dir);
	free(user);
	free(block);
}

static int
validate_state(const char *s, struct diags *d)
{
	if (s == NULL || strcmp(s, "fresh") == 0 ||
	    strcmp(s, "configured") == 0)
		return 0;
	diags_add(d, "--state", 0, 0, "'%s' is not a lab state: fresh or "
	    "configured (before `lab`, --state names fedwiz's database)", s);
	return -1;
}

int
cmd_lab_up(struct labopt *o, struct diags *d)
{
	struct lab		*lab = NULL;
	struct timespec		 t0;
	struct estate_net	 net;
	struct passwd		*pw;
	char			 **names, *state;
	size_t			 n, i, nalive = 0;
	int			 fd = -1, rc = LAB_OK, isnew, stale = 0;
	char			*db;
	struct stat		 sb;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (validate_state(o->state, d) != 0)
		return LAB_EINPUT;
	if ((fd = cmd_lab_lock(o->dir, 1, d)) == -1)
		return LAB_EENV;
	db = xasprintf("%s/lab.db", o->dir);
	isnew = stat(db, &sb) == -1;
	free(db);
	if ((rc = lab_open(o->dir, 1, &lab, d)) != LAB_OK)
		goto out;
	lab->who = "lab up";
	if (!isnew) {
		names = labrun_names(lab, &n);
		for (i = 0; i < n; i++)
			if (labrun_alive(lab, names[i]) > 0)
				nalive++;
		if (n > 0 && nalive == n) {
			diags_add(d, lab->dir, 0, 0, "this lab is already up "
			    "(%zu processes); fedwiz lab status --dir %s shows "
			    "it, fedwiz lab down --dir %s stops it", n,
			    lab->dir, lab->dir);
			rc = LAB_ESTATE;
		} else if (n > 0) {
			/* A lab killed with -9 (or a process of it): what is
			 * left is stopped, then all of it starts again. */
			fprintf(stderr, "fedwiz: lab: %s was not stopped "
			    "cleanly (%zu of its %zu processes are gone); "
			    "starting it again\n", lab->dir, n - nalive, n);
			stale = 1;
		}
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		if (rc != LAB_OK)
			goto out;
		if (stale)
			stop_all(lab);
		labrun_sweep(lab);
	}
	if (isnew) {
		memset(&net, 0, sizeof(net));
		if (labrun_claim_block(lab->dir, net.block, sizeof(net.block),
		    d) != 0) {
			rc = LAB_EENV;
			goto out;
		}
		/* Port 22 and 53 as on the devices when root may have them;
		 * else high ports (the answers carry the port). */
		{
			char	*first = xasprintf("%s.10", net.block);

			net.ssh_port = geteuid() == 0 &&
			    labrun_bindable(first, 22, 0) == 0 ? 22 : 2222;
			net.dns_port = geteuid() == 0 &&
			    labrun_bindable(first, 53, 1) == 0 ? 53 : 5353;
			free(first);
		}
		phase(&t0, "block claimed");
		pw = getpwuid(geteuid());
		snprintf(net.user, sizeof(net.user), "%s", pw ? pw->pw_name :
		    "root");
		net.keypool = o->keypool;
		net.cakey = o->cakey;
		lab_begin(lab);
		estate_create(lab, &net);
		lab_commit(lab);
		phase(&t0, "estate and RSA keys made");
		if (labsvc_keys(lab, d) != 0) {
			rc = LAB_EENV;
			goto out;
		}
		phase(&t0, "SSH keys made");
	}
	/* How long an IM and Presence CLI takes to its first prompt (about
	 * 8 s on a real node; tests make it short). */
	{
		const char	*vd = getenv("FEDWIZ_LAB_VOS_DELAY");

		if (vd != NULL && *vd != '\0') {
			lab_begin(lab);
			lab_meta_setf(lab, "vos_delay_ms", "%d", (int)(atof(vd) *
			    1000));
			lab_commit(lab);
		}
	}
	state = lab_meta(lab, "state");
	if (isnew || (o->state != NULL && (state == NULL ||
	    strcmp(state, o->state) != 0))) {
		const char	*want = o->state ? o->state : "fresh";

		lab_begin(lab);
		estate_build(lab, want);
		lab_commit(lab);
		phase(&t0, "state built");
	}
	free(state);
	if (estate_answers(lab, o->runbooks, d) != 0 || labsvc_known_hosts(lab, d) != 0) {
		rc = LAB_EENV;
		goto out;
	}
	phase(&t0, "answers and known_hosts written");
	if (labsvc_start(lab, READY_MS, d) != 0) {
		/* Nothing half-started stays behind. */
		stop_all(lab);
		rc = LAB_EENV;
		goto out;
	}
	state = lab_meta(lab, "state");
	printf("lab up: %s (%s), ready in %.1f s\n", lab->dir, state ? state :
	    "?", cmd_lab_elapsed(&t0));
	free(state);
	{
		char	*block = lab_meta(lab, "block");

		printf("  addresses %s.0/24, DNS %s.2:%lld, SSH port %d\n", block,
		    block, (long long)lab_meta_int(lab, "dns_port", 53),
		    labsvc_ssh_port(lab));
		free(block);
	}
	print_hosts(lab);
	print_try(lab);
out:
	lab_close(lab);
	if (fd != -1)
		close(fd);
	return rc;
}

int
cmd_lab_down(struct labopt *o, struct diags *d)
{
	struct lab	*lab = NULL;
	int		 fd, rc, n, busy, i;
	char		*block;
	struct timespec	 ts = { 0, 50 * 1000 * 1000 };

	if ((fd = cmd_lab_lock(o->dir, 0, d)) == -1)
		return LAB_ESTATE;
	if ((rc = lab_open(o->dir, 0, &lab, d)) != LAB_OK)
		goto out;
	n = stop_all(lab);
	/* Sessions end when their sshd and shell are gone; wait for their
	 * sockets to close. */
	block = lab_meta(lab, "block");
	for (i = 0; i < 60 && (busy = labrun_block_busy(block)) > 0; i++)
		nanosleep(&ts, NULL);
	if ((busy = labrun_block_busy(block)) > 0)
		fprintf(stderr, "fedwiz: lab: %d sockets still listen in "
		    "%s.0/24 after down: not this lab's processes (fedwiz lab "
		    "down stops only what it started)\n", busy, block);
	free(block);
	printf("lab down: %s (%d processes stopped)\n", lab->dir, n);
out:
	lab_close(lab);
	close(fd);
	return rc;
}

/* ---- faults (lab/labfault.c) ------------------------------------------ */

/* Each recorded injection, in or fixed as the state says now. */
static void
faults_status(struct lab *lab, struct json *j)
{
	struct lab_fault_inj	*v;
	size_t			 n, i;

	lab_fault_injected(lab, &v, &n);
	if (j != NULL) {
		json_key(j, "faults");
		json_arr_begin(j);
	} else if (n > 0)
		printf("  faults broken (fedwiz lab faults; fedwiz lab fix "
		    "FAULT --host H undoes one):\n");
	for (i = 0; i < n; i++) {
		const struct lab_fault	*f = lab_fault_find(v[i].id);
		int			 in = f ? lab_fault_present(lab, f,
					    v[i].host) : -1;
		const char		*st = in == 1 ? "in" : in == 0 ?
					    "fixed" : "unknown";

		if (j != NULL) {
			json_obj_begin(j);
			json_kstr(j, "fault", v[i].id);
			json_kstr(j, "host", v[i].host);
			json_kint(j, "at", v[i].at);
			json_kstr(j, "state", st);
			json_obj_end(j);
		} else
			printf("    %-24s %-8s %s\n", v[i].id, v[i].host, st);
	}
	if (j != NULL)
		json_arr_end(j);
	free(v);
}

/* The words of a space-separated list as a JSON array. */
static void
json_words(struct json *j, const char *key, const char *list)
{
	char	*copy = xstrdup(list), *w, *save;

	json_key(j, key);
	json_arr_begin(j);
	for (w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL,
	    " ", &save))
		json_str(j, w);
	json_arr_end(j);
	free(copy);
}

static int
lab_faults_list(struct labopt *o, struct diags *d)
{
	struct lab		*lab = NULL;
	struct lab_fault_inj	*v = NULL;
	struct json		 j;
	size_t			 n = 0, i, k;
	char			*db = xasprintf("%s/lab.db", o->dir);
	int			 have = access(db, F_OK) == 0;

	free(db);
	/* Without a lab the table is still worth reading. */
	if (have && lab_open(o->dir, 0, &lab, d) != LAB_OK)
		return LAB_EENV;
	if (lab != NULL)
		lab_fault_injected(lab, &v, &n);
	if (o->json) {
		json_init(&j, stdout);
		json_arr_begin(&j);
	} else if (lab == NULL)
		printf("no lab in %s: the faults a lab can have (fedwiz lab up "
		    "--dir %s starts one)\n\n", o->dir, o->dir);
	for (i = 0; i < lab_nfaults; i++) {
		const struct lab_fault	*f = &lab_faults[i];

		if (o->json) {
			json_obj_begin(&j);
			json_kstr(&j, "id", f->id);
			json_kstr(&j, "summary", f->summary);
			json_kstr(&j, "breaks", f->breaks);
			json_words(&j, "hosts", f->hosts);
			json_words(&j, "runbooks", f->runbooks);
			json_kstr(&j, "remedy", f->remedy);
			json_key(&j, "broken");
			json_arr_begin(&j);
		} else
			printf("%s\n    %s\n    breaks:   %s\n    hosts:    %s "
			    "(the first unless --host)\n    runbooks: %s\n    "
			    "put right by: %s\n", f->id, f->summary, f->breaks,
			    f->hosts, f->runbooks, f->remedy);
		for (k = 0; k < n; k++) {
			int	in;

			if (strcmp(v[k].id, f->id) != 0)
				continue;
			in = lab_fault_present(lab, f, v[k].host);
			if (o->json) {
				json_obj_begin(&j);
				json_kstr(&j, "host", v[k].host);
				json_kint(&j, "at", v[k].at);
				json_kstr(&j, "state", in == 1 ? "in" :
				    in == 0 ? "fixed" : "unknown");
				json_obj_end(&j);
			} else
				printf("    broken on %s: %s\n", v[k].host,
				    in == 1 ? "in" : in == 0 ? "fixed (the "
				    "state is right again)" : "unknown");
		}
		if (o->json) {
			json_arr_end(&j);
			json_obj_end(&j);
		}
	}
	if (o->json) {
		json_arr_end(&j);
		json_end(&j);
	}
	free(v);
	lab_close(lab);
	return LAB_OK;
}

static int
lab_break_fix(struct labopt *o, int brk, int argc, char **argv,
    struct diags *d)
{
	const struct lab_fault	*f;
	struct lab		*lab = NULL;
	const char		*verb = brk ? "break" : "fix";
	char			*log;
	int64_t			 mark;
	int			 fd, rc;

	if (argc != 1) {
		diags_add(d, verb, 0, 0, "give one FAULT (fedwiz lab faults "
		    "lists them)");
		return LAB_EINPUT;
	}
	if ((f = lab_fault_find(argv[0])) == NULL) {
		diags_add(d, argv[0], 0, 0, "no such fault (fedwiz lab faults "
		    "lists them)");
		return LAB_EINPUT;
	}
	if ((fd = cmd_lab_lock(o->dir, 0, d)) == -1)
		return LAB_ESTATE;
	if ((rc = lab_open(o->dir, 0, &lab, d)) != LAB_OK)
		goto out;
	lab->who = brk ? "lab break" : "lab fix";
	lab->settle = labrun_settle;
	free(lab_log_since(lab, 0, &mark));
	rc = brk ? lab_fault_break(lab, f, o->host, d) : lab_fault_fix(lab, f,
	    o->host, d);
	if (rc == LAB_OK) {
		char	host[32];

		snprintf(host, sizeof(host), "%s", o->host ? o->host :
		    f->hosts);
		host[strcspn(host, " ")] = '\0';
		log = lab_log_since(lab, mark, &mark);
		printf("lab %s %s on %s: %s\n%s", verb, f->id, host,
		    *log == '\0' ? (brk ? "it was in already" : "it was not "
		    "in: nothing to change") : (brk ? f->breaks :
		    "back as the procedure leaves it"), log);
		free(log);
	}
out:
	lab_close(lab);
	close(fd);
	return rc;
}

void
cmd_lab_diags(const struct diags *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "fedwiz: lab: %s%s%s\n", d->v[i].file ?
		    d->v[i].file : "", d->v[i].file ? ": " : "", d->v[i].msg);
}

static const char *
proc_state(struct lab *lab, const char *name)
{
	return labrun_alive(lab, name) > 0 ? "running" : "gone";
}

int
cmd_lab_status(struct labopt *o, struct diags *d)
{
	struct lab	*lab = NULL;
	struct lab_host	*hv;
	struct json	 j;
	char		**names, *state, *block, *user;
	size_t		 n, i, nh, alive = 0;
	int		 rc;

	if ((rc = lab_open(o->dir, 0, &lab, d)) != LAB_OK)
		return rc;
	names = labrun_names(lab, &n);
	for (i = 0; i < n; i++)
		if (labrun_alive(lab, names[i]) > 0)
			alive++;
	state = lab_meta(lab, "state");
	block = lab_meta(lab, "block");
	user = lab_meta(lab, "user");
	if (o->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kstr(&j, "dir", lab->dir);
		json_kstr(&j, "state", state ? state : "");
		json_kstr(&j, "running", alive == 0 ? "down" : alive == n ?
		    "up" : "stale");
		json_kint(&j, "generation", lab_gen(lab));
		json_kstr(&j, "block", block ? block : "");
		json_kint(&j, "ssh_port", labsvc_ssh_port(lab));
		json_kint(&j, "dns_port", lab_meta_int(lab, "dns_port", 53));
		json_kstr(&j, "user", user ? user : "");
		json_key(&j, "processes");
		json_arr_begin(&j);
		for (i = 0; i < n; i++) {
			json_obj_begin(&j);
			json_kstr(&j, "name", names[i]);
			json_kint(&j, "pid", labrun_alive(lab, names[i]));
			json_kstr(&j, "state", proc_state(lab, names[i]));
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_key(&j, "hosts");
		json_arr_begin(&j);
		lab_hosts(lab, &hv, &nh);
		for (i = 0; i < nh; i++) {
			json_obj_begin(&j);
			json_kstr(&j, "name", hv[i].name);
			if (strcmp(hv[i].kind, "alias") == 0) {
				struct lab_host	t;

				/* An inventory name for another host (a
				 * Standard Edition server is its own pool). */
				if (lab_host_get(lab, hv[i].scope, &t) == 0)
					json_kstr(&j, "kind", t.kind);
				json_kstr(&j, "alias_of", hv[i].scope);
			} else
				json_kstr(&j, "kind", hv[i].kind);
			json_kstr(&j, "address", hv[i].address);
			json_kstr(&j, "fqdn", hv[i].fqdn);
			json_kstr(&j, "profile", hv[i].profile);
			json_kstr(&j, "runbooks", hv[i].runbooks);
			if (strcmp(hv[i].kind, "alias") != 0) {
				char	*dg = lab_host_digest(lab, hv[i].name,
				    hv[i].scope);

				json_kstr(&j, "digest", dg);
				free(dg);
			}
			json_obj_end(&j);
		}
		free(hv);
		json_arr_end(&j);
		faults_status(lab, &j);
		json_obj_end(&j);
		json_end(&j);
	} else {
		printf("lab %s: %s, %s\n", lab->dir, state ? state : "?",
		    alive == 0 ? "down" : alive == n ? "up" :
		    "stale (some of its processes are gone: fedwiz lab up "
		    "starts it again)");
		for (i = 0; i < n; i++)
			printf("  %-10s %s (pid %d)\n", names[i],
			    proc_state(lab, names[i]),
			    (int)labrun_alive(lab, names[i]));
		printf("  addresses %s.0/24, DNS %s.2:%lld, SSH port %d, user "
		    "%s, state generation %lld\n", block, block,
		    (long long)lab_meta_int(lab, "dns_port", 53),
		    labsvc_ssh_port(lab), user ? user : "?",
		    (long long)lab_gen(lab));
		print_hosts(lab);
		faults_status(lab, NULL);
		print_try(lab);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(state);
	free(block);
	free(user);
	lab_close(lab);
	return LAB_OK;
}

int
cmd_lab_reset(struct labopt *o, struct diags *d)
{
	struct lab	*lab = NULL;
	char		*state;
	int		 fd, rc;

	if (validate_state(o->state, d) != 0)
		return LAB_EINPUT;
	if ((fd = cmd_lab_lock(o->dir, 0, d)) == -1)
		return LAB_ESTATE;
	if ((rc = lab_open(o->dir, 0, &lab, d)) != LAB_OK)
		goto out;
	lab->settle = labrun_settle;
	state = o->state ? xstrdup(o->state) : lab_meta(lab, "state");
	if (state == NULL)
		state = xstrdup("fresh");
	lab_begin(lab);
	estate_build(lab, state);
	lab_fault_forget_all(lab);
	lab_commit(lab);
	if (estate_answers(lab, o->runbooks, d) != 0 || labsvc_dns_sync(lab, d) != 0)
		rc = LAB_EENV;
	else
		printf("lab reset: %s is %s again\n", lab->dir, state);
	free(state);
out:
	lab_close(lab);
	close(fd);
	return rc;
}

static int
lab_do_list(struct labopt *o)
{
	const struct labdo_entry	*e;
	struct json			 j;

	if (o->json) {
		json_init(&j, stdout);
		json_arr_begin(&j);
		for (e = labdo_table; e->proc != NULL; e++) {
			json_obj_begin(&j);
			json_kstr(&j, "procedure", e->proc);
			json_kstr(&j, "kinds", e->kinds);
			json_kbool(&j, "typed", e->typed);
			json_kstr(&j, "what", e->what);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_end(&j);
		return LAB_OK;
	}
	printf("%-40s %-22s %s\n", "procedure", "on", "what the lab clicks");
	for (e = labdo_table; e->proc != NULL; e++)
		printf("%-40s %-22s %s\n", e->proc, e->kinds, e->what);
	return LAB_OK;
}

/* Whether a host serves a runbook (its runbooks list, or "all"). */
static int
serves(const struct lab_host *h, const char *rb)
{
	const char	*p = h->runbooks;
	size_t		 n = strlen(rb);

	if (strcmp(p, "all") == 0)
		return 1;
	for (; (p = strstr(p, rb)) != NULL; p += n)
		if ((p == h->runbooks || p[-1] == ' ') && (p[n] == '\0' ||
		    p[n] == ' '))
			return 1;
	return 0;
}

/* Whether the runbook file says the procedure is done once for its role
 * (`once: true`), read from its text whatever the loader's version. */
static int
proc_once(const char *path, const char *proc)
{
	struct ydoc	*doc = NULL;
	struct diags	 q;
	struct ynode	*ps, *id, *once;
	size_t		 i;
	int		 r = 0;

	diags_init(&q);
	if (ydoc_load(path, &doc, &q) == 0 && doc->root != NULL &&
	    (ps = ymap_get(doc->root, "procedures")) != NULL &&
	    ps->kind == Y_SEQ)
		for (i = 0; i < ps->n; i++)
			if (ps->items[i]->kind == Y_MAP &&
			    (id = ymap_get(ps->items[i], "id")) != NULL &&
			    id->kind == Y_SCALAR && strcmp(id->str, proc) == 0 &&
			    (once = ymap_get(ps->items[i], "once")) != NULL &&
			    once->kind == Y_SCALAR)
				r = strcmp(once->str, "true") == 0;
	diags_free(&q);
	ydoc_free(doc);
	return r;
}

/*
 * PROC without @HOST: the host of the lab it clicks on. Among the hosts
 * of a kind that has it, those serving a runbook that has a procedure of
 * that id; when several of one runbook are left and the runbook does
 * that procedure once for its role (`once: true`: an instance without a
 * host), the first of them. Its name in static storage; NULL with a diag
 * when none, or several.
 */
static char *
do_host(struct lab *lab, const char *proc, const char *rbdir, struct diags *d)
{
	static char		 name[64];
	struct lab_host		*hv;
	struct buf		 b;
	struct runbook		*rb;
	struct diags		 q;
	const char		*which = NULL;
	size_t			 n, i, k, found = 0, nrb = 0;
	int			 once = 0;

	lab_hosts(lab, &hv, &n);
	buf_init(&b);
	for (k = 0; estate_runbooks[k] != NULL; k++) {
		int	has = 0;

		diags_init(&q);
		if (catalog_open(rbdir, estate_runbooks[k], &rb, &q) == 0) {
			for (i = 0; i < rb->nprocs; i++)
				has |= strcmp(rb->procs[i].id, proc) == 0;
			if (has)
				once = proc_once(rb->path, proc);
			runbook_free(rb);
		}
		diags_free(&q);
		if (!has)
			continue;
		for (i = 0; i < n; i++) {
			if (strcmp(hv[i].kind, "alias") == 0 ||
			    labdo_find(proc, hv[i].kind) == NULL ||
			    !serves(&hv[i], estate_runbooks[k]))
				continue;
			if (found++ == 0) {
				snprintf(name, sizeof(name), "%s", hv[i].name);
				which = estate_runbooks[k];
			}
			if (which != estate_runbooks[k])
				nrb++;
			buf_printf(&b, "%s%s@%s", found > 1 ? ", " : "", proc,
			    hv[i].name);
		}
	}
	free(hv);
	if (found == 0)
		diags_add(d, proc, 0, 0, "the lab has nothing to click for %s: "
		    "its steps are typed at the device, or no runbook of the "
		    "lab has it (fedwiz lab do --list)", proc);
	else if (nrb > 0 || (found > 1 && !once))
		diags_add(d, proc, 0, 0, "%s runs on several hosts of the lab: "
		    "say which: %s", proc, b.s);
	buf_free(&b);
	return found == 1 || (found > 1 && nrb == 0 && once) ? name : NULL;
}

static int
lab_do(struct labopt *o, int argc, char **argv, struct diags *d)
{
	const struct labdo_entry	*e;
	struct lab			*lab = NULL;
	struct lab_host			 h;
	char				*proc, *at, *why = NULL, *log;
	int64_t				 before, after;
	int				 fd, rc;

	if (o->list)
		return lab_do_list(o);
	if (argc != 1) {
		diags_add(d, "lab do", 0, 0, "give one PROC[@HOST] (fedwiz lab do "
		    "--list shows what the lab can do)");
		return LAB_EINPUT;
	}
	proc = xstrdup(argv[0]);
	if ((at = strchr(proc, '@')) != NULL && (at == proc || at[1] == '\0')) {
		diags_add(d, argv[0], 0, 0, "expected PROC[@HOST], e.g. "
		    "install-ca-chain@fe1 (the instance as fedwiz plan and "
		    "status name it)");
		free(proc);
		return LAB_EINPUT;
	}
	if (at != NULL)
		*at++ = '\0';
	if ((fd = cmd_lab_lock(o->dir, 0, d)) == -1) {
		free(proc);
		return LAB_ESTATE;
	}
	if ((rc = lab_open(o->dir, 0, &lab, d)) != LAB_OK)
		goto out;
	lab->who = "lab do";
	lab->settle = labrun_settle;
	if (at == NULL && (at = do_host(lab, proc, o->runbooks, d)) == NULL) {
		rc = LAB_EINPUT;
		goto out;
	}
	if (estate_host(lab, at, &h) == -1) {
		diags_add(d, at, 0, 0, "no host %s in this lab (fedwiz lab "
		    "status lists them)", at);
		rc = LAB_EINPUT;
		goto out;
	}
	if ((e = labdo_find(proc, h.kind)) == NULL) {
		diags_add(d, argv[0], 0, 0, "the lab has nothing to click for "
		    "%s on %s (%s): its steps are typed at the device, or it "
		    "is not a procedure of %s's runbook (fedwiz lab do --list)",
		    proc, h.name, h.kind, h.name);
		rc = LAB_EINPUT;
		goto out;
	}
	before = lab_gen(lab);
	{
		int64_t	mark;

		free(lab_log_since(lab, 0, &mark));
		lab_begin(lab);
		if (e->apply(lab, &h, &why) != 0) {
			lab_rollback(lab);
			diags_add(d, argv[0], 0, 0, "%s", why ? why :
			    "cannot be done now");
			free(why);
			rc = LAB_ESTATE;
			goto out;
		}
		lab_commit(lab);
		log = lab_log_since(lab, mark, &mark);
	}
	after = lab_gen(lab);
	if (after == before && *log == '\0')
		printf("lab do %s@%s: nothing to change (%s)%s%s\n", proc,
		    h.name, e->what, why ? ": " : "", why ? why : "");
	else
		printf("lab do %s@%s: %s\n%s", proc, h.name, e->what, log);
	free(log);
	free(why);
	if (labsvc_dns_sync(lab, d) != 0)
		rc = LAB_EENV;
out:
	free(proc);
	lab_close(lab);
	close(fd);
	return rc;
}

static int
cmd_lab_exec(struct cli *cli, int argc, char **argv)
{
	static const struct option	lo[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "list", no_argument, NULL, 'l' },
		{ "seats", required_argument, NULL, 'S' },
		{ "seat", required_argument, NULL, 'K' },
		{ "random", required_argument, NULL, 'R' },
		{ "seed", required_argument, NULL, 'E' },
		{ "host", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct labopt	 o;
	struct diags	 d;
	const char	*sub;
	char		*dir = NULL;
	int		 c, rc;

	memset(&o, 0, sizeof(o));
	diags_init(&d);
	sub = argv[0];
	if (cli->help || strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
	    strcmp(sub, "help") == 0 || strcmp(sub, "lab") == 0) {
		lab_usage(stdout);
		return EXIT_OK;
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dir = optarg;
			break;
		case 's':
			o.state = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'l':
			o.list = 1;
			break;
		case 'S':
		case 'K':
		case 'R':
			{
				char	*end;
				long	 v;

				errno = 0;
				v = strtol(optarg, &end, 10);
				if (errno != 0 || end == optarg || *end != '\0') {
					fprintf(stderr, "fedwiz: lab: %s '%s': "
					    "expected a number\n", c == 'S' ?
					    "--seats" : c == 'K' ? "--seat" :
					    "--random", optarg);
					return EXIT_USAGE;
				}
				if (c == 'S') {
					o.has_seats = 1;
					o.seats = v;
				} else if (c == 'K') {
					o.has_seat = 1;
					o.seat = v;
				} else {
					o.has_random = 1;
					o.random = v;
				}
			}
			break;
		case 'E':
			o.seed = optarg;
			break;
		case 'H':
			o.host = optarg;
			break;
		case 'h':
			lab_usage(stdout);
			return EXIT_OK;
		case ':':
			fprintf(stderr, "fedwiz: lab: %s needs a value\n",
			    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "fedwiz: lab: unknown option '%s'\n",
			    argv[optind - 1]);
			lab_usage(stderr);
			return EXIT_USAGE;
		}
	}
	o.runbooks = catalog_dir(cli->runbooks);
	if (o.dir == NULL)
		o.dir = dir = default_dir(cli);
	if (o.dir[0] == '\0') {
		fprintf(stderr, "fedwiz: lab: --dir is empty\n");
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	/* A class of labs, or one seat of it (--seat K: o.dir is the seat's
	 * folder from here on). */
	if (cmd_lab_class(&o, sub, argc, argv, &rc, &d))
		;
	else if (strcmp(sub, "up") == 0 && argc == 0)
		rc = cmd_lab_up(&o, &d);
	else if (strcmp(sub, "down") == 0 && argc == 0)
		rc = cmd_lab_down(&o, &d);
	else if (strcmp(sub, "status") == 0 && argc == 0)
		rc = cmd_lab_status(&o, &d);
	else if (strcmp(sub, "reset") == 0 && argc == 0)
		rc = cmd_lab_reset(&o, &d);
	else if (strcmp(sub, "do") == 0)
		rc = lab_do(&o, argc, argv, &d);
	else if (strcmp(sub, "faults") == 0 && argc == 0)
		rc = lab_faults_list(&o, &d);
	else if (strcmp(sub, "break") == 0 || strcmp(sub, "fix") == 0)
		rc = lab_break_fix(&o, strcmp(sub, "break") == 0, argc, argv,
		    &d);
	else {
		if (strcmp(sub, "up") && strcmp(sub, "down") &&
		    strcmp(sub, "status") && strcmp(sub, "reset") &&
		    strcmp(sub, "faults"))
			fprintf(stderr, "fedwiz: lab: unknown subcommand '%s'\n",
			    sub);
		else
			fprintf(stderr, "fedwiz: lab %s takes no argument "
			    "'%s'\n", sub, argv[0]);
		lab_usage(stderr);
		free(dir);
		free(o.seatdir);
		return EXIT_USAGE;
	}
	cmd_lab_diags(&d);
	diags_free(&d);
	free(dir);
	free(o.seatdir);
	return exit_of(rc);
}
