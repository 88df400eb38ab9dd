#!/usr/bin/env python3
"""Every option of sockcat's table on every path: an option given is
applied or refused, never dropped (doc/design.md, "An option given is
applied or refused").

usage: optaudit.py [--paths P,...] [--options O,...] [--jobs N] DIR

For each path (a client, a listener, -lk, -lk -e, -lk -c, --forward, a
forwarding pair, --relay, a datagram listener, --chat, --room, the pairs
tls-l: -, ws-l: -, udp-l: -, tcp-l: exec:cat, tcp: -, a UDP client,
-u -lk alone, with -e and with --forward, -U -l, a -U client, the proxy
server, a --chat caller, -z, -c connecting, the pairs tcp-l: file: and
tcp-l: pty:, two sides the relay opens (stdio,ignoreeof exec:), a line
with stdio (pty: -) and two lines (pty: pty:)) and each
option of "sockcat --dump-options", with a sample value for its argument,
the path's process (the subject) runs one short session with its peers,
a debug build's audit on (SC_OPT_AUDIT=1): at its end it says each option
given that no path read ("sockcat: option --NAME was given and no path
read it") and exits 70.  The subject is refused (status 1, one line), or
runs with the audit clean, or fails here: an audit line, status 70, or a
signal other than the SIGTERM that ends a server, or a sanitizer's report
on its standard error.  The peers are sockcat
too, audit off, started once and shared.  Every process is bounded;
servers listen on port 0 and are found by their -v line.

DIR holds the test certificates (tests/lib.sh's make_certs) and what
the samples need.  Prints one line per case ("PATH OPTION: refused:
...", "ran", "FAIL: ...", with its time) and ends with a summary; exits
1 when a case failed.  SOCKCAT names the binary (default ./sockcat);
SC_OPT_AUDIT_DROP is passed on to the subjects (the suite's planted
fault).  The peers make no leak check of a sanitizer build's: the
subjects do.
"""

import argparse
import concurrent.futures
import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
import time

SC = os.environ.get("SOCKCAT", "./sockcat")
HOST = "127.0.0.1"
CODE = "8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK"
# The test certificates' files, by name (setup()).
CERTS = {}
# Whether the binary speaks TLS (main()).
TLS = True
# How long a case's processes may take, in seconds: a loaded machine and a
# sanitizer build included.
LIFE = float(os.environ.get("OPTAUDIT_LIFE", "10"))
LISTENING = re.compile(rb"(?:Listening|Bound) on \S+ (\d+)")
UNIX_LISTENING = re.compile(rb"Listening on (/\S+)")
RECEIVED = re.compile(rb"Connection received on ")

# Options that choose a path of their own, or that the paths cannot take
# from a sample: passed over everywhere, each with why.
SKIP = {
    "zero": "selects the scan path",
    "chat": "a path here", "room": "a path here",
    "relay": "a path here", "broker": "--broker is --room's fan-out, "
    "with its own server: the room path covers its code",
    "listen": "selects the listener paths", "keep-open": "selects -lk",
    "udp": "selects the datagram path", "unixsock": "a Unix-domain "
    "socket needs its own peers: t-unix.sh",
    "ipv6": "needs an IPv6 peer: t-tcp.sh",
    "vsock": "needs a VM's VSOCK: t-vsock.sh",
    "dccp": "needs a DCCP peer, which this kernel may lack",
    "listen-fd": "serves an inherited socket in place of the path's own: "
    "t-activate.sh",
    "rtable": "refused on this system at parse",
    "print-psk": "prints a key and exits at parse: an action",
    "md5sig": "reads the key from the terminal",
    "raw": "needs a terminal: t-pty.sh, t-terminal.sh",
    "readline": "needs a terminal: t-readline.sh",
}

# Options passed over on some paths: (path, option): why.
SKIP_ON = {
    ("listen", "proxy-type"): "-l --proxy-type is the proxy server",
    ("keep", "proxy-type"): "-l --proxy-type is the proxy server",
    ("udp-client", "pass-fd"): "-F passes the socket and exits: the -q "
    "this path ends by is nc's to accept and not use",
    ("scan", "interval"): "-z's pause between ports: one port has none",
}
# nc -z takes its letters that act on a session's bytes, and sends none:
# scripts written for nc keep them.
for o in ("no-stdin", "crlf", "telnet", "recv-limit", "quit", "shutdown"):
    SKIP_ON[("scan", o)] = "nc -z accepts it, and sends nothing"
