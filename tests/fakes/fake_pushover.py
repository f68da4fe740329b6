#!/usr/bin/env python3
# fake_pushover.py: a fake Pushover API for the tests: POST
# /1/messages.json (parameters from a form body or the query string, as
# Pushover takes both), {"status":1,"request":...} and, for emergency
# priority, a receipt; Pushover's {"status":0,"errors":[...]} refusals
# (4xx), the monthly quota (429) and its X-Limit-App-* headers; the
# receipts API (poll, cancel) with acknowledgement and expiry driven from
# the tests. With tls_cert/tls_key set it also answers CONNECT as an HTTPS
# proxy for api.pushover.net, so a client whose URL is fixed (Alertmanager
# 0.25) can be pointed at it through http_config's proxy_url.

import json
import os
import re
import ssl
import sys
import time
import uuid
from urllib.parse import parse_qsl

sys.dont_write_bytecode = True	# keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib  # noqa: E402

# pushover.net/api#limits, counted in characters (runes).
LIMITS = {"message": 1024, "title": 250, "url": 512, "url_title": 100}
RECEIPT_RE = re.compile(r"^/1/receipts/([A-Za-z0-9]+)\.json$")
CANCEL_RE = re.compile(r"^/1/receipts/([A-Za-z0-9]+)/cancel\.json$")


def answer(status, obj, headers=None):
	return fakelib.Response(status, json.dumps(obj, separators=(",", ":")).encode(),
				"application/json; charset=utf-8", headers)


