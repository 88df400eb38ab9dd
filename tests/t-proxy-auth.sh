#!/bin/bash
# The proxy client's side, beside ncat where ncat has the feature: an HTTP
# proxy's 407 answered with the strongest challenge offered (Digest
# SHA-256, Digest MD5, Basic), once, on the same connection when the
# proxy keeps it and on a new one when it does not; and --proxy-dns local,
# remote, both and none for SOCKS4, SOCKS4a, SOCKS5 and HTTP, against a
# proxy that records whether it was sent a name or an address.  One
# helper process (tests/authproxy.py) holds every fake proxy.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3
: "${TESTS_DIR:=$(dirname "$0")}"

# The fake proxies, by the number of their log (PX_DIR/N.log).
PX_SPECS="basic:alice:s3cret:1 md5:alice:s3cret:1 sha256:alice:s3cret:1
both:alice:s3cret:1 both:alice:s3cret:0 md5:alice:s3cret:0
oneline:alice:s3cret:1 ntlm:alice:s3cret:1 record md5:alice:s3cret:2
rfc2069:alice:s3cret:1 nulrealm:alice:s3cret:1 crrealm:alice:s3cret:1
blanks:alice:s3cret:1 stale:alice:s3cret:1 stalealways:alice:s3cret:1"
PX_BASIC=0 PX_MD5=1 PX_SHA256=2 PX_BOTH=3 PX_BOTH_CLOSE=4 PX_MD5_CLOSE=5
PX_ONELINE=6 PX_NTLM=7 PX_RECORD=8 PX_MD5_LIAR=9 PX_RFC2069=10
PX_NUL_REALM=11 PX_CR_REALM=12 PX_BLANKS=13 PX_STALE=14 PX_STALE_ALWAYS=15

oneTimeSetUp() {
	PX_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-px.XXXXXX")
	# They serve every test of the suite, which takes two minutes and
	# more on a loaded machine: their bound is the suite's, not a test's.
	# shellcheck disable=SC2086
	timeout 900 $AUTHPROXY -m "$PX_DIR" $PX_SPECS \
	    >"$PX_DIR/ports" 2>"$PX_DIR/err" &
	PX_PID=$!
	wait_lines "$PX_DIR/ports" '^[0-9]+$' 16 20 || {
		echo "the fake proxies did not start" >&2
		cat "$PX_DIR/err" >&2
	}
}

oneTimeTearDown() {
	stop "$PX_PID"
	wait "$PX_PID" 2>/dev/null
	rm -rf "$PX_DIR"
	sc_remove_tmp
	sc_report
}

# Is ncat there to compare with?  Without it, a test checks sockcat alone
# and says so.
have_ncat() {
	command -v ncat >/dev/null 2>&1 && return 0
	echo "ncat not installed: sockcat alone"
	return 1
}

# px N: the port of fake proxy N; its log is emptied.
px() {
	: >"$PX_DIR/$1.log"
	sed -n "$(($1 + 1))p" "$PX_DIR/ports"
}

# pxlog N: what fake proxy N logged.
pxlog() {
	cat "$PX_DIR/$1.log"
}

# run NAME cmd...: run a client with stdin at EOF; NAME.out, NAME.err and
# the status in STATUS.
run() {
	local name=$1

	shift
	t 20 "$@" </dev/null >"$SC_TMP/$name.out" 2>"$SC_TMP/$name.err"
	STATUS=$?
}

# auth N USER:PASS [sockcat options]: sockcat through the auth proxy N.
auth() {
	local port

	port=$(px "$1")
	run sc "$SC" -N -X connect -x "127.0.0.1:$port" --proxy-auth "$2" \
	    "${@:3}" 192.0.2.1 80
}

# ncat_auth N USER:PASS: the same with ncat, skipped when it is absent.
ncat_auth() {
	local port

	port=$(px "$1")
	run ncat ncat --proxy "127.0.0.1:$port" --proxy-type http \
	    --proxy-auth "$2" 192.0.2.1 80
}

