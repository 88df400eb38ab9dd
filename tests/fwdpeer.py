#!/usr/bin/env python3
# An independent peer for the forwarding tests: backends and clients that
# check what went through the forwarder from the outside.
#
#   fwdpeer.py stream-backend PORTFILE SIZE OUT   send SIZE random bytes and
#   fwdpeer.py stream-client HOST PORT SIZE OUT   read to EOF at once; OUT
#       gets "sent SHA256 received SHA256 BYTES"
#   fwdpeer.py held-backend PORTFILE SEND RECV SECS OUT
#   fwdpeer.py held-client HOST PORT SEND RECV SECS OUT
#       send SEND random bytes and, having read nothing for SECS, read
#       RECV bytes; no end-of-file until both are done; OUT as for
#       stream-backend
#   fwdpeer.py request-backend PORTFILE SIZE      read SIZE bytes, answer
#       "SHA256 BYTES", read to EOF
#   fwdpeer.py request-client HOST PORT SIZE OUT  send SIZE random bytes,
#       read the answer; OUT gets "sent SHA256 answer SHA256 BYTES"
#   fwdpeer.py echo PORTFILE                      echo every connection
#   fwdpeer.py many HOST PORT N OUT               N clients at once, a line
#                                                 each; OUT: lines echoed
#   fwdpeer.py ended-clients HOST PORT N K OUT   N connections, K at a
#       time, each waiting for the server to end it (end-of-file or a
#       reset) and then closed; OUT: how many were ended so
#   fwdpeer.py idle-clients HOST PORT N          N connections, opened one
#       after the other, kept; each line on stdin: "round" echoes SIZE
#       bytes on each in turn (stdout: "ok K", K intact), "close" closes
#       them all (stdout: "closed")
#   fwdpeer.py proxy-backend PORTFILE OUT         parse a PROXY header (v1,
#                                                 v2); OUT: what it says
#   fwdpeer.py halfclose-backend PORTFILE MODE OUT
#       MODE "client-first": read to EOF, then answer and close;
#       MODE "backend-first": send and shut down, then read to EOF
#   fwdpeer.py word-backend PORTFILE WORD OUT
#   fwdpeer.py word-client HOST PORT WORD OUT
#       send WORD and a newline (nothing if WORD is ""), shut down, read
#       to EOF; OUT gets what was read
#   fwdpeer.py reset-backend PORTFILE OUT         OUT: "reset" or "eof";
#                                                 OUT.data once data came
#   fwdpeer.py reset-client HOST PORT [WAITFILE]  send, then close with RST
#                                                 (once WAITFILE exists)
#   fwdpeer.py blackhole PORTFILE                 a port that never answers
#   fwdpeer.py closed-port PORTFILE               a port bound, held, never
#                                                 listened on: refused
#   fwdpeer.py try-connect PORT OUT               OUT: "connected" or why not
#   fwdpeer.py udp-echo PORTFILE                  answer "FROM-PORT:data"
#   fwdpeer.py udp-clients HOST PORT OUT          two peers, their replies
# Each server writes its port to PORTFILE when it is ready.
#
#   fwdpeer.py hub FIFO
#       one process for a whole suite: each line written to FIFO is one of
#       the commands above, run in a thread of its own ("exit" ends it), so
#       that a suite pays for one python start-up, not one per peer

import hashlib
import os
import selectors
import socket
import struct
import sys
import threading
import time


def listener(portfile, backlog=128, family=socket.AF_INET):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(backlog)
    return s


def ready(portfile, port):
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, portfile)


def send_random(sock, size, sent):
    """Send size random bytes, adding them to the hash sent."""
    left = size
    chunk = os.urandom(1 << 16)
    while left > 0:
        # Vary the bytes cheaply: each chunk is rotated by its position.
        n = min(left, len(chunk))
        piece = chunk[left % 997:] + chunk[:left % 997]
        sock.sendall(piece[:n])
        sent.update(piece[:n])
        left -= n


def both_ways(sock, size, out):
    """Send size random bytes while reading to EOF; report both hashes."""
    sent = hashlib.sha256()
    received = hashlib.sha256()
    count = [0]

    def reader():
        while True:
            b = sock.recv(1 << 16)
            if not b:
                break
            received.update(b)
            count[0] += len(b)

    th = threading.Thread(target=reader)
    th.start()
    send_random(sock, size, sent)
    sock.shutdown(socket.SHUT_WR)
    th.join()
    with open(out, "w") as f:
        f.write("sent %s received %s %d\n" %
                (sent.hexdigest(), received.hexdigest(), count[0]))


