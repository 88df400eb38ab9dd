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

# tree TOOL PID: "DESCRIPTORS RSS_KIB PROCESSES CPU_TICKS" of PID and all
# its descendants, in one look at /proc however many thousand there are;
# the CPU time includes the children they have reaped.
tree() {
	python3 - "$1" <<'EOF'
import os, sys
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
todo, fds, rss, n, cpu = [sys.argv[1]], 0, 0, 0, 0
while todo:
    p = todo.pop()
    todo += kids.get(p, [])
    try:
        fds += len(os.listdir("/proc/%s/fd" % p))
        with open("/proc/%s/stat" % p) as f:
            st = f.read().rsplit(")", 1)[1].split()
        cpu += sum(int(x) for x in st[11:15])
        with open("/proc/%s/status" % p) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
        n += 1
    except OSError:
        pass
print(fds, rss, n, cpu)
EOF
}

cpu_ticks() { set -- $(tree "$1"); echo "${4:-0}"; }
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
