#!/bin/bash
# --relay --websocket and --via ws:// (and wss://), on loopback: a relay
# reached by WebSocket pairs two --via ws:// clients as one reached over
# TCP does: a chat typed on two terminals, 4 MiB one way and 1 MiB the
# other at once with the hashes checked, 3 MiB that arrive long after the
# other side is done, a program served; a recording of everything that
# crosses between the clients and the relay holds none of the plaintext;
# a wrong code never pairs (both sides say so, status 1), and a web
# server (over TCP or by WebSocket) or a banner is said to be no relay;
# a third client is refused, and so is a second waiting from an address
# that may have one; a plain TCP --via client and a WebSocket one pair on
# the same port; Python's websockets (a client nobody here wrote)
# performs the rendezvous and its bytes cross; a relay behind a TLS front
# (a --ssl forwarder, and HAProxy) is reached with wss://; 1,000
# WebSocket clients waiting cost the relay at most 2 MiB; the relay logs
# no code; a client that only pings, as fast as it can, holds no pair
# back.
# (t-relay.sh does the same over TCP in network namespaces with NAT.)

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3 sha256sum openssl
sc_require_tls
sc_require_websockets
sc_certs

# Two drawn codes (t-secret.sh computes their check apart from sockcat).
CODE=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK
OTHER=ZNDZ-M7ED-S7MT-5EJZ-RS2Y-YSJP-K6HD

# relay_up [ARGS...]: the relay on a port of its own, reached by
# WebSocket, all that -vvvv says in relay.err (which must hold no code);
# its URL in RELAY, its process in RELAY_PID.
relay_up() {
	server relay -vvvn --relay --websocket "$@" 0 ||
	    fail "the relay does not listen: $(cat "$SC_TMP/relay.err")"
	RELAY_PID=$SERVER_PID
	RELAY=ws://127.0.0.1:$PORT/
}

# side NAME ARGS...: sockcat with ARGS in the background, bounded, stdin
# /dev/null: stdout NAME.out, stderr NAME.err, its process in SIDE_PID.
side() {
	_n=$1
	shift
	bg t 60 "$SC" "$@" >"$SC_TMP/$_n.out" 2>"$SC_TMP/$_n.err"
	SIDE_PID=$BG_PID
}

# A chat typed at on two terminals, meeting at the relay by WebSocket.
test_chat_on_two_terminals() {
	relay_up
	bg t 60 $PTY_DRIVE tty 24x80 "record:$SC_TMP/a" \
	    "expect:Waiting at $RELAY for the other side" \
	    'expect:connected to' 'send:hello from one side\r' \
	    'expect:< hello from the other' 'send::q\r' 'exit:0' -- \
	    "$SC" --chat --via "$RELAY" --secret="$CODE" \
	    >"$SC_TMP/a.tty" 2>"$SC_TMP/a.drive"
	A=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "a does not wait"
	on_tty b 'expect:connected to' 'expect:< hello from one side' \
	    'send:hello from the other\r' 'expect:left' 'exit:0' -- \
	    "$SC" --chat --via "$RELAY" --secret="$CODE"
	st=$?
	assertEquals "b's steps: $(cat "$SC_TMP/b.err")" 0 "$st"
	wait_exit "$A"
	assertEquals "a's steps: $(cat "$SC_TMP/a.drive")" 0 "$WAIT_STATUS"
	assertContains "a's terminal" "$(tty_text a)" "< hello from the other"
	assertContains "b's terminal" "$(tty_text b)" "< hello from one side"
	assertNotContains "no code in the relay's log" \
	    "$(<"$SC_TMP/relay.err")" "$CODE"
}

