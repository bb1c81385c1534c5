/*
 * lab-shell.c: fedwiz-lab-shell, the device behind each lab host's SSH
 * server. sshd's ForceCommand runs it as `fedwiz-lab-shell --dir DIR
 * --host NAME`; SSH_ORIGINAL_COMMAND, when set, is the exec request.
 * The host's profile picks the device: the Windows servers' PowerShell
 * (Lync Management Shell on the Lync servers), the IM and Presence / CUP
 * admin CLI, the ASA CLI. Each reads and changes the one lab state.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "labrun.h"
#include "shells.h"

int
main(int argc, char **argv)
{
	struct lab	*lab = NULL;
	struct lab_host	 h;
	struct diags	 d;
	const char	*dir = NULL, *host = NULL, *cmd;
	int		 i, rc;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--dir") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--host") == 0)
			host = argv[i + 1];
	}
	if (dir == NULL || host == NULL || i != argc) {
		fprintf(stderr, "usage: fedwiz-lab-shell --dir DIR --host NAME "
		    "(run by the lab's sshd)\n");
		return 2;
	}
	diags_init(&d);
	if (lab_open(dir, 0, &lab, &d) != LAB_OK) {
		diags_print(&d, stderr);
		diags_free(&d);
		return 3;
	}
	if (lab_host_get(lab, host, &h) != 0) {
		fprintf(stderr, "fedwiz-lab-shell: no host %s in %s\n", host,
		    dir);
		lab_close(lab);
		return 3;
	}
	lab->who = h.name;
	lab->settle = labrun_settle;
	signal(SIGPIPE, SIG_DFL);
	cmd = getenv("SSH_ORIGINAL_COMMAND");
	if (strcmp(h.profile, "windows") == 0)
		rc = ps_main(lab, &h, cmd);
	else if (strcmp(h.profile, "cisco-asa") == 0)
		rc = asa_main(lab, &h);
	else
		rc = vos_main(lab, &h);
	fflush(stdout);
	lab_close(lab);
	return rc;
}
