#!/usr/bin/env python3
# The fake proxies of the proxy client's tests (t-proxy.sh,
# t-proxy-auth.sh, t-compat-ncat.sh): the one fake proxy of the suites.
# The second form starts as many as asked for in one process.
#
# An "auth" proxy speaks HTTP CONNECT and asks for credentials with a 407,
# then checks the answer, Basic or Digest (RFC 7616, MD5 or SHA-256,
# qop=auth), with the connection kept alive after the 407 or closed.  Once
# a request carries the right credentials it says 200 and sends
# "tunnel open\n".  Every request head is appended to its log, after a
# line "conn N" that numbers the connection it came on.
#
# A "record" proxy speaks SOCKS4, SOCKS4a, SOCKS5 and HTTP CONNECT (told
# apart by the first byte), grants every request, sends "tunnel open\n"
# and logs one line of what it was asked for: "socks4 ADDR", "socks4a
# NAME", "socks5 ipv4|ipv6|name DEST", "http TARGET".
#
# A "broken" proxy (the third form) speaks one protocol, MODE: socks4,
# socks5 or http, one connection at a time, and answers as BEHAVIOUR
# says: "ok" (grant, connect to the destination and relay), "auth" (ask
# for user and secret), "errN" (the protocol's error code N), "trunc",
# "trunc2", "garbage", "nomethod", "badatyp", "silent" (nothing for 8 s),
# "longline", "nulheader" (a header line starting with a NUL) or
# "statusCODE_WORDS" (that HTTP status).  It listens on ADDR, port 0, and
# writes the port to PORTFILE; LOG gets one line for each thing it was
# asked: "methods ...", "auth USER PASS", "connect ATYP HOST PORT",
# "connect4 VERSION HOST PORT user=ID", "hdr LINE", "error WHY".
#
# usage: authproxy.py LOG SCHEME USER PASS KEEPALIVE
#        authproxy.py -m DIR SPEC...
#        authproxy.py -b MODE BEHAVIOUR ADDR PORTFILE LOG
#   SCHEME: basic, md5, sha256, both (offers SHA-256 and MD5 digests and
#   Basic, on three lines), oneline (Basic and an MD5 digest on one line),
#   ntlm (nothing sockcat answers), rfc2069 (an MD5 digest without qop,
#   answered as RFC 2069 says), blanks (an MD5 digest with blanks around
#   each "=", as RFC 9110 allows), nulrealm and crrealm (a digest only, whose
#   realm holds a NUL byte or a bare CR: malformed), stale (an MD5 digest
#   whose first right answer is refused as stale, RFC 7616 3.3: a 407 with
#   stale=true and a new nonce), stalealways (every right answer so
#   refused); KEEPALIVE: 1, 0 (closed after the
#   407, which says so), or 2 (closed although the 407 does not say so).
#   SPEC: SCHEME:USER:PASS:KEEPALIVE, or "record".
# The first form prints its port; the second prints one port a line, in
# the order of the SPECs, and listener N (from 0) logs to DIR/N.log.

import base64
import hashlib
import os
import re
import socket
import select
import struct
import sys
import threading
import time

REALM = "test realm"
NONCE = base64.b64encode(os.urandom(16)).decode()
OPAQUE = "0p4qu3"


def params(s):
    return {k.lower(): (v1 if v1 is not None and v1 != "" else v2)
            for k, v1, v2 in re.findall(
                r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))', s)}


