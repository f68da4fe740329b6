#!/usr/bin/env bash
# watchdog_ping.sh: tocsin-watchdog's Healthchecks-style ping API over HTTP,
# with the exact Telegram messages it sends through the fake: success,
# start, fail, exit statuses (0 succeeds, 1 to 255 fail, 256 is refused, words
# are unknown), the POST body kept (10240 bytes at most, as the
# Ping-Body-Limit header says) and shown, bodies
# over --web.max-body-bytes refused, unknown checks, a check of another
# kind, a silent job going down within period + grace, reminders every
# repeat_interval, and the recovery with how long it was down.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
export TZ=UTC

fake_start telegram
TG=$FAKE_URL

wd_config "$TMP/wd.yml" <<EOF
checks:
  - {name: job, kind: ping, period: 1h, grace: 1h, receiver: phone, repeat_interval: 0s}
  - {name: run, kind: ping, period: 1h, grace: 2s, receiver: phone, repeat_interval: 0s}
  - {name: cron, kind: ping, period: 2s, grace: 1s, receiver: phone, repeat_interval: 3s}
  - {name: am, kind: heartbeat, period: 1h, grace: 1h, receiver: phone}
EOF
watchdog_start "$TMP/wd.yml" --web.max-body-bytes=100000

last_text() {
	tg_texts | tail -n 1
}

# Unknown checks, unknown endpoints, exit statuses out of range.
http "$WD_URL/ping/nope"
expect_eq "unknown check" '404 unknown check "nope"' "$HTTP_CODE $HTTP_BODY"
expect_eq "no Ping-Body-Limit on a 404" "" "$(grep -i '^ping-body-limit:' <<<"$HTTP_HEADERS")"
http -X POST "$WD_URL/ping/nope/fail"
expect_eq "unknown check, fail" '404 unknown check "nope"' "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/ping/job/256"
expect_eq "exit status 256" "400 exit status must be 0-255, got 256" "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/ping/job/oops"
expect_eq "unknown endpoint" "404 unknown ping endpoint: want /ping/<name>, /ping/<name>/start, /ping/<name>/fail, /ping/<name>/log or /ping/<name>/<0-255>" \
    "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/ping/am"
expect_eq "ping to a heartbeat check" '409 check "am" is a heartbeat check, not a ping check: Alertmanager posts to /heartbeat/am' \
    "$HTTP_CODE $HTTP_BODY"
http -X PUT "$WD_URL/ping/job"
expect_eq "PUT" "405" "$HTTP_CODE"
expect_eq "new before any ping" '"new"' "$(wd_json job state)"

# GET, HEAD and POST all count; a POST body is the last message, a GET clears it.
http "$WD_URL/ping/job"
expect_eq "GET ping" "200 OK" "$HTTP_CODE $HTTP_BODY"
# As Healthchecks, the answer says how much of a body is kept, so that a
# client such as runitor sends the end of a long output rather than lose it.
expect_eq "Ping-Body-Limit" "ping-body-limit: 10240" \
    "$(grep -i '^ping-body-limit:' <<<"$HTTP_HEADERS" | tr 'A-Z' 'a-z')"
expect_eq "up after a ping" '"up"' "$(wd_json job state)"
http -I "$WD_URL/ping/job"
expect_eq "HEAD ping" "200" "$HTTP_CODE"
http -X POST --data-binary 'backup of /srv: 12 GB' "$WD_URL/ping/job/0"
expect_eq "POST exit status 0" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "body kept" '"backup of /srv: 12 GB"' "$(wd_json job last_message)"
expect_eq "still up" '"up"' "$(wd_json job state)"

# A failing exit status notifies at once, with the body; a success recovers.
http -X POST --data-binary $'tar: /srv/db: Cannot open: Permission denied <&>\nexit 2' \
    "$WD_URL/ping/job/2"
expect_eq "POST exit status 2" "200 OK" "$HTTP_CODE $HTTP_BODY"
http -X POST --data-binary 'retried: ok' "$WD_URL/ping/job/0"
tg_wait_count 2
# The outage's start (minute) is checked where the check is still down;
# here it is over before the messages go out.
got=$(at_least 0 "$(tg_texts | sed -E 's/down since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC/down since <T>/')")
want='"🔴 <b>DOWN</b> job · ping\nexit status 2\ndown since <T>\nlast message:\n<pre>tar: /srv/db: Cannot open: Permission denied &lt;&amp;&gt;\nexit 2</pre>"
"✅ <b>UP</b> job · ping\nback after 0+s down\nwas: exit status 2\nlast message:\n<pre>retried: ok</pre>"'
expect_eq "down on exit status 2, then up" "$want" "$got"
expect_eq "up again" '"up"' "$(wd_json job state)"

