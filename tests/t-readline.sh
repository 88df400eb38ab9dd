#!/bin/bash
# --readline: a client typed at on a terminal edits its lines (erase, ^U,
# ^W) and brings back the ones sent before with Up and Down; what the
# peer sends while a line is half typed does not mix with it, and what is
# typed after the peer's end is seen; ^D ends what is typed; refused
# without a terminal and beside what it cannot go with; the example of
# the manual; socat's READLINE,history=, the same editor.  In tmux panes
# of 40x12 and 120x40,
# read as a person reads the screen: a line wider than the terminal is
# redrawn in place (messages, Backspace, a new window size), with the
# cursor where it is in the line.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3
TMUX_SOCK=sockcat-rl-$$

tearDown() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	# A server killed may still be going: the next test has its own.
	TMUX_SOCK=sockcat-rl-$$-$((++_sc_tmux))
	if [ "${__shunit_testSuccess:-0}" != 0 ] && [ -n "$SC_TMP" ]; then
		for _f in "$SC_TMP"/*.err "$SC_TMP"/screen; do
			[ -f "$_f" ] && sed "s|^|$(basename "$_f"): |" "$_f"
		done
	fi
	sc_remove_tmp
	endSkipping
}

# say NAME line: NAME sends a line.
say() {
	t 5 sh -c 'printf "%s\n" "$2" >"$1"' sh "$SC_TMP/$1.in" "$2" ||
	    fail "$1 is not reading"
}

# say_half NAME text: NAME sends text with no newline after it.
say_half() {
	t 5 sh -c 'printf "%s" "$2" >"$1"' sh "$SC_TMP/$1.in" "$2" ||
	    fail "$1 is not reading"
}

# serve NAME args...: a sockcat server on 127.0.0.1 port 0 fed by NAME's
# fifo; sets PORT.
serve() {
	_n=$1
	shift
	party "$_n" "$SC" -v -n "$@" -l 127.0.0.1 0
	wait_for "$SC_TMP/$_n.err" '^Listening on ' || fail "no server"
	PORT=$(sed -n 's/^Listening on .* \([0-9][0-9]*\)$/\1/p' \
	    "$SC_TMP/$_n.err")
}

tm() {
	tmux -L "$TMUX_SOCK" -f /dev/null "$@"
}

# pane WxH cmd: run cmd in a tmux pane of W columns and H rows.
pane() {
	command -v tmux >/dev/null || { sc_skip "tmux not installed"; return 1; }
	# Bounded, and killed if it will not end (a sanitizer's exit that
	# hangs with every signal blocked); in the terminal's foreground.
	tm new-session -d -x "${1%x*}" -y "${1#*x}" \
	    "timeout --foreground -k 2 60 $2; sleep 60" ||
	    fail "tmux"
}

# The rows of the pane that show something, its history included (where
# a stale copy of a line would go when the screen is cleared), in the
# file screen.
screen_is() {
	tm capture-pane -p -S - | grep . >"$SC_TMP/screen"
	[ "$(<"$SC_TMP/screen")" = "$1" ]
}
screen_has() {
	tm capture-pane -p >"$SC_TMP/screen"
	grep -Fq -- "$1" "$SC_TMP/screen"
}

# assert_screen what rows...: the pane shows these rows and nothing
# else (blank rows aside), soon.
assert_screen() {
	_what=$1
	shift
	wait_until screen_is "$(printf '%s\n' "$@")"
	assertEquals "$_what" "$(printf '%s\n' "$@")" "$(<"$SC_TMP/screen")"
}

# assert_cursor what X Y: the pane's cursor is at column X of row Y, its
# history's rows counted.
assert_cursor() {
	assertEquals "$1: cursor" "$2 $3" "$(tm display -p \
	    '#{cursor_x} #{e|+:#{cursor_y},#{history_size}}')"
}

# line N: N letters, a to z and again.
line() {
	python3 -c 'import sys; n = int(sys.argv[1]); print("".join(chr(97 + i % 26) for i in range(n)))' "$1"
}

# wrapped SIZE cmd...: in a pane of SIZE (WxH), cmd talks to the server
# srv, shows HEAD (if not empty) first and srv's lines after the prefix
# PFX; a line of 5/3 of the
# width is typed, two messages arrive, Backspace goes back past the
# wrap point, a message arrives again: every time, the screen shows the
# line once, in place, the cursor at its end.
wrapped() {
	_w=${1%x*}
	_size=$1
	shift
	pane "$_size" "$*" || return 0
	wait_for "$SC_TMP/srv.err" '^(connected to|Connection received)' ||
	    fail "not connected"
	_y=0
	if [ -n "$HEAD" ]; then
		wait_until screen_has "$HEAD" || fail "no start"
		_y=1
	fi
	L=$(line $((_w * 5 / 3)))
	tm send-keys -l "$L"
	say srv "hello there"
	say srv "second message"
	assert_screen "a line on two rows" ${HEAD:+"$HEAD"} "${PFX}hello there" \
	    "${PFX}second message" "${L:0:$_w}" "${L:$_w}"
	assert_cursor "at the end" $((${#L} - _w)) $((_y + 3))
	_bs=$((${#L} - _w + 3))
	for _i in $(seq "$_bs"); do
		tm send-keys BSpace
	done
	_l=${L:0:$((${#L} - _bs))}
	assert_screen "Backspace past the wrap point" ${HEAD:+"$HEAD"} \
	    "${PFX}hello there" "${PFX}second message" "$_l"
	assert_cursor "at the end" "${#_l}" $((_y + 2))
	tm send-keys -l "0123456789"
	say srv "third"
	_l=${_l}0123456789
	assert_screen "once more" ${HEAD:+"$HEAD"} "${PFX}hello there" \
	    "${PFX}second message" "${PFX}third" "${_l:0:$_w}" "${_l:$_w}"
	assert_cursor "at the end" $((${#_l} - _w)) $((_y + 4))
	tm send-keys Enter
	assertTrue "sent" "wait_for '$SC_TMP/srv.out' '^${_l}\$'"
}

# Lines typed and edited, recalled with Up and Down, a peer's line shown
# above the half-typed one, a peer's prompt with no newline typed after.
test_lines_edited_and_recalled() {
	on_tty rl listen:tcp accept \
	    'send:hellp\x7fo wurld\x17world\n' 'netexpect:^hello world\n$' \
	    'netsend:from server\n' 'expect:from server\r\n' \
	    'send:junk\x15second\n' 'netexpect:hello world\nsecond\n$' \
	    'send:\x1b[A\x1b[A\n' 'netexpect:second\nhello world\n$' \
	    'send:\x1b[A\x1b[A\x1b[B\x1bOB!\n' 'netexpect:world\n!\n$' \
	    'send:par' 'expect:par' 'netsend:interrupt\n' \
	    'expect:interrupt\r\n\r\x1b\[Kpar' 'send:tial\n' \
	    'netexpect:!\npartial\n$' \
	    'netsend:prompt> ' 'expect:prompt> ' 'send:x\n' \
	    'netexpect:partial\nx\n$' \
	    'send:\x04' 'netsend:after eof\n' 'expect:after eof\r\n' \
	    netclose exit:0 -- "$SC" --readline 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/rl.err")" 0 "$st"
	assertEquals "what the peer received" "hello world
second
hello world
!
partial
x
." "$(cat "$SC_TMP/rl.net"; echo .)"
	# The half-typed line was wiped before the peer's line, shown after.
	esc=$'\e'
	assertTrue "the typed line comes back below" \
	    "tty_text rl | grep -qx '${esc}\[Kpartial'"
}

# Up past the oldest line stays there; Down past the newest brings back
# what was being typed.
test_history_ends() {
	on_tty hi listen:tcp accept \
	    'send:one\n' 'netexpect:one\n' 'send:two\n' 'netexpect:two\n' \
	    'send:draft\x1b[A\x1b[A\x1b[A\x1b[A\n' 'netexpect:two\none\n$' \
	    'send:new\x1b[A\x1b[B\n' 'netexpect:one\nnew\n$' \
	    'send:\x04' netclose exit:0 -- "$SC" --readline 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/hi.err")" 0 "$st"
	assertEquals "what the peer received" "one
two
one
new
." "$(cat "$SC_TMP/hi.net"; echo .)"
}

# The peer ends its sending (its banner said) and still reads: what is
# typed after is seen as it is typed, as nc's terminal shows it, though
# stdout, which had the peer's end, is closed.  It was sent unseen.
test_typing_seen_after_the_peer_ends() {
	for cmd in "$SC --readline" nc.openbsd; do
		[ "$cmd" = nc.openbsd ] && ! command -v nc.openbsd >/dev/null &&
		    continue
		on_tty end listen:tcp accept 'netsend:bye\n' 'expect:bye' \
		    netshut 'send:more\n' 'netexpect:more\n' 'expect:more' \
		    'send:typing\n' 'netexpect:typing\n' 'send:\x04' netclose \
		    exit:0 -- $cmd 127.0.0.1 @PORT@
		st=$?
		assertEquals "$cmd: steps: $(<"$SC_TMP/end.err")" 0 "$st"
		assertEquals "$cmd: the terminal" "bye
more
typing" "$(tty_text end)"
	done
}

# The peer resets the connection while a line is half typed, of one row
# or two, the cursor at its start: the failure is said on a row of its
# own below the line, not on the end of it.
test_failure_said_below_a_line_half_typed() {
	x=$(printf 'x%.0s' {1..100})
	# Each waits for ^A's redraw to end (the cursor back at the line's
	# start) before the reset, or the terminal may be given back before
	# ^A is read, and echo it.
	for line in "half typ" "$x"; do
		case $line in
		half*)	home='\x1b\[Khalf typ\r$' ;;
		*)	home='\x1b\[1A\r$' ;;
		esac
		on_tty rst listen:tcp accept modes:changed "send:$line" \
		    'expect:x{20}$|half typ' 'send:\x01' "expect:$home" \
		    netreset exit:1 modes:same -- "$SC" --readline \
		    127.0.0.1 @PORT@
		st=$?
		assertEquals "${#line}: steps: $(<"$SC_TMP/rst.err")" 0 "$st"
		assertEquals "${#line}: the last row" \
		    "sockcat: read from network: Connection reset by peer" \
		    "$(tty_text rst | tail -n 1)"
		assertEquals "${#line}: the row above it" \
		    "$(printf %s "$line" | tail -c 20)" \
		    "$(tr '\r' '\n' <"$SC_TMP/rst.tty" |
		    sed 's/\x1b\[[0-9]*[A-Z]//g' | grep . | tail -n 2 |
		    head -n 1 | tail -c 21)"
	done
	# A listener's the same.
	port=$(free_port) || fail "no port"
	on_tty lrst "connect:tcp:127.0.0.1:$port" 'netsend:hi\n' 'expect:hi' \
	    'send:half' 'expect:half' netreset exit:1 modes:same -- \
	    "$SC" --readline -l 127.0.0.1 "$port"
	st=$?
	assertEquals "-l: steps: $(<"$SC_TMP/lrst.err")" 0 "$st"
	assertEquals "-l: the last rows" "half
sockcat: read from network: Connection reset by peer" \
	    "$(tty_text lrst | tail -n 2)"
}

# With --reconnect, the history outlives the connection; ^D ends the
# client as usual (-N: the peer is told, so the end is seen before the
# peer closes).
test_with_reconnect() {
	on_tty rr listen:tcp accept 'send:first\n' 'netexpect:first\n' \
	    unlisten 'expect:lost: closed by the peer' relisten accept \
	    'expect:Reconnected' 'send:\x1b[A\n' 'netexpect:first\nfirst\n$' \
	    'send:\x04' neteof netclose exit:0 -- \
	    "$SC" -v -N --readline --reconnect --retry-interval 100ms \
	    127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/rr.err")" 0 "$st"
}

# A pasted line longer than any buffer arrives whole, with no newline the
# user did not type: 3,000 characters, then 70,000 (sent in pieces as it
# is typed, past 64 KiB).
test_long_lines_sent_whole() {
	long_lines
	on_tty ll listen:tcp accept "send:$L1\n" \
	    'netexpect:^[0-9]{3000}\n$' "send:$L2\n" \
	    'netexpect:\n[0-9]{70000}\n$' 'send:\x04' netclose exit:0 -- \
	    "$SC" --readline 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/ll.err")" 0 "$st"
	printf '%s\n%s\n' "$L1" "$L2" >"$SC_TMP/want"
	cmp "$SC_TMP/want" "$SC_TMP/ll.net" ||
	    fail "not whole: $(wc -lc <"$SC_TMP/ll.net")"
}

test_refusals() {
	expect_error "cannot use --readline: standard input is not a terminal" \
	    --readline 127.0.0.1 5000
	expect_error "cannot use --readline: standard input is not a terminal" \
	    --readline -l 5000
	expect_error "--readline edits the lines typed for stdin's peer: it takes no -d" \
	    --readline -d 127.0.0.1 5000
	expect_error "must use --readline, --chat or --room with --readline-history" \
	    --readline-history "$SC_TMP/h" 127.0.0.1 5000
	expect_error "--broker is a mode of its own: it takes no --readline-history" \
	    --broker -l --readline-history "$SC_TMP/h" 5000
	expect_error "--forward reads no stdin and writes no stdout: it takes no --readline" \
	    --forward 127.0.0.1:1 -l --readline 5000
	# A history file that cannot be had: one line, before anything.
	on_tty hd 'expect:sockcat: .*: Is a directory' exit:1 -- \
	    "$SC" --readline --readline-history "$SC_TMP" 127.0.0.1 1
	st=$?
	assertEquals "steps: $(<"$SC_TMP/hd.err")" 0 "$st"
}

# The cursor moves in the line (Left, Right, Home, End in their several
# spellings, with a modifier too, ^A, ^E, ^B, ^F, ESC b, ESC f) over whole
# UTF-8 characters and a tab; Delete, ^D, ^K, ^U and ^W edit around it,
# and do nothing where there is nothing to edit, as other control keys and
# escapes it does not know.
test_keys_move_and_edit() {
	on_tty ke listen:tcp accept \
	    'send:abc\x1b[D\x1b[DX\n' 'netexpect:^aXbc\n$' \
	    'send:abc\x1b[H>\x1b[F<\n' 'netexpect:\n>abc<\n$' \
	    'send:abc\x1bOH1\x1bOF2\x1b[1~3\x1b[4~4\n' \
	    'netexpect:\n31abc24\n$' \
	    'send:abcdef\x01\x1b[3~\x04\x05\x02\x02\x0b\n' \
	    'netexpect:\ncd\n$' \
	    'send:one two three\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x17X\n' \
	    'netexpect:\none Xthree\n$' \
	    'send:left right\x1bb\x15\n' 'netexpect:\nright\n$' \
	    'send:ab cd\x01\x1bf!\x06\x06=\n' 'netexpect:\nab! c=d\n$' \
	    'send:h\xc3\xa9llo\x1b[D\x1b[D\x1b[D\x1b[D\x1b[C\x7f\n' \
	    'netexpect:\nhllo\n$' \
	    'send:a\tb\x01\x1b[1;5C!\n' 'netexpect:\na!\tb\n$' \
	    'send:ab\x0b\x01\x15\x17\x7f\x05\x04\x1b[3~\x07\x1b[Z\x1b[12345~c\n' \
	    'netexpect:\nabc\n$' \
	    'send:\x04' netclose exit:0 -- "$SC" --readline 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/ke.err")" 0 "$st"
}

# --readline-history FILE, as socat's history=: its lines come back with
# Up, each line sent is added at once (^C leaves no time to save), a new
# file is its owner's only, and a long one is cut to the last 100 lines.
test_history_file() {
	printf 'first\nsecond\n' >"$SC_TMP/hist"
	on_tty hf listen:tcp accept 'send:\x1b[A\x1b[A\n' \
	    'netexpect:^first\n$' 'send:new\n' 'netexpect:first\nnew\n$' \
	    "fileexpect:$SC_TMP/hist:\\nnew\\n\$" 'signal:INT' exit:-2 -- \
	    "$SC" --readline --readline-history "$SC_TMP/hist" 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/hf.err")" 0 "$st"
	assertEquals "first
second
first
new" "$(<"$SC_TMP/hist")"
	# Made, its owner's only.
	on_tty hn listen:tcp accept 'send:secret\n' 'netexpect:secret\n' \
	    'send:\x04' netclose exit:0 -- "$SC" --readline \
	    --readline-history "$SC_TMP/new" 127.0.0.1 @PORT@
	_st=$?
	assertEquals "steps: $(<"$SC_TMP/hn.err")" 0 "$_st"
	assertEquals "secret" "$(<"$SC_TMP/new")"
	assertEquals 600 "$(stat -c %a "$SC_TMP/new")"
	# Cut to what is kept.
	seq 1 150 >"$SC_TMP/long"
	on_tty hl listen:tcp accept 'send:\x1b[A\n' 'netexpect:^150\n$' \
	    'send:\x04' netclose exit:0 -- "$SC" --readline \
	    --readline-history "$SC_TMP/long" 127.0.0.1 @PORT@
	_st=$?
	assertEquals "steps: $(<"$SC_TMP/hl.err")" 0 "$_st"
	assertEquals "$(seq 51 150)" "$(<"$SC_TMP/long")"
}

# socat's READLINE,history=FILE TCP:...: stdin's lines edited as with
# --readline, the history file's lines brought back with Up and each line
# sent kept in it.  (Debian's socat is built without READLINE: it says
# "unknown device/address", so there is no comparing with it here.)
test_socat_readline() {
	mkdir "$SC_TMP/bin" && ln -s "$(cd "$(dirname "$SC")" && pwd)/$(
	    )$(basename "$SC")" "$SC_TMP/bin/socat" || fail "no link"
	printf 'first\n' >"$SC_TMP/hist"
	on_tty sr listen:tcp accept 'send:hellp\x7fo\n' \
	    'netexpect:^hello\n$' 'send:\x1b[A\x1b[A\n' \
	    'netexpect:^hello\nfirst\n$' 'send:\x04' netclose exit:0 -- \
	    "$SC_TMP/bin/socat" READLINE,history="$SC_TMP/hist" \
	    TCP:127.0.0.1:@PORT@
	_st=$?
	assertEquals "steps: $(<"$SC_TMP/sr.err")" 0 "$_st"
	assertEquals "what the peer received" "hello
first
." "$(cat "$SC_TMP/sr.net"; echo .)"
	assertEquals "the history file" "first
hello
first" "$(<"$SC_TMP/hist")"
	# Not a terminal: its lines read as they come.
	serve srv
	echo piped | t 10 "$SC_TMP/bin/socat" -u READLINE TCP:127.0.0.1:"$PORT"
	assertEquals "stdin no terminal: status" 0 $?
	assertTrue "stdin no terminal: sent" \
	    "wait_for '$SC_TMP/srv.out' '^piped\$'"
	# With a program, stdin no terminal: its lines read as they come.
	assertEquals "READLINE EXEC:, piped" "piped" "$(echo piped |
	    t 10 "$SC_TMP/bin/socat" READLINE EXEC:cat 2>"$SC_TMP/e")"
	t 10 "$SC_TMP/bin/socat" -u STDIN,history=x TCP:127.0.0.1:1 \
	    </dev/null >/dev/null 2>"$SC_TMP/e"
	assertContains "STDIN,history=: said" "$(<"$SC_TMP/e")" \
	    "history is READLINE's"
	t 10 "$SC_TMP/bin/socat" -u STDIO,noecho=x TCP:127.0.0.1:1 \
	    </dev/null >/dev/null 2>"$SC_TMP/e"
	assertEquals "STDIO,noecho=: status" 1 $?
	assertContains "STDIO,noecho=: said" "$(<"$SC_TMP/e")" \
	    "noecho is READLINE's"
	t 10 "$SC_TMP/bin/socat" -u READLINE,noecho=+a TCP:127.0.0.1:1 \
	    </dev/null >/dev/null 2>"$SC_TMP/e"
	assertEquals "noecho= no regex: status" 1 $?
	assertEquals "noecho= no regex: said" 1 "$(grep -c . "$SC_TMP/e")"
	assertContains "noecho= no regex: said" "$(<"$SC_TMP/e")" \
	    "READLINE,noecho=+a: noecho: Invalid preceding regular expression"
	t 10 "$SC_TMP/bin/socat" -u READLINE,prompt="$(printf '%513s' '>')" \
	    TCP:127.0.0.1:1 </dev/null >/dev/null 2>"$SC_TMP/e"
	assertEquals "prompt= too long: status" 1 $?
	assertContains "prompt= too long: said" "$(<"$SC_TMP/e")" \
	    ": prompt= is 512 bytes at most"
}

# With -l the listener's terminal edits what it sends, the history and
# the peer's lines kept clear of the line typed as for a client.
test_with_listen() {
	port=$(free_port)
	on_tty li "connect:tcp:127.0.0.1:$port" 'send:hellp\x7fo\n' \
	    'netexpect:^hello\n$' 'send:hal' 'expect:hal' \
	    'netsend:from client\n' 'expect:from client\r\n\r\x1b\[Khal' \
	    'send:\x15\x1b[A!\n' 'netexpect:hello\nhello!\n$' \
	    netclose exit:0 -- "$SC" --readline -l 127.0.0.1 "$port"
	st=$?
	assertEquals "steps: $(<"$SC_TMP/li.err")" 0 "$st"
}

# --chat takes --readline (it edits on a terminal anyway) and a history
# file; Up brings back its lines.
test_chat_history() {
	printf 'from before\n' >"$SC_TMP/hist"
	on_tty ch listen:tcp accept 'send:\x1b[A\n' 'netexpect:^from before\n$' \
	    'send:one\n' 'netexpect:one\n' 'send:\x1b[A\x1b[A\x1b[B\n' \
	    'netexpect:before\none\none\n$' 'send::q\n' exit:0 -- \
	    "$SC" --chat --readline --readline-history "$SC_TMP/hist" \
	    127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/ch.err")" 0 "$st"
	assertEquals "from before
one
:q" "$(<"$SC_TMP/hist")"
}

# The manual's example, its host and port the driver's.
test_example() {
	ex="sockcat --readline --reconnect host.example.com 7000"
	assertTrue "in the manual" "in_manual '$ex'"
	ex=${ex/host.example.com 7000/127.0.0.1 @PORT@}
	read -ra cmd <<<"$ex"
	cmd[0]=$SC
	# The client, still running at the end, is ended by the driver.
	on_tty ex listen:tcp accept 'send:hi\n' 'netexpect:hi\n' \
	    'send:\x1b[A\n' 'netexpect:hi\nhi\n$' -- "${cmd[@]}"
	st=$?
	assertEquals "steps: $(<"$SC_TMP/ex.err")" 0 "$st"
}

# resized cmd...: in a pane of 120x40 cmd talks to srv as wrapped()
# says (srv says "welcome" first when there is no HEAD); a line of 67 characters is typed, the window becomes 40x12 (the
# line takes two rows), a message arrives, and it is 120x40 again.
resized() {
	pane 120x40 "$*" || return 0
	wait_for "$SC_TMP/srv.err" '^(connected to|Connection received)' ||
	    fail "not connected"
	# Not on the top row: tmux keeps the cursor's row when it reflows,
	# and what goes above the top is out of anyone's reach.
	if [ -z "$HEAD" ]; then
		HEAD=welcome
		say srv "$HEAD"
	fi
	wait_until screen_has "$HEAD" || fail "no start"
	_y=1
	L=$(line 67)
	tm send-keys -l "$L"
	tm send-keys Left Left Left
	assert_screen "one row" ${HEAD:+"$HEAD"} "$L"
	assert_cursor "on the line" 64 "$_y"
	tm resize-window -x 40 -y 12
	assert_screen "two rows" ${HEAD:+"$HEAD"} "${L:0:40}" "${L:40}"
	assert_cursor "on the line" 24 $((_y + 1))
	say srv "hello there"
	assert_screen "a message" ${HEAD:+"$HEAD"} "${PFX}hello there" \
	    "${L:0:40}" "${L:40}"
	assert_cursor "on the line" 24 $((_y + 2))
	tm resize-window -x 120 -y 40
	assert_screen "one row again" ${HEAD:+"$HEAD"} "${PFX}hello there" \
	    "$L"
	assert_cursor "on the line" 64 $((_y + 1))
	tm send-keys X Enter
	assertTrue "sent" "wait_for '$SC_TMP/srv.out' '^${L:0:64}X${L:64}\$'"
}

test_chat_wraps_in_place_40x12() {
	serve srv --chat
	HEAD="connected to 127.0.0.1 port $PORT" PFX="< "
	wrapped 40x12 "$SC" --chat -n 127.0.0.1 "$PORT"
}

test_chat_wraps_in_place_120x40() {
	serve srv --chat
	HEAD="connected to 127.0.0.1 port $PORT" PFX="< "
	wrapped 120x40 "$SC" --chat -n 127.0.0.1 "$PORT"
}

test_readline_wraps_in_place_40x12() {
	serve srv
	HEAD="" PFX=""
	wrapped 40x12 "$SC" --readline 127.0.0.1 "$PORT"
}

test_readline_wraps_in_place_120x40() {
	serve srv
	HEAD="" PFX=""
	wrapped 120x40 "$SC" --readline 127.0.0.1 "$PORT"
}

# The peer's half line (its prompt) is where the line typed after it
# starts, as socat's READLINE does: the line is typed on after it, drawn
# again after it when the peer's lines arrive, wrapped with it, and Up as
# the first key brings a line back after it too.
test_peer_prompt_starts_the_line() {
	serve srv
	pane 40x12 "$SC --readline 127.0.0.1 $PORT" || return 0
	wait_for "$SC_TMP/srv.err" '^Connection received' || fail "not connected"
	say srv "welcome"
	say_half srv "ftp> "
	# (tmux leaves a row's trailing blanks out)
	wait_until screen_has "ftp>" || fail "no prompt"
	tm send-keys -l "ls -l"
	assert_screen "typed after the prompt" "welcome" "ftp> ls -l"
	assert_cursor "at the end" 10 1
	say srv "news"
	assert_screen "drawn again below the news" "welcome" "news" \
	    "ftp> ls -l"
	assert_cursor "at the end" 10 2
	tm send-keys BSpace a Enter
	assertTrue "sent" "wait_for '$SC_TMP/srv.out' '^ls -a\$'"
	say_half srv "ftp> "
	wait_until screen_has "ftp> ls -a" || fail "not sent"
	wait_until screen_is "$(printf '%s\n' welcome news "ftp> ls -a" "ftp>")" ||
	    fail "no second prompt: $(<"$SC_TMP/screen")"
	# Up, the first key: the line brought back after the prompt.
	tm send-keys Up
	assert_screen "Up after the prompt" "welcome" "news" "ftp> ls -a" \
	    "ftp> ls -a"
	# A line longer than the row, wrapped with the prompt.
	L=$(line 50)
	tm send-keys C-u
	tm send-keys -l "$L"
	assert_screen "wrapped with the prompt" "welcome" "news" "ftp> ls -a" \
	    "ftp> ${L:0:35}" "${L:35}"
	assert_cursor "at the end" 15 4
	say srv "more"
	assert_screen "wrapped, drawn again" "welcome" "news" "ftp> ls -a" \
	    "more" "ftp> ${L:0:35}" "${L:35}"
	assert_cursor "at the end" 15 5
	tm send-keys Enter
	assertTrue "sent whole" "wait_for '$SC_TMP/srv.out' '^$L\$'"
	# A prompt wider than the row: drawn once, the line after it.
	P=$(line 50)
	say_half srv "$P> "
	wait_until screen_has "${P:40}>" || fail "no long prompt"
	tm send-keys -l "xy"
	assert_screen "a prompt on two rows" "welcome" "news" "ftp> ls -a" \
	    "more" "ftp> ${L:0:35}" "${L:35}" "${P:0:40}" "${P:40}> xy"
	assert_cursor "at the end" 14 7
}

# socat's READLINE,prompt=: its prompt before each line typed, in place of
# the peer's half line; noprompt: the line typed after a half line starts
# a row; noecho=: the line after a half line it matches is neither shown
# nor kept in the history, nor in its file.
test_socat_readline_prompts() {
	mkdir "$SC_TMP/bin" && ln -s "$(cd "$(dirname "$SC")" && pwd)/$(
	    )$(basename "$SC")" "$SC_TMP/bin/socat" || fail "no link"
	serve srv
	pane 60x12 "$SC_TMP/bin/socat READLINE,prompt='db> ' TCP:127.0.0.1:$PORT" ||
	    return 0
	wait_for "$SC_TMP/srv.err" '^Connection received' || fail "not connected"
	tm send-keys -l "one"
	assert_screen "the prompt" "db> one"
	tm send-keys Enter
	assertTrue "sent" "wait_for '$SC_TMP/srv.out' '^one\$'"
	say srv "answer"
	say_half srv "db> "
	wait_until screen_has "answer" || fail "no answer"
	tm send-keys -l "two"
	tm send-keys Left Left X
	assert_screen "in place of the peer's" "db> one" "answer" "db> tXwo"
	assert_cursor "after X" 6 2
	tm send-keys Enter
	assertTrue "sent" "wait_for '$SC_TMP/srv.out' '^tXwo\$'"
	tm kill-server
	TMUX_SOCK=sockcat-rl-$$-$((++_sc_tmux))
	printf 'old\n' >"$SC_TMP/hist"
	serve srv2
	PORT2=$PORT
	pane 60x12 "$SC_TMP/bin/socat READLINE,noprompt,history=$SC_TMP/hist,noecho='[Pp]assword: *\$' TCP:127.0.0.1:$PORT2" ||
	    return 0
	wait_for "$SC_TMP/srv2.err" '^Connection received' ||
	    fail "not connected"
	say_half srv2 "name: "
	wait_until screen_has "name:" || fail "no half line"
	tm send-keys -l "me"
	assert_screen "noprompt: a row of its own" "name:" "me"
	tm send-keys Enter
	say_half srv2 "Password: "
	wait_until screen_has "Password:" || fail "no password prompt"
	tm send-keys -l "s3cret"
	tm send-keys Enter
	assertTrue "the secret sent" \
	    "wait_for '$SC_TMP/srv2.out' '^s3cret\$'"
	assert_screen "the secret not shown" "name:" "me" "Password:"
	say srv2 ""
	say srv2 "welcome"
	wait_until screen_has "welcome" || fail "no welcome"
	tm send-keys Up Up
	tm send-keys Enter
	assertTrue "the history without the secret" \
	    "wait_for '$SC_TMP/srv2.out' '^old\$'"
	assertEquals "what the peer received" "me
s3cret
old" "$(<"$SC_TMP/srv2.out")"
	assertEquals "the history file" "old
me
old" "$(<"$SC_TMP/hist")"
	assert_screen "shown" "name:" "me" "Password:" "welcome" "old"
}

# socat's manual's READLINE,noecho='[Pp]assword:' EXEC:'ftp ...',pty,
# setsid,ctty, with a program that asks as ftp does: the lines typed
# after its prompt are edited and kept, the password is typed unseen and
# kept out of the history; ^D ends socat's input: the program, which
# reads a terminal, is hung up after -t's half second, as socat's is.
test_socat_readline_program() {
	mkdir "$SC_TMP/bin" && ln -s "$(cd "$(dirname "$SC")" && pwd)/$(
	    )$(basename "$SC")" "$SC_TMP/bin/socat" || fail "no link"
	cat >"$SC_TMP/ftp" <<'EOF'
#!/bin/sh
while printf 'ftp> ' && read -r l; do
	if [ "$l" = user ]; then
		printf 'Password: '
		t=$(stty -g)
		stty -echo
		read -r pw
		stty "$t"
		echo
		echo "logged in with ${#pw} characters"
	else
		echo "ran $l"
	fi
done
EOF
	chmod +x "$SC_TMP/ftp"
	pane 60x12 "$SC_TMP/bin/socat READLINE,noecho='[Pp]assword:',$(
	    )history=$SC_TMP/hist EXEC:$SC_TMP/ftp,pty,setsid,ctty,echo=0; $(
	    )echo status \$?" || return 0
	wait_until screen_has "ftp>" || fail "no prompt"
	tm send-keys -l "lx"
	tm send-keys BSpace s
	assert_screen "typed after the prompt" "ftp> ls"
	tm send-keys Enter
	wait_until screen_has "ran ls" || fail "not run"
	tm send-keys -l "user"
	tm send-keys Enter
	wait_until screen_has "Password:" || fail "no password prompt"
	tm send-keys -l "s3cret"
	tm send-keys Enter
	wait_until screen_has "logged in" || fail "not logged in"
	tm send-keys Up Up
	tm send-keys Enter
	assert_screen "the password unseen, Up past it" "ftp> ls" "ran ls" \
	    "ftp> user" "Password:" "logged in with 6 characters" "ftp> ls" \
	    "ran ls" "ftp>"
	tm send-keys C-d
	assert_screen "^D: the end" "ftp> ls" "ran ls" "ftp> user" \
	    "Password:" "logged in with 6 characters" "ftp> ls" "ran ls" \
	    "ftp> status 0"
	assertEquals "the history" "ls
user
ls" "$(<"$SC_TMP/hist")"
}

# listening PORT: is something listening on TCP port PORT of 127.0.0.1?
listening() {
	ss -ltnH "sport = :$1" | grep -q .
}

# room_operator WxH: a --room operator in a pane of that size types a
# line of 5/3 of its width; a member's two lines are drawn above it,
# whole, and the line stays below them, once, the cursor at its end;
# Enter sends it to the member.
room_operator() {
	_w=${1%x*}
	port=$(free_port)
	pane "$1" "$SC --room -l 127.0.0.1 $port" || return 0
	wait_until listening "$port" || fail "no room"
	party m "${NC_OPENBSD:-/bin/nc.openbsd}" 127.0.0.1 "$port"
	wait_for "$SC_TMP/m.out" 'Welcome' || fail "not in the room"
	wait_until screen_has "<user1>" || fail "not announced"
	L=$(line $((_w * 5 / 3)))
	tm send-keys -l "$L"
	wait_until screen_has "${L:$_w}" || fail "not typed"
	say m "hello there"
	say m "second message"
	wait_until screen_has "<user1> second message"
	wait_until screen_has "${L:$_w}"
	tm capture-pane -p -S - | grep . >"$SC_TMP/screen"
	assertEquals "the member's lines above the line typed" \
	    "$(printf '%s\n' "<user1> hello there" "<user1> second message" \
	    "${L:0:$_w}" "${L:$_w}")" "$(tail -n 4 "$SC_TMP/screen")"
	assertEquals "no stale copy" 1 "$(grep -c "^${L:0:20}" "$SC_TMP/screen")"
	assertEquals "cursor" "$((${#L} - _w))" "$(tm display -p '#{cursor_x}')"
	tm send-keys Enter
	assertTrue "sent" "wait_for '$SC_TMP/m.out' '^<server> $L\$'"
}

test_room_operator_40x12() {
	room_operator 40x12
}

test_room_operator_120x40() {
	room_operator 120x40
}

test_chat_window_resized() {
	serve srv --chat
	HEAD="connected to 127.0.0.1 port $PORT" PFX="< "
	resized "$SC" --chat -n 127.0.0.1 "$PORT"
}

test_readline_window_resized() {
	serve srv
	HEAD="" PFX=""
	resized "$SC" --readline 127.0.0.1 "$PORT"
}

sc_run_shunit2
