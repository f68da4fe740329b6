#!/usr/bin/env bash
# watchdog_api.sh: tocsin-watchdog's command line (check-config on good and
# bad files, --help, a missing --config.file), GET /api/v1/checks as exact
# JSON, pause and resume over the API (no notification while paused, a full
# period after the resume, a first success resumes, one on time does not),
# the /metrics lines, and reloads by SIGHUP and POST /-/reload: checks added
# and removed, kept checks keep their state, a bad config keeps the running
# one and says so in tocsin_config_last_reload_successful.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
: "${TOCSIN_WATCHDOG:?}"
WD=$TOCSIN_WATCHDOG

fake_start telegram
TG=$FAKE_URL

receivers="receivers:
  - name: phone
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42"
cat >"$TMP/wd.yml" <<EOF
$receivers
checks:
  - {name: nightly-backup, kind: ping, period: 6s, grace: 1s, receiver: phone, repeat_interval: 0s}
  - {name: alertmanager, kind: heartbeat, period: 5m, grace: 2m, receiver: phone}
EOF
cat >"$TMP/bad.yml" <<EOF
$receivers
checks:
  - {name: alertmanager, kind: heartbeat, period: 5m, grace: 2m, receiver: pager}
EOF

# check-config, like tocsin-relay's.
rc=0
out=$("$WD" check-config "$TMP/wd.yml" 2>&1) || rc=$?
expect_eq "check-config good" "Checking '$TMP/wd.yml'  SUCCESS
Found:
 - global config
 - 2 checks
 - 1 receivers
 - 0 templates
0" "$out
$rc"
rc=0
out=$("$WD" check-config "$TMP/wd.yml" "$TMP/bad.yml" 2>&1) || rc=$?
expect_eq "check-config bad" "Checking '$TMP/wd.yml'  SUCCESS
Found:
 - global config
 - 2 checks
 - 1 receivers
 - 0 templates

Checking '$TMP/bad.yml'  FAILED: $TMP/bad.yml:8:76: undefined receiver \"pager\" used in check \"alertmanager\"

tocsin-watchdog: error: failed to validate 1 file(s)
1" "$out
$rc"
rc=0
out=$("$WD" check-config "$TMP/missing.yml" 2>&1) || rc=$?
expect_eq "check-config missing file" "tocsin-watchdog: error: path '$TMP/missing.yml' does not exist
1" "$out
$rc"
rc=0
out=$("$WD" --storage.path="$TMP/x" 2>&1) || rc=$?
expect_eq "no --config.file" "tocsin-watchdog: error: required flag --config.file not provided, try --help
1" "$out
$rc"
expect_eq "--help" "usage: tocsin-watchdog --config.file=<file> [<flags>]" "$("$WD" --help | head -n 1)"
expect_eq "--version" "tocsin-watchdog, version" "$("$WD" --version | cut -d' ' -f1-2)"

watchdog_start "$TMP/wd.yml"
metrics() {
	curl -fsS "$WD_URL/metrics" | grep -E "$1" || true
}
now_ms() {
	python3 -c 'import time; print(int(time.time() * 1000))'
}

# The checks, before any signal: exact JSON.
http "$WD_URL/api/v1/checks"
expect_eq "checks JSON" '200 {"checks":[{"name":"nightly-backup","kind":"ping","state":"new","paused":false,"receiver":"phone","period_seconds":6.0,"schedule":null,"tz":null,"grace_seconds":1.0,"repeat_interval_seconds":0.0,"last_ping":null,"last_start":null,"down_since":null,"late_at":null,"next_expected":null,"next_expected_local":null,"next_deadline":null,"last_duration_seconds":null,"last_message":"","reason":""},{"name":"alertmanager","kind":"heartbeat","state":"new","paused":false,"receiver":"phone","period_seconds":300.0,"schedule":null,"tz":null,"grace_seconds":120.0,"repeat_interval_seconds":14400.0,"last_ping":null,"last_start":null,"down_since":null,"late_at":null,"next_expected":null,"next_expected_local":null,"next_deadline":null,"last_duration_seconds":null,"last_message":"","reason":""}]}' \
    "$HTTP_CODE $HTTP_BODY"
expect_eq "content type" "content-type: application/json" \
    "$(grep -i '^content-type' <<<"$HTTP_HEADERS" | tr 'A-Z' 'a-z')"

