#!/usr/bin/env python3
"""The EXAMPLES of the installed socat's manual, run as written.

    socatman.py list MANPAGE          each example: number, class, why
    socatman.py run MANPAGE SOCAT DIR each runnable one run with SOCAT,
                                      its observable result on one line

The examples are parsed from the page (socat.1.gz) and classified by the
rules below, the first that matches: "host" (it needs another host: an
ssh server, a network's time servers, a VM), "device" (a device this
machine lacks: a TUN, an HDLC interface, VSOCK), "differs" (what sockcat
does not do, on purpose, with why), "gap" (what sockcat does not do
yet), "todo" (runnable here, not yet driven by this file), "run"
(runnable here with local peers: its function runs it).  An example no rule knows is "unknown",
which the suite fails on.  A runnable example is run as written, its
host names and ports replaced by loopback ones, its device by a
pseudo-terminal and its paths under DIR; its result is what a user
would see (its output, the file it wrote, what its peers got), the same
whatever socat ran it.
"""

import gzip
import os
import pty
import base64
import ssl
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import tty

WAIT = 20


def unroff(s):
    s = re.sub(r'\\f(\(..|.)', '', s)
    s = s.replace('\\bf', '')
    for a, b in (('\\-', '-'), ('\\&', ''), ('\\%', ''), ('\\(dq', '"'),
                 ('\\(cq', "'"), ('\\e', '\\')):
        s = s.replace(a, b)
    return s


def examples(page):
    """The example commands of the page's EXAMPLES section, in order."""
    with gzip.open(page, 'rt', errors='replace') as f:
        text = f.read()
    sec = text.split('.SH "EXAMPLES"', 1)[1].split('.SH ', 1)[0]
    out, block = [], None
    for line in sec.split('\n'):
        if line.startswith('\\.nf'):
            block = []
        elif line.startswith('\\.fi') and block is not None:
            out.append(' '.join(unroff(b).rstrip('\\ ').strip()
                                for b in block))
            block = None
        elif block is not None:
            block.append(line)
        else:
            m = re.match(r'\.IP "(.*)"$', line)
            if m and '\\f(CW' in m.group(1):
                cmd = unroff(m.group(1)).strip()
                if cmd:
                    out.append(cmd)
    return [re.sub(r'\s+', ' ', c).strip() for c in out]


# Peers and waits.

def listener():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', 0))
    s.listen(8)
    return s


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def serve(handler, n=1):
    """A server of n connections, each given to handler(conn); its port
    and the list of what the handlers returned."""
    s = listener()
    got = []

    def run():
        s.settimeout(WAIT)
        try:
            for _ in range(n):
                c, _ = s.accept()
                c.settimeout(WAIT)
                with c:
                    got.append(handler(c))
        except OSError:
            pass
        s.close()
    threading.Thread(target=run, daemon=True).start()
    return s.getsockname()[1], got


def recv_all(c):
    data = b''
    while True:
        b = c.recv(65536)
        if not b:
            return data
        data += b


