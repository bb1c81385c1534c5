/*
 * openssh_match.h: OpenSSH's match_pattern (match.c), the recursive one,
 * as the reference for what a known_hosts pattern matches. It tries every
 * split of every '*' again for the next one: exponential, so for short
 * inputs only (test_hostkeys.c, tests/fuzz/fuzz_knownhosts.c).
 */
#ifndef FEDWIZ_OPENSSH_MATCH_H
#define FEDWIZ_OPENSSH_MATCH_H

static int
openssh_match(const char *s, const char *p)
{
	for (; *p != '\0'; p++, s++) {
		if (*p == '*') {
			while (p[1] == '*')
				p++;
			if (p[1] == '\0')
				return 1;
			for (; *s != '\0'; s++)
				if (openssh_match(s, p + 1))
					return 1;
			return 0;
		}
		if (*s == '\0' || (*p != '?' && *p != *s))
			return 0;
	}
	return *s == '\0';
}

#endif
