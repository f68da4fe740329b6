#!/usr/bin/env bash
# watchdog_escalate.sh: the escalate extension on a watchdog receiver. A ping
# check that goes down is repeated as replies to its DOWN message until it
# recovers, escalates once to a second receiver, and its recovery ends the
# repeats and reaches the second receiver too (the fake Telegram's exact
# texts, chats and reply_to_message_id). No Alertmanager is asked: the
# watchdog's notifications name none.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
fake_start telegram
TG=$FAKE_URL
BOT=123456:TEST-token

cat >"$TMP/wd.yml" <<EOF
receivers:
  - name: phone
    telegram_configs:
      - api_url: $TG
        bot_token: $BOT
        chat_id: 42
        send_resolved: true
        message: '{{ .Status }}: {{ .CommonLabels.check }}'
    escalate:
      repeat: 2s
      after: 5s
      receiver: boss
  - name: boss
    telegram_configs:
      - api_url: $TG
        bot_token: $BOT
        chat_id: -1001
        send_resolved: true
        message: 'ESCALATED {{ .Status }}: {{ .CommonLabels.check }}'
checks:
  - {name: backup, kind: ping, period: 2s, grace: 1s, repeat_interval: 0s, receiver: phone}
EOF
watchdog_start "$TMP/wd.yml"

# msgs CHAT: "<reply_to or 0> <text>" of every message sent to CHAT, in order.
msgs() {
	tg_requests | jq -r --arg m "/bot$BOT/sendMessage" --arg c "$1" '.[] |
	    select(.path == $m) | (.response | fromjson) as $r |
	    select($r.ok and ($r.result.chat.id | tostring) == $c) |
	    "\($r.result.reply_to_message.message_id // 0) \($r.result.text)"'
}
first_id() {
	tg_requests | jq -r --arg m "/bot$BOT/sendMessage" '[.[] | select(.path == $m) |
	    .response | fromjson | select(.result.chat.id == 42)][0].result.message_id'
}
count() {	# CHAT TEXT: how many messages to CHAT say TEXT
	msgs "$1" | grep -c -- " $2\$" || true
}
escalated() {
	[ "$(count -1001 'ESCALATED firing: backup')" -ge 1 ]
}
three_repeats() {
	[ "$(msgs 42 | grep -c '^[1-9][0-9]* firing: backup$')" -ge 3 ]
}

http "$WD_URL/ping/backup"
expect_eq "ping" 200 "$HTTP_CODE"
# Down about 3 s later; then a repeat every 2 s, and the escalation at 5 s.
wait_until 30 escalated || { msgs 42 >&2; cat "$WD_LOG" >&2; fail "no escalation"; }
wait_until 30 three_repeats || { msgs 42 >&2; fail "fewer than three repeats"; }
id=$(first_id)
expect_eq "the DOWN message, then repeats answering it" \
    "0 firing: backup
$id firing: backup
$id firing: backup
$id firing: backup" "$(msgs 42 | head -n 4)"
expect_eq "escalated once" "1" "$(count -1001 'ESCALATED firing: backup')"

# Recovery: the resolved message to both, and no more repeats.
http "$WD_URL/ping/backup"
expect_eq "recovering ping" 200 "$HTTP_CODE"
recovered() {
	[ "$(count 42 'resolved: backup')" -ge 1 ] &&
	    [ "$(count -1001 'ESCALATED resolved: backup')" -ge 1 ]
}
wait_until 30 recovered || { msgs 42 >&2; msgs -1001 >&2; fail "no recovery for both"; }
n=$(msgs 42 | grep -c 'firing: backup$')
# Kept up (pinged every second) for longer than two repeats would take.
for i in 1 2 3 4 5; do
	http "$WD_URL/ping/backup"
	sleep 1
done
expect_eq "no repeat after the recovery" "$n" "$(msgs 42 | grep -c 'firing: backup$')"
expect_eq "the escalation receiver: once firing, once resolved" \
    "0 ESCALATED firing: backup
0 ESCALATED resolved: backup" "$(msgs -1001)"
finish
