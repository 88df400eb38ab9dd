#!/bin/bash
# The documentation agrees with the program: every option of --help is in
# the manual and in the bash, zsh and fish completions, and in one topic,
# which --help TOPIC lists; the manual's pages are what doc/man/gen.py
# makes of their sources, each clean for mandoc, and all installed; the
# bash completion, loaded in bash, completes options and their values.
# And tests/README.md indexes every suite and helper, and doc/design.md's
# map names every file of src/, and every function it names exists.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

: "${COMPLETIONS_DIR:=$(dirname "$0")/../completions}"
MANGEN=$(dirname "$MANPAGE")/man/gen.py
: "${CI_DIR:=$(dirname "$MANPAGE")/../.ci}"
BASH_COMPLETION_LIB=/usr/share/bash-completion/bash_completion

# The options of "sockcat --help" (or of a file of its lines), one per
# line: "-x" or "--long"; two share a line as "--allow ADDRESS,
# --allowfile FILE".
help_options() {
	if [ $# -eq 0 ]; then "$SC" --help; else cat "$1"; fi | sed -n \
	    -e 's/^      \(--[a-z0-9-]*\)\( [^ ,]*\|\[=[A-Z]*\]\)\{0,1\}, \(--[a-z0-9-]*\|-[A-Za-z0-9]\)\([ [].*\)\{0,1\}$/\1\n\3/p' \
	    -e 't' \
	    -e 's/^  \(-[^-]\), \(--[a-z0-9-]*\).*/\1\n\2/p' \
	    -e 's/^  \(-[A-Za-z0-9]\) .*/\1/p' \
	    -e 's/^      \(--[a-z0-9-]*\).*/\1/p'
}

oneTimeSetUp() {
	OPTIONS=$(help_options)
}

# Is $1 one of the options of --help?  In the shell: no process per word.
is_option() {
	case "
$OPTIONS
" in
	*"
$1
"*) return 0 ;;
	esac
	return 1
}

# options_without LONG SHORT FILE: the options of --help that no line of
# FILE matches, one a line.  LONG and SHORT are extended regular
# expressions for the long and the short options, in which OPT stands for
# the option (--listen, -l) and NAME for it without its dashes.  One awk
# for every option, not a grep each.
options_without() {
	echo "$OPTIONS" | SC_LONG=$1 SC_SHORT=$2 awk '
	    NR == FNR { opts[++n] = $0; next }
	    { lines[++m] = $0 }
	    END {
		for (i = 1; i <= n; i++) {
			o = opts[i]
			name = o
			sub(/^--?/, "", name)
			p = o ~ /^--/ ? ENVIRON["SC_LONG"] : ENVIRON["SC_SHORT"]
			gsub(/OPT/, o, p)
			gsub(/NAME/, name, p)
			for (j = 1; j <= m; j++)
				if (lines[j] ~ p)
					break
			if (j > m)
				print o
		}
	    }' - "$3"
}

test_help_lists_options() {
	# A guard for the extraction itself: it must see the known options.
	assertContains "$OPTIONS" "-l"
	assertContains "$OPTIONS" "--listen"
	assertContains "$OPTIONS" "--stats"
	assertContains "$OPTIONS" "--progress"
	assertTrue "at least 40 options" "[ $(echo "$OPTIONS" | wc -l) -ge 40 ]"
}

test_help_is_short_grouped_and_same_as_h() {
	t 5 "$SC" --help >"$SC_TMP/long" 2>"$SC_TMP/long.err"
	assertEquals "--help status" 0 $?
	t 5 "$SC" -h >"$SC_TMP/short" 2>"$SC_TMP/short.err"
	assertEquals "-h status" 0 $?
	assertEquals "-h is --help" "$(<"$SC_TMP/long")" "$(<"$SC_TMP/short")"
	assertEquals "nothing on stderr" "" "$(cat "$SC_TMP/long.err" "$SC_TMP/short.err")"
	for group in "Connection:" "Data and end of file:" "Socket options:" \
	    "Information:" "Examples:"; do
		assertTrue "group $group" "grep -qx '$group' '$SC_TMP/long'"
	done
	assertTrue "an example" "grep -q '^  sockcat -l 5000 > file' '$SC_TMP/long'"
	# Two screens of 70 lines (less one), the commonest jobs' examples included.
	assertTrue "fits two screens" "[ $(wc -l <"$SC_TMP/long") -le 139 ]"
	wide=$(awk 'length > 79' "$SC_TMP/long" | wc -l)
	assertEquals "lines wider than 79 columns" 0 "$wide"
}

# "sockcat --help TOPIC" for each topic: its page and summary first (as
# --dump-topics gives them), then exactly the options of the table whose
# topic it is, each on a line of its own, no line wider than 79 columns;
# and --help's last line names every topic.
test_help_for_each_topic() {
	t 5 "$SC" --dump-topics >"$SC_TMP/topics"
	assertEquals "dump status" 0 $?
	t 5 "$SC" --dump-options >"$SC_TMP/table"
	assertEquals "eight topics" 8 "$(wc -l <"$SC_TMP/topics")"
	while IFS=$'\t' read -r name page section summary; do
		t 5 "$SC" --help "$name" >"$SC_TMP/h.out" 2>"$SC_TMP/h.err"
		assertEquals "$name: status" 0 $?
		assertEquals "$name: stderr" "" "$(<"$SC_TMP/h.err")"
		assertEquals "$name: first line" "$page($section): $summary" \
		    "$(head -n 1 "$SC_TMP/h.out")"
		assertEquals "$name: its options" "$(awk -F '\t' -v t="$name" \
		    '$12 == t { if ($1 != "-") print "-" $1
		    if ($2 != "-") print "--" $2 }' "$SC_TMP/table" | sort)" \
		    "$(help_options "$SC_TMP/h.out" | sort)"
		assertEquals "$name: wide lines" "" \
		    "$(awk 'length > 79' "$SC_TMP/h.out")"
		assertContains "--help's last line names $name" \
		    " $("$SC" --help | tail -n 1) " " $name "
	done <"$SC_TMP/topics"
	# A guard for the loop: a topic with options, one without.
	t 5 "$SC" -h websocket | grep -q -- '^      --ws-ping TIME ' ||
	    fail "-h websocket lists --ws-ping"
	t 5 "$SC" -h socat | grep -q '^  socat \[options\]' ||
	    fail "-h socat gives its form"
}

