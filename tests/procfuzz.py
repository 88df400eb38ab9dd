#!/usr/bin/env python3
"""Process-level fuzzing of sockcat's server modes.

The codec fuzz targets (tests/fuzz/) see one parser at a time; this sees
the whole process.  Each server mode is started, from the sanitizer build
by preference, and fed mutated sessions over its socket for a time:
sessions of real clients (tests/procfuzz/*.bin: HTTP requests and
WebSocket upgrades, WebSocket frames, SOCKS 4 and 5, HTTP CONNECT, PROXY
headers, TLS ClientHellos, room and chat lines), cut into pieces written
one by one, with pauses, over several connections at once, ended by a
close, a half-close or a reset.  Then a proper client must still be
served, the server must end on SIGTERM, and no sanitizer report may have
been written.

    procfuzz.py [--seed N] [--seconds S] [--jobs J] [--mode NAME]...
                [--list] SOCKCAT REPORTDIR

Everything random comes from the seed, printed first: the same seed and
mode give the same inputs (their timing against the server differs).
Each mode counts as one test; the last line is "# sockcat-tests:
passed=P failed=F skipped=S", as the suites end.  The time per mode is
--seconds, else $PROCFUZZ_SECONDS, else 5.

    procfuzz.py record OUT.bin PORT [TARGETPORT]

records the session of one real client as a corpus file: it listens on
127.0.0.1 PORT (0: any, printed), relays to TARGETPORT if given, and
writes what the client sent, one record per burst (a new record starts
each time the server has answered in between): a 4-byte big-endian
length, then the bytes.
"""

import argparse
import errno
import glob
import os
import random
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, 'procfuzz')
WS_KEY = b'dGhlIHNhbXBsZSBub25jZQ=='

# The modes: name, arguments before the address, the corpus families fed
# to it most, how a proper client is checked, and its transport.
# "echo" checks that a line comes back, "out" that it reaches the
# server's standard output; "socks5" and "connect" go through the proxy
# to the echo server; "ws-" first upgrades the connection.  {echo} is
# the port of a local echo server.
MODES = [
    ('plain', ['-lk'], ['line', 'http', 'tls', 'proxy'], 'out', 'tcp'),
    ('exec', ['-lk', '-e', '/bin/cat'], ['line', 'http'], 'echo', 'tcp'),
    ('broker', ['--broker'], ['room', 'line', 'http'], 'out', 'tcp'),
    ('room', ['--room'], ['room', 'line'], 'out', 'tcp'),
    ('forward', ['-lk', '--forward', '127.0.0.1:{echo}'],
     ['line', 'http'], 'echo', 'tcp'),
    ('forward-proxy2', ['-lk', '--forward', '127.0.0.1:{echo}',
                        '--send-proxy', '2'], ['proxy', 'line'], 'echo', 'tcp'),
    ('socks5', ['-lk', '--proxy-type', 'socks5'],
     ['socks5', 'socks4', 'connect'], 'socks5', 'tcp'),
    ('http-proxy', ['-lk', '--proxy-type', 'http'],
     ['connect', 'http', 'socks5'], 'connect', 'tcp'),
    ('chat', ['--chat', '-lk'], ['chat', 'line'], 'out', 'tcp'),
    ('ws-exec', ['-lk', '--websocket', '-e', '/bin/cat'],
     ['ws', 'http'], 'ws-echo', 'tcp'),
    ('ws-broker', ['--broker', '--websocket'], ['ws', 'http'], 'ws-out',
     'tcp'),
    ('ws-room', ['--room', '--websocket'], ['ws', 'http'], 'ws-out', 'tcp'),
    ('ws-forward', ['-lk', '--websocket', '--forward', '127.0.0.1:{echo}'],
     ['ws', 'http'], 'ws-echo', 'tcp'),
    ('ssl-exec', ['-lk', '--ssl', '-e', '/bin/cat'], ['line', 'http', 'tls'],
     'echo', 'tls'),
    ('ssl-broker', ['--broker', '--ssl'], ['room', 'tls'], 'out', 'tls'),
    ('ssl-room', ['--room', '--ssl'], ['room', 'tls'], 'out', 'tls'),
    ('ssl-forward', ['-lk', '--ssl', '--forward', '127.0.0.1:{echo}'],
     ['line', 'tls'], 'echo', 'tls'),
    ('ssl-socks5', ['-lk', '--ssl', '--proxy-type', 'socks5'],
     ['socks5', 'tls'], 'socks5', 'tls'),
    ('ssl-ws-exec', ['-lk', '--ssl', '--websocket', '-e', '/bin/cat'],
     ['ws', 'tls'], 'ws-echo', 'tls'),
    ('udp', ['-u', '-lk'], ['line', 'chat', 'room'], 'out', 'udp'),
]

