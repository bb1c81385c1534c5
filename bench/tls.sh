#!/bin/sh
# tls.sh: one full TLS probe against a local s_server, and N probes at
# once against N listeners, fedwiz against the tools an operator would
# otherwise use, in one run on this machine.
#
#   bench/tls.sh [RUNS [N]]        (after make; RUNS default 10, N 50)
#
# The servers are OpenSSL s_server on 127.0.0.1, TLS 1.2, with the test
# PKI of tests/tls/mkpki.sh (RSA 2048 leaf and issuing CA). Every tool
# connects, shakes hands with SNI, and verifies the chain against the same
# CA file and the name:
#   fedwiz     fedwiz probe tls 127.0.0.1:P --name N --ca chain.p7b
#              (and, for N listeners, fedwiz check on a runbook of N tls
#              checks, all on one event loop)
#   s_client   openssl s_client -connect ... -servername N -verify_hostname N
#              -CAfile cas.pem -verify_return_error </dev/null
#              (and N of them at once with xargs -P N)
#   sslscan    sslscan --no-colour 127.0.0.1:P, if Debian's sslscan is
#              installed: it enumerates every protocol and cipher, so it is
#              the tool for "what does this port accept", not one probe
# Reported: wall time (median and min of RUNS, from date), and the largest
# resident set of any one process (GNU time).
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-10}
N=${2:-50}
FEDWIZ=$PWD/wizard/fedwiz
[ -x "$FEDWIZ" ] || { echo "build first: ./configure && make" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/tls.sh needs GNU time: apt-get install -y time" >&2; exit 2; }
FEDWIZ_SRCDIR=$PWD
FEDWIZ_BUILDDIR=$PWD
export FEDWIZ FEDWIZ_SRCDIR FEDWIZ_BUILDDIR
. tests/cli/lib.sh
. tests/tls/lib.sh
set +e

tls_pki
NAME=pool1.example.com
ports=
i=1
while [ $i -le "$N" ]; do
	tls_s_server "s$i" -tls1_2 -cert "$PKI/good.pem" -key "$PKI/leaf.key" \
	    -cert_chain "$(tls_extra good)" >/dev/null
	ports="$ports $TLS_PORT"
	i=$((i + 1))
done
P1=${ports# }
P1=${P1%% *}

# The N-listener runbook: one tls check per listener, all from here.
{
	echo "id: bench-tls"
	echo "title: N TLS probes"
	echo "source: bench/tls.sh"
	echo "summary: One tls check per listener."
	echo "vars:"
	echo "  - { name: ca, prompt: CA file, type: path }"
	echo "procedures:"
	i=1
	for p in $ports; do
		echo "  - id: p$i"
		echo "    title: Listener $i"
		echo "    steps:"
		echo "      - do: Probe it."
		echo "        check:"
		echo "          tls: { host: 127.0.0.1, port: $p, name: $NAME, ca: '\${ca}' }"
		i=$((i + 1))
	done
} >"$T/bench-tls.yaml"
echo "$ports" | tr ' ' '\n' | grep . >"$T/ports"

export PKI NAME P1 T FEDWIZ N
cat >"$T/runner.sh" <<'EOF'
run_fedwiz() {
	"$FEDWIZ" probe tls 127.0.0.1:$P1 --name $NAME --ca "$PKI/chain.p7b" >/dev/null
}
run_s_client() {
	openssl s_client -connect 127.0.0.1:$P1 -servername $NAME \
	    -verify_hostname $NAME -CAfile "$PKI/cas.pem" -verify_return_error \
	    </dev/null >/dev/null 2>&1
}
run_sslscan() {
	sslscan --no-colour 127.0.0.1:$P1 >/dev/null 2>&1
}
run_fedwiz_n() {
	"$FEDWIZ" --runbooks "$T" check bench-tls --set ca="$PKI/chain.p7b" >"$T/check.out"
}
run_s_client_n() {
	xargs -P "$N" -I{} sh -c 'openssl s_client -connect 127.0.0.1:{} \
	    -servername '"$NAME"' -verify_hostname '"$NAME"' -CAfile "'"$PKI"'/cas.pem" \
	    -verify_return_error </dev/null >/dev/null 2>&1' <"$T/ports"
}
run_$1
EOF

once() {
	s=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$T/time" sh "$T/runner.sh" "$1" 2>"$T/run.err"
	rc=$?
	e=$(date +%s%N)
	echo "$(( (e - s) / 1000000 )) $(tail -n 1 "$T/time")"
	return $rc
}

row() {
	tool=$1 label=$2
	: >"$T/times"
	rss=0
	r=0
	while [ $r -lt "$RUNS" ]; do
		out=$(once "$tool") || { echo "$tool failed:" >&2; cat "$T/run.err" >&2; exit 1; }
		echo "${out% *}" >>"$T/times"
		m=${out#* }
		[ "$m" -gt "$rss" ] && rss=$m
		r=$((r + 1))
	done
	sort -n "$T/times" >"$T/sorted"
	printf '%-34s %10d %10d %7d KiB\n' "$label" \
	    "$(sed -n "$(( (RUNS + 1) / 2 ))p" "$T/sorted")" "$(head -n 1 "$T/sorted")" "$rss"
}

echo "fedwiz tls benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $RUNS runs each"
echo "$(openssl version | cut -d' ' -f1-2)$(command -v sslscan >/dev/null && sslscan --no-colour --version 2>&1 | head -n 1 | tr -d '\t' | sed 's/^/; sslscan /')"
printf '%-34s %10s %10s %11s\n' "" "median ms" "min ms" "max RSS"
row fedwiz "fedwiz probe tls (1 listener)"
row s_client "openssl s_client (1 listener)"
if command -v sslscan >/dev/null; then
	row sslscan "sslscan, every cipher (1 listener)"
else
	echo "sslscan: not installed (apt-get install -y sslscan)"
fi
row fedwiz_n "fedwiz check, $N tls checks"
grep -q "bench-tls: $N pass, 0 fail" "$T/check.out" || { echo "fedwiz check: not all passed:" >&2; tail -3 "$T/check.out" >&2; exit 1; }
row s_client_n "$N x openssl s_client, xargs -P $N"