# nc takes its options for IP sockets with -U, and sets them on none.
for p in ("unix", "unix-client"):
    for o in ("broadcast", "debug", "ttl", "min-ttl", "tos"):
        SKIP_ON[(p, o)] = "nc -U takes it and sets it on no Unix socket"
# nc -u takes -N, and a datagram has no end to say.
for p in ("udp-client", "dgram", "dgram-keep", "dgram-exec",
          "dgram-forward"):
    SKIP_ON[(p, "shutdown")] = "nc -u accepts -N, and has no end to say"

# Options whose peers must speak something: the peers of the case are
# chosen by these needs.
NEEDS = {
    "tls": lambda o: o["name"].startswith("ssl") or o["name"] == "ssl",
    "secret": lambda o: o["name"] in ("secret", "secret-file"),
    "ws": lambda o: o["name"].startswith("ws-") or o["name"] in (
        "websocket", "insecure", "auth", "auth-file", "auth-token") or
    o["letter"] == "1",
    "fwdtls": lambda o: o["name"].startswith("forward-ssl"),
    "proxy": lambda o: o["letter"] in ("x", "X", "P") or
    o["name"] in ("proxy-auth", "proxy-dns"),
    "user": lambda o: o["name"] in ("auth", "auth-file"),
    "token": lambda o: o["name"] == "auth-token",
}


class Case:
    """The files and peers one run shares with the others."""

    def __init__(self, top):
        self.top = top
        self.peers = {}
        self.lock = threading.Lock()
        self.procs = []

    def path(self, name):
        return os.path.join(self.top, name)


def sample(o, ctx, needs):
    """The arguments that give option o with a sample value."""
    name, letter, arg = o["name"], o["letter"], o["arg"]
    flag = "--" + name if name != "-" else "-" + letter
    files = {
        "ssl-cert": ctx.path("both.pem"),
        "ssl-trustfile": ctx.path("ca.pem"),
        "forward-ssl-trustfile": ctx.path("ca.pem"),
        "secret-file": ctx.path("code"), "forward-file": ctx.path("fwd"),
        "allowfile": ctx.path("addrs"), "denyfile": ctx.path("none"),
        "auth-file": ctx.path("htpasswd"), "replay": ctx.path("rec"),
        "script": ctx.path("script"),
        "readline-history": ctx.path("hist"),
        "ws-static": ctx.top,
    }
    values = {
        "interval": "10ms", "retry": "1", "retry-interval": "1",
        "on-connect": "hello", "recv-limit": "100", "delay": "10ms",
        "quit": "1", "quit-after": "5", "wait": "5", "exec": "/bin/cat",
        "sh-exec": "cat", "max-conns": "4", "relay-limit": "bytes=100000",
        "trust-front": "proxy=127.0.0.2", "allow": HOST,
        "deny": "192.0.2.1", "idle-timeout": "5", "write-timeout": "5",
        "send-proxy": "v1", "ws-header": "X-Test: 1",
        "ws-server-header": "X-Test: 1", "ws-origin": "http://localhost",
        "ws-protocol": "chat", "ws-ping": "5", "ws-ping-timeout": "5",
        "ws-max-message": "100000", "ws-messages": "1",
        "ws-allow-origin": "http://localhost", "ws-path": "/",
        "auth": "u:p", "auth-token": "tok", "proxy-type": "5",
        "proxy-auth": "u:p", "proxy-dns": "local",
        "ssl-pin": "{pin}", "ssl-ciphers": "HIGH",
        "ssl-min-version": "1.2", "ssl-max-version": "1.3",
        "ssl-servername": "localhost", "ssl-alpn": "h2",
        "forward-ssl-servername": "localhost", "expect": "hi",
        "send": "x", "source-port": "0", "source": HOST,
        "ttl": "64", "min-ttl": "1", "tos": "lowdelay",
        "recv-buf": "65536", "send-buf": "65536", "mcast-if": "lo",
        "mcast-loop": "on", "record": ctx.path("out.%n.rec"),
        "output": ctx.path("out.log"), "hex-dump": ctx.path("out.hex"),
        "forward": "%s:%s" % (HOST, "{cat}"), "via": "%s:1" % HOST,
        "secret": CODE, "fifo": "-", "workers": "2", "backlog": "16",
    }
    key = name if name != "-" else letter
    if letter == "P":
        return [flag, "u"]
    if name in ("ssl-verify", "forward-ssl-verify"):
        return [flag, "--" + name.replace("verify", "trustfile"),
                ctx.path("ca.pem")]
    if name == "ssl-key":
        return ["--ssl-cert", ctx.path("srv.pem"), flag, ctx.path("srv.key")]
    if letter == "x":
        return ["-x", "%s:{proxy}" % HOST]
    if o["has_arg"] == "none":
        return [flag]
    if o["has_arg"] == "optional":
        return [flag] if key not in values else [flag + "=" + values[key]]
    v = files.get(key, values.get(key))
    if v is None:
        raise KeyError("no sample for %s %s" % (flag, arg))
    return [flag, v]


