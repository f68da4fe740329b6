#!/usr/bin/env bash
# watchdog_delivery_policy.sh: tocsin-watchdog takes the relay's delivery
# policy flags. Bad values are refused at start naming the flag, as the
# relay refuses them; --dead-letter.receiver must be a receiver of the
# watchdog's config; and a DOWN notification that the fake Telegram refuses
# for good ("chat not found") is reported to the dead-letter receiver's fake
# Slack, byte for byte.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
export TZ=UTC

requests() { curl -fsS "$1/_fake/requests"; }
count_is() { [ "$(requests "$1" | jq length)" -ge "$2" ]; }
metric() {
	http "$WD_URL/metrics"
	grep -v '^#' <<<"$HTTP_BODY" | grep -F "$1 " | awk '{print $2}' | grep . || echo 0
}
# refuse NAME WANT FLAGS...: the watchdog exits 1 at once with WANT on stderr.
refuse() {
	local name=$1 want=$2 rc=0
	shift 2
	"$TOCSIN_WATCHDOG" --config.file="$TMP/watchdog.yml" --storage.path="$TMP/refused" \
	    --web.listen-address=127.0.0.1:0 "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	expect_eq "$name" "1 $want" "$rc $(cat "$TMP/out" "$TMP/err")"
}

fake_start telegram
TG=$FAKE_URL
fake_start slack
SL=$FAKE_URL

# config [WITH_OPS]: phone's chat 4711 does not exist at the fake Telegram.
config() {
	cat <<EOF
receivers:
  - name: phone
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 4711
EOF
	[ "${1:-yes}" = yes ] && cat <<EOF
  - name: ops
    slack_configs:
      - api_url: $SL/services/T000/B000/XXXXXXXX
        channel: '#ops'
EOF
	cat <<EOF
checks:
  - {name: backup, kind: ping, period: 24h, grace: 1h, receiver: phone}
EOF
}
config >"$TMP/watchdog.yml"

refuse "bad rate" 'tocsin-watchdog: error: --ratelimit.slack: want a rate such as 1/s, 20/m or 100/h, or 0 for no limit, got "fast"' \
    --ratelimit.slack=fast
refuse "zero retry budget" "tocsin-watchdog: error: --delivery.retry-budget: must be longer than zero" \
    --delivery.retry-budget=0
refuse "bad backoff" 'tocsin-watchdog: error: --delivery.backoff-max: not a valid duration string: "soon"' \
    --delivery.backoff-max=soon
refuse "empty dead-letter receiver" "tocsin-watchdog: error: --dead-letter.receiver: must name a receiver" \
    --dead-letter.receiver=

# A dead-letter receiver the config does not have: refused at start.
config no >"$TMP/no-ops.yml"
RC=0
"$TOCSIN_WATCHDOG" --config.file="$TMP/no-ops.yml" --storage.path="$TMP/refused" \
    --web.listen-address=127.0.0.1:0 --dead-letter.receiver=ops 2>"$TMP/start.err" || RC=$?
expect_eq "start without ops" 1 "$RC"
expect_eq "start error" 1 \
    "$(grep -c 'msg="Loading configuration file failed" file='"$TMP"'/no-ops.yml err="--dead-letter.receiver: no receiver named \\"ops\\" in the configuration"' "$TMP/start.err" || true)"

watchdog_start "$TMP/watchdog.yml" --dead-letter.receiver=ops --delivery.backoff-max=1s

# The backup fails: its DOWN message goes to a chat Telegram does not know,
# is dead at the first answer, and ops hears of it.
http "$WD_URL/ping/backup/fail"
expect_eq "ping" "200 OK" "$HTTP_CODE $HTTP_BODY"
wait_until 30 count_is "$SL" 1 || { cat "$WD_LOG" >&2; fail "ops got no report"; }
expect_eq "telegram asked once" 1 "$(requests "$TG" | jq length)"
expect_eq "telegram's answer" 400 "$(requests "$TG" | jq -r '.[0].status')"
expect_eq "dead counted" 1 \
    "$(metric 'tocsin_deliveries_total{integration="telegram/0",receiver="phone",result="dead"}')"
expect_eq "report logged" 1 \
    "$(grep -c 'msg="Dead message reported" id=1 receiver=phone integration=telegram/0 dead_letter_receiver=ops' "$WD_LOG" || true)"
# (tocsin.tmpl's words, as the relay's report has them: watchdog.tmpl's
# defaults are for its own TocsinCheckDown notifications.)
expect_eq "report at the dead-letter receiver" \
'{"channel":"#ops","username":"Alertmanager","attachments":[{"title":"[FIRING:1] TocsinDeliveryFailed","text":"🔴 *TocsinDeliveryFailed*: Could not deliver a notification to phone (telegram/0): telegram: 400 Bad Request: chat not found\n","fallback":"[FIRING:1] TocsinDeliveryFailed","callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}' \
    "$(requests "$SL" | jq -r '.[0].body')"
watchdog_stop
finish
