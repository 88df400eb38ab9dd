#!/bin/bash
# sockcat speaks socat: invoked as "socat" (a link), it runs socat's
# command line; its addresses (TCP-LISTEN:P,fork, UNIX-CONNECT:, OPEN:,
# OPENSSL-LISTEN:, EXEC:, PTY,link=...) are read in socat's grammar as
# operands of sockcat too.  socat's recipes run with both the real socat
# and sockcat as socat, their bytes checked; every option name socat's
# -hhh lists is either honoured or refused in one line, status 1.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require socat sha256sum python3
sc_require_tls

sc_certs

# The real socat, and sockcat under socat's name.
REAL=$(command -v socat)
setUp() {
	sc_tmp
	# Never outside the test's own directory, never over a file.
	case $SC_TMP in
	/?*/sockcat-test.*) ;;
	*) echo "no directory for the test: '$SC_TMP'" >&2; exit 1 ;;
	esac
	mkdir "$SC_TMP/bin" &&
	    ln -s "$(cd "$(dirname "$SC")" && pwd)/$(basename "$SC")" \
	    "$SC_TMP/bin/socat" || exit 1
	OURS=$SC_TMP/bin/socat
}

# data N: N bytes of $SC_TMP/data, not all alike, their sum in SUM.
data() {
	head -c "$1" /dev/urandom >"$SC_TMP/data"
	SUM=$(sha256sum <"$SC_TMP/data" | cut -d' ' -f1)
}

# sum_of FILE: its sha256.
sum_of() {
	sha256sum <"$1" | cut -d' ' -f1
}

# serve NAME SOCAT ARGS...: SOCAT -d -d ARGS in the background, its
# stdout in $SC_TMP/NAME.out, its stderr in $SC_TMP/NAME.err, its listener's port (of socat's "listening
# on AF=2 0.0.0.0:P" or sockcat's "Listening on 0.0.0.0 P") in PORT, its
# process in SERVE_PID.
serve() {
	_sv=$1
	shift
	bg t 60 "$@" >"$SC_TMP/$_sv.out" 2>"$SC_TMP/$_sv.err"
	SERVE_PID=$BG_PID
	wait_for "$SC_TMP/$_sv.err" '[Ll]istening on ' ||
	    fail "$_sv: no listener: $(<"$SC_TMP/$_sv.err")"
	PORT=$(sed -n 's/.*[Ll]istening on .*[ :]\([0-9][0-9]*\)$/\1/p' \
	    "$SC_TMP/$_sv.err" | head -n 1)
}

# docker SOCAT: socat's Docker recipe, TCP-LISTEN:P,fork,reuseaddr
# UNIX-CONNECT:PATH, before a Unix echo server (the real socat's): two
# clients, one after the other, each its bytes echoed whole.
docker() {
	bg t 60 "$REAL" UNIX-LISTEN:"$SC_TMP/echo.sock",fork EXEC:cat
	_echo=$BG_PID
	wait_until unix_listening "$SC_TMP/echo.sock" || fail "no echo server"
	serve docker "$1" -d -d TCP-LISTEN:0,fork,reuseaddr \
	    UNIX-CONNECT:"$SC_TMP/echo.sock"
	data 200000
	for _i in 1 2; do
		t 20 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/data" \
		    >"$SC_TMP/out.$_i"
		assertEquals "$1: client $_i echoed whole" "$SUM" \
		    "$(sum_of "$SC_TMP/out.$_i")"
	done
	# Both gone before the next run takes the same names.
	kill "$SERVE_PID" "$_echo" 2>/dev/null
	wait_exit "$SERVE_PID"
	wait_exit "$_echo"
	rm -f "$SC_TMP/echo.sock"
}

test_recipe_docker() {
	docker "$REAL"
	docker "$OURS"
}

# file SOCAT: socat -u TCP-LISTEN:P,reuseaddr OPEN:out,creat,trunc: one
# client's bytes written to the file, whatever was longer there cut off,
# and socat done after it.
file() {
	printf '%070000d' 0 >"$SC_TMP/out"
	serve file "$1" -d -d -u TCP-LISTEN:0,reuseaddr \
	    OPEN:"$SC_TMP/out",creat,trunc
	data 50000
	t 20 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/data" >/dev/null
	wait_exit "$SERVE_PID"
	assertEquals "$1: status" 0 "$WAIT_STATUS"
	assertEquals "$1: the file is the bytes sent" "$SUM" \
	    "$(sum_of "$SC_TMP/out")"
}

test_recipe_file() {
	file "$REAL"
	file "$OURS"
}

# tls SOCAT: socat OPENSSL-LISTEN:P,cert=s.pem,verify=0,fork EXEC:cat,
# its certificate and key in one file; two clients (Python's ssl: TLS has
# no half-close, so each reads back as many bytes as it sent), each
# echoed whole.
tls() {
	cat "$CERTS/srv.pem" "$CERTS/srv.key" >"$SC_TMP/s.pem"
	serve tls "$1" -d -d OPENSSL-LISTEN:0,cert="$SC_TMP/s.pem",verify=0,fork \
	    EXEC:cat
	data 100000
	for _i in 1 2; do
		t 20 python3 -c '
import socket, ssl, sys
data = open(sys.argv[2], "rb").read()
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
s.sendall(data)
got = b""
while len(got) < len(data):
    b = s.recv(65536)
    if not b:
        break
    got += b
sys.stdout.buffer.write(got)' "$PORT" "$SC_TMP/data" >"$SC_TMP/out.$_i"
		assertEquals "$1: TLS client $_i echoed whole" "$SUM" \
		    "$(sum_of "$SC_TMP/out.$_i")"
	done
	kill "$SERVE_PID" 2>/dev/null
	wait_exit "$SERVE_PID"
}

test_recipe_tls() {
	tls "$REAL"
	tls "$OURS"
}

# tls_probe SOCAT OPTIONS: a TLS listener of SOCAT with OPTIONS, and a
# client (Python's ssl, TLS 1.2 at most when MAXV is 1.2) that prints
# the version and cipher agreed, or "refused".
tls_probe() {
	# The program outlives the handshake (see test_tls_capath).
	serve probe "$1" -d -d OPENSSL-LISTEN:0,cert="$CERTS/srv.pem",$(
	    )key="$CERTS/srv.key",verify=0,"$2" SYSTEM:'echo up; sleep 1'
	t 20 python3 -c '
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if sys.argv[2] == "1.2":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
try:
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1",
        int(sys.argv[1]))))
    print(s.version(), s.cipher()[0], s.recv(100).decode().strip())
except (ssl.SSLError, OSError):
    print("refused")' "$PORT" "${MAXV:-}"
	kill "$SERVE_PID" 2>/dev/null
	wait_exit "$SERVE_PID"
}

# socat's cipher=, openssl-max-proto-version= and
# openssl-min-proto-version= (TLS1.2, as socat writes versions), and
# compress=none: what a client agrees with both socats' listeners.
test_tls_cipher_versions() {
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: cipher, max version" \
		    "TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 up" \
		    "$(tls_probe "$_bin" cipher=ECDHE-ECDSA-AES128-GCM-SHA256,$(
		    )openssl-max-proto-version=TLS1.2)"
		assertEquals "$_bin: min version 1.3, a 1.2 client" "refused" \
		    "$(MAXV=1.2 tls_probe "$_bin" \
		    openssl-min-proto-version=TLS1.3)"
		assertEquals "$_bin: min version 1.2" \
		    "TLSv1.2 ECDHE-ECDSA-CHACHA20-POLY1305 up" \
		    "$(MAXV=1.2 tls_probe "$_bin" min-version=TLS1.2,$(
		    )compress=none,ciphers=ECDHE-ECDSA-CHACHA20-POLY1305)"
	done
	t 20 "$OURS" OPENSSL-LISTEN:0,compress=zlib - </dev/null 2>"$SC_TMP/e"
	assertEquals "compress=zlib: status" 1 $?
	assertContains "compress=zlib: named" "$(<"$SC_TMP/e")" \
	    "option compress takes none or auto"
}

# socat's -u TLS client (test.sh's OPENSSL_CLIENT_IP6_CN and its kin,
# which stop the server once the client has exited): after stdin's end
# it says its close_notify and awaits the server's, or its end, within
# -t, as socat does, so that a server that writes out what it got
# before it answers has done so when the client exits.  A server that
# answers with a FIN alone ends it quietly, a verified one too; one
# that never answers holds it -t's time, and no longer.
test_tls_client_awaits_close() {
	printf 'to the sink\n' >"$SC_TMP/in"
	# The server answers its close_notify a second late, or a FIN alone:
	# the server wrote it all before the client's exit.
	for _c in "late 1" "bare bare"; do
		# shellcheck disable=SC2086
		set -- $_c
		tls_sink "$1" "$2"
		t 20 "$OURS" -t 10 -u - \
		    OPENSSL-CONNECT:localhost:"$SINK_PORT",$(
		    )cafile="$CERTS/ca.pem" <"$SC_TMP/in" 2>"$SC_TMP/$1.err"
		assertEquals "$1: status" 0 $?
		assertEquals "$1: nothing said" "" "$(<"$SC_TMP/$1.err")"
		assertTrue "$1: all came" "cmp -s '$SC_TMP/in' '$SC_TMP/$1.got'"
	done
	tls_sink mute mute
	_start=$SECONDS
	t 20 "$OURS" -t 0.3 -u - OPENSSL-CONNECT:localhost:"$SINK_PORT",$(
	    )cafile="$CERTS/ca.pem" <"$SC_TMP/in" 2>"$SC_TMP/mute.err"
	assertEquals "no answer: status" 0 $?
	assertEquals "no answer: nothing said" "" "$(<"$SC_TMP/mute.err")"
	assertTrue "no answer: -t's time, not the server's" \
	    "[ $((SECONDS - _start)) -lt 10 ]"
}

# -U, from the second address to the first: a file second is read, and
# a TLS listener sends it whole to a client that sends nothing and
# ends its own direction at once (nc's -N with no stdin), and to
# socat's -u client (which sends no close_notify), both socats alike.
test_reverse_file_tls() {
	seq 1000 >"$SC_TMP/in"
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: -U, the file read" "$(<"$SC_TMP/in")" \
		    "$(t 20 "$_bin" -U STDOUT OPEN:"$SC_TMP/in")"
		serve rev "$_bin" -d -d -U OPENSSL-LISTEN:0,reuseaddr,$(
		    )cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 \
		    OPEN:"$SC_TMP/in"
		t 20 "$SC" -N --ssl 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/out"
		assertEquals "$_bin: -U: status" 0 $?
		assertEquals "$_bin: -U: the file, whole" \
		    "$(sum_of "$SC_TMP/in")" "$(sum_of "$SC_TMP/out")"
		wait_exit "$SERVE_PID"
		serve rev2 "$_bin" -d -d -U OPENSSL-LISTEN:0,reuseaddr,$(
		    )cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 \
		    OPEN:"$SC_TMP/in"
		rm -f "$SC_TMP/out"
		t 20 "$OURS" -u OPENSSL-CONNECT:localhost:"$PORT",$(
		    )cafile="$CERTS/ca.pem" CREAT:"$SC_TMP/out"
		assertEquals "$_bin: -U, -u: status" 0 $?
		assertEquals "$_bin: -U, -u: the file, whole" \
		    "$(sum_of "$SC_TMP/in")" "$(sum_of "$SC_TMP/out")"
		wait_exit "$SERVE_PID"
	done
}

# OPENSSL-DTLS-SERVER:PORT (DTLS-L, OPENSSL-DTLS-LISTEN): a DTLS
# server, each client's datagrams its own session: it echoes (PIPE) to
# both socats' DTLS clients; and with both socats a file goes whole from
# a client (-u) to the server, and from the server (-U) to a client.
test_dtls_server() {
	seq 300 >"$SC_TMP/in"
	_p=$(free_port udp)
	bg t 30 "$OURS" -d -d OPENSSL-DTLS-SERVER:"$_p",reuseaddr,$(
	    )cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0,fork \
	    PIPE 2>"$SC_TMP/d.err"
	_pid=$BG_PID
	wait_for "$SC_TMP/d.err" "Bound on .*$_p" || fail "no DTLS server"
	for _c in "$REAL" "$OURS"; do
		assertEquals "client $_c: echoed" "dtls" \
		    "$(echo dtls | t 20 "$_c" -t 0.5 - $(
		    )OPENSSL-DTLS-CLIENT:localhost:"$_p",cafile="$CERTS/ca.pem")"
	done
	kill "$_pid" 2>/dev/null
	wait_exit "$_pid"
	for _bin in "$REAL" "$OURS"; do
		_p=$(free_port udp)
		rm -f "$SC_TMP/out"
		bg t 30 "$_bin" -d -d -u DTLS-L:"$_p",cert="$CERTS/srv.pem",$(
		    )key="$CERTS/srv.key",verify=0 CREAT:"$SC_TMP/out" \
		    2>"$SC_TMP/d.err"
		_pid=$BG_PID
		wait_for "$SC_TMP/d.err" "([Ll]istening|Bound) on .*$_p" ||
		    fail "$_bin: no DTLS server"
		t 20 "$OURS" -u OPEN:"$SC_TMP/in" $(
		    )DTLS:localhost:"$_p",cafile="$CERTS/ca.pem"
		assertEquals "$_bin: to the server: status" 0 $?
		wait_exit "$_pid"
		assertEquals "$_bin: to the server: whole" \
		    "$(sum_of "$SC_TMP/in")" "$(sum_of "$SC_TMP/out")"
		_p=$(free_port udp)
		bg t 30 "$_bin" -d -d -U OPENSSL-DTLS-LISTEN:"$_p",$(
		    )cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 \
		    OPEN:"$SC_TMP/in" 2>"$SC_TMP/d.err"
		_pid=$BG_PID
		wait_for "$SC_TMP/d.err" "([Ll]istening|Bound) on .*$_p" ||
		    fail "$_bin: no DTLS server"
		rm -f "$SC_TMP/out"
		t 20 "$OURS" -u DTLS:localhost:"$_p",cafile="$CERTS/ca.pem" \
		    CREAT:"$SC_TMP/out"
		assertEquals "$_bin: to the client: status" 0 $?
		assertEquals "$_bin: to the client: whole" \
		    "$(sum_of "$SC_TMP/in")" "$(sum_of "$SC_TMP/out")"
		kill "$_pid" 2>/dev/null
		wait_exit "$_pid"
	done
}

# A TCP listener joined with a TLS one (the server of socat's "gender
# changer"): the second listens once the first has its client, and its
# TLS client and the TCP client are joined, both ways, both socats.
test_two_listeners_tls() {
	for _bin in "$REAL" "$OURS"; do
		_p2=$(free_port)
		serve gc "$_bin" -d -d TCP-LISTEN:0,bind=127.0.0.1 $(
		    )OPENSSL-LISTEN:"$_p2",bind=127.0.0.1,$(
		    )cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0
		# The TCP client's stdin, a pipe held open here (fd 8, which
		# bg_in closes in the client).
		rm -f "$SC_TMP/tcp.in"
		mkfifo "$SC_TMP/tcp.in"
		exec 8<>"$SC_TMP/tcp.in"
		bg_in "$SC_TMP/tcp.in" t 20 "$SC" 127.0.0.1 "$PORT" \
		    >"$SC_TMP/tcp.out"
		_tcp=$BG_PID
		wait_for "$SC_TMP/gc.err" "[Ll]istening on .*$_p2" ||
		    fail "$_bin: no second listener: $(<"$SC_TMP/gc.err")"
		echo from-tcp >&8
		assertEquals "$_bin: to the TLS client" "from-tcp" \
		    "$(t 20 python3 -c '
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1",
    int(sys.argv[1]))), server_hostname="localhost")
s.sendall(b"from-tls\n")
got = b""
while not got.endswith(b"\n"):
    b = s.recv(100)
    if not b:
        break
    got += b
sys.stdout.write(got.decode())' "$_p2" "$CERTS/ca.pem")"
		wait_for "$SC_TMP/tcp.out" '^from-tls$' ||
		    fail "$_bin: nothing to the TCP client"
		exec 8>&-
		wait_exit "$_tcp"
		wait_exit "$SERVE_PID"
	done
}

# -u with a socket first: only read, the socket is told nothing, not
# even stdin's end, which socat does not read: a socat server that takes
# its client's end for the end (its -t) still gives its late answer.
test_read_alone_socket_told_nothing() {
	serve late "$REAL" -d -d TCP-LISTEN:0,reuseaddr,fork \
	    SYSTEM:'sleep 1; echo late'
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: the late answer" "late" \
		    "$(t 20 "$_bin" -u TCP:127.0.0.1:"$PORT" - </dev/null)"
	done
}

# capath=DIR: the authorities a TLS client trusts, a directory of them
# by hash (openssl rehash): one that holds the server's is trusted, one
# without it is not, by both socats, which take it beside verify=0 too
# (socat's suite does); a directory that is not there is refused at once.
test_tls_capath() {
	mkdir "$SC_TMP/ca" "$SC_TMP/none"
	cp "$CERTS/ca.pem" "$SC_TMP/ca/"
	openssl rehash "$SC_TMP/ca" "$SC_TMP/none" 2>/dev/null ||
	    c_rehash "$SC_TMP/ca" >/dev/null
	# The program outlives the handshake: one that ends before socat
	# 1.7.4's fork is told it is ready makes that socat end with status 1
	# and send nothing ("child 0 has already died"), a client or not.
	serve capath "$REAL" -d -d OPENSSL-LISTEN:0,reuseaddr,fork,$(
	    )cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 \
	    SYSTEM:'echo trusted; sleep 1'
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: its authority" "trusted" \
		    "$(t 20 "$_bin" -u OPENSSL:localhost:"$PORT",$(
		    )capath="$SC_TMP/ca" - </dev/null)"
		t 20 "$_bin" -u OPENSSL:localhost:"$PORT",capath="$SC_TMP/none" \
		    - </dev/null >"$SC_TMP/o" 2>/dev/null
		assertEquals "$_bin: none: status" 1 $?
		assertEquals "$_bin: none: nothing" "" "$(<"$SC_TMP/o")"
		# verify=0 beside them: taken, and nothing checked.
		assertEquals "$_bin: verify=0" "trusted" \
		    "$(t 20 "$_bin" -u OPENSSL:localhost:"$PORT",$(
		    )capath="$SC_TMP/none",cafile="$CERTS/ca.pem",verify=0 - \
		    </dev/null)"
	done
	t 20 "$OURS" -u OPENSSL:localhost:"$PORT",capath="$SC_TMP/nosuch" \
	    - </dev/null 2>"$SC_TMP/e"
	assertEquals "no such directory: status" 1 $?
	assertContains "no such directory: said" "$(<"$SC_TMP/e")" \
	    "capath $SC_TMP/nosuch: No such file or directory"
}

# commonname= is the name a TLS client checks the server's certificate
# for, and sends as SNI unless snihost= says another: both socats.
test_tls_commonname_snihost() {
	serve cn "$OURS" -d -d OPENSSL-LISTEN:0,reuseaddr,fork,$(
	    )cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 \
	    SYSTEM:'echo ok'
	_a=OPENSSL:127.0.0.1:$PORT,cafile=$CERTS/ca.pem
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: commonname, snihost" "ok" \
		    "$(t 20 "$_bin" -u "$_a",commonname=localhost,$(
		    )snihost=sni-$$.example - </dev/null)"
		assertTrue "$_bin: snihost sent" \
		    "wait_for '$SC_TMP/cn.err' 'SNI\): sni-$$\.example$'"
		assertEquals "$_bin: commonname alone" "ok" \
		    "$(t 20 "$_bin" -u "$_a",commonname=localhost - </dev/null)"
		t 20 "$_bin" -u "$_a",commonname=wrong.example - </dev/null \
		    >"$SC_TMP/o" 2>/dev/null
		assertEquals "$_bin: another name: status" 1 $?
		assertEquals "$_bin: another name: nothing" "" "$(<"$SC_TMP/o")"
	done
	assertEquals "commonname alone, sent" 2 \
	    "$(grep -c 'SNI): localhost$' "$SC_TMP/cn.err")"
}

# Without cipher=, socat's TLS 1.2 ciphers are socat's list
# (HIGH:-NULL:-PSK:-aNULL), which has the DHE-DSS ones a server with a
# DSA key needs; both socats serve both socats' clients with one.
test_tls_dsa_server() {
	( cd "$SC_TMP" &&
	    openssl genpkey -genparam -algorithm DSA \
	    -pkeyopt dsa_paramgen_bits:2048 -out dsap.pem &&
	    openssl req -x509 -newkey dsa:dsap.pem -nodes -keyout dsa.key \
	    -subj /CN=localhost -days 2 -out dsa.crt ) >/dev/null 2>&1 ||
	    fail "no DSA certificate"
	for _bin in "$REAL" "$OURS"; do
		serve dsa "$_bin" -d -d OPENSSL-LISTEN:0,reuseaddr,fork,$(
		    )cert="$SC_TMP/dsa.crt",key="$SC_TMP/dsa.key",verify=0 PIPE
		for _c in "$REAL" "$OURS"; do
			assertEquals "$_bin, client $_c: echoed" "dsa" \
			    "$(echo dsa | t 20 "$_c" -t 0.5 - $(
			    )OPENSSL:127.0.0.1:"$PORT",verify=0)"
		done
		kill "$SERVE_PID" 2>/dev/null
		wait_exit "$SERVE_PID"
	done
}

# A file of socat's pair of sides that are no sockets is opened as every
# file of sockcat's is: in a sticky directory writable by all (/tmp), not
# through another user's link, nor another user's file written to; so
# are socat's log and dumps.
test_local_files_in_sticky_dirs() {
	can_be_nobody || { sc_skip "cannot run as user nobody"; return; }
	echo victim >"$SC_TMP/victim"
	sticky_dir d
	as_nobody sh -c "ln -s '$SC_TMP/victim' '$SC_TMP/d/link' &&
	    echo nobody >'$SC_TMP/d/file'" || fail "nobody made nothing"
	socat_refused "OPEN:$SC_TMP/d/link: a symbolic link of another user in a sticky directory, not followed" \
	    -u - OPEN:"$SC_TMP/d/link"
	socat_refused "OPEN:$SC_TMP/d/file,creat: a file of another user in a sticky directory, not written to" \
	    -u - OPEN:"$SC_TMP/d/file",creat
	# Nor socat's own files: its log (-lf) and dumps (-r, -R).
	socat_refused "cannot open log file \"$SC_TMP/d/link\": a symbolic link of another user in a sticky directory, not followed" \
	    -lf "$SC_TMP/d/link" -u - OPEN:"$SC_TMP/out",creat
	socat_refused "option -r \"$SC_TMP/d/link\": a symbolic link of another user in a sticky directory, not followed" \
	    -r "$SC_TMP/d/link" -u - OPEN:"$SC_TMP/out",creat
	socat_refused "option -R \"$SC_TMP/d/file\": a file of another user in a sticky directory, not written to" \
	    -R "$SC_TMP/d/file" -u - OPEN:"$SC_TMP/out",creat
	assertEquals "the victim" victim "$(<"$SC_TMP/victim")"
	assertEquals "nobody's file" nobody "$(<"$SC_TMP/d/file")"
	# Read, it is the user's to read.
	assertEquals "nobody's file read" nobody "$(t 10 "$OURS" -u \
	    OPEN:"$SC_TMP/d/file" - </dev/null)"
}

# A program only written to (-u) writes to our stdout: what it writes
# once its input has ended is there when socat exits (test.sh's
# UNIEXECEOF); one that does not end is given a second, then ended
# (SIGTERM), both socats alike.  socat's own status is 1 when it reaps
# the program it ended before it exits ("E waitpid(): child ... exited
# on signal 15"), 0 when not, as the machine's load has it: ours is 0.
test_program_written_to_finishes() {
	for _bin in "$REAL" "$OURS"; do
		echo hello | t 10 "$_bin" -u - SYSTEM:'sleep 0.1; od -c' \
		    >"$SC_TMP/o"
		assertEquals "$_bin: its output there at the end" \
		    "$(echo hello | od -c)" "$(<"$SC_TMP/o")"
		_t0=$(date +%s)
		echo x | t 20 "$_bin" -u - EXEC:'sleep 31.25'
		_st=$?
		[ "$_bin" = "$OURS" ] && assertEquals "$_bin: status" 0 "$_st"
		assertTrue "$_bin: a second, not the program's 31" \
		    "[ $(($(date +%s) - _t0)) -lt 10 ]"
		wait_until -t 10 eval '! pgrep -f "sleep 31[.]25" >/dev/null' ||
		    fail "$_bin: the program is left running"
	done
}

# socat 1.8's SOCKS5-CONNECT: (PROXY:PROXYPORT:HOST:PORT, or
# PROXY:HOST:PORT with socksport=): the connection made through the
# SOCKS5 proxy, which is asked for HOST and PORT; socat 1.7.4 has none.
test_socks5_connect() {
	serve echo "$REAL" -d -d TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork \
	    EXEC:cat
	for _form in inline option; do
		rm -f "$SC_TMP/px.port"
		: >"$SC_TMP/px.log"
		bg t 20 $AUTHPROXY -b socks5 ok 127.0.0.1 "$SC_TMP/px.port" \
		    "$SC_TMP/px.log"
		wait_for "$SC_TMP/px.port" '^[0-9]+$' || fail "no proxy"
		_px=$(<"$SC_TMP/px.port")
		if [ $_form = inline ]; then
			_a=SOCKS5-CONNECT:127.0.0.1:$_px:127.0.0.1:$PORT
		else
			_a=SOCKS5-CONNECT:127.0.0.1:127.0.0.1:$PORT,socksport=$_px
		fi
		assertEquals "$_form: through the proxy" "five" \
		    "$(echo five | t 20 "$OURS" -t 0.5 - "$_a")"
		assertContains "$_form: what the proxy was asked" \
		    "$(<"$SC_TMP/px.log")" "connect 1 127.0.0.1 $PORT"
	done
	socat_refused "SOCKS5-CONNECT:127.0.0.1:1: SOCKS5-CONNECT takes PROXY[:PROXYPORT]:HOST:PORT" \
	    - SOCKS5-CONNECT:127.0.0.1:1
}

# socat 1.8's SHELL:COMMAND: the command run by $SHELL -c (by /bin/sh
# without one); SYSTEM: runs /bin/sh whatever $SHELL says.
test_shell_address() {
	printf '#!/bin/sh\necho "$0 $*" >"%s/args"\nexec /bin/sh "$@"\n' \
	    "$SC_TMP" >"$SC_TMP/mysh"
	chmod +x "$SC_TMP/mysh"
	assertEquals "run" "a b" "$(SHELL=$SC_TMP/mysh t 10 "$OURS" - \
	    SHELL:'echo a b' </dev/null)"
	assertEquals "by \$SHELL -c" "$SC_TMP/mysh -c echo a b" \
	    "$(<"$SC_TMP/args")"
	rm -f "$SC_TMP/args"
	assertEquals "SYSTEM: by /bin/sh" "a b" "$(SHELL=$SC_TMP/mysh t 10 \
	    "$OURS" - SYSTEM:'echo a b' </dev/null)"
	assertFalse "SYSTEM: not by \$SHELL" "[ -e '$SC_TMP/args' ]"
	assertEquals "no \$SHELL: /bin/sh" "x" "$(unset SHELL; t 10 "$OURS" \
	    - SHELL:'echo x' </dev/null)"
}

# socat 1.8's ACCEPT-FD:N: the listening socket N (passed as systemd's
# inetd mode passes one) accepts one connection, or every one with fork;
# N must be a listening socket.
test_accept_fd() {
	# pass.py COMMAND...: COMMAND with a listening socket as its
	# descriptor 3; two clients, each what it was sent or "none".
	cat >"$SC_TMP/pass.py" <<'PYEOF'
import os, socket, subprocess, sys
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(5)
addr = l.getsockname()
if l.fileno() != 3:
    os.dup2(l.fileno(), 3)
p = subprocess.Popen(sys.argv[1:], pass_fds=[3])
for i in range(2):
    c = socket.create_connection(addr, timeout=3 + 7 * (i == 0))
    try:
        print(c.recv(100).decode().strip() or "none")
    except socket.timeout:
        print("none")
    c.close()
l.close()
try:
    p.wait(timeout=1)
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
print("status", p.returncode)
PYEOF
	assertEquals "without fork" "hi none status 0" "$(t 30 python3 \
	    "$SC_TMP/pass.py" "$OURS" ACCEPT-FD:3 SYSTEM:'echo hi' | xargs)"
	assertEquals "with fork" "hi hi status -9" "$(t 30 python3 \
	    "$SC_TMP/pass.py" "$OURS" ACCEPT-FD:3,fork SYSTEM:'echo hi' |
	    xargs)"
	socat_refused "ACCEPT-FD:0: descriptor 0: not a socket" \
	    ACCEPT-FD:0 - </dev/null
}

# SOCKS4:PROXY:HOST:PORT,socksport=P,socksuser=NAME: the request through
# the proxy carries NAME as its user ID, from both socats.
test_socks4_user() {
	serve echo "$REAL" -d -d TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork \
	    EXEC:cat
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/px.port"
		: >"$SC_TMP/px.log"
		bg t 20 $AUTHPROXY -b socks4 ok 127.0.0.1 "$SC_TMP/px.port" \
		    "$SC_TMP/px.log"
		wait_for "$SC_TMP/px.port" '^[0-9]+$' || fail "no proxy"
		_a=SOCKS4:127.0.0.1:127.0.0.1:$PORT,socksuser=nobody
		_a=$_a,socksport=$(<"$SC_TMP/px.port")
		assertEquals "$_bin: through the proxy" "user" \
		    "$(echo user | t 20 "$_bin" -t 0.5 - "$_a")"
		assertEquals "$_bin: what the proxy was asked" \
		    "connect4 4 127.0.0.1 $PORT user=nobody" "$(<"$SC_TMP/px.log")"
	done
}

# PROXY:PROXY:HOST:PORT,proxyport=P: the CONNECT names HOST as it is
# written, for the proxy to look up; with resolve, its address, looked up
# here; both socats alike.
test_proxy_resolve() {
	serve echo "$REAL" -d -d TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork \
	    EXEC:cat
	for _bin in "$REAL" "$OURS"; do
		for _rs in "" ,resolve; do
			rm -f "$SC_TMP/px.port"
			: >"$SC_TMP/px.log"
			bg t 20 $AUTHPROXY -b http ok 127.0.0.1 \
			    "$SC_TMP/px.port" "$SC_TMP/px.log"
			wait_for "$SC_TMP/px.port" '^[0-9]+$' || fail "no proxy"
			_a=PROXY:127.0.0.1:localhost:$PORT,pf=ip4$_rs
			_a=$_a,proxyport=$(<"$SC_TMP/px.port")
			assertEquals "$_bin$_rs: through the proxy" "prx" \
			    "$(echo prx | t 20 "$_bin" -t 0.5 - "$_a")"
			_want=localhost:$PORT
			[ -n "$_rs" ] && _want=127.0.0.1:$PORT
			assertEquals "$_bin$_rs: what the proxy was asked" \
			    "$_want" "$(sed -n 's/^hdr CONNECT \([^ ]*\) .*/\1/p' \
			    "$SC_TMP/px.log")"
		done
	done
	t 20 "$OURS" TCP:127.0.0.1:1,resolve - </dev/null 2>"$SC_TMP/e"
	assertEquals "resolve without a proxy: status" 1 $?
	assertContains "resolve without a proxy: named" "$(<"$SC_TMP/e")" \
	    "option proxy-resolve is a PROXY: address's"
}

# PROXY:...,proxyauth=USER:PASSWORD (or proxy-authorization-file=FILE,
# its content that): the credentials the proxy asks for (its 407), from
# both socats; a wrong password is an error, status 1.
test_proxy_auth() {
	bg t 60 $AUTHPROXY "$SC_TMP/pa.log" basic alice s3cret 1 \
	    >"$SC_TMP/pa.port"
	wait_for "$SC_TMP/pa.port" '^[0-9]+$' || fail "no proxy"
	_a=PROXY:127.0.0.1:127.0.0.1:9,proxyport=$(<"$SC_TMP/pa.port")
	printf 'alice:s3cret' >"$SC_TMP/cred"
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: proxyauth" "tunnel open" \
		    "$(t 20 "$_bin" -t 0.5 - "$_a",proxyauth=alice:s3cret \
		    </dev/null)"
		assertEquals "$_bin: proxy-authorization-file" "tunnel open" \
		    "$(t 20 "$_bin" -t 0.5 - \
		    "$_a",proxy-authorization-file="$SC_TMP/cred" </dev/null)"
		t 20 "$_bin" -t 0.5 - "$_a",proxyauth=alice:wrong </dev/null \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin: a wrong password: status" 1 $?
		assertEquals "$_bin: a wrong password: nothing" "" \
		    "$(<"$SC_TMP/o")"
	done
	# Its password is not shown (ps, messages), as a URL's is not.
	t 20 "$OURS" - PROXY:127.0.0.1:127.0.0.1:9,proxyport=1,$(
	    )proxyauth=alice:s3cret,nosuch </dev/null 2>"$SC_TMP/e"
	assertEquals "a bad option: status" 1 $?
	assertNotContains "the password hidden" "$(<"$SC_TMP/e")" s3cret
	assertContains "the user shown" "$(<"$SC_TMP/e")" "alice:******"
	t 20 "$OURS" - TCP:127.0.0.1:9,proxyauth=a:b </dev/null 2>"$SC_TMP/e"
	# Longer than the buffer it is copied to: refused, not cut.
	_long=$(head -c 600 /dev/zero | tr '\0' a)
	t 20 "$OURS" - PROXY:127.0.0.1:127.0.0.1:9,proxyport=1,$(
	    )proxyauth="$_long":x </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
	assertEquals "a long proxyauth: status" 1 $?
	assertEquals "a long proxyauth: nothing" "" "$(<"$SC_TMP/o")"
	assertContains "a long proxyauth: said" "$(<"$SC_TMP/e")" \
	    ":*: proxyauth: longer than 512 bytes"
}

# ip-options=xHEX: the IP options a dialled socket sends (socat's
# IP_OPTIONS), 1 to 40 bytes; a NOP-padded option connects and carries
# the bytes both ways, a value not of bytes in hexadecimal is refused,
# naming it.
test_ip_options() {
	serve echo "$REAL" -d -d TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork \
	    EXEC:cat
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: with IP options" "hello" "$(echo hello |
		    t 20 "$_bin" - TCP:127.0.0.1:"$PORT",ip-options=x01010101)"
	done
	for _v in x0 xzz 01000000 x $(
	    )x$(head -c 82 /dev/zero | tr '\0' 0); do
		t 20 "$OURS" - TCP:127.0.0.1:"$PORT",ip-options=$_v \
		    </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_v: status" 1 $?
		assertEquals "$_v: nothing" "" "$(<"$SC_TMP/o")"
		assertContains "$_v: said" "$(<"$SC_TMP/e")" \
		    "ip-options=$_v: option ip-options takes x and 1 to 40 bytes in hexadecimal, as x01000000, not ${_v:0:64}"
	done
}

# socat's proxyauth= and proxyauthfile= go with the first request, in
# the clear, as socat sends them (the file's bytes as they are, its
# newline too): the request head alike from both socats.
test_proxy_auth_at_once() {
	printf 'user:s3cr3t\n' >"$SC_TMP/cred"
	printf '#!/bin/sh\nprintf "HTTP/1.0 200 OK\\r\\n\\r\\n"\nexec cat >"%s"\n' \
	    "$SC_TMP/head" >"$SC_TMP/proxy.sh"
	chmod +x "$SC_TMP/proxy.sh"
	for _o in proxyauth=alice:s3cret proxyauthfile="$SC_TMP/cred"; do
		for _bin in "$REAL" "$OURS"; do
			_n=real
			[ "$_bin" = "$OURS" ] && _n=ours
			rm -f "$SC_TMP/head"
			serve srv "$REAL" -d -d TCP-LISTEN:0,bind=127.0.0.1 \
			    EXEC:"$SC_TMP/proxy.sh"
			t 20 "$_bin" /dev/null PROXY:127.0.0.1:127.0.0.1:9,$(
			    )proxyport="$PORT","$_o" >"$SC_TMP/o" 2>"$SC_TMP/e"
			_st=$?
			assertEquals "$_n $_o: status: $(<"$SC_TMP/e")" 0 "$_st"
			wait_exit "$SERVE_PID"
			cp "$SC_TMP/head" "$SC_TMP/head.$_n"
		done
		assertEquals "$_o: the request" "$(od -c <"$SC_TMP/head.real")" \
		    "$(od -c <"$SC_TMP/head.ours")"
	done
	assertContains "the file's newline" "$(<"$SC_TMP/head.ours")" \
	    "Proxy-authorization: Basic dXNlcjpzM2NyM3QK"
}

# A proxy's status line with more than one space after its version
# ("HTTP/1.1   200 OK") is a 200 to socat's PROXY:, from both socats (nc's
# -X connect takes one space alone, as netcat does).
test_proxy_status_spaces() {
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/px.port"
		bg t 20 $AUTHPROXY -b http status__200_OK 127.0.0.1 \
		    "$SC_TMP/px.port" "$SC_TMP/px.log"
		wait_for "$SC_TMP/px.port" '^[0-9]+$' || fail "no proxy"
		t 20 "$_bin" -t 0.5 - PROXY:127.0.0.1:127.0.0.1:9,$(
		    )proxyport="$(<"$SC_TMP/px.port")" </dev/null \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		_st=$?
		assertEquals "$_bin: accepted: $(<"$SC_TMP/e")" 0 "$_st"
	done
	# A refusal's line is said with its spaces as one, and no more.
	rm -f "$SC_TMP/px.port"
	bg t 20 $AUTHPROXY -b http status__403_Forbidden 127.0.0.1 \
	    "$SC_TMP/px.port" "$SC_TMP/px.log"
	wait_for "$SC_TMP/px.port" '^[0-9]+$' || fail "no proxy"
	t 20 "$OURS" - PROXY:127.0.0.1:127.0.0.1:9,$(
	    )proxyport="$(<"$SC_TMP/px.port")" </dev/null >"$SC_TMP/o" \
	    2>"$SC_TMP/e"
	assertEquals "refused: status" 1 $?
	assertContains "refused: said" "$(<"$SC_TMP/e")" \
	    'E Proxy error: "HTTP/1.1 403 Forbidden"'
}

