# Shared by bench/forward, bench/relay and bench/cores: the work
# directory and what was started in it, ports, waits, the forwarder's
# processes, CPU and memory read from /proc, the peers' configurations,
# medians and ratios.  Sourced after the caller sets WORK.

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

# turn R WORD...: the words in round R's order: every other round
# backwards, so that none always follows the same one.
turn() {
	_r=$1
	shift
	if [ $((_r % 2)) -eq 0 ]; then
		echo "$@"
	else
		echo "$@" | tr ' ' '\n' | tac | tr '\n' ' '
	fi
}

# The tools of round r, in the order of that round, the direct
# connection first or last.
order() { turn "$1" direct $TOOLS; }

# The peers, as Debian installs them (sh .ci/setup --bench).
NGINX_STREAM=/usr/lib/nginx/modules/ngx_stream_module.so

# haproxy_conf THREADS PORT TARGET...: a TCP-mode configuration (THREADS
# empty: HAProxy's default) on 127.0.0.1:PORT, round robin over the
# TARGET ports of 127.0.0.1.  Time-outs long enough for idle rounds.
haproxy_conf() {
	cat <<EOF
global
	maxconn 9000
${1:+	nbthread $1}
defaults
	mode tcp
	timeout connect 10s
	timeout client 1h
	timeout server 1h
frontend f
	bind 127.0.0.1:$2
	default_backend b
backend b
	balance roundrobin
EOF
	_n=0
	for _t in "${@:3}"; do
		_n=$((_n + 1))
		printf '\tserver s%d 127.0.0.1:%s\n' "$_n" "$_t"
	done
}

# nginx_conf WORKERS PORT TARGET...: the stream module with WORKERS
# worker processes, round robin (its default) over the TARGET ports,
# everything it writes in $WORK/nginx.
nginx_conf() {
	cat <<EOF
load_module $NGINX_STREAM;
daemon off;
worker_processes $1;
worker_rlimit_nofile 20000;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log error;
events {
	worker_connections 20000;
}
stream {
	upstream b {
EOF
	for _t in "${@:3}"; do
		printf '\t\tserver 127.0.0.1:%s;\n' "$_t"
	done
	cat <<EOF
	}
	server {
		listen 127.0.0.1:$2;
		proxy_pass b;
		proxy_timeout 1h;
	}
}
EOF
}

# start_haproxy THREADS PORT TARGET..., start_nginx WORKERS PORT
# TARGET...: the peer in the foreground, put in this shell's background
# under $ON (a command in front of it, taskset's, or nothing).
ON=
start_haproxy() {
	haproxy_conf "$@" >"$WORK/haproxy.cfg"
	$ON haproxy -db -f "$WORK/haproxy.cfg" </dev/null >/dev/null 2>&1 &
}
start_nginx() {
	mkdir -p "$WORK/nginx"
	nginx_conf "$@" >"$WORK/nginx/nginx.conf"
	$ON nginx -e "$WORK/nginx/error.log" -p "$WORK/nginx" \
	    -c "$WORK/nginx/nginx.conf" </dev/null >/dev/null 2>&1 &
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
