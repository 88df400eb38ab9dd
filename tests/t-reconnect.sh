#!/bin/bash
# --reconnect[=MAX] and --on-connect: a client typed at on a terminal
# outlives three restarts of its server, showing what each sent, the
# server hearing the --on-connect line first each time, and what was
# typed during an outage after it; every way of dialling (TCP, -U, TLS,
# ws://, wss://, a SOCKS5 proxy) comes back; the give-up after MAX with
# its line and status; what stdin gives beyond the wait buffer is said
# lost, to the byte; the refusals; and the examples of the documents.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

README=${README:-$(dirname "${MANPAGE:-$0}")/../README.md}
[ -f "$README" ] || README=$(cd "$(dirname "$0")/.." && pwd)/README.md

# restart NAME PORT ARGS...: a sockcat server on PORT of 127.0.0.1 (0:
# a free one, the first time) that sends "from NAME" (stdin NAME.in),
# ends its sending side (-N) and exits once the client has gone; PORT is
# set.  A free port is one below the kernel's range for port 0 (lib.sh's
# free_port): while the server is down, nothing else is given it.
restart() {
	_n=$1 _p=$2
	shift 2
	[ "$_p" = 0 ] && _p=$(free_port)
	echo "from $_n" >"$SC_TMP/$_n.in"
	server "$_n" -N -l "$@" 127.0.0.1 "$_p" || fail "no server $_n"
}

# served NAME WHAT CLIENT_OUT: the client showed what server NAME sent,
# the server received WHAT from it and exited when the client let go.
served() {
	wait_for "$3" "^from $1\$" || fail "$1: not shown by the client"
	wait_exit "$SERVER_PID" || fail "$1: did not end"
	assertEquals "$1 received" "$2" "$(<"$SC_TMP/$1.out")"
}

# A person at a terminal: each restart's words shown, the --on-connect
# line first on each connection, and a line typed while the server is
# down sent after it on the next.  The driver plays the server and
# restarts it on the same port.
test_three_restarts_on_a_terminal() {
	steps=(listen:tcp accept 'netexpect:^HELLO\n$'
	    'netsend:one\n' 'expect:one\r\n')
	# An expect looks at everything shown so far: the i-th loss and
	# return, not the first again, before the next step (typed before
	# the loss is seen, a line would go to the connection going away).
	lost='Connection to 127.0.0.1 [0-9]+ lost: closed by the peer'
	back='Reconnected to 127.0.0.1 [0-9]+ \(attempt [0-9]+\)'
	for i in 1 2 3; do
		steps+=(unlisten "expect:(?s)($lost.*){$i}"
		    "send:typed in outage $i\n"
		    "expect:typed in outage $i\r\n"
		    relisten accept
		    "expect:(?s)($back.*){$i}"
		    "netexpect:HELLO\ntyped in outage $i\n\$"
		    "netsend:restart $i\n" "expect:restart $i\r\n")
	done
	# The end of what is typed ends the client as usual.
	steps+=('send:\x04' neteof unlisten exit:0)
	on_tty rc "${steps[@]}" -- "$SC" -v -N --reconnect --retry-interval 100ms \
	    --on-connect HELLO 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/rc.err")" 0 "$st"
	assertEquals "what the server heard, connection after connection" \
	    "HELLO
HELLO
typed in outage 1
HELLO
typed in outage 2
HELLO
typed in outage 3
." "$(cat "$SC_TMP/rc.net"; echo .)"
	assertEquals "three losses said" 3 \
	    "$(tty_text rc | grep -c ' lost: closed by the peer$')"
	assertEquals "three returns said" 3 \
	    "$(tty_text rc | grep -c '^Reconnected to ')"
}

