#!/bin/bash
# A running forwarder (-lk --forward) reconfigured by signals: SIGHUP
# reads --allowfile, the TLS certificate and key, and --forward-file
# again for the clients to come, while the connections already open
# carry on byte for byte; a bad file is refused in one line and the old
# one stays; a datagram forwarder's first target is looked up again;
# SIGUSR1 prints the --stats line and the forwarder goes on.  The proxy
# server and programs served with -lk do the same.
# The TLS clients are openssl s_client, which can bind another loopback
# address (127.0.0.3) to be another client for the allow rules.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require openssl
sc_require_tls
sc_certs

# backend NAME: an echo server that first says NAME; its port in BPORT.
backend() {
	server "be$1" -lk 127.0.0.1 0 -c "echo $1; exec cat" ||
	    fail "backend $1 did not start"
	BPORT=$PORT
}

# fingerprint FILE: the SHA-256 fingerprint of the certificate in FILE.
fingerprint() {
	openssl x509 -noout -fingerprint -sha256 -in "$1"
}

# served_cert SOURCE: the fingerprint of the certificate the forwarder on
# FPORT shows a new client from the address SOURCE; empty when refused.
served_cert() {
	t 10 openssl s_client -connect "127.0.0.1:$FPORT" -bind "$1:0" \
	    </dev/null 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha256 2>/dev/null
}

# greeting SOURCE: the line a new client from SOURCE gets first: the
# name of the backend it was forwarded to.
greeting() {
	t 10 "$SC" -N --ssl -s "$1" 127.0.0.1 "$FPORT" </dev/null 2>/dev/null |
	    head -n 1
}

# stream NAME FD: a TLS client of the forwarder, fed by the test through
# FD, what it receives in $SC_TMP/NAME.out.
stream() {
	held_stdin "$1.in" "$2"
	bg_in "$SC_TMP/$1.in" t 60 openssl s_client -quiet -connect \
	    "127.0.0.1:$FPORT" >"$SC_TMP/$1.out" 2>"$SC_TMP/$1.err"
}

# sockcat_of PID: the sockcat that the timeout(1) PID runs (which passes
# SIGHUP on, but dies of SIGUSR1 itself).
sockcat_of() {
	pgrep -P "$1" -x sockcat | head -n 1
}

# hup_lines: how many "SIGHUP:" complaints the forwarder has made.
hup_lines() {
	grep -c '^sockcat: SIGHUP: ' "$SC_TMP/fw.err"
}

