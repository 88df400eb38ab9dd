#!/bin/bash
# A client's name never delays other clients: in a private network and
# mount namespace whose resolver (a UDP socket on 127.0.0.1:53 that never
# answers, and counts the questions) stalls every lookup, a -v server's
# first client comes from 127.0.0.3, an address with no name, so the
# "Connection received on" line waits for a reverse lookup that never
# ends.  Meanwhile clients from 127.0.0.1 (localhost in the hosts file)
# are served at once; the first client is then given by its address and
# served too; with -n nothing is looked up.  A name that holds terminal
# controls is shown escaped.  Skipped where unshare(1) is not permitted.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_private_netns "$@"
sc_require python3

# The resolver: 30 s per query, one try, at a server that never answers,
# so that sockcat's own bound on the wait for a name is what ends it.
# 127.0.0.4's name is a hostile one: terminal controls.
sc_netns_resolver 30 '127.0.0.1 localhost' '::1 localhost ip6-localhost' \
    "127.0.0.4 evil$(printf '\033]0;TITLE\007\033[2J')name"
QUERIES=$NS_DIR/queries
timeout 600 $UDPPEER --bind 127.0.0.1:53 --serve "$NS_DIR/mute.port" \
    mute "$QUERIES" &
MUTE_PID=$!

# The clients, in one process so that the kernel queues them in order:
# A from 127.0.0.3 (no name) first, then B and C from 127.0.0.1.  MODE
# broker: once B and C are in (their lines printed), a line from B reaches
# C; echo (-e /bin/cat): B's line comes back.  Each prints the seconds it
# took from the connections; then A, once its line is out, is served too.
CLIENTS='
import re, socket, sys, time
mode, port, err = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def lines(pat, n):
    end = time.monotonic() + 30
    while time.monotonic() < end:
        with open(err) as f:
            if len(re.findall(pat, f.read(), re.M)) >= n:
                return
        time.sleep(0.01)
    sys.exit("no %d lines %s" % (n, pat))

def expect(s, want):
    got = b""
    s.settimeout(30)
    while not got.endswith(b"\n"):
        more = s.recv(100)
        if not more:
            break
        got += more
    if got != want:
        sys.exit("got %r, not %r" % (got, want))

a = socket.create_connection(("127.0.0.1", port), timeout=30,
                             source_address=("127.0.0.3", 0))
t0 = time.monotonic()
b = socket.create_connection(("127.0.0.1", port), timeout=30)
if mode == "broker":
    c = socket.create_connection(("127.0.0.1", port), timeout=30)
    lines("^Connection received on localhost ", 2)
    b.sendall(b"hello\n")
    expect(c, b"hello\n")
else:
    b.sendall(b"hello\n")
    expect(b, b"hello\n")
print("others %.3f" % (time.monotonic() - t0), flush=True)
lines("^Connection received on 127\\.0\\.0\\.3 ", 1)
if mode == "broker":
    b.sendall(b"again\n")
    expect(a, b"again\n")
else:
    a.sendall(b"again\n")
    expect(a, b"again\n")
print("first served", flush=True)
'

oneTimeSetUp() {
	wait_for "$NS_DIR/mute.port" '^53$' 10 || fail "no mute resolver"
}

oneTimeTearDown() {
	sc_remove_tmp
	stop "$MUTE_PID"
	wait "$MUTE_PID" 2>/dev/null
	rm -rf "$NS_DIR"
	sc_report
}

# clients NAME MODE: run the clients against the server NAME at $PORT;
# check that the others were served within a second, that the first was
# then given by its address, after the others, and served.
clients() {
	out=$(t 60 python3 -c "$CLIENTS" "$2" "$PORT" "$SC_TMP/$1.err" 2>&1)
	assertEquals "first served" "first served" "${out##*$'\n'}"
	took=$(sed -n 's/^others //p' <<<"$out")
	assertTrue "others served within 1 s (${took:-never}: $out)" \
	    "[ -n '$took' ] && awk 'BEGIN { exit !($took <= 1) }'"
	assertEquals "the first by its address, after the others" \
	    "127.0.0.3" "$(sed -n 's/^Connection received on \([^ ]*\) .*/\1/p' \
	    "$SC_TMP/$1.err" | tail -n 1)"
	assertEquals "every client named" "" \
	    "$(grep '^Connection received on' "$SC_TMP/$1.err" |
	    grep -Ev ' (localhost|127\.0\.0\.3) [0-9]+$')"
}

test_broker_name_delays_no_one() {
	server b --broker 127.0.0.1 0 || fail "no broker"
	clients b broker
}

test_exec_name_delays_no_one() {
	server e -l -k -e /bin/cat 127.0.0.1 0 || fail "no server"
	clients e echo
}

