# Helpers shared by the shunit2 suites: source this file, define tests,
# then call sc_run_shunit2.
#
# Every process runs under timeout(1).  Servers listen on port 0 and the
# real port is read from the "Listening on" (or "Bound on") line of -v, so
# suites can run in parallel.  Waits poll for a condition with a deadline;
# none of them is a bare sleep.

: "${SOCKCAT:=$(cd "$(dirname "$0")/.." && pwd)/sockcat}"
# The helpers beside the suites: make check names them; a suite run by
# itself (bash tests/t-NAME.sh) finds them beside itself.
: "${TESTS_DIR:=$(cd "$(dirname "$0")" && pwd)}"
export TESTS_DIR
: "${SC_TIMEOUT:=10}"
# How long a server may live at most: longer than any test, however busy
# the machine (every test ends its servers when it is done).
: "${SC_SERVER_LIFE:=90}"
SC_START_MS=$(( ${EPOCHREALTIME/[.,]/} / 1000 ))
SC=$SOCKCAT
# The manual: sockcat(1), and a page for each topic beside it.
: "${MANPAGE:=$(cd "$TESTS_DIR/.." && pwd)/doc/sockcat.1}"

# A suite starts with descriptors 0, 1 and 2 only: one left open by what
# started it (a profiler, a parent's pipe) would reach every process and
# move the numbers the descriptor tests count on (t-fault, t-activate).
# 255 is the shell's own, its script.
for _sc_fd in /proc/$$/fd/*; do
	_sc_fd=${_sc_fd##*/}
	[ "$_sc_fd" -gt 2 ] && [ "$_sc_fd" -lt 255 ] && eval "exec $_sc_fd>&-"
done

if [ ! -x "$SC" ]; then
	echo "sockcat binary not found: $SC" >&2
	exit 99
fi

# python3 may be a version manager's shim that starts several processes
# on every call, seconds on a loaded machine.  The interpreter it stands
# for is found once (make check does it for every suite: SC_PYTHON) and
# its directory put first in PATH, for the suites and what they start,
# after tests/bin, whose python3 starts it without the site module.
if [ -z "${SC_PYTHON:-}" ] && command -v python3 >/dev/null 2>&1; then
	SC_PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
fi
if [ -n "${SC_PYTHON:-}" ] && [ -x "$SC_PYTHON" ]; then
	_sc_bin=$(cd "$TESTS_DIR/bin" && pwd)
	PATH=$_sc_bin:$(dirname "$SC_PYTHON"):$PATH
	export PATH SC_PYTHON
fi

SHUNIT2=${SHUNIT2:-}
for f in "$SHUNIT2" /usr/bin/shunit2 /usr/share/shunit2/shunit2; do
	if [ -n "$f" ] && [ -f "$f" ]; then
		SHUNIT2=$f
		break
	fi
done
if [ ! -f "$SHUNIT2" ]; then
	echo "shunit2 not installed: skipping" >&2
	exit 77
fi

# manual_pages: the manual's pages, sockcat(1) first, one a line.
manual_pages() {
	printf '%s\n' "$MANPAGE" "$(dirname "$MANPAGE")"/sockcat-*.7
}

# in_manual [-x] TEXT: TEXT is in a page of the manual, as printed there
# (-x: a whole line).
in_manual() {
	_sc_x=""
	[ "$1" = -x ] && { _sc_x=x; shift; }
	# shellcheck disable=SC2046
	grep -qF$_sc_x -- "$1" $(manual_pages)
}

# Skip the whole suite (exit 77 for automake) unless a command exists.
sc_require() {
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			echo "$c not installed: skipping" >&2
			exit 77
		fi
	done
}

# Skip the whole suite (exit 77) when sockcat was built without TLS
# (./configure --without-openssl): its --version says "TLS: no".
sc_require_tls() {
	if ! "$SC" --version | grep -q '^TLS: yes'; then
		echo "sockcat built without TLS: skipping" >&2
		exit 77
	fi
}

# Is sockcat a debug build (./configure --enable-debug)?  Its event-order
# knob, read at the loop's first wait (-z makes one), says so.
sc_debug_build() {
	SC_EVENT_ORDER=bogus t 5 "$SC" -z 127.0.0.1 1 2>&1 |
	    grep -q 'SC_EVENT_ORDER=bogus'
}

SC_PIDS=""
SC_TMP=""

# A private directory for one suite; removed at the end.
sc_tmp() {
	if [ -z "$SC_TMP" ] && [ -n "$_sc_mktemp_v" ]; then
		mktemp -v SC_TMP -d "${TMPDIR:-/tmp}/sockcat-test.XXXXXX" \
		    >/dev/null
	elif [ -z "$SC_TMP" ]; then
		SC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-test.XXXXXX")
	fi
	# Without it every "$SC_TMP/x" would be /x: stop the suite instead.
	if [ -z "$SC_TMP" ] || [ ! -d "$SC_TMP" ]; then
		echo "cannot make a directory in ${TMPDIR:-/tmp}" >&2
		exit 99
	fi
}

# The datagram peer every suite shares (tests/udppeer.py: its steps are
# send, recv, lines, port, ...):  t 20 $UDPPEER PORT send hi recv
UDPPEER="python3 $TESTS_DIR/udppeer.py"

# The fake proxies every suite shares (tests/authproxy.py: HTTP proxies
# that ask for credentials, one that records what it was asked, and
# broken ones of each protocol):  bg t 20 $AUTHPROXY -b socks5 ok ...
AUTHPROXY="python3 $TESTS_DIR/authproxy.py"

# progress_interrupted SOCKCAT FILE: `SOCKCAT --progress -N 127.0.0.1
# $PORT <FILE`, its stderr a pseudo-terminal (transcript $SC_TMP/tty),
# sent SIGINT once its live line shows an ETA: asserts that it died of
# the signal and left the line erased.
progress_interrupted() {
	bg sh -c "python3 '$TESTS_DIR/pty-run.py' \
	    '$SC_TMP/tty' timeout 20 '$1' --progress -N 127.0.0.1 $PORT \
	    <'$2' >/dev/null"
	_pi=$BG_PID
	assertTrue "progress line drawn" "wait_for '$SC_TMP/tty' 'ETA'"
	# timeout passes the SIGINT it gets on to sockcat.
	kill -INT "$(<"$SC_TMP/tty.pid")"
	wait_exit "$_pi"
	assertEquals "killed by SIGINT" 130 "$WAIT_STATUS"
	assertEquals "ends with an erase" "$(printf '\r\033[K' | od -An -c)" \
	    "$(tail -c 4 "$SC_TMP/tty" | od -An -c)"
}

