#!/usr/bin/env bash
# alertmanager_ha_pair.sh: two real Alertmanager 0.25 processes, not
# clustered, both sending the same alert to one relay through a webhook
# receiver: the fake Telegram gets the firing message once and the resolved
# message once, and the relay counts the second copy of each as a duplicate.
#
# Each Alertmanager has its own web.external-url, so the two payloads differ
# in externalURL, the only field in which they differ; the same
# labels, hence fingerprint and group key, the same status and the same
# explicit startsAt, as Prometheus sends them to every Alertmanager, make them
# the same notification. (An alert pushed without startsAt gets each
# Alertmanager's own arrival time: two different notifications by design.)
#
# Why no clustered pair: clustered peers suppress each other's copy through
# gossip; the second peer waits peer_timeout, then sends only if the first
# one's notification log entry has not reached it. Which of the two outcomes
# a run sees depends on gossip timing, and nothing an Alertmanager exposes
# says when the second peer has decided, so a test could assert "one message"
# only after sleeping and hoping. The relay's de-duplication exists for the
# pair that sends twice by design: Alertmanagers not clustered (separate
# hosts, a cluster port firewalled) and clustered ones whose gossip is
# partitioned or slower than peer_timeout, which behave exactly like the
# unclustered pair tested here.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
AM=${ALERTMANAGER:-/usr/bin/prometheus-alertmanager}
[ -x "$AM" ] || fail "$AM is not installed (Debian package prometheus-alertmanager)"
rm -rf "$TMP/data" "$TMP"/am[12]
# The rendered "since 07:04 UTC" is in the relay's zone.
export TZ=UTC
J='Content-Type: application/json'

# metric URL NAME{LABELS}: its value in URL's /metrics, 0 when absent.
metric() {
	curl -fsS "$1/metrics" | grep -F "$2 " | awk '{print $2}' | grep . || echo 0
}
tg_count() {
	curl -fsS "$TG/_fake/requests" | jq length
}
tg_body_at() {	# INDEX: the INDEX-th recorded request body
	curl -fsS "$TG/_fake/requests" | jq -r --argjson i "$1" '.[$i].body'
}
# webhook_sent N: Alertmanager N's successful webhook notifications.
webhook_sent() {
	metric "${AM_URLS[$1]}" 'alertmanager_notifications_total{integration="webhook"}'
}
# settled N: both Alertmanagers have sent N notifications each, the relay has
# accepted them (N queued, N duplicates) and the fake Telegram has N messages.
settled() {
	[ "$(webhook_sent 1)" = "$1" ] && [ "$(webhook_sent 2)" = "$1" ] &&
	    [ "$(metric "$RELAY_URL" 'tocsin_notifications_deduplicated_total{receiver="pager"}')" = "$1" ] &&
	    [ "$(metric "$RELAY_URL" 'tocsin_queue_messages{state="pending"}')" = 0 ] &&
	    [ "$(tg_count)" -ge "$1" ]
}
# progress: what each side has done so far, for a failure message.
progress() {
	printf 'Alertmanagers sent %s and %s, the relay counted %s duplicate(s), Telegram got %s' \
	    "$(webhook_sent 1)" "$(webhook_sent 2)" \
	    "$(metric "$RELAY_URL" 'tocsin_notifications_deduplicated_total{receiver="pager"}')" \
	    "$(tg_count)"
}
# post_alert N JSON: the alert list JSON to Alertmanager N's API.
post_alert() {
	http -X POST -H "$J" --data-binary "$2" "${AM_URLS[$1]}/api/v2/alerts"
	expect_eq "POST alert to Alertmanager $1" 200 "$HTTP_CODE"
}

fake_start telegram
TG=$FAKE_URL
cat >"$TMP/relay.yml" <<EOF
route:
  receiver: pager
receivers:
  - name: pager
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
        send_resolved: true
EOF
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s

