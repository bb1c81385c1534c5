/* profile.h: device profiles, how fedwiz talks to each kind of machine. */
#ifndef FEDWIZ_PROFILE_H
#define FEDWIZ_PROFILE_H

#include <stddef.h>

enum profile_id {
	PROF_WINDOWS,
	PROF_LINUX,
	PROF_CISCO_VOS,
	PROF_CISCO_ASA,
	PROF_NONE
};

/* How a command reaches the device. */
enum profile_channel {
	CHAN_EXEC,		/* one exec channel per command, exit status */
	CHAN_SHELL,		/* interactive shell with a PTY, prompts */
	CHAN_NONE		/* no SSH: operator-confirmed steps only */
};

struct profile {
	enum profile_id		 id;
	const char		*name;
	const char		*title;
	enum profile_channel	 channel;
	/* SSH sessions fedwiz opens at once to one device (an ASA context
	 * allows 5 in all; leave room for the operator's own). */
	int			 max_sessions;
	/* Shell profiles: the command that turns paging off, and whether
	 * privileged mode ("enable") is needed for show commands. */
	const char		*paging_off;
	int			 enable;
};

const struct profile	*profile_find(const char *);
const char *const	*profile_names(size_t *);

#endif
