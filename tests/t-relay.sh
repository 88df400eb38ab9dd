#!/bin/bash
# --relay and --via: two hosts, each behind a NAT of its own (nftables
# masquerade, nothing inbound), that cannot reach each other, meet by a
# code at a relay in a third network: a chat typed on two terminals, a
# code drawn and the command shown run as shown, 64 MiB each way at once
# with the hashes checked, -c and -e, a --pty shell.  A capture
# of everything the relay's host sends and receives holds none of the
# plaintext; a wrong code never pairs (both sides say so within their
# wait, status 1); a third client with a paired code is turned away; a
# code of the user's own that the relay could guess is refused in one
# line; the relay's limits (--relay-limit) hold; 1,000 clients waiting
# cost the relay at most 2 MiB.  And through a relay reached by
# WebSocket (--relay --websocket, --via ws://): a chat on two terminals,
# 16 MiB each way, a capture that holds none of the plaintext, a --pty
# shell.
#
# The networks are namespaces the suite makes (ip netns, veth pairs):
#
#   ha 10.1.0.2 -- 10.1.0.1 na 192.0.2.1 -- 192.0.2.2 rl 198.51.100.2
#       -- 198.51.100.1 nb 10.2.0.1 -- 10.2.0.2 hb
#
# rl, the relay's, routes between the two NATs' outside addresses and
# knows nothing of 10.0.0.0/8; na and nb masquerade what their host
# sends out and let nothing in that it did not ask for.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3 sha256sum
sc_require_tls
PATH=$PATH:/usr/sbin:/sbin

# Two drawn codes (t-secret.sh computes their check apart from sockcat).
CODE=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK
OTHER=ZNDZ-M7ED-S7MT-5EJZ-RS2Y-YSJP-K6HD
RELAY=198.51.100.2:7373
NS=scr$$

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1 ||
    ! command -v nft >/dev/null 2>&1; then
	echo "needs root, ip and nft (nftables) for its namespaces: skipping" >&2
	exit 77
fi

# nsx NAME CMD...: CMD in the namespace NAME (ha, na, rl, nb, hb).
nsx() {
	_ns=$1
	shift
	ip netns exec "$NS$_ns" "$@"
}

nets_down() {
	for n in ha na rl nb hb; do
		ip netns del "$NS$n" 2>/dev/null
	done
}

# nat NAME: masquerade what leaves by "wan", let in only its answers.
nat() {
	nsx "$1" sysctl -qw net.ipv4.ip_forward=1 &&
	nsx "$1" nft -f - <<'EOF'
table ip nat {
	chain postrouting {
		type nat hook postrouting priority 100;
		oifname "wan" masquerade
	}
}
table ip filter {
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname "lan" oifname "wan" accept
	}
}
EOF
}

nets_up() {
	for n in ha na rl nb hb; do
		ip netns add "$NS$n" && nsx "$n" ip link set lo up || return 1
	done
	ip -n "${NS}ha" link add name eth0 type veth peer name lan netns "${NS}na" &&
	ip -n "${NS}na" link add name wan type veth peer name ra netns "${NS}rl" &&
	ip -n "${NS}rl" link add name rb type veth peer name wan netns "${NS}nb" &&
	ip -n "${NS}nb" link add name lan type veth peer name eth0 netns "${NS}hb" ||
	    return 1
	nsx ha ip addr add 10.1.0.2/24 dev eth0 &&
	nsx na ip addr add 10.1.0.1/24 dev lan &&
	nsx na ip addr add 192.0.2.1/30 dev wan &&
	nsx rl ip addr add 192.0.2.2/30 dev ra &&
	nsx rl ip addr add 198.51.100.2/30 dev rb &&
	nsx nb ip addr add 198.51.100.1/30 dev wan &&
	nsx nb ip addr add 10.2.0.1/24 dev lan &&
	nsx hb ip addr add 10.2.0.2/24 dev eth0 || return 1
	for l in "ha eth0" "na lan" "na wan" "rl ra" "rl rb" "nb wan" \
	    "nb lan" "hb eth0"; do
		set -- $l
		nsx "$1" ip link set dev "$2" up || return 1
	done
	nsx ha ip route add default via 10.1.0.1 &&
	nsx hb ip route add default via 10.2.0.1 &&
	nsx na ip route add default via 192.0.2.2 &&
	nsx nb ip route add default via 198.51.100.2 &&
	nsx rl sysctl -qw net.ipv4.ip_forward=1 &&
	nat na && nat nb
}

