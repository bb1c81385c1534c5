#!/bin/sh
# Without color (NO_COLOR=1, --no-color) the screen has no color escape
# at all, yet the selection is still seen, in reverse video. Without UTF-8
# (LANG=C, --ascii) every byte on the screen is ASCII: the marks are "ok",
# ">>" and "[x]", the rules '-'. The default (color, UTF-8) run shows the
# checks can fail: it has both colors and bytes above 0x7f.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/tui/lib.sh"

expect_exit 0 F start lync-imp-tls \
    --answers "$FEDWIZ_SRCDIR/tests/ssh/data/lync-imp-tls.answers.yaml"
for i in 1 2 3 4 5 6; do
	expect_exit 0 F step download-ca-chain@fe1 $i done
done
expect_exit 0 F step install-ca-chain@fe1 1 done

# The color parameters of the SGR escapes in FILE (30-38, 40-48, 90-97,
# 100-107; 39 and 49, back to the default colors, are none).
colors() {
	grep -o "${ESC}\[[0-9;]*m" "$1" | sed "s/^${ESC}\[//; s/m\$//" |
	    tr ';' '\n' | grep -E '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$' || true
}
# Bytes above 0x7f in FILE.
high() { LC_ALL=C tr -d '\000-\177' <"$1" | wc -c; }

# look [VAR=VALUE...] [ARGS...]: the procedure and the plan screens, plain
# in $T/proc and $T/plan, with attributes in $T/proc.e and $T/plan.e;
# then the wizard quits, with 0.
look() {
	tui_start "$@"
	tui_wait "lync-imp-tls"
	if grep -q "fedwiz: sessions" "$T/screen"; then
		tui_keys Enter
		tui_wait ": plan (E"
		tui_keys Enter
	fi
	tui_wait "Step 2 of 17"
	tui_screen >"$T/proc"
	tui_screen -e >"$T/proc.e"
	tui_highlighted >"$T/proc.sel"
	tui_keys Escape
	tui_wait ": plan (E"
	tui_screen >"$T/plan"
	tui_screen -e >"$T/plan.e"
	tui_highlighted >"$T/plan.sel"
	tui_keys Enter
	tui_wait "Step 2 of 17"
	tui_keys q
	tui_wait "Quit fedwiz?"
	tui_keys y
	tui_expect_exit 0
}

selection_seen() {
	grep -q "^ *\[ \]  2 Enter mmc and select OK\.$" "$T/proc.sel" ||
		{ cat "$T/proc.e"; fail "$1: the current step is not in reverse video"; }
	grep -q "Install CA Certification Chain" "$T/plan.sel" ||
		{ cat "$T/plan.e"; fail "$1: the plan's selection is not in reverse video"; }
}

# The default: colors, UTF-8 marks and rules.
look
[ -n "$(colors "$T/proc.e")" ] || fail "no colors by default: the check below proves nothing"
[ "$(high "$T/proc")" -gt 0 ] || fail "no UTF-8 by default: the check below proves nothing"
grep -q "^ \[✓\]  1 " "$T/proc" || fail "no ✓ mark by default"
grep -q "^────" "$T/proc" || fail "no box-drawing rule by default"

for how in NO_COLOR=1 --no-color; do
	look "$how"
	for f in proc plan; do
		[ -z "$(colors "$T/$f.e")" ] ||
			{ cat -v "$T/$f.e"; fail "$how: color escapes on the $f screen: $(colors "$T/$f.e" | sort -u | tr '\n' ' ')"; }
	done
	selection_seen "$how"
	grep -q "^ \[✓\]  1 " "$T/proc" || fail "$how: the marks changed with the colors"
done

for how in LANG=C LC_ALL=C --ascii; do
	look "$how"
	for f in proc plan; do
		[ "$(high "$T/$f")" -eq 0 ] ||
			{ cat -v "$T/$f"; fail "$how: bytes above 0x7f on the $f screen"; }
	done
	grep -q "^ \[x\]  1 Select Start > Run\.$" "$T/proc" || { cat "$T/proc"; fail "$how: no [x] mark"; }
	grep -q "^-\{$TUI_COLS\}$" "$T/proc" || { cat "$T/proc"; fail "$how: no '-' rule"; }
	grep -q "^ ok Download CA Certification Chain " "$T/plan" || { cat "$T/plan"; fail "$how: no ok mark"; }
	grep -q "^ >> Install CA Certification Chain " "$T/plan" || { cat "$T/plan"; fail "$how: no >> mark"; }
	# Color stays: ASCII is about the characters only.
	[ -n "$(colors "$T/proc.e")" ] || fail "$how: colors gone with UTF-8"
	selection_seen "$how"
done
exit 0
