#!/bin/bash
# --relay's limits, on loopback, with plain sockcat clients that send the
# rendezvous by hand (no --secret, so that what the relay does is what
# shows): a pair ended by --relay-limit bytes= or by --idle-timeout is
# reset, never closed as if it were whole, and the relay says which
# limit; per-addr= counts an IPv6 host by its /64 (in a network
# namespace of the test's own); behind a front trusted with
# --trust-front (PROXY v1 and v2, X-Forwarded-For, Forwarded) each
# client counts by the address the front gives, and a front not trusted
# is not believed; per-addr=0 lets any number wait, --max-conns still
# bounding them all.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

# A rendezvous request for a name of 32 bytes ("SCRV", version 1, 32).
REQ='SCRV\001\040relay-limits-test-name-of-32-byt'

# relay_up [ARGS...]: the relay on a port of 127.0.0.1, what -v says in
# relay.err; its port in PORT, its process in RELAY_PID.
relay_up() {
	server relay -n --relay "$@" 127.0.0.1 0 ||
	    fail "the relay does not listen: $(cat "$SC_TMP/relay.err")"
	RELAY_PID=$SERVER_PID
}

# clients SPEC...: python's CLIENTS against the relay at 127.0.0.1 PORT;
# the answers in ANSWERS.
clients() {
	ANSWERS=$(t 60 python3 -c "$CLIENTS" 127.0.0.1 "$PORT" "$@" \
	    2>"$SC_TMP/clients.err")
	_st=$?
	assertEquals "the clients ran: $(cat "$SC_TMP/clients.err")" 0 "$_st"
}

# N copies of the word W, without spaces between them: "repeat W 3" is
# WWW.
repeat() {
	printf "%.0s$1" $(seq "$2")
}

# A pair past --relay-limit bytes= is reset: the receiver's sockcat,
# told to take a peer's error for one (--fail-on-error; nc's rule takes a
# reset for the end), ends with status 1 and the reset, not with status 0
# and part of the stream as at an end; the relay's -v names the limit.
test_bytes_limit_resets_the_pair() {
	relay_up --relay-limit bytes=1000000
	head -c 4000000 /dev/urandom >"$SC_TMP/data"
	held_stdin b.in 7
	printf "$REQ" >&7
	bg_in "$SC_TMP/b.in" t 30 "$SC" --fail-on-error 127.0.0.1 "$PORT" \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	B=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "b does not wait"
	{ printf "$REQ"; cat "$SC_TMP/data"; } |
	    t 30 "$SC" --fail-on-error 127.0.0.1 "$PORT" >/dev/null \
	    2>"$SC_TMP/a.err"
	_st=$?
	assertEquals "the sender's status: $(cat "$SC_TMP/a.err")" 1 "$_st"
	wait_exit "$B"
	assertEquals "the receiver's status" 1 "$WAIT_STATUS"
	assertEquals "the receiver's stderr" \
	    "sockcat: read from network: Connection reset by peer" \
	    "$(<"$SC_TMP/b.err")"
	got=$(stat -c %s "$SC_TMP/b.out")
	assertTrue "the receiver got part of it: $got bytes" \
	    "[ $got -gt 8 ] && [ $got -lt 4000008 ]"
	assertTrue "the relay says which limit: $(cat "$SC_TMP/relay.err")" \
	    "file_matches '$SC_TMP/relay.err' '^sockcat: relay: 127\.0\.0\.1 [0-9]+ and 127\.0\.0\.1 [0-9]+: reset at --relay-limit bytes, 0 and [0-9]+ bytes$'"
	exec 7>&-
}