# 4 MiB from one side and 1 MiB from the other at once, hashed on both
# sides: the way that ends first does not cut the other (a WebSocket has
# no half-close; TLS's close_notify says the end inside it).  The relay
# says who was paired with whom and the bytes, never the code.
test_mib_each_way() {
	head -c $((4 << 20)) /dev/urandom >"$SC_TMP/a.data"
	head -c $((1 << 20)) /dev/urandom >"$SC_TMP/b.data"
	relay_up
	bg_in "$SC_TMP/a.data" t 60 "$SC" -N -l --via "$RELAY" \
	    --secret="$CODE" >"$SC_TMP/a.got" 2>"$SC_TMP/a.err"
	A=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "a does not wait"
	bg_in "$SC_TMP/b.data" t 60 "$SC" -N --via "$RELAY" \
	    --secret="$CODE" >"$SC_TMP/b.got" 2>"$SC_TMP/b.err"
	B=$BG_PID
	wait_exit "$A" 60
	assertEquals "a's status: $(cat "$SC_TMP/a.err")" 0 "$WAIT_STATUS"
	wait_exit "$B" 60
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$WAIT_STATUS"
	assertEquals "b got a's bytes" "$(sha256sum <"$SC_TMP/a.data")" \
	    "$(sha256sum <"$SC_TMP/b.got")"
	assertEquals "a got b's bytes" "$(sha256sum <"$SC_TMP/b.data")" \
	    "$(sha256sum <"$SC_TMP/a.got")"
	assertEquals "a's stderr" "Waiting at $RELAY for the other side \
(up to 600s)" "$(<"$SC_TMP/a.err")"
	assertEquals "b's stderr" "" "$(<"$SC_TMP/b.err")"
	wait_for "$SC_TMP/relay.err" ': closed, [0-9]+ and [0-9]+ bytes$' ||
	    fail "the relay does not say the pair's end"
	log=$(<"$SC_TMP/relay.err")
	LOCAL='::ffff:127\.0\.0\.1 [0-9]+'
	assertTrue "the relay pairs the two: $log" "grep -Eq \
	    '^sockcat: relay: paired $LOCAL with $LOCAL\$' '$SC_TMP/relay.err'"
	# Each way: its MiB and TLS's records around them.
	set -- $(sed -En 's/.*: closed, ([0-9]+) and ([0-9]+) bytes$/\1 \2/p' \
	    "$SC_TMP/relay.err")
	assertTrue "the relay counts 4 and 1 MiB: $1 $2" \
	    "[ ${1:-0} -gt $((4 << 20)) ] && [ ${2:-0} -gt $((1 << 20)) ]"
	assertNotContains "no code in the relay's log" "$log" "$CODE"
}

# One side says a line and is done; the other's 3 MiB take two seconds
# more (the relay holds the pair to 1 MiB a second) and all arrive: the
# end of one side's data is TLS's, inside the WebSocket, not a close
# that would leave the other way a second to end.
test_one_side_ends_first() {
	head -c $((3 << 20)) /dev/urandom >"$SC_TMP/b.data"
	relay_up --relay-limit rate=1048576
	echo "a short line" >"$SC_TMP/a.in"
	bg_in "$SC_TMP/a.in" t 60 "$SC" -N -l --via "$RELAY" \
	    --secret="$CODE" >"$SC_TMP/a.got" 2>"$SC_TMP/a.err"
	A=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "a does not wait"
	t 60 "$SC" -N --via "$RELAY" --secret="$CODE" <"$SC_TMP/b.data" \
	    >"$SC_TMP/b.got" 2>"$SC_TMP/b.err"
	st=$?
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$st"
	wait_exit "$A" 30
	assertEquals "a's status: $(cat "$SC_TMP/a.err")" 0 "$WAIT_STATUS"
	assertEquals "b got a's line" "a short line" "$(<"$SC_TMP/b.got")"
	assertEquals "a got b's 3 MiB" "$(sha256sum <"$SC_TMP/b.data")" \
	    "$(sha256sum <"$SC_TMP/a.got")"
}

# A program (-c) on one side serves the other through the relay.
test_program() {
	relay_up
	side prog -l --via "$RELAY" --secret="$CODE" -c 'tr a-z A-Z'
	P=$SIDE_PID
	echo "shout this" | t 30 "$SC" -N --via "$RELAY" --secret="$CODE" \
	    >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	st=$?
	assertEquals "status: $(cat "$SC_TMP/a.err")" 0 "$st"
	assertEquals "its answer" "SHOUT THIS" "$(<"$SC_TMP/a.out")"
	wait_exit "$P"
	assertEquals "the program's side" 0 "$WAIT_STATUS"
}