# Run a command bounded in time: t [secs] cmd...
t() {
	case $1 in
	[0-9]*) _t=$1; shift ;;
	*) _t=$SC_TIMEOUT ;;
	esac
	timeout -k 2 "$_t" "$@"
	_t=$?
	if [ -n "${SC_TIMEOUT_LOG:-}" ] && [ $_t -eq 124 ]; then
		echo "${_shunit_test_:-?}: $*" >>"$SC_TIMEOUT_LOG"
	fi
	return $_t
}

# How long a wait lasts at most, in seconds, unless told otherwise.  Waits
# end as soon as what they wait for happens, so a generous deadline costs
# nothing on a healthy run and saves a loaded machine from a false failure.
: "${SC_WAIT:=20}"

# The suites spend most of their processor time starting processes, not
# in sockcat, and a loaded machine pays for each.  So the waits below run
# no process of their own per round: the clock is the shell's, and sleep
# is the shell's built-in when bash's loadable one is installed
# (bash-builtins).
enable -f /usr/lib/bash/sleep sleep 2>/dev/null || true
# The same package's rm, mkdir, mkfifo, mktemp, basename and dirname,
# which every test runs (its directory, made and removed; its FIFOs):
# the options the suites give them are those the loadable ones take.
for _sc_b in rm mkdir mkfifo mktemp basename dirname; do
	enable -f "/usr/lib/bash/$_sc_b" "$_sc_b" 2>/dev/null || true
done
_sc_mktemp_v=""
[ "$(type -t mktemp)" = builtin ] && _sc_mktemp_v=1
# shunit2 counts with "expr N + 1" and asks with "expr COND :
# '\([0-9]*\)'" whether a condition is a number: the shell does both
# (anything else still goes to expr).
expr() {
	if [ $# -eq 3 ] && [ "$2" = + ] && [[ $1 =~ ^[0-9]+$ ]] &&
	    [[ $3 =~ ^[0-9]+$ ]]; then
		echo $(( $1 + $3 ))
	elif [ $# -eq 3 ] && [ "$2" = : ] && [ "$3" = '\([0-9]*\)' ]; then
		[[ $1 =~ ^[0-9]* ]]
		echo "${BASH_REMATCH[0]}"
		[ -n "${BASH_REMATCH[0]}" ]
	else
		command expr "$@"
	fi
}

# Milliseconds since the epoch; deadline SECS (fractions allowed): the
# time SECS from now, in milliseconds.  _sc_now and _sc_deadline set
# SC_NOW and SC_DEADLINE instead, without a subshell.
_sc_now() {
	_r=${EPOCHREALTIME/[.,]/}
	SC_NOW=$(( _r / 1000 ))
}
now_ms() {
	_sc_now
	echo "$SC_NOW"
}
_sc_deadline() {
	_s=$1
	case $_s in
	*.*) _i=${_s%%.*} _f=${_s#*.}000 ;;
	*) _i=$_s _f=000 ;;
	esac
	_f=${_f:0:3}
	_sc_now
	SC_DEADLINE=$(( SC_NOW + ${_i:-0} * 1000 + 10#$_f ))
}
deadline() {
	_sc_deadline "$1"
	echo "$SC_DEADLINE"
}

# wait_until [-t SECS] CMD...: run CMD until it succeeds, for up to SECS
# seconds (default $SC_WAIT).  Returns 0 as soon as it does, 1 on
# time-out.  It looks often at first and less often later, so that a
# quick event is seen quickly and a slow one costs little CPU on a busy
# machine.
wait_until() {
	_wu_secs=$SC_WAIT
	if [ "$1" = -t ]; then
		_wu_secs=$2
		shift 2
	fi
	_sc_deadline "$_wu_secs"
	_wu_deadline=$SC_DEADLINE
	_wu_nap=0.01
	until "$@"; do
		_sc_now
		if [ "$SC_NOW" -ge "$_wu_deadline" ]; then
			return 1
		fi
		sleep "$_wu_nap"
		case $_wu_nap in
		0.01) _wu_nap=0.02 ;;
		0.02) _wu_nap=0.05 ;;
		0.05) _wu_nap=0.1 ;;
		esac
	done
	return 0
}

# Wait until file $1 matches the extended regex $2, for up to $3 seconds
# (default $SC_WAIT).  Returns 1 on time-out.
wait_for() {
	wait_until -t "${3:-$SC_WAIT}" file_matches "$1" "$2"
}

# unix_listening PATH: is a Unix stream socket listening at PATH?  Its
# file exists from bind(2) on, before listen(2): a client that comes in
# between is refused.  The kernel's table says which sockets listen.
unix_listening() {
	awk -v p="$1" '$4 == "00010000" && $NF == p { f = 1 }
	    END { exit !f }' /proc/net/unix
}

# file_matches FILE REGEX: does a line of FILE match the extended regex,
# as grep -E would say?  The shell reads the first lines itself; a longer
# file goes to grep.  Both match bytes, in the C locale: in a UTF-8 one,
# bash's regex finds nothing in a line where bytes that are not UTF-8
# come before the match (a TLS ClientHello on a console, then a line).
file_matches() {
	local LC_ALL=C
	[ -r "$1" ] || return 1
	_fm_n=0
	while IFS= read -r _fm_l || [ -n "$_fm_l" ]; do
		[[ $_fm_l =~ $2 ]] && return 0
		_fm_n=$((_fm_n + 1))
		if [ "$_fm_n" -ge 100 ]; then
			LC_ALL=C grep -Eq -- "$2" "$1" 2>/dev/null
			return
		fi
	done <"$1"
	return 1
}

# A command that prints the SHA-256 of its stdin, and the regex its output
# line matches once complete.  openssl's uses the processor's SHA
# instructions where it has them: several times faster than sha256sum on
# the suites' gigabytes.
SHA256="openssl dgst -sha256 -r"
SHA256_DONE='^[0-9a-f]{64} \*stdin$'

