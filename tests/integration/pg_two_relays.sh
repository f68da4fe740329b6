#!/usr/bin/env bash
# pg_two_relays.sh: two relays on one PostgreSQL database, as behind an
# Alertmanager pair. The same notification posted to both goes out once, as
# does an alert of a real Alertmanager pair with README's config ("Running
# several relays"), each member posting to both; a
# burst split across both is delivered once each, in order per chat; with
# Telegram failing, one relay is killed (-9) in the middle of a burst, and
# once Telegram accepts again the other delivers everything that got a 200,
# with at most one duplicate per kill.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg_relays.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
pg_test_start

fake_start telegram
TG=$FAKE_URL
# Two chats: alerts with chat="a" go to the private chat 42, the others to
# the group -1001.
pg_two_chats_config

# start_relay N: relay N (A or B) on the database, its own port, log and
# files; sets URL_N and PID_N.
start_relay() {
	pg_relay_start "$1" --storage.lease=3s --delivery.backoff-max=1s \
	    --ratelimit.telegram-chat=0 --ratelimit.telegram-group=0 --ratelimit.telegram-bot=0
}

start_relay A
start_relay B

# 1. The same notification to both relays, at once: queued once.
mkdir -p "$TMP/codes"
pg_post "$URL_A" 1 a >"$TMP/codes/1a" &
p1=$!
pg_post "$URL_B" 1 a >"$TMP/codes/1b" &
wait "$p1" "$!"
expect_eq "both relays answer 200" "200 200" "$(cat "$TMP/codes/1a") $(cat "$TMP/codes/1b")"
fake_wait_count "$TG" 1
sleep 2
expect_eq "sent once" "seq 1" "$(pg_sent 42)"

# 1b. A real Alertmanager pair with README's config (group_wait shortened),
# each member posting to both relays: the alert goes out once. The pair is
# not clustered, the worst case (a partitioned cluster sends the same way):
# four copies of one notification reach the relays. Prometheus gives both
# members the same startsAt, which makes them the same notification.
command -v amtool >/dev/null || fail "amtool is not installed"
readme_block "Running several relays" "webhook_configs" |
    sed -e "s#http://relay-1.lan:9096#$URL_A#; s#http://relay-2.lan:9096#$URL_B#" \
    -e 's/^  group_by: \[alertname\]$/&\n  group_wait: 1s/' >"$TMP/alertmanager.yml"
am_start "$TMP/alertmanager.yml"
AM2_PORT=
server_start Alertmanager AM2_PORT /-/ready "$TMP/am2.err" \
    "${ALERTMANAGER:-/usr/bin/prometheus-alertmanager}" \
    --config.file="$TMP/alertmanager.yml" --storage.path="$TMP/am2" \
    "--web.listen-address=127.0.0.1:{PORT}" --cluster.listen-address=
AM2_PID=$SERVER_PID
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for am in "$AM_URL" "http://127.0.0.1:$AM2_PORT"; do
	amtool alert add --alertmanager.url="$am" --start="$start" \
	    alertname=PairTest seq=am chat=a >/dev/null
done
fake_wait_count "$TG" 2
sleep 3
expect_eq "the pair's notification sent once" "$(printf 'seq 1\nseq am')" "$(pg_sent 42)"
# metric URL NAME: the sum of NAME's series on the relay at URL.
metric() {
	curl -fsS "$1/metrics" | awk -v n="$2" '$1 ~ "^"n"({|$)" { s += $2 } END { print s + 0 }'
}
# seq 1 reached both relays, the pair's notification each relay twice:
# two queued, four deduplicated.
expect_eq "alerts received by A and B, queued, deduplicated" "3 3 2 4" \
    "$(metric "$URL_A" tocsin_alerts_received_total) $(metric "$URL_B" tocsin_alerts_received_total) $((
    $(metric "$URL_A" tocsin_notifications_queued_total) + $(metric "$URL_B" tocsin_notifications_queued_total))) $((
    $(metric "$URL_A" tocsin_notifications_deduplicated_total) + $(metric "$URL_B" tocsin_notifications_deduplicated_total)))"
