#!/bin/bash
# Socket options: -b -D -I -O -M -m -T reach setsockopt(2) with netcat's
# values, for connecting and for listening sockets, IPv4 and IPv6, and
# the buffer sizes and priority for Unix-domain ones; -S with the key
# typed at its prompt.
# strace shows the calls.  --reuseport lets listeners share a port.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require strace

# LeakSanitizer cannot run under ptrace: a sanitizer build is traced
# without it.
sc_asan_add detect_leaks=0

# traced ARGS...: run sockcat under strace; the calls land in $SC_TMP/trace.
traced() {
	t 10 strace -f -e trace=setsockopt -o "$SC_TMP/trace" "$SC" "$@" \
	    </dev/null >/dev/null 2>"$SC_TMP/err"
}

has_call() {
	assertTrue "$1 in: $(<"$SC_TMP/trace")" \
	    "grep -q -- '$1' '$SC_TMP/trace'"
}

test_connect_options_ipv4() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	traced -z -b -D -I 8192 -O 16384 -M 7 -m 3 -T lowdelay 127.0.0.1 "$PORT"
	assertEquals 0 $?
	has_call 'SO_BROADCAST, \[1\]'
	has_call 'SO_DEBUG, \[1\]'
	has_call 'SO_RCVBUF, \[8192\]'
	has_call 'SO_SNDBUF, \[16384\]'
	has_call 'IP_TTL, \[7\]'
	has_call 'IP_MINTTL, \[3\]'
	has_call 'IP_TOS, \[16\]'
}

test_tos_keywords_and_numbers() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	for pair in ef:184 af11:40 cs7:224 throughput:8 reliability:4 \
	    critical:160 0x20:32 46:46; do
		traced -z -T "${pair%%:*}" 127.0.0.1 "$PORT"
		has_call "IP_TOS, \[${pair#*:}\]"
	done
}

test_connect_options_ipv6() {
	server srv -k -6 -l ::1 0 || fail "no server"
	traced -z -6 -M 9 -T ef ::1 "$PORT"
	assertEquals 0 $?
	has_call 'IPV6_UNICAST_HOPS, \[9\]'
	has_call 'IPV6_TCLASS, \[184\]'
}

# -M on a UDP socket: the hops of what is sent to a group too (IPv4 and
# IPv6), as sockcat's own ttl=; socat's ttl= is t-socat's.
test_udp_hops_to_a_group() {
	traced -u -q 0 -M 6 127.0.0.1 9
	assertEquals "-u -M: status: $(<"$SC_TMP/err")" 0 $?
	has_call 'IP_TTL, \[6\]'
	has_call 'IP_MULTICAST_TTL, \[6\]'
	traced -6 -u -q 0 -M 7 ::1 9
	assertEquals "-6 -u -M: status: $(<"$SC_TMP/err")" 0 $?
	has_call 'IPV6_UNICAST_HOPS, \[7\]'
	has_call 'IPV6_MULTICAST_HOPS, \[7\]'
	t 10 strace -f -e trace=setsockopt -o "$SC_TMP/trace" "$SC" - \
	    udp:127.0.0.1:9,ttl=8 </dev/null >/dev/null 2>"$SC_TMP/err"
	has_call 'IP_TTL, \[8\]'
	has_call 'IP_MULTICAST_TTL, \[8\]'
}

test_listen_options() {
	bg timeout 10 strace -f -e trace=setsockopt -o "$SC_TMP/trace" \
	    "$SC" -v -l -I 4096 -M 5 127.0.0.1 0 2>"$SC_TMP/l.err" </dev/null
	wait_for "$SC_TMP/l.err" "^Listening on" || fail "no listener"
	has_call 'SO_REUSEADDR, \[1\]'
	has_call 'SO_RCVBUF, \[4096\]'
	has_call 'IP_TTL, \[5\]'
}

# -S: the key typed at the terminal's prompt signs every segment (TCP
# MD5, RFC 2385), for any peer address: setsockopt(2) gets it, and a
# listener that has no key drops the signed SYN, so that the connection
# is never made (-v says it timed out, as nc does), where one unsigned
# is.
test_md5sig_key_from_the_terminal() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	on_tty md5 expect:'TCP MD5SIG password: ' send:'s3cret\n' \
	    'expect:port [0-9]+ \(tcp\) timed out' exit:1 -- \
	    strace -s 256 -f -e trace=setsockopt -o "$SC_TMP/trace" \
	    "$SC" -v -S -z -w 2 127.0.0.1 "$PORT"
	_st=$?
	assertEquals "the steps: $(cat "$SC_TMP/md5.err")" 0 "$_st"
	has_call 'TCP_MD5SIG_EXT'
	has_call 's3cret'
	t 10 "$SC" -z -w 2 127.0.0.1 "$PORT" </dev/null
	assertEquals "unsigned, it connects" 0 $?
}