# A topic that does not exist: one line that names the topics, status 1,
# nothing on stdout.
test_help_topic_that_does_not_exist() {
	for word in nosuch websockets; do
		t 5 "$SC" --help "$word" >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "$word: status" 1 $?
		assertEquals "$word: stdout" "" "$(<"$SC_TMP/out")"
		assertEquals "$word: the one line" "sockcat: no help topic $word; the topics are core addresses servers websocket tls terminal socat sessions" \
		    "$(<"$SC_TMP/err")"
	done
}

# topic_problems DIR: what is wrong with the topics of the options, as
# DIR holds them: table (--dump-options), topics (--dump-topics), help
# (--help) and help.TOPIC (--help TOPIC) for each topic.  One line each:
# a row whose topic is none of the topics, an option of --help that no
# topic lists, one that two list.
topic_problems() {
	cut -f 1 "$1/topics" >"$1/names"
	cut -f 1,2,12 "$1/table" |
	    awk -F '\t' '{ print ($2 != "-" ? "--" $2 : "-" $1) "\t" $3 }' |
	    while IFS=$'\t' read -r opt topic; do
		grep -qxF -- "$topic" "$1/names" ||
		    echo "$opt: no such topic: $topic"
	done
	while read -r name; do
		help_options "$1/help.$name"
	done <"$1/names" | sort >"$1/listed"
	help_options "$1/help" | sort -u >"$1/all"
	comm -23 "$1/all" "$1/listed" | sed 's/$/: in no topic/'
	uniq -d "$1/listed" | sed 's/$/: in two topics/'
}

# topic_files DIR: the table, the topics and the help texts in DIR.
topic_files() {
	mkdir -p "$1"
	t 5 "$SC" --dump-options >"$1/table"
	t 5 "$SC" --dump-topics >"$1/topics"
	t 5 "$SC" --help >"$1/help"
	cut -f 1 "$1/topics" | while read -r name; do
		t 5 "$SC" --help "$name" >"$1/help.$name"
	done
}

# Every option is in exactly one topic: its row names one of the topics,
# and of the --help TOPIC listings exactly one has it.  The check finds
# a row with a topic that is none, an option two topics list and one
# that none does.
test_every_option_is_in_exactly_one_topic() {
	topic_files "$SC_TMP/tp"
	assertEquals "topic problems" "" "$(topic_problems "$SC_TMP/tp")"
	assertTrue "some options" "[ $(wc -l <"$SC_TMP/tp/listed") -gt 100 ]"
	# Broken on purpose: --ws-ping's row names no topic there is, --stats
	# is listed by "tls" too, --room by none.
	sed -i 's/\tws-ping\t\(.*\)\twebsocket$/\tws-ping\t\1\twebsockets/' \
	    "$SC_TMP/tp/table"
	grep -- '^      --stats ' "$SC_TMP/tp/help.core" >>"$SC_TMP/tp/help.tls"
	sed -i '/--room /d' "$SC_TMP/tp/help.servers"
	assertEquals "a broken table found" "--ws-ping: no such topic: websockets
--room: in no topic
--stats: in two topics" "$(topic_problems "$SC_TMP/tp")"
}

# The pages are what doc/man/gen.py makes of doc/man/ and the option
# table, as committed: a change to a source, a row or the changelog's
# date without "make man" fails here.
test_pages_are_made_from_their_sources() {
	t 30 python3 "$MANGEN" --check --out "$(dirname "$MANPAGE")" "$SC" \
	    >"$SC_TMP/out" 2>&1
	assertEquals "status" 0 $?
	assertEquals "the pages differ from what their sources make (make man)" \
	    "" "$(head -n 40 "$SC_TMP/out")"
	# And the check sees a page that differs: a copy of doc/ with one
	# word changed in a source.
	mkdir -p "$SC_TMP/doc"
	cp -R "$(dirname "$MANGEN")" "$SC_TMP/doc/man"
	for p in $(manual_pages); do
		cp "$p" "$SC_TMP/doc/"
	done
	sed -i 's/^Use IPv4 addresses only\.$/Use IPv4 only./' \
	    "$SC_TMP/doc/man/opt/ipv4.mdoc"
	t 30 python3 "$SC_TMP/doc/man/gen.py" --check --changelog \
	    "$(dirname "$MANGEN")/../../debian/changelog" "$SC" \
	    >"$SC_TMP/out" 2>&1
	assertEquals "status when stale" 1 $?
	assertContains "the diff" "$(<"$SC_TMP/out")" "+Use IPv4 only."
}

# gen_broken WHAT: run doc/man/gen.py on a copy of doc/man/ broken by the
# shell command WHAT (run in the copy); its status and one line.
gen_broken() {
	rm -rf "$SC_TMP/gen"
	mkdir -p "$SC_TMP/gen/out"
	cp -R "$(dirname "$MANGEN")" "$SC_TMP/gen/man"
	t 5 "$SC" --dump-options >"$SC_TMP/gen/table"
	t 5 "$SC" --dump-topics >"$SC_TMP/gen/topics"
	(cd "$SC_TMP/gen" && eval "$1")
	t 30 python3 "$SC_TMP/gen/man/gen.py" --out "$SC_TMP/gen/out" \
	    --changelog "$(dirname "$MANGEN")/../../debian/changelog" \
	    --table "$SC_TMP/gen/table" --topics "$SC_TMP/gen/topics" \
	    >"$SC_TMP/gen/stdout" 2>"$SC_TMP/gen/stderr"
	echo "$? $(cat "$SC_TMP/gen/stdout" "$SC_TMP/gen/stderr")" |
	    sed "s|$SC_TMP/gen/||g"
}

