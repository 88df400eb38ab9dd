#!/bin/bash
# Connection set-up never holds up a server: TLS handshakes run on the
# event loop, so clients that connect and never say anything, or trickle
# their ClientHello, delay nobody; each handshake has one deadline; a
# program exiting does not break another client's handshake.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3 openssl
sc_require_tls

SERVER_TIMEOUT=90

# stall PORT MODE: with an established TLS client A, time a new client
# B's handshake (with "relay", until a line of B's reaches A: both are
# members) and a message from A (echoed with MODE "echo", relayed to
# B with "relay"), first with no idle connection, then with 10 idle TCP
# connections that never send a ClientHello.  Prints "ok" when the
# second times are within 0.5 s plus twice the first (the first bounds
# what the machine's load alone costs), else the times.
stall() {
	t 120 python3 - "$@" <<'EOF'
import socket, ssl, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

def tls():
    s = socket.create_connection(("127.0.0.1", port), 60)
    return ctx.wrap_socket(s)

def read_until(s, word):
    got = b""
    while word not in got:
        b = s.recv(4096)
        if not b:
            raise SystemExit("closed before " + word.decode())
        got += b

def joined(a, b, n):
    # A line of b's reaches a: both are members (a client's handshake
    # ends before the server's, which then makes it a member), sent
    # again until it does.
    word = ("join%d" % n).encode()
    got, end = b"", time.monotonic() + 30
    a.settimeout(0.05)
    while word not in got:
        if time.monotonic() > end:
            raise SystemExit("never joined")
        b.sendall(word + b"\n")
        try:
            while word not in got:
                r = a.recv(4096)
                if not r:
                    raise SystemExit("closed before " + word.decode())
                got += r
        except TimeoutError:
            pass
    a.settimeout(60)

def round_trip(a, n):
    t0 = time.monotonic()
    b = tls()
    if mode == "relay":
        joined(a, b, n)
    hs = time.monotonic() - t0
    word = ("msg%d" % n).encode()
    t0 = time.monotonic()
    a.sendall(word + b"\n")
    read_until(a if mode == "echo" else b, word)
    return b, hs, time.monotonic() - t0

a = tls()
if mode == "echo":
    a.sendall(b"hello\n")
    read_until(a, b"hello")
b, hs0, msg0 = round_trip(a, 0)
b.close()
idle = [socket.create_connection(("127.0.0.1", port), 60) for i in range(10)]
b, hs1, msg1 = round_trip(a, 1)
ok = hs1 < 0.5 + 2 * hs0 and msg1 < 0.5 + 2 * msg0
print("ok" if ok else "handshake %.3f s (alone %.3f s), message %.3f s "
      "(alone %.3f s)" % (hs1, hs0, msg1, msg0))
EOF
}

test_broker_idle_connections() {
	server srv --broker --ssl -d 127.0.0.1 0 || fail "no server"
	assertEquals ok "$(stall "$PORT" relay)"
}

test_room_idle_connections() {
	server srv --room --ssl -d 127.0.0.1 0 || fail "no server"
	assertEquals ok "$(stall "$PORT" relay)"
}

test_exec_idle_connections() {
	server srv -lk --ssl 127.0.0.1 0 -e /bin/cat || fail "no server"
	assertEquals ok "$(stall "$PORT" echo)"
}

# A ClientHello trickled a byte every 2 s: cut off at the deadline (-w 3)
# for the whole handshake, not for each read.
test_trickled_client_hello_cut_off() {
	server srv --broker --ssl -d -w 3 127.0.0.1 0 || fail "no server"
	out=$(t 60 python3 - "$PORT" <<'EOF'
import socket, ssl, sys, time
# A real ClientHello, taken from an in-memory handshake.
ctx = ssl.create_default_context()
inc, outg = ssl.MemoryBIO(), ssl.MemoryBIO()
obj = ctx.wrap_bio(inc, outg, server_hostname="x")
try:
    obj.do_handshake()
except ssl.SSLWantReadError:
    pass
hello = outg.read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
start = time.monotonic()
try:
    for b in hello[:20]:
        s.sendall(bytes([b]))
        time.sleep(2)
    print("never cut off")
except (BrokenPipeError, ConnectionResetError):
    print("cut off after %d s" % round(time.monotonic() - start))
EOF
)
	case $out in
	"cut off after "*) ;;
	*) fail "trickled handshake: $out"; return ;;
	esac
	secs=${out#cut off after }
	secs=${secs% s}
	assertTrue "cut at the deadline, not per byte ($secs s)" \
	    "[ $secs -ge 3 ] && [ $secs -le 12 ]"
	assertTrue "said" "grep -q 'TLS handshake failed: Connection timed out' '$SC_TMP/srv.err'"
}

# Another client's program exiting (SIGCHLD) while a handshake waits for
# its ClientHello: the handshake goes on and succeeds.
test_program_exit_during_handshake() {
	server srv -lk --ssl 127.0.0.1 0 -c 'echo hi' || fail "no server"
	out=$(t 60 python3 - "$PORT" <<'EOF'
import socket, ssl, sys
port = int(sys.argv[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
def hi(s):
    got = b""
    while True:
        b = s.recv(100)
        if not b:
            return got.decode().strip()
        got += b
# x connects and waits: its handshake is pending on the server.
x = socket.create_connection(("127.0.0.1", port), 30)
# y is served meanwhile, and its program exits.
for i in range(3):
    print("y", hi(ctx.wrap_socket(socket.create_connection(
        ("127.0.0.1", port), 30))))
print("x", hi(ctx.wrap_socket(x)))
EOF
)
	assertEquals "$(printf 'y hi\ny hi\ny hi\nx hi')" "$out"
	assertFalse "no handshake failed" \
	    "grep -q 'TLS handshake failed' '$SC_TMP/srv.err'"
}

sc_run_shunit2
