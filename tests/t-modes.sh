#!/bin/bash
# The modes of sockcat's own (--broker, --room, --chat, --forward, the
# proxy server): each takes no other mode, no near end (-e, -c, --fifo)
# and no option it does not use.  The rows of src/front/mode.c say so
# (--dump-modes); this suite walks them: every refusal they declare is
# one line, status 1, before anything is set up.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

# mode_args FACT: a command line that runs the mode FACT selects.
mode_args() {
	case $1 in
	--chat) echo "-l --chat 1" ;;
	--forward) echo "-lk 1 --forward 127.0.0.1:1" ;;
	--room) echo "--room 1" ;;
	--broker) echo "--broker 1" ;;
	proxy-server) echo "-l --proxy-type socks5 1" ;;
	--relay) echo "--relay 1" ;;
	*) return 1 ;;
	esac
}

# mode_name FACT: how the refusal names the mode.
mode_name() {
	case $1 in
	proxy-server) echo "-l --proxy-type" ;;
	*) echo "$1" ;;
	esac
}

# fact_text FACT: how a refusal names what it refuses.
fact_text() {
	case $1 in
	proxy-server) echo "proxy server" ;;
	bare-stamp) echo "--timestamp without -o or --hex-dump" ;;
	*) printf '%s\n' "$1" ;;
	esac
}

# fact_args FACT: the fact as options on a command line, with a value
# of the kind its --dump-options row names.
fact_args() {
	case $1 in
	proxy-server) echo "--proxy-type socks5"; return ;;
	bare-stamp) echo "--timestamp"; return ;;
	esac
	_name=${1#-}
	_name=${_name#-}
	awk -F'\t' -v n="$_name" -v s="$1" '
	    ($1 == n && length(n) == 1) || $2 == n {
		v = ""
		if ($3 != "none") {
			a = $4
			if (a ~ /TIME|SECONDS|INTERVAL|TIMEOUT/) v = "1"
			else if (a ~ /FILE|PATH|FIFO/) v = "/dev/null"
			else if (a ~ /forever/) v = "3"
			else if (a ~ /MAX|N$|LIMIT/) v = "3"
			else if (a ~ /TEXT/) v = "hello"
			else if (a ~ /FORMAT/) v = "iso"
			else v = "x"
		}
		if ($3 == "optional" && v != "") print s "=" v
		else if (v != "") print s " " v
		else print s
		exit
	    }' "$SC_TMP/options"
}

setUp() {
	sc_tmp
	t 5 "$SC" --dump-options >"$SC_TMP/options" ||
	    fail "no --dump-options"
	t 5 "$SC" --dump-modes >"$SC_TMP/modes" || fail "no --dump-modes"
}

# refused FACT F ARGS...: sockcat ARGS is refused in one line, status 1,
# nothing on stdout, the line naming F as what the mode of FACT (or the
# mode F, when F is one too and its row comes first) takes no part of.
refused() {
	local fact=$1 f=$2 name
	shift 2
	t 5 "$SC" "$@" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status of $*" 1 $?
	assertEquals "stdout of $*" "" "$(<"$SC_TMP/out")"
	assertEquals "one line for $*" 1 "$(wc -l <"$SC_TMP/err")"
	name=$(mode_name "$fact")
	case $(<"$SC_TMP/err") in
	"sockcat: $name "*": it takes no $(fact_text "$f")") ;;
	"sockcat: $f is a mode of its own: it takes no $(fact_text "$fact")") ;;
	"sockcat: cannot use "*) ;;
	*) fail "$*: $(<"$SC_TMP/err")" ;;
	esac
}

# Every row: each mode and near end it takes none of, and each option it
# does not use, refused in one line naming it.
test_every_row_refuses_what_it_declares() {
	local fact others unused f args n=0
	while IFS=$'\t' read -r fact others unused; do
		args=$(mode_args "$fact") ||
		    fail "the test knows no mode $fact: add it to mode_args"
		for f in $others $unused; do
			# shellcheck disable=SC2046
			refused "$fact" "$f" $args $(fact_args "$f")
			n=$((n + 1))
		done
	done <"$SC_TMP/modes"
	assertTrue "the rows refuse something: $n" "[ $n -gt 100 ]"
}

# The command lines that ran one mode and dropped the rest in silence.
test_two_modes_refused() {
	expect_error "--broker is a mode of its own: it takes no -e" \
	    -l --broker -e /bin/cat 1
	expect_error "--broker is a mode of its own: it takes no --fifo" \
	    -l --broker --fifo f 1
	expect_error "--room is a mode of its own: it takes no -c" \
	    -l --room -c cat 1
	expect_error "--broker is a mode of its own: it takes no proxy server" \
	    -l --broker --proxy-type socks5 1
	expect_error "--chat is a mode of its own: it takes no --forward" \
	    --chat -l 1 --forward 127.0.0.1:2
	expect_error "--broker is a mode of its own: it takes no -i or -W" \
	    --broker -W 3 -i 1 1
}

# netcat's own modes keep netcat's ways: what they do not use is not
# refused (nc -l -i 1 runs, as netcat's does).
test_nc_modes_untouched() {
	run_ok() {
		t 5 "$SC" "$@" </dev/null >/dev/null 2>"$SC_TMP/err"
		[ "$?" -ne 1 ] || ! grep -q 'takes no' "$SC_TMP/err"
	}
	assertTrue "-z -i" "run_ok -z -i 1 127.0.0.1 1"
	assertTrue "-N -W" "run_ok -N -W 1 -w 1 127.0.0.1 1"
}

sc_run_shunit2