# What proxy N was sent: each request's connection, numbered from 1 for
# this test, and the scheme (and algorithm) of its credentials.
summary() {
	awk '/^conn [0-9]+$/ {
		if (!($2 in m))
			m[$2] = ++k
		s = s (s == "" ? "" : " ") "conn " m[$2]
	}
	/^Proxy-Authorization: Basic / { s = s " Basic" }
	/^Proxy-Authorization: Digest / {
		a = $0
		sub(/.*algorithm=/, "", a)
		sub(/,.*/, "", a)
		s = s " Digest " a
	}
	END { print s }' "$PX_DIR/$1.log"
}

# tunnel_open N USER:PASS SUMMARY [WHAT]: sockcat through the auth proxy
# N opens the tunnel (status 0, the proxy's "tunnel open"), and what the
# proxy was sent reads SUMMARY (see summary; WHAT names it).
tunnel_open() {
	auth "$1" "$2"
	assertEquals "status" 0 "$STATUS"
	assertEquals "tunnel open" "$(<"$SC_TMP/sc.out")"
	assertEquals "${4:-what the proxy was sent}" "$3" "$(summary "$1")"
}

# ncat_tunnel_open N USER:PASS: the same for ncat, where it is installed.
ncat_tunnel_open() {
	have_ncat || return 0
	ncat_auth "$1" "$2"
	assertEquals "ncat's status" 0 "$STATUS"
	assertEquals "ncat" "tunnel open" "$(<"$SC_TMP/ncat.out")"
}

test_basic_only() {
	auth $PX_BASIC alice:s3cret
	assertEquals "status" 0 "$STATUS"
	assertEquals "tunnel open" "$(<"$SC_TMP/sc.out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/sc.err")"
	# No credentials until asked, then on the connection kept open.
	assertEquals "conn 1 conn 1 Basic" "$(summary $PX_BASIC)"
	assertContains "$(pxlog $PX_BASIC)" \
	    "Proxy-Authorization: Basic YWxpY2U6czNjcmV0"
	ncat_tunnel_open $PX_BASIC alice:s3cret
}

test_digest_md5() {
	tunnel_open $PX_MD5 alice:s3cret "conn 1 conn 1 Digest MD5"
	assertContains "the request target as uri" "$(pxlog $PX_MD5)" \
	    'uri="192.0.2.1:80"'
	ncat_tunnel_open $PX_MD5 alice:s3cret
}

# ncat 7.93 cannot answer a SHA-256 digest ("Error building
# Proxy-Authorization header"): sockcat alone.
test_digest_sha256() {
	tunnel_open $PX_SHA256 alice:s3cret "conn 1 conn 1 Digest SHA-256"
}

test_strongest_challenge_wins() {
	tunnel_open $PX_BOTH alice:s3cret "conn 1 conn 1 Digest SHA-256" \
	    "three lines"
	# Basic and Digest as two challenges of one header line.
	tunnel_open $PX_ONELINE alice:s3cret "conn 1 conn 1 Digest MD5" \
	    "one line"
}

test_wrong_password_is_one_error() {
	auth $PX_BOTH alice:wrong
	assertEquals "status" 1 "$STATUS"
	assertEquals "stderr" "sockcat: Proxy authentication failed" \
	    "$(<"$SC_TMP/sc.err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/sc.out")"
	assertEquals "asked again once" "conn 1 conn 1 Digest SHA-256" \
	    "$(summary $PX_BOTH)"
	have_ncat || return 0
	ncat_auth $PX_MD5 alice:wrong
	assertEquals "ncat's status" 1 "$STATUS"
	assertEquals "ncat's stdout" "" "$(<"$SC_TMP/ncat.out")"
}

# A right answer whose nonce the proxy calls stale (RFC 7616, 3.3: a 407
# with stale=true and a new nonce) goes again with the new nonce and the
# same password, unasked, as curl does; once: a proxy that says it every
# time gets the one error.
test_stale_nonce_answered_again_once() {
	local port

	tunnel_open $PX_STALE alice:s3cret \
	    "conn 1 conn 1 Digest MD5 conn 1 Digest MD5"
	assertEquals "nothing said" "" "$(<"$SC_TMP/sc.err")"
	auth $PX_STALE_ALWAYS alice:s3cret
	assertEquals "status" 1 "$STATUS"
	assertEquals "stderr" "sockcat: Proxy authentication failed" \
	    "$(<"$SC_TMP/sc.err")"
	assertEquals "asked again once" \
	    "conn 1 conn 1 Digest MD5 conn 1 Digest MD5" \
	    "$(summary $PX_STALE_ALWAYS)"
	# curl through the same proxy (where it is installed) gets its
	# tunnel too.
	command -v curl >/dev/null 2>&1 || return 0
	port=$(px $PX_STALE)
	assertEquals "curl's tunnel" 200 "$(t 20 curl -sS --proxy-digest \
	    -U alice:s3cret -x "127.0.0.1:$port" -p -m 10 -o /dev/null \
	    -w '%{http_connect}' http://192.0.2.1:80/ 2>/dev/null)"
}

