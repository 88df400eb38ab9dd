#!/bin/bash
# A cut stream is never taken for a whole one.  A TLS stream ends with its
# close_notify; one that ends without it was cut (a relay, a forwarder or
# a process in the path stopped): with --secret, with a verified or
# pinned peer, and between two sockcats, that is an error of one line
# that says how many bytes came, status 1, with what came still written;
# with an unverified peer that is no sockcat it is the end, said with -v.
# Every mode that carries a stream to a file: --secret directly and over
# --via (TCP and WebSocket), the --ssl client and server, tls:, wss://.
# And a stream that ends in order still ends with status 0 on both sides.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require openssl python3
sc_require_tls
sc_certs

CUTPEER="python3 ${TESTS_DIR:-$(dirname "$0")}/cutpeer.py"
CODE=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK
# What a cut says, and the count it gives in BASH_REMATCH[1].
CUT_RE='^sockcat: read from [^:]*: the stream was cut before its end '
CUT_RE+='\(([0-9]+) bytes came\)$'
# What -v says of a cut taken for the end.
CUT_SAID='TLS: the stream was cut before its end (4000000 bytes came); '
CUT_SAID+='taken for its end (--ssl-verify makes it an error)'

setUp() {
	sc_tmp
	head -c 4000000 /dev/urandom >"$SC_TMP/data"
}

# cut_peer LIMIT up|down: a cutpeer.py forwarder to PORT, cutting after
# LIMIT bytes one way; its port in CPORT.
cut_peer() {
	bg t 60 $CUTPEER cut "$SC_TMP/cut.port" "$PORT" "$1" "$2"
	wait_for "$SC_TMP/cut.port" '^[0-9]+$' ||
	    { fail "no forwarder"; return 1; }
	CPORT=$(<"$SC_TMP/cut.port")
}

# assert_cut NAME STATUS: NAME.err is the cut's one line, its count the
# size of NAME.got, which is the start of the data; STATUS 1.
assert_cut() {
	local err size
	err=$(<"$SC_TMP/$1.err")
	assertEquals "$1's status: $err" 1 "$2"
	size=$(stat -c %s "$SC_TMP/$1.got")
	if [[ $err =~ $CUT_RE ]]; then
		assertEquals "the count is what came" "$size" \
		    "${BASH_REMATCH[1]}"
	else
		fail "$1 says: $err"
	fi
	assertTrue "some came" "[ $size -gt 0 ]"
	assertTrue "less than all" "[ $size -lt 4000000 ]"
	assertTrue "what came is the data's start" \
	    "cmp -s -n $size '$SC_TMP/data' '$SC_TMP/$1.got'"
}

# receive NAME PORT ARGS...: a sockcat client of 127.0.0.1 PORT, its
# output in NAME.got, its stderr in NAME.err, its status in ST.
receive() {
	local name=$1 port=$2
	shift 2
	t 30 "$SC" "$@" 127.0.0.1 "$port" </dev/null >"$SC_TMP/$name.got" \
	    2>"$SC_TMP/$name.err"
	ST=$?
}

test_secret_cut_in_the_path_is_an_error() {
	cp "$SC_TMP/data" "$SC_TMP/s.in"
	server s -l --secret="$CODE" 127.0.0.1 0 || return
	cut_peer 300000 down || return
	receive r "$CPORT" --secret="$CODE"
	assert_cut r "$ST"
}

test_secret_whole_ends_well_on_both_sides() {
	cp "$SC_TMP/data" "$SC_TMP/s.in"
	server s -N -l --secret="$CODE" 127.0.0.1 0 || return
	receive r "$PORT" --secret="$CODE"
	assertEquals "receiver: $(<"$SC_TMP/r.err")" 0 "$ST"
	assertEquals "receiver says nothing" "" "$(<"$SC_TMP/r.err")"
	assertTrue "all came" "cmp -s '$SC_TMP/data' '$SC_TMP/r.got'"
	# The receiver's end was in order: the sender's too.
	wait_exit "$SERVER_PID"
	assertEquals "sender: $(<"$SC_TMP/s.err")" 0 "$WAIT_STATUS"
	assertNotContains "the sender saw no cut" "$(<"$SC_TMP/s.err")" cut
}

# A sender stopped by a signal never said its end.
test_secret_sender_killed_is_a_cut() {
	held_stdin s.in 8
	SERVER_STDIN=$SC_TMP/s.in server s -l --secret="$CODE" 127.0.0.1 0 ||
	    return
	bg t 30 "$SC" --secret="$CODE" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/r.got" 2>"$SC_TMP/r.err"
	R=$BG_PID
	t 20 head -c 1000000 "$SC_TMP/data" >&8
	wait_size "$SC_TMP/r.got" 1000000 || fail "nothing came"
	kill -TERM "$SERVER_PID"
	wait_exit "$R"
	assert_cut r "$WAIT_STATUS"
	exec 8>&-
}