# make_certs DIR: test certificates in DIR, each NAME.pem with NAME.key:
# ca (a CA), srv (signed by it, for localhost and 127.0.0.1), cli (a
# client's, signed by it) and self (self-signed, for localhost).
make_certs() {
	(
		cd "$1" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout ca.key -out ca.pem -days 2 \
		    -subj "/CN=Test CA" 2>/dev/null &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout srv.key -out srv.csr \
		    -subj "/CN=localhost" 2>/dev/null &&
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >srv.ext &&
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
		    -CAcreateserial -out srv.pem -days 2 -extfile srv.ext \
		    2>/dev/null &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout cli.key -out cli.csr \
		    -subj "/CN=test client" 2>/dev/null &&
		openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key \
		    -CAcreateserial -out cli.pem -days 2 2>/dev/null &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout self.key -out self.pem -days 2 \
		    -subj "/CN=localhost" 2>/dev/null
	)
}

# sc_certs: a suite's test certificates (make_certs), in CERTS: made
# before its first test, removed after its last.
sc_certs() {
	CERTS=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-certs.XXXXXX")
	oneTimeSetUp() {
		make_certs "$CERTS" ||
		    { echo "cannot make certificates" >&2; exit 1; }
	}
	oneTimeTearDown() {
		sc_remove_tmp
		rm -rf "$CERTS"
		sc_report
	}
}

# sc_private_netns "$@": the rest of the suite runs in a private network
# and mount namespace of its own (unshare -n -m), its loopback up, where
# it may bind port 53 and mount its own /etc/resolv.conf and /etc/hosts
# (sc_netns_resolver) without touching the machine's.  Called once, right
# after lib.sh, with the suite's arguments: outside the namespace it runs
# the suite again inside; it skips the suite (77) where that is not
# permitted.
sc_private_netns() {
	if [ -z "${SC_IN_NETNS:-}" ]; then
		if ! unshare -n -m true 2>/dev/null; then
			echo "unshare -n -m not permitted: skipping" >&2
			exit 77
		fi
		SC_IN_NETNS=1 exec unshare -n -m bash "$0" "$@"
	fi
	PATH=$PATH:/usr/sbin:/sbin
	if ! ip link set lo up 2>/dev/null; then
		echo "cannot bring up lo in the namespace: skipping" >&2
		exit 77
	fi
}

# sc_alone_netns "$@": as sc_private_netns where that is permitted, so
# that no other suite's client reaches this suite's servers of one client
# (a stray connection to a port 0 listener is served in the place of the
# test's own client, which then finds the port closed); where it is not,
# the suite runs here, as it is.
sc_alone_netns() {
	[ -n "${SC_IN_NETNS:-}" ] || unshare -n -m true 2>/dev/null ||
	    return 0
	sc_private_netns "$@"
}

# sc_have_netns: may a test make network namespaces of its own (unshare
# -n)?  A test that needs one skips when not.
sc_have_netns() {
	t 5 unshare -n true 2>/dev/null
}

# sc_netns SECS CMD...: CMD, bounded by SECS, in a new network namespace
# of its own whose loopback is up: the only addresses it has are its
# own, whatever it binds or configures.
sc_netns() {
	_ns_t=$1
	shift
	t "$_ns_t" unshare -n sh -c 'PATH=$PATH:/usr/sbin:/sbin
	    ip link set lo up 2>/dev/null; exec "$@"' sh "$@"
}

# sc_netns_resolver SECS HOSTS-LINE...: in sc_private_netns's namespace,
# the resolver is 127.0.0.1 (where the suite starts the server it wants),
# asked once and waited for SECS seconds, and /etc/hosts holds the lines
# given.  Both files are in NS_DIR, which the suite removes at its end.
# Skips the suite (77) when they cannot be mounted.
sc_netns_resolver() {
	NS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-ns.XXXXXX")
	printf 'nameserver 127.0.0.1\noptions timeout:%s attempts:1\n' "$1" \
	    >"$NS_DIR/resolv.conf"
	shift
	printf '%s\n' "$@" >"$NS_DIR/hosts"
	if ! mount --bind "$NS_DIR/resolv.conf" /etc/resolv.conf 2>/dev/null ||
	    ! mount --bind "$NS_DIR/hosts" /etc/hosts 2>/dev/null; then
		rm -rf "$NS_DIR"
		echo "cannot bind-mount resolv.conf and hosts: skipping" >&2
		exit 77
	fi
}

# Is ncat there, to compare with?
have_ncat() {
	command -v ncat >/dev/null 2>&1
}

# free_port [udp]: a TCP (or UDP) port of 127.0.0.1 that nothing uses
# now: one to find closed, to connect from, or for a listener started
# later (ncat cannot report port 0).  It is taken below the range the
# kernel gives out for port 0 and for a client's own port
# (ip_local_port_range): in that range, a suite running beside this one
# could be given it meanwhile for a listener or a client, and a client
# connecting to it could be given it as its own and meet itself.
free_port() {
	python3 -c '
import random, socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1:] == ["udp"] else socket.SOCK_STREAM
lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
ports = random.sample(range(10000, lo), min(50, lo - 10000)) if lo > 11000 else []
for p in ports + [0]:
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(s.getsockname()[1])
    break
else:
    sys.exit("free_port: no port could be bound")
' "$@"
}

# An HTTP origin server, for the proxy servers' tests: it reads a request
# (what it read is origin.out), answers "origin says hi" and, with -N,
# closes its side; its port in OPORT, its process in OPID.
origin() {
	printf 'HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\norigin says hi' \
	    >"$SC_TMP/origin.in"
	server origin -N -l 127.0.0.1 0 || fail "no origin"
	OPORT=$PORT
	OPID=$SERVER_PID
}

# stop [-SIG] PID...: send SIG (TERM by default) to processes started by
# t, bg, bg_in or server, and to everything their timeout(1) runs, and
# wait until what it runs has ended.  Such a PID is a timeout, which
# leads a process group of its own and passes a signal on to its
# command; but the timeout of coreutils 9.1 drops a signal that reaches
# it before it has noted its child's PID, which a loaded machine may not
# let it do until after the command has started and spoken.  It then
# exits at once and leaves the command running, holding the port or the
# name the next test wants.  So the signal goes to the whole group, and
# stop waits for the timeout and then for the rest of its group: a wait
# for the timeout alone may return while its command still holds what it
# bound.  Any other PID (a process started another way, or one that has
# ended and whose number may now be another's) gets the signal alone, as
# kill(1) would send it.
stop() {
	_sig=TERM
	case ${1-} in
	-*) _sig=${1#-}; shift ;;
	esac
	_live=$(jobs -rp)
	_live=" ${_live//$'\n'/ } "
	for _p; do
		case $_live in
		*" $_p "*)
			if kill -s "$_sig" -- "-$_p" 2>/dev/null; then
				{ wait_until gone "$_p" &&
				    wait_until gone_group "$_p"; } ||
				    kill -s KILL -- "-$_p" 2>/dev/null
				continue
			fi
			;;
		esac
		kill -s "$_sig" "$_p" 2>/dev/null
	done
	return 0
}

