#!/bin/bash
# Multipath TCP (--mptcp): two sockcats speak MPTCP and both say so (and
# ss -M lists the connection); to and from nc.openbsd, which speaks plain
# TCP, the connection falls back and still moves data, and -v says that it
# fell back; a kernel with MPTCP turned off (in a private network
# namespace, never the host's) is named as the cause.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

MPTCP_ON=$(cat /proc/sys/net/mptcp/enabled 2>/dev/null)

# Skip a test where the kernel does not give MPTCP.
need_mptcp() {
	if [ "$MPTCP_ON" != 1 ]; then
		sc_skip "no Multipath TCP here (net.mptcp.enabled: ${MPTCP_ON:-none})"
		return 1
	fi
}

test_both_ends_speak_mptcp() {
	need_mptcp || return
	server srv -n -l --mptcp 127.0.0.1 0 || fail "no server"
	held_stdin c.in 7
	bg_in "$SC_TMP/c.in" t 20 "$SC" -v -n --mptcp 127.0.0.1 "$PORT" \
	    >/dev/null 2>"$SC_TMP/c.err"
	assertTrue "server says MPTCP" "wait_for '$SC_TMP/srv.err' \
	    '^MPTCP: yes, Multipath TCP$'"
	assertTrue "client says MPTCP" "wait_for '$SC_TMP/c.err' \
	    '^MPTCP: yes, Multipath TCP$'"
	if command -v ss >/dev/null 2>&1; then
		assertTrue "ss -M lists it" "ss -Mn | grep -q ':$PORT\\b'"
	fi
	echo "over mptcp" >&7
	exec 7>&-
	assertTrue "data" "wait_for '$SC_TMP/srv.out' '^over mptcp$'"
}

test_exec_server_speaks_mptcp() {
	need_mptcp || return
	server srv -n -lk --mptcp -e /bin/cat 127.0.0.1 0 || fail "no server"
	assertEquals "echo" "echoed" "$(echo echoed | t 10 "$SC" -N --mptcp \
	    127.0.0.1 "$PORT")"
	assertTrue "MPTCP" "wait_for '$SC_TMP/srv.err' '^MPTCP: yes'"
}

test_nc_openbsd_falls_back_to_tcp() {
	need_mptcp || return
	sc_require nc.openbsd
	server srv -n -l --mptcp 127.0.0.1 0 || fail "no server"
	echo "from nc" | t 10 nc.openbsd -N 127.0.0.1 "$PORT"
	assertTrue "data" "wait_for '$SC_TMP/srv.out' '^from nc$'"
	assertTrue "fell back" "grep -qx 'MPTCP: no, the peer fell back to \
TCP' '$SC_TMP/srv.err'"

	# The client tries again until nc.openbsd listens.
	NPORT=$(free_port) || fail "no port"
	bg t 20 nc.openbsd -l 127.0.0.1 "$NPORT" >"$SC_TMP/nc.out"
	echo "to nc" | t 10 "$SC" -v -N --retry 200 --retry-interval 50ms \
	    --mptcp 127.0.0.1 "$NPORT" >/dev/null 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertTrue "data" "wait_for '$SC_TMP/nc.out' '^to nc$'"
	assertTrue "fell back" "grep -qx 'MPTCP: no, the peer fell back to \
TCP' '$SC_TMP/c.err'"
}

test_mptcp_turned_off_is_named() {
	if ! sc_have_netns; then
		sc_skip "no private network namespace (unshare -n)"
		return
	fi
	sc_netns 10 sh -c 'sysctl -qw net.mptcp.enabled=0 &&
	    exec "$0" --mptcp 127.0.0.1 1' "$SC" </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	STATUS=$?
	if grep -q '^sysctl:' "$SC_TMP/err"; then
		sc_skip "net.mptcp.enabled cannot be set in a namespace"
		return
	fi
	assertEquals "status" 1 "$STATUS"
	assertEquals "message" "sockcat: --mptcp: Multipath TCP is turned off \
(sysctl net.mptcp.enabled is 0)" "$(<"$SC_TMP/err")"
}

test_mptcp_is_for_tcp() {
	expect_error "--mptcp is for TCP: it takes no -u" \
	    --mptcp -u host 1
	expect_error "--mptcp is for TCP: it takes no -U" \
	    --mptcp -U /tmp/x
}

sc_run_shunit2