# Everything that crosses between the clients and the relay, recorded by
# a proxy in between, holds none of the text; the relay's frames to a
# client are not masked, so text it passed in the clear would be there.
# The upgrade, in the clear, is: the recording sees the bytes.
test_recording_holds_no_plaintext() {
	for i in $(seq 20000); do
		echo "the plaintext line $i, which only the two ends read"
	done >"$SC_TMP/text"
	relay_up
	bg t 60 python3 -c "$RECORDER" "$PORT" "$SC_TMP/rec" \
	    >"$SC_TMP/rec.port"
	wait_for "$SC_TMP/rec.port" '^[0-9]+$' || fail "no recorder"
	via=ws://127.0.0.1:$(<"$SC_TMP/rec.port")/
	side a -l --via "$via" --secret="$CODE"
	A=$SIDE_PID
	t 30 "$SC" -N --via "$via" --secret="$CODE" <"$SC_TMP/text" \
	    >/dev/null 2>"$SC_TMP/b.err"
	st=$?
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$st"
	wait_exit "$A"
	assertTrue "a got the text" "cmp -s '$SC_TMP/text' '$SC_TMP/a.out'"
	size=$(stat -c %s "$SC_TMP/rec")
	assertTrue "the recording holds both ways' bytes: $size" \
	    "[ $size -gt $(stat -c %s "$SC_TMP/text") ]"
	assertTrue "the recording sees the upgrade" \
	    "grep -aq 'HTTP/1.1 101' '$SC_TMP/rec'"
	assertFalse "no plaintext in the recording" \
	    "grep -aq 'plaintext line' '$SC_TMP/rec'"
}

# A TCP proxy to 127.0.0.1:ARGV[1] that appends every byte either way to
# the file ARGV[2]; prints its port.
RECORDER='
import os, selectors, socket, sys
port, out = int(sys.argv[1]), open(sys.argv[2], "ab", buffering=0)
ls = socket.create_server(("127.0.0.1", 0))
print(ls.getsockname()[1], flush=True)
sel = selectors.DefaultSelector()
sel.register(ls, selectors.EVENT_READ)
peer = {}
while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s is ls:
            c, _ = ls.accept()
            r = socket.create_connection(("127.0.0.1", port))
            peer[c], peer[r] = r, c
            sel.register(c, selectors.EVENT_READ)
            sel.register(r, selectors.EVENT_READ)
            continue
        b = s.recv(1 << 16)
        if not b:
            for x in (s, peer[s]):
                if x in peer:
                    sel.unregister(x)
                    x.close()
                    del peer[x]
            continue
        out.write(b)
        peer[s].sendall(b)
'

# Different codes never pair: each side waits its -w and says so.
test_wrong_code_never_pairs() {
	relay_up
	side a -w 3 --via "$RELAY" --secret="$CODE"
	A=$SIDE_PID
	side b -w 3 --via "$RELAY" --secret="$OTHER"
	B=$SIDE_PID
	wait_exit "$A" 20
	assertEquals "a's status" 1 "$WAIT_STATUS"
	wait_exit "$B" 20
	assertEquals "b's status" 1 "$WAIT_STATUS"
	for s in a b; do
		assertEquals "$s's stdout" "" "$(<"$SC_TMP/$s.out")"
		assertEquals "$s's stderr" "Waiting at $RELAY for the other side \
(up to 3s)
sockcat: nobody came to the relay $RELAY with this code within 3s (is it \
the same code on both sides?)" "$(<"$SC_TMP/$s.err")"
	done
}

# Python's web server on a port of its own, serving $SC_TMP; its port in
# WPORT.
web_server() {
	bg t 60 python3 -u -m http.server --bind 127.0.0.1 --directory \
	    "$SC_TMP" 0 >"$SC_TMP/www.out" 2>"$SC_TMP/www.err"
	wait_for "$SC_TMP/www.out" '^Serving HTTP on .* port [0-9]+' 60 ||
	    fail "no web server: $(<"$SC_TMP/www.err")"
	WPORT=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' \
	    "$SC_TMP/www.out")
}

