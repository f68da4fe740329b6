#!/usr/bin/env bash
# fake_pagerduty_selftest.sh: pins the fake PagerDuty's answers (202 with
# the dedup key, 400 "invalid event" with PagerDuty's error list, 429 with
# no body past 120 events a minute per routing key, forced answers), so a
# change to the fake is a visible change to what the channel is tested
# against.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
J='Content-Type: application/json'
KEY=0123456789abcdef0123456789abcdef

fake_start pagerduty
PD=$FAKE_URL
ev() {	# BODY: POST it; "STATUS BODY" in OUT
	http -X POST -H "$J" --data-binary "$1" "$PD/v2/enqueue"
	OUT="$HTTP_CODE $HTTP_BODY"
}
trig() {	# EXTRA MEMBERS
	printf '{"routing_key":"%s","event_action":"trigger","payload":{"summary":"s","source":"x","severity":"error"}%s}' "$KEY" "$1"
}

ev "$(trig ',"dedup_key":"abc"')"
expect_eq "accepted" '202 {"status": "success", "message": "Event processed", "dedup_key": "abc"}' "$OUT"
ev "$(trig '')"
expect_eq "accepted: a new dedup key" "202 32" \
    "$HTTP_CODE $(jq -r '.dedup_key | length' <<<"$HTTP_BODY")"
ev '{"routing_key":"'$KEY'","event_action":"resolve","dedup_key":"abc"}'
expect_eq "resolve needs no payload" 202 "$HTTP_CODE"
ev '{"routing_key":"short","event_action":"trigger","payload":{"severity":"fatal"}}'
expect_eq "invalid event: every error" \
    "400 {\"status\": \"invalid event\", \"message\": \"Event object is invalid\", \"errors\": [\"Length of 'routing_key' is incorrect (should be 32 characters)\", \"'payload.summary' is missing or blank\", \"'payload.source' is missing or blank\", \"'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')\"]}" \
    "$OUT"
ev '{"event_action":"resolve"}'
expect_eq "no key, no dedup key" \
    "400 [\"'routing_key' is missing or blank\",\"'dedup_key' is missing or blank\"]" \
    "$HTTP_CODE $(jq -c .errors <<<"$HTTP_BODY")"
ev 'not json'
expect_eq "malformed JSON" '400 ["Malformed JSON"]' "$HTTP_CODE $(jq -c .errors <<<"$HTTP_BODY")"
ev "$(trig '' | sed 's/0123/ffff/')"
expect_eq "unknown routing key" '400 ["Invalid routing key"]' \
    "$HTTP_CODE $(jq -c .errors <<<"$HTTP_BODY")"
http -X POST -H "$J" --data-binary "$(trig '')" "$PD/v1/enqueue"
expect_eq "other paths" 404 "$HTTP_CODE"

# 120 events at once per routing key, then 429 with no body and no
# Retry-After; the fake clock moved on by 1 s lets two more through.
curl -fsS -X POST "$PD/_fake/reset" >/dev/null
curl -fsS -X POST "$PD/_fake/config" -d '{"rate_limits_enabled": true}' >/dev/null
curl -fsS -X POST "$PD/_fake/clock" -d '{"freeze": true}' >/dev/null
for ((i = 0; i < 120; i++)); do
	curl -s -o /dev/null -X POST -H "$J" --data-binary "$(trig '')" "$PD/v2/enqueue"
done
expect_eq "120 accepted" '{"202":120}' "$(curl -fsS "$PD/_fake/count" | jq -c .by_status)"
ev "$(trig '')"
expect_eq "the 121st: 429, empty" "429 |no Retry-After" \
    "$OUT|$(grep -qi '^retry-after' <<<"$HTTP_HEADERS" && echo Retry-After || echo no Retry-After)"
curl -fsS -X POST "$PD/_fake/clock" -d '{"advance": 1}' >/dev/null
ev "$(trig '')"
expect_eq "a second later" 202 "$HTTP_CODE"
curl -fsS -X POST "$PD/_fake/config" -d '{"retry_after": 30}' >/dev/null
ev "$(trig '')"
expect_eq "and another" 202 "$HTTP_CODE"
ev "$(trig '')"
expect_eq "retry_after configured" "429 Retry-After: 30" \
    "$HTTP_CODE $(grep -i '^retry-after' <<<"$HTTP_HEADERS")"

# Forced answers.
curl -fsS -X POST "$PD/_fake/reset" >/dev/null
curl -fsS -X POST "$PD/_fake/config" -d '{"force": [{"status": 400, "errors": ["a"]},
    {"status": 429, "retry_after": 2}, {"status": 503}]}' >/dev/null
ev "$(trig '')"
expect_eq "forced 400" '400 {"status": "invalid event", "message": "Event object is invalid", "errors": ["a"]}' "$OUT"
ev "$(trig '')"
expect_eq "forced 429" "429 |Retry-After: 2" "$OUT|$(grep -i '^retry-after' <<<"$HTTP_HEADERS")"
ev "$(trig '')"
expect_eq "forced 503" '503 {"status": "error", "message": "Internal error"}' "$OUT"
expect_eq "every request recorded, byte for byte" "3 $(trig '' | base64 -w0)" \
    "$(curl -fsS "$PD/_fake/requests" | jq -r '"\(length) \(.[2].body_b64)"')"
finish
