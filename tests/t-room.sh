#!/bin/bash
# --room: ids never reused, the welcome line, join and leave announcements,
# one prefix per line however lines arrive, the operator as <server>, :q
# (and a client that goes on sending after it, which the room lets go
# without a reset), escaped control characters, and the shared server
# controls: allow and deny rules (IPv4, IPv6, CIDR, host names, files),
# the per-client idle timeout and --max-conns.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"

LINGER="python3 ${TESTS_DIR:-$(dirname "$0")}/lingerpeer.py"

# The welcome line a client gets, for user id N with K others connected.
welcome() {
	if [ "$2" -eq 1 ]; then
		_others="1 other user is"
	else
		_others="$2 other users are"
	fi
	echo "<announce> Welcome to the room, you are <user$1>. $_others connected; type :q to leave."
}

# The local port of a client's connection, as the server logged it.
client_port() {
	sed -n 's/^Connection received on [^ ]* \([0-9]*\)$/\1/p' \
	    "$SC_TMP/srv.err" | sed -n "${1}p"
}

test_ids_greeting_announcements_prefixes() {
	console srv 6
	server srv -n --room 127.0.0.1 0 || fail "no server"
	client c1 7
	wait_for "$SC_TMP/c1.out" 'Welcome' || fail "no welcome"
	p1=$(client_port 1)
	assertEquals "$(welcome 1 0)" "$(<"$SC_TMP/c1.out")"
	client c2 8
	wait_for "$SC_TMP/c1.out" 'as <user2>\.$' || fail "no join announcement"
	p2=$(client_port 2)
	assertEquals "$(welcome 2 1)
<announce> Present: <user1>." "$(<"$SC_TMP/c2.out")"
	say 7 'hello\n'
	wait_for "$SC_TMP/c2.out" '^<user1> hello$' || fail "no prefixed line"
	say 6 'from the operator\n'
	wait_for "$SC_TMP/c1.out" '^<server> from the operator$' || fail "c1"
	wait_for "$SC_TMP/c2.out" '^<server> from the operator$' || fail "c2"
	# c2 leaves; the next one is <user3>: ids are never reused.
	hush 8
	wait_for "$SC_TMP/c1.out" '<user2> is disconnected' || fail "no leave"
	client c3 9
	wait_for "$SC_TMP/c3.out" 'Welcome' || fail "no welcome for c3"
	assertEquals "$(welcome 3 1)
<announce> Present: <user1>." "$(<"$SC_TMP/c3.out")"
	wait_for "$SC_TMP/c1.out" 'as <user3>\.$' || fail "no c3 announcement"
	p3=$(client_port 3)
	assertEquals "what c1 saw" "$(welcome 1 0)
<announce> 127.0.0.1:$p2 is connected as <user2>.
<server> from the operator
<announce> <user2> is disconnected.
<announce> 127.0.0.1:$p3 is connected as <user3>." "$(<"$SC_TMP/c1.out")"
	assertEquals "the console" "<announce> 127.0.0.1:$p1 is connected as <user1>.
<announce> 127.0.0.1:$p2 is connected as <user2>.
<user1> hello
<announce> <user2> is disconnected.
<announce> 127.0.0.1:$p3 is connected as <user3>." "$(<"$SC_TMP/srv.out")"
}

# MEMBERS: the start of a peer of the room at sys.argv[1] (OUT in
# sys.argv[2]): join() makes a member, until() reads one's bytes (got[])
# until a text comes.
MEMBERS='
import socket, struct, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
got = {}
def join():
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    got[s] = b""
    return s
def until(s, text):
    end = time.monotonic() + 20
    while text not in got[s]:
        if time.monotonic() > end:
            sys.exit("no %r in %r" % (text, got[s]))
        more = s.recv(65536)
        if not more:
            sys.exit("closed before %r" % text)
        got[s] += more
'

# pieces PORT OUT: two members, c1 and c2, of the room at PORT.  c1 sends
# a line in pieces, then several lines in one write, then the end of one,
# then a last line without a newline, and leaves; OUT gets all c2 read.
# Each piece is read by the server before the next is sent: c1's piece is
# in the server's socket before c2 sends a line of its own, so by the time
# that line comes back to c1 the round that read it has read the piece.
PIECES=$MEMBERS'
c1 = join()
until(c1, b"Welcome")
c2 = join()
until(c1, b"as <user2>.\n")
pieces = [b"par", b"tial", b" line\nsecond\nthird\nfou", b"rth\n",
    b"no newline"]