# An empty option (",,", a ',' at the end, as socat's test.sh writes
# many) is none: both socats run the address.
test_empty_options() {
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: empty options" "e" \
		    "$(echo e | t 20 "$_bin" -t 0.1 - 'SYSTEM:cat,,')"
		assertEquals "$_bin: a ',' at the end" "f" \
		    "$(echo f | t 20 "$_bin" -t 0.1 - 'SYSTEM:cat,')"
	done
}

# pty SOCAT: socat PTY,raw,echo=0,link=A PTY,raw,echo=0,link=B, a null
# modem: bytes written to one link come out of the other as they are,
# both ways.
pty() {
	rm -f "$SC_TMP/A" "$SC_TMP/B"
	bg t 60 "$1" PTY,raw,echo=0,link="$SC_TMP/A" \
	    PTY,raw,echo=0,link="$SC_TMP/B" 2>"$SC_TMP/pty.err"
	_pty=$BG_PID
	wait_until test -L "$SC_TMP/B" -a -L "$SC_TMP/A" ||
	    fail "no links: $(<"$SC_TMP/pty.err")"
	t 20 python3 - "$SC_TMP/A" "$SC_TMP/B" >"$SC_TMP/pty.out" <<'EOF'
import os, sys, time
a = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
b = os.open(sys.argv[2], os.O_RDWR | os.O_NOCTTY)
def move(src, dst, data):
    os.write(src, data)
    got = b""
    while len(got) < len(data):
        got += os.read(dst, 4096)
    return got
sent = bytes(range(256)) * 4
print(move(a, b, sent) == sent, move(b, a, b"back\r\n\x03\x04") == b"back\r\n\x03\x04")
EOF
	assertEquals "$1: both ways, raw" "True True" "$(<"$SC_TMP/pty.out")"
	# Gone before the next makes links of the same names.
	kill "$_pty" 2>/dev/null
	wait_exit "$_pty"
}

test_recipe_pty() {
	pty "$REAL"
	pty "$OURS"
}

# two_names: both PTY lines of pty_names's log are there.
two_names() {
	[ "$(grep -c ' PTY is ' "$SC_TMP/names.err")" = 2 ]
}

# pty_names SOCAT: the virtual serial pair without links, socat -d -d
# PTY,raw,echo=0 PTY,raw,echo=0: its log names each pty ("PTY is
# /dev/pts/N", in socat's form), by which both are opened, and bytes
# written to one come out of the other as they are, both ways.
pty_names() {
	bg t 60 "$1" -d -d PTY,raw,echo=0 PTY,raw,echo=0 \
	    2>"$SC_TMP/names.err"
	_pty=$BG_PID
	wait_until two_names || {
		fail "$1: no two names: $(<"$SC_TMP/names.err")"
		return
	}
	assertEquals "$1: two notices in socat's form" 2 "$(grep -Ec \
	    '^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} socat\[[0-9]+\] N PTY is /dev/pts/[0-9]+$' \
	    "$SC_TMP/names.err")"
	set -- "$1" $(sed -n 's/.* PTY is //p' "$SC_TMP/names.err")
	t 20 python3 - "$2" "$3" >"$SC_TMP/names.out" <<'EOF'
import os, sys
a = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
b = os.open(sys.argv[2], os.O_RDWR | os.O_NOCTTY)
def move(src, dst, data):
    os.write(src, data)
    got = b""
    while len(got) < len(data):
        got += os.read(dst, 4096)
    return got
sent = bytes(range(256)) * 4
print(move(a, b, sent) == sent, move(b, a, b"back\r\n\x03\x04") == b"back\r\n\x03\x04")
EOF
	assertEquals "$1: both ways, raw" "True True" "$(<"$SC_TMP/names.out")"
	kill "$_pty" 2>/dev/null
	wait_exit "$_pty"
}

test_recipe_pty_names() {
	pty_names "$REAL"
	pty_names "$OURS"
}

# letters FILE [REGEX]: the severities (socat's E, W, N, I, D) of the
# lines of FILE in socat's form (that match REGEX), each once, sorted.
letters() {
	sed -n 's/^[0-9/]* [0-9:]* [^ ]*\[[0-9]*\] \([A-Z]\) //p' "$1" |
	    grep -E "${2:-.}" >/dev/null || return
	grep -E "${2:-.}" "$1" |
	    sed -n 's/^[0-9/]* [0-9:]* [^ ]*\[[0-9]*\] \([A-Z]\) .*/\1/p' |
	    sort -u | tr -d '\n'
}

# levels SOCAT: socat's levels of its messages, beside the real one's.
# At -d -d what happens is a notice (N: listening, a client accepted, a
# connection forwarded, a program started, its end), never an error (E),
# which scripts look for; a connection refused is an error.  One -d shows
# no notice, -d -d -d info (I) and no debugging (D).
levels() {
	serve lv "$1" -d -d TCP-LISTEN:0,reuseaddr SYSTEM:'echo one'
	assertEquals "$1: served" one "$(t 20 "$SC" -d 127.0.0.1 "$PORT")"
	wait_exit "$SERVE_PID"
	assertEquals "$1: -d -d, nothing failed: $(<"$SC_TMP/lv.err")" N \
	    "$(letters "$SC_TMP/lv.err")"
	assertEquals "$1: listening, a notice" N \
	    "$(letters "$SC_TMP/lv.err" '[Ll]istening on')"
	assertEquals "$1: a client accepted, a notice" N \
	    "$(letters "$SC_TMP/lv.err" 'accepting connection|Connection received')"
	# The relay of a listener with fork and a dialled side, then ended.
	serve back "$REAL" -d -d TCP-LISTEN:0,reuseaddr,fork SYSTEM:'echo back'
	_back=$SERVE_PID
	_bp=$PORT
	serve fw "$1" -d -d TCP-LISTEN:0,reuseaddr,fork TCP:127.0.0.1:"$_bp"
	for _i in 1 2; do
		assertEquals "$1: forwarded $_i" back \
		    "$(t 20 "$SC" -d 127.0.0.1 "$PORT")"
	done
	kill "$SERVE_PID" "$_back" 2>/dev/null
	wait_exit "$SERVE_PID"
	wait_exit "$_back"
	assertNotContains "$1: forwarded, nothing failed" \
	    "$(letters "$SC_TMP/fw.err")" E
	assertContains "$1: forwarded, notices" \
	    "$(letters "$SC_TMP/fw.err")" N
	# A connection refused: an error.
	t 20 "$1" -d -d - TCP:127.0.0.1:"$_bp" </dev/null 2>"$SC_TMP/rf.err"
	assertEquals "$1: refused: status" 1 $?
	assertContains "$1: refused, an error: $(<"$SC_TMP/rf.err")" \
	    "$(letters "$SC_TMP/rf.err" 'Connection refused')" E
	# One -d: no notice; three: info, and no debugging.
	_p=$(free_port)
	bg t 60 "$1" -d TCP-LISTEN:"$_p",reuseaddr SYSTEM:'echo one' \
	    2>"$SC_TMP/d1.err"
	_d1=$BG_PID
	wait_until t 5 "$SC" -z 127.0.0.1 "$_p" || fail "$1: no listener"
	wait_exit "$_d1"
	# (The probe's reset may be a warning.)
	assertNotContains "$1: -d, no notice: $(<"$SC_TMP/d1.err")" \
	    "$(letters "$SC_TMP/d1.err")" N
	serve d3 "$1" -d -d -d TCP-LISTEN:0,reuseaddr SYSTEM:'echo one'
	assertEquals "$1: -d -d -d: served" one \
	    "$(t 20 "$SC" -d 127.0.0.1 "$PORT")"
	wait_exit "$SERVE_PID"
	assertContains "$1: -d -d -d: info: $(<"$SC_TMP/d3.err")" \
	    "$(letters "$SC_TMP/d3.err")" I
	assertNotContains "$1: -d -d -d: no debugging" \
	    "$(letters "$SC_TMP/d3.err")" D
	assertNotContains "$1: -d -d -d: nothing failed" \
	    "$(letters "$SC_TMP/d3.err")" E
}

test_log_levels() {
	levels "$REAL"
	levels "$OURS"
}

# at_end PID FILE: process PID, or a child of it, has FILE open at its
# end.
at_end() {
	for _p in "$1" $(pgrep -P "$1"); do
		for _fd in /proc/"$_p"/fd/*; do
			[ "$(readlink "$_fd" 2>/dev/null)" = "$2" ] || continue
			[ "$(sed -n 's/^pos:[[:space:]]*//p' \
			    "/proc/$_p/fdinfo/${_fd##*/}" 2>/dev/null)" = \
			    "$(stat -c %s "$2")" ] && return 0
		done
	done
	return 1
}

# seek= and seek-end=, socat's offsets of a file, beside the real socat:
# written from an offset (in hexadecimal too), the last bytes read
# (seek-end=-3), a file read from its end as it grows (socat's tail -f,
# seek-end=0,ignoreeof: what was there is not read).
test_seek() {
	for _bin in "$REAL" "$OURS"; do
		printf 'abcdefgh' >"$SC_TMP/f"
		printf 'XY' | t 20 "$_bin" -u - FILE:"$SC_TMP/f",seek=0x3
		assertEquals "$_bin: written at 3" abcXYfgh "$(<"$SC_TMP/f")"
		assertEquals "$_bin: the last 3" fgh \
		    "$(t 20 "$_bin" -u FILE:"$SC_TMP/f",seek-end=-3 -)"
		printf 'old\n' >"$SC_TMP/grow"
		bg t 60 "$_bin" -u "$SC_TMP/grow",seek-end=0,ignoreeof - \
		    >"$SC_TMP/tail"
		_tail=$BG_PID
		wait_until at_end "$_tail" "$SC_TMP/grow" ||
		    fail "$_bin: the file not open at its end"
		echo new >>"$SC_TMP/grow"
		wait_for "$SC_TMP/tail" new || fail "$_bin: nothing read"
		assertEquals "$_bin: what was added only" new \
		    "$(<"$SC_TMP/tail")"
		kill "$_tail" 2>/dev/null
		wait_exit "$_tail"
	done
}

# chroot_sh DIR: a root at DIR with /bin/sh, and what it links, in it.
chroot_sh() {
	mkdir -p "$1/bin" && cp /bin/sh "$1/bin/sh" || return 1
	for _l in $(ldd /bin/sh | grep -o '/[^ ]*'); do
		mkdir -p "$1$(dirname "$_l")" && cp "$_l" "$1$_l" || return 1
	done
}

# privs NAME SOCAT PROGRAM-OPTIONS [LISTENER-OPTIONS]: what SOCAT's
# program (id and umask) says to a client, its options as given.
privs() {
	serve "$1" "$2" -d -d TCP-LISTEN:0,reuseaddr$4 \
	    SYSTEM:'id -u; id -g; id -G; umask'"$3"
	t 20 "$SC" -d 127.0.0.1 "$PORT" | tr '\n' ' '
	wait_exit "$SERVE_PID"
}

# socat's su=, su-d=, setuid=, setgid= and chroot= of a program and a
# listener, beside the real socat (as root): the program runs as the
# user, group and groups they say, in its root; a listener's su= is what
# its clients' programs run as.  -lmlocal2 says nothing on stderr once
# the listener is bound.
test_privileges() {
	can_be_nobody || { sc_skip "cannot run as user nobody"; return; }
	_nu=$(id -u nobody)
	_ng=$(id -g nobody)
	_gn=$(getent group "$_ng" | cut -d: -f1)
	_um=$(umask)
	chroot_sh "$SC_TMP/root" || fail "no root to chroot to"
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: su=" "$_nu $_ng $_ng $_um " \
		    "$(privs pr "$_bin" ,su=nobody)"
		assertEquals "$_bin: su-d=" "$_nu $_ng $_ng $_um " \
		    "$(privs pr "$_bin" ,su-d=nobody)"
		assertEquals "$_bin: setuid=" "$_nu 0 0 $_um " \
		    "$(privs pr "$_bin" ,setuid=nobody)"
		assertEquals "$_bin: setgid=" "0 $_ng $_ng $_um " \
		    "$(privs pr "$_bin" ,setgid="$_gn")"
		assertEquals "$_bin: a listener's su=" "$_nu $_ng $_ng $_um " \
		    "$(privs pr "$_bin" "" ,su=nobody)"
		rm -f "$SC_TMP/root/made"
		serve ch "$_bin" -d -d TCP-LISTEN:0,reuseaddr \
		    SYSTEM:'echo in >/made; read l </made; echo $l',$(
		    )chroot="$SC_TMP/root"
		assertEquals "$_bin: chroot=" in \
		    "$(t 20 "$SC" -d 127.0.0.1 "$PORT")"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: made in its root" in \
		    "$(cat "$SC_TMP/root/made")"
		# -lm: stderr until the listener is bound, syslog after.
		_p=$(free_port)
		bg t 60 "$_bin" -d -d -lmlocal2 TCP4-LISTEN:"$_p",reuseaddr \
		    SYSTEM:'echo x' 2>"$SC_TMP/lm.err"
		_lm=$BG_PID
		wait_until t 5 "$SC" -z 127.0.0.1 "$_p" || fail "no listener"
		wait_exit "$_lm"
		assertEquals "$_bin: -lm, nothing on stderr" "" \
		    "$(<"$SC_TMP/lm.err")"
	done
}

# su=, setuid= and setgid= naming no user or group, nor a number: one
# line naming it, status 1, the program never run (socat says the same
# as getpwnam's, in its words).
test_privileges_unknown() {
	for _o in su=nosuchuserx:user setuid=nosuchuserx:user \
	    setgid=nosuchgroupx:group setgid=12x:group; do
		_v=${_o%:*}
		t 20 "$OURS" /dev/null SYSTEM:"touch $SC_TMP/ran",$_v \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_v: status" 1 $?
		assertEquals "$_v: nothing" "" "$(<"$SC_TMP/o")"
		assertContains "$_v: said" "$(<"$SC_TMP/e")" \
		    "E SYSTEM:touch $SC_TMP/ran,$_v: unknown ${_o#*:} \"${_v#*=}\""
		assertFalse "$_v: not run" "test -e '$SC_TMP/ran'"
	done
	t 20 "$REAL" /dev/null SYSTEM:true,su=nosuchuserx 2>"$SC_TMP/e"
	assertEquals "real socat: status" 1 $?
}

# setlk, socat's write lock on a file, beside the real socat: stdout's
# of -u, a file's; a file another holds locked is refused, status 1.
test_setlk() {
	for _bin in "$REAL" "$OURS"; do
		: >"$SC_TMP/lk"
		t 20 "$_bin" -u /dev/null -,setlk >"$SC_TMP/lk" 2>"$SC_TMP/e"
		_st=$?
		assertEquals "$_bin: stdout locked: $(<"$SC_TMP/e")" 0 "$_st"
		t 20 "$_bin" -u /dev/null OPEN:"$SC_TMP/lk",setlk 2>"$SC_TMP/e"
		_st=$?
		assertEquals "$_bin: a file locked: $(<"$SC_TMP/e")" 0 "$_st"
		t 20 python3 -c '
import fcntl, subprocess, sys
f = open(sys.argv[1], "a")
fcntl.lockf(f, fcntl.LOCK_EX)
print(subprocess.run([sys.argv[2], "-u", "/dev/null",
    "OPEN:" + sys.argv[1] + ",setlk"], stderr=subprocess.DEVNULL).returncode)
' "$SC_TMP/lk" "$_bin" >"$SC_TMP/o"
		assertEquals "$_bin: held by another" 1 "$(<"$SC_TMP/o")"
	done
}

# socat's other locks, beside the real socat: flock-ex, flock-sh,
# flock-ex-nb, setlkw taken on a file; a lock another holds refuses
# flock-ex-nb, status 1, and holds flock-ex and setlkw back until it is
# let go, then the bytes are written; two locks, or one with a socket,
# are refused in one line.
test_locks() {
	for _bin in "$REAL" "$OURS"; do
		for _o in flock-ex flock flock-sh flock-ex-nb flock-sh-nb \
		    setlkw lock; do
			: >"$SC_TMP/lk"
			t 20 "$_bin" -u /dev/null OPEN:"$SC_TMP/lk",$_o \
			    2>"$SC_TMP/e"
			_st=$?
			assertEquals "$_bin $_o: $(<"$SC_TMP/e")" 0 "$_st"
		done
		t 20 python3 -c '
import fcntl, subprocess, sys, time
path, prog = sys.argv[1], sys.argv[2]
f = open(path, "a")
for opt, take, call in (("flock-ex", fcntl.flock, 73),
                        ("setlkw", fcntl.lockf, 72)):
    take(f, fcntl.LOCK_EX)
    r = subprocess.run([prog, "-u", "/dev/null", "OPEN:%s,%s-nb" % (path,
        "flock-ex")], stderr=subprocess.DEVNULL)
    print("nb", r.returncode)
    p = subprocess.Popen([prog, "-u", "-", "OPEN:%s,append,%s" % (path, opt)],
                         stdin=subprocess.PIPE)
    p.stdin.write(opt.encode() + b"\n")
    p.stdin.close()
    # Waiting in flock(2) or fcntl(2) for the lock.
    for i in range(2000):
        with open("/proc/%d/syscall" % p.pid) as sc:
            if sc.read().split()[0] == str(call):
                break
        time.sleep(0.01)
    print(opt, "waits", p.poll() is None)
    take(f, fcntl.LOCK_UN)
    print(opt, "then", p.wait())
print(open(path).read(), end="")
' "$SC_TMP/lk" "$_bin" >"$SC_TMP/o"
		assertEquals "$_bin: held by another" "nb 1
flock-ex waits True
flock-ex then 0
nb 0
setlkw waits True
setlkw then 0
flock-ex
setlkw" "$(<"$SC_TMP/o")"
	done
	t 20 "$OURS" -u /dev/null OPEN:"$SC_TMP/lk",setlk,flock-ex \
	    2>"$SC_TMP/e"
	assertEquals "two locks: status" 1 $?
	assertEquals "two locks: said" "OPEN:$SC_TMP/lk,setlk,flock-ex: $(
	    )setlk and flock-ex: one lock at most" "$(sed 's/^.* E //' "$SC_TMP/e")"
}

# A socat listener without fork serves one client, then is done.
test_no_fork_one_client() {
	serve once "$OURS" -d -d TCP-LISTEN:0 SYSTEM:'echo one'
	assertEquals "the one client" "one" \
	    "$(t 20 "$SC" -d 127.0.0.1 "$PORT")"
	wait_exit "$SERVE_PID"
	assertEquals "done after it" 0 "$WAIT_STATUS"
}

# fork with standard output, or a file: every client is served, both
# socats alike (sockcat's one at a time), not the first alone.
test_fork_with_stdio_and_file() {
	for _bin in "$REAL" "$OURS"; do
		for _to in - OPEN:"$SC_TMP/log",creat,append; do
			rm -f "$SC_TMP/log"
			serve fork "$_bin" -d -d TCP-LISTEN:0,reuseaddr,fork "$_to"
			for _w in one two; do
				echo "$_w" | t 20 "$REAL" -u - TCP:127.0.0.1:"$PORT"
				assertEquals "$_bin $_to: $_w: status" 0 $?
			done
			_into=$SC_TMP/fork.out
			[ "$_to" = - ] || _into=$SC_TMP/log
			wait_until file_matches "$_into" '^two$'
			assertEquals "$_bin $_to: both clients" "one
two" "$(cat "$_into")"
			kill "$SERVE_PID" 2>/dev/null
			wait_exit "$SERVE_PID"
		done
	done
}

# -u and -U with a socket read alone: stdin is not read, but left for
# the next reader (a shell's loop), as socat leaves it.  Both socats.
test_one_way_leaves_stdin() {
	echo left >"$SC_TMP/in"
	for _bin in "$REAL" "$OURS"; do
		serve hi "$REAL" -d -d TCP4-LISTEN:0,reuseaddr SYSTEM:'echo hi'
		assertEquals "$_bin: -u: stdin left" "hi left" "$(echo $(
		    { t 10 "$_bin" -u TCP4:127.0.0.1:"$PORT" STDOUT; cat; } \
		    <"$SC_TMP/in"))"
		wait_exit "$SERVE_PID"
		serve hi "$REAL" -d -d TCP4-LISTEN:0,reuseaddr SYSTEM:'echo hi'
		assertEquals "$_bin: -U: stdin left" "hi left" "$(echo $(
		    { t 10 "$_bin" -U STDOUT TCP4:127.0.0.1:"$PORT"; cat; } \
		    <"$SC_TMP/in"))"
		wait_exit "$SERVE_PID"
	done
}

# max-children=N: at most N clients served at once; the next waits in
# the backlog (its connect succeeds) and is served once one has ended.
# A file written by one client at a time (-U), programs two at a time:
# what the waiting client sent comes after what the first sent last.
# Without fork it is refused, as socat refuses it.  Both socats alike.
test_max_children() {
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		rm -f "$SC_TMP/mc"
		serve mc "$_bin" -d -d -U FILE:"$SC_TMP/mc",creat,append \
		    TCP4-LISTEN:0,reuseaddr,fork,max-children=1
		raw_client "c1$_n" 8
		echo one >&8
		wait_for "$SC_TMP/mc" '^one$' ||
		    fail "$_bin: the first client's line"
		echo two >"$SC_TMP/two"
		bg_in "$SC_TMP/two" t 20 "$SC" -v -N 127.0.0.1 "$PORT" \
		    2>"$SC_TMP/c2.err"
		_c2=$BG_PID
		wait_for "$SC_TMP/c2.err" 'succeeded' ||
		    fail "$_bin: the second client is not in the backlog"
		echo three >&8
		exec 8>&-
		wait_exit "$RAW_PID"
		wait_exit "$_c2"
		assertEquals "$_bin: the second client, after the first" \
		    "one three two" "$(echo $(<"$SC_TMP/mc"))"
		kill "$SERVE_PID"
		wait_exit "$SERVE_PID"

		rm -f "$SC_TMP/mc"
		serve mc2 "$_bin" -d -d \
		    TCP4-LISTEN:0,reuseaddr,fork,max-children=2 \
		    SYSTEM:"cat >>$SC_TMP/mc"
		raw_client "c1b$_n" 8
		echo one >&8
		wait_for "$SC_TMP/mc" '^one$' ||
		    fail "$_bin: the first client's line"
		raw_client "c2$_n" 7
		echo two >&7
		wait_for "$SC_TMP/mc" '^two$' ||
		    fail "$_bin: the second client's line"
		echo three >"$SC_TMP/three"
		bg_in "$SC_TMP/three" t 20 "$SC" -v -N 127.0.0.1 "$PORT" \
		    2>"$SC_TMP/c3.err"
		_c3=$BG_PID
		wait_for "$SC_TMP/c3.err" 'succeeded' ||
		    fail "$_bin: the third client is not in the backlog"
		echo four >&8
		exec 8>&-
		wait_for "$SC_TMP/mc" '^three$' ||
		    fail "$_bin: the third client, once the first has ended"
		assertEquals "$_bin: the third client, after the first" \
		    "one two four three" "$(echo $(<"$SC_TMP/mc"))"
		exec 7>&-
		wait_exit "$_c3"
		kill "$SERVE_PID"
		wait_exit "$SERVE_PID"

		t 10 "$_bin" TCP4-LISTEN:0,max-children=1 - </dev/null \
		    2>"$SC_TMP/e"
		assertEquals "$_bin: without fork: status" 1 $?
		assertContains "$_bin: without fork: why" "$(<"$SC_TMP/e")" \
		    "option max-children not allowed without option fork"
	done
	# Standard input and output serve one client at a time.
	t 10 "$OURS" -U FILE:"$SC_TMP/mc" TCP4-LISTEN:0,fork,max-children=2 \
	    </dev/null 2>"$SC_TMP/e"
	assertEquals "max-children=2 with a file: status" 1 $?
	assertEquals "max-children=2 with a file: one line" 1 \
	    "$(wc -l <"$SC_TMP/e")"
	assertContains "max-children=2 with a file: why" "$(<"$SC_TMP/e")" \
	    "serve one client at a time"
}

# crlf and readbytes= on a datagram listener that gives each peer a
# socket of its own: the peer's first datagram, read by the listener, is
# read as its next are, whether a program or a forwarded stream takes
# them; both socats alike.  (Ours passed the first one on as it came.)
test_first_datagram_read_as_the_next() {
	serve rec "$REAL" -d -d TCP4-LISTEN:0,bind=127.0.0.1,reuseaddr,fork \
	    SYSTEM:"exec cat -A >>$SC_TMP/fw.out"
	_rec=$PORT
	for _bin in "$REAL" "$OURS"; do
		for _cw in cr,crlf fw,crlf cr,readbytes=3 fw,readbytes=3; do
			_to="SYSTEM:exec cat -A >>$SC_TMP/cr.out"
			[ "${_cw%%,*}" = fw ] && _to=TCP:127.0.0.1:$_rec
			rm -f "$SC_TMP/${_cw%%,*}.out"
			bg t 60 "$_bin" -d -d \
			    UDP4-LISTEN:0,bind=127.0.0.1,fork,"${_cw#*,}" \
			    "$_to" 2>"$SC_TMP/cr.err"
			wait_for "$SC_TMP/cr.err" '([Ll]istening|Bound) on ' ||
			    fail "$_bin: no listener: $(<"$SC_TMP/cr.err")"
			PORT=$(sed -En \
			    's/.*(istening|Bound) on .*[ :]([0-9]+)$/\2/p' \
			    "$SC_TMP/cr.err" | head -n 1)
			printf 'a\r\nb\r\n' | t 10 "$SC" -u -q 0 127.0.0.1 \
			    "$PORT"
			wait_for "$SC_TMP/${_cw%%,*}.out" '^a' ||
			    fail "$_bin $_cw: nothing came"
			_want='a$ b$'
			[ "${_cw#*,}" = crlf ] || _want='a^M$'
			assertEquals "$_bin $_cw" "$_want" \
			    "$(echo $(<"$SC_TMP/${_cw%%,*}.out"))"
			stop "$BG_PID"
		done
	done
	stop "$SERVE_PID"
}

# max-children with a UDP listener: its clients are its peers.  While one
# is served, another's datagrams are dropped (socat's listener has no
# socket for them then); once the first has been quiet for -T's time its
# place is the next peer's.  Both socats alike.
test_max_children_udp() {
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		rm -f "$SC_TMP/mu"
		bg t 60 "$_bin" -d -d -U -T 1 FILE:"$SC_TMP/mu",creat,append \
		    UDP4-LISTEN:0,fork,max-children=1 2>"$SC_TMP/mu.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/mu.err" '([Ll]istening|Bound) on ' ||
		    fail "$_bin: no listener: $(<"$SC_TMP/mu.err")"
		PORT=$(sed -En \
		    's/.*(istening|Bound) on .*[ :]([0-9]+)$/\2/p' \
		    "$SC_TMP/mu.err" | head -n 1)
		held_stdin "p1$_n.in" 8
		bg_in "$SC_TMP/p1$_n.in" t 20 "$SC" -u -q 0 127.0.0.1 "$PORT"
		_p1=$BG_PID
		echo a >&8
		wait_for "$SC_TMP/mu" '^a$' || fail "$_bin: the first peer"
		echo b | t 10 "$SC" -u -q 0 127.0.0.1 "$PORT"
		echo c >&8
		wait_for "$SC_TMP/mu" '^c$' || fail "$_bin: the first peer again"
		assertEquals "$_bin: the second peer's datagram dropped" "a c" \
		    "$(echo $(<"$SC_TMP/mu"))"
		exec 8>&-
		wait_exit "$_p1"
		# The first is quiet: after -T's time a peer is served.
		assertTrue "$_bin: a peer once the first is quiet" \
		    "wait_until sh -c 'echo d | timeout 10 $SC -u -q 0 \
		    127.0.0.1 $PORT; grep -qx d $SC_TMP/mu'"
		assertEquals "$_bin: served after the first" "a c d" \
		    "$(echo $(sed '/^d$/q' "$SC_TMP/mu"))"
		kill "$_srv"
		wait_exit "$_srv"
	done
}

# socat's quoting: "...", '...' and '\' undone, brackets kept whole;
# EXEC:CMD STDIO is the program itself.  Both socats give the same bytes.
test_grammar() {
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: double quotes" "x y,z:w" "$(t 20 "$_bin" -u \
		    'EXEC:"printf \"x y,z:w\""' STDOUT)"
		assertEquals "$_bin: single quotes" "a,b" "$(t 20 "$_bin" -u \
		    "SYSTEM:'printf a,b'" -)"
		assertEquals "$_bin: backslash" "p,q" "$(t 20 "$_bin" -u \
		    'SYSTEM:printf p\,q' -)"
		assertEquals "$_bin: stdin to the program" "in" \
		    "$(echo in | t 20 "$_bin" - EXEC:cat)"
		assertEquals "$_bin: PIPE, an echo" "echo" \
		    "$(echo echo | t 20 "$_bin" -t 0.1 - PIPE)"
		assertEquals "$_bin: -!!-, stdio" "dual" \
		    "$(echo dual | t 20 "$_bin" -t 0.1 '-!!-' PIPE)"
		assertEquals "$_bin: stdin!!stdout, stdio" "dual2" \
		    "$(echo dual2 | t 20 "$_bin" -t 0.1 'stdin!!stdout' echo)"
		assertEquals "$_bin: stdin to stdout" "through" \
		    "$(echo through | t 20 "$_bin" -u stdin stdout)"
		echo "in a file" >"$SC_TMP/f"
		assertEquals "$_bin: a file to stdout" "in a file" \
		    "$(t 20 "$_bin" -u OPEN:"$SC_TMP/f" STDOUT)"
		assertEquals "$_bin: a file to a program" "IN A FILE" \
		    "$(t 20 "$_bin" -u OPEN:"$SC_TMP/f" SYSTEM:'tr a-z A-Z')"
	done
	# As sockcat, socat's names are addresses too.
	serve names "$SC" -v TCP-LISTEN:0 SYSTEM:'echo two'
	assertEquals "sockcat with socat's names" "two" \
	    "$(t 20 "$SC" -d 127.0.0.1 "$PORT")"
}

# Two sides that are no sockets, socat's way, both socats alike: "R!!W"
# (descriptors, named pipes, a file read past its end), PIPE:PATH, a
# program on pipes or on a raw terminal, with its descriptors elsewhere
# (fdin=, fdout=), its stderr in its output, a single way of it taken
# from ours; EXEC:'s words as socat splits them (no shell).
test_local_sides() {
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		rm -f "$SC_TMP/p1" "$SC_TMP/p2" "$SC_TMP/f1"
		assertEquals "$_n: 0!!1" "fds" \
		    "$(echo fds | t 20 "$_bin" -t 0.1 '0!!1' PIPE)"
		assertEquals "$_n: PIPE:PATH" "named" \
		    "$(echo named | t 20 "$_bin" -t 0.1 - \
		    PIPE:"$SC_TMP/p1",nonblock)"
		assertFalse "$_n: PIPE:PATH made, then removed" \
		    "[ -e '$SC_TMP/p1' ]"
		assertEquals "$_n: PIPE:PATH twice" "twice" \
		    "$(echo twice | t 20 "$_bin" -t 0.1 - \
		    "PIPE:$SC_TMP/p2,nonblock!!PIPE:$SC_TMP/p2")"
		assertEquals "$_n: a file, ignoreeof!!itself" "file" \
		    "$(echo file | t 20 "$_bin" -t 0.3 - \
		    "$SC_TMP/f1,ignoreeof!!$SC_TMP/f1")"
		assertEquals "$_n: pipes" "pipes" \
		    "$(echo pipes | t 20 "$_bin" -t 0.1 - EXEC:cat,pipes)"
		assertEquals "$_n: pty, raw" "pty" \
		    "$(echo pty | t 20 "$_bin" -t 0.3 - \
		    EXEC:cat,pty,echo=0,opost=0,cfmakeraw)"
		assertEquals "$_n: fdin, fdout" "fds8" \
		    "$(echo fds8 | t 20 "$_bin" -t 0.1 - \
		    'SYSTEM:cat>&9 <&8,pipes,fdin=8,fdout=9')"
		assertEquals "$_n: system!!system" "ss" \
		    "$(echo ss | t 20 "$_bin" -t 0.1 \
		    'SYSTEM:cat>&6,fdout=6!!SYSTEM:cat<&7,fdin=7' PIPE)"
		assertEquals "$_n: stderr" "err" "$(t 20 "$_bin" -u \
		    'SYSTEM:echo err >&2,pipes,stderr' - 2>/dev/null)"
		# A second for cat's line after stdin's end: it reads the
		# same stdin, and under load answers late.
		assertEquals "$_n: its stdin ours" "mine" \
		    "$(echo mine | t 20 "$_bin" -t 1 'EXEC:cat,pipes!!-' -)"
		assertEquals "$_n: words, no shell" "a|([x y])|b|" \
		    "$(t 20 "$_bin" -u 'EXEC:printf "%s|" a ([x y]) b' -)"
		assertEquals "$_n: nested brackets" "(,)[,]{,},([),])" \
		    "$(t 20 "$_bin" -u 'EXEC:echo (,)[,]{,}","([),])' -)"
	done
	# PIPE is a pipe of ours, no program: 1 MB through it whole.
	data 1000000
	assertEquals "PIPE, 1 MB" "$SUM" "$(t 20 "$OURS" -d -d -d - PIPE \
	    <"$SC_TMP/data" 2>"$SC_TMP/pipe.err" | sha256sum | cut -d' ' -f1)"
	assertNotContains "PIPE, no program" "$(<"$SC_TMP/pipe.err")" \
	    "program"
}

# A program's input and output on one descriptor (fdin=3,fdout=3) is one
# end of a socket pair, which it reads and writes, both socats alike: a
# line answered beside stdio, 1 MB through cat and a TCP client's line
# answered by a listener's program; the rest of its input unread when it
# exits is no failure.  (-t 5: the answer may come late under load; the
# program's exit ends the run at once.)  With pipes, ours refuses in one
# line.
test_program_on_one_descriptor() {
	data 1000000
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: one line" "got one" "$(printf \
		    'one\ntwo\n' | t 20 "$_bin" -t 5 - \
		    'SYSTEM:read x <&3; echo got $x >&3,fdin=3,fdout=3' \
		    2>"$SC_TMP/e")"
		assertEquals "$_bin: said" "" "$(<"$SC_TMP/e")"
		assertEquals "$_bin: 1 MB" "$SUM" "$(t 20 "$_bin" - \
		    'SYSTEM:cat <&3 >&3,fdin=3,fdout=3' <"$SC_TMP/data" |
		    sha256sum | cut -d' ' -f1)"
		serve one "$_bin" -d -d TCP-LISTEN:0,bind=127.0.0.1 \
		    'SYSTEM:read x <&3; echo got $x >&3,fdin=3,fdout=3'
		assertEquals "$_bin: a client's" "got tcp" \
		    "$(echo tcp | t 20 "$SC" -N 127.0.0.1 "$PORT")"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: the listener's status" 0 "$WAIT_STATUS"
	done
	t 5 "$OURS" - 'SYSTEM:cat <&3 >&3,fdin=3,fdout=3,pipes' </dev/null \
	    2>"$SC_TMP/e"
	assertEquals "pipes: status" 1 $?
	assertEquals "pipes: said" "E SYSTEM:cat <&3 >&3,fdin=3,fdout=3,pipes: fdin=3 and fdout=3 are one descriptor, which a pipe cannot be read and written as: not with pipes" \
	    "$(sed 's/^.*\] //' "$SC_TMP/e")"
}

# stdout written by both sides ("-" on each): the way that ends first
# must not close it under the other's bytes.  The program's line comes
# after stdin's end (the program waits past it), both socats alike.
test_shared_stdout() {
	for _bin in "$REAL" "$OURS"; do
		printf 'mine\n' | t 20 "$_bin" -t 5 \
		    'SYSTEM:cat >/dev/null; sleep 0.2; echo late,pipes!!-' - \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin: status" 0 $?
		assertTrue "$_bin: the late line: $(<"$SC_TMP/o")" \
		    "grep -qx late '$SC_TMP/o'"
	done
}

