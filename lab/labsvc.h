/*
 * labsvc.h: the lab's servers: OpenSSH sshd in front of the device
 * shells, dnsmasq with the lab's records, and the TLS/SIP listener.
 * Configuration files are written from lab state; each server is started
 * by labrun (recorded by pid) and is ready when its sockets listen.
 */
#ifndef FEDWIZ_LABSVC_H
#define FEDWIZ_LABSVC_H

#include <stddef.h>

#include "lab.h"

/* A socket a server must hold. */
struct lab_sock {
	char	address[48];
	int	port;
	int	udp;
	char	what[64];	/* "sshd (fe1)", "dnsmasq", "fe1 SIP TLS" */
};

/* Host keys, the user's key, authorized_keys and known_hosts (made once
 * per lab; known_hosts rewritten). 0 or -1 with a diag. */
int	 labsvc_keys(struct lab *, struct diags *);
int	 labsvc_known_hosts(struct lab *, struct diags *);
/* Everything the lab's servers will hold. *v malloc'd. */
void	 labsvc_socks(struct lab *, struct lab_sock **, size_t *);
/* Start every server; wait until they listen (deadline ms). 0, or -1
 * with diags naming what failed (the caller stops the rest). */
int	 labsvc_start(struct lab *, int, struct diags *);
/* Write the DNS records; restart dnsmasq when they changed and it runs.
 * 0 or -1. */
int	 labsvc_dns_sync(struct lab *, struct diags *);
/* The ssh port and user of the lab. */
int	 labsvc_ssh_port(struct lab *);

#endif
