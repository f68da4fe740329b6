#!/usr/bin/env bash
# fake_pushover_selftest.sh: pins the fake Pushover's answers (pushover.net/api
# and /api/receipts): {"status":1,"request"} and a receipt for emergency
# priority; {"status":0,"errors":[...]} 400s for an unknown token or user,
# a blank or too long field, a bad priority, retry or device; 429 past the
# month's quota with the X-Limit-App-* headers; parameters from the body
# or the query string; receipts polled, acknowledged, cancelled and
# expired; CONNECT refused without a certificate. A change to the fake is
# then a visible change to what the channel is tested against.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
J='Content-Type: application/json'
TOKEN=azGDORePK8gMaC0QOYAMyEEuzJnyUi
USER=uQiRzpo4DXghDmr9QzzfQu27cmVRsG

fake_start pushover
PO=$FAKE_URL
# msg FORM [CURL ARGS]: POST it as a form; "STATUS BODY" (request id
# removed) in OUT.
msg() {
	http -X POST "${@:2}" --data "$1" "$PO/1/messages.json"
	OUT="$HTTP_CODE $(jq -c 'del(.request)' <<<"$HTTP_BODY")"
}
ok="token=$TOKEN&user=$USER"

msg "$ok&message=hi&title=t"
expect_eq "accepted" '200 {"status":1}' "$OUT"
expect_eq "a request id" 36 "$(jq -r '.request | length' <<<"$HTTP_BODY")"
expect_eq "quota headers" "X-Limit-App-Limit: 10000|X-Limit-App-Remaining: 9999" \
    "$(grep -E '^X-Limit-App-(Limit|Remaining):' <<<"$HTTP_HEADERS" | paste -sd'|')"
msg "$ok&message=hi&priority=2&retry=30&expire=10800"
expect_eq "emergency: a receipt" '200 {"status":1,"receipt":"r00000000000000000000000000001"}' "$OUT"
http -X POST -H 'Content-Type: text/plain' "$PO/1/messages.json?$ok&message=query+only"
expect_eq "parameters in the query string, as Alertmanager sends them" 200 "$HTTP_CODE"

msg "token=aWRONGaWRONGaWRONGaWRONGaWRONG&user=$USER&message=m"
expect_eq "unknown token" '400 {"token":"invalid","errors":["application token is invalid"],"status":0}' "$OUT"
msg "token=$TOKEN&user=nobody&message=m"
expect_eq "unknown user" '400 {"user":"invalid","errors":["user identifier is not a valid user, group, or subscribed user key"],"status":0}' "$OUT"
msg "$ok&message="
expect_eq "blank message" '400 {"message":"cannot be blank","errors":["message cannot be blank"],"status":0}' "$OUT"
msg "$ok&message=m&title=$(printf 'é%.0s' $(seq 251))"
expect_eq "title over 250 characters" '400 {"title":"is too long","errors":["title is too long (maximum is 250 characters)"],"status":0}' "$OUT"
msg "$ok&message=m&title=$(printf 'é%.0s' $(seq 250))"
expect_eq "title of 250 characters" 200 "$HTTP_CODE"
msg "$ok&message=m&url_title=$(printf 'x%.0s' $(seq 101))"
expect_eq "url_title over 100" '400 {"url_title":"is too long","errors":["url_title is too long (maximum is 100 characters)"],"status":0}' "$OUT"
msg "$ok&message=m&priority=3"
expect_eq "bad priority" '400 {"priority":"invalid","errors":["priority is invalid"],"status":0}' "$OUT"
msg "$ok&message=m&priority=2&retry=29&expire=60"
expect_eq "emergency retry under 30 s" '400 {"retry":"invalid","errors":["retry must be at least 30 seconds"],"status":0}' "$OUT"
msg "$ok&message=m&priority=2&retry=30&expire=10801"
expect_eq "emergency expire over 3 h" '400 {"expire":"invalid","errors":["expire must be at most 10800 seconds"],"status":0}' "$OUT"
msg "$ok&message=m&device=phone,watch"
expect_eq "unknown device" '400 {"device":"invalid","errors":["device name is not valid for user"],"status":0}' "$OUT"

