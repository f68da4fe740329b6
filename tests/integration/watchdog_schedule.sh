#!/usr/bin/env bash
# watchdog_schedule.sh: ping checks on a cron schedule with a time zone,
# and on a systemd calendar event (its next time as systemd-analyze gives it).
# /api/v1/checks shows the schedule, the zone and the next expected time in
# UTC and in the zone; a `* * * * *` job pinged once goes down a grace after
# the next minute (the exact DOWN and UP messages at the fake Telegram);
# /start and success with run ids (overlapping runs, a hung one down after
# grace), /log keeping a message without a state change, and a bad rid.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
export TZ=UTC

fake_start telegram
TG=$FAKE_URL

wd_config "$TMP/wd.yml" <<EOF
checks:
  - name: minutely
    kind: ping
    schedule: "* * * * *"
    tz: Europe/Berlin
    grace: 3s
    repeat_interval: 0s
    receiver: phone
  - name: nightly
    kind: ping
    schedule: "0 3 * * *"
    tz: America/New_York
    grace: 2s
    repeat_interval: 0s
    receiver: phone
  - name: timer
    kind: ping
    schedule: Mon..Fri 03:00 Europe/Berlin
    grace: 1h
    receiver: phone
EOF
watchdog_start "$TMP/wd.yml"

RID_A=05f4aa48-1d2c-4b1e-9e37-6b1f0c8a0a01
RID_B=7671e111-5b0a-4c33-8d6e-2a9b3c4d5e02

# in_zone ZONE RFC3339: the instant as RFC 3339 in that zone, as the API
# writes next_expected_local (offset, no fraction).
in_zone() {
	python3 -c 'import sys, datetime, zoneinfo
t = datetime.datetime.fromisoformat(sys.argv[2].replace("Z", "+00:00"))
print(t.astimezone(zoneinfo.ZoneInfo(sys.argv[1])).isoformat())' "$1" "$2"
}
# next_0300_new_york: the next 03:00 in New York after now, in UTC.
next_0300_new_york() {
	python3 -c 'import datetime, zoneinfo
z = zoneinfo.ZoneInfo("America/New_York")
now = datetime.datetime.now(z)
t = now.replace(hour=3, minute=0, second=0, microsecond=0)
if t <= now:
    t = (now + datetime.timedelta(days=1)).replace(hour=3, minute=0, second=0, microsecond=0)
print(t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))'
}

# A systemd calendar event naming its zone: the next time is the one
# systemd itself gives.
expect_eq "calendar event" '"Mon..Fri 03:00 Europe/Berlin" "Europe/Berlin" null' \
    "$(wd_json timer schedule) $(wd_json timer tz) $(wd_json timer period_seconds)"
expect_eq "calendar event: systemd's next elapse" \
    "$(TZ=UTC systemd-analyze calendar 'Mon..Fri 03:00 Europe/Berlin' |
	sed -n 's/^ *Next elapse: [A-Za-z]* \(.*\) \(.*\) UTC$/\1T\2Z/p')" \
    "$(wd_check timer next_expected)"

# The schedule and the zone; before any ping, the schedule's next time.
expect_eq "schedule" '"0 3 * * *" "America/New_York" null' \
    "$(wd_json nightly schedule) $(wd_json nightly tz) $(wd_json nightly period_seconds)"
want=$(next_0300_new_york)
got=$(wd_check nightly next_expected)
expect_eq "next 03:00 in New York, in UTC" "$want" "$got"
expect_eq "next 03:00 in New York, local" "$(in_zone America/New_York "$want")" \
    "$(wd_check nightly next_expected_local)"
expect_eq "local time is 03:00" "T03:00:00" "$(wd_check nightly next_expected_local | grep -o 'T03:00:00')"

# The run with run ids: two overlapping runs of nightly; A's success is
# measured from A's start and leaves B's (the latest) timed.
http "$WD_URL/ping/nightly"
http "$WD_URL/ping/nightly/start?rid=$RID_A"
expect_eq "start A" "200 OK" "$HTTP_CODE $HTTP_BODY"
sleep 1
http "$WD_URL/ping/nightly/start?rid=$RID_B"
expect_eq "start B" "200 OK" "$HTTP_CODE $HTTP_BODY"
http -X POST --data-binary 'A done' "$WD_URL/ping/nightly?rid=$RID_A"
expect_eq "success A" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "A's run time counts from A's start" "true" \
    "$(wd_check nightly last_duration_seconds | awk '{ print ($1 >= 1.0) ? "true" : "false" }')"