# The generator refuses, in one line and status 1, what would make a
# wrong manual: an option without its entry, an entry without its
# option, an entry that writes its own .It, a page of section 7 whose
# Nm would print its own name, a reference to a section of another page,
# an option whose topic is none, a topic's text without its options.
test_generator_refuses_what_is_wrong() {
	assertEquals "sound" "0 " "$(gen_broken :)"
	assertEquals "a missing entry" \
	    "1 gen.py: man/opt/ws-ping.mdoc: missing: --ws-ping has no entry" \
	    "$(gen_broken 'rm man/opt/ws-ping.mdoc')"
	assertEquals "a stray entry" \
	    "1 gen.py: man/opt/ws-pong.mdoc: no such option in the table" \
	    "$(gen_broken 'echo Pong. >man/opt/ws-pong.mdoc')"
	assertEquals "an entry's own .It" \
	    "1 gen.py: man/opt/ws-ping.mdoc:1: .It: an entry is its text only (gen.py writes its .It line)" \
	    "$(gen_broken 'sed -i "1i .It Fl -ws-ping" man/opt/ws-ping.mdoc')"
	assertEquals "a bare Nm in section 7" \
	    "1 gen.py: man/opt/ws-ping.mdoc:2: Nm without a name in a page of section 7: write .Nm sockcat" \
	    "$(gen_broken 'sed -i "1a .Nm" man/opt/ws-ping.mdoc')"
	assertEquals "a section of another page" \
	    "1 gen.py: man/opt/ws-ping.mdoc:2: Sx EXIT STATUS: no such section in its page" \
	    "$(gen_broken 'sed -i "1a .Sx EXIT STATUS" man/opt/ws-ping.mdoc')"
	assertEquals "a page that is none" \
	    "1 gen.py: man/tls.mdoc:3: Xr sockcat-ssl 7: no such page" \
	    "$(gen_broken 'sed -i "2a .Xr sockcat-ssl 7" man/tls.mdoc')"
	assertEquals "a topic that is none" \
	    "1 gen.py: option --ws-ping: no topic websockets" \
	    "$(gen_broken 'sed -i "s/\tws-ping\t\(.*\)\twebsocket\$/\tws-ping\t\1\twebsockets/" table')"
	assertEquals "no @OPTIONS" \
	    "1 gen.py: man/tls.mdoc: it has options but no @OPTIONS" \
	    "$(gen_broken 'sed -i "/@OPTIONS/d" man/tls.mdoc')"
}

test_every_option_is_in_the_manual() {
	# shellcheck disable=SC2046
	cat $(manual_pages) >"$SC_TMP/manual"
	assertEquals "options not in the manual" "" "$(options_without \
	    '^\.It .*Fl -NAME( |$)' '^\.It (Fl .*, )?Fl NAME( |$)' \
	    "$SC_TMP/manual")"
}

test_every_documented_option_exists() {
	# The option lists of the pages, not the COMPATIBILITY table.
	# (Items of lists nested in an option's text are not options.)
	for page in $(manual_pages); do
		awk '/^The options are as follows:/ { on = 1; next }
		    on && /^\.Bl/ { depth++ }
		    on && /^\.El/ { if (--depth == 0) exit }
		    on && depth == 1 && /^\.It / { sub(/^\.It /, ""); print }' \
		    "$page"
	done | tr ',' '\n' |
	    sed -n 's/^ *Fl \(-\{0,1\}[A-Za-z0-9][a-z0-9-]*\).*/-\1/p' \
	    >"$SC_TMP/documented"
	assertTrue "found the option lists" "[ $(wc -l <"$SC_TMP/documented") -gt 100 ]"
	while read -r opt; do
		is_option "$opt" || fail "$opt is documented but not in --help"
	done <"$SC_TMP/documented"
}

# lint PAGE: mandoc -Tlint's messages, STYLE and warnings included, but
# those about the system's own manual database.  From the page's
# directory, where mandoc finds the pages it refers to (sockcat-tls(7)).
lint() {
	(cd "$(dirname "$1")" && mandoc -Tlint "${1##*/}" 2>&1) |
	    grep -v 'outdated mandoc.db'
}

# Every page, sockcat(1) and each topic's, renders clean for mandoc
# -Tlint, warnings and STYLE messages included, and has its sections; a
# page a topic has is there for each topic.  The check sees a broken
# page.
test_every_page_is_lint_clean() {
	command -v mandoc >/dev/null || { sc_skip "mandoc not installed"; return; }
	for page in $(manual_pages); do
		assertEquals "mandoc -Tlint ${page##*/}" "" "$(lint "$page")"
		for sh in NAME DESCRIPTION "SEE ALSO"; do
			assertTrue "${page##*/}: section $sh" \
			    "grep -qx '.Sh $sh' '$page'"
		done
	done
	for sh in SYNOPSIS MODES "END OF FILE" "PROGRESS AND STATISTICS" \
	    "EXIT STATUS" EXAMPLES COMPATIBILITY TOPICS; do
		assertTrue "section $sh" "grep -qx '.Sh $sh' '$MANPAGE'"
	done
	assertEquals "a page for each topic" \
	    "$("$SC" --dump-topics | cut -f 2,3 | tr '\t' . | sort)" \
	    "$(manual_pages | sed 's|.*/||' | sort)"
	sed 's/^\.Xr sockcat-tls 7 ,$/.Xr sockcat-tls ,/' \
	    "$(dirname "$MANPAGE")/sockcat-servers.7" >"$SC_TMP/broken.7"
	assertContains "a broken page" "$(lint "$SC_TMP/broken.7")" \
	    "WARNING: missing section argument: Xr sockcat-tls"
}

# socat_names_missing SOURCE PAGE: the names of socat's that SOURCE
# (src/codec/addr-socat.c, its aliases, and the kinds' rows of
# addr-kinds.h beside it) reads, and those it refuses by name, that
# PAGE's table of ADDRESSES does not name (a refused one may be named by
# its family: "IP*"), in capitals, on one line.
socat_names_missing() {
	python3 - "$1" "$2" <<'PY'
import os, re, sys
src = open(sys.argv[1]).read()
kinds = open(os.path.join(os.path.dirname(sys.argv[1]),
                          "addr-kinds.h")).read()
page = (open(sys.argv[2]).read() + "\n.Sh ADDRESSES\n").split(
    "\n.Sh ADDRESSES\n")[1].split("\n.El\n")[0]
def block(name):
    return src.split(name + "[] = {", 1)[1].split("};", 1)[0]
def named(w):
    return re.search(r"(?<![A-Za-z0-9*-])" + re.escape(w) +
                     r"(?![A-Za-z0-9-])", page)
names = [w for ns in re.findall(r'\{ "([^"]+)",', block("addr_socat"))
         for w in ns.split()]
# A kind's socat names: the strings after its sixth comma.
for row in re.findall(r"^KIND\(([^)]*)\)$", kinds, re.M):
    names += "".join(re.findall(r'"([^"]*)"',
                                row.split(",", 6)[6])).split()
out = [n.upper() for n in names if n != "-" and not named(n.upper())]
# The names refused, a space-separated string (their 4 and 6 forms
# are derived from them, and named by the same family's line).
lacks = src.split("addr_socat_lacks[] =", 1)[1].split(";", 1)[0]
for n in "".join(re.findall(r'"([^"]*)"', lacks)).split():
    fam = re.match(r"[a-z]+", n).group(0).upper()
    if not named(n.upper()) and fam + "*" not in page and \
            fam + "-*" not in page:
        out.append(n.upper())
print(" ".join(out))
PY
}

