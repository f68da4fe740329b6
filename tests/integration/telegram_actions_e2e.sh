#!/usr/bin/env bash
# telegram_actions_e2e.sh: buttons on Telegram notifications against a real
# Alertmanager 0.25 and the fake Telegram: the keyboard's exact bytes, a
# silence created from a press (checked with amtool and the API: matchers,
# end time, createdBy) and lifted with Unsilence, an acknowledgement, the
# refusals (a user not allowed, forged data, a resolved group, Alertmanager
# down) that change nothing, the edits' exact bytes, the durable update
# offset across restarts and a kill -9 between a press and its silence, 409
# from a second poller, tocsin_actions_total.
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
        message: '{{ .CommonLabels.alertname }} on {{ .CommonLabels.instance }}'
        actions:
          silence: [1h, 24h]
          ack: true
          allowed_users: [111]
EOF
relay_start --config.file="$TMP/relay.yml"
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_start "$TMP/alertmanager.yml" '--web.external-url=http://127.0.0.1:{PORT}'

# sent METHOD: the bodies of the fake's requests to METHOD, one a line.
sent() {
	tg_requests | jq -c --arg m "/bot$BOT/$1" '.[] | select(.path == $m) | .body'  | jq -r .
}
sent_count() {
	sent "$1" | grep -c . || true
}
has_sent() {
	[ "$(sent_count "$1")" -ge "$2" ]
}
wait_sent() {
	wait_until 30 has_sent "$1" "$2" ||
	    { cat "$RELAY_ERR" >&2; fail "no $2 $1 request(s), got $(sent_count "$1")"; }
}
# press JSON: a button press injected into the fake; sets QID.
press() {
	http -X POST --data-binary "$1" "$TG/_fake/press"
	[ "$HTTP_CODE" = 200 ] || fail "press $1: $HTTP_CODE $HTTP_BODY"
	QID=$(jq -r .query_id <<<"$HTTP_BODY")
}
# toast: the text of the answer to the last press (waits for it).
toast() {
	local n=$1
	wait_sent answerCallbackQuery "$n"
	sent answerCallbackQuery | sed -n "${n}p" | jq -r '"\(.callback_query_id == "'"$QID"'") \(.text)"'
}
silences() {
	curl -fsS "$AM_URL/api/v2/silences"
}
ANN='"from": {"id": 111, "username": "ann", "first_name": "Ann"}'

# ---- the keyboard
amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull \
    severity=critical instance=nas:9100
wait_sent sendMessage 1
BODY=$(sent sendMessage | head -1)
ID=$(jq -r '.reply_markup.inline_keyboard[0][0].callback_data' <<<"$BODY" | cut -d: -f1)
[[ $ID =~ ^[A-Za-z0-9_-]{16}$ ]] || fail "record id $ID"
expect_eq "sendMessage with the keyboard" \
    '{"chat_id":"42","disable_web_page_preview":"true","parse_mode":"HTML","reply_markup":{"inline_keyboard":[[{"text":"Silence 1h","callback_data":"'"$ID"':s:1h"},{"text":"Silence 24h","callback_data":"'"$ID"':s:24h"},{"text":"Ack","callback_data":"'"$ID"':a"}]]},"text":"DiskFull on nas:9100"}' \
    "$BODY"

# ---- refusals change nothing
press '{"chat": "42", "message_id": 1, "button": "Silence 1h", "from": {"id": 999, "username": "mallory"}}'
expect_eq "not allowed" "true You are not allowed to do this." "$(toast 1)"
grep -q 'msg="Refused a button press by a user not in allowed_users" user_id=999' "$RELAY_ERR" ||
    fail "the refusal is not logged with the user id"
press '{"chat": "42", "message_id": 1, "data": "ZZZZZZZZZZZZZZZZ:s:1h", '"$ANN"'}'
expect_eq "unknown record" "true This button is no longer known to tocsin." "$(toast 2)"
press '{"chat": "42", "message_id": 1, "data": "'"$ID"':s:2h", '"$ANN"'}'
expect_eq "a duration not offered" "true This button is no longer known to tocsin." "$(toast 3)"
press '{"chat": "42", "message_id": 1, "data": "garbage", '"$ANN"'}'
expect_eq "not ours" "true This button is not one of tocsin's." "$(toast 4)"
expect_eq "no silence after refusals" "[]" "$(silences)"
expect_eq "no edit after refusals" 0 "$(sent_count editMessageText)"

