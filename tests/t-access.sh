#!/bin/bash
# The access controls in every listening mode: --deny for the client,
# --allow for someone else, --max-conns with two clients, --idle-timeout,
# and IPv4 clients of a dual-stack listener.  A refused client's bytes
# never reach stdout and the server's never reach it; a refusal is one -v
# line; allowed clients are served.
#
# The refused client comes from 127.0.0.2, the served one from 127.0.0.1:
# on Linux both are loopback addresses.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

# Servers live as long as a test may take on a busy machine.
SERVER_TIMEOUT=60

# udp_peer SRC PORT steps...: the datagram peer bound to SRC (ADDR or
# ADDR:PORT), sending to 127.0.0.1 PORT: "port" (prints its own port),
# "send TEXT", "recv" (prints what came, or TIMEOUT after 10 s), "quiet"
# (the same after 2 s, where nothing is expected).
udp_peer() {
	_src=$1
	shift
	t 20 $UDPPEER --bind "$_src" "$@"
}

# The server: $SC -v -n ARGS 127.0.0.1 0, its stdin a FIFO held open on
# fd 9 by the test (so that stdin's end never ends it), "fromserver"
# written to it once the server runs.
srv() {
	held_stdin srv.fifo 9
	SERVER_STDIN=$SC_TMP/srv.fifo server srv -n "$@" ||
	    fail "no server for $*"
}

say_server() {
	echo fromserver >&9
}

# tcp CLIENT_SRC NAME [args]: a TCP client from CLIENT_SRC that sends
# "NAME" and its end, and keeps what it receives in NAME.out.
tcp() {
	_src=$1 _name=$2
	shift 2
	printf '%s\n' "$_name" | t 10 "$SC" -s "$_src" "$@" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/$_name.out" 2>"$SC_TMP/$_name.err"
}

# served NAME WANT: a client from 127.0.0.1 that sends "NAME" and reads
# until WANT has come (or 15 s have passed), then closes; what it got is
# in NAME.out.  It does not end its sending first, so that a listener
# does not end before it has sent what it has.
served() {
	t 20 python3 - "$PORT" "$1" "$2" >"$SC_TMP/$1.out" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
s.sendall(sys.argv[2].encode() + b"\n")
s.settimeout(15)
got = b""
try:
    while sys.argv[3].encode() not in got:
        b = s.recv(4096)
        if not b:
            break
        got += b
except socket.timeout:
    pass
sys.stdout.write(got.decode())
EOF
}

# The denied client's trace: one -v line, and nothing of it relayed.
assert_refused_once() {
	assertEquals "one -v line for the refused client" 1 \
	    "$(grep -c '127\.0\.0\.2' "$SC_TMP/srv.err")"
	assertTrue "said denied" \
	    "grep -Eq '^sockcat: connection from 127\.0\.0\.2 [0-9]+ denied$' '$SC_TMP/srv.err'"
	assertFalse "its bytes never reach stdout" \
	    "grep -q secret '$SC_TMP/srv.out'"
}

# A TCP mode with a rule that refuses 127.0.0.2: the refused client gets
# nothing, the allowed one is served.  $1: what the served client must
# receive ("" for nothing in particular); the rest: the server's args.
check_tcp_rule() {
	_want=$1
	shift
	srv "$@" 127.0.0.1 0
	say_server
	tcp 127.0.0.2 secret
	assertEquals "refused client received nothing" "" \
	    "$(<"$SC_TMP/secret.out")"
	if [ -n "$_want" ]; then
		served hello "$_want"
		assertTrue "served client got $_want" \
		    "grep -q '$_want' '$SC_TMP/hello.out'"
	else
		tcp 127.0.0.1 hello -N
	fi
	assert_refused_once
}

test_deny_listen() {
	check_tcp_rule fromserver -l --deny 127.0.0.2
	assertTrue "served client's bytes" "wait_for '$SC_TMP/srv.out' '^hello$' 10"
}

test_allow_other_listen() {
	check_tcp_rule fromserver -l --allow 127.0.0.1
	assertTrue "wait_for '$SC_TMP/srv.out' '^hello$' 10"
}

test_deny_listen_keep() {
	check_tcp_rule fromserver -lk --deny 127.0.0.2
	assertTrue "wait_for '$SC_TMP/srv.out' '^hello$' 10"
}

test_deny_exec() {
	check_tcp_rule hello -lk -e /bin/cat --deny 127.0.0.2
}

