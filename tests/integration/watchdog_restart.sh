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

cat >"$TMP/wd.yml" <<EOF
receivers:
  - name: phone
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
checks:
  - {name: steady, kind: ping, period: 3s, grace: 2s, receiver: phone, repeat_interval: 0s}
  - {name: broken, kind: ping, period: 1h, grace: 1h, receiver: phone, repeat_interval: 0s}
  - {name: held, kind: ping, period: 3s, grace: 2s, receiver: phone}
EOF
watchdog_start "$TMP/wd.yml"

texts() {
	curl -fsS "$TG/_fake/requests" | jq -c '.[].body | fromjson | .text' |
	    sed -E 's/down since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC/down since <T>/;
	    s/ for [0-9]+s/ for Ns/; s/after [0-9]+s/after Ns/'
}
count() {
	curl -fsS "$TG/_fake/requests" | jq length
}
has_count() {
	[ "$(count)" -ge "$1" ]
}
wait_count() {
	wait_until 30 has_count "$1" ||
	    { cat "$WD_LOG" >&2; fail "the fake got $(count) message(s), not $1"; }
}
check() {
	curl -fsS "$WD_URL/api/v1/checks" | jq -c ".checks[] | select(.name == \"$1\") | .$2"
}
now_ms() {
	python3 -c 'import time; print(int(time.time() * 1000))'
}

http "$WD_URL/ping/steady"
# held is paused within its period + grace (5s, as steady's: were the pause
# lost on restart, held would go down with steady and be one message too many).
http "$WD_URL/ping/held"
http -X POST "$WD_URL/api/v1/checks/held/pause"
expect_eq "pause" "200 OK" "$HTTP_CODE $HTTP_BODY"
http -X POST --data-binary 'disk full' "$WD_URL/ping/broken/1"
wait_count 1
down_since=$(check broken down_since)

# Two of steady's five seconds pass while the watchdog runs, then it crashes.
sleep 2
watchdog_kill
before=$(now_ms)
watchdog_restart
expect_eq "steady restored up" '"up"' "$(check steady state)"
late_at=$(epoch_ms "$(check steady late_at | tr -d '"')")
expect_eq "full period from the restart" "true" "$([ "$late_at" -ge $((before + 3000)) ] && echo true || echo false)"
expect_eq "broken still down" '"down"' "$(check broken state)"
expect_eq "same down_since" "$down_since" "$(check broken down_since)"
expect_eq "reason kept" '"exit status 1"' "$(check broken reason)"
expect_eq "message kept" '"disk full"' "$(check broken last_message)"
expect_eq "held still paused" "true" "$(check held paused)"

# steady goes down a full period + grace after the restart; broken says
# nothing more, held nothing at all.
wait_count 2
expect_eq "messages after a crash" '"🔴 <b>DOWN</b> broken · ping\nexit status 1\ndown since <T>\nlast message:\n<pre>disk full</pre>"
"🔴 <b>DOWN</b> steady · ping\nno ping for Ns\ndown since <T>"' "$(texts)"
expect_eq "steady went down no earlier than period + grace after the restart" "true" \
    "$([ "$(epoch_ms "$(check steady down_since | tr -d '"')")" -ge $((before + 5000)) ] && echo true || echo false)"

# A clean stop and start: both stay down, nothing new is sent.
watchdog_stop
watchdog_restart
expect_eq "steady still down" '"down"' "$(check steady state)"
expect_eq "broken still down" '"down"' "$(check broken state)"
http "$WD_URL/ping/broken"
wait_count 3
expect_eq "one recovery" '"✅ <b>UP</b> broken · ping\nback after Ns down\nwas: exit status 1"' \
    "$(texts | tail -n 1)"
expect_eq "three messages in all" "3" "$(count)"
expect_eq "held never went down" '"up"' "$(check held state)"

watchdog_stop
finish