# --reuseport: two listeners of one port, the kernel's choice between
# them for each client (all 24 going to one of two is a chance of one
# in eight million); a third without it is refused as nc's words say.
test_reuseport_listeners_share_a_port() {
	server a -lk --reuseport 127.0.0.1 0 -c 'echo A' || fail "no first"
	server b -lk --reuseport 127.0.0.1 "$PORT" -c 'echo B' ||
	    fail "no second"
	for i in $(seq 24); do
		t 10 "$SC" 127.0.0.1 "$PORT" </dev/null
	done >"$SC_TMP/got"
	assertEquals "one answer a client" 24 "$(grep -c '^[AB]$' \
	    "$SC_TMP/got")"
	assertTrue "the first served some" "grep -qx A '$SC_TMP/got'"
	assertTrue "the second served some" "grep -qx B '$SC_TMP/got'"
	expect_error "Address already in use (127.0.0.1 port $PORT)" \
	    -lk 127.0.0.1 "$PORT" -c 'echo C'
}

# A Unix-domain socket takes the options socat sets there (its buffer
# sizes and its priority, from an address or from -I and -O), each kind:
# a stream client, a listener, a datagram client; nc's others (-D here)
# mean nothing to it and are not set, as nc sets none there.
test_unix_socket_options() {
	server srv -k -l -U "$SC_TMP/s.sock" || fail "no server"
	traced - "unix:$SC_TMP/s.sock,sndbuf=65536,rcvbuf=32768,priority=3"
	_st=$?
	assertEquals "a client: status: $(<"$SC_TMP/err")" 0 "$_st"
	has_call 'SO_SNDBUF, \[65536\]'
	has_call 'SO_RCVBUF, \[32768\]'
	has_call 'SO_PRIORITY, \[3\]'
	# The socket-level ones socat sets on any socket, and setsockopt=.
	traced - "unix:$SC_TMP/s.sock,keepalive,dontroute,linger=0,$(
	    )reuseaddr,bindtodevice=lo,setsockopt=1:7:12288"
	_st=$?
	assertEquals "a client, the others: status: $(<"$SC_TMP/err")" 0 "$_st"
	has_call 'SO_KEEPALIVE, \[1\]'
	has_call 'SO_DONTROUTE, \[1\]'
	has_call 'SO_LINGER, {l_onoff=1, l_linger=0}'
	has_call 'SO_REUSEADDR, \[1\]'
	has_call 'SO_BINDTODEVICE, "lo'
	has_call 'SO_SNDBUF, \[12288\]'
	traced -N -D -O 16384 -U "$SC_TMP/s.sock"
	_st=$?
	assertEquals "-U -D -O: status: $(<"$SC_TMP/err")" 0 "$_st"
	has_call 'SO_SNDBUF, \[16384\]'
	assertFalse "-D not set: $(<"$SC_TMP/trace")" \
	    "grep -q SO_DEBUG '$SC_TMP/trace'"
	bg timeout 10 strace -f -e trace=setsockopt -o "$SC_TMP/trace" \
	    "$SC" -v "unix-l:$SC_TMP/l.sock,sndbuf=24576,keepalive,$(
	    )setsockopt-listen=1:8:20480" - 2>"$SC_TMP/l.err" </dev/null
	wait_for "$SC_TMP/l.err" "^Listening on" || fail "no listener"
	has_call 'SO_SNDBUF, \[24576\]'
	has_call 'SO_KEEPALIVE, \[1\]'
	has_call 'SO_RCVBUF, \[20480\]'
	server dg -k -l -u -U "$SC_TMP/d.sock" || fail "no datagram server"
	echo hi | t 10 strace -f -e trace=setsockopt -o "$SC_TMP/trace" \
	    "$SC" -u -q 0 -I 8192 -U "$SC_TMP/d.sock" >/dev/null 2>&1
	has_call 'SO_RCVBUF, \[8192\]'
}

test_reuseport_refused_where_it_means_nothing() {
	expect_error "must use -l with --reuseport" --reuseport 127.0.0.1 1
	expect_error "--reuseport is for TCP and UDP ports: it takes no -U" \
	    -l -U --reuseport "$SC_TMP/s"
}

sc_run_shunit2
