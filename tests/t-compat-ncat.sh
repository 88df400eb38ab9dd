#!/bin/bash
# Where sockcat follows ncat, side by side with ncat when it is installed:
# --broker with --send-only and --recv-only, allow and deny files with
# several entries a line, --allow and --deny lists separated by commas
# and nmap's octet ranges, --idle-timeout in connect mode and on a
# listener of one client or UDP peer, --proxy-auth without a password
# when stdin is not a terminal.

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

# let_in IMPL RULES...: the loopback client of a server with these rules
# gets in.
let_in() {
	_impl=$1
	shift
	if [ "$_impl" = sc ]; then
		server srv -l "$@" 127.0.0.1 0 || fail "sc: no server"
	else
		ncat_server srv -l "$@" || fail "ncat: no server"
	fi
	echo allowed | t 15 "$SC" -N 127.0.0.1 "$PORT" >/dev/null
	wait_for "$SC_TMP/srv.out" '^allowed$' 15 || fail "$_impl: not let in"
}

# keep_out IMPL RULES...: the loopback client of a server with these
# rules is refused.
keep_out() {
	_impl=$1
	shift
	if [ "$_impl" = sc ]; then
		server srv -lk "$@" 127.0.0.1 0 || fail "sc: no server"
		_re='denied$'
	else
		ncat_server srv -lk "$@" || fail "ncat: no server"
		_re='denied'
	fi
	echo refused | t 15 "$SC" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_for "$SC_TMP/srv.err" "$_re" 15 || fail "$_impl: no client seen"
	assertTrue "$_impl: nothing let through" \
	    "stays_empty '$SC_TMP/srv.out' 0.5"
}

# allowfile IMPL: the loopback client of a multi-entry file gets in.
allowfile() {
	write_rules "$1"
	let_in "$1" --allowfile "$SC_TMP/rules"
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
	keep_out "$1" --denyfile "$SC_TMP/rules"
}

test_denyfile_entries() {
	denyfile sc
}

test_denyfile_entries_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	denyfile ncat
}

# --allow and --deny take several hosts separated by commas, as ncat's
# "--allow host[,host,...]" does.
LIST=198.51.100.7,127.0.0.0/8,2001:db8::/32

test_allow_deny_lists() {
	let_in sc --allow "$LIST"
	stop "$SERVER_PID"
	keep_out sc --deny "$LIST"
	stop "$SERVER_PID"
	keep_out sc --allow 198.51.100.7,203.0.113.0/24
	expect_error "invalid address or range: 127.0.0.1," -l \
	    --allow 127.0.0.1, 127.0.0.1 0
}

test_allow_deny_lists_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	let_in ncat --allow "$LIST"
	stop "$SERVER_PID"
	keep_out ncat --deny "$LIST"
	stop "$SERVER_PID"
	keep_out ncat --allow 198.51.100.7,203.0.113.0/24
}

test_rule_file_bad_entry_names_line() {
	printf '127.0.0.1\n10.0.0.1 300.1.2.3/99\n' >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad, line 2: invalid address or range: \
300.1.2.3/99" -l --allowfile "$SC_TMP/bad" 127.0.0.1 0
}

# nmap's IPv4 octet ranges, as ncat takes them: a number, a range, open
# at either end, or '*' for each octet.
octet_ranges() {
	let_in "$1" --allow '127.0.0.*'
	stop "$SERVER_PID"
	let_in "$1" --allow '127.0-1.0.-1'
	stop "$SERVER_PID"
	keep_out "$1" --allow '127.0.0.2-'
	stop "$SERVER_PID"
	keep_out "$1" --deny '*.0.0.1'
}

test_octet_ranges() {
	octet_ranges sc
	expect_error "invalid address or range: 127.0.0.5-3" -l \
	    --allow 127.0.0.5-3 127.0.0.1 0
}

test_octet_ranges_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	octet_ranges ncat
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

# --idle-timeout with -l and no -k: the one client (or UDP peer, with
# -u) idle, the server ends with a message and a failure, as ncat's does
# (sockcat's status is 1, ncat's 2).
idle_listener() {
	_impl=$1
	shift
	if [ "$_impl" = sc ]; then
		server srv -l "$@" --idle-timeout 1 127.0.0.1 0 ||
		    fail "no server"
	else
		ncat_server srv -l "$@" --idle-timeout 1 || fail "no server"
	fi
	held_stdin "in$1" 7
	bg_in "$SC_TMP/in$1" t 20 "$SC" "$@" 127.0.0.1 "$PORT" >/dev/null 2>&1
	echo hello >&7
	wait_for "$SC_TMP/srv.out" '^hello$' 15 || fail "$_impl $*: not sent"
	wait_exit "$SERVER_PID" 15 || fail "$_impl $*: did not time out"
}

test_idle_timeout_listen() {
	for _u in "" -u; do
		idle_listener sc $_u
		assertEquals "$_u status" 1 "$WAIT_STATUS"
		assertEquals "$_u" "sockcat: idle timeout expired (1000 ms)" \
		    "$(grep '^sockcat' "$SC_TMP/srv.err")"
	done
}

test_idle_timeout_listen_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	for _u in "" -u; do
		idle_listener ncat $_u
		assertEquals "$_u status" 2 "$WAIT_STATUS"
		assertContains "$_u" "$(<"$SC_TMP/srv.err")" \
		    "Idle timeout expired"
	done
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