def wait_port(port, proc):
    end = time.time() + WAIT
    while time.time() < end and proc.poll() is None:
        try:
            socket.create_connection(('127.0.0.1', port), 1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def wait_until(pred):
    end = time.time() + WAIT
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def start(cmd, socat, subst, **kw):
    """cmd with its replacements, socat its socat, run by sh (in the
    directory cwd when given)."""
    for a, b in subst:
        cmd = cmd.replace(a, str(b))
    cmd = re.sub(r'(^|[|;(]\s*)socat\b', lambda m: m.group(1) + socat, cmd)
    return subprocess.Popen(['sh', '-c', 'exec ' + cmd if
                             cmd.startswith(socat) else cmd],
                            stdin=kw.get('stdin', subprocess.DEVNULL),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=kw.get('cwd'))


def coverage_lines_out(err):
    """err without the lines a build that counts coverage writes when a
    process that gave up its privileges (su=nobody) cannot write its
    counts ("profiling: ...: Cannot open"): no socat's."""
    return b''.join(l for l in err.splitlines(True)
                    if not l.startswith(b'profiling:'))


def finish(p, kill=False):
    if kill:
        p.terminate()
    try:
        out, err = p.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return out, coverage_lines_out(err), 'timeout'
    return out, coverage_lines_out(err), p.returncode if not kill else 'ended'


def client(port, data, shut=True):
    c = socket.create_connection(('127.0.0.1', port), WAIT)
    c.settimeout(WAIT)
    c.sendall(data)
    if shut:
        c.shutdown(socket.SHUT_WR)
    got = recv_all(c)
    c.close()
    return got


# The runnable examples.

def run_tcp_client(cmd, socat, d):
    def h(c):
        req = b''
        while b'\r\n\r\n' not in req:
            b = c.recv(4096)
            if not b:
                break
            req += b
        c.sendall(b'HTTP/1.0 200 OK\r\n\r\nhello\n')
        return req
    port, got = serve(h)
    p = start(cmd, socat, [('www.domain.org:80', '127.0.0.1:%d' % port)],
              stdin=subprocess.PIPE)
    p.stdin.write(b'GET / HTTP/1.0\r\n\r\n')
    p.stdin.close()
    p.stdin = None
    out, err, st = finish(p)
    # The server's thread may say what it got after socat has ended.
    wait_until(lambda: got)
    return 'status=%s out=%r server-got=%r' % (st, out, got)


def run_forwarder_once(cmd, socat, d):
    port, got = serve(lambda c: c.sendall(recv_all(c)) or 'echoed')
    lp = free_port()
    p = start(cmd, socat, [('TCP4-LISTEN:www', 'TCP4-LISTEN:%d' % lp),
                           ('www.domain.org:www', '127.0.0.1:%d' % port)])
    ok = wait_port(lp, p)
    # That probe was its one connection: no fork.
    out, err, st = finish(p)
    wait_until(lambda: got)
    return 'listening=%s status=%s server=%r' % (ok, st, got)


def run_forwarder_range(cmd, socat, d):
    port, got = serve(lambda c: c.sendall(b'target\n'))
    lp = free_port()
    p = start(cmd, socat, [('TCP4-LISTEN:80', 'TCP4-LISTEN:%d' % lp),
                           ('myaddr1', '127.0.0.1'), ('myaddr2', '127.0.0.1'),
                           ('www.domain.org:80', '127.0.0.1:%d' % port)])
    ok = wait_port(lp, p)
    # Nothing sent: a close with unread bytes would be a reset.
    reply = client(lp, b'') if ok else None
    alive = p.poll() is None
    out, err, st = finish(p, kill=True)
    # Outside range=10.0.0.0/8: turned away; the log went to syslog.
    return 'listening=%s client-got=%r target=%r serving=%s stderr=%r' % (
        ok, reply, got, alive, err)


def run_serial(cmd, socat, d):
    master, slave = pty.openpty()
    tty.setraw(master)
    name = os.ttyname(slave)
    # The line's far end stays open here too: no hang-up (EIO) before
    # socat has opened it.
    p = start(cmd, socat, [('/dev/ttyS0', name)], stdin=subprocess.PIPE)

    def read_until(fd, want):
        got = b''
        end = time.time() + WAIT
        while want not in got and time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    b = os.read(fd, 4096)
                except OSError:
                    break
                if not b:
                    break
                got += b
        return got
    p.stdin.write(b'AT\n')
    p.stdin.flush()
    line = read_until(master, b'\r\n')
    os.write(master, b'OK\r\n')
    out = read_until(p.stdout.fileno(), b'\n')
    # Control-O, the escape: the end.
    p.stdin.write(b'\x0f')
    p.stdin.flush()
    p.stdin.close()
    p.stdin = None
    rest, err, st = finish(p)
    os.close(master)
    os.close(slave)
    return 'line-got=%r out=%r status=%s' % (line, out + rest, st)


def open_at_end(pid, path):
    try:
        for fd in os.listdir('/proc/%d/fd' % pid):
            if os.readlink('/proc/%d/fd/%s' % (pid, fd)) != path:
                continue
            with open('/proc/%d/fdinfo/%s' % (pid, fd)) as f:
                pos = int(f.readline().split()[1])
            if pos == os.path.getsize(path):
                return True
    except OSError:
        pass
    return False


def run_tail(cmd, socat, d):
    path = os.path.join(d, 'readdata')
    with open(path, 'wb') as f:
        f.write(b'old\n')
    p = start(cmd, socat, [('/tmp/readdata', path)])
    at_end = wait_until(lambda: open_at_end(p.pid, path))
    with open(path, 'ab') as f:
        f.write(b'new\n')
    got = b''
    end = time.time() + WAIT
    while b'new\n' not in got and time.time() < end:
        r, _, _ = select.select([p.stdout], [], [], 0.2)
        if r:
            b = os.read(p.stdout.fileno(), 4096)
            if not b:
                break
            got += b
    alive = p.poll() is None
    finish(p, kill=True)
    return 'at-end=%s out=%r following=%s' % (at_end, got, alive)


def run_collector(cmd, socat, d):
    path = os.path.join(d, 'in.log')
    lp = free_port()
    p = start(cmd, socat, [('TCP4-LISTEN:3334', 'TCP4-LISTEN:%d' % lp),
                           ('/tmp/in.log', path)])
    ok = wait_port(lp, p)
    for line in (b'one\n', b'two\n'):
        client(lp, line)
        wait_until(lambda: os.path.exists(path) and
                   open(path, 'rb').read().endswith(line))
    alive = p.poll() is None
    finish(p, kill=True)
    data = open(path, 'rb').read() if os.path.exists(path) else None
    return 'listening=%s file=%r serving=%s' % (ok, data, alive)


def run_bigfile(cmd, socat, d):
    path = os.path.join(d, 'bigfile')
    p = start(cmd, socat, [('/tmp/bigfile', path)])
    out, err, st = finish(p)
    size = os.path.getsize(path) if os.path.exists(path) else None
    if size is not None:
        os.unlink(path)
    return 'status=%s size=%s stderr=%r' % (st, size, err)


def run_patch(cmd, socat, d):
    path = os.path.join(d, 'squid.exe')
    with open(path, 'wb') as f:
        f.write(b'\xaa' * 0x74430)
    p = start(cmd, socat, [('/usr/bin/squid.exe', path)])
    out, err, st = finish(p)
    data = open(path, 'rb').read()
    return 'status=%s size=%d at=%r stderr=%r' % (
        st, len(data), data[0x74418:0x74430], err)


def run_readbytes(cmd, socat, d):
    port, got = serve(lambda c: c.sendall(b'x' * 5000))
    p = start(cmd, socat, [('www.blackhat.org:31337', '127.0.0.1:%d' % port)])
    out, err, st = finish(p)
    return 'status=%s read=%d' % (st, len(out))


def run_filan(cmd, socat, d):
    """Two clients of the forking listener, one after the other: what
    each one's program (nofork) found as its stdin, by filan's line that
    names the client's own port ("ip LOCAL PEER": the socket itself, no
    relay's pipe between).  Without filan, a stand-in that says what its
    stdin is (stat -L -c %F: "socket", where a relay gives a "fifo")."""
    lp = free_port()
    subst = [('tcp-l:7777', 'tcp-l:%d' % lp)]
    standin = shutil.which('filan') is None
    if standin:
        subst.append(('filan -i 0 -s', 'stat -L -c %F /dev/stdin'))
    p = start(cmd, socat, subst)
    ok = wait_port(lp, p)
    ports, replies = [], []
    for _ in range(2 if ok else 0):
        c = socket.create_connection(('127.0.0.1', lp), WAIT)
        c.settimeout(WAIT)
        ports.append(c.getsockname()[1])
        c.shutdown(socket.SHUT_WR)
        # Its end is the program's: it has written its line then.
        replies.append(recv_all(c))
        c.close()
    out, err, st = finish(p, kill=True)
    lines = [l for l in err.decode(errors='replace').splitlines()
             if not re.match(r'\d{4}/\d\d/\d\d ', l)]
    if standin:
        seen = sorted(set(lines))
    else:
        seen = [[l.split()[0] for l in lines
                 if l.endswith('127.0.0.1:%d' % port)] for port in ports]
    return 'listening=%s replies=%r stdin-seen=%r%s' % (
        ok, replies, seen, ' (filan missing: stat)' if standin else '')


def run_http_echo(cmd, socat, d):
    lp = free_port()
    p = start(cmd, socat, [('TCP-L:10081', 'TCP-L:%d' % lp)])
    ok = wait_port(lp, p)
    reply = client(lp, b'GET /x HTTP/1.0\r\nHost: a\r\n\r\n') if ok else b''
    finish(p, kill=True)
    text = reply.decode(errors='replace')
    text = re.sub(r'date: [^\r\n]*', 'date: DATE', text)
    text = re.sub(r'\d+', 'N', text)
    return 'listening=%s reply=%r' % (ok, text)


def certs(d):
    """The example's files in d: server.crt, server.pem (its key too),
    client.crt and client.pem, each self-signed, the server's for
    localhost."""
    for who, cn in (('server', 'localhost'), ('client', 'client')):
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec',
                        '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
                        '-keyout', who + '.key', '-out', who + '.crt',
                        '-days', '2', '-subj', '/CN=' + cn, '-addext',
                        'subjectAltName=DNS:localhost,IP:127.0.0.1'],
                       cwd=d, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=WAIT)
        with open(os.path.join(d, who + '.pem'), 'w') as f:
            for part in ('.key', '.crt'):
                f.write(open(os.path.join(d, who + part)).read())


