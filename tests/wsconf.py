"""WebSocket conformance peers for tests/t-ws-conformance.sh.

Hand-made frames over a socket, for what no library will send (frames
that break RFC 6455 or RFC 7692 on purpose), and Python's websockets
library, an implementation nobody here wrote, for what a real peer
does.

  wsconf.py raw-client PORT [-z OFFER] [-p PROTOCOLS] FRAME...
        upgrade as a client of ws://127.0.0.1:PORT/ (offering the
        extension OFFER with -z, the subprotocols PROTOCOLS with -p, and
        then printing "protocol P", the one chosen, or "protocol none"),
        send the frames, then print every
        frame that comes back until the close handshake or the end
        (cases separated by "--" are connections of their own, each
        report after a line "case N")
  wsconf.py raw-server [-z|-Z ANSWER] FRAME...
        print "PORT n", take one upgrade (answering the extension with
        ANSWER when one was offered, or even when not with -Z), then as
        raw-client
  wsconf.py py-client URL KIND [ARG]
  wsconf.py py-server KIND [ARG]     (prints "PORT n" first)
        websockets as a client or a server doing KIND (see py_run)

A FRAME is OP[/FLAGS]:PAYLOAD.  OP is text, bin, cont, close, ping,
pong or an opcode's number.  FLAGS: n (not the last frame), 1, 2, 3
(that reserved bit set), w (masked the wrong way for our side), z
(payload deflated, RFC 7692, with the tail cut off).  PAYLOAD is s:TEXT,
x:HEX, a:N (N bytes "a"), r:N (N random bytes), c:CODE[:REASON] (a
close payload), or empty.  A FRAME "wait" waits for the next frame from
the peer before going on.

What is received is printed one frame per line: "text LEN HEAD",
"bin LEN SHA", "cont LEN", "ping HEX", "pong HEX", "close CODE REASON"
(or "close none"), "rsv1" before a compressed one; "message text|bin
LEN SHA16" once a message is whole (inflated); "eof" at the end of the
connection, "timeout" if it never came.
"""

import asyncio
import base64
import hashlib
import os
import random
import re
import socket
import struct
import sys
import time
import zlib

sys.path.append("/usr/lib/python3/dist-packages")

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OPS = {"cont": 0, "text": 1, "bin": 2, "close": 8, "ping": 9, "pong": 10}
NAMES = {v: k for k, v in OPS.items()}


def say(*a):
    print(*a, flush=True)


def sha16(b):
    return hashlib.sha256(b).hexdigest()[:16]


def payload(spec):
    kind, _, rest = spec.partition(":")
    if kind == "s":
        return rest.encode()
    if kind == "x":
        return bytes.fromhex(rest)
    if kind == "a":
        return b"a" * int(rest)
    if kind == "r":
        return random.Random(7).randbytes(int(rest))
    if kind == "c":
        code, _, reason = rest.partition(":")
        return struct.pack("!H", int(code)) + reason.encode()
    return b""


COMP = None


def deflate(data, first, fin):
    """A frame's share of its message's compressed data (RFC 7692, 7.2.1):
    one stream for the whole message, its empty block cut off the end."""
    global COMP
    if first or COMP is None:
        COMP = zlib.compressobj(6, zlib.DEFLATED, -15)
    out = COMP.compress(data) + COMP.flush(zlib.Z_SYNC_FLUSH)
    if not fin:
        return out
    # Nothing since the last flush: an empty block's first byte is due.
    return out[:-4] if out.endswith(b"\x00\x00\xff\xff") else out + b"\x00"



