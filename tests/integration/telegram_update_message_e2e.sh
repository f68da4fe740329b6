#!/usr/bin/env bash
# telegram_update_message_e2e.sh: update_message with a real Alertmanager
# 0.25: the resolved notification edits the firing message (exact
# editMessageText body; the buttons go), also when the relay was killed -9
# between firing and resolved; a message Telegram no longer lets tocsin edit
# gets the resolved text as a new message.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v amtool >/dev/null || fail "amtool is not installed"
fake_start telegram
TG=$FAKE_URL
BOT=123456:TEST-token

cat >"$TMP/relay.yml" <<EOF
route:
  receiver: pager
receivers:
  - name: pager
    telegram_configs:
      - bot_token: $BOT
        api_url: $TG
        chat_id: 42
        update_message: true
        message: '{{ .Status }}: {{ .CommonLabels.alertname }}'
        actions:
          ack: true
          allowed_users: [111]
EOF
relay_start --config.file="$TMP/relay.yml"
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_start "$TMP/alertmanager.yml" '--web.external-url=http://127.0.0.1:{PORT}'

sent() {
	curl -fsS "$TG/_fake/requests" |
	    jq -r --arg m "/bot$BOT/$1" '.[] | select(.path == $m) | .body'
}
has_sent() {
	[ "$(sent "$1" | grep -c .)" -ge "$2" ]
}
wait_sent() {
	wait_until 30 has_sent "$1" "$2" ||
	    { cat "$RELAY_ERR" >&2; fail "no $2 $1 request(s)"; }
}
# fire NAME / resolve NAME: the alert through Alertmanager.
fire() {
	amtool alert add --alertmanager.url="$AM_URL" alertname="$1" severity=page
}
resolve() {
	amtool alert add --alertmanager.url="$AM_URL" alertname="$1" severity=page \
	    --end="$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)"
}

fire DiskFull
wait_sent sendMessage 1
expect_eq "firing, with its button" '[{"text":"Ack"}] firing: DiskFull' \
    "$(sent sendMessage | jq -r '"\([.reply_markup.inline_keyboard[0][] | {text}] | tojson) \(.text)"')"

# kill -9 between firing and resolved: the message id was kept. The new
# relay listens elsewhere; Alertmanager reloads its config and keeps its
# alerts and notification log.
kill -KILL "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null || true
relay_start --config.file="$TMP/relay.yml"
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
kill -HUP "$AM_PID"
wait_for_line 'Completed loading of configuration file' 10 "$TMP/am.err" ||
    fail "Alertmanager did not reload"
sleep 1
resolve DiskFull
wait_sent editMessageText 1
expect_eq "resolved edits the firing message, buttons gone" \
    '{"chat_id":"42","disable_web_page_preview":"true","message_id":"1","parse_mode":"HTML","text":"resolved: DiskFull"}' \
    "$(sent editMessageText | sed -n 1p)"
expect_eq "the chat shows the message resolved, without buttons" \
    'resolved: DiskFull null' \
    "$(curl -fsS "$TG/_fake/requests" | jq -r '[.[] | select(.path | endswith("/editMessageText"))][0].response
       | fromjson | .result | "\(.text) \(.reply_markup)"')"
expect_eq "no second message" 1 "$(sent sendMessage | grep -c .)"

# A message that can no longer be edited: the resolved text comes anew.
fire BackupLate
wait_sent sendMessage 2
curl -fsS -X POST -d '{"chat": "42", "message_id": 2, "editable": false}' "$TG/_fake/message" >/dev/null
resolve BackupLate
wait_sent sendMessage 3
expect_eq "refused edit, then a new message" \
    "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message can't be edited\"}
resolved: BackupLate" \
    "$(curl -fsS "$TG/_fake/requests" | jq -r '.[] | select(.path | endswith("/editMessageText")) | .response' | sed -n 2p
       sent sendMessage | sed -n 3p | jq -r .text)"
relay_stop
finish