def stream_backend(portfile, size, out):
    s = listener(portfile)
    ready(portfile, s.getsockname()[1])
    c, _ = s.accept()
    both_ways(c, int(size), out)
    c.close()


def stream_client(host, port, size, out):
    c = socket.create_connection((host, int(port)), timeout=60)
    c.settimeout(60)
    both_ways(c, int(size), out)
    c.close()


def held_both_ways(sock, size, want, secs, out):
    """Send size random bytes, and read nothing for secs: a relay in
    between stops reading with bytes left in its sockets.  Then read want
    bytes, with no end-of-file before both ends are done: the relay must
    take up what it left with nothing new arriving to wake it."""
    sent = hashlib.sha256()
    received = hashlib.sha256()
    count = 0
    th = threading.Thread(target=send_random, args=(sock, size, sent))
    th.start()
    time.sleep(secs)
    while count < want:
        b = sock.recv(min(1 << 16, want - count))
        if not b:
            break
        received.update(b)
        count += len(b)
    th.join()
    with open(out, "w") as f:
        f.write("sent %s received %s %d\n" %
                (sent.hexdigest(), received.hexdigest(), count))
    sock.shutdown(socket.SHUT_WR)
    while sock.recv(1 << 16):
        pass


def held_backend(portfile, size, want, secs, out):
    s = listener(portfile)
    ready(portfile, s.getsockname()[1])
    c, _ = s.accept()
    c.settimeout(60)
    held_both_ways(c, int(size), int(want), float(secs), out)
    c.close()


def held_client(host, port, size, want, secs, out):
    c = socket.create_connection((host, int(port)), timeout=60)
    held_both_ways(c, int(size), int(want), float(secs), out)
    c.close()


def request_backend(portfile, size):
    s = listener(portfile)
    ready(portfile, s.getsockname()[1])
    c, _ = s.accept()
    c.settimeout(60)
    size = int(size)
    received = hashlib.sha256()
    count = 0
    while count < size:
        b = c.recv(min(1 << 16, size - count))
        if not b:
            break
        received.update(b)
        count += len(b)
    c.sendall(("%s %d\n" % (received.hexdigest(), count)).encode())
    while c.recv(1 << 16):
        pass
    c.close()


def request_client(host, port, size, out):
    """A request that fills more than a read, answered once it is whole:
    nothing but the request's own bytes says they are there to read."""
    c = socket.create_connection((host, int(port)), timeout=60)
    sent = hashlib.sha256()
    send_random(c, int(size), sent)
    answer = b""
    while not answer.endswith(b"\n"):
        b = c.recv(256)
        if not b:
            break
        answer += b
    with open(out, "w") as f:
        f.write("sent %s answer %s" % (sent.hexdigest(), answer.decode()))
    c.close()


def echo(portfile):
    s = listener(portfile, 4096)
    s.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ)
    ready(portfile, s.getsockname()[1])
    while True:
        for key, _ in sel.select():
            if key.fileobj is s:
                try:
                    c, _ = s.accept()
                except BlockingIOError:
                    continue
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ)
                continue
            c = key.fileobj
            try:
                b = c.recv(65536)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                b = b""
            if not b:
                sel.unregister(c)
                c.close()
                continue
            c.setblocking(True)
            c.sendall(b)
            c.setblocking(False)


def many(host, port, n, out):
    n = int(n)
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(n):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex((host, int(port)))
        socks.append(c)
        sel.register(c, selectors.EVENT_WRITE, [i, b""])
    done = 0
    echoed = 0
    deadline = time.time() + 60
    while done < n and time.time() < deadline:
        for key, ev in sel.select(1):
            c = key.fileobj
            i, got = key.data
            if ev & selectors.EVENT_WRITE:
                try:
                    c.send(b"line %d\n" % i)
                except OSError:
                    sel.unregister(c)
                    done += 1
                    continue
                sel.modify(c, selectors.EVENT_READ, [i, b""])
                continue
            try:
                b = c.recv(100)
            except OSError:
                b = b""
            got += b
            key.data[1] = got
            if not b or got.endswith(b"\n"):
                if got == b"line %d\n" % i:
                    echoed += 1
                sel.unregister(c)
                done += 1
    with open(out, "w") as f:
        f.write("%d\n" % echoed)
    for c in socks:
        c.close()