for i, p in enumerate(pieces):
    c1.sendall(p)
    c2.sendall(b"mark%d\n" % i)
    until(c1, b"<user2> mark%d\n" % i)
c1.shutdown(socket.SHUT_WR)
until(c2, b"<user1> is disconnected.\n")
open(out, "wb").write(got[c2])
'

test_one_prefix_per_line() {
	server srv --room 127.0.0.1 0 || fail "no server"
	t 30 python3 -c "$PIECES" "$PORT" "$SC_TMP/c2.out"
	assertEquals "the peer" 0 $?
	assertEquals "<user1> partial line
<user1> second
<user1> third
<user1> fourth
<user1> no newline" "$(grep '^<user1>' "$SC_TMP/c2.out")"
	assertEquals "the console too" "$(grep '^<user1>' "$SC_TMP/c2.out")" \
	    "$(grep '^<user1>' "$SC_TMP/srv.out")"
	# A last line without a newline is relayed when its sender leaves.
	assertEquals "<user1> no newline
<announce> <user1> is disconnected." "$(tail -n 2 "$SC_TMP/c2.out")"
}

# A member's connection reset in the middle of a line: the line was cut,
# and is not relayed as if whole (c2 sees the leave, not the piece).
CUTLINE=$MEMBERS'
c1 = join()
until(c1, b"Welcome")
c2 = join()
until(c1, b"as <user2>.\n")
c1.sendall(b"pay bob 1000")
c2.sendall(b"mark\n")
until(c1, b"<user2> mark\n")
c1.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c1.close()
until(c2, b"<user1> is disconnected.\n")
open(out, "wb").write(got[c2])
'

test_line_cut_by_a_reset_is_dropped() {
	server srv --room 127.0.0.1 0 || fail "no server"
	t 30 python3 -c "$CUTLINE" "$PORT" "$SC_TMP/c2.out"
	assertEquals "the peer" 0 $?
	assertEquals "nothing of the cut line" "" \
	    "$(grep '^<user1>' "$SC_TMP/c2.out")"
	wait_for "$SC_TMP/srv.err" 'unfinished line dropped' ||
	    fail "not said with -v"
}

test_control_characters_and_long_lines() {
	server srv --room 127.0.0.1 0 || fail "no server"
	client c1 7
	wait_for "$SC_TMP/c1.out" 'Welcome' || fail "no welcome"
	client c2 8
	wait_for "$SC_TMP/c1.out" 'as <user2>\.$' || fail "no clients"
	say 7 'bell\a esc\033[2J tab\there cr\r\n'
	wait_for "$SC_TMP/c2.out" '^<user1> bell' || fail "not relayed"
	assertEquals '<user1> bell\x07 esc\x1b[2J tab	here cr' \
	    "$(grep '^<user1> bell' "$SC_TMP/c2.out")"
	# A line longer than 4096 bytes is cut there; the rest is dropped.
	say 7 "$(head -c 5000 /dev/zero | tr '\0' a)\\nnext\\n"
	wait_for "$SC_TMP/c2.out" '^<user1> next$' || fail "long line"
	assertEquals "cut" "<user1> A
<user1> next" "$(grep '^<user1> [an]' "$SC_TMP/c2.out" |
	    sed 's/a\{4096\}/A/')"
}