class Proc:
    """A process under timeout, its output read as it comes."""

    def __init__(self, argv, stdin=b"", audit=False, keep_stdin=False):
        env = dict(os.environ)
        env.pop("SC_OPT_AUDIT", None)
        if audit:
            env["SC_OPT_AUDIT"] = "1"
        else:
            env.pop("SC_OPT_AUDIT_DROP", None)
            asan = env.get("ASAN_OPTIONS")
            env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + \
                "detect_leaks=0"
        self.killed = False
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env,
                                  start_new_session=True)
        self.out = bytearray()
        self.err = bytearray()
        self.cond = threading.Condition()
        self.readers = [threading.Thread(target=self._read, args=(f, b),
                                         daemon=True)
                        for f, b in ((self.p.stdout, self.out),
                                     (self.p.stderr, self.err))]
        for t in self.readers:
            t.start()
        try:
            self.p.stdin.write(stdin)
            self.p.stdin.flush()
            if not keep_stdin:
                self.p.stdin.close()
        except OSError:
            pass

    def _read(self, f, buf):
        while True:
            b = f.read1(65536)
            with self.cond:
                if not b:
                    self.cond.notify_all()
                    return
                buf.extend(b)
                self.cond.notify_all()

    def close_stdin(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass

    def wait_err(self, regex, secs=LIFE):
        """The match of regex in what stderr said, or None by the end."""
        end = time.monotonic() + secs
        with self.cond:
            while True:
                m = regex.search(self.err)
                if m or self.p.poll() is not None:
                    return m
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.2))

    def wait(self, secs=LIFE):
        """The exit status; SIGTERM after secs, then SIGKILL."""
        try:
            return self.finish(self.p.wait(secs))
        except subprocess.TimeoutExpired:
            return self.stop()

    def stop(self):
        """SIGTERM, as a server is ended; its status."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            return self.finish(self.p.wait(LIFE))
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
            self.killed = True
            return self.finish(self.p.returncode)

    def finish(self, status):
        for t in self.readers:
            t.join(LIFE)
        self.close_stdin()
        return status


def peer(ctx, kind, needs):
    """A shared sockcat server of kind ("line", "cat", "proxy"), speaking
    what needs asks for; its port."""
    tls = ["--ssl", "--ssl-cert", ctx.path("srv.pem"), "--ssl-key",
           ctx.path("srv.key")]
    extra = []
    if "tls" in needs or ("fwdtls" in needs and kind == "cat"):
        extra = tls
    elif "secret" in needs:
        extra = ["--secret=" + CODE]
    if "ws" in needs and kind == "line":
        extra = extra + ["--websocket"]
    key = (kind, tuple(extra))
    with ctx.lock:
        if key in ctx.peers:
            return ctx.peers[key]
        if kind == "proxy":
            argv = ["--proxy-type", "socks5"]
        elif kind == "udp":
            # Datagrams echoed; DTLS where TLS is asked for.
            argv = ["-u", "-e", "/bin/cat"]
            extra = tls if "tls" in needs else []
        elif kind == "unix":
            argv = ["-U", "-e", "/bin/cat"]
        elif kind == "cat":
            argv = ["-e", "/bin/cat"]
        else:
            # A line answered; a client that sends none is let go.
            argv = ["-c", "timeout 2 head -n 1"]
        where = ([ctx.path("peer%d.sock" % len(ctx.peers))]
                 if kind == "unix" else [HOST, "0"])
        p = Proc([SC, "-lk", "-v", "-n"] + extra + argv + where,
                 keep_stdin=True)
        ctx.procs.append(p)
        m = p.wait_err(UNIX_LISTENING if kind == "unix" else LISTENING)
        if not m:
            raise RuntimeError("peer %s did not start: %s" %
                               (key, bytes(p.err).decode(errors="replace")))
        ctx.peers[key] = m.group(1).decode()
        return ctx.peers[key]


def fill(args, ctx, needs):
    """args with the peers' ports in place of {cat} and {proxy}."""
    out = []
    for a in args:
        if "{cat}" in a:
            a = a.replace("{cat}", peer(ctx, "cat", needs))
        if "{proxy}" in a:
            a = a.replace("{proxy}", peer(ctx, "proxy", set()))
        out.append(a)
    return out