# --via at something that is no relay says so, not that the codes
# differ: a web server (Python's http.server) that answers nothing to
# the request, and a plain listener whose banner is no rendezvous answer.
test_no_relay_said() {
	web_server
	t 20 "$SC" -w 2 --via "127.0.0.1:$WPORT" --secret="$CODE" \
	    </dev/null >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	assertEquals "status" 1 $?
	# -w's time, less the dial's, rounded up.
	want="sockcat: 127.0.0.1:$WPORT is no relay: it did not answer the"
	want="$want rendezvous request within [12]s"
	assertTrue "a web server: $(<"$SC_TMP/a.err")" \
	    "grep -Eqx '$want' '$SC_TMP/a.err'"
	echo 'SSH-2.0-OpenSSH_9.2' >"$SC_TMP/banner.in"
	server banner -l 127.0.0.1 0 || fail "no banner server"
	t 20 "$SC" -w 2 --via "127.0.0.1:$PORT" --secret="$CODE" \
	    </dev/null >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	assertEquals "status" 1 $?
	assertEquals "a banner" "sockcat: 127.0.0.1:$PORT is no relay: its \
answer is no rendezvous answer" "$(<"$SC_TMP/b.err")"
}

# The same by WebSocket: a web server answers the upgrade with a page, or
# with nothing at that path, where a relay upgrades.
test_no_relay_said_by_websocket() {
	web_server
	for path in / /relay; do
		t 20 "$SC" -w 2 --via "ws://127.0.0.1:$WPORT$path" \
		    --secret="$CODE" </dev/null >"$SC_TMP/a.out" \
		    2>"$SC_TMP/a.err"
		assertEquals "$path: status" 1 $?
		assertEquals "$path: stdout" "" "$(<"$SC_TMP/a.out")"
		case $path in
		/)	answer="200 OK" ;;
		*)	answer="404 File not found" ;;
		esac
		want="sockcat: ws://127.0.0.1:$WPORT$path is no relay: it"
		want="$want answered the WebSocket upgrade with HTTP/1.0 $answer"
		assertEquals "$path: stderr" "$want" "$(<"$SC_TMP/a.err")"
	done
}

# A third client with a code two others are paired with is turned away.
test_third_client_refused() {
	relay_up
	held_stdin hold 7
	bg_in "$SC_TMP/hold" t 30 "$SC" -N -l --via "$RELAY" \
	    --secret="$CODE" >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	A=$BG_PID
	echo paired >"$SC_TMP/b.in"
	bg_in "$SC_TMP/b.in" t 30 "$SC" -N --via "$RELAY" --secret="$CODE" \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	B=$BG_PID
	wait_for "$SC_TMP/a.out" '^paired$' || fail "not paired"
	t 10 "$SC" -w 5 --via "$RELAY" --secret="$CODE" </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "the third's status" 1 $?
	assertEquals "the third's stdout" "" "$(<"$SC_TMP/c.out")"
	assertEquals "the third's stderr" "sockcat: the relay $RELAY refused: \
two clients are already paired with this code" "$(<"$SC_TMP/c.err")"
	wait_for "$SC_TMP/relay.err" \
	    '^sockcat: relay: ::ffff:127\.0\.0\.1 [0-9]+: refused: its name is paired already$' ||
	    fail "the relay does not say it: $(cat "$SC_TMP/relay.err")"
	exec 7>&-
	wait_exit "$A"
	wait_exit "$B"
}

# The relay's limit per address holds over WebSocket: one client waiting
# from 127.0.0.1, a second from it turned away.
test_per_address_limit() {
	relay_up --relay-limit per-addr=1
	side a -w 20 --via "$RELAY" --secret="$CODE"
	A=$SIDE_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "a does not wait"
	t 10 "$SC" -w 5 --via "$RELAY" --secret="$OTHER" </dev/null \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	assertEquals "a second from the address: status" 1 $?
	assertEquals "a second from the address: stderr" "sockcat: the relay \
$RELAY refused: too many clients from this address are waiting" \
	    "$(<"$SC_TMP/b.err")"
	stop "$A"
}

# One client over plain TCP and one over WebSocket, on the relay's one
# port, pair: the relay tells them apart by their first bytes.
test_tcp_and_websocket_pair() {
	relay_up
	echo "over TCP" >"$SC_TMP/a.in"
	bg_in "$SC_TMP/a.in" t 30 "$SC" -N -l --via "127.0.0.1:$PORT" \
	    --secret="$CODE" >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	A=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "a does not wait"
	echo "over WebSocket" | t 30 "$SC" -N --via "$RELAY" \
	    --secret="$CODE" >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	st=$?
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$st"
	wait_exit "$A"
	assertEquals "a's status: $(cat "$SC_TMP/a.err")" 0 "$WAIT_STATUS"
	assertEquals "a got b's line" "over WebSocket" "$(<"$SC_TMP/a.out")"
	assertEquals "b got a's line" "over TCP" "$(<"$SC_TMP/b.out")"
}

