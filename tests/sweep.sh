# Shared by t-oom.sh and t-syscalls.sh: a sweep runs a job once for each
# N, the Nth call of SWEEP_FUNC (tests/faultinj.c's names; alloc: every
# allocation of sockcat's own) failing with SWEEP_ERRNO, and judges each
# run: the job done as if nothing had happened, or one line of its own
# and status 1; never a crash, a hang, another status or a silent loss.
# Sourced after lib.sh.

sc_require python3 ss

# The library that fails the calls (tests/faultinj.c), the calls and
# the error: allocations with ENOMEM unless the suite says otherwise.
ALLOC_LIB=${SC_ALLOC_LIB:-$(dirname "$SC")/tests/allocinj.so}
if [ ! -f "$ALLOC_LIB" ]; then
	echo "tests/allocinj.so not built: skipping" >&2
	exit 77
fi
: "${SWEEP_FUNC:=alloc}" "${SWEEP_ERRNO:=ENOMEM}"
# A sanitizer's runtime wants to come first among the libraries, and
# would then take the calls: the library comes first instead (the check
# is off), and passes what it does not fail on to the sanitizer's
# allocator.
ASAN_PRE=""
if grep -aq __asan_init "$SC" 2>/dev/null; then
	ASAN_PRE='ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 '
fi

# The clients of a swept server are its peers, not what the sweep is
# about: SC_PEER_SOCKCAT may name a build of sockcat that starts faster
# (.ci/test gives its sanitizer pass the normal build, which starts in a
# tenth of the time; the clients were half of a sweep's processes).
PEER=${SC_PEER_SOCKCAT:-$SC}

# The most calls a sweep tries: a run that still reaches its Nth then is
# a failure (a sweep must see the end of a run's calls).
: "${OOM_MAX:=400}"

sc_certs

setUp() {
	sc_tmp
	FSC=$SC_TMP/faulted
	printf '#!/bin/sh\n%sLD_PRELOAD="%s" exec "%s" "$@"\n' "$ASAN_PRE" \
	    "$ALLOC_LIB" "$SC" >"$FSC"
	chmod +x "$FSC"
	# The same program called socat, through a link.
	ln -s "$SC" "$SC_TMP/socat"
	FSOCAT=$SC_TMP/faulted-socat
	sed "s|exec \"$SC\"|exec \"$SC_TMP/socat\"|" "$FSC" >"$FSOCAT"
	chmod +x "$FSOCAT"
	export SC_FAULT_LOG=$SC_TMP/faults
	unset SC_FAULT
}

# numbered LINE: LINE with each run of digits made N (ports, addresses,
# counts), in NUMBERED.
shopt -s extglob
numbered() {
	NUMBERED=${1//+([0-9])/N}
}

# normal ERRFILE: what the clean run said (ERRFILE), numbered, each line
# a key of NORMAL.
normal() {
	unset NORMAL
	declare -gA NORMAL
	while IFS= read -r _l || [ -n "$_l" ]; do
		numbered "$_l"
		NORMAL[$NUMBERED]=1
	done <"$1"
}

# said ERRFILE: what ERRFILE says beyond what the clean run said (its
# lines in NORMAL), a coverage build's "profiling:" lines aside; in the
# array SAID.  It runs for every N, so it starts no process (nor does
# judge; up_or_gone starts two small ones): the tools they ran were a
# fifth of t-oom's time under the sanitizers.
said() {
	SAID=()
	while IFS= read -r _l || [ -n "$_l" ]; do
		numbered "$_l"
		case $NUMBERED in profiling:*) continue ;; esac
		[ -n "${NORMAL[$NUMBERED]:-}" ] || SAID+=("$NUMBERED")
	done <"$1"
}