def run_tls_client(cmd, socat, d):
    certs(d)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(d, 'server.pem'))
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(os.path.join(d, 'client.crt'))

    def h(c):
        with ctx.wrap_socket(c, server_side=True) as t:
            line = t.recv(4096)
            t.sendall(b'got ' + line)
            # Closed after the client's end, never with its bytes unread.
            try:
                while t.recv(4096):
                    pass
            except (OSError, ssl.SSLError):
                pass
            return dict(x[0] for x in t.getpeercert()['subject'])
    port, got = serve(h)
    p = start(cmd, socat, [('server:4443', 'localhost:%d' % port)],
              stdin=subprocess.PIPE, cwd=d)
    p.stdin.write(b'ping\n')
    p.stdin.close()
    p.stdin = None
    out, err, st = finish(p)
    wait_until(lambda: got)
    return 'status=%s out=%r server-saw=%r' % (st, out, got)


def run_tls_server(cmd, socat, d):
    certs(d)
    lp = free_port()
    p = start(cmd, socat, [('OPENSSL-LISTEN:4443', 'OPENSSL-LISTEN:%d' % lp)],
              cwd=d)
    ok = wait_port(lp, p)

    def talk(cert):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(os.path.join(d, 'server.crt'))
        if cert:
            ctx.load_cert_chain(os.path.join(d, 'client.pem'))
        try:
            with socket.create_connection(('127.0.0.1', lp), WAIT) as c:
                c.settimeout(WAIT)
                with ctx.wrap_socket(c, server_hostname='localhost') as t:
                    t.sendall(b'ping\n')
                    got = b''
                    while not got.endswith(b'\n'):
                        b = t.recv(4096)
                        if not b:
                            break
                        got += b
                    return got
        except (OSError, ssl.SSLError):
            return 'refused'
    echoed = talk(True) if ok else None
    without = talk(False) if ok else None
    finish(p, kill=True)
    return 'listening=%s echoed=%r without-a-certificate=%r' % (
        ok, echoed, without)