def frame(spec, client):
    """The bytes of one FRAME; a client masks unless told w."""
    head, _, body = spec.partition(":")
    op, _, flags = head.partition("/")
    op = OPS[op] if op in OPS else int(op)
    data = payload(body)
    if "z" in flags:
        data = deflate(data, op != 0, "n" not in flags)
        if op != 0:
            flags += "1"
    b0 = (0 if "n" in flags else 0x80) | op
    for bit, mask in (("1", 0x40), ("2", 0x20), ("3", 0x10)):
        if bit in flags:
            b0 |= mask
    masked = client != ("w" in flags)
    n = len(data)
    if n < 126:
        hdr = struct.pack("!BB", b0, n | (0x80 if masked else 0))
    elif n < 65536:
        hdr = struct.pack("!BBH", b0, 126 | (0x80 if masked else 0), n)
    else:
        hdr = struct.pack("!BBQ", b0, 127 | (0x80 if masked else 0), n)
    if masked:
        key = os.urandom(4)
        hdr += key
        data = xor_long(data, key)
    return hdr + data


def xor_long(data, key):
    k = (key * (len(data) // 4 + 1))[:len(data)]
    x = int.from_bytes(data, "big") ^ int.from_bytes(k, "big")
    return x.to_bytes(len(data), "big")


class Reader:
    def __init__(self, s):
        self.s = s
        self.buf = b""

    def need(self, n):
        while len(self.buf) < n:
            b = self.s.recv(1 << 20)
            if not b:
                raise EOFError
            self.buf += b
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def frame(self):
        b0, b1 = self.need(2)
        n = b1 & 0x7f
        if n == 126:
            n = struct.unpack("!H", self.need(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.need(8))[0]
        key = self.need(4) if b1 & 0x80 else None
        data = self.need(n)
        if key:
            data = xor_long(data, key)
        return b0, bool(b1 & 0x80), data


def converse(s, frames, client, deflated, bits=15):
    """Send the frames, then print what comes until the close is done;
    a compressed message is inflated with a window of 2^bits, the most
    its sender agreed to use."""
    r = Reader(s)
    sent_close = False
    inflater = zlib.decompressobj(-bits)
    msg = None
    pending = list(frames)

    def send_until_wait():
        nonlocal sent_close
        while pending:
            f = pending.pop(0)
            if f == "wait":
                return
            if f.startswith("sleep:"):
                # Reads nothing meanwhile: the peer meets back-pressure.
                time.sleep(float(f[6:]))
                continue
            s.sendall(frame(f, client))
            if f.startswith("close"):
                sent_close = True

    send_until_wait()
    shown = 0
    try:
        while True:
            b0, masked, data = r.frame()
            op = b0 & 0x0f
            if op in (0, 1, 2) and not b0 & 0x80 and shown >= 20:
                # A long stream: its first frames are enough.
                if msg is not None:
                    msg[2] += data
                continue
            shown += op in (0, 1, 2)
            if masked == client:
                say("masked-wrong")
            if b0 & 0x40:
                say("rsv1")
            if b0 & 0x30:
                say("rsv23")
            name = NAMES.get(op, str(op))
            if op in (1, 2):
                msg = [op, b0 & 0x40, data]
            elif op == 0 and msg is not None:
                msg[2] += data
            if op == 1:
                say("text", len(data), data[:20].decode("utf-8", "replace").encode("unicode_escape").decode(), data[-8:].hex())
            elif op == 2:
                say("bin", len(data), sha16(data))
            elif op == 0:
                say("cont", len(data), data[:16].hex(), data[-8:].hex())
            elif op in (9, 10):
                say(name, data.hex())
                if op == 9 and not sent_close:
                    s.sendall(frame("pong:x:" + data.hex(), client))
            elif op == 8:
                if len(data) >= 2:
                    code = struct.unpack("!H", data[:2])[0]
                    say("close", code, data[2:].decode("utf-8", "replace"))
                else:
                    say("close", "none")
                if not sent_close:
                    # RFC 6455, 5.5.1: answer with the code received.
                    s.sendall(frame("close:x:" + data[:2].hex(), client))
                    sent_close = True
                if client:
                    # The server closes the TCP connection first (7.1.1).
                    s.settimeout(10)
                    try:
                        while s.recv(65536):
                            pass
                        say("eof")
                    except socket.timeout:
                        say("timeout")
                    except ConnectionResetError:
                        # Our answer crossed the server's own end.
                        say("eof")
                    return
                say("eof")
                return
            else:
                say(name, len(data))
            if op in (0, 1, 2) and b0 & 0x80 and msg is not None:
                body = msg[2]
                if msg[1] and deflated:
                    body = inflater.decompress(body + b"\x00\x00\xff\xff")
                say("message", NAMES[msg[0]], len(body), sha16(body))
                msg = None
                send_until_wait()
    except (EOFError, ConnectionResetError):
        say("eof")
    except socket.timeout:
        say("timeout")


def read_head(s):
    buf = b""
    while b"\r\n\r\n" not in buf:
        b = s.recv(4096)
        if not b:
            raise EOFError
        buf += b
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return lines[0], hdrs, rest


def raw_client(port, offer, protocols, frames):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    req = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
           "Sec-WebSocket-Version: 13\r\n" % (port, key))
    if offer:
        req += "Sec-WebSocket-Extensions: %s\r\n" % offer
    if protocols:
        req += "Sec-WebSocket-Protocol: %s\r\n" % protocols
    s.sendall((req + "\r\n").encode())
    status, hdrs, rest = read_head(s)
    say("status", status.split(" ")[1])
    ext = hdrs.get("sec-websocket-extensions")
    say("extensions", ext if ext else "none")
    if protocols:
        say("protocol", hdrs.get("sec-websocket-protocol", "none"))
    want = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest())
    if hdrs.get("sec-websocket-accept", "").encode() != want:
        say("bad-accept")
    r_rest = rest
    s2 = Prefixed(s, r_rest)
    m = re.search(r"server_max_window_bits=(\d+)", ext or "")
    converse(s2, frames, True, ext is not None, int(m.group(1)) if m else 15)


class Prefixed:
    """A socket with bytes already read put back in front."""

    def __init__(self, s, pre):
        self.s = s
        self.pre = pre

    def recv(self, n):
        if self.pre:
            b, self.pre = self.pre, b""
            return b
        return self.s.recv(n)

    def sendall(self, b):
        try:
            self.s.sendall(b)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def settimeout(self, t):
        self.s.settimeout(t)


def raw_server(answer, frames, force):
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    say("PORT", ls.getsockname()[1])
    ls.settimeout(30)
    s, _ = ls.accept()
    s.settimeout(30)
    _, hdrs, rest = read_head(s)
    say("offer", hdrs.get("sec-websocket-extensions", "none"))
    key = hdrs["sec-websocket-key"].encode()
    acc = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
    ans = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n" % acc)
    if answer and ("sec-websocket-extensions" in hdrs or force):
        ans += "Sec-WebSocket-Extensions: %s\r\n" % answer
    s.sendall((ans + "\r\n").encode())
    converse(Prefixed(s, rest), frames, False, bool(answer))
    s.close()


def text_of(n, seed=1):
    """n bytes of UTF-8 text, much of it not ASCII, that compresses."""
    words = ["alpha ", "beta ", "gamma ", "delta ", "\u00e9psilon ",
             "\u03b6eta ", "\u2603 "]
    r = random.Random(seed)
    out = []
    size = 0
    while size < n:
        w = r.choice(words)
        out.append(w)
        size += len(w.encode())
    b = "".join(out).encode()[:n]
    return b.decode("utf-8", "ignore")


async def py_run(ws, kind, arg):
    """What a websockets peer does, on either side."""
    import websockets
    ext = ws.response_headers.get("Sec-WebSocket-Extensions") \
        if hasattr(ws, "response_headers") else None
    say("extensions", ext or "none")
    if kind == "sizes":
        # Each size as a text message without newlines, echoed whole.
        for n in [int(x) for x in arg.split(",")]:
            t = "x" * n
            await ws.send(t)
            m = await asyncio.wait_for(ws.recv(), 60)
            say("size", n, "ok" if m == t else "BAD %d" % len(m))
        await ws.close()
    elif kind == "bigtext":
        t = text_of(int(arg))
        await ws.send(t)
        m = await asyncio.wait_for(ws.recv(), 120)
        say("bigtext", "exact" if m == t else "differs %d" % len(m))
        await ws.close()
    elif kind == "echo":
        # Echoes ARG messages (all, without one), then closes.
        n = 0
        try:
            async for m in ws:
                await ws.send(m)
                n += 1
                if arg and n == int(arg):
                    await ws.close()
        except websockets.ConnectionClosed:
            pass
    elif kind == "ping":
        for p in (b"", b"p" * 125, bytes(range(100))):
            pong = await ws.ping(p)
            await asyncio.wait_for(pong, 10)
            say("pong", len(p))
        await ws.close()
    elif kind == "close":
        code, _, reason = arg.partition(":")
        await ws.close(int(code), reason)
    elif kind == "frag":
        await ws.send(["fr\u00e9", "gm", "ent\u00e9"])
        say("got", await asyncio.wait_for(ws.recv(), 10))
        await ws.close()
    elif kind == "stall":
        # Reads nothing for a while, however much is coming, then closes
        # and reads what was sent before the peer's answer to the close.
        # websockets' close() alone would not: while its queue of unread
        # messages is full it reads no frame, so the answer behind them
        # never comes and it ends with 1006 after close_timeout.  RFC
        # 6455 (5.5.1, 7.1.1) wants the closing side to go on reading
        # until the close comes back: the test does that for it.
        await asyncio.sleep(float(arg))
        closing = asyncio.ensure_future(ws.close())
        try:
            async for _ in ws:
                pass
        except websockets.ConnectionClosed:
            pass
        await asyncio.wait_for(closing, 30)
    try:
        await asyncio.wait_for(ws.wait_closed(), 30)
    except asyncio.TimeoutError:
        say("timeout")
    say("closed", ws.close_code, ws.close_reason)


async def py_client(url, kind, arg):
    import websockets
    comp = None if kind.startswith("nz-") else "deflate"
    kind = kind[3:] if kind.startswith("nz-") else kind
    # The close waits as long as a loaded machine may need (websockets'
    # own 10 s ended a sanitized server's answer with 1006).
    async with websockets.connect(url, max_size=None, compression=comp,
                                  max_queue=1, read_limit=65536,
                                  open_timeout=30, close_timeout=40) as ws:
        await py_run(ws, kind, arg)


async def py_server(kind, arg):
    import websockets
    done = asyncio.get_running_loop().create_future()

    async def handler(ws, path=None):
        try:
            await py_run(ws, kind, arg)
        finally:
            if not done.done():
                done.set_result(None)

    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None,
                                max_queue=1, read_limit=65536) as srv:
        say("PORT", srv.sockets[0].getsockname()[1])
        await done


