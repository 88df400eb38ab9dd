#!/bin/bash
# Nothing lost, nothing clobbered: a fan-out reader that stops is cut off
# after --write-timeout while the others lose nothing; a --fifo filter's
# answers reach the client; path errors are one-line errors; a Unix
# listener leaves other processes' sockets and files alone; -o and
# --hex-dump never share a file; no file sockcat makes follows another
# user's link; a program that ignores SIGTERM is killed.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"

# A client of 127.0.0.1 $PORT with a small receive buffer that reads
# nothing until the file $1 exists, then reads to the end into $2.
stalled_reader() {
	bg timeout -k 2 180 python3 -c '
import os, socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
# Wait until file argv[2] exists and, if argv[4] is given, holds it.
def ready():
	try:
		with open(sys.argv[2], "rb") as f:
			return len(sys.argv) < 5 or sys.argv[4].encode() in f.read()
	except OSError:
		return False
while not ready():
	time.sleep(0.01)
with open(sys.argv[3], "wb") as f:
	while True:
		b = s.recv(65536)
		if not b:
			break
		f.write(b)
		f.flush()
with open(sys.argv[3] + ".eof", "w") as f:
	f.write("eof\n")' "$PORT" "$@"
}

test_broker_stalled_reader_cut_off_after_grace() {
	command -v python3 >/dev/null || { sc_skip "no python3"; return; }
	# 6 s: the reader that does read, starved of the processor on a
	# loaded machine, must not be taken for a stalled one.  The server
	# and the reader live as long as the waits below may take together
	# (a client's 20 s by default ended the reader first, once, on a
	# loaded machine with the sanitized build).
	SERVER_TIMEOUT=150 server srv --broker --monitor -d -O 65536 \
	    --write-timeout 6 127.0.0.1 0 || fail "no server"
	CLIENT_TIMEOUT=140 client reader 8 -d 127.0.0.1 "$PORT"
	stalled_reader "$SC_TMP/never" "$SC_TMP/stalled.out"
	wait_clients srv 2 20 || fail "clients did not connect"
	head -c 8388608 /dev/urandom >"$SC_TMP/data"
	start=$(now_ms)
	t 60 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/data" >/dev/null
	assertEquals "sender status" 0 $?
	wait_size "$SC_TMP/reader.out" 8388608 30
	assertEquals "the reader lost nothing" \
	    "$(sha256sum <"$SC_TMP/data")" "$(sha256sum <"$SC_TMP/reader.out")"
	assertEquals "stdout lost nothing" \
	    "$(sha256sum <"$SC_TMP/data")" "$(sha256sum <"$SC_TMP/srv.out")"
	wait_for "$SC_TMP/srv.err" 'read nothing' 20
	assertTrue "notice" "grep -Eq '^sockcat: 127.0.0.1:[0-9]+: read nothing for 6000 ms, disconnected$' '$SC_TMP/srv.err'"
	assertTrue "not before the grace period" \
	    "[ $(( $(now_ms) - start )) -ge 6000 ]"
	assertEquals "only the stalled one" 1 \
	    "$(grep -c disconnected "$SC_TMP/srv.err")"
}

