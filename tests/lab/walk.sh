#!/bin/bash
# walk.sh [RUNBOOK...]: a fresh lab, walked in plan order. For each
# procedure instance, as `fedwiz plan --steps --json` prints it with the
# lab's answers:
#   1. its checks run (fedwiz check --procedure, the instance's host);
#   2. its steps' own commands, values filled in, are typed at the host's
#      device over SSH, one session per procedure, in step order, the
#      device's questions answered as the steps say ([yes/no], a confirm,
#      an enable secret) and a paste prompt given what the procedure's
#      web-page part saved on this computer; the steps done in web pages
#      or MMC are applied with `fedwiz lab do PROC@HOST` at the point they
#      come (between two typed commands when they sit there);
#   3. the checks run again.
# A procedure that changed the lab must have had a failing check before
# (its first instance; later ones may find shared configuration done),
# and every applicable check must pass after. A device that refuses a
# command the runbook prints fails the walk. Checks the lab shows to be
# wrong are listed in known-defects ("before", "after", "configured").
#
# Which commands are typed and which are values for web forms, and what
# the clicks do, comes from `fedwiz lab do --list --json`; everything else
# comes from the runbooks, so the walk follows them as they are rewritten.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/lab/lib.sh"

L="$T/lab"
expect_exit 0 lab_up "$L"
DEFECTS="$FEDWIZ_SRCDIR/tests/lab/known-defects"
"$FEDWIZ" lab do --list --json >"$T/gui.json"
"$FEDWIZ" lab status --dir "$L" --json >"$T/status.json"
PORT=$(jq -r .ssh_port "$T/status.json")
USER_=$(jq -r .user "$T/status.json")

problem() {
	echo "PROBLEM: $*"
	echo x >>"$W/problems"
}

# known_defect RB PROC KIND TARGET WHEN: its reason, or nothing.
# Each line that answered is noted (its line number, in $W/used), so that a
# line no longer needed is said at the end.
known_defect() {
	awk -F '\t' -v r="$1" -v p="$2" -v k="$3" -v t="$4" -v w="$5" \
	    -v used="$W/used" '$1 == r && $2 == p && $3 == k && $5 == w &&
	    index(t, $4) { print $6; print NR >>used; exit }' "$DEFECTS"
}

# gen RB HOST: the state of the runbook's own hosts, and of a shared one
# (the CA) only when the procedure runs there. The runbooks are walked at
# the same time: the lab's own generation moves with all of them, and so
# does the CA every runbook submits to; these digests move only with
# this runbook's work.
gen() {
	"$FEDWIZ" lab status --dir "$L" --json | jq -r --arg r "$1" --arg h "$2" \
	    '[.hosts[] | select(.digest != null) | select((.runbooks |
	    split(" ") | index($r)) or (.runbooks == "all" and .name == $h)) |
	    .digest] | join(",")'
}

