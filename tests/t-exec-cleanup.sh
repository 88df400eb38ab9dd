#!/bin/bash
# Programs of -e and -c, and what sockcat leaves behind: a thousand
# programs in a row for -lk -e (no zombies, flat descriptors), no shell
# without -c, signals that must remove the Unix socket and FIFO sockcat
# made and end its programs, each with what it started (its process
# group), and programs on our terminal that must not be stopped for it.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/proc.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"
sc_require python3 pgrep

# children PID: the processes whose parent is PID, one "pid stat" a line.
children() {
	ps --ppid "$1" -o pid=,stat= 2>/dev/null
}

# no_children PID: wait up to $SC_WAIT s for PID to have no child at all.
no_children() {
	wait_until childless "$1"
}
childless() {
	[ -z "$(children "$1")" ]
}

# --- Programs -------------------------------------------------------------

test_1000_exec_connections_leave_no_zombies() {
	SERVER_TIMEOUT=200 server srv -k -l 127.0.0.1 0 -e /bin/cat ||
	    fail "no server"
	pid=$(child_pid "$SERVER_PID") || fail "no sockcat"
	# Each connection sends a line, must get it back from cat, and ends.
	t 190 python3 - "$PORT" "$pid" >"$SC_TMP/seq.out" <<'PYEOF'
import os, socket, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
# The count after the first connection (the first program adds the
# SIGCHLD pipe for good), then after every 250.
counts, bad = [], 0
def fds():
    return len(os.listdir("/proc/%s/fd" % pid))
deadline = time.monotonic() + 180
for i in range(1000):
    if time.monotonic() > deadline:
        break
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    msg = b"line %d\n" % i
    s.sendall(msg)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        got += d
    s.close()
    if got != msg:
        bad += 1
    if i == 0:
        # The lowest seen for half a second: the program's pipes may
        # close a moment after its output ends.
        settle, n = time.monotonic() + 0.5, fds()
        while time.monotonic() < settle:
            n = min(n, fds())
            time.sleep(0.02)
        counts.append(n)
    elif (i + 1) % 250 == 0:
        # A leak is a count that stays up, not one that settles.
        settle = time.monotonic() + 2
        while True:
            n = fds()
            if n == counts[0] or time.monotonic() > settle:
                break
            time.sleep(0.02)
        counts.append(n)
print("done %d bad %d" % (i + 1, bad))
print("fds %s" % " ".join(str(c) for c in counts))
PYEOF
	assertEquals "python status" 0 $?
	assertEquals "every echo intact" "done 1000 bad 0" \
	    "$(sed -n 1p "$SC_TMP/seq.out")"
	counts=$(sed -n 's/^fds //p' "$SC_TMP/seq.out")
	first=${counts%% *}
	for c in $counts; do
		assertEquals "descriptors stay flat ($counts)" "$first" "$c"
	done
	assertTrue "no child left: $(children "$pid")" "no_children $pid"
	assertEquals "no zombie" 0 "$(ps --ppid "$pid" -o stat= | grep -c Z)"
	assertEquals "descriptors after the last" "$first" "$(fd_count "$pid")"
	assertTrue "still listening" "kill -0 $pid"
}

test_exec_never_through_a_shell() {
	server srv -l 127.0.0.1 0 -e 'echo $HOME `id` ;x' || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/e.out"
	assertEquals "-e: the words as they are" '$HOME `id` ;x' \
	    "$(<"$SC_TMP/e.out")"
	wait_exit "$SERVER_PID"
	server srv2 -l 127.0.0.1 0 -c 'echo $HOME' || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "-c: through sh" "$HOME" "$(<"$SC_TMP/c.out")"
}

# --- Signals ------------------------------------------------------------