def client_argv(needs, port, chat=False):
    """A peer's client of a server path, speaking what needs asks."""
    argv = [SC, "-n"] + (["--chat"] if chat else [])
    if "tls" in needs:
        argv += ["--ssl-cert", CERTS["cli.pem"], "--ssl-key",
                 CERTS["cli.key"]]
    if "secret" in needs:
        argv += ["--secret=" + CODE]
    if "ws" in needs:
        return argv + ["ws://%s%s:%s/%s" % (
            "u:p@" if "user" in needs else "", HOST, port,
            "?token=tok" if "token" in needs else "")]
    return argv + ([] if chat else ["-N"]) + [HOST, port]


def server_run(args, needs, clients=1, end="term"):
    """A server path: the subject, its clients in turn, then its end:
    SIGTERM, or its own."""
    if "ws" in needs:
        args = ["--websocket"] + args
    if "secret" in needs:
        args = ["--secret=" + CODE] + args
    subj = Proc([SC, "-v", "-n"] + args, stdin=b"hi\n", audit=True)
    m = subj.wait_err(LISTENING)
    if m:
        port = m.group(1).decode()
        for i in range(clients):
            c = Proc(client_argv(needs, port), stdin=b"yo%d\n" % i)
            c.wait()
    status = subj.stop() if end == "term" else subj.wait()
    return subj, status


def path_client(ctx, args, needs):
    port = peer(ctx, "line", needs)
    target = ([HOST, port] if "ws" not in needs else
              ["ws://%s:%s/" % (HOST, port)])
    subj = Proc([SC, "-n"] + args + target, stdin=b"hi\n", audit=True)
    return subj, subj.wait()


def path_listen(ctx, args, needs):
    return server_run(["-l"] + args + [HOST, "0"], needs, end="exit")


def path_keep(ctx, args, needs):
    return server_run(["-lk"] + args + [HOST, "0"], needs, clients=2)


def path_exec(ctx, args, needs):
    return server_run(["-lk", "-e", "/bin/cat"] + args + [HOST, "0"], needs,
                      clients=2)


def path_shell(ctx, args, needs):
    return server_run(["-lk", "-c", "cat"] + args + [HOST, "0"], needs,
                      clients=2)


def path_forward(ctx, args, needs):
    fwd = fill(["--forward", "%s:{cat}" % HOST], ctx, needs)
    return server_run(["-lk"] + fwd + args + [HOST, "0"], needs)


def path_pair(ctx, args, needs):
    target = fill(["tcp:%s:{cat}" % HOST], ctx, needs)
    return server_run(args + ["tcp-l:%s:0" % HOST] + target, needs)


