#!/bin/bash
# --fifo: what is sent comes from a named FIFO, what is received goes to
# stdout, so that "sockcat -l PORT --fifo f | filter > f" is a filtering
# server in one line; the FIFO is made if missing and removed if ours.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require grep

# Start "sockcat -l --fifo f | grep --line-buffered ap > f" in $SC_TMP,
# the grep side after $1 (a shell command, may be empty); sets PORT and
# PIPE_PID.  The pipeline's status goes to $SC_TMP/rc when it ends.
start_pipeline() {
	bg timeout 10 bash -c "cd '$SC_TMP' && { '$SC' -v -l 127.0.0.1 0 \
	    --fifo f 2>srv.err | { $1 exec grep --line-buffered ap >f; }; }; \
	    echo \$? >rc"
	PIPE_PID=$BG_PID
	wait_for "$SC_TMP/srv.err" '^Listening on' || return 1
	PORT=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
}

# Send three lines, keep the connection until the matches are back, then
# leave; the pipeline must then end by itself.
client_and_end() {
	(printf 'apple\nbanana\napricot\n'
	    wait_for "$SC_TMP/c.out" '^apricot') |
	    t 5 "$SC" -q 0 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "$(printf 'apple\napricot')"
	assertTrue "pipeline ended" "wait_for '$SC_TMP/rc' ."
	assertEquals "pipeline status" 0 "$(<"$SC_TMP/rc")"
}

test_pipeline_as_typed() {
	# Whichever of sockcat and the shell's "> f" comes first.
	start_pipeline "" || fail "no server"
	client_and_end
	assertFalse "f removed" "[ -e '$SC_TMP/f' ]"
}

test_pipeline_fifo_made_by_sockcat() {
	# The filter opens f only once sockcat has made it a FIFO.
	start_pipeline "while [ ! -p f ]; do sleep 0.01; done;" ||
	    fail "no server"
	assertEquals "fifo 600" "$(stat -c '%F %a' "$SC_TMP/f")"
	client_and_end
	assertFalse "f removed" "[ -e '$SC_TMP/f' ]"
}

test_pipeline_shell_first() {
	# The shell made f a regular file before sockcat ran.
	: >"$SC_TMP/f"
	start_pipeline "" || fail "no server"
	client_and_end
	assertFalse "f removed" "[ -e '$SC_TMP/f' ]"
}

test_existing_fifo_kept() {
	mkfifo -m 0644 "$SC_TMP/f"
	start_pipeline "" || fail "no server"
	client_and_end
	assertEquals "kept as it was" "fifo 644" "$(stat -c '%F %a' "$SC_TMP/f")"
}

test_client_mode() {
	printf 'apple\nbanana\napricot\n' >"$SC_TMP/srv.in"
	server srv -N -l 127.0.0.1 0 || fail "no server"
	# The server sends and leaves; grep ends, and with it the client.
	t 5 bash -c "cd '$SC_TMP' && '$SC' 127.0.0.1 $PORT --fifo f |
	    grep --line-buffered ap >f"
	assertEquals "pipeline status" 0 $?
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "$(printf 'apple\napricot')"
	assertFalse "f removed" "[ -e '$SC_TMP/f' ]"
}

test_removed_on_signals() {
	for sig in TERM INT; do
		bg timeout 60 "$SC" -v -l 127.0.0.1 0 --fifo "$SC_TMP/f" \
		    2>"$SC_TMP/srv.err"
		wait_for "$SC_TMP/srv.err" '^Listening on' ||
		    fail "no server"
		# timeout's child is sockcat.
		pid=$(ps --ppid "$BG_PID" -o pid= | tr -d ' ')
		assertTrue "$sig: made" "[ -p '$SC_TMP/f' ]"
		kill -s "$sig" "$pid"
		wait_exit "$BG_PID"
		assertFalse "$sig: removed" "[ -e '$SC_TMP/f' ]"
	done
}

test_not_a_fifo() {
	echo keep >"$SC_TMP/file"
	t 5 "$SC" -l 127.0.0.1 0 --fifo "$SC_TMP/file" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: $SC_TMP/file: not a FIFO" "$(<"$SC_TMP/err")"
	assertFileEquals "$SC_TMP/file" "keep"
	# An empty file that is not brand new is somebody's: left alone.
	: >"$SC_TMP/old"
	touch -d '1 minute ago' "$SC_TMP/old"
	t 5 "$SC" -l 127.0.0.1 0 --fifo "$SC_TMP/old" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: $SC_TMP/old: not a FIFO" "$(<"$SC_TMP/err")"
	assertTrue "old file kept" "[ -f '$SC_TMP/old' ]"
	t 5 "$SC" -l 127.0.0.1 0 --fifo "$SC_TMP/no/dir/f" </dev/null \
	    2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: $SC_TMP/no/dir/f: No such file or directory" \
	    "$(<"$SC_TMP/err")"
}

test_option_conflicts() {
	t 5 "$SC" -z --fifo f 127.0.0.1 1 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: cannot use --fifo and -z" "$(<"$SC_TMP/err")"
	t 5 "$SC" -d --fifo f 127.0.0.1 1 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: cannot use --fifo and -d" "$(<"$SC_TMP/err")"
	assertFalse "nothing made" "[ -e f ]"
}

sc_run_shunit2