# judge WHAT STATUS ERRFILE OK UNSERVED: the verdict on one run whose
# Nth allocation failed.  Status 0 with the job done (OK 0) and at most
# one line more than the clean run's, exactly one if a client was not
# served (UNSERVED 1); or status 1 with one line more, its own.
judge() {
	_jname=$1 _st=$2 _err=$3 _ok=$4 _unserved=${5:-0}
	said "$_err"
	_lines=${#SAID[@]}
	case $_st in
	0)
		[ "$_ok" -eq 0 ] ||
		    fail "$_jname: status 0, the job not done: $(cat "$_err")"
		if [ "$_unserved" -eq 1 ]; then
			[ "$_lines" -eq 1 ] ||
			    fail "$_jname: a client not served, $_lines lines said: $(cat "$_err")"
		elif [ "$_lines" -gt 1 ]; then
			fail "$_jname: status 0, $_lines lines more: $(cat "$_err")"
		fi
		;;
	1)
		[ "$_lines" -ge 1 ] && [ "$_lines" -le "${MAX_LINES:-1}" ] ||
		    fail "$_jname: one line more: $(cat "$_err")"
		_own=${OWN_LINE:-^sockcat: } _found=0
		for _l in "${SAID[@]}"; do
			[[ $_l =~ $_own ]] && { _found=1; break; }
		done
		[ "$_found" -eq 1 ] ||
		    fail "$_jname: its own line: $(cat "$_err")"
		;;
	*)
		fail "$_jname: status $_st: $(cat "$_err")"
		;;
	esac
}

