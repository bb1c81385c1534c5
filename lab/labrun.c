/* labrun.c: the lab's processes and addresses (labrun.h). */
#include "config.h"

#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lab.h"
#include "labint.h"
#include "labrun.h"

#define CLAIMS	"/tmp/fedwiz-lab-claims"

/* ---- sockets ------------------------------------------------------------ */

int
labrun_bindable(const char *addr, int port, int udp)
{
	struct sockaddr_in	sin;
	int			fd, rc = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return EINVAL;
	if ((fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) |
	    SOCK_CLOEXEC, 0)) == -1)
		return errno;
	/* The servers set SO_REUSEADDR; so does the test, so a socket in
	 * TIME_WAIT does not count as taken. */
	if (!udp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 },
		    sizeof(int));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		rc = errno;
	close(fd);
	return rc;
}

/* Walk /proc/net/tcp or udp: call fn for each socket bound to an address
 * of the form we want. want_addr NULL: any address in prefix (e.g. the
 * hex of 127.84.N as the kernel shows it). */
struct sock {
	uint32_t	addr;		/* network order */
	int		port;
	int		state;
	unsigned long	inode;
};

static int
socks(int udp, struct sock **v, size_t *n)
{
	FILE		*fp;
	char		 line[512];
	unsigned	 a, p, st;
	unsigned long	 ino;
	struct sock	*s;

	*v = NULL;
	*n = 0;
	if ((fp = fopen(udp ? "/proc/net/udp" : "/proc/net/tcp", "r")) ==
	    NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		/* "  0: 0D01547F:1F90 00000000:0000 0A ... uid timeout inode" */
		if (sscanf(line, " %*d: %8X:%4X %*8X:%*4X %2X %*s %*s %*s %*s "
		    "%*s %lu", &a, &p, &st, &ino) != 4)
			continue;
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		s = &(*v)[(*n)++];
		/* The kernel prints the __be32 as a native integer. */
		s->addr = (uint32_t)a;
		s->port = (int)p;
		s->state = (int)st;
		s->inode = ino;
	}
	fclose(fp);
	return 0;
}

static int
addr_of(const char *addr, uint32_t *out)
{
	struct in_addr	ia;

	if (inet_pton(AF_INET, addr, &ia) != 1)
		return -1;
	*out = ia.s_addr;
	return 0;
}

int
labrun_listening(const char *addr, int port, int udp)
{
	struct sock	*v;
	size_t		 n, i;
	uint32_t	 a;
	int		 found = 0;

	if (addr_of(addr, &a) == -1 || socks(udp, &v, &n) == -1)
		return 0;
	for (i = 0; i < n && !found; i++)
		if (v[i].addr == a && v[i].port == port &&
		    (udp ? v[i].state == 7 : v[i].state == 0x0A))
			found = 1;
	free(v);
	return found;
}

/* One read of the kernel's socket tables, for many questions. */
struct labrun_snap {
	struct sock	*v[2];		/* tcp, udp */
	size_t		 n[2];
};

struct labrun_snap *
labrun_snap(void)
{
	struct labrun_snap	*s = xcalloc(1, sizeof(*s));

	socks(0, &s->v[0], &s->n[0]);
	socks(1, &s->v[1], &s->n[1]);
	return s;
}

int
labrun_snap_listening(const struct labrun_snap *s, const char *addr,
    int port, int udp)
{
	uint32_t	a;
	size_t		i;

	if (addr_of(addr, &a) == -1)
		return 0;
	for (i = 0; i < s->n[udp != 0]; i++)
		if (s->v[udp != 0][i].addr == a && s->v[udp != 0][i].port ==
		    port && (udp ? s->v[1][i].state == 7 :
		    s->v[0][i].state == 0x0A))
			return 1;
	return 0;
}

void
labrun_snap_free(struct labrun_snap *s)
{
	if (s == NULL)
		return;
	free(s->v[0]);
	free(s->v[1]);
	free(s);
}

