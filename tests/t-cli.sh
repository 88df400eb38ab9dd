#!/bin/bash
# The command line: usage, help, and every error message and exit status
# that needs no network, in netcat-openbsd's words.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

# run args...: capture stdout, stderr and the status of one sockcat run.
run() {
	t 5 "$SC" "$@" >"$SC_TMP/out" 2>"$SC_TMP/err" </dev/null
	STATUS=$?
	OUT=$(<"$SC_TMP/out")
	ERR=$(<"$SC_TMP/err")
}

test_no_arguments_prints_usage() {
	run
	assertEquals 1 "$STATUS"
	assertEquals "" "$OUT"
	assertContains "$ERR" "usage: sockcat [-46"
}

# netcat's five lines of usage (-h starts with them).
nc_usage() {
	t 5 "$SC" -h | head -n 5
}

# usage_why WHY args...: sockcat refuses the command line with netcat's
# usage, then the line "sockcat: WHY"; status 1, nothing on stdout.
usage_why() {
	_why=$1
	shift
	run "$@"
	assertEquals "status of $*" 1 "$STATUS"
	assertEquals "stdout of $*" "" "$OUT"
	assertEquals "stderr of $*" "$(nc_usage)
sockcat: $_why" "$ERR"
}

# A bare sockcat: nc's usage, then where to read on.
test_no_arguments_says_where_to_read_on() {
	usage_why "try 'sockcat -h' for the options and examples"
}

