"""Peers for tests/t-sessions.sh: a mail server of a few words that answers
as told, a WebSocket service from Python's websockets, and a client of a
scripted listener.

  scriptpeer.py smtp KIND     a server on 127.0.0.1, port 0: prints
                              "PORT n", then serves one client: "220",
                              and to HELO "250 hello NAME" (late: after
                              LATE seconds; wrong: "550 relay denied";
                              never: nothing), to QUIT "221 bye", then
                              closes; what it read goes to stderr
  scriptpeer.py ws            a WebSocket server on 127.0.0.1, port 0:
                              prints "PORT n", says "welcome", answers
                              "ping[ X]" with "pong[ X]" and "bye" with
                              "ciao" and its close
  scriptpeer.py talk          a server on 127.0.0.1, port 0: prints
                              "PORT n", reads a line, then says "one",
                              and "two" half a second later, reads to
                              its client's end (what it read to stderr)
                              and closes
  scriptpeer.py trickle       a server on 127.0.0.1, port 0: prints
                              "PORT n", sends 64 KiB of "x", then 2000
                              "y" a byte a packet, then "\r\nfoo\r\n",
                              reads to its client's end (what it read
                              to stderr) and closes
  scriptpeer.py prompt        a server on 127.0.0.1, port 0: prints
                              "PORT n", sends "login: " with no line
                              end, reads a line (to stderr), sends
                              "\r\nwelcome\r\n", reads to its
                              client's end and closes
  scriptpeer.py helo PORT NAME
                              a client of 127.0.0.1:PORT: sends "HELO
                              NAME", prints the line it gets, sends
                              "QUIT", prints the next

Everything it learns goes to stdout, one fact per line.
"""

import asyncio
import socket
import sys
import time

LATE = 1.0


def say(*a):
    print(*a, flush=True)


def smtp(kind):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    say("PORT", s.getsockname()[1])
    c, _ = s.accept()
    f = c.makefile("rb")
    c.sendall(b"220 mail.example.com ready\r\n")
    for raw in f:
        sys.stderr.write(raw.decode("latin-1"))
        sys.stderr.flush()
        line = raw.decode("latin-1").rstrip("\r\n")
        if line.startswith("HELO "):
            if kind == "late":
                time.sleep(LATE)
            if kind == "wrong":
                c.sendall(b"550 relay denied\r\n")
            elif kind != "never":
                c.sendall(b"250 hello " + line[5:].encode() + b"\r\n")
        elif line == "QUIT":
            c.sendall(b"221 bye\r\n")
            break
    c.close()


async def ws_serve():
    sys.path.append("/usr/lib/python3/dist-packages")
    import websockets
    done = asyncio.get_running_loop().create_future()

    async def handler(ws, path=None):
        await ws.send("welcome")
        async for m in ws:
            if m == "ping" or m.startswith("ping "):
                await ws.send("pong" + m[4:])
            elif m == "bye":
                await ws.send("ciao")
                await ws.close()
                break
        if not done.done():
            done.set_result(None)

    async with websockets.serve(handler, "127.0.0.1", 0) as srv:
        say("PORT", srv.sockets[0].getsockname()[1])
        await done


def accept_one():
    """Listen on 127.0.0.1, port 0, say the port, and take one client."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    say("PORT", s.getsockname()[1])
    c, _ = s.accept()
    return c


def read_line(c):
    """What the client sends up to its first line end, to stderr."""
    got = b""
    while not got.endswith(b"\n"):
        b = c.recv(4096)
        if not b:
            break
        got += b
    sys.stderr.buffer.write(got)
    sys.stderr.flush()


def read_to_end(c):
    """What the client sends up to its end, to stderr; then close."""
    while True:
        b = c.recv(4096)
        if not b:
            break
        sys.stderr.buffer.write(b)
        sys.stderr.flush()
    c.close()


def talk():
    c = accept_one()
    # Its client's first line first: the client's session has begun.
    read_line(c)
    c.sendall(b"one\n")
    time.sleep(0.5)
    c.sendall(b"two\n")
    read_to_end(c)


def trickle():
    c = accept_one()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.sendall(b"x" * 65536)
    for _ in range(2000):
        c.sendall(b"y")
        time.sleep(0.0005)
    c.sendall(b"\r\nfoo\r\n")
    read_to_end(c)


def prompt():
    c = accept_one()
    c.sendall(b"login: ")
    read_line(c)
    c.sendall(b"\r\nwelcome\r\n")
    read_to_end(c)


def helo(port, name):
    c = socket.create_connection(("127.0.0.1", int(port)))
    f = c.makefile("rb")
    c.sendall(b"HELO " + name.encode() + b"\r\n")
    say(f.readline().decode("latin-1").rstrip("\r\n"))
    c.sendall(b"QUIT\r\n")
    say(f.readline().decode("latin-1").rstrip("\r\n"))
    c.close()


if __name__ == "__main__":
    if sys.argv[1] == "smtp":
        smtp(sys.argv[2])
    elif sys.argv[1] == "ws":
        asyncio.run(ws_serve())
    elif sys.argv[1] == "talk":
        talk()
    elif sys.argv[1] == "trickle":
        trickle()
    elif sys.argv[1] == "prompt":
        prompt()
    elif sys.argv[1] == "helo":
        helo(sys.argv[2], sys.argv[3])
