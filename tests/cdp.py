#!/usr/bin/env python3
# Drive a headless Chromium, started once by the suite with
# --remote-debugging-port=0, over its DevTools protocol (a WebSocket:
# Python's websockets library), so that a test can load a page and act
# on it as a person would:
#
#	cdp.py DATADIR go URL                 load URL in the browser's tab
#	cdp.py DATADIR eval EXPR              print what EXPR gives
#	cdp.py DATADIR wait EXPR [SECONDS]    until EXPR is true (status 1 if
#	                                      it never is)
#	cdp.py DATADIR shot FILE              save what the tab shows, as PNG
#
# DATADIR is the browser's --user-data-dir, where it writes the port it
# listens on (DevToolsActivePort).

import asyncio
import base64
import json
import os
import sys
import time
import urllib.request

sys.path.append("/usr/lib/python3/dist-packages")
import websockets  # noqa: E402


def debugger_url(datadir):
    path = os.path.join(datadir, "DevToolsActivePort")
    deadline = time.monotonic() + 30
    while True:
        try:
            with open(path) as f:
                port = f.readline().strip()
            if port:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit("cdp.py: the browser gave no port")
        time.sleep(0.1)
    with urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port,
                                timeout=10) as r:
        targets = json.load(r)
    for t in targets:
        if t.get("type") == "page":
            return t["webSocketDebuggerUrl"]
    sys.exit("cdp.py: the browser has no page")


async def call(ws, ident, method, params):
    await ws.send(json.dumps({"id": ident, "method": method,
                              "params": params}))
    while True:
        m = json.loads(await ws.recv())
        if m.get("id") == ident:
            if "error" in m:
                sys.exit("cdp.py: %s: %s" % (method, m["error"]))
            return m.get("result", {})


async def evaluate(ws, ident, expr):
    r = await call(ws, ident, "Runtime.evaluate",
                   {"expression": expr, "returnByValue": True})
    if "exceptionDetails" in r:
        return None
    return r.get("result", {}).get("value")


async def main():
    datadir, cmd = sys.argv[1], sys.argv[2]
    url = debugger_url(datadir)
    async with websockets.connect(url, max_size=None) as ws:
        if cmd == "go":
            await call(ws, 1, "Page.navigate", {"url": sys.argv[3]})
        elif cmd == "eval":
            v = await evaluate(ws, 1, sys.argv[3])
            print(v if isinstance(v, str) else json.dumps(v))
        elif cmd == "wait":
            limit = float(sys.argv[4]) if len(sys.argv) > 4 else 30
            deadline = time.monotonic() + limit
            n = 1
            while not await evaluate(ws, n, sys.argv[3]):
                if time.monotonic() > deadline:
                    sys.exit(1)
                n += 1
                await asyncio.sleep(0.1)
        elif cmd == "shot":
            r = await call(ws, 1, "Page.captureScreenshot",
                           {"format": "png"})
            with open(sys.argv[3], "wb") as f:
                f.write(base64.b64decode(r["data"]))
        else:
            sys.exit("cdp.py: unknown command " + cmd)


asyncio.run(main())
