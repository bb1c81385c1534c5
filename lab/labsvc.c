/* labsvc.c: the lab's servers (labsvc.h). */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fileio.h"
#include "lab.h"
#include "labint.h"
#include "labrun.h"
#include "labsvc.h"
#include "labtls.h"

#define SSHD_PER_PROCESS	16	/* listen sockets per sshd */
#define OCTET_DNS		2

static const char *
prog(const char *env, const char *def)
{
	const char	*p = getenv(env);

	return p != NULL && *p != '\0' ? p : def;
}

int
labsvc_ssh_port(struct lab *lab)
{
	return (int)lab_meta_int(lab, "ssh_port", 22);
}

/* Run a program to its end, quietly; its exit status or -1. */
static int
run_quiet(char *const *argv)
{
	pid_t				pid;
	int				st;
	posix_spawn_file_actions_t	fa;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int
keygen(const char *type, const char *path, const char *comment,
    struct diags *d)
{
	char		**argv;
	struct stat	  sb;
	const char	 *kg = prog("FEDWIZ_LAB_SSH_KEYGEN", "/usr/bin/ssh-keygen");
	int		  rc;

	if (stat(path, &sb) == 0)
		return 0;
	argv = labrun_argv(kg, "-q", "-t", type, "-N", "", "-C", comment, "-f",
	    path, NULL);
	rc = run_quiet(argv);
	labrun_argv_free(argv);
	if (rc != 0) {
		diags_add(d, path, 0, 0, "ssh-keygen -t %s failed (is %s "
		    "there? Debian: openssh-client)", type, kg);
		return -1;
	}
	return 0;
}

static char *
read_text(const char *path)
{
	char	*s = NULL;
	size_t	 n;

	if (read_file(path, 1 << 16, &s, &n) != 0)
		return NULL;
	return s;
}

int
labsvc_keys(struct lab *lab, struct diags *d)
{
	char	*ssh = lab_path(lab, "ssh"), *p, *pub, *ak;
	int	 rc = -1;

	if (mkdir(ssh, 0700) == -1 && errno != EEXIST) {
		diags_add(d, ssh, 0, 0, "%s", strerror(errno));
		goto out;
	}
	p = xasprintf("%s/ssh_host_ed25519_key", ssh);
	rc = keygen("ed25519", p, "fedwiz lab host", d);
	free(p);
	if (rc == 0) {
		p = xasprintf("%s/ssh_host_ecdsa_key", ssh);
		rc = keygen("ecdsa", p, "fedwiz lab host", d);
		free(p);
	}
	if (rc == 0) {
		p = lab_path(lab, "id_ed25519");
		rc = keygen("ed25519", p, "fedwiz lab user", d);
		free(p);
	}
	if (rc != 0)
		goto out;
	p = lab_path(lab, "id_ed25519.pub");
	pub = read_text(p);
	free(p);
	if (pub == NULL) {
		diags_add(d, lab->dir, 0, 0, "id_ed25519.pub is missing");
		rc = -1;
		goto out;
	}
	ak = xasprintf("%s/authorized_keys", ssh);
	rc = file_write_atomic(ak, pub, strlen(pub), d) == 0 ? 0 : -1;
	free(ak);
	free(pub);
out:
	free(ssh);
	return rc;
}

int
labsvc_known_hosts(struct lab *lab, struct diags *d)
{
	struct lab_host	*hv;
	size_t		 n, i, t;
	struct buf	 b;
	char		*path, *key;
	int		 port = labsvc_ssh_port(lab), rc;
	static const char *const types[] = { "ed25519", "ecdsa" };

	buf_init(&b);
	lab_hosts(lab, &hv, &n);
	for (t = 0; t < nitems(types); t++) {
		path = xasprintf("%s/ssh/ssh_host_%s_key.pub", lab->dir,
		    types[t]);
		key = read_text(path);
		free(path);
		if (key == NULL)
			continue;
		key[strcspn(key, "\n")] = '\0';
		/* "type base64": drop the comment. */
		if ((path = strchr(key, ' ')) != NULL &&
		    (path = strchr(path + 1, ' ')) != NULL)
			*path = '\0';
		for (i = 0; i < n; i++) {
			if (strcmp(hv[i].kind, "alias") == 0)
				continue;
			if (port == 22)
				buf_printf(&b, "%s %s\n", hv[i].address, key);
			else
				buf_printf(&b, "[%s]:%d %s\n", hv[i].address,
				    port, key);
		}
		free(key);
	}
	free(hv);
	path = lab_path(lab, "known_hosts");
	rc = file_write_atomic(path, b.s ? b.s : "", b.len, d) == 0 ? 0 : -1;
	free(path);
	buf_free(&b);
	return rc;
}

static char *
dns_addr(struct lab *lab)
{
	char	*b = lab_meta(lab, "block"), *a;

	a = xasprintf("%s.%d", b, OCTET_DNS);
	free(b);
	return a;
}

void
labsvc_socks(struct lab *lab, struct lab_sock **v, size_t *n)
{
	struct lab_host		*hv;
	struct lab_listener	*lv;
	size_t			 k, i;
	struct lab_sock		*s;
	int			 port = labsvc_ssh_port(lab);
	char			*a;

	*v = NULL;
	*n = 0;
	lab_hosts(lab, &hv, &k);
	for (i = 0; i < k; i++) {
		if (strcmp(hv[i].kind, "alias") == 0)
			continue;
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		s = &(*v)[(*n)++];
		memset(s, 0, sizeof(*s));
		snprintf(s->address, sizeof(s->address), "%s", hv[i].address);
		s->port = port;
		snprintf(s->what, sizeof(s->what), "sshd for %s", hv[i].name);
	}
	free(hv);
	a = dns_addr(lab);
	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	memset(&(*v)[*n], 0, 2 * sizeof(**v));
	snprintf((*v)[*n].address, sizeof((*v)[*n].address), "%s", a);
	(*v)[*n].port = (int)lab_meta_int(lab, "dns_port", 53);
	(*v)[*n].udp = 1;
	snprintf((*v)[*n].what, sizeof((*v)[*n].what), "dnsmasq (UDP)");
	(*n)++;
	snprintf((*v)[*n].address, sizeof((*v)[*n].address), "%s", a);
	(*v)[*n].port = (int)lab_meta_int(lab, "dns_port", 53);
	snprintf((*v)[*n].what, sizeof((*v)[*n].what), "dnsmasq (TCP)");
	(*n)++;
	free(a);
	lab_listeners(lab, &lv, &k);
	for (i = 0; i < k; i++) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		s = &(*v)[(*n)++];
		memset(s, 0, sizeof(*s));
		snprintf(s->address, sizeof(s->address), "%s", lv[i].address);
		s->port = lv[i].port;
		snprintf(s->what, sizeof(s->what), "%s SIP %s", lv[i].host,
		    lv[i].tls ? "TLS" : "TCP");
	}
	free(lv);
}