# sig_cleanup SIG STATUS: a Unix socket server (unix-l:, whose file goes
# as socat's does; -U's stays, as nc's) and a --fifo listener, each ended
# by SIG, exit with STATUS and remove what they created.
sig_cleanup() {
	server us "unix-l:$SC_TMP/sock" - || fail "no Unix server"
	us=$SERVER_PID
	upid=$(child_pid "$us") || fail "no sockcat"
	assertTrue "socket made" "[ -S '$SC_TMP/sock' ]"
	server ff -l --fifo "$SC_TMP/fifo" 127.0.0.1 0 || fail "no FIFO server"
	fpid=$(child_pid "$SERVER_PID") || fail "no sockcat"
	assertTrue "FIFO made" "[ -p '$SC_TMP/fifo' ]"
	kill "-$1" "$upid" "$fpid"
	wait_exit "$us"
	assertEquals "Unix server status" "$2" "$WAIT_STATUS"
	wait_exit "$SERVER_PID"
	assertEquals "FIFO server status" "$2" "$WAIT_STATUS"
	assertFalse "socket removed" "[ -e '$SC_TMP/sock' ]"
	assertFalse "FIFO removed" "[ -e '$SC_TMP/fifo' ]"
}

test_sigterm_removes_socket_and_fifo() { sig_cleanup TERM 143; }
test_sigint_removes_socket_and_fifo() { sig_cleanup INT 130; }

# sig_children SIG: a -lk -e 'sleep 30' server with a client connected;
# after SIG, neither it nor its program is left.
sig_children() {
	server srv -k -l 127.0.0.1 0 -e 'sleep 30' || fail "no server"
	pid=$(child_pid "$SERVER_PID") || fail "no sockcat"
	client c1 7 127.0.0.1 "$PORT"
	prog=$(child_pid "$pid") || fail "no program"
	wait_until runs_words "$prog" "sleep 30"
	assertEquals "the program runs" "sleep 30" "$(words_of "$prog")"
	kill "-$1" "$pid"
	wait_exit "$SERVER_PID"
	assertNotEquals "sockcat ends" timeout "$WAIT_STATUS"
	wait_until gone "$prog"
	assertFalse "program ended: $(ps -o pid=,stat=,args= -p "$prog")" \
	    "kill -0 $prog"
	hush 7
}

test_sigterm_ends_programs() { sig_children TERM; }
test_sigint_ends_programs() { sig_children INT; }

# --- A program's process group -------------------------------------------

# socat_link: $SC_TMP/socat, sockcat under socat's name (its command line).
socat_link() {
	ln -s "$(cd "$(dirname "$SC")" && pwd)/$(basename "$SC")" \
	    "$SC_TMP/socat" || fail "no link"
}

# sleeper: $SC_TMP/sleeper, which a program runs as its foreground child
# (a shell's "sleeper; echo late"): it writes its process and group ids
# to $SC_TMP/sleep.pid, then becomes "sleep 60", longer than the waits
# for its end.
sleeper() {
	cat >"$SC_TMP/sleeper" <<'EOF'
#!/bin/sh
read -r _ _ _ _ pgid _ </proc/$$/stat
echo "$$ $pgid" >"$0.tmp" && mv "$0.tmp" "${0%/*}/sleep.pid"
exec sleep 60
EOF
	chmod +x "$SC_TMP/sleeper"
}

# asleep: the sleeper has written its ids: SLEEP and PGID set.
asleep() {
	[ -s "$SC_TMP/sleep.pid" ] || return 1
	read -r SLEEP PGID <"$SC_TMP/sleep.pid"
}

# group_ended WHAT: the sleep has ended, and nothing of its group is
# left; a sleep left is ended.
group_ended() {
	wait_until gone "$SLEEP"
	assertFalse "$1: sleep 60 left: $(ps -o pid=,pgid=,args= -p "$SLEEP")" \
	    "kill -0 $SLEEP"
	wait_until gone_group "$PGID"
	assertEquals "$1: group $PGID left" "" "$(pgrep -a -g "$PGID")"
	runs_words "$SLEEP" "sleep 60" && kill "$SLEEP"
	return 0
}