# sockcat-socat(7)'s table of addresses names each of socat's names that
# the parser reads, and each it refuses, as the code's tables have them;
# the check sees a name left out.
test_socat_page_names_every_address() {
	_src=$(dirname "$MANPAGE")/../src/codec/addr-socat.c
	_page=$(dirname "$MANPAGE")/sockcat-socat.7
	[ -f "$_src" ] || { sc_skip "no sources"; return; }
	assertEquals "socat's names not in sockcat-socat(7)" "" \
	    "$(socat_names_missing "$_src" "$_page")"
	sed 's/^\.It Cm SYSTEM Ta/.It Cm SISTEM Ta/; s/^\.Cm VSOCK-L$/.Cm VSOCK-LL/' \
	    "$_page" >"$SC_TMP/page.7"
	assertEquals "two left out" "SYSTEM VSOCK-L" \
	    "$(socat_names_missing "$_src" "$SC_TMP/page.7")"
}

# make install installs every page (dist_man_MANS), and the check sees
# a page left out.
test_every_page_is_installed() {
	mk=$(dirname "$MANPAGE")/../Makefile.am
	[ -f "$mk" ] || { sc_skip "no Makefile.am"; return; }
	assertEquals "pages not in dist_man_MANS" "" \
	    "$(pages_not_installed "$mk")"
	sed 's| doc/sockcat-tls.7||' "$mk" >"$SC_TMP/Makefile.am"
	assertEquals "one left out" "sockcat-tls.7" \
	    "$(pages_not_installed "$SC_TMP/Makefile.am")"
}

# pages_not_installed MAKEFILE.AM: the pages its dist_man_MANS lacks.
pages_not_installed() {
	sed -n '/^dist_man_MANS =/,/[^\\]$/p' "$1" | tr -s ' \t\\' '\n\n\n' |
	    sed -n 's|^doc/||p' | sort >"$SC_TMP/installed"
	manual_pages | sed 's|.*/||' | sort | comm -23 - "$SC_TMP/installed"
}

# Every path of the tree that a source, a script or a document names
# (src/..., tests/..., bench/..., doc/...) exists: a file that moved leaves
# no comment, build rule or paragraph pointing at its old place.  Names
# that stand for any file (NAME, LAYER, t-foo, t-x) are not paths.
test_named_paths_exist() {
	_top=$(cd "$(dirname "$MANPAGE")/.." && pwd)
	out=$(cd "$_top" && grep -noE \
	    '(^|[^A-Za-z0-9_/.-])(src|tests|bench|doc|completions|debian)/[A-Za-z0-9_./-]+[.](c|h|sh|py|md|am|ac|1)([^A-Za-z0-9_]|$)' \
	    README.md Makefile.am configure.ac .ci/* bench/* doc/* \
	    completions/* src/*/*.[ch] tests/*.sh tests/*.py tests/fuzz/*.c \
	    2>/dev/null |
	    sed -E 's/^([^:]*:[0-9]+):[^a-z]?/\1 /; s/[^A-Za-z0-9_]$//' |
	    while read -r where path; do
		case $path in
		*NAME* | *LAYER* | */t-foo.sh | */t-x.sh) continue ;;
		esac
		[ -e "$path" ] || echo "$where: $path"
	done)
	assertEquals "paths named that do not exist" "" "$out"
}

# Every C file of the tree opens with what it is: "head -n 3 src/*/*.c"
# reads as a table of contents.  The licence is LICENSE's, named by one
# SPDX line in each file, never copied whole.
test_sources_open_with_their_purpose() {
	_top=$(cd "$(dirname "$MANPAGE")/.." && pwd)
	# The shell reads each file's first two lines; one grep each looks
	# for the SPDX line and the licence text in all of them.
	out=$(cd "$_top" && files=() &&
	    for f in src/*/*.[ch] tests/fuzz/*.c tests/*.c bench/*.c; do
		[ -f "$f" ] || continue
		files+=("$f")
		_l1="" _l2=""
		{ IFS= read -r _l1; IFS= read -r _l2; } <"$f"
		case $_l1 in
		"/* "?*) ;;
		"/*") case $_l2 in
		      " * Copyright"* | " *") echo "$f: no purpose first" ;;
		      " * "?*) ;;
		      *) echo "$f: no purpose first" ;;
		      esac ;;
		*) echo "$f: no purpose first" ;;
		esac
	done
	grep -L '^/\* SPDX-License-Identifier: ISC \*/$' "${files[@]}" |
	    sed 's/$/: no SPDX line/'
	grep -l 'Permission to use, copy' "${files[@]}" |
	    sed 's/$/: licence text copied/')
	assertEquals "file headers" "" "$out"
	assertTrue "LICENSE" "grep -q 'Permission to use, copy' '$_top/LICENSE'"
}

# -h shows the commonest jobs: a file sent with -N, a scan, a chat and the
# port it waits on.
test_help_examples_show_the_commonest_jobs() {
	t 5 "$SC" -h >"$SC_TMP/help" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	sed -n '/^Examples:$/,$p' "$SC_TMP/help" >"$SC_TMP/ex"
	for ex in 'sockcat -l 5000 > file' 'sockcat -N host 5000 < file' \
	    'sockcat -zv host 20-30' 'sockcat --chat  ' \
	    'sockcat --chat host  '; do
		assertTrue "example $ex" "grep -qF -- '  $ex' '$SC_TMP/ex'"
	done
	assertTrue "the chat's port" \
	    "grep -q '^  sockcat --chat .*port 5000' '$SC_TMP/ex'"
}

