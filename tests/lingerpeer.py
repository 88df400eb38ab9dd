#!/usr/bin/env python3
"""A client that goes on sending after the server has let it go.

    lingerpeer.py quit PORT     joins a --room on PORT, says "bye" and
                                ":q", reads to the room's end-of-file,
                                then sends one more line
    lingerpeer.py refused PORT  sends 64 KiB to a server that turns it
                                away (full, busy) before it reads what
                                the server says

A server that closes a connection with input still unread makes the kernel
answer with a reset, which throws away what the client had not read yet
and fails its next write.  What the client saw goes to stdout, one line
each: "eof" when the room ended its side; then "no reset" when a wait of
300 ms after the extra line brought no reset, "reset" when one came; and
finally "let go" once writing fails: the server closed the socket after
all, within its bound.  "refused" prints what the server said, then "eof"
or the error that ended it.
"""

import select
import socket
import sys
import time


def reset_within(s, secs):
    """Does an error (a reset) show on s within secs seconds?"""
    p = select.poll()
    p.register(s, select.POLLERR | select.POLLHUP)
    return bool(p.poll(int(secs * 1000)))


def quit_room(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    got = b""
    while b"Welcome" not in got or not got.endswith(b"\n"):
        d = s.recv(4096)
        if not d:
            print("no welcome")
            return
        got += d
    s.sendall(b"bye\n:q\n")
    while True:
        d = s.recv(4096)
        if not d:
            break
    print("eof", flush=True)
    s.sendall(b"after :q\n")
    print("reset" if reset_within(s, 0.3) else "no reset", flush=True)
    # The server lets go in the end: a write fails.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            s.sendall(b"x\n")
        except OSError:
            print("let go")
            return
        reset_within(s, 0.1)
    print("held")


def refused(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    s.sendall(b"x" * 65536)
    got = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            got += d
        end = "eof"
    except OSError as e:
        end = e.strerror
    sys.stdout.write(got.decode(errors="replace"))
    print(end)


if __name__ == "__main__":
    {"quit": quit_room, "refused": refused}[sys.argv[1]](int(sys.argv[2]))
