#!/bin/bash
# --readline: a client typed at on a terminal edits its lines (erase, ^U,
# ^W) and brings back the ones sent before with Up and Down; what the
# peer sends while a line is half typed does not mix with it; ^D ends
# what is typed; refused without a terminal and beside what it cannot go
# with; the example of the manual.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

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

sc_run_shunit2