test_allow_other_exec() {
	check_tcp_rule hello -lk -e /bin/cat --allow 127.0.0.0/31
}

test_deny_broker() {
	check_tcp_rule "" --broker --monitor --deny 127.0.0.2
	assertTrue "wait_for '$SC_TMP/srv.out' '^hello$' 10"
}

test_allow_other_room() {
	check_tcp_rule "" --room --allow 127.0.0.1
	assertTrue "wait_for '$SC_TMP/srv.out' 'hello$' 10"
	assertFalse "no room line for the refused one" \
	    "grep -q '127.0.0.2' '$SC_TMP/srv.out'"
}

test_deny_chat() {
	check_tcp_rule "" --chat -l --deny 127.0.0.2
	assertTrue "wait_for '$SC_TMP/srv.out' 'hello' 10"
}

test_allow_other_chat() {
	check_tcp_rule "" --chat -l --allow 127.0.0.1
	assertTrue "wait_for '$SC_TMP/srv.out' 'hello' 10"
}

test_deny_proxy_server() {
	srv -l --proxy-type socks5 --deny 127.0.0.2 127.0.0.1 0
	# A SOCKS5 greeting from the refused address: closed, nothing said.
	out=$(t 10 python3 - "$PORT" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5,
    ("127.0.0.2", 0))
s.sendall(b"\x05\x01\x00secret")
s.settimeout(5)
try:
    print(len(s.recv(100)))
except ConnectionResetError:
    print(0)
EOF
)
	assertEquals "closed without a byte" 0 "$out"
	assert_refused_once
}

# A UDP mode with a rule that refuses 127.0.0.2.  $1: what the served
# peer receives in answer to "hello"; the rest: the server's args.
check_udp_rule() {
	_want=$1
	shift
	srv "$@" 127.0.0.1 0
	say_server
	assertEquals "refused peer answered nothing" "TIMEOUT" \
	    "$(udp_peer 127.0.0.2 "$PORT" send secret quiet)"
	assertEquals "served peer" "$_want" \
	    "$(udp_peer 127.0.0.1 "$PORT" send hello recv)"
	# With a program, what the peer says is the program's.
	case " $* " in
	*" -e "*) ;;
	*) assertTrue "on stdout" "wait_for '$SC_TMP/srv.out' 'hello' 10" ;;
	esac
	assert_refused_once
}

test_deny_udp_listen() {
	check_udp_rule fromserver -u -l --deny 127.0.0.2
}

test_allow_other_udp_listen() {
	check_udp_rule fromserver -u -l --allow 127.0.0.1
}

test_deny_udp_keep() {
	check_udp_rule fromserver -u -lk --deny 127.0.0.2
}

test_deny_udp_exec() {
	check_udp_rule hello -u -lk -e /bin/cat --deny 127.0.0.2
}

test_deny_udp_chat() {
	srv --chat -u -l --deny 127.0.0.2 127.0.0.1 0
	assertEquals "TIMEOUT" "$(udp_peer 127.0.0.2 "$PORT" send secret quiet)"
	udp_peer 127.0.0.1 "$PORT" send hello >/dev/null
	assertTrue "the partner heard" "wait_for '$SC_TMP/srv.out' 'hello' 10"
	assert_refused_once
}

# --max-conns 1: a first client holds its place; a second is refused.
# $1: "exec" when the server echoes; the rest: the server's args.
check_tcp_full() {
	_echo=$1
	shift
	srv --max-conns 1 "$@" 127.0.0.1 0
	held_stdin a.in 7
	bg_in "$SC_TMP/a.in" timeout 20 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/a.out" 2>/dev/null
	echo one >&7
	if [ "$_echo" = exec ]; then
		assertTrue "first served" "wait_for '$SC_TMP/a.out' '^one$' 10"
	else
		assertTrue "first served" "wait_for '$SC_TMP/srv.out' 'one' 10"
	fi
	tcp 127.0.0.1 two
	assertTrue "refusal said with -v" \
	    "grep -q 'refused: server full' '$SC_TMP/srv.err'"
	assertFalse "the second never relayed" "grep -q two '$SC_TMP/srv.out'"
	assertFalse "nor echoed" "grep -q two '$SC_TMP/two.out'"
	exec 7>&-
}

test_max_conns_exec() {
	check_tcp_full exec -lk -e /bin/cat
	assertEquals "a data client is told nothing" "" \
	    "$(<"$SC_TMP/two.out")"
}

test_max_conns_broker() {
	check_tcp_full relay --broker --monitor
}

