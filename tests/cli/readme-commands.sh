#!/bin/sh
# Every command of the README runs as it is written. The commands are the
# lines of its ```sh blocks (a line ending in \ goes on on the next), run
# in order, in one shell (so S=$(...) carries on), in a folder with
# wizard/fedwiz (the binary under test) and steps/ (the source tree's),
# a progress database of its own, and the README's answers example saved
# as site.yaml. Network commands run against a training lab in ./lab:
# nothing is sent outside 127.0.0.0/8 (site.yaml's 192.0.2.x hosts are
# only planned and recorded, never connected to).
#
# Each command must exit 0 unless EXPECT below says otherwise; a command
# this test cannot run is in NOT_RUN with the reason. A README command
# that is in neither fails the test, as does a NOT_RUN or EXPECT line the
# README no longer has.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"

readme=$FEDWIZ_SRCDIR/README.md

# Commands not run here, each with why (the text as in the README, its
# trailing comment left out).
cat >"$T/not-run" <<'EOF'
./bootstrap && ./configure && make && wizard/fedwiz --lab|bootstrap installs Debian packages (CI runs it on its fresh clone); the wizard on the lab is tests/tui/first-five-minutes.sh, which runs this line's last command in a fresh clone, in tmux
./bootstrap && ./configure && make check|make check is what runs this test
EOF

# Commands that must end with another status than 0. A command the README
# has more than once takes these lines in turn (0: that time it passes).
cat >"$T/expect" <<'EOF'
1|wizard/fedwiz check lync-imp-tls --session "$S" --procedure download-ca-chain --host fe1
0|wizard/fedwiz check lync-imp-tls --session "$S" --procedure download-ca-chain --host fe1
1|wizard/fedwiz check lync-imp-tls --session "$S" --procedure set-up-lync-tlsv1 --host fe1
EOF

# The README's sh commands, one per line (continuations joined), with
# their trailing comments kept (sh ignores them) but compared without.
awk '
	/^```sh$/ { on = 1; next }
	/^```/ { on = 0; next }
	on {
		line = line $0
		if (line ~ /\\$/) { sub(/\\$/, "", line); next }
		print line
		line = ""
	}' "$readme" >"$T/cmds"
[ "$(wc -l <"$T/cmds")" -ge 20 ] || fail "only $(wc -l <"$T/cmds") commands found in the README"
bare() { sed 's/[[:space:]]*#.*$//; s/[[:space:]]*$//'; }
bare <"$T/cmds" >"$T/bare"

# Every NOT_RUN and EXPECT line names a command the README has.
cut -d'|' -f1 "$T/not-run" | while IFS= read -r c; do
	grep -qxF -- "$c" "$T/bare" || fail "NOT_RUN names '$c', which the README does not have"
done
cut -d'|' -f2- "$T/expect" | while IFS= read -r c; do
	grep -qxF -- "$c" "$T/bare" || fail "EXPECT names '$c', which the README does not have"
done

# The repository stands alone: nothing a user or contributor reads points
# at a design file or a folder outside it.
grep -rIn -e 'DESIGN' -e '\.\./shared' "$FEDWIZ_SRCDIR/README.md" "$FEDWIZ_SRCDIR/doc" \
    "$FEDWIZ_SRCDIR/steps" "$FEDWIZ_SRCDIR/include" "$FEDWIZ_SRCDIR/wizard" \
    "$FEDWIZ_SRCDIR/screens" "$FEDWIZ_SRCDIR/lab" "$FEDWIZ_SRCDIR/tests" "$FEDWIZ_SRCDIR/bench" \
    --include='*.md' --include='*.[ch]' --include='*.sh' --include='*.yaml' --include='*.1' |
    grep -v '/tests/cli/readme-commands.sh:' >"$T/outside" || true
[ ! -s "$T/outside" ] || fail "mentions of a design file or folder outside the repository: $(cat "$T/outside")"

