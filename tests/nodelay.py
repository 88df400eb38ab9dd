#!/usr/bin/env python3
# Whether each connected TCP socket of a process, or of its descendants,
# has TCP_NODELAY: the socket is copied out of the process with
# pidfd_getfd(2) and its option read back.  Prints "LOCAL-PORT PEER-PORT
# 0|1" for each, sorted; exits 77 when the system will not hand a socket
# over (no pidfd_getfd, or not allowed to).
#
# usage: nodelay.py PID

import ctypes, errno, os, socket, sys

SYS_pidfd_getfd = 438
libc = ctypes.CDLL(None, use_errno=True)


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        try:
            for t in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return seen


rows = []
for pid in tree(int(sys.argv[1])):
    try:
        pidfd = os.pidfd_open(pid)
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        continue
    for fd in fds:
        try:
            if not os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith(
                    "socket:"):
                continue
        except OSError:
            continue
        n = libc.syscall(SYS_pidfd_getfd, pidfd, int(fd), 0)
        if n == -1:
            e = ctypes.get_errno()
            if e in (errno.ENOSYS, errno.EPERM):
                print("pidfd_getfd: %s" % os.strerror(e), file=sys.stderr)
                sys.exit(77)
            continue
        s = socket.socket(fileno=n)
        try:
            if (s.family in (socket.AF_INET, socket.AF_INET6) and
                    s.type == socket.SOCK_STREAM):
                peer = s.getpeername()
                rows.append("%d %d %d" % (s.getsockname()[1], peer[1],
                    s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0))
        except OSError:
            pass    # A listening socket has no peer.
        s.close()
    os.close(pidfd)
print("\n".join(sorted(rows)))
