#!/usr/bin/env bash
# pg_watchdog_pair.sh: two tocsin-watchdogs on one PostgreSQL database
# (--storage.url, --storage.lease=3s). One leads; pings to the other count
# (both checks pinged only at the follower stay up; a failure reported
# there makes the leader send "broken" DOWN). The leader is killed (-9): the
# survivor takes over within two leases; "kept", pinged at the survivor
# throughout, never goes down; "stopped", no longer pinged, goes down
# exactly once, then recovers exactly once when pinged again; "broken" is
# not sent DOWN again, and its recovery goes out once; nothing is sent
# twice across the handover. The killed one comes back as the
# follower, and pings to it count too; the leader stopped cleanly hands
# over to it within less than a lease. Only the leader runs the freshness
# queries.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg.sh"

export TZ=UTC
pg_test_start

fake_start telegram
TG=$FAKE_URL
wd_config "$TMP/wd.yml" <<EOF
checks:
  - {name: kept, kind: ping, period: 3s, grace: 2s, receiver: phone, repeat_interval: 0s}
  - {name: stopped, kind: ping, period: 3s, grace: 2s, receiver: phone, repeat_interval: 0s}
  - {name: broken, kind: ping, period: 1h, grace: 1h, receiver: phone, repeat_interval: 0s}
  # Queried every second, only by the leader; paused, so that the Prometheus
  # that is not there sends nothing.
  - {name: fresh, kind: freshness, prometheus_url: 'http://127.0.0.1:1', query: up,
     max_age: 1m, interval: 1s, timeout: 500ms, receiver: phone, paused: true}
EOF

# start_wd N: watchdog N (1 or 2) on the database, its own port, log and
# --storage.path; sets URL_N and PID_N (a restart keeps the port).
start_wd() {
	local n=$1 portvar=PORT_$1
	server_start "watchdog $n" "$portvar" /-/ready "$TMP/wd-$n.log" \
	    "$TOCSIN_WATCHDOG" --config.file="$TMP/wd.yml" --storage.path="$TMP/data-$n" \
	    --storage.url="$PG_URL" --storage.lease=3s --log.level=debug \
	    "--web.listen-address=127.0.0.1:{PORT}"
	eval "PID_$n=$SERVER_PID"
	CLEANUP_PIDS+=("$SERVER_PID")
	eval "URL_$n=http://127.0.0.1:${!portvar}"
}
leader() {	# URL: the value of tocsin_watchdog_leader on that watchdog
	curl -fsS "$1/metrics" | awk '$1 == "tocsin_watchdog_leader" { print $2 }'
}
leads() {	# N: watchdog N logged that it took the lead
	grep -q 'msg="Leading the watchdog pair' "$TMP/wd-$1.log"
}
follows() {	# URL: that watchdog says it follows
	[ "$(leader "$1")" = 0 ]
}
# pinger URL CHECK...: pings each CHECK at URL every half second, in the
# background, until stop_pinger; a ping not answered 200 is written to
# $TMP/ping-errors.
pinger() {
	local url=$1
	shift
	(
		while :; do
			for c in "$@"; do
				code=$(curl -s -o /dev/null -w '%{http_code}' "$url/ping/$c")
				[ "$code" = 200 ] || echo "ping $c at $url: $code" >>"$TMP/ping-errors"
			done
			sleep 0.5
		done
	) &
	PINGER=$!
	CLEANUP_PIDS+=("$PINGER")
}
stop_pinger() {
	kill "$PINGER" 2>/dev/null || true
	wait "$PINGER" 2>/dev/null || true
}
# Message texts with the instants and durations that vary run to run masked.
texts() {
	tg_texts | sed -E 's/down since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC/down since <T>/;
	    s/ for [0-9]+s/ for Ns/; s/after [0-9]+s/after Ns/'
}
now_ms() {
	python3 -c 'import time; print(int(time.time() * 1000))'
}
WD_LOG=$TMP/wd-2.log	# what tg_wait_count shows when it fails

start_wd 1
wait_until 10 leads 1 || { cat "$TMP/wd-1.log" >&2; fail "watchdog 1 did not take the lead"; }
start_wd 2
expect_eq "the check states are in the database" 1 \
    "$(grep -c "msg=\"The check states are in PostgreSQL: one watchdog of those on it leads\" url=postgresql://tocsin@127.0.0.1:$PG_PORT/tocsin" "$TMP/wd-2.log")"
wait_until 5 follows "$URL_2" || true
expect_eq "leader and follower" "1 0" "$(leader "$URL_1") $(leader "$URL_2")"

# Both checks up at the leader, then pinged only at the follower for longer
# than period + grace: the leader hears them through the database, and
# neither goes down.
http "$URL_1/ping/kept"
http "$URL_1/ping/stopped"
up_at() {	# URL CHECK
	[ "$(WD_URL=$1 wd_check "$2" state)" = up ]
}
wait_until 5 up_at "$URL_1" stopped || true
expect_eq "up at the leader" "up up" \
    "$(WD_URL=$URL_1 wd_check kept state) $(WD_URL=$URL_1 wd_check stopped state)"
pinger "$URL_2" kept stopped
sleep 8
expect_eq "pings at the follower keep both up at the leader" "up up" \
    "$(WD_URL=$URL_1 wd_check kept state) $(WD_URL=$URL_1 wd_check stopped state)"
