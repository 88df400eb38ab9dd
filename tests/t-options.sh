#!/bin/bash
# The option table (src/front/opttab.c) is the one place an option is written
# down: the bash, zsh and fish completions are what completions/gen.py
# makes of it, the manual has one entry for each option, in the page of
# its topic, with the table's argument name, every value a completion
# offers is one the parser takes, and the table's descriptions are the
# same in --help and the completions.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3
: "${COMPLETIONS_DIR:=$(dirname "$0")/../completions}"

# Each test has the table in $SC_TMP/table.
setUp() {
	sc_tmp
	t 5 "$SC" --dump-options >"$SC_TMP/table" 2>"$SC_TMP/table.err"
	DUMP_STATUS=$?
}

test_the_table_is_dumped() {
	assertEquals "status" 0 "$DUMP_STATUS"
	assertEquals "stderr" "" "$(<"$SC_TMP/table.err")"
	assertTrue "at least 85 options" "[ $(wc -l <"$SC_TMP/table") -ge 85 ]"
	# Twelve fields a row, no name twice, and not itself (it is hidden).
	assertEquals "rows of twelve fields" "" \
	    "$(awk -F '\t' 'NF != 12' "$SC_TMP/table")"
	# Each row's topic is one of --dump-topics'.
	t 5 "$SC" --dump-topics | cut -f 1 >"$SC_TMP/topics"
	assertEquals "topics" "core addresses servers websocket tls terminal socat sessions" \
	    "$(tr '\n' ' ' <"$SC_TMP/topics" | sed 's/ $//')"
	assertEquals "rows whose topic is none" "" \
	    "$(cut -f 12 "$SC_TMP/table" | grep -vxF -f "$SC_TMP/topics")"
	# What a row excludes are options of the table.
	assertEquals "excluded options that are not in the table" "" \
	    "$(awk -F '\t' '{ if ($1 != "-") n["-" $1]; if ($2 != "-")
	    n["--" $2]; x[NR] = $11 } END { for (i in x) { k = split(x[i],
	    w, " "); for (j = 1; j <= k; j++) if (!(w[j] in n)) print w[j] } }' \
	    "$SC_TMP/table")"
	assertEquals "names given twice" "" \
	    "$(cut -f 1,2 "$SC_TMP/table" | tr '\t' '\n' | grep -vx -- - |
	    sort | uniq -d)"
	assertNotContains "$(<"$SC_TMP/table")" "dump-options"
}

# made SHELL FILE: the completion FILE is what gen.py makes for SHELL.
made() {
	python3 "$COMPLETIONS_DIR/gen.py" "$1" <"$SC_TMP/table" \
	    >"$SC_TMP/$1" 2>"$SC_TMP/$1.err"
	assertEquals "gen.py $1 status" 0 $?
	assertEquals "gen.py $1 stderr" "" "$(<"$SC_TMP/$1.err")"
	assertEquals "completions/$2 is not what the table makes (make completions)" \
	    "" "$(diff -u "$COMPLETIONS_DIR/$2" "$SC_TMP/$1")"
}

test_bash_completion_is_made_from_the_table() {
	made bash sockcat
}

test_zsh_completion_is_made_from_the_table() {
	made zsh _sockcat
}

test_fish_completion_is_made_from_the_table() {
	made fish sockcat.fish
}

# The generated files are valid in their shell (skipped where the shell
# is not installed; CI installs both).
test_zsh_completion_parses() {
	command -v zsh >/dev/null || { sc_skip "no zsh"; return; }
	t 10 zsh -n "$COMPLETIONS_DIR/_sockcat" >"$SC_TMP/out" 2>&1
	rc_st=$?
	assertEquals "zsh -n: $(<"$SC_TMP/out")" 0 "$rc_st"
}

test_fish_completion_parses() {
	command -v fish >/dev/null || { sc_skip "no fish"; return; }
	for f in sockcat.fish sockchat.fish; do
		t 10 fish -n "$COMPLETIONS_DIR/$f" >"$SC_TMP/out" 2>&1
		rc_st=$?
		assertEquals "fish -n $f: $(<"$SC_TMP/out")" 0 "$rc_st"
	done
}