expect_eq "still up" '"up"' "$(wd_json nightly state)"
http "$WD_URL/ping/nightly/start?rid=NOT-A-UUID"
expect_eq "bad rid" "400 rid must be a UUID in canonical form (8-4-4-4-12 lower-case hex digits)" \
    "$HTTP_CODE $HTTP_BODY"
# /log: the message, and nothing else.
http -X POST --data-binary 'step 2 of 5' "$WD_URL/ping/nightly/log?rid=$RID_B"
expect_eq "log" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "log keeps the message only" '"up" "step 2 of 5"' \
    "$(wd_json nightly state) $(wd_json nightly last_message)"
# B never finishes within grace (2s): down, as a hung run.
tg_wait_count 1
expect_eq "hung run B down" \
    "\"🔴 <b>DOWN</b> nightly · ping\\nstarted 2+s ago, no success since\\ndown since $(wd_since nightly)\\nlast message:\\n<pre>step 2 of 5</pre>\"" \
    "$(at_least 2 "$(tg_texts | sed -n 1p)")"
http "$WD_URL/ping/nightly?rid=$RID_B"
tg_wait_count 2
expect_eq "B's success recovers" \
    '"✅ <b>UP</b> nightly · ping\nback after Ns down\nwas: started 2+s ago, no success since"' \
    "$(at_least 2 "$(tg_texts | sed -n 2p | sed 's/back after [0-9]*s down/back after Ns down/')")"

# A ping: late at the next whole minute, down grace (3s) after it.
http "$WD_URL/ping/minutely"
expect_eq "ping" "200 OK" "$HTTP_CODE $HTTP_BODY"
ping_ms=$(epoch_ms "$(wd_check minutely last_ping)")
minute=$(( (ping_ms / 60000 + 1) * 60 ))
want=$(date -u -d "@$minute" +%Y-%m-%dT%H:%M:%SZ)
expect_eq "next expected: the next minute" "$want" "$(wd_check minutely next_expected)"
expect_eq "next expected in Berlin" "$(in_zone Europe/Berlin "$want")" \
    "$(wd_check minutely next_expected_local)"
expect_eq "up" '"up"' "$(wd_json minutely state)"

# minutely: nothing more since its ping; down 3s after the next minute,
# which may be a minute away (tg_wait_count waits 30s at most).
wait_until 90 tg_has_count 3 || fail "no DOWN for minutely"
expect_eq "minutely down after its minute and grace" \
    "\"🔴 <b>DOWN</b> minutely · ping\\nno ping for N\\ndown since $(wd_since minutely)\"" \
    "$(tg_texts | sed -n 3p | sed -E 's/no ping for ([0-9]+m)?[0-9]+s/no ping for N/')"
down_ms=$(epoch_ms "$(wd_check minutely down_since)")
expect_eq "not before the minute + grace" "true" \
    "$([ "$down_ms" -ge $(( minute * 1000 + 3000 )) ] && echo true || echo false)"
# The DOWN request, byte for byte, as Telegram's Bot API gets it.
body=$(tg_requests | jq -r '.[2].body')
expect_eq "sendMessage body" "$(tg_body "🔴 <b>DOWN</b> minutely · ping
$(jq -r '.text | split("\n")[1]' <<<"$body")
down since $(wd_since minutely)")" "$body"
http -X POST --data-binary 'back' "$WD_URL/ping/minutely"
tg_wait_count 4
expect_eq "minutely recovers" \
    '"✅ <b>UP</b> minutely · ping\nback after Ns down\nwas: no ping for N\nlast message:\n<pre>back</pre>"' \
    "$(tg_texts | sed -n 4p | sed -E 's/back after [0-9]+s down/back after Ns down/; s/no ping for ([0-9]+m)?[0-9]+s/no ping for N/')"
expect_eq "up again, expected at the next minute" '"up" true' \
    "$(wd_json minutely state) $(wd_check minutely next_expected | grep -qE ':00Z$' && echo true || echo false)"

watchdog_stop
finish
