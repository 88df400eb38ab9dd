#!/bin/bash
# The fuzz targets' corpora (tests/fuzz/corpus/NAME) as regression tests:
# each target of tests/fuzz/ is built by make check with the build's own
# compiler and flags, linked with tests/fuzz/replay.c rather than
# libFuzzer, and fed every input of its corpus once.  The target checks
# each input as it does when fuzzing (a parser and its encoder agree, a
# reply is what the protocol allows, the pump delivers every byte): a
# broken check aborts, and in the sanitizer build a read past an input
# is reported.  Every target has a test, and every corpus a target.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

CORPUS=$TESTS_DIR/fuzz/corpus
REPLAY=$(dirname "$SC")/tests/fuzz

# replay NAME: every input of NAME's corpus through NAME's target: all
# pass, and the target says it took as many as there are files.  What
# the code under test says on stderr (a proxy's refusal) is no failure;
# a sanitizer's report ends the process with a status that is.
replay() {
	[ -x "$REPLAY/$1-replay" ] || fail "$REPLAY/$1-replay not built"
	n=$(find "$CORPUS/$1" -type f ! -name '.*' | wc -l)
	assertTrue "a corpus for $1" "[ $n -gt 0 ]"
	t 120 "$REPLAY/$1-replay" "$CORPUS/$1" >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	_st=$?
	assertEquals "$1: status ($(head -c 2000 "$SC_TMP/err"))" 0 "$_st"
	assertEquals "$1: every input" "$n inputs" "$(<"$SC_TMP/out")"
}

test_every_corpus_is_replayed() {
	for d in "$CORPUS"/*/; do
		name=$(basename "$d")
		assertTrue "a test for $name" \
		    "declare -F test_corpus_$name >/dev/null"
	done
}

test_corpus_addr() { replay addr; }
test_corpus_chat() { replay chat; }
test_corpus_crlf() { replay crlf; }
test_corpus_forwarded() { replay forwarded; }
test_corpus_gate() { replay gate; }
test_corpus_http() { replay http; }
test_corpus_ports() { replay ports; }
test_corpus_proxy() { replay proxy; }
test_corpus_proxyd() { replay proxyd; }
test_corpus_proxyproto() { replay proxyproto; }
test_corpus_pump() { replay pump; }
test_corpus_room() { replay room; }
test_corpus_record() { replay record; }
test_corpus_rendez() { replay rendez; }
test_corpus_script() { replay script; }
test_corpus_secret() { replay secret; }
test_corpus_telnet() { replay telnet; }
test_corpus_time() { replay time; }
test_corpus_tos() { replay tos; }
test_corpus_url() { replay url; }
test_corpus_ws() { replay ws; }
test_corpus_wshttp() { replay wshttp; }

sc_run_shunit2
