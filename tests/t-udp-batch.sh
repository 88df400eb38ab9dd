#!/bin/bash
# Datagrams received in batches: many peers' datagrams arrive whole, in
# order per peer and byte for byte; sizes from 1 to 65,507 bytes pass both
# ways, whole through socat's crlf too; --stats counts datagrams and what the kernel dropped; a UDP
# listener's receive buffer is large by default and -I sets it; a
# datagram socket as stdin is relayed datagram for datagram (sendmmsg).

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

tearDown() {
	exec 7>&- 8>&-
	sc_remove_tmp
	endSkipping
}

# The --stats line of file $1.
stats_line() {
	grep '^sockcat: sent ' "$1"
}

test_three_peers_in_order_byte_exact() {
	server srv -u -l -k --stats 127.0.0.1 0 || fail "no server"
	# 10,000 datagrams from 3 sockets, taking turns, of varied lengths.
	# The sender lets at most 1,000 be on the way (it waits for the file
	# to grow), so none is lost even on a loaded machine; then it checks
	# the file: every peer's lines, in its order, nothing else.
	t 60 python3 - "$PORT" "$SC_TMP/srv.out" <<'EOF' >"$SC_TMP/py.out" 2>&1
import os, socket, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
peers = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
sent = [[] for _ in range(3)]
total = 0
def wait_size(n):
    end = time.time() + 20
    while os.path.getsize(path) < n:
        if time.time() > end:
            sys.exit("timed out at %d of %d bytes" % (os.path.getsize(path), n))
        time.sleep(0.005)
for i in range(10000):
    p = i % 3
    body = b"p%d %05d " % (p, len(sent[p])) + bytes(
        97 + (i * 7 + k) % 26 for k in range(i * 13 % 300)) + b"\n"
    peers[p].sendto(body, ("127.0.0.1", port))
    sent[p].append(body)
    total += len(body)
    if i % 1000 == 999:
        wait_size(total)
wait_size(total)
data = open(path, "rb").read()
lines = data.splitlines(keepends=True)
if len(data) != total:
    sys.exit("got %d bytes, sent %d" % (len(data), total))
for p in range(3):
    got = [l for l in lines if l.startswith(b"p%d " % p)]
    if got != sent[p]:
        sys.exit("peer %d: datagrams out of order or altered" % p)
print("ok %d" % len(lines))
EOF
	assertEquals "every datagram, in order per peer" "ok 10000" \
	    "$(<"$SC_TMP/py.out")"
	assertEquals "three peers reported" 3 \
	    "$(grep -c '^Connection received on' "$SC_TMP/srv.err")"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID" 10
	assertContains "$(stats_line "$SC_TMP/srv.err")" \
	    "; datagrams: 0 sent, 10000 received, 0 dropped by the kernel"
}

# Send datagrams of the sizes given, one after another, from one socket
# to 127.0.0.1 $1, each once the file $2 holds the ones before it; write
# what was sent to $3.
send_sizes() {
	_port=$1 _out=$2 _expect=$3
	shift 3
	t 30 python3 - "$_port" "$_out" "$_expect" "$@" <<'EOF'
import os, socket, sys, time
port, path, expect = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
total, allsent = 0, b""
for n in map(int, sys.argv[4:]):
    d = bytes((i * 31 + n) % 256 for i in range(n))
    s.sendto(d, ("127.0.0.1", port))
    allsent += d
    total += n
    end = time.time() + 20
    while os.path.getsize(path) < total and time.time() < end:
        time.sleep(0.01)
open(expect, "wb").write(allsent)
EOF
}

test_sizes_to_a_listener() {
	server srv -u -l --stats 127.0.0.1 0 || fail "no server"
	send_sizes "$PORT" "$SC_TMP/srv.out" "$SC_TMP/expect" 1 1472 65507 1
	assertEquals "bytes" $((1 + 1472 + 65507 + 1)) \
	    "$(stat -c %s "$SC_TMP/srv.out")"
	assertTrue "byte for byte" "cmp -s '$SC_TMP/expect' '$SC_TMP/srv.out'"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID" 10
	assertContains "$(stats_line "$SC_TMP/srv.err")" \
	    "received 66981 bytes (65.4 KiB) in"
	assertContains "$(stats_line "$SC_TMP/srv.err")" \
	    "; datagrams: 0 sent, 4 received, 0 dropped by the kernel"
}

# One read from stdin is one datagram: a file of each size is sent whole
# by a client, and a Python receiver sees one datagram of that size.
test_sizes_from_a_client() {
	python3 - "$SC_TMP" >"$SC_TMP/expect" <<'EOF'
import sys
for n in (1, 1472, 65507):
    d = bytes((i * 7 + n) % 256 for i in range(n))
    open("%s/d%d" % (sys.argv[1], n), "wb").write(d)
    print("%d %d" % (n, sum(d) % 65536))
EOF
	timeout 60 python3 - "$SC_TMP/py.port" "$SC_TMP/py.out" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("127.0.0.1", 0))
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
s.settimeout(50)
out = open(sys.argv[2], "w")
for _ in range(3):
    d = s.recv(70000)
    out.write("%d %d\n" % (len(d), sum(d) % 65536))
    out.flush()
