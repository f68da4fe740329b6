#!/usr/bin/env bash
# gotify_e2e.sh: relay -> queue -> fake Gotify. The exact request a real
# Alertmanager fixture becomes (body, path, X-Gotify-Key, no token in the
# URL); a 429 waited out as its Retry-After says; a wrong token dead at the
# first answer, counted and logged without the token; a real Alertmanager
# 0.25 driving the same receiver.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
TOKEN=ATESTtoken.1234
command -v amtool >/dev/null || fail "amtool is not installed"
command -v jq >/dev/null || fail "jq is not installed"
rm -rf "$TMP/data"
# The rendered "since 13:49 UTC" depends on the zone.
export TZ=UTC

post() {	# NAME FILE [PATH]
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL${3:-/webhook}"
	expect_eq "POST $1" "200 OK" "$HTTP_CODE $HTTP_BODY"
}
reqs() {
	curl -fsS "$GF/_fake/requests"
}

fake_start gotify
GF=$FAKE_URL
printf '%s\n' "$TOKEN" >"$TMP/gotify-token"
chmod 600 "$TMP/gotify-token"

cat >"$TMP/relay.yml" <<EOF
route:
  receiver: push
receivers:
  - name: push
    gotify_configs:
      - url: $GF/
        token_file: $TMP/gotify-token
  - name: wrong
    gotify_configs:
      - url: $GF
        token: AWRONGtoken9876
EOF
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s --log.level=debug

# A real Alertmanager 0.25 payload, tocsin's default templates: the exact
# bytes, at {url}/message, the token in its header only.
post "ssh login" "$FIX/ssh-login-firing.json"
fake_wait_count "$GF" 1
expect_eq "gotify body" \
'{"title":"🔴 [FIRING:1] SSHLoginFromNonLAN","message":"🔴 FIRING SSHLoginFromNonLAN on homelab:9100 · since 13:49 UTC\nShell login for root from 203.0.113.7\nA shell login succeeded from a non-LAN address.","priority":10,"extras":{"client::notification":{"click":{"url":"http://alertmanager.lan:9093/#/alerts?receiver=push"}}}}' \
    "$(fake_bodies "$GF")"
expect_eq "gotify request" "POST /message $TOKEN application/json 200" \
    "$(reqs | jq -r '.[0] | [.method, .path, (.headers[] | select(.[0] == "X-Gotify-Key") | .[1]), (.headers[] | select(.[0] == "Content-Type") | .[1]), .status] | join(" ")')"
expect_eq "Gotify created the message" '1 tocsin' \
    "$(reqs | jq -r '.[0].response | fromjson | "\(.id) \(.appid | if . == 1 then "tocsin" else . end)"')"
wait_idle
expect_eq "delivered counted" 1 \
    "$(relay_metric 'tocsin_deliveries_total{integration="gotify/0",receiver="push",result="delivered"}')"

# A proxy in front answers 429 with Retry-After: 1: the next attempt comes
# no sooner, is not a failure, and delivers.
curl -fsS -X POST "$GF/_fake/reset" >/dev/null
curl -fsS -X POST "$GF/_fake/config" -d '{"force": [{"status": 429, "retry_after": 1}]}' >/dev/null
post "mixed severity" "$FIX/llm-error-rate-mixed-severity.json"
fake_wait_count "$GF" 2
expect_eq "429 then 200" "429 200" "$(reqs | jq -r '[.[].status] | map(tostring) | join(" ")')"
expect_eq "not before Retry-After" yes \
    "$(reqs | jq -r 'if .[1].received_ms - .[0].received_ms >= 1000 then "yes" else "no" end')"
expect_eq "same bytes again" 1 "$(reqs | jq -r '[.[].body] | unique | length')"
expect_eq "mixed severity: priority 4, both alerts" "4 2" \
    "$(reqs | jq -r '.[1].body | fromjson | "\(.priority) \(.message | [scan("FIRING HighLLMErrorRate")] | length)"')"
wait_idle
expect_eq "the 429 counted as a wait" 1 \
    "$(relay_metric 'tocsin_deliveries_total{integration="gotify/0",receiver="push",result="wait"}')"

# A wrong token: Gotify's 401 is permanent: dead at the first answer,
# logged with Gotify's words and never with the token.
curl -fsS -X POST "$GF/_fake/reset" >/dev/null
post "wrong token" "$FIX/ssh-login-firing.json" /webhook/wrong
fake_wait_count "$GF" 1
wait_idle
expect_eq "one attempt" 1 "$(fake_count "$GF")"
expect_eq "401 answered" 401 "$(reqs | jq -r '.[0].status')"
expect_eq "dead counted" "1 1" \
    "$(relay_metric 'tocsin_deliveries_total{integration="gotify/0",receiver="wrong",result="dead"}') $(relay_metric 'tocsin_queue_messages{state="dead"}')"
expect_eq "dead logged" 1 \
    "$(grep -c 'msg="message dead" .*receiver=wrong integration=gotify/0 dest=gotify:[0-9a-f]\{16\} reason="gotify: 401 Unauthorized: you need to provide a valid access token or user credentials to access this api"' "$RELAY_ERR" || true)"
expect_eq "no token in the log" 0 "$(cat "$RELAY_ERR" "$RELAY_OUT" | grep -c -e "$TOKEN" -e AWRONGtoken9876 || true)"
relay_stop

# A real Alertmanager through the relay: one message, its alert in it.
curl -fsS -X POST "$GF/_fake/reset" >/dev/null
rm -rf "$TMP/data"
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_start "$TMP/alertmanager.yml" --web.external-url=http://alertmanager.test:9093
amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull severity=warning \
    instance=nas:9100 --annotation=summary='Disk <90%> full & rising'
fake_wait_count "$GF" 1
sleep 2.5
wait_idle
expect_eq "Alertmanager: one message" 1 "$(fake_count "$GF")"
expect_eq "Alertmanager: title, priority, first lines" \
"🟠 [FIRING:1] DiskFull|7|🟠 FIRING DiskFull on nas:9100 · since|Disk <90%> full & rising" \
    "$(reqs | jq -r '.[0].body | fromjson | [.title, (.priority | tostring), (.message | split("\n") | .[0] | sub(" [0-9:]+ UTC$"; "")), (.message | split("\n") | .[1])] | join("|")')"
expect_eq "Alertmanager: click opens its page" "http://alertmanager.test:9093/#/alerts?receiver=push" \
    "$(reqs | jq -r '.[0].body | fromjson | .extras["client::notification"].click.url')"
expect_eq "Alertmanager saw no failed notifications" 0 \
    "$(grep -c 'Notify for alerts failed' "$TMP/am.err" || true)"
relay_stop
finish