def pair_served(args, addrs, needs, client=None):
    """A pair that listens: the subject, one client of its listening
    address (client: its argv before HOST PORT, else client_argv's),
    then SIGTERM once the subject has said the client (a datagram may
    still be on its way when the client ends)."""
    subj = Proc([SC, "-v", "-n"] + args + addrs, stdin=b"hi\n", audit=True)
    m = subj.wait_err(LISTENING)
    if m:
        port = m.group(1).decode()
        argv = (client + [HOST, port] if client is not None else
                client_argv(needs, port))
        Proc(argv, stdin=b"yo\n").wait()
        subj.wait_err(RECEIVED)
    return subj, subj.stop()


def path_pair_tls(ctx, args, needs):
    cert = ["--ssl-cert", CERTS["srv.pem"], "--ssl-key", CERTS["srv.key"]]
    return pair_served(cert + args, ["tls-l:%s:0" % HOST, "-"],
                       needs | {"tls"})


def path_pair_ws(ctx, args, needs):
    return pair_served(args, ["ws-l:%s:0" % HOST, "-"], needs | {"ws"})


def path_pair_udp(ctx, args, needs):
    return pair_served(args, ["udp-l:%s:0" % HOST, "-"], needs,
                       [SC, "-n", "-u", "-q", "0"])


def path_pair_exec(ctx, args, needs):
    return pair_served(args, ["tcp-l:%s:0" % HOST, "exec:cat"], set())


def path_pair_file(ctx, args, needs):
    with ctx.lock:
        ctx.nfile = getattr(ctx, "nfile", 0) + 1
        out = ctx.path("pair%d.out" % ctx.nfile)
    return pair_served(args, ["tcp-l:%s:0" % HOST, "file:" + out], set())


def path_pair_pty(ctx, args, needs):
    return pair_served(args, ["tcp-l:%s:0" % HOST, "pty:"], set())


def path_pair_dial(ctx, args, needs):
    target = fill(["tcp:%s:{cat}" % HOST], ctx, needs)
    subj = Proc([SC, "-n"] + args + target + ["-"], stdin=b"hi\n",
                audit=True)
    return subj, subj.wait()


def path_relay(ctx, args, needs):
    subj = Proc([SC, "-v", "-n", "--relay"] + args + [HOST, "0"],
                audit=True)
    m = subj.wait_err(LISTENING)
    if m:
        via = "%s:%s" % (HOST, m.group(1).decode())
        a = Proc([SC, "-N", "--via", via, "--secret=" + CODE], stdin=b"hi\n")
        b = Proc([SC, "-N", "--via", via, "--secret=" + CODE], stdin=b"yo\n")
        a.wait()
        b.wait()
    return subj, subj.stop()


def path_dgram(ctx, args, needs):
    subj = Proc([SC, "-v", "-n", "-u", "-l"] + args + [HOST, "0"],
                audit=True, keep_stdin=True)
    m = subj.wait_err(LISTENING)
    if m:
        c = Proc([SC, "-n", "-u", "-q", "0"] +
                 (["--ssl"] if "tls" in needs else []) +
                 [HOST, m.group(1).decode()], stdin=b"hi\n")
        c.wait()
        subj.wait_err(RECEIVED)
    subj.close_stdin()
    return subj, subj.stop()


def path_chat(ctx, args, needs):
    subj = Proc([SC, "-v", "-n", "--chat", "-l"] + args + [HOST, "0"],
                stdin=b"hi\n", audit=True, keep_stdin=True)
    m = subj.wait_err(LISTENING)
    if m:
        Proc(client_argv(needs, m.group(1).decode(), chat=True),
             stdin=b"yo\n").wait()
    subj.close_stdin()
    return subj, subj.wait()


def path_room(ctx, args, needs):
    return server_run(["--room"] + args + [HOST, "0"], needs)


def path_udp_client(ctx, args, needs):
    port = peer(ctx, "udp", needs)
    # -w: a client that reads no stdin ends once the datagrams stop.
    subj = Proc([SC, "-n", "-u", "-q", "1", "-w", "5"] + args +
                [HOST, port], stdin=b"hi\n", audit=True)
    return subj, subj.wait()