# ---- silence
press '{"chat": "42", "message_id": 1, "button": "Silence 1h", '"$ANN"'}'
expect_eq "silenced" "true Silenced for 1h." "$(toast 5)"
SIL=$(silences)
expect_eq "one active silence" 1 "$(jq '[.[] | select(.status.state == "active")] | length' <<<"$SIL")"
expect_eq "silence matchers, author, comment" \
    '{"comment":"Silenced from Telegram through tocsin: DiskFull (receiver pager)","createdBy":"@ann (111)","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"DiskFull"}]}' \
    "$(jq -c '.[0] | {comment, createdBy, matchers}' <<<"$SIL")"
START=$(epoch_ms "$(jq -r '.[0].startsAt' <<<"$SIL")")
END=$(epoch_ms "$(jq -r '.[0].endsAt' <<<"$SIL")")
# Alertmanager moves a start in the past to its own now: the silence ends
# exactly 1h after tocsin's now, a few ms after it began.
[ $((END - START)) -le 3600000 ] && [ $((END - START)) -gt 3590000 ] ||
    fail "silence lasts $((END - START)) ms, not 1h"
NOW=$(date +%s%3N)
[ $((NOW - START)) -ge 0 ] && [ $((NOW - START)) -lt 60000 ] || fail "silence starts at $START, now $NOW"
SID=$(jq -r '.[0].id' <<<"$SIL")
expect_eq "amtool sees it" "$SID @ann (111)" \
    "$(amtool silence query --alertmanager.url="$AM_URL" -o json | jq -r '.[0] | "\(.id) \(.createdBy)"')"
expect_eq "amtool matches the alert" "$SID" \
    "$(amtool silence query --alertmanager.url="$AM_URL" -q alertname=DiskFull)"
UNTIL=$(date -u -d "@$((END / 1000))" '+%Y-%m-%d %H:%M UTC')
wait_sent editMessageText 1
expect_eq "edit after silence" \
    '{"chat_id":"42","message_id":1,"reply_markup":{"inline_keyboard":[[{"text":"Unsilence","callback_data":"'"$ID"':u"}]]},"text":"DiskFull on nas:9100\n\n🔕 Silenced by @ann (111) until '"$UNTIL"'"}' \
    "$(sent editMessageText | sed -n 1p)"

# ---- unsilence
press '{"chat": "42", "message_id": 1, "button": "Unsilence", '"$ANN"'}'
expect_eq "unsilenced" "true Silence lifted." "$(toast 6)"
expect_eq "the silence is expired" "expired" "$(silences | jq -r --arg id "$SID" '.[] | select(.id == $id) | .status.state')"
expect_eq "amtool lists no active silence" "" \
    "$(amtool silence query --alertmanager.url="$AM_URL" -q)"
wait_sent editMessageText 2
expect_eq "edit after unsilence: the buttons are back" \
    '{"chat_id":"42","message_id":1,"reply_markup":{"inline_keyboard":[[{"text":"Silence 1h","callback_data":"'"$ID"':s:1h"},{"text":"Silence 24h","callback_data":"'"$ID"':s:24h"},{"text":"Ack","callback_data":"'"$ID"':a"}]]},"text":"DiskFull on nas:9100"}' \
    "$(sent editMessageText | sed -n 2p)"
press '{"chat": "42", "message_id": 1, "data": "'"$ID"':u", '"$ANN"'}'
expect_eq "nothing left to unsilence" "true There is no silence to lift." "$(toast 7)"

# ---- ack
press '{"chat": "42", "message_id": 1, "button": "Ack", '"$ANN"'}'
expect_eq "acked" "true Acknowledged." "$(toast 8)"
wait_sent editMessageText 3
ACKED=$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(*c.execute("select receiver, group_key, acked_by from group_acks").fetchone(), sep="|")' "$TMP/data/queue.db")
expect_eq "the ack is stored" 'pager|{}:{alertname="DiskFull"}|@ann (111)' "$ACKED"
AT=$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select acked_at from group_acks").fetchone()[0] // 1000)' "$TMP/data/queue.db")
expect_eq "edit after ack" \
    '{"chat_id":"42","message_id":1,"reply_markup":{"inline_keyboard":[[{"text":"Silence 1h","callback_data":"'"$ID"':s:1h"},{"text":"Silence 24h","callback_data":"'"$ID"':s:24h"}]]},"text":"DiskFull on nas:9100\n\n✅ Acknowledged by @ann (111) at '"$(date -u -d "@$AT" '+%Y-%m-%d %H:%M UTC')"'"}' \
    "$(sent editMessageText | sed -n 3p)"

