/*
 * cmd-lab-class.c: a class of labs, one per trainee (`fedwiz lab up
 * --seats N`, `--seat K`).
 *
 * A class is a folder: DIR/class says how many seats it has, and each
 * seat DIR/seat-01 ... is a lab of its own, exactly as `lab up --dir`
 * makes one (its own address block, ports, state, keys, answers,
 * known_hosts), so everything that works on a lab works on a seat with
 * --dir DIR/seat-03, or with --dir DIR --seat 3. `up`, `down`, `status`
 * and `reset` on the class act on every seat; commands that need one lab
 * (do, break FAULT, fix) say which seat to name.
 *
 * What the seats share is only what costs time and gives nothing away:
 * the RSA keys of the certificates are made once for the class (four, as
 * one lab makes), plus one per seat for its CA, so no seat's devices
 * trust a certificate another seat's CA issued; and the seats start in
 * parallel, each in a child process. A seat that cannot start is named
 * with its reason, and the seats this command started are stopped again:
 * a class comes up whole or not at all.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/random.h>

#include "cmd-lab.h"
#include "fileio.h"
#include "json.h"
#include "lab.h"
#include "labfault.h"
#include "labpki.h"
#include "labrun.h"
#include "labsvc.h"

#define CLASS_FILE	"class"
#define SEATS_MAX	99	/* seat-01 .. seat-99 */
#define JOBS_DEFAULT	8	/* seats started at once */

/* What one seat's command did (run in a child). */
struct seat {
	int	 k;		/* 1-based */
	char	*dir;		/* DIR/seat-KK */
	int	 isnew;		/* no lab.db yet */
	int	 was_up;	/* already up before this command */
	int	 run;		/* this command runs on it */
	pid_t	 pid;
	int	 rc;		/* LAB_* */
	double	 secs;
	struct timespec t0;
	char	*out, *err;	/* what it printed */
	char *const *keypool;	/* a new seat: the class's keys */
	char	*cakey;
	char	*pick;		/* break --random: its faults, in order */
};

static int
exists(const char *dir, const char *name)
{
	char		*p = xasprintf("%s/%s", dir, name);
	struct stat	 sb;
	int		 r = lstat(p, &sb) == 0;

	free(p);
	return r;
}

/* The seats of the class in dir, or -1 when dir holds no class. */
static int
class_seats(const char *dir)
{
	char	*p = xasprintf("%s/%s", dir, CLASS_FILE), *text = NULL;
	size_t	 n;
	int	 seats = -1;

	if (read_file(p, 4096, &text, &n) == 0 && text != NULL &&
	    sscanf(text, "fedwiz lab class\nseats %d", &seats) != 1)
		seats = -1;
	if (seats < 1 || seats > SEATS_MAX)
		seats = -1;
	free(text);
	free(p);
	return seats;
}

static char *
seat_dir(const char *dir, int k)
{
	return xasprintf("%s/seat-%02d", dir, k);
}

/* Whether a lab runs: "up", "down", "stale" (some of its processes are
 * gone), or NULL when there is no lab in dir. */
static const char *
running(const char *dir)
{
	struct lab	*lab = NULL;
	struct diags	 q;
	char		**names;
	size_t		 n, i, alive = 0;
	const char	*r = NULL;

	if (!exists(dir, "lab.db"))
		return NULL;
	diags_init(&q);
	if (lab_open(dir, 0, &lab, &q) == LAB_OK) {
		names = labrun_names(lab, &n);
		for (i = 0; i < n; i++) {
			if (labrun_alive(lab, names[i]) > 0)
				alive++;
			free(names[i]);
		}
		free(names);
		r = alive == 0 ? "down" : alive == n ? "up" : "stale";
	}
	lab_close(lab);
	diags_free(&q);
	return r;
}

/* How many seats to run at once: FEDWIZ_LAB_JOBS, else JOBS_DEFAULT (a
 * seat's start is mostly waiting for its servers to listen). */
static int
jobs(void)
{
	const char	*e = getenv("FEDWIZ_LAB_JOBS");
	int		 j = e != NULL && *e != '\0' ? atoi(e) : JOBS_DEFAULT;

	return j < 1 ? 1 : j > 32 ? 32 : j;
}

static char *
slurp(const char *path)
{
	char	*s = NULL;
	size_t	 n;

	if (read_file(path, 1 << 20, &s, &n) != 0)
		s = xstrdup("");
	unlink(path);
	return s;
}

/*
 * Run fn on each seat marked run, at most jobs() at once, each in a child
 * whose standard output and error are kept (DIR/.run/seat-KK.out, .err)
 * for the parent to print in seat order. stop_early: once a seat fails,
 * start no more (those not started keep rc LAB_OK and run 0).
 */
