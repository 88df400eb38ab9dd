# Helpers shared by the shunit2 suites: source this file, define tests,
# then call sc_run_shunit2.
#
# Every process runs under timeout(1).  Servers listen on port 0 and the
# real port is read from the "Listening on" (or "Bound on") line of -v, so
# suites can run in parallel.  Waits poll for a condition with a deadline;
# none of them is a bare sleep.

: "${SOCKCAT:=$(cd "$(dirname "$0")/.." && pwd)/sockcat}"
: "${SC_TIMEOUT:=10}"
SC=$SOCKCAT

if [ ! -x "$SC" ]; then
	echo "sockcat binary not found: $SC" >&2
	exit 99
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

# Skip the whole suite (exit 77 for automake) unless a command exists.
sc_require() {
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			echo "$c not installed: skipping" >&2
			exit 77
		fi
	done
}

SC_PIDS=""
SC_TMP=""

# A private directory for one suite; removed at the end.
sc_tmp() {
	if [ -z "$SC_TMP" ]; then
		SC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-test.XXXXXX")
	fi
}

# Run a command bounded in time: t [secs] cmd...
t() {
	case $1 in
	[0-9]*) _t=$1; shift ;;
	*) _t=$SC_TIMEOUT ;;
	esac
	timeout -k 2 "$_t" "$@"
}

# Milliseconds since the epoch; deadline SECS (fractions allowed): the
# time SECS from now, in milliseconds.
now_ms() {
	_r=${EPOCHREALTIME/[.,]/}
	echo $(( _r / 1000 ))
}
deadline() {
	echo $(( $(now_ms) + $(awk "BEGIN { print int(${1} * 1000) }") ))
}

# Wait until file $1 matches the extended regex $2, for up to $3 seconds
# (default 5).  Returns 1 on time-out.
wait_for() {
	_deadline=$(deadline "${3:-5}")
	while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
		if [ "$(now_ms)" -ge "$_deadline" ]; then
			return 1
		fi
		sleep 0.02
	done
	return 0
}

# Wait for background process $1 to exit within $2 seconds (default 5);
# sets WAIT_STATUS.  Returns 1 (and kills it) if it did not.
wait_exit() {
	_deadline=$(deadline "${2:-5}")
	while kill -0 "$1" 2>/dev/null; do
		if [ "$(now_ms)" -ge "$_deadline" ]; then
			kill -9 "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			WAIT_STATUS=timeout
			return 1
		fi
		sleep 0.02
	done
	wait "$1" 2>/dev/null
	WAIT_STATUS=$?
	return 0
}

# Is process $1 still running $2 seconds from now?  For asserting that
# something does not end early; it never kills.
still_running() {
	_deadline=$(deadline "$2")
	while [ "$(now_ms)" -lt "$_deadline" ]; do
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	kill -0 "$1" 2>/dev/null
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
	# subshell, and killing that would leave the server running.
	timeout -k 2 "${SERVER_TIMEOUT:-$SC_TIMEOUT}" "$SC" -v "$@" <"$_in" \
	    >"$SC_TMP/$_name.out" 2>"$SC_TMP/$_name.err" &
	SERVER_PID=$!
	SC_PIDS="$SC_PIDS $SERVER_PID"
	if ! wait_for "$SC_TMP/$_name.err" '^(Listening|Bound) on ' 15; then
		echo "server $_name did not start:" >&2
		cat "$SC_TMP/$_name.err" >&2
		PORT=""
		return 1
	fi
	PORT=$(sed -n 's/^\(Listening\|Bound\) on .* \([0-9][0-9]*\)$/\2/p' \
	    "$SC_TMP/$_name.err" | head -n 1)
}

# held_stdin NAME FD: a FIFO $SC_TMP/NAME that this shell holds open
# read-write on FD, for clients that must keep stdin open: no end-of-file
# until the test closes FD.
held_stdin() {
	mkfifo "$SC_TMP/$1"
	eval "exec $2<>'$SC_TMP/$1'"
}

# bg_in FILE cmd...: bg with stdin from FILE (a command put in the
# background by bg() itself would read /dev/null).  The command does not
# hold the test's ends of held_stdin FIFOs (7, 8): closing them is EOF.
bg_in() {
	_in=$1
	shift
	"$@" <"$_in" 7>&- 8>&- &
	BG_PID=$!
	SC_PIDS="$SC_PIDS $BG_PID"
}

# Start any command in the background, remembered for clean-up.
bg() {
	"$@" &
	BG_PID=$!
	SC_PIDS="$SC_PIDS $BG_PID"
}

# Kill whatever is left; safe to call twice (shunit2 may).
sc_cleanup() {
	for _p in $SC_PIDS; do
		kill "$_p" 2>/dev/null
	done
	for _p in $SC_PIDS; do
		wait "$_p" 2>/dev/null
	done
	SC_PIDS=""
}

sc_remove_tmp() {
	sc_cleanup
	if [ -n "$SC_TMP" ]; then
		rm -rf "$SC_TMP"
		SC_TMP=""
	fi
}

SC_SKIPPED=0

# Skip the rest of the current test, counting it as skipped: sc_skip why.
sc_skip() {
	echo "SKIPPED: $*"
	SC_SKIPPED=$((SC_SKIPPED + 1))
	startSkipping
}

# The per-test counts, for .ci/test to add up (shunit2's own report
# counts assertions, not tests).
sc_report() {
	_p=$((__shunit_testsPassed - SC_SKIPPED))
	echo "# sockcat-tests: passed=$_p failed=$__shunit_testsFailed skipped=$SC_SKIPPED"
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
	t 5 "$SC" "$@" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status of $*" 1 $?
	assertEquals "stderr of $*" "sockcat: $_msg" "$(cat "$SC_TMP/err")"
	assertEquals "stdout of $*" "" "$(cat "$SC_TMP/out")"
}

# Assert that file $1 holds exactly the text $2 (a trailing newline in the
# file is not significant).
assertFileEquals() {
	assertEquals "${3:-content of $(basename "$1")}" "$2" "$(cat "$1")"
}

# SC_ONLY="test_a test_b" runs only those tests of a suite.
sc_run_shunit2() {
	if [ -n "${SC_ONLY:-}" ]; then
		suite() {
			for _t in $SC_ONLY; do
				suite_addTest "$_t"
			done
		}
	fi
	SHUNIT_COLOR=${SHUNIT_COLOR:-none}
	# shellcheck disable=SC1090
	. "$SHUNIT2"
}
