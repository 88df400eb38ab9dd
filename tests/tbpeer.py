#!/usr/bin/env python3
"""Test peers for the toolbox suite: a server that sends its lines one
read at a time, telnet negotiation split across reads, a receiver of a
socket passed with SCM_RIGHTS (-F), and a terminal to run a program on."""

import os
import select
import socket
import subprocess
import sys
import time


def wait_size(path, size, deadline):
    """Wait until file path holds at least size bytes."""
    while time.monotonic() < deadline:
        try:
            if os.path.getsize(path) >= size:
                return True
        except OSError:
            pass
        time.sleep(0.02)
    return False


def listen(portfile, timeout, rcvbuf=None):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf is not None:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    ls.settimeout(timeout)
    s, _ = ls.accept()
    ls.close()
    return s


def drain(s, deadline, want=None, got=None):
    """Read until EOF, the deadline or want bytes; return what came (after
    got) and how it ended."""
    got = bytearray(got or b"")
    while True:
        if want is not None and len(got) >= want:
            return bytes(got), "enough"
        left = deadline - time.monotonic()
        if left <= 0:
            return bytes(got), "timeout"
        s.settimeout(left)
        try:
            data = s.recv(65536)
        except socket.timeout:
            return bytes(got), "timeout"
        except OSError:
            return bytes(got), "error"
        if not data:
            return bytes(got), "eof"
        got += data


def wait_size_or_eof(s, path, size, deadline, got):
    """Wait until file path holds size bytes, or the client closed the
    connection (True then); what it sends meanwhile is added to got."""
    while time.monotonic() < deadline:
        try:
            if os.path.getsize(path) >= size:
                return False
        except OSError:
            pass
        if select.select([s], [], [], 0.02)[0]:
            try:
                data = s.recv(65536)
            except OSError:
                return True
            if not data:
                return True
            got += data
    return False


def chunks(portfile, outfile, want, pieces, deadline):
    """Send each piece once the client's stdout (outfile) holds everything
    sent before it, so that each arrives in a read of its own; then report
    what the client sent back (until EOF, or want bytes if want > 0, or
    nothing more if want < 0), as hex, and how that ended, and close.  A
    client that ends its side early (-W) stops the sending."""
    # The time allowed runs from the connection: a client slow to start
    # on a busy machine is waited for, as long as any wait.
    budget = deadline - time.monotonic()
    s = listen(portfile, max(budget, 30))
    deadline = time.monotonic() + budget
    sent = 0
    got = bytearray()
    closed = False
    for p in pieces:
        try:
            s.sendall(p)
        except OSError:
            break       # The client is gone (-W): report what came.
        sent += len(p)
        if wait_size_or_eof(s, outfile, sent,
                            min(deadline, time.monotonic() + 2), got):
            closed = True
            break
    if closed:
        got, how = bytes(got), "eof"
    elif want < 0:
        how = "closed"
    else:
        got, how = drain(s, deadline, want if want > 0 else None, got)
    print(got.hex(), how)
    s.close()


def recvfd(argv, deadline):
    """Run argv with stdout on one end of a socketpair, receive the socket
    it passes, write a line through it, print the status and the byte."""
    a, b = socket.socketpair()
    p = subprocess.Popen(argv, stdout=b, stdin=subprocess.DEVNULL)
    b.close()
    a.settimeout(deadline - time.monotonic())
    msg, fds, _, _ = socket.recv_fds(a, 16, 1)
    status = p.wait(timeout=deadline - time.monotonic())
    if len(fds) != 1:
        print("status=%d fds=%d" % (status, len(fds)))
        return
    s = socket.socket(fileno=fds[0])
    s.sendall(b"through the passed socket\n")
    s.shutdown(socket.SHUT_WR)
    print("status=%d byte=%s" % (status, msg.hex()))
    drain(s, deadline)
    s.close()


def ontty(argv, deadline):
    """Run argv with a terminal as stdin, stdout and stderr; print what it
    wrote and its exit status."""
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    out = b""
    while time.monotonic() < deadline:
        if not select.select([fd], [], [], 0.1)[0]:
            continue
        try:
            data = os.read(fd, 1024)
        except OSError:
            break
        if not data:
            break
        out += data
    _, st = os.waitpid(pid, 0)
    print("%s status=%d" % (out.decode(errors="replace").strip(),
                            os.waitstatus_to_exitcode(st)))


def send_queue(port, cport):
    """The bytes queued to send on the connection from cport to port
    (ss(8)'s Send-Q), or None without it."""
    out = subprocess.run(["ss", "-tnH", "state", "established",
                          "( sport = :%d and dport = :%d )" % (cport, port)],
                         capture_output=True, timeout=10).stdout.split()
    return int(out[1]) if len(out) >= 2 else None


def owed(portfile, n, deadline):
    """A telnet server that reads nothing until its client's send queue is
    full (it stops growing, the client having more), then asks n DOs and
    reads to the end.  Prints how many answers came whole, in order, and
    the data between them: "answers=N data=BYTES" (BYTES: their count and
    whether they were 'a'..'z' over and over, as the client sends)."""
    s = listen(portfile, deadline - time.monotonic(), rcvbuf=4096)
    seen = []
    while len(seen) < 6 or not seen[-1] or len(set(seen[-6:])) > 1:
        if time.monotonic() > deadline:
            print("the send queue never filled: %r" % seen[-6:])
            return
        seen.append(send_queue(s.getsockname()[1], s.getpeername()[1]))
        time.sleep(0.01)
    s.sendall(b"".join(bytes([255, 253, i % 256]) for i in range(n)))
    got, how = drain(s, deadline)
    data, opts, i = bytearray(), [], 0
    while i < len(got):
        if got[i] == 255:
            if got[i + 1:i + 2] != b"\xfc" or i + 2 >= len(got):
                break
            opts.append(got[i + 2])
            i += 3
        else:
            data.append(got[i])
            i += 1
    whole = bytes(data) == (b"abcdefghijklmnopqrstuvwxyz" * (
        len(data) // 26 + 1))[:len(data)]
    ok = opts == [i % 256 for i in range(n)] and i == len(got)
    print("answers=%d%s data=%d%s %s" % (len(opts), "" if ok else "!",
                                        len(data), "" if whole else "!",
                                        how))


def main():
    deadline = time.monotonic() + float(os.environ.get("TBPEER_DEADLINE", 8))
    if sys.argv[1] == "chunks":
        pieces = [bytes.fromhex(x) for x in sys.argv[5:]]
        chunks(sys.argv[2], sys.argv[3], int(sys.argv[4]), pieces, deadline)
    elif sys.argv[1] == "ontty":
        ontty(sys.argv[2:], deadline)
    elif sys.argv[1] == "recvfd":
        recvfd(sys.argv[2:], deadline)
    elif sys.argv[1] == "owed":
        owed(sys.argv[2], int(sys.argv[3]), deadline)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
