#!/usr/bin/env bash
# watchdog_alertmanager.sh: the dead-man's switch with the real components.
# Prometheus evaluates `Watchdog: vector(1)` every second, the real
# Alertmanager routes it to tocsin-watchdog's /heartbeat/alertmanager with
# short intervals; stopping Alertmanager makes the watchdog tell the fake
# Telegram within period + grace, starting it again sends the recovery.
source "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

PERIOD=6 GRACE=2

state_is() { [ "$(wd_check alertmanager state)" = "$1" ]; }
pinged_after() { [ "$(wd_check alertmanager last_ping)" != "$1" ]; }
# What the template's .StartsAt.Format "2006-01-02 15:04 MST" writes.
minute() { date -u -d "$1" '+%Y-%m-%d %H:%M UTC'; }

fake_start telegram
TG=$FAKE_URL

wd_config "$TMP/watchdog.yml" "send_resolved: true" <<EOF
checks:
  - name: alertmanager
    kind: heartbeat
    period: ${PERIOD}s
    grace: ${GRACE}s
    receiver: phone
    repeat_interval: 1h
EOF
watchdog_start "$TMP/watchdog.yml"

# README.md's route, run as shown but for seconds instead of minutes: the
# heartbeat re-sent every 2 to 3s (a repeat_interval checked on 1s
# group_interval ticks). A root receiver for everything else, which the
# README leaves to the user's own config.
readme_block "The watchdog" "heartbeat/alertmanager" >"$TMP/readme-route.yml"
sed -e 's/^route:$/route:\n  receiver: everything-else/' \
    -e 's/group_interval: 1m$/group_interval: 1s/' -e 's/repeat_interval: 1m$/repeat_interval: 2s/' \
    -e "s|http://WATCHDOG-HOST:9097/|$WD_URL/|" "$TMP/readme-route.yml" >"$TMP/alertmanager.yml"
echo '  - name: everything-else' >>"$TMP/alertmanager.yml"
for want in '  receiver: everything-else' '      group_interval: 1s' '      repeat_interval: 2s' \
    "      - url: $WD_URL/heartbeat/alertmanager"; do
	grep -qxF -- "$want" "$TMP/alertmanager.yml" ||
	    fail "README.md's route changed; this test no longer runs it: $(cat "$TMP/readme-route.yml")"
done
am_start "$TMP/alertmanager.yml"

# README.md's rule, as shown.
readme_block "The watchdog" "alert: Watchdog" >"$TMP/rules.yml"
cat >"$TMP/prometheus.yml" <<EOF
global:
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$AM_PORT']
EOF
# Prometheus re-sends a firing alert every resend-delay (1m by default): a
# restarted Alertmanager learns of it in a second.
prom_start "$TMP/prometheus.yml" --rules.alert.resend-delay=1s

# Service discovery hands Prometheus its Alertmanager within about 5s.
wait_until 60 state_is up || fail "no heartbeat reached the watchdog: $(wd_check alertmanager state)"
expect_eq "no notification while heartbeats arrive" 0 "$(tg_count)"

am_stop
stopped=$(date +%s%3N)
wait_until $((PERIOD + GRACE + 30)) tg_has_count 1 || fail "no DOWN notification"
last=$(wd_check alertmanager last_ping)
since=$(wd_check alertmanager down_since)
expect_eq "state after the heartbeats stopped" down "$(wd_check alertmanager state)"
# The last heartbeat came before Alertmanager stopped; down came period +
# grace after it (later only if a loaded machine ran the timer late), and
# the reason says so.
[ "$(epoch_ms "$last")" -le "$stopped" ] ||
    expect_eq "last heartbeat before Alertmanager stopped" "<= $stopped" "$(epoch_ms "$last")"
waited=$((($(epoch_ms "$since") - $(epoch_ms "$last") + 500) / 1000))
[ "$waited" -ge $((PERIOD + GRACE)) ] ||
    expect_eq "seconds from the last heartbeat to down" "$((PERIOD + GRACE)) or more" "$waited"
expect_eq "DOWN message" "$(at_least $((PERIOD + GRACE)) "$(tg_body "$(printf '🔴 <b>DOWN</b> alertmanager · heartbeat\nno heartbeat for %ss\ndown since %s' \
    $((PERIOD + GRACE)) "$(minute "$since")")")")" \
    "$(at_least $((PERIOD + GRACE)) "$(tg_requests | jq -r '.[0].body')")"
expect_eq "DOWN path" "/bot123456:TEST-token/sendMessage" "$(tg_requests | jq -r '.[0].path')"

am_restart
wait_until 60 tg_has_count 2 || fail "no recovery notification"
expect_eq "state after Alertmanager came back" up "$(wd_check alertmanager state)"
back=$(wd_check alertmanager last_ping)
text=$(tg_requests | jq -r '.[1].body | fromjson | .text')
# How long it was down is measured on the monotonic clock: within a second
# of the wall-clock difference.
down_s=$((($(epoch_ms "$back") - $(epoch_ms "$since")) / 1000))
got=$(sed -n 's/^back after \(.*\) down$/\1/p' <<<"$text")
case "$got" in
"$(go_duration $((down_s - 1)))" | "$(go_duration $down_s)" | "$(go_duration $((down_s + 1)))") ;;
*) expect_eq "time down (by the wall clock)" "$(go_duration $down_s)" "$got" ;;
esac
expect_eq "UP message" "$(at_least $((PERIOD + GRACE)) "$(tg_body "$(printf '✅ <b>UP</b> alertmanager · heartbeat\nback after %s down\nwas: no heartbeat for %ss' \
    "$got" $((PERIOD + GRACE)))")")" "$(at_least $((PERIOD + GRACE)) "$(tg_requests | jq -r '.[1].body')")"
expect_eq "UP path" "/bot123456:TEST-token/sendMessage" "$(tg_requests | jq -r '.[1].path')"

# Heartbeats keep it up; nothing else was sent.
wait_until 10 pinged_after "$back" ||
    expect_eq "heartbeats after the recovery" "a newer last_ping" "$back"
expect_eq "notifications in all" 2 "$(tg_count)"
watchdog_stop
finish
