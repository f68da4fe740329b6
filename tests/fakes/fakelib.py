# fakelib.py: what the fake Telegram and Slack servers share: a threaded
# HTTP/1.1 server on a loopback port, a record of every request, a fake
# clock, token-bucket rate limits, forced responses and the /_fake/ API.
#
# Standard library only, so the tests need nothing beyond Debian's python3.

import argparse
import base64
import json
import math
import os
import signal
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


class Response:
	"""One HTTP answer. close=True drops the connection without answering,
	which a client sees as a network error."""

	def __init__(self, status, body=b"", content_type="text/plain",
		     headers=None, close=False):
		self.status = status
		self.body = body if isinstance(body, bytes) else body.encode()
		self.content_type = content_type
		self.headers = headers or []
		self.close = close
		self.delay = 0.0


class Bucket:
	"""Token bucket: `burst` requests at once, then `rate` per second.
	Refused requests take no token, like the real services."""

	def __init__(self, rate, burst, now):
		self.rate = float(rate)
		self.burst = float(burst)
		self.tokens = float(burst)
		self.stamp = now

	def take(self, now):
		"""Returns 0 when the request may pass, else the whole seconds to
		wait (at least 1), as retry_after / Retry-After express it."""
		self.tokens = min(self.burst,
				  self.tokens + (now - self.stamp) * self.rate)
		self.stamp = now
		if self.tokens >= 1.0:
			self.tokens -= 1.0
			return 0
		# The epsilon keeps float noise (1/3 * 3) from adding a second.
		return max(1, math.ceil((1.0 - self.tokens) / self.rate - 1e-9))


class FakeService:
	"""State of one fake. Subclasses implement handle() and default_config().
	Every method runs under self.lock (handlers are serialised: the fakes
	care about exact order, not throughput)."""

	name = "fake"

	def __init__(self, config=None):
		self.lock = threading.Lock()
		self.offset = 0.0
		self.frozen = None
		# record_requests false keeps only counts (for benchmarks).
		self.config = {"record_requests": True}
		self.config.update(self.default_config())
		if config:
			self.merge_config(config)
		self.reset()

	# Fake clock: real monotonic time plus what /_fake/advance added, so a
	# test can skip a retry_after without sleeping.
	def now(self):
		if self.frozen is not None:
			return self.frozen
		return time.monotonic() + self.offset

	def set_clock(self, frozen=None, advance=0.0):
		if advance < 0:
			raise ValueError("seconds must not be negative")
		if frozen is True and self.frozen is None:
			self.frozen = self.now()
		elif frozen is False and self.frozen is not None:
			self.offset = self.frozen - time.monotonic()
			self.frozen = None
		if self.frozen is not None:
			self.frozen += advance
		else:
			self.offset += advance

	def reset(self):
		self.records = []
		self.count = 0
		self.by_status = {}
		self.forced = []
		self.buckets = {}
		self.offset = 0.0
		self.frozen = None
		self.reset_state()

	def reset_state(self):
		pass

	def default_config(self):
		return {}

	def merge_config(self, cfg):
		if not isinstance(cfg, dict):
			raise ValueError("config must be a JSON object")
		for k, v in cfg.items():
			if k == "force":
				continue
			if k not in self.config:
				raise ValueError("unknown config key %r" % k)
			self.config[k] = v
		if "force" in cfg:
			self.add_forced(cfg["force"])

	def add_forced(self, items):
		if not isinstance(items, list):
			raise ValueError("force must be a list")
		for it in items:
			if not isinstance(it, dict) or not ("status" in it or
			    it.get("close") or "delay" in it or it.get("echo") or
			    "body_bytes" in it):
				raise ValueError("each forced response needs status, "
						 "close, delay, echo or body_bytes")
			n = int(it.get("count", 1))
			for _ in range(n):
				self.forced.append(dict(it))

	def take_forced(self):
		if self.forced:
			return self.forced.pop(0)
		return None

	def limit(self, key, rate, burst):
		"""Rate-limits key; returns 0 or the seconds to wait."""
		if not self.config.get("rate_limits_enabled", True):
			return 0
		now = self.now()
		b = self.buckets.get(key)
		if b is None or b.rate != float(rate) or b.burst != float(burst):
			b = self.buckets[key] = Bucket(rate, burst, now)
		return b.take(now)

	def handle(self, req):
		raise NotImplementedError

	def control(self, req):
		"""A fake's own /_fake/ endpoints: a Response, or None for
		"no such control endpoint"."""
		return None

	def tls_context(self):
		"""An ssl.SSLContext to answer CONNECT with (the fake then acts
		as an HTTPS proxy that terminates the tunnel itself, for a
		client that cannot be pointed elsewhere); None refuses CONNECT."""
		return None


