#!/usr/bin/env bash
# watchdog_restart.sh: restart semantics. After kill -9 (and after a clean
# stop) an up check gets a full period + grace from the new start before it
# can go down (no false alarm from the time the watchdog was away), and a
# check that was down stays down, with the same down_since and without a
# second DOWN; paused stays paused; its recovery is notified once.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"

fake_start telegram
TG=$FAKE_URL

wd_config "$TMP/wd.yml" <<EOF
checks:
  - {name: steady, kind: ping, period: 3s, grace: 2s, receiver: phone, repeat_interval: 0s}
  - {name: broken, kind: ping, period: 1h, grace: 1h, receiver: phone, repeat_interval: 0s}
  - {name: held, kind: ping, period: 3s, grace: 2s, receiver: phone}
EOF
watchdog_start "$TMP/wd.yml"

# Message texts with the instants and durations that vary run to run masked.
texts() {
	tg_texts | sed -E 's/down since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC/down since <T>/;
	    s/ for [0-9]+s/ for Ns/; s/after [0-9]+s/after Ns/'
}
now_ms() {
	python3 -c 'import time; print(int(time.time() * 1000))'
}

# held is paused within its period + grace (5s, as steady's: were the pause
# lost on restart, held would go down with steady and be one message too many).
http "$WD_URL/ping/held"
http -X POST "$WD_URL/api/v1/checks/held/pause"
expect_eq "pause" "200 OK" "$HTTP_CODE $HTTP_BODY"
http -X POST --data-binary 'disk full' "$WD_URL/ping/broken/1"
tg_wait_count 1
down_since=$(wd_json broken down_since)

# Two of steady's five seconds pass while the watchdog runs, then it crashes.
# (Pinged only now: on a slow machine the wait above could otherwise use up
# its period before the crash.)
http "$WD_URL/ping/steady"
sleep 2
watchdog_kill
before=$(now_ms)
watchdog_restart
expect_eq "steady restored up" '"up"' "$(wd_json steady state)"
late_at=$(epoch_ms "$(wd_json steady late_at | tr -d '"')")
expect_eq "full period from the restart" "true" "$([ "$late_at" -ge $((before + 3000)) ] && echo true || echo false)"
expect_eq "broken still down" '"down"' "$(wd_json broken state)"
expect_eq "same down_since" "$down_since" "$(wd_json broken down_since)"
expect_eq "reason kept" '"exit status 1"' "$(wd_json broken reason)"
expect_eq "message kept" '"disk full"' "$(wd_json broken last_message)"
expect_eq "held still paused" "true" "$(wd_json held paused)"

# steady goes down a full period + grace after the restart; broken says
# nothing more, held nothing at all.
tg_wait_count 2
expect_eq "messages after a crash" '"🔴 <b>DOWN</b> broken · ping\nexit status 1\ndown since <T>\nlast message:\n<pre>disk full</pre>"
"🔴 <b>DOWN</b> steady · ping\nno ping for Ns\ndown since <T>"' "$(texts)"
expect_eq "steady went down no earlier than period + grace after the restart" "true" \
    "$([ "$(epoch_ms "$(wd_json steady down_since | tr -d '"')")" -ge $((before + 5000)) ] && echo true || echo false)"

# A clean stop and start: both stay down, nothing new is sent.
watchdog_stop
watchdog_restart
expect_eq "steady still down" '"down"' "$(wd_json steady state)"
expect_eq "broken still down" '"down"' "$(wd_json broken state)"
http "$WD_URL/ping/broken"
tg_wait_count 3
expect_eq "one recovery" '"✅ <b>UP</b> broken · ping\nback after Ns down\nwas: exit status 1"' \
    "$(texts | tail -n 1)"
expect_eq "three messages in all" "3" "$(tg_count)"
expect_eq "held never went down" '"up"' "$(wd_json held state)"

watchdog_stop
finish