# via_cut RELAY-ARGS VIA: two --via clients paired by a relay, which is
# stopped mid-transfer (SIGTERM): the receiver has a cut stream.
via_cut() {
	server relay --relay $1 127.0.0.1 0 || return
	local via=$2$PORT
	held_stdin a.in 8
	bg_in "$SC_TMP/a.in" t 30 "$SC" -N -l --via "$via" \
	    --secret="$CODE" >/dev/null 2>"$SC_TMP/a.err"
	bg t 30 "$SC" --via "$via" --secret="$CODE" >"$SC_TMP/r.got" \
	    2>"$SC_TMP/r.err"
	R=$BG_PID
	wait_for "$SC_TMP/relay.err" 'paired' || fail "no pair"
	t 20 head -c 1000000 "$SC_TMP/data" >&8
	wait_size "$SC_TMP/r.got" 1000000 || fail "nothing came"
	kill -TERM "$SERVER_PID"
	wait_exit "$R"
	# The relay's own notice of the wait goes first.
	sed -i '/^Waiting at /d' "$SC_TMP/r.err"
	assert_cut r "$WAIT_STATUS"
	exec 8>&-
}

test_via_tcp_relay_stopped_is_a_cut() {
	via_cut "" "127.0.0.1:"
}

test_via_websocket_relay_stopped_is_a_cut() {
	via_cut --websocket "ws://127.0.0.1:"
}

# A server that ends without close_notify, as many web servers do, beside
# openssl s_client, which says the same of it.
tls_cut_server() {
	rm -f "$SC_TMP/tls.port"
	bg t 30 $CUTPEER tls-server "$SC_TMP/tls.port" "$CERTS/srv.pem" \
	    "$CERTS/srv.key" "$SC_TMP/data" $1
	wait_for "$SC_TMP/tls.port" '^[0-9]+$' || { fail "no server"; return 1; }
	PORT=$(<"$SC_TMP/tls.port")
}

test_openssl_sees_the_server_cut_too() {
	tls_cut_server || return
	t 30 openssl s_client -quiet -connect "127.0.0.1:$PORT" </dev/null \
	    >"$SC_TMP/o.got" 2>"$SC_TMP/o.err"
	assertContains "s_client: $(<"$SC_TMP/o.err")" \
	    "$(<"$SC_TMP/o.err")" "unexpected eof"
}

test_ssl_unverified_cut_is_the_end_said_with_v() {
	tls_cut_server || return
	receive r "$PORT" --ssl
	assertEquals "status: $(<"$SC_TMP/r.err")" 0 "$ST"
	assertEquals "nothing said without -v" "" "$(<"$SC_TMP/r.err")"
	assertTrue "all came" "cmp -s '$SC_TMP/data' '$SC_TMP/r.got'"
	tls_cut_server || return
	receive r "$PORT" -v --ssl
	assertEquals "status with -v" 0 "$ST"
	assertEquals "-v says it" "sockcat: $CUT_SAID" \
	    "$(grep -v -e '^Connection to' -e '^TLS ' "$SC_TMP/r.err")"
}

test_ssl_verified_cut_is_an_error() {
	tls_cut_server || return
	t 30 "$SC" --ssl-verify --ssl-trustfile "$CERTS/ca.pem" localhost \
	    "$PORT" </dev/null >"$SC_TMP/r.got" 2>"$SC_TMP/r.err"
	ST=$?
	assertEquals "status: $(<"$SC_TMP/r.err")" 1 "$ST"
	assertTrue "the line: $(<"$SC_TMP/r.err")" \
	    "grep -Eqx '$CUT_RE' '$SC_TMP/r.err'"
	assertTrue "all that came is written" \
	    "cmp -s '$SC_TMP/data' '$SC_TMP/r.got'"
}

test_ssl_pinned_cut_is_an_error() {
	local pin
	pin=$(openssl x509 -in "$CERTS/srv.pem" -outform der |
	    openssl dgst -sha256 -hex | sed 's/.*= //')
	tls_cut_server || return
	receive r "$PORT" --ssl-pin "$pin"
	assertEquals "status: $(<"$SC_TMP/r.err")" 1 "$ST"
	assertTrue "the line" "grep -Eqx '$CUT_RE' '$SC_TMP/r.err'"
}