int
labrun_snap_block_busy(const struct labrun_snap *s, const char *block)
{
	uint32_t	 a, mask;
	int		 busy = 0, udp;
	size_t		 i;
	char		*full;

	full = xasprintf("%s.0", block);
	if (addr_of(full, &a) == -1) {
		free(full);
		return 0;
	}
	free(full);
	mask = htonl(0xffffff00u);
	for (udp = 0; udp < 2; udp++)
		for (i = 0; i < s->n[udp]; i++)
			if ((s->v[udp][i].addr & mask) == (a & mask) &&
			    (udp ? s->v[udp][i].state == 7 :
			    s->v[udp][i].state == 0x0A))
				busy++;
	return busy;
}

int
labrun_block_busy(const char *block)
{
	struct labrun_snap	*s = labrun_snap();
	int			 busy = labrun_snap_block_busy(s, block);

	labrun_snap_free(s);
	return busy;
}

/* The process holding a socket inode: its pid and name. */
static pid_t
inode_pid(unsigned long inode, char *comm, size_t len)
{
	DIR		*d, *fd;
	struct dirent	*e, *f;
	char		 path[PATH_MAX], link[64], want[64];
	ssize_t		 k;
	pid_t		 pid = 0;
	FILE		*fp;

	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (pid == 0 && (e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", e->d_name);
		if ((fd = opendir(path)) == NULL)
			continue;
		while ((f = readdir(fd)) != NULL) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s",
			    e->d_name, f->d_name);
			k = readlink(path, link, sizeof(link) - 1);
			if (k <= 0)
				continue;
			link[k] = '\0';
			if (strcmp(link, want) == 0) {
				pid = (pid_t)atoi(e->d_name);
				break;
			}
		}
		closedir(fd);
	}
	closedir(d);
	comm[0] = '\0';
	if (pid != 0) {
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if ((fp = fopen(path, "r")) != NULL) {
			if (fgets(comm, (int)len, fp) != NULL)
				comm[strcspn(comm, "\n")] = '\0';
			fclose(fp);
		}
	}
	return pid;
}

void
labrun_holder(const char *addr, int port, int udp, char *buf, size_t len)
{
	struct sock	*v;
	size_t		 n, i;
	uint32_t	 a, any = 0;
	char		 comm[64];
	pid_t		 pid;

	snprintf(buf, len, "another program");
	if (addr_of(addr, &a) == -1 || socks(udp, &v, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (v[i].port != port || (v[i].addr != a && v[i].addr != any))
			continue;
		if (!udp && v[i].state != 0x0A)
			continue;
		if ((pid = inode_pid(v[i].inode, comm, sizeof(comm))) != 0)
			snprintf(buf, len, "pid %d (%s)%s", (int)pid, comm,
			    v[i].addr == any ? ", on every address" : "");
		else
			snprintf(buf, len, "a process of another user%s",
			    v[i].addr == any ? ", on every address" : "");
		break;
	}
	free(v);
}

/* ---- address blocks ----------------------------------------------------- */

/* A claim is live when the folder it names still holds a lab. */
static int
claim_live(const char *path)
{
	char		 dir[PATH_MAX], *db;
	FILE		*fp;
	struct stat	 sb;
	int		 live = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(dir, sizeof(dir), fp) != NULL) {
		dir[strcspn(dir, "\n")] = '\0';
		db = xasprintf("%s/lab.db", dir);
		live = stat(db, &sb) == 0;
		free(db);
	}
	fclose(fp);
	return live;
}

int
labrun_claim_block(const char *dir, char *block, size_t len,
    struct diags *d)
{
	char		 path[PATH_MAX], b[32];
	const char	*want = getenv("FEDWIZ_LAB_BLOCK");
	int		 i, lo = 1, hi = 250, fd, lk;
	struct labrun_snap *snap;