def read_head(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            return b"".join(lines).decode("latin-1")
        lines.append(line)


class Auth:
    def __init__(self, log, scheme, user, password, keep):
        self.log, self.scheme = log, scheme
        self.user, self.password = user, password
        self.keep = keep
        self.conns = 0
        self.lock = threading.Lock()

    def offers(self, what):
        return self.scheme == what or (self.scheme == "both" and
                                       what in ("basic", "md5", "sha256")) \
            or (self.scheme == "oneline" and what in ("basic", "md5")) \
            or (self.scheme in ("blanks", "stale", "stalealways") and
                what == "md5")

    def challenges(self, nonce=NONCE, stale=False):
        digest = ('Digest realm="%s", qop="auth", algorithm=%%s, '
                  'nonce="%s", opaque="%s"%s' % (
                      REALM, nonce, OPAQUE, ', stale=true' if stale else ''))
        if self.scheme == "oneline":
            return ['Basic realm="%s", %s' % (REALM, digest % "MD5")]
        if self.scheme == "ntlm":
            return ["NTLM", "Negotiate"]
        if self.scheme == "blanks":
            return ['Digest realm = "%s", qop = "auth", algorithm = MD5, '
                    'nonce = "%s", opaque = "%s"' % (REALM, NONCE, OPAQUE)]
        if self.scheme == "rfc2069":
            return ['Digest realm="%s", nonce="%s", opaque="%s"'
                    % (REALM, NONCE, OPAQUE)]
        if self.scheme in ("nulrealm", "crrealm"):
            bad = "\0" if self.scheme == "nulrealm" else "\r"
            return ['Digest realm="te%sst", qop="auth", nonce="%s"'
                    % (bad, NONCE)]
        c = []
        if self.offers("sha256"):
            c.append(digest % "SHA-256")
        if self.offers("md5"):
            c.append(digest % "MD5")
        if self.offers("basic"):
            c.append('Basic realm="%s"' % REALM)
        return c

    def check(self, method, head, nonce=NONCE):
        m = re.search(r'^Proxy-Authorization:\s*(\S+)\s*(.*?)\r?$', head,
                      re.M | re.I)
        if not m:
            return False
        kind, rest = m.group(1).lower(), m.group(2)
        if kind == "basic":
            if not self.offers("basic"):
                return False
            try:
                got = base64.b64decode(rest).decode()
            except Exception:
                return False
            return got == "%s:%s" % (self.user, self.password)
        if kind != "digest":
            return False
        p = params(rest)
        alg = p.get("algorithm", "MD5").upper()
        if alg == "MD5" and self.offers("rfc2069"):
            h = lambda s: hashlib.md5(s.encode()).hexdigest()
            if (p.get("username") != self.user or p.get("realm") != REALM
                    or p.get("nonce") != NONCE or "qop" in p or
                    "nc" in p or "cnonce" in p or
                    p.get("opaque") != OPAQUE):
                return False
            ha1 = h("%s:%s:%s" % (self.user, REALM, self.password))
            ha2 = h("%s:%s" % (method, p.get("uri", "")))
            return p.get("response") == h("%s:%s:%s" % (ha1, NONCE, ha2))
        if alg == "MD5" and self.offers("md5"):
            h = lambda s: hashlib.md5(s.encode()).hexdigest()
        elif alg == "SHA-256" and self.offers("sha256"):
            h = lambda s: hashlib.sha256(s.encode()).hexdigest()
        else:
            return False
        if (p.get("username") != self.user or p.get("realm") != REALM or
                p.get("nonce") != nonce or p.get("qop") != "auth" or
                p.get("opaque") != OPAQUE):
            return False
        ha1 = h("%s:%s:%s" % (self.user, REALM, self.password))
        ha2 = h("%s:%s" % (method, p.get("uri", "")))
        want = h("%s:%s:%s:%s:auth:%s" % (ha1, nonce, p.get("nc", ""),
                                          p.get("cnonce", ""), ha2))
        return p.get("response") == want

    def serve(self, conn):
        with self.lock:
            self.conns += 1
            n = self.conns
        f = conn.makefile("rb")
        # The nonce this connection's challenges give: a stale proxy's
        # is new after each answer it calls stale.
        nonce, stale = NONCE, False
        while True:
            head = read_head(f)
            if head is None:
                return
            with open(self.log, "a") as log:
                log.write("conn %d\n%s--\n" % (n, head))
            method = head.split(" ", 1)[0]
            right = self.check(method, head, nonce)
            stale = right and (self.scheme == "stalealways" or (
                self.scheme == "stale" and nonce == NONCE))
            if stale:
                right = False
                nonce = base64.b64encode(os.urandom(16)).decode()
            if right:
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n"
                             b"tunnel open\n")
                f.read()
                return
            body = b"credentials needed\n"
            resp = "HTTP/1.1 407 Proxy Authentication Required\r\n"
            for c in self.challenges(nonce, stale):
                resp += "Proxy-Authenticate: %s\r\n" % c
            resp += "Content-Length: %d\r\n" % len(body)
            if self.keep == "0":
                resp += "Connection: close\r\n"
            conn.sendall(resp.encode("latin-1") + b"\r\n" + body)
            if self.keep != "1":
                return


