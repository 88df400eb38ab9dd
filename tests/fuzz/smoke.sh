#!/bin/sh
# Run each fuzz target for a few seconds, from its seed corpus, and count
# the targets as tests: smoke.sh SECONDS FUZZDIR TARGET...
# Run from the build directory, after "make fuzz".  New inputs go to
# tests/fuzz/smoke/NAME, never into the corpus; a crash leaves its input
# in tests/fuzz/smoke/NAME/crash-* and fails the target (add the input to
# the corpus as a regression test once fixed).
set -u
secs=$1 fuzzdir=$2
shift 2

jobs=$(nproc 2>/dev/null || echo 1)
passed=0 failed=0 skipped=0

run_one() {
	_dir=tests/fuzz/smoke/$1
	rm -rf "$_dir"
	mkdir -p "$_dir/new"
	"tests/fuzz/$1-fuzz" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=1024 -print_final_stats=1 \
	    -artifact_prefix="$_dir/" "$_dir/new" "$fuzzdir/corpus/$1" \
	    >"$_dir/log" 2>&1
	echo $? >"$_dir/status"
}

# A few at a time, as many as there are processors.
pids=""
n=0
for t in "$@"; do
	run_one "$t" &
	pids="$pids $!"
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		wait
		n=0
	fi
done
wait

for t in "$@"; do
	_dir=tests/fuzz/smoke/$t
	st=$(cat "$_dir/status" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$_dir/log")
	if [ "$st" -eq 0 ] && ! ls "$_dir"/crash-* "$_dir"/leak-* \
	    "$_dir"/timeout-* "$_dir"/oom-* >/dev/null 2>&1; then
		echo "PASS: fuzz $t (${runs:-?} runs in ${secs}s)"
		passed=$((passed + 1))
	else
		echo "FAIL: fuzz $t (status $st)"
		grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error' \
		    "$_dir/log" | head -n 20
		ls "$_dir"/crash-* "$_dir"/leak-* "$_dir"/timeout-* \
		    "$_dir"/oom-* 2>/dev/null
		failed=$((failed + 1))
	fi
done
echo "# sockcat-tests: passed=$passed failed=$failed skipped=$skipped"
[ "$failed" -eq 0 ]
