#!/usr/bin/env python3
# fake_slack.py: a fake Slack for the tests: incoming webhooks, with Slack's
# plain-text answers ("ok", "invalid_payload", "no_text", ...), per-webhook
# states and the 1/s per webhook rate limit with Retry-After; and the Web
# API's chat.postMessage with a bot token, with its JSON answers
# ({"ok":false,"error":"invalid_auth"}, "channel_not_found", 429
# "ratelimited" with Retry-After per channel, ...), and chat.update, which
# edits a message the same bot posted, found by channel id and ts
# ("message_not_found", "cant_update_message"; a channel name is
# "channel_not_found" there, as Slack wants the id).

import json
import os
import sys
from urllib.parse import parse_qsl

sys.dont_write_bytecode = True	# keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib  # noqa: E402

MAX_ATTACHMENTS = 100
MAX_TEXT = 40000	# chat.postMessage's text, in characters

# Forced statuses on /api/ without a body: the Web API's error words.
API_FORCED_ERROR = {429: "ratelimited", 500: "internal_error",
		    502: "fatal_error", 503: "service_unavailable",
		    504: "request_timeout"}

# Configured states of a webhook and what Slack answers for each.
STATES = {
	"ok": (200, "ok"),
	"no_service": (404, "no_service"),
	"channel_not_found": (404, "channel_not_found"),
	"channel_is_archived": (410, "channel_is_archived"),
	"action_prohibited": (403, "action_prohibited"),
	"invalid_token": (403, "invalid_token"),
	"posting_to_general_channel_denied": (403, "posting_to_general_channel_denied"),
}

FORCED_BODY = {429: "rate_limited", 500: "rollup_error", 400: "invalid_payload",
	       403: "invalid_token", 404: "no_service", 410: "channel_is_archived"}


def text_answer(status, body, headers=None):
	return fakelib.Response(status, body.encode(), "text/html", headers)


def _nonempty(v):
	return isinstance(v, str) and v != ""


def api_answer(obj, status=200, headers=None):
	"""The Web API's JSON, compact as Slack sends it."""
	return fakelib.Response(status, json.dumps(obj, separators=(",", ":")).encode(),
				"application/json; charset=utf-8", headers)


def api_error(word, status=200, headers=None):
	return api_answer({"ok": False, "error": word}, status, headers)


def _has_text(payload, atts):
	"""Slack's rule: text, blocks, or an attachment with something to show."""
	if _nonempty(payload.get("text")) or payload.get("blocks"):
		return True
	return any(any(_nonempty(a.get(k)) for k in
		       ("text", "fallback", "pretext", "title")) or a.get("fields")
		   for a in atts)