# socat's file options, both socats alike: readbytes, ftruncate, o-trunc
# and GOPEN's append, escape, ignoreeof (a file read as it grows), umask,
# setsid (ours, or the program's).
test_file_options() {
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		printf '0123456789' >"$SC_TMP/in"
		assertEquals "$_n: readbytes" "0123" \
		    "$(t 20 "$_bin" -u OPEN:"$SC_TMP/in",readbytes=4 -)"
		printf 'old text' >"$SC_TMP/o"
		echo new | t 20 "$_bin" -u - OPEN:"$SC_TMP/o",append,ftruncate=0
		assertEquals "$_n: ftruncate" "new" "$(<"$SC_TMP/o")"
		printf 'old text' >"$SC_TMP/o"
		echo new2 | t 20 "$_bin" -u - OPEN:"$SC_TMP/o",o-trunc
		assertEquals "$_n: o-trunc" "new2" "$(<"$SC_TMP/o")"
		echo one >"$SC_TMP/g"
		echo two | t 20 "$_bin" -u - "$SC_TMP/g"
		assertEquals "$_n: a path, appended to" "one two" \
		    "$(echo $(<"$SC_TMP/g"))"
		rm -f "$SC_TMP/u"
		echo x | t 20 "$_bin" -u - GOPEN:"$SC_TMP/u",umask=0177
		assertEquals "$_n: a path, made, umask" "600 x" \
		    "$(stat -c %a "$SC_TMP/u") $(<"$SC_TMP/u")"
		assertEquals "$_n: escape" "before" \
		    "$(printf 'before\n\033after\n' | t 20 "$_bin" -t 0.1 \
		    -,escape=27 PIPE)"
		: >"$SC_TMP/grow"
		bg t 20 "$_bin" -u "$SC_TMP/grow",ignoreeof - >"$SC_TMP/gout"
		_p=$BG_PID
		echo grown >>"$SC_TMP/grow"
		wait_for "$SC_TMP/gout" grown
		kill "$_p"
		wait_exit "$_p"
		assertEquals "$_n: ignoreeof" "grown" "$(<"$SC_TMP/gout")"
		# The same to a connection.
		: >"$SC_TMP/grow2"
		serve tail "$_bin" -d -d -u "$SC_TMP/grow2",ignoreeof \
		    TCP-LISTEN:0
		bg t 20 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/gout2"
		_c=$BG_PID
		echo grown2 >>"$SC_TMP/grow2"
		wait_for "$SC_TMP/gout2" grown2
		kill "$_c" "$SERVE_PID"
		wait_exit "$_c"
		wait_exit "$SERVE_PID"
		assertEquals "$_n: ignoreeof to a connection" "grown2" \
		    "$(<"$SC_TMP/gout2")"
		# A session of its own: not the one of this shell.
		_sid=$(ps -o sid= -p $$)
		assertEquals "$_n: the program's setsid" "new" \
		    "$(t 20 "$_bin" -u "SYSTEM:[ \$(ps -o sid= -p \$\$) != \
		    $_sid ] && echo new,setsid" -)"
		assertEquals "$_n: ours, setsid" "new" \
		    "$(t 20 "$_bin" -U -,setsid "SYSTEM:[ \$(ps -o sid= -p \
		    \$\$) != $_sid ] && echo new")"
	done
	# o-noatime: a file read (by its path, or as stdin) keeps its
	# access time, which a read would move (it is older than its
	# modification); fs-noatime: its inode's flag, both socats alike.
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		echo old >"$SC_TMP/at"
		touch -a -d 2000-01-01 "$SC_TMP/at"
		t 20 "$_bin" -u OPEN:"$SC_TMP/at",o-noatime - >"$SC_TMP/at.1"
		t 20 "$_bin" -u -,o-noatime - <"$SC_TMP/at" >"$SC_TMP/at.2"
		assertEquals "$_n: o-noatime" "946684800 old old" \
		    "$(stat -c %X "$SC_TMP/at") $(echo $(cat "$SC_TMP/at.1" \
		    "$SC_TMP/at.2"))"
		rm -f "$SC_TMP/fa"
		t 20 "$_bin" -u /dev/null CREATE:"$SC_TMP/fa",fs-noatime \
		    2>/dev/null
		echo "$? $(lsattr "$SC_TMP/fa" 2>/dev/null | cut -c1-22)" \
		    >"$SC_TMP/fa.$_n"
	done
	assertEquals "fs-noatime, as socat" "$(<"$SC_TMP/fa.real")" \
	    "$(<"$SC_TMP/fa.ours")"
	# sockcat's own file: has none of them.
	assertEquals "file:,ignoreeof" 1 "$(t 20 "$SC" -u - \
	    file:"$SC_TMP/x",ignoreeof </dev/null 2>/dev/null; echo $?)"
}

# cw_said WHAT OPT STATUS: with cool-write (OPT not empty) a write to a
# reader gone is no error, status 0; without it "Broken pipe", status 1
# ($SC_TMP/cw.e, the status STATUS).
cw_said() {
	if [ -n "$2" ]; then
		assertEquals "$1: status $(<"$SC_TMP/cw.e")" 0 "$3"
		assertNotContains "$1: no error" "$(<"$SC_TMP/cw.e")" " E "
	else
		assertEquals "$1: status" 1 "$3"
		assertContains "$1: an error" "$(<"$SC_TMP/cw.e")" "Broken pipe"
	fi
}

# cool-write: a write to a reader gone (EPIPE) is a notice, not an
# error, status 0 (without it: an error, status 1), to a file or to
# stdout; both socats alike.  The named pipe's reader opens it (which
# lets the writer's open through) and closes it at once, before the
# bytes come.
test_cool_write() {
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		rm -f "$SC_TMP/cw"
		mkfifo "$SC_TMP/cw"
		for _o in ,cool-write ,coolwrite ""; do
			{ t 20 sh -c ': <"$1"' _ "$SC_TMP/cw"; echo x; } |
			    t 20 "$_bin" -d -d -u - OPEN:"$SC_TMP/cw$_o" \
			    2>"$SC_TMP/cw.e"
			cw_said "$_n: OPEN$_o" "$_o" $?
			[ -z "$_o" ] || assertContains "$_n: OPEN$_o: a notice" \
			    "$(<"$SC_TMP/cw.e")" "N write"
		done
		{ t 20 sh -c ': <"$1"' _ "$SC_TMP/cw"; echo x; } |
		    t 20 "$_bin" -,cool-write PIPE >"$SC_TMP/cw" 2>"$SC_TMP/cw.e"
		assertEquals "$_n: stdout, cool-write: status" 0 $?
		assertEquals "$_n: stdout, cool-write: quiet" "" \
		    "$(<"$SC_TMP/cw.e")"
	done
	# stdout beside a socket: the server answers once the reader has
	# gone, and the answer's EPIPE is quiet with cool-write, both alike.
	serve cwsrv "$REAL" -d -d TCP4-LISTEN:0,reuseaddr,fork \
	    SYSTEM:'read y; echo x'
	for _bin in "$REAL" "$OURS"; do
		for _o in ,cool-write ""; do
			{ t 20 sh -c ': <"$1"' _ "$SC_TMP/cw"; echo go; } |
			    t 20 "$_bin" -$_o TCP:127.0.0.1:"$PORT" \
			    >"$SC_TMP/cw" 2>"$SC_TMP/cw.e"
			cw_said "$_bin: stdout$_o, a socket" "$_o" $?
		done
	done
	kill "$SERVE_PID" 2>/dev/null
	wait_exit "$SERVE_PID"
	# On the socket itself, as socat's manual lists it for TCP-LISTEN:
	# a client that resets while a program's output is written to it
	# (-U: the socket is only written) is a notice, not an error.  Ours
	# reads the socket all the same, and may meet the reset there first:
	# then a warning of the read.
	for _bin in "$REAL" "$OURS"; do
		serve cwl "$_bin" -d -d -U \
		    TCP4-LISTEN:0,bind=127.0.0.1,reuseaddr,fork,cool-write \
		    SYSTEM:'yes | head -c 30000000'
		t 20 python3 -c 'import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.recv(1000)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()' "$PORT"
		wait_for "$SC_TMP/cwl.err" " (N write|W read from network).*: (Connection reset by peer|Broken pipe)$" ||
		    fail "$_bin: no notice: $(<"$SC_TMP/cwl.err")"
		kill "$SERVE_PID" 2>/dev/null
		wait_exit "$SERVE_PID"
		assertNotContains "$_bin: no error" "$(<"$SC_TMP/cwl.err")" " E "
	done
}

# setsid on stdio beside a listener: once its client has come the process
# leads a session of its own, both socats alike; with fork ours serves the
# next client on the same stdio, its session made once (sockcat refused
# the option beside a socket).
test_setsid_beside_socket() {
	held_stdin ss.in 7
	for _bin in "$REAL" "$OURS"; do
		: >"$SC_TMP/ss.err"
		bg_in "$SC_TMP/ss.in" t 60 "$_bin" -d -d \
		    TCP4-LISTEN:0,bind=127.0.0.1,reuseaddr,fork STDIO,setsid \
		    >"$SC_TMP/ss.out" 2>"$SC_TMP/ss.err"
		SERVE_PID=$BG_PID
		wait_for "$SC_TMP/ss.err" 'istening on ' ||
		    fail "$_bin: no listener: $(<"$SC_TMP/ss.err")"
		PORT=$(sed -n 's/.*istening on .*[ :]\([0-9][0-9]*\)$/\1/p' \
		    "$SC_TMP/ss.err")
		# Ours serves a second client; each is held open until the
		# process that holds stdio (socat's child, or ours) is seen.
		for _c in 1 2; do
			held_stdin "sc$_c.in" 8
			bg_in "$SC_TMP/sc$_c.in" t 20 "$OURS" -u - \
			    TCP:127.0.0.1:"$PORT"
			echo "line $_c" >&8
			wait_for "$SC_TMP/ss.out" "^line $_c\$" ||
			    fail "$_bin: client $_c: $(<"$SC_TMP/ss.err")"
			_p=$(pgrep -n -P "$SERVE_PID")
			[ "$_bin" = "$REAL" ] && _p=$(pgrep -n -P "$_p")
			assertEquals "$_bin, client $_c: its own session" "$_p" \
			    "$(ps -o sid= -p "$_p" | tr -d ' ')"
			exec 8>&-
			wait_exit "$BG_PID"
			[ "$_bin" = "$OURS" ] || break
		done
		assertNotContains "$_bin: no error" "$(<"$SC_TMP/ss.err")" " E "
		kill "$SERVE_PID" 2>/dev/null
		wait_exit "$SERVE_PID"
	done
}

# -u to UDP-SENDTO: the socket is never read, so a refusal of what was
# sent (nothing listens on the port) is not heard there: the sender goes
# on, and ends with stdin, status 0, quiet.  Both socats alike.
test_sendto_unread() {
	_p=$(free_port udp)
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/in"
		held_stdin in 7
		bg_in "$SC_TMP/in" t 20 "$_bin" -u - \
		    UDP4-SENDTO:127.0.0.1:"$_p" 2>"$SC_TMP/e"
		_c=$BG_PID
		echo a >&7
		assertTrue "$_bin: goes on" "still_running $_c 1"
		exec 7>&-
		wait_exit "$_c"
		assertEquals "$_bin: status" 0 "$WAIT_STATUS"
		assertEquals "$_bin: quiet" "" "$(<"$SC_TMP/e")"
	done
}

# UDP-SENDTO: both ways: a refusal of what was sent (nothing listens on
# the port yet) is not heard either: the sender goes on, what it sends
# once something listens arrives, and it ends with stdin, status 0,
# quiet.  UDP: (a connected socket) hears the refusal: status 1.  Both
# socats alike.
test_sendto_refusals_unheard() {
	for _bin in "$REAL" "$OURS"; do
		_up=$(free_port udp)
		rm -f "$SC_TMP/in" "$SC_TMP/got"
		held_stdin in 7
		bg_in "$SC_TMP/in" t 20 "$_bin" - UDP4-SENDTO:127.0.0.1:"$_up" \
		    >/dev/null 2>"$SC_TMP/e"
		_c=$BG_PID
		echo refused >&7
		assertTrue "$_bin: goes on" "still_running $_c 1"
		bg t 20 "$REAL" -d -d -u UDP4-RECV:"$_up" CREATE:"$SC_TMP/got" \
		    2>"$SC_TMP/r.err" 7>&-
		_rcv=$BG_PID
		wait_for "$SC_TMP/r.err" '(starting data transfer|Bound on)' ||
		    fail "$_bin: no UDP4-RECV"
		echo heard >&7
		wait_for "$SC_TMP/got" heard
		assertEquals "$_bin: sent once heard" heard "$(<"$SC_TMP/got")"
		exec 7>&-
		wait_exit "$_c"
		assertEquals "$_bin: status" 0 "$WAIT_STATUS"
		assertEquals "$_bin: quiet" "" "$(<"$SC_TMP/e")"
		stop "$_rcv"
		# A connected socket hears it.
		rm -f "$SC_TMP/in"
		held_stdin in 7
		bg_in "$SC_TMP/in" t 20 "$_bin" - UDP4:127.0.0.1:"$_up" \
		    >/dev/null 2>"$SC_TMP/e"
		_c=$BG_PID
		echo refused >&7
		echo again >&7
		wait_exit "$_c"
		exec 7>&-
		assertEquals "$_bin: UDP4: status" 1 "$WAIT_STATUS"
		assertContains "$_bin: UDP4: why" "$(<"$SC_TMP/e")" \
		    "Connection refused"
	done
}

# shut-null: stdin's end is sent as an empty datagram; null-eof: an
# empty datagram read is the end, what follows it is not read.  Without
# null-eof an empty datagram is none.  Both socats alike; with -u
# UDP-SENDTO: never hears that its datagram was refused.  On a stream,
# shut-null is an empty write: the end is not said.
test_shut_null_eof() {
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		_p=$(free_port udp)
		rm -f "$SC_TMP/sn.out"
		bg t 20 "$_bin" -d -d -u UDP4-RECV:"$_p",null-eof \
		    CREATE:"$SC_TMP/sn.out" 2>"$SC_TMP/sn.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/sn.err" '(starting data transfer|Bound on)' ||
		    fail "$_n: no UDP4-RECV"
		echo first | t 10 "$_bin" -u - \
		    UDP4-SENDTO:127.0.0.1:"$_p",shut-null 2>"$SC_TMP/e"
		assertEquals "$_n: shut-null: status" 0 $?
		wait_exit "$_srv"
		assertEquals "$_n: null-eof: ended" 0 "$WAIT_STATUS"
		echo second | t 10 "$_bin" -u - \
		    UDP4-SENDTO:127.0.0.1:"$_p",shut-null 2>"$SC_TMP/e"
		assertEquals "$_n: to a port gone: status" 0 $?
		assertEquals "$_n: to a port gone: quiet" "" "$(<"$SC_TMP/e")"
		assertEquals "$_n: what came before the end" "first" \
		    "$(<"$SC_TMP/sn.out")"
		# Without null-eof, an empty datagram is passed over.
		bg t 20 "$_bin" -d -d -u UDP4-RECV:"$_p" \
		    CREATE:"$SC_TMP/sn.out" 2>"$SC_TMP/sn.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/sn.err" '(starting data transfer|Bound on)' ||
		    fail "$_n: no UDP4-RECV"
		echo third | t 10 "$_bin" -u - \
		    UDP4-SENDTO:127.0.0.1:"$_p",shut-null 2>"$SC_TMP/e"
		wait_for "$SC_TMP/sn.out" third
		assertTrue "$_n: no null-eof: not the end" \
		    "still_running $_srv 1"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
	done
	# With a socket, and on a stream: refused.
	t 20 "$OURS" UDP4:127.0.0.1:9,null-eof TCP:127.0.0.1:1 </dev/null \
	    >"$SC_TMP/o" 2>"$SC_TMP/e"
	assertEquals "with a socket: status" 1 $?
	assertContains "with a socket: why" "$(<"$SC_TMP/e")" \
	    "shut-null, shut-none and null-eof are for a socket joined with stdio, a file or a program"
	t 20 "$OURS" TCP:127.0.0.1:1,null-eof - </dev/null >"$SC_TMP/o" \
	    2>"$SC_TMP/e"
	assertEquals "null-eof on a stream: status" 1 $?
	assertContains "null-eof on a stream: why" "$(<"$SC_TMP/e")" \
	    "option null-eof does not belong to a TCP: address"
	# A stream's shut-null is an empty write, and shut-none says
	# nothing: the server does not hear the end (its "bye" after it)
	# before the client is gone (shut-down, the default, says it), and
	# the client does not wait for an end the server will not make:
	# half a second, as after any end, then it goes.  Both.  With -t,
	# the wait for the far end's end is that long at most, and no
	# longer than the far end takes: -t 60 with a server that ends at
	# once ends with it.
	serve bye "$REAL" -d -d TCP4-LISTEN:0,reuseaddr,fork \
	    SYSTEM:'cat; echo bye'
	for _bin in "$REAL" "$OURS"; do
		for _s in shut-null shut-none; do
			_o=$(echo hi | t 20 "$_bin" - TCP:127.0.0.1:"$PORT,$_s")
			assertEquals "$_bin: TCP, $_s: status" 0 $?
			assertEquals "$_bin: TCP, $_s" "hi" "$_o"
		done
		assertEquals "$_bin: TCP, shut-down" "hi
bye" "$(echo hi | t 20 "$_bin" - TCP:127.0.0.1:"$PORT",shut-down)"
		_o=$(echo hi | t 20 "$_bin" -t 60 - TCP:127.0.0.1:"$PORT")
		assertEquals "$_bin: TCP, -t: status" 0 $?
		assertEquals "$_bin: TCP, the end said" "hi
bye" "$_o"
	done
	# Under sockcat's name, --quit-after's own time stands for a
	# socket not told the end: the late answer (a second on) is read.
	serve late "$REAL" -d -d TCP4-LISTEN:0,reuseaddr,fork \
	    SYSTEM:'head -c 3; sleep 1; echo late'
	for _s in shut-null shut-none; do
		_o=$(echo hi | t 40 "$SC" --quit-after 30 - \
		    tcp:127.0.0.1:"$PORT,$_s")
		assertEquals "--quit-after, $_s: status" 0 $?
		assertEquals "--quit-after, $_s: the late answer" "hi
late" "$_o"
	done
}

# socat's -t default: a dialled socket's far end, after standard input's
# end, is waited for half a second, then socat ends, whether or not the
# far end ends; the echo read before it is printed.  A server that keeps
# the connection (its program's output held by a sleep, its own -t
# long): both socats end, with the echo, far before the server does.
test_t_default_after_stdin_end() {
	serve keep "$REAL" -d -d -t 30 TCP4-LISTEN:0,reuseaddr,fork \
	    SYSTEM:'cat; exec sleep 20'
	for _bin in "$REAL" "$OURS"; do
		_o=$(echo PING | t 10 "$_bin" - TCP:127.0.0.1:"$PORT")
		assertEquals "$_bin: status" 0 $?
		assertEquals "$_bin: the echo" "PING" "$_o"
	done
}

# socat's "- EXEC:PROG,pty,setsid,ctty" (its manual's ssh example) and
# sockcat-socat(7)'s READLINE EXEC:PROG,pty,setsid,ctty run under either
# name: the program on a pty of its own, its controlling terminal (it
# opens /dev/tty), its output shown, the end once it has exited; the
# real socat alike (READLINE it lacks here: it has no GNU readline).
test_program_on_a_pty_either_name() {
	printf '#!/bin/sh\ntty\nexec </dev/tty && echo ok\n' >"$SC_TMP/prog"
	chmod +x "$SC_TMP/prog"
	held_stdin pty.in 7
	for _bin in "$REAL" "$OURS" "$SC"; do
		t 20 "$_bin" - EXEC:"$SC_TMP/prog",pty,setsid,ctty \
		    <"$SC_TMP/pty.in" >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin: status" 0 $?
		assertEquals "$_bin: its controlling terminal" \
		    "/dev/pts/N ok" "$(tr -d '\r' <"$SC_TMP/o" |
		    sed 's,^/dev/pts/[0-9]*$,/dev/pts/N,' | paste -sd ' ')"
		assertEquals "$_bin: stderr" "" "$(<"$SC_TMP/e")"
	done
	exec 7>&-
	for _bin in "$OURS" "$SC"; do
		on_tty rl expect:'/dev/pts/[0-9]+\s+ok' exit:0 -- \
		    "$_bin" READLINE EXEC:"$SC_TMP/prog",pty,setsid,ctty
		assertEquals "$_bin: READLINE: $(<"$SC_TMP/rl.err")" 0 $?
	done
}

# socat's forms that sockcat's own name refuses: each refusal says, in
# its one line, that socat's name runs it; and socat's name does.
test_socat_forms_under_our_name() {
	_h="socat's command line runs under the name socat (a link to sockcat)"
	expect_error "- EXEC:cat: a program on stdin and stdout is itself: run it without sockcat; $_h" \
	    - EXEC:cat
	assertEquals "- EXEC:cat, as socat" "hi" \
	    "$(echo hi | t 20 "$OURS" - EXEC:cat)"
	expect_error "STDIO STDIO: stdin and stdout with themselves is cat's; $_h" \
	    STDIO STDIO
	assertEquals "STDIO STDIO, as socat" "hi" \
	    "$(echo hi | t 20 "$OURS" STDIO STDIO)"
	expect_error "- OPEN:$SC_TMP/f: a file with stdin and stdout, or another file, is the shell's: use cat; $_h" \
	    - OPEN:"$SC_TMP/f"
	expect_error "EXEC:cat OPEN:$SC_TMP/f: a program with a file is the shell's redirection: run it without sockcat; $_h" \
	    EXEC:cat OPEN:"$SC_TMP/f"
	assertFalse "no file made" "[ -e '$SC_TMP/f' ]"
	echo hi | t 20 "$OURS" -u - OPEN:"$SC_TMP/f",creat
	assertEquals "- OPEN:, as socat" "hi" "$(<"$SC_TMP/f")"
	expect_error "EXEC:cat EXEC:cat: two programs are joined as socat's only; $_h" \
	    EXEC:cat EXEC:cat
	for _u in -u -U; do
		expect_error "- TCP:127.0.0.1:1: the addresses say what -l, -U, -u, --vsock, -e, -c and --fifo would: not with them; -u and -U as socat's: $_h" \
		    $_u - TCP:127.0.0.1:1
	done
	expect_error "UDP-RECV:0: it only receives: give it with -u as the first address, or -U as the second; $_h" \
	    UDP-RECV:0 PIPE
	expect_error "UDP-RECV:0 TCP:127.0.0.1:1: a *-RECV: address is joined with standard input and output, a file, a descriptor or a program alone" \
	    UDP-RECV:0 TCP:127.0.0.1:1
	# socat's letters with values, read as nc's.
	expect_error "missing port number; $_h" -x TCP-LISTEN:0 -
	expect_error "port number invalid: -; $_h" -t 0.5 - TCP:127.0.0.1:1
	t 20 "$SC" -x TCP-LISTEN:8080 TCP:127.0.0.1:1 </dev/null \
	    >/dev/null 2>"$SC_TMP/e"
	assertEquals "-x ADDRESS: status" 1 $?
	assertContains "-x ADDRESS" "$(<"$SC_TMP/e")" \
	    "(socat's -x is --hex-dump FILE here; $_h)"
	t 5 "$SC" -L "$SC_TMP/lock" - TCP:127.0.0.1:1 </dev/null \
	    >/dev/null 2>"$SC_TMP/e"
	assertEquals "-L: status" 1 $?
	assertEquals "-L" "sockcat: $_h" "$(tail -n 1 "$SC_TMP/e")"
	# Written as nc's, it is told as before.
	expect_error "missing port number" -x 127.0.0.1:1080 -
}

# fifo_waits PID: a child of PID (the timeout that runs a socat) waits
# in open(2) for a named pipe's other end, its setting up done.
fifo_waits() {
	for _c in $(pgrep -P "$1"); do
		[ "$(cat "/proc/$_c/wchan" 2>/dev/null)" = wait_for_partner ] &&
		    return 0
	done
	return 1
}

# True when stat(1)'s words $1 give $3 of file $2: wait_until runs it
# anew each time (a "$(stat ...)" among its arguments would run once).
stat_is() {
	# shellcheck disable=SC2086
	[ "$(stat $1 "$2" 2>/dev/null)" = "$3" ]
}

# socat's file-system options, both socats alike: perm=, user=, group=
# and umask= of the entry made, unlink-close; a named pipe made and
# waited on is removed when a signal ends the wait; empty options are
# passed over.
test_entry_options() {
	_user=$(awk -F: '$3 != 0 { n = $1 } END { print n }' /etc/passwd)
	_group=$(awk -F: '$3 != 0 { n = $1 } END { print n }' /etc/group)
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		rm -f "$SC_TMP"/e.*
		t 20 "$_bin" -U CREATE:"$SC_TMP/e.c",,unlink-close=0,umask=177 \
		    FILE:/dev/null
		assertEquals "$_n: CREATE, umask" "600" \
		    "$(stat -c %a "$SC_TMP/e.c")"
		bg t 20 "$_bin" -u PIPE:"$SC_TMP/e.p",perm=0640,unlink-close=0, \
		    FILE:/dev/null
		_p=$BG_PID
		wait_until test -p "$SC_TMP/e.p"
		assertEquals "$_n: PIPE, perm" "640" \
		    "$(stat -c %a "$SC_TMP/e.p")"
		kill "$_p"
		wait_exit "$_p"
		bg t 20 "$_bin" -u PIPE:"$SC_TMP/e.q" FILE:/dev/null
		_p=$BG_PID
		# Made, and waited on: past its making (a signal between the
		# two could leave it, in socat).
		wait_until fifo_waits "$_p" ||
		    fail "$_n: no wait on the pipe: $(ps -o pid,wchan:32,cmd --ppid "$_p")"
		kill "$_p"
		wait_exit "$_p"
		assertFalse "$_n: PIPE removed" "[ -e '$SC_TMP/e.q' ]"
		echo x | t 20 "$_bin" -u - \
		    OPEN:"$SC_TMP/e.u",creat,user="$_user",group="$_group"
		assertEquals "$_n: OPEN, user, group" "$_user $_group" \
		    "$(stat -c '%U %G' "$SC_TMP/e.u")"
		echo x | t 20 "$_bin" -u - OPEN:"$SC_TMP/e.x",creat,unlink-close
		assertFalse "$_n: unlink-close" "[ -e '$SC_TMP/e.x' ]"
		# A named pipe's owner is set before it waits for a writer.
		bg t 20 "$_bin" -u PIPE:"$SC_TMP/e.w",user="$_user" \
		    FILE:/dev/null
		_p=$BG_PID
		wait_until test -p "$SC_TMP/e.w"
		wait_until stat_is "-c %U" "$SC_TMP/e.w" "$_user"
		assertEquals "$_n: PIPE, user" "$_user" \
		    "$(stat -c %U "$SC_TMP/e.w")"
		kill "$_p"
		wait_exit "$_p"
		# A Unix listener's socket file: umask=, perm=, user=, and
		# kept after it with unlink-close=0.
		_o=umask=0177,user="$_user",group="$_group",unlink-close=0
		bg t 20 "$_bin" UNIX-LISTEN:"$SC_TMP/e.s,$_o" FILE:/dev/null
		_p=$BG_PID
		wait_until unix_listening "$SC_TMP/e.s"
		wait_until stat_is "-c %U" "$SC_TMP/e.s" "$_user"
		assertEquals "$_n: UNIX-LISTEN, umask, user, group" \
		    "600 $_user $_group" "$(stat -c '%a %U %G' "$SC_TMP/e.s")"
		kill "$_p"
		wait_exit "$_p"
		assertTrue "$_n: unlink-close=0" "[ -S '$SC_TMP/e.s' ]"
		bg t 20 "$_bin" UNIX-LISTEN:"$SC_TMP/e.r",perm=0604 \
		    FILE:/dev/null,ignoreeof
		_p=$BG_PID
		wait_until unix_listening "$SC_TMP/e.r"
		wait_until stat_is "-c %a" "$SC_TMP/e.r" 604
		assertEquals "$_n: UNIX-LISTEN, perm" "604" \
		    "$(stat -c %a "$SC_TMP/e.r")"
		kill "$_p"
		wait_exit "$_p"
		# A pty's terminal, named by its link, takes perm=, user= and
		# group=, or socat's late ones, which it is set by alike.
		for _l in "" -late; do
			_o=perm$_l=0604,user$_l="$_user",group$_l="$_group"
			bg t 20 "$_bin" PTY,link="$SC_TMP/e.t$_l,$_o" \
			    FILE:/dev/null,ignoreeof
			_p=$BG_PID
			wait_until test -c "$SC_TMP/e.t$_l"
			wait_until stat_is "-L -c %U" "$SC_TMP/e.t$_l" "$_user"
			assertEquals "$_n: PTY, $_o" "604 $_user $_group" \
			    "$(stat -L -c '%a %U %G' "$SC_TMP/e.t$_l")"
			kill "$_p"
			wait_exit "$_p"
		done
	done
}

# login: the program's argv[0] has "-" before it, as written, so that a
# shell is a login shell (its $0 says so); a SYSTEM: command is refused
# it.  Both socats alike.  The real socat refuses it in its child: its
# standard input held open, it waits for that child and says so in its
# status (at an end of file it could end first, with 0).
test_exec_login() {
	held_stdin login.in 7
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: EXEC:sh,login" "-sh" \
		    "$(echo 'echo $0' | t 20 "$_bin" - EXEC:sh,login)"
		assertEquals "$_bin: EXEC:/bin/sh,login" "-/bin/sh" \
		    "$(echo 'echo $0' | t 20 "$_bin" - EXEC:/bin/sh,login)"
		assertEquals "$_bin: without it" "sh" \
		    "$(echo 'echo $0' | t 20 "$_bin" - EXEC:sh)"
		t 20 "$_bin" - SYSTEM:true,login <"$SC_TMP/login.in" \
		    >/dev/null 2>&1
		assertEquals "$_bin: SYSTEM:,login: status" 1 $?
	done
	exec 7>&-
	socat_refused "SYSTEM:true,login: login is EXEC:'s, not a shell command's" \
	    - SYSTEM:true,login
}

# nofork: the program runs in socat's place, a file its stdin (-u) or
# stdout (-U), the other ours; a terminal opened by its path (GOPEN) made
# raw, before a PTY,opost=0: both socats alike.
test_nofork_and_tty() {
	printf 'from a file\n' >"$SC_TMP/in"
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		assertEquals "$_n: nofork, -u" "from a file" \
		    "$(t 20 "$_bin" -u "$SC_TMP/in" EXEC:cat,nofork)"
		rm -f "$SC_TMP/out"
		t 20 "$_bin" -U "$SC_TMP/out" 'EXEC:echo "a  b",nofork'
		assertEquals "$_n: nofork, -U" "a b" "$(<"$SC_TMP/out")"
		assertEquals "$_n: nofork, setsid" "up" \
		    "$(echo up | t 20 "$_bin" - SYSTEM:cat,nofork,setsid)"
		serve nofork "$_bin" -d -d TCP4-LISTEN:0 EXEC:cat,nofork
		assertEquals "$_n: nofork, a connection" "conn" \
		    "$(echo conn | t 20 "$SC" -N 127.0.0.1 "$PORT")"
		wait_exit "$SERVE_PID"
		bg t 20 "$_bin" PTY,echo=0,opost=0,link="$SC_TMP/tty" PIPE
		_p=$BG_PID
		wait_until test -e "$SC_TMP/tty"
		assertEquals "$_n: a terminal by its path, raw" "tty" \
		    "$( (echo tty; sleep 0.5) | t 20 "$_bin" - \
		    "$SC_TMP/tty",cfmakeraw)"
		kill "$_p"
		wait_exit "$_p"
	done
	# nofork on a pty: its program a child, whose signal ends us with
	# the signal's status, as socat's system() has it.
	printf '#!/bin/sh\necho $PPID >"$1"\nexec sleep 30\n' \
	    >"$SC_TMP/prog"
	chmod +x "$SC_TMP/prog"
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/ppid"
		bg t 20 "$_bin" PIPE SYSTEM:"exec\ $SC_TMP/prog\ $(
		    )$SC_TMP/ppid",pty,setsid,nofork
		_p=$BG_PID
		wait_until test -s "$SC_TMP/ppid" || fail "$_bin: no program"
		kill -TERM "$(<"$SC_TMP/ppid")"
		wait_exit "$_p"
		assertEquals "$_bin: nofork, pty: SIGTERM's status" 143 \
		    "$WAIT_STATUS"
	done
}

# nofork: the program in our place gets the signals any program of ours
# gets, SIGPIPE at its default (ours is ignored) and none blocked, so a
# writer whose reader has gone dies quietly.
test_nofork_default_signals() {
	rm -f "$SC_TMP/out"
	t 20 "$OURS" -U "$SC_TMP/out" \
	    'EXEC:grep -E ^Sig(Ign|Blk) /proc/self/status,nofork'
	ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$SC_TMP/out")
	blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "$SC_TMP/out")
	assertNotNull "SigIgn read" "$ign"
	assertEquals "SIGPIPE ignored" 0 $(( 0x$ign & 0x1000 ))
	assertEquals "signals blocked" 0 $(( 0x$blk ))
	t 20 "$OURS" -U - SYSTEM:yes,nofork 2>"$SC_TMP/err" | head -n 1 \
	    >"$SC_TMP/out"
	assertEquals "yes ends quietly" "y " \
	    "$(<"$SC_TMP/out") $(<"$SC_TMP/err")"
}

# speeds_of TTY: its input and output speeds, as termios codes.
speeds_of() {
	t 10 python3 -c 'import os, sys, termios
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
a = termios.tcgetattr(fd)
print(a[4], a[5])' "$1"
}

# ispeed= and ospeed=: a terminal's speeds, socat's termios code (14 is
# B19200, 13 B9600 on Linux), of a PTY, a program's pty and a terminal
# opened by its path; both socats alike.  Not a whole number: socat's
# words.  Ours takes bits per second too (19200).
# socat's manual's serial console lines, with a pseudo-terminal standing
# in for the serial line (tests/ttyline.py), beside the real socat: the
# terminal options (bN, raw, echo=0, rawer) on a terminal opened by its
# path (GOPEN), crnl on it, escape= on stdin.
test_serial_console_lines() {
	_line="python3 ${TESTS_DIR:-$(dirname "$0")}/ttyline.py"
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: -u - TTY,b115200,raw,echo=0" \
		    "line=b'hello\\nworld\\n' speed=4098 echo=0 icanon=0 opost=0 out=b'' status=0" \
		    "$(t 30 $_line --input 'hello\nworld\n' -- "$_bin" -u - \
		    TTY,b115200,raw,echo=0)"
		assertEquals "$_bin: -,escape=0x0f TTY,rawer,crnl" \
		    "line=b'abc\\r\\n' echo=0 icanon=0 opost=0 out=b'xyz\\n' status=0" \
		    "$(t 30 $_line --input 'abc\n' --answer 'xyz\r\n' --escape \
		    -- "$_bin" -,escape=0x0f TTY,rawer,crnl | sed 's/ speed=[0-9]*//')"
	done
	# A terminal's option on what is no terminal: one line, status 1.
	: >"$SC_TMP/plain"
	for _o in b115200 raw echo=0 icanon=0; do
		t 10 "$OURS" -u - "$SC_TMP/plain,$_o" </dev/null >"$SC_TMP/o" \
		    2>"$SC_TMP/e"
		assertEquals "$_o: status" 1 $?
		assertEquals "$_o: one line" 1 "$(wc -l <"$SC_TMP/e")"
		assertContains "$_o: said" "$(<"$SC_TMP/e")" \
		    "E $SC_TMP/plain,$_o: ${_o%=*} is a terminal's option, and this is no terminal"
	done
	# crnl of a socket whose other side is another socket too: what
	# comes from it loses its CRs, what goes to it has CR LF.
	serve echo "$REAL" -d -d TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork \
	    EXEC:cat
	_echo=$PORT
	for _bin in "$REAL" "$OURS"; do
		serve fwd "$_bin" -d -d TCP-LISTEN:0,bind=127.0.0.1,crnl \
		    TCP:127.0.0.1:"$_echo"
		assertEquals "$_bin: crnl to a socket" \
		    "$(printf 'a\r\nb\r\n' | od -An -c)" \
		    "$(printf 'a\r\nb\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" |
		    od -An -c)"
		wait_exit "$SERVE_PID"
	done
}

# modes_of TTY: a terminal's flags (its c_cflag without the speeds) and
# its special characters, as tcgetattr(3) gives them.
modes_of() {
	t 10 python3 -c 'import os, sys, termios
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
a = termios.tcgetattr(fd)
speed = termios.CBAUD | termios.CBAUDEX
print(a[0], a[1], a[2] & ~speed, a[3],
    [c if isinstance(c, int) else ord(c) for c in a[6]])' "$1"
}

# lnext_is TTY N: is the terminal's VLNEXT N yet (every test line below
# ends with lnext=7, made in the same tcsetattr(3) as the others)?
lnext_is() {
	[ "$(t 10 python3 -c 'import os, sys, termios
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
c = termios.tcgetattr(fd)[6][termios.VLNEXT]
print(c if isinstance(c, int) else ord(c))' "$1")" = "$2" ]
}

# socat's terminal options (the everyday serial console's cs8, ixon=0,
# min=, sane, ...): the same modes as the real socat makes, in the order
# written, on a PTY, on a terminal opened by its path (GOPEN, a pty
# standing in for the serial line) and on a program's pty.  Our PTY
# starts raw and socat's cooked, so both start from sane,ixon there.
# rawer keeps the speed (socat's makes it 0): modes_of leaves it out.
test_terminal_modes() {
	set -- "raw" "rawer,echo=1" "echo=1,rawer" "cfmakeraw,min=3" \
	    "min=5,intr=1,erase=2,sane" \
	    "crdly=3,tabdly=2,cr1,nl1,bs1,vt1,ff1,xtabs" \
	    "hup=1,cstopb=1,clocal=1,tandem,ctlecho,crterase,crtkill=1,prterase" \
	    "rawer,echo,ixany,iuclc,olcuc,xcase,ixon,ixon=0" \
	    "ignbrk,ignpar,parmrk,inpck,istrip,inlcr,igncr,ocrnl,echonl,noflsh,tostop,flusho,raw" \
	    "eof=1,eol=2,eol2=3,swtc=4,start=5,stop=6,susp=7,reprint=8,discard=9,werase=10,quit=12,kill=13,time=14" \
	    "icanon=0,isig=0,iexten=0,echo=0,echoe=0,echok=0,echoctl=0,echoke=0,opost=0,onlcr=0,icrnl=0,brkint=0,imaxbel=0,onocr,onlret,ofill,ofdel,pendin"
	for _o in "$@"; do
		for _bin in "$REAL" "$OURS"; do
			_who=ours
			[ "$_bin" = "$REAL" ] && _who=real
			rm -f "$SC_TMP/tty"
			bg t 20 "$_bin" PTY,link="$SC_TMP/tty",sane,ixon,$_o,lnext=7 \
			    PIPE
			_p=$BG_PID
			wait_until eval 'lnext_is "$SC_TMP/tty" 7 2>/dev/null' ||
			    fail "$_bin: PTY,$_o: not made"
			modes_of "$SC_TMP/tty" >"$SC_TMP/pty.$_who"
			kill "$_p"
			wait_exit "$_p"
		done
		assertEquals "PTY,$_o" "$(<"$SC_TMP/pty.real")" \
		    "$(<"$SC_TMP/pty.ours")"
		# A program's pty, each socat's own new one (ours has a
		# window's size, socat's none).
		_real=$(t 10 "$REAL" -u SYSTEM:'stty -a <&1',pty,$_o - </dev/null |
		    sed 's/speed [0-9]* baud; //; s/rows [0-9]*; columns [0-9]*; //')
		assertContains "socat ran stty: $_o" "$_real" "intr ="
		assertEquals "EXEC,pty,$_o" "$_real" \
		    "$(t 10 "$OURS" -u SYSTEM:'stty -a <&1',pty,$_o - </dev/null |
		    sed 's/speed [0-9]* baud; //; s/rows [0-9]*; columns [0-9]*; //')"
	done
	# A terminal opened by its path: its own modes again at exit.
	rm -f "$SC_TMP/line"
	bg t 60 "$REAL" PTY,link="$SC_TMP/line",rawer,lnext=23 PIPE
	_h=$BG_PID
	wait_until eval 'lnext_is "$SC_TMP/line" 23 2>/dev/null' ||
	    fail "the line is not made"
	_before=$(modes_of "$SC_TMP/line")
	for _o in "$@"; do
		for _bin in "$REAL" "$OURS"; do
			_who=ours
			[ "$_bin" = "$REAL" ] && _who=real
			bg t 20 "$_bin" -u GOPEN:"$SC_TMP/line",$_o,lnext=7 \
			    /dev/null
			_g=$BG_PID
			wait_until eval 'lnext_is "$SC_TMP/line" 7' ||
			    fail "$_bin: GOPEN,$_o: not made"
			modes_of "$SC_TMP/line" >"$SC_TMP/gopen.$_who"
			kill "$_g"
			wait_exit "$_g"
			wait_until eval 'lnext_is "$SC_TMP/line" 23'
			assertEquals "$_bin: GOPEN,$_o: the modes back" \
			    "$_before" "$(modes_of "$SC_TMP/line")"
		done
		assertEquals "GOPEN,$_o" "$(<"$SC_TMP/gopen.real")" \
		    "$(<"$SC_TMP/gopen.ours")"
	done
	kill "$_h"
	wait_exit "$_h"
}

