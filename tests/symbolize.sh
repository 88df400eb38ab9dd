#!/bin/bash
# symbolize.sh [REPORT...]: print sanitizer reports (or standard input)
# with every frame named.  The suites have the sanitizers write their
# reports with symbolize=0, which takes microseconds, so that no report
# is ever cut off by a test's teardown killing the process while it
# looks up names; this puts the names in afterwards.  A frame
# "#3 0x55d1c2a3 (/path/sockcat+0x11a5bf)" becomes
# "#3 0x55d1c2a3 in fconn_finished src/modes/forward-conn.c:245 (/path/sockcat+0x11a5bf)",
# with a line of its own for each function inlined there.  Uses
# llvm-symbolizer, else addr2line; without either, prints the report as
# it is.

frame='^( *#[0-9]+ 0x[0-9a-f]+) +\((.+)\+(0x[0-9a-f]+)\)$'

mapfile -t lines < <(cat -- "$@")

# Each module's offsets, looked up with one run of the symbolizer.
declare -A offsets names
for line in "${lines[@]}"; do
	[[ $line =~ $frame ]] && [ -f "${BASH_REMATCH[2]}" ] &&
	    offsets[${BASH_REMATCH[2]}]+="${BASH_REMATCH[3]} "
done
for mod in "${!offsets[@]}"; do
	offs=$(tr ' ' '\n' <<<"${offsets[$mod]}" | sort -u | grep .)
	if command -v llvm-symbolizer >/dev/null 2>&1; then
		# One block per offset: function and file:line, for each
		# function inlined there, then a blank line.
		out=$(llvm-symbolizer --inlines --obj="$mod" $offs 2>/dev/null)
	elif command -v addr2line >/dev/null 2>&1; then
		out=$(for o in $offs; do
			addr2line -f -i -e "$mod" "$o"
			echo
		done 2>/dev/null)
	else
		continue
	fi
	set -- $offs
	block="" fn=""
	while IFS= read -r l; do
		if [ -z "$l" ]; then
			[ $# -gt 0 ] && names[$mod+$1]=$block && shift
			block="" fn=""
		elif [ -z "$fn" ]; then
			fn=$l
		else
			[ "$fn" != "??" ] && block+="$fn ${l#"$PWD"/}"$'\n'
			fn=""
		fi
	done <<<"$out"$'\n'
done

for line in "${lines[@]}"; do
	if [[ $line =~ $frame ]] &&
	    [ -n "${names[${BASH_REMATCH[2]}+${BASH_REMATCH[3]}]:-}" ]; then
		head=${BASH_REMATCH[1]}
		where="(${BASH_REMATCH[2]}+${BASH_REMATCH[3]})"
		while IFS= read -r name; do
			[ -n "$name" ] && echo "$head in $name $where"
		done <<<"${names[${BASH_REMATCH[2]}+${BASH_REMATCH[3]}]}"
	else
		printf '%s\n' "$line"
	fi
done
