#!/usr/bin/env bash
# upstream_answers.sh: what a service answers never carries a secret out,
# and a large 2xx is a delivery. Upstreams that answer 400 quoting the
# request line and headers (the Telegram token in the path, the Slack
# webhook's path, a webhook's query token and Basic credentials) leave no
# secret in the log, in `queue list`, in the dead-letter report or in
# send-test's output; a 200
# with a 2 MiB body is delivered once, not retried. The watchdog keeps its
# prometheus_url's secrets out of a check's reason (API, DOWN message, log)
# when Prometheus's error quotes the request.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
command -v jq >/dev/null || fail "jq is not installed"
export TZ=UTC

# Every secret of the config below, and the Basic credentials of the
# webhook's http_config, base64("relay:BASICSECRET1").
SECRETS=(TEST-token XXXXXXXX QUERYSECRET1 BASICSECRET1 cmVsYXk6QkFTSUNTRUNSRVQx)
no_secrets() {	# WHAT TEXT
	local s n=0
	for s in "${SECRETS[@]}"; do
		grep -qF -- "$s" <<<"$2" && { echo "  $1 holds $s" >&2; n=$((n + 1)); }
	done
	expect_eq "$1 without secrets" 0 "$n"
}
force() {	# URL JSON
	curl -fsS -X POST -d "{\"force\": [$2]}" "$1/_fake/config" >/dev/null
}

fake_start telegram
TG=$FAKE_URL
fake_start slack
SL=$FAKE_URL
fake_start slack
WH=$FAKE_URL
fake_start slack
REP=$FAKE_URL

cat >"$TMP/relay.yml" <<EOF
route:
  receiver: tg
  routes:
    - {receiver: tg, continue: true}
    - {receiver: sl, continue: true}
    - {receiver: wh}
receivers:
  - name: tg
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
  - name: sl
    slack_configs:
      - api_url: $SL/services/T000/B000/XXXXXXXX
        channel: '#ops'
  - name: wh
    webhook_configs:
      - url: $WH/hook?token=QUERYSECRET1
        http_config:
          basic_auth: {username: relay, password: BASICSECRET1}
  - name: ops
    slack_configs:
      - api_url: $REP/services/T000/B000/XXXXXXXX
        channel: '#dead'
EOF

# --- 400 quoting the request -------------------------------------------------
# Telegram's answers are JSON: its description quotes the request, as a
# proxy's error in front of the Bot API might.
force "$TG" '{"status": 400, "description": "Bad Request: POST /bot123456:TEST-token/sendMessage?x=123456%3ATEST-token"}'
force "$SL" '{"echo": true, "status": 400}'
force "$WH" '{"echo": true, "status": 400}'
relay_start --config.file="$TMP/relay.yml" --dead-letter.receiver=ops \
    --delivery.backoff-max=1s
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "POST" "200 OK" "$HTTP_CODE $HTTP_BODY"
fake_wait_count "$REP" 3
# The echoes did quote the secrets...
expect_eq "the Slack echo quoted the path" 1 \
    "$(curl -fsS "$SL/_fake/requests" | jq -r '.[0].response' | grep -c '^POST /services/T000/B000/XXXXXXXX HTTP/1.1$')"
expect_eq "the webhook echo quoted the Basic credentials" 1 \
    "$(curl -fsS "$WH/_fake/requests" | jq -r '.[0].response' | grep -c '^Authorization: Basic cmVsYXk6QkFTSUNTRUNSRVQx$')"
# ...and none of them came out.
dead_line() {	# RECEIVER
	grep -F 'msg="message dead"' "$RELAY_ERR" | grep -F "receiver=$1 " |
	    sed -E 's/.* reason=//'
}
expect_eq "telegram reason" '"telegram: 400 Bad Request: POST /bot<secret>/sendMessage?x=<secret>"' "$(dead_line tg)"
expect_eq "slack reason" '"slack: 400 POST <secret> HTTP/1.1"' "$(dead_line sl)"
expect_eq "webhook reason" '"webhook: 400 POST <secret>?<secret> HTTP/1.1"' "$(dead_line wh)"
no_secrets "the log" "$(cat "$RELAY_ERR")"
list=$("$TOCSIN_RELAY" queue --storage.path="$TMP/data" --state=dead -o json list)
expect_eq "queue list reasons" '["slack: 400 POST <secret> HTTP/1.1","telegram: 400 Bad Request: POST /bot<secret>/sendMessage?x=<secret>","webhook: 400 POST <secret>?<secret> HTTP/1.1"]' \
    "$(jq -sc '[.[].last_error] | sort' <<<"$list")"
