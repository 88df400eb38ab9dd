#!/bin/bash
# The documentation agrees with the program: every option of --help is in
# the manual and in the bash, zsh and fish completions; the manual is
# clean for mandoc; the bash completion, loaded in bash, completes options
# and their values.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

: "${MANPAGE:=$(dirname "$0")/../doc/sockcat.1}"
: "${COMPLETIONS_DIR:=$(dirname "$0")/../completions}"
BASH_COMPLETION_LIB=/usr/share/bash-completion/bash_completion

# The options of "sockcat --help", one per line: "-x" or "--long".
help_options() {
	"$SC" --help | sed -n \
	    -e 's/^  \(-[^-]\), \(--[a-z0-9-]*\).*/\1\n\2/p' \
	    -e 's/^  \(-[A-Za-z0-9]\) .*/\1/p' \
	    -e 's/^      \(--[a-z0-9-]*\).*/\1/p'
}

oneTimeSetUp() {
	OPTIONS=$(help_options)
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
	assertEquals "-h is --help" "$(cat "$SC_TMP/long")" "$(cat "$SC_TMP/short")"
	assertEquals "nothing on stderr" "" "$(cat "$SC_TMP/long.err" "$SC_TMP/short.err")"
	for group in "Connection:" "Data and end of file:" "Socket options:" \
	    "Information:" "Examples:"; do
		assertTrue "group $group" "grep -qx '$group' '$SC_TMP/long'"
	done
	assertTrue "an example" "grep -q '^  sockcat -l 5000 > file' '$SC_TMP/long'"
	assertTrue "fits two screens" "[ $(wc -l <"$SC_TMP/long") -le 105 ]"
	wide=$(awk 'length > 79' "$SC_TMP/long" | wc -l)
	assertEquals "lines wider than 79 columns" 0 "$wide"
}

test_every_option_is_in_the_manual() {
	for opt in $OPTIONS; do
		case $opt in
		--*) pat="^\.It .*Fl -${opt#--}( |$)" ;;
		*) pat="^\.It (Fl .*, )?Fl ${opt#-}( |$)" ;;
		esac
		assertTrue "$opt is not in the manual" "grep -Eq -- '$pat' '$MANPAGE'"
	done
}

test_every_documented_option_exists() {
	# The option list of the manual, not the COMPATIBILITY table.
	# (Items of lists nested in an option's text are not options.)
	documented=$(awk '/^The options are as follows:/ { on = 1; next }
	    on && /^\.Bl/ { depth++ } on && /^\.El/ { if (--depth == 0) exit }
	    on && depth == 1 && /^\.It / { sub(/^\.It /, ""); print }' \
	    "$MANPAGE" | tr ',' '\n' |
	    sed -n 's/^ *Fl \(-\{0,1\}[A-Za-z0-9][a-z0-9-]*\).*/-\1/p')
	assertNotNull "found the option list" "$documented"
	for opt in $documented; do
		assertTrue "$opt is documented but not in --help" \
		    "echo '$OPTIONS' | grep -qx -- '$opt'"
	done
}

test_manual_is_clean() {
	command -v mandoc >/dev/null || { sc_skip "mandoc not installed"; return; }
	out=$(mandoc -Tlint -W warning "$MANPAGE" 2>&1)
	assertEquals "mandoc -Tlint -W warning" "" "$out"
	for sh in NAME SYNOPSIS DESCRIPTION MODES "END OF FILE" \
	    "PROGRESS AND STATISTICS" "EXIT STATUS" EXAMPLES COMPATIBILITY \
	    "SEE ALSO"; do
		assertTrue "section $sh" "grep -qx '.Sh $sh' '$MANPAGE'"
	done
}

test_every_option_is_in_the_zsh_completion() {
	f=$COMPLETIONS_DIR/_sockcat
	assertTrue "compdef line" "head -n 1 '$f' | grep -qx '#compdef sockcat sockchat'"
	for opt in $OPTIONS; do
		case $opt in
		--*) pat="(,$opt=?\}|[')]$opt(=-?)?\[)" ;;
		*) pat="(\{$opt\+?,|'$opt\+?\[)" ;;
		esac
		assertTrue "$opt is not in $f" "grep -Eq -- \"$pat\" '$f'"
	done
	if command -v zsh >/dev/null; then
		assertTrue "zsh -n" "zsh -n '$f'"
	fi
}

test_every_option_is_in_the_fish_completion() {
	f=$COMPLETIONS_DIR/sockcat.fish
	for opt in $OPTIONS; do
		case $opt in
		--*) pat="^complete -c sockcat .*-l ${opt#--}( |$)" ;;
		*) pat="^complete -c sockcat .*-s ${opt#-}( |$)" ;;
		esac
		assertTrue "$opt is not in $f" "grep -Eq -- '$pat' '$f'"
	done
	assertTrue "sockchat wraps sockcat" \
	    "grep -qx 'complete -c sockchat -w sockcat' '$COMPLETIONS_DIR/sockchat.fish'"
	if command -v fish >/dev/null; then
		assertTrue "fish -n" "fish -n '$f'"
	fi
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
		assertContains "$opt is not completed" "$words" " $opt "
	done
	# And only what --help has, plus --progress= for its value.
	for w in $words; do
		[ "$w" = --progress= ] && continue
		assertTrue "$w completed but not in --help" \
		    "echo '$OPTIONS' | grep -qx -- '$w'"
	done
}

test_bash_completion_values() {
	[ -f "$BASH_COMPLETION_LIB" ] || { sc_skip "bash-completion not installed"; return; }
	bash_complete 'sockcat -X ' 'sockcat -X c' 'sockcat -T af4' \
	    'sockcat --tos low' 'sockcat --progress=al' 'sockcat --sta' \
	    'sockcat --no-' 'sockchat --keep' 'sockcat -w ' >"$SC_TMP/out"
	assertEquals "status" 0 $?
	assertEquals "$(printf '%s\n' '4 4a 5 connect socks4 socks4a socks5 http' \
	    'connect' 'af41 af42 af43' \
	    'lowdelay' 'always' '--stats' '--no-stdin --no-splice --no-shutdown' '--keep-open --keepalive' '')" \
	    "$(cat "$SC_TMP/out")"
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

sc_run_shunit2
