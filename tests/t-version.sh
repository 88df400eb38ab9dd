#!/bin/bash
# The version is written once, in configure.ac's AC_INIT; --version prints
# it, debian/changelog's latest entry must be that version, and the
# manual's date (.Dd, in every page: doc/man/gen.py writes it) must be
# that entry's date: a release changes all three together or this suite
# fails.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

TOP=$(cd "${TESTS_DIR:-$(dirname "$0")}/.." && pwd)

# The version in AC_INIT([sockcat], [VERSION], ...).
configure_version() {
	sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$TOP/configure.ac"
}

# The version and the date of debian/changelog's latest entry.
changelog_version() {
	sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$TOP/debian/changelog"
}
changelog_date() {
	sed -n 's/^ -- .*>  \(.*\)$/\1/p' "$TOP/debian/changelog" | head -n 1
}

test_configure_ac_has_a_version() {
	assertNotNull "AC_INIT's version" "$(configure_version)"
}

test_version_option_prints_configure_acs() {
	out=$(t 5 "$SC" --version | head -n 1)
	assertEquals "sockcat $(configure_version)" "$out"
}

test_changelog_is_configure_acs_version() {
	assertEquals "debian/changelog" "$(configure_version)" \
	    "$(changelog_version)"
}

test_manual_date_is_the_changelogs() {
	when=$(changelog_date)
	assertNotNull "a date in debian/changelog" "$when"
	want=$(LC_ALL=C date -u -d "$when" '+%B %-d, %Y')
	for page in $(manual_pages); do
		assertEquals "${page##*/}'s .Dd" "$want" \
		    "$(sed -n 's/^\.Dd //p' "$page")"
	done
	assertTrue "the topics' pages too" "[ $(manual_pages | wc -l) -gt 1 ]"
}

sc_run_shunit2
