#!/bin/bash
# Name resolution never blocks other clients: in a private network and
# mount namespace whose resolver (a UDP socket on 127.0.0.1:53 that never
# answers) stalls every lookup, a proxy-server client asking for a name
# must not delay another client; the stalled client gets the protocol's
# failure reply in the end; a client leaving mid-lookup breaks nothing.
# Skipped where unshare(1) is not permitted.

if [ -z "${SC_IN_NETNS:-}" ]; then
	if ! unshare -n -m true 2>/dev/null; then
		echo "unshare -n -m not permitted: skipping" >&2
		exit 77
	fi
	SC_IN_NETNS=1 exec unshare -n -m bash "$0" "$@"
fi

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3
PATH=$PATH:/usr/sbin:/sbin
# The interpreter itself: a wrapper script may take seconds to start.
PY=$(python3 -c 'import sys; print(sys.executable)')
export PY

if ! ip link set lo up 2>/dev/null; then
	echo "cannot bring up lo in the namespace: skipping" >&2
	exit 77
fi

# The resolver: 5 s per query, one try, at a server that never answers.
NS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-ns.XXXXXX")
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:1\n' \
    >"$NS_DIR/resolv.conf"
if ! mount --bind "$NS_DIR/resolv.conf" /etc/resolv.conf 2>/dev/null; then
	rm -rf "$NS_DIR"
	echo "cannot bind-mount resolv.conf: skipping" >&2
	exit 77
fi
timeout 600 "$PY" "${TESTS_DIR:-$(dirname "$0")}/udppeer.py" \
    --bind 127.0.0.1:53 --serve "$NS_DIR/mute.ready" hold &
MUTE_PID=$!

# A name only the (mute) DNS could answer.
STALL=never.example.com

# probe PROTO HOST PORT: ask the proxy at $PPORT for HOST PORT as a
# client would (SOCKS5 or HTTP CONNECT) and print the reply code (SOCKS5's
# REP, HTTP's status) and the seconds from request to reply.
PROBE='
import socket, sys, time
proto, host, port, pport = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection(("127.0.0.1", pport), timeout=30)
if proto == "socks5":
    s.sendall(b"\x05\x01\x00")
    if s.recv(2) != b"\x05\x00":
        sys.exit("bad method reply")
    h = host.encode()
    t0 = time.monotonic()
    s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + port.to_bytes(2, "big"))
    r = b""
    while len(r) < 2:
        b = s.recv(2 - len(r))
        if not b:
            sys.exit("closed")
        r += b
    code = r[1]
else:
    t0 = time.monotonic()
    s.sendall(("CONNECT %s:%d HTTP/1.1\r\n\r\n" % (host, port)).encode())
    r = b""
    while b"\n" not in r:
        b = s.recv(100)
        if not b:
            sys.exit("closed")
        r += b
    code = int(r.split()[1])
print(code, "%.3f" % (time.monotonic() - t0), flush=True)
'

probe() {
	t 30 "$PY" -c "$PROBE" "$1" "$2" "$3" "$PPORT"
}

# bg_probe PROTO HOST PORT: probe in the background, into $OUT.
bg_probe() {
	bg sh -c 'exec timeout 30 "$PY" -c "$0" "$@" >"$OUT" 2>&1' \
	    "$PROBE" "$@" "$PPORT"
}

oneTimeSetUp() {
	wait_for "$NS_DIR/mute.ready" '^53$' 10 || fail "no mute resolver"
}

oneTimeTearDown() {
	sc_remove_tmp
	kill "$MUTE_PID" 2>/dev/null
	wait "$MUTE_PID" 2>/dev/null
	rm -rf "$NS_DIR"
	sc_report
}

# pserver args...: sockcat's proxy server with -vv; sets PPORT, PSRV_PID.
pserver() {
	SERVER_TIMEOUT=60 server px -v -l 127.0.0.1 0 "$@" ||
	    fail "no proxy server"
	PPORT=$PORT
	PSRV_PID=$SERVER_PID
}

dest() {
	server dst -k -l 127.0.0.1 0 || fail "no destination"
	DPORT=$PORT
}

# stalled NAME PROTO: a client whose lookup is under way; its reply goes
# to NAME.out.
stalled() {
	OUT=$SC_TMP/$1.out bg_probe "$2" "$STALL" 80
	wait_for "$SC_TMP/px.err" "connect to $STALL port 80" 10 ||
	    fail "the lookup did not start"
}