# The folder a reader would be in: the build tree, as far as the commands
# can tell.
W=$T
mkdir -p "$W/wizard" "$T/home"
ln -s "$(readlink -f "$FEDWIZ")" "$W/wizard/fedwiz"
ln -s "$FEDWIZ_SRCDIR/steps" "$W/steps"
# The answers example, saved as the README says.
awk '/^```yaml$/ { on = 1; next } /^```/ { if (on) exit } on' "$readme" >"$T/yaml"
head -1 "$T/yaml" | grep -qx 'runbook: lync-imp-tls' || fail "the README's first yaml block is not the answers example"
write "$W/site.yaml" <"$T/yaml"
# It answers every value: the plan needs nothing more.
expect_exit 0 "$FEDWIZ" plan lync-imp-tls --answers "$W/site.yaml" --steps
! grep -q 'needs an answer\|<[a-z_]*>' "$T/out" ||
    fail "the README's answers example leaves values unanswered: $(grep -m3 'needs an answer\|<[a-z_]*>' "$T/out")"
# The runbooks table says what fedwiz list says.
"$FEDWIZ" list | awk 'NR > 1 { print $1, $2 }' | sort >"$T/list"
sed -n 's/^| `\([a-z-]*\)` | .* | \([0-9]*\) |$/\1 \2/p' "$readme" | sort >"$T/table"
diff "$T/list" "$T/table" >"$T/diff" || fail "the README's runbook table (>) is not fedwiz list (<): $(cat "$T/diff")"

# The script: each command, its status checked, its output kept.
LAB_DIRS="$W/lab"  # the trap and the watchdog take it down
n=0
: >"$T/seen"
{
	echo 'cd "$W" || exit 99'
	while IFS= read -r line; do
		n=$((n + 1))
		c=$(printf '%s\n' "$line" | bare)
		if awk -F'|' -v c="$c" '$1 == c { f = 1 } END { exit !f }' "$T/not-run"; then
			echo "echo 'not run: $n' >>\"\$T/ran\""
			continue
		fi
		seen=$(grep -cxF -- "$c" "$T/seen" || true)
		printf '%s\n' "$c" >>"$T/seen"
		want=$(awk -F'|' -v c="$c" -v n="$seen" '{ k = $0; sub(/^[^|]*\|/, "", k) }
		    k == c && i++ == n { print $1 }' "$T/expect")
		printf '{ %s\n} >"$T/o.%d" 2>"$T/e.%d"\n' "$line" "$n" "$n"
		printf 'rc=$?; [ "$rc" = %s ] || { echo "README command %d exited $rc, wanted %s: %s"; cat "$T/o.%d" "$T/e.%d"; exit 1; }\n' \
		    "${want:-0}" "$n" "${want:-0}" "$(printf '%s' "$c" | sed 's/["`$\\]/\\&/g')" "$n" "$n"
		echo "echo 'ran: $n' >>\"\$T/ran\""
	done <"$T/cmds"
} >"$T/script"
export T W
env -i PATH="$PATH" HOME="$T/home" LANG=C.UTF-8 T="$T" W="$W" \
    XDG_STATE_HOME="$T/xdg" FEDWIZ_OPERATOR=ann FEDWIZ_LAB_VOS_DELAY=0.2 \
    sh "$T/script" >"$T/run.out" 2>&1 || { cat "$T/run.out"; fail "a README command failed (above)"; }

# Every command was run or listed.
[ "$(wc -l <"$T/ran")" -eq "$(wc -l <"$T/cmds")" ] ||
    fail "$(wc -l <"$T/ran") of $(wc -l <"$T/cmds") README commands accounted for"

# What the commands said is what the README says they say.
grep -q 'FAIL  download-ca-chain@fe1' "$T"/o.* || fail "no failing check before the procedure"
grep -q 'PASS  download-ca-chain@fe1' "$T"/o.* || fail "no passing check after lab do"
grep -q '(set-up-lync-tlsv1)' "$T"/o.* || fail "the broken lab's check does not name set-up-lync-tlsv1"
grep -q '^PRACTICE session' "$T"/o.* || fail "status does not say PRACTICE"
grep -qi 'practice record' "$W/practice.md" || fail "practice.md: $(head -2 "$W/practice.md")"
[ -s "$W/change.html" ] || fail "no change.html"
grep -q "fedwiz report --session [0-9]* --format md" "$T"/e.* ||
    fail "close does not suggest a report command that runs"
echo "ok: $(grep -c '^ran' "$T/ran") README commands run, $(grep -c '^not run' "$T/ran") listed"