	/* A folder every user can add claims to, as /tmp itself. */
	if (mkdir(CLAIMS, 01777) == 0)
		chmod(CLAIMS, 01777);
	if (want != NULL && *want != '\0') {
		lo = hi = atoi(want);
		if (lo < 1 || lo > 254) {
			diags_add(d, "FEDWIZ_LAB_BLOCK", 0, 0, "'%s' is not a "
			    "block number (1 to 254)", want);
			return -1;
		}
	}
	/* One claimer at a time: a claim file is created empty and written
	 * after, and another lab starting at that moment (the seats of a
	 * class start together) would read it empty, take it for stale and
	 * claim the same block. */
	lk = open(CLAIMS "/.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0666);
	if (lk != -1) {
		fchmod(lk, 0666);
		flock(lk, LOCK_EX);
	}
	snap = labrun_snap();
	for (i = lo; i <= hi; i++) {
		snprintf(b, sizeof(b), "%s.%d", LAB_NET, i);
		snprintf(path, sizeof(path), "%s/%s", CLAIMS, b);
		if (labrun_snap_block_busy(snap, b) > 0)
			continue;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (fd == -1 && errno == EEXIST) {
			char	*mine = xasprintf("%s/lab.db", dir);
			FILE	*fp = fopen(path, "r");
			char	 who[PATH_MAX] = "";

			if (fp != NULL) {
				if (fgets(who, sizeof(who), fp) != NULL)
					who[strcspn(who, "\n")] = '\0';
				fclose(fp);
			}
			free(mine);
			if (strcmp(who, dir) != 0 && claim_live(path))
				continue;
			/* Stale (its lab is gone) or our own: take it. */
			if (unlink(path) == -1)
				continue;
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0644);
		}
		if (fd == -1)
			continue;
		dprintf(fd, "%s\n", dir);
		close(fd);
		snprintf(block, len, "%s", b);
		if (lk != -1)
			close(lk);
		labrun_snap_free(snap);
		return 0;
	}
	if (lk != -1)
		close(lk);
	labrun_snap_free(snap);
	if (lo == hi)
		diags_add(d, dir, 0, 0, "the addresses %s.%d.0/24 "
		    "(FEDWIZ_LAB_BLOCK) are taken by another lab or program",
		    LAB_NET, lo);
	else
		diags_add(d, dir, 0, 0, "no free block of addresses left in "
		    "%s.0.0/16: every one is used by another lab (see %s)",
		    LAB_NET, CLAIMS);
	return -1;
}

int
labrun_free_blocks(void)
{
	struct labrun_snap	*snap = labrun_snap();
	char			 path[PATH_MAX], b[32];
	int			 i, n = 0;

	for (i = 1; i <= 250; i++) {
		snprintf(b, sizeof(b), "%s.%d", LAB_NET, i);
		snprintf(path, sizeof(path), "%s/%s", CLAIMS, b);
		if (labrun_snap_block_busy(snap, b) == 0 &&
		    (access(path, F_OK) != 0 || !claim_live(path)))
			n++;
	}
	labrun_snap_free(snap);
	return n;
}

/* ---- processes --------------------------------------------------------- */

char **
labrun_argv(const char *first, ...)
{
	va_list		 ap;
	char		**v = NULL;
	size_t		 n = 0;
	const char	*s;

	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *)) {
		v = xreallocarray(v, n + 2, sizeof(*v));
		v[n++] = xstrdup(s);
	}
	va_end(ap);
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	v[n] = NULL;
	return v;
}

void
labrun_argv_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The start time of a process (field 22 of /proc/PID/stat), as text;
 * "" when it is gone. */
