#!/bin/bash
# TLS versions against openssl s_server and s_client: --ssl-min-version and
# --ssl-max-version both ways, the min-version= and max-version= options
# of tls:, tls-l: and wss: addresses, TLS 1.0 only with --ssl-legacy (and
# its warning), bad values; and SSLKEYLOGFILE, whose secrets must be the
# ones openssl's own key log holds for the same handshake.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require openssl
sc_require_tls

sc_certs

# s_server NAME args...: openssl s_server on a free port for one client,
# its stdin from NAME.in (kept open a few seconds); sets SPORT and
# SSRV_PID.
s_server() {
	_n=$1
	shift
	: >"$SC_TMP/$_n.out"
	bg sh -c "{ cat '$SC_TMP/$_n.in' 2>/dev/null; sleep 15; } | \
	    timeout 20 openssl s_server -accept 127.0.0.1:0 -naccept 1 \
	    -cert '$CERTS/srv.pem' -key '$CERTS/srv.key' $* \
	    >'$SC_TMP/$_n.out' 2>&1"
	SSRV_PID=$BG_PID
	wait_for "$SC_TMP/$_n.out" '^ACCEPT ' || fail "s_server did not start"
	SPORT=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$SC_TMP/$_n.out")
}

# hello NAME args...: "hello" sent with sockcat -v -N args...; status in
# STATUS, stderr in NAME.err.
hello() {
	_n=$1
	shift
	echo hello | t 20 "$SC" -v -N "$@" >"$SC_TMP/$_n.out" \
	    2>"$SC_TMP/$_n.err"
	STATUS=$?
}

test_client_bounds_against_s_server() {
	# A TLS 1.2 server: a client that wants 1.3 at least is refused.
	s_server a -tls1_2
	hello a --ssl-min-version 1.3 127.0.0.1 "$SPORT"
	assertEquals "1.3 from a 1.2 server: status" 1 "$STATUS"
	assertContains "$(<"$SC_TMP/a.err")" "TLS handshake failed: "
	assertContains "$(<"$SC_TMP/a.err")" "protocol version"
	stop "$SSRV_PID"

	# A server of both: --ssl-max-version 1.2 gets 1.2, the default 1.3.
	s_server b
	hello b --ssl-max-version 1.2 127.0.0.1 "$SPORT"
	assertEquals "max 1.2: status" 0 "$STATUS"
	assertContains "$(<"$SC_TMP/b.err")" "TLS protocol: TLSv1.2"
	stop "$SSRV_PID"
	s_server c
	hello c --ssl 127.0.0.1 "$SPORT"
	assertEquals "default: status" 0 "$STATUS"
	assertContains "$(<"$SC_TMP/c.err")" "TLS protocol: TLSv1.3"
	stop "$SSRV_PID"
}

test_server_bounds_against_s_client() {
	server s --ssl-max-version 1.2 -l 127.0.0.1 0 || fail "no server"
	t 20 openssl s_client -connect "127.0.0.1:$PORT" -tls1_3 </dev/null \
	    >"$SC_TMP/c13.out" 2>&1
	assertNotEquals "s_client -tls1_3 to max 1.2: status" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "the server's status" 1 "$WAIT_STATUS"
	assertContains "$(<"$SC_TMP/s.err")" "unsupported protocol"

	server s2 --ssl-min-version 1.3 -l 127.0.0.1 0 || fail "no server"
	t 20 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 </dev/null \
	    >"$SC_TMP/c12.out" 2>&1
	assertNotEquals "s_client -tls1_2 to min 1.3: status" 0 $?
	wait_exit "$SERVER_PID"

	server s3 --ssl-min-version 1.3 -l 127.0.0.1 0 || fail "no server"
	echo "from s_client" | t 20 openssl s_client -quiet -no_ign_eof \
	    -connect "127.0.0.1:$PORT" -tls1_3 >/dev/null 2>&1
	wait_exit "$SERVER_PID"
	assertEquals "1.3 to min 1.3: status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/s3.out" "from s_client"
}