# sleeper_served [socat] ARGS...: a server of ARGS (socat's command line
# after "socat") whose program runs the sleeper, and a silent client of
# it (BG_PID), its output in c.out, once the sleep runs.  SERVER_PID and
# pid, sockcat's.
sleeper_served() {
	sleeper
	if [ "$1" = socat ]; then
		shift
		socat_link
		bg t "$SC_SERVER_LIFE" "$SC_TMP/socat" -d -d "$@" \
		    2>"$SC_TMP/srv.err"
		SERVER_PID=$BG_PID
		wait_for "$SC_TMP/srv.err" ' Listening on ' || fail "no server"
		PORT=$(sed -n 's/.* Listening on .* \([0-9]*\)$/\1/p' \
		    "$SC_TMP/srv.err")
	else
		server srv "$@" || fail "no server"
	fi
	pid=$(child_pid "$SERVER_PID") || fail "no sockcat"
	bg t 60 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	wait_until asleep || fail "no program"
}

# ended_by_sigterm ARGS...: sleeper_served ARGS; SIGTERM to sockcat ends
# it (143), the client sees its connection end and the sleep is ended
# with its group.
ended_by_sigterm() {
	sleeper_served "$@"
	kill -TERM "$pid"
	wait_exit "$SERVER_PID"
	assertEquals "sockcat died of SIGTERM" 143 "$WAIT_STATUS"
	wait_exit "$BG_PID"
	assertEquals "the client sees its end" 0 "$WAIT_STATUS"
	assertEquals "nothing late" "" "$(<"$SC_TMP/c.out")"
	group_ended SIGTERM
}

test_sigterm_ends_a_program_group() {
	ended_by_sigterm -k -l 127.0.0.1 0 -c "$SC_TMP/sleeper; echo late"
}

test_sigterm_ends_a_socat_program_group() {
	ended_by_sigterm TCP-LISTEN:0,bind=127.0.0.1,fork \
	    SYSTEM:"$SC_TMP/sleeper; echo late"
}

# ended_by_idling WHAT ARGS...: sleeper_served ARGS; the silent client's
# time-out ends its connection and the sleep with its group.
ended_by_idling() {
	_what=$1
	shift
	sleeper_served "$@"
	wait_exit "$BG_PID"
	assertEquals "$_what: the client sees its end" 0 "$WAIT_STATUS"
	group_ended "$_what"
}

test_idle_timeout_ends_a_program_group() {
	ended_by_idling "-w 1" -k -w 1 -l 127.0.0.1 0 \
	    -c "$SC_TMP/sleeper; echo late"
	assertTrue "-k: still listening" "kill -0 $pid"
}

# socat's -T: the relay is over, and its program is ended with it.
test_socat_idle_timeout_ends_a_program_group() {
	ended_by_idling "socat's -T 1" socat -T 1 \
	    TCP-LISTEN:0,bind=127.0.0.1 SYSTEM:"$SC_TMP/sleeper; echo late"
}

# A program that reads our stdin, or uses our terminal, stays in our
# group, in the terminal's foreground, where it is not stopped: socat's
# program only read from (its stdin ours), one whose descriptor 0 is
# still our terminal (fdin=3), and one writing to it under "stty tostop".
test_programs_on_our_terminal_never_stop() {
	socat_link
	on_tty rd listen:tcp accept 'send:hello\r' 'netexpect:got hello' \
	    exit:0 -- "$SC_TMP/socat" -u SYSTEM:'read x; echo got $x' \
	    TCP:127.0.0.1:@PORT@
	_st=$?
	assertEquals "reads our stdin: $(<"$SC_TMP/rd.err")" 0 "$_st"
	on_tty fd listen:tcp accept 'send:hello\r' 'netexpect:got hello' \
	    netclose exit:0 -- "$SC_TMP/socat" \
	    SYSTEM:'read x; echo got $x >\&4',fdin=3,fdout=4 \
	    TCP:127.0.0.1:@PORT@
	_st=$?
	assertEquals "reads the terminal: $(<"$SC_TMP/fd.err")" 0 "$_st"
	on_tty wr listen:tcp accept netexpect:out expect:err netclose \
	    exit:0 -- sh -c "stty tostop; exec '$SC' \
	    -c 'echo err >&2; echo out' 127.0.0.1 @PORT@"
	_st=$?
	assertEquals "writes to it, tostop: $(<"$SC_TMP/wr.err")" 0 "$_st"
}

sc_run_shunit2