test_sighup_rules_certificate_targets() {
	backend A
	pa=$BPORT
	backend B
	pb=$BPORT
	cp "$CERTS/srv.pem" "$SC_TMP/cert.pem"
	cp "$CERTS/srv.key" "$SC_TMP/key.pem"
	printf '127.0.0.1\n127.0.0.3\n' >"$SC_TMP/allow"
	printf '# the backend\n127.0.0.1:%s\n' "$pa" >"$SC_TMP/targets"
	server fw -lk 127.0.0.1 0 --ssl --ssl-cert "$SC_TMP/cert.pem" \
	    --ssl-key "$SC_TMP/key.pem" --allowfile "$SC_TMP/allow" \
	    --forward-file "$SC_TMP/targets" || return
	FPORT=$PORT
	fw=$(sockcat_of "$SERVER_PID")
	assertNotNull "its process" "$fw" || return
	old=$(fingerprint "$CERTS/srv.pem")
	new=$(fingerprint "$CERTS/self.pem")
	assertNotEquals "two certificates" "$old" "$new"
	assertEquals "the first certificate" "$old" "$(served_cert 127.0.0.3)"
	assertEquals "the first target" "A" "$(greeting 127.0.0.1)"

	# Two sessions, streaming: half of their data before the reload.
	half=$((1024 * 1024))
	head -c $((2 * half)) /dev/urandom >"$SC_TMP/data1"
	head -c $((2 * half)) /dev/urandom >"$SC_TMP/data2"
	stream s1 7
	s1=$BG_PID
	stream s2 8
	s2=$BG_PID
	head -c "$half" "$SC_TMP/data1" >&7
	head -c "$half" "$SC_TMP/data2" >&8
	assertTrue "s1 streams" "wait_size '$SC_TMP/s1.out' $((half + 2))"
	assertTrue "s2 streams" "wait_size '$SC_TMP/s2.out' $((half + 2))"

	# New rules (127.0.0.1, the sessions' own address, is left out),
	# a new certificate and a new target.
	printf '127.0.0.3\n' >"$SC_TMP/allow"
	cp "$CERTS/self.pem" "$SC_TMP/cert.pem"
	cp "$CERTS/self.key" "$SC_TMP/key.pem"
	printf '127.0.0.1:%s\n' "$pb" >"$SC_TMP/targets"
	kill -HUP "$fw"
	assertTrue "rules read again" "wait_for '$SC_TMP/fw.err' \
	    '^sockcat: forward: allow and deny rules read again$'"
	assertTrue "certificate read again" "wait_for '$SC_TMP/fw.err' \
	    '^sockcat: forward: certificate read again$'"
	assertTrue "targets read again" "wait_for '$SC_TMP/fw.err' \
	    '^sockcat: forward: 1 targets read again$'"

	# The open sessions go on, byte for byte.
	tail -c +$((half + 1)) "$SC_TMP/data1" >&7
	tail -c +$((half + 1)) "$SC_TMP/data2" >&8
	assertTrue "s1 done" "wait_size '$SC_TMP/s1.out' $((2 * half + 2))"
	assertTrue "s2 done" "wait_size '$SC_TMP/s2.out' $((2 * half + 2))"
	exec 7>&- 8>&-
	stop "$s1" "$s2"
	for n in 1 2; do
		assertEquals "session $n intact" \
		    "$({ echo A; cat "$SC_TMP/data$n"; } | $SHA256)" \
		    "$($SHA256 <"$SC_TMP/s$n.out")"
	done

	# New clients: the new rules, certificate and target.
	assertEquals "127.0.0.1 now refused" "" "$(served_cert 127.0.0.1)"
	assertTrue "-v says so" "wait_for '$SC_TMP/fw.err' \
	    '^(sockcat: )?connection from 127\.0\.0\.1 [0-9]+ denied$'"
	assertEquals "the new certificate" "$new" "$(served_cert 127.0.0.3)"
	assertEquals "the new target" "B" "$(greeting 127.0.0.3)"
	assertEquals "no complaint" 0 "$(hup_lines)"

	# A bad allow file: one line, and the rules in force stay.
	printf '127.0.0.3\n10.0.0.0/33\n' >"$SC_TMP/allow"
	kill -HUP "$fw"
	assertTrue "refused" "wait_lines '$SC_TMP/fw.err' '^sockcat: SIGHUP: ' 1"
	assertEquals "one line" "sockcat: SIGHUP: $SC_TMP/allow, line 2: invalid address or range: 10.0.0.0/33; the old rules stay" \
	    "$(grep '^sockcat: SIGHUP: ' "$SC_TMP/fw.err")"
	assertEquals "127.0.0.3 still served" "B" "$(greeting 127.0.0.3)"
	assertEquals "127.0.0.1 still refused" "" "$(greeting 127.0.0.1)"

	# A bad certificate: one line, and the certificate in force stays.
	printf '127.0.0.3\n' >"$SC_TMP/allow"
	echo "not a certificate" >"$SC_TMP/cert.pem"
	kill -HUP "$fw"
	assertTrue "refused" "wait_lines '$SC_TMP/fw.err' '^sockcat: SIGHUP: ' 2"
	assertTrue "rules read again" "wait_lines '$SC_TMP/fw.err' \
	    '^sockcat: forward: allow and deny rules read again$' 2"
	assertEquals "one more line" 2 "$(hup_lines)"
	assertTrue "about the certificate" "grep -q \
	    '^sockcat: SIGHUP: .*cert.pem.*; the old certificate stays$' \
	    '$SC_TMP/fw.err'"
	assertEquals "the certificate stays" "$new" "$(served_cert 127.0.0.3)"

	# A bad target file: one line, and the targets stay.
	cp "$CERTS/self.pem" "$SC_TMP/cert.pem"
	printf '127.0.0.1:%s\nnowhere\n' "$pa" >"$SC_TMP/targets"
	kill -HUP "$fw"
	assertTrue "refused" "wait_lines '$SC_TMP/fw.err' '^sockcat: SIGHUP: ' 3"
	assertEquals "the line" "sockcat: SIGHUP: $SC_TMP/targets, line 2: nowhere: missing port number; the old targets stay" \
	    "$(grep '^sockcat: SIGHUP: ' "$SC_TMP/fw.err" | tail -n 1)"
	assertEquals "the target stays" "B" "$(greeting 127.0.0.3)"
	assertTrue "still running" "kill -0 $fw"

	# A listening address is no target: one line, and the targets stay.
	printf 'tcp-l:%s\n' "$pa" >"$SC_TMP/targets"
	kill -HUP "$fw"
	assertTrue "refused" "wait_lines '$SC_TMP/fw.err' '^sockcat: SIGHUP: ' 4"
	assertEquals "the tcp-l: line" "sockcat: SIGHUP: $SC_TMP/targets, line 1: tcp-l:$pa: not a target --forward dials (HOST:PORT, tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, serial:, pty:); the old targets stay" \
	    "$(grep '^sockcat: SIGHUP: ' "$SC_TMP/fw.err" | tail -n 1)"
	assertEquals "the target stays after it" "B" "$(greeting 127.0.0.3)"
}