class Record:
    def __init__(self, log):
        self.log = log

    def say(self, what):
        with open(self.log, "a") as log:
            log.write(what + "\n")

    def serve(self, conn):
        f = conn.makefile("rb")

        def cstr():
            b = b""
            while True:
                c = f.read(1)
                if not c:
                    raise EOFError
                if c == b"\0":
                    return b.decode("latin-1")
                b += c

        first = f.read(1)
        if first == b"\x04":
            _, port = struct.unpack("!BH", f.read(3))
            ip = f.read(4)
            cstr()
            if ip[:3] == b"\0\0\0" and ip[3] != 0:
                self.say("socks4a %s" % cstr())
            else:
                self.say("socks4 %s" % socket.inet_ntoa(ip))
            reply = b"\x00\x5a" + b"\0" * 6
        elif first == b"\x05":
            f.read(f.read(1)[0])
            conn.sendall(b"\x05\x00")
            _, _, _, atyp = f.read(4)
            if atyp == 1:
                self.say("socks5 ipv4 %s" % socket.inet_ntoa(f.read(4)))
            elif atyp == 4:
                self.say("socks5 ipv6 %s" %
                         socket.inet_ntop(socket.AF_INET6, f.read(16)))
            else:
                self.say("socks5 name %s" %
                         f.read(f.read(1)[0]).decode("latin-1"))
            f.read(2)
            reply = b"\x05\x00\x00\x01" + b"\0" * 6
        else:
            head = (first + (f.readline() or b"")).decode("latin-1")
            self.say("http %s" % head.split(" ")[1])
            read_head(f)
            reply = b"HTTP/1.1 200 Connection established\r\n\r\n"
        conn.sendall(reply + b"tunnel open\n")
        f.read()