static void
run_seats(struct labopt *o, const char *dir, struct seat *v, int n,
    int (*fn)(struct labopt *, struct diags *), int stop_early)
{
	char		*rundir = xasprintf("%s/.run", dir), *p;
	int		 i, next = 0, active = 0, st, failed = 0, fd;
	pid_t		 pid;

	mkdir(rundir, 0700);
	for (;;) {
		while (active < jobs() && next < n && !(stop_early && failed)) {
			struct seat	*s = &v[next++];

			if (!s->run)
				continue;
			clock_gettime(CLOCK_MONOTONIC, &s->t0);
			fflush(stdout);
			fflush(stderr);
			if ((pid = fork()) == -1) {
				s->rc = LAB_EENV;
				s->err = xasprintf("fedwiz: lab: cannot "
				    "start a process for it: %s\n",
				    strerror(errno));
				s->run = 0;
				failed = 1;
				continue;
			}
			if (pid == 0) {
				struct labopt	so = *o;
				struct diags	d;
				int		rc;

				p = xasprintf("%s/seat-%02d.out", rundir, s->k);
				fd = open(p, O_WRONLY | O_CREAT | O_TRUNC |
				    O_NOFOLLOW | O_CLOEXEC, 0600);
				if (fd != -1)
					dup2(fd, 1);
				free(p);
				p = xasprintf("%s/seat-%02d.err", rundir, s->k);
				fd = open(p, O_WRONLY | O_CREAT | O_TRUNC |
				    O_NOFOLLOW | O_CLOEXEC, 0600);
				if (fd != -1)
					dup2(fd, 2);
				free(p);
				diags_init(&d);
				so.dir = s->dir;
				so.keypool = s->keypool;
				so.cakey = s->cakey;
				so.pick = s->pick;
				rc = fn(&so, &d);
				cmd_lab_diags(&d);
				fflush(stdout);
				fflush(stderr);
				/* LAB_OK 0, EINPUT 1, EENV 2, ESTATE 3. */
				_exit(-rc);
			}
			s->pid = pid;
			active++;
		}
		if (active == 0)
			break;
		if ((pid = wait(&st)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (v[i].pid != pid || !v[i].run)
				continue;
			active--;
			v[i].pid = 0;
			v[i].secs = cmd_lab_elapsed(&v[i].t0);
			v[i].rc = WIFEXITED(st) && WEXITSTATUS(st) <= 3 ?
			    -WEXITSTATUS(st) : LAB_EENV;
			p = xasprintf("%s/seat-%02d.out", rundir, v[i].k);
			v[i].out = slurp(p);
			free(p);
			p = xasprintf("%s/seat-%02d.err", rundir, v[i].k);
			v[i].err = slurp(p);
			free(p);
			if (!WIFEXITED(st)) {
				char	*e = xasprintf("%sfedwiz: lab: its "
				    "process ended by signal %d\n", v[i].err,
				    WIFSIGNALED(st) ? WTERMSIG(st) : 0);

				free(v[i].err);
				v[i].err = e;
			}
			if (v[i].rc != LAB_OK)
				failed = 1;
		}
	}
	rmdir(rundir);
	free(rundir);
}

/* Print a seat's lines to fp, each prefixed "seat KK: " (what fedwiz
 * lab printed for it, the "fedwiz: lab: " of each line dropped). */
static void
seat_lines(FILE *fp, const struct seat *s, const char *text)
{
	const char	*p = text, *e;
	size_t		 skip = strlen("fedwiz: lab: ");

	for (; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if (strncmp(p, "fedwiz: lab: ", skip) == 0)
			p += skip;
		fprintf(fp, "fedwiz: lab: seat %02d: %.*s\n", s->k,
		    (int)(e - p), p);
	}
}

static struct seat *
seats_new(const char *dir, int n)
{
	struct seat	*v = xcalloc((size_t)n, sizeof(*v));
	int		 i;

	for (i = 0; i < n; i++) {
		v[i].k = i + 1;
		v[i].dir = seat_dir(dir, i + 1);
		v[i].isnew = !exists(v[i].dir, "lab.db");
	}
	return v;
}

static void
seats_free(struct seat *v, int n)
{
	int	i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].dir);
		free(v[i].out);
		free(v[i].err);
		free(v[i].pick);
	}
	free(v);
}

/* The worst result of the seats that ran (the first failing one's). */
static int
worst(const struct seat *v, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (v[i].run && v[i].rc != LAB_OK)
			return v[i].rc;
	return LAB_OK;
}

/* ---- up ----------------------------------------------------------------- */

