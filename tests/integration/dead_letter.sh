#!/usr/bin/env bash
# dead_letter.sh: --dead-letter.receiver. A message the fake Telegram
# refuses for good ("chat not found") goes dead, is logged and counted, and
# the dead-letter receiver's fake Slack gets the TocsinDeliveryFailed report
# byte for byte; a report that itself goes dead is only logged (no loop); a
# spent --delivery.retry-budget is reported too; a config without the
# receiver is refused at start and at reload, naming the flag.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
command -v jq >/dev/null || fail "jq is not installed"
export TZ=UTC
rm -rf "$TMP/data"

# wait_metric NAME{LABELS} VALUE: until the metric has that value (30 s).
wait_metric() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(relay_metric "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	cat "$RELAY_ERR" >&2
	fail "$1 did not reach $2, is $(relay_metric "$1")"
}
post() {	# NAME FILE
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL/webhook"
	expect_eq "POST $1" "200 OK" "$HTTP_CODE $HTTP_BODY"
}

fake_start telegram
TG=$FAKE_URL
fake_start slack
SL=$FAKE_URL
DOWN=$(free_port)

# config TELEGRAM_URL [WITH_OPS]
config() {
	cat <<EOF
route:
  receiver: pager
receivers:
  - name: pager
    telegram_configs:
      - api_url: $1
        bot_token: 123456:TEST-token
        chat_id: 4711
EOF
	[ "${2:-yes}" = yes ] && cat <<EOF
  - name: ops
    slack_configs:
      - api_url: $SL/services/T000/B000/XXXXXXXX
        channel: '#ops'
EOF
	return 0
}
config "$TG" >"$TMP/relay.yml"
relay_start --config.file="$TMP/relay.yml" --dead-letter.receiver=ops \
    --delivery.backoff-max=1s

# Telegram has no chat 4711: the message is dead at the first answer, and
# the report goes to ops with the reason and what the message said.
post "to a chat that does not exist" "$FIX/ssh-login-firing.json"
fake_wait_count "$SL" 1
expect_eq "telegram asked once" 1 "$(fake_count "$TG")"
expect_eq "dead counted" 1 \
    "$(relay_metric 'tocsin_deliveries_total{integration="telegram/0",receiver="pager",result="dead"}')"
expect_eq "dead logged" 1 \
    "$(grep -c 'msg="message dead" id=1 receiver=pager integration=telegram/0 dest=telegram:123456:4711 reason="telegram: 400 Bad Request: chat not found"' "$RELAY_ERR" || true)"
expect_eq "report at the dead-letter receiver" \
'{"channel":"#ops","username":"Alertmanager","attachments":[{"title":"[FIRING:1] TocsinDeliveryFailed","text":"🔴 *TocsinDeliveryFailed*: Could not deliver a notification to pager (telegram/0): telegram: 400 Bad Request: chat not found\n","fallback":"[FIRING:1] TocsinDeliveryFailed","callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}' \
    "$(fake_bodies "$SL")"
wait_metric 'tocsin_deliveries_total{integration="slack/0",receiver="ops",result="delivered"}' 1
# (The report's full data is pinned in tests/unit/test_deadletter.c.)
expect_eq "report logged" 1 \
    "$(grep -c 'msg="Dead message reported" id=1 receiver=pager integration=telegram/0 dead_letter_receiver=ops' "$RELAY_ERR" || true)"

# The dead-letter receiver itself fails for good: its report dies and is
# only logged, never reported again.
curl -fsS -X POST "$SL/_fake/config" \
    -d '{"webhooks": {"T000/B000/XXXXXXXX": "invalid_token"}}' >/dev/null
post "another one to the missing chat" "$FIX/llm-error-rate-mixed-severity.json"
wait_metric 'tocsin_deliveries_total{integration="slack/0",receiver="ops",result="dead"}' 1
wait_metric 'tocsin_queue_messages{state="pending"}' 0
expect_eq "the failing report was sent once" "2 403" \
    "$(fake_count "$SL") $(curl -fsS "$SL/_fake/requests" | jq -r '.[1].status')"
expect_eq "its death only logged" 1 \
    "$(grep -c 'msg="Dead message of the dead-letter receiver; not reported" id=4 receiver=ops integration=slack/0' "$RELAY_ERR" || true)"
expect_eq "dead: two to telegram, one report" 3 "$(relay_metric 'tocsin_queue_messages{state="dead"}')"

# A reload to a config without the receiver is refused, naming the flag,
# and the running config stays.
config "$TG" no >"$TMP/relay.yml"
http -X POST "$RELAY_URL/-/reload"
expect_eq "reload without ops" \
    '500 failed to reload config: --dead-letter.receiver: no receiver named "ops" in the configuration' \
    "$HTTP_CODE $HTTP_BODY"
expect_eq "running config kept" 0 "$(relay_metric tocsin_config_last_reload_successful)"
relay_stop

# ... and so is a start with it.
RC=0
"$TOCSIN_RELAY" --config.file="$TMP/relay.yml" --storage.path="$TMP/data" \
    --web.listen-address=127.0.0.1:0 --dead-letter.receiver=ops 2>"$TMP/start.err" || RC=$?
expect_eq "start without ops" 1 "$RC"
expect_eq "start error" 1 \
    "$(grep -c 'msg="Loading configuration file failed" file='"$TMP"'/relay.yml err="--dead-letter.receiver: no receiver named \\"ops\\" in the configuration"' "$TMP/start.err" || true)"

# Telegram unreachable: after --delivery.retry-budget the message is given
# up and reported with the last failure.
curl -fsS -X POST "$SL/_fake/reset" >/dev/null
curl -fsS -X POST "$SL/_fake/config" \
    -d '{"webhooks": {"T000/B000/XXXXXXXX": "ok"}}' >/dev/null
rm -rf "$TMP/data"
config "http://127.0.0.1:$DOWN" >"$TMP/relay.yml"
relay_start --config.file="$TMP/relay.yml" --dead-letter.receiver=ops \
    --delivery.backoff-max=500ms --delivery.retry-budget=2s
post "to a Telegram that is down" "$FIX/ssh-login-firing.json"
fake_wait_count "$SL" 1
# (Slack's mrkdwn escapes < and >.)
expect_eq "budget spent: report" \
    "🔴 *TocsinDeliveryFailed*: Could not deliver a notification to pager (telegram/0): retry budget exhausted: telegram: POST http://127.0.0.1:$DOWN/&lt;redacted&gt;: Couldn't connect to server" \
    "$(fake_bodies "$SL" | jq -r '.attachments[0].text')"
expect_eq "no secret in the report" 0 "$(fake_bodies "$SL" | grep -c TEST-token || true)"
relay_stop
finish
