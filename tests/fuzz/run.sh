#!/bin/sh
# run.sh: build and run the libFuzzer harnesses (not part of make check).
#
#   tests/fuzz/run.sh [SECONDS]      each harness for SECONDS (default 60)
#   FUZZ_HARNESSES="dns hello" tests/fuzz/run.sh 600     only those
#
# Needs clang and libclang-rt-14-dev (Debian). Builds with ASan+UBSan into
# build-fuzz/, seeds each corpus from the project's own files, and keeps
# what it finds in build-fuzz/corpus-NAME. A crash leaves crash-* files and
# fails the run.
set -eu
cd "$(dirname "$0")/../.."
SECS=${1:-60}
command -v clang >/dev/null || { echo "needs clang: apt-get install clang libclang-rt-14-dev" >&2; exit 2; }
[ -f config.h ] || { echo "run ./configure first (config.h)" >&2; exit 2; }

B=build-fuzz
mkdir -p "$B"
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
INC="-I. -Iinclude $(pkg-config --cflags yaml-0.1 openssl)"
LIBS="$(pkg-config --libs yaml-0.1 openssl) -lpthread"
SRC="wizard/answers.c wizard/catalog.c wizard/certinfo.c wizard/clean.c
wizard/cond.c wizard/json.c wizard/plan.c wizard/profile.c wizard/quote.c
wizard/runbook.c wizard/template.c wizard/util.c wizard/vartype.c
wizard/ydoc.c"
# The network parsers: the rest of what their files call (the loop,
# connecting, resolving) links in too, never run by the harnesses.
NET_SRC="wizard/dns.c wizard/evloop.c wizard/hello.c wizard/net.c
wizard/resolve.c"
DEFS='-DFEDWIZ_DATADIR="/nonexistent" -DFEDWIZ_SRCDIR="." -DFEDWIZ_BUILDDIR="."'

HARNESSES=${FUZZ_HARNESSES:-runbook cond answers certfile dns hello}
for h in $HARNESSES; do
	echo "=== fuzz_$h: building"
	# shellcheck disable=SC2086
	clang $CFLAGS $INC -Iwizard $DEFS -o "$B/fuzz_$h" tests/fuzz/fuzz_$h.c \
	    $SRC $NET_SRC $LIBS
	corpus="$B/corpus-$h"
	mkdir -p "$corpus"
	case $h in
	runbook) cp steps/*.yaml tests/data/good/*.yaml tests/data/bad/*.yaml "$corpus"/ ;;
	cond) printf 'a == "x" and not (b in ["tls", "tcp"]) or a' >"$corpus/seed1"
	      printf 'go ${a} $${b} ${bad' >"$corpus/seed2" ;;
	answers) printf 'runbook: t\nvars: { f: a.b, p: 5061, c: tls, b: yes, o: "1.2.3", i: 4 }\nhosts:\n  fe: [ {name: fe1, address: 192.0.2.1, port: 22, user: u, profile: linux} ]\n  ca: [ {name: ca1} ]\n' >"$corpus/seed1" ;;
	dns) sh tests/fuzz/seeds.sh dns "$corpus" ;;
	hello) sh tests/fuzz/seeds.sh hello "$corpus" ;;
	certfile) cp tests/fuzz/fuzz_certfile.c "$corpus/seed-text"
	      sh tests/tls/mkpki.sh "$B/pki" && cp "$B"/pki/*.pem "$B"/pki/*.p7b \
	          "$B"/pki/*.cer "$B"/pki/*.der "$corpus"/ ;;
	esac
	echo "=== fuzz_$h: ${SECS}s"
	(cd "$B" && "./fuzz_$h" -max_total_time="$SECS" -max_len=65536 \
	    -print_final_stats=1 "corpus-$h" 2>&1 | tail -n 12)
done
