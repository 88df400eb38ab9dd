#!/bin/bash
# Data integrity: 256 MiB of random bytes (INTEGRITY_MIB to change it)
# through each path that relays a stream, compared by sha256: -N TCP, an
# echo server (-lk -e /bin/cat), the broker to three receivers, SOCKS5 and
# HTTP CONNECT through sockcat's own proxy server, and a --fifo filter.
# Every transfer is bounded, generously, for a loaded machine.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require openssl

MIB=${INTEGRITY_MIB:-256}
SIZE=$((MIB * 1024 * 1024))
# Seconds any one transfer may take: about 2 MiB/s on a busy machine.
XFER=$((MIB / 2 + 60))
SERVER_TIMEOUT=$((XFER + 60))

oneTimeSetUp() {
	DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-integrity.XXXXXX")
	head -c "$SIZE" /dev/urandom >"$DATA_DIR/data"
	SUM=$($SHA256 <"$DATA_DIR/data")
}

oneTimeTearDown() {
	sc_remove_tmp
	rm -rf "$DATA_DIR"
	sc_report
}

# Wait until file $1 holds $SIZE bytes, for up to $XFER seconds.
wait_whole() {
	wait_size "$1" "$SIZE" "$XFER"
}

assert_whole() {
	assertEquals "$2: size" "$SIZE" "$(stat -c %s "$1" 2>/dev/null)"
	assertEquals "$2: sha256" "$SUM" "$($SHA256 <"$1")"
}

# A plain receiver: sockcat -l > recv.out; sets RPORT.
receiver() {
	server recv -l 127.0.0.1 0 || return 1
	RPORT=$PORT
	RECV_PID=$SERVER_PID
}

test_tcp_shutdown() {
	receiver || fail "no receiver"
	t "$XFER" "$SC" -N 127.0.0.1 "$RPORT" <"$DATA_DIR/data"
	assertEquals "sender status" 0 $?
	wait_exit "$RECV_PID" "$XFER"
	assertEquals "receiver status" 0 "$WAIT_STATUS"
	assert_whole "$SC_TMP/recv.out" "-N TCP"
}

test_echo_server() {
	server echo -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	t "$XFER" "$SC" -N 127.0.0.1 "$PORT" <"$DATA_DIR/data" \
	    >"$SC_TMP/back"
	assertEquals "client status" 0 $?
	assert_whole "$SC_TMP/back" "echo"
}

test_broker_three_receivers() {
	server srv --broker --monitor -d 127.0.0.1 0 || fail "no server"
	for i in 1 2 3; do
		bg timeout -k 2 "$SERVER_TIMEOUT" "$SC" -d 127.0.0.1 "$PORT" \
		    >"$SC_TMP/r$i"
	done
	wait_lines "$SC_TMP/srv.err" '^Connection received' 3 ||
	    fail "receivers"
	t "$XFER" "$SC" -N 127.0.0.1 "$PORT" <"$DATA_DIR/data" >/dev/null
	assertEquals "sender status" 0 $?
	for i in 1 2 3; do
		wait_whole "$SC_TMP/r$i"
		assert_whole "$SC_TMP/r$i" "broker receiver $i"
		rm -f "$SC_TMP/r$i"
	done
	wait_whole "$SC_TMP/srv.out"
	assert_whole "$SC_TMP/srv.out" "broker stdout"
	assertFalse "nobody cut off" "grep -q disconnected '$SC_TMP/srv.err'"
}

# Through sockcat -l --proxy-type $1, with a client speaking -X $2.
through_proxy() {
	server px -k -l 127.0.0.1 0 --proxy-type "$1" || fail "no proxy"
	pport=$PORT
	receiver || fail "no receiver"
	t "$XFER" "$SC" -N -X "$2" -x "127.0.0.1:$pport" 127.0.0.1 "$RPORT" \
	    <"$DATA_DIR/data"
	assertEquals "sender status" 0 $?
	wait_exit "$RECV_PID" "$XFER"
	assertEquals "receiver status" 0 "$WAIT_STATUS"
	assert_whole "$SC_TMP/recv.out" "$1 proxy"
}

test_socks5_proxy_server() {
	through_proxy socks5 5
}

test_http_proxy_server() {
	through_proxy http connect
}

test_fifo_cat_filter() {
	bg timeout -k 2 "$SERVER_TIMEOUT" bash -c "cd '$SC_TMP' && \
	    { '$SC' -v -l 127.0.0.1 0 --fifo f 2>srv.err | cat >f; }; \
	    echo \$? >rc"
	wait_for "$SC_TMP/srv.err" '^Listening on' 15 || fail "no server"
	PORT=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
	t "$XFER" "$SC" -N 127.0.0.1 "$PORT" <"$DATA_DIR/data" \
	    >"$SC_TMP/back"
	assertEquals "client status" 0 $?
	assert_whole "$SC_TMP/back" "--fifo cat"
	wait_for "$SC_TMP/rc" . 15
	assertEquals "pipeline status" 0 "$(<"$SC_TMP/rc")"
}

sc_run_shunit2
