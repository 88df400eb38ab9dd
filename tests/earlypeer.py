#!/usr/bin/env python3
# The peers of tests/t-forward-tls.sh and t-tls-servers.sh that say, from
# the outside, when a TLS server starts what it starts for a client (a
# forwarder dials its target, a program starts):
#   target PORTFILE LOG [BANNER]   a target that sends BANNER (a line) to
#       each connection N at once, then echoes; LOG gets "open N" once
#       BANNER is sent, "closed N BYTES" (or "reset N BYTES") at its end,
#       BYTES being what it received
#   refused PORTFILE               a port bound, held, never listened on
#   tls-client PORT CA FILE REGEX OUT [LINE]
#       connect, wait until a line of FILE matches REGEX (8 s at most),
#       then the TLS handshake (verified against CA, for localhost); send
#       LINE and read until its echo, or else read to the end.  OUT says
#       "seen" (or "not seen"), "handshake ok" (or why not), and how the
#       reading ended; OUT.data holds what was read

import os, re, socket, ssl, sys, threading, time


def ready(portfile, port):
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)


def target(portfile, log, banner=""):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    lock = threading.Lock()

    def note(line):
        with lock, open(log, "a") as f:
            f.write(line + "\n")

    def serve(c, n):
        if banner:
            c.sendall(banner.encode() + b"\n")
        note("open %d" % n)
        got, how = 0, "closed"
        try:
            while True:
                b = c.recv(65536)
                if not b:
                    break
                got += len(b)
                c.sendall(b)
        except ConnectionResetError:
            how = "reset"
        note("%s %d %d" % (how, n, got))
        c.close()

    open(log, "a").close()
    ready(portfile, s.getsockname()[1])
    n = 0
    while True:
        c, _ = s.accept()
        n += 1
        threading.Thread(target=serve, args=(c, n), daemon=True).start()


def refused(portfile):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    ready(portfile, s.getsockname()[1])
    while True:
        time.sleep(60)


def seen(path, regex):
    try:
        with open(path) as f:
            return any(re.search(regex, l) for l in f)
    except FileNotFoundError:
        return False


def tls_client(port, ca, path, regex, out, line=""):
    res = []
    c = socket.create_connection(("127.0.0.1", int(port)), timeout=15)
    deadline = time.time() + 8
    while not seen(path, regex) and time.time() < deadline:
        time.sleep(0.01)
    res.append("seen" if seen(path, regex) else "not seen")
    got = b""
    try:
        ctx = ssl.create_default_context(cafile=ca)
        # The test CA is not made for python's strict checks (3.13).
        ctx.verify_flags &= ~getattr(ssl, "VERIFY_X509_STRICT", 0)
        t = ctx.wrap_socket(c, server_hostname="localhost")
        res.append("handshake ok")
        want = line.encode() + b"\n" if line else b""
        if want:
            t.sendall(want)
        end = "eof"
        try:
            while not (want and got.endswith(want)):
                b = t.recv(65536)
                if not b:
                    break
                got += b
            else:
                end = "echoed"
        except socket.timeout:
            end = "timeout"
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError,
                ConnectionResetError):
            pass
        res.append(end)
    except (OSError, ssl.SSLError) as e:
        res.append("handshake failed: %s" % e)
    with open(out + ".data", "wb") as f:
        f.write(got)
    with open(out, "w") as f:
        f.write("\n".join(res) + "\n")


{"target": target, "refused": refused,
 "tls-client": tls_client}[sys.argv[1]](*sys.argv[2:])
