#!/bin/bash
# The transparency matrix: every client form (plain, --ssl, ws://,
# wss://, --ws-binary, an address pair in front, --reconnect) against the
# server forms it can talk to (-l, -lk -e /bin/cat, --websocket, the
# forwarder, relays), with random binary data and random text of sizes
# across read and frame boundaries (1 B, 4 KiB +- 1, 64 KiB +- 1, 8 MiB),
# compared byte for byte with what was sent; where a mode makes lines
# into messages by design (WebSocket's text mode), with what the manual's
# rule makes of it.  The data is made once; each test runs its cases side
# by side.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3 cmp

SIZES_FULL="1 4095 4096 4097 65535 65536 65537 8388608"
SIZES_SHORT="1 65537 8388608"
KINDS="bin text"
# Cases run at once: most wait on their peers more than they compute.
JOBS=4
# A test's servers serve all its cases, each bounded by its own 120 s:
# under the sanitizers on a loaded machine a test took SC_SERVER_LIFE
# (90 s) and its servers were stopped under the last case.
SERVER_TIMEOUT=$((SC_SERVER_LIFE * 4))
DATA=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-transparency.XXXXXX")
CERTS=$DATA/certs

# The data, and what text mode makes of it: DATA/KIND.SIZE (bin: random
# bytes; text: random lines of UTF-8, tabs, CRs, a few lines past 64 KiB
# and some bytes that are not UTF-8), DATA/KIND.SIZE.hop1 (through one
# text hop: each line a message, written with a newline) and .hop2 (there
# and back through an echo that speaks in lines too); .nl and .nl.hop2,
# the same with its last line ended.  Seeded by the size, so that a
# failure can be made again.
make_data() {
	python3 - "$DATA" $SIZES_FULL <<'EOF'
import random, sys

def text(rng, n):
    words = ["a", "ab", "hello", "caf\u00e9", "\u20ac5", "\U0001f600",
             "x" * 40, "\t", "  ", "z\ry"]
    out, size = [], 0
    while size < n:
        r = rng.random()
        if r < 0.002:
            line = b"L" * rng.randint(65530, 140000)
        else:
            line = " ".join(rng.choice(words)
                            for _ in range(rng.randint(0, 40))).encode()
            if r < 0.05:
                line += bytes([rng.randint(0x80, 0xff)])
        line += b"\r\n" if rng.random() < 0.1 else b"\n"
        out.append(line)
        size += len(line)
    return b"".join(out)[:n]

# The manual's rule, one hop: every line (the last too, if it has no
# newline) is a message, without its newline or a CR before it; each
# message is written followed by a newline.
def hop(data):
    parts = data.split(b"\n")
    ended = parts[-1] == b""
    if ended:
        parts.pop()
    out = []
    for i, p in enumerate(parts):
        if (ended or i < len(parts) - 1) and p.endswith(b"\r"):
            p = p[:-1]
        out.append(p + b"\n")
    return b"".join(out)

def write(name, b):
    with open("%s/%s" % (sys.argv[1], name), "wb") as f:
        f.write(b)

for n in map(int, sys.argv[2:]):
    rng = random.Random(n)
    for kind, data in (("bin", rng.randbytes(n)), ("text", text(rng, n))):
        base = "%s.%d" % (kind, n)
        h1 = hop(data)
        write(base, data)
        write(base + ".hop1", h1)
        write(base + ".hop2", hop(h1))
        # The same, its last line ended: nothing waits for the input's end.
        if not data.endswith(b"\n"):
            data += b"\n"
        write(base + ".nl", data)
        write(base + ".nl.hop2", hop(hop(data)))
EOF
}

oneTimeSetUp() {
	mkdir -p "$CERTS"
	make_certs "$CERTS" || { echo "cannot make certificates" >&2; exit 1; }
	make_data || { echo "cannot make the data" >&2; exit 1; }
}

oneTimeTearDown() {
	sc_remove_tmp
	rm -rf "$DATA"
	sc_report
}

