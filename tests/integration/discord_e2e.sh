#!/usr/bin/env bash
# discord_e2e.sh: the discord channel end to end against the fake Discord.
# A real Alertmanager 0.25 posts to one webhook and, through the relay with
# Alertmanager's default.tmpl loaded, tocsin posts the same notifications to
# another: the request bodies are identical, byte for byte (firing, partly
# and fully resolved). Then relay -> queue -> fake with tocsin's own
# templates: the exact body, a 429 waited out as retry_after says, the
# default --ratelimit.discord never meeting Discord's 5 per 2 s, a deleted
# webhook dead at the first answer and reported to the dead-letter receiver;
# and `tocsin-relay send-test` for a discord receiver. No token is ever
# printed or logged.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
AMTMPL=/usr/share/prometheus/alertmanager/default.tmpl
command -v jq >/dev/null || fail "jq is not installed"
[ -f "$AMTMPL" ] || fail "$AMTMPL is missing (Debian package prometheus-alertmanager)"
export TZ=UTC
rm -rf "$TMP/data"

# ctl PATH JSON: a control call to the fake that must succeed.
ctl() {
	http -X POST -H "$J" --data-binary "$2" "$DC$1"
	[ "$HTTP_CODE" = 200 ] || fail "control $1 $2: $HTTP_CODE $HTTP_BODY"
}
# bodies_of ID: the bodies webhook ID received, as sent: one JSON document
# a line, each ended by the newline of Go's encoder.
bodies_of() {
	curl -fsS "$DC/_fake/requests" |
	    jq -j --arg p "/api/webhooks/$1/" '.[] | select(.path | startswith($p)) | .body'
}
count_of() {
	curl -fsS "$DC/_fake/requests" |
	    jq --arg p "/api/webhooks/$1/" 'map(select(.path | startswith($p))) | length'
}
has_count() {
	[ "$(count_of "$1")" -ge "$2" ]
}
wait_count() {	# ID N
	wait_until 30 has_count "$1" "$2" ||
	    { cat "$RELAY_ERR" "$TMP/am.err" >&2; fail "webhook $1 got $(count_of "$1") request(s), not $2"; }
}
metric_is() {	# NAME{LABELS} VALUE
	[ "$(relay_metric "$1")" = "$2" ]
}
wait_metric() {	# NAME{LABELS} VALUE
	wait_until 30 metric_is "$1" "$2" ||
	    { cat "$RELAY_ERR" >&2; fail "$1 did not reach $2, is $(relay_metric "$1")"; }
}
post() {	# NAME FILE
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL/webhook"
	expect_eq "POST $1" "200 OK" "$HTTP_CODE $HTTP_BODY"
}

fake_start discord
DC=$FAKE_URL
ctl /_fake/config '{"webhooks": {"111": "am-token", "222": "tocsin-token",
  "333": "ops-token", "123456789012345678": "TEST-token"}}'

# ------------------------------------ Alertmanager 0.25 and tocsin: same bytes
cat >"$TMP/relay.yml" <<EOF
templates:
  - $AMTMPL
route:
  receiver: both
receivers:
  - name: both
    discord_configs:
      - webhook_url: $DC/api/webhooks/222/tocsin-token
EOF
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s
cat >"$TMP/am.yml" <<EOF
route:
  receiver: both
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: both
    discord_configs:
      - webhook_url: $DC/api/webhooks/111/am-token
    webhook_configs:
      - url: $RELAY_URL/webhook
        send_resolved: true
EOF
am_start "$TMP/am.yml" --web.external-url=http://am.example:9093
# Labels that Go's JSON escapes (<, >, &), non-ASCII and a newline.
ALERTS='[{"labels":{"alertname":"DiskFull","severity":"critical","instance":"a<b>&c"},
  "annotations":{"summary":"disk <full> & rising 🔥 é","description":"line 1\nline 2"}},
 {"labels":{"alertname":"DiskFull","severity":"critical","instance":"nas:9100"},
  "annotations":{"summary":"disk full"}}]'
http -X POST -H "$J" "$AM_URL/api/v2/alerts" --data-binary "$ALERTS"
expect_eq "alertmanager took the alerts" 200 "$HTTP_CODE"
wait_count 111 1
wait_count 222 1
# One of them resolves, then the other: a mixed notification, then a
# resolved one.
END=$(date -u -d '-1 sec' +%Y-%m-%dT%H:%M:%SZ)
http -X POST -H "$J" "$AM_URL/api/v2/alerts" --data-binary \
    "$(jq -c --arg e "$END" '.[1].endsAt = $e | [.[1]]' <<<"$ALERTS")"
wait_until 30 eval '[ "$(count_of 111)" -ge 2 ]' ||
    fail "alertmanager sent no second notification"