def dgram_served(args, needs):
    """A datagram server of many peers: the subject, two clients in
    turn (each awaits an answer a second), then SIGTERM."""
    subj = Proc([SC, "-v", "-n", "-u", "-lk"] + args + [HOST, "0"],
                stdin=b"hi\n", audit=True, keep_stdin=True)
    m = subj.wait_err(LISTENING)
    if m:
        for i in range(2):
            Proc([SC, "-n", "-u", "-q", "1"] +
                 (["--ssl"] if "tls" in needs else []) +
                 [HOST, m.group(1).decode()], stdin=b"yo%d\n" % i).wait()
    subj.close_stdin()
    return subj, subj.stop()


def path_dgram_keep(ctx, args, needs):
    return dgram_served(args, needs)


def path_dgram_exec(ctx, args, needs):
    return dgram_served(["-e", "/bin/cat"] + args, needs)


def path_dgram_forward(ctx, args, needs):
    fwd = ["--forward", "%s:%s" % (HOST, peer(ctx, "udp", set()))]
    return dgram_served(fwd + args, needs)


def unix_client_argv(needs, path):
    """client_argv()'s, over a Unix-domain socket."""
    argv = client_argv(needs, "0")
    if "ws" in needs:
        return argv[:-1] + ["ws+unix://%s:/%s" % (
            path, "?token=tok" if "token" in needs else "")]
    return argv[:-3] + ["-U", "-N", path]


def path_unix(ctx, args, needs):
    with ctx.lock:
        ctx.nsock = getattr(ctx, "nsock", 0) + 1
        path = ctx.path("s%d.sock" % ctx.nsock)
    if "ws" in needs:
        args = ["--websocket"] + args
    if "secret" in needs:
        args = ["--secret=" + CODE] + args
    subj = Proc([SC, "-v", "-U", "-l"] + args + [path], stdin=b"hi\n",
                audit=True)
    if subj.wait_err(UNIX_LISTENING):
        Proc(unix_client_argv(needs, path), stdin=b"yo\n").wait()
    # Its one client has been (a refused one leaves it listening).
    return subj, subj.wait(3)


def path_unix_client(ctx, args, needs):
    # A Unix socket has no host name: a client that verifies is told one.
    if "--ssl-verify" in args:
        args = args + ["--ssl-servername", "localhost"]
    subj = Proc([SC, "-U", "-N"] + args + [peer(ctx, "unix", needs)],
                stdin=b"hi\n", audit=True)
    return subj, subj.wait()


def path_proxyd(ctx, args, needs):
    subj = Proc([SC, "-v", "-n", "-lk", "--proxy-type", "socks5"] + args +
                [HOST, "0"], audit=True)
    m = subj.wait_err(LISTENING)
    if m and needs & {"tls", "secret"}:
        # Its request over TLS; a line that is none ends it.
        Proc(client_argv(needs, m.group(1).decode()), stdin=b"hi\n").wait()
    elif m:
        Proc([SC, "-n", "-N", "-X", "5", "-x", "%s:%s" % (HOST,
             m.group(1).decode()), HOST, peer(ctx, "cat", set())],
             stdin=b"hi\n").wait()
    return subj, subj.stop()


def path_chat_client(ctx, args, needs):
    tls = (["--ssl", "--ssl-cert", CERTS["srv.pem"], "--ssl-key",
            CERTS["srv.key"]] if "tls" in needs else
           ["--secret=" + CODE] if "secret" in needs else [])
    srv = Proc([SC, "-v", "-n", "--chat", "-l"] + tls + [HOST, "0"],
               stdin=b"yo\n", keep_stdin=True)
    m = srv.wait_err(LISTENING)
    subj = Proc([SC, "-n", "--chat"] + args +
                [HOST, m.group(1).decode() if m else "1"], stdin=b"hi\n",
                audit=True)
    status = subj.wait()
    srv.stop()
    return subj, status


def path_exec_client(ctx, args, needs):
    port = peer(ctx, "line", needs)
    target = ([HOST, port] if "ws" not in needs else
              ["ws://%s:%s/" % (HOST, port)])
    subj = Proc([SC, "-n", "-c", "echo hi"] + args + target, audit=True)
    return subj, subj.wait()


def path_local(ctx, args, needs):
    # Two sides that are no sockets, which the relay joins because one
    # asks what only it does (ignoreeof).
    subj = Proc([SC] + args + ["stdio,ignoreeof", "exec:echo hi"],
                stdin=b"hi\n", audit=True)
    return subj, subj.wait()