# back_again NAME SERVER_ARGS -- CLIENT_ARGS: a --reconnect client of a
# server started with SERVER_ARGS and restarted twice on its port (@P@ in
# CLIENT_ARGS) shows what each of the three sent, and each heard the
# --on-connect line.
back_again() {
	_k=$1
	shift
	_sa=()
	while [ "$1" != -- ]; do
		_sa+=("$1")
		shift
	done
	shift
	held_stdin "$_k.fifo" 8
	restart "${_k}1" 0 "${_sa[@]}"
	_port=$PORT
	_ca=("${@//@P@/$_port}")
	bg_in "$SC_TMP/$_k.fifo" t 60 "$SC" -v --reconnect \
	    --retry-interval 50ms --on-connect "hi from $_k" "${_ca[@]}" \
	    >"$SC_TMP/$_k.out" 2>"$SC_TMP/$_k.err"
	_cpid=$BG_PID
	served "${_k}1" "hi from $_k" "$SC_TMP/$_k.out"
	for i in 2 3; do
		restart "$_k$i" "$_port" "${_sa[@]}"
		served "$_k$i" "hi from $_k" "$SC_TMP/$_k.out"
	done
	assertEquals "$_k: what the three sent" "from ${_k}1
from ${_k}2
from ${_k}3" "$(<"$SC_TMP/$_k.out")"
	wait_lines "$SC_TMP/$_k.err" ' lost: ' 3 ||
	    fail "$_k: three losses not said: $(<"$SC_TMP/$_k.err")"
	assertEquals "$_k: two returns" 2 \
	    "$(grep -c '^Reconnected to ' "$SC_TMP/$_k.err")"
	assertTrue "$_k: still trying" "kill -0 $_cpid"
	stop "$_cpid"
	exec 8>&-
}

test_tcp_comes_back() {
	back_again tcp -- 127.0.0.1 @P@
}