test_proxy_closing_after_407_gets_a_new_connection() {
	tunnel_open $PX_BOTH_CLOSE alice:s3cret "conn 1 conn 2 Digest SHA-256"
	ncat_tunnel_open $PX_MD5_CLOSE alice:s3cret
}

# A proxy that closes the connection it did not say it would close: the
# answer goes again on a new one.
test_proxy_closing_unannounced() {
	tunnel_open $PX_MD5_LIAR alice:s3cret "conn 1 conn 2 Digest MD5"
}

# RFC 2069's digest, without qop, nc or cnonce, as some proxies still
# ask for it: answered in kind, never with Basic.
test_digest_without_qop() {
	auth $PX_RFC2069 alice:s3cret
	assertEquals "status" 0 "$STATUS"
	assertEquals "tunnel open" "$(<"$SC_TMP/sc.out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/sc.err")"
	assertEquals "conn 1 conn 1 Digest MD5" "$(summary $PX_RFC2069)"
	assertNotContains "no qop in the answer" "$(pxlog $PX_RFC2069)" "qop="
	ncat_tunnel_open $PX_RFC2069 alice:s3cret
}

# Blanks around a parameter's "=" (RFC 9110, 11.2) make no malformed
# challenge.
test_digest_with_blanks_around_equals() {
	tunnel_open $PX_BLANKS alice:s3cret "conn 1 conn 1 Digest MD5"
}

# A digest challenge with a NUL byte or a bare CR in its realm is an
# error, said in one line: never a reason to send the password in the
# clear to a proxy that offered only a digest.
test_malformed_digest_is_an_error() {
	auth $PX_NUL_REALM alice:s3cret
	assertEquals "status" 1 "$STATUS"
	assertEquals "stderr" \
	    "sockcat: Malformed proxy challenge: NUL byte in a header line" \
	    "$(<"$SC_TMP/sc.err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/sc.out")"
	assertEquals "no credentials sent" "conn 1" "$(summary $PX_NUL_REALM)"
	auth $PX_CR_REALM alice:s3cret
	assertEquals "status" 1 "$STATUS"
	assertEquals "stderr" \
	    "sockcat: Malformed proxy challenge: bare CR in a header line" \
	    "$(<"$SC_TMP/sc.err")"
	assertEquals "no credentials sent" "conn 1" "$(summary $PX_CR_REALM)"
}

test_unknown_scheme_is_refused() {
	auth $PX_NTLM alice:s3cret
	assertEquals "status" 1 "$STATUS"
	assertEquals "stderr" \
	    "sockcat: Proxy authentication scheme not supported: NTLM" \
	    "$(<"$SC_TMP/sc.err")"
	assertEquals "asked once" "conn 1" "$(summary $PX_NTLM)"
}

# dns PROTO WHERE HOST [sockcat options]: sockcat through the recording
# proxy (-X PROTO, --proxy-dns WHERE unless "-"); what it was asked for
# is in ASKED.
dns() {
	local port where=()

	port=$(px $PX_RECORD)
	[ "$2" != - ] && where=(--proxy-dns "$2")
	run sc "$SC" -N -4 -X "$1" -x "127.0.0.1:$port" "${where[@]}" \
	    "${@:4}" "$3" 80
	ASKED=$(pxlog $PX_RECORD)
}

# ncat_dns TYPE WHERE HOST: the same with ncat (--proxy-type TYPE).
ncat_dns() {
	local port where=()

	port=$(px $PX_RECORD)
	[ "$2" != - ] && where=(--proxy-dns "$2")
	run ncat ncat -4 --proxy "127.0.0.1:$port" --proxy-type "$1" \
	    "${where[@]}" "$3" 80
	ASKED=$(pxlog $PX_RECORD)
}

