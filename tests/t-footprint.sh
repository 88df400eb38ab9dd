#!/bin/bash
# The idle footprint (doc/design.md, "The idle footprint"): what sockcat
# runs from its start to its first wait is marked __startup, and the
# linker puts all of it together at the start of the text, so that an
# idle process maps a few pages of its code.  Checked on the build's own
# objects: the functions an idle listener runs (valgrind's callgrind,
# dumped as it first enters epoll_wait) are all marked, and the marked
# functions lie side by side in the binary; a one-shot run (-h, -z, -N)
# runs only those and the __shortrun ones, which lie together at the
# end of the text; and a plain client runs none of the code of what it
# does not use.  No timing and no memory figure here: bench/run and
# bench/peers measure the resident size beside nc.openbsd.

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

# cg_own_functions FILE: the functions of sockcat's binary that the
# callgrind dump FILE saw, a name a line.
cg_own_functions() {
	cg_functions "$1" "[$SOCKCAT]"
}

# cg_functions DUMP WHERE: the functions in callgrind's DUMP whose
# object's name holds WHERE ("/libc.so"), a name a line.
cg_functions() {
	callgrind_annotate --threshold=100 "$1" |
	    grep -F "$2" |
	    sed -e 's/ \[[^]]*\]$//' -e 's/^.*%)  *//' -e 's/^.*://' |
	    sort -u
}

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
	cg_own_functions "$SC_TMP/cg.out.1" >"$_out"
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
	cg_functions "$SC_TMP/cg.out.1" /libc.so >"$SC_TMP/libc"
	assertTrue "callgrind saw none of libc's functions" \
	    "grep -qx malloc $SC_TMP/libc"
	assertEquals "libc functions an idle listener should not reach" "" \
	    "$(grep -E 'printf|_sse42$|^__memcmp_' "$SC_TMP/libc" | tr '\n' ' ')"
}

# "sockcat -h" writes its help with write(2) from a buffer of its own,
# and getopt's arguments are static: it reaches neither malloc, whose
# heap and code were most of what -h took over nc.openbsd's memory, nor
# printf's machinery, a window of libc's text nc.openbsd's -h never maps
# (bench/RESULTS.md).
test_help_reaches_no_malloc_nor_printf() {
	echo | timeout -k 2 60 valgrind -q --tool=callgrind \
	    --callgrind-out-file="$SC_TMP/help.cg" "$SOCKCAT" -h \
	    >"$SC_TMP/help" 2>"$SC_TMP/vg.err" ||
	    { fail "sockcat -h: $(<"$SC_TMP/vg.err")"; return; }
	assertTrue "no help printed" "grep -q '^usage: ' $SC_TMP/help"
	cg_functions "$SC_TMP/help.cg" /libc.so >"$SC_TMP/libc"
	assertTrue "callgrind saw none of libc's functions" \
	    "grep -q memset $SC_TMP/libc"
	assertEquals "libc functions sockcat -h should not reach" "" \
	    "$(grep -E 'printf|malloc|calloc|xsputn|doalloc' "$SC_TMP/libc" |
	    tr '\n' ' ')"
}

# OpenSSL, zlib and libcrypt are loaded when first used (TLS, a
# compressed WebSocket, --auth-file), not linked: each linked library
# costs every run the pages its loading touches (libcrypt's were 96 KiB
# of a 2 MiB "sockcat -h"; bench/RESULTS.md).
test_links_no_library_loaded_when_used() {
	objdump -p "$SOCKCAT" | awk '$1 == "NEEDED" { print $2 }' \
	    >"$SC_TMP/needed"
	assertTrue "libc is linked" "grep -q '^libc\\.so' '$SC_TMP/needed'"
	assertEquals "linked, though loaded when first used" "" \
	    "$(grep -E '^lib(ssl|crypto|z|crypt)\.so' "$SC_TMP/needed" |
	    tr '\n' ' ')"
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

# The functions the objects put in .text.zshortrun (__shortrun).
shortrun_functions() {
	# shellcheck disable=SC2086
	objdump -t $OBJS | awk '$3 == "F" && $4 == ".text.zshortrun" {
		print $NF }' | sort -u
}

# reading_server [line]: a server on 127.0.0.1, its port into $PORT,
# that takes connections and reads each to its end for a run's whole
# life; with "line", one connection whose line it reads, then closes
# (the client then ends).
reading_server() {
	rm -f "$SC_TMP/rport"
	bg t 120 python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
while True:
    c, _ = s.accept()
    got = b""
    while True:
        b = c.recv(4096)
        got += b
        if not b or (sys.argv[2] == "line" and got.endswith(b"\n")):
            break
    c.close()
    if sys.argv[2] == "line":
        break
' "$SC_TMP/rport" "${1:-each}"
	wait_for "$SC_TMP/rport" '^[0-9]+$' || return 1
	PORT=$(<"$SC_TMP/rport")
}

# run_functions OUT ARGS...: the functions of sockcat's binary that
# "echo hi | sockcat ARGS" runs from its start to its exit.
run_functions() {
	_out=$1
	shift
	echo hi | timeout -k 2 60 valgrind -q --tool=callgrind \
	    --callgrind-out-file="$SC_TMP/run.cg" "$SOCKCAT" "$@" \
	    >/dev/null 2>"$SC_TMP/vg.err" || return 1
	cg_own_functions "$SC_TMP/run.cg" >"$_out"
}

