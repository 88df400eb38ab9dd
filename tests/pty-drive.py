#!/usr/bin/env python3
# Drive a conversation with a terminal, step by step (tests/lib.sh's
# on_tty, t-pty.sh, t-terminal.sh):
#
#   pty-drive.py net HOST:PORT STEP...        a TCP client of a --pty server
#   pty-drive.py tty ROWSxCOLS STEP... -- CMD a command on a terminal of its
#                                             own (session leader, the
#                                             terminal its controlling one)
#
# Steps: send:TEXT (backslash escapes as in Python; with tty, typed at the
# terminal), expect:REGEX (wait up to 20 s for it in everything read so
# far; bytes, Latin-1), shut (end our sending side), eof (wait for
# end-of-file), naws:ROWSxCOLS (send a window size as --raw does),
# splitnaws:ROWSxCOLS (the same in two pieces), and for tty only: raw (the
# terminal is in raw mode), cooked (it is not), resize:ROWSxCOLS,
# signal:NAME, fgsignal:NAME (to the terminal's foreground process group,
# a job of a shell run with "set -m"), exit:STATUS (wait for the command
# to exit; -N for a signal), modes:changed (wait until the terminal's
# modes are no longer those it had before the command started, every
# field of termios compared) and modes:same (they are those now).
#
# With tty, the command's other side is a network peer that the driver
# plays itself, so that typed lines and network data can be interleaved
# in a known order:
#
#   listen:tcp, listen:udp, listen:unix:PATH   a socket on 127.0.0.1 port 0
#       (or PATH) made before the command starts; @PORT@ in the command's
#       arguments is its port
#   accept                     take the command's connection (tcp, unix)
#   connect:tcp:HOST:PORT, connect:udp:HOST:PORT, connect:unix:PATH
#       connect to the command, trying again until it listens
#   netsend:TEXT               send, as send: does to the terminal
#   netsendfile:PATH[:START:END]  send a file's bytes, or those from START
#                              up to END
#   netexpect:REGEX            wait for it in what the peer received, on
#                              this connection and those before it
#   netshut, netclose          end the peer's sending side, or close it
#   netreset                   close it with a reset (SO_LINGER 0)
#   neteof                     wait for end-of-file from the command
#   fileexpect:PATH:REGEX      wait for REGEX in the file PATH (a server's
#                              log, say)
#   unlisten, relisten         tcp: close the connection and the listening
#                              socket (a server that stopped), and listen
#                              on the same port again (it restarted)
#
# Where the command's stdin and stdout go is set before it starts: by
# default both are the terminal; stdin:pipe (then insend:TEXT writes to
# it and inclose closes it), stdout:pipe (outexpect:REGEX waits for it in
# what came through) or stdout:file:PATH.  stderr is the terminal.
#
# Everything the terminal showed is written to stdout at the end (also
# when a step fails); record:PREFIX also writes what the peer received to
# PREFIX.net and what came through stdout:pipe to PREFIX.out.  Exits 0
# when every step passed, else 1 with the step on stderr.  A command
# still running at the end is sent SIGTERM, then SIGKILL: the driver
# leaves nothing behind.

import codecs
import errno
import fcntl
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time

DEADLINE = 20
SETUP = ("listen", "stdin", "stdout", "record")


def save():
    sys.stdout.buffer.write(got)
    sys.stdout.flush()
    if record is not None:
        with open(record + ".net", "wb") as f:
            f.write(netgot)
        with open(record + ".out", "wb") as f:
            f.write(outgot)


def finish(status):
    save()
    if child is not None and child.poll() is None:
        for sig, wait in ((signal.SIGTERM, 2), (signal.SIGKILL, 5)):
            try:
                os.killpg(child.pid, sig)
            except OSError:
                pass
            end = time.time() + wait
            while child.poll() is None and time.time() < end:
                time.sleep(0.02)
            if child.poll() is not None:
                break
    sys.exit(status)


def fail(msg):
    sys.stderr.write("pty-drive: %s\n" % msg)
    finish(1)


def unescape(text):
    return codecs.escape_decode(text.encode("latin-1"))[0]


def size(text):
    rows, cols = text.split("x")
    return int(rows), int(cols)


def naws(rows, cols):
    return bytes([255, 250, 31, cols >> 8, cols & 255, rows >> 8, rows & 255,
                  255, 240])


def readers():
    """The descriptors read from while waiting, and where their bytes go."""
    fds = {}
    if not eof:
        fds[rfd] = "tty"
    if sock is not None and not neteof:
        fds[sock.fileno()] = "net"
    if outpipe is not None:
        fds[outpipe] = "out"
    return fds


