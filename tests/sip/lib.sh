# lib.sh: sourced by the SIP tests after tests/cli/lib.sh and
# tests/tls/lib.sh. A real SIP server: Kamailio (Debian kamailio and
# kamailio-tls-modules) on 127.0.0.1, TLS only, with the test PKI of
# tests/tls/mkpki.sh, answering OPTIONS as tests/sip/kamailio.cfg says.
#
#   sip_kamailio    start it; sets its ports:
#                     SIP_OK        good certificate, no client certificate
#                     SIP_MTLS      mutual TLS required (TLS 1.2 and 1.3)
#                     SIP_TLS12     mutual TLS required, TLS 1.2 only
#                     SIP_NOCLIENT  a certificate without clientAuth
#   sip_log         what Kamailio logged ($T/kamailio.log)
#
# It runs under timeout(1) (SIP_TEST_MAX_LIFETIME, 300 s) and is stopped
# by the exit trap: by its pid, then any of its children left, found by
# this test's own configuration file on their command line. Nothing
# listens on any address but 127.0.0.1.

: "${T:?source tests/cli/lib.sh first}"
: "${TLS_DIR:?source tests/tls/lib.sh first}"
SIP_DIR="$FEDWIZ_SRCDIR/tests/sip"
command -v kamailio >/dev/null ||
	{ echo "SKIP: kamailio is needed (Debian kamailio and kamailio-tls-modules; ./bootstrap installs them)"; exit 77; }
_sip_tls_so=
for _f in /usr/lib/*/kamailio/modules/tls.so /usr/lib/kamailio/modules/tls.so; do
	[ -f "$_f" ] && _sip_tls_so=$_f
done
[ -n "$_sip_tls_so" ] ||
	{ echo "SKIP: Kamailio's TLS module is needed (Debian kamailio-tls-modules; ./bootstrap installs it)"; exit 77; }

sip_stop_all() {
	tls_stop_all
	# Kamailio's children, should its main process have died first.
	if [ -f "$T/kamailio.cfg" ]; then
		pkill -f -- "-f $T/kamailio.cfg" 2>/dev/null || true
	fi
}
cleanup() { sip_stop_all; rm -rf "$T"; }
trap cleanup 0

_kamailio() {
	exec timeout -k 5 "${SIP_TEST_MAX_LIFETIME:-300}" kamailio \
	    -f "$T/kamailio.cfg" -DD -E -m 32 -M 4 -w "$T/run" -Y "$T/run" \
	    -P "$T/run/kamailio.pid"
}

# fill FILE: a template with this run's values.
_fill() {
	sed -e "s|@DIR@|$T|g" -e "s|@PKI@|$PKI|g" \
	    -e "s|@P_OK@|$SIP_OK|g" -e "s|@P_MTLS@|$SIP_MTLS|g" \
	    -e "s|@P_TLS12@|$SIP_TLS12|g" -e "s|@P_NOCLIENT@|$SIP_NOCLIENT|g" \
	    -e "s|@ESC@|$(printf '\033')|g" -e "s|@BEL@|$(printf '\007')|g" \
	    "$SIP_DIR/$1" >"$T/$1"
}

sip_kamailio() {
	local tries pid p ok
	tls_pki
	mkdir -p "$T/run"
	tries=0
	while :; do
		# free_port runs in a subshell here: move on past each port.
		SIP_OK=$(tls_port)
		PORT_NEXT=$((SIP_OK + 1))
		SIP_MTLS=$(tls_port)
		PORT_NEXT=$((SIP_MTLS + 1))
		SIP_TLS12=$(tls_port)
		PORT_NEXT=$((SIP_TLS12 + 1))
		SIP_NOCLIENT=$(tls_port)
		PORT_NEXT=$((SIP_NOCLIENT + 1))
		_fill kamailio.cfg
		_fill tls.cfg
		_kamailio >"$T/kamailio.log" 2>&1 </dev/null &
		pid=$!
		echo "$pid" >>"$T/pids"
		ok=1
		for p in $SIP_OK $SIP_MTLS $SIP_TLS12 $SIP_NOCLIENT; do
			tls_wait kamailio "$p" "$pid" 2>/dev/null || { ok=0; break; }
		done
		[ $ok -eq 1 ] && return 0
		sip_stop_all
		tries=$((tries + 1))
		if [ $tries -lt 3 ] && grep -qi 'in use' "$T/kamailio.log"; then
			continue
		fi
		cat "$T/kamailio.log" >&2
		fail "kamailio did not listen on 127.0.0.1:$SIP_OK,$SIP_MTLS,$SIP_TLS12,$SIP_NOCLIENT"
	done
}

sip_log() { cat "$T/kamailio.log"; }