# gone_group PGID: has every process of group PGID ended?  (Those whose
# leader has gone are reaped by init.)
gone_group() {
	! kill -0 -- "-$1" 2>/dev/null
}

# Has process $1 exited?  (It may be a zombie until waited for.)
gone() {
	! kill -0 "$1" 2>/dev/null
}

# Wait for background process $1 to exit within $2 seconds (default
# $SC_WAIT); sets WAIT_STATUS.  Returns 1 (and kills it) if it did not.
wait_exit() {
	if ! wait_until -t "${2:-$SC_WAIT}" gone "$1"; then
		stop -KILL "$1"
		wait "$1" 2>/dev/null
		WAIT_STATUS=timeout
		return 1
	fi
	wait "$1" 2>/dev/null
	WAIT_STATUS=$?
	return 0
}

# Is process $1 still running $2 seconds from now?  For asserting that
# something does not end early; it never kills.  The one wait that lasts
# its whole time: what it asserts is that time.
still_running() {
	! wait_until -t "$2" gone "$1"
}

# wait_size FILE BYTES [SECS]: wait until FILE holds at least BYTES.
wait_size() {
	wait_until -t "${3:-$SC_WAIT}" size_at_least "$1" "$2"
}
size_at_least() {
	[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

# wait_lines FILE REGEX COUNT [SECS]: wait until COUNT lines of FILE
# match REGEX.
wait_lines() {
	wait_until -t "${4:-$SC_WAIT}" lines_at_least "$1" "$2" "$3"
}
lines_at_least() {
	local LC_ALL=C
	[ -r "$1" ] || return 1
	[ "$3" -le 0 ] && return 0
	# As file_matches: the shell counts in the first lines, grep beyond,
	# in bytes.
	_la_n=0 _la_m=0
	while IFS= read -r _la_l || [ -n "$_la_l" ]; do
		if [[ $_la_l =~ $2 ]]; then
			_la_m=$((_la_m + 1))
			[ "$_la_m" -ge "$3" ] && return 0
		fi
		_la_n=$((_la_n + 1))
		if [ "$_la_n" -ge 200 ]; then
			[ "$(LC_ALL=C grep -Ec -- "$2" "$1" 2>/dev/null)" -ge "$3" ]
			return
		fi
	done <"$1"
	return 1
}

# server_dgram args...: do a server's arguments ask for datagrams (-u,
# alone or among other short options, or --udp)?
server_dgram() {
	for _sd in "$@"; do
		case $_sd in
		--udp | udp-l:* | udp-listen:* | udp[46]-l*:*) return 0 ;;
		--*) ;;
		-*u*) return 0 ;;
		esac
	done
	return 1
}

# telnet_refused ARGS...: sockcat -t -d -W 1 ARGS, a client of the openssl
# s_server whose stdin (s.in) asks IAC DO ECHO before a line and whose
# output is s.out, hands on what was asked as it came and sends IAC WONT
# ECHO, which s_server reads: the answer went through the layers (TLS,
# DTLS), not beside them.  -d: no end of stdin is told first, after which
# an answer has nowhere to go, whichever event comes first.
telnet_refused() {
	t 20 "$SC" -t -d -W 1 "$@" </dev/null >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertEquals "what was asked, as it came" "fffd0168656c6c6f0a" \
	    "$(od -An -tx1 "$SC_TMP/c.out" | tr -d ' \n')"
	wait_for "$SC_TMP/s.out" "DONE" || fail "s_server saw no end"
	assertContains "the answer, read by s_server" \
	    "$(od -An -tx1 "$SC_TMP/s.out" | tr -d ' \n')" "fffc01"
}

# Start a sockcat server in the background: server NAME args...
# Its stdin is $SC_TMP/NAME.in when that file exists (else /dev/null
# unless SERVER_STDIN names another file); stdout goes to NAME.out,
# stderr to NAME.err.  Waits for "Listening on" or "Bound on" and sets
# PORT and SERVER_PID.
server() {
	sc_tmp
	_name=$1
	shift
	_in=${SERVER_STDIN:-/dev/null}
	[ -f "$SC_TMP/$_name.in" ] && _in=$SC_TMP/$_name.in
	: >"$SC_TMP/$_name.err"
	# Not through t(): a backgrounded function would give the PID of a
	# subshell, and killing that would leave the server running.  The
	# test's held FIFOs (held_stdin, console) stay with the test: a
	# server holding one open would keep its reader from end-of-file.
	timeout -k 2 "${SERVER_TIMEOUT:-$SC_SERVER_LIFE}" "$SC" -v "$@" <"$_in" \
	    >"$SC_TMP/$_name.out" 2>"$SC_TMP/$_name.err" 5>&- 6>&- 7>&- 8>&- \
	    9>&- &
	SERVER_PID=$!
	SC_PIDS="$SC_PIDS $SERVER_PID"
	# A Unix stream socket says "Bound on" before its listen(2): a
	# client in between would be refused, so wait for "Listening on".
	_ready='^(Listening|Bound) on '
	server_dgram "$@" || _ready='^Listening on '
	if ! wait_for "$SC_TMP/$_name.err" "$_ready"; then
		echo "server $_name did not start:" >&2
		cat "$SC_TMP/$_name.err" >&2
		PORT=""
		return 1
	fi
	PORT=""
	while IFS= read -r _l; do
		if [[ $_l =~ ^(Listening|Bound)\ on\ .*\ ([0-9]+)$ ]]; then
			PORT=${BASH_REMATCH[2]}
			break
		fi
	done <"$SC_TMP/$_name.err"
}

# held_stdin NAME FD: a FIFO $SC_TMP/NAME that this shell holds open
# read-write on FD, for clients that must keep stdin open: no end-of-file
# until the test closes FD.
held_stdin() {
	mkfifo "$SC_TMP/$1"
	eval "exec $2<>'$SC_TMP/$1'"
}

