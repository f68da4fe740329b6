#!/usr/bin/env bash
# http_bad_input.sh: every kind of bad request gets its exact status and
# one-line reason, nothing is written, and the relay keeps serving.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

relay_start --web.max-body-bytes=2048
FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'

# post NAME WANT_CODE WANT_BODY BODY [curl args...]; $CT is the Content-Type.
post() {
	local name=$1 code=$2 body=$3 data=$4
	shift 4
	http -X POST -H "${CT:-$J}" --data-binary "$data" "$@" "$RELAY_URL/webhook"
	expect_eq "$name: status" "$code" "$HTTP_CODE"
	expect_eq "$name: body" "$body" "$HTTP_BODY"
}

post "empty body" 400 \
    "empty body: expected an Alertmanager webhook payload (a JSON object)" ""
post "truncated JSON" 400 \
    "invalid JSON at line 1, column 1: string or '}' expected near end of file" "{"
post "not an object" 400 "payload: expected an object, got array" "[]"
post "missing status" 400 'status: missing: expected "firing" or "resolved"' '{"version":"4"}'
post "wrong version" 400 'unsupported payload version "3": expected "4"' \
    '{"version":"3","status":"firing","alerts":[{"status":"firing"}]}'
# Go's servers know one transfer coding; another leaves the body's end
# unknown, so it is refused at once rather than read until the deadline.
post "unknown transfer coding" 501 "Unsupported transfer encoding" \
    "@$FIX/ssh-login-firing.json" -H 'Transfer-Encoding: xchunked' --max-time 5
post "empty alerts" 400 \
    "alerts: empty: Alertmanager never sends a notification without alerts" \
    '{"version":"4","status":"firing","alerts":[]}'
post "label of the wrong type" 400 "alerts[0].labels.a: expected a string, got number" \
    '{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"a":1}}]}'
post "invalid UTF-8" 400 "invalid JSON at line 1, column 77: invalid UTF-8 (byte 0xff) near '\"'" \
    "$(printf '{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"a":"\xff"}}]}')"
post "deep nesting" 400 "invalid JSON at line 1, column 17: nested deeper than 16 levels" \
    "$(printf '%.0s[' $(seq 40))$(printf '%.0s]' $(seq 40))"

head -c 4096 /dev/zero | tr '\0' ' ' >"$TMP/big"
post "over the cap (Content-Length)" 413 "request body larger than 2048 bytes" "@$TMP/big"
post "over the cap (chunked)" 413 "request body larger than 2048 bytes" "@$TMP/big" \
    -H 'Transfer-Encoding: chunked'
CT='Content-Type: text/plain' post "wrong Content-Type" 415 \
    "unsupported Content-Type, want application/json" "@$FIX/ssh-login-firing.json"
CT='Content-Type: application/x-www-form-urlencoded' post "form Content-Type" 415 \
    "unsupported Content-Type, want application/json" "@$FIX/ssh-login-firing.json"
# Alertmanager's own type, with parameters, is fine; so is none at all.
CT='Content-Type: application/json; charset=utf-8' post "JSON with charset" 400 \
    "payload: expected an object, got array" "[]"
CT='Content-Type:' post "no Content-Type" 400 "payload: expected an object, got array" "[]"

http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook/no-such-receiver"
expect_eq "unknown receiver: status" 404 "$HTTP_CODE"
expect_eq "unknown receiver: body" 'unknown receiver "no-such-receiver"' "$HTTP_BODY"
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook/a%22b%0Ac"
expect_eq "receiver name with quote and newline: status" 404 "$HTTP_CODE"
expect_eq "receiver name with quote and newline: body" 'unknown receiver "a?b?c"' "$HTTP_BODY"
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook/"
expect_eq "empty receiver: status" 404 "$HTTP_CODE"
expect_eq "empty receiver: body" 'unknown receiver ""' "$HTTP_BODY"

http "$RELAY_URL/no/such/path"
expect_eq "unknown path: status" 404 "$HTTP_CODE"
expect_eq "unknown path: body" "not found" "$HTTP_BODY"
http -X POST -H "$J" --data-binary "@$TMP/big" "$RELAY_URL/no/such/path"
expect_eq "unknown path with a body: status" 404 "$HTTP_CODE"

http "$RELAY_URL/webhook"
expect_eq "GET /webhook: status" 405 "$HTTP_CODE"
expect_eq "GET /webhook: body" "method GET not allowed" "$HTTP_BODY"
expect_eq "GET /webhook: Allow" "Allow: POST" "$(grep '^Allow:' <<<"$HTTP_HEADERS")"
http -X DELETE "$RELAY_URL/-/healthy"
expect_eq "DELETE /-/healthy: status" 405 "$HTTP_CODE"
expect_eq "DELETE /-/healthy: Allow" "Allow: GET, HEAD" "$(grep '^Allow:' <<<"$HTTP_HEADERS")"

# Still alive, nothing was written, and the failures were counted.
http "$RELAY_URL/-/healthy"
expect_eq "healthy after bad input" "200 OK" "$HTTP_CODE $HTTP_BODY"
http "$RELAY_URL/metrics"
expect_eq "400s counted" 'tocsin_http_requests_total{code="400",handler="/webhook"} 11' \
    "$(grep '^tocsin_http_requests_total{code="400"' <<<"$HTTP_BODY")"
expect_eq "413s counted" 'tocsin_http_requests_total{code="413",handler="/webhook"} 2' \
    "$(grep '^tocsin_http_requests_total{code="413"' <<<"$HTTP_BODY")"
relay_stop
expect_eq "nothing written to stdout" "" "$(cat "$RELAY_OUT")"

# Bad flags stop the start-up with exit status 1 and say why.
# refuse NAME WANT_LINE_FRAGMENT FLAGS...
refuse() {
	local name=$1 want=$2 rc=0
	shift 2
	"$TOCSIN_RELAY" "$@" >"$TMP/refuse.out" 2>"$TMP/refuse.err" || rc=$?
	expect_eq "$name: exit status" 1 "$rc"
	expect_eq "$name: message" 1 "$(grep -cF -- "$want" "$TMP/refuse.err" || true)"
}
touch "$TMP/a-file"
refuse "storage path under a file" \
    "err=\"create storage path $TMP/a-file/x: Not a directory\"" \
    --storage.path="$TMP/a-file/x" --web.listen-address=127.0.0.1:0
refuse "bad body cap" \
    "tocsin-relay: error: --web.max-body-bytes: want a byte count from 1 to 1073741824, got 4MiB" \
    --web.max-body-bytes=4MiB
refuse "unknown flag" "tocsin-relay: error: unknown long flag '--web.listen', try --help" \
    --web.listen=:9096
refuse "missing config file" \
    'msg="Loading configuration file failed" file=/nonexistent/relay.yml err="open /nonexistent/relay.yml: No such file or directory"' \
    --config.file=/nonexistent/relay.yml --storage.path="$TMP/data"
refuse "listen address without port" 'err="listen address localhost: missing port"' \
    --web.listen-address=localhost --storage.path="$TMP/data"
refuse "bad log level" "tocsin-relay: error: invalid --log.level or --log.format" \
    --log.level=verbose
finish
