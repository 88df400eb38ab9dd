"""WebSocket peers for tests/t-websocket.sh: Python's websockets library
(a client and a server nobody here wrote) and, for what no library will
send, raw frames over a socket.

  wspeer.py serve KIND [ARG]   a server on 127.0.0.1, port 0: prints
                               "PORT n", then serves one client (over
                               TLS with WSPEER_CERT and WSPEER_KEY; on
                               the Unix-domain socket WSPEER_UNIX)
  wspeer.py client KIND PORT [ARG]
                               a client of ws://127.0.0.1:PORT/
  wspeer.py raw CASE PORT      a hand-made client sending one bad frame
                               (or, "textclose", a message and a close);
                               prints the close code it gets back
  wspeer.py upgrade PORT PATH  a hand-made upgrade request for PATH (any
                               bytes): prints the answer's status line
  wspeer.py reset PORT         a hand-made client that reads a message,
                               sends 200 KB and resets the connection
  wspeer.py flood PORT FIRST EACH
                               a hand-made client that upgrades, sends the
                               frame FIRST (hex, or "-": none), then the
                               frame EACH (hex) as fast as it can: prints
                               "flooding" once the socket has taken a
                               first run of them, and goes on for 15 s
  wspeer.py deaf PORT          a hand-made client that upgrades and then
                               answers nothing: prints the frames it got
  wspeer.py crowd N PORT       N clients of a --broker's ws://127.0.0.1:PORT/,
                               with the compression websockets offers:
                               each says a line and reads the others'; then
                               prints the extensions agreed and "idle",
                               and holds them open until stdin ends

Everything it learns goes to stdout, one fact per line.
"""

import asyncio
import base64
import hashlib
import os
import socket
import ssl
import struct
import sys
import time

sys.path.append("/usr/lib/python3/dist-packages")
import websockets  # noqa: E402

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def say(*a):
    print(*a, flush=True)


def pattern(n):
    """n bytes that are not all alike, the same on every run."""
    block = hashlib.sha256(b"sockcat").digest() * 2048
    return (block * (n // len(block) + 1))[:n]


async def serve(kind, arg):
    done = asyncio.get_running_loop().create_future()

    async def handler(ws, path=None):
        try:
            await serve_one(ws, kind, arg)
        finally:
            if not done.done():
                done.set_result(None)

    ctx = None
    if os.environ.get("WSPEER_CERT"):
        # wss://: the certificate and key of WSPEER_CERT and WSPEER_KEY.
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.environ["WSPEER_CERT"],
                            os.environ["WSPEER_KEY"])
    if os.environ.get("WSPEER_UNIX"):
        # On the Unix-domain socket WSPEER_UNIX: "PORT 0" says it is up.
        async with websockets.unix_serve(handler, os.environ["WSPEER_UNIX"],
                                         max_size=None):
            say("PORT", 0)
            await done
            await asyncio.sleep(0.2)
        return
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None,
                                subprotocols=["chat", "superchat"],
                                ssl=ctx) as srv:
        say("PORT", srv.sockets[0].getsockname()[1])
        await done
        await asyncio.sleep(0.2)


async def serve_one(ws, kind, arg):
    if kind == "echo":
        say("path", ws.path)
        say("origin", ws.request_headers.get("Origin"))
        say("x-test", ws.request_headers.get("X-Test"))
        say("subprotocol", ws.subprotocol)
        async for m in ws:
            await ws.send(m)
        say("closed", ws.close_code)
    elif kind == "slowecho":
        # Answers each message a moment later, as a server doing work
        # would: a client that closed at once would never see it.
        async for m in ws:
            await asyncio.sleep(float(arg))
            await ws.send(m)
        say("closed", ws.close_code)
    elif kind == "noclose":
        # Echoes the first message, then reads nothing more for ARG
        # seconds: a close sent to it is never answered.
        m = await ws.recv()
        await ws.send(m)
        ws.transport.pause_reading()
        say("deaf")
        await asyncio.sleep(float(arg))
        ws.transport.abort()
    elif kind == "script":
        await ws.send("from server")
        say("got", await ws.recv())
        await ws.send(["frag", "men", "ted"])
        await ws.send(b"\x00\x01binary")
        pong = await ws.ping(b"hi")
        await asyncio.wait_for(pong, 10)
        say("pong ok")
        await ws.close(4001, "done here")
        say("closed", ws.close_code)
    elif kind == "sink":
        h = hashlib.sha256()
        n = 0
        try:
            async for m in ws:
                h.update(m if isinstance(m, bytes) else m.encode())
                n += len(m)
        finally:
            say("bytes", n)
            say("sha256", h.hexdigest())
            say("closed", ws.close_code)
    elif kind == "source":
        data = pattern(int(arg))
        for i in range(0, len(data), 1 << 16):
            await ws.send(data[i:i + (1 << 16)])
        say("sha256", hashlib.sha256(data).hexdigest())
        await ws.close()
    elif kind == "badutf8":
        # websockets will not send invalid text: write the frame itself.
        ws.transport.write(b"\x81\x02\xc3\x28")
        try:
            await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed as e:
            say("closed", e.rcvd.code if e.rcvd else None)
    elif kind == "big":
        await ws.send(b"x" * int(arg))
        try:
            await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed as e:
            say("closed", e.rcvd.code if e.rcvd else None)
    elif kind == "kinds":
        # Says what kind each message is, until the close.
        try:
            async for m in ws:
                say("got", "text" if isinstance(m, str) else "binary",
                    repr(m))
        finally:
            say("closed", ws.close_code)
    elif kind == "close1011":
        await ws.close(1011, "boom")
        say("closed", ws.close_code)


