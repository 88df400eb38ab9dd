#!/bin/bash
# Every pipeline example of the README and the manual (all its pages),
# run as printed with local peers: the text is taken from the documents,
# then only its host names and port numbers are changed.  A listener's
# port becomes 0 and -v is added, so that the real port is read from its
# "Listening on" line; a client's host becomes 127.0.0.1 and its port
# that one.  A pipeline example added to either document without a test
# here fails test_every_pipeline_example_is_run.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require tar grep

README=${README:-$(dirname "$MANPAGE")/../README.md}
[ -f "$README" ] || README=$(cd "$(dirname "$0")/.." && pwd)/README.md

setUp() {
	sc_tmp
	# "sockcat" in the examples is the one under test.
	mkdir -p "$SC_TMP/bin"
	ln -sf "$SC" "$SC_TMP/bin/sockcat"
	export PATH="$SC_TMP/bin:$PATH"
}

# The pipeline lines of the README's code blocks and of the manual's
# literal displays, one per line, as printed (without a "$ " prompt).
doc_pipelines() {
	{
		awk '/^```/ { inb = !inb; next } inb' "$README"
		# shellcheck disable=SC2046
		awk '/^\.Bd -literal/ { inb = 1; next } /^\.Ed/ { inb = 0 }
		    inb || /^\.Dl/' $(manual_pages)
	} | grep 'sockcat' | grep '|' | sed 's/^\$ //; s/^\.Dl //' |
	    sort -u
}

# The lines of the documents this suite runs, and the lines that show a
# choice of arguments rather than a pipeline (the synopsis).
COVERED='sockcat -l 5000 | grep ERROR            # a log sink that filters
tar c dir | sockcat -N host 9000        # send a directory
sockcat -l 9000 | tar x                 # ... and receive it
printf '"'"'GET / HTTP/1.0\n\n'"'"' | sockcat -C host 80
sockcat -l 7001 --fifo f | grep --line-buffered ERROR > f   # a filter
sockcat -zv localhost 7999-8001 2>&1 | grep succeeded
printf '"'"'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from sockcat\n'"'"' |
printf '"'"'GET / HTTP/1.0\nHost: localhost\n\n'"'"' | sockcat -C localhost 8080
sockcat -lk 5140 | grep --line-buffered ERROR >> errors.log  # a log sink
sockcat -l --secret 9000 | tar xf -
tar cf - dir | sockcat -N --secret=CODE host 9000
tar cf - dir | sockcat -N host 9000     # send a directory ...
sockcat -l 9000 | tar xf -              # ... and receive it
mkfifo reply; sockcat -l -N 8080 < reply | sockcat -N host 80 > reply  # a relay
sockcat -l 5000 --fifo f | grep --line-buffered pattern > f
sockcat -l 9000 | tar xf -
sockcat -l 7001 --fifo f | grep --line-buffered pattern > f
sockcat -lk 5140 | grep --line-buffered ERROR >> errors.log
printf '"'"'HTTP/1.0 200 OK\er\en\er\enhello\en'"'"' | sockcat -N -l 8080
sockcat -l -N 8080 < reply | sockcat -N host.example.com 80 > reply
echo '"'"'{\(dqid\(dq:1}'"'"' | sockcat -q 1 ws://127.0.0.1:8080/api
printf '"'"'hello\en'"'"' | sockcat ws://127.0.0.1:8080/echo
echo status | sockcat -u -w 2 host.example.com 5000
printf '"'"'deploys:1|c'"'"' | sockcat -u -w1 --fail-on-error host 8125
printf '"'"'GET / HTTP/1.0\er\en\er\en'"'"' | sockcat -N --record w.rec host 80'
SYNOPSIS='sockcat -l [address] port --proxy-type socks5|http
.Dl sockcat Oo Fl lk Oc Oo Ar options Oc Fl e Ar program | Fl c Ar command ...
.Dl sockcat -l Ar port Fl -fifo Ar f | Ar filter No > Ar f'

