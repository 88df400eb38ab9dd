#!/bin/bash
# What a user is told: a chat caller turned away because the server is
# busy, the chat notices when stderr is not a terminal, --version's list
# of what was built in, TLS certificate and key files that cannot be
# used, --ssl-trustfile without --ssl-verify, "the server is full"
# for one connection, a TLS client that leaves before its handshake, a
# server out of descriptors, and a --forward target that refuses.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3
NC=${NC_OPENBSD:-/bin/nc.openbsd}

# A chat server on 127.0.0.1 talking with a partner that holds its stdin
# open: a busy server, for the callers of the tests.  Sets PORT.
busy_chat_server() {
	held_stdin srv.in 7
	SERVER_STDIN=$SC_TMP/srv.in server srv --chat -n -l 127.0.0.1 0 ||
	    return 1
	held_stdin a.in 8
	bg_in "$SC_TMP/a.in" t 30 "$SC" --chat -n 127.0.0.1 "$PORT" \
	    >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	wait_for "$SC_TMP/srv.err" '^connected to 127\.0\.0\.1 port' 20
}

tearDown() {
	exec 7>&- 8>&-
	sc_remove_tmp
	endSkipping
}

test_chat_caller_told_the_server_is_busy() {
	busy_chat_server || fail "no conversation"
	# The caller's input stays open: it is turned away, not leaving.
	t 10 "$SC" --chat -n 127.0.0.1 "$PORT" <"$SC_TMP/a.in" \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	assertEquals "status" 1 $?
	assertEquals "nothing shown as the partner's" "" "$(<"$SC_TMP/b.out")"
	assertEquals "stderr" "connected to 127.0.0.1 port $PORT
sockcat: 127.0.0.1 port $PORT is busy, already chatting; try later" \
	    "$(<"$SC_TMP/b.err")"
	# Not a partner who left.
	assertNotContains "$(<"$SC_TMP/b.err")" "left"
	assertTrue "server notice" "wait_for '$SC_TMP/srv.err' \
	    '^127\.0\.0\.1 port [0-9]+ turned away: busy$' 20"
}

test_busy_refusal_is_one_line_for_nc() {
	[ -x "$NC" ] || { sc_skip "nc.openbsd not installed"; return; }
	busy_chat_server || fail "no conversation"
	t 10 "$NC" -d 127.0.0.1 "$PORT" >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	assertEquals "sockcat: busy, already chatting; try later" \
	    "$(<"$SC_TMP/b.out")"
	assertEquals "one line" 1 "$(wc -l <"$SC_TMP/b.out")"
}

test_the_same_line_from_a_partner_is_shown() {
	# Said within a conversation, the words are the partner's.
	busy_chat_server || fail "no conversation"
	echo "sockcat: busy, already chatting; try later" >&7
	echo ":q" >&7
	wait_exit "$BG_PID" 20
	assertEquals "shown" "sockcat: busy, already chatting; try later
:q" "$(<"$SC_TMP/a.out")"
	assertEquals "the partner left: status" 0 "$WAIT_STATUS"
	assertContains "$(<"$SC_TMP/a.err")" \
	    "127.0.0.1 port $PORT left"
}

test_chat_notices_when_stderr_is_not_a_terminal() {
	held_stdin srv.in 7
	SERVER_STDIN=$SC_TMP/srv.in server srv --chat -k -n -l 127.0.0.1 0 ||
	    fail "no server"
	assertEquals "waiting notice" "Listening on 127.0.0.1 $PORT
waiting for someone to talk to on port $PORT" "$(<"$SC_TMP/srv.err")"
	echo ":q" | t 10 "$SC" --chat -n 127.0.0.1 "$PORT" >/dev/null 2>&1
	assertTrue "waits again" "wait_for '$SC_TMP/srv.err' \
	    '^waiting for someone to talk to$' 20"
}

test_version_lists_features() {
	t 5 "$SC" --version >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals 0 $?
	assertEquals "" "$(<"$SC_TMP/err")"
	assertTrue "first line" "head -n 1 '$SC_TMP/out' |
	    grep -Eqx 'sockcat [0-9]+\.[0-9]+\.[0-9]+'"
	assertTrue "TLS" "grep -Eqx 'TLS: (yes, .*|no)' '$SC_TMP/out'"
	assertTrue "backend" \
	    "grep -Eqx 'event backend: (epoll|poll)' '$SC_TMP/out'"
	assertTrue "splice" "grep -Eqx 'splice: yes.*' '$SC_TMP/out'"
}

# tls_error want args...: sockcat -l with these TLS options refuses to
# start with exactly "sockcat: want".
tls_error() {
	_want=$1
	shift
	t 10 "$SC" "$@" -l 127.0.0.1 0 </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "status of $*" 1 $?
	assertEquals "$*" "sockcat: $_want" "$(<"$SC_TMP/err")"
}