/* Single quotes for sshd's ForceCommand, which the user's shell runs. */
static void
shq(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/* The sshd configuration for hosts [from, to). */
static char *
sshd_conf(struct lab *lab, struct lab_host *hv, size_t from, size_t to,
    const char *shell)
{
	struct buf	 b;
	size_t		 i;
	int		 port = labsvc_ssh_port(lab);
	char		*user = lab_meta(lab, "user");

	buf_init(&b);
	buf_printf(&b, "# Written by fedwiz lab up for %s; written again at "
	    "every up.\n", lab->dir);
	for (i = from; i < to; i++)
		buf_printf(&b, "ListenAddress %s:%d\n", hv[i].address, port);
	buf_printf(&b,
	    "AddressFamily inet\n"
	    "HostKey %s/ssh/ssh_host_ed25519_key\n"
	    "HostKey %s/ssh/ssh_host_ecdsa_key\n"
	    "PidFile none\n"
	    "AuthorizedKeysFile %s/ssh/authorized_keys\n"
	    "StrictModes no\n"
	    "UsePAM no\n"
	    "AllowUsers %s\n"
	    "PermitRootLogin prohibit-password\n"
	    "PubkeyAuthentication yes\n"
	    "PasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\n"
	    "PermitUserEnvironment no\n"
	    "LogLevel INFO\n"
	    "MaxStartups 100:30:200\n"
	    "MaxSessions 10\n"
	    "LoginGraceTime 30\n"
	    "ClientAliveInterval 0\n"
	    "SetEnv SHLVL=1\n"
	    "UseDNS no\n"
	    "PrintMotd no\n"
	    "PrintLastLog no\n"
	    "Banner none\n"
	    "AllowTcpForwarding no\n"
	    "AllowAgentForwarding no\n"
	    "AllowStreamLocalForwarding no\n"
	    "X11Forwarding no\n"
	    "PermitTunnel no\n",
	    lab->dir, lab->dir, lab->dir, user ? user : "root");
	for (i = from; i < to; i++) {
		buf_printf(&b, "Match LocalAddress %s LocalPort %d\n"
		    "\tForceCommand ", hv[i].address, port);
		shq(&b, shell);
		buf_adds(&b, " --dir ");
		shq(&b, lab->dir);
		buf_printf(&b, " --host %s\n", hv[i].name);
	}
	free(user);
	return buf_steal(&b);
}

static char *
dns_conf(struct lab *lab)
{
	struct buf		 b;
	struct sqlite3_stmt	*st;
	char			*a, *name, *type, *val, **zones = NULL;
	size_t			 nz = 0, i;
	unsigned		 prio, weight, port;
	char			 target[256];
	const char		*z;

	buf_init(&b);
	a = dns_addr(lab);
	buf_printf(&b, "# Written by fedwiz lab for %s from its lab state.\n"
	    "no-resolv\nno-hosts\nno-poll\nbind-interfaces\n"
	    "listen-address=%s\nport=%lld\nlog-facility=-\nlocal-ttl=300\n"
	    "auth-ttl=300\n", lab->dir, a, (long long)lab_meta_int(lab,
	    "dns_port", 53));
	free(a);
	st = lab_stmt(lab, "SELECT name, type, value FROM dns ORDER BY id",
	    NULL);
	while (lab_step(lab, st)) {
		name = lab_col(st, 0);
		type = lab_col(st, 1);
		val = lab_col(st, 2);
		/* The zone: the name's last two labels. Unknown names under
		 * it get NXDOMAIN, never a query to anywhere else. */
		z = name + strlen(name);
		for (i = 0; i < 2 && z > name; ) {
			z--;
			if (*z == '.')
				i++;
		}
		if (*z == '.')
			z++;
		for (i = 0; i < nz && strcasecmp(zones[i], z) != 0; i++)
			;
		if (i == nz) {
			zones = xreallocarray(zones, nz + 1, sizeof(*zones));
			zones[nz++] = xstrdup(z);
		}
		if (strcmp(type, "A") == 0)
			buf_printf(&b, "host-record=%s,%s\n", name, val);
		else if (strcmp(type, "SRV") == 0 && sscanf(val, "%u %u %u "
		    "%255s", &prio, &weight, &port, target) == 4)
			buf_printf(&b, "srv-host=%s,%s,%u,%u,%u\n", name, target,
			    port, prio, weight);
		free(name);
		free(type);
		free(val);
	}
	sqlite3_finalize(st);
	for (i = 0; i < nz; i++) {
		buf_printf(&b, "local=/%s/\n", zones[i]);
		free(zones[i]);
	}
	free(zones);
	return buf_steal(&b);
}

static int
write_conf(struct lab *lab, const char *name, const char *text,
    struct diags *d)
{
	char	*run = lab_path(lab, "run"), *p;
	int	 rc;

	mkdir(run, 0700);
	p = xasprintf("%s/%s", run, name);
	rc = file_write_atomic(p, text, strlen(text), d) == 0 ? 0 : -1;
	free(p);
	free(run);
	return rc;
}

static pid_t
start_dnsmasq(struct lab *lab, struct diags *d)
{
	char	*conf = xasprintf("%s/run/dnsmasq.conf", lab->dir);
	char	*log = xasprintf("%s/log/dnsmasq.log", lab->dir);
	char	**argv;
	pid_t	  pid;

	char	*opt = xasprintf("--conf-file=%s", conf);

	argv = labrun_argv(prog("FEDWIZ_LAB_DNSMASQ", "/usr/sbin/dnsmasq"),
	    "--keep-in-foreground", opt, NULL);
	free(opt);
	pid = labrun_spawn(lab, "dnsmasq", argv, log, d);
	labrun_argv_free(argv);
	free(conf);
	free(log);
	return pid;
}

/* Wait until every socket listens, or a recorded process dies, or the
 * deadline passes. */
static int
wait_ready(struct lab *lab, struct lab_sock *sv, size_t n, int ms,
    struct diags *d)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	size_t		 i, k, nn;
	char		**names;
	int		 waited = 0, ready, dead;

	for (;;) {
		struct labrun_snap	*snap = labrun_snap();

		ready = 1;
		for (i = 0; i < n && ready; i++)
			if (!labrun_snap_listening(snap, sv[i].address,
			    sv[i].port, sv[i].udp))
				ready = 0;
		labrun_snap_free(snap);
		if (ready)
			return 0;
		names = labrun_names(lab, &nn);
		dead = 0;
		for (k = 0; k < nn; k++) {
			if (!dead && labrun_alive(lab, names[k]) == 0) {
				char	*log = xasprintf("%s/log/%s.log",
				    lab->dir, strncmp(names[k], "sshd", 4) ?
				    names[k] : "sshd");
				char	*text = read_text(log), *last;

				dead = 1;
				last = text;
				if (text != NULL) {
					/* Its last lines say why. */
					size_t	len = strlen(text);

					if (len > 600)
						last = text + len - 600;
				}
				diags_add(d, names[k], 0, 0, "stopped at once; "
				    "its log (%s) ends:\n%s", log, last ? last :
				    "(empty)");
				free(text);
				free(log);
			}
			free(names[k]);
		}
		free(names);
		if (dead)
			return -1;
		if (waited >= ms) {
			for (i = 0; i < n; i++)
				if (!labrun_listening(sv[i].address,
				    sv[i].port, sv[i].udp))
					diags_add(d, sv[i].what, 0, 0, "does not "
					    "listen on %s:%d/%s after %d s",
					    sv[i].address, sv[i].port,
					    sv[i].udp ? "udp" : "tcp",
					    ms / 1000);
			return -1;
		}
		nanosleep(&ts, NULL);
		waited += 10;
	}
}

