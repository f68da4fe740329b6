#!/usr/bin/env bash
# slack_app_e2e.sh: Alertmanager 0.26-0.34's slack and webhook fields
# through the relay's queue to the fake Slack: the global slack_app_token
# posting to chat.postMessage with message_text, the Web API's answers
# (ratelimited waits Retry-After, invalid_auth is given up), and a webhook
# whose url_file is read when the message goes out, so that a file that
# appears later still gets it. Alertmanager 0.25, the real one installed,
# has none of these fields: the bodies are pinned against the fake only.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
TOKEN=xoxb-TEST-token
command -v jq >/dev/null || fail "jq is not installed"
rm -rf "$TMP/data" "$TMP/cred"
mkdir -p "$TMP/cred"
export TZ=UTC

post() {	# NAME FILE
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL/webhook"
	expect_eq "POST $1" "200 OK" "$HTTP_CODE $HTTP_BODY"
}
fake_force() {
	curl -fsS -X POST -H "$J" --data "{\"force\": [$1]}" "$SL/_fake/config" >/dev/null
}

fake_start slack
SL=$FAKE_URL
printf '%s\n' "$TOKEN" >"$TMP/cred/slack-token"

cat >"$TMP/relay.yml" <<EOF
global:
  slack_app_token_file: $TMP/cred/slack-token
  slack_app_url: $SL/api/chat.postMessage
route:
  receiver: chat
  routes:
    - matchers: ['alertname="HighLLMErrorRate"']
      receiver: hook
receivers:
  - name: chat
    slack_configs:
      - channel: '#alerts'
        message_text: '{{ .Status }}: {{ .CommonLabels.alertname }}'
        title: '{{ .CommonLabels.alertname }}'
        send_resolved: true
        timeout: 5s
  - name: hook
    webhook_configs:
      - url_file: $TMP/cred/hook-url
        timeout: 5s
EOF
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s --log.level=debug

# The bot token in the Authorization header, message_text as the text.
post "slack app" "$FIX/ssh-login-firing.json"
fake_wait_count "$SL" 1
expect_eq "chat.postMessage body" \
'{"channel":"#alerts","username":"Alertmanager","text":"firing: SSHLoginFromNonLAN","attachments":[{"title":"SSHLoginFromNonLAN","title_link":"http://alertmanager.lan:9093/#/alerts?receiver=chat","text":"🔴 *SSHLoginFromNonLAN* on `homelab:9100`: Shell login for root from 203.0.113.7\n","fallback":"[FIRING:1] SSHLoginFromNonLAN | http://alertmanager.lan:9093/#/alerts?receiver=chat","callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}' \
    "$(fake_bodies "$SL")"
expect_eq "chat.postMessage request" "/api/chat.postMessage Bearer $TOKEN ok" \
    "$(curl -fsS "$SL/_fake/requests" | jq -r '.[0] | "\(.path) \(.headers | map(select(.[0] == "Authorization"))[0][1]) \(.response | fromjson | .ok | if . then "ok" else "failed" end)"')"
wait_idle

# 429 ratelimited: retried after Retry-After, delivered once.
curl -fsS -X POST "$SL/_fake/reset" >/dev/null
fake_force '{"status": 429, "retry_after": 1}'
jq '.alerts[0].labels.alertname = "DiskFull" | .alerts[0].fingerprint = "" | .commonLabels.alertname = "DiskFull"
    | .groupLabels.alertname = "DiskFull"' "$FIX/ssh-login-firing.json" >"$TMP/disk-full.json"
post "slack app, rate-limited first" "$TMP/disk-full.json"
fake_wait_count "$SL" 2
wait_idle
expect_eq "ratelimited, then delivered" "429 200" \
    "$(curl -fsS "$SL/_fake/requests" | jq -r 'map(.status | tostring) | join(" ")')"
expect_eq "the wait was Retry-After's" true \
    "$(curl -fsS "$SL/_fake/requests" | jq '.[1].received_ms - .[0].received_ms >= 900')"

# invalid_auth: given up at once, as Alertmanager does.
curl -fsS -X POST "$SL/_fake/reset" >/dev/null
fake_force '{"status": 200, "error": "invalid_auth"}'
dead0=$(relay_metric 'tocsin_queue_messages{state="dead"}')
post "slack app, token refused" "$FIX/ssh-login-resolved.json"
fake_wait_count "$SL" 1
wait_idle
expect_eq "invalid_auth is permanent" "1 $((dead0 + 1))" \
    "$(fake_count "$SL") $(relay_metric 'tocsin_queue_messages{state="dead"}')"
grep -q 'slack: 200 invalid_auth' "$RELAY_ERR" ||
    { cat "$RELAY_ERR" >&2; fail "no 'slack: 200 invalid_auth' in the log"; }

# url_file: missing when the message is accepted, so it waits; written
# later, the retry reads it and delivers.
curl -fsS -X POST "$SL/_fake/reset" >/dev/null
fake_force '{"status": 200, "body": "ok"}'
post "webhook, url_file not there yet" "$FIX/llm-error-rate-mixed-severity.json"
wait_until 10 grep -q "cannot read url_file" "$RELAY_ERR" ||
    { cat "$RELAY_ERR" >&2; fail "no failed attempt for the missing url_file"; }
expect_eq "nothing sent without a URL" 0 "$(fake_count "$SL")"
printf '  %s/services/T000/B000/XXXXXXXX\n' "$SL" >"$TMP/cred/hook-url"
fake_wait_count "$SL" 1
wait_idle
expect_eq "webhook delivered to the file's URL" "/services/T000/B000/XXXXXXXX HighLLMErrorRate" \
    "$(curl -fsS "$SL/_fake/requests" | jq -r '.[0] | "\(.path) \(.body | fromjson | .commonLabels.alertname)"')"

relay_stop
if grep -q "$TOKEN" "$RELAY_ERR" "$RELAY_OUT"; then
	fail "the bot token appears in the relay's log"
fi
finish
