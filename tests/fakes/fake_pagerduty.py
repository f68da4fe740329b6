#!/usr/bin/env python3
# fake_pagerduty.py: a fake PagerDuty Events API v2 (/v2/enqueue) for the
# tests: 202 with the dedup key, 400 "invalid event" with PagerDuty's error
# list, 429 without a body past 120 events a minute per routing key.

import json
import os
import secrets
import sys

sys.dont_write_bytecode = True	# keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib  # noqa: E402

MAX_EVENT = 512 * 1024
SEVERITIES = ("critical", "error", "warning", "info")
ACTIONS = ("trigger", "acknowledge", "resolve")


def answer(status, obj=None, headers=None):
	body = b"" if obj is None else json.dumps(obj).encode()
	return fakelib.Response(status, body, "application/json", headers)


def invalid(*errors):
	return answer(400, {"status": "invalid event",
			    "message": "Event object is invalid",
			    "errors": list(errors)})


def blank(v):
	return not isinstance(v, str) or v.strip() == ""


def check(ev):
	"""PagerDuty's checks of an event, as its error strings say them."""
	errs = []
	rk = ev.get("routing_key")
	if blank(rk):
		errs.append("'routing_key' is missing or blank")
	elif len(rk) != 32:
		errs.append("Length of 'routing_key' is incorrect (should be 32 "
			    "characters)")
	act = ev.get("event_action")
	if blank(act):
		errs.append("'event_action' is missing or blank")
	elif act not in ACTIONS:
		errs.append("'event_action' is invalid (must be one of the "
			    "following: 'trigger', 'acknowledge' or 'resolve')")
	dk = ev.get("dedup_key")
	if dk is not None and (not isinstance(dk, str) or len(dk) > 255):
		errs.append("'dedup_key' is invalid (must be a string of at most "
			    "255 characters)")
	if act != "trigger":
		if act in ACTIONS and blank(dk):
			errs.append("'dedup_key' is missing or blank")
		return errs
	p = ev.get("payload")
	if not isinstance(p, dict):
		errs.append("'payload' is missing or blank")
		return errs
	for f in ("summary", "source"):
		if blank(p.get(f)):
			errs.append("'payload.%s' is missing or blank" % f)
	if p.get("severity") not in SEVERITIES:
		errs.append("'payload.severity' is invalid (must be one of the "
			    "following: 'critical', 'warning', 'error' or 'info')")
	return errs


class FakePagerDuty(fakelib.FakeService):
	name = "pagerduty"

	def default_config(self):
		return {
			# Routing keys that PagerDuty knows; another well-formed
			# key is an integration that does not exist (400).
			"routing_keys": ["0123456789abcdef0123456789abcdef"],
			"rate_limits_enabled": True,
			# 120 events a minute per routing key.
			"rate": {"rate": 2, "burst": 120},
			# Seconds of Retry-After on a 429; 0: none, as PagerDuty.
			"retry_after": 0,
		}

	def forced_response(self, f, req):
		if f.get("close"):
			return fakelib.Response(0, close=True)
		st = int(f["status"])
		if "body" in f:
			return fakelib.Response(st, f["body"].encode(), "application/json")
		if st == 400:
			return invalid(*f.get("errors", ["Event object is invalid"]))
		if st == 429:
			ra = int(f.get("retry_after", 0))
			return answer(429, None, [["Retry-After", str(ra)]] if ra else None)
		if st >= 500:
			return answer(st, {"status": "error", "message": "Internal error"})
		return answer(st, {"status": "error"})

	def handle(self, req):
		if req.path != "/v2/enqueue":
			return answer(404, {"status": "error", "message": "Not found"})
		if req.method != "POST":
			return answer(405, {"status": "error",
					    "message": "Method not allowed"})
		if len(req.body) > MAX_EVENT:
			return invalid("Event object exceeds the maximum size of 512KB")
		try:
			ev = json.loads(req.body.decode("utf-8"))
		except (UnicodeDecodeError, ValueError):
			return answer(400, {"status": "invalid event",
					    "message": "Event object is invalid",
					    "errors": ["Malformed JSON"]})
		if not isinstance(ev, dict):
			return invalid("Event object is invalid")
		errs = check(ev)
		if errs:
			return invalid(*errs)
		if ev["routing_key"] not in self.config["routing_keys"]:
			return invalid("Invalid routing key")
		r = self.config["rate"]
		wait = self.limit(("key", ev["routing_key"]), r["rate"], r["burst"])
		if wait:
			ra = int(self.config["retry_after"])
			return answer(429, None, [["Retry-After", str(ra)]] if ra else None)
		dk = ev.get("dedup_key") or secrets.token_hex(16)
		return answer(202, {"status": "success", "message": "Event processed",
				    "dedup_key": dk})


if __name__ == "__main__":
	sys.exit(fakelib.main(FakePagerDuty))