int
labsvc_start(struct lab *lab, int ms, struct diags *d)
{
	struct lab_host	*hv = NULL;
	struct lab_sock	*sv = NULL;
	size_t		 n, ns = 0, i, k, g;
	char		*shell = NULL, *tlsd = NULL, *conf, *text, *log, *logd;
	char		**argv, name[32], holder[128];
	const char	*sshd = prog("FEDWIZ_LAB_SSHD", "/usr/sbin/sshd");
	const char	*dnsmasq = prog("FEDWIZ_LAB_DNSMASQ",
			    "/usr/sbin/dnsmasq");
	int		 rc = -1, e;

	if (access(sshd, X_OK) != 0) {
		diags_add(d, sshd, 0, 0, "OpenSSH's sshd is not there: install "
		    "the Debian package openssh-server (./bootstrap does)");
		return -1;
	}
	if (access(dnsmasq, X_OK) != 0) {
		diags_add(d, dnsmasq, 0, 0, "dnsmasq is not there: install the "
		    "Debian package dnsmasq-base (./bootstrap does)");
		return -1;
	}
	shell = lab_libexec("fedwiz-lab-shell");
	tlsd = lab_libexec("fedwiz-lab-tlsd");
	if (access(shell, X_OK) != 0 || access(tlsd, X_OK) != 0) {
		diags_add(d, access(shell, X_OK) != 0 ? shell : tlsd, 0, 0,
		    "the lab's own program is missing: build it (make) or "
		    "install fedwiz (make install)");
		goto out;
	}
	/* Everything free first: nothing starts if anything is taken. */
	labsvc_socks(lab, &sv, &ns);
	for (i = 0; i < ns; i++) {
		if ((e = labrun_bindable(sv[i].address, sv[i].port,
		    sv[i].udp)) == 0)
			continue;
		labrun_holder(sv[i].address, sv[i].port, sv[i].udp, holder,
		    sizeof(holder));
		if (e == EADDRINUSE)
			diags_add(d, sv[i].what, 0, 0, "%s:%d/%s is in use by "
			    "%s: stop it, or give this lab other addresses "
			    "(FEDWIZ_LAB_BLOCK, in a new --dir)", sv[i].address,
			    sv[i].port, sv[i].udp ? "udp" : "tcp", holder);
		else
			diags_add(d, sv[i].what, 0, 0, "cannot bind %s:%d/%s: "
			    "%s", sv[i].address, sv[i].port, sv[i].udp ?
			    "udp" : "tcp", strerror(e));
	}
	if (d->n > 0)
		goto out;
	logd = lab_path(lab, "log");
	mkdir(logd, 0700);
	free(logd);
	/* As root, sshd wants its privilege separation folder (Debian's
	 * service makes it at boot). */
	if (geteuid() == 0)
		mkdir("/run/sshd", 0755);
	if (labsvc_dns_sync(lab, d) != 0 || start_dnsmasq(lab, d) == -1)
		goto out;
	lab_hosts(lab, &hv, &n);
	for (i = 0, k = 0; i < n; i++)
		if (strcmp(hv[i].kind, "alias") != 0)
			hv[k++] = hv[i];
	for (g = 0; g * SSHD_PER_PROCESS < k; g++) {
		text = sshd_conf(lab, hv, g * SSHD_PER_PROCESS,
		    (g + 1) * SSHD_PER_PROCESS < k ? (g + 1) *
		    SSHD_PER_PROCESS : k, shell);
		snprintf(name, sizeof(name), "sshd-%zu", g + 1);
		conf = xasprintf("%s/run/%s.conf", lab->dir, name);
		if (write_conf(lab, strrchr(conf, '/') + 1, text, d) != 0) {
			free(text);
			free(conf);
			goto out;
		}
		free(text);
		log = xasprintf("%s/log/sshd.log", lab->dir);
		argv = labrun_argv(sshd, "-D", "-e", "-f", conf, NULL);
		if (labrun_spawn(lab, name, argv, log, d) == -1) {
			labrun_argv_free(argv);
			free(conf);
			free(log);
			goto out;
		}
		labrun_argv_free(argv);
		free(conf);
		free(log);
	}
	log = xasprintf("%s/log/tlsd.log", lab->dir);
	argv = labrun_argv(tlsd, "--dir", lab->dir, NULL);
	if (labrun_spawn(lab, "tlsd", argv, log, d) == -1) {
		labrun_argv_free(argv);
		free(log);
		goto out;
	}
	labrun_argv_free(argv);
	free(log);
	rc = wait_ready(lab, sv, ns, ms, d);
out:
	free(hv);
	free(sv);
	free(shell);
	free(tlsd);
	return rc;
}