test_room_stalled_reader_told_why() {
	command -v python3 >/dev/null || { sc_skip "no python3"; return; }
	# 8 s: the reader that does read, starved of the processor on a
	# loaded machine, must not be taken for a stalled one.
	# Every process lives as long as a loaded machine takes to move
	# the lines through the room (a minute, sanitized, beside others).
	SERVER_TIMEOUT=200 server srv --room -O 65536 --write-timeout 8 \
	    127.0.0.1 0 || fail "no server"
	CLIENT_TIMEOUT=180 client reader 8 -d 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/reader.out" 'Welcome' 20 || fail "no welcome"
	# It starts reading the moment the server says it cut it off, to
	# take its last words within the grace time.
	stalled_reader "$SC_TMP/srv.err" "$SC_TMP/stalled.out" \
	    '<user2>: read nothing'
	wait_for "$SC_TMP/reader.out" 'as <user2>\.$' 20 || fail "no user2"
	seq 200000 | sed 's/^/chat line /' >"$SC_TMP/lines"
	t 150 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/lines" >/dev/null
	wait_for "$SC_TMP/srv.err" '<user2>: read nothing' 60 ||
	    fail "not cut off"
	wait_for "$SC_TMP/reader.out" '^<user3> chat line 200000$' 120 ||
	    fail "the reader did not get everything: $(tail -n 3 \
	    "$SC_TMP/reader.out"; grep -v 'chat line' "$SC_TMP/reader.out" |
	    tail -n 5; tail -n 5 "$SC_TMP/srv.err")"
	assertEquals "every line, in order, once" \
	    "$(sed 's/^/<user3> /' "$SC_TMP/lines" | md5sum)" \
	    "$(grep '^<user3> chat' "$SC_TMP/reader.out" | md5sum)"
	assertTrue "the room is told" \
	    "grep -q '^<announce> <user2> is disconnected: it stopped reading.$' '$SC_TMP/reader.out'"
	wait_for "$SC_TMP/stalled.out.eof" eof 20 || fail "no end-of-file"
	assertEquals "its last line says why" \
	    "<announce> You are disconnected: you read nothing for 8000 ms." \
	    "$(tail -n 1 "$SC_TMP/stalled.out")"
}

# The filter of the issue, grep answering what the client sent, followed
# by the shell command $2; sockcat gets the options $1.  Sets PORT; the
# pipeline's status goes to $SC_TMP/rc.
fifo_filter() {
	bg timeout 60 bash -c "cd '$SC_TMP' && { '$SC' -v -l 127.0.0.1 0 \
	    $1 --fifo f 2>srv.err | { grep --line-buffered ERROR; $2 } >f; }; \
	    echo \$? >rc"
	wait_for "$SC_TMP/srv.err" '^Listening on' 15 || return 1
	PORT=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
}

test_fifo_answers_after_client_eof() {
	fifo_filter "" "" || fail "no server"
	printf 'ok\nERROR x\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertEquals "the answer" "ERROR x" "$(<"$SC_TMP/c.out")"
	wait_for "$SC_TMP/rc" . 15
	assertEquals "pipeline status" 0 "$(<"$SC_TMP/rc")"
}

test_fifo_made_first_filter_lives() {
	mkfifo "$SC_TMP/f"
	fifo_filter "" "" || fail "no server"
	printf 'ok\nERROR x\nERROR y\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out"
	assertEquals "the answers" "$(printf 'ERROR x\nERROR y')" \
	    "$(<"$SC_TMP/c.out")"
	wait_for "$SC_TMP/rc" . 15
	assertEquals "grep not killed by SIGPIPE" 0 "$(<"$SC_TMP/rc")"
}

test_fifo_wait_bounded_by_q() {
	# The filter keeps the FIFO open long after its answer: -q 1 ends
	# the wait a second after the client's end-of-file, and the client
	# sees the end then, not 40 seconds later.
	fifo_filter "-q 1" "exec sleep 40;" || fail "no server"
	printf 'ERROR z\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertEquals "the answer" "ERROR z" "$(<"$SC_TMP/c.out")"
}

test_fifo_dangling_symlink() {
	ln -s "$SC_TMP/nowhere" "$SC_TMP/f"
	t 10 "$SC" -l 127.0.0.1 0 --fifo "$SC_TMP/f" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "sockcat: $SC_TMP/f: a symbolic link, not a FIFO" \
	    "$(<"$SC_TMP/err")"
}

test_fifo_path_errors() {
	mkdir "$SC_TMP/dir"
	expect_error "$SC_TMP/dir: not a FIFO" -l 127.0.0.1 0 \
	    --fifo "$SC_TMP/dir"
	expect_error "$SC_TMP/no/f: No such file or directory" \
	    -l 127.0.0.1 0 --fifo "$SC_TMP/no/f"
}

