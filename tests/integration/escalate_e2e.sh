#!/usr/bin/env bash
# escalate_e2e.sh: the escalate extension with a real Alertmanager 0.25 and
# the fake Telegram: a firing group is repeated as replies to its first
# message (exact bytes, reply_to_message_id) until an Ack press stops it,
# silences in Alertmanager (one from the Silence button, one from amtool)
# hold two others', a fourth escalates once to a second receiver; the timers survive a kill -9 (no second escalation), and
# the resolved notification ends the repeats and reaches the second receiver
# too.
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
        message: '{{ .Status }}: {{ .CommonLabels.alertname }}'
        actions:
          silence: [1h]
          ack: true
          allowed_users: [111]
    escalate:
      repeat: 3s
      after: 15s
      receiver: oncall
  - name: oncall
    telegram_configs:
      - bot_token: $BOT
        api_url: $TG
        chat_id: -1001
        message: 'ESCALATED {{ .Status }}: {{ .CommonLabels.alertname }}'
EOF
relay_start --config.file="$TMP/relay.yml"
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_start "$TMP/alertmanager.yml" '--web.external-url=http://127.0.0.1:{PORT}'
DB=$TMP/data/queue.db

# msgs CHAT: "<message id> <reply_to or 0> <text>" of every message the fake
# sent to CHAT, in order.
msgs() {
	tg_requests | jq -r --arg m "/bot$BOT/sendMessage" --arg c "$1" '.[] |
	    select(.path == $m) | (.response | fromjson) as $r |
	    select($r.ok and ($r.result.chat.id | tostring) == $c) |
	    "\($r.result.message_id) \($r.result.reply_to_message.message_id // 0) \($r.result.text)"'
}
# first NAME: the id of NAME's firing message in chat 42.
first() {
	msgs 42 | awk -v t="firing: $1" '$2 == 0 && substr($0, index($0, $3)) == t { print $1; exit }'
}
# replies NAME: how many repeats of NAME answered its first message.
replies() {
	local id
	id=$(first "$1")
	msgs 42 | awk -v id="$id" -v t="firing: $1" '$2 == id && substr($0, index($0, $3)) == t' | grep -c . || true
}
at_least_replies() {
	[ "$(replies "$1")" -ge "$2" ]
}
wait_replies() {
	wait_until 30 at_least_replies "$1" "$2" ||
	    { cat "$RELAY_ERR" >&2; fail "$1: $(replies "$1") repeat(s), not $2"; }
}
escalated() {
	msgs -1001 | grep -c . || true
}
# count_at_least N CMD...: CMD prints a number of at least N.
count_at_least() {
	[ "$("${@:2}")" -ge "$1" ]
}
firing_messages() {
	msgs 42 | grep -c " 0 firing: " || true
}
backup_timers() {
	python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from escalations where group_key like ?", ("%Backup%",)).fetchone()[0])' "$DB"
}
no_backup_timer() {
	[ "$(backup_timers)" = 0 ]
}
answers() {
	tg_requests | jq '[.[] | select(.path | endswith("/answerCallbackQuery"))] | length'
}
timers() {
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for r, g, n, e in c.execute("select receiver, group_key, next_at = 9223372036854775807, escalated from escalations order by group_key"):
    print("%s %s %s %d" % (r, g, "ended" if n else "running", e))' "$DB"
}

# ---- firing: one message each, then repeats answering it
for a in DiskFull Backup Noisy Flappy; do
	amtool alert add --alertmanager.url="$AM_URL" alertname=$a instance=nas:9100
done
wait_until 30 count_at_least 4 firing_messages ||
    { cat "$RELAY_ERR" >&2; fail "four firing messages did not arrive"; }
DISK=$(first DiskFull)
wait_replies DiskFull 1
BODY=$(tg_requests | jq -r --arg id "$DISK" '[.[] | select(.body | fromjson |
    .reply_to_message_id == $id)][0].body')
ID=$(jq -r '.reply_markup.inline_keyboard[0][0].callback_data' <<<"$BODY" | cut -d: -f1)
expect_eq "a repeat answers the first message" \
    '{"allow_sending_without_reply":"true","chat_id":"42","disable_web_page_preview":"true","parse_mode":"HTML","reply_markup":{"inline_keyboard":[[{"text":"Silence 1h","callback_data":"'"$ID"':s:1h"},{"text":"Ack","callback_data":"'"$ID"':a"}]]},"reply_to_message_id":"'"$DISK"'","text":"firing: DiskFull"}' \
    "$BODY"