INTERESTING = [b'\x00', b'\xff', b'\x7f', b'\x80', b'\xff\xff',
               b'\x00\x00', b'\xff\xff\xff\xff', b'\x7f\xff\xff\xff',
               b'\r\n', b'\n', b'\r\n\r\n', b'%s', b'%n', b':', b'/',
               b'-1', b'0', b'4294967296', b'18446744073709551616',
               b'99999999999999999999', b'\xc0\x80', b'\xed\xa0\x80',
               b'\xf4\x90\x80\x80', b' ', b'\t', b'[', b'::1', b'@']


def load_corpus():
    """{family: [[record, ...], ...]} from tests/procfuzz/FAMILY-*.bin."""
    corpus = {}
    for path in sorted(glob.glob(os.path.join(CORPUS, '*.bin'))):
        with open(path, 'rb') as f:
            data = f.read()
        recs, i = [], 0
        while i + 4 <= len(data):
            n = struct.unpack('>I', data[i:i + 4])[0]
            recs.append(data[i + 4:i + 4 + n])
            i += 4 + n
        if recs:
            fam = os.path.basename(path).split('-', 1)[0]
            corpus.setdefault(fam, []).append(recs)
    return corpus


class Mutator:
    """Mutations of byte strings, all drawn from one random.Random."""

    def __init__(self, rnd, corpus):
        self.r = rnd
        self.corpus = corpus
        self.flat = [b''.join(s) for f in corpus.values() for s in f]

    def bytes(self, data):
        r = self.r
        data = bytearray(data)
        for _ in range(r.choice([1, 1, 1, 2, 3, 5, 10])):
            op = r.randrange(12)
            n = len(data)
            pos = r.randrange(n + 1)
            if op == 0 and n:
                data[r.randrange(n)] ^= 1 << r.randrange(8)
            elif op == 1 and n:
                data[r.randrange(n)] = r.randrange(256)
            elif op == 2:
                data[pos:pos] = bytes(r.randrange(256)
                                      for _ in range(r.randrange(1, 16)))
            elif op == 3 and n:
                end = min(n, pos + r.randrange(1, 64))
                del data[pos:end]
            elif op == 4 and n:
                a = r.randrange(n)
                b = min(n, a + r.randrange(1, 128))
                data[pos:pos] = data[a:b] * r.randrange(1, 8)
            elif op == 5:
                data[pos:pos] = r.choice(INTERESTING)
            elif op == 6:
                del data[pos:]
            elif op == 7 and self.flat:
                other = r.choice(self.flat)
                a = r.randrange(len(other) + 1)
                data[pos:pos] = other[a:a + r.randrange(1, 256)]
            elif op == 8:
                # Long runs: past line, header and name limits.
                data[pos:pos] = (r.choice([b'A', b'\n', b'/', b'\x00',
                                           b'%', b' '])
                                 * r.choice([255, 256, 1024, 4096, 4097,
                                             8193, 70000]))
            elif op == 9 and n:
                # A number made large, negative or odd.
                for i in range(pos, min(n, pos + 64)):
                    if 0x30 <= data[i] <= 0x39:
                        data[i:i + 1] = r.choice([b'9' * 20, b'-1', b'0',
                                                  b'65536', b'0x10'])
                        break
            elif op == 10 and n >= 2:
                # A two-byte big-endian field (lengths in SOCKS, PROXY
                # v2, TLS, WebSocket) set to an edge value.
                i = r.randrange(n - 1)
                data[i:i + 2] = struct.pack('>H', r.choice(
                    [0, 1, 125, 126, 127, 255, 256, 0x7fff, 0xffff]))
            elif op == 11 and n:
                # Case flipped: header names, methods, commands.
                i = r.randrange(n)
                data[i:i + 8] = bytes(data[i:i + 8]).swapcase()
        return bytes(data)

    def session(self, recs):
        """Mutate one record (sometimes more) of a session, keeping the
        others, so that later steps are reached with earlier ones intact."""
        r = self.r
        recs = list(recs)
        if not recs:
            return recs
        k = r.random()
        if k < 0.1:
            return [self.bytes(b''.join(recs))]
        if k < 0.15:
            return recs
        for _ in range(r.choice([1, 1, 2])):
            i = r.randrange(len(recs))
            recs[i] = self.bytes(recs[i])
        if r.random() < 0.1:
            recs = recs * r.randrange(2, 4)
        if r.random() < 0.1 and 'proxy' in self.corpus:
            recs = [b''.join(r.choice(self.corpus['proxy']))] + recs
        return recs

    def ws_frame(self):
        """A WebSocket frame made up: any opcode, flags, length form,
        masked or not, its payload's length true or not."""
        r = self.r
        op = r.choice([0, 1, 2, 8, 9, 10, 3, 7, 11, 15])
        b0 = op | (0x80 if r.random() < 0.8 else 0) | \
            (r.choice([0x10, 0x20, 0x40]) if r.random() < 0.1 else 0)
        payload = bytes(r.randrange(256) for _ in range(
            r.choice([0, 1, 2, 5, 125, 126, 200, 1000])))
        if op == 1 and r.random() < 0.5:
            payload = r.choice([b'hello\n', b'\xff\xfe', b'\xe2\x82',
                                'caf\u00e9\n'.encode(), b'/who\n'])
        if op == 8 and r.random() < 0.7:
            payload = struct.pack('>H', r.choice(
                [1000, 1001, 1005, 1006, 1007, 1015, 999, 2999, 3000,
                 4999, 5000, 0])) + payload[:r.choice([0, 3, 123, 200])]
        n = len(payload)
        form = r.randrange(4)
        if form == 0 and n < 126:
            hdr = bytes([b0, n])
        elif form == 1 or (form == 0 and n < 65536):
            hdr = bytes([b0, 126]) + struct.pack('>H', n)
        elif form == 2:
            hdr = bytes([b0, 127]) + struct.pack('>Q', n)
        else:
            hdr = bytes([b0, 127]) + struct.pack('>Q', r.choice(
                [n + 1, 1 << 31, 1 << 63, (1 << 64) - 1, 1 << 24]))
        if r.random() < 0.9:
            mask = bytes(r.randrange(256) for _ in range(4))
            hdr = bytes([hdr[0], hdr[1] | 0x80]) + hdr[2:] + mask
            payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
        return hdr + payload


