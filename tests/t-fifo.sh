#!/bin/bash
# --fifo: what is sent comes from a named FIFO, what is received goes to
# stdout, so that "sockcat -l PORT --fifo f | filter > f" is a filtering
# server in one line; the FIFO is made if missing and removed if ours and
# still there; another user's FIFO or file, and a symbolic link, refused.

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

# fifo_server ARGS...: "sockcat -v -l 127.0.0.1 0 ARGS..." in the
# background, its process (not timeout's) in FIFO_PID.
fifo_server() {
	bg timeout 60 "$SC" -v -l 127.0.0.1 0 "$@" 2>"$SC_TMP/srv.err"
	wait_for "$SC_TMP/srv.err" '^Listening on' || return 1
	FIFO_PID=$(ps --ppid "$BG_PID" -o pid= | tr -d ' ')
}

# Issue 52: at exit PATH is removed only if it is still the FIFO sockcat
# made (same device and inode): a file put there since stays, whether
# it took the FIFO's place or a FIFO's own (the shell's empty file).
test_file_put_there_since_not_removed() {
	fifo_server --fifo "$SC_TMP/f" || fail "no server"
	assertTrue "made" "[ -p '$SC_TMP/f' ]"
	rm "$SC_TMP/f"
	echo "somebody's" >"$SC_TMP/f"
	kill -TERM "$FIFO_PID"
	wait_exit "$BG_PID"
	assertEquals "status" 143 "$WAIT_STATUS"
	assertEquals "kept" "somebody's" "$(cat "$SC_TMP/f")"
	# The shell's file, followed, then replaced by a FIFO.
	rm -f "$SC_TMP/f"
	: >"$SC_TMP/f"
	fifo_server --fifo "$SC_TMP/f" || fail "no server"
	rm "$SC_TMP/f"
	mkfifo "$SC_TMP/f"
	kill -TERM "$FIFO_PID"
	wait_exit "$BG_PID"
	assertTrue "FIFO kept" "[ -p '$SC_TMP/f' ]"
}

# Another user's FIFO, or the empty file another user has just made, in
# a directory like /tmp, is not used (that user could feed the client)
# nor removed; neither is a symbolic link followed, to a FIFO of the
# user's own or to nothing.
test_not_another_users_nor_a_link() {
	can_be_nobody || { sc_skip "cannot run as user nobody"; return; }
	sticky_dir d
	as_nobody sh -c ": >'$SC_TMP/d/f' && mkfifo '$SC_TMP/d/g'" ||
	    fail "nobody made nothing"
	for name in f g; do
		t 5 "$SC" -l 127.0.0.1 0 --fifo "$SC_TMP/d/$name" </dev/null \
		    >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "$name: status" 1 $?
		what="a file"
		[ "$name" = g ] && what="a FIFO"
		assertEquals "$name: said" \
		    "sockcat: $SC_TMP/d/$name: $what of another user, not used" \
		    "$(<"$SC_TMP/err")"
		assertEquals "$name: kept" nobody \
		    "$(stat -c %U "$SC_TMP/d/$name" 2>&1)"
	done
	mkfifo "$SC_TMP/mine"
	ln -s "$SC_TMP/mine" "$SC_TMP/d/link"
	ln -s "$SC_TMP/none" "$SC_TMP/d/dangling"
	for name in link dangling; do
		t 5 "$SC" -l 127.0.0.1 0 --fifo "$SC_TMP/d/$name" </dev/null \
		    >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "$name: status" 1 $?
		assertEquals "$name: said" \
		    "sockcat: $SC_TMP/d/$name: a symbolic link, not a FIFO" \
		    "$(<"$SC_TMP/err")"
		assertTrue "$name: kept" "[ -L '$SC_TMP/d/$name' ]"
	done
	assertTrue "the FIFO linked to kept" "[ -p '$SC_TMP/mine' ]"
	assertFalse "nothing made" "[ -e '$SC_TMP/none' ]"
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