# A pair that moves nothing for --idle-timeout is reset, both sides.
test_idle_limit_resets_the_pair() {
	relay_up --idle-timeout 1s
	held_stdin b.in 7
	printf "$REQ" >&7
	bg_in "$SC_TMP/b.in" t 30 "$SC" --fail-on-error 127.0.0.1 "$PORT" \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	B=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "b does not wait"
	held_stdin a.in 8
	printf "${REQ}a line before the idle time\n" >&8
	bg_in "$SC_TMP/a.in" t 30 "$SC" --fail-on-error 127.0.0.1 "$PORT" \
	    >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	A=$BG_PID
	wait_exit "$B"
	assertEquals "the receiver's status" 1 "$WAIT_STATUS"
	assertEquals "the receiver's stdout" \
	    "SCRWSCRSa line before the idle time" "$(<"$SC_TMP/b.out")"
	assertEquals "the receiver's stderr" \
	    "sockcat: read from network: Connection reset by peer" \
	    "$(<"$SC_TMP/b.err")"
	wait_exit "$A"
	assertEquals "the sender's status" 1 "$WAIT_STATUS"
	assertEquals "the sender's stderr" \
	    "sockcat: read from network: Connection reset by peer" \
	    "$(<"$SC_TMP/a.err")"
	assertTrue "the relay says which limit: $(cat "$SC_TMP/relay.err")" \
	    "file_matches '$SC_TMP/relay.err' '^sockcat: relay: 127\.0\.0\.1 [0-9]+ and 127\.0\.0\.1 [0-9]+: reset at --idle-timeout, 0 and 28 bytes$'"
	exec 7>&- 8>&-
}

# Behind a front trusted for PROXY headers, 20 clients of 20 addresses
# (v1 and v2, IPv4 and IPv6) all wait; from one address (or one /64) the
# 17th is refused, and the relay names the client, not the front.
test_proxy_front() {
	relay_up --trust-front proxy=127.0.0.1
	specs=()
	for i in $(seq 20); do
		case $((i % 4)) in
		0) specs+=("v1:203.0.113.$i") ;;
		1) specs+=("v2:203.0.113.$i") ;;
		2) specs+=("v1:2001:db8:$i::1") ;;
		3) specs+=("v2:2001:db8:$i::1") ;;
		esac
	done
	clients "${specs[@]}"
	assertEquals "20 addresses" "$(repeat W 20)" "$ANSWERS"
	clients $(for i in $(seq 17); do echo v1:198.51.100.9; done)
	assertEquals "one address" "$(repeat W 16)L" "$ANSWERS"
	clients $(for i in $(seq 17); do echo "v2:2001:db8:99::$i"; done)
	assertEquals "one /64" "$(repeat W 16)L" "$ANSWERS"
	assertTrue "the relay names the client" \
	    "file_matches '$SC_TMP/relay.err' '^sockcat: relay: 198\.51\.100\.9 40000: refused: too many waiting from its address \(--relay-limit per-addr\)$'"
	assertTrue "and says whom the front spoke for" \
	    "file_matches '$SC_TMP/relay.err' '^sockcat: front 127\.0\.0\.1 [0-9]+: the client is 2001:db8:99::17 40000, by its PROXY header$'"
	# A trusted front that sends no header is turned away.
	clients tcp
	assertEquals "no header" "-" "$ANSWERS"
	assertTrue "the relay says why" \
	    "grep -q '^sockcat: front 127\.0\.0\.1 [0-9]*: no PROXY header: not a PROXY header$' '$SC_TMP/relay.err'"
}

# Behind a web server trusted for X-Forwarded-For (and another for
# Forwarded), the WebSocket clients count by the address it adds.
test_websocket_front_headers() {
	relay_up --websocket --trust-front x-forwarded-for=127.0.0.1 \
	    --trust-front forwarded=127.0.0.2
	clients $(for i in $(seq 20); do echo "xff:203.0.113.$i"; done)
	assertEquals "20 addresses by X-Forwarded-For" "$(repeat W 20)" \
	    "$ANSWERS"
	clients $(for i in $(seq 17); do echo "xff:198.51.100.9"; done)
	assertEquals "one by X-Forwarded-For" "$(repeat W 16)L" "$ANSWERS"
	clients $(for i in $(seq 20); do echo "fwd:2001:db8:$i::1@127.0.0.2"
	    done)
	assertEquals "20 addresses by Forwarded" "$(repeat W 20)" "$ANSWERS"
	clients $(for i in $(seq 17); do echo "fwd:198.51.100.10@127.0.0.2"
	    done)
	assertEquals "one by Forwarded" "$(repeat W 16)L" "$ANSWERS"
	assertTrue "the relay names the client" \
	    "file_matches '$SC_TMP/relay.err' '^sockcat: relay: 198\.51\.100\.10 0: refused: too many waiting from its address \(--relay-limit per-addr\)$'"
}