# socat's other names of options taken (lseek64=, o_create, o_excl, uid=,
# gid=): the same as under the real socat.
test_option_aliases() {
	printf abcdef >"$SC_TMP/f"
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: lseek64=" "cdef" \
		    "$(t 10 "$_bin" -u OPEN:"$SC_TMP/f",lseek64=2 - </dev/null)"
		assertEquals "$_bin: lseek32-end=" "ef" \
		    "$(t 10 "$_bin" -u OPEN:"$SC_TMP/f",lseek32-end=-2 - \
		    </dev/null)"
		rm -f "$SC_TMP/g"
		echo x | t 10 "$_bin" -u - OPEN:"$SC_TMP/g",o_create,o_excl,uid=0,gid=0
		assertEquals "$_bin: o_create: status" 0 $?
		assertEquals "$_bin: o_create" "x 0:0" \
		    "$(cat "$SC_TMP/g") $(stat -c %u:%g "$SC_TMP/g")"
		echo y | t 10 "$_bin" -u - OPEN:"$SC_TMP/g",o_create,o_excl \
		    2>/dev/null
		assertNotEquals "$_bin: o_excl: status" 0 $?
		assertEquals "$_bin: o_excl: kept" "x" "$(cat "$SC_TMP/g")"
	done
}

# socat's path= of a program: where it is looked for, and its PATH; a
# program not there is said.  Both socats alike.
test_exec_path() {
	mkdir -p "$SC_TMP/pbin"
	printf '#!/bin/sh\necho "found: $PATH"\n' >"$SC_TMP/pbin/sc-hello"
	chmod +x "$SC_TMP/pbin/sc-hello"
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: EXEC,path=" "found: $SC_TMP/pbin" \
		    "$(t 10 "$_bin" -u EXEC:sc-hello,path="$SC_TMP/pbin" - \
		    </dev/null)"
		assertEquals "$_bin: SYSTEM,path=" "$SC_TMP/pbin:/bin" \
		    "$(t 10 "$_bin" -u SYSTEM:'echo $PATH',path="$SC_TMP/pbin:/bin" \
		    - </dev/null)"
		t 10 "$_bin" -u EXEC:sc-hello,path="$SC_TMP/none" - </dev/null \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		_st=$?
		# The real socat's status races its child's exit (0 or 1,
		# about one run in three 0): ours waits for the child.
		[ "$_bin" = "$OURS" ] &&
		    assertEquals "$_bin: not there: status" 1 "$_st"
		assertContains "$_bin: not there: said" "$(<"$SC_TMP/e")" \
		    "No such file or directory"
	done
}

# socat's setpgid=0: a program in a process group of its own; without it,
# in ours.  Both socats alike.  (socat's manual says setpgid without a
# value is the same; its 1.7.4 leaves the group as it is: ours does as
# its manual says.)
test_exec_setpgid() {
	printf '#!/bin/sh\nps -o pid=,pgid= -p $$\n' >"$SC_TMP/pg"
	chmod +x "$SC_TMP/pg"
	for _bin in "$REAL" "$OURS"; do
		set -- $(t 10 "$_bin" -u EXEC:"$SC_TMP/pg",setpgid=0 - </dev/null)
		assertEquals "$_bin: setpgid=0: its own group" "$1" "${2:-none}"
		set -- $(t 10 "$_bin" -u EXEC:"$SC_TMP/pg" - </dev/null)
		assertNotEquals "$_bin: without: ours" "$1" "${2:-$1}"
	done
	set -- $(t 10 "$OURS" -u EXEC:"$SC_TMP/pg",setpgid - </dev/null)
	assertEquals "setpgid: its own group" "$1" "${2:-none}"
	t 10 "$OURS" -u EXEC:"$SC_TMP/pg",setpgid=x - </dev/null >/dev/null \
	    2>"$SC_TMP/e"
	assertEquals "setpgid=x: status" 1 $?
	assertContains "setpgid=x: said" "$(<"$SC_TMP/e")" \
	    "option setpgid takes a process group's id, 0 for its own"
}

# A recording played is the other party whole, both ways: socat's -u and
# -U have no way of it to leave out.
test_oneway_with_recording_refused() {
	printf 'sockcat-record 1\n0 server "x"\n' >"$SC_TMP/x.rec"
	for dir in -u -U; do
		socat_refused "TCP-L:0,bind=127.0.0.1 REPLAY:$SC_TMP/x.rec: -u and -U are not supported with a recording played" \
		    $dir TCP-L:0,bind=127.0.0.1 "REPLAY:$SC_TMP/x.rec"
	done
}

# What a terminal's options cannot be: one line each, status 1.
test_terminal_mode_refusals() {
	: >"$SC_TMP/f"
	socat_refused "$SC_TMP/f,icrnl: icrnl is a terminal's option, and this is no terminal" \
	    -u - "$SC_TMP/f,icrnl"
	socat_refused "$SC_TMP/f,min=3: vmin is a terminal's option, and this is no terminal" \
	    -u - "$SC_TMP/f,min=3"
	socat_refused "PTY,crdly=4: option crdly takes 0 to 3" -u - PTY,crdly=4
	socat_refused "PTY,csize=9: option csize takes 0 to 3" -u - PTY,csize=9
	socat_refused "PTY,intr=256: option intr takes a byte's value, as 27 or 0x1b" \
	    -u - PTY,intr=256
	socat_refused "PTY,cs8=2: option cs8 takes 0 or 1" -u - PTY,cs8=2
	socat_refused "EXEC:cat,sane: sane is a terminal's: the program's needs pty" \
	    -u - EXEC:cat,sane
	socat_refused "EXEC:cat,ctty: ctty is a terminal's: the program's needs pty" \
	    -u - EXEC:cat,ctty
	socat_refused "TCP:127.0.0.1:1,echo=0: option echo does not belong to a TCP: address" \
	    -u - TCP:127.0.0.1:1,echo=0
	# One of socat's that sockcat lacks: not said to be misplaced.
	socat_refused "TCP:127.0.0.1:1,res-debug=1: sockcat has no option res-debug" \
	    -u - TCP:127.0.0.1:1,res-debug=1
	# sockcat's own grammar: socat's alone, said so.
	t 10 "$SC" - "file:$SC_TMP/f,icrnl" </dev/null >/dev/null \
	    2>"$SC_TMP/e"
	assertEquals "file:,icrnl: status" 1 $?
	assertEquals "file:,icrnl: said" "$(basename "$SC"): file:$SC_TMP/f,icrnl: option icrnl is socat's: write the address as socat does, FILE:...,icrnl" \
	    "$(<"$SC_TMP/e")"
}

# A pseudo-terminal used one way (-u): read from, what is written to its
# link comes out; written to, what is read from its link is what came in.
# Both socats alike.
test_pty_one_way() {
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/tty"
		bg t 20 "$_bin" -u PTY,link="$SC_TMP/tty",rawer STDOUT \
		    >"$SC_TMP/from"
		_p=$BG_PID
		wait_until test -e "$SC_TMP/tty" || fail "$_bin: no pty"
		# The link comes before the terminal is made raw, which
		# flushes what it holds (TCSAFLUSH): the line again, until
		# it is read.
		for _try in 1 2 3 4 5 6 7 8 9 10; do
			printf 'from the line\n' >"$SC_TMP/tty"
			wait_for "$SC_TMP/from" '^from the line$' 2 && break
		done
		assertTrue "$_bin: read from" \
		    "file_matches '$SC_TMP/from' '^from the line\$'"
		kill "$_p"
		wait_exit "$_p"
		rm -f "$SC_TMP/tty" "$SC_TMP/in"
		held_stdin in 7
		bg_in "$SC_TMP/in" t 20 "$_bin" -u STDIN PTY,link="$SC_TMP/tty",rawer
		_p=$BG_PID
		wait_until test -e "$SC_TMP/tty" || fail "$_bin: no pty"
		echo "to the line" >&7
		assertEquals "$_bin: written to" "to the line" \
		    "$(t 10 head -n 1 "$SC_TMP/tty")"
		exec 7>&-
		kill "$_p" 2>/dev/null
		wait_exit "$_p"
	done
}

test_terminal_speeds() {
	for _bin in "$REAL" "$OURS"; do
		for _o in ispeed=14 ospeed=13; do
			rm -f "$SC_TMP/tty"
			bg t 20 "$_bin" PTY,link="$SC_TMP/tty",$_o PIPE
			_p=$BG_PID
			wait_until test -e "$SC_TMP/tty" || fail "$_bin: no pty"
			assertEquals "$_bin: PTY,$_o" "${_o#*=} ${_o#*=}" \
			    "$(speeds_of "$SC_TMP/tty")"
			kill "$_p"
			wait_exit "$_p"
		done
		assertEquals "$_bin: a program's pty" 9600 "$(t 10 "$_bin" - \
		    SYSTEM:'stty speed <&1',pty,ospeed=13 </dev/null |
		    tr -d '\r')"
		rm -f "$SC_TMP/tty"
		bg t 20 "$REAL" PTY,link="$SC_TMP/tty" PIPE
		_p=$BG_PID
		wait_until test -e "$SC_TMP/tty" || fail "no pty"
		bg t 20 "$_bin" -u GOPEN:"$SC_TMP/tty",ospeed=12 /dev/null
		_g=$BG_PID
		wait_until eval '[ "$(speeds_of "$SC_TMP/tty")" = "12 12" ]' ||
		    fail "$_bin: a terminal by its path: $(speeds_of \
		    "$SC_TMP/tty")"
		kill "$_g" "$_p"
		wait_exit "$_g"
		wait_exit "$_p"
		for _v in b19200 19200B; do
			t 10 "$_bin" - PTY,ispeed=$_v </dev/null >"$SC_TMP/o" \
			    2>"$SC_TMP/e"
			assertEquals "$_bin: ispeed=$_v: status" 1 $?
			assertEquals "$_bin: ispeed=$_v: nothing" "" \
			    "$(<"$SC_TMP/o")"
		done
		assertContains "$_bin: b19200 said" \
		    "$(t 10 "$_bin" - PTY,ispeed=b19200 </dev/null 2>&1)" \
		    "missing numerical value of option"
		assertContains "$_bin: 19200B said" \
		    "$(t 10 "$_bin" - PTY,ispeed=19200B </dev/null 2>&1)" \
		    "trailing garbage in numerical arg of option"
	done
	rm -f "$SC_TMP/tty"
	bg t 20 "$OURS" PTY,link="$SC_TMP/tty",ospeed=9600 PIPE
	_p=$BG_PID
	wait_until test -e "$SC_TMP/tty" || fail "no pty"
	assertEquals "bits per second" "13 13" "$(speeds_of "$SC_TMP/tty")"
	kill "$_p"
	wait_exit "$_p"
	: >"$SC_TMP/f"
	for _a in "PTY,link=$SC_TMP/tty,ispeed=19201 -|option ispeed: 19201 is no terminal's speed" \
	    "EXEC:cat,ospeed=13 -|ospeed is a terminal's: the program's needs pty" \
	    "OPEN:$SC_TMP/f,ospeed=13 TCP:127.0.0.1:1|ospeed is a terminal's option, and this is no terminal"; do
		# shellcheck disable=SC2086
		t 10 "$OURS" ${_a%|*} </dev/null >/dev/null 2>"$SC_TMP/e"
		assertEquals "${_a%|*}: status" 1 $?
		assertEquals "${_a%|*}: one line" 1 "$(wc -l <"$SC_TMP/e")"
		assertContains "${_a%|*}: said" "$(<"$SC_TMP/e")" "${_a#*|}"
	done
	assertFalse "no pty link made" "[ -e '$SC_TMP/tty' ]"
}

# socat's most copied terminal line, FILE:`tty`,raw,echo=0 with a
# connection: the terminal is raw while it lasts, the far end's bytes
# reach it, and its own modes come back when the far end's close ends
# the run half a second later (socat's -t; netcat would wait for the
# terminal, which never ends), or when a signal ends it; STDIO,raw,echo=0
# the same.  Both socats alike, on a terminal of their own.
test_terminal_raw_then_back() {
	for _bin in "$REAL" "$OURS"; do
		for _a in "FILE:/dev/tty,raw,echo=0" "STDIO,raw,echo=0"; do
			[ "$_bin" = "$REAL" ] && [ "${_a%%,*}" = STDIO ] &&
			    continue
			on_tty raw listen:tcp accept raw netsend:'far end\n' \
			    expect:'far end' netclose exit:0 cooked -- \
			    "$_bin" "$_a" TCP:127.0.0.1:@PORT@
			assertEquals "$_bin $_a: the modes, then back" 0 $?
			# socat exits 143 on SIGTERM; sockcat is ended by it.
			_st=-15
			[ "$_bin" = "$REAL" ] && _st=143
			on_tty sig listen:tcp accept raw signal:TERM \
			    exit:"$_st" cooked -- "$_bin" "$_a" \
			    TCP:127.0.0.1:@PORT@
			assertEquals "$_bin $_a: back after a signal" 0 $?
		done
	done
	# Typed bytes go out as they are: no line editing, no echo.
	on_tty typed listen:tcp accept raw send:'ab\x7fc\x03' \
	    netexpect:'ab\x7fc\x03' netclose exit:0 cooked -- \
	    "$OURS" FILE:/dev/tty,raw,echo=0 TCP:127.0.0.1:@PORT@
	assertEquals "typed bytes untouched" 0 $?
	assertNotContains "no echo" "$(tty_text typed)" "ab"
}

# The other half of that line, the server of a shell on a terminal:
# EXEC:'bash -li',pty,stderr,setsid,sigint,sane with a listener, met by
# the terminal line from a terminal.  The shell is on a pty of its own,
# its controlling one (job control on), the bytes pass both ways
# untouched (no window-size hello: that is --pty's), a ^C typed ends
# what runs there, and exit ends both.  Both socats alike.
test_shell_on_a_pty_served() {
	for _bin in "$REAL" "$OURS"; do
		serve shsrv "$_bin" -d -d TCP-LISTEN:0,reuseaddr,fork \
		    EXEC:'bash -li',pty,stderr,setsid,sigint,sane
		# (^C typed before the job runs would be the shell's; the job
		# is one process from its first word to its sleep, and one
		# that dies of SIGINT all along: dash, which catches it, would
		# take a ^C between its echo and its fork of sleep for its
		# own, wait for the sleep and let it run on; what is typed
		# before the ^C is taken is flushed with it; and bash takes
		# the next line once its prompt is back.)
		on_tty shell raw send:'tty; echo "[$-]"\r' \
		    expect:'/dev/pts/[0-9]+' expect:'\[[a-zA-Z]*m[a-zA-Z]*\]' \
		    send:'echo X$((6*7))\r' expect:'X42' \
		    send:"bash -c 'echo \$((5*5))R; exec sleep 30'\\r" \
		    expect:'25R' \
		    send:'\x03' expect:'\^C[\s\S]*[#$] ' \
		    send:'echo $((3*7))Z\r' \
		    expect:'21Z' \
		    send:'exit\r' exit:0 cooked -- \
		    "$REAL" FILE:/dev/tty,raw,echo=0 TCP:127.0.0.1:"$PORT"
		_st=$?
		_seen="$(<"$SC_TMP/shell.err")"
		_seen="$_seen $(tty_text shell | tail -c 600 | cat -v | tr '\n' '|')"
		assertEquals "$_bin: the shell, typed at: $_seen" 0 "$_st"
		assertNotContains "$_bin: no hello" "$(tty_text shell)" \
		    "1073;naws"
		stop "$SERVE_PID"
	done
}

# A program's descriptors (fdin=, fdout=) with a connection: both socats
# alike.
test_program_descriptors_served() {
	for _bin in "$REAL" "$OURS"; do
		serve fds "$_bin" -d -d TCP-LISTEN:0 \
		    SYSTEM:'tr a-z A-Z <\&3 >\&4',fdin=3,fdout=4
		assertEquals "$_bin: fdin=3, fdout=4" HELLO \
		    "$(echo hello | t 20 "$SC" -N 127.0.0.1 "$PORT")"
		wait_exit "$SERVE_PID"
	done
}

# A program on a pty: its stdout goes to the client, its stderr stays on
# socat's own unless stderr is given, then both go.  Both socats alike.
test_program_stderr_on_a_pty() {
	for _bin in "$REAL" "$OURS"; do
		for _opt in pty pty,stderr; do
			serve perr "$_bin" -d -d TCP-LISTEN:0 \
			    SYSTEM:'echo to-err >\&2; echo to-out',$_opt
			t 20 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/perr.got"
			wait_exit "$SERVE_PID"
			_got=$(tr -d '\r' <"$SC_TMP/perr.got" | tr '\n' ' ')
			_err=$(grep -c '^to-err$' "$SC_TMP/perr.err")
			case $_opt in
			pty) _want="to-out " _ewant=1 ;;
			*) _want="to-err to-out " _ewant=0 ;;
			esac
			assertEquals "$_bin $_opt: the client reads" \
			    "$_want" "$_got"
			assertEquals "$_bin $_opt: on socat's stderr" \
			    "$_ewant" "$_err"
		done
	done
}

# sigint (sighup, sigquit): the signal sent to socat goes to its
# programs, which live on, and socat with them; without it, socat ends.
# Both socats alike.
test_signal_passed_to_the_program() {
	printf '#!/bin/sh\ntrap "echo got INT" INT\ntrap "echo got HUP" HUP\necho ready\n%s\n' \
	    'while :; do sleep 0.1; done' >"$SC_TMP/trapper"
	chmod +x "$SC_TMP/trapper"
	for _bin in "$REAL" "$OURS"; do
		for _o in ,sigint ,sighup ""; do
			_sig=INT
			[ "$_o" = ,sighup ] && _sig=HUP
			serve sig "$_bin" -d -d TCP-LISTEN:0 \
			    EXEC:"$SC_TMP/trapper$_o"
			rm -f "$SC_TMP/sig.in"
			held_stdin sig.in 7
			bg_in "$SC_TMP/sig.in" t 20 "$SC" 127.0.0.1 "$PORT" \
			    >"$SC_TMP/sig.got"
			_cl=$BG_PID
			wait_for "$SC_TMP/sig.got" ready || fail "$_bin: no program"
			_sv=$(pgrep -P "$SERVE_PID" | head -n 1)
			kill -$_sig "$_sv"
			if [ -n "$_o" ]; then
				wait_for "$SC_TMP/sig.got" "got $_sig"
				assertContains "$_bin$_o: the program's" \
				    "$(<"$SC_TMP/sig.got")" "got $_sig"
				assertTrue "$_bin$_o: socat lives on" \
				    "still_running $SERVE_PID 0.3"
			else
				wait_exit "$SERVE_PID"
				assertNotEquals "$_bin: ended by it" 0 \
				    "$WAIT_STATUS"
			fi
			exec 7>&-
			stop "$SERVE_PID" "$_cl"
		done
	done
}

# sigint of a program beside standard input ("socat - EXEC:sh,pty,stderr,
# setsid,sigint,sane": ^C is for the shell's command, not for socat),
# beside a datagram socket or another program: the signal goes to the
# program, which lives on, and socat with it.  Both socats alike.
test_signal_passed_beside_stdio() {
	printf '#!/bin/sh\ntrap "echo got INT >&2" INT\necho ready >&2\n%s\n' \
	    'while :; do sleep 0.1; done' >"$SC_TMP/trapper"
	chmod +x "$SC_TMP/trapper"
	for _bin in "$REAL" "$OURS"; do
		for _a in - UDP-DATAGRAM:127.0.0.1:9,bind=127.0.0.1:0; do
			for _o in ,pty,stderr,setsid,sigint,sane ,sigint; do
				[ "$_a" = - ] || [ "$_o" = ,sigint ] || continue
				signal_beside "$_bin" "$_a" "$_o"
			done
		done
	done
	# Beside another program, only to the one that asked: the other
	# (cat) lives on to pass its "got INT" on.
	printf '#!/bin/sh\ntrap "echo got INT" INT\necho ready\n%s\n' \
	    'while :; do sleep 0.1; done' >"$SC_TMP/trapper"
	for _bin in "$REAL" "$OURS"; do
		signal_beside "$_bin" 'SYSTEM:cat >&2' ,sigint
	done
}

# signal_beside SOCAT ADDRESS OPTIONS: SOCAT ADDRESS EXEC:trapper,OPTIONS
# sent SIGINT once the program is ready; it must pass it on.
signal_beside() {
	rm -f "$SC_TMP/sig.in" "$SC_TMP/sig.out" "$SC_TMP/sig.err"
	held_stdin sig.in 7
	bg_in "$SC_TMP/sig.in" t 20 "$1" "$2" EXEC:"$SC_TMP/trapper$3" \
	    >"$SC_TMP/sig.out" 2>"$SC_TMP/sig.err"
	_sv=$BG_PID
	wait_until eval 'cat "$SC_TMP/sig.out" "$SC_TMP/sig.err" |
	    grep -q ready' || fail "$1 $2$3: no program"
	kill -INT "$(pgrep -P "$_sv" | head -n 1)"
	wait_until eval 'cat "$SC_TMP/sig.out" "$SC_TMP/sig.err" |
	    grep -q "got INT"'
	assertContains "$1 $2$3: the program's" \
	    "$(cat "$SC_TMP/sig.out" "$SC_TMP/sig.err")" "got INT"
	assertTrue "$1 $2$3: socat lives on" "still_running $_sv 0.3"
	exec 7>&-
	stop "$_sv"
}

# A fork listener's target that refuses ("socat UNIX-LISTEN:S,fork
# TCP:127.0.0.1:P" before a server that is down): each client's refusal
# is an error line without -d, as socat's child says it, the listener
# goes on, and the first client after the server is up is served: each
# client dials anew, nothing held against the target.  Both socats alike.
test_fork_target_refused() {
	_closed=$(free_port)
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/fw.sock"
		bg t 60 "$_bin" UNIX-LISTEN:"$SC_TMP/fw.sock",fork \
		    TCP:127.0.0.1:"$_closed" 2>"$SC_TMP/fw.err"
		_sv=$BG_PID
		wait_until unix_listening "$SC_TMP/fw.sock" || fail "$_bin: no listener"
		for _i in 1 2 3; do
			echo hi | t 10 "$REAL" - UNIX-CONNECT:"$SC_TMP/fw.sock" \
			    >/dev/null 2>&1
		done
		wait_lines "$SC_TMP/fw.err" ' E .*Connection refused' 3
		assertEquals "$_bin: a line for each: $(<"$SC_TMP/fw.err")" 3 \
		    "$(grep -c ' E .*Connection refused' "$SC_TMP/fw.err")"
		assertTrue "$_bin: the listener goes on" "still_running $_sv 0.3"
		bg t 30 "$REAL" -d -d TCP-LISTEN:"$_closed",reuseaddr \
		    SYSTEM:'echo up' 2>"$SC_TMP/up.err"
		_up=$BG_PID
		wait_for "$SC_TMP/up.err" 'listening on' || fail "no server"
		assertEquals "$_bin: served once the server is up" up \
		    "$(t 10 "$REAL" - UNIX-CONNECT:"$SC_TMP/fw.sock" \
		    </dev/null 2>/dev/null)"
		stop "$_sv" "$_up"
	done
}

# A program that fails ("socat EXEC:sh,pty,stderr,setsid,sigint,sane
# TCP:HOST:PORT", its shell told to exit 4, or killed): socat says so in
# its words, and its status is 1, not the program's.  Both socats alike.
test_program_failure_said() {
	for _bin in "$REAL" "$OURS"; do
		for _how in 'exit 4' 'kill -9 $$'; do
			rm -f "$SC_TMP/pf.in"
			held_stdin pf.in 7
			bg_in "$SC_TMP/pf.in" t 30 "$REAL" -d -d TCP4-LISTEN:0 - \
			    >/dev/null 2>"$SC_TMP/pf.err"
			_sv=$BG_PID
			wait_for "$SC_TMP/pf.err" 'listening on' ||
			    fail "no listener"
			_p=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' \
			    "$SC_TMP/pf.err")
			echo "$_how" >&7
			t 20 "$_bin" EXEC:sh,pty,stderr,setsid,sigint,sane \
			    TCP4:127.0.0.1:"$_p" >/dev/null 2>"$SC_TMP/pf.got"
			assertEquals "$_bin $_how: status" 1 $?
			_want='exited with status 4'
			[ "$_how" = 'exit 4' ] || _want='exited on signal 9'
			assertContains "$_bin $_how: said" \
			    "$(<"$SC_TMP/pf.got")" " E waitpid(): child "
			assertContains "$_bin $_how: how" \
			    "$(<"$SC_TMP/pf.got")" "$_want"
			exec 7>&-
			stop "$_sv"
		done
	done
}

# A program beside a socket that never ends by itself (it reads nothing,
# writes nothing): once the client has gone, socat gives it -t's half
# second and ends, status 0, the program left running; with fork, each
# client's session ends so, the listener going on.  Both socats alike.
# programs_running FILE N: N process ids are in FILE, all running.
programs_running() {
	[ "$(wc -l <"$1")" -ge "$2" ] || return 1
	while read -r _pid; do
		kill -0 "$_pid" 2>/dev/null || return 1
	done <"$1"
	return 0
}

# A program on a pty of its own, still running when stdin's end and -t
# end the session, is hung up by the pty's close: that is the end's doing,
# not a failure of the program's (status 0, nothing said), as socat.
test_program_hung_up_at_the_end() {
	for _bin in "$REAL" "$OURS"; do
		echo x | t 20 "$_bin" - \
		    SYSTEM:'read a; sleep 30',pty,setsid,ctty \
		    >/dev/null 2>"$SC_TMP/hu.err"
		assertEquals "$_bin: status" 0 $?
		assertEquals "$_bin: nothing said" "" "$(<"$SC_TMP/hu.err")"
	done
}

test_program_ended_after_the_client() {
	for _bin in "$REAL" "$OURS"; do
		for _fork in "" ",fork,max-children=1"; do
			_w="$_bin${_fork}"
			rm -f "$SC_TMP"/pp.*
			bg t 30 "$_bin" -d -d TCP4-LISTEN:0,reuseaddr$_fork \
			    SYSTEM:"echo \$\$ >>$SC_TMP/pp.pids; exec sleep 60" \
			    </dev/null >/dev/null 2>"$SC_TMP/pp.err"
			_sv=$BG_PID
			wait_for "$SC_TMP/pp.err" 'istening on' ||
			    fail "$_w: no listener"
			_p=$(sed -n 's/.*istening on .*[: ]\([0-9][0-9]*\)$/\1/p' \
			    "$SC_TMP/pp.err")
			_n=1
			[ -z "$_fork" ] || _n=2
			# One child at a time: the second is served once the
			# first's session is over.
			for _c in $(seq "$_n"); do
				t 10 "$SC" -N 127.0.0.1 "$_p" </dev/null
			done
			assertTrue "$_w: each client's program, left running" \
			    "wait_until -t 10 programs_running '$SC_TMP/pp.pids' $_n"
			if [ -z "$_fork" ]; then
				wait_exit "$_sv" 10
				assertEquals "$_w: status" 0 "$WAIT_STATUS"
			else
				assertTrue "$_w: still listening" "kill -0 $_sv"
				stop "$_sv"
			fi
			xargs kill <"$SC_TMP/pp.pids" 2>/dev/null || :
		done
	done
}

# The same beside standard input ("socat - EXEC:sh,pty,...", "socat -
# SYSTEM:..."), standard input still open when the program fails (one
# socat ends itself is none: test_program_written_to_finishes).  Both
# socats alike.
test_program_failure_said_beside_stdio() {
	for _bin in "$REAL" "$OURS"; do
		for _a in EXEC:sh,pty,stderr,setsid,sigint,sane \
		    SYSTEM:'read a; exit 5'; do
			rm -f "$SC_TMP/pf.in"
			held_stdin pf.in 7
			bg_in "$SC_TMP/pf.in" t 20 "$_bin" - "$_a" \
			    >/dev/null 2>"$SC_TMP/pf.got"
			_sv=$BG_PID
			echo 'exit 5' >&7
			wait_exit "$_sv"
			assertEquals "$_bin $_a: status" 1 "$WAIT_STATUS"
			assertContains "$_bin $_a: said" "$(<"$SC_TMP/pf.got")" \
			    " E waitpid(): child "
			assertContains "$_bin $_a: how" "$(<"$SC_TMP/pf.got")" \
			    'exited with status 5'
			exec 7>&-
		done
	done
}

# A line and ^D typed at once (pasted, or read together on a busy
# machine): the line goes, then the end, and socat is done.  READLINE,
# which the real socat here lacks, beside its "-" on the terminal.
test_line_and_end_typed_at_once() {
	for _a in "$REAL -" "$OURS READLINE" "$OURS READLINE,history=$SC_TMP/h"; do
		# The editor's keys come once it has set the terminal.
		_raw=modes:changed
		[ "$_a" = "$REAL -" ] && _raw=cooked
		on_tty rlend listen:tcp accept $_raw send:'line one\r\x04' \
		    netexpect:'line one\n' neteof exit:0 -- \
		    $_a TCP:127.0.0.1:@PORT@
		_st=$?
		assertEquals "$_a: $(cat "$SC_TMP/rlend.err")" 0 "$_st"
		assertEquals "$_a: the line" "line one" "$(<"$SC_TMP/rlend.net")"
	done
}

# crlf: LF becomes CRLF on the way to the socket (one before it or not),
# every CR goes on the way from it: socat's rules, both socats alike.
test_crlf() {
	for _bin in "$REAL" "$OURS"; do
		printf 'x\ny\r\n' >"$SC_TMP/in"
		bg_in "$SC_TMP/in" t 20 "$_bin" -d -d TCP-LISTEN:0,crlf - \
		    >"$SC_TMP/crlf.out" 2>"$SC_TMP/crlf.err"
		_p=$BG_PID
		wait_for "$SC_TMP/crlf.err" '[Ll]istening on ' ||
		    fail "no listener"
		PORT=$(sed -n 's/.*[Ll]istening on .*[ :]\([0-9][0-9]*\)$/\1/p' \
		    "$SC_TMP/crlf.err" | head -n 1)
		assertEquals "$_bin: to the socket" "$(printf 'x\r\ny\r\r\n' |
		    od -An -c)" "$(printf 'a\r\nb\nc\r' | t 20 "$SC" -N \
		    127.0.0.1 "$PORT" | od -An -c)"
		wait_exit "$_p"
		assertEquals "$_bin: from the socket" "$(printf 'a\nb\nc' |
		    od -An -c)" "$(od -An -c <"$SC_TMP/crlf.out")"
		# Both ends with crlf: their line ends alike, nothing
		# changed, a CR alone included.
		rm -f "$SC_TMP/both"
		printf 'x\ny\r\nz\r\r\n' | t 20 "$_bin" -u STDIO,crlf \
		    OPEN:"$SC_TMP/both",crlf,creat
		assertEquals "$_bin: between two with crlf" \
		    "$(printf 'x\ny\r\nz\r\r\n' | od -An -c)" \
		    "$(od -An -c <"$SC_TMP/both")"
	done
}

# -t: after stdin's end, the other side is waited for that long, then
# socat is done, both socats alike, before a server that never closes;
# a listener's stdin may end before its client comes: its client's bytes
# still arrive.
test_linger() {
	serve quiet "$REAL" -d -d TCP-LISTEN:0,reuseaddr,fork SYSTEM:'sleep 20'
	for _bin in "$REAL" "$OURS"; do
		echo hi | t 10 "$_bin" -t 0.2 - TCP:127.0.0.1:"$PORT"
		assertEquals "$_bin: done after -t" 0 $?
	done
	kill "$SERVE_PID" 2>/dev/null
	serve late "$OURS" -d -d -t 0.1 TCP-LISTEN:0 -
	assertTrue "still serving after -t's time" "still_running $SERVE_PID 0.5"
	echo late | t 10 "$SC" -N 127.0.0.1 "$PORT"
	wait_exit "$SERVE_PID"
	assertEquals "-t with a listener: its client's bytes" "late" \
	    "$(sed -n '/^late$/p' "$SC_TMP/late.out" 2>/dev/null)"
}

# A dialled UDP socket reads no end-of-file: after stdin's end, the
# answers are read for -t's time, then socat is done; both socats alike.
test_udp_answers_after_stdin_end() {
	serve echo "$REAL" -d -d UDP4-LISTEN:0,fork PIPE
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: the answer" "hello" \
		    "$(echo hello | t 10 "$_bin" -t 0.5 - UDP4:127.0.0.1:"$PORT")"
	done
}

# "echo answer | socat UDP-LISTEN:P -": its one peer never closes; stdin,
# read once the peer is heard, is sent, and once it has ended socat is
# done after -t's time (half a second unless said).  Both socats alike.
test_udp_listener_after_stdin_end() {
	echo answer >"$SC_TMP/ans"
	for _bin in "$REAL" "$OURS"; do
		bg_in "$SC_TMP/ans" t 60 "$_bin" -d -d UDP4-LISTEN:0 - \
		    >"$SC_TMP/udpl.out" 2>"$SC_TMP/udpl.err"
		SERVE_PID=$BG_PID
		wait_for "$SC_TMP/udpl.err" '(listening|Bound) on ' ||
		    fail "$_bin: no listener: $(<"$SC_TMP/udpl.err")"
		PORT=$(sed -n 's/.*\(listening\|Bound\) on .*[ :]\([0-9]*\)$/\2/p' \
		    "$SC_TMP/udpl.err" | head -n 1)
		echo question | t 10 "$REAL" -t 3 - UDP4:127.0.0.1:"$PORT" \
		    >"$SC_TMP/udpl.got"
		wait_exit "$SERVE_PID" 10
		assertEquals "$_bin: done by itself" 0 "$WAIT_STATUS"
		assertEquals "$_bin: the question" question \
		    "$(<"$SC_TMP/udpl.out")"
		assertEquals "$_bin: the answer" answer "$(<"$SC_TMP/udpl.got")"
	done
}

# A listener's filters: range= lets in the addresses it names (ADDR/BITS
# or ADDR:MASK), sourceport= the one port, lowport the ports below 1024;
# a client turned away reads nothing, and its socat's status is 0; an
# empty option ("fork,") is passed over.  Both socats alike.
test_listener_filters() {
	_sp=$(free_port)
	for _bin in "$REAL" "$OURS"; do
		for _r in range=127.1.0.1/32 range=127.1.0.0:255.255.0.0; do
			serve range "$_bin" -d -d \
			    TCP4-LISTEN:0,reuseaddr,fork,$_r, PIPE
			assertEquals "$_bin $_r: turned away" "" "$(echo a |
			    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT")"
			assertEquals "$_bin $_r: status" 0 $?
			assertEquals "$_bin $_r: let in" "b" "$(echo b |
			    t 10 "$_bin" - TCP4:127.1.0.1:"$PORT",bind=127.1.0.1)"
			kill "$SERVE_PID"
			wait_exit "$SERVE_PID"
		done
		serve sp "$_bin" -d -d TCP4-LISTEN:0,reuseaddr,fork,sp="$_sp" PIPE
		assertEquals "$_bin sp: turned away" "" "$(echo c |
		    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT")"
		assertEquals "$_bin sp: let in" "d" "$(echo d |
		    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT",sp="$_sp",reuseaddr)"
		kill "$SERVE_PID"
		wait_exit "$SERVE_PID"
		serve low "$_bin" -d -d TCP4-LISTEN:0,reuseaddr,fork,lowport PIPE
		assertEquals "$_bin lowport: turned away" "" "$(echo e |
		    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT")"
		assertEquals "$_bin lowport: let in" "f" "$(echo f |
		    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT",sp=1000,reuseaddr)"
		kill "$SERVE_PID"
		wait_exit "$SERVE_PID"
	done
	# Without fork: the one client let in is served, and the end is a
	# clean one (its rules were freed twice at exit once).
	for _bin in "$REAL" "$OURS"; do
		serve one "$_bin" -d -d \
		    TCP4-LISTEN:0,reuseaddr,range=127.0.0.1/32 PIPE
		assertEquals "$_bin: one client let in" "g" "$(echo g |
		    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT")"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: its end" 0 "$WAIT_STATUS"
		# -s: a client turned away, the listener goes on to the next.
		serve sloppy "$_bin" -d -d -s \
		    TCP4-LISTEN:0,reuseaddr,sp="$_sp" PIPE
		assertEquals "$_bin -s: turned away" "" "$(echo h |
		    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT")"
		assertEquals "$_bin -s: the next let in" "i" "$(echo i |
		    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT",sp="$_sp",reuseaddr)"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin -s: its end" 0 "$WAIT_STATUS"
	done
	t 10 "$OURS" TCP4-LISTEN:0,range=1.2.3.4:255.0.255.0 - </dev/null \
	    2>"$SC_TMP/e"
	assertEquals "a mask not a prefix's: status" 1 $?
	assertContains "a mask not a prefix's: said" "$(<"$SC_TMP/e")" \
	    "option range takes ADDR/BITS or ADDR:MASK"
}