expect_eq "actions metric so far" \
    "ack ok 1|silence denied 1|silence ok 1|silence unknown 2|unknown unknown 1|unsilence ok 1|unsilence unknown 1" \
    "$(http "$RELAY_URL/metrics"; grep '^tocsin_actions_total' <<<"$HTTP_BODY" |
    sed -E 's/.*action="([a-z]+)",result="([a-z]+)"\} ([0-9]+)/\1 \2 \3/' | sort | paste -sd'|')"

# ---- the offset is durable: a press while the relay is down is acted on
# once after the restart, and a second restart replays nothing.
relay_stop
LAST=$(sent getUpdates | tail -1 | jq .offset)
press '{"chat": "42", "message_id": 1, "button": "Silence 24h", '"$ANN"'}'
UPD=$(jq -r .update_id <<<"$HTTP_BODY")
relay_start --config.file="$TMP/relay.yml"
expect_eq "after restart: acted on" "true Silenced for 24h." "$(toast 9)"
expect_eq "the first poll after restart resumes at the stored offset" "$LAST" \
    "$(sent getUpdates | jq -s ".[] | select(.offset == $LAST) | .offset" | head -1)"
wait_until 30 eval '[ "$(sent getUpdates | tail -1 | jq .offset)" = $((UPD + 1)) ]' ||
    fail "the offset did not move past update $UPD"
relay_stop
relay_start --config.file="$TMP/relay.yml"
wait_until 30 eval '[ "$(sent getUpdates | tail -1 | jq .offset)" = $((UPD + 1)) ]' ||
    fail "the offset was not kept across the restart"
sleep 1
expect_eq "no replay after the second restart" 9 "$(sent_count answerCallbackQuery)"
expect_eq "one silence per press" 2 "$(silences | jq length)"

# ---- Alertmanager down: the toast says so, nothing changes, the press
# can be repeated
EDITS=$(sent_count editMessageText)
am_stop
press '{"chat": "42", "message_id": 1, "data": "'"$ID"':s:1h", '"$ANN"'}'
expect_eq "Alertmanager down" "true Alertmanager did not answer; nothing was done. Try again." "$(toast 10)"
expect_eq "no edit while Alertmanager is down" "$EDITS" "$(sent_count editMessageText)"

# ---- kill -9 between a press and its silence: the press is acted on
# after the restart, once (its update was never confirmed)
am_restart
amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull \
    severity=critical instance=nas:9100
am_has_alert() {
	# Silenced by the 24h silence, which the API lists too.
	[ "$(curl -fsS "$AM_URL/api/v2/alerts" | jq length)" -ge 1 ]
}
wait_until 30 am_has_alert || fail "Alertmanager did not take the alert again"
kill -STOP "$AM_PID"
press '{"chat": "42", "message_id": 1, "data": "'"$ID"':s:1h", '"$ANN"'}'
sleep 1.5
kill -KILL "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null || true
kill -CONT "$AM_PID"
expect_eq "no answer from the killed relay" 10 "$(sent_count answerCallbackQuery)"
expect_eq "no silence from the killed relay" 2 "$(silences | jq length)"
relay_start --config.file="$TMP/relay.yml"
expect_eq "after the crash: acted on" "true Silenced for 1h." "$(toast 11)"
expect_eq "one silence for the press" 3 "$(silences | jq length)"
sleep 1
expect_eq "answered once" 11 "$(sent_count answerCallbackQuery)"

# ---- a resolved group: refused
amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull \
    severity=critical instance=nas:9100 \
    --end="$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)"
press '{"chat": "42", "message_id": 1, "data": "'"$ID"':s:1h", '"$ANN"'}'
expect_eq "resolved" "true This alert has already resolved." "$(toast 12)"

# ---- a second program polling the same bot: 409, logged, retried
curl -s -H 'Content-Type: application/json' -d '{"timeout": 2}' \
    "$TG/bot$BOT/getUpdates" >/dev/null &
OTHER=$!
wait_for_line 'Another program is polling this Telegram bot' 30 "$RELAY_ERR" ||
    fail "no 409 logged"
grep -q 'status=409 description="Conflict: terminated by other getUpdates request' "$RELAY_ERR" ||
    fail "409 not logged with Telegram's description"
wait "$OTHER" || true

expect_eq "actions metric: silence ok" 1 "$(relay_metric 'tocsin_actions_total{action="silence",result="ok"}')"
expect_eq "actions metric: silence resolved" 1 "$(relay_metric 'tocsin_actions_total{action="silence",result="resolved"}')"
relay_stop
finish
