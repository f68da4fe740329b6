#!/usr/bin/env bash
# fake_gotify_selftest.sh: pins tests/fakes/fake_gotify.py to Gotify's
# answers (server api/message.go, auth, error/handler.go) so that the
# gotify sender's tests can trust it: the created message for a 200, the
# exact {"error","errorCode","errorDescription"} bodies for 401, 403, 400 and
# 404, where the token may come from, forced outages with Retry-After, and
# the byte-exact request record.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
J='Content-Type: application/json'
TOKEN=ATESTtoken.1234
NO_TOKEN='{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}'

fake_start gotify
GF=$FAKE_URL

# gf NAME WANT_CODE WANT_BODY [CURL ARGS...]: POSTs to /message; WANT_BODY
# starting with '{' must match exactly once "date" (the wall clock) is gone.
gf() {
	local name=$1 code=$2 want=$3 got
	shift 3
	http -X POST "$@" "$GF/message"
	got=$HTTP_BODY
	[[ $want == '{'* && $code == 200 ]] && got=$(sed 's/,"date":"[^"]*"//' <<<"$HTTP_BODY")
	expect_eq "$name" "$code $want" "$HTTP_CODE $got"
}

# Created: the message back with id, appid and the application's defaults
# for an empty title and an absent priority; extras kept as sent.
gf "created" 200 '{"id":1,"appid":1,"message":"m \u003c\u0026\u003e","title":"T","priority":10,"extras":{"client::display":{"contentType":"text/markdown"}}}' \
    -H "$J" -H "X-Gotify-Key: $TOKEN" \
    --data-binary '{"title":"T","message":"m <&>","priority":10,"extras":{"client::display":{"contentType":"text/markdown"}}}'
gf "app defaults" 200 '{"id":2,"appid":1,"message":"m","title":"tocsin","priority":0}' \
    -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"title":" ","message":"m"}'
expect_eq "JSON answer" "application/json; charset=utf-8" \
    "$(sed -n 's/^Content-Type: //Ip' <<<"$HTTP_HEADERS")"
expect_eq "date is RFC 3339" yes \
    "$(jq -r 'if .date | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$") then "yes" else "no" end' <<<"$HTTP_BODY")"
# The token in the query and as a bearer token works too, as in Gotify.
gf "token in the query" 200 '{"id":3,"appid":1,"message":"q","title":"tocsin","priority":0}' \
    -H "$J" --data-binary '{"message":"q"}' --url-query "token=$TOKEN"
gf "bearer token" 200 '{"id":4,"appid":1,"message":"b","title":"tocsin","priority":0}' \
    -H "$J" -H "Authorization: Bearer $TOKEN" --data-binary '{"message":"b"}'
gf "form body" 200 '{"id":5,"appid":1,"message":"f","title":"x","priority":3}' \
    -H "X-Gotify-Key: $TOKEN" --data 'message=f&title=x&priority=3'

# Authentication before the body: no token, a wrong one (a bad body too),
# a user's basic auth where an application token belongs.
gf "no token" 401 "$NO_TOKEN" -H "$J" --data-binary '{"message":"m"}'
gf "wrong token, bad body" 401 "$NO_TOKEN" -H "$J" -H "X-Gotify-Key: Awrong" --data-binary 'nope'
gf "user credentials" 403 '{"error":"Forbidden","errorCode":403,"errorDescription":"you are not allowed to access this api"}' \
    -H "$J" -u admin:admin --data-binary '{"message":"m"}'
gf "wrong password" 401 "$NO_TOKEN" -H "$J" -u admin:nope --data-binary '{"message":"m"}'

# Bodies gin refuses, with Go's words.
bad() {	# NAME DESCRIPTION BODY
	gf "$1" 400 "{\"error\":\"Bad Request\",\"errorCode\":400,\"errorDescription\":\"$2\"}" \
	    -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary "$3"
}
bad "no message" "Field 'message' is required" '{"title":"t"}'
bad "empty message" "Field 'message' is required" '{"message":""}'
bad "empty body" "EOF" ''
bad "not JSON" "invalid character 'x' looking for beginning of value" 'x'
bad "cut JSON" "unexpected EOF" '{"message":"m"'
bad "priority as text" "json: cannot unmarshal string into Go struct field MessageExternal.priority of type int" '{"message":"m","priority":"high"}'
bad "priority not whole" "json: cannot unmarshal number 2.5 into Go struct field MessageExternal.priority of type int" '{"message":"m","priority":2.5}'
bad "message a number" "json: cannot unmarshal number into Go struct field MessageExternal.message of type string" '{"message":5}'
bad "extras a list" "json: cannot unmarshal array into Go struct field MessageExternal.extras of type map[string]interface {}" '{"message":"m","extras":[]}'
bad "an array" "json: cannot unmarshal array into Go value of type model.MessageExternal" '[]'