def path_line(ctx, args, needs):
    # A line (a pty made here, its link in DIR) with stdin and stdout.
    with ctx.lock:
        ctx.nline = getattr(ctx, "nline", 0) + 1
        link = ctx.path("line%d" % ctx.nline)
    subj = Proc([SC] + args + ["pty:" + link, "-"], stdin=b"hi\n",
                audit=True)
    return subj, subj.wait()


def path_lines(ctx, args, needs):
    # Two lines (a null modem of two ptys made here): nothing ends it.
    with ctx.lock:
        ctx.nline = getattr(ctx, "nline", 0) + 1
        links = [ctx.path("modem%d%s" % (ctx.nline, e)) for e in "ab"]
    subj = Proc([SC, "-v"] + args + ["pty:" + l for l in links],
                audit=True)
    subj.wait_err(re.compile(rb"Terminal .*\n(?:.*\n)*.*Terminal "))
    return subj, subj.stop()


def path_scan(ctx, args, needs):
    port = peer(ctx, "line", needs)
    subj = Proc([SC, "-z", "-n"] + args + [HOST, port], audit=True)
    return subj, subj.wait()


PATHS = {
    "client": path_client, "listen": path_listen, "keep": path_keep,
    "exec": path_exec, "shell": path_shell, "forward": path_forward,
    "pair": path_pair, "relay": path_relay, "dgram": path_dgram,
    "chat": path_chat, "room": path_room, "pair-tls": path_pair_tls,
    "pair-ws": path_pair_ws, "pair-udp": path_pair_udp,
    "pair-exec": path_pair_exec, "pair-dial": path_pair_dial,
    "udp-client": path_udp_client, "dgram-keep": path_dgram_keep,
    "dgram-exec": path_dgram_exec, "dgram-forward": path_dgram_forward,
    "unix": path_unix, "unix-client": path_unix_client,
    "proxyd": path_proxyd, "chat-client": path_chat_client,
    "scan": path_scan, "exec-client": path_exec_client,
    "pair-file": path_pair_file, "pair-pty": path_pair_pty,
    "local": path_local, "line": path_line, "lines": path_lines,
}


def judge(subj, status):
    """What a case came to: (ok, text)."""
    err = bytes(subj.err).decode(errors="replace")
    audit = [x for x in err.splitlines() if "no path read it" in x]
    lines = [x for x in err.splitlines() if x.startswith("sockcat: ")]
    if audit or status == 70:
        return False, "FAIL: " + ("; ".join(audit) or "status 70")
    if "AddressSanitizer" in err or "runtime error:" in err:
        return False, "FAIL: a sanitizer's report: " + err[-300:]
    if subj.killed:
        return False, "FAIL: did not end on SIGTERM"
    if status is not None and status < 0 and status != -signal.SIGTERM:
        return False, "FAIL: died of signal %d: %s" % (-status, err[-300:])
    if status == 1 and len(err.splitlines()) <= 2 and lines:
        return True, "refused: " + lines[-1]
    return True, "ran (status %s)" % status


def pin(path):
    """The --ssl-pin of the certificate at path."""
    der = subprocess.run(["openssl", "x509", "-in", path, "-outform", "DER"],
                         capture_output=True, check=True).stdout
    return hashlib.sha256(der).hexdigest()


def setup(ctx):
    """The files the samples name."""
    for n in ("srv.pem", "srv.key", "cli.pem", "cli.key"):
        CERTS[n] = ctx.path(n)
    CERTS["srv"] = pin(ctx.path("srv.pem"))
    CERTS["cli"] = pin(ctx.path("cli.pem"))
    with open(ctx.path("both.pem"), "w") as f:
        for n in ("srv.pem", "srv.key"):
            with open(ctx.path(n)) as g:
                f.write(g.read())
    with open(ctx.path("code"), "w") as f:
        f.write(CODE + "\n")
    with open(ctx.path("addrs"), "w") as f:
        f.write(HOST + "\n")
    with open(ctx.path("none"), "w") as f:
        f.write("192.0.2.1\n")
    with open(ctx.path("script"), "w") as f:
        f.write("send \"x\\n\"\n")
    hashed = subprocess.run(["openssl", "passwd", "-6", "p"],
                            capture_output=True, text=True).stdout.strip()
    with open(ctx.path("htpasswd"), "w") as f:
        f.write("u:%s\n" % hashed)
    # A recording to replay: one session of the line peer.
    port = peer(ctx, "line", set())
    Proc([SC, "-n", "--record", ctx.path("rec"), HOST, port],
         stdin=b"hi\n").wait()
    with open(ctx.path("fwd"), "w") as f:
        f.write("%s:%s\n" % (HOST, peer(ctx, "cat", set())))