# A run with start and success: times and the run's duration.
http "$WD_URL/ping/nightly-backup/start"
http -X POST --data-binary 'done' "$WD_URL/ping/nightly-backup"
expect_eq "state" '"up"' "$(wd_json nightly-backup state)"
expect_eq "last_duration_seconds is a number" "number" "$(wd_json nightly-backup last_duration_seconds | jq -r type)"
# late_at comes from the monotonic deadline, last_ping from the wall clock:
# each is cut to the millisecond on its own, so they may differ by one.
within() {	# WANT GOT: |GOT - WANT| <= 1
	[ $(( $2 - $1 )) -ge -1 ] && [ $(( $2 - $1 )) -le 1 ] && echo true || echo "false ($2)"
}
expect_eq "late_at is last_ping + period" "true" \
    "$(within 6000 $(( $(epoch_ms "$(wd_json nightly-backup late_at | tr -d '"')") - $(epoch_ms "$(wd_json nightly-backup last_ping | tr -d '"')") )))"
expect_eq "metrics per check" 'tocsin_watchdog_check_last_success_timestamp_seconds{check="alertmanager"} 0
tocsin_watchdog_check_paused{check="alertmanager"} 0
tocsin_watchdog_check_paused{check="nightly-backup"} 0
tocsin_watchdog_check_state{check="alertmanager",kind="heartbeat",state="down"} 0
tocsin_watchdog_check_state{check="alertmanager",kind="heartbeat",state="late"} 0
tocsin_watchdog_check_state{check="alertmanager",kind="heartbeat",state="new"} 1
tocsin_watchdog_check_state{check="alertmanager",kind="heartbeat",state="up"} 0
tocsin_watchdog_check_state{check="nightly-backup",kind="ping",state="down"} 0
tocsin_watchdog_check_state{check="nightly-backup",kind="ping",state="late"} 0
tocsin_watchdog_check_state{check="nightly-backup",kind="ping",state="new"} 0
tocsin_watchdog_check_state{check="nightly-backup",kind="ping",state="up"} 1' \
    "$(metrics '^tocsin_watchdog_check_(state|paused)|last_success_timestamp_seconds\{check="alertmanager"')"
expect_eq "seconds until late: only the up check" '1' \
    "$(metrics '^tocsin_watchdog_check_seconds_until_late\{check="nightly-backup"\} [0-9.e+-]+$' | wc -l)$(metrics '^tocsin_watchdog_check_seconds_until_late\{check="alertmanager"')"
expect_eq "queue, reload and HTTP metrics" 'tocsin_config_last_reload_successful 1
tocsin_http_requests_total{code="200",handler="/ping/{check}"} 2
tocsin_queue_messages{state="pending"} 0' \
    "$(metrics '^tocsin_config_last_reload_successful|^tocsin_queue_messages\{state="pending"|^tocsin_http_requests_total\{.*/ping/')"

# Paused: the deadlines pass without a word; resumed: a full period from now.
http -X POST "$WD_URL/api/v1/checks/nightly-backup/pause"
expect_eq "pause" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "paused" "true" "$(wd_json nightly-backup paused)"
expect_eq "paused metric" 'tocsin_watchdog_check_paused{check="nightly-backup"} 1' \
    "$(metrics '^tocsin_watchdog_check_paused\{check="nightly-backup"')"
expect_eq "no deadline while paused" "null" "$(wd_json nightly-backup next_deadline)"
sleep 8	# period + grace is 7s
expect_eq "no message while paused" "0" "$(tg_count)"
expect_eq "still up while paused" '"up"' "$(wd_json nightly-backup state)"
before=$(now_ms)
http -X POST "$WD_URL/api/v1/checks/nightly-backup/resume"
expect_eq "resume" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "late a full period after the resume" "true" \
    "$([ "$(epoch_ms "$(wd_json nightly-backup late_at | tr -d '"')")" -ge $((before + 6000)) ] && echo true || echo false)"
wait_until 30 tg_has_count 1 || fail "no DOWN after the resume"
expect_eq "down after the resume" "no ping for Ns" \
    "$(wd_json nightly-backup reason | jq -r . | sed -E 's/[0-9]+s$/Ns/')"
# A failure while paused changes nothing (failing during maintenance is
# what the pause is for); a success resumes the check.
http -X POST "$WD_URL/api/v1/checks/nightly-backup/pause"
http "$WD_URL/ping/nightly-backup/fail"
expect_eq "fail while paused" '200 OK true "down" 1' \
    "$HTTP_CODE $HTTP_BODY $(wd_json nightly-backup paused) $(wd_json nightly-backup state) $(tg_count)"
http -X POST "$WD_URL/api/v1/checks/alertmanager/pause"
http -X POST -H 'Content-Type: application/json' \
    --data-binary "@$TOCSIN_FIXTURES/ssh-login-firing.json" "$WD_URL/heartbeat/alertmanager"
expect_eq "a first heartbeat resumes a paused check" '200 OK false "up"' \
    "$HTTP_CODE $HTTP_BODY $(wd_json alertmanager paused) $(wd_json alertmanager state)"
http -X POST "$WD_URL/api/v1/checks/alertmanager/pause"
http -X POST -H 'Content-Type: application/json' \
    --data-binary "@$TOCSIN_FIXTURES/ssh-login-firing.json" "$WD_URL/heartbeat/alertmanager"
expect_eq "a heartbeat on time keeps the pause" '200 OK true' \
    "$HTTP_CODE $HTTP_BODY $(wd_json alertmanager paused)"
http -X POST "$WD_URL/api/v1/checks/alertmanager/resume"
http -X POST "$WD_URL/api/v1/checks/nope/pause"
expect_eq "pause unknown" '404 unknown check "nope"' "$HTTP_CODE $HTTP_BODY"
http -X POST "$WD_URL/api/v1/checks/nightly-backup/mute"
expect_eq "unknown action" "404 want /api/v1/checks/<name>/pause or /resume" "$HTTP_CODE $HTTP_BODY"

# Reload by SIGHUP: alertmanager kept (its state too), nightly-backup
# removed, db-dump added.
http -X POST -H 'Content-Type: application/json' \
    --data-binary "@$TOCSIN_FIXTURES/ssh-login-firing.json" "$WD_URL/heartbeat/alertmanager"
last=$(wd_json alertmanager last_ping)
cat >"$TMP/wd.yml" <<EOF
$receivers
checks:
  - {name: alertmanager, kind: heartbeat, period: 10m, grace: 2m, receiver: phone}
  - {name: db-dump, kind: ping, period: 1d, grace: 1h, receiver: phone}
EOF
kill -HUP "$WD_PID"
reloaded() {
	[ "$(curl -fsS "$WD_URL/api/v1/checks" | jq -c '[.checks[].name]')" = '["alertmanager","db-dump"]' ]
}
wait_until 30 reloaded || fail "SIGHUP did not reload"
expect_eq "kept check keeps its state" '"up"' "$(wd_json alertmanager state)"
expect_eq "kept check keeps its last ping" "$last" "$(wd_json alertmanager last_ping)"
expect_eq "new period applies" "600" "$(wd_json alertmanager period_seconds)"
expect_eq "late_at from the last ping with the new period" "true" \
    "$(within 600000 $(( $(epoch_ms "$(wd_json alertmanager late_at | tr -d '"')") - $(epoch_ms "$(echo "$last" | tr -d '"')") )))"
expect_eq "added check is new" '"new"' "$(wd_json db-dump state)"
http "$WD_URL/ping/nightly-backup"
expect_eq "removed check" '404 unknown check "nightly-backup"' "$HTTP_CODE $HTTP_BODY"

# A bad config by POST /-/reload: refused, the running one stays.
cp "$TMP/bad.yml" "$TMP/wd.yml"
http -X POST "$WD_URL/-/reload"
expect_eq "bad reload" "500 failed to reload config: $TMP/wd.yml:8:76: undefined receiver \"pager\" used in check \"alertmanager\"" \
    "$HTTP_CODE $HTTP_BODY"
expect_eq "reload metric after a bad reload" "tocsin_config_last_reload_successful 0" \
    "$(metrics '^tocsin_config_last_reload_successful ')"
expect_eq "running config kept" '["alertmanager","db-dump"]' \
    "$(curl -fsS "$WD_URL/api/v1/checks" | jq -c '[.checks[].name]')"
expect_eq "state kept" '"up"' "$(wd_json alertmanager state)"

# Back to a good one, and a removed check added back starts afresh.
cat >"$TMP/wd.yml" <<EOF
$receivers
checks:
  - {name: alertmanager, kind: heartbeat, period: 10m, grace: 2m, receiver: phone}
  - {name: nightly-backup, kind: ping, period: 2s, grace: 1s, receiver: phone}
EOF
http -X POST "$WD_URL/-/reload"
expect_eq "good reload" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "reload metric" "tocsin_config_last_reload_successful 1" \
    "$(metrics '^tocsin_config_last_reload_successful ')"
expect_eq "re-added check starts new" '"new"' "$(wd_json nightly-backup state)"
watchdog_stop
watchdog_restart
expect_eq "and stays new after a restart" '"new"' "$(wd_json nightly-backup state)"
expect_eq "the heartbeat's state survives" '"up"' "$(wd_json alertmanager state)"
expect_eq "one message in all" "1" "$(tg_count)"

watchdog_stop
finish
