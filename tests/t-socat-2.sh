#!/bin/bash
# The second of t-socat.sh's three parts (sc_run_shunit2 in tests/lib.sh).
SC_PART=2 . "${TESTS_DIR:-$(dirname "$0")}/t-socat.sh"
