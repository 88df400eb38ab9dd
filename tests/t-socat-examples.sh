#!/bin/bash
# The EXAMPLES of the installed socat's manual, run as written by the
# real socat and by sockcat invoked as socat: each example classified
# (another host, a device this machine lacks, what sockcat does not do,
# runnable here), each runnable one run by both with local peers (host
# names and ports made loopback ones, a device a pseudo-terminal, paths
# the test's own), the same result asserted.  tests/socatman.py parses,
# classifies and runs them.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require socat python3

PAGE=/usr/share/man/man1/socat.1.gz
[ -r "$PAGE" ] || { echo "no socat manual ($PAGE): skipping" >&2; exit 77; }
MAN=${TESTS_DIR:-$(dirname "$0")}/socatman.py
REAL=$(command -v socat)

setUp() {
	sc_tmp
	mkdir "$SC_TMP/bin" &&
	    ln -s "$(cd "$(dirname "$SC")" && pwd)/$(basename "$SC")" \
	    "$SC_TMP/bin/socat" || exit 1
	OURS=$SC_TMP/bin/socat
}

# Every example has a class, and what is not run says why (in the log).
test_classified() {
	t 60 python3 "$MAN" list "$PAGE" >"$SC_TMP/list"
	assertEquals "listed" 0 $?
	assertTrue "examples found" "[ $(wc -l <"$SC_TMP/list") -ge 30 ]"
	assertEquals "examples no rule knows" "" \
	    "$(awk -F'\t' '$2 == "unknown"' "$SC_TMP/list")"
	assertTrue "runnable ones" \
	    "[ $(awk -F'\t' '$2 == "run"' "$SC_TMP/list" | wc -l) -ge 8 ]"
	awk -F'\t' '$2 != "run" { printf "not run: %s (%s): %s: %s\n",
	    $1, $2, $3, $4 }' "$SC_TMP/list"
}

# Each runnable example gives the same result with both socats, and the
# real socat's is no failure.
test_examples_as_written() {
	[ "$(id -u)" = 0 ] || { sc_skip "su=nobody needs root"; return; }
	t 60 python3 "$MAN" list "$PAGE" >"$SC_TMP/list"
	mkdir "$SC_TMP/real" "$SC_TMP/ours"
	t 300 python3 "$MAN" run "$PAGE" "$REAL" "$SC_TMP/real" \
	    >"$SC_TMP/real.out"
	assertEquals "the real socat's run" 0 $?
	t 300 python3 "$MAN" run "$PAGE" "$OURS" "$SC_TMP/ours" \
	    >"$SC_TMP/ours.out"
	assertEquals "sockcat's run" 0 $?
	assertEquals "each runnable one run" \
	    "$(awk -F'\t' '$2 == "run" { print $1 }' "$SC_TMP/list")" \
	    "$(cut -f1 "$SC_TMP/real.out")"
	assertEquals "the real socat failed none" "" \
	    "$(grep -P '\tFAILED' "$SC_TMP/real.out")"
	while IFS="$(printf '\t')" read -r _n _res; do
		assertEquals "example $_n: $(awk -F'\t' -v n="$_n" \
		    '$1 == n { print $4 }' "$SC_TMP/list")" "$_res" \
		    "$(awk -F'\t' -v n="$_n" '$1 == n { print $2 }' \
		    "$SC_TMP/ours.out")"
	done <"$SC_TMP/real.out"
}

sc_run_shunit2