am_stop
kill -TERM "$AM2_PID"
wait "$AM2_PID" 2>/dev/null || true

# 2. A burst split across both relays, both chats: each once, in order per
# chat (the order the relays accepted them in).
for ((i = 2; i <= 41; i++)); do
	if ((i % 2)); then url=$URL_A; else url=$URL_B; fi
	if ((i % 3)); then chat=a; else chat=b; fi
	code=$(pg_post "$url" "$i" "$chat")
	[ "$code" = 200 ] || fail "notification $i answered $code"
	echo "seq $i" >>"$TMP/want-$chat"
done
fake_wait_count "$TG" 42
sleep 2
expect_eq "chat 42: everything once, in order" "$(printf 'seq 1\nseq am\n'; cat "$TMP/want-a")" "$(pg_sent 42)"
expect_eq "chat -1001: everything once, in order" "$(cat "$TMP/want-b")" "$(pg_sent -1001)"

# 3. Telegram fails. B stops (handing its chats over at once), so that A
# takes both chats while they fail; B comes back, a burst goes to both
# relays, and A is killed in the middle of it. Telegram back: B sends
# everything once A's lease ran out.
kill -TERM "$PID_B"
wait "$PID_B" || fail "relay B exited with status $?"
curl -fsS -X POST "$TG/_fake/reset" >/dev/null
curl -fsS -X POST -H "$J" --data-binary '{"force": [{"status": 500, "count": 1000000}]}' \
    "$TG/_fake/config" >/dev/null
for ((i = 100; i < 110; i++)); do
	if ((i % 3)); then chat=a; else chat=b; fi
	pg_post "$URL_A" "$i" "$chat" >"$TMP/codes/$i"
done
a_holds_both() {
	[ "$(pg_psql "SELECT count(*) FROM dest_leases WHERE split_part(holder, '/', 2) = '$PID_A'")" = 2 ]
}
wait_until 10 a_holds_both || fail "relay A holds not both chats: $(pg_psql "SELECT * FROM dest_leases")"
start_relay B
posts=()
for ((i = 110; i < 130; i++)); do
	if ((i % 2)); then url=$URL_A; else url=$URL_B; fi
	if ((i % 3)); then chat=a; else chat=b; fi
	pg_post "$url" "$i" "$chat" >"$TMP/codes/$i" &
	posts+=($!)
	if [ "$i" = 120 ]; then
		expect_eq "A still holds both chats" yes "$(a_holds_both && echo yes)"
		kill -KILL "$PID_A"
	fi
done
for p in "${posts[@]}"; do wait "$p" || true; done
wait "$PID_A" 2>/dev/null || true
acked=()
for ((i = 100; i < 130; i++)); do
	[ "$(cat "$TMP/codes/$i")" = 200 ] && acked+=("$i")
done
echo "pg_two_relays: ${#acked[@]} of 30 got 200 around the kill"
[ "${#acked[@]}" -ge 15 ] || fail "only ${#acked[@]} of 30 got 200"
expect_eq "nothing sent while Telegram failed" 0 "$( (pg_sent 42; pg_sent -1001) | wc -l)"
sleep 1
curl -fsS -X POST "$TG/_fake/reset" >/dev/null
all_sent() {
	local got i
	got=$( (pg_sent 42; pg_sent -1001) )
	for i in "${acked[@]}"; do
		grep -qx "seq $i" <<<"$got" || return 1
	done
}
wait_until 60 all_sent || { cat "$TMP/relay-B.err" >&2; fail "not every acknowledged notification was sent"; }
sleep 2
got=$( (pg_sent 42; pg_sent -1001) )
extra=$(($(wc -l <<<"$got") - $(sort -u <<<"$got" | wc -l)))
echo "pg_two_relays: $(sort -u <<<"$got" | wc -l) distinct sent, $extra duplicate(s)"
expect_eq "duplicates at most one per kill" yes "$([ "$extra" -le 1 ] && echo yes || echo no)"
kill -TERM "$PID_B"
wait "$PID_B" || fail "relay B exited with status $?"
finish
