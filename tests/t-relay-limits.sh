#!/bin/bash
# --relay's limits, on loopback, with plain sockcat clients that send the
# rendezvous by hand (no --secret, so that what the relay does is what
# shows): a pair ended by --relay-limit bytes= or by --idle-timeout is
# reset, never closed as if it were whole, and the relay says which
# limit; per-addr= counts an IPv6 host by its /64 (in a network
# namespace of the test's own); per-addr=0 lets any number wait,
# --max-conns still bounding them all.

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

# A pair past --relay-limit bytes= is reset: the receiver's sockcat ends
# with status 1 and the reset, not with status 0 and part of the stream;
# the relay's -v names the limit.
test_bytes_limit_resets_the_pair() {
	relay_up --relay-limit bytes=1000000
	head -c 4000000 /dev/urandom >"$SC_TMP/data"
	held_stdin b.in 7
	printf "$REQ" >&7
	bg_in "$SC_TMP/b.in" t 30 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	B=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "b does not wait"
	{ printf "$REQ"; cat "$SC_TMP/data"; } |
	    t 30 "$SC" 127.0.0.1 "$PORT" >/dev/null 2>"$SC_TMP/a.err"
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
	bg_in "$SC_TMP/b.in" t 30 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	B=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "b does not wait"
	held_stdin a.in 8
	printf "${REQ}a line before the idle time\n" >&8
	bg_in "$SC_TMP/a.in" t 30 "$SC" 127.0.0.1 "$PORT" \
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

# What the command line may not ask of per-addr=.
test_command_line() {
	expect_error "relay-limit per-addr too small: -1" --relay \
	    --relay-limit per-addr=-1
}

# Clients of the relay at ARGV[1] ARGV[2] (a port, or @FILE: the port of
# the "Listening on" line the relay's -v writes there), one for each
# further argument WAY[@SOURCE], from SOURCE when given, in turn: "tcp"
# sends the request.  Each sends a request under a name of its own and
# is kept open; the letter of each answer is printed ("-": none, the
# connection closed).
CLIENTS='
import os, re, socket, sys, time
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
def read(s, n):
    got = b""
    while len(got) < n:
        b = s.recv(n - len(got))
        if not b:
            return None
        got += b
    return got
def one(spec):
    src = spec.partition("@")[2]
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    if src:
        s.bind((src, 0))
    s.connect((host, port))
    socks.append(s)
    try:
        s.sendall(b"SCRV\x01\x20" + os.urandom(32))
        got = read(s, 4)
    except OSError:
        return "-"
    return "-" if got is None else chr(got[-1])
socks = []
print("".join(one(a) for a in sys.argv[3:]))
'

sc_run_shunit2