# party NAME cmd...: run cmd in the background with stdin from the fifo
# $SC_TMP/NAME.in, held open by a writer (its process in HOLD_NAME) until
# the test stops it; stdout NAME.out, stderr NAME.err.  Sets PID_NAME.
# What the test writes to the fifo (opening it for each write) reaches
# cmd; a write waits while nothing reads.
party() {
	_n=$1
	shift
	mkfifo "$SC_TMP/$_n.in"
	rm -f "$SC_TMP/$_n.held"
	# The writer that holds the fifo open, and says when it has it:
	# opening a fifo waits for its other end, and a write before then
	# would be the only writer, its close the reader's end-of-file.
	# Under timeout, so that it can be killed even while it waits.
	timeout 90 sh -c 'exec 3>"$1" && : >"$2" && exec sleep 90 >&3 3>&-' \
	    sh "$SC_TMP/$_n.in" "$SC_TMP/$_n.held" &
	SC_PIDS="$SC_PIDS $!"
	eval "HOLD_$_n=$!"
	# Redirected here, not around a function: a background command
	# without its own stdin gets /dev/null.
	timeout -k 2 60 "$@" <"$SC_TMP/$_n.in" >"$SC_TMP/$_n.out" \
	    2>"$SC_TMP/$_n.err" &
	SC_PIDS="$SC_PIDS $!"
	eval "PID_$_n=$!"
	wait_until test -e "$SC_TMP/$_n.held" || fail "$_n: its input not held"
}

# _sc_bg_cmd cmd...: the command bg() and bg_in() start, in _SC_BG: t
# (a function) becomes the timeout(1) it would run.  A function put in the
# background runs in a subshell that waits for it, and that subshell keeps
# the copies bash makes of descriptors redirected around the call, the
# test's ends of held_stdin FIFOs among them: a client would then never
# see the end of file the test gives it by closing its end.  An external
# command is executed in the background process itself, where those
# copies, close-on-exec, are gone; and BG_PID is then that command.
_sc_bg_cmd() {
	if [ "$1" = t ]; then
		shift
		case $1 in
		[0-9]*) _SC_BG=(timeout -k 2 "$1"); shift ;;
		*) _SC_BG=(timeout -k 2 "$SC_TIMEOUT") ;;
		esac
		_SC_BG+=("$@")
	else
		_SC_BG=("$@")
	fi
}

# bg_in FILE cmd...: bg with stdin from FILE (a command put in the
# background by bg() itself would read /dev/null).  The command does not
# hold the test's ends of held_stdin FIFOs (7, 8): closing them is EOF.
bg_in() {
	_in=$1
	shift
	_sc_bg_cmd "$@"
	"${_SC_BG[@]}" <"$_in" 7>&- 8>&- &
	BG_PID=$!
	SC_PIDS="$SC_PIDS $BG_PID"
}

# Start any command in the background, remembered for clean-up.
bg() {
	_sc_bg_cmd "$@"
	"${_SC_BG[@]}" &
	BG_PID=$!
	SC_PIDS="$SC_PIDS $BG_PID"
}

# raw_client NAME FD: a client of the server on PORT that speaks no TLS:
# what the test writes to FD it sends, closing FD ends it (-N); its
# process in RAW_PID.
raw_client() {
	held_stdin "$1.in" "$2"
	bg_in "$SC_TMP/$1.in" t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/$1.out" 2>"$SC_TMP/$1.err"
	RAW_PID=$BG_PID
}

# cert_clients NAME: three clients of the TLS echo server NAME on PORT,
# which asks for a certificate (--ssl-verify or --ssl-pin, with the test
# certificates): one that never starts its handshake, one without a
# certificate, refused, and one with the client certificate, echoed.  The
# first leaves once the other two are done.
cert_clients() {
	raw_client h 8
	wait_for "$SC_TMP/$1.err" '^Connection received on ' 10 ||
	    fail "no connection"
	echo "no certificate" | t 20 "$SC" -N --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/n.out" 2>/dev/null
	assertTrue "-v: the handshake failed" \
	    "wait_for '$SC_TMP/$1.err' 'TLS handshake failed: .*certificate' 10"
	assertEquals "nothing for it" "" "$(<"$SC_TMP/n.out")"
	echo "verified" | t 20 "$SC" -N --ssl --ssl-cert "$CERTS/cli.pem" \
	    --ssl-key "$CERTS/cli.key" 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "client" 0 $?
	assertEquals "echoed" "verified" "$(<"$SC_TMP/c.out")"
	exec 8>&-
	wait_exit "$RAW_PID"
}

# The peers that tell when a TLS server starts what it starts for a
# client: see earlypeer.py.
EARLY="python3 $TESTS_DIR/earlypeer.py"

# The connected TCP sockets of process $1 and its children, in
# $SC_TMP/nd as "LOCAL PEER 0|1": whether each has TCP_NODELAY.  Skips
# the test (returns 1) when the system will not show them.
nodelay_of() {
	python3 "$TESTS_DIR/nodelay.py" "$1" >"$SC_TMP/nd" \
	    2>"$SC_TMP/nd.err"
	[ $? -ne 77 ] && return 0
	sc_skip "$(<"$SC_TMP/nd.err")"
	return 1
}

# Kill whatever is left; safe to call twice (shunit2 may).
sc_cleanup() {
	# shellcheck disable=SC2086
	stop $SC_PIDS
	for _p in $SC_PIDS; do
		wait "$_p" 2>/dev/null
	done
	SC_PIDS=""
}

# sc_keep FILE NAME: keep FILE (a browser's screenshot) beside the suites'
# logs, as tests/shots/SUITE-NAME (SC_KEEP_DIR), which the log names:
# what a person would have seen, to look at after the run.
sc_keep() {
	_kd=${SC_KEEP_DIR:-tests/shots}
	mkdir -p "$_kd" 2>/dev/null && cp "$1" "$_kd/$(basename "$0" .sh)-$2" &&
	    echo "# sockcat-kept: $_kd/$(basename "$0" .sh)-$2"
}

sc_remove_tmp() {
	sc_cleanup
	if [ -n "$SC_TMP" ]; then
		rm -rf "$SC_TMP"
		SC_TMP=""
	fi
}

