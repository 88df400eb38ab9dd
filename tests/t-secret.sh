#!/bin/bash
# --secret: TLS 1.3 keyed by a shared code, no certificate.  The right
# code moves data both ways; another code ends the handshake on both
# sides with one line and status 1, and no byte of data passes; a slip in
# a drawn code is said before any connection; a weak code, drawn-looking
# or not, is refused by --via and warned about; a bare --secret on a
# listener draws a code and shows the other side's command; the code
# comes from the environment, a file or the terminal and is blanked from
# ps; openssl's s_client and s_server, given --print-psk's key, are
# either side; nothing of the data is on the wire in the clear; no
# certificate and no other protocol is taken in the code's place.  And
# the modes: -lk with a program (none started for a wrong code), --chat
# on a terminal (the code typed without echo), --broker and --room, and
# --forward with the code on either side.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"
sc_require openssl python3
sc_require_tls

# Two drawn codes (their check computed apart from sockcat, below) and
# the key the first makes, as RFC 5869's HKDF gives it.
CODE=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK
OTHER=ZNDZ-M7ED-S7MT-5EJZ-RS2Y-YSJP-K6HD

# The line each side says when the codes differ, and a pattern for it.
WRONG="sockcat: TLS handshake failed: the other side has another code (--secret)"
WRONG_RE='^sockcat: TLS handshake failed: the other side has another code \(--secret\)$'

# check_code SYMBOLS: the code of 26 symbols, with the check the manual
# describes, as a second implementation computes it.
check_code() {
	python3 -c '
import sys
a = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
v = [a.index(c) for c in sys.argv[1]]
s = sum((i + 1) * x for i, x in enumerate(v)) % 1021
t = "".join(a[x] for x in v + [s >> 5, s & 31])
print("-".join(t[i:i + 4] for i in range(0, 28, 4)))' "$1"
}

# hkdf CODE: the key of a drawn code (its symbols, no dashes).
hkdf() {
	python3 -c '
import hashlib, hmac, sys
prk = hmac.new(b"sockcat --secret v1", sys.argv[1].encode(),
    hashlib.sha256).digest()
print(hmac.new(prk, b"sockcat TLS 1.3 external PSK\x01",
    hashlib.sha256).hexdigest())' "${1//-/}"
}

test_codes_are_checked_as_the_manual_says() {
	assertEquals "$CODE" "$(check_code 8RF3PGE0SJNV7XJWQ426XT28RJ)"
	assertEquals "$OTHER" "$(check_code ZNDZM7EDS7MT5EJZRS2YYSJPK6)"
}

test_print_psk_is_hkdf_of_the_code() {
	t 5 "$SC" --secret="$CODE" --print-psk >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "the key" "$(hkdf "$CODE")" "$(<"$SC_TMP/out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	# Any case, I and L for 1, O for 0, spaces for dashes: one code.
	typed=$(echo "$CODE" | tr 'A-Z-' 'a-z ' | sed 's/0/o/g')
	assertEquals "as typed" "$(hkdf "$CODE")" \
	    "$(t 5 "$SC" --secret="$typed" --print-psk)"
}

test_a_slip_is_said_before_any_connection() {
	# Two neighbours swapped, one symbol changed, one left out: each
	# is told apart from another code, and nothing is dialled (port 1).
	expect_error "the code does not match: check it" \
	    --secret=8RF3-PGE0-SJNV-X7JW-Q426-XT28-RJJK 127.0.0.1 1
	expect_error "the code does not match: check it" \
	    --secret=8RF3-PGE0-SJNV-7XJW-Q426-XT29-RJJK 127.0.0.1 1
	expect_error "the code does not match: check it" \
	    --secret=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJK 127.0.0.1 1
	# No code at all, given or in a file.
	expect_error "--secret: the code is empty" --secret= 127.0.0.1 1
	: >"$SC_TMP/empty"
	expect_error "--secret-file $SC_TMP/empty: the file is empty" \
	    --secret-file "$SC_TMP/empty" 127.0.0.1 1
	# An address's code, blanked in the message as in ps.
	expect_error "tls-l:0,secret=$(printf '%*s' ${#CODE} '' | tr ' ' '*'): the code does not match: check it" \
	    tls-l:0,secret=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJ1 -
}