http -X POST -H "$J" "$AM_URL/api/v2/alerts" --data-binary \
    "$(jq -c --arg e "$END" 'map(.endsAt = $e)' <<<"$ALERTS")"
wait_until 30 eval 'bodies_of 111 | grep -q 3066993' ||
    fail "alertmanager sent no resolved notification"
n=$(count_of 111)
wait_count 222 "$n"
sleep 1
expect_eq "as many notifications from tocsin as from alertmanager" "$(count_of 111)" "$(count_of 222)"
bodies_of 111 >"$TMP/am.bodies"
bodies_of 222 >"$TMP/tocsin.bodies"
cmp -s "$TMP/am.bodies" "$TMP/tocsin.bodies" ||
    expect_eq "tocsin's bodies are alertmanager's" "$(cat "$TMP/am.bodies")" "$(cat "$TMP/tocsin.bodies")"
# And the bytes themselves, the newline Go's encoder ends with included.
curl -fsS "$DC/_fake/requests" | jq -r '.[] | select(.path | startswith("/api/webhooks/111/")) | .body_b64' |
    while read -r b; do printf '%s' "$b" | base64 -d; done >"$TMP/am.raw"
curl -fsS "$DC/_fake/requests" | jq -r '.[] | select(.path | startswith("/api/webhooks/222/")) | .body_b64' |
    while read -r b; do printf '%s' "$b" | base64 -d; done >"$TMP/tocsin.raw"
cmp -s "$TMP/am.raw" "$TMP/tocsin.raw" || expect_eq "raw bytes equal" same differs
expect_eq "colours: firing, then resolved last" "10038562 3066993" \
    "$(jq -r '.embeds[0].color' "$TMP/tocsin.bodies" | sed -n '1p;$p' | paste -sd' ')"
expect_eq "the first body as alertmanager 0.25 sends it" \
'{"content":"","embeds":[{"title":"[FIRING:2] DiskFull (critical)","description":"\n\nAlerts Firing:\nLabels:\n - alertname = DiskFull\n - instance = a\u003cb\u003e\u0026c\n - severity = critical\nAnnotations:\n - description = line 1\nline 2\n - summary = disk \u003cfull\u003e \u0026 rising 🔥 é\nSource: \nLabels:\n - alertname = DiskFull\n - instance = nas:9100\n - severity = critical\nAnnotations:\n - summary = disk full\nSource: \n\n\n\n","color":10038562}]}' \
    "$(head -n 1 "$TMP/am.bodies")"
expect_eq "fake answered 204 to both" "204" \
    "$(curl -fsS "$DC/_fake/requests" | jq -r '[.[].status] | unique | map(tostring) | join(" ")')"
expect_eq "alertmanager saw no failed notifications" 0 \
    "$(grep -c 'Notify for alerts failed' "$TMP/am.err" || true)"
am_stop
relay_stop

# ---------------------------------------- relay -> queue -> fake, tocsin's words
ctl /_fake/reset '{}'
cat >"$TMP/relay.yml" <<EOF
route:
  receiver: team
  routes:
    - matchers: [alertname="Gone"]
      receiver: gone
receivers:
  - name: team
    discord_configs:
      - webhook_url: $DC/api/webhooks/123456789012345678/TEST-token
  - name: gone
    discord_configs:
      - webhook_url: $DC/api/webhooks/404404/gone-token
  - name: ops
    discord_configs:
      - webhook_url: $DC/api/webhooks/333/ops-token
        username: tocsin
EOF
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s \
    --dead-letter.receiver=ops --log.level=debug

# A 429 first: the message waits what retry_after says, then goes.
ctl /_fake/config '{"force": [{"status": 429, "retry_after": 1.5}]}'
post "mixed severity" "$FIX/llm-error-rate-mixed-severity.json"
wait_count 123456789012345678 2
expect_eq "tocsin's default body" \
'{"content":"","embeds":[{"title":"[FIRING:2] HighLLMErrorRate","description":"🟠 **FIRING** HighLLMErrorRate on local-llm · since 13:49 UTC\nHigh LLM error rate (12.5%)\n\n🔴 **FIRING** HighLLMErrorRate on local-llm · since 13:49 UTC\nHigh LLM error rate (31%)","color":10038562}]}' \
    "$(bodies_of 123456789012345678 | tail -n 1)"
expect_eq "the same bytes twice: 429, then 204" "429 204 1" \
    "$(curl -fsS "$DC/_fake/requests" | jq -r '"\(.[0].status) \(.[1].status) \([.[].body] | unique | length)"')"
expect_eq "not before retry_after" yes \
    "$(curl -fsS "$DC/_fake/requests" | jq -r 'if .[1].received_ms - .[0].received_ms >= 1500 then "yes" else "no" end')"