# setup_run [ARG]: .ci/setup in a copy of the tree whose apt-get, dpkg-query
# (nothing installed), id (root) and make are stand-ins: the packages it
# would install in $SC_TMP/apt, what make was asked in $SC_TMP/make.
setup_run() {
	mkdir -p "$SC_TMP/tree/.ci" "$SC_TMP/stub"
	cp "$CI_DIR/setup" "$SC_TMP/tree/.ci/setup"
	: >"$SC_TMP/tree/Makefile"
	: >"$SC_TMP/apt"
	: >"$SC_TMP/make"
	printf '#!/bin/sh\nexit 1\n' >"$SC_TMP/stub/dpkg-query"
	printf '#!/bin/sh\necho 0\n' >"$SC_TMP/stub/id"
	printf '#!/bin/sh\necho "$*" >>"%s"\n' "$SC_TMP/apt" \
	    >"$SC_TMP/stub/apt-get"
	printf '#!/bin/sh\necho "$*" >>"%s"\n' "$SC_TMP/make" \
	    >"$SC_TMP/stub/make"
	chmod +x "$SC_TMP/stub/"*
	PATH=$SC_TMP/stub:$PATH t 30 sh "$SC_TMP/tree/.ci/setup" "$@" \
	    >"$SC_TMP/setup.out" 2>&1
}

# The README's first command installs what building and running needs,
# nothing of the tests'; the second (--tests) what the tests need too,
# and builds as well, so that either works alone.
test_quick_start_installs_only_what_each_step_needs() {
	[ -f "$CI_DIR/setup" ] || { sc_skip "no .ci/setup"; return; }
	setup_run
	assertEquals "status" 0 $?
	first=$(grep ' install ' "$SC_TMP/apt")
	for p in gcc make autoconf automake pkg-config libbsd-dev libmd-dev \
	    libssl-dev; do
		assertContains "build needs $p" " $first " " $p "
	done
	for p in shunit2 chromium clang valgrind lintian debhelper zsh fish \
	    ncat python3-websockets; do
		assertNotContains "$p is the tests'" " $first " " $p "
	done
	assertEquals "built" "-j$(nproc)" "$(<"$SC_TMP/make")"
	rm -rf "$SC_TMP/tree"
	setup_run --tests
	assertEquals "status with --tests" 0 $?
	both=$(grep ' install ' "$SC_TMP/apt" | tr '\n' ' ')
	for p in gcc libssl-dev shunit2 chromium clang valgrind lintian \
	    netcat-openbsd ncat socat curl python3-websockets zsh fish; do
		assertContains "--tests installs $p" " $both " " $p "
	done
	assertEquals "built with --tests" "-j$(nproc)" "$(<"$SC_TMP/make")"
}

# readme_blocks: the code blocks of the README's quick start, one line
# each, comments taken off, a blank line between two blocks.
readme_blocks() {
	sed -n '/^## Quick start/,/^## /p' "$1" |
	    awk '/^```/ { if (!inb && ++n == 2) print ""; inb = !inb; next }
	    inb && n <= 2' | sed 's/  *#.*//'
}

# ci_commands: the commands .ci/run runs, one a line, without what it
# does when one fails.
ci_commands() {
	grep '^sh \.ci/' "$1" | sed 's/ || {.*//'
}

# The README's quick start is the build, "make install" and a chat
# between two terminals, then the tests' one command; .ci/run runs the
# same two.
test_quick_start_commands() {
	[ -f "$CI_DIR/run" ] || { sc_skip "no .ci/run"; return; }
	readme=$(dirname "$MANPAGE")/../README.md
	assertEquals "the README's commands" "sh .ci/setup && make install
sockcat --chat
sockcat --chat 127.0.0.1

sh .ci/setup --tests && sh .ci/test" "$(readme_blocks "$readme")"
	assertContains "tests/README.md" "$(cat "$(dirname "$readme")/tests/README.md")" \
	    "sh .ci/setup --tests && sh .ci/test"
	assertEquals ".ci/run" "sh .ci/setup && make install
sh .ci/setup --tests
sh .ci/test" "$(ci_commands "$CI_DIR/run")"
}

# The check itself fails as it should: a README whose quick start still
# leaves sockcat as ./sockcat, and a .ci/run that skips the install.
test_quick_start_check_finds_what_is_wrong() {
	readme=$(dirname "$MANPAGE")/../README.md
	sed 's/^sockcat --chat/.\/sockcat --chat/' "$readme" >"$SC_TMP/README"
	assertNotEquals "./sockcat seen" "$(readme_blocks "$readme")" \
	    "$(readme_blocks "$SC_TMP/README")"
	sed 's/ && make install//' "$CI_DIR/run" >"$SC_TMP/run"
	assertEquals "without the install" "sh .ci/setup
sh .ci/setup --tests
sh .ci/test" "$(ci_commands "$SC_TMP/run")"
}

# The README's first screen (60 lines) is for someone who wants to use
# sockcat: what it does, the two commands that set everything up (the
# build with a chat, then the tests, how long they take), the room and
# --readline, in plain words: no CI, sanitizers or the tests' internals.
test_readme_first_screen_is_for_a_user() {
	readme=$(dirname "$MANPAGE")/../README.md
	head -n 60 "$readme" >"$SC_TMP/screen"
	for w in 'sanitizer' 'coverage' 'valgrind' 'fuzz' '^sockchat' \
	    '`sockchat '; do
		assertFalse "no $w on the first screen" \
		    "grep -qiP '$w' '$SC_TMP/screen'"
	done
	assertFalse "no CI on the first screen" "grep -qw CI '$SC_TMP/screen'"
	for w in 'sh .ci/setup && make install' 'sockcat --chat' '127.0.0.1' \
	    'hostname -I' 'sh .ci/setup --tests && sh .ci/test' 'minutes' \
	    '--readline' '--room --websocket' ':q' 'tests/README.md'; do
		assertTrue "$w on the first screen" \
		    "grep -qF -- '$w' '$SC_TMP/screen'"
	done
	# The commands after the install find sockcat on the PATH.
	assertFalse "no ./sockcat command" "grep -q '^\./sockcat' '$SC_TMP/screen'"
}

# Debugging output (a valgrind log, a command's stderr) is never
# committed, and git ignores it.
test_no_debugging_output_in_the_tree() {
	top=$(cd "$(dirname "$MANPAGE")/.." && pwd)
	[ -e "$top/.git" ] && command -v git >/dev/null ||
	    { sc_skip "not a git clone"; return; }
	assertEquals "tracked" "" "$(git -C "$top" ls-files |
	    grep -E '(^|/)(vg[^/]*|[^/]*[.](out|err))$')"
	for f in vg.out vgc.err vg-2.out run.err; do
		assertTrue "$f is ignored" \
		    "git -C '$top' check-ignore -q --no-index '$f'"
	done
}

