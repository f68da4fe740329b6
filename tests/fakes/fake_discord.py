#!/usr/bin/env python3
# fake_discord.py: a fake Discord "Execute Webhook" endpoint for the tests,
# with Discord's JSON answers (204, or 200 and the message with ?wait=true;
# Unknown Webhook, Invalid Webhook Token, Invalid Form Body with its
# per-field errors, Cannot send an empty message), its length rules and its
# limit of 5 requests per 2 s per webhook with retry_after and the
# X-RateLimit-* headers.

import json
import math
import os
import re
import sys
import time
from urllib.parse import parse_qsl

sys.dont_write_bytecode = True	# keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib  # noqa: E402

# /api/webhooks/<id>/<token>, with or without an API version.
PATH = re.compile(r"^/api(?:/v\d+)?/webhooks/([^/]+)/([^/]+)/?$")
BUCKET = "f0a5c3e1b2d4968778695a4b3c2d1e0f"

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_EMBED_TOTAL = 6000
MAX_USERNAME = 80
MAX_COLOR = 0xFFFFFF

REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
	   404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error",
	   502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def answer(status, obj, headers=None):
	# Discord's bodies read as Python's json.dumps writes them.
	return fakelib.Response(status, json.dumps(obj).encode(),
				"application/json", headers)


def error(status, message, code):
	return answer(status, {"message": message, "code": code})


def form_error(code, message):
	return {"_errors": [{"code": code, "message": message}]}


def invalid_form(errors):
	return answer(400, {"code": 50035, "errors": errors,
			    "message": "Invalid Form Body"})


def length(v):
	"""Characters as Discord counts them: leading and trailing white
	space is trimmed first."""
	return len(v.strip())


