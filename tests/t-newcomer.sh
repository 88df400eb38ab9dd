#!/bin/bash
# A newcomer's first half hour, as the README leads one through it, on
# terminals a person would use (tmux panes of 40x12 and 120x40, read as
# the screen shows them) and in a browser (headless Chromium): the quick
# start's chat in two terminals, a file sent with --progress, a room
# joined from a browser and from a terminal, three typos each answered
# with one clear line, and a fresh clone with nothing in it that is not
# the project's.  The README's commands are run as printed, with sockcat
# on the PATH as its quick start's "make install" leaves it: the suite
# runs in a network namespace of its own, so that their fixed ports
# (5000, 8080, 9000) are free.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require tmux
sc_private_netns "$@"

README=$(cd "$(dirname "$0")/.." && pwd)/README.md
CDP="${TESTS_DIR:-$(dirname "$0")}/cdp.py"
CHROMIUM=$(command -v chromium || command -v chromium-browser)
TM=sc-newcomer-$$

setUp() {
	sc_tmp
	# The clone's directory, where ./sockcat is the one under test, and
	# the directory "make install" puts it in, first on the PATH.
	mkdir -p "$SC_TMP/clone" "$SC_TMP/bin"
	ln -sf "$SC" "$SC_TMP/clone/sockcat"
	ln -sf "$SC" "$SC_TMP/bin/sockcat"
	printf 'set -g remain-on-exit on\nset -g history-limit 2000\n' \
	    >"$SC_TMP/tmux.conf"
}

tearDown() {
	tmux -L "$TM" kill-server 2>/dev/null
	# A server killed may still be going: the next test has its own.
	TM=sc-newcomer-$$-$((++_sc_tmux))
	[ -n "${BROWSER_PID:-}" ] && stop "$BROWSER_PID"
	BROWSER_PID=""
	sc_remove_tmp
}

# term NAME COLSxROWS COMMAND: a terminal of that size with a shell in
# the clone, where COMMAND is typed, as a person types it (what a command
# prints before tmux has attached its pane may be lost).
term() {
	_size=$2
	if tmux -L "$TM" has-session 2>/dev/null; then
		_new=(new-session)
	else
		_new=(-f "$SC_TMP/tmux.conf" new-session)
	fi
	t 10 tmux -L "$TM" "${_new[@]}" -d -s "$1" -x "${_size%x*}" \
	    -y "${_size#*x}" -c "$SC_TMP/clone" \
	    "env PS1='$ ' ENV=/dev/null PATH='$SC_TMP/bin:$PATH' \
	    timeout -k 2 120 sh -i" || return 1
	see "$1" '^\$$'
	type_line "$1" "$3"
}

# screen NAME: what the terminal shows; on_screen NAME REGEX: a line of
# it matches (extended regular expression).
screen() {
	tmux -L "$TM" capture-pane -p -t "$1" 2>/dev/null
}

on_screen() {
	screen "$1" | grep -Eq -- "$2"
}

# see NAME REGEX: wait until the terminal shows REGEX.
see() {
	wait_until on_screen "$1" "$2" ||
	    fail "$1 never showed /$2/: $(screen "$1")"
}

# type NAME TEXT: type TEXT and Return.
type_line() {
	tmux -L "$TM" send-keys -t "$1" -l "$2" &&
	    tmux -L "$TM" send-keys -t "$1" Enter
}

# The README's command on the line that ends with the comment COMMENT
# (the comment and the blanks before it taken off).
readme_command() {
	grep -F -- "# $1" "$README" | head -n 1 | sed 's/  *#.*//'
}

