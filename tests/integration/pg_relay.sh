#!/usr/bin/env bash
# pg_relay.sh: the relay with its queue in PostgreSQL (--storage.url-file):
# a real Alertmanager payload goes out to Telegram byte for byte and the
# URL's password appears nowhere; `queue list|retry|drop` work on the
# database; with PostgreSQL stopped for a few seconds in the middle of a
# stream of notifications the intake answers 503 and /-/ready 503, then
# both recover and every notification that got a 200 is delivered.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
pg_test_start
PW=pg-Secret-4711
# Trust authentication ignores the password: it is here to be kept out of
# every output.
printf 'postgresql://tocsin:%s@127.0.0.1:%s/tocsin\n' "$PW" "$PG_PORT" >"$TMP/url"
chmod 600 "$TMP/url"
WHERE="postgresql://tocsin@127.0.0.1:$PG_PORT/tocsin"

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
        message: '{{ .Status }} {{ .CommonLabels.alertname }} {{ .CommonLabels.seq }}'
EOF

relay_start --config.file="$TMP/relay.yml" --storage.url-file="$TMP/url" \
    --delivery.backoff-max=1s --ratelimit.telegram-chat=0 --ratelimit.telegram-bot=0
expect_eq "the log names the database without its password" 1 \
    "$(grep -c "msg=\"The delivery queue is in PostgreSQL\" url=$WHERE" "$RELAY_ERR")"

# 1. Alertmanager's payload, delivered exactly.
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "200 once committed" "200 OK" "$HTTP_CODE $HTTP_BODY"
fake_wait_count "$TG" 1
expect_eq "sendMessage body" "$(tg_body "firing SSHLoginFromNonLAN ")" "$(fake_bodies "$TG")"
expect_eq "the message is delivered in the database" delivered \
    "$(pg_psql "SELECT state FROM messages ORDER BY id LIMIT 1")"
# Alertmanager sends it again (a retry, its HA peer): the dedup key holds.
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "a repeat is answered 200" 200 "$HTTP_CODE"
sleep 1.5
expect_eq "and not sent again" 1 "$(fake_count "$TG")"

# 2. The queue CLI on the database: a message Telegram refuses (403) goes
# dead; retry sends it again, drop removes another.
payload() {	# SEQ: ssh-login-firing with its own alert
	jq -c --arg i "$1" --arg fp "$(printf '%016x' "$1")" \
	    '.alerts[0].labels.seq = $i | .commonLabels.seq = $i | .alerts[0].fingerprint = $fp' \
	    "$FIX/ssh-login-firing.json"
}
queue() {
	"$TOCSIN_RELAY" queue --storage.url-file="$TMP/url" "$@"
}
curl -fsS -X POST -H "$J" --data-binary \
    '{"force": [{"status": 403, "description": "Forbidden: bot was blocked by the user", "count": 2}]}' \
    "$TG/_fake/config" >/dev/null
for i in 1 2; do
	http -X POST -H "$J" --data-binary "$(payload "$i")" "$RELAY_URL/webhook"
	expect_eq "payload $i accepted" 200 "$HTTP_CODE"
done
# (The repeat above took no id: ids are 1, then 2 and 3.)
dead_ids() { queue list --state=dead -o json | jq -r '.id' | tr '\n' ' '; }
dead_2_3() { [ "$(dead_ids)" = "2 3 " ]; }
wait_until 20 dead_2_3 || fail "no dead messages 2 and 3: $(queue list --state=all)"
expect_eq "queue list -o json" '[2,"dead","pager","telegram/0",1,"telegram: 403 Forbidden: bot was blocked by the user"]' \
    "$(queue list --state=dead -o json | head -n 1 |
    jq -c '[.id, .state, .receiver, .integration, .attempts, .last_error]')"