test_unix_live_socket_under_relative_name() {
	mkdir "$SC_TMP/sub"
	(cd "$SC_TMP/sub" && exec timeout -k 2 30 "$SC" -lkU s.sock \
	    -c 'echo alive' </dev/null >/dev/null 2>&1) &
	SC_PIDS="$SC_PIDS $!"
	wait_until_socket s.sock || fail "no first server"
	(cd "$SC_TMP" && t 10 "$SC" -lU sub/s.sock </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err")
	assertEquals "status" 1 $?
	assertEquals "sockcat: Address already in use (sub/s.sock)" \
	    "$(<"$SC_TMP/err")"
	assertEquals "the first server still answers" "alive" \
	    "$(t 10 "$SC" -U "$SC_TMP/sub/s.sock" </dev/null)"
}

# wait_until_socket NAME: a Unix server listens at NAME, as it was bound
# (a relative name stays one in the kernel's table).
wait_until_socket() {
	wait_until -t 15 unix_listening "$1"
}

test_unix_exit_leaves_a_file_put_in_its_place() {
	(cd "$SC_TMP" && exec timeout -k 2 30 "$SC" unix-l:rel.sock - \
	    </dev/null >/dev/null 2>&1) &
	pid=$!
	SC_PIDS="$SC_PIDS $pid"
	wait_until_socket rel.sock || fail "no server"
	rm "$SC_TMP/rel.sock"
	echo precious >"$SC_TMP/rel.sock"
	stop "$pid"
	wait_exit "$pid" 10
	assertEquals "the file is left alone" precious \
	    "$(<"$SC_TMP/rel.sock")"
}

# socat's PIPE: removes the named pipe it made, and unlink-close the file
# it opened, at the end: only if the name is still that file.  A file the
# user put in its place meanwhile is left, also when a signal ends it.
test_pipe_and_unlink_close_leave_a_file_put_in_their_place() {
	ln -s "$(cd "$(dirname "$SC")" && pwd)/$(basename "$SC")" \
	    "$SC_TMP/socat" || fail "no socat link"
	# Waits in open(2) for a writer that never comes.
	bg t 30 "$SC_TMP/socat" -u "PIPE:$SC_TMP/p" "CREATE:$SC_TMP/p.out"
	_pipe=$BG_PID
	echo old >"$SC_TMP/f"
	bg t 30 "$SC_TMP/socat" -u "OPEN:$SC_TMP/f,unlink-close,ignoreeof" \
	    "CREATE:$SC_TMP/f.out"
	_file=$BG_PID
	wait_until test -p "$SC_TMP/p" || fail "no named pipe"
	wait_until grep -q old "$SC_TMP/f.out" || fail "no file read"
	rm "$SC_TMP/p" "$SC_TMP/f"
	echo precious >"$SC_TMP/p"
	echo precious >"$SC_TMP/f"
	stop "$_pipe" "$_file"
	wait_exit "$_pipe" 10
	wait_exit "$_file" 10
	assertEquals "PIPE:'s place" precious "$(<"$SC_TMP/p")"
	assertEquals "unlink-close's place" precious "$(<"$SC_TMP/f")"
	# Still the file made or opened, it goes.
	bg t 30 "$SC_TMP/socat" -u "PIPE:$SC_TMP/p2" "CREATE:$SC_TMP/p.out"
	_pipe=$BG_PID
	wait_until test -p "$SC_TMP/p2" || fail "no named pipe"
	stop "$_pipe"
	wait_exit "$_pipe" 10
	assertFalse "PIPE:'s made, gone" "[ -e '$SC_TMP/p2' ]"
}

# A Unix listener's perm= and user= are set by name once its socket file
# is bound.  In a directory another user may write to (a service's own
# under /run, which root serves), that user could put a symbolic link in
# the socket's place at once, and root made the file it names another's
# or everyone's.  A library preloaded does that right after bind(2).
test_unix_perm_and_owner_not_through_a_link() {
	command -v cc >/dev/null || { sc_skip "no C compiler"; return; }
	cat >"$SC_TMP/swap.c" <<-'EOF'
	#define _GNU_SOURCE
	#include <sys/socket.h>
	#include <sys/un.h>
	#include <dlfcn.h>
	#include <stdlib.h>
	#include <unistd.h>
	int
	bind(int fd, const struct sockaddr *sa, socklen_t len)
	{
		int (*real)(int, const struct sockaddr *, socklen_t) =
		    (int (*)(int, const struct sockaddr *, socklen_t))
		    dlsym(RTLD_NEXT, "bind");
		const char *p = ((const struct sockaddr_un *)sa)->sun_path;
		int rc = real(fd, sa, len);
		if (rc == 0 && sa->sa_family == AF_UNIX && p[0] != '\0' &&
		    getenv("SWAP_TO") != NULL) {
			unlink(p);
			symlink(getenv("SWAP_TO"), p);
		}
		return rc;
	}
	EOF
	cc -shared -fPIC -o "$SC_TMP/swap.so" "$SC_TMP/swap.c" -ldl ||
	    fail "no library built"
	_asan=$(ldd "$SC" 2>/dev/null | awk '/libasan/ { print $3 }')
	mkdir "$SC_TMP/bin"
	ln -s "$(cd "$(dirname "$SC")" && pwd)/$(basename "$SC")" \
	    "$SC_TMP/bin/socat" || fail "no socat link"
	printf '#!/bin/sh\nLD_PRELOAD="%s" exec "%s" "$@"\n' \
	    "${_asan:+$_asan }$SC_TMP/swap.so" "$SC_TMP/bin/socat" \
	    >"$SC_TMP/socat"
	chmod +x "$SC_TMP/socat"
	mkdir "$SC_TMP/d"
	echo victim >"$SC_TMP/victim"
	chmod 600 "$SC_TMP/victim"
	SWAP_TO=$SC_TMP/victim t 10 "$SC_TMP/socat" \
	    "UNIX-LISTEN:$SC_TMP/d/s,perm=0666" - </dev/null \
	    >/dev/null 2>"$SC_TMP/err"
	assertEquals "perm=: status" 1 $?
	assertTrue "perm=: the line: $(<"$SC_TMP/err")" \
	    "grep -q ' E perm: .* ($SC_TMP/d/s)\$' '$SC_TMP/err'"
	assertEquals "perm=: the file named" 600 \
	    "$(stat -c %a "$SC_TMP/victim")"
	can_be_nobody || return 0
	# Its owner set, it listens, on a name gone.
	SWAP_TO=$SC_TMP/victim bg t 30 "$SC_TMP/socat" -d -d \
	    "UNIX-LISTEN:$SC_TMP/d/s2,user=nobody" - </dev/null \
	    2>"$SC_TMP/err"
	wait_for "$SC_TMP/err" ' N Listening on ' || fail "no listener"
	stop "$BG_PID"
	assertEquals "user=: the file named" "$(id -un)" \
	    "$(stat -c %U "$SC_TMP/victim")"
}

test_unix_removes_its_own_and_stale_sockets() {
	# A socket left by a process that died is replaced ...
	bg "$SC" -lU "$SC_TMP/s.sock"
	wait_until_socket "$SC_TMP/s.sock" || fail "no server"
	stop -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null
	server srv -lU "$SC_TMP/s.sock" || fail "stale socket not replaced"
	t 10 "$SC" -NU "$SC_TMP/s.sock" </dev/null >/dev/null 2>&1
	assertEquals "client status" 0 $?
	# ... and the socket -U bound stays at exit, as nc's does, ...
	wait_exit "$SERVER_PID" 10
	assertTrue "-U's left at exit" "[ -S '$SC_TMP/s.sock' ]"
	# ... to be replaced by the next; an address's goes at exit.
	server srv "unix-l:$SC_TMP/s.sock" - || fail "stale socket not replaced"
	t 10 "$SC" -NU "$SC_TMP/s.sock" </dev/null >/dev/null 2>&1
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID" 10
	assertFalse "unix-l:'s removed at exit" "[ -e '$SC_TMP/s.sock' ]"
}

test_unix_stale_socket_replaced_whatever_else_bound_by_its_name() {
	mkdir "$SC_TMP/a" "$SC_TMP/b"
	# A socket file left by a process gone ...
	env -C "$SC_TMP/a" python3 -c \
	    'import socket; socket.socket(socket.AF_UNIX).bind("s.sock")'
	# ... while another's, anyone's, is bound by that same relative name
	# in another directory: /proc/net/unix lists both as "s.sock".
	bg timeout -k 2 60 python3 -c '
import os, socket, sys, time
os.chdir(sys.argv[1])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("s.sock")
open("ready", "w").close()
while True:
	time.sleep(1)' "$SC_TMP/b"
	_holder=$BG_PID
	wait_until [ -e "$SC_TMP/b/ready" ] || fail "no other socket"
	bg env -C "$SC_TMP/a" timeout -k 2 30 "$SC" -v -lU s.sock </dev/null \
	    >/dev/null 2>"$SC_TMP/err"
	wait_until file_matches "$SC_TMP/err" '^(Listening on|sockcat:) ' ||
	    fail "no listener"
	assertTrue "stale socket replaced: $(<"$SC_TMP/err")" \
	    "grep -q '^Listening on ' '$SC_TMP/err'"
	t 10 "$SC" -NU "$SC_TMP/a/s.sock" </dev/null >/dev/null 2>&1
	assertEquals "client status" 0 $?
	stop "$_holder"
}

test_output_and_hex_dump_one_file() {
	echo old >"$SC_TMP/a"
	ln -s a "$SC_TMP/sym"
	ln "$SC_TMP/a" "$SC_TMP/hard"
	expect_error "-o and --hex-dump name the same file: $SC_TMP/a" \
	    -o "$SC_TMP/a" --hex-dump "$SC_TMP/a" -l 127.0.0.1 0
	expect_error "-o and --hex-dump name the same file: $SC_TMP/sym" \
	    -o "$SC_TMP/a" --hex-dump "$SC_TMP/sym" -l 127.0.0.1 0
	expect_error "-o and --hex-dump name the same file: $SC_TMP/a" \
	    -o "$SC_TMP/hard" --hex-dump "$SC_TMP/a" -l 127.0.0.1 0
	assertEquals "nothing truncated" old "$(<"$SC_TMP/a")"
	expect_error "-o and --hex-dump name the same file: $SC_TMP/new" \
	    -o "$SC_TMP/new" --hex-dump "$SC_TMP/new" -l 127.0.0.1 0
	assertFalse "nothing left" "[ -e '$SC_TMP/new' ]"
	# One that cannot be opened: the other is not truncated either.
	expect_error "$SC_TMP/nodir/x: No such file or directory" \
	    -o "$SC_TMP/a" --hex-dump "$SC_TMP/nodir/x" -l 127.0.0.1 0
	expect_error "$SC_TMP/nodir/x: No such file or directory" \
	    -o "$SC_TMP/nodir/x" --hex-dump "$SC_TMP/a" -l 127.0.0.1 0
	assertEquals "nothing truncated by a failure" old "$(<"$SC_TMP/a")"
}

# Issue 80: every file sockcat makes by name is opened by the one rule of
# an address's file (t-addr.sh): in a directory like /tmp, never through
# another user's link, nor into another user's file, whatever the
# system's fs.protected_symlinks and fs.protected_regular say.  Those are
# the whole machine's, not a namespace's, and are left as they are (0 in
# a container, where the kernel follows the link): the line checked is
# sockcat's own, and the file pointed at is left alone.
test_made_files_refuse_another_users_link() {
	can_be_nobody || { sc_skip "cannot run as user nobody"; return; }
	sticky_dir d
	echo victim >"$SC_TMP/victim"
	as_nobody sh -c "for f in r.rec s1.rec o hex h; do
	    ln -s '$SC_TMP/victim' '$SC_TMP/d/'\$f || exit 1; done &&
	    echo nobody >'$SC_TMP/d/file'" || fail "nobody made nothing"
	link="a symbolic link of another user in a sticky directory, not followed"
	file="a file of another user in a sticky directory, not written to"
	expect_error "$SC_TMP/d/o: $link" -o "$SC_TMP/d/o" -l 127.0.0.1 0
	expect_error "$SC_TMP/d/hex: $link" --hex-dump "$SC_TMP/d/hex" \
	    -l 127.0.0.1 0
	expect_error "$SC_TMP/d/file: $file" -o "$SC_TMP/d/file" \
	    -l 127.0.0.1 0
	server srv -lk -c 'echo sent' 127.0.0.1 0 || fail "no server"
	expect_error "$SC_TMP/d/r.rec: $link" --record "$SC_TMP/d/r.rec" \
	    127.0.0.1 "$PORT"
	# A listener's recordings, named by a number anyone can foresee.
	server rec -lk --record "$SC_TMP/d/s%n.rec" 127.0.0.1 0 ||
	    fail "no recording server"
	t 10 "$SC" -N 127.0.0.1 "$PORT" </dev/null >/dev/null 2>&1
	wait_exit "$SERVER_PID" 10
	assertEquals "the listener's status" 1 "$WAIT_STATUS"
	assertEquals "the listener's line" "sockcat: $SC_TMP/d/s1.rec: $link" \
	    "$(grep -v '^Listening on\|^Connection received on' "$SC_TMP/rec.err")"
	on_tty h "expect:sockcat: $SC_TMP/d/h: $link" exit:1 -- \
	    "$SC" --readline --readline-history "$SC_TMP/d/h" 127.0.0.1 1
	st=$?
	assertEquals "the history: $(<"$SC_TMP/h.err")" 0 "$st"
	assertEquals "the victim" victim "$(<"$SC_TMP/victim")"
	assertEquals "nobody's file" nobody "$(<"$SC_TMP/d/file")"
}

# A hard link is owned by its file's owner, whoever made it: where
# fs.protected_hardlinks is 0, anyone may link a file of the user's (on
# the same file system) under a name the user will write in /tmp.  An
# existing file with another name is not written there; the file is
# left alone.
test_made_files_refuse_a_hard_link() {
	sticky_dir d
	echo victim >"$SC_TMP/victim"
	for f in o s1.rec c; do
		ln "$SC_TMP/victim" "$SC_TMP/d/$f" || fail "no hard link"
	done
	hard="a file with another name (a hard link) in a sticky directory, not written to"
	expect_error "$SC_TMP/d/o: $hard" -o "$SC_TMP/d/o" -l 127.0.0.1 0
	server rec -lk --record "$SC_TMP/d/s%n.rec" 127.0.0.1 0 ||
	    fail "no recording server"
	t 10 "$SC" -N 127.0.0.1 "$PORT" </dev/null >/dev/null 2>&1
	wait_exit "$SERVER_PID" 10
	assertEquals "the listener's status" 1 "$WAIT_STATUS"
	assertEquals "the listener's line" "sockcat: $SC_TMP/d/s1.rec: $hard" \
	    "$(grep -v '^Listening on\|^Connection received on' "$SC_TMP/rec.err")"
	ln -s "$(cd "$(dirname "$SC")" && pwd)/$(basename "$SC")" \
	    "$SC_TMP/socat" || fail "no socat link"
	echo sent | t 10 "$SC_TMP/socat" -u - "CREATE:$SC_TMP/d/c" \
	    2>"$SC_TMP/c.err"
	assertEquals "CREATE:'s status" 1 $?
	assertTrue "CREATE:'s line: $(<"$SC_TMP/c.err")" \
	    "grep -q ' E CREATE:$SC_TMP/d/c: $hard\$' '$SC_TMP/c.err'"
	assertEquals "the victim" victim "$(<"$SC_TMP/victim")"
	# One name alone is the user's file, written as ever.
	echo mine >"$SC_TMP/d/mine"
	echo sent | t 10 "$SC_TMP/socat" -u - "CREATE:$SC_TMP/d/mine" 2>&1
	assertEquals "one name: status" 0 $?
	assertEquals "one name: written" sent "$(<"$SC_TMP/d/mine")"
}

# The rule holds for every file made because each is opened by
# path_open(): no open(2), creat(2) or fopen(3) elsewhere in src/ may
# create, truncate or append to a file.
test_files_made_only_by_path_open() {
	out=$(python3 - "${TESTS_DIR:-$(dirname "$0")}/../src" <<'EOF'
import glob, re, sys
bad = []
files = sorted(glob.glob(sys.argv[1] + "/*/*.c"))
if not files:
    sys.exit("no source in " + sys.argv[1])
for f in files:
    if f.endswith("/base/path.c"):
        continue
    text = open(f).read()
    for m in re.finditer(r"\b(open|openat|creat|fopen)\s*\(", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        if m.group(1) == "creat" or re.search(r'O_CREAT|O_TRUNC|O_APPEND|"[wa]',
                                              text[m.end():i]):
            bad.append("%s:%d: %s()" % (f.split("/src/")[-1],
                text.count("\n", 0, m.start()) + 1, m.group(1)))
print("\n".join(bad))
EOF
)
	assertEquals "status" 0 $?
	assertEquals "files opened otherwise" "" "$out"
}

# A program that ignores SIGTERM, its pid in $SC_TMP/pid.
STUBBORN='echo $$ >pid.tmp; mv pid.tmp pid; trap "" TERM; exec sleep 60'

# stubborn_server [options]: a listener (-c STUBBORN, with the options)
# with a client connected; the listener under timeout(1) is srv, the
# program child.
stubborn_server() {
	held_stdin c.in 7
	(cd "$SC_TMP" && exec timeout -k 2 60 "$SC" -v -l "$@" 127.0.0.1 0 \
	    -c "$STUBBORN" </dev/null >/dev/null 2>"$SC_TMP/srv.err") &
	srv=$!
	SC_PIDS="$SC_PIDS $srv"
	wait_for "$SC_TMP/srv.err" '^Listening on' 15 ||
	    { fail "no server"; return 1; }
	PORT=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
	bg_in "$SC_TMP/c.in" timeout 60 "$SC" 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/pid" . 15 || { fail "no program"; return 1; }
	child=$(<"$SC_TMP/pid")
}

test_sigterm_ignored_by_program_killed_after_grace() {
	stubborn_server || return
	# The sockcat under timeout(1).
	scpid=$(pgrep -P "$srv" -x sockcat)
	kill -TERM "$scpid"
	wait_exit "$srv" 20
	assertEquals "sockcat died of SIGTERM" 143 "$WAIT_STATUS"
	wait_until -t 10 gone "$child"
	assertFalse "the program is gone" "kill -0 $child 2>/dev/null"
	exec 7>&-
}

test_idle_program_ignoring_sigterm_killed() {
	stubborn_server -w 1 || return
	# Idle for 1 s: SIGTERM, ignored; SIGKILL 2 s later; sockcat exits.
	wait_exit "$srv" 30
	assertEquals "sockcat exits with the program's status" 137 \
	    "$WAIT_STATUS"
	assertFalse "the program is gone" "kill -0 $child 2>/dev/null"
	exec 7>&-
}

sc_run_shunit2