# The quick start's chat, as printed: one terminal waits (40x12), the
# other calls (120x40); each sees what the other types, marked "< ",
# and ":q" ends both.
test_quick_start_chat_in_two_terminals() {
	wait_cmd=$(readme_command 'one terminal waits for someone to talk to')
	call_cmd=$(readme_command 'another one calls it')
	assertEquals "sockcat --chat" "$wait_cmd"
	assertEquals "sockcat --chat 127.0.0.1" "$call_cmd"
	term alice 40x12 "$wait_cmd"
	see alice 'waiting for someone'
	term bob 120x40 "$call_cmd"
	see bob '^connected to 127\.0\.0\.1 port 5000$'
	see alice '^connected to '
	type_line bob "hi Alice, it's Bob"
	see alice "^< hi Alice, it's Bob$"
	type_line alice 'hello Bob!'
	see bob '^< hello Bob!$'
	type_line bob ':q'
	see bob '^you left 127\.0\.0\.1 port 5000$'
	see alice 'left'
	assertFalse "no error: $(screen alice)$(screen bob)" \
	    "screen alice | grep -q 'sockcat:' || screen bob | grep -q 'sockcat:'"
}

# A file sent with --progress, as the README shows it: the receiver
# first, then the sender, whose terminal shows the line as it goes and
# is left clean at the end; the file arrives whole.
test_file_sent_with_progress() {
	head -c 30000000 /dev/urandom >"$SC_TMP/clone/disk.img"
	term recv 120x40 'sockcat -l 9000 > received.img; echo status $?'
	wait_until sh -c "ss -ltn | grep -q ':9000 '" || fail "no receiver"
	term send 120x40 'sockcat --progress -N 127.0.0.1 9000 < disk.img; echo status $?'
	see send '^status 0$'
	see recv '^status 0$'
	assertTrue "the same file" "cmp -s '$SC_TMP/clone/disk.img' \
	    '$SC_TMP/clone/received.img'"
	assertEquals "the terminal, once done" "$ sockcat --progress -N 127.0.0.1 9000 < disk.img; echo status \$?
status 0
\$" "$(screen send | grep -v '^$')"
}

# browser: a headless Chromium for the room's page, driven by cdp.py.
browser() {
	if [ -z "$CHROMIUM" ]; then
		sc_skip "chromium not installed"
		return 1
	fi
	BROWSER_DIR=$SC_TMP/chromium
	mkdir -p "$BROWSER_DIR"
	timeout -k 2 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --remote-debugging-port=0 --user-data-dir="$BROWSER_DIR" \
	    about:blank >"$BROWSER_DIR.out" 2>&1 8>&- &
	BROWSER_PID=$!
	SC_PIDS="$SC_PIDS $BROWSER_PID"
	wait_until -t 60 test -s "$BROWSER_DIR/DevToolsActivePort" ||
	    { fail "chromium did not start"; return 1; }
}

cdp() {
	t 60 python3 "$CDP" "$BROWSER_DIR" "$@"
}

# The README's room: started as printed, joined from the browser at the
# address the README gives and from a terminal, both ways; the operator's
# terminal shows the two members and their lines, nothing else.
test_room_from_a_browser_and_a_terminal() {
	browser || return
	room_cmd=$(readme_command 'open http://127.0.0.1:8080/')
	join_cmd=$(readme_command 'a terminal joins the same room')
	assertEquals "sockcat --room --websocket 8080" "$room_cmd"
	term room 120x40 "$room_cmd"
	wait_until sh -c "ss -ltn | grep -q ':8080 '" || fail "no room"
	term member 40x12 "$join_cmd"
	see member 'Welcome to the room'
	type_line member 'hello from the terminal'
	cdp go "http://127.0.0.1:8080/" || fail "cdp go"
	cdp wait "document.getElementById('log') !== null &&
	    document.getElementById('log').textContent.includes('Present')" ||
	    fail "the page did not join"
	cdp eval "document.getElementById('line').value = 'hello from the page';
	    document.getElementById('f').requestSubmit(); 'sent'" >/dev/null ||
	    fail "cdp eval"
	see member '<user[0-9]+> hello from the page'
	type_line member 'welcome, page'
	cdp wait "document.getElementById('log').textContent.includes(
	    'welcome, page')" || fail "the page got nothing"
	cdp shot "$SC_TMP/room.png" && sc_keep "$SC_TMP/room.png" room.png
	# The page shows its own line as its own.
	assertEquals "the page's own line" "true" "$(cdp eval \
	    "Array.from(document.getElementById('log').children).some((d) =>
	    d.className === 'me' && d.textContent.endsWith('> hello from the page'))")"
	cdp go about:blank
	see room 'hello from the page$'
	screen room | grep -v '^$' >"$SC_TMP/room.screen"
	# The two who spoke, each announced once.  A browser may also open
	# a spare connection and leave it unused: the room takes it for a
	# silent member after 300 ms (the manual, websocket), which a loaded
	# machine makes likely; it joins and leaves having said nothing.
	_spoke=$(sed -nE 's/^(<user[0-9]+>) hello from the (terminal|page)$/\1/p' \
	    "$SC_TMP/room.screen" | sort -u)
	assertEquals "the operator's terminal, two spoke:
$(<"$SC_TMP/room.screen")" 2 "$(echo "$_spoke" | grep -c .)"
	for _u in $(sed -nE 's/.* is connected as (<user[0-9]+>)\.$/\1/p' \
	    "$SC_TMP/room.screen"); do
		if echo "$_spoke" | grep -qxF "$_u"; then
			continue
		fi
		assertFalse "a member beside the two said something" \
		    "grep -q '^$_u ' '$SC_TMP/room.screen'"
	done
	for _u in $_spoke; do
		assertEquals "$_u announced once" 1 \
		    "$(grep -c "is connected as $_u\.\$" "$SC_TMP/room.screen")"
	done
	assertFalse "no error on the operator's terminal: $(<"$SC_TMP/room.screen")" \
	    "grep -q '^sockcat:' '$SC_TMP/room.screen'"
}

# typo ARGS... -- MESSAGE: the typo, typed on a terminal, gets MESSAGE
# as its only line, status 1.
typo() {
	_args=()
	while [ "$1" != -- ]; do
		_args+=("$1")
		shift
	done
	shift
	(cd "$SC_TMP/clone" && t 10 ./sockcat "${_args[@]}" </dev/null \
	    >"$SC_TMP/typo.out" 2>"$SC_TMP/typo.err")
	assertEquals "${_args[*]}: status" 1 $?
	assertEquals "${_args[*]}: stdout" "" "$(<"$SC_TMP/typo.out")"
	assertEquals "${_args[*]}: the one line" "sockcat: $1" \
	    "$(<"$SC_TMP/typo.err")"
}

# Three typos a newcomer makes, each answered with what was meant.
test_three_typos() {
	typo -X conect -x 127.0.0.1:3128 127.0.0.1 80 -- \
	    "unsupported proxy protocol: conect (use 4, 4a, 5 or connect)"
	typo ws:/127.0.0.1:8080/ -- \
	    "invalid URL: ws:/127.0.0.1:8080/: did you mean ws://127.0.0.1:8080/?"
	typo --chat 5000 -- \
	    "5000 is a port, not a host: to wait for a call on it, sockcat --chat -l 5000"
}

# A fresh clone holds the project and nothing else: no debugging output
# at its top, and its README's first screen is for someone who wants to
# use sockcat: the quick start and the tests' command, no CI jargon.
test_fresh_clone() {
	top=$(cd "$(dirname "$0")/.." && pwd)
	[ -e "$top/.git" ] || { sc_skip "not a git clone"; return; }
	t 60 git clone -q "$top" "$SC_TMP/fresh" ||
	    { fail "git clone"; return; }
	assertEquals "what is at the top" "" "$(cd "$SC_TMP/fresh" &&
	    ls | grep -E '^vg|\.(out|err)$')"
	head -n 60 "$SC_TMP/fresh/README.md" >"$SC_TMP/screen"
	assertTrue "the quick start" "grep -q '^sockcat --chat 127.0.0.1' \
	    '$SC_TMP/screen'"
	assertTrue "the tests" "grep -q '^sh .ci/setup --tests && sh .ci/test' \
	    '$SC_TMP/screen'"
	assertFalse "no CI on the first screen" "grep -qiE \
	    'sanitizer|coverage|valgrind' '$SC_TMP/screen'"
}

sc_run_shunit2