expect_eq "the follower shows the leader's states" "up up" \
    "$(WD_URL=$URL_2 wd_check kept state) $(WD_URL=$URL_2 wd_check stopped state)"
expect_eq "nothing sent while both are pinged" 0 "$(tg_count)"

queried() {	# N: how many freshness queries watchdog N logged
	grep -c 'msg="Freshness check not fresh" check=fresh' "$TMP/wd-$1.log"
}
expect_eq "only the leader queries Prometheus" "true 0" \
    "$([ "$(queried 1)" -ge 5 ] && echo true || echo false) $(queried 2)"

# "broken" fails at the follower: the leader sends its DOWN, and commits
# its state before it is killed.
http "$URL_2/ping/broken/fail"
expect_eq "failure at the follower" "200 OK" "$HTTP_CODE $HTTP_BODY"
tg_wait_count 1
expect_eq "the leader's DOWN" '"🔴 <b>DOWN</b> broken · ping\nfailure reported (/fail)\ndown since <T>"' \
    "$(texts)"
committed_down() {
	[ "$(pg_psql "SELECT state FROM watchdog_checks WHERE name = 'broken'")" = down ]
}
wait_until 5 committed_down || fail "broken's state was not committed down"

# The leader dies; "stopped" is no longer pinged from now on.
stop_pinger
pinger "$URL_2" kept
kill -KILL "$PID_1"
wait "$PID_1" 2>/dev/null || true
killed=$(now_ms)
wait_until 10 leads 2 || { cat "$TMP/wd-2.log" >&2; fail "watchdog 2 did not take over"; }
took=$(now_ms)
expect_eq "took over within two leases (6s)" "true" \
    "$([ $((took - killed)) -le 6000 ] && echo true || echo false)"
expect_eq "the survivor leads" 1 "$(leader "$URL_2")"
queries_from_2() {
	[ "$(queried 2)" -ge 1 ]
}
wait_until 5 queries_from_2 || true
expect_eq "the survivor queries Prometheus" "true" \
    "$([ "$(queried 2)" -ge 1 ] && echo true || echo false)"

# "stopped" goes down once, a full period + grace after the takeover at the
# latest; "kept" never; "broken", down already, is not sent again.
tg_wait_count 2
expect_eq "one DOWN, for the check that stopped" '"🔴 <b>DOWN</b> stopped · ping\nno ping for Ns\ndown since <T>"' \
    "$(texts | tail -n 1)"
sleep 4
expect_eq "still those two messages" 2 "$(tg_count)"
expect_eq "the new leader has broken down, with its reason" '"down" "failure reported (/fail)"' \
    "$(WD_URL=$URL_2 wd_json broken state) $(WD_URL=$URL_2 wd_json broken reason)"

# Pinged again: one recovery each.
http "$URL_2/ping/stopped"
expect_eq "ping at the new leader" "200 OK" "$HTTP_CODE $HTTP_BODY"
tg_wait_count 3
expect_eq "one recovery" '"✅ <b>UP</b> stopped · ping\nback after Ns down\nwas: no ping for Ns"' \
    "$(texts | tail -n 1)"
http "$URL_2/ping/broken"
tg_wait_count 4
expect_eq "the recovery of the DOWN the old leader sent" '"✅ <b>UP</b> broken · ping\nback after Ns down\nwas: failure reported (/fail)"' \
    "$(texts | tail -n 1)"

# The killed one comes back and follows; pings to it count at the leader.
stop_pinger
start_wd 1
wait_until 5 follows "$URL_1" || true
expect_eq "the restarted one follows" "0 1" "$(leader "$URL_1") $(leader "$URL_2")"
pinger "$URL_1" kept stopped
sleep 8
stop_pinger
expect_eq "pings at the new follower keep both up" "up up" \
    "$(WD_URL=$URL_2 wd_check kept state) $(WD_URL=$URL_2 wd_check stopped state)"
expect_eq "four messages in all, none twice" 4 "$(tg_count)"
expect_eq "every ping answered 200" "" "$(cat "$TMP/ping-errors" 2>/dev/null)"
drained() {
	[ "$(pg_psql "SELECT count(*) FROM watchdog_signals")" = 0 ]
}
wait_until 5 drained || true
expect_eq "the leader applied every queued signal" 0 \
    "$(pg_psql "SELECT count(*) FROM watchdog_signals")"
# A clean stop of the leader hands over without waiting for its lease to
# run out; then the other stops too. (Under the sanitizers, a leak or an
# error found at exit is a failed status.)
stop_wd() {	# N
	local pid=PID_$1 rc=0
	kill -TERM "${!pid}"
	wait "${!pid}" || rc=$?
	[ "$rc" = 0 ] || cat "$TMP/wd-$1.log" >&2
	expect_eq "watchdog $1 stopped cleanly" 0 "$rc"
}
stop_wd 2
stopped=$(now_ms)
wait_until 10 leads 1 || { cat "$TMP/wd-1.log" >&2; fail "watchdog 1 did not take over"; }
took=$(now_ms)
expect_eq "a clean stop hands over within less than a lease (3s)" "true" \
    "$([ $((took - stopped)) -lt 3000 ] && echo true || echo false)"
stop_wd 1
finish
