#!/bin/bash
# --readline: a client typed at on a terminal edits its lines (erase, ^U,
# ^W) and brings back the ones sent before with Up and Down; what the
# peer sends while a line is half typed does not mix with it; ^D ends
# what is typed; refused without a terminal and beside what it cannot go
# with; the example of the manual.  In tmux panes of 40x12 and 120x40,
# read as a person reads the screen: a line wider than the terminal is
# redrawn in place (messages, Backspace, a new window size), with the
# cursor where it is in the line.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3
TMUX_SOCK=sockcat-rl-$$

tearDown() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	if [ "${__shunit_testSuccess:-0}" != 0 ] && [ -n "$SC_TMP" ]; then
		for _f in "$SC_TMP"/*.err "$SC_TMP"/screen; do
			[ -f "$_f" ] && sed "s|^|$(basename "$_f"): |" "$_f"
		done
	fi
	sc_remove_tmp
	endSkipping
}

# party NAME cmd...: run cmd in the background with stdin from the fifo
# NAME.in, held open until the test ends; stdout NAME.out, stderr
# NAME.err.
party() {
	_n=$1
	shift
	mkfifo "$SC_TMP/$_n.in"
	timeout 90 sh -c 'exec sleep 90 >"$1"' sh "$SC_TMP/$_n.in" &
	SC_PIDS="$SC_PIDS $!"
	timeout -k 2 60 "$@" <"$SC_TMP/$_n.in" >"$SC_TMP/$_n.out" \
	    2>"$SC_TMP/$_n.err" &
	SC_PIDS="$SC_PIDS $!"
}

# say NAME line: NAME sends a line.
say() {
	t 5 sh -c 'printf "%s\n" "$2" >"$1"' sh "$SC_TMP/$1.in" "$2" ||
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
	tm new-session -d -x "${1%x*}" -y "${1#*x}" "$2; sleep 60" ||
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

[ -n "${MANPAGE:-}" ] || MANPAGE=$(cd "$(dirname "$0")/.." && pwd)/doc/sockcat.1

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
	    'send:\x04' 'netsend:after eof\n' 'expect:after eof\r\n' \
	    netclose exit:0 -- "$SC" --readline 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/rl.err")" 0 "$st"
	assertEquals "what the peer received" "hello world
second
hello world
!
partial
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
	expect_error "--readline edits what a client sends: it takes no -l, -z, -e, -c, --fifo, -d, --chat or --raw" \
	    --readline -l 5000
	expect_error "--readline edits what a client sends: it takes no -l, -z, -e, -c, --fifo, -d, --chat or --raw" \
	    --readline -d 127.0.0.1 5000
}

# The manual's example, its host and port the driver's.
test_example() {
	ex="sockcat --readline --reconnect host.example.com 7000"
	assertTrue "in the manual" "grep -qF -- '$ex' '$MANPAGE'"
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