# check_dns PROTO NCAT_TYPE WHERE HOST EXPECTED: sockcat, then ncat when
# NCAT_TYPE is not "-", ask the proxy for EXPECTED.
check_dns() {
	dns "$1" "$3" "$4"
	assertEquals "-X $1 --proxy-dns $3 $4: status" 0 "$STATUS"
	assertEquals "-X $1 --proxy-dns $3 $4: out" "tunnel open" \
	    "$(<"$SC_TMP/sc.out")"
	assertEquals "-X $1 --proxy-dns $3 $4" "$5" "$ASKED"
	[ "$2" = - ] && return 0
	have_ncat || return 0
	ncat_dns "$2" "$3" "$4"
	assertEquals "ncat $2 --proxy-dns $3 $4: status" 0 "$STATUS"
	assertEquals "ncat $2 --proxy-dns $3 $4" "$5" "$ASKED"
}

# The default: -X 4 resolves here as netcat does; the others leave the
# name to the proxy, as ncat does.
test_proxy_dns_default() {
	check_dns 4 - - localhost "socks4 127.0.0.1"
	check_dns 5 socks5 - localhost "socks5 name localhost"
	check_dns connect - - localhost "http localhost:80"
}

test_proxy_dns_local() {
	check_dns 4a - local localhost "socks4 127.0.0.1"
	check_dns 5 - local localhost "socks5 ipv4 127.0.0.1"
	check_dns connect http local localhost "http 127.0.0.1:80"
}

test_proxy_dns_remote() {
	# SOCKS4 becomes SOCKS4a to send the name.
	check_dns 4 socks4 remote localhost "socks4a localhost"
	check_dns connect - remote localhost "http localhost:80"
	# An address is sent as one.
	check_dns 5 - remote 127.0.0.1 "socks5 ipv4 127.0.0.1"
}

test_proxy_dns_both() {
	check_dns 5 socks5 both localhost "socks5 ipv4 127.0.0.1"
}

# A name that does not resolve here, quickly, or the test is skipped: a
# resolver that answers slowly or not at all would only make it slow.
# Its label of 64 bytes is refused by the resolver itself, so no query
# leaves the machine for it.
NXNAME=$(printf 'x%.0s' {1..64}).invalid
unresolvable() {
	if [ -z "${UNRESOLVABLE:-}" ]; then
		t 3 getent hosts $NXNAME >/dev/null 2>&1
		UNRESOLVABLE=$?
	fi
	[ "$UNRESOLVABLE" -eq 2 ] && return 0
	sc_skip "$NXNAME does not fail to resolve quickly here"
	return 1
}

test_proxy_dns_both_falls_back_to_the_proxy() {
	unresolvable || return 0
	check_dns 5 socks5 both $NXNAME \
	    "socks5 name $NXNAME"
	dns 4 both $NXNAME -v
	assertEquals "status" 0 "$STATUS"
	assertEquals "SOCKS4a" "socks4a $NXNAME" "$ASKED"
	assertContains "said with -v" "$(<"$SC_TMP/sc.err")" \
	    "$NXNAME not resolved here: the proxy will resolve it"
}

test_proxy_dns_local_that_fails() {
	unresolvable || return 0
	dns 5 local $NXNAME
	assertEquals "status" 1 "$STATUS"
	assertEquals "nothing asked" "" "$ASKED"
	# The message keeps the name's first 64 bytes.
	assertContains "$(<"$SC_TMP/sc.err")" \
	    "sockcat: getaddrinfo(\"${NXNAME:0:64}\", \"80\"): "
	have_ncat || return 0
	ncat_dns socks5 local $NXNAME
	assertEquals "ncat's status" 1 "$STATUS"
	assertEquals "ncat asks nothing" "" "$ASKED"
}