# Issue 80: C1 controls (U+009B, a CSI; U+009D, an OSC; U+009C, its
# end) and the raw byte 0x9b, no UTF-8, are escaped as C0 and DEL are,
# to every member and to the operator, whoever says them; characters
# past ASCII stay as they are.
test_c1_controls_escaped_for_members_and_operator() {
	console srv 6
	server srv -n --room 127.0.0.1 0 || fail "no server"
	client c1 7
	wait_for "$SC_TMP/c1.out" 'Welcome' || fail "no welcome"
	client c2 8
	wait_for "$SC_TMP/c1.out" 'as <user2>\.$' || fail "no clients"
	line='a\033[2J b\a c\177 d\302\2332J e\302\2350;T\302\234 f\233[H g\303\251\342\202\254'
	shown='a\x1b[2J b\x07 c\x7f d\xc2\x9b2J e\xc2\x9d0;T\xc2\x9c f\x9b[H gé€'
	say 7 "$line\\n"
	say 6 "$line\\n"
	wait_for "$SC_TMP/c2.out" '^<server> a' || fail "not relayed"
	wait_for "$SC_TMP/c1.out" '^<server> a' || fail "not relayed to c1"
	assertEquals "a member's line, to a member" "<user1> $shown" \
	    "$(grep '^<user1> a' "$SC_TMP/c2.out")"
	assertEquals "to the operator" "<user1> $shown" \
	    "$(grep '^<user1> a' "$SC_TMP/srv.out")"
	assertEquals "the operator's line, to the members" "<server> $shown
<server> $shown" "$(grep -h '^<server> a' "$SC_TMP/c1.out" "$SC_TMP/c2.out")"
	# Nothing raw: no C1, as a character or a byte, nor ESC.
	assertEquals "raw C1 or ESC" 0 "$(cat "$SC_TMP/c1.out" "$SC_TMP/c2.out" \
	    "$SC_TMP/srv.out" | LC_ALL=C grep -c \
	    "$(printf '\302[\200-\237]\\|[\233\235\234\033]')")"
	hush 6 7 8
}

# Found by the room fuzz target: a line cut at 4096 bytes whose newline
# came in a later read was followed by an empty message.
test_newline_after_a_cut_line() {
	server srv --room 127.0.0.1 0 || fail "no server"
	client c1 7
	wait_for "$SC_TMP/c1.out" 'Welcome' || fail "no welcome"
	client c2 8
	wait_for "$SC_TMP/c1.out" 'as <user2>\.$' || fail "no clients"
	say 7 "$(head -c 4096 /dev/zero | tr '\0' a)"
	wait_for "$SC_TMP/c2.out" '^<user1> a{4096}$' || fail "full line"
	say 7 '\nnext\n'
	wait_for "$SC_TMP/c2.out" '^<user1> next$' || fail "next line"
	assertEquals "no empty message" "<user1> A
<user1> next" "$(grep '^<user1>' "$SC_TMP/c2.out" | sed 's/a\{4096\}/A/')"
}

test_quit_command() {
	server srv --room 127.0.0.1 0 || fail "no server"
	client c1 7
	c1=$CLIENT_PID
	wait_for "$SC_TMP/c1.out" 'Welcome' || fail "no welcome"
	client c2 8
	wait_for "$SC_TMP/c1.out" 'as <user2>\.$' || fail "no clients"
	say 7 'bye\n:q\nnever sent\n'
	wait_for "$SC_TMP/c2.out" '<user1> is disconnected' || fail "no leave"
	assertEquals "what follows :q is dropped" "<user1> bye
<announce> <user1> is disconnected." "$(tail -n 2 "$SC_TMP/c2.out")"
	assertEquals "the console" "<user1> bye
<announce> <user1> is disconnected." "$(tail -n 2 "$SC_TMP/srv.out")"
	# The server has closed c1's connection: at its stdin's end it quits.
	hush 7
	wait_exit "$c1"
	assertEquals "c1 ended" 0 "$WAIT_STATUS"
	# ":q" in the middle of a line is just text.
	say 8 'say :q\n'
	wait_for "$SC_TMP/srv.out" '^<user2> say :q$' || fail "not text"
	assertTrue "c2 stays" "kill -0 $CLIENT_PID"
}

# A client that goes on sending after ":q" is not reset: the room ends
# its side at once and reads what still comes until the client ends or
# its time is up (lingerpeer.py).  A reset would fail the client's
# writes, and throw away what it had not read yet.
test_quit_lingers() {
	server srv --room 127.0.0.1 0 || fail "no server"
	t 30 $LINGER quit "$PORT" >"$SC_TMP/p.out"
	assertEquals "eof
no reset
let go" "$(<"$SC_TMP/p.out")"
	assertFalse "nothing after :q reaches the room" \
	    "grep -q 'after :q' '$SC_TMP/srv.out'"
}

