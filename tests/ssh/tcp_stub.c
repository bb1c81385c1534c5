/*
 * tcp_stub: a TCP server on 127.0.0.1 that is not an SSH server, for the
 * SSH tests' unreachable-host cases. bash cannot listen, so this is C.
 *
 *   tcp_stub PORT MODE [LIFETIME]
 *
 * PORT 0 picks a free port. When listening, prints "PORT\n" on stdout (then
 * closes stdout), so a test knows the port and that it is ready.
 * MODE, what a client sees after connect:
 *   silent   accepted and never spoken to, kept open (a firewall that
 *            swallows, a hung daemon): the client's banner wait must time out
 *   close    closed right after accept (FIN): "connection closed by peer"
 *            before any banner
 *   reset    closed with SO_LINGER 0 right after accept (RST)
 *   garbage  a few lines that are not an SSH identification string, then
 *            binary junk, then the connection is kept until the client
 *            closes it (some other service on the port)
 *   banner   a valid "SSH-2.0-..." identification and then silence: the
 *            key exchange never starts (a stalled sshd)
 *   hangup   reads what the client sends first (a TLS ClientHello) and
 *            then closes: a server that dies in the middle of a handshake
 * LIFETIME (seconds, default 60, at most 3600): the stub exits after it, so
 * a test that forgets it leaves nothing behind for long. SIGTERM also ends
 * it. Binds 127.0.0.1 only, never another address.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define _POSIX_C_SOURCE 200809L

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS	64

enum mode { M_SILENT, M_CLOSE, M_RESET, M_GARBAGE, M_BANNER, M_HANGUP };

static const struct {
	const char	*name;
	enum mode	 mode;
} modes[] = {
	{ "silent", M_SILENT },
	{ "close", M_CLOSE },
	{ "reset", M_RESET },
	{ "garbage", M_GARBAGE },
	{ "banner", M_BANNER },
	{ "hangup", M_HANGUP },
};

/*
 * SIGTERM and SIGINT end the process in the handler. A flag tested before
 * poll() would miss a signal that lands just before the call, and the
 * helper would then sleep out its whole lifetime. _exit() also skips
 * atexit(): in the sanitizer build, LeakSanitizer's exit-time scan stops
 * the process with ptrace, and timeout(1) signalling the process group at
 * that moment has been seen to wedge it for good. A test helper has
 * nothing to flush (the query log is flushed per line).
 */
static void
on_signal(int sig)
{
	(void)sig;
	_exit(0);
}

static void
usage(void)
{
	fprintf(stderr, "usage: tcp_stub PORT silent|close|reset|garbage|banner "
	    "[LIFETIME]\n");
	exit(2);
}

static long
number(const char *s, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		usage();
	return v;
}

/* Best effort: a client that went away is not the stub's problem. */
static void
say(int fd, const void *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

static void
greet(int fd, enum mode m)
{
	static const char junk_lines[] =
	    "220 mail.example.com ESMTP ready\r\n"
	    "this is not an SSH server\r\n";
	static const char banner[] = "SSH-2.0-OpenSSH_9.2 tcp_stub\r\n";
	unsigned char	 junk[256];
	size_t		 i;

	switch (m) {
	case M_GARBAGE:
		say(fd, junk_lines, sizeof(junk_lines) - 1);
		for (i = 0; i < sizeof(junk); i++)
			junk[i] = (unsigned char)(i * 37 + 11);
		say(fd, junk, sizeof(junk));
		break;
	case M_BANNER:
		say(fd, banner, sizeof(banner) - 1);
		break;
	default:
		break;
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	socklen_t		 len;
	struct sigaction	 sa;
	struct pollfd		 pfd[1 + MAX_CLIENTS];
	struct linger		 lin;
	enum mode		 m = M_SILENT;
	time_t			 deadline;
	long			 port, lifetime = 60;
	size_t			 i, nclients = 0;
	int			 lfd, fd, one = 1, found = 0, timeout;
	char			 buf[4096];

	if (argc < 3 || argc > 4)
		usage();
	port = number(argv[1], 65535);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[2], modes[i].name) == 0) {
			m = modes[i].mode;
			found = 1;
		}
	if (!found)
		usage();
	if (argc == 4)
		lifetime = number(argv[3], 3600);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
		perror("tcp_stub: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		fprintf(stderr, "tcp_stub: bind 127.0.0.1:%ld: %s\n", port,
		    strerror(errno));
		return 1;
	}
	if (listen(lfd, 16) < 0) {
		perror("tcp_stub: listen");
		return 1;
	}
	len = sizeof(sin);
	if (getsockname(lfd, (struct sockaddr *)&sin, &len) < 0) {
		perror("tcp_stub: getsockname");
		return 1;
	}
	printf("%u\n", (unsigned)ntohs(sin.sin_port));
	fflush(stdout);
	fclose(stdout);

	deadline = time(NULL) + lifetime;
	pfd[0].fd = lfd;
	pfd[0].events = POLLIN;
	for (;;) {
		time_t	 now = time(NULL);

		if (now >= deadline)
			break;
		timeout = (int)(deadline - now) * 1000;
		if (poll(pfd, 1 + nclients, timeout) < 0) {
			if (errno == EINTR)
				continue;
			perror("tcp_stub: poll");
			return 1;
		}
		/* Clients: a silent stub reads and drops what it is sent;
		 * everyone's end of stream closes its side. */
		for (i = 1; i <= nclients; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (read(pfd[i].fd, buf, sizeof(buf)) > 0 &&
			    m != M_HANGUP)
				continue;
			close(pfd[i].fd);
			pfd[i] = pfd[nclients--];
			i--;
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			continue;
		switch (m) {
		case M_CLOSE:
			close(fd);
			continue;
		case M_RESET:
			lin.l_onoff = 1;
			lin.l_linger = 0;
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
			close(fd);
			continue;
		default:
			break;
		}
		greet(fd, m);
		if (nclients == MAX_CLIENTS) {
			close(fd);
			continue;
		}
		nclients++;
		pfd[nclients].fd = fd;
		pfd[nclients].events = POLLIN;
		pfd[nclients].revents = 0;
	}
	for (i = 1; i <= nclients; i++)
		close(pfd[i].fd);
	close(lfd);
	return 0;
}
