#!/usr/bin/env bash
# file_receiver.sh: real Alertmanager payloads routed by severity to two
# file_configs receivers; asserts the exact lines written, the regrouping of
# a mixed-severity payload, send_resolved, /webhook/<receiver> and reload.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
rm -f "$TMP"/*.jsonl
cat >"$TMP/relay.yml" <<EOF
route:
  receiver: other
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
    - matchers: ['severity="warning"']
      receiver: tickets
receivers:
  - name: pager
    file_configs:
      - path: $TMP/pager.jsonl
  - name: tickets
    file_configs:
      - path: $TMP/tickets.jsonl
        send_resolved: false
  - name: other
    file_configs:
      - path: $TMP/other.jsonl
EOF
relay_start --config.file="$TMP/relay.yml"

post() {
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL$1"
	expect_eq "POST $1 $(basename "$2")" "200 OK" "$HTTP_CODE $HTTP_BODY"
}

# One payload, two severities: one notification per receiver, each with the
# CommonLabels and CommonAnnotations of its own alerts.
post /webhook "$FIX/llm-error-rate-mixed-severity.json"
post /webhook "$FIX/ssh-login-firing.json"
post /webhook "$FIX/ssh-login-resolved.json"
# Straight to a receiver: the tree is skipped; tickets does not send resolved.
post /webhook/tickets "$FIX/ssh-login-firing.json"
post /webhook/tickets "$FIX/ssh-login-resolved.json"
# With send_resolved false a mixed notification keeps only its firing alerts.
python3 - "$FIX/llm-error-rate-mixed-severity.json" >"$TMP/half-resolved.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["alerts"][0]["status"] = "resolved"
p["alerts"][0]["endsAt"] = "2026-11-23T13:59:41.313138618Z"
print(json.dumps(p))
EOF
post /webhook/tickets "$TMP/half-resolved.json"

cat >"$TMP/want-pager.jsonl" <<'EOF'
{"receiver":"pager","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"HighLLMErrorRate","job":"local-llm","model":"phi-3.5-mini","severity":"critical"},"annotations":{"summary":"High LLM error rate (31%)"},"startsAt":"2026-11-23T13:49:41.332154232Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"014c07b83d75a0f4"}],"groupLabels":{"alertname":"HighLLMErrorRate"},"commonLabels":{"alertname":"HighLLMErrorRate","job":"local-llm","model":"phi-3.5-mini","severity":"critical"},"commonAnnotations":{"summary":"High LLM error rate (31%)"},"externalURL":"http://alertmanager.lan:9093","version":"4","groupKey":"{}:{alertname=\"HighLLMErrorRate\"}","truncatedAlerts":0}
{"receiver":"pager","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"SSHLoginFromNonLAN","instance":"homelab:9100","severity":"critical","src_ip":"203.0.113.7"},"annotations":{"description":"A shell login succeeded from a non-LAN address.","summary":"Shell login for root from 203.0.113.7"},"startsAt":"2026-11-23T13:49:41.29721526Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"401829964b136b0d"}],"groupLabels":{"alertname":"SSHLoginFromNonLAN"},"commonLabels":{"alertname":"SSHLoginFromNonLAN","instance":"homelab:9100","severity":"critical","src_ip":"203.0.113.7"},"commonAnnotations":{"description":"A shell login succeeded from a non-LAN address.","summary":"Shell login for root from 203.0.113.7"},"externalURL":"http://alertmanager.lan:9093","version":"4","groupKey":"{}:{alertname=\"SSHLoginFromNonLAN\"}","truncatedAlerts":0}
{"receiver":"pager","status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"SSHLoginFromNonLAN","instance":"homelab:9100","severity":"critical","src_ip":"203.0.113.7"},"annotations":{"description":"A shell login succeeded from a non-LAN address.","summary":"Shell login for root from 203.0.113.7"},"startsAt":"2026-11-23T13:48:45Z","endsAt":"2026-11-23T13:48:45Z","generatorURL":"","fingerprint":"401829964b136b0d"}],"groupLabels":{"alertname":"SSHLoginFromNonLAN"},"commonLabels":{"alertname":"SSHLoginFromNonLAN","instance":"homelab:9100","severity":"critical","src_ip":"203.0.113.7"},"commonAnnotations":{"description":"A shell login succeeded from a non-LAN address.","summary":"Shell login for root from 203.0.113.7"},"externalURL":"http://alertmanager.lan:9093","version":"4","groupKey":"{}:{alertname=\"SSHLoginFromNonLAN\"}","truncatedAlerts":0}
EOF
cat >"$TMP/want-tickets.jsonl" <<'EOF'
{"receiver":"tickets","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"HighLLMErrorRate","job":"local-llm","model":"llama-3.2-vision","severity":"warning"},"annotations":{"summary":"High LLM error rate (12.5%)"},"startsAt":"2026-11-23T13:49:41.313138618Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"dea2f97046eb43e1"}],"groupLabels":{"alertname":"HighLLMErrorRate"},"commonLabels":{"alertname":"HighLLMErrorRate","job":"local-llm","model":"llama-3.2-vision","severity":"warning"},"commonAnnotations":{"summary":"High LLM error rate (12.5%)"},"externalURL":"http://alertmanager.lan:9093","version":"4","groupKey":"{}:{alertname=\"HighLLMErrorRate\"}","truncatedAlerts":0}
{"receiver":"tickets","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"SSHLoginFromNonLAN","instance":"homelab:9100","severity":"critical","src_ip":"203.0.113.7"},"annotations":{"description":"A shell login succeeded from a non-LAN address.","summary":"Shell login for root from 203.0.113.7"},"startsAt":"2026-11-23T13:49:41.29721526Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"401829964b136b0d"}],"groupLabels":{"alertname":"SSHLoginFromNonLAN"},"commonLabels":{"alertname":"SSHLoginFromNonLAN","instance":"homelab:9100","severity":"critical","src_ip":"203.0.113.7"},"commonAnnotations":{"description":"A shell login succeeded from a non-LAN address.","summary":"Shell login for root from 203.0.113.7"},"externalURL":"http://alertmanager.lan:9093","version":"4","groupKey":"{}:{alertname=\"SSHLoginFromNonLAN\"}","truncatedAlerts":0}
{"receiver":"tickets","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"HighLLMErrorRate","job":"local-llm","model":"phi-3.5-mini","severity":"critical"},"annotations":{"summary":"High LLM error rate (31%)"},"startsAt":"2026-11-23T13:49:41.332154232Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"014c07b83d75a0f4"}],"groupLabels":{"alertname":"HighLLMErrorRate"},"commonLabels":{"alertname":"HighLLMErrorRate","job":"local-llm","model":"phi-3.5-mini","severity":"critical"},"commonAnnotations":{"summary":"High LLM error rate (31%)"},"externalURL":"http://alertmanager.lan:9093","version":"4","groupKey":"{}:{alertname=\"HighLLMErrorRate\"}","truncatedAlerts":0}
EOF
expect_eq "pager.jsonl" "$(cat "$TMP/want-pager.jsonl")" "$(cat "$TMP/pager.jsonl")"
expect_eq "tickets.jsonl" "$(cat "$TMP/want-tickets.jsonl")" "$(cat "$TMP/tickets.jsonl")"
expect_eq "other.jsonl untouched" "no" "$([ -e "$TMP/other.jsonl" ] && echo yes || echo no)"

http "$RELAY_URL/metrics"
expect_eq "notification counters" \
    'tocsin_notifications_total{integration="file",receiver="pager"} 3
tocsin_notifications_total{integration="file",receiver="tickets"} 3' \
    "$(grep '^tocsin_notifications_total' <<<"$HTTP_BODY")"
expect_eq "alert counters" \
    'tocsin_alerts_received_total{status="firing"} 5
tocsin_alerts_received_total{status="resolved"} 3' \
    "$(grep '^tocsin_alerts_received_total' <<<"$HTTP_BODY")"

# A broken config on SIGHUP keeps the running one.
cp "$TMP/relay.yml" "$TMP/relay.yml.good"
printf 'route:\n  receiver: nobody\n' >"$TMP/relay.yml"
kill -HUP "$RELAY_PID"
wait_for_line 'msg="Loading configuration file failed"' 10 "$RELAY_ERR" ||
    fail "no reload failure logged"
http "$RELAY_URL/metrics"
expect_eq "reload failure in metrics" "tocsin_config_last_reload_successful 0" \
    "$(grep '^tocsin_config_last_reload_successful' <<<"$HTTP_BODY")"
post /webhook "$FIX/ssh-login-firing.json"
expect_eq "old config still routes" 4 "$(wc -l <"$TMP/pager.jsonl")"

# A good one takes over: everything now goes to "other".
sed -e 's/severity="critical"/severity="none"/' "$TMP/relay.yml.good" >"$TMP/relay.yml"
kill -HUP "$RELAY_PID"
for i in $(seq 50); do
	http "$RELAY_URL/metrics"
	grep -q '^tocsin_config_last_reload_successful 1' <<<"$HTTP_BODY" && break
	sleep 0.1
done
expect_eq "reload success in metrics" "tocsin_config_last_reload_successful 1" \
    "$(grep '^tocsin_config_last_reload_successful' <<<"$HTTP_BODY")"
post /webhook "$FIX/ssh-login-firing.json"
expect_eq "new config routes" "$(sed -n 2p "$TMP/want-pager.jsonl" | sed 's/"receiver":"pager"/"receiver":"other"/')" \
    "$(cat "$TMP/other.jsonl" 2>/dev/null)"
expect_eq "pager no longer written" 4 "$(wc -l <"$TMP/pager.jsonl")"

relay_stop

# Time intervals: a route muted now, or outside its active intervals, does
# not notify, as Alertmanager would not; the third route is active now.
rm -f "$TMP/pager.jsonl" "$TMP/tickets.jsonl" "$TMP/other.jsonl"
cat >"$TMP/intervals.yml" <<EOF
route:
  receiver: other
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      mute_time_intervals: [always]
      continue: true
    - matchers: ['severity="critical"']
      receiver: tickets
      active_time_intervals: [long-ago]
      continue: true
    - matchers: ['severity="critical"']
      receiver: other
      active_time_intervals: [always]
time_intervals:
  - name: always
    time_intervals:
      - times:
          - start_time: "00:00"
            end_time: "24:00"
  - name: long-ago
    time_intervals:
      - years: ['1999']
receivers:
  - name: pager
    file_configs:
      - path: $TMP/pager.jsonl
  - name: tickets
    file_configs:
      - path: $TMP/tickets.jsonl
  - name: other
    file_configs:
      - path: $TMP/other.jsonl
EOF
relay_start --config.file="$TMP/intervals.yml"
post /webhook "$FIX/ssh-login-firing.json"
expect_eq "muted route not written" no "$([ -e "$TMP/pager.jsonl" ] && echo yes || echo no)"
expect_eq "inactive route not written" no "$([ -e "$TMP/tickets.jsonl" ] && echo yes || echo no)"
expect_eq "active route written" \
    "$(sed -n 2p "$TMP/want-pager.jsonl" | sed 's/"receiver":"pager"/"receiver":"other"/')" \
    "$(cat "$TMP/other.jsonl" 2>/dev/null)"
relay_stop

# A file that cannot be written answers 503 so Alertmanager retries; a
# webhook integration is committed to the queue and answered 200 (the
# dispatcher's retries against the closed port do not concern the intake).
cat >"$TMP/failing.yml" <<EOF
route:
  receiver: gone
  routes:
    - matchers: ['severity="warning"']
      receiver: hook
receivers:
  - name: gone
    file_configs:
      - path: $TMP/no-such-dir/out.jsonl
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:9/hook
EOF
relay_start --config.file="$TMP/failing.yml"
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "unwritable file: status" 503 "$HTTP_CODE"
expect_eq "unwritable file: body" \
    "receiver gone: open $TMP/no-such-dir/out.jsonl: No such file or directory" "$HTTP_BODY"
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook/hook"
expect_eq "queued integration" "200 OK" "$HTTP_CODE $HTTP_BODY"
# %00 in the path is no end of the name: no receiver is called "hook%00x".
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook/hook%00x"
expect_eq "NUL in the receiver's name" '404 unknown receiver "hook%00x"' "$HTTP_CODE $HTTP_BODY"
http "$RELAY_URL/metrics"
expect_eq "failure and queued counters" \
'tocsin_notifications_failed_total{integration="file",receiver="gone"} 1
tocsin_notifications_queued_total{receiver="hook"} 1' \
    "$(grep -e '^tocsin_notifications_failed_total' -e '^tocsin_notifications_queued_total' <<<"$HTTP_BODY")"
relay_stop

# Without --config.file the embedded etc/default.yml writes every
# notification to stdout, and the start-up log says so.
relay_start
post /webhook "$FIX/ssh-login-firing.json"
relay_stop
expect_eq "default config writes to stdout" \
    "$(sed -n 2p "$TMP/want-pager.jsonl" | sed 's/"receiver":"pager"/"receiver":"stdout"/')" \
    "$(cat "$RELAY_OUT")"
expect_eq "start-up log names the embedded config" 1 "$(grep -cF \
    'msg="No --config.file given; using the embedded default configuration" source="<embedded etc/default.yml>"' \
    "$RELAY_ERR")"
expect_eq "start-up log says where it listens" 1 "$(grep -cF \
    "msg=Listening address=127.0.0.1:$RELAY_PORT tls=false config=\"<embedded etc/default.yml>\"" \
    "$RELAY_ERR")"
finish