if ! nets_up 2>"${TMPDIR:-/tmp}/t-relay.$$"; then
	echo "cannot make the namespaces and their NAT: skipping" >&2
	cat "${TMPDIR:-/tmp}/t-relay.$$" >&2
	rm -f "${TMPDIR:-/tmp}/t-relay.$$"
	nets_down
	exit 77
fi
rm -f "${TMPDIR:-/tmp}/t-relay.$$"
trap nets_down EXIT

oneTimeTearDown() {
	nets_down
	sc_remove_tmp
	sc_report
}

# relay_up [ARGS...]: the relay on rl, port 7373, all that -vvvv says
# in relay.err (which must hold no code); its process (timeout's) in
# RELAY_PID.
relay_up() {
	bg t 120 ip netns exec "${NS}rl" "$SC" -vvvvn --relay "$@" 7373 \
	    2>"$SC_TMP/relay.err"
	RELAY_PID=$BG_PID
	wait_for "$SC_TMP/relay.err" '^Listening on ' ||
	    fail "the relay does not listen: $(cat "$SC_TMP/relay.err")"
}

# side NAME NS ARGS...: sockcat with ARGS in namespace NS, in the
# background, bounded: stdout NAME.out, stderr NAME.err, its process
# (timeout's) in SIDE_PID.
side() {
	_n=$1
	_s=$2
	shift 2
	bg t 60 ip netns exec "$NS$_s" "$SC" "$@" >"$SC_TMP/$_n.out" \
	    2>"$SC_TMP/$_n.err"
	SIDE_PID=$BG_PID
}

test_no_way_between_the_hosts() {
	bg t 30 ip netns exec "${NS}hb" "$SC" -lk 10.2.0.2 9000
	# hb's listener answers on its own network: the port is open.
	wait_until nsx nb "$SC" -z 10.2.0.2 9000 ||
	    fail "hb does not listen"
	# From ha: neither hb's address nor its NAT's outside one.
	nsx ha "$SC" -z -w 3 10.2.0.2 9000 2>/dev/null
	assertEquals "ha to hb's address" 1 $?
	nsx ha "$SC" -z -w 3 198.51.100.1 9000 2>/dev/null
	assertEquals "ha to hb's NAT" 1 $?
	# And the other way: nothing reaches ha either.
	bg t 30 ip netns exec "${NS}ha" "$SC" -lk 10.1.0.2 9000
	wait_until nsx na "$SC" -z 10.1.0.2 9000 || fail "ha does not listen"
	nsx hb "$SC" -z -w 3 192.0.2.1 9000 2>/dev/null
	assertEquals "hb to ha's NAT" 1 $?
	# Both reach the relay's network.
	relay_up
	nsx ha "$SC" -z -w 3 198.51.100.2 7373
	assertEquals "ha to the relay" 0 $?
	nsx hb "$SC" -z -w 3 198.51.100.2 7373
	assertEquals "hb to the relay" 0 $?
}

