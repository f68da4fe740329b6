#!/usr/bin/env bash
# http_body_budget.sh: request bodies share one budget
# (--web.max-buffered-body-bytes). Bodies announced past it get 503 before a
# byte of them is read, a chunked body that overruns it gets 503 at its end
# without being kept, and the budget (tocsin_http_body_bytes_buffered) comes
# back to 0 as soon as the connections close.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

ATTACK=(python3 "$TOCSIN_SOURCE_DIR/tests/lib/attack.py")
FIX=$TOCSIN_FIXTURES

relay_start --web.max-buffered-body-bytes=1000000
buffered() {
	relay_metric tocsin_http_body_bytes_buffered
}
expect_eq "nothing buffered at the start" 0 "$(buffered)"

# Three uploads announcing 300000 bytes each send half and wait.
"${ATTACK[@]}" halfbody "$RELAY_PORT" 127.0.0.2 3 300000 6 >"$TMP/half.out" &
HALF=$!
is_reserved() {
	[ "$(buffered)" = 900000 ]
}
wait_until 5 is_reserved || fail "buffered $(buffered), want 900000"
expect_eq "a fourth 300000-byte body: refused before it is sent" 503 \
    "$("${ATTACK[@]}" post "$RELAY_PORT" 127.0.0.3 300000)"
http -X POST -H 'Content-Type: application/json' --data-binary "@$FIX/ssh-login-firing.json" \
    "$RELAY_URL/webhook"
expect_eq "a small body still fits" 200 "$HTTP_CODE"
head -c 200000 /dev/zero | tr '\0' ' ' >"$TMP/big"
http -X POST -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
    --data-binary "@$TMP/big" "$RELAY_URL/webhook"
expect_eq "a chunked body over the budget" "503 too many request bodies in flight; retry later" \
    "$HTTP_CODE $HTTP_BODY"
expect_eq "its Retry-After" "Retry-After: 1" "$(grep '^Retry-After:' <<<"$HTTP_HEADERS")"
expect_eq "still reserved: the three waiting uploads" 900000 "$(buffered)"

wait "$HALF"
expect_eq "the waiting uploads got no answer" opened=3 "$(cat "$TMP/half.out")"
is_free() {
	[ "$(buffered)" = 0 ]
}
wait_until 2 is_free || fail "buffered $(buffered) after the uploads closed, want 0"
http -X POST -H 'Content-Type: application/json' --data-binary "@$TMP/big" "$RELAY_URL/webhook"
expect_eq "a large body once the budget is free: read and judged" \
    "400 invalid JSON at line 1, column 200000: '[' or '{' expected near end of file" "$HTTP_CODE $HTTP_BODY"
expect_eq "503s counted" 2 \
    "$(relay_metric 'tocsin_http_requests_total{code="503",handler="/webhook"}')"
relay_stop
finish
