#!/bin/bash
# The proxy client (-x, -X, -P, --proxy-auth) for SOCKS4, SOCKS4a,
# SOCKS5 and HTTP CONNECT, against an independent fake proxy
# (tests/authproxy.py): replies good, bad, truncated and garbage, with
# nc.openbsd's words where it has the same case.  The proxy server is
# t-proxyd.sh's.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

# fake MODE BEHAVIOUR [ADDR]: start a broken proxy of tests/authproxy.py
# (MODE socks4, socks5 or http; its BEHAVIOURs are listed there), which
# logs what it was asked to fake.log and, when told to succeed, connects
# to the destination and relays; sets FPORT.
fake() {
	rm -f "$SC_TMP/fake.port"
	: >"$SC_TMP/fake.log"
	bg timeout 20 $AUTHPROXY -b "$1" "$2" "${3:-127.0.0.1}" \
	    "$SC_TMP/fake.port" "$SC_TMP/fake.log"
	wait_for "$SC_TMP/fake.port" '^[0-9]+$' || fail "fake proxy did not start"
	FPORT=$(<"$SC_TMP/fake.port")
}

test_socks5_is_the_default() {
	proxy_dest
	fake socks5 ok
	send_hello -v -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assertEquals "Connection to 127.0.0.1 $DPORT port [tcp/*] succeeded!" "$ERR"
	assert_delivered
	assertEquals "$(printf 'methods 0\nconnect 1 127.0.0.1 %s' "$DPORT")" \
	    "$(<"$SC_TMP/fake.log")"
}