test_max_conns_room() {
	check_tcp_full relay --room
	assertEquals "a person is told" \
	    "sockcat: the server is full (1 connection); try again later." \
	    "$(<"$SC_TMP/two.out")"
}

test_max_conns_udp_keep() {
	srv --max-conns 1 -u -lk 127.0.0.1 0
	me=$(udp_peer 127.0.0.1 "$PORT" port send one)
	assertTrue "first peer" "wait_for '$SC_TMP/srv.out' '^one$' 10"
	udp_peer 127.0.0.3 "$PORT" send two >/dev/null
	udp_peer "127.0.0.1:$me" "$PORT" send three >/dev/null
	assertTrue "wait_for '$SC_TMP/srv.out' '^three$' 10"
	assertFalse "the second peer's datagram dropped" \
	    "grep -q two '$SC_TMP/srv.out'"
	assertTrue "said with -v" \
	    "grep -q '127.0.0.3 .*refused: server full' '$SC_TMP/srv.err'"
}

test_max_conns_udp_exec() {
	srv --max-conns 1 -u -lk -e /bin/cat 127.0.0.1 0
	assertEquals one "$(udp_peer 127.0.0.1 "$PORT" send one recv)"
	assertEquals TIMEOUT "$(udp_peer 127.0.0.3 "$PORT" send two quiet)"
}

# --idle-timeout 1: a client that says nothing is let go, within bounds;
# the server (with -k) carries on.
check_tcp_idle() {
	srv --idle-timeout 1 "$@" 127.0.0.1 0
	out=$(t 20 python3 - "$PORT" <<'EOF2'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(15)
try:
    while s.recv(4096):
        pass
    print("closed")
except socket.timeout:
    print("still open")
except ConnectionResetError:
    print("closed")
EOF2
)
	assertEquals "the idle client was let go" closed "$out"
}

test_idle_exec() {
	check_tcp_idle -lk -e /bin/cat
	assertTrue "server still running" "kill -0 $SERVER_PID"
}

test_idle_broker() {
	check_tcp_idle --broker --monitor
	assertTrue "kill -0 $SERVER_PID"
}

test_idle_room() {
	check_tcp_idle --room
	assertTrue "kill -0 $SERVER_PID"
}

test_idle_chat() {
	check_tcp_idle --chat -lk
	assertTrue "said" "wait_for '$SC_TMP/srv.err' 'left \(idle timeout\)' 5"
	assertTrue "kill -0 $SERVER_PID"
}

test_idle_listen() {
	check_tcp_idle -l
	assertTrue "without -k the server ends" "wait_exit $SERVER_PID 10"
}

test_idle_udp_listen() {
	srv --idle-timeout 1 -u -l 127.0.0.1 0
	udp_peer 127.0.0.1 "$PORT" send one >/dev/null
	assertTrue "wait_for '$SC_TMP/srv.out' '^one$' 10"
	assertTrue "the listener ends when its peer goes quiet" \
	    "wait_exit $SERVER_PID 15"
}

test_idle_udp_keep_frees_place() {
	srv --idle-timeout 1 --max-conns 1 -u -lk 127.0.0.1 0
	udp_peer 127.0.0.1 "$PORT" send one >/dev/null
	assertTrue "wait_for '$SC_TMP/srv.out' '^one$' 10"
	# Once the first has been quiet for a second, the second is let in.
	_d=$(deadline 15)
	until grep -q '^late$' "$SC_TMP/srv.out"; do
		[ "$(now_ms)" -lt "$_d" ] || break
		udp_peer 127.0.0.3 "$PORT" send late >/dev/null
		wait_for "$SC_TMP/srv.out" '^late$' 0.5
	done
	assertTrue "a place again" "grep -q '^late$' '$SC_TMP/srv.out'"
}