def run_proxy(cmd, socat, d):
    tport, tgot = serve(lambda c: c.sendall(recv_all(c)) or 'echoed', n=8)
    want = 'Basic ' + base64.b64encode(b'user:pass').decode()

    def h(c):
        req = b''
        while b'\r\n\r\n' not in req:
            b = c.recv(4096)
            if not b:
                return 'closed'
            req += b
        head, rest = req.split(b'\r\n\r\n', 1)
        lines = head.decode(errors='replace').split('\r\n')
        auth = [l.split(':', 1)[1].strip() for l in lines[1:]
                if l.lower().startswith('proxy-authorization:')]
        if auth != [want]:
            c.sendall(b'HTTP/1.0 407 Proxy Authentication Required\r\n'
                      b'Proxy-Authenticate: Basic realm="x"\r\n\r\n')
            return 'asked'
        target = lines[0].split()[1]
        t = socket.create_connection(('127.0.0.1', int(target.rsplit(
            ':', 1)[1])), WAIT)
        c.sendall(b'HTTP/1.0 200 Connection established\r\n\r\n')
        t.sendall(rest)

        def back():
            try:
                while True:
                    b = t.recv(65536)
                    if not b:
                        break
                    c.sendall(b)
                c.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        th = threading.Thread(target=back, daemon=True)
        th.start()
        while True:
            b = c.recv(65536)
            if not b:
                break
            t.sendall(b)
        t.shutdown(socket.SHUT_WR)
        th.join(WAIT)
        t.close()
        return 'tunnel to the target'
    pport, pgot = serve(h, n=8)
    lp = free_port()
    p = start(cmd, socat, [('TCP4-LISTEN:2022', 'TCP4-LISTEN:%d' % lp),
                           ('PROXY:proxy:www.domain.org:22',
                            'PROXY:127.0.0.1:127.0.0.1:%d' % tport),
                           ('proxyport=3128', 'proxyport=%d' % pport)])
    ok = wait_port(lp, p)
    # That probe went through too: the target echoed nothing to it.
    reply = client(lp, b'ping\n') if ok else None
    finish(p, kill=True)
    wait_until(lambda: 'tunnel to the target' in pgot)
    return 'listening=%s client-got=%r tunnelled=%s' % (
        ok, reply, 'tunnel to the target' in pgot)