# A datagram forwarder (-u) reads --forward-file again too: its first
# target is looked up again and the peers that come from then on go to
# it; a first target that is no udp: one is refused in one line, and
# the addresses before it stay.
test_sighup_datagram_forwarder() {
	server ba -u -lk 127.0.0.1 0 || fail "no backend a"
	pa=$PORT
	server bb -u -lk 127.0.0.1 0 || fail "no backend b"
	pb=$PORT
	printf 'udp:127.0.0.1:%s\n' "$pa" >"$SC_TMP/targets"
	server fw -u -lk 127.0.0.1 0 --forward-file "$SC_TMP/targets" ||
	    return
	FPORT=$PORT
	fw=$(sockcat_of "$SERVER_PID")
	assertTrue "to a" "wait_until dgram_to ba one"
	printf 'udp:127.0.0.1:%s\n' "$pb" >"$SC_TMP/targets"
	kill -HUP "$fw"
	assertTrue "read again" \
	    "wait_for '$SC_TMP/fw.err' '^sockcat: forward: 1 targets read again$'"
	assertTrue "a new peer to b" "wait_until dgram_to bb two"
	printf 'tcp:127.0.0.1:%s\n' "$pb" >"$SC_TMP/targets"
	kill -HUP "$fw"
	assertTrue "refused" "wait_for '$SC_TMP/fw.err' '^sockcat: SIGHUP: '"
	assertEquals "the line" \
	    "sockcat: SIGHUP: 127.0.0.1 $pb: datagrams go to a udp: target; the old addresses stay" \
	    "$(grep '^sockcat: SIGHUP: ' "$SC_TMP/fw.err")"
	assertTrue "b's address stays" "wait_until dgram_to bb three"
	assertFalse "a got no more" "grep -q 'two\|three' '$SC_TMP/ba.out'"
}

# dgram_to NAME TEXT: a datagram TEXT from a new peer to the forwarder
# on FPORT; has the backend NAME written it?
dgram_to() {
	t 10 $UDPPEER "$FPORT" send "$2" >/dev/null 2>&1
	grep -qx "$2" "$SC_TMP/$1.out"
}

# A target of the family -4 or -6 excludes is refused on SIGHUP as it is
# at the start: it was taken, and each client then failed to reach it.
test_sighup_target_of_the_other_family() {
	backend a
	printf '127.0.0.1:%s\n' "$BPORT" >"$SC_TMP/targets"
	server fw -4 -lk 127.0.0.1 0 --forward-file "$SC_TMP/targets" ||
	    return
	FPORT=$PORT
	fw=$(sockcat_of "$SERVER_PID")
	printf '[::1]:%s\n' "$BPORT" >"$SC_TMP/targets"
	kill -HUP "$fw"
	assertTrue "refused" "wait_lines '$SC_TMP/fw.err' '^sockcat: SIGHUP: ' 1"
	assertEquals "the line" "sockcat: SIGHUP: $SC_TMP/targets, line 1: [::1]:$BPORT: an IPv6 address, with -4; the old targets stay" \
	    "$(grep '^sockcat: SIGHUP: ' "$SC_TMP/fw.err")"
	assertEquals "the old target" "a" \
	    "$(t 10 "$SC" -N 127.0.0.1 "$FPORT" </dev/null | head -n 1)"
	expect_error "$SC_TMP/targets, line 1: [::1]:$BPORT: an IPv6 address, with -4" \
	    -4 -lk 0 --forward-file "$SC_TMP/targets"
}

