#!/bin/sh
# run.sh: build and run the libFuzzer harnesses (not part of make check).
#
#   tests/fuzz/run.sh [SECONDS]      each harness for SECONDS (default 60)
#   FUZZ_ONLY="dns hello" tests/fuzz/run.sh 600    only those harnesses
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
# The loader checks commands' quoted references with quote.c and a sip
# check's statuses and URIs with sip.c, which brings the TLS probe and the
# event loop it runs on; dns.c and hello.c are fuzzed themselves.
SRC="wizard/answers.c wizard/catalog.c wizard/certinfo.c wizard/clean.c
wizard/cond.c wizard/dns.c wizard/evloop.c wizard/fileio.c wizard/hello.c
wizard/hostkeys.c wizard/json.c wizard/net.c wizard/plan.c wizard/profile.c
wizard/prompt.c wizard/quote.c wizard/resolve.c wizard/runbook.c wizard/sip.c
wizard/template.c wizard/tls.c wizard/util.c wizard/vartype.c wizard/ydoc.c"
DEFS='-DFEDWIZ_DATADIR="/nonexistent" -DFEDWIZ_SRCDIR="." -DFEDWIZ_BUILDDIR="."'

for h in ${FUZZ_ONLY:-runbook cond answers certfile sip dns hello prompt knownhosts}; do
	echo "=== fuzz_$h: building"
	# shellcheck disable=SC2086
	clang $CFLAGS $INC -Iwizard $DEFS -o "$B/fuzz_$h" tests/fuzz/fuzz_$h.c \
	    $SRC $LIBS
	corpus="$B/corpus-$h"
	mkdir -p "$corpus"
	case $h in
	runbook) cp steps/*.yaml tests/data/good/*.yaml tests/data/bad/*.yaml \
	    tests/data/sip/*.yaml "$corpus"/ ;;
	cond) printf 'a == "x" and not (b in ["tls", "tcp"]) or a' >"$corpus/seed1"
	      printf 'go ${a} $${b} ${bad' >"$corpus/seed2" ;;
	answers) printf 'runbook: t\nvars: { f: a.b, p: 5061, c: tls, b: yes, o: "1.2.3", i: 4 }\nhosts:\n  fe: [ {name: fe1, address: 192.0.2.1, port: 22, user: u, profile: linux} ]\n  ca: [ {name: ca1} ]\n' >"$corpus/seed1" ;;
	prompt) for f in tests/ssh/data/vos/*.txt tests/ssh/data/asa/*.txt; do
	          cp "$f" "$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"
	      done
	      printf '\001show version\r\nshow version\r\n\r\nCisco Adaptive Security Appliance\r\n<--- More --->\r              \rfw01/pri/act# ' >"$corpus/seed-asa"
	      printf '\000file view activelog x\r\n\033[1m\r\noptions: q=quit, n=next, p=prev, b=begin, e=end (lines 1 - 20 of 45) : \033[0m\r\n\033[1madmin:\033[0m' >"$corpus/seed-vos"
	      printf '\000x\n#< CLIXML\r\n<Objs><S S="Error">Get-CsX : not found_x000D__x000A_</S><S S="Error">&lt;b&gt;</S></Objs>' >"$corpus/seed-clixml" ;;
	knownhosts) printf '[127.0.0.1]:2222\n|1|0NupdJWDRiN9Dzais9hq01oQaOo=|Iu7r4qJj09aLqJ19EbJFgtoD3io= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP6ko/zk9PkT7BjLU2GZb+bFLtuzK+9ILDaLQDjRgl0H\n*.example.com,!bad.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP6ko/zk9PkT7BjLU2GZb+bFLtuzK+9ILDaLQDjRgl0H\n@revoked [127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILcNDEt0vs+ggH8WIXxDddnx5pyA/s18j7iswnOh73Cy\n' >"$corpus/seed1"
	      printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n*a*a*a*a*a*a*a*a*a*a*b ssh-rsa AAAA\n@cert-authority * ssh-ed25519 AAAA\n# comment\n' >"$corpus/seed2" ;;
	dns) sh tests/fuzz/seeds.sh dns "$corpus" ;;
	hello) sh tests/fuzz/seeds.sh hello "$corpus" ;;
	certfile) cp tests/fuzz/fuzz_certfile.c "$corpus/seed-text"
	      sh tests/tls/mkpki.sh "$B/pki" && cp "$B"/pki/*.pem "$B"/pki/*.p7b \
	          "$B"/pki/*.cer "$B"/pki/*.der "$corpus"/ ;;
	sip) printf '\001SIP/2.0 100 Trying\r\nCall-ID: abc@fedwiz\r\nCSeq: 1 OPTIONS\r\nl: 3\r\n\r\nabcSIP/2.0 200 OK\r\ni: abc@fedwiz\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' >"$corpus/seed1"
	     printf '\377\r\nOPTIONS sip:x SIP/2.0\r\nl: 0\r\n\r\nSIP/2.0 403 Forbidden\nCall-ID: abc@fedwiz\nCSeq: 1 OPTIONS\nms-diagnostics: 1034;reason="x"\n  ;folded\n\n' >"$corpus/seed2"
	     printf '\100200, 2xx,403' >"$corpus/seed3"
	     printf '\002sip:user@example.com;transport=tls' >"$corpus/seed4" ;;
	esac
	echo "=== fuzz_$h: ${SECS}s"
	(cd "$B" && "./fuzz_$h" -max_total_time="$SECS" -max_len=65536 \
	    -print_final_stats=1 "corpus-$h" 2>&1 | tail -n 12)
done
