#!/usr/bin/env bash
# send_test.sh: `tocsin-relay send-test` against the fake Telegram, Slack
# and Gotify and a file: the exact bytes each got, the exact result lines and exit
# status, a permanent failure (chat not found), a temporary one (a service
# that is down), a 429 waited out, a message split in parts, a file
# receiver, and no secret on stdout or stderr.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
export TZ=UTC
rm -f "$TMP/test.jsonl"

reset() {
	curl -fsS -X POST "$1/_fake/reset" >/dev/null
}
# send_test RECEIVER [ARGS...]: runs the command; sets OUT, ERR and RC.
send_test() {
	local rcv=$1
	shift
	RC=0
	"$TOCSIN_RELAY" send-test --config.file="$TMP/relay.yml" --receiver="$rcv" \
	    --start=2026-11-23T13:49:41.313Z --web.external-url=http://am.test:9093 \
	    "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

fake_start telegram
TG=$FAKE_URL
fake_start slack
SL=$FAKE_URL
fake_start gotify
GF=$FAKE_URL
# A port nothing listens on: a service that is down.
DOWN=$(free_port)

cat >"$TMP/relay.yml" <<EOF
route:
  receiver: team
receivers:
  - name: team
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
    slack_configs:
      - api_url: $SL/services/T000/B000/XXXXXXXX
        channel: '#ops'
    file_configs:
      - path: $TMP/test.jsonl
  - name: broken
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 4711
    slack_configs:
      - api_url: http://127.0.0.1:$DOWN/services/T000/B000/XXXXXXXX
      - api_url: $SL/services/T000/B000/XXXXXXXX
  - name: nothing
  - name: push
    gotify_configs:
      - url: $GF
        token: ATESTtoken.1234
      - url: $GF
        token: AWRONGtoken9876
EOF

TG_TEXT='🔵 \u003cb\u003eFIRING\u003c/b\u003e TestAlert · since 13:49 UTC\nTest notification from tocsin\n\u003ci\u003etocsin-relay send-test sent this to receiver team to check that its notifications reach you.\u003c/i\u003e'

# Everything works: one line per integration, status 0, the sample rendered
# with tocsin's default templates at each service and written to the file.
send_test team
expect_eq "all delivered: status" 0 "$RC"
expect_eq "all delivered: stdout" "telegram/0: delivered
slack/0: delivered
file/0: delivered" "$OUT"
expect_eq "all delivered: stderr" "" "$ERR"
expect_eq "telegram body" \
    "{\"chat_id\":\"42\",\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\",\"text\":\"$TG_TEXT\"}" \
    "$(fake_bodies "$TG")"
expect_eq "slack body" \
'{"channel":"#ops","username":"Alertmanager","attachments":[{"title":"[FIRING:1] TestAlert","title_link":"http://am.test:9093/#/alerts?receiver=team","text":"🔵 *TestAlert*: Test notification from tocsin\n","fallback":"[FIRING:1] TestAlert | http://am.test:9093/#/alerts?receiver=team","callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}' \
    "$(fake_bodies "$SL")"
expect_eq "file line" \
'{"receiver":"team","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"TestAlert","severity":"info"},"annotations":{"description":"tocsin-relay send-test sent this to receiver team to check that its notifications reach you.","summary":"Test notification from tocsin"},"startsAt":"2026-11-23T13:49:41.313Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"66ff44547e4fe7c9"}],"groupLabels":{"alertname":"TestAlert"},"commonLabels":{"alertname":"TestAlert","severity":"info"},"commonAnnotations":{"description":"tocsin-relay send-test sent this to receiver team to check that its notifications reach you.","summary":"Test notification from tocsin"},"externalURL":"http://am.test:9093","version":"4","groupKey":"{}:{alertname=\"TestAlert\"}","truncatedAlerts":0}' \
    "$(cat "$TMP/test.jsonl")"

# A permanent failure (the chat does not exist), a temporary one (the
# service is down) and a success in one receiver: status 1, and the
# reasons without the bot token or the webhook path.
reset "$TG"
reset "$SL"
send_test broken
expect_eq "failures: status" 1 "$RC"
expect_eq "failures: stdout" "telegram/0: permanent failure: telegram: 400 Bad Request: chat not found
slack/0: temporary failure: slack: POST http://127.0.0.1:$DOWN/<redacted>: Couldn't connect to server
slack/1: delivered" "$OUT"
expect_eq "failures: stderr" "" "$ERR"
expect_eq "failures: one attempt at telegram" 1 "$(fake_count "$TG")"
expect_eq "failures: slack/1 got the sample" 1 "$(fake_count "$SL")"
expect_eq "no secret printed" 0 "$(cat "$TMP/out" "$TMP/err" | grep -c -e TEST-token -e XXXXXXXX || true)"

# A 429 with a short retry_after is waited out, exactly, and sent again.
reset "$TG"
reset "$SL"
curl -fsS -X POST "$TG/_fake/config" -d '{"force": [{"status": 429, "retry_after": 1}]}' >/dev/null
send_test team
expect_eq "429 waited out: status" 0 "$RC"
expect_eq "429 waited out: stdout" "telegram/0: delivered
slack/0: delivered
file/0: delivered" "$OUT"
expect_eq "429 waited out: statuses" "429 200" \
    "$(curl -fsS "$TG/_fake/requests" | jq -r '[.[].status] | map(tostring) | join(" ")')"
expect_eq "429 waited out: not before retry_after" yes \
    "$(curl -fsS "$TG/_fake/requests" | jq -r 'if .[1].received_ms - .[0].received_ms >= 1000 then "yes" else "no" end')"

# A retry_after beyond the command's patience is reported, not waited for.
reset "$TG"
reset "$SL"
curl -fsS -X POST "$TG/_fake/config" -d '{"force": [{"status": 429, "retry_after": 30}]}' >/dev/null
send_test team
expect_eq "long 429: status" 1 "$RC"
expect_eq "long 429: stdout" "telegram/0: temporary failure: telegram: 429 Too Many Requests: retry after 30
slack/0: delivered
file/0: delivered" "$OUT"
expect_eq "long 429: one attempt" 1 "$(fake_count "$TG")"

# Labels from the command line: a long instance makes Telegram's message
# too long for one request, so it goes out in numbered parts.
reset "$TG"
reset "$SL"
send_test team severity=critical "instance=$(printf 'x%.0s' $(seq 5000))"
expect_eq "split: status" 0 "$RC"
expect_eq "split: stdout" "telegram/0: delivered (2 parts)
slack/0: delivered
file/0: delivered" "$OUT"
expect_eq "split: requests" 2 "$(fake_count "$TG")"
expect_eq "split: numbered parts, critical marker" "(1/2) 🔴 <b>FIRING</b> TestAlert on xxx|(2/2) xxx" \
    "$(fake_bodies "$TG" | jq -r '.text | split("\n") | .[0] + " " + .[1][0:35]' | paste -sd'|' | sed 's/x*\(|\|$\)/xxx\1/g')"

# Gotify: the sample at {url}/message, the token in X-Gotify-Key; a wrong
# token is Gotify's 401, permanent, and printed without the token.
send_test push
expect_eq "gotify: status" 1 "$RC"
expect_eq "gotify: stdout" "gotify/0: delivered
gotify/1: permanent failure: gotify: 401 Unauthorized: you need to provide a valid access token or user credentials to access this api" "$OUT"
expect_eq "gotify: stderr" "" "$ERR"
expect_eq "gotify: body" \
'{"title":"🔵 [FIRING:1] TestAlert","message":"🔵 FIRING TestAlert · since 13:49 UTC\nTest notification from tocsin\ntocsin-relay send-test sent this to receiver push to check that its notifications reach you.","priority":4,"extras":{"client::notification":{"click":{"url":"http://am.test:9093/#/alerts?receiver=push"}}}}' \
    "$(fake_bodies "$GF" | head -n 1)"
expect_eq "gotify: path and key" "/message ATESTtoken.1234 401" \
    "$(curl -fsS "$GF/_fake/requests" | jq -r '[.[0].path, (.[0].headers[] | select(.[0] == "X-Gotify-Key") | .[1]), (.[1].status | tostring)] | join(" ")')"
expect_eq "gotify: no token printed" 0 "$(cat "$TMP/out" "$TMP/err" | grep -c -e ATESTtoken -e AWRONGtoken || true)"

# Usage errors: status 1, one line on stderr, nothing sent.
reset "$TG"
send_test nope
expect_eq "unknown receiver" "1|tocsin-relay: error: --receiver: no receiver named \"nope\" in $TMP/relay.yml" "$RC|$ERR"
send_test nothing
expect_eq "no integrations" "1|tocsin-relay: error: receiver \"nothing\" has no integrations: nothing to send" "$RC|$ERR"
send_test team 'severity=~crit'
expect_eq "bad label" "1|tocsin-relay: error: invalid label severity=~crit: labels must be given as name=value" "$RC|$ERR"
send_test team --template.alertmanager-version=1.0
expect_eq "other template semantics refused" "1|tocsin-relay: error: --template.alertmanager-version: unsupported Alertmanager version \"1.0\" (supported: 0.34, 0.25)" "$RC|$ERR"
RC=0
"$TOCSIN_RELAY" send-test --receiver=team >/dev/null 2>"$TMP/err" || RC=$?
expect_eq "no config" "1|tocsin-relay: error: --config.file is required" "$RC|$(cat "$TMP/err")"
expect_eq "nothing sent on errors" 0 "$(fake_count "$TG")"
finish