test_proxy_dns_none() {
	local p

	for p in 4 connect; do
		dns $p none localhost
		assertEquals "-X $p: status" 1 "$STATUS"
		assertEquals "-X $p: nothing asked" "" "$ASKED"
		assertEquals "-X $p" \
		    "sockcat: proxy: localhost is not a numeric address (--proxy-dns none)" \
		    "$(<"$SC_TMP/sc.err")"
	done
	check_dns connect - none 127.0.0.1 "http 127.0.0.1:80"
	have_ncat || return 0
	ncat_dns socks5 none localhost
	assertEquals "ncat's status" 1 "$STATUS"
	assertEquals "ncat asks nothing" "" "$ASKED"
}

test_proxy_dns_bad_value() {
	expect_error "proxy DNS invalid: sometimes (local, remote, both or none)" \
	    --proxy-dns sometimes -x 127.0.0.1 127.0.0.1 80
}

# --proxy is the long form of -x: without --proxy-type it speaks SOCKS5,
# as -x does in nc, where ncat's --proxy speaks HTTP CONNECT.  A
# deliberate difference, so the manual's COMPATIBILITY section says it.
test_proxy_alone_speaks_socks5() {
	local port man

	port=$(px $PX_RECORD)
	run sc "$SC" -N --proxy "127.0.0.1:$port" 192.0.2.1 80
	assertEquals "status" 0 "$STATUS"
	assertEquals "socks5 ipv4 192.0.2.1" "$(pxlog $PX_RECORD)"
	man=${MANPAGE:-$TESTS_DIR/../doc/sockcat.1}
	assertTrue "listed in COMPATIBILITY" "sed -n '/^\.Sh COMPATIBILITY/,\$p' \
	    '$man' | grep -A8 '^\.Fl -proxy\$' | grep -q 'speaks SOCKS5'"
	have_ncat || return 0
	port=$(px $PX_RECORD)
	run ncat ncat --proxy "127.0.0.1:$port" 192.0.2.1 80
	assertEquals "ncat's status" 0 "$STATUS"
	assertEquals "ncat speaks HTTP" "http 192.0.2.1:80" \
	    "$(pxlog $PX_RECORD)"
}

# hidden ARGS...: a client (stdin held open) of a proxy that never
# answers, started with ARGS (a %s in one is the proxy's port); once the
# proxy has its connection, what ps(1) shows of its command line is in
# ARGS_SEEN.
hidden() {
	local a child args=()

	held_stdin silent.in 7
	SERVER_STDIN=$SC_TMP/silent.in server silent -l 127.0.0.1 0 ||
	    fail "no silent proxy"
	for a; do
		# shellcheck disable=SC2059
		args+=("$(printf -- "$a" "$PORT")")
	done
	held_stdin cli.in 8
	bg_in "$SC_TMP/cli.in" t 20 "$SC" -w 15 "${args[@]}" 192.0.2.1 80
	wait_for "$SC_TMP/silent.err" '^Connection received on ' ||
	    fail "the client did not come"
	child=$(pgrep -P "$BG_PID" | head -n 1)
	ARGS_SEEN=$(ps -o args= -p "$child")
	exec 7>&- 8>&-
	sc_cleanup
	rm -f "$SC_TMP/silent.in" "$SC_TMP/cli.in"
}

# Every user can read a command line (ps, /proc/PID/cmdline): a password
# given there is hidden as soon as it has been read, as curl hides its
# own; the user and the proxy stay to be seen.
test_password_hidden_from_ps() {
	command -v pgrep >/dev/null || { sc_skip "pgrep not installed"; return; }
	hidden -X connect --proxy-auth alice:s3cret -x 127.0.0.1:%s
	assertContains "$ARGS_SEEN" "--proxy-auth alice:****** -x"
	assertNotContains "$ARGS_SEEN" "s3cret"
	hidden -x 'socks5://alice:s3cret@127.0.0.1:%s'
	assertContains "$ARGS_SEEN" "socks5://alice:******@127.0.0.1:"
	assertNotContains "$ARGS_SEEN" "s3cret"
	hidden -x 'http://alice:p@ss:w@127.0.0.1:%s'
	assertContains "a password with @ and :" "$ARGS_SEEN" \
	    "http://alice:******@127.0.0.1:"
}