def capture_server(kind):
    """One upgrade request, told line by line, answered with a refusal
    (capture-esc: a status line with an escape sequence in it)."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    say("PORT", ls.getsockname()[1])
    s, _ = ls.accept()
    s.settimeout(10)
    req = b""
    while b"\r\n\r\n" not in req:
        b = s.recv(4096)
        if not b:
            break
        req += b
    lines = req.split(b"\r\n\r\n")[0].split(b"\r\n")
    say("line", repr(lines[0]))
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        say("header", name.decode("latin-1").lower(),
            value.strip().decode("latin-1"))
    if kind == "capture-esc":
        s.sendall(b"HTTP/1.1 404 \x1b]0;owned\x07\x1b[2JNot Found\r\n"
                  b"Content-Length: 0\r\n\r\n")
    else:
        s.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    s.close()


def raw_server(kind):
    """One client, answered by hand: a wrong key, a 404 or no 101."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    say("PORT", ls.getsockname()[1])
    s, _ = ls.accept()
    req = b""
    while b"\r\n\r\n" not in req:
        b = s.recv(4096)
        if not b:
            return
        req += b
    key = b""
    for line in req.split(b"\r\n"):
        if line.lower().startswith(b"sec-websocket-key:"):
            key = line.split(b":", 1)[1].strip()
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    if kind == "badaccept":
        accept = base64.b64encode(hashlib.sha1(b"x" + GUID).digest())
    if kind == "404":
        s.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    elif kind == "no101":
        s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    else:
        s.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket"
                  b"\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
                  accept + b"\r\n\r\n")
    s.settimeout(10)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass


async def client(kind, port, arg):
    uri = "ws://127.0.0.1:%s/room" % port
    ctx = None
    if os.environ.get("WSPEER_CA"):
        # wss://, the server's certificate checked against the CA.
        ctx = ssl.create_default_context(cafile=os.environ["WSPEER_CA"])
        uri = "wss://localhost:%s/room" % port
    async with websockets.connect(uri, max_size=None, ssl=ctx) as ws:
        if kind == "lines":
            # Send ARG's lines (one that starts "bin:" as a binary
            # message of the rest), then print every message until the
            # close (which may come before they are all sent).
            try:
                for line in arg.split("|"):
                    if line.startswith("bin:"):
                        await ws.send(line[4:].encode())
                    elif line:
                        await ws.send(line)
                async for m in ws:
                    say("msg", m if isinstance(m, str) else repr(m))
            except websockets.ConnectionClosedError:
                pass
            finally:
                say("closed", ws.close_code)
        elif kind == "hello":
            # Print what comes until a message holds ARG, then one line.
            while True:
                m = await asyncio.wait_for(ws.recv(), 20)
                say("msg", m)
                if arg in m:
                    break
        elif kind == "roomie":
            # A room member: once the plain client's line has come, says
            # ARG, then prints lines until another member's has come.
            said = False
            while True:
                m = await asyncio.wait_for(ws.recv(), 20)
                say("msg", m)
                if not said and "from tcp" in m:
                    await ws.send(arg)
                    said = True
                elif said and m.startswith("<user") and "from tcp" not in m:
                    break
        elif kind == "script":
            await ws.send("text one")
            await ws.send(["frag", "men", "ted"])
            say("echo", await ws.recv())
            say("echo", await ws.recv())
            pong = await ws.ping(b"p")
            await asyncio.wait_for(pong, 10)
            say("pong ok")
            await ws.close(4000, "bye")
            say("closed", ws.close_code)
        elif kind == "stream":
            # ARG bytes up as binary messages, the same back: sha256.
            data = pattern(int(arg))

            async def up():
                for i in range(0, len(data), 1 << 16):
                    await ws.send(data[i:i + (1 << 16)])

            task = asyncio.ensure_future(up())
            h = hashlib.sha256()
            n = 0
            while n < len(data):
                m = await ws.recv()
                h.update(m)
                n += len(m)
            await task
            say("sent", hashlib.sha256(data).hexdigest())
            say("back", h.hexdigest())
            await ws.close()
        elif kind == "zeros":
            # One message of ARG zero bytes, which deflate makes a few
            # kilobytes: as much must come back, however it is cut.
            await ws.send(bytes(int(arg)))
            n = 0
            try:
                while n < int(arg):
                    n += len(await asyncio.wait_for(ws.recv(), 15))
            except asyncio.TimeoutError:
                pass
            say("extensions", ",".join(e.name for e in ws.extensions))
            say("back", n)
            await ws.close()
        elif kind == "big":
            await ws.send(b"y" * int(arg))
            try:
                await asyncio.wait_for(ws.recv(), 10)
            except websockets.ConnectionClosed as e:
                say("closed", e.rcvd.code if e.rcvd else None)
        elif kind == "kinds":
            # Binary messages, one of them not UTF-8, and a text one,
            # to an echo: what kind each comes back as.
            sent = [b"\xff\xfe\x00bin", "h\u00e9llo \u20ac", b"plain"]
            for m in sent:
                await ws.send(m)
            try:
                for _ in sent:
                    m = await asyncio.wait_for(ws.recv(), 20)
                    say("text" if isinstance(m, str) else "binary",
                        repr(m))
                await ws.close()
            finally:
                say("closed", ws.close_code)
        elif kind == "until":
            # Every message, until one holds ARG.
            try:
                while True:
                    m = await asyncio.wait_for(ws.recv(), 20)
                    say("msg", m if isinstance(m, str) else repr(m))
                    if isinstance(m, str) and arg in m:
                        break
            except websockets.ConnectionClosed as e:
                say("closed", e.rcvd.code if e.rcvd else None)
        elif kind == "answer":
            # The headers of the server's 101 answer, then a close.
            for name, value in ws.response_headers.raw_items():
                say("header", name.lower(), value)
            await ws.close()
        elif kind == "say":
            # ARG as one message, then every message until the close.
            await ws.send(arg)
            try:
                async for m in ws:
                    say("msg", m if isinstance(m, str) else repr(m))
            finally:
                say("closed", ws.close_code)


def raw_client(case, port):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    key = base64.b64encode(os.urandom(16))
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key +
              b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        b = s.recv(1)
        if not b:
            say("no answer")
            return
        head += b
    say("status", head.split(b"\r\n")[0].decode())
    mask = b"\x01\x02\x03\x04"
    if case == "unmasked":
        frame = b"\x81\x02hi"
    elif case == "len63":
        frame = b"\x82\xff" + struct.pack(">Q", 1 << 63) + mask
    elif case == "bigctrl":
        frame = b"\x89\xfe" + struct.pack(">H", 126) + mask + b"\0" * 126
    elif case == "fragctrl":
        frame = b"\x09\x80" + mask
    elif case == "badutf8":
        frame = b"\x81\x82" + mask + bytes(a ^ b for a, b in
                                           zip(b"\xc3\x28", mask))
    elif case == "reserved":
        frame = b"\xc1\x80" + mask
    elif case == "textclose":
        # A message and the close after it, in one segment.
        frame = (b"\x81\x82" + mask + bytes(a ^ b for a, b in
                                              zip(b"hi", mask)) +
                 b"\x88\x82" + mask + bytes(a ^ b for a, b in
                                              zip(b"\x03\xe8", mask)))
    else:
        raise SystemExit("no such case")
    s.sendall(frame)
    # Frames until the close (a room says welcome first).
    data = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
    except OSError:
        pass
    while len(data) >= 2:
        n = data[1] & 0x7f
        hl = 2
        if n == 126:
            n = struct.unpack(">H", data[2:4])[0]
            hl = 4
        elif n == 127:
            n = struct.unpack(">Q", data[2:10])[0]
            hl = 10
        if data[0] == 0x88:
            say("close", struct.unpack(">H", data[hl:hl + 2])[0])
            return
        data = data[hl + n:]
    say("no close")