no_secrets "queue list" "$list"
reports=$(fake_bodies "$REP")
no_secrets "the dead-letter reports" "$reports"
expect_eq "the dead-letter report of the webhook" \
    'Could not deliver a notification to wh (webhook/0): webhook: 400 POST &lt;secret&gt;?&lt;secret&gt; HTTP/1.1' \
    "$(jq -r '.attachments[0].text' <<<"$reports" | grep -o 'Could not deliver a notification to wh .*')"

# send-test prints what the service answered, cleaned the same way.
force "$WH" '{"echo": true, "status": 400}'
out=$("$TOCSIN_RELAY" send-test --config.file="$TMP/relay.yml" --receiver=wh 2>&1 || true)
expect_eq "send-test's line" 'webhook/0: permanent failure: webhook: 400 POST <secret>?<secret> HTTP/1.1' "$out"

# --- 200 with 2 MiB ---------------------------------------------------------
# A 2xx is a delivery however long its body; only the first 1 MiB is read.
for u in "$TG" "$SL" "$WH"; do
	curl -fsS -X POST "$u/_fake/reset" >/dev/null
	force "$u" '{"body_bytes": 2097152, "status": 200}'
done
http -X POST -H "$J" --data-binary "@$FIX/llm-error-rate-mixed-severity.json" "$RELAY_URL/webhook"
expect_eq "POST large" "200 OK" "$HTTP_CODE $HTTP_BODY"
for u in "$TG" "$SL" "$WH"; do
	fake_wait_count "$u" 1
done
for r in tg:telegram sl:slack wh:webhook; do
	wait_until 10 test "$(relay_metric "tocsin_deliveries_total{integration=\"${r#*:}/0\",receiver=\"${r%%:*}\",result=\"delivered\"}")" = 1 ||
	    fail "${r%%:*}: not delivered: $(grep -F "receiver=${r%%:*} " "$RELAY_ERR" | tail -1)"
done
# With --delivery.backoff-max=1s a retry would have come by now.
sleep 2
for u in "$TG" "$SL" "$WH"; do
	expect_eq "$u asked once" 1 "$(fake_count "$u")"
done
expect_eq "no retry logged" 0 "$(grep -c 'msg="message will be retried"' "$RELAY_ERR" || true)"
relay_stop

# --- the watchdog: a Prometheus error quoting the request -------------------
# Its reason goes to the API, the state and the DOWN message.
: "${TOCSIN_WATCHDOG:?}"
fake_start slack
PROM=$FAKE_URL
force "$PROM" '{"echo": true, "status": 400, "count": 1000}'
curl -fsS -X POST "$TG/_fake/reset" >/dev/null
SECRETS+=(PROMSECRET1 TOKENPATH123 cHJvbTpQUk9NU0VDUkVUMQ==)
wd_config "$TMP/wd.yml" <<EOF
checks:
  - name: prom
    kind: freshness
    prometheus_url: http://prom:PROMSECRET1@${PROM#http://}/prom/TOKENPATH123
    query: up
    max_age: 5m
    interval: 2s
    timeout: 1s
    receiver: phone
EOF
WD_LOG=$TMP/wd.log
watchdog_start "$TMP/wd.yml"
wait_until 30 tg_has_count 1 || fail "no DOWN notification: $(wd_check prom reason)"
expect_eq "the echo quoted the Basic credentials" 1 \
    "$(curl -fsS "$PROM/_fake/requests" | jq -r '.[0].response' | grep -c '^Authorization: Basic cHJvbTpQUk9NU0VDUkVUMQ==$')"
expect_eq "watchdog reason" 'Prometheus answered HTTP 400: POST <secret>/api/v1/query HTTP/1.1' \
    "$(wd_check prom reason)"
no_secrets "the watchdog's API" "$(curl -fsS "$WD_URL/api/v1/checks")"
expect_eq "the DOWN message's reason" 'Prometheus answered HTTP 400: POST &lt;secret&gt;/api/v1/query HTTP/1.1' \
    "$(tg_requests | jq -r '.[0].body | fromjson | .text' | sed -n 2p)"
no_secrets "the DOWN message" "$(tg_requests | jq -r '.[].body')"
watchdog_stop
no_secrets "the watchdog's log" "$(cat "$WD_LOG")"

finish
