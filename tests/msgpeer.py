"""Message-boundary peers for tests/t-boundaries.sh: UDP sockets and
Python's websockets (nobody here wrote either), each telling what it
received one message or datagram at a time.

  msgpeer.py udp-sink N          a UDP socket on 127.0.0.1, port 0:
                                 prints "PORT n", then the sizes of the
                                 first N datagrams it receives, one line
  msgpeer.py udp-echo            the same, sending each datagram back
  msgpeer.py ws-sink N           a WebSocket server: the sizes of the
                                 client's first N messages, one line
  msgpeer.py ws-echo             a WebSocket server echoing each message
  msgpeer.py ws-send URL SIZE... a client sending binary messages of
                                 these sizes (a SIZE +MS waits MS ms
                                 instead), then waiting for its close
  msgpeer.py udp-send PORT SIZE...
                                 datagrams of these sizes, to PORT
  msgpeer.py udp-ask PORT SIZE N a datagram of SIZE to PORT, then the sizes
                                 of the N datagrams that come back, one
                                 line (fewer: those that came)
  msgpeer.py ws-burst URL COUNT BURST
  msgpeer.py udp-burst PORT COUNT BURST
                                 COUNT messages (or datagrams), BURST at
                                 a time, each of its own size and bytes;
                                 each burst's echoes are awaited; prints
                                 "sent S, back B, whole W": W of them
                                 came back as one message each, intact

A burst goes out in one go, so that its datagrams arrive together; it
is small enough (BURST of at most 1,200 bytes) for a socket's default
buffer, so that nothing is lost on the loopback.
"""

import asyncio
import socket
import sys

sys.path.append("/usr/lib/python3/dist-packages")
import websockets  # noqa: E402

TIMEOUT = 30
# Linux's SO_RCVBUFFORCE, which the socket module does not name.
RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)


def say(*a):
    print(*a, flush=True)


def message(i):
    """The i-th message: its number, then bytes up to 1 to 1,200 in all."""
    head = b"%d:" % i
    size = max(len(head), 1 + (i * 7919) % 1200)
    return (head + bytes((i + k) & 0xff for k in range(size)))[:size]


def udp_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Room for a burst of the largest datagrams: what the default
    # buffer cannot hold the kernel drops, and the test would blame
    # sockcat.  Root may go beyond net.core.rmem_max.
    try:
        s.setsockopt(socket.SOL_SOCKET, RCVBUFFORCE, 4 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("127.0.0.1", 0))
    s.settimeout(TIMEOUT)
    return s


def udp_sink(n):
    s = udp_socket()
    say("PORT", s.getsockname()[1])
    sizes = []
    while len(sizes) < n:
        data, _ = s.recvfrom(70000)
        sizes.append(len(data))
    say(" ".join(str(x) for x in sizes))


def udp_echo():
    s = udp_socket()
    s.settimeout(None)
    say("PORT", s.getsockname()[1])
    while True:
        data, peer = s.recvfrom(70000)
        s.sendto(data, peer)


async def ws_serve(handler):
    async def wrap(ws, path=None):
        await handler(ws)

    async with websockets.serve(wrap, "127.0.0.1", 0, max_size=None,
                                compression=None) as server:
        say("PORT", server.sockets[0].getsockname()[1])
        await asyncio.Future()


async def ws_sink(n):
    async def handler(ws):
        sizes = []
        while len(sizes) < n:
            sizes.append(len(await ws.recv()))
        say(" ".join(str(x) for x in sizes))
        await ws.close()
    await ws_serve(handler)


async def ws_echo():
    async def handler(ws):
        async for m in ws:
            await ws.send(m)
    await ws_serve(handler)


async def ws_send(url, sizes):
    async with websockets.connect(url, max_size=None) as ws:
        for n in sizes:
            if n.startswith("+"):
                await asyncio.sleep(int(n[1:]) / 1000)
                continue
            n = int(n)
            await ws.send(bytes(n % 251 for _ in range(n)))
        try:
            await asyncio.wait_for(ws.wait_closed(), TIMEOUT)
        except asyncio.TimeoutError:
            pass


def udp_send(port, sizes):
    s = udp_socket()
    for n in sizes:
        s.sendto(bytes(n % 251 for _ in range(n)), ("127.0.0.1", port))


def udp_ask(port, size, n):
    s = udp_socket()
    s.sendto(bytes(size % 251 for _ in range(size)), ("127.0.0.1", port))
    got = []
    try:
        while len(got) < n:
            got.append(len(s.recv(70000)))
    except socket.timeout:
        pass
    say(*got)


def tally(sent, back):
    whole = sum(1 for m in back if m in sent)
    say("sent %d, back %d, whole %d" % (len(sent), len(back), whole))


async def ws_burst(url, count, burst):
    sent, back = set(), []
    async with websockets.connect(url, max_size=None) as ws:
        for first in range(0, count, burst):
            batch = [message(i) for i in range(first,
                                               min(first + burst, count))]
            for m in batch:
                sent.add(m)
                await ws.send(m)
            for _ in batch:
                try:
                    back.append(await asyncio.wait_for(ws.recv(), TIMEOUT))
                except asyncio.TimeoutError:
                    break
            if len(back) < first + len(batch):
                break
    tally(sent, back)


def udp_burst(port, count, burst):
    s = udp_socket()
    s.settimeout(5)
    sent, back = set(), []
    for first in range(0, count, burst):
        batch = [message(i) for i in range(first, min(first + burst, count))]
        for m in batch:
            sent.add(m)
            s.sendto(m, ("127.0.0.1", port))
        try:
            for _ in batch:
                back.append(s.recv(70000))
        except socket.timeout:
            break
    tally(sent, back)


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what == "udp-sink":
        udp_sink(int(args[0]))
    elif what == "udp-echo":
        udp_echo()
    elif what == "ws-sink":
        asyncio.run(ws_sink(int(args[0])))
    elif what == "ws-echo":
        asyncio.run(ws_echo())
    elif what == "ws-send":
        asyncio.run(ws_send(args[0], args[1:]))
    elif what == "udp-send":
        udp_send(int(args[0]), [int(x) for x in args[1:]])
    elif what == "udp-ask":
        udp_ask(int(args[0]), int(args[1]), int(args[2]))
    elif what == "ws-burst":
        asyncio.run(ws_burst(args[0], int(args[1]), int(args[2])))
    elif what == "udp-burst":
        udp_burst(int(args[0]), int(args[1]), int(args[2]))
    else:
        sys.exit("msgpeer.py: unknown " + what)


if __name__ == "__main__":
    main()