# pair_args ADDRESS: what ps(1) shows of the command line of an address
# pair that listens (tcp-l:) and would open ADDRESS for its client, in
# ARGS_SEEN, read from /proc once it listens.
pair_args() {
	local pid

	server pair tcp-l:127.0.0.1:0 "$1" || fail "no pair: $1"
	pid=$(pgrep -P "$SERVER_PID" | head -n 1)
	ARGS_SEEN=$(tr '\0' ' ' </proc/"$pid"/cmdline)
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
}

# An address's passwords are hidden however they are written: an
# option's name in any case, socat's spellings, quotes and brackets, and every
# URL in it, not only the first (a ws:// URL's proxy=, its ?token=).
test_address_passwords_hidden_from_ps() {
	command -v pgrep >/dev/null || { sc_skip "pgrep not installed"; return; }
	pair_args 'PROXY:127.0.0.1:192.0.2.1:80,proxyport=1,PROXYAUTH=alice:pw-1'
	assertContains "$ARGS_SEEN" ",PROXYAUTH=alice:**** "
	pair_args 'PROXY:127.0.0.1:192.0.2.1:80,proxyport=1,Proxy-Auth=alice:pw-2'
	assertContains "$ARGS_SEEN" ",Proxy-Auth=alice:**** "
	pair_args 'PROXY:127.0.0.1:192.0.2.1:80,proxyport=1,proxy-authorization="alice:pw,3"'
	assertContains "socat's quotes" "$ARGS_SEEN" \
	    ',proxy-authorization="alice:***** '
	# socat's brackets hold a ',' as its quotes do: all of it hidden.
	pair_args 'PROXY:127.0.0.1:192.0.2.1:80,proxyport=1,proxyauth=alice:p[w,8]x,crlf'
	assertContains "socat's brackets" "$ARGS_SEEN" \
	    ',proxyauth=alice:*******,crlf '
	pair_args 'ws://127.0.0.1:1/,proxy=http://alice:pw-4@127.0.0.1:2'
	assertContains "$ARGS_SEEN" "proxy=http://alice:****@127.0.0.1:2 "
	pair_args 'ws://bob:pw-5@127.0.0.1:1/p?a=1&token=tok-6,proxy=socks5://alice:pw-7@127.0.0.1:2'
	assertContains "every URL" "$ARGS_SEEN" "ws://bob:****@127.0.0.1:1/p?a=1&token=*****,proxy=socks5://alice:****@127.0.0.1:2 "
	assertNotContains "$ARGS_SEEN" "pw-"
	assertNotContains "$ARGS_SEEN" "tok-"
}

# SOCKCAT_PROXY_AUTH keeps the credentials out of the command line, as
# --proxy-auth's value; the command line's own win.  No program sockcat
# starts sees the variable.
test_credentials_from_the_environment() {
	local port

	port=$(px $PX_BASIC)
	SOCKCAT_PROXY_AUTH=alice:s3cret run sc "$SC" -N -X connect \
	    -x "127.0.0.1:$port" 192.0.2.1 80
	assertEquals "status" 0 "$STATUS"
	assertEquals "tunnel open" "$(<"$SC_TMP/sc.out")"
	assertContains "$(pxlog $PX_BASIC)" \
	    "Proxy-Authorization: Basic YWxpY2U6czNjcmV0"
	port=$(px $PX_BASIC)
	SOCKCAT_PROXY_AUTH=alice:wrong run sc "$SC" -N -X connect \
	    -x "127.0.0.1:$port" --proxy-auth alice:s3cret 192.0.2.1 80
	assertEquals "the command line's win" 0 "$STATUS"
	port=$(px $PX_BASIC)
	SOCKCAT_PROXY_AUTH=alice:wrong run sc "$SC" -N -X connect \
	    -x "127.0.0.1:$port" 192.0.2.1 80
	assertEquals "wrong" 1 "$STATUS"
	assertEquals "sockcat: Proxy authentication failed" \
	    "$(<"$SC_TMP/sc.err")"
	SOCKCAT_PROXY_AUTH=alice:s3cret server prog -l 127.0.0.1 0 \
	    -c 'echo "[${SOCKCAT_PROXY_AUTH-unset}]"' || fail "no server"
	t 10 "$SC" 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/prog.got"
	assertEquals "not passed on" "[unset]" "$(<"$SC_TMP/prog.got")"
}

sc_run_shunit2