def ws_upgrade(path=b'/'):
    return (b'GET ' + path + b' HTTP/1.1\r\nHost: 127.0.0.1\r\n'
            b'Upgrade: websocket\r\nConnection: Upgrade\r\n'
            b'Sec-WebSocket-Key: ' + WS_KEY + b'\r\n'
            b'Sec-WebSocket-Version: 13\r\n\r\n')


def ws_frame(payload, opcode=1):
    """One masked frame from a client."""
    n = len(payload)
    if n < 126:
        hdr = bytes([0x80 | opcode, 0x80 | n])
    else:
        hdr = bytes([0x80 | opcode, 0x80 | 126]) + struct.pack('>H', n)
    mask = b'\x01\x02\x03\x04'
    return hdr + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload))


def ws_payloads(data):
    """The payloads of the unmasked frames at the start of data."""
    out, i = b'', 0
    while i + 2 <= len(data):
        n = data[i + 1] & 0x7f
        j = i + 2
        if n == 126:
            n = struct.unpack('>H', data[j:j + 2])[0]
            j += 2
        elif n == 127:
            n = struct.unpack('>Q', data[j:j + 8])[0]
            j += 8
        if j + n > len(data):
            break
        out += data[j:j + n]
        i = j + n
    return out


class EchoServer(threading.Thread):
    """A local echo server: the target of --forward and the proxies."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.echo, args=(c,), daemon=True).start()

    @staticmethod
    def echo(c):
        c.settimeout(30)
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                c.sendall(d)
        except OSError:
            pass
        finally:
            c.close()


class Fuzzer:
    """One mode: its server, its fuzzing connections, its checks."""

    def __init__(self, opts, mode, seed, corpus, echo, workdir):
        self.name, args, self.families, self.check, self.transport = mode
        self.args = [a.format(echo=echo.port) for a in args]
        self.opts = opts
        self.seed = seed
        self.corpus = corpus
        self.echo = echo
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir, exist_ok=True)
        self.failure = None
        self.sessions = 0
        self.proc = None
        self.port = None

    def log(self, msg):
        print('%s: %s' % (self.name, msg), flush=True)

    # The server.

    def start(self):
        env = dict(os.environ)
        rep = os.path.join(self.opts.reports, self.name)
        # Reports go to a file of this mode's; nothing is symbolized here,
        # tests/san-report.sh does it.
        env['ASAN_OPTIONS'] = ('log_path=%s.asan:detect_leaks=0:'
                               'abort_on_error=0:symbolize=0' % rep)
        env['UBSAN_OPTIONS'] = ('log_path=%s.ubsan:print_stacktrace=1:'
                                'halt_on_error=1:symbolize=0' % rep)
        cmd = [self.opts.sockcat, '-v'] + self.args + ['127.0.0.1', '0']
        self.cmd = cmd
        self.out = os.path.join(self.dir, 'out')
        self.err = os.path.join(self.dir, 'err')
        # stdin stays open and silent: end-of-file would end a chat.
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=open(self.out, 'wb'),
            stderr=open(self.err, 'wb'), env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(self.err, 'rb') as f:
                for line in f:
                    w = line.split()
                    if w[:2] in ([b'Listening', b'on'], [b'Bound', b'on']):
                        self.port = int(w[-1])
                        return True
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.fail('did not start: %s' % self.tail())
        return False

    def tail(self, n=15):
        try:
            with open(self.err, 'rb') as f:
                lines = f.read().decode(errors='replace').splitlines()
        except OSError:
            return ''
        return '\n    '.join([''] + lines[-n:])

    def fail(self, why):
        if self.failure is None:
            self.failure = why

    # The fuzzing connections.

    def pick(self, r):
        fams = [f for f in self.families if f in self.corpus]
        if r.random() < 0.85 and fams:
            fam = r.choice(fams)
        else:
            fam = r.choice(sorted(self.corpus))
        return fam, r.choice(self.corpus[fam])

    def connect(self, r):
        s = socket.socket()
        s.settimeout(5)
        s.connect(('127.0.0.1', self.port))
        if self.transport == 'tls' and r.random() < 0.7:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = ctx.wrap_socket(s)
        return s

    def steps(self, r, m):
        """The writes of one session."""
        fam, recs = self.pick(r)
        if self.check.startswith('ws-') and r.random() < 0.8:
            # Upgrade properly (mostly), then frames: from the corpus
            # (after its upgrade) or made up.
            up = ws_upgrade(r.choice([b'/', b'/x', b'/?a=b']))
            if r.random() < 0.15:
                up = m.bytes(up)
            frames = []
            if fam == 'ws' and len(recs) > 1 and r.random() < 0.5:
                frames = m.session(recs[1:])
            else:
                for _ in range(r.randrange(1, 12)):
                    frames.append(m.ws_frame())
            return [up] + frames
        return m.session(recs)

    def send(self, s, data, r, deadline):
        """Write data in pieces, with pauses; read what comes back."""
        i = 0
        while i < len(data) and time.monotonic() < deadline:
            n = r.choice([1, 2, 7, 64, 512, 4096, len(data)])
            chunk = data[i:i + n]
            s.sendall(chunk)
            i += len(chunk)
            p = r.random()
            if p < 0.02:
                # Slowloris: a long pause in the middle of something.
                time.sleep(r.uniform(0.5, 2.0))
            elif p < 0.3:
                time.sleep(r.uniform(0, 0.02))
            self.drain(s, 0)

    @staticmethod
    def drain(s, wait):
        try:
            if isinstance(s, ssl.SSLSocket) and s.pending():
                s.recv(65536)
            rl, _, _ = select.select([s], [], [], wait)
            if rl:
                s.setblocking(False)
                try:
                    return s.recv(65536)
                finally:
                    s.setblocking(True)
                    s.settimeout(5)
        except (OSError, ValueError, ssl.SSLError):
            pass
        return b''

    def one_tcp(self, r, m, deadline):
        steps = self.steps(r, m)
        s = self.connect(r)
        try:
            reads = r.random() < 0.8
            for st in steps:
                self.send(s, st, r, deadline)
                if reads:
                    self.drain(s, r.choice([0, 0.01, 0.05]))
            end = r.randrange(5)
            if end == 0:
                # A reset: SO_LINGER 0 makes close() send RST.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack('ii', 1, 0))
            elif end == 1:
                s.shutdown(socket.SHUT_WR)
                t = time.monotonic() + r.uniform(0, 1)
                while time.monotonic() < min(t, deadline):
                    if not self.drain(s, 0.05):
                        break
            elif end == 2:
                time.sleep(r.uniform(0, 0.3))
        finally:
            s.close()

    def one_udp(self, r, m, deadline):
        fam, recs = self.pick(r)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            for st in m.session(recs):
                if time.monotonic() >= deadline:
                    break
                for i in range(0, max(len(st), 1), 65000):
                    try:
                        s.sendto(st[i:i + 65000], ('127.0.0.1', self.port))
                    except OSError:
                        pass
                if r.random() < 0.2:
                    time.sleep(r.uniform(0, 0.05))
        finally:
            s.close()

    def worker(self, wseed, deadline):
        r = random.Random(wseed)
        m = Mutator(r, self.corpus)
        while time.monotonic() < deadline and self.failure is None:
            try:
                if self.transport == 'udp':
                    self.one_udp(r, m, deadline)
                else:
                    self.one_tcp(r, m, deadline)
            except (OSError, ssl.SSLError, ValueError) as e:
                # Refused while the server is alive means it stopped
                # accepting; anything else is the server's right.
                if isinstance(e, ConnectionRefusedError):
                    time.sleep(0.1)
            self.sessions += 1
            if self.proc.poll() is not None:
                self.fail('died while fuzzed (status %s)%s'
                          % (self.proc.returncode, self.tail()))

    # The checks.

    def client(self):
        """A proper client, for up to 60 seconds: None when served, else
        what went wrong.  The fuzzing runs at the lowest priority beside
        the suites, so a loaded machine may give the server little time:
        a generous bound costs nothing when it is served at once."""
        marker = b'procfuzz-check-%d' % random.Random(self.seed).randrange(
            1 << 30)
        line = marker + b'\n'
        deadline = time.monotonic() + 60
        why = 'not served'
        while time.monotonic() < deadline:
            try:
                why = self.client_once(marker, line)
            except (OSError, ssl.SSLError, ValueError, struct.error) as e:
                why = 'proper client: %r' % e
            if why is None:
                return None
            time.sleep(0.3)
        return why

    def client_once(self, marker, line):
        if self.transport == 'udp':
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(line, ('127.0.0.1', self.port))
            s.close()
            return self.wait_out(marker)
        s = socket.socket()
        s.settimeout(15)
        s.connect(('127.0.0.1', self.port))
        if self.transport == 'tls':
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = ctx.wrap_socket(s)
        try:
            if self.check.startswith('ws-'):
                s.sendall(ws_upgrade())
                head = b''
                while b'\r\n\r\n' not in head:
                    d = s.recv(4096)
                    if not d:
                        return 'WebSocket upgrade: connection closed'
                    head += d
                if not head.startswith(b'HTTP/1.1 101'):
                    return 'WebSocket upgrade: %r' % head[:80]
                rest = head.split(b'\r\n\r\n', 1)[1]
                s.sendall(ws_frame(line))
                if self.check == 'ws-out':
                    return self.wait_out(marker)
                return self.wait_in(s, marker, rest, ws=True)
            if self.check == 'socks5':
                s.sendall(b'\x05\x01\x00')
                if self.recv_n(s, 2) != b'\x05\x00':
                    return 'SOCKS5 greeting refused'
                s.sendall(b'\x05\x01\x00\x01\x7f\x00\x00\x01'
                          + struct.pack('>H', self.echo.port))
                rep = self.recv_n(s, 10)
                if rep[:2] != b'\x05\x00':
                    return 'SOCKS5 request refused: %r' % rep
            elif self.check == 'connect':
                s.sendall(b'CONNECT 127.0.0.1:%d HTTP/1.1\r\n'
                          b'Host: 127.0.0.1:%d\r\n\r\n'
                          % (self.echo.port, self.echo.port))
                head = b''
                while b'\r\n\r\n' not in head:
                    d = s.recv(1)
                    if not d:
                        return 'CONNECT: connection closed'
                    head += d
                if b' 200' not in head.split(b'\r\n')[0]:
                    return 'CONNECT refused: %r' % head[:80]
            s.sendall(line)
            if self.check == 'out':
                return self.wait_out(marker)
            return self.wait_in(s, marker, b'')
        finally:
            s.close()

    @staticmethod
    def recv_n(s, n):
        d = b''
        while len(d) < n:
            c = s.recv(n - len(d))
            if not c:
                break
            d += c
        return d

    def wait_in(self, s, marker, got, ws=False):
        t = time.monotonic() + 15
        while time.monotonic() < t:
            if marker in (ws_payloads(got) if ws else got):
                return None
            d = s.recv(65536)
            if not d:
                break
            got += d
        if marker in (ws_payloads(got) if ws else got):
            return None
        return 'proper client got no echo (got %r)' % got[-80:]

    def wait_out(self, marker):
        t = time.monotonic() + 15
        while time.monotonic() < t:
            with open(self.out, 'rb') as f:
                if marker in f.read():
                    return None
            time.sleep(0.05)
        return "proper client's line not on the server's output"

    def stop(self):
        """SIGTERM, as a user's Ctrl-C or a service manager would."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                self.fail('did not end on SIGTERM')
                return
            if self.proc.returncode not in (-signal.SIGTERM, 0):
                self.fail('ended on SIGTERM with status %d%s'
                          % (self.proc.returncode, self.tail()))
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def reports(self):
        rep = os.path.join(self.opts.reports, self.name)
        found = sorted(glob.glob(rep + '.asan.*') + glob.glob(rep + '.ubsan.*'))
        for path in found:
            with open(path, 'rb') as f:
                text = f.read().decode(errors='replace')
            self.log('sanitizer report %s:\n%s' % (path, text[:6000]))
        if found:
            self.fail('sanitizer report(s): %s' % ' '.join(found))
        with open(self.err, 'rb') as f:
            err = f.read()
        for word in (b'runtime error:', b'AddressSanitizer', b'double free',
                     b'free(): ', b'malloc(): ', b'assertion'):
            if word in err:
                self.fail('stderr says %r%s' % (word, self.tail()))

    def run(self):
        if not self.start():
            return False
        deadline = time.monotonic() + self.opts.seconds
        r = random.Random(self.seed)
        threads = []
        for _ in range(self.opts.conns):
            t = threading.Thread(target=self.worker,
                                 args=(r.randrange(1 << 62), deadline),
                                 daemon=True)
            t.start()
            threads.append(t)
        for t in threads:
            t.join(self.opts.seconds + 30)
            if t.is_alive():
                self.fail('a fuzzing connection did not end')
        if self.failure is None and self.proc.poll() is not None:
            self.fail('died while fuzzed (status %s)%s'
                      % (self.proc.returncode, self.tail()))
        if self.failure is None:
            why = self.client()
            if why is not None:
                self.fail('%s%s' % (why, self.tail()))
        self.stop()
        self.reports()
        return self.failure is None


