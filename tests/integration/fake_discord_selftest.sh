#!/usr/bin/env bash
# fake_discord_selftest.sh: pins the behaviour of tests/fakes/fake_discord.py
# so that sender tests can trust it: Discord's status codes and exact JSON
# bodies, its length rules, the 5 per 2 s window per webhook with
# retry_after and the X-RateLimit-* headers, forced outages, the byte-exact
# record; and a real Alertmanager 0.25's discord integration reading the
# fake's errors as it reads Discord's.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

J='Content-Type: application/json'
command -v jq >/dev/null || fail "jq is not installed"

ctl() {
	http -X POST -H "$J" --data-binary "$2" "$DC$1"
	[ "$HTTP_CODE" = 200 ] || fail "control $1 $2: $HTTP_CODE $HTTP_BODY"
}
# dc NAME WANT_CODE WANT_BODY JSON [URL]: posts JSON; the answer must be
# exactly WANT_CODE WANT_BODY.
dc() {
	local name=$1 code=$2 want=$3 json=$4 url=${5:-$HOOK}
	http -X POST -H "$J" --data-binary "$json" "$url"
	expect_eq "discord: $name" "$code $want" "$HTTP_CODE $HTTP_BODY"
}
header() {
	printf '%s\n' "$HTTP_HEADERS" | grep -i "^$1:" | cut -d' ' -f2-
}
long() {	# CHAR N: N times CHAR
	python3 -c 'import sys; print(sys.argv[1] * int(sys.argv[2]), end="")' "$1" "$2"
}
form() {	# FIELD PATH... CODE MESSAGE: Discord's Invalid Form Body
	python3 -c 'import json, sys
*path, code, msg = sys.argv[1:]
e = {"_errors": [{"code": code, "message": msg}]}
for p in reversed(path):
	e = {p: e}
print(json.dumps({"code": 50035, "errors": e, "message": "Invalid Form Body"}), end="")' "$@"
}

fake_start discord
DC=$FAKE_URL
HOOK=$DC/api/webhooks/123456789012345678/TEST-token
ctl /_fake/config '{"webhooks": {"123456789012345678": "TEST-token", "42": "other"}}'

# ------------------------------------------------------------------ answers
dc "accepted: 204, no body" 204 "" '{"content":"hi"}'
dc "embeds only" 204 "" '{"content":"","embeds":[{"title":"t","description":"","color":10038562}]}'
dc "API version in the path" 204 "" '{"content":"hi"}' "$DC/api/v10/webhooks/42/other"
http -X POST -H "$J" --data-binary '{"content":" hi ","username":"am","embeds":[{"title":"T","description":"","color":1}]}' "$HOOK?wait=true"
expect_eq "discord: ?wait=true answers 200 and the message" \
    '200 {"author":{"avatar":null,"bot":true,"discriminator":"0000","id":"123456789012345678","username":"am"},"content":"hi","embeds":[{"color":1,"title":"T","type":"rich"}],"webhook_id":"123456789012345678"}' \
    "$HTTP_CODE $(printf '%s' "$HTTP_BODY" | jq -cS '{author, content, embeds, webhook_id}')"
dc "unknown webhook" 404 '{"message": "Unknown Webhook", "code": 10015}' '{"content":"x"}' \
    "$DC/api/webhooks/999/TEST-token"
dc "wrong token" 401 '{"message": "Invalid Webhook Token", "code": 50027}' '{"content":"x"}' \
    "$DC/api/webhooks/123456789012345678/WRONG"
dc "not a webhook path" 404 '{"message": "404: Not Found", "code": 0}' '{"content":"x"}' "$DC/api/webhooks/1"
http -X GET "$HOOK"
expect_eq "discord: other methods" '405 {"message": "405: Method Not Allowed", "code": 0}' "$HTTP_CODE $HTTP_BODY"
dc "empty message" 400 '{"message": "Cannot send an empty message", "code": 50006}' '{"content":""}'
dc "white space only" 400 '{"message": "Cannot send an empty message", "code": 50006}' \
    '{"content":"  \n","embeds":[{"title":" ","description":"\n","color":1}]}'