# zsh offers neither of two options that exclude each other once one is
# given: two flags of one field (-4, -6) and the conflict table's pairs
# (--broker, --room; -z, -l), as the table dumps them.
test_zsh_knows_what_excludes_what() {
	assertContains "$(grep -e "{-4,--ipv4}" "$COMPLETIONS_DIR/_sockcat")" \
	    "'(-4 --ipv4 -6 --ipv6"
	assertContains "$(grep -e "{-6,--ipv6}" "$COMPLETIONS_DIR/_sockcat")" \
	    "'(-6 --ipv6 -4 --ipv4"
	assertContains "$(grep -e "--broker\[" "$COMPLETIONS_DIR/_sockcat")" \
	    "(--room"
	assertContains "$(grep -e "--room\[" "$COMPLETIONS_DIR/_sockcat")" \
	    "(--broker"
	assertContains "$(awk -F'\t' '$2 == "zero" { print $11 }' \
	    "$SC_TMP/table")" "-l --listen"
}

# The conflict rows (src/front/cmdline-check.c) name options as their messages
# do, and each option's row says when it is in effect: the dump (and so
# the completions) refuses a row naming no fact, an option whose row has
# no field and no function of its own, or a misspelt name.  So removing
# what a fact is derived from fails here (and, in a debug build, at every
# start).
test_every_conflict_names_a_fact() {
	assertEquals "dump status" 0 "$DUMP_STATUS"
	assertNotContains "$(<"$SC_TMP/table.err")" "conflict table"
}

# excl OPTION: what the dumped row of --OPTION excludes, one a line.
excl() {
	awk -F '\t' -v o="$1" '$2 == o { print $11 }' "$SC_TMP/table" |
	    tr ' ' '\n'
}

# Every option a conflict row refuses beside another is excluded, with
# its names, both ways: the options that only a group of facts named
# before (the --ws-* options, --allow and its kin, --mcast-if) too.
test_conflicts_exclude_both_ways() {
	assertEquals "--websocket" "--via -z --zero -u --udp --fifo \
-t --telnet --chat" "$(excl websocket | tr '\n' ' ' | sed 's/ $//')"
	for o in zero udp fifo telnet chat; do
		assertContains "--$o excludes --websocket" \
		    "$(excl "$o")" "--websocket"
	done
	for o in allow allowfile deny denyfile mcast-if mcast-loop; do
		assertContains "-U excludes --$o" "$(excl unixsock)" "--$o"
		assertEquals "--$o excludes -U" "-U --unixsock" \
		    "$(excl "$o" | tr '\n' ' ' | sed 's/ $//')"
	done
	# A row with a condition (no TLS, a proxy server) or a "none"
	# excludes nothing: it refuses only some command lines.
	# (--ssl-trustfile's one exclusion is --secret's row: no certificate.)
	assertEquals "--ssl-trustfile" "--secret" "$(excl ssl-trustfile)"
	assertEquals "--max-conns" "" "$(excl max-conns)"
}

# optcheck PAGE...: what optcheck.py finds wrong with the pages, against
# the table.
optcheck() {
	t 5 "$SC" --dump-topics >"$SC_TMP/topics"
	python3 "${TESTS_DIR:-$(dirname "$0")}/optcheck.py" "$SC_TMP/topics" \
	    "$@" <"$SC_TMP/table" 2>&1
}

test_manual_has_every_option_with_its_argument() {
	# shellcheck disable=SC2046
	optcheck $(manual_pages) >"$SC_TMP/out"
	assertEquals "status" 0 $?
	assertEquals "the manual and the table differ" "" "$(<"$SC_TMP/out")"
	assertTrue "eight pages" "[ $(manual_pages | wc -l) -eq 8 ]"
}

# The check finds what is wrong: an entry in the wrong page, one twice,
# one missing, one with another argument, one the table lacks.
test_manual_check_finds_what_is_wrong() {
	mkdir -p "$SC_TMP/doc"
	for p in $(manual_pages); do
		cp "$p" "$SC_TMP/doc/"
	done
	d=$SC_TMP/doc
	# --stats moves to the TLS page, --ws-ping is there twice, --room goes,
	# -w takes another argument, --bogus comes.
	sed -i '/^\.It Fl -stats$/d' "$d/sockcat.1"
	sed -i 's/^\.It Fl -ssl$/.It Fl -stats\n.It Fl -ssl/' "$d/sockcat-tls.7"
	sed -i 's/^\.It Fl -ws-path Ar path$/.It Fl -ws-ping Ar time\n&/' \
	    "$d/sockcat-websocket.7"
	sed -i 's/^\.It Fl -room$/.It Fl -bogus/' "$d/sockcat-servers.7"
	sed -i 's/^\.It Fl w Ar timeout , Fl -wait Ar timeout$/.It Fl w Ar secs , Fl -wait Ar secs/' \
	    "$d/sockcat.1"
	optcheck "$d/sockcat.1" "$d"/sockcat-*.7 | sort >"$SC_TMP/out"
	assertEquals "problems" "--bogus: in the manual, not in the table
--room: no .It entry
--stats: in sockcat-tls.7, not in sockcat.1, its topic's (core)
--wait: the manual has \"Ar secs\", not \"Ar timeout\"
--ws-ping: 2 entries: sockcat-websocket.7, sockcat-websocket.7
-w: the manual has \"Ar secs\", not \"Ar timeout\"" "$(<"$SC_TMP/out")"
}

test_every_completed_value_is_accepted() {
	# Each value parses: what stops the command line is the conflict
	# found after parsing, never the value.
	# (-h's words are no value: its topic is the next word, t-docs.sh.)
	awk -F '\t' '$7 != "" && $3 != "none" {
		opt = $2 != "-" ? "--" $2 : "-" $1
		n = split($7, w, " ")
		for (i = 1; i <= n; i++)
			print ($3 == "optional" ? opt "=" w[i] : opt " " w[i])
	    }' "$SC_TMP/table" >"$SC_TMP/values"
	assertTrue "values to try" "[ $(wc -l <"$SC_TMP/values") -ge 40 ]"
	while read -r opt; do
		# shellcheck disable=SC2086
		expect_error "cannot use -z and -l" $opt -z -l 1
	done <"$SC_TMP/values"
}

test_tos_keywords_are_what_the_parser_takes() {
	expect_error "illegal tos value va" -T va -z -l 1
	expect_error "cannot use -z and -l" -T lowcost -z -l 1
	tos=$(awk -F '\t' '$1 == "T" { print " " $7 " " }' "$SC_TMP/table")
	assertContains "lowcost is offered" "$tos" " lowcost "
	assertNotContains "va is not offered" "$tos" " va "
	for f in sockcat _sockcat sockcat.fish; do
		assertTrue "$f offers lowcost" \
		    "grep -Eq '[ (]lowcost[ )]' '$COMPLETIONS_DIR/$f'"
		assertFalse "$f offers va" \
		    "grep -Eq '(^|[ (])va([ )]|\$)' '$COMPLETIONS_DIR/$f'"
	done
	assertTrue "the manual has lowcost" "in_manual -x '.Cm lowcost ,'"
	# shellcheck disable=SC2046
	assertFalse "the manual has va" "grep -q '^.Cm va\\b' $(manual_pages | tr '\n' ' ')"
}

# describe OPT: its --help description, from the table.
describe() {
	awk -F '\t' -v o="$1" '$1 == o { print $10 }' "$SC_TMP/table"
}

test_descriptions_are_the_same_everywhere() {
	"$SC" --help >"$SC_TMP/help"
	for o in i k; do
		d=$(describe "$o")
		assertNotNull "-$o has a description" "$d"
		assertTrue "--help: -$o $d" "grep -q -- '^  -$o, .*  *$d\$' '$SC_TMP/help'"
		assertTrue "zsh: -$o $d" \
		    "grep -qF -- '{-$o' '$COMPLETIONS_DIR/_sockcat' &&
		    grep -F -- '{-$o' '$COMPLETIONS_DIR/_sockcat' | grep -qF '[$d]'"
		assertTrue "fish: -$o $d" \
		    "grep -F -- '-s $o ' '$COMPLETIONS_DIR/sockcat.fish' |
		    grep -qF -e \"-d '$d'\""
	done
}

test_bash_completion_lists_each_option_once() {
	sed -n "/compgen -W '-4 /,/' -- /p" "$COMPLETIONS_DIR/sockcat" |
	    sed "s/.*compgen -W '//; s/' -- .*//" | tr -s ' \t' '\n\n' |
	    grep -v '^$' >"$SC_TMP/words"
	assertTrue "found the list" "grep -qx -- --idle-timeout '$SC_TMP/words'"
	assertEquals "listed twice" "" "$(sort "$SC_TMP/words" | uniq -d)"
	# And in the patterns of "case $prev", once at most.
	sed -n '/case \$prev in/,/esac/p' "$COMPLETIONS_DIR/sockcat" |
	    grep -P '^\t( {4})?-[^)]*(\)|\\)$' | tr -d ')\\|' |
	    tr -s ' \t' '\n\n' | grep -v '^$' >"$SC_TMP/cases"
	assertTrue "found the patterns" "grep -qx -- --tos '$SC_TMP/cases'"
	assertEquals "in two patterns" "" "$(sort "$SC_TMP/cases" | uniq -d)"
}

# idle_run ARGS...: a client with ARGS and a stdin that never ends, to a
# server that sends nothing; its status, stderr in $SC_TMP/c.err.
idle_run() {
	server srv -l 127.0.0.1 0 || return 1
	held_stdin clin 7
	t 20 "$SC" "$@" 127.0.0.1 "$PORT" <"$SC_TMP/clin" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	IDLE_STATUS=$?
	exec 7>&-
}

test_idle_timeout_tells_its_timer_from_w() {
	# The same time: --idle-timeout's timer, and its failure.
	idle_run -w 1 --idle-timeout 1
	assertEquals "same: status" 1 "$IDLE_STATUS"
	assertEquals "same: stderr" "sockcat: idle timeout expired (1000 ms)" \
	    "$(<"$SC_TMP/c.err")"
	# -w first: it quits quietly.
	idle_run -w 1 --idle-timeout 5
	assertEquals "-w first: status" 0 "$IDLE_STATUS"
	assertEquals "-w first: stderr" "" "$(<"$SC_TMP/c.err")"
}

sc_run_shunit2
