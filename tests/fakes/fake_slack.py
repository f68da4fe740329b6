#!/usr/bin/env python3
# fake_slack.py: a fake Slack incoming-webhook endpoint for the tests, with
# Slack's plain-text answers ("ok", "invalid_payload", "no_text", ...),
# per-webhook states and the 1/s per webhook rate limit with Retry-After.

import json
import os
import sys
from urllib.parse import parse_qsl

sys.dont_write_bytecode = True	# keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib  # noqa: E402

MAX_ATTACHMENTS = 100

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


class FakeSlack(fakelib.FakeService):
	name = "slack"

	def default_config(self):
		return {
			# "T/B/secret" -> state (see STATES); unknown paths are 403.
			"webhooks": {"T000/B000/XXXXXXXX": "ok"},
			"rate_limits_enabled": True,
			"rate": {"rate": 1, "burst": 3},
		}

	def forced_response(self, f, req):
		if f.get("close"):
			return fakelib.Response(0, close=True)
		st = int(f["status"])
		headers = [[k, str(v)] for k, v in f.get("headers", {}).items()]
		if st == 429:
			headers.append(["Retry-After", str(int(f.get("retry_after", 1)))])
		body = f.get("body", FORCED_BODY.get(st, "error"))
		return fakelib.Response(st, body.encode(), f.get("content_type",
					"text/html"), headers)

	def handle(self, req):
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
		has_text = _nonempty(payload.get("text")) or bool(payload.get("blocks"))
		for a in atts:
			if not isinstance(a, dict):
				return text_answer(400, "invalid_payload")
			if any(_nonempty(a.get(k)) for k in
			       ("text", "fallback", "pretext", "title")) or a.get("fields"):
				has_text = True
		if not has_text:
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
