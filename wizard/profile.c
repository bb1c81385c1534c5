/* profile.c: the device profile table (doc/design.md, "Checks"). */
#include "config.h"

#include <string.h>

#include "profile.h"
#include "util.h"

static const struct profile profiles[] = {
	{ PROF_WINDOWS, "windows", "Windows / Lync / OCS server (OpenSSH, "
	    "PowerShell)", CHAN_EXEC, 4, NULL, 0 },
	{ PROF_LINUX, "linux", "Linux or Unix host", CHAN_EXEC, 4, NULL, 0 },
	{ PROF_CISCO_VOS, "cisco-vos", "Cisco IM and Presence / CUCM admin CLI",
	    CHAN_SHELL, 2, "set cli pagination off", 0 },
	{ PROF_CISCO_ASA, "cisco-asa", "Cisco ASA CLI", CHAN_SHELL, 5,
	    "terminal pager 0", 1 },
	{ PROF_NONE, "none", "no SSH access (browser or third party)",
	    CHAN_NONE, 0, NULL, 0 },
};

static const char *names[nitems(profiles)];

const struct profile *
profile_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(profiles); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const char *const *
profile_names(size_t *n)
{
	size_t	i;

	for (i = 0; i < nitems(profiles); i++)
		names[i] = profiles[i].name;
	*n = nitems(profiles);
	return names;
}