EOF
	SC_PIDS="$SC_PIDS $!"
	wait_for "$SC_TMP/py.port" '^[0-9]+$' 15 || fail "no python server"
	port=$(<"$SC_TMP/py.port")
	for n in 1 1472 65507; do
		t 10 "$SC" -u -q 0 127.0.0.1 "$port" <"$SC_TMP/d$n"
		assertEquals "client status for $n bytes" 0 $?
		assertTrue "datagram of $n bytes" \
		    "wait_for '$SC_TMP/py.out' '^$n ' 10"
	done
	assertEquals "one datagram per read, whole" "$(<"$SC_TMP/expect")" \
	    "$(<"$SC_TMP/py.out")"
}

# socat's crlf on a datagram's way: each datagram is read whole and
# rewritten, never cut to the half of the buffer a rewrite may fill.
test_crlf_datagrams_whole() {
	for way in in out; do
		: >"$SC_TMP/err"
		if [ "$way" = in ]; then
			set -- udp-recv:0,bind=127.0.0.1,crlf -
		else
			set -- udp-recv:0,bind=127.0.0.1 stdout,crlf
		fi
		bg t 30 "$SC" -v "$@" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
		wait_for "$SC_TMP/err" '^Bound on ' || fail "no listener: $*"
		port=$(sed -n 's/^Bound on .* \([0-9]*\)$/\1/p' "$SC_TMP/err")
		t 30 python3 - "$port" "$SC_TMP/out" "$way" <<'EOF' \
		    >"$SC_TMP/py.out" 2>&1
import os, socket, sys, time
port, path, way = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
want, end = b"", time.time() + 10
for n in (40000, 65507):
    d = (b"x" * 98 + b"\r\n") * (n // 100) + b"y" * (n % 100)
    s.sendto(d, ("127.0.0.1", port))
    # From a crlf socket its CRs go; to a crlf stdout each LF gets one.
    want += d.replace(b"\r", b"") if way == "in" else \
        d.replace(b"\n", b"\r\n")
    while os.path.getsize(path) < len(want) and time.time() < end:
        time.sleep(0.01)
got = open(path, "rb").read()
print("whole" if got == want else "got %d bytes of %d" % (len(got), len(want)))
EOF
		assertEquals "crlf $way: $*" "whole" "$(<"$SC_TMP/py.out")"
		stop "$BG_PID"
	done
}

test_sizes_unix_datagrams() {
	sock=$SC_TMP/s.sock
	server srv -u -l -U "$sock" || fail "no server"
	t 30 python3 - "$sock" "$SC_TMP/srv.out" <<'EOF' >"$SC_TMP/py.out" 2>&1
import os, socket, sys, time
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sent = b""
for i in range(2000):
    n = (1, 1472, 65507)[i % 3] if i < 6 else 1 + i % 200
    d = bytes((i + k) % 256 for k in range(n))
    while True:
        try:
            s.sendto(d, path)
            break
        except BlockingIOError:
            time.sleep(0.001)
    sent += d
end = time.time() + 20
while os.path.getsize(out) < len(sent) and time.time() < end:
    time.sleep(0.01)
print("ok" if open(out, "rb").read() == sent else "differ")
EOF
	assertEquals "2000 datagrams in order, whole" "ok" \
	    "$(<"$SC_TMP/py.out")"
}

test_stats_datagrams_both_ways() {
	# A Python peer that answers every datagram with two.
	timeout 20 python3 - "$SC_TMP/py.port" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
s.settimeout(15)
while True:
    d, peer = s.recvfrom(70000)
    s.sendto(b"re:" + d, peer)
    s.sendto(b"", peer)
EOF
	SC_PIDS="$SC_PIDS $!"
	wait_for "$SC_TMP/py.port" '^[0-9]+$' 15 || fail "no python server"
	held_stdin c.in 7
	bg_in "$SC_TMP/c.in" timeout 20 "$SC" -u -q 1 --stats 127.0.0.1 \
	    "$(<"$SC_TMP/py.port")" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	client=$BG_PID
	for i in 1 2 3; do
		echo "m$i" >&7
		assertTrue "answer $i" "wait_for '$SC_TMP/c.out' '^re:m$i$' 10"
	done
	exec 7>&-
	assertTrue "client ends" "wait_exit $client 15"
	assertContains "$(stats_line "$SC_TMP/c.err")" \
	    "sent 9 bytes, received 18 bytes in"
	# Empty datagrams are datagrams too.
	assertContains "$(stats_line "$SC_TMP/c.err")" \
	    "; datagrams: 3 sent, 6 received, 0 dropped by the kernel"
}

test_stats_kernel_drops() {
	# stdout is a FIFO nobody reads for now: the listener stops reading
	# its socket, whose small buffer (-I) overflows.
	mkfifo "$SC_TMP/pipe"
	exec 8<>"$SC_TMP/pipe"
	SERVER_STDIN=/dev/null
	timeout -k 2 30 "$SC" -v -u -l -k -d -I 4096 --stats 127.0.0.1 0 \
	    >"$SC_TMP/pipe" 2>"$SC_TMP/srv.err" 8>&- &
	srv=$!
	SC_PIDS="$SC_PIDS $srv"
	wait_for "$SC_TMP/srv.err" '^Bound on ' 15 || fail "no server"
	port=$(sed -n 's/^Bound on .* //p' "$SC_TMP/srv.err")
	t 10 python3 - "$port" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(400):
    s.sendto(b"%04d" % i + b"." * 995 + b"\n", ("127.0.0.1", int(sys.argv[1])))
EOF
	# Now read what got through; one more datagram carries the count.
	bg_in "$SC_TMP/pipe" timeout 30 cat >"$SC_TMP/out"
	exec 8<&-
	t 5 python3 -c "
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'end\n',
    ('127.0.0.1', $port))"
	assertTrue "last datagram" "wait_for '$SC_TMP/out' '^end$' 15"
	stop "$srv"
	wait_exit "$srv" 10
	line=$(stats_line "$SC_TMP/srv.err")
	got=$(grep -c . "$SC_TMP/out")
	received=$(echo "$line" | sed -n 's/.* \([0-9]*\) received, .*/\1/p')
	dropped=$(echo "$line" | sed -n 's/.* \([0-9]*\) dropped by the kernel$/\1/p')
	assertEquals "received as counted: $line" "$got" "$received"
	assertTrue "some were dropped: $line" "[ '${dropped:-0}' -gt 0 ]"
	assertEquals "received and dropped make all sent: $line" 401 \
	    "$((received + dropped))"
}

