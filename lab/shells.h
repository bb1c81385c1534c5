/* shells.h: the device shells of fedwiz-lab-shell, one per profile. */
#ifndef FEDWIZ_SHELLS_H
#define FEDWIZ_SHELLS_H

#include "lab.h"

/* Each runs a session on host: command is SSH_ORIGINAL_COMMAND (NULL:
 * an interactive session). The process's exit status. */
int	ps_main(struct lab *, const struct lab_host *, const char *);
int	vos_main(struct lab *, const struct lab_host *);
int	asa_main(struct lab *, const struct lab_host *);

#endif