# A chat typed at on two terminals, one on each host.
test_chat_on_two_terminals() {
	relay_up
	bg t 60 $PTY_DRIVE tty 24x80 "record:$SC_TMP/a" \
	    "expect:Waiting at $RELAY for the other side" \
	    'expect:connected to' 'send:hello from behind one NAT\r' \
	    'expect:< hello from behind the other' 'send::q\r' 'exit:0' -- \
	    ip netns exec "${NS}ha" "$SC" --chat --via "$RELAY" \
	    --secret="$CODE" >"$SC_TMP/a.tty" 2>"$SC_TMP/a.drive"
	A=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "a does not wait"
	on_tty b 'expect:connected to' 'expect:< hello from behind one NAT' \
	    'send:hello from behind the other\r' 'expect:left' 'exit:0' -- \
	    ip netns exec "${NS}hb" "$SC" --chat --via "$RELAY" \
	    --secret="$CODE"
	_st=$?
	assertEquals "b's steps: $(cat "$SC_TMP/b.err")" 0 "$_st"
	wait_exit "$A"
	wait "$A"
	_st=$?
	assertEquals "a's steps: $(cat "$SC_TMP/a.drive")" 0 "$_st"
	assertContains "a's terminal" "$(tty_text a)" \
	    "< hello from behind the other"
	assertContains "b's terminal" "$(tty_text b)" \
	    "< hello from behind one NAT"
}

# A listener given a bare --secret draws the code and shows the command
# the other side runs, which is run as shown.
test_drawn_code() {
	relay_up
	side a ha -l --via "$RELAY" --secret
	A=$SIDE_PID
	wait_for "$SC_TMP/a.err" '^On the other side, run: ' ||
	    fail "no command shown: $(cat "$SC_TMP/a.err")"
	cmd=$(sed -n 's/^On the other side, run: sockcat //p' "$SC_TMP/a.err")
	assertTrue "the command: $cmd" "[[ '$cmd' =~ ^--via\ $RELAY\ \
--secret=([0-9A-Z]{4}-){6}[0-9A-Z]{4}$ ]]"
	# shellcheck disable=SC2086
	echo "a line" | nsx hb "$SC" -N $cmd >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	_st=$?
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$_st"
	wait_exit "$A"
	wait "$A"
	assertEquals "a's status" 0 $?
	assertEquals "a got the line" "a line" "$(<"$SC_TMP/a.out")"
	assertEquals "a's stderr" "Waiting at $RELAY for the other side \
(up to 600s)
On the other side, run: sockcat $cmd" "$(<"$SC_TMP/a.err")"
	assertNotContains "the relay logs no code" "$(<"$SC_TMP/relay.err")" \
	    "${cmd#*=}"
}

# Either NAT's outside address, as the relay (on IPv4 and IPv6) says it.
NAT='(::ffff:)?(192\.0\.2\.1|198\.51\.100\.1)'

# 64 MiB from each side to the other at once, hashed on both sides; the
# relay says who was paired with whom and the bytes, never the code.
test_64_mib_each_way() {
	head -c $((64 << 20)) /dev/urandom >"$SC_TMP/a.data"
	head -c $((64 << 20)) /dev/urandom >"$SC_TMP/b.data"
	relay_up
	bg_in "$SC_TMP/a.data" t 90 ip netns exec "${NS}ha" "$SC" -N -l \
	    --via "$RELAY" --secret="$CODE" >"$SC_TMP/a.got" \
	    2>"$SC_TMP/a.err"
	A=$BG_PID
	bg_in "$SC_TMP/b.data" t 90 ip netns exec "${NS}hb" "$SC" -N \
	    --via "$RELAY" --secret="$CODE" >"$SC_TMP/b.got" \
	    2>"$SC_TMP/b.err"
	B=$BG_PID
	wait_exit "$A" 100
	wait "$A"
	_st=$?
	assertEquals "a's status: $(cat "$SC_TMP/a.err")" 0 "$_st"
	wait_exit "$B" 100
	wait "$B"
	_st=$?
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$_st"
	assertEquals "b got a's bytes" "$(sha256sum <"$SC_TMP/a.data")" \
	    "$(sha256sum <"$SC_TMP/b.got")"
	assertEquals "a got b's bytes" "$(sha256sum <"$SC_TMP/b.data")" \
	    "$(sha256sum <"$SC_TMP/a.got")"
	wait_for "$SC_TMP/relay.err" ': closed, [0-9]+ and [0-9]+ bytes$' ||
	    fail "the relay does not say the pair's end"
	log=$(<"$SC_TMP/relay.err")
	assertTrue "the relay pairs the NATs' addresses: $log" \
	    "grep -Eq '^sockcat: relay: paired $NAT [0-9]+ with $NAT [0-9]+$' \
	    '$SC_TMP/relay.err'"
	# Each way: 64 MiB and TLS's records around them.
	set -- $(sed -En 's/.*: closed, ([0-9]+) and ([0-9]+) bytes$/\1 \2/p' \
	    "$SC_TMP/relay.err")
	assertTrue "the relay counts 64 MiB each way: $1 $2" \
	    "[ ${1:-0} -gt $((64 << 20)) ] && [ ${2:-0} -gt $((64 << 20)) ]"
	assertNotContains "no code in the relay's log" "$log" "$CODE"
}

