#!/bin/bash
# What a user is told: a chat caller turned away because the server is
# busy, the chat notices when stderr is not a terminal, --version's list
# of what was built in, TLS certificate and key files that cannot be
# used, an OpenSSL that cannot be loaded, --ssl-trustfile without
# --ssl-verify, "the server is full" for one connection, a TLS client
# that leaves before its handshake, a server out of descriptors, and a
# --forward target that refuses, and a message too long for its line.

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
	# Said within a conversation and followed by more, the words are
	# the partner's.  (Its :q is not sent: that line alone, then the
	# end, is the refusal's shape.)
	busy_chat_server || fail "no conversation"
	echo "sockcat: busy, already chatting; try later" >&7
	echo "bye" >&7
	echo ":q" >&7
	wait_exit "$BG_PID" 20
	assertEquals "shown" "sockcat: busy, already chatting; try later
bye" "$(<"$SC_TMP/a.out")"
	assertEquals "the partner left: status" 0 "$WAIT_STATUS"
	assertContains "$(<"$SC_TMP/a.err")" \
	    "127.0.0.1 port $PORT left"
}

test_chat_notices_when_stderr_is_not_a_terminal() {
	held_stdin srv.in 7
	SERVER_STDIN=$SC_TMP/srv.in server srv --chat -k -n -l 127.0.0.1 0 ||
	    fail "no server"
	# The notice is a write of its own after "Listening on", which the
	# server() above waits for: wait for it too, then read both.
	wait_for "$SC_TMP/srv.err" '^waiting for someone' 20 ||
	    fail "no waiting notice"
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
	    "grep -Eqx 'event backend: epoll' '$SC_TMP/out'"
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

# OpenSSL is loaded when TLS is first asked for (src/io/tls.c): a
# libssl that cannot be loaded, or one without a function sockcat calls,
# is said in one line before anything is dialled.
test_unusable_openssl_is_said() {
	"$SC" --version | grep -q '^TLS: yes' ||
	    { sc_skip "no TLS"; return; }
	crypto=$(ldconfig -p 2>/dev/null |
	    sed -n 's/^[[:space:]]*libcrypto\.so\.3 (.*) => //p' | head -n 1)
	[ -f "$crypto" ] || { sc_skip "libcrypto.so.3 not found"; return; }
	mkdir "$SC_TMP/lib"
	: >"$SC_TMP/lib/libssl.so.3"
	LD_LIBRARY_PATH=$SC_TMP/lib t 10 "$SC" --ssl 127.0.0.1 1 \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "not a library: status" 1 $?
	assertEquals "not a library" \
	    "sockcat: TLS: $SC_TMP/lib/libssl.so.3: file too short" \
	    "$(<"$SC_TMP/err")"
	# libcrypto in libssl's place has none of libssl's functions.
	ln -sf "$crypto" "$SC_TMP/lib/libssl.so.3"
	LD_LIBRARY_PATH=$SC_TMP/lib t 10 "$SC" --ssl 127.0.0.1 1 \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "a function missing: status" 1 $?
	assertEquals "a function missing" \
	    "sockcat: TLS: libssl.so.3 has no DTLS_client_method" \
	    "$(<"$SC_TMP/err")"
	assertEquals "nothing written" "" "$(<"$SC_TMP/out")"
}

# A trust file is read only to verify: without --ssl-verify it would be
# dropped, so it is refused (a wss:// URL verifies unless told not to).
test_trustfile_without_verify_is_refused() {
	"$SC" --version | grep -q '^TLS: yes' ||
	    { sc_skip "no TLS"; return; }
	expect_error "must use --ssl-verify with --ssl-trustfile" \
	    --ssl-trustfile /dev/null -n -l 127.0.0.1 0
	expect_error "must use --forward-ssl-verify with --forward-ssl-trustfile" \
	    --forward-ssl-trustfile /dev/null -l 127.0.0.1 0 --forward \
	    127.0.0.1:1
	# With --ssl-verify, nothing to say before the file is read.
	t 10 "$SC" --ssl-verify --ssl-trustfile /nonexistent 127.0.0.1 1 \
	    </dev/null 2>"$SC_TMP/err"
	assertNotContains "$(<"$SC_TMP/err")" "must use"
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
	# Below the kernel's range for port 0: a suite running beside this
	# one could be given a port of that range for a listener meanwhile.
	a=$(free_port) || fail "no free port"
	b=$a
	while [ "$b" = "$a" ]; do
		b=$(free_port) || fail "no free port"
	done
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

# nc_line ARGS...: nc.openbsd's stderr for ARGS, its name made
# "sockcat", and its status in NC_STATUS; beside sockcat's, as the user
# sees both.
nc_line() {
	t 10 "$NC" "$@" </dev/null >"$SC_TMP/nc.out" 2>"$SC_TMP/nc.err"
	NC_STATUS=$?
	sed "s|^$NC: |sockcat: |; s|^nc\.openbsd: |sockcat: |" "$SC_TMP/nc.err"
}

# sc_line ARGS...: the same for sockcat, its status in SC_STATUS, its
# stdout in SC_OUT.
sc_line() {
	t 10 "$SC" "$@" </dev/null >"$SC_TMP/sc.out" 2>"$SC_TMP/sc.err"
	SC_STATUS=$?
	SC_OUT=$(<"$SC_TMP/sc.out")
	cat "$SC_TMP/sc.err"
}

# sockcat's own client modes (ws://, --ssl, --proxy, a proxy URL) say a
# refused connection in one line, as --chat does, without -v.
test_own_client_modes_say_a_refusal() {
	p=$(free_port) || fail "no free port"
	expect_error "connect to 127.0.0.1 port $p (tcp) failed: Connection refused" \
	    "ws://127.0.0.1:$p/"
	expect_error "connect to proxy socks5://127.0.0.1:$p failed: Connection refused" \
	    --proxy "127.0.0.1:$p" 127.0.0.1 80
	expect_error "connect to proxy http://127.0.0.1:$p failed: Connection refused" \
	    -x "http://127.0.0.1:$p" 127.0.0.1 80
	"$SC" --version | grep -q '^TLS: yes' || return 0
	expect_error "connect to 127.0.0.1 port $p (tcp) failed: Connection refused" \
	    --ssl 127.0.0.1 "$p"
	expect_error "connect to 127.0.0.1 port $p (tcp) failed: Connection refused" \
	    "wss://127.0.0.1:$p/"
	# -v says it once, not twice.
	expect_error "connect to 127.0.0.1 port $p (tcp) failed: Connection refused" \
	    -v --ssl 127.0.0.1 "$p"
}

# nc's plain mode, -x included, stays as silent as nc.openbsd.
test_plain_mode_refusal_is_as_silent_as_nc() {
	[ -x "$NC" ] || { sc_skip "nc.openbsd not installed"; return; }
	p=$(free_port) || fail "no free port"
	for args in "127.0.0.1 $p" "-x 127.0.0.1:$p 127.0.0.1 80"; do
		# shellcheck disable=SC2086
		want=$(nc_line $args)
		# shellcheck disable=SC2086
		got=$(sc_line $args)
		assertEquals "$args: stderr" "$want" "$got"
		assertEquals "$args: nc's stderr" "" "$want"
		assertEquals "$args: status" "$NC_STATUS" "$SC_STATUS"
	done
}

# A listener or a bound source that cannot be had: nc's words, then the
# address and port (or path) that failed.
test_bind_failures_name_the_address() {
	[ -x "$NC" ] || { sc_skip "nc.openbsd not installed"; return; }
	server srv -l 127.0.0.1 0 || fail "no server"
	want=$(nc_line -l 127.0.0.1 "$PORT")
	assertEquals "nc's words" "sockcat: Address already in use" "$want"
	assertEquals "named" "$want (127.0.0.1 port $PORT)" \
	    "$(sc_line -l 127.0.0.1 "$PORT")"
	assertEquals "status" "$NC_STATUS" "$SC_STATUS"
	assertEquals "stdout" "" "$SC_OUT"
	assertEquals "any address" "$want (0.0.0.0 port $PORT)" \
	    "$(sc_line -l "$PORT")"
	assertEquals "a name" "$want (localhost: 127.0.0.1 port $PORT)" \
	    "$(sc_line -4 -l localhost "$PORT")"
	want=$(nc_line -p "$PORT" 127.0.0.1 "$PORT")
	assertEquals "nc's words, -p" "sockcat: bind failed: Address already in use" \
	    "$want"
	assertEquals "-p named" "$want (0.0.0.0 port $PORT)" \
	    "$(sc_line -p "$PORT" 127.0.0.1 "$PORT")"
	# A name that does not resolve (-n: no lookup leaves the machine).
	want=$(nc_line -n -l no-such-host 7313)
	assertEquals "nc's words, getaddrinfo" \
	    "sockcat: getaddrinfo: Name or service not known" "$want"
	assertEquals "the name" "$want (no-such-host port 7313)" \
	    "$(sc_line -n -l no-such-host 7313)"
	assertEquals "-s's name" "$want (no-such-host)" \
	    "$(sc_line -n -s no-such-host 127.0.0.1 1)"
}

# An address this machine does not have, in a network namespace of the
# test's own (nothing but its loopback).
test_address_not_here_is_named() {
	[ -x "$NC" ] || { sc_skip "nc.openbsd not installed"; return; }
	command -v ip >/dev/null || { sc_skip "no ip(8)"; return; }
	sc_have_netns ||
	    { sc_skip "no private network namespace (unshare -n)"; return; }
	# sc_netns brings the namespace's loopback up: with it down, any
	# address could be bound.
	sc_netns 10 sh -c '"$1" -l 192.0.2.1 7312 2>"$2"; echo $? >"$2.st"
	    "$3" -l 192.0.2.1 7312 2>"$4"; echo $? >"$4.st"
	    "$1" -s 192.0.2.1 -p 7400 127.0.0.1 1 2>"$5"
	    "$3" -s 192.0.2.1 -p 7400 127.0.0.1 1 2>"$6"' sh "$SC" \
	    "$SC_TMP/sc.err" "$NC" "$SC_TMP/nc.err" "$SC_TMP/sc2.err" \
	    "$SC_TMP/nc2.err" </dev/null
	want=$(sed "s|^nc\.openbsd: |sockcat: |" "$SC_TMP/nc.err")
	assertEquals "nc's words" "sockcat: Cannot assign requested address" \
	    "$want"
	assertEquals "named" "$want (192.0.2.1 port 7312)" "$(<"$SC_TMP/sc.err")"
	assertEquals "status" "$(<"$SC_TMP/nc.err.st")" "$(<"$SC_TMP/sc.err.st")"
	want=$(sed "s|^nc\.openbsd: |sockcat: |" "$SC_TMP/nc2.err")
	assertEquals "nc's words, -s" \
	    "sockcat: bind failed: Cannot assign requested address" "$want"
	assertEquals "-s named" "$want (192.0.2.1 port 7400)" \
	    "$(<"$SC_TMP/sc2.err")"
}

# A reader of stdout that has had enough (| head -n 1): nc stops writing
# there, quietly, with status 0; so does sockcat.
test_stdout_reader_gone_is_quiet() {
	seq 1 300000 >"$SC_TMP/big"
	for prog in "$SC" "$NC"; do
		[ -x "$prog" ] || continue
		SERVER_STDIN=$SC_TMP/big server srv -N -l 127.0.0.1 0 ||
		    fail "no server"
		t 10 "$prog" 127.0.0.1 "$PORT" </dev/null 2>"$SC_TMP/c.err" |
		    head -n 1 >"$SC_TMP/c.out"
		assertEquals "$prog: status" 0 "${PIPESTATUS[0]}"
		assertEquals "$prog: stderr" "" "$(<"$SC_TMP/c.err")"
		assertEquals "$prog: first line" 1 "$(<"$SC_TMP/c.out")"
		stop "$SERVER_PID"
	done
}

# The same for a UDP listener: what its peers send goes to a reader that
# has gone.
test_udp_listener_stdout_reader_gone_is_quiet() {
	for prog in "$SC" "$NC"; do
		[ -x "$prog" ] || continue
		rm -f "$SC_TMP/st"
		: >"$SC_TMP/l.err"
		bg bash -c 'set -o pipefail
		    timeout -k 2 20 "$1" -v -u -l 127.0.0.1 0 </dev/null \
		    2>"$2/l.err" | head -c 1 >"$2/l.out"
		    echo "${PIPESTATUS[0]}" >"$2/st.tmp"; mv "$2/st.tmp" "$2/st"' \
		    sh "$prog" "$SC_TMP"
		wait_for "$SC_TMP/l.err" '^Bound on' || fail "$prog: not bound"
		port=$(sed -n 's/^Bound on .* //p' "$SC_TMP/l.err")
		# Datagrams until the listener has gone (more than a pipe
		# holds), each with room to arrive.
		t 20 python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(2000):
    if os.path.exists(sys.argv[2]):
        break
    s.sendto(b"x" * 1000, ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.002)
' "$port" "$SC_TMP/st"
		wait_until test -f "$SC_TMP/st" || fail "$prog: still running"
		assertEquals "$prog: status" 0 "$(<"$SC_TMP/st")"
		assertEquals "$prog: stderr" "" \
		    "$(grep -v -e '^Bound on' -e '^Connection received on' \
		    "$SC_TMP/l.err")"
	done
}

# A message too long for a line (a 5,000-byte target in a file) loses
# its middle, not its end: the cause is said, the line is one.
test_long_message_keeps_its_cause() {
	printf '%s:80\n' "$(printf 'x%.0s' $(seq 5000))" >"$SC_TMP/targets"
	t 20 "$SC" -lk --forward-file "$SC_TMP/targets" 127.0.0.1 0 \
	    </dev/null 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "one line" 1 "$(wc -l <"$SC_TMP/err")"
	assertTrue "its start: $(head -c 80 "$SC_TMP/err")" \
	    "grep -q '^sockcat: $SC_TMP/targets, line 1: xxx' '$SC_TMP/err'"
	assertTrue "its end: $(tail -c 80 "$SC_TMP/err")" \
	    "grep -q 'xxx\\.\\.\\.xxx.*xxx:80: longer than 4096 bytes\$' '$SC_TMP/err'"
}

sc_run_shunit2