# assert_prompt PROTO HOST OK: a client to HOST is answered OK at once.
assert_prompt() {
	_r=$(probe "$1" "$2" "$DPORT")
	assertEquals "reply to $2" "$3" "${_r% *}"
	assertTrue "$2 answered within 0.2 s (${_r#* } s)" \
	    "awk 'BEGIN { exit !(${_r#* } <= 0.2) }'"
}

test_socks5_other_clients_not_delayed() {
	pserver --proxy-type socks5
	dest
	stalled a socks5
	assert_prompt socks5 127.0.0.1 0
	assert_prompt socks5 localhost 0
	assertEquals "the stalled one still waits" "" "$(<"$SC_TMP/a.out")"
	# It is told in the end: host unreachable.
	wait_for "$SC_TMP/a.out" '.' 30
	assertEquals "stalled client's reply" 4 "$(cut -d' ' -f1 "$SC_TMP/a.out")"
	assertTrue "still serving" "kill -0 $PSRV_PID"
}

test_http_other_clients_not_delayed() {
	pserver --proxy-type http
	dest
	stalled a http
	assert_prompt http 127.0.0.1 200
	assert_prompt http localhost 200
	assertEquals "the stalled one still waits" "" "$(<"$SC_TMP/a.out")"
	wait_for "$SC_TMP/a.out" '.' 30
	assertEquals "stalled client's reply" 502 "$(cut -d' ' -f1 "$SC_TMP/a.out")"
}

# More stalled lookups than threads: an address still needs none.
test_many_stalled() {
	pserver --proxy-type socks5
	dest
	for i in $(seq 1 12); do
		OUT=$SC_TMP/s$i.out bg_probe socks5 "$STALL" 80
	done
	wait_lines "$SC_TMP/px.err" "connect to $STALL" 12 ||
	    fail "12 lookups did not start"
	assert_prompt socks5 127.0.0.1 0
}

# The proxy's deadline (-w) ends a lookup that outlasts it.
test_deadline_ends_lookup() {
	pserver --proxy-type socks5 -w 1
	dest
	stalled a socks5
	wait_for "$SC_TMP/a.out" '.' 10
	assertEquals "host unreachable at the deadline" 4 \
	    "$(cut -d' ' -f1 "$SC_TMP/a.out")"
	_s=$(cut -d' ' -f2 "$SC_TMP/a.out")
	assertTrue "after about 1 s ($_s s)" \
	    "awk 'BEGIN { exit !($_s >= 0.8 && $_s < 2.5) }'"
}

# Clients that leave mid-lookup, by a reset or a close: the server goes
# on, and, under valgrind when it is there, without a memory error.
test_client_leaves_mid_lookup() {
	_real=$SC
	if command -v valgrind >/dev/null 2>&1 &&
	    ! grep -aq __asan_init "$SC" 2>/dev/null; then
		cat >"$SC_TMP/vg-sockcat" <<EOS
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --show-leak-kinds=definite --errors-for-leak-kinds=definite \\
    --log-file="$SC_TMP/vg.%p" "$_real" "\$@"
EOS
		chmod +x "$SC_TMP/vg-sockcat"
		SC=$SC_TMP/vg-sockcat
	fi
	pserver --proxy-type socks5
	SC=$_real
	dest
	for how in reset close; do
		t 10 "$PY" -c '
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"\x05\x01\x00")
s.recv(2)
h = sys.argv[2].encode()
s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + b"\x00\x50")
if sys.argv[3] == "reset":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
' "$PPORT" "$STALL" "$how"
	done
	assertTrue "the reset is noticed" \
	    "wait_for '$SC_TMP/px.err' 'left during the lookup' 10"
	# The closed one's lookup fails in the end: the reply goes nowhere.
	assertTrue "the other lookup ends" \
	    "wait_for '$SC_TMP/px.err' 'name resolution|not known|unreachable' 20"
	assert_prompt socks5 127.0.0.1 0
	assertTrue "still serving" "kill -0 $PSRV_PID"
	kill "$PSRV_PID"
	wait_exit "$PSRV_PID" 20
	for _f in "$SC_TMP"/vg.*; do
		[ -f "$_f" ] || continue
		assertEquals "valgrind report" "" "$(<"$_f")"
	done
}

sc_run_shunit2