# secret_server ARGS...: a --secret listener that sends "from server"
# and writes what it receives to srv.out.
secret_server() {
	echo "from server" >"$SC_TMP/srv.in"
	server srv -l "$@" || fail "no server"
}

test_right_code_moves_data_both_ways() {
	secret_server --secret="$CODE" 127.0.0.1 0
	echo "from client" | t 15 "$SC" -N --secret="$CODE" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID" 15
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "from client"
	assertFileEquals "$SC_TMP/c.out" "from server"
	assertEquals "client stderr" "" "$(<"$SC_TMP/c.err")"
	assertTrue "-v: the code was used" \
	    "grep -qx 'TLS peer knows the code (--secret)' '$SC_TMP/srv.err'"
	assertTrue "-v: TLS 1.3" \
	    "grep -qx 'TLS protocol: TLSv1.3' '$SC_TMP/srv.err'"
}

test_wrong_code_passes_nothing_either_way() {
	secret_server --secret="$CODE" 127.0.0.1 0
	echo "from client" | t 15 "$SC" -N --secret="$OTHER" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 1 $?
	wait_exit "$SERVER_PID" 15
	assertEquals "server status" 1 "$WAIT_STATUS"
	assertEquals "client: one line" "$WRONG" "$(<"$SC_TMP/c.err")"
	assertEquals "server: one line" "$WRONG" \
	    "$(grep -v -e '^Listening on ' -e '^Connection received on ' \
	    "$SC_TMP/srv.err")"
	assertEquals "nothing reached the server" "" "$(<"$SC_TMP/srv.out")"
	assertEquals "nothing reached the client" "" "$(<"$SC_TMP/c.out")"
}