# A WebSocket client slow to send its upgrade (a loaded machine, a slow
# link) is still one: a relay's plain TCP client speaks first too (its
# request), so only the first bytes tell them apart, never a silence.
test_slow_websocket_client() {
	relay_up
	t 30 python3 -c "$SLOWUP" "$PORT" >"$SC_TMP/py.out" 2>"$SC_TMP/py.err"
	assertEquals "python's status: $(cat "$SC_TMP/py.err")" 0 $?
	assertEquals "the answer" "HTTP/1.1 101 Switching Protocols" \
	    "$(<"$SC_TMP/py.out")"
	assertFalse "taken for a plain client" \
	    "grep -q 'not a rendezvous request' '$SC_TMP/relay.err'"
}

SLOWUP='
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10)
time.sleep(1.5)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
          b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          b"Sec-WebSocket-Version: 13\r\n\r\n")
head = b""
while b"\r\n" not in head:
    c = s.recv(1)
    if not c: break
    head += c
print(head.split(b"\r\n")[0].decode(errors="replace"))
'

# Python's websockets, as a client of the relay: two clients present a
# name, are told to wait, then which is TLS's server (S) and client (C),
# and their messages' bytes cross; a third with the name is refused (T);
# a request that is no rendezvous is answered B; when one closes, the
# other is closed (1000).  The relay logs no name.
test_foreign_websocket_clients() {
	relay_up
	t 30 python3 -c "$PYCLIENTS" "$PORT" >"$SC_TMP/py.out" \
	    2>"$SC_TMP/py.err"
	st=$?
	assertEquals "python's status: $(cat "$SC_TMP/py.err")" 0 "$st"
	assertEquals "what the clients got" "a: b'SCRW'
b: b'SCRC'
a: b'SCRS'
a got: b'hello from b'
b got: b'hello from a'
c: b'SCRT'
d: b'SCRB'
b: closed 1000" "$(<"$SC_TMP/py.out")"
	wait_for "$SC_TMP/relay.err" ': closed, 12 and 12 bytes$' ||
	    fail "the relay does not say the pair's end"
	assertNotContains "no name in the relay's log" \
	    "$(<"$SC_TMP/relay.err")" "$(printf '\021\021\021\021')"
}

PYCLIENTS='
import asyncio, sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets
async def main(port):
    u = "ws://127.0.0.1:%s/" % port
    req = b"SCRV\x01\x20" + b"\x11" * 32
    a = await websockets.connect(u)
    await a.send(req)
    print("a:", await a.recv())
    b = await websockets.connect(u)
    await b.send(req)
    print("b:", await b.recv())
    print("a:", await a.recv())
    await b.send(b"hello from b")
    print("a got:", await a.recv())
    await a.send(b"hello from a")
    print("b got:", await b.recv())
    c = await websockets.connect(u)
    await c.send(req)
    print("c:", await c.recv())
    d = await websockets.connect(u)
    await d.send(b"GET / HTTP/1.1\r\n\r\n" + b"x" * 32)
    print("d:", await d.recv())
    await a.close()
    try:
        await b.recv()
    except websockets.ConnectionClosed as e:
        print("b: closed", e.code)
asyncio.run(main(sys.argv[1]))
'

# PINGFLOOD WSPEER PORT: a WebSocket client of the relay at PORT that
# sends no request but pings, as fast as it can, for 15 seconds
# (wspeer.py flood); meanwhile three pairs of plain clients come, each
# with a name of its own, and each must have both answers within 6
# seconds (a busy machine's margin, well short of the 15 a held relay
# would take): the pings, which carry nothing, must not hold the relay
# from the others.
PINGFLOOD='
import socket, subprocess, sys, time
wspeer, port = sys.argv[1], int(sys.argv[2])
f = subprocess.Popen([sys.executable, wspeer, "flood", str(port), "-",
    "898000000000"], stdout=subprocess.PIPE)
if f.stdout.readline() != b"flooding\n":
    sys.exit("no flood")
def answered(s, end):
    got = b""
    while len(got) < 4:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            more = s.recv(4 - len(got))
        except socket.timeout:
            return False
        if not more:
            return False
        got += more
    return got.startswith(b"SCR")
