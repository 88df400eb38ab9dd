#!/usr/bin/env python3
# A fake HTTP proxy for the client-side tests of t-httpproxy.sh: it asks
# for credentials with a 407 and checks the answer, Basic or Digest
# (RFC 7616, MD5 or SHA-256, qop=auth), with the connection kept alive
# after the 407 or closed.  Once a request carries the right credentials
# it says 200 and sends "tunnel open\n".  Every request head is appended
# to LOG, and the port it listens on is printed on stdout.
#
# usage: authproxy.py LOG SCHEME USER PASS KEEPALIVE
#   SCHEME: basic, md5, sha256, both (offers SHA-256 and MD5 digests and
#   Basic, in that order); KEEPALIVE: 1 or 0.

import base64
import hashlib
import os
import re
import socket
import sys
import threading

log_path, scheme, user, password, keep = sys.argv[1:6]
keep = keep == "1"
REALM = "test realm"
NONCE = base64.b64encode(os.urandom(16)).decode()
OPAQUE = "0p4qu3"


def challenges():
    c = []
    if scheme in ("sha256", "both"):
        c.append('Digest realm="%s", qop="auth", algorithm=SHA-256, '
                 'nonce="%s", opaque="%s"' % (REALM, NONCE, OPAQUE))
    if scheme in ("md5", "both"):
        c.append('Digest realm="%s", qop="auth", algorithm=MD5, '
                 'nonce="%s", opaque="%s"' % (REALM, NONCE, OPAQUE))
    if scheme in ("basic", "both"):
        c.append('Basic realm="%s"' % REALM)
    return c


def params(s):
    return {k.lower(): (v1 if v1 is not None and v1 != "" else v2)
            for k, v1, v2 in re.findall(
                r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))', s)}


def check(method, head):
    m = re.search(r'^Proxy-Authorization:\s*(\S+)\s*(.*?)\r?$', head,
                  re.M | re.I)
    if not m:
        return False
    kind, rest = m.group(1).lower(), m.group(2)
    if kind == "basic":
        if scheme not in ("basic", "both"):
            return False
        try:
            got = base64.b64decode(rest).decode()
        except Exception:
            return False
        return got == "%s:%s" % (user, password)
    if kind != "digest":
        return False
    p = params(rest)
    alg = p.get("algorithm", "MD5").upper()
    if alg == "MD5" and scheme in ("md5", "both"):
        h = lambda s: hashlib.md5(s.encode()).hexdigest()
    elif alg == "SHA-256" and scheme in ("sha256", "both"):
        h = lambda s: hashlib.sha256(s.encode()).hexdigest()
    else:
        return False
    if (p.get("username") != user or p.get("realm") != REALM or
            p.get("nonce") != NONCE or p.get("qop") != "auth" or
            p.get("opaque") != OPAQUE):
        return False
    ha1 = h("%s:%s:%s" % (user, REALM, password))
    ha2 = h("%s:%s" % (method, p.get("uri", "")))
    want = h("%s:%s:%s:%s:auth:%s" % (ha1, NONCE, p.get("nc", ""),
                                      p.get("cnonce", ""), ha2))
    return p.get("response") == want


def read_head(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            return b"".join(lines).decode("latin-1")
        lines.append(line)


def serve(conn):
    f = conn.makefile("rb")
    try:
        while True:
            head = read_head(f)
            if head is None:
                return
            with open(log_path, "a") as log:
                log.write(head + "--\n")
            method = head.split(" ", 1)[0]
            if check(method, head):
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n"
                             b"tunnel open\n")
                f.read()
                return
            body = b"credentials needed\n"
            resp = "HTTP/1.1 407 Proxy Authentication Required\r\n"
            for c in challenges():
                resp += "Proxy-Authenticate: %s\r\n" % c
            resp += "Content-Length: %d\r\n" % len(body)
            if not keep:
                resp += "Connection: close\r\n"
            conn.sendall(resp.encode() + b"\r\n" + body)
            if not keep:
                return
    finally:
        conn.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
