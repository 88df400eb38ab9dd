#!/bin/bash
# The manual as a reader sees it: each page, sockcat(1) and the topics',
# rendered by man(1) for a terminal of 80 columns, groff has nothing to
# warn about and no line is wider than the terminal.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require man groff python3

# The widest lines of file $1, in characters (UTF-8), as "LINE: WIDTH:
# text", for every line wider than $2.
wide_lines() {
	python3 - "$1" "$2" <<'PY'
import sys
limit = int(sys.argv[2])
with open(sys.argv[1], encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        line = line.rstrip("\n")
        if len(line) > limit:
            print("%d: %d: %s" % (n, len(line), line))
PY
}

# render PAGE: PAGE as man(1) shows it on 80 columns, in $SC_TMP/page,
# groff's warnings in $SC_TMP/warn.
render() {
	# -l: this file, not an installed page; all groff warnings on.
	MANWIDTH=80 LC_ALL=C.UTF-8 MAN_KEEP_FORMATTING= t 60 man \
	    --warnings=all -l "$1" >"$SC_TMP/page" 2>"$SC_TMP/warn"
}

test_renders_at_80_columns_without_warnings() {
	for p in $(manual_pages); do
		render "$p"
		assertEquals "${p##*/}: man status" 0 $?
		assertEquals "${p##*/}: groff warnings" "" "$(<"$SC_TMP/warn")"
		assertTrue "${p##*/}: rendered" "[ $(wc -l <"$SC_TMP/page") -gt 100 ]"
		assertEquals "${p##*/}: lines wider than 80 columns" "" \
		    "$(wide_lines "$SC_TMP/page" 80)"
	done
	render "$MANPAGE"
	assertTrue "has its sections" "grep -q '^END OF FILE' '$SC_TMP/page'"
}

test_end_of_file_table_keeps_its_columns() {
	MANWIDTH=80 LC_ALL=C.UTF-8 t 60 man -l "$MANPAGE" >"$SC_TMP/page" \
	    2>/dev/null
	# Each row on one line, its six cells in place.
	assertTrue "header" "grep -Eq '^ +role +direction +other side +default +-N +--half-close$' '$SC_TMP/page'"
	assertEquals "rows" 8 "$(grep -Ec '^ +(client|server) +(stdin to socket|socket to stdout) +[a-z-]+ +(data|both|none) +(both|none) +both$' "$SC_TMP/page")"
}

test_mandoc_renders_the_table_too() {
	command -v mandoc >/dev/null || { sc_skip "mandoc not installed"; return; }
	t 60 mandoc -T utf8 -O width=80 "$MANPAGE" | col -bx >"$SC_TMP/page"
	assertEquals "rows" 8 "$(grep -Ec '^ +(client|server) +(stdin to socket|socket to stdout) +[a-z-]+ +(data|both|none) +(both|none) +both$' "$SC_TMP/page")"
	for p in $(manual_pages); do
		t 60 mandoc -T utf8 -O width=80 "$p" | col -bx >"$SC_TMP/page"
		assertEquals "${p##*/}: lines wider than 80 columns" "" \
		    "$(wide_lines "$SC_TMP/page" 80)"
	done
}

# Every quotation mark a page opens, it closes: a list of quoted words
# reads (‘a’, ‘b’), not (‘a, ‘b’’).
test_quoted_lists_are_closed() {
	for p in $(manual_pages); do
		MANWIDTH=80 LC_ALL=C.UTF-8 t 60 man -l "$p" 2>/dev/null
	done >"$SC_TMP/page"
	assertEquals "lists of quoted header names" 2 "$(grep -c \
	    "(‘Proxy-Authorization’, ‘Proxy-Connection’," "$SC_TMP/page")"
	assertEquals "quotes closed twice" "" "$(grep -n "’’" "$SC_TMP/page")"
	assertEquals "a word opened twice" "" \
	    "$(grep -n "‘[^’ ]*, ‘" "$SC_TMP/page")"
}

# A reader finds examples on the first screens of the page, not only in
# EXAMPLES at its end: the commonest jobs, the chat with its port.
test_examples_near_the_top() {
	MANWIDTH=80 LC_ALL=C.UTF-8 t 60 man -l "$MANPAGE" >"$SC_TMP/page" \
	    2>/dev/null
	first=$(grep -n '^ *\$ sockcat ' "$SC_TMP/page" | head -n 1 | cut -d: -f1)
	assertTrue "first example at line $first" "[ '${first:-999}' -le 60 ]"
	head -n 70 "$SC_TMP/page" >"$SC_TMP/top"
	for ex in 'sockcat -l 9000 > file' 'sockcat -N host 9000 < file' \
	    'sockcat -zv host 20-30' 'sockcat --chat ' 'sockcat --chat host'; do
		assertTrue "$ex" "grep -qF -- '\$ $ex' '$SC_TMP/top'"
	done
	assertTrue "the chat's port" "grep -q 'sockcat --chat .*port 5000' \
	    '$SC_TMP/top'"
	assertTrue "points to EXAMPLES" "grep -q 'under EXAMPLES' '$SC_TMP/top'"
}

sc_run_shunit2
