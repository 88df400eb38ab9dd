#!/bin/bash
# Multicast: in a private network namespace (a veth pair), two receivers
# of one group, sockcat and socat's UDP-RECV with ip-add-membership side
# by side, each get every datagram of a sender, IPv4 and IPv6; -M is the
# multicast hop limit; --mcast-loop off keeps our own host out; a group
# that cannot be joined, an interface that does not exist, and options
# without -u are refused with one line.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require ip python3

if ! sc_have_netns; then
	echo "unshare -n refused (not root?): skipping" >&2
	exit 77
fi

# What runs in the namespace: the veth pair mc0/mc1 up, mc0 with an
# address of each family and the multicast routes; and helpers to wait.
NS_SETUP='
# What was started here ends with the namespace script.
trap "kill \$(jobs -p) 2>/dev/null; wait" EXIT
set -e
ip link set lo up
ip link add mc0 type veth peer name mc1
ip link set mc1 up
ip link set mc0 up
ip addr add 10.77.0.1/24 dev mc0
ip -6 addr add fd77::1/64 dev mc0 nodad
ip route add 224.0.0.0/4 dev mc0
set +e
# w CMD: until CMD succeeds, for 20 seconds at most.
w() {
	for _i in $(seq 400); do
		eval "$1" && return 0
		sleep 0.05
	done
	return 1
}
bound() { ss -Hlun "sport = :$1" | grep -q .; }
nbound() { ss -Hlun "sport = :$1" | wc -l; }
'

# in_ns SCRIPT: run SCRIPT with bash in a new network namespace, after
# NS_SETUP; SC and T (the test's directory) are set there.
in_ns() {
	SC=$SC T=$SC_TMP sc_netns 60 bash -c "$NS_SETUP
$1"
}

# Two receivers on GROUP (sockcat, socat), a sender of three datagrams,
# each sent once both had the one before.  $1: 4 or 6; $2: the --mcast-if
# of sockcat's receiver (mc0 unless given).
two_receivers() {
	_if=${2:-mc0}
	if [ "$1" = 4 ]; then
		_g=239.7.7.7 _socat="UDP4-RECV:5007,reuseaddr,ip-add-membership=239.7.7.7:mc0"
	else
		_g=ff15::7:7 _socat="UDP6-RECV:5007,reuseaddr,ipv6-join-group=[ff15::7:7]:mc0"
	fi
	in_ns "
timeout 40 \$SC -n -v -u --mcast-if $_if -l $_g 5007 >\$T/sc.out 2>\$T/sc.err &
w 'grep -q \"Joined group\" \$T/sc.err' || exit 3
timeout 40 socat -u '$_socat' - >\$T/socat.out 2>\$T/socat.err &
w '[ \$(nbound 5007) -ge 2 ]' || exit 4
mkfifo \$T/in
exec 7<>\$T/in
timeout 40 \$SC -n -u --mcast-if mc0 $_g 5007 <\$T/in 2>\$T/send.err &
for d in one two three; do
	echo \$d >&7
	w \"grep -qx \$d \$T/sc.out && grep -qx \$d \$T/socat.out\" || exit 5
done
exit 0
"
}

test_two_receivers_ipv4() {
	which socat >/dev/null || { sc_skip "no socat"; return; }
	two_receivers 4
	assertEquals "status" 0 $?
	assertEquals "sockcat got" "one two three" \
	    "$(paste -sd ' ' "$SC_TMP/sc.out")"
	assertEquals "socat got" "one two three" \
	    "$(paste -sd ' ' "$SC_TMP/socat.out")"
	assertContains "$(<"$SC_TMP/sc.err")" \
	    "sockcat: Joined group 239.7.7.7 on mc0"
	assertContains "$(<"$SC_TMP/sc.err")" "Bound on 239.7.7.7 5007"
}

test_two_receivers_ipv6() {
	which socat >/dev/null || { sc_skip "no socat"; return; }
	two_receivers 6
	assertEquals "status" 0 $?
	assertEquals "sockcat got" "one two three" \
	    "$(paste -sd ' ' "$SC_TMP/sc.out")"
	assertEquals "socat got" "one two three" \
	    "$(paste -sd ' ' "$SC_TMP/socat.out")"
	assertContains "$(<"$SC_TMP/sc.err")" \
	    "sockcat: Joined group ff15::7:7 on mc0"
}

