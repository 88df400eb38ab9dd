#!/bin/bash
# --keepalive[=IDLE[,INTERVAL[,COUNT]]] and --nodelay: the kernel's view
# of the connections (ss -tnoi shows the keepalive timer), the values
# read back from a socket handed over with -F, listening sockets passing
# them on, and the command-line errors.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require ss python3

# The keepalive timer ss shows for the connection whose local port is $1,
# in whole seconds ("1min39sec" is 99); empty when it has none.
ka_timer() {
	ss -tnoH state established "( sport = :$1 )" |
	    sed -n 's/.*timer:(keepalive,\([0-9]*min\)\{0,1\}\([0-9]*\)sec.*/\1 \2/p' |
	    awk '{ m = 0; s = $NF; if (NF == 2) { m = $1; sub(/min/, "", m) }
		print m * 60 + s }'
}

# Socket options of a connection made by "sockcat -F ARGS": the socket is
# received over a socket pair and read back: "keepalive idle intvl cnt
# nodelay".
passed_options() {
	python3 - "$SC" "$@" <<'EOF'
import array, socket, subprocess, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
p = subprocess.Popen(sys.argv[1:2] + ["-F"] + sys.argv[2:], stdout=b,
                     stdin=subprocess.DEVNULL)
b.close()
a.settimeout(15)
fds = array.array("i")
msg, anc, flags, addr = a.recvmsg(1, socket.CMSG_LEN(fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[:fds.itemsize])
p.wait(15)
s = socket.socket(fileno=fds[0])
g = lambda lv, o: s.getsockopt(lv, o)
print(g(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0,
      g(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
      g(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
      g(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
      g(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0)
EOF
}

# A listener that stays up, with the options given, on PORT: an echo
# server for any number of clients.
listener() {
	SERVER_TIMEOUT=90 server srv -lk -e /bin/cat "$@" 127.0.0.1 0 || fail "no server"
}

test_values_on_a_connecting_socket() {
	listener
	assertEquals "all three and Nagle off" "True 7 3 4 True" \
	    "$(passed_options --keepalive=7,3,4 --nodelay 127.0.0.1 "$PORT")"
	assertEquals "units, and only the idle time" "True 120 75 9 False" \
	    "$(passed_options --keepalive=2m 127.0.0.1 "$PORT" |
	    awk '{ print $1, $2, 75, 9, $5 }')"
	# Without the options, nothing is changed.
	assertEquals "defaults" "False False" "$(passed_options 127.0.0.1 \
	    "$PORT" | awk '{ print $1, $5 }')"
	assertEquals "an empty field keeps the system's value" "True 9" \
	    "$(passed_options --keepalive=,,9 127.0.0.1 "$PORT" |
	    awk '{ print $1, $4 }')"

}

test_ss_shows_the_timers() {
	listener --keepalive=100
	held_stdin c.in 8
	bg_in "$SC_TMP/c.in" t 20 "$SC" -v --keepalive=50,5 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	wait_for "$SC_TMP/srv.err" '^Connection received' 15 ||
	    fail "no connection"
	cport=$(sed -n 's/^Connection received on [^ ]* \([0-9]*\)$/\1/p' \
	    "$SC_TMP/srv.err")
	s=$(ka_timer "$PORT")
	c=$(ka_timer "$cport")
	# Counted down since the connection was made, a few seconds at most.
	assertTrue "listener's accepted socket: $s" "[ '$s' -le 100 ] &&
	    [ '$s' -ge 80 ]"
	assertTrue "client's socket: $c" "[ '$c' -le 50 ] && [ '$c' -ge 30 ]"
	ss -tnoiH state established "( sport = :$PORT )" >"$SC_TMP/ss"
	assertTrue "ss -tnoi shows it" "grep -q 'timer:(keepalive,' '$SC_TMP/ss'"
}

test_no_timer_without_keepalive() {
	listener
	held_stdin c.in 8
	bg_in "$SC_TMP/c.in" t 20 "$SC" 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_for "$SC_TMP/srv.err" '^Connection received' 15 ||
	    fail "no connection"
	assertEquals "no keepalive timer" "" "$(ka_timer "$PORT")"
}

test_errors() {
	expect_error "cannot use --keepalive with -u" --keepalive -u host 1
	expect_error "cannot use --nodelay with -U" --nodelay -U /tmp/x
	expect_error "keepalive count too large: 500" --keepalive=1,1,500 \
	    host 1
	expect_error "keepalive idle time invalid: x" --keepalive=x host 1
	expect_error "keepalive invalid: 1,2,3,4 (IDLE,INTERVAL,COUNT)" \
	    --keepalive=1,2,3,4 host 1
}

# 0 was taken for 1 s; it is no keepalive time TCP has.  A fraction of a
# second is still rounded up to one.
test_zero_refused_fractions_round_up() {
	expect_error "keepalive idle time too small: 0" --keepalive=0 host 1
	expect_error "keepalive interval too small: 0ms" --keepalive=5,0ms \
	    host 1
	listener
	assertEquals "0.2s and 1ms are a second" "True 1 1" \
	    "$(passed_options --keepalive=0.2s,1ms 127.0.0.1 "$PORT" |
	    awk '{ print $1, $2, $3 }')"
}

sc_run_shunit2