# Unix-domain and VSOCK sockets: no address to match; the other controls
# apply.  A rule is refused, not left to turn every client away (--allow)
# or none (--deny): with -U, a unix-l: address (first or second), --vsock.
test_unix_rules_refused() {
	expect_error "cannot use --allow or --deny with -U" \
	    -lU "$SC_TMP/s" --deny 127.0.0.1
	expect_error "cannot use --allow or --deny with -U" \
	    -lU "$SC_TMP/s" --allow 10.9.9.9
	_unix="cannot use --allow or --deny with a Unix-domain socket"
	expect_error "$_unix" --deny 127.0.0.2 "unix-l:$SC_TMP/s" exec:cat
	expect_error "$_unix" --allow 127.0.0.1 "unix-l:$SC_TMP/s" -
	expect_error "$_unix" --denyfile /dev/null --deny 127.0.0.2 \
	    "unix-l:$SC_TMP/s,fork" tcp:127.0.0.1:9
	# The second address too, at start: not at the first client.
	expect_error "$_unix" --deny 127.0.0.2 tcp-l:127.0.0.1:0 \
	    "unix-l:$SC_TMP/s"
	assertFalse "no socket made" "[ -e '$SC_TMP/s' ]"
	for _m in "-lk -e cat" "--broker" "--chat -l" "-l --forward 127.0.0.1:9"
	do
		# shellcheck disable=SC2086
		expect_error "cannot use --allow or --deny with --vsock" \
		    --vsock --deny 127.0.0.2 $_m 5000
	done
	expect_error "cannot use --allow or --deny with --vsock" \
	    --vsock -l --allow 127.0.0.1 5000
}

# An --allowfile that names no one (empty, or comments alone) lets no one
# in, as ncat reads it: an allow list given is never everyone.  A stream
# listener, a UDP one and a proxy server alike; the proxy, not open, is
# not kept to loopback.
test_empty_allowfile_refuses_all() {
	sc_tmp
	: >"$SC_TMP/none"
	printf '# nobody yet\n\n' >"$SC_TMP/comments"
	srv -lk -e /bin/cat --allowfile "$SC_TMP/none" 127.0.0.1 0
	tcp 127.0.0.1 secret
	assertEquals "refused" "" "$(<"$SC_TMP/secret.out")"
	assertTrue "said" "grep -q '127\.0\.0\.1 [0-9]* denied$' '$SC_TMP/srv.err'"
	stop "$SERVER_PID"
	exec 9>&-
	rm -f "$SC_TMP/srv.fifo"
	srv -u -lk --allowfile "$SC_TMP/comments" --deny 10.0.0.1 127.0.0.1 0
	say_server
	assertEquals "refused peer answered nothing" "TIMEOUT" \
	    "$(udp_peer 127.0.0.1 "$PORT" send secret quiet)"
	assertFalse "its datagram never reaches stdout" \
	    "grep -q secret '$SC_TMP/srv.out'"
	stop "$SERVER_PID"
	exec 9>&-
	rm -f "$SC_TMP/srv.fifo"
	held_stdin srv.fifo 9
	SERVER_STDIN=$SC_TMP/srv.fifo server srv -n -l --proxy-type socks5 \
	    --allowfile "$SC_TMP/none" 0 || fail "no proxy"
	assertTrue "an allow list: every address" \
	    "grep -Eq '^Listening on 0\.0\.0\.0 [0-9]+$' '$SC_TMP/srv.err'"
	tcp 127.0.0.1 greeting
	assertEquals "the proxy refuses" "" "$(<"$SC_TMP/greeting.out")"
	assertTrue "said" "grep -q '127\.0\.0\.1 [0-9]* denied$' '$SC_TMP/srv.err'"
}

# A rule file is a short list of addresses: a line that does not end, or
# holds a NUL, is an error naming the file and line, not memory eaten or
# text ignored.
test_rule_file_lines_bounded() {
	sc_tmp
	expect_error "/dev/zero, line 1: a NUL byte: not a text file" \
	    -l --allowfile /dev/zero 127.0.0.1 0
	printf '127.0.0.1\n10.0.0.1\0000 127.0.0.2\n' >"$SC_TMP/nul"
	expect_error "$SC_TMP/nul, line 2: a NUL byte: not a text file" \
	    -l --denyfile "$SC_TMP/nul" 127.0.0.1 0
	# A terminal's escape is no address, nor said back to one as it is.
	printf '127.0.0.1\n\033[2J10.0.0.1\n' >"$SC_TMP/esc"
	expect_error "$SC_TMP/esc, line 2: a control character: not an address" \
	    -l --allowfile "$SC_TMP/esc" 127.0.0.1 0
	{ echo 127.0.0.1; head -c 5000 /dev/zero | tr '\0' ' '; } \
	    >"$SC_TMP/long"
	expect_error "$SC_TMP/long, line 2: line longer than 4096 bytes" \
	    -l --allowfile "$SC_TMP/long" 127.0.0.1 0
	# A long line within the limit is read whole.
	{ head -c 4000 /dev/zero | tr '\0' ' '; echo 10.0.0.1 1.2.3.4/99; } \
	    >"$SC_TMP/near"
	expect_error "$SC_TMP/near, line 1: invalid address or range: \
1.2.3.4/99" -l --allowfile "$SC_TMP/near" 127.0.0.1 0
}

