#!/usr/bin/env bash
# alertmanager_ha_pair.sh: two real Alertmanager 0.25 processes, not
# clustered, both sending the same alert to one relay through a webhook
# receiver: the fake Telegram gets the firing message once and the resolved
# message once, and the relay counts the second copy of each as a duplicate.
# Then the same with a clustered pair, firing only.
#
# Each Alertmanager has its own web.external-url: the only field in which the
# two payloads differ. The same labels (hence fingerprint and group key), the
# same status and the same explicit startsAt, as Prometheus sends them to
# every Alertmanager, make them the same notification. (An alert pushed
# without startsAt gets each Alertmanager's own arrival time: two different
# notifications by design.)
#
# The unclustered pair is the case the relay's de-duplication exists for: it
# sends twice by design (separate hosts, a cluster port firewalled), as does a
# clustered pair whose gossip is partitioned or slower than peer_timeout.
# A clustered pair is run too: there the second peer waits peer_timeout and
# then sends only if the first one's notification log entry has not reached
# it, so whether one or two copies reach the relay depends on gossip timing.
# The test does not assume either: it waits until both peers have queried
# their notification log twice for the group (alertmanager_nflog_queries_total;
# a group's flushes run one after another, so the first one's send is over by
# then), and checks that Telegram got one message and the relay counted every
# other copy as a duplicate.
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
	curl -fsS "$1/metrics" | awk -v n="$2" '$1 == n {print $2}' | grep . || echo 0
}
tg_count() {
	curl -fsS "$TG/_fake/requests" | jq length
}
tg_body_at() {	# INDEX: the INDEX-th recorded request body
	curl -fsS "$TG/_fake/requests" | jq -r --argjson i "$1" '.[$i].body'
}
relay_metric() {
	metric "$RELAY_URL" "$1"
}
# webhook_sent N: Alertmanager N's successful webhook notifications.
webhook_sent() {
	metric "${AM_URLS[$1]}" 'alertmanager_notifications_total{integration="webhook"}'
}
# settled N: both Alertmanagers have sent N notifications each, the relay has
# accepted them (N queued, N duplicates) and the fake Telegram has N messages.
settled() {
	[ "$(webhook_sent 1)" = "$1" ] && [ "$(webhook_sent 2)" = "$1" ] &&
	    [ "$(relay_metric "$DEDUPED")" = "$1" ] &&
	    [ "$(relay_metric "$PENDING")" = 0 ] && [ "$(tg_count)" -ge "$1" ]
}
# cluster_settled: both peers have decided on the firing notification, and
# the relay has accepted what they sent and delivered the third message.
cluster_settled() {
	local sent
	[ "$(metric "${AM_URLS[1]}" alertmanager_nflog_queries_total)" -ge 2 ] &&
	    [ "$(metric "${AM_URLS[2]}" alertmanager_nflog_queries_total)" -ge 2 ] &&
	    sent=$(($(webhook_sent 1) + $(webhook_sent 2))) && [ "$sent" -ge 1 ] &&
	    [ "$(relay_metric "$DEDUPED")" = $((2 + sent - 1)) ] &&
	    [ "$(relay_metric "$PENDING")" = 0 ] && [ "$(tg_count)" -ge 3 ]
}
# progress: what each side has done so far, for a failure message.
progress() {
	printf 'Alertmanagers sent %s and %s, the relay counted %s duplicate(s), Telegram got %s' \
	    "$(webhook_sent 1)" "$(webhook_sent 2)" \
	    "$(relay_metric "$DEDUPED")" "$(tg_count)"
}
# post_alert N JSON: the alert list JSON to Alertmanager N's API.
post_alert() {
	http -X POST -H "$J" --data-binary "$2" "${AM_URLS[$1]}/api/v2/alerts"
	expect_eq "POST alert to Alertmanager $1" 200 "$HTTP_CODE"
}