def handshake(port, path=b"/"):
    """A socket past its upgrade, and the answer's status line."""
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    key = base64.b64encode(os.urandom(16))
    s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n"
              b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: " + key +
              b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        b = s.recv(1)
        if not b:
            break
        head += b
    return s, head.split(b"\r\n")[0].decode("latin-1")


def upgrade(port, path):
    s, status = handshake(port, os.fsencode(path))
    say("status", status if status else "no answer")
    s.close()


def reset(port):
    """Read one message (the server's program has started and is
    writing), send more than a pipe holds, then reset the connection
    with what the server sent still unread."""
    s, status = handshake(port)
    say("status", status)
    if not s.recv(1):
        say("no data")
        return
    payload = b"x" * 199999 + b"\n"
    mask = b"\x00\x00\x00\x00"
    s.sendall(b"\x82\xff" + struct.pack(">Q", len(payload)) + mask + payload)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    say("reset")


async def crowd(n, port):
    uri = "ws://127.0.0.1:%s/" % port
    members = []
    for _ in range(n):
        members.append(await websockets.connect(uri, max_size=None,
                                                open_timeout=60))
    exts = {ws.response_headers.get("Sec-WebSocket-Extensions", "none")
            for ws in members}

    async def talk(i, ws):
        await ws.send("member %d says a line of text long enough to be "
                      "worth compressing, as every other member does" % i)
        for _ in range(n - 1):
            await asyncio.wait_for(ws.recv(), 120)

    await asyncio.gather(*(talk(i, ws) for i, ws in enumerate(members)))
    for e in sorted(exts):
        say("extensions", e)
    say("idle")
    await asyncio.get_running_loop().run_in_executor(None,
                                                     sys.stdin.read)
    await asyncio.gather(*(ws.close() for ws in members))


def flood(port, first, each):
    s, _ = handshake(port)
    # A send waits as long as the server takes: the flood is bounded by
    # its time, and by whoever runs it.
    s.settimeout(None)
    if first != "-":
        s.sendall(bytes.fromhex(first))
    run = bytes.fromhex(each) * 100000
    s.sendall(run)
    say("flooding")
    end = time.monotonic() + 15
    try:
        while time.monotonic() < end:
            s.sendall(run)
    except OSError:
        pass


def deaf(port):
    """A client that upgrades and then reads nothing, answers no ping,
    until the server closes: then prints what came, a line a frame."""
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=30)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\n"
              b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              b"Sec-WebSocket-Version: 13\r\n\r\n")
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
    head, _, rest = data.partition(b"\r\n\r\n")
    say(head.split(b"\r\n")[0].decode("latin-1"))
    i = 0
    while i + 2 <= len(rest):
        op, n = rest[i] & 0x0f, rest[i + 1] & 0x7f
        p = rest[i + 2:i + 2 + n]
        if op == 9:
            say("ping")
        elif op == 8:
            say("close", int.from_bytes(p[:2], "big"),
                p[2:].decode("utf-8", "replace"))
        i += 2 + n


def main():
    what = sys.argv[1]
    if what == "serve":
        kind = sys.argv[2]
        if kind in ("badaccept", "404", "no101"):
            raw_server(kind)
        elif kind in ("capture", "capture-esc"):
            capture_server(kind)
        else:
            asyncio.run(serve(kind, sys.argv[3] if len(sys.argv) > 3
                              else None))
    elif what == "client":
        asyncio.run(client(sys.argv[2], sys.argv[3],
                           sys.argv[4] if len(sys.argv) > 4 else ""))
    elif what == "raw":
        raw_client(sys.argv[2], sys.argv[3])
    elif what == "upgrade":
        upgrade(sys.argv[2], sys.argv[3])
    elif what == "reset":
        reset(sys.argv[2])
    elif what == "deaf":
        deaf(sys.argv[2])
    elif what == "flood":
        flood(sys.argv[2], sys.argv[3], sys.argv[4])
    elif what == "crowd":
        asyncio.run(crowd(int(sys.argv[2]), sys.argv[3]))


main()
