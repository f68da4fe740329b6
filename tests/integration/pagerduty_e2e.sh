#!/usr/bin/env bash
# pagerduty_e2e.sh: the pagerduty channel end to end. A real Alertmanager
# 0.25 posts the same notification to the fake PagerDuty itself and, through
# its webhook, to the relay, which posts it to the same fake: the two Events
# API v2 bodies are byte for byte the same, firing and resolved. Then relay
# -> queue -> fake: a 429 waited out, an unknown routing key (400)
# dead-lettered, `send-test`, and the routing key in no log line or output.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
KEY=0123456789abcdef0123456789abcdef
BADKEY=ffffffffffffffffffffffffffffffff
DEFAULT_TMPL=/usr/share/prometheus/alertmanager/default.tmpl
command -v jq >/dev/null || fail "jq is not installed"
[ -r "$DEFAULT_TMPL" ] || fail "$DEFAULT_TMPL is missing (Debian package prometheus-alertmanager)"
export TZ=UTC

# wait_idle: until nothing is pending in the queue.
ctl() {	# URL PATH BODY
	curl -fsS -X POST "$1$2" -H "$J" --data-binary "$3" >/dev/null
}
# bodies_from AGENT: base64 of the bodies the fake got from the client
# whose User-Agent starts with AGENT, one a line, in order.
bodies_from() {
	curl -fsS "$PD/_fake/requests" | jq -r --arg a "$1" \
	    '.[] | select(any(.headers[]; (.[0] | ascii_downcase) == "user-agent" and (.[1] | startswith($a)))) | .body_b64'
}
statuses() {
	curl -fsS "$PD/_fake/requests" | jq -r '[.[].status] | map(tostring) | join(" ")'
}
dedup() {	# GROUPKEY: Alertmanager's notify.Key.Hash
	printf '%s' "$1" | sha256sum | cut -d' ' -f1
}

fake_start pagerduty
PD=$FAKE_URL

cat >"$TMP/relay.yml" <<EOF
templates: ['$DEFAULT_TMPL']
route:
  receiver: team
  routes:
    - matchers: ['alertname="Unroutable"']
      receiver: wrongkey
receivers:
  - name: team
    pagerduty_configs:
      - url: $PD/v2/enqueue
        routing_key: $KEY
  - name: wrongkey
    pagerduty_configs:
      - url: $PD/v2/enqueue
        routing_key: $BADKEY
EOF
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s --log.level=debug

# ------------------------------------------- the same body as Alertmanager's
cat >"$TMP/am.yml" <<EOF
route:
  receiver: team
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: team
    pagerduty_configs:
      - url: $PD/v2/enqueue
        routing_key: $KEY
    webhook_configs:
      - url: $RELAY_URL/webhook
        send_resolved: true
EOF
am_start "$TMP/am.yml" --web.external-url=http://am.example:9093
ALERTS='[{"labels":{"alertname":"DiskFull","severity":"critical","instance":"nas<1>&co"},
  "annotations":{"summary":"disk <full> & more","description":"é ünïcode"}ENDS},
 {"labels":{"alertname":"DiskFull","severity":"critical","instance":"nas2"}ENDS}]'
http -X POST -H "$J" "$AM_URL/api/v2/alerts" --data-binary "${ALERTS//ENDS/}"
expect_eq "alertmanager accepted the alerts" 200 "$HTTP_CODE"
wait_until 30 fake_has_count "$PD" 2 || fail "the fake got $(fake_count "$PD") request(s), not 2"
wait_idle
AM_BODY=$(bodies_from Alertmanager | sed -n 1p | base64 -d)
TO_BODY=$(bodies_from tocsin | sed -n 1p | base64 -d)
expect_eq "firing: one event from each" "1 1" \
    "$(bodies_from Alertmanager | wc -l) $(bodies_from tocsin | wc -l)"
printf '%s\n' "$AM_BODY" >"$TMP/am-firing.json"
expect_eq "firing: relay's body is Alertmanager's, byte for byte" "$AM_BODY" "$TO_BODY"
expect_eq "firing: same JSON" "$(jq -S . <<<"$AM_BODY")" "$(jq -S . <<<"$TO_BODY")"
expect_eq "firing: a trigger with the group's dedup key, two alerts" \
    "trigger $(dedup '{}:{alertname="DiskFull"}') 2" \
    "$(jq -r '"\(.event_action) \(.dedup_key) \(.payload.custom_details.num_firing)"' <<<"$TO_BODY")"
expect_eq "firing: both accepted" "202 202" "$(statuses)"

# Both resolved: a resolve event from both, the same bytes again.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
http -X POST -H "$J" "$AM_URL/api/v2/alerts" --data-binary "${ALERTS//ENDS/,\"endsAt\":\"$now\"}"
expect_eq "alertmanager accepted the resolution" 200 "$HTTP_CODE"
wait_until 30 fake_has_count "$PD" 4 || fail "the fake got $(fake_count "$PD") request(s), not 4"
wait_idle
AM_BODY=$(bodies_from Alertmanager | sed -n 2p | base64 -d)
TO_BODY=$(bodies_from tocsin | sed -n 2p | base64 -d)
expect_eq "resolved: one more event from each" "2 2" \
    "$(bodies_from Alertmanager | wc -l) $(bodies_from tocsin | wc -l)"