test_address_options() {
	s_server a -tls1_2
	hello a - "tls:127.0.0.1:$SPORT,min-version=1.3"
	assertEquals "tls:,min-version=1.3: status" 1 "$STATUS"
	assertContains "$(<"$SC_TMP/a.err")" "protocol version"
	stop "$SSRV_PID"
	s_server b
	hello b - "tls:127.0.0.1:$SPORT,max-version=1.2"
	assertEquals "tls:,max-version=1.2: status" 0 "$STATUS"
	assertContains "$(<"$SC_TMP/b.err")" "TLS protocol: TLSv1.2"
	stop "$SSRV_PID"

	server l "tls-l:127.0.0.1:0,max-version=1.2" - || fail "no server"
	t 20 openssl s_client -connect "127.0.0.1:$PORT" -tls1_3 </dev/null \
	    >"$SC_TMP/c13.out" 2>&1
	assertNotEquals "tls-l:,max-version=1.2 to -tls1_3: status" 0 $?
	wait_exit "$SERVER_PID"

	for bad in "tls:h:1,min-version=1.4" "wss://h:1/,min-version=tls1.2"; do
		t 5 "$SC" - "$bad" </dev/null >"$SC_TMP/e.out" 2>"$SC_TMP/e.err"
		assertEquals "$bad: status" 1 $?
		assertContains "$bad: said" "$(<"$SC_TMP/e.err")" \
		    "takes 1.0, 1.1, 1.2 or 1.3"
	done
	t 5 "$SC" - "tls:h:1,max-version" </dev/null >"$SC_TMP/e.out" \
	    2>"$SC_TMP/e.err"
	assertEquals "no version: status" 1 $?
	assertContains "no version: said" "$(<"$SC_TMP/e.err")" \
	    "option max-version needs a value"
	t 5 "$SC" - "tcp:h:1,min-version=1.2" </dev/null >"$SC_TMP/e.out" \
	    2>"$SC_TMP/e.err"
	assertEquals "tcp: status" 1 $?
	assertContains "$(<"$SC_TMP/e.err")" \
	    "option min-version does not belong to a tcp: address"
}

test_legacy_only_when_asked() {
	# A device that speaks TLS 1.0 only (and OpenSSL's weak level 0).
	s_server a -tls1 -cipher "DEFAULT:@SECLEVEL=0"
	hello a --ssl 127.0.0.1 "$SPORT"
	assertEquals "TLS 1.0 by default: status" 1 "$STATUS"
	assertContains "$(<"$SC_TMP/a.err")" "TLS handshake failed: "
	stop "$SSRV_PID"
	s_server b -tls1 -cipher "DEFAULT:@SECLEVEL=0"
	hello b --ssl-legacy 127.0.0.1 "$SPORT"
	assertEquals "--ssl-legacy: status" 0 "$STATUS"
	assertContains "$(<"$SC_TMP/b.err")" "TLS protocol: TLSv1
"
	assertEquals "its warning, once" 1 "$(grep -c \
	    '^sockcat: warning: --ssl-legacy: TLS 1.0 and 1.1, weak ciphers and weak keys are allowed$' \
	    "$SC_TMP/b.err")"
	stop "$SSRV_PID"

	for v in "--ssl-min-version 1.0" "--ssl-min-version 1.1" \
	    "--ssl-max-version 1.1"; do
		# shellcheck disable=SC2086
		t 5 "$SC" $v 127.0.0.1 1 </dev/null >"$SC_TMP/e.out" \
		    2>"$SC_TMP/e.err"
		assertEquals "$v: status" 1 $?
		assertEquals "$v: said" \
		    "sockcat: TLS 1.0 and 1.1 are broken: --ssl-legacy allows them" \
		    "$(<"$SC_TMP/e.err")"
	done
}