# am_peer N FLAGS...: Alertmanager N on a free loopback port with its own data
# and external URL; sets AM_URLS[N] and AM_PIDS[N]. {CPORT} in FLAGS is a free
# port for its cluster listener, kept in AM_CPORTS[N] for the other peer.
am_peer() {
	local n=$1 try port cport a args
	shift
	rm -rf "$TMP/am$n"
	for try in 1 2 3; do
		port=$(free_port)
		cport=$(free_port)
		args=()
		for a in "$@"; do args+=("${a//\{CPORT\}/$cport}"); done
		if server_up "http://127.0.0.1:$port/-/ready" "$TMP/am$n.err" "$AM" \
		    --config.file="$TMP/alertmanager.yml" --storage.path="$TMP/am$n" \
		    --web.listen-address="127.0.0.1:$port" \
		    --web.external-url="http://alertmanager-$n.lan:9093" "${args[@]}"; then
			AM_URLS[$n]=http://127.0.0.1:$port
			AM_CPORTS[$n]=$cport
			AM_PIDS[$n]=$SERVER_PID
			return 0
		fi
		grep -qi 'address already in use' "$TMP/am$n.err" || break
	done
	cat "$TMP/am$n.err" >&2
	fail "Alertmanager $n did not start"
}
am_peer_stop() {
	kill -TERM "${AM_PIDS[$1]}"
	wait "${AM_PIDS[$1]}" 2>/dev/null || true
}
DEDUPED='tocsin_notifications_deduplicated_total{receiver="pager"}'
QUEUED='tocsin_notifications_queued_total{receiver="pager"}'
PENDING='tocsin_queue_messages{state="pending"}'
declare -A AM_URLS AM_CPORTS AM_PIDS

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

am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_peer 1 --cluster.listen-address=
am_peer 2 --cluster.listen-address=

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
    "$(relay_metric "$QUEUED") $(relay_metric "$DEDUPED")"

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
    "$(relay_metric "$QUEUED") $(relay_metric "$DEDUPED")"
expect_eq "delivered twice, nothing dead" "2 0" \
    "$(relay_metric 'tocsin_deliveries_total{integration="telegram/0",receiver="pager",result="delivered"}') $(relay_metric 'tocsin_queue_messages{state="dead"}')"
for n in 1 2; do
	expect_eq "Alertmanager $n saw no failed notifications" 0 \
	    "$(metric "${AM_URLS[$n]}" 'alertmanager_notifications_failed_total{integration="webhook"}')"
	am_peer_stop "$n"
done

# A clustered pair on loopback, gossiping fast so that it settles in a second
# or two, and a new alert (the relay has seen the first one).
am_peer 1 --cluster.listen-address='127.0.0.1:{CPORT}' \
    --cluster.gossip-interval=50ms --cluster.peer-timeout=1s
am_peer 2 --cluster.listen-address='127.0.0.1:{CPORT}' \
    --cluster.peer="127.0.0.1:${AM_CPORTS[1]}" \
    --cluster.gossip-interval=50ms --cluster.peer-timeout=1s
members() {
	[ "$(metric "${AM_URLS[1]}" alertmanager_cluster_members)" = 2 ] &&
	    [ "$(metric "${AM_URLS[2]}" alertmanager_cluster_members)" = 2 ]
}
wait_until 30 members || fail "the Alertmanagers did not form a cluster of two"
raid=$(jq -c '.[0].labels.alertname = "RaidDegraded" |
    .[0].annotations.summary = "md0: 1 of 2 disks"' <<<"$firing")
post_alert 1 "$raid"
post_alert 2 "$raid"
wait_until 30 cluster_settled || {
	cat "$RELAY_ERR" "$TMP/am1.err" "$TMP/am2.err" >&2
	fail "clustered: $(progress)"
}
sent=$(($(webhook_sent 1) + $(webhook_sent 2)))
echo "clustered pair: the relay got $sent cop$([ "$sent" = 1 ] && echo y || echo ies)"
expect_eq "clustered: one more message at Telegram" 3 "$(tg_count)"
expect_eq "clustered: the message" \
    "$(tg_body "🔴 <b>FIRING</b> RaidDegraded on nas:9100 · since $(date -u -d "$starts" +%H:%M) UTC
md0: 1 of 2 disks")" "$(tg_body_at 2)"
expect_eq "clustered: queued once, every other copy a duplicate" \
    "3 $((2 + sent - 1))" "$(relay_metric "$QUEUED") $(relay_metric "$DEDUPED")"
# One at a time: a peer leaving waits (10 s) for a live peer to hear it.
am_peer_stop 2
am_peer_stop 1
relay_stop
finish