test_own_code_goes_through_scrypt_and_a_short_one_is_said() {
	own="correct horse battery staple"
	secret_server --secret="$own" 127.0.0.1 0
	echo "from client" | t 15 "$SC" -N --secret="$own" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID" 15
	assertFileEquals "$SC_TMP/srv.out" "from client"
	assertFileEquals "$SC_TMP/c.out" "from server"
	assertEquals "a long one is not warned about" "" "$(<"$SC_TMP/c.err")"
	# scrypt (N=2^15, r=8, p=1) before HKDF.
	key=$(python3 -c '
import hashlib, hmac, sys
k = hashlib.scrypt(sys.argv[1].encode(), salt=b"sockcat --secret v1",
    n=1 << 15, r=8, p=1, maxmem=64 << 20, dklen=32)
prk = hmac.new(b"sockcat --secret v1", k, hashlib.sha256).digest()
print(hmac.new(prk, b"sockcat TLS 1.3 external PSK\x01",
    hashlib.sha256).hexdigest())' "$own")
	assertEquals "the key" "$key" \
	    "$(t 5 "$SC" --secret="$own" --print-psk 2>/dev/null)"
	t 5 "$SC" --secret=hunter2 --print-psk >/dev/null 2>"$SC_TMP/err"
	assertEquals "a weak one is" "sockcat: --secret: a code of about 9 bits can be guessed offline from a recorded handshake; a listener given a bare --secret draws a strong one" \
	    "$(<"$SC_TMP/err")"
}

# Codes a guesser tries first, each with the most bits it may measure
# (repeats, sequences, keyboard rows, common passwords, words; the
# drawn-looking ones have a valid check, made here by check_code): --via
# refuses each, before any connection, in one line that says what it
# measured, and without --via a drawn-looking one is warned about too.
# Drawn codes, typed in any case, and long codes of one's own are taken.
# (Every code drawn measures as strong: tests/fuzz/secret.c draws 4,096
# in t-fuzz-corpus.sh.)
test_weak_codes_refused_strong_taken() {
	local weak strong code max bits
	weak=(
	    "20 0000-0000-0000-0000-0000-0000-0000"
	    "30 $(check_code ABCDABCDABCDABCDABCDABCDAB)"
	    "20 $(check_code ZZZZZZZZZZZZZZZZZZZZZZZZZZ | tr A-Z a-z)"
	    "30 $(check_code 13579135791357913579135791)"
	    "40 $(check_code QWERTYASDFGHZXCVBNQWERTYAS)"
	    "60 $(check_code 0123456789ABCDEFGHJKMNPQRS)"
	    "20 $(printf '0%.0s' {1..40})"
	    "20 $(printf '1234567890%.0s' 1 2 3 4)"
	    "20 $(printf 'Password1%.0s' 1 2 3 4)"
	    "20 $(printf '!%.0s' {1..26})"
	    "20 P@ssw0rd!P@ssw0rd!P@ssw0rd!"
	    "20 letmein-letmein-letmein-letmein"
	    "20 iloveyou iloveyou iloveyou"
	    "20 qwertyuiopasdfghjklzxcvbnm"
	    "20 1qaz2wsx3edc4rfv5tgb6yhn7ujm"
	    "20 Secret1234!"
	    "30 ZYXWVUTSRQPONMLKJIHGFEDCBA-9876543210"
	    "70 Tr0ub4dor&3"
	    "70 correct horse battery staple"
	)
	for line in "${weak[@]}"; do
		max=${line%% *}
		code=${line#* }
		t 5 "$SC" --via 127.0.0.1:1 --secret="$code" --print-psk \
		    >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "$code: status" 1 $?
		assertEquals "$code: stdout" "" "$(<"$SC_TMP/out")"
		bits=$(sed -En 's/^sockcat: --via: a code of about ([0-9]+) bits could be guessed offline by the relay; give -l or --chat a bare --secret to draw one of 130 bits$/\1/p' \
		    "$SC_TMP/err")
		assertTrue "$code: $(<"$SC_TMP/err")" \
		    "[ -n '$bits' ] && [ $(wc -l <"$SC_TMP/err") = 1 ] && [ '$bits' -le $max ]"
	done
	t 5 "$SC" --secret=0000-0000-0000-0000-0000-0000-0000 --print-psk \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "a drawn-looking code's key" \
	    "$(hkdf 0000-0000-0000-0000-0000-0000-0000)" "$(<"$SC_TMP/out")"
	assertEquals "and the warning" "sockcat: --secret: a code of about 8 bits can be guessed offline from a recorded handshake; a listener given a bare --secret draws a strong one" \
	    "$(<"$SC_TMP/err")"
	strong=("$CODE" "$OTHER" "$(echo "$OTHER" | tr 'A-Z-' 'a-z ')"
	    'kV9#qL2$wX7!mR4@tB8^zN3&hJ6*pD1%'
	    'zq8Rw3Kp9Lm2Xv7Nb4Tc6Yh1Fd5Gs0Jw8uVe'
	    'abyss quench marble hydrant cobalt fiddle saffron tundra gazebo')
	for code in "${strong[@]}"; do
		t 15 "$SC" --via 127.0.0.1:1 --secret="$code" --print-psk \
		    >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "$code: status ($(<"$SC_TMP/err"))" 0 $?
		assertTrue "$code: the key" \
		    "grep -Eqx '[0-9a-f]{64}' '$SC_TMP/out'"
		assertEquals "$code: stderr" "" "$(<"$SC_TMP/err")"
	done
}

test_listener_draws_a_code_and_shows_the_command() {
	secret_server --secret 127.0.0.1 0
	line=$(grep '^On the other side, run: ' "$SC_TMP/srv.err")
	assertTrue "the command: $line" "[[ '$line' =~ ^On\ the\ other\ side,\ run:\ sockcat\ --secret=([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}\ 127\.0\.0\.1\ $PORT$ ]]"
	# Run as shown, it connects.
	read -ra cmd <<<"${line#On the other side, run: sockcat }"
	echo "from client" | t 15 "$SC" -N "${cmd[@]}" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "client status: $(<"$SC_TMP/c.err")" 0 "$_st"
	wait_exit "$SERVER_PID" 15
	assertFileEquals "$SC_TMP/srv.out" "from client"
	assertFileEquals "$SC_TMP/c.out" "from server"
	# Each listener draws its own.
	secret_server --secret 127.0.0.1 0
	assertNotEquals "a new code" "$line" \
	    "$(grep '^On the other side, run: ' "$SC_TMP/srv.err")"
	stop "$SERVER_PID"
	# A chat's other side chats (the SECURITY example of sockcat-tls(7)).
	in_manual -x 'sockcat --chat -l --secret 5000' ||
	    fail "not in the manual"
	in_manual -x 'sockcat --chat --secret=CODE host 5000' ||
	    fail "not in the manual"
	console srv 7
	server srv --chat -l --secret 0 || fail "no server"
	assertTrue "the chat command" "grep -Eqx 'On the other side, run: sockcat --chat --secret=[0-9A-Z-]{34} [^ ]+ $PORT' '$SC_TMP/srv.err'"
	stop "$SERVER_PID"
}

test_code_from_environment_file_and_no_terminal() {
	secret_server --secret="$CODE" -k 127.0.0.1 0
	echo "by env" | SOCKCAT_SECRET=$CODE t 15 "$SC" -N --secret \
	    127.0.0.1 "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "env: status $(<"$SC_TMP/c.err")" 0 "$_st"
	echo "$CODE" >"$SC_TMP/code"
	echo "by file" | t 15 "$SC" -N --secret-file "$SC_TMP/code" \
	    127.0.0.1 "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "file: status $(<"$SC_TMP/c.err")" 0 "$_st"
	wait_lines "$SC_TMP/srv.out" '^by ' 2 || fail "not received"
	assertEquals "both" "by env
by file" "$(<"$SC_TMP/srv.out")"
	# No code and no terminal to ask on: one line, nothing dialled.
	t 5 setsid -w "$SC" --secret 127.0.0.1 "$PORT" </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "no terminal: status" 1 $?
	assertEquals "no terminal" "sockcat: --secret: no code given and no terminal to ask for it on (--secret=CODE, SOCKCAT_SECRET or --secret-file)" \
	    "$(<"$SC_TMP/c.err")"
	stop "$SERVER_PID"
	# The variable is gone for a program sockcat starts.
	SOCKCAT_SECRET=$CODE server env -l --secret 127.0.0.1 0 \
	    -c 'echo "[${SOCKCAT_SECRET-unset}]"' || fail "no server"
	t 15 "$SC" --secret="$CODE" 127.0.0.1 "$PORT" </dev/null \
	    >"$SC_TMP/c.out" 2>&1
	assertEquals "the program does not see it" "[unset]" \
	    "$(<"$SC_TMP/c.out")"
	expect_error "--secret-file $SC_TMP/none: No such file or directory" \
	    --secret-file "$SC_TMP/none" 127.0.0.1 1
}

test_code_is_blanked_from_ps() {
	secret_server --secret="$CODE" 127.0.0.1 0
	args=$(tr '\0' ' ' </proc/"$(pgrep -P "$SERVER_PID" -x sockcat)"/cmdline)
	assertNotContains "not in ps: $args" "$args" "$CODE"
	assertContains "blanked: $args" "$args" \
	    "--secret=$(printf '%*s' ${#CODE} '' | tr ' ' '*')"
	stop "$SERVER_PID"
}

test_openssl_s_client_to_sockcat() {
	secret_server --secret="$CODE" 127.0.0.1 0
	key=$(t 5 "$SC" --secret="$CODE" --print-psk)
	held_stdin c.in 8
	bg_in "$SC_TMP/c.in" t 20 openssl s_client -psk "$key" -quiet \
	    -no_ign_eof -connect "127.0.0.1:$PORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	echo "from openssl" >&8
	wait_for "$SC_TMP/c.out" '^from server$' || fail "nothing received"
	wait_for "$SC_TMP/srv.out" '^from openssl$' || fail "nothing sent"
	exec 8>&-
	wait_exit "$SERVER_PID" 15
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertTrue "-v: TLS 1.3 with the code" \
	    "grep -qx 'TLS peer knows the code (--secret)' '$SC_TMP/srv.err'"
	# Another key: refused, with the server's one line.
	secret_server --secret="$CODE" 127.0.0.1 0
	echo "from openssl" | t 20 openssl s_client -quiet -no_ign_eof \
	    -psk "$(hkdf "$OTHER")" -connect "127.0.0.1:$PORT" \
	    >"$SC_TMP/c.out" 2>/dev/null
	wait_exit "$SERVER_PID" 15
	assertEquals "server status" 1 "$WAIT_STATUS"
	assertTrue "said" "grep -qxF '$WRONG' '$SC_TMP/srv.err'"
	assertEquals "nothing sent" "" "$(<"$SC_TMP/srv.out")"
	assertEquals "nothing received" "" "$(<"$SC_TMP/c.out")"
}

test_sockcat_to_openssl_s_server() {
	key=$(t 5 "$SC" --secret="$CODE" --print-psk)
	# -rev: each line comes back reversed.
	bg t 60 openssl s_server -accept 127.0.0.1:0 -nocert -psk "$key" \
	    -psk_identity sockcat -rev -naccept 1 </dev/null \
	    >"$SC_TMP/ss.out" 2>&1
	wait_for "$SC_TMP/ss.out" '^ACCEPT ' || fail "no s_server"
	sport=$(sed -n 's/^ACCEPT 127\.0\.0\.1://p' "$SC_TMP/ss.out")
	held_stdin c.in 8
	bg_in "$SC_TMP/c.in" t 20 "$SC" --secret="$CODE" 127.0.0.1 "$sport" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	echo "over psk" >&8
	wait_for "$SC_TMP/c.out" '^ksp revo$' || fail "not reversed"
	exec 8>&-
	stop "$BG_PID"
	assertEquals "reversed by s_server" "ksp revo" "$(<"$SC_TMP/c.out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/c.err")"
}

test_no_certificate_and_no_other_protocol_instead() {
	# A --secret client and a certificate server: refused, nothing sent.
	echo "from server" >"$SC_TMP/srv.in"
	server srv -l --ssl 127.0.0.1 0 || fail "no server"
	echo "from client" | t 15 "$SC" -N --secret="$CODE" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 1 $?
	assertEquals "client" "sockcat: TLS handshake failed: the other side did not use the code (--secret): certificate verify failed" \
	    "$(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID" 15
	assertEquals "nothing sent" "" "$(<"$SC_TMP/srv.out")"
	assertEquals "nothing received" "" "$(<"$SC_TMP/c.out")"
	# A plain --ssl client and a --secret server: refused.
	secret_server --secret="$CODE" 127.0.0.1 0
	echo "from client" | t 15 "$SC" -N --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 1 $?
	wait_exit "$SERVER_PID" 15
	assertEquals "server status" 1 "$WAIT_STATUS"
	assertTrue "server said" "grep -q '^sockcat: TLS handshake failed: the other side did not use the code (--secret): ' '$SC_TMP/srv.err'"
	assertEquals "nothing sent" "" "$(<"$SC_TMP/srv.out")"
	assertEquals "nothing received" "" "$(<"$SC_TMP/c.out")"
	# TLS 1.2 is never spoken: openssl's client asking for it fails.
	secret_server --secret="$CODE" 127.0.0.1 0
	echo x | t 20 openssl s_client -tls1_2 -quiet -no_ign_eof \
	    -psk "$(hkdf "$CODE")" -connect "127.0.0.1:$PORT" \
	    >"$SC_TMP/c.out" 2>/dev/null
	wait_exit "$SERVER_PID" 15
	assertEquals "TLS 1.2: server status" 1 "$WAIT_STATUS"
	assertEquals "nothing sent" "" "$(<"$SC_TMP/srv.out")"
}

# The bytes on the wire, through a relay that logs them raw (-o): the
# data of either direction is nowhere in them.
test_no_plaintext_on_the_wire() {
	secret_server --secret="$CODE" 127.0.0.1 0
	sport=$PORT
	server relay -l 127.0.0.1 0 -o "$SC_TMP/wire" \
	    -c "exec '$SC' 127.0.0.1 $sport" || fail "no relay"
	echo "from client" | t 15 "$SC" -N --secret="$CODE" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID" 15
	assertFileEquals "$SC_TMP/c.out" "from server"
	assertTrue "something logged" "[ -s '$SC_TMP/wire' ]"
	assertFalse "client's data not in clear" \
	    "grep -aq 'from client' '$SC_TMP/wire'"
	assertFalse "server's data not in clear" \
	    "grep -aq 'from server' '$SC_TMP/wire'"
}

test_refused_where_it_cannot_work() {
	expect_error "--secret over UDP needs DTLS 1.3, which this OpenSSL does not have" \
	    -u --secret="$CODE" 127.0.0.1 1
	expect_error "--secret over UDP needs DTLS 1.3, which this OpenSSL does not have" \
	    "dtls:127.0.0.1:1,secret=$CODE" -
	for o in --ssl-verify "--ssl-pin=$(printf '%064d' 0)" \
	    --ssl-cert=/dev/null --ssl-ciphers=x; do
		expect_error "--secret uses no certificate: cannot use it with --ssl-cert, --ssl-key, --ssl-verify, --ssl-pin, --ssl-trustfile or --ssl-ciphers" \
		    --secret="$CODE" "$o" 127.0.0.1 1
	done
	expect_error "must use --secret with --print-psk" --print-psk
	expect_error "--secret: neither address speaks TLS (tls:, tls-l:)" \
	    --secret="$CODE" tcp-l:0 -
	# A weak code's warning waits for a command line that is taken:
	# the line that refuses one comes alone.
	expect_error "--secret: neither address speaks TLS (tls:, tls-l:)" \
	    --secret=hunter2 tcp-l:0 exec:cat
	expect_error "must use -e or -c with --pty" --secret=hunter2 --pty -l 0
}

# --- The modes ----------------------------------------------------------

# A listener with -k and a program: a right code is served, a wrong one
# gets one line and starts no program, and the listener goes on.
test_keep_open_with_a_program() {
	server srv -lk --secret="$CODE" 127.0.0.1 0 \
	    -c "echo start >>'$SC_TMP/prog.log'; echo hello; exec cat" ||
	    fail "no server"
	echo one | t 15 "$SC" -N --secret="$CODE" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c1.out" 2>"$SC_TMP/c1.err"
	_st=$?
	assertEquals "first: status $(<"$SC_TMP/c1.err")" 0 "$_st"
	assertEquals "first" "hello
one" "$(<"$SC_TMP/c1.out")"
	echo two | t 15 "$SC" -N --secret="$OTHER" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c2.out" 2>"$SC_TMP/c2.err"
	assertEquals "wrong: status" 1 $?
	assertEquals "wrong: one line" "$WRONG" "$(<"$SC_TMP/c2.err")"
	assertEquals "wrong: nothing" "" "$(<"$SC_TMP/c2.out")"
	wait_for "$SC_TMP/srv.err" "$WRONG_RE" || fail "server said nothing"
	echo three | t 15 "$SC" -N --secret="$CODE" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c3.out" 2>"$SC_TMP/c3.err"
	assertEquals "third" "hello
three" "$(<"$SC_TMP/c3.out")"
	assertEquals "no program for the wrong code" "start
start" "$(<"$SC_TMP/prog.log")"
	assertTrue "the listener goes on" "kill -0 $SERVER_PID"
	stop "$SERVER_PID"
}

# --chat, the client on a terminal: a bare --secret asks for the code,
# which is not echoed; the conversation goes both ways.  With another
# code the terminal shows one line and the status is 1.
test_chat_on_a_terminal() {
	console srv 7
	server srv --chat -l --secret="$CODE" 127.0.0.1 0 || fail "no server"
	on_tty ch 'expect:Code \(--secret\): ' "send:$CODE\n" \
	    'expect:connected to' 'send:hello there\n' \
	    "fileexpect:$SC_TMP/srv.out:^hello there" 'expect:and back' \
	    'send::q\n' exit:0 -- \
	    "$SC" --chat --secret 127.0.0.1 "$PORT" &
	_ch=$!
	wait_for "$SC_TMP/srv.out" '^hello there$' || fail "not received"
	say 7 'and back\n'
	wait $_ch
	_st=$?
	assertEquals "steps: $(<"$SC_TMP/ch.err")" 0 "$_st"
	assertNotContains "the code is not echoed" "$(tty_text ch)" "$CODE"
	stop "$SERVER_PID"
	hush 7
	# Another code: one line on the terminal, status 1; the listener
	# turns the caller away and waits for the next, as for any failed
	# handshake (an intruder cannot end the chat).
	console srv2 7
	server srv -l --chat --secret="$CODE" 127.0.0.1 0 || fail "no server"
	on_tty cw "exit:1" -- "$SC" --chat --secret="$OTHER" 127.0.0.1 "$PORT"
	_st=$?
	assertEquals "steps: $(<"$SC_TMP/cw.err")" 0 "$_st"
	assertEquals "one line" "$WRONG" "$(tty_text cw | sed '/^$/d')"
	assertTrue "turned away" "wait_for '$SC_TMP/srv.err' \
	    'turned away: TLS handshake failed: the other side has another code'"
	assertTrue "still waiting" "kill -0 $SERVER_PID"
	stop "$SERVER_PID"
}

test_broker_members_share_the_code() {
	server srv --broker --secret="$CODE" 127.0.0.1 0 </dev/null ||
	    fail "no server"
	client c1 7 -N --secret="$CODE" 127.0.0.1 "$PORT"
	client c2 8 -N --secret="$CODE" 127.0.0.1 "$PORT"
	wait_lines "$SC_TMP/srv.err" '^TLS peer knows the code' 2 ||
	    fail "not both in"
	say 7 'secret one\n'
	assertTrue "relayed" "wait_for '$SC_TMP/c2.out' '^secret one$'"
	# Another code: refused; it neither hears nor is heard.
	client w 9 -N --secret="$OTHER" 127.0.0.1 "$PORT"
	say 9 'intruder\n'
	wait_for "$SC_TMP/w.err" "$WRONG_RE" || fail "not refused"
	say 8 'secret two\n'
	assertTrue "relayed" "wait_for '$SC_TMP/c1.out' '^secret two$'"
	assertEquals "the intruder heard nothing" "" "$(<"$SC_TMP/w.out")"
	assertFalse "nobody heard the intruder" \
	    "grep -q intruder '$SC_TMP/c1.out' '$SC_TMP/c2.out'"
}

test_room_members_share_the_code() {
	server srv --room --secret="$CODE" 127.0.0.1 0 </dev/null ||
	    fail "no server"
	client c1 7 -N --secret="$CODE" 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/c1.out" '^<announce> Welcome' || fail "no welcome"
	client w 9 -N --secret="$OTHER" 127.0.0.1 "$PORT"
	say 9 'intruder\n'
	wait_for "$SC_TMP/w.err" "$WRONG_RE" || fail "not refused"
	client c2 8 -N --secret="$CODE" 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/c2.out" '^<announce> Welcome' || fail "no welcome"
	say 8 'hello room\n'
	assertTrue "relayed" \
	    "wait_for '$SC_TMP/c1.out' '^<user[0-9]*> hello room$'"
	assertEquals "the intruder heard nothing" "" "$(<"$SC_TMP/w.out")"
	assertFalse "nobody heard the intruder" \
	    "grep -q intruder '$SC_TMP/c1.out' '$SC_TMP/c2.out' '$SC_TMP/srv.out'"
}

# --forward: the code on the listening side (clients with the code, a
# plain target), and on the target's (tls:...,secret=).
test_forward_with_the_code_on_either_side() {
	echo "from target" >"$SC_TMP/tgt.in"
	server tgt -l 127.0.0.1 0 || fail "no target"
	server fw -lk --secret="$CODE" 127.0.0.1 0 \
	    --forward "127.0.0.1:$PORT" || fail "no forwarder"
	echo "from client" | t 15 "$SC" -N --secret="$CODE" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "client status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertFileEquals "$SC_TMP/c.out" "from target"
	assertFileEquals "$SC_TMP/tgt.out" "from client"
	stop "$SERVER_PID"
	# The target has the code, the forwarder's clients are plain.
	echo "from target" >"$SC_TMP/tgt.in"
	server tgt -l --secret="$OTHER" 127.0.0.1 0 || fail "no target"
	server fw -lk 127.0.0.1 0 \
	    --forward "tls:127.0.0.1:$PORT,secret=$OTHER" || fail "no forwarder"
	args=$(tr '\0' ' ' </proc/"$(pgrep -P "$SERVER_PID" -x sockcat)"/cmdline)
	assertNotContains "not in ps" "$args" "$OTHER"
	echo "from client" | t 15 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "client status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertFileEquals "$SC_TMP/c.out" "from target"
	assertFileEquals "$SC_TMP/tgt.out" "from client"
	assertFalse "not in the log" "grep -qF -- '$OTHER' '$SC_TMP/fw.err'"
	stop "$SERVER_PID"
}

# tls-l:...,secret= and tls:...,secret=: an address pair's own code.
test_address_option() {
	echo "from server" >"$SC_TMP/srv.in"
	server srv "tls-l:127.0.0.1:0,secret=$CODE" - || fail "no server"
	echo "from client" | t 15 "$SC" -N "tls:127.0.0.1:$PORT,secret=$CODE" \
	    - >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	wait_exit "$SERVER_PID" 15
	assertFileEquals "$SC_TMP/srv.out" "from client"
	assertFileEquals "$SC_TMP/c.out" "from server"
}

# secret= in any case, in either grammar, on an address pair and a
# --forward target, is blanked in the command line ps(1) shows, and the
# code still works.
test_address_option_blanked_from_ps() {
	stars=$(printf '%*s' ${#CODE} '' | tr ' ' '*')
	echo "from server" >"$SC_TMP/srv.in"
	server srv "tls-l:127.0.0.1:0,SECRET=$CODE" - || fail "no server"
	args=$(tr '\0' ' ' </proc/"$(pgrep -P "$SERVER_PID" | head -n 1)"/cmdline)
	assertContains "blanked: $args" "$args" "tls-l:127.0.0.1:0,SECRET=$stars -"
	echo "from client" | t 15 "$SC" -N "tls:127.0.0.1:$PORT,Secret=$CODE" \
	    - >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	wait_exit "$SERVER_PID" 15
	assertFileEquals "$SC_TMP/srv.out" "from client"
	server fw -lk 127.0.0.1 0 --forward "TLS:127.0.0.1:1,SeCrEt=$OTHER" \
	    --forward "OPENSSL:127.0.0.1:1,secret='$CODE'" ||
	    fail "no forwarder"
	args=$(tr '\0' ' ' </proc/"$(pgrep -P "$SERVER_PID" | head -n 1)"/cmdline)
	assertNotContains "not in ps: $args" "$args" "$OTHER"
	assertNotContains "not in ps: $args" "$args" "$CODE"
	assertContains "blanked: $args" "$args" "--forward TLS:127.0.0.1:1,SeCrEt=$stars "
	stop "$SERVER_PID"
}

# The manual's shell done safely (SECURITY), as printed but for the
# port: the code drawn, shown, and given.
test_shell_example() {
	in_manual -x 'sockcat -l --secret 2222 -e /bin/sh' ||
	    fail "not in the manual"
	in_manual -x 'sockcat --secret=CODE host 2222' ||
	    fail "not in the manual"
	server srv -l --secret 0 -e /bin/sh </dev/null || fail "no server"
	code=$(sed -n 's/^On the other side, run: sockcat --secret=\([^ ]*\) .*/\1/p' \
	    "$SC_TMP/srv.err")
	echo 'echo "hi from $0"' | t 15 "$SC" -N --secret="$code" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertEquals "the shell" "hi from /bin/sh" "$(<"$SC_TMP/c.out")"
	stop "$SERVER_PID"
}

# A Unix-domain listener draws a code too, and shows the command with -U.
test_unix_listener_shows_its_path() {
	echo "from server" >"$SC_TMP/srv.in"
	server srv -lU --secret "$SC_TMP/s.sock" || fail "no server"
	line=$(grep '^On the other side, run: ' "$SC_TMP/srv.err")
	assertTrue "the command: $line" "[[ '$line' =~ ^On\ the\ other\ side,\ run:\ sockcat\ --secret=[0-9A-Z-]{34}\ -U\ $SC_TMP/s.sock$ ]]"
	read -ra cmd <<<"${line#On the other side, run: sockcat }"
	echo "from client" | t 15 "$SC" -N "${cmd[@]}" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "client status: $(<"$SC_TMP/c.err")" 0 "$_st"
	wait_exit "$SERVER_PID" 15
	assertFileEquals "$SC_TMP/srv.out" "from client"
	assertFileEquals "$SC_TMP/c.out" "from server"
}

sc_run_shunit2