# checks RB PROC HOST OUT: the instance's check verdicts, one a line:
# verdict US kind US target US message US step.
checks() {
	"$FEDWIZ" check "$1" --answers "$L/answers/$1.yaml" --procedure "$2" \
	    ${3:+--host "$3"} --json 2>"$4.err" >"$4.json" || true
	jq -r --arg h "$3" '.checks[] | select((.host // "") == $h) |
	    [.verdict, .kind, (.target // ""), (.message // ""),
	    (.step | tostring)] | join("\u001f")' "$4.json" >"$4" ||
	    problem "$1 $2@$3: fedwiz check gave no JSON: $(cat "$4.err")"
}

# --- sessions: a tiny expect over the OpenSSH client ---------------------
#
# One interactive session per host for the whole walk of a runbook, as an
# operator keeps a console open: the ASA stays in configuration mode from
# one procedure to the next, as the guide assumes.

declare -A SIN SOUT SPID LAST_PROMPT
SESS_OUT=
ACC=

# sess_open HOST ADDR PROFILE: a session to HOST, at its first prompt.
sess_open() {
	local in="$W/$1.in" out="$W/$1.out" fd
	[ -z "${SIN[$1]:-}" ] || return 0
	mkfifo "$in" "$out"
	timeout 600 ssh -T -i "$L/id_ed25519" \
	    -o UserKnownHostsFile="$L/known_hosts" -o StrictHostKeyChecking=yes \
	    -o BatchMode=yes -p "$PORT" "$USER_@$2" <"$in" >"$out" 2>&1 &
	SPID[$1]=$!
	exec {fd}>"$in"
	SIN[$1]=$fd
	exec {fd}<"$out"
	SOUT[$1]=$fd
	SESS_OUT=
	sess_read "$1" "$(prompt_re "$3")" 60 ||
	    problem "$1: no first prompt: $SESS_OUT"
}

sess_close_all() {
	local h
	for h in "${!SIN[@]}"; do
		eval "exec ${SIN[$h]}>&-"
		wait "${SPID[$h]}" 2>/dev/null || true
		eval "exec ${SOUT[$h]}<&-"
	done
	SIN=()
	SOUT=()
	SPID=()
}

# sess_read HOST REGEX SECONDS: read until the output so far ends
# matching REGEX. 0 when it did, 1 at the end of the output, 2 at the
# deadline.
sess_read() {
	local end=$((SECONDS + $3)) chunk rc
	while :; do
		chunk=
		rc=0
		IFS= read -r -t 0.2 -N 4096 -u "${SOUT[$1]}" chunk || rc=$?
		SESS_OUT+=$chunk
		[[ $SESS_OUT =~ $2 ]] && return 0
		if [ $rc -ne 0 ] && [ $rc -le 128 ]; then
			return 1
		fi
		[ $SECONDS -lt $end ] || return 2
	done
}

sess_send() { printf '%s\n' "$2" >&"${SIN[$1]}"; }

# What the device prints when it refuses a command.
refused() {
	case $1 in
	windows) grep -qE 'FullyQualifiedErrorId|is not recognized as' <<<"$2" ;;
	cisco-vos) grep -q 'Executed command unsuccessfully' <<<"$2" ;;
	cisco-asa) grep -qE '^(ERROR: %|% Invalid|% Error|% Bad secrets|% Incomplete)' <<<"$2" ;;
	esac
}

# The prompt of each device, and the questions the steps answer.
prompt_re() {
	case $1 in
	windows) echo 'PS [^>]*> $' ;;
	cisco-vos) echo 'admin:$' ;;
	cisco-asa) echo '[A-Za-z0-9_./-]+(\([a-z-]+\))?[#>] $' ;;
	esac
}
QUESTION='(\[yes/no\]: |\(default is "Y"\): |[Pp]assword: |End with the word "quit" on a line by itself.?.?)$'

# gui_do PROC HOST: the procedure's clicks, when it has any.
gui_do() {
	"$FEDWIZ" lab do "$1${2:+@$2}" --dir "$L" >"$W/do.out" 2>"$W/do.err" ||
	    problem "lab do $1@$2: $(cat "$W/do.err")"
	sed 's/^/      /' "$W/do.out"
}

# answer: the device asked something; answer as the steps say.
answer() {
	local q=${SESS_OUT%$'\n'} f line
	q=${q%$'\r'}
	q=${q##*$'\n'}
	case $q in
	*"Include the device serial number"*|*"Redisplay enrollment"*)
		sess_send "$HOST" no ;;
	*"[yes/no]: ") sess_send "$HOST" yes ;;
	*'(default is "Y"): ') sess_send "$HOST" Y ;;
	*"Re-enter password: "*|*"Password: ")
		# The ASA's enable secret is empty; an enrollment challenge
		# password is asked twice.
		if [[ $ACC == *"challenge password"* ]]; then
			sess_send "$HOST" labchallenge
		else
			sess_send "$HOST" ""
		fi
		;;
	*'on a line by itself'*)
		# Paste what the procedure's web-page part saved here.
		gui_do "$PROC" "$HOST"
		f=$(ls -t "$L/local" 2>/dev/null | head -n 1)
		if [ -z "$f" ]; then
			problem "$PROC@$HOST: nothing to paste"
			sess_send "$HOST" quit
			return
		fi
		echo "      (pasting $f)"
		while IFS= read -r line; do
			sess_send "$HOST" "$line"
		done <"$L/local/$f"
		sess_send "$HOST" quit
		;;
	esac
}