test_tls_file_errors_say_what_and_why() {
	"$SC" --version | grep -q '^TLS: yes' ||
	    { sc_skip "no TLS"; return; }
	sc_require openssl
	for n in 1 2; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout "$SC_TMP/k$n.pem" -out "$SC_TMP/c$n.pem" \
		    -subj /CN=test -days 2 >/dev/null 2>&1 ||
		    fail "openssl req"
	done
	D=$SC_TMP
	tls_error "cannot read the certificate $D/none: No such file or directory" \
	    --ssl-cert "$D/none"
	echo "not a certificate" >"$D/text"
	tls_error "$D/text is not a PEM certificate" --ssl-cert "$D/text"
	tls_error "cannot read the private key $D/none: No such file or directory" \
	    --ssl-cert "$D/c1.pem" --ssl-key "$D/none"
	tls_error "$D/c1.pem is not a PEM private key" \
	    --ssl-cert "$D/c1.pem" --ssl-key "$D/c1.pem"
	tls_error "$D/c1.pem holds no PEM private key (give it with --ssl-key)" \
	    --ssl-cert "$D/c1.pem"
	tls_error "the key $D/k2.pem does not match the certificate $D/c1.pem" \
	    --ssl-cert "$D/c1.pem" --ssl-key "$D/k2.pem"
	tls_error "cannot read the trusted certificates $D/none: No such file or directory" \
	    --ssl-cert "$D/c1.pem" --ssl-key "$D/k1.pem" --ssl-verify \
	    --ssl-trustfile "$D/none"
	tls_error "$D/k1.pem holds no PEM certificate" \
	    --ssl-cert "$D/c1.pem" --ssl-key "$D/k1.pem" --ssl-verify \
	    --ssl-trustfile "$D/k1.pem"
}

test_trustfile_without_verify_warns() {
	"$SC" --version | grep -q '^TLS: yes' ||
	    { sc_skip "no TLS"; return; }
	server srv --ssl-trustfile /dev/null -n -l 127.0.0.1 0 ||
	    fail "no server"
	assertEquals "sockcat: --ssl-trustfile has no effect without --ssl-verify" \
	    "$(head -n 1 "$SC_TMP/srv.err")"
	# With --ssl-verify, nothing to say.
	t 10 "$SC" --ssl-verify --ssl-trustfile /nonexistent 127.0.0.1 1 \
	    </dev/null 2>"$SC_TMP/err"
	assertNotContains "$(<"$SC_TMP/err")" "no effect"
}

# Where a person reads it (--room, --chat): data modes close silently.
test_full_server_says_one_connection() {
	held_stdin c1.in 7
	server srv --room --max-conns 1 127.0.0.1 0 || fail "no server"
	bg_in "$SC_TMP/c1.in" t 30 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c1.out"
	assertTrue "first client served" \
	    "wait_for '$SC_TMP/c1.out' Welcome 20"
	t 10 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c2.out"
	assertEquals \
	    "sockcat: the server is full (1 connection); try again later." \
	    "$(<"$SC_TMP/c2.out")"
}

test_tls_client_leaving_before_its_handshake() {
	"$SC" --version | grep -q '^TLS: yes' ||
	    { sc_skip "no TLS"; return; }
	sc_require openssl
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout "$SC_TMP/k.pem" -out "$SC_TMP/c.pem" \
	    -subj /CN=test -days 2 >/dev/null 2>&1 || fail "openssl req"
	server srv -k -l --ssl-cert "$SC_TMP/c.pem" --ssl-key "$SC_TMP/k.pem" \
	    127.0.0.1 0 || fail "no server"
	# One says nothing, one half a ClientHello; both close.
	t 10 "$SC" -z 127.0.0.1 "$PORT"
	t 10 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"\x16\x03\x01\x00\x40\x01\x00")
s.close()
' "$PORT"
	wait_lines "$SC_TMP/srv.err" 'TLS handshake failed' 2 ||
	    fail "no handshake failures: $(<"$SC_TMP/srv.err")"
	assertEquals "what happened, twice" 2 "$(grep -c \
	    '^sockcat: TLS handshake failed: connection closed by peer$' \
	    "$SC_TMP/srv.err")"
}

# Out of descriptors: -v says so once, not at every try while clients
# wait, and names every client it takes (with its address when there is
# no descriptor left for a name lookup).
test_out_of_descriptors_said_once() {
	sc_require prlimit
	bg sh -c 'exec timeout 30 prlimit --nofile=16 "$1" -v --broker \
	    127.0.0.1 0 </dev/null >"$2" 2>"$3"' sh "$SC" "$SC_TMP/l.out" \
	    "$SC_TMP/l.err"
	wait_for "$SC_TMP/l.err" '^Listening on' || fail "no listener"
	port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/l.err")
	# Thirty clients for two seconds: twenty tries to accept the rest.
	t 20 python3 -c '
import socket, sys, time
s = [socket.create_connection(("127.0.0.1", int(sys.argv[1])))
     for i in range(30)]
time.sleep(2)
' "$port"
	assertEquals "said once" "sockcat: accept: Too many open files" \
	    "$(grep accept: "$SC_TMP/l.err")"
	assertTrue "clients taken" \
	    "grep -q '^Connection received on ' '$SC_TMP/l.err'"
	assertEquals "each named" "" \
	    "$(grep '^Connection received on .*?' "$SC_TMP/l.err")"
}

# A target that refuses is said once, with the client's label: the last
# one tried in the line that says the client is closed.
test_forward_refusal_said_once() {
	server a -l 127.0.0.1 0 || fail "no server"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	a=$PORT
	server b -l 127.0.0.1 0 || fail "no server"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	b=$PORT
	server fw -k -l --forward "127.0.0.1:$a" --forward "127.0.0.1:$b" \
	    127.0.0.1 0 || fail "no forwarder"
	t 10 "$SC" -z 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/fw.err" 'no target accepted' ||
	    fail "no refusal: $(<"$SC_TMP/fw.err")"
	assertEquals "each target once" "sockcat: forward: #1 127.0.0.1 [0-9]+: 127.0.0.1 $a: Connection refused
sockcat: forward: #1 127.0.0.1 [0-9]+: no target accepted: 127.0.0.1 $b: Connection refused" \
	    "$(grep -v -e '^Listening on' -e '^Connection received on' \
	    "$SC_TMP/fw.err" | sed 's/127\.0\.0\.1 [0-9]*: /127.0.0.1 [0-9]+: /')"
}

sc_run_shunit2
