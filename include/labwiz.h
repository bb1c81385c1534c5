/* labwiz.h: fedwiz --lab, the first five minutes: a fresh training lab, a
 * practice session of lync-imp-tls on it, the wizard on that session,
 * and the lab taken down when the wizard ends. */
#ifndef FEDWIZ_LABWIZ_H
#define FEDWIZ_LABWIZ_H

struct cli;

/* The runbook a newcomer practises first. */
#define LABWIZ_RUNBOOK	"lync-imp-tls"

/* Run it; an exit code. cli->lab is the lab's folder, or "" for a new
 * private one. */
int	labwiz_main(struct cli *);

#endif
