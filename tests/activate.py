#!/usr/bin/env python3
# Pass a listening socket to a program the systemd way (LISTEN_PID,
# LISTEN_FDS, LISTEN_FDNAMES; the socket as descriptor 3), as
# systemd-socket-activate does, but at once and on a port the kernel
# picks, written to PORTFILE first:
#   activate.py [-d] [-U] [--unlistened] [--pid N | --no-env] [--name NAME]
#       PORTFILE ADDR cmd...
# -d: a datagram socket; -U: ADDR is a Unix-domain path (else an IPv4
# address, or IPv6 with a colon); --unlistened: a stream socket bound but
# not listening; --pid N: say LISTEN_PID is N (another process);
# --no-env: no variables at all (for --listen-fd).

import os
import socket
import sys


def main():
    args = sys.argv[1:]
    dgram = unix = noenv = unlistened = False
    pid = name = None
    while args and args[0].startswith("-"):
        opt = args.pop(0)
        if opt == "-d":
            dgram = True
        elif opt == "-U":
            unix = True
        elif opt == "--no-env":
            noenv = True
        elif opt == "--unlistened":
            unlistened = True
        elif opt == "--pid":
            pid = args.pop(0)
        elif opt == "--name":
            name = args.pop(0)
        else:
            sys.exit("unknown option " + opt)
    portfile, addr, cmd = args[0], args[1], args[2:]
    kind = socket.SOCK_DGRAM if dgram else socket.SOCK_STREAM
    if unix:
        s = socket.socket(socket.AF_UNIX, kind)
        s.bind(addr)
        port = addr
    else:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(family, kind)
        s.bind((addr, 0))
        port = str(s.getsockname()[1])
    if not dgram and not unlistened:
        s.listen(16)
    fd = s.detach()
    if fd != 3:
        os.dup2(fd, 3)
        os.close(fd)
    os.set_inheritable(3, True)
    with open(portfile + ".tmp", "w") as f:
        f.write(port + "\n")
    os.rename(portfile + ".tmp", portfile)
    env = dict(os.environ)
    if not noenv:
        env["LISTEN_PID"] = pid if pid is not None else str(os.getpid())
        env["LISTEN_FDS"] = "1"
        if name is not None:
            env["LISTEN_FDNAMES"] = name
    os.execvpe(cmd[0], cmd, env)


main()
