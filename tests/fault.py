#!/usr/bin/env python3
"""A misbehaving TCP peer for the fault and load tests: it resets a
connection in the middle of a transfer, after answering or after its own
end, accepts and never reads, opens thousands of connections in a row
while watching sockcat's descriptors, or lowers and raises another
process's descriptor limit."""

import argparse
import fcntl
import os
import resource
import socket
import struct
import sys
import termios
import time


def listen(portfile):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, portfile)
    return ls


def reset(s):
    """Close s with an RST instead of a FIN: SO_LINGER with a zero time."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def outq(s):
    """Bytes s has sent that its peer has not acknowledged yet."""
    return struct.unpack("i", fcntl.ioctl(s.fileno(), termios.TIOCOUTQ,
                                          b"\0" * 4))[0]


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def sequential(a):
    """Open a.sequential connections one after another; each sends one
    byte, ends its sending side and waits for the server to close.  Prints
    the server's descriptor counts seen along the way and how many
    connections completed."""
    counts = []
    done = 0
    deadline = time.monotonic() + a.deadline
    for i in range(a.sequential):
        if time.monotonic() > deadline:
            break
        s = socket.create_connection(("127.0.0.1", a.connect), timeout=5)
        s.sendall(b"x")
        s.shutdown(socket.SHUT_WR)
        while s.recv(4096):
            pass
        s.close()
        done += 1
        if a.watch and (i == 0 or (i + 1) % 1000 == 0):
            counts.append(fd_count(a.watch))
    print("done %d" % done)
    print("fds %s" % " ".join(str(c) for c in counts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", metavar="PORTFILE",
                    help="listen on 127.0.0.1:0, write the port here")
    ap.add_argument("--connect", type=int, metavar="PORT")
    ap.add_argument("--rst-after", type=int, metavar="N",
                    help="read N bytes, then reset the connection")
    ap.add_argument("--send-rst", type=int, metavar="N",
                    help="wait for a byte, send N bytes, then reset")
    ap.add_argument("--answer-rst", metavar="TEXT",
                    help="wait for the other side's end, send TEXT and a "
                    "newline, then reset")
    ap.add_argument("--save", metavar="FILE",
                    help="with --send-rst: keep a copy of what was sent")
    ap.add_argument("--end-rst", type=int, metavar="N",
                    help="read N bytes, end the sending side, then reset "
                    "once the file --go names is there")
    ap.add_argument("--go", metavar="FILE", help="with --end-rst")
    ap.add_argument("--hold", action="store_true",
                    help="accept, never read, hold until the deadline")
    ap.add_argument("--sequential", type=int, metavar="N",
                    help="N connections to --connect, one after another")
    ap.add_argument("--watch", type=int, metavar="PID",
                    help="with --sequential: count PID's descriptors")
    ap.add_argument("--nofile", nargs=2, type=int, metavar=("PID", "N"),
                    help="set PID's soft descriptor limit to N and exit")
    ap.add_argument("--deadline", type=float, default=10.0)
    a = ap.parse_args()

    if a.nofile:
        # Only the soft limit: raising it again needs no privilege.
        _, hard = resource.prlimit(a.nofile[0], resource.RLIMIT_NOFILE)
        resource.prlimit(a.nofile[0], resource.RLIMIT_NOFILE,
                         (a.nofile[1], hard))
        return
    if a.sequential:
        sequential(a)
        return

    deadline = time.monotonic() + a.deadline
    if a.listen:
        ls = listen(a.listen)
        ls.settimeout(a.deadline)
        s, _ = ls.accept()
        ls.close()
    else:
        s = socket.create_connection(("127.0.0.1", a.connect),
                                     timeout=a.deadline)
    s.settimeout(max(0.1, deadline - time.monotonic()))
    if a.rst_after is not None:
        got = 0
        while got < a.rst_after:
            data = s.recv(min(65536, a.rst_after - got))
            if not data:
                print("eof after %d" % got)
                return
            got += len(data)
        reset(s)
        print("reset after %d" % got)
    elif a.send_rst is not None:
        # The other side says when it is ready, so that the reset comes
        # in the middle of the transfer and not during the handshake.
        if not s.recv(1):
            print("eof before data")
            return
        data = os.urandom(a.send_rst)
        if a.save:
            with open(a.save, "wb") as f:
                f.write(data)
        s.sendall(data)
        reset(s)
        print("reset after sending %d" % a.send_rst)
    elif a.answer_rst is not None:
        # A server that answers the whole request, then resets instead
        # of closing: the other side has sent everything it had.
        while s.recv(65536):
            pass
        s.sendall(a.answer_rst.encode() + b"\n")
        # Reset once the answer is taken (a reset drops what is unsent).
        while outq(s) > 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        reset(s)
        print("reset after answering")
    elif a.end_rst is not None:
        # A peer that has read what it wanted and ended its sending, then
        # goes when the test says: the other side has nothing to write
        # by then, and the reset is all it hears.
        got = 0
        while got < a.end_rst:
            data = s.recv(a.end_rst - got)
            if not data:
                break
            got += len(data)
        s.shutdown(socket.SHUT_WR)
        while not os.path.exists(a.go) and time.monotonic() < deadline:
            time.sleep(0.01)
        reset(s)
        print("reset after its end, %d read" % got)
    elif a.hold:
        # Never read: whatever the other side sends piles up in the
        # kernel's buffers until it has to stop.
        time.sleep(max(0.0, deadline - time.monotonic()))
        s.close()
        print("held")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