# (regex of the command, class, why or function), first match wins.
RULES = [
    (r'READLINE', 'peer', 'Debian\'s socat is built without READLINE '
     '("unknown device/address"); sockcat\'s is tried on a terminal in '
     't-readline.sh (test_socat_readline)'),
    (r'tcpwrap=', 'differs', 'tcpwrap= needs libwrap, which sockcat does '
     'not link (tests/README.md: its tests are left out)'),
    (r'mail\.sh', 'host', 'an SMTP relay (mail.relay.org) and a local '
     'address of another name (alias1.server.org)'),
    (r'ssh ', 'host', 'an ssh server (another host)'),
    (r'SOCKS4:host\.victim\.org', 'host', 'a SOCKS4 server that lets '
     'sourceport 20 through (host.victim.org) and an X server'),
    (r'end-close', 'differs', 'end-close is refused (tests/README.md, '
     'TCP4ENDCLOSE)'),
    (r'UDP4-DATAGRAM:192\.168\.1\.0|SOCKET-DATAGRAM:2:2:17',
     'host', 'the time servers of the network 192.168.1.0/24'),
    (r'IP4-DATAGRAM', 'differs', 'raw IP (protocol 44) is not among '
     'sockcat\'s kinds (tests/README.md)'),
    (r'ip-add-membership=.*eth0', 'device', 'an interface eth0 on a '
     'network with other multicast hosts'),
    (r'TUN:', 'device', 'a TUN device, and host2 at the other end'),
    (r'VSOCK', 'device', 'a virtual machine\'s VSOCK (CID 2, 31, 33, 42)'),
    (r'INTERFACE:hdlc0', 'device', 'an HDLC interface (hdlc0)'),
    (r'ip-pktinfo', 'differs', 'ip-recverr (the error queue\'s ICMP '
     'errors) is refused; the other ancillary data is carried '
     '(test_datagram_ancillary in t-socat.sh)'),
    (r'M-SEARCH', 'host', 'devices answering SSDP on the network'),
    (r'PROXY:proxy:.*proxyauth=', 'run', run_proxy),
    (r'^socat - OPENSSL:server:4443', 'run', run_tls_client),
    (r'^socat OPENSSL-LISTEN:4443', 'run', run_tls_server),
    (r'^socat - TCP4:www\.domain\.org:80$', 'run', run_tcp_client),
    (r'^socat TCP4-LISTEN:www TCP4:', 'run', run_forwarder_once),
    (r'-lmlocal2 .*su=nobody,range=', 'run', run_forwarder_range),
    (r'/dev/ttyS0,rawer,crnl', 'run', run_serial),
    (r'seek-end=0,ignoreeof', 'run', run_tail),
    (r'OPEN:/tmp/in\.log,creat,append', 'run', run_collector),
    (r'bigfile,create,largefile', 'run', run_bigfile),
    (r'squid\.exe,seek=', 'run', run_patch),
    (r'readbytes=1000', 'run', run_readbytes),
    (r'filan -i 0', 'run', run_filan),
    (r'HTTP/1\.0 200 OK', 'run', run_http_echo),
]


def classify(cmd):
    for rx, cls, what in RULES:
        if re.search(rx, cmd):
            return cls, what
    return 'unknown', 'no rule of socatman.py knows it'


def main():
    if len(sys.argv) == 3 and sys.argv[1] == 'list':
        for i, cmd in enumerate(examples(sys.argv[2]), 1):
            cls, what = classify(cmd)
            why = what if isinstance(what, str) else ''
            print('%d\t%s\t%s\t%s' % (i, cls, why, cmd))
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == 'run':
        for i, cmd in enumerate(examples(sys.argv[2]), 1):
            cls, what = classify(cmd)
            if cls != 'run':
                continue
            d = os.path.join(sys.argv[4], str(i))
            os.makedirs(d, exist_ok=True)
            try:
                res = what(cmd, sys.argv[3], d)
            except Exception as e:
                res = 'FAILED: %s: %s' % (type(e).__name__, e)
            print('%d\t%s' % (i, res), flush=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