test_tls_address_verified_cut_is_an_error() {
	tls_cut_server || return
	# Its stdin held open: the pair's end is the server's alone.
	held_stdin r.in 8
	bg_in "$SC_TMP/r.in" t 30 "$SC" - \
	    "tls:localhost:$PORT,verify=1,cafile=$CERTS/ca.pem" \
	    >"$SC_TMP/r.got" 2>"$SC_TMP/r.err"
	wait_exit "$BG_PID"
	exec 8>&-
	assertEquals "status: $(<"$SC_TMP/r.err")" 1 "$WAIT_STATUS"
	assertTrue "the line: $(<"$SC_TMP/r.err")" \
	    "grep -Eqx '$CUT_RE' '$SC_TMP/r.err'"
}

test_ssl_verified_clean_end_is_no_error() {
	tls_cut_server clean || return
	t 30 "$SC" --ssl-verify --ssl-trustfile "$CERTS/ca.pem" localhost \
	    "$PORT" </dev/null >"$SC_TMP/r.got" 2>"$SC_TMP/r.err"
	assertEquals "status: $(<"$SC_TMP/r.err")" 0 $?
	assertTrue "all came" "cmp -s '$SC_TMP/data' '$SC_TMP/r.got'"
}

# A listener whose client is sockcat: the two know each other, so the
# client's stream cut on the way is an error.
test_ssl_server_cut_from_a_sockcat_is_an_error() {
	server s -l --ssl 127.0.0.1 0 || return
	cut_peer 300000 up || return
	t 30 "$SC" -N --ssl 127.0.0.1 "$CPORT" <"$SC_TMP/data" >/dev/null \
	    2>/dev/null
	wait_exit "$SERVER_PID"
	mv "$SC_TMP/s.out" "$SC_TMP/s.got"
	# What -v says before it, the certificate's notice: not the cut.
	grep '^sockcat: ' "$SC_TMP/s.err" | grep -v 'temporary' \
	    >"$SC_TMP/s.err2"
	mv "$SC_TMP/s.err2" "$SC_TMP/s.err"
	assert_cut s "$WAIT_STATUS"
}

# And from an unverified client that is no sockcat: the end, said with -v.
test_ssl_server_cut_from_another_client_is_the_end() {
	server s -l --ssl 127.0.0.1 0 || return
	t 30 $CUTPEER tls-client 127.0.0.1 "$PORT" "$SC_TMP/data"
	wait_exit "$SERVER_PID"
	assertEquals "status: $(<"$SC_TMP/s.err")" 0 "$WAIT_STATUS"
	assertTrue "all came" "cmp -s '$SC_TMP/data' '$SC_TMP/s.out'"
	assertTrue "-v says it: $(<"$SC_TMP/s.err")" \
	    "grep -qxF 'sockcat: $CUT_SAID' '$SC_TMP/s.err'"
}

test_wss_cut_is_an_error() {
	cp "$SC_TMP/data" "$SC_TMP/s.in"
	server s -l --websocket --ws-binary --ssl 127.0.0.1 0 || return
	cut_peer 300000 down || return
	t 30 "$SC" "wss://127.0.0.1:$CPORT/" --ws-binary --ws-insecure \
	    </dev/null >"$SC_TMP/r.got" 2>"$SC_TMP/r.err"
	ST=$?
	assertEquals "status: $(<"$SC_TMP/r.err")" 1 "$ST"
	assertTrue "the line: $(<"$SC_TMP/r.err")" \
	    "grep -Eqx '$CUT_RE' '$SC_TMP/r.err'"
	assertTrue "what came is the data's start" \
	    "cmp -s -n $(stat -c %s "$SC_TMP/r.got") '$SC_TMP/data' '$SC_TMP/r.got'"
}

# The ends that are in order: -q 0 after stdin's end, and a server that
# closes first; neither side says a cut.
test_ordered_ends_are_whole() {
	server s -l --ssl 127.0.0.1 0 || return
	t 30 "$SC" -q 0 --ssl 127.0.0.1 "$PORT" <"$SC_TMP/data" \
	    >/dev/null 2>"$SC_TMP/c.err"
	assertEquals "client: $(<"$SC_TMP/c.err")" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "server: $(<"$SC_TMP/s.err")" 0 "$WAIT_STATUS"
	assertTrue "all came" "cmp -s '$SC_TMP/data' '$SC_TMP/s.out'"
	cp "$SC_TMP/data" "$SC_TMP/s2.in"
	server s2 -l -q 0 --ssl 127.0.0.1 0 || return
	receive r "$PORT" --ssl
	assertEquals "client of a server that closes: $(<"$SC_TMP/r.err")" \
	    0 "$ST"
	assertTrue "all came" "cmp -s '$SC_TMP/data' '$SC_TMP/r.got'"
}

sc_run_shunit2
