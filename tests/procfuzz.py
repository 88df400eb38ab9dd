#!/usr/bin/env python3
"""Process-level fuzzing of sockcat's server modes.

The codec fuzz targets (tests/fuzz/) see one parser at a time; this sees
the whole process.  Each server mode is started, from the sanitizer build
by preference, and fed mutated sessions over its socket for a time:
sessions of real clients (tests/procfuzz/*.bin: HTTP requests and
WebSocket upgrades, WebSocket frames, SOCKS 4 and 5, HTTP CONNECT, PROXY
headers, TLS ClientHellos, room and chat lines) and made ones (requests
for --ws-static's files, upgrades whose headers become CGI variables,
DTLS ClientHellos of sockcat's own client sent again with their cookie),
cut into pieces written one by one, with pauses, over several
connections at once, ended by a close, a half-close or a reset.  So are
the listening kinds of address pairs, and pairs whose other side is
another kind (ws://, tls:, udp:), crossing between streams, datagrams and
messages in one process.  A --reconnect client is fuzzed
from the other side: the fuzzer is its server, and answers each of its
connections (and WebSocket upgrades) with mutated sessions and ends
them; a pty: link and a serial: line (a pseudo-terminal standing in) are
written to.  Then a proper client must still be served (or the client
come back, or a line come back through the terminal), the process must
end on SIGTERM, and no sanitizer report may have been written.

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
import base64
import collections
import errno
import glob
import hashlib
import os
import pty
import random
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tty

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, 'procfuzz')
WS_KEY = b'dGhlIHNhbXBsZSBub25jZQ=='

# The code of the --secret modes: tests/procfuzz/tls-sockcat-secret.bin
# is a session of sockcat's client with it, so that its ClientHello has
# a binder that verifies before it is mutated; relay-sockcat.bin is what
# a --via client with it sends a relay: its request, then that
# ClientHello (relay-proxy-v1.bin and -v2.bin: a front's PROXY header
# first).
SECRET_CODE = '8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK'
# The code of the relay's proper clients: another, so that a fuzzed
# request left waiting under the corpus's name is never their peer.
RELAY_CODE = 'ZNDZ-M7ED-S7MT-5EJZ-RS2Y-YSJP-K6HD'

# The credentials of the modes that ask for them (--auth fz:pw,
# --auth-token fztok), as a proper client sends them.
AUTH_BASIC = b'Authorization: Basic ' + base64.b64encode(b'fz:pw') + b'\r\n'
AUTH_BEARER = b'Authorization: Bearer fztok\r\n'

# fz:pw as htpasswd -B -C 4 writes it, for the --auth-file mode: its
# answers are checked by bcrypt off the event loop.
AUTH_FILE = b'fz:$2y$04$procfuzzprocfuzzprocfu5zHMLyhTqjkFA9O0okGNUz1Kk0Y4N12\n'

# The modes: name, arguments before the address, the corpus families fed
# to it most, how a proper client is checked, and its transport.
# "echo" checks that a line comes back, "out" that it reaches the
# server's standard output; "socks5" and "connect" go through the proxy
# to the echo server; "ws-" first upgrades the connection; "http-get"
# fetches a file of --ws-static; "udp-echo" and "dtls-echo" a datagram
# back; "relay-pair" a line back between two of sockcat's --via clients
# that meet at the relay (with a code of their own: the corpus's
# requests are under SECRET_CODE's name); "secret-echo" a line back to
# sockcat's own --secret client (the
# fuzzing connections speak no TLS of their own: Python's has no TLS 1.3
# external PSK); "reconnect" a line each way on the client's next connection
# ("reconnect-ws" over a WebSocket); "link-echo" a line back through a
# pseudo-terminal.  {echo}, {uecho}, {wsecho} and {tlsecho} are the ports
# of local echo servers over TCP, UDP, WebSocket and TLS (the far sides of
# address pairs), {dir} the mode's own directory, {port} the port the
# fuzzer listens on (a client's server), {tty} the terminal of a
# stand-in serial line.  A sixth element, when there is one, says more:
# "addr": False, the arguments hold the address (an address pair, a
# client); "role": "client" (the fuzzer is its server) or "device" (the
# fuzzer writes to its terminal); "upgrade": "cgi", the upgrade requests
# are mutated too (their headers become CGI variables); "via": "ws",
# the relay's --via clients come by WebSocket (ws://); "auth": the
# header line of the credentials a proper client gives (which it sends
# from 127.0.0.2, an address of its own that the fuzzed sessions' wrong
# answers do not get limited); "front": the sessions come (mostly) from
# 127.0.0.3, a front the relay trusts, which says who its client is by a
# PROXY header first ("proxy") or a line added to the request
# ("header"), each mutated now and then (the proper clients come from
# 127.0.0.1, no front).
MODES = [
    ('plain', ['-lk'], ['line', 'http', 'tls', 'proxy'], 'out', 'tcp'),
    ('exec', ['-lk', '-e', '/bin/cat'], ['line', 'http'], 'echo', 'tcp'),
    ('broker', ['--broker', '--monitor'], ['room', 'line', 'http'], 'out',
     'tcp'),
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
    ('ws-broker', ['--broker', '--monitor', '--websocket'], ['ws', 'http'],
     'ws-out', 'tcp'),
    ('ws-room', ['--room', '--websocket'], ['ws', 'http'], 'ws-out', 'tcp'),
    ('ws-forward', ['-lk', '--websocket', '--forward', '127.0.0.1:{echo}'],
     ['ws', 'http'], 'ws-echo', 'tcp'),
    ('ssl-exec', ['-lk', '--ssl', '-e', '/bin/cat'], ['line', 'http', 'tls'],
     'echo', 'tls'),
    ('ssl-broker', ['--broker', '--monitor', '--ssl'], ['room', 'tls'], 'out',
     'tls'),
    ('ssl-room', ['--room', '--ssl'], ['room', 'tls'], 'out', 'tls'),
    ('ssl-forward', ['-lk', '--ssl', '--forward', '127.0.0.1:{echo}'],
     ['line', 'tls'], 'echo', 'tls'),
    ('ssl-socks5', ['-lk', '--ssl', '--proxy-type', 'socks5'],
     ['socks5', 'tls'], 'socks5', 'tls'),
    ('ssl-ws-exec', ['-lk', '--ssl', '--websocket', '-e', '/bin/cat'],
     ['ws', 'tls'], 'ws-echo', 'tls'),
    ('secret-exec', ['-lk', '--secret=' + SECRET_CODE, '-e', '/bin/cat'],
     ['tls', 'line', 'http'], 'secret-echo', 'tcp'),
    ('secret-forward', ['-lk', '--secret=' + SECRET_CODE, '--forward',
                        '127.0.0.1:{echo}'], ['tls', 'line'], 'secret-echo',
     'tcp'),
    ('relay', ['--relay'], ['relay', 'tls', 'line'], 'relay-pair', 'tcp'),
    ('ws-relay', ['--relay', '--websocket'], ['ws', 'relay', 'http'],
     'relay-pair', 'tcp', {'via': 'ws'}),
    ('relay-front', ['--relay', '--trust-front', 'proxy=127.0.0.3'],
     ['relay', 'tls', 'line'], 'relay-pair', 'tcp', {'front': 'proxy'}),
    ('ws-relay-front', ['--relay', '--websocket', '--trust-front',
                        'x-forwarded-for=127.0.0.3', '--trust-front',
                        'forwarded=127.0.0.3'],
     ['ws', 'relay', 'http'], 'relay-pair', 'tcp',
     {'via': 'ws', 'front': 'header'}),
    ('udp', ['-u', '-lk'], ['line', 'chat', 'room'], 'out', 'udp'),
    ('ws-static', ['-lk', '--websocket', '--ws-static', '{dir}/www'],
     ['static', 'http', 'ws'], 'http-get', 'tcp'),
    ('ws-cgi', ['-lk', '--websocket', '-c', 'env; exec cat'],
     ['cgi', 'ws', 'http'], 'ws-echo', 'tcp', {'upgrade': 'cgi'}),
    ('ws-auth-exec', ['-lk', '--websocket', '--auth', 'fz:pw',
                      '--auth-token', 'fztok', '-e', '/bin/cat'],
     ['auth', 'ws', 'http'], 'ws-echo', 'tcp', {'auth': AUTH_BASIC}),
    ('ws-auth-static', ['-lk', '--websocket', '--ws-static', '{dir}/www',
                        '--auth', 'fz:pw'],
     ['auth', 'static', 'http'], 'http-get', 'tcp', {'auth': AUTH_BASIC}),
    ('ws-auth-room', ['--room', '--websocket', '--auth-token', 'fztok'],
     ['auth', 'ws'], 'ws-out', 'tcp', {'auth': AUTH_BEARER}),
    ('ws-auth-file-room', ['--room', '--websocket', '--auth-file',
                           '{dir}/users'],
     ['auth', 'ws'], 'ws-out', 'tcp', {'auth': AUTH_BASIC}),
    ('http-proxy-auth', ['-lk', '--proxy-type', 'http', '--proxy-auth',
                         'fz:pw'],
     ['auth', 'connect', 'http'], 'connect', 'tcp',
     {'auth': b'Proxy-' + AUTH_BASIC}),
    ('pair-tcp-l', ['tcp-l:127.0.0.1:0', 'tcp:127.0.0.1:{echo}'],
     ['line', 'http', 'proxy'], 'echo', 'tcp', {'addr': False}),
    ('pair-udp-l', ['udp-l:127.0.0.1:0', 'udp:127.0.0.1:{uecho}'],
     ['line', 'chat', 'room'], 'udp-echo', 'udp', {'addr': False}),
    ('pair-unix-l', ['unix-l:{dir}/s.sock', 'tcp:127.0.0.1:{echo}'],
     ['line', 'http'], 'echo', 'unix', {'addr': False}),
    ('pair-tls-l', ['tls-l:127.0.0.1:0', 'tcp:127.0.0.1:{echo}'],
     ['line', 'http', 'tls'], 'echo', 'tls', {'addr': False}),
    ('pair-ws-l', ['ws-l:127.0.0.1:0', 'tcp:127.0.0.1:{echo}'],
     ['ws', 'http'], 'ws-echo', 'tcp', {'addr': False}),
    ('pair-tcp-l-ws', ['tcp-l:127.0.0.1:0', 'ws://127.0.0.1:{wsecho}/'],
     ['line', 'http', 'ws'], 'echo', 'tcp', {'addr': False}),
    ('pair-tcp-l-tls', ['tcp-l:127.0.0.1:0', 'tls:127.0.0.1:{tlsecho}'],
     ['line', 'http', 'tls'], 'echo', 'tcp', {'addr': False}),
    ('pair-udp-l-ws', ['udp-l:127.0.0.1:0', 'ws://127.0.0.1:{wsecho}/'],
     ['line', 'chat', 'room'], 'udp-echo', 'udp', {'addr': False}),
    ('pair-ws-l-udp', ['ws-l:127.0.0.1:0', 'udp:127.0.0.1:{uecho}'],
     ['ws', 'http'], 'ws-echo', 'tcp', {'addr': False}),
    ('dtls', ['-u', '--ssl', '-lk', '-e', '/bin/cat'], ['dtls', 'line'],
     'dtls-echo', 'dtls'),
    ('reconnect', ['--reconnect', '--retry-interval', '50ms', '127.0.0.1',
                   '{port}'], ['line', 'http', 'chat', 'tls'], 'reconnect',
     'tcp', {'addr': False, 'role': 'client'}),
    ('reconnect-ws', ['--reconnect', '--retry-interval', '50ms',
                      'ws://127.0.0.1:{port}/'], ['ws', 'http', 'line'],
     'reconnect-ws', 'tcp', {'addr': False, 'role': 'client'}),
    ('pty', ['pty:{dir}/link', 'tcp:127.0.0.1:{echo}'],
     ['line', 'chat', 'room', 'http'], 'link-echo', 'link',
     {'addr': False, 'role': 'device'}),
    ('serial', ['serial:{tty},115200', 'tcp:127.0.0.1:{echo}'],
     ['line', 'chat', 'room', 'http'], 'link-echo', 'serial',
     {'addr': False, 'role': 'device'}),
]

# Sessions made here rather than recorded: requests for the files of
# --ws-static (paths that climb, encode, end oddly; ranges; methods), and
# WebSocket upgrades whose headers become a program's CGI variables.
STATIC_FILE = b'procfuzz static file\n'


def synth_corpus():
    static = []
    for method in (b'GET', b'HEAD', b'POST', b'OPTIONS', b'PUT', b'DELETE',
                   b'TRACE', b'CONNECT', b'get', b'GET\x00'):
        for path in (b'/', b'/a.txt', b'/sub/', b'/sub/b.bin', b'/out',
                     b'/.hidden', b'/%2e%2e/etc/passwd', b'/sub/../a.txt',
                     b'//a.txt', b'/a.txt?x=1#f', b'/%61.txt', b'/a%00.txt',
                     b'/sub%2fb.bin', b'a.txt', b'*', b'http://x/a.txt',
                     b'/' + b'a/' * 300, b'/\xff\xfe', b'/sub/b.bin/'):
            static.append([method + b' ' + path + b' HTTP/1.1\r\n'
                           b'Host: 127.0.0.1\r\n\r\n'])
    for rng in (b'bytes=0-3', b'bytes=-5', b'bytes=5-', b'bytes=0-0,2-3',
                b'bytes=99999-', b'bytes=3-1', b'bytes=-0',
                b'bytes=0-18446744073709551616', b'lines=1-2', b''):
        static.append([b'GET /sub/b.bin HTTP/1.1\r\nHost: x\r\nRange: ' +
                       rng + b'\r\nIf-Range: x\r\n\r\n'])
    static.append([b'GET /a.txt HTTP/1.0\r\n\r\n',
                   b'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n'])
    static.append([b'POST /a.txt HTTP/1.1\r\nHost: x\r\n'
                   b'Content-Length: 5\r\n\r\nhello'])
    cgi = []
    for host in (b'example.org', b'example.org:8080', b'[::1]:80', b'[::1',
                 b'[' + b'a' * 5000, b'[' + b'a' * 4095, b'', b':', b'[]',
                 b'x' * 9000, b'a:b:c', b'\x1b]0;t\x07'):
        cgi.append([ws_upgrade(b'/cgi?q=%41&r=' + b'x' * 100,
                               b'Host: ' + host + b'\r\n')])
    for extra in (b'X-A_B: 1\r\n', b'X.B: 2\r\n', b'Proxy: http://x\r\n',
                  b'X-Dup: 1\r\nX-Dup: 2\r\n', b'Cookie: a=b; c=d\r\n',
                  b'X-Long: ' + b'L' * 4200 + b'\r\n',
                  b'X-Ctl: a\x01b\x7fc\r\n', b': empty\r\n',
                  b'Content-Length: 3\r\n', b'Origin: http://o\r\n',
                  b'Sec-WebSocket-Protocol: a, b\r\n',
                  b'User-Agent: \xff\xfe\r\n'):
        cgi.append([ws_upgrade(b'/p%2fq%00?x', extra)])
    auth = []
    b64 = base64.b64encode
    values = [b'Basic ', b'Basic', b'Basic ====', b'Basic =', b'Basic Zm96',
              b'Basic ' + b64(b'fz:pw'), b'basic ' + b64(b'fz:pw'),
              b'Basic ' + b64(b'fz:pw') + b'=', b'Basic ' + b64(b'fz\0:pw'),
              b'Basic ' + b64(b'fz:pw\0x'), b'Basic ' + b64(b':'),
              b'Basic ' + b64(b'\x1b[31m:x'), b'Basic ' + b64(b'a' * 300 +
              b':' + b'b' * 300), b'Basic ' + b'A' * 9000, b'Basic Zm9*Og==',
              b'Basic Z===', b'Basic ' + b64(b'fz:pw')[:-1],
              b'Bearer ', b'Bearer fztok', b'Bearer fztok ', b'Bearer  fztok',
              b'bearer fztok', b'Bearer ' + b'x' * 5000, b'Bearer \x00',
              b'Negotiate abc', b'NTLM TlRMTVNTUAAB', b'Digest',
              b'Digest ', b'Digest ,,,,', b'Digest a', b'Digest a=',
              b'Digest username="fz', b'Digest username="\\"',
              b'Digest username=fz, realm=sockcat, nonce=' + b'0' * 56 +
              b', uri=/, response=' + b'0' * 64 + b', algorithm=SHA-256',
              b'Digest username="fz", realm="sockcat", nonce="' +
              b'f' * 16 + b'0' * 8 + b'a' * 32 + b'", uri="/", qop=auth, '
              b'nc=00000001, cnonce="x", response="' + b'1' * 32 + b'"',
              b'Digest username="fz", realm="sockcat", nonce="' +
              b'g' * 56 + b'", uri="/", qop=auth, nc=zzzzzzzz, '
              b'cnonce="x", response="x"',
              b'Digest username="fz", realm="sockcat", nonce="' + b'0' * 55 +
              b'", uri="/", qop=auth-int, nc=ffffffff, response="x"',
              b'Digest username="fz", realm="other", nonce="x", uri="/x", '
              b'algorithm=SHA-512-256, response="x"',
              b'Digest ' + b'a="b", ' * 800,
              b'Digest username="' + b'u' * 4000 + b'", realm="sockcat"']
    for v in values:
        auth.append([ws_upgrade(b'/', b'Host: 127.0.0.1\r\n'
                                b'Authorization: ' + v + b'\r\n')])
        auth.append([b'CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: x\r\n'
                     b'Proxy-Authorization: ' + v + b'\r\n\r\n'])
        auth.append([b'GET /a.txt HTTP/1.1\r\nHost: x\r\n'
                     b'Authorization: ' + v + b'\r\n\r\n'])
    for q in (b'/?token=', b'/?token=fztok', b'/?token=fztok&token=x',
              b'/?a&token', b'/?token=' + b'x' * 5000, b'/#?token=fztok',
              b'/?&&&token=fztok#', b'/?token=fz%74ok', b'/?token=fztok\x00',
              b'/a.txt?token=fztok', b'/?' + b'token=' * 700):
        auth.append([ws_upgrade(q)])
    auth.append([ws_upgrade(b'/', b'Host: x\r\nAuthorization: Basic a\r\n'
                            b'Authorization: Bearer fztok\r\n')])
    return {'static': static, 'cgi': cgi, 'auth': auth}

# What a trusted front says of its client (the "front" modes): PROXY
# headers of both versions, and the lines a web server adds to a request.
PP2_SIG = b'\r\n\r\n\x00\r\nQUIT\n'
FRONT_HEADERS = [
    b'PROXY TCP4 203.0.113.7 127.0.0.1 40000 7373\r\n',
    b'PROXY TCP6 2001:db8::7 ::1 40000 7373\r\n',
    b'PROXY UNKNOWN\r\n',
    b'PROXY TCP4 203.0.113.7 127.0.0.1 40000 7373\n',
    PP2_SIG + b'\x21\x11\x00\x0c' + socket.inet_aton('203.0.113.7') +
    socket.inet_aton('127.0.0.1') + struct.pack('>HH', 40000, 7373),
    PP2_SIG + b'\x21\x21\x00\x2c' +
    socket.inet_pton(socket.AF_INET6, '2001:db8::7') +
    socket.inet_pton(socket.AF_INET6, '::1') +
    struct.pack('>HH', 40000, 7373) + b'\x04\x00\x05hello',
    PP2_SIG + b'\x20\x00\x00\x00',
    PP2_SIG + b'\x21\x31\x00\xd8' + b'\x00' * 216,
    PP2_SIG + b'\x21\x11\xff\xff' + b'\x01' * 12,
]
FRONT_LINES = [
    b'X-Forwarded-For: 203.0.113.7',
    b'X-Forwarded-For: 1.2.3.4, [2001:db8::7]:80',
    b'X-Forwarded-For: 192.0.2.1,,, ',
    b'X-Forwarded-For: unknown',
    b'Forwarded: for=203.0.113.8;proto=https',
    b'Forwarded: for="[2001:db8::8]:4711", for=_hidden',
    b'Forwarded: for="\\"x", by=1.2.3.4',
    b'Forwarded: ' + b'for=1.2.3.4, ' * 500,
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
    corpus.update(synth_corpus())
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


def ws_upgrade(path=b'/', headers=b'Host: 127.0.0.1\r\n'):
    return (b'GET ' + path + b' HTTP/1.1\r\n' + headers +
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
    """A local echo server: the target of --forward and the proxies; with
    a WebSocket upgrade first (kind "ws": each message back as a binary
    one), or over TLS (an ssl.SSLContext as kind): the far sides of
    address pairs."""

    def __init__(self, kind='tcp'):
        super().__init__(daemon=True)
        self.kind = kind
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        # A datagram listener opens a connection here for each peer,
        # and the fuzzer's peers are thousands: the oldest connections
        # are ended to keep the threads (one each) few.  Thousands of
        # them starved every mode of this process for minutes when the
        # server under test exited and all woke at once.
        self.lock = threading.Lock()
        self.live = collections.OrderedDict()

    MAX_CONNS = 64

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                while len(self.live) >= self.MAX_CONNS:
                    old, _ = self.live.popitem(last=False)
                    try:
                        # The plain socket's, under a TLS one too: its
                        # thread's read ends, and it closes.
                        socket.socket.shutdown(old, socket.SHUT_RDWR)
                    except OSError:
                        pass
                self.live[c] = True
            threading.Thread(target=self.serve, args=(c,),
                             daemon=True).start()

    def serve(self, c):
        c.settimeout(30)
        raw = c
        try:
            if isinstance(self.kind, ssl.SSLContext):
                c = self.kind.wrap_socket(c, server_side=True)
                with self.lock:
                    if self.live.pop(raw, None):
                        self.live[c] = True
            if self.kind == 'ws':
                self.ws_echo(c)
            else:
                self.echo(c)
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            with self.lock:
                self.live.pop(raw, None)
                self.live.pop(c, None)
            c.close()

    @staticmethod
    def ws_echo(c):
        """Answer the upgrade, then send each message's payload back."""
        data = b''
        while b'\r\n\r\n' not in data:
            d = c.recv(4096)
            if not d or len(data) > 16384:
                c.close()
                return
            data += d
        head, data = data.split(b'\r\n\r\n', 1)
        c.sendall(b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: '
                  b'websocket\r\nConnection: Upgrade\r\n'
                  b'Sec-WebSocket-Accept: ' + ws_accept(head) + b'\r\n\r\n')
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                data += d
                used, payloads, closed = ws_take_frames(data)
                data = data[used:]
                for p in payloads:
                    c.sendall(ws_server_frame(p, 2))
                if closed:
                    c.sendall(bytes([0x88, 0]))
                    break
        finally:
            c.close()

    @staticmethod
    def echo(c):
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