# A listener's ipv6only: ipv6only=0 lets an IPv4 client in through the
# IPv6 socket, ipv6only=1 does not.  A client's forever: it dials until
# its server is there.  Both socats alike.
test_ipv6only_and_forever() {
	_v6="0 1"
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
	    2>/dev/null || _v6=""
	for _bin in "$REAL" "$OURS"; do
		for _v in $_v6; do
			serve v6 "$_bin" -d -d TCP6-LISTEN:0,ipv6only=$_v \
			    SYSTEM:'echo six'
			assertEquals "$_bin ipv6only=$_v: IPv6" "six" \
			    "$(t 10 "$SC" -N ::1 "$PORT" </dev/null)"
			wait_exit "$SERVE_PID"
			serve v6 "$_bin" -d -d TCP6-LISTEN:0,ipv6only=$_v \
			    SYSTEM:'echo four'
			t 10 "$SC" -v -N 127.0.0.1 "$PORT" </dev/null \
			    >"$SC_TMP/o" 2>"$SC_TMP/e"
			assertEquals "$_bin ipv6only=$_v: IPv4: status" \
			    "$_v" $?
			if [ "$_v" = 0 ]; then
				assertEquals "$_bin ipv6only=0: IPv4" "four" \
				    "$(<"$SC_TMP/o")"
				wait_exit "$SERVE_PID"
			else
				assertEquals "$_bin ipv6only=1: IPv4 refused" \
				    "" "$(<"$SC_TMP/o")"
				assertEquals "$_bin ipv6only=1: said" \
				    "sockcat: connect to 127.0.0.1 port $PORT (tcp) failed: Connection refused" \
				    "$(<"$SC_TMP/e")"
				stop "$SERVE_PID"
			fi
		done
		_p=$(free_port)
		echo late >"$SC_TMP/late"
		bg_in "$SC_TMP/late" t 30 "$_bin" -u - \
		    TCP:127.0.0.1:"$_p",forever,interval=0.05
		_c=$BG_PID
		bg t 30 "$REAL" -u TCP-LISTEN:"$_p",bind=127.0.0.1,reuseaddr \
		    OPEN:"$SC_TMP/got",creat,trunc
		wait_exit "$_c"
		assertEquals "$_bin forever: its end" 0 "$WAIT_STATUS"
		wait_for "$SC_TMP/got" late
		assertEquals "$_bin forever: the bytes" "late" "$(<"$SC_TMP/got")"
	done
}

# A dialled socket's lowport: bound at a port from 640 to 1023 before it
# connects, which -d -d -d -d says in socat's "D bind(...)" line; a
# listener's lowport lets it in.  Both socats alike.
test_dialled_lowport() {
	for _bin in "$REAL" "$OURS"; do
		serve low "$_bin" -d -d TCP4-LISTEN:0,reuseaddr,fork,lowport PIPE
		assertEquals "$_bin: let in" "a" "$(echo a | t 10 "$_bin" \
		    -d -d -d -d - TCP4:127.0.0.1:"$PORT",lowport 2>"$SC_TMP/e")"
		# The port it kept: a port in use is tried and the next
		# one down taken, each bind logged (socat's too).
		_lp=$(sed -n 's/.* D bind(.*:\([0-9][0-9]*\), .*/\1/p' \
		    "$SC_TMP/e" | tail -n 1)
		assertTrue "$_bin: bound below 1024: '$_lp'" \
		    "[ '$_lp' -ge 640 ] && [ '$_lp' -le 1023 ]"
		kill "$SERVE_PID"
		wait_exit "$SERVE_PID"
		t 10 "$_bin" -d -d -d -d /dev/null \
		    UDP6-SENDTO:[::1]:9,lowport 2>"$SC_TMP/e"
		assertEquals "$_bin: UDP6-SENDTO status" 0 $?
		assertContains "$_bin: UDP6-SENDTO bound" "$(<"$SC_TMP/e")" \
		    " D bind("
	done
	t 10 "$OURS" /dev/null UDP4-SENDTO:127.0.0.1:9,lowport,sp=5 \
	    2>"$SC_TMP/e"
	assertEquals "with sourceport: status" 1 $?
	assertContains "with sourceport: said" "$(<"$SC_TMP/e")" \
	    "options lowport and sourceport: give one of them"
}

# dual_echo SOCAT P1 P2 OPTS: SOCAT's "UDP4-RECV:P1!!UDP4-SENDTO:P2"
# client (OPTS its sender's options) sends "$_dmsg" and prints what comes
# back to its receiver.
dual_echo() {
	echo "$_dmsg" | t 10 "$1" -t 0.5 - \
	    "UDP4-RECV:$3,bind=127.0.0.1!!UDP4-SENDTO:127.0.0.1:$2$4"
}

# A UDP*-RECV as the read half of "R!!W" (two sockets, the other a
# UDP*-SENDTO): every peer's datagrams read, unless its range=,
# sourceport= or lowport turns the sender away: that datagram is
# dropped, and the next sender is still heard.  Both socats alike.
test_udp_recv_dual_filters() {
	_sp=$(free_port udp)
	for _bin in "$REAL" "$OURS"; do
		for _dflt in "" ",range=127.0.0.2/32" ",sp=$_sp" ",lowport"; do
			_p1=$(free_port udp)
			_p2=$(free_port udp)
			serve_dual "$_bin" "$_p1" "$_p2" "$_dflt"
			case $_dflt in
			"")	_din=",bind=127.0.0.2" _dout= ;;
			,range*) _din=",bind=127.0.0.2" _dout= ;;
			,sp*)	_din=",sp=$_sp" _dout= ;;
			*)	_din=",sp=1000" _dout= ;;
			esac
			if [ -n "$_dflt" ]; then
				_dmsg=out
				assertEquals "$_bin$_dflt: turned away" "" \
				    "$(dual_echo "$_bin" "$_p1" "$_p2" "$_dout")"
				assertEquals "$_bin$_dflt: status" 0 $?
			fi
			_dmsg=in
			assertEquals "$_bin$_dflt: let in" "in" \
			    "$(dual_echo "$_bin" "$_p1" "$_p2" "$_din")"
			kill "$SERVE_PID"
			wait_exit "$SERVE_PID"
		done
	done
	assertContains "ours: said" "$(<"$SC_TMP/dual.err")" \
	    "connection from 127.0.0.1 "
	assertContains "ours: said" "$(<"$SC_TMP/dual.err")" " denied"
	# IPv6 alike.
	_p1=$(free_port udp)
	_p2=$(free_port udp)
	bg t 30 "$OURS" -d -d \
	    "UDP6-RECV:$_p1,bind=[::1],sp=$_sp!!UDP6-SENDTO:[::1]:$_p2" PIPE \
	    2>"$SC_TMP/dual6.err"
	SERVE_PID=$BG_PID
	wait_for "$SC_TMP/dual6.err" "Bound on " || fail "no UDP6-RECV"
	assertEquals "IPv6: turned away" "" "$(echo a | t 10 "$OURS" -t 1 - \
	    "UDP6-RECV:$_p2,bind=[::1]!!UDP6-SENDTO:[::1]:$_p1")"
	assertEquals "IPv6: let in" "b" "$(echo b | t 10 "$OURS" -t 1 - \
	    "UDP6-RECV:$_p2,bind=[::1]!!UDP6-SENDTO:[::1]:$_p1,sp=$_sp")"
	kill "$SERVE_PID"
	wait_exit "$SERVE_PID"
	# The halves the relay opens: a receiver read, a sender written.
	t 10 "$OURS" "UDP4-RECVFROM:0!!UDP4-SENDTO:127.0.0.1:9" - \
	    </dev/null 2>"$SC_TMP/e"
	assertEquals "RECVFROM!!: status" 1 $?
	assertContains "RECVFROM!!: said" "$(<"$SC_TMP/e")" \
	    "a listener in a dual (!!) address is not supported"
	t 10 "$OURS" "UDP4-RECV:0!!UDP4-SENDTO:127.0.0.1:9" TCP:127.0.0.1:9 \
	    </dev/null 2>"$SC_TMP/e"
	assertEquals "with a socket: status" 1 $?
	assertContains "with a socket: said" "$(<"$SC_TMP/e")" \
	    "is supported between two addresses that are no sockets"
	t 10 "$OURS" "UDP4-RECV:0,fork!!UDP4-SENDTO:127.0.0.1:9" - \
	    </dev/null 2>"$SC_TMP/e"
	assertEquals "fork: status" 1 $?
	assertContains "fork: said" "$(<"$SC_TMP/e")" \
	    "read and a dialled UDP socket written, without fork"
	# Two dialled sockets, each the other's peer: what is written
	# comes back, both socats alike (socat's DUALUDPSELF).
	_a=$(free_port udp)
	_b=$(free_port udp)
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: UDP!!UDP" "self" "$(echo self |
		    t 10 "$_bin" - "UDP:127.0.0.1:$_b,sp=$_a!!$(
		    )UDP:127.0.0.1:$_a,sp=$_b")"
	done
}

# serve_dual SOCAT P1 P2 OPTS: SOCAT's echo of "UDP4-RECV:P1,OPTS" to
# "UDP4-SENDTO:P2" in the background, its stderr in $SC_TMP/dual.err.
serve_dual() {
	bg t 60 "$1" -d -d \
	    "UDP4-RECV:$2,bind=127.0.0.1$4!!UDP4-SENDTO:127.0.0.1:$3" PIPE \
	    2>"$SC_TMP/dual.err"
	SERVE_PID=$BG_PID
	wait_for "$SC_TMP/dual.err" '(data transfer loop|Bound on )' ||
	    fail "$1: no UDP4-RECV: $(<"$SC_TMP/dual.err")"
}

# range= of a name (socat's FDLEAK test's range=localhost:MASK): the
# name's address, in the mask's family, is the one let in.  Both socats
# alike; a name that does not resolve is refused in one line.
test_listener_range_name() {
	for _bin in "$REAL" "$OURS"; do
		serve range "$_bin" -d -d \
		    TCP4-LISTEN:0,reuseaddr,fork,range=localhost:255.255.255.255 \
		    PIPE
		assertEquals "$_bin: turned away" "" "$(echo a |
		    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT",bind=127.1.0.1)"
		assertEquals "$_bin: let in" "b" "$(echo b |
		    t 10 "$_bin" - TCP4:127.0.0.1:"$PORT",bind=127.0.0.1)"
		kill "$SERVE_PID"
		wait_exit "$SERVE_PID"
	done
	t 10 "$OURS" TCP4-LISTEN:0,range=nosuch.invalid:255.0.0.0 - \
	    </dev/null 2>"$SC_TMP/e"
	assertEquals "a name unknown: status" 1 $?
	assertContains "a name unknown: said" "$(<"$SC_TMP/e")" \
	    "option range: cannot resolve nosuch.invalid"
}

# fork of a connecting address: connected again interval= after each
# connection while those before go on (their programs still running),
# each with its own program or its own connection to the second
# address; when a try fails, no more, and the status is 1.  Both socats
# alike, the servers the real socat's.
test_dial_fork() {
	serve got "$REAL" -d -d -u TCP4-LISTEN:0,reuseaddr,fork \
	    OPEN:"$SC_TMP/got",creat,append
	_got=$SERVE_PID
	_pg=$PORT
	serve conn "$REAL" -d -d TCP4-LISTEN:0,reuseaddr,fork \
	    SYSTEM:'echo conn; sleep 30'
	_conn=$SERVE_PID
	_pc=$PORT
	for _bin in "$REAL" "$OURS"; do
		: >"$SC_TMP/got"
		bg t 30 "$_bin" TCP4:127.0.0.1:"$_pg",fork,interval=0.2 \
		    SYSTEM:'echo prog; sleep 30' 2>/dev/null
		_c=$BG_PID
		wait_lines "$SC_TMP/got" '^prog$' 3 ||
		    fail "$_bin: with a program: $(<"$SC_TMP/got")"
		kill "$_c"
		wait_exit "$_c"
		: >"$SC_TMP/got"
		bg t 30 "$_bin" TCP4:127.0.0.1:"$_pc",fork,interval=0.2 \
		    TCP4:127.0.0.1:"$_pg"
		_c=$BG_PID
		wait_lines "$SC_TMP/got" '^conn$' 3 ||
		    fail "$_bin: with a connection: $(<"$SC_TMP/got")"
		kill "$_c"
		wait_exit "$_c"
		: >"$SC_TMP/got"
		serve one "$REAL" -d -d TCP4-LISTEN:0,reuseaddr SYSTEM:'echo one'
		t 20 "$_bin" TCP4:127.0.0.1:"$PORT",fork,interval=0.1 \
		    SYSTEM:"cat >>'$SC_TMP/got'" 2>/dev/null
		assertEquals "$_bin: the next refused: status" 1 $?
		assertEquals "$_bin: the one served" "one" "$(<"$SC_TMP/got")"
		wait_exit "$SERVE_PID"
	done
	kill "$_got" "$_conn"
	wait_exit "$_got"
	wait_exit "$_conn"
	for _a in "TCP4:127.0.0.1:1,fork -" "UDP4:127.0.0.1:1,fork SYSTEM:cat" \
	    "TCP4:127.0.0.1:1 TCP4:127.0.0.1:2,fork"; do
		# shellcheck disable=SC2086
		t 10 "$OURS" $_a </dev/null >/dev/null 2>"$SC_TMP/e"
		assertEquals "$_a: status" 1 $?
		assertEquals "$_a: one line" 1 "$(wc -l <"$SC_TMP/e")"
		assertContains "$_a: said" "$(<"$SC_TMP/e")" \
		    "fork of a connecting address is supported on a stream socket"
	done
}

# A listener's retry=: its port still taken is tried again, interval=
# apart, until it is free; without, the listener fails at once.
test_listener_retry() {
	serve first "$REAL" -d -d TCP4-LISTEN:0,reuseaddr -
	t 10 "$OURS" TCP4-LISTEN:"$PORT",reuseaddr - </dev/null 2>"$SC_TMP/e"
	assertEquals "without retry: status" 1 $?
	assertContains "without retry: said" "$(<"$SC_TMP/e")" \
	    "Address already in use"
	bg t 30 "$OURS" -d -d TCP4-LISTEN:"$PORT",reuseaddr,retry=100,interval=0.1 \
	    SYSTEM:'echo second' >/dev/null 2>"$SC_TMP/second.err"
	_second=$BG_PID
	assertTrue "retrying meanwhile" "still_running $_second 0.5"
	kill "$SERVE_PID"
	wait_exit "$SERVE_PID"
	wait_for "$SC_TMP/second.err" 'Listening on ' ||
	    fail "no listener after the port came free"
	assertEquals "then served" "second" \
	    "$(t 10 "$SC" -d 127.0.0.1 "$PORT")"
	wait_exit "$_second"
}

# socat's datagram names: *-SENDTO: a datagram client (a Unix one's
# bind= its own socket, where the answers come), *-RECVFROM: a listener
# answering each peer, *-RECV: one only read (-u), every peer's datagrams
# merged; ABSTRACT-*: the same at an abstract name.  Both socats alike.
test_datagram_names() {
	for _bin in "$REAL" "$OURS"; do
		# socat says port 0 as it was given: a free one is given.
		_p=$(free_port udp)
		bg t 20 "$_bin" -d -d UDP4-RECVFROM:"$_p",bind=127.0.0.1 PIPE \
		    2>"$SC_TMP/rf.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/rf.err" '(receiving|Bound) on ' ||
		    fail "$_bin: no UDP4-RECVFROM"
		assertEquals "$_bin: UDP4-SENDTO to UDP4-RECVFROM" "u" \
		    "$(echo u | t 10 "$_bin" -t 0.5 - UDP4-SENDTO:127.0.0.1:"$_p")"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
		_srvsock=$SC_TMP/s.sock
		_clisock=$SC_TMP/c.sock
		bg t 20 "$_bin" UNIX-RECVFROM:"$_srvsock" PIPE
		_srv=$BG_PID
		wait_until test -S "$_srvsock" || fail "$_bin: no UNIX-RECVFROM"
		assertEquals "$_bin: UNIX-SENDTO,bind= to UNIX-RECVFROM" "x" \
		    "$(echo x | t 10 "$_bin" -t 0.5 - UNIX-SENDTO:"$_srvsock",bind="$_clisock")"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
		rm -f "$_srvsock" "$_clisock" "$SC_TMP/recv.out"
		bg t 20 "$_bin" -u ABSTRACT-RECV:"sockcat-t$$" \
		    OPEN:"$SC_TMP/recv.out",creat,append
		_srv=$BG_PID
		wait_until grep -q "@sockcat-t$$" /proc/net/unix ||
		    fail "$_bin: no ABSTRACT-RECV"
		echo one | t 10 "$_bin" -u - ABSTRACT-SENDTO:"sockcat-t$$"
		echo two | t 10 "$_bin" -u - ABSTRACT-SENDTO:"sockcat-t$$"
		wait_until file_matches "$SC_TMP/recv.out" '^two$' ||
		    fail "$_bin: ABSTRACT-RECV heard one sender"
		assertEquals "$_bin: ABSTRACT-RECV, every sender" "one two" \
		    "$(echo $(<"$SC_TMP/recv.out"))"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
	done
	# Without -u stdin is read: its end is the end, at once; what it
	# has to send is an error (the socket has no peer), as socat's.
	for _bin in "$REAL" "$OURS"; do
		t 10 "$_bin" -t 5 UDP4-RECV:0 - </dev/null >"$SC_TMP/o" \
		    2>"$SC_TMP/e"
		assertEquals "$_bin: RECV, stdin ended: status" 0 $?
		assertEquals "$_bin: RECV, stdin ended: said" "" \
		    "$(cat "$SC_TMP/o" "$SC_TMP/e")"
		echo x | t 10 "$_bin" UDP4-RECV:0 - >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin: RECV, stdin sent: status" 1 $?
		assertEquals "$_bin: RECV, stdin sent: said" 1 \
		    "$(grep -c ' E ' "$SC_TMP/e")"
	done
	t 10 "$OURS" -d -d -t 5 UDP4-RECV:0 /dev/null 2>"$SC_TMP/e"
	assertEquals "a file: status" 0 $?
	echo x | t 10 "$OURS" UDP4-RECV:0 - 2>"$SC_TMP/e"
	assertContains "stdin sent: why" "$(<"$SC_TMP/e")" \
	    "write to network: Destination address required"
}

# UDP4-RECVFROM: serves one datagram a program.  Without fork, PIPE (a
# program of sockcat's) answers it and the process ends by itself, as
# socat's child does (test.sh's UDP6DGRAM waits for such a server); with
# fork, a program that answers at its input's end (tr) is given that end
# after the datagram, each datagram its own program.  Both socats alike.
test_recvfrom_one_datagram() {
	for _bin in "$REAL" "$OURS"; do
		_p=$(free_port udp)
		bg t 30 "$_bin" -d -d -t 0.1 \
		    UDP4-RECVFROM:"$_p",reuseaddr,bind=127.0.0.1 PIPE \
		    2>"$SC_TMP/rf.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/rf.err" '(receiving|Bound) on ' ||
		    fail "$_bin: no UDP4-RECVFROM"
		assertEquals "$_bin: without fork, answered" "once" \
		    "$(echo once | t 10 "$_bin" -t 0.5 - UDP4:127.0.0.1:"$_p")"
		wait_exit "$_srv" 5
		assertEquals "$_bin: without fork, ended by itself" 0 \
		    "$WAIT_STATUS"
		_p=$(free_port udp)
		bg t 60 "$_bin" -d -d \
		    UDP4-RECVFROM:"$_p",reuseaddr,bind=127.0.0.1,fork \
		    EXEC:"tr a-z A-Z" 2>"$SC_TMP/rf.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/rf.err" '(receiving|Bound) on ' ||
		    fail "$_bin: no UDP4-RECVFROM,fork"
		for _w in udpx udpy; do
			echo "$_w" | t 10 "$_bin" -t 2 - UDP4:127.0.0.1:"$_p" \
			    >"$SC_TMP/o" 2>"$SC_TMP/e"
			assertEquals "$_bin: fork, $_w: status" 0 $?
			assertEquals "$_bin: fork, $_w: tr's answer" \
			    "$(echo "$_w" | tr a-z A-Z)" "$(<"$SC_TMP/o")"
		done
		stop "$_srv"
	done
}

# Times under a millisecond are times: "-T 0.000002 pipe pipe", test.sh's
# own sleep, and -T 0.0005 end at once, where a time rounded down to 0
# was "no timer"; -t, interval= and connect-timeout= take them too.  Both
# socats alike.
test_times_under_a_millisecond() {
	for _bin in "$REAL" "$OURS"; do
		for _v in 0.000002 0.0005; do
			t 10 "$_bin" -T "$_v" pipe pipe </dev/null \
			    >"$SC_TMP/o" 2>"$SC_TMP/e"
			assertEquals "$_bin -T $_v pipe pipe: status" 0 $?
			assertEquals "$_bin -T $_v: nothing said" "" \
			    "$(<"$SC_TMP/e")$(<"$SC_TMP/o")"
		done
		echo x | t 10 "$_bin" -t 0.0005 - EXEC:cat >/dev/null \
		    2>"$SC_TMP/e"
		assertEquals "$_bin -t 0.0005: status" 0 $?
		assertEquals "$_bin -t 0.0005: nothing said" "" "$(<"$SC_TMP/e")"
		t 10 "$_bin" -u /dev/null \
		    TCP:127.0.0.1:1,connect-timeout=0.0005,retry=2,interval=0.0005 \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin interval=, connect-timeout=: status" 1 $?
		assertContains "$_bin interval=, connect-timeout=: said" \
		    "$(<"$SC_TMP/e")" "Connection refused"
	done
}

# socat's names of what sockcat has no kind for are refused by their
# name, whatever follows (TUN:10.0.0.1/24 and POSIXMQ-READ:/mq1 are no
# paths), as socat and as sockcat; a name nobody has is named whole; and
# socat's aliases of kinds sockcat has are those kinds (refused as they
# are, for a bad address).  One line each, status 1, nothing made.
test_socat_names_lacking() {
	_no="is not supported by sockcat"
	for _a in TUN:10.0.0.1/24,up POSIXMQ-READ:/mq1 \
	    SCTP-LISTEN:80 IP4-SENDTO:127.0.0.1:255 INTERFACE:lo \
	    VSOCK-LISTEN:1 STDERR UDPLITE-RECVFROM:9 \
	    SOCKS5-LISTEN:h:1080:t:80; do
		_n=${_a%%[:,]*}
		_n=${_n^^}
		socat_refused "$_a: socat's address $_n $_no" -u "$_a" -
		# sockcat's own word without a colon is a host.
		case $_a in
		*:*) expect_error "$_a: socat's address $_n $_no" "$_a" - ;;
		esac
	done
	socat_refused "SEQPACKET-CONNECT:/x: unknown scheme SEQPACKET-CONNECT:; the schemes are tcp: udp: unix: tls: dtls: ws:// wss:// vsock: tcp-l: udp-l: unix-l: tls-l: ws-l: exec: file: serial: pty: replay: socks4: socks4a: socks5:, - and socat's names" \
	    -u SEQPACKET-CONNECT:/x -
	expect_error "NOSUCHNAME-AT-ALL:/a/b: unknown scheme NOSUCHNAME-AT-ALL:; the schemes are tcp: udp: unix: tls: dtls: ws:// wss:// vsock: tcp-l: udp-l: unix-l: tls-l: ws-l: exec: file: serial: pty: replay: socks4: socks4a: socks5:, - and socat's names" \
	    NOSUCHNAME-AT-ALL:/a/b -
	assertFalse "no file made" "ls '$SC_TMP' | grep -q '[A-Z]'"
	for _a in UDP-SEND:UDP-SENDTO UDP4-SEND:UDP4-SENDTO \
	    UDP6-SEND:UDP6-SENDTO UDP-DGRAM:UDP-DATAGRAM \
	    UDP4-DGRAM:UDP4-DATAGRAM UDP6-DGRAM:UDP6-DATAGRAM \
	    UNIX-SEND:UNIX-SENDTO; do
		t 10 "$OURS" -u - "${_a#*:}:nosuch/:nosuch-svc" </dev/null \
		    2>&1 | sed 's/^.* E //' >"$SC_TMP/canon"
		sed -i "s/${_a#*:}/${_a%:*}/g" "$SC_TMP/canon"
		socat_refused "$(<"$SC_TMP/canon")" -u - \
		    "${_a%:*}:nosuch/:nosuch-svc"
	done
}

# umask= of a file joined with a socket: the file is made under it, as
# socat makes it (sockcat took it only between two sides that are no
# sockets).  Both socats alike, and sockcat's own command line.
test_file_umask_with_a_socket() {
	for _bin in "$REAL" "$OURS" "$SC"; do
		rm -f "$SC_TMP/f"
		_l="-d -d -u TCP-LISTEN:0,reuseaddr"
		[ "$_bin" = "$SC" ] && _l="-v tcp-l:127.0.0.1:0"
		# shellcheck disable=SC2086
		serve umask sh -c 'umask 022; exec "$@"' _ "$_bin" $_l \
		    OPEN:"$SC_TMP/f",creat,umask=077
		echo hi | t 10 "$SC" -N 127.0.0.1 "$PORT"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: status" 0 "$WAIT_STATUS"
		assertEquals "$_bin: the bytes" hi "$(<"$SC_TMP/f")"
		assertEquals "$_bin: made under umask=077" 600 \
		    "$(stat -c %a "$SC_TMP/f")"
	done
}

# A TCP client that names its own address and port as those it dials
# meets itself (a simultaneous open) and reads its own bytes: asked for
# so, with bind= and sp=, as socat's TCPSELF does.  Both socats alike.
test_tcp_self_connection() {
	for _bin in "$REAL" "$OURS"; do
		_p=$(free_port)
		assertEquals "$_bin: its own bytes" "self" "$(echo self |
		    t 10 "$_bin" -t 0.5 - \
		    TCP:127.0.0.1:"$_p",sp="$_p",bind=127.0.0.1,reuseaddr)"
	done
}

# hexport PORT: a port as socat's socket address data writes it.
hexport() {
	printf 'x%04x' "$1"
}

# socat's generic SOCKET-*: a TCP or UDP socket of IPv4 or IPv6, its
# address (and bind=) given as data, is TCP:, TCP-LISTEN:, UDP-SENDTO:,
# UDP-RECVFROM:, UDP-RECV:; a Unix stream socket, its path a quoted
# string (bind= too), UNIX-CONNECT: or UNIX-LISTEN:; any other is
# refused.  Both socats alike.
test_generic_socket() {
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/u.sock" "$SC_TMP/b.sock"
		bg t 20 "$_bin" -d -d \
		    SOCKET-LISTEN:1:0:'\"'"$SC_TMP/u.sock"'\\0\"' PIPE \
		    2>"$SC_TMP/l.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/l.err" '[Ll]istening on ' ||
		    fail "$_bin: no Unix SOCKET-LISTEN"
		assertEquals "$_bin: a Unix SOCKET-CONNECT" "unix" \
		    "$(echo unix | t 10 "$_bin" -t 0.5 - $(
		    )SOCKET-CONNECT:1:0:'\"'"$SC_TMP/u.sock"'\\0\"'$(
		    ),bind='\"'"$SC_TMP/b.sock"'\\0\"')"
		wait_exit "$_srv"
		assertEquals "$_bin: the listener's status" 0 "$WAIT_STATUS"
		_p=$(free_port)
		_d=$(hexport "$_p")x7f000001x0000000000000000
		bg t 20 "$_bin" -d -d SOCKET-LISTEN:2:6:"$_d",reuseaddr \
		    PIPE 2>"$SC_TMP/l.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/l.err" '[Ll]istening on ' ||
		    fail "$_bin: no SOCKET-LISTEN"
		assertEquals "$_bin: SOCKET-CONNECT to SOCKET-LISTEN" "tcp" \
		    "$(echo tcp | t 10 "$_bin" -t 0.5 - \
		    SOCKET-CONNECT:2:6:"$_d")"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
		_p=$(free_port udp)
		_d=$(hexport "$_p")x7f000001x0000000000000000
		_b=x0000x7f000001x0000000000000000
		bg t 20 "$_bin" -d -d SOCKET-RECVFROM:2:2:17:"$_d" PIPE \
		    2>"$SC_TMP/rf.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/rf.err" '(receiving|Bound) on ' ||
		    fail "$_bin: no SOCKET-RECVFROM"
		assertEquals "$_bin: SOCKET-SENDTO to SOCKET-RECVFROM" "udp" \
		    "$(echo udp | t 10 "$_bin" -t 0.5 - \
		    SOCKET-SENDTO:2:2:17:"$_d",bind="$_b")"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
	done
	t 10 "$OURS" SOCKET-CONNECT:1:0:x00 - </dev/null 2>"$SC_TMP/e"
	assertEquals "a Unix one as hex: status" 1 $?
	assertContains "a Unix one as hex: said" "$(<"$SC_TMP/e")" \
	    'SOCKET-CONNECT: an address of a quoted path ("PATH\0") expected'
	t 10 "$OURS" SOCKET-CONNECT:1:5:'\"/x\\0\"' - </dev/null 2>"$SC_TMP/e"
	assertEquals "a Unix seqpacket one: status" 1 $?
	assertContains "a Unix seqpacket one: said" "$(<"$SC_TMP/e")" \
	    "only TCP and UDP sockets of IPv4 (2) or IPv6 (10), and Unix (1) streams are supported"
	# Fields missing, data that is not data, no address to dial, and
	# bind= and range= whose data is not an address.
	_d=x1234x7f000001x0000000000000000
	_l=SOCKET-LISTEN:2:6:$_d
	for _c in \
	    "SOCKET-CONNECT:2:6|SOCKET-CONNECT takes :DOMAIN:PROTOCOL:ADDRESS" \
	    "SOCKET-DATAGRAM:2:2:17|SOCKET-DATAGRAM takes :DOMAIN:TYPE:PROTOCOL:ADDRESS" \
	    "SOCKET-CONNECT:2:6:xzz|SOCKET-CONNECT: an address of sockaddr_in data (x and hex digits) expected" \
	    "SOCKET-CONNECT:10:6:xzz|SOCKET-CONNECT: an address of sockaddr_in6 data (x and hex digits) expected" \
	    "SOCKET-CONNECT:2:6:x1234x00000000x0000000000000000|SOCKET-CONNECT: no address to send to" \
	    "$_l,bind=xq|option bind: an address of data expected" \
	    "$_l,range=x7f|option range: ADDR:MASK of data expected" \
	    "$_l,range=xq:x00|option range: ADDR:MASK of data expected" \
	    "$_l,range=x7f000001:xq|option range: ADDR:MASK of data expected"; do
		socat_refused "${_c%%|*}: ${_c#*|}" "${_c%%|*}" -
	done
}

# ip-add-membership=GROUP:INTERFACE: a UDP listener joins the group,
# and hears what is sent to it (in a network namespace of the test's
# own, its loopback the one interface); ABSTRACT-SENDTO:'s bind= is an
# abstract name too, itself here.  Both socats alike.
test_multicast_and_abstract_bind() {
	sc_have_netns || { sc_skip "no network namespace"; return; }
	for _bin in "$REAL" "$OURS"; do
		# Sent again until heard: the group is joined meanwhile.
		_got=$(sc_netns 30 sh -c '
		    "$1" -u UDP4-RECV:41800,ip-add-membership=224.255.255.254:127.0.0.1 \
			OPEN:"$2",creat,append &
		    for i in $(seq 100); do
			echo m | "$1" -u - UDP4-SENDTO:224.255.255.254:41800,bind=127.0.0.1
			[ -s "$2" ] && break
			sleep 0.1
		    done
		    kill $!
		    head -n 1 "$2"' sh "$_bin" "$SC_TMP/m.$$")
		assertEquals "$_bin: the group heard" "m" "$_got"
		rm -f "$SC_TMP/m.$$"
		assertEquals "$_bin: ABSTRACT-SENDTO to itself" "ab" \
		    "$(echo ab | t 10 "$_bin" -t 0.5 - \
		    ABSTRACT-SENDTO:"sockcat-ab$$",bind="sockcat-ab$$")"
	done
}

# setsockopt=LEVEL:NAME:VALUE, a dialled socket's option (TCP_MAXSEG
# here, 6:2), and setsockopt-listen=, a listener's (SO_REUSEADDR, 1:2):
# set, or the side fails when the system refuses it.  Both socats alike.
test_setsockopt() {
	for _bin in "$REAL" "$OURS"; do
		serve so "$_bin" -d -d TCP4-LISTEN:0,setsockopt-listen=1:2:1,fork \
		    PIPE
		assertEquals "$_bin: a segment size set" "ok" "$(echo ok |
		    t 10 "$_bin" -t 0.5 - TCP:127.0.0.1:"$PORT",setsockopt=6:2:512)"
		echo no | t 10 "$_bin" -t 0.5 - \
		    TCP:127.0.0.1:"$PORT",setsockopt=6:2:1 >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin: a segment size refused: status" 1 $?
		assertEquals "$_bin: a segment size refused: nothing read" "" \
		    "$(<"$SC_TMP/o")"
		kill "$SERVE_PID"
		wait_exit "$SERVE_PID"
	done
}

# socat's socket options by name: sndbuf=, rcvbuf=, ttl=, tos=, the
# keepalive's keepidle=, keepintvl=, keepcnt=, tcp-nodelay, mss=, cork,
# quickack, syncnt=, window-clamp=, priority=, dontroute, freebind,
# transparent, linger=0, bindtodevice=, so-debug, so-oobinline,
# so-rcvlowat=, tcp-linger2= and ip-mtu-discover= on a TCP client, and
# multicast-loop=, multicast-if=, multicast-ttl= on a UDP sender (whose
# ttl= is IP_TTL alone, not the hops to a group, as -M's is), reach
# setsockopt(2) with the values given, from both socats (strace shows
# the calls); a buffer of no bytes is refused in one line, and so is a
# linger that would make the close wait.
test_socket_options_by_name() {
	command -v strace >/dev/null || { sc_skip "no strace"; return; }
	serve so "$REAL" -d -d TCP4-LISTEN:0,fork PIPE
	_tcp="sndbuf=16384,rcvbuf=8192,ttl=7,tos=0x10"
	_tcp="$_tcp,keepalive,keepidle=30,keepintvl=5,keepcnt=4"
	_tcp="$_tcp,tcp-nodelay,mss=1000,cork=1,quickack=1,syncnt=3"
	_tcp="$_tcp,window-clamp=20000,priority=2,dontroute=1,freebind=1"
	_tcp="$_tcp,linger=0,bindtodevice=lo,so-debug,oobinline,rcvlowat=10"
	_tcp="$_tcp,linger2=5,mtudiscover=2"
	# IP_TRANSPARENT takes CAP_NET_ADMIN.
	_transparent=
	if [ "$(id -u)" = 0 ]; then
		_tcp="$_tcp,transparent=1"
		_transparent='IP_TRANSPARENT, '
	fi
	_udp="multicast-loop=0,multicast-if=127.0.0.1,multicast-ttl=2"
	for _bin in "$REAL" "$OURS"; do
		echo ok | traced_socat "$_bin" -t 0.5 - \
		    TCP:127.0.0.1:"$PORT,$_tcp" >"$SC_TMP/o"
		assertEquals "$_bin: TCP: status" 0 $?
		assertEquals "$_bin: TCP: echoed" "ok" "$(<"$SC_TMP/o")"
		for _c in 'SO_SNDBUF, \[16384\]' 'SO_RCVBUF, \[8192\]' \
		    'IP_TTL, \[7\]' 'IP_TOS, \[16\]' 'SO_KEEPALIVE, \[1\]' \
		    'TCP_KEEPIDLE, \[30\]' 'TCP_KEEPINTVL, \[5\]' \
		    'TCP_KEEPCNT, \[4\]' 'TCP_NODELAY, \[1\]' \
		    'TCP_MAXSEG, \[1000\]' 'TCP_CORK, \[1\]' \
		    'TCP_QUICKACK, \[1\]' 'TCP_SYNCNT, \[3\]' \
		    'TCP_WINDOW_CLAMP, \[20000\]' 'SO_PRIORITY, \[2\]' \
		    'SO_DONTROUTE, \[1\]' 'IP_FREEBIND, \[1\]' \
		    'l_onoff=1, l_linger=0' 'SO_BINDTODEVICE, "lo' \
		    'SO_DEBUG, \[1\]' 'SO_OOBINLINE, \[1\]' \
		    'SO_RCVLOWAT, \[10\]' 'TCP_LINGER2, \[5\]' \
		    'IP_MTU_DISCOVER, \[2\]' \
		    ${_transparent:+"$_transparent"}; do
			assertTrue "$_bin: $_c in $(<"$SC_TMP/tr")" \
			    "grep -q -- '$_c' '$SC_TMP/tr'"
		done
		traced_socat "$_bin" -u - \
		    UDP4-SENDTO:224.255.255.254:41800,"$_udp" </dev/null
		assertEquals "$_bin: UDP: status" 0 $?
		assertTrue "$_bin: the group's loop off in $(<"$SC_TMP/tr")" \
		    "traced_value IP_MULTICAST_LOOP 0"
		assertTrue "$_bin: the group's interface in $(<"$SC_TMP/tr")" \
		    "grep -q -- 'IP_MULTICAST_IF, ' '$SC_TMP/tr'"
		assertTrue "$_bin: the group's TTL in $(<"$SC_TMP/tr")" \
		    "traced_value IP_MULTICAST_TTL 2"
		# ttl= of a UDP sender: IP_TTL alone, not the group's.
		traced_socat "$_bin" -u - UDP4-SENDTO:127.0.0.1:41800,ttl=5 \
		    </dev/null
		assertEquals "$_bin: UDP ttl=: status" 0 $?
		assertTrue "$_bin: UDP ttl= in $(<"$SC_TMP/tr")" \
		    "traced_value IP_TTL 5"
		assertFalse "$_bin: UDP ttl= not the group's: $(<"$SC_TMP/tr")" \
		    "grep -q IP_MULTICAST_TTL '$SC_TMP/tr'"
	done
	kill "$SERVE_PID"
	wait_exit "$SERVE_PID"
	socat_refused "TCP:127.0.0.1:1,sndbuf=0: option sndbuf takes a number of bytes from 1 to 2147483647" \
	    "TCP:127.0.0.1:1,sndbuf=0" -
	socat_refused "TCP:127.0.0.1:1,linger=5: option linger takes 0 (a reset at the close), not 5: a close that waits would hold every other connection up" \
	    "TCP:127.0.0.1:1,linger=5" -
}