def main():
    a = sys.argv[1:]
    if a[0] == "raw-client":
        port = a[1]
        offer = protocols = None
        rest = a[2:]
        if rest[:1] == ["-z"]:
            offer, rest = rest[1], rest[2:]
        if rest[:1] == ["-p"]:
            protocols, rest = rest[1], rest[2:]
        # Cases after "--" are connections of their own, one after another.
        cases = [[]]
        for f in rest:
            if f == "--":
                cases.append([])
            else:
                cases[-1].append(f)
        for i, frames in enumerate(cases):
            if len(cases) > 1:
                say("case", i)
            raw_client(port, offer, protocols, frames)
    elif a[0] == "raw-server":
        answer = None
        force = False
        rest = a[1:]
        if rest[:1] in (["-z"], ["-Z"]):
            force = rest[0] == "-Z"
            answer, rest = rest[1], rest[2:]
        raw_server(answer, rest, force)
    elif a[0] == "py-client":
        asyncio.run(py_client(a[1], a[2], a[3] if len(a) > 3 else ""))
    elif a[0] == "py-server":
        asyncio.run(py_server(a[1], a[2] if len(a) > 2 else ""))
    elif a[0] == "text":
        sys.stdout.write(text_of(int(a[1])))
    else:
        sys.exit("usage: see the top of wsconf.py")


if __name__ == "__main__":
    main()
