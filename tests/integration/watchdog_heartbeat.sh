#!/usr/bin/env bash
# watchdog_heartbeat.sh: POST /heartbeat/<name> with Alertmanager's own
# webhook payloads (../shared/fixtures): a firing alert counts, an
# all-resolved payload does not, malformed JSON and other bad input get 400
# (or 415) with a one-line reason, a check of another kind 409, an unknown
# one 404; silence goes down within period + grace with the exact Telegram
# message, and the next firing heartbeat recovers it.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'

fake_start telegram
TG=$FAKE_URL

wd_config "$TMP/wd.yml" <<EOF
checks:
  - {name: alertmanager, kind: heartbeat, period: 2s, grace: 1s, receiver: phone, repeat_interval: 0s}
  - {name: quiet, kind: heartbeat, period: 1h, grace: 1h, receiver: phone}
  - {name: backup, kind: ping, period: 1h, grace: 1h, receiver: phone}
EOF
watchdog_start "$TMP/wd.yml"

post() {	# PATH FILE
	http -X POST -H "$J" --data-binary "@$2" "$WD_URL$1"
}

# Bad input first, on a check that must stay new.
printf '{"version": "4", "status": "firing", "alerts": [' >"$TMP/bad.json"
post /heartbeat/quiet "$TMP/bad.json"
expect_eq "truncated JSON" "400 invalid JSON at line 1, column 48: ']' expected near end of file" \
    "$HTTP_CODE $HTTP_BODY"
printf '{"version": "4", "status": "firing", "alerts": []}' >"$TMP/empty.json"
post /heartbeat/quiet "$TMP/empty.json"
expect_eq "no alerts" "400 alerts: empty: Alertmanager never sends a notification without alerts" \
    "$HTTP_CODE $HTTP_BODY"
printf '{"version": "3", "status": "firing", "alerts": [{"status": "firing"}]}' >"$TMP/v3.json"
post /heartbeat/quiet "$TMP/v3.json"
expect_eq "version 3" '400 unsupported payload version "3": expected "4"' "$HTTP_CODE $HTTP_BODY"
http -X POST -H 'Content-Type: text/plain' --data-binary "@$FIX/ssh-login-firing.json" \
    "$WD_URL/heartbeat/quiet"
expect_eq "text/plain" "415 unsupported Content-Type, want application/json" "$HTTP_CODE $HTTP_BODY"
post /heartbeat/quiet "$FIX/ssh-login-resolved.json"
expect_eq "all resolved: not a heartbeat" "200 OK (no firing alert: not counted as a heartbeat)" \
    "$HTTP_CODE $HTTP_BODY"
expect_eq "still new" '"new"' "$(wd_json quiet state)"
post /heartbeat/nope "$FIX/ssh-login-firing.json"
expect_eq "unknown check" '404 unknown check "nope"' "$HTTP_CODE $HTTP_BODY"
post /heartbeat/backup "$FIX/ssh-login-firing.json"
expect_eq "heartbeat to a ping check" \
    '409 check "backup" is a ping check, not a heartbeat check: ping /ping/backup' \
    "$HTTP_CODE $HTTP_BODY"
expect_eq "ping check untouched" '"new"' "$(wd_json backup state)"
http "$WD_URL/heartbeat/quiet"
expect_eq "GET heartbeat" "405" "$HTTP_CODE"

# Firing payloads count, a mixed one too (one firing alert is enough).
post /heartbeat/quiet "$FIX/llm-error-rate-mixed-severity.json"
expect_eq "firing heartbeat" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "quiet up" '"up"' "$(wd_json quiet state)"
post /heartbeat/alertmanager "$FIX/ssh-login-firing.json"
expect_eq "firing heartbeat" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "alertmanager up" '"up"' "$(wd_json alertmanager state)"

# Silence: down after period + grace (3s), exactly this message.
tg_wait_count 1
expect_eq "heartbeat stopped" "\"🔴 <b>DOWN</b> alertmanager · heartbeat\\nno heartbeat for 3+s\\ndown since $(wd_since alertmanager)\"" \
    "$(at_least 3 "$(tg_texts)")"
expect_eq "down" '"down"' "$(wd_json alertmanager state)"
expect_eq "reason in the API" '"no heartbeat for 3+s"' "$(at_least 3 "$(wd_json alertmanager reason)")"
# A resolved payload while down changes nothing.
post /heartbeat/alertmanager "$FIX/ssh-login-resolved.json"
expect_eq "still down" '"down"' "$(wd_json alertmanager state)"
t0=$(date +%s%3N)
post /heartbeat/alertmanager "$FIX/ssh-login-firing.json"
tg_wait_count 2
n=$(tg_count)
elapsed=$(($(date +%s%3N) - t0))
expect_eq "heartbeat back" '"✅ <b>UP</b> alertmanager · heartbeat\nback after Ns down\nwas: no heartbeat for 3+s"' \
    "$(at_least 3 "$(tg_texts | sed -n 2p | sed 's/back after [0-9]*s down/back after Ns down/')")"
# Two messages in all: nothing else before the recovered check can go down
# again (period + grace after this heartbeat). A machine slow enough to take
# that long here may see that next DOWN, and nothing but it.
if [ "$elapsed" -lt 3000 ] || [ "$n" -eq 2 ]; then
	expect_eq "two messages in all" "2" "$n"
else
	expect_eq "two messages, then down again after ${elapsed}ms" "3 \"🔴 <b>DOWN</b> alertmanager · heartbeat\\nno heartbeat for 3+s\\ndown since $(wd_since alertmanager)\"" \
	    "$n $(at_least 3 "$(tg_texts | sed -n 3p)")"
fi

watchdog_stop
finish
