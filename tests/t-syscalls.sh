#!/bin/bash
# A system that says no at every step: each call of the system calls a
# server or a client makes (sockets, binds, listens, options, accepts,
# connects, the event loop's registrations, pipes, processes) made to
# fail in turn, one run for each (tests/sweep.sh, the sweep of
# t-oom.sh with SWEEP_FUNC a system call), in the modes people run.
# For each, sockcat does its job as if nothing had happened (a call it
# can do without, or one it tries again) or says why in one line and
# ends with status 1; never a crash, a hang, another status or a
# silent loss.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_alone_netns "$@"
. "${TESTS_DIR:-$(dirname "$0")}/sweep.sh"

# sweep_calls WHAT SWEEP ARGS...: SWEEP ARGS with each of the calls
# below failing in turn, with the error a busy or a strict system gives,
# and those of SWEEP_ALSO (CALL:ERRNO ...); not those named in SWEEP_SKIP.
sweep_calls() {
	_what=$1
	shift
	_faulted=0
	for _call in socket:EMFILE setsockopt:ENOPROTOOPT bind:EADDRINUSE \
	    listen:EADDRINUSE accept4:EMFILE connect:ECONNREFUSED \
	    epoll_ctl:ENOMEM pipe2:EMFILE socketpair:EMFILE fork:EAGAIN \
	    ${SWEEP_ALSO:-}; do
		case " ${SWEEP_SKIP:-} " in
		*" ${_call%%:*} "*) continue ;;
		esac
		SWEEP_FUNC=${_call%%:*} SWEEP_ERRNO=${_call#*:} "$@"
		echo "# $_what, ${_call%%:*}: $((SWEPT - 1)) calls failed"
		_faulted=$((_faulted + SWEPT - 1))
	done
	# The library took calls: else every sweep passes for nothing.
	assertTrue "$_what: no call failed" "[ $_faulted -gt 0 ]"
}

test_plain_listener() {
	echo greeting >"$SC_TMP/in"
	SERVER_STDIN=$SC_TMP/in sweep_calls "plain listener" sweep_server \
	    greet_client -l 127.0.0.1 0
}

test_program_server() {
	sweep_calls "-e" sweep_server echo_client -l 127.0.0.1 0 -e /bin/cat
}

test_forwarder() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	sweep_calls "--forward" sweep_server echo_client -l 127.0.0.1 0 \
	    --forward "127.0.0.1:$PORT"
}

test_websocket_server() {
	sweep_calls "WebSocket server" sweep_server ws_client -l --websocket \
	    127.0.0.1 0 -e /bin/cat
}

test_socat_pair() {
	sweep_calls "tcp-l: exec:" sweep_server echo_client \
	    tcp-l:127.0.0.1:0,fork=0 exec:cat
}

test_program_server_of_many() {
	KEEPS=1 sweep_calls "-lk -e" sweep_server echo_client -lk \
	    127.0.0.1 0 -e /bin/cat
}

test_tls_server() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	sweep_calls "TLS server" sweep_server tls_client -l --ssl-cert \
	    "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" 127.0.0.1 0 -e /bin/cat
}

test_unix_program_server() {
	UNIX_PATH=$SC_TMP/sock sweep_calls "-U -e" sweep_server unix_client \
	    -l -U "$SC_TMP/sock" -e /bin/cat
}

# Servers of many clients: each client not served is said, and the next
# is; the server is stopped with SIGTERM.
test_servers_of_many() {
	KEEPS=1 sweep_calls "--broker" sweep_server member_client -l \
	    --broker 127.0.0.1 0
	KEEPS=1 sweep_calls "--room" sweep_server member_client -l --room \
	    127.0.0.1 0
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	KEEPS=1 sweep_calls "--ws-static" sweep_server page_client -lk \
	    --websocket --ws-static "$SC_TMP/www" 127.0.0.1 0
}

# The proxy server out of descriptors for a client's destination tells
# the client (502) and says so, -v or not: the failure is its own, not
# the destination's.
test_proxy_server_own_error_said() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	BACK=$PORT
	SWEEP_FUNC=socket SWEEP_ERRNO=EMFILE KEEPS=1 serve_once 2 \
	    connect_client -l --proxy-type http 127.0.0.1 0
	assertEquals "said" \
	    "sockcat: proxy: 127.0.0.1 N: socket: Too many open files" \
	    "$(sed -E 's/ [0-9]+:/ N:/' "$SC_TMP/s.err")"
	assertEquals "the next client served" 0 "$OK"
}

# A program on a terminal of its own for each client: what the client
# sends, echoed by the terminal and by the program, comes back.  (A
# server of one such client exits with its program's status: the
# terminal hung up at the client's end, 129.)
test_pty_program_server() {
	SWEEP_ALSO=posix_openpt:EAGAIN KEEPS=1 sweep_calls "-lk --pty -e" \
	    sweep_server pty_client -lk 127.0.0.1 0 --pty -e /bin/cat
}