# size_at_least FILE N: has FILE N bytes or more?
size_at_least() {
	[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

# verdict LABEL STATUS WANT OUT: one line in results, "LABEL: ok" when
# the command exited 0, said nothing and OUT is WANT byte for byte.
verdict() {
	local v=$SC_TMP/$1
	if [ "$2" != 0 ]; then
		echo "$1: status $2: $(head -c 300 "$v.err")"
	elif [ -s "$v.err" ]; then
		echo "$1: said $(head -c 300 "$v.err")"
	elif ! cmp -s "$3" "$4"; then
		echo "$1: $(cmp "$3" "$4" 2>&1 | head -n 1), $(wc -c <"$4") of" \
		    "$(wc -c <"$3") bytes"
	else
		echo "$1: ok"
	fi >>"$SC_TMP/results"
}

# echo_case LABEL DATA WANT ARGS...: DATA through a sockcat client (ARGS,
# -N) to an echo must come back as WANT; the end of what it sends goes
# all the way to the echo, whose end ends the client.
echo_case() {
	local l=$1 d=$2 w=$3
	shift 3
	timeout -k 2 120 "$SC" -N "$@" <"$d" >"$SC_TMP/$l.out" \
	    2>"$SC_TMP/$l.err"
	verdict "$l" $? "$w" "$SC_TMP/$l.out"
}

# held_case LABEL DATA WANT ARGS...: the same, where the end of what is
# sent cannot reach the echo as one (a WebSocket's close is no
# half-close, and ends the echo's answers too): the client's stdin is
# held until all of WANT has come, then it quits (-q 0).
held_case() {
	local l=$1 d=$2 w=$3 n
	shift 3
	n=$(stat -c %s "$w")
	: >"$SC_TMP/$l.out"
	{ cat "$d"; wait_until -t 60 size_at_least "$SC_TMP/$l.out" "$n"; } |
	    timeout -k 2 120 "$SC" -q 0 "$@" >"$SC_TMP/$l.out" \
	    2>"$SC_TMP/$l.err"
	verdict "$l" $? "$w" "$SC_TMP/$l.out"
}

# text_case LABEL DATA WANT URL ARGS...: text mode, whose last line goes
# when the input ends: a client's (ARGS, URL) to an echo of all it gets
# (a query of that many bytes, see text_echo), which then closes, and so
# ends the client; WANT is what comes back, two hops of the rule.  The
# client's -q: no close at the end of its input, so the whole echo is
# waited for however long it takes (a close would have it answered,
# t-ws-server's test_answer_after_the_close).
text_case() {
	local l=$1 d=$2 w=$3 u=$4
	shift 4
	# The echo's input is the first hop's.
	timeout -k 2 120 "$SC" -q 100 "$@" \
	    "$u?$(stat -c %s "${w%.hop2}.hop1")" <"$d" \
	    >"$SC_TMP/$l.out" 2>"$SC_TMP/$l.err"
	verdict "$l" $? "$w" "$SC_TMP/$l.out"
}

# upload_case LABEL DATA WANT SERVER-ARGS... -- CLIENT-ARGS...: a
# one-shot server (-l) must write WANT of the DATA a client sends and
# ends (-N); @PORT@ in the client's arguments is the server's port.
upload_case() {
	local l=$1 d=$2 w=$3 st sa=()
	shift 3
	while [ "$1" != -- ]; do
		sa+=("$1")
		shift
	done
	shift
	server "$l.s" -l "${sa[@]}" 127.0.0.1 0 ||
	    { echo "$l: no server" >>"$SC_TMP/results"; return; }
	timeout -k 2 120 "$SC" -N "${@//@PORT@/$PORT}" <"$d" \
	    >"$SC_TMP/$l.out" 2>"$SC_TMP/$l.err"
	st=$?
	[ -s "$SC_TMP/$l.out" ] && echo "got $(wc -c <"$SC_TMP/$l.out") bytes" \
	    >>"$SC_TMP/$l.err"
	if ! wait_exit "$SERVER_PID" 60 || [ "$WAIT_STATUS" != 0 ]; then
		echo "server: $WAIT_STATUS" >>"$SC_TMP/$l.err"
	fi
	verdict "$l" "$st" "$w" "$SC_TMP/$l.s.out"
}

# download_case LABEL DATA SERVER-ARGS...: a one-shot server (-l -N)
# sends DATA to a client (-d) that must write it as it came.
download_case() {
	local l=$1 d=$2 st
	shift 2
	SERVER_STDIN=$d server "$l.s" -l -N "$@" 127.0.0.1 0 ||
	    { echo "$l: no server" >>"$SC_TMP/results"; return; }
	timeout -k 2 120 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/$l.out" \
	    2>"$SC_TMP/$l.err"
	st=$?
	if ! wait_exit "$SERVER_PID" 60 || [ "$WAIT_STATUS" != 0 ]; then
		echo "server: $WAIT_STATUS" >>"$SC_TMP/$l.err"
	fi
	verdict "$l" "$st" "$d" "$SC_TMP/$l.out"
}

# spawn CASE LABEL ARGS...: run a case beside the others, JOBS at a time;
# its label is remembered, for done() to expect its line.
spawn() {
	echo "$2: ok" >>"$SC_TMP/expected"
	while [ "$(jobs -rp | wc -l)" -ge $((BASE_JOBS + JOBS)) ]; do
		wait -n
	done
	"$@" &
	CASES="$CASES $!"
}

# cases NAME SIZES HOP CASE ARGS...: spawn CASE for each kind and size,
# labelled NAME.KIND.SIZE, with the data and what must come out of it
# (HOP: "" for the bytes as they are, hop1 or hop2 for text mode's rule).
cases() {
	local name=$1 sizes=$2 hop=$3 case=$4 k s f
	shift 4
	for k in $KINDS; do
		for s in $sizes; do
			f=$DATA/$k.$s
			spawn "$case" "$name.$k.$s" "$f" "$f${hop:+.$hop}" "$@"
		done
	done
}

# begin: the servers are up; cases from here run beside them.
begin() {
	: >"$SC_TMP/results"
	: >"$SC_TMP/expected"
	BASE_JOBS=$(jobs -rp | wc -l)
	CASES=""
}

# done: every case spawned has said ok.  Its cases are waited for by
# their own numbers: a server that ended would count as a case done.
done_all() {
	wait $CASES
	assertEquals "every case" "$(sort "$SC_TMP/expected")" \
	    "$(sort "$SC_TMP/results")"
}

# An echo: a program per client, /bin/cat.
echo_server() {
	server echo -lk -e /bin/cat 127.0.0.1 0 || fail "no echo"
	ECHO=$PORT
}

# text_echo NAME ARGS...: a WebSocket echo in text mode that ends each
# connection once it has echoed as many bytes as the request's query
# says (head -c, as /bin/cat would, then a close).
text_echo() {
	local n=$1
	shift
	server "$n" -lk --websocket "$@" -c 'exec head -c "$QUERY_STRING"' \
	    127.0.0.1 0 || fail "no $n"
}

# TLS options of a server with the test certificate.
TLS_SERVER=(--ssl --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key")

test_plain() {
	echo_server
	server fwd -lk --forward "127.0.0.1:$ECHO" 127.0.0.1 0 ||
	    fail "no forwarder"
	fwd=$PORT
	server pair tcp-l:127.0.0.1:0 "tcp:127.0.0.1:$ECHO" || fail "no pair"
	pair=$PORT
	begin
	cases plain-echo "$SIZES_FULL" "" echo_case 127.0.0.1 "$ECHO"
	cases plain-forward "$SIZES_SHORT" "" echo_case 127.0.0.1 "$fwd"
	cases pair-tcp "$SIZES_SHORT" "" echo_case 127.0.0.1 "$pair"
	cases plain-l "$SIZES_SHORT" "" upload_case -- 127.0.0.1 @PORT@
	for k in $KINDS; do
		for s in $SIZES_SHORT; do
			spawn download_case "plain-l-send.$k.$s" "$DATA/$k.$s"
		done
	done
	done_all
}

test_tls() {
	sc_have_tls || { sc_skip "TLS not built in"; return; }
	echo_server
	server techo -lk "${TLS_SERVER[@]}" -e /bin/cat 127.0.0.1 0 ||
	    fail "no TLS echo"
	techo=$PORT
	server tfwd -lk "${TLS_SERVER[@]}" --forward "127.0.0.1:$ECHO" \
	    127.0.0.1 0 || fail "no TLS forwarder"
	tfwd=$PORT
	server pair tcp-l:127.0.0.1:0 "tls:127.0.0.1:$techo" || fail "no pair"
	pair=$PORT
	begin
	cases ssl-echo "$SIZES_FULL" "" echo_case --ssl 127.0.0.1 "$techo"
	cases ssl-forward "$SIZES_SHORT" "" echo_case --ssl 127.0.0.1 "$tfwd"
	cases pair-tls "$SIZES_SHORT" "" echo_case 127.0.0.1 "$pair"
	cases ssl-l "$SIZES_SHORT" "" upload_case "${TLS_SERVER[@]}" -- \
	    --ssl 127.0.0.1 @PORT@
	done_all
}

# Text mode, where a person types and reads: each line a message, each
# message a line.  Through an echo that speaks in lines too (a program
# with a text client), that is two hops of the manual's rule; to a
# server's standard output, one.
test_websocket_text() {
	text_echo wecho
	wecho=$PORT
	server cat -lk --websocket -e /bin/cat 127.0.0.1 0 ||
	    fail "no WebSocket echo"
	cat=$PORT
	wsecho=""
	if sc_have_tls; then
		text_echo wsecho "${TLS_SERVER[@]}"
		wsecho=$PORT
	fi
	begin
	cases ws-text-echo "$SIZES_FULL" hop2 text_case \
	    "ws://127.0.0.1:$wecho/"
	cases ws-text-l "$SIZES_SHORT" hop1 upload_case --websocket -- \
	    ws://127.0.0.1:@PORT@/
	[ -z "$wsecho" ] ||
	    cases wss-text-echo "$SIZES_SHORT" hop2 text_case \
	    "wss://localhost:$wsecho/" --ssl-trustfile "$CERTS/ca.pem"
	# The manual's echo, /bin/cat, lines whose last is ended.
	for k in $KINDS; do
		for s in $SIZES_SHORT; do
			spawn held_case "ws-text-cat.$k.$s" "$DATA/$k.$s.nl" \
			    "$DATA/$k.$s.nl.hop2" "ws://127.0.0.1:$cat/"
		done
	done
	done_all
}

# A side that moves bytes (--ws-binary) is served bytes by every server,
# the text-mode ones included.
test_websocket_binary() {
	echo_server
	server wecho -lk --websocket -e /bin/cat 127.0.0.1 0 ||
	    fail "no WebSocket echo"
	wecho=$PORT
	server bridge -lk --websocket --forward "127.0.0.1:$ECHO" 127.0.0.1 0 ||
	    fail "no bridge"
	bridge=$PORT
	server wsl ws-l:127.0.0.1:0 "tcp:127.0.0.1:$ECHO" || fail "no ws-l"
	wsl=$PORT
	wsecho=""
	if sc_have_tls; then
		server wsecho -lk --websocket "${TLS_SERVER[@]}" -e /bin/cat \
		    127.0.0.1 0 || fail "no wss echo"
		wsecho=$PORT
	fi
	begin
	cases ws-bin-echo "$SIZES_FULL" "" held_case --ws-binary \
	    "ws://127.0.0.1:$wecho/"
	cases ws-bin-bridge "$SIZES_SHORT" "" held_case --ws-binary \
	    "ws://127.0.0.1:$bridge/"
	cases ws-bin-ws-l "$SIZES_SHORT" "" held_case --ws-binary \
	    "ws://127.0.0.1:$wsl/"
	cases ws-bin-l "$SIZES_SHORT" "" upload_case --websocket -- \
	    --ws-binary ws://127.0.0.1:@PORT@/
	[ -z "$wsecho" ] ||
	    cases wss-bin-echo "$SIZES_SHORT" "" held_case --ws-binary \
	    --ssl-trustfile "$CERTS/ca.pem" "wss://localhost:$wsecho/"
	done_all
}

# The README's relay: an address pair in front of a text-mode echo (a
# sockcat per connection, its ws:// side moving bytes).
test_address_pair_websocket() {
	server wecho -lk --websocket -e /bin/cat 127.0.0.1 0 ||
	    fail "no WebSocket echo"
	server pair tcp-l:127.0.0.1:0 "ws://127.0.0.1:$PORT/" ||
	    fail "no pair"
	pair=$PORT
	spair=""
	if sc_have_tls; then
		server wsecho -lk --websocket "${TLS_SERVER[@]}" -e /bin/cat \
		    127.0.0.1 0 || fail "no wss echo"
		server spair tcp-l:127.0.0.1:0 \
		    "wss://localhost:$PORT/,cafile=$CERTS/ca.pem" ||
		    fail "no wss pair"
		spair=$PORT
	fi
	begin
	cases pair-ws "$SIZES_FULL" "" held_case 127.0.0.1 "$pair"
	[ -z "$spair" ] ||
	    cases pair-wss "$SIZES_SHORT" "" held_case 127.0.0.1 "$spair"
	done_all
}

# --reconnect's copying channels, with nothing lost to reconnect.
test_reconnect() {
	echo_server
	server wecho -lk --websocket -e /bin/cat 127.0.0.1 0 ||
	    fail "no WebSocket echo"
	wecho=$PORT
	begin
	cases reconnect "$SIZES_SHORT" "" echo_case --reconnect 127.0.0.1 \
	    "$ECHO"
	cases reconnect-ws "$SIZES_SHORT" "" held_case --reconnect \
	    --ws-binary "ws://127.0.0.1:$wecho/"
	done_all
}

# Text mode on a terminal: the lines typed are messages, and each
# message comes back as a line.
test_websocket_text_on_a_terminal() {
	server wecho -lk --websocket -e /bin/cat 127.0.0.1 0 ||
	    fail "no WebSocket echo"
	on_tty tt 'send:caf\xc3\xa9 one\n' 'expect:caf\xc3\xa9 one\r\ncaf\xc3\xa9 one\r\n' \
	    'send:two\n' 'expect:\ntwo\r\ntwo\r\n' 'send:\x04' \
	    -- "$SC" -q 0 "ws://127.0.0.1:$PORT/"
	st=$?
	assertEquals "steps: $(<"$SC_TMP/tt.err")" 0 "$st"
	# Each line twice: the terminal's echo, then the message back.
	assertEquals "the terminal" "café one
café one
two
two" "$(tty_text tt)"
}

sc_run_shunit2