def run(argv):
    ap = argparse.ArgumentParser(prog='procfuzz.py')
    ap.add_argument('--seed', type=int)
    ap.add_argument('--seconds', type=float,
                    default=float(os.environ.get('PROCFUZZ_SECONDS', 5)))
    ap.add_argument('--jobs', type=int, default=int(
        os.environ.get('PROCFUZZ_JOBS', 0)) or (os.cpu_count() or 1) * 2)
    ap.add_argument('--conns', type=int, default=6,
                    help='connections at once per mode')
    ap.add_argument('--mode', action='append', help='only this mode')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('sockcat', nargs='?')
    ap.add_argument('reports', nargs='?')
    opts = ap.parse_args(argv)
    if opts.list:
        for m in MODES:
            print(m[0], ' '.join(m[1]))
        return 0
    if not opts.sockcat or not opts.reports:
        ap.error('SOCKCAT and REPORTDIR are needed')
    if opts.seed is None:
        opts.seed = int.from_bytes(os.urandom(4), 'big')
    modes = [m for m in MODES if not opts.mode or m[0] in opts.mode]
    if opts.mode and len(modes) != len(set(opts.mode)):
        ap.error('unknown mode in %s' % opts.mode)
    corpus = load_corpus()
    os.makedirs(opts.reports, exist_ok=True)
    print('procfuzz: seed %d, %g s per mode, %d modes, %d at once '
          '(again: procfuzz.py --seed %d --seconds %g --mode NAME '
          'SOCKCAT DIR)' % (opts.seed, opts.seconds, len(modes), opts.jobs,
                            opts.seed, opts.seconds), flush=True)
    echo = EchoServer()
    echo.start()
    workdir = tempfile.mkdtemp(prefix='procfuzz.', dir=opts.reports)
    tls = subprocess.run([opts.sockcat, '--version'], capture_output=True,
                         text=True).stdout
    results = {}

    def one(mode):
        # Each mode's seed comes from the run's and its name alone, so
        # that one mode can be run again by itself.
        seed = random.Random('%d/%s' % (opts.seed, mode[0])).randrange(
            1 << 62)
        if mode[4] == 'tls' and 'TLS' not in tls and 'OpenSSL' not in tls:
            results[mode[0]] = 'SKIP'
            return
        f = Fuzzer(opts, mode, seed, corpus, echo, workdir)
        t0 = time.monotonic()
        ok = f.run()
        results[mode[0]] = 'PASS' if ok else 'FAIL'
        print('%s: procfuzz %s (%d sessions in %.0f s)%s'
              % (results[mode[0]], mode[0], f.sessions,
                 time.monotonic() - t0,
                 '' if ok else ': %s; cmd: %s' % (f.failure,
                                                   ' '.join(f.cmd))),
              flush=True)

    pending = list(modes)
    running = []
    while pending or running:
        running = [t for t in running if t.is_alive()]
        while pending and len(running) < opts.jobs:
            t = threading.Thread(target=one, args=(pending.pop(0),))
            t.start()
            running.append(t)
        time.sleep(0.1)
    passed = sum(1 for v in results.values() if v == 'PASS')
    failed = len(modes) - passed - sum(1 for v in results.values()
                                       if v == 'SKIP')
    skipped = sum(1 for v in results.values() if v == 'SKIP')
    if failed:
        print('procfuzz: seed %d failed; run one mode again with: '
              'tests/procfuzz.py --seed %d --seconds %g --mode NAME '
              '%s %s' % (opts.seed, opts.seed, opts.seconds, opts.sockcat,
                         opts.reports))
    print('# sockcat-tests: passed=%d failed=%d skipped=%d'
          % (passed, failed, skipped))
    return 1 if failed else 0


