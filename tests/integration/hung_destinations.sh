#!/usr/bin/env bash
# hung_destinations.sh: eight webhooks that accept a request and never
# answer do not delay a Telegram message queued after them: it arrives while
# all eight still hang. When their `timeout` (Alertmanager's field) runs out
# they are retried, with Alertmanager's reason in the log and in `queue list`,
# and delivered once the server answers.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'

fake_start telegram
TG=$FAKE_URL
# The webhooks' server: the fake Slack, whose first eight requests hang for
# an hour (it reads the request and answers nothing); later ones get 200.
fake_start slack
HOOKS=$FAKE_URL
curl -fsS -X POST --data-binary \
    '{"force": [{"delay": 3600, "count": 8}, {"status": 200, "count": 100}]}' \
    "$HOOKS/_fake/config" >/dev/null

{
	cat <<EOF
route:
  receiver: phone
  routes:
    - matchers: ['team="web"']
      receiver: hooks
receivers:
  - name: phone
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
  - name: hooks
    webhook_configs:
EOF
	for h in one two three four five six seven eight; do
		printf '      - url: %s/hooks/%s\n        timeout: 15s\n' "$HOOKS" "$h"
	done
} >"$TMP/relay.yml"
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s --log.level=debug

# The same alert twice: for the team's webhooks, and for the phone.
jq '.alerts[0].labels.team = "web" | .commonLabels.team = "web" |
    .groupKey = "{}:{team=\"web\"}"' "$FIX/ssh-login-firing.json" >"$TMP/hooks.json"
post() {	# NAME FILE
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL/webhook"
	expect_eq "POST $1" "200 OK" "$HTTP_CODE $HTTP_BODY"
}

post "to the webhooks" "$TMP/hooks.json"
fake_wait_count "$HOOKS" 8
t0=$(date +%s%N)
post "to the phone" "$FIX/ssh-login-firing.json"
fake_wait_count "$TG" 1
t1=$(date +%s%N)
echo "page delivered $(( (t1 - t0) / 1000000 )) ms after it was posted, behind 8 hung webhooks"

# The page is out while every webhook still hangs: none has been answered or
# timed out, and none has been tried again.
expect_eq "webhook attempts ended before the page" 0 \
    "$(grep -c 'msg="message will be retried"' "$RELAY_ERR" || true)"
expect_eq "webhook requests when the page arrived" 8 "$(fake_count "$HOOKS")"
expect_eq "page" '42 true' \
    "$(curl -fsS "$TG/_fake/requests" |
        jq -r '.[0].body | fromjson | "\(.chat_id) \(.text | test("SSHLoginFromNonLAN"))"')"

# After 15 s each of them times out, in Alertmanager's words, and is sent
# again: the server answers now.
fake_wait_count "$HOOKS" 16
retried() {
	grep 'msg="message will be retried"' "$RELAY_ERR" | grep -c 'receiver=hooks' || true
}
wait_until 30 test "$(retried)" -ge 8 || fail "$(retried) webhooks retried, want 8"
reason="webhook: POST $HOOKS/<redacted>: Timeout was reached: configured webhook timeout reached (15s)"
expect_eq "retry reasons" "8" \
    "$(grep 'msg="message will be retried"' "$RELAY_ERR" | grep -cF "reason=\"$reason\"" || true)"
drained() {
	[ "$(relay_metric 'tocsin_queue_messages{state="pending"}')" = 0 ]
}
wait_until 30 drained || fail "queue did not drain"
expect_eq "queue list" "$(for i in 1 2 3 4 5 6 7 8; do printf '1 %s\n' "$reason"; done)" \
    "$("$TOCSIN_RELAY" queue --storage.path="$TMP/data" --state=delivered -o json list |
        jq -r 'select(.receiver == "hooks") | "\(.attempts) \(.last_error)"')"
expect_eq "webhook requests" 16 "$(fake_count "$HOOKS")"
expect_eq "telegram requests" 1 "$(fake_count "$TG")"
relay_stop
finish