# admitted ADDR: does a client from ADDR get into the room on $PORT?
admitted() {
	echo ":q" | t 5 "$SC" "$1" "$PORT" >"$SC_TMP/probe.out" 2>/dev/null
	grep -q Welcome "$SC_TMP/probe.out"
}

test_allow_and_deny_ipv4_cidr() {
	server srv --room --allow 127.0.0.0/8 127.0.0.1 0 || fail "no server"
	assertTrue "CIDR allows" "admitted 127.0.0.1"
	stop "$SERVER_PID"; wait_exit "$SERVER_PID"
	server srv --room --allow 10.0.0.0/8 127.0.0.1 0 || fail "no server"
	assertFalse "outside the allowed range" "admitted 127.0.0.1"
	wait_for "$SC_TMP/srv.err" 'denied$' || fail "no denial logged"
	assertTrue "grep -Eq '^sockcat: connection from 127.0.0.1 [0-9]+ denied$' '$SC_TMP/srv.err'"
	stop "$SERVER_PID"; wait_exit "$SERVER_PID"
	server srv --room --deny 127.0.0.1 127.0.0.1 0 || fail "no server"
	assertFalse "denied address" "admitted 127.0.0.1"
	stop "$SERVER_PID"; wait_exit "$SERVER_PID"
	server srv --room --deny 127.0.0.2/31 127.0.0.1 0 || fail "no server"
	assertTrue "not in the denied range" "admitted 127.0.0.1"
}

test_allow_and_deny_ipv6() {
	server srv --room -6 ::1 0 --deny ::1 || fail "no IPv6 server"
	assertFalse "::1 denied" "admitted ::1"
	stop "$SERVER_PID"; wait_exit "$SERVER_PID"
	server srv --room -6 ::1 0 --allow ::1/128 --deny 127.0.0.1 ||
	    fail "no server"
	assertTrue "::1 allowed" "admitted ::1"
	stop "$SERVER_PID"; wait_exit "$SERVER_PID"
	server srv --room -6 ::1 0 --allow fe80::/10 || fail "no server"
	assertFalse "::1 outside fe80::/10" "admitted ::1"
}

# Found by the gate fuzz target: a rule written as an IPv4-mapped IPv6
# address never applied to the IPv4 client it names.
test_mapped_rule_applies_to_ipv4() {
	server srv --room --deny ::ffff:127.0.0.0/104 127.0.0.1 0 ||
	    fail "no server"
	assertFalse "denied as ::ffff:127.0.0.1" "admitted 127.0.0.1"
	stop "$SERVER_PID"; wait_exit "$SERVER_PID"
	server srv --room --allow ::ffff:127.0.0.1 127.0.0.1 0 ||
	    fail "no server"
	assertTrue "allowed as ::ffff:127.0.0.1" "admitted 127.0.0.1"
}

test_allow_and_deny_names_and_files() {
	server srv --room --deny localhost 127.0.0.1 0 || fail "no server"
	assertFalse "localhost denied by name" "admitted 127.0.0.1"
	stop "$SERVER_PID"; wait_exit "$SERVER_PID"
	printf '# who may come in\n\n  10.1.2.3  \n127.0.0.0/24 # loopback\n' \
	    >"$SC_TMP/allow"
	server srv --room --allowfile "$SC_TMP/allow" 127.0.0.1 0 ||
	    fail "no server"
	assertTrue "allowed by file" "admitted 127.0.0.1"
	stop "$SERVER_PID"; wait_exit "$SERVER_PID"
	printf '127.0.0.1\n' >"$SC_TMP/deny"
	server srv --room --allowfile "$SC_TMP/allow" --denyfile "$SC_TMP/deny" \
	    127.0.0.1 0 || fail "no server"
	assertFalse "the deny file wins" "admitted 127.0.0.1"
	# A bad rule is a command line error.
	printf 'not/an/address\n' >"$SC_TMP/bad"
	t 5 "$SC" --room --denyfile "$SC_TMP/bad" 0 </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: $SC_TMP/bad, line 1: invalid address or range: not/an/address" \
	    "$(<"$SC_TMP/err")"
}