# A capture of every frame the relay's host sends and receives, while a
# text crosses the relay, holds none of it; a text sent in the clear
# beside it is in the capture, which shows that it sees the bytes.
test_capture_holds_no_plaintext() {
	for i in $(seq 20000); do
		echo "the plaintext line $i, which only the two ends read"
	done >"$SC_TMP/text"
	relay_up
	bg t 60 ip netns exec "${NS}rl" python3 -c "$SNIFF" "$SC_TMP/cap"
	SNIFF_PID=$BG_PID
	wait_for "$SC_TMP/cap.ready" . || fail "no capture"
	side a ha -l --via "$RELAY" --secret="$CODE"
	A=$SIDE_PID
	nsx hb "$SC" -N --via "$RELAY" --secret="$CODE" <"$SC_TMP/text" \
	    >/dev/null 2>"$SC_TMP/b.err"
	_st=$?
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$_st"
	wait_exit "$A"
	assertTrue "a got the text" "cmp -s '$SC_TMP/text' '$SC_TMP/a.out'"
	echo "sent in the clear" |
	    nsx ha "$SC" -N -w 5 198.51.100.2 7373 >/dev/null 2>&1
	wait_until grep -aq "sent in the clear" "$SC_TMP/cap" ||
	    fail "the capture sees nothing in the clear"
	stop "$SNIFF_PID"
	size=$(stat -c %s "$SC_TMP/cap")
	assertTrue "the capture holds both ways' bytes: $size" \
	    "[ $size -gt $((2 * $(stat -c %s "$SC_TMP/text"))) ]"
	assertFalse "no plaintext in the capture" \
	    "grep -aq 'plaintext line' '$SC_TMP/cap'"
}

# What the relay's host sends and receives, every frame of every
# interface, written raw to the file named; FILE.ready once it listens.
SNIFF='
import signal, socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.setsockopt(socket.SOL_SOCKET, 33, 1 << 26)
out = open(sys.argv[1], "wb", buffering=0)
open(sys.argv[1] + ".ready", "w").write("1")
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
while True:
    out.write(s.recv(1 << 17))
'

