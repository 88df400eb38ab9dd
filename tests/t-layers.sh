#!/bin/sh
# The layers of src/ (doc/design.md): no file calls a higher layer, no
# module (a file, or the files layers.py's MODULES names together) calls
# one that calls it back, found from the symbols of the object files,
# and every file includes its own layer's header first; and no two
# files of src/ share a name.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

command -v nm >/dev/null 2>&1 || exit 77
command -v "$SC_PYTHON" >/dev/null 2>&1 || exit 77
BUILD_DIR=$(dirname "$SOCKCAT")
[ -d "$BUILD_DIR/src/base" ] || exit 77

test_no_call_goes_up_and_no_cycle() {
	OUT=$("$SC_PYTHON" "$TESTS_DIR/layers.py" "$TESTS_DIR/.." \
	    "$BUILD_DIR" 2>&1)
	assertEquals "layers.py exit status" 0 $?
	assertEquals "" "$OUT"
}

# The checker's own test: faults planted in made-up symbol tables and in
# a copy of this build's (an upward call, a cycle between modules, a
# stale module table) are each found, and a cycle inside a module is not
# one.
test_checker_self_test() {
	OUT=$("$SC_PYTHON" "$TESTS_DIR/layers.py" --self-test "$BUILD_DIR" \
	    2>&1)
	assertEquals "layers.py --self-test exit status" 0 $?
	assertEquals "" "$OUT"
}

# The checker itself: a made-up call from the pump to the net layer and
# a pair of files that call each other are faults.
test_checker_finds_an_upward_call_and_a_cycle() {
	sc_tmp
	mkdir -p "$SC_TMP/b/src/pump" "$SC_TMP/b/src/net"
	cat >"$SC_TMP/up.c" <<'C'
int net_thing(void) { return 1; }
C
	cat >"$SC_TMP/low.c" <<'C'
int net_thing(void);
int pump_thing(void) { return net_thing(); }
C
	cc -c -o "$SC_TMP/b/src/net/net.o" "$SC_TMP/up.c" &&
	    cc -c -o "$SC_TMP/b/src/pump/pump.o" "$SC_TMP/low.c" ||
	    startSkipping
	OUT=$("$SC_PYTHON" -c "
import sys; sys.path.insert(0, '$TESTS_DIR')
import layers
f = []
layers.check_symbols('$SC_TMP/b', f)
print('\n'.join(f))")
	assertContains "$OUT" "pump/pump.c calls net_thing of net/net.c"
	cat >"$SC_TMP/a.c" <<'C'
int b(void); int a(void) { return b(); }
C
	cat >"$SC_TMP/bb.c" <<'C'
int a(void); int b(void) { return a(); }
C
	rm -f "$SC_TMP"/b/src/*/*.o
	cc -c -o "$SC_TMP/b/src/pump/a.o" "$SC_TMP/a.c" &&
	    cc -c -o "$SC_TMP/b/src/pump/bb.o" "$SC_TMP/bb.c"
	OUT=$("$SC_PYTHON" -c "
import sys; sys.path.insert(0, '$TESTS_DIR')
import layers
f = []
layers.check_symbols('$SC_TMP/b', f)
print('\n'.join(f))")
	assertContains "$OUT" "files that call each other: pump/a.c pump/bb.c"
}

# No two files of src/ share a name, whatever their folders: a name
# (room.c, unix.c) says one thing, and a file is found by it alone.
test_no_file_name_twice_in_src() {
	src=${TESTS_DIR:-$(dirname "$0")}/../src
	files=$(cd "$src" && ls -- */*.[ch]) || fail "no files under $src"
	assertContains "$files" "pump/pump.c"
	assertEquals "file names found twice under src/" "" \
	    "$(echo "$files" | sed 's|.*/||' | sort | uniq -d)"
}

# The pump's core was split along its seams so that it reads in one
# sitting: what it gains goes to a file of its module (MODULES in
# layers.py), so that the core stays under 900 lines.
test_pump_core_stays_under_900_lines() {
	n=$(wc -l <"$TESTS_DIR/../src/pump/pump.c")
	assertTrue "src/pump/pump.c has $n lines, not under 900" \
	    "[ $n -lt 900 ]"
}

# A file is split along its seams when it grows past 1,000 lines: at most
# three may be longer, each a whole that reads as one.
test_at_most_three_files_over_1000_lines() {
	long=$(wc -l "$TESTS_DIR"/../src/*/*.c | awk '$2 != "total" &&
	    $1 > 1000 { n++; f = f " " $2 } END { print n + 0 f }')
	assertTrue "files over 1,000 lines: $long" "[ ${long%% *} -le 3 ]"
}

sc_run_shunit2