dc "bad JSON" 400 '{"message": "The request body contains invalid JSON.", "code": 50109}' '{"content":'
dc "JSON not an object" 400 "$(form DICT_TYPE_CONVERT 'Only dictionaries may be used in a DictType')" '["x"]'
http -X POST -H 'Content-Type: text/plain' --data-binary 'x' "$HOOK"
expect_eq "discord: a Content-Type it does not take" \
    "400 $(form CONTENT_TYPE_INVALID "Expected \"Content-Type\" header to be one of {'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'}.")" \
    "$HTTP_CODE $HTTP_BODY"
http -X POST --data-urlencode 'content=form' "$HOOK"
expect_eq "discord: form-encoded" 204 "$HTTP_CODE"

# Lengths: counted in characters, after trimming white space.
dc "content 2000" 204 "" "{\"content\":\"$(long é 2000)\"}"
dc "content 2001" 400 "$(form content BASE_TYPE_MAX_LENGTH 'Must be 2000 or fewer in length.')" \
    "{\"content\":\"$(long a 2001)\"}"
dc "content 2000 plus white space" 204 "" "{\"content\":\"  $(long a 2000)\\n\"}"
dc "title 256" 204 "" "{\"embeds\":[{\"title\":\"$(long 🔥 256)\"}]}"
dc "title 257" 400 "$(form embeds 0 title BASE_TYPE_MAX_LENGTH 'Must be 256 or fewer in length.')" \
    "{\"embeds\":[{\"title\":\"$(long a 257)\"}]}"
dc "description 4096" 204 "" "{\"embeds\":[{\"description\":\"$(long a 4096)\"}]}"
dc "description 4097" 400 "$(form embeds 0 description BASE_TYPE_MAX_LENGTH 'Must be 4096 or fewer in length.')" \
    "{\"embeds\":[{\"description\":\"$(long a 4097)\"}]}"
dc "embeds over 6000 together" 400 \
    "$(form embeds 0 MAX_EMBED_SIZE_EXCEEDED 'Embed size exceeds maximum size of 6000')" \
    "{\"embeds\":[{\"title\":\"$(long a 256)\",\"description\":\"$(long a 4096)\"},{\"description\":\"$(long a 1700)\"}]}"
dc "11 embeds" 400 "$(form embeds BASE_TYPE_MAX_LENGTH 'Must be 10 or fewer in length.')" \
    "{\"embeds\":$(python3 -c 'import json; print(json.dumps([{"title":"x"}]*11))')}"
dc "username 81" 400 "$(form username BASE_TYPE_BAD_LENGTH 'Must be between 1 and 80 in length.')" \
    "{\"content\":\"x\",\"username\":\"$(long a 81)\"}"
dc "bad avatar_url" 400 "$(form avatar_url URL_TYPE_INVALID_URL 'Not a well formed URL.')" \
    '{"content":"x","avatar_url":"not a url"}'
dc "colour out of range" 400 \
    "$(form embeds 0 color NUMBER_TYPE_MAX 'int value should be less than or equal to 16777215.')" \
    '{"embeds":[{"title":"x","color":16777216}]}'

# -------------------------------------------------------------- rate limit
# 5 per 2 s per webhook, a window from its first request, on a frozen clock.
ctl /_fake/reset '{}'
ctl /_fake/config '{"rate_limits_enabled": true, "rate": {"limit": 5, "per": 2.0}}'
ctl /_fake/clock '{"freeze": true}'
for i in 1 2 3 4 5; do
	http -X POST -H "$J" --data-binary '{"content":"x"}' "$HOOK"
	expect_eq "discord: request $i of 5 passes, remaining" "204 $((5 - i))" \
	    "$HTTP_CODE $(header X-RateLimit-Remaining)"
done
expect_eq "discord: rate-limit headers on success" "5 2.000 f0a5c3e1b2d4968778695a4b3c2d1e0f" \
    "$(header X-RateLimit-Limit) $(header X-RateLimit-Reset-After) $(header X-RateLimit-Bucket)"
ctl /_fake/clock '{"advance": 0.5}'
dc "the sixth within 2 s" 429 '{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}' '{"content":"x"}'
expect_eq "discord: 429 headers" "2 0 1.500 user" \
    "$(header Retry-After) $(header X-RateLimit-Remaining) $(header X-RateLimit-Reset-After) $(header X-RateLimit-Scope)"
dc "another webhook has its own window" 204 "" '{"content":"x"}' "$DC/api/webhooks/42/other"
ctl /_fake/clock '{"advance": 1.5}'
dc "passes once the window ends" 204 "" '{"content":"x"}'
ctl /_fake/clock '{"freeze": false}'