int
labsvc_dns_sync(struct lab *lab, struct diags *d)
{
	char	*text = dns_conf(lab), *path, *old;
	int	 rc = 0, same;

	path = xasprintf("%s/run/dnsmasq.conf", lab->dir);
	old = read_text(path);
	same = old != NULL && strcmp(old, text) == 0;
	free(old);
	if (!same && write_conf(lab, "dnsmasq.conf", text, d) != 0)
		rc = -1;
	/* dnsmasq reads srv-host and host-record once, at start: a change
	 * restarts it on the same address. */
	if (rc == 0 && !same && labrun_alive(lab, "dnsmasq") > 0) {
		struct lab_sock	s[2];
		char		*a = dns_addr(lab);

		labrun_stop(lab, "dnsmasq");
		memset(s, 0, sizeof(s));
		snprintf(s[0].address, sizeof(s[0].address), "%s", a);
		s[0].port = (int)lab_meta_int(lab, "dns_port", 53);
		s[0].udp = 1;
		snprintf(s[0].what, sizeof(s[0].what), "dnsmasq");
		s[1] = s[0];
		s[1].udp = 0;
		free(a);
		if (start_dnsmasq(lab, d) == -1 || wait_ready(lab, s, 2, 5000,
		    d) != 0)
			rc = -1;
	}
	free(path);
	free(text);
	return rc;
}