late = []
for i in range(3):
    end = time.monotonic() + 6
    a = socket.create_connection(("127.0.0.1", port), timeout=6)
    b = socket.create_connection(("127.0.0.1", port), timeout=6)
    name = b"SCRV\x01\x20" + bytes([0x41 + i]) * 32
    a.sendall(name)
    b.sendall(name)
    if not answered(a, end) or not answered(b, end):
        late.append(i)
    a.close()
    b.close()
f.kill()
f.wait()
print("late:", late)
'

test_pings_hold_no_one() {
	relay_up
	t 60 python3 -c "$PINGFLOOD" "$WSPEER" "$PORT" >"$SC_TMP/py.out" \
	    2>"$SC_TMP/py.err"
	assertEquals "python: $(cat "$SC_TMP/py.err")" 0 $?
	assertEquals "each pair answered in time" "late: []" \
	    "$(<"$SC_TMP/py.out")"
}

# What comes before a client's request, in frames a browser or a proxy
# may send: a ping, answered; the first frame sent with the upgrade; the
# request in fragments.  A continuation of no message, a message inside
# another, are refused (SCRB) and said; a close before any request ends
# the connection.
test_frames_before_the_request() {
	relay_up
	t 30 python3 -c "$RAWFRAMES" "$PORT" >"$SC_TMP/py.out" \
	    2>"$SC_TMP/py.err"
	assertEquals "python's status: $(cat "$SC_TMP/py.err")" 0 $?
	assertEquals "what the clients got" "a HTTP/1.1 101 Switching Protocols
a 10 b'hi'
a 2 b'SCRW'
b 2 b'SCRB'
b end
c 2 b'SCRB'
c end
d end" "$(<"$SC_TMP/py.out")"
	for why in "continuation frame without a message" \
	    "a message begun inside another"; do
		wait_for "$SC_TMP/relay.err" ": refused: $why\$" ||
		    fail "the relay does not say: $why"
	done
}

RAWFRAMES='
import os, socket, struct, sys
def frame(op, data, fin=True):
    m = os.urandom(4)
    h = bytes([(0x80 if fin else 0) | op])
    h += bytes([0x80 | len(data)]) if len(data) < 126 else bytes([0xfe]) + struct.pack("!H", len(data))
    return h + m + bytes(b ^ m[i % 4] for i, b in enumerate(data))
def up(port, first=b""):
    s = socket.create_connection(("127.0.0.1", int(port)))
    s.settimeout(10)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" + first)
    head = b""
    while b"\r\n\r\n" not in head:
        c = s.recv(1)
        if not c: raise SystemExit("no 101")
        head += c
    return s, head.split(b"\r\n")[0].decode()
def read_frame(s):
    def n(k):
        b = b""
        while len(b) < k:
            c = s.recv(k - len(b))
            if not c: return None
            b += c
        return b
    h = n(2)
    if h is None: return None
    ln = h[1] & 0x7f
    if ln == 126: ln = struct.unpack("!H", n(2))[0]
    return h[0] & 0x0f, n(ln)
def show(name, s):
    while True:
        try:
            f = read_frame(s)
        except ConnectionResetError:
            f = None
        if f is None: print(name, "end"); return
        op, data = f
        if op == 8: print(name, "close", struct.unpack("!H", data[:2])[0] if data else None); return
        print(name, op, data)
port = sys.argv[1]
req = b"SCRV\x01\x20" + b"\x11" * 32
# a: a ping before the request, the request in two fragments, and the
# first bytes sent with the upgrade, before its answer
s, st = up(port, frame(9, b"hi"))
print("a", st)
s.sendall(frame(2, req[:10], False) + frame(0, req[10:20], False) + frame(0, req[20:]))
f = read_frame(s); print("a", *f)
f = read_frame(s); print("a", *f)
# b: a continuation with no message
b, st = up(port); b.sendall(frame(0, b"x")); show("b", b)
# c: a message inside another
c, st = up(port); c.sendall(frame(2, b"SC", False) + frame(2, b"RV")); show("c", c)
# d: closed before its request
d, st = up(port); d.sendall(frame(8, struct.pack("!H", 1000))); show("d", d)
'