# A front not trusted is not believed: its PROXY header is no request,
# and its headers' clients count as the front itself.
test_untrusted_front_not_believed() {
	relay_up --websocket --trust-front proxy=127.0.0.2 \
	    --trust-front x-forwarded-for=127.0.0.2 \
	    --trust-front forwarded=127.0.0.2 --relay-limit per-addr=2
	clients v1:203.0.113.1 v2:203.0.113.2
	assertEquals "PROXY headers from 127.0.0.1" "BB" "$ANSWERS"
	clients xff:203.0.113.3 fwd:203.0.113.4 xff:203.0.113.5
	assertEquals "headers from 127.0.0.1" "WWL" "$ANSWERS"
	assertTrue "counted as 127.0.0.1" \
	    "file_matches '$SC_TMP/relay.err' '^sockcat: relay: 127\.0\.0\.1 [0-9]+: refused: too many waiting from its address \(--relay-limit per-addr\)$'"
	assertFalse "nothing believed" \
	    "file_matches '$SC_TMP/relay.err' 'the client is'"
}

# per-addr=0: any number wait from one address; --max-conns still counts
# them all, and turns the one past it away unanswered.
test_per_addr_off() {
	relay_up --relay-limit per-addr=0 --max-conns 20
	clients $(for i in $(seq 21); do echo tcp; done)
	assertEquals "20 from one address, then full" "$(repeat W 20)-" \
	    "$ANSWERS"
}

# Over IPv6, two addresses of one /64 are one host for per-addr=; another
# /64 is another host.  In a network namespace with those addresses.
test_ipv6_64_is_one_host() {
	if ! sc_have_netns || ! command -v ip >/dev/null 2>&1; then
		echo "no network namespace (unshare -n) or no ip: skipping" >&2
		startSkipping
		return
	fi
	sc_netns 60 bash -c "$NS64" sh "$SC" "$SC_TMP" "$CLIENTS" \
	    >"$SC_TMP/ns.out" 2>"$SC_TMP/ns.err"
	_st=$?
	assertEquals "status: $(cat "$SC_TMP/ns.err")" 0 "$_st"
	assertEquals "::2 waits, ::3 of its /64 is refused, 2::1 waits" "WLW" \
	    "$(<"$SC_TMP/ns.out")"
	assertTrue "the relay says why: $(cat "$SC_TMP/relay.err")" \
	    "file_matches '$SC_TMP/relay.err' '^sockcat: relay: 2001:db8:1::3 [0-9]+: refused: too many waiting from its address \(--relay-limit per-addr\)$'"
}

# In the namespace: three addresses of 2001:db8:1::/64 and one of
# 2001:db8:2::/64 on lo; the relay ($1) with per-addr=1 on the first,
# its -v in $2/relay.err; clients ($3) from the others.
NS64='
for a in 2001:db8:1::1 2001:db8:1::2 2001:db8:1::3 2001:db8:2::1; do
	ip -6 addr add "$a/64" dev lo nodad || exit 1
done
"$1" -vn --relay --relay-limit per-addr=1 2001:db8:1::1 0 \
    2>"$2/relay.err" &
relay=$!
python3 -c "$3" 2001:db8:1::1 "@$2/relay.err" tcp@2001:db8:1::2 \
    tcp@2001:db8:1::3 tcp@2001:db8:2::1
st=$?
kill "$relay"
exit $st
'

