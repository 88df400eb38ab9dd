#!/usr/bin/env python3
"""Events made to coincide, for tests/t-coincide.sh: each scenario runs a
mode of sockcat whose session ends, with a peer that writes and shuts
down in one go, standard input ending with the network, or a program
exiting as its peer closes; sockcat runs under the event-order knob of
debug builds (SC_EVENT_ORDER: reverse, and seeds) and, when the preempt
library is given, with a sleep after each accept4, connect and
epoll_wait, so that what the peer did meanwhile is all ready in one round.
Every byte one side wrote must reach the other, and sockcat must end with
status 0; anything else is printed and the exit status is 1.  The
scenarios named *-reset have a peer that writes and resets the connection
in one go instead: the reset must be said, once, the status must say a
failure, what was delivered must be a start of what was sent, and a
stream passed on must not end as if it were whole.

    coincide.py SOCKCAT SCENARIO [--orders LIST] [--runs N] [--preload LIB]

SCENARIO is one of the names in SCENARIOS, or "list"."""

import argparse
import os
import re
import select
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import base64
import hashlib

DEADLINE = 20.0

# A stdin that stays open: the process never sees its end.
HELD = object()


class Failure(Exception):
    pass


def payload(n, seed):
    """n bytes, different for each seed and run, lines of text."""
    line = ("%d-abcdefghijklmnopqrstuvwxyz-%d\n" % (seed, n)).encode()
    return (line * (n // len(line) + 1))[:n]


class Run:
    """One sockcat under the order and delays asked for."""

    def __init__(self, sc, order, preload, tmp):
        self.sc = sc
        self.env = dict(os.environ, SC_EVENT_ORDER=order)
        if preload:
            self.env.update(LD_PRELOAD=preload,
                            SC_DELAY_CALLS="accept4,connect,epoll_wait",
                            SC_DELAY_US="15000", SC_DELAY_PCT="100",
                            SC_DELAY_FIXED="1")
        self.tmp = tmp
        self.procs = []
        # The library is sockcat's alone: a program it runs (tr, not built
        # with the sanitizer) must not carry the sanitizer's runtime, whose
        # leak check would fail it at exit.
        self.plain = "env -u LD_PRELOAD " if preload else ""

    def start(self, args, stdin=b"", name="sc", argv0=None, shell=None,
              fed=None):
        """Start sockcat (or shell, a command line) with stdin's bytes
        written and closed at once (None: /dev/null; HELD: a pipe held
        open until the end); its output to files.  fed, an Event, is set
        once the bytes are all in the pipe and its end is too: a peer
        that must act after them waits for it (the thread writing them
        may run late on a busy machine)."""
        out = open(os.path.join(self.tmp, name + ".out"), "wb")
        err = open(os.path.join(self.tmp, name + ".err"), "wb")
        if shell is not None:
            cmd = ["timeout", "-k", "2", str(DEADLINE), "sh", "-c", shell]
        else:
            cmd = ["timeout", "-k", "2", str(DEADLINE), argv0 or self.sc]
            cmd += args
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin is not None
                             else subprocess.DEVNULL, stdout=out, stderr=err,
                             env=self.env)
        p.feeder = None
        if stdin is not None and stdin is not HELD:
            p.feeder = threading.Thread(target=self._feed,
                                        args=(p, stdin, fed), daemon=True)
            p.feeder.start()
        p.name = name
        self.procs.append(p)
        return p

    @staticmethod
    def _feed(p, data, fed):
        try:
            p.stdin.write(data)
            p.stdin.close()
        except OSError:
            pass
        if fed is not None:
            fed.set()

    def fed(self, p):
        """Wait until p's stdin is written and closed (bytes that fit in
        a pipe, which it need not read first): what a peer does next
        meets them ready, however late the feeding thread was let run."""
        p.feeder.join(DEADLINE)
        if p.feeder.is_alive():
            raise Failure("%s's stdin was never written" % p.name)

    def port(self, name="sc"):
        """The port of sockcat's -v line "Listening on ADDR PORT" (a
        datagram socket's "Bound on")."""
        path = os.path.join(self.tmp, name + ".err")
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            with open(path, "rb") as f:
                m = re.search(rb"(?:Listening|Bound) on \S+ (\d+)\n",
                              f.read())
            if m:
                return int(m.group(1))
            time.sleep(0.01)
        raise Failure("%s never said Listening on: %r" % (name, self.err(name)))

    def out(self, name="sc"):
        with open(os.path.join(self.tmp, name + ".out"), "rb") as f:
            return f.read()

    def err(self, name="sc"):
        with open(os.path.join(self.tmp, name + ".err"), "rb") as f:
            return f.read()

    def ended(self, p, what):
        """p's status once it ends by itself, within the deadline."""
        try:
            return p.wait(DEADLINE + 5)
        except subprocess.TimeoutExpired:
            self.kill(p)
            raise Failure("%s did not end" % what)

    def wait(self, p, what):
        rc = self.ended(p, what)
        if rc != 0:
            raise Failure("%s: status %d: %r" % (what, rc, self.err(p.name)))

    def failed(self, p, what, said):
        """p ended by itself with a status that is not 0 and said, once,
        on a line of its own, what the regular expression said says."""
        rc = self.ended(p, what)
        err = self.err(p.name)
        if rc == 0 or rc == 124:
            raise Failure("%s: status %d: %r" % (what, rc, err))
        lines = re.findall(rb"(?m)^sockcat: " + said + rb"$", err)
        if len(lines) != 1:
            raise Failure("%s: status %d, not said once: %r" % (what, rc,
                                                                err))

    @staticmethod
    def kill(p):
        """End p, the timeout(1) around sockcat: SIGTERM, which timeout
        passes on (SIGKILL would leave sockcat behind), then SIGKILL."""
        if p.poll() is not None:
            return
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def stop(self):
        for p in self.procs:
            self.kill(p)
            # A feeder still writing (run late) finds the pipe gone: the
            # run has failed already, and says why; the flush must not
            # crash the driver over it.
            if p.stdin is not None and not p.stdin.closed:
                try:
                    p.stdin.close()
                except OSError:
                    pass


def exchange(port, data, family=socket.AF_INET, host="127.0.0.1",
             hold_end=False):
    """Connect, send data and shut down writing in one go, read to the
    end; return what was read.  The socket is closed once the sending is
    over: a peer quick to answer and end would otherwise see it closed
    before a byte was sent, an end where the data should be.  hold_end:
    writing is shut down only once the peer's end has been read."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(DEADLINE)
    s.connect((host, port))
    failed = []
    read = threading.Event() if hold_end else None
    th = threading.Thread(target=send_all_shut, args=(s, data, failed, read),
                          daemon=True)
    th.start()
    got = read_all(s)
    if read is not None:
        read.set()
    th.join(DEADLINE)
    s.close()
    if th.is_alive() or failed:
        raise Failure("the client could not send its %d bytes: %s" % (
            len(data), failed[0] if failed else "still sending"))
    return got


def send_all_shut(s, data, failed, after=None):
    try:
        s.sendall(data)
        if after is not None:
            after.wait(DEADLINE)
        s.shutdown(socket.SHUT_WR)
    except OSError as e:
        failed.append(e)


def read_all(s):
    got = []
    while True:
        b = s.recv(65536)
        if not b:
            return b"".join(got)
        got.append(b)


def send_reset(s, data):
    """Send data and reset the connection at once (SO_LINGER 0)."""
    try:
        s.sendall(data)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.close()


def local_listener(backlog=1):
    """A listening TCP socket on 127.0.0.1, its accept bounded."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(backlog)
    ls.settimeout(DEADLINE)
    return ls


def read_cut(s):
    """Read s to its end: (bytes, "eof" or "reset")."""
    s.settimeout(DEADLINE)
    buf = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                return buf, "eof"
            buf += b
    except OSError:
        return buf, "reset"


def expect_whole_end(what, got, how, sent):
    """A stream cut by a reset: a start of what was sent, and a whole
    end (end of file) only after every byte."""
    expect_start(what, got, sent)
    if how == "eof" and got != sent:
        raise Failure("%s saw a whole end after %d of %d bytes" %
                      (what, len(got), len(sent)))


def expect_start(what, got, sent):
    """What was delivered of a cut stream: a start of what was sent."""
    if not sent.startswith(got):
        raise Failure("%s: %d bytes, not a start of the %d sent" % (
            what, len(got), len(sent)))


def expect(what, got, want):
    if got != want:
        raise Failure("%s: %d bytes, expected %d%s" % (
            what, len(got), len(want),
            (": %r" % got[:200]) if len(got) < 400 else ""))


class Echo:
    """A TCP echo server of our own, one thread a connection; or, with
    reply, one that answers each client with reply and shuts down at
    once, then reads what the client sends to its end (kept in got)."""

    def __init__(self, reply=None):
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(16)
        self.port = self.ls.getsockname()[1]
        self.reply = reply
        self.got = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            threading.Thread(target=self.one, args=(c,), daemon=True).start()

    def one(self, c):
        c.settimeout(DEADLINE)
        try:
            if self.reply is not None:
                c.sendall(self.reply)
                c.shutdown(socket.SHUT_WR)
                self.got.append(read_all(c))
            else:
                while True:
                    b = c.recv(65536)
                    if not b:
                        c.shutdown(socket.SHUT_WR)
                        break
                    c.sendall(b)
        except OSError:
            pass
        c.close()


# The scenarios: each raises Failure, or returns.

def sc_listen_reverse_eof(r, seed, extra=()):
    """OpenBSD's run-tcp-server-reverse-eof: echo greeting | nc -l, and a
    client that sends its command and shuts down in one go.  The
    greeting and stdin's end are in the pipe before the client connects,
    as echo's are there: the listener ends with the client, sending
    what stdin had ready then (doc/design.md, the last round), so a
    greeting written later, by a feeding thread kept off the processor,
    would rightly not be sent."""
    p = r.start(["-v", *extra, "-l", "127.0.0.1", "0"], b"greeting\n")
    port = r.port()
    r.fed(p)
    got = exchange(port, b"command\n")
    r.wait(p, "sockcat -l")
    expect("client received", got, b"greeting\n")
    expect("sockcat's stdout", r.out(), b"command\n")


def sc_listen_reverse_eof_N(r, seed):
    """The same with -N, which shuts the connection down after stdin."""
    sc_listen_reverse_eof(r, seed, ("-N",))


def sc_listen_bulk(r, seed):
    """A listener with 200 KB on stdin, a client sending 200 KB at once:
    both ways whole.  The client shuts down once it has read -N's end: a
    listener's client done sending ends the session, as nc's, with what
    was read of stdin by then, and a late pipe has not all of it yet."""
    a, b = payload(200000, seed), payload(200001, seed + 1)
    p = r.start(["-v", "-N", "-l", "127.0.0.1", "0"], a)
    got = exchange(r.port(), b, hold_end=True)
    r.wait(p, "sockcat -l")
    expect("client received", got, a)
    expect("sockcat's stdout", r.out(), b)


def sc_client(r, seed):
    """A client whose stdin ends as the server answers and shuts down."""
    req, rep = payload(100000, seed), payload(70000, seed + 1)
    srv = Echo(reply=rep)
    p = r.start(["-N", "127.0.0.1", str(srv.port)], req)
    r.wait(p, "sockcat client")
    expect("sockcat's stdout", r.out(), rep)
    end = time.monotonic() + DEADLINE
    while not srv.got and time.monotonic() < end:
        time.sleep(0.01)
    expect("server received", srv.got[0] if srv.got else b"", req)


def sc_exec(r, seed):
    """-lk -e: a program per client, each client sending and shutting
    down at once, each program exiting as its peer closes."""
    p = r.start(["-v", "-lk", "-e", "/bin/cat", "127.0.0.1", "0"], None)
    port = r.port()
    for i in range(3):
        data = payload(30000 + i, seed + i)
        expect("echo %d" % i, exchange(port, data), data)
    r.kill(p)


def sc_exec_shell(r, seed):
    """-l -c: a program that answers at its input's end."""
    p = r.start(["-v", "-l", "-c", r.plain + "tr a-z A-Z", "127.0.0.1",
                 "0"], None)
    data = payload(20000, seed)
    expect("tr's answer", exchange(r.port(), data), data.upper())
    r.wait(p, "sockcat -l -c")


def sc_fifo(r, seed):
    """--fifo's filter: what the client sends, filtered, comes back."""
    fifo = os.path.join(r.tmp, "f")
    if os.path.exists(fifo):
        os.unlink(fifo)
    p = r.start(None, None, shell="'%s' -v -l 127.0.0.1 0 --fifo '%s' | "
                "%str a-z A-Z > '%s'" % (r.sc, fifo, r.plain, fifo))
    data = payload(20000, seed)
    expect("filtered", exchange(r.port(), data), data.upper())
    r.wait(p, "sockcat --fifo")


def sc_chat(r, seed):
    """--chat: the caller says a line and leaves at once; the server
    shows the line and says the caller left."""
    p = r.start(["--chat", "-v", "-n", "-l", "127.0.0.1", "0"], HELD,
                name="srv")
    port = r.port("srv")
    c = r.start(["--chat", "-n", "127.0.0.1", str(port)], b"hello there\n",
                name="cli")
    r.wait(c, "chat caller")
    end = time.monotonic() + DEADLINE
    while b"left" not in r.err("srv") and time.monotonic() < end:
        time.sleep(0.01)
    r.wait(p, "chat server")
    if b"hello there" not in r.out("srv"):
        raise Failure("the server did not show the line: %r" % r.out("srv"))


def sc_chat_reset(r, seed):
    """--chat: the caller says a line and resets at once; the server
    shows the line and says why the caller left."""
    p = r.start(["--chat", "-v", "-n", "-l", "127.0.0.1", "0"], HELD,
                name="srv")
    line = ("hello from seed %d\n" % seed).encode()
    send_reset(socket.create_connection(("127.0.0.1", r.port("srv")),
                                        timeout=DEADLINE), line)
    end = time.monotonic() + DEADLINE
    while b"left" not in r.err("srv") and time.monotonic() < end:
        time.sleep(0.01)
    r.kill(p)
    if not re.search(rb"(?m)^127\.0\.0\.1 port \d+ left "
                     rb"\(Connection reset by peer\)$", r.err("srv")):
        raise Failure("the server did not say why: %r" % r.err("srv"))
    expect("the server showed", r.out("srv"), line)


def listener_peer(port, pattern):
    """A client that waits for pattern, returns what it read."""
    s = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
    got = b""
    while pattern not in got:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    return got


def sc_broker(r, seed, room=False, reset=False):
    """--broker, --room: a member sends a line and leaves (or resets) in
    one go; the one listening hears it."""
    p = r.start(["-v", "--room" if room else "--broker", "127.0.0.1", "0"],
                None)
    port = r.port()
    # The listener is in before the speaker comes: its welcome read.
    s = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
    if room:
        got = b""
        while b"\n" not in got:
            got += s.recv(4096)
    else:
        # The broker says nothing to a newcomer: its place is known
        # from the server's -v line of the second connection.
        end = time.monotonic() + DEADLINE
        while r.err().count(b"Connection") < 1 and time.monotonic() < end:
            time.sleep(0.01)
    line = ("line of seed %d\n" % seed).encode()
    if reset:
        send_reset(socket.create_connection(("127.0.0.1", port),
                                            timeout=DEADLINE), line)
    else:
        exchange(port, line)
    got = b""
    while line.strip() not in got:
        b = s.recv(4096)
        if not b:
            break
        got += b
    s.close()
    r.kill(p)
    if line.strip() not in got:
        raise Failure("the member did not hear %r: %r" % (line, got))


def sc_room(r, seed):
    sc_broker(r, seed, room=True)


def sc_broker_reset(r, seed):
    sc_broker(r, seed, reset=True)


def sc_room_reset(r, seed):
    sc_broker(r, seed, room=True, reset=True)


def sc_forward(r, seed):
    """--forward to an echo server: 100 KB and the end at once."""
    srv = Echo()
    p = r.start(["-v", "-lk", "127.0.0.1", "0", "--forward",
                 "127.0.0.1:%d" % srv.port], None)
    port = r.port()
    for i in range(2):
        data = payload(100000 + i, seed + i)
        expect("forwarded echo %d" % i, exchange(port, data), data)
    r.kill(p)


def sc_pair(r, seed):
    """An address pair, tcp-l: with tcp:, one client."""
    srv = Echo()
    p = r.start(["-v", "tcp-l:127.0.0.1:0", "tcp:127.0.0.1:%d" % srv.port],
                None)
    data = payload(100000, seed)
    expect("paired echo", exchange(r.port(), data), data)
    # sockcat's own tcp-l: serves client after client, as a forwarder.
    r.kill(p)


def sc_local(r, seed):
    """socat's non-socket sides: stdio with a program, as socat."""
    link = os.path.join(r.tmp, "socat")
    if not os.path.exists(link):
        os.symlink(os.path.abspath(r.sc), link)
    data = payload(150000, seed)
    p = r.start(["-", "EXEC:" + r.plain + "tr a-z A-Z"], data, argv0=link)
    r.wait(p, "socat - EXEC:")
    expect("the program's answer", r.out(), data.upper())


def sc_udp_listen(r, seed):
    """-u -l -q 0: a datagram in, stdin's line to its sender, then the end
    as stdin's end comes."""
    p = r.start(["-v", "-u", "-l", "-q", "0", "127.0.0.1", "0"],
                b"reply\n")
    port = r.port()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(DEADLINE)
    s.sendto(b"ping\n", ("127.0.0.1", port))
    got, _ = s.recvfrom(65536)
    s.close()
    r.wait(p, "sockcat -u -l")
    expect("peer received", got, b"reply\n")
    expect("sockcat's stdout", r.out(), b"ping\n")


def sc_udp_client(r, seed):
    """-u --quit-after: the answer of an echo peer arrives as stdin ends,
    and is shown before the time after stdin's end is over."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(DEADLINE)

    def echo():
        try:
            d, a = s.recvfrom(65536)
            s.sendto(d, a)
        except OSError:
            pass
    threading.Thread(target=echo, daemon=True).start()
    p = r.start(["-u", "--quit-after", "500ms", "127.0.0.1",
                 str(s.getsockname()[1])], b"datagram\n")
    r.wait(p, "sockcat -u")
    s.close()
    expect("sockcat's stdout", r.out(), b"datagram\n")


RESET = rb"read from network: Connection reset by peer"


def sc_listen_reset(r, seed):
    """-l with stdin open: a client sends 100 KB and resets at once
    (--fail-on-error: nc's forms take it for an end, said with -v)."""
    data = payload(100000, seed)
    p = r.start(["-v", "--fail-on-error", "-l", "127.0.0.1", "0"], HELD)
    send_reset(socket.create_connection(("127.0.0.1", r.port()),
                                        timeout=DEADLINE), data)
    r.failed(p, "sockcat -l", RESET)
    expect_start("sockcat's stdout", r.out(), data)


def sc_client_reset(r, seed):
    """A client with stdin open: the server sends 100 KB and resets at
    once (--fail-on-error, as above)."""
    data = payload(100000, seed)
    ls = local_listener()
    p = r.start(["-v", "--fail-on-error", "127.0.0.1",
                 str(ls.getsockname()[1])], HELD)
    c, _ = ls.accept()
    ls.close()
    send_reset(c, data)
    r.failed(p, "sockcat client", RESET)
    expect_start("sockcat's stdout", r.out(), data)


# A program that never reads and exits once its output is closed.
DEAF = ("python3 -c 'import select; p = select.poll(); p.register(1, 0); "
        "p.poll()'")


def sc_exec_reset(r, seed):
    """-l -c with a program that has not read what the client sent when
    the client resets (-w keeps the connection in the pump): the reset
    closes its output, it exits, and what was queued for it is lost;
    the reset is said all the same.  Spliced and copied in turn."""
    copy = ["--no-splice"] if seed % 2 else []
    p = r.start(["-v", "-w", "10", *copy, "-l", "-c", r.plain + DEAF,
                 "127.0.0.1", "0"], None)
    send_reset(socket.create_connection(("127.0.0.1", r.port()),
                                        timeout=DEADLINE),
               payload(98304, seed))
    r.failed(p, "sockcat -l -c", RESET)


def sc_forward_reset(r, seed):
    """--forward: a client sends 100 KB and resets at once; the target
    must not see a whole stream end (end of file) unless it got every
    byte."""
    got = []
    ls = local_listener(4)

    def target():
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            got.append(read_cut(c))
            c.close()
    threading.Thread(target=target, daemon=True).start()
    p = r.start(["-v", "-lk", "127.0.0.1", "0", "--forward",
                 "127.0.0.1:%d" % ls.getsockname()[1]], None)
    port = r.port()
    data = payload(100000, seed)
    send_reset(socket.create_connection(("127.0.0.1", port),
                                        timeout=DEADLINE), data)
    end = time.monotonic() + DEADLINE
    while not got and time.monotonic() < end:
        time.sleep(0.01)
    ls.close()
    r.kill(p)
    if not got:
        raise Failure("the target never saw the connection end")
    expect_whole_end("the target", *got[0], data)


def sc_forward_target_reset(r, seed):
    """--forward: the target answers 100 KB and resets at once; the
    client must not see a whole end (end of file) unless it got every
    byte.  The target answers only once the client's connect() has
    returned: its handshake is over before sockcat accepts, but a client
    kept off the processor could otherwise be woken only after the
    reset, and connect() would fail with it, the client never reading."""
    data = payload(100000, seed)
    ls = local_listener(4)
    connected = threading.Event()

    def target():
        try:
            c, _ = ls.accept()
        except OSError:
            return
        connected.wait(DEADLINE)
        send_reset(c, data)
    threading.Thread(target=target, daemon=True).start()
    p = r.start(["-v", "-lk", "127.0.0.1", "0", "--forward",
                 "127.0.0.1:%d" % ls.getsockname()[1]], None)
    s = socket.create_connection(("127.0.0.1", r.port()), timeout=DEADLINE)
    connected.set()
    got, how = read_cut(s)
    s.close()
    ls.close()
    r.kill(p)
    expect_whole_end("the client", got, how, data)


def ws_frame(opcode, data):
    """A masked client frame."""
    mask = os.urandom(4)
    n = len(data)
    if n < 126:
        head = bytes([0x80 | opcode, 0x80 | n])
    elif n < 65536:
        head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def ws_messages(s, rest):
    """Read the server's frames until its close: the messages' bytes."""
    buf, msgs = rest, b""
    while True:
        while len(buf) < 2 or len(buf) < ws_need(buf):
            b = s.recv(65536)
            if not b:
                return msgs, False
            buf += b
        need = ws_need(buf)
        op, n, hl = buf[0] & 0x0f, ws_len(buf), need - ws_len(buf)
        data, buf = buf[hl:need], buf[need:]
        if op == 8:
            return msgs, True
        if op in (0, 1, 2):
            msgs += data


def ws_len(b):
    n = b[1] & 0x7f
    if n == 126:
        return int.from_bytes(b[2:4], "big")
    if n == 127:
        return int.from_bytes(b[2:10], "big")
    return n


def ws_need(b):
    n = b[1] & 0x7f
    hl = 2 + (2 if n == 126 else 8 if n == 127 else 0)
    if len(b) < hl:
        return hl + 1
    return hl + ws_len(b)


def sc_ws_server(r, seed):
    """-l --websocket: a client that sends its message and its close in
    one go; what stdin held goes before the server's close."""
    p = r.start(["-v", "-l", "--websocket", "127.0.0.1", "0"],
                b"greeting\n")
    s, rest = ws_upgrade(r.port())
    s.sendall(ws_frame(1, b"command") + ws_frame(8, b"\x03\xe8"))
    msgs, closed = ws_messages(s, rest)
    s.close()
    r.wait(p, "sockcat -l --websocket")
    # A line of text is one text message, without its newline, and a
    # text message a line.
    expect("client received", msgs, b"greeting")
    expect("sockcat's stdout", r.out(), b"command\n")


def ws_upgrade(port, rcvbuf=0):
    """A client connection to a WebSocket server, upgraded: (socket,
    what came after the answer's head); rcvbuf, its receive buffer."""
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(DEADLINE)
    s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n" % key).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        b = s.recv(4096)
        if not b:
            raise Failure("no upgrade: %r" % head)
        head += b
    head, rest = head.split(b"\r\n\r\n", 1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        raise Failure("no upgrade: %r" % head)
    return s, rest


def sc_ws_server_reset(r, seed):
    """-l --websocket -c yes: the client sends a message of 200 KB and
    resets at once, the program writing all the while: the reset is said,
    met by a read or by a write."""
    p = r.start(["-v", "-l", "--websocket", "-c", r.plain + "yes",
                 "127.0.0.1", "0"], None)
    s, _ = ws_upgrade(r.port())
    send_reset(s, ws_frame(2, payload(200000, seed)))
    r.failed(p, "sockcat -l --websocket -c",
             rb"(read from|write to) network: Connection reset by peer")


def send_queue(port, cport):
    """The bytes queued to send on the connection from port to cport
    (ss(8)'s Send-Q), or None without it."""
    out = subprocess.run(["ss", "-tnH", "state", "established",
                          "( sport = :%d and dport = :%d )" % (port, cport)],
                         capture_output=True, timeout=10).stdout.split()
    return int(out[1]) if len(out) >= 2 else None


def sc_ws_server_owed_reset(r, seed):
    """-l --websocket -c yes: a client that reads nothing resets once
    sockcat's send queue is full, frames owed behind it: the reset is
    said as a reset, whether the read or the write meets it (a flush of
    what is owed, at the read's start, took the socket's error, and the
    read said it as the WebSocket's own)."""
    p = r.start(["-v", "-l", "--websocket", "-c", r.plain + "yes",
                 "127.0.0.1", "0"], None)
    port = r.port()
    s, _ = ws_upgrade(port, rcvbuf=4096)
    # Full: the queue holds bytes and stops growing for longer than the
    # preempt library's delays, the program always having more (its
    # pipe and the frames owed hold them).
    end = time.monotonic() + DEADLINE
    seen = []
    while len(seen) < 6 or not seen[-1] or len(set(seen[-6:])) > 1:
        if time.monotonic() > end:
            raise Failure("sockcat's send queue never filled: %r" % seen[-6:])
        seen.append(send_queue(port, s.getsockname()[1]))
        time.sleep(0.01)
    send_reset(s, b"")
    r.failed(p, "sockcat -l --websocket -c",
             rb"(read from|write to) network: Connection reset by peer")


def ws_answer(head):
    """A server's answer to the upgrade request head: its 101."""
    key = re.search(rb"(?i)sec-websocket-key: *(\S+)", head).group(1)
    acc = base64.b64encode(hashlib.sha1(
        key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    return (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + acc +
            b"\r\n\r\n")


def ws_unmask(buf):
    """A client's frames in buf: (messages' bytes, closed, rest)."""
    msgs = b""
    while len(buf) >= 2 and len(buf) >= ws_need(buf) + 4:
        n = ws_len(buf)
        hl = ws_need(buf) - n
        mask = buf[hl:hl + 4]
        data = bytes(b ^ mask[i % 4] for i, b in
                     enumerate(buf[hl + 4:hl + 4 + n]))
        op = buf[0] & 0x0f
        buf = buf[hl + 4 + n:]
        if op == 8:
            return msgs, True, buf
        if op in (0, 1, 2):
            msgs += data
    return msgs, False, buf


def sc_ws_client(r, seed):
    """A ws:// client whose stdin ends as the server answers and closes in
    one go: the answer shown, what stdin held sent before the close.
    What stdin held is in its pipe, with its end, before the server
    answers: a peer's close with nothing from stdin on its way ends the
    session at once (a WebSocket has no half-close), so a stdin written
    late would test that instead."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    got = []
    fed = threading.Event()

    def serve():
        c, _ = ls.accept()
        c.settimeout(DEADLINE)
        head = b""
        while b"\r\n\r\n" not in head:
            head += c.recv(4096)
        head, buf = head.split(b"\r\n\r\n", 1)
        if not fed.wait(DEADLINE):
            return
        c.sendall(ws_answer(head) + bytes([0x81, 6]) + b"answer" +
                  bytes([0x88, 2]) + b"\x03\xe8")
        msgs = b""
        while True:
            m, closed, buf = ws_unmask(buf)
            msgs += m
            if closed:
                break
            b = c.recv(65536)
            if not b:
                break
            buf += b
        got.append(msgs)
        c.close()
    th = threading.Thread(target=serve, daemon=True)
    th.start()
    p = r.start(["ws://127.0.0.1:%d/" % ls.getsockname()[1]], b"hello\n",
                fed=fed)
    r.wait(p, "sockcat ws://")
    th.join(DEADLINE)
    ls.close()
    expect("sockcat's stdout", r.out(), b"answer\n")
    expect("server received", got[0] if got else b"", b"hello")


def sc_ws_client_reset(r, seed):
    """A ws:// client with stdin open: the server upgrades, sends a
    message of 100 KB and resets at once."""
    data = payload(100000, seed)
    ls = local_listener()

    def serve():
        try:
            c, _ = ls.accept()
            c.settimeout(DEADLINE)
            head = b""
            while b"\r\n\r\n" not in head:
                head += c.recv(4096)
        except OSError:
            return
        send_reset(c, ws_answer(head) + bytes([0x82, 127]) +
                   len(data).to_bytes(8, "big") + data)
    threading.Thread(target=serve, daemon=True).start()
    p = r.start(["-v", "ws://127.0.0.1:%d/" % ls.getsockname()[1]], HELD)
    r.failed(p, "sockcat ws://", RESET)
    ls.close()
    # A message is shown as a line.
    expect_start("sockcat's stdout", r.out(), data + b"\n")


SCENARIOS = {
    "listen-reverse-eof": sc_listen_reverse_eof,
    "listen-reverse-eof-N": sc_listen_reverse_eof_N,
    "listen-bulk": sc_listen_bulk,
    "client": sc_client,
    "exec": sc_exec,
    "exec-shell": sc_exec_shell,
    "fifo": sc_fifo,
    "chat": sc_chat,
    "broker": sc_broker,
    "room": sc_room,
    "forward": sc_forward,
    "pair": sc_pair,
    "local": sc_local,
    "udp-listen": sc_udp_listen,
    "udp-client": sc_udp_client,
    "ws-server": sc_ws_server,
    "ws-client": sc_ws_client,
    "listen-reset": sc_listen_reset,
    "client-reset": sc_client_reset,
    "exec-reset": sc_exec_reset,
    "forward-reset": sc_forward_reset,
    "ws-server-reset": sc_ws_server_reset,
    "ws-server-owed-reset": sc_ws_server_owed_reset,
    "forward-target-reset": sc_forward_target_reset,
    "ws-client-reset": sc_ws_client_reset,
    "broker-reset": sc_broker_reset,
    "room-reset": sc_room_reset,
    "chat-reset": sc_chat_reset,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sockcat")
    ap.add_argument("scenario")
    ap.add_argument("--orders", default="reverse," + ",".join(
        "seed:%d" % i for i in range(1, 9)))
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--preload", default="")
    a = ap.parse_args()
    if a.scenario == "list":
        print("\n".join(SCENARIOS))
        return 0
    fn = SCENARIOS[a.scenario]
    bad = 0
    n = 0
    for order in a.orders.split(","):
        for run in range(a.runs):
            with tempfile.TemporaryDirectory() as tmp:
                r = Run(a.sockcat, order, a.preload, tmp)
                seed = n * 7 + 3
                n += 1
                try:
                    fn(r, seed)
                except (Failure, OSError) as e:
                    bad += 1
                    print("%s: SC_EVENT_ORDER=%s run %d: %s" % (
                        a.scenario, order, run, e))
                finally:
                    r.stop()
    print("%s: %d of %d runs whole" % (a.scenario, n - bad, n))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