# ---- an Ack on the first message ends DiskFull's repeats; a silence from
# the button holds Noisy's, one made with amtool Flappy's.
press() {	# NAME BUTTON: pressed on NAME's first message; N: answers so far
	http -X POST --data-binary '{"chat": "42", "message_id": '"$(first "$1")"', "button": "'"$2"'", "from": {"id": 111, "username": "ann"}}' "$TG/_fake/press"
	[ "$HTTP_CODE" = 200 ] || fail "press: $HTTP_CODE $HTTP_BODY"
	N=$((N + 1))
	wait_until 30 count_at_least "$N" answers || fail "the press was not answered"
}
N=0
press DiskFull Ack
press Noisy "Silence 1h"
expect_eq "the button's silence is Alertmanager's" 1 \
    "$(amtool silence query --alertmanager.url="$AM_URL" -q alertname=Noisy | grep -c .)"
amtool silence add --alertmanager.url="$AM_URL" alertname=Flappy \
    --comment=maintenance --duration=1h >/dev/null

# ---- kill -9 between repeats: the timers are in the store
kill -KILL "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null || true
# (DiskFull's may have ended already: its step after the ack may be done.)
expect_eq "timers kept across kill -9" \
    'pager {}:{alertname="Backup"} 0
pager {}:{alertname="DiskFull"} 0
pager {}:{alertname="Flappy"} 0
pager {}:{alertname="Noisy"} 0' "$(timers | cut -d' ' -f1,2,4)"
relay_start --config.file="$TMP/relay.yml"
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
kill -HUP "$AM_PID"
sleep 4	# a step of each group after the ack and the silence
ACKED=$(replies DiskFull)
QUIET=$(replies Noisy)
FLAPPY=$(replies Flappy)
BACKUP=$(replies Backup)
wait_replies Backup $((BACKUP + 1))

# ---- Backup escalates once, to the second receiver's chat
wait_until 30 count_at_least 1 escalated ||
    { cat "$RELAY_ERR" >&2; fail "no escalation"; }
ESC=$(tg_requests | jq -r '[.[] | select(.body | fromjson | .chat_id == "-1001")][0].body')
expect_eq "the escalation's message" \
    '{"chat_id":"-1001","disable_web_page_preview":"true","parse_mode":"HTML","text":"ESCALATED firing: Backup"}' \
    "$ESC"
BACKUP=$(replies Backup)
wait_replies Backup $((BACKUP + 2))
expect_eq "one escalation, of Backup only" "0 firing: Backup" \
    "$(msgs -1001 | cut -d' ' -f2- | sed 's/ESCALATED //')"
expect_eq "no repeat after the ack" "$ACKED" "$(replies DiskFull)"
expect_eq "no repeat while silenced from the button" "$QUIET" "$(replies Noisy)"
expect_eq "no repeat while silenced with amtool" "$FLAPPY" "$(replies Flappy)"
expect_eq "timers: acknowledged ended, silenced held, escalated running" \
    'pager {}:{alertname="Backup"} running 1
pager {}:{alertname="DiskFull"} ended 0
pager {}:{alertname="Flappy"} running 0
pager {}:{alertname="Noisy"} running 0' "$(timers)"
expect_eq "escalation metric" 1 \
    "$(relay_metric 'tocsin_escalation_steps_total{receiver="pager",step="escalation"}')"
[ "$(relay_metric 'tocsin_escalation_steps_total{receiver="pager",step="repeat"}')" -ge 2 ] ||
    fail "repeats are not counted"
[ "$(relay_metric 'tocsin_escalation_steps_total{receiver="pager",step="skipped"}')" -ge 2 ] ||
    fail "the silenced groups' steps are not counted as skipped"

# ---- resolved: the timer goes, the repeats stop
amtool alert add --alertmanager.url="$AM_URL" alertname=Backup instance=nas:9100 \
    --end="$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ)"
wait_until 30 no_backup_timer ||
    { cat "$RELAY_ERR" >&2; fail "the resolved group kept its timer"; }
wait_until 30 count_at_least 2 escalated ||
    { cat "$RELAY_ERR" >&2; fail "the escalation receiver did not hear of the resolved group"; }
BACKUP=$(replies Backup)
sleep 7
expect_eq "no repeat after resolved" "$BACKUP" "$(replies Backup)"
expect_eq "the escalation receiver: Backup's firing, then its resolved" \
    "firing: Backup|resolved: Backup" \
    "$(msgs -1001 | cut -d' ' -f3- | sed 's/ESCALATED //' | paste -sd'|')"
finish
