#!/bin/bash
# Where sockcat follows ncat, side by side with ncat when it is installed:
# --broker with --send-only and --recv-only, allow and deny files with
# several entries a line, --idle-timeout in connect mode, --proxy-auth
# without a password when stdin is not a terminal.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"

sc_require python3

# ncat_server NAME args...: like server(), for ncat on a free port.
ncat_server() {
	local name=$1 in=${SERVER_STDIN:-/dev/null}

	shift
	sc_tmp
	free_port >"$SC_TMP/port"
	PORT=$(<"$SC_TMP/port")
	: >"$SC_TMP/$name.err"
	timeout -k 2 "$SC_TIMEOUT" ncat -v "$@" 127.0.0.1 "$PORT" <"$in" \
	    >"$SC_TMP/$name.out" 2>"$SC_TMP/$name.err" &
	SERVER_PID=$!
	SC_PIDS="$SC_PIDS $SERVER_PID"
	wait_for "$SC_TMP/$name.err" '^Ncat: Listening on ' 15
}

# Wait until $1 has $2 lines matching $3, for up to 15 seconds.
wait_count() {
	wait_lines "$1" "$3" "$2" 15
}

# Does file $1 stay empty for $2 seconds?  An assertion window, not a
# synchronisation: it ends early as soon as anything arrives.
stays_empty() {
	! wait_until -t "$2" test -s "$1"
}

# start_broker IMPL NAME args...: a broker by sockcat or ncat, with its
# stdin a FIFO on descriptor 6; CONNECTED is the regex of a client in its
# -v log.
start_broker() {
	_impl=$1
	shift
	console "$1" 6
	if [ "$_impl" = sc ]; then
		server "$@" 127.0.0.1 0
		CONNECTED='^Connection received'
	else
		_n=$1
		shift
		ncat_server "$_n" "$@"
		CONNECTED='^Ncat: Connection from 127\.0\.0\.1:[0-9]+\.$'
	fi
}

# --send-only: only the broker's stdin reaches the clients; what they send
# is neither relayed nor printed.
broker_send_only() {
	start_broker "$1" srv --broker --send-only || fail "$1: no server"
	client c1 7
	client c2 8
	wait_count "$SC_TMP/srv.err" 2 "$CONNECTED" || fail "$1: clients"
	say 7 'from one\n'
	say 6 'operator\n'
	wait_for "$SC_TMP/c2.out" '^operator$' 15 || fail "$1: c2 no stdin"
	wait_for "$SC_TMP/c1.out" '^operator$' 15 || fail "$1: c1 no stdin"
	say 6 'again\n'
	wait_for "$SC_TMP/c2.out" '^again$' 15 || fail "$1: c2 no second"
	assertEquals "$1: c2 gets stdin only" "$(printf 'operator\nagain')" \
	    "$(<"$SC_TMP/c2.out")"
	assertEquals "$1: nothing printed" "" "$(<"$SC_TMP/srv.out")"
}

test_broker_send_only() {
	broker_send_only sc
}

test_broker_send_only_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	broker_send_only ncat
}

# --recv-only: nothing is sent to the clients, neither stdin nor what the
# others send; sockcat shows it on stdout (ncat's broker never prints).
broker_recv_only() {
	start_broker "$1" srv --broker --recv-only || fail "$1: no server"
	client c1 7
	client c2 8
	wait_count "$SC_TMP/srv.err" 2 "$CONNECTED" || fail "$1: clients"
	say 7 'from one\n'
	say 6 'operator\n'
	say 8 'from two\n'
	if [ "$1" = sc ]; then
		wait_for "$SC_TMP/srv.out" '^from two$' 15 || fail "stdout"
		wait_for "$SC_TMP/srv.out" '^from one$' 15 || fail "stdout 1"
	fi
	assertTrue "$1: c1 gets nothing" "stays_empty '$SC_TMP/c1.out' 1"
	assertTrue "$1: c2 gets nothing" "stays_empty '$SC_TMP/c2.out' 0.2"
}

test_broker_recv_only() {
	broker_recv_only sc
	assertNotContains "stdin is not shown" "$(<"$SC_TMP/srv.out")" \
	    operator
}

test_broker_recv_only_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	broker_recv_only ncat
}

# Without either option the broker relays both ways (the reference the
# two tests above differ from).
test_broker_relays_without_them() {
	start_broker sc srv --broker || fail "no server"
	client c1 7
	client c2 8
	wait_count "$SC_TMP/srv.err" 2 "$CONNECTED" || fail "clients"
	say 7 'from one\n'
	wait_for "$SC_TMP/c2.out" '^from one$' 15 || fail "not relayed"
}

# A file of rules: several entries a line, blank lines; for sockcat
# comments too (ncat 7.93 takes '#' for a host name).
write_rules() {
	if [ "$1" = sc ]; then
		printf '%s\n' '# who may come' '' \
		    '198.51.100.7   127.0.0.1 # loopback' \
		    '	2001:db8::/32	203.0.113.0/24  ' '   # the end'
	else
		printf '%s\n' '' '198.51.100.7   127.0.0.1' \
		    '	2001:db8::/32	203.0.113.0/24  '
	fi >"$SC_TMP/rules"
}

