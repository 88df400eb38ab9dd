#!/bin/bash
# Headless Chromium opening every server of t-real-clients.sh's matrix
# at once (a frame and a WebSocket each), then each server's proper
# client: a suite of its own so that make check runs it beside the rows.
SC_RC_PART=browser
. "${TESTS_DIR:-$(dirname "$0")}/t-real-clients.sh"