test_every_option_is_in_the_zsh_completion() {
	f=$COMPLETIONS_DIR/_sockcat
	assertTrue "compdef line" "head -n 1 '$f' | grep -qx '#compdef sockcat sockchat'"
	assertEquals "options not in $f" "" "$(options_without \
	    "(,OPT=?\\}|[')*]OPT(=-?)?\\[)" "(\\{OPT\\+?,|'OPT\\+?\\[)" "$f")"
	if command -v zsh >/dev/null; then
		assertTrue "zsh -n" "zsh -n '$f'"
	fi
}

test_every_option_is_in_the_fish_completion() {
	f=$COMPLETIONS_DIR/sockcat.fish
	assertEquals "options not in $f" "" "$(options_without \
	    '^complete -c sockcat .*-l NAME( |$)' \
	    '^complete -c sockcat .*-s NAME( |$)' "$f")"
	assertTrue "sockchat wraps sockcat" \
	    "grep -qx 'complete -c sockchat -w sockcat' '$COMPLETIONS_DIR/sockchat.fish'"
	if command -v fish >/dev/null; then
		assertTrue "fish -n" "fish -n '$f'"
		# --help's topic, as fish completes the word after it.
		assertEquals "fish: --help TOPIC" "websocket	topic" \
		    "$(t 10 fish --no-config -c "source '$f'
		    complete -C 'sockcat --help webs'")"
	fi
}

# The completions in real shells, as a person meets them: a shell in a
# tmux pane of its own (120x40), a line typed, Tab pressed, the screen
# read.  shell_pane SHELL ARGS...: start it, its prompt "% " awaited.
shell_pane() {
	command -v tmux >/dev/null || { sc_skip "tmux not installed"; return 1; }
	TMUX_SOCK=sc-docs-$$-$((++_sc_tmux))
	mkdir -p "$SC_TMP/home" "$SC_TMP/bin"
	ln -sf "$SC" "$SC_TMP/bin/sockcat"
	# The shell under timeout: the tmux server ends with it, whatever
	# the test does.
	t 10 tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 120 -y 40 \
	    -c "$SC_TMP/home" "env HOME=$SC_TMP/home PATH=$SC_TMP/bin:$PATH \
	    ZDOTDIR=$SC_TMP/home timeout -k 2 60 $*" || return 1
	# capture-pane leaves out trailing blanks: the prompt is "%".
	wait_until pane_has '^%$' || { fail "no prompt: $(pane)"; return 1; }
}

# pane: what the pane shows; pane_has REGEX: a line of it matches.
pane() {
	tmux -L "$TMUX_SOCK" capture-pane -p 2>/dev/null
}

pane_has() {
	pane | grep -Eq -- "$1"
}

pane_end() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	return 0
}

# zsh: Tab at an operand offers the address kinds, with no error
# (_alternative gave "compadd -S ''" its own options: nine "bad option"
# lines at every Tab), and --ws-static's argument is a directory.
test_zsh_completion_in_a_terminal() {
	command -v zsh >/dev/null || { sc_skip "zsh not installed"; return; }
	mkdir -p "$SC_TMP/home"
	printf '%s\n' "fpath=($(cd "$COMPLETIONS_DIR" && pwd) \$fpath)" \
	    'autoload -Uz compinit && compinit -u -D' "PS1='%% '" \
	    'unsetopt beep' >"$SC_TMP/home/.zshrc"
	mkdir -p "$SC_TMP/home/www" && : >"$SC_TMP/home/wfile"
	shell_pane zsh -i || return
	tmux -L "$TMUX_SOCK" send-keys 'sockcat dtl' Tab
	wait_until pane_has '^% sockcat dtls:$' ||
	    fail "an address kind: $(pane)"
	tmux -L "$TMUX_SOCK" send-keys C-u 'sockcat 127.0.0.1 ws' Tab
	wait_until pane_has 'wss://' || fail "Tab at the port: $(pane)"
	assertFalse "no error on the screen: $(pane)" \
	    "pane_has 'bad option|_alternative'"
	tmux -L "$TMUX_SOCK" send-keys C-u C-l 'sockcat --ws-static w' Tab
	wait_until pane_has '^% sockcat --ws-static www/$' ||
	    fail "--ws-static DIR: $(pane)"
	# --help's topic.
	tmux -L "$TMUX_SOCK" send-keys C-u C-l 'sockcat --help webs' Tab
	wait_until pane_has '^% sockcat --help websocket ?$' ||
	    fail "--help TOPIC: $(pane)"
	pane_end
}

# bash: --ws-static's argument is a directory, not any file.
test_bash_completion_in_a_terminal() {
	[ -f "$BASH_COMPLETION_LIB" ] || { sc_skip "bash-completion not installed"; return; }
	mkdir -p "$SC_TMP/home/www" && : >"$SC_TMP/home/wfile"
	printf '%s\n' ". $BASH_COMPLETION_LIB" \
	    ". $(cd "$COMPLETIONS_DIR" && pwd)/sockcat" \
	    "PS1='% '" 'bind "set bell-style none"' >"$SC_TMP/home/.bashrc"
	shell_pane bash --noprofile --rcfile "$SC_TMP/home/.bashrc" -i || return
	tmux -L "$TMUX_SOCK" send-keys 'sockcat --ws-static w' Tab
	wait_until pane_has '^% sockcat --ws-static www/$' ||
	    fail "--ws-static DIR: $(pane)"
	tmux -L "$TMUX_SOCK" send-keys C-u 'sockcat --ssl-cert w' Tab Tab
	wait_until pane_has 'wfile' || fail "--ssl-cert FILE: $(pane)"
	pane_end
}