# What getopt says, nc's usage, then the long option meant.
test_mistyped_long_option_suggests_the_right_one() {
	for typo in listn:listen lsten:listen keepalve=60:keepalive \
	    chta:chat ssl-verfy:ssl-verify; do
		run "--${typo%:*}" 5000
		assertEquals "status of --${typo%:*}" 1 "$STATUS"
		assertEquals "stdout" "" "$OUT"
		assertEquals "--${typo%:*}" "$SC: unrecognized option '--${typo%:*}'
$(nc_usage)
sockcat: did you mean --${typo#*:}?" "$ERR"
	done
	run --zzzzzz 5000
	assertEquals "$SC: unrecognized option '--zzzzzz'
$(nc_usage)
sockcat: try 'sockcat -h' for the options" "$ERR"
	# ncat's option that has no like here says what does its work.
	run -l --lua-exec x.lua 5000
	assertEquals "$SC: unrecognized option '--lua-exec'
$(nc_usage)
sockcat: --lua-exec is ncat's Lua: a program is run by -e or -c here" "$ERR"
	run -w
	assertEquals "$SC: option requires an argument -- 'w'
$(nc_usage)
sockcat: try 'sockcat -h' for the options" "$ERR"
}

# -U alone: netcat's usage and nothing more, byte for byte what
# nc.openbsd prints (sockcat run under nc's name).
test_unix_alone_prints_the_usage_only() {
	run -U
	assertEquals 1 "$STATUS"
	assertEquals "" "$OUT"
	assertEquals "$(nc_usage)" "$ERR"
	[ -x /bin/nc.openbsd ] || return 0
	ln -s "$SC" "$SC_TMP/nc"
	t 5 "$SC_TMP/nc" -U >"$SC_TMP/sc.out" 2>"$SC_TMP/sc.err"
	assertEquals "sockcat's status" 1 $?
	t 5 /bin/nc.openbsd -U >"$SC_TMP/nc.out" 2>"$SC_TMP/nc.err"
	assertEquals "nc.openbsd's status" 1 $?
	cmp "$SC_TMP/nc.err" "$SC_TMP/sc.err" ||
	    fail "sockcat -U: $(cat -A "$SC_TMP/sc.err")"
	assertEquals "" "$(<"$SC_TMP/sc.out")"
}

# A usage error says which operand or option is wrong.
test_usage_says_why() {
	usage_why "missing destination and port" --raw
	usage_why "missing destination and port" -v
	usage_why "-p 5001 and 5000 both name the port to listen on: give it once" \
	    -l 5000 -p 5001
	usage_why "-p 5000 and 5001 both name the port to listen on: give it once" \
	    -l -p 5000 5001
	# ncat's -d TIME, a delay, is nc's -d (no stdin) and an operand.
	expect_error "port number invalid: 127.0.0.1 (-d is nc's, no stdin: ncat's -d, a delay, is --delay)" \
	    -d 1 127.0.0.1 80
	expect_error "port number invalid: 127.0.0.1 (-d is nc's, no stdin: ncat's -d, a delay, is --delay)" \
	    -d 500ms 127.0.0.1 80
	# nc.openbsd's usage too; the operand is an address, not a port.
	usage_why "with -l, the address comes before the port: sockcat -l 127.0.0.1 5000" \
	    -l 127.0.0.1 -p 5000
	usage_why "with -l, the address comes before the port: sockcat -l ::1 5000" \
	    -l -p 5000 ::1
	usage_why "with -l -s, the port is -p's: sockcat -l 127.0.0.1 5000" \
	    -l -s 127.0.0.1 5000
	usage_why "-s 127.0.0.1 and ::1 both name the address to listen on: give it once" \
	    -l -s 127.0.0.1 ::1 5000
	usage_why "-l takes one address and one port: 2 is one operand too many" \
	    -l 127.0.0.1 1 2
	usage_why "missing port number" -p 1 localhost
	usage_why "cannot use -p with -U" -U -p 5 x
	usage_why "--chat calls one host on one port: 3 is one operand too many" \
	    --chat 1 2 3
}

# A client's one operand that is not a host.
# An empty path, or "@" alone, names no socket: the kernel would take
# either for the abstract name "", which any local process may reach, as
# a listener's or a client's own address.
test_unix_empty_path_refused() {
	expect_error "missing socket pathname" -U ''
	expect_error "missing socket pathname" -lU ''
	expect_error "missing socket pathname" -lU @
	expect_error "missing socket pathname" -l -U -s ''
	expect_error "missing socket pathname" -uU -s '' "$SC_TMP/s"
	expect_error "missing socket pathname" -uU -s @ "$SC_TMP/s"
}

test_lone_operand_named() {
	expect_error "must use -l with --forward (sockcat -l 6203 --forward 127.0.0.1:7010)" \
	    --forward 127.0.0.1:7010 6203
	expect_error "missing port number (http://host/: the URLs taken are ws:// and wss://)" \
	    http://host/
	# nc's words where nc has them.
	expect_error "missing port number" localhost
}

# A WebSocket URL that is no URL: its host in brackets left open or
# followed by something else than a port, no host at all, a port that
# is no number.
test_bad_websocket_urls() {
	expect_error "invalid URL: ws://[::1/" 'ws://[::1/'
	expect_error "invalid URL: wss://[::1]x/" 'wss://[::1]x/'
	expect_error "invalid URL: no host" 'ws:///x'
	expect_error "invalid URL: no host" 'ws://user@:80/'
	expect_error "port number invalid: 80x" 'ws://h:80x/'
	# One port, as a ws:// address has: a range dialled each of its own.
	expect_error "ws://127.0.0.1:1-2/: a target has one port, not a range" \
	    'ws://127.0.0.1:1-2/'
	expect_error "wss://u:*@127.0.0.1:2-1/: a target has one port, not a range" \
	    'wss://u:p@127.0.0.1:2-1/'
}

# websocat's letters and schemes, where they cannot be nc's: nc's words
# where nc has some, then what websocat's is here, one line, status 1.
# nc's own uses of the same letters say what they said.
test_websocat_letters_and_schemes() {
	_wt="-t is nc's telnet: websocat's -t, text messages, is the default here (--ws-binary the other)"
	expect_error "$_wt" -t ws://127.0.0.1:1/
	expect_error "$_wt" -t - wss://127.0.0.1:1/
	_b="-b is nc's broadcast: websocat's -b, binary messages, is --ws-binary"
	expect_error "$_b" -b ws://127.0.0.1:1/
	expect_error "$_b" -b ws-l:127.0.0.1:0 -
	_k="must use -l with -k (websocat's -k, any certificate, is --insecure)"
	expect_error "$_k" -k wss://127.0.0.1:1/
	expect_error "$_k" -k - wss://127.0.0.1:1/
	expect_error "must use -l with -k" -k 127.0.0.1 1
	run -E ws://127.0.0.1:1/
	assertEquals "-E: status" 1 "$STATUS"
	assertEquals "-E" "$SC: invalid option -- 'E'
$(nc_usage)
sockcat: -E is websocat's exit on either end: a WebSocket session ends so here already" "$ERR"
	run -H 'X-A: b' ws://127.0.0.1:1/
	assertEquals "-H: status" 1 "$STATUS"
	assertEquals "-H" "$SC: invalid option -- 'H'
$(nc_usage)
sockcat: -H is websocat's request header: --ws-header 'Name: value'" "$ERR"
	for _s in 8080 127.0.0.1:8080 '[::1]:8080' ws-l:8080 \
	    ws-listen:127.0.0.1:8080; do
		_l=${_s#ws-l:}
		usage_why "missing destination and port (websocat's -s $_s, a WebSocket server, is sockcat ws-l:${_l#ws-listen:} -)" \
		    -s "$_s"
	done
	usage_why "missing destination and port" -s 127.0.0.1
	_all="the schemes are tcp: udp: unix: tls: dtls: ws:// wss:// vsock: tcp-l: udp-l: unix-l: tls-l: ws-l: exec: file: serial: pty: replay: socks4: socks4a: socks5:, - and socat's names"
	expect_error "mirror:: unknown scheme mirror: (websocat's mirror: is exec:cat here); $_all" \
	    ws-l:127.0.0.1:0 mirror:
	expect_error "cmd:cat: unknown scheme cmd: (websocat's cmd: is exec: here); $_all" \
	    ws-l:127.0.0.1:0 cmd:cat
	expect_error "sh-c:cat: unknown scheme sh-c: (websocat's sh-c: is exec: here); $_all" \
	    ws-l:127.0.0.1:0 sh-c:cat
	expect_error "ws-listen:127.0.0.1:0: unknown scheme ws-listen: (websocat's ws-listen: is ws-l: here); $_all" \
	    ws-listen:127.0.0.1:0 -
	expect_error "foo:1: unknown scheme foo:; $_all" foo:1 -
}

# An optional value is given after '=': the word after the option is an
# operand, and when the operands are wrong, the message says why.
test_optional_value_taken_after_equals() {
	expect_error "port number invalid: 127.0.0.1 (--keepalive takes its value after '=': --keepalive=60)" \
	    --keepalive 60 127.0.0.1 7311
	expect_error "port number invalid: 127.0.0.1 (--progress takes its value after '=': --progress=always)" \
	    --progress always 127.0.0.1 1
	# The same words are fine operands when they are the operands.
	server srv -l --keepalive 127.0.0.1 0 || fail "no server"
	assertTrue "listening on the operands" "[ -n '$PORT' ]"
	stop "$SERVER_PID"
}

test_help_goes_to_stdout_and_exits_0() {
	for h in -h --help; do
		run $h
		assertEquals "$h status" 0 "$STATUS"
		assertContains "$h" "$OUT" "usage: sockcat"
		assertContains "$h" "$OUT" "--listen"
		assertEquals "$h stderr" "" "$ERR"
	done
}

test_version() {
	run --version
	assertEquals 0 "$STATUS"
	assertContains "$OUT" "sockcat "
}

test_unknown_option() {
	run --no-such-option
	assertEquals 1 "$STATUS"
	assertContains "$ERR" "unrecognized option"
	assertContains "$ERR" "usage: sockcat"
}

test_port_errors() {
	expect_error "port number too large: 99999" localhost 99999
	expect_error "port number invalid: nosuchservice" localhost nosuchservice
	expect_error "port number too large: 70000" localhost 1-70000
	expect_error "missing port number" localhost
	expect_error "missing port number" -l
	expect_error "cannot listen on more than one port: 1-3" -l 127.0.0.1 1-3
}

# A source port out of range is refused, not taken modulo 65536 by the
# resolver (65537 would bind port 1).
test_source_port_errors() {
	expect_error "port number too large: 65537" -p 65537 127.0.0.1 1
	expect_error "port number too large: 4294967297" -p 4294967297 \
	    127.0.0.1 1
	expect_error "port number invalid:  65537" -p ' 65537' 127.0.0.1 1
	expect_error "port number invalid: +1" -p +1 127.0.0.1 1
	expect_error "port number invalid: " -p '' 127.0.0.1 1
	expect_error "port number too large: 65537" -p 65537 - tcp:127.0.0.1:1
}

test_conflicts() {
	expect_error "must use -l with -k" -k localhost 1
	expect_error "cannot use -z and -l" -z -l 1
}

# A value an option cannot take.
test_value_errors() {
	expect_error "listen-fd invalid: x" -l --listen-fd x
	expect_error "ws-header invalid: noheader (Name: value)" \
	    --ws-header noheader ws://127.0.0.1:1/
}

test_time_errors() {
	expect_error "timeout invalid: abc" -w abc localhost 1
	expect_error "quit timer invalid: abc" -q abc localhost 1
	expect_error "timeout invalid: 5x" -w 5x localhost 1
}

test_number_errors() {
	expect_error "ttl is too large" -M 256 localhost 1
	expect_error "minttl is invalid" -m x localhost 1
	expect_error "illegal tos value foo" -T foo localhost 1
}

test_getaddrinfo_error() {
	expect_error 'getaddrinfo for host "no-such-host" port 80: Name or service not known' \
	    -n no-such-host 80
}

test_program_name_from_argv0() {
	ln -s "$SC" "$SC_TMP/nc"
	t 5 "$SC_TMP/nc" -k localhost 1 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "nc: must use -l with -k" "$(<"$SC_TMP/err")"
}

test_usage_for_extra_listen_operands() {
	run -l 1 2 3
	assertEquals 1 "$STATUS"
	assertContains "$ERR" "usage: sockcat"
}

# Built without OpenSSL, an option that needs TLS is refused before
# anything is opened, in one line; --version says which build it is.
test_tls_refused_where_not_built_in() {
	tls=$(t 5 "$SC" --version | sed -n 's/^TLS: //p')
	if sc_have_tls; then
		assertEquals "--version" \
		    "yes, OpenSSL 3 (loaded when first used)" "$tls"
		return
	fi
	assertEquals "--version" "no" "$tls"
	expect_error "TLS support was not built in" --ssl 127.0.0.1 1
	expect_error "TLS support was not built in" -l --ssl 127.0.0.1 0
}

sc_run_shunit2