# Sanitizer reports that say where they come from.  When .ci/test asks
# for them in a directory (SC_SAN_DIR), each test of each suite writes
# its own, named after both (asan.SUITE.TEST.PID, ubsan.SUITE.TEST.PID),
# and unsymbolized (symbolize=0): that takes microseconds, so no report is
# cut off by a teardown that kills its process, and tests/symbolize.sh
# names the frames afterwards.  Every sockcat process of a debug build
# notes its command line in cmdline.SUITE.TEST ("PID ARGS...", see
# SC_CMDLINE_LOG in src/front/main.c), which traces a report to what made it.
SC_SUITE=${0##*/}
SC_SUITE=${SC_SUITE%.sh}
_sc_asan0=${ASAN_OPTIONS:-}
_sc_ubsan0=${UBSAN_OPTIONS:-}
sc_san_test() {
	[ -n "${SC_SAN_DIR:-}" ] || return 0
	ASAN_OPTIONS="${_sc_asan0:+$_sc_asan0:}symbolize=0"
	ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$SC_SAN_DIR/asan.$SC_SUITE.$1"
	UBSAN_OPTIONS="${_sc_ubsan0:+$_sc_ubsan0:}symbolize=0"
	UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$SC_SAN_DIR/ubsan.$SC_SUITE.$1"
	SC_CMDLINE_LOG=$SC_SAN_DIR/cmdline.$SC_SUITE.$1
	export ASAN_OPTIONS UBSAN_OPTIONS SC_CMDLINE_LOG
}
sc_san_test oneTimeSetUp

# Built to count coverage (make check then names SC_GCOV_DIR), the
# processes of each suite write their counts in a directory of its own,
# SC_GCOV_DIR/SUITE/src/..., rather than all in the build's: each
# process adds its counts to the files at exit under a lock, which the
# suites running at once would otherwise wait on.  tests/coverage.py
# adds the directories up.  GCOV_PREFIX_STRIP takes the build
# directory's own components off the names the compiler gave the files.
# A process killed while it writes them (SIGKILL after a SIGTERM it was
# still writing on) leaves a file the next process cannot add to, and the
# runtime says so: in SUITE.errors, not on a stderr the test compares.
if [ -n "${SC_GCOV_DIR:-}" ] && [ -n "${SC_GCOV_BUILD:-}" ]; then
	GCOV_PREFIX=$SC_GCOV_DIR/$SC_SUITE
	_sc_slashes=${SC_GCOV_BUILD//[!\/]/}
	GCOV_PREFIX_STRIP=${#_sc_slashes}
	GCOV_ERROR_FILE=$SC_GCOV_DIR/$SC_SUITE.errors
	export GCOV_PREFIX GCOV_PREFIX_STRIP GCOV_ERROR_FILE
fi

# sc_asan_add OPTIONS: sanitizer options for every process of this suite
# from now on, in every test (detect_leaks=0 where strace traces it:
# LeakSanitizer cannot work under ptrace).
sc_asan_add() {
	_sc_asan0="${_sc_asan0:+$_sc_asan0:}$1"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}$1"
	export ASAN_OPTIONS
}

SC_SKIPPED=0

# Skip the rest of the current test, counting it as skipped: sc_skip why.
sc_skip() {
	echo "SKIPPED: $*"
	SC_SKIPPED=$((SC_SKIPPED + 1))
	startSkipping
}

# The per-test counts, for .ci/test to add up (shunit2's own report
# counts assertions, not tests), and how long the suite took.
# "make distcheck" removes its build directory, logs included, when it
# succeeds: with SC_RESULTS_DIR set, each suite also writes its counts
# there, in a file named after it, for .ci/test.
sc_report() {
	_p=$((__shunit_testsPassed - SC_SKIPPED))
	_line="# sockcat-tests: passed=$_p failed=$__shunit_testsFailed skipped=$SC_SKIPPED"
	echo "# sockcat-time: suite $(( $(now_ms) - SC_START_MS )) ms"
	echo "$_line"
	if [ -n "${SC_RESULTS_DIR:-}" ]; then
		echo "$_line" >"$SC_RESULTS_DIR/$SC_SUITE"
	fi
}

# Each test says in the suite's log how long it took ("# sockcat-time:
# test_name 1234 ms"), so that the slow ones can be found:
# grep -h sockcat-time tests/*.log | sort -k4 -n.
sc_time_tests() {
	for _f in $(compgen -A function test_); do
		eval "_sc_timed_$(declare -f "$_f")"
		eval "$_f() {
			_sc_now
			_sc_t0=\$SC_NOW
			_sc_timed_$_f \"\$@\"
			_sc_rc=\$?
			_sc_now
			echo \"# sockcat-time: $_f \$(( SC_NOW - _sc_t0 )) ms\"
			return \$_sc_rc
		}"
	done
}

# Default fixtures: every test gets a fresh directory and leaves nothing
# running.  A suite that defines its own should call these.
setUp() { sc_tmp; }
tearDown() { sc_remove_tmp; endSkipping; }
oneTimeTearDown() { sc_remove_tmp; sc_report; }

# expect_error "message" args...: sockcat refuses the command line: one
# line "sockcat: message" on stderr, nothing on stdout, status 1.
expect_error() {
	_msg=$1
	shift
	# A refused command line ends before anything is set up: the leak
	# check a sanitizer build makes at every exit (tens of milliseconds
	# of processor time each) has nothing to look at there.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    t 5 "$SC" "$@" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status of $*" 1 $?
	assertEquals "stderr of $*" "sockcat: $_msg" "$(<"$SC_TMP/err")"
	assertEquals "stdout of $*" "" "$(<"$SC_TMP/out")"
}

# Assert that file $1 holds exactly the text $2 (a trailing newline in the
# file is not significant).
assertFileEquals() {
	assertEquals "${3:-content of ${1##*/}}" "$2" "$(<"$1")"
}

# shunit2's counters, kept by the shell (the same variables, the same
# meaning as shunit2 2.1's own functions).
sc_shell_counters() {
	declare -F _shunit_assertPass >/dev/null || return 0
	_shunit_assertPass() {
		__shunit_assertsPassed=$((__shunit_assertsPassed + 1))
		__shunit_assertsTotal=$((__shunit_assertsTotal + 1))
	}
	_shunit_incFailedCount() {
		__shunit_assertsFailed=$((__shunit_assertsFailed + 1))
		__shunit_assertsTotal=$((__shunit_assertsTotal + 1))
	}
	_shunit_assertSkip() {
		__shunit_assertsSkipped=$((__shunit_assertsSkipped + 1))
		__shunit_assertsTotal=$((__shunit_assertsTotal + 1))
	}
}

# sc_run_shunit2 [N]: run the suite's tests, SC_ONLY="test_a test_b"
# only those.  A suite too long to run as one beside the others (make
# check ends when its longest suite does) says it runs in N parts:
# tests/t-NAME-K.sh, for K = 1..N, is "SC_PART=K . t-NAME.sh", and runs
# every Nth test from the Kth, in the order of their names; make check
# runs the parts, and t-NAME.sh run by itself all of them.
sc_run_shunit2() {
	_sc_parts=${1:-1}
	# shunit2 takes an argument for a file of tests to read.
	set --
	if [ -n "${SC_PART:-}" ]; then
		_sc_whole=${SC_SUITE%-"$SC_PART"}
		if [ "$SC_PART" -gt "$_sc_parts" ] ||
		    [ "$_sc_whole-$SC_PART" != "$SC_SUITE" ]; then
			echo "$SC_SUITE: not a part of $_sc_parts" >&2
			exit 1
		fi
		# The first part asks for the others: a part missing would
		# leave its tests unrun.
		for _k in $(seq 2 "$_sc_parts"); do
			[ "$SC_PART" -eq 1 ] || break
			[ -f "$TESTS_DIR/$_sc_whole-$_k.sh" ] ||
			    { echo "$_sc_whole-$_k.sh: a part missing" >&2;
			    exit 1; }
		done
	fi
	if [ -n "${SC_ONLY:-}" ]; then
		suite() {
			for _t in $SC_ONLY; do
				suite_addTest "$_t"
			done
		}
	elif [ -n "${SC_PART:-}" ]; then
		suite() {
			_i=0
			for _t in $(compgen -A function test_); do
				[ $((_i % _sc_parts + 1)) -eq "$SC_PART" ] &&
				    suite_addTest "$_t"
				_i=$((_i + 1))
			done
		}
	fi
	sc_time_tests
	# shunit2 counts every assertion with two expr(1) in subshells; once
	# its functions are defined (oneTimeSetUp runs then), count in the
	# shell instead.
	if declare -F oneTimeSetUp >/dev/null; then
		eval "_sc_suite_$(declare -f oneTimeSetUp)"
	else
		_sc_suite_oneTimeSetUp() { :; }
	fi
	oneTimeSetUp() {
		sc_shell_counters
		_sc_suite_oneTimeSetUp
	}
	# Whatever a test starts, from its setUp on, is that test's.
	eval "_sc_suite_$(declare -f setUp)"
	setUp() {
		sc_san_test "${_shunit_test_:-setUp}"
		_sc_suite_setUp
	}
	SHUNIT_COLOR=${SHUNIT_COLOR:-none}
	# shellcheck disable=SC1090
	. "$SHUNIT2"
}

# The terminal driver (tests/pty-drive.py: its steps are listed there).
PTY_DRIVE="python3 $TESTS_DIR/pty-drive.py"

# on_tty NAME STEP... -- CMD...: run CMD on a pseudo-terminal of its own
# (24x80, its controlling terminal, cooked as a shell leaves it), the
# steps typing at it, playing its network peer and reading what it shows,
# each step waiting 20 s at most and the whole at most $ON_TTY_TIMEOUT
# (60) seconds; a command still running at the end is ended.  What the
# terminal showed is $SC_TMP/NAME.tty, what the peer received NAME.net,
# what came through stdout:pipe NAME.out, the step that failed NAME.err.
# Returns 0 when every step passed.
on_tty() {
	sc_tmp
	_ot=$1
	shift
	t "${ON_TTY_TIMEOUT:-60}" $PTY_DRIVE tty 24x80 "record:$SC_TMP/$_ot" \
	    "$@" >"$SC_TMP/$_ot.tty" 2>"$SC_TMP/$_ot.err"
}

# long_lines: L1, a line of 3,000 digits, and L2, one of 70,000, each
# longer than a line editor's buffer once was (and L2 than it is now).
long_lines() {
	L1=$(printf '%.3000s' "$(printf '0123456789%.0s' {1..300})")
	L2=$(printf '%.70000s' "$(printf '9876543210%.0s' {1..7000})")
}

# tty_text NAME: what on_tty NAME's terminal showed, without the carriage
# returns the terminal puts before each line feed.
tty_text() {
	tr -d '\r' <"$SC_TMP/$1.tty"
}

# bind_as_nobody PORT: what user nobody gets when it binds a UDP socket
# to port PORT of 127.0.0.1 and of every address, with SO_REUSEADDR and
# with SO_REUSEPORT: four words, each "EADDRINUSE" or "bound".  Returns
# 77 when this shell cannot become nobody (not root, or no setpriv) or
# nobody cannot run the system's python3 (the suites' may be in a home
# directory nobody cannot read).
bind_as_nobody() {
	_bn=(setpriv --reuid=nobody --regid="$(id -g nobody 2>/dev/null)"
	    --clear-groups /usr/bin/python3)
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
	    t 10 "${_bn[@]}" -c '' 2>/dev/null || return 77
	t 10 "${_bn[@]}" - "$1" <<'EOF' | paste -sd ' '
import errno, socket, sys
port = int(sys.argv[1])
for addr in ("127.0.0.1", "0.0.0.0"):
    for opt in (socket.SO_REUSEADDR, socket.SO_REUSEPORT):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, opt, 1)
        try:
            s.bind((addr, port))
            print("bound")
        except OSError as e:
            print(errno.errorcode.get(e.errno, str(e)))
        s.close()
EOF
}