# ----------------------------------------------------------- forced outage
ctl /_fake/reset '{}'
ctl /_fake/config '{"rate_limits_enabled": false, "force": [
  {"status": 500}, {"status": 429, "retry_after": 0.25, "global": true},
  {"status": 502, "body": "<html>bad gateway</html>", "content_type": "text/html"}, {"close": true}]}'
dc "forced 500" 500 '{"message": "500: Internal Server Error", "code": 0}' '{"content":"x"}'
dc "forced global 429" 429 '{"message": "You are being rate limited.", "retry_after": 0.25, "global": true}' '{"content":"x"}'
expect_eq "discord: global 429 headers" "1 true global" \
    "$(header Retry-After) $(header X-RateLimit-Global) $(header X-RateLimit-Scope)"
dc "forced body" 502 "<html>bad gateway</html>" '{"content":"x"}'
http -X POST -H "$J" --data-binary '{"content":"x"}' "$HOOK"
expect_eq "discord: forced close gives no answer" 000 "$HTTP_CODE"
dc "normal after the outage" 204 "" '{"content":"x"}'

# --------------------------------------------------------------- the record
ctl /_fake/reset '{}'
printf '{"content":"","embeds":[{"title":"caf\xc3\xa9 \\u003cb\\u003e","description":"x\\n","color":10038562}]}\n' >"$TMP/body"
http -X POST -H "$J" --data-binary "@$TMP/body" "$HOOK"
http "$DC/_fake/requests"
expect_eq "discord: record method, path, status" \
    "POST /api/webhooks/123456789012345678/TEST-token 204 application/json" \
    "$(printf '%s' "$HTTP_BODY" | jq -r '.[0] | "\(.method) \(.path) \(.status) \(.headers | map(select(.[0] == "Content-Type"))[0][1])"')"
printf '%s' "$HTTP_BODY" | jq -r '.[0].body_b64' | base64 -d >"$TMP/got"
cmp -s "$TMP/body" "$TMP/got" || expect_eq "discord: recorded bytes" "$(od -c "$TMP/body")" "$(od -c "$TMP/got")"

# ------------------------------------------------ real Alertmanager -> fake
# Its discord notifier posts the body the fake takes; a deleted webhook's
# 404 is an error it does not retry, logged with the fake's JSON.
ctl /_fake/reset '{}'
cat >"$TMP/am.yml" <<EOF
route:
  receiver: ok
  group_wait: 0s
  group_interval: 1s
  routes:
    - matchers: [alertname="Lost"]
      receiver: lost
receivers:
  - name: ok
    discord_configs:
      - webhook_url: $HOOK
  - name: lost
    discord_configs:
      - webhook_url: $DC/api/webhooks/999/TEST-token
EOF
am_start "$TMP/am.yml"
http -X POST -H "$J" "$AM_URL/api/v2/alerts" --data-binary \
    '[{"labels":{"alertname":"DiskFull","severity":"critical"}},{"labels":{"alertname":"Lost"}}]'
expect_eq "alertmanager accepted the alerts" 200 "$HTTP_CODE"
wait_until 30 eval 'grep -q "Unknown Webhook" "$TMP/am.err" && [ "$(curl -fsS "$DC/_fake/requests" | jq "map(select(.status == 204)) | length")" -ge 1 ]' ||
    fail "alertmanager did not reach the fake"
http "$DC/_fake/requests"
expect_eq "alertmanager -> discord: accepted" \
    '204 {"content":"","embeds":[{"title":"[FIRING:1]  (DiskFull critical)","description":"\n\nAlerts Firing:\nLabels:\n - alertname = DiskFull\n - severity = critical\nAnnotations:\nSource: \n\n\n\n","color":10038562}]}' \
    "$(printf '%s' "$HTTP_BODY" | jq -j 'map(select(.status == 204))[0] | "\(.status) \(.body)"' | head -n 1)"
expect_eq "alertmanager logs the fake's error and does not retry it" 1 \
    "$(grep -c 'msg="Notify for alerts failed" num_alerts=1 err="lost/discord\[0\]: notify retry canceled due to unrecoverable error after 1 attempts: unexpected status code 404: {\\"message\\": \\"Unknown Webhook\\", \\"code\\": 10015}"' "$TMP/am.err" || true)"
am_stop
finish