test_socks5_name_is_resolved_by_the_proxy() {
	proxy_dest
	fake socks5 ok
	send_hello -v -X 5 --proxy "127.0.0.1:$FPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assertEquals "Connection to localhost $DPORT port [tcp/*] succeeded!" "$ERR"
	assert_delivered
	assertContains "$(<"$SC_TMP/fake.log")" "connect 3 localhost $DPORT"
}

test_socks5_ipv6_proxy_and_destination() {
	proxy_dest ::1
	fake socks5 ok ::1
	send_hello -x "[::1]:$FPORT" ::1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertContains "$(<"$SC_TMP/fake.log")" "connect 4 ::1 $DPORT"
}

test_socks5_error_replies() {
	fake socks5 err1
	send_hello -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: connection failed, SOCKSv5 error: General SOCKS server failure" "$ERR"
	for e in "2 Connection not allowed by ruleset" "3 Network unreachable" \
	    "4 Host unreachable" "5 Connection refused" "6 TTL expired" \
	    "7 Command not supported" "8 Address type not supported" \
	    "42 Unknown error"; do
		sc_cleanup
		fake socks5 "err${e%% *}"
		send_hello -x "127.0.0.1:$FPORT" 127.0.0.1 9
		assertEquals 1 "$STATUS"
		assertEquals "sockcat: connection failed, SOCKSv5 error: ${e#* }" "$ERR"
	done
}

test_socks5_broken_replies() {
	for b in "trunc:read failed (1/3): Broken pipe" \
	    "trunc2:read failed (3/4): Broken pipe" \
	    "nomethod:authentication method negotiation failed" \
	    "badatyp:connection failed, unsupported address type" \
	    "garbage:connection failed, not a SOCKSv5 proxy"; do
		sc_cleanup
		fake socks5 "${b%%:*}"
		send_hello -x "127.0.0.1:$FPORT" 127.0.0.1 9
		assertEquals "${b%%:*}" 1 "$STATUS"
		assertEquals "${b%%:*}" "sockcat: ${b#*:}" "$ERR"
	done
}

test_socks5_username_password() {
	proxy_dest
	fake socks5 auth
	send_hello --proxy-auth user:secret -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertContains "$(<"$SC_TMP/fake.log")" "methods 0 2"
	assertContains "$(<"$SC_TMP/fake.log")" "auth user secret"
	sc_cleanup
	fake socks5 auth
	send_hello --proxy-auth user:wrong -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: Proxy authentication failed" "$ERR"
	# A password past RFC 1929's 255 bytes is refused, never sent cut.
	sc_cleanup
	fake socks5 auth
	send_hello --proxy-auth "user:$(printf '%0300d' 0)" \
	    -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals "long password" 1 "$STATUS"
	assertEquals "sockcat: Proxy username/password too long" "$ERR"
	assertNotContains "nothing sent" "$(<"$SC_TMP/fake.log")" "auth user"
	# Without credentials, only "no authentication" is offered.
	sc_cleanup
	fake socks5 auth
	send_hello -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals "sockcat: authentication method negotiation failed" "$ERR"
}

test_socks4() {
	proxy_dest
	fake socks4 ok
	send_hello -v -X 4 -x "127.0.0.1:$FPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assertEquals "Connection to localhost $DPORT port [tcp/*] succeeded!" "$ERR"
	assert_delivered
	# SOCKS4 carries an IPv4 address: the name was resolved here.
	assertEquals "connect4 4 127.0.0.1 $DPORT user=" "$(<"$SC_TMP/fake.log")"
}

test_socks4a_passes_the_name() {
	proxy_dest
	fake socks4 ok
	send_hello -X 4a -P someone -x "127.0.0.1:$FPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertEquals "connect4 4 localhost $DPORT user=someone" "$(<"$SC_TMP/fake.log")"
}

test_socks4_errors() {
	for e in "91 Request rejected or failed" \
	    "92 SOCKS server cannot connect to identd on the client" \
	    "93 Client program and identd report different user-ids" \
	    "1 Unknown error"; do
		sc_cleanup
		fake socks4 "err${e%% *}"
		send_hello -X 4 -x "127.0.0.1:$FPORT" 127.0.0.1 9
		assertEquals 1 "$STATUS"
		assertEquals "sockcat: connection failed, SOCKSv4 error: ${e#* }" "$ERR"
	done
	sc_cleanup
	fake socks4 trunc
	send_hello -X 4 -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals "sockcat: read failed (2/8): Broken pipe" "$ERR"
	send_hello -X 4 -x "127.0.0.1:$FPORT" ::1 9
	assertEquals 1 "$STATUS"
	assertContains "$ERR" 'sockcat: getaddrinfo("::1", "9"): '
}

test_http_connect() {
	proxy_dest
	fake http ok
	send_hello -v -X connect -x "127.0.0.1:$FPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assertEquals "Connection to localhost $DPORT port [tcp/*] succeeded!" "$ERR"
	assert_delivered
	assertEquals "hdr CONNECT localhost:$DPORT HTTP/1.0" "$(<"$SC_TMP/fake.log")"
}

# Found by the proxy fuzz target: a header line that began with a NUL
# ended the headers, and the rest of them went to stdout.
test_http_header_starting_with_nul() {
	proxy_dest
	fake http nulheader
	send_hello -X connect -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertEquals "no header bytes on stdout" 0 "$(wc -c <"$SC_TMP/c.out")"
}

test_http_connect_ipv6_brackets() {
	proxy_dest ::1
	fake http ok
	send_hello --proxy-type http --proxy "127.0.0.1:$FPORT" ::1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertEquals "hdr CONNECT [::1]:$DPORT HTTP/1.0" "$(<"$SC_TMP/fake.log")"
}

test_http_error_replies() {
	for b in 'status403_Forbidden:Proxy error: "HTTP/1.1 403 Forbidden"' \
	    'status407_Proxy_Authentication_Required:Proxy error: "HTTP/1.1 407 Proxy Authentication Required"' \
	    'garbage:proxy read: Broken pipe' \
	    'trunc:proxy read: Broken pipe' \
	    'longline:proxy read too long'; do
		sc_cleanup
		fake http "${b%%:*}"
		send_hello -X connect -x "127.0.0.1:$FPORT" 127.0.0.1 9
		assertEquals "${b%%:*}" 1 "$STATUS"
		assertEquals "${b%%:*}" "sockcat: ${b#*:}" "$ERR"
	done
}

test_http_basic_auth() {
	proxy_dest
	fake http auth
	send_hello --proxy-type http --proxy-auth user:secret \
	    --proxy "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertContains "$(<"$SC_TMP/fake.log")" \
	    "hdr Proxy-Authorization: Basic dXNlcjpzZWNyZXQ="
	sc_cleanup
	fake http auth
	send_hello -X connect --proxy-auth user:wrong -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: Proxy authentication failed" "$ERR"
	# A password past 255 bytes is refused, never sent cut.
	sc_cleanup
	fake http auth
	send_hello -X connect --proxy-auth "user:$(printf '%0300d' 0)" \
	    -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals "long password" 1 "$STATUS"
	assertEquals "sockcat: Proxy username/password too long" "$ERR"
	assertNotContains "nothing sent" "$(<"$SC_TMP/fake.log")" \
	    "Proxy-Authorization"
}

test_http_password_prompt() {
	proxy_dest
	fake http auth
	# -P asks on the terminal, after a first try without a password.
	cat >"$SC_TMP/askpass.py" <<'PYEOF'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
deadline = time.time() + 5
while b"Proxy password for user@127.0.0.1: " not in out and time.time() < deadline:
    try:
        out += os.read(fd, 1024)
    except OSError:
        break
os.write(fd, b"secret\n")
try:
    while True:
        d = os.read(fd, 1024)
        if not d:
            break
        out += d
except OSError:
    pass
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(st))
PYEOF
	t 8 python3 "$SC_TMP/askpass.py" "$SC" -d -N -P user -X connect \
	    -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT" >"$SC_TMP/pty.out"
	assertEquals 0 $?
	assertContains "$(<"$SC_TMP/pty.out")" "Proxy password for user@127.0.0.1: "
	assertEquals 2 "$(grep -c '^hdr CONNECT' "$SC_TMP/fake.log")"
	assertContains "$(<"$SC_TMP/fake.log")" \
	    "hdr Proxy-Authorization: Basic dXNlcjpzZWNyZXQ="
	# SOCKS5: asked when the proxy chooses username and password.
	sc_cleanup
	proxy_dest
	fake socks5 auth
	t 8 python3 "$SC_TMP/askpass.py" "$SC" -d -N -P user \
	    -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT" >"$SC_TMP/pty.out"
	assertEquals "socks5 prompt" 0 $?
	assertContains "$(<"$SC_TMP/pty.out")" "Proxy password for user@127.0.0.1: "
	assertContains "$(<"$SC_TMP/fake.log")" "auth user secret"
	# Without a terminal there is no one to ask.
	sc_cleanup
	fake http auth
	echo x | t 5 setsid -w "$SC" -P user -X connect -x "127.0.0.1:$FPORT" \
	    127.0.0.1 9 >/dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: Unable to read proxy passphrase" "$(<"$SC_TMP/err")"
}

test_silent_proxy_and_timeout() {
	fake socks5 silent
	start=$(now_ms)
	send_hello -w 1 -x "127.0.0.1:$FPORT" 127.0.0.1 9
	ms=$(( $(now_ms) - start ))
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: read failed (0/3): Connection timed out" "$ERR"
	# -w 1: not before the second is up, and not long after it.
	assertTrue "waited its second ($ms ms)" "[ $ms -ge 950 ]"
	assertTrue "gave up in time ($ms ms)" "[ $ms -lt 4000 ]"
}

test_proxy_unreachable() {
	fake socks5 ok
	stop "$BG_PID"
	wait_exit "$BG_PID"
	send_hello -v -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: connect to 127.0.0.1 port $FPORT (tcp) failed: Connection refused" "$ERR"
	send_hello -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals "quiet without -v" "" "$ERR"
}

test_default_proxy_ports() {
	# Nothing is expected to listen on these; the message names the port.
	send_hello -v -x 127.0.0.1 127.0.0.1 9
	assertContains "$ERR" "port 1080 (tcp)"
	send_hello -v -X connect -x 127.0.0.1 127.0.0.1 9
	assertContains "$ERR" "port 3128 (tcp)"
	send_hello -v -X 4 -x '[::1]' 127.0.0.1 9
	assertContains "$ERR" "connect to ::1 port 1080 (tcp)"
}

test_scan_through_proxy() {
	proxy_dest
	fake socks5 ok
	t 5 "$SC" -zv -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT" 2>"$SC_TMP/err"
	assertEquals 0 $?
	assertEquals "Connection to 127.0.0.1 $DPORT port [tcp/*] succeeded!" \
	    "$(<"$SC_TMP/err")"
}

test_command_line_errors() {
	expect_error "unsupported proxy protocol: 7 (use 4, 4a, 5 or connect)" \
	    -X 7 -x 127.0.0.1 127.0.0.1 80
	expect_error "unsupported proxy protocol: gopher (use 4, 4a, 5 or connect)" \
	    --proxy-type gopher 127.0.0.1 80
	expect_error "no proxy support for listen" -l -x 127.0.0.1 5000
	expect_error "no proxy support for UDP mode" -u -x 127.0.0.1:1 127.0.0.1 1
	expect_error "no proxy support for unix sockets" -U -x 127.0.0.1:1 \
	    "$SC_TMP/s"
	expect_error "no proxy support for UDP mode" -u -l --proxy-type http 0
	expect_error "no proxy support for local source address" \
	    -s 127.0.0.1 -x 127.0.0.1 127.0.0.1 80
	expect_error "missing closing bracket in proxy" -x '[::1' 127.0.0.1 80
	expect_error "garbage proxy port delimiter" -x '[::1]x' 127.0.0.1 80
	# Not the port 99999 - 65536 the resolver would make of it.
	expect_error "proxy port number too large: 99999" \
	    -x 127.0.0.1:99999 127.0.0.1 80
	expect_error "proxy port number too large: 70000" \
	    -x '[::1]:70000' 127.0.0.1 80
	expect_error "proxy port number too small: 0" -x 127.0.0.1:0 127.0.0.1 80
	expect_error "proxy port number invalid: " -x 127.0.0.1: 127.0.0.1 80
	expect_error "proxy port number too large: 99999" \
	    -x 127.0.0.1:99999 - tcp:127.0.0.1:80
}

test_command_line_errors_match_nc() {
	NC=${NC_OPENBSD:-/bin/nc.openbsd}
	[ -x "$NC" ] || { sc_skip "nc.openbsd not installed"; return; }
	# An unknown -X: nc's words, then the values it takes.
	want=$(t 5 "$NC" -X 7 -x 127.0.0.1 127.0.0.1 80 2>&1 </dev/null |
	    sed 's/^[a-z.]*: //')
	assertEquals "-X 7" "$want: 7 (use 4, 4a, 5 or connect)" \
	    "$(t 5 "$SC" -X 7 -x 127.0.0.1 127.0.0.1 80 2>&1 </dev/null |
	    sed 's/^[a-z.]*: //')"
	for args in "-l -x 127.0.0.1 5000" \
	    "-s 127.0.0.1 -x 127.0.0.1 127.0.0.1 80" "-x [::1 127.0.0.1 80" \
	    "-x [::1]x 127.0.0.1 80" "-X CONNECT -x 127.0.0.1:1 -v 127.0.0.1 80"; do
		# shellcheck disable=SC2086
		want=$(t 5 "$NC" $args 2>&1 </dev/null | sed 's/^[a-z.]*: //'; echo "rc=${PIPESTATUS[0]}")
		# shellcheck disable=SC2086
		got=$(t 5 "$SC" $args 2>&1 </dev/null | sed 's/^[a-z.]*: //'; echo "rc=${PIPESTATUS[0]}")
		assertEquals "$args" "$want" "$got"
	done
}

test_proxy_errors_match_nc() {
	NC=${NC_OPENBSD:-/bin/nc.openbsd}
	[ -x "$NC" ] || { sc_skip "nc.openbsd not installed"; return; }
	# The same broken proxies, nc.openbsd and sockcat: same words, status.
	for c in "socks5 err1 5" "socks5 err5 5" "socks5 err77 5" \
	    "socks5 trunc 5" "socks5 trunc2 5" "socks5 nomethod 5" \
	    "socks5 badatyp 5" "socks4 err91 4" "socks4 err93 4" \
	    "socks4 trunc 4" "http status403_Forbidden connect" \
	    "http status500_Oops connect" "http trunc connect" \
	    "http garbage connect"; do
		set -- $c
		for prog in "$NC" "$SC"; do
			sc_cleanup
			fake "$1" "$2"
			echo x | t 5 "$prog" -X "$3" -x "127.0.0.1:$FPORT" \
			    127.0.0.1 9 >/dev/null 2>"$SC_TMP/err"
			echo "status=$?" >>"$SC_TMP/err"
			sed 's/^[a-z.]*: //' "$SC_TMP/err" >"$SC_TMP/$(basename "$prog").res"
		done
		assertEquals "$c" "$(cat "$SC_TMP/$(basename "$NC").res")" \
		    "$(<"$SC_TMP/sockcat.res")"
	done
}

sc_run_shunit2