def read_some(timeout, wfd=-1):
    """Read what is there within timeout, from every source at once (a
    command whose terminal or pipe is not drained may stop).  Returns True
    when wfd, if given, is writable."""
    global got, netgot, outgot, eof, neteof, outpipe, peer
    fds = readers()
    w = [wfd] if wfd != -1 else []
    r, w, _ = select.select(list(fds), w, [], timeout)
    for fd in r:
        what = fds[fd]
        try:
            if what == "net" and sock.type == socket.SOCK_DGRAM:
                data, addr = sock.recvfrom(65536)
                if peer is None:
                    peer = addr
            else:
                data = os.read(fd, 65536)
        except OSError as e:
            # EIO: the terminal's last user has gone.
            if e.errno in (errno.EAGAIN, errno.EINTR):
                continue
            data = b""
        if what == "tty":
            got += data
            eof = not data
        elif what == "net":
            netgot += data
            # A datagram may be empty; only a stream ends.
            neteof = not data and sock.type != socket.SOCK_DGRAM
        else:
            outgot += data
            if not data:
                os.close(outpipe)
                outpipe = None
    return bool(w)


def wait_for(what, pattern):
    end = time.time() + DEADLINE
    regex = re.compile(pattern.encode("latin-1"))
    while not regex.search(buffers(what)):
        done = {"tty": eof, "net": neteof or sock is None,
                "out": outpipe is None}[what]
        if done or time.time() > end:
            fail("expected %r from %s" % (pattern, what))
        read_some(0.1)


def buffers(what):
    return {"tty": got, "net": netgot, "out": outgot}[what]


def write_all(fd, data, dgram=False):
    """Write data to fd, reading every source meanwhile."""
    end = time.time() + DEADLINE
    while data or dgram:
        if time.time() > end:
            fail("could not write %d more bytes" % len(data))
        if not read_some(0.1, fd):
            continue
        try:
            if dgram:
                if peer is None:
                    fail("no peer to send a datagram to")
                sock.sendto(data, peer)
                return
            n = os.write(fd, data[:65536])
        except BlockingIOError:
            continue
        except OSError as e:
            fail("write: %s" % e)
        data = data[n:]


def connect(arg):
    global sock, peer, neteof
    kind, _, where = arg.partition(":")
    end = time.time() + DEADLINE
    while True:
        if kind == "unix":
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            addr = where
        else:
            host, port = where.rsplit(":", 1)
            s = socket.socket(socket.AF_INET6 if ":" in host
                              else socket.AF_INET, socket.SOCK_DGRAM
                              if kind == "udp" else socket.SOCK_STREAM)
            addr = (host, int(port))
        try:
            s.connect(addr)
            break
        except OSError:
            s.close()
            if time.time() > end:
                fail("cannot connect to %s" % arg)
            read_some(0.02)
    s.setblocking(False)
    sock = s
    neteof = False
    if kind == "udp":
        peer = addr


def listen(arg):
    global lsock, sock
    kind, _, path = arg.partition(":")
    if kind == "unix":
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(path)
    else:
        lsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM
                              if kind == "udp" else socket.SOCK_STREAM)
        if kind == "tcp":
            # A restarted server (relisten) binds past TIME_WAIT.
            lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind(("127.0.0.1", 0))
    if kind == "udp":
        sock = lsock
        sock.setblocking(False)
    else:
        lsock.listen(1)
    return str(lsock.getsockname()[1]) if kind != "unix" else path


def accept():
    global sock, neteof
    end = time.time() + DEADLINE
    while not select.select([lsock], [], [], 0)[0]:
        if time.time() > end:
            fail("no connection to accept")
        read_some(0.05)
    sock, _ = lsock.accept()
    sock.setblocking(False)
    neteof = False


mode, target, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
got = netgot = outgot = b""
child = conn = sock = lsock = peer = outpipe = record = None
eof = neteof = False
inpipe = -1
if mode == "net":
    host, port = target.rsplit(":", 1)
    conn = socket.create_connection((host, int(port)), timeout=DEADLINE)
    rfd = wfd = conn.fileno()
    steps = rest
else:
    cut = rest.index("--")
    steps, argv = rest[:cut], rest[cut + 1:]
    master, slave = os.openpty()
    # What is typed is written as the terminal takes it, its echo read
    # meanwhile (write_all): a long paste must not wait for a reader
    # that waits for us.
    os.set_blocking(master, False)
    rows, cols = size(target)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    initial = termios.tcgetattr(slave)
    stdin = stdout = slave
    port = None
    for step in steps:
        kind, _, arg = step.partition(":")
        if kind == "listen":
            port = listen(arg)
        elif kind == "stdin" and arg == "pipe":
            stdin, inpipe = os.pipe()
            os.set_blocking(inpipe, False)
        elif kind == "stdout" and arg == "pipe":
            outpipe, stdout = os.pipe()
        elif kind == "stdout" and arg.startswith("file:"):
            stdout = os.open(arg[5:], os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                             0o644)
        elif kind == "record":
            record = arg
    steps = [s for s in steps if s.partition(":")[0] not in SETUP]
    if port is not None:
        argv = [a.replace("@PORT@", port) for a in argv]

    # stderr is always the terminal: it becomes the controlling one.
    def ctty():
        fcntl.ioctl(2, termios.TIOCSCTTY, 0)

    child = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=slave,
                             start_new_session=True, preexec_fn=ctty)
    for fd in {stdin, stdout} - {slave}:
        os.close(fd)
    rfd = wfd = master