# With -n no name is asked for: every line at once, no question.
test_numeric_asks_nothing() {
	: >"$QUERIES"
	server b -n --broker 127.0.0.1 0 || fail "no broker"
	# The line goes once both are members (the broker has said both),
	# so that the one listening is there to hear it.
	t 10 python3 -c '
import socket, sys, time
a = socket.create_connection(("127.0.0.1", int(sys.argv[1])),
                             source_address=("127.0.0.3", 0))
b = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
while open(sys.argv[2]).read().count("Connection received") < 2:
    time.sleep(0.01)
a.sendall(b"hello\n")
b.settimeout(5)
sys.exit(b.recv(100) != b"hello\n")
' "$PORT" "$SC_TMP/b.err"
	assertEquals "relayed at once" 0 $?
	assertEquals "numeric lines" "127.0.0.3
127.0.0.1" "$(sed -n 's/^Connection received on \([^ ]*\) .*/\1/p' \
	    "$SC_TMP/b.err")"
	assertEquals "no question asked" 0 "$(wc -l <"$QUERIES")"
}

# A datagram server with -k: a new peer without a name does not hold up
# the next one's datagram; its line comes later, with its address.
test_udp_name_delays_no_one() {
	server u -u -l -k 127.0.0.1 0 || fail "no server"
	t 10 $UDPPEER --bind 127.0.0.3 "$PORT" send one
	t 10 $UDPPEER "$PORT" send two
	wait_for "$SC_TMP/u.out" '^two$' 1 ||
	    fail "the second peer waited: $(<"$SC_TMP/u.out")"
	assertEquals "both relayed" "one
two" "$(<"$SC_TMP/u.out")"
	wait_for "$SC_TMP/u.err" '^Connection received on 127\.0\.0\.3 ' 15 ||
	    fail "no line for the first peer: $(<"$SC_TMP/u.err")"
}

test_udp_exec_name_delays_no_one() {
	server v -u -l -k -e /bin/cat 127.0.0.1 0 || fail "no server"
	t 10 $UDPPEER --bind 127.0.0.3 "$PORT" send one
	assertEquals "second peer echoed within 1 s" "two" \
	    "$(t 10 $UDPPEER --timeout 1 "$PORT" send two recv)"
	wait_for "$SC_TMP/v.err" '^Connection received on 127\.0\.0\.3 ' 15 ||
	    fail "no line for the first peer: $(<"$SC_TMP/v.err")"
}

# A --chat server in a conversation: a stranger calling from an address
# with no name is turned away by its address, and the conversation goes
# on meanwhile; the stranger's name is never asked for on the loop.
test_chat_stranger_delays_no_one() {
	held_stdin chat.in 7
	SERVER_STDIN=$SC_TMP/chat.in server c --chat -l 127.0.0.1 0 ||
	    fail "no chat server"
	out=$(t 60 python3 -c '
import re, socket, sys, time
port, out, err = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def seen(path, pat, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        with open(path) as f:
            if re.search(pat, f.read(), re.M):
                return True
        time.sleep(0.01)
    return False

p = socket.create_connection(("127.0.0.1", port), timeout=30)
p.sendall(b"one\n")
if not seen(out, "^one$", 10):
    sys.exit("the partner was not heard")
s = socket.create_connection(("127.0.0.1", port), timeout=40,
                             source_address=("127.0.0.3", 0))
t0 = time.monotonic()
got = b""
while True:
    d = s.recv(100)
    if not d:
        break
    got += d
if got != b"sockcat: busy, already chatting; try later\n":
    sys.exit("the stranger got %r" % got)
if not seen(err, r"^127\.0\.0\.3 port \d+ turned away: busy$", 10):
    sys.exit("no notice")
took = time.monotonic() - t0
p.sendall(b"two\n")
if not seen(out, "^two$", 1):
    sys.exit("the partner was held up")
print("turned away %.3f" % took)
' "$PORT" "$SC_TMP/c.out" "$SC_TMP/c.err" 2>&1)
	took=$(sed -n 's/^turned away //p' <<<"$out")
	assertTrue "stranger turned away within 10 s (${took:-never}: $out)" \
	    "[ -n '$took' ] && awk 'BEGIN { exit !($took <= 10) }'"
	exec 7>&-
}

# A name looked up for a client is the resolver's to choose, and a hostile
# one holds terminal controls (issue 52): the -v line shows it escaped,
# for a stream listener and for a datagram one.
test_hostile_name_escaped() {
	server e -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	assertEquals "echoed" hi "$(echo hi | t 10 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10,
                             source_address=("127.0.0.4", 0))
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
sys.stdout.write(s.recv(100).decode())
' "$PORT")"
	server u -u -l 127.0.0.1 0 || fail "no UDP server"
	t 10 $UDPPEER --bind 127.0.0.4 "$PORT" send one
	for f in e u; do
		wait_for "$SC_TMP/$f.err" '^Connection received on evil' ||
		    fail "$f: no line: $(cat -v "$SC_TMP/$f.err")"
		assertEquals "$f: escaped" \
		    'Connection received on evil\x1b]0;TITLE\x07\x1b[2Jname' \
		    "$(sed -n 's/^\(Connection received on evil[^ ]*\) .*/\1/p' \
		    "$SC_TMP/$f.err")"
		assertFalse "$f: no raw control" \
		    "LC_ALL=C grep -q '[[:cntrl:]]' '$SC_TMP/$f.err'"
	done
}

sc_run_shunit2