# What the command line may not ask of --trust-front and per-addr=.
test_command_line() {
	expect_error "must use --relay with --trust-front" -l 1 \
	    --trust-front proxy=127.0.0.1
	expect_error "--trust-front: proxy is not WAY=ADDRESS (proxy=, \
x-forwarded-for=, forwarded=)" --relay --trust-front proxy
	expect_error "--trust-front: via=127.0.0.1 is not WAY=ADDRESS (proxy=, \
x-forwarded-for=, forwarded=)" --relay --trust-front via=127.0.0.1
	expect_error "--trust-front: invalid address or range: 10.0.0.0/33" \
	    --relay --trust-front proxy=10.0.0.0/33
	expect_error "--trust-front x-forwarded-for= and forwarded= are read \
from a WebSocket upgrade: must use --websocket" --relay \
	    --trust-front x-forwarded-for=127.0.0.1
	expect_error "relay-limit per-addr too small: -1" --relay \
	    --relay-limit per-addr=-1
}

# Clients of the relay at ARGV[1] ARGV[2] (a port, or @FILE: the port of
# the "Listening on" line the relay's -v writes there), one for each
# further argument WAY[:ADDRESS][@SOURCE], from SOURCE when given, in
# turn: "tcp" sends the request alone, "v1" and "v2" a PROXY header for
# ADDRESS first (v2 with a TLV after the addresses), "xff" and "fwd" come
# by WebSocket with X-Forwarded-For or Forwarded saying ADDRESS.  Each
# sends a request under a name of its own and is kept open; the letter
# of each answer is printed ("-": none, the connection closed).
CLIENTS='
import os, re, socket, struct, sys, time
host, port = sys.argv[1], sys.argv[2]
if port.startswith("@"):
    deadline = time.monotonic() + 20
    while True:
        try:
            m = re.search(r"^Listening on \S+ (\d+)$",
                          open(port[1:]).read(), re.M)
        except FileNotFoundError:
            m = None
        if m:
            port = m.group(1)
            break
        if time.monotonic() > deadline:
            sys.exit("the relay does not listen")
        time.sleep(0.05)
port = int(port)
SIG = b"\r\n\r\n\x00\r\nQUIT\n"
def proxy(way, addr):
    six = ":" in addr
    fam = socket.AF_INET6 if six else socket.AF_INET
    dst = "::1" if six else "127.0.0.1"
    if way == "v1":
        return b"PROXY %s %s %s 40000 7373\r\n" % (
            b"TCP6" if six else b"TCP4", addr.encode(), dst.encode())
    body = (socket.inet_pton(fam, addr) + socket.inet_pton(fam, dst) +
            struct.pack(">HH", 40000, 7373) + b"\x04\x00\x08" + b"-" * 8)
    return (SIG + bytes([0x21, 0x21 if six else 0x11]) +
            struct.pack(">H", len(body)) + body)
def read(s, n):
    got = b""
    while len(got) < n:
        b = s.recv(n - len(got))
        if not b:
            return None
        got += b
    return got
def upgrade(s, way, addr):
    if way == "xff":
        line = "X-Forwarded-For: 192.0.2.1, %s" % addr
    else:
        node = ("\"[%s]:4711\"" % addr) if ":" in addr else addr
        line = "Forwarded: for=192.0.2.1, for=%s;proto=http" % node
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
              b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
              line.encode() + b"\r\n\r\n")
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        b = read(s, 1)
        if b is None:
            return False
        head += b
    return head.startswith(b"HTTP/1.1 101")
def one(spec):
    spec, _, src = spec.partition("@")
    way, _, addr = spec.partition(":")
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    if src:
        s.bind((src, 0))
    s.connect((host, port))
    socks.append(s)
    req = b"SCRV\x01\x20" + os.urandom(32)
    try:
        if way in ("xff", "fwd"):
            if not upgrade(s, way, addr):
                return "-"
            key = os.urandom(4)
            s.sendall(bytes([0x82, 0x80 | len(req)]) + key +
                      bytes(b ^ key[i % 4] for i, b in enumerate(req)))
            got = read(s, 6)
        else:
            s.sendall((proxy(way, addr) if way != "tcp" else b"") + req)
            got = read(s, 4)
    except OSError:
        return "-"
    return "-" if got is None else chr(got[-1])
socks = []
print("".join(one(a) for a in sys.argv[3:]))
'

sc_run_shunit2
