#!/bin/bash
# The counting of a coverage build (./configure --enable-coverage, make
# coverage): a process's counts are written whatever it did and however
# it ended, so that the figures say what the suites ran.  The counts of
# one server go to a directory of the test's own (GCOV_PREFIX), where
# gcov reads how often each function of a file ran.  A build that does
# not count skips the suite.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

if [ -z "${SC_GCOV_BUILD:-}" ] || ! grep -aq __gcov_init "$SC" 2>/dev/null
then
	echo "not a coverage build under make check: skipping" >&2
	exit 77
fi
sc_require gcov

# ran FILE FUNCTION...: how often each FUNCTION of FILE (io/pty is
# src/io/pty.c) ran, by the counts under $SC_TMP/prof, one
# "FUNCTION COUNT" a line.
ran() {
	_f=$1
	shift
	mkdir -p "$SC_TMP/g"
	cp "$SC_GCOV_BUILD/src/$_f.gcno" "$SC_TMP/g/x.gcno" || return 1
	_gcda=$(find "$SC_TMP/prof" -path "*/src/$_f.gcda" | head -n 1)
	[ -n "$_gcda" ] && cp "$_gcda" "$SC_TMP/g/x.gcda"
	(cd "$SC_TMP/g" && gcov --json-format --stdout x.gcno 2>/dev/null) |
	    python3 -c '
import json, sys
want = sys.argv[1:]
seen = {}
for line in sys.stdin:
    if line.startswith("{"):
        for f in json.loads(line)["files"]:
            for fn in f.get("functions", []):
                seen[fn["name"]] = fn["execution_count"]
for w in want:
    print(w, seen.get(w, "none"))
' "$@"
}

# A --pty program's session, which starts after the program: before the
# fix, starting a program marked every count written, and nothing the
# server did after it was ever counted.
test_session_after_a_program_start_counts() {
	GCOV_PREFIX=$SC_TMP/prof server srv -l --pty -c 'echo hello' \
	    127.0.0.1 0 || return
	out=$(t 10 "$SC" -d 127.0.0.1 "$PORT" 2>"$SC_TMP/c.err" | tr -d '\r')
	assertEquals "client's status" 0 "${PIPESTATUS[0]}"
	assertEquals "the program's line" "hello" "$out"
	wait_exit "$SERVER_PID"
	assertEquals "server's status" 0 "$WAIT_STATUS"
	assertEquals "counts" "pty_open 1
pty_endpoint 1
pty_exited 1" "$(ran io/pty pty_open pty_endpoint pty_exited)"
}

# A -lk server ended by SIGTERM after a session with a program: the
# handler writes the counts, those after the program's start among them
# (the program reaped, its session ended).
test_server_ended_by_a_signal_counts() {
	GCOV_PREFIX=$SC_TMP/prof server srv -v -lk -e /bin/cat 127.0.0.1 0 ||
	    return
	out=$(echo ping | t 10 "$SC" -N 127.0.0.1 "$PORT" 2>"$SC_TMP/c.err")
	assertEquals "client's status" 0 "$?"
	assertEquals "echoed" "ping" "$out"
	wait_for "$SC_TMP/srv.err" '^sockcat: program pid [0-9]+ exited'
	_st=$?
	assertTrue "the program's end logged: $(<"$SC_TMP/srv.err")" "$_st"
	stop "$SERVER_PID"
	wait "$SERVER_PID"
	assertEquals "server's status" 143 "$?"
	assertEquals "counts" "exec_spawn 1" "$(ran io/exec exec_spawn)"
	# The program had the connection itself (plain_exec_direct()): its
	# exit, after its start, let the client go.
	assertEquals "counts after the start" "conn_child_exited 1" \
	    "$(ran modes/plain-exec conn_child_exited)"
	n=$(ran io/exec exec_sigchld)
	assertTrue "the program reaped: $n" "[ '${n#* }' -ge 1 ] 2>/dev/null"
}

# A sockcat that dies of SIGALRM while its counts' writing waits for a
# lock another process holds (two writing the same counts at once) dies
# of it as of any other signal, the writing bounded by the alarm: SIGALRM
# is blocked while its own handler runs, and before the fix such a
# process waited for the lock for as long as it was held.
test_alarm_bounds_its_own_counts() {
	GCOV_PREFIX=$SC_TMP/prof t 10 "$SC" -h >/dev/null
	_gcda=$(find "$SC_TMP/prof" -path '*/src/base/cleanup.gcda' | head -n 1)
	[ -n "$_gcda" ] || { fail "no counts written"; return; }
	timeout 120 python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "r+b")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(110)' "$_gcda" "$SC_TMP/locked" &
	_held=$!
	SC_PIDS="$SC_PIDS $_held"
	wait_until test -e "$SC_TMP/locked" || fail "no lock"
	# A pty: link's side catches every fatal signal (the link goes).
	server srv -l 127.0.0.1 0 || return
	GCOV_PREFIX=$SC_TMP/prof bg t 45 "$SC" "pty:$SC_TMP/link" \
	    tcp:127.0.0.1:"$PORT"
	_bg=$BG_PID
	wait_until test -L "$SC_TMP/link" || fail "no link"
	# sockcat itself, not timeout(1), which takes SIGALRM as its own.
	_srv=$(pgrep -P "$_bg")
	assertNotEquals "sockcat's process" "" "$_srv"
	kill -ALRM "$_srv"
	wait_until -t 30 gone "$_srv"
	assertTrue "dead of SIGALRM with the lock still held" \
	    "kill -0 $_held 2>/dev/null && ! kill -0 $_srv 2>/dev/null"
	wait "$_bg"
	assertEquals "its status" 142 "$?"
	assertFalse "the link gone" "[ -L '$SC_TMP/link' ]"
	kill "$_held" 2>/dev/null
}

# The report's thresholds: lines and branches each fail it below their
# least percentage, said in one line each, and pass it at or above.
test_thresholds_fail_the_report() {
	cat >"$SC_TMP/docs.py" <<'PYEOF'
import os
import sys
sys.path.insert(0, sys.argv[1])
import coverage
# Four lines, three run; four branches, two taken: 75% and 50%.
docs = [{"current_working_directory": sys.argv[2], "files": [{
    "file": os.path.join("src", "x.c"), "lines": [
        {"line_number": 1, "count": 1, "branches": [
            {"count": 1}, {"count": 0}]},
        {"line_number": 2, "count": 2, "branches": [
            {"count": 3}, {"count": 0}]},
        {"line_number": 3, "count": 1, "branches": []},
        {"line_number": 4, "count": 0, "branches": []}]}]}]
least = [None if a == "-" else float(a) for a in sys.argv[3:5]]
sys.exit(coverage.report(docs, sys.argv[2], sys.argv[2], *least))
PYEOF
	for case in "75 50 0" "- 50 0" "76 - 1" "- 51 1" "80 60 1"; do
		set -- $case
		python3 "$SC_TMP/docs.py" "$TESTS_DIR" "$SC_TMP" "$1" "$2" \
		    >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "lines $1, branches $2: status" "$3" $?
		assertEquals "lines $1, branches $2: figures" \
		    "coverage: lines 75.0% (3/4), branches 50.0% (2/4)" \
		    "$(tail -n 1 "$SC_TMP/out")"
	done
	assertEquals "each figure below its least said" \
	    "coverage.py: lines 75.0% is below 80%
coverage.py: branches 50.0% is below 60%" "$(<"$SC_TMP/err")"
}

sc_run_shunit2
