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
	wait_until test -S "$SC_TMP/echo.sock" || fail "no echo server"
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
	serve probe "$1" -d -d OPENSSL-LISTEN:0,cert="$CERTS/srv.pem",$(
	    )key="$CERTS/srv.key",verify=0,"$2" SYSTEM:'echo up'
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

# capath=DIR: the authorities a TLS client trusts, a directory of them
# by hash (openssl rehash): one that holds the server's is trusted, one
# without it is not, by both socats; a directory that is not there is
# refused at once.
test_tls_capath() {
	mkdir "$SC_TMP/ca" "$SC_TMP/none"
	cp "$CERTS/ca.pem" "$SC_TMP/ca/"
	openssl rehash "$SC_TMP/ca" "$SC_TMP/none" 2>/dev/null ||
	    c_rehash "$SC_TMP/ca" >/dev/null
	serve capath "$REAL" -d -d OPENSSL-LISTEN:0,reuseaddr,fork,$(
	    )cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 \
	    SYSTEM:'echo trusted'
	for _bin in "$REAL" "$OURS"; do
		assertEquals "$_bin: its authority" "trusted" \
		    "$(t 20 "$_bin" -u OPENSSL:localhost:"$PORT",$(
		    )capath="$SC_TMP/ca" - </dev/null)"
		t 20 "$_bin" -u OPENSSL:localhost:"$PORT",capath="$SC_TMP/none" \
		    - </dev/null >"$SC_TMP/o" 2>/dev/null
		assertEquals "$_bin: none: status" 1 $?
		assertEquals "$_bin: none: nothing" "" "$(<"$SC_TMP/o")"
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
	assertContains "not a PROXY: address" "$(<"$SC_TMP/e")" \
	    "option proxyauth is a PROXY: address's"
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

# A socat listener without fork serves one client, then is done.
test_no_fork_one_client() {
	serve once "$OURS" -d -d TCP-LISTEN:0 SYSTEM:'echo one'
	assertEquals "the one client" "one" \
	    "$(t 20 "$SC" -d 127.0.0.1 "$PORT")"
	wait_exit "$SERVE_PID"
	assertEquals "done after it" 0 "$WAIT_STATUS"
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

# Bad addresses: one line each, status 1.
test_refusals() {
	for _a in 'TCP-LISTEN:0!!STDOUT' 'TCP:host' 'EXEC:"cat' \
	    'TCP6:[::1:80' 'NOSUCH:x' 'PTY,raw' 'TCP-L:0,pf=ip6,pf=ip4' \
	    'OPEN:x,bind=1.2.3.4' 'UDP-SENDTO:127.0.0.1:9'; do
		t 20 "$OURS" "$_a" - </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
		assertEquals "$_a: status" 1 $?
		assertEquals "$_a: one line" 1 "$(wc -l <"$SC_TMP/e")"
		assertEquals "$_a: nothing on stdout" "" "$(<"$SC_TMP/o")"
	done
	assertContains "!! named" "$(t 20 "$OURS" 'TCP-L:0!!STDOUT' - 2>&1)" \
	    "(!!) are not supported"
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
	    unlink-early crtscts raw rawer cfmakeraw echo link socksport fork
	    reuseaddr so-reuseaddr reuseport so-reuseport bind sourceport sp
	    backlog nodelay keepalive so-keepalive connect-timeout pf crlf crnl
	    protocol-family ipv6only ipv6-v6only "
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
		    ! grep -q "option $_n does not belong to a TCP-LISTEN: address" \
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
	for _o in -x -v -T -T1 -lf -L; do
		t 20 "$OURS" "$_o" - - </dev/null 2>"$SC_TMP/e"
		assertEquals "$_o refused" 1 $?
		assertEquals "$_o: one line" 1 "$(wc -l <"$SC_TMP/e")"
		assertContains "$_o named" "$(<"$SC_TMP/e")" \
		    "option ${_o%1} is not supported"
	done
}

sc_run_shunit2
