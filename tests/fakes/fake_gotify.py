#!/usr/bin/env python3
# fake_gotify.py: a fake Gotify server for the tests: POST /message with an
# application token (X-Gotify-Key, ?token= or Authorization: Bearer), the
# message it created as the answer, and Gotify's JSON error bodies
# ({"error","errorCode","errorDescription"}) for 401, 403, 400 and 404.

import base64
import binascii
import datetime
import json
import os
import sys
from urllib.parse import parse_qsl

sys.dont_write_bytecode = True	# keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib  # noqa: E402

STATUS_TEXT = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
	       404: "Not Found", 405: "Method Not Allowed", 429: "Too Many Requests",
	       500: "Internal Server Error", 502: "Bad Gateway",
	       503: "Service Unavailable", 504: "Gateway Timeout"}

# The errorDescription Gotify gives for each refusal.
NO_TOKEN = ("you need to provide a valid access token or user credentials to "
	    "access this api")
NOT_ALLOWED = "you are not allowed to access this api"


def go_json(obj):
	"""Compact JSON as Go's encoding/json writes it (gin's ctx.JSON):
	no spaces, UTF-8 kept, <, > and & escaped."""
	s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
	return (s.replace("<", "\\u003c").replace(">", "\\u003e")
		.replace("&", "\\u0026").replace("\u2028", "\\u2028")
		.replace("\u2029", "\\u2029"))


def error_answer(status, description, headers=None):
	body = go_json({"error": STATUS_TEXT.get(status, "Error"),
			"errorCode": status, "errorDescription": description})
	return fakelib.Response(status, body.encode(),
				"application/json; charset=utf-8", headers)


def go_kind(v):
	"""The JSON kind as Go's UnmarshalTypeError names it."""
	if isinstance(v, bool):
		return "bool"
	if isinstance(v, (int, float)):
		return "number"
	if isinstance(v, str):
		return "string"
	if isinstance(v, list):
		return "array"
	if isinstance(v, dict):
		return "object"
	return "null"


def type_error(kind, field, gotype):
	return ("json: cannot unmarshal %s into Go struct field "
		"MessageExternal.%s of type %s" % (kind, field, gotype))


class FakeGotify(fakelib.FakeService):
	name = "gotify"

	def default_config(self):
		return {
			# application token -> the application it belongs to
			"apps": {"ATESTtoken.1234": {"id": 1, "name": "tocsin",
						     "default_priority": 0}},
			# user name -> password, for basic auth (403 here)
			"users": {"admin": "admin"},
			# where the server is mounted behind a proxy ("/gotify")
			"base_path": "",
			# Gotify has none; on for tests that want a 429
			"rate_limits_enabled": False,
			"rate": {"rate": 1, "burst": 3},
		}

	def reset_state(self):
		self.next_id = 1

	def forced_response(self, f, req):
		if f.get("close"):
			return fakelib.Response(0, close=True)
		st = int(f["status"])
		headers = [[k, str(v)] for k, v in f.get("headers", {}).items()]
		if st == 429:
			headers.append(["Retry-After", str(int(f.get("retry_after", 1)))])
		if "body" in f:
			return fakelib.Response(st, f["body"].encode(),
						f.get("content_type", "text/plain"), headers)
		return error_answer(st, f.get("description",
			"database is locked" if st >= 500 else
			STATUS_TEXT.get(st, "error").lower()), headers)

	def token(self, req):
		"""Where Gotify looks, in its order: ?token=, X-Gotify-Key,
		Authorization: Bearer."""
		t = dict(parse_qsl(req.query)).get("token", "")
		if t:
			return t
		t = req.header("X-Gotify-Key") or ""
		if t:
			return t
		a = req.header("Authorization") or ""
		if a[:7].lower() == "bearer ":
			return a[7:]
		return ""

	def basic_user(self, req):
		a = req.header("Authorization") or ""
		if a[:6].lower() != "basic ":
			return None
		try:
			name, _, pw = base64.b64decode(a[6:]).decode().partition(":")
		except (binascii.Error, UnicodeDecodeError):
			return None
		return name if self.config["users"].get(name) == pw else None

	def handle(self, req):
		if req.path != self.config["base_path"] + "/message" or req.method != "POST":
			return error_answer(404, "page not found")
		# Authentication comes before the body: a bad token with a bad
		# body is a 401.
		app = self.config["apps"].get(self.token(req))
		if app is None:
			if self.basic_user(req) is not None:
				return error_answer(403, NOT_ALLOWED)
			return error_answer(401, NO_TOKEN)

		msg, err = self.bind(req)
		if err is not None:
			return error_answer(400, err)
		r = self.config["rate"]
		wait = self.limit(("app", app["id"]), r["rate"], r["burst"])
		if wait:
			return error_answer(429, "too many requests",
					    [["Retry-After", str(wait)]])
		out = {"id": self.next_id, "appid": app["id"],
		       "message": msg["message"],
		       "title": msg["title"] if msg["title"].strip() else app["name"],
		       "priority": msg["priority"] if msg["priority"] is not None
		       else app.get("default_priority", 0)}
		self.next_id += 1
		if msg["extras"]:
			out["extras"] = msg["extras"]
		out["date"] = datetime.datetime.now(datetime.timezone.utc).strftime(
			"%Y-%m-%dT%H:%M:%S.%fZ")
		return fakelib.Response(200, go_json(out).encode(),
					"application/json; charset=utf-8")

	def bind(self, req):
		"""gin's ctx.Bind into MessageExternal: JSON (extras only there)
		for application/json, a form for any other type (gin's default
		binding); the message is required (and "" counts as missing)."""
		ct = req.content_type()
		msg = {"title": "", "message": "", "priority": None, "extras": None}
		if ct != "application/json":
			form = dict(parse_qsl(req.body.decode("utf-8", "replace"),
					      keep_blank_values=True))
			msg["title"] = form.get("title", "")
			msg["message"] = form.get("message", "")
			if "priority" in form:
				try:
					msg["priority"] = int(form["priority"])
				except ValueError:
					return None, ('strconv.ParseInt: parsing "%s": '
						      'invalid syntax' % form["priority"])
		else:
			body = req.body.decode("utf-8", "replace")
			if body.strip() == "":
				return None, "EOF"
			try:
				v = json.loads(body)
			except ValueError as e:
				c = body[e.pos] if e.pos < len(body) else ""
				if c == "":
					return None, "unexpected EOF"
				return None, ("invalid character %r looking for beginning "
					      "of value" % c)
			if not isinstance(v, dict):
				return None, ("json: cannot unmarshal %s into Go value of "
					      "type model.MessageExternal" % go_kind(v))
			for k, gotype in (("title", "string"), ("message", "string")):
				if k in v and v[k] is not None:
					if not isinstance(v[k], str):
						return None, type_error(go_kind(v[k]), k, gotype)
					msg[k] = v[k]
			p = v.get("priority")
			if p is not None:
				if isinstance(p, bool) or not isinstance(p, int):
					kind = go_kind(p)
					if kind == "number":
						kind = "number %s" % json.dumps(p)
					return None, type_error(kind, "priority", "int")
				msg["priority"] = p
			e = v.get("extras")
			if e is not None:
				if not isinstance(e, dict):
					return None, type_error(go_kind(e), "extras",
								"map[string]interface {}")
				msg["extras"] = e
		if msg["message"] == "":
			return None, "Field 'message' is required"
		return msg, None


if __name__ == "__main__":
	sys.exit(fakelib.main(FakeGotify))