static int
class_write(const char *dir, int n, struct diags *d)
{
	char	*p = xasprintf("%s/%s", dir, CLASS_FILE);
	char	*text = xasprintf("fedwiz lab class\nseats %d\n", n);
	int	 rc = file_write_atomic(p, text, strlen(text), d) == 0 ? 0 : -1;

	free(text);
	free(p);
	return rc;
}

/* A folder a new class may take: none yet, or empty. */
static int
dir_empty(const char *dir)
{
	DIR		*dp;
	struct dirent	*e;
	int		 empty = 1;

	if ((dp = opendir(dir)) == NULL)
		return errno == ENOENT;
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, ".lock"))
			empty = 0;
	closedir(dp);
	return empty;
}

static void
print_class(const char *dir, struct seat *v, int n)
{
	struct lab	*lab;
	struct diags	 q;
	char		*block, *state;
	int		 i;

	printf("  %-8s %-7s %-17s %-17s %-5s %s\n", "seat", "running",
	    "addresses", "DNS", "SSH", "state");
	for (i = 0; i < n; i++) {
		lab = NULL;
		diags_init(&q);
		if (lab_open(v[i].dir, 0, &lab, &q) != LAB_OK) {
			printf("  seat-%02d  %-7s (no lab)\n", v[i].k, "-");
			diags_free(&q);
			continue;
		}
		block = lab_meta(lab, "block");
		state = lab_meta(lab, "state");
		{
			char	*a = xasprintf("%s.0/24", block ? block : "?");
			char	*dns = xasprintf("%s.2:%lld", block ? block :
			    "?", (long long)lab_meta_int(lab, "dns_port", 53));

			printf("  seat-%02d  %-7s %-17s %-17s %-5d %s\n",
			    v[i].k, running(v[i].dir), a, dns,
			    labsvc_ssh_port(lab), state ? state : "?");
			free(a);
			free(dns);
		}
		free(block);
		free(state);
		lab_close(lab);
		diags_free(&q);
	}
	printf("  each seat is a lab: fedwiz check RUNBOOK --answers "
	    "%s/seat-NN/answers/RUNBOOK.yaml\n", dir);
	printf("  one seat: fedwiz lab status|do|break|fix ... --dir %s "
	    "--seat N\n", dir);
}