# can_be_nobody: can this shell run commands as user nobody (root, with
# setpriv)?  as_nobody CMD...: run CMD as nobody, with nobody's group
# and no other.  sticky_dir NAME: $SC_TMP/NAME, a directory like /tmp
# (world-writable, sticky) that nobody can reach: for the tests of
# names another user puts where sockcat makes or reads its files.
can_be_nobody() {
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
	    as_nobody true 2>/dev/null
}
as_nobody() {
	t 10 setpriv --reuid=nobody --regid="$(id -g nobody 2>/dev/null)" \
	    --clear-groups "$@"
}
sticky_dir() {
	chmod 711 "$SC_TMP"
	# bash's loadable mkdir takes -m as a umask would: chmod does it.
	mkdir "$SC_TMP/$1" && chmod 1777 "$SC_TMP/$1"
}

# sc_require_websockets: skip the whole suite (exit 77) unless Python's
# websockets library (Debian's python3-websockets) can be imported by
# the suites' python3, which starts without the site module.
sc_require_websockets() {
	if ! "${SC_PYTHON:-python3}" -S -c 'import sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets' 2>/dev/null; then
		echo "python3-websockets not installed: skipping" >&2
		exit 77
	fi
}

# sc_have_tls: was sockcat built with TLS?  For a test, not a whole
# suite, that needs it (sc_require_tls skips the suite).
sc_have_tls() {
	! "$SC" --ssl 127.0.0.1 1 </dev/null 2>&1 | grep -q "not built in"
}

