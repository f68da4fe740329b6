#!/usr/bin/env bash
# pg_listen_notify.sh: two relays on one PostgreSQL database; relay B holds
# chat 42, and notifications for it are posted to relay A. B hears of each
# one through LISTEN/NOTIFY and sends it at once, not at its next scan (once
# a second): each reaches Telegram within half a second of its post (about
# 35 ms on a quiet machine; the margin is for a loaded one under the
# sanitizers), eight times in a row, which B's scans alone, at a random
# point of their second, would manage about once in 256 runs.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg_relays.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
pg_test_start

fake_start telegram
TG=$FAKE_URL
cat >"$TMP/relay.yml" <<EOF
route:
  receiver: private
receivers:
  - name: private
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
        message: 'seq {{ .CommonLabels.seq }}'
EOF

# start_relay N: relay N (A or B) on the database, its own port, log and
# files; sets URL_N and PID_N. Leases of a minute: chat 42 stays with B.
start_relay() {
	pg_relay_start "$1" --storage.lease=60s \
	    --ratelimit.telegram-chat=0 --ratelimit.telegram-bot=0
}

# The fake's clock: the monotonic clock, in ms.
mono_ms() {
	python3 -c 'import time; print(int(time.monotonic() * 1000))'
}
delivered() {	# URL: the messages the relay at URL delivered
	curl -fsS "$1/metrics" | awk '/^tocsin_deliveries_total\{/ && /result="delivered"/ { s += $2 } END { print s + 0 }'
}

start_relay A
start_relay B
# B claims chat 42 while A is stopped.
kill -STOP "$PID_A"
expect_eq "warm-up to B" 200 "$(pg_post "$URL_B" 1)"
fake_wait_count "$TG" 1
kill -CONT "$PID_A"
expect_eq "B holds chat 42" 1 "$(pg_psql "SELECT count(*) FROM dest_leases
    WHERE split_part(holder, '/', 2) = '$PID_B'")"

late=0
for ((i = 2; i <= 9; i++)); do
	sleep 0.$((RANDOM % 5 + 2))	# anywhere in B's second between scans
	t0=$(mono_ms)
	expect_eq "notification $i accepted by A" 200 "$(pg_post "$URL_A" "$i")"
	fake_wait_count "$TG" "$i"
	ms=$(($(curl -fsS "$TG/_fake/requests" | jq '.[-1].received_ms') - t0))
	echo "pg_listen_notify: notification $i reached Telegram $ms ms after its post"
	[ "$ms" -lt 500 ] || late=$((late + 1))
done
expect_eq "every one within half a second" 0 "$late"
expect_eq "texts, in order" "$(seq -f 'seq %g' 1 9)" \
    "$(curl -fsS "$TG/_fake/requests" | jq -r '.[].body | fromjson | .text')"
expect_eq "all sent by B" "0 9" "$(delivered "$URL_A") $(delivered "$URL_B")"

kill -TERM "$PID_A" "$PID_B"
wait "$PID_A" || fail "relay A exited with status $?"
wait "$PID_B" || fail "relay B exited with status $?"
finish
