#!/usr/bin/env bash
# readme_metrics.sh: the README's metrics table says what the relay exposes.
# Its names and types are exactly those core/ and relay/ register, and after
# traffic that makes nearly every metric count (deliveries, a dead message, a
# rate-limit wait, a duplicate, a template fallback, file writes that work and
# one that fails, a bad request), every family /metrics shows is in the
# table with the same type and the same label names. The section's scrape
# config and rules pass promtool and name only metrics of the table.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

SRC=$TOCSIN_SOURCE_DIR
# Registered but not reached by this traffic, so exempt from "appears".
NOT_REACHED="tocsin_notifications_render_failed_total|tocsin_receipts_acknowledged_total|tocsin_actions_total|tocsin_escalation_steps_total|tocsin_escalations_ended_total"

# "name type labels" per table row of the README's "## Metrics" section.
FAMILIES=$TOCSIN_SOURCE_DIR/tests/lib/metric_families.py
/usr/bin/python3 "$FAMILIES" table "$SRC/README.md" "## Metrics" >"$TMP/readme.txt"
[ -s "$TMP/readme.txt" ] || fail "no metrics in the README's table"

# "name type" for every metrics_counter/gauge/histogram call in the relay's
# sources (core/ is shared by both programs, relay/ is the relay's own).
/usr/bin/python3 "$FAMILIES" source "$SRC"/core/*/*.c "$SRC"/relay/*.c >"$TMP/source.txt"
expect_eq "README metrics = metrics registered in core/ and relay/ (name type)" \
    "$(sort -u "$TMP/source.txt")" "$(awk '{ print $1, $2 }' "$TMP/readme.txt" | sort -u)"

# Traffic.
fake_start telegram
cat >"$TMP/relay.yml" <<YML
route:
  receiver: phone
  routes:
    - matchers: ['sink="file"']
      receiver: disk
    - matchers: ['sink="broken"']
      receiver: broken
receivers:
  - name: phone
    telegram_configs:
      - api_url: $FAKE_URL
        bot_token: 123456:TEST-token
        chat_id: 42
      # an unknown chat: the message goes dead; its text fails at run time
      - api_url: $FAKE_URL
        bot_token: 123456:TEST-token
        chat_id: 999
        message: '{{ (index .Alerts 9).Labels.alertname }}'
  - name: disk
    file_configs: [{path: $TMP/notes.jsonl}]
  - name: broken
    file_configs: [{path: $TMP/no-such-dir/notes.jsonl}]
YML
rm -rf "$TMP/data" "$TMP/notes.jsonl"
relay_start --config.file="$TMP/relay.yml"

payload() {	# alertname [extra label JSON]
	printf '{"version":"4","status":"firing","receiver":"tocsin","groupKey":"{}:{alertname=\\"%s\\"}","groupLabels":{"alertname":"%s"},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093","truncatedAlerts":0,"alerts":[{"status":"firing","labels":{"alertname":"%s"%s},"annotations":{},"startsAt":"2026-11-23T13:49:41Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"%016x"}]}' \
	    "$1" "$1" "$1" "${2:-}" "$RANDOM"
}
post() {
	http -H 'Content-Type: application/json' --data-binary "$1" "$RELAY_URL/webhook"
}
first=$(payload First)
post "$first"
expect_eq "first notification" 200 "$HTTP_CODE"
post "$first"
expect_eq "the same notification again (deduplicated)" 200 "$HTTP_CODE"
post "$(payload Second)"
expect_eq "second notification (waits for the chat's rate limit)" 200 "$HTTP_CODE"
post "$(payload ToFile ',"sink":"file"')"
expect_eq "file receiver" 200 "$HTTP_CODE"
post "$(payload ToBroken ',"sink":"broken"')"
expect_eq "file receiver that cannot write" 503 "$HTTP_CODE"
post '{"version":'
expect_eq "bad request" 400 "$HTTP_CODE"

# Both Telegram messages to chat 42 delivered, the two to chat 999 dead.
for ((i = 0; i < 200; i++)); do
	http "$RELAY_URL/metrics"
	grep -q '^tocsin_queue_messages{state="delivered"} 2$' <<<"$HTTP_BODY" &&
	    grep -q '^tocsin_queue_messages{state="dead"} 2$' <<<"$HTTP_BODY" && break
	sleep 0.1
done
grep -q '^tocsin_queue_messages{state="delivered"} 2$' <<<"$HTTP_BODY" ||
    { echo "$HTTP_BODY" >&2; fail "the Telegram messages did not all finish"; }
http "$RELAY_URL/metrics"
printf '%s\n' "$HTTP_BODY" >"$TMP/metrics.txt"

# "name type labels" for every family /metrics shows (le belongs to histograms).
/usr/bin/python3 "$FAMILIES" exposed "$TMP/metrics.txt" >"$TMP/exposed.txt"
expect_eq "families /metrics shows after traffic (name type labels, as in the README)" \
    "$(grep -v -E "^($NOT_REACHED) " "$TMP/readme.txt" | sort)" \
    "$(sort "$TMP/exposed.txt")"
relay_stop

# The README's Prometheus snippets: promtool accepts them, and the rules use
# only metrics of the table.
readme_block "Metrics" "scrape_configs:" >"$TMP/prometheus.yml"
readme_block "Metrics" "alert: TocsinDeliveryDead" >"$TMP/rules.yml"
out=$(promtool check config "$TMP/prometheus.yml" 2>&1) ||
    expect_eq "promtool check config of the README's scrape config" "" "$out"
out=$(promtool check rules "$TMP/rules.yml" 2>&1) ||
    expect_eq "promtool check rules of the README's rules" "" "$out"
expect_eq "metrics the README's rules use that its table lacks" "" \
    "$(grep -oE 'tocsin_[a-z_]+' "$TMP/rules.yml" | sort -u | while read -r m; do
	grep -q "^$m " "$TMP/readme.txt" || echo "$m"
    done)"
finish