# A one-shot run (-h, -z, -N, as bench/peers times them beside
# nc.openbsd) runs only code marked __startup or __shortrun: the start's
# cluster and the short run's, which the linker puts last in the text,
# beside _fini that every exit runs.
test_one_shot_runs_only_marked_code() {
	reading_server || { fail "no server"; return; }
	shortrun_functions >"$SC_TMP/short"
	assertTrue "no function is marked __shortrun" "[ -s $SC_TMP/short ]"
	{ startup_functions; cat "$SC_TMP/short"; } | sort -u >"$SC_TMP/marked"
	for _form in "-h" "-z 127.0.0.1 $PORT" "-N 127.0.0.1 $PORT"; do
		# shellcheck disable=SC2086
		run_functions "$SC_TMP/ran" $_form ||
		    { fail "sockcat $_form: $(<"$SC_TMP/vg.err")"; continue; }
		assertTrue "sockcat $_form: callgrind saw no main" \
		    "grep -qx main $SC_TMP/ran"
		assertEquals "run by sockcat $_form, neither __startup nor __shortrun" \
		    "" "$(grep -Ev "$CRT|^_fini$" "$SC_TMP/ran" |
		    grep -vxFf "$SC_TMP/marked" | tr '\n' ' ')"
	done
}

# The __shortrun functions are one run of the text, and the last before
# _fini: nothing of ours between them, nor after them.
test_shortrun_code_is_last() {
	shortrun_functions >"$SC_TMP/short"
	nm -n "$SOCKCAT" | awk '$2 ~ /^[tT]$/ { print $3 }' >"$SC_TMP/order"
	awk 'NR == FNR { m[$1] = 1; next }
	    ($1 in m) { if (!first) first = FNR }
	    { name[FNR] = $1; n = FNR }
	    END { for (i = first; i <= n; i++) if (!(name[i] in m))
		print name[i] }' "$SC_TMP/short" "$SC_TMP/order" |
	    grep -Ev "$CRT|^_fini$" >"$SC_TMP/between"
	assertTrue "no function is marked __shortrun" "[ -s $SC_TMP/short ]"
	assertEquals "functions among or after the short run's" "" \
	    "$(tr '\n' ' ' <"$SC_TMP/between")"
	# And they start a 64 KiB window of their own (main.c).
	_first=$(nm -n "$SOCKCAT" | awk 'NR == FNR { m[$1] = 1; next }
	    $2 ~ /^[tT]$/ && ($3 in m) { print $1; exit }' "$SC_TMP/short" -)
	assertEquals "the short run's first, $_first, at a 64 KiB boundary" \
	    0000 "$(printf %s "$_first" | tail -c 4)"
}

# client_functions OUT: the functions of src/ (FILE:FUNCTION, a line
# each, FILE under src/) that "echo hi | sockcat 127.0.0.1 PORT" runs
# from its start to its exit, to a server that reads the line.
client_functions() {
	reading_server line || return 1
	echo hi | timeout -k 2 60 valgrind -q --tool=callgrind \
	    --callgrind-out-file="$SC_TMP/client.cg" "$SOCKCAT" 127.0.0.1 \
	    "$PORT" >/dev/null 2>"$SC_TMP/vg.err" || return 1
	# Each "fn=" line names a function that ran, in the file of the
	# "fl=" before it; both are numbered, their names given once.
	python3 - "$SC_TMP/client.cg" >"$1" <<'PY'
import re, sys
names, files, cur, ran = {}, {}, None, set()
for line in open(sys.argv[1]):
    m = re.match(r"^(c?fl|c?fi|c?fe|c?fn|c?ob)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
    if not m:
        continue
    key, num, name = m.groups()
    table = names if key.endswith("fn") else files
    if name:
        table[(key.endswith("ob"), num)] = name
    if key == "fl":
        cur = files[(False, num)]
    elif key == "fn" and cur and "/src/" in cur:
        ran.add(cur.rsplit("/src/", 1)[1] + ":" + names[(False, num)])
print("\n".join(sorted(ran)))
PY
}

# A plain client runs what its command line asks for and no more: no
# code of TLS, WebSocket, socat's grammar, the gate, the line editor,
# datagram queues or dumps, to make or to free what was never made (a
# debug build asks whether TLS was built in, to check its tables), and
# at most 150 functions of its own in all, less a debug build's marks of
# what options it read (base/taken.c, front/optaudit.c) and its check
# that an option is one row (opt_rows_one()).
test_plain_client_runs_only_its_own_code() {
	client_functions "$SC_TMP/client" || fail "no client: $(<"$SC_TMP/vg.err")"
	# The option audit's marks are a debug build's alone: not counted.
	n=$(grep -Evc '^(base/taken\.c|front/optaudit\.c):|:(opt_rows_one|side_opt_member)$' \
	    "$SC_TMP/client")
	assertTrue "callgrind saw none of sockcat's functions" "[ $n -gt 20 ]"
	assertEquals "functions of what the client never used" "" \
	    "$(grep -E '^(io/tls|io/tlsconn|ws/|http/auth\.c:auth_free|net/gate|codec/addr-socat|side/redial|side/peers|io/edit|base/dgramq|pump/dump|pump/datagram)' \
	    "$SC_TMP/client" | grep -v ':tls_available$' | tr '\n' ' ')"
	echo "the plain client ran $n functions of src/"
	assertTrue "the plain client ran $n functions of src/, more than 150" \
	    "[ $n -le 150 ]"
}

sc_run_shunit2
