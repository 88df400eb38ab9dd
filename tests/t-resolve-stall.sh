#!/bin/bash
# Name resolution never blocks other clients: in a private network and
# mount namespace whose resolver (a UDP socket on 127.0.0.1:53 that never
# answers) stalls every lookup, a proxy-server client asking for a name
# must not delay another client; the stalled client gets the protocol's
# failure reply in the end; a client leaving mid-lookup breaks nothing;
# one peer's stalled lookups leave workers for others, and names in
# /etc/hosts need none.  The resolver answers one name, fast.test, at
# once.  Skipped where unshare(1) is not permitted.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_private_netns "$@"
sc_require python3
# The interpreter itself: a wrapper script may take seconds to start.
PY=${SC_PYTHON:-python3}
export PY

# The resolver: 5 s per query, one try, at a server that never answers.
# The hosts file: the loopback names, one of our own, and a name for a
# second client address (-v names each client, and a reverse lookup the
# resolver does not answer would take its 5 s).
sc_netns_resolver 5 '127.0.0.1 localhost' '::1 localhost ip6-localhost' \
    '127.0.0.1 hosted.test' '127.0.0.2 peer2.test' '127.0.0.3 peer3.test' \
    '127.0.0.4 peer4.test' '127.0.0.5 peer5.test' '127.0.0.6 peer6.test'
# The resolver: fast.test is 127.0.0.1 (and has no IPv6 address); every
# other question goes unanswered.
timeout 600 "$PY" -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
while True:
    q, peer = s.recvfrom(4096)
    try:
        i, labels = 12, []
        while q[i]:
            labels.append(q[i + 1:i + 1 + q[i]])
            i += 1 + q[i]
        qtype = struct.unpack(">H", q[i + 1:i + 3])[0]
    except (IndexError, struct.error):
        continue
    if b".".join(labels).lower() != b"fast.test":
        continue
    ans = b""
    if qtype == 1:
        ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([127, 0, 0, 1])
    s.sendto(q[:2] + struct.pack(">HHHHH", 0x8180, 1, len(ans) and 1, 0, 0) +
             q[12:i + 5] + ans, peer)
' "$NS_DIR/mute.ready" &
MUTE_PID=$!

# A name only the (mute) DNS could answer.
STALL=never.example.com

# probe PROTO HOST PORT [SOURCE]: ask the proxy at $PPORT for HOST PORT as
# a client would (SOCKS5 or HTTP CONNECT), from SOURCE (127.0.0.1 unless
# told), and print the reply code (SOCKS5's REP, HTTP's status) and the
# seconds from request to reply.
PROBE='
import socket, sys, time
proto, host, port, pport = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
src = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
s = socket.create_connection(("127.0.0.1", pport), timeout=30,
                             source_address=(src, 0))
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
	t 30 "$PY" -c "$PROBE" "$1" "$2" "$3" "$PPORT" ${4:+"$4"}
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
	stop "$MUTE_PID"
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

# assert_prompt PROTO HOST OK [SOURCE [SECS]]: a client (from SOURCE) to
# HOST is answered OK at once (within SECS, 2 unless told): well within
# the 5 s a stalled lookup takes, and far enough from it that a loaded
# machine (or valgrind) does not fail it.
assert_prompt() {
	_r=$(probe "$1" "$2" "$DPORT" "${4:-}")
	assertEquals "reply to $2" "$3" "${_r% *}"
	assertTrue "$2 answered within ${5:-2} s (${_r#* } s)" \
	    "awk 'BEGIN { exit !(${_r#* } <= ${5:-2}) }'"
}

# assert_stalled NAME: the stalled client NAME was answered only when the
# resolver gave up (5 s), so the prompt answers above came while it
# waited.
assert_stalled() {
	_s=$(cut -d' ' -f2 "$SC_TMP/$1.out")
	assertTrue "$1 waited for the resolver ($_s s)" \
	    "awk 'BEGIN { exit !($_s >= 4.5) }'"
}

test_socks5_other_clients_not_delayed() {
	pserver --proxy-type socks5
	dest
	stalled a socks5
	assert_prompt socks5 127.0.0.1 0
	assert_prompt socks5 localhost 0
	# It is told in the end, when the resolver's 5 s are up: host
	# unreachable.
	wait_for "$SC_TMP/a.out" '.' 30
	assertEquals "stalled client's reply" 4 "$(cut -d' ' -f1 "$SC_TMP/a.out")"
	assert_stalled a
	assertTrue "still serving" "kill -0 $PSRV_PID"
}

