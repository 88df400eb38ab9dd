#!/usr/bin/env python3
# Drive a conversation with a terminal, step by step, for t-pty.sh:
#
#   pty-drive.py net HOST:PORT STEP...        a TCP client of a --pty server
#   pty-drive.py tty ROWSxCOLS STEP... -- CMD a command on a terminal of its
#                                             own (session leader, the
#                                             terminal its controlling one)
#
# Steps: send:TEXT (backslash escapes as in Python), expect:REGEX (wait up
# to 20 s for it in everything read so far; bytes, Latin-1), shut (end our
# sending side), eof (wait for end-of-file), naws:ROWSxCOLS (send a window
# size as --raw does), splitnaws:ROWSxCOLS (the same in two pieces), and
# for tty only: raw (the terminal is in raw mode), cooked (it is not),
# resize:ROWSxCOLS, signal:NAME, fgsignal:NAME (to the terminal's
# foreground process group, a job of a shell run with "set -m"),
# exit:STATUS (wait for the command to exit; -N for a signal).  Everything read is written to stdout at the
# end.  Exits 0 when every step passed, else 1 with the step on stderr.

import codecs
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


def fail(msg):
    sys.stdout.buffer.write(got)
    sys.stderr.write("pty-drive: %s\n" % msg)
    sys.exit(1)


def unescape(text):
    return codecs.escape_decode(text.encode("latin-1"))[0]


def size(text):
    rows, cols = text.split("x")
    return int(rows), int(cols)


def naws(rows, cols):
    return bytes([255, 250, 31, cols >> 8, cols & 255, rows >> 8, rows & 255,
                  255, 240])


def read_some(timeout):
    """Read what is there within timeout; False at end-of-file."""
    global got
    r, _, _ = select.select([rfd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(rfd, 65536)
    except OSError:  # EIO: the terminal's last user has gone.
        data = b""
    if not data:
        return False
    got += data
    return True


mode, target, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
got = b""
child = None
if mode == "net":
    host, port = target.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=DEADLINE)
    rfd = wfd = sock.fileno()
    steps = rest
else:
    cut = rest.index("--")
    steps, argv = rest[:cut], rest[cut + 1:]
    master, slave = os.openpty()
    rows, cols = size(target)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def ctty():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    child = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                             start_new_session=True, preexec_fn=ctty)
    rfd = wfd = master

eof = False
for step in steps:
    kind, _, arg = step.partition(":")
    if kind == "send":
        os.write(wfd, unescape(arg))
    elif kind in ("naws", "splitnaws"):
        frame = naws(*size(arg))
        if kind == "naws":
            os.write(wfd, frame)
        else:
            os.write(wfd, frame[:4])
            time.sleep(0.2)
            os.write(wfd, frame[4:])
    elif kind == "expect":
        end = time.time() + DEADLINE
        while not re.search(arg.encode("latin-1"), got):
            if eof or time.time() > end:
                fail("expected %r" % arg)
            eof = not read_some(0.1)
    elif kind == "shut":
        sock.shutdown(socket.SHUT_WR)
    elif kind == "eof":
        end = time.time() + DEADLINE
        while not eof:
            if time.time() > end:
                fail("no end-of-file")
            eof = not read_some(0.1)
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
                child.kill()
                fail("still running")
            read_some(0.05)
        if child.returncode != int(arg):
            fail("exit status %d, not %s" % (child.returncode, arg))
        while read_some(0.05) and select.select([rfd], [], [], 0)[0]:
            pass
    else:
        fail("unknown step %r" % step)
sys.stdout.buffer.write(got)
sys.exit(0)
