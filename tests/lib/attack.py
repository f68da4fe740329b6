#!/usr/bin/env python3
"""attack.py: small-scale versions of the attacks an HTTP server must survive,
for the script tests. Every run is bounded in connections and time and
talks to a loopback port only.

  slow PORT SRC COUNT INTERVAL FOR
      COUNT connections from address SRC that send a request's headers one
      byte every INTERVAL seconds and never finish them. Runs until every
      connection was closed by the server, or FOR seconds. Prints
      "opened=N closed=M last_close=S" (S: seconds from the start to the
      last close the server made; -1 when none).
  halfbody PORT SRC COUNT LENGTH HOLD [PATH]
      COUNT POSTs announcing LENGTH bytes that send half of them, hold the
      connections HOLD seconds, then close them. Prints one line per
      connection that got an answer meanwhile ("early=<status>") and
      "opened=N".
  post PORT SRC LENGTH [PATH]
      One POST announcing LENGTH bytes that sends only its headers and
      prints the status line's code the server answers before the body
      (or "none" after 5 s).
  flood PORT SRC USER PASSWORD FOR THREADS
      THREADS clients from SRC sending GET /-/healthy with wrong
      credentials, one after another, for FOR seconds. Prints the count
      of each status: "401=N 429=M ...".
  good PORT SRC USER PASSWORD FOR
      One client from SRC sending GET /-/healthy with the right
      credentials for FOR seconds. Prints "ok=N other=M".
"""
import base64
import collections
import select
import socket
import sys
import threading
import time


def connect(port, src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def closed_by_peer(s):
    """True when the server closed or reset the connection."""
    r, _, _ = select.select([s], [], [], 0)
    if not r:
        return False
    try:
        return s.recv(4096) == b""
    except OSError:
        return True


def slow(port, src, count, interval, duration):
    start = time.monotonic()
    conns = []
    for _ in range(count):
        try:
            s = connect(port, src)
        except OSError:
            continue
        s.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        conns.append(s)
    opened = len(conns)
    closed, last = 0, -1.0
    while conns and time.monotonic() - start < duration:
        time.sleep(interval)
        for s in list(conns):
            gone = closed_by_peer(s)
            if not gone:
                try:
                    s.send(b"a")
                except OSError:
                    gone = True
            if gone:
                closed += 1
                last = time.monotonic() - start
                conns.remove(s)
                s.close()
    for s in conns:
        s.close()
    print("opened=%d closed=%d last_close=%.1f" % (opened, closed, last))


def status_of(data):
    line = data.split(b"\r\n", 1)[0].split()
    return line[1].decode() if len(line) > 1 else "none"


def halfbody(port, src, count, length, hold, path):
    conns = []
    head = ("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n\r\n" % (path, length)).encode()
    for _ in range(count):
        try:
            s = connect(port, src)
            s.sendall(head + b" " * (length // 2))
        except OSError:
            continue
        conns.append(s)
    print("opened=%d" % len(conns), flush=True)
    end = time.monotonic() + hold
    while time.monotonic() < end:
        time.sleep(0.2)
        for s in list(conns):
            r, _, _ = select.select([s], [], [], 0)
            if r:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                print("early=%s" % status_of(data), flush=True)
                conns.remove(s)
                s.close()
    for s in conns:
        s.close()


def post(port, src, length, path):
    s = connect(port, src)
    s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: %d\r\n\r\n" % (path, length)).encode())
    try:
        data = s.recv(4096)
    except OSError:
        data = b""
    s.close()
    print(status_of(data))


def get(port, src, user, password):
    auth = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    s = connect(port, src)
    s.settimeout(30)
    try:
        s.sendall(("GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                   "Authorization: Basic %s\r\n\r\n" % auth).encode())
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    s.close()
    return status_of(data)


def flood(port, src, user, password, duration, threads):
    counts = collections.Counter()
    lock = threading.Lock()
    end = time.monotonic() + duration

    def run(i):
        while time.monotonic() < end:
            st = get(port, src, user, "%s-wrong-%d" % (password, i))
            with lock:
                counts[st] += 1

    ts = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print(" ".join("%s=%d" % kv for kv in sorted(counts.items())))


def good(port, src, user, password, duration):
    ok = other = 0
    end = time.monotonic() + duration
    while time.monotonic() < end:
        if get(port, src, user, password) == "200":
            ok += 1
        else:
            other += 1
    print("ok=%d other=%d" % (ok, other))


def main(argv):
    cmd, port, src = argv[1], int(argv[2]), argv[3]
    if cmd == "slow":
        slow(port, src, int(argv[4]), float(argv[5]), float(argv[6]))
    elif cmd == "halfbody":
        halfbody(port, src, int(argv[4]), int(argv[5]), float(argv[6]),
                 argv[7] if len(argv) > 7 else "/webhook")
    elif cmd == "post":
        post(port, src, int(argv[4]), argv[5] if len(argv) > 5 else "/webhook")
    elif cmd == "flood":
        flood(port, src, argv[4], argv[5], float(argv[6]), int(argv[7]))
    elif cmd == "good":
        good(port, src, argv[4], argv[5], float(argv[6]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
