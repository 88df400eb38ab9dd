#!/bin/bash
# --relay --websocket, on loopback: Python's websockets (a client nobody
# here wrote) performs the rendezvous with a relay reached by WebSocket:
# two clients are paired and their bytes cross, a third is refused, a
# request that is no rendezvous is answered so, and the relay logs no
# name; 1,000 WebSocket clients waiting cost the relay at most 2 MiB.
# (t-relay.sh does the same over TCP in network namespaces with NAT.)

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3
sc_require_websockets

# relay_up [ARGS...]: the relay on a port of its own, reached by
# WebSocket, all that -vvvv says in relay.err (which must hold no code);
# its URL in RELAY, its process in RELAY_PID.
relay_up() {
	server relay -vvvn --relay --websocket "$@" 0 ||
	    fail "the relay does not listen: $(cat "$SC_TMP/relay.err")"
	RELAY_PID=$SERVER_PID
	RELAY=ws://127.0.0.1:$PORT/
}

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

# What the command line may not ask of --relay --websocket: one line.
test_command_line() {
	expect_error "--relay carries its clients' own TLS over TCP or \
WebSocket: it takes no --ssl, --secret, -u, -U or --listen-fd" --relay \
	    --websocket --ssl
}

# 1,000 WebSocket clients waiting under names of their own, all from one
# address: the relay's resident memory (VmRSS of /proc/PID/status) grows
# by at most 2 MiB from one waiting client to a thousand.
test_thousand_waiting() {
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