test_http_other_clients_not_delayed() {
	pserver --proxy-type http
	dest
	stalled a http
	assert_prompt http 127.0.0.1 200
	assert_prompt http localhost 200
	wait_for "$SC_TMP/a.out" '.' 30
	assertEquals "stalled client's reply" 502 "$(cut -d' ' -f1 "$SC_TMP/a.out")"
	assert_stalled a
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

# fill_pool PROTO: one peer (127.0.0.1) asks the proxy for 12 names the
# resolver never answers, from as many connections; sets OK to PROTO's
# success reply.
fill_pool() {
	pserver --proxy-type "$1"
	dest
	for i in $(seq 1 12); do
		OUT=$SC_TMP/s$i.out bg_probe "$1" "n$i.$STALL" 80
	done
	wait_lines "$SC_TMP/px.err" "connect to n[0-9]+\\.$STALL" 12 ||
	    fail "12 lookups did not start"
	OK=0
	[ "$1" = http ] && OK=200
}

# Names in /etc/hosts, like addresses, need no worker: a full pool does
# not delay them.
test_hosts_names_need_no_worker() {
	for proto in socks5 http; do
		fill_pool "$proto"
		assert_prompt "$proto" localhost "$OK" 127.0.0.1
		assert_prompt "$proto" hosted.test "$OK" 127.0.0.1
		assert_prompt "$proto" 127.0.0.1 "$OK" 127.0.0.1
		sc_cleanup
	done
}

# One peer cannot take every worker, however many connections it opens:
# another still finds one for a name only the resolver knows.
test_one_peer_cannot_take_the_pool() {
	for proto in socks5 http; do
		fill_pool "$proto"
		assert_prompt "$proto" fast.test "$OK" 127.0.0.2
		sc_cleanup
	done
}

# Four peers with two stalled lookups each hold the eight workers the
# shares allow, and each lookup keeps its worker until the C library gives
# up: a fifth peer, which holds none, still gets a worker at once.
test_four_peers_cannot_take_the_pool() {
	for proto in socks5 http; do
		pserver --proxy-type "$proto"
		dest
		for src in 2 3 4 5; do
			for i in 1 2; do
				OUT=$SC_TMP/p$src-$i.out bg sh -c \
				    'exec timeout 30 "$PY" -c "$0" "$@" \
				    >"$OUT" 2>&1' "$PROBE" "$proto" \
				    "p$src-$i.$STALL" 80 "$PPORT" "127.0.0.$src"
			done
		done
		wait_lines "$SC_TMP/px.err" "connect to p[0-9]-[0-9]\\.$STALL" 8 ||
		    fail "8 lookups did not start"
		OK=0
		[ "$proto" = http ] && OK=200
		assert_prompt "$proto" fast.test "$OK" 127.0.0.6
		assertTrue "still serving" "kill -0 $PSRV_PID"
		sc_cleanup
	done
}

# One peer has at most 32 lookups: more connections asking for names
# are refused at once (SOCKS5's general failure), and the others wait.
test_one_peer_lookups_bounded() {
	pserver --proxy-type socks5
	t 30 "$PY" -c '
import select, socket, sys, time
port, n = int(sys.argv[1]), 40
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"\x05\x01\x00")
    if s.recv(2) != b"\x05\x00":
        sys.exit("bad method reply")
    h = ("b%d.%s" % (i, sys.argv[2])).encode()
    s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + b"\x00\x50")
    socks.append(s)
# Within a second, the replies there are: the refused ones.
codes, end = [], time.monotonic() + 1
while time.monotonic() < end:
    r, _, _ = select.select(socks, [], [], max(0, end - time.monotonic()))
    for s in r:
        codes.append(s.recv(2)[1:2].hex())
        socks.remove(s)
print(len(codes), " ".join(sorted(set(codes))))
' "$PPORT" "$STALL" >"$SC_TMP/bound.out"
	assertEquals "8 refused at once, the others waiting" "8 01" \
	    "$(<"$SC_TMP/bound.out")"
	assertTrue "still serving" "kill -0 $PSRV_PID"
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
	stop "$PSRV_PID"
	wait_exit "$PSRV_PID" 20
	for _f in "$SC_TMP"/vg.*; do
		[ -f "$_f" ] || continue
		assertEquals "valgrind report" "" "$(<"$_f")"
	done
}

sc_run_shunit2