class FakePushover(fakelib.FakeService):
	name = "pushover"

	def default_config(self):
		return {
			# application token -> its monthly message quota
			"apps": {"azGDORePK8gMaC0QOYAMyEEuzJnyUi": {"limit": 10000}},
			# user (or group) key -> its device names
			"users": {"uQiRzpo4DXghDmr9QzzfQu27cmVRsG": ["phone", "tablet"]},
			# Pushover has no per-second limit; on for tests that want
			# one (429, as for the quota)
			"rate_limits_enabled": False,
			"rate": {"rate": 2, "burst": 2},
			# PEM files: answer CONNECT (an HTTPS proxy's tunnel)
			"tls_cert": "",
			"tls_key": "",
		}

	def reset_state(self):
		self.sent = {}		# token -> messages this month
		self.receipts = {}	# receipt -> its state
		self.next_receipt = 1

	def tls_context(self):
		if not self.config["tls_cert"]:
			return None
		ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
		ctx.load_cert_chain(self.config["tls_cert"], self.config["tls_key"])
		return ctx

	def forced_response(self, f, req):
		if f.get("close"):
			return fakelib.Response(0, close=True)
		st = int(f["status"])
		if "body" in f:
			return fakelib.Response(st, f["body"].encode(),
						f.get("content_type", "text/plain"))
		return self.refuse(st, f.get("errors", ["internal error"]
					     if st >= 500 else ["request failed"]))

	def refuse(self, status, errors, field=None, headers=None):
		obj = {}
		if field:
			obj[field[0]] = field[1]
		obj.update({"errors": errors, "status": 0,
			    "request": str(uuid.uuid4())})
		return answer(status, obj, headers)

	def quota_headers(self, token):
		limit = self.config["apps"][token]["limit"]
		return [["X-Limit-App-Limit", str(limit)],
			["X-Limit-App-Remaining", str(max(0, limit - self.sent.get(token, 0)))],
			["X-Limit-App-Reset", "1798761600"]]

	def params(self, req):
		"""Pushover reads the form body and the query string alike
		(Alertmanager sends everything in the query)."""
		p = dict(parse_qsl(req.query, keep_blank_values=True))
		if req.content_type() in ("application/x-www-form-urlencoded", ""):
			p.update(parse_qsl(req.body.decode("utf-8", "replace"),
					   keep_blank_values=True))
		return p

	def handle(self, req):
		if req.path == "/1/messages.json" and req.method == "POST":
			return self.message(self.params(req))
		m = RECEIPT_RE.match(req.path)
		if m and req.method == "GET":
			return self.poll(m.group(1), self.params(req))
		m = CANCEL_RE.match(req.path)
		if m and req.method == "POST":
			return self.cancel(m.group(1), self.params(req))
		return self.refuse(404, ["not found"])

	def check_app(self, p):
		t = p.get("token", "")
		if t not in self.config["apps"]:
			return None, self.refuse(400, ["application token is invalid"],
						 ("token", "invalid"))
		return t, None

	def message(self, p):
		token, bad = self.check_app(p)
		if bad:
			return bad
		user = p.get("user", "")
		devices = self.config["users"].get(user)
		if devices is None:
			return self.refuse(400, ["user identifier is not a valid user, "
					"group, or subscribed user key"], ("user", "invalid"))
		if p.get("message", "") == "":
			return self.refuse(400, ["message cannot be blank"],
					   ("message", "cannot be blank"))
		for k, n in LIMITS.items():
			if len(p.get(k, "")) > n:
				return self.refuse(400, ["%s is too long (maximum is %d "
					"characters)" % (k, n)], (k, "is too long"))
		for d in filter(None, p.get("device", "").split(",")):
			if d not in devices:
				return self.refuse(400, ["device name is not valid for "
					"user"], ("device", "invalid"))
		prio = p.get("priority", "0") or "0"
		if prio not in ("-2", "-1", "0", "1", "2"):
			return self.refuse(400, ["priority is invalid"],
					   ("priority", "invalid"))
		retry = expire = 0
		if prio == "2":
			try:
				retry, expire = int(p.get("retry", "")), int(p.get("expire", ""))
			except ValueError:
				return self.refuse(400, ["retry and expire are required "
					"for emergency priority"], ("retry", "invalid"))
			if retry < 30:
				return self.refuse(400, ["retry must be at least 30 "
					"seconds"], ("retry", "invalid"))
			if expire > 10800:
				return self.refuse(400, ["expire must be at most 10800 "
					"seconds"], ("expire", "invalid"))
		limit = self.config["apps"][token]["limit"]
		if self.sent.get(token, 0) >= limit:
			return self.refuse(429, ["application has exceeded its monthly "
				"message limit"], None, self.quota_headers(token))
		r = self.config["rate"]
		if self.limit(("app", token), r["rate"], r["burst"]):
			return self.refuse(429, ["too many concurrent requests"])
		self.sent[token] = self.sent.get(token, 0) + 1
		out = {"status": 1, "request": str(uuid.uuid4())}
		if prio == "2":
			rc = ("r%029d" % self.next_receipt)
			self.next_receipt += 1
			now = int(time.time())
			self.receipts[rc] = {
				"token": token, "user": user, "acknowledged": 0,
				"acknowledged_at": 0, "acknowledged_by": "",
				"acknowledged_by_device": "", "last_delivered_at": now,
				"expired": 0, "expires_at": now + expire,
				"called_back": 0, "called_back_at": 0,
				"cancelled": 0, "polls": 0,
			}
			out["receipt"] = rc
		return answer(200, out, self.quota_headers(token))

	def receipt(self, rc, p):
		token, bad = self.check_app(p)
		if bad:
			return None, bad
		r = self.receipts.get(rc)
		if r is None or r["token"] != token:
			return None, self.refuse(404, ["receipt not found; may be "
				"invalid or expired"], ("receipt", "not found"))
		if not r["expired"] and not r["acknowledged"] and \
		    int(time.time()) >= r["expires_at"]:
			r["expired"] = 1
		return r, None

	def poll(self, rc, p):
		r, bad = self.receipt(rc, p)
		if bad:
			return bad
		r["polls"] += 1
		out = {"status": 1}
		for k in ("acknowledged", "acknowledged_at", "acknowledged_by",
			  "acknowledged_by_device", "last_delivered_at", "expired",
			  "expires_at", "called_back", "called_back_at"):
			out[k] = r[k]
		out["request"] = str(uuid.uuid4())
		return answer(200, out)

	def cancel(self, rc, p):
		r, bad = self.receipt(rc, p)
		if bad:
			return bad
		r["cancelled"] = 1
		r["expired"] = 1
		return answer(200, {"status": 1, "request": str(uuid.uuid4())})

	def control(self, req):
		"""POST /_fake/acknowledge {"receipt", "device"}: the user
		acknowledged in the app; POST /_fake/expire {"receipt"}: it
		expired; GET /_fake/receipts: every receipt's state."""
		if req.path == "/_fake/receipts" and req.method == "GET":
			return answer(200, self.receipts)
		if req.method != "POST" or req.path not in ("/_fake/acknowledge",
							    "/_fake/expire"):
			return None
		c = json.loads(req.body or b"{}")
		r = self.receipts[c["receipt"]]
		if req.path == "/_fake/expire":
			r["expired"] = 1
		elif not r["acknowledged"] and not r["expired"]:
			r["acknowledged"] = 1
			r["acknowledged_at"] = int(c.get("at", time.time()))
			r["acknowledged_by"] = r["user"]
			r["acknowledged_by_device"] = c.get("device", "phone")
		return answer(200, {"ok": True})


if __name__ == "__main__":
	sys.exit(fakelib.main(FakePushover))
