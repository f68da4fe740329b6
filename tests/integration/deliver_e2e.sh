#!/usr/bin/env bash
# deliver_e2e.sh: relay -> fake Telegram and fake Slack through the store and
# the dispatcher. Our own payloads (fixed times) pin the exact request bodies
# and the routing by severity; the same payload posted twice, or by a second
# Alertmanager, goes out once; a fake that is down at first gets the message
# once it is back; a real Alertmanager 0.25 drives the same routing with one
# message per notification.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
command -v amtool >/dev/null || fail "amtool is not installed"
command -v jq >/dev/null || fail "jq is not installed"
rm -rf "$TMP/am" "$TMP/data"
# The rendered "since 13:49 UTC" depends on the zone.
export TZ=UTC

# wait_idle: until nothing is pending in the queue.
post() {	# NAME FILE [PATH]
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL${3:-/webhook}"
	expect_eq "POST $1" "200 OK" "$HTTP_CODE $HTTP_BODY"
}

fake_start telegram
TG=$FAKE_URL
TG_PID=$FAKE_PID
TG_PORT=$(cat "$TMP/telegram.port")
fake_start slack
SL=$FAKE_URL

cat >"$TMP/relay.yml" <<EOF
route:
  receiver: chat
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
receivers:
  - name: pager
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
        send_resolved: true
  - name: chat
    slack_configs:
      - api_url: $SL/services/T000/B000/XXXXXXXX
        channel: '#ops'
        send_resolved: true
EOF
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s --log.level=debug

# One payload, two severities: the critical alert to Telegram, the warning
# one to Slack, each rendered with tocsin's default templates.
post "mixed severity" "$FIX/llm-error-rate-mixed-severity.json"
fake_wait_count "$TG" 1
fake_wait_count "$SL" 1
expect_eq "telegram body" \
'{"chat_id":"42","disable_web_page_preview":"true","parse_mode":"HTML","text":"🔴 \u003cb\u003eFIRING\u003c/b\u003e HighLLMErrorRate on local-llm · since 13:49 UTC\nHigh LLM error rate (31%)"}' \
    "$(fake_bodies "$TG")"
expect_eq "slack body" \
'{"channel":"#ops","username":"Alertmanager","attachments":[{"title":"[FIRING:1] HighLLMErrorRate","title_link":"http://alertmanager.lan:9093/#/alerts?receiver=chat","text":"🟠 *HighLLMErrorRate*: High LLM error rate (12.5%)\n","fallback":"[FIRING:1] HighLLMErrorRate | http://alertmanager.lan:9093/#/alerts?receiver=chat","callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}' "$(fake_bodies "$SL")"

# The same payload again, and as a second Alertmanager of an HA pair sends
# it (its own external URL, its own JSON layout): 200, and nothing new.
post "same payload again" "$FIX/llm-error-rate-mixed-severity.json"
jq --indent 3 '.externalURL = "http://alertmanager-2.lan:9093"' \
    "$FIX/llm-error-rate-mixed-severity.json" >"$TMP/second-am.json"
post "same notification from a second Alertmanager" "$TMP/second-am.json"
expect_eq "duplicates counted" "2 2" \
    "$(relay_metric 'tocsin_notifications_deduplicated_total{receiver="pager"}') $(relay_metric 'tocsin_notifications_deduplicated_total{receiver="chat"}')"
wait_idle
expect_eq "queued once per receiver" "1 1" \
    "$(relay_metric 'tocsin_notifications_queued_total{receiver="pager"}') $(relay_metric 'tocsin_notifications_queued_total{receiver="chat"}')"
expect_eq "duplicates not sent: telegram" 1 "$(fake_count "$TG")"
expect_eq "duplicates not sent: slack" 1 "$(fake_count "$SL")"

# Telegram down: the notification is accepted, retried, and delivered once
# the service is back on the same address.
kill "$TG_PID"
wait "$TG_PID" 2>/dev/null || true
post "telegram down" "$FIX/ssh-login-firing.json"
for ((i = 0; i < 100; i++)); do
	[ "$(relay_metric 'tocsin_deliveries_total{integration="telegram/0",receiver="pager",result="retry"}')" != 0 ] && break
	sleep 0.1
done
expect_eq "a failed attempt while down" yes \
    "$([ "$(relay_metric 'tocsin_deliveries_total{integration="telegram/0",receiver="pager",result="retry"}')" != 0 ] && echo yes || echo no)"
fake_start telegram "$TG_PORT"
TG=$FAKE_URL
fake_wait_count "$TG" 1
expect_eq "delivered after the restart" \
'{"chat_id":"42","disable_web_page_preview":"true","parse_mode":"HTML","text":"🔴 \u003cb\u003eFIRING\u003c/b\u003e SSHLoginFromNonLAN on homelab:9100 · since 13:49 UTC\nShell login for root from 203.0.113.7\n\u003ci\u003eA shell login succeeded from a non-LAN address.\u003c/i\u003e"}' \
    "$(fake_bodies "$TG")"
wait_idle
expect_eq "nothing dead" 0 "$(relay_metric 'tocsin_queue_messages{state="dead"}')"
relay_stop

# A real Alertmanager routes through the relay: one message per
# notification, critical at Telegram, warning at Slack.
curl -fsS -X POST "$TG/_fake/reset" >/dev/null
curl -fsS -X POST "$SL/_fake/reset" >/dev/null
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_start "$TMP/alertmanager.yml" --web.external-url=http://alertmanager.test:9093
amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull severity=critical \
    instance=nas:9100 --annotation=summary='Disk <90%> full & rising'
amtool alert add --alertmanager.url="$AM_URL" alertname=BackupLate severity=warning \
    job=restic
fake_wait_count "$TG" 1
fake_wait_count "$SL" 1
# Two more group intervals: a repeat would show up now.
sleep 2.5
wait_idle
expect_eq "Alertmanager: telegram got the critical alert only" \
    "1 1" "$(fake_count "$TG") $(fake_bodies "$TG" | jq -r .text | grep -c 'DiskFull on nas:9100')"
expect_eq "Alertmanager: telegram text" \
    "Disk &lt;90%&gt; full &amp; rising" "$(fake_bodies "$TG" | jq -r .text | sed -n 2p)"
expect_eq "Alertmanager: slack got the warning alert only" \
    "1 [FIRING:1] BackupLate" \
    "$(fake_count "$SL") $(fake_bodies "$SL" | jq -r '.attachments[0].title')"
expect_eq "Alertmanager saw no failed notifications" 0 \
    "$(grep -c 'Notify for alerts failed' "$TMP/am.err" || true)"
relay_stop
finish
