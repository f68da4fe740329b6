#!/usr/bin/env python3
# fake_ntfy.py: a fake ntfy server for the tests: publish as JSON to the root
# (POST /), access tokens and protected topics, the 4,096-byte message limit,
# the visitor request limit, and ntfy's JSON error answers
# ({"code":40101,"http":401,"error":"unauthorized","link":...}).

import base64
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True	# keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib  # noqa: E402

TOPIC_RE = re.compile(r"^[-_A-Za-z0-9]{1,64}$")
AUTH_LINK = "https://ntfy.sh/docs/publish/#authentication"
LIMITS_LINK = "https://ntfy.sh/docs/publish/#limitations"

# ntfy's errHTTP values (server/errors.go): code, HTTP status, text, link.
ERRORS = {
	"json_invalid": (40024, 400, "invalid request: request body must be valid JSON", ""),
	"topic_invalid": (40009, 400, "invalid request: topic invalid", ""),
	"priority_invalid": (40007, 400, "invalid priority parameter",
			     "https://ntfy.sh/docs/publish/#message-priority"),
	"icon_invalid": (40021, 400, "invalid request: icon URL is invalid",
			 "https://ntfy.sh/docs/publish/#icons"),
	"not_found": (40401, 404, "page not found", ""),
	"unauthorized": (40101, 401, "unauthorized", AUTH_LINK),
	"forbidden": (40301, 403, "forbidden", AUTH_LINK),
	"too_large": (41301, 413, "attachment too large, or bandwidth limit reached",
		      LIMITS_LINK),
	"json_too_large": (41303, 413, "JSON body too large", ""),
	"too_many_requests": (42901, 429, "limit reached: too many requests",
			      LIMITS_LINK),
	"internal": (50001, 500, "internal server error", ""),
}
BY_STATUS = {401: "unauthorized", 403: "forbidden", 404: "not_found",
	     413: "too_large", 429: "too_many_requests", 500: "internal",
	     400: "json_invalid"}


def error_answer(kind):
	code, status, text, link = ERRORS[kind]
	obj = {"code": code, "http": status, "error": text}
	if link:
		obj["link"] = link
	# Go's json.Marshal (compact, keys in struct order) plus ntfy's "\n".
	body = json.dumps(obj, separators=(",", ":")) + "\n"
	return fakelib.Response(status, body.encode(), "application/json")


class FakeNtfy(fakelib.FakeService):
	name = "ntfy"

	def default_config(self):
		return {
			# token -> the topics it may write ("*": all).
			"tokens": {"tk_tocsintesttoken0000000000000": ["*"]},
			# user -> [password, topics it may write] for basic auth.
			"users": {"phil": ["mypass", ["*"]]},
			# Topics anonymous visitors may not write (ntfy's
			# auth-default-access read-only for these).
			"protected": ["private"],
			"message_limit": 4096,
			"rate_limits_enabled": True,
			# ntfy.sh: a burst of 60 requests, then one per 5 s.
			"rate": {"rate": 0.2, "burst": 60},
		}

	def reset_state(self):
		self.next_id = 0

	def forced_response(self, f, req):
		if f.get("close"):
			return fakelib.Response(0, close=True)
		st = int(f["status"])
		if "body" in f:
			headers = [[k, str(v)] for k, v in f.get("headers", {}).items()]
			return fakelib.Response(st, f["body"].encode(),
						f.get("content_type", "application/json"), headers)
		return error_answer(f.get("error", BY_STATUS.get(st, "internal")))

	def _user(self, req):
		"""(who, topics) for the Authorization header; (None, None) when
		there is none; "bad" when it does not authenticate."""
		h = (req.header("Authorization") or "").strip()
		low = h.lower()
		if low.startswith("bearer "):
			topics = self.config["tokens"].get(h[7:].strip())
			return ("bad", None) if topics is None else ("token", topics)
		if low.startswith("basic "):
			try:
				u, _, p = base64.b64decode(h[6:].strip()).decode().partition(":")
			except (ValueError, UnicodeDecodeError):
				return "bad", None
			ent = self.config["users"].get(u)
			if ent is None or ent[0] != p:
				return "bad", None
			return "user:" + u, ent[1]
		return None, None

	def handle(self, req):
		# server.go: authenticate, then route, the JSON, the topic, the
		# request limit, the topic's access, then the message itself.
		who, topics = self._user(req)
		if who == "bad":
			return error_answer("unauthorized")
		if req.path != "/" or req.method not in ("POST", "PUT"):
			return error_answer("not_found")
		if len(req.body) > 2 * int(self.config["message_limit"]):
			return error_answer("json_too_large")
		try:
			m = json.loads(req.body.decode("utf-8"))
		except (UnicodeDecodeError, ValueError):
			return error_answer("json_invalid")
		if not isinstance(m, dict):
			return error_answer("json_invalid")
		topic = m.get("topic")
		if not isinstance(topic, str) or not TOPIC_RE.match(topic):
			return error_answer("topic_invalid")
		r = self.config["rate"]
		if self.limit(("visitor", who or "anonymous"), r["rate"], r["burst"]):
			return error_answer("too_many_requests")
		# Other topics are everyone's (auth-default-access read-write).
		if topic in self.config["protected"] and (topics is None or
		    ("*" not in topics and topic not in topics)):
			return error_answer("forbidden")
		prio = m.get("priority", 0)
		if not isinstance(prio, int) or isinstance(prio, bool) or not 0 <= prio <= 5:
			return error_answer("priority_invalid")
		icon = m.get("icon", "")
		if icon and not re.match(r"^https?://", str(icon)):
			return error_answer("icon_invalid")
		text = str(m.get("message") or "")
		if len(text.encode("utf-8")) > int(self.config["message_limit"]):
			return error_answer("too_large")
		text = text.strip() or "triggered"
		self.next_id += 1
		out = {"id": "fake%08d" % self.next_id, "time": int(time.time()),
		       "expires": int(time.time()) + 43200, "event": "message",
		       "topic": topic}
		for k in ("title",):
			if m.get(k):
				out[k] = m[k]
		out["message"] = text
		if prio:
			out["priority"] = prio
		for k in ("tags", "click", "icon"):
			if m.get(k):
				out[k] = m[k]
		if m.get("markdown") is True:
			out["content_type"] = "text/markdown"
		body = json.dumps(out, separators=(",", ":"), ensure_ascii=False) + "\n"
		return fakelib.Response(200, body.encode(), "application/json")


if __name__ == "__main__":
	sys.exit(fakelib.main(FakeNtfy))