# The WebSocket peer (tests/wspeer.py: its commands are listed there).
WSPEER="$TESTS_DIR/wspeer.py"

# The suite's one headless Chromium, started by the first test that needs
# it (a launch costs seconds) and driven through cdp.py; browser returns 1
# (the test skips) when Chromium is not installed, browser_stop ends it
# (from oneTimeTearDown).
CHROMIUM=$(command -v chromium || command -v chromium-browser)
CDP="$TESTS_DIR/cdp.py"
BROWSER_DIR=""
BROWSER_PID=""
browser() {
	if [ -z "$CHROMIUM" ]; then
		echo "chromium not installed: skipping" >&2
		startSkipping
		return 1
	fi
	[ -n "$BROWSER_PID" ] && return 0
	BROWSER_DIR=$(mktemp -d)
	timeout -k 2 300 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --remote-debugging-port=0 --user-data-dir="$BROWSER_DIR" \
	    about:blank >"$BROWSER_DIR/out" 2>"$BROWSER_DIR/err" 8>&- &
	BROWSER_PID=$!
	wait_until -t 60 test -s "$BROWSER_DIR/DevToolsActivePort" ||
	    fail "chromium did not start: $(<"$BROWSER_DIR/err")"
}
cdp() {
	t 60 python3 "$CDP" "$BROWSER_DIR" "$@"
}
browser_stop() {
	[ -n "$BROWSER_PID" ] && stop "$BROWSER_PID"
	[ -n "$BROWSER_DIR" ] && rm -rf "$BROWSER_DIR"
	BROWSER_PID="" BROWSER_DIR=""
}


# ws_peer NAME args...: a wspeer.py in the background, output in
# NAME.out, errors in NAME.err, its process in PEER_PID; for a server
# ("serve ..."), its port in WPORT.  It does not hold the test's ends of
# the held FIFOs (7, 8).
ws_peer() {
	_n=$1
	shift
	bg t 60 python3 "$WSPEER" "$@" >"$SC_TMP/$_n.out" \
	    2>"$SC_TMP/$_n.err" 7>&- 8>&-
	PEER_PID=$BG_PID
	if [ "$1" = serve ]; then
		wait_for "$SC_TMP/$_n.out" '^PORT ' || fail "peer $_n: no port"
		WPORT=""
		while IFS= read -r _l; do
			case $_l in
			"PORT "*) WPORT=${_l#PORT }; break ;;
			esac
		done <"$SC_TMP/$_n.out"
	fi
}

# ws_peer_wait: wait for the ws_peer to end, for as long as its own
# bound (t 60): one killed sooner could still be writing what the test
# then reads.  A peer that reached that bound was waiting for something
# that never came.
ws_peer_wait() {
	wait_exit "$PEER_PID" 65 || fail "the peer did not end in 65 s"
	[ "$WAIT_STATUS" != 124 ] || fail "the peer timed out"
}

# faketime_sockcat: $SC_TMP/ft-sockcat runs $SC under libfaketime (Debian's
# faketime), its clock the offset written to $SC_TMP/clock ("+0" now,
# "+80" later); returns 1, the test skipped, where there is none or $SC
# is built with AddressSanitizer, which it does not mix with.
faketime_sockcat() {
	_ft=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1)
	[ -n "$_ft" ] || { sc_skip "faketime not installed"; return 1; }
	if grep -aq __asan_init "$SC" 2>/dev/null; then
		sc_skip "libfaketime under AddressSanitizer"
		return 1
	fi
	echo "+0" >"$SC_TMP/clock"
	cat >"$SC_TMP/ft-sockcat" <<EOS
#!/bin/sh
LD_PRELOAD=$_ft FAKETIME_TIMESTAMP_FILE=$SC_TMP/clock FAKETIME_NO_CACHE=1 \\
    exec "$SC" "\$@"
EOS
	chmod +x "$SC_TMP/ft-sockcat"
}

# tls_sink NAME SECONDS|mute|bare: cutpeer.py's TLS server (tls-sink),
# writing what it gets to NAME.got and answering our close_notify after
# SECONDS, never (mute) or with a FIN alone (bare); its port in SINK_PORT.
tls_sink() {
	bg t 30 python3 "$TESTS_DIR/cutpeer.py" tls-sink \
	    "$SC_TMP/$1.port" "$CERTS/srv.pem" "$CERTS/srv.key" \
	    "$SC_TMP/$1.got" "$2"
	wait_for "$SC_TMP/$1.port" '^[0-9]+$' || fail "$1: no sink"
	SINK_PORT=$(<"$SC_TMP/$1.port")
}

# The proxy suites' destination and client (t-proxy.sh, t-proxyd.sh).
# proxy_dest [ADDR]: a destination that prints what it receives, on
# ADDR (127.0.0.1) port 0; sets DPORT and DST_PID.
proxy_dest() {
	server dst -l "${1:-127.0.0.1}" 0 || fail "no destination"
	DPORT=$PORT
	DST_PID=$SERVER_PID
}

# send_hello args...: send "hello" with sockcat args... (-N given);
# its status in STATUS, its stderr in ERR (and c.err), stdout in c.out.
send_hello() {
	echo hello | t 5 "$SC" -N "$@" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	STATUS=$?
	ERR=$(<"$SC_TMP/c.err")
}

# assert_delivered: proxy_dest got "hello" and ended.
assert_delivered() {
	wait_exit "$DST_PID"
	assertFileEquals "$SC_TMP/dst.out" "hello"
}