# traced_socat SOCAT ARGS...: SOCAT ARGS under strace, its setsockopt(2)
# calls in $SC_TMP/tr (LeakSanitizer cannot run under ptrace).
traced_socat() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    t 10 strace -f -e trace=setsockopt -o "$SC_TMP/tr" "$@"
}

# traced_value NAME N: did $SC_TMP/tr set NAME to N, an int (as we set
# it) or a byte (as socat sets some)?
traced_value() {
	grep -q -- "$1, \\[$2\\]" "$SC_TMP/tr" ||
	    grep -qF -- "$1, \"\\$2\"" "$SC_TMP/tr"
}

# dg_send BIN PORT SRC: a datagram "d" from 127.0.0.1:SRC to PORT with
# UDP4-DATAGRAM:; true once $SC_TMP/dg.out has something.
dg_send() {
	echo d | t 5 "$1" -u - \
	    UDP4-DATAGRAM:127.0.0.1:"$2",bind=127.0.0.1:"$3",reuseaddr
	[ -s "$SC_TMP/dg.out" ]
}

# UDP-DATAGRAM: sends to its address and hears every peer, whatever its
# port (socat's UDP_DATAGRAM_PEERPORT), bound where bind= says; with
# broadcast, the answers to a broadcast.  Both socats alike.
test_udp_datagram() {
	for _bin in "$REAL" "$OURS"; do
		_p1=$(free_port udp)
		_p2=$(free_port udp)
		_p3=$(free_port udp)
		rm -f "$SC_TMP/dg.out"
		bg t 20 "$_bin" -u \
		    UDP4-DATAGRAM:127.0.0.1:"$_p2",bind=127.0.0.1:"$_p1" \
		    OPEN:"$SC_TMP/dg.out",creat,append
		_srv=$BG_PID
		wait_until dg_send "$_bin" "$_p1" "$_p3" ||
		    fail "$_bin: a peer of another port not heard"
		assertEquals "$_bin: heard" "d" "$(head -n 1 "$SC_TMP/dg.out")"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
		_p=$(free_port udp)
		bg t 20 "$_bin" -d -d UDP4-RECVFROM:"$_p",broadcast,fork PIPE \
		    2>"$SC_TMP/b.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/b.err" '(receiving|Bound) on ' ||
		    fail "$_bin: no UDP4-RECVFROM"
		# Any datagram to its port is heard, as socat's: another
		# suite's on the loopback may come too, so "b" is looked for.
		assertEquals "$_bin: the broadcast answered" "b" "$(echo b |
		    t 10 "$_bin" -t 0.5 - \
		    UDP4-DATAGRAM:127.255.255.255:"$_p",broadcast | grep -ax b)"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
	done
	t 10 "$OURS" UDP4-DATAGRAM:127.0.0.1:9 TCP:127.0.0.1:9 </dev/null \
	    2>"$SC_TMP/e"
	assertEquals "with a socket: status" 1 $?
	assertContains "with a socket: said" "$(<"$SC_TMP/e")" \
	    "is joined with standard input and output, a file, a descriptor or a program alone"
	# An inherited descriptor is as a file: -u FD:N to it, as socat.
	for _bin in "$REAL" "$OURS"; do
		server "rx${_bin##*/}" -u -l 127.0.0.1 0 || fail "no listener"
		echo fd | t 10 "$_bin" -u FD:5 UDP4-DATAGRAM:127.0.0.1:"$PORT" \
		    5<&0 2>"$SC_TMP/e"
		assertEquals "$_bin -u FD:5: status $(<"$SC_TMP/e")" 0 $?
		wait_for "$SC_TMP/rx${_bin##*/}.out" '^fd$' ||
		    fail "$_bin -u FD:5: not heard"
		kill "$SERVER_PID" 2>/dev/null
	done
}

# dg_ask BIN PORT SRC: "d" sent from 127.0.0.1:SRC to PORT with
# UDP4-DATAGRAM:, the answer in $SC_TMP/dg.ans; true once there is one.
dg_ask() {
	echo d | t 5 "$1" -t 0.5 - \
	    UDP4-DATAGRAM:127.0.0.1:"$2",bind=127.0.0.1:"$3",reuseaddr \
	    >"$SC_TMP/dg.ans"
	[ -s "$SC_TMP/dg.ans" ]
}

# UDP-DATAGRAM: with a program (socat's echo, PIPE, or one that answers
# once and exits, which ends it): one program, what it writes sent to
# the address.  Both socats alike.
test_udp_datagram_program() {
	printf '#!/bin/sh\nread x; echo "got $x"\n' >"$SC_TMP/once.sh"
	chmod +x "$SC_TMP/once.sh"
	for _bin in "$REAL" "$OURS"; do
		for _prog in PIPE:d EXEC:"$SC_TMP/once.sh":"got d"; do
			_p1=$(free_port udp)
			_p2=$(free_port udp)
			bg t 20 "$_bin" \
			    UDP4-DATAGRAM:127.0.0.1:"$_p2",bind=127.0.0.1:"$_p1" \
			    "${_prog%:*}"
			_srv=$BG_PID
			wait_until dg_ask "$_bin" "$_p1" "$_p2" ||
			    fail "$_bin ${_prog%:*}: no answer"
			assertEquals "$_bin ${_prog%:*}: the answer" \
			    "${_prog##*:}" "$(<"$SC_TMP/dg.ans")"
			[ "${_prog%%:*}" = PIPE ] && kill "$_srv" 2>/dev/null
			wait_exit "$_srv"
			[ "${_prog%%:*}" = PIPE ] ||
			    assertEquals "$_bin: ended with its program" 0 \
			    "$WAIT_STATUS"
		done
	done
}

# socat's UNIX: (UNIX-CLIENT:) is a client of a datagram socket when its
# path is one, its bind= the path of its own; of a stream one otherwise.
# Both socats alike.
test_unix_client_of_either() {
	for _bin in "$REAL" "$OURS"; do
		_ds=$SC_TMP/d.sock
		_cs=$SC_TMP/c.sock
		rm -f "$_ds" "$_cs"
		bg t 20 "$_bin" UNIX-RECVFROM:"$_ds" PIPE
		_srv=$BG_PID
		wait_until test -S "$_ds" || fail "$_bin: no UNIX-RECVFROM"
		assertEquals "$_bin: a datagram socket" "dg" "$(echo dg |
		    t 10 "$_bin" -t 0.5 - UNIX-CLIENT:"$_ds",bind="$_cs")"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
		rm -f "$_ds" "$_cs"
		bg t 20 "$_bin" UNIX-LISTEN:"$_ds" PIPE
		_srv=$BG_PID
		wait_until unix_listening "$_ds" || fail "$_bin: no UNIX-LISTEN"
		assertEquals "$_bin: a stream socket" "st" "$(echo st |
		    t 10 "$_bin" -t 0.5 - UNIX:"$_ds")"
		wait_exit "$_srv"
		rm -f "$_ds"
	done
}

# A stream Unix client's bind=: the name its peer sees (the listener's
# program's SOCAT_PEERADDR), removed when it is done unless
# unlink-close=0; unlink-early removes what is in its way first, without
# which a file there is an error.  Both socats alike, but unlink-early.
test_unix_connect_bind() {
	for _bin in "$REAL" "$OURS"; do
		_ls=$SC_TMP/l.sock
		_cs=$SC_TMP/c.sock
		rm -f "$_ls" "$_cs"
		bg t 20 "$_bin" UNIX-LISTEN:"$_ls",fork \
		    SYSTEM:'echo "$SOCAT_PEERADDR"'
		_srv=$BG_PID
		wait_until unix_listening "$_ls" || fail "$_bin: no UNIX-LISTEN"
		assertEquals "$_bin: the peer's name" "$_cs" "$(t 10 "$_bin" \
		    -u UNIX-CONNECT:"$_ls",bind="$_cs" - </dev/null)"
		assertFalse "$_bin: its file gone" "test -e '$_cs'"
		assertEquals "$_bin: unlink-close=0" "$_cs" "$(t 10 "$_bin" \
		    -u UNIX-CONNECT:"$_ls",bind="$_cs",unlink-close=0 - \
		    </dev/null)"
		assertTrue "$_bin: unlink-close=0 keeps it" "test -S '$_cs'"
		rm -f "$_cs"
		echo stale >"$_cs"
		t 10 "$_bin" -u UNIX-CONNECT:"$_ls",bind="$_cs" - </dev/null \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin: a file in the way: status" 1 $?
		assertEquals "$_bin: a file in the way: nothing" "" \
		    "$(<"$SC_TMP/o")"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
	done
	# unlink-early, as socat's manual has it (socat 1.7.4.4 says "not
	# implemented"): the file in the way goes first.
	bg t 20 "$OURS" UNIX-LISTEN:"$_ls",fork SYSTEM:'echo "$SOCAT_PEERADDR"'
	_srv=$BG_PID
	wait_until unix_listening "$_ls" || fail "no UNIX-LISTEN"
	assertEquals "unlink-early" "$_cs" "$(t 10 "$OURS" -u \
	    UNIX-CONNECT:"$_ls",bind="$_cs",unlink-early - </dev/null)"
	assertFalse "unlink-early: its file gone" "test -e '$_cs'"
	kill "$_srv" 2>/dev/null
	wait_exit "$_srv"
	# socat's unlink-early of a client is its bind='s.
	t 10 "$OURS" UNIX-CONNECT:"$SC_TMP/x",unlink-early - </dev/null \
	    2>"$SC_TMP/e"
	assertEquals "unlink-early without bind: status" 1 $?
	assertContains "unlink-early without bind: said" "$(<"$SC_TMP/e")" \
	    "option unlink-early of a UNIX-CONNECT: address is for its bind="
}

# GOPEN written alone (-u, from a socket): created when it is not there,
# appended to when it is.  Both socats alike.
test_gopen_written_alone() {
	for _bin in "$REAL" "$OURS"; do
		_ls=$SC_TMP/g.sock
		rm -f "$_ls" "$SC_TMP/new"
		printf 'old\n' >"$SC_TMP/old"
		for _gf in new old; do
			bg t 20 "$_bin" -u UNIX-LISTEN:"$_ls" \
			    GOPEN:"$SC_TMP/$_gf"
			_srv=$BG_PID
			wait_until unix_listening "$_ls" || fail "$_bin: no listener"
			echo "to $_gf" | t 10 "$_bin" -u - UNIX-CONNECT:"$_ls"
			wait_exit "$_srv"
			assertEquals "$_bin: the listener's end" 0 \
			    "$WAIT_STATUS"
		done
		assertEquals "$_bin: created" "to new" "$(<"$SC_TMP/new")"
		assertEquals "$_bin: appended to" "old
to old" "$(<"$SC_TMP/old")"
	done
}

# unlink-close=0: the socket file a Unix listener binds stays after it
# is done; unlink-close=1 (sockcat's way, and socat's for a listener):
# it goes, as a sender's bind= file does here.  Both socats alike.
test_unlink_close() {
	for _bin in "$REAL" "$OURS"; do
		_ks=$SC_TMP/keep.sock
		_cs=$SC_TMP/cli.sock
		rm -f "$_ks" "$_cs" "$SC_TMP/o"
		bg t 20 "$_bin" -u UNIX-RECV:"$_ks",unlink-close=0 \
		    OPEN:"$SC_TMP/o",creat,append
		_srv=$BG_PID
		wait_until test -S "$_ks" || fail "$_bin: no UNIX-RECV"
		echo x | t 10 "$_bin" -u - \
		    UNIX-SENDTO:"$_ks",bind="$_cs",unlink-close=1
		wait_until file_matches "$SC_TMP/o" '^x$' ||
		    fail "$_bin: nothing received"
		kill "$_srv" 2>/dev/null
		wait_exit "$_srv"
		assertTrue "$_bin: the listener's file stays" "test -S '$_ks'"
		assertFalse "$_bin: the sender's goes" "test -e '$_cs'"
	done
}

# A TLS client's address is matched, where the certificate does not
# name it as an address, by a commonName that is the address as written
# ("[::1]"), both socats alike: that one is trusted, a bare "::1" is not.
test_tls_commonname_address() {
	for _cn in '[::1]' '::1'; do
		openssl req -x509 -newkey ec -pkeyopt \
		    ec_paramgen_curve:prime256v1 -nodes -days 2 \
		    -subj "/CN=$_cn" -keyout "$SC_TMP/k.pem" \
		    -out "$SC_TMP/c.pem" 2>/dev/null || fail "no certificate"
		serve cn "$REAL" -d -d OPENSSL-LISTEN:0,pf=ip6,reuseaddr,fork,$(
		    )verify=0,cert="$SC_TMP/c.pem",key="$SC_TMP/k.pem" PIPE
		for _bin in "$REAL" "$OURS"; do
			_got=$(echo hi | t 20 "$_bin" - \
			    OPENSSL:[::1]:"$PORT",cafile="$SC_TMP/c.pem" \
			    2>"$SC_TMP/e")
			_rc=$?
			if [ "$_cn" = '[::1]' ]; then
				assertEquals "$_bin, $_cn: status" 0 "$_rc"
				assertEquals "$_bin, $_cn: echoed" hi "$_got"
			else
				assertEquals "$_bin, $_cn: status" 1 "$_rc"
				assertEquals "$_bin, $_cn: nothing" "" "$_got"
			fi
		done
		kill "$SERVE_PID" 2>/dev/null
		wait_exit "$SERVE_PID"
	done
}

# The commonName that stands for the address is all of it: one with a
# NUL after the address ("127.0.0.1\0.evil.example", what an authority
# may sign for the owner of evil.example) names another host, and is
# refused (socat 1.7.4 takes it).  One that is the address is taken.
test_tls_commonname_address_is_whole() {
	"${SC_PYTHON:-python3}" -c 'import cryptography' 2>/dev/null ||
	    { sc_skip "no python3 cryptography"; return; }
	for _cn in '127.0.0.1\0.evil.example' '127.0.0.1'; do
		"${SC_PYTHON:-python3}" - "$CERTS" "$_cn" "$SC_TMP/n" <<'EOF' ||
import datetime, sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
d, cn, out = sys.argv[1], sys.argv[2].replace("\\0", "\0"), sys.argv[3]
cakey = serialization.load_pem_private_key(
    open(d + "/ca.key", "rb").read(), None)
ca = x509.load_pem_x509_certificate(open(d + "/ca.pem", "rb").read())
key = ec.generate_private_key(ec.SECP256R1())
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder()
    .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
    .issuer_name(ca.subject).public_key(key.public_key())
    .serial_number(x509.random_serial_number())
    .not_valid_before(now - datetime.timedelta(hours=1))
    .not_valid_after(now + datetime.timedelta(days=1))
    .sign(cakey, hashes.SHA256()))
open(out + ".pem", "wb").write(
    cert.public_bytes(serialization.Encoding.PEM))
open(out + ".key", "wb").write(key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption()))
EOF
		    fail "no certificate"
		serve cn "$REAL" -d -d OPENSSL-LISTEN:0,bind=127.0.0.1,$(
		    )reuseaddr,fork,verify=0,cert="$SC_TMP/n.pem",$(
		    )key="$SC_TMP/n.key" PIPE
		_got=$(echo hi | t 20 "$OURS" - \
		    OPENSSL:127.0.0.1:"$PORT",cafile="$CERTS/ca.pem" \
		    2>"$SC_TMP/e")
		_rc=$?
		if [ "$_cn" = '127.0.0.1' ]; then
			assertEquals "the address: status" 0 "$_rc"
			assertEquals "the address: echoed" hi "$_got"
		else
			assertEquals "a NUL after it: status" 1 "$_rc"
			assertEquals "a NUL after it: nothing" "" "$_got"
			assertContains "a NUL after it: said" "$(<"$SC_TMP/e")" \
			    " E TLS certificate verification failed: IP address mismatch"
		fi
		kill "$SERVE_PID" 2>/dev/null
		wait_exit "$SERVE_PID"
	done
}

# commonname= of a TLS listener: the name its client's certificate must
# bear, both socats alike: the client named so is served, another not.
test_tls_listener_commonname() {
	for _bin in "$REAL" "$OURS"; do
		for _cn in 'test client' onlyyou; do
			serve cn "$_bin" -d -d OPENSSL-LISTEN:0,reuseaddr,$(
			    )cert="$CERTS/srv.pem",key="$CERTS/srv.key",$(
			    )cafile="$CERTS/ca.pem",commonname="$_cn" PIPE
			_got=$(echo hi | t 20 "$REAL" - OPENSSL:localhost:$(
			    )"$PORT",cafile="$CERTS/ca.pem",$(
			    )cert="$CERTS/cli.pem",key="$CERTS/cli.key" \
			    2>/dev/null)
			[ "$_cn" = onlyyou ] && _want= || _want=hi
			assertEquals "$_bin, $_cn" "$_want" "$_got"
			kill "$SERVE_PID" 2>/dev/null
			wait_exit "$SERVE_PID"
		done
	done
}

# fdin= or fdout= of a program used one way, for the other: refused,
# status 1, both socats alike, in socat's words.
test_program_descriptor_of_unused_way() {
	for _bin in "$REAL" "$OURS"; do
		t 20 "$_bin" -u /dev/null EXEC:cat,fdout=1 </dev/null \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin fdout: status" 1 $?
		assertContains "$_bin fdout: why" "$(<"$SC_TMP/e")" \
		    "E $([ "$_bin" = "$REAL" ] && echo '_xioopen_foxec()' ||
		    echo 'EXEC:cat,fdout=1'): option fdout is useless in write-only mode"
		t 20 "$_bin" -u EXEC:'echo hi',fdin=3 - </dev/null \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin fdin: status" 1 $?
		assertContains "$_bin fdin: why" "$(<"$SC_TMP/e")" \
		    "option fdin is useless in read-only mode"
		assertEquals "$_bin fdin: nothing run" "" "$(<"$SC_TMP/o")"
	done
}

# A file joined with a socket, without -u or -U, is read and written,
# both socats alike: the listener's /dev/null gives its client nothing
# (not the standard input it was started with), and what a server says
# to a client whose first address is /dev/null goes there, not to its
# standard output.  A file that GOPEN writes is made if it is not
# there, appended to if it is.
test_file_read_and_written() {
	printf 'not for the client\n' >"$SC_TMP/stdin"
	serve greet "$REAL" -d -d TCP-LISTEN:0,reuseaddr,fork \
	    SYSTEM:'echo hello'
	for _bin in "$REAL" "$OURS"; do
		bg_in "$SC_TMP/stdin" t 20 "$_bin" -d -d \
		    TCP-LISTEN:0,bind=127.0.0.1 /dev/null \
		    2>"$SC_TMP/null.err"
		_srv=$BG_PID
		wait_for "$SC_TMP/null.err" '[Ll]istening on ' ||
		    fail "$_bin: no listener"
		_p=$(sed -n 's/.*[Ll]istening on .*[ :]\([0-9][0-9]*\)$/\1/p' \
		    "$SC_TMP/null.err" | head -n 1)
		assertEquals "$_bin: the listener's /dev/null sends nothing" \
		    "" "$(t 20 "$REAL" -u TCP:127.0.0.1:"$_p" - </dev/null)"
		wait_exit "$_srv"
		assertEquals "$_bin: what the server says goes to /dev/null" \
		    "" "$(t 20 "$_bin" /dev/null TCP:127.0.0.1:"$PORT" \
		    </dev/null)"
		# GOPEN written: made when not there, appended to after.
		rm -f "$SC_TMP/got"
		for _i in 1 2; do
			t 20 "$_bin" -u TCP:127.0.0.1:"$PORT" \
			    GOPEN:"$SC_TMP/got" </dev/null
			assertEquals "$_bin: GOPEN, $_i: status" 0 $?
		done
		assertEquals "$_bin: GOPEN made, then appended to" \
		    "hello
hello" "$(cat "$SC_TMP/got")"
	done
}

# -T: a relay that moves nothing either way for that long ends, status
# 0, both socats alike: bytes that keep coming keep it; a pause longer
# than -T's time ends it, and what comes after the pause is not echoed.
test_inactivity() {
	for _bin in "$REAL" "$OURS"; do
		serve idle "$_bin" -d -d -T 1 TCP-LISTEN:0,reuseaddr PIPE
		assertEquals "$_bin: bytes that keep coming" "$(seq 5)" \
		    "$(for _i in 1 2 3 4 5; do echo "$_i"; sleep 0.3; done |
		    t 20 "$SC" 127.0.0.1 "$PORT")"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: done after the client" 0 "$WAIT_STATUS"
		serve idle "$_bin" -d -d -T 1 TCP-LISTEN:0,reuseaddr PIPE
		assertEquals "$_bin: a pause" "before" \
		    "$( (echo before; sleep 4; echo after) |
		    t 20 "$SC" 127.0.0.1 "$PORT")"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: the timer's end" 0 "$WAIT_STATUS"
		t 20 "$_bin" -T 0.5 - TCP:127.0.0.1:1 </dev/null 2>/dev/null
		assertEquals "$_bin: no connection: an error" 1 $?
	done
	# Two sides that are no sockets (the local relay) have it too: a
	# quiet program is left after the second, status 0.
	for _bin in "$REAL" "$OURS"; do
		(echo before; sleep 5) | t 4 "$_bin" -T 1 - \
		    SYSTEM:'cat; sleep 9' >"$SC_TMP/o"
		assertEquals "$_bin: -T between stdio and a program: status" \
		    0 $?
		assertEquals "$_bin: -T between stdio and a program" "before" \
		    "$(<"$SC_TMP/o")"
	done
}

# -b: no read moves more than so many bytes (a datagram longer is cut
# there, as socat cuts it); too big a size is refused in socat's words;
# where a program runs in sockcat's place there is no relay to size: one
# line, status 1.  Both socats alike.
test_block_size() {
	for _bin in "$REAL" "$OURS"; do
		bg t 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
d, a = s.recvfrom(100)
s.sendto(b"0123456789\n", a)' >"$SC_TMP/udp.port"
		wait_for "$SC_TMP/udp.port" '^[0-9]' || fail "no UDP server"
		assertEquals "$_bin: a datagram cut at -b's size" "0123" \
		    "$( (echo go; sleep 1) | t 20 "$_bin" -b 4 - \
		    UDP:127.0.0.1:"$(cat "$SC_TMP/udp.port")")"
		wait_exit "$BG_PID"
		t 20 "$_bin" -b 99999999999999999999999 - - </dev/null \
		    2>"$SC_TMP/e"
		assertEquals "$_bin: too big: status" 1 $?
		assertContains "$_bin: too big: socat's words" "$(<"$SC_TMP/e")" \
		    "buffer size option (-b) to big"
	done
	# Between stdio and a program (the local relay), as between sockets.
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: -b between stdio and a program" \
		    "$(seq 1000)" "$(seq 1000 | t 20 "$_bin" -b 10 - EXEC:cat)"
	done
}

# socat's dumps: -x (hexadecimal) and -v (text, its escapes) on stderr,
# each block with its direction and length; -r and -R append each way's
# bytes to a file.  Both socats alike, but for the blocks' time.
test_data_dumps() {
	_hex='> length=3 from=0 to=2
 68 69 0a
< length=5 from=0 to=4
 62 61 63 6b 0a'
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/ltor" "$SC_TMP/rtol"
		serve dump "$_bin" -d -d -x -r "$SC_TMP/ltor" -R "$SC_TMP/rtol" \
		    TCP-LISTEN:0 SYSTEM:'read x; echo back'
		assertEquals "$_bin: the answer" "back" \
		    "$(echo hi | t 20 "$SC" 127.0.0.1 "$PORT")"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: -x" "$_hex" "$(grep -E '^[<>] |^ [0-9a-f]{2}' \
		    "$SC_TMP/dump.err" | sed 's/^\([<>]\) .*  length/\1 length/')"
		assertEquals "$_bin: -r" "hi" "$(cat "$SC_TMP/ltor")"
		assertEquals "$_bin: -R" "back" "$(cat "$SC_TMP/rtol")"
		serve text "$_bin" -d -d -v TCP-LISTEN:0 SYSTEM:'cat >/dev/null'
		printf 'a\tb\\\r\001\n' | t 20 "$SC" -N 127.0.0.1 "$PORT"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: -v" "$(printf '> length=7 from=0 to=6\na\tb\\\\\\r.')" \
		    "$(grep -vE '^[0-9]{4}/' "$SC_TMP/text.err" |
		    sed 's/^\([<>]\) .*  length/\1 length/')"
		# -v's escapes of C's, and a block longer than a line's
		# buffer.
		printf 'x\a\b\v\fy\n' | t 20 "$_bin" -v - SYSTEM:'cat >/dev/null' \
		    2>"$SC_TMP/esc"
		assertEquals "$_bin: -v's escapes" '> length=7 from=0 to=6
x\a\b\v\fy' "$(grep -vE '^[0-9]{4}/' "$SC_TMP/esc" |
		    sed 's/^\([<>]\) .*  length/\1 length/')"
		head -c 3000 /dev/zero | tr '\0' '\a' |
		    t 20 "$_bin" -v - SYSTEM:'cat >/dev/null' 2>"$SC_TMP/bells"
		assertEquals "$_bin: -v of 3000 bells" \
		    "$(printf '\\a%.0s' $(seq 3000))" \
		    "$(grep -vE '^[<>] |^[0-9]{4}/' "$SC_TMP/bells" | tr -d '\n')"
		# -x with -v: each line's bytes in hex, then as text, up to
		# sixteen and never past a newline; "--" after the block.
		printf 'ab\ncd\001e\nfghijklmnopqrstuvwxyz\n' |
		    t 20 "$_bin" -x -v - SYSTEM:'cat >/dev/null' 2>"$SC_TMP/xv"
		assertEquals "$_bin: -x -v: status" 0 $?
		assertEquals "$_bin: -x -v" "> length=30 from=0 to=29
 61 62 0a                                         ab.
 63 64 01 65 0a                                   cd.e.
 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 75  fghijklmnopqrstu
 76 77 78 79 7a 0a                                vwxyz.
--" "$(grep -vE '^[0-9]{4}/' "$SC_TMP/xv" |
		    sed 's/^\([<>]\) .*  length/\1 length/')"
	done
}

# Where messages go: -lf appends them to a file (-lu: the time to the
# microsecond, -lh: the host's name), -ly to syslog: nothing on stderr
# either way; -ls back to stderr.  Both socats alike.
test_log_destinations() {
	_re='^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} '
	_re="${_re}sockhost socat\\[[0-9]+\\] E "
	for _bin in "$REAL" "$OURS"; do
		echo "before" >"$SC_TMP/log"
		HOSTNAME=sockhost t 20 "$_bin" -lf "$SC_TMP/log" -lu -lh \
		    TCP:127.0.0.1:1 - </dev/null 2>"$SC_TMP/e"
		assertEquals "$_bin: -lf: status" 1 $?
		assertEquals "$_bin: -lf: nothing on stderr" "" "$(<"$SC_TMP/e")"
		assertEquals "$_bin: -lf: appended" "before" \
		    "$(head -n 1 "$SC_TMP/log")"
		assertTrue "$_bin: -lu -lh: $(tail -n 1 "$SC_TMP/log")" \
		    "tail -n 1 '$SC_TMP/log' | grep -Eq '$_re'"
		t 20 "$_bin" -lylocal7 TCP:127.0.0.1:1 - </dev/null 2>"$SC_TMP/e"
		assertEquals "$_bin: -ly: status" 1 $?
		assertEquals "$_bin: -ly: nothing on stderr" "" "$(<"$SC_TMP/e")"
		t 20 "$_bin" -lf "$SC_TMP/log" -ls TCP:127.0.0.1:1 - </dev/null \
		    2>"$SC_TMP/e"
		assertContains "$_bin: -ls: stderr again" "$(<"$SC_TMP/e")" \
		    "Connection refused"
	done
}

# lock_files FORM: a lock file, made with the process's id, removed at
# the end; held, the second is refused; the waiting form waits for it.
# FORM is socat's -L and -W ("option") or an address's lockfile= and
# waitlock= ("address").  Both socats alike.
lock_files() {
	_l=$SC_TMP/lock
	for _bin in "$REAL" "$OURS"; do
		if [ "$1" = option ]; then
			serve hold "$_bin" -d -d -L "$_l" TCP-LISTEN:0 \
			    SYSTEM:'echo x'
			_held=(-L "$_l" TCP:127.0.0.1:1 -)
			_wait=(-d -d -W "$_l" TCP:127.0.0.1:"$PORT" -)
		else
			serve hold "$_bin" -d -d TCP-LISTEN:0,lockfile="$_l" \
			    SYSTEM:'echo x'
			_held=(-u TCP:127.0.0.1:1,lockfile="$_l" -)
			_wait=(-d -d - TCP:127.0.0.1:"$PORT",waitlock="$_l")
		fi
		assertTrue "$_bin $1: the lock's process id" \
		    "grep -Eqx '[0-9]+' '$_l'"
		t 20 "$_bin" "${_held[@]}" </dev/null 2>"$SC_TMP/e"
		assertEquals "$_bin $1: held: status" 1 $?
		assertContains "$_bin $1: held: said" "$(<"$SC_TMP/e")" \
		    "could not obtain lock \"$_l\""
		bg t 20 "$_bin" "${_wait[@]}" </dev/null 2>"$SC_TMP/w.err"
		_w=$BG_PID
		wait_for "$SC_TMP/w.err" 'waiting for lock' ||
		    fail "$_bin $1: the waiting form does not wait"
		assertTrue "$_bin $1: it waits" "still_running $_w 1"
		assertEquals "$_bin $1: the holder's client" "x" \
		    "$(t 20 "$SC" 127.0.0.1 "$PORT" </dev/null)"
		wait_exit "$SERVE_PID"
		wait_exit "$_w"
		assertEquals "$_bin $1: it waited, then was refused" 1 \
		    "$WAIT_STATUS"
		assertFalse "$_bin $1: removed at the end" "[ -e '$_l' ]"
	done
}

test_lock_files() {
	lock_files option
}

test_address_lock_files() {
	lock_files address
}

# SOCAT_DEFAULT_LISTEN_IP=6: a listener naming no family listens on
# IPv6 (and IPv4's clients too); without it, on IPv4 alone.  Both socats
# alike.
test_default_listen_ip() {
	for _bin in "$REAL" "$OURS"; do
		SOCAT_DEFAULT_LISTEN_IP=6 serve six "$_bin" -d -d \
		    TCP-LISTEN:0,reuseaddr PIPE
		assertEquals "$_bin: over IPv6" "six" \
		    "$(echo six | t 20 "$SC" -N ::1 "$PORT")"
		wait_exit "$SERVE_PID"
		serve four "$_bin" -d -d TCP-LISTEN:0,reuseaddr PIPE
		echo four | t 20 "$SC" -N ::1 "$PORT" 2>/dev/null
		assertEquals "$_bin: without it, not over IPv6" 1 $?
		assertEquals "$_bin: over IPv4" "four" \
		    "$(echo four | t 20 "$SC" -N 127.0.0.1 "$PORT")"
		wait_exit "$SERVE_PID"
	done
}

# A program's environment: socat's SOCAT_PEERADDR, SOCAT_SOCKPORT, ...
# (IPv6 in socat's long form); with -u the program is only written to,
# its stdout socat's own.  Both socats alike.
test_program_environment() {
	_vars='$SOCAT_SOCKADDR $SOCAT_PEERADDR $SOCAT_SOCKPORT'
	for _bin in "$REAL" "$OURS"; do
		serve env "$_bin" -d -d -u TCP6-LISTEN:0 \
		    SYSTEM:"echo \"$_vars\"; cat"
		echo sent | t 20 "$SC" -N ::1 "$PORT"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: status" 0 "$WAIT_STATUS"
		assertEquals "$_bin: its variables, then its input" \
		    "$(printf '%s %s %s\nsent' \
		    '[0000:0000:0000:0000:0000:0000:0000:0001]' \
		    '[0000:0000:0000:0000:0000:0000:0000:0001]' "$PORT")" \
		    "$(cat "$SC_TMP/env.out")"
		serve env4 "$_bin" -d -d TCP4-LISTEN:0 \
		    SYSTEM:'echo "$SOCAT_PEERADDR $SOCAT_PEERPORT"'
		_got=$(t 20 "$SC" 127.0.0.1 "$PORT" </dev/null)
		assertTrue "$_bin: the peer's address and port: $_got" \
		    "echo '$_got' | grep -Eq '^127\.0\.0\.1 [0-9]+\$'"
		wait_exit "$SERVE_PID"
		# -U: the program's stdin is socat's; what the peer sends,
		# no one's.
		echo in >"$SC_TMP/in"
		bg_in "$SC_TMP/in" t 20 "$_bin" -d -d -U TCP-LISTEN:0 \
		    SYSTEM:'cat; echo done' 2>"$SC_TMP/u.err"
		_u=$BG_PID
		wait_for "$SC_TMP/u.err" '[Ll]istening on ' ||
		    fail "$_bin: -U: no listener"
		PORT=$(sed -n 's/.*[Ll]istening on .*[ :]\([0-9][0-9]*\)$/\1/p' \
		    "$SC_TMP/u.err" | head -n 1)
		assertEquals "$_bin: -U: the program's stdin is ours" \
		    "$(printf 'in\ndone')" \
		    "$(echo ignored | t 20 "$SC" 127.0.0.1 "$PORT")"
		wait_exit "$_u"
		assertEquals "$_bin: -U: status" 0 "$WAIT_STATUS"
		assertEquals "$_bin: SOCAT_PID and SOCAT_PPID without a socket" \
		    "pid ppid" "$(SOCAT_PID= SOCAT_PPID= t 20 "$_bin" -u \
		    SYSTEM:'echo ${SOCAT_PID:+pid} ${SOCAT_PPID:+ppid}' -)"
	done
}

# anc_recv NAME SOCAT ADDRESS SECOND ARGS...: SOCAT -d -d ARGS with the
# datagram receiver ADDRESS (its port from free_port in PORT) and SECOND,
# in the background (its output in $SC_TMP/NAME.out and .err, its
# process in ANC_PID), once it receives.
anc_recv() {
	_an=$1
	_ab=$2
	PORT=$(free_port udp)
	_aa=${3//PORT/$PORT}
	_as=$4
	shift 4
	bg t 20 env SOCAT_IP_TOS=stale SOCKCAT_IP_TOS=stale "$_ab" -d -d "$@" \
	    "$_aa" "$_as" >"$SC_TMP/$_an.out" 2>"$SC_TMP/$_an.err"
	ANC_PID=$BG_PID
	wait_for "$SC_TMP/$_an.err" '(receiving on|Bound on|starting data)' ||
	    fail "$_ab: no receiver: $(<"$SC_TMP/$_an.err")"
}

# socat's ancillary data: what a datagram received says beside its bytes
# (so-timestamp, ip-pktinfo, ip-recvtos, ip-recvttl, ip-recvopts and
# IPv6's), as the sender's ip-tos=, ip-ttl=, ip-options=, ipv6-tclass=
# and ipv6-unicast-hops= made it: a UDP-RECVFROM's program is given it in
# socat's variables (SOCAT_IP_TOS inherited replaced), -d -d -d logs each
# item.  Both socats alike; sockcat's grammar names them SOCKCAT_*.
test_datagram_ancillary() {
	_ts='[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] [0-9:]{8} [0-9]{4}, '
	_ts="$_ts[0-9]{6} usecs"
	_six='[0000:0000:0000:0000:0000:0000:0000:0001]'
	for _bin in "$REAL" "$OURS"; do
		anc_recv a4 "$_bin" UDP4-RECVFROM:PORT,ip-pktinfo,ip-recvtos,$(
		    )ip-recvttl,ip-recvopts,so-timestamp \
		    SYSTEM:'env | grep ^SOCAT_ | sort' -u
		echo x | t 20 "$_bin" -u - UDP4-SENDTO:127.0.0.1:"$PORT",$(
		    )ip-tos=7,ip-ttl=53,ip-options=x01000000
		wait_exit "$ANC_PID"
		assertEquals "$_bin: IPv4: its variables" "$(printf '%s\n' \
		    SOCAT_IP_DSTADDR=127.0.0.1 SOCAT_IP_IF=lo \
		    SOCAT_IP_LOCADDR=127.0.0.1 SOCAT_IP_OPTIONS=x01000000 \
		    SOCAT_IP_TOS=7 SOCAT_IP_TTL=53)" \
		    "$(grep '^SOCAT_IP_' "$SC_TMP/a4.out")"
		assertTrue "$_bin: IPv4: the time" \
		    "grep -Eqx 'SOCAT_TIMESTAMP=$_ts' $SC_TMP/a4.out"
		anc_recv a6 "$_bin" UDP6-RECVFROM:PORT,ipv6-recvpktinfo,$(
		    )ipv6-recvtclass,ipv6-recvhoplimit \
		    SYSTEM:'env | grep ^SOCAT_IPV6 | sort' -u
		echo x | t 20 "$_bin" -u - UDP6-SENDTO:[::1]:"$PORT",$(
		    )ipv6-tclass=0xaa,ipv6-unicast-hops=35
		wait_exit "$ANC_PID"
		assertEquals "$_bin: IPv6: its variables" "$(printf '%s\n' \
		    "SOCAT_IPV6_DSTADDR=$_six" SOCAT_IPV6_HOPLIMIT=35 \
		    SOCAT_IPV6_IF=lo SOCAT_IPV6_TCLASS=x000000aa)" \
		    "$(<"$SC_TMP/a6.out")"
		# Each datagram's items, logged.
		anc_recv l6 "$_bin" UDP6-RECV:PORT,ipv6-recvpktinfo,$(
		    )ipv6-recvtclass,so-timestamp - -d -u
		echo x | t 20 "$_bin" -u - UDP6-SENDTO:[::1]:"$PORT",$(
		    )ipv6-tclass=0xaa
		wait_for "$SC_TMP/l6.out" x || fail "$_bin: not received"
		stop "$ANC_PID"
		assertEquals "$_bin: IPv6: logged" "$(printf '%s\n' \
		    "IPV6_PKTINFO: dstaddr=$_six" IPV6_PKTINFO:\ if=lo \
		    IPV6_TCLASS:\ tclass=x000000aa SCM_TIMESTAMP:\ timestamp=T)" \
		    "$(sed -n 's/.* I ancillary message: //p' "$SC_TMP/l6.err" |
		    sed -E "s/=$_ts\$/=T/" | sort)"
	done
	PORT=$(free_port udp)
	bg t 20 env SOCKCAT_IP_TOS=stale "$SC" -v \
	    udp-l:127.0.0.1:"$PORT",ip-recvtos,ip-recvttl \
	    exec:'sh -c "env | grep ^SOCKCAT_IP >&2"' 2>"$SC_TMP/k4.err"
	_k=$BG_PID
	wait_for "$SC_TMP/k4.err" 'Bound on' || fail "no udp-l:"
	echo x | t 20 "$SC" -u -q 0 -T 7 -M 9 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/k4.err" TTL || fail "no variables"
	stop "$_k"
	assertEquals "sockcat's grammar" "$(printf '%s\n' SOCKCAT_IP_TOS=7 \
	    SOCKCAT_IP_TTL=9)" "$(grep ^SOCKCAT_IP "$SC_TMP/k4.err" | sort)"
}

