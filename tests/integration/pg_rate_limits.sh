#!/usr/bin/env bash
# pg_rate_limits.sh: two relays on one PostgreSQL database, each holding a
# different chat of one Telegram bot, share the bot's rate limit: with the
# bot limited to 2/s (--ratelimit.telegram-bot=2/s, and the fake Telegram
# enforcing 2/s with a burst of 3, answering 429 beyond), a burst to both
# chats through both relays goes out without one 429 and never more than
# the bucket allows in a second (2 at once, then 2 a second), where two
# relays counting the bot each for itself would send 4 a second.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg_relays.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
pg_test_start

fake_start telegram
TG=$FAKE_URL
# Two private chats of one bot; the chats' own limit out of the way (the
# relays' is 0), so that the bot's is the one that binds.
curl -fsS -X POST -H "$J" --data-binary '{"rate_limits_enabled": true,
    "chats": {"42": {"type": "private"}, "43": {"type": "private"}},
    "rate_private": {"rate": 100, "burst": 100},
    "rate_bot": {"rate": 2, "burst": 3}}' "$TG/_fake/config" >/dev/null

# Alerts with chat="a" go to chat 42, the others to chat 43.
cat >"$TMP/relay.yml" <<EOF
route:
  receiver: b
  routes:
    - {receiver: a, matchers: ['chat="a"']}
receivers:
  - name: a
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
        message: 'seq {{ .CommonLabels.seq }}'
  - name: b
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 43
        message: 'seq {{ .CommonLabels.seq }}'
EOF

# start_relay N: relay N (A or B) on the database, its own port, log and
# files; sets URL_N and PID_N. Leases of a minute: a chat stays with the
# relay that claimed it for the whole test.
start_relay() {
	pg_relay_start "$1" --storage.lease=60s --delivery.backoff-max=1s \
	    --ratelimit.telegram-chat=0 --ratelimit.telegram-group=0 --ratelimit.telegram-bot=2/s
}

# holds N CHAT: relay N holds the lease of chat CHAT.
holds() {
	local pid
	eval "pid=\$PID_$1"
	[ "$(pg_psql "SELECT count(*) FROM dest_leases WHERE dest LIKE '%:$2'
	    AND split_part(holder, '/', 2) = '$pid'")" = 1 ]
}
# delivered URL: the messages the relay at URL delivered.
delivered() {
	curl -fsS "$1/metrics" | awk '/^tocsin_deliveries_total\{/ && /result="delivered"/ { s += $2 } END { print s + 0 }'
}

start_relay A
start_relay B

# 1. Each relay claims one chat: B chat 43 while A is stopped, then A chat
# 42 while B is. One message each, which also shows the relays work.
kill -STOP "$PID_A"
expect_eq "warm-up to B" 200 "$(pg_post "$URL_B" 1 b)"
wait_until 10 holds B 43 || fail "relay B did not claim chat 43: $(pg_psql "SELECT * FROM dest_leases")"
fake_wait_count "$TG" 1
kill -STOP "$PID_B"
kill -CONT "$PID_A"
expect_eq "warm-up to A" 200 "$(pg_post "$URL_A" 2 a)"
wait_until 10 holds A 42 || fail "relay A did not claim chat 42: $(pg_psql "SELECT * FROM dest_leases")"
fake_wait_count "$TG" 2
kill -CONT "$PID_B"
expect_eq "warm-ups sent" "seq 2 seq 1" "$(echo $(pg_sent 42) $(pg_sent 43))"

# 2. The burst: 10 messages for chat 42 through A and 10 for chat 43
# through B at the same time. The fake starts afresh (a full bucket).
sleep 1.5	# the relays' shared bucket full again too
curl -fsS -X POST "$TG/_fake/reset" >/dev/null
for ((i = 10; i < 20; i++)); do
	echo "seq $i" >>"$TMP/want-a"
	echo "seq $((i + 10))" >>"$TMP/want-b"
done
mkdir -p "$TMP/codes"
( for ((i = 10; i < 20; i++)); do pg_post "$URL_A" "$i" a; echo; done >"$TMP/codes/a" ) &
pa=$!
( for ((i = 20; i < 30; i++)); do pg_post "$URL_B" "$i" b; echo; done >"$TMP/codes/b" ) &
wait "$pa" "$!"
expect_eq "every post answered 200" "20" "$(grep -cx 200 "$TMP/codes/a" "$TMP/codes/b" | awk -F: '{ s += $2 } END { print s }')"
fake_wait_count "$TG" 20
sleep 2	# anything sent twice, or again after a 429, would show by now

curl -fsS "$TG/_fake/requests" >"$TMP/requests.json"
expect_eq "the fake answered every request 200 (no 429)" "200 x20" \
    "$(jq -r '[.[].status] | group_by(.) | map("\(.[0]) x\(length)") | join(", ")' "$TMP/requests.json")"
expect_eq "chat 42: everything once, in order" "$(cat "$TMP/want-a")" "$(pg_sent 42)"
expect_eq "chat 43: everything once, in order" "$(cat "$TMP/want-b")" "$(pg_sent 43)"
# The most requests within any one second (a closed window of 1000 ms
# from each request): the shared bucket allows 2 at once and 2 a second,
# so at most 4; the relays each counting the bot would reach 8.
most=$(jq -r '[.[].received_ms] | sort | . as $t
    | [ $t[] as $s | [ $t[] | select(. >= $s and . <= $s + 1000) ] | length ] | max' \
    "$TMP/requests.json")
echo "pg_rate_limits: at most $most requests within a second"
expect_eq "never more than the bot's limit allows within a second" yes \
    "$([ "$most" -le 4 ] && echo yes || echo "no: $most")"
# Both relays sent their chat's: the limit held across relays, not within
# one.
expect_eq "delivered by A and by B (warm-up included)" "11 11" \
    "$(delivered "$URL_A") $(delivered "$URL_B")"
expect_eq "both keep their chats" "yes yes" \
    "$(holds A 42 && echo yes) $(holds B 43 && echo yes)"

kill -TERM "$PID_A" "$PID_B"
wait "$PID_A" || fail "relay A exited with status $?"
wait "$PID_B" || fail "relay B exited with status $?"
finish
