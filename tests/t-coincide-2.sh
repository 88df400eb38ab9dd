#!/bin/bash
# The second of t-coincide.sh's two parts (sc_run_shunit2 in tests/lib.sh).
SC_PART=2 . "${TESTS_DIR:-$(dirname "$0")}/t-coincide.sh"
