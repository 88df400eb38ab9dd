#!/usr/bin/env python3
# Run a command with its stderr on a pseudo-terminal and save everything
# written there, byte for byte: pty-run.py TRANSCRIPT COMMAND [ARG...].
# stdin and stdout are inherited (stdout goes to the terminal too when
# PTY_STDOUT is set).  The command's process id is written to
# TRANSCRIPT.pid.  Exits with the command's status.

import fcntl
import os
import struct
import subprocess
import sys
import termios

transcript, argv = sys.argv[1], sys.argv[2:]
master, slave = os.openpty()
# A terminal of 80 columns, as most are.
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
stdout = slave if os.environ.get("PTY_STDOUT") else None
child = subprocess.Popen(argv, stdout=stdout, stderr=slave)
os.close(slave)
with open(transcript + ".pid", "w") as pidfile:
    pidfile.write("%d\n" % child.pid)
with open(transcript, "wb") as out:
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the last writer has gone.
            break
        if not data:
            break
        out.write(data)
        out.flush()
status = child.wait()
sys.exit(128 - status if status < 0 else status)
