/*
 * quote.h: putting operator-supplied values into a command that runs on a
 * device, so that no value can change what the command does.
 *
 * A value reaches here only after its variable type accepted it (vartype.h);
 * this is the second wall, per device language.
 */
#ifndef FEDWIZ_QUOTE_H
#define FEDWIZ_QUOTE_H

#include <stddef.h>

#include "answers.h"
#include "profile.h"
#include "util.h"

/*
 * Quote one value for a profile's command language, appending to b.
 *   linux:      POSIX sh single quotes ('a'\''b').
 *   windows:    a PowerShell single-quoted string ('a''b'); also every
 *               Unicode quote PowerShell treats as one (U+2018..U+201B) is
 *               doubled.
 *   cisco-vos, cisco-asa: these CLIs have no quoting: the value must be a
 *               token of [A-Za-z0-9._:@/=+-] (no space, no '?', which the
 *               CLIs treat as help, no '|' ...) and is appended as is.
 *   none:       refused (no commands go there).
 * 0, or -1 with why filled (what is wrong with the value, for which device).
 */
int	 quote_value(const struct profile *, const char *, struct buf *,
	     char *, size_t);

/*
 * Expand a command template (runbook `${var}` syntax) for a profile: each
 * value quoted by quote_value. A template quote_template_check refuses is
 * refused here too, whatever validated it. 0 and *out (malloc'd), or -1 and
 * a diag naming the variable, its value's problem and the device.
 */
int	 quote_command(const struct profile *, const char *, struct scope *,
	     char **, struct diags *);

/*
 * Whether every ${name} of command template tmpl stands where quoting makes
 * the value one literal word of the profile's language, whatever it holds.
 * linux (POSIX sh): not inside '...', "...", $'...', `...`, ${...},
 * $((...)), ((...)), [[...]] or a here-document (nor as its delimiter), not
 * right after a backslash, not as the command's name, and not as code for
 * eval, ssh, watch, or a shell's or su's -c. windows (PowerShell): not
 * inside a quoted string or here-string (' " and their typographic forms),
 * nor a <# #> comment, not after the escape character `, not in a word
 * that also holds a quote or a backtick, not as the command's name (or
 * after the call operators & and .), and not in a command that runs its
 * arguments as code (Invoke-Expression, iex, cmd, powershell, pwsh, ssh,
 * Start-Process, wsl). The Cisco CLIs: anywhere (a value there is one plain
 * token). 0, or -1 with *off the byte offset of the first reference that
 * stands wrong and *why what is wrong there.
 */
int	 quote_template_check(const struct profile *, const char *, size_t *,
	     const char **);

/* A value as a POSIX ERE that matches it literally (regex metacharacters
 * escaped), appended to b. */
void	 quote_regex(const char *, struct buf *);

/*
 * Expand a regex template: each ${var} becomes quote_regex(value), the rest
 * of the template is regex syntax as written. malloc'd.
 */
char	*quote_regex_template(const char *, struct scope *);

/*
 * The exec line that runs a PowerShell command on a Windows host through
 * OpenSSH: "powershell -NoProfile -NonInteractive -EncodedCommand <b64>",
 * where the script is "Import-Module <module>; <cmd> | Format-List *"
 * (module "Lync", or NULL for none), encoded as base64 of UTF-16LE as
 * PowerShell expects. Encoding sidesteps cmd.exe and PowerShell quoting
 * together. malloc'd.
 * Arguments: cmd, module, list: nonzero appends " | Format-List *" (the
 * checks' form), zero runs cmd as it is.
 */
char	*quote_powershell(const char *, const char *, int);

#endif
