#!/bin/bash
# socat's own test suite (test.sh of Debian's socat source) run against
# sockcat invoked as socat, in a private network namespace (unshare -n,
# its loopback up), and optionally against the real socat the same way:
# prints each one's count of tests passed and the names of the tests
# sockcat fails that socat passes.  "make check-socat" runs it.
#
#   tests/socat-suite.sh SOCKCAT [TESTS...]
#
# The source comes from $SOCAT_SRC (an unpacked socat-1.7.4.4), or is
# fetched once into $SOCAT_CACHE (default ~/.cache/sockcat-socat) with
# apt-get source, through a private deb-src list: the system's apt
# configuration is not touched.  A shim answers -V and -h with the real
# socat's, so that test.sh's probes (its features, its address names)
# run every test; everything else runs sockcat under socat's name.
# SOCAT_SUITE_REAL=1 also runs the real socat, for the comparison.
set -u

sockcat=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
real=$(command -v socat) || { echo "no socat installed" >&2; exit 77; }
unshare -n true 2>/dev/null ||
    { echo "unshare -n not permitted: skipping" >&2; exit 77; }

cache=${SOCAT_CACHE:-$HOME/.cache/sockcat-socat}
dir=${SOCAT_SRC:-}
if [ -z "$dir" ]; then
	dir=$(ls -d "$cache"/socat-1.7.* 2>/dev/null | head -n 1)
fi
if [ -z "$dir" ]; then
	mkdir -p "$cache/lists/partial" || exit 1
	echo "deb-src http://deb.debian.org/debian bookworm main" \
	    >"$cache/src.list"
	apt="-o Dir::Etc::sourcelist=$cache/src.list
	    -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$cache/lists"
	# shellcheck disable=SC2086
	(cd "$cache" && apt-get $apt update >/dev/null &&
	    apt-get $apt source --download-only socat >/dev/null) ||
	    { echo "cannot fetch socat's source" >&2; exit 1; }
	(cd "$cache" && tar xzf socat_*.orig.tar.gz) || exit 1
	dir=$(ls -d "$cache"/socat-1.7.* | head -n 1)
fi
[ -f "$dir/test.sh" ] || { echo "no test.sh in $dir" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/socat-suite.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# The shim: socat's -V and -h (and -?, -?? and -???, test.sh's
# testoptions spellings of them) for the probes; sockcat under socat's
# name (a link) for everything else, as test.sh calls it: its sleeps
# (psleep and usleep run "socat -T SECONDS pipe pipe") and its servers,
# which it waits for, with no time limit of their own.  The whole run has
# one (run()).
mkdir "$work/bin" && ln -s "$sockcat" "$work/bin/socat" || exit 1
cat >"$work/socat" <<EOF
#!/bin/bash
case "\$*" in
-V|-h|-hh|-hhh|-\\?|-\\?\\?|-\\?\\?\\?) exec "$real" "\$@" ;;
esac
exec "$work/bin/socat" "\$@"
EOF
chmod +x "$work/socat"

# run NAME SOCAT: test.sh with SOCAT, in a network namespace of its
# own and a copy of the source of its own (test.sh makes and removes its
# certificates there: two runs must not share it), its output in
# $work/NAME.out.  FILAN names the installed filan, which test.sh looks
# for beside SOCAT, where the real socat has it and the shim has not.
run() {
	rm -rf "$work/src.$1" && cp -r "$dir" "$work/src.$1" || return 1
	(cd "$work/src.$1" && FILAN=$(command -v filan || echo false) \
	    timeout 7200 unshare -n bash -c '
	    ip link set lo up
	    SOCAT="$1" bash ./test.sh "${@:2}"' _ "$2" "${@:3}") \
	    >"$work/$1.out" 2>"$work/$1.err" </dev/null
}

# passed NAME: the names of the tests that passed, one a line.
passed() {
	sed 's/\x1b\[[0-9;]*m//g' "$work/$1.out" |
	    sed -n 's/^test *[0-9]* \([A-Za-z0-9_.+-]*\):.*OK.*/\1/p' |
	    sort -u
}

run sockcat "$work/socat" "$@"
passed sockcat >"$work/sockcat.ok"
echo "sockcat as socat: $(grep -m1 '^Summary' "$work/sockcat.out")"
echo "sockcat as socat: $(wc -l <"$work/sockcat.ok") tests passed"
# The measure: of the tests the real socat passes here, less those of
# raw IP, libwrap, TUN and SCTP (socat-suite.list), how many pass, and
# the names of those that do not.
list=$(dirname "$0")/socat-suite.list
if [ $# = 0 ] && [ -f "$list" ]; then
	echo "sockcat as socat: $(comm -12 "$list" "$work/sockcat.ok" |
	    wc -l) of the $(wc -l <"$list") in socat-suite.list pass"
	echo "in socat-suite.list, not passed:"
	comm -23 "$list" "$work/sockcat.ok" | tr '\n' ' ' | fold -s -w 72
	echo
fi
if [ "${SOCAT_SUITE_REAL:-0}" = 1 ]; then
	run socat "$real" "$@"
	passed socat >"$work/socat.ok"
	echo "socat:            $(grep -m1 '^Summary' "$work/socat.out")"
	echo "socat:            $(wc -l <"$work/socat.ok") tests passed"
	echo "passed by socat, not by sockcat:"
	comm -23 "$work/socat.ok" "$work/sockcat.ok" | tr '\n' ' ' |
	    fold -s -w 72
	echo
fi
if [ -n "${SOCAT_SUITE_KEEP:-}" ]; then
	cp "$work"/*.out "$work"/*.err "$SOCAT_SUITE_KEEP"/ 2>/dev/null
fi
exit 0