# A relay behind a TLS front (a --ssl forwarder to its port), as behind a
# web server on port 443: two --via wss:// clients, which check its
# certificate, pair through it.
test_wss_behind_a_tls_front() {
	relay_up
	RPORT=$PORT
	server front --ssl --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" -lk 127.0.0.1 0 \
	    --forward "127.0.0.1:$RPORT" ||
	    fail "no front: $(cat "$SC_TMP/front.err")"
	via=wss://localhost:$PORT/
	echo "through TLS" >"$SC_TMP/a.in"
	SSL_CERT_FILE=$CERTS/ca.pem bg_in "$SC_TMP/a.in" t 30 "$SC" -N -l \
	    --via "$via" --secret="$CODE" >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	A=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' ||
	    fail "a does not wait: $(cat "$SC_TMP/a.err")"
	echo "and back" | SSL_CERT_FILE=$CERTS/ca.pem t 30 "$SC" -N \
	    --via "$via" --secret="$CODE" >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	st=$?
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$st"
	wait_exit "$A"
	assertEquals "a's status: $(cat "$SC_TMP/a.err")" 0 "$WAIT_STATUS"
	assertEquals "a got b's line" "and back" "$(<"$SC_TMP/a.out")"
	assertEquals "b got a's line" "through TLS" "$(<"$SC_TMP/b.out")"
	# A certificate the system does not trust is refused.
	t 10 "$SC" -w 5 --via "$via" --secret="$CODE" </dev/null \
	    >/dev/null 2>"$SC_TMP/c.err"
	assertEquals "an untrusted relay: status" 1 $?
	assertContains "an untrusted relay: why" "$(<"$SC_TMP/c.err")" \
	    "sockcat: TLS certificate verification failed: "
	assertContains "an untrusted relay: the way out" \
	    "$(<"$SC_TMP/c.err")" "(a wss:// relay's certificate must be one \
the system trusts)"
}

# HAProxy in front of the relay, as a web server would be: it ends TLS
# on a socket it is given (fd@3, listening on port 0) and passes /relay
# on; two --via wss:// clients pair through both, and a path it does not
# pass on is refused by it, not by the relay.
test_behind_haproxy() {
	if ! command -v haproxy >/dev/null 2>&1; then
		echo "haproxy not installed: skipping" >&2
		startSkipping
		return
	fi
	relay_up
	cat "$CERTS/srv.pem" "$CERTS/srv.key" >"$SC_TMP/srv-all.pem"
	cat >"$SC_TMP/haproxy.cfg" <<EOF
global
	maxconn 100
defaults
	mode http
	timeout connect 5s
	timeout client 30s
	timeout server 30s
	timeout tunnel 60s
frontend web
	bind fd@3 ssl crt $SC_TMP/srv-all.pem
	http-request deny unless { path_beg /relay }
	default_backend relay
backend relay
	server relay 127.0.0.1:$PORT
EOF
	bg t 60 python3 -c "$HAPROXY" "$SC_TMP/haproxy.cfg" \
	    "$SC_TMP/haproxy.port" >"$SC_TMP/haproxy.out" 2>&1
	wait_for "$SC_TMP/haproxy.port" '^[0-9]+$' || fail "no haproxy"
	via=wss://localhost:$(<"$SC_TMP/haproxy.port")/relay
	echo "behind haproxy" >"$SC_TMP/a.in"
	SSL_CERT_FILE=$CERTS/ca.pem bg_in "$SC_TMP/a.in" t 30 "$SC" -N -l \
	    --via "$via" --secret="$CODE" >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	A=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' ||
	    fail "a does not wait: $(cat "$SC_TMP/a.err" "$SC_TMP/haproxy.out")"
	echo "and in front" | SSL_CERT_FILE=$CERTS/ca.pem t 30 "$SC" -N \
	    --via "$via" --secret="$CODE" >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	st=$?
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$st"
	wait_exit "$A"
	assertEquals "a's status: $(cat "$SC_TMP/a.err")" 0 "$WAIT_STATUS"
	assertEquals "a got b's line" "and in front" "$(<"$SC_TMP/a.out")"
	assertEquals "b got a's line" "behind haproxy" "$(<"$SC_TMP/b.out")"
	assertTrue "the relay upgraded /relay" \
	    "grep -q '^sockcat: WebSocket upgrade of /relay$' '$SC_TMP/relay.err'"
	SSL_CERT_FILE=$CERTS/ca.pem t 10 "$SC" -w 5 \
	    --via "${via%/relay}/other" --secret="$CODE" </dev/null \
	    >/dev/null 2>"$SC_TMP/c.err"
	assertEquals "another path: status" 1 $?
	assertEquals "another path: stderr" "sockcat: WebSocket upgrade \
failed: HTTP/1.1 403 Forbidden (the server refused the upgrade)" \
	    "$(<"$SC_TMP/c.err")"
}

