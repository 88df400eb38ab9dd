# Shared by bench/forward and bench/relay: the work directory and what
# was started in it, ports, waits, the forwarder's processes, CPU and
# memory read from /proc, medians and ratios.  Sourced after the caller
# sets WORK.

# Every process started is noted in $WORK/pids, also those started in
# a command substitution's subshell, which the shell's own list misses.
keep_pid() { echo "$1" >>"$WORK/pids"; }
cleanup() {
	[ -f "$WORK/pids" ] && kill $(cat "$WORK/pids") 2>/dev/null
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_listen PORT|PATH: until something listens there (TCP, UDP, or a
# Unix-domain path).
wait_listen() {
	for _ in $(seq 1000); do
		case $1 in
		/*) [ -S "$1" ] && return 0 ;;
		*) ss -Hltun "sport = :$1" | grep -q . && return 0 ;;
		esac
		sleep 0.01
	done
	echo "bench: nothing listens on $1" >&2
	return 1
}

now() { _r=${EPOCHREALTIME/[.,]/}; echo $((_r / 1000)); }

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : "-") }'; }

# tree PID: "DESCRIPTORS RSS_KIB PROCESSES CPU_TICKS CPU_NS PIDS" of PID
# and all its descendants, in one look at /proc however many thousand
# there are; the CPU time includes the children they have reaped.
# CPU_NS is the time on a processor in nanoseconds, from every thread's
# schedstat, beside the ticks of the children reaped (those have no
# schedstat left); PIDS, the processes, joined by commas.
tree() {
	python3 - "$1" <<'EOF'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
kids = {}
for p in os.listdir("/proc"):
    if not p.isdigit():
        continue
    try:
        with open("/proc/%s/stat" % p) as f:
            ppid = f.read().rsplit(")", 1)[1].split()[1]
    except OSError:
        continue
    kids.setdefault(ppid, []).append(p)
todo, fds, rss, n, cpu, ns, pids = [sys.argv[1]], 0, 0, 0, 0, 0, []
while todo:
    p = todo.pop()
    todo += kids.get(p, [])
    try:
        fds += len(os.listdir("/proc/%s/fd" % p))
        with open("/proc/%s/stat" % p) as f:
            st = f.read().rsplit(")", 1)[1].split()
        cpu += sum(int(x) for x in st[11:15])
        reaped = sum(int(x) for x in st[13:15]) * 10**9 // tick
        for t in os.listdir("/proc/%s/task" % p):
            with open("/proc/%s/task/%s/schedstat" % (p, t)) as f:
                reaped += int(f.read().split()[0])
        ns += reaped
        with open("/proc/%s/status" % p) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
        n += 1
        pids.append(p)
    except OSError:
        pass
print(fds, rss, n, cpu, ns, ",".join(pids) or "-")
EOF
}

cpu_ticks() { set -- $(tree "$1"); echo "${4:-0}"; }
cpu_ns() { set -- $(tree "$1"); echo "${5:-0}"; }

# syscalls PID COMMAND...: system calls a connection of PID and its
# descendants (strace -c -f on each, so threads and processes forked
# later count too) while COMMAND runs, which prints how many connections
# it made, then "SYSCALLS_PER_CONN NAME:PER_CONN ..." (the five most
# frequent), or "-" without strace.  strace slows what it traces: this is
# a count, never a time.
syscalls() {
	_pid=$1
	shift
	command -v strace >/dev/null || { echo -; return; }
	_ps=$(set -- $(tree "$_pid"); echo "${6:--}")
	[ "$_ps" = - ] && { echo -; return; }
	strace -c -f -o "$WORK/strace.out" $(echo "$_ps" | tr ',' '\n' |
	    sed 's/^/-p /') 2>/dev/null &
	_spid=$!
	sleep 1	# attached
	_n=$("$@")
	sleep 0.3
	kill -TERM "$_spid" 2>/dev/null
	wait "$_spid" 2>/dev/null
	awk -v n="$_n" '$NF == "total" { tot = $4 }
	    $1 ~ /^[0-9.]+$/ && $NF != "total" { c[$NF] = $4 }
	    END {
		if (n + 0 <= 0 || tot == "") { print "-"; exit }
		printf "%.2f", tot / n
		for (i = 0; i < 5; i++) {
			best = ""
			for (s in c)
				if (best == "" || c[s] + 0 > c[best] + 0)
					best = s
			if (best == "")
				break
			printf " %s:%.2f", best, c[best] / n
			delete c[best]
		}
		printf "\n" }' "$WORK/strace.out"
}
TICK=$(getconf CLK_TCK)

# backend NAME echo|sink [unix:PATH | udp]: an echod; its port in BPORT.
backend() {
	rm -f "$WORK/$1.port"
	"$WORK/echod" "$2" "$WORK/$1.port" ${3:+"$3"} &
	keep_pid "$!"
	for _ in $(seq 500); do
		[ -s "$WORK/$1.port" ] && break
		sleep 0.01
	done
	BPORT=$(cat "$WORK/$1.port")
}

# The tools of round r, in the order of that round: every other round
# backwards, so that no tool always follows the same one.
order() {
	if [ $(($1 % 2)) -eq 0 ]; then
		echo direct $TOOLS
	else
		echo $TOOLS direct | tr ' ' '\n' | tac | tr '\n' ' '
	fi
}

# ratio A B: A / B, or "-" when either is missing.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
# paired A B: the median over the rounds of A's figure / B's in the same
# round (A and B: lists in round order), or "-".
paired() {
	paste -d ' ' <(echo $1 | tr ' ' '\n') <(echo $2 | tr ' ' '\n') |
	    awk '$1 + 0 > 0 && $2 + 0 > 0 { printf "%.4f\n", $1 / $2 }' |
	    median | awk '{ if ($1 == "-") print "-"; else printf "%.2f", $1 }'
}
# held NAME RATIO OP TARGET: the ratio, and whether it meets its target.
held() {
	awk -v n="$1" -v r="$2" -v op="$3" -v t="$4" 'BEGIN {
		if (r == "-") { printf "%-34s %6s\n", n, "-"; exit }
		ok = op == ">=" ? r >= t : r <= t
		printf "%-34s %6s  (target %s %s: %s)\n", n, r, op, t,
		    ok ? "met" : "MISSED" }'
}
