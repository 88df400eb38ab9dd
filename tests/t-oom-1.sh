#!/bin/bash
# The first of t-oom.sh's two parts (sc_run_shunit2 in tests/lib.sh).
SC_PART=1 . "${TESTS_DIR:-$(dirname "$0")}/t-oom.sh"
