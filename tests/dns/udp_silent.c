/*
 * udp_silent: a UDP "DNS server" on 127.0.0.1 that never answers (a
 * firewall that drops, a resolver that hangs), for the DNS tests'
 * timeout cases. sh cannot bind UDP, so this is C.
 *
 *   udp_silent PORT [LIFETIME [LOG]]
 *
 * PORT 0 picks a free port. When bound, prints "PORT\n" on stdout (then
 * closes stdout), so a test knows the port and that it is ready. Each
 * datagram is read and dropped; with LOG, one line per datagram ("query
 * N bytes") is appended to it, so a test can tell whether anything was
 * sent at all. LIFETIME (seconds, default 60, at most 3600): it exits
 * after that, so a forgotten one does not linger. SIGTERM also ends it.
 * Binds 127.0.0.1 only.
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
	fprintf(stderr, "usage: udp_silent PORT [LIFETIME [LOG]]\n");
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

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct sigaction	 sa;
	struct pollfd		 pfd;
	socklen_t		 len;
	FILE			*log = NULL;
	time_t			 deadline, now;
	long			 port, lifetime = 60;
	ssize_t			 n;
	int			 fd;
	unsigned char		 buf[65536];

	if (argc < 2 || argc > 4)
		usage();
	port = number(argv[1], 65535);
	if (argc >= 3)
		lifetime = number(argv[2], 3600);
	if (argc == 4 && (log = fopen(argv[3], "a")) == NULL) {
		fprintf(stderr, "udp_silent: %s: %s\n", argv[3],
		    strerror(errno));
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		perror("udp_silent: socket");
		return 1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		fprintf(stderr, "udp_silent: bind 127.0.0.1:%ld: %s\n", port,
		    strerror(errno));
		return 1;
	}
	len = sizeof(sin);
	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		perror("udp_silent: getsockname");
		return 1;
	}
	printf("%u\n", (unsigned)ntohs(sin.sin_port));
	fflush(stdout);
	fclose(stdout);

	deadline = time(NULL) + lifetime;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while ((now = time(NULL)) < deadline) {
		if (poll(&pfd, 1, (int)(deadline - now) * 1000) < 0) {
			if (errno == EINTR)
				continue;
			perror("udp_silent: poll");
			return 1;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		if ((n = recv(fd, buf, sizeof(buf), 0)) < 0)
			continue;
		if (log != NULL) {
			fprintf(log, "query %zd bytes\n", n);
			fflush(log);
		}
	}
	if (log != NULL)
		fclose(log);
	close(fd);
	return 0;
}