def options():
    """The rows of --dump-options."""
    out = subprocess.run([SC, "--dump-options"], capture_output=True,
                         check=True).stdout.decode()
    rows = []
    for line in out.splitlines():
        f = line.split("\t")
        rows.append({"letter": f[0], "name": f[1], "has_arg": f[2],
                     "arg": f[3], "exits": f[8] == "1"})
    return rows


def fifo_writer(ctx):
    """A FIFO of its own for a case, a line written to it once it is
    opened, then its end."""
    with ctx.lock:
        ctx.nfifo = getattr(ctx, "nfifo", 0) + 1
        path = ctx.path("fifo%d" % ctx.nfifo)
    os.mkfifo(path)

    def write():
        end = time.monotonic() + LIFE
        while time.monotonic() < end:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.05)
                continue
            os.write(fd, b"hi\n")
            os.close(fd)
            return
    threading.Thread(target=write, daemon=True).start()
    return path


def key(o):
    """An option's name in the tables: its long name, else its letter."""
    return o["name"] if o["name"] != "-" else o["letter"]


def label(o):
    """An option as the report names it: its long name, else -LETTER."""
    return o["name"] if o["name"] != "-" else "-" + o["letter"]


def run_case(ctx, path, o):
    """Option o on path: (ok, what it came to)."""
    needs = {k for k, f in NEEDS.items() if f(o)}
    # Built without TLS, the subject refuses what needs it: no TLS peer.
    if not TLS:
        needs -= {"tls", "secret", "fwdtls"}
    args = sample(o, ctx, needs)
    if path == "client" and "proxy" in needs and o["letter"] != "x":
        args = ["-x", "%s:{proxy}" % HOST] + args
    args = fill(args, ctx, needs)
    # A client checks the server's certificate, a server the client's.
    args = [a.replace("{pin}", CERTS["srv" if path.endswith("client")
                                     else "cli"])
            for a in args]
    if key(o) == "fifo":
        args = [args[0], fifo_writer(ctx)]
    t0 = time.monotonic()
    subj, status = PATHS[path](ctx, args, needs)
    ok, text = judge(subj, status)
    return ok, text + " [%.1fs]" % (time.monotonic() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", default=",".join(PATHS))
    ap.add_argument("--options", default="")
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("dir")
    a = ap.parse_args()
    global TLS
    ctx = Case(a.dir)
    TLS = b"TLS: yes" in subprocess.run([SC, "--version"],
                                        capture_output=True).stdout
    rows = [o for o in options() if not o["exits"]]
    if a.options:
        want = a.options.split(",")
        rows = [o for o in rows if o["name"] in want or o["letter"] in want]
    try:
        setup(ctx)
        paths = a.paths.split(",")
        # --relay's clients meet by --secret's code: TLS.
        if not TLS and "relay" in paths:
            paths.remove("relay")
            print("# relay: passed over, built without TLS")
        cases = [(p, o) for p in paths for o in rows
                 if key(o) not in SKIP and (p, key(o)) not in SKIP_ON]
        failed = 0
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
            futs = {ex.submit(run_case, ctx, p, o): (p, o) for p, o in cases}
            for fut in concurrent.futures.as_completed(futs):
                p, o = futs[fut]
                try:
                    ok, text = fut.result()
                except Exception as e:  # a case that could not run
                    ok, text = False, "FAIL: %r" % e
                failed += not ok
                print("%s %s: %s" % (p, label(o), text), flush=True)
        print("# %d cases, %d failed" % (len(cases), failed))
        return 1 if failed else 0
    finally:
        for p in ctx.procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(main())