# The month's quota: four accepted so far.
http -X POST -H "$J" --data-binary "{\"apps\": {\"$TOKEN\": {\"limit\": 5}}}" "$PO/_fake/config"
msg "$ok&message=last"
expect_eq "the last message of the month" 200 "$HTTP_CODE"
msg "$ok&message=over"
expect_eq "over the quota" '429 {"errors":["application has exceeded its monthly message limit"],"status":0}' "$OUT"
expect_eq "over the quota: none remaining" "X-Limit-App-Remaining: 0" \
    "$(grep '^X-Limit-App-Remaining:' <<<"$HTTP_HEADERS")"

# Receipts: polled, acknowledged from the app, cancelled, expired.
R=r00000000000000000000000000001
poll() {	# RECEIPT [TOKEN]
	http "$PO/1/receipts/$1.json?token=${2:-$TOKEN}"
	OUT="$HTTP_CODE $(jq -c "del(.request, .last_delivered_at, .expires_at)" <<<"$HTTP_BODY")"
}
poll $R
expect_eq "receipt: pending" '200 {"status":1,"acknowledged":0,"acknowledged_at":0,"acknowledged_by":"","acknowledged_by_device":"","expired":0,"called_back":0,"called_back_at":0}' "$OUT"
http -X POST -H "$J" --data-binary "{\"receipt\": \"$R\", \"device\": \"phone\", \"at\": 1795441800}" "$PO/_fake/acknowledge"
expect_eq "acknowledge" 200 "$HTTP_CODE"
poll $R
expect_eq "receipt: acknowledged" "200 {\"status\":1,\"acknowledged\":1,\"acknowledged_at\":1795441800,\"acknowledged_by\":\"$USER\",\"acknowledged_by_device\":\"phone\",\"expired\":0,\"called_back\":0,\"called_back_at\":0}" "$OUT"
poll $R aWRONGaWRONGaWRONGaWRONGaWRONG
expect_eq "receipt: wrong token" '400 {"token":"invalid","errors":["application token is invalid"],"status":0}' "$OUT"
poll r00000000000000000000000000099
expect_eq "receipt: unknown" '404 {"receipt":"not found","errors":["receipt not found; may be invalid or expired"],"status":0}' "$OUT"
http -X POST -H "$J" --data-binary '{"apps": {"'$TOKEN'": {"limit": 10000}}}' "$PO/_fake/config"
msg "$ok&message=m&priority=2&retry=60&expire=3600"
R2=$(jq -r .receipt <<<"$HTTP_BODY")
http -X POST --data "token=$TOKEN" "$PO/1/receipts/$R2/cancel.json"
expect_eq "cancel" '200 {"status":1}' "$HTTP_CODE $(jq -c 'del(.request)' <<<"$HTTP_BODY")"
poll "$R2"
expect_eq "cancelled: expired, never acknowledged" "0 1" "$(jq -r '"\(.acknowledged) \(.expired)"' <<<"$HTTP_BODY")"
msg "$ok&message=m&priority=2&retry=60&expire=3600"
R3=$(jq -r .receipt <<<"$HTTP_BODY")
http -X POST -H "$J" --data-binary "{\"receipt\": \"$R3\"}" "$PO/_fake/expire"
poll "$R3"
expect_eq "expired" "0 1" "$(jq -r '"\(.acknowledged) \(.expired)"' <<<"$HTTP_BODY")"
expect_eq "the receipts as the tests see them" "$R:1:0:0 $R2:0:1:1 $R3:0:1:0" \
    "$(curl -fsS "$PO/_fake/receipts" | jq -r 'to_entries | map("\(.key):\(.value.acknowledged):\(.value.expired):\(.value.cancelled)") | join(" ")')"

# Forced answers keep Pushover's shape.
http -X POST -H "$J" --data-binary '{"force": [{"status": 500}, {"status": 503, "errors": ["down"]}]}' "$PO/_fake/config"
msg "$ok&message=m"
expect_eq "forced 500" '500 {"errors":["internal error"],"status":0}' "$OUT"
msg "$ok&message=m"
expect_eq "forced 503" '503 {"errors":["down"],"status":0}' "$OUT"
http -X POST "$PO/1/nothing.json"
expect_eq "other paths" 404 "$HTTP_CODE"
# Without a certificate the fake is no proxy.
http --proxy "$PO" "https://api.pushover.net/1/messages.json" 2>/dev/null
expect_eq "CONNECT without tls_cert" 000 "$HTTP_CODE"
finish