static void
start_time(pid_t pid, char *buf, size_t len)
{
	char	 path[64], line[1024], *p;
	FILE	*fp;
	int	 field;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return;
	if (fgets(line, sizeof(line), fp) != NULL &&
	    (p = strrchr(line, ')')) != NULL) {
		/* Fields after the command name: state is field 3. */
		p += 2;
		for (field = 3; field < 22 && p != NULL; field++) {
			p = strchr(p, ' ');
			if (p != NULL)
				p++;
		}
		if (p != NULL)
			snprintf(buf, len, "%.*s", (int)strcspn(p, " "), p);
	}
	fclose(fp);
}

pid_t
labrun_spawn(struct lab *lab, const char *name, char *const *argv,
    const char *logfile, struct diags *d)
{
	int	 err[2], fd, e;
	pid_t	 pid;
	char	 st[32];
	ssize_t	 k;

	if (pipe2(err, O_CLOEXEC) == -1) {
		diags_add(d, name, 0, 0, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		diags_add(d, name, 0, 0, "fork: %s", strerror(errno));
		close(err[0]);
		close(err[1]);
		return -1;
	}
	if (pid == 0) {
		setsid();
		fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW,
		    0600);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, 0);
			if (fd > 0)
				close(fd);
		}
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(argv[0], argv);
		e = errno;
		if (write(err[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(err[1]);
	k = read(err[0], &e, sizeof(e));
	close(err[0]);
	if (k == (ssize_t)sizeof(e)) {
		waitpid(pid, NULL, 0);
		diags_add(d, argv[0], 0, 0, "cannot run it: %s", strerror(e));
		return -1;
	}
	start_time(pid, st, sizeof(st));
	lab_run(lab, lab_stmt(lab, "INSERT OR REPLACE INTO procs (name, pid, "
	    "start, exe, listens) VALUES (?, ?, ?, ?, '')", "siss", name,
	    (int64_t)pid, st, argv[0]));
	return pid;
}

static int	is_zombie(pid_t);

pid_t
labrun_alive(struct lab *lab, const char *name)
{
	struct sqlite3_stmt	*st;
	pid_t			 pid = 0;
	char			 now[32], *was;

	st = lab_stmt(lab, "SELECT pid, start FROM procs WHERE name = ?", "s",
	    name);
	if (lab_step(lab, st)) {
		pid = (pid_t)sqlite3_column_int64(st, 0);
		was = lab_col(st, 1);
		start_time(pid, now, sizeof(now));
		/* Reaped zombies of our own spawns count as gone. */
		if (pid > 0)
			waitpid(pid, NULL, WNOHANG);
		start_time(pid, now, sizeof(now));
		/* A zombie (killed, not reaped yet) is gone too. */
		if (was == NULL || now[0] == '\0' || strcmp(was, now) != 0 ||
		    is_zombie(pid))
			pid = 0;
		free(was);
	}
	sqlite3_finalize(st);
	return pid;
}

static int
gone(pid_t pid, const char *start)
{
	char	now[32];

	waitpid(pid, NULL, WNOHANG);
	start_time(pid, now, sizeof(now));
	return now[0] == '\0' || strcmp(now, start) != 0;
}

static int
is_zombie(pid_t pid)
{
	char	 path[64], line[256], *p;
	FILE	*fp;
	int	 z = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) != NULL &&
	    (p = strrchr(line, ')')) != NULL)
		z = p[1] == ' ' && p[2] == 'Z';
	fclose(fp);
	return z;
}

/* The parent of a process; 0 when it is gone. */
static pid_t
ppid_of(pid_t pid)
{
	char	 path[64], line[1024], *p;
	FILE	*fp;
	int	 pp = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) != NULL &&
	    (p = strrchr(line, ')')) != NULL)
		sscanf(p + 2, "%*c %d", &pp);
	fclose(fp);
	return (pid_t)pp;
}

/* Every descendant of pid (sshd's per-connection children put
 * themselves in sessions of their own, out of its process group). */