static int
class_up(struct labopt *o, const char *dir, int n, int isnew,
    struct diags *d)
{
	struct seat	*v = NULL;
	struct timespec	 t0;
	char		**keys = NULL, *state;
	const char	*r;
	int		 fd = -1, i, nnew = 0, nrun = 0, nup = 0, rc = LAB_OK;
	int		 kk = 0, free_blocks;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (o->state != NULL && strcmp(o->state, "fresh") != 0 &&
	    strcmp(o->state, "configured") != 0) {
		diags_add(d, "--state", 0, 0, "'%s' is not a lab state: fresh "
		    "or configured (before `lab`, --state names fedwiz's "
		    "database)", o->state);
		return LAB_EINPUT;
	}
	if (isnew && !dir_empty(dir)) {
		diags_add(d, dir, 0, 0, "this folder is not empty and holds "
		    "no lab: a class takes a folder of its own (give a new "
		    "--dir)");
		return LAB_EINPUT;
	}
	if (isnew && n > 1 && getenv("FEDWIZ_LAB_BLOCK") != NULL &&
	    *getenv("FEDWIZ_LAB_BLOCK") != '\0') {
		diags_add(d, "FEDWIZ_LAB_BLOCK", 0, 0, "names one block of "
		    "addresses, and a class needs one per seat: unset it (each "
		    "seat takes a free block)");
		return LAB_EINPUT;
	}
	if ((fd = cmd_lab_lock(dir, 1, d)) == -1)
		return LAB_EENV;
	v = seats_new(dir, n);
	for (i = 0; i < n; i++) {
		nnew += v[i].isnew;
		r = v[i].isnew ? NULL : running(v[i].dir);
		v[i].was_up = r != NULL && strcmp(r, "up") == 0;
		v[i].run = !v[i].was_up;
		nup += v[i].was_up;
		nrun += v[i].run;
	}
	if (nrun == 0) {
		diags_add(d, dir, 0, 0, "this class is already up (%d "
		    "seats); fedwiz lab status --dir %s shows it, fedwiz lab "
		    "down --dir %s stops it", n, dir, dir);
		rc = LAB_ESTATE;
		goto out;
	}
	/* Refused before anything starts: addresses for every new seat. */
	if (nnew > 1 && getenv("FEDWIZ_LAB_BLOCK") != NULL &&
	    *getenv("FEDWIZ_LAB_BLOCK") != '\0') {
		diags_add(d, "FEDWIZ_LAB_BLOCK", 0, 0, "names one block of "
		    "addresses, and a class needs one per seat: unset it (each "
		    "seat takes a free block)");
		rc = LAB_EINPUT;
		goto out;
	}
	if (nnew > 0 && (free_blocks = labrun_free_blocks()) < nnew) {
		diags_add(d, dir, 0, 0, "%d new seats need %d blocks of "
		    "addresses in %s.0.0/16 and only %d are free (the other "
		    "labs on this machine hold the rest: /tmp/fedwiz-lab-"
		    "claims names their folders); take fewer seats or stop "
		    "labs no longer used", nnew, nnew, LAB_NET, free_blocks);
		rc = LAB_EENV;
		goto out;
	}
	/* New, or grown (a trainee came late): the class's size. */
	if ((isnew || class_seats(dir) != n) && class_write(dir, n, d) != 0) {
		rc = LAB_EENV;
		goto out;
	}
	/* The class's RSA keys, made once: a pool every new seat shares,
	 * and a CA key of its own for each. */
	if (nnew > 0)
		keys = lab_keys_make(LAB_KEYS + (size_t)nnew, 0);
	for (i = 0; i < n; i++)
		if (v[i].run && v[i].isnew) {
			v[i].keypool = keys;
			v[i].cakey = keys[LAB_KEYS + kk++];
		}
	run_seats(o, dir, v, n, cmd_lab_up, 1);
	lab_keys_free(keys);
	rc = worst(v, n);
	if (rc != LAB_OK) {
		int	 nstopped = 0;

		for (i = 0; i < n; i++)
			if (v[i].run && v[i].rc != LAB_OK) {
				seat_lines(stderr, &v[i], v[i].err);
				fprintf(stderr, "fedwiz: lab: seat %02d (%s) "
				    "did not start\n", v[i].k, v[i].dir);
			}
		/* A class comes up whole or not at all: stop the seats this
		 * command started (those that were up stay up). */
		for (i = 0; i < n; i++) {
			v[i].run = !v[i].was_up && v[i].out != NULL &&
			    v[i].rc == LAB_OK;
			nstopped += v[i].run;
			free(v[i].out);
			free(v[i].err);
			v[i].out = v[i].err = NULL;
		}
		run_seats(o, dir, v, n, cmd_lab_down, 0);
		diags_add(d, dir, 0, 0, "the class did not start: %d seat%s "
		    "this command had started %s stopped again%s; their state "
		    "is kept (fedwiz lab up --dir %s tries again)", nstopped,
		    nstopped == 1 ? "" : "s", nstopped == 1 ? "was" : "were",
		    nup > 0 ? ", the seats that were up before stay up" : "",
		    dir);
		goto out;
	}
	state = o->state ? xstrdup(o->state) : NULL;
	printf("lab up: class %s, %d seats%s%s%s, ready in %.1f s\n", dir, n,
	    state ? " (" : "", state ? state : "", state ? ")" : "",
	    cmd_lab_elapsed(&t0));
	free(state);
	for (i = 0; i < n; i++) {
		if (v[i].was_up)
			printf("  seat-%02d was up already: left as it is\n",
			    v[i].k);
		/* FEDWIZ_LAB_TIMES=1: each seat's phases (bench/lab.sh). */
		else if (getenv("FEDWIZ_LAB_TIMES") != NULL && v[i].run) {
			seat_lines(stderr, &v[i], v[i].err);
			fprintf(stderr, "fedwiz: lab: seat %02d: %.3f s from "
			    "its start, %.3f s from the class's\n", v[i].k,
			    v[i].secs, cmd_lab_elapsed(&t0));
		}
	}
	print_class(dir, v, n);
out:
	seats_free(v, n);
	if (fd != -1)
		close(fd);
	return rc;
}

/* ---- down, reset: every seat ------------------------------------------- */

/* Run a one-lab command on every seat that has a lab, in parallel, and
 * print what each said in seat order. */
static int
class_each(struct labopt *o, const char *dir, int n, const char *what,
    int (*fn)(struct labopt *, struct diags *), struct diags *d)
{
	struct seat	*v;
	int		 fd, i, rc, nrun = 0;

	if ((fd = cmd_lab_lock(dir, 0, d)) == -1)
		return LAB_ESTATE;
	v = seats_new(dir, n);
	for (i = 0; i < n; i++) {
		v[i].run = !v[i].isnew;
		nrun += v[i].run;
	}
	run_seats(o, dir, v, n, fn, 0);
	for (i = 0; i < n; i++) {
		if (!v[i].run) {
			printf("lab %s: %s: no lab (this seat never started)\n",
			    what, v[i].dir);
			continue;
		}
		fputs(v[i].out, stdout);
		seat_lines(stderr, &v[i], v[i].err);
	}
	rc = worst(v, n);
	printf("lab %s: class %s, %d seat%s%s\n", what, dir, nrun, nrun == 1 ?
	    "" : "s", rc == LAB_OK ? "" : " (not every seat: see above)");
	seats_free(v, n);
	close(fd);
	return rc;
}

