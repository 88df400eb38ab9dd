#!/bin/bash
# Real clients against every --websocket server, plain and with --ssl:
# the WebSocket rows of t-real-clients.sh's matrix, a suite of their own
# so that make check runs them beside the other rows.
SC_RC_PART=ws
. "${TESTS_DIR:-$(dirname "$0")}/t-real-clients.sh"