class Request:
	def __init__(self, method, raw_path, headers, body):
		self.method = method
		self.raw_path = raw_path
		parts = urlsplit(raw_path)
		self.path = parts.path
		self.query = parts.query
		self.headers = headers
		self.body = body

	def header(self, name):
		name = name.lower()
		for k, v in self.headers:
			if k.lower() == name:
				return v
		return None

	def content_type(self):
		ct = self.header("Content-Type") or ""
		return ct.split(";")[0].strip().lower()


def echo_response(status, req):
	"""The answer of a server that quotes what it got in its error, as
	some proxies and frameworks do: the request line, every header and the
	body, as text."""
	lines = ["%s %s HTTP/1.1" % (req.method, req.raw_path)]
	lines += ["%s: %s" % (k, v) for k, v in req.headers]
	body = "\n".join(lines).encode() + b"\n\n" + req.body
	return Response(status, body, "text/plain")


def _json_response(status, obj):
	return Response(status, json.dumps(obj).encode(), "application/json")


class Handler(BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"
	server_version = "fake"
	sys_version = ""

	def setup(self):
		super().setup()
		# Headers and body go out in two writes; without this, Nagle and
		# delayed ACKs hold every keep-alive answer back by 40 ms.
		self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

	def log_message(self, fmt, *args):
		if self.server.verbose:
			sys.stderr.write("%s: %s\n" % (self.server.service.name,
						       fmt % args))

	def _read_body(self):
		te = (self.headers.get("Transfer-Encoding") or "").lower()
		if "chunked" in te:
			out = bytearray()
			while True:
				line = self.rfile.readline(1024)
				size = int(line.split(b";")[0].strip() or b"0", 16)
				if size == 0:
					while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
						pass
					return bytes(out)
				out += self.rfile.read(size)
				self.rfile.readline(16)
		n = int(self.headers.get("Content-Length") or 0)
		return self.rfile.read(n) if n > 0 else b""

	def _dispatch(self):
		body = self._read_body()
		req = Request(self.command, self.path,
			      list(self.headers.items()), body)
		svc = self.server.service
		with svc.lock:
			received = svc.now()
			if req.path.startswith("/_fake/"):
				resp = self._control(svc, req)
				record = None
			else:
				resp = self._service(svc, req)
				svc.count += 1
				st = str(0 if resp.close else resp.status)
				svc.by_status[st] = svc.by_status.get(st, 0) + 1
				record = {
					"seq": svc.count,
					"method": req.method,
					"path": req.raw_path,
					"headers": [[k, v] for k, v in req.headers],
					"body_b64": base64.b64encode(body).decode(),
					"body": body.decode("utf-8", "replace"),
					"status": 0 if resp.close else resp.status,
					"response": resp.body.decode("utf-8", "replace"),
					"received_ms": int(received * 1000),
				}
				if svc.config.get("record_requests", True):
					svc.records.append(record)
		# Delays run outside the lock: a slow answer to one client must
		# not hold up the others.
		if resp.delay > 0:
			time.sleep(resp.delay)
		if resp.close:
			self.close_connection = True
			return
		try:
			self.send_response(resp.status)
			self.send_header("Content-Type", resp.content_type)
			self.send_header("Content-Length", str(len(resp.body)))
			for k, v in resp.headers:
				self.send_header(k, v)
			self.end_headers()
			if self.command != "HEAD":
				self.wfile.write(resp.body)
		except (BrokenPipeError, ConnectionResetError):
			# The client gave up (its timeout); nothing to answer.
			self.close_connection = True

	def _service(self, svc, req):
		forced = svc.take_forced()
		if forced is None:
			return svc.handle(req)
		if forced.get("echo"):
			resp = echo_response(int(forced.get("status", 400)), req)
		elif "body_bytes" in forced:
			resp = Response(int(forced.get("status", 200)),
					b"x" * int(forced["body_bytes"]))
		elif "status" in forced or forced.get("close"):
			resp = svc.forced_response(forced, req)
		else:
			resp = svc.handle(req)
		resp.delay = float(forced.get("delay", 0))
		return resp

	def _control(self, svc, req):
		p, m = req.path, req.method
		try:
			if p == "/_fake/requests" and m == "GET":
				since = int(dict(parse_qsl(req.query)).get("since", 0))
				return _json_response(200, [r for r in svc.records
							    if r["seq"] > since])
			if p == "/_fake/count" and m == "GET":
				return _json_response(200, {"requests": svc.count,
					"by_status": svc.by_status})
			if p == "/_fake/config" and m == "GET":
				return _json_response(200, {"config": svc.config,
					"forced_pending": len(svc.forced)})
			if p == "/_fake/reset" and m == "POST":
				svc.reset()
				return _json_response(200, {"ok": True})
			if p == "/_fake/config" and m == "POST":
				svc.merge_config(json.loads(req.body or b"{}"))
				return _json_response(200, {"ok": True})
			if p == "/_fake/clock" and m == "POST":
				# {"freeze": true|false, "advance": seconds}
				c = json.loads(req.body or b"{}")
				svc.set_clock(c.get("freeze"), float(c.get("advance", 0)))
				return _json_response(200, {"ok": True,
					"now_ms": int(svc.now() * 1000)})
			own = svc.control(req)
			if own is not None:
				return own
		except (ValueError, KeyError, TypeError) as e:
			return _json_response(400, {"ok": False, "error": str(e)})
		return _json_response(404, {"ok": False,
			"error": "no such control endpoint"})

	do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _dispatch

	def do_CONNECT(self):
		"""An HTTPS proxy's tunnel, ended here: the requests inside it
		are the service's, read from the TLS connection as any other."""
		ctx = self.server.service.tls_context()
		if ctx is None:
			self.send_error(405)
			return
		self.send_response(200, "Connection established")
		self.end_headers()
		try:
			tls = ctx.wrap_socket(self.connection, server_side=True)
		except (OSError, ValueError):
			self.close_connection = True
			return
		self.connection = tls
		self.rfile = tls.makefile("rb", self.rbufsize)
		self.wfile = socketserver._SocketWriter(tls)


class Server(ThreadingHTTPServer):
	daemon_threads = True
	allow_reuse_address = True


def main(service_class, argv=None):
	ap = argparse.ArgumentParser(description="fake %s server for tests"
				     % service_class.name)
	ap.add_argument("--port", type=int, default=0,
			help="port on 127.0.0.1; 0 picks a free one")
	ap.add_argument("--port-file",
			help="write the port here once listening")
	ap.add_argument("--config",
			help="JSON file merged into the default config")
	ap.add_argument("--verbose", action="store_true")
	args = ap.parse_args(argv)

	cfg = None
	if args.config:
		with open(args.config, encoding="utf-8") as f:
			cfg = json.load(f)
	srv = Server(("127.0.0.1", args.port), Handler)
	srv.service = service_class(cfg)
	srv.verbose = args.verbose
	port = srv.server_address[1]
	if args.port_file:
		# Rename so that a reader never sees a half-written port.
		tmp = args.port_file + ".tmp"
		with open(tmp, "w") as f:
			f.write("%d\n" % port)
		os.rename(tmp, args.port_file)

	def stop(signum, frame):
		threading.Thread(target=srv.shutdown, daemon=True).start()

	signal.signal(signal.SIGTERM, stop)
	signal.signal(signal.SIGINT, stop)

	# A test killed with SIGKILL runs no trap: leave with the parent
	# rather than linger on a port forever.
	parent = os.getppid()

	def orphan_watch():
		while os.getppid() == parent:
			time.sleep(0.5)
		srv.shutdown()

	threading.Thread(target=orphan_watch, daemon=True).start()
	srv.serve_forever(poll_interval=0.1)
	srv.server_close()
	return 0
