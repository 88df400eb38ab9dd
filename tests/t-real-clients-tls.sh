#!/bin/bash
# Real clients against every listening mode with --ssl: the TLS rows of
# t-real-clients.sh's matrix, a suite of their own so that make check
# runs them beside the other rows.
SC_RC_PART=tls
. "${TESTS_DIR:-$(dirname "$0")}/t-real-clients.sh"
