#!/usr/bin/env python3
"""An independent TCP peer for the tests: it sends, reads, floods or holds
a connection as told, and reports exactly what it received and whether it
saw end-of-file, so that sockcat is never tested against itself alone."""

import argparse
import os
import socket
import sys
import threading
import time


def wait_file(path, text, deadline):
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                if text.encode() in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.02)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", metavar="PORTFILE",
                    help="listen on 127.0.0.1:0, write the port here")
    ap.add_argument("--connect", type=int, metavar="PORT")
    ap.add_argument("--send", type=int, default=0,
                    help="send this many lines, then shut down writing")
    ap.add_argument("--send-after", nargs=2, metavar=("FILE", "TEXT"),
                    help="send only once FILE contains TEXT")
    ap.add_argument("--flood", action="store_true",
                    help="keep sending until the deadline, never shut down")
    ap.add_argument("--read", metavar="OUT",
                    help="read until EOF, save to OUT, report eof/timeout")
    ap.add_argument("--deadline", type=float, default=5.0)
    a = ap.parse_args()

    deadline = time.monotonic() + a.deadline
    if a.listen:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        tmp = a.listen + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % ls.getsockname()[1])
        os.rename(tmp, a.listen)
        ls.settimeout(a.deadline)
        s, _ = ls.accept()
        ls.close()
    else:
        s = socket.create_connection(("127.0.0.1", a.connect),
                                     timeout=a.deadline)

    # Set once the reading is over: a flood has no one left to press.
    done = threading.Event()

    def sender():
        try:
            if a.send_after and not wait_file(a.send_after[0],
                                              a.send_after[1], deadline):
                return
            if a.flood:
                chunk = b"f" * 65536
                s.settimeout(0.2)
                while time.monotonic() < deadline and not done.is_set():
                    try:
                        s.send(chunk)
                    except socket.timeout:
                        pass
                return
            for i in range(a.send):
                s.sendall(b"peer line %d\n" % i)
            if a.send:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    result = "none"
    if a.read:
        got = bytearray()
        result = "timeout"
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                result = "error"
                break
            if not data:
                result = "eof"
                break
            got += data
        done.set()
        with open(a.read, "wb") as f:
            f.write(got)
    else:
        # Hold the connection until the deadline or until the sender ends.
        t.join(max(0.0, deadline - time.monotonic()))
        if a.flood:
            t.join()
    t.join(max(0.0, deadline - time.monotonic()))
    print(result)
    sys.stdout.flush()
    s.close()


if __name__ == "__main__":
    main()
