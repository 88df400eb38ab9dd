#!/bin/bash
# --room commands: /who to the asker only, /nick with validation and
# uniqueness, /me, /help, the newcomer told who is present, unknown
# /lines relayed unchanged, and the operator's lines never commands.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"

# A room with two clients, c1 (<user1>) and c2 (<user2>), on FDs 7 and 8.
two_clients() {
	console srv 6
	server srv -n --room 127.0.0.1 0 || fail "no server"
	client c1 7
	wait_for "$SC_TMP/c1.out" 'Welcome' 15 || fail "no welcome"
	client c2 8
	wait_for "$SC_TMP/c1.out" 'as <user2>\.$' 15 || fail "no c2"
	wait_for "$SC_TMP/c2.out" '^<announce> Present' 15 || fail "no list"
}

test_newcomer_told_who_is_present() {
	two_clients
	assertEquals "c2 is told" "<announce> Present: <user1>." \
	    "$(sed -n 2p "$SC_TMP/c2.out")"
	assertEquals "c1 was alone: no list" 0 \
	    "$(grep -c Present "$SC_TMP/c1.out")"
}

test_who_goes_to_the_asker_only() {
	two_clients
	say 8 '/who\n'
	wait_for "$SC_TMP/c2.out" '^<announce> Present: <user1>, <user2> \(you\)\.$' 15 ||
	    fail "no /who answer: $(<"$SC_TMP/c2.out")"
	# A marker line after it: c1 hears it, and never the /who.
	say 8 'marker\n'
	wait_for "$SC_TMP/c1.out" '^<user2> marker$' 15 || fail "no marker"
	assertEquals "c1 heard nothing of /who" 0 \
	    "$(grep -c -e who -e 'Present: <user1>, ' "$SC_TMP/c1.out")"
	assertEquals "nor the console" 0 "$(grep -c who "$SC_TMP/srv.out")"
}

test_nick_renames_and_room_is_told() {
	two_clients
	say 7 '/nick alice_1-x\n'
	wait_for "$SC_TMP/c2.out" 'is now known' 15 || fail "not told"
	assertEquals "<announce> <user1> is now known as <alice_1-x>." \
	    "$(grep 'now known' "$SC_TMP/c2.out")"
	assertEquals "the asker too" 1 "$(grep -c 'now known as <alice_1-x>' \
	    "$SC_TMP/c1.out")"
	say 7 'hi\n'
	wait_for "$SC_TMP/c2.out" '^<alice_1-x> hi$' 15 || fail "old name used"
	wait_for "$SC_TMP/srv.out" '^<alice_1-x> hi$' 15 || fail "console"
}

# Has c1 been told at least $1 times that a name was refused?
refusals_reach() {
	[ "$(grep -c '^<announce> A name is 1 to 20' "$SC_TMP/c1.out")" -ge "$1" ]
}

test_nick_validation() {
	two_clients
	# Too long, bad characters, empty, a space inside, a control byte.
	say 7 '/nick abcdefghijklmnopqrstu\n'
	say 7 '/nick bad!name\n'
	say 7 '/nick\n'
	say 7 '/nick two words\n'
	say 7 '/nick a\033b\n'
	say 7 '/nick abcdefghijklmnopqrst\n'
	wait_for "$SC_TMP/c2.out" 'now known as <abcdefghijklmnopqrst>' 15 ||
	    fail "20 characters refused"
	# The asker's own answers may still be on their way.
	wait_until -t 15 refusals_reach 5
	assertEquals "five refusals" 5 "$(grep -c \
	    '^<announce> A name is 1 to 20 letters, digits, - or _\.$' \
	    "$SC_TMP/c1.out")"
	assertEquals "only one rename" 1 "$(grep -c 'now known' \
	    "$SC_TMP/c2.out")"
	assertEquals "refusals to the asker only" 0 "$(grep -c 'A name is' \
	    "$SC_TMP/c2.out")"
}

test_nick_must_be_unique() {
	two_clients
	say 7 '/nick Bob\n'
	wait_for "$SC_TMP/c2.out" 'now known as <Bob>' 15 || fail "no rename"
	# Case does not make a name another.
	say 8 '/nick bob\n'
	say 8 '/nick BoB_\n'
	wait_for "$SC_TMP/c1.out" 'now known as <BoB_>' 15 ||
	    fail "another name refused"
	assertEquals "bob is taken" 1 "$(grep -c \
	    '^<announce> The name bob is taken\.$' "$SC_TMP/c2.out")"
	# Bob's own name in another case is still Bob's.
	say 7 '/nick BOB\n'
	wait_for "$SC_TMP/c2.out" 'now known as <BOB>' 15 || fail "own name"
	client c3 9
	wait_for "$SC_TMP/c3.out" 'Welcome' 15 || fail "no welcome"
	assertEquals "ids in order" 1 "$(grep -c 'you are <user3>' \
	    "$SC_TMP/c3.out")"
	assertEquals "told who" "<announce> Present: <BOB>, <BoB_>." \
	    "$(sed -n 2p "$SC_TMP/c3.out")"
}

