#!/usr/bin/env python3
"""DTLS peers for t-dtls.sh.

usage: dtlspeer.py PORT LOG SECS
       dtlspeer.py --empties PORT PORTFILE
       dtlspeer.py --coalesce PORT PORTFILE LOG

The first is a peer that sends its cookie back and goes away:
openssl s_client -dtls talks to the server on 127.0.0.1 PORT through
this relay, which passes the ClientHello, the HelloVerifyRequest and the
ClientHello that carries the cookie, and then ends the client: the
server's next flight (ServerHello ...) reaches nobody.  The relay goes on
listening from the same port for SECS seconds after the cookie went,
counting each copy of that flight, then sends the ClientHello with the
old cookie once more and says what the server answers.  LOG gets a line
as each thing happens:

  cookie           the ClientHello with the cookie has gone to the server
  flight N         the server's flight has come for the Nth time
  flights N        the count, once SECS have passed
  replay ANSWER    what the old cookie brought: hello-verify (a new
                   cookie), server-hello, or nothing

With --empties it is a relay instead, on a port of 127.0.0.1 written to
PORTFILE, to the server on PORT, for one client at a time: it passes
every datagram on, each after an empty one, both ways, from the
handshake's first to the session's last, for 60 seconds.

With --coalesce it is a relay as with --empties that passes every
datagram on as it is, but for the client's first two that carry
application data: it holds the first (LOG: "held"), and sends both
records in the datagram of the second ("sent both"), as RFC 6347 4.1.1
lets a sender do.
"""

import os
import select
import socket
import subprocess
import sys
import time

HANDSHAKE, APPLICATION_DATA = 22, 23
CLIENT_HELLO, SERVER_HELLO, HELLO_VERIFY = 1, 2, 3


def messages(data):
    """The types of the handshake messages in the datagram data."""
    types = []
    while len(data) >= 13:
        length = int.from_bytes(data[11:13], "big")
        if data[0] == HANDSHAKE and length > 0:
            types.append((data[13], data[13:13 + length]))
        data = data[13 + length:]
    return types


def has_cookie(body):
    """Does the ClientHello body (with its 12-byte header) carry one?"""
    p = 12 + 2 + 32
    p += 1 + body[p]
    return body[p] > 0


def relay_ends(port, portfile=None):
    """A relay's two sockets: front, for the client, and back, connected
    to sockcat's port; front's port written to portfile, if any."""
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind(("127.0.0.1", 0))
    back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    back.bind(("127.0.0.1", 0))
    back.connect(("127.0.0.1", port))
    if portfile is not None:
        with open(portfile + ".tmp", "w") as f:
            f.write("%d\n" % front.getsockname()[1])
        os.rename(portfile + ".tmp", portfile)
    return front, back


def empties(port, portfile):
    front, back = relay_ends(port, portfile)
    caddr = None
    end = time.monotonic() + 60
    while time.monotonic() < end:
        ready, _, _ = select.select([front, back], [], [],
                                    max(0, end - time.monotonic()))
        try:
            if front in ready:
                data, caddr = front.recvfrom(65536)
                back.send(b"")
                back.send(data)
            if back in ready:
                data = back.recv(65536)
                if caddr is not None:
                    front.sendto(b"", caddr)
                    front.sendto(data, caddr)
        except ConnectionRefusedError:
            pass
    return 0


def coalesce(port, portfile, log):
    out = open(log, "w", buffering=1)
    front, back = relay_ends(port, portfile)
    caddr = held = None
    done = False
    end = time.monotonic() + 60
    while time.monotonic() < end:
        ready, _, _ = select.select([front, back], [], [],
                                    max(0, end - time.monotonic()))
        try:
            if front in ready:
                data, caddr = front.recvfrom(65536)
                if done or not data or data[0] != APPLICATION_DATA:
                    back.send(data)
                elif held is None:
                    held = data
                    out.write("held\n")
                else:
                    back.send(held + data)
                    done = True
                    out.write("sent both\n")
            if back in ready:
                data = back.recv(65536)
                if caddr is not None:
                    front.sendto(data, caddr)
        except ConnectionRefusedError:
            pass
    return 0


def main():
    if sys.argv[1] == "--empties":
        return empties(int(sys.argv[2]), sys.argv[3])
    if sys.argv[1] == "--coalesce":
        return coalesce(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    port, log, secs = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    out = open(log, "w", buffering=1)
    front, back = relay_ends(port)
    client = subprocess.Popen(
        ["openssl", "s_client", "-dtls", "-connect",
         "127.0.0.1:%d" % front.getsockname()[1]],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    caddr = cookie = None
    flights = 0
    end = time.monotonic() + 30
    while time.monotonic() < end:
        ready, _, _ = select.select([front, back], [], [],
                                    max(0, end - time.monotonic()))
        if front in ready:
            data, caddr = front.recvfrom(65536)
            if cookie is not None:
                continue
            back.send(data)
            for t, body in messages(data):
                if t == CLIENT_HELLO and has_cookie(body):
                    cookie = data
                    client.kill()
                    out.write("cookie\n")
                    end = time.monotonic() + secs
        if back in ready:
            try:
                data = back.recv(65536)
            except ConnectionRefusedError:
                continue
            types = [t for t, _ in messages(data)]
            if SERVER_HELLO in types:
                flights += 1
                out.write("flight %d\n" % flights)
            elif cookie is None and caddr is not None:
                front.sendto(data, caddr)
    client.kill()
    client.wait()
    out.write("flights %d\n" % flights)
    if cookie is None:
        return 1
    back.send(cookie)
    answer = "nothing"
    back.settimeout(5)
    try:
        while True:
            types = [t for t, _ in messages(back.recv(65536))]
            if HELLO_VERIFY in types:
                answer = "hello-verify"
                break
            if SERVER_HELLO in types:
                answer = "server-hello"
                break
    except (socket.timeout, ConnectionRefusedError):
        pass
    out.write("replay %s\n" % answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