printf '%s\n' "$AM_BODY" >"$TMP/am-resolved.json"
expect_eq "resolved: relay's body is Alertmanager's, byte for byte" "$AM_BODY" "$TO_BODY"
expect_eq "resolved: a resolve event" "resolve 2" \
    "$(jq -r '"\(.event_action) \(.payload.custom_details.num_resolved)"' <<<"$TO_BODY")"
expect_eq "Alertmanager saw no failed notifications" 0 \
    "$(grep -c 'Notify for alerts failed' "$TMP/am.err" || true)"
am_stop

# ------------------------------------------------ relay -> queue -> fake
# A 429 (PagerDuty sends no Retry-After) is retried after a back-off and
# delivered; the attempt counts as a retry, and the same bytes go again.
ctl "$PD" /_fake/reset '{}'
ctl "$PD" /_fake/config '{"force": [{"status": 429}]}'
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "POST firing fixture" "200 OK" "$HTTP_CODE $HTTP_BODY"
fake_wait_count "$PD" 2
wait_idle
expect_eq "429 waited out: statuses" "429 202" "$(statuses)"
expect_eq "429 waited out: same body twice" 1 \
    "$(curl -fsS "$PD/_fake/requests" | jq -r '.[].body_b64' | sort -u | wc -l)"
expect_eq "429 waited out: counted as a retry" yes \
    "$([ "$(relay_metric 'tocsin_deliveries_total{integration="pagerduty/0",receiver="team",result="retry"}')" != 0 ] && echo yes || echo no)"

# An unknown routing key: PagerDuty's 400 is permanent, one attempt, dead.
ctl "$PD" /_fake/reset '{}'
jq '.alerts[0].labels.alertname = "Unroutable" | .groupLabels.alertname = "Unroutable"
    | .commonLabels.alertname = "Unroutable" | .groupKey = "{}:{alertname=\"Unroutable\"}"' \
    "$FIX/ssh-login-firing.json" >"$TMP/unroutable.json"
http -X POST -H "$J" --data-binary "@$TMP/unroutable.json" "$RELAY_URL/webhook"
expect_eq "POST unroutable" "200 OK" "$HTTP_CODE $HTTP_BODY"
fake_wait_count "$PD" 1
wait_until 10 test "$(relay_metric 'tocsin_queue_messages{state="dead"}')" = 1 || true
expect_eq "400: dead-lettered" 1 "$(relay_metric 'tocsin_queue_messages{state="dead"}')"
expect_eq "400: one attempt" 1 "$(fake_count "$PD")"
expect_eq "400: PagerDuty's reason logged" yes \
    "$(grep -q 'pagerduty: 400 Event object is invalid: Invalid routing key' "$RELAY_ERR" && echo yes || echo no)"
relay_stop
expect_eq "no routing key in the relay's log" 0 \
    "$(cat "$RELAY_OUT" "$RELAY_ERR" | grep -c -e "$KEY" -e "$BADKEY" || true)"

# ------------------------------------------------------------- send-test
ctl "$PD" /_fake/reset '{}'
RC=0
"$TOCSIN_RELAY" send-test --config.file="$TMP/relay.yml" --receiver=team \
    --start=2026-11-23T13:49:41.313Z --web.external-url=http://am.test:9093 \
    >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_eq "send-test: status and output" "0|pagerduty/0: delivered|" \
    "$RC|$(cat "$TMP/out")|$(cat "$TMP/err")"
expect_eq "send-test: the event" \
"{\"routing_key\":\"$KEY\",\"dedup_key\":\"$(dedup '{}:{alertname="TestAlert"}')\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"[FIRING:1] TestAlert (info)\",\"source\":\"Alertmanager\",\"severity\":\"error\",\"custom_details\":{\"firing\":\"Labels:\\n - alertname = TestAlert\\n - severity = info\\nAnnotations:\\n - description = tocsin-relay send-test sent this to receiver team to check that its notifications reach you.\\n - summary = Test notification from tocsin\\nSource: \\n\",\"num_firing\":\"1\",\"num_resolved\":\"0\",\"resolved\":\"\"}},\"client\":\"Alertmanager\",\"client_url\":\"http://am.test:9093/#/alerts?receiver=team\"}" \
    "$(fake_bodies "$PD")"
RC=0
"$TOCSIN_RELAY" send-test --config.file="$TMP/relay.yml" --receiver=wrongkey \
    >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_eq "send-test: unknown key" "1|pagerduty/0: permanent failure: pagerduty: 400 Event object is invalid: Invalid routing key|" \
    "$RC|$(cat "$TMP/out")|$(cat "$TMP/err")"
expect_eq "send-test: no routing key printed" 0 \
    "$(cat "$TMP/out" "$TMP/err" | grep -c -e "$KEY" -e "$BADKEY" || true)"
finish
