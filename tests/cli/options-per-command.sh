#!/bin/sh
# Each command's options come from its own entry: `fedwiz CMD --help`
# lists them, the command accepts them, every other command refuses them
# with a message naming where they belong, and the man page's synopsis
# names the same ones.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

export FEDWIZ_STATE="$T/db"

# The commands, as fedwiz --help lists them ("" is the wizard).
expect_exit 0 "$FEDWIZ" --help
cp "$T/out" "$T/usage"
sed -n 's/^  fedwiz \([a-z][a-z]*\)\( [a-z][a-z]*\)\{0,1\}\( .*\)\{0,1\}$/\1\2/p' "$T/out" |
    sed 's/ \([A-Z[].*\)//; s/ *$//' | sort -u >"$T/cmds"
for c in list validate plan start status step sessions report "audit verify" \
    unlock close check "probe ssh" "probe tls" "probe sip" "probe cert" "probe dns"; do
	grep -qx "$c" "$T/cmds" || fail "--help does not list '$c': $(cat "$T/cmds")"
done

# The options fedwiz knows, from the list at the end of --help.
sed -n 's/^  \(-., \)\{0,1\}--\([a-z0-9.-]*\).*/\2/p' "$T/out" | sort -u >"$T/allopts"
[ "$(wc -l <"$T/allopts")" -ge 35 ] || fail "too few options listed: $(cat "$T/allopts")"
grep -qx json "$T/allopts" || fail "no --json in the list"
global="state runbooks help version"

# The options in one command's usage line (its --help's first lines).
opts_of() {
	# shellcheck disable=SC2086
	"$FEDWIZ" $1 --help >"$T/help" || fail "fedwiz $1 --help exited $?"
	awk 'NR == 1 || /^        / { print; next } { exit }' "$T/help" |
	    grep -o -- '--[a-z0-9][a-z0-9.-]*\|-o ' | sed 's/^--//; s/^-o $/output/' |
	    sort -u
}

# A value for options that take one; no value for flags.
takes_value() {
	grep -q -- "--$1 [^ ]" "$T/usage"
}

while read -r c; do
	opts_of "$c" >"$T/mine"
	grep -q "^usage: fedwiz $c" "$T/help" || fail "fedwiz $c --help: $(head -1 "$T/help")"
	# Each option of the command is accepted by it (whatever else then
	# goes wrong: no arguments is a usage error, not an option error).
	while read -r o; do
		if takes_value "$o"; then v="x"; else v=; fi
		# shellcheck disable=SC2086
		set +e; "$FEDWIZ" $c "--$o" $v </dev/null >"$T/o" 2>"$T/e"; set -e
		! grep -q "is not an option" "$T/e" ||
		    fail "fedwiz $c --$o: refused though its usage lists it: $(cat "$T/e")"
	done <"$T/mine"
	# Every other option is refused, with where it belongs.
	while read -r o; do
		case " $global " in *" $o "*) continue ;; esac
		grep -qx -- "$o" "$T/mine" && continue
		if takes_value "$o"; then v="x"; else v=; fi
		# shellcheck disable=SC2086
		expect_exit 2 "$FEDWIZ" $c "--$o" $v
		grep -q -- "--$o is not an option of '$c' (it is for: " "$T/err" ||
		    fail "fedwiz $c --$o: $(cat "$T/err")"
	done <"$T/allopts"
done <"$T/cmds"

# What the issue found missing: list's --json, check's options.
opts_of list | grep -qx json || fail "list --help lacks --json"
opts_of check >"$T/check"
for o in kind set identity server timeout operator answers session procedure host json; do
	grep -qx "$o" "$T/check" || fail "check --help lacks --$o"
done

# The wizard (no command) takes its own options and refuses the rest.
expect_exit 2 "$FEDWIZ" --json </dev/null
grep -q -- "--json is not an option of the wizard (it is for: list," "$T/err" ||
    fail "wizard --json: $(cat "$T/err")"
expect_exit 2 "$FEDWIZ" --no-color --host-keys ask </dev/null
grep -q 'the wizard needs a terminal' "$T/err" || fail "wizard options: $(cat "$T/err")"

# A group without its command, or with an unknown one.
expect_exit 2 "$FEDWIZ" probe
grep -q 'usage: fedwiz probe COMMAND' "$T/err" || fail "probe alone: $(cat "$T/err")"
grep -q 'fedwiz probe tls HOST:PORT' "$T/err" || fail "probe alone lists no tls"
expect_exit 2 "$FEDWIZ" probe sideways
grep -q "unknown probe command 'sideways': probe ssh, probe tls, probe sip, probe cert or probe dns" \
    "$T/err" || fail "unknown probe: $(cat "$T/err")"
expect_exit 0 "$FEDWIZ" probe --help
grep -q '^fedwiz probe dns NAME' "$T/out" || fail "probe --help: $(cat "$T/out")"
expect_exit 2 "$FEDWIZ" audit
expect_exit 2 "$FEDWIZ" audit verify extra
grep -q 'usage: fedwiz audit verify' "$T/err" || fail "audit verify extra: $(cat "$T/err")"

# One of a group of options that set one thing.
expect_exit 2 "$FEDWIZ" probe tls 127.0.0.1:1 --tls1.0 --tls1.2
grep -q 'give one of --tls1.0, --tls1.1, --tls1.2, --tls1.3' "$T/err" || fail "tls versions: $(cat "$T/err")"

# Too few words: the usage line, from the same table.
expect_exit 2 "$FEDWIZ" probe ssh 127.0.0.1
grep -q 'usage: fedwiz probe ssh \[USER@\]HOST\[:PORT\] --profile P' "$T/err" ||
    fail "probe ssh usage: $(cat "$T/err")"
grep -q -- '-- COMMAND' "$T/err" || fail "probe ssh usage lacks '-- COMMAND'"

# The man page's synopsis names the same options per command, the
# wizard's first.
man=$FEDWIZ_SRCDIR/doc/fedwiz.1
awk '/^\.SH SYNOPSIS/ { on = 1; next } /^\.(SH|PP)/ { on = 0 } on' "$man" |
    sed 's/\\-/-/g' | awk '
	/^\.br/ { print line; line = ""; next }
	{ line = line " " $0 }
	END { print line }' >"$T/synopsis"
while read -r c; do
	opts_of "$c" >"$T/mine"
	line=$(grep -- "\.B $c\( \|$\)" "$T/synopsis" | head -1)
	[ -n "$line" ] || fail "the man page's synopsis has no 'fedwiz $c'"
	echo "$line" | grep -o -- '--[a-z0-9][a-z0-9.-]*\|-o ' | sed 's/^--//; s/^-o $/output/' |
	    grep -v '^$' | sort -u >"$T/man"
	diff "$T/mine" "$T/man" >"$T/diff" ||
	    fail "fedwiz.1's synopsis of '$c' differs from its --help (< help, > man): $(cat "$T/diff")"
done <"$T/cmds"
awk '/^  fedwiz \[/ { on = 1 } on && !/^  fedwiz \[/ && !/^        / { exit } on' "$T/usage" |
    grep -o -- '--[a-z0-9][a-z0-9.-]*' | sed 's/^--//' | sort -u >"$T/mine"
[ -s "$T/mine" ] || fail "--help shows no options for the wizard"
head -1 "$T/synopsis" | grep -o -- '--[a-z0-9][a-z0-9.-]*' | sed 's/^--//' | sort -u >"$T/man"
diff "$T/mine" "$T/man" >"$T/diff" ||
    fail "fedwiz.1's synopsis of the wizard differs from --help (< help, > man): $(cat "$T/diff")"
echo "ok: options per command"
