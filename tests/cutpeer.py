#!/usr/bin/env python3
# An independent peer for the truncation tests: TLS ends that stop
# without close_notify, and a forwarder that cuts a connection in the
# middle, as a relay or a middlebox in the path would.
#
#   cutpeer.py tls-server PORTFILE CERT KEY FILE [clean]
#       serve one TLS client: send FILE, then close the socket with no
#       close_notify (with "clean": after one)
#   cutpeer.py tls-client HOST PORT FILE
#       send FILE over TLS (no verification), then close with no
#       close_notify
#   cutpeer.py tls-sink PORTFILE CERT KEY FILE SECONDS|mute|bare
#       serve one TLS client: read to its end (its close_notify), and
#       SECONDS later write what came to FILE and answer with a
#       close_notify, as a server that writes out what it got before it
#       closes; "mute": answer nothing, write nothing, and hold the
#       connection until the client closes it; "bare": write FILE at
#       once and answer with no close_notify, a FIN alone
#   cutpeer.py cut PORTFILE TPORT LIMIT up|down
#       forward one connection to 127.0.0.1:TPORT, and close both sides
#       once LIMIT bytes went up (client to target) or down (target to
#       client); the bytes after the limit are not passed on
# Each server writes its port to PORTFILE when it is ready.

import os
import socket
import ssl
import sys
import threading
import time


def listener(portfile):
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    return ls


def tls_server(portfile, cert, key, path, clean=False):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ls = listener(portfile)
    c, _ = ls.accept()
    s = ctx.wrap_socket(c, server_side=True)
    with open(path, "rb") as f:
        s.sendall(f.read())
    if clean:
        try:
            s.unwrap()
        except (OSError, ssl.SSLError):
            pass
        s.close()
    else:
        bare_end(s)


def tls_sink(portfile, cert, key, path, delay):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ls = listener(portfile)
    c, _ = ls.accept()
    s = ctx.wrap_socket(c, server_side=True)
    got = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
    except (OSError, ssl.SSLError):
        pass
    if delay == "mute":
        bare_end(s, shut=False)
        return
    time.sleep(0 if delay == "bare" else float(delay))
    with open(path + ".tmp", "wb") as f:
        f.write(got)
    os.rename(path + ".tmp", path)
    if delay == "bare":
        bare_end(s)
        return
    try:
        s.unwrap()
    except (OSError, ssl.SSLError):
        pass
    s.close()


def bare_end(s, shut=True):
    """End the TCP connection under s with no close_notify: its FIN if
    shut (else none: a peer that never answers), then what the peer
    still sends (its session tickets, its own end) is read to the end,
    so that the close is no reset."""
    raw = socket.socket(fileno=s.detach())
    if shut:
        raw.shutdown(socket.SHUT_WR)
    raw.settimeout(30)
    try:
        while raw.recv(65536):
            pass
    except OSError:
        pass
    raw.close()


def tls_client(host, port, path):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(socket.create_connection((host, int(port))))
    with open(path, "rb") as f:
        s.sendall(f.read())
    bare_end(s)


def cut(portfile, tport, limit, way):
    ls = listener(portfile)
    c, _ = ls.accept()
    t = socket.create_connection(("127.0.0.1", int(tport)))
    done = threading.Event()

    def pipe(src, dst, bound):
        """Pass src on to dst, bound bytes at most; past the cut (this
        way's bound, or the other's), read to src's end and drop it, so
        that no close below finds bytes unread and resets."""
        n = 0
        try:
            while True:
                b = src.recv(65536)
                if not b:
                    break
                if done.is_set():
                    continue
                if bound is not None and n + len(b) >= bound:
                    b = b[:bound - n]
                dst.sendall(b)
                n += len(b)
                if bound is not None and n >= bound:
                    done.set()
        except OSError:
            pass
        done.set()

    up = limit if way == "up" else None
    down = limit if way == "down" else None
    ways = [threading.Thread(target=pipe, args=(c, t, up)),
            threading.Thread(target=pipe, args=(t, c, down))]
    for w in ways:
        w.daemon = True
        w.start()
    done.wait()
    # The cut: an end of file to both, with no TLS end before it.
    for s in (c, t):
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
    for w in ways:
        w.join(20)
    c.close()
    t.close()


def main():
    a = sys.argv[1:]
    if a and a[0] == "tls-server" and len(a) in (5, 6):
        tls_server(a[1], a[2], a[3], a[4], len(a) == 6 and a[5] == "clean")
    elif a and a[0] == "tls-sink" and len(a) == 6:
        tls_sink(a[1], a[2], a[3], a[4], a[5])
    elif a and a[0] == "tls-client" and len(a) == 4:
        tls_client(a[1], a[2], a[3])
    elif a and a[0] == "cut" and len(a) == 5 and a[4] in ("up", "down"):
        cut(a[1], a[2], int(a[3]), a[4])
    else:
        sys.exit("usage: see the top of " + sys.argv[0])


if __name__ == "__main__":
    main()