# run_session PROFILE: the steps in $W/cmds (one a record: the step
# number US its command, RS for its line ends; the number alone for a step
# without a command), typed at $HOST's device.
run_session() {
	local profile=$1 pre n cmd line rc pending=0 anycmd=0
	pre=$(prompt_re "$profile")
	sess_open "$HOST" "$ADDR" "$profile"
	while IFS=$(printf '\037') read -r n cmd; do
		if [ -z "$cmd" ]; then
			# A step without a command: clicked, or only read.
			[ $anycmd -eq 0 ] || pending=1
			continue
		fi
		if [ $pending -eq 1 ] && [ -n "$GUI" ]; then
			echo "    lab do $PROC@$HOST (before step $n)"
			gui_do "$PROC" "$HOST"
			pending=0
		fi
		anycmd=1
		cmd=${cmd//$'\036'/$'\n'}
		while IFS= read -r line; do
			[ -n "$line" ] || continue
			# The guide's procedures start with enable and config t;
			# at a configuration prompt left by the one before, an
			# operator types end first.
			if [ "$profile" = cisco-asa ] && [ "$line" = enable ] &&
			    [[ ${LAST_PROMPT[$HOST]:-} == *"(config"* ]]; then
				echo "    (end)"
				SESS_OUT=
				sess_send "$HOST" end
				sess_read "$HOST" "$pre" 30 || true
			fi
			echo "    step $n> $line"
			SESS_OUT=
			ACC=
			sess_send "$HOST" "$line"
			while :; do
				rc=0
				sess_read "$HOST" "($pre|$QUESTION)" 60 || rc=$?
				ACC+=$SESS_OUT
				[ $rc -eq 0 ] || break
				[[ $SESS_OUT =~ $QUESTION ]] || break
				answer
				SESS_OUT=
			done
			SESS_OUT=$ACC
			LAST_PROMPT[$HOST]=${SESS_OUT##*$'\n'}
			if [ $rc -ne 0 ]; then
				problem "$PROC@$HOST step $n: no prompt after '$line' ($rc): $SESS_OUT"
				break
			fi
			if refused "$profile" "$SESS_OUT"; then
				if [ -n "$LATER" ]; then
					# Shared configuration the first instance
					# made ("create it once").
					echo "      refused on a later instance:" \
					    "$(grep -m1 -E '^[A-Za-z-]+ : |ERROR|Executed' <<<"$SESS_OUT")"
				else
					problem "$PROC@$HOST step $n: the device refused '$line':"
					sed 's/^/      /' <<<"$SESS_OUT"
				fi
			fi
		done <<<"$cmd"
	done <"$W/cmds"
	if [ $pending -eq 1 ] && [ -n "$GUI" ]; then
		echo "    lab do $PROC@$HOST (after the commands)"
		gui_do "$PROC" "$HOST"
	fi
}

walk() {
	local rb=$1 inst id host at role kind profile entry typed g0 g1 changed
	local bad before_fail runnable listed passed_before
	declare -A done_once=()
	echo "=== $rb"
	"$FEDWIZ" plan "$rb" --answers "$L/answers/$rb.yaml" --steps --json \
	    >"$W/plan.json" || { problem "$rb: plan failed"; return; }
	jq -c '.procedures[] | select(.applies)' "$W/plan.json" >"$W/insts"
	while IFS= read -r inst; do
		id=$(jq -r .id <<<"$inst")
		host=$(jq -r '.host // ""' <<<"$inst")
		# An instance done once for its role (no host): its commands
		# and clicks go to the role's first host, its checks run as
		# the plan places them.
		at=$host
		role=$(jq -r '.role // ""' <<<"$inst")
		if [ -z "$host" ] && [ -n "$role" ]; then
			at=$(awk -v r="  $role:" '$0 == r { on = 1; next }
			    on && /^    - \{ name: / { sub(/^    - \{ name: /, "");
			    sub(/,.*/, ""); print; exit } on && !/^    / { exit }' \
			    "$L/answers/$rb.yaml")
		fi
		kind=$(jq -r --arg h "$at" '.hosts[] | select(.name == $h) |
		    .kind' "$T/status.json")
		profile=$(jq -r --arg h "$at" '.hosts[] | select(.name == $h) |
		    .profile' "$T/status.json")
		ADDR=$(jq -r --arg h "$at" '.hosts[] | select(.name == $h) |
		    .address' "$T/status.json")
		entry=$(jq -c --arg p "$id" --arg k "$kind" '[.[] |
		    select(.procedure == $p and (.kinds | split(" ") |
		    index($k)))][0] // empty' "$T/gui.json")
		GUI=$([ -n "$entry" ] && echo 1 || true)
		typed=$([ -z "$entry" ] || [ "$(jq -r .typed <<<"$entry")" = true ] && echo 1 || true)
		PROC=$id
		HOST=$at
		LATER=${done_once[$id]:-}
		echo "--- $id@$host ($kind)${GUI:+, clicks}${typed:+, typed}"
		# Before: only a first instance is judged on it.
		if [ -z "$LATER" ]; then
			checks "$rb" "$id" "$host" "$W/before"
		else
			: >"$W/before"
		fi
		g0=$(gen "$rb" "$at")
		jq -r '.steps[] | select(.applies) | [(.n | tostring),
		    (.command // "" | sub("\n$"; "") | gsub("\n"; "\u001e"))] |
		    join("\u001f")' <<<"$inst" >"$W/cmds"
		if [ -n "$typed" ] && grep -q $'\037'. "$W/cmds"; then
			run_session "$profile"
		elif [ -n "$GUI" ]; then
			echo "    lab do $id@$at"
			gui_do "$id" "$at"
		fi
		g1=$(gen "$rb" "$at")
		checks "$rb" "$id" "$host" "$W/after"
		# After: every applicable check passes.
		while IFS=$(printf '\037') read -r v k target msg step; do
			case $v in
			pass) ;;
			"not run")
				case $k:$msg in
				manual:*|*:"does not apply"*) ;;
				*) problem "$id@$host step $step $k not run: $msg" ;;
				esac
				;;
			*)
				listed=$(known_defect "$rb" "$id" "$k" "$target" after)
				[ -n "$listed" ] || listed=$(known_defect "$rb" "$id" "$k" "$target" configured)
				if [ -n "$listed" ]; then
					echo "    known defect ($v after): step $step $k: $listed"
				else
					problem "$id@$host step $step $k $v after: $target: $msg"
				fi
				;;
			esac
		done <"$W/after"
		# Before: a procedure that changed the lab had a failing check.
		changed=$([ "$g0" != "$g1" ] && echo 1 || true)
		runnable=$(grep -cvE $'^not run\037' "$W/before" || true)
		before_fail=$(grep -cvE $'^(pass|not run)\037' "$W/before" || true)
		passed_before=$(grep -c $'^pass\037' "$W/before" || true)
		if [ -n "$changed" ] && [ -z "${done_once[$id]:-}" ] &&
		    [ "$runnable" -gt 0 ] && [ "$before_fail" -eq 0 ]; then
			bad=0
			while IFS=$(printf '\037') read -r v k target msg step; do
				[ "$v" = pass ] || continue
				listed=$(known_defect "$rb" "$id" "$k" "$target" before)
				if [ -n "$listed" ]; then
					echo "    known defect (passes before): step $step $k: $listed"
				else
					bad=1
					echo "    passed before: step $step $k $target"
				fi
			done <"$W/before"
			[ $bad -eq 0 ] || problem "$id@$host: every check passed before the procedure changed anything"
		fi
		echo "    before: $passed_before pass of $runnable; the lab ${changed:+changed}$([ -n "$changed" ] || echo unchanged)"
		done_once[$id]=1
	done <"$W/insts"
	sess_close_all
}

if [ $# -gt 0 ]; then
	rbs="$*"
else
	rbs=$(cd "$L/answers" && ls *.yaml | sed 's/\.yaml$//' | tr '\n' ' ')
fi
# The runbooks have hosts of their own in the lab: they are walked at the
# same time, each in its own folder.
pids=
for rb in $rbs; do
	mkdir -p "$T/walk-$rb"
	( W="$T/walk-$rb"; : >"$W/problems"; walk "$rb" >"$W/log" 2>&1 ) &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || true
done
problems=0
for rb in $rbs; do
	cat "$T/walk-$rb/log"
	problems=$((problems + $(wc -l <"$T/walk-$rb/problems")))
done
# A "before" or "after" line of known-defects that no check of the
# runbooks walked needed: the runbook changed; the line must go.
cat "$T"/walk-*/used 2>/dev/null | sort -u >"$T/used"
while IFS= read -r n; do
	line=$(sed -n "${n}p" "$DEFECTS")
	rb=${line%%$'\t'*}
	case " $rbs " in *" $rb "*) ;; *) continue ;; esac
	grep -qx "$n" "$T/used" && continue
	echo "PROBLEM: known-defects line $n is no longer needed (remove it): $(printf '%s' "$line" | cut -f1-5)"
	problems=$((problems + 1))
done < <(awk -F '\t' '!/^#/ && NF >= 6 && ($5 == "before" || $5 == "after") { print NR }' "$DEFECTS")
[ $problems -eq 0 ] || fail "$problems problems in the walk"
echo "ok: walked $rbs"