# up_or_gone PID: has the server (timeout's child) bound its listening
# socket, its port then in PORT, or ended?  Servers run without -v,
# whose notices are no part of what a user is told: the port is that of
# the listening socket (ss, by its inode) among the server's descriptors.
# Not ss -p, which reads every process's descriptors at every poll; nor
# the kernel's table of all TCP sockets, as long as the machine's recent
# connections.
up_or_gone() {
	gone "$1" && return 0
	if [ -n "${UNIX_PATH:-}" ]; then
		[ -S "$UNIX_PATH" ] && PORT=unix
		[ -n "$PORT" ]
		return
	fi
	# timeout's one child (read, not asked of pgrep: it is polled).
	_spid=""
	read -r _spid _ 2>/dev/null <"/proc/$1/task/$1/children"
	[ -n "$_spid" ] || return 1
	_socks=" $(find "/proc/$_spid/fd" -lname 'socket:*' -printf '%l ' \
	    2>/dev/null)"
	PORT=""
	while read -r _ _ _ _local _ _ext; do
		_ino=${_ext#*ino:}
		case $_socks in
		*" socket:[${_ino%% *}] "*) PORT=${_local##*:}; break ;;
		esac
	done <<-EOF
	$(ss -Hltne 2>/dev/null)
	EOF
	[ -n "$PORT" ]
}

# serve_once N CLIENT ARGS...: the faulted sockcat ARGS (its Nth
# allocation failing), a server of one client, with CLIENT run against
# it at $PORT once it listens; and, if that one was not served and the
# server is still there, once more.  Sets OK (0: served), UNSERVED (1:
# the first was not) and ST (the server's status).
serve_once() {
	_n=$1 _client=$2
	shift 2
	rm -f "$SC_FAULT_LOG" "$SC_TMP/c.out" "$SC_TMP/c.cerr" \
	    ${UNIX_PATH:+"$UNIX_PATH"}
	SC_FAULT=$SWEEP_FUNC:$_n:$SWEEP_ERRNO timeout -k 2 10 "${SERVER_BIN:-$FSC}" "$@" \
	    <"${SERVER_STDIN:-/dev/null}" >"$SC_TMP/s.out" \
	    2>"$SC_TMP/s.err" &
	_pid=$!
	PORT=""
	wait_until up_or_gone "$_pid" ||
	    fail "N=$_n: neither listening nor gone"
	OK=1 UNSERVED=0
	if [ -n "$PORT" ]; then
		"$_client"
		OK=$?
		if [ "$OK" -ne 0 ] && ! gone "$_pid"; then
			UNSERVED=1
			"$_client"
			OK=$?
		fi
	fi
	# A server of many clients (KEEPS) is stopped as a user stops it.
	if [ -n "${KEEPS:-}" ] && ! gone "$_pid"; then
		_spid=""
		read -r _spid _ 2>/dev/null <"/proc/$_pid/task/$_pid/children"
		[ -z "$_spid" ] || kill -TERM "$_spid" 2>/dev/null
	fi
	wait_exit "$_pid" 10
	ST=$WAIT_STATUS
}

# sweep_server CLIENT ARGS...: serve_once for N = 1, 2, ..., each
# judged, after a clean run that says what the server says anyway.
sweep_server() {
	serve_once 100000 "$@"
	# Stopped by SIGTERM, a server of many clients ends as it does.
	_ref=$ST
	[ -n "${KEEPS:-}" ] || assertEquals "clean run: status: $(cat "$SC_TMP/s.err")" 0 "$ST"
	# What each saw, for a failure that does not come again.
	_saw="port ${PORT:-none}; the client got:"
	_saw="$_saw $(cat "$SC_TMP/c.out" 2>/dev/null); said:"
	_saw="$_saw $(cat "$SC_TMP/c.cerr" 2>/dev/null); the server said:"
	_saw="$_saw $(cat "$SC_TMP/s.err")"
	assertEquals "clean run: the job ($_saw)" 0 "$OK"
	assertFalse "clean run: a fault" "[ -s '$SC_FAULT_LOG' ]"
	normal "$SC_TMP/s.err"
	_n=1
	while [ "$_n" -le "$OOM_MAX" ]; do
		serve_once "$_n" "$@"
		if [ ! -s "$SC_FAULT_LOG" ]; then
			SWEPT=$_n
			# A job may make no such call; it must make allocations.
			[ "$SWEEP_FUNC" != alloc ] || assertTrue \
			    "no $SWEEP_FUNC failed: the library took no call" \
			    "[ $_n -gt 1 ]"
			return
		fi
		[ "$ST" = "$_ref" ] && ST=0
		read -r _ _ _ _site _ <"$SC_FAULT_LOG"
		judge "N=$_n ($_site)" "$ST" \
		    "$SC_TMP/s.err" "$OK" "$UNSERVED"
		_n=$((_n + 1))
	done
	fail "more than $OOM_MAX calls of $SWEEP_FUNC"
}

# sweep_client RUN [ARGS...]: for N = 1, 2, ..., RUN ARGS (a function
# running "$FSC" as a client, its status in CST, its stderr in
# $SC_TMP/c.err; status of the function 0 when the job is done), against
# servers the test started itself; after a clean run.
sweep_client() {
	_run=$1
	shift
	SC_FAULT=$SWEEP_FUNC:100000:$SWEEP_ERRNO "$_run" "$@"
	_ok=$?
	assertEquals "clean run: status: $(cat "$SC_TMP/c.err")" 0 "$CST"
	assertEquals "clean run: the job" 0 "$_ok"
	normal "$SC_TMP/c.err"
	_n=1
	while [ "$_n" -le "$OOM_MAX" ]; do
		rm -f "$SC_FAULT_LOG"
		SC_FAULT=$SWEEP_FUNC:$_n:$SWEEP_ERRNO "$_run" "$@"
		_ok=$?
		if [ ! -s "$SC_FAULT_LOG" ]; then
			SWEPT=$_n
			# A job may make no such call; it must make allocations.
			[ "$SWEEP_FUNC" != alloc ] || assertTrue \
			    "no $SWEEP_FUNC failed: the library took no call" \
			    "[ $_n -gt 1 ]"
			return
		fi
		read -r _ _ _ _site _ <"$SC_FAULT_LOG"
		judge "N=$_n ($_site)" "$CST" \
		    "$SC_TMP/c.err" "$_ok"
		_n=$((_n + 1))
	done
	fail "more than $OOM_MAX calls of $SWEEP_FUNC"
}

# The clients: each sends "hello" and ends its side, and expects it back.
echo_client() {
	echo hello | t 10 "$PEER" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.cerr"
	[ "$(<"$SC_TMP/c.out")" = hello ]
}
tls_client() {
	echo hello | t 10 "$PEER" -N --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.cerr"
	[ "$(<"$SC_TMP/c.out")" = hello ]
}
# A WebSocket has no half-close: the end of stdin would be the client's
# close, which a server answers a second after its program (or target)
# last wrote, dropping an answer later than that (sockcat-websocket(7)).
# On a busy machine the echo can be that late: the clients close once
# it has come (--ws-messages), as a client waiting for an answer does.
ws_client() {
	echo hello | t 10 "$PEER" --ws-messages 1 "ws://127.0.0.1:$PORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.cerr"
	[ "$(<"$SC_TMP/c.out")" = hello ]
}
# A program on a terminal: the line comes back before the client ends
# (a terminal's end at the network's would lose the answer).
pty_client() {
	t 10 "$PEER" --send 'hello\n' --expect '^hello' 127.0.0.1 "$PORT" \
	    </dev/null >"$SC_TMP/c.out" 2>"$SC_TMP/c.cerr"
}
page_client() {
	[ "$(t 10 curl -s "http://127.0.0.1:$PORT/index.html")" = "the page" ]
}
# A member of the broker: in and out, the broker told nothing back.
member_client() {
	echo hello | t 10 "$PEER" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
}
# Two --via clients meet at the relay by a code: a program on one side
# answers the other.
CODE=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK
relay_client() {
	bg t 10 "$PEER" -w 3 -l --via "127.0.0.1:$PORT" --secret="$CODE" \
	    -c 'tr a-z A-Z' </dev/null >/dev/null 2>&1
	_rp=$BG_PID
	_out=$(echo "shout this" | t 10 "$PEER" -w 3 -N \
	    --via "127.0.0.1:$PORT" --secret="$CODE" 2>"$SC_TMP/c.cerr")
	stop "$_rp"
	wait "$_rp" 2>/dev/null
	[ "$_out" = "SHOUT THIS" ]
}
auth_ws_client() {
	echo hello | t 10 "$PEER" --ws-messages 1 \
	    "ws://alice:s3cret@127.0.0.1:$PORT/" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.cerr"
	[ "$(<"$SC_TMP/c.out")" = hello ]
}
unix_client() {
	echo hello | t 10 "$PEER" -N -U "$UNIX_PATH" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.cerr"
	[ "$(<"$SC_TMP/c.out")" = hello ]
}
# Through the proxy server at PORT to the echo server at BACK.
connect_client() {
	echo hello | t 10 "$PEER" -N -X connect -x "127.0.0.1:$PORT" \
	    127.0.0.1 "$BACK" >"$SC_TMP/c.out" 2>"$SC_TMP/c.cerr"
	[ "$(<"$SC_TMP/c.out")" = hello ]
}
socks_client() {
	echo hello | t 10 "$PEER" -N -X 5 -x "127.0.0.1:$PORT" \
	    127.0.0.1 "$BACK" >"$SC_TMP/c.out" 2>"$SC_TMP/c.cerr"
	[ "$(<"$SC_TMP/c.out")" = hello ]
}
# The plain listener's: its line comes back and ours reaches it.
greet_client() {
	echo hello | t 10 "$PEER" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.cerr"
	[ "$(<"$SC_TMP/c.out")" = greeting ] &&
	    wait_for "$SC_TMP/s.out" '^hello$' 5
}

# run_echo ARGS...: a line through the faulted sockcat ARGS, and back.
run_echo() {
	echo hello | t 10 "$FSC" "$@" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	CST=$?
	[ "$(<"$SC_TMP/c.out")" = hello ]
}
# run_ok ARGS...: the faulted sockcat ARGS, stdin empty: its status.
run_ok() {
	t 10 "$FSC" "$@" </dev/null >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	CST=$?
	[ "$CST" -eq 0 ]
}
scan_run() {
	t 10 "$FSC" -zv 127.0.0.1 "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	CST=$?
	grep -q succeeded "$SC_TMP/c.err"
}
record_run() {
	rm -f "$SC_TMP/rec"
	echo hello | t 10 "$FSC" -N --record "$SC_TMP/rec" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	CST=$?
	[ "$(<"$SC_TMP/c.out")" = hello ] && grep -q hello "$SC_TMP/rec"
}

dump_run() {
	rm -f "$SC_TMP/hex"
	echo hello | t 10 "$FSC" -N --hex-dump "$SC_TMP/hex" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	CST=$?
	[ "$(<"$SC_TMP/c.out")" = hello ] && [ -s "$SC_TMP/hex" ]
}

