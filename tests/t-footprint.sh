#!/bin/bash
# The idle footprint (doc/design.md, "The idle footprint"): what sockcat
# runs from its start to its first wait is marked __startup, and the
# linker puts all of it together at the start of the text, so that an
# idle process maps a few pages of its code.  Checked on the build's own
# objects: the functions an idle listener runs (valgrind's callgrind,
# dumped as it first enters epoll_wait) are all marked, and the marked
# functions lie side by side in the binary.  No timing and no memory
# figure here: bench/run measures the resident size beside nc.openbsd.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require valgrind callgrind_annotate objdump nm

if grep -aq __asan_init "$SOCKCAT" 2>/dev/null; then
	echo "sanitizer build: skipping callgrind" >&2
	exit 77
fi
# Counting coverage, the build is unoptimised (what would be inlined is
# called) and gcc's counting runs at start: no layout to check.
if grep -aq __gcov_init "$SOCKCAT" 2>/dev/null; then
	echo "coverage build: skipping callgrind" >&2
	exit 77
fi
OBJS=$(ls "$(dirname "$SOCKCAT")"/src/*/*.o 2>/dev/null)
if [ -z "$OBJS" ]; then
	echo "no object files beside $SOCKCAT: skipping" >&2
	exit 77
fi

# The functions the objects put in .text.startup, a name a line.  GCC's
# clones keep their function's section (net_resolve.constprop.0).
startup_functions() {
	# shellcheck disable=SC2086
	objdump -t $OBJS | awk '$3 == "F" && $4 == ".text.startup" {
		print $NF }' | sort -u
}

# What the C run-time and the compiler bring, run before main() or by
# the loader: not ours to place.
CRT='^(_start|_init|frame_dummy|register_tm_clones|deregister_tm_clones|__do_global_dtors_aux|0x[0-9a-f]+|\(below main\))$'

# idle_functions OUT ARGS...: the functions of sockcat's own binary that
# `sockcat ARGS` runs before it first waits, into OUT.
idle_functions() {
	_out=$1
	shift
	timeout -k 2 60 valgrind --tool=callgrind --dump-before=epoll_wait \
	    --callgrind-out-file="$SC_TMP/cg.out" "$SOCKCAT" "$@" \
	    </dev/null >/dev/null 2>"$SC_TMP/vg.err" &
	_pid=$!
	SC_PIDS="$SC_PIDS $_pid"
	# The first dump is written as the loop first waits.
	wait_until -t 50 test -s "$SC_TMP/cg.out.1"
	_ok=$?
	stop "$_pid"
	wait "$_pid" 2>/dev/null
	if [ $_ok -ne 0 ]; then
		cat "$SC_TMP/vg.err" >&2
		return 1
	fi
	callgrind_annotate --threshold=100 "$SC_TMP/cg.out.1" |
	    grep -F "[$SOCKCAT]" |
	    sed -e 's/ \[[^]]*\]$//' -e 's/^.*%)  *//' -e 's/^.*://' |
	    sort -u >"$_out"
}

check_idle() {
	startup_functions >"$SC_TMP/marked"
	assertTrue "no function is marked __startup" "[ -s $SC_TMP/marked ]"
	idle_functions "$SC_TMP/ran" "$@" || { fail "callgrind: no dump"; return; }
	assertTrue "callgrind saw none of sockcat's functions" \
	    "grep -q main $SC_TMP/ran"
	grep -Ev "$CRT" "$SC_TMP/ran" | grep -vxFf "$SC_TMP/marked" \
	    >"$SC_TMP/unmarked"
	assertEquals "run before the first wait of sockcat $*, not __startup" \
	    "" "$(tr '\n' ' ' <"$SC_TMP/unmarked")"
}

test_idle_listener_runs_only_startup_code() {
	check_idle -l 127.0.0.1 0
}

test_idle_keep_listener_runs_only_startup_code() {
	check_idle -lk 127.0.0.1 0
}

# Nor does the idle listener call into libc's printf machinery, its
# SSE4.2 string scanners or memcmp(3): each is a window of libc's text
# (about 130, 64 and 64 KiB) that nothing else an idle listener does
# maps, and a single snprintf(3), strspn(3) or memcmp(3) at start once
# put the idle RSS above its target beside nc.openbsd
# (bench/RESULTS.md).
test_idle_listener_maps_no_printf() {
	idle_functions "$SC_TMP/ran" -l 127.0.0.1 0 ||
	    { fail "callgrind: no dump"; return; }
	callgrind_annotate --threshold=100 "$SC_TMP/cg.out.1" |
	    grep -F '/libc.so' |
	    sed -e 's/ \[[^]]*\]$//' -e 's/^.*%)  *//' -e 's/^.*://' |
	    sort -u >"$SC_TMP/libc"
	assertTrue "callgrind saw none of libc's functions" \
	    "grep -qx malloc $SC_TMP/libc"
	assertEquals "libc functions an idle listener should not reach" "" \
	    "$(grep -E 'printf|_sse42$|^__memcmp_' "$SC_TMP/libc" | tr '\n' ' ')"
}

# The marked functions are one run of the text: no other function of
# ours between the first and the last.
test_startup_code_is_together() {
	startup_functions >"$SC_TMP/marked"
	nm -n "$SOCKCAT" | awk '$2 ~ /^[tT]$/ { print $3 }' >"$SC_TMP/order"
	awk 'NR == FNR { m[$1] = 1; next }
	    ($1 in m) { if (!first) first = FNR; last = FNR }
	    { name[FNR] = $1 }
	    END { for (i = first; i <= last; i++) if (!(name[i] in m))
		print name[i] }' "$SC_TMP/marked" "$SC_TMP/order" |
	    grep -Ev "$CRT" >"$SC_TMP/between"
	assertEquals "functions between the start-up ones" "" \
	    "$(tr '\n' ' ' <"$SC_TMP/between")"
}

sc_run_shunit2
