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
	# Case does not make a name another; nor may one take a user id.
	say 8 '/nick bob\n'
	say 8 '/nick user1\n'
	say 8 '/nick USER2\n'
	wait_for "$SC_TMP/c1.out" 'now known as <USER2>' 15 ||
	    fail "own name in another case refused"
	assertEquals "bob is taken" 1 "$(grep -c \
	    '^<announce> The name bob is taken\.$' "$SC_TMP/c2.out")"
	# <user1> renamed itself: the name is free again.
	assertEquals "user1 is free" 1 "$(grep -c 'now known as <user1>' \
	    "$SC_TMP/c1.out")"
	# A newcomer never gets a name someone took.
	say 7 '/nick user3\n'
	wait_for "$SC_TMP/c2.out" 'now known as <user3>' 15 || fail "user3"
	client c3 9
	wait_for "$SC_TMP/c3.out" 'Welcome' 15 || fail "no welcome"
	assertEquals "skipped a taken id" 1 "$(grep -c 'you are <user4>' \
	    "$SC_TMP/c3.out")"
	assertEquals "told who" "<announce> Present: <user3>, <USER2>." \
	    "$(sed -n 2p "$SC_TMP/c3.out")"
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