# Other paths and methods: gin's NotFound handler.
http -X POST -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"message":"m"}' "$GF/api/message"
expect_eq "other path" '404 {"error":"Not Found","errorCode":404,"errorDescription":"page not found"}' "$HTTP_CODE $HTTP_BODY"
http -X PUT -H "X-Gotify-Key: $TOKEN" "$GF/message"
expect_eq "other method" 404 "$HTTP_CODE"
# Mounted under a path prefix behind a proxy.
curl -fsS -X POST "$GF/_fake/config" -d '{"base_path": "/gotify"}' >/dev/null
http -X POST -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"message":"p"}' "$GF/gotify/message"
expect_eq "base_path" 200 "$HTTP_CODE"
curl -fsS -X POST "$GF/_fake/config" -d '{"base_path": ""}' >/dev/null

# The record: every service request, exact bytes, the status sent.
expect_eq "recorded" 22 "$(fake_count "$GF")"
expect_eq "record of the first" "POST /message $TOKEN 200" \
    "$(curl -fsS "$GF/_fake/requests" | jq -r '.[0] | [.method, .path, (.headers[] | select(.[0] == "X-Gotify-Key") | .[1]), (.status | tostring)] | join(" ")')"
expect_eq "exact bytes" '{"title":"T","message":"m <&>","priority":10,"extras":{"client::display":{"contentType":"text/markdown"}}}' \
    "$(curl -fsS "$GF/_fake/requests" | jq -r '.[0].body_b64' | base64 -d)"

# Forced outage, then normal: Gotify's body for a 5xx, a proxy's 429 with
# Retry-After, a dropped connection; a reset forgets the record and ids.
curl -fsS -X POST "$GF/_fake/reset" >/dev/null
curl -fsS -X POST "$GF/_fake/config" -d '{"force": [{"status": 500}, {"status": 429, "retry_after": 7}, {"close": true}]}' >/dev/null
gf "forced 500" 500 '{"error":"Internal Server Error","errorCode":500,"errorDescription":"database is locked"}' \
    -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"message":"m"}'
gf "forced 429" 429 '{"error":"Too Many Requests","errorCode":429,"errorDescription":"too many requests"}' \
    -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"message":"m"}'
expect_eq "Retry-After" 7 "$(sed -n 's/^Retry-After: //Ip' <<<"$HTTP_HEADERS")"
gf "dropped" 000 '' -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"message":"m"}'
gf "normal again, ids anew" 200 '{"id":1,"appid":1,"message":"m","title":"tocsin","priority":0}' \
    -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"message":"m"}'
expect_eq "statuses recorded" "500 429 0 200" \
    "$(curl -fsS "$GF/_fake/requests" | jq -r '[.[].status] | map(tostring) | join(" ")')"

# Gotify has no rate limit; the fake's, when a test turns it on, answers
# like a proxy would.
curl -fsS -X POST "$GF/_fake/reset" >/dev/null
curl -fsS -X POST "$GF/_fake/config" -d '{"rate_limits_enabled": true, "rate": {"rate": 1, "burst": 1}}' >/dev/null
curl -fsS -X POST "$GF/_fake/clock" -d '{"freeze": true}' >/dev/null
gf "rate: first" 200 '{"id":1,"appid":1,"message":"m","title":"tocsin","priority":0}' \
    -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"message":"m"}'
gf "rate: second" 429 '{"error":"Too Many Requests","errorCode":429,"errorDescription":"too many requests"}' \
    -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"message":"m"}'
expect_eq "rate: Retry-After" 1 "$(sed -n 's/^Retry-After: //Ip' <<<"$HTTP_HEADERS")"
curl -fsS -X POST "$GF/_fake/clock" -d '{"advance": 1}' >/dev/null
gf "rate: after a second" 200 '{"id":2,"appid":1,"message":"m","title":"tocsin","priority":0}' \
    -H "$J" -H "X-Gotify-Key: $TOKEN" --data-binary '{"message":"m"}'
finish