test_sigusr1_prints_figures_and_goes_on() {
	backend A
	printf '127.0.0.1:%s\n' "$BPORT" >"$SC_TMP/targets"
	server fw -lk 127.0.0.1 0 --forward-file "$SC_TMP/targets" || return
	fw=$(sockcat_of "$SERVER_PID")
	assertNotNull "its process" "$fw" || return
	out=$(echo hello | t 10 "$SC" -N 127.0.0.1 "$PORT")
	assertEquals "forwarded" "A
hello" "$out"
	kill -USR1 "$fw"
	assertTrue "the figures" "wait_for '$SC_TMP/fw.err' \
	    '^sockcat: sent [0-9]+ bytes, received [0-9]+ bytes in [0-9]+\.[0-9]{3} seconds'"
	line=$(grep '^sockcat: sent ' "$SC_TMP/fw.err")
	sent=${line#sockcat: sent }
	sent=${sent%% *}
	# The client's side: A and hello out, hello in.
	assertTrue "bytes counted: $line" "[ $sent -ge 8 ]"
	assertTrue "still running" "still_running $fw 1"
	out=$(echo again | t 10 "$SC" -N 127.0.0.1 "$PORT")
	assertEquals "still forwarding" "A
again" "$out"
	kill -USR1 "$fw"
	assertTrue "twice" "wait_lines '$SC_TMP/fw.err' '^sockcat: sent ' 2"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	assertEquals "no --stats: nothing more at the end" 2 \
	    "$(grep -c '^sockcat: sent ' "$SC_TMP/fw.err")"
}

test_forward_file_refused_at_start() {
	: >"$SC_TMP/empty"
	expect_error "$SC_TMP/empty: no target" -lk 0 \
	    --forward-file "$SC_TMP/empty"
	printf '# comment\n\n127.0.0.1:80\n127.0.0.1:x y\n' >"$SC_TMP/two"
	expect_error "$SC_TMP/two, line 4: one target a line" -lk 0 \
	    --forward-file "$SC_TMP/two"
	# A terminal's escape is no target, nor said back to one as it is.
	printf '127.0.0.1:80\n\033[2J127.0.0.1:81\n' >"$SC_TMP/esc"
	expect_error "$SC_TMP/esc, line 2: a control character: not a target" \
	    -lk 0 --forward-file "$SC_TMP/esc"
	printf '127.0.0.1:70000\n' >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad, line 1: 127.0.0.1:70000: port number too large: 70000" \
	    -lk 0 --forward-file "$SC_TMP/bad"
	expect_error "$SC_TMP/none: No such file or directory" -lk 0 \
	    --forward-file "$SC_TMP/none"
	printf 'exec:cat\n' >"$SC_TMP/exec"
	expect_error "$SC_TMP/exec, line 1: exec:cat: not a target --forward dials (HOST:PORT, tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, serial:, pty:)" \
	    -lk 0 --forward-file "$SC_TMP/exec"
	printf '127.0.0.1:80\n' >"$SC_TMP/one"
	expect_error "--forward-file given twice: one file holds the targets" \
	    -lk 0 --forward-file "$SC_TMP/one" --forward-file "$SC_TMP/one"
	# What is no list of targets at all: a NUL byte, more than 1 MiB.
	printf '127.0.0.1:80\n\0\n' >"$SC_TMP/nul"
	expect_error "$SC_TMP/nul: a NUL byte: not a text file" -lk 0 \
	    --forward-file "$SC_TMP/nul"
	head -c 1100000 /dev/zero | tr '\0' '#' >"$SC_TMP/huge"
	expect_error "$SC_TMP/huge: larger than 1 MiB: not a list of targets" \
	    -lk 0 --forward-file "$SC_TMP/huge"
	# Blanks around a target are no part of it.
	printf ' 127.0.0.1:x \t\n' >"$SC_TMP/blanks"
	expect_error "$SC_TMP/blanks, line 1: 127.0.0.1:x: port number invalid: x" \
	    -lk 0 --forward-file "$SC_TMP/blanks"
}

# A file read again on SIGHUP must be a regular one: a pipe (a shell's
# <(...)), its writer gone, would read as empty (a deny list without its
# rules), and a FIFO waits for a writer that may never come, holding the
# forwarder up.  Each is refused in one line, and what is in force stays.
test_sighup_pipe_read_once() {
	backend A
	mkfifo "$SC_TMP/targets"
	bg t 10 sh -c 'printf "127.0.0.1:%s\n" "$1" >"$2"' sh "$BPORT" \
	    "$SC_TMP/targets"
	server fw -lk 127.0.0.1 0 --forward-file "$SC_TMP/targets" \
	    --denyfile <(echo 127.0.0.3) || return
	FPORT=$PORT
	assertEquals "served" "A" "$(plain_greeting 127.0.0.1)"
	assertEquals "denied" "" "$(plain_greeting 127.0.0.3)"
	kill -HUP "$(sockcat_of "$SERVER_PID")"
	assertTrue "refused" "wait_lines '$SC_TMP/fw.err' '^sockcat: SIGHUP: ' 2"
	assertEquals "the lines" "sockcat: SIGHUP: /dev/fd/N: not a regular file: read once, at start; the old rules stay
sockcat: SIGHUP: $SC_TMP/targets: not a regular file: read once, at start; the old targets stay" \
	    "$(grep '^sockcat: SIGHUP: ' "$SC_TMP/fw.err" |
	    sed 's|/dev/fd/[0-9]*|/dev/fd/N|')"
	assertEquals "still denied" "" "$(plain_greeting 127.0.0.3)"
	assertEquals "still served" "A" "$(plain_greeting 127.0.0.1)"
}

# An allow file emptied (every client taken off, or a file caught while
# it is written) lets no one in, as ncat reads an empty one: the allow
# list is still given, it names no one.  The next reload lets in whom it
# names.
test_sighup_allowfile_emptied() {
	backend A
	printf '127.0.0.1\n' >"$SC_TMP/allow"
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" \
	    --allowfile "$SC_TMP/allow" || return
	FPORT=$PORT
	fw=$(sockcat_of "$SERVER_PID")
	assertEquals "served" "A" "$(plain_greeting 127.0.0.1)"
	assertEquals "not on the list" "" "$(plain_greeting 127.0.0.3)"
	printf '# nobody for now\n' >"$SC_TMP/allow"
	kill -HUP "$fw"
	assertTrue "rules read again" "wait_for '$SC_TMP/fw.err' \
	    '^sockcat: forward: allow and deny rules read again$'"
	assertEquals "127.0.0.3 still refused" "" "$(plain_greeting 127.0.0.3)"
	assertEquals "127.0.0.1 now refused" "" "$(plain_greeting 127.0.0.1)"
	assertTrue "-v says so" "wait_for '$SC_TMP/fw.err' \
	    '^sockcat: connection from 127\.0\.0\.1 [0-9]+ denied$'"
	printf '127.0.0.3\n' >"$SC_TMP/allow"
	kill -HUP "$fw"
	assertTrue "read again" "wait_lines '$SC_TMP/fw.err' \
	    '^sockcat: forward: allow and deny rules read again$' 2"
	assertEquals "127.0.0.3 served" "A" "$(plain_greeting 127.0.0.3)"
}

# With -n a name written into an allow file is refused on SIGHUP as at
# start, not looked up, and the rules in force stay.
test_sighup_name_with_n() {
	backend A
	printf '127.0.0.1\n' >"$SC_TMP/allow"
	server fw -n -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" \
	    --allowfile "$SC_TMP/allow" || return
	printf '127.0.0.1\nlocalhost\n' >"$SC_TMP/allow"
	name_reload_refused 2
	assertEquals "still refused" "" "$(plain_greeting 127.0.0.3)"
}

# name_reload_refused LINE: SIGHUP to the server fw (-n) whose allow file
# now names localhost at LINE: refused in one line, 127.0.0.1 still
# served.
name_reload_refused() {
	FPORT=$PORT
	kill -HUP "$(sockcat_of "$SERVER_PID")"
	assertTrue "refused" "wait_for '$SC_TMP/fw.err' '^sockcat: SIGHUP: '"
	assertEquals "the line" "sockcat: SIGHUP: $SC_TMP/allow, line $1: cannot resolve localhost: -n forbids name lookups; the old rules stay" \
	    "$(grep '^sockcat: SIGHUP: ' "$SC_TMP/fw.err")"
	assertEquals "still served" "A" "$(plain_greeting 127.0.0.1)"
}

# The same for a pair whose rules file came before -n: the pair's gate,
# a copy made from the command line's, knows -n too.
test_sighup_name_with_n_pair() {
	backend A
	printf '127.0.0.1\n' >"$SC_TMP/allow"
	server fw --allowfile "$SC_TMP/allow" -n tcp-l:127.0.0.1:0,fork \
	    "tcp:127.0.0.1:$BPORT" || return
	printf 'localhost\n' >"$SC_TMP/allow"
	name_reload_refused 1
}

# plain_greeting SOURCE: greeting's line, without TLS.
plain_greeting() {
	t 10 "$SC" -N -s "$1" 127.0.0.1 "$FPORT" </dev/null 2>/dev/null |
	    head -n 1
}

# Without -k the forwarder serves one client: SIGHUP ends it, as it ends
# every netcat.
test_sighup_without_k_ends() {
	backend A
	printf '127.0.0.1:%s\n' "$BPORT" >"$SC_TMP/targets"
	server fw -l 127.0.0.1 0 --forward-file "$SC_TMP/targets" || return
	kill -HUP "$(sockcat_of "$SERVER_PID")"
	wait_exit "$SERVER_PID" 10
	assertEquals "died of SIGHUP" 129 "$WAIT_STATUS"
}

# The other servers that go on read their files again too: the proxy
# server, and programs served with -lk; SIGUSR1 gives their figures.  A
# listener of stdio with -k, a terminal's, still ends on SIGHUP.
test_sighup_other_servers() {
	local args word pid
	for args in "-l --proxy-type http" "-lk -e /bin/cat"; do
		word=listener
		case $args in *proxy*) word=proxy ;; esac
		printf '127.0.0.3\n' >"$SC_TMP/allow"
		# shellcheck disable=SC2086
		server srv $args --allowfile "$SC_TMP/allow" --stats \
		    127.0.0.1 0 || { fail "no server: $args"; continue; }
		pid=$(sockcat_of "$SERVER_PID")
		assertEquals "$args: 127.0.0.1 refused" "" \
		    "$(echo hi | t 10 "$SC" -N 127.0.0.1 "$PORT" 2>/dev/null)"
		printf '127.0.0.1\n' >"$SC_TMP/allow"
		kill -HUP "$pid"
		assertTrue "$args: rules read again" "wait_for \
		    '$SC_TMP/srv.err' \
		    '^sockcat: $word: allow and deny rules read again$'"
		case $args in
		*proxy*) assertContains "$args: 127.0.0.1 answered" \
		    "$(t 10 "$SC" -N -X connect -x "127.0.0.1:$PORT" \
		    127.0.0.1 1 </dev/null 2>&1)" "502 Bad Gateway" ;;
		*) assertEquals "$args: 127.0.0.1 served" hi \
		    "$(echo hi | t 10 "$SC" -N 127.0.0.1 "$PORT")" ;;
		esac
		kill -USR1 "$pid"
		assertTrue "$args: figures" "wait_for '$SC_TMP/srv.err' \
		    '^sockcat: sent [0-9]+ bytes, received [0-9]+ bytes'"
		assertTrue "$args: goes on" "kill -0 $pid"
		stop "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null
	done
	server srv -lk 127.0.0.1 0 || return
	kill -HUP "$(sockcat_of "$SERVER_PID")"
	wait_exit "$SERVER_PID" 10
	assertEquals "-lk with stdio died of SIGHUP" 129 "$WAIT_STATUS"
}

tearDown() {
	exec 7>&- 8>&-
	sc_cleanup
	sc_remove_tmp
	endSkipping
}

sc_time_tests
. "$SHUNIT2"
