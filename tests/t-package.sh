#!/bin/bash
# The Debian package, made and used as the README's "Install as nc" says:
# its commands run as printed, from a copy of the files git tracks, in a
# throwaway root (an overlay of / in a private mount namespace, so the
# machine itself is left unchanged).  Then: lintian is clean, the package
# holds the files it should, nc is sockcat through the alternative (its
# help, its manual), the completions load in bash, and a purge leaves no
# file behind and gives nc back.  Root only; "make check-package" runs it.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

TOP=$(cd "${TESTS_DIR:-$(dirname "$0")}/.." && pwd)

sc_require dpkg-buildpackage dh lintian dpkg-deb unshare chroot git
if [ "$(id -u)" -ne 0 ]; then
	echo "not root: skipping" >&2
	exit 77
fi
if ! git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	echo "not a git checkout (the package is built from a clone): skipping" >&2
	exit 77
fi
if ! unshare -m sh -c 'mount -t tmpfs tmpfs /mnt' 2>/dev/null; then
	echo "cannot mount in a private namespace here: skipping" >&2
	exit 77
fi

# The README's commands, one per line, as printed.
readme_commands() {
	awk '/^## Install as nc/ { s = 1; next } /^## / { s = 0 }
	    s && /^```/ { if (b) exit; b = 1; next } s && b' "$TOP/README.md"
}

W=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-package.XXXXXX")
OUT=$W/out

# What the package must install: every file and link, not directories.
FILES='./usr/bin/sockcat
./usr/bin/sockchat -> sockcat
./usr/share/bash-completion/completions/sockcat
./usr/share/bash-completion/completions/sockchat -> sockcat
./usr/share/doc/sockcat/changelog.gz
./usr/share/doc/sockcat/copyright
./usr/share/fish/vendor_completions.d/sockcat.fish
./usr/share/fish/vendor_completions.d/sockchat.fish
./usr/share/man/man1/sockcat.1.gz
./usr/share/man/man1/sockchat.1.gz -> sockcat.1.gz
./usr/share/man/man7/sockcat-addresses.7.gz
./usr/share/man/man7/sockcat-servers.7.gz
./usr/share/man/man7/sockcat-sessions.7.gz
./usr/share/man/man7/sockcat-socat.7.gz
./usr/share/man/man7/sockcat-terminal.7.gz
./usr/share/man/man7/sockcat-tls.7.gz
./usr/share/man/man7/sockcat-websocket.7.gz
./usr/share/zsh/vendor-completions/_sockcat'

# The throwaway root: the host's / under an overlay whose changes go to a
# tmpfs, with /dev, /proc and a fresh /tmp, and $OUT at /out for the
# results.  Everything mounted here goes with the namespace.
cat >"$W/root.sh" <<'EOF'
set -eu
W=$1
mkdir -p "$W/ovl" "$W/root"
mount -t tmpfs tmpfs "$W/ovl"
mkdir "$W/ovl/upper" "$W/ovl/work"
mount -t overlay overlay \
    -o "lowerdir=/,upperdir=$W/ovl/upper,workdir=$W/ovl/work" "$W/root"
mount --rbind /dev "$W/root/dev"
mount -t proc proc "$W/root/proc"
mount -t tmpfs tmpfs "$W/root/tmp"
# Whatever the host has at /out or /build stays on the host.
rm -rf "$W/root/out" "$W/root/build"
mkdir -p "$W/root/out" "$W/root/build/sockcat"
mount --bind "$W/out" "$W/root/out"
tar -C "$W/root/build/sockcat" -xf "$W/src.tar"
exec chroot "$W/root" /bin/bash /out/inside.sh
EOF

# In the throwaway root: the README's commands, then what is checked.
cat >"$W/inside.sh" <<'EOF'
set -u
cd /build/sockcat
export DEBIAN_FRONTEND=noninteractive
# man-db's trigger rebuilds the whole index of manual pages at each
# install and purge (four here: a quarter of the test's processor time);
# man finds the pages without it.
rm -f /var/lib/man-db/auto-update
# The files a purge must leave as they were.
snapshot() {
	find /usr /etc /var/lib/dpkg/info /var/lib/dpkg/alternatives | sort
}
readlink -f /bin/nc >/out/nc.before
update-alternatives --query nc >/out/alt.before 2>&1
snapshot >/out/files.before
i=0
while IFS= read -r cmd; do
	i=$((i + 1))
	bash -c "$cmd" </dev/null >/out/step$i.out 2>&1
	echo $? >/out/step$i.rc
	readlink -f /bin/nc >/out/step$i.nc
done </out/readme.cmds
# socat is not taken from a socat installed (the host's, in this copy).
readlink -f /usr/bin/socat >/out/socat.path
update-alternatives --display socat >/out/socat-display.out 2>&1
# make install-socat-link, in the tree the package was built in.
make -s install DESTDIR=/tmp/dest >/out/dest.out 2>&1
for i in 1 2; do
	make -s install-socat-link DESTDIR=/tmp/dest >/out/link$i.out 2>&1
	echo $? >/out/link$i.rc
done
readlink /tmp/dest/usr/bin/socat >/out/link.target
make -s install-socat-link >/out/link3.out 2>&1
echo $? >/out/link3.rc
lintian ../sockcat_*_amd64.changes >/out/lintian.out 2>/out/lintian.err
echo $? >/out/lintian.rc
dpkg-deb -c ../sockcat_*_amd64.deb >/out/contents
dpkg-deb -f ../sockcat_*_amd64.deb Depends Provides >/out/fields
readlink -f "$(command -v nc)" >/out/nc.path
nc -h >/out/nc-h.out 2>&1
update-alternatives --display nc >/out/display.out 2>&1
MANPAGER=cat MANWIDTH=80 man nc >/out/man.out 2>/out/man.err
# Each topic's page, by the name --help TOPIC gives: its first line.
sockcat --dump-topics | cut -f 2 | while read -r page; do
	MANPAGER=cat MANWIDTH=80 man "$page" 2>&1 | head -n 1
done >/out/man-topics.out
# bash-completion loads a completion when its command is first completed.
bash --norc --noprofile -c '. /usr/share/bash-completion/bash_completion
	for c in sockcat sockchat; do
		COMP_WORDS=("$c" --brok) COMP_CWORD=1 COMP_LINE="$c --brok"
		COMP_POINT=${#COMP_LINE} COMPREPLY=()
		_completion_loader "$c"
		$(complete -p "$c" | sed "s/.* -F \([^ ]*\) .*/\1/") "$c" --brok "$c"
		echo "$c: ${COMPREPLY[*]}"
	done' >/out/complete.out 2>&1
dpkg --purge sockcat >/out/purge.out 2>&1
echo $? >/out/purge.rc
readlink -f /bin/nc >/out/nc.after
update-alternatives --query nc >/out/alt.after 2>&1
snapshot >/out/files.after
# Where no socat is installed, the package makes socat its link; its
# removal takes the link away.
dpkg --remove socat >/out/nosocat.out 2>&1
dpkg -i ../sockcat_*_amd64.deb >>/out/nosocat.out 2>&1
readlink -f /usr/bin/socat >/out/nosocat.path
socat -V >/out/nosocat.version 2>&1
dpkg --purge sockcat >>/out/nosocat.out 2>&1
[ -e /usr/bin/socat ] || [ -L /usr/bin/socat ]
echo $? >/out/nosocat.gone
EOF

oneTimeSetUp() {
	mkdir -p "$OUT"
	readme_commands >"$OUT/readme.cmds"
	cp "$W/inside.sh" "$OUT/inside.sh"
	# A clone's files: those git tracks, as they are in the tree.
	git -C "$TOP" ls-files -z |
	    tar -C "$TOP" --null -T - --ignore-failed-read -cf "$W/src.tar"
	# The package builds with its own make, not within this one's.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    DEB_BUILD_OPTIONS="parallel=$(nproc)" timeout -k 5 1500 \
	    unshare -m --propagation private sh "$W/root.sh" "$W" \
	    >"$W/root.out" 2>&1
	echo "throwaway root: status $?"
	cat "$W/root.out"
}
setUp() { :; }
tearDown() { endSkipping; }
oneTimeTearDown() {
	rm -rf "$W"
	sc_report
}

test_readme_has_the_three_commands() {
	assertEquals "commands" 3 "$(wc -l <"$OUT/readme.cmds")"
	grep -q '^dpkg-buildpackage ' "$OUT/readme.cmds" ||
	    fail "no dpkg-buildpackage"
}

test_readme_commands_succeed() {
	for n in 1 2 3; do
		assertEquals "command $n: $(sed -n "${n}p" "$OUT/readme.cmds")" \
		    0 "$(cat "$OUT/step$n.rc" 2>/dev/null)" ||
		    tail -n 30 "$OUT/step$n.out"
	done
}

# The package is built as a release is, without --enable-debug's -Werror:
# the compiler has nothing to say there either.
test_package_builds_without_warnings() {
	assertEquals "the compiler's warnings" "" \
	    "$(grep -Eh -A 3 '\.[ch]:[0-9]+:([0-9]+:)? warning: ' "$OUT"/step*.out)"
}

test_installing_leaves_nc_alone() {
	# Below netcat-openbsd's priority, the package does not take nc over
	# by itself; only the third command chooses it.
	[ "$(<"$OUT/nc.before")" = /usr/bin/nc.openbsd ] ||
	    { sc_skip "nc is not netcat-openbsd here"; return; }
	assertEquals "after installing" /usr/bin/nc.openbsd "$(<"$OUT/step2.nc")"
	assertEquals "after choosing" /usr/bin/sockcat "$(<"$OUT/step3.nc")"
}

test_lintian_is_clean() {
	assertEquals "lintian's findings" "" "$(<"$OUT/lintian.out")"
	assertEquals "lintian's status" 0 "$(<"$OUT/lintian.rc")"
}

test_package_holds_its_files() {
	assertEquals "$FILES" "$(awk '$1 !~ /^d/ { $1 = $2 = $3 = $4 = $5 = ""
	    sub(/^ +/, ""); print }' "$OUT/contents" | sort)"
}

test_package_depends_on_libssl_and_provides_netcat() {
	grep -Eq '^Depends:.*\<libssl3\>' "$OUT/fields" ||
	    fail "no libssl3 in $(<"$OUT/fields")"
	# zlib too is loaded when first used, which dpkg-shlibdeps cannot see.
	grep -Eq '^Depends:.*\<zlib1g\>' "$OUT/fields" ||
	    fail "no zlib1g in $(<"$OUT/fields")"
	assertEquals "Provides: netcat" "$(grep '^Provides' "$OUT/fields")"
}

test_nc_is_sockcat_through_the_alternative() {
	assertEquals "nc" /usr/bin/sockcat "$(<"$OUT/nc.path")"
	# netcat-openbsd's -h has no long options; sockcat's lists them.
	grep -q -- '--broker' "$OUT/nc-h.out" || fail "nc -h: $(head -n 3 "$OUT/nc-h.out")"
	grep -q '^/usr/bin/sockcat - priority 30$' "$OUT/display.out" ||
	    fail "not in --display: $(<"$OUT/display.out")"
	grep -q 'link currently points to /usr/bin/sockcat$' "$OUT/display.out" ||
	    fail "not chosen: $(<"$OUT/display.out")"
	grep -q 'slave netcat.1.gz: /usr/share/man/man1/sockcat.1.gz' \
	    "$OUT/display.out" || fail "no manual page for netcat"
}

test_socat_link_never_taken_from_socat() {
	[ -x /usr/bin/socat ] || { sc_skip "socat not installed here"; return; }
	assertEquals "socat stays socat" /usr/bin/socat \
	    "$(<"$OUT/socat.path")"
	grep -q '^/usr/bin/sockcat - priority 10$' "$OUT/socat-display.out" ||
	    fail "no socat alternative: $(<"$OUT/socat-display.out")"
	assertEquals "install-socat-link" 0 "$(<"$OUT/link1.rc")"
	assertEquals "its link" sockcat "$(<"$OUT/link.target")"
	assertEquals "twice: refused" 2 "$(<"$OUT/link2.rc")"
	grep -q '^/tmp/dest/usr/bin/socat exists: not replaced$' \
	    "$OUT/link2.out" || fail "twice: $(<"$OUT/link2.out")"
	assertEquals "over socat: refused" 2 "$(<"$OUT/link3.rc")"
	grep -q '^/usr/bin/socat exists: not replaced$' "$OUT/link3.out" ||
	    fail "over socat: $(<"$OUT/link3.out")"
	# Without socat, the package's link runs sockcat as socat.
	assertEquals "socat is sockcat: $(<"$OUT/nosocat.out")" \
	    /usr/bin/sockcat "$(<"$OUT/nosocat.path")"
	grep -q "^sockcat .*running socat's command line" \
	    "$OUT/nosocat.version" || fail "socat -V: $(<"$OUT/nosocat.version")"
	assertEquals "purged: the link is gone" 1 "$(<"$OUT/nosocat.gone")"
}

test_man_nc_is_sockcats_manual() {
	command -v man >/dev/null || { sc_skip "man not installed"; return; }
	assertEquals "man's errors" "" "$(<"$OUT/man.err")"
	assertEquals "first line" SOCKCAT "$(head -n 1 "$OUT/man.out" |
	    awk '{ sub(/\(1\)/, "", $1); print $1 }')"
	grep -q 'sockchat' "$OUT/man.out" || fail "no NAME section"
	# And man finds the page of every topic --help names, sockcat(1)'s
	# too.
	assertEquals "the topics' pages" "$("$SC" --dump-topics | wc -l)" \
	    "$(grep -Ec \
	    '^SOCKCAT(-[A-Z]+\(7\)|\(1\)) ' "$OUT/man-topics.out")"
}

test_bash_completions_load() {
	[ -f /usr/share/bash-completion/bash_completion ] ||
	    { sc_skip "bash-completion not installed"; return; }
	assertEquals "$(printf '%s\n' 'sockcat: --broker' 'sockchat: --broker')" \
	    "$(<"$OUT/complete.out")"
}

test_purge_leaves_nothing_and_gives_nc_back() {
	assertEquals "dpkg --purge" 0 "$(<"$OUT/purge.rc")"
	assertEquals "files left or gone" "" \
	    "$(diff "$OUT/files.before" "$OUT/files.after")"
	assertEquals "nc" "$(<"$OUT/nc.before")" "$(<"$OUT/nc.after")"
	assertEquals "the nc alternatives" "$(<"$OUT/alt.before")" \
	    "$(<"$OUT/alt.after")"
}

sc_run_shunit2