# HAProxy with the configuration ARGV[1], given a socket listening on a
# port of 127.0.0.1 the system chose as its descriptor 3; the port is
# written to the file ARGV[2].
HAPROXY='
import os, socket, sys
s = socket.create_server(("127.0.0.1", 0))
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
os.execvp("haproxy", ["haproxy", "-db", "-f", sys.argv[1]])
'

# What the command line may not ask of --via ws://: one line each.
test_command_line() {
	expect_error "--via: ws://u:p@127.0.0.1:1/: a relay takes no user or \
password" --via ws://u:p@127.0.0.1:1/ --secret="$CODE"
	expect_error "--via: invalid URL: no host" --via ws:///x \
	    --secret="$CODE"
	expect_error "--via dials a relay for one stream: it takes no -k" -lk \
	    --via ws://127.0.0.1:1/ --secret="$CODE"
	expect_error "--relay carries its clients' own TLS over TCP or \
WebSocket: it takes no --ssl" --relay --websocket --ssl
}

# 1,000 WebSocket clients waiting under names of their own, all from one
# address: the relay's resident memory (VmRSS of /proc/PID/status) grows
# by at most 2 MiB from one waiting client to a thousand.  Not under a
# sanitizer, whose allocator keeps what is freed.
test_thousand_waiting() {
	if grep -aq __asan_init "$SOCKCAT"; then
		echo "sanitizer build: skipping the memory figures" >&2
		startSkipping
		return
	fi
	relay_up --relay-limit per-addr=2000
	held_stdin go 7
	bg_in "$SC_TMP/go" t 80 python3 -c "$WAITERS" "$PORT" \
	    "$SC_TMP/waiters" >"$SC_TMP/waiters.out" 2>"$SC_TMP/waiters.err"
	W=$BG_PID
	wait_for "$SC_TMP/waiters" '^1$' 60 ||
	    fail "no first waiter: $(cat "$SC_TMP/waiters.err")"
	# timeout's child, the relay.
	pid=$(pgrep -P "$RELAY_PID")
	before=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	echo more >&7
	wait_for "$SC_TMP/waiters" '^1000$' 60 ||
	    fail "not 1000 waiting: $(cat "$SC_TMP/waiters.err")"
	after=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	echo "relay over WebSocket: VmRSS $before KiB with one waiting," \
	    "$after KiB with 1000: $(( (after - before) * 1024 / 999 ))" \
	    "bytes each"
	assertTrue "1000 waiting cost $((after - before)) KiB" \
	    "[ $((after - before)) -le 2048 ]"
	exec 7>&-
	wait_exit "$W"
}

# WebSocket clients, made by hand (an upgrade, a masked frame), that each
# wait under a name of their own: one, then (after a line on stdin) 999
# more; the count waiting in FILE after each step.
WAITERS='
import os, resource, socket, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
port, out = int(sys.argv[1]), sys.argv[2]
socks = []
def read(s, n):
    got = b""
    while len(got) < n:
        b = s.recv(n - len(got))
        if not b:
            sys.exit("closed after %d" % len(socks))
        got += b
    return got
def wait_one():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
              b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        head += read(s, 1)
    if not head.startswith(b"HTTP/1.1 101"):
        sys.exit("answer %r" % head)
    req = b"SCRV\x01\x20" + os.urandom(32)
    key = os.urandom(4)
    s.sendall(bytes([0x82, 0x80 | len(req)]) + key +
              bytes(b ^ key[i % 4] for i, b in enumerate(req)))
    got = read(s, 6)
    if got != b"\x82\x04SCRW":
        sys.exit("answer %r after %d" % (got, len(socks)))
    socks.append(s)
def say():
    with open(out + ".tmp", "w") as f:
        f.write("%d\n" % len(socks))
    os.rename(out + ".tmp", out)
wait_one()
say()
sys.stdin.readline()
while len(socks) < 1000:
    wait_one()
say()
sys.stdin.readline()
'

sc_run_shunit2