# A terminal to a board (the README's serial: recipe), on a stand-in
# line (two pseudo-terminals joined by socat): the line's modes read,
# set and put back, each of those calls failing in turn too.
test_serial_line() {
	command -v socat >/dev/null || { sc_skip "no socat"; return; }
	bg t 120 socat PTY,link="$SC_TMP/a",raw PTY,link="$SC_TMP/b",raw
	wait_until test -e "$SC_TMP/a" -a -e "$SC_TMP/b" || fail "no line"
	bg t 120 python3 -c '
import os, sys, termios, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd, termios.TCSANOW)
print("ready", flush=True)
buf = b""
try:
    while True:
        buf += os.read(fd, 100)
        while b"\n" in buf:
            l, buf = buf.split(b"\n", 1)
            os.write(fd, b"board got: " + l.rstrip(b"\r") + b"\r\n")
except OSError:
    pass
' "$SC_TMP/b" >"$SC_TMP/board"
	wait_for "$SC_TMP/board" '^ready$' || fail "no board"
	SWEEP_ALSO="tcgetattr:EIO tcsetattr:EIO" SWEEP_SKIP="socket \
	    setsockopt bind listen accept4 connect socketpair" \
	    sweep_calls "serial:" sweep_client board_run
	# The line's own modes not put back at the end is said, the
	# board's answer delivered all the same.
	SC_FAULT=tcsetattr:2:EIO board_run
	assertEquals "modes not put back: status" 0 "$CST"
	assertEquals "modes not put back: said" \
	    "sockcat: $SC_TMP/a: its own modes could not be put back: Input/output error" \
	    "$(grep -v '^profiling:' "$SC_TMP/c.err")"
	assertEquals "the answer" "board got: hello" "$(tr -d '\r' <"$SC_TMP/c.out")"
}

# board_run: a line to the board on the faulted sockcat's serial line,
# its answer back within -q's second.
board_run() {
	echo hello | t 10 "$FSC" -q 1 "serial:$SC_TMP/a,115200" - \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	CST=$?
	grep -q '^board got: hello' "$SC_TMP/c.out"
}

# The HTTP and SOCKS5 proxy servers, a client's tunnel to a backend.  A
# destination that refuses (connect) is the client's news, told in its
# answer (502, a SOCKS5 failure), and said by the server under -v only.
test_proxy_servers() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	BACK=$PORT
	SWEEP_SKIP=connect KEEPS=1 sweep_calls "HTTP proxy server" \
	    sweep_server connect_client -lk --proxy-type http 127.0.0.1 0
	SWEEP_SKIP=connect KEEPS=1 sweep_calls "SOCKS5 proxy server" \
	    sweep_server socks_client -lk --proxy-type socks5 127.0.0.1 0
}

test_relay() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	KEEPS=1 sweep_calls "--relay" sweep_server relay_client --relay -n 0
}

test_clients() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	# nc says nothing of a connection refused but under -v.
	sweep_calls "client" sweep_client run_echo -v -N 127.0.0.1 "$PORT"
	sweep_calls "- tcp:" sweep_client run_echo - "tcp:127.0.0.1:$PORT"
	sweep_calls "-zv" sweep_client scan_run
}

# Through proxies of our own, not faulted: the dial's waits watched.
test_proxy_clients() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	BACK=$PORT
	server httpproxy -lk --proxy-type http 127.0.0.1 0 || fail "no proxy"
	HPROXY=$PORT
	server socksproxy -lk --proxy-type socks5 127.0.0.1 0 ||
	    fail "no proxy"
	SPROXY=$PORT
	sweep_calls "HTTP CONNECT client" sweep_client run_echo -v -N \
	    -X connect -x "127.0.0.1:$HPROXY" 127.0.0.1 "$BACK"
	sweep_calls "SOCKS5 client" sweep_client run_echo -v -N -X 5 \
	    -x "127.0.0.1:$SPROXY" 127.0.0.1 "$BACK"
}

# A failure under a script ends it early, which is said too: two lines,
# each true (the step that could not run, and why).
test_script_client() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	MAX_LINES=2 sweep_calls "--send --expect client" sweep_client run_ok -v -C \
	    --send 'hello\r\n' --expect '^hello' 127.0.0.1 "$PORT"
}

test_bridges() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	back=$PORT
	sweep_calls "WebSocket to TCP" sweep_server ws_client -l --websocket \
	    127.0.0.1 0 --forward "127.0.0.1:$back"
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	sweep_calls "TLS --forward" sweep_server tls_client -l --ssl-cert \
	    "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" 127.0.0.1 0 \
	    --forward "127.0.0.1:$back"
}

test_websocket_server_with_auth() {
	sweep_calls "WebSocket server, --auth" sweep_server auth_ws_client -l \
	    --websocket --auth alice:s3cret 127.0.0.1 0 -e /bin/cat
}

test_socat_listener() {
	# socat's error line: "DATE TIME socat[PID] E why", digits as N.
	OWN_LINE='^N/N/N N:N:N socat\[N\] E ' SERVER_BIN=$FSOCAT \
	    sweep_calls "socat's TCP-LISTEN EXEC:" sweep_server echo_client \
	    TCP-LISTEN:0,bind=127.0.0.1 EXEC:/bin/cat
}

test_websocket_client() {
	server srv -lk --websocket 127.0.0.1 0 -e /bin/cat || fail "no server"
	sweep_calls "WebSocket client" sweep_client run_echo \
	    "ws://127.0.0.1:$PORT/"
}

test_tls_client() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	server srv -lk --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    127.0.0.1 0 -e /bin/cat || fail "no server"
	sweep_calls "TLS client" sweep_client run_echo -v -N --ssl \
	    127.0.0.1 "$PORT"
}

sc_run_shunit2 2