# --mcast-if names the interface by one of its IPv6 addresses too.
test_interface_by_its_ipv6_address() {
	which socat >/dev/null || { sc_skip "no socat"; return; }
	two_receivers 6 fd77::1
	assertEquals "status" 0 $?
	assertEquals "sockcat got" "one two three" \
	    "$(paste -sd ' ' "$SC_TMP/sc.out")"
	assertContains "$(<"$SC_TMP/sc.err")" \
	    "sockcat: Joined group ff15::7:7 on fd77::1"
}

# What a receiver sees: the TTL of each datagram, with IP_RECVTTL.
test_ttl_is_the_multicast_hop_limit() {
	in_ns "
timeout 30 python3 - >\$T/ttl.out <<'EOF' &
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('239.7.7.8', 5008))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
    socket.inet_aton('239.7.7.8') + socket.inet_aton('10.77.0.1'))
s.setsockopt(socket.IPPROTO_IP, getattr(socket, 'IP_RECVTTL', 12), 1)
for i in range(2):
    data, anc, _, _ = s.recvmsg(100, 100)
    print(data.decode().strip(), struct.unpack('i', anc[0][2])[0],
        flush=True)
EOF
w 'bound 5008' || exit 3
echo default | timeout 5 \$SC -n -u -q 0 239.7.7.8 5008
w 'grep -q default \$T/ttl.out' || exit 4
echo seven | timeout 5 \$SC -n -u -q 0 -M 7 239.7.7.8 5008
w 'grep -q seven \$T/ttl.out' || exit 5
"
	assertEquals "status" 0 $?
	assertEquals "TTLs" "default 1|seven 7" \
	    "$(paste -sd '|' "$SC_TMP/ttl.out")"
}

test_loop_off_keeps_our_host_out() {
	in_ns "
timeout 30 \$SC -n -v -k -u -l 239.7.7.9 5009 >\$T/r.out 2>\$T/r.err &
w 'grep -q \"Joined group\" \$T/r.err' || exit 3
echo off | timeout 5 \$SC -n -u -q 0 --mcast-loop off 239.7.7.9 5009
echo on | timeout 5 \$SC -n -u -q 0 --mcast-loop on 239.7.7.9 5009
w 'grep -q on \$T/r.out' || exit 4
"
	assertEquals "status" 0 $?
	# Sent before it, the first would have come first.
	assertEquals "received" "on" "$(<"$SC_TMP/r.out")"
}

test_group_that_cannot_be_joined() {
	in_ns "
ip route del 224.0.0.0/4 dev mc0
ip link set mc0 down
timeout 5 \$SC -n -u -l 239.7.7.10 5010 >\$T/out 2>\$T/err
echo \$? >\$T/status
timeout 5 \$SC -n -u --mcast-if nosuch0 -l 239.7.7.10 5010 \
    >\$T/out2 2>\$T/err2
echo \$? >\$T/status2
"
	assertEquals "status" 1 "$(<"$SC_TMP/status")"
	assertEquals "message" \
	    "sockcat: cannot join group 239.7.7.10: no route to the group (use --mcast-if)" \
	    "$(<"$SC_TMP/err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	assertEquals "status" 1 "$(<"$SC_TMP/status2")"
	assertEquals "message" "sockcat: --mcast-if nosuch0: No such device" \
	    "$(<"$SC_TMP/err2")"
}

test_refused_command_lines() {
	expect_error "must use -u with --mcast-if and --mcast-loop" \
	    --mcast-if lo 239.1.1.1 5000
	expect_error "must use -u with --mcast-if and --mcast-loop" \
	    --mcast-loop off 239.1.1.1 5000
	expect_error "multicast loop invalid: maybe (on or off)" \
	    -u --mcast-loop maybe 239.1.1.1 5000
	expect_error "cannot use --mcast-if or --mcast-loop with -U" \
	    -U -u --mcast-if lo "$SC_TMP/s"
}

sc_time_tests
. "$SHUNIT2"