# allowfile IMPL: the loopback client of a multi-entry file gets in.
allowfile() {
	write_rules "$1"
	if [ "$1" = sc ]; then
		server srv -l --allowfile "$SC_TMP/rules" 127.0.0.1 0 ||
		    fail "sc: no server"
	else
		ncat_server srv -l --allowfile "$SC_TMP/rules" ||
		    fail "ncat: no server"
	fi
	echo allowed | t 15 "$SC" -N 127.0.0.1 "$PORT" >/dev/null
	wait_for "$SC_TMP/srv.out" '^allowed$' 15 || fail "$1: not let in"
}

test_allowfile_entries() {
	allowfile sc
}

test_allowfile_entries_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	allowfile ncat
}

# denyfile IMPL: the loopback client of a multi-entry file is refused.
denyfile() {
	write_rules "$1"
	if [ "$1" = sc ]; then
		server srv -lk --denyfile "$SC_TMP/rules" 127.0.0.1 0 ||
		    fail "sc: no server"
		_re='denied$'
	else
		ncat_server srv -lk --denyfile "$SC_TMP/rules" ||
		    fail "ncat: no server"
		_re='denied'
	fi
	echo refused | t 15 "$SC" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_for "$SC_TMP/srv.err" "$_re" 15 || fail "$1: no client seen"
	assertTrue "$1: nothing let through" "stays_empty '$SC_TMP/srv.out' 0.5"
}

test_denyfile_entries() {
	denyfile sc
}

test_denyfile_entries_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	denyfile ncat
}

test_rule_file_bad_entry_names_line() {
	printf '127.0.0.1\n10.0.0.1 300.1.2.3/99\n' >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad, line 2: invalid address or range: \
300.1.2.3/99" -l --allowfile "$SC_TMP/bad" 127.0.0.1 0
}

# --idle-timeout without -l: the connection ends when nothing moves either
# way, with a message and status 1, as ncat does.
idle_client() {
	held_stdin srvin 8
	SERVER_STDIN=$SC_TMP/srvin server srv -l 127.0.0.1 0 ||
	    fail "no server"
	held_stdin clin 7
	if [ "$1" = sc ]; then
		bg_in "$SC_TMP/clin" t 20 "$SC" --idle-timeout 1 127.0.0.1 \
		    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	else
		bg_in "$SC_TMP/clin" t 20 ncat --idle-timeout 1 127.0.0.1 \
		    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	fi
	_pid=$BG_PID
	# Traffic keeps it alive: one line from each side.
	echo ping >&7
	wait_for "$SC_TMP/srv.out" '^ping$' 15 || fail "$1: not sent"
	echo pong >&8
	wait_for "$SC_TMP/c.out" '^pong$' 15 || fail "$1: not received"
	wait_exit "$_pid" 15 || fail "$1: did not time out"
	assertEquals "$1: status" 1 "$WAIT_STATUS"
}

test_idle_timeout_connect() {
	idle_client sc
	assertEquals "sockcat: idle timeout expired (1000 ms)" \
	    "$(<"$SC_TMP/c.err")"
}

test_idle_timeout_connect_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	idle_client ncat
	assertContains "$(<"$SC_TMP/c.err")" "Idle timeout expired"
}

test_idle_timeout_connect_bad_value() {
	expect_error "idle timeout invalid: soon" --idle-timeout soon \
	    127.0.0.1 9
}

# A proxy that asks for Basic credentials, user alice, empty password.
start_authproxy() {
	: >"$SC_TMP/px.port"
	bg t 30 $AUTHPROXY "$SC_TMP/px.log" "$@" \
	    >"$SC_TMP/px.port"
	wait_for "$SC_TMP/px.port" '^[0-9]+$' 20 || fail "no proxy"
	PXPORT=$(<"$SC_TMP/px.port")
}

test_proxy_auth_user_only_without_tty() {
	: "${TESTS_DIR:=$(dirname "$0")}"
	start_authproxy basic alice "" 0
	t 20 "$SC" -N -v --proxy-auth alice -X connect -x "127.0.0.1:$PXPORT" \
	    192.0.2.1 80 </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "tunnel open" "$(<"$SC_TMP/out")"
	assertContains "said with -v" "$(<"$SC_TMP/err")" \
	    'user "alice", empty password'
}

test_proxy_auth_user_only_quiet() {
	: "${TESTS_DIR:=$(dirname "$0")}"
	start_authproxy basic alice "" 0
	t 20 "$SC" -N --proxy-auth alice -X connect -x "127.0.0.1:$PXPORT" \
	    192.0.2.1 80 </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "no message without -v" "" "$(<"$SC_TMP/err")"
}

sc_run_shunit2