# busy (on fd 8) says ping; has <user1> been dropped yet?
ping_until_user1_dropped() {
	say 8 'ping\n'
	grep -q '<user1> is disconnected' "$SC_TMP/srv.out"
}

test_idle_timeout_drops_one_client() {
	# Long enough that a busy machine still lets the busy one talk in time.
	server srv --room --idle-timeout 3 127.0.0.1 0 || fail "no server"
	client quiet 7
	wait_for "$SC_TMP/quiet.out" 'Welcome' || fail "no welcome"
	client busy 8
	say 8 'ping\n'
	wait_for "$SC_TMP/quiet.out" 'as <user2>\.$' || fail "no clients"
	# busy talks while quiet stays silent until it is dropped.
	wait_until ping_until_user1_dropped
	assertTrue "the idle client is dropped" \
	    "grep -q '^<announce> <user1> is disconnected.$' '$SC_TMP/srv.out'"
	assertFalse "the busy one is not" \
	    "grep -q '<user2> is disconnected' '$SC_TMP/srv.out'"
	assertTrue "the server runs on" "kill -0 $SERVER_PID"
	assertTrue "grep -Eq '^sockcat: <user1>: idle timeout, disconnected$' '$SC_TMP/srv.err'"
}

test_stalled_client_in_a_busy_room() {
	command -v python3 >/dev/null || { sc_skip "no python3"; return; }
	# -O keeps the kernel's share of a client's backlog small.
	server srv --room -O 65536 --write-timeout 1 127.0.0.1 0 ||
	    fail "no server"
	client reader 8
	wait_for "$SC_TMP/reader.out" 'Welcome' || fail "no welcome"
	# <user2> never reads, with a small receive buffer.
	bg timeout -k 2 20 python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
time.sleep(20)' "$PORT"
	wait_for "$SC_TMP/reader.out" 'as <user2>\.$' ||
	    { fail "no stalled client"; return; }
	client talker 7
	wait_for "$SC_TMP/reader.out" 'as <user3>\.$' ||
	    { fail "no talker"; return; }
	# <user3> chats: 100000 lines (1.9 MB with prefixes) in pieces, far
	# more than the stalled one holds.
	seq 100000 | sed 's/^/chat line /' >"$SC_TMP/lines"
	for i in $(seq 0 9); do
		t 10 sed -n "$((i * 10000 + 1)),$((i * 10000 + 10000))p" \
		    "$SC_TMP/lines" >&7
		# The reader keeps up, however busy the machine: only the one
		# that never reads is stalled.
		wait_for "$SC_TMP/reader.out" \
		    "^<user3> chat line $((i * 10000 + 10000))\$" ||
		    { fail "the reader fell behind"; return; }
	done
	wait_for "$SC_TMP/reader.out" '^<user3> chat line 100000$' ||
	    fail "the reader did not get everything"
	assertEquals "every line, in order, once" \
	    "$(sed 's/^/<user3> /' "$SC_TMP/lines" | md5sum)" \
	    "$(grep '^<user3> chat' "$SC_TMP/reader.out" | md5sum)"
	assertTrue "the stalled one is cut off" \
	    "grep -q '^<announce> <user2> is disconnected: it stopped reading.$' '$SC_TMP/reader.out'"
	assertTrue "notice" "grep -Eq '^sockcat: <user2>: read nothing for 1000 ms, disconnected$' '$SC_TMP/srv.err'"
	assertFalse "nobody else is" \
	    "grep -Eq '<user[13]> is disconnected' '$SC_TMP/reader.out'"
}

test_max_conns_room() {
	server srv --room --max-conns 1 127.0.0.1 0 || fail "no server"
	client c1 7
	wait_for "$SC_TMP/c1.out" 'Welcome' || fail "no welcome"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c2.out"
	assertEquals "sockcat: the server is full (1 connection); try again later." \
	    "$(<"$SC_TMP/c2.out")"
	# One that has sent a lot already is told, then sees an end, not a
	# reset.
	t 30 $LINGER refused "$PORT" >"$SC_TMP/p.out"
	assertEquals "sockcat: the server is full (1 connection); try again later.
eof" "$(<"$SC_TMP/p.out")"
}

sc_run_shunit2