static pid_t *
descendants(pid_t pid, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	pid_t		*all = NULL, *par = NULL, *out = NULL;
	size_t		 na = 0, i, k, before;

	*n = 0;
	if ((d = opendir("/proc")) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		all = xreallocarray(all, na + 1, sizeof(*all));
		par = xreallocarray(par, na + 1, sizeof(*par));
		all[na] = (pid_t)atoi(e->d_name);
		par[na] = ppid_of(all[na]);
		na++;
	}
	closedir(d);
	out = xreallocarray(NULL, na + 1, sizeof(*out));
	out[(*n)++] = pid;
	do {
		before = *n;
		for (i = 0; i < na; i++) {
			for (k = 0; k < *n; k++)
				if (out[k] == all[i])
					break;
			if (k < *n)
				continue;
			for (k = 0; k < *n; k++)
				if (par[i] == out[k]) {
					out[(*n)++] = all[i];
					break;
				}
		}
	} while (*n > before);
	free(all);
	free(par);
	return out;
}

int
labrun_stop(struct lab *lab, const char *name)
{
	pid_t		*tree;
	size_t		 nt, j;
	pid_t		 pid;
	char		 st[32];
	int		 i, was = 0;
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };

	if ((pid = labrun_alive(lab, name)) > 0) {
		was = 1;
		start_time(pid, st, sizeof(st));
		/* Its process group, and every process it forked (a session
		 * of sshd, a shell of the lab). */
		tree = descendants(pid, &nt);
		kill(-pid, SIGTERM);
		for (j = 0; j < nt; j++)
			kill(tree[j], SIGTERM);
		for (i = 0; i < 150 && !gone(pid, st) && !is_zombie(pid); i++)
			nanosleep(&ts, NULL);
		if (!gone(pid, st) && !is_zombie(pid)) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			for (i = 0; i < 100 && !gone(pid, st) &&
			    !is_zombie(pid); i++)
				nanosleep(&ts, NULL);
		}
		/* Whatever is left of its group and its children. */
		kill(-pid, SIGKILL);
		for (j = 1; j < nt; j++)
			kill(tree[j], SIGKILL);
		free(tree);
		waitpid(pid, NULL, WNOHANG);
	}
	lab_run(lab, lab_stmt(lab, "DELETE FROM procs WHERE name = ?", "s",
	    name));
	return was;
}

char **
labrun_names(struct lab *lab, size_t *n)
{
	struct sqlite3_stmt	*st;
	char			**v = NULL;

	*n = 0;
	st = lab_stmt(lab, "SELECT name FROM procs ORDER BY name", NULL);
	while (lab_step(lab, st)) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = lab_col(st, 0);
	}
	sqlite3_finalize(st);
	return v;
}

/* Whether /proc/PID/cmdline has the argument pair "--dir" dir. */
static int
runs_in(const char *pid, const char *dir)
{
	char	 path[64], buf[8192], *p, *end;
	int	 fd, found = 0;
	ssize_t	 n;

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	end = buf + n;
	if (strstr(buf, "fedwiz-lab-") == NULL)
		return 0;
	for (p = buf; p < end; p += strlen(p) + 1)
		if (strcmp(p, "--dir") == 0 && p + strlen(p) + 1 < end &&
		    strcmp(p + strlen(p) + 1, dir) == 0)
			found = 1;
	return found;
}

int
labrun_sweep(struct lab *lab)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;
	pid_t		 pid;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = (pid_t)atoi(e->d_name);
		if (pid == getpid() || !runs_in(e->d_name, lab->dir))
			continue;
		if (kill(pid, SIGKILL) == 0)
			n++;
	}
	closedir(d);
	return n;
}

void
labrun_settle(struct lab *lab)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };
	int64_t		gen = lab_gen(lab);
	int		i;

	if (labrun_alive(lab, "tlsd") == 0)
		return;
	for (i = 0; i < 300; i++) {
		if (lab_meta_int(lab, "tlsd_gen", -1) >= gen)
			return;
		nanosleep(&ts, NULL);
	}
}