# Has c2 been told at least $1 times that a name is the server's?
reserved_reach() {
	[ "$(grep -c '^<announce> The name .* is reserved' \
	    "$SC_TMP/c2.out")" -ge "$1" ]
}

# A member named announce or server could make its lines look like the
# server's ("<announce> <user1> is disconnected."), and one named user1
# (present, gone, or not yet there) like another member's.  These names
# are the server's, in any case; the asker alone is told.
test_server_names_reserved() {
	two_clients
	for n in announce server Announce SERVER user1 USER1 user2 user3 \
	    User99 user007; do
		say 8 "/nick $n\\n"
	done
	wait_until -t 15 reserved_reach 10
	assertEquals "all refused" 10 "$(grep -c \
	    "^<announce> The name [A-Za-z0-9]* is reserved: announce, server \
and user with digits are the server's\.$" "$SC_TMP/c2.out")"
	assertEquals "announce refused" 1 "$(grep -c \
	    '^<announce> The name announce is reserved' "$SC_TMP/c2.out")"
	# What would have been a forged announcement is c2's own line.
	say 8 '<user1> is disconnected.\n'
	wait_for "$SC_TMP/c1.out" '^<user2> <user1> is disconnected\.$' 15 ||
	    fail "not relayed as user2's"
	assertEquals "nobody renamed" 0 "$(cat "$SC_TMP/c1.out" \
	    "$SC_TMP/srv.out" | grep -c 'now known')"
	assertEquals "refusals to the asker only" 0 "$(grep -c reserved \
	    "$SC_TMP/c1.out")"
	# Names that only look like them are free.
	say 8 '/nick user\n'
	wait_for "$SC_TMP/c1.out" 'now known as <user>\.$' 15 || fail "user"
	say 8 '/nick user1x\n'
	wait_for "$SC_TMP/c1.out" 'now known as <user1x>\.$' 15 ||
	    fail "user1x"
	say 8 '/nick servers\n'
	wait_for "$SC_TMP/c1.out" 'now known as <servers>\.$' 15 ||
	    fail "servers"
}

# A /nick line of 10 KB is one line: refused once, and nothing of it
# past 4096 bytes goes to anyone as a message.  Its sender is told.
test_overlong_line_is_one_line() {
	two_clients
	{ printf '/nick '; head -c 10240 /dev/zero | tr '\0' n; echo; } >&7
	say 7 'marker\n'
	wait_for "$SC_TMP/c2.out" '^<user1> marker$' 15 || fail "no marker"
	wait_for "$SC_TMP/c1.out" '^<announce> Your line was longer' 15 ||
	    fail "sender not told"
	assertEquals "one refusal" 1 "$(grep -c '^<announce> A name is' \
	    "$SC_TMP/c1.out")"
	assertEquals "told once" "<announce> Your line was longer than 4096 \
bytes: only its first 4096 were relayed." \
	    "$(grep 'Your line' "$SC_TMP/c1.out")"
	assertEquals "nothing of it relayed" "<user1> marker" \
	    "$(grep '^<user1>' "$SC_TMP/c2.out")"
	assertEquals "nor shown" "<user1> marker" \
	    "$(grep '^<user1>' "$SC_TMP/srv.out")"
}

test_me_and_help() {
	two_clients
	say 7 '/me waves \033[2J\n'
	wait_for "$SC_TMP/c2.out" '^\* user1 waves' 15 || fail "no action"
	assertEquals "escaped" '* user1 waves \x1b[2J' \
	    "$(grep '^\*' "$SC_TMP/c2.out")"
	say 7 '/help\n'
	wait_for "$SC_TMP/c1.out" '^<announce> Commands: ' 15 || fail "no help"
	for w in /who /nick /me /help :q; do
		assertEquals "help names $w" 1 "$(grep -c -- "Commands:.* $w " \
		    "$SC_TMP/c1.out")"
	done
	say 7 'after\n'
	wait_for "$SC_TMP/c2.out" '^<user1> after$' 15 || fail "no marker"
	assertEquals "help to the asker only" 0 "$(grep -c Commands \
	    "$SC_TMP/c2.out")"
}

test_unknown_slash_lines_relayed() {
	two_clients
	say 7 '/etc/passwd\n/whoami\n/nickname x\n /who\n/WHO\n'
	wait_for "$SC_TMP/c2.out" '^<user1> /WHO$' 15 || fail "not relayed"
	assertEquals "<user1> /etc/passwd
<user1> /whoami
<user1> /nickname x
<user1>  /who
<user1> /WHO" "$(grep '^<user1>' "$SC_TMP/c2.out")"
}

test_operator_lines_are_text() {
	two_clients
	say 6 '/nick boss\n/who\n'
	wait_for "$SC_TMP/c1.out" '^<server> /who$' 15 || fail "not relayed"
	assertEquals "<server> /nick boss
<server> /who" "$(grep '^<server>' "$SC_TMP/c1.out")"
}

sc_run_shunit2
