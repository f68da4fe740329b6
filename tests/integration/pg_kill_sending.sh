#!/usr/bin/env bash
# pg_kill_sending.sh: two relays on one PostgreSQL database, Telegram up
# and answering (slowly: 200 ms a request, so that a send is in flight at
# any moment). A burst is posted to both relays and the relay holding both
# chats is killed (-9) in the middle of sending it; the other takes the
# chats over once the lease runs out and sends the rest. Twice, one kill of
# each relay: every notification that got a 200 is delivered, in order per
# chat, and the fake's log shows exactly one duplicate per message in
# flight at a kill (Telegram got it, the queue had not marked it): at most
# one per chat the killed relay held.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg_relays.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
pg_test_start

fake_start telegram
TG=$FAKE_URL
# Every answer 200 ms late, as from a slow network.
curl -fsS -X POST -H "$J" --data-binary '{"force": [{"delay": 0.2, "count": 1000}]}' \
    "$TG/_fake/config" >/dev/null

# Alerts with chat="a" go to the private chat 42, the others to the group
# -1001.
pg_two_chats_config

# start_relay N: relay N (A or B) on the database, its own port, log and
# files; sets URL_N and PID_N.
start_relay() {
	pg_relay_start "$1" --storage.lease=3s --delivery.backoff-max=1s \
	    --ratelimit.telegram-chat=0 --ratelimit.telegram-group=0 --ratelimit.telegram-bot=0
}

# holds_both N: relay N holds the leases of both chats.
holds_both() {
	local pid
	eval "pid=\$PID_$1"
	[ "$(pg_psql "SELECT count(*) FROM dest_leases
	    WHERE split_part(holder, '/', 2) = '$pid'")" = 2 ]
}
chat_of() {	# SEQ: the chat label of notification SEQ
	if (($1 % 3)); then echo a; else echo b; fi
}

# round FIRST VICTIM OTHER: VICTIM claims both chats (one message each,
# FIRST-3 and FIRST-1, while OTHER is stopped); then posts FIRST..FIRST+19
# alternately to both relays, kills VICTIM once 4 of them reached Telegram
# (the others queued, one per chat in flight), and waits for OTHER to send
# every notification that got a 200.
round() {
	local first=$1 victim=$2 other=$3 i url base code vpid opid n
	eval "vpid=\$PID_$victim; opid=\$PID_$other; url=\$URL_$victim"
	base=$(fake_count "$TG")
	kill -STOP "$opid"
	expect_eq "round $first: warm-up" "200 200" \
	    "$(pg_post "$url" $((first - 3)) a) $(pg_post "$url" $((first - 1)) b)"
	printf '%s\n' $((first - 3)) $((first - 1)) >>"$TMP/acked"
	fake_wait_count "$TG" $((base + 2))
	kill -CONT "$opid"
	base=$((base + 2))
	for ((i = first; i < first + 20; i++)); do
		if ((i % 2)); then eval "url=\$URL_$victim"; else eval "url=\$URL_$other"; fi
		code=$(pg_post "$url" "$i" "$(chat_of "$i")")
		expect_eq "notification $i accepted" 200 "$code"
		[ "$code" = 200 ] && echo "$i" >>"$TMP/acked"
	done
	wait_until 10 fake_has_count "$TG" $((base + 4)) ||
	    fail "round $first: Telegram got $(($(fake_count "$TG") - base)) of 4"
	expect_eq "round $first: $victim holds both chats at the kill" yes \
	    "$(holds_both "$victim" && echo yes)"
	expect_eq "round $first: $victim has messages left to send" yes \
	    "$([ "$(pg_psql "SELECT count(*) FROM messages WHERE state = 'pending'")" -gt 2 ] && echo yes)"
	kill -KILL "$vpid"
	wait "$vpid" 2>/dev/null || true
	KILLS=$((KILLS + 1))
	# In flight at the kill: what Telegram got and the queue still holds
	# (a request already on its way when the relay died lands within
	# the half second; the lease keeps the other relay off for 3 s).
	sleep 0.5
	n=$(comm -12 <(pg_psql "SELECT convert_from(payload, 'UTF8') FROM messages
	    WHERE state = 'pending'" | grep -o 'seq [0-9]*' | sort -u) \
	    <( (pg_sent 42; pg_sent -1001) | sort -u) | grep -c . || true)
	echo "pg_kill_sending: round $first: $n message(s) in flight at the kill"
	expect_eq "round $first: killed mid-send, at most one in flight per chat" yes \
	    "$( ((n >= 1 && n <= 2)) && echo yes || echo "no: $n")"
	INFLIGHT=$((INFLIGHT + n))
	wait_until 30 all_sent ||
	    { cat "$TMP/relay-$other.err" >&2; fail "round $first: not every acknowledged notification was sent"; }
}
all_sent() {
	local got i
	got=$( (pg_sent 42; pg_sent -1001) )
	while read -r i; do
		grep -qx "seq $i" <<<"$got" || return 1
	done <"$TMP/acked"
}

KILLS=0 INFLIGHT=0
: >"$TMP/acked"
start_relay A
start_relay B
# 1. A, holding both chats, killed mid-send: B sends the rest.
round 10 A B
# 2. A back; B, holding both chats, killed mid-send: A sends the rest.
start_relay A
round 40 B A
sleep 2	# anything sent once more would show by now

got=$( (pg_sent 42; pg_sent -1001) )
dups=$(($(wc -l <<<"$got") - $(sort -u <<<"$got" | wc -l)))
echo "pg_kill_sending: $(sort -u <<<"$got" | wc -l) distinct sent, $dups duplicate(s), $KILLS kill(s)"
expect_eq "sent: exactly the acknowledged notifications" \
    "$(sed 's/^/seq /' "$TMP/acked" | sort)" "$(sort -u <<<"$got")"
# At most one duplicate per message in flight at a crash: each one
# Telegram had got from the killed relay goes again from the other.
expect_eq "duplicates: the messages in flight at the kills" "$INFLIGHT" "$dups"
# Per chat, in acceptance order (each notification at its first sending).
for c in a b; do
	if [ $c = a ]; then chat=42; else chat=-1001; fi
	expect_eq "chat $chat: in order" \
	    "$(while read -r i; do [ "$(chat_of "$i")" = $c ] && echo "seq $i"; done <"$TMP/acked")" \
	    "$(pg_sent "$chat" | awk '!seen[$0]++')"
done
kill -TERM "$PID_A"
wait "$PID_A" || fail "relay A exited with status $?"
finish