class FakeDiscord(fakelib.FakeService):
	name = "discord"

	def default_config(self):
		return {
			# webhook id -> token; an id not here is deleted/unknown.
			"webhooks": {"123456789012345678": "TEST-token"},
			"rate_limits_enabled": True,
			# A fixed window per webhook: `limit` requests, then 429
			# until `per` seconds after the window's first request.
			"rate": {"limit": 5, "per": 2.0},
		}

	def reset_state(self):
		self.windows = {}
		self.next_id = 1300000000000000000

	def forced_response(self, f, req):
		if f.get("close"):
			return fakelib.Response(0, close=True)
		st = int(f["status"])
		headers = [[k, str(v)] for k, v in f.get("headers", {}).items()]
		if "body" in f:
			return fakelib.Response(st, f["body"].encode(),
				f.get("content_type", "application/json"), headers)
		if st == 429:
			ra = float(f.get("retry_after", 1))
			return self.rate_limited(ra, headers, bool(f.get("global")))
		return answer(st, {"message": "%d: %s" % (st, REASONS.get(st, "Error")),
				   "code": 0}, headers)

	def rate_limited(self, wait, headers=None, glob=False):
		headers = list(headers or [])
		headers.append(["Retry-After", str(max(1, math.ceil(wait)))])
		if glob:
			headers += [["X-RateLimit-Global", "true"],
				    ["X-RateLimit-Scope", "global"]]
		else:
			headers += self.rl_headers(0, wait) + [["X-RateLimit-Scope", "user"]]
		return answer(429, {"message": "You are being rate limited.",
				    "retry_after": round(wait, 3), "global": glob}, headers)

	def rl_headers(self, remaining, reset_after):
		lim = int(self.config["rate"]["limit"])
		return [["X-RateLimit-Limit", str(lim)],
			["X-RateLimit-Remaining", str(remaining)],
			["X-RateLimit-Reset", "%.3f" % (time.time() + reset_after)],
			["X-RateLimit-Reset-After", "%.3f" % reset_after],
			["X-RateLimit-Bucket", BUCKET]]

	def take(self, wid):
		"""Counts a request on the webhook's window: (0, remaining,
		reset_after) when it may pass, else (wait, 0, wait)."""
		r = self.config["rate"]
		lim, per = int(r["limit"]), float(r["per"])
		now = self.now()
		start, used = self.windows.get(wid, (None, 0))
		if start is None or now >= start + per:
			start, used = now, 0
		if not self.config.get("rate_limits_enabled", True):
			return 0, lim, per
		if used >= lim:
			wait = start + per - now
			return wait, 0, wait
		self.windows[wid] = (start, used + 1)
		return 0, lim - used - 1, start + per - now

	def body_of(self, req):
		"""The request's fields, or a Response for a body Discord
		refuses."""
		ct = req.content_type()
		try:
			text = req.body.decode("utf-8")
		except UnicodeDecodeError:
			return error(400, "The request body contains invalid JSON.", 50109)
		if ct == "application/json":
			try:
				body = json.loads(text) if text.strip() else {}
			except ValueError:
				return error(400, "The request body contains invalid JSON.", 50109)
			if not isinstance(body, dict):
				return invalid_form(form_error("DICT_TYPE_CONVERT",
					"Only dictionaries may be used in a DictType"))
			return body
		if ct == "application/x-www-form-urlencoded":
			return dict(parse_qsl(text, keep_blank_values=True))
		return invalid_form(form_error("CONTENT_TYPE_INVALID",
			"Expected \"Content-Type\" header to be one of {'application/json', "
			"'application/x-www-form-urlencoded', 'multipart/form-data'}."))

	def check(self, body):
		"""Discord's per-field rules: a dict of form errors (empty: fine)."""
		errs = {}
		content = body.get("content")
		if content is not None:
			if not isinstance(content, str):
				errs["content"] = form_error("BASE_TYPE_STRING",
							     "Must be a string.")
			elif length(content) > MAX_CONTENT:
				errs["content"] = form_error("BASE_TYPE_MAX_LENGTH",
					"Must be %d or fewer in length." % MAX_CONTENT)
		embeds = body.get("embeds")
		if embeds is not None:
			if not isinstance(embeds, list):
				errs["embeds"] = form_error("BASE_TYPE_LIST",
							    "Must be an array.")
			elif len(embeds) > MAX_EMBEDS:
				errs["embeds"] = form_error("BASE_TYPE_MAX_LENGTH",
					"Must be %d or fewer in length." % MAX_EMBEDS)
			else:
				ee = {}
				total = 0
				for i, e in enumerate(embeds):
					one = {}
					if not isinstance(e, dict):
						ee[str(i)] = form_error("DICT_TYPE_CONVERT",
							"Only dictionaries may be used in a DictType")
						continue
					for k, lim in (("title", MAX_TITLE),
						       ("description", MAX_DESCRIPTION)):
						v = e.get(k)
						if v is None:
							continue
						if not isinstance(v, str):
							one[k] = form_error("BASE_TYPE_STRING",
									    "Must be a string.")
						elif length(v) > lim:
							one[k] = form_error("BASE_TYPE_MAX_LENGTH",
								"Must be %d or fewer in length." % lim)
						else:
							total += length(v)
					c = e.get("color")
					if c is not None and (not isinstance(c, int) or
					    isinstance(c, bool) or not 0 <= c <= MAX_COLOR):
						one["color"] = form_error("NUMBER_TYPE_MAX",
							"int value should be less than or equal to %d."
							% MAX_COLOR)
					if one:
						ee[str(i)] = one
				if not ee and total > MAX_EMBED_TOTAL:
					ee["0"] = form_error("MAX_EMBED_SIZE_EXCEEDED",
						"Embed size exceeds maximum size of %d" % MAX_EMBED_TOTAL)
				if ee:
					errs["embeds"] = ee
		username = body.get("username")
		if username is not None and (not isinstance(username, str) or
		    not 1 <= length(username) <= MAX_USERNAME):
			errs["username"] = form_error("BASE_TYPE_BAD_LENGTH",
				"Must be between 1 and %d in length." % MAX_USERNAME)
		avatar = body.get("avatar_url")
		if avatar is not None and (not isinstance(avatar, str) or
		    not re.match(r"^https?://[^\s/?#]+[^\s]*$", avatar)):
			errs["avatar_url"] = form_error("URL_TYPE_INVALID_URL",
							"Not a well formed URL.")
		return errs

	def handle(self, req):
		m = PATH.match(req.path)
		if m is None:
			return error(404, "404: Not Found", 0)
		wid, token = m.group(1), m.group(2)
		if req.method != "POST":
			return error(405, "405: Method Not Allowed", 0)
		want = self.config["webhooks"].get(wid)
		if want is None:
			return error(404, "Unknown Webhook", 10015)
		if token != want:
			return error(401, "Invalid Webhook Token", 50027)
		wait, remaining, reset_after = self.take(wid)
		if wait:
			return self.rate_limited(wait)
		headers = self.rl_headers(remaining, reset_after)
		body = self.body_of(req)
		if isinstance(body, fakelib.Response):
			body.headers = headers
			return body
		errs = self.check(body)
		if errs:
			r = invalid_form(errs)
			r.headers = headers
			return r
		content = body.get("content") or ""
		embeds = [e for e in (body.get("embeds") or [])
			  if length(e.get("title") or "") or length(e.get("description") or "")]
		if not length(content) and not embeds:
			r = error(400, "Cannot send an empty message", 50006)
			r.headers = headers
			return r
		if dict(parse_qsl(req.query)).get("wait", "").lower() not in ("true", "1"):
			return fakelib.Response(204, b"", "text/html", headers)
		self.next_id += 1
		msg = {
			"type": 0, "content": content.strip(), "mentions": [],
			"mention_roles": [], "attachments": [],
			"embeds": [dict({"type": "rich"}, **{k: (v.strip() if isinstance(v, str) else v)
				for k, v in e.items() if v not in ("", None)}) for e in embeds],
			"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime()),
			"edited_timestamp": None, "flags": 0, "components": [],
			"id": str(self.next_id), "channel_id": "987654321098765432",
			"author": {"id": wid, "username": body.get("username") or "Captain Hook",
				   "avatar": None, "discriminator": "0000", "bot": True},
			"pinned": False, "mention_everyone": False, "tts": False,
			"webhook_id": wid,
		}
		return answer(200, msg, headers)


if __name__ == "__main__":
	sys.exit(fakelib.main(FakeDiscord))