class FakeSlack(fakelib.FakeService):
	name = "slack"

	def default_config(self):
		return {
			# "T/B/secret" -> state (see STATES); unknown paths are 403.
			"webhooks": {"T000/B000/XXXXXXXX": "ok"},
			# Web API: bot token -> "ok", "token_revoked" or
			# "account_inactive"; unknown tokens are invalid_auth.
			"app_tokens": {"xoxb-TEST-token": "ok"},
			# channel name -> id and state ("ok", "not_in_channel",
			# "is_archived"); found by name, "#name" or id.
			"channels": {"#alerts": {"id": "C0ALERTS01", "state": "ok"}},
			"rate_limits_enabled": True,
			"rate": {"rate": 1, "burst": 3},
		}

	def reset_state(self):
		self.ts = 1700000000
		# (channel id, ts) -> the token that posted it and its payload
		self.messages = {}

	def forced_response(self, f, req):
		if f.get("close"):
			return fakelib.Response(0, close=True)
		st = int(f["status"])
		headers = [[k, str(v)] for k, v in f.get("headers", {}).items()]
		if st == 429:
			headers.append(["Retry-After", str(int(f.get("retry_after", 1)))])
		if req.path.startswith("/api/") and "body" not in f:
			return api_error(f.get("error", API_FORCED_ERROR.get(st, "fatal_error")),
					 st, headers)
		body = f.get("body", FORCED_BODY.get(st, "error"))
		return fakelib.Response(st, body.encode(), f.get("content_type",
					"text/html"), headers)

	def find_channel(self, name):
		for cname, ch in self.config["channels"].items():
			if name in (cname, cname.lstrip("#"), ch.get("id")):
				return ch
		return None

	def api_payload(self, req):
		"""The arguments of a Web API call: a JSON object, or a form (its
		attachments a JSON string), and the warnings Slack adds."""
		ct = req.content_type()
		warnings = []
		body = req.body.decode("utf-8", "replace")
		if ct == "application/json":
			if "charset" not in (req.header("Content-Type") or "").lower():
				warnings.append("missing_charset")
			try:
				payload = json.loads(body)
			except ValueError:
				return None, "invalid_json", warnings
			if not isinstance(payload, dict):
				return None, "json_not_object", warnings
			return payload, None, warnings
		payload = dict(parse_qsl(body, keep_blank_values=True))
		if "attachments" in payload:
			try:
				payload["attachments"] = json.loads(payload["attachments"])
			except ValueError:
				return None, "invalid_attachments", warnings
		return payload, None, warnings

	def api_auth(self, req, payload):
		"""The bot token of a Web API call, or the error answer."""
		auth = req.header("Authorization") or ""
		token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
		if token is None and payload is not None and req.content_type() != "application/json":
			token = payload.get("token")
		if not token:
			return None, api_error("not_authed")
		state = self.config["app_tokens"].get(token)
		if state is None:
			return None, api_error("invalid_auth")
		if state != "ok":
			return None, api_error(state)
		return token, None

	def api_call(self, req):
		"""A Web API call's method, token and arguments checked in
		Slack's order: (payload, token, warnings, None), or the error
		answer last."""
		if req.method != "POST":
			return None, None, None, api_error("invalid_request_method", 405)
		payload, bad, warnings = self.api_payload(req)
		token, refused = self.api_auth(req, payload)
		if refused:
			return None, None, None, refused
		if bad:
			return None, None, None, api_error(bad)
		return payload, token, warnings, None

	def check_content(self, payload):
		"""The message checks chat.postMessage and chat.update share."""
		atts = payload.get("attachments") or []
		if not isinstance(atts, list) or not all(isinstance(a, dict) for a in atts):
			return "invalid_attachments"
		if not _has_text(payload, atts):
			return "no_text"
		if len(atts) > MAX_ATTACHMENTS:
			return "too_many_attachments"
		if len(payload.get("text") or "") > MAX_TEXT:
			return "msg_too_long"
		return None

	def post_message(self, req):
		"""chat.postMessage, its checks in Slack's order: the token, the
		arguments, the channel, the rate limit per channel."""
		payload, token, warnings, refused = self.api_call(req)
		if refused:
			return refused
		atts = payload.get("attachments") or []
		if not isinstance(atts, list) or not all(isinstance(a, dict) for a in atts):
			return api_error("invalid_attachments")
		ch = self.find_channel(payload.get("channel") or "")
		if ch is None:
			return api_error("channel_not_found")
		bad = self.check_content(payload)
		if bad:
			return api_error(bad)
		if ch.get("state", "ok") != "ok":
			return api_error(ch["state"])
		r = self.config["rate"]
		wait = self.limit(("channel", ch["id"]), r["rate"], r["burst"])
		if wait:
			return api_error("ratelimited", 429, [["Retry-After", str(wait)]])
		self.ts += 1
		ts = "%d.000100" % self.ts
		self.messages[(ch["id"], ts)] = (token, payload)
		answer = {"ok": True, "channel": ch["id"], "ts": ts,
			  "message": {"type": "message", "subtype": "bot_message",
				      "text": payload.get("text") or "", "ts": ts,
				      "bot_id": "B0FAKEBOT1"}}
		if warnings:
			answer["warning"] = ",".join(warnings)
			answer["response_metadata"] = {"warnings": warnings}
		return api_answer(answer)

	def update_message(self, req):
		"""chat.update: the token, the arguments, the channel (by id
		only), the message (posted by this token), then the content;
		Tier 3, about 50 calls a minute per token."""
		payload, token, _, refused = self.api_call(req)
		if refused:
			return refused
		cid, ts = payload.get("channel") or "", payload.get("ts") or ""
		if not ts:
			return api_error("invalid_arguments")
		if not any(ch.get("id") == cid for ch in self.config["channels"].values()):
			return api_error("channel_not_found")
		msg = self.messages.get((cid, ts))
		if msg is None:
			return api_error("message_not_found")
		if msg[0] != token:
			return api_error("cant_update_message")
		bad = self.check_content(payload)
		if bad:
			return api_error(bad)
		wait = self.limit(("update", token), 50 / 60, 50)
		if wait:
			return api_error("ratelimited", 429, [["Retry-After", str(wait)]])
		self.messages[(cid, ts)] = (token, payload)
		return api_answer({"ok": True, "channel": cid, "ts": ts,
				   "text": payload.get("text") or "",
				   "message": {"type": "message", "subtype": "bot_message",
					       "text": payload.get("text") or "",
					       "bot_id": "B0FAKEBOT1"}})

	def control(self, req):
		"""DELETE /_fake/messages: every posted message is gone, as if
		deleted in Slack (chat.update then finds none)."""
		if req.path == "/_fake/messages" and req.method == "DELETE":
			self.messages.clear()
			return fakelib.Response(200, b"{}", "application/json")
		return None

	def handle(self, req):
		if req.path == "/api/chat.postMessage":
			return self.post_message(req)
		if req.path == "/api/chat.update":
			return self.update_message(req)
		if req.path.startswith("/api/"):
			return api_error("unknown_method", 404)
		parts = req.path.split("/")
		if len(parts) < 2 or parts[1] != "services":
			return text_answer(404, "not_found")
		if req.method != "POST":
			return text_answer(400, "invalid_payload")
		if len(parts) != 5 or not all(parts[2:]):
			return text_answer(404, "no_service")
		key = "/".join(parts[2:])
		state = self.config["webhooks"].get(key)
		if state is None:
			return text_answer(403, "invalid_token")

		ct = req.content_type()
		try:
			body = req.body.decode("utf-8")
			if ct == "application/x-www-form-urlencoded":
				form = dict(parse_qsl(body, keep_blank_values=True))
				body = form.get("payload", "")
			payload = json.loads(body)
		except (UnicodeDecodeError, ValueError):
			return text_answer(400, "invalid_payload")
		if not isinstance(payload, dict):
			return text_answer(400, "invalid_payload")
		atts = payload.get("attachments")
		if atts is not None and not isinstance(atts, list):
			return text_answer(400, "invalid_payload")
		atts = atts or []
		if len(atts) > MAX_ATTACHMENTS:
			return text_answer(400, "too_many_attachments")
		if not all(isinstance(a, dict) for a in atts):
			return text_answer(400, "invalid_payload")
		if not _has_text(payload, atts):
			return text_answer(400, "no_text")

		status, answer = STATES.get(state, (200, "ok"))
		if status != 200:
			return text_answer(status, answer)
		r = self.config["rate"]
		wait = self.limit(("webhook", key), r["rate"], r["burst"])
		if wait:
			return text_answer(429, "rate_limited", [["Retry-After", str(wait)]])
		return text_answer(200, "ok")


if __name__ == "__main__":
	sys.exit(fakelib.main(FakeSlack))