wait_metric 'tocsin_deliveries_total{integration="discord/0",receiver="team",result="delivered"}' 1
expect_eq "the wait counted as one, not as a failure" "1 0" \
    "$(relay_metric 'tocsin_deliveries_total{integration="discord/0",receiver="team",result="wait"}') $(relay_metric 'tocsin_deliveries_total{integration="discord/0",receiver="team",result="retry"}')"

# A deleted webhook: 404 Unknown Webhook at the first answer, dead (Discord
# asks never to try a 404 webhook again), logged and reported to ops.
jq '.alerts[0].labels.alertname = "Gone" | .commonLabels.alertname = "Gone" | .groupLabels.alertname = "Gone"' \
    "$FIX/ssh-login-firing.json" >"$TMP/gone.json"
post "to a deleted webhook" "$TMP/gone.json"
wait_count 333 1
expect_eq "asked once" 1 "$(count_of 404404)"
wait_metric 'tocsin_deliveries_total{integration="discord/0",receiver="gone",result="dead"}' 1
expect_eq "dead logged with Discord's reason" 1 \
    "$(grep -c 'msg="message dead" id=[0-9]* receiver=gone integration=discord/0 dest=discord:[0-9a-f]\{16\} reason="discord: 404 Unknown Webhook (10015)"' "$RELAY_ERR" || true)"
expect_eq "report at the dead-letter receiver" \
    '{"title":"[FIRING:1] TocsinDeliveryFailed","color":10038562,"username":"tocsin","first":"🔴 **FIRING** TocsinDeliveryFailed · since"}' \
    "$(bodies_of 333 | jq -c '{title: .embeds[0].title, color: .embeds[0].color, username, first: (.embeds[0].description | split(" ") | .[0:5] | join(" "))}')"
expect_eq "no token in the log" 0 \
    "$(grep -c -e TEST-token -e gone-token -e ops-token "$RELAY_ERR" || true)"

# The default --ratelimit.discord (2/s) against Discord's 5 per 2 s: eight
# notifications at once all pass, none gets a 429.
ctl /_fake/reset '{}'
ctl /_fake/config '{"rate_limits_enabled": true, "rate": {"limit": 5, "per": 2.0}}'
for i in 1 2 3 4 5 6 7 8; do
	jq --arg i "$i" '.groupKey = "{}:{burst=\"\($i)\"}" | .alerts[0].labels.burst = $i | .commonLabels.burst = $i' \
	    "$FIX/ssh-login-firing.json" >"$TMP/burst.json"
	post "burst $i" "$TMP/burst.json"
done
wait_count 123456789012345678 8
expect_eq "eight delivered without a 429" "8 204" \
    "$(curl -fsS "$DC/_fake/requests" | jq -r '"\(length) \([.[].status] | unique | map(tostring) | join(" "))"')"
relay_stop

# ------------------------------------------------------------------ send-test
ctl /_fake/reset '{}'
ctl /_fake/config '{"rate_limits_enabled": false}'
send_test() {	# RECEIVER
	RC=0
	"$TOCSIN_RELAY" send-test --config.file="$TMP/relay.yml" --receiver="$1" \
	    --start=2026-11-23T13:49:41.313Z --web.external-url=http://am.test:9093 \
	    >"$TMP/out" 2>"$TMP/err" || RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}
send_test team
expect_eq "send-test: delivered" "0|discord/0: delivered|" "$RC|$OUT|$ERR"
expect_eq "send-test: the sample" \
'{"content":"","embeds":[{"title":"[FIRING:1] TestAlert","description":"🔵 **FIRING** TestAlert · since 13:49 UTC\nTest notification from tocsin\n*tocsin-relay send-test sent this to receiver team to check that its notifications reach you.*","color":10038562}]}' \
    "$(bodies_of 123456789012345678)"
send_test gone
expect_eq "send-test: a deleted webhook" \
    "1|discord/0: permanent failure: discord: 404 Unknown Webhook (10015)|" "$RC|$OUT|$ERR"
ctl /_fake/config '{"force": [{"status": 429, "retry_after": 1.2}]}'
send_test team
expect_eq "send-test: a 429 waited out" "0|discord/0: delivered" "$RC|$OUT"
expect_eq "send-test: not before retry_after" "429 204 yes" \
    "$(curl -fsS "$DC/_fake/requests" | jq -r '.[-2:] | "\(.[0].status) \(.[1].status) \(if .[1].received_ms - .[0].received_ms >= 1200 then "yes" else "no" end)"')"
expect_eq "send-test: no token printed" 0 \
    "$(cat "$TMP/out" "$TMP/err" | grep -c -e TEST-token -e gone-token || true)"
finish