# The relay reached by WebSocket (--relay --websocket, --via ws://),
# from behind the NATs: a chat typed on two terminals.
test_websocket_chat() {
	relay_up --websocket
	ws=ws://$RELAY/
	bg t 60 $PTY_DRIVE tty 24x80 "record:$SC_TMP/a" \
	    "expect:Waiting at $ws for the other side" \
	    'expect:connected to' 'send:hello over WebSocket\r' \
	    'expect:< hello back' 'send::q\r' 'exit:0' -- \
	    ip netns exec "${NS}ha" "$SC" --chat --via "$ws" \
	    --secret="$CODE" >"$SC_TMP/a.tty" 2>"$SC_TMP/a.drive"
	A=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "a does not wait"
	on_tty b 'expect:connected to' 'expect:< hello over WebSocket' \
	    'send:hello back\r' 'expect:left' 'exit:0' -- \
	    ip netns exec "${NS}hb" "$SC" --chat --via "$ws" --secret="$CODE"
	_st=$?
	assertEquals "b's steps: $(cat "$SC_TMP/b.err")" 0 "$_st"
	wait_exit "$A"
	assertEquals "a's steps: $(cat "$SC_TMP/a.drive")" 0 "$WAIT_STATUS"
	assertContains "a's terminal" "$(tty_text a)" "< hello back"
	assertContains "b's terminal" "$(tty_text b)" "< hello over WebSocket"
	assertNotContains "no code in the relay's log" \
	    "$(<"$SC_TMP/relay.err")" "$CODE"
}

# 16 MiB each way at once through the relay reached by WebSocket, hashed
# on both sides, while a capture of the relay's host holds none of a
# text sent first.
test_websocket_each_way_no_plaintext() {
	for i in $(seq 2000); do
		echo "the plaintext line $i, which only the two ends read"
	done >"$SC_TMP/a.data"
	head -c $((16 << 20)) /dev/urandom >>"$SC_TMP/a.data"
	head -c $((16 << 20)) /dev/urandom >"$SC_TMP/b.data"
	relay_up --websocket
	ws=ws://$RELAY/
	bg t 90 ip netns exec "${NS}rl" python3 -c "$SNIFF" "$SC_TMP/cap"
	SNIFF_PID=$BG_PID
	wait_for "$SC_TMP/cap.ready" . || fail "no capture"
	bg_in "$SC_TMP/a.data" t 90 ip netns exec "${NS}ha" "$SC" -N -l \
	    --via "$ws" --secret="$CODE" >"$SC_TMP/a.got" 2>"$SC_TMP/a.err"
	A=$BG_PID
	bg_in "$SC_TMP/b.data" t 90 ip netns exec "${NS}hb" "$SC" -N \
	    --via "$ws" --secret="$CODE" >"$SC_TMP/b.got" 2>"$SC_TMP/b.err"
	B=$BG_PID
	wait_exit "$A" 100
	assertEquals "a's status: $(cat "$SC_TMP/a.err")" 0 "$WAIT_STATUS"
	wait_exit "$B" 100
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$WAIT_STATUS"
	stop "$SNIFF_PID"
	assertEquals "b got a's bytes" "$(sha256sum <"$SC_TMP/a.data")" \
	    "$(sha256sum <"$SC_TMP/b.got")"
	assertEquals "a got b's bytes" "$(sha256sum <"$SC_TMP/b.data")" \
	    "$(sha256sum <"$SC_TMP/a.got")"
	assertTrue "the relay pairs the NATs' addresses" \
	    "grep -Eq '^sockcat: relay: paired $NAT [0-9]+ with $NAT [0-9]+$' \
	    '$SC_TMP/relay.err'"
	assertTrue "the capture saw the upgrades" \
	    "grep -aq 'Upgrade: websocket' '$SC_TMP/cap'"
	assertFalse "no plaintext in the capture" \
	    "grep -aq 'plaintext line' '$SC_TMP/cap'"
}

# A shell on a terminal of its own on hb, typed at from a raw terminal
# on ha; the window size reaches it.
test_pty_shell() {
	relay_up
	side shell hb -l --via "$RELAY" --secret="$CODE" --pty -e /bin/sh
	S=$SIDE_PID
	on_tty raw 'expect:# ' 'send:stty size; echo $((6 * 7))\r' \
	    'expect:24 80' 'expect:42' 'send:exit\r' 'exit:0' -- \
	    ip netns exec "${NS}ha" "$SC" --via "$RELAY" --secret="$CODE" --raw
	_st=$?
	assertEquals "steps: $(cat "$SC_TMP/raw.err")" 0 "$_st"
	wait_exit "$S"
	wait "$S"
	assertEquals "the shell's side" 0 $?
}

