#!/bin/bash
# san-report.sh DIR: print every sanitizer report in DIR, as the suites
# leave them when SC_SAN_DIR is DIR (see tests/lib.sh), each whole and
# symbolized, after the suite, the test and the command line it came
# from.  Prints nothing and exits 0 when there is none; exits 1 when
# there is any.

dir=$1
here=$(cd "$(dirname "$0")" && pwd)
status=0
for r in "$dir"/asan.* "$dir"/ubsan.*; do
	[ -f "$r" ] || continue
	status=1
	# asan.SUITE.TEST.PID, or asan.PID from a process outside any test
	base=${r##*/}
	rest=${base#*.}
	pid=${rest##*.}
	case $rest in
	*.*.*)
		st=${rest%.*}
		suite=${st%%.*}
		test=${st#*.}
		;;
	*)
		st=none suite="(none)" test="(none)"
		;;
	esac
	cmd=$(sed -n "s/^$pid //p" "$dir/cmdline.$st" 2>/dev/null | head -n 1)
	echo "=== sanitizer report $r"
	echo "=== suite $suite, test $test, process $pid: ${cmd:-(command line not recorded)}"
	bash "$here/symbolize.sh" "$r"
done
exit $status
