#!/usr/bin/env python3
"""A pseudo-terminal standing in for a serial line, for socat's console
lines (tests/t-socat.sh).

    ttyline.py [--answer TEXT] [--escape] [--input TEXT] -- COMMAND...

Makes a pseudo-terminal, runs COMMAND with every word "TTY" in it replaced
by the terminal's path, writes --input (\\n, \\r escapes) to the command's
stdin, and reads what reaches the line until the input has arrived (its
line feeds possibly made CR LF).  Then, while the command runs, it reads
the terminal's modes; writes --answer to the line, as a device would
answer; and ends the command's stdin, or with --escape writes socat's
escape byte (0x0f) first and keeps stdin open.  Prints one line of what
it saw, as Python's repr():

    line=b'...' speed=N echo=0|1 icanon=0|1 opost=0|1 out=b'...' status=N

Every wait is bounded: a command that never ends is killed (status -9).
"""

import os
import select
import subprocess
import sys
import termios
import time


def unescape(s):
    return s.encode().decode("unicode_escape").encode("latin-1")


def main():
    args = sys.argv[1:]
    answer = b""
    escape = False
    data = b""
    while args and args[0] != "--":
        if args[0] == "--answer":
            answer = unescape(args[1])
            args = args[2:]
        elif args[0] == "--input":
            data = unescape(args[1])
            args = args[2:]
        elif args[0] == "--escape":
            escape = True
            args = args[1:]
        else:
            sys.exit("ttyline.py: unknown option " + args[0])
    cmd = args[1:]
    master, slave = os.openpty()
    path = os.ttyname(slave)
    cmd = [w.replace("TTY", path) for w in cmd]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    proc.stdin.write(data)
    proc.stdin.flush()
    line = b""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if line.replace(b"\r\n", b"\n") == data:
            break
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            line += os.read(master, 4096)
    modes = termios.tcgetattr(slave)
    if answer:
        os.write(master, answer)
    out = b""
    # What the answer gives back, before the end: a newline at least.
    while answer and time.monotonic() < deadline and b"\n" not in out:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            out += chunk
    if escape:
        proc.stdin.write(b"\x0f")
        proc.stdin.flush()
    else:
        proc.stdin.close()
    try:
        proc.wait(timeout=max(deadline - time.monotonic(), 1))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    out += proc.stdout.read()
    print("line=%r speed=%d echo=%d icanon=%d opost=%d out=%r status=%d" % (
        line, modes[5], bool(modes[3] & termios.ECHO),
        bool(modes[3] & termios.ICANON), bool(modes[1] & termios.OPOST),
        out, proc.returncode))


if __name__ == "__main__":
    main()