# IPv4 written otherwise than as four decimal numbers is what the resolver
# makes of it: "010.0.0.1" is 8.0.0.1.  Refused, in a file and on the
# command line alike.
test_ambiguous_ipv4_refused() {
	sc_tmp
	_why="(an IPv4 address is four decimal numbers without leading zeros)"
	printf '127.0.0.1\n# octal\n0177.0.0.1\n' >"$SC_TMP/octal"
	expect_error "$SC_TMP/octal, line 3: invalid address or range: \
0177.0.0.1 $_why" -l --allowfile "$SC_TMP/octal" 127.0.0.1 0
	printf '010.0.0.0/8\n' >"$SC_TMP/range"
	expect_error "$SC_TMP/range, line 1: invalid address or range: \
010.0.0.0/8 $_why" -l --denyfile "$SC_TMP/range" 127.0.0.1 0
	for a in 127.1 0x7f.0.0.1 2130706433 10.0.0.01; do
		expect_error "invalid address or range: $a $_why" \
		    -l --allow "$a" 127.0.0.1 0
	done
}

# -n looks up no name: a rule naming a host is refused, whether -n comes
# before it or after, in a file too; one after -n is not looked up (the
# resolver would say "Name or service not known" of nowhere.invalid).
test_names_refused_with_n() {
	sc_tmp
	_why="-n forbids name lookups"
	expect_error "cannot resolve localhost: $_why" \
	    -n --allow localhost -l 127.0.0.1 0
	expect_error "cannot resolve localhost: $_why" \
	    --deny localhost -n -l 127.0.0.1 0
	expect_error "cannot resolve nowhere.invalid: $_why" \
	    -n --allow nowhere.invalid -l 127.0.0.1 0
	printf '127.0.0.1\nlocalhost\n' >"$SC_TMP/names"
	expect_error "$SC_TMP/names, line 2: cannot resolve localhost: $_why" \
	    -n -l --allowfile "$SC_TMP/names" 127.0.0.1 0
}

test_unix_max_conns() {
	sc_tmp
	server srv -lkU --max-conns 1 "$SC_TMP/s" -e /bin/cat ||
	    fail "no server"
	held_stdin a.in 7
	bg_in "$SC_TMP/a.in" timeout 20 "$SC" -U "$SC_TMP/s" \
	    >"$SC_TMP/a.out" 2>/dev/null
	echo one >&7
	assertTrue "wait_for '$SC_TMP/a.out' '^one$' 10"
	echo two | t 10 "$SC" -U "$SC_TMP/s" >"$SC_TMP/b.out" 2>/dev/null
	assertEquals "the second closed, nothing echoed" "" \
	    "$(<"$SC_TMP/b.out")"
	exec 7>&-
}

# An IPv4 client of an IPv6 socket is ::ffff:127.0.0.2: the rule written
# for 127.0.0.2 still refuses it.
test_dual_stack_mapped() {
	[ -f /proc/net/if_inet6 ] || { sc_skip "no IPv6"; return; }
	srv -lk -e /bin/cat --deny 127.0.0.2 ::ffff:127.0.0.1 0
	tcp 127.0.0.2 secret
	assertEquals "" "$(<"$SC_TMP/secret.out")"
	tcp 127.0.0.1 hello -N
	assertEquals hello "$(<"$SC_TMP/hello.out")"
	assertEquals "one -v line" 1 "$(grep -c '127\.0\.0\.2' "$SC_TMP/srv.err")"
}

test_dual_stack_chat() {
	[ -f /proc/net/if_inet6 ] || { sc_skip "no IPv6"; return; }
	held_stdin srv.fifo 9
	SERVER_STDIN=$SC_TMP/srv.fifo server srv -n --chat -l --deny 127.0.0.2 \
	    ::ffff:127.0.0.1 0 ||
	    fail "no chat server"
	tcp 127.0.0.2 secret
	assertEquals "" "$(<"$SC_TMP/secret.out")"
	assertFalse "grep -q secret '$SC_TMP/srv.out'"
	assertTrue "refused" "grep -q '127.0.0.2 [0-9]* denied' '$SC_TMP/srv.err'"
}

tearDown() {
	exec 7>&- 9>&-
	sc_remove_tmp
	endSkipping
}

sc_run_shunit2
