/*
 * prompt.h: reading an interactive device CLI (Cisco IM and Presence / CUCM
 * "admin:", Cisco ASA) through a PTY: what the device printed, stripped of
 * terminal control; whether it is now waiting at its prompt, at a pager, or
 * for a password; and the output of one command, between its echo and the
 * next prompt.
 *
 * Pure functions over bytes: no I/O, so every quirk has a unit test.
 */
#ifndef FEDWIZ_PROMPT_H
#define FEDWIZ_PROMPT_H

#include <stddef.h>

#include "profile.h"

/* What the device is waiting for, judged from the end of its output. */
enum prompt_state {
	PS_NONE,	/* still printing (or something unknown) */
	PS_PROMPT,	/* at the command prompt: a command has finished */
	PS_PAGER,	/* at a pager ("<--- More --->", "Press <enter> ...",
			   "options: q=quit ..."): send prompt_pager_key() */
	PS_PASSWORD,	/* asks for a password ("Password:") */
	PS_CONFIRM	/* asks yes/no ("[yes/no]:", "[confirm]") */
};

struct prompt_hit {
	enum prompt_state	 state;
	size_t			 start;	/* where the prompt text begins in the
					   stripped buffer */
	char			 mode;	/* ASA: '>' user, '#' privileged, 'c'
					   config (#) ; VOS: ':'; 0: n/a */
};

/*
 * Look at stripped text (clean_term's output) accumulated since the last
 * command was sent and say what the device waits for. Prompts per profile:
 *   cisco-vos: a line that is exactly "admin:" (the account name may differ:
 *     "[A-Za-z0-9_-]+:" at the start of the last line, nothing after it but
 *     blanks; the name must start with a letter and be at most 32 long.
 *     A last output line like "Subject:" looks the same: the caller, who
 *     knows the login name, may compare the text at hit->start);
 *     pagers "Press <enter> for 1 line, <space> for one page, or <q> to
 *     quit" and "options: q=quit, n=next, p=prev, b=begin, e=end (lines
 *     N - M of T) :".
 *   cisco-asa: "^[A-Za-z0-9_./-]+(/[A-Za-z0-9]+)*(\(config[^)]*\))?[>#] ?$"
 *     on the last line (failover suffixes like "asa/pri/act#"); pager
 *     "<--- More --->"; password prompt "Password:".
 * Returns the state; fills *hit when not PS_NONE.
 */
enum prompt_state prompt_scan(const struct profile *, const char *, size_t,
		     struct prompt_hit *);

/* The bytes to send to move a pager on: a space for most; "n" at the VOS
 * file viewer's "options:", and "q" there only once it shows the last line
 * ("lines N - T of T": "n" would just redraw it); "q" never elsewhere. */
const char	*prompt_pager_key(const struct profile *, const char *, size_t);

/*
 * Where the echo of cmd ends in stripped text that runs from just after
 * cmd was sent: the offset just past the first line (or lines, when the
 * terminal wrapped it) that is the command as typed, or (size_t)-1 when
 * it is not there (yet). Whatever comes before it is not this command's
 * output but the previous command's, printed after that one's prompt: a
 * prompt counts only after the echo. A line that is only the tail of the
 * command (what a terminal leaves of a long echo it wrapped with "\r")
 * counts as the echo on the first line, or when 16 bytes or longer.
 */
size_t	prompt_echo_end(const char *, size_t, const char *);

/*
 * The output of one command from stripped text that runs from just after
 * the command was sent to the prompt that followed: drop everything up to
 * and including the echoed command (prompt_echo_end; nothing when there
 * is no echo), the final prompt line, and pager prompts with the blank
 * lines they leave; keep everything else verbatim. malloc'd; *outlen its
 * length.
 * The echo may also be wrapped by the terminal (only its tail left after a
 * "\r", or split over lines). hit NULL: prompt_scan decides where the
 * prompt is; cmd NULL: no echo to drop.
 */
char	*prompt_output(const struct profile *, const char *, size_t,
	    const char *, const struct prompt_hit *, size_t *);

/*
 * Whether the output says the command failed on the device: ASA "% Invalid
 * input detected", "% Incomplete command", "ERROR: ..." lines; VOS
 * "Executed command unsuccessfully", "Invalid command", "-ERROR-". Returns
 * the first such line (pointer into the text, up to its newline), or NULL.
 */
const char *prompt_error(const struct profile *, const char *, size_t,
	    size_t *);

/*
 * PowerShell's error stream as text. powershell.exe run with
 * -EncodedCommand and stderr not a console writes "#< CLIXML" and then
 * XML: <S S="Error">text_x000D__x000A_</S> per piece of an error, plus
 * progress records (<Obj S="progress">) even on success. The Error
 * strings, unescaped (_xHHHH_, XML entities), joined; other streams
 * dropped. Text that is not CLIXML comes back as it is. malloc'd.
 */
char	*clixml_errors(const char *, size_t, size_t *);

#endif