# /fail goes down at once; a second failure while down sends nothing, but
# it is why the check is down now.
http -X POST "$WD_URL/ping/job/fail"
expect_eq "fail" "200 OK" "$HTTP_CODE $HTTP_BODY"
tg_wait_count 3
expect_eq "down on /fail" "\"🔴 <b>DOWN</b> job · ping\\nfailure reported (/fail)\\ndown since $(wd_since job)\"" \
    "$(last_text)"
# The request itself, byte for byte, as Telegram's Bot API gets it.
expect_eq "sendMessage body" "$(tg_body "🔴 <b>DOWN</b> job · ping
failure reported (/fail)
down since $(wd_since job)")" "$(curl -fsS "$TG/_fake/requests" | jq -r '.[2].body')"
http "$WD_URL/ping/job/1"
expect_eq "exit status 1 while down" "200 OK" "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/ping/job"
tg_wait_count 4
# How long it was down depends on how fast the DOWN went out.
expect_eq "recovered after /fail" '"✅ <b>UP</b> job · ping\nback after Ns down\nwas: exit status 1"' \
    "$(last_text | sed 's/back after [0-9]*s down/back after Ns down/')"

# /start without a success within grace: down, as Healthchecks marks a hung run.
http "$WD_URL/ping/run"
http "$WD_URL/ping/run/start"
expect_eq "start" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "start keeps the state" '"up"' "$(wd_json run state)"
tg_wait_count 5
expect_eq "run started, no success within grace" \
    "\"🔴 <b>DOWN</b> run · ping\\nstarted 2+s ago, no success since\\ndown since $(wd_since run)\"" \
    "$(at_least 2 "$(last_text)")"
http "$WD_URL/ping/run"
tg_wait_count 6

# A huge body: the first 10240 bytes are kept; over the cap it is refused.
head -c 20000 /dev/zero | tr '\0' 'x' >"$TMP/big"
http -X POST --data-binary "@$TMP/big" "$WD_URL/ping/job"
expect_eq "20000-byte body" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "kept bytes" "10240" "$(wd_json job last_message | jq -r . | tr -d '\n' | wc -c)"
head -c 100001 /dev/zero | tr '\0' 'x' >"$TMP/huge"
http -X POST --data-binary "@$TMP/huge" "$WD_URL/ping/job"
expect_eq "body over --web.max-body-bytes" "413" "$HTTP_CODE"
expect_eq "refused body not kept" "10240" "$(wd_json job last_message | jq -r . | tr -d '\n' | wc -c)"

# A job that stops pinging: down after period + grace (3s), a reminder every
# repeat_interval (3s), then the recovery.
n=$(tg_count)
http "$WD_URL/ping/cron"
# By position, not the last one: on a slow machine the next reminder may
# already be in by the time the texts are read.
tg_wait_count $((n + 1))
expect_eq "silent job down" "\"🔴 <b>DOWN</b> cron · ping\\nno ping for 3+s\\ndown since $(wd_since cron)\"" \
    "$(at_least 3 "$(tg_texts | sed -n "$((n + 1))p")")"
tg_wait_count $((n + 2))
expect_eq "reminder" "\"🔴 <b>STILL DOWN</b> cron · ping\\nno ping for 3+s\\ndown since $(wd_since cron) (3+s)\"" \
    "$(at_least 3 "$(tg_texts | sed -n "$((n + 2))p")")"
http -X POST --data-binary 'back' "$WD_URL/ping/cron"
# The first UP after the reminder: on a slow machine one more reminder may
# have gone out before the ping was read.
tg_wait_count $((n + 3))
got=
for _ in $(seq 100); do
	got=$(tg_texts | sed -n "$((n + 3)),\$p" | grep -m1 'UP</b>')
	[ -n "$got" ] && break
	sleep 0.1
done
expect_eq "recovery says how long" "\"✅ <b>UP</b> cron · ping\\nback after Ns down\\nwas: no ping for 3+s\\nlast message:\\n<pre>back</pre>\"" \
    "$(at_least 3 "$(sed 's/back after [0-9]*s down/back after Ns down/' <<<"$got")")"

# The highest exit status is a failure like any other non-zero one.
http "$WD_URL/ping/job/255"
expect_eq "exit status 255" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "down on 255" '"down" "exit status 255"' "$(wd_json job state) $(wd_json job reason)"

# The Telegram requests themselves, byte for byte (the first one).
expect_eq "request path" "/bot123456:TEST-token/sendMessage" \
    "$(curl -fsS "$TG/_fake/requests" | jq -r '.[0].path')"
expect_eq "request keys" '["chat_id","disable_web_page_preview","parse_mode","text"]' \
    "$(curl -fsS "$TG/_fake/requests" | jq -c '.[0].body | fromjson | keys_unsorted')"

watchdog_stop
finish