test_unix_comes_back() {
	# A Unix path has no port: the restarts bind the same path.
	held_stdin ux.fifo 8
	for i in 1 2 3; do
		echo "from ux$i" >"$SC_TMP/ux$i.in"
	done
	server ux1 -N -lU "$SC_TMP/sock" || fail "no server"
	bg_in "$SC_TMP/ux.fifo" t 60 "$SC" -v -U --reconnect \
	    --retry-interval 50ms --on-connect "hi from ux" "$SC_TMP/sock" \
	    >"$SC_TMP/ux.out" 2>"$SC_TMP/ux.err"
	cpid=$BG_PID
	served ux1 "hi from ux" "$SC_TMP/ux.out"
	for i in 2 3; do
		server "ux$i" -N -lU "$SC_TMP/sock" || fail "no server $i"
		served "ux$i" "hi from ux" "$SC_TMP/ux.out"
	done
	assertEquals "what the three sent" "from ux1
from ux2
from ux3" "$(<"$SC_TMP/ux.out")"
	assertEquals "two returns, named by the path" 2 \
	    "$(grep -c "^Reconnected to $SC_TMP/sock (attempt" "$SC_TMP/ux.err")"
	stop "$cpid"
	exec 8>&-
}

# A Unix listener whose backlog is full when the connection is made
# again: the re-dial waits for room, as the first dial does, and is not
# a failed attempt (--reconnect=1 would give up at once).  The listener
# makes room a second later.
test_unix_full_backlog_on_redial() {
	sock=$SC_TMP/full.sock
	timeout 30 python3 - "$sock" >"$SC_TMP/full.out" <<'PY' &
import socket, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(0)
s.settimeout(20)
c = s.accept()[0]
c.sendall(b"one\n")
filler = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
filler.connect(path)
print("full", flush=True)
c.close()
time.sleep(1)
filler.close()
s.accept()[0].close()
c = s.accept()[0]
c.sendall(b"two\n")
c.close()
PY
	SC_PIDS="$SC_PIDS $!"
	wait_until unix_listening "$sock" || fail "no listener"
	bg t 30 "$SC" -v -d -U --reconnect=1 --retry-interval 50ms "$sock" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	wait_for "$SC_TMP/c.out" '^two$' ||
	    fail "not back: $(<"$SC_TMP/c.err")"
	assertEquals "what both sent" "one
two" "$(<"$SC_TMP/c.out")"
	assertEquals "back at the first attempt" 1 \
	    "$(grep -c "^Reconnected to $sock (attempt 1)" "$SC_TMP/c.err")"
}

test_tls_comes_back() {
	sc_have_tls || { sc_skip "no TLS"; return; }
	back_again tls --ssl -- --ssl 127.0.0.1 @P@
}

test_ws_comes_back() {
	back_again ws --websocket -- ws://127.0.0.1:@P@/
}

test_wss_comes_back() {
	sc_have_tls || { sc_skip "no TLS"; return; }
	back_again wss --websocket --ssl -- --ws-insecure wss://127.0.0.1:@P@/
}

test_through_a_proxy_comes_back() {
	server px -k -l 127.0.0.1 0 --proxy-type socks5 || fail "no proxy"
	pport=$PORT
	back_again px5 -- -x "127.0.0.1:$pport" 127.0.0.1 @P@
}

# --reconnect=MAX: MAX failed attempts in a row, then one line and
# status 1; what waited is counted as unsent.
test_gives_up_after_max() {
	held_stdin give.fifo 8
	restart g1 0
	bg_in "$SC_TMP/give.fifo" t 60 "$SC" -v --reconnect=3 \
	    --retry-interval 1s 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	cpid=$BG_PID
	wait_for "$SC_TMP/c.err" ' lost: closed by the peer$' ||
	    fail "no loss said"
	# Typed while down: it waits, and is said unsent at the end.
	echo pending >&8
	wait_exit "$cpid" 40 || fail "did not give up"
	assertEquals "status" 1 "$WAIT_STATUS"
	assertEquals "what the server sent" "from g1" "$(<"$SC_TMP/c.out")"
	assertEquals "stderr" "Connection to 127.0.0.1 $PORT port [tcp/*] succeeded!
Connection to 127.0.0.1 $PORT lost: closed by the peer
sockcat: connect to 127.0.0.1 port $PORT (tcp) failed: Connection refused
sockcat: connect to 127.0.0.1 port $PORT (tcp) failed: Connection refused
sockcat: connect to 127.0.0.1 port $PORT (tcp) failed: Connection refused
sockcat: gave up reconnecting to 127.0.0.1 $PORT after 3 attempts (8 bytes of stdin unsent)" \
	    "$(<"$SC_TMP/c.err")"
	exec 8>&-
	# Without -v, the last line alone.
	held_stdin give2.fifo 8
	restart g2 0
	bg_in "$SC_TMP/give2.fifo" t 60 "$SC" --reconnect=2 \
	    --retry-interval 50ms 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c2.out" 2>"$SC_TMP/c2.err"
	wait_exit "$BG_PID" 40 || fail "did not give up"
	assertEquals "quiet: status" 1 "$WAIT_STATUS"
	assertEquals "quiet: stderr" \
	    "sockcat: gave up reconnecting to 127.0.0.1 $PORT after 2 attempts" \
	    "$(<"$SC_TMP/c2.err")"
	exec 8>&-
}

# 200000 bytes given while disconnected: 64 KiB wait, the rest is said
# lost, to the byte; the next server gets what waited, and the end of
# stdin after it (-N).
test_beyond_the_wait_buffer_is_said_lost() {
	held_stdin big.fifo 8
	restart b1 0
	port=$PORT
	bg_in "$SC_TMP/big.fifo" t 60 "$SC" -v -N --reconnect \
	    --retry-interval 100ms 127.0.0.1 "$port" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	cpid=$BG_PID
	served b1 "" "$SC_TMP/c.out"
	head -c 200000 /dev/zero | tr '\0' x >&8
	exec 8>&-
	server b2 -l 127.0.0.1 "$port" || fail "no second server"
	wait_exit "$cpid" 40 || fail "the client did not end"
	assertEquals "status: data was lost" 1 "$WAIT_STATUS"
	got=$(stat -c %s "$SC_TMP/b2.out")
	lost=$(sed -n 's/^sockcat: \([0-9]*\) bytes of stdin lost while disconnected (65536 at most wait)$/\1/p' "$SC_TMP/c.err")
	assertNotNull "the loss said: $(<"$SC_TMP/c.err")" "$lost"
	assertEquals "nothing dropped unsaid" 200000 $((got + ${lost:-0}))
	assertTrue "most of it lost: $lost" "[ ${lost:-0} -ge $((200000 - 2 * 65536)) ]"
	assertEquals "what arrived is what was sent" "" \
	    "$(tr -d x <"$SC_TMP/b2.out")"
}

# stdin's end while the server is down: what waits goes to the next
# one, then the client ends as usual.
test_end_of_stdin_while_down() {
	held_stdin eof.fifo 8
	restart e1 0
	port=$PORT
	bg_in "$SC_TMP/eof.fifo" t 60 "$SC" -v -N --reconnect \
	    --retry-interval 100ms --on-connect login 127.0.0.1 "$port" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	cpid=$BG_PID
	served e1 login "$SC_TMP/c.out"
	echo "last words" >&8
	exec 8>&-
	restart e2 "$port"
	served e2 "login
last words" "$SC_TMP/c.out"
	wait_exit "$cpid" || fail "the client did not end"
	assertEquals "status" 0 "$WAIT_STATUS"
	assertEquals "shown" "from e1
from e2" "$(<"$SC_TMP/c.out")"
}

# --on-connect @FILE sends the file as it is; @@ starts a text with @.
test_on_connect_forms() {
	printf 'USER me\r\nPASS x\r\n' >"$SC_TMP/login"
	server f1 -l 127.0.0.1 0 || fail "no server"
	t 10 "$SC" -N --on-connect "@$SC_TMP/login" 127.0.0.1 "$PORT" \
	    </dev/null >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "file: status" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "file: as it is" "USER me
PASS x
." "$(tr -d '\r' <"$SC_TMP/f1.out"; echo .)"
	assertEquals "file: the CRs too" 2 "$(tr -cd '\r' <"$SC_TMP/f1.out" | wc -c)"
	server f2 -l 127.0.0.1 0 || fail "no server"
	echo data | t 10 "$SC" -N -C --on-connect @@home 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "text: status" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "text: @@ is @, CR LF with -C, before stdin" \
	    "$(printf '@home\r\ndata\r\n.')" "$(cat "$SC_TMP/f2.out"; echo .)"
	expect_error "--on-connect $SC_TMP/none: No such file or directory" \
	    --on-connect "@$SC_TMP/none" 127.0.0.1 1
	head -c 65537 /dev/zero >"$SC_TMP/big"
	expect_error "--on-connect $SC_TMP/big: longer than 65536 bytes" \
	    --on-connect "@$SC_TMP/big" 127.0.0.1 1
}

# A listener greets each client first, as a client greets its server:
# -lk's clients in turn, and -lk -c's program's clients, before the
# program's own words.
test_on_connect_listener_greets_each_client() {
	server g1 -lk --on-connect "welcome" 127.0.0.1 0 || fail "no server"
	for _i in 1 2; do
		echo "from $_i" | t 10 "$SC" -N 127.0.0.1 "$PORT" \
		    >"$SC_TMP/c$_i.out" 2>"$SC_TMP/c$_i.err"
		assertEquals "client $_i: status" 0 $?
		assertEquals "client $_i: the greeting" "welcome" \
		    "$(<"$SC_TMP/c$_i.out")"
	done
	wait_for "$SC_TMP/g1.out" "^from 2$" || fail "server heard: $(<"$SC_TMP/g1.out")"
	assertEquals "the server heard each" "from 1
from 2" "$(<"$SC_TMP/g1.out")"
	server g2 -lk --on-connect "welcome" -c 'echo served' \
	    127.0.0.1 0 || fail "no server"
	for _i in 1 2; do
		t 10 "$SC" 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/d$_i.out" \
		    2>"$SC_TMP/d$_i.err"
		assertEquals "program client $_i: status" 0 $?
		assertEquals "program client $_i: greeting, then the program" \
		    "welcome
served" "$(<"$SC_TMP/d$_i.out")"
	done
}

# The first dial fails: --reconnect has nothing to make again, and the
# user, who may have meant it to wait for a server not up yet, is told
# what the failure was and that --retry waits for the first.
test_first_dial_fails_names_retry() {
	port=$(free_port)
	t 20 "$SC" --reconnect 127.0.0.1 "$port" </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	assertEquals "nothing out" "" "$(<"$SC_TMP/c.out")"
	assertEquals "stderr" "sockcat: connect to 127.0.0.1 port $port (tcp) failed: Connection refused
sockcat: --reconnect dials again only after a connection ends: --retry forever waits for the first" \
	    "$(<"$SC_TMP/c.err")"
}

test_refusals() {
	expect_error "cannot use --reconnect with -l" --reconnect -l 5000
	expect_error "cannot use --reconnect with -l" --reconnect=3 -lk 5000
	# A pair's listener, which the rows on -l do not see: it was dropped.
	expect_error "tcp-l:127.0.0.1:0 -: cannot use --reconnect with a listener" \
	    --reconnect tcp-l:127.0.0.1:0 -
	expect_error "- udp-l:127.0.0.1:0: cannot use --reconnect with a listener" \
	    --reconnect - udp-l:127.0.0.1:0
	expect_error "--reconnect is for one stream wired to stdin and stdout: it takes no -u" \
	    --reconnect -u 127.0.0.1 5000
	expect_error "--reconnect is for one stream wired to stdin and stdout: it takes no several ports" \
	    --reconnect 127.0.0.1 5000-5001
	expect_error "--on-connect greets each stream connection: it takes no -u" \
	    --on-connect hi -u 127.0.0.1 5000
	expect_error "--on-connect greets each stream connection: it takes no -u" \
	    --on-connect hi -u -l 5000
	expect_error "reconnect count too small: 0" --reconnect=0 127.0.0.1 5000
	expect_error "must use --retry or --reconnect with --retry-interval" \
	    --retry-interval 1s 127.0.0.1 5000
}

# example TEXT FROM TO: the example TEXT, printed as is in the README or
# the manual, with FROM (its host and port) made TO, in EX.
example() {
	grep -qF -- "$1" "$README" || in_manual "$1" ||
	    fail "not in the documents: $1"
	EX=${1/"$2"/"$3"}
}

# example_client NAME: run the example in EX (with --retry-interval
# 50ms added, so that the test is quick) in $SC_TMP, its stdin the held
# FIFO ex.fifo, output in NAME.out and NAME.err; CPID is its process.
example_client() {
	eval "cmd=($EX)"
	cmd[0]=$SC
	cd "$SC_TMP" || return
	bg_in "$SC_TMP/ex.fifo" t 60 "${cmd[@]}" --retry-interval 50ms \
	    >"$SC_TMP/$1.out" 2>"$SC_TMP/$1.err"
	CPID=$BG_PID
	cd - >/dev/null || return
}

# The examples of the manual and the README, each a client of a server
# that restarts once.
test_examples() {
	held_stdin ex.fifo 8
	printf 'NICK me\r\n' >"$SC_TMP/login.txt"
	# A subscriber that sends nothing but its line (-d).
	restart sub1 0
	port=$PORT
	example "sockcat -d --reconnect --on-connect 'SUBSCRIBE news' host 7000" \
	    "host 7000" "127.0.0.1 $port"
	example_client sub
	served sub1 "SUBSCRIBE news" "$SC_TMP/sub.out"
	restart sub2 "$port"
	served sub2 "SUBSCRIBE news" "$SC_TMP/sub.out"
	assertEquals "subscriber: both heard" "from sub1
from sub2" "$(<"$SC_TMP/sub.out")"
	stop "$CPID"
	# A client that logs in on every connection.
	restart log1 0
	port=$PORT
	example "sockcat --reconnect=10 --on-connect @login.txt irc.example.com 6667" \
	    "irc.example.com 6667" "127.0.0.1 $port"
	example_client log
	served log1 "$(printf 'NICK me\r')" "$SC_TMP/log.out"
	restart log2 "$port"
	served log2 "$(printf 'NICK me\r')" "$SC_TMP/log.out"
	assertEquals "login: both shown" "from log1
from log2" "$(<"$SC_TMP/log.out")"
	assertEquals "login: nothing said" "" "$(<"$SC_TMP/log.err")"
	stop "$CPID"
	# The README's.
	restart hel1 0
	port=$PORT
	example "sockcat --reconnect --on-connect hello host 7000" \
	    "host 7000" "127.0.0.1 $port"
	example_client hel
	served hel1 hello "$SC_TMP/hel.out"
	restart hel2 "$port"
	served hel2 hello "$SC_TMP/hel.out"
	stop "$CPID"
	exec 8>&-
}

sc_run_shunit2
