#!/usr/bin/env bash
# watchdog_freshness.sh: a freshness check with the real components.
# prometheus-node-exporter's textfile collector reports x.prom's mtime, the
# real Prometheus scrapes it every second and tocsin-watchdog asks it for
# `time() - node_textfile_mtime_seconds{file=~".*/x.prom"}`: a file that stops
# being touched goes stale and notifies the fake Telegram, touching it again
# recovers, and a stopped Prometheus notifies that it is unreachable.
source "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

MAX_AGE=5

state_is() { [ "$(wd_check textfile state)" = "$1" ]; }
scraped() { prom_query "$QUERY" | jq -e '.data.result | length == 1' >/dev/null; }
# What the template's .StartsAt.Format "2006-01-02 15:04 MST" writes.
minute() { date -u -d "$1" '+%Y-%m-%d %H:%M UTC'; }
# Go's html template function, as the default Telegram message applies it.
html() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&#34;/g; s/'"'"'/\&#39;/g' <<<"$1"; }

# A job that rewrites its file twice a second, until it stops.
toucher_start() {
	(while :; do touch "$TMP/textfile/x.prom"; sleep 0.5; done) &
	TOUCHER=$!
	CLEANUP_PIDS+=("$TOUCHER")
}
toucher_stop() {
	kill "$TOUCHER"
	wait "$TOUCHER" 2>/dev/null || true
}

mkdir -p "$TMP/textfile"
echo 'backup_last_run_ok 1' >"$TMP/textfile/x.prom"
toucher_start
node_exporter_start "$TMP/textfile"
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$NODE_PORT']
EOF
prom_start "$TMP/prometheus.yml"
QUERY='time() - node_textfile_mtime_seconds{file=~".*/x.prom"}'
# Service discovery hands Prometheus its target within about 5s; until the
# first scrape the query is empty, which is stale too.
wait_until 60 scraped || fail "Prometheus did not scrape the node exporter: $(prom_query "$QUERY")"

fake_start telegram
TG=$FAKE_URL
wd_config "$TMP/watchdog.yml" "send_resolved: true" <<EOF
checks:
  - name: textfile
    kind: freshness
    prometheus_url: $PROM_URL
    query: '$QUERY'
    max_age: ${MAX_AGE}s
    interval: 2s
    timeout: 1s
    receiver: phone
EOF
watchdog_start "$TMP/watchdog.yml"
wait_until 30 state_is up || fail "the check did not come up: $(wd_check textfile reason)"
expect_eq "no notification while the file is fresh" 0 "$(tg_count)"

# The file stops being touched: stale once older than max_age.
toucher_stop
wait_until $((MAX_AGE + 30)) tg_has_count 1 || fail "no DOWN notification"
expect_eq "state once stale" down "$(wd_check textfile state)"
since=$(wd_check textfile down_since)
reason=$(wd_check textfile reason)
series="{file=\"$TMP/textfile/x.prom\", instance=\"127.0.0.1:$NODE_PORT\", job=\"node\"}"
# The age is whatever it was at that query: over max_age, in model.Duration
# form, and everything around it exact.
age=$(sed -n "s/^.* is \([0-9][0-9a-z]*\) old (max_age ${MAX_AGE}s)\$/\1/p" <<<"$reason")
[[ $age =~ ^([0-9]+m)?([5-9]|[1-5][0-9])s([0-9]+ms)?$ ]] ||
    expect_eq "an age over ${MAX_AGE}s" "${MAX_AGE}s..." "$age"
expect_eq "stale reason" "$series is $age old (max_age ${MAX_AGE}s)" "$reason"
expect_eq "DOWN message" "$(tg_body "$(printf '🔴 <b>DOWN</b> textfile · freshness\n%s\ndown since %s' \
    "$(html "$reason")" "$(minute "$since")")")" "$(tg_requests | jq -r '.[0].body')"

# Touched again: fresh at the next scrape and query.
toucher_start
wait_until 30 tg_has_count 2 || fail "no recovery notification"
expect_eq "state once fresh" up "$(wd_check textfile state)"
text=$(tg_requests | jq -r '.[1].body | fromjson | .text')
down_for=$(sed -n 's/^back after \(.*\) down$/\1/p' <<<"$text")
[[ $down_for =~ ^([0-9]+m)?[0-9]+s$ ]] || expect_eq "time down" "a duration" "$down_for"
# "was:" is the last reason while down: a query after the DOWN message may
# have found the file older still.
was=$(sed -n 's/^was: //p' <<<"$text")
age=$(sed -n "s/^.* is \([0-9][0-9a-z]*\) old (max_age ${MAX_AGE}s)\$/\1/p" <<<"$was")
[[ $age =~ ^([0-9]+m)?([5-9]|[1-5][0-9])s([0-9]+ms)?$ ]] ||
    expect_eq "an age over ${MAX_AGE}s in was:" "${MAX_AGE}s..." "$age"
reason="$series is $age old (max_age ${MAX_AGE}s)"
expect_eq "UP message" "$(tg_body "$(printf '✅ <b>UP</b> textfile · freshness\nback after %s down\nwas: %s' \
    "$down_for" "$(html "$reason")")")" "$(tg_requests | jq -r '.[1].body')"

# Prometheus stops: the check cannot tell, and that is stale too.
prom_stop
wait_until 30 tg_has_count 3 || fail "no notification for a stopped Prometheus"
since=$(wd_check textfile down_since)
expect_eq "unreachable reason" \
    "Prometheus unreachable: POST http://127.0.0.1:$PROM_PORT/<redacted>: Couldn't connect to server" \
    "$(wd_check textfile reason)"
expect_eq "DOWN message for a stopped Prometheus" "$(tg_body "$(printf '🔴 <b>DOWN</b> textfile · freshness\n%s\ndown since %s' \
    "Prometheus unreachable: POST http://127.0.0.1:$PROM_PORT/&lt;redacted&gt;: Couldn&#39;t connect to server" \
    "$(minute "$since")")")" "$(tg_requests | jq -r '.[2].body')"
expect_eq "notifications in all" 3 "$(tg_count)"
expect_eq "every message to the bot's sendMessage" "/bot123456:TEST-token/sendMessage" \
    "$(tg_requests | jq -r '.[].path' | sort -u)"
watchdog_stop
finish