/* ---- status ------------------------------------------------------------- */

/* A seat's faults as its lab state says now: each recorded injection is
 * in (the state still has it) or fixed (the trainee put it right). */
struct seat_faults {
	struct buf	in, fixed;
	int		nin, nfixed;
};

static void
seat_faults(struct lab *lab, struct seat_faults *sf, struct json *j)
{
	struct lab_fault_inj	*v;
	const struct lab_fault	*f;
	size_t			 n, i;
	int			 in;

	memset(sf, 0, sizeof(*sf));
	buf_init(&sf->in);
	buf_init(&sf->fixed);
	lab_fault_injected(lab, &v, &n);
	if (j != NULL) {
		json_key(j, "faults");
		json_arr_begin(j);
	}
	for (i = 0; i < n; i++) {
		f = lab_fault_find(v[i].id);
		in = f != NULL ? lab_fault_present(lab, f, v[i].host) : -1;
		if (in == 1) {
			buf_printf(&sf->in, " %s@%s", v[i].id, v[i].host);
			sf->nin++;
		} else if (in == 0) {
			buf_printf(&sf->fixed, " %s@%s", v[i].id, v[i].host);
			sf->nfixed++;
		}
		if (j != NULL) {
			json_obj_begin(j);
			json_kstr(j, "fault", v[i].id);
			json_kstr(j, "host", v[i].host);
			json_kint(j, "at", v[i].at);
			json_kstr(j, "state", in == 1 ? "in" : in == 0 ?
			    "fixed" : "unknown");
			json_obj_end(j);
		}
	}
	if (j != NULL) {
		json_arr_end(j);
		json_kint(j, "faults_in", sf->nin);
		json_kint(j, "faults_fixed", sf->nfixed);
	}
	free(v);
}

/* "  label FAULT@HOST FAULT@HOST ...", wrapped to 80 columns. */
static void
print_words(const char *label, const char *words)
{
	const char	*p = words, *e;
	int		 col, indent = 11;

	col = printf("%*s%s", indent, "", label);
	while (*p == ' ')
		p++;
	for (; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		if (col + 1 + (int)(e - p) > 79)
			col = printf("\n%*s", indent + (int)strlen(label),
			    "") - 1;
		col += printf(" %.*s", (int)(e - p), p);
	}
	printf("\n");
}

static int
class_status(struct labopt *o, const char *dir, int n, struct diags *d)
{
	struct lab		*lab;
	struct diags		 q;
	struct json		 j;
	struct seat_faults	 sf;
	char			*sd, *block, *state;
	const char		*r;
	int			 i, nup = 0;

	(void)d;
	if (o->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kstr(&j, "dir", dir);
		json_kint(&j, "seats", n);
		json_key(&j, "seat");
		json_arr_begin(&j);
	} else {
		for (i = 1; i <= n; i++) {
			sd = seat_dir(dir, i);
			r = running(sd);
			nup += r != NULL && strcmp(r, "up") == 0;
			free(sd);
		}
		printf("class %s: %d seats, %d up\n", dir, n, nup);
		printf("  %-8s %-7s %-16s %-5s %-10s %9s %6s\n", "seat",
		    "running", "addresses", "SSH", "state", "faults in",
		    "fixed");
	}
	for (i = 1; i <= n; i++) {
		sd = seat_dir(dir, i);
		r = running(sd);
		lab = NULL;
		diags_init(&q);
		if (r == NULL || lab_open(sd, 0, &lab, &q) != LAB_OK) {
			if (o->json) {
				json_obj_begin(&j);
				json_kint(&j, "seat", i);
				json_kstr(&j, "dir", sd);
				json_kstr(&j, "running", "none");
				json_obj_end(&j);
			} else
				printf("  seat-%02d  %-7s (no lab: this seat "
				    "never started)\n", i, "-");
			diags_free(&q);
			free(sd);
			continue;
		}
		block = lab_meta(lab, "block");
		state = lab_meta(lab, "state");
		if (o->json) {
			json_obj_begin(&j);
			json_kint(&j, "seat", i);
			json_kstr(&j, "dir", lab->dir);
			json_kstr(&j, "running", r);
			json_kstr(&j, "state", state ? state : "");
			json_kstr(&j, "block", block ? block : "");
			json_kint(&j, "ssh_port", labsvc_ssh_port(lab));
			json_kint(&j, "dns_port", lab_meta_int(lab, "dns_port",
			    53));
			seat_faults(lab, &sf, &j);
			json_obj_end(&j);
		} else {
			char	*a = xasprintf("%s.0/24", block ? block : "?");

			seat_faults(lab, &sf, NULL);
			printf("  seat-%02d  %-7s %-16s %-5d %-10s %9d %6d\n",
			    i, r, a, labsvc_ssh_port(lab), state ? state : "?",
			    sf.nin, sf.nfixed);
			if (sf.nin > 0)
				print_words("in:", sf.in.s);
			if (sf.nfixed > 0)
				print_words("fixed:", sf.fixed.s);
			free(a);
		}
		buf_free(&sf.in);
		buf_free(&sf.fixed);
		free(block);
		free(state);
		lab_close(lab);
		diags_free(&q);
		free(sd);
	}
	if (o->json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_end(&j);
	} else
		printf("  one seat whole: fedwiz lab status --dir %s "
		    "--seat N\n", dir);
	return LAB_OK;
}