# UDP-SENDTO to a link-local group with no scope, bound to ::1, in a
# namespace whose loopback takes groups: sent there, status 0, nothing
# said, as socat's sendto(2) is; a connect(2) that names no interface
# would say "Invalid argument".  Both socats alike.
test_sendto_link_local_group() {
	sc_have_netns || { sc_skip "unshare -n refused: no namespace"; return; }
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin" "status 0" "$(echo x | sc_netns 20 sh -c '
		    ip link set lo multicast on &&
		    ip -6 route add multicast ff00::/8 dev lo table local &&
		    "$1" -u - "UDP6-SENDTO:[ff02::2]:9,bind=[::1]" 2>&1
		    echo "status $?"' sh "$_bin")"
	done
}

# A TLS peer's certificate, told to a program in socat's variables:
# subject and issuer in OpenSSL's one-line form, and the subject's fields
# by name (one given twice, both values).  Both socats alike.
test_program_tls_environment() {
	cat "$CERTS/srv.pem" "$CERTS/srv.key" >"$SC_TMP/s.pem"
	serve tls "$REAL" -d -d OPENSSL-LISTEN:0,cert="$SC_TMP/s.pem",verify=0,fork \
	    SYSTEM:'sleep 0.5'
	_v='$SOCAT_OPENSSL_X509_SUBJECT / $SOCAT_OPENSSL_X509_ISSUER'
	_v="$_v / \$SOCAT_OPENSSL_X509_COMMONNAME"
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: the peer's certificate" \
		    "CN = localhost / CN = Test CA / localhost" \
		    "$(SOCAT_OPENSSL_X509_COMMONNAME=stale t 20 "$_bin" -u \
		    OPENSSL:127.0.0.1:"$PORT",verify=0 SYSTEM:"echo $_v")"
	done
	kill "$SERVE_PID" 2>/dev/null
	wait_exit "$SERVE_PID"
	# A field the subject has twice: its values joined by " // ".
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$SC_TMP/mk.pem" -out "$SC_TMP/mc.pem" -days 1 \
	    -subj "/CN=multi/OU=one/OU=two" 2>/dev/null ||
	    fail "no certificate"
	cat "$SC_TMP/mc.pem" "$SC_TMP/mk.pem" >"$SC_TMP/m.pem"
	serve tls2 "$REAL" -d -d OPENSSL-LISTEN:0,cert="$SC_TMP/m.pem",verify=0,fork \
	    SYSTEM:'sleep 0.5'
	_v='$SOCAT_OPENSSL_X509_ORGANIZATIONALUNITNAME'
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: a field twice" "one // two" \
		    "$(t 20 "$_bin" -u OPENSSL:127.0.0.1:"$PORT",verify=0 \
		    SYSTEM:"echo $_v")"
	done
	kill "$SERVE_PID" 2>/dev/null
	wait_exit "$SERVE_PID"
}

# Bad addresses: one line each, status 1.
test_refusals() {
	for _a in 'TCP-LISTEN:0!!STDOUT' 'TCP:host' 'EXEC:"cat' \
	    'TCP6:[::1:80' 'NOSUCH:x' 'PTY,rawer=0' 'TCP-L:0,pf=ip6,pf=ip4' \
	    'OPEN:x,bind=1.2.3.4' 'UNIX:x,unlink-early'; do
		t 20 "$OURS" "$_a" - </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_a: status" 1 $?
		assertEquals "$_a: one line" 1 "$(wc -l <"$SC_TMP/e")"
		assertEquals "$_a: nothing on stdout" "" "$(<"$SC_TMP/o")"
	done
	assertContains "!! named" "$(t 20 "$OURS" 'TCP-L:0!!STDOUT' - 2>&1)" \
	    "a listener in a dual (!!) address is not supported"
	# An unbalanced quote: socat's words.
	for _bin in "$REAL" "$OURS"; do
		assertContains "$_bin: a quote without its end" \
		    "$(t 20 "$_bin" -u 'OPEN:ab"cd' - 2>&1 </dev/null)" \
		    "unexpected end of address"
	done
}

# socat's -4 and -6 hold an address to their family, -lpNAME (or -lp
# NAME) names the messages, and -hh and -? are -h.
test_family_name_and_help_options() {
	t 20 "$OURS" -4 'TCP:[::1]:9' - </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
	assertEquals "-4: status" 1 $?
	assertContains "-4: why" "$(<"$SC_TMP/e")" \
	    'E getaddrinfo for host "::1" port 9: Address family for hostname not supported'
	t 20 "$OURS" -6 TCP:127.0.0.1:9 - </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
	assertEquals "-6: status" 1 $?
	assertContains "-6: why" "$(<"$SC_TMP/e")" \
	    'E getaddrinfo for host "127.0.0.1" port 9: Address family for hostname not supported'
	t 20 "$OURS" -lpmyname NOSUCH:x - </dev/null >"$SC_TMP/o" \
	    2>"$SC_TMP/e"
	assertEquals "-lp: status" 1 $?
	assertTrue "-lp: the name: $(<"$SC_TMP/e")" \
	    "grep -Eq ' myname\[[0-9]+\] E NOSUCH:x: ' '$SC_TMP/e'"
	# Its name may be the next word too, as socat's test.sh gives it.
	for _bin in "$REAL" "$OURS"; do
		t 20 "$_bin" -lp other NOSUCH:x - </dev/null >"$SC_TMP/o" \
		    2>"$SC_TMP/e"
		assertEquals "$_bin -lp NAME: status" 1 $?
		assertTrue "$_bin -lp NAME: the name: $(<"$SC_TMP/e")" \
		    "grep -Eq ' other\[[0-9]+\] E ' '$SC_TMP/e'"
		t 20 "$_bin" -lp </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin -lp alone: status" 1 $?
		assertContains "$_bin -lp alone: why" "$(<"$SC_TMP/e")" \
		    'E option -lp requires an argument; use option "-h" for help'
	done
	t 5 "$OURS" -h >"$SC_TMP/h" 2>&1
	assertContains "-h" "$(<"$SC_TMP/h")" "usage: socat [options]"
	t 5 "$OURS" '-?' >"$SC_TMP/o" 2>&1
	assertEquals "-?: status" 0 $?
	assertEquals "-?: -h's text" "$(<"$SC_TMP/h")" "$(<"$SC_TMP/o")"
	# -hh and -hhh (-?? and -???, as socat's): -h's text, then every
	# option of an address, a line each with its other names, none wider
	# than 78 columns.
	for _h in -hh -hhh '-??' '-???'; do
		t 5 "$OURS" "$_h" >"$SC_TMP/o" 2>&1
		assertEquals "$_h: status" 0 $?
		assertEquals "$_h: -h's text first" "$(<"$SC_TMP/h")" \
		    "$(head -n "$(wc -l <"$SC_TMP/h")" "$SC_TMP/o")"
		for _l in "      readbytes bytes" "      icrnl" \
		    "      b<speed> (b9600, b115200, ...)" \
		    "      history history-file" "      setpgid pgid"; do
			assertTrue "$_h: $_l" "grep -qxF -- '$_l' '$SC_TMP/o'"
		done
		assertEquals "$_h: no wider line" "" \
		    "$(awk 'length > 78' "$SC_TMP/o")"
	done
}

# A pty that would not be made raw, and -t's values that are no number of
# seconds: one line each naming what is wrong, status 1, and no link
# left behind.
test_pty_and_seconds_refusals() {
	for _o in rawer=0 raw=0 echo=0,cfmakeraw=0; do
		t 20 "$OURS" "PTY,link=$SC_TMP/link,$_o" - </dev/null \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_o: status" 1 $?
		assertEquals "$_o: one line" 1 "$(wc -l <"$SC_TMP/e")"
		assertContains "$_o: why" "$(<"$SC_TMP/e")" \
		    "E PTY,link=$SC_TMP/link,$_o: a pty is made raw: raw=0, rawer=0 and cfmakeraw=0 are not supported (sane gives it a new terminal's modes)"
		assertFalse "$_o: no link" "[ -e '$SC_TMP/link' ]"
	done
	for _v in abc -1 1e12 1x nan; do
		t 20 "$OURS" -t "$_v" - - </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "-t $_v: status" 1 $?
		assertContains "-t $_v: why" "$(<"$SC_TMP/e")" \
		    "E option -t: not a number of seconds: $_v"
		assertEquals "-t $_v: one line" 1 "$(wc -l <"$SC_TMP/e")"
	done
	t 20 "$OURS" -t </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
	assertEquals "-t alone: status" 1 $?
	assertContains "-t alone: why" "$(<"$SC_TMP/e")" \
	    "E option -t needs a value"
}

# Socket options on Unix-domain addresses, as socat takes them there:
# the buffer sizes, the priority, keepalive, dontroute, linger,
# reuseaddr and setsockopt=, on UNIX-LISTEN and UNIX-CONNECT; both socats
# alike.
test_unix_socket_options() {
	_o=sndbuf=32768,so-rcvbuf=32768,so-priority=2,keepalive,dontroute
	_o=$_o,linger=0,reuseaddr,setsockopt-int=1:7:16384
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/b.sock"
		bg t 20 "$_bin" UNIX-LISTEN:"$SC_TMP/b.sock",so-sndbuf=65536,$(
		    )rcvbuf=65536,so-keepalive,setsockopt-listen=1:8:32768 \
		    EXEC:cat
		_p=$BG_PID
		wait_until unix_listening "$SC_TMP/b.sock" || fail "$_bin: no listener"
		assertEquals "$_bin: through" "hello" "$(echo hello |
		    t 20 "$_bin" - UNIX-CONNECT:"$SC_TMP/b.sock,$_o")"
		wait_exit "$_p"
		assertEquals "$_bin: the listener's status" 0 "$WAIT_STATUS"
	done
}

# Every option socat -hhh lists, on a TCP-LISTEN: address: those of
# sockcat's table are honoured (tested above and in t-addr), every other
# is refused in one line naming it and the address, status 1, before any
# socket is opened.
test_every_socat_option() {
	honoured=" verify openssl-verify sni snihost openssl-snihost commonname
	    cn openssl-commonname cafile openssl-cafile cert certificate
	    openssl-certificate key openssl-key proxy proxyport append
	    o-append creat create o-creat trunc o-trunc excl o-excl mode perm
	    unlink-early crtscts raw rawer cfmakeraw echo ispeed ospeed link
	    socksport fork
	    reuseaddr so-reuseaddr reuseport so-reuseport bind sourceport sp
	    backlog nodelay keepalive so-keepalive connect-timeout pf crlf crnl
	    protocol-family ipv6only ipv6-v6only umask ftruncate readbytes
	    bytes ignoreeof nonblock o-nonblock escape pipes pty stderr setsid
	    sid nofork fdin fdout opost user owner unlink-close o-noatime
	    noatime fs-noatime ext2-noatime ext3-noatime retry interval forever
	    range lowport setsockopt-listen sockopt-listen max-children
	    maxchildren shut-null shut-none shut-down su substuser su-d setlk
	    substuser-delayed setuid setgid chroot accept-timeout
	    listen-timeout
	    sndbuf so-sndbuf rcvbuf so-rcvbuf ttl ip-ttl ipttl tos ip-tos iptos
	    keepidle tcp-keepidle keepintvl tcp-keepintvl keepcnt tcp-keepcnt
	    multicast-loop ip-multicast-loop ipmulticastloop multicastloop
	    multicast-if ip-multicast-if multicast-ttl ip-multicast-ttl
	    ipmulticastttl multicastttl tcp-nodelay mss maxseg tcp-maxseg
	    cork tcp-cork quickack tcp-quickack defer-accept tcp-defer-accept
	    syncnt tcp-syncnt window-clamp tcp-window-clamp priority
	    so-priority dontroute so-dontroute freebind ip-freebind ipfreebind
	    transparent ip-transparent linger so-linger bindtodevice
	    so-bindtodevice if interface group perm-late user-late group-late
	    login o-create o_create o_excl ftruncate64 ftruncate32 truncate
	    seek-set lseek lseek64 lseek64-set lseek32 lseek32-set lseek64-end
	    lseek32-end o_largefile ndelay o-ndelay o_ndelay uid gid uid-l
	    gid-l new ignoreof f-setlk setlk-wr f-setlk-wr dash tiocsctty
	    symbolic-link close intervall add-membership ip-membership
	    membership ipv6-add-membership join-group v6only path lockfile
	    waitlock setpgid pgid f-setlk-rd f-setlkw f-setlkw-rd
	    f-setlkw-wr flock flock-ex flock-ex-nb flock-nb flock-sh
	    flock-sh-nb lock lockw setlk-rd setlkw setlkw-rd setlkw-wr
	    ip-options ipoptions ipv6-tclass ipv6-unicast-hops unicast-hops
	    cool-write coolwrite so-debug debug so-oobinline oobinline
	    so-rcvlowat rcvlowat tcp-linger2 linger2 ip-mtu-discover
	    mtudiscover "
	# TLS and proxies: socat's own names.
	honoured="$honoured socksuser proxy-resolve resolve resolv proxyauth
	    proxy-auth proxy-authorization proxyauthfile
	    proxy-authorization-file capath openssl-capath cipher
	    ciphers cipherlist openssl-cipherlist compress openssl-compress
	    openssl-min-proto-version openssl-max-proto-version"
	honoured=" $(echo $honoured) "
	"$REAL" -hhh | sed -n '/^   opt:/,$p' | sed 1d | awk '{print $1}' \
	    >"$SC_TMP/names"
	assertTrue "socat lists its options" \
	    "[ $(wc -l <"$SC_TMP/names") -gt 300 ]"
	: >"$SC_TMP/bad"
	while read -r _n; do
		case $honoured in *" $_n "*) continue ;; esac
		t 10 "$OURS" "TCP-LISTEN:0,$_n=1" - </dev/null \
		    >/dev/null 2>"$SC_TMP/e"
		_st=$?
		if [ "$_st" != 1 ] || [ "$(wc -l <"$SC_TMP/e")" != 1 ] ||
		    ! grep -Eq "(option $_n does not belong to a TCP-LISTEN: address|sockcat has no option $_n)\$" \
		    "$SC_TMP/e"; then
			echo "$_n $_st $(head -c 200 "$SC_TMP/e")" >>"$SC_TMP/bad"
		fi
	done <"$SC_TMP/names"
	assertEquals "options neither honoured nor refused" "" \
	    "$(head -n 20 "$SC_TMP/bad")"
}

# socat's messages: "YYYY/MM/DD hh:mm:ss socat[PID] E text", status 1,
# from both socats; -V and -h answer on stdout with status 0; an unknown
# option or a wrong count of addresses is refused with status 1.
test_command_line() {
	_re='^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} socat\[[0-9]+\] E '
	for _bin in "$REAL" "$OURS"; do
		t 20 "$_bin" TCP:127.0.0.1:1 - </dev/null 2>"$SC_TMP/e"
		assertEquals "$_bin: refused connection: status" 1 $?
		assertTrue "$_bin: socat's form: $(<"$SC_TMP/e")" \
		    "grep -Eq '$_re' '$SC_TMP/e'"
		t 20 "$_bin" -V >"$SC_TMP/o"
		assertEquals "$_bin: -V" 0 $?
		assertContains "$_bin: -V says socat" "$(<"$SC_TMP/o")" "socat"
		t 20 "$_bin" -h >"$SC_TMP/o"
		assertEquals "$_bin: -h" 0 $?
		assertTrue "$_bin: -h says its usage" \
		    "grep -qi '^usage' '$SC_TMP/o'"
		t 20 "$_bin" -Q - - </dev/null 2>/dev/null
		assertEquals "$_bin: unknown option" 1 $?
		t 20 "$_bin" - </dev/null 2>"$SC_TMP/e"
		assertEquals "$_bin: one address" 1 $?
		assertTrue "$_bin: one address, socat's words" \
		    "grep -Eq '$_re''exactly 2 addresses required' '$SC_TMP/e'"
	done
	for _o in -D; do
		t 20 "$OURS" "$_o" - - </dev/null 2>"$SC_TMP/e"
		assertEquals "$_o refused" 1 $?
		assertEquals "$_o: one line" 1 "$(wc -l <"$SC_TMP/e")"
		assertContains "$_o named" "$(<"$SC_TMP/e")" \
		    "option ${_o%1} is not supported"
	done
}

# socat_refused WHY ARGS...: sockcat as socat refuses ARGS: status 1,
# nothing on stdout, one line on stderr, socat's form, saying WHY.
socat_refused() {
	_why=$1
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    t 20 "$OURS" "$@" </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
	assertEquals "$*: status" 1 $?
	assertEquals "$*: nothing on stdout" "" "$(<"$SC_TMP/o")"
	assertEquals "$*: one line" 1 "$(wc -l <"$SC_TMP/e")"
	assertEquals "$*: why" "$_why" \
	    "$(sed 's/^.* socat\[[0-9]*\] E //' "$SC_TMP/e")"
}

# socat's options with bad values, or values where the relay does not
# run (cat does, or the program in our place): one line each, status 1;
# in socat's words where socat has them.
test_command_line_values() {
	socat_refused 'option -b: missing numerical value: abc' -b abc - -
	socat_refused 'option -b: missing numerical value: -1' -b-1 - -
	socat_refused 'option -b: trailing garbage: 12x' -b 12x - -
	socat_refused 'option -b: from 1 to 536870912 bytes with sockcat: 0' \
	    -b 0 - -
	socat_refused 'option -b: from 1 to 536870912 bytes with sockcat: 1073741824' \
	    -b 1073741824 - -
	socat_refused 'buffer size option (-b) to big - 99999999999999999999 (max is 9223372036854775807)' \
	    -b 99999999999999999999 - -
	socat_refused 'option -b requires an argument; use option "-h" for help' \
	    -b
	socat_refused 'option -r requires an argument; use option "-h" for help' \
	    -r
	socat_refused 'option -R requires an argument; use option "-h" for help' \
	    -R
	socat_refused 'option -L requires an argument; use option "-h" for help' \
	    -L
	socat_refused 'option -W requires an argument; use option "-h" for help' \
	    -W
	socat_refused 'option -T needs a value' -T
	socat_refused 'option -T: not a number of seconds: 1s' -T1s - -
	# strtod(3)'s NaN: neither below 0 nor above the most, no number.
	socat_refused 'option -T: not a number of seconds: nan' -Tnan - -
	socat_refused 'unknown syslog facility "nosuch"' -lynosuch - -
	socat_refused "cannot open log file \"$SC_TMP/no/log\": No such file or directory" \
	    -lf "$SC_TMP/no/log" - -
	socat_refused 'option -lf requires an argument; use option "-h" for help' \
	    -lf
	# socat's own words, both alike.
	for _bin in "$REAL" "$OURS"; do
		t 20 "$_bin" -L "$SC_TMP/l1" -W"$SC_TMP/l2" - - </dev/null \
		    2>"$SC_TMP/e"
		assertEquals "$_bin: -L and -W: status" 1 $?
		assertContains "$_bin: -L and -W" "$(<"$SC_TMP/e")" \
		    "E only one -L and -W option allowed"
		t 20 "$_bin" -lynosuch - - </dev/null 2>"$SC_TMP/e"
		assertEquals "$_bin: a facility: status" 1 $?
		assertContains "$_bin: a facility" "$(<"$SC_TMP/e")" \
		    'E unknown syslog facility "nosuch"'
		assertFalse "$_bin: no lock made" "[ -e '$SC_TMP/l1' ]"
	done
	# cat runs for "- -": no relay for -T, -b, the dumps or a lock.
	_cat="stdin and stdout with themselves are cat's"
	socat_refused "- -: -T is not supported here: $_cat" -T 1 - -
	socat_refused "- -: -b is not supported here: $_cat" -b 100 - -
	socat_refused "- -: -v, -x, -r and -R are not supported here: $_cat" \
	    -x - -
	socat_refused "- -: -v, -x, -r and -R are not supported here: $_cat" \
	    -r "$SC_TMP/dump" - -
	socat_refused "- -: -v, -x, -r and -R are not supported here: $_cat" \
	    -R"$SC_TMP/dump" - -
	socat_refused "- -: -L and -W are not supported here: $_cat" \
	    -L "$SC_TMP/lock" - -
	assertFalse "the lock removed" "[ -e '$SC_TMP/lock' ]"
	assertFalse "no dump made" "[ -e '$SC_TMP/dump' ]"
	# -lu, -lh: a message's time to the microsecond, the host named.
	t 20 "$OURS" -lu -lh NOSUCH:x - </dev/null 2>"$SC_TMP/e"
	assertEquals "-lu -lh: status" 1 $?
	assertTrue "-lu -lh: $(<"$SC_TMP/e")" "grep -Eq \
	    '^[0-9/]{10} [0-9:]{8}\.[0-9]{6} $(hostname | cut -d. -f1) socat\[[0-9]+\] E NOSUCH:x' \
	    '$SC_TMP/e'"
	# -ls after -lf: stderr again.
	t 20 "$OURS" -lf "$SC_TMP/log" -ls NOSUCH:x - </dev/null \
	    2>"$SC_TMP/e"
	assertEquals "-ls: status" 1 $?
	assertContains "-ls: to stderr" "$(<"$SC_TMP/e")" "E NOSUCH:x"
	assertEquals "-ls: none to the file" "" "$(cat "$SC_TMP/log" 2>/dev/null)"
}

# The local relay's refusals, and those of its options: one line each,
# status 1, naming the address and why; no file left behind.
test_local_refusals() {
	echo hi >"$SC_TMP/f"
	socat_refused "EXEC:$SC_TMP/no/prog: exec $SC_TMP/no/prog: No such file or directory" \
	    EXEC:"$SC_TMP/no/prog" -
	socat_refused "EXEC:$SC_TMP/no/prog: exec $SC_TMP/no/prog: No such file or directory" \
	    -u EXEC:"$SC_TMP/no/prog" -
	socat_refused "EXEC:$SC_TMP/no/prog: exec $SC_TMP/no/prog: No such file or directory" \
	    -U - EXEC:"$SC_TMP/no/prog"
	socat_refused 'EXEC:cat,raw: raw is a terminal'"'"'s: the program'"'"'s needs pty' \
	    EXEC:cat,raw -
	socat_refused 'EXEC:cat,pipes,pty: pipes or pty, not both' \
	    EXEC:cat,pipes,pty -
	socat_refused 'EXEC:cat,pty,fdin=3: fdin and fdout are for pipes, not a pty' \
	    EXEC:cat,pty,fdin=3 -
	socat_refused 'EXEC:cat,nofork!!-: nofork: the program is run in our place, with a file, descriptor or stdio, and no other of its options' \
	    'EXEC:cat,nofork!!-' PIPE
	socat_refused 'FD:99: Bad file descriptor' FD:99 -
	socat_refused 'FD:99: Bad file descriptor' -U - FD:99
	# Beside a listener, at once: not at the first client, whose own
	# socket has a number of ours by then; nor once a program's pipes
	# have taken it.
	socat_refused 'FD:99: Bad file descriptor' TCP-L:0,bind=127.0.0.1 FD:99
	socat_refused '-!!FD:5: Bad file descriptor' SYSTEM:cat '-!!FD:5' 5<&-
	socat_refused 'FD:x: FD takes :N, a descriptor'"'"'s number' FD:x -
	for _d in "" -u -U; do
		socat_refused "OPEN:$SC_TMP/no/f: No such file or directory" \
		    $_d OPEN:"$SC_TMP/no/f" PIPE
	done
	socat_refused "PIPE:$SC_TMP/no/p: No such file or directory" \
	    PIPE:"$SC_TMP/no/p" -
	socat_refused "OPEN:$SC_TMP/f,user=nosuch-user: Invalid argument" \
	    -u OPEN:"$SC_TMP/f",user=nosuch-user -
	socat_refused "PIPE:$SC_TMP/p,user=nosuch-user: Invalid argument" \
	    -u PIPE:"$SC_TMP/p",user=nosuch-user -
	assertFalse "no pipe left" "[ -e '$SC_TMP/p' ]"
	socat_refused "OPEN:$SC_TMP/f,group=nosuch-group: Invalid argument" \
	    -u OPEN:"$SC_TMP/f",group=nosuch-group -
	socat_refused "OPEN:$SC_TMP/f,echo=0: echo is a terminal's option, and this is no terminal" \
	    -u OPEN:"$SC_TMP/f",echo=0 -
	socat_refused "OPEN:/dev/null,ftruncate=0: Invalid argument" \
	    -U OPEN:/dev/null,ftruncate=0 -
	socat_refused "TCP:127.0.0.1:nosuch-svc: port number invalid: nosuch-svc" \
	    TCP:127.0.0.1:nosuch-svc -
	# The real socat refuses them too.
	for _a in "OPEN:$SC_TMP/f,user=nosuch-user" \
	    "OPEN:$SC_TMP/f,echo=0" "OPEN:$SC_TMP/no/f"; do
		t 20 "$REAL" -u "$_a" - </dev/null >/dev/null 2>&1
		assertEquals "real: $_a" 1 $?
	done
	assertEquals "the file untouched" "hi" "$(<"$SC_TMP/f")"
	# sockcat's own grammar: the shell's redirections are refused.
	expect_error "exec:cat file:$SC_TMP/f: a program with a file is the shell's redirection: run it without sockcat; socat's command line runs under the name socat (a link to sockcat)" \
	    exec:cat file:"$SC_TMP/f"
	expect_error "file:$SC_TMP/f -: a file with stdin and stdout, or another file, is the shell's: use cat; socat's command line runs under the name socat (a link to sockcat)" \
	    file:"$SC_TMP/f" -
	expect_error "exec:cat exec:cat: two programs are joined as socat's only; socat's command line runs under the name socat (a link to sockcat)" \
	    exec:cat exec:cat
	expect_error "- exec:cat: the addresses say what -l, -U, -u, --vsock, -e, -c and --fifo would: not with them" \
	    -l - exec:cat
	assertEquals "the file still untouched" "hi" "$(<"$SC_TMP/f")"
}

# The local relay's options read from stdin, a descriptor by its
# number either way, a Unix socket opened by its path, a named pipe that
# was there already, and a file unlink-close removes: both socats alike.
test_local_relay_sides() {
	bg t 60 "$REAL" UNIX-LISTEN:"$SC_TMP/u.sock",fork 'SYSTEM:echo unix'
	_srv=$BG_PID
	wait_until unix_listening "$SC_TMP/u.sock" || fail "no Unix server"
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		assertEquals "$_n: stdin, readbytes, to a program" "0123" \
		    "$(printf 0123456789 | t 20 "$_bin" -u -,readbytes=4 \
		    EXEC:cat)"
		assertEquals "$_n: stdin, escape, through a program" "a" \
		    "$(printf 'a\n\033b\n' | t 20 "$_bin" -,escape=27 \
		    EXEC:cat)"
		echo fd3 >"$SC_TMP/f"
		assertEquals "$_n: FD, read" "fd3" \
		    "$(t 20 "$_bin" -u FD:3 - 3<"$SC_TMP/f")"
		rm -f "$SC_TMP/o"
		echo fd4 | t 20 "$_bin" -U FD:4 - 4>"$SC_TMP/o"
		assertEquals "$_n: FD, written (-U)" "fd4" "$(<"$SC_TMP/o")"
		assertEquals "$_n: a Unix socket by its path, -u" "unix" \
		    "$(t 20 "$_bin" -u GOPEN:"$SC_TMP/u.sock" - </dev/null)"
		assertEquals "$_n: a Unix socket by its path" "unix" \
		    "$(t 20 "$_bin" GOPEN:"$SC_TMP/u.sock" - </dev/null)"
		echo gone >"$SC_TMP/g"
		assertEquals "$_n: unlink-close, a file read" "gone" \
		    "$(t 20 "$_bin" -u OPEN:"$SC_TMP/g",unlink-close -)"
		assertFalse "$_n: unlink-close removed it" "[ -e '$SC_TMP/g' ]"
		rm -f "$SC_TMP/uid"
		echo uid | t 20 "$_bin" -u - OPEN:"$SC_TMP/uid",creat,user=0
		assertEquals "$_n: user by its number" "0 uid" \
		    "$(stat -c %u "$SC_TMP/uid") $(<"$SC_TMP/uid")"
		rm -f "$SC_TMP/fifo"
		mkfifo "$SC_TMP/fifo"
		bg t 20 sh -c "echo fifo >'$SC_TMP/fifo'"
		_w=$BG_PID
		assertEquals "$_n: PIPE:PATH that was there" "fifo" \
		    "$(t 20 "$_bin" -u PIPE:"$SC_TMP/fifo" -)"
		wait_exit "$_w"
		assertTrue "$_n: a pipe found is kept" "[ -p '$SC_TMP/fifo' ]"
	done
	stop "$_srv"
}

# A file beside a socket takes what its opener does to it, both socats
# alike: a lock held while the client's bytes are written (another
# process's flock is refused meanwhile), fs-noatime, o-noatime, nonblock,
# cool-write, a named pipe (PIPE:), a descriptor (FD:) written and locked.
test_file_options_beside_a_socket() {
	for _o in lock flock-ex setlk fs-noatime o-noatime nonblock \
	    cool-write; do
		for _bin in "$REAL" "$OURS"; do
			echo old >"$SC_TMP/f"
			serve s "$_bin" -d -d -u TCP-LISTEN:0,bind=127.0.0.1 \
			    OPEN:"$SC_TMP/f",$_o,append
			echo "new $_o" | t 10 "$SC" -N 127.0.0.1 "$PORT"
			wait_exit "$SERVE_PID"
			assertEquals "$_bin $_o: status" 0 "$WAIT_STATUS"
			assertEquals "$_bin $_o: the file" "old
new $_o" "$(<"$SC_TMP/f")"
		done
	done
	# The lock is held while the client is served.
	for _bin in "$REAL" "$OURS"; do
		: >"$SC_TMP/f"
		serve s "$_bin" -d -d -u TCP-LISTEN:0,bind=127.0.0.1 \
		    OPEN:"$SC_TMP/f",flock-ex,append
		held_stdin in 7
		bg_in "$SC_TMP/in" t 10 "$SC" -N 127.0.0.1 "$PORT"
		_c=$BG_PID
		echo first >&7
		wait_for "$SC_TMP/f" '^first$' || fail "$_bin: nothing written"
		assertEquals "$_bin: held" "held" "$(t 10 python3 -c '
import fcntl, sys
f = open(sys.argv[1])
try:
    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("free")
except BlockingIOError:
    print("held")
' "$SC_TMP/f")"
		exec 7>&-
		wait_exit "$_c"
		wait_exit "$SERVE_PID"
	done
	# A named pipe made for the client's bytes once the client has
	# come, as socat's child makes it (its opening waits for its
	# reader), and gone at the end.
	echo "through a pipe" >"$SC_TMP/pin"
	for _bin in "$REAL" "$OURS"; do
		serve s "$_bin" -d -d -u TCP-LISTEN:0,bind=127.0.0.1 \
		    PIPE:"$SC_TMP/p"
		assertFalse "$_bin PIPE: not before a client" "[ -e '$SC_TMP/p' ]"
		bg_in "$SC_TMP/pin" t 10 "$SC" -N 127.0.0.1 "$PORT"
		_c=$BG_PID
		wait_until test -p "$SC_TMP/p" || fail "$_bin: no pipe made"
		assertEquals "$_bin PIPE: read" "through a pipe" \
		    "$(t 10 cat "$SC_TMP/p")"
		wait_exit "$_c"
		wait_exit "$SERVE_PID"
		assertFalse "$_bin PIPE: removed" "[ -e '$SC_TMP/p' ]"
	done
	# A descriptor, locked: written through.
	for _bin in "$REAL" "$OURS"; do
		: >"$SC_TMP/fd"
		serve s "$_bin" -d -d -u TCP-LISTEN:0,bind=127.0.0.1 \
		    FD:7,flock-ex 7>>"$SC_TMP/fd"
		echo "to fd 7" | t 10 "$SC" -N 127.0.0.1 "$PORT"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin FD:7: the file" "to fd 7" "$(<"$SC_TMP/fd")"
	done
}

# What changes a file for good, beside a socket, done once the client
# has come, as socat's child does it, both socats alike: ftruncate= (the
# bytes then written from its start), user= and group= (its owner, a
# user of its own where we are root), unlink-close (gone at the end);
# o-direct, a file read in whole blocks.  With fork each client's file is
# opened anew with its flags (ftruncate=0: the last client's bytes
# alone).  A connection refused costs the file nothing: not its bytes,
# owner or name (socat opens the socket, the first address, first).
test_file_changed_beside_a_socket() {
	_own="$(id -u) $(id -g)"
	[ "$(id -u)" = 0 ] && _own="65534 65534"
	data 100000
	for _bin in "$REAL" "$OURS"; do
		printf 'old contents\n' >"$SC_TMP/f"
		serve s "$_bin" -d -d -u TCP-LISTEN:0,bind=127.0.0.1 \
		    OPEN:"$SC_TMP/f",ftruncate=4,user="${_own% *}",group="${_own#* }"
		echo new | t 10 "$SC" -N 127.0.0.1 "$PORT"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: status" 0 "$WAIT_STATUS"
		assertEquals "$_bin: cut, then written" "new" "$(<"$SC_TMP/f")"
		assertEquals "$_bin: its owner" "$_own" \
		    "$(stat -c '%u %g' "$SC_TMP/f")"
		serve s "$_bin" -d -d -u TCP-LISTEN:0,bind=127.0.0.1 \
		    OPEN:"$SC_TMP/g",creat,unlink-close
		echo gone | t 10 "$SC" -N 127.0.0.1 "$PORT"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin unlink-close: status" 0 "$WAIT_STATUS"
		assertFalse "$_bin: unlink-close removed it" "[ -e '$SC_TMP/g' ]"
		serve r "$SC" -v -l 127.0.0.1 0
		t 20 "$_bin" -u OPEN:"$SC_TMP/data",o-direct \
		    TCP:127.0.0.1:"$PORT"
		assertEquals "$_bin o-direct: status" 0 $?
		wait_exit "$SERVE_PID"
		assertEquals "$_bin o-direct: the file, whole" "$SUM" \
		    "$(sum_of "$SC_TMP/r.out")"
		printf 'old contents\n' >"$SC_TMP/f"
		serve s "$_bin" -d -d -u TCP-LISTEN:0,bind=127.0.0.1,fork \
		    OPEN:"$SC_TMP/f",ftruncate=0
		echo first | t 10 "$SC" -N 127.0.0.1 "$PORT"
		wait_for "$SC_TMP/f" '^first$' || fail "$_bin: no first"
		echo 2nd | t 10 "$SC" -N 127.0.0.1 "$PORT"
		wait_for "$SC_TMP/f" '^2nd$' || fail "$_bin: no 2nd"
		stop "$SERVE_PID"
		assertEquals "$_bin fork: the last client's" "2nd" \
		    "$(<"$SC_TMP/f")"
		echo hi >"$SC_TMP/f"
		_was=$(stat -c '%u %g' "$SC_TMP/f")
		t 10 "$_bin" TCP:127.0.0.1:1 OPEN:"$SC_TMP/f",ftruncate=0,user="${_own% *}",group="${_own#* }",unlink-close \
		    </dev/null 2>/dev/null
		assertEquals "$_bin refused: status" 1 $?
		assertEquals "$_bin refused: the file kept" "hi $_was" \
		    "$(cat "$SC_TMP/f") $(stat -c '%u %g' "$SC_TMP/f")"
	done
}

# sockcat's own file beside a socket stands in for stdout, as ">" makes
# it: made anew at the first client only, every client's bytes then kept
# (fork serves them one after another); a connection refused leaves it
# as it was.  In stdin's place ("<"), its bytes are sent and what comes
# back is on stdout.
test_own_file_beside_a_socket() {
	echo before >"$SC_TMP/out"
	t 10 "$SC" tcp:127.0.0.1:1 file:"$SC_TMP/out" </dev/null 2>/dev/null
	assertEquals "refused: status" 1 $?
	assertEquals "refused: the file kept" before "$(<"$SC_TMP/out")"
	bg t 60 "$SC" -v tcp-l:0,fork,bind=127.0.0.1 file:"$SC_TMP/out" \
	    </dev/null 2>"$SC_TMP/s.err"
	SERVE_PID=$BG_PID
	wait_for "$SC_TMP/s.err" 'Listening on ' || fail "no listener"
	PORT=$(sed -n 's/.*Listening on .* \([0-9][0-9]*\)$/\1/p' \
	    "$SC_TMP/s.err" | head -n 1)
	echo one | t 10 "$SC" -N 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/out" '^one$' || fail "no first client"
	echo two | t 10 "$SC" -N 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/out" '^two$' || fail "no second client"
	stop "$SERVE_PID"
	assertEquals "both clients' bytes" "one
two" "$(<"$SC_TMP/out")"
	echo question >"$SC_TMP/in"
	serve r "$SC" -v -l 127.0.0.1 0
	# (the listener answers what it is sent: its stdin is /dev/null)
	assertEquals "read: its bytes sent" "" \
	    "$(t 10 "$SC" file:"$SC_TMP/in" tcp:127.0.0.1:"$PORT")"
	wait_exit "$SERVE_PID"
	assertEquals "read: what the listener got" question \
	    "$(<"$SC_TMP/r.out")"
}