expect_eq "queue retry" "message 2: dead -> pending" "$(queue retry 2)"
expect_eq "queue drop" "message 3 dropped" "$(queue drop 3)"
fake_wait_count "$TG" 4
expect_eq "the retried message went out" "$(tg_body "firing SSHLoginFromNonLAN 1")" \
    "$(fake_bodies "$TG" | tail -n 1)"
expect_eq "queue list after retry and drop" "1 2 " \
    "$(queue list --state=all -o json | jq -r '.id' | tr '\n' ' ')"
expect_eq "queue drop of a message that is gone" "tocsin-relay: error: no message 3" \
    "$(queue drop 3 2>&1)"

# 3. PostgreSQL stops for a few seconds in the middle of a stream of
# notifications: 503s (Alertmanager retries), /-/ready 503, no crash;
# once it is back, ready again and every 200 delivered.
mkdir -p "$TMP/codes"
post_bg() {	# SEQ
	curl -s -o "$TMP/codes/$1.body" -w '%{http_code}' -X POST -H "$J" \
	    --data-binary "$(payload "$1")" "$RELAY_URL/webhook" >"$TMP/codes/$1" 2>/dev/null
}
seq=100
stream() {	# SECONDS: a notification every 0.1 s
	local end=$((SECONDS + $1))
	while [ "$SECONDS" -lt "$end" ]; do
		seq=$((seq + 1))
		post_bg "$seq"
		sleep 0.1
	done
}
ready_code() { curl -s -o /dev/null -w '%{http_code}' "$RELAY_URL/-/ready"; }
ready_is() { [ "$(ready_code)" = "$1" ]; }
stream 2
before=$seq
pg_stop
stream 1
wait_until 10 ready_is 503 || fail "/-/ready stayed $(ready_code) with PostgreSQL stopped"
stream 3
expect_eq "/-/ready while PostgreSQL is stopped" 503 "$(ready_code)"
pg_start_again || fail "PostgreSQL did not start again"
wait_until 20 ready_is 200 || fail "/-/ready did not recover: $(ready_code)"
after=$seq
stream 2
kill -0 "$RELAY_PID" || fail "the relay died"
acked=() refused=0
for ((i = 101; i <= seq; i++)); do
	case $(cat "$TMP/codes/$i") in
	200) acked+=("$i") ;;
	503) refused=$((refused + 1)) ;;
	*) fail "notification $i answered $(cat "$TMP/codes/$i"): $(cat "$TMP/codes/$i.body")" ;;
	esac
done
echo "pg_relay: ${#acked[@]} of $((seq - 100)) got 200, $refused got 503"
expect_eq "200 before the stop" 200 "$(cat "$TMP/codes/$before")"
expect_eq "200 after the recovery" 200 "$(cat "$TMP/codes/$seq")"
[ "$refused" -ge 3 ] || fail "only $refused 503s while PostgreSQL was stopped"
for ((i = before + 1; i <= after; i++)); do
	[ "$(cat "$TMP/codes/$i")" = 503 ] && break
done
[ "$i" -le "$after" ] || fail "no 503 while PostgreSQL was stopped"
expect_eq "a 503 says why" 1 "$(grep -l 'PostgreSQL' "$TMP"/codes/*.body | head -n 1 | wc -l)"
delivered() {
	curl -fsS "$TG/_fake/requests" | jq -r '.[] | select(.status == 200) | .body | fromjson | .text'
}
all_delivered() {
	local got i
	got=$(delivered)
	for i in "${acked[@]}"; do
		grep -qx "firing SSHLoginFromNonLAN $i" <<<"$got" || return 1
	done
}
wait_until 60 all_delivered || fail "not every acknowledged notification was delivered"
got=$(delivered)
expect_eq "no duplicates" 0 "$(sort <<<"$got" | uniq -d | wc -l)"

relay_stop
expect_eq "the password in no output" 0 \
    "$(cat "$RELAY_ERR" "$RELAY_OUT" "$TMP"/codes/*.body | grep -c -- "$PW" || true)"
finish
