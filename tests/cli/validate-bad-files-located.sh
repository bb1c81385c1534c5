#!/bin/sh
# fedwiz validate: every shipped runbook is ok; every malformed file gets
# exit 2 and only one-line located errors, the first one as its header
# comment expects; never a crash.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"

expect_exit 0 "$FEDWIZ" validate "$FEDWIZ_SRCDIR"/steps/*.yaml
[ "$(grep -c ': ok: runbook ' "$T/out")" -eq 5 ] || fail "not 5 ok lines"

n=0
for f in "$FEDWIZ_SRCDIR"/tests/data/bad/*.yaml; do
	n=$((n + 1))
	expect_exit 2 "$FEDWIZ" validate "$f"
	[ -s "$T/err" ] || fail "$f: no message"
	[ ! -s "$T/out" ] || fail "$f: printed ok"
	# Every line: file:line:col: message (or file: message).
	if grep -v -E "^$f(:[0-9]+:[0-9]+)?: .+" "$T/err" | grep -q .; then
		cat "$T/err"; fail "$f: an error line is not located"
	fi
	want=$(sed -n '1s/^# expect: //p' "$f")
	pos=${want%%: *}
	first=$(head -n 1 "$T/err")
	case $first in
	"$f:$pos: "*) ;;
	*) fail "$f: first error at wrong place: $first (want $want)" ;;
	esac
done
[ "$n" -ge 30 ] || fail "only $n malformed files"

# All the files at once: exit 2, and every good file still says ok.
set +e
"$FEDWIZ" validate "$FEDWIZ_SRCDIR"/steps/lync-imp-tls.yaml \
    "$FEDWIZ_SRCDIR"/tests/data/bad/*.yaml >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "mixed validate exited $rc"
grep -q 'lync-imp-tls.yaml: ok' "$T/out" || fail "good file not ok in a mix"
echo "ok: $n malformed files, each located"