# The same shell through a relay reached by WebSocket.
test_websocket_pty_shell() {
	relay_up --websocket
	ws=ws://$RELAY/
	side shell hb -l --via "$ws" --secret="$CODE" --pty -e /bin/sh
	S=$SIDE_PID
	on_tty raw 'expect:# ' 'send:stty size; echo $((6 * 7))\r' \
	    'expect:24 80' 'expect:42' 'send:exit\r' 'exit:0' -- \
	    ip netns exec "${NS}ha" "$SC" --via "$ws" --secret="$CODE" --raw
	st=$?
	assertEquals "steps: $(cat "$SC_TMP/raw.err")" 0 "$st"
	wait_exit "$S"
	assertEquals "the shell's side" 0 "$WAIT_STATUS"
}

# A program (-c, and -e) on one host serves the other through the relay.
test_programs() {
	relay_up
	side prog hb -l --via "$RELAY" --secret="$CODE" -c 'tr a-z A-Z'
	P=$SIDE_PID
	echo "shout this" | nsx ha "$SC" -N --via "$RELAY" --secret="$CODE" \
	    >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	_st=$?
	assertEquals "-c: status: $(cat "$SC_TMP/a.err")" 0 "$_st"
	assertEquals "-c: its answer" "SHOUT THIS" "$(<"$SC_TMP/a.out")"
	wait_exit "$P"
	side prog ha --via "$RELAY" --secret="$CODE" -e /bin/cat
	P=$SIDE_PID
	echo "echo this" | nsx hb "$SC" -N -l --via "$RELAY" \
	    --secret="$CODE" >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	_st=$?
	assertEquals "-e: status: $(cat "$SC_TMP/b.err")" 0 "$_st"
	assertEquals "-e: its answer" "echo this" "$(<"$SC_TMP/b.out")"
	wait_exit "$P"
}

# Different codes never pair: each side waits its -w and says so.
test_wrong_code_never_pairs() {
	relay_up
	side a ha -w 3 --via "$RELAY" --secret="$CODE"
	A=$SIDE_PID
	side b hb -w 3 --via "$RELAY" --secret="$OTHER"
	B=$SIDE_PID
	wait_exit "$A" 20
	wait "$A"
	assertEquals "a's status" 1 $?
	wait_exit "$B" 20
	wait "$B"
	assertEquals "b's status" 1 $?
	for s in a b; do
		assertEquals "$s's stdout" "" "$(<"$SC_TMP/$s.out")"
		assertEquals "$s's stderr" "Waiting at $RELAY for the other side \
(up to 3s)
sockcat: nobody came to the relay $RELAY with this code within 3s (is it \
the same code on both sides?)" "$(<"$SC_TMP/$s.err")"
	done
}

# A third client with a code two others are paired with is turned away.
test_third_client_refused() {
	relay_up
	mkfifo "$SC_TMP/hold"
	exec 7<>"$SC_TMP/hold"
	bg_in "$SC_TMP/hold" t 30 ip netns exec "${NS}ha" "$SC" -N -l \
	    --via "$RELAY" --secret="$CODE" >"$SC_TMP/a.out" 2>"$SC_TMP/a.err"
	A=$BG_PID
	echo paired >"$SC_TMP/b.in"
	bg_in "$SC_TMP/b.in" t 30 ip netns exec "${NS}hb" "$SC" -N \
	    --via "$RELAY" --secret="$CODE" >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	B=$BG_PID
	wait_for "$SC_TMP/a.out" '^paired$' || fail "not paired"
	nsx hb "$SC" -w 5 --via "$RELAY" --secret="$CODE" </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "the third's status" 1 $?
	assertEquals "the third's stdout" "" "$(<"$SC_TMP/c.out")"
	assertEquals "the third's stderr" "sockcat: the relay $RELAY refused: \
two clients are already paired with this code" "$(<"$SC_TMP/c.err")"
	wait_for "$SC_TMP/relay.err" \
	    '^sockcat: relay: (::ffff:)?198\.51\.100\.1 [0-9]+: refused: its name is paired already$' ||
	    fail "the relay does not say it: $(cat "$SC_TMP/relay.err")"
	exec 7>&-
	wait_exit "$A"
	wait_exit "$B"
}