# socat opens its first address before its second: a file before a
# forking listener is opened once, and every child writes to that one
# opening (socat's test.sh MAXCHILDREN); a file after the listener is
# opened by each child (above).  Both socats alike.
test_first_file_before_a_listener_opened_once() {
	for _bin in "$REAL" "$OURS"; do
		echo old >"$SC_TMP/once"
		serve once "$_bin" -d -d -U \
		    FILE:"$SC_TMP/once",o-trunc,o-creat,o-append \
		    TCP-LISTEN:0,bind=127.0.0.1,fork,max-children=1
		echo one | t 10 "$SC" -N 127.0.0.1 "$PORT"
		wait_for "$SC_TMP/once" '^one$' || fail "$_bin: no first client"
		echo two | t 10 "$SC" -N 127.0.0.1 "$PORT"
		wait_for "$SC_TMP/once" '^two$' ||
		    fail "$_bin: no second client"
		stop "$SERVE_PID"
		assertEquals "$_bin: truncated once, both clients' bytes" "one
two" "$(<"$SC_TMP/once")"
	done
}

# stdin's escape and ignoreeof beside a socket are its opener's: what
# comes before the escape byte is sent, then the end; with ignoreeof,
# stdin (a file that grows) is read on past its end.  Both socats alike.
test_stdin_read_options_beside_a_socket() {
	for _bin in "$REAL" "$OURS"; do
		serve esc "$SC" -v -l 127.0.0.1 0
		printf 'a\n\033b\n' | t 20 "$_bin" -u -,escape=27 \
		    TCP:127.0.0.1:"$PORT"
		assertEquals "$_bin: escape: its status" 0 $?
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: escape: what was sent" a \
		    "$(<"$SC_TMP/esc.out")"
		echo one >"$SC_TMP/grow"
		serve grow "$SC" -v -l 127.0.0.1 0
		bg t 20 "$_bin" -u -,ignoreeof TCP:127.0.0.1:"$PORT" \
		    <"$SC_TMP/grow"
		wait_for "$SC_TMP/grow.out" '^one$' || fail "$_bin: not read"
		echo two >>"$SC_TMP/grow"
		wait_for "$SC_TMP/grow.out" '^two$' ||
		    fail "$_bin: ignoreeof: not read past its end"
		stop "$BG_PID"
		stop "$SERVE_PID"
	done
}

# pty_mode LINK MODE: true once LINK's terminal has MODE (octal).
pty_mode() {
	[ "$(stat -L -c %a "$1" 2>/dev/null)" = "$2" ]
}

# socat's options that only the relay of two sides that are no sockets
# carries out (a program's own are not among them: plain mode runs it
# with them, nor a file's: it is opened for each session as the relay
# opens it), given with a socket: one line each naming the option,
# status 1, before anything is connected.  And the pairs refused with a
# socket (append read, -u between sockets,
# crlf, a receiver the wrong way, unlink-early of a directory).
test_local_options_with_a_socket() {
	echo hi >"$SC_TMP/f"
	_tcp=TCP:127.0.0.1:1
	# A pty's perm= beside a socket, as socat's: its terminal side's
	# mode, set before anyone opens it.
	serve hold "$REAL" -d -d TCP4-LISTEN:0,reuseaddr,fork SYSTEM:'sleep 20'
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/lk"
		bg t 20 "$_bin" TCP:127.0.0.1:"$PORT" PTY,link="$SC_TMP/lk",perm=0604
		wait_until pty_mode "$SC_TMP/lk" 604 ||
		    fail "$_bin: perm= beside a socket: $(stat -L -c %a "$SC_TMP/lk")"
		stop "$BG_PID"
	done
	stop "$SERVE_PID"
	# And with pty-wait-slave: set before the wait, not after it (the
	# terminal side closed by then: "Bad file descriptor").
	rm -f "$SC_TMP/lk"
	held_stdin pw 7
	bg t 20 "$OURS" PTY,link="$SC_TMP/lk",perm=0604,pty-wait-slave - \
	    <"$SC_TMP/pw" >"$SC_TMP/pw.out" 2>"$SC_TMP/pw.err"
	wait_until pty_mode "$SC_TMP/lk" 604 || fail "pty-wait-slave: no perm="
	exec 8<>"$SC_TMP/lk"
	echo x >&8
	wait_for "$SC_TMP/pw.out" '^x' ||
	    fail "pty-wait-slave, perm=: not joined: $(<"$SC_TMP/pw.err")"
	assertEquals "pty-wait-slave, perm=: quiet" "" "$(<"$SC_TMP/pw.err")"
	stop "$BG_PID"
	exec 7>&- 8>&-
	# stdio's lock, o-noatime and setsid are taken beside a socket, as
	# socat's, and a program's cool-write.
	serve echo "$REAL" -d -d TCP4-LISTEN:0,reuseaddr,fork PIPE
	for _o in lock o-noatime setsid; do
		assertEquals "-,$_o beside a socket" "hi" "$(echo hi |
		    t 20 "$OURS" -,$_o TCP:127.0.0.1:"$PORT" 2>"$SC_TMP/e")"
		assertEquals "-,$_o beside a socket: quiet" "" "$(<"$SC_TMP/e")"
	done
	for _bin in "$REAL" "$OURS"; do
		t 20 "$_bin" TCP:127.0.0.1:"$PORT" EXEC:'echo hi',cool-write \
		    </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin: EXEC:,cool-write beside a socket: status" \
		    0 $?
		assertEquals "$_bin: EXEC:,cool-write beside a socket: quiet" \
		    "" "$(<"$SC_TMP/e")"
	done
	stop "$SERVE_PID"
	socat_refused "EXEC:cat,nofork: nofork is supported with stdio, a file, a descriptor, one connection or each of a stream listener's, without TLS" \
	    UDP-LISTEN:0,fork EXEC:cat,nofork
	socat_refused "EXEC:cat,nofork,pty: nofork is the program on the connection itself, not on a pty" \
	    "$_tcp" EXEC:cat,nofork,pty
	socat_refused "OPEN:$SC_TMP/f,append $_tcp: append is for the file written, the second address" \
	    -u OPEN:"$SC_TMP/f",append "$_tcp"
	socat_refused "$_tcp OPEN:$SC_TMP/f,append: append is for the file written, the first address with -U" \
	    -U "$_tcp" OPEN:"$SC_TMP/f",append
	socat_refused "UDP-RECV:0 TCP:127.0.0.1:2: a *-RECV: address is joined with standard input and output, a file, a descriptor or a program alone" \
	    -u UDP-RECV:0 TCP:127.0.0.1:2
	socat_refused "UDP-RECV:0: it only receives: give it with -u as the first address, or -U as the second" \
	    -U UDP-RECV:0 -
	socat_refused "UDP-RECV:0: it only receives: give it with -u as the first address, or -U as the second" \
	    UDP-RECV:0 PIPE
	socat_refused "UDP-SENDTO:127.0.0.1:nosuch-svc: port number invalid: nosuch-svc" \
	    UDP-SENDTO:127.0.0.1:nosuch-svc -
	mkdir "$SC_TMP/dir"
	socat_refused "OPEN:$SC_TMP/dir,unlink-early: unlink-early: Is a directory" \
	    -u - OPEN:"$SC_TMP/dir",unlink-early
	assertTrue "the directory kept" "[ -d '$SC_TMP/dir' ]"
	expect_error "exec:cat -: a program on stdin and stdout is itself: run it without sockcat; socat's command line runs under the name socat (a link to sockcat)" \
	    exec:cat -
	expect_error "- exec:cat: a program on stdin and stdout is itself: run it without sockcat; socat's command line runs under the name socat (a link to sockcat)" \
	    - exec:cat
}

# The local relay's dumps (-r, -R, their values attached or not), a
# lock (-L attached) removed at its end, -T 0 (no idle limit), messages
# to syslog (-ly: none on stderr); a Unix datagram socket opened by its
# path, and one nothing listens on: both socats alike.
test_local_relay_dumps_lock_log() {
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		rm -f "$SC_TMP/d1" "$SC_TMP/d2" "$SC_TMP/lk"
		assertEquals "$_n: through a program" "HI" \
		    "$(echo hi | t 20 "$_bin" -r "$SC_TMP/d1" -R"$SC_TMP/d2" \
		    -L"$SC_TMP/lk" -T 0 - EXEC:'tr a-z A-Z')"
		assertEquals "$_n: -r, -R" "hi HI" \
		    "$(<"$SC_TMP/d1") $(<"$SC_TMP/d2")"
		assertFalse "$_n: the lock removed" "[ -e '$SC_TMP/lk' ]"
		t 20 "$_bin" -ly -u NOSUCH:x - </dev/null >"$SC_TMP/o" \
		    2>"$SC_TMP/e"
		assertEquals "$_n: -ly, refused" 1 $?
		assertEquals "$_n: -ly, nothing on stderr" "" "$(<"$SC_TMP/e")"
		assertEquals "$_n: -lylocal0" "ly" \
		    "$(echo ly | t 20 "$_bin" -lylocal0 -u - EXEC:cat)"
		rm -f "$SC_TMP/dg"
		bg t 20 "$REAL" -u UNIX-RECV:"$SC_TMP/dg" - >"$SC_TMP/dg.out"
		_p=$BG_PID
		wait_until test -S "$SC_TMP/dg" || fail "no datagram socket"
		echo dgram | t 20 "$_bin" -u - GOPEN:"$SC_TMP/dg"
		assertEquals "$_n: GOPEN of a datagram socket: status" 0 $?
		wait_for "$SC_TMP/dg.out" dgram
		assertEquals "$_n: GOPEN of a datagram socket" "dgram" \
		    "$(<"$SC_TMP/dg.out")"
		stop "$_p"
	done
	python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SC_TMP/dead"
	t 20 "$REAL" -u - GOPEN:"$SC_TMP/dead" </dev/null 2>"$SC_TMP/e"
	assertEquals "real: nothing listens: status" 1 $?
	assertContains "real: nothing listens" "$(<"$SC_TMP/e")" \
	    "Connection refused"
	socat_refused "GOPEN:$SC_TMP/dead: Connection refused" \
	    -u - GOPEN:"$SC_TMP/dead"
}

# Address options with values socat's grammar reads but sockcat cannot
# use: one line each naming the option and what it takes, status 1.
test_address_option_values() {
	_l=TCP-LISTEN:0
	socat_refused "$_l,sourceport=abc: option sourceport of a listener takes a number" \
	    "$_l,sourceport=abc" -
	_long=127.0.0.1/32$(printf '%070d' 0)
	for _r in 1.2.3.4:255.0.255.0 bogus '[::1]:[ffff::x]' \
	    '[::1]:[ffff::1]' "$_long"; do
		socat_refused "$_l,range=$_r: option range takes ADDR/BITS or ADDR:MASK (a prefix's), not ${_r:0:64}" \
		    "$_l,range=$_r" -
	done
	for _g in 224.1.1.1 :lo 224.1.1.1:lo:x '[ff02::1]lo' '[]:lo'; do
		socat_refused "UDP-RECV:0,ip-add-membership=$_g: option ip-add-membership takes GROUP:INTERFACE ([GROUP]:INTERFACE for IPv6), not $_g" \
		    -u "UDP-RECV:0,ip-add-membership=$_g" -
	done
	socat_refused "getaddrinfo: Name or service not known (ff02::1%nosuch0 port 0)" \
	    -u "UDP6-RECV:0,ip-add-membership=[ff02::1]:nosuch0" -
	socat_refused "PTY,link=$SC_TMP/a!!PTY,link=$SC_TMP/b: a dual (!!) address of two lines is not supported" \
	    "PTY,link=$SC_TMP/a!!PTY,link=$SC_TMP/b" -
	socat_refused "UDP4-RECV:0,bind=127.0.0.1,ip-add-membership=224.1.1.1:lo: a listener's address given twice (bind=, ip-add-membership=)" \
	    -u UDP4-RECV:0,bind=127.0.0.1,ip-add-membership=224.1.1.1:lo -
	for _s in 1:2 1:2:x 1:2:99999999999 x:2:3 '1;2:3'; do
		socat_refused "TCP:127.0.0.1:1,setsockopt=$_s: option setsockopt takes LEVEL:NAME:VALUE, three numbers, not $_s" \
		    "TCP:127.0.0.1:1,setsockopt=$_s" -
	done
	_p=PROXY:127.0.0.1:h:80,proxyport=1
	socat_refused "$_p,proxyauthfile=$SC_TMP/none: $SC_TMP/none: No such file or directory" \
	    "$_p,proxyauthfile=$SC_TMP/none" -
	printf 'nocolon\n' >"$SC_TMP/auth"
	socat_refused "$_p,proxyauthfile=$SC_TMP/auth: proxyauth: not USER:PASSWORD" \
	    "$_p,proxyauthfile=$SC_TMP/auth" -
	socat_refused "$_p,proxyauth=a:*,proxyauthfile=$SC_TMP/auth: options proxyauth and proxyauthfile: one of them" \
	    "$_p,proxyauth=a:b,proxyauthfile=$SC_TMP/auth" -
	# A Unix listener's socket file given to a user there is not.
	socat_refused "user nosuch-user-x: unknown" \
	    UNIX-LISTEN:"$SC_TMP/ul",user=nosuch-user-x -
	# A value of the wrong kind, for each kind of value.
	for _c in "PROXY:127.0.0.1:h:80,proxyport=99999|option proxyport: port number too large: 99999" \
	    "TCP:127.0.0.1:1,retry=x|option retry takes a number from 0 to 65535" \
	    "OPEN:$SC_TMP/f,escape=999|option escape takes a byte's value, as 27 or 0x1b" \
	    "OPEN:$SC_TMP/f,readbytes=1x|option readbytes takes a number of bytes"; do
		socat_refused "${_c%%|*}: ${_c#*|}" "${_c%%|*}" -
	done
	: >"$SC_TMP/empty"
	socat_refused "$_p,proxyauthfile=$SC_TMP/empty: proxyauth: not USER:PASSWORD" \
	    "$_p,proxyauthfile=$SC_TMP/empty" -
	socat_refused "$_p,proxyauth=nocolon: option proxyauth takes USER:PASSWORD" \
	    "$_p,proxyauth=nocolon" -
}

# A file read into a connection, whole, or as readbytes= and escape= say
# (read as stdin would be): both socats alike.
test_file_read_to_a_connection() {
	printf 'abcdef\033ghi' >"$SC_TMP/f"
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		for _o in ":abcdefghi" ",readbytes=3:abc" ",escape=27:abcdef"; do
			rm -f "$SC_TMP/got"
			serve srv "$REAL" -d -d -u TCP-LISTEN:0 \
			    OPEN:"$SC_TMP/got",creat
			t 20 "$_bin" -u OPEN:"$SC_TMP/f${_o%:*}" \
			    TCP:127.0.0.1:"$PORT"
			assertEquals "$_n: OPEN${_o%:*}: status" 0 $?
			wait_exit "$SERVE_PID"
			assertEquals "$_n: OPEN${_o%:*}" "${_o#*:}" \
			    "$(tr -d '\033' <"$SC_TMP/got")"
		done
	done
}

# stdin to stdout, read as readbytes= and escape= say, or with setsid:
# relayed, not cat's.  Both socats alike.
test_stdio_to_itself_with_options() {
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: readbytes=3" "abc" \
		    "$(printf 'abcdef' | t 20 "$_bin" -u STDIN,readbytes=3 STDOUT)"
		assertEquals "$_bin: escape=27" "abc" \
		    "$(printf 'abc\033def' | t 20 "$_bin" -u STDIN,escape=27 STDOUT)"
		assertEquals "$_bin: setsid" "abc" \
		    "$(printf 'abc' | t 20 "$_bin" -u STDIN STDOUT,setsid)"
	done
}

# nofork with a descriptor or a file (a program that does not exist, a
# shell's command, options it cannot take in our place), a dual address
# whose half cannot be opened, stdin read as readbytes= says with -U,
# and a descriptor's o-noatime.
test_nofork_and_dual_sides() {
	echo hi >"$SC_TMP/f"
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		assertEquals "$_n: nofork, a descriptor" "hi" \
		    "$(t 20 "$_bin" -u FD:3 EXEC:cat,nofork 3<"$SC_TMP/f")"
		assertEquals "$_n: nofork, a shell's command" "HI" \
		    "$(t 20 "$_bin" -u "$SC_TMP/f" 'SYSTEM:tr a-z A-Z,nofork')"
		t 20 "$_bin" -u "$SC_TMP/f" EXEC:"$SC_TMP/no/prog",nofork \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_n: nofork, no program: status" 1 $?
		assertContains "$_n: nofork, no program" "$(<"$SC_TMP/e")" \
		    "No such file or directory"
		assertEquals "$_n: -U, stdin's readbytes" "01" \
		    "$(printf 0123456 | t 20 "$_bin" -U 'SYSTEM:cat; echo' \
		    -,readbytes=2)"
		assertEquals "$_n: a descriptor's o-noatime" "hi" \
		    "$(t 20 "$_bin" -u FD:3,o-noatime - 3<"$SC_TMP/f")"
		for _a in "OPEN:$SC_TMP/no/x!!-" "-!!OPEN:$SC_TMP/no/x"; do
			t 20 "$_bin" "$_a" - </dev/null >"$SC_TMP/o" \
			    2>"$SC_TMP/e"
			assertEquals "$_n: $_a: status" 1 $?
			assertContains "$_n: $_a" "$(<"$SC_TMP/e")" \
			    "No such file or directory"
		done
	done
	socat_refused "EXEC:$SC_TMP/no/prog,nofork: exec $SC_TMP/no/prog: No such file or directory" \
	    -u "$SC_TMP/f" EXEC:"$SC_TMP/no/prog",nofork
	socat_refused "EXEC:cat,nofork,stderr: nofork: the program is run in our place, with a file, descriptor or stdio, and no other of its options" \
	    -u "$SC_TMP/f" EXEC:cat,nofork,stderr
	# Nor in a pty's place: the program ran on stdin and stdout, and no
	# pty was made (socat refuses nofork there too).
	socat_refused "EXEC:cat,nofork: nofork: the program is run in our place, with a file, descriptor or stdio, and no other of its options" \
	    EXEC:cat,nofork PTY,link="$SC_TMP/pty"
	assertFalse "no pty link" "[ -e '$SC_TMP/pty' ] || [ -L '$SC_TMP/pty' ]"
	socat_refused "OPEN:$SC_TMP/no/x!!-: No such file or directory" \
	    "OPEN:$SC_TMP/no/x!!-" -
	socat_refused "-!!OPEN:$SC_TMP/no/x: No such file or directory" \
	    "-!!OPEN:$SC_TMP/no/x" -
}

# A lock file where a file is in the way (both socats refuse it), and a
# pty with -u, -U or a socket's crlf: one line each, status 1, no link.
test_device_and_lock_refusals() {
	echo hi >"$SC_TMP/f"
	for _bin in "$REAL" "$OURS"; do
		for _l in -L -W; do
			t 20 "$_bin" "$_l" "$SC_TMP/f/lock" -u - PIPE </dev/null \
			    >"$SC_TMP/o" 2>"$SC_TMP/e"
			assertEquals "$_bin $_l: status" 1 $?
			assertContains "$_bin $_l: why" "$(<"$SC_TMP/e")" \
			    "$SC_TMP/f/lock"
			assertContains "$_bin $_l: why" "$(<"$SC_TMP/e")" \
			    ": Not a directory"
		done
	done
	socat_refused "lock \"$SC_TMP/f/lock\": Not a directory" \
	    -W"$SC_TMP/f/lock" -u - PIPE
}

# oneway SOCAT DIR LEFT RIGHT TARGET CLIENT: SOCAT DIR LEFT RIGHT between
# a target (TCP:127.0.0.1:%T, LEFT or RIGHT) that sends TARGET and a client
# that sends CLIENT (either may be ""; tests/fwdpeer.py's word-backend and
# word-client): what each read in GOT_TARGET and GOT_CLIENT, the
# forwarder's status in WAIT_STATUS.
oneway() {
	rm -f "$SC_TMP/got.t" "$SC_TMP/got.c" "$SC_TMP/t.port"
	bg t 30 $_peer word-backend "$SC_TMP/t.port" "$5" "$SC_TMP/got.t"
	_tgt=$BG_PID
	wait_for "$SC_TMP/t.port" '^[0-9]+$' || fail "no target"
	_tp=$(<"$SC_TMP/t.port")
	serve fwd "$1" -d -d "$2" "${3//%T/$_tp}" "${4//%T/$_tp}"
	_fw=$SERVE_PID
	t 20 $_peer word-client 127.0.0.1 "$PORT" "$6" "$SC_TMP/got.c"
	wait_exit "$_fw"
	_st=$WAIT_STATUS
	wait_exit "$_tgt"
	GOT_TARGET=$(<"$SC_TMP/got.t")
	GOT_CLIENT=$(<"$SC_TMP/got.c")
	WAIT_STATUS=$_st
}

# socat's -u and -U between two sockets (or a socket and a device, the
# forwarder's target as a TCP one is): one way only, whichever address
# listens; both socats alike (sockcat refused it).  Where both peers send,
# the side never read keeps what it was sent: ours closes it lingering
# (socat's close may reset it away, so only ours is asked).
test_oneway_between_sockets() {
	_l=TCP-LISTEN:0,bind=127.0.0.1
	_peer="python3 ${TESTS_DIR:-$(dirname "$0")}/fwdpeer.py"
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		for _d in "-u $_l TCP:127.0.0.1:%T" \
		    "-U TCP:127.0.0.1:%T $_l"; do
			oneway "$_bin" $_d "" from-client
			assertEquals "$_n $_d: status" 0 "$WAIT_STATUS"
			assertEquals "$_n $_d: to the target" from-client \
			    "$GOT_TARGET"
			assertEquals "$_n $_d: nothing back" "" "$GOT_CLIENT"
		done
		for _d in "-U $_l TCP:127.0.0.1:%T" \
		    "-u TCP:127.0.0.1:%T $_l"; do
			oneway "$_bin" $_d from-target ""
			assertEquals "$_n $_d: status" 0 "$WAIT_STATUS"
			assertEquals "$_n $_d: from the target" from-target \
			    "$GOT_CLIENT"
			assertEquals "$_n $_d: nothing sent" "" "$GOT_TARGET"
		done
	done
	oneway "$OURS" -u "$_l" TCP:127.0.0.1:%T from-target from-client
	assertEquals "ours -u, both send: to the target" from-client \
	    "$GOT_TARGET"
	assertEquals "ours -u, both send: nothing back" "" "$GOT_CLIENT"
	oneway "$OURS" -U "$_l" TCP:127.0.0.1:%T from-target from-client
	assertEquals "ours -U, both send: from the target" from-target \
	    "$GOT_CLIENT"
	assertEquals "ours -U, both send: nothing sent" "" "$GOT_TARGET"
}

# socat's notice of an address at its end-of-file, "socket N (fd M) is at
# EOF" with -d -d, once each: a Unix listener with /dev/null (its second
# address ends at once, its client later) and its client reading stdin;
# a TCP listener's program too (the notices keep sockcat's relay between
# them, where sockcat's own -l -e gives the program its connection).
# Not with one -d (a notice).  Both socats alike.
test_eof_notice() {
	for _bin in "$REAL" "$OURS"; do
		_n=real
		[ "$_bin" = "$OURS" ] && _n=ours
		rm -f "$SC_TMP/s"
		serve srv "$_bin" -d -d UNIX-LISTEN:"$SC_TMP/s" /dev/null
		echo hi | t 20 "$_bin" -d -d - UNIX-CONNECT:"$SC_TMP/s" \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "$_n: client's status" 0 $?
		wait_exit "$SERVE_PID"
		assertEquals "$_n: server's status" 0 "$WAIT_STATUS"
		for _f in srv c; do
			for _s in 1 2; do
				assertEquals "$_n: $_f: socket $_s" 1 "$(grep -c \
				    " N socket $_s (fd [0-9]*) is at EOF\$" \
				    "$SC_TMP/$_f.err")"
			done
		done
		serve exec "$_bin" -d -d TCP-LISTEN:0,bind=127.0.0.1 EXEC:cat
		echo hi | t 20 "$_bin" - TCP:127.0.0.1:"$PORT" >"$SC_TMP/c.out"
		assertEquals "$_n: exec: echoed" hi "$(<"$SC_TMP/c.out")"
		wait_exit "$SERVE_PID"
		for _s in 1 2; do
			assertEquals "$_n: exec: socket $_s" 1 "$(grep -c \
			    " N socket $_s (fd [0-9]*) is at EOF\$" \
			    "$SC_TMP/exec.err")"
		done
		echo hi | t 20 "$_bin" -d -u - /dev/null 2>"$SC_TMP/e"
		assertEquals "$_n: -d: status" 0 $?
		assertEquals "$_n: -d: nothing said" "" "$(<"$SC_TMP/e")"
	done
}

# socat's so-type=5 of a Unix listener: a SOCK_SEQPACKET socket (a
# seqpacket client's message echoed, PIPE); reached by a path (GOPEN),
# whatever its type, and by UNIX-CONNECT:,so-type=5.  Both socats alike.
test_unix_seqpacket() {
	for _bin in "$REAL" "$OURS"; do
		for _c in python GOPEN UNIX-CONNECT; do
			rm -f "$SC_TMP/sq.sock"
			bg t 20 "$_bin" -d -d \
			    UNIX-LISTEN:"$SC_TMP/sq.sock",so-type=5 PIPE \
			    2>"$SC_TMP/sq.err"
			_srv=$BG_PID
			wait_for "$SC_TMP/sq.err" '[Ll]istening on ' ||
			    fail "$_bin: no listener"
			case $_c in
			python)
				assertEquals "$_bin: a seqpacket client" "one" \
				    "$(t 10 python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"one")
print(s.recv(100).decode())' "$SC_TMP/sq.sock")" ;;
			GOPEN)
				assertEquals "$_bin: GOPEN" "hi" "$(echo hi |
				    t 10 "$_bin" - "$SC_TMP/sq.sock")" ;;
			*)
				assertEquals "$_bin: UNIX-CONNECT" "hi" \
				    "$(echo hi | t 10 "$_bin" - $(
				    )UNIX-CONNECT:"$SC_TMP/sq.sock",so-type=5)" ;;
			esac
			wait_exit "$_srv"
			assertEquals "$_bin $_c: the listener's status" 0 \
			    "$WAIT_STATUS"
		done
	done
	socat_refused "UNIX-LISTEN:$SC_TMP/x,so-type=2: so-type=2: a Unix stream socket's is 1 (a stream) or 5 (SOCK_SEQPACKET)" \
	    UNIX-LISTEN:"$SC_TMP/x",so-type=2 PIPE
}

# socat's accept-timeout= (listen-timeout=): a listener that no client
# reaches in its time stops, a warning said, status 0; with fork, a
# session it has goes on to its end, then the run ends.  An OPENSSL-
# LISTEN: takes it too.  Both socats alike.
test_accept_timeout() {
	for _bin in "$REAL" "$OURS"; do
		t 10 "$_bin" -d TCP-LISTEN:0,accept-timeout=0.2 PIPE \
		    >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin: no client: status" 0 $?
		assertContains "$_bin: no client: said" "$(<"$SC_TMP/e")" \
		    " W accept: Connection timed out"
		# With fork and a socket beside: sockcat's forwarder, whose
		# SIGHUP and SIGUSR1 kept the loop going for ever.
		t 10 "$_bin" -d TCP-LISTEN:0,fork,accept-timeout=0.2 \
		    TCP:127.0.0.1:9 >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_bin: forwarder, no client: status" 0 $?
		assertContains "$_bin: forwarder, no client: said" \
		    "$(<"$SC_TMP/e")" " W accept: Connection timed out"
		rm -f "$SC_TMP/in"
		serve srv "$_bin" -d -d \
		    TCP-LISTEN:0,reuseaddr,fork,listen-timeout=0.5 PIPE
		held_stdin in 7
		bg_in "$SC_TMP/in" t 20 "$_bin" - TCP:127.0.0.1:"$PORT" \
		    >"$SC_TMP/c.out"
		_c=$BG_PID
		echo a >&7
		wait_for "$SC_TMP/srv.err" "accept: Connection timed out" ||
		    fail "$_bin: the listener did not stop"
		echo b >&7
		exec 7>&-
		wait_exit "$_c"
		assertEquals "$_bin: the client's status" 0 "$WAIT_STATUS"
		assertEquals "$_bin: the session went on" "a b" \
		    "$(echo $(<"$SC_TMP/c.out"))"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: the server's status" 0 "$WAIT_STATUS"
		serve tls "$_bin" -d -d OPENSSL-LISTEN:0,reuseaddr,$(
		    )accept-timeout=5,cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 PIPE
		assertEquals "$_bin: OPENSSL-LISTEN" "tls" "$(echo tls |
		    t 10 "$_bin" - OPENSSL:127.0.0.1:"$PORT",verify=0)"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: the TLS server's status" 0 "$WAIT_STATUS"
	done
}

# socat's end-close of a PTY (its end is its close already): taken, the
# pty made and the run over with /dev/null's end, status 0.  Both socats
# alike; elsewhere it is refused.
test_pty_end_close() {
	for _bin in "$REAL" "$OURS"; do
		t 10 "$_bin" -d -d /dev/null PTY,end-close >"$SC_TMP/o" \
		    2>"$SC_TMP/e"
		assertEquals "$_bin: status" 0 $?
		assertContains "$_bin: the pty" "$(<"$SC_TMP/e")" \
		    " N PTY is /dev/pts/"
	done
	socat_refused "TCP4:127.0.0.1:9,end-close: option end-close does not belong to a TCP4: address" \
	    -U TCP4:127.0.0.1:9,end-close TCP4-LISTEN:0,fork
}

# pty_wait SOCAT: socat's PTY,pty-wait-slave (with ptmx, or openpty)
# UNIX-LISTEN: the pty is made first, its link there before the
# listener, which is opened only once another process has opened the
# pty's terminal side; what was written there then reaches the client,
# its answer comes back, and the terminal side's close is the end: the
# client reads its end, the server ends, status 0.
pty_wait() {
	rm -f "$SC_TMP/p" "$SC_TMP/s"
	bg t 60 "$1" PTY,"$2",pty-wait-slave,pty-interval=0.1,link="$SC_TMP/p" \
	    UNIX-LISTEN:"$SC_TMP/s"
	_pw=$BG_PID
	wait_until test -L "$SC_TMP/p" || fail "$1: no pty"
	assertFalse "$1 $2: no listener yet" "test -e $SC_TMP/s"
	assertFalse "$1 $2: nobody to connect to" \
	    "t 10 $REAL -u /dev/null UNIX-CONNECT:$SC_TMP/s"
	t 30 python3 - "$SC_TMP/p" "$SC_TMP/s" >"$SC_TMP/pw.out" <<'EOF2'
import errno, os, socket, sys, time, tty
link, path = sys.argv[1:]
fd = os.open(link, os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
os.write(fd, b"from the terminal\n")
end = time.time() + 20
c = None
while c is None and time.time() < end:
    try:
        c = socket.socket(socket.AF_UNIX)
        c.connect(path)
    except OSError as e:
        if e.errno not in (errno.ENOENT, errno.ECONNREFUSED):
            raise
        c.close()
        c = None
        time.sleep(0.05)
c.settimeout(20)
got = b""
while not got.endswith(b"\n"):
    got += c.recv(100)
c.sendall(b"from the client\n")
back = b""
while not back.endswith(b"\n"):
    back += os.read(fd, 100)
os.close(fd)
print(got, back, c.recv(100))
EOF2
	assertEquals "$1 $2: both ways, then the end" \
	    "b'from the terminal\n' b'from the client\n' b''" \
	    "$(<"$SC_TMP/pw.out")"
	wait_exit "$_pw"
	assertEquals "$1 $2: status" 0 "$WAIT_STATUS"
}

# pty_wait_program SOCAT: PTY,pty-wait-slave with a program: the program
# is started only once the pty's terminal side is open, and talks to it.
pty_wait_program() {
	rm -f "$SC_TMP/p" "$SC_TMP/mark"
	bg t 60 "$1" PTY,pty-wait-slave,pty-interval=0.1,link="$SC_TMP/p" \
	    SYSTEM:"echo started >$SC_TMP/mark; exec cat"
	_pw=$BG_PID
	wait_until test -L "$SC_TMP/p" || fail "$1: no pty"
	assertFalse "$1: no program yet" "test -e $SC_TMP/mark"
	t 30 python3 - "$SC_TMP/p" >"$SC_TMP/pw.out" <<'EOF2'
import os, sys, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
os.write(fd, b"ping\n")
back = b""
while not back.endswith(b"\n"):
    back += os.read(fd, 100)
os.close(fd)
print(back)
EOF2
	assertEquals "$1: the program's answer" "b'ping\n'" "$(<"$SC_TMP/pw.out")"
	assertEquals "$1: started then" started "$(cat "$SC_TMP/mark")"
	wait_exit "$_pw"
	assertEquals "$1: status" 0 "$WAIT_STATUS"
}

test_pty_wait_slave() {
	for _bin in "$REAL" "$OURS"; do
		pty_wait "$_bin" ptmx
		pty_wait "$_bin" openpty
		pty_wait_program "$_bin"
	done
	# One pty, made before the other side: not for each client.
	socat_refused "PTY,pty-wait-slave: pty-wait-slave makes one pty, before the other side: not with fork" \
	    PTY,pty-wait-slave TCP-LISTEN:0,fork
}

# size_is FILE N: FILE has N bytes.
size_is() {
	[ "$(wc -c <"$1")" = "$2" ]
}

# socat's o-direct: socat's test O_DIRECT, a line written to a file and
# read back past the page cache (the read half of "R!!W" with ignoreeof),
# by both socats; then a file read with O_DIRECT (its descriptor's flags
# say so) from an offset that is no whole block, whole, and followed as
# it grows, each read in whole blocks.  A file written with it is
# refused in one line.
test_o_direct() {
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/f"
		echo "a line, direct" | t 20 "$_bin" - \
		    "$SC_TMP/f,o-direct,ignoreeof!!$SC_TMP/f" >"$SC_TMP/o" \
		    2>"$SC_TMP/e"
		_st=$?
		assertEquals "$_bin: status: $(<"$SC_TMP/e")" 0 "$_st"
		assertEquals "$_bin: read back" "a line, direct" "$(<"$SC_TMP/o")"
	done
	data 100000
	bg t 60 "$OURS" -u "$SC_TMP/data,o-direct,seek=1000,ignoreeof" - \
	    >"$SC_TMP/o"
	_od=$BG_PID
	wait_until size_is "$SC_TMP/o" 99000 ||
	    fail "not read whole: $(wc -c <"$SC_TMP/o")"
	assertEquals "from its offset" "$(tail -c +1001 "$SC_TMP/data" |
	    sha256sum)" "$(sha256sum <"$SC_TMP/o")"
	_pid=$(pgrep -P "$_od")
	_flags=
	for _fd in /proc/"$_pid"/fd/*; do
		[ "$(readlink "$_fd")" = "$SC_TMP/data" ] &&
		    _flags=$(sed -n 's/^flags:[[:space:]]*//p' \
		    /proc/"$_pid"/fdinfo/"${_fd##*/}")
	done
	assertEquals "opened with O_DIRECT ($_flags)" 040000 \
	    "$(printf '%06o' $((0$_flags & 040000)))"
	printf 'more\n' >>"$SC_TMP/data"
	wait_until size_is "$SC_TMP/o" 99005 ||
	    fail "not followed: $(wc -c <"$SC_TMP/o")"
	assertEquals "and what was added" more "$(tail -c 5 "$SC_TMP/o")"
	kill "$_od" 2>/dev/null
	wait_exit "$_od"
	socat_refused "$SC_TMP/f,o-direct: o-direct is carried out on a file read alone (a file written with it would take whole blocks only)" \
	    - "$SC_TMP/f,o-direct"
}

# socat's readbytes of a socket (its manual's "socat - tcp:HOST:PORT,
# readbytes=1000"): that many bytes of the connection are read, then
# that way has ended; the other way goes on (what stdin gives reaches the
# server whole).  And a listener's client so read.  Both socats alike.
test_readbytes_socket() {
	data 5000
	for _bin in "$REAL" "$OURS"; do
		rm -f "$SC_TMP/got"
		serve rb "$REAL" -d -d TCP-LISTEN:0,reuseaddr \
		    SYSTEM:"cat $SC_TMP/data; cat >$SC_TMP/got"
		printf 'from stdin' | t 20 "$_bin" - \
		    TCP:127.0.0.1:"$PORT",readbytes=1000 >"$SC_TMP/o" \
		    2>"$SC_TMP/e"
		_st=$?
		assertEquals "$_bin: status: $(<"$SC_TMP/e")" 0 "$_st"
		assertEquals "$_bin: 1000 bytes read" "$(head -c 1000 \
		    "$SC_TMP/data" | sha256sum)" "$(sha256sum <"$SC_TMP/o")"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: the other way whole" "from stdin" \
		    "$(cat "$SC_TMP/got")"
		serve rl "$_bin" -d -d -u TCP-LISTEN:0,reuseaddr,readbytes=3 \
		    STDOUT
		printf 'abcdef' | t 20 "$SC" -N 127.0.0.1 "$PORT"
		wait_exit "$SERVE_PID"
		assertEquals "$_bin: a client's first 3" abc \
		    "$(cat "$SC_TMP/rl.out")"
		assertEquals "$_bin: the listener's status" 0 "$WAIT_STATUS"
	done
}

# socat's nofork with a forking listener (its manual's "TCP-L:7777,
# reuseaddr,fork SYSTEM:'filan -i 0 -s >&2',nofork"): each client's
# program has the connection itself as its stdin and stdout, no relay's
# pipe between, and reads what the client sends; the listener goes on
# to the next client.  Both socats alike.
test_nofork_forking_listener() {
	printf '#!/bin/sh\nstat -L -c %%F /dev/stdin /dev/stdout\nread -r l\necho "got $l"\n' \
	    >"$SC_TMP/show"
	chmod +x "$SC_TMP/show"
	for _bin in "$REAL" "$OURS"; do
		serve nf "$_bin" -d -d TCP-LISTEN:0,reuseaddr,fork \
		    EXEC:"$SC_TMP/show",nofork
		for _i in 1 2; do
			assertEquals "$_bin: client $_i" "socket
socket
got line $_i" "$(printf 'line %s\n' "$_i" |
			    t 20 "$SC" -N 127.0.0.1 "$PORT")"
		done
		kill "$SERVE_PID" 2>/dev/null
		wait_exit "$SERVE_PID"
	done
}

sc_run_shunit2 3