# The receive buffer of a UDP listener, as ss(8) shows it (rb).
listener_rb() {
	ss -Huamn "sport = :$1" | sed -n 's/.*skmem:(r[0-9]*,rb\([0-9]*\),.*/\1/p' |
	    head -n 1
}

test_receive_buffer() {
	command -v ss >/dev/null || { sc_skip "no ss(8)"; return; }
	max=$(cat /proc/sys/net/core/rmem_max)
	want=$((4 * 1024 * 1024))
	[ "$max" -lt "$want" ] && want=$max
	server srv -u -l 127.0.0.1 0 || fail "no server"
	assertEquals "default: 4 MiB capped by rmem_max, doubled" \
	    $((want * 2)) "$(listener_rb "$PORT")"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID" 5
	server srv2 -u -l -I 100000 127.0.0.1 0 || fail "no server"
	assertEquals "-I sets it" 200000 "$(listener_rb "$PORT")"
}

# A datagram socket given as stdin keeps its boundaries: its datagrams are
# received in batches and sent on whole, several at a time (sendmmsg).
# The client ends 3 seconds after the last datagram (-w).
test_datagram_socket_as_stdin() {
	sc_require strace
	t 60 python3 - "$SC" "$SC_TMP" <<'EOF' >"$SC_TMP/py.out" 2>&1
import os, socket, subprocess, sys
sc, tmp = sys.argv[1], sys.argv[2]
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
rx.bind(("127.0.0.1", 0))
rx.settimeout(20)
inp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
inp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
inp.bind(("127.0.0.1", 0))
# LeakSanitizer cannot work under ptrace: traced, it is left out.
env = dict(os.environ)
env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
p = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=sendmmsg",
    "-o", tmp + "/strace", sc, "-u", "-w", "3", "--stats", "127.0.0.1",
    str(rx.getsockname()[1])], stdin=inp.fileno(),
    stderr=open(tmp + "/c.err", "w"), env=env)
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent, got = [], []
# Rounds of 50, each sent once the last has arrived: nothing is lost.
for r in range(60):
    for i in range(r * 50, r * 50 + 50):
        d = b"%05d " % i + b"x" * (i % 1400) + b"\n"
        tx.sendto(d, inp.getsockname())
        sent.append(d)
    while len(got) < len(sent):
        got.append(rx.recv(70000))
print("in order" if got == sent else "differ", flush=True)
p.wait()
EOF
	assertEquals "3000 datagrams, whole and in order" "in order" \
	    "$(<"$SC_TMP/py.out")"
	assertTrue "sent with sendmmsg" \
	    "grep -q 'sendmmsg([0-9]*, .*) = [0-9]' '$SC_TMP/strace'"
	assertContains "$(stats_line "$SC_TMP/c.err")" \
	    "; datagrams: 3000 sent, 0 received, 0 dropped by the kernel"
}

sc_run_shunit2