/* ---- break --random ------------------------------------------------------ */

/* splitmix64: the same sequence on every machine and C library, so a
 * seed the trainer wrote down replays the same choice. */
static uint64_t
mix(uint64_t *x)
{
	uint64_t	z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * The order in which each seat 1..n tries the faults, as "id id ...":
 * a permutation of lab_faults drawn from (seed, seat), whose first m
 * are, as a set, another seat's only when there are not enough sets of
 * m faults for every seat. Seat k's order depends only on the seed, k
 * and m, so --seat K alone gets what the whole class run gives it.
 */
static char **
orders(uint64_t seed, int n, size_t m)
{
	char		**out = xcalloc((size_t)n + 1, sizeof(*out));
	uint64_t	 *sets = xcalloc((size_t)n, sizeof(*sets)), x, mask;
	size_t		 *perm = xcalloc(lab_nfaults, sizeof(*perm)), i, j, t;
	int		  k, p, tries, clash;
	struct buf	  b;

	for (k = 1; k <= n; k++) {
		x = seed ^ ((uint64_t)k * 0xd1b54a32d192ed03ULL);
		for (tries = 0; tries < 64; tries++) {
			for (i = 0; i < lab_nfaults; i++)
				perm[i] = i;
			for (i = lab_nfaults - 1; i > 0; i--) {
				j = (size_t)(mix(&x) % (i + 1));
				t = perm[i];
				perm[i] = perm[j];
				perm[j] = t;
			}
			mask = 0;
			for (i = 0; i < m && i < lab_nfaults && i < 64; i++)
				mask |= 1ULL << perm[i];
			for (clash = 0, p = 0; p < k - 1; p++)
				clash |= sets[p] == mask;
			if (!clash)
				break;
		}
		sets[k - 1] = mask;
		buf_init(&b);
		for (i = 0; i < lab_nfaults; i++)
			buf_printf(&b, "%s%s", i ? " " : "",
			    lab_faults[perm[i]].id);
		out[k - 1] = buf_steal(&b);
	}
	free(perm);
	free(sets);
	return out;
}

/* One seat's breaks (in its child): the first o->random faults of
 * o->pick that this lab's state allows. */
static int
seat_break(struct labopt *o, struct diags *d)
{
	const struct lab_fault	*f;
	struct lab		*lab = NULL;
	struct diags		 q;
	struct buf		 done, skipped;
	char			*copy, *w, *save, host[32];
	const char		*base;
	long			 nb = 0;
	int			 fd, rc;

	if ((fd = cmd_lab_lock(o->dir, 0, d)) == -1)
		return LAB_ESTATE;
	if ((rc = lab_open(o->dir, 0, &lab, d)) != LAB_OK) {
		close(fd);
		return rc;
	}
	lab->who = "lab break --random";
	lab->settle = labrun_settle;
	buf_init(&done);
	buf_init(&skipped);
	copy = xstrdup(o->pick);
	for (w = strtok_r(copy, " ", &save); w != NULL && nb < o->random &&
	    rc == LAB_OK; w = strtok_r(NULL, " ", &save)) {
		if ((f = lab_fault_find(w)) == NULL)
			continue;
		diags_init(&q);
		switch (lab_fault_break(lab, f, NULL, &q)) {
		case LAB_OK:
			snprintf(host, sizeof(host), "%s", f->hosts);
			host[strcspn(host, " ")] = '\0';
			buf_printf(&done, "%s%s on %s", nb ? ", " : "", f->id,
			    host);
			nb++;
			break;
		case LAB_ESTATE:
			/* Not in this state (a fresh lab has no route to
			 * point elsewhere): the next of the seat's order. */
			buf_printf(&skipped, " %s", f->id);
			break;
		default:
			if (q.n > 0)
				diags_add(d, f->id, 0, 0, "%s", q.v[0].msg);
			rc = LAB_EENV;
		}
		diags_free(&q);
	}
	free(copy);
	/* A seat by its name (the class's folder heads the list). */
	base = strrchr(lab->dir, '/');
	printf("  %s: %s\n", base != NULL && strncmp(base + 1, "seat-",
	    5) == 0 ? base + 1 : lab->dir, nb ? done.s : "nothing broken");
	if (skipped.len > 0)
		printf("    (not possible in this lab's state, so the next "
		    "ones were taken:%s)\n", skipped.s);
	if (rc == LAB_OK && nb < o->random) {
		diags_add(d, lab->dir, 0, 0, "only %ld of the %ld faults could "
		    "be broken in this lab's state (fedwiz lab reset --state "
		    "configured gives every fault something to break)", nb,
		    o->random);
		rc = LAB_ESTATE;
	}
	buf_free(&done);
	buf_free(&skipped);
	lab_close(lab);
	close(fd);
	return rc;
}

/* --random M on seats lo..hi of a class (n its seats), or on one lab
 * (n 0: dir is the lab, chosen as seat 1 would be). */
static int
class_random(struct labopt *o, const char *dir, int n, int lo, int hi,
    struct diags *d)
{
	struct seat	*v;
	char		**ord, *end, opt[64];
	uint64_t	 seed;
	uint32_t	 r;
	int		 i, rc, fd = -1;

	if (o->random < 1 || (size_t)o->random > lab_nfaults) {
		snprintf(opt, sizeof(opt), "--random %ld", o->random);
		diags_add(d, opt, 0, 0, "give 1 to %zu faults per seat (fedwiz "
		    "lab faults lists them)", lab_nfaults);
		return LAB_EINPUT;
	}
	if (o->seed != NULL) {
		errno = 0;
		seed = strtoull(o->seed, &end, 10);
		if (errno != 0 || end == o->seed || *end != '\0' ||
		    *o->seed == '-' || *o->seed == '+') {
			diags_add(d, "--seed", 0, 0, "'%s': expected a number "
			    "(the one a previous --random printed)", o->seed);
			return LAB_EINPUT;
		}
	} else {
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			r = (uint32_t)time(NULL) ^ (uint32_t)getpid();
		seed = r;
	}
	ord = orders(seed, n > 0 ? hi : 1, (size_t)o->random);
	printf("lab break --random %ld --seed %llu: %s\n", o->random,
	    (unsigned long long)seed, n == 0 ? dir : lo == hi ? "one seat" :
	    "every seat");
	if (n == 0) {
		struct labopt	so = *o;

		so.dir = dir;
		so.pick = ord[0];
		rc = seat_break(&so, d);
	} else {
		if ((fd = cmd_lab_lock(dir, 0, d)) == -1) {
			rc = LAB_ESTATE;
			goto out;
		}
		v = seats_new(dir, n);
		for (i = lo; i <= hi; i++) {
			v[i - 1].run = !v[i - 1].isnew;
			v[i - 1].pick = xstrdup(ord[i - 1]);
			if (v[i - 1].isnew)
				printf("  %s: no lab (this seat never "
				    "started)\n", v[i - 1].dir);
		}
		run_seats(o, dir, v, n, seat_break, 0);
		for (i = lo; i <= hi; i++) {
			if (!v[i - 1].run)
				continue;
			fputs(v[i - 1].out, stdout);
			seat_lines(stderr, &v[i - 1], v[i - 1].err);
		}
		rc = worst(v, n);
		seats_free(v, n);
		close(fd);
	}
	printf("  the same choice again (after lab reset): fedwiz lab break "
	    "--random %ld --seed %llu --dir %s", o->random,
	    (unsigned long long)seed, dir);
	if (n > 0 && lo == hi)
		printf(" --seat %d", lo);
	printf("\n");
out:
	for (i = 0; ord[i] != NULL; i++)
		free(ord[i]);
	free(ord);
	return rc;
}

/* ---- the dispatcher ----------------------------------------------------- */

int
cmd_lab_class(struct labopt *o, const char *sub, int argc, char **argv,
    int *rc, struct diags *d)
{
	char		*abs = NULL, opt[64];
	const char	*dir = o->dir;
	int		 n, single, done = 1;

	(void)argc;
	(void)argv;
	*rc = LAB_EINPUT;
	if (o->has_seats && strcmp(sub, "up") != 0) {
		diags_add(d, "--seats", 0, 0, "is for lab up (a class's other "
		    "commands act on every seat, or on one with --seat K)");
		return 1;
	}
	if (o->has_seats && (o->seats < 1 || o->seats > SEATS_MAX)) {
		snprintf(opt, sizeof(opt), "--seats %ld", o->seats);
		diags_add(d, opt, 0, 0, "a class has 1 to %d seats", SEATS_MAX);
		return 1;
	}
	if (o->has_seat && o->seat < 1) {
		snprintf(opt, sizeof(opt), "--seat %ld", o->seat);
		diags_add(d, opt, 0, 0, "seats are numbered from 1 (seat-01)");
		return 1;
	}
	if (o->seed != NULL && !o->has_random) {
		diags_add(d, "--seed", 0, 0, "goes with lab break --random M");
		return 1;
	}
	if (o->has_random && strcmp(sub, "break") != 0) {
		diags_add(d, "--random", 0, 0, "is for lab break (--random M: "
		    "M faults chosen for each seat)");
		return 1;
	}
	if (o->has_random && argc > 0) {
		diags_add(d, "lab break", 0, 0, "give FAULT or --random M, not "
		    "both");
		return 1;
	}
	if (o->has_seats && o->has_seat) {
		diags_add(d, "--seat", 0, 0, "give --seats N (a class of N) or "
		    "--seat K (one seat of it), not both");
		return 1;
	}
	if ((abs = realpath(o->dir, NULL)) != NULL)
		dir = abs;
	n = class_seats(dir);
	single = exists(dir, "lab.db");
	if (o->has_seat) {
		if (single) {
			diags_add(d, dir, 0, 0, "this is one lab, not a class: "
			    "--seat K is for a class's folder (fedwiz lab up "
			    "--seats N --dir DIR makes one); leave --seat out");
			goto out;
		}
		if (n < 0) {
			diags_add(d, dir, 0, 0, "no class here (start one with "
			    "fedwiz lab up --seats N --dir %s)", dir);
			*rc = LAB_ESTATE;
			goto out;
		}
		if (o->seat > n) {
			snprintf(opt, sizeof(opt), "--seat %ld", o->seat);
			diags_add(d, opt, 0, 0, "the class in %s has "
			    "seats 1 to %d", dir, n);
			goto out;
		}
		if (o->has_random) {
			*rc = class_random(o, dir, n, (int)o->seat,
			    (int)o->seat, d);
			goto out;
		}
		/* One seat is one lab: every command works on it as on a
		 * lab of its own. */
		free(o->seatdir);
		o->dir = o->seatdir = seat_dir(dir, (int)o->seat);
		done = 0;
		goto out;
	}
	if (o->has_seats) {
		if (single) {
			diags_add(d, dir, 0, 0, "this folder holds one lab, "
			    "not a class: a class takes a folder of its own "
			    "(give another --dir)");
			goto out;
		}
		/* A class grows (seats n+1.. are added and started, the
		 * others started if they are not up); it never shrinks: a
		 * seat's state is a trainee's work. */
		if (n > 0 && o->seats < n) {
			diags_add(d, dir, 0, 0, "the class here has %d "
			    "seats, more than %ld: a class does not shrink "
			    "(fedwiz lab down --dir %s --seat K stops one "
			    "seat; lab up --dir %s starts the class as it is)",
			    n, o->seats, dir, dir);
			*rc = LAB_ESTATE;
			goto out;
		}
		*rc = class_up(o, dir, (int)o->seats, n < 0, d);
		goto out;
	}
	if (o->has_random) {
		/* A class: every seat; a lab of its own: drawn as seat 1. */
		*rc = n < 0 ? class_random(o, dir, 0, 1, 1, d) :
		    class_random(o, dir, n, 1, n, d);
		goto out;
	}
	if (n < 0) {
		done = 0;
		goto out;
	}
	if (strcmp(sub, "up") == 0 && argc == 0)
		*rc = class_up(o, dir, n, 0, d);
	else if (strcmp(sub, "down") == 0 && argc == 0)
		*rc = class_each(o, dir, n, "down", cmd_lab_down, d);
	else if (strcmp(sub, "reset") == 0 && argc == 0)
		*rc = class_each(o, dir, n, "reset", cmd_lab_reset, d);
	else if (strcmp(sub, "status") == 0 && argc == 0)
		*rc = class_status(o, dir, n, d);
	else if (strcmp(sub, "do") == 0 || strcmp(sub, "break") == 0 ||
	    strcmp(sub, "fix") == 0) {
		if (strcmp(sub, "do") == 0 && o->list) {
			done = 0;
			goto out;
		}
		diags_add(d, dir, 0, 0, "this is a class of %d seats, and lab "
		    "%s works on one lab: add --seat K (1 to %d), e.g. --dir "
		    "%s --seat 1, or give --dir %s/seat-01", n, sub, n, dir,
		    dir);
	} else
		done = 0;
out:
	free(abs);
	return done;
}
