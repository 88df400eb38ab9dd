#!/usr/bin/env python3
"""An independent datagram peer for the tests, driven by a list of steps,
so that the suites share one client (and one small server) instead of
each carrying its own inline copy.

usage: udppeer.py [options] PORT STEP...
       udppeer.py [options] --unix PATH STEP...

The peer sends to 127.0.0.1 PORT (or --host), or to the Unix datagram
socket PATH.  Its steps, in order:

  send TEXT      one datagram: TEXT and a newline
  raw TEXT       one datagram: TEXT as it is (it may be empty)
  big N          one datagram of N bytes ("x")
  file PATH N    the file PATH in datagrams of N bytes
  recv           print the next datagram, without its last newline, or
                 TIMEOUT after --timeout seconds
  quiet          the same, watching 2 seconds where nothing must come
  lines N        print the next N lines, however they were cut into
                 datagrams (or TIMEOUT)
  port           print this peer's own port
  new            a fresh socket (a new peer) for the steps that follow
  wait SECONDS   sleep (to let time pass where that is the point)
  until PATH     wait until the file PATH exists

--serve PORTFILE makes it a server instead: bound to 127.0.0.1:0 (or
--bind), its port written to PORTFILE; the steps then are:

  echo N         answer N datagrams with the same bytes
  upper N        answer N datagrams in upper case
  count OUT      write the length of the next datagram to OUT
  hold           take nothing, answer nothing, until killed
  mute OUT       take every datagram, answer none, and write a line to
                 OUT for each (a resolver that never answers, counted)
  record OUT     take every datagram until none has come for --timeout
                 seconds, and write each to OUT as one line, as Python
                 writes bytes (b'one\\n'): how a sender cut what it sent
"""

import argparse
import os
import socket
import sys
import time


def new_socket(a):
    family = socket.AF_UNIX if a.unix else socket.AF_INET
    if a.host and ":" in a.host:
        family = socket.AF_INET6
    s = socket.socket(family, socket.SOCK_DGRAM)
    if a.bind:
        if family == socket.AF_UNIX:
            s.bind(a.bind)
        else:
            addr, _, port = a.bind.rpartition(":")
            if not addr:
                addr, port = port, "0"
            s.bind((addr, int(port or 0)))
    elif family != socket.AF_UNIX:
        s.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    s.settimeout(a.timeout)
    return s


def receive(s, timeout):
    s.settimeout(timeout)
    try:
        return s.recv(70000)
    except socket.timeout:
        return None


def client(a, steps):
    s = new_socket(a)
    dest = a.unix if a.unix else (a.host or "127.0.0.1", a.port)
    i = 0
    while i < len(steps):
        op = steps[i]
        arg = steps[i + 1] if i + 1 < len(steps) else None
        i += 1
        if op == "send":
            s.sendto(arg.encode() + b"\n", dest)
            i += 1
        elif op == "raw":
            s.sendto(arg.encode(), dest)
            i += 1
        elif op == "big":
            s.sendto(b"x" * int(arg), dest)
            i += 1
        elif op == "file":
            size = int(steps[i + 1])
            with open(arg, "rb") as f:
                data = f.read()
            for off in range(0, len(data), size):
                s.sendto(data[off:off + size], dest)
            i += 2
        elif op in ("recv", "quiet"):
            got = receive(s, a.timeout if op == "recv" else 2)
            print("TIMEOUT" if got is None else
                  got.decode(errors="replace").rstrip("\n"))
        elif op == "lines":
            want, got = int(arg), b""
            while got.count(b"\n") < want:
                more = receive(s, a.timeout)
                if more is None:
                    got = None
                    break
                got += more
            print("TIMEOUT" if got is None else
                  got.decode(errors="replace").rstrip("\n"))
            i += 1
        elif op == "port":
            print(s.getsockname()[1])
        elif op == "new":
            s.close()
            s = new_socket(a)
        elif op == "wait":
            time.sleep(float(arg))
            i += 1
        elif op == "until":
            while not os.path.exists(arg):
                time.sleep(0.01)
            i += 1
        else:
            sys.exit("udppeer: unknown step %r" % op)
        sys.stdout.flush()


def server(a, steps):
    s = new_socket(a)
    with open(a.serve + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(a.serve + ".tmp", a.serve)
    i = 0
    while i < len(steps):
        op, arg = steps[i], steps[i + 1] if i + 1 < len(steps) else None
        i += 2
        if op in ("echo", "upper"):
            for _ in range(int(arg)):
                data, peer = s.recvfrom(70000)
                s.sendto(data.upper() if op == "upper" else data, peer)
        elif op == "count":
            data = s.recv(70000)
            with open(arg, "w") as f:
                f.write("%d\n" % len(data))
        elif op == "hold":
            while True:
                time.sleep(60)
        elif op == "record":
            with open(arg, "w") as f:
                while True:
                    data = receive(s, a.timeout)
                    if data is None:
                        break
                    f.write("%r\n" % data)
                    f.flush()
        elif op == "mute":
            s.settimeout(None)
            while True:
                s.recv(70000)
                with open(arg, "a") as f:
                    f.write("query\n")
        else:
            sys.exit("udppeer: unknown step %r" % op)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", help="the address to send to")
    ap.add_argument("--unix", metavar="PATH", help="a Unix datagram socket")
    ap.add_argument("--bind", metavar="ADDR[:PORT]",
                    help="this peer's own address (a path with --unix)")
    ap.add_argument("--timeout", type=float,
                    default=float(os.environ.get("RECV_TIMEOUT", "10")))
    ap.add_argument("--serve", metavar="PORTFILE")
    a, steps = ap.parse_known_args()
    if a.serve:
        server(a, steps)
        return
    if not a.unix:
        if not steps:
            ap.error("no port")
        a.port = int(steps.pop(0))
    client(a, steps)


if __name__ == "__main__":
    main()