def tls_context(workdir):
    """A server's TLS context, with a certificate of its own made by
    openssl(1) for the run."""
    cert = os.path.join(workdir, 'echo.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                    'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
                    '-subj', '/CN=localhost', '-keyout', cert, '-out', cert],
                   check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert)
    return ctx


class UdpEchoServer(threading.Thread):
    """A local UDP echo server: the target of an address pair's udp:."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.port = self.sock.getsockname()[1]

    def run(self):
        while True:
            try:
                d, a = self.sock.recvfrom(65536)
                self.sock.sendto(d, a)
            except OSError:
                pass


def ws_accept(head):
    """The Sec-WebSocket-Accept that answers the request head."""
    key = b''
    for line in head.split(b'\r\n'):
        if line.lower().startswith(b'sec-websocket-key:'):
            key = line.split(b':', 1)[1].strip()
    return base64.b64encode(hashlib.sha1(
        key + b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest())


def ws_server_frame(payload, opcode=1):
    """One unmasked frame from a server."""
    n = len(payload)
    if n < 126:
        return bytes([0x80 | opcode, n]) + payload
    if n < 65536:
        return bytes([0x80 | opcode, 126]) + struct.pack('>H', n) + payload
    return bytes([0x80 | opcode, 127]) + struct.pack('>Q', n) + payload


def ws_take_frames(data):
    """The whole frames at the start of data, from a client: how many
    bytes they take, their payloads (data frames), whether a close came."""
    used, out, i = 0, [], 0
    while i + 2 <= len(data):
        op, n = data[i] & 0x0f, data[i + 1] & 0x7f
        j = i + 2
        if n == 126:
            if j + 2 > len(data):
                break
            n = struct.unpack('>H', data[j:j + 2])[0]
            j += 2
        elif n == 127:
            if j + 8 > len(data):
                break
            n = struct.unpack('>Q', data[j:j + 8])[0]
            j += 8
        mask = data[j:j + 4] if data[i + 1] & 0x80 else b'\0\0\0\0'
        j += 4 if data[i + 1] & 0x80 else 0
        if j + n > len(data):
            break
        p = bytes(c ^ mask[k % 4] for k, c in enumerate(data[j:j + n]))
        i = used = j + n
        if op == 8:
            return used, out, True
        if op < 8:
            out.append(p)
    return used, out, False


def ws_client_payloads(data):
    """The payloads, unmasked, of the (masked) frames at the start of
    data: what a client sent."""
    out, i = b'', 0
    while i + 2 <= len(data):
        n = data[i + 1] & 0x7f
        masked = data[i + 1] & 0x80
        j = i + 2
        if n == 126:
            n = struct.unpack('>H', data[j:j + 2])[0]
            j += 2
        elif n == 127:
            n = struct.unpack('>Q', data[j:j + 8])[0]
            j += 8
        mask = data[j:j + 4] if masked else b'\0\0\0\0'
        j += 4 if masked else 0
        if j + n > len(data):
            break
        out += bytes(c ^ mask[k % 4] for k, c in enumerate(data[j:j + n]))
        i = j + n
    return out


def dtls_cookie(data):
    """The cookie of a HelloVerifyRequest datagram, or None."""
    if len(data) < 13 + 12 + 3 or data[0] != 22 or data[13] != 3:
        return None
    body = data[25:]
    return body[3:3 + body[2]]


def dtls_with_cookie(ch, cookie):
    """The ClientHello datagram ch sent again with cookie, as its second
    message (message and record sequence 1)."""
    msg = ch[25:13 + struct.unpack('>H', ch[11:13])[0]]
    off = 2 + 32
    off += 1 + msg[off]
    msg = msg[:off] + bytes([len(cookie)]) + cookie + \
        msg[off + 1 + msg[off]:]
    n = struct.pack('>I', len(msg))[1:]
    hs = bytes([1]) + n + b'\x00\x01' + b'\x00\x00\x00' + n + msg
    return ch[:3] + b'\x00\x00' + b'\x00\x00\x00\x00\x00\x01' + \
        struct.pack('>H', len(hs)) + hs


class Fuzzer:
    """One mode: its server, its fuzzing connections, its checks."""

    def __init__(self, opts, mode, seed, corpus, echoes, workdir):
        self.name, self.rawargs, self.families, self.check, \
            self.transport = mode[:5]
        self.x = mode[5] if len(mode) > 5 else {}
        self.role = self.x.get('role', 'server')
        self.opts = opts
        self.seed = seed
        self.corpus = corpus
        self.echoes = echoes
        self.echo = echoes['echo']
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir, exist_ok=True)
        self.failure = None
        self.sessions = 0
        self.proc = None
        self.port = None
        self.path = None
        self.lsock = None
        self.master = self.slave = None
        self.hello = None
        self.established = False
        self.cmd = []

    def prepare(self):
        """What the mode needs before it starts: files to serve, a
        listening socket (a client's server), a stand-in serial line."""
        tty_name = ''
        if self.name in ('ws-static', 'ws-auth-static'):
            www = os.path.join(self.dir, 'www')
            os.makedirs(os.path.join(www, 'sub'), exist_ok=True)
            for name, data in (('index.html', b'<p>procfuzz</p>\n'),
                               ('a.txt', STATIC_FILE),
                               ('.hidden', b'hidden\n'),
                               ('sub/b.bin', bytes(range(256)))):
                with open(os.path.join(www, name), 'wb') as f:
                    f.write(data)
            if not os.path.lexists(os.path.join(www, 'out')):
                os.symlink('/etc/hostname', os.path.join(www, 'out'))
        if self.name == 'ws-auth-file-room':
            with open(os.path.join(self.dir, 'users'), 'wb') as f:
                f.write(AUTH_FILE)
        if self.role == 'client':
            self.lsock = socket.socket()
            self.lsock.bind(('127.0.0.1', 0))
            self.lsock.listen(16)
            self.port = self.lsock.getsockname()[1]
        if self.transport == 'serial':
            self.master, self.slave = pty.openpty()
            os.set_blocking(self.master, False)
            tty_name = os.ttyname(self.slave)
        ports = {k: v.port for k, v in self.echoes.items()}
        self.args = [a.format(dir=self.dir, port=self.port, tty=tty_name,
                              **ports) for a in self.rawargs]

    def log(self, msg):
        print('%s: %s' % (self.name, msg), flush=True)

    # The server.

    def env(self, who=''):
        """The environment of a sockcat of this mode's (who: a client
        the fuzzer runs beside the server, else the server)."""
        env = dict(os.environ)
        rep = os.path.join(self.opts.reports, self.name +
                           ('-' + who if who else ''))
        # Reports go to a file of this mode's; nothing is symbolized here,
        # tests/san-report.sh does it.
        env['ASAN_OPTIONS'] = ('log_path=%s.asan:detect_leaks=0:'
                               'abort_on_error=0:symbolize=0' % rep)
        env['UBSAN_OPTIONS'] = ('log_path=%s.ubsan:print_stacktrace=1:'
                                'halt_on_error=1:symbolize=0' % rep)
        return env

    def start(self):
        env = self.env()
        self.prepare()
        cmd = [self.opts.sockcat, '-v'] + self.args
        if self.x.get('addr', True):
            cmd += ['127.0.0.1', '0']
        self.cmd = cmd
        self.out = os.path.join(self.dir, 'out')
        self.err = os.path.join(self.dir, 'err')
        # stdin stays open and silent: end-of-file would end a chat.
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=open(self.out, 'wb'),
            stderr=open(self.err, 'wb'), env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.ready():
                return True
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.fail('did not start: %s' % self.tail())
        return False

    def ready(self):
        """Is the mode ready to be fuzzed?"""
        if self.role == 'client':
            return True
        if self.transport == 'link':
            return os.path.exists(os.path.join(self.dir, 'link'))
        if self.transport == 'serial':
            # The line is set raw once it is open.
            return not termios.tcgetattr(self.master)[3] & termios.ICANON
        with open(self.err, 'rb') as f:
            for line in f:
                w = line.split()
                if self.transport == 'unix' and \
                        w[:2] == [b'Listening', b'on']:
                    self.path = w[2].decode()
                    return True
                if w[:2] in ([b'Listening', b'on'], [b'Bound', b'on']) \
                        and self.transport != 'unix':
                    self.port = int(w[-1])
                    return True
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
        if self.transport == 'unix':
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(5)
            s.connect(self.path)
            return s
        s = socket.socket()
        s.settimeout(5)
        if 'front' in self.x and r.random() < 0.9:
            s.bind(('127.0.0.3', 0))
        elif 'auth' in self.x:
            # From many addresses: wrong answers from one are soon
            # refused unread (429), and the table of them is worked too.
            s.bind(('127.%d.%d.%d' % (r.randrange(1, 255),
                                      r.randrange(256),
                                      r.randrange(1, 255)), 0))
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
            if 'auth' in self.x and r.random() < 0.5:
                # Past the credentials, or hostile ones (the corpus's).
                up = ws_upgrade(r.choice([b'/', b'/x', b'/?a=b']),
                                b'Host: 127.0.0.1\r\n' + self.x['auth'])
                if r.random() < 0.4:
                    up = b''.join(m.session(r.choice(self.corpus['auth'])))
            if self.x.get('upgrade') == 'cgi' and r.random() < 0.6:
                up = b''.join(m.session(r.choice(self.corpus['cgi'])))
            elif r.random() < 0.15:
                up = m.bytes(up)
            frames = []
            if fam == 'ws' and len(recs) > 1 and r.random() < 0.5:
                frames = m.session(recs[1:])
            else:
                for _ in range(r.randrange(1, 12)):
                    frames.append(m.ws_frame())
            return self.front([up] + frames, r, m)
        return self.front(m.session(recs), r, m)

    def front(self, steps, r, m):
        """The "front" modes: what a front says of its client, before
        a session (a PROXY header) or in its request (a line)."""
        way = self.x.get('front')
        if way == 'proxy' and r.random() < 0.9:
            h = r.choice(FRONT_HEADERS)
            return [m.bytes(h) if r.random() < 0.3 else h] + steps
        if way == 'header' and steps and b'\r\n' in steps[0] and \
                r.random() < 0.8:
            line = r.choice(FRONT_LINES)
            line = m.bytes(line) if r.random() < 0.3 else line
            i = steps[0].index(b'\r\n') + 2
            steps = [steps[0][:i] + line + b'\r\n' + steps[0][i:]] + \
                steps[1:]
        return steps

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

    def capture_hello(self):
        """A DTLS ClientHello of sockcat's own client, for the dtls mode's
        sessions to start from (and mutate)."""
        cap = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        cap.bind(('127.0.0.1', 0))
        cap.settimeout(20)
        p = subprocess.Popen(
            [self.opts.sockcat, '-u', '--ssl', '127.0.0.1',
             str(cap.getsockname()[1])], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=self.env('hello'))
        try:
            self.hello = cap.recv(65536)
        except OSError:
            self.hello = None
        finally:
            p.kill()
            p.wait()
            cap.close()
        if self.hello is not None:
            self.corpus = dict(self.corpus)
            self.corpus['dtls'] = [[self.hello]]

    def one_dtls(self, r, m, deadline):
        """A DTLS session: a ClientHello (mutated now and then), the
        cookie sent back with it as a client does, then records that are
        mostly not what the server waits for."""
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(0.3)
        try:
            s.connect(('127.0.0.1', self.port))
            if r.random() < 0.2 or self.hello is None:
                for st in self.steps(r, m):
                    s.send(st[:65000])
                return
            ch = self.hello if r.random() < 0.7 else m.bytes(self.hello)
            s.send(ch)
            cookie = dtls_cookie(s.recv(65536))
            if cookie is None:
                return
            try:
                ch2 = dtls_with_cookie(self.hello, cookie)
            except (IndexError, struct.error):
                return
            s.send(ch2 if r.random() < 0.6 else m.bytes(ch2))
            flight = b''
            try:
                while len(flight) < 65536:
                    flight += s.recv(65536)
            except OSError:
                pass
            for _ in range(r.randrange(4)):
                if time.monotonic() >= deadline:
                    break
                what = r.random()
                if what < 0.4 and flight:
                    rec = m.bytes(flight[:r.randrange(1, len(flight) + 1)])
                elif what < 0.7:
                    rec = m.bytes(ch2)
                else:
                    # An alert, a ChangeCipherSpec, application data.
                    rec = bytes([r.choice([20, 21, 23, 24, 99])]) + \
                        ch2[1:11] + bytes([r.randrange(256)]) + \
                        struct.pack('>H', 2) + b'\x02\x28'
                s.send(rec[:65000])
        except OSError:
            pass
        finally:
            s.close()

    def one_accept(self, r, m, deadline):
        """The server of a --reconnect client: take its connection, say
        something (a WebSocket answer first, for a ws:// client, proper
        or not), read what it sends, and end the connection one way or
        another; the client comes back."""
        self.lsock.settimeout(1)
        try:
            c, _ = self.lsock.accept()
        except socket.timeout:
            return
        c.settimeout(2)
        try:
            out = []
            if self.check == 'reconnect-ws':
                head = b''
                while b'\r\n\r\n' not in head and len(head) < 65536:
                    d = c.recv(4096)
                    if not d:
                        return
                    head += d
                answer = (b'HTTP/1.1 101 Switching Protocols\r\n'
                          b'Upgrade: websocket\r\nConnection: Upgrade\r\n'
                          b'Sec-WebSocket-Accept: ' + ws_accept(head) +
                          b'\r\n\r\n')
                # The first upgrade is answered: a client whose first
                # connection fails gives up (its status 1), by design.
                if self.established and r.random() < 0.2:
                    answer = m.bytes(answer)
                self.established = True
                out.append(answer)
                for _ in range(r.randrange(1, 8)):
                    if r.random() < 0.5:
                        fam, recs = self.pick(r)
                        out.append(ws_server_frame(
                            b''.join(recs)[:r.choice([10, 100, 4000])],
                            r.choice([1, 1, 2, 9, 8])))
                    else:
                        out.append(m.ws_frame())
            else:
                out = self.steps(r, m)
            for st in out:
                self.send(c, st, r, deadline)
            end = r.randrange(4)
            if end == 0:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack('ii', 1, 0))
            elif end == 1:
                c.shutdown(socket.SHUT_WR)
                self.drain(c, r.uniform(0, 0.5))
            elif end == 2:
                self.drain(c, r.uniform(0, 0.3))
        finally:
            c.close()

    def feed(self, deadline):
        """What a --reconnect client's user types meanwhile: a little,
        now and then, never blocking (the client holds at most 64 KiB
        while it is disconnected)."""
        r = random.Random(self.seed + 1)
        fd = self.proc.stdin.fileno()
        os.set_blocking(fd, False)
        while time.monotonic() < deadline and self.failure is None:
            try:
                os.write(fd, b'typed %d\n' % r.randrange(1 << 20))
            except (BlockingIOError, BrokenPipeError):
                pass
            time.sleep(r.uniform(0.05, 0.5))

    def link_fd(self):
        """A descriptor of the terminal the fuzzer writes to: the pty:
        link opened anew, or the stand-in serial line's master."""
        if self.transport == 'serial':
            return self.master
        fd = os.open(os.path.join(self.dir, 'link'),
                     os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        return fd

    def one_link(self, r, m, deadline):
        """Bytes written to a pseudo-terminal sockcat relays (a pty:
        link, a serial: line), in pieces, what comes back read; now and
        then a link's modes are changed under it, as a program on the
        link may change them (never to echo: the echo server's answer
        would come back for ever), and a line is sent a break."""
        fd = self.link_fd()
        try:
            for st in self.steps(r, m):
                i = 0
                while i < len(st) and time.monotonic() < deadline:
                    try:
                        i += os.write(fd, st[i:i + r.choice([1, 16, 512,
                                                             4096])])
                    except BlockingIOError:
                        time.sleep(0.01)
                    except OSError:
                        return
                    self.drain_fd(fd)
                # A line's far end cannot change its modes; a program on
                # a pty: link can.
                if r.random() < 0.1 and self.transport == 'link':
                    try:
                        a = termios.tcgetattr(fd)
                        a[2] ^= r.choice([termios.PARENB, termios.CSTOPB,
                                          termios.CRTSCTS, 0])
                        a[3] = (a[3] & ~termios.ECHO) ^ r.choice(
                            [termios.ICANON, termios.ISIG, 0])
                        a[1] ^= r.choice([termios.OPOST, 0])
                        a[4] = a[5] = r.choice([termios.B9600,
                                                termios.B115200])
                        termios.tcsetattr(fd, termios.TCSANOW, a)
                    except termios.error:
                        pass
                if r.random() < 0.02 and self.transport == 'serial':
                    try:
                        termios.tcsendbreak(fd, 0)
                    except termios.error:
                        pass
            self.drain_fd(fd)
        finally:
            if fd != self.master:
                os.close(fd)

    @staticmethod
    def drain_fd(fd):
        try:
            return os.read(fd, 65536)
        except OSError:
            return b''

    def worker(self, wseed, deadline):
        r = random.Random(wseed)
        m = Mutator(r, self.corpus)
        while time.monotonic() < deadline and self.failure is None:
            try:
                if self.role == 'client':
                    self.one_accept(r, m, deadline)
                elif self.role == 'device':
                    self.one_link(r, m, deadline)
                elif self.transport == 'dtls':
                    self.one_dtls(r, m, deadline)
                elif self.transport == 'udp':
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

    def starved(self, seen):
        """The seconds the server's threads and ours have waited to run
        (run_delay, /proc/PID/task/TID/schedstat) since the first call
        with seen, a dict of each thread's last value.  A thread that
        ends keeps what it waited: a sum over the threads alive at each
        call went back when the other modes' threads ended, and a check
        that should have had minutes gave up after seconds."""
        first = not seen
        for pid in (self.proc.pid, os.getpid()):
            for path in glob.glob('/proc/%d/task/*/schedstat' % pid):
                try:
                    with open(path) as f:
                        ns = int(f.read().split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                prev = seen.get(path)
                if prev is None or prev > ns:
                    # A new thread (or a new one under an old number).
                    prev = ns if first else 0
                seen['waited'] = seen.get('waited', 0) + ns - prev
                seen[path] = ns
        return seen.get('waited', 0) / 1e9

    def client(self):
        """A proper client, for up to 60 seconds in which the server and
        this process could run: None when served, else what went wrong.
        The fuzzing runs at the lowest priority beside the suites, and
        beside both cores busy it gets a hundredth of them: the time
        spent waiting for a processor is not the server's to answer for
        (up to 300 seconds in all).  A server that hangs is still found
        out, in 60 seconds where it could run."""
        marker = b'procfuzz-check-%d' % random.Random(self.seed).randrange(
            1 << 30)
        line = marker + b'\n'
        start, seen = time.monotonic(), {}
        self.starved(seen)
        why = 'not served'
        while time.monotonic() - start < min(60 + self.starved(seen), 300):
            try:
                why = self.client_once(marker, line)
            except (OSError, ssl.SSLError, ValueError, struct.error) as e:
                why = 'proper client: %r' % e
            if why is None:
                return None
            time.sleep(0.3)
        return '%s (tried for %.0f s, %.0f s of it waiting to run)' % (
            why, time.monotonic() - start, self.starved(seen))

    def client_once(self, marker, line):
        if self.check == 'http-get':
            return self.http_get()
        if self.check == 'udp-echo':
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(5)
            try:
                s.sendto(line, ('127.0.0.1', self.port))
                if marker not in s.recv(65536):
                    return 'proper datagram not echoed'
                return None
            finally:
                s.close()
        if self.check == 'relay-pair':
            return self.relay_pair(marker, line)
        if self.check == 'secret-echo':
            p = subprocess.run(
                [self.opts.sockcat, '--secret=' + SECRET_CODE, '-N', '-q', '5',
                 '-w', '15', '127.0.0.1', str(self.port)], input=line,
                capture_output=True, timeout=30, env=self.env('client'))
            if marker not in p.stdout:
                return '--secret client got no echo (status %d: %r)' % (
                    p.returncode, p.stderr[-200:])
            return None
        if self.check == 'dtls-echo':
            p = subprocess.run(
                [self.opts.sockcat, '-u', '--ssl', '-W', '1', '-w', '15',
                 '127.0.0.1', str(self.port)], input=line,
                capture_output=True, timeout=30, env=self.env('client'))
            if marker not in p.stdout:
                return 'DTLS client got no echo (status %d: %r)' % (
                    p.returncode, p.stderr[-200:])
            return None
        if self.check.startswith('reconnect'):
            return self.reconnected(marker, line)
        if self.check == 'link-echo':
            return self.link_echo(marker, line)
        if self.transport == 'udp':
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(line, ('127.0.0.1', self.port))
            s.close()
            return self.wait_out(marker)
        if self.transport == 'unix':
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(15)
            s.connect(self.path)
        else:
            s = socket.socket()
            s.settimeout(15)
            if 'auth' in self.x:
                s.bind(('127.0.0.2', 0))
            s.connect(('127.0.0.1', self.port))
        auth = self.x.get('auth', b'')
        if self.transport == 'tls':
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = ctx.wrap_socket(s)
        try:
            if self.check.startswith('ws-'):
                s.sendall(ws_upgrade(b'/', b'Host: 127.0.0.1\r\n' + auth))
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
                          b'Host: 127.0.0.1:%d\r\n%s\r\n'
                          % (self.echo.port, self.echo.port, auth))
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

    def http_get(self):
        if 'auth' in self.x:
            s = socket.socket()
            s.settimeout(5)
            s.bind(('127.0.0.2', 0))
            s.connect(('127.0.0.1', self.port))
        else:
            s = self.connect(random.Random(0))
        try:
            s.sendall(b'GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n'
                      % self.x.get('auth', b''))
            got = b''
            while True:
                d = s.recv(65536)
                if not d:
                    break
                got += d
        finally:
            s.close()
        if not got.startswith(b'HTTP/1.1 200') or \
                not got.endswith(b'\r\n\r\n' + STATIC_FILE):
            return 'proper GET: %r' % got[:200]
        return None

    def reconnected(self, marker, line):
        """The client comes back: what its next connection is sent goes
        to its stdout, and what it is given on stdin comes on that
        connection."""
        self.lsock.settimeout(40)
        c, _ = self.lsock.accept()
        c.settimeout(15)
        try:
            ws = self.check == 'reconnect-ws'
            got = b''
            if ws:
                while b'\r\n\r\n' not in got:
                    d = c.recv(4096)
                    if not d:
                        return 'WebSocket client left before its upgrade'
                    got += d
                head, got = got.split(b'\r\n\r\n', 1)
                c.sendall(b'HTTP/1.1 101 Switching Protocols\r\n'
                          b'Upgrade: websocket\r\nConnection: Upgrade\r\n'
                          b'Sec-WebSocket-Accept: ' + ws_accept(head) +
                          b'\r\n\r\n' + ws_server_frame(line))
            else:
                c.sendall(line)
            why = self.wait_out(marker)
            if why is not None:
                return why
            back = marker + b'-back'
            os.set_blocking(self.proc.stdin.fileno(), True)
            self.proc.stdin.write(back + b'\n')
            self.proc.stdin.flush()
            t = time.monotonic() + 15
            while time.monotonic() < t:
                if back in (ws_client_payloads(got) if ws else got):
                    return None
                d = c.recv(65536)
                if not d:
                    break
                got += d
            return "the client's stdin did not come (got %r)" % got[-80:]
        finally:
            c.close()

    def relay_pair(self, marker, line):
        """Two --via clients of sockcat's meet at the relay: one echoes
        with a program, the other sends a line and must have it back."""
        via = ('ws://127.0.0.1:%d/' if self.x.get('via') == 'ws' else
               '127.0.0.1:%d') % self.port
        code = '--secret=' + RELAY_CODE
        echo = subprocess.Popen(
            [self.opts.sockcat, '-l', '--via', via, code, '-w', '15', '-e',
             '/bin/cat'], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=self.env('client'))
        try:
            p = subprocess.run(
                [self.opts.sockcat, '--via', via, code, '-N', '-q', '5',
                 '-w', '15'], input=line, capture_output=True, timeout=30,
                env=self.env('client'))
            try:
                echo.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        finally:
            if echo.poll() is None:
                echo.kill()
                echo.wait()
            echo.stderr.close()
        if marker not in p.stdout:
            return '--via clients got no echo (status %d: %r)' % (
                p.returncode, p.stderr[-200:])
        return None

    def link_echo(self, marker, line):
        """A line written to the terminal comes back through the echo
        server (a link's program side made raw again first)."""
        fd = self.link_fd()
        try:
            if self.transport == 'link':
                tty.setraw(fd)
            while self.drain_fd(fd):
                pass
            # Written as the terminal takes it, and read meanwhile: what
            # the fuzzing left in flight still comes back, and a write
            # that waited for room while nothing was read would wait for
            # ever (the echo's answers fill the way back, sockcat stops
            # reading the terminal, and the line never goes).
            got = b''
            t = time.monotonic() + 15
            while time.monotonic() < t and marker not in got:
                rl, wl, _ = select.select([fd], [fd] if line else [], [],
                                          0.5)
                if rl:
                    got += self.drain_fd(fd)
                if wl and line:
                    try:
                        line = line[os.write(fd, line):]
                    except BlockingIOError:
                        pass
            if marker not in got:
                return 'nothing back through the terminal (got %r)' % \
                    got[-80:]
            return None
        finally:
            if fd != self.master:
                os.close(fd)

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
        for fd in (self.master, self.slave):
            if fd is not None:
                os.close(fd)
        self.master = self.slave = None
        if self.lsock is not None:
            self.lsock.close()

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
            self.stop()
            self.reports()
            return False
        if self.transport == 'dtls':
            self.capture_hello()
        deadline = time.monotonic() + self.opts.seconds
        r = random.Random(self.seed)
        threads = []
        # One client comes at a time; one line has one master.
        conns = 1 if self.role == 'client' or self.transport == 'serial' \
            else self.opts.conns
        if self.role == 'client':
            t = threading.Thread(target=self.feed, args=(deadline,),
                                 daemon=True)
            t.start()
            threads.append(t)
        for _ in range(conns):
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
    workdir = tempfile.mkdtemp(prefix='procfuzz.', dir=opts.reports)
    echoes = {'echo': EchoServer(), 'uecho': UdpEchoServer(),
              'wsecho': EchoServer('ws'),
              'tlsecho': EchoServer(tls_context(workdir))}
    for e in echoes.values():
        e.start()
    tls = subprocess.run([opts.sockcat, '--version'], capture_output=True,
                         text=True).stdout
    results = {}

    def one(mode):
        # Each mode's seed comes from the run's and its name alone, so
        # that one mode can be run again by itself.
        seed = random.Random('%d/%s' % (opts.seed, mode[0])).randrange(
            1 << 62)
        if mode[4] in ('tls', 'dtls') and 'TLS' not in tls and \
                'OpenSSL' not in tls:
            results[mode[0]] = 'SKIP'
            return
        f = Fuzzer(opts, mode, seed, corpus, echoes, workdir)
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
