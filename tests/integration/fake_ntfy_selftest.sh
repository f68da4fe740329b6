#!/usr/bin/env bash
# fake_ntfy_selftest.sh: pins tests/fakes/fake_ntfy.py to ntfy's behaviour
# (server/server.go and server/errors.go): the order of its checks, its
# exact JSON error bodies and codes, the 4,096-byte message limit, the
# visitor request bucket on the fake clock, and every request recorded byte
# for byte.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
J='Content-Type: application/json'
TOKEN=tk_tocsintesttoken0000000000000

fake_start ntfy
NT=$FAKE_URL

# pub NAME WANT_STATUS WANT_BODY [CURL ARGS...]: one publish and its answer.
pub() {
	local name=$1 st=$2 body=$3
	shift 3
	http -X POST -H "$J" "$@"
	expect_eq "$name" "$st $body" "$HTTP_CODE $HTTP_BODY"
}
E401='{"code":40101,"http":401,"error":"unauthorized","link":"https://ntfy.sh/docs/publish/#authentication"}'
E403='{"code":40301,"http":403,"error":"forbidden","link":"https://ntfy.sh/docs/publish/#authentication"}'
E413='{"code":41301,"http":413,"error":"attachment too large, or bandwidth limit reached","link":"https://ntfy.sh/docs/publish/#limitations"}'
E429='{"code":42901,"http":429,"error":"limit reached: too many requests","link":"https://ntfy.sh/docs/publish/#limitations"}'

# Success: ntfy's message JSON, raw UTF-8, the defaults' fields echoed.
http -X POST -H "$J" -d '{"topic":"alerts","title":"t","message":"  héllo \n","priority":4,"tags":["warning"],"click":"https://x","markdown":true}' "$NT/"
expect_eq "publish: status" 200 "$HTTP_CODE"
expect_eq "publish: answer" '"message" "alerts" "t" "héllo" 4 ["warning"] "https://x" "text/markdown"' \
    "$(jq -c '.event, .topic, .title, .message, .priority, .tags, .click, .content_type' <<<"$HTTP_BODY" | paste -sd' ')"
expect_eq "publish: content type" "application/json" \
    "$(grep -i '^content-type:' <<<"$HTTP_HEADERS" | cut -d' ' -f2)"
expect_eq "publish: recorded byte for byte" '{"topic":"alerts","title":"t","message":"  héllo \n","priority":4,"tags":["warning"],"click":"https://x","markdown":true}' \
    "$(curl -fsS "$NT/_fake/requests" | jq -r '.[0].body_b64' | base64 -d)"
http -X POST -H "$J" -d '{"topic":"alerts"}' "$NT/"
expect_eq "empty message" '200 "triggered"' "$HTTP_CODE $(jq -c .message <<<"$HTTP_BODY")"

# Authentication first (server.go's maybeAuthenticate), then the JSON, the
# topic, the rate limit and the topic's access.
pub "wrong token" 401 "$E401" -H 'Authorization: Bearer tk_nope' -d '{"topic":"alerts"}' "$NT/"
pub "wrong token before bad JSON" 401 "$E401" -H 'Authorization: Bearer tk_nope' -d 'x' "$NT/"
pub "wrong password" 401 "$E401" -u phil:nope -d '{"topic":"alerts"}' "$NT/"
pub "protected topic without a token" 403 "$E403" -d '{"topic":"private"}' "$NT/"
http -X POST -H "$J" -H "Authorization: Bearer $TOKEN" -d '{"topic":"private"}' "$NT/"
expect_eq "protected topic with the token" 200 "$HTTP_CODE"
http -X POST -H "$J" -u phil:mypass -d '{"topic":"private"}' "$NT/"
expect_eq "protected topic with basic auth" 200 "$HTTP_CODE"
curl -fsS -X POST "$NT/_fake/config" -d '{"tokens": {"tk_other": ["alerts"]}}' >/dev/null
pub "a token without that topic" 403 "$E403" -H 'Authorization: Bearer tk_other' -d '{"topic":"private"}' "$NT/"
pub "not JSON" 400 '{"code":40024,"http":400,"error":"invalid request: request body must be valid JSON"}' -d '{"topic":' "$NT/"
pub "bad topic" 400 '{"code":40009,"http":400,"error":"invalid request: topic invalid"}' -d '{"topic":"a/b"}' "$NT/"
pub "long topic" 400 '{"code":40009,"http":400,"error":"invalid request: topic invalid"}' \
    -d "{\"topic\":\"$(printf 'a%.0s' $(seq 65))\"}" "$NT/"
pub "bad priority" 400 '{"code":40007,"http":400,"error":"invalid priority parameter","link":"https://ntfy.sh/docs/publish/#message-priority"}' \
    -d '{"topic":"alerts","priority":6}' "$NT/"
pub "other path" 404 '{"code":40401,"http":404,"error":"page not found"}' -d '{"topic":"alerts"}' "$NT/v1/x"

# The message limit: 4,096 bytes pass, one more is refused; a JSON body over
# twice the limit is refused before anything else is read.
MSG=$(printf 'é%.0s' $(seq 2048))
http -X POST -H "$J" -d "{\"topic\":\"alerts\",\"message\":\"$MSG\"}" "$NT/"
expect_eq "4096 bytes" 200 "$HTTP_CODE"
pub "4097 bytes" 413 "$E413" -d "{\"topic\":\"alerts\",\"message\":\"x$MSG\"}" "$NT/"
pub "JSON body too large" 413 '{"code":41303,"http":413,"error":"JSON body too large"}' \
    -d "{\"topic\":\"alerts\",\"message\":\"$MSG$MSG\"}" "$NT/"

# The visitor bucket on a frozen clock: a burst of 60, then 429 with no
# Retry-After; 5 s later one more request passes.
curl -fsS -X POST "$NT/_fake/reset" >/dev/null
curl -fsS -X POST "$NT/_fake/config" -d '{"rate_limits_enabled": true}' >/dev/null
curl -fsS -X POST "$NT/_fake/clock" -d '{"freeze": true}' >/dev/null
for ((i = 0; i < 60; i++)); do
	curl -sS -o /dev/null -H "$J" -d '{"topic":"alerts"}' "$NT/"
done
pub "61st request" 429 "$E429" -d '{"topic":"alerts"}' "$NT/"
expect_eq "no Retry-After" 0 "$(grep -ci '^retry-after' <<<"$HTTP_HEADERS" || true)"
curl -fsS -X POST "$NT/_fake/clock" -d '{"advance": 5}' >/dev/null
http -X POST -H "$J" -d '{"topic":"alerts"}' "$NT/"
expect_eq "after the refill" 200 "$HTTP_CODE"
pub "and then limited again" 429 "$E429" -d '{"topic":"alerts"}' "$NT/"
expect_eq "counts" '{"200":61,"429":2}' "$(curl -fsS "$NT/_fake/count" | jq -c .by_status)"

# Forced answers use ntfy's bodies.
curl -fsS -X POST "$NT/_fake/reset" >/dev/null
curl -fsS -X POST "$NT/_fake/config" -d '{"force": [{"status": 500}, {"status": 403}]}' >/dev/null
pub "forced 500" 500 '{"code":50001,"http":500,"error":"internal server error"}' -d '{"topic":"alerts"}' "$NT/"
pub "forced 403" 403 "$E403" -d '{"topic":"alerts"}' "$NT/"
finish