# Issue 66: a letter that is nc's here and ncat's another thing keeps
# nc's meaning, and a command line that reads like ncat's is told so
# once, on stderr: -m below 64 with -l, -k, -e or -c (ncat's
# --max-conns), -i with -l (ncat's --idle-timeout), -x with -l or an -x
# that does not resolve (ncat's --hex-dump).
M_HINT="sockcat: -m is nc's minimum TTL, not ncat's most clients at once: that is --max-conns"
I_HINT="sockcat: -i is nc's interval between lines sent, not ncat's idle timeout: that is --idle-timeout"
X_HINT="(ncat's -x FILE is --hex-dump FILE)"

test_ncat_letters_said_once() {
	# -m 1 -lk: nc's minimum TTL (every client gets in), said once for
	# two clients.
	server srv -lk -m 1 127.0.0.1 0 || fail "no server"
	echo one | t 10 "$SC" -N 127.0.0.1 "$PORT" >/dev/null
	echo two | t 10 "$SC" -N 127.0.0.1 "$PORT" >/dev/null
	wait_for "$SC_TMP/srv.out" '^two$' || fail "the second client"
	assertEquals "both served" "$(printf 'one\ntwo')" "$(<"$SC_TMP/srv.out")"
	assertEquals "-m said once" "$M_HINT" "$(grep '^sockcat' "$SC_TMP/srv.err")"
	stop "$SERVER_PID"
	# -m 5 with -e, a client: said too.
	server e -l 127.0.0.1 0 || fail "no server"
	t 10 "$SC" -m 5 -e /bin/true 127.0.0.1 "$PORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "-m -e: status" 0 $?
	assertEquals "-m -e" "$M_HINT" "$(<"$SC_TMP/c.err")"
	stop "$SERVER_PID"
	# -i 1 -l: nc's interval, said once.
	server i -l -i 1 127.0.0.1 0 </dev/null || fail "no server"
	assertEquals "-i -l" "$I_HINT" "$(grep '^sockcat' "$SC_TMP/i.err")"
	stop "$SERVER_PID"
	# -l -x FILE: nc's refusal, then ncat's name for it.
	t 5 "$SC" -l -x dump.hex 8080 >"$SC_TMP/x.out" 2>"$SC_TMP/x.err"
	assertEquals "-l -x: status" 1 $?
	assertEquals "-l -x" "sockcat: no proxy support for listen $X_HINT" \
	    "$(<"$SC_TMP/x.err")"
	if [ -x /bin/nc.openbsd ]; then
		t 5 /bin/nc.openbsd -l -x dump.hex 8080 2>"$SC_TMP/nc.err"
		assertEquals "nc.openbsd's words first" \
		    "$(sed 's/^nc.openbsd: //' "$SC_TMP/nc.err") $X_HINT" \
		    "$(sed 's/^sockcat: //' "$SC_TMP/x.err")"
	fi
	# -x FILE, a client: the proxy's name does not resolve (in a network
	# of the test's own, with no resolver to ask).
	if sc_have_netns; then
		sc_netns 10 "$SC" -x dump.hex 127.0.0.1 80 </dev/null \
		    >"$SC_TMP/y.out" 2>"$SC_TMP/y.err"
		assertEquals "-x: status" 1 $?
		assertEquals "-x: one line" 1 "$(wc -l <"$SC_TMP/y.err")"
		case $(<"$SC_TMP/y.err") in
		"sockcat: getaddrinfo for host \"dump.hex\" port 1080: "*" $X_HINT")
			;;
		*)	fail "-x: $(<"$SC_TMP/y.err")" ;;
		esac
	fi
}

# The nc forms these letters have stay silent: -m with a client, or a
# listener's minimum TTL of 64 or more (a near host's), -i with a client, -x a proxy
# that answers.
test_nc_letters_silent() {
	server srv -lk -m 64 127.0.0.1 0 || fail "no server"
	echo one | t 10 "$SC" -N -m 1 -i 1 127.0.0.1 "$PORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "client: status" 0 $?
	assertEquals "client: stderr" "" "$(<"$SC_TMP/c.err")"
	wait_for "$SC_TMP/srv.out" '^one$' || fail "not served"
	assertEquals "server: stderr" "" "$(grep '^sockcat' "$SC_TMP/srv.err")"
	stop "$SERVER_PID"
	server p -l --proxy-type socks5 127.0.0.1 0 || fail "no proxy"
	pport=$PORT
	server d -l 127.0.0.1 0 || fail "no destination"
	echo via | t 10 "$SC" -N -x "127.0.0.1:$pport" 127.0.0.1 "$PORT" \
	    >/dev/null 2>"$SC_TMP/x.err"
	assertEquals "-x: status" 0 $?
	assertEquals "-x: stderr" "" "$(<"$SC_TMP/x.err")"
}

# -l --chat turns a second caller away, and its server is told once
# that ncat's --chat, a room for many, is --room.
test_chat_turn_away_names_room() {
	console srv 6
	server srv -l --chat 127.0.0.1 0 || fail "no server"
	client a 7
	wait_for "$SC_TMP/srv.err" '^connected to ' || fail "no partner"
	t 10 "$SC" 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/b.out" 2>&1
	t 10 "$SC" 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/c.out" 2>&1
	wait_lines "$SC_TMP/srv.err" 'turned away: busy$' 2 ||
	    fail "not turned away: $(<"$SC_TMP/srv.err")"
	assertEquals "said once, after the first" "1" \
	    "$(grep -c "^ncat's --chat, for many at once, is --room$" \
	    "$SC_TMP/srv.err")"
	assertEquals "in order" "ncat's --chat, for many at once, is --room" \
	    "$(grep -A1 -m1 'turned away' "$SC_TMP/srv.err" | tail -n 1)"
}

sc_run_shunit2