class Broken:
    """A proxy of one protocol that answers as its behaviour says."""

    def __init__(self, mode, beh, log):
        self.mode, self.beh = mode, beh
        self.log = open(log, "a", buffering=1)

    @staticmethod
    def rd(c, n):
        b = b""
        while len(b) < n:
            d = c.recv(n - len(b))
            if not d:
                raise EOFError("eof")
            b += d
        return b

    def cstr(self, c):
        b = b""
        while True:
            ch = self.rd(c, 1)
            if ch == b"\0":
                return b.decode()
            b += ch

    @staticmethod
    def relay(a, b):
        socks = [a, b]
        while socks:
            r, _, _ = select.select(socks, [], [], 10)
            if not r:
                return
            for s in r:
                d = s.recv(65536)
                o = b if s is a else a
                if not d:
                    socks.remove(s)
                    try:
                        o.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                else:
                    o.sendall(d)

    def socks5(self, c):
        beh, rd = self.beh, self.rd
        if beh == "silent":
            time.sleep(8)
            return None
        ver, n = rd(c, 2)
        meths = list(rd(c, n))
        self.log.write("methods %s\n" % " ".join(map(str, meths)))
        if beh == "garbage":
            c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
            return None
        if beh == "trunc":
            c.sendall(b"\x05")
            return None
        if beh == "nomethod":
            c.sendall(b"\x05\xff")
            return None
        if beh == "auth":
            if 2 not in meths:
                c.sendall(b"\x05\xff")
                return None
            c.sendall(b"\x05\x02")
            v, ul = rd(c, 2)
            u = rd(c, ul).decode()
            p = rd(c, rd(c, 1)[0]).decode()
            self.log.write("auth %s %s\n" % (u, p))
            ok = (u, p) == ("user", "secret")
            c.sendall(b"\x01" + (b"\x00" if ok else b"\x01"))
            if not ok:
                return None
        else:
            c.sendall(b"\x05\x00")
        v, cmd, rsv, at = rd(c, 4)
        if at == 1:
            host = socket.inet_ntop(socket.AF_INET, rd(c, 4))
        elif at == 4:
            host = socket.inet_ntop(socket.AF_INET6, rd(c, 16))
        else:
            host = rd(c, rd(c, 1)[0]).decode()
        port, = struct.unpack("!H", rd(c, 2))
        self.log.write("connect %d %s %d\n" % (at, host, port))
        if beh.startswith("err"):
            c.sendall(bytes([5, int(beh[3:]), 0, 1, 0, 0, 0, 0, 0, 0]))
            return None
        if beh == "trunc2":
            c.sendall(b"\x05\x00\x00")
            return None
        if beh == "badatyp":
            c.sendall(b"\x05\x00\x00\x07")
            return None
        return host, port, b"\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x00"

    def socks4(self, c):
        v, cmd, port = struct.unpack("!BBH", self.rd(c, 4))
        ip = self.rd(c, 4)
        uid = self.cstr(c)
        host = socket.inet_ntoa(ip)
        if ip[:3] == b"\0\0\0" and ip[3] != 0:
            host = self.cstr(c)
        self.log.write("connect4 %d %s %d user=%s\n" % (v, host, port, uid))
        if self.beh.startswith("err"):
            c.sendall(bytes([0, int(self.beh[3:])]) + b"\0" * 6)
            return None
        if self.beh == "trunc":
            c.sendall(b"\x00\x5a")
            return None
        return host, port, b"\x00\x5a" + b"\0" * 6

    def http(self, c):
        beh = self.beh
        req = b""
        while b"\r\n\r\n" not in req:
            d = c.recv(4096)
            if not d:
                raise EOFError("eof")
            req += d
        head = req.split(b"\r\n\r\n")[0].decode()
        for line in head.split("\r\n"):
            self.log.write("hdr %s\n" % line)
        if beh.startswith("status"):
            c.sendall(("HTTP/1.1 %s\r\n\r\n" %
                       beh[6:].replace("_", " ")).encode())
            return None
        if beh == "garbage":
            c.sendall(b"\x00\x01garbage")
            return None
        if beh == "trunc":
            c.sendall(b"HTTP/1.1 200 OK\r\n")
            return None
        if beh == "longline":
            c.sendall(b"HTTP/1.1 200 " + b"x" * 5000 + b"\r\n\r\n")
            return None
        if beh == "auth":
            want = base64.b64encode(b"user:secret").decode()
            if "Proxy-Authorization: Basic " + want not in head:
                c.sendall(b"HTTP/1.1 407 Proxy Authentication Required"
                          b"\r\n\r\n")
                return None
        target = head.split("\r\n")[0].split()[1]
        h, _, p = target.rpartition(":")
        if beh == "nulheader":
            return h.strip("[]"), int(p), \
                b"HTTP/1.1 200 Connection established\r\n\0X-Nul: yes" \
                b"\r\n\r\n"
        return h.strip("[]"), int(p), \
            b"HTTP/1.1 200 Connection established\r\nX-Fake: yes\r\n\r\n"

    def serve(self, c):
        """One connection: answer it, then relay when the request is
        granted; what went wrong goes to the log."""
        try:
            r = {"socks5": self.socks5, "socks4": self.socks4,
                 "http": self.http}[self.mode](c)
            if r is not None:
                t = socket.create_connection((r[0], r[1]))
                c.sendall(r[2])
                self.relay(c, t)
                t.close()
        except (EOFError, OSError) as e:
            self.log.write("error %s\n" % e)
        c.close()


def broken(mode, beh, addr, portfile, log):
    """The third form: one broken proxy, its connections one at a time."""
    proxy = Broken(mode, beh, log)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, 0))
    ls.listen(5)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        c, _ = ls.accept()
        proxy.serve(c)


def accept(s, proxy):
    def serve(c):
        try:
            proxy.serve(c)
        except (OSError, EOFError, IndexError, ValueError, struct.error):
            pass
        finally:
            c.close()
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def listen():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


if sys.argv[1] == "-b":
    broken(*sys.argv[2:7])
    sys.exit(0)
if sys.argv[1] == "-m":
    proxies = []
    for i, spec in enumerate(sys.argv[3:]):
        log = os.path.join(sys.argv[2], "%d.log" % i)
        if spec == "record":
            proxies.append(Record(log))
        else:
            proxies.append(Auth(log, *spec.split(":")))
else:
    proxies = [Auth(*sys.argv[1:6])]
socks = [listen() for _ in proxies]
for s in socks:
    print(s.getsockname()[1], flush=True)
threads = [threading.Thread(target=accept, args=(s, p), daemon=True)
           for s, p in zip(socks, proxies)]
for t in threads:
    t.start()
for t in threads:
    t.join()
