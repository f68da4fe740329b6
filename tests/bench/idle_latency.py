#!/usr/bin/env python3
"""idle_latency.py: ack latency and webhook-to-upstream latency of an idle relay.

Usage: idle_latency.py UPSTREAM_PORT RELAY_URL PAYLOAD [COUNT] [GAP_MS]

Listens on 127.0.0.1:UPSTREAM_PORT as the relay's webhook upstream (answers
200 to every POST and notes when the first byte of each request arrived),
then posts PAYLOAD to RELAY_URL/webhook COUNT times (default 50), one at a
time with GAP_MS (default 50) of quiet in between so the relay is idle when
each one arrives, each with its own groupKey. For each it measures the time
from sending the request to the relay's answer (ack) and to the first byte
of the first request the upstream receives after it was sent (a webhook, or
a Telegram or Slack message when the relay's config says so). Prints one line:

IDLE count=N ack_p50_us=... ack_p99_us=... upstream_p50_us=... upstream_p99_us=... lost=K

lost counts notifications whose delivery did not arrive within 2 s.
"""
import http.client
import socket
import sys
import threading
import time
import urllib.parse

TELEGRAM_OK = (b'{"ok":true,"result":{"message_id":1,"date":0,'
               b'"chat":{"id":42,"type":"private"},"text":"x"}}')


def upstream(sock, arrivals, cond):
    """Accepts connections; each request's first byte time goes to arrivals."""
    def serve(conn):
        buf = b""
        start = None
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                if start is None:
                    start = time.monotonic()
                buf += chunk
                head, sep, rest = buf.partition(b"\r\n\r\n")
                if not sep:
                    continue
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v.strip())
                if len(rest) < length:
                    continue
                with cond:
                    arrivals.append((start, rest[:length]))
                    cond.notify_all()
                # Telegram's Bot API answers with the message; a webhook or
                # Slack takes any 2xx.
                path = head.split(b" ", 2)[1] if b" " in head else b""
                out = TELEGRAM_OK if b"/bot" in path else b"ok"
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(out), out))
                buf = rest[length:]
                start = time.monotonic() if buf else None
        except OSError:
            return
        finally:
            conn.close()

    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def pct(v, p):
    v = sorted(v)
    if not v:
        return 0
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def main():
    port = int(sys.argv[1])
    url = urllib.parse.urlsplit(sys.argv[2])
    body = open(sys.argv[3], "rb").read()
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    gap = (int(sys.argv[5]) if len(sys.argv) > 5 else 50) / 1000.0

    marker = b'"groupKey": "'
    at = body.find(marker)
    if at < 0:
        marker = b'"groupKey":"'
        at = body.find(marker)
    if at < 0:
        sys.exit("idle_latency: payload has no groupKey")
    head, tail = body[:at + len(marker)], body[at + len(marker):]

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(16)
    arrivals = []
    cond = threading.Condition()
    threading.Thread(target=upstream, args=(sock, arrivals, cond), daemon=True).start()

    conn = http.client.HTTPConnection(url.hostname, url.port)
    acks, ups, lost = [], [], 0
    stamp = int(time.time() * 1000)
    for i in range(count):
        time.sleep(gap)
        key = b"idle-%d-%d" % (stamp, i)
        req = head + key + b"/" + tail
        with cond:
            arrivals.clear()
        t0 = time.monotonic()
        conn.request("POST", "/webhook", body=req,
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        t1 = time.monotonic()
        if resp.status != 200:
            sys.exit("idle_latency: relay answered %d" % resp.status)
        acks.append(t1 - t0)
        deadline = t0 + 2.0
        got = None
        with cond:
            while got is None:
                if arrivals:
                    got = arrivals[0][0]
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                cond.wait(left)
        if got is None:
            lost += 1
        else:
            ups.append(got - t0)
    us = lambda s: int(s * 1e6)
    print("IDLE count=%d ack_p50_us=%d ack_p99_us=%d upstream_p50_us=%d "
          "upstream_p99_us=%d lost=%d" % (
              count, us(pct(acks, 50)), us(pct(acks, 99)), us(pct(ups, 50)),
              us(pct(ups, 99)), lost))


if __name__ == "__main__":
    main()