# The relay's limits: one client waiting per address, a name kept two
# seconds; a pair reset after 1 MiB, and another held to 1 MiB a second.
test_limits() {
	relay_up --relay-limit per-addr=1 --relay-limit wait=2s
	side a ha -w 20 --via "$RELAY" --secret="$CODE"
	A=$SIDE_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "a does not wait"
	nsx ha "$SC" -w 20 --via "$RELAY" --secret="$OTHER" </dev/null \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	assertEquals "a second from ha: status" 1 $?
	assertEquals "a second from ha: stderr" "sockcat: the relay $RELAY \
refused: too many clients from this address are waiting" \
	    "$(<"$SC_TMP/b.err")"
	wait_exit "$A" 15
	wait "$A"
	assertEquals "a's status" 1 $?
	assertEquals "a's stderr" "Waiting at $RELAY for the other side \
(up to 20s)
sockcat: the relay $RELAY refused: nobody came with this code in the \
relay's time" "$(<"$SC_TMP/a.err")"
	stop "$RELAY_PID"

	head -c $((8 << 20)) /dev/urandom >"$SC_TMP/data"
	relay_up --relay-limit bytes=1048576
	bg_in "$SC_TMP/data" t 30 ip netns exec "${NS}ha" "$SC" -N -l \
	    --via "$RELAY" --secret="$CODE" >/dev/null 2>"$SC_TMP/a.err"
	A=$BG_PID
	nsx hb "$SC" --via "$RELAY" --secret="$CODE" </dev/null \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	_st=$?
	assertEquals "b, cut: its status" 1 "$_st"
	# Its first line says it waited, when it came first.
	assertEquals "b, cut: its stderr" "sockcat: read from network: \
Connection reset by peer" "$(tail -n 1 "$SC_TMP/b.err")"
	got=$(stat -c %s "$SC_TMP/b.out")
	assertTrue "the pair ended near 1 MiB: $got" \
	    "[ $got -lt $((4 << 20)) ]"
	wait_for "$SC_TMP/relay.err" ': reset at --relay-limit bytes, ' ||
	    fail "the relay does not say why"
	wait_exit "$A"
	stop "$RELAY_PID"

	head -c $((3 << 20)) /dev/urandom >"$SC_TMP/data"
	relay_up --relay-limit rate=1048576
	bg_in "$SC_TMP/data" t 30 ip netns exec "${NS}ha" "$SC" -N -l \
	    --via "$RELAY" --secret="$CODE" >/dev/null 2>"$SC_TMP/a.err"
	A=$BG_PID
	wait_for "$SC_TMP/relay.err" 'waits$' || fail "a does not wait"
	start=$EPOCHREALTIME
	nsx hb "$SC" --via "$RELAY" --secret="$CODE" </dev/null \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	_st=$?
	assertEquals "b's status: $(cat "$SC_TMP/b.err")" 0 "$_st"
	ms=$(( (${EPOCHREALTIME/[.,]/} - ${start/[.,]/}) / 1000 ))
	assertTrue "3 MiB whole" "cmp -s '$SC_TMP/data' '$SC_TMP/b.out'"
	# A second's worth ahead, then 1 MiB a second: two seconds at least.
	assertTrue "3 MiB at 1 MiB/s took $ms ms" "[ $ms -ge 1800 ]"
	wait_exit "$A"
}