test_bad_values() {
	for v in 1.4 tls1.2 "" 1; do
		t 5 "$SC" --ssl-min-version "$v" 127.0.0.1 1 </dev/null \
		    >"$SC_TMP/e.out" 2>"$SC_TMP/e.err"
		assertEquals "'$v': status" 1 $?
		assertEquals "'$v': said" \
		    "sockcat: ssl-min-version invalid: $v (1.0, 1.1, 1.2 or 1.3)" \
		    "$(<"$SC_TMP/e.err")"
	done
	t 5 "$SC" --ssl-min-version 1.3 --ssl-max-version 1.2 127.0.0.1 1 \
	    </dev/null >"$SC_TMP/e.out" 2>"$SC_TMP/e.err"
	assertEquals "min above max: status" 1 $?
	assertEquals "min above max: said" \
	    "sockcat: TLS: no version allowed: the minimum is above the maximum" \
	    "$(<"$SC_TMP/e.err")"
	t 5 "$SC" -u --ssl-max-version 1.2 127.0.0.1 1 </dev/null \
	    >"$SC_TMP/e.out" 2>"$SC_TMP/e.err"
	assertEquals "DTLS: status" 1 $?
	assertContains "DTLS: said" "$(<"$SC_TMP/e.err")" \
	    "--ssl-min-version, --ssl-max-version and --ssl-legacy are for TLS, not DTLS (-u)"
}

# The secrets sockcat logs are the ones openssl logs for the same
# handshake: a capture of it can be read.  TLS 1.3 and 1.2 (CLIENT_RANDOM).
test_sslkeylogfile() {
	s_server a -keylogfile "$SC_TMP/srv13.keys"
	SSLKEYLOGFILE=$SC_TMP/c13.keys hello a --ssl 127.0.0.1 "$SPORT"
	assertEquals "1.3: status" 0 "$STATUS"
	stop "$SSRV_PID"
	assertEquals "1.3: five secrets" 5 "$(grep -c . "$SC_TMP/c13.keys")"
	assertEquals "1.3: the server's own" \
	    "$(grep -v '^#' "$SC_TMP/srv13.keys" | sort)" \
	    "$(sort "$SC_TMP/c13.keys")"
	[ "$(stat -c %a "$SC_TMP/c13.keys")" = 600 ] ||
	    fail "mode $(stat -c %a "$SC_TMP/c13.keys")"

	s_server b -tls1_2 -keylogfile "$SC_TMP/srv12.keys"
	SSLKEYLOGFILE=$SC_TMP/c12.keys hello b --ssl 127.0.0.1 "$SPORT"
	assertEquals "1.2: status" 0 "$STATUS"
	stop "$SSRV_PID"
	assertEquals "1.2: CLIENT_RANDOM" 1 "$(grep -c '^CLIENT_RANDOM [0-9a-f]* [0-9a-f]*$' "$SC_TMP/c12.keys")"
	assertEquals "1.2: the server's own" \
	    "$(grep -v '^#' "$SC_TMP/srv12.keys" | sort)" \
	    "$(sort "$SC_TMP/c12.keys")"

	# A file that cannot be opened is said, and costs nothing else.
	s_server c
	SSLKEYLOGFILE=$SC_TMP/no/such hello c --ssl 127.0.0.1 "$SPORT"
	assertEquals "no file: status" 0 "$STATUS"
	assertEquals "no file: said" 1 "$(grep -c \
	    "^sockcat: SSLKEYLOGFILE $SC_TMP/no/such: No such file or directory$" \
	    "$SC_TMP/c.err")"
	stop "$SSRV_PID"

	# Issue 80: nor through another user's link in a directory like /tmp,
	# as every file sockcat makes (t-safety.sh).
	can_be_nobody || { sc_skip "cannot run as user nobody"; return; }
	sticky_dir d
	echo victim >"$SC_TMP/victim"
	as_nobody ln -s "$SC_TMP/victim" "$SC_TMP/d/keys" ||
	    fail "nobody made no link"
	s_server d
	SSLKEYLOGFILE=$SC_TMP/d/keys hello d --ssl 127.0.0.1 "$SPORT"
	assertEquals "a link: status" 0 "$STATUS"
	assertEquals "a link: said" 1 "$(grep -c \
	    "^sockcat: SSLKEYLOGFILE $SC_TMP/d/keys: a symbolic link of another user in a sticky directory, not followed$" \
	    "$SC_TMP/d.err")"
	assertEquals "a link: the victim" victim "$(<"$SC_TMP/victim")"
	stop "$SSRV_PID"
}

. "$SHUNIT2"
