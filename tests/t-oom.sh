#!/bin/bash
# Out of memory at every step: each allocation of a run made to fail in
# turn (tests/allocinj.so, SC_FAULT=alloc:N:ENOMEM: the Nth allocation
# of sockcat's own code fails, one run for each N), in the modes people
# run: servers (a listener with a line to send, -e, socat's pair and
# socat's own TCP-LISTEN, the forwarder, TLS and WebSocket servers, a
# Unix socket, the proxy servers, -lk -e, --ws-static, the broker, the
# room, the relay) and
# clients (-zv, - tcp:, HTTP CONNECT, --record, --hex-dump, a script,
# TLS, WebSocket, SOCKS5).  For each N sockcat either does its
# job as if nothing had happened (an allocation it can do without) or
# says why in one line and ends with status 1; never a crash, a hang,
# another status, a second line or a silent loss.  A sweep ends at the
# first N the run does not reach, which must be a clean run: so every
# allocation of the job is tried, and the sweep knows it has seen them.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_alone_netns "$@"
. "${TESTS_DIR:-$(dirname "$0")}/sweep.sh"

test_plain_listener() {
	echo greeting >"$SC_TMP/in"
	SERVER_STDIN=$SC_TMP/in sweep_server greet_client -l 127.0.0.1 0
	echo "# plain listener: $SWEPT runs"
}

test_program_server() {
	# Two words: one is kept when the second cannot be.
	sweep_server echo_client -l 127.0.0.1 0 -e "/bin/cat -u"
	echo "# -e: $SWEPT runs"
}

test_socat_pair() {
	sweep_server echo_client tcp-l:127.0.0.1:0,fork=0 exec:cat
	echo "# tcp-l: exec:: $SWEPT runs"
}

test_forwarder() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	back=$PORT
	sweep_server echo_client -l 127.0.0.1 0 --forward "127.0.0.1:$back"
	echo "# --forward: $SWEPT runs"
}

test_tls_server() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	sweep_server tls_client -l --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" 127.0.0.1 0 -e /bin/cat
	echo "# TLS server: $SWEPT runs"
}

test_websocket_server() {
	sweep_server ws_client -l --websocket 127.0.0.1 0 -e /bin/cat
	echo "# WebSocket server: $SWEPT runs"
}

test_unix_program_server() {
	UNIX_PATH=$SC_TMP/sock sweep_server unix_client -l -U "$SC_TMP/sock" \
	    -e /bin/cat
	echo "# -U -e: $SWEPT runs"
}

test_tls_forwarder() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	back=$PORT
	sweep_server tls_client -l --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" 127.0.0.1 0 --forward "127.0.0.1:$back"
	echo "# TLS --forward: $SWEPT runs"
}

test_websocket_bridge() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	back=$PORT
	sweep_server ws_client -l --websocket 127.0.0.1 0 \
	    --forward "127.0.0.1:$back"
	echo "# WebSocket to TCP: $SWEPT runs"
}

test_socat_listener() {
	# socat's error line: "DATE TIME socat[PID] E why", digits as N.
	OWN_LINE='^N/N/N N:N:N socat\[N\] E ' SERVER_BIN=$FSOCAT \
	    sweep_server echo_client TCP-LISTEN:0,bind=127.0.0.1 EXEC:/bin/cat
	echo "# socat's TCP-LISTEN EXEC: $SWEPT runs"
}

# Servers of many clients: each client not served is said, and the next
# is; the server is stopped with SIGTERM.
test_static_page_server() {
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	KEEPS=1 sweep_server page_client -lk --websocket --ws-static \
	    "$SC_TMP/www" 127.0.0.1 0
	echo "# --ws-static: $SWEPT runs"
}

test_tls_server_of_many() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	KEEPS=1 sweep_server tls_client -lk --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" 127.0.0.1 0 -e /bin/cat
	echo "# TLS -lk -e: $SWEPT runs"
}

test_room() {
	KEEPS=1 sweep_server member_client -l --room 127.0.0.1 0
	echo "# --room: $SWEPT runs"
}

test_relay() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	KEEPS=1 sweep_server relay_client --relay -n 0
	echo "# --relay: $SWEPT runs"
}

test_websocket_server_with_auth() {
	sweep_server auth_ws_client -l --websocket --auth alice:s3cret \
	    127.0.0.1 0 -e /bin/cat
	echo "# WebSocket server, --auth: $SWEPT runs"
}