# What the command line may not ask of --relay and --via: one line each.
test_command_line() {
	expect_error "--via meets the other side by --secret's code: must \
use --secret with --via" --via "$RELAY"
	expect_error "--via dials a relay for one stream: it takes no -k" \
	    -lk --via "$RELAY" --secret="$CODE"
	expect_error "--via dials a relay for one stream: it takes no -u, \
--reconnect or --websocket" -u --reconnect --websocket --via "$RELAY" \
	    --secret="$CODE"
	expect_error "--via: [::1]port is not HOST[:PORT]" \
	    --via '[::1]port' --secret="$CODE"
	expect_error "--relay carries its clients' own TLS over TCP or \
WebSocket: it takes no --ssl" --relay --ssl
	expect_error "must use --relay with --relay-limit" -l 1 \
	    --relay-limit wait=1s
	expect_error "--relay-limit: no limit is called speed (wait, \
per-addr, bytes, rate)" --relay --relay-limit speed=1
	expect_error "--relay-limit: x is not KEY=VALUE (wait=TIME, \
per-addr=N, bytes=N, rate=N)" --relay --relay-limit x
}

# A code as weak as a password is refused, in one line (more weak codes
# in t-secret.sh).
test_weak_code_refused() {
	relay_up
	expect_error "--via: a code of about 62 bits could be guessed offline \
by the relay; give -l or --chat a bare --secret to draw one of 130 bits" \
	    --via "$RELAY" --secret='Tr0ub4dor&3' -w 1
	# One as strong as a drawn code is taken (and waits here).
	nsx ha "$SC" -w 1 --via "$RELAY" \
	    --secret='kV9#qL2$wX7!mR4@tB8^zN3&hJ6*pD1%' </dev/null \
	    >/dev/null 2>"$SC_TMP/strong.err"
	assertContains "a strong code of one's own is tried" \
	    "$(<"$SC_TMP/strong.err")" "Waiting at $RELAY"
}

# 1,000 clients waiting under names of their own, all from one address:
# the relay's resident memory (VmRSS of /proc/PID/status) grows by at
# most 2 MiB from one waiting client to a thousand.
test_thousand_waiting() {
	relay_up --relay-limit per-addr=2000
	mkfifo "$SC_TMP/go"
	exec 7<>"$SC_TMP/go"
	bg_in "$SC_TMP/go" t 80 ip netns exec "${NS}rl" python3 -c "$WAITERS" \
	    198.51.100.2 7373 "$SC_TMP/waiters" >"$SC_TMP/waiters.out" \
	    2>"$SC_TMP/waiters.err"
	W=$BG_PID
	wait_for "$SC_TMP/waiters" '^1$' 60 || fail "no first waiter"
	# timeout's child, which ip netns exec made the relay.
	pid=$(pgrep -P "$RELAY_PID")
	before=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	echo more >&7
	wait_for "$SC_TMP/waiters" '^1000$' 60 ||
	    fail "not 1000 waiting: $(cat "$SC_TMP/waiters.err")"
	after=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	echo "relay: VmRSS $before KiB with one waiting, $after KiB with" \
	    "1000: $(( (after - before) * 1024 / 999 )) bytes each"
	assertTrue "1000 waiting cost $((after - before)) KiB" \
	    "[ $((after - before)) -le 2048 ]"
	exec 7>&-
	wait_exit "$W"
}

# Clients that each wait under a name of their own: one, then (after a
# line on stdin) 999 more; the count waiting in FILE after each step.
WAITERS='
import os, resource, socket, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
socks = []
def wait_one():
    s = socket.create_connection((host, port))
    s.sendall(b"SCRV\x01\x20" + os.urandom(32))
    got = b""
    while len(got) < 4:
        b = s.recv(4 - len(got))
        if not b:
            sys.exit("closed after %d" % len(socks))
        got += b
    if got != b"SCRW":
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