# Load bash-completion and ours in a fresh bash, complete each line given
# and print one result line per input line.
bash_complete() {
	bash --norc --noprofile -c '
		. "$1" || exit 2
		. "$2" || exit 2
		shift 2
		for line in "$@"; do
			COMP_LINE=$line
			COMP_POINT=${#line}
			read -ra COMP_WORDS <<<"$line"
			[[ $line == *" " ]] && COMP_WORDS+=("")
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMPREPLY=()
			_sockcat "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
			    "${COMP_WORDS[COMP_CWORD-1]}"
			echo "${COMPREPLY[*]}"
		done' bash "$BASH_COMPLETION_LIB" "$COMPLETIONS_DIR/sockcat" "$@"
}

test_bash_completion_completes_every_option() {
	[ -f "$BASH_COMPLETION_LIB" ] || { sc_skip "bash-completion not installed"; return; }
	words=" $(bash_complete 'sockcat -') "
	for opt in $OPTIONS; do
		case $words in
		*" $opt "*) ;;
		*) fail "$opt is not completed" ;;
		esac
	done
	# And only what --help has, plus --progress= for its value.
	for w in $words; do
		[ "$w" = --progress= ] && continue
		is_option "$w" || fail "$w completed but not in --help"
	done
}

test_bash_completion_values() {
	[ -f "$BASH_COMPLETION_LIB" ] || { sc_skip "bash-completion not installed"; return; }
	bash_complete 'sockcat -X ' 'sockcat -X c' 'sockcat -T af4' \
	    'sockcat --tos low' 'sockcat --progress=al' 'sockcat --sta' \
	    'sockcat --no-' 'sockchat --keep' 'sockcat -w ' \
	    'sockcat --help ' 'sockcat -h te' >"$SC_TMP/out"
	assertEquals "status" 0 $?
	assertEquals "$(printf '%s\n' '4 4a 5 connect socks4 socks4a socks5 http' \
	    'connect' 'af41 af42 af43' \
	    'lowcost lowdelay' 'always' '--stats' '--no-stdin --no-shutdown --no-splice' '--keep-open --keepalive' '' \
	    "$("$SC" --dump-topics | cut -f 1 | tr '\n' ' ' | sed 's/ $//')" \
	    'terminal')" \
	    "$(<"$SC_TMP/out")"
	# "--progress always" would be a host: no WHEN without "=".
	out=$(bash_complete 'sockcat --progress al')
	assertNotContains "$out" "always"
}

test_bash_completion_is_registered_for_both_names() {
	[ -f "$BASH_COMPLETION_LIB" ] || { sc_skip "bash-completion not installed"; return; }
	out=$(bash --norc --noprofile -c '. "$1"; . "$2"; complete -p sockcat sockchat' \
	    bash "$BASH_COMPLETION_LIB" "$COMPLETIONS_DIR/sockcat")
	assertEquals "$(printf 'complete -F _sockcat sockcat\ncomplete -F _sockcat sockchat')" "$out"
}


# index_problems DIR: what DIR/README.md, the index of the tests, gets
# wrong about the files of DIR, one line each: "missing NAME" for a
# suite or helper that has no entry (a list item "- `NAME`: ..."),
# "stale NAME" for an entry, or a name of a suite or helper in
# backquotes anywhere, that names no file, "twice NAME" for a file with
# two entries.
index_problems() {
	(
		cd "$1" || exit 1
		for f in t-*.sh *.py *.js *.sh *.c bin/* fuzz/*.c fuzz/*.sh; do
			[ -e "$f" ] && echo "$f"
		done
		[ -d fuzz/corpus ] && echo fuzz/corpus/
	) | sort -u >"$SC_TMP/idx.files"
	sed -n 's/^- `\([^`]*\)`:.*/\1/p' "$1/README.md" | sort \
	    >"$SC_TMP/idx.entries"
	comm -23 "$SC_TMP/idx.files" "$SC_TMP/idx.entries" | sed 's/^/missing /'
	uniq -d "$SC_TMP/idx.entries" | sed 's/^/twice /'
	{
		cat "$SC_TMP/idx.entries"
		grep -o '`[^`]*`' "$1/README.md" | tr -d '`' |
		    grep -E '^(t-[a-z0-9-]+\.sh|[a-z0-9-]+\.(py|js|sh|c))$'
	} | sort -u | comm -23 - "$SC_TMP/idx.files" | sed 's/^/stale /'
}

# Every suite and every helper of tests/ has its line in tests/README.md,
# and the index names no file that is not there.
test_every_test_file_is_in_the_index() {
	dir=${TESTS_DIR:-$(dirname "$0")}
	assertTrue "tests/README.md" "[ -f '$dir/README.md' ]" || return
	assertEquals "tests/README.md against tests/" "" \
	    "$(index_problems "$dir")"
	# A guard for the extraction: the index lists the known files.
	for f in t-tcp.sh lib.sh authproxy.py bin/python3 fuzz/ws.c; do
		assertTrue "$f is an entry" "grep -qx '$f' '$SC_TMP/idx.entries'"
	done
}

# The check itself fails as it should: on a copy of tests/ with a suite
# added, a helper's entry removed, an entry doubled and one for a suite
# that is gone.
test_index_check_finds_what_is_wrong() {
	dir=${TESTS_DIR:-$(dirname "$0")}
	mkdir -p "$SC_TMP/copy/bin" "$SC_TMP/copy/fuzz/corpus"
	for f in "$dir"/t-*.sh "$dir"/*.py "$dir"/*.js "$dir"/*.sh "$dir"/*.c \
	    "$dir"/bin/* "$dir"/fuzz/*.c "$dir"/fuzz/*.sh; do
		: >"$SC_TMP/copy/${f#"$dir"/}"
	done
	: >"$SC_TMP/copy/t-new-subject.sh"
	grep -v '^- `udppeer.py`:' "$dir/README.md" |
	    sed -e 's/^- `t-tcp.sh`:/- `t-gone.sh`: gone.\n&/' \
	    -e '$a\- `t-udp.sh`: again.' \
	    >"$SC_TMP/copy/README.md"
	echo 'As `t-older.sh` said.' >>"$SC_TMP/copy/README.md"
	assertEquals "problems found" "missing t-new-subject.sh
missing udppeer.py
twice t-udp.sh
stale t-gone.sh
stale t-older.sh" "$(index_problems "$SC_TMP/copy")"
}


# map_problems TOP: what the map that opens TOP/doc/design.md (the table
# under "## The map": feature, files under src/, entry, suite) gets wrong
# about TOP's tree, one line each: "missing FILE" for a file of src/ in no
# row, "no file FILE" and "no suite SUITE" for a name that is not there,
# "no function NAME() in its row" for an entry no file of its row defines
# (a definition starts its line, as style(9) writes it).
map_problems() {
	awk -F'|' '/^## The map/ { on = 1; next }
	    on && /^## / { exit }
	    on && /^\| / && $2 !~ /^ *feature *$/ && $2 !~ /^-+$/ {
		n++
		for (c = 3; c <= 5; c++)
			for (s = $c; match(s, /`[^`]*`/);
			    s = substr(s, RSTART + RLENGTH))
				print n, c, substr(s, RSTART + 1, RLENGTH - 2)
	    }' "$1/doc/design.md" >"$SC_TMP/map.cells"
	awk '$2 == 3 { print $3 }' "$SC_TMP/map.cells" | sort -u \
	    >"$SC_TMP/map.files"
	(cd "$1/src" && ls -- */*.c) | sort >"$SC_TMP/map.src"
	comm -23 "$SC_TMP/map.src" "$SC_TMP/map.files" | sed 's/^/missing /'
	while read -r f; do
		[ -f "$1/src/$f" ] || echo "no file $f"
	done <"$SC_TMP/map.files"
	awk '$2 == 5 { print $3 }' "$SC_TMP/map.cells" | sort -u |
	    while read -r t; do
		[ -f "$1/tests/$t" ] || echo "no suite $t"
	done
	awk '$2 == 4 { print $1, $3 }' "$SC_TMP/map.cells" |
	    while read -r n fn; do
		files=$(awk -v n="$n" -v top="$1/src/" '$1 == n && $2 == 3 {
		    print top $3 }' "$SC_TMP/map.cells")
		# shellcheck disable=SC2086
		case $fn in
		*"()") grep -qs "^${fn%??}(" $files ||
			echo "no function $fn in its row" ;;
		*) echo "no function $fn in its row" ;;
		esac
	done
}