def ended_clients(host, port, n, k, out):
    n, k = int(n), int(k)
    sel = selectors.DefaultSelector()
    started = ended = done = 0
    deadline = time.time() + 120

    def start():
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex((host, int(port)))
        sel.register(c, selectors.EVENT_READ)

    while started < min(k, n):
        start()
        started += 1
    while done < started and time.time() < deadline:
        for key, _ in sel.select(1):
            c = key.fileobj
            try:
                if c.recv(100):
                    continue
                ended += 1
            except BlockingIOError:
                continue
            except ConnectionResetError:
                ended += 1
            except OSError:
                pass
            sel.unregister(c)
            c.close()
            done += 1
            if started < n:
                start()
                started += 1
    with open(out, "w") as f:
        f.write("%d\n" % ended)


def idle_clients(host, port, n):
    socks = []
    for cmd in sys.stdin:
        cmd = cmd.split()
        if cmd[0] == "round":
            ok = 0
            for i in range(int(n)):
                if i >= len(socks):
                    socks.append(socket.create_connection(
                        (host, int(port)), timeout=20))
                c = socks[i]
                want = (b"%d " % i) * (int(cmd[1]) // 8)
                c.sendall(want)
                got = b""
                while len(got) < len(want):
                    b = c.recv(len(want) - len(got))
                    if not b:
                        break
                    got += b
                ok += got == want
            print("ok %d" % ok, flush=True)
        elif cmd[0] == "close":
            for c in socks:
                c.close()
            socks = []
            print("closed", flush=True)


def read_proxy_header(c):
    """Parse a PROXY header, v1 or v2, by the specification."""
    sig2 = b"\r\n\r\n\x00\r\nQUIT\n"
    head = b""
    while len(head) < 16:
        b = c.recv(16 - len(head))
        if not b:
            return "short", head
        head += b
        if not sig2.startswith(head[:12]) and head.startswith(b"PROXY"):
            break
    if head[:12] == sig2:
        ver_cmd, fam, length = struct.unpack("!BBH", head[12:16])
        body = b""
        while len(body) < length:
            body += c.recv(length - len(body))
        if ver_cmd >> 4 != 2:
            return "bad-version", b""
        cmd = ver_cmd & 0xf
        if cmd == 0:
            return "v2 LOCAL", b""
        if fam == 0x11:
            src, dst, sp, dp = struct.unpack("!4s4sHH", body[:12])
            return "v2 TCP4 %s %s %d %d" % (
                socket.inet_ntop(socket.AF_INET, src),
                socket.inet_ntop(socket.AF_INET, dst), sp, dp), b""
        if fam == 0x21:
            src, dst, sp, dp = struct.unpack("!16s16sHH", body[:36])
            return "v2 TCP6 %s %s %d %d" % (
                socket.inet_ntop(socket.AF_INET6, src),
                socket.inet_ntop(socket.AF_INET6, dst), sp, dp), b""
        return "v2 family %d" % fam, b""
    while b"\r\n" not in head and len(head) < 107:
        b = c.recv(1)
        if not b:
            break
        head += b
    line, _, rest = head.partition(b"\r\n")
    f = line.decode("ascii", "replace").split(" ")
    if f[0] != "PROXY":
        return "not-proxy", head
    return "v1 " + " ".join(f[1:]), rest


def proxy_backend(portfile, out):
    s = listener(portfile)
    ready(portfile, s.getsockname()[1])
    c, _ = s.accept()
    what, rest = read_proxy_header(c)
    data = rest + read_to_eof(c)
    with open(out, "w") as f:
        f.write("%s\n%s" % (what, data.decode("ascii", "replace")))
    c.sendall(b"ok\n")
    c.close()


def read_to_eof(sock):
    data = b""
    while True:
        b = sock.recv(4096)
        if not b:
            return data
        data += b


def say_and_read(sock, word, out):
    """Send word and a newline (if any), shut down, read to EOF into out."""
    if word:
        sock.sendall(word.encode() + b"\n")
    sock.shutdown(socket.SHUT_WR)
    data = read_to_eof(sock)
    sock.close()
    with open(out, "wb") as f:
        f.write(data)


def halfclose_backend(portfile, mode, out):
    s = listener(portfile)
    ready(portfile, s.getsockname()[1])
    c, _ = s.accept()
    if mode != "client-first":
        say_and_read(c, "backend speaks first", out)
        return
    data = read_to_eof(c)
    c.sendall(b"after your eof: " + data)
    c.close()
    with open(out, "wb") as f:
        f.write(data)


def word_backend(portfile, word, out):
    s = listener(portfile)
    ready(portfile, s.getsockname()[1])
    c, _ = s.accept()
    say_and_read(c, word, out)


def word_client(host, port, word, out):
    say_and_read(socket.create_connection((host, int(port)), timeout=60),
                 word, out)


def reset_backend(portfile, out):
    s = listener(portfile)
    ready(portfile, s.getsockname()[1])
    c, _ = s.accept()
    c.settimeout(30)
    what = "eof"
    told = False
    try:
        while True:
            b = c.recv(4096)
            if not b:
                break
            if not told:
                with open(out + ".data", "w") as f:
                    f.write("data\n")
                told = True
    except ConnectionResetError:
        what = "reset"
    except socket.timeout:
        what = "timeout"
    with open(out, "w") as f:
        f.write(what + "\n")


def reset_client(host, port, waitfile=None):
    c = socket.create_connection((host, int(port)), timeout=20)
    c.sendall(b"some data\n")
    # The reset comes once the data has been relayed, when the backend can
    # say so; else after a moment.
    deadline = time.time() + (20 if waitfile else 0.5)
    while time.time() < deadline and not (waitfile and
                                          os.path.exists(waitfile)):
        time.sleep(0.01)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def blackhole(portfile):
    s = listener(portfile, 0)
    port = s.getsockname()[1]
    # Fill the accept queue: further SYNs are dropped, never answered.
    fillers = []
    for _ in range(4):
        f = socket.socket()
        f.setblocking(False)
        f.connect_ex(("127.0.0.1", port))
        fillers.append(f)
    time.sleep(0.2)
    ready(portfile, port)
    while True:
        time.sleep(60)


HELD = []


def closed_port(portfile):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    HELD.append(s)
    ready(portfile, s.getsockname()[1])


def try_connect(port, out):
    try:
        socket.create_connection(("127.0.0.1", int(port)), timeout=2)
        what = "connected"
    except socket.timeout:
        what = "timeout"
    except OSError as e:
        what = e.strerror or "error"
    with open(out, "w") as f:
        f.write(what + "\n")


def hub(fifo):
    fd = os.open(fifo, os.O_RDWR)
    with os.fdopen(fd, "r") as f:
        while True:
            args = f.readline().split()
            if not args:
                continue
            if args[0] == "exit":
                break
            threading.Thread(target=ROLES[args[0]], args=args[1:],
                             daemon=True).start()


def udp_echo(portfile):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    ready(portfile, s.getsockname()[1])
    while True:
        data, addr = s.recvfrom(65535)
        s.sendto(b"%d:" % addr[1] + data, addr)


def udp_clients(host, port, out):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.settimeout(10)
    b.settimeout(10)
    res = []
    for i in range(3):
        a.sendto(b"from-a-%d" % i, (host, int(port)))
        b.sendto(b"from-b-%d" % i, (host, int(port)))
        ra = a.recv(65535).decode()
        rb = b.recv(65535).decode()
        res.append("a " + ra.split(":", 1)[1] + " " + ra.split(":", 1)[0])
        res.append("b " + rb.split(":", 1)[1] + " " + rb.split(":", 1)[0])
    with open(out, "w") as f:
        f.write("\n".join(res) + "\n")


ROLES = {
    "stream-backend": stream_backend,
    "stream-client": stream_client,
    "held-backend": held_backend,
    "held-client": held_client,
    "request-backend": request_backend,
    "request-client": request_client,
    "echo": echo,
    "many": many,
    "ended-clients": ended_clients,
    "idle-clients": idle_clients,
    "proxy-backend": proxy_backend,
    "halfclose-backend": halfclose_backend,
    "word-backend": word_backend,
    "word-client": word_client,
    "reset-backend": reset_backend,
    "reset-client": reset_client,
    "blackhole": blackhole,
    "udp-echo": udp_echo,
    "udp-clients": udp_clients,
    "closed-port": closed_port,
    "try-connect": try_connect,
    "hub": hub,
}


def main():
    ROLES[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