test_every_pipeline_example_is_run() {
	doc_pipelines >"$SC_TMP/doc"
	printf '%s\n%s\n' "$COVERED" "$SYNOPSIS" |
	    sed 's/^\.Dl //' | sort -u >"$SC_TMP/known"
	assertEquals "pipeline examples without a test (<) or gone (>)" "" \
	    "$(diff "$SC_TMP/doc" "$SC_TMP/known")"
}

# in_docs TEXT: the example is printed as is in the README or the manual.
in_docs() {
	grep -qF -- "$1" "$README" || in_manual "$1" ||
	    fail "not in the documents: $1"
}

# An example's roff escapes as the reader sees them.
unroff() {
	printf '%s' "$1" | sed 's/\\e/\\/g'
}

# listen NAME PORT TEXT: run the listening pipeline TEXT in $SC_TMP with
# PORT made 0 and -v added to its first sockcat; sets PORT and LPID.
listen() {
	_cmd=${3//$2/0}
	_cmd=${_cmd/sockcat /sockcat -v }
	: >"$SC_TMP/$1.err"
	bg timeout -k 2 60 bash -c "cd '$SC_TMP' && $_cmd" 2>"$SC_TMP/$1.err"
	LPID=$BG_PID
	wait_for "$SC_TMP/$1.err" '^Listening on' 15 || return 1
	PORT=$(sed -n 's/^Listening on .* \([0-9]*\)$/\1/p' "$SC_TMP/$1.err" |
	    head -n 1)
}

# connect PORT TEXT: run the client pipeline TEXT in $SC_TMP with its
# host made 127.0.0.1 and PORT the listener's.
connect() {
	_cmd=${2//host.example.com/127.0.0.1}
	_cmd=${_cmd// host / 127.0.0.1 }
	_cmd=${_cmd// localhost / 127.0.0.1 }
	_cmd=${_cmd//$1/$PORT}
	(cd "$SC_TMP" && t 30 bash -c "$_cmd")
}

test_log_sink_that_filters() {
	ex='sockcat -l 5000 | grep ERROR'
	in_docs "$ex"
	listen srv 5000 "$ex > sink.out" || fail "no server"
	printf 'info: fine\nERROR: boom\n' | connect 5000 'sockcat -N host 5000'
	wait_exit "$LPID" 15
	assertEquals "ERROR: boom" "$(<"$SC_TMP/sink.out")"
}

# A WebSocket client that gets its answer a moment later: -q waits for
# it, then closes.
test_websocket_answer_waited_for() {
	doc='echo '"'"'{\(dqid\(dq:1}'"'"' | sockcat -q 1 ws://127.0.0.1:8080/api'
	in_docs "$doc"
	ex=$(printf '%s' "$doc" | sed 's/\\(dq/"/g')
	listen srv 8080 "sockcat -l --websocket 8080 -c \
	    'read l; sleep 0.3; echo \"answer to \$l\"'" || fail "no server"
	out=$(connect 8080 "$ex")
	assertEquals "client status" 0 $?
	assertEquals 'answer to {"id":1}' "$out"
	wait_exit "$LPID" 15
	assertEquals "server status" 0 "$WAIT_STATUS"
}

# A WebSocket client whose input ends: its close follows, the echo comes
# first, and it exits 0 at the server's close.
test_websocket_stdin_end_closes() {
	doc='printf '"'"'hello\en'"'"' | sockcat ws://127.0.0.1:8080/echo'
	in_docs "$doc"
	listen srv 8080 "sockcat -lk --websocket 8080 -e /bin/cat" ||
	    fail "no server"
	out=$(connect 8080 "$(unroff "$doc")")
	assertEquals "client status" 0 $?
	assertEquals "hello" "$out"
	stop "$LPID"
}

# A UDP server that answers each datagram half a second later; sets
# UPORT.
slow_udp_server() {
	bg t 60 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    d, a = s.recvfrom(65535)
    time.sleep(0.5)
    s.sendto(b"answer to " + d, a)' >"$SC_TMP/udp.port"
	wait_for "$SC_TMP/udp.port" '^[0-9]+$' || fail "no UDP server"
	UPORT=$(<"$SC_TMP/udp.port")
}

# The manual's way to see a UDP server's answer (-w) shows it; -q, as
# Debian's nc.openbsd does, side by side, ends reading at stdin's end
# and shows nothing, as the manual says.
test_udp_answer_waited_for() {
	ex='echo status | sockcat -u -w 2 host.example.com 5000'
	in_docs "$ex"
	slow_udp_server
	PORT=$UPORT
	out=$(connect 5000 "$ex")
	assertEquals "-w: status" 0 $?
	assertEquals "-w: the answer" "answer to status" "$out"
	for nc in "$SC" ${NC_OPENBSD:-/bin/nc.openbsd}; do
		[ -x "$nc" ] || continue
		out=$(echo status | t 10 "$nc" -u -q 1 127.0.0.1 "$PORT" 2>&1)
		assertEquals "$nc -q: status" 0 $?
		assertEquals "$nc -q: nothing shown" "" "$out"
	done
}

# A count sent to statsd: delivered; to a port that refuses, status 1 and
# the refusal said with --fail-on-error, where nc's status 0 is without.
test_count_to_statsd() {
	ex="printf 'deploys:1|c' | sockcat -u -w1 --fail-on-error host 8125"
	in_docs "$ex"
	server srv -u -l 127.0.0.1 0 || fail "no UDP server"
	connect 8125 "$ex"
	assertEquals "delivered: status" 0 $?
	assertTrue "delivered" "wait_for '$SC_TMP/srv.out' '^deploys:1\|c$'"
	PORT=$(free_port udp) || fail "no free port"
	out=$(connect 8125 "$ex" 2>&1)
	assertEquals "refused: status" 1 $?
	assertEquals "refused: said" \
	    "sockcat: read from network: Connection refused" "$out"
	out=$(connect 8125 "${ex/ --fail-on-error/}" 2>&1)
	assertEquals "refused, as nc: status" 0 $?
	assertEquals "refused, as nc: nothing said" "" "$out"
}

# send_dir SERVER CLIENT: a directory sent with tar through sockcat.
send_dir() {
	in_docs "$1"
	in_docs "$2"
	mkdir -p "$SC_TMP/src/dir/sub" "$SC_TMP/dst"
	echo one >"$SC_TMP/src/dir/a"
	head -c 100000 /dev/urandom >"$SC_TMP/src/dir/sub/b"
	listen srv 9000 "cd dst && $1" || fail "no server"
	connect 9000 "cd src && $2"
	assertEquals "client status" 0 $?
	wait_exit "$LPID" 20
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "the same tree" "" \
	    "$(diff -r "$SC_TMP/src/dir" "$SC_TMP/dst/dir")"
}

test_send_a_directory_readme() {
	send_dir 'sockcat -l 9000 | tar x' 'tar c dir | sockcat -N host 9000'
}

test_send_a_directory_manual() {
	send_dir 'sockcat -l 9000 | tar xf -' \
	    'tar cf - dir | sockcat -N host 9000'
}

# The SECURITY section's: the listener draws the code and says the
# command the other side runs; the client's CODE is that code.
test_send_a_directory_with_the_code() {
	ex_l='sockcat -l --secret 9000 | tar xf -'
	ex_c='tar cf - dir | sockcat -N --secret=CODE host 9000'
	in_docs "$ex_l"
	in_docs "$ex_c"
	mkdir -p "$SC_TMP/src/dir/sub" "$SC_TMP/dst"
	echo one >"$SC_TMP/src/dir/a"
	head -c 100000 /dev/urandom >"$SC_TMP/src/dir/sub/b"
	listen srv 9000 "cd dst && $ex_l" || fail "no server"
	code=$(sed -n 's/^On the other side, run: sockcat --secret=\([^ ]*\) .*/\1/p' \
	    "$SC_TMP/srv.err")
	assertNotNull "a code drawn: $(<"$SC_TMP/srv.err")" "$code"
	connect 9000 "cd src && ${ex_c/CODE/$code}"
	assertEquals "client status" 0 $?
	wait_exit "$LPID" 20
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "the same tree" "" \
	    "$(diff -r "$SC_TMP/src/dir" "$SC_TMP/dst/dir")"
}

test_send_a_directory_with_progress() {
	in_docs 'tar cf - dir |'
	in_docs '    sockcat --progress --stats -N host.example.com 9000'
	mkdir -p "$SC_TMP/src/dir/sub" "$SC_TMP/dst"
	echo one >"$SC_TMP/src/dir/a"
	head -c 100000 /dev/urandom >"$SC_TMP/src/dir/sub/b"
	listen srv 9000 'cd dst && sockcat -l 9000 | tar xf -' ||
	    fail "no server"
	connect 9000 'cd src && tar cf - dir |
	    sockcat --progress --stats -N host.example.com 9000' 2>/dev/null
	assertEquals "client status" 0 $?
	wait_exit "$LPID" 20
	assertEquals "the same tree" "" \
	    "$(diff -r "$SC_TMP/src/dir" "$SC_TMP/dst/dir")"
}

# fifo_filter TEXT PORT PATTERN: the filter answers the matching lines.
fifo_filter() {
	in_docs "$1"
	listen srv "$2" "$1" || fail "no server"
	printf 'nothing\n%s 1\nnothing\n%s 2\n' "$3" "$3" |
	    connect "$2" "sockcat -N host $2" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertEquals "the answers" "$(printf '%s 1\n%s 2' "$3" "$3")" \
	    "$(<"$SC_TMP/c.out")"
	wait_exit "$LPID" 15
	assertEquals "the pipeline ends" 0 "$WAIT_STATUS"
}

test_fifo_filter_readme() {
	fifo_filter 'sockcat -l 7001 --fifo f | grep --line-buffered ERROR > f' \
	    7001 ERROR
}

test_fifo_filter_manual_option() {
	fifo_filter 'sockcat -l 5000 --fifo f | grep --line-buffered pattern > f' \
	    5000 pattern
}

test_fifo_filter_manual_example() {
	fifo_filter 'sockcat -l 7001 --fifo f | grep --line-buffered pattern > f' \
	    7001 pattern
}

test_which_ports_are_open() {
	ex='sockcat -zv localhost 7999-8001 2>&1 | grep succeeded'
	in_docs "$ex"
	server srv -l 127.0.0.1 0 || fail "no server"
	cmd=${ex/7999-8001/$((PORT - 1))-$((PORT + 1))}
	out=$(cd "$SC_TMP" && t 30 bash -c "$cmd")
	assertContains "$out" "Connection to localhost (127.0.0.1) $PORT port"
	assertContains "$out" "succeeded!"
}

test_one_shot_web_server_and_client() {
	srv='printf '"'"'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from sockcat\n'"'"' |
    sockcat -N -l 127.0.0.1 8080 > request.txt &'
	cli='printf '"'"'GET / HTTP/1.0\nHost: localhost\n\n'"'"' | sockcat -C localhost 8080'
	in_docs "${srv%%$'\n'*}"
	in_docs "${srv#*$'\n'}"
	in_docs "$cli"
	# The "&" is the test's own background.
	listen srv 8080 "${srv%&}" || fail "no server"
	connect 8080 "$cli" >"$SC_TMP/page"
	assertEquals "client status" 0 $?
	assertEquals "$(printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from sockcat')" \
	    "$(<"$SC_TMP/page")"
	wait_exit "$LPID" 15
	assertEquals "the request, in CRLF" \
	    "$(printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r')" \
	    "$(<"$SC_TMP/request.txt")"
}

# sockcat-sessions(7): a session with a web server (Python's) recorded,
# then played back by a listener to curl at twice its speed, byte for
# byte.
test_recorded_session_replayed() {
	command -v curl >/dev/null || { sc_skip "curl"; return; }
	rec=$(unroff 'printf '"'"'GET / HTTP/1.0\er\en\er\en'"'"' | sockcat -N --record w.rec host 80')
	srv='sockcat -lk --replay w.rec,speed=2 8080'
	in_docs 'printf '"'"'GET / HTTP/1.0\er\en\er\en'"'"' | sockcat -N --record w.rec host 80'
	in_docs "$srv"
	mkdir "$SC_TMP/www"
	echo 'hello from a web server' >"$SC_TMP/www/index.html"
	bg t 60 python3 -m http.server --bind 127.0.0.1 --directory \
	    "$SC_TMP/www" 0 >"$SC_TMP/http.out" 2>&1
	wait_for "$SC_TMP/http.out" 'port [0-9]+' || fail "no web server"
	PORT=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$SC_TMP/http.out" |
	    head -n 1)
	connect 80 "$rec" >"$SC_TMP/direct"
	assertEquals "recorded: status" 0 $?
	assertTrue "the page came" "grep -q 'hello from a web server' '$SC_TMP/direct'"
	listen srv 8080 "$srv" || fail "no replay"
	t 20 curl -s -0 --raw -D - "http://127.0.0.1:$PORT/" \
	    >"$SC_TMP/replayed"
	assertEquals "curl's status" 0 $?
	assertTrue "the same bytes" "cmp '$SC_TMP/direct' '$SC_TMP/replayed'"
}

# The manual's fixed page, fetched by the manual's and the README's client.
test_fixed_page_and_web_client() {
	srv=$(unroff 'printf '"'"'HTTP/1.0 200 OK\er\en\er\enhello\en'"'"' | sockcat -N -l 8080')
	in_docs 'printf '"'"'HTTP/1.0 200 OK\er\en\er\enhello\en'"'"' | sockcat -N -l 8080'
	in_docs 'printf '"'"'GET / HTTP/1.0\enHost: host.example.com\en\en'"'"' |'
	in_docs '    sockcat -C host.example.com 80'
	cli=$(unroff 'printf '"'"'GET / HTTP/1.0\enHost: host.example.com\en\en'"'"' | sockcat -C host.example.com 80')
	listen srv 8080 "$srv > request.txt" || fail "no server"
	PORT80=$PORT
	_cmd=${cli//host.example.com 80/127.0.0.1 $PORT80}
	out=$(cd "$SC_TMP" && t 30 bash -c "$_cmd")
	assertEquals "$(printf 'HTTP/1.0 200 OK\r\n\r\nhello')" "$out"
	# README's own client, to a second such server.
	cli2=$(unroff 'printf '"'"'GET / HTTP/1.0\en\en'"'"' | sockcat -C host 80')
	in_docs 'printf '"'"'GET / HTTP/1.0\n\n'"'"' | sockcat -C host 80'
	listen srv2 8080 "$srv > request2.txt" || fail "no server 2"
	out=$(connect 80 "$cli2")
	assertEquals "$(printf 'HTTP/1.0 200 OK\r\n\r\nhello')" "$out"
}

test_log_sink_one_client_after_another() {
	ex='sockcat -lk 5140 | grep --line-buffered ERROR >> errors.log'
	in_docs "$ex"
	echo 'ERROR: from before' >"$SC_TMP/errors.log"
	listen srv 5140 "$ex" || fail "no server"
	printf 'ok\nERROR: one\n' | connect 5140 'sockcat -N host 5140'
	printf 'ERROR: two\nok\n' | connect 5140 'sockcat -N host 5140'
	wait_for "$SC_TMP/errors.log" 'two' 15
	assertEquals "$(printf 'ERROR: from before\nERROR: one\nERROR: two')" \
	    "$(<"$SC_TMP/errors.log")"
}

test_relay_through_a_named_pipe() {
	command -v curl >/dev/null || { sc_skip "no curl"; return; }
	ex='mkfifo reply; sockcat -l -N 8080 < reply | sockcat -N host 80 > reply'
	in_docs "$ex"
	in_docs 'sockcat -l -N 8080 < reply | sockcat -N host.example.com 80 > reply'
	# The web server: the manual's fixed page, which ends its answer by
	# closing (no Content-Length), the hard case for a relay.
	listen web 8080 "printf 'HTTP/1.0 200 OK\r\n\r\nhello\n' | sockcat -N -l 8080 >/dev/null" ||
	    fail "no web server"
	webport=$PORT
	relay=${ex//host 80/127.0.0.1 $webport}
	listen relay 8080 "$relay" || fail "no relay"
	out=$(t 30 curl -s -m 20 "http://127.0.0.1:$PORT/")
	assertEquals "curl status" 0 $?
	assertEquals "hello" "$out"
	wait_exit "$LPID" 15
	assertEquals "the relay ends" 0 "$WAIT_STATUS"
}

sc_run_shunit2