# doc/design.md opens with a map of src/: every file in a row, and every
# file, entry function and suite a row names there.  The file list is
# ls's, never a count, so that files added, moved or merged are found.
test_design_map_matches_the_tree() {
	top=${TESTS_DIR:-$(dirname "$0")}/..
	assertEquals "doc/design.md's map against src/" "" \
	    "$(map_problems "$top")"
	# A guard for the extraction: rows were read, with their columns.
	assertTrue "a file of a row" "grep -qx '[0-9]* 3 base/event.c' \
	    '$SC_TMP/map.cells'"
	assertTrue "an entry of a row" "grep -qx '[0-9]* 4 ev_loop()' \
	    '$SC_TMP/map.cells'"
	assertTrue "a suite of a row" "grep -qx '[0-9]* 5 t-tcp.sh' \
	    '$SC_TMP/map.cells'"
}

# The map's check fails as it should: on a copy of the tree with a file
# added to src/, one taken out of the map, a file, a suite and an entry
# that are not there, and an entry moved to a row that does not define it.
test_design_map_check_finds_what_is_wrong() {
	top=${TESTS_DIR:-$(dirname "$0")}/..
	mkdir -p "$SC_TMP/copy/doc" "$SC_TMP/copy/tests"
	(cd "$top/src" && ls -- */*.c) | while read -r f; do
		mkdir -p "$SC_TMP/copy/src/${f%/*}"
		grep '^[a-z_][a-z_0-9]*(' "$top/src/$f" >"$SC_TMP/copy/src/$f"
	done
	: >"$SC_TMP/copy/src/net/new.c"
	cp "$top"/tests/t-*.sh "$SC_TMP/copy/tests/"
	sed -e '/^| VSOCK /d' \
	    -e '/^| `--fifo` /s/`io\/fifo.c`/& `io\/gone.c`/' \
	    -e '/^| `--fifo` /s/`fifo_open()`/`gone_start()`/' \
	    -e '/^| `--fifo` /s/`t-fifo.sh`/`t-gone.sh`/' \
	    -e '/^| `--raw` /s/`term_start()`/`ev_loop()`/' \
	    "$top/doc/design.md" >"$SC_TMP/copy/doc/design.md"
	assertEquals "problems found" "missing net/new.c
missing net/vsock.c
no file io/gone.c
no suite t-gone.sh
no function ev_loop() in its row
no function gone_start() in its row" "$(map_problems "$SC_TMP/copy")"
}

# cited_problems DESIGN SRC: "no function NAME()" for each NAME() that the
# text of DESIGN cites and no line of code under SRC (a comment's line is
# none) defines, declares or calls, so that a function renamed or gone
# is not cited still.  A system's function the code does not call is
# cited by its page, accept(2).  One pass over each, not a grep per name.
cited_problems() {
	grep -o '[A-Za-z_][A-Za-z0-9_]*()' "$1" | sort -u >"$SC_TMP/cited"
	find "$2" -name '*.[ch]' -exec cat {} + |
	    grep -v '^[[:space:]]*\(/\*\|\*\)' |
	    grep -o '[A-Za-z_][A-Za-z0-9_]*(' | sed 's/($/()/' | sort -u \
	    >"$SC_TMP/coded"
	comm -23 "$SC_TMP/cited" "$SC_TMP/coded" | sed 's/^/no function /'
}

# Every function doc/design.md names exists in src/.
test_design_cites_what_exists() {
	top=${TESTS_DIR:-$(dirname "$0")}/..
	assertEquals "functions doc/design.md names" "" \
	    "$(cited_problems "$top/doc/design.md" "$top/src")"
	# A guard for the extraction: names were read from both.
	assertTrue "a name cited" "grep -qx 'ev_loop()' '$SC_TMP/cited'"
	assertTrue "a name coded" "grep -qx 'ev_loop()' '$SC_TMP/coded'"
}

# The check fails as it should: on a name no file has, and on one that
# only a comment still cites.
test_design_cites_check_finds_what_is_wrong() {
	mkdir -p "$SC_TMP/cite/src"
	printf '/*\n * old_name() was here.\n */\nint\nnew_name(void)\n{\n' \
	    >"$SC_TMP/cite/src/a.c"
	printf '\treturn (kept());\n}\n' >>"$SC_TMP/cite/src/a.c"
	# shellcheck disable=SC2016 # the backquotes are Markdown's
	printf '%s\n' 'Calls `new_name()`, `kept()` and `old_name()`;' \
	    'no_such() is gone.' >"$SC_TMP/cite/design.md"
	assertEquals "problems found" "no function no_such()
no function old_name()" \
	    "$(cited_problems "$SC_TMP/cite/design.md" "$SC_TMP/cite/src")"
}

sc_run_shunit2
