# What /proc says about a running process, for the fault and load suites:
# source after lib.sh.  Each helper takes a PID and prints one number.

# The PID of the (first) child of $1: the sockcat under a timeout(1)
# started by server or bg.  Waits up to $SC_WAIT s for the child to exist.
child_pid() {
	wait_until has_child "$1" || return 1
	_c=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
	echo "${_c%% *}"
}
has_child() {
	[ -n "$(cat "/proc/$1/task/$1/children" 2>/dev/null)" ]
}

# The words process $1 runs, spaced; runs_words PID WORDS: does it run
# those yet (a child runs its parent's until it has called exec)?
words_of() {
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | sed 's/ $//'
}
runs_words() {
	[ "$(words_of "$1")" = "$2" ]
}

# Open descriptors.
fd_count() {
	ls "/proc/$1/fd" 2>/dev/null | wc -l
}

# The lowest descriptor number process $1 has free: the next one it
# would get, so a limit of that many leaves it none.
lowest_free_fd() {
	_n=0
	while [ -e "/proc/$1/fd/$_n" ]; do
		_n=$((_n + 1))
	done
	echo "$_n"
}

# Resident memory in kB.
rss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"
}

# CPU time used so far (user + system), in clock ticks.
cpu_ticks() {
	# Fields 14 and 15, counted after the command name in parentheses.
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# Bytes the process has read so far, from anything.
rchar() {
	sed -n 's/^rchar: //p' "/proc/$1/io"
}

# rchar_at_least PID BYTES: has PID read that many bytes yet?
rchar_at_least() {
	[ "$(rchar "$1")" -ge "$2" ] 2>/dev/null
}

# Is descriptor $1 of this shell (an open file shared with a child)
# non-blocking?  Asked through fcntl(2): /proc's fdinfo may be stale.
fd_nonblocking() {
	python3 -c 'import fcntl, os, sys
sys.exit(0 if fcntl.fcntl(int(sys.argv[1]), fcntl.F_GETFL) & os.O_NONBLOCK else 1)' "$1"
}

# pid_fd_nonblocking PID FD: whether descriptor FD of process PID is
# non-blocking (its own description's flags, from /proc).
pid_fd_nonblocking() {
	python3 -c 'import os, sys
f = open("/proc/%s/fdinfo/%s" % (sys.argv[1], sys.argv[2])).read()
sys.exit(0 if int(f.split("flags:")[1].split()[0], 8) & os.O_NONBLOCK else 1)' \
	    "$1" "$2"
}

# Wait up to $2 seconds (default 5) until the bytes process $1 reads stop
# growing for half a second: it has filled every buffer and is blocked.
# Prints the final count.
wait_rchar_flat() {
	_deadline=$(deadline "${2:-$SC_WAIT}")
	_prev=$(rchar "$1")
	while :; do
		sleep 0.5
		_cur=$(rchar "$1")
		if [ "$_cur" = "$_prev" ]; then
			echo "$_cur"
			return 0
		fi
		_prev=$_cur
		[ "$(now_ms)" -ge "$_deadline" ] && { echo "$_cur"; return 1; }
	done
}