cat >"$TMP/alertmanager.yml" <<EOF
route:
  receiver: tocsin
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: tocsin
    webhook_configs:
      - url: $RELAY_URL/webhook
        send_resolved: true
EOF
declare -A AM_URLS
for n in 1 2; do
	AM_PORT_N=
	server_start "Alertmanager $n" AM_PORT_N /-/ready "$TMP/am$n.err" "$AM" \
	    --config.file="$TMP/alertmanager.yml" --storage.path="$TMP/am$n" \
	    "--web.listen-address=127.0.0.1:{PORT}" --cluster.listen-address= \
	    --web.external-url="http://alertmanager-$n.lan:9093"
	AM_URLS[$n]=http://127.0.0.1:$AM_PORT_N
done

# The same alert to both, as Prometheus sends it to every Alertmanager: the
# same labels and the same explicit startsAt (fractional seconds included).
now=$(date -u +%s)
starts=$(date -u -d "@$((now - 7200))" +%Y-%m-%dT%H:%M:%S.250Z)
labels='{"alertname": "BackupStale", "severity": "critical", "instance": "nas:9100"}'
annotations='{"summary": "Last backup 26h ago & counting"}'
firing=$(jq -nc --argjson l "$labels" --argjson a "$annotations" --arg s "$starts" \
    '[{labels: $l, annotations: $a, startsAt: $s}]')
post_alert 1 "$firing"
post_alert 2 "$firing"
wait_until 30 settled 1 || {
	cat "$RELAY_ERR" "$TMP/am1.err" "$TMP/am2.err" >&2
	fail "firing: $(progress)"
}
expect_eq "firing: one message at Telegram" 1 "$(tg_count)"
expect_eq "firing: the message" \
    "$(tg_body "🔴 <b>FIRING</b> BackupStale on nas:9100 · since $(date -u -d "$starts" +%H:%M) UTC
Last backup 26h ago &amp; counting")" "$(tg_body_at 0)"
expect_eq "firing: queued once, the other copy a duplicate" "1 1" \
    "$(metric "$RELAY_URL" 'tocsin_notifications_queued_total{receiver="pager"}') $(metric "$RELAY_URL" 'tocsin_notifications_deduplicated_total{receiver="pager"}')"

# Resolved at both (the same endsAt, as Prometheus sends it): one resolved
# message.
ends=$(date -u -d "@$(($(date -u +%s) - 1))" +%Y-%m-%dT%H:%M:%SZ)
resolved=$(jq -c --arg e "$ends" '.[0].endsAt = $e' <<<"$firing")
post_alert 1 "$resolved"
post_alert 2 "$resolved"
wait_until 30 settled 2 || {
	cat "$RELAY_ERR" "$TMP/am1.err" "$TMP/am2.err" >&2
	fail "resolved: $(progress)"
}
expect_eq "resolved: one more message at Telegram" 2 "$(tg_count)"
expect_eq "resolved: the message" \
    "$(tg_body "✅ <b>RESOLVED</b> BackupStale on nas:9100 · resolved $(date -u -d "$ends" +%H:%M) UTC
Last backup 26h ago &amp; counting")" "$(tg_body_at 1)"
expect_eq "resolved: queued once, the other copy a duplicate" "2 2" \
    "$(metric "$RELAY_URL" 'tocsin_notifications_queued_total{receiver="pager"}') $(metric "$RELAY_URL" 'tocsin_notifications_deduplicated_total{receiver="pager"}')"
expect_eq "delivered twice, nothing dead" "2 0" \
    "$(metric "$RELAY_URL" 'tocsin_deliveries_total{integration="telegram/0",receiver="pager",result="delivered"}') $(metric "$RELAY_URL" 'tocsin_queue_messages{state="dead"}')"
for n in 1 2; do
	expect_eq "Alertmanager $n saw no failed notifications" 0 \
	    "$(metric "${AM_URLS[$n]}" 'alertmanager_notifications_failed_total{integration="webhook"}')"
done
relay_stop
finish