for step in steps:
    kind, _, arg = step.partition(":")
    if kind == "send":
        write_all(wfd, unescape(arg))
    elif kind in ("naws", "splitnaws"):
        frame = naws(*size(arg))
        if kind == "naws":
            os.write(wfd, frame)
        else:
            os.write(wfd, frame[:4])
            time.sleep(0.2)
            os.write(wfd, frame[4:])
    elif kind == "expect":
        wait_for("tty", arg)
    elif kind == "shut":
        conn.shutdown(socket.SHUT_WR)
    elif kind == "eof":
        end = time.time() + DEADLINE
        while not eof:
            if time.time() > end:
                fail("no end-of-file")
            read_some(0.1)
    elif kind in ("raw", "cooked"):
        end = time.time() + DEADLINE
        while True:
            lflag = termios.tcgetattr(slave)[3]
            raw = not lflag & (termios.ICANON | termios.ECHO | termios.ISIG)
            if raw == (kind == "raw"):
                break
            if time.time() > end:
                fail("terminal not %s" % kind)
            read_some(0.05)
    elif kind == "modes" and arg == "changed":
        end = time.time() + DEADLINE
        while termios.tcgetattr(slave) == initial:
            if time.time() > end:
                fail("the terminal's modes were not changed")
            read_some(0.05)
    elif kind == "modes" and arg == "same":
        now = termios.tcgetattr(slave)
        names = ("iflag", "oflag", "cflag", "lflag", "ispeed", "ospeed")
        diff = ["%s %#o, not %#o" % (n, b, a) for n, a, b in
                zip(names, initial, now) if a != b]
        diff += ["c_cc[%d] %r, not %r" % (i, b, a) for i, (a, b) in
                 enumerate(zip(initial[6], now[6])) if a != b]
        if diff:
            fail("the terminal's modes are not those of the start: " +
                 "; ".join(diff))
    elif kind == "resize":
        rows, cols = size(arg)
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
    elif kind == "signal":
        child.send_signal(getattr(signal, "SIG" + arg))
    elif kind == "fgsignal":
        os.killpg(os.tcgetpgrp(master), getattr(signal, "SIG" + arg))
    elif kind == "exit":
        end = time.time() + DEADLINE
        while child.poll() is None:
            if time.time() > end:
                fail("still running")
            read_some(0.05)
        if child.returncode != int(arg):
            fail("exit status %d, not %s" % (child.returncode, arg))
        # What the command wrote last, wherever it went.
        while select.select(list(readers()), [], [], 0.05)[0]:
            read_some(0)
    elif kind == "accept":
        accept()
    elif kind == "connect":
        connect(arg)
    elif kind == "netsend":
        if sock is None:
            fail("no connection")
        write_all(sock.fileno(), unescape(arg),
                  sock.type == socket.SOCK_DGRAM)
    elif kind == "netsendfile":
        path, _, span = arg.partition(":")
        with open(path, "rb") as f:
            data = f.read()
        if span:
            start, stop = span.split(":")
            data = data[int(start):int(stop)]
        write_all(sock.fileno(), data)
    elif kind == "netexpect":
        wait_for("net", arg)
    elif kind == "netreset":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
        sock.close()
        sock = None
    elif kind == "netshut":
        sock.shutdown(socket.SHUT_WR)
    elif kind == "netclose":
        sock.close()
        sock = None
    elif kind == "unlisten":
        # The listener first: the command, told by the connection's end,
        # must find nothing to connect to.
        lport = lsock.getsockname()[1]
        lsock.close()
        lsock = None
        if sock is not None:
            sock.close()
            sock = None
    elif kind == "relisten":
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind(("127.0.0.1", lport))
        lsock.listen(1)
    elif kind == "neteof":
        end = time.time() + DEADLINE
        while not neteof:
            if time.time() > end:
                fail("no end-of-file from the command")
            read_some(0.1)
    elif kind == "fileexpect":
        path, _, pattern = arg.partition(":")
        regex = re.compile(pattern.encode("latin-1"))
        end = time.time() + DEADLINE
        while True:
            try:
                with open(path, "rb") as f:
                    if regex.search(f.read()):
                        break
            except OSError:
                pass
            if time.time() > end:
                fail("expected %r in %s" % (pattern, path))
            read_some(0.05)
    elif kind == "insend":
        write_all(inpipe, unescape(arg))
    elif kind == "inclose":
        os.close(inpipe)
        inpipe = -1
    elif kind == "outexpect":
        wait_for("out", arg)
    else:
        fail("unknown step %r" % step)
finish(0)