test_broker() {
	KEEPS=1 sweep_server member_client -l --broker 127.0.0.1 0
	echo "# --broker: $SWEPT runs"
}

test_http_proxy_server() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	BACK=$PORT
	KEEPS=1 sweep_server connect_client -l --proxy-type http 127.0.0.1 0
	echo "# HTTP proxy server: $SWEPT runs"
}

test_socks5_server() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	BACK=$PORT
	KEEPS=1 sweep_server socks_client -l --proxy-type socks5 127.0.0.1 0
	echo "# SOCKS5 server: $SWEPT runs"
}

test_program_server_of_many() {
	KEEPS=1 sweep_server echo_client -lk 127.0.0.1 0 -e /bin/cat
	echo "# -lk -e: $SWEPT runs"
}

# The clients faulted, against servers of our own that stay up.

test_verifying_tls_client() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	server srv -lk --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    127.0.0.1 0 -e /bin/cat || fail "no server"
	sweep_client run_echo -N --ssl --ssl-verify --ssl-trustfile \
	    "$CERTS/ca.pem" --ssl-servername localhost 127.0.0.1 "$PORT"
	echo "# TLS client, verifying: $SWEPT runs"
}

test_hex_dump_client() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	sweep_client dump_run
	echo "# --hex-dump client: $SWEPT runs"
}

test_script_client() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	sweep_client run_ok -C --send 'hello\r\n' --expect '^hello' \
	    127.0.0.1 "$PORT"
	echo "# --send --expect client: $SWEPT runs"
}

test_websocket_binary_client() {
	server srv -lk --websocket --ws-binary 127.0.0.1 0 -e /bin/cat ||
	    fail "no server"
	sweep_client run_echo --ws-binary "ws://127.0.0.1:$PORT/"
	echo "# WebSocket binary client: $SWEPT runs"
}

test_script_file_client() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	printf '%s\n' '# the echo' 'timeout 5s' 'send hello\r\n' \
	    'expect ^(h)ello$' 'send \1i\r\n' 'expect ^hi$' 'close' \
	    >"$SC_TMP/echo.chat"
	sweep_client run_ok -C --script "$SC_TMP/echo.chat" 127.0.0.1 \
	    "$PORT"
	echo "# --script client: $SWEPT runs"
}

# A read that fails ends the comparison with the recording early, which
# is said too: two lines, each true.
test_replay_client() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	echo hello | t 10 "$SC" -N --record "$SC_TMP/echo.rec" 127.0.0.1 \
	    "$PORT" >/dev/null || fail "no recording"
	MAX_LINES=2 sweep_client run_ok --replay \
	    "$SC_TMP/echo.rec,side=client" 127.0.0.1 "$PORT"
	echo "# --replay client: $SWEPT runs"
}

test_scan_client() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	sweep_client scan_run
	echo "# -zv: $SWEPT runs"
}

test_pair_client() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	sweep_client run_echo - "tcp:127.0.0.1:$PORT"
	echo "# - tcp:: $SWEPT runs"
}

test_http_connect_client() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	BACK=$PORT
	server proxy -lk --proxy-type http 127.0.0.1 0 || fail "no proxy"
	PROXY=$PORT
	sweep_client run_echo -N -X connect -x "127.0.0.1:$PROXY" \
	    127.0.0.1 "$BACK"
	echo "# HTTP CONNECT client: $SWEPT runs"
}

test_record_client() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	sweep_client record_run
	echo "# --record client: $SWEPT runs"
}

test_tls_client() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	server srv -lk --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    127.0.0.1 0 -e /bin/cat || fail "no server"
	sweep_client run_echo -N --ssl 127.0.0.1 "$PORT"
	echo "# TLS client: $SWEPT runs"
}

test_websocket_client() {
	server srv -lk --websocket 127.0.0.1 0 -e /bin/cat || fail "no server"
	sweep_client run_echo "ws://127.0.0.1:$PORT/"
	echo "# WebSocket client: $SWEPT runs"
}

test_socks5_client() {
	server back -lk -e /bin/cat 127.0.0.1 0 || fail "no backend"
	BACK=$PORT
	server proxy -lk --proxy-type socks5 127.0.0.1 0 || fail "no proxy"
	PROXY=$PORT
	sweep_client run_echo -N -X 5 -x "127.0.0.1:$PROXY" 127.0.0.1 \
	    "$BACK"
	echo "# SOCKS5 client: $SWEPT runs"
}

sc_run_shunit2 2