def record(argv):
    """Record one real client's session as a corpus file."""
    out, port = argv[0], int(argv[1])
    target = int(argv[2]) if len(argv) > 2 else None
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', port))
    ls.listen(1)
    print('recording on %d' % ls.getsockname()[1], flush=True)
    c, _ = ls.accept()
    up = socket.create_connection(('127.0.0.1', target)) if target else None
    recs, cur = [], b''
    socks = [c] + ([up] if up else [])
    while socks:
        rl, _, _ = select.select(socks, [], [], 10)
        if not rl:
            break
        for s in rl:
            try:
                d = s.recv(65536)
            except OSError:
                d = b''
            if s is c:
                if not d:
                    socks.remove(c)
                    if up in socks:
                        up.shutdown(socket.SHUT_WR)
                    continue
                cur += d
                if up:
                    up.sendall(d)
            else:
                if not d:
                    socks.remove(up)
                    if c in socks:
                        c.shutdown(socket.SHUT_WR)
                    continue
                if cur:
                    recs.append(cur)
                    cur = b''
                try:
                    c.sendall(d)
                except OSError:
                    socks = []
    if cur:
        recs.append(cur)
    with open(out, 'wb') as f:
        for rec in recs:
            f.write(struct.pack('>I', len(rec)) + rec)
    print('%s: %d records, %d bytes' % (out, len(recs),
                                        sum(len(x) for x in recs)))
    return 0


if __name__ == '__main__':
    if sys.argv[1:2] == ['record']:
        sys.exit(record(sys.argv[2:]))
    sys.exit(run(sys.argv[1:]))
